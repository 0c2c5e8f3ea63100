"""`om-tui schedule import|map`: a report on stdout, a refused file in one line per
problem on stderr with nothing written, a mapping checked before it is saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db import MODELS, open_database
from db.models import Appointment, Patient
from om_tui.cli import main

FILES = Path(__file__).parents[1] / "unit" / "import_files"


@pytest.fixture(autouse=True)
def _a_practice(practice_file: str) -> None:
    """Every test's tmp_path/p.db is a practice made by its first run (commands make none)."""


def appointments(target: Path, source: str) -> int:
    database = open_database(target)
    database.bind(MODELS)
    try:
        return Appointment.select().where(Appointment.source == source).count()
    finally:
        database.close()


def test_import_dry_run_then_for_real_then_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.db"
    csv = str(FILES / "ehr_export.csv")
    assert (
        main(["--db", str(target), "schedule", "import", csv, "--source", "ehr", "--dry-run"]) == 0
    )
    said = capsys.readouterr().out
    assert said.startswith("ehr_export.csv (ehr): 3 would be added")
    assert "Not in om-tui: provider 'Dr. Rivera' (lines 2, 3)" in said
    assert "Maria" not in said and "Lopez" not in said
    assert appointments(target, "ehr") == 0
    assert main(["--db", str(target), "schedule", "import", csv, "--source", "ehr"]) == 0
    assert capsys.readouterr().out.startswith("ehr_export.csv (ehr): 3 added")
    assert appointments(target, "ehr") == 3
    assert main(["--db", str(target), "schedule", "import", csv, "--source", "ehr"]) == 0
    assert "0 added, 0 changed, 0 cancelled, 0 no-shows, 3 unchanged" in capsys.readouterr().out


def test_a_refused_file_says_why_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.db"
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Time,Patient,Length\n12/15/2026,9:30,Ann Able,30\n2/30/2026,9:30,B C,30\n")
    assert main(["--db", str(target), "schedule", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "om-tui: bad.csv: 1 line cannot be imported, so nothing was (correct them, or import "
        "the rest with --skip-bad).",
        "  line 3: the date '2/30/2026' is not a day (e.g. 12/15/2026 or 2026-12-15)",
    ]
    assert appointments(target, "csv") == 0
    assert main(["--db", str(target), "schedule", "import", str(bad), "--skip-bad"]) == 0
    assert appointments(target, "csv") == 1


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "om-tui: The file is empty.\n"),
        (b"\x00\x01\x02binary", "om-tui: The file is binary, not text: is it the right file?\n"),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            "om-tui: The calendar has no events.\n",
        ),
    ],
)
def test_bad_files_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, said: str
) -> None:
    path = tmp_path / "in.dat"
    path.write_bytes(content)
    assert main(["--db", str(tmp_path / "p.db"), "schedule", "import", str(path)]) == 2
    assert capsys.readouterr().err == said


def test_a_mapping_is_checked_saved_and_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = str(tmp_path / "p.db")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text("[columns]\nwhen = 'Day'\n")
    assert main(["--db", target, "schedule", "map", "ehr", str(wrong)]) == 2
    assert "names a field 'when'" in capsys.readouterr().err
    right = tmp_path / "right.toml"
    right.write_text("[providers]\n'Dr. Rivera' = 'Dr. Ana Rivera'\n")
    assert main(["--db", target, "schedule", "map", "ehr", str(right)]) == 0
    assert main(["--db", target, "schedule", "map", "ehr"]) == 0
    out = capsys.readouterr().out
    assert out.count("provider 'Dr. Rivera' is 'Dr. Ana Rivera'") == 2


def test_a_file_too_big_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The practice's limit (64 MB unless set) set to 1 MB here, so the test writes 1.5 MB,
    not the 100 MB a PMS could export."""
    target = tmp_path / "p.db"
    assert main(["--db", str(target), "schedule", "largest", "1"]) == 0
    assert capsys.readouterr().out == "Files over 1 MB are refused before they are read.\n"
    big = tmp_path / "big.csv"
    line = "1,12/15/2026,9:30 AM,30,Ann Able\n"
    big.write_text("Appointment ID,Date,Time,Length,Patient\n" + line * (1536 * 1024 // len(line)))
    assert main(["--db", str(target), "schedule", "import", str(big)]) == 2
    assert capsys.readouterr().err == (
        "om-tui: The file is 1.5 MB; the most read at once is 1 MB (export fewer days).\n"
    )
    assert appointments(target, "csv") == 0


def test_a_person_links_a_sources_number_and_the_next_import_finds_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.db"
    first = tmp_path / "first.csv"
    first.write_text("Date,Time,Length,Patient,Chart\n12/15/2026,9:30,30,Ann Able,A-1\n")
    assert main(["--db", str(target), "schedule", "import", str(first), "--source", "ehr"]) == 0
    database = open_database(target)
    database.bind(MODELS)
    twin = Patient.create(
        first_name="Ann", last_name="Able", chart_number="900", created=dt.datetime(2026, 1, 1)
    )
    database.close()
    held = tmp_path / "held.csv"  # A-2 is Ann Able too: two Anns, no birth date to tell
    held.write_text("Date,Time,Length,Patient,Chart\n12/17/2026,9:30,30,Ann Able,A-2\n")
    assert main(["--db", str(target), "schedule", "import", str(held), "--source", "ehr"]) == 0
    capsys.readouterr()
    assert main(["--db", str(target), "schedule", "link", "ehr", "A-2", "900"]) == 0
    assert capsys.readouterr().out == (
        "ehr's number A-2 is now chart 900.\n1 appointment from ehr now Ann Able's (linked).\n"
    )
    assert main(["--db", str(target), "schedule", "link", "ehr", "A-2", "nope"]) == 2
    assert capsys.readouterr().err == "om-tui: No patient has chart number nope.\n"
    second = tmp_path / "second.csv"
    second.write_text("Date,Time,Length,Patient,Chart\n12/16/2026,9:30,30,Ann Able,A-2\n")
    assert main(["--db", str(target), "schedule", "import", str(second), "--source", "ehr"]) == 0
    assert "0 new patients" in capsys.readouterr().out
    database = open_database(target)
    database.bind(MODELS)
    try:
        booked = Appointment.select().where(Appointment.external_id.startswith("A-2"))
        assert [a.patient_id for a in booked] == [twin.id, twin.id]
    finally:
        database.close()
