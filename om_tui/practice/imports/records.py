"""What every reader gives back, whatever the file: appointments in one normalized form,
and the lines it could not read, each with its number and the reason.

A snapshot file (CSV, .ics) says "this is the book from day A to day B": what it no
longer lists inside that range was cancelled at the source. An event file (HL7 SIU)
says what happened, message by message, and is applied in order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class ImportStatus(StrEnum):
    """Where an imported appointment stands at its source."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    NO_SHOW = "no-show"
    DELETED = "deleted"  # HL7 S17: gone from the source's book, as if never booked


class FileKind(StrEnum):
    SNAPSHOT = "snapshot"  # CSV, .ics: the whole book over the file's days
    EVENTS = "events"  # HL7 SIU: changes, in order


@dataclass(frozen=True)
class ImportedPatient:
    """The patient as the source knows them; any part may be missing."""

    number: str = ""  # the source's chart / account / patient number
    first_name: str = ""
    last_name: str = ""
    dob: dt.date | None = None
    phone: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class ImportedAppointment:
    """One appointment as the source has it. `start` is aware (the practice's zone when
    the file gave no zone); `line` is the line or message it came from."""

    source: str
    external_id: str
    start: dt.datetime
    minutes: int
    patient: ImportedPatient
    line: int
    provider: str = ""
    room: str = ""
    type: str = ""
    status: ImportStatus = ImportStatus.BOOKED
    confirmed: bool | None = None  # None: the file does not say


@dataclass(frozen=True)
class LineError:
    """A line (or message) that cannot be imported, and why — in words for the person
    who runs the import, never with the patient's details."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ReadResult:
    """A file read: its appointments, its bad lines, and the days it covers (for a
    snapshot: where a vanished appointment counts as cancelled)."""

    kind: FileKind
    appointments: list[ImportedAppointment] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    notes: list[str] = field(default_factory=list)  # things said, not refused (skipped segments)

    def cover(self, zone: dt.tzinfo) -> None:
        """Set the covered days (the practice's) from the appointments read, where the file
        said none."""
        days = [a.start.astimezone(zone).date() for a in self.appointments]
        if days:
            self.first_day = self.first_day or min(days)
            self.last_day = self.last_day or max(days)


class ImportFileError(ValueError):
    """The whole file cannot be read (empty, binary, not the format it claims): one line."""
