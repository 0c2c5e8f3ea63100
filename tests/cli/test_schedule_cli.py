"""`om-tui schedule …`: the manager sets types, hours and blockouts from the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from db import open_database
from db.models import Blockout, Role, Staff, WorkingHours
from om_tui.cli import main


def test_types_hours_and_a_holiday_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], new_practice_file: Callable[[Path], Path]
) -> None:
    path = new_practice_file(tmp_path / "practice.db")
    database = open_database(path)
    Staff.create(name="Dr. Sarah Chen", initials="SC", role=Role.OWNER, provider=True)
    database.close()
    db = ["--db", str(path), "schedule"]
    assert main([*db, "types", "add", "Massage", "60", "M"]) == 0
    assert "M  Massage                    60 min" in capsys.readouterr().out
    assert main([*db, "types", "set", "m", "--name", "Massage 60", "--colour", "cyan"]) == 0
    assert "M  Massage 60                 60 min  cyan" in capsys.readouterr().out
    assert main([*db, "hours", "set", "chen", "mon-thu", "9-12 13-17"]) == 0
    out = capsys.readouterr().out
    assert "Dr. Sarah Chen           Mon-Thu 09:00-12:00 13:00-17:00; Fri-Sun off" in out
    assert main([*db, "blockout", "add", "practice", "2026-12-25", "--reason", "Christmas"]) == 0
    assert "Whole practice       Fri 25 Dec 2026 00:00 – Sat 26 Dec 2026 00:00  Christmas" in (
        capsys.readouterr().out
    )
    assert main([*db, "blockout", "add", "chen", "1 feb 2036 1pm", "1 feb 2036 17:00"]) == 0
    assert "Dr. Sarah Chen       Fri 1 Feb 2036 13:00 – Fri 1 Feb 2036 17:00" in (
        capsys.readouterr().out
    )
    database = open_database(path)
    assert WorkingHours.select().count() == 8  # four days, two stretches
    assert Blockout.select().count() == 2
    database.close()


@pytest.mark.parametrize(
    "args, said",
    [
        (["hours", "set", "nobody", "mon", "9-17"], "No provider named 'nobody'"),
        (["hours", "set", "practice", "mon", "17-9"], "the end comes after the start"),
        (["blockout", "add", "practice", "2026-02-31"], "There is no 2026-02-31"),
        (["blockout", "add", "practice", "christmas"], "Which day? Type it like today"),
        (["slot", "7"], "5, 10, 15, 20, 30, 60"),
        (["types", "add", "Long", "1440", "L"], "less than 24 hours"),
        (["types", "set", "regular", "--colour", "pink"], "colour is one of"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    practice_file: str, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    assert main(["--db", practice_file, "schedule", *args]) == 2
    error = capsys.readouterr().err
    assert said in error and len(error.strip().splitlines()) == 1


def test_the_practices_own_states_and_reasons(
    practice_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", practice_file, "schedule"]
    assert main([*db, "states", "add", "Texted", "t"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "t  Texted"
    assert main([*db, "reasons", "add", "Car  trouble"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Car trouble"
    assert main([*db, "states", "add", "Texted", "x"]) == 2
    assert "already" in capsys.readouterr().err
