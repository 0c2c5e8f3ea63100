"""The weekly report from the app: the palette's "Weekly report…", a dated file, a bad path."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Label

from db.models import Role, Staff
from om_tui.practice import settings
from om_tui.practice.owner.report.gathering import gather
from om_tui.practice.owner.report.writing import render
from om_tui.screens.owner.weekly_report import WeeklyReportScreen

from .conftest import Practice
from .helpers import notices, paste, settle

EXPECTED = Path(__file__).parent / "report_expected"
UPDATE = os.environ.get("OM_TUI_UPDATE_EXPECTED") == "1"  # then read the diff before keeping it


async def test_the_palette_writes_the_report_where_it_is_told(
    office: Practice, tmp_path: Path
) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"weekly rep")
        await settle(pilot)
        found = app.screen.query_one(CommandList)
        assert str(found.get_option_at_index(0).prompt).startswith("Weekly report")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WeeklyReportScreen)
        week = app.screen.query_one("#report-week", Input)
        path = app.screen.query_one("#report-path", Input)
        # Wednesday 18 November: the last week that ended is the one ending Thursday 12th.
        assert week.value == "2026-11-12"
        assert path.value.endswith("weekly-report-2026-11-12.html")
        assert app.screen.focused is week  # the fields top down

        target = tmp_path / "owner" / "week.html"
        target.parent.mkdir()
        await pilot.press("tab", "tab")  # past the format, to where it is saved
        assert app.screen.focused is path
        await paste(pilot, str(target))  # the whole suggestion is selected: replaced
        await pilot.press("enter")
        await settle(pilot)

        assert not isinstance(app.screen, WeeklyReportScreen)
        assert "Weekly report — Lakeview Chiropractic" in target.read_text()
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert any(f"written to {target}" in notice for notice in notices(pilot))


async def test_the_suggested_name_follows_the_week_and_the_format(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        app.action_weekly_report()
        await pilot.pause()
        path = app.screen.query_one("#report-path", Input)
        await pilot.press("tab")  # to the format
        await pilot.press("m")
        await pilot.pause()
        assert path.value.endswith("weekly-report-2026-11-12.md")
        await pilot.press("shift+tab")  # back to the week: any day of it names it
        await paste(pilot, "2026-11-02")
        assert path.value.endswith("weekly-report-2026-11-05.md")


async def test_the_week_is_named_by_a_day_typed_as_anywhere(office: Practice) -> None:
    """Wednesday 18 November: "fri" is the Friday just gone, "2 nov" the 2nd."""
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_weekly_report()
        await pilot.pause()
        path = app.screen.query_one("#report-path", Input)
        await paste(pilot, "fri")  # Friday 13th: the week ending Thursday 19th
        assert path.value.endswith("weekly-report-2026-11-19.html")
        await pilot.press("ctrl+u")
        await paste(pilot, "2 nov")
        assert path.value.endswith("weekly-report-2026-11-05.html")


async def test_enter_on_the_format_writes_the_report(office: Practice, tmp_path: Path) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        app.action_weekly_report()
        await pilot.pause()
        await pilot.press("tab", "tab")
        await paste(pilot, str(tmp_path / "week.md"))
        await pilot.press("shift+tab", "m")  # to the format: Markdown
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, WeeklyReportScreen)
        assert (tmp_path / "week.md").read_text().startswith("# Weekly report — Lakeview")


async def test_a_folder_that_does_not_exist_keeps_the_dialog_open(
    office: Practice, tmp_path: Path
) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        app.action_weekly_report()
        await pilot.pause()
        target = tmp_path / "nowhere" / "week.html"
        await pilot.press("tab", "tab")
        await paste(pilot, str(target))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WeeklyReportScreen)
        error = str(app.screen.query_one("#report-error", Label).render())
        assert (
            error
            == f"Cannot write the report to {target}: the folder {target.parent} does not exist."
        )
        assert not target.parent.exists()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, WeeklyReportScreen)


async def test_a_week_not_begun_or_not_a_date_is_said_under_the_form(
    office: Practice, tmp_path: Path
) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        app.action_weekly_report()
        await pilot.pause()
        await pilot.press("tab", "tab")
        await paste(pilot, str(tmp_path / "week.html"))
        await pilot.press("shift+tab", "shift+tab")
        await paste(pilot, "next week")
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen.query_one("#report-error", Label)
        assert "YYYY-MM-DD" in str(error.render())
        await pilot.press("ctrl+u")
        await paste(pilot, "2026-12-24")
        await pilot.press("enter")
        await settle(pilot)
        assert "has not begun yet" in str(error.render())
        assert not (tmp_path / "week.html").exists()


async def test_the_front_desk_is_not_offered_the_report(office: Practice) -> None:
    desk = Staff.get(Staff.role == Role.FRONT_DESK).id
    app = office.app(staff_id=desk)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Go to Board" in titles and "Weekly report…" not in titles
        app.action_weekly_report()
        await pilot.pause()
        assert not isinstance(app.screen, WeeklyReportScreen | CommandPalette)


@pytest.mark.parametrize("form", ["md", "html", "csv"])
def test_the_demo_practices_week_as_expected(stats_demo: Practice, form: str) -> None:
    """The demo practice's last week (ended Thursday 12 November), byte for byte."""
    report = gather(stats_demo.database, stats_demo.clock, settings.load(stats_demo.database))
    assert not report.empty
    text = render(report, form)
    path = EXPECTED / f"demo-week.{form}"
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}"
