"""The audit trail: who did what, when and from where — recorded, checked, read.

Row changes are written by the store itself (db/audit.py: a trigger on every
table), so the services here never log by hand. What is not a row change — a
login, a logout, a lock, a failed login — is written with `record`. Who is named
is this process's actor (`set_actor`, at login); where, its terminal (the tty, or
the SSH client's address). The trail keeps patient data: it is the record of who
touched it. It is shown on screen to the roles that may read it (the manager and the
owner: people.PERMISSIONS["audit"]), and never written to a log.

One idea, the trail as the practice records and reads it, kept whole; its anchors and
its deep check are in anchors.py and trail_check.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from peewee import BooleanField, Database, ForeignKeyField, Table, fn

from db import audit as store
from db.audit import VerifyResult, suspended, terminal_here
from om_tui.practice.clock import Clock
from om_tui.practice.settings import PracticeSettings

__all__ = [
    "NOBODY",
    "PAGE",
    "Entry",
    "Names",
    "Page",
    "VerifyResult",
    "cli_terminal",
    "people",
    "read",
    "record",
    "set_actor",
    "set_clock",
    "set_terminal",
    "terminal_of",
    "suspended",
    "verify",
]

PAGE = 200
"""Rows read at a time, newest first."""
NOBODY = 0
"""The person filter for what was done with no one logged in (the command line, set-up)."""

ACTIONS = {
    "create": "added",
    "change": "changed",
    "delete": "removed",
    "login": "logged in",
    "logout": "logged out",
    "quit": "quit om-tui",
    "hangup": "lost the terminal (hung up)",
    "ended_without_logout": "ended without logout",
    "restore": "restored the database from a backup",
    "ssh_authorize": "authorized an SSH key",
    "ssh_revoke": "took an SSH key out",
    "lock": "locked the screen",
    "login_failed": "failed login",
    "migrate": "upgraded the database",
    "audit_triggers": "set the audit triggers",
    "merge_patients": "merged two patient records",
}
ROW_CHANGES = ("create", "change", "delete")
#: What a table's rows are called on screen; a table not named here is called by its name.
TABLES = {
    "staff": "staff member",
    "post": "hat",
    "hat_holder": "hat holder",
    "checklist_item": "checklist item",
    "checksheet_step": "checksheet step",
    "step_signoff": "checksheet sign-off",
    "policy_post": "policy's hat",
    "policy_version": "policy version",
    "visit_event": "visit's stage",
    "stat_value": "stat value",
    "condition_override": "condition override",
    "orders": "order",
    "program_step": "program step",
    "line_item": "line item",
    "line_event": "line item's step",
    "evaluation_criterion": "evaluation criterion",
    "evaluation_rating": "evaluation rating",
}
#: What a column is called on screen; one not named here is called by its name, without
#: a trailing "_id" and with spaces for underscores ("created_by_id": "created by").
FIELDS = {
    "staff_id": "person",
    "post_id": "hat",
    "secret": "PIN or password",
    "dob": "date of birth",
    "failed_logins": "wrong PIN tries",
    "to_staff_id": "to person",
    "to_post_id": "to hat",
    "provider": "sees patients",
    "holder": "whose tick",
    "key": "item number",
    "shared": "shared by the holders",
    "length_minutes": "minutes",
    "up_is_good": "up is good",
}
_STAMP = "%Y-%m-%d %H:%M:%S.%f"


def table_label(table: str) -> str:
    """ "hat_holder" → "hat holder": what the viewer calls a table's rows."""
    return TABLES.get(table, table.replace("_", " "))


def field_label(column: str) -> str:
    """ "staff_id" → "person": what the viewer calls a column."""
    return FIELDS.get(column) or column.removesuffix("_id").replace("_", " ")


