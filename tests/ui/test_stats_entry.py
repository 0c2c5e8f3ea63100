"""Typing a week's stats: "e" on the board opens the post's grid; digits, Enter, next stat.

The demo practice with its stats, mid-week (Wednesday 18 November 2026, Chicago): the typed
stats have values up to last week (ending 12 November) and none yet for this week (ending
19 November). Insurance & Billing types three weekly stats: Collections, Services billed,
Claims submitted (its two formula stats fill themselves); the Office Manager types one,
Referrals received (4 last week).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label

from db.models import Stat, StatValue, VisitEvent
from om_tui.practice.changes import NeverChanges
from om_tui.screens.stats.board import StatsScreen
from om_tui.screens.stats.entry import GridEnd, StatEntryScreen, StatLine

from .conftest import STATS_WEEK, Practice
from .helpers import drawn, plain, settle, static_text, warnings

LAST_WEEK = STATS_WEEK - dt.timedelta(weeks=1)


def stat_id(short_name: str) -> int:
    return int(Stat.get(Stat.short_name == short_name).id)


def saved(short_name: str, week: dt.date = STATS_WEEK) -> float | None:
    """The weekly value stored for a stat's week, or None."""
    row = StatValue.get_or_none(
        StatValue.stat == stat_id(short_name), StatValue.period == "week", StatValue.day == week
    )
    return None if row is None else row.value


async def open_grid_by_keys(pilot: Pilot[Any], short_name: str) -> StatEntryScreen:
    """From the flow board: "2" for the stats, the cursor on a stat, "e" for its post's grid."""
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    board = pilot.app.screen.query_one("#stats", DataTable)
    board.move_cursor(row=board.get_row_index(str(stat_id(short_name))), animate=False)
    await pilot.press("e")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StatEntryScreen)
    return screen


async def open_grid(pilot: Pilot[Any], short_name: str) -> None:
    """This week's grid of the stat's post, opened straight away (a quicker start)."""
    post = Stat.get(Stat.short_name == short_name).post
    await settle(pilot)
    await pilot.app.push_screen(StatEntryScreen((post.id, post.title), None))
    await settle(pilot)
    assert isinstance(pilot.app.screen, StatEntryScreen)


def lines(pilot: Pilot[Any]) -> list[StatLine]:
    return list(pilot.app.screen.query(StatLine))


def line(pilot: Pilot[Any], short_name: str) -> StatLine:
    return next(found for found in lines(pilot) if found.stat.short_name == short_name)


def field(pilot: Pilot[Any], short_name: str) -> Input:
    return line(pilot, short_name).query_one(Input)


def note(pilot: Pilot[Any], short_name: str) -> str:
    return str(line(pilot, short_name).query_one(".stat-note", Label).render())


def board_cell(pilot: Pilot[Any], short_name: str, column: str) -> str:
    board = pilot.app.screen.query_one("#stats", DataTable)
    return plain(board.get_cell(str(stat_id(short_name)), column)).strip()


