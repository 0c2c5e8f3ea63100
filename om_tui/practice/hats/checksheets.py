"""Training checksheets: a post's steps, each signed off for a trainee."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from db.models import (
    ChecksheetStep,
    StepSignoff,
)
from om_tui.practice.hats.base import _rows
from om_tui.practice.hats.policies import HatPolicies
from om_tui.practice.hats.views import ChecksheetProgress, HatError
from om_tui.practice.people.roles import checked, recorded


class HatChecksheets(HatPolicies):
    """Training checksheets: progress and sign-offs."""

    # -- training checksheets ---------------------------------------------------------

    def _checksheets(self, person_ids: Sequence[int]) -> dict[int, list[ChecksheetProgress]]:
        """Person → their progress on the checksheets of the hats they hold today."""
        held = self._held_today(person_ids)
        post_ids = {p for posts in held.values() for p, _ in posts}
        post_of: dict[int, int] = dict(
            _rows(
                ChecksheetStep.select(ChecksheetStep.id, ChecksheetStep.post)
                .where(
                    ChecksheetStep.post.in_(list(post_ids)) & (ChecksheetStep.active == True)  # noqa: E712
                )
                .tuples()
            )
        )
        steps: dict[int, int] = defaultdict(int)
        for post_id in post_of.values():
            steps[post_id] += 1
        done: dict[tuple[int, int], int] = defaultdict(int)
        for step_id, staff_id in _rows(
            StepSignoff.select(StepSignoff.step, StepSignoff.staff)
            .where(StepSignoff.step.in_(list(post_of)) & StepSignoff.staff.in_(list(person_ids)))
            .tuples()
        ):
            done[(staff_id, post_of[step_id])] += 1
        return {
            person_id: [
                ChecksheetProgress(post_id, title, done[(person_id, post_id)], steps[post_id])
                for post_id, title in posts
                if steps[post_id]
            ]
            for person_id, posts in held.items()
        }

    @checked("hats", "signs training steps off")
    def sign_off(self, step_id: int, trainee_id: int) -> None:
        """The manager signs a trainee's step off, dated now."""
        with self.database.atomic():
            step = ChecksheetStep.get_or_none(ChecksheetStep.id == step_id)
            if step is None or not step.active:
                raise HatError("That checksheet step was removed.")
            if trainee_id == self.staff_id:
                raise HatError("A step is signed off by someone else, not by its trainee.")
            StepSignoff.insert(
                step=step_id, staff=trainee_id, signed_by=recorded(self.staff_id), at=self._now()
            ).on_conflict_ignore().execute()

    @checked("hats", "signs training steps off")
    def unsign(self, step_id: int, trainee_id: int) -> None:
        """Take a sign-off back; not of a step removed since: its sign-offs stay on record."""
        with self.database.atomic():
            step = ChecksheetStep.get_or_none(ChecksheetStep.id == step_id)
            if step is None or not step.active:
                raise HatError("That checksheet step was removed; its sign-offs stay on record.")
            StepSignoff.delete().where(
                (StepSignoff.step == step_id) & (StepSignoff.staff == trainee_id)
            ).execute()
