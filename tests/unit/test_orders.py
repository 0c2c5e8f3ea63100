"""Orders and programs: giving and answering orders, every refusal, compliance against a
hand-counted fixture, two terminals answering one order, programs and their progress.

The practice is in New York; "now" is Wednesday 18 November 2026, 10:00. Karen Miles
(office manager) gives the orders. Jenny Ortiz and Sam Lee hold the Receptionist post
(Sam until Monday 16th); Tom Becker is an assistant; Leo Hart has left.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from peewee import Database

from db import open_database
from db.models import MODELS, HatHolder, Order, OrderStatus, Post, ProgramStep, Role, Staff
from om_tui.practice import settings, time_words
from om_tui.practice.clock import FrozenClock
from om_tui.practice.hats.periods import set_open_days
from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.orders.due import (
    due_example,
    due_said,
    next_open_day,
    parse_due,
)
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.owner.orders.views import OrderError
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.time_words import clock_text

from .practice_fixture import ZONE, ZONE_NAME

TODAY = dt.date(2026, 11, 18)  # a Wednesday


def day(number: int) -> dt.date:
    """A day of November 2026."""
    return dt.date(2026, 11, number)


def at(number: int, hour: int, minute: int = 0) -> dt.datetime:
    """An instant on a day of November 2026, New York time."""
    return dt.datetime.combine(day(number), dt.time(hour, minute), tzinfo=ZONE)


@dataclass
class Office:
    database: Database
    clock: FrozenClock
    owner: int
    manager: int
    jenny: int
    sam: int
    tom: int
    leo: int
    reception: int
    empty_post: int

    def orders(self, person: int | None) -> Orders:
        """The orders service in one person's name (None: nobody logged in)."""
        return Orders(self.database, self.clock, settings.load(self.database), person)


@pytest.fixture
def office(database: Database) -> Office:
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)

    def person(name: str, role: Role, active: bool = True) -> int:
        initials = "".join(word[0] for word in name.split())
        return int(Staff.create(name=name, initials=initials, role=role, active=active).id)

    owner = person("Dr. Sarah Chen", Role.OWNER)
    manager = person("Karen Miles", Role.OFFICE_MANAGER)
    jenny = person("Jenny Ortiz", Role.FRONT_DESK)
    sam = person("Sam Lee", Role.FRONT_DESK)
    tom = person("Tom Becker", Role.STAFF)
    leo = person("Leo Hart", Role.STAFF, active=False)
    reception = Post.create(title="Receptionist", position=1).id
    empty = Post.create(title="Marketing", position=2).id
    HatHolder.create(post=reception, staff=jenny, since=day(1))
    HatHolder.create(post=reception, staff=sam, since=day(1), until=day(16))
    clock = FrozenClock(at(18, 10))
    return Office(database, clock, owner, manager, jenny, sam, tom, leo, reception, empty)


def texts(lines: list[object]) -> list[str]:
    return [line.text for line in lines]  # type: ignore[attr-defined]


# -- reading due days as typed ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("today", (TODAY, None)),
        ("tomorrow", (day(19), None)),
        ("fri", (day(20), None)),
        ("Friday 17:00", (day(20), "17:00")),
        ("wed", (TODAY, None)),  # today is a Wednesday: the next one is today
        ("tue", (day(24), None)),
        ("+3", (day(21), None)),
        ("3d", (day(21), None)),
        ("in 3 days", (day(21), None)),
        ("2w", (dt.date(2026, 12, 2), None)),
        ("20 Nov", (day(20), None)),
        ("nov 20 9:30", (day(20), "09:30")),
        ("5 jan", (dt.date(2027, 1, 5), None)),  # passed this year: next year's
        ("2026-11-30", (day(30), None)),
        ("16:00", (TODAY, "16:00")),
        ("fri 5pm", (day(20), "17:00")),
        ("fri 5 pm", (day(20), "17:00")),
        ("tomorrow noon", (day(19), "12:00")),
    ],
)
def test_a_due_day_and_time_as_people_type_them(
    typed: str, expected: tuple[dt.date, str | None]
) -> None:
    assert parse_due(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("", "When is it due?"),
        ("someday", "When is it due?"),
        ("31 nov", "There is no 31 Nov"),
        ("fri 25:00", "A time of day"),
        ("fri 9:00 17:00", "One time of day"),
    ],
)
def test_a_due_that_cannot_be_read_is_refused(typed: str, said: str) -> None:
    with pytest.raises(OrderError, match=said):
        parse_due(typed, TODAY)


def test_times_and_days_on_their_own() -> None:
    assert clock_text("9am") == "09:00"
    assert clock_text("12am") == "00:00"
    assert clock_text("12:30pm") == "12:30"
    assert clock_text("") is None
    with pytest.raises(OrderError):
        clock_text("13pm", OrderError)
    assert time_words.day("thursday", TODAY) == day(19)


def test_a_day_as_month_slash_day() -> None:
    """The book's "go to" reads US dates: the next such day, or with its year."""
    assert time_words.day("11/20", TODAY) == day(20)
    assert time_words.day("11/1", TODAY) == dt.date(TODAY.year + 1, 11, 1)  # gone: next year's
    assert time_words.day("1/5/2027", TODAY) == dt.date(2027, 1, 5)
    for typed, said in (("2/31", "There is no 31 Feb"), ("13/1", "no month 13")):
        with pytest.raises(OrderError, match=said):
            time_words.day(typed, TODAY, OrderError)


