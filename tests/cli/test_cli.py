"""The command line: clear one-line errors, settings, and the refusal without a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db import open_database
from db.models import Role, Staff
from om_tui.cli import main


def run_cli(*args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "om_tui", *args],
        capture_output=True,
        text=True,
        stdin=stdin,
        timeout=60,
    )


def test_db_path_that_cannot_be_created_is_one_line_and_nonzero(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("--demo", "--db", str(blocker / "sub" / "practice.db"), "settings")
    assert result.returncode == 2
    assert result.stderr.startswith("om-tui: Cannot create the database")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_bytes(os.urandom(4096))
    result = run_cli("--db", str(junk), "settings")
    assert result.returncode == 2
    assert "not an om-tui database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_another_sqlite_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("create table notes (body text)")
    before = other.read_bytes()
    result = run_cli("--db", str(other), "settings")
    assert result.returncode == 2
    assert "not an om-tui database" in result.stderr
    assert other.read_bytes() == before


def test_without_a_terminal_the_app_refuses_to_start(tmp_path: Path) -> None:
    result = run_cli("--db", str(tmp_path / "p.db"))
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr


def test_settings_change_thresholds_and_show_them(
    practice_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = practice_file
    assert main(["--db", target, "settings", "threshold", "arrived", "7", "15"]) == 0
    assert main(["--db", target, "settings", "late-after", "5"]) == 0
    assert main(["--db", target, "settings", "timezone", "America/Denver"]) == 0
    out = capsys.readouterr().out
    assert "arrived        warn   7 min, alert  15 min" in out
    assert "Late after: 5 min" in out
    assert "America/Denver" in out


def test_bad_settings_are_refused_with_a_reason(
    practice_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = practice_file
    assert main(["--db", target, "settings", "threshold", "arrived", "20", "10"]) == 2
    assert main(["--db", target, "settings", "timezone", "Mars/Olympus"]) == 2
    err = capsys.readouterr().err
    assert "alert must come after the warning" in err
    assert "Unknown time zone" in err


def test_demo_is_created_private_with_settings(tmp_path: Path) -> None:
    target = tmp_path / "data" / "demo.db"
    result = run_cli("--demo", "--db", str(target), "settings")
    assert result.returncode == 0, result.stderr
    assert "Riverside Chiropractic" in result.stdout
    assert (target.stat().st_mode & 0o777) == 0o600
    assert (target.parent.stat().st_mode & 0o777) == 0o700


def test_the_stats_week_ending_is_set_and_checked(
    practice_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = practice_file
    assert main(["--db", target, "settings", "week-ends", "0 09:00"]) == 0
    assert "Week ends:  Monday 09:00" in capsys.readouterr().out
    assert main(["--db", target, "settings", "week-ends", "9 09:00"]) == 2
    assert "weekday is 0 (Monday) to 6" in capsys.readouterr().err
    assert main(["--db", target, "settings"]) == 0
    assert "Week ends:  Monday 09:00" in capsys.readouterr().out


def test_the_open_days_are_set_and_checked(
    practice_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = practice_file
    assert main(["--db", target, "settings"]) == 0
    assert "Open days:  Mon, Tue, Wed, Thu, Fri" in capsys.readouterr().out
    assert main(["--db", target, "settings", "open-days", "0 1 2 3 4 5"]) == 0
    assert "Open days:  Mon, Tue, Wed, Thu, Fri, Sat" in capsys.readouterr().out
    assert main(["--db", target, "settings", "open-days", "1 8"]) == 2
    assert "weekday numbers 0 (Monday) to 6" in capsys.readouterr().err
    assert main(["--db", target, "settings"]) == 0
    assert "Fri, Sat" in capsys.readouterr().out  # the bad value changed nothing


def test_leave_is_added_listed_and_removed(
    practice_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = practice_file
    database = open_database(target)
    Staff.create(name="Tom Becker", initials="TB", role=Role.STAFF)
    Staff.create(name="Tina Ray", initials="TR", role=Role.STAFF)
    database.close()
    assert main(["--db", target, "leave", "add", "Tom", "2099-03-02", "2099-03-06"]) == 0
    listed = capsys.readouterr().out
    assert "Tom Becker" in listed and "2–6 Mar 2099" in listed
    assert main(["--db", target, "leave", "add", "T", "2099-03-02", "2099-03-06"]) == 2
    assert "No one person is called 'T'" in capsys.readouterr().err
    assert main(["--db", target, "leave", "add", "Tina", "2099-03-06", "2099-03-02"]) == 2
    assert "ends on or after" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--db", target, "leave", "add", "Tina", "the second of March", "2099-03-02"])
    assert "Which day? Type it like today, fri" in capsys.readouterr().err
    number = listed.split()[0]
    assert main(["--db", target, "leave", "remove", number]) == 0
    assert "No one is on leave" in capsys.readouterr().out


def test_stats_are_added_changed_and_refused_from_the_command_line(
    practice_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = practice_file

    def stats(*args: str) -> int:
        return main(["--db", target, "stats", *args])

    assert stats("add", "referrals", "Referrals received", "--post", "Office Manager") == 0
    assert stats("add", "visits", "Patient visits", "--post", "Doctor", "--computed", "visits") == 0
    assert (
        stats(
            "add", "per_visit", "Per visit", "--post", "Doctor", "--formula", "referrals / visits"
        )
        == 0
    )
    assert stats("set", "visits", "--quota", "180", "--scale", "0", "250", "--danger", "-30") == 0
    listed = capsys.readouterr().out
    assert "per_visit" in listed and "referrals / visits" in listed
    assert "quota 180; scale 0.0..250.0" in listed and '"danger": -30.0' in listed

    assert stats("add", "loop", "Loop", "--post", "Doctor", "--formula", "loop + 1") == 2
    assert stats("add", "referrals", "Again", "--post", "Doctor") == 2
    assert stats("set", "visits", "--scale", "10", "5") == 2
    assert stats("set", "visits", "--danger", "5") == 2
    said = capsys.readouterr().err
    assert "cannot use itself" in said
    assert "already a stat called referrals" in said
    assert "bottom must be below its top" in said
    assert "Non-Existence < Danger < 0 < Affluence" in said

    assert stats("retire", "referrals") == 0
    assert "Referrals received" not in capsys.readouterr().out


def test_the_overviews_main_stats_are_chosen_from_the_command_line(
    practice_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = practice_file

    def main_stats(*args: str) -> int:
        return main(["--db", target, "stats", "main", *args])

    assert main(["--db", target, "stats", "add", "visits", "Visits", "--post", "Doctor"]) == 0
    assert main(["--db", target, "stats", "add", "refs", "Referrals", "--post", "Doctor"]) == 0
    capsys.readouterr()
    assert main_stats() == 0
    assert "by the rule" in capsys.readouterr().out

    assert main_stats("refs", "visits") == 0
    assert capsys.readouterr().out.strip() == "Main stats, as chosen: refs, visits."
    assert main_stats("refs", "nope") == 2
    assert "No stat is called nope." in capsys.readouterr().err
    assert main_stats("--rule", "refs") == 2
    assert "not both" in capsys.readouterr().err
    assert main_stats() == 0
    assert "refs, visits" in capsys.readouterr().out  # the refused changes changed nothing

    assert main_stats("--rule") == 0
    assert "by the rule" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("words", "app_only"),
    [
        (["--db", "p.db"], True),
        (["--demo", "--user", "Sarah"], True),
        (["--db=p.db", "--user", "report"], True),  # a name, not the command
        (["--db", "p.db", "--ssh-user", "3", "--ssh-key", "SHA256:a+b/c"], True),
        (["--user=", "--db", "a.db", "--db", "b.db", "--demo", "--demo"], True),  # the last wins
        (["--db", "p.db", "report", "week"], False),
        (["reprot"], False),  # a mistyped command is still named as one
        (["--help"], False),
    ],
)
def test_the_app_starts_without_building_the_commands_parsers(
    words: list[str], app_only: bool
) -> None:
    from om_tui.cli import _app_options, _opens_the_app, build_parser

    assert _opens_the_app(words) is app_only
    if app_only:
        quick = vars(build_parser(commands_too=False).parse_args(words))
        assert quick == vars(build_parser().parse_args(words))
        read = _app_options(words)  # the usual start: not even argparse
        assert read is not None and vars(read) == quick
    else:
        assert _app_options(words) is None


def test_the_app_starts_without_importing_argparse(tmp_path: Path) -> None:
    """The usual start reads its options by itself (_app_options): argparse stays out."""
    ran = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from om_tui.cli import main; code = main(sys.argv[1:]); "
            "print(code, 'argparse' in sys.modules)",
            "--db",
            str(tmp_path / "p.db"),
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    # No terminal here: the app is refused, once its options are read.
    assert ran.stdout.split() == ["2", "False"], ran.stderr[-2000:]
    assert "needs a terminal" in ran.stderr


@pytest.mark.parametrize(
    "words", [["--ssh-user", "three"], ["--user", "-x"], ["--db"], ["--demo=yes"]]
)
def test_app_options_not_plainly_written_go_to_the_parser_which_says_what_is_wrong(
    words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from om_tui.cli import _app_options, main

    assert _app_options(words) is None
    with pytest.raises(SystemExit) as stopped:
        main(words)
    assert stopped.value.code == 2 and "error:" in capsys.readouterr().err
