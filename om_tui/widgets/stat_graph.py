"""A stat's weekly graph: the values, the quota line, each week's condition marked.

Drawn with textual-plotext (Textualize's wrapper of Plotext, pure Python): it
draws line plots, horizontal lines, text markers and reversed axes in the
terminal, themed from the app. textual-plot draws finer (braille, its own
canvas) but needs numpy, a heavy import for a front-desk terminal.

The picture goes from Plotext's grid of cells (a character and its colours each)
straight to the lines Textual draws, once per size. Plotext's own way — the grid
written out as one text of terminal colour codes, which Rich reads back into styled
text, which Textual then lays out again as lines — did the same work three times:
three quarters of a graph's drawing, 100 ms or more on a wide terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from plotext._utility import colors_to_ansi
from rich.ansi import AnsiDecoder
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style
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


@dataclass(frozen=True)
class Shown:
    """What a graph shows: StatGraph.show()'s arguments."""

    title: str
    weeks: Sequence[dt.date]
    values: Sequence[float | None]
    conditions: Sequence[Condition | None]
    up_is_good: bool
    quota: float | None
    scale: tuple[float | None, float | None]


class StatGraph(PlotextPlot):
    """One stat over some weeks. Up always means better: a down-is-good stat is drawn flipped."""

    DEFAULT_CSS = """
    StatGraph {
        height: 1fr;
        min-height: 10;
    }
    """

    _shown: Shown | None = None
    _picture: list[Strip] = []
    _drawn_for: tuple[Size, str] | None = None  # the size and theme of the picture

    def on_unmount(self) -> None:
        # PlotextPlot subscribes each plot to the app's theme changes and never lets go:
        # the app would keep every graph ever opened (its picture, each line of it) and a
        # full garbage collection would walk them all, longer each time.
        self.app.theme_changed_signal.unsubscribe(self)
        # And Textual keeps the styled lines of its last 1,024 widgets' (a cache on a
        # method): a repaint asked now empties those of this plot, thousands of objects.
        self._picture, self._drawn_for = [], None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        if self._drawn_for != (self.size, self.app.theme):
            self._picture = self.picture()
            self._drawn_for = (self.size, self.app.theme)
        if y < len(self._picture):
            return self._picture[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def picture(self) -> list[Strip]:
        """The graph drawn at the plot's size: one line of cells a row, top row first.

        What PlotextPlot.render() and Plotext's build() do, up to Plotext's grid of
        cells; each run of cells in the same colours is then one piece of its line,
        styled as Rich and Textual would have styled it from the colour codes."""
        width, height = self.size
        if self._shown is not None:
            self._lay_out(self._shown)
        plot = self.plt
        plot.plotsize(width, height)
        plot._set_size(width, height)  # as PlotextPlot.render(): see textual-plotext #5
        plot.theme(self._get_plotext_theme_name(self.app.theme))
        figure: Any = plot  # Plotext's figure: its build steps are outside textual-plotext's types
        figure._set_sizes()
        figure._build_matrix()
        grid = figure.monitor.matrix
        base = self.visual_style
        styles: dict[str, RichStyle] = {}
        lines = []
        for row in reversed(grid.Rows):  # Plotext counts rows from the bottom
            marks, colours = grid.marker[row], grid.fullground[row]
            looks, backgrounds = grid.style[row], grid.background[row]
            segments = []
            start = 0
            for end in range(1, len(marks) + 1):
                if (
                    end < len(marks)
                    and colours[end] == colours[start]
                    and looks[end] == looks[start]
                    and backgrounds[end] == backgrounds[start]
                ):
                    continue
                codes = colors_to_ansi(colours[start], looks[start], backgrounds[start])
                if codes not in styles:
                    styles[codes] = _styled(base, codes, self.app.ansi_theme)
                segments.append(Segment("".join(marks[start:end]), styles[codes]))
                start = end
            lines.append(Strip(segments))
        return lines[:height]

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
        self._shown = Shown(title, weeks, values, conditions, up_is_good, quota, scale)
        self._drawn_for = None
        self.refresh()

    def _lay_out(self, shown: Shown) -> None:
        """Tell Plotext the graph afresh: a figure built once is not built again the same
        (a reversed scale, reversed in place at each build, comes back the right way up)."""
        plt = self.plt
        plt.clear_figure()
        plt.title(shown.title)
        weeks, values = shown.weeks, shown.values
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
                for x, v, c in zip(xs, values, shown.conditions, strict=True)
                if c == condition and v is not None
            ]
            if points:
                plt.scatter(
                    [p[0] for p in points], [p[1] for p in points], marker=mark, color=colour
                )
        if shown.quota is not None:
            plt.hline(shown.quota, "blue")
        known = [v for v in values if v is not None]
        bottom, top = shown.scale
        if bottom is not None or top is not None:
            low = bottom if bottom is not None else min(known, default=0.0)
            high = top if top is not None else max(known, default=1.0)
            plt.ylim(low, high)
        if not shown.up_is_good:
            plt.yreverse(True)  # plotext: without an argument it leaves the axis as it is
        step = max(len(weeks) // 8, 1)
        ticks = xs[::step]
        plt.xticks(
            [float(x) for x in ticks],
            [time_words.numeric_day(weeks[x - 1], year=False) for x in ticks],
        )


def _styled(base: Style, codes: str, ansi_theme: object) -> RichStyle:
    """The Rich style of cells Plotext writes with these colour codes, over the plot's own
    style: as Rich reads the codes back and Textual lays the styled text over the plot."""
    read = AnsiDecoder().decode_line(f"{codes}x")
    if not read.spans:
        return base.rich_style
    span_style = read.spans[0].style
    assert isinstance(span_style, RichStyle)
    return (base + Style.from_rich_style(span_style, ansi_theme)).rich_style  # type: ignore[arg-type]
