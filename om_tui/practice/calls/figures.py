"""What the call lists add up to: the stats they compute (Reactivations: patients booked
from the recall list; the confirmation rate) and the counts the manager's overview and
the lists' picker show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Database

from db.models import CallContact, utc_naive
from om_tui.practice.calls.asap import ASAP_TABLES, asap_count
from om_tui.practice.calls.confirmations import (
    CONFIRMATION_TABLES,
    confirmation_rate_between,
    next_open_day,
    to_confirm,
)
from om_tui.practice.calls.contacts import RECALL
from om_tui.practice.calls.recall import RECALL_TABLES, recall_page
from om_tui.practice.calls.rules import load_rules
from om_tui.practice.calls.unscheduled import UNSCHEDULED_TABLES, unscheduled_list
from om_tui.practice.clock import Clock
from om_tui.practice.settings import PracticeSettings


def call_figures(start: dt.datetime, end: dt.datetime) -> dict[str, float | None]:
    """The call lists' stats for [start, end) (stats.CALL_FIGURES)."""
    booked = (
        CallContact.select(CallContact.patient)
        .where(
            CallContact.listed == RECALL,
            CallContact.outcome == "booked",
            CallContact.at >= utc_naive(start),
            CallContact.at < utc_naive(end),
        )
        .distinct()
        .count()
    )
    return {
        "reactivations": float(booked),
        "confirmation_rate": confirmation_rate_between(start, end),
    }


CALL_COUNT_TABLES = CONFIRMATION_TABLES | RECALL_TABLES | UNSCHEDULED_TABLES | ASAP_TABLES
"""What `call_counts` reads: each list's own tables."""


@dataclass(frozen=True)
class CallCounts:
    """How many wait on each list: to confirm (the next open day, not confirmed yet), to
    recall (not resting), unscheduled, and on the ASAP list."""

    confirm: int
    recall: int
    unscheduled: int
    asap: int

    def said(self) -> str:
        return (
            f"Calls: {self.confirm} to confirm · {self.recall} recall · "
            f"{self.unscheduled} unscheduled · {self.asap} ASAP"
        )


def call_counts(database: Database, clock: Clock, practice: PracticeSettings) -> CallCounts:
    now = clock.now()
    today = practice.today(now)
    rules = load_rules(database)
    return CallCounts(
        confirm=to_confirm(practice, next_open_day(practice, today)),
        recall=recall_page(database, practice, rules, today, 0).to_call,
        unscheduled=len(unscheduled_list(practice, rules, now)),
        asap=asap_count(),
    )
