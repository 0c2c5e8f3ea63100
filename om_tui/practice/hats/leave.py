"""Leave: the days a person is away, when none of their hats' items are due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from db.models import (
    Leave,
    Staff,
)
from om_tui.practice import limits
from om_tui.practice.hats.base import HatsBase, _optional
from om_tui.practice.hats.views import HatError
from om_tui.practice.people.roles import checked


class HatLeave(HatsBase):
    """Recording leave, and reading who was away when."""

    # -- leave --------------------------------------------------------------------------

    def person_named(self, name: str) -> int:
        """A staff member by name, or by the start of it if only one name starts so."""
        wanted = name.strip().lower()
        people = list(Staff.select(Staff.id, Staff.name))
        exact = [s.id for s in people if s.name.lower() == wanted]
        starting = [s.id for s in people if wanted and s.name.lower().startswith(wanted)]
        found = exact or starting
        if not people:
            raise HatError("There is no one on the staff list yet.")
        if len(found) != 1:
            known = ", ".join(s.name for s in people)
            raise HatError(f"No one person is called {name!r}. Staff: {known}.")
        return int(found[0])

    @checked("hats", "records leave")
    def add_leave(self, staff_id: int, start: dt.date, end: dt.date, note: str = "") -> int:
        """A person away from `start` to `end`, both included: they owe no items then."""
        if end < start:
            raise HatError("Leave ends on or after the day it starts.")
        limits.checked_day(start, "A leave's first day", HatError)
        limits.checked_day(end, "A leave's last day", HatError)
        note = _optional(note, limits.LEAVE_NOTE)
        return int(Leave.create(staff=staff_id, start=start, end=end, note=note).id)

    def leave(self, since: dt.date | None = None) -> list[tuple[int, str, dt.date, dt.date, str]]:
        """Leave ending on or after `since` (default today): (id, name, start, end, note)."""
        since = since or self.today()
        query = (
            Leave.select(Leave, Staff)
            .join(Staff)
            .where(Leave.end >= since)
            .order_by(Leave.start, Staff.name)
        )
        return [(row.id, row.staff.name, row.start, row.end, row.note) for row in query]

    @checked("hats", "records leave")
    def remove_leave(self, leave_id: int) -> None:
        if not Leave.delete().where(Leave.id == leave_id).execute():
            raise HatError(f"There is no leave numbered {leave_id}.")

    def _leave(
        self, person_ids: Iterable[int], first: dt.date, last: dt.date
    ) -> set[tuple[int, dt.date]]:
        """The (person, day) pairs spent on leave from `first` to `last`."""
        away: set[tuple[int, dt.date]] = set()
        for leave in Leave.select().where(
            Leave.staff.in_(list(person_ids)) & (Leave.start <= last) & (Leave.end >= first)
        ):
            day = max(first, leave.start)
            while day <= min(last, leave.end):
                away.add((leave.staff_id, day))
                day += dt.timedelta(days=1)
        return away
