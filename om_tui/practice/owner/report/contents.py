"""What the weekly report holds: its lines (stats, flow, people, orders, programs,
decisions) and the report itself; the formats it is written in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from om_tui.practice.hats.views import Tally
from om_tui.practice.refusal import Refusal
from om_tui.practice.stats.conditions import Condition, percent_change

FORMATS: dict[str, str] = {"md": "Markdown", "html": "HTML", "csv": "CSV"}
"""The formats a report is written in: suffix → name."""


SPAN = 13
"""Weeks in each stat's small graph: a quarter."""


FLOW_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("visits", "Visits", "count"),
    ("new_patients", "New patients", "count"),
    ("average_wait", "Average wait (arrived → roomed)", "minutes"),
    ("no_shows", "No-shows", "count"),
)
"""(flow figure, label, unit): what the report counts from the visit events."""


NOTHING = (
    "Nothing was recorded for this week: no stat values, no visits, no checklist items "
    "due, no orders due, done or overdue, no program steps done and no items decided "
    "on the line."
)


class ReportError(Refusal):
    """A report that cannot be made or written; the message is fit to show the person."""


@dataclass(frozen=True)
class StatLine:
    """One stat's week: its last SPAN weeks (this week last) and its condition."""

    name: str
    short_name: str
    post: str
    unit: str
    up_is_good: bool
    weeks: tuple[float | None, ...]
    condition: Condition | None
    override: str | None = None  # the manager's reason, when the condition is theirs

    @property
    def value(self) -> float | None:
        return self.weeks[-1] if self.weeks else None

    @property
    def previous(self) -> float | None:
        return self.weeks[-2] if len(self.weeks) > 1 else None

    @property
    def change(self) -> float | None:
        """Percent change against last week, as the numbers went (not signed by better)."""
        if self.value is None or self.previous is None:
            return None
        return percent_change(self.previous, self.value)


@dataclass(frozen=True)
class FlowLine:
    key: str
    label: str
    unit: str
    value: float | None
    previous: float | None


@dataclass(frozen=True)
class PersonLine:
    """A person's checklist items due in the week, and their orders due in it."""

    name: str
    items: Tally
    orders: Tally


@dataclass(frozen=True)
class OrderDone:
    text: str
    to: str
    due: str  # "Tue 17 Nov", "Tue 17 Nov 16:00"
    reported_at: dt.datetime  # practice-local
    reported_by: str
    on_time: bool
    accepted: bool  # or reported, waiting for the one who gave it


@dataclass(frozen=True)
class OrderOverdue:
    text: str
    to: str
    due: str
    late_by: dt.timedelta  # at the week's end (or now, in a week in progress)
    chased: int


@dataclass(frozen=True)
class ProgramProgress:
    name: str
    done: int  # by the week's end
    total: int
    done_this_week: int
    overdue: int  # at the week's end

    @property
    def share(self) -> float | None:
        return self.done / self.total if self.total else None


@dataclass(frozen=True)
class Decision:
    """An item of the line decided in the week."""

    at: dt.datetime  # practice-local
    sender: str
    kind: str
    text: str
    decision: str  # "Approved", "Declined", "Note", "See me"; "Handled" by the manager
    note: str
    by: str


@dataclass(frozen=True)
class WeeklyReport:
    practice: str
    week: dt.date  # the local day the week ends on
    start: dt.datetime  # practice-local: the week runs [start, end)
    end: dt.datetime
    as_of: dt.datetime | None  # practice-local now, for a week in progress; else None
    stats: list[StatLine]
    flow: list[FlowLine]
    people: list[PersonLine]
    items_total: Tally  # every person's checklist items
    orders_total: Tally  # every order due in the week, once
    orders_done: list[OrderDone]
    orders_overdue: list[OrderOverdue]
    programs: list[ProgramProgress]
    decided: list[Decision]

    @property
    def in_progress(self) -> bool:
        return self.as_of is not None

    @property
    def empty(self) -> bool:
        """Nothing recorded in the week (see the module's docstring)."""
        return not (
            any(line.value is not None for line in self.stats)
            or any(line.value for line in self.flow)
            or self.items_total.due
            or self.orders_total.due
            or self.orders_done
            or self.orders_overdue
            or any(program.done_this_week for program in self.programs)
            or self.decided
        )
