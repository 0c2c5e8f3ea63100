"""How compliance is counted.

Compliance = occurrences done on time ÷ occurrences due, where an occurrence is one
item, one period, one holder (a shared item is owed once by all its post's holders).
An item is due in a period when one of its versions is in force on `due_on`, the
person holds the post that day and is not on leave. An occurrence whose deadline is
still ahead is not due yet (unless already ticked).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Sequence

from db.models import (
    ChecklistItem,
    Frequency,
    HatHolder,
    Post,
    Staff,
    Tick,
    utc_naive,
)
from om_tui.practice.hats.base import _rows
from om_tui.practice.hats.checksheets import HatChecksheets
from om_tui.practice.hats.leave import HatLeave
from om_tui.practice.hats.periods import _in_force, not_due_yet
from om_tui.practice.hats.views import (
    SHARED,
    ChecksheetProgress,
    Compliance,
    Occurrence,
    Outstanding,
    State,
    Tally,
    _Item,
    _Ticked,
)


class HatCompliance(HatChecksheets, HatLeave):
    """Compliance: occurrences, the matrix, and what is outstanding."""

    # -- compliance -------------------------------------------------------------------

    def occurrences(
        self, first: dt.date, last: dt.date, person_ids: Sequence[int] | None = None
    ) -> list[Occurrence]:
        """Every occurrence due from `first` to `last` (by `due_on`), not yet-open ones."""
        now = self.clock.now()
        titles: dict[int, str] = dict(_rows(Post.select(Post.id, Post.title).tuples()))
        names = self.names()
        tickable = self._tickable_periods(now)
        found = []
        for item, due_on, deadline, staff_id, tick in self._due(first, last, person_ids, now):
            at: dt.datetime | None = None
            by: int | None = None
            if tick is not None:
                on_time, when, by = tick
                at = dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC)
                state = State.DONE if on_time else State.LATE
            else:
                state = State.OVERDUE if due_on in tickable[item.frequency] else State.MISSED
            post = titles.get(item.post_id, "")
            name = names.get(by) if by is not None else None
            found.append(Occurrence.of(item, post, due_on, deadline, staff_id, state, by, name, at))
        return found

    def _tickable_periods(self, now: dt.datetime) -> dict[str, set[dt.date]]:
        """Frequency → the periods that may still be ticked (this one and the last)."""
        tickable = {}
        for frequency in Frequency:
            current = self.periods.current(frequency, now)
            tickable[str(frequency)] = {current, self.periods.previous(frequency, current)}
        return tickable

    def _due(
        self,
        first: dt.date,
        last: dt.date,
        person_ids: Sequence[int] | None,
        now: dt.datetime,
    ) -> Iterator[tuple[_Item, dt.date, dt.datetime, int, _Ticked | None]]:
        """(item, due_on, deadline, person, tick) for every occurrence due in the range.

        The one walk behind both the drill-down and the matrix. A big practice's quarter
        is ~30,000 occurrences and ~25,000 ticks, so this reads rows as tuples, ticks
        through a raw cursor (peewee's per-row conversions tripled that read) and works
        each period's deadline out once.
        """
        holdings = _rows(
            HatHolder.select(HatHolder.post, HatHolder.staff, HatHolder.since, HatHolder.until)
            .where(
                (HatHolder.since <= last) & (HatHolder.until.is_null() | (HatHolder.until > first))
            )
            .tuples()
        )
        if person_ids is not None:
            wanted = set(person_ids)
            holdings = [h for h in holdings if h[1] in wanted]
        if not holdings:
            return
        by_post: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
        for post_id, staff_id, since, until in holdings:
            by_post[post_id].append((staff_id, since, until))
        items = [
            _Item(*row)
            for row in _rows(
                ChecklistItem.select(
                    ChecklistItem.id,
                    ChecklistItem.key,
                    ChecklistItem.post,
                    ChecklistItem.text,
                    ChecklistItem.frequency,
                    ChecklistItem.due_time,
                    ChecklistItem.shared,
                    ChecklistItem.start,
                    ChecklistItem.end,
                )
                .where(
                    ChecklistItem.post.in_(list(by_post))
                    & (ChecklistItem.start <= last)
                    & (ChecklistItem.end.is_null() | (ChecklistItem.end > first))
                )
                .tuples()
            )
        ]
        on_leave = self._leave({s for hs in by_post.values() for s, _, _ in hs}, first, last)
        # Ticks stay text: `at` is stored as "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, which
        # compares with a deadline written the same way as the instants do. Converting
        # a quarter's 25,000 ticks to datetimes cost more than reading them. SQLite hands
        # the text over as it is; PostgreSQL a date and a datetime, whose str() is it.
        sql, params = (
            Tick.select(Tick.key, Tick.due_on, Tick.holder, Tick.at, Tick.by)
            .where(Tick.due_on.between(first, last))
            .sql()
        )
        cursor = self.database.execute_sql(sql, params)  # type: ignore[no-untyped-call]
        ticks = {(key, str(on), holder): (str(at), by) for key, on, holder, at, by in cursor}
        # Each frequency's periods in the range, and each (frequency, due time)'s
        # deadlines, worked out once; an item takes the slice its versions cover.
        days = {str(f): list(self.periods.due_days(f, first, last)) for f in Frequency}
        schedules: dict[tuple[str, str | None], list[tuple[dt.date, str, dt.datetime, str]]] = {}
        for item in items:
            schedule = schedules.get((item.frequency, item.due_time))
            if schedule is None:
                schedule = schedules[(item.frequency, item.due_time)] = []
                for due_on in days[item.frequency]:
                    deadline = self.periods.deadline(item.frequency, due_on, item.due_time)
                    schedule.append(
                        (due_on, due_on.isoformat(), deadline, str(utc_naive(deadline)))
                    )
            stop = last if item.end is None else item.end - dt.timedelta(days=1)
            held = by_post[item.post_id]
            own = not item.shared
            periods = days[item.frequency]
            start, end = bisect_left(periods, item.start), bisect_right(periods, stop)
            for due_on, day, deadline, by_then in schedule[start:end]:
                for staff_id, since, until in held:
                    if not _in_force(since, until, due_on) or (staff_id, due_on) in on_leave:
                        continue
                    tick = ticks.get((item.key, day, staff_id if own else SHARED))
                    if tick is None:
                        if not_due_yet(deadline, now):
                            continue
                        yield item, due_on, deadline, staff_id, None
                    else:
                        yield item, due_on, deadline, staff_id, (tick[0] <= by_then, *tick)

    def compliance(
        self,
        first: dt.date,
        last: dt.date,
        by_week: bool = False,
        person_ids: Sequence[int] | None = None,
    ) -> Compliance:
        """The compliance matrix from `first` to `last`: by day, or by stats week.

        Everyone who owed an item in the window is in it, those who have left since too
        (for the days they held a hat: the staff roster takes a leaver off their hats).
        """
        weeks = self.periods.weeks
        if by_week:
            periods = list(self.periods.due_days(Frequency.WEEKLY, first, last))
            if not periods or periods[-1] < last:
                periods.append(weeks.week_of_day(last))
        else:
            periods = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        query = Staff.select(Staff.id, Staff.name, Staff.active).order_by(Staff.name, Staff.id)
        staff = _rows(query.tuples())
        if person_ids is not None:
            chosen = set(person_ids)
            staff = [row for row in staff if row[0] in chosen]
        people = [(person_id, name) for person_id, name, _ in staff]
        gone = {person_id for person_id, _, active in staff if not active}
        # Counted as (person, period, post) → [due, on time, late]; no Occurrence is built.
        counts: dict[tuple[int, dt.date, int], list[int]] = defaultdict(lambda: [0, 0, 0])
        period_of: dict[dt.date, dt.date] = {}
        wanted = None if person_ids is None else [person_id for person_id, _ in people]
        walk = self._due(first, last, wanted, self.clock.now())
        for item, due_on, _, staff_id, tick in walk:
            period = period_of.get(due_on)
            if period is None:
                period = period_of[due_on] = weeks.week_of_day(due_on) if by_week else due_on
            count = counts[(staff_id, period, item.post_id)]
            count[0] += 1
            if tick is not None:
                count[1 if tick[0] else 2] += 1
        titles: dict[int, str] = dict(_rows(Post.select(Post.id, Post.title).tuples()))
        cells: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0, 0])
        totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        by_post: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
        for (person, period, post_id), count in counts.items():
            for sums in (cells[(person, period)], totals[person], by_post[(person, post_id)]):
                sums[0] += count[0]
                sums[1] += count[1]
                sums[2] += count[2]
        return Compliance(
            periods=periods,
            by_week=by_week,
            people=[p for p in people if p[0] in totals],
            cells={key: Tally(*sums) for key, sums in cells.items()},
            totals={key: Tally(*sums) for key, sums in totals.items()},
            by_post={key: Tally(*sums) for key, sums in by_post.items()},
            posts={post_id: titles.get(post_id, "") for _, post_id in by_post},
            left=self._left_on(gone & set(totals)),
        )

    def _left_on(self, person_ids: set[int]) -> dict[int, dt.date | None]:
        """Person → the day they stopped holding hats (None while one is still theirs)."""
        if not person_ids:
            return {}
        left: dict[int, dt.date | None] = {}
        for staff_id, until in _rows(
            HatHolder.select(HatHolder.staff, HatHolder.until)
            .where(HatHolder.staff.in_(list(person_ids)))
            .tuples()
        ):
            if staff_id in left and left[staff_id] is None:
                continue
            held_until = left.get(staff_id)
            left[staff_id] = None if until is None else max(until, held_until or until)
        return left

    def outstanding_attestations(self) -> list[Outstanding]:
        """Who owes which policy an attestation, for the manager."""
        people = self.people()
        owed = self._policies_owed([p for p, _ in people])
        return [
            Outstanding(name, due.title, due.number)
            for person_id, name in people
            for due in owed.get(person_id, [])
        ]

    def checksheets_in_progress(self) -> list[tuple[str, ChecksheetProgress]]:
        """Each holder's unfinished training checksheets."""
        people = self.people()
        progress = self._checksheets([p for p, _ in people])
        return [
            (name, found)
            for person_id, name in people
            for found in progress.get(person_id, [])
            if found.done < found.total
        ]