# -- giving an order, and every refusal -------------------------------------------------


def test_the_manager_gives_an_order_to_a_person(office: Office) -> None:
    karen = office.orders(office.manager)
    order_id = karen.issue("Call the no-shows", day(20), "17:00", to_staff=office.jenny)
    line = karen.order(order_id)
    assert (line.text, line.to.label, line.issued_by) == (
        "Call the no-shows",
        "Jenny Ortiz",
        "Karen Miles",
    )
    assert line.status == OrderStatus.OPEN and not line.overdue
    assert line.deadline == at(20, 17).astimezone(dt.UTC)
    post_order = karen.issue("Tidy the forms", day(19), to_post=office.reception)
    # Sam's holding ended on the 16th: only Jenny holds the post today.
    assert karen.order(post_order).to.label == "Receptionist (Jenny Ortiz)"
    assert karen.order(post_order).deadline == at(20, 0).astimezone(dt.UTC)  # the day's end


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda o, x: o.issue("Go", day(20), to_staff=x.leo), "Leo Hart has left the practice"),
        (lambda o, x: o.issue("Go", day(17), to_staff=x.jenny), "Tue 17 Nov is in the past"),
        (lambda o, x: o.issue("Go", TODAY, "09:30", to_staff=x.jenny), "09:30 today has passed"),
        (lambda o, x: o.issue("  ", day(20), to_staff=x.jenny), "needs its text"),
        (lambda o, x: o.issue("Go", day(20)), "Say to whom"),
        (
            lambda o, x: o.issue("Go", day(20), to_staff=x.jenny, to_post=x.reception),
            "not both",
        ),
        (lambda o, x: o.issue("Go", day(20), to_post=x.empty_post), "Nobody holds the Marketing"),
        (lambda o, x: o.issue("Go", day(20), to_staff=9999), "not on the staff list"),
        (lambda o, x: o.issue("x" * 2001, day(20), to_staff=x.jenny), "2000 at most"),
        (lambda o, x: o.issue("Go", day(20), "25:00", to_staff=x.jenny), "A time of day"),
    ],
)
def test_an_order_that_cannot_be_is_refused_and_nothing_written(
    office: Office, change: Callable[[Orders, Office], object], said: str
) -> None:
    with pytest.raises(OrderError, match=said):
        change(office.orders(office.manager), office)
    assert Order.select().count() == 0


def test_only_a_manager_or_the_owner_gives_orders_and_only_in_a_name(office: Office) -> None:
    with pytest.raises(OrderError, match="Only the office manager or the owner gives orders"):
        office.orders(office.jenny).issue("Go", day(20), to_staff=office.tom)
    with pytest.raises(OrderError, match="log in first"):
        office.orders(None).issue("Go", day(20), to_staff=office.tom)
    with pytest.raises(OrderError, match="no longer on the active staff list"):
        office.orders(office.leo).issue("Go", day(20), to_staff=office.tom)
    assert Order.select().count() == 0
    office.orders(office.owner).issue("Go", TODAY, "17:00", to_staff=office.manager)
    assert Order.select().count() == 1


# -- answering ----------------------------------------------------------------------------


def test_report_accept_send_back_cancel_and_chase(office: Office) -> None:
    karen, jenny = office.orders(office.manager), office.orders(office.jenny)
    order_id = karen.issue("Reprint the intake forms", day(20), to_staff=office.jenny)

    office.clock.advance(minutes=5)
    chased = karen.chase(order_id)
    office.clock.advance(minutes=5)
    chased = karen.chase(order_id)
    assert (chased.chased, chased.chased_at) == (2, at(18, 10, 10).astimezone(dt.UTC))

    reported = jenny.report_done(order_id, "  200 printed, on the shelf  ")
    assert reported.status == OrderStatus.REPORTED
    assert (reported.reply, reported.reported_by, reported.on_time) == (
        "200 printed, on the shelf",
        "Jenny Ortiz",
        True,
    )
    sent = karen.send_back(order_id, "The shelf is empty: where are they?")
    assert (sent.status, sent.sent_back, sent.reported_at) == (OrderStatus.OPEN, 1, None)
    assert sent.remark == "The shelf is empty: where are they?"
    assert sent.reply == "200 printed, on the shelf"  # what they said stays, until the next

    jenny.report_done(order_id, "In the cupboard under the desk")
    done = karen.accept(order_id, "Found them, thanks")
    assert (done.status, done.answered_by, done.remark) == (
        OrderStatus.DONE,
        "Karen Miles",
        "Found them, thanks",
    )
    assert done.done_at == office.clock.now()

    other = karen.issue("Order more pens", day(20), to_staff=office.tom)
    cancelled = karen.cancel(other, "Found a box")
    assert cancelled.status == OrderStatus.CANCELLED


