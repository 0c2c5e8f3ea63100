"""A table whose text cells show as typed: every table of ours is one.

Textual's DataTable reads a `str` cell as markup: a patient named "Ann [/] Lee" stopped
the app, and "Bob [VIP] Smith" lost his "[VIP]". Names come from the desk's typing and
from another system's exports, where flags in brackets are common ("Smith [DO NOT BOOK]"),
so a `str` given to a PlainTable is wrapped in a rich Text as it is. A cell that must be
styled is passed as a Text (or any other renderable) built on purpose; those pass through.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from rich.text import Text, TextType
from textual.cache import LRUCache
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey

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
    update_cell_at (through update_cell); and `update_in_place`, for cells that change
    by themselves (a running clock). Rows added under columns of set widths are not
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

    def update_in_place(
        self, changes: Iterable[tuple[RowKey | str, ColumnKey | str, CellType]]
    ) -> None:
        """Set cells whose width does not change, and draw again only those cells.

        `update_cell` makes every cell of the table stale (its count of updates is in
        every cached cell's key), so each change draws all the visible rows again: a
        board whose clocks tick every second spent 30-60 ms of a core a second on it.
        Here only the cached drawings of the changed cells, and of their rows' lines,
        are let go of, and only their rows are drawn again. The caches are Textual's
        own (DataTable's private ones): where they are not as expected, this falls
        back to `update_cell`, slower but right (a test catches that case).
        """
        typed: dict[tuple[RowKey, ColumnKey], CellType] = {}
        for row_key, column_key, value in changes:  # all checked before any is set
            cell = (
                row_key if isinstance(row_key, RowKey) else RowKey(row_key),
                column_key if isinstance(column_key, ColumnKey) else ColumnKey(column_key),
            )
            row = self.rows.get(cell[0])
            if row is None or cell[1] not in self.columns:
                raise CellDoesNotExist(f"No cell at {row_key!r}, {column_key!r}")
            typed[cell] = cast(CellType, plain(value, wrap=row.height != 1))
        caches = _render_caches(self)
        if caches is None:
            for (row_key, column_key), value in typed.items():
                super().update_cell(row_key, column_key, value)
            return
        for (row_key, column_key), value in typed.items():
            self._data[row_key][column_key] = value
        cells = typed.keys()
        if not cells:
            return
        cell_cache, row_cache, renderables, line_cache = caches
        rows = {row for row, _ in cells}
        indexes = {self.get_row_index(row) for row in rows}
        top = self.header_height if self.show_header else 0
        lines = {top + y for y, (row, _) in enumerate(self._y_offsets) if row in rows}
        for key in [key for key in cell_cache.keys() if (key[0], key[1]) in cells]:
            cell_cache.discard(key)
        for key in [key for key in row_cache.keys() if key[0] in rows]:
            row_cache.discard(key)
        for key in [key for key in renderables.keys() if key[1] in indexes]:
            renderables.discard(key)
        for key in [key for key in line_cache.keys() if key[0] in lines]:
            line_cache.discard(key)
        for index in indexes:  # a row's line is drawn whole: one region per row
            self.refresh_row(index)


def _render_caches(table: DataTable[CellType]) -> tuple[LRUCache[Any, Any], ...] | None:
    """DataTable's caches of drawn cells, drawn row lines, row cells and drawn lines, if
    this Textual keeps them as this module knows them (Textual 8)."""
    names = ("_cell_render_cache", "_row_render_cache", "_row_renderable_cache", "_line_cache")
    caches = tuple(getattr(table, name, None) for name in names)
    if all(isinstance(cache, LRUCache) for cache in caches) and hasattr(table, "_data"):
        return cast(tuple[LRUCache[Any, Any], ...], caches)
    return None
