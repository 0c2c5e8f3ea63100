"""One import as the practice runs it: a file and a source in, a report out. The
command line and the folder watcher both come through here.

A source is the system the file comes from ("opendental", "ehr", "calendar"); without
one, the file's format names it (csv, ics, hl7), so the same nightly export keeps one
name whatever its file is called. A source's mapping is saved with the practice and
used by every import from it. A calendar's series are expanded from today for 26 weeks
unless the import names other days.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from peewee import Database

from db.models import Patient, SourcePatient
from om_tui.practice import settings
from om_tui.practice.clock import Clock
from om_tui.practice.imports.apply import ImportReport, apply_import
from om_tui.practice.imports.mapping import Mapping, read_mapping
from om_tui.practice.imports.reading import (
    LARGEST_FILE,
    format_of,
    read_appointments,
    read_bytes,
)
from om_tui.practice.imports.records import ImportFileError
from om_tui.practice.people.roles import checked
from om_tui.practice.refusal import Refusal

CALENDAR_DAYS = 26 * 7
_MAPPING_KEY = "import.mapping."
LARGEST_KEY = "import.largest_mb"
"""The practice's setting: the largest file read, in MB (LARGEST_FILE when not set)."""


def source_name(text: str) -> str:
    name = text.strip().lower()
    if not name or len(name) > 40 or not all(c.isalnum() or c in "-_." for c in name):
        raise ImportFileError("A source is one word of letters, digits, - or _ (e.g. opendental).")
    return name


def saved_mapping(database: Database, source: str) -> Mapping | None:
    text = settings.get(database, _MAPPING_KEY + source)
    return None if text is None else read_mapping(text)


def save_mapping(database: Database, source: str, text: str) -> Mapping:
    """Check the mapping whole, then keep it for the source's imports."""
    mapping = read_mapping(text)
    settings.put(database, _MAPPING_KEY + source, text)
    return mapping


def import_file(
    database: Database,
    clock: Clock,
    path: Path,
    *,
    by: int | None,
    source: str = "",
    dry_run: bool = False,
    skip_bad: bool = False,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
) -> ImportReport:
    """Read the file and apply it; ImportFileError or ImportRefused say why not, in a line."""
    data = read_bytes(path, _largest(database))
    name = source_name(source or format_of(data).value)
    zone = settings.load(database).zone
    first = first_day or clock.now().astimezone(zone).date()
    last = last_day or first + dt.timedelta(days=CALENDAR_DAYS)
    if last < first:
        raise ImportFileError(f"The import's last day {last} is before its first, {first}.")
    mapping = saved_mapping(database, name)
    _kind, read = read_appointments(data, name, zone, first, last, mapping)
    return apply_import(
        database,
        clock,
        zone,
        read,
        source=name,
        file_name=path.name,
        mapping=mapping,
        by=by,
        dry_run=dry_run,
        skip_bad=skip_bad,
    )


def _largest(database: Database) -> int:
    return int(largest_mb(database) * 1024 * 1024)


def largest_mb(database: Database) -> float:
    """The largest file imported, in MB: the practice's setting, or LARGEST_FILE's."""
    text = settings.get(database, LARGEST_KEY)
    try:
        return float(text) if text else LARGEST_FILE / (1024 * 1024)
    except ValueError:
        return LARGEST_FILE / (1024 * 1024)


@checked("settings", "changes the practice's settings")
def set_largest_mb(database: Database, mb: float, *, by: int | None) -> None:
    """The largest file an import takes, in MB (a bigger one is refused unread)."""
    if not 0 < mb <= 1024:
        raise ImportFileError("The largest file is a number of MB, more than 0 and at most 1024.")
    settings.put(database, LARGEST_KEY, f"{mb:g}")


def link_patient(database: Database, source: str, number: str, chart_number: str) -> str:
    """A person's answer to "needs a person": the source's patient `number` is om-tui's
    patient with `chart_number`, from the next import on. Returns what was done, in words."""
    number = number.strip()
    if not number:
        raise Refusal("The source's patient number, please.")
    with database.atomic():
        patient = Patient.get_or_none(Patient.chart_number == chart_number.strip())
        if patient is None:
            raise Refusal(f"No patient has chart number {chart_number.strip()}.")
        if patient.merged_into_id is not None:
            raise Refusal("That record was merged into another: give the kept one's chart.")
        link = SourcePatient.get_or_none(
            SourcePatient.source == source, SourcePatient.number == number
        )
        if link is None:
            SourcePatient.create(source=source, number=number, patient=patient.id)
        elif link.patient_id != patient.id:
            SourcePatient.update(patient=patient.id).where(SourcePatient.id == link.id).execute()
        else:
            return f"{source}'s number {number} was already chart {patient.chart_number}."
    return f"{source}'s number {number} is now chart {patient.chart_number}."
