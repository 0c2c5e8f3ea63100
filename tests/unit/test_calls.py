"""The front desk's call lists: confirmations, recall, unscheduled, ASAP, the contact
log, and what they count — on hand-made patients in the fixture practice (Wednesday
18 November 2026, 10:00 in New York)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from peewee import Database

from db.models import (
    Appointment,
    AsapRequest,
    CallContact,
    CancelReason,
    Patient,
    Staff,
    StatSource,
    StatValue,
    utc_naive,
)
from om_tui.practice import settings
from om_tui.practice.calls import rules
from om_tui.practice.calls.asap import FreedWatch, asap_count, asap_list
from om_tui.practice.calls.confirmations import (
    confirmation_list,
    confirmation_rate,
    next_open_day,
    to_confirm,
)
from om_tui.practice.calls.contacts import RECALL, CallError, Calls
from om_tui.practice.calls.figures import call_counts, call_figures
from om_tui.practice.calls.recall import RecallRow, recall_list, recall_page
from om_tui.practice.calls.unscheduled import unscheduled_list
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule.access import StaleAppointment
from om_tui.practice.schedule.book import Book
from om_tui.practice.schedule.patients import PatientRecords
from om_tui.practice.schedule.types import statuses, type_named
from om_tui.practice.settings import SettingError

from .practice_fixture import DAY, Practice, local

TOMORROW = DAY + dt.timedelta(days=1)


def calls_of(database: Database, clock: FrozenClock, staff_id: int) -> Calls:
    return Calls(database, clock, settings.load(database), staff_id)


def new_patient(first: str, last: str = "Test") -> int:
    return int(
        Patient.create(
            first_name=first,
            last_name=last,
            phone="555-0199",
            chart_number=f"{first}-{last}",
            created=utc_naive(local(8, 0) - dt.timedelta(days=900)),
        ).id
    )


def seen(patient: int, days_ago: int, kind: str = "Regular", provider: int | None = None) -> int:
    """A kept appointment `days_ago` days before the fixture's day, at 9:00."""
    start = local(9, 0, day=DAY - dt.timedelta(days=days_ago))
    made = Appointment.create(
        patient=patient, provider=provider, start=utc_naive(start), type=type_named(kind).id
    )
    return int(made.id)


def status_named(name: str) -> int:
    return next(s.id for s in statuses() if s.name == name)


# -- confirmations -------------------------------------------------------------------


def test_tomorrows_list_is_worst_first_and_a_key_confirms_with_the_call_logged(
    database: Database, practice: Practice, clock: FrozenClock, book: Book
) -> None:
    eve, gus = practice.patients["eve"], practice.patients["gus"]
    book.book(eve, local(9, 0, day=TOMORROW), 15, practice.provider)
    book.book(gus, local(11, 0, day=TOMORROW), 15, practice.provider)
    loaded = settings.load(database)
    assert next_open_day(loaded, DAY) == TOMORROW
    rows = confirmation_list(loaded, TOMORROW)
    assert [r.name for r in rows] == ["Eve Evans", "Gus Grant"]
    assert confirmation_rate(rows) == 0.0
    calls = calls_of(database, clock, practice.desk)
    first = rows[0]
    calls.set_confirmation(first.appointment_id, first.version, status_named("Confirmed"))
    rows = confirmation_list(loaded, TOMORROW)
    assert [(r.name, r.status) for r in rows] == [
        ("Gus Grant", "Unconfirmed"),
        ("Eve Evans", "Confirmed"),
    ]
    assert rows[1].last_call.startswith("Confirmed Wed 10:00")
    assert confirmation_rate(rows) == 50.0
    gone = book.book(practice.patients["ann"], local(10, 0, day=TOMORROW), 15, practice.provider)
    book.cancel(gone.appointment_id, book.entry(gone.appointment_id).version, 1)
    assert to_confirm(loaded, TOMORROW) == 1  # counted without the rows: Gus, not Ann's
    contact = CallContact.get()
    assert (contact.patient_id, contact.outcome, contact.by_id) == (eve, "confirmed", practice.desk)
    # The same row as it was seen before: changed since, so refused, nothing logged.
    with pytest.raises(StaleAppointment):
        calls.set_confirmation(first.appointment_id, first.version, status_named("Left message"))
    assert CallContact.select().count() == 1


