"""`om-tui audit verify`: one clear line, exit 0 when the trail holds, 1 when a row was altered;
and what the command line changes is in the trail, from a "cli:" terminal, by no one."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db import audit as store
from db import open_database
from om_tui.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "om_tui", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_an_intact_trail_exits_0_with_one_line(practice_file: str) -> None:
    target = practice_file
    assert main(["--db", target, "settings", "name", "Lakeview"]) == 0
    result = run_cli("--db", target, "audit", "verify")
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.strip().splitlines()
    assert line.startswith("The audit trail is intact: ")
    assert result.stderr == ""


def test_the_command_line_is_audited_as_no_one_from_its_terminal(
    practice_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = Path(practice_file)
    assert main(["--db", str(target), "settings", "late-after", "7"]) == 0
    capsys.readouterr()
    database = open_database(target)
    try:
        found = database.execute_sql(
            "SELECT entry FROM audit WHERE subject = 'setting' ORDER BY id DESC LIMIT 1"
        )
        entry = json.loads(found.fetchone()[0])
    finally:
        database.close()
    assert (entry["action"], entry["row"], entry["after"]["value"]) == (
        "create",
        "flow.late_after_minutes",
        "7",
    )
    assert entry["staff"] is None
    assert entry["terminal"].startswith("cli:")


def test_a_tampered_trail_exits_1_naming_the_row(practice_file: str) -> None:
    target = Path(practice_file)
    assert main(["--db", str(target), "settings", "name", "Lakeview"]) == 0
    with sqlite3.connect(target) as raw:
        row_id, text = raw.execute(
            "SELECT id, entry FROM audit WHERE subject = 'setting' ORDER BY id LIMIT 1"
        ).fetchone()
        raw.execute("DROP TRIGGER audit_no_update")
        changed = json.loads(text)
        changed["after"]["value"] = "Someone Else's Practice"
        raw.execute("UPDATE audit SET entry = ? WHERE id = ?", (json.dumps(changed), row_id))
        raw.execute(store.GUARDS["audit_no_update"])
    raw.close()

    result = run_cli("--db", str(target), "audit", "verify")
    assert result.returncode == 1
    [line] = result.stdout.strip().splitlines()
    assert line.startswith("The audit trail has been tampered with. ")
    assert f"Row #{row_id} " in line and "changed after it was written" in line
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("form", ["md", "csv"])
def test_a_cut_is_seen_against_a_reports_foot_when_the_anchor_log_is_gone(
    tmp_path: Path, practice_file: str, form: str
) -> None:
    target = Path(practice_file)
    for name in ("Lakeview", "Lakeside", "Lakefront"):
        assert main(["--db", str(target), "settings", "name", name]) == 0
    report = tmp_path / f"week.{form}"
    assert main(["--db", str(target), "report", "week", "--format", form, "-o", str(report)]) == 0
    assert run_cli("--db", str(target), "audit", "verify", "--deep").returncode == 0
    with sqlite3.connect(target) as raw:  # the local administrator's cut
        raw.execute("DROP TRIGGER audit_no_delete")
        last = raw.execute("SELECT max(id) FROM audit").fetchone()[0]
        raw.execute("DELETE FROM audit WHERE id > ?", (last - 3,))
        raw.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'", (last - 3,))
        raw.execute(store.GUARDS["audit_no_delete"])
    raw.close()
    target.with_name("p.db.anchors").unlink()  # and the anchor log beside it

    plain = run_cli("--db", str(target), "audit", "verify")
    assert plain.returncode == 0  # nothing on the machine to hold it against any more
    held = run_cli("--db", str(target), "audit", "verify", "--anchor", str(report))
    assert held.returncode == 1
    lines = held.stdout.splitlines()
    assert lines[0] == "The audit trail has been tampered with."
    assert lines[1].startswith("The trail was cut: it has ")
    assert f"in {report.name} recorded" in lines[1]


@pytest.mark.parametrize("anchor", ["12", "5:xyz", "5:abc"])
def test_an_anchor_that_is_not_one_is_one_line_and_exit_2(practice_file: str, anchor: str) -> None:
    target = Path(practice_file)
    assert main(["--db", str(target), "settings", "name", "Lakeview"]) == 0
    result = run_cli("--db", str(target), "audit", "verify", "--anchor", anchor)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("om-tui: ")
