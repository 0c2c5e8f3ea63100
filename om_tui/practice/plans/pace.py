"""Where each care plan stands: visits kept, expected by now, booked ahead, and its pace.

- Kept: the patient's visits on the board from the plan's first day (a no-show, a
  cancelled visit or one left without being seen is not kept); walk-ins count.
- Expected by now: what the plan's phases ask for over the open days before today
  (phases.py: holidays and the days the plan stood paused left out).
- Booked ahead: the patient's appointments from now on, neither cancelled nor missed.
- The pace: "none booked" when nothing is booked ahead (the front desk's first call),
  else "behind" when fewer visits were kept than expected, else "on pace". A paused or
  ended plan, or one whose visits are all kept, has no pace to keep.

Falling off: the active plans behind or with nothing booked, worst first — the most
visits short, then nothing booked, then the longest since the last visit.

Every plan of the practice is read in a few queries (plans; visits; appointments ahead;
holidays), so the whole list is quick on a large practice.

One idea, a plan's pace, kept whole: one plan's card and the whole practice's Falling off
list count the same way from the same rows, and reading them apart would let them drift.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple, cast

from peewee import JOIN, Database, fn

from db.models import (
    Appointment,
    AppointmentType,
    Blockout,
    CarePlan,
    CarePlanEvent,
    Patient,
    Staff,
    Stage,
    Visit,
    WorkingHours,
    as_utc,
    utc_naive,
)
from om_tui.practice.acting import Acting
from om_tui.practice.changes import tables_of
from om_tui.practice.clock import Clock
from om_tui.practice.plans.phases import Phase, expected_visits, read_phases, total_visits
from om_tui.practice.schedule.hours import Hours
from om_tui.practice.settings import PracticeSettings

PACE_TABLES = tables_of(
    Appointment,
    AppointmentType,
    Blockout,
    CarePlan,
    CarePlanEvent,
    Patient,
    Staff,
    Visit,
    WorkingHours,
)
"""What the care plans' standings are read from (a patient's plans, the falling-off list)."""

NOT_KEPT = (Stage.NO_SHOW.value, Stage.CANCELLED.value, Stage.LEFT.value)


class Pace(StrEnum):
    ON_PACE = "on pace"
    BEHIND = "behind"
    NONE_BOOKED = "none booked"
    PAUSED = "paused"
    ENDED = "ended"
    COMPLETE = "complete"


class State(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True)
class Standing:
    """One care plan as the screens show it, with its counts and pace."""

    plan_id: int
    version: int
    patient_id: int
    patient_name: str
    phone: str
    provider_id: int | None
    provider: str
    type_id: int | None
    type_name: str
    phases: tuple[Phase, ...]
    first_day: dt.date
    state: State
    paused_since: dt.date | None
    ended_on: dt.date | None
    kept: int
    expected: int
    booked_ahead: int
    next_visit: dt.datetime | None  # UTC
    last_visit: dt.date | None
    pace: Pace

    @property
    def short(self) -> int:
        """Visits short of the pace."""
        return max(0, self.expected - self.kept)

    @property
    def total(self) -> int | None:
        return total_visits(self.phases)

    @property
    def falling_off(self) -> bool:
        return self.pace in (Pace.BEHIND, Pace.NONE_BOOKED)

    @property
    def counts(self) -> str:
        """ "kept 5 of 20 · expected 7 · 2 booked ahead" """
        total = self.total
        kept = f"kept {self.kept}" + (f" of {total}" if total is not None else "")
        return f"{kept} · expected {self.expected} · {self.booked_ahead} booked ahead"

    @property
    def mark(self) -> str:
        """A few words for the board, the book and the card: "plan: behind 2"."""
        if self.pace == Pace.BEHIND:
            return f"plan: behind {self.short}"
        if self.pace == Pace.NONE_BOOKED and self.short:
            return f"plan: behind {self.short}, none booked"
        return f"plan: {self.pace}"


def worst_first(standing: Standing) -> tuple[int, bool, dt.date]:
    return (
        -standing.short,
        standing.pace != Pace.NONE_BOOKED,
        standing.last_visit or standing.first_day,
    )


class OpenDays:
    """The practice's open days over a stretch, counted at once (a running count)."""

    def __init__(self, settings: PracticeSettings, first: dt.date, last: dt.date) -> None:
        hours = Hours(settings)
        self.weekdays = sorted(d for d, stretches in hours.open.items() if stretches) or list(
            range(7)
        )
        self.first = first
        days = max(0, (last - first).days + 1)
        holidays = _holidays(settings, hours, first, last) if days else set()
        self.running = [0]
        for number in range(days):
            day = first + dt.timedelta(days=number)
            is_open = day.weekday() in self.weekdays and day not in holidays
            self.running.append(self.running[-1] + is_open)

    @property
    def a_week(self) -> int:
        return len(self.weekdays)

    def between(self, first: dt.date, last: dt.date) -> int:
        """Open days in [first, last] (within the stretch counted)."""
        if last < first:
            return 0
        start = min(max(0, (first - self.first).days), len(self.running) - 1)
        end = min(max(0, (last - self.first).days + 1), len(self.running) - 1)
        return self.running[end] - self.running[start]


