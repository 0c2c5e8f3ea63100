"""A table whose text cells show as typed: every DataTable of ours is one (the board's LiveTable
shows a str as typed too).

Textual's DataTable reads a `str` cell as markup: a patient named "Ann [/] Lee" stopped
the app, and "Bob [VIP] Smith" lost his "[VIP]". Names come from the desk's typing and
from another system's exports, where flags in brackets are common ("Smith [DO NOT BOOK]"),
so a `str` given to a PlainTable is wrapped in a rich Text as it is. A cell that must be
styled is passed as a Text (or any other renderable) built on purpose; those pass through.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar, cast

from rich.text import Text, TextType
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

CellType = TypeVar("CellType")


def plain(cell: object, *, wrap: bool) -> object:
    """A str cell as a Text of its own characters, cut or wrapped as DataTable would a str
    (wrapped only in a row taller than one line); any other cell as it is."""
    if isinstance(cell, str):
        return Text(cell, no_wrap=not wrap, end="")
    return cell


class PlainTable(DataTable[CellType]):
    """A DataTable whose `str` cells and labels are plain text: add_column, add_columns
    (through add_column), add_row, add_rows (through add_row), update_cell and
    update_cell_at (through update_cell). Rows added under columns of set widths are not
    measured (`_update_dimensions`)."""

    def add_column(
        self,
        label: TextType,
        *,
        width: int | None = None,
        key: str | None = None,
        default: CellType | None = None,
    ) -> ColumnKey:
        label = Text(label) if isinstance(label, str) else label
        return super().add_column(label, width=width, key=key, default=default)

    def add_row(
        self,
        *cells: CellType,
        height: int | None = 1,
        key: str | None = None,
        label: TextType | None = None,
    ) -> RowKey:
        wrap = height != 1
        typed = (cast(CellType, plain(cell, wrap=wrap)) for cell in cells)
        label = Text(label, end="") if isinstance(label, str) else label
        return super().add_row(*typed, height=height, key=key, label=label)

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        row = self.rows.get(RowKey(row_key) if isinstance(row_key, str) else row_key)
        wrap = row is not None and row.height != 1
        typed = cast(CellType, plain(value, wrap=wrap))
        super().update_cell(row_key, column_key, typed, update_width=update_width)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """DataTable measures every cell of every row added (each cell drawn by rich, a
        call list's 200 rows 1,200 times) for its column's width; a column given a width
        keeps that width, whatever it holds. So rows of one line, without a label, under
        columns of set widths are not measured: only the table's size is worked out."""
        rows = list(new_rows)
        if all(not column.auto_width for column in self.columns.values()) and all(
            row is None or (row.label is None and not row.auto_height)
            for row in map(self.rows.get, rows)
        ):
            rows = []
        super()._update_dimensions(rows)
