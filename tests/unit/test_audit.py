"""The audit trail: every change written by the store's triggers, with who, where, before
and after; an append-only table; a hash chain that names the first altered row, also
with two processes writing at once; bulk generation left out; the viewer's reading."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from peewee import Database, IntegrityError, OperationalError, SqliteDatabase

from db import audit as store
from db import open_database
from db.models import Patient, Role, Staff, Stage, Stat, StatSource
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.hats.service import Hats
from om_tui.practice.people import audit
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.stats.service import Stats

from .practice_fixture import Practice, local
from .stats_fixture import a_post

# -- helpers --------------------------------------------------------------------------------


def mark(database: Database) -> int:
    """The id of the newest row: what a test writes comes after it."""
    return int(database.execute_sql("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0])


def rows(database: Database, after: int = 0) -> list[dict[str, Any]]:
    """The trail's rows after `after`, oldest first, as their entries (plus their ids)."""
    found = database.execute_sql(
        f"SELECT id, entry FROM audit WHERE id > {database.param} ORDER BY id", (after,)
    )
    return [{**json.loads(entry), "id": row_id} for row_id, entry in found]


def changes(database: Database, after: int, subject: str) -> list[tuple[str, Any, Any]]:
    """(action, before, after) of the rows about one table, oldest first."""
    return [
        (r["action"], r["before"], r["after"])
        for r in rows(database, after)
        if r["subject"] == subject
    ]


def edit_row(database: Database, row_id: int, entry: str) -> None:
    """What a tamperer does: lift the guard, change a row, put the guard back."""
    if isinstance(database, SqliteDatabase):
        with sqlite3.connect(database.database) as raw:
            raw.execute("DROP TRIGGER audit_no_update")
            raw.execute("UPDATE audit SET entry = ? WHERE id = ?", (entry, row_id))
            raw.execute(store.GUARDS["audit_no_update"])
        raw.close()
        return
    database.execute_sql("ALTER TABLE audit DISABLE TRIGGER audit_no_change")
    database.execute_sql("UPDATE audit SET entry = %s WHERE id = %s", (entry, row_id))
    database.execute_sql("ALTER TABLE audit ENABLE TRIGGER audit_no_change")


def delete_rows(database: Database, where: str, row_id: int) -> None:
    """What a tamperer does to hide something: remove rows (the guard lifted meanwhile)."""
    if isinstance(database, SqliteDatabase):
        with sqlite3.connect(database.database) as raw:
            raw.execute("DROP TRIGGER audit_no_delete")
            raw.execute(f"DELETE FROM audit WHERE id {where} ?", (row_id,))
            raw.execute(store.GUARDS["audit_no_delete"])
        raw.close()
        return
    database.execute_sql("ALTER TABLE audit DISABLE TRIGGER audit_no_change")
    database.execute_sql(f"DELETE FROM audit WHERE id {where} %s", (row_id,))
    database.execute_sql("ALTER TABLE audit ENABLE TRIGGER audit_no_change")


def entry_of(database: Database, row_id: int) -> dict[str, Any]:
    sql = f"SELECT entry FROM audit WHERE id = {database.param}"
    text = database.execute_sql(sql, (row_id,)).fetchone()[0]
    return dict(json.loads(text))


# -- what is recorded -------------------------------------------------------------------------


def test_a_patient_added_changed_and_removed(database: Database, practice: Practice) -> None:
    audit.set_actor(database, practice.desk)
    audit.set_terminal(database, "pts/7")
    start = mark(database)
    patient = Patient.create(
        first_name="Rosa",
        last_name="Diaz",
        phone="555-0100",
        chart_number="9001",
        created=dt.datetime(2026, 11, 18, 15, 0),
    )
    patient.phone = "555-0199"
    patient.save()
    patient.delete_instance()

    added, changed, removed = rows(database, start)
    assert added["action"] == "create" and added["subject"] == "patient"
    assert added["before"] is None
    assert added["after"]["first_name"] == "Rosa" and added["after"]["chart_number"] == "9001"
    assert changed["action"] == "change"
    assert (changed["before"], changed["after"]) == ({"phone": "555-0100"}, {"phone": "555-0199"})
    assert removed["action"] == "delete" and removed["after"] is None
    assert removed["before"]["last_name"] == "Diaz" and removed["before"]["phone"] == "555-0199"
    for row in (added, changed, removed):
        assert (row["staff"], row["terminal"]) == (practice.desk, "pts/7")
        assert (row["row"], row["patient"]) == (patient.id, patient.id)


