"""The weekly report on the large practice: gathered, rendered and written, timed.

    .venv/bin/python -m tests.bench.bench_report [--runs 10] [--cli-runs 3] [--check]

On a copy of the practice of tests/bench/large_practice.py (about 1,000,000 visit
events), with the 60 stats of bench_stats.py and ten years of their values, and what the
large practice lacks, added here (seeded): 8 more staff (one of whom has left), every
person holding one or two of the 8 posts, 6 checklist items a post (4 daily, half with a
due time; a weekly; a monthly) and a year of ticks (85 % on time, 7 % late, the rest
missed); three years of orders, about 12 a week (to a person or a post; most done on
time, some late, some cancelled, a few overdue now, a few waiting to be accepted), 12
programs of 4-10 steps, and about 8 items a week on the line with their trails. Then
prints median / p95 / max of, for the last week that has ended and for one five years
back:

  (1) report.gather(): everything the report holds, read;
  (2) report.render() in each format (md, html, csv), on what was gathered;
  (3) the whole thing in each format as the command and the app do it, write_report():
      gather, render, write the file (temporary file, fsync, rename) and note it in the
      audit trail;
  (4) each part of gather() on its own (the stat board for 13 weeks, the flow, hat
      compliance, orders compliance, orders done and overdue, programs, the line);

then `om-tui report week --format html -o FILE` as a separate process, --cli-runs times
(Python's start and the imports included), and the query plans of the SQL gather() ran.
Everything runs with a FrozenClock at the practice's "now" (stored in the file).

Target (issue 6): the weekly report renders in < 1 s: write_report() p95 < 1,000 ms in
each format. With --check the exit status is 1 when it is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee
from peewee import Database

from db import audit, open_database
from db.models import (
    ChecklistItem,
    ConditionOverride,
    Frequency,
    HatHolder,
    LineAnswer,
    LineEvent,
    LineItem,
    LineKind,
    LinePriority,
    LineStatus,
    Order,
    OrderStatus,
    Post,
    Program,
    ProgramStep,
    Role,
    Staff,
    Stat,
    StatSource,
    StatValue,
    Tick,
)
from om_tui.practice.clock import FrozenClock
from om_tui.practice.hats.service import Hats
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.owner.report import gathering as weekly
from om_tui.practice.owner.report import writing
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.settings import PracticeSettings
from om_tui.practice.stats.conditions import Condition
from om_tui.practice.stats.service import Stats
from tests.bench.bench_app import sqlite_checkpointed
from tests.bench.bench_practice import calibration, captured_sql, explain
from tests.bench.bench_stats import DAILY, FLOW, FORMULAS, HISTORY_WEEKS, POSTS, WEEKLY, Report
from tests.bench.large_practice import DEFAULT_PATH, open_large_practice
from tests.bench.timing import Figures, add_smoke_option, measure, ms, print_findings, smoke

TARGET_MS = 1000.0
SEED = 20261127
FORMS = ("md", "html", "csv")

MORE_STAFF: tuple[tuple[str, Role, bool], ...] = (
    ("Lena Frost", Role.FRONT_DESK, True),
    ("Owen Price", Role.STAFF, True),
    ("Rita Gomez", Role.STAFF, True),
    ("Ivan Novak", Role.STAFF, True),
    ("Beth Carver", Role.STAFF, True),
    ("Noah Reyes", Role.STAFF, True),
    ("Zoe Martin", Role.STAFF, True),
    ("Carl Dunn", Role.STAFF, False),  # left the practice
)
ORDER_TEXTS = (
    "Call last week's no-shows and rebook every one",
    "Count the supply closet; list what to order",
    "Deep-clean the therapy tables and log it",
    "Confirm every Monday appointment by Friday 4 pm",
    "Call the insurers with claims over 60 days",
    "Update the phone script with the holiday hours",
    "Restock the hot packs in every room",
    "Send the recall letters for this month",
    "Post the week's payments and reconcile the deposit",
    "Re-read the infection control policy and attest",
)
LINE_TEXTS = (
    "A second card reader for the front desk: the old one fails twice a day.",
    "May I take Friday off? My tasks can go to a colleague.",
    "The X-ray service contract renews next month: renew for a year?",
    "Patients ask for evening hours on Thursdays.",
    "The waiting room chairs are worn: replace four of them?",
    "A patient disputes last month's bill: how far may I go?",
)


@dataclass(frozen=True)
class Seeded:
    counts: dict[str, int]
    elapsed: float


def _chunks(model: type[peewee.Model], rows: list[dict[str, Any]], size: int = 2000) -> None:
    for start in range(0, len(rows), size):
        model.insert_many(rows[start : start + size]).execute()


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


def seed_stats(database: Database, stats: Stats) -> Seeded:
    """bench_stats.py's 60 stats over its 8 posts, and ten years of their values.

    Written here through peewee (bench_stats' own seeding writes fixed columns, which the
    posts' write-up columns have since outgrown); the same stats and kinds of values.
    """
    started = time.perf_counter()
    rng = random.Random(SEED + 1)
    now = stats.clock.now()
    created = _naive(now - dt.timedelta(weeks=HISTORY_WEEKS + 1))
    this_week = stats.this_week()
    weeks = stats.weeks.weeks_back(this_week, HISTORY_WEEKS + 1)
    today = stats.settings.today(now)
    first_day = weeks[0] - dt.timedelta(days=6)
    days = [first_day + dt.timedelta(days=n) for n in range((today - first_day).days + 1)]

    def level(typical: float, growth: float, age: int, when: dt.date, unit: str) -> float:
        season = 1 + 0.08 * math.sin(when.toordinal() * 2 * math.pi / 365.25)
        value = max(typical * (1 + growth) ** age * season * rng.uniform(0.85, 1.15), 0.0)
        if unit == "money":
            return round(value, 2)
        return round(value, 1) if unit in ("minutes", "percent") else float(round(value))

    with database.atomic(), audit.suspended(database):
        posts = {
            title: Post.insert(title=title, position=n).execute() for n, title in enumerate(POSTS)
        }
        rows: list[dict[str, Any]] = []

        def stat(short: str, unit: str, post: str, up: bool, **more: Any) -> None:
            rows.append(
                {
                    "name": short.replace("_", " ").capitalize(),
                    "short_name": short,
                    "unit": unit,
                    "post": posts[post],
                    "daily": more.get("daily", False),
                    "weekly": not more.get("daily", False),
                    "up_is_good": up,
                    "source": more.get("source", StatSource.ENTERED),
                    "computed": more.get("computed"),
                    "formula": more.get("formula"),
                    "rollup": more.get("rollup", "sum"),
                    "position": len(rows),
                    "created": created,
                }
            )

        for short, unit, post, up, _ in WEEKLY:
            stat(short, unit, post, up)
        for short, unit, post, up, _, rollup in DAILY:
            stat(short, unit, post, up, daily=True, rollup=rollup)
        for short, figure, unit, post, up, _ in FLOW:
            stat(short, unit, post, up, source=StatSource.COMPUTED, computed=figure)
        for short, unit, post, formula in FORMULAS:
            stat(short, unit, post, True, source=StatSource.FORMULA, formula=formula)
        _chunks(Stat, rows)
    ids = {s.short_name: s.id for s in Stat.select(Stat.id, Stat.short_name)}
    values: list[dict[str, Any]] = []
    at = _naive(now)
    weekly = [(s, u, t) for s, u, _, _, t in WEEKLY] + [(s, u, t) for s, _, u, _, _, t in FLOW]
    for short, unit, typical in weekly:
        growth = rng.uniform(-0.0005, 0.0015)
        for age, week in enumerate(weeks):
            if week == this_week or rng.random() < 0.02:
                continue  # this week's are still to come; now and then a gap
            value = level(typical, growth, age, week, unit)
            values.append(
                {"stat": ids[short], "period": "week", "day": week, "value": value, "at": at}
            )
    for short, unit, _, _, typical, _ in DAILY:
        growth = rng.uniform(-0.0001, 0.0002)
        for age, day in enumerate(days):
            if rng.random() < 0.01:
                continue
            value = level(typical, growth, age, day, unit)
            values.append(
                {"stat": ids[short], "period": "day", "day": day, "value": value, "at": at}
            )
    overrides = [
        {
            "stat": stat_id,
            "week": rng.choice(weeks[:-1]),
            "condition": rng.choice(list(Condition)),
            "reason": "benchmark",
            "at": at,
        }
        for stat_id in rng.sample(sorted(ids.values()), 40)
    ]
    with database.atomic(), audit.suspended(database):
        _chunks(StatValue, values, 1000)
        _chunks(ConditionOverride, overrides)
    counts = {
        "posts": len(posts),
        "stats": len(rows),
        "weekly values": sum(1 for v in values if v["period"] == "week"),
        "daily values": sum(1 for v in values if v["period"] == "day"),
        "overrides": len(overrides),
    }
    return Seeded(counts, time.perf_counter() - started)


def seed_the_rest(database: Database, settings: PracticeSettings, now: dt.datetime) -> Seeded:
    """Staff, hats and ticks, orders, programs and the line: what the report reads besides
    the stats and the flow."""
    started = time.perf_counter()
    rng = random.Random(SEED)
    zone = settings.zone
    today = settings.today(now)
    hats = Hats(database, FrozenClock(now), settings, ADMINISTRATOR)
    periods = hats.periods
    three_years = today - dt.timedelta(days=3 * 365)
    one_year = today - dt.timedelta(days=365)

    def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)

    with database.atomic(), audit.suspended(database):
        for name, role, active in MORE_STAFF:
            initials = "".join(part[0] for part in name.split())
            Staff.create(name=name, initials=initials, role=role, active=active)
        people = [s.id for s in Staff.select().where(Staff.active == True)]  # noqa: E712
        owner = Staff.get(Staff.role == Role.OWNER).id
        manager = Staff.get(Staff.role == Role.OFFICE_MANAGER).id
        posts = [p.id for p in Post.select().order_by(Post.id)]
        left = Staff.get(Staff.active == False).id  # noqa: E712

        holdings: list[dict[str, Any]] = []
        held: dict[int, list[int]] = {post: [] for post in posts}
        for number, person in enumerate(people):
            for post in {posts[number % len(posts)], rng.choice(posts)}:
                holdings.append({"post": post, "staff": person, "since": three_years})
                held[post].append(person)
        # One post changed hands a year ago: the leaver held it until then.
        holdings.append({"post": posts[-1], "staff": left, "since": three_years, "until": one_year})
        _chunks(HatHolder, holdings)

        items: list[tuple[int, int, str, str | None]] = []  # id, post, frequency, due time
        for post in posts:
            kinds = [
                (Frequency.DAILY, "08:00"),
                (Frequency.DAILY, "12:00"),
                (Frequency.DAILY, None),
                (Frequency.DAILY, None),
                (Frequency.WEEKLY, None),
                (Frequency.MONTHLY, None),
            ]
            for position, (frequency, due_time) in enumerate(kinds):
                item = ChecklistItem.create(
                    key=0,
                    post=post,
                    text=f"Checklist item {position + 1}",
                    frequency=frequency,
                    due_time=due_time,
                    position=position,
                    start=three_years,
                    created=_naive(local(three_years, 8)),
                )
                item.key = item.id
                item.save()
                items.append((item.id, post, str(frequency), due_time))

    ticks: list[dict[str, Any]] = []
    for item_id, post, frequency, due_time in items:
        for due_on in periods.due_days(frequency, one_year, today - dt.timedelta(days=1)):
            deadline = periods.deadline(frequency, due_on, due_time)
            for person in held[post]:
                draw = rng.random()
                if draw < 0.85:
                    at = deadline - dt.timedelta(minutes=rng.randrange(5, 600))
                elif draw < 0.92:
                    at = deadline + dt.timedelta(minutes=rng.randrange(5, 1200))
                else:
                    continue  # missed
                ticks.append(
                    {
                        "item": item_id,
                        "key": item_id,
                        "due_on": due_on,
                        "holder": person,
                        "by": person,
                        "at": _naive(at),
                    }
                )

    orders: list[dict[str, Any]] = []
    week_start = three_years
    while week_start < today + dt.timedelta(days=14):
        for _ in range(rng.randint(8, 16)):
            given = week_start + dt.timedelta(days=rng.randrange(7))
            due_on = given + dt.timedelta(days=rng.randint(1, 10))
            due_time = rng.choice((None, None, None, "12:00", "17:00"))
            deadline = (
                local(due_on, int(due_time[:2]))
                if due_time
                else local(due_on + dt.timedelta(days=1), 0)
            )
            to_post = rng.random() < 0.3
            row: dict[str, Any] = {
                "issued_by": rng.choice((owner, manager, manager)),
                "to_staff": None if to_post else rng.choice(people),
                "to_post": rng.choice(posts) if to_post else None,
                "text": rng.choice(ORDER_TEXTS),
                "due_on": due_on,
                "due_time": due_time,
                "created": _naive(local(given, rng.randint(8, 16))),
                "status": OrderStatus.OPEN,
            }
            draw = rng.random()
            past = deadline < now
            if draw < 0.70 or (not past and draw < 0.85):
                reported = deadline - dt.timedelta(hours=rng.randint(1, 72))
                if reported < now:
                    row.update(status=OrderStatus.DONE, reply="Done.", reported_at=_naive(reported))
                    row.update(reported_by=row["to_staff"] or people[0])
                    accepted = min(reported + dt.timedelta(hours=rng.randint(1, 30)), now)
                    row.update(answered_by=manager, answered_at=_naive(accepted))
                    row.update(done_at=_naive(accepted))
            elif draw < 0.82 and past:
                reported = deadline + dt.timedelta(hours=rng.randint(2, 96))
                if reported < now:
                    row.update(status=OrderStatus.DONE, reply="Done, late.")
                    row.update(reported_at=_naive(reported), answered_by=manager)
                    row.update(reported_by=row["to_staff"] or people[0])
                    row.update(answered_at=_naive(reported), done_at=_naive(reported))
            elif draw < 0.87:
                cancelled = min(deadline + dt.timedelta(days=rng.randint(0, 5)), now)
                row.update(status=OrderStatus.CANCELLED, answered_by=manager)
                row.update(answered_at=_naive(cancelled), remark="No longer needed.")
            elif past and deadline < now - dt.timedelta(days=60):
                # The practice clears what is long overdue: called off.
                row.update(status=OrderStatus.CANCELLED, answered_by=manager)
                row.update(answered_at=_naive(deadline + dt.timedelta(days=30)))
            else:
                row["chased"] = rng.randint(0, 3) if past else 0
            orders.append(row)
        week_start += dt.timedelta(days=7)

    programs: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for number in range(12):
        begun = three_years + dt.timedelta(days=90 * number)
        steps: list[dict[str, Any]] = []
        for position in range(rng.randint(4, 10)):
            due_on = begun + dt.timedelta(days=14 * (position + 1))
            done = due_on < today - dt.timedelta(days=20) or rng.random() < 0.3
            done_at = local(due_on, 15) + dt.timedelta(days=rng.randint(-5, 5))
            steps.append(
                {
                    "position": position,
                    "text": f"Step {position + 1}",
                    "to_staff": rng.choice(people),
                    "due_on": due_on,
                    "done_at": _naive(done_at) if done and done_at < now else None,
                    "done_by": manager if done and done_at < now else None,
                }
            )
        program = {
            "name": f"Program {number + 1}",
            "goal": "",
            "created": _naive(local(begun, 9)),
            "created_by": owner,
            "active": number % 4 != 1,
        }
        programs.append((program, steps))

    items_on_line: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    day = three_years
    while day < today:
        for _ in range(rng.randint(0, 3)):
            filed = local(day, rng.randint(8, 16), rng.randrange(60))
            sender = rng.choice(people)
            row = {
                "sender": sender,
                "kind": rng.choice(list(LineKind)),
                "text": rng.choice(LINE_TEXTS),
                "priority": LinePriority.HIGH if rng.random() < 0.2 else LinePriority.NORMAL,
                "urgent": rng.random() < 0.05,
                "created": _naive(filed),
                "status": LineStatus.NEW,
            }
            trail = [{"who": sender, "at": _naive(filed), "what": "filed"}]
            answered = filed + dt.timedelta(hours=rng.randint(1, 72))
            draw = rng.random()
            if answered < now and draw < 0.3:
                row.update(status=LineStatus.HANDLED, answer_note="Done.", answered_by=manager)
                row.update(answered_at=_naive(answered))
                trail.append({"who": manager, "at": _naive(answered), "what": "handled"})
            elif answered < now and draw < 0.9:
                routed = filed + (answered - filed) / 2
                answer = rng.choice(list(LineAnswer))
                row.update(status=LineStatus.ANSWERED, routed_at=_naive(routed), answer=answer)
                row.update(answered_by=owner, answered_at=_naive(answered))
                trail.append({"who": manager, "at": _naive(routed), "what": "batched"})
                trail.append({"who": manager, "at": _naive(routed), "what": "sent"})
                trail.append({"who": owner, "at": _naive(answered), "what": "answered"})
            items_on_line.append((row, trail))
        day += dt.timedelta(days=1)

    with database.atomic(), audit.suspended(database):
        _chunks(Tick, ticks)
        _chunks(Order, orders)
        for program, steps in programs:
            program_id = Program.insert(program).execute()
            _chunks(ProgramStep, [{**step, "program": program_id} for step in steps])
        for row, trail in items_on_line:
            item_id = LineItem.insert(row).execute()
            _chunks(LineEvent, [{**event, "item": item_id} for event in trail])
    database.execute_sql("ANALYZE")
    counts = {
        "staff": Staff.select().count(),
        "hat holdings": len(holdings),
        "checklist items": len(items),
        "ticks": len(ticks),
        "orders": len(orders),
        "programs": len(programs),
        "program steps": sum(len(steps) for _, steps in programs),
        "line items": len(items_on_line),
        "line events": sum(len(trail) for _, trail in items_on_line),
    }
    return Seeded(counts, time.perf_counter() - started)


# -- the measurements ---------------------------------------------------------------


def _line(label: str, figures: Figures, target: float | None = None) -> None:
    goal = f" (target < {target:g} ms)" if target is not None else ""
    print(
        f"  {label}: median {ms(figures.median)} ms, p95 {ms(figures.p95)} ms, "
        f"max {ms(figures.worst)} ms{goal}"
    )


def parts(
    database: Database, clock: FrozenClock, settings: PracticeSettings, week: dt.date
) -> dict[str, Callable[[], object]]:
    """Each part of gather() on its own, as gather() calls it."""
    stats = Stats(database, clock, settings, ADMINISTRATOR)
    orders = Orders(database, clock, settings)
    start, end = stats.weeks.bounds(week)
    as_of = min(end, clock.now())
    first, last = stats.weeks.days(week)
    hats = Hats(database, clock, settings, ADMINISTRATOR)
    return {
        "stat board, 13 weeks": lambda: weekly.stat_lines(stats, week, False),
        "flow figures, 2 weeks": lambda: weekly.flow_lines(stats.weeks, week, as_of),
        "hat compliance": lambda: hats.compliance(first, last, by_week=True),
        "orders compliance": lambda: orders.compliance(first, last),
        "orders done": lambda: weekly.orders_done(orders, start, as_of),
        "orders overdue": lambda: weekly.orders_overdue(orders, as_of),
        "programs": lambda: weekly.programs_progress(orders, start, as_of),
        "line decided": lambda: weekly.decided(start, as_of, settings.zone),
    }


def bench_week(
    database: Database,
    clock: FrozenClock,
    settings: PracticeSettings,
    week: dt.date,
    label: str,
    runs: int,
    out: Path,
    report: Report,
) -> list[tuple[str, list[tuple[str, tuple[Any, ...]]]]]:
    with captured_sql() as statements:
        gathered = weekly.gather(database, clock, settings, week)
    sizes = {form: len(writing.render(gathered, form).encode()) for form in FORMS}
    print(
        f"\nThe week ending {gathered.week} ({label}): {len(gathered.stats)} stats, "
        f"{len(gathered.people)} people, {gathered.items_total.due} checklist items due, "
        f"{gathered.orders_total.due} orders due, {len(gathered.orders_done)} done, "
        f"{len(gathered.orders_overdue)} overdue, {len(gathered.programs)} programs, "
        f"{len(gathered.decided)} items decided; {len(statements)} statements; "
        + ", ".join(f"{form} {size / 1024:.1f} KiB" for form, size in sizes.items())
    )
    figures = measure(lambda: weekly.gather(database, clock, settings, week), runs)
    _line("(1) gather()", figures)
    report.add(f"(1) gather(), {label}", figures)
    for form in FORMS:
        rendering = measure(lambda f=form: writing.render(gathered, f), runs)
        _line(f"(2) render({form})", rendering)
        report.add(f"(2) render({form}), {label}", rendering)
    for form in FORMS:
        target = out / f"week.{form}"
        whole = measure(
            lambda f=form, t=target: writing.write_report(
                database, clock, settings, day=week, form=f, path=t
            ),
            runs,
        )
        _line(f"(3) write_report({form}): gather, render, write, audit", whole, TARGET_MS)
        report.add(f"(3) write_report({form}), {label}", whole, TARGET_MS)
    for name, call in parts(database, clock, settings, week).items():
        part = measure(call, runs)
        _line(f"(4) {name}", part)
        report.add(f"(4) {name}, {label}", part)
    return [(f"gather(), {label}", statements)]


def bench_cli(copy: Path, out: Path, week: dt.date, runs: int, report: Report) -> None:
    command = [sys.executable, "-m", "om_tui", "--db", str(copy), "report", "week"]
    command += ["--week", week.isoformat(), "--format", "html", "-o", str(out / "cli.html")]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, stdin=subprocess.DEVNULL)
        samples.append((time.perf_counter() - started) * 1000)
    figures = Figures.of(samples)
    print(f"\n`om-tui report week --format html -o FILE`, a process each time ({runs} runs):")
    _line("start to exit", figures)
    report.add("CLI: om-tui report week (html), process", figures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per figure")
    parser.add_argument("--cli-runs", type=int, default=3, help="runs of the command")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="the cached practice")
    parser.add_argument("--rebuild", action="store_true", help="build the practice afresh")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    parser.add_argument("--no-plans", action="store_true", help="skip the query plans")
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    smoke(args, runs=2, cli_runs=1, no_plans=True)

    practice = open_large_practice(args.path, rebuild=args.rebuild, smoke=args.smoke)
    now, settings = practice.now, practice.settings
    practice.database.close()
    work = Path(tempfile.mkdtemp(prefix="om-tui-bench-"))
    copy = work / "large.db"
    out = work / "out"
    out.mkdir()
    # The benchmark adds stats, orders and the rest (writes): it works on a copy.
    shutil.copy(sqlite_checkpointed(practice.path), copy)
    try:
        database = open_database(copy)
        clock = FrozenClock(now)
        stats = Stats(database, clock, settings, ADMINISTRATOR)
        seeded_stats = seed_stats(database, stats)
        seeded = seed_the_rest(database, settings, now)
        events = database.execute_sql('SELECT COUNT(*) FROM "visit_event"').fetchone()[0]
        print(f"Large practice {practice.path} (copied to {copy}): {events:,} visit events")
        print(
            f"Stats added in {seeded_stats.elapsed:.1f} s: "
            + ", ".join(f"{n:,} {what}" for what, n in seeded_stats.counts.items())
        )
        print(
            f"The rest added in {seeded.elapsed:.1f} s: "
            + ", ".join(f"{n:,} {what}" for what, n in seeded.counts.items())
        )
        print(
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"peewee {peewee.__version__}, {platform.machine()}; {args.runs} runs a figure; "
            f"now {now:%Y-%m-%d %H:%M} UTC"
        )
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"Machine: {os.cpu_count()} CPUs, load average {load}; calibration: sorting "
            f"100,000 short strings takes {ms(calibration())} ms (compare machines by it)"
        )
        report = Report()
        last = weekly.last_ended_week(stats.weeks, now)
        captured = bench_week(database, clock, settings, last, "last week", args.runs, out, report)
        long_ago = last - dt.timedelta(weeks=5 * 52)
        captured += bench_week(
            database, clock, settings, long_ago, "five years back", args.runs, out, report
        )
        if args.cli_runs > 0:
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            bench_cli(copy, out, last, args.cli_runs, report)
        slow: list[str] = []
        if not args.no_plans:
            for label, statements in captured:
                slow += explain(database, f"Query plans: {label}", statements, 5)
        report.print()
        print_findings(slow, report.missed)
        database.close()
    finally:
        shutil.rmtree(work)
    return 1 if args.check and report.missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
