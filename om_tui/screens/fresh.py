"""A screen styled once on its first showing, not three times.

Textual styles each widget as it mounts, then restyles the whole screen (every widget,
every rule) each time the screen is shown: once more when a pushed screen is shown, twice
more when a mode's screen is first shown (its mode is made, then switched to). On a screen
just made nothing has changed in between, and on a busy practice's screens those passes
are a good part of the time from the key to the screen drawn. A screen with `FreshScreen`
among its bases skips the restyle until it has been hidden once; from then on every
showing restyles as Textual does (a theme changed meanwhile, the app's focus…).
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class FreshScreen(Screen[None]):
    """A screen whose first showing keeps the styles its widgets got as they mounted."""

    _hidden_since_made = False

    def _on_screen_suspend(self) -> None:
        self._hidden_since_made = True

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Before Textual's own handler (a subclass's handler is called first).
        if not self._hidden_since_made:
            event.refresh_styles = False
