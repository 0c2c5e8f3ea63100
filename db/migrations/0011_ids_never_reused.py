"""Ids are never handed out twice: every table's integer id becomes AUTOINCREMENT.

Without AUTOINCREMENT, SQLite gives a new row the highest id plus one, so after the
newest row is deleted (a walk-in's check-in undone, say) the next row takes its id,
and a terminal still showing the deleted record acts on the new one. SQLite cannot
add AUTOINCREMENT to a table in place: each table is rebuilt by SQLite's own
procedure (https://www.sqlite.org/lang_altertable.html#otheralter) — a new table
from the old one's statement with the id marked, its rows copied with their ids,
the old table dropped, the new one renamed, its indexes and triggers made again.
The runner does this with foreign keys off and in one transaction; the keys are
checked before it commits (PRAGMA foreign_key_check finds nothing new).

Each table's sequence starts at the highest id it ever had: its own rows, or a row
the audit trail saw created, changed or deleted, so even an id deleted before this
migration is not handed out again. The trail itself was AUTOINCREMENT from the start
and is left as it is (its ids, its guards, its chain). A server database's
sequences never go back: there this does nothing.
"""

import re

from peewee import OperationalError, SqliteDatabase

_ID_COLUMN = re.compile(
    r'(?P<column>(?:"id"|`id`|\[id\]|\bid)\s+INTEGER(?:\s+NOT\s+NULL)?\s+PRIMARY\s+KEY'
    r"(?:\s+(?:ASC|DESC))?)",
    re.IGNORECASE,
)
_AUTOINCREMENT = re.compile(r"\bAUTOINCREMENT\b", re.IGNORECASE)
_LEFT_AS_THEY_ARE = frozenset({"audit", "sqlite_sequence"})


def _ident(name):
    return '"' + name.replace('"', '""') + '"'


def _rows(db, sql, params=()):
    return db.execute_sql(sql, params).fetchall()


def _has_integer_id(db, table):
    return any(
        name == "id" and primary and declared.upper() == "INTEGER"
        for _, name, declared, _, _, primary in _rows(db, f"PRAGMA table_info({_ident(table)})")
    )


def _to_rebuild(db):
    tables = _rows(
        db,
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    return [
        (name, sql)
        for name, sql in tables
        if name not in _LEFT_AS_THEY_ARE
        and _has_integer_id(db, name)
        and not _AUTOINCREMENT.search(sql)
    ]


def _highest_ids_in_the_trail(db):
    """Table → the highest id the audit trail names for it (a row since deleted too)."""
    if not _rows(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'"):
        return {}
    found = _rows(
        db,
        "SELECT subject, MAX(CAST(row_id AS INTEGER)) FROM audit "
        "WHERE subject != '' AND row_id IS NOT NULL GROUP BY subject",
    )
    return {subject: int(highest) for subject, highest in found if highest is not None}


def _rebuild(db, table, sql, highest_seen):
    marked, count = _ID_COLUMN.subn(r"\g<column> AUTOINCREMENT", sql, count=1)
    if count != 1:
        raise OperationalError(f"migration 0011: cannot find the id column of table {table}")
    rebuilt = f"{table}__0011"
    definition = marked[marked.index("(") :]
    companions = _rows(
        db,
        "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        "AND tbl_name = ? AND sql IS NOT NULL ORDER BY type, name",
        (table,),
    )
    columns = ", ".join(_ident(row[1]) for row in _rows(db, f"PRAGMA table_info({_ident(table)})"))
    db.execute_sql(f"CREATE TABLE {_ident(rebuilt)} {definition}")
    db.execute_sql(
        f"INSERT INTO {_ident(rebuilt)} ({columns}) SELECT {columns} FROM {_ident(table)}"
    )
    db.execute_sql(f"DROP TABLE {_ident(table)}")
    db.execute_sql(f"ALTER TABLE {_ident(rebuilt)} RENAME TO {_ident(table)}")
    for (statement,) in companions:
        db.execute_sql(statement)
    (current,) = _rows(db, f"SELECT COALESCE(MAX(id), 0) FROM {_ident(table)}")[0]
    start = max(current, highest_seen)
    db.execute_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
    if start:
        db.execute_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, start))


def up(migrator, db):
    if not isinstance(db, SqliteDatabase):
        return
    tables = _to_rebuild(db)
    if not tables:
        return
    if db.execute_sql("PRAGMA foreign_keys").fetchone()[0]:
        # The runner turns the keys off around a migration (outside its transaction);
        # dropping a table with them on would delete or refuse the rows that point at it.
        raise OperationalError("migration 0011 must run with foreign keys off")
    highest = _highest_ids_in_the_trail(db)
    # A row already pointing at nothing (written with the keys off) is not this
    # migration's to mend, nor a reason to stop the practice opening its file: the
    # rebuild only must not add one.
    broken_before = sorted(_rows(db, "PRAGMA foreign_key_check"))
    for table, sql in tables:
        _rebuild(db, table, sql, highest.get(table, 0))
    broken = sorted(_rows(db, "PRAGMA foreign_key_check"))
    if broken != broken_before:
        raise OperationalError("migration 0011: the rebuilt tables' foreign keys do not hold")
