"""Figures the flow (and the book, and hiring) already know: the stats om-tui counts."""

from __future__ import annotations

import datetime as dt
from statistics import fmean

from peewee import JOIN

from db.models import (
    Appointment,
    AppointmentType,
    Stage,
    Visit,
    VisitEvent,
    utc_naive,
)
from om_tui.practice.stats.board import _rows

COMPUTED: dict[str, str] = {
    "visits": "Patient visits (seen by a provider)",
    "new_patients": "New patients seen",
    "no_shows": "No-shows",
    "cancellations": "Cancellations",
    "average_wait": "Average wait, arrived → roomed (minutes)",
    "average_visit_length": "Average visit, arrived → done (minutes)",
}


HIRING_FIGURES: dict[str, str] = {
    "applicants": "Applicants (hiring)",
    "interviews": "Interviews (hiring)",
    "hires": "Hires (hiring)",
}
"""Figures counted from hiring's candidates (om_tui/practice/org/hiring_counts.py), weekly."""


CALL_FIGURES: dict[str, str] = {
    "reactivations": "Reactivations (booked from the recall list)",
    "confirmation_rate": "Appointments confirmed (%)",
}
"""Figures counted from the front desk's call lists (om_tui/practice/calls/figures.py), weekly."""


def flow_figures(start: dt.datetime, end: dt.datetime) -> dict[str, float | None]:
    """Every computed figure for [start, end), counted from visit events (undone ones not)."""
    events = _rows(
        VisitEvent.select(
            VisitEvent.visit, VisitEvent.stage, VisitEvent.at, AppointmentType.new_patient
        )
        .join(Visit)
        .join(Appointment, JOIN.LEFT_OUTER)
        .join(AppointmentType, JOIN.LEFT_OUTER)
        .where(
            VisitEvent.at >= utc_naive(start),
            VisitEvent.at < utc_naive(end),
            VisitEvent.undone_at.is_null(),
        )
        .tuples()
    )
    seen: set[int] = set()
    new_seen: set[int] = set()
    counted = {Stage.NO_SHOW: 0, Stage.CANCELLED: 0}
    roomed: dict[int, dt.datetime] = {}
    done: dict[int, dt.datetime] = {}
    for visit, stage, at, new_patient in events:
        if stage == Stage.WITH_PROVIDER:
            seen.add(visit)
            if new_patient:  # the appointment's type counts as a new patient
                new_seen.add(visit)
        elif stage in counted:
            counted[Stage(stage)] += 1
        elif stage == Stage.ROOMED:
            roomed[visit] = at
        elif stage == Stage.DONE:
            done[visit] = at
    arrived: dict[int, dt.datetime] = {}
    wanted = list(set(roomed) | set(done))
    for chunk in range(0, len(wanted), 500):
        for visit, at in _rows(
            VisitEvent.select(VisitEvent.visit, VisitEvent.at)
            .where(
                VisitEvent.visit.in_(wanted[chunk : chunk + 500]),
                VisitEvent.stage == Stage.ARRIVED,
                VisitEvent.undone_at.is_null(),
            )
            .tuples()
        ):
            arrived[visit] = at

    def average_minutes(ends: dict[int, dt.datetime]) -> float | None:
        spans = [(at - arrived[v]).total_seconds() / 60 for v, at in ends.items() if v in arrived]
        return round(fmean(spans), 1) if spans else None

    # The book's own: cancelled there, or marked missed there, and never on the board.
    never_came = (
        Appointment.select()
        .join(Visit, JOIN.LEFT_OUTER, on=(Visit.appointment == Appointment.id))
        .where(Visit.id.is_null())
    )
    cancelled = never_came.where(
        Appointment.cancelled_at >= utc_naive(start), Appointment.cancelled_at < utc_naive(end)
    ).count()
    missed = never_came.where(
        Appointment.missed_at >= utc_naive(start),
        Appointment.missed_at < utc_naive(end),
        Appointment.cancelled_at.is_null(),
    ).count()
    return {
        "visits": float(len(seen)),
        "new_patients": float(len(new_seen)),
        "no_shows": float(counted[Stage.NO_SHOW] + missed),
        "cancellations": float(counted[Stage.CANCELLED] + cancelled),
        "average_wait": average_minutes(roomed),
        "average_visit_length": average_minutes(done),
    }
