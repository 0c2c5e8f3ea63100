"""The weekly report: one stats week of the practice, for the owner, in Markdown, HTML or CSV.

A week is the stats week (stats.StatWeeks), named by the local day it ends on; any day
of it names it (the week the day's first moment falls in). By default: the last week
that has ended. The report holds, for that week:

- every active stat, in the stat board's order: this week's value, last week's, the
  change, the condition (the manager's override if there is one, else the computed one)
  and the last 13 weeks as a small graph (inline SVG in HTML, a text sparkline in
  Markdown and CSV); up always means better;
- the flow's figures counted from the visit events: visits, new patients, the average
  wait (arrived → roomed) and no-shows, each beside the week before;
- per person: checklist items due that week and how they ended (hat compliance), and
  the orders due that week, done on time ÷ due;
- orders reported done during the week, and orders overdue at the week's end;
- the active programs: steps done by the week's end ÷ steps, steps done that week,
  steps overdue at its end;
- the items decided on the communication line during the week (by the manager or the owner).

A week still in progress is reported "so far" (up to the clock's now); a week that has
not begun is refused. A week in which nothing was recorded — no stat value, no visit
event, no checklist item due, no order due, done or overdue, no program step done, no
item decided — gives a short report that says so, not an error.

The same database and clock give the same bytes: no "generated at", every list in a
stable order. The file is written whole or not at all (a private temporary file beside
it, renamed over it), readable by its owner only (0600); writing one is noted in the
audit trail, since the practice's figures and the line's items leave the app in it.

CSV: one section per table. A section is a row `[name]`, a header row, its rows and a
blank line: [report] (field, value), [stats], [flow], [people], [orders_done],
[orders_overdue], [programs], [decided]. Numbers are raw (a dot for decimals, no units
or separators; an empty cell for no value), instants are local ISO (YYYY-MM-DD HH:MM), and
a text cell that a spreadsheet would read as a formula (= + - @ first) gets a leading '.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from peewee import JOIN, Database

from db.models import (
    LineItem,
    LineStatus,
    Order,
    OrderStatus,
    Post,
    Program,
    ProgramStep,
    Staff,
    as_utc,
    utc_naive,
)
from om_tui.practice import limits
from om_tui.practice.clock import Clock
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.line import ANSWER_TITLES, KIND_TITLES
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.people import anchors, audit
from om_tui.practice.people.anchors import Anchor
from om_tui.practice.refusal import Refusal
from om_tui.practice.settings import PracticeSettings
from om_tui.practice.stats.conditions import CONDITION_LABELS, Condition, percent_change, sparkline
from om_tui.practice.stats.figures import flow_figures
from om_tui.practice.stats.service import Stats
from om_tui.practice.stats.weeks import StatWeeks

FORMATS: dict[str, str] = {"md": "Markdown", "html": "HTML", "csv": "CSV"}
"""The formats a report is written in: suffix → name."""
SPAN = 13
"""Weeks in each stat's small graph: a quarter."""
FLOW_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("visits", "Visits", "count"),
    ("new_patients", "New patients", "count"),
    ("average_wait", "Average wait (arrived → roomed)", "minutes"),
    ("no_shows", "No-shows", "count"),
)
"""(flow figure, label, unit): what the report counts from the visit events."""
NOTHING = (
    "Nothing was recorded for this week: no stat values, no visits, no checklist items "
    "due, no orders due, done or overdue, no program steps done and no items decided "
    "on the line."
)


class ReportError(Refusal):
    """A report that cannot be made or written; the message is fit to show the person."""


# -- what the report holds -------------------------------------------------------------------


