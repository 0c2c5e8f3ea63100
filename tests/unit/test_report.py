"""The weekly report: gathered by hand-counted figures, rendered against expected files.

A small practice of its own, New York time, the stats week ending Thursday 14:00. The
week reported ends Thursday 20 November 2025 (Thursday 13 Nov 14:00 to Thursday 20 Nov
14:00; its days Friday 14 to Thursday 20); "now" is Monday 24 November, 10:00.

- Stats, 14 weeks of values each: Collections (Billing), New patients and No-shows (Front
  desk; No-shows down-is-good, its condition set by the manager this week), Referrals
  (no post, a gap and no value this week), and Collections per new patient (a formula).
- The flow: three patients seen this week (one new; waits 5, 10 and 15 minutes) and a
  no-show; two seen the week before (waits 8 and 12).
- Hats: Dee holds Front desk (Open up daily by 08:00, Call the no-shows weekly), Meg holds
  Billing (Post payments daily by 17:00).
- Orders: one done on time and accepted, one to the Front desk post reported late and not
  yet accepted, one never done (chased twice), one done only after the week ended, one
  cancelled only after it, and others outside the week.
- Programs: one running (two of five steps done, one of them this week, one overdue);
  one begun after the week and one stopped, both left out.
- The line: an item approved by the owner, one handled by the manager (its text looks like
  a spreadsheet formula), one answered after the week, one still waiting.

Expected files are in report_expected/; OM_TUI_UPDATE_EXPECTED=1 writes them afresh
(then read the diff before keeping it).
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from peewee import Database

from db.models import (
    Appointment,
    ConditionOverride,
    Frequency,
    HatHolder,
    LineAnswer,
    LineItem,
    LineKind,
    LineStatus,
    Order,
    OrderStatus,
    Patient,
    Program,
    ProgramStep,
    Role,
    Staff,
    Stage,
    StatSource,
    StatValue,
    Tick,
    Visit,
    VisitEvent,
    utc_naive,
)
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.hats.service import Hats
from om_tui.practice.owner.report.as_html import trend_svg
from om_tui.practice.owner.report.contents import NOTHING, ReportError, WeeklyReport
from om_tui.practice.owner.report.gathering import gather, last_ended_week
from om_tui.practice.owner.report.writing import render, with_trail_head, write_file, write_report
from om_tui.practice.people import anchors, audit
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule.types import type_named
from om_tui.practice.stats.conditions import Condition
from om_tui.practice.stats.service import Stats
from om_tui.practice.stats.weeks import StatWeeks, WeekEnds

ZONE_NAME = "America/New_York"
ZONE = ZoneInfo(ZONE_NAME)
WEEK = dt.date(2025, 11, 20)  # Thursday: the week reported ends at 14:00
NOW = dt.datetime(2025, 11, 24, 10, 0, tzinfo=ZONE)
EXPECTED = Path(__file__).parent / "report_expected"
UPDATE = os.environ.get("OM_TUI_UPDATE_EXPECTED") == "1"


def day(number: int, month: int = 11) -> dt.date:
    return dt.date(2025, month, number)


def at(when: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(when, dt.time(hour, minute), tzinfo=ZONE)


def stamp(when: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A local time as stored: naive UTC."""
    return utc_naive(at(when, hour, minute))


@dataclass
class Office:
    database: Database
    clock: FrozenClock
    owner: int
    manager: int
    desk: int
    staff: int

    def report(self, week: dt.date | None = WEEK) -> WeeklyReport:
        return gather(self.database, self.clock, settings.load(self.database), week)


