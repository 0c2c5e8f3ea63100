"""Small timing helpers shared by the benchmarks: run a thing N times, report ms."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


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
