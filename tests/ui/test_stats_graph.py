"""A stat's graph: Enter (or "g") on the stat board; 1–4 choose 13, 26, 52 weeks or all of it.

The demo's stats have two years of weekly history: "all" of Patient visits is the 104
weeks before this one (ending 19 November 2026); this one, in progress on the demo's
Wednesday, is not drawn: the legend gives its figure so far.
"""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from typing import Any

from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import DataTable, Footer

from db.models import Stat
from om_tui.screens.stats.board import StatsScreen
from om_tui.screens.stats.graph import StatGraphScreen
from om_tui.widgets.stat_graph import LEGEND, StatGraph

from .conftest import Practice
from .helpers import footer_keys, settle


def collect_everything() -> None:
    """A full collection of everything, frozen or not: the app freezes what exists when its
    patient list loads (app.load_patients), which may land while a test's garbage waits."""
    gc.unfreeze()
    gc.collect()


def stat_key(short_name: str) -> str:
    return str(Stat.get(Stat.short_name == short_name).id)


async def on_the_board_at(pilot: Pilot[Any], short_name: str) -> DataTable[Any]:
    """The stat board ("2"), its cursor on one stat."""
    await settle(pilot)
    if not isinstance(pilot.app.screen, StatsScreen):
        await pilot.press("2")
        await settle(pilot)
    board = pilot.app.screen.query_one("#stats", DataTable)
    board.move_cursor(row=board.get_row_index(stat_key(short_name)), animate=False)
    await pilot.pause()
    return board


def plot_text(pilot: Pilot[Any]) -> str:
    """What the plot draws on the screen, as plain text (its title is the top line)."""
    plot = pilot.app.screen.query_one(StatGraph)
    lines = plot.render_lines(Region(0, 0, plot.size.width, plot.size.height))
    return "\n".join(line.text for line in lines)


def scale(pilot: Pilot[Any]) -> list[float]:
    """The plot's scale, top to bottom."""
    return [float(line.split("┤")[0]) for line in plot_text(pilot).splitlines() if "┤" in line]


async def span(pilot: Pilot[Any], key: str) -> tuple[str, str]:
    await pilot.press(key)
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StatGraphScreen)
    return screen._span, plot_text(pilot).splitlines()[0].strip()


async def test_a_stats_graph_over_13_26_52_weeks_and_all_of_it(stats_demo: Practice) -> None:
    """Enter on Patient visits, the spans by number, back; then "g" on No-shows."""
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        board = await on_the_board_at(pilot, "visits")
        row = board.cursor_row

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatGraphScreen)
        assert app.screen._span == "13"
        assert plot_text(pilot).splitlines()[0].strip() == "Patient visits — 13 weeks"

        assert await span(pilot, "2") == ("26", "Patient visits — 26 weeks")
        assert await span(pilot, "3") == ("52", "Patient visits — 52 weeks")
        # The weeks that ended: the first tick is 51 weeks before the one ending 12 Nov 2026.
        assert "11/20" in plot_text(pilot).splitlines()[-1]
        assert await span(pilot, "4") == ("all", "Patient visits — 104 weeks")
        assert await span(pilot, "1") == ("13", "Patient visits — 13 weeks")

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert board.cursor_row == row  # back where it was

        await on_the_board_at(pilot, "no_shows")
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, StatGraphScreen)
        assert plot_text(pilot).splitlines()[0].strip() == (
            "No-shows — 13 weeks (down is good: drawn flipped, up is better)"
        )
        legend = str(app.screen.query_one("#graph-legend").render())
        assert legend.startswith("P Power  A Affluence  N Normal")
        # Wednesday: the week ending Thursday has not ended: not drawn, its figure given
        # (6 on the board, and 2 bookings the no-show rule marked as the board opened).
        assert legend.splitlines()[1] == "This week so far: 8 (not drawn: it has not ended)"
        # Down is good: the fewest no-shows at the top.
        assert scale(pilot) == sorted(scale(pilot))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)


async def test_a_week_that_ended_has_the_marks_alone_under_its_graph(
    stats_demo: Practice,
) -> None:
    """The board's week set back one: every week shown has ended; No-shows has no quota."""
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        ended = app.stats.this_week() - dt.timedelta(weeks=1)
        await app.push_screen(StatGraphScreen(int(stat_key("no_shows")), ended))
        await settle(pilot)
        legend = str(app.screen.query_one("#graph-legend").render())
        assert legend == LEGEND  # no empty line below it


async def test_a_closed_graph_is_let_go(stats_demo: Practice) -> None:
    """Each graph opened and closed leaves nothing behind: the plot and the lines of its
    picture are freed with its screen, not kept by the app for the rest of the day."""
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_the_board_at(pilot, "visits")
        await pilot.press("enter")
        await settle(pilot)
        plot = weakref.ref(app.screen.query_one(StatGraph))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        collect_everything()
        assert plot() is None
        drawn = [
            o for o in gc.get_objects() if isinstance(o, Strip) and "Patient visits — 13" in o.text
        ]
        assert drawn == []


async def test_the_boards_footer_keeps_its_keys_and_lets_go_of_those_it_drops(
    stats_demo: Practice,
) -> None:
    """The stat board is kept all day: back from each graph its footer shows the same keys
    (not made anew for the same keys); and when it does make them anew (its keys changed),
    the keys it showed before are freed, not kept by the footer."""
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_the_board_at(pilot, "visits")
        board = app.screen
        footer = board.query_one(Footer)
        kept = footer_keys(footer)
        for _ in range(3):
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, StatGraphScreen)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is board
        shown = footer_keys(footer)
        assert kept and len(shown) == len(kept)
        assert all(now is before for now, before in zip(shown, kept, strict=True))
        del kept
        dropped = []
        for _ in range(3):
            dropped += [weakref.ref(key) for key in footer_keys(footer)]
            footer.call_later(footer.recompose)  # as when its keys change
            await settle(pilot)
        shown = footer_keys(footer)
        assert shown and not any(key() in shown for key in dropped)  # made anew
        collect_everything()
        assert [key() for key in dropped if key() is not None] == []


async def test_a_down_is_good_graph_stays_flipped_when_the_terminal_is_resized(
    stats_demo: Practice,
) -> None:
    """Drawn again at a new size, No-shows keeps the fewest at the top (Plotext turned a
    reversed scale over again at each drawing)."""
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await on_the_board_at(pilot, "no_shows")
        await pilot.press("g")
        await settle(pilot)
        first = scale(pilot)
        assert first == sorted(first) and first[0] < first[-1]
        for size in ((120, 36), (100, 30), (140, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            now = scale(pilot)
            assert now == sorted(now) and now[0] < now[-1], size
