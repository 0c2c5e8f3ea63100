"""The appointment book, as the front desk uses it at 80x24: booking in a few keys, the
next free slot, moving across days, cancelling, double-booking, a series' occurrence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from db.models import Appointment, Patient, as_utc
from om_tui.practice import settings
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule.book import Book
from om_tui.practice.schedule.series import Rule, book_series
from om_tui.practice.schedule.types import type_named
from om_tui.screens.schedule.book import BookScreen

from .conftest import DAY, Practice, local
from .helpers import board, notices, settle, static_text

SIZE = (80, 24)


async def open_book(pilot: Pilot[Any]) -> BookScreen:
    pilot.app.patients.refresh(pilot.app.database)  # type: ignore[attr-defined]
    await pilot.press("9")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BookScreen)
    return screen


def cursor_to(pilot: Pilot[Any], when: dt.datetime, column: int = 1) -> None:
    """Put the book's cursor on a slot, as the arrow keys would."""
    screen = pilot.app.screen
    assert isinstance(screen, BookScreen)
    row = screen.row_of(when)
    assert row is not None and screen.instant(row, column) == when, "not on the screen"
    pilot.app.screen.query_one("#book", DataTable).move_cursor(row=row, column=column)


def appointments_of(who: int) -> list[Appointment]:
    return list(
        Appointment.select()
        .where(Appointment.patient == who, Appointment.cancelled_at.is_null())
        .order_by(Appointment.start)
    )


async def test_book_a_patient_in_a_few_keys(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(11, 30))
        await pilot.press("b", *"walt", "enter", "2", "enter")
        await settle(pilot)
        [booked] = appointments_of(office.patients["walter"])
        assert as_utc(booked.start) == local(11, 30)
        assert booked.provider_id == office.providers["Dr. Ada Park"]
        assert (booked.type.name, booked.length_minutes) == ("Regular", 15)
        assert "Walter Kim: booked Wed 18 Nov 11:30" in notices(pilot)
        assert "11:30–11:45 · Walter Kim · Regular · Unconfirmed" in static_text(
            pilot, "#book-detail"
        )
        await pilot.press("1")  # the board shows the booking at once
        await settle(pilot)
        assert f"a{booked.id}" in board(pilot).keys


async def test_book_a_new_patient_from_the_book(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(12, 0), column=2)
        await pilot.press("b", *"Zoe Fern", "enter")
        await settle(pilot)
        await pilot.press("enter")  # the new-patient form: the name is filled in; Enter saves
        await settle(pilot)
        await pilot.press("enter")  # the first type, its length filled in
        await settle(pilot)
        zoe = Patient.get(Patient.first_name == "Zoe")
        [booked] = appointments_of(zoe.id)
        assert booked.provider_id == office.providers["Dr. Ben Ruiz"]
        assert (as_utc(booked.start), booked.length_minutes) == (local(12, 0), 45)


async def test_find_the_next_free_slot(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(10, 0))
        await pilot.press("f", "2")  # a Regular (15 min) for Dr. Park, from 10:00 on
        await settle(pilot)
        # Tom until 10:15, Maria 10:15-10:45: the first 15 minutes free are at 10:45.
        assert "Next free Regular: Wed 18 Nov 10:45" in notices(pilot)
        assert static_text(pilot, "#book-detail").startswith("10:45 Dr. Ada Park: free")


async def test_move_an_appointment_to_the_next_day(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        screen = await open_book(pilot)
        cursor_to(pilot, local(11, 0))  # Nora
        await pilot.press("m")
        assert "Moving" in static_text(pilot, "#book-detail")
        await pilot.press("n")  # the next day, the cursor where it was
        await settle(pilot)
        assert screen.day == DAY + dt.timedelta(days=1)
        await pilot.press("down", "enter")
        await settle(pilot)
        moved = Appointment.get_by_id(office.appointments["nora"])
        thursday_11_15 = local(11, 15) + dt.timedelta(days=1)
        assert as_utc(moved.start) == thursday_11_15
        assert "Nora Quinn: moved to Thu 19 Nov 11:15" in notices(pilot)


async def test_a_double_booking_needs_a_confirming_key(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(11, 0))  # Nora's slot
        await pilot.press("b", *"walt", "enter", "2", "enter")
        await settle(pilot)
        assert not appointments_of(office.patients["walter"])  # asked first
        await pilot.press("y")
        await settle(pilot)
        [walter] = appointments_of(office.patients["walter"])
        assert walter.double_booked
        assert Appointment.get_by_id(office.appointments["nora"]).double_booked
        assert "double-booked" in notices(pilot)[-1]


async def test_cancel_leaves_the_board_of_another_terminal(office: Practice) -> None:
    """Two app instances on the same file: the book on one, the board on the other."""
    async with office.app().run_test(size=SIZE) as other:
        maria = office.row_key("maria")
        assert maria in board(other).keys
        async with office.app().run_test(size=SIZE) as pilot:
            await open_book(pilot)
            cursor_to(pilot, local(10, 15))
            await pilot.press("c", "2")  # Patient ill
            await settle(pilot)
            assert "Maria Lopez: cancelled (Patient ill)" in notices(pilot)
        other.app.check_for_changes()  # the change watcher's poll, as every 250 ms
        await settle(other)
        assert maria not in board(other).keys


async def test_one_occurrence_of_a_series_moved(office: Practice) -> None:
    book = Book(office.database, office.clock, settings.load(office.database), ADMINISTRATOR)
    walter = office.patients["walter"]
    rule = Rule((2,), dt.time(14, 0), DAY, count=3)  # Wednesdays at 14:00
    book_series(book, walter, rule, 30, office.providers["Dr. Ada Park"], type_named("Regular").id)
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        await pilot.press("n", "n", "n", "n", "n", "n", "n")  # a week on
        await settle(pilot)
        cursor_to(pilot, local(14, 0) + dt.timedelta(days=7))
        await pilot.press("m", "down", "down", "enter")
        await settle(pilot)
    starts = [as_utc(a.start) for a in appointments_of(walter)]
    assert starts == [
        local(14, 0),
        local(14, 30) + dt.timedelta(days=7),
        local(14, 0) + dt.timedelta(days=14),
    ]


async def test_repeat_an_appointment_then_change_the_rest_of_the_series(office: Practice) -> None:
    book = Book(office.database, office.clock, settings.load(office.database), ADMINISTRATOR)
    walter = office.patients["walter"]
    book.book(walter, local(14, 0), 30, office.providers["Dr. Ada Park"], type_named("Regular").id)
    week = dt.timedelta(days=7)
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(14, 0))
        await pilot.press("r", "3", "enter")  # on Wednesdays (its day), weekly, 3 times
        await settle(pilot)
        assert [as_utc(a.start) for a in appointments_of(walter)] == [
            local(14, 0),
            local(14, 0) + week,
            local(14, 0) + 2 * week,
        ]
        assert len({a.series_id for a in appointments_of(walter)}) == 1
        await pilot.press(*"nnnnnnn")
        await settle(pilot)
        cursor_to(pilot, local(14, 0) + week)
        await pilot.press("R", *"15:30", "enter")  # this one and the next: at 15:30
        await settle(pilot)
    assert [as_utc(a.start) for a in appointments_of(walter)] == [
        local(14, 0),
        local(15, 30) + week,
        local(15, 30) + 2 * week,
    ]


