"""What an evaluation holds and the screens read: the figures gathered (kept as
they were once finished), the criteria, the ratings, the history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from db.models import (
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
)
from om_tui.practice import time_words
from om_tui.practice.hats.views import Tally
from om_tui.practice.refusal import Refusal
from om_tui.practice.stats.conditions import Condition, percent_change

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
    return time_words.day_text(day, weekday=False, year=True)


def _text(text: str | None, required: str | None, longest: int = LONGEST_TEXT) -> str:
    text = (text or "").strip()
    if not text and required is not None:
        raise EvaluationError(required)
    if len(text) > longest:
        raise EvaluationError(f"That is {len(text)} characters: keep it under {longest}.")
    return text
