"""LiveTable, the board's table: rows replaced and cells ticking draw again only what changed;
the cursor stays on its row; its keys and a click; cells shown as typed."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from rich.segment import Segment
from rich.text import Text
from textual.app import App, ComposeResult

from om_tui.widgets.live_table import Cell, LiveTable

from .helpers import screen_lines


class CountingTable(LiveTable):
    """Counts the rows whose cells are drawn anew (not taken from what was drawn before)."""

    def __init__(self) -> None:
        super().__init__(id="table", zebra_stripes=True)
        self.drawn: list[str] = []

    def _draw_cells(self, cells: Sequence[Cell]) -> list[Segment]:
        self.drawn.append(Text.assemble(cells[0]).plain)
        return super()._draw_cells(cells)


class OneTable(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield CountingTable()

    def on_live_table_row_selected(self, message: LiveTable.RowSelected) -> None:
        self.chosen.append(message.key)


def rows(*names: str) -> list[tuple[str, list[Cell]]]:
    return [(name.lower(), [name, Text(f"{len(name)}:00", style="bold")]) for name in names]


def table_of(app: OneTable, *names: str, widths: tuple[int, int] = (12, 8)) -> CountingTable:
    table = app.query_one(CountingTable)
    table.set_columns([("name", "Patient"), ("time", "In stage")])
    table.set_widths({"name": widths[0], "time": widths[1]})
    table.set_rows(rows(*names))
    return table


async def test_rows_show_in_order_with_their_cells_as_typed() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 8)) as pilot:
        table = table_of(app, "Ann [/] Lee", "Bob [VIP]", "A very long name indeed")
        await pilot.pause()
        lines = screen_lines(pilot)
        assert lines[0].split() == ["Patient", "In", "stage"]
        assert lines[1].startswith(" Ann [/] Lee   11:00")
        assert lines[2].startswith(" Bob [VIP]     9:00")
        assert lines[3].startswith(" A very long…  23:00")  # cut to its column, marked
        assert table.keys == ["ann [/] lee", "bob [vip]", "a very long name indeed"]
        assert table.get_cell("bob [vip]", "name") == "Bob [VIP]"
        assert table.render_width("name") == 14  # the cells and a space each side


async def test_rows_reordered_are_moved_not_drawn_again() -> None:
    """A patient moving up the board: every row keeps its drawn cells; only the lines whose
    row changed are drawn again on the screen."""
    app = OneTable()
    async with app.run_test(size=(40, 8)) as pilot:
        table = table_of(app, "Ann", "Bob", "Cy")
        await pilot.pause()
        assert set(table.drawn) == {"Ann", "Bob", "Cy"}
        table.drawn.clear()
        table.set_rows(rows("Cy", "Ann", "Dee", "Bob"))  # Cy up, Dee arrives
        await pilot.pause()
        assert table.drawn == ["Dee"]  # the others' cells are as drawn before
        lines = screen_lines(pilot)
        assert [line.split()[0] for line in lines[1:5]] == ["Cy", "Ann", "Dee", "Bob"]


async def test_a_ticking_cell_draws_again_only_its_row() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 8)) as pilot:
        table = table_of(app, "Ann", "Bob")
        await pilot.pause()
        ann_before, bob_before = table.render_line(1), table.render_line(2)
        table.drawn.clear()

        table.update_cells([("ann", "time", Text("4:06", style="bold"))])
        await pilot.pause()

        assert table.drawn == ["Ann"]
        assert table.render_line(2) is bob_before  # Bob's line is not drawn again
        assert table.render_line(1) is not ann_before
        assert screen_lines(pilot)[1].startswith(" Ann           4:06")


async def test_a_cell_that_is_not_there_is_refused_and_nothing_is_set() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 8)):
        table = table_of(app, "Ann")
        with pytest.raises(KeyError):
            table.update_cells([("ann", "time", "9:99"), ("nobody", "time", "x")])
        with pytest.raises(KeyError):
            table.update_cells([("ann", "time", "9:99"), ("ann", "nothing", "x")])
        assert Text.assemble(table.get_cell("ann", "time")).plain == "3:00"


async def test_the_cursor_stays_on_its_row_as_rows_move_and_on_its_place_when_it_goes() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 8)) as pilot:
        table = table_of(app, "Ann", "Bob", "Cy")
        await pilot.press("down")
        assert table.selected_key == "bob"
        table.set_rows(rows("Bob", "Cy", "Ann"))
        assert (table.cursor_row, table.selected_key) == (0, "bob")
        await pilot.press("down")
        table.set_rows(rows("Bob", "Ann"))  # Cy, under the cursor, is gone
        assert (table.cursor_row, table.selected_key) == (1, "ann")
        table.set_rows(rows("Bob"))
        assert (table.cursor_row, table.selected_key) == (0, "bob")
        table.set_rows([])
        assert table.selected_key is None


async def test_keys_move_the_cursor_and_enter_chooses_its_row() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 8)) as pilot:  # a header and 7 rows on screen
        names = [f"P{number:02}" for number in range(20)]
        table = table_of(app, *names)
        await pilot.press("end")
        await pilot.pause()
        assert table.selected_key == "p19"
        assert screen_lines(pilot)[-1].startswith(" P19")  # scrolled into view
        await pilot.press("home", "down", "down")
        assert table.cursor_row == 2
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + 7  # a page: the 7 rows under the header
        await pilot.press("pageup", "up")
        assert table.cursor_row == 1
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == ["p01"]


async def test_a_click_moves_the_cursor_and_a_double_click_chooses_the_row() -> None:
    """On the board choosing a row moves a patient on: one click never does."""
    app = OneTable()
    async with app.run_test(size=(40, 8)) as pilot:
        table = table_of(app, "Ann", "Bob", "Cy")
        await pilot.click(CountingTable, offset=(12, 3))  # Cy's line, past the name
        assert (table.selected_key, app.chosen) == ("cy", [])
        await pilot.click(CountingTable, offset=(2, 0))  # the header: nothing
        await pilot.click(CountingTable, offset=(12, 3))  # the cursor's row, once: nothing
        await pilot.pause()
        assert (table.selected_key, app.chosen) == ("cy", [])
        await pilot.double_click(CountingTable, offset=(2, 1))  # Ann's: there, and chosen
        await pilot.pause()
        assert (table.selected_key, app.chosen) == ("ann", ["ann"])


async def test_page_down_turns_a_page() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 8)) as pilot:  # a header and 7 rows on screen
        table = table_of(app, *[f"P{number:02}" for number in range(20)])
        await pilot.pause()
        await pilot.press("pagedown")
        await pilot.pause()
        assert (table.cursor_row, table.scroll_y) == (7, 7)
        assert screen_lines(pilot)[1].startswith(" P07")  # the next page, from its top
        await pilot.press("pageup")
        await pilot.pause()
        assert (table.cursor_row, table.scroll_y) == (0, 0)


async def test_the_row_under_the_mouse_is_lit_until_a_key_moves_the_cursor() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 8)) as pilot:
        table = table_of(app, "Ann", "Bob", "Cy")
        await pilot.pause()
        plain_bob = table.render_line(2).text, table.render_line(2)._segments[0].style
        await pilot.hover(CountingTable, offset=(2, 2))
        await pilot.pause()
        lit = table.render_line(2)._segments[0].style
        assert table.render_line(2).text == plain_bob[0]
        assert lit is not None and plain_bob[1] is not None
        assert lit.bgcolor != plain_bob[1].bgcolor
        await pilot.press("down")
        await pilot.pause()
        assert table.render_line(3)._segments[0].style == table.render_line(3)._segments[0].style
        unlit = table.render_line(2)._segments[0].style
        assert unlit is not None and unlit.bgcolor != lit.bgcolor  # the cursor's, not the hover's


async def test_a_cell_whose_style_alone_changed_is_drawn_again() -> None:
    """rich's Text equality leaves a Text's own style out: a clock turning from warning
    to alert keeps its text."""
    app = OneTable()
    async with app.run_test(size=(40, 8)) as pilot:
        table = table_of(app, "Ann", "Bob")
        await pilot.pause()
        table.set_rows(  # Bob's (not under the cursor, whose colour would win)
            [("ann", ["Ann", Text("3:00", style="bold")]), ("bob", ["Bob", Text("3:00", "red")])]
        )
        await pilot.pause()
        styles = {seg.style.color.name for seg in table.render_line(2) if seg.text == "3:00"}
        assert styles == {"red"}


async def test_control_characters_in_a_cell_show_as_spaces_on_its_line() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 8)) as pilot:
        table = table_of(app, "Ann\nLee", "Tab\there", "Esc\x1b[31m", "Rtl\u202eLee")
        await pilot.pause()
        lines = screen_lines(pilot)
        assert lines[1].startswith(" Ann Lee ")
        assert lines[2].startswith(" Tab here ")
        assert lines[3].startswith(" Esc [31m ")
        assert lines[4].startswith(" Rtl Lee ")  # a bidirectional control turns nothing
        assert table.get_cell("ann\nlee", "name") == "Ann\nLee"  # kept as given