def test_a_change_that_changes_nothing_writes_no_row(
    database: Database, practice: Practice
) -> None:
    start = mark(database)
    patient = Patient.get_by_id(practice.patients["ann"])
    patient.save()  # peewee writes every column back: the same values
    Patient.update(first_name="Ann").where(Patient.id == patient.id).execute()
    assert rows(database, start) == []


def test_a_check_in_and_its_stage_moves(database: Database, flow: Flow, practice: Practice) -> None:
    audit.set_actor(database, practice.desk)
    eve = practice.patients["eve"]
    start = mark(database)
    flow.check_in(eve)
    row = practice.row(flow, "eve")
    flow.move(row, Stage.ROOMED, room=practice.rooms[0])
    flow.step_back(practice.row(flow, "eve"))

    visits = changes(database, start, "visit")
    assert visits[0][0] == "create"
    assert visits[0][2]["stage"] == "arrived" and visits[0][2]["patient_id"] == eve
    assert visits[1] == (
        "change",
        {"stage": "arrived", "room_id": None},
        {"stage": "roomed", "room_id": practice.rooms[0]},
    )
    # Stepped back: the stage returns, then the room is given up.
    assert ("change", {"stage": "roomed"}, {"stage": "arrived"}) in visits
    assert ("change", {"room_id": practice.rooms[0]}, {"room_id": None}) in visits
    events = changes(database, start, "visit_event")
    assert [(action, (new or {}).get("stage")) for action, _, new in events[:2]] == [
        ("create", "arrived"),
        ("create", "roomed"),
    ]
    assert events[2][0] == "change" and events[2][1] == {"undone_at": None}
    assert events[2][2]["undone_at"] is not None
    # Every row about the visit names its patient, the events through their visit.
    about = [r for r in rows(database, start) if r["subject"] in ("visit", "visit_event")]
    assert {r["patient"] for r in about} == {eve}
    assert {r["staff"] for r in about} == {practice.desk}


def test_stats_and_their_values(database: Database, practice: Practice, clock: FrozenClock) -> None:
    audit.set_actor(database, practice.provider)
    stats = Stats(database, clock, settings.load(database), staff_id=practice.provider)
    start = mark(database)
    stat = stats.define(
        short_name="referrals", name="Referrals", post=a_post(), source=StatSource.ENTERED
    )
    week = stats.this_week()
    stats.enter(stat.id, 12.0, week=week)
    stats.enter(stat.id, 14.0, week=week)
    stats.change("referrals", quota=20.0)
    stats.clear(stat.id, week=week)

    assert changes(database, start, "stat")[0][0] == "create"
    assert ("change", {"quota": None}, {"quota": 20.0}) in changes(database, start, "stat")
    values = changes(database, start, "stat_value")
    assert [action for action, _, _ in values] == ["create", "change", "delete"]
    assert values[0][2]["value"] == 12.0 and values[0][2]["by_id"] == practice.provider
    assert (values[1][1], values[1][2]) == ({"value": 12.0}, {"value": 14.0})
    assert values[2][1]["value"] == 14.0


def test_an_infinite_value_is_recorded_as_text(database: Database, clock: FrozenClock) -> None:
    """SQLite's JSON writes infinity as Inf, which is not JSON: the write must still go through.

    The practice refuses an infinite quota; a row written around it (a script) still gets
    its trail."""
    stats = Stats(database, clock, settings.load(database), ADMINISTRATOR)
    stat = stats.define(short_name="ratio", name="Ratio", post=a_post(), source=StatSource.ENTERED)
    start = mark(database)
    Stat.update(quota=float("inf")).where(Stat.id == stat.id).execute()
    written = "Inf" if isinstance(database, SqliteDatabase) else "Infinity"  # each store's word
    assert changes(database, start, "stat") == [("change", {"quota": None}, {"quota": written})]
    assert stat.id and audit.verify(database).ok


