"""The trail replayed against the tables: the rows whose state the trail does not explain.

Each row change on the trail keeps the row's values: all of them when it was added, the
changed ones (before and after) when it was changed. Played from the first entry to the
last, they give each row's state as the trail knows it. A row whose current values
differ, that is there though the trail removed it, that is gone though the trail never
removed it, or that the trail never saw added, was written around the capture triggers
(a trigger dropped, the write made, the trigger put back): the chain of hashes cannot
see that, since nothing was written to the trail.

What the replay cannot judge: a secret's value (the trail keeps only "(hidden)"), a
column the trail never recorded (added by a later migration), and rows written with the
trail paused on purpose (bulk generation): the caller names those (`exempt`). Findings
name the table and the row's id, never a value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peewee import Database, SqliteDatabase

from db.audit import HIDDEN, TABLE, _ident, _row_object, _sql, _tables, has_trail, is_hidden

ROW_CHANGES = ("create", "change", "delete")
Exempt = Callable[[str, Any, dict[str, Any]], bool]
"""(table, row id, the row's values) → True for a row the trail is not expected to explain."""


@dataclass(frozen=True)
class Unexplained:
    """A row whose state the trail does not explain, and how."""

    table: str
    row: Any
    why: str

    def __str__(self) -> str:
        return f"{self.table} #{self.row} {self.why}"


@dataclass
class _Known:
    values: dict[str, Any]
    created: bool
    """Added on the trail (else only changes were seen: the row came before, or paused)."""
    removed: bool = False


def replay(database: Database) -> dict[tuple[str, Any], _Known]:
    """(table, row id) → the row's state as the trail tells it, entry by entry."""
    known: dict[tuple[str, Any], _Known] = {}
    for (text,) in _sql(database, f"SELECT entry FROM {TABLE} ORDER BY id"):
        body = json.loads(text)
        action = body.get("action")
        if action not in ROW_CHANGES:
            continue
        key = (str(body.get("subject")), body.get("row"))
        if action == "create":
            known[key] = _Known(dict(body.get("after") or {}), created=True)
        elif action == "delete":
            row = known.setdefault(key, _Known({}, created=False))
            row.removed = True
        else:
            row = known.setdefault(key, _Known({}, created=False))
            row.values.update(body.get("after") or {})
            row.removed = False
    return known


def unexplained(database: Database, exempt: Exempt | None = None) -> list[Unexplained]:
    """Every row of the audited tables whose current state the trail does not explain."""
    if not isinstance(database, SqliteDatabase) or not has_trail(database):
        return []  # a server database has no capture triggers to go around (db/audit.py)
    excused = exempt or (lambda table, row, values: False)
    known = replay(database)
    found: list[Unexplained] = []
    tables = _tables(database)
    seen: set[tuple[str, Any]] = set()
    for table in tables.values():
        key = _ident(table.key) if table.key else "rowid"
        name = _ident(table.name)
        rows = _sql(database, f"SELECT {key}, {_row_object(table, name)} FROM {name} ORDER BY 1")
        for row_id, text in rows:
            values = json.loads(text)
            seen.add((table.name, row_id))
            state = known.get((table.name, row_id))
            if state is None or state.removed:
                if not excused(table.name, row_id, values):
                    why = "is there, though the trail removed it" if state else "was never added"
                    found.append(Unexplained(table.name, row_id, why))
                continue
            differ = [
                column
                for column, value in state.values.items()
                if column in values
                and not (value == HIDDEN and is_hidden(table.name, column))
                and values[column] != value
            ]
            if differ:
                columns = ", ".join(sorted(differ))
                found.append(
                    Unexplained(table.name, row_id, f"differs from the trail in: {columns}")
                )
    for (table_name, row_id), state in known.items():
        if table_name not in tables or (table_name, row_id) in seen or state.removed:
            continue
        if not excused(table_name, row_id, state.values):
            found.append(
                Unexplained(table_name, row_id, "is gone, though the trail never removed it")
            )
    return found
