"""Compliance counted by hand on a small office: per day, per stats week and per hat.

New York time; the stats week ends Thursday 14:00; Monday to Friday are open days.
"Now" is Monday 9 February 2026, noon. Two posts:

- Front desk, held by Ann and Ben: "Open up" daily by 08:00; "Tidy" daily by the end of
  the day, shared (one tick for both); "Reactivation calls" weekly (by the cutoff).
- Books, held by Ann: "Statements" monthly (by the month's last day, Saturday 31 January);
  "Post payments" daily by 11:00, added on Wednesday 4 February (due from then only).

Ben is on leave Tuesday 3 and Wednesday 4 February. The window is the stats week ending
Thursday 5 February (Friday 30 January to Thursday 5 February), and for the week view
also the week in progress (ending 12 February: Friday 6 and Monday 9 so far).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from peewee import Database

from db.models import Frequency, HatHolder, Leave, Role, Staff, Tick, utc_naive
from om_tui.practice.clock import FrozenClock
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import SHARED, Compliance, State, Tally
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.staff import People
from om_tui.practice.settings import PracticeSettings

ZONE = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 2, 9, 12, 0, tzinfo=ZONE)  # Monday noon
FIRST = dt.date(2026, 1, 30)  # Friday: the first day of the week ending Thursday 5 February
LAST = dt.date(2026, 2, 5)
WEEK = dt.date(2026, 2, 5)
NEXT_WEEK = dt.date(2026, 2, 12)


def day(n: int, month: int = 2) -> dt.date:
    return dt.date(2026, month, n)


def at(when: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(when, dt.time(hour, minute), tzinfo=ZONE)


@dataclass
class Office:
    hats: Hats
    ann: int
    ben: int
    front_desk: int
    books: int
    items: dict[str, int]


@pytest.fixture
def office(database: Database) -> Office:
    clock = FrozenClock(at(day(1, 1), 9))
    hats = Hats(database, clock, PracticeSettings(timezone="America/New_York"), ADMINISTRATOR)
    ann = Staff.create(name="Ann Avery", initials="AA", role=Role.FRONT_DESK).id
    ben = Staff.create(name="Ben Brook", initials="BB", role=Role.FRONT_DESK).id
    front_desk = hats.create_post("Front desk")
    books = hats.create_post("Books")
    for post, person in ((front_desk, ann), (front_desk, ben), (books, ann)):
        HatHolder.create(post=post, staff=person, since=day(1, 1))
    items = {
        "open": hats.add_item(front_desk, "Open up", Frequency.DAILY, "8:00"),
        "tidy": hats.add_item(front_desk, "Tidy", Frequency.DAILY, shared=True),
        "calls": hats.add_item(front_desk, "Reactivation calls", Frequency.WEEKLY),
        "statements": hats.add_item(books, "Statements", Frequency.MONTHLY),
    }
    clock.set(at(day(4), 9))  # added mid-week: due from Wednesday 4 February on
    items["payments"] = hats.add_item(books, "Post payments", Frequency.DAILY, "11:00")
    Leave.create(staff=ben, start=day(3), end=day(4), note="Away")

    def tick(item: str, due_on: dt.date, holder: int, by: int, when: dt.datetime) -> None:
        item_id = items[item]
        Tick.create(
            item=item_id, key=item_id, due_on=due_on, holder=holder, by=by, at=utc_naive(when)
        )

    tick("open", day(30, 1), ann, ann, at(day(30, 1), 7, 50))  # on time
    tick("open", day(2), ann, ann, at(day(2), 8, 30))  # late
    # Ann's Open up of Tuesday 3: not ticked (missed)
    tick("open", day(4), ann, ann, at(day(4), 7, 59))  # on time
    tick("open", day(5), ann, ann, at(day(5), 8, 0))  # on the minute: on time
    tick("open", day(30, 1), ben, ben, at(day(30, 1), 7, 0))  # on time
    # Ben's Open up of Monday 2: not ticked (missed)
    tick("open", day(5), ben, ben, at(day(5), 9, 0))  # late
    tick("tidy", day(30, 1), SHARED, ben, at(day(30, 1), 17, 0))  # on time, for both
    tick("tidy", day(2), SHARED, ann, at(day(2), 23, 59))  # on time, for both
    # Tidy of Tuesday 3: not ticked (Ann missed it; Ben was away)
    tick("tidy", day(4), SHARED, ann, at(day(5), 9, 0))  # the next morning: late (Ann only)
    # Tidy of Thursday 5: not ticked (missed by both)
    tick("calls", WEEK, ann, ann, at(day(5), 13, 0))  # before the 14:00 cutoff: on time
    tick("calls", WEEK, ben, ben, at(day(5), 15, 0))  # after it: late
    tick("statements", day(31, 1), ann, ann, at(day(1), 10, 0))  # a day after the month: late
    tick("payments", day(4), ann, ann, at(day(4), 10, 0))  # on time
    # Post payments of Thursday 5: not ticked (missed)
    tick("tidy", day(9), SHARED, ben, at(day(9), 9, 0))  # today, its deadline ahead: done
    clock.set(NOW)
    return Office(hats, ann, ben, front_desk, books, items)


def tallies(matrix: Compliance, person: int) -> dict[dt.date, tuple[int, int, int]]:
    """Each period's (due, on time, late) for one person; periods with nothing due left out."""
    found = {}
    for period in matrix.periods:
        cell = matrix.cell(person, period)
        if cell.due:
            found[period] = (cell.due, cell.on_time, cell.late)
    return found


