"""A table whose cursor picks rows: Home and End go to the first and the last row; its text
cells show as typed (a PlainTable)."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual.binding import Binding, BindingType

from om_tui.widgets.plain_table import PlainTable

CellType = TypeVar("CellType")


class RowTable(PlainTable[CellType]):
    """A person a line, a visit a line…: the cursor is on a row. Home and End go to the
    first and the last (DataTable's own scroll sideways, which a row cursor never needs)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]

    def __init__(self, **options: Any) -> None:
        super().__init__(cursor_type="row", **options)
