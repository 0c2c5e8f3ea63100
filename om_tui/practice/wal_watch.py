"""Waking when another terminal commits: the practice's write-ahead log being written.

SQLite (WAL mode) appends every commit to `<file>-wal`; Linux tells a watcher of the
folder as each write lands (inotify, through `inotify_simple`: a small, kept-up ctypes
wrapper with no dependencies of its own, readable from the event loop without a thread).
A wake only prompts a look at the change signal (changes.py, a few µs): the signal, not
the write, says whether anything was committed. The app's poll stays as the fallback
(a commit made visible after the log's last write, a folder inotify cannot watch, a
server database, another system).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from peewee import Database, SqliteDatabase

if TYPE_CHECKING:
    from inotify_simple import INotify


class WalWatch:
    """The folder of one database file, watched for writes to its log."""

    def __init__(self, path: Path) -> None:
        from inotify_simple import INotify, flags

        self._log = f"{path.name}-wal"
        self._inotify: INotify = INotify(nonblocking=True)
        # The folder, not the file: the log is made afresh when the last connection closes.
        self._inotify.add_watch(path.parent, flags.MODIFY | flags.CREATE)

    def fileno(self) -> int:
        """What the event loop waits on (readable when something was written)."""
        return int(self._inotify.fileno())

    def written(self) -> bool:
        """Was the log written since the last call? (Reads every waiting event: a burst of
        writes is one answer.)"""
        return any(event.name == self._log for event in self._inotify.read(timeout=0))

    def close(self) -> None:
        self._inotify.close()


def wal_watch(database: Database) -> WalWatch | None:
    """A watch on the database's log, where the system offers one; else None (poll only)."""
    if not isinstance(database, SqliteDatabase) or str(database.database) in ("", ":memory:"):
        return None
    try:
        return WalWatch(Path(str(database.database)).absolute())
    except (ImportError, OSError):  # no inotify here (not Linux), or no watches left
        return None
