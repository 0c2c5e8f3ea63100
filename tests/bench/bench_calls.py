"""The front desk's call lists on the large practice, timed: each list's key to drawn.

    .venv/bin/python -m tests.bench.bench_calls [--runs 10] [--path FILE] [--smoke]

On a copy of tests/bench/large_practice.py's practice (100,000 patients, ten years of
visits, today's board), with what the lists read added to it (`add_call_work`, seeded):
the next open day's book (80 appointments, a third confirmed, some left a message),
12 of its appointments cancelled three days ago (freed slots, and unscheduled), 40 of
the last month's appointments missed, 30 patients on the ASAP list (some for one
provider, some on set days and hours), 500 recall calls logged, and bench_plans'
2,000 care plans (Falling off). Every list then shows something.

First each list's read alone, single-threaded (the practice call its screen makes, in
this process, nothing else running): wall time and the thread's CPU time (the CPU time
is what the read costs; the wall time adds whatever else the shared machine runs).

Then in a headless app at 80x24, the front desk on the call lists' picker (L) presses
each list's number: from the key to the list drawn — the screen pushed, the list read
as it mounts, the table filled, and the app's next update handed to its driver
(headless: every line composed, none written) — with the read's own span inside the
app, and the process's CPU time over the span (every thread: what it costs, whatever else
the machine runs). Also L itself, to every list counted and drawn. Moments are taken by wrapping the
screens' read and fill in this process (`bench_stats._marking`), not by Pilot's idle
wait (which waits for the whole process, every thread, to go quiet: up to a second).

Target (issue 20, every main screen): each list and the picker < 200 ms (p95).
`--smoke`: the small practice, once each.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import OptionList

from db import open_database
from db.models import (
    Appointment,
    AsapRequest,
    CallContact,
    ConfirmationStatus,
    Staff,
    utc_naive,
)
from om_tui.app import make_app
from om_tui.practice import settings as practice_settings
from om_tui.practice.calls.asap import asap_list
from om_tui.practice.calls.confirmations import confirmation_list, next_open_day
from om_tui.practice.calls.figures import call_counts
from om_tui.practice.calls.recall import recall_page
from om_tui.practice.calls.rules import load_rules
from om_tui.practice.calls.unscheduled import unscheduled_list
from om_tui.practice.clock import FrozenClock
from om_tui.practice.plans.pace import Standings
from om_tui.screens.calls.asap import AsapScreen
from om_tui.screens.calls.base import MOST_SHOWN, CallListScreen
from om_tui.screens.calls.confirmations import ConfirmationsScreen
from om_tui.screens.calls.lists import CALL_LISTS, CallListsScreen
from om_tui.screens.calls.recall import RecallScreen
from om_tui.screens.calls.unscheduled import UnscheduledScreen
from om_tui.screens.plans.falling_off import FallingOffScreen
from tests.bench.bench_app import sqlite_checkpointed
from tests.bench.bench_plans import add_plans
from tests.bench.bench_stats import Marks, Phases, _first, _marking
from tests.bench.large_practice import DEFAULT_PATH, DESK_ID, open_large_practice
from tests.bench.timing import (
    Figures,
    add_smoke_option,
    measure,
    measure_cpu,
    ms,
    record_figures,
    smoke,
)

TARGET_MS = 200.0
NEXT_DAY_BOOKINGS = 80
PLANS = 2000


def add_call_work(path: Path, now_iso: str, plans: int = PLANS) -> dict[str, int]:
    """The next open day's book, cancellations, misses, ASAP requests, recall calls and
    care plans, seeded; how many of each."""
    now = dt.datetime.fromisoformat(now_iso)
    database = open_database(path)
    practice = practice_settings.load(database)
    rng = random.Random(14)
    patients = database.execute_sql("SELECT MAX(id) FROM patient").fetchone()[0]
    chosen = Staff.select(Staff.id).where(Staff.provider == True)  # noqa: E712
    providers = [s.id for s in chosen] or [None]
    states = {s.name: s.id for s in ConfirmationStatus.select()}
    day = next_open_day(practice, practice.today(now))
    opens = dt.datetime.combine(day, dt.time(8, 0), tzinfo=practice.zone)
    three_days_ago = utc_naive(now - dt.timedelta(days=3))
    counts: dict[str, int] = {}
    with database.atomic():
        booked = []
        for number in range(NEXT_DAY_BOOKINGS):
            provider = providers[number % len(providers)]
            start = opens + dt.timedelta(minutes=15 * (number // len(providers)))
            draw = rng.random()
            state = "Confirmed" if draw < 1 / 3 else "Left message" if draw < 0.45 else None
            booked.append(
                Appointment.create(
                    patient=rng.randrange(1, patients + 1),
                    provider=provider,
                    start=utc_naive(start),
                    length_minutes=15,
                    type=2,
                    status=states.get(state) if state else None,
                    booked_at=utc_naive(now - dt.timedelta(days=rng.randrange(1, 30))),
                )
            )
        counts["the next open day's bookings"] = len(booked)
        for appointment in rng.sample(booked, 12):
            Appointment.update(cancelled_at=three_days_ago, cancel_reason=1).where(
                Appointment.id == appointment.id
            ).execute()
        counts["of them cancelled"] = 12
        past = list(
            Appointment.select(Appointment.id, Appointment.start)
            .where(
                Appointment.start < utc_naive(now - dt.timedelta(days=3)),
                Appointment.start > utc_naive(now - dt.timedelta(days=30)),
            )
            .limit(2000)
        )
        for row in rng.sample(past, min(40, len(past))):
            Appointment.update(missed_at=row.start + dt.timedelta(minutes=20)).where(
                Appointment.id == row.id
            ).execute()
        counts["missed in the last month"] = min(40, len(past))
        for number in range(30):
            AsapRequest.create(
                patient=rng.randrange(1, patients + 1),
                provider=rng.choice(providers) if number % 3 == 0 else None,
                created=utc_naive(now - dt.timedelta(days=rng.randrange(0, 20))),
                weekdays="0 1 2 3 4" if number % 2 else "",
                earliest="08:00" if number % 4 == 1 else "",
                latest="12:00" if number % 4 == 1 else "",
            )
        counts["on the ASAP list"] = 30
        for _ in range(500):
            CallContact.create(
                patient=rng.randrange(1, patients + 1),
                listed="recall",
                outcome=rng.choice(("called", "left_message", "not_reachable")),
                at=utc_naive(now - dt.timedelta(days=rng.randrange(0, 60))),
                by=DESK_ID,
            )
        counts["recall calls"] = 500
    database.close()
    counts["care plans"] = add_plans(path, plans)[1]
    return counts


def list_reads(database: Any, now: dt.datetime) -> dict[str, Callable[[], object]]:
    """Each list's read as its screen makes it, and the picker's counting."""
    clock = FrozenClock(now)
    practice = practice_settings.load(database)
    today = practice.today(now)

    def counted() -> list[int]:
        return [c.count(database, clock, practice) for c in CALL_LISTS]

    return {
        "Confirmations": lambda: confirmation_list(practice, next_open_day(practice, today)),
        "Recall": lambda: recall_page(database, practice, load_rules(database), today, MOST_SHOWN),
        "Unscheduled": lambda: unscheduled_list(practice, load_rules(database), now),
        "ASAP": lambda: asap_list(practice, now),
        "Falling off": lambda: Standings(database, clock, practice).falling_off(MOST_SHOWN),
        "the picker (every list counted)": counted,
        "call_counts() (the overview's)": lambda: call_counts(database, clock, practice),
    }


READS: tuple[tuple[type, str], ...] = (
    (ConfirmationsScreen, "read"),
    (RecallScreen, "read"),
    (UnscheduledScreen, "read"),
    (AsapScreen, "read"),
    (Standings, "falling_off"),
    (CallListScreen, "_fill"),
    (FallingOffScreen, "_fill"),
    (CallListsScreen, "_show"),
)
"""The moments marked in the app: each list's read (as its screen mounts), the table
filled, and the picker's lines shown with the counts."""


