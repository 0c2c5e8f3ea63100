"""Hats: each post's write-up, its checklists and their ticks, training, policies, compliance.

A checklist item is due once per period: a day, a stats week (which ends on the
practice's cutoff, Thursday 14:00 by default) or a calendar month. Each period is
named by its `due_on` day — the day itself, the week's ending day, the month's last
day — and has a deadline: the item's due time on that day, the week's cutoff, or the
end of the day. A tick at or before the deadline is on time; after it, late.

Compliance = occurrences done on time ÷ occurrences due, where an occurrence is one
item, one period, one holder (a shared item is owed once by all its post's holders).
An item is due in a period when one of its versions is in force on `due_on`, the
person holds the post that day and is not on leave. An occurrence whose deadline is
still ahead is not due yet (unless already ticked).
"""

from __future__ import annotations

import calendar
import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from peewee import JOIN, Database, IntegrityError

from db.models import (
    Attestation,
    ChecklistItem,
    ChecksheetStep,
    Duty,
    Frequency,
    HatHolder,
    Leave,
    Order,
    OrderHandover,
    OrderStatus,
    Policy,
    PolicyPost,
    PolicyVersion,
    Post,
    Program,
    ProgramStep,
    Setting,
    SettingKey,
    Staff,
    Stat,
    StepSignoff,
    Tick,
    utc_naive,
)
from om_tui.practice import limits
from om_tui.practice.clock import Clock
from om_tui.practice.people.roles import ADMINISTRATOR, checked, recorded, require
from om_tui.practice.refusal import Refusal
from om_tui.practice.seen import require_unchanged
from om_tui.practice.settings import PracticeSettings
from om_tui.practice.stats.service import StatWeeks, week_ends_of
from om_tui.practice.words import counted

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


def parse_due_time(text: str | None) -> str | None:
    """ "9", "9:30", "09:30" → "09:30"; empty → None. Refuses what is not a time of day."""
    text = (text or "").strip()
    if not text:
        return None
    hour, _, minute = text.partition(":")
    try:
        at = dt.time(int(hour), int(minute or 0))
    except ValueError:
        raise HatError(f"A due time is a time of day, like 9:30 or 17:00 (not {text!r}).") from None
    return f"{at:%H:%M}"


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
OPEN_DAYS = frozenset(range(5))
"""Daily items are due on the days the office is open: Monday to Friday unless set."""


def parse_open_days(text: str) -> frozenset[int]:
    """ "0 1 2 3 4" (Monday 0) → those weekdays. Refuses an empty or odd list."""
    try:
        days = frozenset(int(part) for part in text.replace(",", " ").split())
    except ValueError:
        days = frozenset()
    if not days or not days <= set(range(7)):
        raise HatError(f"Open days are weekday numbers 0 (Monday) to 6 (Sunday): {text!r}")
    return days


def open_days_of(database: Database) -> frozenset[int]:
    row = Setting.get_or_none(Setting.key == SettingKey.OPEN_DAYS)
    return parse_open_days(row.value) if row else OPEN_DAYS


@checked("settings", "changes the practice's settings")
def set_open_days(database: Database, days: frozenset[int], *, by: int | None) -> None:
    value = " ".join(str(day) for day in sorted(days))
    with database.atomic():
        Setting.insert(key=SettingKey.OPEN_DAYS, value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}
        ).execute()


