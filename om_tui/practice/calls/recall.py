"""The recall (reactivation) list: patients whose last visit is older than the practice's
interval for that visit's type, who have nothing booked from today on, who did not ask
not to be contacted, and whom the list has not given up on (rules.py).

A patient's last visit is their latest appointment before today neither cancelled nor
missed. Worst first: the longest overdue. A patient called within the spacing days stays
on the list, resting (after the others, with the day they may be called again), so that
the desk that reaches them can still book them from it; the count is of those to call.

Read in three queries: the last kept appointment of each patient in the look-back window
(an index of kept appointments by patient that answers it alone, migration 0018; SQLite's
planner is told to use it, as it would rather take missed_at's for "IS NULL"), the
patients booked from today on, and the recall contacts — raw rows. On a large practice
tens of thousands are due: they are compared and sorted as stored, and only the page
shown is made into rows (`recall_page`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from peewee import Database, SqliteDatabase

from db.models import CallContact, as_utc, utc_naive
from om_tui.practice.calls.contacts import RECALL, TRIES, do_not_contact
from om_tui.practice.calls.rules import CallRules
from om_tui.practice.settings import PracticeSettings


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
    """The list's first `shown` rows (None: all), worst first, and its counts."""
    today_starts = practice.day_bounds(today)[0]
    lapsed = practice.day_bounds(today - dt.timedelta(days=rules.lapsed_days))[0]
    due_before = practice.day_bounds(today - dt.timedelta(days=rules.shortest_recall - 1))[0]
    mark = database.param
    hint = " INDEXED BY appointment_kept_by_patient" if isinstance(database, SqliteDatabase) else ""
    cursor = database.execute_sql(  # type: ignore[no-untyped-call]
        "SELECT a.patient_id, a.start, a.type_id, a.provider_id, "
        "p.first_name, p.last_name, p.phone FROM appointment a "
        f"JOIN (SELECT patient_id, MAX(start) AS last FROM appointment{hint} "
        f"WHERE cancelled_at IS NULL AND missed_at IS NULL AND start < {mark} "
        f"GROUP BY patient_id HAVING MAX(start) >= {mark} AND MAX(start) < {mark}) m "
        "ON a.patient_id = m.patient_id AND a.start = m.last "
        "JOIN patient p ON p.id = a.patient_id "
        "WHERE a.cancelled_at IS NULL AND a.missed_at IS NULL "
        "AND p.active AND p.merged_into_id IS NULL",
        (str(utc_naive(today_starts)), str(utc_naive(lapsed)), str(utc_naive(due_before))),
    )
    found = cursor.fetchall()
    if not found:
        return RecallPage([], 0, 0)
    sample = found[0][1]
    # Due once the last visit's day + the type's days is today or before: the last visit
    # began before the start of the day `days - 1` before today.
    intervals: dict[int | None, int] = {None: rules.recall_default}
    for type_id, interval in rules.recall_by_type.items():
        intervals[type_id] = interval
    cutoffs = {
        type_id: _as_stored(practice.day_bounds(today - dt.timedelta(days=n - 1))[0], sample)
        for type_id, n in intervals.items()
    }
    default_cutoff = cutoffs[None]
    candidates = {row[0]: row for row in found if row[1] < cutoffs.get(row[2], default_cutoff)}
    booked = database.execute_sql(  # type: ignore[no-untyped-call]
        f"SELECT patient_id, cancelled_at FROM appointment WHERE start >= {mark}",
        (str(utc_naive(today_starts)),),
    )
    for patient_id, cancelled in booked:  # (cancelled ones left out here: see confirmations)
        if cancelled is None:
            candidates.pop(patient_id, None)
    for patient_id in do_not_contact():
        candidates.pop(patient_id, None)
    calls: dict[int, set[dt.date]] = defaultdict(set)
    for contact in CallContact.select(CallContact.patient, CallContact.at).where(
        CallContact.listed == RECALL, CallContact.outcome.in_(sorted(TRIES))
    ):
        if contact.patient_id in candidates:
            at = as_utc(contact.at)
            if at > _instant(candidates[contact.patient_id][1]):  # since the last visit
                calls[contact.patient_id].add(practice.local(at).date())
    waiting: list[tuple[bool, object, int]] = []
    one_interval = not rules.recall_by_type  # then the last visit orders them as the due day
    for patient_id, row in candidates.items():
        days = calls.get(patient_id, set())
        if len(days) >= rules.most_tries:
            continue  # given up on
        resting = bool(days) and max(days) + dt.timedelta(days=rules.spacing_days) > today
        if one_interval:
            waiting.append((resting, row[1], patient_id))
        else:
            shift = dt.timedelta(days=intervals.get(row[2], rules.recall_default))
            waiting.append((resting, _instant(row[1]) + shift, patient_id))
    waiting.sort()
    page = waiting if shown is None else waiting[:shown]
    rows = [_row(candidates[p], calls.get(p, set()), rules, practice, today) for _, _, p in page]
    to_call = sum(1 for resting, _, _ in waiting if not resting)
    return RecallPage(rows, len(waiting), to_call)


def _row(
    found: tuple[object, ...],
    days: set[dt.date],
    rules: CallRules,
    practice: PracticeSettings,
    today: dt.date,
) -> RecallRow:
    patient_id, start, type_id, provider_id, first, last, phone = found
    assert isinstance(patient_id, int)
    kind = type_id if isinstance(type_id, int) else None
    last_day = practice.local(_instant(start)).date()
    last_call = max(days) if days else None
    again = None
    if last_call is not None and rules.spacing_days:
        next_day = last_call + dt.timedelta(days=rules.spacing_days)
        again = next_day if next_day > today else None
    return RecallRow(
        patient_id,
        f"{first} {last}",
        str(phone),
        last_day,
        kind,
        provider_id if isinstance(provider_id, int) else None,
        last_day + dt.timedelta(days=rules.recall_days(kind)),
        len(days),
        last_call,
        again,
    )
