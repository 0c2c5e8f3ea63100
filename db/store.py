"""Opening the practice's database: where it lives, its settings, its schema."""

from __future__ import annotations

import os
import sqlite3
import weakref
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from peewee import Database, DatabaseError, OperationalError, ProgrammingError, SqliteDatabase

from db import audit, binding

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_TABLE = "schema_migration"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "full",
}


class StoreError(Exception):
    """The database cannot be opened or used; the message is fit for a person."""


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("om-tui", appauthor=False)) / "practice.db"


def open_database(
    target: str | os.PathLike[str] | None = None,
    *,
    busy_timeout: float = 5.0,
    create: bool = True,
    triggers_later: bool = False,
) -> Database:
    """Open the practice database, migrate it, bind the models.

    `target` is a file path or a database URL (`postgresql://…`); None means the
    default file under the user's data directory. `busy_timeout` is how long, in
    seconds, a write waits for another process's write lock before giving up. A file
    that is not there is created only when `create` (the first run, the demo): any other
    command refuses it, naming it, so that a mistyped path makes no empty practice.

    `triggers_later` (the app's start): on a server whose migrations are all applied, its
    triggers (the trail's capture, the change notices) are checked by `check_triggers`,
    which the app calls once its first screen is drawn and before it takes a PIN, instead
    of now (five queries on the server's catalogs, 8-12 ms of a start here). A file's check
    is one query (its stamp) and is made now.
    """
    if target is not None and "://" in str(target):
        database = _open_url(str(target), triggers_later=triggers_later)
    else:
        path = Path(target) if target is not None else default_path()
        database = _open_sqlite(path, busy_timeout, create=create)
    binding.bind(database)  # the models: now, or when first imported
    return database


