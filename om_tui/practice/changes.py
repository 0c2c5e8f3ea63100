"""Noticing that another process changed the database.

SQLite bumps `PRAGMA data_version` on a connection whenever *another*
connection commits; reading it costs a few microseconds (about 20 here), so the
app polls it every 30 ms: another terminal's change shows within a frame or two,
for about 1 % of a core while idle (tests/bench/bench_app.py measures both). A
connection's own commits leave it unchanged, so a writer refreshes its own screen
explicitly; the app's writes run on a worker's connection, which the poll does see,
so an announced change also takes the signal (the screens read it once). Another backend (Postgres
LISTEN/NOTIFY, a counter row) fits behind the same two methods.
"""

from __future__ import annotations

from typing import Protocol

from peewee import Database, SqliteDatabase


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


class NeverChanges:
    """For a backend without a cheap change signal yet: screens refresh on their own writes."""

    def changed(self) -> bool:
        return False


def watcher_for(database: Database) -> ChangeWatcher:
    if isinstance(database, SqliteDatabase):
        return SqliteDataVersion(database)
    return NeverChanges()
