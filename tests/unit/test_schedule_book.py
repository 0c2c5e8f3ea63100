"""The appointment book's rules on the fixture practice (New York, Wed 18 Nov 2026,
10:00): booking, overlap, hours and blockouts, changes, roles, and the board."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import Database

from db.models import Appointment, Role, Staff, Stage, Visit, utc_naive
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule import hours, types
from om_tui.practice.schedule.access import (
    DOUBLE_BOOK,
    OUTSIDE_HOURS,
    PAST,
    NeedsConsent,
    ScheduleError,
    StaleAppointment,
)
from om_tui.practice.schedule.book import Book
from om_tui.practice.stats.figures import flow_figures

from .practice_fixture import DAY, Practice, local

WED = DAY.weekday()


def _regular() -> types.TypeLine:
    return types.type_named("Regular")


def test_a_booking_is_in_the_day_with_its_type_and_first_state(
    book: Book, practice: Practice
) -> None:
    made = book.book(practice.patients["eve"], local(14, 0), 15, practice.provider, _regular().id)
    entry = book.entry(made.appointment_id)
    assert (entry.letter, entry.status, entry.mark) == ("R", "Unconfirmed", "?")
    assert entry.start == local(14, 0)
    assert made.description == "Eve Evans: booked Wed 18 Nov 14:00"
    day = book.day(DAY)
    column = next(c for c in day.columns if c.id == practice.provider)
    assert made.appointment_id in [e.id for e in day.in_column(column)]


@pytest.mark.parametrize("minutes", [0, -15, 24 * 60])
def test_a_length_of_0_or_a_whole_day_is_refused(
    book: Book, practice: Practice, minutes: int
) -> None:
    with pytest.raises(ScheduleError, match="minute|24 hours"):
        book.book(practice.patients["eve"], local(14, 0), minutes, practice.provider)
    assert Appointment.select().where(Appointment.patient == practice.patients["eve"]).count() == 0


def test_the_same_patient_twice_at_overlapping_times_is_refused_whoever_the_provider(
    book: Book, practice: Practice
) -> None:
    eve = practice.patients["eve"]
    book.book(eve, local(14, 0), 30, practice.provider)
    with pytest.raises(ScheduleError, match="two places"):
        book.book(eve, local(14, 15), 30, practice.other_provider, consent={DOUBLE_BOOK})
    book.book(eve, local(14, 30), 30, practice.other_provider)  # right after: fine


def test_a_taken_slot_asks_and_with_consent_both_are_double_booked(
    book: Book, practice: Practice
) -> None:
    first = book.book(practice.patients["eve"], local(14, 0), 30, practice.provider)
    with pytest.raises(NeedsConsent) as asked:
        book.book(practice.patients["gus"], local(14, 15), 30, practice.provider)
    assert asked.value.consent == DOUBLE_BOOK
    assert "Eve" in str(asked.value)
    second = book.book(
        practice.patients["gus"], local(14, 15), 30, practice.provider, consent={DOUBLE_BOOK}
    )
    assert book.entry(first.appointment_id).double_booked
    assert book.entry(second.appointment_id).double_booked
    assert "double-booked" in second.description


def test_a_slot_in_the_past_asks(book: Book, practice: Practice) -> None:
    with pytest.raises(NeedsConsent) as asked:
        book.book(practice.patients["eve"], local(9, 0), 15, practice.other_provider)
    assert asked.value.consent == PAST
    book.book(practice.patients["eve"], local(9, 0), 15, practice.other_provider, consent={PAST})


def test_outside_the_providers_hours_or_in_a_blockout_is_warned(
    database: Database, book: Book, practice: Practice, clock: FrozenClock
) -> None:
    hours.set_hours(
        database, ADMINISTRATOR, practice.provider, [WED], hours.parse_stretches("9-12 13-17")
    )
    eve = practice.patients["eve"]
    for start in (local(12, 15), local(17, 0), local(16, 50)):
        with pytest.raises(NeedsConsent) as asked:
            book.book(eve, start, 15, practice.provider)
        assert asked.value.consent == OUTSIDE_HOURS
    hours.add_blockout(
        database, clock, ADMINISTRATOR, practice.provider, local(15, 0), local(16, 0), "Seminar"
    )
    with pytest.raises(NeedsConsent, match="Seminar"):
        book.book(eve, local(15, 30), 15, practice.provider)
    made = book.book(eve, local(15, 30), 15, practice.provider, consent={OUTSIDE_HOURS})
    assert book.entry(made.appointment_id).start == local(15, 30)
    book.book(practice.patients["gus"], local(13, 0), 15, practice.provider)  # within hours


def test_a_provider_without_hours_works_the_practice_open_hours(
    database: Database, book: Book, practice: Practice
) -> None:
    hours.set_hours(database, ADMINISTRATOR, None, range(7), hours.parse_stretches("8-18"))
    with pytest.raises(NeedsConsent, match="outside the hours"):
        book.book(practice.patients["eve"], local(18, 0), 15, practice.other_provider)


def test_an_edit_of_an_appointment_changed_elsewhere_is_refused(
    book: Book, practice: Practice
) -> None:
    made = book.book(practice.patients["eve"], local(14, 0), 15, practice.provider)
    seen = book.entry(made.appointment_id)
    book.set_status(seen.id, seen.version)  # another terminal confirms it meanwhile
    with pytest.raises(StaleAppointment, match="another terminal"):
        book.move(seen.id, seen.version, local(15, 0))
    assert book.entry(seen.id).start == local(14, 0)


def test_move_across_days_and_providers(book: Book, practice: Practice) -> None:
    made = book.book(practice.patients["eve"], local(14, 0), 15, practice.provider)
    seen = book.entry(made.appointment_id)
    friday = DAY + dt.timedelta(days=2)
    moved = book.move(seen.id, seen.version, local(9, 30, day=friday), practice.other_provider)
    after = book.entry(seen.id)
    assert (after.start, after.provider_id) == (local(9, 30, day=friday), practice.other_provider)
    assert moved.description == "Eve Evans: moved to Fri 20 Nov 09:30"
    assert seen.id not in [e.id for e in book.day(DAY).entries]


def test_resize_keeps_the_start_and_is_checked_like_a_booking(
    book: Book, practice: Practice
) -> None:
    made = book.book(practice.patients["eve"], local(14, 0), 15, practice.provider)
    book.book(practice.patients["gus"], local(14, 30), 15, practice.provider)
    seen = book.entry(made.appointment_id)
    book.resize(seen.id, seen.version, 30)
    seen = book.entry(seen.id)
    assert (seen.start, seen.minutes) == (local(14, 0), 30)
    with pytest.raises(NeedsConsent):
        book.resize(seen.id, seen.version, 45)  # would run into Gus
    with pytest.raises(ScheduleError):
        book.resize(seen.id, seen.version, 0)


def test_the_states_step_round_with_one_key(book: Book, practice: Practice) -> None:
    made = book.book(practice.patients["eve"], local(14, 0), 15, practice.provider)
    said = []
    for _ in range(4):
        seen = book.entry(made.appointment_id)
        said.append(book.set_status(seen.id, seen.version).description)
    steps = [s.split(": ")[1] for s in said]
    assert steps == ["Left message", "Confirmed", "Not reachable", "Unconfirmed"]


def test_cancelled_leaves_the_book_and_the_board_with_its_reason(
    book: Book, flow: Flow, practice: Practice
) -> None:
    fay = practice.appointments["fay"]
    seen = book.entry(fay)
    reason = next(r for r in types.cancel_reasons() if r[1] == "Patient ill")
    said = book.cancel(seen.id, seen.version, reason[0])
    assert said.description == "Fay Fox: cancelled (Patient ill)"
    assert not practice.rows(flow, "fay")
    assert fay not in [e.id for e in book.day(DAY).entries]
    assert Appointment.get_by_id(fay).cancel_reason_id == reason[0]  # kept, for the record


def test_missed_is_a_no_show_on_the_board_and_can_be_taken_back(
    book: Book, flow: Flow, practice: Practice
) -> None:
    seen = book.entry(practice.appointments["ann"])  # 9:00; it is 10:00
    book.mark_missed(seen.id, seen.version)
    assert practice.row(flow, "ann").stage == Stage.NO_SHOW
    seen = book.entry(seen.id)
    book.mark_missed(seen.id, seen.version, missed=False)
    assert practice.row(flow, "ann").stage == Stage.SCHEDULED
    later = book.entry(practice.appointments["fay"])  # 11:00
    with pytest.raises(ScheduleError, match="not due"):
        book.mark_missed(later.id, later.version)


def test_a_booking_unarrived_past_the_practice_rule_shows_as_a_no_show_still_checked_in(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    settings.set_no_show_after(database, 45, by=ADMINISTRATOR)
    flow = Flow(database, clock, settings.load(database), staff_id=practice.desk)
    assert practice.row(flow, "ann").stage == Stage.NO_SHOW  # 9:00, now 10:00
    assert practice.row(flow, "ben").stage == Stage.SCHEDULED  # 9:30: 30 minutes late
    flow.advance(practice.row(flow, "ann"))  # she came after all
    assert practice.row(flow, "ann").stage == Stage.ARRIVED


def test_booked_today_is_scheduled_on_the_board(book: Book, flow: Flow, practice: Practice) -> None:
    book.book(practice.patients["eve"], local(14, 0), 15, practice.provider, _regular().id)
    row = practice.row(flow, "eve")
    assert (row.stage, row.kind, row.kind_letter) == (Stage.SCHEDULED, "Regular", "R")


def test_a_checked_in_appointment_is_moved_on_the_board_not_in_the_book(
    book: Book, flow: Flow, practice: Practice
) -> None:
    flow.advance(practice.row(flow, "cal"))
    seen = book.entry(practice.appointments["cal"])
    assert seen.checked_in
    with pytest.raises(ScheduleError, match="checked in"):
        book.move(seen.id, seen.version, local(15, 0))


def test_a_walk_in_is_given_a_slot(book: Book, flow: Flow, practice: Practice) -> None:
    flow.check_in(practice.patients["eve"])
    visit = Visit.get(Visit.patient == practice.patients["eve"])
    given = book.give_slot(visit.id, practice.other_provider, _regular().id)
    visit = Visit.get_by_id(visit.id)
    assert visit.appointment_id == given.appointment_id
    row = practice.row(flow, "eve")
    assert (row.kind, row.appointment_start) == ("Regular", local(10, 0))


def test_a_walk_in_given_a_booked_providers_time_is_double_booked_only_when_agreed(
    book: Book, flow: Flow, practice: Practice
) -> None:
    taken = book.book(
        practice.patients["gus"], local(10, 0), 30, practice.other_provider, consent={PAST}
    )
    flow.check_in(practice.patients["eve"])
    visit = Visit.get(Visit.patient == practice.patients["eve"])
    with pytest.raises(NeedsConsent) as asked:
        book.give_slot(visit.id, practice.other_provider, _regular().id)
    assert asked.value.consent == DOUBLE_BOOK
    assert Visit.get_by_id(visit.id).appointment_id is None  # nothing given yet
    given = book.give_slot(visit.id, practice.other_provider, _regular().id, {DOUBLE_BOOK})
    assert book.entry(given.appointment_id).double_booked
    assert book.entry(taken.appointment_id).double_booked


def test_only_the_front_desk_and_managers_book(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    staff = Book(database, clock, settings.load(database), staff_id=practice.other_provider)
    with pytest.raises(ScheduleError, match="Only the front desk"):
        staff.book(practice.patients["eve"], local(14, 0), 15, practice.provider)
    assert [name for _, name in staff.providers()] == ["Dr. Lou Webb"]  # their own column
    with pytest.raises(ScheduleError, match="Only the office manager or the owner"):
        hours.set_hours(database, practice.desk, practice.provider, [0], [])


def test_the_staff_see_their_own_column_and_no_one_elses_patients(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    def book_of(staff_id: int | None) -> Book:
        return Book(database, clock, settings.load(database), staff_id=staff_id)

    webb = book_of(practice.other_provider)  # a provider with the staff role
    assert [e.provider_id for e in webb.day(DAY).entries] == []  # Dr. Chen's patients: not shown
    assert [e.provider_id for e in webb.day(DAY, by_room=True).entries] == []
    with pytest.raises(ScheduleError, match="your own column"):
        webb.week(practice.provider, DAY)
    assistant = Staff.create(name="Al Assist", initials="AA", role=Role.STAFF).id
    assert book_of(assistant).providers() == []  # sees no patients: no column
    assert book_of(None).providers() == []  # no one logged in: nothing
    everyone = {"Dr. Pat Chen", "Dr. Lou Webb"}
    assert {name for _, name in book_of(practice.desk).providers()} == everyone
    assert len(book_of(practice.desk).day(DAY).entries) == len(practice.appointments)
    assert {name for _, name in book_of(ADMINISTRATOR).providers()} == everyone


def test_no_one_logged_in_is_refused_a_booking(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    nobody = Book(database, clock, settings.load(database), staff_id=None)
    with pytest.raises(ScheduleError, match="Log in first"):
        nobody.book(practice.patients["eve"], local(14, 0), 15, practice.provider)
    with pytest.raises(ScheduleError, match="Log in first"):
        types.add_reason(database, None, "Car trouble")


def test_the_new_patients_stat_follows_the_types_flag(
    database: Database, book: Book, flow: Flow, practice: Practice, clock: FrozenClock
) -> None:
    consult = types.add_type(database, ADMINISTRATOR, "Consult", 60, "C", new_patient=True)
    made = book.book(
        practice.patients["eve"], local(10, 30), 60, practice.other_provider, consult.id
    )
    assert Appointment.get_by_id(made.appointment_id).type_id == consult.id
    for _ in range(3):  # arrived, roomed, with the provider
        flow.advance(practice.row(flow, "eve"))
    start, end = settings.load(database).day_bounds(DAY)
    assert flow_figures(start, end)["new_patients"] == 1
    types.edit_type(database, ADMINISTRATOR, consult.id, new_patient=False)
    assert flow_figures(start, end)["new_patients"] == 0


def test_two_terminals_booking_one_slot_the_second_is_asked(
    database: Database, practice: Practice, clock: FrozenClock, book: Book
) -> None:
    other = Book(database, clock, settings.load(database), staff_id=practice.desk)
    book.book(practice.patients["eve"], local(14, 0), 15, practice.provider)
    with pytest.raises(NeedsConsent):
        other.book(practice.patients["gus"], local(14, 0), 15, practice.provider)
    assert Appointment.select().where(Appointment.start == utc_naive(local(14, 0))).count() == 1


def test_two_terminals_booking_one_slot_at_once_one_is_asked(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    """Two threads (two connections, as two terminals) book the same slot at the same
    moment: writes are serialised, so exactly one books it and the other is asked."""
    import threading

    results: dict[str, str] = {}
    ready = threading.Barrier(2)

    def terminal(who: str) -> None:
        desk = Book(database, clock, settings.load(database), staff_id=practice.desk)
        ready.wait()
        try:
            with database.connection_context():
                desk.book(practice.patients[who], local(14, 0), 15, practice.provider)
            results[who] = "booked"
        except NeedsConsent as asked:
            results[who] = asked.consent

    threads = [threading.Thread(target=terminal, args=(who,)) for who in ("eve", "gus")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == sorted(["booked", DOUBLE_BOOK])
    assert Appointment.select().where(Appointment.start == utc_naive(local(14, 0))).count() == 1


def test_cancelled_and_missed_in_the_book_count_in_the_stats(
    database: Database, book: Book, practice: Practice
) -> None:
    start, end = settings.load(database).day_bounds(DAY)
    before = flow_figures(start, end)
    fay = book.entry(practice.appointments["fay"])
    book.cancel(fay.id, fay.version, types.cancel_reasons()[0][0])
    ann = book.entry(practice.appointments["ann"])
    book.mark_missed(ann.id, ann.version)
    after = flow_figures(start, end)
    assert after["cancellations"] == (before["cancellations"] or 0) + 1
    assert after["no_shows"] == (before["no_shows"] or 0) + 1


def test_a_patient_merged_away_meanwhile_is_not_booked(
    database: Database, book: Book, practice: Practice
) -> None:
    """Another terminal merged the record while this one was booking it: refused, said why."""
    from db.models import Patient

    Patient.update(merged_into=practice.patients["gus"], active=False).where(
        Patient.id == practice.patients["eve"]
    ).execute()
    with pytest.raises(ScheduleError, match="merged into Gus Grant"):
        book.book(practice.patients["eve"], local(14, 0), 15, practice.provider)


def test_a_double_booking_ended_leaves_the_other_alone_again(
    book: Book, practice: Practice
) -> None:
    first = book.book(practice.patients["eve"], local(14, 0), 30, practice.provider)
    second = book.book(
        practice.patients["gus"], local(14, 15), 30, practice.provider, consent={DOUBLE_BOOK}
    )
    seen = book.entry(second.appointment_id)
    book.move(seen.id, seen.version, local(15, 0))
    assert not book.entry(first.appointment_id).double_booked
    assert not book.entry(second.appointment_id).double_booked
    seen = book.entry(second.appointment_id)
    book.move(seen.id, seen.version, local(14, 0), consent={DOUBLE_BOOK})
    assert book.entry(first.appointment_id).double_booked
    seen = book.entry(second.appointment_id)
    book.cancel(seen.id, seen.version, types.cancel_reasons()[0][0])
    assert not book.entry(first.appointment_id).double_booked
