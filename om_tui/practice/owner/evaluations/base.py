"""What every part of the evaluations service holds: who acts and may read or
evaluate whom, and the period an evaluation covers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import Database, fn

from db.models import (
    EvaluationKind,
    HatHolder,
    Role,
    Staff,
)
from om_tui.practice.clock import Clock
from om_tui.practice.hats.service import Hats
from om_tui.practice.owner.evaluations.views import (
    LONGEST_PERIOD_DAYS,
    NEW_HIRE_DAYS,
    YEAR_DAYS,
    EvaluationError,
    _day,
)
from om_tui.practice.people.roles import ADMINISTRATOR, may, require
from om_tui.practice.settings import PracticeSettings


@dataclass
class EvaluationsBase:
    """The evaluations service's ground: who may, and the period."""

    database: Database
    clock: Clock
    settings: PracticeSettings
    staff_id: int | None = None
    _hats: Hats | None = field(default=None, init=False, repr=False)

    def today(self) -> dt.date:
        return self.settings.today(self.clock.now())

    @property
    def hats(self) -> Hats:
        if self._hats is None:
            self._hats = Hats(self.database, self.clock, self.settings, self.staff_id)
        return self._hats

    # -- who may ------------------------------------------------------------------------

    def _actor(self) -> Staff:
        if self.staff_id is None:
            raise EvaluationError("Evaluations are written in a person's name: log in first.")
        person = Staff.get_or_none(Staff.id == self.staff_id)
        if person is None or not person.active:
            raise EvaluationError(
                "You are no longer on the active staff list: nothing was changed."
            )
        return person

    def _acting(self, permission: str, doing: str) -> Staff:
        """The actor, read inside the change's transaction, when their role allows it."""
        if self.staff_id is None or self.staff_id == ADMINISTRATOR:
            raise EvaluationError("Evaluations are written in a person's name: log in first.")
        person = require(self.database, self.staff_id, permission, doing, EvaluationError)
        assert person is not None  # a person's id, not the administrator's
        return person

    def _evaluator(self, staff_id: int) -> Staff:
        """The actor, when they may evaluate `staff_id`: a manager or the owner, not themselves."""
        actor = self._acting("evaluations", "evaluates staff")
        if actor.id == staff_id:
            raise EvaluationError(
                "Nobody evaluates themselves: another manager or the owner writes yours "
                "(your self-evaluation goes on it)."
            )
        person = self._person(staff_id)
        if person.role == Role.OWNER and actor.role != Role.OWNER:
            raise EvaluationError("The owner is not evaluated by their staff.")
        return actor

    def _may_read(self, staff_id: int) -> bool:
        """May the actor see `staff_id`'s evaluations? Their own; a manager everyone's."""
        actor = self._actor()
        return actor.id == staff_id or may(actor.role, "evaluations")

    @staticmethod
    def _person(staff_id: int) -> Staff:
        person = Staff.get_or_none(Staff.id == staff_id)
        if person is None:
            raise EvaluationError("That person is not on the staff list.")
        return person

    # -- the period ----------------------------------------------------------------------

    def first_hat(self, staff_id: int) -> dt.date | None:
        """The day the person first held a post: a new hire's start, as far as om-tui knows."""
        first = (
            HatHolder.select(fn.MIN(HatHolder.since)).where(HatHolder.staff == staff_id).scalar()
        )
        if first is None:
            return None
        return first if isinstance(first, dt.date) else dt.date.fromisoformat(str(first))

    def period(
        self,
        staff_id: int,
        kind: str,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> tuple[dt.date, dt.date]:
        """The period an evaluation of `kind` covers (a manager's `start` or `end` stands)."""
        today = self.today()
        if kind == EvaluationKind.NEW_HIRE:
            if start is None:
                start = self.first_hat(staff_id)
            if start is None:
                name = self._person(staff_id).name
                raise EvaluationError(
                    f"{name} has held no hat yet: a 90-day evaluation counts from the first "
                    "hat. Give the start day, or choose the dates."
                )
            end = end or start + dt.timedelta(days=NEW_HIRE_DAYS - 1)
        elif kind == EvaluationKind.YEARLY:
            end = end or today
            start = start or end - dt.timedelta(days=YEAR_DAYS - 1)
        elif kind == EvaluationKind.CHOSEN:
            if start is None or end is None:
                raise EvaluationError("A chosen period needs its first and its last day.")
        else:
            raise EvaluationError("An evaluation is 90-day, yearly, or for a chosen period.")
        if end < start:
            raise EvaluationError(
                f"The period ends ({_day(end)}) before it starts ({_day(start)})."
            )
        if start > today:
            raise EvaluationError(
                f"The period starts on {_day(start)}, after today: nothing to evaluate yet."
            )
        if (end - start).days >= LONGEST_PERIOD_DAYS:
            raise EvaluationError("An evaluation covers at most three years.")
        return start, end
