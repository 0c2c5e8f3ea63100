"""The recall (reactivation) list: patients whose last visit is older than the practice's
interval for that visit's type, who have nothing booked from today on, who did not ask
not to be contacted, and whom the list has not given up on (rules.py).

A patient's last visit is their latest appointment before today neither cancelled nor
missed. Worst first: the longest overdue. A patient called within the spacing days stays
on the list, resting (after the others, with the day they may be called again), so that
the desk that reaches them can still book them from it; the count is of those to call.

Read from the look-back window only, never the years before it (migration 0023): the
kept appointments from `lapsed_days` ago on, newest first, from an index of kept
appointments by time that holds every column read (SQLite's planner is told to use it,
as it would rather take missed_at's for "IS NULL") — the first seen of each patient is
their last visit, and one later than the due day takes them off; then the patients
booked from today on, the few records no list shows, and the recall contacts of the
window. Nothing about a patient is stored apart from their appointments, so no write
(a booking, a cancellation, an undo, an import, a merge) can leave the list wrong. On a
large practice tens of thousands are due: they are compared as stored, only the page
shown is sorted out (a heap) and made into rows, and the counts alone sort nothing.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from peewee import Database, SqliteDatabase

from db.models import Appointment, CallContact, Patient, Setting, as_utc, utc_naive
from om_tui.practice.calls.contacts import RECALL, TRIES, do_not_contact
from om_tui.practice.calls.rules import CallRules
from om_tui.practice.changes import tables_of
from om_tui.practice.settings import PracticeSettings

RECALL_TABLES = tables_of(Appointment, CallContact, Patient, Setting)
"""What the recall list is read from (`recall_page`)."""


@dataclass(frozen=True)
class RecallRow:
    patient_id: int
    name: str
    phone: str
    last_visit: dt.date
    type_id: int | None
    provider_id: int | None
    due: dt.date
    tries: int
    last_call: dt.date | None
    again_on: dt.date | None  # resting: not to be called before this day

    @property
    def to_call(self) -> bool:
        return self.again_on is None


@dataclass(frozen=True)
class RecallPage:
    """The first rows of the list, and how many are due and how many to call now."""

    rows: list[RecallRow]
    due: int
    to_call: int


def _instant(value: object) -> dt.datetime:
    """A stored instant (text on SQLite, a datetime on PostgreSQL), aware UTC."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


def _as_stored(moment: dt.datetime, sample: object) -> object:
    """`moment` in the form the store gave `sample`, so the two compare without parsing."""
    naive = utc_naive(moment)
    return naive if isinstance(sample, dt.datetime) else str(naive)


def recall_list(
    database: Database, practice: PracticeSettings, rules: CallRules, today: dt.date
) -> list[RecallRow]:
    """Everyone due for a recall call, worst first (those resting after the rest)."""
    return recall_page(database, practice, rules, today, None).rows


def recall_page(
    database: Database,
    practice: PracticeSettings,
    rules: CallRules,
    today: dt.date,
    shown: int | None = 200,
) -> RecallPage:
    """The list's first `shown` rows (None: all; 0: only the counts), worst first, and
    its counts."""
    today_starts = practice.day_bounds(today)[0]
    lapsed = practice.day_bounds(today - dt.timedelta(days=rules.lapsed_days))[0]
    due_before = practice.day_bounds(today - dt.timedelta(days=rules.shortest_recall - 1))[0]
    latest = _last_kept(database, lapsed, due_before)
    if not latest:
        return RecallPage([], 0, 0)
    sample = next(iter(latest.values()))[1]
    # Due once the last visit's day + the type's days is today or before: the last visit
    # began before the start of the day `days - 1` before today.
    intervals: dict[int | None, int] = {None: rules.recall_default}
    for type_id, interval in rules.recall_by_type.items():
        intervals[type_id] = interval
    cutoffs = {
        type_id: _as_stored(practice.day_bounds(today - dt.timedelta(days=n - 1))[0], sample)
        for type_id, n in intervals.items()
    }
    if rules.recall_by_type:
        default_cutoff = cutoffs[None]
        candidates = {
            patient_id: last
            for patient_id, last in latest.items()
            if last[1] < cutoffs.get(last[2], default_cutoff)
        }
    else:  # one interval: the window's end is its cutoff already
        candidates = latest
    mark = database.param
    booked = database.execute_sql(  # type: ignore[no-untyped-call]
        f"SELECT patient_id, cancelled_at FROM appointment WHERE start >= {mark}",
        (str(utc_naive(today_starts)),),
    )
    for patient_id, cancelled in booked:  # a missed one from today on too (as before)
        if cancelled is None:
            candidates.pop(patient_id, None)
    for patient_id in _off_lists(database) | do_not_contact():
        candidates.pop(patient_id, None)
    calls: dict[int, set[dt.date]] = defaultdict(set)
    contacts = CallContact.select(CallContact.patient, CallContact.at).where(
        CallContact.listed == RECALL,
        CallContact.outcome.in_(sorted(TRIES)),
        CallContact.at >= utc_naive(lapsed),  # none older counts: the last visit is later
    )
    for contact in cast(Iterable[tuple[int, dt.datetime]], contacts.tuples()):
        patient_id, at = contact
        if patient_id in candidates:
            moment = as_utc(at)
            if moment > _instant(candidates[patient_id][1]):  # since the last visit
                calls[patient_id].add(practice.local(moment).date())

    def due(last: tuple[Any, ...]) -> object:
        if not rules.recall_by_type:  # one interval: the last visit orders them as due
            return last[1]
        shift = dt.timedelta(days=intervals.get(last[2], rules.recall_default))
        return _instant(last[1]) + shift

    # Most were never called: those in one pass; the called few, resting or given up on.
    waiting = [(False, due(last), p) for p, last in candidates.items() if p not in calls]
    for patient_id, days in calls.items():
        if len(days) < rules.most_tries:  # else given up on
            resting = max(days) + dt.timedelta(days=rules.spacing_days) > today
            waiting.append((resting, due(candidates[patient_id]), patient_id))
    to_call = sum(1 for resting, _, _ in waiting if not resting)
    if shown is None:
        page = sorted(waiting)
    else:
        page = heapq.nsmallest(shown, waiting) if shown else []
    people = _people(database, [p for _, _, p in page])
    rows = [
        _row(candidates[p], people[p], calls.get(p, set()), rules, practice, today)
        for _, _, p in page
    ]
    return RecallPage(rows, len(waiting), to_call)


