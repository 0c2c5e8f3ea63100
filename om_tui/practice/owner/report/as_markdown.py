"""The weekly report in Markdown: one document of headed tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.report.contents import NOTHING, SPAN, WeeklyReport
from om_tui.practice.owner.report.words import (
    change_text,
    condition_text,
    late_text,
    orders_summary,
    overdue_title,
    overrides,
    period_text,
    share_text,
    so_far_text,
    trend_text,
    value_text,
)
from om_tui.practice.time_words import moment_text

PEOPLE_HEADER = (
    "Person",
    "Items due",
    "On time",
    "Late",
    "Missed",
    "Compliance",
    "Orders due",
    "Orders on time",
)


PEOPLE_NOTE = (
    "Compliance is checklist items done on time ÷ items due; an order to a post is owed by "
    "each of its holders, and counted once for everyone."
)


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\|*_`<>[]"})


def _md(text: str) -> str:
    """Text for a Markdown table cell or line: one line, its markup characters escaped."""
    return " ".join(text.split()).translate(_MD_SPECIAL)


def _md_table(header: Sequence[str], rows: Iterable[Sequence[str]], right: int = 0) -> list[str]:
    """A pipe table; the last `right` columns are numbers, aligned right."""
    align = ["---"] * (len(header) - right) + ["--:"] * right
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render_markdown(report: WeeklyReport) -> str:
    out = [f"# Weekly report — {_md(report.practice)}", "", period_text(report) + "."]
    if report.in_progress:
        out += ["", so_far_text(report)]
    if report.empty:
        out += ["", NOTHING]
        return "\n".join(out) + "\n"

    out += ["", "## Stats", ""]
    if report.stats:
        out += _md_table(
            ["Stat", "Post", "Condition", f"{SPAN} weeks", "This week", "Last week", "Change"],
            (
                [
                    _md(line.name),
                    _md(line.post) or "—",
                    condition_text(line),
                    f"`{trend_text(line)}`" if line.weeks else "",
                    value_text(line.value, line.unit),
                    value_text(line.previous, line.unit),
                    change_text(line),
                ]
                for line in report.stats
            ),
            right=3,
        )
        set_by_hand = overrides(report)
        if set_by_hand:
            out += ["", "Conditions set by the manager:", ""]
            out += [f"- {_md(name)}: {label} — {_md(why)}" for name, label, why in set_by_hand]
    else:
        out.append("No stats are kept.")

    out += ["", "## Patient flow", ""]
    out += _md_table(
        ["Figure", "This week", "Last week"],
        (
            [line.label, value_text(line.value, line.unit), value_text(line.previous, line.unit)]
            for line in report.flow
        ),
        right=2,
    )

    out += ["", "## Hat compliance and orders, per person", ""]
    if report.people:
        rows = [_person_cells(_md(p.name), p.items, p.orders) for p in report.people]
        rows.append(_person_cells("**Everyone**", report.items_total, report.orders_total))
        out += _md_table(PEOPLE_HEADER, rows, right=len(PEOPLE_HEADER) - 1)
        out += ["", PEOPLE_NOTE]
    else:
        out.append("No checklist items or orders were due this week.")

    out += ["", "## Orders", "", orders_summary(report), "", "### Done this week", ""]
    if report.orders_done:
        out += _md_table(
            ["Order", "To", "Due", "Reported done", "By", "On time", "Accepted"],
            (
                [
                    _md(o.text),
                    _md(o.to),
                    o.due,
                    moment_text(o.reported_at),
                    _md(o.reported_by),
                    "yes" if o.on_time else "late",
                    "yes" if o.accepted else "not yet",
                ]
                for o in report.orders_done
            ),
        )
    else:
        out.append("No orders were reported done this week.")
    out += ["", f"### {overdue_title(report)}", ""]
    if report.orders_overdue:
        out += _md_table(
            ["Order", "To", "Due", "Overdue by", "Chased"],
            (
                [_md(o.text), _md(o.to), o.due, late_text(o.late_by), str(o.chased)]
                for o in report.orders_overdue
            ),
            right=2,
        )
    else:
        out.append("No orders were overdue.")

    out += ["", "## Programs", ""]
    if report.programs:
        out += _md_table(
            ["Program", "Steps done", "Progress", "Done this week", "Overdue"],
            (
                [
                    _md(p.name),
                    f"{p.done} of {p.total}",
                    "—" if p.share is None else f"{p.share:.0%}",
                    str(p.done_this_week),
                    str(p.overdue),
                ]
                for p in report.programs
            ),
            right=4,
        )
    else:
        out.append("No programs are running.")

    out += ["", "## Decided on the line", ""]
    if report.decided:
        out += _md_table(
            ["Decided", "From", "Item", "Decision", "By"],
            (
                [
                    moment_text(d.at),
                    _md(d.sender),
                    _md(f"{d.kind}: {d.text}"),
                    _md(f"{d.decision}: {d.note}" if d.note else d.decision),
                    _md(d.by),
                ]
                for d in report.decided
            ),
        )
    else:
        out.append("No items were decided on the line this week.")
    return "\n".join(out) + "\n"


def _person_cells(name: str, items: Tally, orders: Tally) -> list[str]:
    return [
        name,
        str(items.due),
        str(items.on_time),
        str(items.late),
        str(items.missed),
        share_text(items),
        str(orders.due),
        f"{orders.on_time} ({share_text(orders)})" if orders.due else "—",
    ]