#: 14 weeks of values, oldest first, the last one the week reported (None: no value).
SERIES: dict[str, list[float | None]] = {
    "collections": [
        *(9000.0, 9400.0, 9100.0, 9800.0, 10100.0, 9900.0, 10400.0),
        *(10250.0, 10800.0, 11020.5, 10900.0, 11400.0, 11800.0, 12650.75),
    ],
    "new_patients": [4, 5, 3, 6, 5, 4, 6, 7, 5, 6, 8, 7, 9, 6],
    "no_shows": [6, 5, 7, 4, 5, 6, 3, 4, 5, 3, 4, 2, 3, 5],
    "referrals": [2, 3, 2, None, 4, 3, 5, 4, None, 6, 5, 7, 6, None],
}


def build_office(database: Database) -> Office:
    """The practice described in the module's docstring."""
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)
    settings.put(database, settings.NAME, "Maple & <Oak> Chiropractic")
    clock = FrozenClock(at(day(1, 8), 9))

    def person(name: str, role: Role, provider: bool = False) -> int:
        initials = "".join(word[0] for word in name.split())
        return int(Staff.create(name=name, initials=initials, role=role, provider=provider).id)

    owner = person("Dr. Ada Owner", Role.OWNER, provider=True)
    manager = person("Meg Manager", Role.OFFICE_MANAGER)
    desk = person("Dee Desk", Role.FRONT_DESK)
    staff = person("Sam Staff", Role.STAFF)

    # -- hats ---------------------------------------------------------------------------
    hats = Hats(database, clock, settings.load(database), ADMINISTRATOR)
    front = hats.create_post("Front desk")
    billing = hats.create_post("Billing")
    HatHolder.create(post=front, staff=desk, since=day(1, 8))
    HatHolder.create(post=billing, staff=manager, since=day(1, 8))
    open_up = hats.add_item(front, "Open up", Frequency.DAILY, "8:00")
    calls = hats.add_item(front, "Call the no-shows", Frequency.WEEKLY)
    payments = hats.add_item(billing, "Post payments", Frequency.DAILY, "17:00")

    def tick(item: int, due_on: dt.date, holder: int, when: dt.datetime) -> None:
        Tick.create(
            item=item, key=item, due_on=due_on, holder=holder, by=holder, at=utc_naive(when)
        )

    tick(open_up, day(14), desk, at(day(14), 7, 50))  # on time
    tick(open_up, day(17), desk, at(day(17), 8, 30))  # late
    tick(open_up, day(18), desk, at(day(18), 7, 45))  # on time
    # Wednesday 19: not ticked (missed)
    tick(open_up, day(20), desk, at(day(20), 7, 55))  # on time
    tick(calls, WEEK, desk, at(day(19), 16, 0))  # before the cutoff: on time
    for number in (14, 17, 18, 19, 20):
        tick(payments, day(number), manager, at(day(number), 16, 30))  # all on time
    tick(open_up, day(13), desk, at(day(13), 7, 40))  # the week before: not counted

    # -- stats --------------------------------------------------------------------------
    stats = Stats(database, clock, settings.load(database), ADMINISTRATOR)
    defined = {
        "collections": stats.define(
            short_name="collections", name="Collections", post=billing, unit="money"
        ),
        "new_patients": stats.define(
            short_name="new_patients", name="New patients", post=front, unit="count"
        ),
        "no_shows": stats.define(
            short_name="no_shows", name="No-shows", post=front, unit="count", up_is_good=False
        ),
        "referrals": stats.define(short_name="referrals", name="Referrals | word of mouth"),
    }
    stats.define(
        short_name="per_new_patient",
        name="Collections per new patient",
        post=billing,
        unit="money",
        source=StatSource.FORMULA,
        formula="collections / new_patients",
    )
    weeks = stats.weeks.weeks_back(WEEK, len(SERIES["collections"]))
    for short, series in SERIES.items():
        for week, value in zip(weeks, series, strict=True):
            if value is not None:
                StatValue.create(
                    stat=defined[short].id,
                    period="week",
                    day=week,
                    value=value,
                    by=manager,
                    at=utc_naive(stats.weeks.cutoff(week)),
                )
    ConditionOverride.create(
        stat=defined["no_shows"].id,
        week=WEEK,
        condition=Condition.DANGER,
        reason="Two <no-shows> were the same family: call them",
        by=manager,
        at=stamp(day(21), 9),
    )

    # -- the flow -----------------------------------------------------------------------
    def visit(name: str, when: dt.date, hour: int, wait: int | None, kind: str = "Regular") -> None:
        """A booked visit at `hour`: seen (roomed after `wait` minutes), or a no-show."""
        first, last = name.split()
        patient = Patient.create(
            first_name=first,
            last_name=last,
            chart_number=f"C-{Patient.select().count() + 1}",
            created=stamp(day(1, 6), 9),
        )
        start = at(when, hour)
        booked = Appointment.create(
            patient=patient.id, provider=owner, start=utc_naive(start), type=type_named(kind).id
        )
        if wait is None:
            steps = [(Stage.NO_SHOW, start + dt.timedelta(minutes=15))]
        else:
            roomed = start + dt.timedelta(minutes=wait)
            steps = [
                (Stage.ARRIVED, start),
                (Stage.ROOMED, roomed),
                (Stage.WITH_PROVIDER, roomed + dt.timedelta(minutes=5)),
                (Stage.DONE, roomed + dt.timedelta(minutes=30)),
            ]
        seen = Visit.create(
            patient=patient.id,
            appointment=booked.id,
            date=when,
            stage=steps[-1][0],
            provider=owner,
        )
        for stage, moment in steps:
            VisitEvent.create(visit=seen.id, stage=stage, at=utc_naive(moment), by=desk)

    visit("Ann Able", day(17), 9, 5)
    visit("Ben Baker", day(18), 10, 10, "New patient")
    visit("Cal Carter", day(19), 11, 15)
    visit("Dot Dunn", day(19), 15, None)  # no-show
    visit("Eve Evans", day(20), 15, 20)  # after the cutoff: next week's
    visit("Fay Fox", day(10), 9, 8)  # the week before
    visit("Gus Grant", day(11), 9, 12)

    # -- orders -------------------------------------------------------------------------
    def order(
        text: str,
        due_on: dt.date,
        *,
        to_staff: int | None = None,
        to_post: int | None = None,
        due_time: str | None = None,
        created: dt.datetime,
        status: OrderStatus = OrderStatus.OPEN,
        reported: dt.datetime | None = None,
        answered: dt.datetime | None = None,
        chased: int = 0,
    ) -> None:
        Order.create(
            issued_by=manager,
            to_staff=to_staff,
            to_post=to_post,
            text=text,
            due_on=due_on,
            due_time=due_time,
            created=utc_naive(created),
            status=status,
            reply="Done." if reported else "",
            reported_at=utc_naive(reported) if reported else None,
            reported_by=(to_staff or desk) if reported else None,
            answered_by=manager if answered else None,
            answered_at=utc_naive(answered) if answered else None,
            done_at=utc_naive(answered) if answered and status == OrderStatus.DONE else None,
            chased=chased,
        )

    order(
        "Restock the brochures",
        day(18),
        to_staff=desk,
        created=at(day(10), 9),
        status=OrderStatus.DONE,
        reported=at(day(17), 15),
        answered=at(day(18), 9),
    )
    order(
        'Fix the | pipe & the <b>"bold"</b> sign',
        day(19),
        to_post=front,
        due_time="12:00",
        created=at(day(12), 9),
        status=OrderStatus.REPORTED,
        reported=at(day(19), 13, 30),
    )
    order(
        "Send the October statements",
        day(17),
        to_staff=manager,
        created=at(day(10), 9),
        chased=2,
    )
    order(
        "Order printer paper",
        day(19),
        to_staff=desk,
        created=at(day(12), 9),
        status=OrderStatus.DONE,
        reported=at(day(21), 9),
        answered=at(day(21), 10),
    )
    order(
        "Book the fire inspection",
        day(18),
        to_staff=manager,
        created=at(day(10), 9),
        status=OrderStatus.CANCELLED,
        answered=at(day(21), 11),
    )
    order("Shred the old files", day(24), to_staff=desk, created=at(day(18), 9))
    order(
        "Clean the waiting room windows",
        day(12),
        to_staff=staff,
        created=at(day(5), 9),
        status=OrderStatus.DONE,
        reported=at(day(12), 11),
        answered=at(day(12), 12),
    )
    order("Plan the holiday party", day(21), to_staff=staff, created=at(day(21), 9))

    # -- programs -----------------------------------------------------------------------
    running = Program.create(
        name="Reactivate 100 patients", goal="", created=stamp(day(1), 9), created_by=owner
    )
    for position, (text, due_on, done_at) in enumerate(
        (
            ("List the lapsed patients", day(5), stamp(day(5), 12)),
            ("Write the letter", day(14), stamp(day(18), 10)),
            ("Send the letters", day(17), None),
            ("Call who did not answer", day(1, 12), None),
            ("Count who came back", day(25), stamp(day(21), 9)),
        )
    ):
        ProgramStep.create(
            program=running.id,
            position=position,
            text=text,
            to_staff=manager,
            due_on=due_on,
            done_at=done_at,
            done_by=manager if done_at else None,
        )
    later = Program.create(name="New website", created=stamp(day(21), 9), created_by=owner)
    ProgramStep.create(program=later.id, text="Choose a designer", done_at=stamp(day(21), 10))
    Program.create(name="Old idea", created=stamp(day(1, 9), 9), active=False)

    # -- the line -----------------------------------------------------------------------
    def item(
        sender: int,
        kind: LineKind,
        text: str,
        *,
        status: LineStatus,
        answer: LineAnswer | None = None,
        note: str = "",
        by: int | None = None,
        answered: dt.datetime | None = None,
    ) -> None:
        LineItem.create(
            sender=sender,
            kind=kind,
            text=text,
            created=stamp(day(17), 8),
            status=status,
            answer=answer,
            answer_note=note,
            answered_by=by,
            answered_at=utc_naive(answered) if answered else None,
        )

    item(
        desk,
        LineKind.APPROVAL,
        "A second card reader for the front desk:\nthe old one fails twice a day.",
        status=LineStatus.ANSWERED,
        answer=LineAnswer.APPROVE,
        note="Up to $150.",
        by=owner,
        answered=at(day(18), 16),
    )
    item(
        staff,
        LineKind.QUESTION,
        '=SUM(A1) is "fine" in the new spreadsheet?',
        status=LineStatus.HANDLED,
        note="Yes.",
        by=manager,
        answered=at(day(19), 9, 15),
    )
    item(
        desk,
        LineKind.REQUEST,
        "Music in the waiting room",
        status=LineStatus.ANSWERED,
        answer=LineAnswer.SEE_ME,
        by=owner,
        answered=at(day(21), 8, 30),
    )
    item(desk, LineKind.PROBLEM, "The sign is crooked", status=LineStatus.BATCHED)

    clock.set(NOW)
    return Office(database, clock, owner, manager, desk, staff)


