"""Every main screen on the large practice: its key (or its palette command) to drawn.

    .venv/bin/python -m tests.bench.bench_screens [--rounds 5] [--only stats,book] [--check]

On a copy of the practice of tests/bench/large_practice.py with what the owner's overview
reads added to it (bench_overview.py's generators: 60 stats and ten years of values, 20
staff on 30 posts with a year of ticks, a year of orders, the line, programs), the app is
opened headless at 80x24, a new app each round (`--rounds`): as the office manager, then
as the front desk for the screens the desk works in. In each round every screen is opened
once, in the order of SCREENS, from the board: by its key, by its palette command (the
command's action, called as the palette calls it), or — the stat graph — by Enter on the
stat board. Each is timed from the key to the screen drawn: the first update of that
screen the app hands its driver (headless: every line composed, none written) while none
of the screen's own workers is still reading. Prints one line per screen, median / p95 /
max, against 200 ms (100 ms for the stat graph); under it, where the time went on the
event loop (PARTS), and the garbage collector's time and full passes in the openings.

The first round opens each screen for the first time in this process (its module
imported then, its widgets' default CSS parsed then): the max is that round, mostly.
Other benchmarks time a few of these screens in phases (bench_stats: key "2", the graph
pushed; bench_hats: keys "5" and "3"; bench_overview: key "0"); this one gives every
screen's one figure side by side.

`--smoke`: the small practice, one round. `--profile NAME`: a cProfile of that screen's
opening (one round more, printed by cumulative time).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import gc
import os
import pstats
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee
from textual._compositor import Compositor
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.worker import WorkerState

from db import open_database
from om_tui.app import MAIN_SCREENS, OmTuiApp, make_app
from om_tui.practice.clock import FrozenClock
from tests.bench.bench_app import sqlite_checkpointed
from tests.bench.bench_overview import MANAGER, add_what_the_overview_reads
from tests.bench.bench_practice import calibration
from tests.bench.bench_stats import _settled, _until
from tests.bench.large_practice import DEFAULT_PATH, DESK_ID, open_large_practice
from tests.bench.timing import Figures, add_smoke_option, ms, print_findings, record, smoke

SIZE = (80, 24)
TARGET_MS = 200.0
GRAPH_TARGET_MS = 100.0
BUSY = (WorkerState.PENDING, WorkerState.RUNNING)
SIDE_READS = frozenset({"call-counts", "compliance-owed"})
"""Workers' groups that fill a line beside a screen's figures, after them: not waited for
(the overview's call-list counts under Today, compliance's attestations and checksheets)."""


@dataclass(frozen=True)
class Opening:
    """One screen: how a person opens it, and what it is when drawn."""

    name: str
    screen: str  # the class name of the screen drawn
    key: str | None = None  # a key pressed on the board
    action: str | None = None  # else the palette command's action, called
    after: str | None = None  # a key pressed first, untimed (the stat board, for the graph)
    target: float = TARGET_MS


MANAGER_SCREENS = (
    Opening("stat board (2)", "StatsScreen", key="2"),
    Opening(
        "stat graph (Enter on the stat board)",
        "StatGraphScreen",
        key="enter",
        after="2",
        target=GRAPH_TARGET_MS,
    ),
    Opening("My hat (3)", "MyHatScreen", key="3"),
    Opening("hats editor (4)", "HatEditorScreen", key="4"),
    Opening("compliance matrix (5)", "ComplianceScreen", key="5"),
    Opening("staff (6)", "StaffScreen", key="6"),
    Opening("orders (7)", "OrdersScreen", key="7"),
    Opening("line (8)", "LineScreen", key="8"),
    Opening("overview (0)", "OverviewScreen", key="0"),
    Opening("audit trail (palette)", "AuditScreen", action="audit"),
    Opening("my evaluations (palette)", "EvaluationScreen", action="my_evaluations"),
    Opening("evaluation criteria (palette)", "CriteriaScreen", action="evaluation_criteria"),
    Opening("rooms (palette)", "RoomsScreen", action="rooms"),
    Opening("book settings (palette)", "BookSettingsScreen", action="book_settings"),
    Opening("import queue (palette)", "ImportQueueScreen", action="import_queue"),
    Opening("org board (palette)", "OrgBoardScreen", action="org_board"),
    Opening("hiring (palette)", "HiringScreen", action="hiring"),
)
DESK_SCREENS = (
    Opening("board (1, from the book)", "FlowBoardScreen", key="1", after="9"),
    Opening("book (9)", "BookScreen", key="9"),
    Opening("patients (palette)", "PatientsScreen", action="patients"),
)
ROLES = (
    ("the office manager", MANAGER, MANAGER_SCREENS),
    ("the front desk", DESK_ID, DESK_SCREENS),
)


#: Where an opening's time goes: (label, class, method), each timed on the event loop's
#: thread when outermost (a method calling itself, or another of the same label, counts once).
PARTS: tuple[tuple[str, type, str], ...] = (
    ("CSS parse", Stylesheet, "parse"),
    ("styles applied", Stylesheet, "apply"),
    ("styles applied", Stylesheet, "update_nodes"),
    ("layout", Screen, "_refresh_layout"),
    ("paint", Compositor, "render_update"),
    ("SQL (event loop)", peewee.Database, "execute_sql"),
)


_APPLY = Stylesheet.apply
_PAINT = Compositor.render_update


class Parts:
    """Milliseconds spent in each of PARTS since the last `take()`, on the event loop's
    thread, each part's own time (a paint inside a layout counts as paint)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = dict.fromkeys([label for label, _, _ in PARTS], 0.0)
        self.applied = 0
        """Stylesheet.apply calls (a node, or a part of one, styled): a count that other
        work on the machine does not change."""
        self.painted = 0
        """Compositor.render_update calls: the screen's updates made (a count too)."""
        self.collected = 0.0
        """ms in garbage collections (any thread, any generation), apart from the parts:
        a collection lands inside whichever part allocated last."""
        self.full = 0
        """Full (generation 2) collections: the app's every object walked."""
        self._running: list[list[Any]] = []  # [label, since]: the innermost last
        self._loop = threading.get_ident()
        self._collecting = 0.0

    def _collection(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
            return
        self.collected += 1000 * (time.perf_counter() - self._collecting)
        if info.get("generation") == 2:
            self.full += 1

    @contextmanager
    def watching(self) -> Iterator[None]:
        originals = [(cls, name, getattr(cls, name)) for _, cls, name in PARTS]
        for (label, cls, name), (_, _, original) in zip(PARTS, originals, strict=True):
            setattr(cls, name, self._timed(label, original))
        gc.callbacks.append(self._collection)
        try:
            yield
        finally:
            gc.callbacks.remove(self._collection)
            for cls, name, original in originals:
                setattr(cls, name, original)

    def _timed(self, label: str, original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            running = self._running
            if original is _APPLY:
                self.applied += 1
            elif original is _PAINT:
                self.painted += 1
            if threading.get_ident() != self._loop or (running and running[-1][0] == label):
                return original(*args, **kwargs)
            now = time.perf_counter()
            if running:  # the outer part pauses
                self.spent[running[-1][0]] += 1000 * (now - running[-1][1])
            running.append([label, now])
            try:
                return original(*args, **kwargs)
            finally:
                now = time.perf_counter()
                self.spent[label] += 1000 * (now - running.pop()[1])
                if running:
                    running[-1][1] = now

        return timed

    def take(self) -> dict[str, float]:
        spent, self.spent = self.spent, dict.fromkeys(self.spent, 0.0)
        spent["nodes styled"], self.applied = self.applied, 0
        spent["paints"], self.painted = self.painted, 0
        spent["GC"], self.collected = self.collected, 0.0
        spent["full GCs"], self.full = self.full, 0
        return spent


class Displays:
    """When the app hands each screen's update to its driver, and which of the screen's own
    workers (a read in a thread) were still busy then."""

    def __init__(self, app: OmTuiApp, parts: Parts) -> None:
        self.seen: list[tuple[Any, float, float, frozenset[Any], dict[str, float]]] = []
        self.parts = parts
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None:
                busy = frozenset(
                    (id(w), w.name)
                    for w in app.workers
                    if w.node is screen and w.state in BUSY and w.group not in SIDE_READS
                )
                moment = (time.perf_counter(), time.process_time())
                spent = {
                    **parts.spent,
                    "nodes styled": parts.applied,
                    "paints": parts.painted,
                    "GC": parts.collected,
                    "full GCs": parts.full,
                }
                self.seen.append((screen, *moment, busy, spent))

        app._display = display  # type: ignore[method-assign]

    def drawn(self, screen_name: str, since: float) -> tuple[float, float, dict[str, float]] | None:
        """When a `screen_name` screen was first drawn after `since` with the reads it
        started as it opened done (those busy at its first update; not a later re-read):
        the moment, the process's CPU time then, and the parts' ms spent by then."""
        shown = [
            (at, cpu, busy, parts)
            for screen, at, cpu, busy, parts in self.seen
            if at >= since and type(screen).__name__ == screen_name
        ]
        opening = shown[0][2] if shown else frozenset()
        return next(
            ((at, cpu, parts) for at, cpu, busy, parts in shown if not busy & opening), None
        )


async def _open(
    app: OmTuiApp, pilot: Any, opening: Opening, displays: Displays
) -> tuple[float, float, dict[str, float]]:
    """Open one screen; the ms from its key to it drawn, the CPU ms the process (every
    thread) spent meanwhile (a figure other work on the machine inflates less), and the ms
    of each part (PARTS) by then."""
    if opening.after:
        await pilot.press(opening.after)
        await _quiet(app, pilot)
    mode = next((m for m, key, _, _ in MAIN_SCREENS if key == opening.key), None)
    if mode is not None and mode != app.current_mode:
        _made_anew(app, mode)
    displays.parts.take()
    started, cpu = time.perf_counter(), time.process_time()
    if opening.key:
        await pilot.press(opening.key)
    else:
        getattr(app, f"action_{opening.action}")()
    try:
        await _until(lambda: displays.drawn(opening.screen, started) is not None)
    except RuntimeError:
        seen = [(type(s).__name__, sorted(b)) for s, at, _, b, _ in displays.seen if at >= started]
        workers = [(w.name, w.group, w.state.name, w.node) for w in app.workers]
        raise RuntimeError(
            f"{opening.name}: not drawn; shown {app.screen}, drawn {seen}; workers {workers}"
        ) from None
    drawn = displays.drawn(opening.screen, started)
    assert drawn is not None
    return 1000 * (drawn[0] - started), 1000 * (drawn[1] - cpu), drawn[2]


def _made_anew(app: OmTuiApp, mode: str) -> None:
    """A main screen opened earlier in the round (the board, the desk's first; the stat
    board, for the graph) is made anew at its key, as on its first opening."""
    make = next(screen for m, _, _, screen in MAIN_SCREENS if m == mode)
    app.remove_mode(mode)
    app.add_mode(mode, make)


async def _quiet(app: OmTuiApp, pilot: Any) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _back_to_the_board(app: OmTuiApp, pilot: Any, first: str) -> None:
    """Close what was opened over the main screen; back on the first screen."""
    while len(app.screen_stack) > 1:
        app.pop_screen()
        await pilot.pause()
    app.switch_mode(first)
    await _quiet(app, pilot)


@dataclass
class Measured:
    """A screen's openings: wall ms, CPU ms, and the ms of each part (PARTS)."""

    wall: list[float]
    cpu: list[float]
    parts: dict[str, list[float]]


async def bench_role(
    database: Any,
    now: Any,
    staff_id: int,
    openings: tuple[Opening, ...],
    rounds: int,
    only: set[str] | None,
    profile: str | None,
) -> dict[str, Measured]:
    """Each screen's key to drawn (wall ms), the CPU ms meanwhile, and its parts."""
    measured: dict[str, Measured] = {}
    chosen = [o for o in openings if only is None or any(w in o.name for w in only)]
    parts = Parts()
    for round_number in range(rounds + (1 if profile else 0)):
        profiling = profile is not None and round_number == rounds
        app = make_app(database, clock=FrozenClock(now), staff_id=staff_id)
        async with app.run_test(size=SIZE) as pilot:
            await _settled(app, pilot)
            first = app.current_mode
            displays = Displays(app, parts)
            for opening in chosen:
                profiler = cProfile.Profile() if profiling and profile in opening.name else None
                if profiler is not None:
                    profiler.enable()
                with parts.watching():
                    took, used, spent = await _open(app, pilot, opening, displays)
                if profiler is not None:
                    profiler.disable()
                    print(f"\nProfile of {opening.name} ({ms(took)} ms):")
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(70)
                    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
                if not profiling:
                    got = measured.setdefault(opening.name, Measured([], [], {}))
                    got.wall.append(took)
                    got.cpu.append(used)
                    for label, value in spent.items():
                        got.parts.setdefault(label, []).append(value)
                await _quiet(app, pilot)
                await _back_to_the_board(app, pilot, first)
    return measured


def _share(label: str, values: list[float]) -> str:
    """A part's median ms, a count's median; full collections: how many in all the rounds."""
    if label == "full GCs":
        return f"full GCs {sum(values):.0f} in {len(values)} openings"
    if label in ("nodes styled", "paints"):
        return f"{label} {statistics.median(values):.0f}"
    return f"{label} {ms(statistics.median(values))}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="new apps, every screen once each")
    parser.add_argument("--only", default="", help="screens whose name holds one of these words")
    parser.add_argument("--profile", default=None, help="a cProfile of this screen's opening")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="the cached practice")
    parser.add_argument("--rebuild", action="store_true", help="build the practice afresh")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    smoke(args, rounds=1)
    only = {word.strip() for word in args.only.split(",") if word.strip()} or None

    practice = open_large_practice(args.path, rebuild=args.rebuild, smoke=args.smoke)
    now, settings = practice.now, practice.settings
    practice.database.close()
    work = Path(tempfile.mkdtemp(prefix="om-tui-bench-"))
    copy = work / "large.db"
    shutil.copy(sqlite_checkpointed(practice.path), copy)  # the benchmark adds to it
    missed: list[str] = []
    try:
        database = open_database(copy)
        print(f"Large practice {practice.path} (copied to {copy})")
        print(add_what_the_overview_reads(database, FrozenClock(now), settings))
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"Machine: {os.cpu_count()} CPUs, load average {load}; calibration: sorting "
            f"100,000 short strings takes {ms(calibration())} ms (compare machines by it)"
        )
        print(
            f"\n{SIZE[0]}x{SIZE[1]}, a new app each round, {args.rounds} rounds; ms, key to drawn "
            "(and the CPU ms the process used meanwhile, its median)"
        )
        width = max(len(o.name) for _, _, openings in ROLES for o in openings)
        print(f"  {'':{width}}  {'median':>7}  {'p95':>7}  {'max':>7}  {'CPU':>7}  target")
        for who, staff_id, openings in ROLES:
            print(f"As {who}:")
            measured = asyncio.run(
                bench_role(database, now, staff_id, openings, args.rounds, only, args.profile)
            )
            for opening in openings:
                if opening.name not in measured:
                    continue
                got = Figures.of(measured[opening.name].wall)
                cpu = statistics.median(measured[opening.name].cpu)
                met = got.p95 < opening.target
                verdict = f"< {opening.target:g}: " + ("ok" if met else "MISSED")
                print(
                    f"  {opening.name:{width}}  {ms(got.median):>7}  {ms(got.p95):>7}  "
                    f"{ms(got.worst):>7}  {ms(cpu):>7}  {verdict}"
                )
                shares = [
                    _share(label, values) for label, values in measured[opening.name].parts.items()
                ]
                print(f"  {'':{width}}  of it (medians): {', '.join(shares)}")
                record(
                    opening.name,
                    got.median,
                    got.p95,
                    got.worst,
                    f"p95 < {opening.target:g} ms",
                    met,
                )
                if not met:
                    missed.append(opening.name)
        print_findings([], missed)
        database.close()
    finally:
        shutil.rmtree(work)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
