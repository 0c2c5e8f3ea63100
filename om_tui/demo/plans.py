"""The demo practice's care plans, in every pace: on pace, behind, nothing booked, and one
paused — laid on the demo's own visits and bookings (read, not invented), through the
plans' own operations, so the card, the book, the board and Falling off show something."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import cast

from peewee import Database, fn

from db.models import Appointment, CarePlan, Visit, utc_naive
from om_tui.practice.clock import Clock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.plans.pace import NOT_KEPT
from om_tui.practice.plans.plans import CarePlans
from om_tui.practice.settings import PracticeSettings

EACH = 4
"""Plans of each pace, at most."""


def open_demo_plans(database: Database, clock: Clock, practice: PracticeSettings) -> None:
    """Once: plans for patients whose visits and bookings give each pace."""
    if CarePlan.select().exists():
        return
    plans = CarePlans(database, clock, practice, ADMINISTRATOR)
    today = plans.today()
    since = today - dt.timedelta(weeks=2)
    counted = (
        Visit.select(Visit.patient, fn.COUNT(Visit.id))
        .where(Visit.date >= since, Visit.date < today, Visit.stage.not_in(NOT_KEPT))
        .group_by(Visit.patient)
        .tuples()
    )
    seen: dict[int, int] = dict(cast(Iterable[tuple[int, int]], counted))
    ahead = {
        a.patient_id
        for a in Appointment.select(Appointment.patient).where(
            Appointment.start >= utc_naive(clock.now()), Appointment.cancelled_at.is_null()
        )
    }
    # Two weeks of a practice open six days a week: once a week asks 2, three times 6.
    on_pace = [p for p, n in seen.items() if n >= 2 and p in ahead][:EACH]
    behind = [p for p, n in seen.items() if n < 6 and p in ahead and p not in on_pace][:EACH]
    none_booked = [p for p in seen if p not in ahead][:EACH]
    with database.atomic():
        for patient in on_pace:
            plans.add(patient, "8x1 *x1", None, None, since)
        for patient in behind:
            plans.add(patient, "12x3 8x2 *x1", None, None, since)
        for patient in none_booked:
            plans.add(patient, "12x2 *x1", None, None, since)
        if none_booked:
            paused = plans.add(none_booked[-1], "6x1", None, None, since)
            plans.pause(paused.plan_id, 0, "Travelling for two weeks")
