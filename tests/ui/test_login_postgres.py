"""The login on a PostgreSQL server, as the app's start opens it (`triggers_later`): the
triggers are checked and the change notices listened for once the login is drawn, and a
schema only its owner may put right ends the app before a PIN is taken.

On a throwaway server (tests/unit/postgres_server.py); skipped, saying so, where
PostgreSQL is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from db import Staff, close_database, open_database, store
from db.kinds import Role
from om_tui.app import make_app
from om_tui.practice.changes import ServerNotices
from om_tui.practice.people.staff import hash_secret
from tests.unit.postgres_server import PostgresServer, running_server
from tests.unit.test_postgres_roles import roles  # noqa: F401  (the owner's and a desk's URLs)

from .helpers import settle
from .test_login import PIN, listed

pytestmark = pytest.mark.backends("postgres")


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[PostgresServer]:
    yield from running_server()


def _set_up(owner_url: str) -> None:
    """The owner's practice: migrated, one person with a PIN."""
    owner = open_database(owner_url)
    Staff.create(name="Jo Desk", initials="JD", role=Role.FRONT_DESK, secret=hash_secret(PIN))
    close_database(owner)


async def test_the_login_listens_once_drawn_and_lists_someone_added_elsewhere(
    roles: tuple[str, str],  # noqa: F811
) -> None:
    owner_url, desk_url = roles
    _set_up(owner_url)
    desk = open_database(desk_url, triggers_later=True)
    app = make_app(desk, login=True)
    assert isinstance(app.watcher, ServerNotices)
    assert app.watcher._connection is None  # made without its second connection
    assert desk in store._TRIGGERS_UNCHECKED
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.watcher._connection is not None  # listening, once the login was drawn
            assert desk not in store._TRIGGERS_UNCHECKED  # and its triggers checked
            with psycopg.connect(owner_url) as elsewhere:
                elsewhere.execute(
                    "INSERT INTO staff (name, initials, role, provider, active, failed_logins)"
                    " VALUES ('Al New', 'AN', 'front_desk', false, true, 0)"
                )
            assert app.watcher.changed(wait=5.0)
            app.announce_change()
            await settle(pilot)
            assert [label.split("  ")[1].strip() for label in listed(pilot)] == [
                "Al New",
                "Jo Desk",
            ]
            assert app.refusal is None
    finally:
        close_database(desk)


async def test_a_schema_only_its_owner_may_put_right_ends_the_app_before_a_pin_is_taken(
    roles: tuple[str, str],  # noqa: F811
) -> None:
    owner_url, desk_url = roles
    _set_up(owner_url)
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute('DROP TRIGGER "audit_capture_patient" ON patient')
    desk = open_database(desk_url, triggers_later=True)  # opens: checked once drawn
    app = make_app(desk, login=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("1", *PIN, "enter")  # typed at once, as the login comes up
            await settle(pilot)  # a PIN's check, had one been taken, is done
        assert app.refusal is not None
        assert "only its owner's role may do that" in app.refusal
        assert app.return_code == 2
        assert app.user_id is None
        logins = desk.execute_sql("SELECT count(*) FROM audit WHERE action = 'login'")
        assert logins.fetchone() == (0,)
    finally:
        close_database(desk)
