"""The patient flow: today's visits, their stages, and every move between them.

Each move is a VisitEvent (visit, stage, at, by). Time in stage, time in the
office and the day's figures are derived from those events, never counted.
A move is made in one IMMEDIATE transaction that first checks the visit is
still the record the terminal saw — the same visit of the same patient and
booking, at the same stage, with no move made since (its latest event), and for
a room or provider, the one it showed — so two terminals racing on one visit
record exactly one move, and a row left on a screen never acts on another
patient's visit (ids are never reused either). Undone events are kept, marked
`undone_at`, for the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from statistics import fmean

from peewee import JOIN

from db.models import (
    Appointment,
    AppointmentType,
    Patient,
    Room,
    Staff,
    Stage,
    Visit,
    VisitEvent,
    as_utc,
    utc_naive,
)
from om_tui.practice.acting import Acting
from om_tui.practice.patients import not_offered_why
from om_tui.practice.refusal import Refusal
from om_tui.practice.roles import checked, recorded
from om_tui.practice.settings import PracticeSettings

MAIN_LINE: tuple[Stage, ...] = (
    Stage.SCHEDULED,
    Stage.ARRIVED,
    Stage.ROOMED,
    Stage.WITH_PROVIDER,
    Stage.CHECKOUT,
    Stage.DONE,
)
SIDE_EXITS: tuple[Stage, ...] = (Stage.NO_SHOW, Stage.CANCELLED, Stage.LEFT)
IN_OFFICE = frozenset({Stage.ARRIVED, Stage.ROOMED, Stage.WITH_PROVIDER, Stage.CHECKOUT})
FINISHED = frozenset({Stage.DONE, *SIDE_EXITS})

STAGE_LABELS: dict[Stage, str] = {
    Stage.SCHEDULED: "Scheduled",
    Stage.ARRIVED: "Arrived",
    Stage.ROOMED: "Roomed",
    Stage.WITH_PROVIDER: "With provider",
    Stage.CHECKOUT: "Checkout",
    Stage.DONE: "Done",
    Stage.NO_SHOW: "No-show",
    Stage.CANCELLED: "Cancelled",
    Stage.LEFT: "Left unseen",
}


class FlowError(Refusal):
    """A move that cannot be made; the message is fit for the front desk."""


class NothingChanged(FlowError):
    """The change asked for is how things already stand: nothing is recorded."""


class StaleVisit(FlowError):
    """The visit changed on another terminal since this one last saw it."""


class Severity(IntEnum):
    NORMAL = 0
    WARNING = 1
    ALERT = 2


MOVED_ON = dt.timedelta(minutes=10)
"""A visit finished longer ago than this has left the day's flow: stepping it back asks
first, and the time it spent finished is no wait (no warning or alert comes of it)."""


@dataclass(frozen=True)
class BoardRow:
    """One line of the flow board: an appointment of the day, or a walk-in."""

    appointment_id: int | None
    visit_id: int | None
    patient_id: int
    first_name: str
    last_name: str
    appointment_start: dt.datetime | None
    kind: str | None  # the appointment type's name (None: a walk-in)
    provider: str | None
    room: str | None
    stage: Stage
    stage_since: dt.datetime | None
    arrived_at: dt.datetime | None
    finished_at: dt.datetime | None
    # What the row was read from, for the check that the visit is still this record.
    latest_event_id: int | None
    room_id: int | None
    provider_id: int | None
    kind_letter: str = ""  # the appointment type's letter
    reopened: bool = False
    """Its finish was stepped back after the flow moved on (MOVED_ON): the time in its stage
    counts the time it was finished, which is no wait, so it is not judged against the
    thresholds."""

    @property
    def key(self) -> str:
        """Stable across check-in: an appointment keeps its key when its visit begins."""
        if self.appointment_id is not None:
            return f"a{self.appointment_id}"
        return f"v{self.visit_id}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def short_name(self) -> str:
        """ "First L." — enough for staff, little for a waiting room."""
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"

    def time_in_stage(self, now: dt.datetime) -> dt.timedelta | None:
        if self.stage == Stage.SCHEDULED or self.stage in FINISHED or self.stage_since is None:
            return None
        return max(now - self.stage_since, dt.timedelta())

    def time_in_office(self, now: dt.datetime) -> dt.timedelta | None:
        if self.arrived_at is None:
            return None
        end = self.finished_at if self.finished_at is not None else now
        return max(end - self.arrived_at, dt.timedelta())

    def minutes_late(self, now: dt.datetime) -> float:
        if self.stage != Stage.SCHEDULED or self.appointment_start is None:
            return 0.0
        return max((now - self.appointment_start).total_seconds() / 60, 0.0)


def is_late(row: BoardRow, now: dt.datetime, settings: PracticeSettings) -> bool:
    return row.minutes_late(now) >= settings.late_after_minutes


def severity(row: BoardRow, now: dt.datetime, settings: PracticeSettings) -> Severity:
    if row.stage == Stage.SCHEDULED:
        return Severity.WARNING if is_late(row, now, settings) else Severity.NORMAL
    limits = settings.thresholds.get(row.stage)
    spent = row.time_in_stage(now)
    if limits is None or spent is None or row.reopened:
        return Severity.NORMAL
    minutes = spent.total_seconds() / 60
    if minutes >= limits.alert:
        return Severity.ALERT
    if minutes >= limits.warn:
        return Severity.WARNING
    return Severity.NORMAL


def attention_order(
    rows: Iterable[BoardRow], now: dt.datetime, settings: PracticeSettings
) -> list[BoardRow]:
    """Who needs the front desk first: alerts, warnings, the rest of the office,
    then who is still expected, then who has gone."""

    def sort_key(row: BoardRow) -> tuple[int, int, float, float]:
        level = severity(row, now, settings)
        if row.stage in FINISHED:
            group = 4
        elif level > Severity.NORMAL:
            group = 2 - int(level)  # alerts 0, warnings 1
        elif row.stage in IN_OFFICE:
            group = 2
        else:
            group = 3
        in_office_first = 0 if row.stage in IN_OFFICE else 1
        waited = row.time_in_stage(now) or dt.timedelta()
        start = row.appointment_start or row.arrived_at or now
        if group == 4:
            finished = row.finished_at or row.stage_since or start
            return (group, 0, -finished.timestamp(), 0.0)
        if group == 3:
            return (group, 0, start.timestamp(), 0.0)
        return (group, in_office_first, -waited.total_seconds(), start.timestamp())

    return sorted(rows, key=sort_key)


@dataclass(frozen=True)
class DayFigures:
    in_office: int
    waiting: int
    longest_wait: dt.timedelta | None
    average_wait: dt.timedelta | None
    seen: int
    no_shows: int


@dataclass(frozen=True)
class Board:
    day: dt.date
    rows: list[BoardRow]
    waits: list[dt.timedelta] = field(default_factory=list)  # arrived → roomed, done today
    seen: int = 0

    def figures(self, now: dt.datetime) -> DayFigures:
        waiting = [r for r in self.rows if r.stage == Stage.ARRIVED]
        current = [r.time_in_stage(now) or dt.timedelta() for r in waiting]
        return DayFigures(
            in_office=sum(1 for r in self.rows if r.stage in IN_OFFICE),
            waiting=len(waiting),
            longest_wait=max(current) if current else None,
            average_wait=(
                dt.timedelta(seconds=fmean(w.total_seconds() for w in self.waits))
                if self.waits
                else None
            ),
            seen=self.seen,
            no_shows=sum(1 for r in self.rows if r.stage == Stage.NO_SHOW),
        )


@dataclass(frozen=True)
class Change:
    """One change this terminal made, with what is needed to take it back."""

    description: str
    visit_id: int
    event_id: int | None = None  # a stage event added (undo: mark it undone)
    voided_event_id: int | None = None  # a stage event marked undone (undo: restore it)
    created_visit: bool = False  # the visit began with this change (undo: remove it)
    field_name: str | None = None  # "room" or "provider" changed
    old_value: int | None = None
    new_value: int | None = None
    patient_id: int | None = None  # whose visit it was (undo: still theirs)


def format_duration(span: dt.timedelta | None) -> str:
    """mm:ss under an hour, h:mm:ss from an hour."""
    if span is None:
        return ""
    seconds = int(span.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"


class Flow(Acting):
    """Today's board and the moves the front desk makes on it."""

    # -- reading -----------------------------------------------------------

    def board(self, day: dt.date | None = None) -> Board:
        day = day or self.today()
        start, end = self.settings.day_bounds(day)
        Provider = Staff.alias()
        VisitProvider = Staff.alias()
        visits = list(
            Visit.select(
                Visit, Patient, Appointment, AppointmentType, Room, VisitProvider, Provider
            )
            .join(Patient)
            .switch(Visit)
            .join(Appointment, JOIN.LEFT_OUTER)
            .join(AppointmentType, JOIN.LEFT_OUTER)
            .switch(Appointment)
            .join(Provider, JOIN.LEFT_OUTER, on=(Appointment.provider == Provider.id))
            .switch(Visit)
            .join(Room, JOIN.LEFT_OUTER)
            .switch(Visit)
            .join(VisitProvider, JOIN.LEFT_OUTER, on=(Visit.provider == VisitProvider.id))
            .where(Visit.date == day)
            .order_by(Visit.id)
        )
        events: dict[int, list[VisitEvent]] = {v.id: [] for v in visits}
        reopened: set[int] = set()  # visits whose finish was stepped back, long after
        if visits:
            for event in (
                VisitEvent.select()
                .where(VisitEvent.visit.in_(list(events)))
                .order_by(VisitEvent.at, VisitEvent.id)
            ):
                if event.undone_at is None:
                    events[event.visit_id].append(event)
                elif event.stage in FINISHED and event.undone_at - event.at >= MOVED_ON:
                    reopened.add(event.visit_id)
        booked = list(
            Appointment.select(Appointment, Patient, Provider, AppointmentType)
            .join(Patient)
            .switch(Appointment)
            .join(Provider, JOIN.LEFT_OUTER, on=(Appointment.provider == Provider.id))
            .switch(Appointment)
            .join(AppointmentType, JOIN.LEFT_OUTER)
            .switch(Appointment)
            .join(Visit, JOIN.LEFT_OUTER, on=(Visit.appointment == Appointment.id))
            .where(
                Appointment.start.between(utc_naive(start), utc_naive(end - _TICK)),
                Appointment.cancelled_at.is_null(),  # a cancelled booking leaves the board
                Visit.id.is_null(),
            )
        )
        rows = [self._visit_row(v, events[v.id], v.id in reopened) for v in visits]
        no_show_after = self.settings.no_show_after_minutes
        rows += [self._appointment_row(a, no_show_after) for a in booked]
        waits: list[dt.timedelta] = []
        seen = 0
        for visit_events in events.values():
            reached = {e.stage: as_utc(e.at) for e in visit_events}
            if Stage.ARRIVED in reached and Stage.ROOMED in reached:
                waits.append(reached[Stage.ROOMED] - reached[Stage.ARRIVED])
            if Stage.WITH_PROVIDER in reached:
                seen += 1
        return Board(day=day, rows=rows, waits=waits, seen=seen)

    def _visit_row(
        self, visit: Visit, events: Sequence[VisitEvent], reopened: bool = False
    ) -> BoardRow:
        appointment: Appointment | None = visit.appointment if visit.appointment_id else None
        arrived = next((as_utc(e.at) for e in events if e.stage == Stage.ARRIVED), None)
        stage = Stage(visit.stage)
        finished = None
        if stage in FINISHED and events:
            finished = as_utc(events[-1].at)
        # The visit's own provider: set from the booking at check-in, changed with `p`.
        provider = visit.provider if visit.provider_id else None
        return BoardRow(
            appointment_id=visit.appointment_id,
            visit_id=visit.id,
            patient_id=visit.patient_id,
            first_name=visit.patient.first_name,
            last_name=visit.patient.last_name,
            appointment_start=as_utc(appointment.start) if appointment else None,
            kind=_type_name(appointment) if appointment else None,
            kind_letter=_type_letter(appointment) if appointment else "",
            provider=provider.name if provider else None,
            room=visit.room.name if visit.room is not None and stage in _ROOM_SHOWN else None,
            stage=stage,
            stage_since=as_utc(events[-1].at) if events else None,
            arrived_at=arrived,
            finished_at=finished,
            latest_event_id=events[-1].id if events else None,
            room_id=visit.room_id,
            provider_id=visit.provider_id,
            reopened=reopened and stage not in FINISHED,
        )

    def _appointment_row(self, appointment: Appointment, no_show_after: int) -> BoardRow:
        """A booking not yet checked in: Scheduled; a No-show once marked missed in the
        book, or `no_show_after` minutes (the practice's rule; 0: never) past its start.
        Checking the patient in still works. The rule's no-shows are recorded (marked
        missed) by `schedule.no_shows`, on the first terminal's tick that sees them."""
        start = as_utc(appointment.start)
        stage = Stage.SCHEDULED
        since = None
        if appointment.missed_at is not None:
            stage, since = Stage.NO_SHOW, as_utc(appointment.missed_at)
        elif (
            no_show_after
            and not appointment.rule_applied  # a no-show taken back is expected again
            and self.clock.now() >= start + dt.timedelta(minutes=no_show_after)
        ):
            stage, since = Stage.NO_SHOW, start + dt.timedelta(minutes=no_show_after)
        return BoardRow(
            appointment_id=appointment.id,
            visit_id=None,
            patient_id=appointment.patient_id,
            first_name=appointment.patient.first_name,
            last_name=appointment.patient.last_name,
            appointment_start=start,
            kind=_type_name(appointment),
            kind_letter=_type_letter(appointment),
            provider=appointment.provider.name if appointment.provider is not None else None,
            room=None,
            stage=stage,
            stage_since=since,
            arrived_at=None,
            finished_at=since,
            latest_event_id=None,
            room_id=None,
            provider_id=None,
        )

    def rooms(self) -> list[tuple[int, str, str | None]]:
        """The rooms in use (not retired), in their order, as (id, name, who is in it now as
        "First L.", several joined by commas for a room shared, or None)."""
        occupants: dict[int, list[str]] = {}
        for visit in (
            Visit.select(Visit, Patient)
            .join(Patient)
            .where(
                Visit.date == self.today(),
                Visit.stage.in_([Stage.ROOMED, Stage.WITH_PROVIDER]),
                Visit.room.is_null(False),
            )
            .order_by(Visit.id)
        ):
            name = f"{visit.patient.first_name} {visit.patient.last_name[:1]}."
            occupants.setdefault(int(visit.room_id or 0), []).append(name)
        return [
            (room.id, room.name, ", ".join(occupants[room.id]) if room.id in occupants else None)
            for room in Room.select()
            .where(Room.retired == False)  # noqa: E712
            .order_by(Room.position, Room.name)
        ]

    def providers(self) -> list[tuple[int, str]]:
        return [
            (s.id, s.name)
            for s in Staff.select()
            .where(Staff.provider == True, Staff.active == True)  # noqa: E712
            .order_by(Staff.name)
        ]

    # -- moves -------------------------------------------------------------

    @checked("check_in", "moves patients through the visit")
    def check_in(self, patient_id: int, appointment_id: int | None = None) -> Change:
        """Arrive a patient: their appointment today, or a walk-in visit."""
        with self.database.atomic():
            patient = Patient.get_or_none(Patient.id == patient_id)
            if patient is None:
                raise StaleVisit("That patient is no longer on file.")
            refused = not_offered_why(patient)
            if refused is not None:
                raise StaleVisit(refused)
            today = self.today()
            existing = (
                Visit.select()
                .where(Visit.patient == patient_id, Visit.date == today)
                .order_by(Visit.id.desc())
            )
            for visit in existing:
                if Stage(visit.stage) in IN_OFFICE:
                    label = STAGE_LABELS[Stage(visit.stage)]
                    raise StaleVisit(f"{patient.full_name} is already checked in ({label}).")
                if appointment_id is None and visit.stage == Stage.SCHEDULED:
                    # Stepped back to Scheduled: checking the patient in is their booking.
                    appointment_id = visit.appointment_id
                if visit.appointment_id == appointment_id and appointment_id is not None:
                    if visit.stage != Stage.SCHEDULED:
                        label = STAGE_LABELS[Stage(visit.stage)]
                        raise StaleVisit(f"{patient.full_name}'s visit is already {label}.")
                    event = self._add_event(visit, Stage.ARRIVED)
                    return Change(
                        f"{patient.full_name}: checked in",
                        visit.id,
                        event.id,
                        patient_id=patient.id,
                    )
            if appointment_id is None:
                appointment_id = self._todays_open_appointment(patient_id, today)
            created = True
            if appointment_id is not None:
                if Visit.get_or_none(Visit.appointment == appointment_id) is not None:
                    raise StaleVisit(f"{patient.full_name} was already checked in.")
                appointment = Appointment.get_by_id(appointment_id)
                visit = Visit.create(
                    patient=patient_id,
                    appointment=appointment_id,
                    date=today,
                    stage=Stage.ARRIVED,
                    provider=appointment.provider_id,
                )
                what = "checked in"
            else:
                visit = Visit.create(patient=patient_id, date=today, stage=Stage.ARRIVED)
                what = "checked in as a walk-in"
            event = self._add_event(visit, Stage.ARRIVED)
            return Change(
                f"{patient.full_name}: {what}",
                visit.id,
                event.id,
                patient_id=patient.id,
                created_visit=created,
            )

    def _todays_open_appointment(self, patient_id: int, day: dt.date) -> int | None:
        start, end = self.settings.day_bounds(day)
        appointment = (
            Appointment.select(Appointment.id)
            .join(Visit, JOIN.LEFT_OUTER, on=(Visit.appointment == Appointment.id))
            .where(
                Appointment.patient == patient_id,
                Appointment.start.between(utc_naive(start), utc_naive(end - _TICK)),
                Appointment.cancelled_at.is_null(),
                Visit.id.is_null(),
            )
            .order_by(Appointment.start)
            .first()
        )
        return appointment.id if appointment else None

    @checked("check_in", "moves patients through the visit")
    def advance(self, row: BoardRow) -> Change:
        """Move one stage on along the main line."""
        if row.stage == Stage.SCHEDULED or (row.visit_id is None and row.appointment_id):
            # A booking shown as a no-show (missed, or long past) is still checked in.
            return self.check_in(row.patient_id, row.appointment_id)
        if row.stage in FINISHED:
            raise FlowError(f"{row.full_name}'s visit is finished ({STAGE_LABELS[row.stage]}).")
        following = MAIN_LINE[MAIN_LINE.index(row.stage) + 1]
        return self.move(row, following)

    @checked("check_in", "moves patients through the visit")
    def move(
        self, row: BoardRow, stage: Stage, room: int | None = None, provider: int | None = None
    ) -> Change:
        """Record that the visit entered `stage` now (a step on, or a side exit).

        `room` or `provider`, when given, is assigned in the same transaction (rooming a
        patient; a provider taking a walk-in who had none).
        """
        if room is not None and provider is not None:
            raise ValueError("a room or a provider, not both")
        with self.database.atomic():
            visit = self._visit_as_seen(row)
            if visit is None:
                # A scheduled appointment sent to a side exit before arriving
                # (not Left unseen: that needs them to have been in the office).
                if stage not in (Stage.NO_SHOW, Stage.CANCELLED) or row.appointment_id is None:
                    raise FlowError(f"{row.full_name} has not arrived yet.")
                due = row.appointment_start
                if stage == Stage.NO_SHOW and due is not None and due > self.clock.now():
                    raise FlowError(
                        f"{row.full_name} is not due until "
                        f"{self.settings.local(due):%H:%M}: not a no-show yet (Cancelled is)."
                    )
                # The booking's patient as it stands: a merge elsewhere may have moved it.
                booking = Appointment.get_by_id(row.appointment_id)
                visit = Visit.create(
                    patient=booking.patient_id,
                    appointment=row.appointment_id,
                    date=self.today(),
                    stage=stage,
                    provider=booking.provider_id,
                )
                event = self._add_event(visit, stage)
                return Change(
                    f"{row.full_name}: {STAGE_LABELS[stage]}",
                    visit.id,
                    event.id,
                    patient_id=row.patient_id,
                    created_visit=True,
                )
            if stage == Stage.LEFT and row.stage not in IN_OFFICE:
                raise FlowError(f"{row.full_name} has not arrived; use No-show or Cancelled.")
            if stage in (Stage.NO_SHOW,) and row.stage != Stage.SCHEDULED:
                raise FlowError(f"{row.full_name} has arrived, so is not a no-show.")
            field_name, model, value = (
                ("room", Room, room) if room is not None else ("provider", Staff, provider)
            )
            old_value = getattr(visit, f"{field_name}_id")
            if value is not None:
                self._as_seen_field(row, visit, field_name)
                setattr(visit, f"{field_name}_id", value)
            event = self._add_event(visit, stage)
            description = f"{row.full_name}: {STAGE_LABELS[row.stage]} → {STAGE_LABELS[stage]}"
            if value is None:
                return Change(description, visit.id, event.id, patient_id=row.patient_id)
            return Change(
                f"{description}, {model.get_by_id(value).name}",
                visit.id,
                event.id,
                patient_id=row.patient_id,
                field_name=field_name,
                old_value=old_value,
                new_value=value,
            )

    @checked("check_in", "moves patients through the visit")
    def step_back(self, row: BoardRow) -> Change:
        """Take back the visit's latest stage: it returns to where it was."""
        with self.database.atomic():
            visit = self._visit_as_seen(row)
            if visit is None or row.stage == Stage.SCHEDULED:
                raise FlowError(f"{row.full_name} has not arrived yet: nothing to step back.")
            latest = self._latest_event(visit.id)
            if latest is None:
                raise FlowError(f"{row.full_name}'s visit has no stage to step back from.")
            if visit.appointment_id is None and latest.stage == Stage.ARRIVED:
                raise FlowError(
                    "A walk-in cannot go back before arriving: "
                    "press x for Left unseen, or u to undo the check-in."
                )
            latest.undone_at = utc_naive(self.clock.now())
            latest.save()
            previous = self._sync_stage(visit)
            description = (
                f"{row.full_name}: {STAGE_LABELS[row.stage]} → back to {STAGE_LABELS[previous]}"
            )
            old_room = visit.room_id
            if previous in _ROOM_HELD or old_room is None:
                return Change(
                    description, visit.id, voided_event_id=latest.id, patient_id=row.patient_id
                )
            # Back out of the room (to waiting, say): the room is free again.
            visit.room_id = None
            visit.save()
            return Change(
                description,
                visit.id,
                voided_event_id=latest.id,
                patient_id=row.patient_id,
                field_name="room",
                old_value=old_room,
                new_value=None,
            )

    @checked("check_in", "moves patients through the visit")
    def assign(self, row: BoardRow, field_name: str, value: int | None) -> Change:
        """Set the visit's room or provider (None clears it)."""
        if field_name not in ("room", "provider"):
            raise ValueError(field_name)
        with self.database.atomic():
            visit = self._visit_as_seen(row)
            if visit is None:
                raise FlowError(f"{row.full_name} has not arrived yet.")
            old = self._as_seen_field(row, visit, field_name)
            if old == value:  # a move that changes nothing is not recorded
                now = Room.get_by_id(old).name if field_name == "room" and old else None
                said = f"is in {now}" if now else f"has no {field_name}"
                if field_name == "provider" and old is not None:
                    said = f"is with {Staff.get_by_id(old).name}"
                raise NothingChanged(f"Nothing changed: {row.full_name} {said} already.")
            setattr(visit, field_name, value)
            visit.save()
            return Change(
                f"{row.full_name}: {field_name} {_named(field_name, old)} → "
                f"{_named(field_name, value)}",
                visit.id,
                patient_id=row.patient_id,
                field_name=field_name,
                old_value=old,
                new_value=value,
            )

    @checked("check_in", "moves patients through the visit")
    def undo(self, change: Change) -> str:
        """Take a change back, if nothing has happened to the visit since."""
        with self.database.atomic():
            visit = Visit.get_or_none(Visit.id == change.visit_id)
            if visit is None or change.patient_id not in (None, visit.patient_id):
                raise StaleVisit("That visit is gone; nothing to undo.")
            latest = self._latest_event(visit.id)
            if change.field_name is not None:
                if getattr(visit, f"{change.field_name}_id") != change.new_value:
                    raise StaleVisit(
                        f"Not undone ({change.description}): the {change.field_name} "
                        "was changed since."
                    )
            if change.event_id is not None:
                if latest is None or latest.id != change.event_id:
                    raise StaleVisit(
                        f"Not undone ({change.description}): the visit was moved again since."
                    )
                if change.created_visit:
                    VisitEvent.delete().where(VisitEvent.visit == visit.id).execute()
                    visit.delete_instance()
                    return f"Undone: {change.description}"
                latest.undone_at = utc_naive(self.clock.now())
                latest.save()
                self._sync_stage(visit)
            elif change.voided_event_id is not None:
                voided = VisitEvent.get_by_id(change.voided_event_id)
                stepped_back_again = (
                    VisitEvent.select()
                    .where(VisitEvent.visit == visit.id, VisitEvent.undone_at > voided.undone_at)
                    .exists()
                )
                if stepped_back_again or (
                    latest is not None and (latest.at, latest.id) > (voided.at, voided.id)
                ):
                    raise StaleVisit(
                        f"Not undone ({change.description}): the visit was moved again since."
                    )
                voided.undone_at = None
                voided.save()
                self._sync_stage(visit)
            if change.field_name is not None:
                setattr(visit, change.field_name, change.old_value)
                visit.save()
            return f"Undone: {change.description}"

    # -- helpers -----------------------------------------------------------

    def _visit_as_seen(self, row: BoardRow) -> Visit | None:
        """The row's visit, provided it is still the record the terminal showed: the same
        visit, of the same patient and booking, at the same stage, not moved since."""
        visit: Visit | None
        if row.visit_id is not None:
            visit = Visit.get_or_none(Visit.id == row.visit_id)
            if visit is None or visit.patient_id != row.patient_id:
                raise StaleVisit(f"{row.full_name}'s visit was removed on another terminal.")
            if visit.appointment_id != row.appointment_id:
                raise StaleVisit(
                    f"{row.full_name}'s visit is no longer for the booking shown "
                    "(changed on another terminal)."
                )
        elif row.appointment_id is not None:
            visit = Visit.get_or_none(Visit.appointment == row.appointment_id)
        else:
            visit = None
        current = Stage(visit.stage) if visit is not None else Stage.SCHEDULED
        if current != row.stage:
            raise StaleVisit(
                f"{row.full_name} is already {STAGE_LABELS[current]} (changed on another terminal)."
            )
        if row.visit_id is not None and visit is not None:
            latest = self._latest_event(visit.id)
            if (latest.id if latest is not None else None) != row.latest_event_id:
                raise StaleVisit(
                    f"{row.full_name}'s visit was moved on another terminal since "
                    f"(now {STAGE_LABELS[current]} again): look again before you move it."
                )
        return visit

    @staticmethod
    def _as_seen_field(row: BoardRow, visit: Visit, field_name: str) -> int | None:
        """The visit's room or provider, provided it is still the one the row showed."""
        current: int | None = getattr(visit, f"{field_name}_id")
        seen = row.room_id if field_name == "room" else row.provider_id
        if current != seen:
            raise StaleVisit(
                f"{row.full_name}'s {field_name} was changed on another terminal "
                f"(now {_named(field_name, current)}): nothing was saved."
            )
        return current

    def _latest_event(self, visit_id: int) -> VisitEvent | None:
        event: VisitEvent | None = (
            VisitEvent.select()
            .where(VisitEvent.visit == visit_id, VisitEvent.undone_at.is_null())
            .order_by(VisitEvent.at.desc(), VisitEvent.id.desc())
            .first()
        )
        return event

    def _add_event(self, visit: Visit, stage: Stage) -> VisitEvent:
        event: VisitEvent = VisitEvent.create(
            visit=visit.id, stage=stage, at=utc_naive(self.clock.now()), by=recorded(self.staff_id)
        )
        visit.stage = stage
        visit.save()
        return event

    def _sync_stage(self, visit: Visit) -> Stage:
        latest = self._latest_event(visit.id)
        stage = Stage(latest.stage) if latest is not None else Stage.SCHEDULED
        visit.stage = stage
        visit.save()
        return stage


def _type_name(appointment: Appointment) -> str | None:
    kind = appointment.type if appointment.type_id is not None else None
    return str(kind.name) if kind is not None else None


def _type_letter(appointment: Appointment) -> str:
    kind = appointment.type if appointment.type_id is not None else None
    return str(kind.letter) if kind is not None else ""


def _named(field_name: str, key: int | None) -> str:
    """A room's or provider's name, for a message; "no room" for none."""
    if key is None:
        return f"no {field_name}"
    model = Room if field_name == "room" else Staff
    return str(model.get_by_id(key).name)


_TICK = dt.timedelta(microseconds=1)
_ROOM_HELD = frozenset({Stage.ROOMED, Stage.WITH_PROVIDER})
_ROOM_SHOWN = _ROOM_HELD | {Stage.ARRIVED}  # a waiting patient may be told their room
