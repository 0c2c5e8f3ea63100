"""The unscheduled list: appointments cancelled or missed, whose patient has not booked
again within the practice's days (rules.py) — nothing booked from the broken
appointment's time on, no visit since. One row a patient (their latest broken
appointment), worst first: the longest unrebooked. Looked for over the last
`LOOK_BACK_DAYS`; older ones are the recall list's. Those who asked not to be contacted,
and records inactive or merged away, are not listed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from db.models import Appointment, CallContact, CancelReason, Patient, Setting, as_utc, utc_naive
from om_tui.practice.calls.contacts import do_not_contact
from om_tui.practice.calls.rules import CallRules
from om_tui.practice.changes import tables_of
from om_tui.practice.settings import PracticeSettings

UNSCHEDULED_TABLES = tables_of(Appointment, CallContact, CancelReason, Patient, Setting)
"""What the unscheduled list is read from (`unscheduled_list`)."""

LOOK_BACK_DAYS = 90


@dataclass(frozen=True)
class UnscheduledRow:
    appointment_id: int
    patient_id: int
    name: str
    phone: str
    start: dt.datetime  # the broken appointment's, UTC aware
    type_id: int | None
    provider_id: int | None
    why: str  # "Missed", or the cancellation's reason
    broken_on: dt.date


def unscheduled_list(
    practice: PracticeSettings, rules: CallRules, now: dt.datetime
) -> list[UnscheduledRow]:
    today = practice.today(now)
    since = practice.day_bounds(today - dt.timedelta(days=LOOK_BACK_DAYS))[0]
    listed_before = practice.day_bounds(today - dt.timedelta(days=rules.unscheduled_days))[1]
    latest: dict[int, Appointment] = {}
    # Cancelled, then missed: two queries, each on its own index (an OR of the two
    # would read the whole book).
    broken = [
        appointment
        for column in (Appointment.cancelled_at, Appointment.missed_at)
        for appointment in (
            Appointment.select(Appointment, Patient, CancelReason)
            .join(Patient)
            .switch(Appointment)
            .join(CancelReason, join_type=JOIN.LEFT_OUTER)
            .where(column >= utc_naive(since), column < utc_naive(listed_before))
        )
        # Records inactive or merged away: left out here, not in SQL, where they would
        # draw the planner into reading every patient.
        if appointment.patient.active and appointment.patient.merged_into_id is None
    ]
    for appointment in sorted(broken, key=lambda a: (a.start, a.id)):
        latest[appointment.patient_id] = appointment
    if not latest:
        return []
    today_starts = utc_naive(practice.day_bounds(today)[0])
    earliest = min(min(a.start for a in latest.values()), today_starts)
    kept: dict[int, list[dt.datetime]] = {}
    for later in Appointment.select(
        Appointment.patient, Appointment.start, Appointment.cancelled_at, Appointment.missed_at
    ).where(Appointment.patient.in_(list(latest)), Appointment.start > earliest):
        if later.cancelled_at is None and later.missed_at is None:  # see asap.freed_slots
            kept.setdefault(later.patient_id, []).append(later.start)
    unwilling = do_not_contact(list(latest))
    rows = []
    for patient_id, appointment in latest.items():
        if patient_id in unwilling:
            continue
        rebooked_from = min(appointment.start, today_starts)
        if any(start > rebooked_from for start in kept.get(patient_id, [])):
            continue  # booked again (or came in) since
        when = appointment.missed_at or appointment.cancelled_at
        assert when is not None  # the query's
        reason = appointment.cancel_reason
        why = (
            "Missed"
            if appointment.missed_at is not None
            else (str(reason.text) if reason is not None else "Cancelled")
        )
        rows.append(
            UnscheduledRow(
                appointment.id,
                patient_id,
                appointment.patient.full_name,
                appointment.patient.phone,
                as_utc(appointment.start),
                appointment.type_id,
                appointment.provider_id,
                why,
                practice.local(as_utc(when)).date(),
            )
        )
    rows.sort(key=lambda r: (r.broken_on, r.name))
    return rows
