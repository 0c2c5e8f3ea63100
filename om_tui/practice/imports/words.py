"""How other systems write what we import: column names, dates, times, lengths,
statuses and yes/no, read the way people's exports write them.

A column is known by its header, compared without case, spaces, underscores, dots,
'#' or '/' ("Home Ph." is "homeph", "account_num" is "accountnum"). One field may have
several columns (Open Dental's three phones): the first one filled on a line counts.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from om_tui.practice.imports.records import ImportStatus

# Our field → the headers that mean it, already squeezed (see `squeeze`).
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "id": (
        "appointmentid",
        "apptid",
        "appointmentnumber",
        "apptnum",
        "aptnum",
        "appointmentno",
        "apptno",
        "id",
        "appointment",
        "eventid",
        "encounterid",
    ),
    "date": ("date", "appointmentdate", "apptdate", "day", "servicedate", "visitdate"),
    "time": (
        "time",
        "start",
        "starttime",
        "fromtime",
        "appttime",
        "appointmenttime",
        "from",
        "begins",
        "startdatetime",
        "appointmentstart",
    ),
    "minutes": (
        "length",
        "duration",
        "minutes",
        "slotminutes",
        "mins",
        "lengthminutes",
        "durationminutes",
        "lengthmin",
        "durationmin",
        "apptlength",
    ),
    "end": ("end", "endtime", "totime", "to", "ends", "enddatetime", "appointmentend"),
    "patient": ("patient", "patientname", "patname", "name", "client", "clientname", "fullname"),
    "first": ("firstname", "first", "fname", "patientfirstname", "patfirstname", "givenname"),
    "last": (
        "lastname",
        "last",
        "lname",
        "patientlastname",
        "patlastname",
        "surname",
        "familyname",
    ),
    "number": (
        "patnum",
        "chart",
        "chartnumber",
        "chartno",
        "account",
        "accountnumber",
        "accountnum",
        "acct",
        "acctno",
        "patientnumber",
        "patientid",
        "patientno",
        "mrn",
        "patid",
        "clientid",
    ),
    "dob": ("birthdate", "dob", "dateofbirth", "patientdob", "patdob", "birthday", "born"),
    "phone": (
        "phone",
        "cellph",
        "cellphone",
        "mobile",
        "mobilephone",
        "homeph",
        "homephone",
        "workph",
        "workphone",
        "pattel",
        "tel",
        "telephone",
        "phonenumber",
        "patientphone",
    ),
    "provider": (
        "provider",
        "providername",
        "doctor",
        "dr",
        "prov",
        "practitioner",
        "clinician",
        "therapist",
        "dentist",
        "resource",
    ),
    "room": ("room", "operatory", "op", "chair", "roomname", "treatmentroom", "location"),
    "type": (
        "type",
        "appointmenttype",
        "appttype",
        "reason",
        "reasonshortname",
        "description",
        "visittype",
        "procedure",
        "service",
        "category",
    ),
    "status": ("status", "appointmentstatus", "apptstatus", "state"),
    "confirmed": ("confirmed", "confirmation", "confirm", "confirmationstatus"),
}
FIELDS = tuple(FIELD_HEADERS)


def squeeze(header: str) -> str:
    """A header as compared: lower case, without spaces, _ . # / - or a BOM."""
    return re.sub(r"[\s_.#/\-:()\ufeff]+", "", header.lower())


def field_of(header: str) -> str | None:
    """The field a header means, or None (not ours: Age, comments…)."""
    key = squeeze(header)
    for name, headers in FIELD_HEADERS.items():
        if key in headers:
            return name
    return None


_DAY_FORMATS = (
    "%m/%d/%Y",
    "%Y-%m-%d",
    "%m-%d-%Y",
    "%m/%d/%y",
    "%m-%d-%y",
    "%Y/%m/%d",
    "%m.%d.%Y",
    "%Y%m%d",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%a %m/%d/%Y",
    "%A, %B %d, %Y",
)
_TIME_FORMATS = (
    "%I:%M %p",
    "%I:%M%p",
    "%H:%M",
    "%I:%M:%S %p",
    "%H:%M:%S",
    "%I %p",
    "%I%p",
    "%H%M",
)


@functools.lru_cache(maxsize=4096)  # a file says the same few days thousands of times
def read_day(text: str, day_format: str = "") -> dt.date | None:
    """A day as exports write it (12/15/2026, 2026-12-15, Dec 15, 2026); None if not one.
    A mapping's `day_format` (a day-first export: %d/%m/%Y) is tried alone."""
    text = " ".join(text.split())
    for pattern in (day_format,) if day_format else _DAY_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


