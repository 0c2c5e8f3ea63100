"""The trail's anchors and the deep check: the two attacks the hash chain alone lets through.

1. Drop the no-delete guard, delete the newest rows, put `sqlite_sequence` back, restore
   the guard: the chain is whole again, shorter. An anchor written before shows the cut.
2. Drop a capture trigger, change a patient, re-create the trigger: nothing on the trail
   to chain. `--deep` replays the trail against the tables and names the row.
"""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from peewee import Database

from db import audit as store
from db.models import Patient, Post, Staff, StatSource, StatValue
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.owner.report.writing import write_report
from om_tui.practice.people import anchors, audit, backup, trail_check

from .practice_fixture import Practice

# The anchor log is kept beside the practice's file (a server database has none yet:
# README), and the attacks are made with the sqlite3 shell; the server's trail is
# attacked in tests/unit/test_audit_postgres.py.
pytestmark = pytest.mark.backends("sqlite")


def raw(path: Path) -> sqlite3.Connection:
    """The sqlite3 shell, as a local administrator would use it: no om-tui functions."""
    return sqlite3.connect(path, isolation_level=None)


def cut_the_tail(path: Path, rows: int) -> None:
    """Attack 1: the newest `rows` entries removed, the table's traces put back."""
    with closing(raw(path)) as shell:
        shell.execute("DROP TRIGGER audit_no_delete")
        last = shell.execute("SELECT max(id) FROM audit").fetchone()[0]
        shell.execute("DELETE FROM audit WHERE id > ?", (last - rows,))
        shell.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'", (last - rows,))
        shell.execute(store.GUARDS["audit_no_delete"])


def edit_around_the_trail(path: Path, patient_id: int) -> None:
    """Attack 2: the patient's capture trigger dropped, the name changed, the trigger back."""
    name = f"{store.TRIGGER_PREFIX}patient_change"
    with closing(raw(path)) as shell:
        (sql,) = shell.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        shell.execute(f'DROP TRIGGER "{name}"')
        shell.execute("UPDATE patient SET first_name = 'Anne' WHERE id = ?", (patient_id,))
        shell.execute(sql)


def some_changes(database: Database, practice: Practice, count: int = 3) -> None:
    for number in range(count):
        Patient.update(phone=f"555-999-{number:04d}").where(
            Patient.id == practice.patients["ann"]
        ).execute()


def test_a_cut_tail_passes_the_chain_but_not_its_anchor(
    database: Database, practice: Practice, clock: FrozenClock, db_path: Path
) -> None:
    anchors.write(database, clock, "quit")
    some_changes(database, practice)
    database.close()
    cut_the_tail(db_path, 5)  # three after the anchor, two before it

    database.connect()
    assert audit.verify(database).ok  # the chain alone: whole, shorter
    result = trail_check.check(database)
    assert not result.ok
    assert result.lines[0] == "The audit trail has been tampered with."
    assert result.lines[1].startswith("The trail was cut: it has ")
    assert "the anchor of 2026-11-18 15:00 UTC (quit) in practice.db.anchors" in result.lines[1]


def test_a_cut_after_the_last_anchor_is_not_seen(
    database: Database, practice: Practice, clock: FrozenClock, db_path: Path
) -> None:
    """What the README says the trail cannot detect: the tail written since the last anchor."""
    anchors.write(database, clock, "quit")
    some_changes(database, practice)
    database.close()
    cut_the_tail(db_path, 3)
    database.connect()
    result = trail_check.check(database)
    assert result.ok and "It agrees with its 1 anchor(s)." in result.lines[0]


def test_a_rewritten_trail_differs_from_a_given_anchor(
    database: Database, practice: Practice, db_path: Path
) -> None:
    head = anchors.head(database)
    assert head is not None
    some_changes(database, practice, 1)
    database.close()
    cut_the_tail(db_path, 2)  # the anchored entry gone, another one in its place
    database.connect()
    some_changes(database, practice, 2)
    result = trail_check.check(database, anchors.given(f"{head.count}:{head.hash[:12]}"))
    assert not result.ok
    assert result.lines[1] == (
        f"The trail was rewritten: entry {head.count} is not the one the anchor in the "
        "command line recorded."
    )


@pytest.mark.parametrize("text", ["12", "x:abc", "0:abcdefabcdef", "3:abc", "3:xyzxyzxyzxyz"])
def test_an_anchor_given_by_hand_is_count_colon_hash(text: str) -> None:
    with pytest.raises(anchors.AnchorError):
        anchors.given(text)


def test_the_anchor_log_is_private_and_only_appended_to(
    database: Database, practice: Practice, clock: FrozenClock, db_path: Path
) -> None:
    anchors.write(database, clock, "quit")
    some_changes(database, practice, 1)
    clock.advance(minutes=5)
    anchors.write(database, clock, "quit")
    log = db_path.with_name("practice.db.anchors")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    first, second = anchors.read(log, log.name)
    assert (first.at, second.at) == ("2026-11-18T15:00:00Z", "2026-11-18T15:05:00Z")
    assert second.count == first.count + 1
    assert (
        log.read_text().splitlines()[1] == f"2026-11-18T15:05:00Z {second.count} {second.hash} quit"
    )