@functools.cache
def _references() -> dict[tuple[str, str], str]:
    """(table, column) → "people" or "hats", for each column that holds a person's or hat's id."""
    from db.models import MODELS, Post, Staff

    found = {("tick", "holder"): "people"}  # a person's id, or 0 for a shared item
    for model in MODELS:
        for column in model._meta.fields.values():
            if isinstance(column, ForeignKeyField) and column.rel_model in (Staff, Post):
                kind = "people" if column.rel_model is Staff else "hats"
                found[(model._meta.table_name, column.column_name)] = kind
    return found


@functools.cache
def _column_order() -> dict[str, dict[str, int]]:
    """Table → column → its place in the table, as the models declare them."""
    from db.models import MODELS

    return {
        model._meta.table_name: {
            column.column_name: place for place, column in enumerate(model._meta.sorted_fields)
        }
        for model in MODELS
    }


@functools.cache
def _flags() -> frozenset[tuple[str, str]]:
    """(table, column) of each yes-or-no column (SQLite stores them as 1 and 0)."""
    from db.models import MODELS

    return frozenset(
        (model._meta.table_name, column.column_name)
        for model in MODELS
        for column in model._meta.fields.values()
        if isinstance(column, BooleanField)
    )


def set_actor(database: Database, staff_id: int | None) -> None:
    """Who this process's changes are recorded as, from now on (None: no one logged in)."""
    store.context_of(database).actor = staff_id
    store.told(database)


def set_terminal(database: Database, terminal: str) -> None:
    """Where this process's changes are recorded as coming from."""
    store.context_of(database).terminal = terminal
    store.told(database)


def set_clock(database: Database, clock: Clock) -> None:
    """The clock the trail's times come from (the app's: frozen in tests)."""
    store.context_of(database).now = clock.now
    store.told(database)


def terminal_of(database: Database) -> str:
    """Where this process's changes are recorded as coming from."""
    return store.context_of(database).terminal


def cli_terminal() -> str:
    """The command line's terminal, told apart from the app's."""
    return f"cli:{terminal_here()}"


def record(database: Database, action: str, subject: str = "", detail: Any = None) -> None:
    """Add an event that is not a row change: "login", "logout", "lock", "login_failed"…

    `subject` names what it is about (a person's name); `detail` is anything JSON can hold.
    """
    store.record(database, action, subject, detail)


def verify(database: Database) -> VerifyResult:
    """Check the whole chain; the result names the first row that does not hold."""
    return store.verify(database)


def people(database: Database) -> list[tuple[int, str]]:
    """Everyone who can appear as the one who did something, by name; "(left)" after the
    name of someone deactivated."""
    from db.models import Staff

    query = Staff.select(Staff.id, Staff.name, Staff.active).order_by(Staff.name)
    return [(s.id, s.name if s.active else f"{s.name} (left)") for s in query]


