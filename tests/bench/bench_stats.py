"""The stats on the large practice: the stat board, a 52-week graph, recompute, timed.

    .venv/bin/python -m tests.bench.bench_stats [--runs 50] [--check]

On a copy of the practice of tests/bench/large_practice.py (about 1,000,000 visit
events), with 60 stats over 8 posts added — 36 typed weekly, 10 typed daily
(rolled up by sum, average or last), 6 computed from the flow (one per figure)
and 8 formulas, one of them over another formula — and ten years of their values
(a value a week for the weekly and computed stats, a value a day for the daily
ones), prints median / p95 / max of:

  (1) the stat board: Stats.board() for this week, all posts (and one post); and
      the real StatsScreen in a headless app (140x40, a new app each run), from
      the key "2" to the table filled and to the screen drawn, in phases (Textual's
      switch and mount, board(), the fill, the first paint), and how many board()
      calls one opening makes (it starts a recompute() and reloads after it);
  (2) a 52-week graph, for a weekly, a daily, a formula and a computed stat:
      Stats.graph(stat, 52) (the data), then StatGraph.show() and its picture()
      (the drawing: Plotext's grid of cells, made into the lines Textual draws), and the
      three together; and StatGraphScreen pushed in the app until it is drawn,
      in phases;
  (3) Stats.recompute(week) for a week in the middle of the history and for this
      week (the read, flow_figures(), also on its own);

then the query plans of the SQL those ran, each replayed on the raw connection.
"Drawn" is the app handing the screen's update to its driver (headless: every
line composed, nothing written). The moments inside the app are taken by
wrapping the methods named, in this process only. Full garbage collections
that land in the app's runs are counted: they make the outliers.

Targets (issue 3): the board's p95 < 200 ms; a 52-week graph < 100 ms; recompute
< 500 ms (p95 each). With --check the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import gc
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee
from peewee import Database

from db import audit, open_database
from db.models import BaseModel, ConditionOverride, Post, Stat, StatSource, StatValue
from om_tui.app import OmTuiApp, make_app
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.stats.conditions import Condition
from om_tui.practice.stats.figures import COMPUTED, flow_figures
from om_tui.practice.stats.service import Stats
from om_tui.screens.stats.board import StatsScreen
from om_tui.screens.stats.graph import StatGraphScreen
from om_tui.widgets.stat_graph import StatGraph
from tests.bench.bench_app import sqlite_checkpointed
from tests.bench.bench_practice import calibration, captured_sql, explain
from tests.bench.large_practice import DEFAULT_PATH, DESK_ID, open_large_practice
from tests.bench.rows import Row, check_models, insert_rows
from tests.bench.timing import (
    Figures,
    add_smoke_option,
    measure,
    ms,
    print_findings,
    record_figures,
    smoke,
)

BOARD_TARGET_MS = 200.0
GRAPH_TARGET_MS = 100.0
RECOMPUTE_TARGET_MS = 500.0

SEED = 20261203
HISTORY_WEEKS = 522  # ten years
SIZE = (140, 40)

# -- the stats ---------------------------------------------------------------------

POSTS = (
    "Doctor",
    "Office Manager",
    "Receptionist",
    "Chiropractic Assistant",
    "Insurance & Billing",
    "Marketing",
    "Recall",
    "Technician",
)

#: Typed once a week: (short name, unit, post, up is good, typical weekly value).
WEEKLY: tuple[tuple[str, str, str, bool, float], ...] = (
    ("collections", "money", "Insurance & Billing", True, 24_000),
    ("services", "money", "Insurance & Billing", True, 27_000),
    ("deposits", "money", "Insurance & Billing", True, 23_000),
    ("claims", "count", "Insurance & Billing", True, 140),
    ("payments_posted", "count", "Insurance & Billing", True, 300),
    ("denials", "count", "Insurance & Billing", False, 6),
    ("ar_over_90", "money", "Insurance & Billing", False, 8_000),
    ("refunds", "money", "Insurance & Billing", False, 300),
    ("referrals", "count", "Office Manager", True, 8),
    ("payroll", "money", "Office Manager", False, 9_000),
    ("supplies", "money", "Office Manager", False, 900),
    ("training_hours", "count", "Office Manager", True, 4),
    ("hats_checked", "count", "Office Manager", True, 10),
    ("complaints", "count", "Office Manager", False, 1),
    ("reactivations", "count", "Receptionist", True, 6),
    ("booked", "count", "Receptionist", True, 155),
    ("confirmations", "count", "Receptionist", True, 150),
    ("calls_in", "count", "Receptionist", True, 400),
    ("calls_out", "count", "Receptionist", True, 250),
    ("recalls_sent", "count", "Recall", True, 60),
    ("recalls_booked", "count", "Recall", True, 20),
    ("letters", "count", "Recall", True, 30),
    ("reviews", "count", "Marketing", True, 3),
    ("web_leads", "count", "Marketing", True, 12),
    ("workshops", "count", "Marketing", True, 1),
    ("workshop_guests", "count", "Marketing", True, 6),
    ("screenings", "count", "Marketing", True, 2),
    ("screening_leads", "count", "Marketing", True, 15),
    ("social_posts", "count", "Marketing", True, 5),
    ("exams", "count", "Doctor", True, 14),
    ("re_exams", "count", "Doctor", True, 20),
    ("reports", "count", "Doctor", True, 15),
    ("care_plans", "count", "Doctor", True, 10),
    ("care_plans_accepted", "count", "Doctor", True, 8),
    ("x_rays", "count", "Technician", True, 25),
    ("therapies", "count", "Chiropractic Assistant", True, 120),
)

#: Typed every day: (short name, unit, post, up is good, typical daily value, rollup).
DAILY: tuple[tuple[str, str, str, bool, float, str], ...] = (
    ("daily_collections", "money", "Insurance & Billing", True, 4_800, "sum"),
    ("cash_on_hand", "money", "Insurance & Billing", True, 2_500, "last"),
    ("ar_balance", "money", "Insurance & Billing", False, 40_000, "last"),
    ("new_calls", "count", "Receptionist", True, 12, "sum"),
    ("walk_ins", "count", "Receptionist", True, 3, "sum"),
    ("same_day_cancels", "count", "Receptionist", False, 2, "sum"),
    ("phone_wait", "minutes", "Receptionist", False, 2.5, "average"),
    ("schedule_fill", "percent", "Receptionist", True, 85, "average"),
    ("rooms_used", "percent", "Chiropractic Assistant", True, 70, "average"),
    ("daily_referrals", "count", "Doctor", True, 1.5, "sum"),
)

#: Counted from the flow: (short name, figure, unit, post, up is good, typical weekly value).
FLOW: tuple[tuple[str, str, str, str, bool, float], ...] = (
    ("visits", "visits", "count", "Doctor", True, 390),
    ("new_patients", "new_patients", "count", "Office Manager", True, 14),
    ("no_shows", "no_shows", "count", "Receptionist", False, 12),
    ("cancellations", "cancellations", "count", "Receptionist", False, 10),
    ("average_wait", "average_wait", "minutes", "Receptionist", False, 9),
    ("visit_length", "average_visit_length", "minutes", "Chiropractic Assistant", False, 38),
)

#: Arithmetic over other stats: (short name, unit, post, formula).
FORMULAS: tuple[tuple[str, str, str, str], ...] = (
    ("pva", "count", "Doctor", "visits / new_patients"),
    ("pva_gap", "count", "Doctor", "pva - 12"),  # a formula over a formula
    ("per_visit", "money", "Insurance & Billing", "collections / visits"),
    ("collection_rate", "percent", "Insurance & Billing", "collections / services * 100"),
    ("show_rate", "percent", "Receptionist", "visits / (visits + no_shows) * 100"),
    ("acceptance", "percent", "Doctor", "care_plans_accepted / care_plans * 100"),
    ("recall_rate", "percent", "Recall", "recalls_booked / recalls_sent * 100"),
    ("per_new_patient", "money", "Office Manager", "collections / new_patients"),
)

#: The stats the graph is drawn for, one of each kind.
GRAPHED = ("collections", "phone_wait", "pva_gap", "average_wait")

# The columns written, in the rows' order; a model's other columns take their defaults
# (tests/bench/rows.py), so a column added later needs nothing here.
COLUMNS: dict[type[BaseModel], tuple[str, ...]] = {
    Post: ("id", "title", "position", "purpose", "product"),
    Stat: (
        "id",
        "name",
        "short_name",
        "unit",
        "post_id",
        "entered_by_id",
        "daily",
        "weekly",
        "up_is_good",
        "quota",
        "source",
        "computed",
        "formula",
        "rollup",
        "gap_is_zero",
        "thresholds",
        "scale_bottom",
        "scale_top",
        "position",
        "active",
        "created",
    ),
    StatValue: ("id", "stat_id", "period", "day", "value", "by_id", "at"),
    ConditionOverride: ("id", "stat_id", "week", "condition", "reason", "by_id", "at"),
}


def _insert(database: Database, model: type[BaseModel], written: Sequence[Row]) -> None:
    insert_rows(database, model, COLUMNS[model], written)


def _rounded(value: float, unit: str) -> float:
    if unit == "money":
        return round(value, 2)
    if unit in ("minutes", "percent"):
        return round(value, 1)
    return float(round(value))


def _level(rng: random.Random, typical: float, growth: float, age: int, when: dt.date) -> float:
    """A value `age` steps into the history: a trend, a season and some noise."""
    season = 1 + 0.08 * math.sin(when.toordinal() * 2 * math.pi / 365.25)
    return max(typical * (1 + growth) ** age * season * rng.uniform(0.85, 1.15), 0.0)


@dataclass(frozen=True)
class Seeded:
    ids: dict[str, int]  # short name → stat id
    counts: dict[str, int]
    elapsed: float  # seconds


def seed_stats(database: Database, stats: Stats) -> Seeded:
    """Add the 60 stats and ten years of their values, in a few big transactions."""
    check_models(list(COLUMNS.items()))
    if Stat.select().exists():
        raise SystemExit("The copy already has stats; the benchmark adds its own.")
    started = time.perf_counter()
    rng = random.Random(SEED)
    now = stats.clock.now()
    stamp = now.replace(tzinfo=None, microsecond=0).isoformat(" ")
    created = (now - dt.timedelta(weeks=HISTORY_WEEKS + 1)).replace(tzinfo=None, microsecond=0)
    this_week = stats.this_week()
    weeks = stats.weeks.weeks_back(this_week, HISTORY_WEEKS + 1)  # ten years and this week
    today = stats.settings.today(now)
    first_day = weeks[0] - dt.timedelta(days=6)
    days = [first_day + dt.timedelta(days=n) for n in range((today - first_day).days + 1)]

    posts = {title: number for number, title in enumerate(POSTS, start=1)}
    stat_rows: list[Row] = []
    ids: dict[str, int] = {}

    def stat(short: str, unit: str, post: str, up: bool, source: str, **more: Any) -> None:
        number = len(stat_rows) + 1
        ids[short] = number
        typical = more.get("typical")
        quota = _rounded(typical * 1.1, unit) if typical and number % 3 == 0 else None
        rule = None
        if number % 5 == 0:  # a stat with its own condition thresholds
            rule = json.dumps(
                {"affluence": 15.0, "danger": -15.0, "non_existence": -40.0, "new_weeks": 4}
            )
        scale = (0.0, None) if number % 7 == 0 else (None, None)
        stat_rows.append(
            (
                number,
                short.replace("_", " ").capitalize(),
                short,
                unit,
                posts[post],
                DESK_ID,
                int(more.get("daily", False)),
                int(not more.get("daily", False)),
                int(up),
                quota,
                source,
                more.get("computed"),
                more.get("formula"),
                more.get("rollup", "sum"),
                int(number % 11 == 0),  # gap_is_zero now and then
                rule,
                *scale,
                float(number),
                1,
                created.isoformat(" "),
            )
        )

    for short, unit, post, up, typical in WEEKLY:
        stat(short, unit, post, up, StatSource.ENTERED, typical=typical)
    for short, unit, post, up, typical, rollup in DAILY:
        stat(short, unit, post, up, StatSource.ENTERED, typical=typical, daily=True, rollup=rollup)
    for short, figure, unit, post, up, typical in FLOW:
        stat(short, unit, post, up, StatSource.COMPUTED, typical=typical, computed=figure)
    for short, unit, post, formula in FORMULAS:
        stat(short, unit, post, True, StatSource.FORMULA, formula=formula)
    assert {row[11] for row in stat_rows if row[10] == StatSource.COMPUTED} == set(COMPUTED)

    values: list[Row] = []

    def add(stat_id: int, period: str, day: dt.date, value: float) -> None:
        values.append((len(values) + 1, stat_id, period, day.isoformat(), value, DESK_ID, stamp))

    weekly = [(s, u, t) for s, u, _, _, t in WEEKLY] + [(s, u, t) for s, _, u, _, _, t in FLOW]
    computed = {short for short, *_ in FLOW}
    for short, unit, typical in weekly:
        growth = rng.uniform(-0.0005, 0.0015)
        stat_id = ids[short]
        for age, week in enumerate(weeks):
            if week == this_week and (short in computed or stat_id % 2):
                continue  # computed: counted by recompute(); typed: half of them so far
            if rng.random() < 0.02:
                continue  # a week nobody typed: a gap
            add(stat_id, "week", week, _rounded(_level(rng, typical, growth, age, week), unit))
    for short, unit, _, _, typical, _ in DAILY:
        growth = rng.uniform(-0.0001, 0.0002)
        stat_id = ids[short]
        for age, day in enumerate(days):
            if rng.random() < 0.01:
                continue
            add(stat_id, "day", day, _rounded(_level(rng, typical, growth, age, day), unit))

    judged = stats.judged_week(this_week)
    overrides: list[Row] = []
    for stat_id in rng.sample(range(1, len(stat_rows) + 1), 40):
        week = judged if len(overrides) < 3 else rng.choice(weeks[:-1])
        condition = rng.choice(list(Condition))
        overrides.append(
            (len(overrides) + 1, stat_id, week.isoformat(), condition, "benchmark", DESK_ID, stamp)
        )

    with database.atomic(), audit.suspended(database):
        _insert(database, Post, [(n, title, float(n), "", "") for title, n in posts.items()])
        _insert(database, Stat, stat_rows)
        _insert(database, ConditionOverride, overrides)
    for start in range(0, len(values), 50_000):
        with database.atomic(), audit.suspended(database):
            _insert(database, StatValue, values[start : start + 50_000])
    database.execute_sql("ANALYZE")  # as a long-lived practice file would have
    counts = {
        "posts": len(posts),
        "stats": len(stat_rows),
        "weekly values": sum(1 for v in values if v[2] == "week"),
        "daily values": sum(1 for v in values if v[2] == "day"),
        "overrides": len(overrides),
    }
    return Seeded(ids, counts, time.perf_counter() - started)


# -- the report ---------------------------------------------------------------------


@dataclass
class Report:
    """What was measured, for the summary at the end."""

    rows: list[tuple[str, int, str, str, str, str]] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def add(self, label: str, figures: Figures, target: float | None = None) -> None:
        verdict = ""
        if target is not None:
            verdict = f"< {target:g} ms: " + ("ok" if figures.p95 < target else "MISSED")
            if figures.p95 >= target:
                self.missed.append(label)
            record_figures(label, figures, target)
        self.rows.append(
            (label, figures.runs, ms(figures.median), ms(figures.p95), ms(figures.worst), verdict)
        )

    def print(self) -> None:
        width = max(len(r[0]) for r in self.rows)
        print("\nSummary (ms; the target is on the p95)")
        print(f"  {'':{width}}  {'runs':>4}  {'median':>8}  {'p95':>8}  {'max':>8}  target")
        for label, runs, median, p95, worst, verdict in self.rows:
            print(f"  {label:{width}}  {runs:>4}  {median:>8}  {p95:>8}  {worst:>8}  {verdict}")


def _line(label: str, figures: Figures, target: float | None = None) -> None:
    goal = f" (target < {target:g} ms)" if target is not None else ""
    print(
        f"  {label}: median {ms(figures.median)} ms, p95 {ms(figures.p95)} ms, "
        f"max {ms(figures.worst)} ms{goal}"
    )


# -- in the app ---------------------------------------------------------------------

Marks = list[tuple[str, float]]


@contextmanager
def _marking(marks: Marks, *methods: tuple[type, str]) -> Iterator[None]:
    """Note when each call of these methods starts ("name>") and returns ("name<").

    The class attributes are wrapped in this process only, and put back after.
    """
    originals = [(cls, name, getattr(cls, name)) for cls, name in methods]
    for cls, name, original in originals:

        @functools.wraps(original)
        def wrapped(self: Any, *args: Any, _o: Any = original, _n: str = name, **kw: Any) -> Any:
            marks.append((f"{_n}>", time.perf_counter()))
            result = _o(self, *args, **kw)
            marks.append((f"{_n}<", time.perf_counter()))
            return result

        setattr(cls, name, wrapped)
    try:
        yield
    finally:
        for cls, name, original in originals:
            setattr(cls, name, original)


def _mark_displays(app: OmTuiApp, marks: Marks, screen_type: type) -> None:
    """Note each update of a `screen_type` screen the app hands its driver ("drawn").

    Headless, the update is rendered (every widget's lines composed) but not written.
    """
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None and isinstance(screen, screen_type):
            marks.append(("drawn", time.perf_counter()))

    app._display = display  # type: ignore[method-assign]


def _first(marks: Marks, label: str, after: float = 0.0) -> float | None:
    return next((t for name, t in marks if name == label and t >= after), None)


def _all(marks: Marks, label: str) -> list[float]:
    return [t for name, t in marks if name == label]


async def _until(ready: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not ready():
        if time.perf_counter() > deadline:
            raise RuntimeError("timed out waiting in the app")
        await asyncio.sleep(0.001)


async def _settled(app: OmTuiApp, pilot: Any) -> None:
    """Start-up done: the board drawn and the check-in search's patient list loaded."""
    await pilot.pause()
    await asyncio.sleep(1.0)
    await app.workers.wait_for_complete()
    await pilot.pause()


@contextmanager
def _full_collections() -> Iterator[list[float]]:
    """The ms each full (generation 2) garbage collection took inside the block.

    The app holds the check-in search's 100,000 patients: a full collection then
    takes long enough to show in a run it lands in.
    """
    pauses: list[float] = []
    started: list[float] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            pauses.append(1000 * (time.perf_counter() - started[0]))

    gc.callbacks.append(note)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(note)


def _collections_line(pauses: list[float]) -> str:
    if not pauses:
        return "no full garbage collection during these runs"
    return (
        f"{len(pauses)} full garbage collections during these runs, "
        f"{ms(min(pauses))}–{ms(max(pauses))} ms each (the outliers)"
    )


class Phases:
    """Named spans of several runs, in ms, kept in the order first seen."""

    def __init__(self) -> None:
        self.spans: dict[str, list[float]] = {}

    def add(self, name: str, start: float, end: float) -> None:
        self.spans.setdefault(name, []).append(1000 * (end - start))

    def figures(self) -> dict[str, Figures]:
        return {name: Figures.of(samples) for name, samples in self.spans.items()}


async def bench_stats_screen(
    database: Database, now: dt.datetime, runs: int
) -> tuple[dict[str, Figures], int, list[int], list[float]]:
    """Key "2" in a new app each run, from the key to the table filled and drawn.

    Opening the stat board also counts this week's flow figures (recompute(), in a
    worker thread) and reloads after it: the run waits a second more to count the
    board() calls one opening makes.
    """
    phases = Phases()
    rows, board_calls = 0, []
    marks: Marks = []
    watched = ((Stats, "board"), (StatsScreen, "_fill"), (Stats, "recompute"))
    with _marking(marks, *watched), _full_collections() as pauses:
        for _ in range(runs):
            app = make_app(database, clock=FrozenClock(now))
            async with app.run_test(size=SIZE) as pilot:
                await _settled(app, pilot)
                _mark_displays(app, marks, StatsScreen)
                marks.clear()
                key = time.perf_counter()
                await pilot.press("2")

                def drawn() -> bool:
                    filled = _first(marks, "_fill<")
                    return filled is not None and _first(marks, "drawn", filled) is not None

                await _until(drawn)
                asked, answered = _first(marks, "board>"), _first(marks, "board<")
                filled = _first(marks, "_fill<")
                assert asked and answered and filled
                shown = _first(marks, "drawn", filled)
                assert shown is not None
                phases.add(
                    'key "2" to board() called (Textual: switch, compose, mount)', key, asked
                )
                phases.add("board() in the app", asked, answered)
                phases.add("board() returned to the table filled", answered, filled)
                phases.add("table filled to drawn (layout, first paint)", filled, shown)
                phases.add('key "2" to the table filled', key, filled)
                phases.add('key "2" to the stat board drawn', key, shown)
                await _until(lambda: bool(_first(marks, "recompute<")))
                await asyncio.sleep(1.0)  # the reloads after it, and the change watcher's
                await app.workers.wait_for_complete()
                await pilot.pause()
                counted = _first(marks, "recompute<")
                assert counted is not None
                phases.add('key "2" to recompute() done (worker)', key, counted)
                phases.add('key "2" to the last reload filled', key, _all(marks, "_fill<")[-1])
                board_calls.append(len(_all(marks, "board<")))
                rows = app.screen.query_one("#stats").row_count  # type: ignore[attr-defined]
    return phases.figures(), rows, board_calls, list(pauses)


@dataclass
class Drawing:
    show: Figures
    picture: Figures
    together: Figures
    screen: dict[str, Figures]
    pictures_per_push: list[int]
    plot_size: tuple[int, int]
    direct_collections: list[float]  # full garbage collections, ms each
    screen_collections: list[float]

    @property
    def screen_runs(self) -> int:
        return len(self.pictures_per_push)


def _draw(graph: StatGraph, stats: Stats, stat_id: int, week: dt.date) -> None:
    """What StatGraphScreen.draw() does for the 52-week span, then the plot's picture()."""
    _show(graph, *stats.graph(stat_id, 52, week))
    graph.picture()


def _show(graph: StatGraph, stat: Stat, weeks: Any, values: Any, found: Any) -> None:
    graph.show(
        f"{stat.name} — 52 weeks",
        weeks,
        values,
        found,
        up_is_good=stat.up_is_good,
        quota=stat.quota,
        scale=(stat.scale_bottom, stat.scale_top),
    )


async def bench_drawing(
    database: Database, now: dt.datetime, stat_ids: dict[str, int], week: dt.date, runs: int
) -> dict[str, Drawing]:
    """StatGraph.show() and picture() on a mounted graph; StatGraphScreen pushed until drawn."""
    result: dict[str, Drawing] = {}
    marks: Marks = []
    app = make_app(database, clock=FrozenClock(now))
    async with app.run_test(size=SIZE) as pilot:
        await _settled(app, pilot)
        _mark_displays(app, marks, StatGraphScreen)
        stats = app.stats

        def drawn() -> bool:
            rendered = _first(marks, "picture<")
            return rendered is not None and _first(marks, "drawn", rendered) is not None

        watched = ((Stats, "graph"), (StatGraph, "show"), (StatGraph, "picture"))
        for short, stat_id in stat_ids.items():
            phases = Phases()
            pictures = []
            with _marking(marks, *watched), _full_collections() as pauses:
                for _ in range(max(runs // 5, 5)):
                    marks.clear()
                    pushed, cpu = time.perf_counter(), time.process_time()
                    app.push_screen(StatGraphScreen(stat_id, week, span="52"))
                    await _until(drawn)
                    used = time.process_time()  # the look every ms after drawn: < 1 ms more
                    got, shown = _first(marks, "graph>"), _first(marks, "show<")
                    rendering, rendered = _first(marks, "picture>"), _first(marks, "picture<")
                    assert got and shown and rendering and rendered
                    display = _first(marks, "drawn", rendered)
                    assert display is not None
                    phases.add("pushed to graph() called (Textual: compose, mount)", pushed, got)
                    phases.add("graph() + show() in draw()", got, shown)
                    phases.add("show() to picture() called (layout)", shown, rendering)
                    phases.add("picture() in the app", rendering, rendered)
                    phases.add("picture() to drawn (compose the screen)", rendered, display)
                    phases.add("pushed to drawn", pushed, display)
                    phases.add("pushed to drawn, CPU (the process)", cpu, used)
                    await pilot.pause()
                    pictures.append(len(_all(marks, "picture<")))
                    app.pop_screen()
                    await pilot.pause()
            await app.push_screen(StatGraphScreen(stat_id, week, span="52"))
            await pilot.pause()
            graph = app.screen.query_one(StatGraph)
            data = stats.graph(stat_id, 52, week)
            with _full_collections() as direct_pauses:
                showing = measure(lambda g=graph, d=data: _show(g, *d), runs)
                rendering_figures = measure(graph.picture, runs)
                both = measure(lambda g=graph, s=stat_id: _draw(g, stats, s, week), runs)
            result[short] = Drawing(
                showing,
                rendering_figures,
                both,
                phases.figures(),
                pictures,
                (graph.size.width, graph.size.height),
                list(direct_pauses),
                list(pauses),
            )
            app.pop_screen()
            await pilot.pause()
    return result


# -- the measurements ---------------------------------------------------------------


def bench_board(
    stats: Stats, runs: int, report: Report
) -> list[tuple[str, list[tuple[str, tuple[Any, ...]]]]]:
    print("\n(1) The stat board: Stats.board() for this week")
    week = stats.this_week()
    with captured_sql() as statements:
        rows = stats.board(week)
    counted: dict[str, int] = {}
    for row in rows:
        key = row.condition.value if row.condition else "none"
        counted[key] = counted.get(key, 0) + 1
    print(
        f"  {len(rows)} rows, week ending {week}, conditions for the week ending "
        f"{stats.judged_week(week)}: " + ", ".join(f"{n} {c}" for c, n in sorted(counted.items()))
    )
    print(f"  {len(statements)} statements per board()")
    figures = measure(lambda: stats.board(week), runs)
    _line("board(), all posts", figures, BOARD_TARGET_MS)
    report.add("(1) Stats.board(), all posts", figures, BOARD_TARGET_MS)
    post_id, title = stats.posts()[4]
    one = measure(lambda: stats.board(week, post_id), runs)
    _line(f"board(), one post ({title})", one)
    report.add("(1) Stats.board(), one post", one)
    return [("Stats.board()", statements)]


def bench_graph_data(
    stats: Stats, ids: dict[str, int], runs: int, report: Report
) -> list[tuple[str, list[tuple[str, tuple[Any, ...]]]]]:
    print("\n(2) A 52-week graph: the data, Stats.graph(stat, 52)")
    week = stats.this_week()
    captured = []
    for short in GRAPHED:
        with captured_sql() as statements:
            stat, weeks, values, _ = stats.graph(ids[short], 52, week)
        figures = measure(lambda s=ids[short]: stats.graph(s, 52, week), runs)
        known = sum(1 for v in values if v is not None)
        _line(f"graph({short}: {stat.source}{', daily' if stat.daily else ''})", figures)
        print(f"      {len(weeks)} weeks, {known} with a value, {len(statements)} statements")
        report.add(f"(2) data: Stats.graph({short}, 52)", figures)
        captured.append((f"Stats.graph({short}, 52)", statements))
    daily = GRAPHED[1]  # not a target: the "all" span, ten years of daily values
    every = measure(lambda: stats.graph(ids[daily], None, week), max(runs // 5, 5))
    _line(f"graph({daily}, all: {len(stats.graph(ids[daily], None, week)[1])} weeks)", every)
    report.add(f"(2) data: Stats.graph({daily}, all)", every)
    return captured


def bench_recompute(
    stats: Stats, runs: int, report: Report
) -> list[tuple[str, list[tuple[str, tuple[Any, ...]]]]]:
    print("\n(3) Stats.recompute(week): the computed stats from the visit events")
    this_week = stats.this_week()
    middle = this_week - dt.timedelta(weeks=HISTORY_WEEKS // 2)
    captured = []
    for label, week in (("mid-history", middle), ("this week", this_week)):
        start, end = stats.weeks.bounds(week)
        events = stats.database.execute_sql(
            'SELECT COUNT(*) FROM "visit_event" WHERE "at" >= ? AND "at" < ?',
            (start.replace(tzinfo=None).isoformat(" "), end.replace(tzinfo=None).isoformat(" ")),
        ).fetchone()[0]
        with captured_sql() as statements:
            found = stats.recompute(week)
        print(
            f"  week ending {week} ({label}): {events:,} visit events; "
            + ", ".join(f"{k} {v}" for k, v in found.items())
        )
        reading = measure(lambda s=start, e=end: flow_figures(s, e), runs)
        _line("flow_figures() (the read)", reading)
        report.add(f"(3) flow_figures(), {label}", reading)
        figures = measure(lambda w=week: stats.recompute(w), runs)
        _line("recompute() (read, then write and commit)", figures, RECOMPUTE_TARGET_MS)
        report.add(f"(3) Stats.recompute(), {label}", figures, RECOMPUTE_TARGET_MS)
        captured.append((f"Stats.recompute(), {label}", statements))
    return captured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50, help="timed runs per figure")
    parser.add_argument("--app-runs", type=int, default=10, help="runs through the app")
    parser.add_argument("--recompute-runs", type=int, default=20, help="runs of recompute()")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="the cached practice")
    parser.add_argument("--rebuild", action="store_true", help="build the practice afresh")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--no-plans", action="store_true", help="skip the query plans")
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    smoke(args, runs=2, app_runs=1, recompute_runs=2, no_plans=True)

    practice = open_large_practice(args.path, rebuild=args.rebuild, smoke=args.smoke)
    now, settings = practice.now, practice.settings
    practice.database.close()
    work = Path(tempfile.mkdtemp(prefix="om-tui-bench-"))
    copy = work / "large.db"
    # The benchmark adds stats and recomputes (writes): it works on a copy.
    shutil.copy(sqlite_checkpointed(practice.path), copy)
    try:
        database = open_database(copy)
        stats = Stats(database, FrozenClock(now), settings, ADMINISTRATOR)
        seeded = seed_stats(database, stats)
        events = database.execute_sql('SELECT COUNT(*) FROM "visit_event"').fetchone()[0]
        print(f"Large practice {practice.path} (copied to {copy}): {events:,} visit events")
        print(
            f"Stats added in {seeded.elapsed:.1f} s: "
            + ", ".join(f"{n:,} {what}" for what, n in seeded.counts.items())
            + f"; now {now:%Y-%m-%d %H:%M} UTC, this week ends {stats.this_week()}"
        )
        print(
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"peewee {peewee.__version__}, {platform.machine()}; {args.runs} runs a figure "
            f"({args.recompute_runs} for recompute, {args.app_runs} through the app)"
        )
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"Machine: {os.cpu_count()} CPUs, load average {load}; calibration: sorting "
            f"100,000 short strings takes {ms(calibration())} ms (compare machines by it)"
        )
        stats.recompute()  # as the stat board does when it opens
        report = Report()

        captured = bench_board(stats, args.runs, report)
        phases, rows, calls, pauses = asyncio.run(bench_stats_screen(database, now, args.app_runs))
        print(
            f'  In the app ({SIZE[0]}x{SIZE[1]}, a new app each run), key "2" to the stat board, '
            f"{rows} rows:"
        )
        for name, figures in phases.items():
            target = BOARD_TARGET_MS if name == 'key "2" to the stat board drawn' else None
            _line(name, figures, target)
        print(
            f"  board() calls per opening: {', '.join(map(str, calls))} (the first, then reloads "
            "after the recompute() it starts)"
        )
        print(f"  {_collections_line(pauses)}")
        report.add('(1) app: key "2" to the table filled', phases['key "2" to the table filled'])
        report.add(
            '(1) app: key "2" to the board drawn',
            phases['key "2" to the stat board drawn'],
            BOARD_TARGET_MS,
        )
        report.add(
            '(1) app: key "2" to the last reload', phases['key "2" to the last reload filled']
        )

        captured += bench_graph_data(stats, seeded.ids, args.runs, report)
        print("\n(2) A 52-week graph: the drawing, StatGraph.show() and picture()")
        drawings = asyncio.run(
            bench_drawing(
                database, now, {s: seeded.ids[s] for s in GRAPHED}, stats.this_week(), args.runs
            )
        )
        for short, drawing in drawings.items():
            width, height = drawing.plot_size
            print(f"  {short} ({width}x{height} plot), on a mounted StatGraph:")
            _line("  show()", drawing.show)
            _line("  picture() (Plotext's grid, made into lines)", drawing.picture)
            _line("  graph() + show() + picture()", drawing.together, GRAPH_TARGET_MS)
            print(f"      {_collections_line(drawing.direct_collections)}")
            print(
                f"    StatGraphScreen(span='52') pushed in the app, {drawing.screen_runs} runs "
                f"(picture() calls a push: {', '.join(map(str, drawing.pictures_per_push))}):"
            )
            for name, figures in drawing.screen.items():
                _line(f"  {name}", figures, GRAPH_TARGET_MS if name == "pushed to drawn" else None)
            print(f"      {_collections_line(drawing.screen_collections)}")
            report.add(f"(2) draw: show(), {short}", drawing.show)
            report.add(f"(2) draw: picture(), {short}", drawing.picture)
            report.add(f"(2) data + draw, {short}", drawing.together, GRAPH_TARGET_MS)
            report.add(
                f"(2) app: graph screen pushed to drawn, {short}",
                drawing.screen["pushed to drawn"],
                GRAPH_TARGET_MS,
            )
            report.add(
                f"(2) app: the same, CPU of the process, {short}",
                drawing.screen["pushed to drawn, CPU (the process)"],
            )

        captured += bench_recompute(stats, args.recompute_runs, report)

        slow: list[str] = []
        if not args.no_plans:
            for label, statements in captured:
                slow += explain(database, f"Query plans: {label}", statements, 20)
        report.print()
        print_findings(slow, report.missed)
        database.close()
    finally:
        shutil.rmtree(work)
    return 1 if args.check and report.missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
