"""CSV exports of appointment lists, read without configuration where the headers are
the usual ones (see `words.FIELD_HEADERS`): Open Dental's appointments report
(Date, PatNum, Patient, Age, Time, Length, Description, Home Ph., Work Ph., Cell Ph.),
an EHR's nightly export (provider_name, appointment_date, pat_name, from_time,
slot_minutes, reason_short_name, account_num, patient_dob, pat_tel, comments), and
the like; a source's mapping names the rest.

The header is the first line (of the first ten) in which at least three columns are
known; title lines above it are passed over. The delimiter is the one the header uses
most (, ; tab |). Without an id column, an appointment's key is its patient, start and
provider, so the same line imported twice is the same appointment.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

from om_tui.practice.imports.mapping import Mapping
from om_tui.practice.imports.records import (
    FileKind,
    ImportedAppointment,
    ImportedPatient,
    ImportFileError,
    LineError,
    ReadResult,
)
from om_tui.practice.imports.text import decode
from om_tui.practice.imports.words import (
    field_of,
    read_birth_day,
    read_minutes,
    read_moment,
    read_status,
    read_yes,
    split_patient_name,
    squeeze,
    tidy_phone,
)

_LONGEST_MINUTES = 12 * 60
_Cell = Callable[[str], str]


def read_csv(
    data: bytes, source: str, zone: dt.tzinfo, mapping: Mapping | None = None
) -> ReadResult:
    """The appointments in a CSV export, and its bad lines. ImportFileError: not usable at all."""
    mapping = mapping or Mapping()
    text, encoding = decode(data)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    header_at, columns = _header(rows, mapping)
    result = ReadResult(FileKind.SNAPSHOT)
    if encoding != "UTF-8":
        result.notes.append(f"Read as {encoding}.")
    unused = [h for i, h in enumerate(rows[header_at]) if h.strip() and i not in _used(columns)]
    if unused:
        result.notes.append(f"Columns not used: {', '.join(unused)}.")
    seen: dict[str, int] = {}
    line = _line_numbers(text)
    for index in range(header_at + 1, len(rows)):
        row = rows[index]
        if not any(cell.strip() for cell in row):
            continue
        number = line[index]
        try:
            appointment = _appointment(row, columns, source, zone, mapping, number)
        except _BadLine as bad:
            result.errors.append(LineError(number, str(bad)))
            continue
        if appointment.external_id in seen:
            result.errors.append(
                LineError(number, f"the same appointment as line {seen[appointment.external_id]}")
            )
            continue
        seen[appointment.external_id] = number
        result.appointments.append(appointment)
    if not result.appointments and not result.errors:
        raise ImportFileError("The file has a header but no appointments.")
    result.cover(zone)
    return result


class _BadLine(Exception):
    """Why one line cannot be imported."""


def _delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:10])
    return max((",", ";", "\t", "|"), key=head.count)


def _line_numbers(text: str) -> list[int]:
    """The file line each CSV row starts on (a quoted cell may hold a line break)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    starts, last = [], 0
    for _row in reader:
        starts.append(last + 1)
        last = reader.line_num
    return starts


def _header(rows: list[list[str]], mapping: Mapping) -> tuple[int, dict[str, list[int]]]:
    """The header's row and, for each field, its columns (in the order written)."""
    theirs = {squeeze(header): ours for ours, header in mapping.columns.items()}
    best: tuple[int, dict[str, list[int]]] | None = None
    for at, row in enumerate(rows[:10]):
        columns: dict[str, list[int]] = {}
        for index, header in enumerate(row):
            ours = theirs.get(squeeze(header))
            if ours is None:
                ours = field_of(header)
                if ours in mapping.columns:  # the mapping says another column is this one
                    ours = None
            if ours is not None:
                columns.setdefault(ours, []).append(index)
        if len(columns) >= 3:
            best = (at, columns)
            break
    if best is None:
        raise ImportFileError(
            "No header line found: the first lines name no date, time or patient columns "
            "(a mapping can name them)."
        )
    at, columns = best
    missing = [ours for ours, header in mapping.columns.items() if ours not in columns]
    if missing:
        raise ImportFileError(
            f"The mapping's column {mapping.columns[missing[0]]!r} is not in the file."
        )
    if "time" not in columns:
        raise ImportFileError("No column for the start time (time, start, from_time…).")
    if not {"patient", "last", "number"} & columns.keys():
        raise ImportFileError("No column for the patient (patient, pat_name, last name, chart…).")
    return at, columns


