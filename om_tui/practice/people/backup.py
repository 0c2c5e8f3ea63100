"""Backups of the SQLite store: a consistent copy while others work, and a careful restore.

A backup is `VACUUM INTO` a new private file: SQLite writes the copy from one read
transaction, so it is a snapshot of a single moment even while the front desk keeps
checking patients in (in WAL mode a reader neither waits for writers nor stops them).
The copy is written under a hidden name, checked with `PRAGMA integrity_check`, synced,
and only then given its dated name, `practice-2026-11-27-0315.db` (the practice's local
time). Only files with that name pattern, for that database, are ever pruned.

A restore must not let the old database's write-ahead log meet the new file: a
`practice.db-wal` left beside a replaced `practice.db` would be replayed into it, and
the result is a corrupt database. So a restore takes SQLite's exclusive lock on the
current file, which it gets only when no other connection (no om-tui on any terminal,
no backup running) has the file open; refuses if it cannot; folds the log into the old
file while holding the lock (leaving it whole, with no -wal beside it, and removing the
stale -shm index); keeps the old file under a dated name beside it; and moves the new
file in with one atomic rename. A process that starts in the instant of the swap, or one
on another machine reaching the file over a network share, cannot be seen: quit om-tui
everywhere before a restore, and never keep the database on a share.

One idea, a consistent copy and a careful restore, kept whole: the restore's checks read
against the backup's own.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from peewee import Database, PeeweeException, SqliteDatabase

from db.models import Patient, SettingKey, Staff
from db.store import MIGRATION_TABLE, MIGRATIONS
from om_tui.practice import settings, time_words
from om_tui.practice.clock import Clock
from om_tui.practice.people import anchors, audit
from om_tui.practice.refusal import Refusal

FOLDER = "backups"
"""The default folder for backups: beside the database file."""
KEEP = 14
REMIND_AFTER = dt.timedelta(days=1)
SQLITE_HEADER = b"SQLite format 3\x00"
OUR_TABLES = frozenset({MIGRATION_TABLE, "setting", "patient", "staff", "visit", "visit_event"})
"""Tables every om-tui database has had since its first schema."""
SQLITE_ONLY = (
    "This copies a SQLite file; a PostgreSQL database is backed up with pg_dump (server_backup)."
)
IN_USE = (
    "The database is open elsewhere (om-tui on another terminal, or a backup running): "
    "quit om-tui everywhere, then restore. Nothing was changed."
)


class BackupError(Refusal):
    """A backup or restore that cannot be done; the message says why, in one line."""


@dataclass(frozen=True)
class Backup:
    """A backup just written, and the older ones pruned to make room."""

    path: Path
    removed: tuple[Path, ...]
    recorded: bool = True  # False: the database is read-only for this person, its time not kept


@dataclass(frozen=True)
class BackupFile:
    """A file checked fit to restore: a whole om-tui database this version can open."""

    path: Path
    timezone: str


@dataclass(frozen=True)
class Restored:
    database: Path
    replaced: Path | None
    """Where the database it replaced is kept (None: there was none)."""


def database_file(target: str | os.PathLike[str]) -> Path:
    """The SQLite file behind a `--db` target; a database URL is refused."""
    if "://" in str(target):
        raise BackupError(SQLITE_ONLY)
    return Path(target).expanduser().absolute()


# -- backing up ------------------------------------------------------------------------------


def back_up(
    database: Database, clock: Clock, folder: Path | None = None, keep: int = KEEP
) -> Backup:
    """Copy the open database into `folder` (default: `backups` beside it), check the copy,
    record the time, and keep the newest `keep` backups of this database there."""
    if not isinstance(database, SqliteDatabase):
        raise BackupError(SQLITE_ONLY)
    if keep < 1:
        raise BackupError("Keep at least one backup (--keep 1 or more).")
    source = Path(database.database)
    folder = _folder_for(source, folder)
    now = clock.now()
    stamp = f"{settings.load(database).local(now):%Y-%m-%d-%H%M}"
    final = _free_name(folder, f"{source.stem}-{stamp}", ".db")
    partial = folder / f".{final.name}.partial"
    # A read-only `VACUUM INTO` trips over generated columns (SQLite 3.40): a database this
    # person may only read is copied page by page instead.
    writable = os.access(source, os.W_OK)
    try:
        _create_private(partial)
        try:
            if writable:
                database.execute_sql("VACUUM INTO ?", (str(partial),))  # type: ignore[no-untyped-call]
            else:
                with (
                    closing(_read_only(source)) as reader,
                    closing(sqlite3.connect(partial)) as copy,
                ):
                    reader.backup(copy)
        except (PeeweeException, sqlite3.Error) as error:
            hint = " (a full or failing disk?)" if "I/O" in str(error) else ""
            raise BackupError(f"Cannot write the backup in {folder}: {error}{hint}.") from None
        if not _whole(partial):
            raise BackupError(
                "The copy failed its integrity check and was removed: the database itself "
                "may be damaged (nothing was changed)."
            )
        _sync(partial)
        os.replace(partial, final)
        _anchor(database, clock, final)
        _sync(folder)
    except OSError as error:
        raise BackupError(f"Cannot write the backup in {folder}: {_reason(error)}.") from None
    finally:
        _remove(partial)
    if not writable:
        return Backup(final, prune(folder, source.stem, keep, final), recorded=False)
    try:
        settings.put(database, SettingKey.LAST_BACKUP, now.isoformat())
    except PeeweeException:
        raise BackupError(
            f"The backup is written ({final}), but its time could not be recorded "
            "(the database is busy): run the backup again."
        ) from None
    return Backup(final, prune(folder, source.stem, keep, final))


def backups_of(folder: Path, stem: str, suffix: str = ".db") -> list[Path]:
    """The backups of the database named `stem` in `folder`, oldest first."""
    pattern = re.compile(
        rf"{re.escape(stem)}-(\d{{4}}-\d\d-\d\d-\d{{4}})(?:-(\d+))?{re.escape(suffix)}"
    )
    found: list[tuple[str, int, Path]] = []
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if match is not None and path.is_file():
            found.append((match[1], int(match[2] or 1), path))
    return [path for _, _, path in sorted(found)]


def prune(
    folder: Path, stem: str, keep: int, newest: Path, suffix: str = ".db"
) -> tuple[Path, ...]:
    """Remove all but the newest `keep` backups; `newest`, just written, always stays
    (even if the clock was set back and its name sorts first)."""
    others = [path for path in backups_of(folder, stem, suffix) if path != newest]
    removed = []
    for path in others[: max(len(others) - (keep - 1), 0)]:
        try:
            path.unlink()
        except OSError:
            continue  # left for next time: the new backup is what matters
        anchors.sidecar_of(path).unlink(missing_ok=True)
        removed.append(path)
    return tuple(removed)


def _anchor(database: Database, clock: Clock, backup: Path) -> None:
    """The head of the trail the backup holds: in an anchor file beside it (pruned with it)
    and in the database's anchor log. A cut of the trail after it shows against either."""
    head = anchors.head_of_file(backup)
    if head is None:
        return
    anchor = anchors.stamped(head, clock, f"backup {backup.name}")
    anchors.append(anchors.sidecar_of(backup), anchor)
    anchors.write(database, clock, anchor.why, head)