@dataclass(frozen=True)
class StatLine:
    """One stat's week: its last SPAN weeks (this week last) and its condition."""

    name: str
    short_name: str
    post: str
    unit: str
    up_is_good: bool
    weeks: tuple[float | None, ...]
    condition: Condition | None
    override: str | None = None  # the manager's reason, when the condition is theirs

    @property
    def value(self) -> float | None:
        return self.weeks[-1] if self.weeks else None

    @property
    def previous(self) -> float | None:
        return self.weeks[-2] if len(self.weeks) > 1 else None

    @property
    def change(self) -> float | None:
        """Percent change against last week, as the numbers went (not signed by better)."""
        if self.value is None or self.previous is None:
            return None
        return percent_change(self.previous, self.value)


@dataclass(frozen=True)
class FlowLine:
    key: str
    label: str
    unit: str
    value: float | None
    previous: float | None


@dataclass(frozen=True)
class PersonLine:
    """A person's checklist items due in the week, and their orders due in it."""

    name: str
    items: Tally
    orders: Tally


@dataclass(frozen=True)
class OrderDone:
    text: str
    to: str
    due: str  # "Tue 17 Nov", "Tue 17 Nov 16:00"
    reported_at: dt.datetime  # practice-local
    reported_by: str
    on_time: bool
    accepted: bool  # or reported, waiting for the one who gave it


@dataclass(frozen=True)
class OrderOverdue:
    text: str
    to: str
    due: str
    late_by: dt.timedelta  # at the week's end (or now, in a week in progress)
    chased: int


@dataclass(frozen=True)
class ProgramProgress:
    name: str
    done: int  # by the week's end
    total: int
    done_this_week: int
    overdue: int  # at the week's end

    @property
    def share(self) -> float | None:
        return self.done / self.total if self.total else None


@dataclass(frozen=True)
class Decision:
    """An item of the line decided in the week."""

    at: dt.datetime  # practice-local
    sender: str
    kind: str
    text: str
    decision: str  # "Approved", "Declined", "Note", "See me"; "Handled" by the manager
    note: str
    by: str


@dataclass(frozen=True)
class WeeklyReport:
    practice: str
    week: dt.date  # the local day the week ends on
    start: dt.datetime  # practice-local: the week runs [start, end)
    end: dt.datetime
    as_of: dt.datetime | None  # practice-local now, for a week in progress; else None
    stats: list[StatLine]
    flow: list[FlowLine]
    people: list[PersonLine]
    items_total: Tally  # every person's checklist items
    orders_total: Tally  # every order due in the week, once
    orders_done: list[OrderDone]
    orders_overdue: list[OrderOverdue]
    programs: list[ProgramProgress]
    decided: list[Decision]

    @property
    def in_progress(self) -> bool:
        return self.as_of is not None

    @property
    def empty(self) -> bool:
        """Nothing recorded in the week (see the module's docstring)."""
        return not (
            any(line.value is not None for line in self.stats)
            or any(line.value for line in self.flow)
            or self.items_total.due
            or self.orders_total.due
            or self.orders_done
            or self.orders_overdue
            or any(program.done_this_week for program in self.programs)
            or self.decided
        )


# -- the week ------------------------------------------------------------------------------


def last_ended_week(weeks: StatWeeks, now: dt.datetime) -> dt.date:
    """The last stats week that has ended by `now`."""
    return weeks.week_of(now) - dt.timedelta(weeks=1)


