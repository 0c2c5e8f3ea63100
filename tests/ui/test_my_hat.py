"""My hat ("3"): a person's checklists, ticked with space; policies to attest; training.

The demo practice at Wednesday 18 November 2026, 10:07:30 Chicago time. Jenny Ortiz is the
receptionist: two of today's six items are done (the office opened, yesterday's no-shows
called), the other four are due later; she owes an attestation of Patient privacy v2.
Karen Miles holds three hats. Tom Becker missed two of yesterday's items: overdue.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from typing import Any

from rich.console import Console, RenderableType
from textual.pilot import Pilot
from textual.widgets import Markdown, OptionList

from db.models import (
    Attestation,
    ChecklistItem,
    Policy,
    PolicyVersion,
    Post,
    Staff,
    Tick,
    utc_naive,
)
from om_tui.app import OmTuiApp
from om_tui.practice import settings
from om_tui.practice.changes import NeverChanges
from om_tui.practice.hats.service import Hats
from om_tui.screens.hats.my_hat import MyHatScreen
from om_tui.screens.hats.policy_view import PolicyViewScreen
from om_tui.screens.picker import PickerScreen

from .conftest import DAY, STATS_WEEK, ZONE, Practice
from .helpers import drawn, notices, screen_lines, settle, static_text, warnings

YESTERDAY = DAY - dt.timedelta(days=1)


def staff(name: str) -> int:
    return int(Staff.get(Staff.name == name).id)


def item(text: str) -> ChecklistItem:
    return ChecklistItem.get(ChecklistItem.text == text)


def line_of(text: str, due_on: dt.date = DAY) -> str:
    """The list's id for an item's line on a day."""
    return f"item-{item(text).key}-{due_on.isoformat()}"


def ticks(text: str, due_on: dt.date = DAY, holder: str | None = None) -> list[Tick]:
    """The ticks of an item's period; only `holder`'s if named (a shared item has one)."""
    query = Tick.select().where((Tick.key == item(text).key) & (Tick.due_on == due_on))
    if holder is not None:
        query = query.where(Tick.holder == staff(holder))
    return list(query)


def checklist(pilot: Pilot[Any]) -> OptionList:
    return pilot.app.screen.query_one("#checklist", OptionList)


def rendered(prompt: RenderableType) -> str:
    """A line as the person reads it, its spaces squeezed."""
    console = Console(width=120, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(prompt)
    return " ".join(capture.get().split())


def lines(pilot: Pilot[Any]) -> dict[str, str]:
    """Every line of the list, top to bottom: its id → its text."""
    return {str(o.id): rendered(o.prompt) for o in checklist(pilot).options}


def cursor(pilot: Pilot[Any]) -> str | None:
    option = checklist(pilot).highlighted_option
    return option.id if option is not None else None


def put_cursor(pilot: Pilot[Any], line: str) -> None:
    found = checklist(pilot)
    found.highlighted = found.get_option_index(line)


async def open_hat(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MyHatScreen)


def app_for(practice: Practice, name: str | None, **options: Any) -> OmTuiApp:
    app = practice.app(**options)
    app.person_id = staff(name) if name else None
    return app


def tick_elsewhere(practice: Practice, text: str, name: str) -> None:
    """Another terminal ticks an item, on its own connection: run it in a thread."""
    with practice.database.connection_context():
        person = staff(name)
        hats = Hats(practice.database, practice.clock, settings.load(practice.database), person)
        hats.tick(item(text).id, DAY, person)


async def test_whose_hat_is_asked_first_then_w_changes_it(stats_demo: Practice) -> None:
    app = app_for(stats_demo, None)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        names = [name for _, name in app.hats.people()]
        await pilot.press(str(names.index("Jenny Ortiz") + 1))
        await settle(pilot)

        assert isinstance(app.screen, MyHatScreen)
        assert app.person_id == staff("Jenny Ortiz")
        assert static_text(pilot, "#my-hat-title") == "My hat · Jenny Ortiz"
        assert static_text(pilot, "#my-hat-summary").endswith("· Receptionist")
        assert line_of("Verify insurance for tomorrow's new patients") in lines(pilot)

        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(str(names.index("Karen Miles") + 1))
        await settle(pilot)
        assert app.person_id == staff("Karen Miles")
        assert static_text(pilot, "#my-hat-summary").endswith(
            "· Office Manager, Receptionist, Insurance & Billing"
        )
        assert line_of("Submit today's claims") in lines(pilot)


async def test_escape_from_whose_hat_leaves_the_screen_asking(stats_demo: Practice) -> None:
    app = app_for(stats_demo, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MyHatScreen)
        assert app.person_id is None
        assert list(lines(pilot)) == ["nobody"]
        await pilot.press("space")  # nothing to tick: no write, no traceback
        await settle(pilot)
        assert warnings(pilot) == []


async def test_ticking_todays_checklist_by_keyboard(stats_demo: Practice) -> None:
    jenny = staff("Jenny Ortiz")
    app = app_for(stats_demo, "Jenny Ortiz", staff_id=jenny)  # logged in: her ticks are hers
    async with app.run_test(size=(100, 30)) as pilot:
        await open_hat(pilot)
        assert static_text(pilot, "#my-hat-summary").startswith("0 overdue · 2 of 6 done today")
        # The cursor starts on the first item not done (the first two are).
        verify = line_of("Verify insurance for tomorrow's new patients")
        assert cursor(pilot) == verify
        assert lines(pilot)[verify].startswith("[ ] 15:00 Verify insurance")

        await pilot.press("space")
        await settle(pilot)

        [tick] = ticks("Verify insurance for tomorrow's new patients")
        assert (tick.holder, tick.by_id) == (jenny, jenny)
        assert tick.at == utc_naive(stats_demo.clock.now())
        assert lines(pilot)[verify].startswith("[✓] 15:00 Verify insurance")
        assert lines(pilot)[verify].endswith("10:07")
        assert cursor(pilot) == verify  # the cursor stays on the line just ticked

        await pilot.press("down", "enter")  # Enter ticks too
        await settle(pilot)
        assert len(ticks("Confirm tomorrow's appointments by phone or text")) == 1
        assert cursor(pilot) == line_of("Confirm tomorrow's appointments by phone or text")
        assert static_text(pilot, "#my-hat-summary").startswith("0 overdue · 4 of 6 done today")

        await pilot.press("enter")  # Enter never takes a tick back
        await settle(pilot)
        assert len(ticks("Confirm tomorrow's appointments by phone or text")) == 1


async def test_space_takes_back_a_tick_made_today(stats_demo: Practice) -> None:
    async with app_for(stats_demo, "Jenny Ortiz").run_test(size=(100, 30)) as pilot:
        await open_hat(pilot)
        verify = line_of("Verify insurance for tomorrow's new patients")
        await pilot.press("space")
        await settle(pilot)
        assert len(ticks("Verify insurance for tomorrow's new patients")) == 1

        await pilot.press("space")
        await settle(pilot)
        assert ticks("Verify insurance for tomorrow's new patients") == []
        assert lines(pilot)[verify].startswith("[ ] 15:00")

        # Her own tick from 09:34 this morning can be taken back too: it is still today.
        called = line_of("Call yesterday's no-shows to reschedule")
        put_cursor(pilot, called)
        await pilot.press("space")
        await settle(pilot)
        assert ticks("Call yesterday's no-shows to reschedule", holder="Jenny Ortiz") == []
        assert len(ticks("Call yesterday's no-shows to reschedule", holder="Karen Miles")) == 1
        assert lines(pilot)[called].startswith("! [ ] 10:00")  # due at 10: overdue again
        assert warnings(pilot) == []


async def test_a_tick_made_yesterday_cannot_be_taken_back(stats_demo: Practice) -> None:
    reactivation = item("Reactivation calls: 20 inactive patients")
    jenny = staff("Jenny Ortiz")
    Tick.create(
        item=reactivation.id,
        key=reactivation.key,
        due_on=STATS_WEEK,
        holder=jenny,
        by=jenny,
        at=utc_naive(dt.datetime.combine(YESTERDAY, dt.time(16, 20), tzinfo=ZONE)),
    )
    async with app_for(stats_demo, "Jenny Ortiz").run_test(size=(100, 30)) as pilot:
        await open_hat(pilot)
        line = line_of("Reactivation calls: 20 inactive patients", STATS_WEEK)
        assert lines(pilot)[line].endswith("Tue 16:20")
        put_cursor(pilot, line)

        await pilot.press("space")
        await settle(pilot)

        assert warnings(pilot) == ["A tick can be taken back only the day it was made."]
        assert len(ticks("Reactivation calls: 20 inactive patients", STATS_WEEK)) == 1
        assert lines(pilot)[line].startswith("[✓]")
        assert cursor(pilot) == line


async def test_overdue_items_come_first_marked_and_tick_late(stats_demo: Practice) -> None:
    """Tom missed two of yesterday's items: they lead the list, marked "!", until ticked."""
    async with app_for(stats_demo, "Tom Becker").run_test(size=(80, 24)) as pilot:
        await open_hat(pilot)
        rooms = line_of("Rooms ready: tables wiped, paper changed, linens", YESTERDAY)
        shown = list(lines(pilot).items())
        assert [key for key, _ in shown[:3]] == [
            "overdue",
            rooms,
            line_of("Restock every room's supplies", YESTERDAY),
        ]
        assert shown[1][1].startswith("! [ ] 07:45 Rooms ready")
        assert shown[1][1].endswith("overdue · Tue 17 Nov")
        assert static_text(pilot, "#my-hat-summary").startswith("2 overdue · ")
        assert cursor(pilot) == rooms

        await pilot.press("space")
        await settle(pilot)

        assert len(ticks("Rooms ready: tables wiped, paper changed, linens", YESTERDAY)) == 1
        # Ticked late: it stays where it was, marked late, so a second space takes it back.
        assert lines(pilot)[rooms].startswith("[✓] 07:45 Rooms ready")
        assert lines(pilot)[rooms].endswith("10:07 late")
        assert cursor(pilot) == rooms
        assert static_text(pilot, "#my-hat-summary").startswith("1 overdue · ")

        await pilot.press("space")
        await settle(pilot)
        assert ticks("Rooms ready: tables wiped, paper changed, linens", YESTERDAY) == []
        assert lines(pilot)[rooms].startswith("! [ ] 07:45")