def note_restored(database: Database, clock: Clock, restored: Restored, source: Path) -> None:
    """The restored database's trail says so, and from which file. Its anchor log marks the
    restore: anchors of the database it replaced, past the restored trail, are not held
    against it (anchors.py)."""
    anchors.write(database, clock, anchors.RESTORE)
    kept = str(restored.replaced) if restored.replaced is not None else None
    audit.record(database, "restore", str(source), {"replaced, kept as": kept})


def _folder_for(source: Path, folder: Path | None) -> Path:
    folder = (folder if folder is not None else source.parent / FOLDER).expanduser()
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} is a file, not a folder: cannot write a backup there.")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"Cannot create the backup folder {folder}: {_reason(error)}.") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupError(f"Cannot write in the backup folder {folder}: permission denied.")
    return folder


# -- the reminder ----------------------------------------------------------------------------


def last_backup(database: Database) -> dt.datetime | None:
    stored = settings.get(database, SettingKey.LAST_BACKUP)
    try:
        return dt.datetime.fromisoformat(stored) if stored else None
    except ValueError:
        return None


def backup_reminder(database: Database, clock: Clock) -> str | None:
    """What to tell the manager when the app opens: no backup yet, or none for a day.

    The same on a PostgreSQL store (its backups are pg_dump's: server_backup.py). Nothing
    for the demo practice (made up, laid out again on every open) or for a practice with
    no one and no patient in it yet (the first run): nothing to lose.
    """
    if settings.get(database, SettingKey.DEMO_DAY) is not None:
        return None
    if not Staff.select().exists() and not Patient.select().exists():
        return None
    last = last_backup(database)
    if last is None:
        return "This database has never been backed up: run om-tui backup."
    now = clock.now()
    if now - last <= REMIND_AFTER:
        return None
    ago = time_words.ago(last, now)
    when = time_words.moment_text(last, settings.load(database).zone)
    return f"The last backup was {ago} ({when}): run om-tui backup."


