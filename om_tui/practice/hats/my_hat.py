"""My hat: one person's items due now, ticking and unticking them.

A tick at or before the item's deadline is on time; after it, late. An item may be
ticked late while its period is still tickable; a manager may tick on someone's behalf.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from peewee import JOIN, IntegrityError

from db.models import (
    ChecklistItem,
    Frequency,
    HatHolder,
    Post,
    Staff,
    Tick,
    utc_naive,
)
from om_tui.practice import time_words
from om_tui.practice.hats.base import _rows
from om_tui.practice.hats.compliance import HatCompliance
from om_tui.practice.hats.periods import _in_force, not_due_yet
from om_tui.practice.hats.views import SHARED, HatError, MyHat, Occurrence, State
from om_tui.practice.people.roles import ADMINISTRATOR, checked, recorded, require
from om_tui.practice.periods import month_before_end


class HatWork(HatCompliance):
    """Working from one's hat: today's items, ticks, policies and checksheets owed."""

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
        return month_before_end(today)

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
                raise HatError(f"That is {time_words.day_text(due_on)}'s: it is ticked that day.")
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
