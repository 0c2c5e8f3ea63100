"""Small timing helpers shared by the benchmarks: run a thing N times, report ms."""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figures:
    """Timings of one thing, in milliseconds."""

    samples: tuple[float, ...]

    @classmethod
    def of(cls, samples: list[float]) -> Figures:
        if not samples:
            raise ValueError("no samples")
        return cls(tuple(samples))

    @property
    def runs(self) -> int:
        return len(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def worst(self) -> float:
        return max(self.samples)


def percentile(samples: tuple[float, ...] | list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest sample with `pct` % of samples at or below it."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def measure(action: Callable[[], object], runs: int, warmup: int = 3) -> Figures:
    """Call `action` `warmup` times untimed, then `runs` times timed."""
    for _ in range(warmup):
        action()
    samples = []
    clock = time.perf_counter_ns
    for _ in range(runs):
        started = clock()
        action()
        samples.append((clock() - started) / 1e6)
    return Figures.of(samples)


def measure_cpu(action: Callable[[], object], runs: int) -> Figures:
    """The CPU time of this thread in each of `runs` calls of `action`: what it costs,
    whatever else a shared machine runs beside it."""
    samples = []
    for _ in range(runs):
        started = time.thread_time_ns()
        action()
        samples.append((time.thread_time_ns() - started) / 1e6)
    return Figures.of(samples)


def once(action: Callable[[], object]) -> float:
    """Milliseconds one call of `action` takes."""
    started = time.perf_counter_ns()
    action()
    return (time.perf_counter_ns() - started) / 1e6


def ms(value: float) -> str:
    """A duration in ms, with as many decimals as are worth reading."""
    if value < 1:
        return f"{value:.3f}"
    if value < 100:
        return f"{value:.2f}"
    return f"{value:.0f}"


def print_findings(slow: list[str], missed: list[str]) -> None:
    """The end of every benchmark's output: slow statements, then missed targets."""
    if slow:
        print("\nSlow statements (median > 5 ms on the raw connection):")
        for line in dict.fromkeys(slow):
            print(f"  {line}")
    if missed:
        print(f"\nMissed targets: {', '.join(missed)}")


# -- one table for all the benchmarks (tests/bench/run_all.py) ----------------------------

RESULTS_ENV = "OM_TUI_BENCH_RESULTS"
"""When set (by run_all.py), each benchmark appends its headline figures to this file."""


def record(
    label: str,
    median: float,
    p95: float,
    worst: float,
    target: str,
    met: bool | None,
    unit: str = "ms",
) -> None:
    """Note one headline figure against its target for run_all.py's table (when it runs us)."""
    path = os.environ.get(RESULTS_ENV)
    if not path:
        return
    bench = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else "?"
    line = {
        "bench": bench,
        "label": label,
        "median": median,
        "p95": p95,
        "max": worst,
        "unit": unit,
        "target": target,
        "met": met,
    }
    with open(path, "a", encoding="utf-8") as results:
        results.write(json.dumps(line) + "\n")


def record_figures(label: str, figures: Figures, target_ms: float) -> None:
    """A timing against a target on its p95."""
    record(
        label,
        figures.median,
        figures.p95,
        figures.worst,
        f"p95 < {target_ms:g} ms",
        figures.p95 < target_ms,
    )


def add_smoke_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a small practice built afresh, a few runs, no plans: seconds, to see it still runs",
    )


def smoke(args: argparse.Namespace, **small: object) -> None:
    """With --smoke, set the run counts (and switches) to `small`'s."""
    if getattr(args, "smoke", False):
        for name, value in small.items():
            setattr(args, name, value)
