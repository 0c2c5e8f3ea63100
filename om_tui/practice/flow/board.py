"""What the board shows: today's visits and bookings as rows, who needs attention
first (late, long in a stage), and the day's figures.
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
    Setting,
    Staff,
    Stage,
    Visit,
    VisitEvent,
    as_utc,
    utc_naive,
)
from om_tui.practice.acting import Acting
from om_tui.practice.changes import tables_of
from om_tui.practice.flow.stages import _ROOM_SHOWN, _TICK, FINISHED, IN_OFFICE
from om_tui.practice.settings import PracticeSettings


class Severity(IntEnum):
    NORMAL = 0
    WARNING = 1
    ALERT = 2


BOARD_TABLES = tables_of(
    Appointment, AppointmentType, Patient, Room, Setting, Staff, Visit, VisitEvent
)
"""What the board is read from (`Flow.board`): a change to anything else is not re-read."""

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


class FlowReading(Acting):
    """Today's board as the front desk sees it, with the rooms and providers it offers."""

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


def _type_name(appointment: Appointment) -> str | None:
    kind = appointment.type if appointment.type_id is not None else None
    return str(kind.name) if kind is not None else None


def _type_letter(appointment: Appointment) -> str:
    kind = appointment.type if appointment.type_id is not None else None
    return str(kind.letter) if kind is not None else ""