async def test_a_walk_in_is_given_a_slot_from_the_board(office: Practice) -> None:
    office.flow().check_in(office.patients["walter"])  # a walk-in, no appointment
    async with office.app().run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = board(pilot)
        walk_in = next(key for key in table.keys if key.startswith("v"))
        table.move_cursor(row=table.get_row_index(walk_in))
        await pilot.press("a", "2", "2")  # Dr. Ruiz, a Regular
        await settle(pilot)
        [given] = appointments_of(office.patients["walter"])
        assert given.provider_id == office.providers["Dr. Ben Ruiz"]
        assert (as_utc(given.start), given.type.name) == (local(10, 0), "Regular")
        assert "Walter Kim: given Wed 18 Nov 10:00" in notices(pilot)


async def test_a_providers_week_and_booking_in_it(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        screen = await open_book(pilot)
        cursor_to(pilot, local(11, 0))  # Nora, with Dr. Park
        await pilot.press("w")
        await settle(pilot)
        assert static_text(pilot, "#book-title").startswith("Week of Mon 16 Nov · Dr. Ada Park")
        assert [c.label.plain for c in board_of(pilot).columns.values()][1:] == [
            "Mon 16",
            "Tue 17",
            "Wed 18",
            "Thu 19",
            "Fri 20",
            "Sat 21",
            "Sun 22",
        ]
        assert "Nora Quinn" in static_text(pilot, "#book-detail")  # Wednesday's column
        await pilot.press("right", "b", *"walt", "enter", "2", "enter")  # Thursday 11:00
        await settle(pilot)
        [booked] = appointments_of(office.patients["walter"])
        assert as_utc(booked.start) == local(11, 0) + dt.timedelta(days=1)
        assert booked.provider_id == office.providers["Dr. Ada Park"]
        await pilot.press("w")  # back to the day, Dr. Park's column
        await settle(pilot)
        assert screen.week_of is None


def board_of(pilot: Pilot[Any]) -> DataTable[Any]:
    return pilot.app.screen.query_one("#book", DataTable)


async def test_a_booking_shows_on_the_board_of_another_terminal(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as other:
        async with office.app().run_test(size=SIZE) as pilot:
            await open_book(pilot)
            cursor_to(pilot, local(11, 30))
            await pilot.press("b", *"walt", "enter", "2", "enter")
            await settle(pilot)
        [booked] = appointments_of(office.patients["walter"])
        other.app.check_for_changes()  # the change watcher's poll, as every 250 ms
        await settle(other)
        assert f"a{booked.id}" in board(other).keys


async def test_a_day_not_understood_is_said_in_the_books_words(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        screen = await open_book(pilot)
        shown = screen.day
        await pilot.press("g", *"blah", "enter")
        await settle(pilot)
        assert notices(pilot)[-1] == (
            "Not a day: 'blah'. Like fri, tomorrow, 12/15, +2w or 2026-12-15."
        )
        assert screen.day == shown


async def test_cancel_on_a_checked_in_patient_says_so_before_asking_why(office: Practice) -> None:
    office.flow().check_in(office.patients["maria"], office.appointments["maria"])
    async with office.app().run_test(size=SIZE) as pilot:
        screen = await open_book(pilot)
        cursor_to(pilot, local(10, 15))
        await pilot.press("c")
        await settle(pilot)
        assert pilot.app.screen is screen  # no reasons asked
        assert notices(pilot)[-1] == ("Maria Lopez has checked in: end the visit on the board (x).")
