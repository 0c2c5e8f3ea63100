"""PlainTable: a str given to any of its ways in shows as typed; a Text keeps its style."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate

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
