"""PlainTable: a str given to any of its ways in shows as typed; a Text keeps its style."""

from __future__ import annotations

import sys

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from om_tui.widgets.plain_table import PlainTable
from om_tui.widgets.row_table import RowTable

from .helpers import screen_lines


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield PlainTable[Text | str](id="table")


async def test_every_way_in_takes_a_str_as_typed_and_a_text_as_built() -> None:
    styled = Text("[b]kept[/b]", style="bold")
    app = OneTable()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one("#table", PlainTable)
        table.add_column("Patient [imported]", key="patient")
        table.add_columns("Flag", "Note")
        table.add_row("Ann [/] Lee", "[VIP]", styled, key="ann")
        table.add_rows([("Bob [VIP] Smith", "", ""), ("Cy", "", "")])
        table.update_cell("ann", "patient", "Smith [DO NOT BOOK]")
        table.update_cell_at(Coordinate(2, 1), "[bold]as typed[/bold]")
        await pilot.pause()
        drawn = "\n".join(screen_lines(pilot))
        for typed in (
            "Patient [imported]",
            "Smith [DO NOT BOOK]",
            "[VIP]",
            "Bob [VIP] Smith",
            "[bold]as typed[/bold]",
        ):
            assert typed in drawn
        assert table.get_cell_at(Coordinate(0, 2)) is styled  # a Text passes untouched
        assert isinstance(table.get_cell("ann", "patient"), Text)


def test_a_row_table_is_a_plain_table() -> None:
    assert issubclass(RowTable, PlainTable)


async def test_rows_under_columns_of_set_widths_are_drawn_unmeasured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A call list's rows: each column keeps the width it was given (a long name cut), with
    no cell measured; a column of no set width still grows to its longest cell."""
    measured: list[object] = []
    data_table = sys.modules[DataTable.__module__]  # where DataTable finds `measure`
    real = data_table.measure

    def counted(console: object, renderable: object, default: int) -> int:
        measured.append(renderable)
        return real(console, renderable, default)  # type: ignore[arg-type]

    monkeypatch.setattr(data_table, "measure", counted)
    app = OneTable()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one("#table", PlainTable)
        table.add_column("Patient", width=8, key="patient")
        table.add_column("Phone", width=8, key="phone")
        measured.clear()  # the labels'
        table.add_row("Maria Lopez-Hernandez", "555-0101", key="maria")
        table.add_row("Ann Lee", "555-0102", key="ann")
        await pilot.pause()
        assert measured == []
        lines = screen_lines(pilot)
        assert any(" Maria Lo  555-0101" in line for line in lines)  # cut where its column ends
        assert any("Ann Lee" in line and "555-0102" in line for line in lines)
        table.add_column("Note", key="note")  # no width: as long as its longest cell
        table.add_row("Bob Smith", "555-0103", "called twice, no answer", key="bob")
        await pilot.pause()
        assert measured
        assert any("called twice, no answer" in line for line in screen_lines(pilot))
