"""Whom and what an imported appointment is for, in om-tui's own records.

Patients: by the source's patient number first (a number seen before, kept in
`SourcePatient`); else by name and birth date (the guard walk-ins use, `find_same`);
else, when nobody has that name, a new patient. Two patients who fit, or a name without
a birth date that someone already has, is not guessed: the line waits for a person.

Providers, rooms and types: by the source's mapping, then by name (without case, "Dr."
or punctuation), and a provider also by a last name only one provider has. One not
found is listed, never invented.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from peewee import Database, fn

from db.models import AppointmentType, Patient, Room, SourcePatient, Staff
from om_tui.practice.clock import Clock
from om_tui.practice.imports.mapping import Mapping
from om_tui.practice.imports.records import ImportedPatient
from om_tui.practice.patients import NewPatient, add_patient, find_same


def name_key(name: str) -> str:
    """A name as compared: lower case, words only, without a title."""
    words = re.sub(r"[^\w\s]", " ", name.lower()).split()
    return " ".join(w for w in words if w not in ("dr", "doctor", "dds", "dc", "md", "do"))


@dataclass(frozen=True)
class Ambiguous:
    """Why the patient cannot be told without a person (no names: the report is printed)."""

    reason: str


class Names:
    """The practice's providers, rooms and types, looked up by a source's names."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.providers = {
            name_key(s.name): s.id
            for s in Staff.select().where(Staff.provider == True, Staff.active == True)  # noqa: E712
        }
        self.rooms = {name_key(r.name): r.id for r in Room.select().where(Room.retired == False)}  # noqa: E712
        self.types = {
            name_key(t.name): t.id
            for t in AppointmentType.select().where(AppointmentType.active == True)  # noqa: E712
        }
        self.type_minutes = {t.id: t.minutes for t in AppointmentType.select()}

    def provider(self, theirs: str) -> int | None:
        key = name_key(self.mapping.providers.get(theirs, theirs))
        if key in self.providers:
            return self.providers[key]
        last = key.rpartition(" ")[2]
        same = [i for k, i in self.providers.items() if k.rpartition(" ")[2] == last]
        return same[0] if last and len(same) == 1 else None

    def room(self, theirs: str) -> int | None:
        return self.rooms.get(name_key(self.mapping.rooms.get(theirs, theirs)))

    def type(self, theirs: str) -> int | None:
        return self.types.get(name_key(self.mapping.types.get(theirs, theirs)))


class Patients:
    """Finds or adds the patients of one file's lines, remembering each answer."""

    def __init__(self, database: Database, clock: Clock, source: str) -> None:
        self.database = database
        self.clock = clock
        self.source = source
        self.added = 0
        self._known: dict[tuple[str, ...], int | Ambiguous] = {}

    def find(self, patient: ImportedPatient) -> int | Ambiguous:
        key = (
            ("number", patient.number)
            if patient.number
            else ("name", name_key(patient.full_name), str(patient.dob))
        )
        if key not in self._known:
            self._known[key] = self._find(patient)
        return self._known[key]

    def _find(self, patient: ImportedPatient) -> int | Ambiguous:
        if patient.number:
            link = SourcePatient.get_or_none(
                SourcePatient.source == self.source, SourcePatient.number == patient.number
            )
            if link is not None:
                return _kept(link.patient_id)
        if not patient.first_name or not patient.last_name:
            return Ambiguous("only part of a name and a number not seen before")
        new = NewPatient(patient.first_name, patient.last_name, patient.dob, patient.phone)
        named = Patient.select().where(
            fn.LOWER(Patient.first_name) == new.first_name.lower(),
            fn.LOWER(Patient.last_name) == new.last_name.lower(),
            Patient.merged_into.is_null(),
        )
        if new.dob is not None:
            if named.where(Patient.dob == new.dob).count() > 1:
                return Ambiguous("two patients with this name and birth date")
            same = find_same(self.database, new)
            found = same.id if same is not None else None
        elif named.exists():
            return Ambiguous("a patient with this name, and no birth date to tell")
        else:
            found = None
        if found is None:
            found = add_patient(self.database, self.clock, new).id
            self.added += 1
        if patient.number:
            SourcePatient.create(source=self.source, number=patient.number, patient=found)
        return found


def _kept(patient_id: int) -> int:
    """The record kept, when the one linked was merged away since."""
    seen = {patient_id}
    while True:
        merged_into = Patient.select(Patient.merged_into).where(Patient.id == patient_id).scalar()
        if merged_into is None or merged_into in seen:
            return patient_id
        seen.add(merged_into)
        patient_id = merged_into


def day_bounds(first: dt.date, last: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The practice's days first..last as UTC instants, [begin, end)."""
    begin = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return begin.astimezone(dt.UTC), end.astimezone(dt.UTC)