def _used(columns: dict[str, list[int]]) -> set[int]:
    return {index for indexes in columns.values() for index in indexes}


def _cell(row: list[str], columns: dict[str, list[int]], name: str) -> str:
    """The field's first filled column on this line, or ""."""
    for index in columns.get(name, ()):
        if index < len(row) and row[index].strip():
            return row[index].strip()
    return ""


def _appointment(
    row: list[str],
    columns: dict[str, list[int]],
    source: str,
    zone: dt.tzinfo,
    mapping: Mapping,
    number: int,
) -> ImportedAppointment:
    def cell(name: str) -> str:
        return _cell(row, columns, name)

    start = _start(cell("date"), cell("time"), zone, mapping.day_format)
    minutes = _minutes(cell("minutes"), cell("end"), start, mapping.day_format)
    patient = _patient(cell, start.date())
    status_text = cell("status")
    status = read_status(status_text, mapping.statuses)
    if status is None:
        raise _BadLine(f"the status {status_text!r} is not one we know (a mapping can name it)")
    confirmed = read_yes(cell("confirmed")) if "confirmed" in columns else None
    if confirmed is None and squeeze(status_text) == "confirmed":
        confirmed = True
    provider = cell("provider")
    external_id = cell("id") or "|".join(
        (
            patient.number or f"{patient.last_name},{patient.first_name}".lower(),
            start.strftime("%Y-%m-%dT%H:%M"),
            provider.lower(),
        )
    )
    return ImportedAppointment(
        source=source,
        external_id=external_id,
        start=start,
        minutes=minutes,
        patient=patient,
        line=number,
        provider=provider,
        room=cell("room"),
        type=cell("type"),
        status=status,
        confirmed=confirmed,
    )


def _start(day_text: str, time_text: str, zone: dt.tzinfo, day_format: str) -> dt.datetime:
    day, time = read_moment(time_text, day_format)
    if day is None:
        if not day_text:
            raise _BadLine("no date")
        day, _ = read_moment(day_text, day_format)
        if day is None:
            raise _BadLine(f"the date {day_text!r} is not a day (e.g. 12/15/2026 or 2026-12-15)")
    if time is None:
        if not time_text:
            raise _BadLine("no start time")
        raise _BadLine(f"the time {time_text!r} is not a time (e.g. 9:30 AM or 09:30)")
    return dt.datetime.combine(day, time, tzinfo=zone)


def _minutes(length_text: str, end_text: str, start: dt.datetime, day_format: str) -> int:
    if length_text:
        minutes = read_minutes(length_text)
        if minutes is None:
            raise _BadLine(f"the length {length_text!r} is not minutes (e.g. 30 or 0:30)")
    elif end_text:
        day, time = read_moment(end_text, day_format)
        if time is None:
            raise _BadLine(f"the end {end_text!r} is not a time")
        end = dt.datetime.combine(day or start.date(), time, tzinfo=start.tzinfo)
        minutes = int((end - start).total_seconds() // 60)
    else:
        raise _BadLine("no length or end time")
    if not 0 < minutes <= _LONGEST_MINUTES:
        raise _BadLine(f"a length of {minutes} minutes (1 to {_LONGEST_MINUTES})")
    return minutes


def _patient(cell: _Cell, day: dt.date) -> ImportedPatient:
    first, last = cell("first"), cell("last")
    if not last and cell("patient"):
        first, last = split_patient_name(cell("patient"))
    number = cell("number")
    if not last and not number:
        raise _BadLine("no patient name or number")
    dob_text = cell("dob")
    dob = read_birth_day(dob_text, day) if dob_text else None
    if dob_text and dob is None:
        raise _BadLine("the birth date is not a date")
    return ImportedPatient(
        number=number, first_name=first, last_name=last, dob=dob, phone=tidy_phone(cell("phone"))
    )
