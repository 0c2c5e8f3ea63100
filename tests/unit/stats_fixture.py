"""Helpers for the stats tests: a Stats service on a real file, stats defined in one line,
and a hand-counted week of patient flow.

The stats week of the flow fixture ends Thursday 19 November 2026, 14:00 New York
time (EST): it runs from Thursday 12 November 14:00 to Thursday 19 November 14:00.
The practice fixture's day, Wednesday 18 November, falls inside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import Database

from db.models import Appointment, Post, Stage, Stat, StatSource, utc_naive
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule.types import type_named
from om_tui.practice.stats.service import Stats

from .practice_fixture import DAY, Practice, local

WEEK = dt.date(2026, 11, 19)  # the Thursday the fixture's stats week ends on
PREVIOUS_WEEK = WEEK - dt.timedelta(weeks=1)
NEXT_WEEK = WEEK + dt.timedelta(weeks=1)
BEFORE = dt.date(2026, 11, 12)  # the Thursday the week starts on, at 14:00
CUTOFF_DAY = WEEK  # the Thursday it ends on, at 14:00


def stats_service(
    database: Database, clock: FrozenClock, staff_id: int | None = ADMINISTRATOR
) -> Stats:
    return Stats(database, clock, settings.load(database), staff_id=staff_id)


def a_post(title: str = "Office Manager") -> int:
    post = Post.get_or_none(Post.title == title) or Post.create(title=title)
    return int(post.id)


def define(stats: Stats, short: str, source: str = StatSource.ENTERED, **fields: Any) -> Stat:
    """A stat in one line: the name is the short name unless given."""
    fields.setdefault("name", short.replace("_", " ").capitalize())
    fields.setdefault("post", a_post())
    return stats.define(short_name=short, source=source, **fields)


def book(practice: Practice, who: str, day: dt.date, hour: int, minute: int, kind: str) -> int:
    appointment = Appointment.create(
        patient=practice.patients[who],
        provider=practice.provider,
        start=utc_naive(local(hour, minute, day=day)),
        type=type_named(kind).id,
    )
    return int(appointment.id)


class Desk:
    """The front desk, moving patients at given local times (the clock is set for each move)."""

    def __init__(self, flow: Flow, clock: FrozenClock, practice: Practice) -> None:
        self.flow = flow
        self.clock = clock
        self.practice = practice

    def at(self, day: dt.date, hour: int, minute: int, second: int = 0) -> None:
        self.clock.set(local(hour, minute, second, day=day))

    def advance(self, who: str, day: dt.date, *times: tuple[int, ...]) -> None:
        """One step along the main line per time given (the first, from Scheduled, checks in)."""
        for when in times:
            self.at(day, *when)
            self.flow.advance(self.practice.row(self.flow, who, day))

    def walk_in(self, who: str, day: dt.date, hour: int, minute: int) -> None:
        self.at(day, hour, minute)
        self.flow.check_in(self.practice.patients[who])

    def exit(self, who: str, day: dt.date, stage: Stage, *when: int) -> None:
        self.at(day, *when)
        self.flow.move(self.practice.row(self.flow, who, day), stage)

    def step_back(self, who: str, day: dt.date, *when: int) -> None:
        self.at(day, *when)
        self.flow.step_back(self.practice.row(self.flow, who, day))


def play_the_week(database: Database, practice: Practice, clock: FrozenClock) -> None:
    """The hand-counted week. Times are New York local; the week is [Thu 12 Nov 14:00,
    Thu 19 Nov 14:00). Each line says what it adds to which week's figures."""
    with database.atomic():  # one commit, not one per move: keeps the tests quick
        _play(database, practice, clock)


