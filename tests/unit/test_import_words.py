"""Every rule by which an export's words are read: headers, days, times, lengths,
statuses, yes/no, names, phones, and the mapping file."""

from __future__ import annotations

import datetime as dt

import pytest

from om_tui.practice.imports.mapping import read_mapping
from om_tui.practice.imports.records import ImportFileError, ImportStatus
from om_tui.practice.imports.words import (
    FIELD_HEADERS,
    field_of,
    read_birth_day,
    read_day,
    read_minutes,
    read_moment,
    read_status,
    read_time,
    read_yes,
    split_patient_name,
    tidy_phone,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Date", "date"),
        ("appointment_date", "date"),
        ("Appt Date", "date"),
        ("Time", "time"),
        ("from_time", "time"),
        ("Start", "time"),
        ("Start Time", "time"),
        ("Length", "minutes"),
        ("slot_minutes", "minutes"),
        ("Duration", "minutes"),
        ("Minutes", "minutes"),
        ("End", "end"),
        ("End Time", "end"),
        ("Patient", "patient"),
        ("pat_name", "patient"),
        ("Patient Name", "patient"),
        ("First Name", "first"),
        ("last_name", "last"),
        ("Surname", "last"),
        ("PatNum", "number"),
        ("account_num", "number"),
        ("Chart #", "number"),
        ("Chart Number", "number"),
        ("MRN", "number"),
        ("Birth Date", "dob"),
        ("patient_dob", "dob"),
        ("DOB", "dob"),
        ("Home Ph.", "phone"),
        ("Cell Ph.", "phone"),
        ("pat_tel", "phone"),
        ("Phone", "phone"),
        ("provider_name", "provider"),
        ("Provider", "provider"),
        ("Doctor", "provider"),
        ("Operatory", "room"),
        ("Room", "room"),
        ("Op", "room"),
        ("Description", "type"),
        ("reason_short_name", "type"),
        ("Type", "type"),
        ("Reason", "type"),
        ("Status", "status"),
        ("Confirmed", "confirmed"),
        ("Appointment ID", "id"),
        ("AptNum", "id"),
        ("\ufeffDate", "date"),
        ("Age", None),
        ("comments", None),
        ("Work Ph.", "phone"),
    ],
)
def test_a_header_is_known_by_its_usual_names(header: str, field: str | None) -> None:
    assert field_of(header) == field


def test_no_header_means_two_fields() -> None:
    seen: dict[str, str] = {}
    for field, headers in FIELD_HEADERS.items():
        for header in headers:
            assert seen.setdefault(header, field) == field, header


@pytest.mark.parametrize(
    "text",
    [
        "12/15/2026",
        "2026-12-15",
        "12-15-2026",
        "12/15/26",
        "Dec 15, 2026",
        "15 Dec 2026",
        "20261215",
        "2026/12/15",
        "Tue 12/15/2026",
    ],
)
def test_days_as_exports_write_them(text: str) -> None:
    assert read_day(text) == dt.date(2026, 12, 15)


def test_a_day_that_does_not_exist_is_not_a_day() -> None:
    assert read_day("2/31/2026") is None
    assert read_day("tomorrow") is None


def test_a_mappings_day_format_reads_day_first() -> None:
    assert read_day("03/12/2026", "%d/%m/%Y") == dt.date(2026, 12, 3)
    assert read_day("12/15/2026", "%d/%m/%Y") is None  # only the mapping's form


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("9:30 AM", dt.time(9, 30)),
        ("9:30am", dt.time(9, 30)),
        ("09:30", dt.time(9, 30)),
        ("2:15 PM", dt.time(14, 15)),
        ("14:15", dt.time(14, 15)),
        ("0930", dt.time(9, 30)),
        ("9 AM", dt.time(9)),
        ("9:30:00", dt.time(9, 30)),
        ("12:00 p.m.", dt.time(12)),
    ],
)
def test_times_as_exports_write_them(text: str, time: dt.time) -> None:
    assert read_time(text) == time


