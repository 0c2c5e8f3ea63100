"""The recall (reactivation) list: patients whose last visit is older than the practice's
interval for that visit's type, who have nothing booked from today on, who did not ask
not to be contacted, and whom the list has not given up on (rules.py).

A patient's last visit is their latest appointment before today neither cancelled nor
missed. Worst first: the longest overdue. A patient called within the spacing days stays
on the list, resting (after the others, with the day they may be called again), so that
the desk that reaches them can still book them from it; the count is of those to call.

Read in three queries: the last kept appointment of each patient in the look-back window
(an index of kept appointments by patient, migration 0018), the patients booked from
today on, and the recall contacts — raw rows, as peewee's conversion of a hundred
thousand dates costs more than the reading.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from peewee import Database

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


def _stored_day(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


def recall_list(
    database: Database, practice: PracticeSettings, rules: CallRules, today: dt.date
) -> list[RecallRow]:
    """Everyone due for a recall call, worst first (those resting after the rest)."""
    today_starts = practice.day_bounds(today)[0]
    lapsed = practice.day_bounds(today - dt.timedelta(days=rules.lapsed_days))[0]
    due_before = practice.day_bounds(today - dt.timedelta(days=rules.shortest_recall - 1))[0]
    mark = database.param
    cursor = database.execute_sql(  # type: ignore[no-untyped-call]
        "SELECT a.patient_id, a.start, a.type_id, a.provider_id, "
        "p.first_name, p.last_name, p.phone FROM appointment a "
        "JOIN (SELECT patient_id, MAX(start) AS last FROM appointment "
        f"WHERE cancelled_at IS NULL AND missed_at IS NULL AND start < {mark} "
        f"GROUP BY patient_id HAVING MAX(start) >= {mark} AND MAX(start) < {mark}) m "
        "ON a.patient_id = m.patient_id AND a.start = m.last "
        "JOIN patient p ON p.id = a.patient_id "
        "WHERE a.cancelled_at IS NULL AND a.missed_at IS NULL "
        "AND p.active AND p.merged_into_id IS NULL",
        (str(utc_naive(today_starts)), str(utc_naive(lapsed)), str(utc_naive(due_before))),
    )
    candidates: dict[int, tuple[dt.date, int | None, int | None, str, str]] = {}
    for patient_id, start, type_id, provider_id, first, last, phone in cursor:
        last_day = practice.local(_stored_day(start)).date()
        if last_day + dt.timedelta(days=rules.recall_days(type_id)) <= today:
            candidates[patient_id] = (last_day, type_id, provider_id, f"{first} {last}", phone)
    if not candidates:
        return []
    booked = database.execute_sql(  # type: ignore[no-untyped-call]
        "SELECT DISTINCT patient_id FROM appointment "
        f"WHERE start >= {mark} AND cancelled_at IS NULL",
        (str(utc_naive(today_starts)),),
    )
    for (patient_id,) in booked:
        candidates.pop(patient_id, None)
    for patient_id in do_not_contact():
        candidates.pop(patient_id, None)
    calls: dict[int, set[dt.date]] = defaultdict(set)
    for contact in CallContact.select(CallContact.patient, CallContact.at).where(
        CallContact.listed == RECALL, CallContact.outcome.in_(sorted(TRIES))
    ):
        if contact.patient_id in candidates:
            day = practice.local(as_utc(contact.at)).date()
            if day > candidates[contact.patient_id][0]:  # since the last visit
                calls[contact.patient_id].add(day)
    rows = []
    for patient_id, (last_day, type_id, provider_id, name, phone) in candidates.items():
        days = calls.get(patient_id, set())
        if len(days) >= rules.most_tries:
            continue  # given up on
        last_call = max(days) if days else None
        again = None
        if last_call is not None and rules.spacing_days:
            next_day = last_call + dt.timedelta(days=rules.spacing_days)
            again = next_day if next_day > today else None
        due = last_day + dt.timedelta(days=rules.recall_days(type_id))
        rows.append(
            RecallRow(
                patient_id,
                name,
                phone,
                last_day,
                type_id,
                provider_id,
                due,
                len(days),
                last_call,
                again,
            )
        )
    rows.sort(key=lambda r: (not r.to_call, r.due, r.name))
    return rows
