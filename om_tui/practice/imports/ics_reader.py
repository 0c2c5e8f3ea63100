"""iCalendar files (a calendar's export, a PMS's feed), read with `icalendar` and
expanded with `recurring-ical-events` — both maintained, and the second handles what
is easy to get wrong by hand: RRULE with EXDATE, moved occurrences (RECURRENCE-ID),
DTEND or DURATION, time zones and DST. Single events of the plain kind a PMS exports by
the thousand are read the quick way first (`ics_events`: icalendar's objects for every
line were most of a big file's import); the rest go to icalendar.

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

from om_tui.practice.imports.ics_events import Event, event_of, quick_events
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
    data: bytes,
    source: str,
    zone: dt.tzinfo,
    first_day: dt.date,
    last_day: dt.date,
    *,
    quick: bool = True,
) -> ReadResult:
    """The appointments from `first_day` to `last_day` (the practice's days, inclusive).
    Single events are read the quick way (`ics_events`) unless `quick` is False: then
    icalendar reads every one, as the quick way is tested against."""
    text, _encoding = decode(data)
    begin = dt.datetime.combine(first_day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    plain, rest = quick_events(text) if quick else ([], text)
    events = [event for event in plain if _within(event.start, event.duration, begin, end)]
    series: set[str] = set()
    if rest is not None:
        calendar = _calendar(rest)
        if not plain and not calendar.walk("VEVENT"):
            raise ImportFileError("The calendar has no events.")
        series = {
            str(event.get("UID", "")).strip()
            for event in calendar.walk("VEVENT")
            if {"RRULE", "RDATE", "RECURRENCE-ID"} & set(event)
        }
        singles = _singles(calendar, series, begin, end)
        if singles is None:  # one the quick way cannot read: all through the expander, which says
            events += _read(_expanded(calendar, None, begin, end))
        else:
            events += _read(singles)
            if series:
                events += _read(_expanded(calendar, series, begin, end))
    elif not plain:
        raise ImportFileError("The calendar has no events.")
    lines = _uid_lines(text)
    result = ReadResult(FileKind.SNAPSHOT, first_day=first_day, last_day=last_day)
    all_day = 0
    for event in events:
        line = lines.get(event.uid, 0)
        if not isinstance(event.start, dt.datetime):
            all_day += 1
            continue
        try:
            result.appointments.append(_appointment(event, event.uid in series, line, source, zone))
        except _BadEvent as bad:
            result.errors.append(LineError(line, str(bad)))
    if all_day:
        result.notes.append(f"{all_day} all-day events passed over (not appointments).")
    result.notes.append(f"Series expanded from {first_day} to {last_day}.")
    result.appointments.sort(key=lambda a: (a.start, a.external_id))
    result.errors.sort(key=lambda e: e.line)  # in the file's order
    return result


class _BadEvent(Exception):
    """Why one event cannot be imported."""


def _calendar(text: str) -> Any:
    try:
        return icalendar.Calendar.from_ical(text)
    except ValueError as error:
        raise ImportFileError(f"The file is not a readable calendar ({error}).") from None


def _read(components: list[Any]) -> list[Event]:
    return [event_of(component) for component in components]


def _within(
    start: dt.datetime | dt.date, duration: dt.timedelta, begin: dt.datetime, end: dt.datetime
) -> bool:
    """Whether the event falls in [begin, end); all day, the whole day."""
    zone = begin.tzinfo or dt.UTC
    if not isinstance(start, dt.datetime):  # all day (counted, passed over, by the caller)
        start, duration = dt.datetime.combine(start, dt.time()), dt.timedelta(days=1)
    return _local(start, zone) < end and begin < _local(start + duration, zone)


def _singles(
    calendar: Any, series: set[str], begin: dt.datetime, end: dt.datetime
) -> list[Any] | None:
    """The events of no series that fall in [begin, end), as they are: the expander would
    copy each. None when one has no start or end to tell."""
    found = []
    for event in calendar.walk("VEVENT"):
        if str(event.get("UID", "")).strip() in series:
            continue
        try:
            start, duration = event.start, event.duration
        except Exception:  # no DTSTART, or no end to tell
            return None
        if _within(start, duration, begin, end):
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
    event: Event, in_series: bool, line: int, source: str, zone: dt.tzinfo
) -> ImportedAppointment:
    if not event.uid:
        raise _BadEvent("an event without a UID")
    assert isinstance(event.start, dt.datetime)
    start = _local(event.start, zone)
    minutes = int(event.duration.total_seconds() // 60)
    if not 0 < minutes <= 12 * 60:
        raise _BadEvent(f"a length of {minutes} minutes (1 to 720)")
    external_id = event.uid
    if in_series and isinstance(event.recurrence, dt.datetime):
        occurrence = _local(event.recurrence, zone).astimezone(dt.UTC)
        external_id = f"{event.uid}/{occurrence:%Y%m%dT%H%M%SZ}"
    said = _description(event.description)
    summary = " ".join(event.summary.split())
    name, summary_type = (_SUMMARY_SPLIT.split(summary, maxsplit=1) + [""])[:2]
    name = said.get("patient", name)
    first, last = split_patient_name(name)
    if not last and not said.get("number"):
        raise _BadEvent("no patient in the SUMMARY or DESCRIPTION")
    dob_text = said.get("dob", "")
    dob = read_birth_day(dob_text, start.date()) if dob_text else None
    if dob_text and dob is None:
        raise _BadEvent("the birth date is not a date")
    status = event.status.upper()
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
        provider=said.get("provider", "") or event.organizer.strip(),
        room=said.get("room", "") or event.location.strip(),
        type=said.get("type", "") or event.category or summary_type.strip(),
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
