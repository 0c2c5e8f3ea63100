"""Reading evaluations: a person's history, one evaluation as the reader may see it."""

from __future__ import annotations

import json
from collections.abc import Mapping

from db.models import (
    Evaluation,
    EvaluationCriterion,
    EvaluationRating,
    EvaluationStatus,
    Staff,
    as_utc,
)
from om_tui.practice.changes import tables_of
from om_tui.practice.hats.views import HATS_TABLES
from om_tui.practice.owner.evaluations.criteria import EvaluationCriteria
from om_tui.practice.owner.evaluations.gathering import EvaluationGathering
from om_tui.practice.owner.evaluations.views import (
    EvaluationError,
    EvaluationView,
    Gathered,
    HistoryLine,
    RatingLine,
    _average,
    _day,
    _frozen_ratings,
)
from om_tui.practice.owner.orders.reading import ORDERS_TABLES
from om_tui.practice.people.roles import may
from om_tui.practice.seen import require_unchanged
from om_tui.practice.stats.board import STATS_TABLES

CRITERIA_TABLES = tables_of(Evaluation, EvaluationCriterion, EvaluationRating)
"""What the criteria screen is read from (`criteria`, `criterion_use`)."""

EVALUATION_TABLES = CRITERIA_TABLES | HATS_TABLES | ORDERS_TABLES | STATS_TABLES
"""What an evaluation is read from (`history`, `evaluation`): its criteria and ratings, and
what a draft's figures are gathered from, the person's hats, orders and stats."""


class EvaluationsReading(EvaluationGathering, EvaluationCriteria):
    """Evaluations as the screens read them."""

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