def _last_kept(
    database: Database, lapsed: dt.datetime, due_before: dt.datetime
) -> dict[int, tuple[Any, ...]]:
    """Patient → their last kept appointment (patient, start as stored, type, provider),
    for those whose last one began in [lapsed, due_before): read from `lapsed` on in time
    order, so that each patient's last row is the one kept.

    On SQLite the rows come as one JSON text (SQLite keeps the bare columns of the row
    with the MAX, as documented): tens of thousands of rows fetched one by one hand the
    interpreter back and forth with the event loop at every row, which in the app cost
    several times the read itself."""
    mark = database.param
    if isinstance(database, SqliteDatabase):
        cursor = database.execute_sql(  # type: ignore[no-untyped-call]
            "SELECT json_group_array(json_array(patient_id, last, type_id, provider_id)) "
            "FROM (SELECT patient_id, MAX(start) AS last, type_id, provider_id "
            "FROM appointment INDEXED BY appointment_kept_by_start "
            f"WHERE cancelled_at IS NULL AND missed_at IS NULL AND start >= {mark} "
            f"GROUP BY patient_id HAVING MAX(start) < {mark})",
            (str(utc_naive(lapsed)), str(utc_naive(due_before))),
        )
        (text,) = cursor.fetchone()
        return {row[0]: tuple(row) for row in json.loads(text or "[]")}
    cursor = database.execute_sql(  # type: ignore[no-untyped-call]
        "SELECT patient_id, start, type_id, provider_id FROM appointment "
        f"WHERE cancelled_at IS NULL AND missed_at IS NULL AND start >= {mark} "
        "ORDER BY start",
        (str(utc_naive(lapsed)),),
    )
    latest: dict[int, tuple[Any, ...]] = {row[0]: row for row in cursor}
    if not latest:
        return latest
    later = _as_stored(due_before, next(iter(latest.values()))[1])
    return {patient_id: row for patient_id, row in latest.items() if row[1] < later}


def _off_lists(database: Database) -> set[int]:
    """Records no list shows: inactive, or merged into another (a partial index of
    their own: a few, among every patient)."""
    inactive = "active = 0" if isinstance(database, SqliteDatabase) else "NOT active"
    cursor = database.execute_sql(  # type: ignore[no-untyped-call]
        f"SELECT id FROM patient WHERE {inactive} OR merged_into_id IS NOT NULL"
    )
    return {patient_id for (patient_id,) in cursor}


def _people(database: Database, patient_ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """Patient → first name, last name, phone: for the rows shown only."""
    found: dict[int, tuple[str, str, str]] = {}
    for start in range(0, len(patient_ids), 500):
        chunk = patient_ids[start : start + 500]
        query = Patient.select(
            Patient.id, Patient.first_name, Patient.last_name, Patient.phone
        ).where(Patient.id.in_(chunk))
        for patient_id, first, last, phone in cast(
            Iterable[tuple[int, str, str, str]], query.tuples()
        ):
            found[patient_id] = (first, last, phone)
    return found


def _row(
    last: tuple[Any, ...],
    person: tuple[str, str, str],
    days: set[dt.date],
    rules: CallRules,
    practice: PracticeSettings,
    today: dt.date,
) -> RecallRow:
    patient_id, start, kind, provider_id = last
    first, last_name, phone = person
    last_day = practice.local(_instant(start)).date()
    last_call = max(days) if days else None
    again = None
    if last_call is not None and rules.spacing_days:
        next_day = last_call + dt.timedelta(days=rules.spacing_days)
        again = next_day if next_day > today else None
    return RecallRow(
        patient_id,
        f"{first} {last_name}",
        str(phone),
        last_day,
        kind,
        provider_id,
        last_day + dt.timedelta(days=rules.recall_days(kind)),
        len(days),
        last_call,
        again,
    )
