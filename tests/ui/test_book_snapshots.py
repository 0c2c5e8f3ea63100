"""The day view as drawn, at 80x24 and at 120x36, against the text kept in
book_expected/ (after a deliberate change of the look: BOOK_SNAPSHOTS=update, then read
the diff before committing it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import Practice, local
from .helpers import screen_lines, settle
from .test_book import cursor_to, open_book

EXPECTED = Path(__file__).parent / "book_expected"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_day_view_as_drawn(office: Practice, size: tuple[int, int]) -> None:
    async with office.app().run_test(size=size) as pilot:
        await open_book(pilot)
        cursor_to(pilot, local(11, 0))  # Nora, with Dr. Park
        await settle(pilot)
        drawn = "\n".join(line.rstrip() for line in screen_lines(pilot)) + "\n"
    kept = EXPECTED / f"day-{size[0]}x{size[1]}.txt"
    if os.environ.get("BOOK_SNAPSHOTS") == "update":
        kept.write_text(drawn, encoding="utf-8")
    assert drawn == kept.read_text(encoding="utf-8")
