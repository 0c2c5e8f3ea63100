"""The audit trail on a PostgreSQL server: capture triggers and the hash chain in PL/pgSQL.

The same trail as on SQLite (db/audit.py): every insert, update and delete on a
practice table is written to `audit` by a trigger in the database, so no writer —
om-tui, psql, a script — can change a row without the trail saying so. Each row's
entry is the same canonical JSON (sorted keys, no spaces, the previous row's hash)
and its hash the sha256 of that text, so the one Python verifier (`audit verify`,
the anchors) checks both stores. `om_tui_canonical` writes JSON exactly as Python's
`json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)` does,
numbers included (Python's shortest float text); a text that Python would read
back and write differently would fail the check, so the two must agree.

Who, where and when come from the session: om-tui's every transaction sets
`om_tui.actor`, `om_tui.terminal`, `om_tui.at` (the injected clock) and
`om_tui.auditing` (off inside `suspended`) as it takes the practice's advisory
lock (db/postgres.py). A writer that is not om-tui is recorded as nobody, at the
server's clock, from its application name and address.

The appending function runs as the database's owner (SECURITY DEFINER): the
application's role may not write `audit` itself, only through the triggers; nor
may it drop them (only a table's owner can). The chain has one line because the
appender takes the advisory lock every om-tui transaction takes, whoever writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from peewee import Database

from db.postgres import WRITE_LOCK

TRIGGER_PREFIX = "audit_capture_"
APPLICATION_ROLE = "om_tui_app"
"""The group role terminals log in through (README: "Roles"); given its rights on install."""
_MOMENT_TYPES = ("timestamp", "date")


def _sql(database: Database, sql: str, params: tuple[object, ...] = ()) -> Any:
    return database.execute_sql(sql, params)  # type: ignore[no-untyped-call]


# The functions, as the server keeps them (their text is compared to tell whether they are
# the current ones). Each is a complete CREATE OR REPLACE statement's body.

_NUMBER = r"""
DECLARE
  f float8; s text; m text; e int := 0; digits text; decpt int; sign text := '';
BEGIN
  IF t ~ '^-?[0-9]+$' THEN
    RETURN t::numeric::text;  -- an integer, as Python writes it
  END IF;
  f := t::float8;
  s := f::text;  -- the shortest text that reads back as f (extra_float_digits = 1)
  IF s IN ('NaN', 'Infinity', '-Infinity') THEN
    RETURN s;
  END IF;
  IF left(s, 1) = '-' THEN
    sign := '-'; s := substr(s, 2);
  END IF;
  m := split_part(s, 'e', 1);
  IF position('e' IN s) > 0 THEN
    e := split_part(s, 'e', 2)::int;
  END IF;
  decpt := coalesce(nullif(position('.' IN m), 0) - 1, length(m)) + e;
  digits := replace(m, '.', '');
  WHILE length(digits) > 1 AND left(digits, 1) = '0' LOOP
    digits := substr(digits, 2); decpt := decpt - 1;
  END LOOP;
  digits := coalesce(nullif(rtrim(digits, '0'), ''), '0');
  IF digits = '0' THEN
    RETURN sign || '0.0';
  END IF;
  IF decpt <= -4 OR decpt > 16 THEN  -- Python's repr() switches to an exponent here
    RETURN sign || left(digits, 1)
      || CASE WHEN length(digits) > 1 THEN '.' || substr(digits, 2) ELSE '' END
      || 'e' || CASE WHEN decpt - 1 < 0 THEN '-' ELSE '+' END
      || lpad(abs(decpt - 1)::text, 2, '0');
  END IF;
  IF decpt <= 0 THEN
    RETURN sign || '0.' || repeat('0', -decpt) || digits;
  END IF;
  IF decpt >= length(digits) THEN
    RETURN sign || digits || repeat('0', decpt - length(digits)) || '.0';
  END IF;
  RETURN sign || left(digits, decpt) || '.' || substr(digits, decpt + 1);
