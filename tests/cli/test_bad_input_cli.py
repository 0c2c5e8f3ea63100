"""What a person can get wrong on the command line, and what they are told: one line, a
non-zero exit, nothing half-written — never a traceback, never an empty practice made by a
typo, never a number no screen can show."""

from __future__ import annotations

import sqlite3
import stat
import time
from pathlib import Path

import pytest

from db import close_database, open_database
from db.models import Leave, Post, Setting, Stat, StatValue

from .conftest import run_cli


def one_line(result_err: str) -> str:
    lines = result_err.strip().splitlines()
    assert len(lines) == 1, result_err
    assert "Traceback" not in result_err and "Error:" not in result_err
    return lines[0]


def with_a_stat(practice_file: str) -> str:
    added = run_cli("--db", practice_file, "stats", "add", "calls", "Calls", "--post", "Doctor")
    assert added.returncode == 0, added.stderr
    return practice_file


# -- numbers and words -------------------------------------------------------------------


@pytest.mark.parametrize("quota", ["inf", "nan", "-inf", "1e308"])
def test_a_quota_that_is_no_number_is_refused(practice_file: str, quota: str) -> None:
    with_a_stat(practice_file)
    result = run_cli("--db", practice_file, "stats", "set", "calls", f"--quota={quota}")
    assert result.returncode == 2
    assert one_line(result.stderr).startswith("om-tui: A quota ")
    listed = run_cli("--db", practice_file, "stats", "list")
    assert listed.returncode == 0 and "quota" not in listed.stdout


@pytest.mark.parametrize(
    ("option", "says"),
    [
        (["--scale", "0", "inf"], "The scale's top is at most"),
        (["--danger", "nan"], "A threshold is a % change"),
        (["--affluence", "1e308"], "A threshold is a % change"),
        (["--name", "N" * 10_000], "A stat's name is at most 60 characters"),
        (["--name", ""], "A stat needs a name."),
    ],
    ids=["scale", "danger", "affluence", "name", "no name"],
)
def test_a_stats_scale_thresholds_and_name_are_checked(
    practice_file: str, option: list[str], says: str
) -> None:
    with_a_stat(practice_file)
    result = run_cli("--db", practice_file, "stats", "set", "calls", *option)
    assert result.returncode == 2
    assert says in one_line(result.stderr)


def test_a_stat_for_a_hat_that_is_not_there_is_refused_naming_the_hats(
    practice_file: str,
) -> None:
    result = run_cli("--db", practice_file, "stats", "add", "calls", "Calls", "--post", "Nope")
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        "om-tui: No hat is called 'Nope'. The hats: Office Manager, Doctor."
    )
    database = open_database(practice_file)
    try:
        assert [p.title for p in Post.select().order_by(Post.id)] == ["Office Manager", "Doctor"]
        assert not Stat.select().exists()
    finally:
        close_database(database)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["settings", "name", ""], "The practice needs a name"),
        (["settings", "name", "P" * 10_000], "The practice's name is at most 60 characters"),
        (["settings", "late-after", "99999999999"], "Late is 1 to 1440 minutes"),
        (["leave", "add", "Ann", "2030-01-01", "2030-01-02", "--note", "n" * 10_000], "leave"),
    ],
    ids=["empty name", "long name", "late", "leave note"],
)
def test_settings_and_leave_within_their_limits(
    practice_file: str, args: list[str], says: str
) -> None:
    database = open_database(practice_file)
    from db.models import Staff

    Staff.create(name="Ann Lee", initials="AL", role="staff")
    close_database(database)
    result = run_cli("--db", practice_file, *args)
    assert result.returncode == 2
    assert says in one_line(result.stderr)
    database = open_database(practice_file)
    try:
        assert not Leave.select().exists()
        assert Setting.select().where(Setting.value.contains("PPPP")).count() == 0
    finally:
        close_database(database)


# -- the file ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["audit", "verify"],
        ["settings"],
        ["stats", "list"],
        ["leave", "list"],
        ["report", "week"],
        ["ssh", "authorize", "--user", "Ann", "key.pub"],
    ],
    ids=lambda command: command[0],
)
def test_a_mistyped_db_path_is_named_and_no_practice_is_made(
    tmp_path: Path, command: list[str]
) -> None:
    typo = tmp_path / "ofice" / "practise.db"
    result = run_cli("--db", str(typo), *command)
    assert result.returncode == 2
    assert one_line(result.stderr).startswith(f"om-tui: No database at {typo}: check the path.")
    assert not typo.parent.exists()


