"""The recall (reactivation) list: patients whose last visit is older than the practice's
interval for that visit's type, who have nothing booked from today on, who did not ask
not to be contacted, and whom the list has not given up on (rules.py).

A patient's last visit is their latest appointment before today neither cancelled nor
missed. Worst first: the longest overdue. A patient called within the spacing days stays
on the list, resting (after the others, with the day they may be called again), so that
the desk that reaches them can still book them from it; the count is of those to call.

The store works the list out, in one statement (one snapshot: the page and its counts
agree): each patient's last kept visit in the look-back window (`lapsed_days`; an index
of kept appointments by time, migration 0023), the due among them by their visit's type,
less those booked from today on, the records no list shows and those who asked not to
be contacted; then it hands back the first page of those never called since their last
visit (sorted and cut in SQL), the recall calls made to the due since their last visit,
and how many are due. On a large practice tens of thousands are due: none of them is
handled here but the page and the few called. Only the calls are read here, as days in
the practice's zone: how many days (tries) and how lately (resting) decide whether a
called patient is given up on, resting, or to call. Nothing about a patient is stored
apart from their appointments, so no write (a booking, a cancellation, an undo, an
import, a merge) can leave the list wrong.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from peewee import Database, SqliteDatabase

from db.models import Appointment, Blockout, CallContact, Patient, Setting, WorkingHours, utc_naive
from om_tui.practice.calls.confirmations import next_open_day
from om_tui.practice.calls.contacts import RECALL, TRIES
from om_tui.practice.calls.rules import CallRules
from om_tui.practice.changes import tables_of
from om_tui.practice.settings import PracticeSettings

RECALL_TABLES = tables_of(Appointment, Blockout, CallContact, Patient, Setting, WorkingHours)
"""What the recall list is read from (`recall_page`, and the next open day it is called on)."""

PAGE, CALL, COUNT = 0, 1, 2
"""What a row the statement hands back is: a row of the page (never called since the
last visit), a call made to a due patient since their last visit, or the count of due."""


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
    sql, params = _statement(database, practice, rules, today, shown)
    due = 0
    never_called: list[tuple[Any, ...]] = []
    called: dict[int, tuple[Any, ...]] = {}
    days: dict[int, set[dt.date]] = defaultdict(set)
    for row in database.execute_sql(sql, params):  # type: ignore[no-untyped-call]
        if row[0] == COUNT:
            due = int(row[1])
        elif row[0] == PAGE:
            never_called.append(row)
        else:
            called[row[1]] = row
            days[row[1]].add(practice.local(_instant(row[9])).date())
    resting: list[tuple[Any, ...]] = []
    to_call: list[tuple[Any, ...]] = []
    for patient_id, row in called.items():
        if len(days[patient_id]) >= rules.most_tries:
            due -= 1  # given up on
        elif max(days[patient_id]) + dt.timedelta(days=rules.spacing_days) > today:
            resting.append(row)
        else:
            to_call.append(row)
    waiting = due - len(resting)

    def order(row: tuple[Any, ...]) -> tuple[Any, int]:
        return row[5], row[1]  # the due moment (as the statement gave it), the patient

    # The page's own (sorted by the store) and the few called: those to call among them
    # where they fall due, the resting after everyone else.
    page = sorted(never_called + to_call, key=order) + sorted(resting, key=order)
    if shown is not None:
        page = page[:shown]
    rows = [_row(row, days.get(row[1], set()), rules, practice, today) for row in page]
    return RecallPage(_on_open_days(practice, rows), due, waiting)


def _on_open_days(practice: PracticeSettings, rows: list[RecallRow]) -> list[RecallRow]:
    """Each resting row's next call moved to the first day from then that the practice is
    open: the spacing may end on a Sunday or a holiday, when nobody is there to call."""
    opening: dict[dt.date, dt.date] = {}
    for index, row in enumerate(rows):
        if row.again_on is not None:
            day = row.again_on
            if day not in opening:
                opening[day] = next_open_day(practice, day - dt.timedelta(days=1))
            rows[index] = replace(row, again_on=opening[day])
    return rows


def _statement(
    database: Database,
    practice: PracticeSettings,
    rules: CallRules,
    today: dt.date,
    shown: int | None,
) -> tuple[str, dict[str, object]]:
    """The one statement, and its values by name: the due patients (`due`), the recall
    calls made to them since their last visit (`called`); rows of the page, of the calls
    and the count.

    Each row: what it is (PAGE, CALL, COUNT; the count in the second column), the
    patient, their last kept visit's start, type and provider, the moment they are due
    from (a sort key), their name and phone, and the call's moment (CALL rows)."""
    sqlite = isinstance(database, SqliteDatabase)
    params: dict[str, object] = {}

    def value(name: str, item: object) -> str:
        params[name] = item
        return f":{name}" if sqlite else f"%({name})s"

    def day_starts(days_ago: int) -> str:  # as the store compares instants
        naive = utc_naive(practice.day_bounds(today - dt.timedelta(days=days_ago))[0])
        return value(f"day_{days_ago}", str(naive) if sqlite else naive)

    # Due once the last visit's day + the type's days is today or before: the last visit
    # began before the start of the day `days - 1` before today.
    def by_type(then: Callable[[int], str]) -> str:
        whens = " ".join(
            f"WHEN {value(f'type_{type_id}', type_id)} THEN {then(days)}"
            for type_id, days in sorted(rules.recall_by_type.items())
        )
        return f"CASE type_id {whens} ELSE {then(rules.recall_default)} END"

    key = "last"  # one interval: the last visit orders them as due
    if rules.recall_by_type:
        seconds = "strftime('%s', last)" if sqlite else "EXTRACT(EPOCH FROM last)"
        interval = by_type(lambda days: value(f"days_{days}", days))
        key = f"CAST({seconds} AS BIGINT) + 86400 * {interval}"
    kept = "cancelled_at IS NULL AND missed_at IS NULL"
    lapsed = day_starts(rules.lapsed_days)
    due_before = day_starts(rules.shortest_recall - 1)
    if sqlite:  # SQLite keeps the bare columns of the row with the MAX (documented)
        last_kept = (
            "SELECT patient_id, MAX(start) AS last, type_id, provider_id "
            "FROM appointment INDEXED BY appointment_kept_by_start "  # not missed_at's
            f"WHERE {kept} AND start >= {lapsed} "
            f"GROUP BY patient_id HAVING MAX(start) < {due_before}"
        )
    else:
        last_kept = (
            "SELECT * FROM (SELECT DISTINCT ON (patient_id) patient_id, start AS last, "
            f"type_id, provider_id FROM appointment WHERE {kept} AND start >= {lapsed} "
            f"ORDER BY patient_id, start DESC) AS newest WHERE last < {due_before}"
        )
    cutoff = (
        f"last < {by_type(lambda days: day_starts(days - 1))} AND " if rules.recall_by_type else ""
    )
    due = (
        f"SELECT patient_id, last, type_id, provider_id, {key} AS key FROM ({last_kept}) "
        f"AS last_kept WHERE {cutoff}patient_id NOT IN (SELECT patient_id FROM appointment "
        f"WHERE start >= {day_starts(0)} AND cancelled_at IS NULL) "  # a missed one too
        "AND patient_id NOT IN (SELECT id FROM patient "  # (their own partial index)
        f"WHERE {'active = 0' if sqlite else 'NOT active'} OR merged_into_id IS NOT NULL) "
        "AND patient_id NOT IN (SELECT patient_id FROM call_contact "
        f"WHERE outcome = {value('unwilling', 'do_not_contact')})"
    )
    tries = ", ".join(value(outcome, outcome) for outcome in sorted(TRIES))
    called = (
        "SELECT due.*, call_contact.at FROM due JOIN call_contact "
        "ON call_contact.patient_id = due.patient_id "
        f"WHERE call_contact.listed = {value('listed', RECALL)} "
        f"AND call_contact.outcome IN ({tries}) "
        "AND call_contact.at > due.last"  # since the last visit
    )
    person = "patient.first_name, patient.last_name, patient.phone"
    parts = []
    if shown != 0:
        limit = "" if shown is None else f" LIMIT {value('shown', shown)}"
        parts.append(
            f"SELECT {PAGE}, page.*, {person}, NULL FROM (SELECT * FROM due "
            "WHERE patient_id NOT IN (SELECT patient_id FROM called) "
            f"ORDER BY key, patient_id{limit}) AS page "
            "JOIN patient ON patient.id = page.patient_id"
        )
    parts.append(
        f"SELECT {CALL}, called.patient_id, called.last, called.type_id, called.provider_id, "
        f"called.key, {person}, called.at FROM called "
        "JOIN patient ON patient.id = called.patient_id"
    )
    nothing = ", ".join(["NULL"] * 8)
    parts.append(f"SELECT {COUNT}, COUNT(*), {nothing} FROM due")
    return f"WITH due AS ({due}), called AS ({called}) " + " UNION ALL ".join(parts), params


def _instant(value: object) -> dt.datetime:
    """A stored instant (text on SQLite, a datetime on PostgreSQL), aware UTC."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


def _row(
    row: tuple[Any, ...],
    days: set[dt.date],
    rules: CallRules,
    practice: PracticeSettings,
    today: dt.date,
) -> RecallRow:
    _, patient_id, start, kind, provider_id, _, first, last_name, phone, _ = row
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
