"""The readers: CSV exports, iCalendar files and HL7 SIU feeds, written for these tests
(tests/unit/import_files/), and the bad files a practice's folder will one day hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from om_tui.practice.imports.csv_reader import read_csv
from om_tui.practice.imports.hl7_reader import read_hl7, split_messages
from om_tui.practice.imports.ics_events import quick_events
from om_tui.practice.imports.ics_reader import read_ics
from om_tui.practice.imports.mapping import read_mapping
from om_tui.practice.imports.reading import FileFormat, format_of, read_appointments
from om_tui.practice.imports.records import FileKind, ImportFileError, ImportStatus

from .practice_fixture import ZONE

FILES = Path(__file__).parent / "import_files"
DEC = dt.date(2026, 12, 1), dt.date(2027, 1, 31)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> dt.datetime:
    year = 2026 if month == 12 else 2027
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZONE)


def csv_of(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


# CSV


def test_open_dentals_appointments_report_out_of_the_box() -> None:
    result = read_csv((FILES / "open_dental.csv").read_bytes(), "od", ZONE)
    assert result.kind is FileKind.SNAPSHOT and result.errors == []
    maria, david, grace = result.appointments
    assert (maria.patient.first_name, maria.patient.last_name) == ("Maria", "Lopez")
    assert maria.patient.number == "1042" and maria.patient.phone == "555-555-1234"
    assert maria.start == at(15, 9, 30) and maria.minutes == 30 and maria.type == "Adjustment"
    assert david.minutes == 45 and david.patient.phone == "555-555-9876"  # work ph., home empty
    assert grace.start == at(15, 14, 15) and grace.line == 6  # CRLF, after a title line
    assert "Columns not used: Age." in result.notes
    assert (result.first_day, result.last_day) == (dt.date(2026, 12, 15),) * 2


def test_an_ehrs_nightly_export_out_of_the_box() -> None:
    result = read_csv((FILES / "ehr_export.csv").read_bytes(), "ehr", ZONE)
    maria, _david, grace = result.appointments
    assert maria.provider == "Dr. Rivera" and maria.patient.dob == dt.date(1980, 3, 14)
    assert maria.patient.number == "A-1042" and maria.patient.phone == "555-555-1234"
    assert grace.line == 4 and grace.provider == "Dr. Patel" and grace.minutes == 60
    assert "Columns not used: comments." in result.notes


def test_without_an_id_column_the_key_is_patient_start_and_provider() -> None:
    first = read_csv((FILES / "ehr_export.csv").read_bytes(), "ehr", ZONE)
    again = read_csv((FILES / "ehr_export.csv").read_bytes(), "ehr", ZONE)
    keys = [a.external_id for a in first.appointments]
    assert keys == [a.external_id for a in again.appointments]
    assert len(set(keys)) == 3
    assert keys[0] == "A-1042|2026-12-15T09:30|dr. rivera"


def test_an_id_column_an_end_column_a_status_and_confirmed() -> None:
    result = read_csv(
        csv_of(
            "Appointment ID,First Name,Last Name,Start,End,Operatory,Status,Confirmed\n"
            "77,Maria,Lopez,2026-12-15 09:30,2026-12-15 10:15,Room 1,Broken,N\n"
            "78,David,Chen,12/15/2026 10:30 AM,11:00 AM,Room 2,Scheduled,Y\n"
        ),
        "x",
        ZONE,
    )
    broken, kept = result.appointments
    assert broken.external_id == "77" and broken.minutes == 45 and broken.room == "Room 1"
    assert broken.status is ImportStatus.CANCELLED and broken.confirmed is False
    assert kept.start == at(15, 10, 30) and kept.minutes == 30 and kept.confirmed is True


def test_a_mapping_names_what_the_headers_do_not_say() -> None:
    mapping = read_mapping(
        "[columns]\ndate = 'Jour'\ntime = 'Heure'\npatient = 'Nom'\nminutes = 'Durée'\n"
        "[statuses]\nBumped = 'cancelled'\n[options]\nday_format = '%d/%m/%Y'\n"
    )
    result = read_csv(
        csv_of("Jour;Heure;Nom;Durée;Status\n03/12/2026;14:00;Lopez, Maria;20;Bumped\n"),
        "fr",
        ZONE,
        mapping,
    )
    (only,) = result.appointments
    assert only.start == at(3, 14) and only.minutes == 20
    assert only.status is ImportStatus.CANCELLED


def test_a_mappings_column_missing_from_the_file_is_refused() -> None:
    mapping = read_mapping("[columns]\ndate = 'Jour'\n")
    with pytest.raises(ImportFileError, match="'Jour' is not in the file"):
        read_csv(csv_of("Date,Time,Patient,Length\n12/15/2026,9:30,A B,30\n"), "x", ZONE, mapping)


def test_a_bad_line_is_named_with_its_number_and_reason_and_the_rest_read() -> None:
    result = read_csv(
        csv_of(
            "Date,Time,Patient,Length,Status\n"
            "12/15/2026,9:30,Maria Lopez,30,\n"
            "12/32/2026,9:30,David Chen,30,\n"
            "12/15/2026,half past,Grace Okafor,30,\n"
            "12/15/2026,11:00,Ann Able,0,\n"
            "12/15/2026,12:00,Ben Baker,30,Bumped\n"
            "12/15/2026,9:30,Maria Lopez,30,\n"
        ),
        "x",
        ZONE,
    )
    assert len(result.appointments) == 1
    assert [(e.line, e.reason) for e in result.errors] == [
        (3, "the date '12/32/2026' is not a day (e.g. 12/15/2026 or 2026-12-15)"),
        (4, "the time 'half past' is not a time (e.g. 9:30 AM or 09:30)"),
        (5, "a length of 0 minutes (1 to 720)"),
        (6, "the status 'Bumped' is not one we know (a mapping can name it)"),
        (7, "the same appointment as line 2"),
    ]
    assert all("Lopez" not in str(e) and "Chen" not in str(e) for e in result.errors)


@pytest.mark.parametrize(
    ("data", "encoding", "note"),
    [
        (
            b"\xef\xbb\xbfDate,Time,Patient,Length\r\n"
            b"12/15/2026,9:30,Ren\xc3\xa9e Dupr\xc3\xa9,30\r\n",
            "UTF-8",
            None,
        ),
        (
            b"Date,Time,Patient,Length\r\n12/15/2026,9:30,Ren\xe9e Dupr\xe9,30\r\n",
            "Latin-1",
            "Read as Latin-1.",
        ),
        (
            "Date,Time,Patient,Length\r\n12/15/2026,9:30,Renée Dupré,30\r\n".encode("utf-16"),
            "UTF-16",
            "Read as UTF-16.",
        ),
    ],
)
def test_encodings(data: bytes, encoding: str, note: str | None) -> None:
    result = read_csv(data, "x", ZONE)
    (only,) = result.appointments
    assert (only.patient.first_name, only.patient.last_name) == ("Renée", "Dupré")
    assert (note in result.notes) if note else not any("Read as" in n for n in result.notes)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "The file is empty."),
        (b"  \r\n\r\n", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"hello,world\n1,2\n", "No header line found"),
        (b"Date,Time,Patient,Length\n", "no appointments"),
        (b"Date,Patient,Length\n12/15/2026,A B,30\n", "start time"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_one_line(data: bytes, said: str) -> None:
    with pytest.raises(ImportFileError) as refused:
        read_csv(data, "x", ZONE)
    assert said in str(refused.value) and "\n" not in str(refused.value)


# iCalendar


def test_a_weekly_series_with_an_exception_a_moved_and_a_cancelled_occurrence() -> None:
    result = read_ics((FILES / "weekly.ics").read_bytes(), "cal", ZONE, *DEC)
    series = [a for a in result.appointments if a.external_id.startswith("weekly-lopez")]
    assert [a.start for a in series] == [
        at(7, 9),
        at(15, 10),
        at(28, 9),
        at(4, 9, month=1),
        at(11, 9, month=1),
    ]  # 21 Dec is excepted; 14 Dec moved to the 15th at 10:00; COUNT=6 ends it
    moved = series[1]
    assert moved.external_id == "weekly-lopez@clinic.example/20261214T140000Z"
    assert moved.minutes == 45 and moved.room == "Room 2"
    assert series[2].status is ImportStatus.CANCELLED
    first = series[0]
    assert first.provider == "Dr. Rivera" and first.type == "Adjustment"
    assert first.patient.number == "1042" and first.patient.dob == dt.date(1980, 3, 14)
    assert first.line == 21
    assert "1 all-day events passed over (not appointments)." in result.notes


def test_a_single_event_is_keyed_by_its_uid_alone() -> None:
    result = read_ics((FILES / "weekly.ics").read_bytes(), "cal", ZONE, *DEC)
    (chen,) = [a for a in result.appointments if a.patient.last_name == "Chen"]
    assert chen.external_id == "chen-exam@clinic.example"
    assert chen.start == dt.datetime(2026, 12, 16, 15, tzinfo=dt.UTC)
    assert chen.type == "New patient exam" and chen.provider == "Dr. Patel"


def _calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{body}END:VCALENDAR\r\n".encode()


def test_a_rule_without_end_stops_at_the_imports_last_day() -> None:
    data = _calendar(
        "UID:open@x\nDTSTART:20261201T090000\nDURATION:PT30M\nRRULE:FREQ=DAILY\nSUMMARY:Ann Able"
    )
    result = read_ics(data, "cal", ZONE, dt.date(2026, 12, 1), dt.date(2026, 12, 10))
    assert len(result.appointments) == 10
    assert result.appointments[-1].start == at(10, 9)  # floating time: the practice's
    assert (result.first_day, result.last_day) == (dt.date(2026, 12, 1), dt.date(2026, 12, 10))


def test_single_events_outside_the_days_are_left_out_and_one_without_an_end_still_reads() -> None:
    data = _calendar(
        "UID:in@x\nDTSTART:20261210T090000\nDURATION:PT30M\nSUMMARY:Ann Able",
        "UID:before@x\nDTSTART:20261130T090000\nDURATION:PT30M\nSUMMARY:Ann Able",
        "UID:after@x\nDTSTART:20261211T090000\nDTEND:20261211T093000\nSUMMARY:Ann Able",
        "UID:open@x\nDTSTART:20261201T090000\nDURATION:PT30M\nRRULE:FREQ=WEEKLY\nSUMMARY:B C",
    )
    result = read_ics(data, "cal", ZONE, dt.date(2026, 12, 1), dt.date(2026, 12, 10))
    assert [a.external_id for a in result.appointments] == [
        "open@x/20261201T140000Z",
        "open@x/20261208T140000Z",
        "in@x",
    ]
    no_end = _calendar("UID:n@x\nDTSTART:20261210T090000\nSUMMARY:Ann Able")
    read = read_ics(no_end, "cal", ZONE, dt.date(2026, 12, 1), dt.date(2026, 12, 10))
    assert [error.reason for error in read.errors] == ["a length of 0 minutes (1 to 720)"]


VARIED = (
    "UID:z@x\nDTSTART:20261210T150000Z\nDTEND:20261210T153000Z\nSUMMARY:Ann Able - Exam\n"
    "STATUS:CONFIRMED\nDTSTAMP:20261101T000000Z\nSEQUENCE:2\nX-PMS-ID:77",
    "UID:tz@x\nDTSTART;TZID=America/New_York:20261211T090000\n"
    "DTEND;TZID=America/New_York:20261211T094500\nSUMMARY;LANGUAGE=en:O'Brien\\, Pat\n"
    'ORGANIZER;CN="Rivera, Ana: DC":mailto:r@x\nCATEGORIES:Exam,Long\nLOCATION:Room 1',
    "uid:lower@x\ndtstart:20261212T080000\nduration:PT1H\nsummary:Bo Bell\nstatus:tentative",
    "UID:folded@x\nDTSTART:20261214T100000\nDURATION:PT20M\nSUMMARY:Cy\n  Cole\n"
    "DESCRIPTION:Chart: 1042\\nDOB: 3/14/1980\\nPhone: 555 555\n 1234\n"
    "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:Reminder\nTRIGGER:-PT15M\nEND:VALARM",
    "UID:win@x\nDTSTART;TZID=Eastern Standard Time:20261215T090000\n"
    "DTEND;TZID=Eastern Standard Time:20261215T093000\nSUMMARY:Di Dunn",
    "UID:day@x\nDTSTART;VALUE=DATE:20261216\nDTEND;VALUE=DATE:20261217\nSUMMARY:Closed",
    "UID:both@x\nDTSTART:20261217T090000\nDTEND:20261217T093000\nDURATION:PT30M\nSUMMARY:Ed",
    "UID:noend@x\nDTSTART:20261218T090000\nSUMMARY:Flo Fay",
    "UID:long@x\nDTSTART:20261218T090000\nDURATION:PT13H\nSUMMARY:Gus Gray",
    "UID:out@x\nDTSTART:20270301T090000\nDURATION:PT30M\nSUMMARY:Hal Hill",
    "UID:cancelled@x\nDTSTART:20261221T090000\nDURATION:PT30M\nSUMMARY:Ivy Ives\nSTATUS:CANCELLED",
    "DTSTART:20261222T090000\nDURATION:PT30M\nSUMMARY:No Uid",
    "UID:weekly@x\nDTSTART:20261207T090000\nDURATION:PT30M\nRRULE:FREQ=WEEKLY;COUNT=3\n"
    "SUMMARY:Jo Jones",
    "UID:weekly@x\nRECURRENCE-ID:20261214T090000\nDTSTART:20261214T110000\nDURATION:PT30M\n"
    "SUMMARY:Jo Jones",
)


@pytest.mark.parametrize("events", [VARIED, VARIED[:4] + VARIED[5:6] + VARIED[8:12]])
def test_single_events_read_the_quick_way_as_icalendar_reads_them(
    events: tuple[str, ...],
) -> None:
    data = _calendar(*events)
    quick = read_ics(data, "cal", ZONE, *DEC)
    assert quick == read_ics(data, "cal", ZONE, *DEC, quick=False)
    assert len(quick.appointments) >= 5 and quick.errors  # the cases are there
    plain, _rest = quick_events(data.decode())
    assert len(plain) >= 8  # and most went the quick way


def test_a_calendar_icalendar_cannot_read_is_refused_the_same_way() -> None:
    data = _calendar("UID:a@x\nDTSTART:20261210T090000\nDURATION:PT30M\nSUMMARY:Ann Able")
    broken = data.replace(b"END:VEVENT\r\n", b"")
    with pytest.raises(ImportFileError, match="not a readable calendar"):
        read_ics(broken, "cal", ZONE, *DEC)


def test_a_calendar_without_events_is_refused() -> None:
    with pytest.raises(ImportFileError, match="no events"):
        read_ics(_calendar(), "cal", ZONE, *DEC)


def test_an_event_without_a_patient_is_a_bad_line() -> None:
    result = read_ics(
        _calendar("UID:a@x\nDTSTART:20261215T090000\nDURATION:PT30M"), "c", ZONE, *DEC
    )
    assert [str(e) for e in result.errors] == ["line 4: no patient in the SUMMARY or DESCRIPTION"]


# HL7 SIU


def test_a_feed_of_siu_messages_in_order() -> None:
    result = read_hl7((FILES / "siu_feed.hl7").read_bytes(), "pms", ZONE)
    assert result.kind is FileKind.EVENTS and result.errors == []
    said = [(a.line, a.external_id, a.status, a.start, a.minutes) for a in result.appointments]
    assert said == [
        (1, "A100", ImportStatus.BOOKED, at(15, 9, 30), 30),
        (2, "A101", ImportStatus.BOOKED, at(15, 10), 45),
        (3, "A100", ImportStatus.BOOKED, at(16, 11), 30),  # S13 reschedule
        (4, "A101", ImportStatus.BOOKED, at(15, 10), 60),  # S14 by TQ1
        (5, "A101", ImportStatus.CANCELLED, at(15, 10), 60),  # S15
        (6, "A102", ImportStatus.BOOKED, at(17, 14, 15), 60),
        (7, "A102", ImportStatus.DELETED, at(17, 14, 15), 60),  # S17
        (8, "A100", ImportStatus.NO_SHOW, at(16, 11), 30),  # S26
    ]
    first = result.appointments[0]
    assert (first.patient.first_name, first.patient.last_name) == ("Maria", "Lopez")
    assert first.patient.number == "1042" and first.patient.dob == dt.date(1980, 3, 14)
    assert first.patient.phone == "555-555-1234"
    assert (first.provider, first.room, first.type) == ("Ana Rivera", "Room 1", "Adjustment")
    assert result.appointments[3].provider == ""  # no AIP: optional
    assert "Segments passed over: ZXT." in result.notes


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_any_line_endings_read_the_same(ending: str) -> None:
    data = (FILES / "siu_feed.hl7").read_bytes()
    again = read_hl7(data.replace(b"\r", ending.encode()), "pms", ZONE)
    assert again.appointments == read_hl7(data, "pms", ZONE).appointments


def test_mllp_framing_and_batch_segments_are_passed_over() -> None:
    message = "MSH|^~\\&|A|B|C|D|20261210||SIU^S12|1|P|2.3\rSCH|1|A9\r"
    text = f"FHS|^~\\&\rBHS|^~\\&\r\x0b{message}\x1c\rBTS|1\rFTS|1\r"
    assert split_messages(text) == ["MSH|^~\\&|A|B|C|D|20261210||SIU^S12|1|P|2.3\rSCH|1|A9"]


def _message(event: str, *segments: str, version: str = "2.5") -> str:
    return "\r".join((f"MSH|^~\\&|PMS|C|OM|C|20261210||{event}|1|P|{version}", *segments)) + "\r"


def test_other_messages_and_versions_are_passed_over_and_said() -> None:
    pid = "PID|1||1042||LOPEZ^MARIA"
    sch = "SCH|1|A1|||||||30|MIN|^^^202612150930"
    data = (
        _message("ADT^A04", pid)
        + _message("SIU^S12", sch, pid, version="3.0")
        + _message("SIU^S12", sch, pid, version="2.3")
    ).encode()
    result = read_hl7(data, "pms", ZONE)
    assert [a.line for a in result.appointments] == [3]
    assert result.appointments[0].minutes == 30  # SCH-9 in SCH-10's minutes
    assert "Message 1 is ADT^A04, not a schedule message." in result.notes
    assert "Message 2 is version 3.0, not 2.x." in result.notes


def test_a_message_missing_what_it_needs_is_refused_with_its_number() -> None:
    pid = "PID|1||1042||LOPEZ^MARIA"
    data = (
        _message("SIU^S12", pid)
        + _message("SIU^S12", "SCH|||||||||30|MIN|^^^202612150930", pid)
        + _message("SIU^S12", "SCH|1|A1||||||||MIN|^^^202612150930", pid)
        + _message("SIU^S12", "SCH|1|A1|||||||30|MIN|^^^20261215093", pid)
        + _message("SIU^S15", "SCH|1|A1|||||||30|MIN|^^^202612150930")
    ).encode()
    result = read_hl7(data, "pms", ZONE)
    assert result.appointments == []
    assert [str(e) for e in result.errors] == [
        "line 1: SIU^S12: no SCH segment",
        "line 2: SIU^S12: no appointment id in SCH-2 or SCH-1",
        "line 3: SIU^S12: no length (SCH-11 end, SCH-9 or TQ1-6)",
        "line 4: SIU^S12: the start '20261215093' is not an HL7 time",
        "line 5: SIU^S15: no PID segment (the patient)",
    ]


def test_escapes_repetitions_and_subcomponents_read_as_python_hl7_reads_them() -> None:
    data = _message(
        "SIU^S12",
        "SCH|1|A1||||||ADJ^Adjust\\S\\ment|30|MIN|^^^202612150930",
        "PID|1||1042~77^^^OTHER||SMITH\\T\\JONES^ANNA",
        "AIP|1||P1^Rivera&X^Ana",
    ).encode()
    (only,) = read_hl7(data, "pms", ZONE).appointments
    assert only.patient.number == "1042"  # the first repetition
    assert only.patient.last_name == "Smith&Jones"  # \T\ is the subcomponent separator
    assert only.type == "Adjust^ment"  # \\S\\ is the component separator
    assert only.provider == "Ana Rivera"  # a component's first subcomponent


def test_a_mapping_takes_the_id_from_sch_1() -> None:
    pid = "PID|1||1042||LOPEZ^MARIA"
    data = _message("SIU^S12", "SCH|P7|F7|||||||30|MIN|^^^202612150930", pid).encode()
    (only,) = read_hl7(
        data, "pms", ZONE, read_mapping("[options]\nappointment_id='SCH-1'")
    ).appointments
    assert only.external_id == "P7"


def test_a_file_without_messages_is_refused() -> None:
    with pytest.raises(ImportFileError, match="No HL7 message"):
        read_hl7(b"PID|1||1042\r", "pms", ZONE)


# Which reader


def test_the_reader_is_chosen_by_what_the_file_holds() -> None:
    assert format_of((FILES / "siu_feed.hl7").read_bytes()) is FileFormat.HL7
    assert format_of(b"\xef\xbb\xbfBEGIN:VCALENDAR\r\n") is FileFormat.ICS
    assert format_of((FILES / "open_dental.csv").read_bytes()) is FileFormat.CSV
    kind, result = read_appointments((FILES / "weekly.ics").read_bytes(), "c", ZONE, *DEC)
    assert kind is FileFormat.ICS and len(result.appointments) == 6


def test_the_queue_and_the_import_screens_load_no_file_format_library_until_a_file_is_read() -> (
    None
):
    """python-hl7 and the calendar libraries (click among what they bring) load with the
    first file of theirs, not with every screen that names the imports."""
    import subprocess
    import sys

    code = (
        "import sys, om_tui.screens.imports.queue, om_tui.practice.imports.service;"
        "print(sorted(m for m in ('hl7', 'icalendar', 'recurring_ical_events', 'click')"
        " if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
