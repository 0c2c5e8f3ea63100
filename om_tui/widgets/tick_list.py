"""A list of choices to tick, whose ticked and unticked boxes differ in their glyph.

Textual's SelectionList draws every box with the same "X" and tells them apart by colour
alone: on a monochrome terminal, or under NO_COLOR, ticked and unticked read alike.
"""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

Value = TypeVar("Value")

TICKED, UNTICKED = "✓", " "


class TickList(SelectionList[Value]):
    """A SelectionList whose boxes read ✓ when ticked and stay empty when not."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = list(line)
        try:
            choice = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        if len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return line
        glyph = TICKED if choice.value in self._selected else UNTICKED
        segments[1] = Segment(glyph, segments[1].style)
        return Strip(segments, line.cell_length)
