"""Applying an import to the book, on a real practice database: patients matched or added,
providers, rooms and types matched by name or listed, idempotence, exact changes,
vanished appointments cancelled inside the file's days only, a bad line refusing the
file (or skipped), ambiguous patients left for a person, HL7 events in order, the trail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from peewee import Database

from db.models import Appointment, Patient, SourcePatient, Staff, as_utc
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.imports.apply import ImportRefused, ImportReport, apply_import
from om_tui.practice.imports.hl7_reader import split_messages
from om_tui.practice.imports.mapping import Mapping, read_mapping
from om_tui.practice.imports.reading import read_appointments
from om_tui.practice.people import audit
from om_tui.practice.people.roles import ADMINISTRATOR

from .practice_fixture import ZONE, Practice, local

FILES = Path(__file__).parent / "import_files"
HEADER = "Appointment ID,Date,Time,Length,Patient,Birth Date,Chart,Provider,Room,Type,Status\n"
# Thursday and Friday after the fixture's Wednesday.
ANN = "1,11/19/2026,9:00 AM,30,Ann Able,1/1/1980,P-1,Dr. Chen,Room 1,Regular,\n"
NEW = "2,11/19/2026,9:30 AM,45,Nora New,5/6/1990,P-2,Dr. Lou Webb,Room 2,New patient,\n"
FRI = "3,11/20/2026,10:00 AM,30,Ann Able,1/1/1980,P-1,pat chen,Room 1,Re-exam,\n"


def run(
    database: Database,
    clock: FrozenClock,
    data: str | bytes,
    source: str = "pms",
    *,
    mapping: Mapping | None = None,
    dry_run: bool = False,
    skip_bad: bool = False,
    days: tuple[dt.date, dt.date] = (dt.date(2026, 11, 1), dt.date(2026, 12, 31)),
    by: int | None = ADMINISTRATOR,
) -> ImportReport:
    raw = data.encode() if isinstance(data, str) else data
    _kind, read = read_appointments(raw, source, ZONE, *days, mapping=mapping)
    return apply_import(
        database,
        clock,
        ZONE,
        read,
        source=source,
        file_name="book.csv",
        mapping=mapping,
        by=by,
        dry_run=dry_run,
        skip_bad=skip_bad,
    )


def imported(source: str = "pms") -> dict[str, Appointment]:
    return {a.external_id: a for a in Appointment.select().where(Appointment.source == source)}


def test_a_csv_goes_into_the_book(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    patients = Patient.select().count()
    report = run(database, clock, HEADER + ANN + NEW + FRI)
    assert [s.line for s in report.added] == [2, 3, 4] and report.patients_added == 1
    book = imported()
    ann, nora, friday = book["1"], book["2"], book["3"]
    assert ann.patient_id == practice.patients["ann"]  # by name and birth date
    assert friday.patient_id == practice.patients["ann"]
    assert nora.patient.full_name == "Nora New" and nora.patient.dob == dt.date(1990, 5, 6)
    assert Patient.select().count() == patients + 1
    assert ann.provider_id == practice.provider  # "Dr. Chen": the one provider named Chen
    assert friday.provider_id == practice.provider  # "pat chen"
    assert nora.provider_id == practice.other_provider
    assert (ann.room_id, nora.room_id) == (practice.rooms[0], practice.rooms[1])
    assert (ann.type.name, nora.type.name, friday.type.name) == (
        "Regular",
        "New patient",
        "Re-exam",
    )
    assert as_utc(nora.start) == local(9, 30, day=dt.date(2026, 11, 19))
    assert nora.length_minutes == 45 and nora.status.name == "Unconfirmed"
    assert {(s.source, s.number) for s in SourcePatient.select()} == {
        ("pms", "P-1"),
        ("pms", "P-2"),
    }


def test_the_same_file_twice_changes_nothing(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + ANN + NEW + FRI)
    before = {k: (a.version, a.start, a.patient_id) for k, a in imported().items()}
    patients = Patient.select().count()
    clock.advance(hours=1)
    again = run(database, clock, HEADER + ANN + NEW + FRI)
    assert again.counts()["unchanged"] == 3
    assert again.added == again.changed == again.cancelled == again.vanished == []
    assert {k: (a.version, a.start, a.patient_id) for k, a in imported().items()} == before
    assert Patient.select().count() == patients


def test_a_changed_file_changes_exactly_what_changed(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + ANN + NEW + FRI)
    moved = NEW.replace("9:30 AM,45", "11:00 AM,60")
    report = run(database, clock, HEADER + ANN + moved + FRI)
    assert [str(s) for s in report.changed] == ["line 3: Thu 11/19/2026 11:00 (2): time, length"]
    assert report.counts()["unchanged"] == 2
    nora = imported()["2"]
    assert as_utc(nora.start) == local(11, day=dt.date(2026, 11, 19))
    assert nora.length_minutes == 60 and nora.version == 1


def test_an_appointment_gone_from_the_file_is_cancelled_inside_its_days_only(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + ANN + NEW + FRI)
    # A file of Thursday alone, without Nora: Friday is outside its days, kept.
    report = run(database, clock, HEADER + ANN)
    assert [str(s) for s in report.vanished] == ["Thu 11/19/2026 09:30 (2)"]
    book = imported()
    assert book["2"].cancelled_at is not None
    assert book["1"].cancelled_at is None and book["3"].cancelled_at is None
    assert "No longer in the file, so cancelled:" in report.lines()
    # Back in the next file: booked again.
    back = run(database, clock, HEADER + ANN + NEW)
    assert [str(s) for s in back.changed] == ["line 3: Thu 11/19/2026 09:30 (2): booked again"]
    assert imported()["2"].cancelled_at is None


def test_another_sources_appointments_are_never_touched(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + ANN + NEW, source="calendar")
    run(database, clock, HEADER + ANN, source="pms")
    assert all(a.cancelled_at is None for a in imported("calendar").values())
    # … and the book's own (the fixture's, without a source) neither.
    assert Appointment.select().where(Appointment.cancelled_at.is_null(False)).count() == 0


def test_a_bad_line_refuses_the_file_whole(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    appointments, patients = Appointment.select().count(), Patient.select().count()
    bad = "4,11/31/2026,9:00 AM,30,Ben Baker,,,Dr. Chen,,,\n"
    with pytest.raises(ImportRefused) as refused:
        run(database, clock, HEADER + ANN + NEW + bad)
    assert "1 line cannot be imported, so nothing was" in str(refused.value)
    assert [e.line for e in refused.value.errors] == [4]
    assert (Appointment.select().count(), Patient.select().count()) == (appointments, patients)


def test_with_skip_bad_the_rest_goes_in_and_nothing_is_cancelled_for_vanishing(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + ANN + NEW)
    bad = "4,11/31/2026,9:00 AM,30,Ben Baker,,,Dr. Chen,,,\n"
    report = run(database, clock, HEADER + ANN + bad, skip_bad=True)
    assert [e.line for e in report.skipped] == [3]
    assert report.vanished == [] and imported()["2"].cancelled_at is None
    assert any("left as they are, since bad lines were skipped" in n for n in report.notes)


def test_an_ambiguous_patient_waits_for_a_person_and_the_rest_imports(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    twin = Patient.get_by_id(practice.patients["ann"])
    Patient.create(
        first_name="Ann", last_name="Able", dob=twin.dob, chart_number="T-1", created=twin.created
    )
    no_dob = "5,11/19/2026,2:00 PM,30,Ben Baker,,,Dr. Chen,,,\n"
    report = run(database, clock, HEADER + ANN + NEW + no_dob)
    assert [str(s) for s in report.needs_person] == [
        "line 2: Thu 11/19/2026 09:00 (1): two patients with this name and birth date",
        "line 4: Thu 11/19/2026 14:00 (5): a patient with this name, and no birth date to tell",
    ]
    assert set(imported()) == {"2"}
    assert "Able" not in "\n".join(report.lines())  # the printed report names no patient


def test_the_sources_patient_number_finds_them_again(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + ANN)
    renamed = ANN.replace("Ann Able,1/1/1980", "Annie Able-Smith,1/1/1980")
    run(database, clock, HEADER + renamed.replace("1,11/19", "9,11/19").replace("9:00", "3:00"))
    assert imported()["9"].patient_id == practice.patients["ann"]


def test_unknown_providers_rooms_and_types_are_listed_not_invented(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    staff = Staff.select().count()
    odd = "6,11/19/2026,3:00 PM,30,Nora New,5/6/1990,P-2,Dr. Nobody,Op 9,Massage,\n"
    report = run(database, clock, HEADER + odd)
    assert report.unknown == {
        "provider": {"Dr. Nobody": [2]},
        "room": {"Op 9": [2]},
        "type": {"Massage": [2]},
    }
    assert "Not in om-tui: provider 'Dr. Nobody' (lines 2): add it, or map the name." in (
        report.lines()
    )
    appointment = imported()["6"]
    assert (appointment.provider_id, appointment.room_id, appointment.type_id) == (None,) * 3
    assert Staff.select().count() == staff
    # The mapping names them: the next import fills them in.
    mapping = read_mapping(
        "[providers]\n'Dr. Nobody' = 'Dr. Lou Webb'\n[rooms]\n'Op 9' = 'Room 3'\n"
        "[types]\nMassage = 'Regular'\n"
    )
    again = run(database, clock, HEADER + odd, mapping=mapping)
    assert [str(s) for s in again.changed] == [
        "line 2: Thu 11/19/2026 15:00 (6): provider, room, type"
    ]
    assert imported()["6"].provider_id == practice.other_provider


def test_a_dry_run_says_what_would_happen_and_writes_nothing(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    appointments, patients = Appointment.select().count(), Patient.select().count()
    report = run(database, clock, HEADER + ANN + NEW, dry_run=True)
    assert len(report.added) == 2 and report.patients_added == 1
    assert "2 would be added" in report.lines()[0]
    assert (Appointment.select().count(), Patient.select().count()) == (appointments, patients)
    page = audit.read(database, settings.load(database))
    assert not any(e.action == "import" for e in page.entries)


def test_the_trail_records_the_import_and_its_changes(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + ANN + NEW)
    entries = audit.read(database, settings.load(database)).entries
    (event,) = [e for e in entries if e.action == "import"]
    assert event.what == "import: pms"
    assert event.detail["file"] == "book.csv" and event.detail["added"] == 2
    by_import = [e for e in entries if e.terminal == "import pms"]
    assert sorted((e.action, e.subject) for e in by_import) == [
        ("create", "appointment"),
        ("create", "appointment"),
        ("create", "patient"),  # Nora, new
        ("create", "source_patient"),
        ("create", "source_patient"),
        ("import", "pms"),
    ]


def test_each_appointment_an_import_changes_is_on_the_trail_once_in_its_name(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + ANN + NEW + FRI)
    book = imported()
    moved = ANN.replace("9:00 AM,30", "11:00 AM,20")  # a new time and length
    report = run(database, clock, HEADER + moved + FRI)  # Nora's no longer listed
    assert len(report.changed) == 1 and len(report.vanished) == 1 and report.unchanged == 1
    entries = audit.read(database, settings.load(database)).entries
    changes = [e for e in entries if e.action == "change" and e.subject == "appointment"]
    assert sorted((e.row, e.terminal) for e in changes) == sorted(
        [(book["1"].id, "import pms"), (book["2"].id, "import pms")]
    )
    (ann,) = [e for e in changes if e.row == book["1"].id]
    assert ann.after is not None and ann.after["length_minutes"] == 20
    assert ann.after["version"] == 1 and set(ann.after) == {"start", "length_minutes", "version"}
    (nora,) = [e for e in changes if e.row == book["2"].id]
    assert nora.after is not None and nora.after["cancelled_at"] is not None
    assert [imported()[key].version for key in "123"] == [1, 1, 0]


SIU_MAPPING = (
    "[providers]\n'Ana Rivera' = 'Dr. Pat Chen'\n"
    "[types]\nAdjustment = 'Regular'\n'New patient exam' = 'New patient'\n"
)


def test_hl7_events_one_message_a_file_apply_in_order(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    mapping = read_mapping(SIU_MAPPING)
    messages = split_messages((FILES / "siu_feed.hl7").read_bytes().decode())
    said = []
    for message in messages:
        report = run(database, clock, message + "\r", mapping=mapping)
        said.append({k: v for k, v in report.counts().items() if v and k != "patients_added"})
    assert said == [
        {"added": 1},  # S12 A100
        {"added": 1},  # S12 A101
        {"changed": 1},  # S13 A100 moved
        {"changed": 1},  # S14 A101 longer
        {"cancelled": 1},  # S15 A101
        {"added": 1},  # S12 A102
        {"cancelled": 1},  # S17 A102
        {"no_shows": 1},  # S26 A100
    ]
    book = imported()
    assert as_utc(book["A100"].start) == local(11, day=dt.date(2026, 12, 16))
    assert book["A100"].missed_at is not None and book["A100"].provider_id == practice.provider
    assert book["A101"].cancelled_at is not None and book["A101"].length_minutes == 60
    assert book["A102"].cancelled_at is not None


def test_a_file_of_hl7_events_ends_as_they_do_one_by_one_and_twice_changes_nothing(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    mapping = read_mapping(SIU_MAPPING)
    data = (FILES / "siu_feed.hl7").read_bytes()
    report = run(database, clock, data, mapping=mapping)
    book = imported()
    assert as_utc(book["A100"].start) == local(11, day=dt.date(2026, 12, 16))
    assert book["A100"].missed_at is not None
    assert book["A101"].cancelled_at is not None and book["A101"].length_minutes == 60
    # A102 was booked and deleted in the same file: it never reaches the book.
    assert "A102" not in book
    assert [s.line for s in report.no_shows] == [8] and [s.line for s in report.cancelled] == [5]
    assert report.unknown == {"provider": {"Sam Patel": [5]}}  # its last message
    again = run(database, clock, data, mapping=mapping)
    assert again.added == again.changed == again.cancelled == again.no_shows == []


def test_an_ics_series_with_its_cancelled_occurrence(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    mapping = read_mapping("[providers]\n'Dr. Rivera' = 'Dr. Pat Chen'\n")
    data = (FILES / "weekly.ics").read_bytes()
    winter = (dt.date(2026, 12, 1), dt.date(2027, 1, 31))
    report = run(database, clock, data, "cal", mapping=mapping, days=winter)
    assert len(report.added) == 5 and len(report.cancelled) == 1
    assert report.cancelled[0].text.endswith("(added as cancelled)")
    again = run(database, clock, data, "cal", mapping=mapping, days=winter)
    assert again.counts()["unchanged"] == 6 and again.vanished == []
    # A shorter import range: the series' later occurrences are outside it, so kept.
    december = run(database, clock, data, "cal", mapping=mapping, days=winter[:1] * 2)
    assert december.vanished == []
    assert sum(a.cancelled_at is None for a in imported("cal").values()) == 5


def test_a_checked_in_patient_is_left_on_the_board_for_a_person(
    database: Database, practice: Practice, clock: FrozenClock, flow: Flow
) -> None:
    today = "7,11/18/2026,11:30 AM,30,Ann Able,1/1/1980,P-1,Dr. Chen,Room 1,Regular,\n"
    later = "8,11/18/2026,3:00 PM,30,Nora New,5/6/1990,P-2,Dr. Chen,Room 1,Regular,\n"
    run(database, clock, HEADER + today + later)
    flow.check_in(practice.patients["ann"], imported()["7"].id)
    moved = today.replace("11:30 AM", "1:00 PM")
    report = run(database, clock, HEADER + moved)
    assert [str(s) for s in report.needs_person] == [
        "line 2: Wed 11/18/2026 13:00 (7): checked in already; the source moved it (left as is)"
    ]
    assert [str(s) for s in report.vanished] == ["Wed 11/18/2026 15:00 (8)"]
    assert as_utc(imported()["7"].start) == local(11, 30)
    gone = run(database, clock, HEADER + later)
    assert [str(s) for s in gone.needs_person] == [
        "Wed 11/18/2026 11:30 (7): checked in, but no longer in the file (left as is)"
    ]
    assert imported()["7"].cancelled_at is None


def test_a_missed_mark_made_here_stays_when_the_source_still_says_booked(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + ANN)
    Appointment.update(missed_at=imported()["1"].start).where(Appointment.source == "pms").execute()
    report = run(database, clock, HEADER + ANN)
    assert report.counts()["unchanged"] == 1 and imported()["1"].missed_at is not None
