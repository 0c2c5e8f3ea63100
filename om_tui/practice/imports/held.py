"""Imported appointments held for a person: kept as the source said them, one row per
(source, external id), while one file is applied.

- A line whose patient cannot be told without a person is held (the rest of the file
  goes in). Held again by a later file: the row is replaced only if the source changed
  what it says, so what a person is looking at stays put while a nightly file says the
  same thing again.
- Once an import finds its patient (someone decided, or the source now gives a number
  om-tui knows), the row goes.
- A snapshot file that no longer lists a held appointment inside its days: the source
  cancelled it, and the row goes (nothing was booked here to cancel).
- One a person skipped stays skipped (kept, not asked about again) while the source says
  the same of it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

from db.bulk import insert_rows
from db.models import ImportHeld, utc_naive
from om_tui.practice.imports.matching import patient_key
from om_tui.practice.imports.records import ImportedAppointment, ImportedPatient, ImportStatus

_CHUNK = 500


def as_json(record: ImportedAppointment) -> str:
    """The record as stored: JSON, times and dates in ISO form."""
    fields: dict[str, Any] = asdict(record)
    fields["start"] = record.start.isoformat()
    fields["patient"]["dob"] = record.patient.dob.isoformat() if record.patient.dob else None
    fields["status"] = record.status.value
    return json.dumps(fields, sort_keys=True)


def from_json(text: str) -> ImportedAppointment:
    fields = json.loads(text)
    person = fields.pop("patient")
    dob = person.pop("dob")
    return ImportedAppointment(
        **{
            **fields,
            "start": dt.datetime.fromisoformat(fields["start"]),
            "status": ImportStatus(fields["status"]),
            "patient": ImportedPatient(**person, dob=dt.date.fromisoformat(dob) if dob else None),
        }
    )


class Holding:
    """One file's holds and releases for a source, written together at the end."""

    def __init__(self, source: str, file_name: str, now: dt.datetime) -> None:
        self.source = source
        self.file_name = file_name
        self.now = utc_naive(now)
        self.held: dict[str, tuple[int, str]] = {
            str(row.external_id): (int(row.id), str(row.record))
            for row in ImportHeld.select(
                ImportHeld.id, ImportHeld.external_id, ImportHeld.record
            ).where(ImportHeld.source == source)
        }
        self._hold: dict[str, dict[str, object]] = {}
        self._release: set[int] = set()

    def hold(self, record: ImportedAppointment, reason: str) -> None:
        text = as_json(record)
        before = self.held.get(record.external_id)
        if before is not None and before[1] == text:
            return  # said the same again: left as it is (skipped ones stay skipped)
        if before is not None:
            self._release.add(before[0])
        self._hold[record.external_id] = {
            "source": self.source,
            "external_id": record.external_id,
            "patient_key": patient_key(record.patient),
            "reason": reason,
            "record": text,
            "file_name": self.file_name,
            "line": record.line,
            "held_at": self.now,
        }

    def release(self, external_id: str) -> None:
        """The appointment went into the book (or the source cancelled it): no longer held."""
        self._hold.pop(external_id, None)
        before = self.held.get(external_id)
        if before is not None:
            self._release.add(before[0])

    def vanished(self, listed: set[str], begin: dt.datetime, end: dt.datetime) -> None:
        """Held appointments inside a snapshot's days that it no longer lists."""
        for external_id, (_id, text) in self.held.items():
            if external_id not in listed and begin <= from_json(text).start < end:
                self.release(external_id)

    def save(self) -> None:
        released = sorted(self._release)
        for at in range(0, len(released), _CHUNK):
            ImportHeld.delete().where(ImportHeld.id.in_(released[at : at + _CHUNK])).execute()
        insert_rows(ImportHeld._meta.database, ImportHeld, list(self._hold.values()))
        self._release.clear()
        self._hold.clear()
