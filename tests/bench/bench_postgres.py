"""The front desk's figures on PostgreSQL beside SQLite's, on the same large practice.

    .venv/bin/python -m tests.bench.bench_postgres            # the large practice (cached)
    .venv/bin/python -m tests.bench.bench_postgres --smoke    # the small one, a run or two
    .venv/bin/python -m tests.bench.bench_postgres --start-only --start-runs 20  # start-up alone

The large practice of large_practice.py (its SQLite file, cached) is copied row for row
into a PostgreSQL server of the benchmark's own, started as the tests start theirs
(tests/unit/postgres_server.py: initdb in a temporary folder, loopback only, stopped and
removed at exit) but with PostgreSQL's own durability (fsync, synchronous commit), as a
practice's server has it and as SQLite syncs each commit. The rows go by COPY
(rows.copy_rows), the capture and notice triggers held off meanwhile, as the SQLite
build holds them off. The terminals find the password in a password file
(`PGPASSFILE`), never in a command line.

Then, on each store, the same figures, printed side by side:

  check-in search  PatientIndex.refresh() of the whole index, then search() after each
                   keystroke of bench_practice's three typings: p95 of them all
  board read       Flow.board() for today (60 rows): the read on every change
  propagation      another process checks a patient in (bench_app's writer); from its
                   commit to this app's board drawn with the patient arrived, and to its
                   table holding them (SQLite: the log's watch; PostgreSQL: LISTEN/NOTIFY)
  start-up         om-tui started in a pseudo-terminal to its first screen (the login),
                   against a bare Textual app, the three interleaved

Where PostgreSQL's binaries (or psycopg) are absent it says so in one line and stops,
with exit status 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from peewee import Database

from db import open_database
from om_tui.practice import settings as practice_settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.flow.patients import PatientIndex
from om_tui.practice.people.roles import ADMINISTRATOR
from tests.bench.bench_app import (
    bare_command,
    bench_propagation,
    compile_as_installed,
    give_a_login,
    sqlite_checkpointed,
    time_to_text,
)
from tests.bench.bench_practice import KEYSTROKES, calibration
from tests.bench.large_practice import COLUMNS, LargePractice, open_large_practice
from tests.bench.rows import copy_rows
from tests.bench.timing import Figures, add_smoke_option, measure, ms, record, smoke
from tests.unit.postgres_server import PostgresServer, Unavailable, started_server

SEARCH_TARGET_MS = 30.0
STORES = ("SQLite", "PostgreSQL")


def copy_to_server(practice: LargePractice, server: PostgresServer) -> str:
    """The large practice copied into a new database on `server`; its URL (no password)."""
    name = "large"
    server.admin(f"CREATE DATABASE {name}")
    url = server.address(name)
    target = open_database(url)  # the migrations' own schema, the trail's triggers
    source = practice.database.connection()
    started = time.perf_counter()
    with target.atomic():
        # Neither the trail's capture nor the change notices while the rows go in (the
        # server's own user owns the throwaway cluster, so may hold triggers off).
        target.execute_sql("SET LOCAL session_replication_role = replica")
        for model, columns in COLUMNS.items():
            quoted = ", ".join(f'"{column}"' for column in columns)
            rows = source.execute(f'SELECT {quoted} FROM "{model._meta.table_name}"')
            copy_rows(target, model, columns, rows)
            table = model._meta.table_name
            target.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT MAX("id") FROM "{table}"))'
            )
        for key, value in source.execute('SELECT "key", "value" FROM "setting"'):
            practice_settings.put(target, key, value)
    target.execute_sql("ANALYZE")
    print(f"copied to PostgreSQL in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    target.close()
    return url


def search(database: Database, runs: int) -> tuple[float, Figures]:
    """The whole index's first refresh (ms), and every keystroke's search pooled."""
    index = PatientIndex()
    started = time.perf_counter()
    index.refresh(database)
    refreshed = 1000 * (time.perf_counter() - started)
    samples: list[float] = []
    for _what, prefixes in KEYSTROKES:
        for query in prefixes:
            samples += measure(lambda q=query: index.search(q), runs).samples
    return refreshed, Figures.of(samples)


def reads(practice: LargePractice, target: str | Path, runs: int) -> dict[str, Figures]:
    """The practice layer's figures on one store (nothing written)."""
    database = open_database(target)
    try:
        settings = practice_settings.load(database)
        flow = Flow(database, FrozenClock(practice.now), settings, ADMINISTRATOR)
        refreshed, typed = search(database, runs)
        board = measure(flow.board, runs)
    finally:
        database.close()
    return {
        "search": typed,
        "refresh": Figures.of([refreshed]),
        "board": board,
    }


def starts(targets: dict[str, str | Path], runs: int) -> dict[str, Figures]:
    """Start to the first screen: the bare app and om-tui on each store, interleaved."""
    compile_as_installed()
    for target in targets.values():
        give_a_login(target)
    bare = bare_command()
    samples: dict[str, list[float]] = {"bare": [], **{store: [] for store in targets}}
    for _ in range(runs):
        samples["bare"].append(1000 * time_to_text(bare, b"READY-BARE"))
        for store, target in targets.items():
            command = [sys.executable, "-m", "om_tui", "--db", str(target)]
            samples[store].append(1000 * time_to_text(command, b"Who are you"))
    return {name: Figures.of(taken) for name, taken in samples.items()}


Row = tuple[str, Callable[[dict[str, Figures]], str], str]

