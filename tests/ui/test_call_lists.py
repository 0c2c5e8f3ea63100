"""The front desk's call lists, by keys: tomorrow's confirmations, a slot freed on one
terminal offered to the ASAP patient on another, and a recall call logged then booked —
which the Reactivations stat counts. The hand-made office, Wednesday 18 November 2026,
10:00 in Chicago."""

from __future__ import annotations

import datetime as dt

from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Input, OptionList

from db.models import Appointment, AsapRequest, CallContact, StatSource, utc_naive
from om_tui.app import OmTuiApp
from om_tui.practice import settings
from om_tui.practice.calls.contacts import Calls
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule import hours
from om_tui.practice.schedule.types import type_named
from om_tui.practice.stats.service import Stats
from om_tui.screens.calls.asap import AsapScreen
from om_tui.screens.calls.confirmations import ConfirmationsScreen
from om_tui.screens.calls.lists import CallListsScreen
from om_tui.screens.calls.recall import RecallScreen
from om_tui.screens.calls.unscheduled import UnscheduledScreen
from om_tui.screens.schedule.book import BookScreen

from .conftest import DAY, ZONE, Practice, local
from .helpers import notices, settle, static_text
from .test_book import cursor_to, open_book

SIZE = (80, 24)
TOMORROW = DAY + dt.timedelta(days=1)


def on(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def book(practice: Practice, who: str, start: dt.datetime) -> int:
    return int(
        Appointment.create(
            patient=practice.patients[who],
            provider=practice.providers["Dr. Ada Park"],
            start=utc_naive(start),
            type=type_named("Regular").id,
            length_minutes=15,
        ).id
    )


def state_of(appointment_id: int) -> str:
    status = Appointment.get_by_id(appointment_id).status
    assert status is not None
    return str(status.name)


async def test_tomorrows_confirmations_by_keys(office: Practice) -> None:
    maria = book(office, "maria", on(TOMORROW, 9))
    nora = book(office, "nora", on(TOMORROW, 9, 30))
    async with office.app().run_test(size=SIZE) as pilot:
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CallListsScreen)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmationsScreen)
        assert "Thu 19 Nov · 2 to call" in static_text(pilot, "#calls-title")
        await pilot.press("3")  # Maria: confirmed; she goes down, Nora comes up
        await settle(pilot)
        await pilot.press("2")  # Nora: a message left
        await settle(pilot)
        assert (state_of(maria), state_of(nora)) == ("Confirmed", "Left message")
        assert "50% confirmed" in static_text(pilot, "#calls-title")
        logged = [(c.patient_id, c.outcome) for c in CallContact.select().order_by(CallContact.id)]
        assert logged == [
            (office.patients["maria"], "confirmed"),
            (office.patients["nora"], "left_message"),
        ]


async def test_a_slot_freed_on_one_terminal_is_offered_to_the_asap_patient_on_another(
    office: Practice,
) -> None:
    walter = office.patients["walter"]
    later = book(office, "walter", on(DAY + dt.timedelta(days=7), 15))
    calls = Calls(office.database, office.clock, settings.load(office.database), ADMINISTRATOR)
    calls.add_asap(walter, None, range(5), dt.time(8), dt.time(12))
    async with office.app().run_test(size=SIZE) as desk:
        async with office.app().run_test(size=SIZE) as other:
            await open_book(other)
            cursor_to(other, local(11, 0))  # Nora, today at 11:00
            await other.press("c", "1")  # cancelled by the patient
            await settle(other)
        desk_app = desk.app
        assert isinstance(desk_app, OmTuiApp)
        desk_app.check_for_changes()  # the change watcher's poll, as every 250 ms
        await settle(desk)
        told = [n for n in notices(desk) if "is free" in n]
        assert told == ["Wed 18 Nov 11:00 with Dr. Ada Park is free: Walter Kim (ASAP) fits. "
                        "L, 4, Enter books."]  # fmt: skip
        await desk.press("L", "4")
        await settle(desk)
        assert isinstance(desk.app.screen, AsapScreen)
        await desk.press("enter")  # one step: his appointment moved into the slot
        await settle(desk)
        moved = Appointment.get_by_id(later)
        assert moved.start == utc_naive(local(11, 0)) and moved.cancelled_at is None
        assert "Walter Kim: moved to Wed 18 Nov 11:00" in notices(desk)
        assert "ASAP · 0" in static_text(desk, "#calls-title")


async def test_a_recall_call_logged_then_booked_counts_as_a_reactivation(
    office: Practice,
) -> None:
    book(office, "walter", on(DAY - dt.timedelta(days=200), 9))
    park = office.providers["Dr. Ada Park"]
    hours.set_hours(
        office.database, ADMINISTRATOR, park, range(5), hours.parse_stretches("8-12 13-17")
    )
    stats = Stats(office.database, office.clock, settings.load(office.database), ADMINISTRATOR)
    stat = stats.define(
        name="Reactivations",
        short_name="reactivations",
        source=StatSource.COMPUTED,
        computed="reactivations",
        post=None,
    )
    async with office.app().run_test(size=SIZE) as pilot:
        await pilot.press("L", "2")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RecallScreen)
        assert "Recall · 1 to call" in static_text(pilot, "#calls-title")
        await pilot.press("l", "2")  # a message left
        await settle(pilot)
        assert "Recall · 0 to call · 1 due" in static_text(pilot, "#calls-title")  # resting
        await pilot.press("enter")  # he called back: the next free slot
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Walter Kim: booked Wed 18 Nov 10:45" in notices(pilot)  # after Maria
    outcomes = [c.outcome for c in CallContact.select().order_by(CallContact.id)]
    assert outcomes == ["left_message", "booked"]
    assert stats.recompute()["reactivations"] == 1
    assert stats.stored([stat.id], "week", stats.this_week()) == {stat.id: 1}