def test_hats_items_ticks_policies_sign_offs_and_leave(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    manager = Staff.create(name="Karen Miles", initials="KM", role=Role.OFFICE_MANAGER).id
    audit.set_actor(database, manager)
    hats = Hats(database, clock, settings.load(database), staff_id=manager)
    start = mark(database)
    post = hats.create_post("Receptionist")
    hats.add_holder(post, practice.desk)
    item = hats.add_item(post, "Open the front door")
    hats.tick(item, hats.today(), practice.desk)
    hats.untick(item, hats.today(), practice.desk)
    step = hats.add_step(post, "Learn the phones")
    hats.sign_off(step, practice.desk)
    policy = hats.write_policy("Phones", "Answer by the third ring.", [post])
    version = hats.policy(policy)[1].id
    Hats(database, clock, settings.load(database), staff_id=practice.desk).attest(
        version, practice.desk
    )
    hats.add_leave(practice.desk, dt.date(2026, 12, 1), dt.date(2026, 12, 5), "holiday")

    assert changes(database, start, "post")[0][2]["title"] == "Receptionist"
    assert changes(database, start, "hat_holder")[0][2]["staff_id"] == practice.desk
    assert changes(database, start, "checklist_item")[0][2]["text"] == "Open the front door"
    ticks = changes(database, start, "tick")
    assert [action for action, _, _ in ticks] == ["create", "delete"]
    # Ticked on the desk's behalf: the tick names the manager who did it.
    assert ticks[0][2]["by_id"] == manager and ticks[1][1]["item_id"] == item
    assert changes(database, start, "step_signoff")[0][2]["staff_id"] == practice.desk
    assert changes(database, start, "policy_version")[0][2]["body"] == "Answer by the third ring."
    assert changes(database, start, "attestation")[0][2]["version_id"] == version
    assert changes(database, start, "leave")[0][2]["note"] == "holiday"
    assert {r["staff"] for r in rows(database, start)} == {manager}


def test_staff_changes_keep_secrets_out(database: Database, practice: Practice) -> None:
    start = mark(database)
    secret = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
    Staff.update(role=Role.OFFICE_MANAGER, secret=secret).where(Staff.id == practice.desk).execute()
    [(action, before, after)] = changes(database, start, "staff")
    assert action == "change"
    assert before == {"role": "front_desk", "secret": None}
    assert after == {"role": "office_manager", "secret": store.HIDDEN}
    assert "argon2" not in json.dumps(rows(database, start))


def test_settings_added_and_changed(database: Database, practice: Practice) -> None:
    start = mark(database)
    settings.set_late_after(database, 15, by=ADMINISTRATOR)
    settings.set_late_after(database, 20, by=ADMINISTRATOR)
    added, changed = rows(database, start)
    assert (added["action"], added["row"], added["after"]["value"]) == (
        "create",
        "flow.late_after_minutes",
        "15",
    )
    assert (changed["before"], changed["after"]) == ({"value": "15"}, {"value": "20"})
    assert changed["staff"] is None  # no one logged in


def test_events_that_are_not_row_changes(database: Database, practice: Practice) -> None:
    start = mark(database)
    audit.set_actor(database, practice.desk)
    audit.record(database, "login", "Jo Desk")
    audit.record(database, "lock", "Jo Desk")
    audit.set_actor(database, None)
    audit.record(database, "login_failed", "Jo Desk", {"tries": 2})
    found = [(r["action"], r["subject"], r["staff"], r["detail"]) for r in rows(database, start)]
    assert found == [
        ("login", "Jo Desk", practice.desk, None),
        ("lock", "Jo Desk", practice.desk, None),
        ("login_failed", "Jo Desk", None, {"tries": 2}),
    ]


def test_the_terminal_is_the_ssh_client_or_the_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "203.0.113.9 52114 10.0.0.2 22")
    monkeypatch.delenv("SSH_CLIENT", raising=False)
    assert store.terminal_here() == "ssh:203.0.113.9"
    monkeypatch.setenv("SSH_CLIENT", "198.51.100.4 40022 22")
    assert store.terminal_here() == "ssh:198.51.100.4"
    monkeypatch.delenv("SSH_CLIENT")
    monkeypatch.delenv("SSH_CONNECTION")
    assert not store.terminal_here().startswith("ssh:")
    assert audit.cli_terminal().startswith("cli:")


# -- append-only, and the chain ----------------------------------------------------------------


