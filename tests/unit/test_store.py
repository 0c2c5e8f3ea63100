"""db.open_database on real files: privacy, SQLite settings, migrations, refusals."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from peewee import Database, IntegrityError, SqliteDatabase

import db
from db import MODELS, Patient, Staff, StoreError, Visit, audit, open_database, store
from db.store import MIGRATION_TABLE, MIGRATIONS

# The store as a file: its mode, its PRAGMAs, its write lock, SQLite's AUTOINCREMENT and
# schema; the server's store is tests/unit/test_store_postgres.py.
pytestmark = pytest.mark.backends("sqlite")


_NOON = dt.datetime(2026, 1, 5, 12, 0)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _pragma(database: Database, name: str) -> object:
    return database.execute_sql(f"PRAGMA {name}").fetchone()[0]


def test_creates_a_private_file_in_a_private_directory(db_path: Path) -> None:
    assert not db_path.parent.exists()
    database = open_database(db_path)
    try:
        assert db_path.is_file()
        assert _mode(db_path) == 0o600
        assert _mode(db_path.parent) == 0o700
        # SQLite gives its side files the database file's permissions.
        Staff.create(name="A", initials="A", role="staff")
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists()
        assert _mode(wal) == 0o600
    finally:
        database.close()


def test_sqlite_settings_are_applied(database: Database) -> None:
    assert str(_pragma(database, "journal_mode")).lower() == "wal"
    assert _pragma(database, "foreign_keys") == 1
    assert _pragma(database, "synchronous") == 2  # FULL
    assert _pragma(database, "busy_timeout") == 5000


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError):
        Visit.create(patient=999, date=dt.date(2026, 1, 1), stage="arrived")


def test_write_transactions_take_the_lock_up_front(database: Database, db_path: Path) -> None:
    """lock_type IMMEDIATE: an open transaction blocks other writers before it writes."""
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        with database.atomic():
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once committed
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_every_migration_is_applied_and_recorded(database: Database) -> None:
    scripts = sorted(p.stem for p in MIGRATIONS.glob("[0-9]*.py"))
    assert scripts, "no migration scripts found"
    recorded = [
        row[0] for row in database.execute_sql(f"SELECT name FROM {MIGRATION_TABLE} ORDER BY name")
    ]
    assert recorded == scripts
    assert {m._meta.table_name for m in MODELS} <= set(database.get_tables())


def test_reopening_keeps_data_and_does_not_migrate_again(db_path: Path) -> None:
    first = open_database(db_path)
    Staff.create(name="Dr. Kept", initials="DK", role="owner", provider=True)
    applied = first.execute_sql(f"SELECT name, applied FROM {MIGRATION_TABLE}").fetchall()
    first.close()

    again = open_database(db_path)
    try:
        assert [s.name for s in Staff.select()] == ["Dr. Kept"]
        assert again.execute_sql(f"SELECT name, applied FROM {MIGRATION_TABLE}").fetchall() == (
            applied
        )
        assert _pragma(again, "foreign_keys") == 1
    finally:
        again.close()


def test_an_up_to_date_file_opens_without_reading_its_schema_again(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The schema found whole once (migrations, audit triggers) is not checked in full at
    every start: one query says nothing changed since. A change to it brings the check back."""
    open_database(db_path).close()
    with caplog.at_level("DEBUG", logger="peewee"):
        open_database(db_path).close()
    queries = [record.getMessage() for record in caplog.records if record.name == "peewee"]
    assert not any("table_info" in query or MIGRATION_TABLE in query for query in queries)
    assert sum("pragma_schema_version" in query for query in queries) == 1

    with closing(sqlite3.connect(db_path)) as raw:
        raw.execute("DROP TRIGGER audit_capture_staff_change")  # the schema changed
        raw.commit()
    again = open_database(db_path)
    try:
        assert "audit_capture_staff_change" in audit._present(again, "audit_capture_")
    finally:
        again.close()


