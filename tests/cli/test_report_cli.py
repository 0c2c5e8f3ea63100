"""`om-tui report week`: to standard output or a private file; clear one-line refusals.

A small practice in New York with a stat, a visit, an order and a line item in the stats
week ending Thursday 20 November 2025 — long past, so the command's real clock and the
test's frozen one read the same report.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from db import open_database
from db.models import (
    LineItem,
    LineKind,
    LineStatus,
    Order,
    OrderStatus,
    Post,
    Role,
    Staff,
    StatValue,
    utc_naive,
)
from om_tui.cli import main
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.owner.report.contents import NOTHING
from om_tui.practice.owner.report.gathering import gather
from om_tui.practice.owner.report.writing import render, with_trail_head
from om_tui.practice.people import anchors
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.stats.service import Stats

ZONE = ZoneInfo("America/New_York")
WEEK = "2025-11-20"
A_DAY_OF_IT = "2025-11-17"


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2025, 11, day, hour, tzinfo=ZONE)


@pytest.fixture
def practice(tmp_path: Path, new_practice_file: Callable[[Path], Path]) -> Path:
    path = new_practice_file(tmp_path / "practice.db")
    database = open_database(path)
    settings.set_timezone(database, "America/New_York", by=ADMINISTRATOR)
    settings.put(database, settings.NAME, "Birch Dental")
    manager = Staff.create(name="Meg Manager", initials="MM", role=Role.OFFICE_MANAGER).id
    desk = Staff.create(name="Dee Desk", initials="DD", role=Role.FRONT_DESK).id
    clock = FrozenClock(at(1, 9))
    stats = Stats(database, clock, settings.load(database), ADMINISTRATOR)
    post = Post.create(title="Front desk", position=1).id
    calls = stats.define(short_name="calls", name="Recall calls", post=post)
    for weeks_back, value in enumerate((40.0, 35.0, 52.0)):
        week = dt.date(2025, 11, 20) - dt.timedelta(weeks=weeks_back)
        StatValue.create(
            stat=calls.id, period="week", day=week, value=value, at=utc_naive(at(1, 9))
        )
    Order.create(
        issued_by=manager,
        to_staff=desk,
        text="Restock the brochures",
        due_on=dt.date(2025, 11, 18),
        created=utc_naive(at(10, 9)),
        status=OrderStatus.REPORTED,
        reported_at=utc_naive(at(17, 15)),
        reported_by=desk,
    )
    LineItem.create(
        sender=desk,
        kind=LineKind.QUESTION,
        text="May I leave early on Friday?",
        created=utc_naive(at(17, 8)),
        status=LineStatus.HANDLED,
        answer_note="Yes.",
        answered_by=manager,
        answered_at=utc_naive(at(18, 10)),
    )
    database.close()
    return path


def expected(path: Path, form: str, day: dt.date = dt.date(2025, 11, 17)) -> str:
    """The report as the library renders it, with a frozen clock after the week, and at its
    foot the trail's head the command wrote it with (the last line of the anchor log)."""
    database = open_database(path)
    try:
        clock = FrozenClock(at(24, 10))
        text = render(gather(database, clock, settings.load(database), day), form)
    finally:
        database.close()
    head = anchors.read(path.with_name(path.name + ".anchors"), "log")[-1]
    return with_trail_head(text, form, head)


def test_the_week_goes_to_standard_output(
    practice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(practice), "report", "week", "--week", A_DAY_OF_IT]) == 0
    out = capsys.readouterr()
    assert out.out == expected(practice, "md")
    assert "Recall calls" in out.out and "Restock the brochures" in out.out
    assert out.err == ""


@pytest.mark.parametrize("form", ["html", "csv", "md"])
def test_the_week_goes_to_a_private_file(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / f"week.{form}"
    args = ["--db", str(practice), "report", "week", "--week", WEEK, "--format", form]
    assert main([*args, "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == expected(practice, form)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == [target.name]  # nothing half-written beside it
    out = capsys.readouterr().out
    assert out == f"Weekly report for the week ending Thu 20 Nov 2025 written to {target}.\n"


def test_a_folder_that_does_not_exist_is_one_line_and_nothing_written(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nowhere" / "week.md"
    assert main(["--db", str(practice), "report", "week", "--week", WEEK, "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"om-tui: Cannot write the report to {target}: the folder {target.parent} does not exist.\n"
    )
    assert not target.parent.exists()


def test_a_folder_given_as_the_file_is_refused(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(practice), "report", "week", "-o", str(tmp_path)]) == 2
    assert "is a folder: give the report a file name" in capsys.readouterr().err


def test_a_path_that_is_not_a_file_is_refused_and_left_as_it_was(
    practice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Given /dev/full (as root), the rename put the report in the device's place."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    assert main(["--db", str(practice), "report", "week", "-o", str(pipe)]) == 2
    assert "is not a file: give the report a file name" in capsys.readouterr().err
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_week_not_begun_is_refused(practice: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(practice), "report", "week", "--week", "2999-01-01"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("om-tui: The week ending ") and "has not begun yet" in err
    assert len(err.strip().splitlines()) == 1


def test_a_week_with_no_data_is_a_plain_report(
    practice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--db", str(practice), "report", "week", "--week", "2024-06-05", "--format", "html"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out == expected(practice, "html", dt.date(2024, 6, 5))
    assert NOTHING in out


@pytest.mark.parametrize(
    ("now", "week"),
    [
        (at(20, 13), "2025-11-13"),  # Thursday before the 14:00 cutoff: last week's
        (at(20, 15), "2025-11-20"),  # after it: the week that just ended
        (at(24, 9), "2025-11-20"),  # the Monday after
    ],
)
def test_by_default_the_last_week_that_ended(
    practice: Path,
    now: dt.datetime,
    week: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The command reads the system clock; here it reads a frozen one instead.
    monkeypatch.setattr("om_tui.practice.clock.SystemClock", lambda: FrozenClock(now))
    assert main(["--db", str(practice), "report", "week", "--format", "csv"]) == 0
    assert f"week_ending,{week}\n" in capsys.readouterr().out


def test_a_week_that_is_not_a_date_is_refused_by_the_parser(
    practice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(practice), "report", "week", "--week", "next thursday"])
    assert stopped.value.code == 2
    assert "Which day? Type it like today, fri" in capsys.readouterr().err


def test_no_traceback_for_a_path_under_a_file(practice: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = subprocess.run(
        [sys.executable, "-m", "om_tui", "--db", str(practice), "report", "week"]
        + ["--week", WEEK, "-o", str(blocker / "week.md")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("om-tui: Cannot write the report to ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
