"""The audit trail on PostgreSQL: written by the server's own triggers, chained as on SQLite
and checked by the same verifier; a tampered row named; the application's role unable to
touch the trail or its triggers.

On the session's throwaway server (tests/unit/postgres_server.py); skipped, saying why,
where PostgreSQL is not installed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import psycopg
import pytest
from peewee import Database

from db import Patient, Staff
from db import audit as store
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people import anchors, audit, trail_check
from om_tui.practice.people.anchors import Anchor

_NOON = dt.datetime(2026, 11, 18, 12, 0)


def _entries(database: Database) -> list[dict[str, Any]]:
    found = database.execute_sql("SELECT entry FROM audit ORDER BY id")
    return [json.loads(text) for (text,) in found]


def _same_changes(database: Database) -> None:
    """One morning's changes, made the same way on either store."""
    audit.set_clock(database, FrozenClock(_NOON.replace(tzinfo=dt.UTC)))
    audit.set_terminal(database, "pts/3")
    staff = Staff.create(name="Jo Desk", initials="JD", role="desk", provider=False)
    audit.set_actor(database, staff.id)
    patient = Patient.create(
        first_name="Zoë", last_name='O"Brien\\\n', chart_number="77", created=_NOON
    )
    patient.phone = "555-0101"
    patient.save()
    with database.atomic():
        Staff.update(secret="secret-hash", active=False).where(Staff.id == staff.id).execute()
    audit.record(database, "login", "Jo Desk", {"tries": 2, "ratio": 0.1 + 0.2, "big": 1e16})
    patient.delete_instance()


@pytest.mark.backends("sqlite", "postgres")
def test_the_same_changes_are_recorded_alike_and_verify_on_both_stores(
    database: Database,
) -> None:
    start = len(_entries(database))
    _same_changes(database)
    result = audit.verify(database)
    assert result.ok, result.message
    written = _entries(database)[start:]
    kinds = [(e["action"], e["subject"]) for e in written]
    assert kinds == [
        ("create", "staff"),
        ("create", "patient"),
        ("change", "patient"),
        ("change", "staff"),
        ("login", "Jo Desk"),
        ("delete", "patient"),
    ]
    created = written[1]
    assert created["at"] == "2026-11-18 12:00:00.000000"
    assert created["terminal"] == "pts/3" and created["patient"] == created["row"]
    assert created["after"]["last_name"] == 'O"Brien\\\n'
    assert created["after"]["created"] == "2026-11-18 12:00:00"
    assert written[2]["after"] == {"phone": "555-0101"}
    assert written[3]["after"] == {"active": 0, "secret": store.HIDDEN}
    assert written[4]["detail"] == {"big": 1e16, "ratio": 0.1 + 0.2, "tries": 2}


pytestmark = pytest.mark.backends("postgres")


def test_a_tampered_row_is_named(database: Database) -> None:
    _same_changes(database)
    target = int(database.execute_sql("SELECT max(id) - 1 FROM audit").fetchone()[0])
    text = database.execute_sql("SELECT entry FROM audit WHERE id = %s", (target,)).fetchone()[0]
    database.execute_sql("ALTER TABLE audit DISABLE TRIGGER audit_no_change")
    database.execute_sql(
        "UPDATE audit SET entry = %s WHERE id = %s", (text.replace("Jo Desk", "Jo Dusk"), target)
    )
    database.execute_sql("ALTER TABLE audit ENABLE TRIGGER audit_no_change")
    result = audit.verify(database)
    assert not result.ok and result.bad_row == target
    assert f"Row #{target} " in result.message and "changed after it was written" in result.message


def test_a_cut_tail_and_a_disabled_guard_are_noticed(database: Database) -> None:
    _same_changes(database)
    database.execute_sql("ALTER TABLE audit DISABLE TRIGGER audit_no_change")
    assert "guards are gone" in audit.verify(database).message
    database.execute_sql("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)")
    database.execute_sql("ALTER TABLE audit ENABLE TRIGGER audit_no_change")
    result = audit.verify(database)
    assert not result.ok and "are missing" in result.message


def test_a_writer_that_is_not_om_tui_is_on_the_trail(database: Database) -> None:
    patient = Patient.create(first_name="A", last_name="B", chart_number="1", created=_NOON)
    with psycopg.connect(str(database.database), autocommit=True, application_name="psql") as other:
        other.execute("UPDATE patient SET phone = '555-9999' WHERE id = %s", (patient.id,))
    last = _entries(database)[-1]
    assert (last["action"], last["staff"], last["after"]) == ("change", None, {"phone": "555-9999"})
    assert last["terminal"] == "db:psql@127.0.0.1"
    assert audit.verify(database).ok


def test_the_server_writes_json_as_python_does(database: Database) -> None:
    """The canonical text of awkward values: what the verifier would write back, exactly."""
    values: list[Any] = [
        0.1 + 0.2,
        1e16,
        1e15,
        123456789.125,
        1e-5,
        0.0001,
        -2.5e-7,
        100.0,
        0.0,
        -0.0,
        1.5e300,
        2**63,
        -7,
        "tab\there",
        "\u0001\u001f",
        "é ☃ 𝄞",
        {"b": [1, {"z": None, "a": True}], "a": "x", "é": 1, "z": 2},
    ]
    for value in values:
        text = json.dumps(value)
        written = database.execute_sql("SELECT om_tui_canonical(%s::jsonb)", (text,)).fetchone()[0]
        assert written == store.canonical(json.loads(written)), value
        read = json.loads(written)  # jsonb keeps numbers as decimals: 1.5e300 comes back whole
        assert read == (pytest.approx(value) if isinstance(value, float) else value)


def test_verify_holds_the_trail_to_a_given_anchor_and_replays_it(database: Database) -> None:
    _same_changes(database)
    anchor = anchors.head(database)
    assert anchor is not None
    checked = trail_check.check(database, [anchor], deep=True)
    assert checked.ok, checked.lines
    later = Anchor(anchor.count + 1, "0" * 64, source="given")
    cut = trail_check.check(database, [later])
    assert not cut.ok and "The trail was cut" in " ".join(cut.lines)
    text = database.execute_sql("SELECT entry FROM audit WHERE id = 1").fetchone()[0]
    database.execute_sql("ALTER TABLE audit DISABLE TRIGGER audit_no_change")
    database.execute_sql(
        "UPDATE audit SET entry = %s WHERE id = 1",
        (text.replace("audit_triggers", "audit_trigger"),),
    )
    database.execute_sql("ALTER TABLE audit ENABLE TRIGGER audit_no_change")
    assert not trail_check.check(database, [anchor]).ok