# -- restoring -------------------------------------------------------------------------------


def check_backup(path: Path) -> BackupFile:
    """Refuse, with the reason, a file that is not a whole om-tui database this version knows."""
    path = path.expanduser()
    if not path.exists():
        raise BackupError(f"No such file: {path}.")
    if not path.is_file():
        raise BackupError(f"{path} is a folder, not a backup file.")
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {_reason(error)}.") from None
    if header != SQLITE_HEADER:
        raise BackupError(f"{path} is not an om-tui backup (not a SQLite file).")
    try:
        with closing(_read_only(path)) as backup:
            tables = {row[0] for row in backup.execute("select name from sqlite_master")}
            if not OUR_TABLES <= tables:
                raise BackupError(f"{path} is a SQLite file, but not an om-tui database.")
            if backup.execute("pragma integrity_check").fetchall() != [("ok",)]:
                raise BackupError(f"{path} is damaged (it fails its integrity check).")
            applied = {row[0] for row in backup.execute(f"select name from {MIGRATION_TABLE}")}
            zone = backup.execute(
                "select value from setting where key = ?", (SettingKey.TIMEZONE.value,)
            ).fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged or unreadable ({error}).") from None
    newer = sorted(applied - known_migrations())
    if newer:
        raise BackupError(
            f"{path} was made by a newer om-tui (schema {newer[-1]}): update om-tui first."
        )
    return BackupFile(path, zone[0] if zone else "UTC")


def known_migrations() -> set[str]:
    """The schema changes this om-tui knows, by name (as its migration table records them)."""
    return {path.stem for path in MIGRATIONS.glob("[0-9]*.py")}


def in_use(target: Path) -> bool:
    """Whether some connection, in any process on this machine, has the database open."""
    if not target.is_file():
        return False
    connection = sqlite3.connect(target, timeout=0, isolation_level=None)
    try:
        connection.execute("pragma locking_mode = exclusive")
        connection.execute("begin exclusive")
        connection.execute("rollback")
    except sqlite3.OperationalError as error:
        return "locked" in str(error) or "busy" in str(error)
    except sqlite3.DatabaseError:
        return False  # not a database: no one can be using it
    finally:
        connection.close()
    return False


def restore(backup: BackupFile, target: Path, clock: Clock) -> Restored:
    """Replace the database at `target` with a checked backup, keeping the one it replaces.

    Nothing is replaced unless the new file is written and checked beside the target
    first, and the exclusive lock on the current file is held (no one else has it open).
    """
    target = target.expanduser()
    check_target(backup, target)
    now = clock.now().astimezone(_zone(backup.timezone))
    staged = _stage(backup, target)
    try:
        if not target.exists():
            os.replace(staged, target)
            _sync(target.parent)
            return Restored(target, None)
        kept = _free_name(target.parent, f"{target.stem}-replaced-{now:%Y-%m-%d-%H%M}", ".db")
        with _exclusive(target) as whole:
            if not whole:  # not a database at all: its log, if any, goes along with it
                _set_aside(target, kept)
            linked = _keep(target, kept)
            try:
                os.replace(staged, target)
            except OSError:
                if linked:
                    kept.unlink(missing_ok=True)
                else:
                    os.rename(kept, target)
                raise
        _sync(target.parent)
        return Restored(target, kept)
    except OSError as error:
        raise BackupError(
            f"Cannot replace {target}: {_reason(error)}. Nothing was changed."
        ) from None
    finally:
        _remove(staged)


def check_target(backup: BackupFile, target: Path) -> None:
    """Refuse a target a restore must not replace: the backup itself, a folder, another
    program's database, a database open elsewhere, or a write-ahead log without its file."""
    if target.is_dir():
        raise BackupError(f"{target} is a folder, not a database file.")
    if target.exists() and not target.is_file():  # /dev/null, a pipe: never swapped out
        raise BackupError(f"{target} is not a file: a restore replaces a database file only.")
    if not target.exists():
        if _beside(target, "-wal").exists():
            wal = _beside(target, "-wal")
            raise BackupError(f"{wal} is left without its database: move it away first.")
        return
    if backup.path.resolve() == target.resolve():
        raise BackupError("That file is the database itself: nothing to restore.")
    _check_replaceable(target)
    if in_use(target):
        raise BackupError(IN_USE)


def _check_replaceable(target: Path) -> None:
    """A damaged database may be replaced (that is what restores are for); another
    program's SQLite database may not."""
    try:
        with closing(_read_only(target)) as current:
            tables = {row[0] for row in current.execute("select name from sqlite_master")}
    except sqlite3.DatabaseError:
        return
    if tables and MIGRATION_TABLE not in tables:
        raise BackupError(f"{target} is not an om-tui database: restore will not replace it.")