async def test_a_shared_item_ticked_on_another_terminal_shows_who(stats_demo: Practice) -> None:
    drawer = "Balance the cash drawer and lock it"
    app = app_for(stats_demo, "Jenny Ortiz")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_hat(pilot)
        assert lines(pilot)[line_of(drawer)].startswith("[ ] 17:30")

        await asyncio.to_thread(tick_elsewhere, stats_demo, drawer, "Karen Miles")
        app.check_for_changes()
        await pilot.pause()

        assert lines(pilot)[line_of(drawer)].startswith("[✓] 17:30 Balance the cash drawer")
        assert lines(pilot)[line_of(drawer)].endswith("✓ KM 10:07")
        put_cursor(pilot, line_of(drawer))
        await pilot.press("space")  # not hers to take back
        await settle(pilot)
        assert warnings(pilot) == ["Karen Miles ticked this; only they can take their tick back."]
        [tick] = ticks(drawer)
        assert tick.by_id == staff("Karen Miles")


async def test_a_stale_screen_ticking_a_shared_item_makes_no_second_record(
    stats_demo: Practice,
) -> None:
    """Jenny's terminal has not seen Karen's tick yet when Jenny presses space."""
    drawer = "Balance the cash drawer and lock it"
    app = app_for(stats_demo, "Jenny Ortiz", watcher=NeverChanges())
    async with app.run_test(size=(100, 30)) as pilot:
        await open_hat(pilot)
        await asyncio.to_thread(tick_elsewhere, stats_demo, drawer, "Karen Miles")
        assert lines(pilot)[line_of(drawer)].startswith("[ ]")  # not seen yet

        put_cursor(pilot, line_of(drawer))
        await pilot.press("space")
        await settle(pilot)

        [tick] = ticks(drawer)
        assert tick.by_id == staff("Karen Miles")
        assert "Karen Miles had ticked it already (10:07): one tick, theirs." in notices(pilot)
        assert lines(pilot)[line_of(drawer)].endswith("✓ KM 10:07")


