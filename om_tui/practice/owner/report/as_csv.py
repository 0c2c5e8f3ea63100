"""The weekly report in CSV.

One section per table. A section is a row `[name]`, a header row, its rows and a
blank line: [report] (field, value), [stats], [flow], [people], [orders_done],
[orders_overdue], [programs], [decided]. Numbers are raw (a dot for decimals, no units
or separators; an empty cell for no value), instants are local ISO (YYYY-MM-DD HH:MM),
and a text cell that a spreadsheet would read as a formula (= + - @ first) gets a
leading '.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.report.contents import NOTHING, WeeklyReport
from om_tui.practice.owner.report.words import number, trend_text


def _cell(text: str) -> str:
    """Text a spreadsheet takes as it is: a leading = + - @ would make it a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def render_csv(report: WeeklyReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def section(name: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        writer.writerow([f"[{name}]"])
        writer.writerow(header)
        writer.writerows(rows)
        writer.writerow([])

    facts = [
        ("practice", _cell(report.practice)),
        ("week_ending", report.week.isoformat()),
        ("from", _local(report.start)),
        ("to", _local(report.end)),
        ("so_far_to", _local(report.as_of) if report.as_of else ""),
        ("empty", "yes" if report.empty else "no"),
    ]
    if report.empty:
        facts.append(("note", NOTHING))
    section("report", ("field", "value"), facts)
    if report.empty:
        return out.getvalue()
    section(
        "stats",
        (
            "stat",
            "short_name",
            "post",
            "unit",
            "this_week",
            "last_week",
            "change_pct",
            "condition",
            "condition_set_by_manager",
            "trend",
            "weeks",
            "up_is_good",
        ),
        (
            (
                _cell(line.name),
                line.short_name,
                _cell(line.post),
                line.unit,
                number(line.value),
                number(line.previous),
                number(line.change) if line.change not in (float("inf"), float("-inf")) else "",
                line.condition.value if line.condition else "",
                _cell(line.override or ""),
                trend_text(line),
                ";".join(number(value) for value in line.weeks),
                "yes" if line.up_is_good else "no",
            )
            for line in report.stats
        ),
    )
    section(
        "flow",
        ("figure", "label", "unit", "this_week", "last_week"),
        (
            (line.key, line.label, line.unit, number(line.value), number(line.previous))
            for line in report.flow
        ),
    )
    tallies = ("items_due", "items_on_time", "items_late", "items_missed", "compliance")

    def person(name: str, items: Tally, orders: Tally) -> tuple[str, ...]:
        return (
            name,
            str(items.due),
            str(items.on_time),
            str(items.late),
            str(items.missed),
            number(items.share),
            str(orders.due),
            str(orders.on_time),
            str(orders.late),
        )

    section(
        "people",
        ("person", *tallies, "orders_due", "orders_on_time", "orders_late"),
        [
            *(person(_cell(p.name), p.items, p.orders) for p in report.people),
            person("(everyone)", report.items_total, report.orders_total),
        ],
    )
    section(
        "orders_done",
        ("order", "to", "due", "reported_done", "reported_by", "on_time", "accepted"),
        (
            (
                _cell(o.text),
                _cell(o.to),
                o.due,
                _local(o.reported_at),
                _cell(o.reported_by),
                "yes" if o.on_time else "no",
                "yes" if o.accepted else "no",
            )
            for o in report.orders_done
        ),
    )
    section(
        "orders_overdue",
        ("order", "to", "due", "overdue_days", "chased"),
        (
            (
                _cell(o.text),
                _cell(o.to),
                o.due,
                number(o.late_by / dt.timedelta(days=1)),
                str(o.chased),
            )
            for o in report.orders_overdue
        ),
    )
    section(
        "programs",
        ("program", "steps_done", "steps", "progress", "done_this_week", "overdue"),
        (
            (
                _cell(p.name),
                str(p.done),
                str(p.total),
                number(p.share),
                str(p.done_this_week),
                str(p.overdue),
            )
            for p in report.programs
        ),
    )
    section(
        "decided",
        ("decided_at", "from", "kind", "item", "decision", "note", "by"),
        (
            (
                _local(d.at),
                _cell(d.sender),
                d.kind,
                _cell(d.text),
                d.decision,
                _cell(d.note),
                _cell(d.by),
            )
            for d in report.decided
        ),
    )
    return out.getvalue()