@dataclass(frozen=True)
class Periods:
    """Period arithmetic for checklist items, in the practice's time zone."""

    zone: dt.tzinfo
    weeks: StatWeeks
    open_days: frozenset[int] = OPEN_DAYS

    def due_on(self, frequency: str, day: dt.date) -> dt.date:
        """The day naming the period of `frequency` that `day` falls in.

        A daily item's period is an open day; a closed day belongs to the next open one.
        """
        if frequency == Frequency.DAILY:
            while day.weekday() not in self.open_days:
                day += dt.timedelta(days=1)
            return day
        if frequency == Frequency.WEEKLY:
            return self.weeks.week_of_day(day)
        return _month_end(day)

    def current(self, frequency: str, now: dt.datetime) -> dt.date:
        """The period an instant falls in (a week turns at its cutoff, not at midnight)."""
        if frequency == Frequency.WEEKLY:
            return self.weeks.week_of(now)
        return self.due_on(frequency, now.astimezone(self.zone).date())

    def previous(self, frequency: str, due_on: dt.date) -> dt.date:
        if frequency == Frequency.DAILY:
            day = due_on - dt.timedelta(days=1)
            while day.weekday() not in self.open_days:
                day -= dt.timedelta(days=1)
            return day
        if frequency == Frequency.WEEKLY:
            return due_on - dt.timedelta(weeks=1)
        return due_on.replace(day=1) - dt.timedelta(days=1)

    def deadline(self, frequency: str, due_on: dt.date, due_time: str | None) -> dt.datetime:
        """When an occurrence must be done by (UTC)."""
        if frequency == Frequency.WEEKLY:
            return self.weeks.cutoff(due_on)
        if due_time:
            at = dt.time.fromisoformat(due_time)
            return dt.datetime.combine(due_on, at, tzinfo=self.zone).astimezone(dt.UTC)
        midnight = dt.datetime.combine(due_on + dt.timedelta(days=1), dt.time(), tzinfo=self.zone)
        return midnight.astimezone(dt.UTC)

    def due_days(self, frequency: str, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        """Every `due_on` day of `frequency` from `first` to `last`, both included."""
        day = self.due_on(frequency, first)
        while day <= last:
            if day >= first:
                yield day
            if frequency == Frequency.DAILY:
                day = self.due_on(frequency, day + dt.timedelta(days=1))
            elif frequency == Frequency.WEEKLY:
                day += dt.timedelta(weeks=1)
            else:
                day = _month_end(day + dt.timedelta(days=1))


def not_due_yet(deadline: dt.datetime, now: dt.datetime) -> bool:
    """An occurrence is not owed while its deadline is still ahead. At the deadline
    itself it is due: untick'd, it is overdue on My hat and counted in the matrix (a tick
    at that same instant is still on time). The one rule for My hat and compliance."""
    return now < deadline


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


def _in_force(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day < end)


# -- what the screens read ----------------------------------------------------------


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


# -- the service ---------------------------------------------------------------------


@dataclass
class Hats:
    """The practice's hats: writing them, working from them, and measuring compliance."""

    database: Database
    clock: Clock
    settings: PracticeSettings
    staff_id: int | None = None
    periods: Periods = field(init=False)

    def __post_init__(self) -> None:
        zone = self.settings.zone
        weeks = StatWeeks(zone, week_ends_of(self.database))
        self.periods = Periods(zone, weeks, open_days_of(self.database))

    def today(self) -> dt.date:
        return self.settings.today(self.clock.now())

    def _now(self) -> dt.datetime:
        return utc_naive(self.clock.now())

    # -- people and posts -------------------------------------------------------------

    def people(self) -> list[tuple[int, str]]:
        """Active staff, by name."""
        query = Staff.select(Staff.id, Staff.name).where(Staff.active == True)  # noqa: E712
        return [(s.id, s.name) for s in query.order_by(Staff.name)]

    def names(self) -> dict[int, str]:
        """Everyone's name by id, those who have left too (their record keeps them)."""
        return dict(_rows(Staff.select(Staff.id, Staff.name).tuples()))

    def posts(self) -> list[tuple[int, str]]:
        return [(p.id, p.title) for p in Post.select().order_by(Post.position, Post.title)]

    def held_on(self, day: dt.date) -> dict[int, list[int]]:
        """Post → the staff holding it on `day`."""
        held: dict[int, list[int]] = defaultdict(list)
        for holder in HatHolder.select():
            if _in_force(holder.since, holder.until, day):
                held[holder.post_id].append(holder.staff_id)
        return held

    def hats_of(self, person_id: int, day: dt.date | None = None) -> list[tuple[int, str]]:
        day = day or self.today()
        query = (
            HatHolder.select(HatHolder, Post)
            .join(Post)
            .where(HatHolder.staff == person_id)
            .order_by(Post.position, Post.title)
        )
        return [(h.post.id, h.post.title) for h in query if _in_force(h.since, h.until, day)]

    def holders(self, post_id: int, day: dt.date | None = None) -> list[tuple[int, str]]:
        day = day or self.today()
        query = (
            HatHolder.select(HatHolder, Staff)
            .join(Staff)
            .where(HatHolder.post == post_id)
            .order_by(Staff.name)
        )
        return [(h.staff.id, h.staff.name) for h in query if _in_force(h.since, h.until, day)]

    def detail(self, post_id: int) -> HatDetail:
        post = Post.get_or_none(Post.id == post_id)
        if post is None:
            raise HatError("That hat was deleted (on another terminal, perhaps).")
        today = self.today()
        items = [
            ItemLine(i.id, i.key, i.text, i.frequency, i.due_time, i.shared)
            for i in self._items_in_force(post_id, today)
        ]
        holders = self.holders(post_id, today)
        signed: dict[int, dict[int, dt.datetime]] = defaultdict(dict)
        steps = list(
            ChecksheetStep.select()
            .where((ChecksheetStep.post == post_id) & (ChecksheetStep.active == True))  # noqa: E712
            .order_by(ChecksheetStep.position, ChecksheetStep.id)
        )
        for signoff in StepSignoff.select().where(StepSignoff.step.in_([s.id for s in steps])):
            signed[signoff.step_id][signoff.staff_id] = signoff.at
        return HatDetail(
            post_id=post.id,
            title=post.title,
            purpose=post.purpose,
            product=post.product,
            holders=holders,
            stats=[
                s.name
                for s in Stat.select(Stat.name)
                .where((Stat.post == post_id) & (Stat.active == True))  # noqa: E712
                .order_by(Stat.position)
            ],
            duties=[
                (d.id, d.text)
                for d in Duty.select().where(Duty.post == post_id).order_by(Duty.position, Duty.id)
            ],
            items=items,
            steps=[StepLine(s.id, s.text, signed[s.id]) for s in steps],
            policies=[
                (p.id, p.title)
                for p in Policy.select()
                .join(PolicyPost)
                .where(PolicyPost.post == post_id)
                .order_by(Policy.title)
            ],
        )

    def _items_in_force(self, post_id: int, day: dt.date) -> list[ChecklistItem]:
        query = ChecklistItem.select().where(
            (ChecklistItem.post == post_id)
            & (ChecklistItem.start <= day)
            & (ChecklistItem.end.is_null() | (ChecklistItem.end > day))
        )
        return list(query.order_by(ChecklistItem.position, ChecklistItem.key))

    # -- working from one's hat -------------------------------------------------------

    def my_hat(self, person_id: int) -> MyHat:
        person = Staff.get_or_none(Staff.id == person_id)
        if person is None:
            raise HatError("That person is not on the staff list.")
        now = self.clock.now()
        today = self.today()
        posts = self.hats_of(person_id, today)
        post_ids = [p for p, _ in posts]
        titles = dict(posts)
        position = {p: n for n, p in enumerate(post_ids)}
        lists: dict[str, list[Occurrence]] = {f: [] for f in Frequency}
        if post_ids:
            items = list(
                ChecklistItem.select().where(
                    ChecklistItem.post.in_(post_ids)
                    & (ChecklistItem.end.is_null() | (ChecklistItem.end >= self._oldest(today)))
                )
            )
            wanted: list[tuple[ChecklistItem, dt.date]] = []
            for item in items:
                current = self.periods.current(item.frequency, now)
                for due_on in (self.periods.previous(item.frequency, current), current):
                    if _in_force(item.start, item.end, due_on):
                        wanted.append((item, due_on))
            ticks = self._ticks({i.key for i, _ in wanted}, [d for _, d in wanted])
            earliest = min((d for _, d in wanted), default=today)
            on_leave = self._leave([person_id], earliest, today)
            held = self._holdings(person_id)
            live = {i.key for i in items if _in_force(i.start, i.end, today)}  # not removed
            for item, due_on in wanted:
                current = self.periods.current(item.frequency, now)
                found = self._occurrence(item, due_on, person_id, titles[item.post_id], ticks, now)
                ticked_today = (
                    found.ticked_at is not None and self.settings.today(found.ticked_at) == today
                )
                if due_on != current and (
                    not (found.state == State.OVERDUE or ticked_today)
                    or item.key not in live
                    or (person_id, due_on) in on_leave
                    or not any(_in_force(s, u, due_on) for s, u in held[item.post_id])
                ):
                    # Of the last period, what they owe and can still do shows, and what
                    # was ticked today (so a late tick can be seen, and taken back).
                    continue
                lists[item.frequency].append(found)
            rank = {State.OVERDUE: 0}
            for occurrences in lists.values():
                occurrences.sort(
                    key=lambda o: (
                        rank.get(o.state, 1),
                        o.due_on,
                        position[o.post_id],
                        o.due_time or "99",
                        o.key,
                    )
                )
        return MyHat(
            person_id=person_id,
            name=person.name,
            posts=posts,
            today=lists[Frequency.DAILY],
            week=lists[Frequency.WEEKLY],
            month=lists[Frequency.MONTHLY],
            policies=self.policies_due(person_id),
            checksheets=self._checksheets([person_id]).get(person_id, []),
        )

    def _holdings(self, person_id: int) -> dict[int, list[tuple[dt.date, dt.date | None]]]:
        held: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        for holding in HatHolder.select().where(HatHolder.staff == person_id):
            held[holding.post_id].append((holding.since, holding.until))
        return held

    def _oldest(self, today: dt.date) -> dt.date:
        """The oldest `due_on` My hat can show: last month's end."""
        return today.replace(day=1) - dt.timedelta(days=1)

    def _ticks(
        self, keys: Iterable[int], days: Sequence[dt.date]
    ) -> dict[tuple[int, dt.date, int], tuple[dt.datetime, int | None, str | None]]:
        """(key, due_on, holder) → when ticked, by whom (id, name)."""
        keys = list(keys)
        if not keys or not days:
            return {}
        query = (
            Tick.select(Tick.key, Tick.due_on, Tick.holder, Tick.at, Tick.by, Staff.name)
            .join(Staff, JOIN.LEFT_OUTER, on=(Tick.by == Staff.id))
            .where(Tick.key.in_(keys) & Tick.due_on.between(min(days), max(days)))
            .tuples()
        )
        return {(key, on, hold): (at, by, name) for key, on, hold, at, by, name in _rows(query)}

    def _occurrence(
        self,
        item: ChecklistItem,
        due_on: dt.date,
        person_id: int,
        post: str,
        ticks: dict[tuple[int, dt.date, int], tuple[dt.datetime, int | None, str | None]],
        now: dt.datetime,
    ) -> Occurrence:
        deadline = self.periods.deadline(item.frequency, due_on, item.due_time)
        holder = SHARED if item.shared else person_id
        tick = ticks.get((item.key, due_on, holder))
        ticked_at = tick[0].replace(tzinfo=dt.UTC) if tick else None
        if ticked_at is not None:
            state = State.DONE if ticked_at <= deadline else State.LATE
        elif not_due_yet(deadline, now):
            state = State.OPEN
        elif self._tickable(item.frequency, due_on, now):
            state = State.OVERDUE
        else:
            state = State.MISSED
        by_id, by = (tick[1], tick[2]) if tick else (None, None)
        return Occurrence.of(item, post, due_on, deadline, person_id, state, by_id, by, ticked_at)

    def _tickable(self, frequency: str, due_on: dt.date, now: dt.datetime) -> bool:
        """This period or the last one: a missed item may be done late until the next ends."""
        current = self.periods.current(frequency, now)
        return due_on in (current, self.periods.previous(frequency, current))

    @checked("my_hat", "ticks checklist items")
    def tick(self, item_id: int, due_on: dt.date, person_id: int) -> Occurrence:
        """Tick `person_id`'s item done for a period, in the actor's name (a manager may tick
        on someone's behalf). Ticked already (by anyone)? That tick stands."""
        now = self.clock.now()
        with self.database.atomic():
            self._require_for(person_id, "ticks an item on someone else's behalf")
            item = ChecklistItem.get_or_none(ChecklistItem.id == item_id)
            if item is None:
                raise HatError("That item was removed from the hat; nothing was ticked.")
            post = Post.get_by_id(item.post_id)
            if not any(p == item.post_id for p, _ in self.hats_of(person_id, due_on)):
                raise HatError(f"Only a holder of the {post.title} hat can tick its items.")
            if not self._tickable(item.frequency, due_on, now):
                raise HatError("That period is closed: the item stays missed in the record.")
            if item.frequency == Frequency.DAILY and due_on > self.today():
                # A closed day shows the next open day's list: to read, not to tick ahead.
                raise HatError(
                    f"That is {due_on:%a} {due_on.day} {due_on:%b}'s: it is ticked that day."
                )
            holder = SHARED if item.shared else person_id
            try:
                with self.database.atomic():
                    Tick.create(
                        item=item.id,
                        key=item.key,
                        due_on=due_on,
                        holder=holder,
                        by=recorded(self.staff_id),
                        at=utc_naive(now),
                    )
            except IntegrityError:
                pass  # ticked a moment ago on another terminal: one record, theirs
            ticks = self._ticks([item.key], [due_on])
            return self._occurrence(item, due_on, person_id, post.title, ticks, now)

    @checked("my_hat", "takes ticks back")
    def untick(self, item_id: int, due_on: dt.date, person_id: int) -> None:
        """Take a tick back: only one's own, and only the day it was made."""
        with self.database.atomic():
            self._require_for(person_id, "takes a tick back on someone else's behalf")
            item = ChecklistItem.get_or_none(ChecklistItem.id == item_id)
            if item is None:
                raise HatError("That item was removed from the hat.")
            holder = SHARED if item.shared else person_id
            tick = Tick.get_or_none(
                (Tick.key == item.key) & (Tick.due_on == due_on) & (Tick.holder == holder)
            )
            if tick is None:
                return  # unticked already, perhaps on another terminal
            if tick.by_id != recorded(self.staff_id) and self.staff_id != ADMINISTRATOR:
                who = Staff.get_or_none(Staff.id == tick.by_id)
                name = who.name if who is not None else "Someone else"
                raise HatError(f"{name} ticked this; only they can take their tick back.")
            made = self.settings.today(tick.at.replace(tzinfo=dt.UTC))
            if made != self.today():
                raise HatError("A tick can be taken back only the day it was made.")
            tick.delete_instance()

    def _require_for(self, person_id: int, doing: str) -> None:
        """One's own items are one's own to tick; someone else's, a manager's on their behalf."""
        if person_id != self.staff_id:
            require(self.database, self.staff_id, "tick_for_others", doing, HatError)

    # -- policies ---------------------------------------------------------------------

    def policies_due(self, person_id: int) -> list[PolicyDue]:
        """Policies of the person's hats whose newest version they have not attested."""
        return self._policies_owed([person_id]).get(person_id, [])

    def _held_today(self, person_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
        """Person → the hats they hold today, in the hats' order."""
        today = self.today()
        query = (
            HatHolder.select(HatHolder.staff, HatHolder.since, HatHolder.until, Post.id, Post.title)
            .join(Post)
            .where(HatHolder.staff.in_(list(person_ids)))
            .order_by(Post.position, Post.title)
            .tuples()
        )
        held: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for staff_id, since, until, post_id, title in _rows(query):
            if _in_force(since, until, today) and (post_id, title) not in held[staff_id]:
                held[staff_id].append((post_id, title))
        return held

    def _policies_owed(self, person_ids: Sequence[int]) -> dict[int, list[PolicyDue]]:
        """Person → the policies they owe an attestation, by title (a few queries for all)."""
        held = self._held_today(person_ids)
        post_ids = {p for posts in held.values() for p, _ in posts}
        if not post_ids:
            return {}
        policies_of: dict[int, set[int]] = defaultdict(set)
        for policy_id, post_id in _rows(
            PolicyPost.select(PolicyPost.policy, PolicyPost.post)
            .where(PolicyPost.post.in_(list(post_ids)))
            .tuples()
        ):
            policies_of[post_id].add(policy_id)
        wanted = {p for ps in policies_of.values() for p in ps}
        titles: dict[int, str] = dict(
            _rows(
                Policy.select(Policy.id, Policy.title).where(Policy.id.in_(list(wanted))).tuples()
            )
        )
        newest: dict[int, PolicyVersion] = {}
        version_of: dict[int, tuple[int, int]] = {}  # version id → (policy, number)
        for version in PolicyVersion.select(
            PolicyVersion.id, PolicyVersion.policy, PolicyVersion.number
        ).where(PolicyVersion.policy.in_(list(wanted))):
            version_of[version.id] = (version.policy_id, version.number)
            if version.number > getattr(newest.get(version.policy_id), "number", 0):
                newest[version.policy_id] = version
        attested: dict[tuple[int, int], int] = {}  # (person, policy) → highest number attested
        for version_id, staff_id in _rows(
            Attestation.select(Attestation.version, Attestation.staff)
            .where(
                Attestation.staff.in_(list(person_ids)) & Attestation.version.in_(list(version_of))
            )
            .tuples()
        ):
            policy_id, number = version_of[version_id]
            attested[(staff_id, policy_id)] = max(number, attested.get((staff_id, policy_id), 0))
        bodies: dict[int, str] = {}
        owed: dict[int, list[PolicyDue]] = {}
        for person_id, posts in held.items():
            mine = {pol for post_id, _ in posts for pol in policies_of[post_id] if pol in newest}
            for policy_id in sorted(mine, key=lambda p: titles[p]):
                version = newest[policy_id]
                before = attested.get((person_id, policy_id))
                if before == version.number:
                    continue
                if version.id not in bodies:
                    bodies[version.id] = PolicyVersion.get_by_id(version.id).body
                owed.setdefault(person_id, []).append(
                    PolicyDue(
                        policy_id,
                        titles[policy_id],
                        version.id,
                        version.number,
                        before,
                        bodies[version.id],
                    )
                )
        return owed

    @checked("my_hat", "attests policies")
    def attest(self, version_id: int, person_id: int) -> None:
        with self.database.atomic():
            if person_id != self.staff_id and self.staff_id != ADMINISTRATOR:
                raise HatError("Each person attests a policy themselves, logged in as themselves.")
            version = PolicyVersion.get_or_none(PolicyVersion.id == version_id)
            if version is None:
                raise HatError("That policy was deleted; nothing was recorded.")
            newest = (
                PolicyVersion.select(PolicyVersion.number)
                .where(PolicyVersion.policy == version.policy_id)
                .order_by(PolicyVersion.number.desc())
                .scalar()
            )
            held = {p for p, _ in self.hats_of(person_id)}
            if (
                not PolicyPost.select()
                .where((PolicyPost.policy == version.policy_id) & PolicyPost.post.in_(list(held)))
                .exists()
            ):
                raise HatError("That policy is not one of your hats' policies.")
            if newest != version.number:
                raise HatError(
                    f"The policy has a newer version (v{newest}) since you opened it: read that."
                )
            Attestation.insert(
                version=version_id, staff=person_id, at=self._now()
            ).on_conflict_ignore().execute()

    def policies(self) -> list[tuple[int, str, int]]:
        """Every policy: (id, title, newest version number)."""
        rows = []
        for policy in Policy.select().order_by(Policy.title):
            newest = (
                PolicyVersion.select(PolicyVersion.number)
                .where(PolicyVersion.policy == policy.id)
                .order_by(PolicyVersion.number.desc())
                .scalar()
            )
            rows.append((policy.id, policy.title, newest or 0))
        return rows

    def policy(self, policy_id: int) -> tuple[Policy, PolicyVersion, list[tuple[int, str]]]:
        """A policy, its newest version, and the posts whose holders attest to it."""
        policy = Policy.get_or_none(Policy.id == policy_id)
        if policy is None:
            raise HatError("That policy was deleted (on another terminal, perhaps).")
        newest = (
            PolicyVersion.select()
            .where(PolicyVersion.policy == policy_id)
            .order_by(PolicyVersion.number.desc())
            .get()
        )
        posts = [
            (p.id, p.title)
            for p in Post.select().join(PolicyPost).where(PolicyPost.policy == policy_id)
        ]
        return policy, newest, posts

    @checked("policies", "writes policies")
    def write_policy(self, title: str, body: str, post_ids: Sequence[int] = ()) -> int:
        """A new policy, version 1."""
        title = _required(title, "A policy needs a title.", limits.POLICY_TITLE)
        body = _required(body, "A policy needs its text.", limits.POLICY_TEXT)
        with self.database.atomic():
            self._check_policy_title_free(title)
            policy = Policy.create(title=title, created=self._now())
            PolicyVersion.create(
                policy=policy, number=1, body=body, by=recorded(self.staff_id), at=self._now()
            )
            for post_id in post_ids:
                PolicyPost.insert(policy=policy, post=post_id).on_conflict_ignore().execute()
            return int(policy.id)

    @checked("policies", "writes policies")
    def revise_policy(
        self,
        policy_id: int,
        body: str,
        title: str | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> int:
        """A new version: every holder concerned must attest again. Returns its number.

        `seen`: the title and newest version number the editor opened with; a version
        or title written on another terminal since is not silently written over."""
        body = _required(body, "A policy needs its text.", limits.POLICY_TEXT)
        with self.database.atomic():
            policy, newest, _ = self.policy(policy_id)
            current = {"title": policy.title, "version": newest.number}
            require_unchanged(f"The policy {policy.title}", current, seen)
            if title is not None and title.strip() and title.strip() != policy.title:
                self._rename_policy(policy, _required(title, "", limits.POLICY_TITLE))
            if body == newest.body:
                return int(newest.number)  # nothing changed: nobody is asked again
            number = int(newest.number) + 1
            PolicyVersion.create(
                policy=policy_id,
                number=number,
                body=body,
                by=recorded(self.staff_id),
                at=self._now(),
            )
            return number

    def _rename_policy(self, policy: Policy, title: str) -> None:
        self._check_policy_title_free(title, but=policy.id)
        policy.title = title
        policy.save()

    @checked("policies", "writes policies")
    def set_policy_posts(
        self, policy_id: int, post_ids: Sequence[int], seen: Sequence[int] | None = None
    ) -> None:
        """The posts whose holders attest to the policy; `seen`: the posts the form showed."""
        with self.database.atomic():
            policy, _, posts = self.policy(policy_id)
            current = {"posts": sorted(p for p, _ in posts)}
            expected = None if seen is None else {"posts": sorted(seen)}
            require_unchanged(f"The policy {policy.title}", current, expected)
            PolicyPost.delete().where(PolicyPost.policy == policy_id).execute()
            for post_id in post_ids:
                PolicyPost.create(policy=policy_id, post=post_id)

    # -- training checksheets ---------------------------------------------------------

    def _checksheets(self, person_ids: Sequence[int]) -> dict[int, list[ChecksheetProgress]]:
        """Person → their progress on the checksheets of the hats they hold today."""
        held = self._held_today(person_ids)
        post_ids = {p for posts in held.values() for p, _ in posts}
        post_of: dict[int, int] = dict(
            _rows(
                ChecksheetStep.select(ChecksheetStep.id, ChecksheetStep.post)
                .where(
                    ChecksheetStep.post.in_(list(post_ids)) & (ChecksheetStep.active == True)  # noqa: E712
                )
                .tuples()
            )
        )
        steps: dict[int, int] = defaultdict(int)
        for post_id in post_of.values():
            steps[post_id] += 1
        done: dict[tuple[int, int], int] = defaultdict(int)
        for step_id, staff_id in _rows(
            StepSignoff.select(StepSignoff.step, StepSignoff.staff)
            .where(StepSignoff.step.in_(list(post_of)) & StepSignoff.staff.in_(list(person_ids)))
            .tuples()
        ):
            done[(staff_id, post_of[step_id])] += 1
        return {
            person_id: [
                ChecksheetProgress(post_id, title, done[(person_id, post_id)], steps[post_id])
                for post_id, title in posts
                if steps[post_id]
            ]
            for person_id, posts in held.items()
        }

    @checked("hats", "signs training steps off")
    def sign_off(self, step_id: int, trainee_id: int) -> None:
        """The manager signs a trainee's step off, dated now."""
        with self.database.atomic():
            step = ChecksheetStep.get_or_none(ChecksheetStep.id == step_id)
            if step is None or not step.active:
                raise HatError("That checksheet step was removed.")
            if trainee_id == self.staff_id:
                raise HatError("A step is signed off by someone else, not by its trainee.")
            StepSignoff.insert(
                step=step_id, staff=trainee_id, signed_by=recorded(self.staff_id), at=self._now()
            ).on_conflict_ignore().execute()

    @checked("hats", "signs training steps off")
    def unsign(self, step_id: int, trainee_id: int) -> None:
        """Take a sign-off back; not of a step removed since: its sign-offs stay on record."""
        with self.database.atomic():
            step = ChecksheetStep.get_or_none(ChecksheetStep.id == step_id)
            if step is None or not step.active:
                raise HatError("That checksheet step was removed; its sign-offs stay on record.")
            StepSignoff.delete().where(
                (StepSignoff.step == step_id) & (StepSignoff.staff == trainee_id)
            ).execute()

    # -- compliance -------------------------------------------------------------------

    def occurrences(
        self, first: dt.date, last: dt.date, person_ids: Sequence[int] | None = None
    ) -> list[Occurrence]:
        """Every occurrence due from `first` to `last` (by `due_on`), not yet-open ones."""
        now = self.clock.now()
        titles: dict[int, str] = dict(_rows(Post.select(Post.id, Post.title).tuples()))
        names = self.names()
        tickable = self._tickable_periods(now)
        found = []
        for item, due_on, deadline, staff_id, tick in self._due(first, last, person_ids, now):
            at: dt.datetime | None = None
            by: int | None = None
            if tick is not None:
                on_time, when, by = tick
                at = dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC)
                state = State.DONE if on_time else State.LATE
            else:
                state = State.OVERDUE if due_on in tickable[item.frequency] else State.MISSED
            post = titles.get(item.post_id, "")
            name = names.get(by) if by is not None else None
            found.append(Occurrence.of(item, post, due_on, deadline, staff_id, state, by, name, at))
        return found

    def _tickable_periods(self, now: dt.datetime) -> dict[str, set[dt.date]]:
        """Frequency → the periods that may still be ticked (this one and the last)."""
        tickable = {}
        for frequency in Frequency:
            current = self.periods.current(frequency, now)
            tickable[str(frequency)] = {current, self.periods.previous(frequency, current)}
        return tickable

    def _due(
        self,
        first: dt.date,
        last: dt.date,
        person_ids: Sequence[int] | None,
        now: dt.datetime,
    ) -> Iterator[tuple[_Item, dt.date, dt.datetime, int, _Ticked | None]]:
        """(item, due_on, deadline, person, tick) for every occurrence due in the range.

        The one walk behind both the drill-down and the matrix. A big practice's quarter
        is ~30,000 occurrences and ~25,000 ticks, so this reads rows as tuples, ticks
        through a raw cursor (peewee's per-row conversions tripled that read) and works
        each period's deadline out once.
        """
        holdings = _rows(
            HatHolder.select(HatHolder.post, HatHolder.staff, HatHolder.since, HatHolder.until)
            .where(
                (HatHolder.since <= last) & (HatHolder.until.is_null() | (HatHolder.until > first))
            )
            .tuples()
        )
        if person_ids is not None:
            wanted = set(person_ids)
            holdings = [h for h in holdings if h[1] in wanted]
        if not holdings:
            return
        by_post: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
        for post_id, staff_id, since, until in holdings:
            by_post[post_id].append((staff_id, since, until))
        items = [
            _Item(*row)
            for row in _rows(
                ChecklistItem.select(
                    ChecklistItem.id,
                    ChecklistItem.key,
                    ChecklistItem.post,
                    ChecklistItem.text,
                    ChecklistItem.frequency,
                    ChecklistItem.due_time,
                    ChecklistItem.shared,
                    ChecklistItem.start,
                    ChecklistItem.end,
                )
                .where(
                    ChecklistItem.post.in_(list(by_post))
                    & (ChecklistItem.start <= last)
                    & (ChecklistItem.end.is_null() | (ChecklistItem.end > first))
                )
                .tuples()
            )
        ]
        on_leave = self._leave({s for hs in by_post.values() for s, _, _ in hs}, first, last)
        # Ticks stay text: `at` is stored as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, which
        # compares with a deadline written the same way as the instants do. Converting
        # a quarter's 25,000 ticks to datetimes cost more than reading them.
        sql, params = (
            Tick.select(Tick.key, Tick.due_on, Tick.holder, Tick.at, Tick.by)
            .where(Tick.due_on.between(first, last))
            .sql()
        )
        cursor = self.database.execute_sql(sql, params)  # type: ignore[no-untyped-call]
        ticks = {(key, on, holder): (at, by) for key, on, holder, at, by in cursor}
        # Each frequency's periods in the range, and each (frequency, due time)'s
        # deadlines, worked out once; an item takes the slice its versions cover.
        days = {str(f): list(self.periods.due_days(f, first, last)) for f in Frequency}
        schedules: dict[tuple[str, str | None], list[tuple[dt.date, str, dt.datetime, str]]] = {}
        for item in items:
            schedule = schedules.get((item.frequency, item.due_time))
            if schedule is None:
                schedule = schedules[(item.frequency, item.due_time)] = []
                for due_on in days[item.frequency]:
                    deadline = self.periods.deadline(item.frequency, due_on, item.due_time)
                    schedule.append(
                        (due_on, due_on.isoformat(), deadline, str(utc_naive(deadline)))
                    )
            stop = last if item.end is None else item.end - dt.timedelta(days=1)
            held = by_post[item.post_id]
            own = not item.shared
            periods = days[item.frequency]
            start, end = bisect_left(periods, item.start), bisect_right(periods, stop)
            for due_on, day, deadline, by_then in schedule[start:end]:
                for staff_id, since, until in held:
                    if not _in_force(since, until, due_on) or (staff_id, due_on) in on_leave:
                        continue
                    tick = ticks.get((item.key, day, staff_id if own else SHARED))
                    if tick is None:
                        if not_due_yet(deadline, now):
                            continue
                        yield item, due_on, deadline, staff_id, None
                    else:
                        yield item, due_on, deadline, staff_id, (tick[0] <= by_then, *tick)

    def _leave(
        self, person_ids: Iterable[int], first: dt.date, last: dt.date
    ) -> set[tuple[int, dt.date]]:
        """The (person, day) pairs spent on leave from `first` to `last`."""
        away: set[tuple[int, dt.date]] = set()
        for leave in Leave.select().where(
            Leave.staff.in_(list(person_ids)) & (Leave.start <= last) & (Leave.end >= first)
        ):
            day = max(first, leave.start)
            while day <= min(last, leave.end):
                away.add((leave.staff_id, day))
                day += dt.timedelta(days=1)
        return away

    def compliance(
        self,
        first: dt.date,
        last: dt.date,
        by_week: bool = False,
        person_ids: Sequence[int] | None = None,
    ) -> Compliance:
        """The compliance matrix from `first` to `last`: by day, or by stats week.

        Everyone who owed an item in the window is in it, those who have left since too
        (for the days they held a hat: the staff roster takes a leaver off their hats).
        """
        weeks = self.periods.weeks
        if by_week:
            periods = list(self.periods.due_days(Frequency.WEEKLY, first, last))
            if not periods or periods[-1] < last:
                periods.append(weeks.week_of_day(last))
        else:
            periods = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        query = Staff.select(Staff.id, Staff.name, Staff.active).order_by(Staff.name, Staff.id)
        staff = _rows(query.tuples())
        if person_ids is not None:
            chosen = set(person_ids)
            staff = [row for row in staff if row[0] in chosen]
        people = [(person_id, name) for person_id, name, _ in staff]
        gone = {person_id for person_id, _, active in staff if not active}
        # Counted as (person, period, post) → [due, on time, late]; no Occurrence is built.
        counts: dict[tuple[int, dt.date, int], list[int]] = defaultdict(lambda: [0, 0, 0])
        period_of: dict[dt.date, dt.date] = {}
        wanted = None if person_ids is None else [person_id for person_id, _ in people]
        walk = self._due(first, last, wanted, self.clock.now())
        for item, due_on, _, staff_id, tick in walk:
            period = period_of.get(due_on)
            if period is None:
                period = period_of[due_on] = weeks.week_of_day(due_on) if by_week else due_on
            count = counts[(staff_id, period, item.post_id)]
            count[0] += 1
            if tick is not None:
                count[1 if tick[0] else 2] += 1
        titles: dict[int, str] = dict(_rows(Post.select(Post.id, Post.title).tuples()))
        cells: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0, 0])
        totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        by_post: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
        for (person, period, post_id), count in counts.items():
            for sums in (cells[(person, period)], totals[person], by_post[(person, post_id)]):
                sums[0] += count[0]
                sums[1] += count[1]
                sums[2] += count[2]
        return Compliance(
            periods=periods,
            by_week=by_week,
            people=[p for p in people if p[0] in totals],
            cells={key: Tally(*sums) for key, sums in cells.items()},
            totals={key: Tally(*sums) for key, sums in totals.items()},
            by_post={key: Tally(*sums) for key, sums in by_post.items()},
            posts={post_id: titles.get(post_id, "") for _, post_id in by_post},
            left=self._left_on(gone & set(totals)),
        )

    def _left_on(self, person_ids: set[int]) -> dict[int, dt.date | None]:
        """Person → the day they stopped holding hats (None while one is still theirs)."""
        if not person_ids:
            return {}
        left: dict[int, dt.date | None] = {}
        for staff_id, until in _rows(
            HatHolder.select(HatHolder.staff, HatHolder.until)
            .where(HatHolder.staff.in_(list(person_ids)))
            .tuples()
        ):
            if staff_id in left and left[staff_id] is None:
                continue
            held_until = left.get(staff_id)
            left[staff_id] = None if until is None else max(until, held_until or until)
        return left

    def outstanding_attestations(self) -> list[Outstanding]:
        """Who owes which policy an attestation, for the manager."""
        people = self.people()
        owed = self._policies_owed([p for p, _ in people])
        return [
            Outstanding(name, due.title, due.number)
            for person_id, name in people
            for due in owed.get(person_id, [])
        ]

    def checksheets_in_progress(self) -> list[tuple[str, ChecksheetProgress]]:
        """Each holder's unfinished training checksheets."""
        people = self.people()
        progress = self._checksheets([p for p, _ in people])
        return [
            (name, found)
            for person_id, name in people
            for found in progress.get(person_id, [])
            if found.done < found.total
        ]

    # -- writing hats -------------------------------------------------------------------

    @checked("hats", "writes hats")
    def create_post(self, title: str, purpose: str = "", product: str = "") -> int:
        title = _required(title, "A hat needs a title.", limits.HAT_TITLE)
        with self.database.atomic():
            self._check_title_free(title)
            last = Post.select(Post.position).order_by(Post.position.desc()).scalar() or 0
            post = Post.create(
                title=title,
                purpose=_optional(purpose, limits.HAT_ABOUT),
                product=_optional(product, limits.HAT_ABOUT),
                position=last + 1,
            )
            return int(post.id)

    @checked("hats", "writes hats")
    def move_post(self, post_id: int, step: int) -> None:
        """Move a hat up or down the list (the order the stats board follows too)."""
        with self.database.atomic():
            _move(list(Post.select().order_by(Post.position, Post.title)), post_id, step)

    def _check_title_free(self, title: str, but: int | None = None) -> None:
        if _taken(Post.select(Post.id, Post.title).tuples(), title, but):
            raise HatError(f"There is already a hat called {title!r}.")

    def _check_policy_title_free(self, title: str, but: int | None = None) -> None:
        if _taken(Policy.select(Policy.id, Policy.title).tuples(), title, but):
            raise HatError(f"There is already a policy called {title!r}.")

    @checked("hats", "writes hats")
    def update_post(
        self,
        post_id: int,
        title: str | None = None,
        purpose: str | None = None,
        product: str | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> None:
        """Change a hat's write-up; `seen`: its title, purpose and product as the form
        showed them, refused if another terminal changed them since."""
        with self.database.atomic():
            post = self._post(post_id)
            current = {"title": post.title, "purpose": post.purpose, "product": post.product}
            require_unchanged(f"The {post.title} hat", current, seen)
            if title is not None:
                title = _required(title, "A hat needs a title.", limits.HAT_TITLE)
                self._check_title_free(title, but=post_id)
                post.title = title
            if purpose is not None:
                post.purpose = _optional(purpose, limits.HAT_ABOUT)
            if product is not None:
                post.product = _optional(product, limits.HAT_ABOUT)
            post.save()

    def _post(self, post_id: int) -> Post:
        post = Post.get_or_none(Post.id == post_id)
        if post is None:
            raise HatError("That hat was deleted (on another terminal, perhaps).")
        return post

    @checked("hats", "writes hats")
    def delete_post(self, post_id: int) -> None:
        """Delete a hat nobody holds now and nothing on record names. Its stats stay,
        without a post."""
        with self.database.atomic():
            post = self._refuse_to_delete(post_id)
            try:
                with self.database.atomic():
                    HatHolder.delete().where(HatHolder.post == post_id).execute()
                    post.delete_instance()
            except IntegrityError:  # named by a record this service does not know of
                raise HatError(
                    f"The {post.title} hat is named by other records, which keep it. "
                    "Nothing was deleted."
                ) from None

    def why_not_delete(self, post_id: int) -> str | None:
        """Why the hat cannot be deleted (the same reasons as `delete_post`), or None: asked
        before the question "delete it?" is put, not after."""
        try:
            self._refuse_to_delete(post_id)
        except HatError as refusal:
            return str(refusal)
        return None

    def _refuse_to_delete(self, post_id: int) -> Post:
        post = self._post(post_id)
        held = self.holders(post_id)
        if held:
            names = ", ".join(name for _, name in held)
            raise HatError(
                f"{names} {'holds' if len(held) == 1 else 'hold'} the {post.title} hat: "
                "take them off it (or give it to someone else) first."
            )
        if Tick.select().join(ChecklistItem).where(ChecklistItem.post == post_id).exists():
            raise HatError(
                f"The {post.title} hat has ticks on record: its history is kept. "
                "Take its items off instead."
            )
        self._refuse_if_named(post)
        return post

    def _refuse_if_named(self, post: Post) -> None:
        """Orders and program steps keep the hat they were given to. Those on record (done
        or cancelled) keep it for good; open ones until they are given to someone else."""
        live = [OrderStatus.OPEN, OrderStatus.REPORTED]
        orders = list(Order.select(Order.status).where(Order.to_post == post.id))
        open_orders = sum(order.status in live for order in orders)
        handed_on = (  # missed by the hat's holders, then given on: their record
            OrderHandover.select()
            .where((OrderHandover.from_post == post.id) & OrderHandover.missed)
            .count()
        )
        steps = list(
            ProgramStep.select(ProgramStep.done_at, Program.name, Program.active)
            .join(Program)
            .where(ProgramStep.to_post == post.id)
        )
        open_steps = [step for step in steps if step.done_at is None and step.program.active]
        kept = [
            counted(number, thing)
            for number, thing in (
                (len(orders) - open_orders + handed_on, "past order"),
                (len(steps) - len(open_steps), "past program step"),
            )
            if number
        ]
        if kept:
            raise HatError(
                f"The {post.title} hat has {' and '.join(kept)} on record: its history is kept. "
                "Take its holders and items off instead."
            )
        if open_orders:
            raise HatError(
                f"{counted(open_orders, 'open order')} {'is' if open_orders == 1 else 'are'} "
                f"addressed to the {post.title} hat: give "
                f"{'it' if open_orders == 1 else 'them'} to someone else on Orders first."
            )
        if open_steps:
            programs = ", ".join(sorted({step.program.name for step in open_steps}))
            raise HatError(
                f"{counted(len(open_steps), 'open program step')} "
                f"{'is' if len(open_steps) == 1 else 'are'} for the {post.title} hat "
                f"({programs}): give {'it' if len(open_steps) == 1 else 'them'} to someone "
                "else first (Orders, then Programs)."
            )

    @checked("hats", "gives hats to people")
    def add_holder(self, post_id: int, staff_id: int) -> None:
        today = self.today()
        with self.database.atomic():
            self._post(post_id)
            if any(s == staff_id for s, _ in self.holders(post_id, today)):
                return
            HatHolder.create(post=post_id, staff=staff_id, since=today)

    @checked("hats", "gives hats to people")
    def remove_holder(self, post_id: int, staff_id: int) -> None:
        """From today on the person no longer holds the hat; their history stays."""
        today = self.today()
        with self.database.atomic():
            for holding in HatHolder.select().where(
                (HatHolder.post == post_id) & (HatHolder.staff == staff_id)
            ):
                if holding.since >= today:
                    holding.delete_instance()  # given and taken back today: never held
                elif holding.until is None or holding.until > today:
                    holding.until = today
                    holding.save()

    @checked("hats", "writes hats")
    def add_duty(self, post_id: int, text: str) -> int:
        text = _required(text, "A duty needs its text.", limits.CHECKLIST_LINE)
        with self.database.atomic():
            self._post(post_id)
            last = (
                Duty.select(Duty.position)
                .where(Duty.post == post_id)
                .order_by(Duty.position.desc())
                .scalar()
            )
            return int(Duty.create(post=post_id, text=text, position=(last or 0) + 1).id)

    @checked("hats", "writes hats")
    def edit_duty(self, duty_id: int, text: str, seen: str | None = None) -> None:
        """New words for a duty; `seen`: its words as the form showed them."""
        text = _required(text, "A duty needs its text.", limits.CHECKLIST_LINE)
        with self.database.atomic():
            duty = Duty.get_or_none(Duty.id == duty_id)
            current = None if duty is None else {"text": duty.text}
            require_unchanged("That duty", current, None if seen is None else {"text": seen})
            Duty.update(text=text).where(Duty.id == duty_id).execute()

    @checked("hats", "writes hats")
    def remove_duty(self, duty_id: int, seen: str | None = None) -> None:
        """Off the hat; `seen`: its words as shown (reworded elsewhere since: refused)."""
        with self.database.atomic():
            duty = Duty.get_or_none(Duty.id == duty_id)
            if duty is None:
                return  # removed already
            shown = None if seen is None else {"text": seen}
            require_unchanged("That duty", {"text": duty.text}, shown)
            duty.delete_instance()

    @checked("hats", "writes hats")
    def move_duty(self, duty_id: int, step: int) -> None:
        with self.database.atomic():
            duty = Duty.get_or_none(Duty.id == duty_id)
            if duty is None:
                return
            siblings = list(
                Duty.select().where(Duty.post == duty.post_id).order_by(Duty.position, Duty.id)
            )
            _move(siblings, duty_id, step)

    @checked("hats", "writes hats")
    def add_item(
        self,
        post_id: int,
        text: str,
        frequency: str = Frequency.DAILY,
        due_time: str | None = None,
        shared: bool = False,
    ) -> int:
        """A new checklist item, due from today."""
        text = _required(text, "A checklist item needs its text.", limits.CHECKLIST_LINE)
        frequency = _frequency(frequency)
        due_time = None if frequency == Frequency.WEEKLY else parse_due_time(due_time)
        today = self.today()
        with self.database.atomic():
            self._post(post_id)
            items = self._items_in_force(post_id, today)
            position = (items[-1].position if items else 0) + 1
            item = ChecklistItem.create(
                key=0,
                post=post_id,
                text=text,
                frequency=frequency,
                due_time=due_time,
                shared=shared,
                position=position,
                start=today,
                created=self._now(),
            )
            item.key = item.id
            item.save()
            return int(item.id)

    @checked("hats", "writes hats")
    def edit_item(
        self,
        item_id: int,
        text: str | None = None,
        frequency: str | None = None,
        due_time: str | None = None,
        shared: bool | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> int:
        """Change an item from today on; ticks already made keep what they ticked.

        `seen`: its text, frequency, due time and sharing as the form showed them,
        refused if another terminal changed them since. Returns the id of the version
        now in force.
        """
        today = self.today()
        with self.database.atomic():
            item = self._item_now(item_id, today)
            require_unchanged("That checklist item", _item_shown(item), seen)
            changed = {
                "text": item.text
                if text is None
                else _required(text, "A checklist item needs its text.", limits.CHECKLIST_LINE),
                "frequency": item.frequency if frequency is None else _frequency(frequency),
                "due_time": item.due_time if due_time is None else parse_due_time(due_time),
                "shared": item.shared if shared is None else shared,
            }
            if changed["frequency"] == Frequency.WEEKLY:
                changed["due_time"] = None  # a weekly item is due by the week's cutoff
            if all(getattr(item, name) == value for name, value in changed.items()):
                return int(item.id)
            if item.start == today and not Tick.select().where(Tick.item == item.id).exists():
                ChecklistItem.update(**changed).where(ChecklistItem.id == item.id).execute()
                return int(item.id)
            item.end = today
            item.save()
            new = ChecklistItem.create(
                key=item.key,
                post=item.post_id,
                position=item.position,
                start=today,
                created=self._now(),
                **changed,
            )
            return int(new.id)

    def _item_now(self, item_id: int, today: dt.date) -> ChecklistItem:
        item = ChecklistItem.get_or_none(ChecklistItem.id == item_id)
        if item is not None and not _in_force(item.start, item.end, today):
            item = (  # another terminal made a newer version: change that one
                ChecklistItem.select()
                .where(
                    (ChecklistItem.key == item.key)
                    & (ChecklistItem.start <= today)
                    & (ChecklistItem.end.is_null() | (ChecklistItem.end > today))
                )
                .first()
            )
        if item is None:
            raise HatError("That item was removed from the hat (on another terminal, perhaps).")
        return item

    @checked("hats", "writes hats")
    def remove_item(self, item_id: int, seen: Mapping[str, object] | None = None) -> None:
        """The item is no longer due from today on; its ticks stay in the record.
        `seen` as for `edit_item`: an item changed elsewhere since is not removed."""
        today = self.today()
        with self.database.atomic():
            item = self._item_now(item_id, today)
            require_unchanged("That checklist item", _item_shown(item), seen)
            if item.start >= today and not Tick.select().where(Tick.key == item.key).exists():
                ChecklistItem.delete().where(ChecklistItem.key == item.key).execute()
                return
            item.end = today
            item.save()

    @checked("hats", "writes hats")
    def move_item(self, item_id: int, step: int) -> None:
        today = self.today()
        with self.database.atomic():
            item = self._item_now(item_id, today)
            _move(self._items_in_force(item.post_id, today), item.id, step)

    @checked("hats", "writes hats")
    def add_step(self, post_id: int, text: str) -> int:
        text = _required(text, "A checksheet step needs its text.", limits.CHECKLIST_LINE)
        with self.database.atomic():
            self._post(post_id)
            last = (
                ChecksheetStep.select(ChecksheetStep.position)
                .where(ChecksheetStep.post == post_id)
                .order_by(ChecksheetStep.position.desc())
                .scalar()
            )
            return int(ChecksheetStep.create(post=post_id, text=text, position=(last or 0) + 1).id)

    @checked("hats", "writes hats")
    def move_step(self, step_id: int, step: int) -> None:
        with self.database.atomic():
            found = ChecksheetStep.get_or_none(ChecksheetStep.id == step_id)
            if found is None:
                return
            siblings = (
                ChecksheetStep.select()
                .where((ChecksheetStep.post == found.post_id) & (ChecksheetStep.active == True))  # noqa: E712
                .order_by(ChecksheetStep.position, ChecksheetStep.id)
            )
            _move(list(siblings), step_id, step)

    @checked("hats", "writes hats")
    def remove_step(self, step_id: int, seen: str | None = None) -> None:
        """Off the checksheet; sign-offs already given stay on record. `seen`: its words
        as shown (reworded elsewhere since: refused)."""
        with self.database.atomic():
            step = ChecksheetStep.get_or_none(ChecksheetStep.id == step_id)
            if step is None or not step.active:
                return  # removed already
            shown = None if seen is None else {"text": seen}
            require_unchanged("That checksheet step", {"text": step.text}, shown)
            ChecksheetStep.update(active=False).where(ChecksheetStep.id == step_id).execute()

    # -- leave --------------------------------------------------------------------------

    def person_named(self, name: str) -> int:
        """A staff member by name, or by the start of it if only one name starts so."""
        wanted = name.strip().lower()
        people = list(Staff.select(Staff.id, Staff.name))
        exact = [s.id for s in people if s.name.lower() == wanted]
        starting = [s.id for s in people if wanted and s.name.lower().startswith(wanted)]
        found = exact or starting
        if not people:
            raise HatError("There is no one on the staff list yet.")
        if len(found) != 1:
            known = ", ".join(s.name for s in people)
            raise HatError(f"No one person is called {name!r}. Staff: {known}.")
        return int(found[0])

    @checked("hats", "records leave")
    def add_leave(self, staff_id: int, start: dt.date, end: dt.date, note: str = "") -> int:
        """A person away from `start` to `end`, both included: they owe no items then."""
        if end < start:
            raise HatError("Leave ends on or after the day it starts.")
        limits.checked_day(start, "A leave's first day", HatError)
        limits.checked_day(end, "A leave's last day", HatError)
        note = _optional(note, limits.LEAVE_NOTE)
        return int(Leave.create(staff=staff_id, start=start, end=end, note=note).id)

    def leave(self, since: dt.date | None = None) -> list[tuple[int, str, dt.date, dt.date, str]]:
        """Leave ending on or after `since` (default today): (id, name, start, end, note)."""
        since = since or self.today()
        query = (
            Leave.select(Leave, Staff)
            .join(Staff)
            .where(Leave.end >= since)
            .order_by(Leave.start, Staff.name)
        )
        return [(row.id, row.staff.name, row.start, row.end, row.note) for row in query]

    @checked("hats", "records leave")
    def remove_leave(self, leave_id: int) -> None:
        if not Leave.delete().where(Leave.id == leave_id).execute():
            raise HatError(f"There is no leave numbered {leave_id}.")


def _rows(query: Any) -> list[tuple[Any, ...]]:
    """A `.tuples()` query's rows, typed for mypy (peewee's stubs yield models)."""
    return list(query)


def _taken(titles: Any, title: str, but: int | None) -> bool:
    """Is `title` in use by another row? Case aside: "front desk" is "Front Desk"."""
    wanted = title.casefold()
    return any(row_id != but and other.casefold() == wanted for row_id, other in titles)


def _required(text: str | None, message: str, field: limits.TextField) -> str:
    """A text a hat cannot do without: `message` if empty, else within the field's limits."""
    if not (text or "").strip():
        raise HatError(message)
    return limits.checked_text(text, field, HatError)


def _optional(text: str | None, field: limits.TextField) -> str:
    return limits.checked_text(text, field, HatError, required=False)


def _frequency(text: str) -> str:
    try:
        return Frequency(text.strip().lower())
    except ValueError:
        raise HatError("How often: daily, weekly or monthly.") from None


def _item_shown(item: ChecklistItem) -> dict[str, object]:
    """What the hat editor shows of a checklist item, and an edit of it checks."""
    return {
        "text": item.text,
        "frequency": item.frequency,
        "due_time": item.due_time,
        "shared": bool(item.shared),
    }


def _move(rows: Sequence[Any], row_id: int, step: int) -> None:
    """Move one row `step` places in a positioned list, renumbering the list."""
    ordered = list(rows)
    index = next((n for n, row in enumerate(ordered) if row.id == row_id), None)
    if index is None:
        return
    target = max(0, min(len(ordered) - 1, index + step))
    ordered.insert(target, ordered.pop(index))
    for position, row in enumerate(ordered, start=1):
        if row.position != position:
            row.position = position
            row.save()
