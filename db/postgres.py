"""The practice on a PostgreSQL server: connecting the libpq way, and change notices.

A `postgresql://` URL is handed to libpq whole, so everything libpq reads works as
it does for psql: a service entry (`postgresql:///?service=office` and
`~/.pg_service.conf` or `PGSERVICEFILE`), a password file (`~/.pgpass`,
`PGPASSFILE`), `sslmode` and the other parameters, the `PG*` environment. A
password is best kept in one of those rather than in the URL (which a process
list shows); whichever way it comes, no message of ours repeats it.

Every audited table has a statement trigger that announces a committed change
with NOTIFY on one channel; each terminal LISTENs on a connection of its own
(`listener`). PostgreSQL delivers a notice only on commit, and folds repeats in
one transaction into one, so a board move is one notice per table it touched.

This module imports psycopg (through peewee's PostgreSQL classes) only when a
server database is opened: the SQLite path never loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from peewee import Database, OperationalError, PostgresqlDatabase

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql", "postgres")
CHANNEL = "om_tui_changed"
WRITE_LOCK = 0x6F6D_7475  # "omtu": the advisory lock every transaction of om-tui's takes
NOTICE_FUNCTION = "om_tui_notify_change"
NOTICE_TRIGGER = "om_tui_notify_change"
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE"})


class ServerError(Exception):
    """The server database cannot be reached or used; the message is fit for a person
    (one line, no password)."""


def is_server_url(target: str) -> bool:
    return urlsplit(target).scheme.lower() in SCHEMES


def _conninfo(url: str) -> str:
    """The URL as libpq takes it (it knows `postgresql://` and `postgres://` alike;
    peewee hands over only the first as a whole)."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme.lower() in SCHEMES else url


def shown(url: str) -> str:
    """The URL as a message may show it: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _secrets(url: str) -> list[str]:
    """The password(s) in the URL, as written and as libpq reads them."""
    found = []
    password = urlsplit(url).password
    if password:
        found.append(password)
    try:
        from psycopg.conninfo import conninfo_to_dict

        parsed = conninfo_to_dict(_conninfo(url)).get("password")
    except Exception:  # an unparseable URL is reported by the connection attempt
        parsed = None
    if parsed:
        found.append(str(parsed))
    return sorted(set(found), key=len, reverse=True)


def reason(error: BaseException, url: str) -> str:
    """The driver's complaint, in one line, with any password in it blanked out."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = lines[0] if lines else type(error).__name__
    for secret in _secrets(url):
        text = text.replace(secret, "***")
    return text.removeprefix("connection failed: ")


class PracticeServer(PostgresqlDatabase):
    """The practice's server database, through psycopg 3: one transaction of om-tui's at a time.

    Each transaction first takes one advisory lock, as SQLite's BEGIN IMMEDIATE
    takes the write lock: a read-then-write (is the visit still where the desk saw
    it? then move it) runs alone, and reads, under READ COMMITTED, what the one
    before it committed. Two terminals moving one visit: exactly one move.

    The same statement tells the trail's triggers who acts, from where and when
    (db/postgres_audit.py). A write made outside a transaction is given one of its own,
    so that it is named too.
    """

    field_types = {**PostgresqlDatabase.field_types, "FLOAT": "DOUBLE PRECISION"}
    """A number with a fraction keeps SQLite's REAL precision (migration 0022)."""

    def __init__(self, database: str, **options: Any) -> None:
        # peewee's own class, told to use psycopg 3: playhouse's Psycopg3Database says no
        # more than this (its hstore and server-side cursors are not used), and importing
        # playhouse's PostgreSQL extensions cost a server start-up a few ms.
        super().__init__(database, prefer_psycopg3=True, **options)

    def begin(self, isolation_level: Any = None) -> None:
        from db import audit, postgres_audit

        context = audit.context_of(self)
        sql, params = postgres_audit.settings(  # first: a failing clock opens no transaction
            context.actor, context.terminal, context.moment(), context.auditing()
        )
        try:
            super().begin(isolation_level)
        except OperationalError as error:
            self._reconnect_if_lost(error)  # the operation's start: nothing of it done yet
            super().begin(isolation_level)
        self.execute_sql(sql, params)

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        run = super().execute_sql
        if self.in_transaction():
            return run(sql, params)  # type: ignore[no-untyped-call]
        if sql.lstrip()[:6].upper() in _WRITES:
            with self.atomic():
                return run(sql, params)  # type: ignore[no-untyped-call]
        try:
            return run(sql, params)  # type: ignore[no-untyped-call]
        except OperationalError as error:
            self._reconnect_if_lost(error)  # a read on its own: asked again once
            return run(sql, params)  # type: ignore[no-untyped-call]

    def _reconnect_if_lost(self, error: OperationalError) -> None:
        """The server went away (restarted, the network dropped): connect again, once;
        re-raise when the connection is fine (the error was something else)."""
        if self.is_closed() or self.is_connection_usable():
            raise error
        self.close()
        self.connect()


def connect(url: str) -> PostgresqlDatabase:
    """Connect to the server database the URL names (nothing is written)."""
    try:
        import psycopg  # noqa: F401  (peewee would say it is missing only on connecting)
    except ImportError:
        raise ServerError(
            "PostgreSQL support is not installed: pip install 'om-tui[postgres]'."
        ) from None
    database = PracticeServer(_conninfo(url), autoconnect=True)
    try:
        database.connect()
    except Exception as error:  # the driver's errors: a refused or failed connection
        database.close()
        raise ServerError(
            f"Cannot open the database at {shown(url)}: {reason(error, url)}"
        ) from None
    return database


def listener(database: Database, **options: Any) -> psycopg.Connection[Any]:
    """A connection of this terminal's own, listening for change notices."""
    import psycopg

    params = {**getattr(database, "connect_params", {}), **options}
    connection = psycopg.connect(str(database.database), autocommit=True, **params)
    connection.execute(f"LISTEN {CHANNEL}")
    return connection


def _sql(database: Database, sql: str, params: tuple[object, ...] = ()) -> Any:
    return database.execute_sql(sql, params)  # type: ignore[no-untyped-call]


def install_notices(database: Database, tables: list[str]) -> None:
    """Every one of `tables` announces its committed changes (made only where missing)."""
    having = {
        str(name)
        for (name,) in _sql(
            database,
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND c.relnamespace = to_regnamespace(current_schema())",
            (NOTICE_TRIGGER,),
        )
    }
    missing = [table for table in tables if table not in having]
    if not missing:
        return
    with database.atomic():
        _sql(
            database,
            f"CREATE OR REPLACE FUNCTION {NOTICE_FUNCTION}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME); "
            "RETURN NULL; END $$",
        )
        for table in missing:
            _sql(
                database,
                f"CREATE OR REPLACE TRIGGER {NOTICE_TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
                f'OR TRUNCATE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION '
                f"{NOTICE_FUNCTION}()",
            )
