"""The owner's overview: the practice at one glance, gathered in one read.

What it shows, each part read through the service that owns it (so the overview and
the screens behind it always agree):

- today's flow: the flow board (Flow.board); its figures — in office, waiting,
  longest wait, seen, no-shows — are worked out from the stored times for any "now",
  so a screen can tick them without reading again;
- this week's stats (Stats.board): every stat with the condition of the week being
  judged (this week once it has ended, else the last), worst first; and the main
  stats' recent weeks, for small graphs;
- hat compliance this stats week, per person, worst first (Hats.compliance);
- overdue orders, and how many orders wait for acceptance (Orders.board);
- what waits for the owner on the communication line (Line.for_owner), and how many
  items sit in the manager's batch, not sent yet;
- the active programs and their progress (Orders.programs).

The main stats: the practice's own choice when one is set (`set_main_stats`: a list of
short names, kept in the setting MAIN_STATS); otherwise the rule — visits, new patients
and collections (by short name: the flow's counts and the money), then the stats of
the posts the owner holds today (the Doctor post, say), in the stat board's order; six
at most.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from peewee import Database

from db.models import (
    HatHolder,
    Post,
    Role,
    Setting,
    Staff,
    Stage,
    Stat,
)
from om_tui.practice import settings as practice_settings
from om_tui.practice.calls.figures import CALL_COUNT_TABLES
from om_tui.practice.clock import Clock
from om_tui.practice.flow.board import BOARD_TABLES, Board, BoardRow, DayFigures
from om_tui.practice.flow.moves import Flow
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import HATS_TABLES, Tally
from om_tui.practice.owner.line.items import Item
from om_tui.practice.owner.line.service import LINE_TABLES, Line
from om_tui.practice.owner.orders.programs import PROGRAMS_TABLES
from om_tui.practice.owner.orders.reading import ORDERS_TABLES
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.owner.orders.views import OrderLine, ProgramLine
from om_tui.practice.people.roles import checked
from om_tui.practice.plans.pace import PACE_TABLES, falling_off_count
from om_tui.practice.settings import PracticeSettings
from om_tui.practice.stats.board import STATS_TABLES, StatRow
from om_tui.practice.stats.conditions import CONDITION_ORDER, Condition, percent_change
from om_tui.practice.stats.service import Stats
from om_tui.practice.stats.values import StatError

OVERVIEW_TABLES = (
    BOARD_TABLES
    | STATS_TABLES
    | HATS_TABLES
    | ORDERS_TABLES
    | PROGRAMS_TABLES
    | LINE_TABLES
    | CALL_COUNT_TABLES
    | PACE_TABLES
)
"""What the overview is read from: each of the parts `gather` reads (the day's flow, the
stats, compliance, orders and programs, the line), the call lists' counts and Falling off."""

MAIN_STATS = "overview.main_stats"
"""The setting naming the practice's main stats (short names, space-separated)."""
DEFAULT_MAIN_STATS = ("visits", "new_patients", "collections")
MOST_MAIN_STATS = 6
TREND_WEEKS = 12
"""How many ended weeks a main stat's small graph shows (a quarter, near enough)."""

_RANK = {condition: rank for rank, condition in enumerate(CONDITION_ORDER)}


@dataclass(frozen=True)
class StatFigure:
    """A stat as the overview shows it: the judged week's value, change and condition."""

    stat_id: int
    name: str
    short_name: str
    post: str
    unit: str
    up_is_good: bool
    value: float | None  # the judged week's
    change: float | None  # percent against the week before it (its real direction)
    condition: Condition | None
    overridden: bool  # the condition is the manager's, not the computed one
    trend: list[float | None]  # the weeks up to the judged one, oldest first
    note: str = ""  # why the judged week has no value (a formula's "÷ 0", …)

    @classmethod
    def of(cls, row: StatRow) -> StatFigure:
        judged = row.judged
        ended = row.series[: len(row.series) + judged + 1]
        value = ended[-1] if ended else None
        before = ended[-2] if len(ended) > 1 else None
        change = None
        if value is not None and before is not None:
            change = percent_change(before, value)
        notes = row.notes[: len(row.notes) + judged + 1]
        return cls(
            stat_id=row.stat_id,
            name=row.name,
            short_name=row.short_name,
            post=row.post,
            unit=row.unit,
            up_is_good=row.up_is_good,
            value=value,
            change=change,
            condition=row.condition,
            overridden=row.override is not None,
            trend=ended[-TREND_WEEKS:],
            note=notes[-1] if notes else "",
        )


@dataclass(frozen=True)
class PersonCompliance:
    """One person's checklist items this week: done on time ÷ due."""

    person_id: int
    name: str
    tally: Tally


