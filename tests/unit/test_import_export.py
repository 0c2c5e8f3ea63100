"""The book exported as .ics and CSV reads back, through our own readers, as the same
appointments: a provider's phone and a PMS see what the book has."""

from __future__ import annotations

import datetime as dt

from peewee import Database

from db.models import Appointment, as_utc, utc_naive
from om_tui.practice.clock import FrozenClock
from om_tui.practice.imports.csv_reader import read_csv
from om_tui.practice.imports.export import export_csv, export_ics
from om_tui.practice.imports.ics_reader import read_ics
from om_tui.practice.imports.records import ImportStatus

from .practice_fixture import DAY, ZONE, Practice


def test_the_days_book_as_ics_reads_back(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    Appointment.update(cancelled_at=utc_naive(clock.now())).where(
        Appointment.id == practice.appointments["dee"]
    ).execute()
    data = export_ics(DAY, DAY, ZONE, "Test Chiropractic")
    read = read_ics(data, "phone", ZONE, DAY, DAY)
    assert len(read.appointments) == 7 and read.errors == []
    by_uid = {a.external_id: a for a in read.appointments}
    ann = by_uid[f"om-tui-{practice.appointments['ann']}"]
    assert ann.start == as_utc(Appointment.get_by_id(practice.appointments["ann"]).start)
    assert (ann.patient.first_name, ann.patient.last_name) == ("Ann", "Able")
    assert ann.provider == "Dr. Pat Chen" and ann.type == "Regular"
    assert by_uid[f"om-tui-{practice.appointments['dee']}"].status is ImportStatus.CANCELLED


def test_the_days_book_as_csv_reads_back_without_the_cancelled(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    Appointment.update(cancelled_at=utc_naive(clock.now())).where(
        Appointment.id == practice.appointments["dee"]
    ).execute()
    read = read_csv(export_csv(DAY, DAY, ZONE).encode(), "pms", ZONE)
    assert len(read.appointments) == 6 and read.errors == [] and read.notes == []
    first = read.appointments[0]
    assert first.start == dt.datetime(2026, 11, 18, 9, tzinfo=ZONE) and first.minutes == 30
    assert first.patient.dob == dt.date(1980, 1, 1) and first.patient.number == "200001"
    assert first.provider == "Dr. Pat Chen"
