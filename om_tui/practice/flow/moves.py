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


The board itself is read in board.py; a visit's stages are in stages.py.

One idea, the moves on the board (check in, advance, step back, assign, undo), kept whole
because they share one check of what the terminal saw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from db.models import (
    Appointment,
    Patient,
    Room,
    Staff,
    Stage,
    Visit,
    VisitEvent,
    utc_naive,
)
from om_tui.practice import time_words
from om_tui.practice.flow.board import BoardRow, FlowReading
from om_tui.practice.flow.patients import NewPatient, add_patient, not_offered_why
from om_tui.practice.flow.stages import (
    _ROOM_HELD,
    _TICK,
    FINISHED,
    IN_OFFICE,
    MAIN_LINE,
    STAGE_LABELS,
    FlowError,
    NothingChanged,
    StaleVisit,
)
from om_tui.practice.people.roles import checked, recorded


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


class Flow(FlowReading):
    """Today's board and the moves the front desk makes on it."""

    # -- moves -------------------------------------------------------------

    @checked("check_in", "moves patients through the visit")
    def walk_in(self, patient: NewPatient | int) -> Change:
        """A walk-in: the patient added if new (or one already on file), and checked in —
        both or neither."""
        if isinstance(patient, NewPatient):
            return self.check_in(
                add_patient(self.database, self.clock, patient, by=self.staff_id).id
            )
        return self.check_in(patient)

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
                        f"{time_words.clock(due, self.settings.zone)}: "
                        "not a no-show yet (Cancelled is)."
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


def _named(field_name: str, key: int | None) -> str:
    """A room's or provider's name, for a message; "no room" for none."""
    if key is None:
        return f"no {field_name}"
    model = Room if field_name == "room" else Staff
    return str(model.get_by_id(key).name)
