"""Orders and programs: what the owner and the manager order, and how it gets done.

An order goes to one person, or to a post (then any of its holders answers it). It is
due by a day, and by a time that day if one is given, else by the end of the day: that
is its deadline. It is open until the assignee reports it done, with a note; the one
who gave it (or a manager) then accepts it — done — or sends it back, open again, with
a note. It can be cancelled while not done, and given to someone else while open (its
person has left, say). Overdue is not stored: an open order whose deadline has passed.
Chasing one keeps a count and the time of the last chase.

Compliance, per person, over a window of days = orders done on time ÷ orders due:

- an order counts in the window that holds its due day, once its deadline has passed
  (or once reported done, even early); a cancelled order does not count;
- on time = reported done at or before its deadline (and not sent back since);
- an order to a post is owed by each person holding the post on its due day.

A program is a named goal of the owner, reached by ordered steps (targets), each with
an assignee (a person or a post) and a due day. Progress = steps done ÷ steps.

Two terminals answering one order at once: every change of state is a conditional
UPDATE (… WHERE status = 'open'); the one that finds the order already moved on is
refused with what happened, and nothing of it is written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from peewee import Database, fn

from db.models import (
    HatHolder,
    Order,
    OrderHandover,
    OrderStatus,
    Post,
    Program,
    ProgramStep,
    Staff,
    as_utc,
    utc_naive,
)
from om_tui.practice.clock import Clock
from om_tui.practice.hats.periods import WEEKDAY_NAMES, open_days_of
from om_tui.practice.hats.views import Tally
from om_tui.practice.people.roles import ADMINISTRATOR, may, require
from om_tui.practice.refusal import Refusal
from om_tui.practice.seen import require_unchanged
from om_tui.practice.settings import PracticeSettings

WINDOW_DAYS = 30
"""The compliance window the orders board shows: the last 30 days, today included."""
RECENT_DAYS = 7
"""Orders accepted or cancelled this many days ago still show, below the open ones."""
LONGEST_TEXT = 2000
LONGEST_PROGRAM_NAME = 200
DUE_FORMS = "fri, tomorrow, +3, 20 Nov or 2026-11-20 — and a time if it matters: fri 17:00"


class OrderError(Refusal):
    """Something about an order or a program that cannot be; the message is fit to show."""


# -- due days and times, as people type them ------------------------------------------------

_WEEKDAYS = [name.lower() for name in calendar.day_name]
_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$")
_OFFSET = re.compile(r"^(?:in\s+)?\+?\s*(\d{1,3})\s*(d|days?|w|wks?|weeks?)$|^\+\s*(\d{1,3})$")


def parse_time(text: str) -> str | None:
    """ "17:00", "9:30", "5pm", "9am", "noon" → "HH:MM"; empty → None."""
    text = text.strip().lower().replace(".", "")
    if not text:
        return None
    if text == "noon":
        return "12:00"
    found = _TIME.match(text)
    if found is None or (found.group(2) is None and found.group(3) is None):
        raise OrderError(f"A time of day is like 9:30, 17:00 or 5pm (not {text!r}).")
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    suffix = found.group(3)
    if suffix is not None:
        if not 1 <= hour <= 12:
            raise OrderError(f"A time of day is like 9:30, 17:00 or 5pm (not {text!r}).")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    try:
        return f"{dt.time(hour, minute):%H:%M}"
    except ValueError:
        raise OrderError(f"A time of day is like 9:30, 17:00 or 5pm (not {text!r}).") from None


def _is_time(word: str) -> bool:
    return word == "noon" or ":" in word or word.endswith(("am", "pm"))


def parse_day(text: str, today: dt.date) -> dt.date:
    """A due day as typed: today, tomorrow, a weekday (the next one, today included),
    +3 / 3d / 2w / in 3 days, 20 Nov / Nov 20 (2027), 11/20 (/2027), or 2026-11-20."""
    text = " ".join(text.strip().lower().replace(",", " ").split())
    if text in ("today", "tod"):
        return today
    if text in ("tomorrow", "tmrw", "tom", "tmr"):
        return today + dt.timedelta(days=1)
    for number, name in enumerate(_WEEKDAYS):
        if len(text) >= 3 and name.startswith(text):
            return today + dt.timedelta(days=(number - today.weekday()) % 7)
    offset = _OFFSET.match(text)
    if offset is not None:
        count = int(offset.group(1) or offset.group(3))
        unit = offset.group(2) or "d"
        return today + (dt.timedelta(weeks=count) if unit[0] == "w" else dt.timedelta(days=count))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    named = _named_day(text.split(), today)
    if named is not None:
        return named
    slashed = _SLASHED.match(text)
    if slashed is not None:  # "12/15" (the next one), "12/15/2026": month first, as US forms
        month, day, year = slashed.groups()
        words = [day, calendar.month_abbr[int(month)].lower() if 1 <= int(month) <= 12 else "?"]
        if words[1] == "?":
            raise OrderError(f"There is no month {month} ({text}).")
        return _named_day([*words, year] if year else words, today) or today
    raise OrderError(f"When is it due? Like {DUE_FORMS} (not {text!r}).")


def _named_day(words: list[str], today: dt.date) -> dt.date | None:
    """ "20 nov", "nov 20", "20 november 2027" → the day; the next one when no year is given."""
    if len(words) not in (2, 3):
        return None
    first, second = words[0], words[1]
    day_word, month_word = (first, second) if first.isdigit() else (second, first)
    month = _MONTHS.get(month_word[:3]) if month_word[:3].isalpha() else None
    if month is None or not day_word.isdigit():
        return None
    year = today.year
    if len(words) == 3:
        if not words[2].isdigit():
            return None
        year = int(words[2])
    try:
        day = dt.date(year, month, int(day_word))
    except ValueError:
        raise OrderError(f"There is no {' '.join(words)}.") from None
    if len(words) == 2 and day < today:
        try:
            day = day.replace(year=year + 1)
        except ValueError:  # 29 Feb: the next one is years away; say so plainly
            raise OrderError(f"{' '.join(words)} has passed this year.") from None
    return day


def parse_due(text: str, today: dt.date) -> tuple[dt.date, str | None]:
    """ "fri 17:00" → (Friday, "17:00"); "tomorrow" → (tomorrow, None); "16:00" → today."""
    words = text.strip().lower().replace(",", " ").split()
    if not words:
        raise OrderError(f"When is it due? Like {DUE_FORMS}.")
    joined: list[str] = []
    for word in words:  # "5 pm": the suffix on its own belongs to the number before it
        if word in ("am", "pm") and joined and joined[-1].replace(":", "").isdigit():
            joined[-1] += word
        else:
            joined.append(word)
    times = [w for w in joined if _is_time(w)]
    words = [w for w in joined if not _is_time(w)]
    if len(times) > 1:
        raise OrderError(f"One time of day, please (not {' and '.join(times)}).")
    due_time = parse_time(times[0]) if times else None
    day = parse_day(" ".join(words), today) if words else today
    return day, due_time


def next_open_day(day: dt.date, open_days: frozenset[int]) -> dt.date:
    """`day` itself if the practice is open then, else the next day it is."""
    for _ in range(7):
        if day.weekday() in open_days:
            return day
        day += dt.timedelta(days=1)
    return day  # no open day at all: settings refuse that, but never loop for it


def due_example(today: dt.date, open_days: frozenset[int], with_time: bool = True) -> str:
    """What a due may look like, from today on: "mon 17:00, tomorrow, +3, 11 Dec".

    The weekday and the date are open days ahead (never today), so the example can be
    typed as it stands; a step, due by a day, has no time and no "tomorrow".
    """
    weekday = next_open_day(today + dt.timedelta(days=2), open_days)
    dated = next_open_day(today + dt.timedelta(days=14), open_days)
    day_name = WEEKDAY_NAMES[weekday.weekday()].lower()
    date = f"{dated.day} {dated:%b}"
    if with_time:
        return f"{day_name} 17:00, tomorrow, +3, {date}"
    return f"{day_name}, +3, {date}"


def due_said(
    due_on: dt.date, due_time: str | None, today: dt.date, open_days: frozenset[int]
) -> str:
    """What a typed due reads as, the day always named, a closed day said:
    "→ tomorrow, Sat 28 Nov · closed on Saturdays; next open day Mon 30 Nov"."""
    named = f"{due_on:%a} {due_on.day} {due_on:%b}"
    if due_on.year != today.year:
        named += f" {due_on.year}"
    relative = due_text(due_on, None, today)
    said = f"→ {relative}, {named}" if relative in ("today", "tomorrow") else f"→ {named}"
    if due_time:
        said += f" {due_time}"
    if due_on.weekday() not in open_days:
        opens = next_open_day(due_on, open_days)
        said += (
            f" · closed on {calendar.day_name[due_on.weekday()]}s;"
            f" next open day {opens:%a} {opens.day} {opens:%b}"
        )
    return said


def due_text(due_on: dt.date, due_time: str | None, today: dt.date, short: bool = False) -> str:
    """ "today 17:00", "tomorrow", "Fri 20 Nov", "Fri 20 Nov 2027 09:00"; short: "20 Nov"."""
    if due_on == today:
        day = "today"
    elif due_on == today + dt.timedelta(days=1):
        day = "tmrw" if short else "tomorrow"
    elif due_on.year != today.year:
        day = f"{due_on:%b} {due_on.year}" if short else f"{due_on:%a} {due_on.day} {due_on:%b %Y}"
    else:
        day = f"{due_on.day} {due_on:%b}" if short else f"{due_on:%a} {due_on.day} {due_on:%b}"
    return f"{day} {due_time}" if due_time else day


# -- what the screens read ------------------------------------------------------------------


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


def _rows(query: Any) -> list[tuple[Any, ...]]:
    """A `.tuples()` query's rows, typed for mypy (peewee's stubs yield models)."""
    return list(query)


def _in_force(since: dt.date, until: dt.date | None, day: dt.date) -> bool:
    return since <= day and (until is None or day < until)


def _aware(stored: dt.datetime | None) -> dt.datetime | None:
    return as_utc(stored) if stored is not None else None


def _order_key(line: OrderLine) -> tuple[int, dt.datetime, int]:
    """Overdue first (the longest overdue on top), then by deadline."""
    return (0 if line.overdue else 1, line.deadline, line.id)


def _step_key(step: StepLine) -> tuple[int, dt.date, str, int]:
    return (0 if step.overdue else 1, step.due_on or dt.date.max, step.program, step.number)


# -- the service ----------------------------------------------------------------------------


@dataclass
class Orders:
    """The practice's orders and programs, acted on in the name of `staff_id`."""

    database: Database
    clock: Clock
    settings: PracticeSettings
    staff_id: int | None = None

    def today(self) -> dt.date:
        return self.settings.today(self.clock.now())

    def deadline(self, due_on: dt.date, due_time: str | None) -> dt.datetime:
        """When an order due on `due_on` (by `due_time`) must be done by, UTC."""
        zone = self.settings.zone
        if due_time:
            at = dt.datetime.combine(due_on, dt.time.fromisoformat(due_time), tzinfo=zone)
        else:
            at = dt.datetime.combine(due_on + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        return at.astimezone(dt.UTC)

    def open_days(self) -> frozenset[int]:
        """The weekdays the practice is open (Monday 0), as the hats' settings say."""
        return open_days_of(self.database)

    def when(self, moment: dt.datetime) -> str:
        """ "10:05" today, "Tue 17 Nov 10:05" another day: how a time is told to a person."""
        local = self.settings.local(moment)
        if local.date() == self.today():
            return f"{local:%H:%M}"
        return f"{local:%a} {local.day} {local:%b %H:%M}"

    # -- people and posts -------------------------------------------------------------

    def people(self) -> list[tuple[int, str]]:
        """Active staff, by name: whom an order can go to."""
        query = Staff.select(Staff.id, Staff.name).where(Staff.active == True)  # noqa: E712
        return [(s.id, s.name) for s in query.order_by(fn.lower(Staff.name), Staff.id)]

    def posts(self) -> list[tuple[int, str, list[str]]]:
        """Every post with its holders today: (id, title, holders' names)."""
        holders = self._holders(self.today())
        names = self._names()
        return [
            (p.id, p.title, [names[s] for s in holders.get(p.id, [])])
            for p in Post.select().order_by(Post.position, Post.title)
        ]

    def _names(self) -> dict[int, str]:
        return {s.id: s.name for s in Staff.select(Staff.id, Staff.name)}

    def _gone(self) -> set[int]:
        """Those who have left (no longer on the active staff list)."""
        return {s.id for s in Staff.select(Staff.id).where(Staff.active == False)}  # noqa: E712

    def _holders(self, day: dt.date) -> dict[int, list[int]]:
        """Post → the staff holding it on `day`, by name."""
        query = (
            HatHolder.select(HatHolder.post, HatHolder.staff, HatHolder.since, HatHolder.until)
            .join(Staff)
            .order_by(fn.lower(Staff.name))
            .tuples()
        )
        held: dict[int, list[int]] = defaultdict(list)
        for post_id, staff_id, since, until in _rows(query):
            if _in_force(since, until, day) and staff_id not in held[post_id]:
                held[post_id].append(staff_id)
        return held

    def posts_of(self, person_id: int, day: dt.date | None = None) -> list[tuple[int, str]]:
        day = day or self.today()
        query = (
            HatHolder.select(HatHolder.since, HatHolder.until, Post.id, Post.title)
            .join(Post)
            .where(HatHolder.staff == person_id)
            .order_by(Post.position, Post.title)
            .tuples()
        )
        posts: list[tuple[int, str]] = []
        for since, until, post_id, title in _rows(query):
            if _in_force(since, until, day) and (post_id, title) not in posts:
                posts.append((post_id, title))
        return posts

    # -- who may -----------------------------------------------------------------------

    def _actor(self, permission: str = "orders", doing: str = "answers orders") -> Staff:
        """The person acting, read now: orders name who gave and who answered them."""
        if self.staff_id is None or self.staff_id == ADMINISTRATOR:
            raise OrderError("Orders are given and answered in a person's name: log in first.")
        person = require(self.database, self.staff_id, permission, doing, OrderError)
        assert person is not None  # a person's id, not the administrator's
        return person

    def _manager(self, doing: str) -> Staff:
        return self._actor("orders_give", doing)

    def _manages(self, actor: Staff) -> bool:
        return may(actor.role, "orders_give")

    def _holds(self, person_id: int, post_id: int) -> bool:
        return person_id in self._holders(self.today()).get(post_id, [])

    def _for(self, person: Staff, to_staff: int | None, to_post: int | None) -> bool:
        """Is this order or step the person's own (theirs, or their post's)?"""
        if to_staff is not None:
            return bool(to_staff == person.id)
        return to_post is not None and self._holds(person.id, to_post)

    def _check_assignee(self, to_staff: int | None, to_post: int | None) -> None:
        if to_staff is None and to_post is None:
            raise OrderError("Say to whom: a person, or a post.")
        if to_staff is not None and to_post is not None:
            raise OrderError("One person or one post, not both.")
        if to_staff is not None:
            person = Staff.get_or_none(Staff.id == to_staff)
            if person is None:
                raise OrderError("That person is not on the staff list.")
            if not person.active:
                raise OrderError(
                    f"{person.name} has left the practice (not on the active staff list): "
                    "give it to someone else, or to their post."
                )
            return
        post = Post.get_or_none(Post.id == to_post)
        if post is None:
            raise OrderError("That post was deleted (on another terminal, perhaps).")
        if not self._holders(self.today()).get(post.id):
            raise OrderError(
                f"Nobody holds the {post.title} post: give it to a person, "
                "or the post to someone first (on Hats)."
            )

    def check_due(self, due_on: dt.date, due_time: str | None) -> None:
        today = self.today()
        if due_on < today:
            raise OrderError(
                f"{due_on:%a} {due_on.day} {due_on:%b} is in the past: "
                "the due day is today or later."
            )
        if due_time is not None and self.deadline(due_on, due_time) <= self.clock.now():
            raise OrderError(f"{due_time} today has passed: give a later time, or a later day.")

    # -- orders: reading ---------------------------------------------------------------

    def _lines(self, orders: Iterable[Order]) -> list[OrderLine]:
        now = self.clock.now()
        names = self._names()
        gone = self._gone()
        holders = self._holders(self.today())
        titles = {p.id: p.title for p in Post.select(Post.id, Post.title)}

        def assignee(order: Order) -> Assignee:
            if order.to_post_id is not None:
                held = tuple(names[s] for s in holders.get(order.to_post_id, []))
                return Assignee(None, order.to_post_id, titles[order.to_post_id], held)
            staff_id = order.to_staff_id
            assert staff_id is not None
            return Assignee(staff_id, None, names[staff_id], left=staff_id in gone)

        orders = list(orders)
        handed: dict[int, list[Handover]] = defaultdict(list)
        for handover in (
            OrderHandover.select()
            .where(OrderHandover.order.in_([order.id for order in orders]))
            .order_by(OrderHandover.at, OrderHandover.id)
        ):
            if handover.from_staff_id is not None:
                was = names[handover.from_staff_id]
            elif handover.from_post_id is not None:
                was = f"the {titles[handover.from_post_id]} hat"
            else:
                was = None
            handed[handover.order_id].append(
                Handover(
                    was=was,
                    by=names[handover.by_id],
                    at=as_utc(handover.at),
                    due_on=handover.due_on,
                    due_time=handover.due_time,
                    missed=handover.missed,
                    chased=handover.chased,
                )
            )
        lines = []
        for order in orders:
            deadline = self.deadline(order.due_on, order.due_time)
            status = OrderStatus(order.status)
            lines.append(
                OrderLine(
                    id=order.id,
                    text=order.text,
                    issued_by_id=order.issued_by_id,
                    issued_by=names[order.issued_by_id],
                    to=assignee(order),
                    due_on=order.due_on,
                    due_time=order.due_time,
                    deadline=deadline,
                    created=as_utc(order.created),
                    status=status,
                    overdue=status == OrderStatus.OPEN and deadline <= now,
                    reply=order.reply,
                    reported_at=_aware(order.reported_at),
                    reported_by_id=order.reported_by_id,
                    reported_by=names.get(order.reported_by_id or 0),
                    remark=order.remark,
                    answered_at=_aware(order.answered_at),
                    answered_by=names.get(order.answered_by_id or 0),
                    sent_back=order.sent_back,
                    done_at=_aware(order.done_at),
                    chased=order.chased,
                    chased_at=_aware(order.chased_at),
                    handovers=tuple(handed.get(order.id, ())),
                )
            )
        return lines

    def order(self, order_id: int) -> OrderLine:
        found = Order.get_or_none(Order.id == order_id)
        if found is None:
            raise OrderError("That order is no longer on record.")
        return self._lines([found])[0]

    def _recent_since(self) -> dt.datetime:
        return utc_naive(self.clock.now() - dt.timedelta(days=RECENT_DAYS))

    def _split(self, lines: list[OrderLine]) -> tuple[list[OrderLine], list[OrderLine]]:
        """The orders still to be done (overdue first, then by due); the ones closed lately."""
        active = sorted((o for o in lines if not o.closed), key=_order_key)
        closed = sorted(
            (o for o in lines if o.closed),
            key=lambda o: (o.answered_at or o.created, o.id),
            reverse=True,
        )
        return active, closed

    def board(self, window_days: int = WINDOW_DAYS) -> OrdersBoard:
        """The manager's board: every order not done, the ones closed lately, compliance."""
        open_or_recent = Order.select().where(
            Order.status.in_([OrderStatus.OPEN, OrderStatus.REPORTED])
            | (Order.answered_at >= self._recent_since())
        )
        active, closed = self._split(self._lines(open_or_recent))
        today = self.today()
        window = self.compliance(today - dt.timedelta(days=window_days - 1), today)
        return OrdersBoard(active, closed, window)

    def mine(self, person_id: int, window_days: int = WINDOW_DAYS) -> MyOrders:
        """A person's own orders and their posts' (posts held today), and their steps."""
        person = Staff.get_or_none(Staff.id == person_id)
        if person is None:
            raise OrderError("That person is not on the staff list.")
        posts = self.posts_of(person_id)
        post_ids = [post_id for post_id, _ in posts]
        theirs = (Order.to_staff == person_id) | Order.to_post.in_(post_ids)
        live = Order.status.in_([OrderStatus.OPEN, OrderStatus.REPORTED]) | (
            Order.answered_at >= self._recent_since()
        )
        active, closed = self._split(self._lines(Order.select().where(theirs & live)))
        steps = self._steps(
            ProgramStep.select()
            .join(Program)
            .where(
                (Program.active == True)  # noqa: E712
                & ((ProgramStep.to_staff == person_id) | ProgramStep.to_post.in_(post_ids))
                & (ProgramStep.done_at.is_null() | (ProgramStep.done_at >= self._recent_since()))
            )
        )
        steps.sort(key=lambda s: (s.done, *_step_key(s)))
        today = self.today()
        window = self.compliance(today - dt.timedelta(days=window_days - 1), today, [person_id])
        return MyOrders(
            person_id=person_id,
            name=person.name,
            posts=posts,
            orders=[*active, *closed],
            steps=steps,
            compliance=window.of(person_id),
        )

    def compliance(
        self, first: dt.date, last: dt.date, person_ids: Sequence[int] | None = None
    ) -> OrdersCompliance:
        """Orders due `first`…`last` (both included): done on time ÷ due, per person."""
        now = self.clock.now()
        names = self._names()
        holdings = _rows(
            HatHolder.select(HatHolder.post, HatHolder.staff, HatHolder.since, HatHolder.until)
            .where(HatHolder.since <= last)
            .tuples()
        )
        held: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
        for post_id, staff_id, since, until in holdings:
            held[post_id].append((staff_id, since, until))

        def owed(to_staff: int | None, to_post: int | None, due_on: dt.date) -> list[int]:
            """Who owes an order: its person, or whoever held its post on the day due."""
            if to_staff is not None:
                return [to_staff]
            return sorted(
                {
                    s
                    for s, since, until in held.get(to_post or 0, [])
                    if _in_force(since, until, due_on)
                }
            )

        totals: dict[int, Tally] = defaultdict(Tally)
        practice = Tally()
        query = Order.select().where(
            Order.due_on.between(first, last) & (Order.status != OrderStatus.CANCELLED)
        )
        for order in query:
            deadline = self.deadline(order.due_on, order.due_time)
            reported = _aware(order.reported_at)
            if reported is None and deadline > now:
                continue  # not due yet
            one = Tally(
                due=1,
                on_time=int(reported is not None and reported <= deadline),
                late=int(reported is not None and reported > deadline),
            )
            practice = practice + one
            for person_id in owed(order.to_staff_id, order.to_post_id, order.due_on):
                if person_ids is None or person_id in person_ids:
                    totals[person_id] = totals[person_id] + one
        missed = Tally(due=1)
        handed_late = (  # given on in time, an order is the newcomer's to owe: not here
            OrderHandover.select(OrderHandover)
            .join(Order)
            .where(
                OrderHandover.due_on.between(first, last)
                & OrderHandover.missed
                & (Order.status != OrderStatus.CANCELLED)
            )
        )
        for handover in handed_late:
            practice = practice + missed
            for person_id in owed(handover.from_staff_id, handover.from_post_id, handover.due_on):
                if person_ids is None or person_id in person_ids:
                    totals[person_id] = totals[person_id] + missed
        people = sorted(((p, names[p]) for p in totals), key=lambda p: (p[1].lower(), p[0]))
        return OrdersCompliance(first, last, people, dict(totals), practice)

    # -- orders: writing ---------------------------------------------------------------

    def issue(
        self,
        text: str,
        due_on: dt.date,
        due_time: str | None = None,
        *,
        to_staff: int | None = None,
        to_post: int | None = None,
    ) -> int:
        """Give an order; its id. Refused: no text, nobody (or a leaver), a due in the past."""
        text = _text(text, "An order needs its text: what is to be done.")
        if due_time is not None:
            due_time = parse_time(due_time)
        with self.database.atomic():
            actor = self._manager("gives orders")
            self._check_assignee(to_staff, to_post)
            self.check_due(due_on, due_time)
            order = Order.create(
                issued_by=actor.id,
                to_staff=to_staff,
                to_post=to_post,
                text=text,
                due_on=due_on,
                due_time=due_time,
                created=utc_naive(self.clock.now()),
                status=OrderStatus.OPEN,
            )
        return int(order.id)

    def _found(self, order_id: int) -> Order:
        order = Order.get_or_none(Order.id == order_id)
        if order is None:
            raise OrderError("That order is no longer on record.")
        return order

    def _moved_on(self, order_id: int) -> OrderError:
        """Why a change found the order already changed, said as it now stands."""
        line = self.order(order_id)
        if line.status == OrderStatus.REPORTED and line.reported_at is not None:
            said = f"{line.reported_by} reported it done at {self.when(line.reported_at)}"
        elif line.status == OrderStatus.DONE and line.answered_at is not None:
            said = f"{line.answered_by} accepted it at {self.when(line.answered_at)}: it is done"
        elif line.status == OrderStatus.CANCELLED and line.answered_at is not None:
            said = f"{line.answered_by} cancelled it at {self.when(line.answered_at)}"
        elif line.sent_back and line.answered_at is not None:
            said = f"{line.answered_by} sent it back at {self.when(line.answered_at)}: it is open"
        else:
            said = "it is open: nobody has reported it done yet"
        return OrderError(f"Already answered — {said}. Nothing was changed.")

    def report_done(self, order_id: int, note: str = "") -> OrderLine:
        """The assignee (or a holder of its post, or a manager) says it is done, with a note."""
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            order = self._found(order_id)
            if not (self._for(actor, order.to_staff_id, order.to_post_id) or self._manages(actor)):
                to = self.order(order_id).to
                whom = f"the {to.name} post's holders" if to.post_id is not None else to.name
                raise OrderError(f"This order is for {whom}: only they report it done.")
            changed = (
                Order.update(
                    status=OrderStatus.REPORTED,
                    reply=note.strip(),
                    reported_at=now,
                    reported_by=actor.id,
                )
                .where((Order.id == order_id) & (Order.status == OrderStatus.OPEN))
                .execute()
            )
            if not changed:
                raise self._moved_on(order_id)
            return self.order(order_id)

    def _check_answerer(self, actor: Staff, order: Order, doing: str) -> None:
        """The one who gave the order answers a report; or a manager, never the reporter."""
        if actor.id == order.issued_by_id:
            return
        if actor.id == order.reported_by_id:
            issuer = Staff.get_by_id(order.issued_by_id).name
            raise OrderError(f"You reported this order done: {issuer}, who gave it, {doing}.")
        if not self._manages(actor):
            issuer = Staff.get_by_id(order.issued_by_id).name
            raise OrderError(f"Only {issuer}, who gave the order, or a manager {doing}.")

    def accept(self, order_id: int, note: str = "") -> OrderLine:
        """A report of done is accepted: the order is done."""
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            order = self._found(order_id)
            self._check_answerer(actor, order, "accepts it")
            changed = (
                Order.update(
                    status=OrderStatus.DONE,
                    done_at=now,
                    answered_by=actor.id,
                    answered_at=now,
                    remark=note.strip(),
                )
                .where((Order.id == order_id) & (Order.status == OrderStatus.REPORTED))
                .execute()
            )
            if not changed:
                raise self._moved_on(order_id)
            return self.order(order_id)

    def send_back(self, order_id: int, note: str) -> OrderLine:
        """A report of done is not accepted: the order is open again, with why."""
        note = _text(note, "Say why it goes back: what is still to be done.")
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            order = self._found(order_id)
            self._check_answerer(actor, order, "sends it back")
            changed = (
                Order.update(
                    status=OrderStatus.OPEN,
                    remark=note,
                    answered_by=actor.id,
                    answered_at=now,
                    sent_back=Order.sent_back + 1,
                    reported_at=None,
                    reported_by=None,
                )
                .where((Order.id == order_id) & (Order.status == OrderStatus.REPORTED))
                .execute()
            )
            if not changed:
                raise self._moved_on(order_id)
            return self.order(order_id)

    def open_to(self, person_id: int) -> int:
        """How many open orders are addressed to the person by name (not through a post)."""
        return int(
            Order.select()
            .where((Order.to_staff == person_id) & (Order.status == OrderStatus.OPEN))
            .count()
        )

    def reassign(
        self,
        order_id: int,
        *,
        to_staff: int | None = None,
        to_post: int | None = None,
        due: tuple[dt.date, str | None] | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> OrderLine:
        """An open order goes to someone else: a person, or a post someone holds.

        `seen`: whom it was for (to_staff, to_post) and its due (due_on, due_time) as the
        screen showed it; given to someone else or re-dated elsewhere since: refused.

        For an order whose person has left (or whose post nobody holds now), and any
        open one besides. Its due stays, unless it is past: then `due` (day, time) is
        needed, or the newcomer would owe an order missed before it was theirs. The
        handover is kept (OrderHandover): one past its due stays a miss of whose it was,
        and the chases go with it (the newcomer has not been chased).
        """
        with self.database.atomic():
            actor = self._manager("gives an order to someone else")
            order = self._found(order_id)
            current = {  # whom, as an Assignee names it: the post, else the person
                "to_staff": order.to_staff_id if order.to_post_id is None else None,
                "to_post": order.to_post_id,
                "due_on": order.due_on,
                "due_time": order.due_time,
            }
            require_unchanged("The order", current, seen)
            if (to_staff, to_post) == (order.to_staff_id, order.to_post_id):
                whom = self.order(order_id).to.short
                raise OrderError(f"The order is {whom}'s already: nothing was changed.")
            self._check_assignee(to_staff, to_post)
            # The chases were of whose it was: the handover keeps them, the newcomer's
            # start at none.
            fields: dict[Any, Any] = {
                Order.to_staff: to_staff,
                Order.to_post: to_post,
                Order.chased: 0,
                Order.chased_at: None,
            }
            overdue = self.deadline(order.due_on, order.due_time) <= self.clock.now()
            # Missed by whose it was: not by someone who had left before it fell due.
            missed = overdue and (
                order.to_staff_id is None or self._there_on(order.to_staff_id, order.due_on)
            )
            if due is not None:
                self.check_due(*due)
                fields.update({Order.due_on: due[0], Order.due_time: due[1]})
            elif order.status == OrderStatus.OPEN and overdue:
                raise OrderError(
                    f"It was due {due_text(order.due_on, order.due_time, self.today())}: give "
                    "it a new due as well. Nothing was changed."
                )
            changed = (
                Order.update(fields)
                .where((Order.id == order_id) & (Order.status == OrderStatus.OPEN))
                .execute()
            )
            if not changed:
                line = self.order(order_id)
                if line.status == OrderStatus.REPORTED:
                    raise OrderError(
                        f"{line.reported_by} reported it done already: accept it or send it "
                        "back first. Nothing was changed."
                    )
                raise self._moved_on(order_id)
            OrderHandover.create(
                order=order_id,
                from_staff=order.to_staff_id,
                from_post=order.to_post_id,
                due_on=order.due_on,
                due_time=order.due_time,
                at=utc_naive(self.clock.now()),
                by=actor.id,
                missed=missed,
                chased=order.chased,
            )
            return self.order(order_id)

    def _there_on(self, person_id: int, day: dt.date) -> bool:
        """Was the person with the practice on `day`? Those still here are; one who has
        left was while they held a hat (the roster ends their hats as they leave)."""
        person = Staff.get_by_id(person_id)
        if person.active:
            return True
        held = HatHolder.select(HatHolder.since, HatHolder.until).where(
            HatHolder.staff == person_id
        )
        return any(_in_force(h.since, h.until, day) for h in held)

    def _check_issuer(self, actor: Staff, order: Order, doing: str) -> None:
        if actor.id != order.issued_by_id and not self._manages(actor):
            issuer = Staff.get_by_id(order.issued_by_id).name
            raise OrderError(f"Only {issuer}, who gave the order, or a manager {doing} it.")

    def cancel(self, order_id: int, note: str = "") -> OrderLine:
        """The order is called off (not done): it no longer counts for anyone."""
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            order = self._found(order_id)
            self._check_issuer(actor, order, "cancels")
            changed = (
                Order.update(
                    status=OrderStatus.CANCELLED,
                    answered_by=actor.id,
                    answered_at=now,
                    remark=note.strip(),
                )
                .where(
                    (Order.id == order_id)
                    & Order.status.in_([OrderStatus.OPEN, OrderStatus.REPORTED])
                )
                .execute()
            )
            if not changed:
                raise self._moved_on(order_id)
            return self.order(order_id)

    def chase(self, order_id: int) -> OrderLine:
        """The manager chased it up: one more chase, and when."""
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            order = self._found(order_id)
            self._check_issuer(actor, order, "chases")
            changed = (
                Order.update(chased=Order.chased + 1, chased_at=now)
                .where((Order.id == order_id) & (Order.status == OrderStatus.OPEN))
                .execute()
            )
            if not changed:
                raise self._moved_on(order_id)
            return self.order(order_id)

    # -- programs: reading -------------------------------------------------------------

    def _steps(self, steps: Iterable[ProgramStep]) -> list[StepLine]:
        """Steps as shown, each numbered by its place in its program."""
        rows = list(steps)
        if not rows:
            return []
        now = self.clock.now()
        names = self._names()
        gone = self._gone()
        holders = self._holders(self.today())
        titles = {p.id: p.title for p in Post.select(Post.id, Post.title)}
        program_ids = {row.program_id for row in rows}
        programs = {p.id: p.name for p in Program.select().where(Program.id.in_(program_ids))}
        numbers: dict[int, int] = {}
        for program_id in program_ids:
            order = (
                ProgramStep.select(ProgramStep.id)
                .where(ProgramStep.program == program_id)
                .order_by(ProgramStep.position, ProgramStep.id)
            )
            numbers.update({s.id: n for n, s in enumerate(order, start=1)})
        lines = []
        for row in rows:
            to: Assignee | None = None
            if row.to_staff_id is not None:
                left = row.to_staff_id in gone
                to = Assignee(row.to_staff_id, None, names[row.to_staff_id], left=left)
            elif row.to_post_id is not None:
                held = tuple(names[s] for s in holders.get(row.to_post_id, []))
                to = Assignee(None, row.to_post_id, titles[row.to_post_id], held)
            deadline = self.deadline(row.due_on, None) if row.due_on is not None else None
            lines.append(
                StepLine(
                    id=row.id,
                    program_id=row.program_id,
                    program=programs[row.program_id],
                    number=numbers[row.id],
                    text=row.text,
                    to=to,
                    due_on=row.due_on,
                    deadline=deadline,
                    overdue=row.done_at is None and deadline is not None and deadline <= now,
                    done_at=_aware(row.done_at),
                    done_by=names.get(row.done_by_id or 0),
                    note=row.note,
                )
            )
        return lines

    def programs(self) -> list[ProgramLine]:
        """Every program, the active ones first, each by when it was made."""
        now = self.clock.now()
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for program_id, due_on, done_at in _rows(
            ProgramStep.select(
                ProgramStep.program, ProgramStep.due_on, ProgramStep.done_at
            ).tuples()
        ):
            tally = counts[program_id]
            tally[1] += 1
            if done_at is not None:
                tally[0] += 1
            elif due_on is not None and self.deadline(due_on, None) <= now:
                tally[2] += 1
        query = Program.select().order_by(Program.active.desc(), Program.created, Program.id)
        return [self._program_line(p, Progress(*counts[p.id])) for p in query]

    @staticmethod
    def _program_line(program: Program, progress: Progress) -> ProgramLine:
        return ProgramLine(
            id=program.id,
            name=program.name,
            goal=program.goal,
            active=program.active,
            created=as_utc(program.created),
            progress=progress,
        )

    def program(self, program_id: int) -> ProgramDetail:
        program = self._program(program_id)
        steps = self._steps(
            ProgramStep.select()
            .where(ProgramStep.program == program_id)
            .order_by(ProgramStep.position, ProgramStep.id)
        )
        progress = Progress(
            done=sum(s.done for s in steps),
            total=len(steps),
            overdue=sum(s.overdue for s in steps),
        )
        return ProgramDetail(self._program_line(program, progress), steps)

    def _program(self, program_id: int) -> Program:
        program = Program.get_or_none(Program.id == program_id)
        if program is None:
            raise OrderError("That program is no longer on record.")
        return program

    def _step(self, step_id: int) -> ProgramStep:
        step = ProgramStep.get_or_none(ProgramStep.id == step_id)
        if step is None:
            raise OrderError("That step was taken off its program (on another terminal, perhaps).")
        return step

    # -- programs: writing -------------------------------------------------------------

    def _check_name_free(self, name: str, but: int | None = None) -> None:
        for program_id, other in _rows(Program.select(Program.id, Program.name).tuples()):
            if program_id != but and other.casefold() == name.casefold():
                raise OrderError(f"There is already a program called {other!r}.")

    def create_program(self, name: str, goal: str = "") -> int:
        name = _text(name, "A program needs a name.", LONGEST_PROGRAM_NAME)
        goal = _text(goal, "", LONGEST_TEXT) if goal.strip() else ""
        with self.database.atomic():
            actor = self._manager("writes programs")
            self._check_name_free(name)
            program = Program.create(
                name=name,
                goal=goal.strip(),
                created=utc_naive(self.clock.now()),
                created_by=actor.id,
                active=True,
            )
        return int(program.id)

    def edit_program(
        self, program_id: int, name: str, goal: str, seen: Mapping[str, object] | None = None
    ) -> None:
        """New name or goal; `seen`: the name and goal the form opened with."""
        name = _text(name, "A program needs a name.", LONGEST_PROGRAM_NAME)
        goal = _text(goal, "", LONGEST_TEXT) if goal.strip() else ""
        with self.database.atomic():
            self._manager("writes programs")
            program = self._program(program_id)
            current = {"name": program.name, "goal": program.goal}
            require_unchanged(f"The program {program.name}", current, seen)
            self._check_name_free(name, program_id)
            Program.update(name=name, goal=goal.strip()).where(Program.id == program_id).execute()

    def set_active(self, program_id: int, active: bool) -> None:
        """Archive a program (finished or dropped), or bring it back."""
        with self.database.atomic():
            self._manager("archives programs")
            self._program(program_id)
            Program.update(active=active).where(Program.id == program_id).execute()

    def add_step(
        self,
        program_id: int,
        text: str,
        due_on: dt.date,
        *,
        to_staff: int | None = None,
        to_post: int | None = None,
    ) -> int:
        """A step at the end of the program; its id."""
        text = _text(text, "A step needs its target: what is to be done.")
        with self.database.atomic():
            self._manager("writes programs")
            self._program(program_id)
            self._check_assignee(to_staff, to_post)
            self.check_due(due_on, None)
            last = (
                ProgramStep.select(fn.MAX(ProgramStep.position))
                .where(ProgramStep.program == program_id)
                .scalar()
            )
            step = ProgramStep.create(
                program=program_id,
                position=(last or 0) + 1,
                text=text,
                to_staff=to_staff,
                to_post=to_post,
                due_on=due_on,
            )
        return int(step.id)

    def edit_step(
        self,
        step_id: int,
        text: str,
        due_on: dt.date,
        *,
        to_staff: int | None = None,
        to_post: int | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> None:
        """New words, assignee or due day for a step (a due day kept as it was may be past).

        `seen`: the step's text, due day, to_staff and to_post as the form showed them."""
        text = _text(text, "A step needs its target: what is to be done.")
        with self.database.atomic():
            self._manager("writes programs")
            step = self._step(step_id)
            current = {
                "text": step.text,
                "due_on": step.due_on,
                "to_staff": step.to_staff_id,  # whom, as an Assignee names it: the person,
                "to_post": step.to_post_id if step.to_staff_id is None else None,  # else post
            }
            require_unchanged("That step", current, seen)
            if (to_staff, to_post) != (step.to_staff_id, step.to_post_id):
                self._check_assignee(to_staff, to_post)
            if due_on != step.due_on:
                self.check_due(due_on, None)
            ProgramStep.update(text=text, due_on=due_on, to_staff=to_staff, to_post=to_post).where(
                ProgramStep.id == step_id
            ).execute()

    def move_step(self, step_id: int, offset: int) -> None:
        """Move a step `offset` places up (negative) or down its program."""
        with self.database.atomic():
            self._manager("writes programs")
            step = self._step(step_id)
            ordered = list(
                ProgramStep.select()
                .where(ProgramStep.program == step.program_id)
                .order_by(ProgramStep.position, ProgramStep.id)
            )
            index = next(n for n, row in enumerate(ordered) if row.id == step_id)
            target = max(0, min(len(ordered) - 1, index + offset))
            ordered.insert(target, ordered.pop(index))
            for position, row in enumerate(ordered, start=1):
                if row.position != position:
                    ProgramStep.update(position=position).where(ProgramStep.id == row.id).execute()

    def remove_step(self, step_id: int) -> None:
        with self.database.atomic():
            self._manager("writes programs")
            self._step(step_id)
            ProgramStep.delete().where(ProgramStep.id == step_id).execute()

    def step_done(self, step_id: int, note: str = "") -> StepLine:
        """The step's target is reached: by its assignee (a holder of its post) or a manager."""
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            step = self._step(step_id)
            if not (self._for(actor, step.to_staff_id, step.to_post_id) or self._manages(actor)):
                raise OrderError("This step is someone else's: they, or a manager, mark it done.")
            changed = (
                ProgramStep.update(done_at=now, done_by=actor.id, note=note.strip())
                .where((ProgramStep.id == step_id) & ProgramStep.done_at.is_null())
                .execute()
            )
            if not changed:
                [line] = self._steps([self._step(step_id)])
                at = self.when(line.done_at) if line.done_at else ""
                raise OrderError(
                    f"Already done — {line.done_by} marked it done at {at}. Nothing was changed."
                )
            [line] = self._steps([self._step(step_id)])
            return line

    def reopen_step(self, step_id: int) -> None:
        """A step marked done by mistake is open again (a manager's call)."""
        with self.database.atomic():
            self._manager("reopens steps")
            self._step(step_id)
            ProgramStep.update(done_at=None, done_by=None).where(
                ProgramStep.id == step_id
            ).execute()


def _text(text: str | None, message: str, longest: int = LONGEST_TEXT) -> str:
    text = (text or "").strip()
    if not text:
        raise OrderError(message)
    if len(text) > longest:
        raise OrderError(f"That is {len(text)} characters; {longest} at most, please.")
    return text