def rows(database: Database, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """A plain query's rows, without the models (the start's few reads: db/binding.py).
    `?` marks a parameter, in SQLite and PostgreSQL alike."""
    cursor = database.execute_sql(sql.replace("?", database.param), params)  # type: ignore[no-untyped-call]
    return list(cursor.fetchall())


def close_database(database: Database) -> None:
    """Close on a clean exit, folding the write-ahead log into the file first.

    Without this the practice's latest changes can stay in `practice.db-wal` (a 4 KB
    `.db` beside megabytes of log): someone who copies the `.db` by hand would copy an
    empty practice. When another terminal still has the file open the checkpoint
    takes what it can and that terminal's own exit finishes it."""
    if isinstance(database, SqliteDatabase) and not database.is_closed():
        try:
            # Without waiting: while another terminal writes, its own exit folds the log in.
            database.execute_sql("PRAGMA busy_timeout = 0")  # type: ignore[no-untyped-call]
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[no-untyped-call]
        except (DatabaseError, sqlite3.DatabaseError):
            pass  # read-only, or busy: the log stays, and is still read as part of the file
    database.close()


def problem(error: BaseException, where: str | os.PathLike[str]) -> str:
    """What a database error means for the person, in one line: the truth, and what to do."""
    said = _problem(str(error).lower(), type(error).__name__, where)
    return said[0].upper() + said[1:]


_LOST = (
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "connection is lost",
    "connection refused",
    "could not connect",
    "connection failed",
)
"""What the PostgreSQL driver says when the server is down or went away."""
_CONTENTION = ("locked", "busy", "could not serialize", "deadlock detected")
"""Another writer was in the way: the same operation, tried again, will go through."""


def retryable(error: BaseException) -> bool:
    """Is the failed operation worth running again as it is (nothing of it was kept)? A busy
    file, a conflict between two server transactions, a server connection lost (the next
    try connects again)."""
    text = str(error).lower()
    return any(words in text for words in (*_CONTENTION, *_LOST))


def _problem(text: str, kind: str, where: str | os.PathLike[str]) -> str:
    if any(words in text for words in _LOST):
        return (
            "The database server cannot be reached (the connection was lost). Nothing was "
            "changed; om-tui connects again on the next try."
        )
    if "readonly" in text or "read-only" in text:
        return (
            f"Cannot write to {where}: the file or its folder is read-only for you. "
            "Nothing was changed."
        )
    if "locked" in text or "busy" in text:
        return f"{where} is busy (another terminal is writing). Nothing was changed; try again."
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return f"{where} is damaged. Restore a backup (om-tui restore FILE)."
    if "disk" in text or "full" in text:
        return f"Cannot write to {where}: the disk is full or failing. Nothing was changed."
    if "unable to open" in text:
        return f"Cannot open {where}: its folder is missing or not readable and writable for you."
    return f"The database at {where} failed ({kind}). Nothing was changed."


def check_triggers(database: Database) -> None:
    """The triggers `open_database(triggers_later=True)` left unchecked, checked (and put
    right) now, once; StoreError when they need the owner's role."""
    if database not in _TRIGGERS_UNCHECKED:
        return
    _TRIGGERS_UNCHECKED.discard(database)
    with _schema_errors():
        audit.install(database)


_TRIGGERS_UNCHECKED: weakref.WeakSet[Database] = weakref.WeakSet()
"""The server databases opened with `triggers_later`, their triggers not checked yet."""


def _open_url(url: str, *, triggers_later: bool) -> Database:
    from db import postgres  # only for a server database: keeps start-up lean

    if not postgres.is_server_url(url):
        scheme = url.split("://", 1)[0]
        raise StoreError(f"om-tui opens a file or a postgresql:// URL, not {scheme}://.")
    try:
        database = postgres.connect(url)
    except postgres.ServerError as error:
        raise StoreError(str(error)) from None
    with _schema_errors():
        applied = _applied(database)  # the usual start's one query
    if applied is None and database.get_tables():
        database.close()
        raise StoreError(
            f"The database at {postgres.shown(url)} holds another application's tables, "
            "not om-tui's."
        )
    if triggers_later and applied is not None and not _missing(applied):
        _TRIGGERS_UNCHECKED.add(database)
        return database
    _migrate(database)
    return database


def _applied(database: Database) -> set[str] | None:
    """The migrations a server database has had; None when it has no table of them (a new
    practice, or another application's database). One query, without listing its tables."""
    try:
        cursor = database.execute_sql(f'SELECT name FROM "{MIGRATION_TABLE}"')  # type: ignore[no-untyped-call]
    except ProgrammingError as error:
        # peewee's error is raised while handling the driver's own, which has the code.
        if getattr(error.__context__, "sqlstate", None) != UNDEFINED_TABLE:
            raise
        return None
    return {str(name) for (name,) in cursor}


UNDEFINED_TABLE = "42P01"
"""PostgreSQL's code for a table that is not there."""


def _open_sqlite(path: Path, busy_timeout: float, *, create: bool) -> SqliteDatabase:
    path = path.expanduser()
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file.")
    if path.exists() and not path.is_file():  # /dev/null, a pipe: never filled, never chmod-ed
        raise StoreError(f"{path} is not a file, so not a database.")
    if path.exists():
        _check_is_ours(path)
    elif create:
        _create_private(path)
    else:
        raise StoreError(
            f"No database at {path}: check the path. (A new practice is made by starting "
            "om-tui there without a command.)"
        )
    database = SqliteDatabase(
        str(path),
        pragmas={**SQLITE_PRAGMAS, "busy_timeout": int(busy_timeout * 1000)},
        timeout=busy_timeout,
        # Every write transaction takes the write lock up front: with plain
        # BEGIN, read-then-write transactions in several processes deadlock
        # into "database is locked".
        lock_type="IMMEDIATE",
    )
    audit.register(database)  # before the first connection: every connection gets them
    try:
        database.connect()
        database.get_tables()
    except (DatabaseError, sqlite3.DatabaseError) as error:
        database.close()
        raise StoreError(problem(error, path)) from None
    _migrate(database)
    return database


def _check_is_ours(path: Path) -> None:
    """Look, read-only, before any setting touches the file: is it ours (or empty)?"""
    try:
        with path.open("rb") as file:
            header = file.read(100)
            size = os.fstat(file.fileno()).st_size
    except OSError as error:
        raise StoreError(f"Cannot read {path}: {error.strerror}.") from None
    if not header:
        _make_private(path)  # an empty file we are about to fill
        return
    if not header.startswith(SQLITE_HEADER):
        raise StoreError(f"{path} is not an om-tui database (not a SQLite file).")
    if size < _size_in_header(header):
        raise StoreError(
            f"{path} is damaged: shorter than its own header says (a copy cut off?). "
            "Restore a backup (om-tui restore FILE)."
        )
    if _stamped_header(header):
        return  # found whole by om-tui before: no second connection to read its tables
    try:
        with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as probe:
            tables = {row[0] for row in probe.execute("select name from sqlite_master")}
    except sqlite3.DatabaseError as error:
        if not os.access(path.parent, os.W_OK):
            raise StoreError(
                f"Cannot use {path}: its folder is read-only for you, and om-tui keeps its "
                "-wal and -shm files beside the database."
            ) from None
        raise StoreError(problem(error, path)) from None
    if tables and MIGRATION_TABLE not in tables:
        raise StoreError(f"{path} is a SQLite file, but not an om-tui database.")


SQLITE_HEADER = b"SQLite format 3\x00"


def _stamped_header(header: bytes) -> bool:
    """Does the file's header carry om-tui's stamp (`_stamp`) for its schema? Its schema
    counter and user version are in the header (bytes 40 and 60); a header older than the
    log's newest page 1 may miss a stamp, never show one that om-tui did not write."""
    if len(header) < 100:
        return False
    schema_version = int.from_bytes(header[40:44], "big")
    user_version = int.from_bytes(header[60:64], "big")
    return schema_version > 0 and user_version == _stamp(schema_version)


def _size_in_header(header: bytes) -> int:
    """The file's length as its header gives it (page size × pages); 0 when unknown."""
    if len(header) < 100:
        return len(SQLITE_HEADER) + 1  # a header cut short: any real file is longer
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is valid only when the two change counters agree (SQLite's rule).
    return page_size * pages if header[24:28] == header[92:96] else 0


def _create_private(path: Path) -> None:
    """Create the file, and each folder it needs, readable by its owner only (whatever
    the umask: it can only take permissions away, so they are set after)."""
    try:
        for folder in reversed([*path.parents]):
            if not folder.exists():
                folder.mkdir(mode=0o700)
                folder.chmod(0o700)
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.fchmod(descriptor, 0o600)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise StoreError(f"Cannot create the database at {path}: {reason}.") from None
    os.close(descriptor)


def _make_private(path: Path) -> None:
    try:
        path.chmod(0o600)
    except OSError as error:
        raise StoreError(f"Cannot make {path} private: {error.strerror}.") from None


def _behind(database: Database) -> bool:
    """Has the database not had every migration there is? Read without the runner,
    whose import (playhouse's schema tools) would cost every start-up ~17 ms."""
    if not database.table_exists(MIGRATION_TABLE):
        return True
    applied = {name for (name,) in database.execute_sql(f'SELECT name FROM "{MIGRATION_TABLE}"')}  # type: ignore[no-untyped-call]
    return _missing(applied)


def _missing(applied: set[str]) -> bool:
    """Is any migration there is not among `applied`?"""
    return any(path.stem not in applied for path in MIGRATIONS.glob("[0-9]*.py"))


def _stamp(schema_version: int) -> int:
    """What `PRAGMA user_version` holds once a file's schema was found whole: every migration
    there is applied and the audit triggers in place, for this schema (SQLite counts its
    changes in `schema_version`), these migrations and this trigger code."""
    code = [path.stem for path in sorted(MIGRATIONS.glob("[0-9]*.py"))]
    audit_code = zlib.crc32(Path(audit.__file__).read_bytes())
    return zlib.crc32(f"{schema_version}|{audit_code}|{'|'.join(code)}".encode()) & 0x7FFFFFFF


def _stamped(database: Database) -> tuple[bool, int]:
    """Is the schema as the last full check left it? One query (the usual start)."""
    if not isinstance(database, SqliteDatabase):
        return False, 0
    ((schema_version, user_version),) = database.execute_sql(  # type: ignore[no-untyped-call]
        "SELECT * FROM pragma_schema_version, pragma_user_version"
    ).fetchall()
    return user_version == _stamp(schema_version), schema_version


def _stamp_checked(database: Database) -> None:
    """After a full check: the next start needs only `_stamped`'s query."""
    stamped, schema_version = _stamped(database)
    if stamped or not isinstance(database, SqliteDatabase):
        return
    try:
        database.execute_sql(f"PRAGMA user_version = {_stamp(schema_version)}")  # type: ignore[no-untyped-call]
    except OperationalError:
        pass  # a read-only file: checked in full at every start, as before


def _migrate(database: Database) -> None:
    with _schema_errors():
        if _stamped(database)[0]:
            return  # nothing changed in the schema since it was found whole
        _check_schema(database)
        _stamp_checked(database)


@contextmanager
def _schema_errors() -> Iterator[None]:
    """A schema that cannot be put right, said as StoreError."""
    try:
        yield
    except OperationalError as error:
        raise StoreError(f"Cannot update the database schema: {error}") from None
    except ProgrammingError as error:
        if "permission denied" not in str(error) and "must be owner" not in str(error):
            raise
        raise StoreError(  # a server database, opened by a terminal's role
            "The database's schema needs updating, and only its owner's role may do that: "
            "open it once as the owner (README: When one machine is not enough)."
        ) from None


def _check_schema(database: Database) -> None:
    """Apply the migrations a file lacks; put the audit triggers right."""
    if not _behind(database):
        audit.install(database)
        return
    from playhouse.migrations import Runner

    runner = Runner(database, directory=str(MIGRATIONS), table_name=MIGRATION_TABLE)
    if any(m.applied is None and m.path is not None for m in runner.status()):
        # The audit triggers name the tables' columns: rebuilt from the new schema below.
        audit.drop_capture(database)
    applied = runner.up()
    if applied and audit.has_trail(database):
        audit.record(database, "migrate", "", {"applied": applied})
    audit.install(database)
