"""The owner's overview, gathered from a small practice counted by hand.

New York; "now" is Wednesday 18 November 2026, 10:00 (the flow fixture's day). The stats
week ends Thursday 19 November 14:00, so the conditions shown are those of the week
ending Thursday 12 November; compliance counts this stats week, Friday 13 to today.

- Flow: Ann arrived 08:55, roomed 09:05, with the provider 09:10 (seen); Ben arrived
  09:40 and Eve walked in at 09:50 (both waiting); Hal, due 09:45, is a no-show.
- Stats, typed weekly for the eight weeks up to 12 November (100 a week, then the
  judged week): visits 60 (−40 %: Danger), calls 90 (−10 %: Emergency, overridden
  to Danger by the manager), collections 110 (Normal), referrals 140 (Affluence),
  and "brand_new", typed for two weeks only (Non-Existence: new).
- Hats: "Open up" daily by 08:00 on the Front desk post (Jo Desk and Dr. Pat Chen, the
  owner). Jo ticked it on time each day (4 of 4); the owner on time on Friday 13, late
  on Monday 16, not at all since (1 of 4). The owner also holds the Doctor post.
- Orders: one open and overdue (due Monday 16), one open due Friday 20, one reported
  done, one cancelled. Line: an urgent item (with the owner), one in the owner's
  batch, one new in the queue. Programs: one active (1 of 3 steps done, one overdue),
  one archived.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from peewee import Database

from db.models import (
    Frequency,
    HatHolder,
    Order,
    OrderStatus,
    Program,
    ProgramStep,
    Stage,
    Tick,
    utc_naive,
)
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.hats.service import Hats
from om_tui.practice.owner.line.service import Line
from om_tui.practice.owner.overview import (
    MAIN_STATS,
    MOST_MAIN_STATS,
    Overview,
    gather,
    set_main_stats,
)
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.stats.conditions import Condition
from om_tui.practice.stats.values import StatError

from .practice_fixture import DAY, Practice, local
from .stats_fixture import a_post, define, stats_service

NOW = local(10, 0)
JUDGED = dt.date(2026, 11, 12)
THIS_WEEK = dt.date(2026, 11, 19)


def day(number: int) -> dt.date:
    return dt.date(2026, 11, number)


@dataclass
class Office:
    database: Database
    clock: FrozenClock
    practice: Practice
    stats: dict[str, int]
    orders: dict[str, int]
    items: dict[str, int]
    programs: dict[str, int]

    def gather(self) -> Overview:
        return gather(self.database, self.clock, settings.load(self.database))


def _flow(database: Database, clock: FrozenClock, practice: Practice) -> None:
    flow = Flow(database, clock, settings.load(database), staff_id=practice.desk)

    def at(hour: int, minute: int) -> None:
        clock.set(local(hour, minute))

    at(8, 55)
    flow.check_in(practice.patients["ann"], practice.appointments["ann"])
    at(9, 5)
    flow.move(practice.row(flow, "ann"), Stage.ROOMED, room=practice.rooms[0])
    at(9, 10)
    flow.move(practice.row(flow, "ann"), Stage.WITH_PROVIDER)
    at(9, 40)
    flow.check_in(practice.patients["ben"], practice.appointments["ben"])
    at(9, 50)
    flow.check_in(practice.patients["eve"])
    at(9, 58)
    flow.move(practice.row(flow, "hal"), Stage.NO_SHOW)


def _stats(database: Database, clock: FrozenClock) -> dict[str, int]:
    stats = stats_service(database, clock)
    doctor, billing = a_post("Doctor"), a_post("Insurance & Billing")
    ids = {
        "visits": define(stats, "visits", post=doctor).id,
        "calls": define(stats, "calls", post=doctor).id,
        "collections": define(stats, "collections", post=billing, unit="money").id,
        "referrals": define(stats, "referrals").id,
        "brand_new": define(stats, "brand_new").id,
    }
    judged = {"visits": 60.0, "calls": 90.0, "collections": 110.0, "referrals": 140.0}
    for name, last in judged.items():
        for back in range(7, 0, -1):
            stats.enter(ids[name], 100.0, week=JUDGED - dt.timedelta(weeks=back))
        stats.enter(ids[name], last, week=JUDGED)
        stats.enter(ids[name], 1.0, week=THIS_WEEK)  # the week so far: not judged yet
    stats.enter(ids["brand_new"], 5.0, week=JUDGED - dt.timedelta(weeks=1))
    stats.enter(ids["brand_new"], 50.0, week=JUDGED)
    stats.override(ids["calls"], JUDGED, Condition.DANGER, "the phones were down all Tuesday")
    return ids


def _hats(database: Database, clock: FrozenClock, practice: Practice) -> None:
    clock.set(local(9, 0, day=day(2)))
    hats = Hats(database, clock, settings.load(database), ADMINISTRATOR)
    front = hats.create_post("Front desk")
    doctor = a_post("Doctor")
    holders = ((front, practice.desk), (front, practice.provider), (doctor, practice.provider))
    for post, person in holders:
        HatHolder.create(post=post, staff=person, since=day(2))
    item = hats.add_item(front, "Open up", Frequency.DAILY, "8:00")

    def tick(person: int, due: int, hour: int, minute: int = 0, on: int | None = None) -> None:
        when = local(hour, minute, day=day(on or due))
        at = utc_naive(when)
        Tick.create(item=item, key=item, due_on=day(due), holder=person, by=person, at=at)

    for due in (13, 16, 17, 18):
        tick(practice.desk, due, 7, 45)
    tick(practice.provider, 13, 7, 30)
    tick(practice.provider, 16, 9, 15)  # late
    # Thursday 12: the week before; missed by the owner, and not counted here.


def _orders(practice: Practice) -> dict[str, int]:
    made = utc_naive(local(9, 0, day=day(9)))

    def order(text: str, due: int, status: str = OrderStatus.OPEN) -> int:
        found = Order.create(
            issued_by=practice.provider,
            to_staff=practice.desk,
            text=text,
            due_on=day(due),
            created=made,
            status=status,
            reported_at=made if status == OrderStatus.REPORTED else None,
        )
        return int(found.id)

    return {
        "overdue": order("Call the lab back", 16),
        "open": order("Order the new chairs", 20),
        "reported": order("Reprint the forms", 17, OrderStatus.REPORTED),
        "cancelled": order("Book the painter", 10, OrderStatus.CANCELLED),
    }


def _line(database: Database, clock: FrozenClock, practice: Practice) -> dict[str, int]:
    clock.set(local(9, 30))
    line = Line(database, clock, settings.load(database))
    items = {
        "urgent": line.file(practice.desk, "problem", "The card reader is down", urgent=True),
        "batched": line.file(practice.desk, "request", "A second phone line"),
        "queued": line.file(practice.desk, "question", "Music in the waiting room?"),
    }
    line.batch(items["batched"], practice.provider)  # the owner works the queue: no manager
    return items


def _programs(practice: Practice) -> dict[str, int]:
    made = utc_naive(local(9, 0, day=day(2)))
    active = Program.create(name="Reactivate 200 patients", created=made, active=True).id
    archived = Program.create(name="Old move", created=made, active=False).id
    steps = (("List them", day(10), True), ("Call them", day(17), False), ("Book", day(30), False))
    for position, (text, due, done) in enumerate(steps):
        ProgramStep.create(
            program=active,
            position=position,
            text=text,
            to_staff=practice.desk,
            due_on=due,
            done_at=made if done else None,
        )
    ProgramStep.create(program=archived, position=1, text="Pack", due_on=day(1))
    return {"active": active, "archived": archived}


@pytest.fixture
def office(database: Database, practice: Practice, clock: FrozenClock) -> Office:
    stats = _stats(database, clock)
    _hats(database, clock, practice)
    _flow(database, clock, practice)
    orders = _orders(practice)
    items = _line(database, clock, practice)
    programs = _programs(practice)
    clock.set(NOW)
    return Office(database, clock, practice, stats, orders, items, programs)


def test_todays_flow_figures_and_who_waited_longest(office: Office) -> None:
    overview = office.gather()
    figures = overview.figures(NOW)
    assert (figures.in_office, figures.waiting, figures.seen, figures.no_shows) == (3, 2, 1, 1)
    assert figures.longest_wait == dt.timedelta(minutes=20)  # Ben, since 09:40
    waiting = overview.longest_waiting(NOW)
    assert waiting is not None and waiting.patient_id == office.practice.patients["ben"]
    # The waits grow with the clock; the counts do not, and nothing is read again.
    later = overview.figures(NOW + dt.timedelta(minutes=5))
    assert later.longest_wait == dt.timedelta(minutes=25)
    assert later.in_office == 3


def test_stats_worst_first_with_the_judged_weeks_values(office: Office) -> None:
    overview = office.gather()
    assert (overview.week, overview.judged_week) == (THIS_WEEK, JUDGED)
    shown = [(f.short_name, f.condition, f.overridden) for f in overview.stats]
    assert shown == [
        ("brand_new", Condition.NON_EXISTENCE, False),
        ("calls", Condition.DANGER, True),  # the manager's Danger, computed Emergency
        ("visits", Condition.DANGER, False),  # (the same condition: the stat board's order)
        ("collections", Condition.NORMAL, False),
        ("referrals", Condition.AFFLUENCE, False),
    ]
    visits = next(f for f in overview.stats if f.short_name == "visits")
    assert visits.value == 60.0  # the judged week's, not this week's 1 so far
    assert visits.change == pytest.approx(-40.0)
    assert visits.trend == [None] * 4 + [100.0] * 7 + [60.0]  # 12 weeks, the first empty
    assert overview.conditions() == {
        Condition.NON_EXISTENCE: 1,
        Condition.DANGER: 2,
        Condition.NORMAL: 1,
        Condition.AFFLUENCE: 1,
    }


def test_main_stats_by_the_rule_then_by_the_practices_choice(office: Office) -> None:
    # The rule: visits, new patients (none here), collections; then the owner's Doctor post.
    assert [f.short_name for f in office.gather().main] == ["visits", "collections", "calls"]

    set_main_stats(office.database, ["referrals", "visits", "referrals"], by=ADMINISTRATOR)
    assert settings.get(office.database, MAIN_STATS) == "referrals visits"
    assert [f.short_name for f in office.gather().main] == ["referrals", "visits"]

    with pytest.raises(StatError, match="No stat is called takings"):
        set_main_stats(office.database, ["visits", "takings"], by=ADMINISTRATOR)
    stats = stats_service(office.database, office.clock)
    for extra in ("extra_one", "extra_two"):
        define(stats, extra)
    seven = ["visits", "calls", "collections", "referrals", "brand_new", "extra_one", "extra_two"]
    assert len(seven) == MOST_MAIN_STATS + 1
    with pytest.raises(StatError, match=f"Up to {MOST_MAIN_STATS} main stats"):
        set_main_stats(office.database, seven, by=ADMINISTRATOR)
    assert settings.get(office.database, MAIN_STATS) == "referrals visits"  # kept as it was

    set_main_stats(office.database, [], by=ADMINISTRATOR)
    assert settings.get(office.database, MAIN_STATS) is None
    assert [f.short_name for f in office.gather().main] == ["visits", "collections", "calls"]


def test_hat_compliance_this_stats_week_worst_first(office: Office) -> None:
    overview = office.gather()
    assert (overview.compliance_first, overview.compliance_last) == (day(13), DAY)
    shown = [
        (c.name, c.tally.due, c.tally.on_time, c.tally.late, c.tally.missed)
        for c in overview.compliance
    ]
    assert shown == [("Dr. Pat Chen", 4, 1, 1, 2), ("Jo Desk", 4, 4, 0, 0)]
    everyone = overview.everyone
    assert (everyone.due, everyone.on_time, everyone.late) == (8, 5, 1)


def test_overdue_orders_what_waits_for_the_owner_and_the_programs(office: Office) -> None:
    overview = office.gather()
    assert [o.id for o in overview.overdue_orders] == [office.orders["overdue"]]
    assert (overview.orders_not_done, overview.orders_reported) == (3, 1)
    assert [i.id for i in overview.for_owner] == [office.items["urgent"]]
    assert overview.in_batch == 1  # batched, the batch not sent: not the owner's yet
    [program] = overview.programs
    assert program.id == office.programs["active"]
    progress = program.progress
    assert (progress.done, progress.total, progress.overdue) == (1, 3, 1)


def test_an_order_turns_overdue_with_time_alone(office: Office) -> None:
    office.clock.set(local(0, 0, day=day(21)))  # Friday 20 has ended
    overdue = [o.id for o in office.gather().overdue_orders]
    assert overdue == [office.orders["overdue"], office.orders["open"]]


@pytest.mark.parametrize(
    ("ends", "week", "first"),
    [
        ("3 14:00", dt.date(2026, 11, 19), dt.date(2026, 11, 13)),  # Thursday 14:00: Friday on
        ("4 00:00", dt.date(2026, 11, 20), dt.date(2026, 11, 13)),  # Friday midnight: Friday on
        ("6 23:00", dt.date(2026, 11, 22), dt.date(2026, 11, 16)),  # Sunday 23:00: Monday on
    ],
)
def test_the_first_day_of_a_stats_week(
    database: Database, clock: FrozenClock, ends: str, week: dt.date, first: dt.date
) -> None:
    from om_tui.practice.stats.weeks import WeekEnds, set_week_ends

    set_week_ends(database, WeekEnds.parse(ends), by=ADMINISTRATOR)
    stats = stats_service(database, clock)
    assert stats.weeks.week_of_day(first) == week
    assert stats.weeks.week_of_day(first - dt.timedelta(days=1)) != week
    assert stats.weeks.days(week)[0] == first


def test_an_empty_practice_gathers_without_a_fault(database: Database) -> None:
    clock = FrozenClock(NOW)
    overview = gather(database, clock, settings.load(database))
    assert overview.figures(NOW).in_office == 0
    assert overview.longest_waiting(NOW) is None
    assert (overview.stats, overview.main, overview.compliance) == ([], [], [])
    assert (overview.overdue_orders, overview.for_owner, overview.programs) == ([], [], [])
    assert overview.everyone.due == 0
