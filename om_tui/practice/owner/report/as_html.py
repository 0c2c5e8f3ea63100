"""The weekly report as one HTML page that prints on A4: no scripts, no external assets.

The page is rendered from a Jinja2 template, templates/report.html.j2, rather than put
together from Python strings: every piece of text from the database is escaped by default
(autoescape; a value is printed as it is only if it is markup already, like the graphs),
and the page's shape — the style sheet (screen and print, `@page` A4), the sections and
their tables — is in one file, read top to bottom as the page is. StrictUndefined makes a
misspelt name an error, not a blank. Text is escaped as the standard library's
html.escape does it (`&quot;`, `&#x27;`), as the report always has (its expected files).

Each stat's 13 weeks are a tiny inline SVG polyline drawn here, from numbers only (up
always means better; a week without a value breaks the line; this week's value is a dot).

Jinja2 is imported with this module, and this module only when an HTML report is written
(writing.render), not at the app's start.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html import escape

import jinja2
from markupsafe import Markup

from om_tui.practice.owner.report.as_markdown import PEOPLE_HEADER, PEOPLE_NOTE
from om_tui.practice.owner.report.contents import NOTHING, SPAN, WeeklyReport
from om_tui.practice.owner.report.words import (
    change_text,
    late_text,
    orders_summary,
    overdue_title,
    overrides,
    period_text,
    share_text,
    so_far_text,
    value_text,
)
from om_tui.practice.stats.conditions import CONDITION_LABELS
from om_tui.practice.time_words import moment_text

TEMPLATE = "report.html.j2"

GRAPH_WIDTH = 104
GRAPH_HEIGHT = 22
GRAPH_PAD = 2.5


def trend_svg(values: Sequence[float | None], up_is_good: bool = True) -> Markup:
    """A tiny graph of `values` (oldest first) as inline SVG (markup: numbers only, nothing
    to escape); "" when none has a value."""
    known = [v for v in values if v is not None]
    if not known:
        return Markup("")
    low, high = min(known), max(known)
    inner_w, inner_h = GRAPH_WIDTH - 2 * GRAPH_PAD, GRAPH_HEIGHT - 2 * GRAPH_PAD
    step = inner_w / max(len(values) - 1, 1)

    def point(index: int, value: float) -> tuple[float, float]:
        level = (value - low) / (high - low) if high > low else 0.5
        if not up_is_good:
            level = 1 - level
        return GRAPH_PAD + index * step, GRAPH_PAD + (1 - level) * inner_h

    runs: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append(point(index, value))
    shapes = []
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            shapes.append(f'<polyline points="{points}"/>')
        elif run:
            x, y = run[0]
            shapes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1" fill="currentColor"/>')
    this_week = values[-1]
    if this_week is not None:  # a dot on this week's value: where the week stands
        x, y = point(len(values) - 1, this_week)
        shapes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="currentColor"/>')
    label = f"{len(values)} weeks, up is better"
    return Markup(
        f'<svg class="trend" xmlns="http://www.w3.org/2000/svg" width="{GRAPH_WIDTH}" '
        f'height="{GRAPH_HEIGHT}" viewBox="0 0 {GRAPH_WIDTH} {GRAPH_HEIGHT}" role="img" '
        f'aria-label="{label}"><g fill="none" stroke="currentColor" stroke-width="1.3" '
        f'stroke-linejoin="round" stroke-linecap="round">{"".join(shapes)}</g></svg>'
    )


def _escaped(value: object) -> object:
    """Every printed value, escaped as html.escape does it (autoescape keeps markup as it is)."""
    if hasattr(value, "__html__"):
        return value
    return Markup(escape(str(value), quote=True))


@functools.cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("om_tui.practice.owner.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_escaped,
        trim_blocks=True,  # a block tag's line ends with it: the template reads as the page
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals.update(
        CONDITION_LABELS=CONDITION_LABELS,
        NOTHING=NOTHING,
        PEOPLE_HEADER=PEOPLE_HEADER,
        PEOPLE_NOTE=PEOPLE_NOTE,
        SPAN=SPAN,
        change_text=change_text,
        late_text=late_text,
        moment_text=moment_text,
        orders_summary=orders_summary,
        overdue_title=overdue_title,
        overrides=overrides,
        period_text=period_text,
        share_text=share_text,
        so_far_text=so_far_text,
        trend_svg=trend_svg,
        value_text=value_text,
    )
    return environment


def render_html(report: WeeklyReport) -> str:
    """The report's page, from the template."""
    return _environment().get_template(TEMPLATE).render(report=report)