END
"""

_CANONICAL = r"""
BEGIN
  IF v IS NULL THEN
    RETURN 'null';
  END IF;
  CASE jsonb_typeof(v)
    WHEN 'object' THEN
      RETURN '{' || coalesce((
        SELECT string_agg(to_json(key)::text || ':' || om_tui_canonical(value), ','
                          ORDER BY key COLLATE "C")
        FROM jsonb_each(v)), '') || '}';
    WHEN 'array' THEN
      RETURN '[' || coalesce((
        SELECT string_agg(om_tui_canonical(value), ',' ORDER BY n)
        FROM jsonb_array_elements(v) WITH ORDINALITY AS item(value, n)), '') || ']';
    WHEN 'string' THEN
      RETURN to_json(v #>> '{}')::text;
    WHEN 'number' THEN
      RETURN om_tui_number(v::text);
    ELSE
      RETURN v::text;
  END CASE;
END
"""

_APPEND = r"""
DECLARE
  prev text; moment text; staff int; place text; body jsonb; content text; digest text;
BEGIN
  PERFORM pg_advisory_xact_lock(WRITE_LOCK);
  SELECT a.hash INTO prev FROM audit a ORDER BY a.id DESC LIMIT 1;
  moment := coalesce(nullif(current_setting('om_tui.at', true), ''),
                     to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'));
  staff := nullif(current_setting('om_tui.actor', true), '')::int;
  place := coalesce(nullif(current_setting('om_tui.terminal', true), ''),
                    'db:' || current_setting('application_name') || '@'
                    || coalesce(host(inet_client_addr()), 'local'));
  body := jsonb_build_object(
    'at', moment, 'staff', staff, 'terminal', place, 'action', action,
    'subject', subject, 'row', row_id, 'patient', patient, 'before', before,
    'after', after, 'detail', detail, 'prev', prev);
  content := om_tui_canonical(body);
  digest := encode(sha256(convert_to(content, 'UTF8')), 'hex');
  INSERT INTO audit (entry, at, staff_id, terminal, action, subject, row_id, patient_id,
                     prev_hash, hash)
  VALUES (left(content, -1) || ',"hash":"' || digest || '"}', moment, staff, place, action,
          subject, row_id #>> '{}', (patient #>> '{}')::int, prev, digest);
END
""".replace("WRITE_LOCK", str(WRITE_LOCK))

_VALUES = r"""
  SELECT jsonb_object_agg(key, CASE
    WHEN value = 'null'::jsonb THEN value
    WHEN key = ANY(hidden) THEN '"(hidden)"'::jsonb
    WHEN jsonb_typeof(value) = 'boolean' THEN to_jsonb((value = 'true'::jsonb)::int)
    WHEN key = ANY(moments) THEN to_jsonb(replace(value #>> '{}', 'T', ' '))
    ELSE value END)
  FROM jsonb_each(r)
"""

_CAPTURE = r"""
DECLARE
  old_row jsonb; new_row jsonb; changed text[]; row_ jsonb; patient jsonb;
  hidden text[] := string_to_array(TG_ARGV[2], ',');
  moments text[] := string_to_array(TG_ARGV[3], ',');
BEGIN
  IF current_setting('om_tui.auditing', true) = '0' THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
  IF TG_OP = 'UPDATE' THEN  -- a change: only what changed
    SELECT array_agg(n.key) INTO changed FROM jsonb_each(new_row) n
      WHERE n.value IS DISTINCT FROM old_row -> n.key;
    IF changed IS NULL THEN
      RETURN NULL;
    END IF;
    SELECT jsonb_object_agg(key, value) INTO old_row FROM jsonb_each(old_row)
      WHERE key = ANY(changed);
    SELECT jsonb_object_agg(key, value) INTO new_row FROM jsonb_each(new_row)
      WHERE key = ANY(changed);
  END IF;
  row_ := coalesce(to_jsonb(NEW), to_jsonb(OLD));
  patient := CASE TG_ARGV[1]
    WHEN 'self' THEN row_ -> TG_ARGV[0]
    WHEN 'column' THEN row_ -> 'patient_id'
    WHEN 'visit' THEN (SELECT to_jsonb(v.patient_id) FROM visit v
                       WHERE v.id = (row_ ->> 'visit_id')::int)
    ELSE NULL END;
  PERFORM om_tui_audit_append(
    CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'change' ELSE 'delete' END,
    TG_TABLE_NAME::text,
    CASE WHEN TG_ARGV[0] = '' THEN NULL ELSE row_ -> TG_ARGV[0] END,
    patient,
    om_tui_audit_values(old_row, hidden, moments),
    om_tui_audit_values(new_row, hidden, moments),
    NULL);
  RETURN NULL;
END
"""

FUNCTIONS: dict[str, tuple[str, str]] = {
    # name: (signature and options, body)
    "om_tui_number": (
        "(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE SET extra_float_digits = 1",
        _NUMBER,
    ),
    "om_tui_canonical": ("(v jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE", _CANONICAL),
    "om_tui_audit_values": (
        "(r jsonb, hidden text[], moments text[]) RETURNS jsonb LANGUAGE sql IMMUTABLE",
        _VALUES,
    ),
    "om_tui_audit_append": (
        "(action text, subject text, row_id jsonb, patient jsonb, before jsonb, after jsonb,"
        " detail jsonb) RETURNS void LANGUAGE plpgsql SECURITY DEFINER"
        " SET search_path FROM CURRENT",
        _APPEND,
    ),
    "om_tui_audit_capture": ("() RETURNS trigger LANGUAGE plpgsql", _CAPTURE),
    # Migration 0005's guard, saying what SQLite's says: a broken constraint.
    "audit_append_only": (
        "() RETURNS trigger LANGUAGE plpgsql",
        "BEGIN RAISE EXCEPTION 'the audit trail is append-only'"
        " USING ERRCODE = 'integrity_constraint_violation'; END",
    ),
}


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, type)
    key: str | None

    def has(self, column: str) -> bool:
        return any(name == column for name, _ in self.columns)


def _tables(database: Database, skip: Iterable[str]) -> dict[str, _Table]:
    found: dict[str, tuple[list[tuple[str, str]], list[str]]] = {}
    for table, column, kind, is_key in _sql(
        database,
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),"
        " coalesce(i.indisprimary, false)"
        " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
        " AND a.attnum > 0 AND NOT a.attisdropped"
        " LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary"
        " AND a.attnum = ANY(i.indkey)"
        " WHERE c.relkind = 'r' AND c.relnamespace = to_regnamespace(current_schema())"
        " ORDER BY c.relname, a.attnum",
    ):
        columns, keys = found.setdefault(str(table), ([], []))
        columns.append((str(column), str(kind)))
        if is_key:
            keys.append(str(column))
    left_out = set(skip)
    return {
        name: _Table(name, tuple(columns), keys[0] if len(keys) == 1 else None)
        for name, (columns, keys) in found.items()
        if name not in left_out
    }


def _arguments(table: _Table, tables: dict[str, _Table], hidden: Any) -> tuple[str, ...]:
    """The capture trigger's arguments: key column, how to find the patient, hidden
    columns, columns holding moments (written as SQLite keeps them)."""
    if table.name == "patient" and table.key:
        patient = "self"
    elif table.has("patient_id"):
        patient = "column"
    elif table.has("visit_id") and "visit" in tables and tables["visit"].has("patient_id"):
        patient = "visit"
    else:
        patient = "none"
    secret = [name for name, _ in table.columns if hidden(table.name, name)]
    moments = [name for name, kind in table.columns if kind.startswith(_MOMENT_TYPES)]
    return (table.key or "", patient, ",".join(secret), ",".join(moments))


def _wanted(database: Database, skip: Iterable[str], hidden: Any) -> dict[str, tuple[str, ...]]:
    tables = _tables(database, skip)
    return {name: _arguments(table, tables, hidden) for name, table in tables.items()}


def _present(database: Database) -> dict[str, tuple[str, ...]]:
    rows = _sql(
        database,
        "SELECT c.relname, t.tgargs FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE t.tgname LIKE %s AND c.relnamespace = to_regnamespace(current_schema())",
        (TRIGGER_PREFIX + "%",),
    )
    present = {}
    for table, arguments in rows:
        words = bytes(arguments).split(b"\x00")[:-1]
        present[str(table)] = tuple(word.decode() for word in words)
    return present


def _functions_in_place(database: Database) -> bool:
    rows = _sql(
        database,
        "SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s)"
        " AND pronamespace = to_regnamespace(current_schema())",
        (list(FUNCTIONS),),
    )
    present = {str(name): str(source) for name, source in rows}
    return all(present.get(name) == body for name, (_, body) in FUNCTIONS.items())


def install(database: Database, skip: Iterable[str], hidden: Any) -> dict[str, list[str]]:
    """Make the functions and capture triggers current; what was done, by kind (empty
    when all was in place: then nothing is written)."""
    skip = tuple(skip)
    wanted = _wanted(database, skip, hidden)
    present = _present(database)
    if present == wanted and _functions_in_place(database):
        return {}
    done: dict[str, list[str]] = {}
    with database.atomic():
        for name, (signature, body) in FUNCTIONS.items():
            _sql(database, f"CREATE OR REPLACE FUNCTION {name}{signature} AS $body${body}$body$")
        for table in sorted(set(present) - set(wanted)):
            _sql(database, f'DROP TRIGGER IF EXISTS "{TRIGGER_PREFIX}{table}" ON "{table}"')
            done.setdefault("removed", []).append(table)
        for table, arguments in sorted(wanted.items()):
            if present.get(table) == arguments:
                continue
            words = ", ".join("'" + word.replace("'", "''") + "'" for word in arguments)
            _sql(
                database,
                f'CREATE OR REPLACE TRIGGER "{TRIGGER_PREFIX}{table}" AFTER INSERT OR UPDATE'
                f' OR DELETE ON "{table}" FOR EACH ROW EXECUTE FUNCTION'
                f" om_tui_audit_capture({words})",
            )
            done.setdefault("rebuilt" if table in present else "created", []).append(table)
        grant(database)
    return done


def grant(database: Database) -> None:
    """The application's role may read and change the practice's tables and read the
    trail; it writes the trail only through the triggers."""
    exists = _sql(database, "SELECT 1 FROM pg_roles WHERE rolname = %s", (APPLICATION_ROLE,))
    if exists.fetchone() is None:
        return
    schema = "current_schema()"
    name = _sql(database, f"SELECT {schema}").fetchone()[0]
    _sql(database, f'GRANT USAGE ON SCHEMA "{name}" TO {APPLICATION_ROLE}')
    _sql(
        database,
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{name}"'
        f" TO {APPLICATION_ROLE}",
    )
    _sql(database, f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{name}" TO {APPLICATION_ROLE}')
    _sql(database, f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit FROM {APPLICATION_ROLE}")


def record(database: Database, action: str, subject: str, detail: str | None) -> None:
    """Append an event that is not a row change (a login, a lock), chained by the server."""
    with database.atomic():
        _sql(
            database,
            "SELECT om_tui_audit_append(%s, %s, NULL, NULL, NULL, NULL, %s::jsonb)",
            (action, subject, detail),
        )


def settings(actor: int | None, terminal: str, at: str, auditing: int) -> tuple[str, list[object]]:
    """The statement (and its parameters) that tells the triggers who, where and when, for one
    transaction; it takes the practice's advisory lock too (one round trip)."""
    return (
        "SELECT pg_advisory_xact_lock(%s), set_config('om_tui.actor', %s, true),"
        " set_config('om_tui.terminal', %s, true), set_config('om_tui.at', %s, true),"
        " set_config('om_tui.auditing', %s, true)",
        [WRITE_LOCK, "" if actor is None else str(actor), terminal, at, str(auditing)],
    )


def guarded(database: Database) -> bool:
    """Is the trail's append-only guard in place?"""
    found = _sql(
        database,
        "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE c.relname = 'audit' AND t.tgname = 'audit_no_change' AND t.tgenabled <> 'D'"
        " AND c.relnamespace = to_regnamespace(current_schema())",
    )
    return found.fetchone() is not None


def last_issued(database: Database) -> int | None:
    """The highest id the trail's sequence gave out (a sequence never goes back)."""
    found = _sql(
        database, "SELECT pg_sequence_last_value(pg_get_serial_sequence('audit', 'id'))"
    ).fetchone()
    return int(found[0]) if found and found[0] is not None else None
