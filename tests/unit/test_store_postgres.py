"""db.open_database on a PostgreSQL server: migrations, types, refusals, change notices.

On the session's throwaway server (tests/conftest.py); skipped, saying why, where
PostgreSQL is not installed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import Database, IntegrityError

from db import MODELS, Patient, Staff, StoreError, Visit, open_database
from db.postgres import PracticeServer
from db.store import MIGRATION_TABLE, MIGRATIONS
from om_tui.practice.changes import ServerNotices, watcher_for

from .postgres_server import PostgresServer

pytestmark = pytest.mark.backends("postgres")

_NOON = dt.datetime(2026, 1, 5, 12, 0)


def test_every_migration_runs_and_is_recorded(postgres_server: PostgresServer) -> None:
    database = open_database(postgres_server.empty_database())
    try:
        recorded = [name for (name,) in database.execute_sql(f"SELECT name FROM {MIGRATION_TABLE}")]
        assert sorted(recorded) == sorted(p.stem for p in MIGRATIONS.glob("[0-9]*.py"))
        assert {m._meta.table_name for m in MODELS} <= set(database.get_tables())
    finally:
        database.close()


def test_times_and_yes_no_have_the_servers_own_types(database: Database) -> None:
    columns = {c.name: c.data_type for c in database.get_columns("visit_event")}
    assert columns["at"] == "timestamp without time zone"
    staff = {c.name: c.data_type for c in database.get_columns("staff")}
    assert staff["provider"] == "boolean"
    assert staff["active"] == "boolean"


def test_foreign_keys_and_unique_constraints_hold(database: Database) -> None:
    with pytest.raises(IntegrityError):
        Visit.create(patient=999, date=dt.date(2026, 1, 1), stage="arrived")
    database.rollback()
    Patient.create(first_name="A", last_name="B", chart_number="1", created=_NOON)
    with pytest.raises(IntegrityError):
        Patient.create(first_name="C", last_name="D", chart_number="1", created=_NOON)


def test_reopening_keeps_data_and_does_not_migrate_again(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.fresh_database()
    first = open_database(url)
    Staff.create(name="Dr. Kept", initials="DK", role="owner", provider=True)
    applied = first.execute_sql(f"SELECT name, applied FROM {MIGRATION_TABLE} ORDER BY name")
    before = applied.fetchall()
    first.close()
    again = open_database(url)
    try:
        assert [s.name for s in Staff.select()] == ["Dr. Kept"]
        after = again.execute_sql(f"SELECT name, applied FROM {MIGRATION_TABLE} ORDER BY name")
        assert after.fetchall() == before
    finally:
        again.close()


def test_a_database_of_another_application_is_refused_and_left_alone(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.empty_database()
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE invoices (id serial PRIMARY KEY)")
    with pytest.raises(StoreError, match="another application's tables"):
        open_database(url)
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    assert tables == [("invoices",)]


def _refusal(url: str) -> str:
    with pytest.raises(StoreError) as refused:
        open_database(url)
    message = str(refused.value)
    assert "\n" not in message
    return message


def test_a_wrong_password_is_one_line_that_does_not_repeat_it(
    postgres_server: PostgresServer,
) -> None:
    wrong = "Not-The-Password-42"
    message = _refusal(postgres_server.url("postgres", password=wrong))
    assert "password authentication failed" in message
    assert wrong not in message
    assert "***" in message


def test_a_server_that_is_not_there_is_one_line(postgres_server: PostgresServer) -> None:
    url = f"postgresql://om:Secret-99@127.0.0.1:{postgres_server.port + 1}/practice"
    message = _refusal(url)
    assert "Cannot open the database at postgresql://om:***@127.0.0.1" in message
    assert "Secret-99" not in message


def test_a_missing_database_is_one_line(postgres_server: PostgresServer) -> None:
    message = _refusal(postgres_server.url("no_such_practice"))
    assert 'database "no_such_practice" does not exist' in message
    assert postgres_server.password not in message


def test_a_url_of_another_kind_is_refused() -> None:
    assert "not mysql://" in _refusal("mysql://om@localhost/practice")


def test_a_commit_on_one_connection_reaches_anothers_watcher(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.fresh_database()
    here = open_database(url)
    try:
        watcher = watcher_for(here)
        assert isinstance(watcher, ServerNotices)
        assert not watcher.changed()
        import psycopg

        with psycopg.connect(url) as elsewhere:  # another terminal: a plain connection
            elsewhere.execute(
                "INSERT INTO room (name, position, retired) VALUES ('Room 9', 9, false)"
            )
            assert not watcher.changed()  # not committed yet: nothing to see
        assert watcher.changed(wait=5)  # returns as the notice arrives
        assert not watcher.changed()  # once per change
        Staff.create(name="Dr. Here", initials="DH", role="owner")
        assert watcher.changed(wait=5)  # its own commits too: one re-read more, never one fewer
        watcher.close()
    finally:
        here.close()


def test_models_agree_with_the_migrated_schema(
    database: Database, postgres_server: PostgresServer
) -> None:
    """The models, creating their own tables on the server, give the schema the
    migrations made there: the same columns and types, keys and unique indexes."""
    from_models = PracticeServer(postgres_server.empty_database())  # om-tui's own field types
    try:
        with from_models.bind_ctx(MODELS):
            from_models.create_tables(MODELS)
        for model in MODELS:
            table = model._meta.table_name

            def shape(source: Database, table: str = table) -> tuple[object, ...]:
                return (
                    sorted(
                        (c.name, c.data_type, c.null, c.primary_key)
                        for c in source.get_columns(table)
                    ),
                    {tuple(i.columns) for i in source.get_indexes(table) if i.unique},
                    {
                        (k.column, k.dest_table, k.dest_column)
                        for k in source.get_foreign_keys(table)
                    },
                )

            assert shape(database) == shape(from_models), table
    finally:
        from_models.close()
        database.bind(MODELS)


def test_a_listener_cut_off_by_the_server_leaves_the_terminal_working(
    database: Database, postgres_server: PostgresServer
) -> None:
    watcher = watcher_for(database)
    assert isinstance(watcher, ServerNotices) and watcher._connection is not None
    listening = watcher._connection.info.backend_pid
    postgres_server.admin(f"SELECT pg_terminate_backend({listening})")
    assert not watcher.changed(wait=5)  # no traceback: the screens refresh on their own writes
    assert not watcher.changed()
    Staff.create(name="Dr. Still Here", initials="SH", role="owner")  # the store itself works on
    assert Staff.select().count() == 1


def test_a_listener_cut_off_listens_again_and_says_to_read_again(
    database: Database, postgres_server: PostgresServer
) -> None:
    now = [0.0]
    watcher = ServerNotices(database, monotonic=lambda: now[0])
    assert watcher._connection is not None
    postgres_server.admin(f"SELECT pg_terminate_backend({watcher._connection.info.backend_pid})")
    assert not watcher.changed(wait=5)
    now[0] += ServerNotices.RELISTEN - 1
    assert not watcher.changed() and watcher._connection is None  # not tried again yet
    now[0] += 1
    assert watcher.changed()  # listening again: what was missed is read again
    assert watcher.heard() is None  # by every screen: any table may have changed meanwhile
    Staff.create(name="Dr. Back", initials="DB", role="owner")
    assert watcher.changed(wait=5)
    watcher.close()


def test_a_watcher_made_not_listening_hears_nothing_until_told_then_says_to_read_again(
    database: Database,
) -> None:
    """The app's start: its first screen is drawn before the second connection is made."""
    watcher = ServerNotices(database, listen=False)
    assert watcher._connection is None
    Staff.create(name="Dr. Early", initials="DE", role="owner")
    assert not watcher.changed(wait=0.2)  # not listening yet, and not trying to
    watcher.listen()
    assert watcher._connection is not None
    assert watcher.changed()  # what changed before it listened is read again
    assert watcher.heard() is None  # by every screen
    assert not watcher.changed()
    Staff.create(name="Dr. Later", initials="DL", role="owner")
    assert watcher.changed(wait=5)
    assert watcher.heard() == frozenset({"staff"})
    watcher.close()


def test_numbers_with_a_fraction_keep_their_digits(database: Database) -> None:
    """A stat's value as the SQLite store keeps it: double precision, not PostgreSQL's REAL."""
    kinds = {c.name: c.data_type for c in database.get_columns("stat_value")}
    assert kinds["value"] == "double precision"
    found = database.execute_sql("SELECT %s::float8::text", (1234567.89,)).fetchone()[0]
    assert found == "1234567.89"
    reals = database.execute_sql(
        "SELECT count(*) FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND data_type = 'real'"
    ).fetchone()[0]
    assert reals == 0
