"""The demo practice's call lists: every list shows something — tomorrow's confirmations
(the demo's book has them, some confirmed already), a recall list (patients last seen
half a year to two years ago, a few called already, one booked back this week), a few
unscheduled (cancelled or missed lately, not booked again), and an ASAP patient whom a
slot freed tomorrow morning fits. The Reactivations stat is counted from the recall
list, no longer typed. Made once, through the lists' own operations where there is one."""

from __future__ import annotations

import datetime as dt
import random

from peewee import Database

from db.models import (
    Appointment,
    AsapRequest,
    CallContact,
    CancelReason,
    Patient,
    Staff,
    Stat,
    StatSource,
    utc_naive,
)
from om_tui.practice.calls.contacts import RECALL, Calls
from om_tui.practice.clock import Clock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule.types import appointment_types
from om_tui.practice.settings import PracticeSettings
from om_tui.practice.stats.service import Stats

SEED = 20261214
RECALLED = 24


def open_demo_calls(database: Database, clock: Clock, practice: PracticeSettings) -> None:
    if CallContact.select().exists() or AsapRequest.select().exists():
        return
    rng = random.Random(SEED)
    now = clock.now()
    today = practice.today(now)
    today_starts = utc_naive(practice.day_bounds(today)[0])
    providers = [s.id for s in Staff.select().where(Staff.provider == True)]  # noqa: E712
    kinds = [k.id for k in appointment_types()]
    if not providers or not kinds:
        return
    booked = {
        a.patient_id
        for a in Appointment.select(Appointment.patient).where(
            Appointment.start >= today_starts, Appointment.cancelled_at.is_null()
        )
    }
    seen_lately = {
        a.patient_id
        for a in Appointment.select(Appointment.patient).where(
            Appointment.start >= utc_naive(now - dt.timedelta(days=150))
        )
    }
    free = [
        p.id
        for p in Patient.select(Patient.id).where(Patient.active == True).order_by(Patient.id)  # noqa: E712
        if p.id not in booked and p.id not in seen_lately
    ]
    rng.shuffle(free)
    calls = Calls(database, clock, practice, ADMINISTRATOR)

    def at(days_ago: int, hour: int) -> dt.datetime:
        day = today - dt.timedelta(days=days_ago)
        local = dt.datetime.combine(day, dt.time(hour), tzinfo=practice.zone)
        return local.astimezone(dt.UTC)

    with database.atomic():
        recalled = free[:RECALLED]
        for number, patient in enumerate(recalled):
            Appointment.create(
                patient=patient,
                provider=rng.choice(providers),
                start=utc_naive(at(rng.randrange(190, 700), rng.randrange(8, 17))),
                length_minutes=15,
                type=kinds[min(1, len(kinds) - 1)],
            )
            if number % 5 == 1:
                calls.log(patient, RECALL, "left_message")
        broken = free[RECALLED : RECALLED + 4]
        reason = CancelReason.select().order_by(CancelReason.position).first()
        for number, patient in enumerate(broken):
            # Two days ago (the list's default wait), in this stats week where it can
            # be: the weeks already judged keep their figures.
            start = at(2, 9 + 2 * number)
            Appointment.create(
                patient=patient,
                provider=rng.choice(providers),
                start=utc_naive(start),
                length_minutes=15,
                type=kinds[min(1, len(kinds) - 1)],
                cancelled_at=utc_naive(start - dt.timedelta(hours=1)) if number % 2 else None,
                cancel_reason=reason.id if number % 2 and reason is not None else None,
                missed_at=None if number % 2 else utc_naive(start + dt.timedelta(minutes=30)),
            )
        weeks = Stats(database, clock, practice, ADMINISTRATOR).weeks
        since = weeks.bounds(weeks.week_of_day(today))[0]
        _reactivated(rng, free[RECALLED + 4 :], providers, kinds, since, now, practice)
    _asap(calls, practice, today)
    Stat.update(source=StatSource.COMPUTED, computed="reactivations").where(
        Stat.short_name == "reactivations"
    ).execute()
    # The weeks the broken appointments (no-shows, cancellations) and this week's
    # reactivations fall in, counted again.
    stats = Stats(database, clock, practice, ADMINISTRATOR)
    for week in sorted({stats.weeks.week_of_day(today - dt.timedelta(days=n)) for n in (0, 2)}):
        stats.recompute(week)


def _reactivated(
    rng: random.Random,
    patients: list[int],
    providers: list[int],
    kinds: list[int],
    since: dt.datetime,
    now: dt.datetime,
    practice: PracticeSettings,
) -> None:
    """This week's bookings made from the recall list so far (one or two a day): what
    the Reactivations stat counts from now on. Each is booked a few days ahead, on a
    weekday, within office hours."""
    waiting = iter(patients)
    day = since + dt.timedelta(hours=15)
    while day < now:
        when, day = day, day + dt.timedelta(days=1)
        for _ in range(rng.choice((1, 1, 2))):
            patient = next(waiting, None)
            if patient is None:
                return
            made = Appointment.create(
                patient=patient,
                provider=rng.choice(providers),
                start=utc_naive(_weekday_morning(rng, when, practice)),
                length_minutes=15,
                type=kinds[min(1, len(kinds) - 1)],
                booked_at=utc_naive(when),
            )
            CallContact.create(
                patient=patient, listed=RECALL, outcome="booked", at=utc_naive(when), booked=made.id
            )


def _weekday_morning(
    rng: random.Random, booked: dt.datetime, practice: PracticeSettings
) -> dt.datetime:
    """A visit one to seven days after `booked`, on a weekday, between 9 and 12."""
    day = practice.today(booked) + dt.timedelta(days=rng.randrange(1, 8))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    local = dt.time(rng.randrange(9, 12), rng.choice((0, 15, 30, 45)))
    return dt.datetime.combine(day, local, tzinfo=practice.zone).astimezone(dt.UTC)


def _asap(calls: Calls, practice: PracticeSettings, today: dt.date) -> None:
    """A patient booked late next week who wants a morning sooner; a morning slot
    tomorrow is cancelled, and fits."""
    tomorrow_starts = utc_naive(practice.day_bounds(today + dt.timedelta(days=1))[0])
    coming = list(
        Appointment.select()
        .where(Appointment.start >= tomorrow_starts, Appointment.cancelled_at.is_null())
        .order_by(Appointment.start)
    )
    if len(coming) < 10:
        return
    later, freed = coming[-1], coming[0]
    if later.patient_id == freed.patient_id:
        return
    calls.add_asap(later.patient_id, None, range(5), dt.time(7, 0), dt.time(13, 0))
    reason = CancelReason.select().order_by(CancelReason.position).first()
    if reason is not None:
        calls.book.cancel(freed.id, freed.version, reason.id)