@dataclass(frozen=True)
class Names:
    """Who and what the ids in a page of the trail stand for: people (those deactivated
    too) and hats."""

    people: Mapping[int, str] = field(default_factory=dict)
    hats: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One row of the trail, as the viewer shows it."""

    id: int
    at: dt.datetime  # aware UTC
    staff_id: int | None
    who: str
    terminal: str
    action: str
    subject: str
    row: object
    patient_id: int | None
    patient: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    detail: Any
    hash: str
    names: Names = field(default_factory=Names, compare=False, repr=False)

    @property
    def is_row_change(self) -> bool:
        return self.action in ROW_CHANGES

    @property
    def what(self) -> str:
        """ "changed visit #12", "changed staff member Tom Becker", "logged in: Jo Desk"."""
        action = ACTIONS.get(self.action, self.action.replace("_", " "))
        if self.is_row_change:
            return f"{action} {table_label(self.subject)} {self._row_name()}"
        return f"{action}: {self.subject}" if self.subject else action

    def _row_name(self) -> str:
        """A person or a hat by name (a removed hat by the title its entry keeps), else "#12"."""
        if not isinstance(self.row, int):
            return str(self.row)
        if self.subject == "staff" and self.row in self.names.people:
            return self.names.people[self.row]
        if self.subject == "post":
            title = self.names.hats.get(self.row) or (self.after or self.before or {}).get("title")
            if title:
                return str(title)
        return f"#{self.row}"

    @property
    def summary(self) -> str:
        """The change on one line: "stage arrived → roomed", or the values added or removed
        (those that are not blank)."""
        if self.action == "change" and self.before is not None and self.after is not None:
            return "; ".join(
                f"{field_label(key)} {self.value(key, self.before.get(key))} → "
                f"{self.value(key, self.after[key])}"
                for key in self._columns(self.after)
            )
        values = self.after if self.action == "create" else self.before
        if values is not None:
            return ", ".join(
                f"{field_label(key)} {self.value(key, values[key])}"
                for key in self._columns(values)
                if key != "id" and values[key] not in (None, "")
            )
        if isinstance(self.detail, dict):
            return ", ".join(f"{key} {_shown(v)}" for key, v in self.detail.items())
        return "" if self.detail is None else _shown(self.detail)

    def fields(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for every value the row names, as a person reads them."""
        before = self.before or {}
        after = self.after or {}
        return [
            (
                field_label(name),
                self.value(name, before[name]) if name in before else "",
                self.value(name, after[name]) if name in after else "",
            )
            for name in self._columns({**before, **after})
        ]

    def _columns(self, values: Mapping[str, object]) -> list[str]:
        """The columns named in `values`, in their table's order (the entry keeps them sorted
        by name), those the tables no longer have last."""
        order = _column_order().get(self.subject, {})
        return sorted(values, key=lambda column: (order.get(column, len(order)), column))

    def value(self, column: str, value: object) -> str:
        """One of the row's values as a person reads it: a person's or hat's name for its id,
        yes or no for a flag."""
        kind = _references().get((self.subject, column))
        if kind is not None and isinstance(value, int) and not isinstance(value, bool):
            if (self.subject, column) == ("tick", "holder") and value == 0:
                return "all the holders (shared)"
            names = self.names.people if kind == "people" else self.names.hats
            return names.get(value, f"#{value}")
        if (self.subject, column) in _flags() and value in (0, 1):
            return "yes" if value else "no"
        return _shown(value)


#: A moment as the store keeps it: UTC, to the microsecond.
STORED_MOMENT = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\.\d+)?")


def _shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and (moment := STORED_MOMENT.fullmatch(value)):
        return f"{moment.group(1)} UTC"  # to the second; said as kept
    return str(value)


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    more: bool  # older rows match too


def read(
    database: Database,
    settings: PracticeSettings,
    *,
    person: int | None = None,
    patient: str = "",
    day: dt.date | None = None,
    before_id: int | None = None,
    limit: int = PAGE,
) -> Page:
    """The trail newest first, `limit` rows older than `before_id`, filtered.

    `person` is a staff id (or NOBODY); `patient` a name, its start, or a chart number,
    matching patients on file and removed ones; `day` a practice-local day.
    """
    from db.models import Patient, Post, Staff

    if not store.has_trail(database):
        return Page([], False)
    trail = Table("audit", _database=database)
    query = trail.select(trail.c.id, trail.c.entry)
    if person == NOBODY:
        query = query.where(trail.c.staff_id.is_null())
    elif person is not None:
        query = query.where(trail.c.staff_id == person)
    if patient.strip():
        query = query.where(trail.c.patient_id.in_(patients_named(database, patient)))
    if day is not None:
        start, end = settings.day_bounds(day)
        query = query.where(
            (trail.c.at >= start.strftime(_STAMP)) & (trail.c.at < end.strftime(_STAMP))
        )
    if before_id is not None:
        query = query.where(trail.c.id < before_id)
    rows = list(query.order_by(trail.c.id.desc()).limit(limit + 1).tuples())
    more = len(rows) > limit
    bodies = [(int(row_id), json.loads(text)) for row_id, text in rows[:limit]]
    people, hats = _named_ids(body for _, body in bodies)
    names = Names(
        people=_names(Staff, people, lambda s: s.name, Staff.name),
        hats=_names(Post, hats, lambda p: p.title, Post.title),
    )
    patients = _names(
        Patient,
        {b["patient"] for _, b in bodies if b.get("patient") is not None},
        lambda p: p.full_name,
        Patient.first_name,
        Patient.last_name,
    )
    return Page([_entry(row_id, body, names, patients) for row_id, body in bodies], more)