def test_a_holder_of_the_post_answers_its_order(office: Office) -> None:
    karen = office.orders(office.manager)
    order_id = karen.issue("Restock the forms", day(20), to_post=office.reception)
    with pytest.raises(OrderError, match="for the Receptionist post's holders"):
        office.orders(office.tom).report_done(order_id)
    with pytest.raises(OrderError, match="for the Receptionist post's holders"):
        office.orders(office.sam).report_done(order_id)  # no longer holds it
    assert office.orders(office.jenny).report_done(order_id).reported_by == "Jenny Ortiz"


def test_who_may_answer_a_report(office: Office) -> None:
    karen, jenny = office.orders(office.manager), office.orders(office.jenny)
    to_jenny = karen.issue("Call the lab", day(20), to_staff=office.jenny)
    jenny.report_done(to_jenny, "Called")
    with pytest.raises(OrderError, match="Only Karen Miles, who gave the order, or a manager"):
        office.orders(office.tom).accept(to_jenny)
    with pytest.raises(OrderError, match="Say why it goes back"):
        karen.send_back(to_jenny, "  ")
    # The owner, a manager, may accept what Karen gave.
    assert office.orders(office.owner).accept(to_jenny).answered_by == "Dr. Sarah Chen"

    # The manager cannot accept her own report of an order the owner gave her.
    to_karen = office.orders(office.owner).issue("Budget", day(20), to_staff=office.manager)
    karen.report_done(to_karen, "Done")
    with pytest.raises(OrderError, match="You reported this order done: Dr. Sarah Chen"):
        karen.accept(to_karen)
    with pytest.raises(OrderError, match="Only Karen Miles, who gave the order, or a manager"):
        jenny.cancel(to_jenny)
    with pytest.raises(OrderError, match="Only Karen Miles, who gave the order, or a manager"):
        jenny.chase(to_jenny)
    assert Order.get_by_id(to_karen).status == OrderStatus.REPORTED


def test_answering_what_was_already_answered_says_what_happened(office: Office) -> None:
    karen, jenny = office.orders(office.manager), office.orders(office.jenny)
    order_id = karen.issue("Call the lab", day(20), to_staff=office.jenny)
    with pytest.raises(OrderError, match="nobody has reported it done yet"):
        karen.accept(order_id)
    jenny.report_done(order_id, "Called")
    with pytest.raises(OrderError, match="Jenny Ortiz reported it done at 10:00"):
        jenny.report_done(order_id, "Called again")
    with pytest.raises(OrderError, match="Jenny Ortiz reported it done at 10:00"):
        karen.chase(order_id)
    karen.accept(order_id)
    with pytest.raises(OrderError, match="Karen Miles accepted it at 10:00: it is done"):
        karen.cancel(order_id)
    with pytest.raises(OrderError, match="Karen Miles accepted it at 10:00: it is done"):
        karen.send_back(order_id, "No")
    other = karen.issue("Call the bank", day(20), to_staff=office.jenny)
    karen.cancel(other)
    office.clock.advance(days=1)
    with pytest.raises(OrderError, match=r"Karen Miles cancelled it at Wed 18 Nov 10:00"):
        jenny.report_done(other)
    assert Order.get_by_id(other).reply == ""
    with pytest.raises(OrderError, match="no longer on record"):
        jenny.report_done(9999)


# -- two terminals at once ----------------------------------------------------------------