def _holidays(
    settings: PracticeSettings, hours: Hours, first: dt.date, last: dt.date
) -> set[dt.date]:
    """Days whose open hours a practice-wide blockout covers whole."""
    start = settings.day_bounds(first)[0]
    end = settings.day_bounds(last)[1]
    blocks = [
        (as_utc(b.start), as_utc(b.end))
        for b in Blockout.select().where(
            Blockout.staff.is_null(),
            Blockout.start < utc_naive(end),
            Blockout.end > utc_naive(start),
        )
    ]
    found: set[dt.date] = set()
    for block_start, block_end in blocks:
        day = max(first, settings.local(block_start).date())
        while day <= last and settings.day_bounds(day)[0] < block_end:
            spans = hours.spans(None, day) or [settings.day_bounds(day)]
            if all(block_start <= a and b <= block_end for a, b in spans):
                found.add(day)
            day += dt.timedelta(days=1)
    return found


class Standings(Acting):
    """Care plans read with their counts and pace, at the clock's now."""

    def of_patient(self, patient_id: int) -> list[Standing]:
        """A patient's plans, the active first, then the newest."""
        found = self._standings(CarePlan.patient == patient_id)
        order = {State.ACTIVE: 0, State.PAUSED: 1, State.ENDED: 2}
        return sorted(found, key=lambda s: (order[s.state], -s.plan_id))

    def of_plan(self, plan_id: int) -> Standing | None:
        found = self._standings(CarePlan.id == plan_id)
        return found[0] if found else None

    def active(self) -> list[Standing]:
        """Every plan not ended."""
        return self._standings(CarePlan.state != State.ENDED.value)

    def falling_off(self) -> list[Standing]:
        """Active plans behind their pace or with nothing booked ahead, worst first."""
        return sorted((s for s in self.active() if s.falling_off), key=worst_first)

    def marks(self, patient_ids: Iterable[int]) -> dict[int, str]:
        """Patient → the mark of their active plan that needs the front desk most."""
        ids = sorted(set(patient_ids))
        found: dict[int, str] = {}
        if not ids:
            return found
        scope = CarePlan.patient.in_(ids) & (CarePlan.state == State.ACTIVE.value)
        for standing in sorted(self._standings(scope), key=worst_first, reverse=True):
            found[standing.patient_id] = standing.mark  # the worst is written last
        return found

    # -- the reading -----------------------------------------------------------------------

    def _standings(self, scope: Any) -> list[Standing]:
        """The plans `scope` (a condition on CarePlan) names, in four queries."""
        plans = [_Plan.of(row) for row in _raw(self.database, _plans().where(scope))]
        if not plans:
            return []
        now = self.clock.now()
        today = self.settings.today(now)
        first = min(p.first_day for p in plans)
        days = OpenDays(self.settings, first, max(first, today - dt.timedelta(days=1)))
        visits = _visit_days(self.database, scope)
        ahead = _booked_ahead(scope, now)
        return [_standing(p, days, visits, ahead, today) for p in plans]


class _Plan(NamedTuple):
    """A plan's row as the standings read it (one query, no model objects: quick)."""

    id: int
    version: int
    patient_id: int
    provider_id: int | None
    type_id: int | None
    phases: str
    first_day: dt.date
    state: str
    paused_since: dt.date | None
    paused_days: int
    ended_on: dt.date | None
    first_name: str
    last_name: str
    phone: str
    provider: str | None
    type_name: str | None

    @classmethod
    def of(cls, row: tuple[Any, ...]) -> _Plan:
        """A raw row, its days made dates (peewee's own conversion of every column took
        most of the time on a practice of thousands of plans)."""
        values = list(row)
        for at in (6, 8, 10):  # first_day, paused_since, ended_on
            values[at] = _day(values[at])
        return cls(*values)


