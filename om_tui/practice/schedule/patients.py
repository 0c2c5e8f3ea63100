"""Patient records: adding, correcting, marking inactive, merging, and a patient's card.

The front desk and managers keep the records (people.PERMISSIONS["patients"]). Names,
birth dates and phones are read by the same rules as at check-in
(om_tui.practice.flow.patients), and the same duplicate guard applies: one name and birth
date is one patient. Every change carries the record as the person saw it (its
revision): a record changed on another terminal since is not written over
("Changed on another terminal since you opened it: nothing was saved").

An inactive patient keeps their history but is not offered at check-in or booking;
marking them active again brings them back. Two records of one person are merged
into the one kept: their visits, appointments and everything else pointing at the
patient move to it, in one transaction; the record merged away stays, inactive,
pointing at the one kept (for the trail and for anyone who still shows it), and the
trail records the merge by name. A terminal still checking in or booking the record
merged away is refused and told where it went (patients.not_offered_why).

Each change sets the record's `revision` to the practice's next change count, so the
check-in search of every terminal reads again exactly the records changed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from peewee import JOIN, ForeignKeyField, fn

from db.models import (
    MODELS,
    Appointment,
    AppointmentType,
    Blockout,
    CarePlan,
    Patient,
    Room,
    Staff,
    Stage,
    Visit,
    WorkingHours,
    as_utc,
    utc_naive,
)
from om_tui.practice import time_words
from om_tui.practice.acting import Acting
from om_tui.practice.changes import tables_of
from om_tui.practice.flow.patients import (
    NewPatient,
    PatientInputError,
    add_patient,
    find_same,
    new_patient_problems,
    read_new_patient,
)
from om_tui.practice.flow.stages import STAGE_LABELS
from om_tui.practice.people import audit
from om_tui.practice.refusal import Refusal
from om_tui.practice.schedule.acting import require

PATIENTS_TABLES = tables_of(
    Appointment, AppointmentType, Blockout, CarePlan, Patient, Room, Staff, Visit, WorkingHours
)
"""What the patients screen is read from (the list, and a card's appointments, visits, plans)."""

STALE = "Changed on another terminal since you opened it: nothing was saved."
LONGEST_EMAIL = 254
LONGEST_NOTES = 2000
CARD_LINES = 12
"""Past visits a card lists (the newest); the count says how many there are in all."""
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_DOING = "changes patient records"


class RecordError(Refusal):
    """A change to a patient record that cannot be made; the message is fit to show."""


@dataclass(frozen=True)
class PatientFields:
    """A record as typed in the form: every field as text."""

    name: str
    dob: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""


@dataclass(frozen=True)
class PatientRecord:
    """A patient's record as a screen shows it; its revision tells a later change apart."""

    patient_id: int
    first_name: str
    last_name: str
    dob: dt.date | None
    phone: str
    email: str
    notes: str
    chart_number: str
    active: bool
    revision: int
    merged_into: int | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def fields(self) -> PatientFields:
        """The record as the form shows it, to edit."""
        born = time_words.numeric_day(self.dob) if self.dob else ""
        return PatientFields(self.full_name, born, self.phone, self.email, self.notes)


@dataclass(frozen=True)
class CardLine:
    """One appointment or visit on a patient's card."""

    when: dt.datetime | dt.date  # an appointment's start (UTC), else a walk-in's day
    what: str  # "Regular", "Walk-in"
    provider: str
    room: str
    state: str  # "Booked", "Done", "No-show"


@dataclass(frozen=True)
class PatientCard:
    """A patient's record with their upcoming appointments and their past ones and visits."""

    record: PatientRecord
    upcoming: list[CardLine] = field(default_factory=list)
    past: list[CardLine] = field(default_factory=list)  # newest first, at most CARD_LINES
    past_count: int = 0
    merged_from: list[str] = field(default_factory=list)  # records merged into this one


def parse_email(text: str) -> str:
    """An email address, or empty; refused when it cannot be one."""
    email = text.strip()
    if not email:
        return ""
    if len(email) > LONGEST_EMAIL or not _EMAIL.fullmatch(email):
        raise PatientInputError("email", "An email address like name@example.com, please.")
    return email


def parse_notes(text: str) -> str:
    notes = text.strip()
    if len(notes) > LONGEST_NOTES:
        raise PatientInputError("notes", f"Notes have at most {LONGEST_NOTES} characters.")
    return notes


def field_problems(fields: PatientFields, today: dt.date) -> dict[str, str]:
    """Every field's problem at once (field → message), the check-in form's rules and more."""
    problems = new_patient_problems(fields.name, fields.dob, fields.phone, today)
    for name, check in (("email", parse_email), ("notes", parse_notes)):
        try:
            check(getattr(fields, name))
        except PatientInputError as error:
            problems[name] = str(error)
    return problems


def _record(patient: Patient) -> PatientRecord:
    return PatientRecord(
        patient.id,
        patient.first_name,
        patient.last_name,
        patient.dob,
        patient.phone,
        patient.email,
        patient.notes,
        patient.chart_number,
        bool(patient.active),
        patient.revision,
        patient.merged_into_id,
    )


def _next_revision() -> int:
    return int(Patient.select(fn.MAX(Patient.revision)).scalar() or 0) + 1


def _patient_references() -> list[ForeignKeyField]:
    """Every column in the practice's tables that names a patient (a merge moves them all)."""
    return [
        column
        for model in MODELS
        for column in model._meta.fields.values()
        if isinstance(column, ForeignKeyField)
        and column.rel_model is Patient
        and column is not Patient.merged_into
    ]


class PatientRecords(Acting):
    """Patient records, read and kept in the acting person's name."""

    # -- reading -------------------------------------------------------------------------

    def record(self, patient_id: int) -> PatientRecord:
        patient = Patient.get_or_none(Patient.id == patient_id)
        if patient is None:
            raise RecordError("That patient is no longer on file.")
        return _record(patient)

    def any_patients(self) -> bool:
        return bool(Patient.select().exists())

    def card(self, patient_id: int) -> PatientCard:
        """The record, the appointments to come, and the past ones and visits, newest first."""
        record = self.record(patient_id)
        now = utc_naive(self.clock.now())
        Provider = Staff.alias()
        VisitProvider = Staff.alias()
        booked = list(
            Appointment.select(Appointment, Provider, Visit, Room, VisitProvider)
            .join(Provider, JOIN.LEFT_OUTER, on=(Appointment.provider == Provider.id))
            .switch(Appointment)
            .join(Visit, JOIN.LEFT_OUTER, on=(Visit.appointment == Appointment.id))
            .join(Room, JOIN.LEFT_OUTER, on=(Visit.room == Room.id))
            .switch(Visit)
            .join(VisitProvider, JOIN.LEFT_OUTER, on=(Visit.provider == VisitProvider.id))
            .where(Appointment.patient == patient_id)
            .order_by(Appointment.start)
        )
        upcoming: list[CardLine] = []
        past: list[CardLine] = []
        for appointment in booked:
            visit = appointment.visit if hasattr(appointment, "visit") else None
            visit = visit if visit is not None and visit.id is not None else None
            line = self._line(appointment, visit)
            if visit is None and appointment.start >= now:
                upcoming.append(line)
            else:
                past.append(line)
        walk_ins = (
            Visit.select(Visit, Room, Staff)
            .join(Room, JOIN.LEFT_OUTER)
            .switch(Visit)
            .join(Staff, JOIN.LEFT_OUTER)
            .where(Visit.patient == patient_id, Visit.appointment.is_null())
        )
        past += [self._line(None, visit) for visit in walk_ins]
        past.sort(key=lambda line: self._sort_time(line.when), reverse=True)
        merged_from = [
            f"{p.full_name} (chart #{p.chart_number})"
            for p in Patient.select().where(Patient.merged_into == patient_id).order_by(Patient.id)
        ]
        return PatientCard(record, upcoming, past[:CARD_LINES], len(past), merged_from)

    def _line(self, appointment: Appointment | None, visit: Visit | None) -> CardLine:
        when: dt.datetime | dt.date
        if appointment is not None:
            when = as_utc(appointment.start)
            kind = appointment.type if appointment.type_id is not None else None
            what = kind.name if kind is not None else "Appointment"
            provider = appointment.provider.name if appointment.provider is not None else ""
        else:
            assert visit is not None
            when, what, provider = visit.date, "Walk-in", ""
        room = ""
        state = "Booked"
        if visit is not None:
            state = STAGE_LABELS[Stage(visit.stage)]
            if visit.provider is not None:
                provider = visit.provider.name
            if visit.room is not None:
                room = visit.room.name
        elif appointment is not None and appointment.cancelled_at is not None:
            state = "Cancelled"  # in the book
        elif appointment is not None and appointment.missed_at is not None:
            state = "Missed"
        elif appointment is not None and as_utc(appointment.start) < self.clock.now():
            state = "Not seen"  # booked, never checked in or ended on the board
        return CardLine(when, what, provider, room, state)

    def _sort_time(self, when: dt.datetime | dt.date) -> dt.datetime:
        if isinstance(when, dt.datetime):
            return when
        return self.settings.day_bounds(when)[0]

    # -- changing ------------------------------------------------------------------------

    def add(self, fields: PatientFields) -> PatientRecord:
        """A new patient; refused when one of the same name and birth date is on file."""
        new = read_new_patient(fields.name, fields.dob, fields.phone, self.today())
        email, notes = parse_email(fields.email), parse_notes(fields.notes)
        with self.database.atomic():
            require(self.database, self.staff_id, "patients", _DOING)
            self._refuse_duplicate(new)
            patient = add_patient(self.database, self.clock, new, by=self.staff_id)
            if email or notes:
                Patient.update(email=email, notes=notes).where(Patient.id == patient.id).execute()
            return self.record(patient.id)

    def edit(self, seen: PatientRecord, fields: PatientFields) -> PatientRecord:
        """Correct a record's name, birth date, phone, email or notes."""
        new = read_new_patient(fields.name, fields.dob, fields.phone, self.today())
        email, notes = parse_email(fields.email), parse_notes(fields.notes)
        with self.database.atomic():
            require(self.database, self.staff_id, "patients", _DOING)
            self._as_seen(seen)
            self._refuse_duplicate(new, but=seen.patient_id)
            Patient.update(
                first_name=new.first_name,
                last_name=new.last_name,
                dob=new.dob,
                phone=new.phone,
                email=email,
                notes=notes,
                revision=_next_revision(),
            ).where(Patient.id == seen.patient_id).execute()
            return self.record(seen.patient_id)

    def set_active(self, seen: PatientRecord, active: bool) -> PatientRecord:
        """Mark a patient inactive (kept, not offered) or active again."""
        with self.database.atomic():
            require(self.database, self.staff_id, "patients", _DOING)
            patient = self._as_seen(seen)
            if patient.merged_into_id is not None:
                raise RecordError(f"{seen.full_name}'s record was merged into another: it stays.")
            if bool(patient.active) != active:
                Patient.update(active=active, revision=_next_revision()).where(
                    Patient.id == seen.patient_id
                ).execute()
            return self.record(seen.patient_id)

    def merge(self, keep: PatientRecord, away: PatientRecord) -> PatientRecord:
        """Merge `away` into `keep`: everything pointing at `away` moves to `keep`; what
        `keep` lacks (birth date, phone, email, notes) is taken from `away`; `away` stays,
        inactive, pointing at `keep`. One transaction, recorded by name in the trail."""
        if keep.patient_id == away.patient_id:
            raise RecordError("That is the same record: choose the other one to merge.")
        with self.database.atomic():
            require(self.database, self.staff_id, "patients", _DOING)
            kept, merged = self._as_seen(keep), self._as_seen(away)
            for patient in (kept, merged):
                if patient.merged_into_id is not None:
                    raise RecordError(f"{patient.full_name}'s record was already merged away.")
            moved: dict[str, int] = {}
            for column in _patient_references():
                count = (
                    column.model.update({column: keep.patient_id})
                    .where(column == away.patient_id)
                    .execute()
                )
                if count:
                    moved[column.model._meta.table_name] = count
            # Earlier merges into the record merged away now point at the one kept.
            Patient.update(merged_into=keep.patient_id).where(
                Patient.merged_into == away.patient_id
            ).execute()
            taken = {
                name: getattr(merged, name)
                for name in ("dob", "phone", "email", "notes")
                if not getattr(kept, name) and getattr(merged, name)
            }
            revision = _next_revision()
            Patient.update(active=False, merged_into=keep.patient_id, revision=revision).where(
                Patient.id == away.patient_id
            ).execute()
            Patient.update({**taken, "revision": revision + 1}).where(
                Patient.id == keep.patient_id
            ).execute()
            audit.record(
                self.database,
                "merge_patients",
                f"{away.full_name} (chart #{away.chart_number}) into "
                f"{keep.full_name} (chart #{keep.chart_number})",
                {
                    "kept": keep.patient_id,
                    "merged": away.patient_id,
                    "moved": moved,
                    "taken": sorted(taken),
                },
            )
            return self.record(keep.patient_id)

    # -- helpers -------------------------------------------------------------------------

    def _as_seen(self, seen: PatientRecord) -> Patient:
        patient: Patient | None = Patient.get_or_none(Patient.id == seen.patient_id)
        if patient is None or patient.revision != seen.revision:
            raise RecordError(STALE)
        return patient

    def _refuse_duplicate(self, new: NewPatient, but: int | None = None) -> None:
        same = find_same(self.database, new, but=but)
        if same is not None:
            raise RecordError(
                f"Already on file: {same.full_name}, "
                f"born {time_words.numeric_day(same.dob) if same.dob else 'unknown'}, chart "
                f"#{same.chart_number}. Open that record (or merge the two) instead."
            )
