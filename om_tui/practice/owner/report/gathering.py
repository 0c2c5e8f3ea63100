"""Gathering one stats week for the report: which week (by default the last that
has ended), and each of its parts read through the service that owns it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from om_tui.practice import limits, time_words
from om_tui.practice.clock import Clock
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.line.items import ANSWER_TITLES, KIND_TITLES
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.owner.report.contents import (
    FLOW_FIGURES,
    SPAN,
    Decision,
    FlowLine,
    OrderDone,
    OrderOverdue,
    PersonLine,
    ProgramProgress,
    ReportError,
    StatLine,
    WeeklyReport,
)
from om_tui.practice.owner.report.words import _due
from om_tui.practice.periods import later
from om_tui.practice.settings import PracticeSettings
from om_tui.practice.stats.figures import flow_figures
from om_tui.practice.stats.service import Stats
from om_tui.practice.stats.weeks import StatWeeks


def last_ended_week(weeks: StatWeeks, now: dt.datetime) -> dt.date:
    """The last stats week that has ended by `now`."""
    return later(weeks.week_of(now), -1)


def report_week(stats: Stats, day: dt.date | None) -> dt.date:
    """The week a report is for: the one `day` is in, else the last ended one."""
    now = stats.clock.now()
    if day is None:
        return last_ended_week(stats.weeks, now)
    week = stats.weeks.week_of_day(limits.checked_day(day, "A report's week", ReportError))
    if stats.weeks.bounds(week)[0] > now:
        raise ReportError(
            f"The week ending {time_words.day_text(week, year=True)} has not begun yet: "
            "there is nothing to report."
        )
    return week


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
    first, last = stats.weeks.days(week)
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
    before = flow_figures(*weeks.bounds(later(week, -1)))
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
