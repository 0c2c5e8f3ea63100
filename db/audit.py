"""The audit trail in the store: the triggers that write it, its hash chain, and its check.

Every insert, update and delete on a practice table is written to `audit` by a
SQLite trigger, so no service has to remember to log. The triggers are ordinary
(not TEMP) triggers, generated from the live schema each time the database is
opened (`install`): one per table and kind of change. They call two Python
functions that every om-tui connection registers (`register`):

- `om_auditing()`: false on a thread inside `suspended(...)` (bulk generation);
- `om_entry(...)`: the row's JSON entry — when (the injected clock), who (the actor
  of this process), from which terminal, what, before and after, the previous row's
  hash — and its own hash: sha256 of all the rest, in canonical form.

A connection without these functions (the sqlite3 shell, a script) cannot write to
the practice's tables at all: the trail has no silent gaps (only bulk generation,
`suspended`, is left out on purpose). Someone who drops the
triggers to do so finds them back, and the fact recorded, the next time om-tui opens
the file.

Writes are serialised (BEGIN IMMEDIATE, and WAL lets a write start only from the
newest snapshot), so the trigger that reads the last hash and appends the next row
does so under the write lock: the chain has one line even with several terminals.

One idea, the trail in the store (its triggers, its chain and their check), kept whole:
the chain's hashing and its check must agree line for line.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import hashlib
import json
import os
import re
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from peewee import Database, PostgresqlDatabase, SqliteDatabase

TABLE = "audit"
UNAUDITED = frozenset(
    {TABLE, "schema_migration", "sqlite_sequence", "sqlite_stat1", "terminal_session"}
)
"""Tables whose changes are not themselves audited (the trail, the migrations' record, and
who is logged in where: its logins and session ends are on the trail as events)."""
TRIGGER_PREFIX = "audit_capture_"
GUARDS = {
    "audit_no_update": "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN "
    "SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "audit_no_delete": "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN "
    "SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
}
HIDDEN = "(hidden)"
"""What the trail keeps of a secret (a PIN's hash, say): that it changed, not its value."""
PRIVATE_COLUMNS: dict[str, frozenset[str]] = {
    "candidate": frozenset({"name", "contact", "source", "notes"}),
    "candidate_step": frozenset({"reason"}),
}
"""Columns whose values the trail hides as it hides secrets: a job candidate's details are
deleted some time after hiring closes, and a copy in the trail would outlive them."""
_SECRET = re.compile(r"(^|_)(secret|password|passwd|pin|hash|salt|token)s?($|_)")
_KINDS = (("create", "INSERT", "NEW"), ("change", "UPDATE", "NEW"), ("delete", "DELETE", "OLD"))
_LAST_HASH = "(SELECT hash FROM audit ORDER BY id DESC LIMIT 1)"
_LARGEST = "1.7976931348623157e308"  # the largest finite REAL


def _sql(database: Database, sql: str, params: Sequence[object] = ()) -> Any:
    """peewee's execute_sql, typed: the cursor."""
    return database.execute_sql(sql, params)  # type: ignore[no-untyped-call]


def terminal_here() -> str:
    """Where this process is used from: the SSH client's address, else the terminal's name."""
    for variable in ("SSH_CLIENT", "SSH_CONNECTION"):
        words = os.environ.get(variable, "").split()
        if words:
            return f"ssh:{words[0]}"
    for descriptor in (0, 1, 2):
        try:
            return os.ttyname(descriptor).removeprefix("/dev/")
        except OSError:
            continue
    try:
        return f"user:{getpass.getuser()}"
    except (OSError, KeyError):
        return "unknown"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Context:
    """Who and where the trail names for one database object's writes, and its clock."""

    actor: int | None = None
    terminal: str = field(default_factory=terminal_here)
    now: Callable[[], dt.datetime] = _utc_now
    paused: threading.local = field(default_factory=threading.local)

    def auditing(self) -> int:
        return 0 if getattr(self.paused, "depth", 0) else 1

    def moment(self) -> str:
        """Now, as the trail writes it: UTC, to the microsecond."""
        return self.now().astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    def entry(
        self,
        action: str,
        subject: str,
        row: object,
        patient: object,
        before: str | None,
        after: str | None,
        detail: str | None,
        prev: str | None,
    ) -> str:
        old = _parsed(before)
        new = _parsed(after)
        if old is not None and new is not None:  # a change: only what changed
            changed = [key for key in new if old.get(key) != new[key]]
            old = {key: old.get(key) for key in changed}
            new = {key: new[key] for key in changed}
        content = canonical(
            {
                "at": self.moment(),
                "staff": self.actor,
                "terminal": self.terminal,
                "action": action,
                "subject": subject,
                "row": row,
                "patient": patient,
                "before": _hide_secrets(old, subject),
                "after": _hide_secrets(new, subject),
                "detail": json.loads(detail) if detail is not None else None,
                "prev": prev,
            }
        )
        # The same as entry_hash(), without building the content twice: this runs per row.
        digest = hashlib.sha256(content.encode()).hexdigest()
        return f'{content[:-1]},"hash":"{digest}"}}'


def canonical(body: dict[str, Any]) -> str:
    """The one text a row's content has: sorted keys, no spaces."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(body: dict[str, Any]) -> str:
    """sha256 of the entry's content without its own hash (the previous hash included)."""
    content = {key: value for key, value in body.items() if key != "hash"}
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def _parsed(text: str | None) -> dict[str, Any] | None:
    return None if text is None else dict(json.loads(text))


def _hide_secrets(values: dict[str, Any] | None, table: str = "") -> dict[str, Any] | None:
    if values is None:
        return None
    private = PRIVATE_COLUMNS.get(table, frozenset())
    return {
        key: HIDDEN if value is not None and (_is_secret(key) or key in private) else value
        for key, value in values.items()
    }


def is_hidden(table: str, column: str) -> bool:
    """Does the trail keep only HIDDEN for this column's values (a secret, a private detail)?"""
    return _is_secret(column) or column in PRIVATE_COLUMNS.get(table, frozenset())


@functools.cache
def _is_secret(column: str) -> bool:
    return _SECRET.search(column) is not None


_contexts: weakref.WeakKeyDictionary[Database, Context] = weakref.WeakKeyDictionary()


def context_of(database: Database) -> Context:
    """The database object's audit context, made on first use."""
    context = _contexts.get(database)
    if context is None:
        context = _contexts[database] = Context()
    return context


def register(database: Database) -> None:
    """Give every connection this database object opens the trail's SQL functions."""
    if not isinstance(database, SqliteDatabase):
        return
    context = context_of(database)
    database.register_function(context.auditing, "om_auditing", 0)
    database.register_function(context.entry, "om_entry", 8)


def attach(connection: sqlite3.Connection, database: Database | None = None) -> None:
    """Let a plain sqlite3 connection write to the practice's tables, audited.

    With `database`, its writes are named as that database object's are; without,
    as an unknown person at this terminal. For tests and tools that need a second,
    raw connection: om-tui's own connections have the functions already.
    """
    context = context_of(database) if database is not None else Context()
    connection.create_function("om_auditing", 0, context.auditing)
    connection.create_function("om_entry", 8, context.entry)


@contextmanager
def suspended(database: Database) -> Iterator[None]:
    """Writes made on this thread inside the block are not audited (bulk generation).

    Other threads' writes, another terminal's, are audited as ever.
    """
    paused = context_of(database).paused
    paused.depth = getattr(paused, "depth", 0) + 1
    try:
        yield
    finally:
        paused.depth -= 1


def record(
    database: Database,
    action: str,
    subject: str = "",
    detail: object = None,
) -> None:
    """Append an event that is not a row change (a login, a lock) to the trail."""
    detail_text = None if detail is None else json.dumps(detail, sort_keys=True, default=str)
    if isinstance(database, SqliteDatabase):
        with database.atomic():
            _sql(
                database,
                f"INSERT INTO {TABLE} (entry) VALUES "
                f"(om_entry(?, ?, NULL, NULL, NULL, NULL, ?, {_LAST_HASH}))",
                (action, subject, detail_text),
            )
        return
    from db import postgres_audit  # a server database: the server chains it

    with database.atomic():
        told(database)  # who acts may have changed since the transaction began (a login)
        postgres_audit.record(database, action, subject, detail_text)


def told(database: Database) -> None:
    """A server database's open transaction learns the context as it is now (who acts,
    from where, when): its triggers read it from the session, set when the transaction
    began. SQLite's triggers ask for it row by row: nothing to do there."""
    if not isinstance(database, PostgresqlDatabase) or not database.in_transaction():
        return
    from db import postgres_audit

    context = context_of(database)
    sql, params = postgres_audit.settings(
        context.actor, context.terminal, context.moment(), context.auditing()
    )
    _sql(database, sql, params)


# -- the capture triggers ------------------------------------------------------------------


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, declared type)
    key: str | None  # the single primary key column, else None (the rowid)

    def has(self, column: str) -> bool:
        return any(name == column for name, _ in self.columns)


