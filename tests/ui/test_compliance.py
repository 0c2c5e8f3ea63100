"""Compliance ("5"): people × days or weeks, the items behind a figure, what is owed.

The demo practice with its hats (five weeks of ticks), at Wednesday 18 November 2026,
10:07 Chicago time: today's column counts only what was due by then (or done already).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from db.models import ChecklistItem, HatHolder, Staff
from om_tui.practice import settings
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import Compliance, State, Tally
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.screens.hats.compliance import ComplianceScreen, share_text
from om_tui.screens.hats.compliance_detail import ComplianceDetailScreen

from .conftest import DAY, STATS_WEEK, Practice
from .helpers import on_each_drawing, plain, settle, static_text

TOM = "Tom Becker"
JENNY = "Jenny Ortiz"


async def open_compliance(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ComplianceScreen)


def matrix(pilot: Pilot[Any]) -> DataTable[Any]:
    return pilot.app.screen.query_one("#compliance", DataTable)


def shown(pilot: Pilot[Any], column: str) -> dict[str, str]:
    """One column of the matrix as shown: row key (a staff id, or "all") → text."""
    table = matrix(pilot)
    return {str(row.value): plain(table.get_cell(row, column)).strip() for row in table.rows}


def period_columns(pilot: Pilot[Any]) -> list[dt.date]:
    keys = [str(column.value) for column in matrix(pilot).columns]
    return [dt.date.fromisoformat(key[1:]) for key in keys if key.startswith("p")]


def staff_id(name: str) -> int:
    return int(Staff.get(Staff.name == name).id)


def put_cursor(pilot: Pilot[Any], row: str, column: str) -> None:
    table = matrix(pilot)
    table.move_cursor(
        row=table.get_row_index(row), column=table.get_column_index(column), animate=False
    )


def expected_row(figures: Compliance, person: int, periods: list[dt.date]) -> dict[str, str]:
    return {f"p{p.isoformat()}": share_text(figures.cell(person, p)) for p in periods}


async def test_each_cell_is_the_persons_share_done_on_time_that_day(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_compliance(pilot)
        periods = period_columns(pilot)
        assert periods == [DAY - dt.timedelta(days=n) for n in range(13, -1, -1)]
        figures = app.hats.compliance(periods[0], DAY)
        assert {name for _, name in figures.people} == {"Dr. Sarah Chen", JENNY, "Karen Miles", TOM}
        for person, _ in figures.people:
            for period in periods:
                key = f"p{period.isoformat()}"
                assert shown(pilot, key)[str(person)] == share_text(figures.cell(person, period))
            total = figures.totals[person]
            assert shown(pilot, "total")[str(person)] == f"{total.on_time}/{total.due}"
            assert shown(pilot, "late")[str(person)] == str(total.late)
            assert shown(pilot, "missed")[str(person)] == str(total.missed)
        tom = figures.cell(staff_id(TOM), dt.date(2026, 11, 10))
        assert (tom.due, tom.on_time) == (4, 0)  # the demo's Tom: a bad Tuesday
        assert shown(pilot, "p2026-11-10")[str(staff_id(TOM))] == "0%!!"  # !! without colour
        saturday = "p2026-11-14"
        assert set(shown(pilot, saturday).values()) == {"—"}  # closed: nothing due


async def test_the_all_staff_line_adds_everyone_up(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_compliance(pilot)
        periods = period_columns(pilot)
        figures = app.hats.compliance(periods[0], DAY)
        for period in periods:
            cells = [figures.cell(person, period) for person, _ in figures.people]
            everyone = Tally(
                sum(c.due for c in cells), sum(c.on_time for c in cells), sum(c.late for c in cells)
            )
            assert shown(pilot, f"p{period.isoformat()}")["all"] == share_text(everyone)
        due = sum(t.due for t in figures.totals.values())
        on_time = sum(t.on_time for t in figures.totals.values())
        assert shown(pilot, "total")["all"] == f"{on_time}/{due}"


async def test_w_shows_a_quarter_by_stats_week_and_back(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_compliance(pilot)
        await pilot.press("w")
        await settle(pilot)
        weeks = period_columns(pilot)
        assert weeks == [STATS_WEEK - dt.timedelta(weeks=n) for n in range(12, -1, -1)]
        assert all(week.weekday() == 3 for week in weeks)  # each named by its Thursday
        first = weeks[0] - dt.timedelta(days=6)  # a Friday: the day after the cutoff day
        figures = app.hats.compliance(first, STATS_WEEK, by_week=True)
        for person, _ in figures.people:
            row = {
                key: shown(pilot, key)[str(person)] for key in expected_row(figures, person, weeks)
            }
            assert row == expected_row(figures, person, weeks)
            total = figures.totals[person]
            assert shown(pilot, "total")[str(person)] == f"{total.on_time}/{total.due}"
        assert "13 weeks" in static_text(pilot, "#compliance-title")
        assert shown(pilot, "p2026-08-27")[str(staff_id(TOM))] == "—"  # before the demo's hats
        await pilot.press("w")
        await settle(pilot)
        assert period_columns(pilot)[-1] == DAY


async def test_square_brackets_move_the_window_and_stop_at_today(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_compliance(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        periods = period_columns(pilot)
        assert periods[-1] == DAY - dt.timedelta(days=14)
        figures = app.hats.compliance(periods[0], periods[-1])
        jenny = staff_id(JENNY)
        assert shown(pilot, "total")[str(jenny)] == (
            f"{figures.totals[jenny].on_time}/{figures.totals[jenny].due}"
        )
        assert "today so far" not in static_text(pilot, "#compliance-title")
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert period_columns(pilot)[-1] == DAY
        assert "today so far" in static_text(pilot, "#compliance-title")


async def test_enter_on_a_day_lists_the_persons_items_with_the_missed_ones(
    stats_demo: Practice,
) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_compliance(pilot)
        tom, tuesday = staff_id(TOM), dt.date(2026, 11, 10)
        put_cursor(pilot, str(tom), f"p{tuesday.isoformat()}")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComplianceDetailScreen)
        items = app.screen.query_one("#items", DataTable)
        rows = [[plain(c).strip() for c in items.get_row(row)] for row in items.rows]
        missed = [
            o for o in app.hats.occurrences(tuesday, tuesday, [tom]) if o.state == State.MISSED
        ]
        assert missed  # the demo's Tom missed his Tuesday
        for occurrence in missed:
            assert ["✗ missed", f"Tue 10 Nov {occurrence.due_time or ''}".strip()] in [
                row[:2] for row in rows if row[2] == occurrence.text
            ]
        assert rows[0][2] == "Chiropractic Assistant"  # grouped under his hat
        title = static_text(pilot, "#items-title")
        assert "Tom Becker · Tue 10 Nov" in title and "4 due: 0 on time" in title
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ComplianceScreen)


async def test_enter_on_a_name_lists_the_whole_window_and_m_keeps_the_misses(
    stats_demo: Practice,
) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_compliance(pilot)
        karen = staff_id("Karen Miles")
        put_cursor(pilot, str(karen), "name")
        await pilot.press("enter")
        await settle(pilot)
        figures = app.hats.compliance(DAY - dt.timedelta(days=13), DAY)
        total = figures.totals[karen]
        items = app.screen.query_one("#items", DataTable)
        keys = [str(row.value) for row in items.rows]
        assert sum(key.startswith("o") for key in keys) == total.due
        assert sum(key.startswith("h") for key in keys) == 3  # her three hats
        await pilot.press("m")
        await pilot.pause()
        states = [plain(items.get_cell(row, "state")) for row in items.rows]
        assert states.count("✓ done") == 0
        assert len([s for s in states if s]) == total.due - total.on_time


async def test_a_tick_on_another_terminal_changes_the_figures(stats_demo: Practice) -> None:
    """Jenny ticks, elsewhere, an item due at 15:00 today: done on time, it counts now."""
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_compliance(pilot)
        jenny = str(staff_id(JENNY))
        today = f"p{DAY.isoformat()}"
        before = app.hats.compliance(DAY - dt.timedelta(days=13), DAY).totals[int(jenny)]
        assert shown(pilot, "total")[jenny] == f"{before.on_time}/{before.due}"
        insurance = ChecklistItem.get(ChecklistItem.text.startswith("Verify insurance"))

        def tick_elsewhere() -> None:
            with stats_demo.database.connection_context():
                hats = Hats(
                    stats_demo.database,
                    stats_demo.clock,
                    settings.load(stats_demo.database),
                    ADMINISTRATOR,
                )
                hats.tick(insurance.id, DAY, int(jenny))

        cell_before = app.hats.compliance(DAY, DAY).cell(int(jenny), DAY)
        await asyncio.to_thread(tick_elsewhere)
        app.check_for_changes()
        await settle(pilot)
        assert shown(pilot, "total")[jenny] == f"{before.on_time + 1}/{before.due + 1}"
        after = Tally(cell_before.due + 1, cell_before.on_time + 1, cell_before.late)
        assert shown(pilot, today)[jenny] == share_text(after)


async def test_below_the_matrix_attestations_and_checksheets_owed(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_compliance(pilot)
        owed = static_text(pilot, "#attestations-list")
        for due in app.hats.outstanding_attestations():
            assert f"{due.person}: " in owed and f"{due.policy} v{due.number}" in owed
        assert "Tom Becker: Patient privacy v2" in owed
        training = static_text(pilot, "#training-list")
        assert training == "Tom Becker: Chiropractic Assistant 2 of 4 steps"


async def test_s_puts_the_worst_first_and_back_by_name(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_compliance(pilot)
        names = [r for r in shown(pilot, "name").values()]
        assert names == ["Dr. Sarah Chen", JENNY, "Karen Miles", TOM, "All staff"]
        await pilot.press("s")
        await pilot.pause()
        assert list(shown(pilot, "name").values())[0] == TOM  # 55 % on time
        assert list(shown(pilot, "name").values())[-1] == "All staff"
        await pilot.press("s")
        await pilot.pause()
        assert list(shown(pilot, "name").values()) == names


async def test_at_80_columns_fewer_days_and_the_totals_still_show(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_compliance(pilot)
        periods = period_columns(pilot)
        assert periods == [DAY - dt.timedelta(days=n) for n in range(9, -1, -1)]
        keys = [str(column.value) for column in matrix(pilot).columns]
        assert keys[-2:] == ["total", "late"]
        table = matrix(pilot)
        assert sum(column.get_render_width(table) for column in table.columns.values()) < 80
        figures = app.hats.compliance(periods[0], DAY)
        tom = staff_id(TOM)
        assert shown(pilot, "p2026-11-10")[str(tom)] == "0!!"  # no "%" when narrow
        total = figures.totals[tom]
        assert shown(pilot, "total")[str(tom)] == f"{total.on_time}/{total.due}!!"
        assert shown(pilot, "name")[str(staff_id("Dr. Sarah Chen"))] == "Dr. Sarah C…"


async def test_someone_who_left_stays_for_the_days_they_held_a_hat(stats_demo: Practice) -> None:
    """Tom left on Friday 13 November (the roster took him off his hat that day): the two
    weeks still show his days before, dim and marked as left, and nothing owed after."""
    tom, friday = staff_id(TOM), dt.date(2026, 11, 13)
    HatHolder.update(until=friday).where(
        (HatHolder.staff == tom) & HatHolder.until.is_null()
    ).execute()
    Staff.update(active=False).where(Staff.id == tom).execute()
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_compliance(pilot)
        periods = period_columns(pilot)
        figures = app.hats.compliance(periods[0], DAY)
        name = matrix(pilot).get_cell(str(tom), "name")
        assert (plain(name), name.style) == ("Tom B. (left)", "dim")
        row = {f"p{p.isoformat()}": shown(pilot, f"p{p.isoformat()}")[str(tom)] for p in periods}
        assert row == expected_row(figures, tom, periods)
        assert [p for p in periods if row[f"p{p.isoformat()}"] != "—"] == [
            p for p in periods if p < friday and p.weekday() < 5
        ]
        total = figures.totals[tom]
        assert total.due and shown(pilot, "total")[str(tom)] == f"{total.on_time}/{total.due}"

        put_cursor(pilot, str(tom), "name")
        await pilot.pause()
        assert static_text(pilot, "#compliance-detail").startswith(
            "Tom Becker (left Fri 13 Nov) · "
        )
        put_cursor(pilot, "all", "name")  # everyone's items: his under his name
        await pilot.press("enter")
        await settle(pilot)
        items = app.screen.query_one("#items", DataTable)
        who = [plain(items.get_cell(row, "who")) for row in items.rows]
        assert who.count("Tom B.") == total.due


async def test_the_matrix_is_in_the_screens_first_drawing(stats_demo: Practice) -> None:
    """The first matrix is read as the screen opens: it is drawn once, with the people."""
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        drawings: list[int] = []

        def seen(screen: Any) -> None:
            if isinstance(screen, ComplianceScreen):
                drawings.append(screen.query_one("#compliance", DataTable).row_count)

        on_each_drawing(app, seen)
        await pilot.press("5")
        await settle(pilot)
        assert drawings
        assert drawings[0] == matrix(pilot).row_count >= 4