def test_the_demo_makes_its_folders_private_whatever_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "office" / "data" / "demo.db"
    result = run_cli("--demo", "--db", str(target), "settings", umask=0)
    assert result.returncode == 0, result.stderr
    modes = [stat.S_IMODE(p.stat().st_mode) for p in (target.parent.parent, target.parent, target)]
    assert modes == [0o700, 0o700, 0o600]


def test_a_command_leaves_the_practice_in_the_db_file(practice_file: str) -> None:
    assert run_cli("--db", practice_file, "settings", "name", "Lakeview").returncode == 0
    wal = Path(practice_file + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    with sqlite3.connect(f"file:{practice_file}?mode=ro&immutable=1", uri=True) as copy:
        assert copy.execute("SELECT value FROM setting WHERE key = 'practice.name'").fetchone()


def test_a_truncated_copy_is_called_damaged_not_foreign(practice_file: str, tmp_path: Path) -> None:
    cut = tmp_path / "cut.db"
    whole = Path(practice_file).read_bytes()
    cut.write_bytes(whole[: len(whole) // 2])
    result = run_cli("--db", str(cut), "settings")
    assert result.returncode == 2
    said = one_line(result.stderr)
    assert "is damaged" in said and "Restore a backup" in said and "not a SQLite" not in said


@pytest.mark.parametrize(
    "command",
    [
        ["settings", "name", "Lakeview"],
        ["stats", "set", "calls", "--quota", "5"],
        ["leave", "add", "Doc", "2030-01-01", "2030-01-02"],
        ["report", "week"],
    ],
    ids=lambda command: command[0],
)
def test_a_read_only_database_is_said_so_in_one_line(
    practice_file: str, command: list[str]
) -> None:
    with_a_stat(practice_file)
    database = open_database(practice_file)
    from db.models import Staff

    Staff.create(name="Doc Brown", initials="DB", role="staff")
    close_database(database)
    Path(practice_file).chmod(0o444)
    result = run_cli("--db", practice_file, *command, reader=True)
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        f"om-tui: Cannot write to {practice_file}: the file or its folder is read-only for you. "
        "Nothing was changed."
    )
    assert (
        run_cli("--db", practice_file, "settings", reader=True).returncode == 0
    )  # reading is fine


def test_a_read_only_database_is_backed_up_all_the_same(practice_file: str, tmp_path: Path) -> None:
    Path(practice_file).chmod(0o444)
    result = run_cli("--db", practice_file, "backup", str(tmp_path / "usb"), reader=True)
    assert result.returncode == 0, result.stderr
    assert "Backup written to" in result.stdout
    assert "read-only for you" in result.stdout
    assert len(list((tmp_path / "usb").glob("p-*.db"))) == 1


def test_a_read_only_folder_is_said_so_not_called_a_foreign_file(practice_file: str) -> None:
    folder = Path(practice_file).parent
    folder.chmod(0o555)
    try:
        result = run_cli("--db", practice_file, "settings", reader=True)
    finally:
        folder.chmod(0o700)
    assert result.returncode == 2
    said = one_line(result.stderr)
    assert "its folder is read-only for you" in said and "not a SQLite" not in said


def test_a_write_kept_waiting_by_another_terminal_is_one_line(practice_file: str) -> None:
    with_a_stat(practice_file)
    other = sqlite3.connect(practice_file, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another terminal holds the write lock throughout
        started = time.monotonic()
        result = run_cli("--db", practice_file, "stats", "set", "calls", "--quota", "5")
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        f"om-tui: {practice_file} is busy (another terminal is writing). "
        "Nothing was changed; try again."
    )
    assert waited >= 5  # it waited its 5 s first
    database = open_database(practice_file)
    try:
        assert Stat.get(Stat.short_name == "calls").quota is None
        assert not StatValue.select().exists()
    finally:
        close_database(database)


@pytest.mark.parametrize(
    "args",
    [
        ["leave", "remove", "99999999999999999999999"],
        ["stats", "recompute", "--weeks", "99999999999"],
        ["report", "week", "--week", "9999-12-31"],
        ["report", "week", "--week", "0001-01-01"],
        ["leave", "add", "Doc", "1800-01-01", "2030-01-02"],
        ["backup", "--keep", "99999999999999999999"],
    ],
    ids=["leave number", "weeks", "last day", "first day", "leave day", "keep"],
)
def test_numbers_and_days_beyond_any_use_are_refused_by_the_parser(
    practice_file: str, args: list[str]
) -> None:
    result = run_cli("--db", practice_file, *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"om-tui {args[0]}")