async def test_each_list_is_in_the_menu_by_its_name(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CommandPalette)
        await pilot.press(*"unscheduled")
        await settle(pilot)  # the palette searches in a worker
        found = pilot.app.screen.query_one(CommandList)
        hits = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
        assert hits and hits[0].startswith("Unscheduled (call list)"), hits
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, UnscheduledScreen)
        assert "Nobody on this list now." in static_text(pilot, "#calls-detail")


async def test_an_asap_patient_is_added_with_the_provider_days_and_times_they_can_take(
    office: Practice,
) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await pilot.press("L", "4")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AsapScreen)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"walter", "enter")
        await settle(pilot)
        await pilot.press(*"nobody", "enter", *"mon-fri", "enter", *"8-12", "enter")
        await settle(pilot)  # no provider of that name: said, nothing added
        assert any("No provider named 'nobody'" in n for n in notices(pilot))
        assert AsapRequest.select().count() == 0
        provider = pilot.app.screen.query_one("#asap-provider", Input)
        provider.value = "ruiz"
        provider.focus()
        await pilot.press("enter", "enter", "enter")  # on through the days and times kept
        await settle(pilot)
        request = AsapRequest.get()
        assert (request.patient_id, request.provider_id) == (
            office.patients["walter"],
            office.providers["Dr. Ben Ruiz"],
        )
        assert (request.weekdays, request.earliest, request.latest) == (
            "0 1 2 3 4",
            "08:00",
            "12:00",
        )
        row = pilot.app.screen.query_one("#calls-table", DataTable).get_row_at(0)
        assert str(row[2]) == "Dr. Ben Ruiz · Mon–Fri 08:00–12:00"


async def test_a_recall_patient_is_booked_on_the_day_and_slot_the_desk_picks_in_the_book(
    office: Practice,
) -> None:
    walter = office.patients["walter"]
    book(office, "walter", on(DAY - dt.timedelta(days=200), 9))
    park = office.providers["Dr. Ada Park"]
    hours.set_hours(
        office.database, ADMINISTRATOR, park, range(5), hours.parse_stretches("8-12 13-17")
    )
    async with office.app().run_test(size=SIZE) as pilot:
        await pilot.press("L", "2")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert (
            "Next free: Wed 18 Nov 10:45, Dr. Ada Park"
            in pilot.app.screen.query_one("#choices", OptionList).get_option_at_index(0).prompt
        )
        await pilot.press("2")  # not then: another day, picked in the book
        await settle(pilot)
        assert isinstance(pilot.app.screen, BookScreen)
        assert static_text(pilot, "#book-detail").startswith("Booking Walter Kim (recall)")
        await pilot.press("up", "enter")  # 10:30: Maria's; asked, and not double-booked
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert static_text(pilot, "#book-detail").startswith("Booking Walter Kim (recall)")
        await pilot.press("n", "down", "down")  # Thursday, two slots later: 11:00
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Walter Kim: booked Thu 19 Nov 11:00" in notices(pilot)
        made = (
            Appointment.select()
            .where(Appointment.patient == walter)
            .order_by(Appointment.start.desc())[0]
        )
        assert (made.start, made.provider_id) == (utc_naive(on(TOMORROW, 11)), park)
        contact = CallContact.get()
        assert (contact.listed, contact.outcome, contact.booked_id) == ("recall", "booked", made.id)
        assert not static_text(pilot, "#book-detail").startswith("Booking")  # let go of
        await pilot.press("escape")  # back to the list, which has nobody left to call
        await settle(pilot)
        assert isinstance(pilot.app.screen, RecallScreen)
        assert "Recall · 0 to call · 0 due" in static_text(pilot, "#calls-title")


async def test_a_list_opened_again_is_read_again(office: Practice) -> None:
    """Each opening reads the list anew (and the picker counts again)."""
    book(office, "walter", on(DAY - dt.timedelta(days=200), 9))
    async with office.app().run_test(size=SIZE) as pilot:
        await pilot.press("L", "2")
        await settle(pilot)
        assert "Recall · 1 to call" in static_text(pilot, "#calls-title")
        await pilot.press("escape", "escape")
        await settle(pilot)
        book(office, "walter", on(TOMORROW, 9))  # booked meanwhile (another terminal)
        await pilot.press("L")
        await settle(pilot)
        assert "2 Recall            0  " in str(
            pilot.app.screen.query_one("#call-lists", OptionList).get_option_at_index(1).prompt
        )
        await pilot.press("2")
        await settle(pilot)
        assert "Recall · 0 to call · 0 due" in static_text(pilot, "#calls-title")
