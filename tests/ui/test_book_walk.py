"""The book as the front desk walks it at 80x24: what an empty slot is (free, outside
the hours, blocked out), a week that fits, and dialogs whose keys say what they do."""

from __future__ import annotations

import datetime as dt

from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule import hours

from .conftest import DAY, Practice, local
from .helpers import footer, notices, screen_lines, settle, static_text
from .test_book import SIZE, appointments_of, cursor_to, open_book


def working_hours(office: Practice) -> None:
    """Dr. Park works 9–12 on the day, Dr. Ruiz 9–17; the practice meets 13–14."""
    database, park, ruiz = office.database, *office.providers.values()
    hours.set_hours(database, ADMINISTRATOR, park, [DAY.weekday()], [(dt.time(9), dt.time(12))])
    hours.set_hours(database, ADMINISTRATOR, ruiz, [DAY.weekday()], [(dt.time(9), dt.time(17))])
    hours.add_blockout(
        database, office.clock, ADMINISTRATOR, None, local(13), local(14), "Staff meeting"
    )


async def test_an_empty_slot_says_free_outside_the_hours_or_blocked_out(office: Practice) -> None:
    working_hours(office)
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(11, 30), column=1)
        await settle(pilot)
        assert "Dr. Ada Park: free · b book" in static_text(pilot, "#book-detail")
        cursor_to(pilot, local(12, 30), column=1)
        await settle(pilot)
        said = static_text(pilot, "#book-detail")
        assert "outside the hours (09:00–12:00) · b book anyway" in said
        cursor_to(pilot, local(13, 15), column=2)
        await settle(pilot)
        said = static_text(pilot, "#book-detail")
        assert "blocked out (Staff meeting, whole practice, until 14:00)" in said


async def test_a_providers_week_fits_80_columns(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(11, 0))
        await pilot.press("w", "right", "right", "right", "right")  # to Sunday's column
        await settle(pilot)
        header = screen_lines(pilot)[2]
        assert "Mon 16" in header and "Sun 22" in header, header


async def test_the_double_booking_question_says_what_each_key_does(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(11, 0))  # Nora's slot
        await pilot.press("b", *"walt", "enter", "2", "enter")
        await settle(pilot)
        text = "\n".join(screen_lines(pilot))
        assert "y / Enter book anyway (double-booked) · n / Esc don't book" in text


async def test_a_booking_is_given_a_room_by_its_number_or_name(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(11, 30))
        await pilot.press("b", *"walt", "enter", "2", "tab", "tab", *"room 9", "enter")
        await settle(pilot)
        assert not appointments_of(office.patients["walter"])  # no such room: asked again
        assert "Which room? The rooms: Room 1, Room 2." in notices(pilot)[-1]
        await pilot.press(*["backspace"] * 6, "2", "enter")
        await settle(pilot)
        [booked] = appointments_of(office.patients["walter"])
        assert booked.room_id == office.rooms["Room 2"]


async def test_someone_who_sees_no_patients_is_told_and_offered_no_booking_keys(
    office: Practice,
) -> None:
    from db.models import Role, Staff

    aide = Staff.create(name="Sam Aide", initials="SA", role=Role.STAFF, provider=False)
    app = office.app(staff_id=aide.id)
    async with app.run_test(size=SIZE) as pilot:
        await open_book(pilot)
        assert static_text(pilot, "#book-detail").startswith("No column for you")
        shown = " ".join(footer(pilot))
        assert "Next day" in shown
        assert "b Book" not in shown and "c Cancel" not in shown and "m Move" not in shown