@pytest.fixture
def office(database: Database) -> Office:
    return build_office(database)


# -- the week ---------------------------------------------------------------------------------


def test_the_default_week_is_the_last_one_ended(office: Office) -> None:
    assert office.report(None).week == WEEK
    office.clock.set(at(day(27), 13, 59))  # the next week's last minute: still WEEK
    assert office.report(None).week == WEEK
    office.clock.set(at(day(27), 14, 0))  # its cutoff: that week has ended now
    assert office.report(None).week == day(27)


def test_any_day_of_the_week_names_it(office: Office) -> None:
    for named in (day(14), day(17), day(20)):
        assert office.report(named).week == WEEK
    assert office.report(day(13)).week == day(13)  # its first moment is the week before
    assert office.report(day(21)).week == day(27)


def test_a_week_not_begun_is_refused(office: Office) -> None:
    with pytest.raises(ReportError, match="has not begun yet"):
        office.report(day(28))  # Friday 28: the week ending 4 December


@pytest.mark.parametrize("named", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_a_day_where_the_calendar_runs_out_is_refused_not_an_overflow(
    office: Office, named: dt.date
) -> None:
    with pytest.raises(ReportError, match="A report's week is a day from 1900 to 2999"):
        office.report(named)


def test_the_days_of_a_week_follow_its_cutoff() -> None:
    afternoon = StatWeeks(ZONE, WeekEnds(3, dt.time(14, 0)))
    assert afternoon.days(WEEK) == (day(14), day(20))
    midnight = StatWeeks(ZONE, WeekEnds(3, dt.time(0, 0)))  # Thursday's first moment
    assert midnight.days(WEEK) == (day(13), day(19))
    assert last_ended_week(afternoon, at(day(20), 14)) == WEEK


# -- what is gathered, counted by hand ------------------------------------------------------------


def test_the_stats_week_with_change_and_condition(office: Office) -> None:
    report = office.report()
    by_name = {line.short_name: line for line in report.stats}
    assert list(by_name) == [
        "new_patients",
        "no_shows",
        "collections",
        "per_new_patient",
        "referrals",
    ]  # the posts' order (Front desk, Billing), then the stats of no post
    collections = by_name["collections"]
    assert len(collections.weeks) == 13
    assert (collections.value, collections.previous) == (12650.75, 11800.0)
    assert collections.change == pytest.approx(7.2097, abs=1e-4)
    # Up 4.6, 3.5 and 7.2 % three weeks running, to a new high: Power.
    assert collections.condition == Condition.POWER
    no_shows = by_name["no_shows"]
    assert no_shows.condition == Condition.DANGER  # set by the manager
    assert no_shows.override == "Two <no-shows> were the same family: call them"
    assert by_name["new_patients"].condition == Condition.DANGER  # 9 → 6: -33 %
    assert by_name["per_new_patient"].value == pytest.approx(12650.75 / 6)
    referrals = by_name["referrals"]
    assert referrals.value is None
    assert referrals.condition is None  # no value: nothing to judge


def test_the_flow_figures_against_the_week_before(office: Office) -> None:
    figures = {line.key: (line.value, line.previous) for line in office.report().flow}
    assert figures == {
        "visits": (3, 2),
        "new_patients": (1, 0),
        "average_wait": (10.0, 10.0),
        "no_shows": (1, 0),
    }


def test_compliance_and_orders_per_person(office: Office) -> None:
    report = office.report()
    people = {
        p.name: (p.items.due, p.items.on_time, p.items.late, p.orders.due, p.orders.on_time)
        for p in report.people
    }
    assert people == {
        # Open up: 5 days (3 on time, 1 late, 1 missed) + the weekly calls (on time);
        # orders: the brochures on time, the sign (her post's) and the paper late.
        "Dee Desk": (6, 4, 1, 3, 1),
        # Post payments every open day on time; the statements never done.
        "Meg Manager": (5, 5, 0, 1, 0),
    }
    assert (report.items_total.due, report.items_total.on_time) == (11, 9)
    total = report.orders_total
    assert (total.due, total.on_time, total.late, total.missed) == (4, 1, 2, 1)


def test_orders_done_in_the_week_and_overdue_at_its_end(office: Office) -> None:
    report = office.report()
    assert [(o.text, o.on_time, o.accepted) for o in report.orders_done] == [
        ("Restock the brochures", True, True),
        ('Fix the | pipe & the <b>"bold"</b> sign', False, False),
    ]
    assert report.orders_done[1].to == "Front desk (post)"
    # At Thursday 14:00: the statements (due Monday), the inspection (cancelled only on
    # Friday) and the paper (done only on Friday) were overdue, the longest first.
    assert [(o.text, o.late_by) for o in report.orders_overdue] == [
        ("Send the October statements", dt.timedelta(days=2, hours=14)),
        ("Book the fire inspection", dt.timedelta(days=1, hours=14)),
        ("Order printer paper", dt.timedelta(hours=14)),
    ]
    assert report.orders_overdue[0].chased == 2


def test_programs_as_they_stood_at_the_weeks_end(office: Office) -> None:
    [program] = office.report().programs
    assert program.name == "Reactivate 100 patients"
    assert (program.done, program.total, program.done_this_week, program.overdue) == (2, 5, 1, 1)
    assert program.share == pytest.approx(0.4)


def test_items_decided_in_the_week(office: Office) -> None:
    decided = office.report().decided
    assert [(d.sender, d.kind, d.decision, d.note, d.by) for d in decided] == [
        ("Dee Desk", "Approval needed", "Approved", "Up to $150.", "Dr. Ada Owner"),
        ("Sam Staff", "Question", "Handled", "Yes.", "Meg Manager"),
    ]
    assert decided[0].at == at(day(18), 16)


def test_a_week_in_progress_is_so_far_and_not_judged(office: Office) -> None:
    office.clock.set(at(day(19), 11, 10))  # Wednesday morning, in the week reported
    report = office.report()
    assert report.in_progress
    assert report.as_of == at(day(19), 11, 10)
    assert all(line.condition is None for line in report.stats)
    assert [o.text for o in report.orders_done] == ["Restock the brochures"]  # 13:30 not yet
    assert [o.text for o in report.orders_overdue] == [
        "Send the October statements",
        "Book the fire inspection",
    ]  # the sign is due by 12:00: not yet
    assert [line.value for line in report.flow] == [
        2,
        1,
        7.5,
        0,
    ]  # Cal, arrived at 11:00, is not roomed yet
    assert "so far, to Wed 19 Nov 11:10" in render(report, "md")


# -- rendered, against the expected files ------------------------------------------------------


def expect(name: str, text: str) -> None:
    path = EXPECTED / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}"