def test_a_database_a_migration_behind_gets_it_on_opening(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file from an older om-tui (here: one migration more in a copy of the folder):
    opening applies it, and the trail says so."""
    open_database(db_path).close()
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder)
    newest = "9999_a_later_one"
    (folder / f"{newest}.py").write_text(
        "def up(migrator, db):\n"
        "    db.execute_sql('CREATE TABLE a_later_one (id INTEGER PRIMARY KEY)')\n"
    )
    monkeypatch.setattr(store, "MIGRATIONS", folder)

    again = open_database(db_path)
    try:
        assert "a_later_one" in again.get_tables()
        names = [r[0] for r in again.execute_sql(f"SELECT name FROM {MIGRATION_TABLE}")]
        assert names.count(newest) == 1
        migrations = [
            json.loads(entry)["detail"]["applied"]
            for (entry,) in again.execute_sql("SELECT entry FROM audit ORDER BY id")
            if json.loads(entry)["action"] == "migrate"
        ]
        assert migrations[-1] == [newest]
    finally:
        again.close()


def test_an_existing_file_opens_by_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_database(tmp_path / "practice.db").close()
    monkeypatch.chdir(tmp_path)
    again = open_database("practice.db")  # examined first through a file: URI
    try:
        assert MIGRATION_TABLE in again.get_tables()
    finally:
        again.close()


def test_an_empty_existing_file_becomes_a_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    database = open_database(path)
    try:
        assert Patient.select().count() == 0
        assert MIGRATION_TABLE in database.get_tables()
    finally:
        database.close()


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    garbage = bytes(range(256)) * 32  # not a SQLite header
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="not a SQLite file") as refused:
        open_database(path)
    assert str(path) in str(refused.value)
    assert path.read_bytes() == garbage


def test_a_sqlite_file_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipe (name TEXT)")
        other.execute("INSERT INTO recipe VALUES ('soup')")
    other.close()
    with pytest.raises(StoreError, match="not an om-tui database"):
        open_database(path)
    with sqlite3.connect(path) as other:
        tables = [r[0] for r in other.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    other.close()
    assert tables == ["recipe"]  # nothing was added to it


@pytest.mark.parametrize("below", ["practice.db", "sub/practice.db"])
def test_a_parent_that_cannot_be_created_is_refused(tmp_path: Path, below: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("I am a file, not a directory")
    path = blocker / below
    with pytest.raises(StoreError, match="Cannot create the database") as refused:
        open_database(path)
    assert str(path) in str(refused.value)
    assert blocker.read_text() == "I am a file, not a directory"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        open_database(tmp_path)


def test_models_agree_with_the_migrated_schema(database: Database, tmp_path: Path) -> None:
    """The models, creating their own tables, give the schema the migrations made."""
    from_models = SqliteDatabase(str(tmp_path / "from-models.db"))
    with from_models.bind_ctx(MODELS):
        from_models.create_tables(MODELS)
    try:
        for model in MODELS:
            table = model._meta.table_name

            def columns(source: Database, table: str = table) -> list[tuple[object, ...]]:
                return sorted(
                    (c.name, c.data_type.upper(), c.null, c.primary_key)
                    for c in source.get_columns(table)
                )

            def unique_indexes(source: Database, table: str = table) -> set[tuple[str, ...]]:
                return {tuple(i.columns) for i in source.get_indexes(table) if i.unique}

            def foreign_keys(source: Database, table: str = table) -> set[tuple[str, str, str]]:
                return {
                    (k.column, k.dest_table, k.dest_column) for k in source.get_foreign_keys(table)
                }

            assert columns(database) == columns(from_models), table
            assert columns(database), table
            assert unique_indexes(database) == unique_indexes(from_models), table
            assert foreign_keys(database) == foreign_keys(from_models), table
            assert _never_reuses_ids(database, table) == _never_reuses_ids(from_models, table)
            # And each model field names a column the migrated table has.
            migrated = {c.name for c in database.get_columns(table)}
            assert {f.column_name for f in model._meta.sorted_fields} == migrated, table
    finally:
        from_models.close()
        database.bind(MODELS)


def _has_integer_id(source: Database, table: str) -> bool:
    return any(
        c.name == "id" and c.primary_key and c.data_type.upper() == "INTEGER"
        for c in source.get_columns(table)
    )


def _never_reuses_ids(source: Database, table: str) -> bool:
    """Is the table's id AUTOINCREMENT (SQLite then never hands out an id twice)?"""
    (sql,) = source.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    return re.search(r"\bAUTOINCREMENT\b", sql, re.IGNORECASE) is not None


def _tables_with_integer_ids(source: Database) -> list[str]:
    return [
        table
        for table in source.get_tables()
        if not table.startswith("sqlite_") and _has_integer_id(source, table)
    ]


def test_every_table_with_an_integer_id_never_hands_an_id_out_twice(database: Database) -> None:
    """Every table, those of later migrations too: a deleted newest row's id stays unused."""
    tables = _tables_with_integer_ids(database)
    assert {m._meta.table_name for m in MODELS if m._meta.table_name != "setting"} <= set(tables)
    assert [t for t in tables if not _never_reuses_ids(database, t)] == []
    patient = Patient.create(first_name="A", last_name="B", chart_number="1", created=_NOON)
    patient.delete_instance()
    again = Patient.create(first_name="C", last_name="D", chart_number="2", created=_NOON)
    assert again.id == patient.id + 1


def _snapshot(source: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows in id order (the trail's too), and every index's statement."""
    found: dict[str, list[tuple[object, ...]]] = {
        table: source.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
        for table in source.get_tables()
        if table not in ("sqlite_sequence", MIGRATION_TABLE)
    }
    found["indexes"] = source.execute_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    ).fetchall()
    found["guards"] = source.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_no_%'"
    ).fetchall()
    return found


def _migrations_up_to(tmp_path: Path, last: str) -> Path:
    """A copy of the migrations folder as an older om-tui had it: up to `last` only."""
    folder = tmp_path / f"migrations-{last}"
    folder.mkdir()
    for script in MIGRATIONS.glob("[0-9]*.py"):
        if script.stem[:4] <= last:
            shutil.copy(script, folder)
    return folder


def _write(source: Database, sql: str, *params: object) -> int:
    """A row written as that om-tui wrote it (audited), in SQL: today's models have
    columns its tables did not."""
    return int(source.execute_sql(sql, params).lastrowid)


def test_a_database_made_at_0010_keeps_its_rows_ids_indexes_and_trail_at_0011(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A practice from before 0011, with a walk-in's check-in undone (its visit, the newest,
    deleted): after 0011 every row keeps its id, and that visit's id is not given again."""
    monkeypatch.setattr(store, "MIGRATIONS", _migrations_up_to(tmp_path, "0010"))
    old = open_database(db_path)
    assert not _never_reuses_ids(old, "visit")
    with old.atomic():
        desk = _write(
            old,
            "INSERT INTO staff (name, initials, role, provider, active, failed_logins)"
            " VALUES ('Jo Desk', 'JD', 'front_desk', 0, 1, 0)",
        )
        _write(old, "INSERT INTO room (name, position) VALUES ('Room 1', 1)")
        patients = [
            _write(
                old,
                "INSERT INTO patient (first_name, last_name, phone, chart_number, created)"
                " VALUES (?, ?, '', ?, '2026-11-18 15:00:00')",
                first,
                "Walk-in",
                chart,
            )
            for first, chart in (("Ann", "1"), ("Eve", "2"), ("Gus", "3"))
        ]
        visits = []
        for patient in patients[:2]:
            visit = _write(
                old,
                "INSERT INTO visit (patient_id, date, stage) VALUES (?, '2026-11-18', 'arrived')",
                patient,
            )
            _write(
                old,
                "INSERT INTO visit_event (visit_id, stage, at, by_id)"
                " VALUES (?, 'arrived', '2026-11-18 15:00:00', ?)",
                visit,
                desk,
            )
            visits.append(visit)
    undone = visits[-1]  # Eve's check-in undone: the newest visit and its event deleted
    with old.atomic():
        old.execute_sql("DELETE FROM visit_event WHERE visit_id = ?", (undone,))
        old.execute_sql("DELETE FROM visit WHERE id = ?", (undone,))
    before = _snapshot(old)
    old.close()
    monkeypatch.setattr(store, "MIGRATIONS", _migrations_up_to(tmp_path, "0011"))

    migrated = open_database(db_path)
    try:
        after = _snapshot(migrated)
        trail_before = before.pop("audit")
        trail_after = after.pop("audit")
        assert after == before
        assert trail_after[: len(trail_before)] == trail_before
        assert [
            t for t in _tables_with_integer_ids(migrated) if not _never_reuses_ids(migrated, t)
        ] == []
        assert _pragma(migrated, "foreign_keys") == 1
        assert migrated.execute_sql("PRAGMA foreign_key_check").fetchall() == []
        assert migrated.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert audit.verify(migrated).ok
        with migrated.atomic():
            again = _write(
                migrated,
                "INSERT INTO visit (patient_id, date, stage) VALUES (?, '2026-11-18', 'arrived')",
                patients[2],
            )
        assert again > undone
    finally:
        migrated.close()


def test_the_package_exports_what_it_promises() -> None:
    for name in db.__all__:
        assert hasattr(db, name), name


# -- the file as a person finds it: missing, damaged, copied by hand ------------------------


def test_a_missing_file_is_refused_naming_it_unless_asked_to_create(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "practise.db"
    with pytest.raises(StoreError, match="No database at") as refused:
        open_database(path, create=False)
    assert str(path) in str(refused.value)
    assert not path.parent.exists()


def test_every_folder_made_and_the_file_are_private_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "office" / "data" / "practice.db"
    before = os.umask(0)
    try:
        store.close_database(open_database(path))
    finally:
        os.umask(before)
    assert (_mode(tmp_path / "office"), _mode(path.parent), _mode(path)) == (0o700, 0o700, 0o600)


def test_an_empty_file_it_fills_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    store.close_database(open_database(path))
    assert _mode(path) == 0o600


def test_a_clean_close_leaves_the_practice_in_the_db_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "practice.db"
    database = open_database(path)
    # A worker thread's connection, still open at exit, keeps SQLite from folding the log in.
    other = sqlite3.connect(path)
    other.execute("SELECT count(*) FROM staff").fetchall()
    with database.atomic():
        for number in range(200):
            Staff.create(name=f"Person {number}", initials="P", role="staff")
    store.close_database(database)
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    copy = tmp_path / "copied by hand.db"
    shutil.copyfile(path, copy)  # the .db alone, as a person copies it
    with sqlite3.connect(copy) as copied:
        assert copied.execute("SELECT count(*) FROM staff").fetchone()[0] == 200
    copied.close()
    other.close()


def test_a_truncated_copy_is_called_damaged_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "practice.db"
    database = open_database(path)
    Staff.create(name="Ann Lee", initials="AL", role="staff")
    store.close_database(database)
    cut = tmp_path / "cut.db"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(StoreError) as refused:
        open_database(cut)
    assert "is damaged" in str(refused.value) and "Restore a backup" in str(refused.value)
    assert "not a SQLite file" not in str(refused.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in any folder")
def test_a_read_only_folder_is_called_read_only_not_a_foreign_file(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    path = folder / "practice.db"
    database = open_database(path)
    Staff.create(name="Ann Lee", initials="AL", role="staff")
    store.close_database(database)
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="folder is read-only") as refused:
            open_database(path)
    finally:
        folder.chmod(0o700)
    assert "not a SQLite file" not in str(refused.value)


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("attempt to write a readonly database", "read-only for you"),
        ("database is locked", "is busy (another terminal is writing). Nothing was changed"),
        ("database disk image is malformed", "is damaged. Restore a backup"),
    ],
)
def test_a_database_error_is_put_in_a_persons_words(message: str, says: str) -> None:
    said = store.problem(sqlite3.OperationalError(message), "/srv/practice.db")
    assert says in said and "/srv/practice.db" in said
    assert "\n" not in said


def test_a_device_is_refused_and_left_as_it_was() -> None:
    """/dev/null reads as an empty file: it must not be "filled", nor made private."""
    before = os.stat("/dev/null").st_mode
    with pytest.raises(StoreError, match="/dev/null is not a file, so not a database"):
        open_database("/dev/null")
    assert os.stat("/dev/null").st_mode == before


def test_closing_while_another_terminal_writes_does_not_wait_for_it(tmp_path: Path) -> None:
    """A reading command, or a quit, must not wait out the 5 s busy timeout to fold the log
    in: the writer's own exit does that."""
    import time

    path = tmp_path / "practice.db"
    database = open_database(path)
    Staff.create(name="Ann Lee", initials="AL", role="staff")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another terminal, in the middle of a write
    try:
        started = time.monotonic()
        store.close_database(database)
        assert time.monotonic() - started < 2
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert database.is_closed()


def test_a_row_already_pointing_at_nothing_does_not_stop_0011(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file where a tool once wrote with foreign keys off: the rebuild keeps that row as
    it is and the practice still opens its file."""
    monkeypatch.setattr(store, "MIGRATIONS", _migrations_up_to(tmp_path, "0010"))
    open_database(db_path).close()
    raw = sqlite3.connect(db_path)
    audit.attach(raw)
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute(
        "INSERT INTO visit_event (visit_id, stage, at) VALUES (999, 'arrived', '2026-11-18')"
    )
    raw.commit()
    raw.close()
    monkeypatch.setattr(store, "MIGRATIONS", _migrations_up_to(tmp_path, "0011"))

    migrated = open_database(db_path)
    try:
        assert _never_reuses_ids(migrated, "visit_event")
        assert migrated.execute_sql("SELECT visit_id FROM visit_event").fetchall() == [(999,)]
        assert len(migrated.execute_sql("PRAGMA foreign_key_check").fetchall()) == 1
    finally:
        migrated.close()


MODELS_LATER = """
import sys
from db import open_database

first = open_database(sys.argv[1])
second = open_database(sys.argv[2])
assert "db.models" not in sys.modules, "opening a database imports no models"
from db.models import Staff

print(Staff._meta.database is second, Staff.select().count())
"""


@pytest.mark.backends("sqlite")
def test_models_imported_after_opening_are_bound_to_the_database_opened_last(
    tmp_path: Path,
) -> None:
    """The login screen reads without the models; imported later, they use the database
    opened last, as if they had been bound when it was opened."""
    import subprocess
    import sys

    first, second = tmp_path / "first.db", tmp_path / "second.db"
    for path, people in ((first, 0), (second, 2)):
        database = open_database(path)
        for number in range(people):
            Staff.create(name=f"Person {number}", initials=f"P{number}", role="staff")
        database.close()
    ran = subprocess.run(
        [sys.executable, "-c", MODELS_LATER, str(first), str(second)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.split() == ["True", "2"]
