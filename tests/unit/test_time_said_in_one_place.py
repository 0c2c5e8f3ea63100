"""Days and times are said in one place: time_words.

A screen, a widget or the command line that formats a date itself (strftime, an f-string's
"%a %d %b") drifts from the others: "Fri 06 Nov" on one screen, "Fri 6 Nov" on the next.
So none of them does; they call time_words, which says each meaning one way.

The practice layer is not held to this rule: it also writes dates that no person reads as
words (file names, CSV and iCalendar fields, stored "HH:MM" settings, SQL bounds).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "om_tui"
SAYING = sorted(
    [
        *(ROOT / "screens").rglob("*.py"),
        *(ROOT / "widgets").rglob("*.py"),
        *ROOT.glob("cli*.py"),
        ROOT / "app.py",
    ]
)

DIRECTIVE = re.compile(r"%-?[a-zA-Z]")
"""A strftime directive (%a, %H, %-d); a share's ".0%" is not one."""


def _formats_a_date(tree: ast.AST) -> list[int]:
    """Lines that call strftime or give an f-string value a %-format (a date's)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "strftime":
                lines.append(node.lineno)
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            if DIRECTIVE.search(ast.unparse(node.format_spec)):
                lines.append(node.lineno)
    return sorted(lines)


def test_the_rule_sees_what_it_forbids() -> None:
    caught = ast.parse('x = f"{day:%a %d %b}"\ny = day.strftime("%H:%M")\nz = f"{n:.0%}"')
    assert _formats_a_date(caught) == [1, 2]


@pytest.mark.parametrize("path", SAYING, ids=lambda p: str(p.relative_to(ROOT)))
def test_screens_and_the_cli_leave_dates_to_time_words(path: Path) -> None:
    found = _formats_a_date(ast.parse(path.read_text(encoding="utf-8")))
    assert not found, f"{path.name} formats a date itself on lines {found}: use time_words"


def test_the_rule_reads_every_screen() -> None:
    assert len(SAYING) > 40 and any(p.name == "board.py" for p in SAYING)
