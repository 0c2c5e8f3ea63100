"""HL7 v2 scheduling messages (SIU), as interface engines deliver them: a file of
messages or one message a file, read with `hl7` (python-hl7). We chose it over hl7apy
because it is small, pure Python and schema-free: it reads any 2.x version, Z-segments
and a vendor's extra fields without a version's message structures, which is what a
practice's feed needs; hl7apy validates against each version's structures and would
refuse the feeds we must read. python-hl7 reads each message's separators (MSH-1,
MSH-2) and decodes its escape sequences; its full parse, a tree of every component of
every segment, is not built: it was nine tenths of a feed's reading, for the dozen
fields a schedule needs (see `_Message`).

Segments are split on \\r whatever the file's line endings (\\r\\n and \\n are made \\r);
MLLP framing and batch segments (FHS, BHS, BTS, FTS) are passed over. The events:

    S12 new, S13 reschedule, S14 modify   the appointment as the message has it
    S15 cancel                            cancelled
    S17 delete                            deleted at the source (cancelled here, and said)
    S26 no-show                           a no-show

The appointment id is SCH-2 (filler), else SCH-1 (placer), or the one a source's
mapping names; start and length from SCH-11 (start, end; or SCH-9 and its units in
SCH-10) or TQ1 (7 start, 8 end, 6 duration); type SCH-8 (else SCH-7, AIS-3); status
SCH-25; patient PID-3 (number), PID-5 (name), PID-7 (birth), PID-13 (phone); provider
AIP-3; room AIL-3. A message without SCH or PID is refused with its number; other
message types (ADT…) and versions other than 2.x are passed over and said.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

import hl7

from om_tui.practice.imports.mapping import Mapping
from om_tui.practice.imports.records import (
    FileKind,
    ImportedAppointment,
    ImportedPatient,
    ImportFileError,
    ImportStatus,
    LineError,
    ReadResult,
)
from om_tui.practice.imports.text import decode
from om_tui.practice.imports.words import read_status, tidy_phone

EVENTS = {
    "S12": None,  # the status SCH-25 says (booked unless it says otherwise)
    "S13": None,
    "S14": None,
    "S15": ImportStatus.CANCELLED,
    "S17": ImportStatus.DELETED,
    "S26": ImportStatus.NO_SHOW,
}
_KNOWN_SEGMENTS = {
    "MSH",
    "SCH",
    "TQ1",
    "NTE",
    "PID",
    "PD1",
    "PV1",
    "PV2",
    "OBX",
    "DG1",
    "RGS",
    "AIS",
    "AIG",
    "AIL",
    "AIP",
    "EVN",
    "SFT",
    "ARQ",
    "APR",
    "CON",
}
_BATCH = ("FHS", "BHS", "BTS", "FTS")
_UNITS = {
    "min": 1,
    "m": 1,
    "minutes": 1,
    "minute": 1,
    "h": 60,
    "hr": 60,
    "hour": 60,
    "hours": 60,
    "s": 0,
    "sec": 0,
    "seconds": 0,
}


def read_hl7(
    data: bytes, source: str, zone: dt.tzinfo, mapping: Mapping | None = None
) -> ReadResult:
    """The file's SIU messages, in order, each numbered from 1."""
    mapping = mapping or Mapping()
    text, _encoding = decode(data)
    messages = split_messages(text)
    if not messages:
        raise ImportFileError("No HL7 message in the file (none begins with MSH).")
    result = ReadResult(FileKind.EVENTS)
    unknown: set[str] = set()
    skipped: list[str] = []
    for number, raw in enumerate(messages, start=1):
        try:
            message = _Message(raw)
        except Exception:  # the parser says no in many ways; the message number is what helps
            result.errors.append(LineError(number, "not a readable HL7 message"))
            continue
        kind = _get(message, "MSH", 9, 1)
        event = _get(message, "MSH", 9, 2)
        version = _get(message, "MSH", 12, 1)
        if not version.startswith("2."):
            skipped.append(f"message {number} is version {version or '(none)'}, not 2.x")
            continue
        if kind != "SIU" or event not in EVENTS:
            skipped.append(f"message {number} is {kind}^{event}, not a schedule message")
            continue
        unknown |= message.names() - _KNOWN_SEGMENTS
        try:
            result.appointments.append(_appointment(message, event, number, source, zone, mapping))
        except _BadMessage as bad:
            result.errors.append(LineError(number, f"{kind}^{event}: {bad}"))
    result.notes += [s[0].upper() + s[1:] + "." for s in skipped]
    if unknown:
        result.notes.append(f"Segments passed over: {', '.join(sorted(unknown))}.")
    result.cover(zone)
    return result