def test_a_change_around_the_triggers_is_named_by_the_deep_check(
    database: Database, practice: Practice, db_path: Path
) -> None:
    ann = practice.patients["ann"]
    assert trail_check.check(database, deep=True).ok
    database.close()
    edit_around_the_trail(db_path, ann)
    database.connect()
    assert audit.verify(database).ok  # nothing on the trail to chain
    plain = trail_check.check(database)
    assert plain.ok
    deep = trail_check.check(database, deep=True)
    assert not deep.ok
    assert deep.lines[1:] == [
        "1 row(s) of the tables are not as the trail says (written around it):",
        f"  patient #{ann} differs from the trail in: first_name",
    ]
    assert "Anne" not in "\n".join(deep.lines) and "Ann" not in "\n".join(deep.lines[1:])


def test_rows_added_and_removed_around_the_triggers_are_named(
    database: Database, practice: Practice, db_path: Path
) -> None:
    database.close()
    with closing(raw(db_path)) as shell:
        for table in ("room", "staff"):
            for kind in ("create", "delete"):
                shell.execute(f'DROP TRIGGER "{store.TRIGGER_PREFIX}{table}_{kind}"')
        shell.execute("INSERT INTO room (name, position) VALUES ('Room 9', 9)")
        shell.execute("DELETE FROM room WHERE id = ?", (practice.rooms[0],))
    database.connect()
    store.install(database)  # the next start puts the triggers back (and says so)
    deep = trail_check.check(database, deep=True)
    assert not deep.ok
    assert sorted(deep.lines[2:]) == [
        f"  room #{practice.rooms[0]} is gone, though the trail never removed it",
        "  room #4 was never added",
    ]


@pytest.mark.backends("sqlite", "postgres")  # no file, no shell: both stores
def test_what_is_written_with_the_trail_paused_on_purpose_is_not_held_against_it(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    """The schema's own evaluation criteria, and the flow's counts in computed stats."""
    from om_tui.practice.stats.service import Stats

    stats = Stats(database, clock, settings.load(database), practice.provider)  # the owner
    doctor = Post.create(title="Doctor")
    stats.define(
        short_name="visits",
        name="Visits",
        post=doctor.id,
        source=StatSource.COMPUTED,
        computed="visits",
    )
    stats.recompute()
    assert StatValue.select().count() == 1  # counted with the trail paused
    assert trail_check.check(database, deep=True).ok


def test_a_backup_carries_its_anchor_and_a_restore_starts_the_anchors_afresh(
    database: Database, practice: Practice, clock: FrozenClock, db_path: Path
) -> None:
    made = backup.back_up(database, clock)
    sidecar = made.path.with_name(made.path.name + ".anchor")
    [kept] = anchors.read(sidecar, sidecar.name)
    assert (kept.count, kept.hash) == (anchors.head_of_file(made.path).count, kept.hash)
    assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600
    some_changes(database, practice)
    clock.advance(minutes=10)
    anchors.write(database, clock, "quit")  # of the trail the restore will replace
    database.close()
    cut_the_tail(db_path, 1)
    database.connect()
    assert not trail_check.check(database).ok  # the backup's anchor and the log's see it

    database.close()
    # The restore in the same second as the last anchor: the log's order tells them apart.
    restored = backup.restore(backup.check_backup(made.path), db_path, clock)
    database.connect()
    backup.note_restored(database, clock, restored, made.path)
    result = trail_check.check(database)
    assert result.ok, result.lines
    assert "(1 more, of the database a restore replaced, not checked)" in result.lines[0]
    entries = audit.read(database, settings.load(database)).entries
    assert entries[0].action == "restore" and entries[0].subject == str(made.path)


def test_a_pruned_backup_takes_its_anchor_with_it(
    database: Database, practice: Practice, clock: FrozenClock, tmp_path: Path
) -> None:
    folder = tmp_path / "copies"
    first = backup.back_up(database, clock, folder, keep=1)
    clock.advance(hours=1)
    backup.back_up(database, clock, folder, keep=1)
    assert not first.path.exists()
    assert sorted(p.name for p in folder.iterdir()) == [
        "practice-2026-11-18-1100.db",
        "practice-2026-11-18-1100.db.anchor",
    ]


def test_a_weekly_report_ends_with_the_trails_head(
    database: Database, practice: Practice, clock: FrozenClock, db_path: Path
) -> None:
    Staff.update(name="Jo Desk").where(Staff.id == practice.desk).execute()
    head = anchors.head(database)
    assert head is not None
    printed: list[str] = []
    write_report(
        database, clock, settings.load(database), day=None, form="md", path=None, out=printed.append
    )
    assert printed[0].endswith(f"\nAudit trail: {head.count} entries, head {head.hash}\n")
    [logged] = anchors.read(db_path.with_name("practice.db.anchors"), "log")
    assert (logged.count, logged.hash) == (head.count, head.hash)
    assert logged.why.startswith("report week ending ")
    assert trail_check.check(database, anchors.given(f"{head.count}:{head.hash}")).ok
