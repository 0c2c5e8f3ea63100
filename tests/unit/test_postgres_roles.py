"""Who may do what on a PostgreSQL server: the owner's role runs the migrations and owns the
tables, the trail and its triggers; a terminal's role (a member of om_tui_app) reads and
changes the practice, and its changes are on the trail, but it cannot write the trail,
change or delete a row of it, or drop a trigger.

On the session's throwaway server (tests/unit/postgres_server.py).
"""

from __future__ import annotations

import datetime as dt
import secrets

import psycopg
import pytest

from db import Patient, StoreError, close_database, open_database
from db.store import check_triggers
from om_tui.practice.people import audit

from .postgres_server import PostgresServer

pytestmark = pytest.mark.backends("postgres")


def _url(server: PostgresServer, user: str, password: str, name: str) -> str:
    return f"postgresql://{user}:{password}@127.0.0.1:{server.port}/{name}"


@pytest.fixture
def roles(postgres_server: PostgresServer) -> tuple[str, str]:
    """(the owner's URL, a terminal's URL) to a new database the owner owns."""
    word = secrets.token_hex(8)
    tag = secrets.token_hex(3)
    owner, desk, name = f"owner_{tag}", f"desk_{tag}", f"practice_{tag}"
    postgres_server.admin(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'om_tui_app')"
        " THEN CREATE ROLE om_tui_app NOLOGIN; END IF; END $$"
    )
    postgres_server.admin(f"CREATE ROLE {owner} LOGIN PASSWORD '{word}'")
    postgres_server.admin(f"CREATE ROLE {desk} LOGIN PASSWORD '{word}' IN ROLE om_tui_app")
    postgres_server.admin(f"CREATE DATABASE {name} OWNER {owner}")
    return _url(postgres_server, owner, word, name), _url(postgres_server, desk, word, name)


def test_a_terminals_role_changes_the_practice_but_not_the_trail(roles: tuple[str, str]) -> None:
    owner_url, desk_url = roles
    close_database(open_database(owner_url))  # the owner migrates
    desk = open_database(desk_url)
    try:
        audit.set_terminal(desk, "front-1")
        patient = Patient.create(
            first_name="Ann", last_name="Ames", chart_number="1", created=dt.datetime(2026, 1, 5)
        )
        last = desk.execute_sql("SELECT terminal, subject FROM audit ORDER BY id DESC LIMIT 1")
        assert last.fetchone() == ("front-1", "patient")
        assert patient.id and audit.verify(desk).ok
    finally:
        close_database(desk)

    with psycopg.connect(desk_url, autocommit=True) as terminal:
        for statement in (
            "UPDATE audit SET entry = entry",
            "DELETE FROM audit",
            "TRUNCATE audit",
            "INSERT INTO audit (entry) VALUES ('{}')",
            'DROP TRIGGER "audit_capture_patient" ON patient',
            "DROP TRIGGER audit_no_change ON audit",
            "ALTER TABLE audit DISABLE TRIGGER audit_no_change",
            "DROP TABLE patient",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                terminal.execute(statement)
    reopened = open_database(owner_url)
    try:
        assert audit.verify(reopened).ok
    finally:
        close_database(reopened)


def test_triggers_left_for_later_are_checked_then_and_refused_to_a_terminals_role(
    roles: tuple[str, str],
) -> None:
    """The app opens a server practice with `triggers_later` (checked once its login is
    drawn): a capture trigger gone missing is then a refusal a terminal's role cannot get
    past, and put back by the owner's."""
    owner_url, desk_url = roles
    close_database(open_database(owner_url))
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute('DROP TRIGGER "audit_capture_patient" ON patient')
    desk = open_database(desk_url, triggers_later=True)  # not checked yet: opens
    try:
        with pytest.raises(StoreError, match="only its owner's role may do that"):
            check_triggers(desk)
    finally:
        close_database(desk)
    with pytest.raises(StoreError, match="only its owner's role may do that"):
        open_database(desk_url)  # checked at once, as every command does
    owner_db = open_database(owner_url, triggers_later=True)
    try:
        check_triggers(owner_db)
        found = owner_db.execute_sql(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_capture_patient'"
        )
        assert found.fetchone() == (1,)
    finally:
        close_database(owner_db)
