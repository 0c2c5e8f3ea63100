"""The keys at the foot of every screen: Textual's footer, that lets go of the keys it drops
and makes them anew only when they change.

Textual's footer makes its keys anew each time a screen's keys may have changed (the screen
shown again or covered, the focus moved, a key's state checked): four or five times as a
call list opens, and each time for the screen it covers as well — a dozen widgets removed,
made, mounted and styled each time, for the same keys. This one makes them anew only when
what it would show differs from what it shows.

And each key watches the footer's `compact` setting. Textual forgets the watch of a key
that is gone only when that setting changes — and it never does — so a main screen, kept
all day, kept every key its footer ever showed (with its styles and drawn lines: thousands
of objects at each return to it), and each full garbage collection had them all to walk,
a little longer each time (Textual issue #6666). This one tells its keys the setting again
after making them anew: Textual then drops the watches of the keys that are gone.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer, its keys made anew only when they change, its old keys freed."""

    _shown: object = None

    def _keys(self) -> tuple[Any, ...]:
        """What `compose` makes the keys from: each key shown, its label, whether it is
        enabled, and the command palette's."""
        app, active = self.app, self.screen.active_bindings
        palette = active.get(app.COMMAND_PALETTE_BINDING)
        return (
            tuple(
                (binding, app.get_key_display(binding), enabled, tooltip)
                for _, binding, enabled, tooltip in active.values()
                if binding.show
            ),
            self.show_command_palette and app.ENABLE_COMMAND_PALETTE,
            palette[1:] if palette is not None else None,
        )

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._keys() != self._shown:
            await self.recompose()

    async def recompose(self) -> None:
        await super().recompose()
        self.mutate_reactive(TextualFooter.compact)