def test_the_trail_refuses_update_and_delete(database: Database, db_path: Path) -> None:
    audit.record(database, "login", "someone")
    with pytest.raises(IntegrityError, match="append-only"):
        database.execute_sql("UPDATE audit SET entry = entry")
    with pytest.raises(IntegrityError, match="append-only"):
        database.execute_sql("DELETE FROM audit WHERE id = 1")
    if isinstance(database, SqliteDatabase):
        with (
            sqlite3.connect(db_path) as raw,
            pytest.raises(sqlite3.IntegrityError, match="append-only"),
        ):
            raw.execute("DELETE FROM audit")
        raw.close()
    assert audit.verify(database).ok


def test_verify_names_a_row_changed_after_it_was_written(
    database: Database, practice: Practice
) -> None:
    start = mark(database)
    Patient.update(phone="555-7777").where(Patient.id == practice.patients["ann"]).execute()
    audit.record(database, "login", "Jo Desk")
    assert audit.verify(database).ok
    target = start + 1
    text = json.dumps(entry_of(database, target)).replace("555-7777", "555-0000")
    edit_row(database, target, text)

    result = audit.verify(database)
    assert not result.ok and result.bad_row == target
    assert f"Row #{target} " in result.message and "changed after it was written" in result.message


def test_verify_names_the_row_after_one_rewritten_with_a_new_hash(
    database: Database, practice: Practice
) -> None:
    start = mark(database)
    Patient.update(phone="555-7777").where(Patient.id == practice.patients["ann"]).execute()
    audit.record(database, "logout", "Jo Desk")
    forged = entry_of(database, start + 1)
    forged["after"]["phone"] = "555-0000"
    forged["hash"] = store.entry_hash(forged)  # a careful tamperer: the row holds on its own
    edit_row(database, start + 1, store.canonical(forged))

    result = audit.verify(database)
    assert not result.ok and result.bad_row == start + 2
    assert "does not follow the row before it" in result.message


def test_verify_notices_rows_removed_from_the_middle_and_the_end(database: Database) -> None:
    for n in range(5):
        audit.record(database, "login", f"person {n}")
    last = mark(database)
    delete_rows(database, "=", last - 2)
    result = audit.verify(database)
    assert (result.ok, result.bad_row) == (False, last - 1)
    assert f"rows #{last - 2}–#{last - 2} are missing" in result.message

    delete_rows(database, ">=", last - 2)  # the tail, gap and all
    result = audit.verify(database)
    assert not result.ok
    assert f"Rows after row #{last - 3} are missing" in result.message


def test_verify_on_an_untouched_trail(database: Database, practice: Practice) -> None:
    result = audit.verify(database)
    assert result.ok and result.bad_row is None
    assert result.message.startswith(f"The audit trail is intact: {mark(database)} rows")


_WRITER = """
import sys
import time
from db import open_database
from db.models import Patient
from om_tui.practice.people import audit

database = open_database(sys.argv[1])
audit.set_terminal(database, sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()  # every writer starts at once
for n in range(int(sys.argv[3])):
    with database.atomic():
        patient = Patient.create(
            first_name=sys.argv[2], last_name=str(n), chart_number=f"{sys.argv[2]}-{n}",
            created="2026-11-18 15:00:00",
        )
        patient.phone = "555-0100"
        patient.save()
    # A terminal's writes come keystrokes apart; back to back, one writer would starve the
    # other (SQLite's busy wait backs off) and nothing would interleave.
    time.sleep(0.002)
database.close()
print("done", flush=True)
"""


def test_four_processes_writing_at_once_keep_one_chain_and_lose_nothing(database: Database) -> None:
    start = mark(database)
    writes = 50
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(database.database), name, str(writes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("desk-a", "desk-b", "desk-c", "desk-d")
    ]
    try:
        for writer in writers:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        for writer in writers:
            assert writer.stdin is not None
            writer.stdin.write("go\n")
            writer.stdin.flush()
        for writer in writers:
            assert writer.wait(timeout=120) == 0
    finally:
        for writer in writers:
            writer.kill()

    written = rows(database, start)
    assert len(written) == 4 * 2 * writes
    assert Patient.select().where(Patient.chart_number.startswith("desk-")).count() == 4 * writes
    terminals = [r["terminal"] for r in written]
    turns = sum(1 for a, b in zip(terminals, terminals[1:], strict=False) if a != b)
    assert turns >= 2, "the writers did not overlap: the test proved nothing"
    result = audit.verify(database)
    assert result.ok, result.message


