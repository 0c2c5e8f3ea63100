"""Where each care plan stands: visits kept, expected by now, booked ahead, and its pace.

- Kept: the patient's visits on the board from the plan's first day (to its last, for
  an ended plan; a no-show, a cancelled visit or one left without being seen is not
  kept); walk-ins count.
- Expected by now: what the plan's phases ask for over the open days before today
  (phases.py: holidays and the days the plan stood paused left out).
- Booked ahead: the patient's appointments from now on, neither cancelled nor missed.
- The pace: "none booked" when nothing is booked ahead (the front desk's first call),
  else "behind" when fewer visits were kept than expected, else "on pace". A paused or
  ended plan, or one whose visits are all kept, has no pace to keep.

Falling off: the active plans behind or with nothing booked, worst first — the most
visits short, then nothing booked, then the longest since the last visit.

Every plan of the practice is read in a few queries (plans; their kept visits counted;
appointments ahead; holidays), as plain rows: each plan's pace is worked out from those
alone, and only the plans shown are then read whole (names, phones), so the whole list,
and its count on the call lists and the overview, stay quick on a large practice.

One idea, a plan's pace, kept whole: one plan's card and the whole practice's Falling off
list count the same way from the same rows, and reading them apart would let them drift.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple, Protocol, cast

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
from om_tui.practice.plans.open_days import OpenDays
from om_tui.practice.plans.phases import Phase, expected_visits, read_phases, total_visits
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


class FallingOff(NamedTuple):
    """The Falling-off list: how many plans are falling off, and the worst of them."""

    total: int
    worst: list[Standing]


class _Ranked(Protocol):
    """What the Falling-off order looks at (a plan's standing, or its counts alone)."""

    @property
    def short(self) -> int: ...
    @property
    def pace(self) -> Pace: ...
    @property
    def last_visit(self) -> dt.date | None: ...
    @property
    def first_day(self) -> dt.date: ...


def worst_first(standing: _Ranked) -> tuple[int, bool, dt.date]:
    return (
        -standing.short,
        standing.pace != Pace.NONE_BOOKED,
        standing.last_visit or standing.first_day,
    )


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

    def falling_off(self, most: int | None = None) -> FallingOff:
        """Active plans behind their pace or with nothing booked ahead, worst first: how
        many, and the worst `most` of them (every one when None) read whole."""
        scope = CarePlan.state == State.ACTIVE.value  # a paused plan keeps no pace
        falling = [c for c in self._counted(scope) if c.falling_off]
        if most is None:
            return FallingOff(len(falling), self._built(sorted(falling, key=worst_first), scope))
        worst = heapq.nsmallest(most, falling, key=worst_first)  # none to sort for a count
        return FallingOff(
            len(falling), self._built(worst, CarePlan.id.in_([c.plan.id for c in worst]))
        )

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
        """The plans `scope` (a condition on CarePlan) names, in five queries."""
        return self._built(self._counted(scope), scope)

    def _counted(self, scope: Any) -> list[_Counted]:
        """The pace of each plan `scope` names, from plain rows (four queries)."""
        plans = [_Plan.of(row) for row in _raw(self.database, _plans().where(scope))]
        if not plans:
            return []
        now = self.clock.now()
        today = self.settings.today(now)
        first = min(p.first_day for p in plans)
        days = OpenDays(self.settings, first, max(first, today - dt.timedelta(days=1)))
        kept = _kept(self.database, scope)
        ahead = _booked_ahead(self.database, scope, now)
        yesterday = today - dt.timedelta(days=1)
        return [_count(p, days, kept, ahead, yesterday) for p in plans]

    def _built(self, counted: Sequence[_Counted], named: Any) -> list[Standing]:
        """The standings of `counted`, with the names `named` (a condition on CarePlan
        that takes them all in) reads."""
        if not counted:
            return []
        names = {row[0]: row[1:] for row in _raw(self.database, _names().where(named))}
        return [_standing(c, *names[c.plan.id]) for c in counted]


def falling_off_count(database: Database, clock: Clock, settings: PracticeSettings) -> int:
    """How many plans are falling off: the call lists and the manager's overview show it
    (counted without reading any plan whole)."""
    return Standings(database, clock, settings).falling_off(most=0).total


class _Plan(NamedTuple):
    """A plan's row as its pace needs it (one query, no model objects: quick)."""

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

    @classmethod
    def of(cls, row: Sequence[Any]) -> _Plan:
        """A raw row, its days made dates (peewee's own conversion of every column took
        most of the time on a practice of thousands of plans)."""
        id_, version, patient, provider, type_, phases, first, state, paused, days, ended = row
        return cls(
            id_,
            version,
            patient,
            provider,
            type_,
            phases,
            _day(first),
            state,
            _day(paused),
            days,
            _day(ended),
        )


class _Counted(NamedTuple):
    """A plan's counts and pace, worked out before anything else of it is read."""

    plan: _Plan
    state: State
    phases: tuple[Phase, ...]
    kept: int
    expected: int
    booked_ahead: int
    next_visit: dt.datetime | None
    last_visit: dt.date | None
    pace: Pace

    @property
    def first_day(self) -> dt.date:
        return self.plan.first_day

    @property
    def short(self) -> int:
        return max(0, self.expected - self.kept)

    @property
    def falling_off(self) -> bool:
        return self.pace in (Pace.BEHIND, Pace.NONE_BOOKED)


def _day(value: Any) -> Any:
    """A stored day (text on SQLite, a date on PostgreSQL) as a date; None stays."""
    if value.__class__ is str:
        return _date_of(value[:10])
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


_date_of = dt.date.fromisoformat


def _raw(database: Database, query: Any) -> Iterable[tuple[Any, ...]]:
    """A query's rows as the database gives them, without peewee's conversions."""
    sql, params = query.sql()
    return cast(Iterable[tuple[Any, ...]], database.execute_sql(sql, params))  # type: ignore[no-untyped-call]


def _plans() -> Any:
    return CarePlan.select(
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
    )


def _names() -> Any:
    """Each plan's patient (name, phone), provider and appointment type, by plan id."""
    return (
        CarePlan.select(
            CarePlan.id,
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


_STATES = {state.value: state for state in State}


@functools.lru_cache(maxsize=4096)
def _expected(text: str, open_days: int, a_week: int) -> tuple[tuple[Phase, ...], int | None, int]:
    """A plan's phases as stored, read; its visits in all; and the visits they ask for
    over `open_days` (plans share a few phases and days: each is worked out once)."""
    phases = read_phases(text)
    total = total_visits(phases)
    expected = expected_visits(phases, open_days, a_week)
    return phases, total, expected if total is None else min(expected, total)


def _count(
    plan: _Plan,
    days: OpenDays,
    kept: dict[int, tuple[int, dt.date]],
    ahead: dict[int, tuple[int, dt.datetime]],
    yesterday: dt.date,
) -> _Counted:
    state = _STATES[plan.state]
    stop = yesterday
    if state == State.PAUSED and plan.paused_since is not None:
        stop = min(stop, plan.paused_since - dt.timedelta(days=1))
    if state == State.ENDED and plan.ended_on is not None:
        stop = min(stop, plan.ended_on)
    elapsed = days.between(plan.first_day, stop) - plan.paused_days
    phases, total, expected = _expected(plan.phases, elapsed, days.a_week)
    seen, last_visit = kept.get(plan.id, (0, None))
    booked, next_visit = ahead.get(plan.patient_id, (0, None))
    pace = _pace(state, seen, expected, booked, total)
    return _Counted(plan, state, phases, seen, expected, booked, next_visit, last_visit, pace)


def _standing(
    counted: _Counted,
    first_name: str,
    last_name: str,
    phone: str,
    provider: str | None,
    type_name: str | None,
) -> Standing:
    plan = counted.plan
    return Standing(
        plan_id=plan.id,
        version=plan.version,
        patient_id=plan.patient_id,
        patient_name=f"{first_name} {last_name}".strip(),
        phone=phone,
        provider_id=plan.provider_id,
        provider=provider or "",
        type_id=plan.type_id,
        type_name=type_name or "",
        phases=counted.phases,
        first_day=plan.first_day,
        state=counted.state,
        paused_since=plan.paused_since,
        ended_on=plan.ended_on,
        kept=counted.kept,
        expected=counted.expected,
        booked_ahead=counted.booked_ahead,
        next_visit=counted.next_visit,
        last_visit=counted.last_visit,
        pace=counted.pace,
    )


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


def _kept(database: Database, scope: Any) -> dict[int, tuple[int, dt.date]]:
    """Plan → its kept visits counted, and the last of them: the patient's visits from
    the plan's first day (to its last, for an ended plan), counted by the database."""
    within = (
        (Visit.patient == CarePlan.patient)
        & (Visit.date >= CarePlan.first_day)
        & (
            (CarePlan.state != State.ENDED.value)
            | CarePlan.ended_on.is_null()
            | (Visit.date <= CarePlan.ended_on)
        )
    )
    query = (
        CarePlan.select(CarePlan.id, fn.COUNT(Visit.id), fn.MAX(Visit.date))
        .join(Visit, on=within)
        .where(scope, Visit.stage.not_in(NOT_KEPT))
        .group_by(CarePlan.id)
    )
    return {plan: (count, _day(last)) for plan, count, last in _raw(database, query)}


def _booked_ahead(
    database: Database, scope: Any, now: dt.datetime
) -> dict[int, tuple[int, dt.datetime]]:
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
    for patient, count, start in _raw(database, query):
        when = start if isinstance(start, dt.datetime) else dt.datetime.fromisoformat(start)
        found[patient] = (count, as_utc(when))
    return found
