"""Noticing that another process changed the database.

SQLite bumps `PRAGMA data_version` on a connection whenever *another*
connection commits; reading it costs a few microseconds (about 20 here). The app
reads it when the practice's log is written (wal_watch.py: the kernel wakes it), and
polls it as the fallback: every 100 ms then, every 30 ms where the log cannot be
watched; idle, well under 1 % of a core (tests/bench/bench_app.py measures both). A
connection's own commits leave it unchanged, so a writer refreshes its own screen
explicitly; the app's writes run on a worker's connection, which the poll does see,
so an announced change also takes the signal (the screens read it once).

Which tables changed is read from the audit trail (db/audit.py: a row for every insert,
update and delete, naming its table as `subject`): `TrailNews` gives the tables of the
rows added since its last look, so a screen that shows none of them need not re-read.
Writes left off the trail (terminal sessions, generated demo data, the stats' own counts
of the flow) are told as "something changed" (None) only when nothing on the trail was
written in the same moment: a screen that shows them also lists the tables they are
counted from.

PostgreSQL announces each commit to an audited table with NOTIFY (triggers made
by db/postgres.py), the table's name its payload; a terminal LISTENs on a connection
of its own and, polled, reads what has arrived without waiting: the tables the notices
name are the change's (`TrailNews` asks them of the watcher). It hears its own commits
too: one re-read more than needed, never one fewer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from peewee import Database, OperationalError, PostgresqlDatabase, SqliteDatabase

from db.audit import TABLE as TRAIL

if TYPE_CHECKING:
    import psycopg


Tables = frozenset[str] | None
"""The tables a change touched, by name; None: not known (any of them)."""
NOTHING: Tables = frozenset()
"""No change at all."""


class ChangeWatcher(Protocol):
    def changed(self) -> bool:
        """True once after each change made elsewhere since the last call."""
        ...


class SqliteDataVersion:
    def __init__(self, database: SqliteDatabase) -> None:
        self._database = database
        self._last = self._read()

    def _read(self) -> int:
        row = self._database.execute_sql("PRAGMA data_version").fetchone()  # type: ignore[no-untyped-call]
        return int(row[0])

    def changed(self) -> bool:
        current = self._read()
        if current == self._last:
            return False
        self._last = current
        return True


class ServerNotices:
    """PostgreSQL: the change notices that reached this terminal's listening connection.

    If no listening connection can be had, or the server goes away, `changed()` is
    False meanwhile (screens still refresh on their own writes) and a new listening
    connection is tried every RELISTEN seconds; once it is had, `changed()` says True
    once (notices sent meanwhile were lost: a re-read covers them).

    Made with `listen=False`, it does not listen until `listen()` is called: the app's
    first screen is drawn without waiting for a second connection (its log-in, a round
    trip or two, and its LISTEN: 6-10 ms of a start). The first `changed()` after it says
    True too, as after listening again: what changed before it is read again.
    """

    RELISTEN = 10.0
    """Seconds between tries to listen again, after the server went away."""
    CONNECT_TIMEOUT = 1
    """Seconds a try may wait for the server: the poll must not hold the screen up long."""

    def __init__(
        self,
        database: PostgresqlDatabase,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        listen: bool = True,
    ) -> None:
        self._database = database
        self._monotonic = monotonic
        self._connection: psycopg.Connection[Any] | None = None
        self._tried = monotonic()
        self._heard: Tables = NOTHING
        """The tables named by the notices read since the last `heard()` (None: some lost)."""
        self._waiting = not listen
        """Made not listening, and `listen()` not called yet: no changes heard meanwhile."""
        self._missed = not listen
        """Changes made before listening began were not heard: the next look says so."""
        if listen:
            self._listen()

    def listen(self) -> None:
        """Begin listening (a watcher made with `listen=False`; otherwise nothing to do)."""
        if self._waiting:
            self._waiting = False
            self._listen()  # if the server is not there, tried again every RELISTEN seconds

    def _listen(self) -> bool:
        import psycopg

        from db import postgres

        self._tried = self._monotonic()
        try:
            self._connection = postgres.listener(
                self._database, connect_timeout=self.CONNECT_TIMEOUT
            )
        except psycopg.Error:
            return False  # none to be had: the terminal works, refreshing on its own writes
        return True

    def changed(self, wait: float = 0.0) -> bool:
        """`wait`: up to how many seconds to wait for a notice still on its way (a test's
        second terminal); the app's poll never waits."""
        connection = self._connection
        if connection is None:
            if self._waiting or self._monotonic() - self._tried < self.RELISTEN:
                return False
            if not self._listen():
                return False
            self._missed = True  # listening again
        if self._missed or connection is None:
            self._missed = False
            self._heard = None  # the notices sent meanwhile are lost: any table may have changed
            return True
        import psycopg

        try:
            tables = {notice.payload for notice in connection.notifies(timeout=wait, stop_after=1)}
            # Read them all: one re-read covers every one.
            tables |= {notice.payload for notice in connection.notifies(timeout=0)}
        except psycopg.Error:
            self.close()
            return False
        self._heard = joined(self._heard, frozenset(tables))
        return bool(tables)

    def heard(self) -> Tables:
        """The tables the notices read since the last call name (each notice names its table:
        db/postgres.py); None when none was read (a change told otherwise: this terminal's
        own, its notice still on its way) or some may have been lost (listening again)."""
        heard, self._heard = self._heard, NOTHING
        return None if heard == NOTHING else heard

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class NeverChanges:
    """For a backend without a cheap change signal: screens refresh on their own writes."""

    def changed(self) -> bool:
        return False