# -- bulk generation, and connections that are not om-tui's -------------------------------------


def test_suspended_writes_on_this_thread_only(database: Database, practice: Practice) -> None:
    start = mark(database)
    other: list[int] = []

    def another_terminal() -> None:
        with database.connection_context():
            other.append(Staff.create(name="Sam Lee", initials="SL", role=Role.STAFF).id)

    with audit.suspended(database):
        Patient.create(
            first_name="Bulk", last_name="Row", chart_number="B-1", created=dt.datetime(2026, 1, 1)
        )
        thread = threading.Thread(target=another_terminal)
        thread.start()
        thread.join()
    Patient.create(
        first_name="Typed", last_name="Row", chart_number="T-1", created=dt.datetime(2026, 1, 1)
    )

    written = [(r["subject"], r["row"]) for r in rows(database, start)]
    assert ("staff", other[0]) in written
    assert [r for r in rows(database, start) if r["subject"] == "patient"][0]["after"][
        "first_name"
    ] == "Typed"
    assert len(written) == 2


@pytest.mark.backends("sqlite")  # on PostgreSQL it is recorded: test_audit_postgres.py
def test_a_connection_without_the_trail_cannot_write(database: Database, db_path: Path) -> None:
    start = mark(database)
    with sqlite3.connect(db_path) as raw:
        with pytest.raises(sqlite3.OperationalError, match="no such function: om_auditing"):
            raw.execute("UPDATE setting SET value = 'x'")
        store.attach(raw)
        raw.execute("INSERT INTO setting (key, value) VALUES ('practice.name', 'From a script')")
    raw.close()
    [row] = rows(database, start)
    assert (row["action"], row["row"], row["staff"]) == ("create", "practice.name", None)


def test_the_triggers_follow_the_schema_and_come_back(db_path: Path) -> None:
    database = open_database(db_path)
    start = mark(database)
    database.close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("ALTER TABLE room ADD COLUMN colour TEXT")
        raw.execute("DROP TRIGGER audit_capture_leave_create")  # someone covering their tracks
    raw.close()

    database = open_database(db_path)
    try:
        [rebuilt] = rows(database, start)
        assert rebuilt["action"] == "audit_triggers"
        assert rebuilt["detail"] == {"rebuilt": ["leave", "room"]}
        again = mark(database)
        database.execute_sql(
            "INSERT INTO room (name, position, colour) VALUES ('Room 9', 9, 'teal')"
        )
        [room] = rows(database, again)
        assert room["after"]["colour"] == "teal"
    finally:
        database.close()
    reopened = open_database(db_path)  # all in place: nothing more is written
    try:
        assert mark(reopened) == again + 1
    finally:
        reopened.close()


def test_a_new_database_starts_its_trail(database: Database) -> None:
    trail = rows(database)
    assert trail[0]["prev"] is None
    assert all(
        later["prev"] == earlier["hash"] for earlier, later in zip(trail, trail[1:], strict=False)
    )
    # Migration 0013 captures the book's starting lists (3 types, 3 states, 6 reasons).
    actions = [row["action"] for row in trail]
    # Migration 0018 adds the state "Not reachable" (a create); on a server the capture stays
    # in place while migrating, so 0019's colours for the three starting types are changes.
    colours = [] if isinstance(database, SqliteDatabase) else ["change"] * 3
    assert actions == [
        "audit_triggers", *["create"] * 12, "audit_triggers", "create", *colours, "migrate",
        "audit_triggers",
    ]  # fmt: skip
    migrate, triggers = trail[-2:]
    assert "0005_audit" in migrate["detail"]["applied"]
    # Migration 0013 sets the capture up for the tables it has; the last, for all there are.
    made = [row["detail"] for row in trail if row["action"] == "audit_triggers"]
    created = {table for detail in made for table in detail.get("created", [])}
    assert {"patient", "appointment", "org_department"} <= created


