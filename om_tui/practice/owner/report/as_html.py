"""The weekly report as one HTML page that prints on A4: no scripts, no external assets.

Everything is in the file: the style sheet (screen and print, `@page` A4), each stat's
13 weeks as a tiny inline SVG polyline drawn here (up always means better; a week
without a value breaks the line; this week's value is a dot). Every piece of text from the
database is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.report.as_markdown import PEOPLE_HEADER, PEOPLE_NOTE
from om_tui.practice.owner.report.contents import NOTHING, SPAN, StatLine, WeeklyReport
from om_tui.practice.owner.report.words import (
    change_text,
    late_text,
    moment_text,
    orders_summary,
    overdue_title,
    overrides,
    period_text,
    share_text,
    so_far_text,
    value_text,
)
from om_tui.practice.stats.conditions import CONDITION_LABELS

GRAPH_WIDTH = 104
GRAPH_HEIGHT = 22
GRAPH_PAD = 2.5

STYLE = """
@page { size: A4; margin: 12mm 12mm 14mm; }
:root { color-scheme: light; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0 auto; padding: 8mm 4mm; max-width: 194mm; color: #111; background: #fff;
  font: 9pt/1.35 "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif;
}
h1 { font-size: 15pt; margin: 0 0 1mm; }
h2 {
  font-size: 10.5pt; margin: 5mm 0 1.5mm; padding-bottom: 0.6mm;
  border-bottom: 0.7pt solid #888; break-after: avoid; page-break-after: avoid;
}
h3 { font-size: 9pt; margin: 3mm 0 1mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1mm 0; }
.period { color: #333; }
.so-far { background: #fff2cc; padding: 1.2mm 2mm; }
.empty { font-size: 10.5pt; margin-top: 6mm; }
.quiet { color: #555; }
table { width: 100%; border-collapse: collapse; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { text-align: left; vertical-align: middle; padding: 0.5mm 1.4mm; }
td { border-bottom: 0.4pt solid #ddd; }
thead th {
  font-size: 7.5pt; font-weight: 600; color: #444; border-bottom: 0.8pt solid #888;
  vertical-align: bottom;
}
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.post th {
  padding-top: 1.2mm; font-size: 7.5pt; font-weight: 600; color: #333;
  text-transform: uppercase; letter-spacing: 0.03em; border-bottom: 0.4pt solid #bbb;
}
tr.total td { font-weight: 600; border-top: 0.8pt solid #888; border-bottom: none; }
td.graph { width: 30mm; padding-top: 0; padding-bottom: 0; }
svg.trend { display: block; color: #222; }
.condition {
  display: inline-block; padding: 0 1.3mm; border-radius: 0.8mm; font-size: 7.5pt;
  white-space: nowrap; border: 0.4pt solid transparent;
}
.c-power { background: #cfe2f3; color: #0b3d6b; border-color: #6fa8dc; }
.c-affluence { background: #d9ead3; color: #274e13; border-color: #93c47d; }
.c-normal { color: #222; border-color: #bbb; }
.c-emergency { background: #fff2cc; color: #6b5000; border-color: #e0b94a; }
.c-danger { background: #f4cccc; color: #85200c; border-color: #e06666; }
.c-non_existence { background: #5b0f00; color: #fff; border-color: #5b0f00; }
.set { font-size: 7pt; color: #555; }
.columns { display: flex; gap: 6mm; align-items: flex-start; }
.columns > section { flex: 1 1 0; min-width: 0; }
ul.reasons { margin: 1mm 0 0; padding-left: 5mm; color: #333; }
.nw { white-space: nowrap; }
@media print {
  body { padding: 0; max-width: none; }
  .columns { gap: 5mm; }
}
""".strip()


def _e(text: str) -> str:
    return escape(text, quote=True)


def trend_svg(values: Sequence[float | None], up_is_good: bool = True) -> str:
    """A tiny graph of `values` (oldest first) as inline SVG; "" when none has a value."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
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
    return (
        f'<svg class="trend" xmlns="http://www.w3.org/2000/svg" width="{GRAPH_WIDTH}" '
        f'height="{GRAPH_HEIGHT}" viewBox="0 0 {GRAPH_WIDTH} {GRAPH_HEIGHT}" role="img" '
        f'aria-label="{label}"><g fill="none" stroke="currentColor" stroke-width="1.3" '
        f'stroke-linejoin="round" stroke-linecap="round">{"".join(shapes)}</g></svg>'
    )


def _row(cells: Iterable[str], numbers: int = 0, classes: str = "") -> str:
    """A table row of already-escaped cells; the last `numbers` of them right-aligned."""
    cells = list(cells)
    first = len(cells) - numbers
    shown = "".join(
        f'<td class="num">{cell}</td>' if index >= first else f"<td>{cell}</td>"
        for index, cell in enumerate(cells)
    )
    kind = f' class="{classes}"' if classes else ""
    return f"<tr{kind}>{shown}</tr>"


def _table(header: Sequence[str], rows: Iterable[str], numbers: int = 0) -> str:
    first = len(header) - numbers
    heads = "".join(
        f'<th class="num">{_e(title)}</th>' if index >= first else f"<th>{_e(title)}</th>"
        for index, title in enumerate(header)
    )
    body = "\n".join(rows)
    return f"<table>\n<thead><tr>{heads}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _nw(text: str) -> str:
    """Escaped text that does not wrap: a day and time, a person's name."""
    return f'<span class="nw">{_e(text)}</span>'


def _condition(line: StatLine) -> str:
    if line.condition is None:
        return '<span class="quiet">—</span>'
    badge = (
        f'<span class="condition c-{line.condition.value}">'
        f"{_e(CONDITION_LABELS[line.condition])}</span>"
    )
    return badge + (' <span class="set">set</span>' if line.override is not None else "")


def _stats(report: WeeklyReport) -> str:
    if not report.stats:
        return '<p class="quiet">No stats are kept.</p>'
    header = ("Stat", "Condition", f"{SPAN} weeks", "This week", "Last week", "Change")
    rows = []
    post: str | None = None
    for line in report.stats:
        if line.post != post:
            post = line.post
            title = _e(post) if post else "No post"
            rows.append(f'<tr class="post"><th colspan="{len(header)}">{title}</th></tr>')
        rows.append(
            _row(
                [
                    _e(line.name),
                    _condition(line),
                    trend_svg(line.weeks, line.up_is_good),
                    _e(value_text(line.value, line.unit)),
                    _e(value_text(line.previous, line.unit)),
                    _e(change_text(line)),
                ],
                numbers=3,
            ).replace("<td><svg", '<td class="graph"><svg', 1)
        )
    parts = [_table(header, rows, numbers=3)]
    set_by_hand = overrides(report)
    if set_by_hand:
        reasons = "".join(
            f"<li>{_e(name)}: {_e(label)} — {_e(why)}</li>" for name, label, why in set_by_hand
        )
        parts.append(f'<p>Conditions set by the manager:</p>\n<ul class="reasons">{reasons}</ul>')
    return "\n".join(parts)


def _flow(report: WeeklyReport) -> str:
    rows = [
        _row(
            [
                _e(line.label),
                _e(value_text(line.value, line.unit)),
                _e(value_text(line.previous, line.unit)),
            ],
            numbers=2,
        )
        for line in report.flow
    ]
    return _table(("Figure", "This week", "Last week"), rows, numbers=2)


def _programs(report: WeeklyReport) -> str:
    if not report.programs:
        return '<p class="quiet">No programs are running.</p>'
    rows = [
        _row(
            [
                _e(p.name),
                f"{p.done} of {p.total}",
                "—" if p.share is None else f"{p.share:.0%}",
                str(p.done_this_week),
                str(p.overdue),
            ],
            numbers=4,
        )
        for p in report.programs
    ]
    return _table(("Program", "Steps done", "Progress", "This week", "Overdue"), rows, numbers=4)


def _person(name: str, items: Tally, orders: Tally, classes: str = "") -> str:
    cells = [
        name,
        str(items.due),
        str(items.on_time),
        str(items.late),
        str(items.missed),
        share_text(items),
        str(orders.due),
        f"{orders.on_time} ({share_text(orders)})" if orders.due else "—",
    ]
    return _row(cells, numbers=len(cells) - 1, classes=classes)


def _people(report: WeeklyReport) -> str:
    if not report.people:
        return '<p class="quiet">No checklist items or orders were due this week.</p>'
    rows = [_person(_e(p.name), p.items, p.orders) for p in report.people]
    rows.append(_person("Everyone", report.items_total, report.orders_total, "total"))
    table = _table(PEOPLE_HEADER, rows, numbers=len(PEOPLE_HEADER) - 1)
    return f'{table}\n<p class="quiet">{_e(PEOPLE_NOTE)}</p>'


def _orders(report: WeeklyReport) -> str:
    parts = [f"<p>{_e(orders_summary(report))}</p>", "<h3>Done this week</h3>"]
    if report.orders_done:
        rows = [
            _row(
                [
                    _e(o.text),
                    _e(o.to),
                    _nw(o.due),
                    _nw(moment_text(o.reported_at)),
                    _nw(o.reported_by),
                    "yes" if o.on_time else "late",
                    "yes" if o.accepted else "not yet",
                ]
            )
            for o in report.orders_done
        ]
        header = ("Order", "To", "Due", "Reported done", "By", "On time", "Accepted")
        parts.append(_table(header, rows))
    else:
        parts.append('<p class="quiet">No orders were reported done this week.</p>')
    parts.append(f"<h3>{_e(overdue_title(report))}</h3>")
    if report.orders_overdue:
        rows = [
            _row(
                [_e(o.text), _e(o.to), _nw(o.due), _e(late_text(o.late_by)), str(o.chased)],
                numbers=2,
            )
            for o in report.orders_overdue
        ]
        parts.append(_table(("Order", "To", "Due", "Overdue by", "Chased"), rows, numbers=2))
    else:
        parts.append('<p class="quiet">No orders were overdue.</p>')
    return "\n".join(parts)


def _decided(report: WeeklyReport) -> str:
    if not report.decided:
        return '<p class="quiet">No items were decided on the line this week.</p>'
    rows = [
        _row(
            [
                _nw(moment_text(d.at)),
                _nw(d.sender),
                f"{_e(d.kind)}: {_e(d.text)}",
                _e(f"{d.decision}: {d.note}" if d.note else d.decision),
                _nw(d.by),
            ]
        )
        for d in report.decided
    ]
    return _table(("Decided", "From", "Item", "Decision", "By"), rows)


def render_html(report: WeeklyReport) -> str:
    practice = _e(report.practice)
    period = _e(period_text(report))
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Weekly report — {practice} — week ending {report.week.isoformat()}</title>",
        f"<style>\n{STYLE}\n</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>Weekly report — {practice}</h1>",
        f'<p class="period">{period}.</p>',
    ]
    if report.in_progress:
        head.append(f'<p class="so-far">{_e(so_far_text(report))}</p>')
    head.append("</header>")
    if report.empty:
        body = [f'<p class="empty">{_e(NOTHING)}</p>']
    else:
        body = [
            f'<section id="stats">\n<h2>Stats</h2>\n{_stats(report)}\n</section>',
            '<div class="columns">',
            f'<section id="flow">\n<h2>Patient flow</h2>\n{_flow(report)}\n</section>',
            f'<section id="programs">\n<h2>Programs</h2>\n{_programs(report)}\n</section>',
            "</div>",
            '<section id="people">\n<h2>Hat compliance and orders, per person</h2>\n'
            f"{_people(report)}\n</section>",
            f'<section id="orders">\n<h2>Orders</h2>\n{_orders(report)}\n</section>',
            f'<section id="decided">\n<h2>Decided on the line</h2>\n{_decided(report)}\n</section>',
        ]
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"