def _race(office: Office, moves: list[Callable[[], object]]) -> list[object]:
    """Run each move on its own terminal (thread, connection), released at once."""
    barrier = threading.Barrier(len(moves), timeout=10)
    results: list[object] = [None] * len(moves)

    def terminal(index: int) -> None:
        try:
            barrier.wait()
            results[index] = moves[index]()
        except BaseException as error:  # recorded, so the test sees every outcome
            results[index] = error
        finally:
            office.database.close()  # this thread's own connection

    threads = [threading.Thread(target=terminal, args=(i,)) for i in range(len(moves))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return results


def test_two_holders_answering_one_order_at_once_one_wins(office: Office) -> None:
    HatHolder.update(until=None).where(HatHolder.staff == office.sam).execute()
    order_id = office.orders(office.manager).issue(
        "Restock the forms", day(20), to_post=office.reception
    )
    jenny, sam = office.orders(office.jenny), office.orders(office.sam)
    for _ in range(5):  # each round on a fresh order: a race lost by luck would not show
        results = _race(
            office,
            [
                lambda order_id=order_id: jenny.report_done(order_id, "Jenny"),
                lambda order_id=order_id: sam.report_done(order_id, "Sam"),
            ],
        )
        won = [r for r in results if not isinstance(r, BaseException)]
        lost = [r for r in results if isinstance(r, OrderError)]
        assert len(won) == 1 and len(lost) == 1, results
        winner = won[0].reported_by  # type: ignore[attr-defined]
        assert f"{winner} reported it done" in str(lost[0])
        stored = Order.get_by_id(order_id)
        assert (stored.status, stored.reply) == (OrderStatus.REPORTED, winner.split()[0])
        order_id = office.orders(office.manager).issue(
            "Restock the forms", day(20), to_post=office.reception
        )


def test_two_managers_answering_one_report_at_once_one_wins(office: Office) -> None:
    karen, owner = office.orders(office.manager), office.orders(office.owner)
    order_id = karen.issue("Call the lab", day(20), to_staff=office.jenny)
    office.orders(office.jenny).report_done(order_id, "Called")
    results = _race(
        office, [lambda: karen.accept(order_id), lambda: owner.send_back(order_id, "Call again")]
    )
    lost = [r for r in results if isinstance(r, OrderError)]
    assert len(lost) == 1, results
    assert "Already answered" in str(lost[0]) and "Nothing was changed" in str(lost[0])
    stored = Order.get_by_id(order_id)
    assert stored.status in (OrderStatus.DONE, OrderStatus.OPEN)
    assert stored.sent_back == (1 if stored.status == OrderStatus.OPEN else 0)


# -- the hand-counted fixture: compliance, the board, my orders -------------------------


@dataclass
class Counted:
    ids: dict[str, int]


@pytest.fixture
def counted(office: Office) -> Counted:
    """Eleven orders given by Karen on Monday 2 November, answered over the fortnight.

    order  to            due              what became of it              counts as
    o1     Jenny         Thu 5            reported Thu 5 16:00, accepted  on time
    o2     Jenny         Fri 6 12:00      reported Fri 6 13:00, accepted  late
    o3     Jenny         Tue 10           nothing                         not done (overdue)
    o4     Jenny         Fri 20           reported Tue 17 (early)         on time (Nov window)
    o5     Jenny         Fri 20           nothing                         not due yet
    o6     Jenny         Mon 9            cancelled Tue 17                not counted
    o7     Tom           Wed 4            reported Wed 4, sent back Thu 5,
                                          reported again Mon 9            late
    o8     Tom           today 09:00      nothing                         not done (overdue)
    o9     Tom           today            nothing (due by midnight)       not due yet
    o10    Receptionist  Thu 12           Sam reported Thu 12 11:00,
                                          accepted Fri 13                 on time, Jenny and Sam
    o11    Receptionist  Tue 17           nothing                         not done, Jenny only
                                                                          (Sam left the post 16th)
    """
    clock = office.clock
    clock.set(at(2, 9))
    karen = office.orders(office.manager)
    jenny, tom, sam = (office.orders(p) for p in (office.jenny, office.tom, office.sam))
    HatHolder.update(until=None).where(HatHolder.staff == office.sam).execute()
    given = {
        "o1": (day(5), None, office.jenny, None),
        "o2": (day(6), "12:00", office.jenny, None),
        "o3": (day(10), None, office.jenny, None),
        "o4": (day(20), None, office.jenny, None),
        "o5": (day(20), None, office.jenny, None),
        "o6": (day(9), None, office.jenny, None),
        "o7": (day(4), None, office.tom, None),
        "o8": (TODAY, "09:00", office.tom, None),
        "o9": (TODAY, None, office.tom, None),
        "o10": (day(12), None, None, office.reception),
        "o11": (day(17), None, None, office.reception),
    }
    ids = {
        key: karen.issue(f"order {key}", due_on, due_time, to_staff=person, to_post=post)
        for key, (due_on, due_time, person, post) in given.items()
    }
    clock.set(at(4, 10))
    tom.report_done(ids["o7"], "done")
    clock.set(at(5, 9))
    karen.send_back(ids["o7"], "not really")
    clock.set(at(5, 16))
    jenny.report_done(ids["o1"], "done")
    karen.accept(ids["o1"])
    clock.set(at(6, 13))
    jenny.report_done(ids["o2"], "done")
    karen.accept(ids["o2"])
    clock.set(at(9, 8))
    tom.report_done(ids["o7"], "done now")
    clock.set(at(12, 11))
    sam.report_done(ids["o10"], "done")
    clock.set(at(13, 9))
    karen.accept(ids["o10"])
    HatHolder.update(until=day(16)).where(HatHolder.staff == office.sam).execute()
    clock.set(at(17, 15))
    jenny.report_done(ids["o4"], "early")
    karen.cancel(ids["o6"], "not needed")
    clock.set(at(18, 10))
    return Counted(ids)


def test_compliance_over_november_matches_the_hand_count(office: Office, counted: Counted) -> None:
    found = office.orders(office.manager).compliance(day(1), day(30))
    assert found.people == [
        (office.jenny, "Jenny Ortiz"),
        (office.sam, "Sam Lee"),
        (office.tom, "Tom Becker"),
    ]
    assert found.of(office.jenny) == Tally(due=6, on_time=3, late=1)  # o1 o4 o10 | o2 | o3 o11
    assert found.of(office.tom) == Tally(due=2, on_time=0, late=1)  # o7 late, o8 not done
    assert found.of(office.sam) == Tally(due=1, on_time=1, late=0)  # o10
    assert found.of(office.manager) == Tally()
    assert found.practice == Tally(due=8, on_time=3, late=2)  # each order once
    assert found.of(office.jenny).missed == 2


def test_compliance_counts_an_order_once_its_deadline_passes(
    office: Office, counted: Counted
) -> None:
    karen = office.orders(office.manager)
    office.clock.set(at(18, 23, 59))
    assert karen.compliance(day(18), day(18)).of(office.tom) == Tally(due=1)  # o8 only
    office.clock.set(at(19, 0, 0))  # o9's day is over
    assert karen.compliance(day(18), day(18)).of(office.tom) == Tally(due=2)


def test_the_board_puts_overdue_first_then_by_due(office: Office, counted: Counted) -> None:
    board = office.orders(office.manager).board()
    # Overdue: o3 (since Wed 11), o11 (since this midnight), o8 (since 09:00 today).
    assert texts(board.orders) == [
        "order o3",
        "order o11",
        "order o8",
        "order o7",  # reported, waiting for Karen: its due passed, but it is not overdue
        "order o9",
        "order o4",
        "order o5",
    ]
    assert [o.overdue for o in board.orders] == [True, True, True, False, False, False, False]
    assert (board.overdue, board.reported) == (3, 2)
    # Closed in the last 7 days, newest first: o6 cancelled Tue 17, o10 accepted Fri 13.
    assert texts(board.recent) == ["order o6", "order o10"]
    # The board's window: the last 30 days up to today (o4 and o5, due Friday, not in it).
    window = board.compliance
    assert (window.first, window.last) == (dt.date(2026, 10, 20), TODAY)
    assert window.of(office.jenny) == Tally(due=5, on_time=2, late=1)
    assert window.of(office.tom) == Tally(due=2, on_time=0, late=1)


def test_my_orders_are_mine_and_my_posts(office: Office, counted: Counted) -> None:
    orders = office.orders(office.jenny)
    mine = orders.mine(office.jenny)
    assert mine.posts == [(office.reception, "Receptionist")]
    assert texts(mine.orders) == [
        "order o3",
        "order o11",
        "order o4",
        "order o5",
        "order o6",  # closed lately, newest first
        "order o10",
    ]
    assert mine.compliance == Tally(due=5, on_time=2, late=1)
    assert mine.overdue == 2
    sams = orders.mine(office.sam)  # Sam left the post: its orders are no longer his
    assert texts(sams.orders) == []
    assert sams.compliance == Tally(due=1, on_time=1, late=0)  # o10 was his, on time
    toms = orders.mine(office.tom)
    assert texts(toms.orders) == ["order o8", "order o7", "order o9"]
    o8 = toms.orders[0]
    assert o8.overdue and o8.on_time is None
    o7 = toms.orders[1]
    assert (o7.sent_back, o7.on_time, o7.reply) == (1, False, "done now")


# -- programs ---------------------------------------------------------------------------------


def test_a_program_its_steps_and_progress(office: Office) -> None:
    karen = office.orders(office.manager)
    program = karen.create_program("Reactivation", "200 inactive patients back in care")
    first = karen.add_step(program, "Pull the list", day(19), to_staff=office.jenny)
    second = karen.add_step(program, "Write the letter", day(20), to_staff=office.manager)
    third = karen.add_step(program, "Call them", day(27), to_post=office.reception)
    detail = karen.program(program)
    assert [(s.number, s.text) for s in detail.steps] == [
        (1, "Pull the list"),
        (2, "Write the letter"),
        (3, "Call them"),
    ]
    assert detail.steps[2].to is not None
    assert detail.steps[2].to.label == "Receptionist (Jenny Ortiz)"
    assert (detail.program.progress.done, detail.program.progress.total) == (0, 3)

    karen.move_step(third, -5)  # to the top, and no further
    karen.move_step(first, 1)
    assert [s.id for s in karen.program(program).steps] == [third, second, first]
    karen.edit_step(second, "Write and send the letter", day(23), to_staff=office.manager)
    assert karen.program(program).steps[1].text == "Write and send the letter"

    line = office.orders(office.jenny).step_done(third, "List of 212")
    assert (line.done_by, line.note, line.late) == ("Jenny Ortiz", "List of 212", False)
    with pytest.raises(OrderError, match="Already done — Jenny Ortiz marked it done at 10:00"):
        karen.step_done(third)
    with pytest.raises(OrderError, match="someone else's"):
        office.orders(office.tom).step_done(second)

    # Two days on, "Pull the list" (due the 19th) is overdue; the letter not yet.
    office.clock.set(at(20, 9))
    [found] = [p for p in karen.programs() if p.id == program]
    progress = found.progress
    assert (progress.done, progress.total, progress.overdue, progress.share) == (1, 3, 1, 1 / 3)
    assert [s.text for s in karen.program(program).steps if s.overdue] == ["Pull the list"]

    karen.remove_step(second)
    assert karen.program(program).program.progress.share == 1 / 2
    karen.reopen_step(third)
    assert karen.program(program).program.progress.done == 0


def test_programs_list_active_first_and_refuse_what_cannot_be(office: Office) -> None:
    karen = office.orders(office.manager)
    old = karen.create_program("New patient welcome", "")
    office.clock.advance(minutes=1)
    new = karen.create_program("Reactivation", "")
    karen.set_active(old, False)
    assert [(p.name, p.active) for p in karen.programs()] == [
        ("Reactivation", True),
        ("New patient welcome", False),
    ]
    with pytest.raises(OrderError, match="already a program called 'Reactivation'"):
        karen.create_program("reactivation")
    with pytest.raises(OrderError, match="already a program called 'Reactivation'"):
        karen.edit_program(old, "REACTIVATION", "")
    with pytest.raises(OrderError, match="needs a name"):
        karen.create_program("  ")
    with pytest.raises(OrderError, match="That is 10000 characters; 2000 at most"):
        karen.create_program("Recall", "g" * 10_000)
    with pytest.raises(OrderError, match="That is 10000 characters; 2000 at most"):
        karen.edit_program(old, "New patient welcome", "g" * 10_000)
    with pytest.raises(OrderError, match="Only the office manager or the owner writes programs"):
        office.orders(office.jenny).create_program("Mine")
    with pytest.raises(OrderError, match="in the past"):
        karen.add_step(new, "Late already", day(17), to_staff=office.jenny)
    with pytest.raises(OrderError, match="Leo Hart has left"):
        karen.add_step(new, "Call", day(20), to_staff=office.leo)
    with pytest.raises(OrderError, match="needs its target"):
        karen.add_step(new, "", day(20), to_staff=office.jenny)
    assert ProgramStep.select().count() == 0

    # A step whose due day has passed keeps it when only its words change.
    step = karen.add_step(new, "Call", day(19), to_staff=office.jenny)
    office.clock.set(at(25, 9))
    karen.edit_step(step, "Call them all", day(19), to_staff=office.jenny)
    with pytest.raises(OrderError, match="in the past"):
        karen.edit_step(step, "Call them all", day(24), to_staff=office.jenny)
    assert karen.program(new).steps[0].text == "Call them all"


def test_my_orders_list_my_program_steps(office: Office) -> None:
    karen = office.orders(office.manager)
    program = karen.create_program("Reactivation", "")
    archived = karen.create_program("Old", "")
    karen.add_step(program, "Call them", day(27), to_post=office.reception)
    karen.add_step(program, "Pull the list", day(19), to_staff=office.jenny)
    karen.add_step(program, "Letter", day(19), to_staff=office.manager)
    karen.add_step(archived, "Forgotten", day(19), to_staff=office.jenny)
    karen.set_active(archived, False)
    mine = office.orders(office.jenny).mine(office.jenny)
    assert [(s.number, s.text) for s in mine.steps] == [(2, "Pull the list"), (1, "Call them")]


def test_an_order_to_someone_who_has_left_since_says_so(office: Office) -> None:
    karen = office.orders(office.manager)
    order_id = karen.issue("Return the keys", day(20), to_staff=office.tom)
    Staff.update(active=False).where(Staff.id == office.tom).execute()
    line = karen.order(order_id)
    assert (line.to.short, line.to.label) == ("Tom Becker (left)", "Tom Becker (left)")
    assert karen.cancel(order_id, "Gone").status == OrderStatus.CANCELLED


def test_an_order_to_someone_who_has_left_goes_to_someone_else(office: Office) -> None:
    karen = office.orders(office.manager)
    keys = karen.issue("Return the keys", day(20), "17:00", to_staff=office.tom)
    karen.chase(keys)
    forms = karen.issue("Restock the forms", day(20), to_post=office.reception)
    Staff.update(active=False).where(Staff.id == office.tom).execute()
    HatHolder.update(until=TODAY).where(HatHolder.staff == office.jenny).execute()
    board = karen.board()
    assert [(o.text, o.to.stranded) for o in board.orders] == [
        ("Return the keys", True),  # Tom has left
        ("Restock the forms", True),  # nobody holds the Receptionist post today
    ]
    assert board.stranded == 2

    moved = karen.reassign(keys, to_staff=office.jenny)
    assert (moved.to.staff_id, moved.to.post_id, moved.to.stranded) == (office.jenny, None, False)
    assert (moved.due_on, moved.due_time) == (day(20), "17:00")  # as it was
    assert (moved.chased, moved.chased_at) == (0, None)  # Jenny has not been chased
    assert [(h.was, h.chased) for h in moved.handovers] == [("Tom Becker", 1)]  # Tom was
    assert moved.status == OrderStatus.OPEN
    stored = Order.get_by_id(keys)
    assert (stored.to_staff_id, stored.to_post_id) == (office.jenny, None)
    assert office.orders(office.jenny).report_done(keys).reported_by == "Jenny Ortiz"
    # A person's order can go to a post, and a post's to a person.
    assert karen.reassign(forms, to_staff=office.manager).to.label == "Karen Miles"
    assert karen.board().stranded == 0


def test_an_overdue_order_given_to_someone_else_needs_a_new_due(office: Office) -> None:
    """Else the newcomer would owe, already late, an order missed before it was theirs."""
    karen = office.orders(office.manager)
    keys = karen.issue("Return the keys", day(19), "17:00", to_staff=office.tom)
    office.clock.advance(days=2)  # Friday the 20th: due yesterday
    with pytest.raises(OrderError, match="It was due .* give it a new due as well"):
        karen.reassign(keys, to_staff=office.jenny)
    with pytest.raises(OrderError, match="is in the past"):
        karen.reassign(keys, to_staff=office.jenny, due=(day(19), None))
    assert Order.get_by_id(keys).to_staff_id == office.tom  # refused: nothing changed

    moved = karen.reassign(keys, to_staff=office.jenny, due=(day(23), "12:00"))
    assert (moved.to.staff_id, moved.due_on, moved.due_time, moved.overdue) == (
        office.jenny,
        day(23),
        "12:00",
        False,
    )
    week = karen.compliance(day(16), day(22))
    assert week.of(office.jenny).due == 0  # not hers to have missed
    assert week.of(office.tom) == Tally(due=1)  # his miss stays his
    assert week.practice == Tally(due=1)
    assert karen.compliance(day(23), day(23)).of(office.tom).due == 0  # the new due: Jenny's
    [handover] = moved.handovers
    assert (handover.was, handover.by, handover.due_on, handover.missed) == (
        "Tom Becker",
        "Karen Miles",
        day(19),
        True,
    )
    assert handover.at == office.clock.now()

    office.orders(office.jenny).report_done(keys)
    office.clock.advance(days=1)
    assert karen.compliance(day(16), day(23)).of(office.jenny) == Tally(due=1, on_time=1)
    assert karen.compliance(day(16), day(23)).of(office.tom) == Tally(due=1)
    karen.cancel(keys, "Not needed after all")
    assert karen.compliance(day(16), day(23)).practice == Tally()  # cancelled: no one's


def test_an_order_of_someone_who_left_before_its_due_is_no_miss_of_theirs(
    office: Office,
) -> None:
    """Tom held a hat until he left: orders due after are given on without a miss of his;
    one due while he was still here, and missed, stays his."""
    karen = office.orders(office.manager)
    HatHolder.create(post=office.empty_post, staff=office.tom, since=day(1))
    before = karen.issue("File the mail", day(18), "17:00", to_staff=office.tom)
    after = karen.issue("Return the keys", day(20), "17:00", to_staff=office.tom)
    office.clock.advance(days=2)  # Friday the 20th, 10:00: the 18th's order is missed
    Staff.update(active=False).where(Staff.id == office.tom).execute()
    HatHolder.update(until=day(19)).where(HatHolder.staff == office.tom).execute()
    office.clock.advance(days=1)  # Saturday: both overdue, Tom gone since Thursday
    new_due = (day(23), "12:00")
    [missed] = karen.reassign(before, to_staff=office.jenny, due=new_due).handovers
    [gone] = karen.reassign(after, to_staff=office.jenny, due=new_due).handovers
    assert (missed.missed, gone.missed) == (True, False)
    week = karen.compliance(day(16), day(22))
    assert week.of(office.tom) == Tally(due=1)  # the 18th's, not the 20th's
    assert week.practice == Tally(due=1)


def test_an_order_given_on_before_its_due_leaves_no_miss(office: Office) -> None:
    karen = office.orders(office.manager)
    keys = karen.issue("Return the keys", day(19), "17:00", to_staff=office.tom)
    moved = karen.reassign(keys, to_staff=office.jenny)
    [handover] = moved.handovers
    assert (handover.was, handover.missed) == ("Tom Becker", False)
    office.clock.advance(days=2)  # past its due, not done: Jenny's miss, not Tom's
    week = karen.compliance(day(16), day(22))
    assert (week.of(office.tom).due, week.of(office.jenny), week.practice) == (
        0,
        Tally(due=1),
        Tally(due=1),
    )


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda o, x, n: o.reassign(n, to_staff=x.leo), "Leo Hart has left the practice"),
        (lambda o, x, n: o.reassign(n, to_staff=x.tom), "Tom Becker's already"),
        (lambda o, x, n: o.reassign(n, to_post=x.empty_post), "Nobody holds the Marketing"),
        (lambda o, x, n: o.reassign(n), "Say to whom"),
        (lambda o, x, n: o.reassign(9999, to_staff=x.jenny), "no longer on record"),
        (
            lambda o, x, n: x.orders(x.jenny).reassign(n, to_staff=x.jenny),
            "Only the office manager or the owner gives an order to someone else",
        ),
    ],
)
def test_an_order_given_to_someone_else_who_cannot_take_it_is_refused(
    office: Office, change: Callable[[Orders, Office, int], object], said: str
) -> None:
    karen = office.orders(office.manager)
    order_id = karen.issue("Return the keys", day(20), to_staff=office.tom)
    with pytest.raises(OrderError, match=said):
        change(karen, office, order_id)
    stored = Order.get_by_id(order_id)
    assert (stored.to_staff_id, stored.to_post_id) == (office.tom, None)


