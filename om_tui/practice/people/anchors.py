"""Anchors of the audit trail: its head (how many entries, the last one's hash), kept
outside the database, where cutting the trail's tail would be seen.

The trail's hash chain shows a row changed or removed in the middle. It cannot show
the newest rows removed, with the table's guard dropped and `sqlite_sequence` put
back: what is left is still a whole chain. An anchor can: it says that on a given day
the trail had N entries and the Nth had this hash, and a trail that is now shorter, or
whose Nth entry has another hash, was cut or rewritten after that day. Anchors are
written

- in the anchor log beside the database, `practice.db.anchors` (0600, one line each,
  only ever appended to): at each clean exit of the app, each backup, each report;
- beside each backup, `practice-2026-11-27-0315.db.anchor`: the head the copy holds;
- at the foot of each weekly report (printed, mailed: out of reach).

`audit verify` checks the trail against every anchor it finds and those it is given.
A restore puts an older trail back on purpose: it writes a "restore" anchor, and the
anchors written before it, past the restored trail's head, belong to the database it
replaced and are not held against the restored one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import Database, SqliteDatabase

from db import audit as store
from om_tui.practice.clock import Clock

LOG_SUFFIX = ".anchors"
SIDECAR_SUFFIX = ".anchor"
RESTORE = "restore"
SHORTEST_HASH = 12
"""A given anchor may name the hash by its start, as a report prints it: this much at least."""
SHOWN = 3
"""Findings named one by one; the rest are counted (each quit writes an anchor)."""
_LINE = re.compile(r"(\S+) (\d+) ([0-9a-f]{64})(?: (.*))?")
_REPORT_FOOT = re.compile(r"Audit trail: (\d+) entries, head ([0-9a-f]{64})|(\d+),([0-9a-f]{64})")
"""A weekly report's foot: Markdown and HTML say it in words, CSV in its [audit] section."""


class AnchorError(ValueError):
    """An anchor given on the command line that is neither COUNT:HASH nor a file holding one."""


@dataclass(frozen=True)
class Anchor:
    """The trail's head at one moment: `count` entries, the last of them hashed `hash`."""

    count: int
    hash: str
    at: str = ""
    """When it was written (UTC, ISO 8601); "" for one given by hand."""
    why: str = ""
    """What wrote it: "quit", "backup practice-….db", "report week ending …", "restore"."""
    source: str = ""
    """Where it was found: the anchor log, a backup's anchor file, the command line."""
    line_number: int = 0
    """Its line in the file it was read from (0: not read from a file)."""

    def line(self) -> str:
        return f"{self.at} {self.count} {self.hash} {self.why}".rstrip()

    @property
    def said(self) -> str:
        """The anchor as a person reads it in a finding."""
        when = f" of {self.at.replace('T', ' ')[:16]} UTC" if self.at else ""
        why = f" ({self.why})" if self.why else ""
        return f"the anchor{when}{why} in {self.source}"


def head(database: Database) -> Anchor | None:
    """The trail's head now; None when it has no entries (or no trail)."""
    if not store.has_trail(database):
        return None
    count = _sql(database, f"SELECT count(*) FROM {store.TABLE}").fetchone()[0]
    last = _sql(database, f"SELECT hash FROM {store.TABLE} ORDER BY id DESC LIMIT 1").fetchone()
    return Anchor(int(count), str(last[0])) if count and last else None


def head_of_file(path: Path) -> Anchor | None:
    """The head of the trail in a database file (a backup), read without om-tui's functions;
    None when it has none."""
    uri = f"{path.absolute().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as copy:
            count = copy.execute(f"SELECT count(*) FROM {store.TABLE}").fetchone()[0]
            last = copy.execute(
                f"SELECT hash FROM {store.TABLE} ORDER BY id DESC LIMIT 1"
            ).fetchone()
    except sqlite3.Error:
        return None
    return Anchor(int(count), str(last[0])) if count and last else None


def log_of(database: Database) -> Path | None:
    """The anchor log beside the database file (None: not a SQLite file)."""
    if not isinstance(database, SqliteDatabase) or database.database in ("", ":memory:"):
        return None
    return Path(database.database).absolute().with_name(Path(database.database).name + LOG_SUFFIX)


def sidecar_of(backup: Path) -> Path:
    return backup.with_name(backup.name + SIDECAR_SUFFIX)


def stamped(anchor: Anchor, clock: Clock, why: str) -> Anchor:
    at = clock.now().astimezone(dt.UTC).replace(microsecond=0).isoformat()
    return Anchor(anchor.count, anchor.hash, at.replace("+00:00", "Z"), why)


def write(database: Database, clock: Clock, why: str, anchor: Anchor | None = None) -> None:
    """Append the trail's head (or `anchor`) to the anchor log, with the time and why."""
    path = log_of(database)
    anchor = anchor or head(database)
    if path is None or anchor is None:
        return
    append(path, stamped(anchor, clock, why))


