"""Rows written with db.bulk read back as peewee's own inserts would have stored them:
values as their fields store them, defaults for what the rows leave out, and each row
in the audit trail."""

from __future__ import annotations

import datetime as dt

from peewee import Database

from db.bulk import insert_row, insert_rows
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