def test_a_cell_with_day_and_time() -> None:
    assert read_moment("2026-12-15T09:30:00") == (dt.date(2026, 12, 15), dt.time(9, 30))
    assert read_moment("12/15/2026 2:15 PM") == (dt.date(2026, 12, 15), dt.time(14, 15))
    assert read_moment("9:30 AM") == (None, dt.time(9, 30))
    assert read_moment("soon") == (None, None)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30", 30),
        ("30 min", 30),
        ("0:45", 45),
        ("1:15", 75),
        ("1h 30m", 90),
        ("1.5 h", 90),
        ("45mins", 45),
        ("half an hour", None),
        ("", None),
    ],
)
def test_lengths(text: str, minutes: int | None) -> None:
    assert read_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("", ImportStatus.BOOKED),
        ("Scheduled", ImportStatus.BOOKED),
        ("Complete", ImportStatus.BOOKED),
        ("Broken", ImportStatus.CANCELLED),
        ("Canceled", ImportStatus.CANCELLED),
        ("No Show", ImportStatus.NO_SHOW),
        ("no-show", ImportStatus.NO_SHOW),
        ("Missed", ImportStatus.NO_SHOW),
        ("Deleted", ImportStatus.DELETED),
        ("Bumped", None),
    ],
)
def test_statuses(text: str, status: ImportStatus | None) -> None:
    assert read_status(text) == status


def test_a_mappings_status_words_come_first() -> None:
    extra = {"Bumped": ImportStatus.CANCELLED, "Complete": ImportStatus.NO_SHOW}
    assert read_status("bumped", extra) is ImportStatus.CANCELLED
    assert read_status("Complete", extra) is ImportStatus.NO_SHOW


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("Y", True),
        ("yes", True),
        ("x", True),
        ("N", False),
        ("0", False),
        ("", None),
        ("maybe", None),
    ],
)
def test_confirmed(text: str, yes: bool | None) -> None:
    assert read_yes(text) is yes


def test_names_either_way_round() -> None:
    assert split_patient_name("Lopez, Maria J") == ("Maria J", "Lopez")
    assert split_patient_name("Maria  Lopez") == ("Maria", "Lopez")
    assert split_patient_name("Cher") == ("", "Cher")


def test_a_two_digit_birth_year_is_never_after_the_appointment() -> None:
    assert read_birth_day("3/14/80", dt.date(2026, 12, 15)) == dt.date(1980, 3, 14)
    assert read_birth_day("3/14/19", dt.date(2026, 12, 15)) == dt.date(2019, 3, 14)
    assert read_birth_day("3/14/1980", dt.date(2026, 12, 15)) == dt.date(1980, 3, 14)


def test_phones_tidied() -> None:
    assert tidy_phone("(555) 555-1234") == "555-555-1234"
    assert tidy_phone("1 555 555 1234") == "555-555-1234"
    assert tidy_phone("") == ""


def test_a_mapping_read_whole_and_shown() -> None:
    mapping = read_mapping(
        """
        [columns]
        date = "Appt Day"
        [statuses]
        Bumped = "cancelled"
        [providers]
        "DR A SMITH" = "Dr. Smith"
        [options]
        day_format = "%d/%m/%Y"
        appointment_id = "SCH-1"
        """
    )
    assert mapping.columns == {"date": "Appt Day"}
    assert mapping.statuses == {"Bumped": ImportStatus.CANCELLED}
    assert mapping.providers == {"DR A SMITH": "Dr. Smith"}
    assert mapping.day_format == "%d/%m/%Y" and mapping.appointment_id == "SCH-1"
    assert "column 'Appt Day' is the date" in mapping.lines()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[columns]\nwhen = 'Day'", "field 'when'"),
        ("[statuses]\nBumped = 'gone'", "a status is one of"),
        ("[colour]\na = 'b'", "section [colour]"),
        ("[options]\nday_format = 'day'", "day_format"),
        ("[options]\nappointment_id = 'PID-3'", "appointment_id"),
        ("[columns]\ndate = 3", "quoted word"),
        ("[columns\n", "not valid TOML"),
    ],
)
def test_a_wrong_mapping_is_refused_in_one_line(text: str, said: str) -> None:
    with pytest.raises(ImportFileError, match=None) as refused:
        read_mapping(text)
    assert said in str(refused.value)
    assert "\n" not in str(refused.value)
