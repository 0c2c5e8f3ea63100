"""What every part of the hats service holds: the store, the clock, the settings,
who acts, the periods; the people, posts and hats they read; the helpers of the writes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from peewee import Database

from db.models import (
    ChecklistItem,
    ChecksheetStep,
    Duty,
    Frequency,
    HatHolder,
    Policy,
    PolicyPost,
    Post,
    Staff,
    Stat,
    StepSignoff,
    utc_naive,
)
from om_tui.practice import limits
from om_tui.practice.clock import Clock
from om_tui.practice.hats.periods import Periods, _in_force, open_days_of
from om_tui.practice.hats.views import HatDetail, HatError, ItemLine, StepLine
from om_tui.practice.settings import PracticeSettings
from om_tui.practice.stats.weeks import StatWeeks, week_ends_of


@dataclass
class HatsBase:
    """The hats service's ground: who acts, when, and who holds which post."""

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