async def test_a_posts_week_takes_the_digits_and_one_enter_per_stat(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_grid_by_keys(pilot, "collections")
        assert "Insurance & Billing" in static_text(pilot, "#entry-title")
        assert "week ending Thu 19 Nov 2026 14:00" in static_text(pilot, "#entry-title")
        assert [found.stat.short_name for found in lines(pilot)] == [
            "collections",
            "services",
            "claims",
        ]
        assert app.screen.focused is field(pilot, "collections")

        last_week = saved("collections", LAST_WEEK)
        assert last_week is not None
        # collections, services, claims: the digits and one Enter each, nothing else
        await pilot.press(*"23500", "enter", *"27500", "enter", *"145", "enter")
        await settle(pilot)

        assert saved("collections") == 23500
        assert saved("services") == 27500
        assert saved("claims") == 145
        assert saved("collections", LAST_WEEK) == last_week  # last week's stays as it was
        # Beside each, the change against last week.
        assert note(pilot, "collections") == "▲ 5%"
        assert note(pilot, "services") == "▲ 2%"
        assert note(pilot, "claims") == "▲ 10%"  # 132 last week

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert board_cell(pilot, "collections", "this") == "$23,500"
        assert board_cell(pilot, "claims", "this") == "145"
        assert board_cell(pilot, "claims", "change") == "▲ 10%"
        # The formula stats have their inputs now.
        assert board_cell(pilot, "per_visit", "this") == "$213.64"  # 23,500 / 110 visits


async def test_e_on_a_post_with_nothing_to_type_opens_every_posts_grid(
    stats_demo: Practice,
) -> None:
    """The Doctor's stats are computed or formulas: "e" on one opens all posts' typed
    stats, not an empty grid; the columns say which is last week and which is typed."""
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_grid_by_keys(pilot, "visits")
        assert "all posts" in static_text(pilot, "#entry-title")
        assert "referrals" in [found.stat.short_name for found in lines(pilot)]
        heading = app.screen.query_one(".stat-heading")
        said = [str(label.render()) for label in heading.query(Label)]
        assert said == ["Stat", "Last week", "This week", "Change"]

        await pilot.press("f7")  # a week back: the weeks are named by the days they end
        await settle(pilot)
        heading = app.screen.query_one(".stat-heading")
        said = [str(label.render()) for label in heading.query(Label)]
        assert said == ["Stat", "Wk to 5 Nov", "Wk to 12 Nov", "Change"]


async def test_bad_values_are_refused_inline_and_a_tenfold_jump_asks_first(
    stats_demo: Practice,
) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_grid(pilot, "referrals")
        referrals = field(pilot, "referrals")
        await pilot.press(*"abc", "enter")
        await settle(pilot)
        assert note(pilot, "referrals") == (
            "“abc” is not a number. Type digits, e.g. 42 or 1,250.50."
        )
        assert referrals.has_class("-invalid")
        assert app.screen.focused is referrals  # the cursor stays to put it right
        assert saved("referrals") is None

        referrals.clear()
        await pilot.press("minus", "3", "enter")
        await settle(pilot)
        assert note(pilot, "referrals") == "A count cannot be negative."
        assert app.screen.focused is referrals
        assert saved("referrals") is None

        referrals.clear()
        await pilot.press("4", "0", "enter")
        await settle(pilot)
        assert not referrals.has_class("-invalid")
        assert note(pilot, "referrals") == "40 is over 10× last week (4). Enter again to keep it."
        assert app.screen.focused is referrals
        assert saved("referrals") is None

        await pilot.press("enter")
        await settle(pilot)
        assert saved("referrals") == 40
        assert app.screen.focused is not referrals  # kept, and on to what comes next


async def test_leaving_an_already_saved_big_value_does_not_ask_again(
    stats_demo: Practice,
) -> None:
    stats_demo.app().stats.enter(stat_id("referrals"), 40, week=STATS_WEEK)  # 10x last week
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_grid(pilot, "referrals")
        assert field(pilot, "referrals").value == "40"
        assert note(pilot, "referrals") == "▲ 900%"

        await pilot.press("tab")  # on, without changing it
        await settle(pilot)

        assert saved("referrals") == 40
        assert note(pilot, "referrals") == "▲ 900%"


async def test_empty_and_enter_clears_a_saved_value(stats_demo: Practice) -> None:
    stats_demo.app().stats.enter(stat_id("referrals"), 7, week=STATS_WEEK)
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_grid_by_keys(pilot, "referrals")
        referrals = field(pilot, "referrals")
        assert referrals.value == "7"
        assert app.screen.focused is referrals

        await pilot.press("backspace", "enter")
        await settle(pilot)
        assert saved("referrals") is None
        assert note(pilot, "referrals") == "cleared"

        referrals.focus()  # Enter moved on: back to it, a value typed, and taken back
        await pilot.pause()
        await pilot.press("5", "enter")
        await settle(pilot)
        assert saved("referrals") == 5
        referrals.focus()
        await pilot.pause()
        await pilot.press("backspace", "enter")
        await settle(pilot)
        assert saved("referrals") is None
        assert note(pilot, "referrals") == "cleared"

        await pilot.press("escape")
        await settle(pilot)
        assert board_cell(pilot, "referrals", "this") == "—"


def remove_elsewhere(practice: Practice, short_name: str) -> None:
    """Another terminal deletes a stat, on its own connection: run it in a thread."""
    with practice.database.connection_context():
        Stat.delete().where(Stat.short_name == short_name).execute()


async def test_a_stat_deleted_on_another_terminal_is_not_saved_and_said_so(
    stats_demo: Practice,
) -> None:
    """This terminal has not polled for changes yet when the value is typed."""
    app = stats_demo.app(watcher=NeverChanges())
    async with app.run_test(size=(140, 40)) as pilot:
        await open_grid(pilot, "collections")
        field(pilot, "claims").focus()
        await asyncio.to_thread(remove_elsewhere, stats_demo, "claims")
        values = StatValue.select().count()

        await pilot.press(*"150", "enter")
        await settle(pilot)

        assert app.is_running
        assert isinstance(app.screen, StatEntryScreen)
        assert StatValue.select().count() == values
        # Said once, as it is (not "an error was logged"), though Enter also leaves the field.
        refusal = "That stat was removed on another terminal; nothing was saved."
        assert warnings(pilot).count(refusal) == 1
        assert "Claims submitted was removed on another terminal." in warnings(pilot)
        assert [found.stat.short_name for found in lines(pilot)] == ["collections", "services"]


async def test_a_stat_retired_on_another_terminal_leaves_the_open_grid(
    stats_demo: Practice,
) -> None:
    """This terminal polls: the line goes, with a warning, before anything is typed in it."""

    def retire() -> None:
        with stats_demo.database.connection_context():
            Stat.update(active=False).where(Stat.short_name == "services").execute()

    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_grid(pilot, "collections")
        await asyncio.to_thread(retire)
        app.check_for_changes()
        await settle(pilot)

        assert "Services billed was removed on another terminal." in warnings(pilot)
        assert [found.stat.short_name for found in lines(pilot)] == ["collections", "claims"]
        await pilot.press(*"23500", "enter")
        await settle(pilot)
        assert saved("collections") == 23500
        assert saved("services") is None


async def test_a_comma_that_is_not_between_thousands_is_asked_about(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_grid(pilot, "referrals")
        referrals = field(pilot, "referrals")
        await pilot.press("1", "comma", "5", "enter")
        await settle(pilot)
        assert note(pilot, "referrals") == (
            "Did you mean 1.5 or 15? Type it with a point or without the comma."
        )
        assert app.screen.focused is referrals
        assert saved("referrals") is None

        referrals.clear()
        await pilot.press(*"3,000", "enter", "enter")  # a thousands separator: kept, after asking
        await settle(pilot)
        assert saved("referrals") == 3000


async def test_typing_on_past_the_last_stat_stays_in_the_grid(stats_demo: Practice) -> None:
    """At 80x24, "1" Enter for each stat and then on: the last Enter lands on the grid's
    end, which says so; the digits and Enters after it neither switch to the board (1) nor
    move a patient on there."""
    moves = VisitEvent.select().count()
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_grid_by_keys(pilot, "referrals")
        count = len(lines(pilot))
        await pilot.press(*["1", "enter"] * count)
        await settle(pilot)
        end = screen.query_one(GridEnd)
        assert screen.focused is end
        assert str(end.render()).startswith("Done")

        await pilot.press("1", "enter", "enter", "6", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.focused is end
        assert VisitEvent.select().count() == moves

        await pilot.press("up")  # back to the last stat, to change it
        assert screen.focused is field(pilot, lines(pilot)[-1].stat.short_name)


async def test_back_on_the_grid_the_cursor_is_on_the_stat_in_error(
    stats_demo: Practice,
) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_grid_by_keys(pilot, "referrals")
        first = lines(pilot)[0].stat.short_name
        await pilot.press("minus", "1", "tab")  # left with an error under it
        await settle(pilot)
        app.switch_mode("board")  # as "Go to Board" in the menu does
        await settle(pilot)
        await pilot.press("2")  # the stats, where the grid was left open
        await settle(pilot)
        assert app.screen is screen
        assert isinstance(app.screen, StatEntryScreen)
        assert app.screen.focused is field(pilot, first)
        assert field(pilot, first).has_class("-invalid")


async def test_an_error_under_a_value_is_read_whole_at_80_columns(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_grid(pilot, "referrals")
        await pilot.press("4", "0", "enter")
        await settle(pilot)
        said = line(pilot, "referrals").query_one(".stat-note", Label)
        assert drawn(pilot, said) == "40 is over 10× last week (4). Enter again to keep it."
