"""The org board as it reads today: each post's holders or who covers it, its product,
its stats with their condition, and what each department and division rolls up to.

A vacant post is covered by the post above it that someone holds: its department's
head (the department's first post), then its division's head (the head of the
division's first department), then the head of the whole board (the first division's
first department's first post: the office manager, in the default structure). A post
not placed in any department is covered by the head of the board.

A stat's value and condition are the stat board's for the week it judges (this week
once it has ended, else last week): read from `Stats.board`, never recomputed here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from peewee import Database

from db.models import (
    HatHolder,
    Offboarding,
    Opening,
    OrgDepartment,
    OrgDivision,
    OrgPlace,
    Post,
    Setting,
    Staff,
    Stat,
)
from om_tui.practice import time_words
from om_tui.practice.changes import tables_of
from om_tui.practice.clock import Clock
from om_tui.practice.hats.service import Hats
from om_tui.practice.org.rollup import Rollup, of_post, total
from om_tui.practice.settings import PracticeSettings
from om_tui.practice.stats.board import STATS_TABLES
from om_tui.practice.stats.conditions import Condition
from om_tui.practice.stats.service import Stats

ORG_BOARD_TABLES = STATS_TABLES | tables_of(
    HatHolder, Offboarding, Opening, OrgDepartment, OrgDivision, OrgPlace, Setting, Staff
)
"""What the org board is read from (`read_board`: the posts, who holds them, their stats)."""


@dataclass(frozen=True)
class StatLine:
    """One stat of a post: its value and condition in the judged week."""

    stat_id: int
    name: str
    unit: str
    value: float | None
    condition: Condition | None


@dataclass(frozen=True)
class PostLine:
    post_id: int
    title: str
    product: str
    holders: tuple[str, ...]
    cover: str  # who covers it while vacant ("Office Manager (Karen Miles)"); "" when held
    stats: tuple[StatLine, ...]
    department_id: int | None  # None: not placed on the board
    rollup: Rollup
    hiring: bool = False  # open for hiring (an opening not closed)
    leaving: tuple[str, ...] = ()  # holders being off-boarded: "Tom Becker (last day 11 Dec)"

    @property
    def vacant(self) -> bool:
        return not self.holders


@dataclass(frozen=True)
class DepartmentLine:
    department_id: int
    name: str
    product: str
    posts: tuple[PostLine, ...]
    rollup: Rollup


@dataclass(frozen=True)
class DivisionLine:
    division_id: int
    name: str
    product: str
    departments: tuple[DepartmentLine, ...]
    rollup: Rollup


@dataclass(frozen=True)
class OrgBoard:
    divisions: tuple[DivisionLine, ...]
    unplaced: tuple[PostLine, ...]  # posts in no department yet
    rollup: Rollup  # the whole practice
    week: dt.date  # the week the conditions are for
    today: dt.date

    def posts(self) -> list[PostLine]:
        """Every post, in the board's order, the not-placed last."""
        placed = [p for d in self.divisions for dep in d.departments for p in dep.posts]
        return placed + list(self.unplaced)


def read_board(database: Database, clock: Clock, settings: PracticeSettings) -> OrgBoard:
    """The whole board, read once (a few queries, whatever the practice's size)."""
    hats = Hats(database, clock, settings)
    today = hats.today()
    names = hats.names()
    held = hats.held_on(today)
    stats = Stats(database, clock, settings)
    week = stats.judged_week(stats.this_week())
    post_of = {stat.id: stat.post_id for stat in Stat.select(Stat.id, Stat.post)}
    by_post: dict[int, list[StatLine]] = defaultdict(list)
    for row in stats.board(span=2):
        post_id = post_of.get(row.stat_id)
        if post_id is not None:
            value = row.series[row.judged] if len(row.series) >= -row.judged else None
            by_post[post_id].append(StatLine(row.stat_id, row.name, row.unit, value, row.condition))
    posts = {post.id: post for post in Post.select().order_by(Post.position, Post.title)}
    hiring = {o.post_id for o in Opening.select(Opening.post).where(Opening.closed.is_null())}
    last_days = {
        o.staff_id: o.end_date for o in Offboarding.select().where(Offboarding.finished.is_null())
    }
    holders = {
        post_id: tuple(sorted(names[s] for s in held.get(post_id, []) if s in names))
        for post_id in posts
    }
    places: dict[int, list[int]] = defaultdict(list)
    for place in OrgPlace.select().order_by(OrgPlace.position, OrgPlace.id):
        places[place.department_id].append(place.post_id)
    departments: dict[int, list[OrgDepartment]] = defaultdict(list)
    for department in OrgDepartment.select().order_by(OrgDepartment.position, OrgDepartment.id):
        departments[department.division_id].append(department)
    divisions = list(OrgDivision.select().order_by(OrgDivision.position, OrgDivision.id))

    def head_of(department_id: int) -> int | None:
        posts_in = places.get(department_id, [])
        return posts_in[0] if posts_in else None

    def division_head(division_id: int) -> int | None:
        first = departments.get(division_id, [])
        return head_of(first[0].id) if first else None

    top = division_head(divisions[0].id) if divisions else None

    def cover(post_id: int, chain: tuple[int | None, ...]) -> str:
        if holders[post_id]:
            return ""
        for above in chain:
            if above is not None and above != post_id and holders[above]:
                return f"{posts[above].title} ({', '.join(holders[above])})"
        return "nobody"

    def line(post_id: int, department_id: int | None, chain: tuple[int | None, ...]) -> PostLine:
        post = posts[post_id]
        stat_lines = tuple(by_post.get(post_id, ()))
        return PostLine(
            post_id=post_id,
            title=post.title,
            product=post.product,
            holders=holders[post_id],
            cover=cover(post_id, chain),
            stats=stat_lines,
            department_id=department_id,
            rollup=of_post(not holders[post_id], (s.condition for s in stat_lines)),
            hiring=post_id in hiring,
            leaving=tuple(
                f"{names[s]} (last day {time_words.day_text(last_days[s], weekday=False)})"
                for s in held.get(post_id, [])
                if s in last_days and s in names
            ),
        )

    division_lines = []
    placed: set[int] = set()
    for division in divisions:
        department_lines = []
        for department in departments.get(division.id, []):
            chain = (head_of(department.id), division_head(division.id), top)
            post_lines = tuple(
                line(post_id, department.id, chain) for post_id in places.get(department.id, [])
            )
            placed.update(places.get(department.id, []))
            department_lines.append(
                DepartmentLine(
                    department.id,
                    department.name,
                    department.product,
                    post_lines,
                    total(p.rollup for p in post_lines),
                )
            )
        division_lines.append(
            DivisionLine(
                division.id,
                division.name,
                division.product,
                tuple(department_lines),
                total(d.rollup for d in department_lines),
            )
        )
    unplaced = tuple(line(post_id, None, (top,)) for post_id in posts if post_id not in placed)
    everything = total([*(d.rollup for d in division_lines), *(p.rollup for p in unplaced)])
    return OrgBoard(tuple(division_lines), unplaced, everything, week, today)