def test_a_write_the_trail_cannot_take_leaves_nothing(
    database: Database, practice: Practice
) -> None:
    """If writing the audit row fails, the change it records is not made either."""
    before = Patient.select().count()
    context = store.context_of(database)
    broken = context.now

    def no_clock() -> dt.datetime:
        raise RuntimeError("clock unavailable")

    context.now = no_clock
    # SQLite's trigger fails the statement; om-tui's PostgreSQL transaction does not begin.
    failure = OperationalError if isinstance(database, SqliteDatabase) else RuntimeError
    try:
        with pytest.raises(failure):
            Patient.create(
                first_name="Lost",
                last_name="Row",
                chart_number="L-1",
                created=dt.datetime(2026, 1, 1),
            )
    finally:
        context.now = broken
    assert Patient.select().count() == before


# -- reading it: the viewer's filters ---------------------------------------------------------


@pytest.fixture
def history(database: Database, practice: Practice) -> dict[str, int]:
    """Three days of changes by two people and the command line; one patient removed."""
    clock = FrozenClock(local(9, 0, day=dt.date(2026, 11, 16)))
    audit.set_clock(database, clock)
    start = mark(database)
    audit.set_actor(database, practice.desk)
    Patient.update(phone="555-1111").where(Patient.id == practice.patients["ann"]).execute()
    clock.advance(days=1)
    audit.set_actor(database, practice.provider)
    Patient.update(phone="555-2222").where(Patient.id == practice.patients["ben"]).execute()
    Patient.update(phone="555-3333").where(Patient.id == practice.patients["ann"]).execute()
    clock.advance(days=1)
    audit.set_actor(database, None)
    settings.set_late_after(database, 12, by=ADMINISTRATOR)
    gone = Patient.create(
        first_name="Gone", last_name="Away", chart_number="G-1", created=dt.datetime(2026, 1, 1)
    )
    gone.delete_instance()
    return {"start": start, "gone": gone.id}


def test_read_newest_first_by_person_patient_and_day(
    database: Database, practice: Practice, history: dict[str, int]
) -> None:
    loaded = settings.load(database)

    def read(**filters: Any) -> list[tuple[str, str, str]]:
        page = audit.read(database, loaded, **filters)
        return [(e.what, e.who, e.patient) for e in page.entries if e.id > history["start"]]

    everyone = audit.read(database, loaded).entries
    assert [e.id for e in everyone] == sorted((e.id for e in everyone), reverse=True)
    assert read(person=practice.provider) == [
        (f"changed patient #{practice.patients['ann']}", "Dr. Pat Chen", "Ann Able"),
        (f"changed patient #{practice.patients['ben']}", "Dr. Pat Chen", "Ben Baker"),
    ]
    assert read(patient="ann") == [
        (f"changed patient #{practice.patients['ann']}", "Dr. Pat Chen", "Ann Able"),
        (f"changed patient #{practice.patients['ann']}", "Jo Desk", "Ann Able"),
    ]
    assert read(patient="200002") == [  # Ben's chart number
        (f"changed patient #{practice.patients['ben']}", "Dr. Pat Chen", "Ben Baker"),
    ]
    gone = history["gone"]
    assert read(patient="gone aw") == [
        (f"removed patient #{gone}", "no one", "Gone Away (removed)"),
        (f"added patient #{gone}", "no one", "Gone Away (removed)"),
    ]
    assert [w for w, _, _ in read(day=dt.date(2026, 11, 17))] == [
        f"changed patient #{practice.patients['ann']}",
        f"changed patient #{practice.patients['ben']}",
    ]
    assert [w for w, _, _ in read(person=audit.NOBODY, day=dt.date(2026, 11, 18))] == [
        f"removed patient #{gone}",
        f"added patient #{gone}",
        "added setting flow.late_after_minutes",
    ]
    assert read(patient="nobody by this name") == []


def test_read_in_pages(database: Database, practice: Practice, history: dict[str, int]) -> None:
    loaded = settings.load(database)
    first = audit.read(database, loaded, limit=2)
    assert len(first.entries) == 2 and first.more
    second = audit.read(database, loaded, limit=2, before_id=first.entries[-1].id)
    assert [e.id for e in second.entries] == [first.entries[-1].id - 1, first.entries[-1].id - 2]
    everything = audit.read(database, loaded, limit=1000)
    assert not everything.more and len(everything.entries) == mark(database)


