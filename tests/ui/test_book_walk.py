"""The book as the front desk walks it at 80x24: what an empty slot is (free, outside
the hours, blocked out), a week that fits, and dialogs whose keys say what they do."""

from __future__ import annotations

import datetime as dt

from om_tui.practice.roles import ADMINISTRATOR
from om_tui.practice.schedule import hours

from .conftest import DAY, Practice, local
from .helpers import screen_lines, settle, static_text
from .test_book import SIZE, cursor_to, open_book


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