def _named_ids(bodies: Iterable[dict[str, Any]]) -> tuple[set[int], set[int]]:
    """The ids of the people and of the hats that a page's entries name."""
    references = _references()
    people: set[int] = set()
    hats: set[int] = set()
    for body in bodies:
        if isinstance(body.get("staff"), int):
            people.add(body["staff"])
        if body.get("action") not in ROW_CHANGES:
            continue
        subject, row = str(body.get("subject") or ""), body.get("row")
        if isinstance(row, int) and subject in ("staff", "post"):
            (people if subject == "staff" else hats).add(row)
        for values in (body.get("before"), body.get("after")):
            for column, value in (values or {}).items():
                kind = references.get((subject, column))
                if kind is not None and isinstance(value, int):
                    (people if kind == "people" else hats).add(value)
    return people, hats


def _names(model: Any, ids: set[int], name: Any, *columns: Any) -> dict[int, str]:
    """Id → name for the rows of `model` with those ids, whatever their state: one query."""
    if not ids:
        return {}
    query = model.select(model.id, *columns).where(model.id.in_(ids))
    return {row.id: str(name(row)) for row in query}


def _entry(row_id: int, body: dict[str, Any], names: Names, patients: dict[int, str]) -> Entry:
    staff_id = body.get("staff")
    patient_id = body.get("patient")
    patient = ""
    if patient_id is not None:
        patient = patients.get(patient_id) or _removed_patient_name(body) or f"#{patient_id}"
    return Entry(
        id=row_id,
        at=dt.datetime.strptime(body["at"], _STAMP).replace(tzinfo=dt.UTC),
        staff_id=staff_id,
        who=names.people.get(staff_id, f"#{staff_id}") if staff_id is not None else "no one",
        terminal=str(body.get("terminal") or ""),
        action=str(body.get("action") or ""),
        subject=str(body.get("subject") or ""),
        row=body.get("row"),
        patient_id=patient_id,
        patient=patient,
        before=body.get("before"),
        after=body.get("after"),
        detail=body.get("detail"),
        hash=str(body.get("hash") or ""),
        names=names,
    )


def _removed_patient_name(body: dict[str, Any]) -> str:
    """A removed patient's name, from the patient row's own entry, when this is it."""
    if body.get("subject") != "patient":
        return ""
    values = body.get("before") or body.get("after") or {}
    name = f"{values.get('first_name') or ''} {values.get('last_name') or ''}".strip()
    return f"{name} (removed)" if name else ""


def patients_named(database: Database, text: str) -> list[int]:
    """Ids of the patients a search names: each word starts a name, or is the chart number.

    Patients removed since are found by the names their removal recorded.
    """
    from db.models import Patient

    words = text.lower().split()
    if not words:
        return []
    query = Patient.select(Patient.id)
    for word in words:
        query = query.where(
            fn.lower(Patient.first_name).startswith(word)
            | fn.lower(Patient.last_name).startswith(word)
            | (Patient.chart_number == word)
        )
    found = [patient.id for patient in query]
    trail = Table("audit", _database=database)
    removed = trail.select(trail.c.entry).where(
        (trail.c.subject == "patient") & (trail.c.action == "delete")
    )
    for (text_,) in removed.tuples():
        values = json.loads(text_).get("before") or {}
        names = [str(values.get(k) or "").lower() for k in ("first_name", "last_name")]
        chart = str(values.get("chart_number") or "").lower()
        if all(any(n.startswith(w) for n in names) or chart == w for w in words):
            found.append(int(values["id"]))
    return found
