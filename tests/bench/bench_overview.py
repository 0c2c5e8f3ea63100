"""The owner's overview on the large practice: the gather, and the screen in the app, timed.

    .venv/bin/python -m tests.bench.bench_overview [--runs 50] [--app-runs 10] [--check]

On a copy of the practice of tests/bench/large_practice.py (about 1,000,000 visit events,
today's board of 60 rows), with what the overview reads added to it:

- the 60 stats of bench_stats.py and their ten years of values (its own generator);
- hats: 14 more staff (20 in all), 22 more posts (30 in all), 400 checklist item
  versions, holdings, leave and a year of ticks, from bench_hats.py's generators;
- orders: a year of them, about eight a week, most done (some late), a few cancelled;
  about 25 not done now, 6 of them overdue, 3 reported done and waiting;
- the line: a year of items, about five a week, answered or handled; now 4 with the
  owner (one urgent), 3 in the manager's batch, 5 in her queue;
- programs: 8, five of them active, 6-15 steps each, some done, some overdue.

Everything is seeded and runs with a FrozenClock at the large practice's "now". Prints
median / p95 / max of:

  (1) overview.gather(): the one read behind the screen, --runs times; then each of its
      parts alone (the flow board, the stat board, this week's compliance, the orders
      board, the line, the programs), to show where its time goes;
  (2) in a headless app (100x30, a new app each run, --app-runs): the office manager on
      the board presses "0": from the key to gather() called (Textual's switch, compose
      and mount), gather() (the first read is on the event loop, so that the screen is
      drawn once, with its figures), to the panels filled, and to the screen drawn; then
      "1" and "0" again (the screen kept, shown as it was: nothing changed meanwhile);
  (3) a change elsewhere: a check-in on another connection, from its commit through the
      change watcher to the overview drawn with it;

then the query plans of the SQL gather() ran. "Drawn" is the app handing the screen's
update to its driver (headless: every line composed, none written).

Target (issue 6): the overview opens in < 300 ms (p95): key "0" to drawn, and gather().
With --check the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee
from peewee import Database

from db import audit, open_database
from db.models import (
    HatHolder,
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
    Stage,
    Tick,
)
from om_tui.app import make_app
from om_tui.demo.office import FIRST_NAMES, LAST_NAMES
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.hats.service import Hats
from om_tui.practice.owner.line.service import Line
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.owner.overview import gather
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.settings import PracticeSettings
from om_tui.practice.stats.service import Stats
from om_tui.screens.owner import overview as overview_screen
from om_tui.screens.owner.overview import OverviewScreen
from tests.bench import bench_hats
from tests.bench.bench_app import sqlite_checkpointed
from tests.bench.bench_practice import calibration, captured_sql, explain
from tests.bench.bench_stats import (
    Marks,
    Phases,
    Report,
    _collections_line,
    _first,
    _full_collections,
    _line,
    _mark_displays,
    _marking,
    _settled,
    _until,
    seed_stats,
)
from tests.bench.large_practice import DEFAULT_PATH, open_large_practice
from tests.bench.timing import Figures, add_smoke_option, measure, ms, print_findings, smoke

TARGET_MS = 300.0
SIZE = (100, 30)
SEED = 20261206
HISTORY_DAYS = 365
OWNER, MANAGER = 1, 4  # the large practice's staff: the demo's own (om_tui/demo/office.py STAFF)
MORE_STAFF = 14
POSTS = 30  # with the stats' 8
DRAWN = 'key "0" to the overview drawn'
AGAIN = 'key "0" again to drawn (the screen kept)'
SYNC = "a commit elsewhere to the overview drawn"


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


# -- what the large practice lacks ------------------------------------------------------


def seed_hats(database: Database, hats: Hats, rng: random.Random) -> dict[str, int]:
    """20 staff on 30 posts with 400 checklist items, leave, and a year of ticks."""
    now = hats.clock.now()
    today = hats.today()
    history = today - dt.timedelta(days=HISTORY_DAYS)
    first_id = Staff.select(peewee.fn.MAX(Staff.id)).scalar() + 1
    names: list[str] = []
    taken = {s.name for s in Staff.select(Staff.name)}
    while len(names) < MORE_STAFF:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in taken and name not in names:
            names.append(name)
    Staff.insert_many(
        [
            {
                "id": first_id + n,
                "name": name,
                "initials": "".join(part[0] for part in name.split()),
                "role": str(Role.FRONT_DESK if n < 2 else Role.STAFF),
                "provider": False,
            }
            for n, name in enumerate(names)
        ]
    ).execute()
    people = [s.id for s in Staff.select(Staff.id).where(Staff.active == True)]  # noqa: E712
    last = int(Post.select(peewee.fn.MAX(Post.id)).scalar() or 0)
    titles = [t for t in bench_hats.POSTS if t not in _titles()][: POSTS - last]
    Post.insert_many(
        [{"id": last + n, "title": t, "position": last + n} for n, t in enumerate(titles, 1)]
    ).execute()
    posts = [p.id for p in Post.select(Post.id)]
    holdings = bench_hats._holdings(rng, people, posts, history, today)
    doctor = Post.get(Post.title == "Doctor").id
    if not any(h.post == doctor and h.staff == OWNER and h.until is None for h in holdings):
        # The owner holds the Doctor post, as in a real practice (their stats are main ones).
        HatHolder.create(post=doctor, staff=OWNER, since=history)
        holdings.append(bench_hats._Holding(doctor, OWNER, history, None))
    items = bench_hats._items(rng, posts, holdings, history, today, now)
    away = bench_hats._leave(rng, people, history, today)
    ticks = bench_hats._ticks(rng, hats, items, holdings, away, history, now)
    bench_hats._insert(Tick, ticks)
    return {"staff": len(people), "posts": len(posts), "items": len(items), "ticks": len(ticks)}


def _titles() -> set[str]:
    return {p.title for p in Post.select(Post.title)}


_VERBS = ("Call", "Order", "Check", "Fix", "Send", "Update", "Book", "Review", "Clean", "Post")
_THINGS = (
    "the lab about the late results",
    "new intake clipboards",
    "the phone script",
    "the light in Room 2",
    "the insurers with claims over 60 days",
    "the holiday schedule",
    "the supply closet",
    "the recall letters",
    "the new-patient packet",
    "the website's hours",
)


def seed_orders(
    database: Database, settings: PracticeSettings, now: dt.datetime, rng: random.Random
) -> dict[str, int]:
    """A year of orders, about eight a week, done (some late) or cancelled; and now 25 not
    done: 6 overdue (some chased), 16 due in the next fortnight, 3 reported done."""
    today = settings.today(now)
    people = [s.id for s in Staff.select(Staff.id).where(Staff.active == True)]  # noqa: E712
    posts = [p.id for p in Post.select(Post.id)]
    orders = Orders(database, FrozenClock(now), settings)
    rows: list[dict[str, Any]] = []

    def order(given: dt.date, due: dt.date, status: str) -> dict[str, Any]:
        to_post = rng.random() < 0.2
        return {
            "issued_by": rng.choice((OWNER, MANAGER, MANAGER)),
            "to_staff": None if to_post else rng.choice(people),
            "to_post": rng.choice(posts) if to_post else None,
            "text": f"{rng.choice(_VERBS)} {rng.choice(_THINGS)} ({len(rows) + 1})",
            "due_on": due,
            "due_time": rng.choice((None, None, "12:00", "17:00")),
            "created": _naive(dt.datetime.combine(given, dt.time(15), tzinfo=dt.UTC)),
            "status": status,
            "chased": 0,
        }

    for _ in range(8 * HISTORY_DAYS // 7):
        given = today - dt.timedelta(days=rng.randrange(16, HISTORY_DAYS))
        row = order(given, given + dt.timedelta(days=rng.randint(1, 14)), OrderStatus.DONE)
        deadline = orders.deadline(row["due_on"], row["due_time"])
        if rng.random() < 0.04:
            row.update(status=OrderStatus.CANCELLED, answered_at=_naive(deadline))
        else:
            late = rng.random() < 0.15
            reported = deadline + dt.timedelta(hours=rng.randint(1, 48) * (1 if late else -1))
            row.update(
                reported_at=_naive(reported),
                reported_by=row["to_staff"] or MANAGER,
                answered_at=_naive(reported + dt.timedelta(hours=3)),
                answered_by=row["issued_by"],
                done_at=_naive(reported + dt.timedelta(hours=3)),
            )
        rows.append(row)
    for _ in range(6):  # overdue: due in the last week, not done
        due = today - dt.timedelta(days=rng.randint(1, 7))
        row = order(due - dt.timedelta(days=rng.randint(2, 10)), due, OrderStatus.OPEN)
        rows.append({**row, "chased": rng.randint(0, 2)})
    for _ in range(16):  # open: due from tomorrow to a fortnight on
        due = today + dt.timedelta(days=rng.randint(1, 14))
        rows.append(order(today - dt.timedelta(days=rng.randint(0, 5)), due, OrderStatus.OPEN))
    for _ in range(3):  # reported done, waiting to be accepted
        due = today + dt.timedelta(days=rng.randint(0, 5))
        row = order(today - dt.timedelta(days=3), due, OrderStatus.REPORTED)
        reported = _naive(now - dt.timedelta(hours=rng.randint(1, 20)))
        rows.append({**row, "reported_at": reported, "reported_by": MANAGER, "reply": "Done."})
    for start in range(0, len(rows), 500):
        Order.insert_many(rows[start : start + 500]).execute()
    return {"orders": len(rows), "overdue": 6, "open": 16, "reported": 3}


def seed_line(now: dt.datetime, rng: random.Random) -> dict[str, int]:
    """A year of items, most decided; now 4 with the owner, 3 batched, 5 in the queue."""
    people = [s.id for s in Staff.select(Staff.id).where(Staff.active == True)]  # noqa: E712
    kinds = list(LineKind)
    items: list[dict[str, Any]] = []
    for number in range(5 * HISTORY_DAYS // 7):
        created = now - dt.timedelta(minutes=rng.randrange(20, HISTORY_DAYS * 24 * 60))
        answered = min(created + dt.timedelta(hours=rng.randint(1, 72)), now)
        by_owner = rng.random() < 0.4
        items.append(
            {
                "sender": rng.choice(people),
                "kind": rng.choice(kinds),
                "text": f"{rng.choice(_VERBS)} {rng.choice(_THINGS)}? (item {number + 1})",
                "priority": LinePriority.HIGH if rng.random() < 0.2 else LinePriority.NORMAL,
                "urgent": False,
                "created": _naive(created),
                "status": LineStatus.ANSWERED if by_owner else LineStatus.HANDLED,
                "routed_at": _naive(created + dt.timedelta(hours=1)) if by_owner else None,
                "answer": rng.choice(("approve", "decline", "note", "see_me"))
                if by_owner
                else "note",
                "answer_note": "",
                "answered_by": OWNER if by_owner else MANAGER,
                "answered_at": _naive(answered),
                "seen_by_sender_at": _naive(answered) if rng.random() < 0.9 else None,
            }
        )
    waiting = [("owner", 4), ("batch", 3), ("queue", 5)]
    for where, count in waiting:
        for n in range(count):
            created = now - dt.timedelta(hours=rng.randint(1, 30))
            items.append(
                {
                    "sender": rng.choice(people),
                    "kind": rng.choice(kinds),
                    "text": f"{rng.choice(_VERBS)} {rng.choice(_THINGS)}? ({where} {n + 1})",
                    "priority": LinePriority.HIGH if n == 1 else LinePriority.NORMAL,
                    "urgent": where == "owner" and n == 0,
                    "created": _naive(created),
                    "status": LineStatus.BATCHED if where != "queue" else LineStatus.NEW,
                    "routed_at": _naive(created) if where == "owner" else None,
                    "answer": None,
                    "answer_note": "",
                    "answered_by": None,
                    "answered_at": None,
                    "seen_by_sender_at": None,
                }
            )
    for start in range(0, len(items), 500):
        LineItem.insert_many(items[start : start + 500]).execute()
    events = [
        {"item": item_id, "who": sender, "at": created, "what": "filed", "note": ""}
        for item_id, sender, created in LineItem.select(
            LineItem.id, LineItem.sender, LineItem.created
        ).tuples()
    ]
    for start in range(0, len(events), 1000):
        LineEvent.insert_many(events[start : start + 1000]).execute()
    return {"items": len(items), "with the owner": 4, "batched": 3, "queued": 5}


def seed_programs(
    now: dt.datetime, settings: PracticeSettings, rng: random.Random
) -> dict[str, int]:
    """8 programs, five active, of 6-15 steps: the early ones done, some overdue."""
    today = settings.today(now)
    people = [s.id for s in Staff.select(Staff.id).where(Staff.active == True)]  # noqa: E712
    steps = 0
    for number in range(1, 9):
        started = today - dt.timedelta(days=rng.randint(30, 300))
        program = Program.create(
            name=f"Program {number}: {rng.choice(_THINGS)}",
            goal="A goal of the owner's.",
            created=_naive(dt.datetime.combine(started, dt.time(15), tzinfo=dt.UTC)),
            created_by=OWNER,
            active=number <= 5,
        )
        count = rng.randint(6, 15)
        for position in range(1, count + 1):
            due = started + dt.timedelta(days=position * rng.randint(5, 20))
            done = due < today and rng.random() < 0.8
            ProgramStep.create(
                program=program.id,
                position=position,
                text=f"Step {position}",
                to_staff=rng.choice(people),
                due_on=due,
                done_at=_naive(dt.datetime.combine(due, dt.time(16), tzinfo=dt.UTC))
                if done
                else None,
                done_by=OWNER if done else None,
            )
        steps += count
    return {"programs": 8, "steps": steps}


# -- the measurements -----------------------------------------------------------------


def bench_gather(
    database: Database, clock: FrozenClock, settings: PracticeSettings, runs: int, report: Report
) -> list[tuple[str, list[tuple[str, tuple[Any, ...]]]]]:
    stats = Stats(database, clock, settings, ADMINISTRATOR)
    hats = Hats(database, clock, settings, ADMINISTRATOR)
    with captured_sql() as statements:
        overview = gather(database, clock, settings, stats=stats, hats=hats)
    now = clock.now()
    figures = overview.figures(now)
    print(
        f"\n(1) overview.gather(): {len(statements)} statements; today {figures.in_office} in "
        f"the office, {figures.waiting} waiting; {len(overview.stats)} stats "
        f"({len(overview.main)} main); {len(overview.compliance)} people's compliance "
        f"({overview.everyone.due:,} items due this week); {len(overview.overdue_orders)} "
        f"overdue of {overview.orders_not_done} orders not done; {len(overview.for_owner)} "
        f"items for the owner; {len(overview.programs)} programs"
    )
    whole = measure(lambda: gather(database, clock, settings, stats=stats, hats=hats), runs)
    _line("gather(), everything", whole, TARGET_MS)
    report.add("(1) overview.gather()", whole, TARGET_MS)
    week = stats.this_week()
    first, today = stats.weeks.days(week)[0], settings.today(now)
    orders = Orders(database, clock, settings)
    line = Line(database, clock, settings)
    parts: list[tuple[str, Callable[[], object]]] = [
        ("the flow board (Flow.board)", lambda: Flow(database, clock, settings).board()),
        ("the stat board (Stats.board, 13 weeks)", lambda: stats.board(week, span=13)),
        ("this week's compliance (Hats.compliance)", lambda: hats.compliance(first, today, True)),
        ("the orders board (Orders.board)", orders.board),
        ("the line (for_owner, in_batch)", lambda: (line.for_owner(), line.in_batch())),
        ("the programs (Orders.programs)", orders.programs),
    ]
    for label, call in parts:
        figures_of = measure(call, max(runs // 2, 5))
        _line(f"  {label}", figures_of)
        report.add(f"(1)   {label}", figures_of)
    return [("overview.gather()", statements)]


async def bench_screen(
    database: Database, now: dt.datetime, runs: int
) -> tuple[dict[str, Figures], list[float]]:
    """The manager on the board presses "0", a new app each run; then "1" and "0" again."""
    phases = Phases()
    marks: Marks = []
    watched = (
        (overview_screen, "gather"),
        (OverviewScreen, "_fill_programs"),
    )  # the last panel filled
    committed: list[float] = []
    with _marking(marks, *watched), _full_collections() as pauses:
        for _ in range(runs):
            app = make_app(database, clock=FrozenClock(now), staff_id=MANAGER)
            async with app.run_test(size=SIZE) as pilot:
                await _settled(app, pilot)
                _mark_displays(app, marks, OverviewScreen)

                def drawn() -> bool:
                    filled = _first(marks, "_fill_programs<")
                    return filled is not None and _first(marks, "drawn", filled) is not None

                marks.clear()
                key = time.perf_counter()
                await pilot.press("0")
                await _until(drawn)
                asked, answered = _first(marks, "gather>"), _first(marks, "gather<")
                filled = _first(marks, "_fill_programs<")
                assert asked and answered and filled
                shown = _first(marks, "drawn", filled)
                assert shown is not None
                phases.add('key "0" to gather() called (switch, compose, mount)', key, asked)
                phases.add(
                    "gather() in the app (the first read: on the event loop)", asked, answered
                )
                phases.add("gather() returned to the panels filled", answered, filled)
                phases.add("panels filled to drawn", filled, shown)
                phases.add(DRAWN, key, shown)
                await app.workers.wait_for_complete()
                await pilot.pause()

                await pilot.press("1")
                await pilot.pause()
                marks.clear()
                key = time.perf_counter()
                await pilot.press("0")
                await _until(lambda: _first(marks, "drawn") is not None)
                shown = _first(marks, "drawn")
                assert shown is not None
                assert _first(marks, "gather>") is None  # nothing changed: not read again
                phases.add(AGAIN, key, shown)
                await app.workers.wait_for_complete()
                await pilot.pause()

                # A check-in on another connection (another terminal), committed in a thread.
                row = next((r for r in app.flow.board().rows if r.stage == Stage.SCHEDULED), None)
                if row is None:
                    continue
                committed.clear()
                marks.clear()
                thread = threading.Thread(
                    target=_check_in_elsewhere,
                    args=(
                        database,
                        now,
                        app.practice,
                        row.patient_id,
                        row.appointment_id,
                        committed,
                    ),
                )
                thread.start()
                await _until(lambda: bool(committed) and drawn())
                thread.join()
                filled = _first(marks, "_fill_programs<")
                assert filled is not None
                shown = _first(marks, "drawn", filled)
                assert shown is not None
                phases.add(SYNC, committed[0], shown)
                await app.workers.wait_for_complete()
    return phases.figures(), list(pauses)


def _check_in_elsewhere(
    database: Database,
    now: dt.datetime,
    settings: PracticeSettings,
    patient: int,
    booked: int | None,
    committed: list[float],
) -> None:
    """Another terminal checks a patient in, on its own connection; when it committed."""
    with database.connection_context():
        Flow(database, FrozenClock(now), settings, ADMINISTRATOR).check_in(patient, booked)
    committed.append(time.perf_counter())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50, help="timed runs of gather()")
    parser.add_argument("--app-runs", type=int, default=10, help="runs through the app")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="the cached practice")
    parser.add_argument("--rebuild", action="store_true", help="build the practice afresh")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--no-plans", action="store_true", help="skip the query plans")
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    smoke(args, runs=2, app_runs=1, no_plans=True)

    practice = open_large_practice(args.path, rebuild=args.rebuild, smoke=args.smoke)
    now, settings = practice.now, practice.settings
    practice.database.close()
    work = Path(tempfile.mkdtemp(prefix="om-tui-bench-"))
    copy = work / "large.db"
    # The benchmark adds stats, hats, orders, the line and programs, and checks patients in
    # (writes): it works on a copy.
    shutil.copy(sqlite_checkpointed(practice.path), copy)
    try:
        database = open_database(copy)
        clock = FrozenClock(now)
        rng = random.Random(SEED)
        started = time.perf_counter()
        stats = Stats(database, clock, settings, ADMINISTRATOR)
        seeded = seed_stats(database, stats)
        stats.recompute()  # as the stat board does when it opens
        audit.drop_capture(database)  # made up, not done: no trail of the seeding
        connection = database.connection()
        connection.execute("PRAGMA synchronous = OFF")
        with database.atomic():
            hats_counts = seed_hats(database, Hats(database, clock, settings, ADMINISTRATOR), rng)
            order_counts = seed_orders(database, settings, now, rng)
            line_counts = seed_line(now, rng)
            program_counts = seed_programs(now, settings, rng)
        connection.execute("PRAGMA synchronous = FULL")
        audit.install(database)
        database.execute_sql("ANALYZE")
        events = database.execute_sql('SELECT COUNT(*) FROM "visit_event"').fetchone()[0]
        print(f"Large practice {practice.path} (copied to {copy}): {events:,} visit events")
        print(
            f"Added in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{n:,} {what}" for what, n in seeded.counts.items())
            + "; "
            + ", ".join(
                f"{n:,} {what}"
                for counts in (hats_counts, order_counts, line_counts, program_counts)
                for what, n in counts.items()
            )
        )
        print(f"Now {now:%Y-%m-%d %H:%M} UTC (today {settings.today(now)}, {settings.timezone})")
        print(
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"peewee {peewee.__version__}, {platform.machine()}; {args.runs} runs of gather(), "
            f"{args.app_runs} through the app"
        )
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"Machine: {os.cpu_count()} CPUs, load average {load}; calibration: sorting "
            f"100,000 short strings takes {ms(calibration())} ms (compare machines by it)"
        )
        report = Report()
        captured = bench_gather(database, clock, settings, args.runs, report)

        print(f"\n(2) In the app ({SIZE[0]}x{SIZE[1]}, a new app each run, {args.app_runs} runs)")
        phases, pauses = asyncio.run(bench_screen(database, now, args.app_runs))
        for name, figures in phases.items():
            _line(name, figures, TARGET_MS if name == DRAWN else None)
        print(f"  {_collections_line(pauses)}")
        report.add(f"(2) app: {DRAWN}", phases[DRAWN], TARGET_MS)
        report.add(f"(2) app: {AGAIN}", phases[AGAIN])
        if SYNC in phases:
            report.add(f"(3) app: {SYNC}", phases[SYNC])

        slow: list[str] = []
        if not args.no_plans:
            for label, statements in captured:
                slow += explain(database, f"Query plans: {label}", statements, 10)
        report.print()
        print_findings(slow, report.missed)
        database.close()
    finally:
        shutil.rmtree(work)
    return 1 if args.check and report.missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