ROWS: tuple[Row, ...] = (
    ("check-in search, p95 of every keystroke", lambda f: ms(f["search"].p95), "< 30 ms"),
    ("check-in search, median", lambda f: ms(f["search"].median), ""),
    ("patient index, first refresh (once)", lambda f: ms(f["refresh"].median), ""),
    ("board read, Flow.board(): median", lambda f: ms(f["board"].median), ""),
    ("board read, Flow.board(): p95", lambda f: ms(f["board"].p95), ""),
    ("propagation: median", lambda f: ms(f["spread"].median), "< 60 ms"),
    ("propagation: max", lambda f: ms(f["spread"].worst), "< 150 ms"),
    ("start to the first screen: median", lambda f: ms(f["start"].median), "<= 1.5x bare"),
)


def table(figures: dict[str, dict[str, Figures]], bare: Figures) -> list[str]:
    """One line a figure, SQLite's and PostgreSQL's side by side (ms)."""
    width = max(len(label) for label, _, _ in ROWS)
    lines = [
        f"| {'figure (ms)':<{width}} | {'SQLite':>10} | {'PostgreSQL':>10} | {'target':<12} |",
        f"|{'-' * (width + 2)}|{'-' * 12}|{'-' * 12}|{'-' * 14}|",
    ]
    for label, shown, target in ROWS:
        cells = [shown(figures[store]) for store in STORES]
        lines.append(f"| {label:<{width}} | {cells[0]:>10} | {cells[1]:>10} | {target:<12} |")
    lines.append(f"(a bare Textual app's start, the same way: median {ms(bare.median)} ms)")
    return lines


def start_table(started: dict[str, Figures]) -> list[str]:
    """The starts alone (`--start-only`): each store's median, and its ratio to the bare
    app's, of the medians and the median of each round's own."""
    bare = started["bare"]
    lines = [f"a bare Textual app: median {ms(bare.median)} ms"]
    for store in STORES:
        mine = started[store]
        rounds = statistics.median(a / b for a, b in zip(mine.samples, bare.samples, strict=True))
        lines.append(
            f"{store}: median {ms(mine.median)} ms, {mine.median / bare.median:.2f}x the bare"
            f" app's ({rounds:.2f}x, the median of each round's own)"
        )
    return lines


def note(figures: dict[str, dict[str, Figures]], bare: Figures) -> None:
    """The headline figures for run_all.py's table."""
    for store in STORES:
        mine = figures[store]
        search_p95 = mine["search"].p95
        record(
            f"check-in search, {store}",
            mine["search"].median,
            search_p95,
            mine["search"].worst,
            f"p95 < {SEARCH_TARGET_MS:g} ms",
            search_p95 < SEARCH_TARGET_MS,
        )
        board = mine["board"]
        record(f"Flow.board(), {store}", board.median, board.p95, board.worst, "", None)
        spread = mine["spread"]
        record(
            f"propagation to drawn, {store}",
            spread.median,
            spread.p95,
            spread.worst,
            "median < 60, max < 150 ms",
            spread.median < 60 and spread.worst < 150,
        )
        filled = mine["filled"]
        record(
            f"propagation to the table, {store}", filled.median, filled.p95, filled.worst, "", None
        )
        ratio = mine["start"].median / bare.median
        record(f"start-up / bare, {store}", ratio, ratio, ratio, "<= 1.5x", ratio <= 1.5, "x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="timed runs per read figure")
    parser.add_argument("--start-runs", type=int, default=8, help="starts of each app")
    parser.add_argument("--moves", type=int, default=20, help="check-ins from elsewhere")
    parser.add_argument(
        "--start-only",
        action="store_true",
        help="only the start-up, on the small practice (a start reads its staff and settings"
        " alone: the practice's size is not in it), --start-runs of each",
    )
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    smoke(args, runs=3, start_runs=1, moves=2)
    try:
        with started_server(durable=True) as server:
            return _run(args, server)
    except Unavailable as why:  # raised before the server starts, never after
        print(f"bench_postgres skipped: {why}.")
        return 0


def _run(args: argparse.Namespace, server: PostgresServer) -> int:
    work = Path(tempfile.mkdtemp(prefix="om-tui-bench-pg-"))
    try:
        passfile = work / "pgpass"
        passfile.write_text(server.passfile_line())
        passfile.chmod(0o600)
        os.environ["PGPASSFILE"] = str(passfile)  # the terminals this starts read it too
        return _measure(args, server, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _measure(args: argparse.Namespace, server: PostgresServer, work: Path) -> int:
    practice = open_large_practice(smoke=args.smoke or args.start_only)
    url = copy_to_server(practice, server)
    practice.database.close()
    copy = work / "large.db"  # the benchmark checks patients in: SQLite's on a copy
    shutil.copy(sqlite_checkpointed(practice.path), copy)
    targets: dict[str, str | Path] = {"SQLite": copy, "PostgreSQL": url}
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    uptime = float(Path("/proc/uptime").read_text().split()[0]) / 3600
    size = "small" if args.smoke or args.start_only else "full"
    print(
        f"Large practice {practice.path} ({size}), copied; "
        f"{args.runs} runs a read figure, {args.moves} check-ins, {args.start_runs} starts\n"
        f"Machine: {os.cpu_count()} CPUs, up {uptime:.1f} h, load average {load}; "
        f"calibration {ms(calibration())} ms; PostgreSQL {server.version()}"
    )
    if args.start_only:
        print("\n" + "\n".join(start_table(starts(targets, args.start_runs))))
        return 0
    figures = {store: reads(practice, target, args.runs) for store, target in targets.items()}
    now_iso = practice.now.isoformat()
    for store, target in targets.items():
        drawn, filled = asyncio.run(bench_propagation(target, now_iso, args.moves))
        figures[store]["spread"], figures[store]["filled"] = drawn, filled
    started = starts(targets, args.start_runs)
    for store in STORES:
        figures[store]["start"] = started[store]
    print("\n" + "\n".join(table(figures, started["bare"])))
    note(figures, started["bare"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