async def test_reading_and_attesting_a_policy(stats_demo: Practice) -> None:
    jenny = staff("Jenny Ortiz")
    privacy = Policy.get(Policy.title == "Patient privacy")
    newest = (
        PolicyVersion.select()
        .where(PolicyVersion.policy == privacy.id)
        .order_by(PolicyVersion.number.desc())
        .get()
    )
    line = f"policy-{privacy.id}"
    async with app_for(stats_demo, "Jenny Ortiz").run_test(size=(80, 24)) as pilot:
        await open_hat(pilot)
        assert lines(pilot)[line].startswith("! [ ] Patient privacy v2 — you attested v1")
        assert "1 to attest (a)" in static_text(pilot, "#my-hat-summary")

        await pilot.press("a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PolicyViewScreen)
        assert "initials (`i`)" in pilot.app.screen.query_one(Markdown).source
        await pilot.press("escape")  # closed unread: nothing recorded
        await settle(pilot)
        assert (
            not Attestation.select()
            .where(Attestation.staff == jenny)
            .where(Attestation.version == newest.id)
            .exists()
        )

        put_cursor(pilot, line)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PolicyViewScreen)
        await pilot.press("a")  # not read to the end yet: not attested
        await settle(pilot)
        assert isinstance(pilot.app.screen, PolicyViewScreen)
        assert "Read it to the end first (↓, PageDown or End): then a attests." in warnings(pilot)
        await pilot.press("end", "a")
        await settle(pilot)

        assert isinstance(pilot.app.screen, MyHatScreen)
        attested = Attestation.get(
            (Attestation.staff == jenny) & (Attestation.version == newest.id)
        )
        assert attested.at == utc_naive(stats_demo.clock.now())
        assert line not in lines(pilot)
        assert "to attest" not in static_text(pilot, "#my-hat-summary")
        assert "Attested: Patient privacy, version 2." in notices(pilot)


