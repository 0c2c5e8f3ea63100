"""The front desk's call lists on the large practice, timed: each list's key to drawn.

    .venv/bin/python -m tests.bench.bench_calls [--runs 10] [--path FILE] [--smoke]

On a copy of tests/bench/large_practice.py's practice (100,000 patients, ten years of
visits, today's board), with what the lists read added to it: 40 of the coming
appointments cancelled and 40 of the last weeks' missed (the unscheduled list and the
freed slots), 30 patients on the ASAP list, and 500 recall calls logged. In a headless
app at 80x24, the front desk on the call lists' picker (L) presses each list's number:
the time from the key to the list drawn (read in its worker, the table filled, drawn),
then Esc. Also the picker itself (every list counted) and the overview's counts.

Target (issue 14): each list < 300 ms (p95). `--smoke`: the small practice, once each.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import tempfile
import time
from pathlib import Path

from textual.pilot import Pilot

from db import open_database
from db.models import Appointment, AsapRequest, CallContact, utc_naive
from om_tui.app import make_app
from om_tui.practice import settings as practice_settings
from om_tui.practice.calls.figures import call_counts
from om_tui.practice.clock import FrozenClock
from om_tui.screens.calls.lists import CALL_LISTS
from tests.bench.large_practice import DEFAULT_PATH, DESK_ID, open_large_practice
from tests.bench.timing import Figures, add_smoke_option, measure, ms, record_figures, smoke

TARGET_MS = 300.0


def add_call_work(path: Path, now_iso: str) -> None:
    """Cancellations, misses, ASAP requests and recall calls, seeded."""
    import datetime as dt

    database = open_database(path)
    now = dt.datetime.fromisoformat(now_iso)
    rng = random.Random(14)
    coming = list(
        Appointment.select(Appointment.id)
        .where(Appointment.start > utc_naive(now))
        .order_by(Appointment.start)
        .limit(400)
    )
    past = list(
        Appointment.select(Appointment.id)
        .where(
            Appointment.start < utc_naive(now),
            Appointment.start > utc_naive(now - dt.timedelta(days=30)),
        )
        .limit(2000)
    )
    patients = database.execute_sql("SELECT MAX(id) FROM patient").fetchone()[0]
    with database.atomic():
        for row in rng.sample(coming, min(40, len(coming))):
            Appointment.update(cancelled_at=utc_naive(now), cancel_reason=1).where(
                Appointment.id == row.id
            ).execute()
        for row in rng.sample(past, min(40, len(past))):
            Appointment.update(missed_at=utc_naive(now)).where(Appointment.id == row.id).execute()
        for _ in range(30):
            AsapRequest.create(
                patient=rng.randrange(1, patients + 1), created=utc_naive(now), weekdays="0 1 2 3 4"
            )
        for _ in range(500):
            CallContact.create(
                patient=rng.randrange(1, patients + 1),
                listed="recall",
                outcome=rng.choice(("called", "left_message", "not_reachable")),
                at=utc_naive(now - dt.timedelta(days=rng.randrange(0, 60))),
                by=DESK_ID,
            )
    database.close()


async def drawn(pilot: Pilot[None]) -> None:
    """The list read (in its worker) and the screen drawn with it."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def keys_to_drawn(path: Path, now_iso: str, runs: int) -> dict[str, Figures]:
    import datetime as dt

    database = open_database(path)
    app = make_app(
        database, clock=FrozenClock(dt.datetime.fromisoformat(now_iso)), staff_id=DESK_ID
    )
    timed: dict[str, Figures] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("L")  # once untimed: the screens' modules imported, caches warm
        await pilot.pause()
        for number in range(1, len(CALL_LISTS) + 1):
            await pilot.press(str(number))
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            await pilot.press("L")
            await drawn(pilot)
            samples.append((time.perf_counter() - started) * 1000)
            await pilot.press("escape")
            await pilot.pause()
        timed["the picker (every list counted)"] = Figures.of(samples)
        await pilot.press("L")
        await pilot.pause()
        for number, call_list in enumerate(CALL_LISTS, start=1):
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                await pilot.press(str(number))
                await drawn(pilot)
                samples.append((time.perf_counter() - started) * 1000)
                await pilot.press("escape")
                await pilot.pause()
            timed[call_list.title] = Figures.of(samples)
    database.close()
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="the cached practice")
    add_smoke_option(parser)
    args = parser.parse_args()
    smoke(args, runs=1)
    practice = open_large_practice(args.path, smoke=args.smoke)
    now_iso = practice.now.isoformat()
    practice.database.close()
    with tempfile.TemporaryDirectory(prefix="om-tui-bench-calls-") as folder:
        copy = Path(folder) / "large.db"
        shutil.copy(practice.path, copy)
        add_call_work(copy, now_iso)
        database = open_database(copy)
        clock = FrozenClock(practice.now)
        loaded = practice_settings.load(database)
        counts = measure(lambda: call_counts(database, clock, loaded), args.runs, warmup=1)
        said = call_counts(database, clock, loaded).said()
        database.close()
        print(f"{said}")
        print(f"call_counts() (the overview's, in a worker)  median {ms(counts.median)} ms  "
              f"p95 {ms(counts.p95)} ms")  # fmt: skip
        for label, figures in asyncio.run(keys_to_drawn(copy, now_iso, args.runs)).items():
            flag = "ok" if figures.p95 < TARGET_MS else "MISSED"
            print(f"{label:<32} key → drawn  median {ms(figures.median)} ms  "
                  f"p95 {ms(figures.p95)} ms  ({flag}, target < {TARGET_MS:.0f} ms)")  # fmt: skip
            record_figures(f"call list: {label}", figures, TARGET_MS)


if __name__ == "__main__":
    main()