def _play(database: Database, practice: Practice, clock: FrozenClock) -> None:
    flow = Flow(database, clock, settings.load(database), staff_id=practice.desk)
    desk = Desk(flow, clock, practice)
    thu_before, wed, thu_after = BEFORE, DAY, CUTOFF_DAY
    book(practice, "eve", thu_before, 13, 0, "New patient")
    book(practice, "ben", thu_before, 13, 30, "Regular")
    book(practice, "gus", wed, 13, 0, "New patient")
    book(practice, "cal", thu_after, 13, 0, "Regular")
    book(practice, "fay", thu_after, 13, 30, "Regular")
    book(practice, "ann", thu_after, 14, 0, "Regular")

    # -- the week before: a new patient seen, done one minute before the cutoff --------
    # eve: visit, new patient, wait 10, length 59 — all in the week before.
    desk.advance("eve", thu_before, (13, 0), (13, 10), (13, 20), (13, 50), (13, 59))
    # ben: a no-show one second before the cutoff — the week before.
    desk.exit("ben", thu_before, Stage.NO_SHOW, 13, 59, 59)

    # -- the week itself: Wednesday ----------------------------------------------------
    # ann (regular): visit; wait 9:00→9:10 = 10; length 9:00→9:45 = 45.
    desk.advance("ann", wed, (9, 0), (9, 10), (9, 15), (9, 40), (9, 45))
    # cal (new patient): visit, new; wait 9:55→10:15 = 20; length 9:55→11:00 = 65.
    desk.advance("cal", wed, (9, 55), (10, 15), (10, 20), (10, 50), (11, 0))
    # ben: no-show.
    desk.exit("ben", wed, Stage.NO_SHOW, 9, 50)
    # dee: cancelled before arriving.
    desk.exit("dee", wed, Stage.CANCELLED, 8, 30)
    # hal (re-exam): with the provider, stepped back, with the provider again: ONE visit;
    # wait 9:40→9:52 = 12; length 9:40→10:36 = 56.
    desk.advance("hal", wed, (9, 40), (9, 52), (10, 0))
    desk.step_back("hal", wed, 10, 5)
    desk.advance("hal", wed, (10, 10), (10, 30), (10, 36))
    # fay: a cancellation taken back (not counted); arrives; with the provider taken back;
    # leaves unseen: no visit; wait 10:50→11:00 = 10.
    desk.exit("fay", wed, Stage.CANCELLED, 8, 0)
    desk.step_back("fay", wed, 8, 1)
    desk.advance("fay", wed, (10, 50), (11, 0), (11, 5))
    desk.step_back("fay", wed, 11, 6)
    desk.exit("fay", wed, Stage.LEFT, 11, 30)
    # ida: a no-show taken back (not counted); then arrives and is roomed: wait 15, no visit.
    desk.exit("ida", wed, Stage.NO_SHOW, 11, 0)
    desk.step_back("ida", wed, 11, 1)
    desk.advance("ida", wed, (11, 10), (11, 25))
    # eve (walk-in, no appointment: not new): visit; wait 6; length 12:00→12:32 = 32.
    desk.walk_in("eve", wed, 12, 0)
    desk.advance("eve", wed, (12, 6), (12, 10), (12, 30), (12, 32))
    # gus (new patient): with the provider undone by the desk's undo: no visit, not new;
    # wait 13:00→13:08 = 8; leaves unseen.
    desk.advance("gus", wed, (13, 0), (13, 8))
    desk.at(wed, 13, 10)
    change = flow.advance(practice.row(flow, "gus", wed))
    desk.at(wed, 13, 11)
    flow.undo(change)
    desk.exit("gus", wed, Stage.LEFT, 13, 30)

    # -- the cutoff day, Thursday 19 November ------------------------------------------
    # cal: cancelled one second before the cutoff — this week.
    desk.exit("cal", thu_after, Stage.CANCELLED, 13, 59, 59)
    # fay: with the provider one second before the cutoff (a visit this week, wait
    # 13:30→13:45 = 15 this week), done AT the cutoff: length 30 in the next week.
    desk.advance("fay", thu_after, (13, 30), (13, 45), (13, 59, 59), (13, 59, 59), (14, 0, 0))
    # ann: a no-show at the cutoff — the next week.
    desk.exit("ann", thu_after, Stage.NO_SHOW, 14, 0, 0)


#: What play_the_week adds up to, counted by hand from the comments above.
EXPECTED: dict[dt.date, dict[str, float | None]] = {
    PREVIOUS_WEEK: {
        "visits": 1.0,
        "new_patients": 1.0,
        "no_shows": 1.0,
        "cancellations": 0.0,
        "average_wait": 10.0,
        "average_visit_length": 59.0,
    },
    WEEK: {
        "visits": 5.0,  # ann, cal, hal, eve, fay (Thursday)
        "new_patients": 1.0,  # cal
        "no_shows": 1.0,  # ben
        "cancellations": 2.0,  # dee, cal (Thursday)
        "average_wait": 12.0,  # (10 + 20 + 12 + 10 + 15 + 6 + 8 + 15) / 8
        "average_visit_length": 49.5,  # (45 + 65 + 56 + 32) / 4
    },
    NEXT_WEEK: {
        "visits": 0.0,
        "new_patients": 0.0,
        "no_shows": 1.0,  # ann at 14:00:00
        "cancellations": 0.0,
        "average_wait": None,  # nobody roomed
        "average_visit_length": 30.0,  # fay, done at 14:00:00
    },
}
