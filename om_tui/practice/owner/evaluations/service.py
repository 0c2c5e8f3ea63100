"""Performance evaluations: a staff member's figures over a period, gathered by om-tui;
the manager's ratings (1–5 on the practice's criteria) and comments; the person's own
self-evaluation; and, once finished, a record kept as it was.

The period: 90 days from the person's first hat (a new hire — there is no hire date,
so the day they first held a post stands for it, or the manager gives the start), the
last 365 days (yearly), or dates the manager chooses. Gathered for the period, as far
as it has gone (a period still running counts only what is due so far):

- the stats of the posts the person held, over the weeks they held them: each week's
  value and condition (the manager's override where there is one), first and last
  value, the change between them;
- hat compliance: their checklist items done on time ÷ due (hats.py), in all, by post
  and by week;
- orders compliance: orders due in the period done on time ÷ due (orders.py);
- attestations made in the period, and those still owed today; training checksheets.

While an evaluation is a draft its figures are gathered afresh each time it is read;
finishing freezes them (with the ratings, criteria names and all) into the row, which
from then on refuses every change. The office manager and the owner evaluate (never
themselves); a staff member sees their own evaluations — a draft without the manager's
ratings and comments, which are still being written — and writes their
self-evaluation while it is a draft.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from peewee import Database, fn

from db.models import (
    Attestation,
    ConditionOverride,
    Evaluation,
    EvaluationCriterion,
    EvaluationKind,
    EvaluationRating,
    EvaluationStatus,
    HatHolder,
    Post,
    Role,
    Staff,
    Stat,
    as_utc,
    utc_naive,
)
from om_tui.practice.clock import Clock
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.people.roles import ADMINISTRATOR, may, require
from om_tui.practice.refusal import Refusal
from om_tui.practice.seen import require_unchanged
from om_tui.practice.settings import PracticeSettings
from om_tui.practice.stats.conditions import Condition, percent_change
from om_tui.practice.stats.service import Stats

NEW_HIRE_DAYS = 90
YEAR_DAYS = 365
LONGEST_PERIOD_DAYS = 3 * 366
LONGEST_TEXT = 4000
LONGEST_NAME = 80  # a criterion's
LONGEST_DESCRIPTION = 400
RATINGS = range(1, 6)

KIND_TITLES: dict[str, str] = {
    EvaluationKind.NEW_HIRE: "90-day",
    EvaluationKind.YEARLY: "Yearly",
    EvaluationKind.CHOSEN: "Chosen period",
}


class EvaluationError(Refusal):
    """Something about an evaluation that cannot be; the message is fit to show."""


def kind_title(kind: str) -> str:
    return KIND_TITLES.get(kind, kind)


# -- what is gathered --------------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    """A post the person held during the period, from `first` to `last` (both in it)."""

    post: str
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class StatTrend:
    """One stat of a post the person held: its weeks in the period, values and conditions."""

    name: str
    post: str
    unit: str
    up_is_good: bool
    weeks: list[dt.date]
    values: list[float | None]
    conditions: list[str | None]  # Condition values; None: not judged (yet)

    @property
    def first(self) -> float | None:
        return next((v for v in self.values if v is not None), None)

    @property
    def last(self) -> float | None:
        return next((v for v in reversed(self.values) if v is not None), None)

    @property
    def change(self) -> float | None:
        """From the first value to the last, in percent, positive = better."""
        known = [v for v in self.values if v is not None]
        if len(known) < 2 or self.first is None or self.last is None:
            return None
        return percent_change(self.first, self.last, self.up_is_good)

    @property
    def latest(self) -> Condition | None:
        """The last judged week's condition."""
        found = next((c for c in reversed(self.conditions) if c is not None), None)
        return Condition(found) if found is not None else None

    def weeks_in(self) -> Counter[Condition]:
        """How many weeks the stat spent in each condition."""
        return Counter(Condition(c) for c in self.conditions if c is not None)


@dataclass(frozen=True)
class PostCompliance:
    post: str
    tally: Tally


@dataclass(frozen=True)
class Training:
    """A checksheet of a hat held today: steps signed off of all its steps."""

    post: str
    done: int
    total: int