async def test_training_progress_is_shown(stats_demo: Practice) -> None:
    async with app_for(stats_demo, "Tom Becker").run_test(size=(140, 40)) as pilot:
        await open_hat(pilot)
        training = [text for key, text in lines(pilot).items() if key.startswith("training-")]
        assert training == ["Chiropractic Assistant training: 2 of 4 steps signed off"]


async def test_the_summary_fits_a_small_terminal(stats_demo: Practice) -> None:
    """80×24: the figures come first on the line, so a long list of hats is what is cut."""
    async with app_for(stats_demo, "Karen Miles").run_test(size=(80, 24)) as pilot:
        await open_hat(pilot)
        summary = pilot.app.screen.query_one("#my-hat-summary")
        assert static_text(pilot, "#my-hat-summary").startswith(
            "2 overdue · 5 of 12 done today · 1 to attest (a) · Office Manager"
        )
        assert summary.region.width == 80
        assert checklist(pilot).region.height >= 18
        overdue = [text for text in lines(pilot).values() if text.startswith("!")]
        assert len(overdue) == 3  # two items and the policy


async def test_my_hats_keys_are_in_the_command_palette(stats_demo: Practice) -> None:
    app = app_for(stats_demo, "Jenny Ortiz")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_hat(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Tick / take back", "Read and attest", "Whose hat"} <= titles


async def test_the_training_section_is_reached_at_80x24(stats_demo: Practice) -> None:
    async with app_for(stats_demo, "Tom Becker").run_test(size=(80, 24)) as pilot:
        await open_hat(pilot)
        await pilot.press("end")
        assert cursor(pilot) == f"training-{Post.get(Post.title == 'Chiropractic Assistant').id}"
        assert any("training: 2 of 4 steps" in line for line in screen_lines(pilot))
        assert "the office manager signs each step off" in static_text(pilot, "#my-hat-detail")
        await pilot.press("space")
        assert "Training steps are signed off by the office manager, not ticked." in notices(pilot)


async def test_on_a_closed_day_the_next_days_list_is_read_not_ticked(
    stats_demo: Practice,
) -> None:
    """Sunday 22 November: My hat shows Monday's list, says so, and ticks none of it ahead."""
    stats_demo.clock.set(dt.datetime(2026, 11, 22, 10, 0, tzinfo=ZONE))
    async with app_for(stats_demo, "Jenny Ortiz").run_test(size=(80, 24)) as pilot:
        await open_hat(pilot)
        assert "0 of 6 done for Mon 23 Nov" in static_text(pilot, "#my-hat-summary")
        monday = dt.date(2026, 11, 23)
        first = next(key for key in lines(pilot) if key.endswith(monday.isoformat()))
        put_cursor(pilot, first)
        await pilot.press("space")
        await settle(pilot)
        assert "That is Mon 23 Nov's: it is ticked that day." in warnings(pilot)
        assert Tick.select().where(Tick.due_on == monday).count() == 0


async def test_a_manager_ticking_anothers_hat_is_told_whose_tick_it_is(
    stats_demo: Practice,
) -> None:
    app = app_for(stats_demo, "Jenny Ortiz", staff_id=staff("Karen Miles"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_hat(pilot)
        await pilot.press("space")
        await settle(pilot)
        [tick] = ticks("Verify insurance for tomorrow's new patients")
        assert (tick.holder, tick.by_id) == (staff("Jenny Ortiz"), staff("Karen Miles"))
        assert "Ticked for Jenny Ortiz: it counts as Jenny Ortiz's, made by you." in notices(pilot)


async def test_the_line_under_the_list_is_read_whole_at_80x24(stats_demo: Practice) -> None:
    """A shared item's line is long: its end, what space does, is not cut off."""
    async with app_for(stats_demo, "Jenny Ortiz").run_test(size=(80, 24)) as pilot:
        await open_hat(pilot)
        put_cursor(pilot, line_of("Balance the cash drawer and lock it"))
        await pilot.pause()
        said = static_text(pilot, "#my-hat-detail")
        assert said.endswith("space: tick")
        assert drawn(pilot, pilot.app.screen.query_one("#my-hat-detail")) == said
