"""Several terminals on a PostgreSQL server: another terminal's check-in reaches this board
by the server's notice (LISTEN/NOTIFY), a screen reads again only the changes to what it
shows (each notice names its table), and two terminals moving one visit record one move.

The office is the UI tests' own (`build_office`), on a database of a throwaway server
(tests/unit/postgres_server.py); skipped, saying so, where PostgreSQL is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from om_tui.practice.schedule.book import Book
from tests.unit.postgres_server import PostgresServer, running_server

from .conftest import Practice, build_office
from .helpers import counting_reads, done_elsewhere, settle, stage

# The race of two terminals on one visit, as on SQLite, here on the server's office.
from .test_sharing import test_two_terminals_racing_on_one_visit_record_one_move  # noqa: F401
from .test_sharing_screens import check_in, write_a_policy


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[PostgresServer]:
    yield from running_server()


@pytest.fixture
def office(postgres_server: PostgresServer) -> Iterator[Practice]:
    """The hand-made practice at ten in the morning, on the server."""
    url = postgres_server.fresh_database()
    practice = build_office(url)  # type: ignore[arg-type]  # a URL opens as a path does
    yield practice
    practice.database.close()
    postgres_server.drop(url)


async def test_a_check_in_on_another_terminal_reaches_this_board_by_notice(
    office: Practice,
) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        key = office.row_key("nora")
        assert stage(pilot, key) == "Scheduled"

        # Waited for without a turn of the app's loop: its poll cannot hear the notice first.
        done_elsewhere(office, lambda: check_in(office, "nora"))
        assert app.watcher.changed(wait=5.0)  # the server's notice, on this terminal's own
        app.announce_change()  # what the poll does on hearing it
        await settle(pilot)
        assert stage(pilot, key) == "Arrived"


async def test_the_book_reads_again_a_check_in_elsewhere_not_a_policy(
    office: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("9")
        await settle(pilot)
        reads = counting_reads(monkeypatch, Book, "day")
        done_elsewhere(office, lambda: write_a_policy(office))
        assert app.watcher.changed(wait=5.0)  # the policy's notices
        app.announce_change()
        await settle(pilot)
        assert reads == []

        done_elsewhere(office, lambda: check_in(office, "nora"))
        assert app.watcher.changed(wait=5.0)
        app.announce_change()
        await settle(pilot)
        assert len(reads) == 1
