"""The practice's lists for its book: appointment types, confirmation states, and the
reasons it gives for a cancellation.

A type has a name, a usual length (filled in when booking it), a letter the book
shows, a colour, and whether it counts as a new patient: the New patients stat counts
visits of such types. Types, states and reasons are retired, never deleted: old
appointments keep naming them; a retired one comes back at the end of its list. The
first confirmation state (by position) is a new booking's. The managers and the owner
keep these lists; an edit from a screen names what the person saw, and is refused when
another terminal changed it meanwhile (`seen`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peewee import Database, IntegrityError, fn

from db.models import AppointmentType, CancelReason, ConfirmationStatus
from om_tui.practice.schedule.access import SETUP, ScheduleError, require
from om_tui.practice.seen import require_unchanged

LONGEST_MINUTES = 24 * 60 - 1
LONGEST_NAME = 40
COLOURS = ("", "red", "green", "yellow", "blue", "magenta", "cyan")
"""The colours a type may have (the terminal's own, so every theme draws them); "": none."""

Listed = type[AppointmentType] | type[ConfirmationStatus] | type[CancelReason]
"""The book's ordered lists: types, states, reasons."""


@dataclass(frozen=True)
class TypeLine:
    id: int
    name: str
    minutes: int
    letter: str
    new_patient: bool
    active: bool = True
    colour: str = ""

    @property
    def label(self) -> str:
        """ "R  Regular (15 min)": how a list of types shows one."""
        return f"{self.letter}  {self.name} ({self.minutes} min)"

    @property
    def seen(self) -> dict[str, object]:
        """What a screen showed of it: an edit is refused if any of it changed since."""
        return {
            "name": self.name,
            "minutes": self.minutes,
            "letter": self.letter,
            "new_patient": self.new_patient,
            "active": self.active,
            "colour": self.colour,
        }


@dataclass(frozen=True)
class StatusLine:
    id: int
    name: str
    mark: str
    active: bool = True

    @property
    def seen(self) -> dict[str, object]:
        return {"name": self.name, "mark": self.mark, "active": self.active}


@dataclass(frozen=True)
class ReasonLine:
    id: int
    text: str
    active: bool = True

    @property
    def seen(self) -> dict[str, object]:
        return {"text": self.text, "active": self.active}


def _line(row: AppointmentType) -> TypeLine:
    return TypeLine(
        row.id, row.name, row.minutes, row.letter, row.new_patient, row.active, row.colour
    )


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
    colour: str = "",
) -> TypeLine:
    """A new appointment type, last in the list (the managers')."""
    name = checked_name(name, "An appointment type")
    letter = checked_mark(letter, "An appointment type's letter", "N or R")
    check_minutes(minutes)
    if colour not in COLOURS:
        raise ScheduleError(f"A type's colour is one of {', '.join(COLOURS[1:])}.")
    with database.atomic():
        require(database, staff_id, SETUP, "defines appointment types")
        try:
            row = AppointmentType.create(
                name=name,
                minutes=minutes,
                letter=letter,
                new_patient=new_patient,
                position=_last(AppointmentType),
                colour=colour,
            )
        except IntegrityError:
            raise ScheduleError(f"There is an appointment type {name!r} already.") from None
    return _line(row)


def edit_type(
    database: Database,
    staff_id: int | None,
    type_id: int,
    *,
    name: str | None = None,
    minutes: int | None = None,
    letter: str | None = None,
    new_patient: bool | None = None,
    active: bool | None = None,
    colour: str | None = None,
    seen: Mapping[str, object] | None = None,
) -> TypeLine:
    """Change a type's name, length, letter, colour, new-patient flag, or retire it (active
    False; True brings it back, at the end). Refused if it changed since `seen`."""
    with database.atomic():
        require(database, staff_id, SETUP, "changes appointment types")
        row = AppointmentType.get_or_none(AppointmentType.id == type_id)
        shown = seen.get("name", "That appointment type") if seen else "That appointment type"
        require_unchanged(str(shown), _line(row).seen if row else None, seen)
        if row is None:
            raise ScheduleError("That appointment type is gone.")
        if name is not None:
            row.name = checked_name(name, "An appointment type")
        if minutes is not None:
            row.minutes = check_minutes(minutes)
        if letter is not None:
            row.letter = checked_mark(letter, "An appointment type's letter", "N or R")
        if new_patient is not None:
            row.new_patient = new_patient
        if colour is not None:
            if colour not in COLOURS:
                raise ScheduleError(f"A type's colour is one of {', '.join(COLOURS[1:])}.")
            row.colour = colour
        _set_active(row, active)
        try:
            row.save()
        except IntegrityError:
            raise ScheduleError(f"There is an appointment type {row.name!r} already.") from None
    return _line(row)


def checked_name(name: str, what: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ScheduleError(f"{what} needs a name.")
    if len(name) > LONGEST_NAME:
        raise ScheduleError(f"{what}'s name is at most {LONGEST_NAME} characters.")
    return name


def checked_mark(mark: str, what: str, example: str) -> str:
    mark = mark.strip()
    if len(mark) != 1:
        raise ScheduleError(f"{what} is one character, like {example}.")
    return mark


def _set_active(
    row: AppointmentType | ConfirmationStatus | CancelReason, active: bool | None
) -> None:
    """Retire a row of the book's lists, or bring it back at the end of its list."""
    if active is not None and active != row.active:
        row.active = active
        if active:
            row.position = _last(type(row))


def _last(model: Listed) -> float:
    """A position after every row of the list."""
    return float((model.select(fn.MAX(model.position)).scalar() or 0) + 1)


def move(database: Database, staff_id: int | None, model: Listed, row_id: int, step: int) -> None:
    """Move a type, state or reason one place up (step -1) or down (1) among the active
    ones: the book offers them in this order (the first state is a new booking's)."""
    with database.atomic():
        require(database, staff_id, SETUP, "orders the book's lists")
        rows: list[Any] = list(
            model.select()
            .where(model.active == True)  # noqa: E712
            .order_by(model.position, model.id)
        )
        index = next((n for n, row in enumerate(rows) if row.id == row_id), None)
        if index is None:
            raise ScheduleError("That line was retired or removed on another terminal.")
        other = index + (1 if step > 0 else -1)
        if not 0 <= other < len(rows):
            return
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows, start=1):
            if row.position != position:
                model.update(position=position).where(model.id == row.id).execute()


