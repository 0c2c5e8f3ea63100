"""Keeping care plans: adding a plan, pausing and resuming it, changing its phases,
ending it, and booking its visits in the book.

Who: the front desk and the managers keep care plans (roles.PERMISSIONS["care_plans"]);
a provider on the staff may add a plan for their own patients, naming themselves its
provider. Everyone reads them. Each change but the first carries the plan's version as
the person saw it, and is refused when another terminal changed it since. A pause, a
resume, a change and an end each need a reason, kept with the day and who.

A plan named without a provider takes the provider of the patient's latest appointment
(a plan without one cannot be booked). A plan added for a record merged into another is
added to the record kept (and said).
A plan changed keeps its first day: its phases are the plan as a whole, and its pace is
read again from the first day.

Booking: the visits not yet kept or booked, phase by phase, each phase a series of its
own in the book (schedule/series.py) on the weekdays given for it (the practice's open
days spread out, when not given), the next phase from the day after the last. A phase
with no end is booked ONGOING_WEEKS ahead. All or nothing: a refusal books none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from peewee import JOIN

from db.models import Appointment, CarePlan, CarePlanEvent, Patient, Role, Staff, utc_naive
from om_tui.practice import time_words
from om_tui.practice.acting import Acting
from om_tui.practice.people.roles import may, recorded, require
from om_tui.practice.plans.open_days import OpenDays
from om_tui.practice.plans.pace import Standing, Standings, State
from om_tui.practice.plans.phases import (
    Phase,
    PlanError,
    described,
    phases_text,
    read_phases,
    suggested_days,
)
from om_tui.practice.schedule.book import Book
from om_tui.practice.schedule.hours import WEEKDAYS
from om_tui.practice.schedule.series import Rule, book_series, occurrences

ONGOING_WEEKS = 8
"""A phase with no end is booked this many weeks ahead."""
LONGEST_REASON = 200
PERMISSION = "care_plans"
_DOING = "keep care plans"
STALE = "Changed on another terminal since you opened it: nothing was saved."


@dataclass(frozen=True)
class PlanDone:
    """What a change made, said as the front desk would."""

    plan_id: int
    description: str


def open_days_a_week(acting: Acting) -> OpenDays:
    today = acting.today()
    return OpenDays(acting.settings, today, today)


class CarePlans(Acting):
    """Care plans, kept in the name of `staff_id`."""

    def add(
        self,
        patient_id: int,
        phases: str,
        provider_id: int | None,
        type_id: int | None,
        first_day: dt.date,
    ) -> PlanDone:
        read = read_phases(phases, open_days_a_week(self).a_week)
        with self.database.atomic():
            self._may_add(provider_id)
            patient = Patient.get_or_none(Patient.id == patient_id)
            said = ""
            while patient is not None and patient.merged_into_id is not None:
                patient = Patient.get_or_none(Patient.id == patient.merged_into_id)
                said = " (the record it was merged into)"
            if patient is None:
                raise PlanError("That patient is no longer on file.")
            if provider_id is None:
                provider_id = _usual_provider(patient.id)
            plan = CarePlan.create(
                patient=patient.id,
                provider=provider_id,
                type=type_id,
                phases=phases_text(read),
                first_day=first_day,
                created=utc_naive(self.clock.now()),
                by=recorded(self.staff_id),
            )
            self._event(plan, "added", first_day, "")
        return PlanDone(plan.id, f"{patient.full_name}{said}: care plan {described(read)}")

    def pause(self, plan_id: int, version: int, reason: str) -> PlanDone:
        with self.database.atomic():
            plan = self._as_seen(plan_id, version, reason)
            if plan.state != State.ACTIVE:
                raise PlanError(f"The plan is {plan.state}: only an active plan is paused.")
            today = self.today()
            self._change(plan, "paused", reason, state=State.PAUSED.value, paused_since=today)
        return PlanDone(plan.id, f"{plan.patient.full_name}: care plan paused from today")

    def resume(self, plan_id: int, version: int, reason: str) -> PlanDone:
        with self.database.atomic():
            plan = self._as_seen(plan_id, version, reason)
            if plan.state != State.PAUSED or plan.paused_since is None:
                raise PlanError("The plan is not paused.")
            today = self.today()
            days = OpenDays(self.settings, plan.paused_since, today)
            stood = days.between(plan.paused_since, today - dt.timedelta(days=1))
            self._change(
                plan,
                "resumed",
                reason,
                state=State.ACTIVE.value,
                paused_since=None,
                paused_days=plan.paused_days + stood,
            )
        return PlanDone(plan.id, f"{plan.patient.full_name}: care plan going on again")

    def change(self, plan_id: int, version: int, phases: str, reason: str) -> PlanDone:
        read = read_phases(phases, open_days_a_week(self).a_week)
        with self.database.atomic():
            plan = self._as_seen(plan_id, version, reason)
            if plan.state == State.ENDED:
                raise PlanError("The plan has ended: add a new one.")
            before = plan.phases
            if phases_text(read) == before:
                raise PlanError("Those are the plan's phases already: nothing was changed.")
            self._change(plan, "changed", reason, before=before, phases=phases_text(read))
        return PlanDone(plan.id, f"{plan.patient.full_name}: care plan now {described(read)}")

    def end(self, plan_id: int, version: int, reason: str) -> PlanDone:
        with self.database.atomic():
            plan = self._as_seen(plan_id, version, reason)
            if plan.state == State.ENDED:
                raise PlanError("The plan has ended already.")
            today = self.today()
            self._change(plan, "ended", reason, state=State.ENDED.value, ended_on=today)
        return PlanDone(plan.id, f"{plan.patient.full_name}: care plan ended")

    def book(
        self,
        plan_id: int,
        version: int,
        first_day: dt.date,
        at: dt.time,
        days: Sequence[Sequence[int]] | None = None,
        consent: Collection[str] = (),
    ) -> PlanDone:
        """Book the plan's visits not yet kept or booked, from `first_day` at `at`;
        `days`: the weekdays of each phase still to book (None: spread out)."""
        book = Book(self.database, self.clock, self.settings, self.staff_id)
        with self.database.atomic():
            require(self.database, self.staff_id, "book", "book appointments", PlanError)
            plan = CarePlan.get_or_none(CarePlan.id == plan_id)
            if plan is None or plan.version != version:
                raise PlanError(STALE)
            if plan.state != State.ACTIVE:
                raise PlanError(f"The plan is {plan.state}: resume it before booking.")
            if plan.provider_id is None:
                raise PlanError("The plan names no provider: add it again with one to book it.")
            standing = Standings(self.database, self.clock, self.settings).of_plan(plan_id)
            assert standing is not None
            left = still_to_book(standing.phases, standing.kept + standing.booked_ahead)
            if not left:
                raise PlanError("Every visit of the plan is kept or booked already.")
            if days is not None and len(days) not in (0, len(left)):
                raise PlanError(f"Weekdays for {len(left)} phases, one set each (| between).")
            weekdays = open_days_a_week(self).weekdays
            kind = plan.type if plan.type_id is not None else None
            minutes = kind.minutes if kind is not None else 30
            start, booked, skipped = first_day, 0, 0
            for number, phase in enumerate(left):
                chosen = tuple(days[number]) if days else suggested_days(phase.per_week, weekdays)
                if len(chosen) != phase.per_week:
                    raise PlanError(
                        f"Phase {phase.described}: {phase.per_week} weekdays, not {len(chosen)}."
                    )
                count = phase.visits or ONGOING_WEEKS * phase.per_week
                rule = Rule(tuple(sorted(chosen)), at, start, count=count)
                made = book_series(
                    book,
                    plan.patient_id,
                    rule,
                    minutes,
                    plan.provider_id,
                    plan.type_id,
                    consent=consent,
                )
                booked += made.booked
                skipped += len(made.skipped)
                last = self.settings.local(occurrences(rule, self.settings.zone)[-1]).date()
                start = last + dt.timedelta(days=1)
        said = f"; {skipped} left out (the practice is closed)" if skipped else ""
        name = plan.patient.full_name
        return PlanDone(plan.id, f"{name}: {booked} visits of the care plan booked{said}")

    # -- the checks ------------------------------------------------------------------------

    def _may_add(self, provider_id: int | None) -> None:
        person = Staff.get_or_none(Staff.id == self.staff_id) if self.staff_id else None
        own = (
            person is not None
            and person.active
            and person.provider
            and person.role == Role.STAFF.value
            and provider_id == person.id
            and not may(person.role, PERMISSION)
        )
        if not own:
            require(self.database, self.staff_id, PERMISSION, _DOING, PlanError)

    def _as_seen(self, plan_id: int, version: int, reason: str) -> CarePlan:
        require(self.database, self.staff_id, PERMISSION, _DOING, PlanError)
        if not reason.strip():
            raise PlanError("Say why, in a few words.")
        if len(reason.strip()) > LONGEST_REASON:
            raise PlanError(f"A reason is at most {LONGEST_REASON} characters.")
        plan = CarePlan.get_or_none(CarePlan.id == plan_id)
        if plan is None:
            raise PlanError("That care plan is no longer on file.")
        if plan.version != version:
            raise PlanError(STALE)
        return plan

    def _change(
        self, plan: CarePlan, kind: str, reason: str, before: str = "", **changes: object
    ) -> None:
        updated = (
            CarePlan.update(version=CarePlan.version + 1, **changes)
            .where(CarePlan.id == plan.id, CarePlan.version == plan.version)
            .execute()
        )
        if not updated:
            raise PlanError(STALE)
        self._event(plan, kind, self.today(), reason.strip(), before)

    def _event(
        self, plan: CarePlan, kind: str, day: dt.date, reason: str, before: str = ""
    ) -> None:
        CarePlanEvent.create(
            plan=plan.id,
            kind=kind,
            day=day,
            reason=reason,
            before=before,
            at=utc_naive(self.clock.now()),
            by=recorded(self.staff_id),
        )

    def suggested_days(self, standing: Standing) -> str:
        """The weekdays the booking form offers: "mon wed fri | mon thu", a set a phase left."""
        weekdays = open_days_a_week(self).weekdays
        left = still_to_book(standing.phases, standing.kept + standing.booked_ahead)
        return " | ".join(
            " ".join(WEEKDAYS[d] for d in suggested_days(p.per_week, weekdays)) for p in left
        )

    def history(self, plan_id: int) -> list[str]:
        """The plan's changes, newest first: "12/01 paused: away (Pat)"."""
        query = (
            CarePlanEvent.select(CarePlanEvent, Staff)
            .join(Staff, JOIN.LEFT_OUTER, on=(CarePlanEvent.by == Staff.id))
            .where(CarePlanEvent.plan == plan_id)
            .order_by(CarePlanEvent.id.desc())
        )
        lines = []
        for event in query:
            by = event.by if event.by_id is not None else None
            who = f" ({by.name})" if by is not None else ""
            why = f": {event.reason}" if event.reason else ""
            was = f" (was {event.before})" if event.before else ""
            lines.append(
                f"{time_words.numeric_day(event.day, year=False)} {event.kind}{why}{was}{who}"
            )
        return lines


def _usual_provider(patient_id: int) -> int | None:
    """The provider of the patient's latest appointment with one: a plan's provider when
    none is named."""
    latest = (
        Appointment.select(Appointment.provider)
        .where(Appointment.patient == patient_id, Appointment.provider.is_null(False))
        .order_by(Appointment.start.desc())
        .first()
    )
    return latest.provider_id if latest is not None else None


def still_to_book(phases: Sequence[Phase], covered: int) -> list[Phase]:
    """The phases (what is left of them) after `covered` visits kept or booked."""
    left: list[Phase] = []
    for phase in phases:
        if phase.visits is None:
            left.append(phase)
            break
        if covered >= phase.visits:
            covered -= phase.visits
            continue
        left.append(Phase(phase.visits - covered, phase.per_week))
        covered = 0
    return left
