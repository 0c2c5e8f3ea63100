"""Which reader a file needs, by what it holds (not its name): an HL7 message begins
with MSH, a calendar with BEGIN:VCALENDAR; anything else is read as CSV.

The HL7 and calendar readers are imported when a file of theirs is read: their libraries
(python-hl7; icalendar, recurring-ical-events and what it brings, click among it) were
imported with every screen that names the imports, the queue's first opening among them
(a full garbage collection in the middle of it, one opening in ten: 150-200 ms)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path

from om_tui.practice.imports.csv_reader import read_csv
from om_tui.practice.imports.mapping import Mapping
from om_tui.practice.imports.records import ImportFileError, ReadResult

LARGEST_FILE = 64 * 1024 * 1024  # ten years of a busy practice's book is a few MB


class FileFormat(StrEnum):
    CSV = "csv"
    ICS = "ics"
    HL7 = "hl7"


def format_of(data: bytes) -> FileFormat:
    head = data[:4096].lstrip(b"\xef\xbb\xbf\x0b \t\r\n").upper()
    if head.startswith(b"MSH|") or head.startswith(b"FHS|") or head.startswith(b"BHS|"):
        return FileFormat.HL7
    if head.startswith(b"BEGIN:VCALENDAR"):
        return FileFormat.ICS
    return FileFormat.CSV


def read_bytes(path: Path, largest: int = LARGEST_FILE) -> bytes:
    """The file's bytes; ImportFileError for what cannot be read (or is over `largest`
    bytes, refused before it is read), in one line."""
    try:
        size = path.stat().st_size
        if size > largest:
            mb = 1024 * 1024
            raise ImportFileError(
                f"The file is {size / mb:.1f} MB; the most read at once is "
                f"{largest / mb:g} MB (export fewer days)."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"No file {path}.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder, not a file.") from None
    except PermissionError:
        raise ImportFileError(f"{path} may not be read (permissions).") from None


def read_appointments(
    data: bytes,
    source: str,
    zone: dt.tzinfo,
    first_day: dt.date,
    last_day: dt.date,
    mapping: Mapping | None = None,
) -> tuple[FileFormat, ReadResult]:
    """The file read by its format's reader. `first_day`..`last_day` bound the expansion
    of a calendar's series (and so what its snapshot covers); CSV and HL7 say their own."""
    kind = format_of(data)
    if kind is FileFormat.HL7:
        from om_tui.practice.imports.hl7_reader import read_hl7

        return kind, read_hl7(data, source, zone, mapping)
    if kind is FileFormat.ICS:
        from om_tui.practice.imports.ics_reader import read_ics

        return kind, read_ics(data, source, zone, first_day, last_day)
    return kind, read_csv(data, source, zone, mapping)