def watcher_for(database: Database, *, listen: bool = True) -> ChangeWatcher:
    """The change signal for `database`; on a server, not listening yet unless `listen`
    (ServerNotices.listen)."""
    if isinstance(database, SqliteDatabase):
        return SqliteDataVersion(database)
    if isinstance(database, PostgresqlDatabase):
        return ServerNotices(database, listen=listen)
    return NeverChanges()


def tables_of(*models: type[Any]) -> frozenset[str]:
    """The table names of these models: what a screen shows, in `touches`' terms."""
    return frozenset(model._meta.table_name for model in models)


def joined(first: Tables, second: Tables) -> Tables:
    """The tables of two changes (None, not known, stays so)."""
    return None if first is None or second is None else first | second


def touches(shown: Tables, changed: Tables) -> bool:
    """Does a change to `changed` touch what a screen shows (`shown`; None: anything)?"""
    return shown is None or changed is None or not shown.isdisjoint(changed)


class TrailNews:
    """The tables written since the last look, as the audit trail names them (on a server,
    as the change notices `watcher` heard name them)."""

    def __init__(self, database: Database, watcher: ChangeWatcher | None = None) -> None:
        self._database = database
        self._notices = watcher if isinstance(watcher, ServerNotices) else None
        self._last = self._newest()

    def _read(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        return list(self._database.execute_sql(sql, params).fetchall())  # type: ignore[no-untyped-call]

    def _newest(self) -> int | None:
        """The trail's newest row id (0: empty); None where there is no trail to read."""
        if not isinstance(self._database, SqliteDatabase):
            # A server's trail ids are taken before commit (a lower one can commit after a
            # higher one is read): its notices name the tables instead.
            return None
        try:
            return int(self._read(f"SELECT coalesce(max(id), 0) FROM {TRAIL}")[0][0])
        except OperationalError:
            return None  # no trail (a file from before it): every change is "anything"

    def since_last(self) -> Tables:
        """The tables of the trail's rows added since the last call; None when there are
        none (a change left off the trail) or no trail."""
        if self._notices is not None:
            return self._notices.heard()
        if self._last is None:
            return None
        newest = self._newest()
        if newest is None or newest <= self._last:
            return None
        rows = self._read(
            f"SELECT DISTINCT subject FROM {TRAIL} WHERE id > ? AND id <= ?", self._last, newest
        )
        self._last = newest
        return frozenset(str(subject) for (subject,) in rows)
