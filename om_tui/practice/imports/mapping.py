"""A source's mapping: what to do with an export our column names do not cover.

A small TOML file, checked whole before use (an unknown field, status or day format is
refused with one line saying which), saved per source and shown before an import uses it:

    [columns]            # our field = their column's header
    date = "Appt Day"
    time = "Begins"
    [statuses]           # their word = ours (booked, cancelled, no-show, deleted)
    Kept = "booked"
    [providers]          # their name = the provider's name in om-tui
    "DR A SMITH" = "Dr. Smith"
    [rooms]
    "OP1" = "Room 1"
    [types]
    "ADJ" = "Adjustment"
    [options]
    day_format = "%d/%m/%Y"   # a day-first export
    appointment_id = "SCH-1"  # HL7: where the feed puts its appointment id
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field

from om_tui.practice.imports.records import ImportFileError, ImportStatus
from om_tui.practice.imports.words import FIELDS

_SECTIONS = ("columns", "statuses", "providers", "rooms", "types", "options")
_OPTIONS = ("day_format", "appointment_id")
HL7_ID_FIELDS = ("SCH-2", "SCH-1")


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)  # our field → their header
    statuses: dict[str, ImportStatus] = field(default_factory=dict)
    providers: dict[str, str] = field(default_factory=dict)  # theirs → ours
    rooms: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    day_format: str = ""
    appointment_id: str = ""  # HL7: "SCH-1" when SCH-2 is not the feed's id

    def lines(self) -> list[str]:
        """The mapping in words, to show before it is used."""
        said = [f"column {theirs!r} is the {ours}" for ours, theirs in self.columns.items()]
        said += [f"status {word!r} means {status}" for word, status in self.statuses.items()]
        for kind, names in (
            ("provider", self.providers),
            ("room", self.rooms),
            ("type", self.types),
        ):
            said += [f"{kind} {theirs!r} is {ours!r}" for theirs, ours in names.items()]
        if self.day_format:
            said.append(f"days are written {self.day_format}")
        if self.appointment_id:
            said.append(f"the appointment id is in {self.appointment_id}")
        return said or ["(nothing: the columns are recognised by their names)"]


def read_mapping(text: str) -> Mapping:
    """The mapping in `text`, checked; ImportFileError says what is wrong in one line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ImportFileError(f"The mapping is not valid TOML: {error}.") from None
    for section, value in data.items():
        if section not in _SECTIONS:
            raise ImportFileError(
                f"The mapping has a section [{section}]; it may have {', '.join(_SECTIONS)}."
            )
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ImportFileError(f"In the mapping's [{section}], each value is a quoted word.")
    columns: dict[str, str] = data.get("columns", {})
    for ours in columns:
        if ours not in FIELDS:
            raise ImportFileError(
                f"The mapping names a field {ours!r}; the fields are {', '.join(FIELDS)}."
            )
    statuses: dict[str, ImportStatus] = {}
    for word, status in data.get("statuses", {}).items():
        try:
            statuses[word] = ImportStatus(status)
        except ValueError:
            known = ", ".join(s.value for s in ImportStatus)
            raise ImportFileError(
                f"The mapping says {word!r} is {status!r}; a status is one of {known}."
            ) from None
    options: dict[str, str] = data.get("options", {})
    for name in options:
        if name not in _OPTIONS:
            raise ImportFileError(f"The mapping's [options] may have {', '.join(_OPTIONS)}.")
    day_format = options.get("day_format", "")
    if day_format:
        try:
            written = dt.date(2026, 12, 15).strftime(day_format)
            ok = dt.datetime.strptime(written, day_format).date() == dt.date(2026, 12, 15)
        except ValueError:
            ok = False
        if not ok:
            raise ImportFileError(
                f"The mapping's day_format {day_format!r} does not write a day (e.g. %d/%m/%Y)."
            )
    appointment_id = options.get("appointment_id", "")
    if appointment_id and appointment_id not in HL7_ID_FIELDS:
        raise ImportFileError(f"The mapping's appointment_id is one of {', '.join(HL7_ID_FIELDS)}.")
    return Mapping(
        columns=columns,
        statuses=statuses,
        providers=data.get("providers", {}),
        rooms=data.get("rooms", {}),
        types=data.get("types", {}),
        day_format=day_format,
        appointment_id=appointment_id,
    )
