"""The practice's evaluation criteria: what staff are rated on, 1 to 5, in order;
names unique whatever the case; retired, never deleted once used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from peewee import fn

from db.models import (
    Evaluation,
    EvaluationCriterion,
    EvaluationRating,
    EvaluationStatus,
    Staff,
)
from om_tui.practice.owner.evaluations.base import EvaluationsBase
from om_tui.practice.owner.evaluations.views import (
    LONGEST_DESCRIPTION,
    LONGEST_NAME,
    Criterion,
    CriterionUse,
    EvaluationError,
    _frozen_ratings,
    _text,
)
from om_tui.practice.seen import require_unchanged


class EvaluationCriteria(EvaluationsBase):
    """Criteria: reading and keeping them up."""

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