def counts(tally: Tally) -> tuple[int, int, int, int]:
    return tally.due, tally.on_time, tally.late, tally.missed


def test_each_day_counts_the_items_due_that_day(office: Office) -> None:
    matrix = office.hats.compliance(FIRST, LAST)
    assert matrix.periods == [FIRST + dt.timedelta(days=n) for n in range(7)]
    assert matrix.people == [(office.ann, "Ann Avery"), (office.ben, "Ben Brook")]
    assert tallies(matrix, office.ann) == {
        day(30, 1): (2, 2, 0),  # Open up on time, Tidy on time
        day(31, 1): (1, 0, 1),  # Saturday, but the month's last day: Statements, late
        day(2): (2, 1, 1),  # Open up late, Tidy on time (ticked 23:59)
        day(3): (2, 0, 0),  # both missed
        day(4): (3, 2, 1),  # Open up and Post payments (its first day) on time, Tidy late
        day(5): (4, 2, 0),  # Open up (08:00 sharp) and the calls on time; Tidy, payments missed
    }
    assert tallies(matrix, office.ben) == {
        day(30, 1): (2, 2, 0),
        day(2): (2, 1, 0),  # Open up missed, Tidy (Ann's tick, shared) on time
        # Tuesday 3 and Wednesday 4: on leave, nothing owed
        day(5): (3, 0, 2),  # Open up late, the calls late, Tidy missed
    }
    assert matrix.cell(office.ann, day(1)).share is None  # Sunday: nothing due
    assert counts(matrix.totals[office.ann]) == (14, 7, 3, 4)
    assert counts(matrix.totals[office.ben]) == (7, 3, 2, 2)
    assert matrix.totals[office.ann].share == pytest.approx(0.5)


def test_each_hat_counts_its_own_items(office: Office) -> None:
    matrix = office.hats.compliance(FIRST, LAST)
    assert counts(matrix.by_post[(office.ann, office.front_desk)]) == (11, 6, 2, 3)
    assert counts(matrix.by_post[(office.ann, office.books)]) == (3, 1, 1, 1)
    assert counts(matrix.by_post[(office.ben, office.front_desk)]) == (7, 3, 2, 2)
    assert (office.ben, office.books) not in matrix.by_post
    assert matrix.posts == {office.front_desk: "Front desk", office.books: "Books"}


def test_a_week_counts_its_days_and_its_weekly_item(office: Office) -> None:
    matrix = office.hats.compliance(FIRST, NEXT_WEEK, by_week=True)
    assert matrix.periods == [WEEK, NEXT_WEEK]
    # The week in progress: Friday 6 (Open up, Tidy, payments: not ticked, still
    # tickable) and Monday 9 by noon (Open up and payments past their time; Tidy's
    # deadline is ahead, but Ben ticked it: done, and counted). The calls are not due yet.
    assert tallies(matrix, office.ann) == {WEEK: (14, 7, 3), NEXT_WEEK: (6, 1, 0)}
    assert tallies(matrix, office.ben) == {WEEK: (7, 3, 2), NEXT_WEEK: (4, 1, 0)}
    assert counts(matrix.totals[office.ann]) == (20, 8, 3, 9)


