"""What the orders and programs screens read: orders, assignees, steps, progress,
the board and one person's orders; the window they are counted over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from db.models import (
    OrderStatus,
)
from om_tui.practice.hats.views import Tally
from om_tui.practice.refusal import Refusal

WINDOW_DAYS = 30
"""The compliance window the orders board shows: the last 30 days, today included."""


RECENT_DAYS = 7
"""Orders accepted or cancelled this many days ago still show, below the open ones."""


LONGEST_TEXT = 2000


LONGEST_PROGRAM_NAME = 200


class OrderError(Refusal):
    """Something about an order or a program that cannot be; the message is fit to show."""


@dataclass(frozen=True)
class Assignee:
    """Whom an order or a step is for: a person, or a post and its holders today."""

    staff_id: int | None
    post_id: int | None
    name: str  # the person's name, or the post's title
    holders: tuple[str, ...] = ()
    left: bool = False  # the person has left the practice since

    @property
    def short(self) -> str:
        """ "Jenny Ortiz"; "Leo Hart (left)"; "Receptionist"."""
        return f"{self.name} (left)" if self.left else self.name

    @property
    def label(self) -> str:
        """ "Jenny Ortiz"; "Receptionist (Jenny Ortiz, Karen Miles)"; "Front (nobody holds it)"."""
        if self.post_id is None:
            return self.short
        return f"{self.name} ({', '.join(self.holders) or 'nobody holds it'})"

    @property
    def stranded(self) -> bool:
        """Nobody can answer it: the person has left, or nobody holds the post now."""
        return self.left or (self.post_id is not None and not self.holders)


@dataclass(frozen=True)
class Handover:
    """An order given to someone else: whose it was, by whom, when; given on past its due?"""

    was: str | None  # "Tom Becker", "the Receptionist hat"; None: a hat since removed
    by: str
    at: dt.datetime  # aware, UTC
    due_on: dt.date
    due_time: str | None
    missed: bool  # given on past its deadline: a miss of whose it was (there on the day)
    chased: int  # how often whose it was had been chased


@dataclass(frozen=True)
class OrderLine:
    """One order, as the screens show it, with what is derived (its deadline, overdue)."""

    id: int
    text: str
    issued_by_id: int
    issued_by: str
    to: Assignee
    due_on: dt.date
    due_time: str | None
    deadline: dt.datetime  # aware, UTC
    created: dt.datetime
    status: OrderStatus
    overdue: bool
    reply: str = ""
    reported_at: dt.datetime | None = None
    reported_by_id: int | None = None
    reported_by: str | None = None
    remark: str = ""
    answered_at: dt.datetime | None = None
    answered_by: str | None = None
    sent_back: int = 0
    done_at: dt.datetime | None = None
    chased: int = 0
    chased_at: dt.datetime | None = None
    handovers: tuple[Handover, ...] = ()  # oldest first

    @property
    def closed(self) -> bool:
        return self.status in (OrderStatus.DONE, OrderStatus.CANCELLED)

    @property
    def on_time(self) -> bool | None:
        """Reported done by its deadline? None while it is not reported (or was cancelled)."""
        if self.reported_at is None or self.status == OrderStatus.CANCELLED:
            return None
        return self.reported_at <= self.deadline


@dataclass(frozen=True)
class StepLine:
    """One step of a program, numbered from 1 in its order."""

    id: int
    program_id: int
    program: str
    number: int
    text: str
    to: Assignee | None
    due_on: dt.date | None
    deadline: dt.datetime | None
    overdue: bool
    done_at: dt.datetime | None = None
    done_by: str | None = None
    note: str = ""

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def late(self) -> bool:
        return (
            self.done_at is not None and self.deadline is not None and self.done_at > self.deadline
        )


@dataclass(frozen=True)
class Progress:
    """A program's steps: how many done, of how many, and how many overdue."""

    done: int
    total: int
    overdue: int = 0

    @property
    def share(self) -> float | None:
        return self.done / self.total if self.total else None


@dataclass(frozen=True)
class ProgramLine:
    id: int
    name: str
    goal: str
    active: bool
    created: dt.datetime
    progress: Progress


@dataclass(frozen=True)
class ProgramDetail:
    program: ProgramLine
    steps: list[StepLine]


@dataclass(frozen=True)
class OrdersCompliance:
    """Orders done on time ÷ due, per person and for the practice, over `first`…`last`."""

    first: dt.date
    last: dt.date
    people: list[tuple[int, str]]  # those who owed an order in the window, by name
    totals: dict[int, Tally] = field(default_factory=dict)
    practice: Tally = field(default_factory=Tally)  # each order once

    def of(self, person_id: int) -> Tally:
        return self.totals.get(person_id, Tally())


@dataclass(frozen=True)
class MyOrders:
    """One person's orders (their own and their posts'), and their program steps."""

    person_id: int
    name: str
    posts: list[tuple[int, str]]
    orders: list[OrderLine]  # open and reported (overdue first, then by due), then closed lately
    steps: list[StepLine]  # not done (overdue first, then by due), then done lately
    compliance: Tally

    @property
    def overdue(self) -> int:
        return sum(o.overdue for o in self.orders) + sum(s.overdue for s in self.steps)


@dataclass(frozen=True)
class OrdersBoard:
    """Every order not yet done, overdue first; the ones closed lately; who complies."""

    orders: list[OrderLine]
    recent: list[OrderLine]
    compliance: OrdersCompliance

    @property
    def overdue(self) -> int:
        return sum(o.overdue for o in self.orders)

    @property
    def reported(self) -> int:
        return sum(o.status == OrderStatus.REPORTED for o in self.orders)

    @property
    def stranded(self) -> int:
        """Open orders nobody can answer: to someone who left, or to a post nobody holds."""
        return sum(o.status == OrderStatus.OPEN and o.to.stranded for o in self.orders)


def _order_key(line: OrderLine) -> tuple[int, dt.datetime, int]:
    """Overdue first (the longest overdue on top), then by deadline."""
    return (0 if line.overdue else 1, line.deadline, line.id)


def _step_key(step: StepLine) -> tuple[int, dt.date, str, int]:
    return (0 if step.overdue else 1, step.due_on or dt.date.max, step.program, step.number)
