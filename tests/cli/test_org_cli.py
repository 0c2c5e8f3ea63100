"""`om-tui org`: the org board as Markdown, or as HTML to print on A4 landscape."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from db import MODELS, open_database
from db.models import HatHolder, Post, Role, Staff
from om_tui.cli import main
from om_tui.practice.org.access import ADMINISTRATOR
from om_tui.practice.org.structure import Structure


def a_practice(path: Path) -> None:
    database = open_database(path)
    database.bind(MODELS)
    structure = Structure(database, ADMINISTRATOR)
    structure.lay_out_default()
    karen = Staff.create(name="Karen <Miles>", initials="KM", role=Role.OFFICE_MANAGER)
    manager = Post.get(Post.title == "Office Manager")
    HatHolder.create(post=manager.id, staff=karen.id, since="2026-01-01")
    database.close()


def test_markdown_lists_each_post_with_its_holder_or_vacant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.db"
    a_practice(target)
    assert main(["--db", str(target), "org"]) == 0
    text = capsys.readouterr().out
    assert "## [·] Executive" in text
    assert "- [·] **Office Manager**: Karen <Miles>" in text
    assert "- [·] **Receptionist**: VACANT (covered by Office Manager (Karen <Miles>))" in text


def test_html_prints_landscape_escaped_and_private(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.db"
    a_practice(target)
    out = tmp_path / "org.html"
    assert main(["--db", str(target), "org", "--format", "html", "--output", str(out)]) == 0
    page = out.read_text()
    assert "size: A4 landscape" in page
    assert "Karen &lt;Miles&gt;" in page and "<Miles>" not in page
    assert page.count('class="division"') == 3
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "written to" in capsys.readouterr().out


def test_an_unwritable_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "p.db"
    a_practice(target)
    assert main(["--db", str(target), "org", "-o", str(tmp_path / "no" / "such.html")]) == 2
    assert capsys.readouterr().err.startswith("om-tui: cannot write")


def test_one_candidates_data_is_deleted_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from db.models import Candidate
    from om_tui.practice import settings
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.org.hiring import Hiring

    target = tmp_path / "p.db"
    a_practice(target)
    database = open_database(target)
    database.bind(MODELS)
    hiring = Hiring(database, SystemClock(), settings.load(database), ADMINISTRATOR)
    opening = hiring.open_post(Post.get(Post.title == "Receptionist").id)
    rosa = hiring.add_candidate(opening, "Rosa Diaz", "555-0100")
    database.close()
    assert main(["--db", str(target), "hiring", "forget", str(rosa)]) == 0
    assert "their data is deleted" in capsys.readouterr().out
    database = open_database(target)
    database.bind(MODELS)
    assert Candidate.get_or_none(Candidate.id == rosa) is None
    database.close()
    assert main(["--db", str(target), "hiring", "forget", str(rosa)]) == 2
    assert capsys.readouterr().err == f"om-tui: There is no candidate {rosa}.\n"
    assert main(["--db", str(target), "hiring", "keep-days", "0"]) == 2
    assert main(["--db", str(target), "hiring", "keep-days", "90"]) == 0
    assert "kept 90 days" in capsys.readouterr().out


def test_the_practices_own_leaving_items_are_set_in_order(
    practice_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = practice_file
    assert main(["--db", target, "offboarding", "items"]) == 0
    assert capsys.readouterr().out.startswith("1. Keys and cards returned\n")
    assert main(["--db", target, "offboarding", "items", "Keys returned", " Email  closed "]) == 0
    assert capsys.readouterr().out == "1. Keys returned\n2. Email closed\n"
    assert main(["--db", target, "offboarding", "items", "x" * 81]) == 2
    assert "at most 80" in capsys.readouterr().err