@dataclass(frozen=True)
class Overview:
    """Everything the owner's overview shows, as read at `read_at`."""

    read_at: dt.datetime
    board: Board
    week: dt.date  # this stats week, named by its ending day
    judged_week: dt.date  # the week whose conditions are shown
    stats: list[StatFigure]  # every active stat, worst condition first
    main: list[StatFigure]  # the main stats, in their order
    compliance_first: dt.date  # this stats week's first day …
    compliance_last: dt.date  # … to today
    compliance: list[PersonCompliance]  # those who owed an item, worst first
    everyone: Tally
    overdue_orders: list[OrderLine]  # the longest overdue first
    orders_not_done: int
    orders_reported: int  # reported done, waiting to be accepted
    for_owner: list[Item]  # routed to the owner, waiting for their answer
    in_batch: int  # batched for the owner, the batch not sent yet
    programs: list[ProgramLine]  # the active ones
    falling_off: int = 0  # patients behind their care plan or with nothing booked

    def figures(self, now: dt.datetime) -> DayFigures:
        """Today's flow figures at `now`: the waits grow with time, the counts do not."""
        return self.board.figures(now)

    def longest_waiting(self, now: dt.datetime) -> BoardRow | None:
        """Who has waited longest (arrived, not yet roomed), if anyone is waiting."""
        waiting = [row for row in self.board.rows if row.stage == Stage.ARRIVED]
        if not waiting:
            return None
        return max(waiting, key=lambda row: row.time_in_stage(now) or dt.timedelta())

    def conditions(self) -> dict[Condition, int]:
        """How many stats are in each condition, worst first (only those with any)."""
        counted: dict[Condition, int] = {}
        for figure in self.stats:
            if figure.condition is not None:
                counted[figure.condition] = counted.get(figure.condition, 0) + 1
        return {c: counted[c] for c in CONDITION_ORDER if c in counted}


def gather(
    database: Database,
    clock: Clock,
    settings: PracticeSettings,
    *,
    stats: Stats | None = None,
    hats: Hats | None = None,
) -> Overview:
    """Read everything the overview shows. `stats` and `hats`: the app's own, if it has them."""
    now = clock.now()
    stats = stats or Stats(database, clock, settings)
    hats = hats or Hats(database, clock, settings)
    board = Flow(database, clock, settings).board()
    today = settings.today(now)

    week = stats.this_week()
    rows = stats.board(week, span=TREND_WEEKS + 1)  # the week in progress besides
    figures = [StatFigure.of(row) for row in rows]
    worst_first = sorted(figures, key=_worst_first)

    first, _ = stats.weeks.days(week)
    matrix = hats.compliance(first, today, by_week=True)
    compliance = sorted(
        (PersonCompliance(p, name, matrix.totals[p]) for p, name in matrix.people),
        key=lambda c: (_share_key(c.tally), c.name.lower()),
    )
    everyone = sum(matrix.totals.values(), Tally())

    orders = Orders(database, clock, settings)
    orders_board = orders.board()
    line = Line(database, clock, settings)
    return Overview(
        read_at=now,
        board=board,
        week=week,
        judged_week=stats.judged_week(week),
        stats=worst_first,
        main=_main(figures, database, today),
        compliance_first=first,
        compliance_last=today,
        compliance=compliance,
        everyone=everyone,
        overdue_orders=[o for o in orders_board.orders if o.overdue],
        orders_not_done=len(orders_board.orders),
        orders_reported=orders_board.reported,
        for_owner=line.for_owner(),
        in_batch=len(line.in_batch()),
        programs=[p for p in orders.programs() if p.active],
        falling_off=falling_off_count(database, clock, settings),
    )


def _worst_first(figure: StatFigure) -> int:
    """Worst condition first; stats without one last; the board's order kept within."""
    return _RANK[figure.condition] if figure.condition is not None else len(_RANK)


def _share_key(tally: Tally) -> tuple[int, float]:
    share = tally.share
    return (1, 0.0) if share is None else (0, share)


# -- the main stats ----------------------------------------------------------------------


def chosen_main_stats(database: Database) -> list[str] | None:
    """The main stats the practice chose (short names, in order); None: the rule decides."""
    chosen = practice_settings.get(database, MAIN_STATS)
    return chosen.split() if chosen is not None else None


def main_stat_names(database: Database, figures: Sequence[StatFigure], day: dt.date) -> list[str]:
    """The short names of the main stats: the practice's choice, else the rule."""
    chosen = chosen_main_stats(database)
    if chosen is not None:
        return chosen
    owners = _owners_posts(day)
    names = [*DEFAULT_MAIN_STATS, *(f.short_name for f in figures if f.post in owners)]
    return list(dict.fromkeys(names))


def _main(figures: Sequence[StatFigure], database: Database, day: dt.date) -> list[StatFigure]:
    by_name = {f.short_name: f for f in figures}
    names = main_stat_names(database, figures, day)
    return [by_name[n] for n in names if n in by_name][:MOST_MAIN_STATS]


def _owners_posts(day: dt.date) -> set[str]:
    """The titles of the posts an active owner holds on `day`."""
    held = _rows(
        HatHolder.select(HatHolder.since, HatHolder.until, Post.title)
        .join(Post)
        .switch(HatHolder)
        .join(Staff)
        .where((Staff.role == Role.OWNER) & (Staff.active == True))  # noqa: E712
        .tuples()
    )
    return {
        title for since, until, title in held if since <= day and (until is None or day < until)
    }


def _rows(query: Any) -> list[tuple[Any, ...]]:
    """A `.tuples()` query's rows, typed for mypy (peewee's stubs yield models)."""
    return list(query)


@checked("stats_setup", "chooses the main stats")
def set_main_stats(database: Database, names: Sequence[str], *, by: int | None) -> None:
    """Name the practice's main stats (short names, in order); none: back to the rule."""
    wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    with database.atomic():
        if not wanted:
            Setting.delete().where(Setting.key == MAIN_STATS).execute()
            return
        known = {
            s.short_name
            for s in Stat.select(Stat.short_name).where(Stat.active == True)  # noqa: E712
        }
        unknown = [name for name in wanted if name not in known]
        if unknown:
            raise StatError(f"No stat is called {', '.join(unknown)}.")
        if len(wanted) > MOST_MAIN_STATS:
            raise StatError(f"Up to {MOST_MAIN_STATS} main stats, please (not {len(wanted)}).")
        practice_settings.put(database, MAIN_STATS, " ".join(wanted))
