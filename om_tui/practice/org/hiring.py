"""Hiring: openings on posts, their candidates, each candidate's steps, and the hire.

An opening is a post being hired for: a vacant one, or one more person on a held one.
A post has at most one open opening. Its candidates carry only what hiring needs (a
name, how to reach them, where they came from, notes) and are private to the office
manager and the owner. A candidate moves along applied → screened → interviewed →
trial (a working interview) → offered → hired, each step dated and by whom; or leaves
it: declined (the practice said no) or withdrew (they did), with a reason. A step may
skip ahead, never back; an ended candidate (hired, declined, withdrew) takes no more.

**Hired** makes the person in one step: their staff record with a role and a first PIN,
the post's hat from their start date (so its training checksheet is theirs to work
through), the opening closed, and their 90-day evaluation due 90 days after the start.
Each change carries the candidate's `revision` as the person saw it: two terminals
hiring the same candidate — the second is refused, nothing half-made.

The week's applicants, interviews and hires are counted from the steps
(`hiring_figures`), as the flow's figures are from the visits.

Candidates are deleted — not hidden — `keep_days` after their opening closes (the
practice's setting, 180 days unless set), and one candidate's data can be deleted at
once (`om-tui hiring forget`). The audit trail keeps that they changed, not their details.

One idea, a candidate's way from applying to hired, kept whole; the week's figures
and the 90-day evaluations due are in modules of their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Database, fn

from db.models import (
    Candidate,
    CandidateStage,
    CandidateStep,
    Evaluation,
    HatHolder,
    Opening,
    Post,
    SettingKey,
    Staff,
    utc_naive,
)
from om_tui.practice import settings as practice_settings
from om_tui.practice.changes import tables_of
from om_tui.practice.clock import Clock
from om_tui.practice.org.access import OrgError, recorded, require
from om_tui.practice.owner.evaluations.views import NEW_HIRE_DAYS
from om_tui.practice.people.roles import checked
from om_tui.practice.people.staff import (
    check_secret_rules,
    hash_secret,
    initials_of,
    parse_role,
)
from om_tui.practice.settings import PracticeSettings

HIRING_TABLES = tables_of(Candidate, CandidateStep, Evaluation, HatHolder, Opening, Post, Staff)
"""What the hiring screen is read from (the openings and their candidates)."""

DEFAULT_KEEP_DAYS = 180
KEEP_DAYS_RANGE = (1, 3650)
FIELD_LENGTH = 120
NOTES_LENGTH = 2000

MAIN_LINE: tuple[CandidateStage, ...] = (
    CandidateStage.APPLIED,
    CandidateStage.SCREENED,
    CandidateStage.INTERVIEWED,
    CandidateStage.TRIAL,
    CandidateStage.OFFERED,
    CandidateStage.HIRED,
)
ENDED = frozenset({CandidateStage.HIRED, CandidateStage.DECLINED, CandidateStage.WITHDREW})
STAGE_TITLES: dict[str, str] = {
    CandidateStage.APPLIED: "Applied",
    CandidateStage.SCREENED: "Screened",
    CandidateStage.INTERVIEWED: "Interviewed",
    CandidateStage.TRIAL: "Working interview",
    CandidateStage.OFFERED: "Offered",
    CandidateStage.HIRED: "Hired",
    CandidateStage.DECLINED: "Declined",
    CandidateStage.WITHDREW: "Withdrew",
}
NEXT_STEP: dict[str, str] = {
    CandidateStage.APPLIED: "screen them (a call)",
    CandidateStage.SCREENED: "interview them",
    CandidateStage.INTERVIEWED: "a working interview",
    CandidateStage.TRIAL: "offer, or decline",
    CandidateStage.OFFERED: "their answer: hire on a yes",
}
"""What a candidate waits on, at each stage of the main line."""

_DOING = "hires (openings and candidates are theirs)"


class HiringError(OrgError):
    """A hiring change the rules refuse; fit to show."""


@dataclass(frozen=True)
class StepLine:
    stage: str
    day: dt.date
    by: str
    reason: str


@dataclass(frozen=True)
class CandidateLine:
    candidate_id: int
    name: str
    contact: str
    source: str
    notes: str
    stage: str
    revision: int
    steps: tuple[StepLine, ...]
    hired: str  # the staff member made, once hired

    @property
    def waiting_on(self) -> str:
        return NEXT_STEP.get(self.stage, "")

    @property
    def ended(self) -> bool:
        return self.stage in ENDED


@dataclass(frozen=True)
class OpeningLine:
    opening_id: int
    post_id: int
    post: str
    note: str
    opened: dt.date
    closed: dt.date | None
    candidates: tuple[CandidateLine, ...]


@dataclass(frozen=True)
class Hire:
    """What a hire made: the person, their hat's start, their 90-day evaluation's due day."""

    staff_id: int
    name: str
    post: str
    start: dt.date
    evaluation_due: dt.date


def keep_days(database: Database) -> int:
    stored = practice_settings.get(database, SettingKey.HIRING_KEEP_DAYS)
    try:
        return int(stored) if stored is not None else DEFAULT_KEEP_DAYS
    except ValueError:
        return DEFAULT_KEEP_DAYS


@checked("settings", "changes the practice's settings")
def set_keep_days(database: Database, days: int, *, by: int | None) -> None:
    low, high = KEEP_DAYS_RANGE
    if not low <= days <= high:
        raise HiringError(f"Candidates are kept {low} to {high} days after an opening closes.")
    practice_settings.put(database, SettingKey.HIRING_KEEP_DAYS, str(days))


def _field(text: str, what: str, longest: int = FIELD_LENGTH, needed: bool = False) -> str:
    value = " ".join(text.split()) if longest == FIELD_LENGTH else text.strip()
    if needed and not value:
        raise HiringError(f"A candidate needs {what}.")
    if len(value) > longest:
        raise HiringError(f"A candidate's {what} is at most {longest} characters.")
    return value


@dataclass
class Hiring:
    """Openings and candidates, changed by `staff_id` (the manager or the owner)."""

    database: Database
    clock: Clock
    settings: PracticeSettings
    staff_id: int | None

    def today(self) -> dt.date:
        return self.settings.today(self.clock.now())

    def _now(self) -> dt.datetime:
        return utc_naive(self.clock.now())

    # -- reading ------------------------------------------------------------------------

    def openings(self, closed_too: bool = False) -> list[OpeningLine]:
        """The openings (the open ones, or all kept), each with its candidates."""
        with self.database.atomic():
            require(self.database, self.staff_id, "hiring", "sees the candidates")
            query = Opening.select(Opening, Post).join(Post)
            if not closed_too:
                query = query.where(Opening.closed.is_null())
            openings = list(query.order_by(Opening.opened, Opening.id))
            ids = [opening.id for opening in openings]
            names: dict[int | None, str] = {
                person.id: person.name for person in Staff.select(Staff.id, Staff.name)
            }
            steps: dict[int, list[StepLine]] = {}
            for step in CandidateStep.select().join(Candidate).where(Candidate.opening.in_(ids)):
                steps.setdefault(step.candidate_id, []).append(
                    StepLine(step.stage, step.day, names.get(step.by_id, ""), step.reason)
                )
            candidates: dict[int, list[CandidateLine]] = {}
            for candidate in (
                Candidate.select().where(Candidate.opening.in_(ids)).order_by(Candidate.id)
            ):
                candidates.setdefault(candidate.opening_id, []).append(
                    CandidateLine(
                        candidate.id,
                        candidate.name,
                        candidate.contact,
                        candidate.source,
                        candidate.notes,
                        candidate.stage,
                        candidate.revision,
                        tuple(sorted(steps.get(candidate.id, []), key=lambda s: s.day)),
                        names.get(candidate.hired_id, "") if candidate.hired_id else "",
                    )
                )
        zone = self.settings.zone
        return [
            OpeningLine(
                opening.id,
                opening.post_id,
                opening.post.title,
                opening.note,
                opening.opened.replace(tzinfo=dt.UTC).astimezone(zone).date(),
                opening.closed.replace(tzinfo=dt.UTC).astimezone(zone).date()
                if opening.closed
                else None,
                tuple(candidates.get(opening.id, [])),
            )
            for opening in openings
        ]

    # -- openings -----------------------------------------------------------------------

    def open_post(self, post_id: int, note: str = "") -> int:
        """Open a post for hiring; refused when it has an open opening or no longer exists."""
        with self.database.atomic():
            require(self.database, self.staff_id, "hiring", _DOING)
            post = Post.get_or_none(Post.id == post_id)
            if post is None:
                raise HiringError("That post no longer exists: nothing was opened.")
            if Opening.select().where(Opening.post == post_id, Opening.closed.is_null()).exists():
                raise HiringError(f"{post.title} is open for hiring already.")
            opening = Opening.create(
                post=post_id,
                note=_field(note, "note", NOTES_LENGTH),
                opened=self._now(),
                opened_by=recorded(self.staff_id),
            )
            return int(opening.id)

    def close_opening(self, opening_id: int) -> None:
        with self.database.atomic():
            require(self.database, self.staff_id, "hiring", _DOING)
            self._close(self._opening(opening_id))

    def _close(self, opening: Opening) -> None:
        if opening.closed is None:
            Opening.update(closed=self._now(), closed_by=recorded(self.staff_id)).where(
                Opening.id == opening.id
            ).execute()

    @staticmethod
    def _opening(opening_id: int) -> Opening:
        opening = Opening.get_or_none(Opening.id == opening_id)
        if opening is None:
            raise HiringError("That opening is gone (its candidates were deleted).")
        return opening

    # -- candidates ---------------------------------------------------------------------

    def add_candidate(
        self,
        opening_id: int,
        name: str,
        contact: str = "",
        source: str = "",
        notes: str = "",
        applied: dt.date | None = None,
    ) -> int:
        name = _field(name, "a name", needed=True)
        with self.database.atomic():
            require(self.database, self.staff_id, "hiring", _DOING)
            opening = self._opening(opening_id)
            if opening.closed is not None:
                raise HiringError("That opening is closed: open the post again for new candidates.")
            candidate = Candidate.create(
                opening=opening_id,
                name=name,
                contact=_field(contact, "contact"),
                source=_field(source, "source"),
                notes=_field(notes, "notes", NOTES_LENGTH),
                stage=CandidateStage.APPLIED,
            )
            self._step(candidate.id, CandidateStage.APPLIED, applied or self.today(), "")
            return int(candidate.id)

    def move(
        self,
        candidate_id: int,
        revision: int,
        stage: CandidateStage,
        day: dt.date | None = None,
        reason: str = "",
    ) -> None:
        """The candidate's next step (skipping ahead allowed), or out with a reason."""
        reason = _field(reason, "reason", NOTES_LENGTH)
        with self.database.atomic():
            require(self.database, self.staff_id, "hiring", _DOING)
            candidate = self._as_seen(candidate_id, revision)
            if stage == CandidateStage.HIRED:
                raise HiringError("Hiring makes the staff record: use Hire.")
            if stage in (CandidateStage.DECLINED, CandidateStage.WITHDREW):
                if not reason:
                    raise HiringError(f"Say why they {STAGE_TITLES[stage].lower()}.")
            elif MAIN_LINE.index(stage) <= MAIN_LINE.index(CandidateStage(candidate.stage)):
                raise HiringError(
                    f"{candidate.name} is past that: {STAGE_TITLES[candidate.stage]} already."
                )
            self._step(candidate_id, stage, day or self.today(), reason)
            self._bump(candidate_id, stage=stage)

    def hire(self, candidate_id: int, revision: int, role: str, pin: str, start: dt.date) -> Hire:
        """The candidate becomes staff: role, first PIN, the post's hat from `start`.

        Slow (the PIN is hashed): off the event loop.
        """
        role = parse_role(role).value
        check_secret_rules(pin)
        hashed = hash_secret(pin)
        with self.database.atomic():
            require(self.database, self.staff_id, "hiring", _DOING)
            require(self.database, self.staff_id, "roster", "adds people to the staff")
            candidate = self._as_seen(candidate_id, revision)
            opening = self._opening(candidate.opening_id)
            post = Post.get_or_none(Post.id == opening.post_id)
            if post is None:
                raise HiringError("That post no longer exists: nobody was hired.")
            if start < self.today() - dt.timedelta(days=31):
                raise HiringError("A start date more than a month past: check the date.")
            taken = Staff.get_or_none(
                (fn.lower(Staff.name) == candidate.name.lower()) & (Staff.active == True)  # noqa: E712
            )
            if taken is not None:
                raise HiringError(
                    f"There is already an active staff member called {taken.name}: "
                    "tell them apart in the candidate's name first."
                )
            person = Staff.create(
                name=candidate.name,
                initials=initials_of(candidate.name)[:4],
                role=role,
                active=True,
                secret=hashed,
            )
            HatHolder.create(post=post.id, staff=person.id, since=start)
            self._step(candidate_id, CandidateStage.HIRED, start, "")
            self._bump(candidate_id, stage=CandidateStage.HIRED, hired=person.id)
            self._close(opening)
            return Hire(
                person.id,
                person.name,
                post.title,
                start,
                start + dt.timedelta(days=NEW_HIRE_DAYS - 1),
            )

    def _as_seen(self, candidate_id: int, revision: int) -> Candidate:
        candidate = Candidate.get_or_none(Candidate.id == candidate_id)
        if candidate is None:
            raise HiringError("That candidate's data was deleted: nothing was changed.")
        if candidate.revision != revision:
            raise HiringError(
                f"{candidate.name} was changed on another terminal "
                f"({STAGE_TITLES[candidate.stage]} now): look again; nothing was changed."
            )
        if candidate.stage in ENDED:
            raise HiringError(f"{candidate.name} is {STAGE_TITLES[candidate.stage].lower()}.")
        return candidate

    def _step(self, candidate_id: int, stage: str, day: dt.date, reason: str) -> None:
        CandidateStep.create(
            candidate=candidate_id,
            stage=stage,
            day=day,
            reason=reason,
            at=self._now(),
            by=recorded(self.staff_id),
        )

    @staticmethod
    def _bump(candidate_id: int, **changes: object) -> None:
        updated = (
            Candidate.update(revision=Candidate.revision + 1, **changes)
            .where(Candidate.id == candidate_id)
            .execute()
        )
        if updated != 1:
            raise HiringError("That candidate changed meanwhile: nothing was changed.")

    # -- deleting candidates' data --------------------------------------------------------

    def forget(self, candidate_id: int) -> str:
        """Delete one candidate's data now (their steps with it). Their name, for saying so."""
        with self.database.atomic():
            require(self.database, self.staff_id, "hiring", _DOING)
            candidate = Candidate.get_or_none(Candidate.id == candidate_id)
            if candidate is None:
                raise HiringError(f"There is no candidate {candidate_id}.")
            candidate.delete_instance(recursive=False)
            return str(candidate.name)

    def purge(self) -> int:
        """Delete the candidates of openings closed more than the kept days ago. How many."""
        cutoff = self._now() - dt.timedelta(days=keep_days(self.database))
        with self.database.atomic():
            require(self.database, self.staff_id, "hiring", _DOING)
            expired = Opening.select(Opening.id).where(Opening.closed < cutoff)
            return int(Candidate.delete().where(Candidate.opening.in_(expired)).execute())