def split_messages(text: str) -> list[str]:
    """The messages in a file, each with its segments split on \\r."""
    text = text.replace("\x0b", "").replace("\x1c", "\r")
    text = text.replace("\r\n", "\r").replace("\n", "\r")
    messages: list[list[str]] = []
    for segment in text.split("\r"):
        segment = segment.strip()
        if not segment or segment[:3] in _BATCH:
            continue
        if segment.startswith("MSH"):
            messages.append([])
        if messages:
            messages[-1].append(segment)
    return ["\r".join(segments) for segments in messages]


class _BadMessage(Exception):
    """Why one message cannot be applied."""


class _Message:
    """One message, read field by field as python-hl7's `extract_field` reads it: the
    first segment of each name; a field's first repetition; a component's
    first subcomponent; "" for what the message does not have. The segments are split on
    the message's own separators and only the fields asked for are decoded, so no tree
    of the whole message is built."""

    def __init__(self, raw: str) -> None:
        header = raw.partition("\r")[0]
        second = header.find(header[3], 4)  # IndexError: no separators, not a message
        self.codec = _codec(header if second == -1 else header[:second])
        _segment, self.field, self.repetition, self.component, self.subcomponent = (
            self.codec.separators
        )
        self.first: dict[str, list[str]] = {}
        for segment in raw.split("\r"):
            fields = segment.split(self.field)
            if fields[0] == "MSH":  # MSH-1 is the field separator itself
                fields.insert(1, self.field)
            self.first.setdefault(fields[0], fields)

    def names(self) -> set[str]:
        return set(self.first)

    def has(self, name: str) -> bool:
        return name in self.first

    def get(self, name: str, field: int, component: int = 1) -> str:
        """One component of a segment's field, "" when the message does not have it."""
        fields = self.first.get(name)
        if fields is None or field >= len(fields):
            return ""
        try:
            value = (
                fields[field]
                .split(self.repetition)[0]
                .split(self.component)[component - 1]
                .split(self.subcomponent)[0]
            )
        except IndexError:
            return ""
        if self.codec.esc in value and not (name == "MSH" and field <= 2):
            value = self.codec.unescape(value)
        return str(value).strip()


@functools.cache
def _codec(header: str) -> Any:
    """python-hl7's reading of a message's separators and escape character, from the
    start of its MSH segment (the same for every message of a feed, so read once)."""
    return hl7.parse(header)


def _get(message: _Message, segment: str, field: int, component: int = 1) -> str:
    return message.get(segment, field, component)


def read_hl7_time(text: str, zone: dt.tzinfo) -> dt.datetime | None:
    """YYYYMMDD[HHMM[SS[.S]]][+/-ZZZZ]; without an offset, the practice's time."""
    match = re.fullmatch(r"(\d{8})(\d{4})?(\d{2})?(?:\.\d+)?([+-]\d{4})?", text)
    if match is None:
        return None
    day, hm, seconds = match[1], match[2] or "0000", match[3] or "00"
    try:  # by hand: strptime costs more than the rest of a message's reading
        moment = dt.datetime(
            int(day[:4]), int(day[4:6]), int(day[6:]), int(hm[:2]), int(hm[2:]), int(seconds)
        )
    except ValueError:
        return None
    if match[4]:
        sign = 1 if match[4][0] == "+" else -1
        offset = dt.timedelta(hours=int(match[4][1:3]), minutes=int(match[4][3:5]))
        return moment.replace(tzinfo=dt.timezone(sign * offset)).astimezone(zone)
    return moment.replace(tzinfo=zone)


