"""Backups and restores on real files: a copy taken while another process writes, pruning,
restores that refuse what is not ours and keep what they replace, and the reminder."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from peewee import Database

from db import open_database
from db.models import Patient, SettingKey, utc_naive
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.backup import (
    IN_USE,
    BackupError,
    back_up,
    backup_reminder,
    backups_of,
    check_backup,
    check_target,
    last_backup,
    restore,
)
from om_tui.practice.people.roles import ADMINISTRATOR

from .practice_fixture import ZONE_NAME, Practice, local

# A backup here is a copy of the SQLite file (its backup API, its integrity check, its
# mode); a server database's backups are pg_dump's: tests/unit/test_backup_postgres.py.
pytestmark = pytest.mark.backends("sqlite")


CREATED = utc_naive(local(8, 0))

#: Writes patients w1, w2, … one commit each, as a front desk would, until told to stop;
#: says "writing" once it is well under way.
WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from pathlib import Path
    from db import open_database
    from db.models import Patient
    open_database(sys.argv[1])
    stop, number = Path(sys.argv[2]), 0
    while not stop.exists():
        number += 1
        Patient.create(first_name="Load", last_name="Test", chart_number=f"w{number}",
                       created=dt.datetime(2026, 11, 18, 13))
        if number == 20:
            print("writing", flush=True)
    print(number, flush=True)
    """
)

#: Opens the database and waits, as an idle om-tui on another terminal does.
HOLDER = textwrap.dedent(
    """
    import sys
    from db import open_database
    from db.models import Patient
    open_database(sys.argv[1])
    Patient.select().count()
    print("open", flush=True)
    sys.stdin.read()
    """
)

#: Commits patients and dies without closing: its write-ahead log stays behind.
CRASHER = textwrap.dedent(
    """
    import datetime as dt, os, sys
    from db import open_database
    from db.models import Patient
    database = open_database(sys.argv[1])
    database.execute_sql("pragma wal_autocheckpoint = 0")
    for number in range(50):
        Patient.create(first_name="Late", last_name="Entry", chart_number=f"late{number}",
                       created=dt.datetime(2026, 11, 18, 13))
    os._exit(0)
    """
)


def add_patients(count: int, prefix: str = "p") -> None:
    Patient.insert_many(
        [
            {
                "first_name": "A",
                "last_name": "B",
                "chart_number": f"{prefix}{n}",
                "created": CREATED,
            }
            for n in range(count)
        ]
    ).execute()


def query(path: Path, sql: str) -> list[Any]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


def patients_in(path: Path) -> int:
    return int(query(path, "select count(*) from patient")[0][0])


def start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def made_database(path: Path, patients: int) -> None:
    """A closed om-tui database with `patients` patients."""
    database = open_database(path)
    with database.atomic():
        add_patients(patients)
    database.close()


# -- backing up ------------------------------------------------------------------------------


def test_a_backup_is_a_private_checked_copy_named_in_practice_time(
    database: Database, db_path: Path, clock: FrozenClock
) -> None:
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)
    add_patients(30)
    clock.set(local(3, 15))

    made = back_up(database, clock)

    assert made.path == db_path.parent / "backups" / "practice-2026-11-18-0315.db"
    assert (made.path.stat().st_mode & 0o777) == 0o600
    assert (made.path.parent.stat().st_mode & 0o777) == 0o700
    assert query(made.path, "pragma integrity_check") == [("ok",)]
    assert patients_in(made.path) == 30
    assert sorted(p.name for p in made.path.parent.iterdir()) == [  # no leftovers
        made.path.name,
        f"{made.path.name}.anchor",  # the trail's head it holds (anchors.py)
    ]
    assert last_backup(database) == local(3, 15)


def test_a_backup_taken_while_another_process_writes_is_one_consistent_moment(
    database: Database, db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    with database.atomic():
        add_patients(5000)  # a copy that takes a while, so the writer overlaps it
    stop = tmp_path / "stop"
    writer = start(WRITER, str(db_path), str(stop))
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"
        before = Patient.select().count()
        made = back_up(database, clock)
        after = Patient.select().count()
    finally:
        stop.touch()
        out, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0  # the writer was never refused or blocked out
    assert after > before  # it kept writing while the copy was taken
    assert query(made.path, "pragma integrity_check") == [("ok",)]
    copied = patients_in(made.path)
    assert before <= copied <= after
    # One moment: the writer's rows in the copy are exactly its first k, with no gaps.
    numbers = sorted(
        int(str(row[0])[1:])
        for row in query(made.path, "select chart_number from patient where chart_number like 'w%'")
    )
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) == copied - 5000
    assert int(out.split()[-1]) >= len(numbers)