def test_an_entry_says_what_changed(
    database: Database, practice: Practice, history: dict[str, int]
) -> None:
    [entry] = audit.read(database, settings.load(database), person=practice.desk).entries
    assert entry.summary == "phone 555-010-0000 → 555-1111"
    assert entry.fields() == [("phone", "555-010-0000", "555-1111")]
    assert entry.at == local(9, 0, day=dt.date(2026, 11, 16))


# -- reading it: names and labels -------------------------------------------------------------


def test_entries_name_people_and_hats_and_label_their_fields(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    """People by name (the deactivated too, the doer and the done-to), hats by title, fields
    by what a person calls them, flags as yes or no, secrets still hidden."""
    manager = Staff.create(name="Karen Miles", initials="KM", role=Role.OFFICE_MANAGER).id
    audit.set_actor(database, practice.retired_provider)  # Dr. Old Hand, inactive
    Staff.update(secret="$argon2id$v=19$x", active=False).where(Staff.id == manager).execute()
    audit.set_actor(database, manager)  # the trail names her; the command line's rights
    hats = Hats(database, clock, settings.load(database), staff_id=ADMINISTRATOR)
    post = hats.create_post("Receptionist")
    hats.add_holder(post, practice.desk)
    start = mark(database)
    doomed = hats.create_post("Courier")
    hats.delete_post(doomed)
    audit.set_actor(database, None)

    entries = audit.read(database, settings.load(database)).entries
    removed, added = entries[0], entries[1]
    assert (removed.what, added.what) == ("removed hat Courier", "added hat Courier")
    assert removed.id > start
    holder = next(e for e in entries if e.subject == "hat_holder")
    assert holder.what == f"added hat holder #{holder.row}"
    assert holder.who == "Karen Miles"
    assert holder.summary == "hat Receptionist, person Jo Desk, since 2026-11-18"
    assert ("person", "", "Jo Desk") in holder.fields()
    staff = next(e for e in entries if e.subject == "staff" and e.action == "change")
    assert staff.who == "Dr. Old Hand"  # deactivated: still by name
    assert staff.what == "changed staff member Karen Miles"
    assert staff.summary == "active yes → no; PIN or password — → (hidden)"
    assert staff.fields() == [
        ("active", "yes", "no"),
        ("PIN or password", "—", store.HIDDEN),
    ]
    assert "argon2" not in json.dumps([e.summary for e in entries])


def test_labels_fall_back_to_the_columns_own_name() -> None:
    assert audit.table_label("hat_holder") == "hat holder"
    assert audit.table_label("new_table") == "new table"
    assert audit.field_label("staff_id") == "person"
    assert audit.field_label("created_by_id") == "created by"
    assert audit.field_label("phone") == "phone"


def test_the_people_filter_marks_who_has_left(database: Database, practice: Practice) -> None:
    people = dict(audit.people(database))
    assert people[practice.retired_provider] == "Dr. Old Hand (left)"
    assert people[practice.desk] == "Jo Desk"


def test_names_cost_the_same_few_queries_however_many_people_a_page_names(
    database: Database, practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = settings.load(database)

    def queries_to_read() -> int:
        count = 0
        execute = database.execute_sql

        def counted(*args: Any, **kwargs: Any) -> Any:
            nonlocal count
            count += 1
            return execute(*args, **kwargs)

        monkeypatch.setattr(database, "execute_sql", counted)
        audit.read(database, loaded, limit=1000)
        monkeypatch.undo()
        return count

    audit.set_actor(database, practice.desk)
    Staff.update(initials="JO").where(Staff.id == practice.desk).execute()
    few = queries_to_read()
    for n in range(12):
        person = Staff.create(name=f"Temp {n}", initials="T", role=Role.STAFF)
        audit.set_actor(database, person.id)
        Staff.update(active=False).where(Staff.id == person.id).execute()
    assert queries_to_read() == few


def test_a_stored_moment_reads_to_the_second_and_says_it_is_utc() -> None:
    from om_tui.practice.people.audit import _shown

    assert _shown("2026-11-27 07:31:10.339832") == "2026-11-27 07:31:10 UTC"
    assert _shown("2026-11-27 07:31:10") == "2026-11-27 07:31:10 UTC"
    assert _shown("2026-11-27") == "2026-11-27"  # a day is a day
    assert _shown("Call 2026-11-27 07:31:10 back") == "Call 2026-11-27 07:31:10 back"