def test_only_an_open_order_goes_to_someone_else(office: Office) -> None:
    karen = office.orders(office.manager)
    reported = karen.issue("Return the keys", day(20), to_staff=office.jenny)
    office.orders(office.jenny).report_done(reported, "On your desk")
    with pytest.raises(OrderError, match="Jenny Ortiz reported it done already: accept it"):
        karen.reassign(reported, to_staff=office.tom)
    cancelled = karen.issue("Order pens", day(20), to_staff=office.jenny)
    karen.cancel(cancelled)
    with pytest.raises(OrderError, match="Karen Miles cancelled it at 10:00"):
        karen.reassign(cancelled, to_staff=office.tom)
    assert {o.to_staff_id for o in Order.select()} == {office.jenny}


def test_an_order_cancelled_on_another_terminal_is_not_given_on(office: Office) -> None:
    """The manager cancels it while the owner's picker is open: the owner is told."""
    karen = office.orders(office.manager)
    order_id = karen.issue("Return the keys", day(20), to_staff=office.tom)
    karen.cancel(order_id)
    with pytest.raises(OrderError, match="Nothing was changed"):
        office.orders(office.owner).reassign(order_id, to_staff=office.jenny)
    assert Order.get_by_id(order_id).to_staff_id == office.tom


# -- due examples and what a due reads as ---------------------------------------------------