@pytest.mark.parametrize("form", ["md", "html", "csv"])
def test_the_week_as_expected(office: Office, form: str) -> None:
    expect(f"week.{form}", render(office.report(), form))


@pytest.mark.parametrize("form", ["md", "html", "csv"])
def test_a_week_with_no_data_says_so(office: Office, form: str) -> None:
    report = office.report(day(1, 1))
    assert report.empty
    text = render(report, form)
    assert NOTHING in text
    expect(f"empty.{form}", text)


def test_the_same_database_gives_the_same_bytes(office: Office) -> None:
    first = [render(office.report(), form) for form in ("md", "html", "csv")]
    again = [render(office.report(), form) for form in ("md", "html", "csv")]
    assert first == again


def test_text_from_the_database_is_escaped(office: Office) -> None:
    report = office.report()
    page = render(report, "html")
    assert "<b>" not in page and "&lt;b&gt;&quot;bold&quot;&lt;/b&gt;" in page
    assert "Maple &amp; &lt;Oak&gt; Chiropractic" in page
    assert "&lt;no-shows&gt;" in page
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    markdown = render(report, "md")
    assert r"Fix the \| pipe & the \<b\>" in markdown
    assert r"Referrals \| word of mouth" in markdown
    assert "A second card reader for the front desk: the old one" in markdown  # one line
    table = render(report, "csv")
    assert '\'=SUM(A1) is ""fine"" in the new spreadsheet?' in table