@dataclass(frozen=True)
class Gathered:
    """Everything om-tui knows of a person's work over a period."""

    staff_id: int
    name: str
    start: dt.date
    end: dt.date
    counted_to: dt.date  # the last day counted: the period's end, or today if sooner
    at: dt.datetime  # when gathered (UTC)
    holdings: list[Holding]
    stats: list[StatTrend]
    hats: Tally
    hats_by_post: list[PostCompliance]
    hats_by_week: list[tuple[dt.date, Tally]]
    orders: Tally
    attested: int  # attestations made in the period
    outstanding: list[str]  # policies owed an attestation today: "Phone policy v3"
    training: list[Training]

    def to_dict(self) -> dict[str, Any]:
        return {
            "staff_id": self.staff_id,
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "counted_to": self.counted_to.isoformat(),
            "at": self.at.isoformat(),
            "holdings": [[h.post, h.first.isoformat(), h.last.isoformat()] for h in self.holdings],
            "stats": [
                {
                    "name": s.name,
                    "post": s.post,
                    "unit": s.unit,
                    "up_is_good": s.up_is_good,
                    "weeks": [w.isoformat() for w in s.weeks],
                    "values": s.values,
                    "conditions": s.conditions,
                }
                for s in self.stats
            ],
            "hats": _tally_out(self.hats),
            "hats_by_post": [[p.post, _tally_out(p.tally)] for p in self.hats_by_post],
            "hats_by_week": [[w.isoformat(), _tally_out(t)] for w, t in self.hats_by_week],
            "orders": _tally_out(self.orders),
            "attested": self.attested,
            "outstanding": self.outstanding,
            "training": [[t.post, t.done, t.total] for t in self.training],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gathered:
        day = dt.date.fromisoformat
        return cls(
            staff_id=int(data["staff_id"]),
            name=str(data["name"]),
            start=day(data["start"]),
            end=day(data["end"]),
            counted_to=day(data["counted_to"]),
            at=dt.datetime.fromisoformat(data["at"]),
            holdings=[
                Holding(post, day(first), day(last)) for post, first, last in data["holdings"]
            ],
            stats=[
                StatTrend(
                    name=s["name"],
                    post=s["post"],
                    unit=s["unit"],
                    up_is_good=bool(s["up_is_good"]),
                    weeks=[day(w) for w in s["weeks"]],
                    values=list(s["values"]),
                    conditions=list(s["conditions"]),
                )
                for s in data["stats"]
            ],
            hats=_tally_in(data["hats"]),
            hats_by_post=[PostCompliance(post, _tally_in(t)) for post, t in data["hats_by_post"]],
            hats_by_week=[(day(w), _tally_in(t)) for w, t in data["hats_by_week"]],
            orders=_tally_in(data["orders"]),
            attested=int(data["attested"]),
            outstanding=list(data["outstanding"]),
            training=[
                Training(post, int(done), int(total)) for post, done, total in data["training"]
            ],
        )


def _tally_out(tally: Tally) -> list[int]:
    return [tally.due, tally.on_time, tally.late]


def _tally_in(stored: list[int]) -> Tally:
    due, on_time, late = stored
    return Tally(int(due), int(on_time), int(late))


# -- what the screens read -----------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    criterion_id: int
    name: str
    description: str
    active: bool


@dataclass(frozen=True)
class CriterionUse:
    """How many evaluations rated a criterion: finished (kept, whatever becomes of the
    criterion) and drafts still being written."""

    finished: int = 0
    drafts: int = 0


@dataclass(frozen=True)
class RatingLine:
    """A criterion of an evaluation, with its rating (None: not rated yet) and comment."""

    criterion_id: int
    name: str
    description: str
    rating: int | None
    comment: str


@dataclass(frozen=True)
class EvaluationView:
    """One evaluation as the person looking at it may see it."""

    evaluation_id: int
    staff_id: int
    name: str
    kind: str
    start: dt.date
    end: dt.date
    status: str
    created_by: str
    created: dt.datetime
    finished_by: str
    finished_at: dt.datetime | None
    figures: Gathered
    ratings: list[RatingLine]  # empty while hidden
    comments: str
    self_evaluation: str
    self_evaluated_at: dt.datetime | None
    hidden: bool = False  # a draft, shown to the person evaluated: ratings not yet theirs
    may_rate: bool = False  # ratings and comments: the manager, on a draft
    may_self_evaluate: bool = False  # the person evaluated, on a draft

    @property
    def finished(self) -> bool:
        return self.status == EvaluationStatus.FINISHED

    @property
    def shown(self) -> dict[str, object]:
        """What finishing this draft checks is unchanged: its ratings and comments."""
        return _draft_state(self.ratings, self.comments)

    @property
    def average(self) -> float | None:
        return _average(self.ratings)

    @property
    def unrated(self) -> list[str]:
        return [line.name for line in self.ratings if line.rating is None]


@dataclass(frozen=True)
class HistoryLine:
    """One of a person's evaluations, for their history (newest first)."""

    evaluation_id: int
    kind: str
    start: dt.date
    end: dt.date
    status: str
    finished_at: dt.datetime | None
    average: float | None  # of the ratings, when the one looking may see them


def _average(ratings: list[RatingLine]) -> float | None:
    rated = [line.rating for line in ratings if line.rating is not None]
    return fmean(rated) if rated else None


# -- the service -------------------------------------------------------------------------


@dataclass
class Evaluations:
    """The practice's performance evaluations, read and written in the name of `staff_id`."""

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

    # -- gathering -----------------------------------------------------------------------

    def gather(self, staff_id: int, start: dt.date, end: dt.date) -> Gathered:
        """The person's figures over `start`…`end` (both included), as far as today."""
        person = self._person(staff_id)
        last = min(end, self.today())
        holdings = self._holdings(staff_id, start, last)
        hats = self.hats
        occurrences = hats.occurrences(start, last, [staff_id]) if last >= start else []
        by_post: dict[str, list[Any]] = defaultdict(list)
        by_week: dict[dt.date, list[Any]] = defaultdict(list)
        for occurrence in occurrences:
            if occurrence.person_id != staff_id:
                continue
            by_post[occurrence.post].append(occurrence)
            by_week[hats.periods.weeks.week_of_day(occurrence.due_on)].append(occurrence)
        post_order = {h.post: n for n, h in enumerate(holdings)}
        orders = Orders(self.database, self.clock, self.settings)
        return Gathered(
            staff_id=staff_id,
            name=person.name,
            start=start,
            end=end,
            counted_to=last,
            at=self.clock.now(),
            holdings=holdings,
            stats=self._stats(staff_id, start, last),
            hats=Tally.of(o for os in by_post.values() for o in os),
            hats_by_post=[
                PostCompliance(post, Tally.of(found))
                for post, found in sorted(by_post.items(), key=lambda p: post_order.get(p[0], 99))
            ],
            hats_by_week=[(week, Tally.of(found)) for week, found in sorted(by_week.items())],
            orders=orders.compliance(start, last, [staff_id]).of(staff_id)
            if last >= start
            else Tally(),
            attested=self._attested(staff_id, start, last),
            outstanding=[f"{p.title} v{p.number}" for p in hats.policies_due(staff_id)],
            training=[
                Training(sheet.post, sheet.done, sheet.total)
                for sheet in hats._checksheets([staff_id]).get(staff_id, [])
            ],
        )

    def _spans(
        self, staff_id: int, first: dt.date, last: dt.date
    ) -> dict[int, tuple[str, dt.date, dt.date]]:
        """Post → (title, first day, last day) the person held it within `first`…`last`."""
        query = (
            HatHolder.select(HatHolder.since, HatHolder.until, Post.id, Post.title, Post.position)
            .join(Post)
            .where(
                (HatHolder.staff == staff_id)
                & (HatHolder.since <= last)
                & (HatHolder.until.is_null() | (HatHolder.until > first))
            )
            .order_by(Post.position, Post.title)
            .tuples()
        )
        spans: dict[int, tuple[str, dt.date, dt.date]] = {}
        held: list[tuple[Any, ...]] = list(query)  # type: ignore[arg-type]  # tuples
        for since, until, post_id, title, _ in held:
            held_from = max(first, since)
            held_to = last if until is None else min(last, until - dt.timedelta(days=1))
            if held_to < held_from:
                continue
            if post_id in spans:
                _, was_from, was_to = spans[post_id]
                held_from, held_to = min(was_from, held_from), max(was_to, held_to)
            spans[post_id] = (title, held_from, held_to)
        return spans

    def _holdings(self, staff_id: int, first: dt.date, last: dt.date) -> list[Holding]:
        return [
            Holding(title, since, until)
            for title, since, until in self._spans(staff_id, first, last).values()
        ]

    def _stats(self, staff_id: int, first: dt.date, last: dt.date) -> list[StatTrend]:
        """The stats of the posts held, over the weeks they were held (overrides applied)."""
        spans = self._spans(staff_id, first, last)
        if not spans:
            return []
        stats = Stats(self.database, self.clock, self.settings)
        weeks = stats.weeks
        found: list[StatTrend] = []
        chosen = (
            Stat.select()
            .where(Stat.post.in_(list(spans)) & (Stat.active == True))  # noqa: E712
            .order_by(Stat.position, Stat.name)
        )
        post_order = list(spans)
        for stat in sorted(chosen, key=lambda s: post_order.index(s.post_id or 0)):
            title, held_from, held_to = spans[stat.post_id or 0]
            first_week, last_week = weeks.week_of_day(held_from), weeks.week_of_day(held_to)
            count = (last_week - first_week).days // 7 + 1
            _, shown, series, judged = stats.graph(stat.id, count, last_week)
            overrides = {
                o.week: o.condition
                for o in ConditionOverride.select().where(
                    (ConditionOverride.stat == stat.id)
                    & ConditionOverride.week.between(first_week, last_week)
                )
            }
            found.append(
                StatTrend(
                    name=stat.name,
                    post=title,
                    unit=stat.unit,
                    up_is_good=bool(stat.up_is_good),
                    weeks=list(shown),
                    values=list(series),
                    conditions=[
                        overrides.get(week, str(c) if c is not None else None)
                        for week, c in zip(shown, judged, strict=True)
                    ],
                )
            )
        return found

    def _attested(self, staff_id: int, first: dt.date, last: dt.date) -> int:
        begin, _ = self.settings.day_bounds(first)
        _, finish = self.settings.day_bounds(last)
        return int(
            Attestation.select()
            .where(
                (Attestation.staff == staff_id)
                & (Attestation.at >= utc_naive(begin))
                & (Attestation.at < utc_naive(finish))
            )
            .count()
        )

    # -- criteria ------------------------------------------------------------------------

    def criteria(self, everything: bool = False) -> list[Criterion]:
        """The practice's criteria in order; the ones no longer used too, if asked."""
        query = EvaluationCriterion.select().order_by(
            EvaluationCriterion.position, EvaluationCriterion.id
        )
        if not everything:
            query = query.where(EvaluationCriterion.active == True)  # noqa: E712
        return [Criterion(c.id, c.name, c.description, bool(c.active)) for c in query]

    def add_criterion(self, name: str, description: str = "") -> int:
        name = _text(name, "A criterion needs a name.", LONGEST_NAME)
        description = _text(description, None, LONGEST_DESCRIPTION)
        with self.database.atomic():
            self._manager_only("sets the criteria")
            self._check_name_free(name)
            criterion = EvaluationCriterion.create(
                name=name, description=description, position=self._last_position() + 1
            )
            return int(criterion.id)

    def edit_criterion(
        self,
        criterion_id: int,
        name: str,
        description: str = "",
        seen: Mapping[str, object] | None = None,
    ) -> None:
        """Rename a criterion, or say what it means: drafts show it so at once; a finished
        evaluation keeps the name and words it was rated under. `seen`: the name and
        description the form opened with, refused if changed elsewhere since."""
        name = _text(name, "A criterion needs a name.", LONGEST_NAME)
        description = _text(description, None, LONGEST_DESCRIPTION)
        with self.database.atomic():
            self._manager_only("sets the criteria")
            criterion = self._criterion(criterion_id)
            current = {"name": criterion.name, "description": criterion.description}
            require_unchanged(f"The criterion {criterion.name}", current, seen)
            self._check_name_free(name, but=criterion_id)
            EvaluationCriterion.update(name=name, description=description).where(
                EvaluationCriterion.id == criterion_id
            ).execute()

    def set_criterion_active(self, criterion_id: int, active: bool) -> None:
        """Retire a criterion, or bring one back (at the end of the list).

        A retired criterion stays on the finished evaluations that rated it; drafts no
        longer ask for it. The last criterion in use is not retired: an evaluation rates
        at least one.
        """
        with self.database.atomic():
            self._manager_only("sets the criteria")
            criterion = self._criterion(criterion_id)
            if bool(criterion.active) == active:
                return
            changes: dict[Any, Any] = {EvaluationCriterion.active: active}
            if active:
                changes[EvaluationCriterion.position] = self._last_position() + 1
            else:
                in_use = (
                    EvaluationCriterion.select()
                    .where(EvaluationCriterion.active == True)  # noqa: E712
                    .count()
                )
                if in_use <= 1:
                    raise EvaluationError(
                        f"{criterion.name} is the only criterion in use: an evaluation rates "
                        "at least one. Add another before retiring it."
                    )
            EvaluationCriterion.update(changes).where(
                EvaluationCriterion.id == criterion_id
            ).execute()

    def move_criterion(self, criterion_id: int, step: int) -> None:
        """Move a criterion in use `step` places up (negative) or down the list."""
        with self.database.atomic():
            self._manager_only("sets the criteria")
            criterion = self._criterion(criterion_id)
            if not criterion.active:
                raise EvaluationError(
                    f"{criterion.name} is retired: bring it back before moving it."
                )
            ordered = list(
                EvaluationCriterion.select()
                .where(EvaluationCriterion.active == True)  # noqa: E712
                .order_by(EvaluationCriterion.position, EvaluationCriterion.id)
            )
            index = next(n for n, row in enumerate(ordered) if row.id == criterion_id)
            target = max(0, min(len(ordered) - 1, index + step))
            ordered.insert(target, ordered.pop(index))
            for position, row in enumerate(ordered, start=1):
                if row.position != position:
                    EvaluationCriterion.update(position=position).where(
                        EvaluationCriterion.id == row.id
                    ).execute()

    def criterion_use(self) -> dict[int, CriterionUse]:
        """Criterion id → how many evaluations rated it (a criterion nobody rated: absent).

        A finished evaluation counts by the ratings it keeps, a draft by its rows."""
        finished: Counter[int] = Counter()
        query = Evaluation.select(Evaluation.gathered).where(
            Evaluation.status == EvaluationStatus.FINISHED
        )
        for row in query:
            rated = {line.criterion_id for line in _frozen_ratings(row) if line.rating is not None}
            finished.update(rated)
        drafts: Counter[int] = Counter(
            row.criterion_id
            for row in EvaluationRating.select(EvaluationRating.criterion)
            .join(Evaluation)
            .where(
                (Evaluation.status == EvaluationStatus.DRAFT)
                & EvaluationRating.rating.is_null(False)
            )
        )
        return {
            criterion_id: CriterionUse(finished[criterion_id], drafts[criterion_id])
            for criterion_id in finished.keys() | drafts.keys()
        }

    @staticmethod
    def _last_position() -> float:
        return float(EvaluationCriterion.select(fn.MAX(EvaluationCriterion.position)).scalar() or 0)

    def _manager_only(self, doing: str) -> Staff:
        return self._acting("evaluations", doing)

    @staticmethod
    def _criterion(criterion_id: int) -> EvaluationCriterion:
        criterion = EvaluationCriterion.get_or_none(EvaluationCriterion.id == criterion_id)
        if criterion is None:
            raise EvaluationError("That criterion is not on the practice's list.")
        return criterion

    @staticmethod
    def _check_name_free(name: str, but: int | None = None) -> None:
        for other in EvaluationCriterion.select():
            if other.id != but and other.name.casefold() == name.casefold():
                retired = "" if other.active else ", retired: bring it back instead"
                raise EvaluationError(
                    f"There is already a criterion called {other.name!r}{retired}."
                )

    # -- reading evaluations -------------------------------------------------------------

    def history(self, staff_id: int) -> list[HistoryLine]:
        """A person's evaluations, newest first (a draft above the finished ones)."""
        if not self._may_read(staff_id):
            raise EvaluationError("You see only your own evaluations.")
        actor_id = self.staff_id
        query = Evaluation.select().where(Evaluation.staff == staff_id)
        lines = []
        for row in query:
            draft = row.status == EvaluationStatus.DRAFT
            if draft and actor_id == staff_id:
                average = None  # the manager's ratings are theirs until finished
            elif draft:
                average = _average(self._live_ratings(row.id))
            else:
                average = _average(_frozen_ratings(row))
            lines.append(
                HistoryLine(
                    evaluation_id=row.id,
                    kind=row.kind,
                    start=row.start,
                    end=row.end,
                    status=row.status,
                    finished_at=as_utc(row.finished_at) if row.finished_at else None,
                    average=average,
                )
            )
        drafts = [line for line in lines if line.status == EvaluationStatus.DRAFT]
        finished = [line for line in lines if line.status != EvaluationStatus.DRAFT]
        finished.sort(key=lambda line: (line.end, line.evaluation_id), reverse=True)
        return [*drafts, *finished]

    def latest(self, staff_id: int) -> int | None:
        """The evaluation to open on a person: their draft, else their newest finished one."""
        found = self.history(staff_id)
        return found[0].evaluation_id if found else None

    def evaluation(self, evaluation_id: int) -> EvaluationView:
        """One evaluation: a draft's figures gathered now, a finished one's as kept."""
        row = self._row(evaluation_id)
        if not self._may_read(row.staff_id):
            raise EvaluationError("You see only your own evaluations.")
        actor = self._actor()
        names = {s.id: s.name for s in Staff.select(Staff.id, Staff.name)}
        draft = row.status == EvaluationStatus.DRAFT
        if draft:
            figures = self.gather(row.staff_id, row.start, row.end)
            ratings = self._live_ratings(row.id)
        else:
            kept = json.loads(row.gathered or "{}")
            figures = Gathered.from_dict(kept["figures"])
            ratings = _frozen_ratings(row)
        own = actor.id == row.staff_id
        hidden = draft and own
        return EvaluationView(
            evaluation_id=row.id,
            staff_id=row.staff_id,
            name=names.get(row.staff_id, ""),
            kind=row.kind,
            start=row.start,
            end=row.end,
            status=row.status,
            created_by=names.get(row.created_by_id, "") if row.created_by_id else "",
            created=as_utc(row.created),
            finished_by=names.get(row.finished_by_id, "") if row.finished_by_id else "",
            finished_at=as_utc(row.finished_at) if row.finished_at else None,
            figures=figures,
            ratings=[] if hidden else ratings,
            comments="" if hidden else row.comments,
            self_evaluation=row.self_evaluation,
            self_evaluated_at=as_utc(row.self_evaluated_at) if row.self_evaluated_at else None,
            hidden=hidden,
            may_rate=draft and not own and may(actor.role, "evaluations"),
            may_self_evaluate=draft and own,
        )

    def _live_ratings(self, evaluation_id: int) -> list[RatingLine]:
        """The active criteria in order, with this evaluation's ratings so far."""
        given = {
            r.criterion_id: r
            for r in EvaluationRating.select().where(EvaluationRating.evaluation == evaluation_id)
        }
        lines = []
        for criterion in self.criteria():
            rating = given.get(criterion.criterion_id)
            lines.append(
                RatingLine(
                    criterion.criterion_id,
                    criterion.name,
                    criterion.description,
                    rating.rating if rating is not None else None,
                    rating.comment if rating is not None else "",
                )
            )
        return lines

    @staticmethod
    def _check_rating_seen(
        evaluation_id: int, criterion: EvaluationCriterion, seen: Mapping[str, object] | None
    ) -> None:
        given = EvaluationRating.get_or_none(
            EvaluationRating.evaluation == evaluation_id,
            EvaluationRating.criterion == criterion.id,
        )
        current = {
            "rating": given.rating if given is not None else None,
            "comment": given.comment if given is not None else "",
        }
        require_unchanged(criterion.name, current, seen)

    @staticmethod
    def _row(evaluation_id: int) -> Evaluation:
        row = Evaluation.get_or_none(Evaluation.id == evaluation_id)
        if row is None:
            raise EvaluationError("That evaluation was discarded (on another terminal, perhaps).")
        return row

    def _draft(self, evaluation_id: int) -> Evaluation:
        """The evaluation, read inside the write's transaction; refused once finished."""
        row = self._row(evaluation_id)
        if row.status != EvaluationStatus.DRAFT:
            when = (
                f" on {_day(self.settings.local(as_utc(row.finished_at)).date())}"
                if row.finished_at
                else ""
            )
            raise EvaluationError(
                f"This evaluation was finished{when}: it is kept as it was, read-only."
            )
        return row

    # -- writing -------------------------------------------------------------------------

    def start(
        self,
        staff_id: int,
        kind: str,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> int:
        """A new draft evaluation of `staff_id`; returns its id."""
        with self.database.atomic():
            actor = self._evaluator(staff_id)
            person = self._person(staff_id)
            if not person.active:
                raise EvaluationError(
                    f"{person.name} is no longer on the active staff: "
                    "their finished evaluations stay in their history."
                )
            first, last = self.period(staff_id, kind, start, end)
            open_one = Evaluation.get_or_none(
                (Evaluation.staff == staff_id) & (Evaluation.status == EvaluationStatus.DRAFT)
            )
            if open_one is not None:
                raise EvaluationError(
                    f"{person.name} has an evaluation being written already "
                    f"({_day(open_one.start)} – {_day(open_one.end)}): finish or discard it first."
                )
            row = Evaluation.create(
                staff=staff_id,
                start=first,
                end=last,
                kind=kind,
                status=EvaluationStatus.DRAFT,
                created_by=actor.id,
                created=utc_naive(self.clock.now()),
            )
            return int(row.id)

    def rate(
        self,
        evaluation_id: int,
        criterion_id: int,
        rating: int | None,
        seen: Mapping[str, object] | None = None,
    ) -> None:
        """Rate one criterion 1 to 5 (None takes the rating back); `seen`: {"rating": the
        rating shown}, refused if another terminal rated it otherwise since."""
        if rating is not None and (
            isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS
        ):
            raise EvaluationError(f"A rating is a whole number from 1 to 5, not {rating!r}.")
        with self.database.atomic():
            row = self._draft(evaluation_id)
            self._evaluator(row.staff_id)
            criterion = self._criterion(criterion_id)
            if not criterion.active:
                raise EvaluationError(f"{criterion.name} is no longer one of the criteria.")
            self._check_rating_seen(evaluation_id, criterion, seen)
            EvaluationRating.insert(
                evaluation=evaluation_id, criterion=criterion_id, rating=rating
            ).on_conflict(
                conflict_target=[EvaluationRating.evaluation, EvaluationRating.criterion],
                update={EvaluationRating.rating: rating},
            ).execute()

    def comment(
        self, evaluation_id: int, criterion_id: int, text: str, seen: str | None = None
    ) -> None:
        """The manager's comment on one criterion ("" takes it back); `seen`: the comment
        the editor opened with, refused if another terminal changed it since."""
        text = _text(text, None)
        with self.database.atomic():
            row = self._draft(evaluation_id)
            self._evaluator(row.staff_id)
            criterion = self._criterion(criterion_id)
            if not criterion.active:
                raise EvaluationError(f"{criterion.name} is no longer one of the criteria.")
            self._check_rating_seen(
                evaluation_id, criterion, None if seen is None else {"comment": seen}
            )
            EvaluationRating.insert(
                evaluation=evaluation_id, criterion=criterion_id, comment=text
            ).on_conflict(
                conflict_target=[EvaluationRating.evaluation, EvaluationRating.criterion],
                update={EvaluationRating.comment: text},
            ).execute()

    def set_comments(self, evaluation_id: int, text: str, seen: str | None = None) -> None:
        """The manager's comments on the whole evaluation; `seen` as for `comment`."""
        text = _text(text, None)
        with self.database.atomic():
            row = self._draft(evaluation_id)
            self._evaluator(row.staff_id)
            shown = None if seen is None else {"comments": seen}
            require_unchanged("The evaluation", {"comments": row.comments}, shown)
            Evaluation.update(comments=text).where(Evaluation.id == evaluation_id).execute()

    def self_evaluate(self, evaluation_id: int, text: str, seen: str | None = None) -> None:
        """The person's own view of their period: only theirs, only while a draft.
        `seen`: the text the editor opened with, refused if changed elsewhere since."""
        text = _text(text, None)
        with self.database.atomic():
            row = self._draft(evaluation_id)
            shown = None if seen is None else {"self_evaluation": seen}
            require_unchanged(
                "Your self-evaluation", {"self_evaluation": row.self_evaluation}, shown
            )
            actor = self._acting("self_evaluation", "writes a self-evaluation")
            if actor.id != row.staff_id:
                raise EvaluationError("Only the person evaluated writes their self-evaluation.")
            Evaluation.update(
                self_evaluation=text,
                self_evaluated_at=utc_naive(self.clock.now()) if text else None,
            ).where(Evaluation.id == evaluation_id).execute()

    def finish(self, evaluation_id: int, seen: Mapping[str, object] | None = None) -> None:
        """Freeze the figures and ratings into the evaluation; it is read-only from now on.

        `seen`: the draft's ratings and comments as shown (`EvaluationView.shown`): what
        is frozen is what the person finishing it saw, or nothing."""
        with self.database.atomic():
            row = self._draft(evaluation_id)
            actor = self._evaluator(row.staff_id)
            ratings = self._live_ratings(evaluation_id)
            require_unchanged("The evaluation", _draft_state(ratings, row.comments), seen)
            unrated = [line.name for line in ratings if line.rating is None]
            if unrated:
                raise EvaluationError(
                    f"Rate every criterion before finishing: {', '.join(unrated)} "
                    f"{'is' if len(unrated) == 1 else 'are'} not rated yet."
                )
            figures = self.gather(row.staff_id, row.start, row.end)
            kept = {
                "figures": figures.to_dict(),
                "ratings": [
                    {
                        "criterion_id": line.criterion_id,
                        "name": line.name,
                        "description": line.description,
                        "rating": line.rating,
                        "comment": line.comment,
                    }
                    for line in ratings
                ],
            }
            changed = (
                Evaluation.update(
                    status=EvaluationStatus.FINISHED,
                    gathered=json.dumps(kept, sort_keys=True),
                    finished_by=actor.id,
                    finished_at=utc_naive(self.clock.now()),
                )
                .where(
                    (Evaluation.id == evaluation_id) & (Evaluation.status == EvaluationStatus.DRAFT)
                )
                .execute()
            )
            if not changed:
                raise EvaluationError("This evaluation was finished on another terminal.")

    def discard(self, evaluation_id: int, seen: Mapping[str, object] | None = None) -> None:
        """Throw a draft away (a finished evaluation is kept for good); `seen` as for
        `finish`: ratings or comments given elsewhere since are not thrown away unseen."""
        with self.database.atomic():
            row = self._draft(evaluation_id)
            self._evaluator(row.staff_id)
            current = _draft_state(self._live_ratings(evaluation_id), row.comments)
            require_unchanged("The evaluation", current, seen)
            row.delete_instance(recursive=True)


def _draft_state(ratings: list[RatingLine], comments: str) -> dict[str, object]:
    return {
        "ratings": [(line.criterion_id, line.rating, line.comment) for line in ratings],
        "comments": comments,
    }


def _frozen_ratings(row: Evaluation) -> list[RatingLine]:
    kept = json.loads(row.gathered or "{}")
    return [
        RatingLine(
            int(r["criterion_id"]), r["name"], r.get("description", ""), r["rating"], r["comment"]
        )
        for r in kept.get("ratings", [])
    ]


def _day(day: dt.date) -> str:
    """ "3 Dec 2026": how a day is told in a message."""
    return f"{day.day} {day:%b %Y}"


def _text(text: str | None, required: str | None, longest: int = LONGEST_TEXT) -> str:
    text = (text or "").strip()
    if not text and required is not None:
        raise EvaluationError(required)
    if len(text) > longest:
        raise EvaluationError(f"That is {len(text)} characters: keep it under {longest}.")
    return text
