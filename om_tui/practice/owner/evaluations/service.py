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
- hat compliance: their checklist items done on time ÷ due (hats/compliance.py), in all, by post
  and by week;
- orders compliance: orders due in the period done on time ÷ due (orders/reading.py);
- attestations made in the period, and those still owed today; training checksheets.

While an evaluation is a draft its figures are gathered afresh each time it is read;
finishing freezes them (with the ratings, criteria names and all) into the row, which
from then on refuses every change. The office manager and the owner evaluate (never
themselves); a staff member sees their own evaluations — a draft without the manager's
ratings and comments, which are still being written — and writes their
self-evaluation while it is a draft.

The service is assembled from its parts: what an evaluation holds (views.py), who may
and the period (base.py), gathering (gathering.py), criteria (criteria.py), reading
(reading.py); the writes are here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from db.models import (
    Evaluation,
    EvaluationRating,
    EvaluationStatus,
    utc_naive,
)
from om_tui.practice.owner.evaluations.reading import EvaluationsReading
from om_tui.practice.owner.evaluations.views import (
    RATINGS,
    EvaluationError,
    _day,
    _draft_state,
    _text,
)
from om_tui.practice.seen import require_unchanged


class Evaluations(EvaluationsReading):
    """The practice's performance evaluations, read and written in the name of `staff_id`."""

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