def _stage(backup: BackupFile, target: Path) -> Path:
    """The backup's content, written and checked in a hidden file beside the target."""
    staged = target.parent / f".{target.name}.restoring-{os.getpid()}"
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        staged.unlink(missing_ok=True)
        _create_private(staged)
        # Page by page: a read-only `VACUUM INTO` trips over generated columns (SQLite 3.40).
        with closing(_read_only(backup.path)) as source, closing(sqlite3.connect(staged)) as copy:
            source.backup(copy)
            if copy.execute("pragma integrity_check").fetchall() != [("ok",)]:
                raise BackupError(f"The copy of {backup.path} failed its integrity check.")
        if target.exists():
            mode = target.stat()
            os.chmod(staged, mode.st_mode & 0o7777)
            try:
                os.chown(staged, -1, mode.st_gid)  # a database shared by a group stays so
            except OSError:
                pass
        _sync(staged)
    except (OSError, sqlite3.Error) as error:
        _remove(staged)
        reason = _reason(error) if isinstance(error, OSError) else str(error)
        raise BackupError(f"Cannot write beside {target}: {reason}. Nothing was changed.") from None
    except BackupError:
        _remove(staged)
        raise
    return staged


@contextmanager
def _exclusive(target: Path) -> Iterator[bool]:
    """Hold SQLite's exclusive lock on the database, its log folded in; yields False when
    the file is not a database at all (no one can be using it).

    The lock is granted only when no other connection has the file open. Journal mode
    MEMORY (never persisted in the file) checkpoints and deletes the -wal while the lock
    is held; the -shm is a mere index and goes too. Closing afterwards deletes nothing.
    """
    connection = sqlite3.connect(target, timeout=0, isolation_level=None)
    try:
        try:
            connection.execute("pragma locking_mode = exclusive")
            connection.execute("begin exclusive")
            connection.execute("commit")
            mode = connection.execute("pragma journal_mode = memory").fetchone()
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise BackupError(IN_USE) from None
            raise BackupError(f"Cannot open {target}: {error}.") from None
        except sqlite3.DatabaseError:
            yield False
            return
        if mode != ("memory",) or _beside(target, "-wal").exists():
            raise BackupError(f"Cannot fold {target}'s write-ahead log in. Nothing was changed.")
        _beside(target, "-shm").unlink(missing_ok=True)
        yield True
    finally:
        connection.close()


def _keep(target: Path, kept: Path) -> bool:
    """The old database under its new name too (a hard link, so that the target path is
    never missing); False when it had to be renamed instead (no hard links here)."""
    try:
        os.link(target, kept)
    except OSError:
        os.rename(target, kept)
        return False
    return True


def _set_aside(target: Path, kept: Path) -> None:
    wal = _beside(target, "-wal")
    if wal.exists():
        os.rename(wal, _beside(kept, "-wal"))
    _beside(target, "-shm").unlink(missing_ok=True)


# -- files -----------------------------------------------------------------------------------


def _read_only(path: Path) -> sqlite3.Connection:
    """Reads only. With no -wal beside the file there is no log to replay, and `immutable`
    keeps SQLite from leaving an empty -wal and -shm beside a file in WAL mode."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not _beside(path, "-wal").exists():
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _whole(path: Path) -> bool:
    try:
        with closing(_read_only(path)) as copy:
            return copy.execute("pragma integrity_check").fetchall() == [("ok",)]
    except sqlite3.DatabaseError:
        return False


def _create_private(path: Path) -> None:
    """An empty file only its owner may read: `VACUUM INTO` fills it and keeps its mode."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _sync(path: Path) -> None:
    """To the disk: SQLite does not sync what `VACUUM INTO` writes; a folder, its names."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # a folder some file systems cannot sync
    finally:
        os.close(descriptor)


def _free_name(folder: Path, base: str, suffix: str) -> Path:
    """`base.db`, or `base-2.db`, `base-3.db` … when taken (two in the same minute)."""
    number = 1
    while True:
        name = base if number == 1 else f"{base}-{number}"
        path = folder / f"{name}{suffix}"
        if not path.exists() and not (folder / f".{path.name}.partial").exists():
            return path
        number += 1


def _remove(path: Path) -> None:
    """A file that was being written, with whatever SQLite left beside it."""
    for leftover in (path, *(_beside(path, end) for end in ("-journal", "-wal", "-shm"))):
        leftover.unlink(missing_ok=True)


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _zone(name: str) -> dt.tzinfo:
    try:
        return settings.zone_named(name)
    except settings.SettingError:
        return dt.UTC


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__