def _tables(database: Database) -> dict[str, _Table]:
    names = [
        row[0]
        for row in _sql(
            database, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    tables = {}
    for name in names:
        if name in UNAUDITED or name.startswith("sqlite_"):
            continue
        info = _sql(database, f"PRAGMA table_info({_ident(name)})").fetchall()
        keys = [row[1] for row in info if row[5]]
        tables[name] = _Table(
            name,
            tuple((row[1], str(row[2])) for row in info),
            keys[0] if len(keys) == 1 else None,
        )
    return tables


def _row_object(table: _Table, row: str) -> str:
    values = []
    for column, declared in table.columns:
        ref = f"{row}.{_ident(column)}"
        kind = declared.upper()
        if "BLOB" in kind:  # JSON cannot hold bytes: their size will do
            ref = f"CASE WHEN {ref} IS NULL THEN NULL ELSE length({ref}) || ' bytes' END"
        elif any(name in kind for name in ("REAL", "FLOA", "DOUB")):
            # json_object() writes an infinity as Inf, which is not JSON: keep it as text.
            ref = f"CASE WHEN abs({ref}) > {_LARGEST} THEN CAST({ref} AS TEXT) ELSE {ref} END"
        values += [_text(column), ref]
    return f"json_object({', '.join(values)})"


def _patient_of(table: _Table, row: str, tables: dict[str, _Table]) -> str:
    """The patient a row is about, when it is about one: found on the row or its visit."""
    if table.name == "patient" and table.key:
        return f"{row}.{_ident(table.key)}"
    if table.has("patient_id"):
        return f"{row}.patient_id"
    visit = tables.get("visit")
    if table.has("visit_id") and visit is not None and visit.has("patient_id"):
        return f"(SELECT patient_id FROM visit WHERE id = {row}.visit_id)"
    return "NULL"


def capture_triggers(database: Database) -> dict[str, tuple[str, str]]:
    """Trigger name → (table, CREATE TRIGGER statement), for every audited table as it is now."""
    tables = _tables(database)
    wanted = {}
    for table in tables.values():
        key = _ident(table.key) if table.key else "rowid"
        for action, event, row in _KINDS:
            name = f"{TRIGGER_PREFIX}{table.name}_{action}"
            before = _row_object(table, "OLD") if event != "INSERT" else "NULL"
            after = _row_object(table, "NEW") if event != "DELETE" else "NULL"
            when = "om_auditing()"
            if event == "UPDATE":
                changed = " OR ".join(
                    f"OLD.{_ident(c)} IS NOT NEW.{_ident(c)}" for c, _ in table.columns
                )
                when = f"({changed}) AND {when}"
            values = ", ".join(
                (
                    _text(action),
                    _text(table.name),
                    f"{row}.{key}",
                    _patient_of(table, row, tables),
                    before,
                    after,
                    "NULL",
                    _LAST_HASH,
                )
            )
            wanted[name] = (
                table.name,
                f"CREATE TRIGGER {_ident(name)} AFTER {event} ON {_ident(table.name)} "
                f"WHEN {when} BEGIN INSERT INTO {TABLE} (entry) VALUES (om_entry({values})); END",
            )
    return wanted


def _present(database: Database, prefix: str) -> dict[str, str]:
    """The triggers whose names start with `prefix`: name → the statement that made them."""
    rows = _sql(database, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    return {str(name): str(sql) for name, sql in rows if str(name).startswith(prefix)}


def has_trail(database: Database) -> bool:
    return TABLE in database.get_tables()


def install(database: Database) -> None:
    """Make the capture triggers match the schema; put back missing guards.

    On PostgreSQL the same, in PL/pgSQL (db/postgres_audit.py), and every audited table
    announces its changes to the terminals listening (db/postgres.py).

    Nothing is written when all is as it should be. Otherwise the triggers are
    rebuilt in one transaction, and the trail says which tables were affected.
    """
    if isinstance(database, PostgresqlDatabase):
        from db import postgres, postgres_audit  # a server database only

        tables = database.get_tables()
        postgres.install_notices(database, [table for table in tables if table not in UNAUDITED])
        if TABLE in tables:
            done = postgres_audit.install(database, UNAUDITED, is_hidden)
            if done:
                record(database, "audit_triggers", "", done)
        return
    if not isinstance(database, SqliteDatabase) or not has_trail(database):
        return
    if _in_place(database):
        return  # the usual case: read only, no write lock taken
    with database.atomic():
        if _in_place(database):
            return  # another terminal put them right a moment ago
        wanted = capture_triggers(database)
        present = _present(database, TRIGGER_PREFIX)
        missing_guards = sorted(set(GUARDS) - set(_present(database, "audit_no_")))
        created: set[str] = set()
        rebuilt: set[str] = set()
        removed: set[str] = set()
        had = {name.removeprefix(TRIGGER_PREFIX).rsplit("_", 1)[0] for name in present}
        for name in present:
            if name not in wanted:
                _sql(database, f"DROP TRIGGER {_ident(name)}")
                removed.add(name.removeprefix(TRIGGER_PREFIX).rsplit("_", 1)[0])
        for name, (table, sql) in wanted.items():
            if present.get(name) == sql:
                continue
            if name in present:
                _sql(database, f"DROP TRIGGER {_ident(name)}")
            _sql(database, sql)
            (rebuilt if table in had else created).add(table)
        for guard in missing_guards:
            _sql(database, GUARDS[guard])
        detail: dict[str, list[str]] = {}
        for label, names in (
            ("created", created),
            ("rebuilt", rebuilt),
            ("removed", removed - created - rebuilt),
            ("guards restored", set(missing_guards)),
        ):
            if names:
                detail[label] = sorted(names)
        record(database, "audit_triggers", "", detail)


def _in_place(database: Database) -> bool:
    wanted = capture_triggers(database)
    present = _present(database, TRIGGER_PREFIX)
    guards = _present(database, "audit_no_")
    return (
        all(present.get(name) == sql for name, (_, sql) in wanted.items())
        and set(present) <= set(wanted)
        and set(GUARDS) <= set(guards)
    )


def drop_capture(database: Database) -> None:
    """Remove the capture triggers (before migrations change the tables they name)."""
    if not isinstance(database, SqliteDatabase):
        return
    for name in _present(database, TRIGGER_PREFIX):
        _sql(database, f"DROP TRIGGER {_ident(name)}")


# -- the check -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    """The chain checked: intact, or the first row that does not hold."""

    ok: bool
    rows: int
    message: str
    bad_row: int | None = None


def verify(database: Database) -> VerifyResult:
    """Walk the chain from its first row: each row's hash, and its link to the row before."""
    if not has_trail(database):
        return VerifyResult(True, 0, "This database has no audit trail yet.")
    expected_last = _last_issued(database)
    prev: str | None = None
    last_id = 0
    last_text = ""
    count = 0
    cursor = _sql(database, f"SELECT id, entry FROM {TABLE} ORDER BY id")
    for row_id, text in cursor:
        count += 1
        if row_id != last_id + 1:
            problem: str | None = (
                f"comes after a gap: rows #{last_id + 1}–#{row_id - 1} are missing"
            )
        else:
            problem = _row_problem(text, prev)
        if problem is not None:
            return VerifyResult(
                False, count, f"Row #{row_id}{_what(text)} {problem}.", bad_row=row_id
            )
        prev = json.loads(text)["hash"]
        last_id = row_id
        last_text = text
    if expected_last is not None and expected_last > last_id:
        after = f"after row #{last_id}" if last_id else "from the start"
        return VerifyResult(
            False,
            count,
            f"Rows {after} are missing (the trail had reached #{expected_last}).",
            bad_row=last_id + 1,
        )
    if not _guarded(database):
        return VerifyResult(
            False, count, "The chain holds, but the table's append-only guards are gone."
        )
    if not count:
        return VerifyResult(True, 0, "The audit trail is intact (no rows yet).")
    return VerifyResult(
        True,
        count,
        f"The audit trail is intact: {count} rows, the last #{last_id}{_at(last_text)}.",
    )


def _guarded(database: Database) -> bool:
    if isinstance(database, PostgresqlDatabase):
        from db import postgres_audit

        return postgres_audit.guarded(database)
    return not set(GUARDS) - set(_present(database, "audit_no_"))


def _last_issued(database: Database) -> int | None:
    """The highest id the table ever gave out (AUTOINCREMENT keeps it), to notice a cut tail."""
    if isinstance(database, PostgresqlDatabase):
        from db import postgres_audit

        return postgres_audit.last_issued(database)
    if not isinstance(database, SqliteDatabase) or "sqlite_sequence" not in database.get_tables():
        return None
    found = _sql(database, "SELECT seq FROM sqlite_sequence WHERE name = ?", (TABLE,)).fetchone()
    return int(found[0]) if found else None


def _row_problem(text: str, prev: str | None) -> str | None:
    try:
        body = json.loads(text)
    except ValueError:
        return "is not a trail entry (unreadable)"
    if not isinstance(body, dict) or "hash" not in body:
        return "is not a trail entry"
    if body.get("prev") != prev:
        return "does not follow the row before it (that row, or one before it, was changed)"
    if entry_hash(body) != body["hash"]:
        return "was changed after it was written"
    return None


def _what(text: str) -> str:
    try:
        body = json.loads(text)
        return f" ({body['at']} UTC, {body['action']} {body['subject']})"
    except (ValueError, KeyError, TypeError):
        return ""


def _at(text: str) -> str:
    try:
        return f" at {json.loads(text)['at']} UTC"
    except (ValueError, KeyError, TypeError):
        return ""