def _appointment(
    message: _Message, event: str, number: int, source: str, zone: dt.tzinfo, mapping: Mapping
) -> ImportedAppointment:
    if not message.has("SCH"):
        raise _BadMessage("no SCH segment")
    if not message.has("PID"):
        raise _BadMessage("no PID segment (the patient)")
    ids = {"SCH-2": _get(message, "SCH", 2), "SCH-1": _get(message, "SCH", 1)}
    order = [mapping.appointment_id] if mapping.appointment_id else ["SCH-2", "SCH-1"]
    external_id = next((ids[name] for name in order if ids[name]), "")
    if not external_id:
        raise _BadMessage(f"no appointment id in {' or '.join(order)}")
    start, minutes = _timing(message, zone)
    status = EVENTS[event]
    if status is None:
        said = _get(message, "SCH", 25, 1) or _get(message, "SCH", 25, 2)
        status = read_status(said, mapping.statuses) or ImportStatus.BOOKED
    return ImportedAppointment(
        source=source,
        external_id=external_id,
        start=start,
        minutes=minutes,
        patient=_patient(message),
        line=number,
        provider=_person(message),
        room=_get(message, "AIL", 3, 2) or _get(message, "AIL", 3, 1),
        type=_coded(message, "SCH", 8) or _coded(message, "SCH", 7) or _coded(message, "AIS", 3),
        status=status,
    )


def _coded(message: _Message, segment: str, field: int) -> str:
    """A coded element's text (its second component), else its code."""
    return _get(message, segment, field, 2) or _get(message, segment, field, 1)


def _timing(message: _Message, zone: dt.tzinfo) -> tuple[dt.datetime, int]:
    start_text = _get(message, "SCH", 11, 4) or _get(message, "TQ1", 7, 1)
    if not start_text:
        raise _BadMessage("no start time in SCH-11 or TQ1-7")
    start = read_hl7_time(start_text, zone)
    if start is None:
        raise _BadMessage(f"the start {start_text!r} is not an HL7 time")
    end_text = _get(message, "SCH", 11, 5) or _get(message, "TQ1", 8, 1)
    minutes: int | None = None
    if end_text:
        end = read_hl7_time(end_text, zone)
        if end is None:
            raise _BadMessage(f"the end {end_text!r} is not an HL7 time")
        minutes = int((end - start).total_seconds() // 60)
    elif amount := _get(message, "SCH", 9):
        unit = (_get(message, "SCH", 10, 1) or "min").lower()
        minutes = _amount(amount, unit)
    elif amount := _get(message, "TQ1", 6, 1):
        minutes = _amount(amount, (_get(message, "TQ1", 6, 2) or "min").lower())
    if minutes is None:
        raise _BadMessage("no length (SCH-11 end, SCH-9 or TQ1-6)")
    if not 0 < minutes <= 12 * 60:
        raise _BadMessage(f"a length of {minutes} minutes (1 to 720)")
    return start, minutes


def _amount(amount: str, unit: str) -> int:
    if unit not in _UNITS or not re.fullmatch(r"\d+(\.\d+)?", amount):
        raise _BadMessage(f"the length {amount} {unit} is not read")
    factor = _UNITS[unit]
    return round(float(amount) * factor) if factor else round(float(amount) / 60)


def _patient(message: _Message) -> ImportedPatient:
    last, first = _get(message, "PID", 5, 1), _get(message, "PID", 5, 2)
    number = _get(message, "PID", 3, 1)
    if not last and not number:
        raise _BadMessage("no patient number (PID-3) or name (PID-5)")
    dob_text = _get(message, "PID", 7, 1)
    dob = read_hl7_time(dob_text, dt.UTC) if dob_text else None
    if dob_text and dob is None:
        raise _BadMessage("the birth date (PID-7) is not an HL7 date")
    phone = _get(message, "PID", 13, 1) or (
        _get(message, "PID", 13, 6) + _get(message, "PID", 13, 7)
    )
    return ImportedPatient(
        number=number,
        first_name=first.title() if first.isupper() else first,
        last_name=last.title() if last.isupper() else last,
        dob=dob.date() if dob else None,
        phone=tidy_phone(phone),
    )


def _person(message: _Message) -> str:
    """AIP-3 as a name: "given family" when the feed sends them, else its id."""
    family, given = _get(message, "AIP", 3, 2), _get(message, "AIP", 3, 3)
    if family:
        return f"{given} {family}".strip()
    return _get(message, "AIP", 3, 1)