@functools.lru_cache(maxsize=4096)  # and the same few times of day
def read_time(text: str) -> dt.time | None:
    """A time of day (9:30 AM, 9:30am, 09:30, 0930, 21:30:00); None if not one."""
    text = " ".join(text.upper().replace(".", "").split())
    for pattern in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).time()
        except ValueError:
            continue
    return None


def read_moment(text: str, day_format: str = "") -> tuple[dt.date | None, dt.time | None]:
    """A cell that may hold a day, a time, or both ("2026-12-15 09:30", "12/15/2026 9:30 AM",
    "2026-12-15T09:30:00")."""
    text = text.strip().replace("T", " ", 1) if re.match(r"\d{4}-\d\d-\d\dT", text) else text
    text = text.strip()
    day = read_day(text, day_format)
    if day is not None:
        return day, None
    time = read_time(text)
    if time is not None:
        return None, time
    head, _, tail = text.partition(" ")
    day = read_day(head, day_format)
    if day is not None and tail:
        return day, read_time(tail)
    return None, None


def read_minutes(text: str) -> int | None:
    """A length as exports write it: 30, 30 min, 0:30 or 1:15 (h:mm), 1h 30m, 1.5 h."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+", text):
        return int(text)
    if match := re.fullmatch(r"(\d+):(\d\d)", text):
        return int(match[1]) * 60 + int(match[2])
    if match := re.fullmatch(r"(\d+)\s*(?:m|min|mins|minutes?)", text):
        return int(match[1])
    if match := re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hours?)", text):
        return round(float(match[1]) * 60)
    if match := re.fullmatch(r"(\d+)\s*h(?:r|rs)?\s*(\d+)\s*m(?:in)?s?", text):
        return int(match[1]) * 60 + int(match[2])
    return None


_STATUS_WORDS: dict[str, ImportStatus] = {
    **dict.fromkeys(
        (
            "",
            "booked",
            "scheduled",
            "sched",
            "confirmed",
            "unconfirmed",
            "pending",
            "arrived",
            "checkedin",
            "checkedout",
            "complete",
            "completed",
            "kept",
            "inroom",
            "seated",
            "active",
            "leftmessage",
            "rescheduled",
            "overbook",
            "started",
        ),
        ImportStatus.BOOKED,
    ),
    **dict.fromkeys(
        (
            "cancelled",
            "canceled",
            "cancel",
            "cx",
            "broken",
            "brokenappt",
            "cancelledbypatient",
            "cancelledbyoffice",
        ),
        ImportStatus.CANCELLED,
    ),
    **dict.fromkeys(
        ("noshow", "missed", "failed", "dna", "didnotattend", "noshowed"), ImportStatus.NO_SHOW
    ),
    **dict.fromkeys(("deleted", "removed"), ImportStatus.DELETED),
}


def read_status(text: str, extra: dict[str, ImportStatus] | None = None) -> ImportStatus | None:
    """A status word (Scheduled, Broken, No Show, Cancelled…); a mapping's own words first.
    None: a word we do not know (the line is refused, not guessed)."""
    key = squeeze(text)
    for word, status in (extra or {}).items():
        if squeeze(word) == key:
            return status
    return _STATUS_WORDS.get(key)


def read_yes(text: str) -> bool | None:
    """A confirmed column: yes / no; None when empty or not a yes/no word."""
    key = squeeze(text)
    if key in ("y", "yes", "true", "1", "x", "confirmed", "c"):
        return True
    if key in ("n", "no", "false", "0", "unconfirmed", "notconfirmed"):
        return False
    return None


def read_birth_day(text: str, not_after: dt.date) -> dt.date | None:
    """A birth date; a two-digit year is this century unless that is after `not_after`
    (the appointment's day)."""
    day = read_day(text)
    if day is None:
        return None
    if re.search(r"\b\d\d$", text.strip()) and not re.search(r"\d{4}", text):
        if day > not_after:
            day = day.replace(year=day.year - 100)
    return day


def split_patient_name(text: str) -> tuple[str, str]:
    """ "Lopez, Maria" or "Maria Lopez" → ("Maria", "Lopez"); one word is a last name."""
    text = " ".join(text.split())
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    first, _, last = text.rpartition(" ")
    return first, last


def tidy_phone(text: str) -> str:
    """A phone as the practice writes one (555-555-1234); other forms kept as digits."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return digits
