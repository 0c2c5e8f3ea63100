"""Backups of a PostgreSQL store: `pg_dump` in its custom format, and a restore into an
empty database.

A backup is one `pg_dump` (a snapshot of a single moment while the terminals keep
working), written under a hidden name, checked with `pg_restore --list`, and only then
given its dated name, `practice-2026-11-27-0315.dump` (the database's name, the
practice's local time); the newest N are kept, as for SQLite (backup.py). The trail's
head when the dump began is written beside it as its anchor. `pg_dump` and
`pg_restore` of the server's own major version are used (Debian keeps each version's
under /usr/lib/postgresql/N/bin), else those on the PATH.

A restore goes into an empty database it is given (the owner's role creates it:
`createdb -O om_owner practice_restored`), never over a database that has tables: the
practice points its terminals at the restored one when it is ready. The password
never appears in a command line: libpq's own PGPASSWORD carries it to the tools.

A standby that follows the server as it writes is PostgreSQL's streaming replication
(README), not a backup of om-tui's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from peewee import Database, PeeweeException

from db.models import SettingKey
from om_tui.practice import settings
from om_tui.practice.clock import Clock
from om_tui.practice.people import anchors, audit
from om_tui.practice.people.backup import Backup, BackupError, prune

SUFFIX = ".dump"
_TIMEOUT = 3600


@dataclass(frozen=True)
class Server:
    """What the tools need of a server database: how to reach it, without the password in
    the command line, and its name (the backups' stem)."""

    conninfo: str
    password: str | None
    name: str
    major: int


def server_of(database: Database) -> Server:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(str(database.database))
    password = params.pop("password", None)
    version = database.execute_sql("SHOW server_version_num").fetchone()[0]  # type: ignore[no-untyped-call]
    name = database.execute_sql("SELECT current_database()").fetchone()[0]  # type: ignore[no-untyped-call]
    return Server(
        make_conninfo(**{k: str(v) for k, v in params.items()}),
        None if password is None else str(password),
        str(name),
        int(version) // 10000,
    )


def tool(name: str, major: int) -> str:
    """pg_dump or pg_restore of the server's major version, else the PATH's."""
    debian = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if debian.is_file():
        return str(debian)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client).")
    return found


def _run(command: list[str], server: Server) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if server.password is not None:
        env["PGPASSWORD"] = server.password
    try:
        return subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BackupError(f"{Path(command[0]).name} failed: {error}.") from None


def _said(result: subprocess.CompletedProcess[str], server: Server) -> str:
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    text = lines[0] if lines else f"exit status {result.returncode}"
    return text.replace(server.password, "***") if server.password else text


def back_up(database: Database, clock: Clock, folder: Path, keep: int) -> Backup:
    """Dump the server database into `folder`, check the dump, record the time, and keep
    the newest `keep` dumps of this database there."""
    if keep < 1:
        raise BackupError("Keep at least one backup (--keep 1 or more).")
    server = server_of(database)
    folder = folder.expanduser()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"Cannot create the backup folder {folder}: {error.strerror}.") from None
    now = clock.now()
    stamp = f"{settings.load(database).local(now):%Y-%m-%d-%H%M}"
    final = _free_name(folder, f"{server.name}-{stamp}")
    partial = folder / f".{final.name}.partial"
    head = anchors.head(database)  # the dump holds this much of the trail at least
    try:
        descriptor = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(descriptor)
        dumped = _run(
            [
                tool("pg_dump", server.major),
                "--format=custom",
                f"--file={partial}",
                f"--dbname={server.conninfo}",
            ],
            server,
        )
        if dumped.returncode != 0:
            raise BackupError(f"pg_dump failed: {_said(dumped, server)}")
        check(partial, server.major)
        os.replace(partial, final)
    except OSError as error:
        raise BackupError(f"Cannot write the backup in {folder}: {error.strerror}.") from None
    finally:
        partial.unlink(missing_ok=True)
    if head is not None:
        anchor = anchors.stamped(head, clock, f"backup {final.name}")
        anchors.append(anchors.sidecar_of(final), anchor)
    try:
        settings.put(database, SettingKey.LAST_BACKUP, now.isoformat())
    except PeeweeException:
        raise BackupError(
            f"The backup is written ({final}), but its time could not be recorded: "
            "run the backup again."
        ) from None
    return Backup(final, prune(folder, server.name, keep, final, suffix=SUFFIX))


def check(path: Path, major: int) -> None:
    """Refuse a file pg_restore cannot read, or one that is not a dump of an om-tui database."""
    result = subprocess.run(
        [tool("pg_restore", major), "--list", str(path)],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{path} is not a readable dump: {result.stderr.strip()[:200]}")
    if " TABLE DATA " not in result.stdout or " schema_migration " not in result.stdout:
        raise BackupError(f"{path} is a dump, but not of an om-tui database.")


def restore(backup: Path, database: Database) -> None:
    """Restore the dump into `database`, which must be empty (nothing is replaced)."""
    server = server_of(database)
    backup = backup.expanduser()
    if not backup.is_file():
        raise BackupError(f"No such file: {backup}.")
    check(backup, server.major)
    if database.get_tables():
        raise BackupError(
            f"The database {server.name} is not empty: restore into a new, empty database "
            "(createdb), then point the terminals at it. Nothing was changed."
        )
    restored = _run(
        [
            tool("pg_restore", server.major),
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={server.conninfo}",
            str(backup),
        ],
        server,
    )
    if restored.returncode != 0:
        raise BackupError(f"pg_restore failed: {_said(restored, server)} Nothing was restored.")
    from db import postgres_audit

    postgres_audit.grant(database)


def note_restored(database: Database, source: Path) -> None:
    """The restored database's trail says so, and from which file."""
    audit.record(database, "restore", str(source), {"replaced, kept as": None})


def _free_name(folder: Path, base: str) -> Path:
    candidate = folder / f"{base}{SUFFIX}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{base}-{number}{SUFFIX}"
        number += 1
    return candidate