def test_only_the_front_desk_and_the_managers_log_calls(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    provider_on_staff = calls_of(database, clock, practice.other_provider)
    with pytest.raises(CallError, match="Only the front desk"):
        provider_on_staff.log(practice.patients["ann"], RECALL, "called")
    assert CallContact.select().count() == 0


# -- recall --------------------------------------------------------------------------


def test_recall_lists_the_overdue_without_a_booking_by_their_visits_type(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    overdue = new_patient("Olive")
    seen(overdue, 400)
    seen(overdue, 200)  # the last visit: 200 days ago, past the default 180
    recent = new_patient("Rita")
    seen(recent, 100)
    booked = new_patient("Bert")
    seen(booked, 300)
    Appointment.create(patient=booked, start=utc_naive(local(9, 0, day=TOMORROW)))
    reexam = new_patient("Rex")
    seen(reexam, 90, "Re-exam")
    long_gone = new_patient("Gone")
    seen(long_gone, 1000)  # beyond the look-back
    loaded = settings.load(database)

    def listed() -> list[str]:
        rows = recall_list(database, loaded, rules.load_rules(database), DAY)
        return [r.name for r in rows]

    assert listed() == ["Olive Test"]
    rules.set_recall_days(database, type_named("Re-exam").id, 60, by=ADMINISTRATOR)
    assert listed() == ["Rex Test", "Olive Test"]  # Rex is due since 30 days, Olive 20


def test_recall_reads_the_book_as_each_change_left_it(
    database: Database, practice: Practice, clock: FrozenClock, book: Book
) -> None:
    """Nothing is stored apart from the appointments: a later visit cancelled or marked
    missed (and the mark taken back), a record merged or made inactive — the list says
    what the book says now."""
    loaded = settings.load(database)
    olive, twin = new_patient("Olive"), new_patient("Olive", "Twin")
    seen(olive, 200)
    came = seen(olive, 20)  # came in 20 days ago: not due
    seen(twin, 300)

    def listed() -> list[str]:
        return [r.name for r in recall_list(database, loaded, rules.load_rules(database), DAY)]

    assert listed() == ["Olive Twin"]
    reason = CancelReason.select().first().id
    book.cancel(came, book.entry(came).version, reason)
    assert listed() == ["Olive Twin", "Olive Test"]  # the last visit is 200 days ago again
    lately = seen(olive, 10)
    assert listed() == ["Olive Twin"]
    book.mark_missed(lately, book.entry(lately).version)
    assert listed() == ["Olive Twin", "Olive Test"]
    book.mark_missed(lately, book.entry(lately).version, missed=False)
    assert listed() == ["Olive Twin"]
    records = PatientRecords(database, clock, loaded, practice.desk)
    records.merge(records.record(olive), records.record(twin))  # the twin's visit moves over
    assert listed() == []
    Appointment.delete().where(Appointment.id == lately).execute()
    assert listed() == ["Olive Test"]  # (the twin's record, merged away, is not listed)
    Patient.update(active=False).where(Patient.id == olive).execute()
    assert listed() == []


def test_a_resting_patients_next_call_falls_on_a_day_the_practice_is_open(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    """Called on a Wednesday with four days between calls: not "Sun", but Monday."""
    assert DAY.weekday() == 2
    rules.set_rule(database, rules.SPACING_DAYS, 4, by=ADMINISTRATOR)
    olive = new_patient("Olive")
    seen(olive, 200)
    calls_of(database, clock, practice.desk).log(olive, RECALL, "left_message")
    (row,) = recall_list(database, settings.load(database), rules.load_rules(database), DAY)
    assert row.again_on == DAY + dt.timedelta(days=5)
    assert row.again_on.weekday() == 0


def test_recall_spacing_rests_a_patient_and_gives_up_after_the_tries(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    olive = new_patient("Olive")
    seen(olive, 200)
    loaded = settings.load(database)
    calls = calls_of(database, clock, practice.desk)

    def row_on(day: dt.date) -> RecallRow | None:
        rows = recall_list(database, loaded, rules.load_rules(database), day)
        return rows[0] if rows else None

    calls.log(olive, RECALL, "left_message")
    resting = row_on(DAY)
    assert resting is not None
    assert (resting.to_call, resting.again_on, resting.tries) == (False, DAY + dt.timedelta(7), 1)
    again = row_on(DAY + dt.timedelta(days=7))
    assert again is not None and again.to_call
    for _ in range(2):
        clock.advance(days=7)
        calls.log(olive, RECALL, "called")
    assert row_on(DAY + dt.timedelta(days=30)) is None  # three tries: given up


def test_do_not_contact_takes_a_patient_off_and_refuses_a_call(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    olive = new_patient("Olive")
    seen(olive, 200)
    calls = calls_of(database, clock, practice.desk)
    calls.log(olive, RECALL, "do_not_contact")
    assert recall_list(database, settings.load(database), rules.load_rules(database), DAY) == []
    with pytest.raises(CallError, match="asked not to be contacted"):
        calls.log(olive, RECALL, "called")


def test_a_call_logged_at_once_on_two_terminals_is_two_rows_and_one_try(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    olive = new_patient("Olive")
    seen(olive, 200)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def terminal() -> None:
        # Each thread has a connection of its own, as each terminal has.
        try:
            with database.connection_context():
                start.wait()
                calls_of(database, clock, practice.desk).log(olive, RECALL, "called")
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=terminal) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CallContact.select().where(CallContact.patient == olive).count() == 2
    rows = recall_list(database, settings.load(database), rules.load_rules(database), DAY)
    assert rows[0].tries == 1


def test_a_page_of_the_recall_list_is_the_full_lists_first_rows_with_its_counts(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    """The store pages and counts the list: every page is the first rows of the whole
    list, in the same order, with the same counts — across types with their own
    intervals, resting patients, those given up on and calls from before a last visit."""
    rules.set_recall_days(database, type_named("Re-exam").id, 60, by=ADMINISTRATOR)
    due = {}  # name → days overdue
    for name, days_ago, kind in (
        ("Cora", 300, "Regular"), ("Bea", 100, "Re-exam"), ("Gil", 210, "Regular"),
        ("Ada", 200, "Regular"), ("Fay", 70, "Re-exam"), ("Dot", 250, "Regular"),
        ("Eli", 260, "Regular"), ("Hal", 100, "Regular"), ("Ivy", 400, "Regular"),
    ):  # fmt: skip
        due[name] = new_patient(name)
        seen(due[name], days_ago, kind)
    seen(due["Gil"], 400)  # an older visit, and a call before the last: no try
    calls = calls_of(database, clock, practice.desk)

    def call_on(name: str, days_ago: int, outcome: str = "called") -> None:
        clock.set(local(11, 0, day=DAY - dt.timedelta(days=days_ago)))
        calls.log(due[name], RECALL, outcome)

    call_on("Gil", 300)
    call_on("Fay", 10)  # called once, 10 days ago: to call again (7 days apart)
    for days_ago in (30, 20, 10):
        call_on("Eli", days_ago, "left_message")  # three tries: given up
    call_on("Ivy", 5, "do_not_contact")
    clock.set(local(10, 0))
    call_on("Dot", 0)  # called today: resting
    loaded, rules_now = settings.load(database), rules.load_rules(database)
    everyone = recall_list(database, loaded, rules_now, DAY)
    assert [(r.name, (DAY - r.due).days, r.tries, r.to_call) for r in everyone] == [
        ("Cora Test", 120, 0, True),
        ("Bea Test", 40, 0, True),
        ("Gil Test", 30, 0, True),
        ("Ada Test", 20, 0, True),
        ("Fay Test", 10, 1, True),
        ("Dot Test", 70, 1, False),  # resting: after the others, however overdue
    ]
    for shown in range(len(everyone) + 2):
        page = recall_page(database, loaded, rules_now, DAY, shown)
        assert (page.rows, page.due, page.to_call) == (everyone[:shown], 6, 5)


# -- unscheduled ---------------------------------------------------------------------


def test_a_cancellation_not_rebooked_in_the_practices_days_is_unscheduled(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    loaded = settings.load(database)
    ann = practice.appointments["ann"]
    desk = Book(database, clock, loaded, practice.desk)
    clock.set(local(8, 0, day=DAY - dt.timedelta(days=3)))
    seen_then = desk.entry(ann)
    reason = 1
    desk.cancel(ann, seen_then.version, reason)
    clock.set(local(10, 0))
    rows = unscheduled_list(loaded, rules.load_rules(database), clock.now())
    assert [(r.name, r.why) for r in rows] == [("Ann Able", "Patient cancelled")]
    rules.set_rule(database, rules.UNSCHEDULED_DAYS, 5, by=ADMINISTRATOR)
    assert unscheduled_list(loaded, rules.load_rules(database), clock.now()) == []
    rules.set_rule(database, rules.UNSCHEDULED_DAYS, 2, by=ADMINISTRATOR)
    calls = calls_of(database, clock, practice.desk)
    calls.book_from_list(
        practice.patients["ann"], "unscheduled", local(14, 0, day=TOMORROW), 15, practice.provider
    )
    assert unscheduled_list(loaded, rules.load_rules(database), clock.now()) == []


def test_settings_out_of_range_are_refused_and_read_as_the_default(
    database: Database, practice: Practice
) -> None:
    with pytest.raises(SettingError, match="from 1 to 20"):
        rules.set_rule(database, rules.MOST_TRIES, 0, by=ADMINISTRATOR)
    with pytest.raises(SettingError, match="from 7 to 1825"):
        rules.set_recall_days(database, None, 3, by=ADMINISTRATOR)
    settings.put(database, rules.MOST_TRIES, "999")
    settings.put(database, rules.RECALL_DAYS, '{"default": -4, "x": 3}')
    loaded = rules.load_rules(database)
    assert (loaded.most_tries, loaded.recall_default, loaded.recall_by_type) == (3, 180, {})


# -- ASAP ----------------------------------------------------------------------------


def test_a_freed_slot_is_offered_to_who_fits_and_booked_in_one_step(
    database: Database, practice: Practice, clock: FrozenClock, book: Book
) -> None:
    loaded = settings.load(database)
    eve = practice.patients["eve"]
    later = book.book(eve, local(9, 0, day=DAY + dt.timedelta(days=14)), 15, practice.provider)
    calls = calls_of(database, clock, practice.desk)
    calls.add_asap(eve, None, [3], dt.time(8, 0), dt.time(12, 0))  # Thursdays, mornings
    fussy = new_patient("Fussy")
    calls.add_asap(fussy, practice.other_provider)  # another provider only
    watch = FreedWatch(loaded, clock.now())
    gus = book.book(practice.patients["gus"], local(10, 0, day=TOMORROW), 15, practice.provider)
    assert watch.check(clock.now()) == []  # a booking frees nothing
    book.cancel(gus.appointment_id, book.entry(gus.appointment_id).version, 1)
    news = watch.check(clock.now())
    assert [(slot.start, [r.name for r in fitting]) for slot, fitting in news] == [
        (local(10, 0, day=TOMORROW), ["Eve Evans"])
    ]
    assert watch.check(clock.now()) == []  # told once
    row = asap_list(loaded, clock.now())[0]
    assert row.fits is not None and row.name == "Eve Evans"
    assert row.wants == "Thu 08:00–12:00"  # any provider: said by saying none
    other = Staff.get_by_id(practice.other_provider).name
    assert asap_list(loaded, clock.now())[1].wants == f"{other} · any day any time"
    done = calls.book_asap(row.request_id, row.fits.start, row.fits.minutes, row.fits.provider_id)
    assert done.appointment_id == later.appointment_id  # her appointment, moved earlier
    assert book.entry(later.appointment_id).start == local(10, 0, day=TOMORROW)
    assert [r.name for r in asap_list(loaded, clock.now())] == ["Fussy Test"]
    assert asap_count() == 1  # Eve's request ended with her booking
    assert AsapRequest.get(AsapRequest.patient == eve).booked_id == later.appointment_id


def test_a_patient_merged_while_on_a_list_is_followed_to_the_record_kept(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    loaded = settings.load(database)
    calls = calls_of(database, clock, practice.desk)
    twin = new_patient("Eve", "Evans")
    calls.add_asap(twin)
    calls.add_asap(practice.patients["eve"])
    records = PatientRecords(database, clock, loaded, practice.desk)
    records.merge(records.record(practice.patients["eve"]), records.record(twin))
    assert [r.name for r in asap_list(loaded, clock.now())] == ["Eve Evans"]  # one row
    assert asap_count() == 1
    said = calls.log(twin, "asap", "called")  # the screen still showed the twin
    assert "merged" in said
    assert CallContact.get().patient_id == practice.patients["eve"]


# -- what the lists count ------------------------------------------------------------


def test_a_recall_booked_from_the_list_counts_as_a_reactivation(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    olive = new_patient("Olive")
    seen(olive, 200)
    loaded = settings.load(database)
    assert call_counts(database, clock, loaded).recall == 1
    week = (local(0, 0, day=DAY - dt.timedelta(days=2)), local(0, 0, day=DAY + dt.timedelta(5)))
    assert call_figures(*week)["reactivations"] == 0
    calls = calls_of(database, clock, practice.desk)
    calls.book_from_list(olive, RECALL, local(15, 0, day=TOMORROW), 15, practice.provider)
    assert call_figures(*week)["reactivations"] == 1
    assert call_counts(database, clock, loaded).recall == 0


def test_the_reactivations_stat_is_counted_not_typed(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    from om_tui.practice.stats.service import Stats

    from .stats_fixture import define

    stats = Stats(database, clock, settings.load(database), ADMINISTRATOR)
    stat = define(stats, "reactivations", StatSource.COMPUTED, computed="reactivations")
    rate = define(stats, "confirmed", StatSource.COMPUTED, computed="confirmation_rate", unit="%")
    olive = new_patient("Olive")
    seen(olive, 200)
    calls_of(database, clock, practice.desk).book_from_list(
        olive, RECALL, local(15, 0, day=TOMORROW), 15, practice.provider
    )
    figures = stats.recompute()
    assert figures["reactivations"] == 1
    stored = StatValue.get(StatValue.stat == stat.id, StatValue.period == "week")
    assert stored.value == 1
    assert StatValue.get(StatValue.stat == rate.id).value == 0.0  # none confirmed this week
