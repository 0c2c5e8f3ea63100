"""Every benchmark, one after another, then one table of their figures against targets.

    .venv/bin/python -m tests.bench.run_all           # full: the large practice (cached)
    .venv/bin/python -m tests.bench.run_all --smoke   # each in its smoke mode (CI runs this)

Each benchmark runs as its own process (`python -m tests.bench.NAME`), its output kept
in a log file beside the results; each notes its headline figures (timing.record) in a
file this runner names. With --smoke only whether each one ran is printed, in seconds
in all: a schema change that breaks a benchmark fails CI, and the figures, which a busy
machine distorts, stay out of it. The exit status is 1 when a benchmark failed (not
when a target is missed: the table says so).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.timing import RESULTS_ENV, ms

BENCHMARKS = (
    "bench_practice",
    "bench_app",
    "bench_stats",
    "bench_hats",
    "bench_overview",
    "bench_report",
    "bench_import",
    "bench_book",
    "bench_plans",
    "bench_calls",
    "bench_screens",
    "bench_postgres",
)
ROOT = Path(__file__).resolve().parents[2]


def run(name: str, smoke: bool, folder: Path, results: Path) -> tuple[bool, float, Path]:
    """Run one benchmark; whether it ended well, its seconds, and its log."""
    log = folder / f"{name}.log"
    command = [sys.executable, "-m", f"tests.bench.{name}", *(["--smoke"] if smoke else [])]
    started = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run(
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, RESULTS_ENV: str(results)},
        )
    return done.returncode == 0, time.perf_counter() - started, log


def shown(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "%":
        return f"{value:.2f} %"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{ms(value)} ms"


def table(results: Path) -> list[str]:
    """The figures the benchmarks noted, one line each, against their targets."""
    if not results.exists():
        return ["(no figures were noted)"]
    rows = [json.loads(line) for line in results.read_text().splitlines() if line]
    lines = [
        f"| {'benchmark':<14} | {'figure':<52} | {'median':>8} | {'p95':>8} | {'max':>8} "
        f"| {'target':<26} | {'':<6} |",
        f"|{'-' * 16}|{'-' * 54}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 28}|{'-' * 8}|",
    ]
    for row in rows:
        unit = row["unit"]
        figure = [shown(row[k], unit) for k in ("median", "p95", "max")]
        verdict = {True: "met", False: "MISSED", None: ""}[row["met"]]
        lines.append(
            f"| {row['bench']:<14} | {row['label'][:52]:<52} | {figure[0]:>8} | {figure[1]:>8} "
            f"| {figure[2]:>8} | {row['target']:<26} | {verdict:<6} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="each benchmark's smoke mode")
    parser.add_argument("only", nargs="*", help="these benchmarks only (default: all)")
    args = parser.parse_args(argv)
    names = args.only or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}; there are {', '.join(BENCHMARKS)}")
    folder = Path(tempfile.mkdtemp(prefix="om-tui-bench-run-"))
    results = folder / "results.jsonl"
    mode = "smoke" if args.smoke else "full"
    print(f"Benchmarks ({mode}); their output in {folder}", flush=True)
    failed = []
    started = time.perf_counter()
    for name in names:
        ok, seconds, log = run(name, args.smoke, folder, results)
        print(f"  {name:<16} {'ok' if ok else 'FAILED':<6} {seconds:6.1f} s", flush=True)
        if not ok:
            failed.append(name)
            print("    " + "\n    ".join(log.read_text().splitlines()[-15:]), flush=True)
    print(f"{len(names) - len(failed)} of {len(names)} ran, {time.perf_counter() - started:.0f} s")
    if args.smoke:
        if not failed:
            shutil.rmtree(folder)
    else:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"\nFigures ({os.cpu_count()} CPUs, load average now {load}):\n")
        print("\n".join(table(results)))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
