"""The import queue: imported appointments waiting for a person to say whom they are for.

An import does not guess a patient: two records with the name and birth date, or a name
without a birth date that a patient here already has, or only part of a name. Such lines
are held (held.py) and listed here, one entry per patient of a source, with what the
source says of them and the practice's patients who might be them. A person decides:

- link: it is this patient. The source's number (or, for a source without numbers, the
  name and birth date it gives) is remembered, so the next import finds them at once;
  the held appointments go into the book.
- new: a patient not yet on file: added as the source names them, remembered the same way,
  and their appointments booked.
- skip: not for the book. The held appointments stay set aside and are not asked about
  again while the source says the same of them.

Deciding is booking: the front desk and the managers may (roles.py's "book"), checked in
the decision's own transaction; the command line acts as the administrator. Each
decision names the entry as the person saw it (its held rows) and is refused if an
import or another terminal changed it since. The trail records it as "import_decision",
and the appointments it books in the person's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Database, fn

from db.models import ImportHeld, Patient, SourcePatient, utc_naive
from om_tui.practice import settings
from om_tui.practice.changes import tables_of
from om_tui.practice.clock import Clock
from om_tui.practice.flow.patients import NewPatient, add_patient, not_offered_why
from om_tui.practice.imports.apply import apply_decided
from om_tui.practice.imports.held import from_json
from om_tui.practice.imports.records import ImportedAppointment, ImportedPatient
from om_tui.practice.imports.service import saved_mapping
from om_tui.practice.people import audit
from om_tui.practice.people.roles import require
from om_tui.practice.refusal import Refusal

QUEUE_TABLES = tables_of(ImportHeld, Patient)
"""What the import queue is read from (`waiting`, and each entry's `candidates_for`)."""

CANDIDATES = 8
"""The practice's patients offered for one entry, at most (the likeliest first)."""

_DOING = "decide whom an imported appointment is for"


class QueueChanged(Refusal):
    """The entry is not what the person saw: decided on another terminal, or imported again."""


@dataclass(frozen=True)
class Candidate:
    """One of the practice's patients who might be the source's."""

    patient_id: int
    chart_number: str
    full_name: str
    dob: dt.date | None
    phone: str


@dataclass(frozen=True)
class Waiting:
    """One patient of one source, and their appointments waiting for a person."""

    source: str
    key: str  # the source's number for them, or their name and birth date
    patient: ImportedPatient
    reason: str
    appointments: list[ImportedAppointment]
    files: list[str]
    held_ids: tuple[int, ...]  # what the person saw: a decision names it
    candidates: list[Candidate]


def waiting_count(database: Database) -> int:
    """How many of the sources' patients wait for a person (the book shows it)."""
    query = (
        ImportHeld.select(ImportHeld.source, ImportHeld.patient_key)
        .where(ImportHeld.skipped_at.is_null())
        .distinct()
    )
    return int(query.count())


def waiting(database: Database) -> list[Waiting]:
    """The queue, the soonest appointment first."""
    groups: dict[tuple[str, str], list[ImportHeld]] = {}
    for row in (
        ImportHeld.select()
        .where(ImportHeld.skipped_at.is_null())
        .order_by(ImportHeld.source, ImportHeld.id)
    ):
        groups.setdefault((str(row.source), str(row.patient_key)), []).append(row)
    entries = []
    for (source, key), rows in groups.items():
        records = sorted((from_json(str(row.record)) for row in rows), key=lambda r: r.start)
        person = records[-1].patient  # the latest the source said of them
        entries.append(
            Waiting(
                source=source,
                key=key,
                patient=person,
                reason=str(rows[-1].reason),
                appointments=records,
                files=list(dict.fromkeys(str(row.file_name) for row in rows)),
                held_ids=tuple(sorted(int(row.id) for row in rows)),
                candidates=candidates_for(person),
            )
        )
    return sorted(entries, key=lambda w: w.appointments[0].start)


def candidates_for(person: ImportedPatient) -> list[Candidate]:
    """The practice's patients (not merged away) with the name: both parts where the
    source gives both, else the part it gives; the same birth date first."""
    query = Patient.select().where(Patient.merged_into.is_null())
    if person.first_name:
        query = query.where(fn.LOWER(Patient.first_name) == person.first_name.lower())
    if person.last_name:
        query = query.where(fn.LOWER(Patient.last_name) == person.last_name.lower())
    if not person.first_name and not person.last_name:
        return []
    found = sorted(query.limit(50), key=lambda p: (p.dob != person.dob, p.last_name, p.id))
    return [
        Candidate(p.id, str(p.chart_number), p.full_name, p.dob, str(p.phone or ""))
        for p in found[:CANDIDATES]
    ]


def link(
    database: Database, clock: Clock, entry: Waiting, patient_id: int, *, by: int | None
) -> str:
    """The source's patient is this one: remembered, and the held appointments booked."""
    with database.atomic():
        require(database, by, "book", _DOING)
        rows = _as_seen(entry)
        patient = Patient.get_or_none(Patient.id == patient_id)
        if patient is None:
            raise QueueChanged("That patient is no longer on file: nothing was changed.")
        refused = not_offered_why(patient)
        if refused is not None:
            raise QueueChanged(refused)
        return _booked(database, clock, entry, rows, patient, "linked")


def add_new(database: Database, clock: Clock, entry: Waiting, *, by: int | None) -> str:
    """Nobody on file is the source's patient: added as the source names them."""
    with database.atomic():
        require(database, by, "book", _DOING)
        rows = _as_seen(entry)
        person = entry.patient
        if not person.first_name and not person.last_name:
            raise Refusal("The source gives no name to add a patient by: link one instead.")
        new = NewPatient(person.first_name, person.last_name, person.dob, person.phone)
        patient = add_patient(database, clock, new, by=by)
        return _booked(database, clock, entry, rows, patient, "added as new")


def skip(database: Database, clock: Clock, entry: Waiting, *, by: int | None) -> str:
    """Set aside: not booked, not asked about again while the source says the same."""
    with database.atomic():
        require(database, by, "book", _DOING)
        rows = _as_seen(entry)
        ImportHeld.update(skipped_at=utc_naive(clock.now())).where(
            ImportHeld.id.in_([row.id for row in rows])
        ).execute()
        audit.record(
            database,
            "import_decision",
            entry.source,
            {"decision": "skipped", "appointments": len(rows)},
        )
    return f"{_count(len(rows))} from {entry.source} set aside."


def book_linked(
    database: Database, clock: Clock, source: str, number: str, *, by: int | None
) -> str:
    """After `schedule link` (a source's number is a chart): the appointments held for that
    number, booked now rather than at the next import. "" when none waited."""
    entry = next((w for w in waiting(database) if (w.source, w.key) == (source, number)), None)
    kept = SourcePatient.get_or_none(SourcePatient.source == source, SourcePatient.number == number)
    if entry is None or kept is None:
        return ""
    return link(database, clock, entry, kept.patient_id, by=by)


def _as_seen(entry: Waiting) -> list[ImportHeld]:
    rows = list(ImportHeld.select().where(ImportHeld.id.in_(list(entry.held_ids))))
    if len(rows) != len(entry.held_ids) or any(row.skipped_at is not None for row in rows):
        raise QueueChanged(
            "The import queue changed meanwhile (decided on another terminal, or imported "
            "again): here it is as it is now. Nothing was changed."
        )
    return rows


def _booked(
    database: Database,
    clock: Clock,
    entry: Waiting,
    rows: list[ImportHeld],
    patient: Patient,
    decision: str,
) -> str:
    """Remember whom the source means, then apply the held appointments as an import."""
    kept = SourcePatient.get_or_none(
        SourcePatient.source == entry.source, SourcePatient.number == entry.key
    )
    if kept is None:
        SourcePatient.create(source=entry.source, number=entry.key, patient=patient.id)
    else:
        SourcePatient.update(patient=patient.id).where(SourcePatient.id == kept.id).execute()
    zone = settings.load(database).zone
    records = [from_json(str(row.record)) for row in rows]
    report = apply_decided(
        database,
        clock,
        zone,
        records,
        source=entry.source,
        mapping=saved_mapping(database, entry.source),
    )
    if report.needs_person:  # cannot happen once the patient is known; never half of it
        raise QueueChanged("Those appointments still cannot be placed: nothing was changed.")
    audit.record(
        database,
        "import_decision",
        entry.source,
        {"decision": decision, "patient": patient.id, **report.counts()},
    )
    return f"{_count(len(rows))} from {entry.source} now {patient.full_name}'s ({decision})."


def _count(n: int) -> str:
    return "1 appointment" if n == 1 else f"{n} appointments"
