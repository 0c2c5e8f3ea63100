"""What every part of the orders service holds: who acts and when, the people and
posts orders go to, and who may give, answer and settle them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from peewee import Database, fn

from db.models import (
    HatHolder,
    Post,
    Staff,
    as_utc,
)
from om_tui.practice import time_words
from om_tui.practice.clock import Clock
from om_tui.practice.hats.periods import open_days_of
from om_tui.practice.owner.orders.views import LONGEST_TEXT, OrderError
from om_tui.practice.people.roles import ADMINISTRATOR, may, require
from om_tui.practice.settings import PracticeSettings


@dataclass
class OrdersBase:
    """The orders service's ground: who acts, when, who holds which post, who may."""

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
        return time_words.when(moment, self.today(), self.settings.zone)

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
                f"{time_words.day_text(due_on)} is in the past: the due day is today or later."
            )
        if due_time is not None and self.deadline(due_on, due_time) <= self.clock.now():
            raise OrderError(f"{due_time} today has passed: give a later time, or a later day.")


def _rows(query: Any) -> list[tuple[Any, ...]]:
    """A `.tuples()` query's rows, typed for mypy (peewee's stubs yield models)."""
    return list(query)


def _in_force(since: dt.date, until: dt.date | None, day: dt.date) -> bool:
    return since <= day and (until is None or day < until)


def _aware(stored: dt.datetime | None) -> dt.datetime | None:
    return as_utc(stored) if stored is not None else None


def _text(text: str | None, message: str, longest: int = LONGEST_TEXT) -> str:
    text = (text or "").strip()
    if not text:
        raise OrderError(message)
    if len(text) > longest:
        raise OrderError(f"That is {len(text)} characters; {longest} at most, please.")
    return text
