"""A terminal's session on PostgreSQL when things go wrong: the server drops the connection
(the next operation connects again, and nothing half-done is kept), and what the command
line says, in one line, of a wrong URL, a server that is not there, a wrong password and
another application's database.

On the session's throwaway server (tests/unit/postgres_server.py).
"""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from peewee import Database, OperationalError

from db import Patient, problem
from db.store import retryable
from om_tui.cli import main
from om_tui.practice.people import audit

from .postgres_server import PostgresServer

pytestmark = pytest.mark.backends("postgres")


def _cut_off(database: Database, postgres_server: PostgresServer) -> None:
    """What a server restart does to this terminal's connection."""
    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    postgres_server.admin(f"SELECT pg_terminate_backend({pid})")


def test_after_the_server_drops_the_connection_the_next_operation_connects_again(
    database: Database, postgres_server: PostgresServer
) -> None:
    _cut_off(database, postgres_server)
    assert Patient.select().count() == 0  # a read: asked again on a new connection
    _cut_off(database, postgres_server)
    with database.atomic():  # a write: its transaction begins on a new connection
        Patient.create(
            first_name="A", last_name="B", chart_number="1", created=dt.datetime(2026, 1, 5)
        )
    assert Patient.select().count() == 1
    assert audit.verify(database).ok


def test_a_connection_lost_inside_an_operation_keeps_nothing_and_says_so(
    database: Database, postgres_server: PostgresServer
) -> None:
    with pytest.raises(OperationalError) as lost, database.atomic():
        Patient.create(
            first_name="A", last_name="B", chart_number="1", created=dt.datetime(2026, 1, 5)
        )
        _cut_off_from_inside(database, postgres_server)
        Patient.create(
            first_name="C", last_name="D", chart_number="2", created=dt.datetime(2026, 1, 5)
        )
    assert retryable(lost.value)
    said = problem(lost.value, "the database")
    assert said.startswith("The database server cannot be reached") and "\n" not in said
    assert Patient.select().count() == 0  # the first row went with its transaction


def _cut_off_from_inside(database: Database, postgres_server: PostgresServer) -> None:
    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(postgres_server.url("postgres"), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("mysql://om@127.0.0.1/practice", "opens a file or a postgresql:// URL, not mysql://"),
        ("postgresql://om:Pw-123@127.0.0.1:1/practice", "Cannot open the database at"),
    ],
)
def test_a_wrong_url_or_a_server_not_there_is_one_line(
    url: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", url, "settings", "name", "Lakeview"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert said in line and "Pw-123" not in line


def test_a_wrong_password_and_another_applications_database_are_one_line_each(
    postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = postgres_server.url("postgres", password="Wrong-Pw-9")
    assert main(["--db", wrong, "settings", "name", "Lakeview"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "password authentication failed" in line and "Wrong-Pw-9" not in line

    other = postgres_server.empty_database()
    with psycopg.connect(other, autocommit=True) as connection:
        connection.execute("CREATE TABLE invoices (id serial PRIMARY KEY)")
    assert main(["--db", other, "settings", "name", "Lakeview"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "another application's tables" in line
