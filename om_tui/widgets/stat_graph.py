"""A stat's weekly graph: the values, the quota line, each week's condition marked.

Drawn with textual-plotext (Textualize's wrapper of Plotext, pure Python): it
draws line plots, horizontal lines, text markers and reversed axes in the
terminal, themed from the app. textual-plot draws finer (braille, its own
canvas) but needs numpy, a heavy import for a front-desk terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from textual_plotext import PlotextPlot

from om_tui.practice import time_words
from om_tui.practice.stats.conditions import CONDITION_LABELS, Condition

#: One letter per condition, so the marks read on a monochrome terminal too.
MARKS: dict[Condition, tuple[str, str]] = {
    Condition.POWER: ("P", "cyan"),
    Condition.AFFLUENCE: ("A", "green"),
    Condition.NORMAL: ("N", "white"),
    Condition.EMERGENCY: ("E", "yellow"),
    Condition.DANGER: ("D", "orange"),
    Condition.NON_EXISTENCE: ("X", "red"),
}
LEGEND = "  ".join(f"{mark} {CONDITION_LABELS[c]}" for c, (mark, _) in MARKS.items())


class StatGraph(PlotextPlot):
    """One stat over some weeks. Up always means better: a down-is-good stat is drawn flipped."""

    DEFAULT_CSS = """
    StatGraph {
        height: 1fr;
        min-height: 10;
    }
    """

    def on_unmount(self) -> None:
        # PlotextPlot subscribes each plot to the app's theme changes and never lets go:
        # the app would keep every graph ever opened (its picture, each line of it) and a
        # full garbage collection would walk them all, longer each time.
        self.app.theme_changed_signal.unsubscribe(self)
        # And Textual keeps the styled lines of its last 1,024 widgets' (a cache on a
        # method): a repaint asked now empties this plot's, thousands of objects.
        self.refresh()

    def show(
        self,
        title: str,
        weeks: Sequence[dt.date],
        values: Sequence[float | None],
        conditions: Sequence[Condition | None],
        *,
        up_is_good: bool = True,
        quota: float | None = None,
        scale: tuple[float | None, float | None] = (None, None),
    ) -> None:
        plt = self.plt
        plt.clear_figure()
        plt.title(title)
        xs = list(range(1, len(weeks) + 1))
        run: list[tuple[int, float]] = []
        for x, value in [*zip(xs, values, strict=True), (0, None)]:
            if value is None:  # a gap: the line stops, it does not drop to zero
                if run:
                    plt.plot([p[0] for p in run], [p[1] for p in run], marker="braille")
                run = []
            else:
                run.append((x, value))
        for condition, (mark, colour) in MARKS.items():
            points = [
                (x, v)
                for x, v, c in zip(xs, values, conditions, strict=True)
                if c == condition and v is not None
            ]
            if points:
                plt.scatter(
                    [p[0] for p in points], [p[1] for p in points], marker=mark, color=colour
                )
        if quota is not None:
            plt.hline(quota, "blue")
        known = [v for v in values if v is not None]
        bottom, top = scale
        if bottom is not None or top is not None:
            low = bottom if bottom is not None else min(known, default=0.0)
            high = top if top is not None else max(known, default=1.0)
            plt.ylim(low, high)
        if not up_is_good:
            plt.yreverse(True)  # plotext: without an argument it leaves the axis as it is
        step = max(len(weeks) // 8, 1)
        ticks = xs[::step]
        plt.xticks(
            [float(x) for x in ticks],
            [time_words.numeric_day(weeks[x - 1], year=False) for x in ticks],
        )
        self.refresh()
