"""Applying a file read to the book: one transaction per file, or nothing.

- An appointment is its source's: keyed by (source, external id). Imported again
  unchanged, nothing changes (not even its version); changed, exactly what changed.
- A snapshot file (CSV, .ics) is the source's book over its days: an appointment of that
  source inside those days that the file no longer lists was cancelled there, and is
  cancelled here — and said. Outside those days nothing is touched. When bad lines were
  skipped, nothing is cancelled for vanishing (a skipped line may have been it).
- An event file (HL7 SIU) is applied message by message, in order.
- A line with bad data refuses the whole file, unless `skip_bad`: then the good lines go
  in and the report lists the rest. A patient who cannot be told without a person waits
  for one; the other lines still go in.
- Whoever checked in already is left as they are on the board: a change to their
  appointment waits for a person.
- `dry_run` does all of it and rolls it back: the report says what would happen.
The trail records the import as "import <source>" with the file's name and counts, and
every row it changed is attributed to it (its terminal is "import <source>").

One idea, the apply step, kept whole; the readers and the matching are modules of
their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import cast

from peewee import Database, fn

from db.bulk import insert_rows, update_rows
from db.models import Appointment, ConfirmationStatus, Visit, as_utc, utc_naive
from om_tui.practice import time_words
from om_tui.practice.clock import Clock
from om_tui.practice.imports.held import Holding
from om_tui.practice.imports.mapping import Mapping
from om_tui.practice.imports.matching import Ambiguous, Names, Patients, day_bounds
from om_tui.practice.imports.overlaps import Overlaps
from om_tui.practice.imports.records import (
    FileKind,
    ImportedAppointment,
    ImportStatus,
    LineError,
    ReadResult,
)
from om_tui.practice.people import audit
from om_tui.practice.people.roles import require
from om_tui.practice.refusal import Refusal
from om_tui.practice.schedule import types

_KINDS = ("provider", "room", "type")
_NEW_FIELDS = ("provider", "room", "type", "status", "missed_at", "cancelled_at")


class ImportRefused(Refusal):
    """The file was not imported; `errors` are its bad lines, if that is why."""

    def __init__(self, message: str, errors: list[LineError]) -> None:
        super().__init__(message)
        self.errors = errors


@dataclass(frozen=True)
class Said:
    """One thing the report says about one appointment: its line and what happened."""

    line: int
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text}" if self.line else self.text


@dataclass
class ImportReport:
    source: str
    file_name: str
    dry_run: bool = False
    added: list[Said] = field(default_factory=list)
    changed: list[Said] = field(default_factory=list)
    cancelled: list[Said] = field(default_factory=list)  # the file says so
    vanished: list[Said] = field(default_factory=list)  # no longer in the file: cancelled
    no_shows: list[Said] = field(default_factory=list)
    double_booked: list[Said] = field(default_factory=list)  # on a provider's taken slot
    unchanged: int = 0
    patients_added: int = 0
    needs_person: list[Said] = field(default_factory=list)
    unknown: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    skipped: list[LineError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "cancelled": len(self.cancelled) + len(self.vanished),
            "no_shows": len(self.no_shows),
            "double_booked": len(self.double_booked),
            "unchanged": self.unchanged,
            "patients_added": self.patients_added,
            "needs_person": len(self.needs_person),
            "skipped": len(self.skipped),
        }

    def lines(self) -> list[str]:
        """The report in words, for the command line and the file beside a watched one."""
        would = "would be " if self.dry_run else ""
        c = self.counts()
        said = [
            f"{self.file_name} ({self.source}): {c['added']} {would}added, {c['changed']} "
            f"{would}changed, {c['cancelled']} {would}cancelled, {c['no_shows']} no-shows, "
            f"{c['unchanged']} unchanged; {c['patients_added']} new patients"
            + (" (dry run: nothing was written)" if self.dry_run else "")
        ]
        said += self.notes
        for title, items in (
            ("Added", self.added),
            ("Changed", self.changed),
            ("Cancelled", self.cancelled),
            ("No longer in the file, so cancelled", self.vanished),
            ("No-shows", self.no_shows),
            ("Double-booked (the provider has another appointment then)", self.double_booked),
            ("Needs a person", self.needs_person),
        ):
            if items:
                said.append(f"{title}:")
                said += [f"  {item}" for item in items]
        for kind, names in self.unknown.items():
            for name, lines in names.items():
                where = ", ".join(map(str, lines[:8])) + (" …" if len(lines) > 8 else "")
                said.append(
                    f"Not in om-tui: {kind} {name!r} (lines {where}): add it, or map the name."
                )
        if self.skipped:
            said.append("Skipped (bad lines):")
            said += [f"  {error}" for error in self.skipped]
        return said


def apply_import(
    database: Database,
    clock: Clock,
    zone: dt.tzinfo,
    read: ReadResult,
    *,
    source: str,
    file_name: str,
    mapping: Mapping | None = None,
    by: int | None,
    dry_run: bool = False,
    skip_bad: bool = False,
) -> ImportReport:
    """Apply `read` to the book in one transaction (rolled back for a dry run), in the name
    of `by`: the command line and the folder watcher act as the administrator."""
    if read.errors and not skip_bad:
        lines = "line" if len(read.errors) == 1 else "lines"
        raise ImportRefused(
            f"{file_name}: {len(read.errors)} {lines} cannot be imported, so nothing was "
            "(correct them, or import the rest with --skip-bad).",
            read.errors,
        )
    report = ImportReport(source, file_name, dry_run, skipped=list(read.errors))
    report.notes += read.notes
    terminal = audit.terminal_of(database)
    with database.atomic() as transaction:
        require(database, by, "book", "import appointments")
        audit.set_terminal(database, f"import {source}")
        try:
            _Applying(database, clock, zone, source, mapping or Mapping(), report).run(read)
            audit.record(database, "import", source, {"file": file_name, **report.counts()})
        finally:
            audit.set_terminal(database, terminal)
        if dry_run:
            transaction.rollback()
    return report


def apply_decided(
    database: Database,
    clock: Clock,
    zone: dt.tzinfo,
    records: list[ImportedAppointment],
    *,
    source: str,
    mapping: Mapping | None = None,
) -> ImportReport:
    """Held appointments whose patient a person has just told, applied as their source's
    messages would be, in the caller's transaction and so in that person's name."""
    report = ImportReport(source, "the import queue")
    read = ReadResult(FileKind.EVENTS, list(records))
    _Applying(database, clock, zone, source, mapping or Mapping(), report).run(read)
    return report


class _Applying:
    """One file's appointments going into the book, in order."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        zone: dt.tzinfo,
        source: str,
        mapping: Mapping,
        report: ImportReport,
    ) -> None:
        self.database = database
        self.now = utc_naive(clock.now())
        self.zone = zone
        self.source = source
        self.report = report
        self.names = Names(mapping)
        self.patients = Patients(database, clock, source)
        self.holding = Holding(source, report.file_name, clock.now())
        self.overlaps = Overlaps()
        self.lines: dict[str, ImportedAppointment] = {}
        self.existing: dict[str, Appointment] = {
            str(a.external_id): a for a in Appointment.select().where(Appointment.source == source)
        }
        self.checked_in = {
            visit.appointment_id
            for visit in Visit.select(Visit.appointment)
            .join(Appointment)
            .where(Appointment.source == source)
        }
        self._added: list[dict[str, object]] = []
        self._changed: list[dict[str, object]] = []
        statuses = {s.name.lower(): s.id for s in ConfirmationStatus.select()}
        self.confirmed = statuses.get("confirmed")
        self.unconfirmed = statuses.get("unconfirmed", types.first_status())

    def run(self, read: ReadResult) -> None:
        for record in _in_order(read):
            self._one(record)
        self.patients.save_links()
        self._save_added()
        self.report.patients_added = self.patients.added
        if read.kind is FileKind.SNAPSHOT and read.first_day and read.last_day:
            self._vanished(read, read.first_day, read.last_day)
        update_rows(self.database, Appointment, self._changed)  # before the overlaps are read
        self._changed.clear()
        self._double_booked(self.overlaps.settle())
        self.holding.save()
        if self.report.needs_person:
            self.report.notes.append(
                "Whom some appointments are for needs a person: the import queue in om-tui "
                "(i on the book) lists them."
            )

    def _when(self, start: dt.datetime) -> str:
        return time_words.numeric_moment(start, self.zone)

    def _said(self, record: ImportedAppointment, what: str) -> Said:
        return Said(record.line, f"{self._when(record.start)} ({record.external_id}){what}")

    def _one(self, record: ImportedAppointment) -> None:
        existing = self.existing.get(record.external_id)
        if record.status in (ImportStatus.CANCELLED, ImportStatus.DELETED):
            self._cancel(record, existing)
            return
        patient = self._patient(record, existing)
        if isinstance(patient, Ambiguous):
            self._hold(record, patient)
            return
        self.holding.release(record.external_id)
        wanted = self._fields(record, patient)
        if record.status is ImportStatus.NO_SHOW:
            wanted["missed_at"] = (
                existing.missed_at if existing and existing.missed_at else self.now
            )
        # Booked at the source does not take back a missed mark the front desk made here:
        # an export lists a past appointment as booked whether or not the patient came.
        if existing is None:
            self._add(record, {"status": self.unconfirmed, **wanted})
            self.report.added.append(self._said(record, ""))
            if record.status is ImportStatus.NO_SHOW:
                self.report.no_shows.append(self._said(record, ""))
            return
        if existing.cancelled_at is not None:
            wanted.update(cancelled_at=None, cancelled_by=None, cancel_reason=None)
        changes = {
            name: value for name, value in wanted.items() if _stored(existing, name) != value
        }
        if not changes:
            self.report.unchanged += 1
            return
        if existing.id in self.checked_in and changes.keys() & {"start", "provider", "patient"}:
            self.report.needs_person.append(
                self._said(record, ": checked in already; the source moved it (left as is)")
            )
            return
        self.lines[record.external_id] = record
        self._update(existing, changes)
        if "missed_at" in changes and changes["missed_at"] is not None:
            self.report.no_shows.append(self._said(record, ""))
        else:
            self.report.changed.append(self._said(record, f": {', '.join(_words(changes))}"))

    def _patient(
        self, record: ImportedAppointment, existing: Appointment | None
    ) -> int | Ambiguous:
        """Whom the appointment is for; one imported before without a patient number stays
        with the patient it was given (found by name, or chosen by a person)."""
        if existing is not None and not record.patient.number:
            return existing.patient_id
        return self.patients.find(record.patient)

    def _fields(self, record: ImportedAppointment, patient: int) -> dict[str, object]:
        wanted: dict[str, object] = {
            "patient": patient,
            "start": utc_naive(record.start),
            "length_minutes": record.minutes,
        }
        for kind in _KINDS:
            theirs = getattr(record, kind)
            if not theirs:
                continue
            ours = getattr(self.names, kind)(theirs)
            if ours is None:  # listed, and what the appointment had is kept
                lines = self.report.unknown.setdefault(kind, {}).setdefault(theirs, [])
                if record.line not in lines:
                    lines.append(record.line)
            else:
                wanted[kind] = ours
        if record.confirmed is not None:
            status = self.confirmed if record.confirmed else self.unconfirmed
            if status is not None:
                wanted["status"] = status
        return wanted

    def _cancel(self, record: ImportedAppointment, existing: Appointment | None) -> None:
        deleted = record.status is ImportStatus.DELETED
        said = " (deleted at the source)" if deleted else ""
        if existing is None:
            if deleted:  # booked and deleted at the source before it ever came here
                self.holding.release(record.external_id)
                return
            patient = self.patients.find(record.patient)
            if isinstance(patient, Ambiguous):
                self._hold(record, patient)
                return
            self.holding.release(record.external_id)
            # Kept, cancelled, for the record and the cancellations stat.
            self._add(
                record,
                {
                    "status": self.unconfirmed,
                    "cancelled_at": self.now,
                    **self._fields(record, patient),
                },
            )
            self.report.cancelled.append(self._said(record, " (added as cancelled)"))
            return
        if existing.cancelled_at is not None:
            self.report.unchanged += 1
            return
        if existing.id in self.checked_in:
            self.report.needs_person.append(
                self._said(record, ": checked in already; the source cancelled it (left as is)")
            )
            return
        self._update(existing, {"cancelled_at": self.now})
        self.report.cancelled.append(self._said(record, said))

    def _hold(self, record: ImportedAppointment, why: Ambiguous) -> None:
        """Held for a person to decide in the import queue; the report says so."""
        self.holding.hold(record, why.reason)
        self.report.needs_person.append(self._said(record, f": {why.reason}"))

    def _vanished(self, read: ReadResult, first: dt.date, last: dt.date) -> None:
        begin, end = day_bounds(first, last, self.zone)
        listed = {record.external_id for record in read.appointments}
        if not read.errors:
            self.holding.vanished(listed, begin, end)
        gone = [
            a
            for a in self.existing.values()
            if a.cancelled_at is None
            and a.external_id not in listed
            and utc_naive(begin) <= a.start < utc_naive(end)
        ]
        if not gone:
            return
        if read.errors:
            self.report.notes.append(
                f"{len(gone)} of this source's appointments from {first} to {last} are not in "
                "the file; they were left as they are, since bad lines were skipped."
            )
            return
        for appointment in sorted(gone, key=lambda a: a.start):
            where = f"{self._when(as_utc(appointment.start))} ({appointment.external_id})"
            if appointment.id in self.checked_in:
                self.report.needs_person.append(
                    Said(0, f"{where}: checked in, but no longer in the file (left as is)")
                )
                continue
            self._update(appointment, {"cancelled_at": self.now})
            self.report.vanished.append(Said(0, where))

    def _double_booked(self, marked: set[int]) -> None:
        """Said: the file's appointments now double-booked, and how many booked here are."""
        ours = 0
        found: list[tuple[str, dt.datetime]] = []
        ids = sorted(marked)
        for at in range(0, len(ids), 500):
            query = (
                Appointment.select(Appointment.source, Appointment.external_id, Appointment.start)
                .where(Appointment.id.in_(ids[at : at + 500]))
                .tuples()
            )
            for source, external_id, start in cast(list[tuple[str, str, dt.datetime]], query):
                if source == self.source:
                    found.append((str(external_id), start))
                else:
                    ours += 1
        for external_id, start in sorted(found, key=lambda f: f[1]):
            record = self.lines.get(external_id)
            where = f"{self._when(as_utc(start))} ({external_id})"
            self.report.double_booked.append(Said(record.line if record else 0, where))
        if ours:
            self.report.notes.append(
                f"{ours} appointment{'s' if ours > 1 else ''} booked otherwise now share a "
                "provider's time with this file's: shown double-booked."
            )

    def _add(self, record: ImportedAppointment, fields: dict[str, object]) -> None:
        """A new appointment, written with the others at the end (each external id comes
        once in what is applied: see `_in_order`)."""
        self.overlaps.touch(fields.get("provider"), fields.get("start"), record.minutes)
        self.lines[record.external_id] = record
        self._added.append(
            {
                **dict.fromkeys(_NEW_FIELDS),
                "source": self.source,
                "external_id": record.external_id,
                "booked_at": self.now,
                **fields,
            }
        )

    def _save_added(self) -> None:
        insert_rows(self.database, Appointment, self._added)
        self._added.clear()

    def _update(self, appointment: Appointment, changes: dict[str, object]) -> None:
        if changes.keys() & {"start", "provider", "length_minutes", "cancelled_at"}:
            before = (appointment.provider_id, appointment.start, appointment.length_minutes)
            self.overlaps.touch(*before)
            if changes.get("cancelled_at") is None:  # still booked: where it is now
                self.overlaps.touch(
                    changes.get("provider", before[0]),
                    changes.get("start", before[1]),
                    changes.get("length_minutes", before[2]),
                )
        changes = {**changes, "version": appointment.version + 1}
        self._changed.append({"id": appointment.id, **changes})  # written with the others
        for name, value in changes.items():
            setattr(appointment, name, value)