def test_the_drill_down_says_what_became_of_each_item(office: Office) -> None:
    found = office.hats.occurrences(day(3), day(9), [office.ann])
    states = {(o.text, o.due_on): o.state for o in found}
    assert states[("Open up", day(3))] == State.MISSED  # its period is closed
    assert states[("Tidy", day(4))] == State.LATE
    assert states[("Open up", day(5))] == State.DONE
    assert states[("Open up", day(6))] == State.OVERDUE  # last open day: may still be ticked
    assert states[("Tidy", day(9))] == State.DONE
    assert ("Post payments", day(3)) not in states  # not on the hat yet
    assert ("Reactivation calls", NEXT_WEEK) not in states  # not due yet
    late = next(o for o in found if (o.text, o.due_on) == ("Tidy", day(4)))
    assert late.ticked_by == "Ann Avery"
    assert late.ticked_at == at(day(5), 9).astimezone(dt.UTC)
    assert not any(o.person_id == office.ben for o in found)


def test_someone_who_left_keeps_their_record_and_owes_nothing_after(office: Office) -> None:
    """Ben leaves on Tuesday 3 February: the roster takes him off his hat that day (as the
    staff screen does) and deactivates him. His Friday and Monday stay in the matrix, marked
    as his who has left; from Tuesday on he owes nothing, the week's calls (due Thursday)
    included; Ann's figures do not change."""
    clock = office.hats.clock
    assert isinstance(clock, FrozenClock)
    clock.set(at(day(3), 9))
    office.hats.remove_holder(office.front_desk, office.ben)
    People(office.hats.database, clock, ADMINISTRATOR).deactivate(office.ben)
    clock.set(NOW)

    matrix = office.hats.compliance(FIRST, LAST)
    assert matrix.people == [(office.ann, "Ann Avery"), (office.ben, "Ben Brook")]
    assert matrix.left == {office.ben: day(3)}
    assert tallies(matrix, office.ben) == {
        day(30, 1): (2, 2, 0),  # Open up and Tidy on time
        day(2): (2, 1, 0),  # Open up missed, Tidy (Ann's tick, shared) on time
    }
    assert counts(matrix.totals[office.ben]) == (4, 3, 0, 1)
    assert counts(matrix.totals[office.ann]) == (14, 7, 3, 4)

    weeks = office.hats.compliance(FIRST, NEXT_WEEK, by_week=True)
    assert tallies(weeks, office.ben) == {WEEK: (4, 3, 0)}
    assert weeks.left == {office.ben: day(3)}
    assert not any(o.person_id == office.ben for o in office.hats.occurrences(day(3), day(9)))
    assert office.hats.names()[office.ben] == "Ben Brook"

    later = office.hats.compliance(day(6), day(9))  # after he left: not in it at all
    assert office.ben not in dict(later.people)
    assert later.left == {}


def test_at_the_deadline_itself_an_item_is_due_in_my_hat_and_in_the_matrix(
    office: Office,
) -> None:
    """Ann's "Open up" of Monday 9 February is due by 08:00. A microsecond before, it is
    open on My hat and not yet owed in the matrix; at 08:00 exactly it is due in both:
    overdue on My hat, owed (and not done) in the matrix — one rule for the two."""
    clock = office.hats.clock
    assert isinstance(clock, FrozenClock)
    deadline = at(day(9), 8)

    def open_up_today() -> State:
        today = office.hats.my_hat(office.ann).today
        [found] = [o for o in today if (o.text, o.due_on) == ("Open up", day(9))]
        return found.state

    def owed_today() -> list[str]:
        return [o.text for o in office.hats.occurrences(day(9), day(9), [office.ann])]

    clock.set(deadline - dt.timedelta(microseconds=1))
    assert open_up_today() == State.OPEN
    assert owed_today() == ["Tidy"]  # Ben ticked the shared Tidy early; nothing else owed yet
    assert tallies(office.hats.compliance(day(9), day(9)), office.ann) == {day(9): (1, 1, 0)}

    clock.set(deadline)
    assert open_up_today() == State.OVERDUE
    assert sorted(owed_today()) == ["Open up", "Tidy"]
    assert tallies(office.hats.compliance(day(9), day(9)), office.ann) == {day(9): (2, 1, 0)}
