"""Imported appointments on a provider's taken slot are shown double-booked, as the
book's own are, and the import report says so; moved apart again, they are not."""

from __future__ import annotations

from peewee import Database

from db.models import Appointment
from om_tui.practice.clock import FrozenClock

from .practice_fixture import Practice
from .test_import_apply import ANN, HEADER, imported, run

OVER_ANN = "2,11/19/2026,9:15 AM,30,Nora New,5/6/1990,P-2,Dr. Chen,Room 2,Regular,\n"
# The fixture's Ann is booked with Dr. Chen at 9:00 on Wednesday the 18th.
ON_WEDNESDAY = "4,11/18/2026,9:10 AM,15,Nora New,5/6/1990,P-2,Dr. Chen,,,\n"


def test_two_imported_appointments_in_one_slot_are_double_booked(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    report = run(database, clock, HEADER + ANN + OVER_ANN)
    assert [str(s) for s in report.double_booked] == [
        "line 2: Thu 11/19/2026 09:00 (1)",
        "line 3: Thu 11/19/2026 09:15 (2)",
    ]
    assert report.counts()["double_booked"] == 2
    assert "Double-booked (the provider has another appointment then):" in report.lines()
    assert all(a.double_booked for a in imported().values())
    versions = {a.external_id: a.version for a in imported().values()}
    again = run(database, clock, HEADER + ANN + OVER_ANN)  # unchanged: nothing said or done
    assert again.double_booked == [] and again.unchanged == 2
    assert {a.external_id: a.version for a in imported().values()} == versions


def test_moved_apart_they_are_no_longer_double_booked(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + ANN + OVER_ANN)
    report = run(database, clock, HEADER + ANN + OVER_ANN.replace("9:15 AM", "10:00 AM"))
    assert report.double_booked == []
    assert not any(a.double_booked for a in imported().values())


def test_an_import_on_an_appointment_booked_here_marks_both(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    report = run(database, clock, HEADER + ON_WEDNESDAY)
    assert [s.line for s in report.double_booked] == [2]
    assert any("1 appointment booked otherwise now share" in note for note in report.notes)
    assert Appointment.get_by_id(practice.appointments["ann"]).double_booked
    assert not Appointment.get_by_id(practice.appointments["ben"]).double_booked  # 9:30


def test_another_providers_slot_is_not_a_double_booking(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    other = OVER_ANN.replace("Dr. Chen", "Dr. Lou Webb")
    assert run(database, clock, HEADER + ANN + other).double_booked == []
