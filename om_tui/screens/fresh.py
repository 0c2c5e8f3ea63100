"""A screen's first showing made quick: styled once, not three times, and no garbage
collection on its way to the terminal.

Textual styles each widget as it mounts, then restyles the whole screen (every widget,
every rule) each time the screen is shown: once more when a pushed screen is shown, twice
more when a mode's screen is first shown (its mode is made, then switched to). On a screen
just made nothing has changed in between, and on a busy practice's screens those passes
are a good part of the time from the key to the screen drawn. A screen with `FreshScreen`
among its bases skips the restyle until it has been hidden once; from then on every
showing restyles as Textual does (a theme changed meanwhile, the app's focus…).

A screen's first showing also makes tens of thousands of objects (its widgets, what it
reads): the collector's passes meanwhile find little to free, and one of them, sooner or
later, is a full pass over everything the app holds (50–130 ms on a large practice, in
about one opening in two once a few screens are open). So the collector waits from the
screen's compose to its first paint (Textual does the same while it scrolls,
`App.PAUSE_GC_ON_SCROLL`), at most HOLD_SECONDS; then it catches up — a young pass over
what the opening left, or the full one if it is due — while the person reads the screen.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import time

from textual import events, on
from textual.screen import Screen

HOLD_SECONDS = 1.0
"""The longest the collector waits for a screen's first paint."""

_clock = time.monotonic  # a hold's age (a test moves it on)
_holding: dict[object, float] = {}  # a hold for each screen on its way to its first paint, since
_held = False  # the collector was on, and is off for them


def _hold() -> object:
    """A hold on the collector, for `_release`: a token, not the screen (what waits to
    let go must not keep a closed screen, and all it drew)."""
    global _held
    now = _clock()
    for stale in [held for held, since in _holding.items() if now - since > HOLD_SECONDS]:
        del _holding[stale]  # its app stopped before it could let go (its timers with it)
    if not _holding and not _held and gc.isenabled():
        gc.disable()
        _held = True
    hold = object()
    _holding[hold] = now
    return hold


def _release(hold: object) -> None:
    """The screen is drawn (or gone): the collector runs again once no screen waits.
    Once only, whatever calls it first."""
    global _held
    if _holding.pop(hold, None) is None:
        return
    if not _holding and _held:
        _held = False
        gc.enable()


class FreshScreen(Screen[None]):
    """A screen whose first showing keeps the styles its widgets got as they mounted, with
    the collector waiting until it is drawn."""

    _hidden_since_made = False
    _collector_held: object = None

    @on(events.Compose)
    def _hold_collector(self) -> None:
        # Before the screen composes and mounts (Widget's handler, later in the MRO, does).
        hold = self._collector_held = _hold()
        # Not a Textual timer: its task would keep this screen (the active message pump, in
        # the context it copies) for a second after it closed. An empty context keeps none.
        asyncio.get_running_loop().call_later(
            HOLD_SECONDS, _release, hold, context=contextvars.Context()
        )

    @on(events.Mount)
    def _release_once_drawn(self) -> None:
        # After the subclass's on_mount (its first reading, if it reads on the event loop).
        self.call_after_refresh(_release, self._collector_held)

    @on(events.Unmount)
    def _release_when_gone(self) -> None:
        _release(self._collector_held)

    def _on_screen_suspend(self) -> None:
        self._hidden_since_made = True

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Before Textual's own handler (a subclass's handler is called first).
        if not self._hidden_since_made:
            event.refresh_styles = False
