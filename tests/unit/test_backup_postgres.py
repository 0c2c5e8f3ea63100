"""`om-tui backup` and `om-tui restore` on a PostgreSQL store: a checked custom-format dump,
named and pruned as SQLite's backups are, and a restore into an empty database only.

On the session's throwaway server (tests/unit/postgres_server.py).
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from pathlib import Path

import pytest

from db import Patient, close_database, open_database
from om_tui.cli import main
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people import audit, server_backup
from om_tui.practice.people.backup import backup_reminder

from .postgres_server import PostgresServer

pytestmark = pytest.mark.backends("postgres")


def _with_a_patient(url: str) -> None:
    database = open_database(url)
    try:
        Patient.create(
            first_name="Kept", last_name="Safe", chart_number="K-1", created=dt.datetime(2026, 1, 5)
        )
    finally:
        close_database(database)


def test_a_backup_is_a_checked_private_dump_and_the_oldest_are_pruned(
    postgres_server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres_server.fresh_database()
    _with_a_patient(url)
    folder = tmp_path / "backups"
    for _ in range(3):
        assert main(["--db", url, "backup", str(folder), "--keep", "2"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "checked with pg_restore --list" in out
    assert postgres_server.password not in out
    dumps = sorted(folder.glob("*.dump"))
    assert len(dumps) == 2, "the oldest is pruned, as for SQLite"
    name = url.rsplit("/", 1)[1]
    assert all(
        re.fullmatch(rf"{name}-\d{{4}}-\d\d-\d\d-\d{{4}}(-\d+)?\.dump", d.name) for d in dumps
    )
    assert all(stat.S_IMODE(d.stat().st_mode) == 0o600 for d in dumps)
    assert sorted(p.name for p in folder.glob("*.anchor")) == [f"{d.name}.anchor" for d in dumps]


def test_a_restore_goes_into_an_empty_database_only(
    postgres_server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres_server.fresh_database()
    _with_a_patient(url)
    assert main(["--db", url, "backup", str(tmp_path)]) == 0
    [dump] = tmp_path.glob("*.dump")
    capsys.readouterr()

    assert main(["--db", url, "restore", str(dump)]) == 2  # it has tables: refused
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "is not empty" in line and "Nothing was changed" in line

    empty = postgres_server.empty_database()
    assert main(["--db", empty, "restore", str(dump)]) == 0
    restored = open_database(empty)
    try:
        assert [p.first_name for p in Patient.select()] == ["Kept"]
        last = restored.execute_sql("SELECT action FROM audit ORDER BY id DESC LIMIT 1")
        assert last.fetchone()[0] == "restore"
        assert audit.verify(restored).ok
    finally:
        close_database(restored)


def test_a_file_that_is_not_a_dump_is_refused(
    postgres_server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "practice.dump"
    junk.write_text("not a dump")
    empty = postgres_server.empty_database()
    assert main(["--db", empty, "restore", str(junk)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("om-tui: ") and "not a readable dump" in line


def test_the_app_reminds_of_a_server_database_never_backed_up(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.fresh_database()
    _with_a_patient(url)
    database = open_database(url)
    try:
        clock = FrozenClock(dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC))
        assert backup_reminder(database, clock) == (
            "This database has never been backed up: run om-tui backup."
        )
        server_backup.back_up(database, clock, tmp_path, keep=1)
        assert backup_reminder(database, clock) is None
    finally:
        close_database(database)
