"""What a hat's checklist item owes in a period, and what the hat screens read.

An occurrence is one item, one period, one holder; its state (open, overdue, missed,
done, late) and the tallies of compliance are computed in compliance.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from db.models import (
    Attestation,
    ChecklistItem,
    ChecksheetStep,
    Duty,
    HatHolder,
    Leave,
    Order,
    OrderHandover,
    Policy,
    PolicyPost,
    PolicyVersion,
    Post,
    Program,
    ProgramStep,
    Setting,
    Staff,
    Stat,
    StepSignoff,
    Tick,
)
from om_tui.practice.changes import tables_of
from om_tui.practice.refusal import Refusal

HATS_TABLES = tables_of(
    Attestation,
    ChecklistItem,
    ChecksheetStep,
    Duty,
    HatHolder,
    Leave,
    Order,
    OrderHandover,
    Policy,
    PolicyPost,
    PolicyVersion,
    Post,
    Program,
    ProgramStep,
    Setting,
    Staff,
    Stat,
    StepSignoff,
    Tick,
)
"""What My hat and compliance are read from (every model the hats service reads): a
change to anything else, a check-in say, is not read again there."""
HAT_EDITOR_TABLES = tables_of(
    ChecklistItem,
    ChecksheetStep,
    Duty,
    HatHolder,
    Policy,
    PolicyPost,
    PolicyVersion,
    Post,
    Staff,
    Stat,
    StepSignoff,
)
"""What the hat editor is read from (the hats as written, not what is done on them: a
tick elsewhere is not read again there)."""
POLICIES_TABLES = tables_of(Attestation, HatHolder, Policy, PolicyPost, PolicyVersion, Post, Staff)
"""What the policies screen is read from (the policies, their posts and who attested)."""

SHARED = 0
"""The holder of a shared item's tick: the post, not one person."""


class HatError(Refusal):
    """Something about a hat that cannot be; the message is fit for the person."""


class State(StrEnum):
    """Where one occurrence of an item stands."""

    OPEN = "open"  # not done, the deadline ahead
    OVERDUE = "overdue"  # not done, the deadline passed, may still be ticked (late)
    MISSED = "missed"  # not done, too late to tick
    DONE = "done"  # ticked on time
    LATE = "late"  # ticked after the deadline


@dataclass(frozen=True)
class Occurrence:
    """One item, one period, one holder — and what became of it."""

    item_id: int
    key: int
    post_id: int
    post: str
    text: str
    frequency: str
    due_on: dt.date
    deadline: dt.datetime
    due_time: str | None
    person_id: int
    shared: bool
    state: State
    ticked_by: str | None = None
    ticked_by_id: int | None = None
    ticked_at: dt.datetime | None = None

    @classmethod
    def of(
        cls,
        item: _Item | ChecklistItem,
        post: str,
        due_on: dt.date,
        deadline: dt.datetime,
        person_id: int,
        state: State,
        by_id: int | None = None,
        by: str | None = None,
        at: dt.datetime | None = None,
    ) -> Occurrence:
        return cls(
            item_id=item.id,
            key=item.key,
            post_id=item.post_id,
            post=post,
            text=item.text,
            frequency=item.frequency,
            due_on=due_on,
            deadline=deadline,
            due_time=item.due_time,
            person_id=person_id,
            shared=item.shared,
            state=state,
            ticked_by=by,
            ticked_by_id=by_id,
            ticked_at=at,
        )

    @property
    def holder(self) -> int:
        return SHARED if self.shared else self.person_id

    @property
    def done(self) -> bool:
        return self.state in (State.DONE, State.LATE)


@dataclass(frozen=True)
class PolicyDue:
    """A policy a person must attest to: its newest version, and what they attested before."""

    policy_id: int
    title: str
    version_id: int
    number: int
    attested_number: int | None
    body: str


@dataclass(frozen=True)
class ChecksheetProgress:
    post_id: int
    post: str
    done: int
    total: int


@dataclass
class MyHat:
    """What one person works from today: their hats' checklists, policies, training."""

    person_id: int
    name: str
    posts: list[tuple[int, str]]
    today: list[Occurrence]  # overdue first (yesterday's too), then in order
    week: list[Occurrence]
    month: list[Occurrence]
    policies: list[PolicyDue]
    checksheets: list[ChecksheetProgress]

    @property
    def overdue(self) -> int:
        return sum(o.state == State.OVERDUE for o in (*self.today, *self.week, *self.month))


@dataclass(frozen=True)
class ItemLine:
    """A checklist item as the editor shows it: its version in force now."""

    item_id: int
    key: int
    text: str
    frequency: str
    due_time: str | None
    shared: bool


@dataclass(frozen=True)
class StepLine:
    step_id: int
    text: str
    signed: dict[int, dt.datetime]  # holder's staff id → when signed off


@dataclass
class HatDetail:
    """Everything a post's write-up holds, for the hat editor."""

    post_id: int
    title: str
    purpose: str
    product: str
    holders: list[tuple[int, str]]
    stats: list[str]
    duties: list[tuple[int, str]]
    items: list[ItemLine]
    steps: list[StepLine]
    policies: list[tuple[int, str]]


@dataclass
class Tally:
    """Occurrences due, and how they ended."""

    due: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def missed(self) -> int:
        return self.due - self.on_time - self.late

    @property
    def share(self) -> float | None:
        """Done on time ÷ due, or None when nothing was due."""
        return self.on_time / self.due if self.due else None

    @classmethod
    def of(cls, occurrences: Iterable[Occurrence]) -> Tally:
        tally = cls()
        for occurrence in occurrences:
            tally.due += 1
            tally.on_time += occurrence.state == State.DONE
            tally.late += occurrence.state == State.LATE
        return tally

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.due + other.due, self.on_time + other.on_time, self.late + other.late)


@dataclass
class Compliance:
    """People × periods (days or weeks): the share of due items done on time."""

    periods: list[dt.date]  # days, or weeks named by their ending day
    by_week: bool
    people: list[tuple[int, str]]
    cells: dict[tuple[int, dt.date], Tally] = field(default_factory=dict)
    totals: dict[int, Tally] = field(default_factory=dict)
    by_post: dict[tuple[int, int], Tally] = field(default_factory=dict)
    posts: dict[int, str] = field(default_factory=dict)
    left: dict[int, dt.date | None] = field(default_factory=dict)
    """Those of `people` no longer on the staff → the day they stopped holding hats (None:
    not known). They owe nothing from that day on; what they owed before is kept."""

    def cell(self, person_id: int, period: dt.date) -> Tally:
        return self.cells.get((person_id, period), Tally())


@dataclass(frozen=True)
class Outstanding:
    """A person owes an attestation to a policy's newest version."""

    person: str
    policy: str
    number: int


_Ticked = tuple[bool, str, int | None]
"""A tick as the compliance walk reads it: on time?, when (UTC, as stored), by whom."""


class _Item(NamedTuple):
    """A checklist item version's row, as the compliance walk reads it."""

    id: int
    key: int
    post_id: int
    text: str
    frequency: str
    due_time: str | None
    shared: bool
    start: dt.date
    end: dt.date | None
