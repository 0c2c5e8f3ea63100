"""The audit trail: one append-only table whose rows are chained by their hashes.

Each row's whole content is one canonical JSON `entry` (when, who, from which
terminal, what, the row's before and after, the previous row's hash, its own
hash); the other columns are read out of it, so they cannot disagree with what
the hash covers. The table refuses UPDATE and DELETE. The triggers that write it
on every change are not made here: db/audit.py builds them from the live schema
each time the database is opened, so that later migrations are covered too.
"""

from peewee import SqliteDatabase

_GUARD = "SELECT RAISE(ABORT, 'the audit trail is append-only')"


def _field(name, path, kind=""):
    declared = f"{name} {kind}" if kind else name
    return f"{declared} GENERATED ALWAYS AS (json_extract(entry, '$.{path}')) VIRTUAL"


def up(migrator, db):
    if not isinstance(db, SqliteDatabase):
        _up_server(db)
        return
    columns = ",\n    ".join(
        (
            "id INTEGER PRIMARY KEY AUTOINCREMENT",
            "entry TEXT NOT NULL CHECK (json_valid(entry))",
            _field("at", "at", "TEXT"),
            _field("staff_id", "staff", "INTEGER"),
            _field("terminal", "terminal", "TEXT"),
            _field("action", "action", "TEXT"),
            _field("subject", "subject", "TEXT"),
            _field("row_id", "row"),  # an id, or a setting's key
            _field("patient_id", "patient", "INTEGER"),
            _field("prev_hash", "prev", "TEXT"),
            _field("hash", "hash", "TEXT"),
        )
    )
    db.execute_sql(f"CREATE TABLE audit (\n    {columns}\n)")
    db.execute_sql("CREATE INDEX audit_at ON audit (at)")
    db.execute_sql("CREATE INDEX audit_staff ON audit (staff_id)")
    db.execute_sql("CREATE INDEX audit_patient ON audit (patient_id)")
    db.execute_sql(f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN {_GUARD}; END")
    db.execute_sql(f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN {_GUARD}; END")


def _up_server(db):
    """A server database (PostgreSQL): plain columns, filled by om_tui's own inserts.

    Not exercised by the test suite, which has no server to run against.
    """
    db.execute_sql(
        "CREATE TABLE audit (id SERIAL PRIMARY KEY, entry TEXT NOT NULL, at VARCHAR(32),"
        " staff_id INTEGER, terminal TEXT, action TEXT, subject TEXT, row_id TEXT,"
        " patient_id INTEGER, prev_hash TEXT, hash TEXT)"
    )
    db.execute_sql("CREATE INDEX audit_at ON audit (at)")
    db.execute_sql("CREATE INDEX audit_staff ON audit (staff_id)")
    db.execute_sql("CREATE INDEX audit_patient ON audit (patient_id)")
    db.execute_sql(
        "CREATE FUNCTION audit_append_only() RETURNS trigger AS $$ BEGIN"
        " RAISE EXCEPTION 'the audit trail is append-only'; END $$ LANGUAGE plpgsql"
    )
    db.execute_sql(
        "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit"
        " FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
    )