def _in_order(read: ReadResult) -> list[ImportedAppointment]:
    """The records to apply. An HL7 message carries its appointment whole (but for the
    provider, room and type, which a message may leave out: the last one said stands), so
    a file of events comes to one record per appointment, folded in message order and
    applied in the order of their last messages: the book ends as if every message had
    been applied in turn, and the same file imported twice changes nothing."""
    if read.kind is not FileKind.EVENTS:
        return read.appointments
    folded: dict[str, ImportedAppointment] = {}
    for record in read.appointments:
        before = folded.pop(record.external_id, None)
        if before is not None:
            record = replace(
                record,
                provider=record.provider or before.provider,
                room=record.room or before.room,
                type=record.type or before.type,
                confirmed=before.confirmed if record.confirmed is None else record.confirmed,
            )
        folded[record.external_id] = record
    return list(folded.values())


def _stored(appointment: Appointment, name: str) -> object:
    """A field as stored: a reference by its id."""
    if name in ("patient", "provider", "room", "type", "status", "cancelled_by", "cancel_reason"):
        return getattr(appointment, f"{name}_id")
    return getattr(appointment, name)


_FIELD_WORDS = {
    "start": "time",
    "length_minutes": "length",
    "cancelled_at": "booked again",
}


def _words(changes: dict[str, object]) -> list[str]:
    words = [_FIELD_WORDS.get(name, name) for name in changes]
    return [w for w in dict.fromkeys(words) if w not in ("cancelled_by", "cancel_reason")]


def imported_count(database: Database, source: str) -> int:
    """How many appointments a source has in the book (cancelled ones too)."""
    return int(
        Appointment.select(fn.COUNT(Appointment.id)).where(Appointment.source == source).scalar()
    )