def test_the_html_prints_on_a4_and_is_self_contained(office: Office) -> None:
    page = render(office.report(), "html")
    assert "@page { size: A4;" in page
    assert page.count("<svg") == 5  # one small graph for each stat with values
    assert "<link" not in page and "<img" not in page and "src=" not in page


_STARTING = """
import sys
import om_tui.app, om_tui.cli, om_tui.practice.owner.report.writing
print("jinja2" in sys.modules)
"""


def test_the_template_engine_is_loaded_only_to_write_an_html_report() -> None:
    started = subprocess.run(
        [sys.executable, "-c", _STARTING], capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["False"]


def test_a_graph_breaks_at_a_week_without_a_value_and_turns_a_falling_stat_up() -> None:
    svg = trend_svg([1.0, 2.0, None, 3.0, 4.0])
    assert svg.count("<polyline") == 2
    rising = trend_svg([1.0, 2.0])
    falling_is_good = trend_svg([1.0, 2.0], up_is_good=False)
    assert 'points="2.5,19.5 101.5,2.5"' in rising  # up and to the right
    assert 'points="2.5,2.5 101.5,19.5"' in falling_is_good  # fewer was better: drawn falling
    assert trend_svg([None, None]) == ""


# -- writing --------------------------------------------------------------------------------------


@pytest.mark.backends("sqlite")  # the trail's head is read back from the anchor log: a file's
def test_a_report_file_is_private_and_whole(office: Office, tmp_path: Path) -> None:
    target = tmp_path / "out" / "week.html"
    target.parent.mkdir()
    target.write_text("an older report")
    target.chmod(0o644)
    report, written = write_report(
        office.database,
        office.clock,
        settings.load(office.database),
        day=WEEK,
        form="html",
        path=target,
    )
    assert written == target
    log = anchors.log_of(office.database)
    assert log is not None
    head = anchors.read(log, "log")[-1]  # the trail's head at the foot, and in the log
    assert target.read_text() == with_trail_head(render(report, "html"), "html", head)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["week.html"]  # no temporary left


def test_writing_it_is_in_the_audit_trail(office: Office, tmp_path: Path) -> None:
    write_report(
        office.database,
        office.clock,
        settings.load(office.database),
        day=WEEK,
        form="csv",
        path=tmp_path / "week.csv",
    )
    entries = audit.read(office.database, settings.load(office.database)).entries
    found = [e for e in entries if e.action == "weekly_report"]
    assert len(found) == 1
    assert found[0].subject == "week ending 2025-11-20"
    assert found[0].detail == {"format": "csv", "to": str(tmp_path / "week.csv")}


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("missing/week.md", "the folder .*missing does not exist"),
        ("a-file/week.md", "the folder .*a-file does not exist"),
        (".", "is a folder: give the report a file name"),
    ],
)
def test_a_path_that_cannot_be_written_is_refused(tmp_path: Path, where: str, message: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ReportError, match=message):
        write_file("text", tmp_path / where)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_failed_write_leaves_the_old_file_and_no_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "week.md"
    target.write_text("last week's report")

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(ReportError, match="Cannot write the report to .*: no space left on device"):
        write_file("this week's report", target)
    assert target.read_text() == "last week's report"
    assert [p.name for p in tmp_path.iterdir()] == ["week.md"]


def test_an_unknown_format_is_refused(office: Office) -> None:
    with pytest.raises(ReportError, match="md, html, csv"):
        render(office.report(), "pdf")


def test_a_new_practice_reports_nothing_plainly(database: Database) -> None:
    clock = FrozenClock(NOW)
    report = gather(database, clock, settings.load(database))
    assert report.empty
    assert report.stats == [] and report.people == [] and report.programs == []
    assert render(report, "md").endswith(NOTHING + "\n")


def test_without_a_documents_folder_the_report_goes_to_oms_data_folder_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """om-tui --db elsewhere on a new machine: its data folder is not there yet."""
    import platformdirs

    from om_tui.practice.owner.report.writing import default_folder

    data = tmp_path / "share" / "om-tui"
    monkeypatch.setattr(platformdirs, "user_documents_dir", lambda: str(tmp_path / "Documents"))
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *_, **__: str(data))
    assert default_folder() == data
    assert data.is_dir() and stat.S_IMODE(data.stat().st_mode) == 0o700
    (tmp_path / "Documents").mkdir()
    assert default_folder() == tmp_path / "Documents"