WEEKDAYS = frozenset(range(5))


def test_the_due_example_is_ahead_and_on_open_days() -> None:
    # Wednesday 18 November: Friday, two weeks on is Wednesday 2 December.
    assert due_example(TODAY, WEEKDAYS) == "fri 17:00, tomorrow, +3, 2 Dec"
    assert due_example(TODAY, WEEKDAYS, with_time=False) == "fri, +3, 2 Dec"
    # Friday 20th: Sunday is closed, so Monday; two weeks on, Friday 4 December.
    assert due_example(day(20), WEEKDAYS) == "mon 17:00, tomorrow, +3, 4 Dec"
    # Saturday 19 December: the date crosses the year and lands on a Saturday → Monday.
    assert due_example(dt.date(2026, 12, 19), WEEKDAYS).endswith(", 4 Jan")
    # Every example parses to a day after today, whatever the day.
    for offset in range(14):
        today = TODAY + dt.timedelta(days=offset)
        for part in due_example(today, WEEKDAYS).split(", "):
            due_on, _ = parse_due(part, today)
            assert due_on > today, (today, part)
            if part != "tomorrow" and not part.startswith("+"):
                assert due_on.weekday() in WEEKDAYS, (today, part)


def test_what_a_due_reads_as_names_the_day_and_a_closed_one() -> None:
    assert due_said(day(20), "17:00", TODAY, WEEKDAYS) == "→ Fri 20 Nov 17:00"
    assert due_said(TODAY, "16:00", TODAY, WEEKDAYS) == "→ today, Wed 18 Nov 16:00"
    assert due_said(day(21), None, day(20), WEEKDAYS) == (
        "→ tomorrow, Sat 21 Nov · closed on Saturdays; next open day Mon 23 Nov"
    )
    assert due_said(dt.date(2027, 1, 5), None, TODAY, WEEKDAYS) == "→ Tue 5 Jan 2027"
    assert next_open_day(day(21), WEEKDAYS) == day(23)
    assert next_open_day(day(21), frozenset({5})) == day(21)


