"""Waking on the practice's log: a commit on another connection is noticed, other files not."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import open_database
from om_tui.practice.wal_watch import wal_watch

pytestmark = pytest.mark.skipif(
    not Path("/proc/sys/fs/inotify").is_dir(), reason="inotify is Linux's (the poll elsewhere)"
)


def test_a_commit_elsewhere_writes_the_log_and_other_files_do_not(db_path: Path) -> None:
    database = open_database(db_path)
    watch = wal_watch(database)
    try:
        assert watch is not None
        assert not watch.written()  # nothing since the watch began
        (db_path.parent / "notes.txt").write_text("a file beside the practice")
        assert not watch.written()
        other = open_database(db_path)  # another terminal's connection
        try:
            other.execute_sql("INSERT INTO setting (key, value) VALUES ('a.test', '1')")
        finally:
            other.close()
        assert watch.written()
        assert not watch.written()  # every waiting event read: one answer for the burst
    finally:
        if watch is not None:
            watch.close()
        database.close()