def _day(value: Any) -> Any:
    """A stored day (text on SQLite, a date on PostgreSQL) as a date; None stays."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _raw(database: Database, query: Any) -> Iterable[tuple[Any, ...]]:
    """A query's rows as the database gives them, without peewee's conversions."""
    sql, params = query.sql()
    return cast(Iterable[tuple[Any, ...]], database.execute_sql(sql, params))  # type: ignore[no-untyped-call]


def _plans() -> Any:
    return (
        CarePlan.select(
            CarePlan.id,
            CarePlan.version,
            CarePlan.patient,
            CarePlan.provider,
            CarePlan.type,
            CarePlan.phases,
            CarePlan.first_day,
            CarePlan.state,
            CarePlan.paused_since,
            CarePlan.paused_days,
            CarePlan.ended_on,
            Patient.first_name,
            Patient.last_name,
            Patient.phone,
            Staff.name,
            AppointmentType.name,
        )
        .join(Patient)
        .switch(CarePlan)
        .join(Staff, JOIN.LEFT_OUTER, on=(CarePlan.provider == Staff.id))
        .switch(CarePlan)
        .join(AppointmentType, JOIN.LEFT_OUTER)
    )


@functools.lru_cache(maxsize=256)
def _phases(text: str) -> tuple[Phase, ...]:
    return read_phases(text)


def _standing(
    plan: _Plan,
    days: OpenDays,
    visits: dict[int, list[dt.date]],
    ahead: dict[int, tuple[int, dt.datetime]],
    today: dt.date,
) -> Standing:
    state = State(plan.state)
    phases = _phases(plan.phases)
    stop = today - dt.timedelta(days=1)
    if state == State.PAUSED and plan.paused_since is not None:
        stop = min(stop, plan.paused_since - dt.timedelta(days=1))
    if state == State.ENDED and plan.ended_on is not None:
        stop = min(stop, plan.ended_on)
    elapsed = days.between(plan.first_day, stop) - plan.paused_days
    expected = expected_visits(phases, elapsed, days.a_week)
    seen = [d for d in visits.get(plan.patient_id, []) if d >= plan.first_day]
    if state == State.ENDED and plan.ended_on is not None:
        seen = [d for d in seen if d <= plan.ended_on]
    booked, next_visit = ahead.get(plan.patient_id, (0, None))
    total = total_visits(phases)
    if total is not None:
        expected = min(expected, total)
    return Standing(
        plan_id=plan.id,
        version=plan.version,
        patient_id=plan.patient_id,
        patient_name=f"{plan.first_name} {plan.last_name}".strip(),
        phone=plan.phone,
        provider_id=plan.provider_id,
        provider=plan.provider or "",
        type_id=plan.type_id,
        type_name=plan.type_name or "",
        phases=phases,
        first_day=plan.first_day,
        state=state,
        paused_since=plan.paused_since,
        ended_on=plan.ended_on,
        kept=len(seen),
        expected=expected,
        booked_ahead=booked,
        next_visit=next_visit,
        last_visit=max(seen) if seen else None,
        pace=_pace(state, len(seen), expected, booked, total),
    )


def falling_off_count(database: Database, clock: Clock, settings: PracticeSettings) -> int:
    """How many plans are falling off: the manager's overview shows it."""
    return sum(1 for s in Standings(database, clock, settings).active() if s.falling_off)


def _pace(state: State, kept: int, expected: int, booked: int, total: int | None) -> Pace:
    if state == State.ENDED:
        return Pace.ENDED
    if state == State.PAUSED:
        return Pace.PAUSED
    if total is not None and kept >= total:
        return Pace.COMPLETE
    if booked == 0:
        return Pace.NONE_BOOKED
    return Pace.BEHIND if kept < expected else Pace.ON_PACE


def _visit_days(database: Database, scope: Any) -> dict[int, list[dt.date]]:
    """The days of the kept visits of the patients of the plans in `scope`, from the
    first day of one of their plans (each plan takes its own from them)."""
    found: dict[int, list[dt.date]] = defaultdict(list)
    query = (
        Visit.select(Visit.id, Visit.patient, Visit.date)
        .join(CarePlan, on=(Visit.patient == CarePlan.patient))
        .where(scope, Visit.date >= CarePlan.first_day, Visit.stage.not_in(NOT_KEPT))
        .distinct()
    )
    for _, patient, day in _raw(database, query):
        found[patient].append(_day(day))
    return found


def _booked_ahead(scope: Any, now: dt.datetime) -> dict[int, tuple[int, dt.datetime]]:
    """Patient → how many appointments from now on (neither cancelled nor missed), and
    the first of them."""
    query = (
        Appointment.select(Appointment.patient, fn.COUNT(Appointment.id), fn.MIN(Appointment.start))
        .where(
            Appointment.patient.in_(CarePlan.select(CarePlan.patient).where(scope)),
            Appointment.start >= utc_naive(now),
            Appointment.cancelled_at.is_null(),
            Appointment.missed_at.is_null(),
        )
        .group_by(Appointment.patient)
    )
    found: dict[int, tuple[int, dt.datetime]] = {}
    for patient, count, start in cast(Iterable[tuple[int, int, Any]], query.tuples()):
        when = start if isinstance(start, dt.datetime) else dt.datetime.fromisoformat(start)
        found[patient] = (count, as_utc(when))
    return found
