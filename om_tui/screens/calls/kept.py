"""The call lists' screens are made once per app and kept: pushed again, each re-reads
its list (in its worker) and draws it over what it showed last. Composing, mounting and
styling a list's screen anew took longer at each opening than reading the list itself
(a table, its columns, the footer's keys, all styled again).

A kept screen re-reads when shown again after it was closed (`Rereads`); one open on
another mode's stack already (the book opened from a list, and L pressed there) is not
taken from it: a new one is made for this stack, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp


def show_kept(om: OmTuiApp, name: str, made: Callable[[], Screen[Any]]) -> None:
    """Push the screen kept as `name` (made the first time)."""
    key = f"kept:{name}"
    if not om.is_screen_installed(key):
        om.install_screen(made(), key)
    screen = om.get_screen(key)
    if screen in om.screen_stack:
        return  # open here already, under a dialog or on top
    if any(screen in stack for stack in _stacks(om)):
        om.push_screen(made())
        return
    om.push_screen(screen)


def _stacks(om: OmTuiApp) -> list[list[Screen[Any]]]:
    """The screen stacks of the modes opened so far."""
    found = []
    for mode in om.MODES:
        try:
            found.append(om.get_screen_stack(mode))
        except KeyError:  # not opened yet
            continue
    return found


class Rereads:
    """A kept screen's part: closed (popped, not covered by a dialog), it reads again
    when shown next. The screen's own `reload` reads."""

    _reread_due = False

    def reload(self) -> None:
        raise NotImplementedError

    def on_screen_suspend(self) -> None:
        app = getattr(self, "app")  # noqa: B009 - a Screen's
        self._reread_due = self not in app.screen_stack

    def on_screen_resume(self) -> None:
        if self._reread_due:
            self._reread_due = False
            self.reload()
