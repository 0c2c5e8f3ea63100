"""The practice's appointment types, states and reasons; and appointments from before
the book keeping what they were."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from peewee import Database

from db import open_database, store
from db.models import Appointment
from db.store import MIGRATIONS
from om_tui.practice.people import trail_check
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule import types
from om_tui.practice.schedule.access import ScheduleError


def test_existing_appointments_keep_their_kind_as_a_type_and_are_unconfirmed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tmp_path / "before"
    before.mkdir()
    for script in MIGRATIONS.glob("*.py"):
        if script.stem < "0013":
            shutil.copy(script, before / script.name)
    monkeypatch.setattr(store, "MIGRATIONS", before)
    path = tmp_path / "practice.db"
    old = open_database(path)
    old.execute_sql(
        "INSERT INTO patient (first_name, last_name, phone, chart_number, created) "
        "VALUES ('Ann', 'Able', '', '1', '2026-01-01 00:00:00')"
    )
    for kind in ("new_patient", "regular", "re_exam"):
        old.execute_sql(
            "INSERT INTO appointment (patient_id, start, length_minutes, kind) "
            "VALUES (1, '2026-01-02 15:00:00', 30, ?)",
            (kind,),
        )
    old.close()
    monkeypatch.setattr(store, "MIGRATIONS", MIGRATIONS)
    database = open_database(path)
    try:
        found = [
            (a.type.name, a.type.new_patient, a.status.name)
            for a in Appointment.select().order_by(Appointment.id)
        ]
        assert found == [
            ("New patient", True, "Unconfirmed"),
            ("Regular", False, "Unconfirmed"),
            ("Re-exam", False, "Unconfirmed"),
        ]
        # The practice's starting types, states and reasons are on the trail, as rows are.
        assert trail_check.check(database, deep=True).ok
    finally:
        database.close()


def test_types_are_added_by_managers_with_a_letter_and_a_length(
    database: Database,
) -> None:
    added = types.add_type(database, ADMINISTRATOR, "  Massage  ", 60, "M")
    assert [t.name for t in types.appointment_types()][-1] == "Massage"
    assert types.type_named("m") == added
    with pytest.raises(ScheduleError, match="already"):
        types.add_type(database, ADMINISTRATOR, "Massage", 30, "X")
    with pytest.raises(ScheduleError, match="one character"):
        types.add_type(database, ADMINISTRATOR, "Consult", 30, "CO")
    with pytest.raises(ScheduleError, match="24 hours"):
        types.add_type(database, ADMINISTRATOR, "Retreat", 24 * 60, "T")
    types.edit_type(database, ADMINISTRATOR, added.id, active=False)
    assert "Massage" not in [t.name for t in types.appointment_types()]
