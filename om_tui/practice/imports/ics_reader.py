"""iCalendar files (a calendar's export, a PMS's feed), read with `icalendar` and
expanded with `recurring-ical-events` — both maintained, and the second handles what
is easy to get wrong by hand: RRULE with EXDATE, moved occurrences (RECURRENCE-ID),
DTEND or DURATION, time zones and DST.

An appointment's key is its UID, with the occurrence's RECURRENCE-ID (UTC) for a
series, so a moved occurrence stays the same appointment. Series are expanded over the
import's days only, so a rule without an end stops there. STATUS:CANCELLED is a
cancellation. All-day events are not appointments (a holiday, a note) and are passed over.

A calendar has no patient fields: the SUMMARY is "patient - type" (or just the patient);
LOCATION is the room, CATEGORIES the type, ORGANIZER's name the provider; DESCRIPTION
lines "Chart: 1042", "DOB: 3/14/1980", "Phone: …", "Provider: …" are read by the same
names as CSV columns.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import icalendar
import recurring_ical_events

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
from om_tui.practice.imports.words import (
    field_of,
    read_birth_day,
    split_patient_name,
    tidy_phone,
)

_SUMMARY_SPLIT = re.compile(r"\s+[-–—:|]\s+")


def read_ics(
    data: bytes, source: str, zone: dt.tzinfo, first_day: dt.date, last_day: dt.date
) -> ReadResult:
    """The appointments from `first_day` to `last_day` (the practice's days, inclusive)."""
    text, _encoding = decode(data)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as error:
        raise ImportFileError(f"The file is not a readable calendar ({error}).") from None
    if not calendar.walk("VEVENT"):
        raise ImportFileError("The calendar has no events.")
    begin = dt.datetime.combine(first_day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    series = {
        str(event.get("UID", "")).strip()
        for event in calendar.walk("VEVENT")
        if {"RRULE", "RDATE", "RECURRENCE-ID"} & set(event)
    }
    events = _singles(calendar, series, begin, end)
    if events is None:  # one the quick way cannot read: all through the expander, which says
        events = _expanded(calendar, None, begin, end)
    elif series:
        events += _expanded(calendar, series, begin, end)
    lines = _uid_lines(text)
    result = ReadResult(FileKind.SNAPSHOT, first_day=first_day, last_day=last_day)
    all_day = 0
    for event in events:
        uid = str(event.get("UID", "")).strip()
        line = lines.get(uid, 0)
        if not isinstance(event.start, dt.datetime):
            all_day += 1
            continue
        try:
            result.appointments.append(_appointment(event, uid, uid in series, line, source, zone))
        except _BadEvent as bad:
            result.errors.append(LineError(line, str(bad)))
    if all_day:
        result.notes.append(f"{all_day} all-day events passed over (not appointments).")
    result.notes.append(f"Series expanded from {first_day} to {last_day}.")
    result.appointments.sort(key=lambda a: (a.start, a.external_id))
    return result


class _BadEvent(Exception):
    """Why one event cannot be imported."""


def _singles(
    calendar: Any, series: set[str], begin: dt.datetime, end: dt.datetime
) -> list[Any] | None:
    """The events of no series that fall in [begin, end), as they are: the expander would
    copy each (most of a calendar's reading, in a file of thousands of single bookings).
    None when one has no start or end to tell."""
    zone = begin.tzinfo or dt.UTC
    found = []
    for event in calendar.walk("VEVENT"):
        if str(event.get("UID", "")).strip() in series:
            continue
        try:
            start, stop = event.start, event.end
        except Exception:  # no DTSTART, or no end to tell
            return None
        if not isinstance(start, dt.datetime):  # all day (counted, passed over, by the caller)
            start = dt.datetime.combine(start, dt.time())
            stop = start + dt.timedelta(days=1)
        if _local(start, zone) < end and begin < _local(stop, zone):
            found.append(event)
    return found


def _expanded(
    calendar: Any, series: set[str] | None, begin: dt.datetime, end: dt.datetime
) -> list[Any]:
    """The occurrences from begin to end of the series named (None: of every event), by
    recurring-ical-events: rules, exceptions, moved and cancelled occurrences."""
    if series is not None:
        kept = icalendar.Calendar()
        for component in calendar.subcomponents:
            if component.name != "VEVENT" or str(component.get("UID", "")).strip() in series:
                kept.add_component(component)
        calendar = kept
    try:
        return list(recurring_ical_events.of(calendar).between(begin, end))
    except Exception as error:  # the expander's own errors: a rule it cannot follow
        raise ImportFileError(f"A recurring event cannot be expanded ({error}).") from None


def _uid_lines(text: str) -> dict[str, int]:
    """Each UID's first line: where its event (or series) begins."""
    lines: dict[str, int] = {}
    began = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().upper() == "BEGIN:VEVENT":
            began = number
        elif line.upper().startswith("UID"):
            lines.setdefault(line.partition(":")[2].strip(), began)
    return lines


def _local(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A floating time (no zone) is the practice's."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _appointment(
    event: Any, uid: str, in_series: bool, line: int, source: str, zone: dt.tzinfo
) -> ImportedAppointment:
    if not uid:
        raise _BadEvent("an event without a UID")
    start = _local(event.start, zone)
    minutes = int(event.duration.total_seconds() // 60)
    if not 0 < minutes <= 12 * 60:
        raise _BadEvent(f"a length of {minutes} minutes (1 to 720)")
    recurrence = event.get("RECURRENCE-ID")
    external_id = uid
    if in_series and recurrence is not None:
        occurrence = _local(recurrence.dt, zone).astimezone(dt.UTC)
        external_id = f"{uid}/{occurrence:%Y%m%dT%H%M%SZ}"
    said = _description(str(event.get("DESCRIPTION", "")))
    summary = " ".join(str(event.get("SUMMARY", "")).split())
    name, summary_type = (_SUMMARY_SPLIT.split(summary, maxsplit=1) + [""])[:2]
    name = said.get("patient", name)
    first, last = split_patient_name(name)
    if not last and not said.get("number"):
        raise _BadEvent("no patient in the SUMMARY or DESCRIPTION")
    dob_text = said.get("dob", "")
    dob = read_birth_day(dob_text, start.date()) if dob_text else None
    if dob_text and dob is None:
        raise _BadEvent("the birth date is not a date")
    status = str(event.get("STATUS", "")).upper()
    return ImportedAppointment(
        source=source,
        external_id=external_id,
        start=start,
        minutes=minutes,
        patient=ImportedPatient(
            number=said.get("number", ""),
            first_name=first,
            last_name=last,
            dob=dob,
            phone=tidy_phone(said.get("phone", "")),
        ),
        line=line,
        provider=said.get("provider", "") or _organizer(event),
        room=said.get("room", "") or str(event.get("LOCATION", "")).strip(),
        type=said.get("type", "") or _categories(event) or summary_type.strip(),
        status=ImportStatus.CANCELLED if status == "CANCELLED" else ImportStatus.BOOKED,
        confirmed={"CONFIRMED": True, "TENTATIVE": False}.get(status),
    )


def _description(text: str) -> dict[str, str]:
    """ "Chart: 1042" lines of a DESCRIPTION, by our field names."""
    said: dict[str, str] = {}
    for line in text.replace("\\n", "\n").splitlines():
        key, colon, value = line.partition(":")
        name = field_of(key) if colon else None
        if name is not None and value.strip():
            said.setdefault(name, value.strip())
    return said


def _organizer(event: Any) -> str:
    organizer = event.get("ORGANIZER")
    if organizer is None:
        return ""
    return str(organizer.params.get("CN", "")).strip()


def _categories(event: Any) -> str:
    categories = event.get("CATEGORIES")
    if categories is None:
        return ""
    if isinstance(categories, list):
        categories = categories[0]
    names = [str(c) for c in getattr(categories, "cats", [])]
    return names[0] if names else ""
