"""Several terminals, several screens: a change elsewhere is read again only by the screens
that show what it changed (their SHOWS), and a burst of changes is one re-read."""

from __future__ import annotations

import pytest

from om_tui.practice import settings
from om_tui.practice.hats.service import Hats
from om_tui.practice.owner.line.service import Line
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule.book import Book
from om_tui.practice.stats.service import Stats

from .conftest import Practice
from .helpers import counting_reads, done_elsewhere, settle

# A main screen (its key) and its one read on a change.
STAT_BOARD = ("2", Stats, "board")
LINE = ("8", Line, "for_owner")
BOOK = ("9", Book, "day")


def write_a_policy(practice: Practice) -> None:
    """A hats change: a new policy (no post, no stat, no booking)."""
    hats = Hats(practice.database, practice.clock, settings.load(practice.database), ADMINISTRATOR)
    hats.write_policy("Phones", "Answered by the third ring.")


def check_in(practice: Practice, who: str) -> None:
    practice.flow().check_in(practice.patients[who], practice.appointments[who])


@pytest.mark.parametrize(
    ("screen", "reads_a_check_in"),
    [(STAT_BOARD, True), (BOOK, True), (LINE, False)],
    ids=["stat board", "book", "line"],
)
async def test_a_screen_reads_again_only_what_it_shows(
    office: Practice,
    monkeypatch: pytest.MonkeyPatch,
    screen: tuple[str, type, str],
    reads_a_check_in: bool,
) -> None:
    """A policy written elsewhere is on none of these screens: none reads again. A check-in
    is on the book and counted into the stats (not on the line): those read it, once."""
    key, owner, read = screen
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await settle(pilot)
        reads = counting_reads(monkeypatch, owner, read)
        done_elsewhere(office, lambda: write_a_policy(office))
        app.check_for_changes()
        await settle(pilot)
        assert reads == []

        done_elsewhere(office, lambda: check_in(office, "nora"))
        app.check_for_changes()
        await settle(pilot)
        assert len(reads) == (1 if reads_a_check_in else 0)


@pytest.mark.parametrize("screen", [STAT_BOARD, BOOK], ids=["stat board", "book"])
async def test_a_burst_of_changes_is_one_read(
    office: Practice, monkeypatch: pytest.MonkeyPatch, screen: tuple[str, type, str]
) -> None:
    """Two check-ins and a policy, each committed elsewhere and seen by a poll before the
    screen's turn: it reads once."""
    key, owner, read = screen
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await settle(pilot)
        reads = counting_reads(monkeypatch, owner, read)
        for who in ("nora", "maria"):
            done_elsewhere(office, lambda who=who: check_in(office, who))  # type: ignore[misc]
            app.check_for_changes()
        done_elsewhere(office, lambda: write_a_policy(office))
        app.check_for_changes()
        await settle(pilot)
        assert len(reads) == 1
