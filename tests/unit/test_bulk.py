"""Rows written with db.bulk read back as peewee's own inserts and updates would have stored them:
values as their fields store them, defaults for what the rows leave out, and each row
in the audit trail."""

from __future__ import annotations

import datetime as dt

from peewee import Database

from db.bulk import insert_row, insert_rows, update_rows
from db.models import Appointment, Patient
from om_tui.practice import settings
from om_tui.practice.people import audit

from .practice_fixture import Practice


def test_bulk_rows_are_stored_as_peewee_stores_them(database: Database, practice: Practice) -> None:
    start = dt.datetime(2026, 11, 19, 15, 30)
    with database.atomic():
        insert_rows(
            database,
            Appointment,
            [
                {"patient": practice.patients["ann"], "start": start, "source": "pms",
                 "external_id": str(n), "provider": practice.provider}
                for n in range(3)
            ],
        )  # fmt: skip
        patient = insert_row(
            database,
            Patient,
            {"first_name": "Nora", "last_name": "New", "dob": dt.date(1990, 5, 6),
             "chart_number": "X-1", "created": start},
        )  # fmt: skip
    made = list(Appointment.select().where(Appointment.source == "pms"))
    assert [a.external_id for a in made] == ["0", "1", "2"]
    first = made[0]
    assert (first.start, first.length_minutes, first.version) == (start, 30, 0)
    assert (first.double_booked, first.cancelled_at, first.provider_id) == (
        False,
        None,
        practice.provider,
    )
    assert Patient.get_by_id(patient).dob == dt.date(1990, 5, 6)
    trail = audit.read(database, settings.load(database)).entries
    assert {e.row for e in trail if e.subject == "appointment"} >= {a.id for a in made}
    assert patient in {e.row for e in trail if e.subject == "patient"}


def test_bulk_updates_change_each_row_as_peewee_would_and_are_on_the_trail(
    database: Database, practice: Practice
) -> None:
    ann, ben = practice.appointments["ann"], practice.appointments["ben"]
    cal = practice.appointments["cal"]
    cancelled = dt.datetime(2026, 11, 18, 16, 0)
    before = {a.id: a for a in Appointment.select()}
    with database.atomic():
        update_rows(
            database,
            Appointment,
            [
                {"id": ann, "length_minutes": 45, "version": 1},
                {"id": ben, "cancelled_at": cancelled, "version": 1},
                {"id": cal, "length_minutes": 20, "provider": practice.other_provider},
            ],
        )
    after = {a.id: a for a in Appointment.select()}
    assert (after[ann].length_minutes, after[ann].version) == (45, 1)
    assert (after[ben].cancelled_at, after[ben].length_minutes) == (
        cancelled,
        before[ben].length_minutes,
    )
    assert (after[cal].length_minutes, after[cal].provider_id) == (20, practice.other_provider)
    untouched = set(after) - {ann, ben, cal}
    assert all(after[i].__data__ == before[i].__data__ for i in untouched)
    trail = audit.read(database, settings.load(database)).entries
    changes = [e for e in trail if e.subject == "appointment" and e.action == "change"]
    assert sorted(e.row for e in changes) == sorted([ann, ben, cal])
