"""Whom and what an imported appointment is for, in om-tui's own records.

Patients: by the source's patient number first (a number seen before, kept in
`SourcePatient`, as is a person's answer for a name the source gives no number for);
else by name and birth date (the guard walk-ins use, `find_same`'s rule); else,
when nobody has that name, a new patient. Two patients who fit, or a name without
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

from db.bulk import insert_row, insert_rows
from db.models import AppointmentType, Patient, Room, SourcePatient, Staff, utc_naive
from om_tui.practice.clock import Clock
from om_tui.practice.flow.patients import chart_number_after
from om_tui.practice.imports.mapping import Mapping
from om_tui.practice.imports.records import ImportedPatient


def name_key(name: str) -> str:
    """A name as compared: lower case, words only, without a title."""
    words = re.sub(r"[^\w\s]", " ", name.lower()).split()
    return " ".join(w for w in words if w not in ("dr", "doctor", "dds", "dc", "md", "do"))


def patient_key(patient: ImportedPatient) -> str:
    """Whom a source's line is for, as a person's answer is remembered: the source's
    patient number, or (a source without numbers) the name and birth date it gives."""
    if patient.number:
        return patient.number
    return f"name:{name_key(patient.full_name)}|{patient.dob or ''}"


@dataclass(frozen=True)
class Ambiguous:
    """Why the patient cannot be told without a person (no names: the report is printed)."""

    reason: str


class Names:
    """The practice's providers, rooms and types, looked up by a source's names."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.providers: dict[str, int] = {
            name_key(s.name): int(s.id)
            for s in Staff.select().where(Staff.provider == True, Staff.active == True)  # noqa: E712
        }
        self.rooms: dict[str, int] = {
            name_key(r.name): int(r.id)
            for r in Room.select().where(Room.retired == False)  # noqa: E712
        }
        self.types: dict[str, int] = {
            name_key(t.name): int(t.id)
            for t in AppointmentType.select().where(AppointmentType.active == True)  # noqa: E712
        }

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
    """Finds or adds the patients of one file's lines, remembering each answer.

    The source's numbers are read once; the practice's names only when a line needs
    them, and then all at once (a file names thousands of patients): the same rule as
    `find_same`, held in memory for the length of one import."""

    def __init__(self, database: Database, clock: Clock, source: str) -> None:
        self.database = database
        self.clock = clock
        self.source = source
        self.added = 0
        self._known: dict[tuple[str, ...], int | Ambiguous] = {}
        self._links: dict[str, int] = {
            link.number: link.patient_id
            for link in SourcePatient.select(SourcePatient.number, SourcePatient.patient).where(
                SourcePatient.source == source
            )
        }
        self._merged: dict[int, int] = {
            p.id: int(p.merged_into_id or 0)
            for p in Patient.select(Patient.id, Patient.merged_into).where(
                Patient.merged_into.is_null(False)
            )
        }
        self._names: dict[tuple[str, str], list[tuple[int, dt.date | None]]] | None = None
        self._new_links: list[dict[str, object]] = []
        self._highest: int | None = None

    def find(self, patient: ImportedPatient) -> int | Ambiguous:
        key = (
            ("number", patient.number)
            if patient.number
            else ("name", name_key(patient.full_name), str(patient.dob))
        )
        if key not in self._known:
            self._known[key] = self._find(patient)
        return self._known[key]

    def save_links(self) -> None:
        """Keep the numbers first seen in this file (in a few statements, not thousands)."""
        insert_rows(self.database, SourcePatient, self._new_links)
        self._new_links.clear()

    def _find(self, patient: ImportedPatient) -> int | Ambiguous:
        known = self._links.get(patient_key(patient))  # a number, or a person's answer
        if known is not None:
            return self._kept(known)
        if not patient.first_name or not patient.last_name:
            return Ambiguous("only part of a name and a number not seen before")
        named = self._named(patient.first_name, patient.last_name)
        if patient.dob is not None:
            same = [pid for pid, dob in named if dob == patient.dob]
            if len(same) > 1:
                return Ambiguous("two patients with this name and birth date")
            found = same[0] if same else None
        elif named:
            return Ambiguous("a patient with this name, and no birth date to tell")
        else:
            found = None
        if found is None:
            found = self._add(patient)
            named.append((found, patient.dob))
            self.added += 1
        if patient.number:
            self._links[patient.number] = found
            self._new_links.append(
                {"source": self.source, "number": patient.number, "patient": found}
            )
        return found

    def _add(self, patient: ImportedPatient) -> int:
        """A new patient, as `add_patient` adds one (its chart number rule), without
        asking for the highest id again for each of a file's thousands."""
        if self._highest is None:
            self._highest = Patient.select(fn.MAX(Patient.id)).scalar() or 0
        added = insert_row(
            self.database,
            Patient,
            {
                "first_name": patient.first_name,
                "last_name": patient.last_name,
                "dob": patient.dob,
                "phone": patient.phone,
                "chart_number": chart_number_after(self._highest),
                "created": utc_naive(self.clock.now()),
            },
        )
        self._highest = max(self._highest, added)
        return added

    def _named(self, first: str, last: str) -> list[tuple[int, dt.date | None]]:
        """The patients (not merged away) of that name, read all at once the first time."""
        if self._names is None:
            self._names = {}
            for p in Patient.select(
                Patient.id, Patient.first_name, Patient.last_name, Patient.dob
            ).where(Patient.merged_into.is_null()):
                key = (p.first_name.lower(), p.last_name.lower())
                self._names.setdefault(key, []).append((p.id, p.dob))
        return self._names.setdefault((first.lower(), last.lower()), [])

    def _kept(self, patient_id: int) -> int:
        """The record kept, when the one linked was merged away since."""
        seen = {patient_id}
        while patient_id in self._merged and self._merged[patient_id] not in seen:
            patient_id = self._merged[patient_id]
            seen.add(patient_id)
        return patient_id


def day_bounds(first: dt.date, last: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The practice's days first..last as UTC instants, [begin, end)."""
    begin = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return begin.astimezone(dt.UTC), end.astimezone(dt.UTC)
