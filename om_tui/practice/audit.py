"""The audit trail: who did what, when and from where — recorded, checked, read.

Row changes are written by the store itself (db/audit.py: a trigger on every
table), so the services here never log by hand. What is not a row change — a
login, a logout, a lock, a failed login — is written with `record`. Who is named
is this process's actor (`set_actor`, at login); where, its terminal (the tty, or
the SSH client's address). The trail keeps patient data: it is the record of who
touched it. It is shown on screen to the roles that may read it (the manager and the
owner: people.PERMISSIONS["audit"]), and never written to a log.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from peewee import Database, Table, fn

from db import audit as store
from db.audit import VerifyResult, suspended, terminal_here
from db.models import Patient, Staff
from om_tui.practice.clock import Clock
from om_tui.practice.settings import PracticeSettings

__all__ = [
    "NOBODY",
    "PAGE",
    "Entry",
    "Page",
    "VerifyResult",
    "cli_terminal",
    "people",
    "read",
    "record",
    "set_actor",
    "set_clock",
    "set_terminal",
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
    "lock": "locked the screen",
    "login_failed": "failed login",
    "migrate": "upgraded the database",
    "audit_triggers": "set the audit triggers",
}
_STAMP = "%Y-%m-%d %H:%M:%S.%f"


def set_actor(database: Database, staff_id: int | None) -> None:
    """Who this process's changes are recorded as, from now on (None: no one logged in)."""
    store.context_of(database).actor = staff_id


def set_terminal(database: Database, terminal: str) -> None:
    """Where this process's changes are recorded as coming from."""
    store.context_of(database).terminal = terminal


def set_clock(database: Database, clock: Clock) -> None:
    """The clock the trail's times come from (the app's: frozen in tests)."""
    store.context_of(database).now = clock.now


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
    """Everyone who can appear as the one who did something, by name."""
    return [(s.id, s.name) for s in Staff.select(Staff.id, Staff.name).order_by(Staff.name)]


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

    @property
    def is_row_change(self) -> bool:
        return self.action in ("create", "change", "delete")

    @property
    def what(self) -> str:
        """ "changed visit #12", "logged in: Jo Desk"."""
        action = ACTIONS.get(self.action, self.action.replace("_", " "))
        if self.is_row_change:
            row = f"#{self.row}" if isinstance(self.row, int) else str(self.row)
            return f"{action} {self.subject.replace('_', ' ')} {row}"
        return f"{action}: {self.subject}" if self.subject else action

    @property
    def summary(self) -> str:
        """The change on one line: "stage arrived → roomed", or the values added or removed."""
        if self.action == "change" and self.before is not None and self.after is not None:
            return "; ".join(
                f"{key} {_shown(self.before.get(key))} → {_shown(value)}"
                for key, value in self.after.items()
            )
        values = self.after if self.action == "create" else self.before
        if values is not None:
            return ", ".join(f"{key} {_shown(v)}" for key, v in values.items() if key != "id")
        if isinstance(self.detail, dict):
            return ", ".join(f"{key} {_shown(v)}" for key, v in self.detail.items())
        return "" if self.detail is None else _shown(self.detail)

    def fields(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for every value the row names."""
        before = self.before or {}
        after = self.after or {}
        names = list(dict.fromkeys([*before, *after]))
        return [
            (
                name,
                _shown(before[name]) if name in before else "",
                _shown(after[name]) if name in after else "",
            )
            for name in names
        ]


def _shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
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
    names = _names(
        Staff, [b["staff"] for _, b in bodies if b.get("staff") is not None], lambda s: s.name
    )
    patients = _names(
        Patient,
        [b["patient"] for _, b in bodies if b.get("patient") is not None],
        lambda p: p.full_name,
    )
    return Page([_entry(row_id, body, names, patients) for row_id, body in bodies], more)


def _names(model: Any, ids: Sequence[int], name: Any) -> dict[int, str]:
    if not ids:
        return {}
    return {row.id: str(name(row)) for row in model.select().where(model.id.in_(set(ids)))}


def _entry(
    row_id: int, body: dict[str, Any], staff: dict[int, str], patients: dict[int, str]
) -> Entry:
    staff_id = body.get("staff")
    patient_id = body.get("patient")
    patient = ""
    if patient_id is not None:
        patient = patients.get(patient_id) or _removed_patient_name(body) or f"#{patient_id}"
    return Entry(
        id=row_id,
        at=dt.datetime.strptime(body["at"], _STAMP).replace(tzinfo=dt.UTC),
        staff_id=staff_id,
        who=staff.get(staff_id, f"#{staff_id}") if staff_id is not None else "no one",
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
