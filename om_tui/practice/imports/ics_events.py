"""A calendar's events as the import reads them, and the quick reading of single ones.

A PMS's calendar export is thousands of single bookings with the same half-dozen
properties. icalendar builds a component, a caseless dictionary and parameter objects
for every line of them: four fifths of a 10,000-event import went there. So an event
is read here, line by line, when every line it has is one read here for certain —
UID; DTSTART and DTEND (or DURATION) as UTC, floating or with a TZID that is a time
zone's own name (icalendar takes those from the system's zones too, whatever the file's
VTIMEZONE says); SUMMARY, DESCRIPTION, LOCATION, STATUS, CATEGORIES; ORGANIZER's CN —
and no line makes it part of a series. The values themselves are decoded by icalendar
(`unescape_backslash`, `vDuration`). Everything else — series (RRULE, RDATE, RECURRENCE-ID and the
occurrences sharing their UID), a Windows zone name or one only the file defines, a
parameter in quotes of its own, an event without an end — goes to icalendar, with the
calendar's time zones, as every event did before. Both readings of the same event are
tested equal (tests/unit/test_import_readers.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import icalendar
from icalendar.parser import unescape_backslash

_SERIES = {"RRULE", "RDATE", "RECURRENCE-ID", "EXRULE", "EXDATE"}
_TEXT = {"UID", "SUMMARY", "DESCRIPTION", "LOCATION", "STATUS", "CATEGORIES"}
_WHEN = {"DTSTART", "DTEND", "DURATION"}
_FOLD = re.compile(r"(\r?\n)+[ \t]")
_NAME = re.compile(r"[;:]")
_LINES = re.compile(r"\r?\n")  # as icalendar splits them: a lone \r is not a line's end
_LINE = re.compile(
    r'([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"^]*"|[^";:,^]*)(?:,(?:"[^"^]*"|[^";:,^]*))*)*):(.*)'
)
_PARAM = re.compile(r';([A-Za-z0-9-]+)=("[^"]*"|[^";:]*)')
_MOMENT = re.compile(r"(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)(Z?))?")


@dataclass(frozen=True)
class Event:
    """One event (or one occurrence of a series) as the import reads it."""

    uid: str
    start: dt.datetime | dt.date
    duration: dt.timedelta
    recurrence: dt.datetime | dt.date | None = None  # RECURRENCE-ID of an occurrence
    summary: str = ""
    description: str = ""
    location: str = ""
    status: str = ""
    organizer: str = ""  # ORGANIZER's CN
    category: str = ""  # the first of CATEGORIES


def event_of(component: Any) -> Event:
    """An event as icalendar read (or recurring-ical-events expanded) it."""
    recurrence = component.get("RECURRENCE-ID")
    organizer = component.get("ORGANIZER")
    return Event(
        uid=str(component.get("UID", "")).strip(),
        start=component.start,
        duration=component.duration,
        recurrence=None if recurrence is None else recurrence.dt,
        summary=str(component.get("SUMMARY", "")),
        description=str(component.get("DESCRIPTION", "")),
        location=str(component.get("LOCATION", "")),
        status=str(component.get("STATUS", "")),
        organizer="" if organizer is None else str(organizer.params.get("CN", "")),
        category=_first_category(component.get("CATEGORIES")),
    )


def _first_category(categories: Any) -> str:
    if categories is None:
        return ""
    if isinstance(categories, list):
        categories = categories[0]
    names = [str(c) for c in getattr(categories, "cats", [])]
    return names[0] if names else ""


def quick_events(text: str) -> tuple[list[Event], str | None]:
    """The single events read here, and the calendar of all else for icalendar (its
    header, time zones and other events; None when no event is left for it). A calendar
    whose outline is not the plain one (one VCALENDAR holding its components) is left
    whole to icalendar, which says what is wrong with it."""
    lines = [line for line in _LINES.split(_FOLD.sub("", text)) if line.strip()]
    outline = _outline(lines)
    if outline is None:
        return [], text
    header, blocks = outline
    own = [_own_lines(block) if _is_event(block) else [] for block in blocks]
    series = {_uid(lines) for lines in own if any(_name(line) in _SERIES for line in lines)}
    read: list[Event] = []
    kept = [lines[0], *header]
    others = 0
    for block, lines in zip(blocks, own, strict=True):
        event = _quick(lines) if _is_event(block) and _uid(lines) not in series else None
        if event is None:
            kept += block
            others += _is_event(block)
        else:
            read.append(event)
    return read, "\r\n".join([*kept, "END:VCALENDAR"]) + "\r\n" if others else None


def _outline(lines: list[str]) -> tuple[list[str], list[list[str]]] | None:
    """The calendar's own lines and its components' (each from BEGIN to END)."""
    if not lines or lines[0].upper() != "BEGIN:VCALENDAR" or lines[-1].upper() != "END:VCALENDAR":
        return None
    header: list[str] = []
    blocks: list[list[str]] = []
    depth = 0
    for line in lines[1:-1]:
        word = line[:6].upper()
        if word == "BEGIN:":
            if depth == 0:
                blocks.append([])
            depth += 1
        elif word == "END:VC" or line.upper() == "BEGIN:VCALENDAR":
            return None
        if depth:
            blocks[-1].append(line)
        else:
            header.append(line)
        if word[:4] == "END:":
            depth -= 1
            if depth < 0:
                return None
    return (header, blocks) if depth == 0 else None


def _is_event(block: list[str]) -> bool:
    return block[0].upper() == "BEGIN:VEVENT"


def _own_lines(block: list[str]) -> list[str]:
    """An event's own lines, not those of a component inside it (an alarm)."""
    own: list[str] = []
    depth = 0
    for line in block[1:-1]:
        word = line[:6].upper()
        if word == "BEGIN:":
            depth += 1
        elif word[:4] == "END:":
            depth -= 1
        elif depth == 0:
            own.append(line)
    return own


