"""`om-tui backup` and `om-tui restore`: one line that says where, one line that says why not."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import resource
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from db import open_database
from db.models import Patient, SettingKey
from om_tui.cli import main


def make_database(path: Path, patients: int = 3) -> None:
    database = open_database(path)
    with database.atomic():
        Patient.insert_many(
            [
                {
                    "first_name": "A",
                    "last_name": "B",
                    "chart_number": str(number),
                    "created": dt.datetime(2026, 11, 18, 13),
                }
                for number in range(patients)
            ]
        ).execute()
    database.close()


def query(path: Path, sql: str) -> list[Any]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


def patients_in(path: Path) -> int:
    return int(query(path, "select count(*) from patient")[0][0])


def last_backup_in(path: Path) -> list[Any]:
    return query(path, f"select value from setting where key = '{SettingKey.LAST_BACKUP}'")


def one_line_refusal(err: str) -> str:
    assert err.startswith("om-tui: ")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    return err


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "office" / "practice.db"
    make_database(path)
    return path


def test_a_backup_says_where_it_wrote_in_one_line(
    target: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(target), "backup"]) == 0
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 1
    written = Path(out.split("Backup written to ", 1)[1].split(" (", 1)[0])
    assert written.parent == target.parent / "backups"
    assert written.name.startswith("practice-") and written.suffix == ".db"
    assert patients_in(written) == 3
    assert last_backup_in(target) != []

    assert main(["--db", str(target), "backup", "--keep", "1"]) == 0
    assert "1 older removed" in capsys.readouterr().out
    assert len(list((target.parent / "backups").glob("*.db"))) == 1
    assert len(list((target.parent / "backups").glob("*.db.anchor"))) == 1  # pruned with it


def test_a_backup_folder_that_is_a_file_or_under_one_is_refused(
    target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "usb"
    blocker.write_text("not a folder")
    assert main(["--db", str(target), "backup", str(blocker)]) == 2
    assert "is a file, not a folder" in one_line_refusal(capsys.readouterr().err)
    assert main(["--db", str(target), "backup", str(blocker / "backups")]) == 2
    assert "Cannot create the backup folder" in one_line_refusal(capsys.readouterr().err)
    assert last_backup_in(target) == []
    assert blocker.read_text() == "not a folder"


def test_no_database_nothing_to_back_up_and_none_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.db"
    assert main(["--db", str(missing), "backup"]) == 2
    assert "nothing to back up" in one_line_refusal(capsys.readouterr().err)
    assert not missing.exists()


def test_a_postgres_server_not_there_is_one_line_for_backup_and_restore(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Backups of a server database are pg_dump's (tests/unit/test_backup_postgres.py);
    a server that cannot be reached is said in one line each."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (the postgres extra)")
    url = "postgresql://om@localhost:1/practice?connect_timeout=2"
    assert main(["--db", url, "backup"]) == 2
    assert one_line_refusal(capsys.readouterr().err).startswith("om-tui: Cannot open the database")
    assert main(["--db", url, "restore", "practice-2026-11-18-0315.dump", "--yes"]) == 2
    assert one_line_refusal(capsys.readouterr().err).startswith("om-tui: Cannot open the database")


def test_restore_refuses_what_is_not_an_om_tui_database(
    target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    noise = tmp_path / "noise.db"
    noise.write_bytes(os.urandom(4096))
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("create table notes (body text)")
    damaged = tmp_path / "damaged.db"
    whole = bytearray(target.read_bytes())
    whole[4096 * 2 : 4096 * 6] = os.urandom(4096 * 4)
    damaged.write_bytes(bytes(whole))
    before = target.read_bytes()

    for path, said in (
        (tmp_path / "missing.db", "No such file"),
        (noise, "not a SQLite file"),
        (other, "not an om-tui database"),
        (damaged, "is damaged"),
    ):
        assert main(["--db", str(target), "restore", str(path), "--yes"]) == 2
        assert said in one_line_refusal(capsys.readouterr().err)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["practice.db"]


def test_restore_refuses_a_target_that_is_not_a_file_and_leaves_it(
    target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Given --db /dev/null (as root), the swap would have put the backup in its place."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    assert main(["--db", str(pipe), "restore", str(target), "--yes"]) == 2
    assert "is not a file" in one_line_refusal(capsys.readouterr().err)
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def restore_answering(
    target: Path, backup: Path, answer: str, monkeypatch: pytest.MonkeyPatch
) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
    return main(["--db", str(target), "restore", str(backup)])


def test_restore_asks_first_and_keeps_the_database_it_replaces(
    target: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup = tmp_path / "backup.db"
    make_database(backup, patients=7)
    before = target.read_bytes()

    assert restore_answering(target, backup, "n\n", monkeypatch) == 1
    said = capsys.readouterr()
    assert f"Replace {target} with {backup}" in said.out
    assert "Not restored: nothing was changed." in said.out
    assert restore_answering(target, backup, "", monkeypatch) == 1  # no one to answer
    assert "--yes" in one_line_refusal(capsys.readouterr().err)
    assert target.read_bytes() == before

    assert restore_answering(target, backup, "y\n", monkeypatch) == 0
    out = capsys.readouterr().out
    kept = Path(out.split("is kept as ", 1)[1].strip().removesuffix("."))
    assert kept.parent == target.parent and "practice-replaced-" in kept.name
    assert patients_in(kept) == 3
    assert patients_in(target) == 7

    assert main(["--db", str(target), "restore", str(kept), "--yes"]) == 0
    assert patients_in(target) == 3
    capsys.readouterr()


def test_restore_is_refused_while_om_tui_has_the_database_open(
    target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "backup.db"
    make_database(backup, patients=7)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from db import open_database; open_database(sys.argv[1]);"
            " print('open', flush=True); sys.stdin.read()",
            str(target),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert main(["--db", str(target), "restore", str(backup), "--yes"]) == 2
    finally:
        holder.communicate("", timeout=60)
    assert "open elsewhere" in one_line_refusal(capsys.readouterr().err)
    assert patients_in(target) == 3


def test_a_full_disk_is_one_line_and_loses_nothing(target: Path, tmp_path: Path) -> None:
    """The disk refuses the copy's writes past 256 KB (a file size limit, as a full disk
    would): the command says so, leaves no partial file, and the database is untouched."""
    make_database(big := tmp_path / "big" / "practice.db", patients=3000)
    assert big.stat().st_size > 1_000_000
    limit = 256 * 1024

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        [sys.executable, "-m", "om_tui", "--db", str(big), "backup"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        preexec_fn=small_disk,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")},
    )
    assert result.returncode == 2, result.stdout
    assert "Cannot write the backup in" in one_line_refusal(result.stderr)
    assert list((big.parent / "backups").iterdir()) == []
    assert query(big, "pragma integrity_check") == [("ok",)]
    assert patients_in(big) == 3000
    assert last_backup_in(big) == []


def om_tui(*args: str) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, which closes the database as it ends."""
    return subprocess.run(
        [sys.executable, "-m", "om_tui", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_a_restore_is_on_the_restored_trail_and_its_anchors_start_afresh(target: Path) -> None:
    done = om_tui("--db", str(target), "backup")
    made = Path(done.stdout.split("Backup written to ", 1)[1].split(" (", 1)[0])
    for name in ("Lakeview", "Lakeside"):  # the trail goes on past the backup
        assert om_tui("--db", str(target), "settings", "name", name).returncode == 0
    report = target.with_name("week.md")  # a report anchors the trail as it is now
    assert om_tui("--db", str(target), "report", "week", "-o", str(report)).returncode == 0
    assert om_tui("--db", str(target), "audit", "verify").returncode == 0

    assert om_tui("--db", str(target), "restore", str(made), "--yes").returncode == 0
    [(entry,)] = query(target, "select entry from audit order by id desc limit 1")
    restored = json.loads(entry)
    assert (restored["action"], restored["subject"]) == ("restore", str(made))
    assert restored["terminal"].startswith("cli:")
    assert target.with_name("practice.db.anchors").read_text().splitlines()[-1].endswith(" restore")
    # The backup's anchor and the restore's hold; the replaced trail's is not held against it.
    checked = om_tui("--db", str(target), "audit", "verify")
    assert checked.returncode == 0, checked.stdout
    assert "It agrees with its 3 anchor(s) (1 more, of the database a restore replaced" in (
        checked.stdout
    )
