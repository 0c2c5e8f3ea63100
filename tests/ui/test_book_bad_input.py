"""The book at 80x24 given what goes wrong at a front desk: a slot begun already, a
length of 0 or a whole day, a series without an end, 31/02, a patient merged away on
another terminal meanwhile, two terminals booking one slot at the same moment."""

from __future__ import annotations

from db.models import Appointment, Patient, utc_naive

from .conftest import Practice, local
from .helpers import notices, screen_lines, settle
from .test_book import SIZE, appointments_of, cursor_to, open_book


async def test_a_slot_begun_already_asks_and_books_when_agreed(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(9, 0), column=2)  # Dr. Ruiz, an hour ago
        await pilot.press("b", *"walt", "enter", "2", "enter")
        await settle(pilot)
        assert "y / Enter book anyway (begun already) · n / Esc don't book" in "\n".join(
            screen_lines(pilot)
        )
        assert not appointments_of(office.patients["walter"])
        await pilot.press("y")
        await settle(pilot)
        assert len(appointments_of(office.patients["walter"])) == 1


async def test_a_length_of_0_or_a_whole_day_is_refused(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        for minutes in ("0", "1440"):
            cursor_to(pilot, local(11, 30))
            await pilot.press("b", *"walt", "enter", "2", "tab", "ctrl+u", *minutes, "enter")
            await settle(pilot)
            assert notices(pilot)[-1].startswith("An appointment lasts"), notices(pilot)[-1]
        assert not appointments_of(office.patients["walter"])


async def test_a_series_without_an_end_is_capped_and_says_so(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(11, 0))  # Nora
        await pilot.press("r", "enter")  # weekly, no end given
        await settle(pilot)
        assert "52 weeks (no end was given)" in notices(pilot)[-1]
        assert len(appointments_of(office.patients["nora"])) == 52


async def test_31_02_is_not_a_day(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        screen = await open_book(pilot)
        shown = screen.day
        await pilot.press("g", *"31/02", "enter")
        await settle(pilot)
        assert notices(pilot)[-1].startswith("Not a day: '31/02'.")
        assert screen.day == shown


async def test_a_patient_merged_away_while_being_booked_is_not_booked(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(11, 30))
        await pilot.press("b", *"walt", "enter", "2")  # Walter chosen, the type too
        Patient.update(merged_into=office.patients["maria"], active=False).where(
            Patient.id == office.patients["walter"]
        ).execute()  # another terminal merges Walter into Maria meanwhile
        await pilot.press("enter")
        await settle(pilot)
        assert "merged into Maria Lopez" in notices(pilot)[-1]
        assert not Appointment.select().where(Appointment.patient == office.patients["walter"])


async def test_two_terminals_booking_one_slot_at_once_only_double_book_when_told(
    office: Practice,
) -> None:
    """Both press Enter on 11:30 with Dr. Park before either write is done: one books it,
    the other is asked, and books it only as a double-booking it agreed to."""
    async with office.app().run_test(size=SIZE) as front:
        async with office.app().run_test(size=SIZE) as back:
            for pilot in (front, back):
                await open_book(pilot)
                cursor_to(pilot, local(11, 30))
            await front.press("b", *"walt", "enter", "2")
            await back.press("b", *"mari", "enter", "2")
            await front.press("enter")
            await back.press("enter")  # at once: neither write has been read back yet
            await settle(front)
            await settle(back)
            slot = Appointment.start == utc_naive(local(11, 30))
            booked = Appointment.select().where(slot).count()
            asked = [p for p in (front, back) if "double-booked" in "\n".join(screen_lines(p))]
            assert (booked, len(asked)) == (1, 1)
            await asked[0].press("y")
            await settle(asked[0])
            both = list(Appointment.select().where(slot))
            assert len(both) == 2 and all(a.double_booked for a in both)