def week_days(weeks: StatWeeks, week: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last local day that belong to a week (a day's first moment decides)."""
    first = week - dt.timedelta(days=7)
    while weeks.week_of_day(first) != week:
        first += dt.timedelta(days=1)
    last = week
    while weeks.week_of_day(last) != week:
        last -= dt.timedelta(days=1)
    return first, last


def report_week(stats: Stats, day: dt.date | None) -> dt.date:
    """The week a report is for: the one `day` is in, else the last ended one."""
    now = stats.clock.now()
    if day is None:
        return last_ended_week(stats.weeks, now)
    week = stats.weeks.week_of_day(limits.checked_day(day, "A report's week", ReportError))
    if stats.weeks.bounds(week)[0] > now:
        raise ReportError(
            f"The week ending {_long_day(week)} has not begun yet: there is nothing to report."
        )
    return week


# -- gathering -------------------------------------------------------------------------------


def gather(
    database: Database,
    clock: Clock,
    settings: PracticeSettings,
    day: dt.date | None = None,
) -> WeeklyReport:
    """The report for the week `day` is in (default: the last week that has ended)."""
    stats = Stats(database, clock, settings)
    week = report_week(stats, day)
    zone = settings.zone
    start, end = stats.weeks.bounds(week)
    now = clock.now()
    in_progress = now < end
    as_of = min(now, end)
    first, last = week_days(stats.weeks, week)
    items = Hats(database, clock, settings).compliance(first, last, by_week=True)
    orders = Orders(database, clock, settings)
    ordered = orders.compliance(first, last)
    names = dict(ordered.people)
    names.update(items.people)
    people = sorted(names.items(), key=lambda person: (person[1].lower(), person[0]))
    return WeeklyReport(
        practice=settings.name,
        week=week,
        start=start.astimezone(zone),
        end=end.astimezone(zone),
        as_of=as_of.astimezone(zone) if in_progress else None,
        stats=stat_lines(stats, week, in_progress),
        flow=flow_lines(stats.weeks, week, as_of),
        people=[
            PersonLine(name, items.totals.get(person_id, Tally()), ordered.of(person_id))
            for person_id, name in people
        ],
        items_total=sum(items.totals.values(), Tally()),
        orders_total=ordered.practice,
        orders_done=orders_done(orders, start, as_of),
        orders_overdue=orders_overdue(orders, as_of),
        programs=programs_progress(orders, start, as_of),
        decided=decided(start, as_of, zone),
    )


def stat_lines(stats: Stats, week: dt.date, in_progress: bool) -> list[StatLine]:
    """Every active stat's last SPAN weeks to `week`; its condition once the week has ended."""
    lines = []
    for row in stats.board(week, span=SPAN):
        # The board judges the week before one in progress; a report judges its own week.
        override = None if in_progress else row.override
        lines.append(
            StatLine(
                name=row.name,
                short_name=row.short_name,
                post=row.post,
                unit=row.unit,
                up_is_good=row.up_is_good,
                weeks=tuple(row.series),
                condition=None if in_progress else row.condition,
                override=override[1] if override else None,
            )
        )
    return lines


def flow_lines(weeks: StatWeeks, week: dt.date, until: dt.datetime) -> list[FlowLine]:
    """The flow's figures for the week (up to `until`, if sooner) and the week before."""
    start, end = weeks.bounds(week)
    this = flow_figures(start, min(end, until))
    before = flow_figures(*weeks.bounds(week - dt.timedelta(weeks=1)))
    return [
        FlowLine(key, label, unit, this.get(key), before.get(key))
        for key, label, unit in FLOW_FIGURES
    ]


def _assignees() -> tuple[dict[int, str], dict[int, str]]:
    staff = {s.id: s.name for s in Staff.select(Staff.id, Staff.name)}
    posts = {p.id: f"{p.title} (post)" for p in Post.select(Post.id, Post.title)}
    return staff, posts


def _to(staff: dict[int, str], posts: dict[int, str], row: Any) -> str:
    if row.to_staff_id is not None:
        return staff.get(row.to_staff_id, "—")
    return posts.get(row.to_post_id, "—") if row.to_post_id is not None else "—"


def orders_done(orders: Orders, start: dt.datetime, end: dt.datetime) -> list[OrderDone]:
    """Orders reported done in [start, end) and not cancelled since, in the order reported."""
    staff, posts = _assignees()
    query = (
        Order.select()
        .where(
            (Order.reported_at >= utc_naive(start))
            & (Order.reported_at < utc_naive(end))
            & Order.status.in_([OrderStatus.REPORTED, OrderStatus.DONE])
        )
        .order_by(Order.reported_at, Order.id)
    )
    zone = orders.settings.zone
    done = []
    for order in query:
        assert order.reported_at is not None  # the query asks for a time in the week
        reported = as_utc(order.reported_at)
        done.append(
            OrderDone(
                text=order.text,
                to=_to(staff, posts, order),
                due=_due(order.due_on, order.due_time),
                reported_at=reported.astimezone(zone),
                reported_by=staff.get(order.reported_by_id or 0, "—"),
                on_time=reported <= orders.deadline(order.due_on, order.due_time),
                accepted=order.status == OrderStatus.DONE,
            )
        )
    return done


def orders_overdue(orders: Orders, as_of: dt.datetime) -> list[OrderOverdue]:
    """Orders open and past their deadline at `as_of`, the longest overdue first.

    Read back from the times kept: given before `as_of`, not reported done by then (a
    report sent back is open again), not cancelled by then.
    """
    staff, posts = _assignees()
    moment = utc_naive(as_of)
    query = Order.select().where(
        (Order.created <= moment)
        & (Order.due_on <= orders.settings.today(as_of))
        & (Order.reported_at.is_null() | (Order.reported_at > moment))
        & (
            (Order.status != OrderStatus.CANCELLED)
            | Order.answered_at.is_null()
            | (Order.answered_at > moment)
        )
    )
    overdue = []
    for order in query:
        deadline = orders.deadline(order.due_on, order.due_time)
        if deadline > as_of:
            continue
        overdue.append(
            (
                deadline,
                order.id,
                OrderOverdue(
                    text=order.text,
                    to=_to(staff, posts, order),
                    due=_due(order.due_on, order.due_time),
                    late_by=as_of - deadline,
                    chased=order.chased,
                ),
            )
        )
    return [line for _, _, line in sorted(overdue, key=lambda found: found[:2])]


def programs_progress(
    orders: Orders, start: dt.datetime, as_of: dt.datetime
) -> list[ProgramProgress]:
    """Each active program begun by `as_of`: its steps done by then, in the week, overdue."""
    moment, since = utc_naive(as_of), utc_naive(start)
    programs = list(
        Program.select()
        .where((Program.active == True) & (Program.created <= moment))  # noqa: E712
        .order_by(Program.created, Program.id)
    )
    counts: dict[int, list[int]] = {p.id: [0, 0, 0, 0] for p in programs}
    steps = ProgramStep.select(ProgramStep.program, ProgramStep.due_on, ProgramStep.done_at).where(
        ProgramStep.program.in_(list(counts))
    )
    for step in steps:
        tally = counts[step.program_id]
        tally[1] += 1
        if step.done_at is not None and step.done_at <= moment:
            tally[0] += 1
            tally[2] += step.done_at >= since
        elif step.due_on is not None and orders.deadline(step.due_on, None) <= as_of:
            tally[3] += 1
    return [ProgramProgress(p.name, *counts[p.id]) for p in programs]


def decided(start: dt.datetime, end: dt.datetime, zone: dt.tzinfo) -> list[Decision]:
    """Items answered in [start, end): by the owner, or handled by the manager herself."""
    sender = Staff.alias("sender")
    answerer = Staff.alias("answerer")
    query = (
        LineItem.select(
            LineItem.kind,
            LineItem.text,
            LineItem.status,
            LineItem.answer,
            LineItem.answer_note,
            LineItem.answered_at,
            sender.name.alias("sender_name"),
            answerer.name.alias("answerer_name"),
        )
        .join(sender, on=(LineItem.sender == sender.id))
        .switch(LineItem)
        .join(answerer, JOIN.LEFT_OUTER, on=(LineItem.answered_by == answerer.id))
        .where(
            LineItem.status.in_([LineStatus.HANDLED, LineStatus.ANSWERED])
            & (LineItem.answered_at >= utc_naive(start))
            & (LineItem.answered_at < utc_naive(end))
        )
        .order_by(LineItem.answered_at, LineItem.id)
        .dicts()
    )
    found = _dicts(query)
    return [
        Decision(
            at=as_utc(row["answered_at"]).astimezone(zone),
            sender=row["sender_name"],
            kind=KIND_TITLES.get(row["kind"], row["kind"]),
            text=row["text"],
            decision=(
                ANSWER_TITLES.get(row["answer"] or "", row["answer"] or "")
                if row["status"] == LineStatus.ANSWERED
                else "Handled"
            ),
            note=row["answer_note"],
            by=row["answerer_name"] or "—",
        )
        for row in found
    ]


def _dicts(query: Any) -> list[dict[str, Any]]:
    """A `.dicts()` query's rows, typed for mypy (peewee's stubs yield models)."""
    return list(query)


# -- words and numbers -------------------------------------------------------------------------


def _due(day: dt.date, at: str | None) -> str:
    shown = f"{day:%a} {day.day} {day:%b}"
    return f"{shown} {at}" if at else shown


def _long_day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def moment_text(moment: dt.datetime) -> str:
    """ "Tue 17 Nov 10:05": a practice-local instant, as a person reads it."""
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


def value_text(value: float | None, unit: str) -> str:
    """A stat's value as the stat board shows it: $1,250, 45.0%, 6.5 min, 212."""
    if value is None:
        return "—"
    if unit == "money":
        return f"${value:,.0f}" if abs(value) >= 1000 else f"${value:,.2f}"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "minutes":
        return f"{value:.1f} min"
    return f"{value:,.1f}" if value != int(value) else f"{value:,.0f}"


def change_text(line: StatLine) -> str:
    """ "+7.1%", "-3.0%", "0.0%"; "from 0" when last week was nothing; "—" without both."""
    change = line.change
    if change is None:
        return "—"
    if line.previous == 0 and line.value != 0:
        return "from 0"
    return f"{change:+.1f}%"


def condition_text(line: StatLine) -> str:
    if line.condition is None:
        return "—"
    label = CONDITION_LABELS[line.condition]
    return f"{label} (set)" if line.override is not None else label


def share_text(tally: Tally) -> str:
    share = tally.share
    return "—" if share is None else f"{share:.0%}"


def late_text(span: dt.timedelta) -> str:
    """ "under a day", "1 day", "12 days"."""
    days = span.days
    if days < 1:
        return "under a day"
    return "1 day" if days == 1 else f"{days} days"


def trend_text(line: StatLine) -> str:
    """The SPAN weeks as bars, up meaning better; a week without a value is a dot."""
    return sparkline(line.weeks, line.up_is_good).replace(" ", "·")


def number(value: float | None) -> str:
    """A number for CSV: as is, no separators; integers without ".0"; empty for none."""
    if value is None:
        return ""
    rounded = round(value, 4)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.4f}".rstrip("0")


def period_text(report: WeeklyReport) -> str:
    """ "Week ending Thu 19 Nov 2026 (Thu 12 Nov 14:00 to Thu 19 Nov 14:00)"."""
    return (
        f"Week ending {_long_day(report.week)} "
        f"({moment_text(report.start)} to {moment_text(report.end)})"
    )


def so_far_text(report: WeeklyReport) -> str:
    """For a week in progress: what its figures are, and when they were read."""
    if report.as_of is None:
        return ""
    return (
        f"This week is in progress: its figures are so far, to {moment_text(report.as_of)}; "
        "conditions come once it has ended."
    )


def overdue_title(report: WeeklyReport) -> str:
    return "Overdue now" if report.in_progress else "Overdue at the week's end"


def orders_summary(report: WeeklyReport) -> str:
    """ "Due this week: 5 — 3 done on time, 1 late, 1 not done."."""
    total = report.orders_total
    if not total.due:
        return "No orders were due this week."
    return (
        f"Due this week: {total.due} — {total.on_time} done on time, {total.late} late, "
        f"{total.missed} not done."
    )


def overrides(report: WeeklyReport) -> list[tuple[str, str, str]]:
    """(stat, condition, reason) of each condition the manager set."""
    return [
        (line.name, CONDITION_LABELS[line.condition], line.override)
        for line in report.stats
        if line.override is not None and line.condition is not None
    ]


# -- Markdown --------------------------------------------------------------------------------

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


# -- CSV ---------------------------------------------------------------------------------------


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


# -- writing ---------------------------------------------------------------------------------


def render(report: WeeklyReport, form: str) -> str:
    """The report as text in a format of FORMATS."""
    if form == "md":
        return render_markdown(report)
    if form == "csv":
        return render_csv(report)
    if form == "html":
        from om_tui.practice.owner.report.as_html import render_html

        return render_html(report)
    raise ReportError(f"A report is written as {', '.join(FORMATS)} (not {form!r}).")


def with_trail_head(text: str, form: str, head: Anchor | None) -> str:
    """The report with the audit trail's head at its foot: an anchor out of the database's
    reach (anchors.py), to hold the trail against later (`audit verify --anchor N:HASH`)."""
    if head is None:
        return text
    if form == "csv":
        return f"{text}[audit]\nentries,head\n{head.count},{head.hash}\n\n"
    line = f"Audit trail: {head.count} entries, head {head.hash}"
    if form == "html":
        foot = f'<p class="anchor">{line}</p>\n</body>'
        return text.replace("</body>", foot, 1) if "</body>" in text else text
    return f"{text}\n{line}\n"


def default_folder() -> Path:
    """Where a report goes unless told: the Documents folder if there is one, else om-tui's
    data folder (beside the practice's database), made (private) if it is not there yet."""
    documents = Path(platformdirs.user_documents_dir())
    if documents.is_dir():
        return documents
    data = Path(platformdirs.user_data_dir("om-tui", appauthor=False))
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    return data


def default_name(week: dt.date, form: str) -> str:
    return f"weekly-report-{week.isoformat()}.{form}"


def write_file(text: str, path: Path) -> Path:
    """Write `text` to `path` whole or not at all, private (0600). ReportError if it cannot."""
    path = path.expanduser()
    where = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ReportError(f"{path} is a folder: give the report a file name.")
    if path.exists() and not path.is_file():  # /dev/full, a pipe: the rename would replace it
        raise ReportError(f"{path} is not a file: give the report a file name.")
    if not where.is_dir():
        raise ReportError(f"Cannot write the report to {path}: the folder {where} does not exist.")
    temporary: str | None = None
    try:
        # mkstemp makes the file 0600; the rename keeps it so, over whatever was there.
        handle, temporary = tempfile.mkstemp(dir=where, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise ReportError(f"Cannot write the report to {path}: {reason}.") from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return path


def note_written(database: Database, report: WeeklyReport, form: str, to: str) -> None:
    """The audit trail keeps who took the week's report out of the app, and where to."""
    audit.record(
        database,
        "weekly_report",
        f"week ending {report.week.isoformat()}",
        {"format": form, "to": to},
    )


def write_report(
    database: Database,
    clock: Clock,
    settings: PracticeSettings,
    *,
    day: dt.date | None,
    form: str,
    path: Path | None,
    out: Callable[[str], object] | None = None,
) -> tuple[WeeklyReport, Path | None]:
    """Gather, render and write a report: to `path`, or through `out` when there is none."""
    if form not in FORMATS:
        raise ReportError(f"A report is written as {', '.join(FORMATS)} (not {form!r}).")
    report = gather(database, clock, settings, day)
    head = anchors.head(database)
    text = with_trail_head(render(report, form), form, head)
    why = f"report week ending {report.week.isoformat()}"
    if path is None:
        if out is None:
            raise ReportError("Say where the report goes.")
        out(text)
        note_written(database, report, form, "standard output")
        anchors.write(database, clock, why, head)
        return report, None
    written = write_file(text, path)
    note_written(database, report, form, str(written))
    anchors.write(database, clock, why, head)
    return report, written