def _name(line: str) -> str:
    return _NAME.split(line, maxsplit=1)[0].upper()


def _uid(lines: list[str]) -> str:
    for line in lines:
        if _name(line) == "UID":
            return str(unescape_backslash(line.partition(":")[2])).strip()
    return ""


def _quick(lines: list[str]) -> Event | None:
    """The event (its own lines) read here, or None: it is icalendar's to read."""
    said: dict[str, tuple[dict[str, str], str]] = {}
    for line in lines:
        match = _LINE.fullmatch(line)
        if match is None:
            return None
        name = match[1].upper()
        if name in _SERIES:
            return None
        if name not in _TEXT and name not in _WHEN and name != "ORGANIZER":
            continue  # not read by the import (DTSTAMP, SEQUENCE, X-…), nor by icalendar's way
        if name in said:
            return None
        params = {key.upper(): value.strip('"') for key, value in _PARAM.findall(match[2])}
        said[name] = (params, match[3])
    try:
        return _event(said)
    except (ValueError, KeyError, ZoneInfoNotFoundError):
        return None


def _event(said: dict[str, tuple[dict[str, str], str]]) -> Event | None:
    if "DTSTART" not in said or ("DTEND" in said) == ("DURATION" in said):
        return None
    start = _moment(*said["DTSTART"])
    if "DTEND" in said:
        end = _moment(*said["DTEND"])
        if _kind(start) != _kind(end):
            return None
        duration = end - start
    else:
        params, value = said["DURATION"]
        if params:
            return None
        duration = icalendar.vDuration.from_ical(value)  # type: ignore[no-untyped-call]
    categories = said.get("CATEGORIES", ({}, ""))[1]
    if "\\" in categories:
        return None
    organizer = said.get("ORGANIZER", ({}, ""))[0]
    return Event(
        uid=_text(said, "UID").strip(),
        start=start,
        duration=duration,
        summary=_text(said, "SUMMARY"),
        description=_text(said, "DESCRIPTION"),
        location=_text(said, "LOCATION"),
        status=_text(said, "STATUS"),
        organizer=organizer.get("CN", ""),
        category=categories.split(",")[0],
    )


def _text(said: dict[str, tuple[dict[str, str], str]], name: str) -> str:
    value = said.get(name)
    return "" if value is None else str(unescape_backslash(value[1]))


def _kind(moment: dt.datetime | dt.date) -> str:
    if not isinstance(moment, dt.datetime):
        return "date"
    return "floating" if moment.tzinfo is None else "zoned"


def _moment(params: dict[str, str], value: str) -> dt.datetime | dt.date:
    """DTSTART or DTEND: a date, or a time in UTC, floating, or in a named zone."""
    if set(params) - {"TZID", "VALUE"}:
        raise ValueError("a parameter not read here")
    match = _MOMENT.fullmatch(value.strip())
    if match is None:
        raise ValueError("not a plain date or time")
    year, month, day, hour, minute, second, utc = match.groups()
    if hour is None:
        if params.get("VALUE", "DATE") != "DATE" or "TZID" in params:
            raise ValueError("a date with a time's parameters")
        return dt.date(int(year), int(month), int(day))
    if params.get("VALUE", "DATE-TIME") != "DATE-TIME" or (utc and "TZID" in params):
        raise ValueError("a time with a date's parameters")
    zone: dt.tzinfo | None = dt.UTC if utc else None
    if "TZID" in params:
        if params["TZID"] not in _zone_names():
            raise ValueError("a zone only the file (or Windows) names")
        zone = ZoneInfo(params["TZID"])
    numbers = (int(year), int(month), int(day), int(hour), int(minute), int(second))
    return dt.datetime(*numbers, tzinfo=zone)


@functools.cache
def _zone_names() -> frozenset[str]:
    """The system's time zones' names (read once: it looks through their files)."""
    return frozenset(available_timezones())
