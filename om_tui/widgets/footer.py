"""The keys at the foot of every screen: Textual's footer, that lets go of the keys it drops.

Textual's footer makes its keys anew each time a screen's keys change (the screen shown
again, the focus moved), and each key watches the footer's `compact` setting. Textual
forgets the watch of a key that is gone only when that setting changes — and it never
does — so a main screen, kept all day, kept every key its footer ever showed (with its
styles and drawn lines: thousands of objects at each return to it), and each full
garbage collection had them all to walk, a little longer each time (Textual issue #6666).
This one tells its keys the setting again after making them anew: Textual then drops the
watches of the keys that are gone.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Textual's footer, its old keys freed each time it makes its keys anew."""

    async def recompose(self) -> None:
        await super().recompose()
        self.mutate_reactive(TextualFooter.compact)