def test_the_open_days_are_the_practices(office: Office) -> None:
    karen = office.orders(office.manager)
    assert karen.open_days() == WEEKDAYS
    set_open_days(office.database, frozenset({0, 1, 2, 3, 4, 5}), by=ADMINISTRATOR)
    assert karen.open_days() == frozenset(range(6))


# -- the demo's orders ---------------------------------------------------------------------


def _demo_rows(database: Database, clock: FrozenClock) -> list[tuple[object, ...]]:
    from om_tui.demo.orders import open_demo_orders

    loaded = settings.load(database)
    open_demo_orders(database, clock, loaded)
    open_demo_orders(database, clock, loaded)  # opened again: nothing more
    return [
        (o.text, o.status, o.due_on, o.reported_at, o.done_at, o.chased, o.chased_at)
        for o in Order.select().order_by(Order.id)
    ]


def _demo_staff(database: Database) -> None:
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)
    people = {}
    for name, role in (
        ("Dr. Sarah Chen", Role.OWNER),
        ("Dr. Marcus Webb", Role.STAFF),
        ("Karen Miles", Role.OFFICE_MANAGER),
        ("Jenny Ortiz", Role.FRONT_DESK),
        ("Tom Becker", Role.STAFF),
    ):
        people[name] = Staff.create(name=name, initials=name[:2], role=role).id
    for title, holder in (
        ("Receptionist", "Jenny Ortiz"),
        ("Insurance & Billing", "Karen Miles"),
        ("Chiropractic Assistant", "Tom Becker"),
    ):
        post = Post.create(title=title).id
        HatHolder.create(post=post, staff=people[holder], since=day(1))


def test_the_demo_orders_are_the_same_each_time_and_tell_a_story(
    database: Database, tmp_path: Path
) -> None:
    clock = FrozenClock(at(18, 10, 7))
    _demo_staff(database)
    rows = _demo_rows(database, clock)
    assert len(rows) == 16
    other = open_database(tmp_path / "again.db")
    try:
        _demo_staff(other)
        assert _demo_rows(other, clock) == rows
    finally:
        other.close()
        database.bind(MODELS)
    orders = Orders(database, clock, settings.load(database), None)
    board = orders.board()
    assert board.overdue == 3 and board.reported == 1
    on_time = [o for o in board.recent if o.on_time]
    late = [o for o in board.recent if o.on_time is False]
    assert len(on_time) >= 3 and len(late) >= 2
    assert all(o.created <= o.deadline for o in (*board.orders, *board.recent))
    assert max(o.chased for o in board.orders) == 2
    assert [(p.name, p.progress.done, p.progress.total) for p in orders.programs()] == [
        ("Reactivate 200 patients", 2, 6),
        ("Front desk in 60 seconds", 1, 3),
    ]
