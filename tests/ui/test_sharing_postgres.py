"""Several terminals on a PostgreSQL server: another terminal's check-in reaches this board
by the server's notice (LISTEN/NOTIFY), and two terminals moving one visit record one move.

The office is the UI tests' own (`build_office`), on a database of a throwaway server
(tests/unit/postgres_server.py); skipped, saying so, where PostgreSQL is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from threading import Thread

import pytest

from tests.unit.postgres_server import PostgresServer, running_server

from .conftest import Practice, build_office
from .helpers import settle, stage

# The race of two terminals on one visit, as on SQLite, here on the server's office.
from .test_sharing import test_two_terminals_racing_on_one_visit_record_one_move  # noqa: F401

# isort: split
from .test_sharing import check_in_on_its_own_connection


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

        # Another terminal checks Nora in, on its own connection in a thread, while this
        # app's loop waits for it: its poll does not run meanwhile, or it could take the
        # notice first (and the wait below hear nothing).
        elsewhere = Thread(target=check_in_on_its_own_connection, args=(office, "nora"))
        elsewhere.start()
        elsewhere.join()
        assert app.watcher.changed(wait=5.0)  # the server's notice, on this terminal's own
        app.announce_change()  # what the poll does on hearing it
        await settle(pilot)
        assert stage(pilot, key) == "Arrived"