def test_only_the_newest_backups_are_kept_and_nothing_else_is_touched(
    database: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    folder = tmp_path / "offsite"
    folder.mkdir()
    strangers = [
        folder / "notes.txt",
        folder / "practice-old.db",
        folder / "demo-2026-01-01-0000.db",  # another database's backup
        folder / "practice-2026-11-18-0900.db.txt",
    ]
    for path in strangers:
        path.write_text("keep me")
    made = []
    for hour in range(5):
        clock.advance(hours=hour and 1)
        made.append(back_up(database, clock, folder, keep=3))
    twin = back_up(database, clock, folder, keep=3)  # the same minute as the one before

    assert twin.path.name == made[-1].path.name.replace(".db", "-2.db")
    assert backups_of(folder, "practice") == [made[3].path, made[4].path, twin.path]
    assert twin.removed == (made[2].path,)
    assert all(path.read_text() == "keep me" for path in strangers)


def test_the_backup_just_written_stays_even_when_the_clock_went_back(
    database: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    first = back_up(database, clock, tmp_path, keep=1)
    clock.advance(days=-2)
    second = back_up(database, clock, tmp_path, keep=1)
    assert backups_of(tmp_path, "practice") == [second.path]
    assert second.removed == (first.path,)


@pytest.mark.parametrize(
    ("where", "said"),
    [
        (lambda tmp: tmp / "file.txt", "is a file, not a folder"),
        (lambda tmp: tmp / "file.txt" / "inside", "Cannot create the backup folder"),
    ],
)
def test_a_folder_that_cannot_hold_backups_is_refused(
    database: Database,
    clock: FrozenClock,
    tmp_path: Path,
    where: Callable[[Path], Path],
    said: str,
) -> None:
    (tmp_path / "file.txt").write_text("a file")
    with pytest.raises(BackupError, match=said):
        back_up(database, clock, where(tmp_path))
    assert last_backup(database) is None
    assert (tmp_path / "file.txt").read_text() == "a file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in any folder")
def test_a_folder_without_write_permission_is_refused(
    database: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    with pytest.raises(BackupError, match="permission denied"):
        back_up(database, clock, folder)


def test_keeping_none_is_refused(database: Database, clock: FrozenClock, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="at least one"):
        back_up(database, clock, tmp_path / "out", keep=0)
    assert not (tmp_path / "out").exists()


def test_a_copy_that_fails_its_integrity_check_is_removed(
    database: Database, db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    # A NOT NULL column holding a NULL: SQLite copies it faithfully, and the check finds it.
    database.execute_sql("create table scratch (note text)")
    database.execute_sql("insert into scratch values (null)")
    database.close()
    with closing(sqlite3.connect(db_path, isolation_level=None)) as raw:
        raw.execute("pragma writable_schema = 1")
        raw.execute(
            "update sqlite_master set sql = 'CREATE TABLE scratch (note text not null)'"
            " where name = 'scratch'"
        )
    database = open_database(db_path)
    with pytest.raises(BackupError, match="failed its integrity check and was removed"):
        back_up(database, clock, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
    assert last_backup(database) is None
    database.close()


# -- restoring -------------------------------------------------------------------------------


def test_a_restore_keeps_the_replaced_database_and_the_result_opens(
    db_path: Path, clock: FrozenClock
) -> None:
    made_database(db_path, 10)
    database = open_database(db_path)
    backup = back_up(database, clock)
    add_patients(5, prefix="later")  # after the backup: only the replaced file has them
    database.close()
    clock.advance(hours=2)

    restored = restore(check_backup(backup.path), db_path, clock)

    assert restored.replaced == db_path.parent / "practice-replaced-2026-11-18-1700.db"
    assert patients_in(restored.replaced) == 15
    assert not Path(f"{db_path}-wal").exists()
    assert (db_path.stat().st_mode & 0o777) == 0o600
    reopened = open_database(db_path)
    assert Patient.select().count() == 10
    reopened.close()
    kept = open_database(restored.replaced)
    assert Patient.select().count() == 15
    kept.close()


def test_a_stale_write_ahead_log_goes_with_the_old_file_not_into_the_new(
    db_path: Path, clock: FrozenClock
) -> None:
    made_database(db_path, 10)
    database = open_database(db_path)
    backup = back_up(database, clock)
    database.close()
    crashed = start(CRASHER, str(db_path))
    crashed.communicate(timeout=60)
    assert Path(f"{db_path}-wal").stat().st_size > 0  # 50 commits live only in the log

    restored = restore(check_backup(backup.path), db_path, clock)

    assert not Path(f"{db_path}-wal").exists() and not Path(f"{db_path}-shm").exists()
    assert restored.replaced is not None
    assert patients_in(restored.replaced) == 60  # the log was folded into the kept file
    assert query(restored.replaced, "pragma integrity_check") == [("ok",)]
    assert patients_in(db_path) == 10


def test_a_restore_is_refused_while_another_process_has_the_database_open(
    db_path: Path, clock: FrozenClock
) -> None:
    made_database(db_path, 10)
    database = open_database(db_path)
    backup = back_up(database, clock)
    add_patients(1, prefix="now")
    database.close()
    found = check_backup(backup.path)
    holder = start(HOLDER, str(db_path))
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(BackupError) as refused:
            restore(found, db_path, clock)
        assert str(refused.value) == IN_USE
    finally:
        holder.communicate("", timeout=60)
    assert patients_in(db_path) == 11
    assert [p.name for p in db_path.parent.glob("*replaced*")] == []
    assert [p.name for p in db_path.parent.glob(".*")] == []  # the staged copy is gone

    restore(found, db_path, clock)  # now that it is closed
    assert patients_in(db_path) == 10


def test_a_restore_onto_no_database_puts_a_private_file_there(
    db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    made_database(db_path, 3)
    found = check_backup(db_path)
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["practice.db"]  # read only
    target = tmp_path / "new machine" / "practice.db"
    restored = restore(found, target, clock)
    assert restored.replaced is None
    assert patients_in(target) == 3
    assert (target.stat().st_mode & 0o777) == 0o600


def test_a_damaged_database_may_be_replaced_and_is_kept(
    db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    made_database(db_path, 3)
    found = check_backup(db_path)
    target = tmp_path / "broken.db"
    target.write_bytes(b"\0" * 8192)
    restored = restore(found, target, clock)
    assert restored.replaced is not None and restored.replaced.read_bytes() == b"\0" * 8192
    assert patients_in(target) == 3


def test_files_that_are_not_our_backups_are_refused(db_path: Path, tmp_path: Path) -> None:
    made_database(db_path, 3)
    noise = tmp_path / "noise.db"
    noise.write_bytes(os.urandom(8192))
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("create table notes (body text)")
    newer = tmp_path / "newer.db"
    newer.write_bytes(db_path.read_bytes())
    with closing(sqlite3.connect(newer)) as connection, connection:
        connection.execute(
            "insert into schema_migration (name, applied) values ('9999_future', '2030-01-01')"
        )
    damaged = tmp_path / "damaged.db"
    whole = bytearray(db_path.read_bytes())
    whole[4096 * 2 : 4096 * 6] = os.urandom(4096 * 4)  # table pages overwritten
    damaged.write_bytes(bytes(whole))

    refusals = {
        tmp_path / "missing.db": "No such file",
        tmp_path: "is a folder, not a backup file",
        noise: "not an om-tui backup (not a SQLite file)",
        other: "a SQLite file, but not an om-tui database",
        newer: "made by a newer om-tui (schema 9999_future)",
        damaged: "is damaged",
    }
    for path, said in refusals.items():
        with pytest.raises(BackupError, match=re.escape(said)):
            check_backup(path)


def test_a_restore_will_not_replace_another_programs_database(
    db_path: Path, clock: FrozenClock, tmp_path: Path
) -> None:
    made_database(db_path, 3)
    found = check_backup(db_path)
    other = tmp_path / "ledger.db"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("create table entries (amount integer)")
    before = other.read_bytes()
    with pytest.raises(BackupError, match="not an om-tui database: restore will not replace it"):
        restore(found, other, clock)
    with pytest.raises(BackupError, match="the database itself"):
        check_target(found, db_path)
    assert other.read_bytes() == before


# -- the reminder ----------------------------------------------------------------------------


def test_the_reminder_comes_when_there_is_no_backup_or_it_is_over_a_day_old(
    database: Database, practice: Practice, clock: FrozenClock, tmp_path: Path
) -> None:
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)
    assert backup_reminder(database, clock) == (
        "This database has never been backed up: run om-tui backup."
    )
    back_up(database, clock, tmp_path)
    clock.advance(hours=24)
    assert backup_reminder(database, clock) is None
    clock.advance(hours=6)
    assert backup_reminder(database, clock) == (
        "The last backup was 30 hours ago (Wed 18 Nov 10:00): run om-tui backup."
    )
    clock.advance(days=2)
    assert backup_reminder(database, clock) == (
        "The last backup was 3 days ago (Wed 18 Nov 10:00): run om-tui backup."
    )


def test_the_demo_and_an_empty_practice_are_never_nagged(
    database: Database, clock: FrozenClock
) -> None:
    assert backup_reminder(database, clock) is None  # the first run: nothing to lose yet
    add_patients(1)
    assert backup_reminder(database, clock) is not None
    settings.put(database, SettingKey.DEMO_DAY, "2026-11-18")
    assert backup_reminder(database, clock) is None


async def test_the_app_shows_the_reminder_when_it_opens(
    database: Database, practice: Practice, clock: FrozenClock, tmp_path: Path
) -> None:
    from ui.helpers import notifications  # Textual keeps them private: one helper reads them

    from om_tui.app import make_app

    app = make_app(database, clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "This database has never been backed up: run om-tui backup." in [
            notice.message for notice in notifications(app)
        ]
    back_up(database, clock, tmp_path)
    clock.advance(hours=23)
    app = make_app(database, clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert not any("backup" in notice.message for notice in notifications(app))


def test_the_recorded_time_is_the_moment_of_the_copy(
    database: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    back_up(database, clock, tmp_path)
    assert settings.get(database, SettingKey.LAST_BACKUP) == clock.now().isoformat()
    assert last_backup(database) == clock.now()
