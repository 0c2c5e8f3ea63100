"""Performance evaluations: the figures gathered for a period against a hand-counted
fixture, the period rules, ratings 1–5 only, who may write what, and a finished
evaluation kept read-only with its figures frozen.

The practice is in New York; "now" is Wednesday 18 November 2026, 10:00; the stats
week ends Thursday 14:00. Karen Miles (office manager) evaluates Jenny Ortiz for
Monday 2 – Friday 13 November. Jenny holds Receptionist (since 1 October; Tom Becker
holds it too) and held Marketing from Monday 9 to Thursday 12 (not included); she is on
leave on the 12th and 13th.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from peewee import Database, IntegrityError

from db.models import (
    Attestation,
    ChecklistItem,
    ChecksheetStep,
    ConditionOverride,
    Evaluation,
    EvaluationCriterion,
    EvaluationKind,
    EvaluationRating,
    EvaluationStatus,
    HatHolder,
    Leave,
    Order,
    OrderStatus,
    Policy,
    PolicyPost,
    PolicyVersion,
    Post,
    Role,
    Staff,
    Stat,
    StatValue,
    StepSignoff,
    Tick,
    utc_naive,
)
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.evaluations.service import Evaluations
from om_tui.practice.owner.evaluations.views import CriterionUse, EvaluationError, Holding, Training
from om_tui.practice.people.roles import ADMINISTRATOR

from .practice_fixture import ZONE, ZONE_NAME

FIRST = dt.date(2026, 11, 2)  # a Monday
LAST = dt.date(2026, 11, 13)  # a Friday


def day(number: int, month: int = 11) -> dt.date:
    return dt.date(2026, month, number)


def at(number: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    """A stored instant (UTC, naive) for a New York time."""
    local = dt.datetime.combine(day(number, month), dt.time(hour, minute), tzinfo=ZONE)
    return utc_naive(local)


@dataclass
class Office:
    database: Database
    clock: FrozenClock
    owner: int
    manager: int
    jenny: int
    tom: int
    reception: int
    marketing: int
    phones: int  # Receptionist's daily item

    def evaluations(self, person: int | None) -> Evaluations:
        return Evaluations(self.database, self.clock, settings.load(self.database), person)


@pytest.fixture
def office(database: Database) -> Office:
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)

    def person(name: str, role: Role) -> int:
        initials = "".join(word[0] for word in name.split())
        return int(Staff.create(name=name, initials=initials, role=role).id)

    owner = person("Dr. Sarah Chen", Role.OWNER)
    manager = person("Karen Miles", Role.OFFICE_MANAGER)
    jenny = person("Jenny Ortiz", Role.FRONT_DESK)
    tom = person("Tom Becker", Role.STAFF)
    reception = Post.create(title="Receptionist", position=1).id
    marketing = Post.create(title="Marketing", position=2).id
    billing = Post.create(title="Billing", position=3).id
    HatHolder.create(post=reception, staff=jenny, since=day(1, 10))
    HatHolder.create(post=reception, staff=tom, since=day(1, 10))
    HatHolder.create(post=marketing, staff=jenny, since=day(9), until=day(12))
    HatHolder.create(post=billing, staff=tom, since=day(1, 10))
    Leave.create(staff=jenny, start=day(12), end=day(13))

    # Stats: weekly values from the week ending Thursday 1 October.
    created = at(1, 9, month=10)
    new_patients = Stat.create(
        name="New patients", short_name="new_patients", post=reception, created=created
    )
    leads = Stat.create(name="Leads", short_name="leads", post=marketing, created=created)
    collections = Stat.create(
        name="Collections", short_name="collections", post=billing, created=created
    )
    weeks = [day(1, 10), day(8, 10), day(15, 10), day(22, 10), day(29, 10)]
    values = [*([10.0] * 5), 10.0, 15.0, 12.0]  # … 5 Nov level, 12 Nov +50 %, 19 Nov so far
    for week, value in zip([*weeks, day(5), day(12), day(19)], values, strict=True):
        for stat, figure in ((new_patients, value), (collections, 1000.0)):
            StatValue.create(stat=stat, period="week", day=week, value=figure, at=created)
    StatValue.create(stat=leads, period="week", day=day(12), value=7.0, at=created)
    ConditionOverride.create(
        stat=new_patients, week=day(5), condition="normal", reason="Holiday week", at=created
    )

    # Hats: one daily item due by 9:00; ticks on time on the 2nd–4th, late on the 5th.
    item = ChecklistItem.create(
        key=0,
        post=reception,
        text="Open the phones",
        due_time="09:00",
        start=day(1, 10),
        created=created,
    )
    item.key = item.id
    item.save()
    for number, hour in ((2, 8), (3, 8), (4, 8), (5, 10)):
        Tick.create(item=item, key=item.key, due_on=day(number), holder=jenny, at=at(number, hour))
    Tick.create(item=item, key=item.key, due_on=day(6), holder=tom, at=at(6, 8))  # Tom's

    # Orders: on time, late, overdue, cancelled, before the period, and one to the post.
    def order(due: int, reported: dt.datetime | None, **to: int | str) -> None:
        status = to.pop("status", OrderStatus.DONE if reported else OrderStatus.OPEN)
        Order.create(
            issued_by=manager,
            text="Do it",
            due_on=day(due) if due > 0 else day(20, 10),
            created=at(1, 9),
            status=status,
            reported_at=reported,
            **to,
        )

    order(3, at(3, 12), to_staff=jenny)
    order(6, at(9, 9), to_staff=jenny)
    order(10, None, to_staff=jenny)
    order(4, None, to_staff=jenny, status=OrderStatus.CANCELLED)
    order(0, at(19, 9, month=10), to_staff=jenny)
    order(11, at(11, 15), to_post=reception)  # Tom reported it: it counts for Jenny too

    # Policies: v1 attested in the period; v2 (16 November) owed.
    policy = Policy.create(title="Phone policy", created=created)
    PolicyPost.create(policy=policy, post=reception)
    first = PolicyVersion.create(policy=policy, number=1, body="Answer.", at=created)
    PolicyVersion.create(policy=policy, number=2, body="Answer by 3 rings.", at=at(16, 9))
    Attestation.create(version=first, staff=jenny, at=at(4, 12))

    # Training: two of Receptionist's three steps signed off.
    steps = [ChecksheetStep.create(post=reception, text=f"Step {n}") for n in range(3)]
    for step in steps[:2]:
        StepSignoff.create(step=step, staff=jenny, signed_by=manager, at=at(5, 12, month=10))

    clock = FrozenClock(dt.datetime(2026, 11, 18, 10, tzinfo=ZONE))
    return Office(database, clock, owner, manager, jenny, tom, reception, marketing, int(item.id))


def criteria(office: Office) -> list[int]:
    return [c.criterion_id for c in office.evaluations(office.manager).criteria()]


def rate_all(office: Office, evaluation_id: int, rating: int = 4) -> None:
    karen = office.evaluations(office.manager)
    for criterion_id in criteria(office):
        karen.rate(evaluation_id, criterion_id, rating)


# -- the criteria ----------------------------------------------------------------------------


def test_the_practice_starts_with_a_default_set_of_criteria(office: Office) -> None:
    names = [c.name for c in office.evaluations(office.manager).criteria()]
    assert names == [
        "Quality of work",
        "Keeps their hat on",
        "Communication",
        "Initiative",
        "Reliability",
    ]


def test_the_manager_adds_and_retires_criteria(office: Office) -> None:
    karen = office.evaluations(office.manager)
    added = karen.add_criterion("Patient care", "Kind, on time, explains.")
    with pytest.raises(EvaluationError, match="already a criterion called 'Patient care'"):
        karen.add_criterion("patient CARE")
    with pytest.raises(EvaluationError, match="Only the office manager or the owner"):
        office.evaluations(office.jenny).add_criterion("Punctuality")
    karen.set_criterion_active(added, False)
    assert "Patient care" not in [c.name for c in karen.criteria()]
    assert "Patient care" in [c.name for c in karen.criteria(everything=True)]


def test_a_retired_name_is_not_taken_again_and_the_message_says_bring_it_back(
    office: Office,
) -> None:
    karen = office.evaluations(office.manager)
    initiative = criteria(office)[3]
    karen.set_criterion_active(initiative, False)
    with pytest.raises(EvaluationError, match="'Initiative', retired: bring it back instead"):
        karen.add_criterion(" INITIATIVE ")
    with pytest.raises(EvaluationError, match="already a criterion called 'Reliability'\\.$"):
        karen.edit_criterion(criteria(office)[0], "reliability")
    with pytest.raises(EvaluationError, match="needs a name"):
        karen.edit_criterion(criteria(office)[0], "   ")
    assert EvaluationCriterion.select().count() == 5
    assert EvaluationCriterion.get_by_id(criteria(office)[0]).name == "Quality of work"


def test_a_criterion_brought_back_comes_at_the_end(office: Office) -> None:
    karen = office.evaluations(office.manager)
    quality = criteria(office)[0]
    karen.set_criterion_active(quality, False)
    karen.set_criterion_active(quality, False)  # twice: nothing more happens
    karen.set_criterion_active(quality, True)
    assert [c.name for c in karen.criteria()][-2:] == ["Reliability", "Quality of work"]
    with pytest.raises(EvaluationError, match="Only the office manager or the owner"):
        office.evaluations(office.jenny).set_criterion_active(quality, False)


def test_the_last_criterion_in_use_is_not_retired(office: Office) -> None:
    karen = office.evaluations(office.manager)
    *others, last = criteria(office)
    for criterion_id in others:
        karen.set_criterion_active(criterion_id, False)
    with pytest.raises(EvaluationError, match="Reliability is the only criterion in use"):
        karen.set_criterion_active(last, False)
    assert [c.name for c in karen.criteria()] == ["Reliability"]


def test_the_manager_moves_criteria_up_and_down(office: Office) -> None:
    karen = office.evaluations(office.manager)
    quality, hat, communication, initiative, reliability = criteria(office)
    karen.set_criterion_active(communication, False)
    karen.move_criterion(reliability, -2)
    karen.move_criterion(quality, -1)  # at the top already: stays
    karen.move_criterion(hat, 9)  # past the end: the last
    assert [c.criterion_id for c in karen.criteria()] == [quality, reliability, initiative, hat]
    with pytest.raises(EvaluationError, match="Communication is retired: bring it back"):
        karen.move_criterion(communication, 1)
    with pytest.raises(EvaluationError, match="Only the office manager or the owner"):
        office.evaluations(office.jenny).move_criterion(hat, -1)


def test_finished_evaluations_keep_a_retired_criterions_rating(office: Office) -> None:
    karen = office.evaluations(office.manager)
    quality, *_ = criteria(office)
    finished = karen.start(office.jenny, EvaluationKind.CHOSEN, FIRST, LAST)
    rate_all(office, finished, 3)
    karen.finish(finished)
    draft = karen.start(office.tom, EvaluationKind.CHOSEN, FIRST, LAST)
    karen.rate(draft, quality, 5)
    karen.rate(draft, criteria(office)[1], None)  # a row without a rating: not counted
    use = karen.criterion_use()
    assert use[quality] == CriterionUse(finished=1, drafts=1)
    assert use[criteria(office)[1]] == CriterionUse(finished=1, drafts=0)

    karen.set_criterion_active(quality, False)
    kept = karen.evaluation(finished)
    assert [(r.name, r.rating) for r in kept.ratings][0] == ("Quality of work", 3)
    assert "Quality of work" not in [r.name for r in karen.evaluation(draft).ratings]
    assert karen.criterion_use()[quality] == CriterionUse(finished=1, drafts=1)


# -- gathering ------------------------------------------------------------------------------


def test_gathering_finds_the_persons_figures_for_the_period(office: Office) -> None:
    found = office.evaluations(office.manager).gather(office.jenny, FIRST, LAST)

    assert found.name == "Jenny Ortiz"
    assert found.counted_to == LAST  # the period is over
    assert found.holdings == [
        Holding("Receptionist", FIRST, LAST),
        Holding("Marketing", day(9), day(11)),
    ]
    # Her posts' stats only (not Billing's), over the weeks she held each post.
    assert [(s.post, s.name) for s in found.stats] == [
        ("Receptionist", "New patients"),
        ("Marketing", "Leads"),
    ]
    new_patients, leads = found.stats
    assert new_patients.weeks == [day(5), day(12), day(19)]
    assert new_patients.values == [10.0, 15.0, 12.0]
    # 5 Nov: level (Emergency) overridden to Normal; 12 Nov: +50 %; 19 Nov: not over yet.
    assert new_patients.conditions == ["normal", "affluence", None]
    assert new_patients.change == pytest.approx(20.0)
    assert leads.weeks == [day(12)]
    assert leads.values == [7.0]
    assert leads.change is None
    # Ten open days, two on leave: 8 due; on time 2nd–4th, late on the 5th; Tom's not hers.
    assert found.hats == Tally(due=8, on_time=3, late=1)
    assert [(p.post, p.tally) for p in found.hats_by_post] == [("Receptionist", Tally(8, 3, 1))]
    assert found.hats_by_week == [
        (day(5), Tally(4, 3, 1)),  # Mon 2 – Thu 5 (the week turns Thursday 14:00)
        (day(12), Tally(4, 0, 0)),  # Fri 6 – Wed 11 (open days), leave from the 12th
    ]
    # Orders due 2–13 Nov: on time (3rd), late (6th), overdue (10th), the post's (11th,
    # reported by Tom on time); the cancelled one and October's do not count.
    assert found.orders == Tally(due=4, on_time=2, late=1)
    assert found.attested == 1
    assert found.outstanding == ["Phone policy v2"]
    assert found.training == [Training("Receptionist", 2, 3)]


def test_a_period_still_running_counts_only_as_far_as_today(office: Office) -> None:
    found = office.evaluations(office.manager).gather(office.jenny, FIRST, day(30))
    assert found.counted_to == day(18)
    assert found.end == day(30)
    # 12 and 13 on leave; 16, 17 missed; today's 9:00 deadline has passed too: 14 open days.
    assert found.hats.due == 11


def test_gathered_figures_survive_their_json(office: Office) -> None:
    from om_tui.practice.owner.evaluations.views import Gathered

    found = office.evaluations(office.manager).gather(office.jenny, FIRST, LAST)
    assert Gathered.from_dict(json.loads(json.dumps(found.to_dict()))) == found


# -- the period -----------------------------------------------------------------------------


def test_the_periods_of_each_kind(office: Office) -> None:
    karen = office.evaluations(office.manager)
    # 90 days from the first hat held (there is no hire date), unless the manager says.
    assert karen.period(office.jenny, EvaluationKind.NEW_HIRE) == (day(1, 10), day(29, 12))
    assert karen.period(office.jenny, EvaluationKind.NEW_HIRE, start=day(5, 10)) == (
        day(5, 10),
        dt.date(2027, 1, 2),
    )
    assert karen.period(office.jenny, EvaluationKind.YEARLY) == (dt.date(2025, 11, 19), day(18))
    assert karen.period(office.jenny, EvaluationKind.CHOSEN, FIRST, LAST) == (FIRST, LAST)


@pytest.mark.parametrize(
    ("kind", "start", "end", "said"),
    [
        (EvaluationKind.CHOSEN, FIRST, None, "needs its first and its last day"),
        (
            EvaluationKind.CHOSEN,
            LAST,
            FIRST,
            r"ends \(2 Nov 2026\) before it starts \(13 Nov 2026\)",
        ),
        (EvaluationKind.CHOSEN, day(20), day(30), "after today"),
        (EvaluationKind.CHOSEN, dt.date(2020, 1, 1), LAST, "at most three years"),
        ("monthly", None, None, "90-day, yearly, or for a chosen period"),
    ],
)
def test_a_period_that_cannot_be_is_refused(
    office: Office, kind: str, start: dt.date | None, end: dt.date | None, said: str
) -> None:
    with pytest.raises(EvaluationError, match=said):
        office.evaluations(office.manager).start(office.jenny, kind, start, end)
    assert Evaluation.select().count() == 0


def test_a_new_hire_without_a_hat_needs_a_start_day(office: Office) -> None:
    karen = office.evaluations(office.manager)
    newcomer = int(Staff.create(name="Ned New", initials="NN", role=Role.STAFF).id)
    with pytest.raises(EvaluationError, match="Ned New has held no hat yet"):
        karen.start(newcomer, EvaluationKind.NEW_HIRE)
    karen.start(newcomer, EvaluationKind.NEW_HIRE, start=day(16))
    assert Evaluation.get().end == dt.date(2027, 2, 13)


# -- who evaluates whom ---------------------------------------------------------------------


def test_only_a_manager_or_the_owner_evaluates_and_never_themselves(office: Office) -> None:
    with pytest.raises(EvaluationError, match="Only the office manager or the owner"):
        office.evaluations(office.tom).start(office.jenny, EvaluationKind.YEARLY)
    with pytest.raises(EvaluationError, match="Nobody evaluates themselves"):
        office.evaluations(office.manager).start(office.manager, EvaluationKind.YEARLY)
    with pytest.raises(EvaluationError, match="The owner is not evaluated"):
        office.evaluations(office.manager).start(office.owner, EvaluationKind.YEARLY)
    with pytest.raises(EvaluationError, match="log in first"):
        office.evaluations(None).start(office.jenny, EvaluationKind.YEARLY)
    # The owner evaluates the office manager.
    office.evaluations(office.owner).start(office.manager, EvaluationKind.YEARLY)
    assert Evaluation.get().staff_id == office.manager


def test_one_draft_at_a_time_and_not_for_someone_who_left(office: Office) -> None:
    karen = office.evaluations(office.manager)
    karen.start(office.jenny, EvaluationKind.CHOSEN, FIRST, LAST)
    with pytest.raises(EvaluationError, match="Jenny Ortiz has an evaluation being written"):
        karen.start(office.jenny, EvaluationKind.YEARLY)
    Staff.update(active=False).where(Staff.id == office.tom).execute()
    with pytest.raises(EvaluationError, match="Tom Becker is no longer on the active staff"):
        karen.start(office.tom, EvaluationKind.YEARLY)
    assert Evaluation.select().count() == 1


# -- ratings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [0, 6, -1, 2.5, "3", True])
def test_a_rating_outside_one_to_five_is_refused(office: Office, rating: object) -> None:
    karen = office.evaluations(office.manager)
    evaluation = karen.start(office.jenny, EvaluationKind.CHOSEN, FIRST, LAST)
    with pytest.raises(EvaluationError, match="a whole number from 1 to 5"):
        karen.rate(evaluation, criteria(office)[0], rating)  # type: ignore[arg-type]
    assert EvaluationRating.select().count() == 0


def test_the_store_refuses_a_rating_outside_one_to_five_too(office: Office) -> None:
    evaluation = office.evaluations(office.manager).start(
        office.jenny, EvaluationKind.CHOSEN, FIRST, LAST
    )
    with pytest.raises(IntegrityError), office.database.atomic():
        EvaluationRating.create(evaluation=evaluation, criterion=criteria(office)[0], rating=9)


def test_rating_again_replaces_and_a_comment_keeps_the_rating(office: Office) -> None:
    karen = office.evaluations(office.manager)
    evaluation = karen.start(office.jenny, EvaluationKind.CHOSEN, FIRST, LAST)
    quality = criteria(office)[0]
    karen.rate(evaluation, quality, 2)
    karen.rate(evaluation, quality, 5)
    karen.comment(evaluation, quality, "  Careful, thorough.  ")
    [line, *others] = karen.evaluation(evaluation).ratings
    assert (line.rating, line.comment) == (5, "Careful, thorough.")
    assert all(other.rating is None for other in others)
    assert karen.evaluation(evaluation).average == 5
    with pytest.raises(EvaluationError, match="Only the office manager or the owner"):
        office.evaluations(office.tom).rate(evaluation, quality, 1)


def test_finishing_needs_every_criterion_rated(office: Office) -> None:
    karen = office.evaluations(office.manager)
    evaluation = karen.start(office.jenny, EvaluationKind.CHOSEN, FIRST, LAST)
    for criterion_id in criteria(office)[:3]:
        karen.rate(evaluation, criterion_id, 3)
    with pytest.raises(EvaluationError, match="Initiative, Reliability are not rated yet"):
        karen.finish(evaluation)
    assert Evaluation.get_by_id(evaluation).status == EvaluationStatus.DRAFT


# -- the self-evaluation ---------------------------------------------------------------------


def test_only_the_person_writes_their_self_evaluation(office: Office) -> None:
    karen = office.evaluations(office.manager)
    evaluation = karen.start(office.jenny, EvaluationKind.CHOSEN, FIRST, LAST)
    for who in (office.manager, office.owner, office.tom):
        with pytest.raises(EvaluationError, match="Only the person evaluated"):
            office.evaluations(who).self_evaluate(evaluation, "Great work by me.")
    office.clock.advance(hours=1)
    office.evaluations(office.jenny).self_evaluate(evaluation, "I kept the phones open.")
    row = Evaluation.get_by_id(evaluation)
    assert row.self_evaluation == "I kept the phones open."
    assert row.self_evaluated_at == utc_naive(office.clock.now())


def test_the_person_sees_their_draft_without_the_managers_ratings(office: Office) -> None:
    karen = office.evaluations(office.manager)
    evaluation = karen.start(office.jenny, EvaluationKind.CHOSEN, FIRST, LAST)
    karen.rate(evaluation, criteria(office)[0], 2)
    karen.set_comments(evaluation, "Phones late on Thursday.")
    mine = office.evaluations(office.jenny).evaluation(evaluation)
    assert mine.hidden and mine.may_self_evaluate and not mine.may_rate
    assert mine.ratings == [] and mine.comments == ""
    assert mine.figures.hats == Tally(8, 3, 1)  # her own figures she sees
    assert office.evaluations(office.jenny).history(office.jenny)[0].average is None
    with pytest.raises(EvaluationError, match="only your own evaluations"):
        office.evaluations(office.tom).evaluation(evaluation)
    with pytest.raises(EvaluationError, match="only your own evaluations"):
        office.evaluations(office.tom).history(office.jenny)


# -- finished: kept as it was ----------------------------------------------------------------


def test_a_finished_evaluation_is_read_only(office: Office) -> None:
    karen = office.evaluations(office.manager)
    evaluation = karen.start(office.jenny, EvaluationKind.CHOSEN, FIRST, LAST)
    office.evaluations(office.jenny).self_evaluate(evaluation, "A good fortnight.")
    rate_all(office, evaluation, 4)
    karen.set_comments(evaluation, "Steady.")
    karen.finish(evaluation)
    before = Evaluation.get_by_id(evaluation).__data__.copy()
    ratings_before = list(EvaluationRating.select().tuples())

    quality = criteria(office)[0]
    refusals = [
        lambda: karen.rate(evaluation, quality, 1),
        lambda: karen.comment(evaluation, quality, "Changed my mind."),
        lambda: karen.set_comments(evaluation, "Changed my mind."),
        lambda: office.evaluations(office.jenny).self_evaluate(evaluation, "More."),
        lambda: karen.finish(evaluation),
        lambda: karen.discard(evaluation),
    ]
    for refused in refusals:
        with pytest.raises(EvaluationError, match="finished on 18 Nov 2026: it is kept as it was"):
            refused()
    assert Evaluation.get_by_id(evaluation).__data__ == before
    assert list(EvaluationRating.select().tuples()) == ratings_before


def test_finishing_freezes_the_figures_and_the_criteria(office: Office) -> None:
    karen = office.evaluations(office.manager)
    evaluation = karen.start(office.jenny, EvaluationKind.CHOSEN, FIRST, LAST)
    rate_all(office, evaluation, 3)
    karen.finish(evaluation)
    # Afterwards: a late tick for the 9th, a new week's value, a criterion renamed.
    Tick.create(
        item=office.phones, key=office.phones, due_on=day(9), holder=office.jenny, at=at(9, 8)
    )
    StatValue.update(value=99.0).where(StatValue.day == day(12)).execute()
    EvaluationCriterion.update(name="Work quality").where(
        EvaluationCriterion.name == "Quality of work"
    ).execute()
    office.clock.advance(days=3)

    kept = karen.evaluation(evaluation)
    assert kept.finished and not kept.may_rate and not kept.may_self_evaluate
    assert kept.figures.hats == Tally(8, 3, 1)
    assert kept.figures.stats[0].values == [10.0, 15.0, 12.0]
    assert kept.ratings[0].name == "Quality of work"
    assert kept.finished_by == "Karen Miles"
    assert kept.finished_at == dt.datetime(2026, 11, 18, 15, tzinfo=dt.UTC)
    # And the person sees it, ratings and all, once finished.
    theirs = office.evaluations(office.jenny).evaluation(evaluation)
    assert not theirs.hidden and theirs.average == 3


def test_history_is_newest_first_with_the_draft_on_top(office: Office) -> None:
    karen = office.evaluations(office.manager)
    older = karen.start(office.jenny, EvaluationKind.CHOSEN, day(1, 10), day(31, 10))
    rate_all(office, older, 2)
    karen.finish(older)
    newer = karen.start(office.jenny, EvaluationKind.CHOSEN, FIRST, LAST)
    rate_all(office, newer, 4)
    karen.finish(newer)
    draft = karen.start(office.jenny, EvaluationKind.YEARLY)

    lines = karen.history(office.jenny)
    assert [line.evaluation_id for line in lines] == [draft, newer, older]
    assert [line.average for line in lines] == [None, 4, 2]
    assert karen.latest(office.jenny) == draft
    karen.discard(draft)
    assert karen.latest(office.jenny) == newer
    assert karen.history(office.tom) == []