def _mark_displays(
    app: Any, marks: Marks, cpu_at: dict[float, float], screen_types: tuple[type, ...]
) -> None:
    """Note each update of these screens the app hands its driver ("drawn"), with the
    process's CPU time then (every thread: the list's worker and the event loop)."""
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None and isinstance(screen, screen_types):
            moment = time.perf_counter()
            cpu_at[moment] = time.process_time()
            marks.append(("drawn", moment))

    app._display = display


async def _until(ready: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait for `ready`, looking every 20 ms: the moments are the marks' own, so how
    often we look changes nothing measured; looking every millisecond (bench_stats')
    took the interpreter from the list's worker a thousand times a second, and slowed
    the very read being timed."""
    deadline = time.perf_counter() + timeout
    while not ready():
        if time.perf_counter() > deadline:
            raise RuntimeError("timed out waiting in the app")
        await asyncio.sleep(0.02)


def _counts_shown(app: Any) -> bool:
    """The picker is on screen with every list's count (no "…" left)."""
    screen = app.screen
    if not isinstance(screen, CallListsScreen):
        return False
    listing = screen.query_one("#call-lists", OptionList)
    prompts = [str(listing.get_option_at_index(n).prompt) for n in range(listing.option_count)]
    return bool(prompts) and not any("…" in p for p in prompts)


async def keys_to_drawn(path: Path, now: dt.datetime, runs: int) -> dict[str, Figures]:
    database = open_database(path)
    app = make_app(database, clock=FrozenClock(now), staff_id=DESK_ID)
    phases = Phases()
    marks: Marks = []
    screens = (CallListScreen, FallingOffScreen, CallListsScreen)
    with _marking(marks, *READS):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await asyncio.sleep(1.0)  # the check-in search's patients loaded
            await app.workers.wait_for_complete()
            cpu_at: dict[float, float] = {}
            _mark_displays(app, marks, cpu_at, screens)
            await pilot.press("L")  # once untimed: the screens' modules imported, caches warm
            await app.workers.wait_for_complete()
            for number in range(1, len(CALL_LISTS) + 1):
                await pilot.press(str(number))
                await app.workers.wait_for_complete()
                await pilot.press("escape")
            await pilot.press("escape")
            await app.workers.wait_for_complete()
            await pilot.pause()
            label = "the picker (every list counted)"
            for _ in range(runs):
                marks.clear()
                key, key_cpu = time.perf_counter(), time.process_time()
                await pilot.press("L")

                def counted() -> bool:
                    # Every count shown (a change read again would show "…" first).
                    shown = [t for name, t in marks if name == "_show<"]
                    return (
                        bool(shown)
                        and _counts_shown(app)
                        and bool(_first(marks, "drawn", shown[-1]))
                    )

                await _until(counted)
                shown = [t for name, t in marks if name == "_show<"][-1]
                drawn_at = _first(marks, "drawn", shown) or shown
                phases.add(label, key, drawn_at)
                phases.add(f"{label}: CPU time, the process's", key_cpu, cpu_at[drawn_at])
                await pilot.press("escape")
                await app.workers.wait_for_complete()
            await pilot.press("L")
            await app.workers.wait_for_complete()
            for number, call_list in enumerate(CALL_LISTS, start=1):
                read = "falling_off" if call_list.key == "falling_off" else "read"
                for _ in range(runs):
                    marks.clear()
                    key, key_cpu = time.perf_counter(), time.process_time()
                    await pilot.press(str(number))

                    def drawn() -> bool:
                        filled = _first(marks, "_fill<")
                        return filled is not None and _first(marks, "drawn", filled) is not None

                    await _until(drawn)
                    filled = _first(marks, "_fill<")
                    asked, answered = _first(marks, f"{read}>"), _first(marks, f"{read}<")
                    fill = _first(marks, "_fill>")
                    assert filled and fill and asked is not None and answered is not None
                    shown = _first(marks, "drawn", filled)
                    assert shown is not None
                    title = call_list.title
                    phases.add(f"{title}: key to the read begun", key, asked)
                    phases.add(f"{title}: the read", asked, answered)
                    phases.add(f"{title}: read to the table filled", answered, filled)
                    phases.add(f"{title}: the filling alone", fill, filled)
                    phases.add(f"{title}: filled to drawn", filled, shown)
                    phases.add(f"{title}: CPU time, the process's", key_cpu, cpu_at[shown])
                    phases.add(title, key, shown)
                    await pilot.press("escape")
                    await app.workers.wait_for_complete()
    database.close()
    return phases.figures()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="the cached practice")
    add_smoke_option(parser)
    args = parser.parse_args()
    smoke(args, runs=1)
    practice = open_large_practice(args.path, smoke=args.smoke)
    now = practice.now
    practice.database.close()
    with tempfile.TemporaryDirectory(prefix="om-tui-bench-calls-") as folder:
        copy = Path(folder) / "large.db"
        shutil.copy(sqlite_checkpointed(practice.path), copy)
        added = add_call_work(copy, now.isoformat(), 40 if args.smoke else PLANS)
        print("Added: " + ", ".join(f"{n:,} {what}" for what, n in added.items()))
        database = open_database(copy)
        clock = FrozenClock(now)
        loaded = practice_settings.load(database)
        print(call_counts(database, clock, loaded).said())
        print("\nEach list's read alone, single-threaded (wall; the thread's CPU time):")
        for label, read in list_reads(database, now).items():
            wall = measure(read, args.runs, warmup=1)
            cpu = measure_cpu(read, args.runs)
            print(f"  {label:<34} median {ms(wall.median):>6} ms  p95 {ms(wall.p95):>6} ms"
                  f"   CPU median {ms(cpu.median):>6} ms  p95 {ms(cpu.p95):>6} ms")  # fmt: skip
        database.close()
        print("\nIn the app (80x24), key → drawn:")
        for label, figures in asyncio.run(keys_to_drawn(copy, now, args.runs)).items():
            headline = ":" not in label
            flag = ("ok" if figures.p95 < TARGET_MS else "MISSED") if headline else ""
            indent = "  " if headline else "      "
            print(f"{indent}{label:<{44 - len(indent)}} median {ms(figures.median):>6} ms  "
                  f"p95 {ms(figures.p95):>6} ms  {flag}")  # fmt: skip
            if headline:
                record_figures(f"call list: {label}", figures, TARGET_MS)


if __name__ == "__main__":
    main()
