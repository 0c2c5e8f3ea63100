"""The practice's lists for its book: appointment types, confirmation states, and the
reasons it gives for a cancellation.

A type has a name, a usual length (filled in when booking it), a letter the book
shows, and whether it counts as a new patient: the New patients stat counts visits
of such types. Types, states and reasons are retired, never deleted: old appointments
keep naming them. The first confirmation state (by position) is a new booking's.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import Database, IntegrityError, fn

from db.models import AppointmentType, CancelReason, ConfirmationStatus
from om_tui.practice.schedule.access import SETUP, ScheduleError, require

LONGEST_MINUTES = 24 * 60 - 1


@dataclass(frozen=True)
class TypeLine:
    id: int
    name: str
    minutes: int
    letter: str
    new_patient: bool
    active: bool = True

    @property
    def label(self) -> str:
        """ "R  Regular (15 min)": how a list of types shows one."""
        return f"{self.letter}  {self.name} ({self.minutes} min)"


@dataclass(frozen=True)
class StatusLine:
    id: int
    name: str
    mark: str


def _line(row: AppointmentType) -> TypeLine:
    return TypeLine(row.id, row.name, row.minutes, row.letter, row.new_patient, row.active)


def appointment_types(*, retired: bool = False) -> list[TypeLine]:
    """The practice's types in their order (the retired ones too when asked)."""
    query = AppointmentType.select().order_by(AppointmentType.position, AppointmentType.id)
    if not retired:
        query = query.where(AppointmentType.active == True)  # noqa: E712
    return [_line(row) for row in query]


def type_named(name: str) -> TypeLine:
    """A type by its name or letter, as typed (any case)."""
    wanted = name.strip().casefold()
    for line in appointment_types(retired=True):
        if wanted in (line.name.casefold(), line.letter.casefold()):
            return line
    known = ", ".join(t.name for t in appointment_types())
    raise ScheduleError(f"There is no appointment type {name!r}: the types are {known}.")


def check_minutes(minutes: int) -> int:
    """An appointment's length: more than 0, less than a day."""
    if minutes <= 0:
        raise ScheduleError("An appointment lasts at least a minute.")
    if minutes > LONGEST_MINUTES:
        raise ScheduleError("An appointment lasts less than 24 hours.")
    return minutes


def add_type(
    database: Database,
    staff_id: int | None,
    name: str,
    minutes: int,
    letter: str,
    new_patient: bool = False,
) -> TypeLine:
    """A new appointment type, last in the list (the managers')."""
    require(staff_id, SETUP, "define appointment types")
    name = " ".join(name.split())
    letter = letter.strip()
    if not name:
        raise ScheduleError("An appointment type needs a name.")
    if len(letter) != 1:
        raise ScheduleError("An appointment type's letter is one character, like N or R.")
    check_minutes(minutes)
    with database.atomic():
        position = (AppointmentType.select(fn.MAX(AppointmentType.position)).scalar() or 0) + 1
        try:
            row = AppointmentType.create(
                name=name,
                minutes=minutes,
                letter=letter,
                new_patient=new_patient,
                position=position,
            )
        except IntegrityError:
            raise ScheduleError(f"There is an appointment type {name!r} already.") from None
    return _line(row)


def edit_type(
    database: Database,
    staff_id: int | None,
    type_id: int,
    *,
    minutes: int | None = None,
    letter: str | None = None,
    new_patient: bool | None = None,
    active: bool | None = None,
) -> TypeLine:
    """Change a type's length, letter, new-patient flag, or retire it (active False)."""
    require(staff_id, SETUP, "change appointment types")
    with database.atomic():
        row = AppointmentType.get_or_none(AppointmentType.id == type_id)
        if row is None:
            raise ScheduleError("That appointment type is gone.")
        if minutes is not None:
            row.minutes = check_minutes(minutes)
        if letter is not None:
            if len(letter.strip()) != 1:
                raise ScheduleError("An appointment type's letter is one character, like N or R.")
            row.letter = letter.strip()
        if new_patient is not None:
            row.new_patient = new_patient
        if active is not None:
            row.active = active
        row.save()
    return _line(row)


def statuses() -> list[StatusLine]:
    """The practice's confirmation states, in order; the first is a new booking's."""
    query = (
        ConfirmationStatus.select()
        .where(ConfirmationStatus.active == True)  # noqa: E712
        .order_by(ConfirmationStatus.position, ConfirmationStatus.id)
    )
    return [StatusLine(row.id, row.name, row.mark) for row in query]


def first_status() -> int | None:
    listed = statuses()
    return listed[0].id if listed else None


def following_status(current: int | None) -> int | None:
    """The state after `current`, round the list: one key steps through them."""
    ids = [s.id for s in statuses()]
    if not ids:
        return None
    if current not in ids:
        return ids[0]
    return ids[(ids.index(current) + 1) % len(ids)]


def cancel_reasons() -> list[tuple[int, str]]:
    query = (
        CancelReason.select()
        .where(CancelReason.active == True)  # noqa: E712
        .order_by(CancelReason.position, CancelReason.id)
    )
    return [(row.id, row.text) for row in query]


def add_status(database: Database, staff_id: int | None, name: str, mark: str) -> StatusLine:
    """A confirmation state, last in the list (the key steps through them in order)."""
    require(staff_id, SETUP, "define confirmation states")
    name, mark = " ".join(name.split()), mark.strip()
    if not name or len(mark) != 1:
        raise ScheduleError("A confirmation state needs a name and a one-character mark.")
    with database.atomic():
        position = (
            ConfirmationStatus.select(fn.MAX(ConfirmationStatus.position)).scalar() or 0
        ) + 1
        try:
            row = ConfirmationStatus.create(name=name, mark=mark, position=position)
        except IntegrityError:
            raise ScheduleError(f"There is a confirmation state {name!r} already.") from None
    return StatusLine(row.id, row.name, row.mark)


def add_reason(database: Database, staff_id: int | None, text: str) -> tuple[int, str]:
    """A reason for cancelling, last in the list."""
    require(staff_id, SETUP, "list reasons for cancelling")
    text = " ".join(text.split())
    if not text:
        raise ScheduleError("A reason for cancelling needs some words.")
    with database.atomic():
        position = (CancelReason.select(fn.MAX(CancelReason.position)).scalar() or 0) + 1
        try:
            row = CancelReason.create(text=text, position=position)
        except IntegrityError:
            raise ScheduleError(f"{text!r} is a reason already.") from None
    return row.id, row.text