def statuses(*, retired: bool = False) -> list[StatusLine]:
    """The practice's confirmation states, in order; the first is a new booking's."""
    query = ConfirmationStatus.select().order_by(ConfirmationStatus.position, ConfirmationStatus.id)
    if not retired:
        query = query.where(ConfirmationStatus.active == True)  # noqa: E712
    return [StatusLine(row.id, row.name, row.mark, row.active) for row in query]


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


def reasons(*, retired: bool = False) -> list[ReasonLine]:
    """The practice's reasons for cancelling, in order (the retired ones too when asked)."""
    query = CancelReason.select().order_by(CancelReason.position, CancelReason.id)
    if not retired:
        query = query.where(CancelReason.active == True)  # noqa: E712
    return [ReasonLine(row.id, row.text, row.active) for row in query]


def cancel_reasons() -> list[tuple[int, str]]:
    query = (
        CancelReason.select()
        .where(CancelReason.active == True)  # noqa: E712
        .order_by(CancelReason.position, CancelReason.id)
    )
    return [(row.id, row.text) for row in query]


def add_status(database: Database, staff_id: int | None, name: str, mark: str) -> StatusLine:
    """A confirmation state, last in the list (the key steps through them in order)."""
    name = checked_name(name, "A confirmation state")
    mark = checked_mark(mark, "A state's mark", "? or ✓")
    with database.atomic():
        require(database, staff_id, SETUP, "defines confirmation states")
        try:
            row = ConfirmationStatus.create(
                name=name, mark=mark, position=_last(ConfirmationStatus)
            )
        except IntegrityError:
            raise ScheduleError(f"There is a confirmation state {name!r} already.") from None
    return StatusLine(row.id, row.name, row.mark)


def add_reason(database: Database, staff_id: int | None, text: str) -> tuple[int, str]:
    """A reason for cancelling, last in the list."""
    text = " ".join(text.split())
    if not text:
        raise ScheduleError("A reason for cancelling needs some words.")
    with database.atomic():
        require(database, staff_id, SETUP, "lists reasons for cancelling")
        try:
            row = CancelReason.create(text=text, position=_last(CancelReason))
        except IntegrityError:
            raise ScheduleError(f"{text!r} is a reason already.") from None
    return row.id, row.text


def edit_status(
    database: Database,
    staff_id: int | None,
    status_id: int,
    *,
    name: str | None = None,
    mark: str | None = None,
    active: bool | None = None,
    seen: Mapping[str, object] | None = None,
) -> StatusLine:
    """Rename a confirmation state, change its mark, retire it or bring it back. The
    last one is not retired: every booking has a state."""
    with database.atomic():
        require(database, staff_id, SETUP, "changes confirmation states")
        row = ConfirmationStatus.get_or_none(ConfirmationStatus.id == status_id)
        current = StatusLine(row.id, row.name, row.mark, row.active).seen if row else None
        require_unchanged(str(seen.get("name") if seen else "That state"), current, seen)
        if row is None:
            raise ScheduleError("That confirmation state is gone.")
        if name is not None:
            row.name = checked_name(name, "A confirmation state")
        if mark is not None:
            row.mark = checked_mark(mark, "A state's mark", "? or ✓")
        if active is False and row.active and len(statuses()) == 1:
            raise ScheduleError("The book keeps at least one confirmation state.")
        _set_active(row, active)
        try:
            row.save()
        except IntegrityError:
            raise ScheduleError(f"There is a confirmation state {row.name!r} already.") from None
    return StatusLine(row.id, row.name, row.mark, row.active)


def edit_reason(
    database: Database,
    staff_id: int | None,
    reason_id: int,
    *,
    text: str | None = None,
    active: bool | None = None,
    seen: Mapping[str, object] | None = None,
) -> ReasonLine:
    """Reword a reason for cancelling, retire it or bring it back (the last one stays:
    a cancellation gives a reason)."""
    with database.atomic():
        require(database, staff_id, SETUP, "changes the reasons for cancelling")
        row = CancelReason.get_or_none(CancelReason.id == reason_id)
        current = ReasonLine(row.id, row.text, row.active).seen if row else None
        require_unchanged(str(seen.get("text") if seen else "That reason"), current, seen)
        if row is None:
            raise ScheduleError("That reason is gone.")
        if text is not None:
            words = " ".join(text.split())
            if not words:
                raise ScheduleError("A reason for cancelling needs some words.")
            row.text = words
        if active is False and row.active and len(cancel_reasons()) == 1:
            raise ScheduleError("The book keeps at least one reason for cancelling.")
        _set_active(row, active)
        try:
            row.save()
        except IntegrityError:
            raise ScheduleError(f"{row.text!r} is a reason already.") from None
    return ReasonLine(row.id, row.text, row.active)
