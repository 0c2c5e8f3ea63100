"""F1: the keys that work now, this screen's first, only the screens one's role opens."""

from __future__ import annotations

from textual.geometry import Region
from textual.widgets import Footer, Static

from db.models import Staff
from om_tui.widgets.keys_panel import EVERYWHERE, HERE, THIS_SCREEN, KeysPanel, sections

from .conftest import Practice
from .helpers import board, screen_lines, settle


async def test_f1_lists_the_screens_keys_first_and_f1_again_hides_them(office: Practice) -> None:
    desk = Staff.get(Staff.name == "Jo Desk").id  # front desk: no stats, hats or staff
    app = office.app(staff_id=desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one(KeysPanel).query_one("#keys-table", Static)
        area = Region(0, 0, table.size.width, table.size.height)
        drawn = [" ".join(line.text.split()) for line in table.render_lines(area)]
        drawn = [line for line in drawn if line]
        assert drawn[:3] == ["This screen", "/ Check in", "w Walk-in"]
        assert "b Back" in drawn and "1 Board" in drawn
        assert drawn.index("Everywhere") < drawn.index("1 Board") < drawn.index(HERE)
        assert "2 Stats" not in drawn  # not for the front desk
        listed = sections(app.screen.active_bindings, app._key_offered)
        assert list(listed) == [THIS_SCREEN, EVERYWHERE, HERE]
        board_keys = dict(listed[THIS_SCREEN])
        assert board_keys["/"] == "Check in"
        assert board_keys["b"] == "Back"  # not in the footer at 80 columns: here it is
        assert board_keys["u ^z"] == "Undo"
        everywhere = dict(listed[EVERYWHERE])
        assert everywhere["1"] == "Board" and everywhere["3"] == "My hat"
        assert "2" not in everywhere and "6" not in everywhere  # not for the front desk
        descriptions = [description for _, description in listed[EVERYWHERE]]
        assert descriptions.index("Switch user") < descriptions.index("Focus Next")

        await pilot.press("f1")
        await pilot.pause()
        assert not app.screen.query(KeysPanel)

        await pilot.press("f1")  # Esc closes it too, where the screen has no Esc of its own
        await pilot.pause()
        assert app.screen.query(KeysPanel)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query(KeysPanel)


async def test_f1_at_80_columns_leaves_no_footer_half_drawn(office: Practice) -> None:
    """The list says what the footer does: the footer, which it would cut, steps aside."""
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        bottom = screen_lines(pilot)[-1]
        assert "Prov" not in bottom and "^p menu" not in bottom.split("▏")[0]
        assert not app.screen.query_one(Footer).display
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen.query_one(Footer).display
        assert "Check in" in screen_lines(pilot)[-1]


async def test_f1_at_80_columns_opens_over_the_board_leaving_its_columns_in_place(
    office: Practice,
) -> None:
    """At 80 columns the list would squeeze the board until In stage and Total went off:
    it opens over the board instead, whose columns keep their width and place."""
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = board(pilot)
        before = (table.size.width, [column.width for column in table.columns.values()])
        await pilot.press("f1")
        await pilot.pause()
        panel = app.screen.query_one(KeysPanel)
        assert panel.region.right == 80 and panel.region.width >= 30  # drawn, on the right
        assert (table.size.width, [column.width for column in table.columns.values()]) == before
        assert table.size.width == 80
        await pilot.press("f1")
        await pilot.pause()
        assert "Total" in screen_lines(pilot)[2]