def append(path: Path, anchor: Anchor) -> None:
    """One line at the end of an anchor file, created private; flushed to the disk."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, f"{anchor.line()}\n".encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read(path: Path, source: str) -> list[Anchor]:
    """The anchors in an anchor file; a line that is not one is passed over."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.fullmatch(line.strip())
        if match is not None:
            found.append(Anchor(int(match[2]), match[3], match[1], match[4] or "", source, number))
    return found


def given(text: str) -> list[Anchor]:
    """The anchors `--anchor` names: `COUNT:HASH` (the hash, or its first 12 characters or
    more), or a file holding anchors: a backup's .anchor, an anchor log, a weekly report."""
    path = Path(text).expanduser()
    if path.is_file():
        return _in_file(path)
    return [_typed(text)]


def _in_file(path: Path) -> list[Anchor]:
    found = read(path, path.name)
    if not found:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            raise AnchorError(f"Cannot read {path}: {error.strerror}.") from None
        for match in _REPORT_FOOT.finditer(text):
            count, digest = (match[1], match[2]) if match[1] else (match[3], match[4])
            found.append(Anchor(int(count), digest, source=path.name))
    if not found:
        raise AnchorError(f"{path} holds no anchor of the audit trail.")
    return found


def _typed(text: str) -> Anchor:
    count, _, digest = text.strip().partition(":")
    digest = digest.strip().lower().rstrip("…")
    if not count.isdigit() or int(count) < 1 or not re.fullmatch(r"[0-9a-f]+", digest):
        raise AnchorError(f"An anchor is COUNT:HASH (e.g. 1234:3f9a…), not {text!r}.")
    if not SHORTEST_HASH <= len(digest) <= 64:
        raise AnchorError(f"Give at least {SHORTEST_HASH} characters of the hash: {text!r}.")
    return Anchor(int(count), digest, source="the command line")


def found(database: Database, backups: Path | None = None) -> list[Anchor]:
    """Every anchor om-tui keeps for this database: its anchor log, its backups' anchors."""
    log = log_of(database)
    if log is None:
        return []
    anchors = read(log, log.name)
    folder = backups or log.parent / "backups"
    if folder.is_dir():
        stem = Path(str(database.database)).stem
        for path in sorted(folder.glob(f"{stem}-*.db{SIDECAR_SUFFIX}")):
            anchors += read(path, path.name)
    return anchors


@dataclass(frozen=True)
class Checked:
    """The trail held against its anchors."""

    problems: list[str]
    checked: int
    replaced: int
    """Anchors of the database a restore replaced: not held against this one."""


def check(database: Database, anchors: Iterable[Anchor]) -> Checked:
    """Each anchor's entry must be there, with the anchor's hash: else the trail was cut
    or rewritten after the anchor was written.

    Call it on a chain that holds (audit.verify): its entries are then #1 to #N without a
    gap, and the Nth entry is the one with id N (one look-up per anchor, by its key).
    """
    anchors = list(anchors)
    restores = [a for a in anchors if a.why == RESTORE and a.at]
    last_restore = max(restores, key=lambda a: (a.at, a.line_number), default=None)
    now = head(database)
    count = now.count if now is not None else 0
    problems: list[str] = []
    checked = replaced = 0
    for anchor in sorted(anchors, key=lambda a: (a.count, a.at)):
        if (
            last_restore is not None
            and anchor.count > last_restore.count
            and _before(anchor, last_restore)
        ):
            replaced += 1
            continue
        checked += 1
        if anchor.count > count:
            problems.append(
                f"The trail was cut: it has {count} entries, but {anchor.said} "
                f"recorded {anchor.count}."
            )
            continue
        row = _sql(
            database,
            f"SELECT hash FROM {store.TABLE} WHERE id = {database.param}",
            (anchor.count,),
        ).fetchone()
        if row is None or not str(row[0]).startswith(anchor.hash):
            problems.append(
                f"The trail was rewritten: entry {anchor.count} is not the one {anchor.said} "
                "recorded."
            )
    if len(problems) > SHOWN:
        problems = [*problems[:SHOWN], f"… and {len(problems) - SHOWN} more anchors the same."]
    return Checked(problems, checked, replaced)


def _before(anchor: Anchor, restore: Anchor) -> bool:
    """Was the anchor written before the restore? In the anchor log, its line says (two may
    share a second); elsewhere, its time."""
    if anchor.source == restore.source and anchor.line_number and restore.line_number:
        return anchor.line_number < restore.line_number
    return bool(anchor.at) and anchor.at <= restore.at


def _sql(database: Database, sql: str, params: tuple[object, ...] = ()) -> Any:
    return database.execute_sql(sql, params)  # type: ignore[no-untyped-call]
