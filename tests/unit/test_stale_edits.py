"""An edit made from a screen carries what the screen showed; changed elsewhere since, it is
refused and nothing is saved — one terminal never silently writes over another's edit.

Each test: terminal A opens a record; terminal B changes it; A saves with what it saw and
is refused, B's change stands; read afresh, A's edit goes through.
"""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import Database

from db.models import (
    Attestation,
    ChecksheetStep,
    ConditionOverride,
    Duty,
    EvaluationKind,
    Order,
    Policy,
    PolicyVersion,
    Post,
    Program,
    ProgramStep,
    Role,
    Staff,
    StatValue,
    StepSignoff,
    Tick,
)
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.hats.service import Hats
from om_tui.practice.owner.evaluations.service import Evaluations
from om_tui.practice.owner.line.service import Line
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.staff import People, shown_details
from om_tui.practice.refusal import Refusal
from om_tui.practice.seen import ChangedElsewhere
from om_tui.practice.stats.conditions import Condition
from om_tui.practice.stats.service import Stats

from .practice_fixture import DAY, ZONE_NAME
from .stats_fixture import define

CHANGED = "changed on another terminal since you opened it"


@pytest.fixture
def manager(database: Database) -> int:
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)
    return int(Staff.create(name="Karen Miles", initials="KM", role=Role.OFFICE_MANAGER).id)


def _hats(database: Database, clock: FrozenClock, manager: int) -> Hats:
    return Hats(database, clock, settings.load(database), staff_id=manager)


# -- people ------------------------------------------------------------------------------


def test_a_persons_details_changed_elsewhere_are_not_written_over(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    people = People(database, clock, ADMINISTRATOR)
    jenny = people.add("Jenny Ortiz", Role.FRONT_DESK, "1234")
    seen = shown_details(Staff.get_by_id(jenny))
    people.edit(jenny, role=Role.STAFF)  # terminal B

    with pytest.raises(ChangedElsewhere, match=rf"^Jenny Ortiz: {CHANGED} \(role\)"):
        people.edit(jenny, name="Jenny Ortiz-Lee", seen=seen)
    with pytest.raises(ChangedElsewhere, match=CHANGED):
        people.set_secret(jenny, "9876", seen)
    assert (Staff.get_by_id(jenny).name, Staff.get_by_id(jenny).role) == ("Jenny Ortiz", "staff")
    assert people.login(jenny, "1234").id == jenny  # the PIN was not changed either

    people.edit(jenny, name="Jenny Ortiz-Lee", seen=shown_details(Staff.get_by_id(jenny)))
    assert Staff.get_by_id(jenny).name == "Jenny Ortiz-Lee"


# -- hats ----------------------------------------------------------------------------------


def test_a_hats_write_up_duty_or_item_changed_elsewhere_is_not_written_over(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    hats = _hats(database, clock, manager)
    post = hats.create_post("Reception", "Greet", "Patients in")
    duty = hats.add_duty(post, "Answer the phone")
    item = hats.add_item(post, "Phones on")
    shown_post = {"title": "Reception", "purpose": "Greet", "product": "Patients in"}
    shown_item = {"text": "Phones on", "frequency": "daily", "due_time": None, "shared": False}
    hats.update_post(post, purpose="Greet every patient")  # terminal B
    hats.edit_duty(duty, "Answer the phone by the third ring")
    hats.edit_item(item, text="Phones and lights on")

    with pytest.raises(ChangedElsewhere, match=rf"^The Reception hat: {CHANGED} \(purpose\)"):
        hats.update_post(post, "Front desk", "Greet", "Patients in", seen=shown_post)
    with pytest.raises(ChangedElsewhere, match=rf"^That duty: {CHANGED}"):
        hats.edit_duty(duty, "Answer calls", seen="Answer the phone")
    with pytest.raises(ChangedElsewhere, match=rf"^That checklist item: {CHANGED} \(text\)"):
        hats.edit_item(item, text="Phones on at 8", seen=shown_item)
    assert Post.get_by_id(post).title == "Reception"
    assert Duty.get_by_id(duty).text == "Answer the phone by the third ring"
    assert hats.detail(post).items[0].text == "Phones and lights on"

    # Removing what was shown: reworded elsewhere since, it stays.
    with pytest.raises(ChangedElsewhere, match=rf"^That duty: {CHANGED}"):
        hats.remove_duty(duty, seen="Answer the phone")
    with pytest.raises(ChangedElsewhere, match=rf"^That checklist item: {CHANGED}"):
        hats.remove_item(item, seen=shown_item)
    step = hats.add_step(post, "Learn the phones")
    # Nothing rewords a step today but the store itself; the check holds for when something does.
    ChecksheetStep.update(text="Learn the phones and the till").where(
        ChecksheetStep.id == step
    ).execute()
    with pytest.raises(ChangedElsewhere, match=rf"^That checksheet step: {CHANGED}"):
        hats.remove_step(step, seen="Learn the phones")
    assert [i.text for i in hats.detail(post).items] == ["Phones and lights on"]
    assert [s.text for s in hats.detail(post).steps] == ["Learn the phones and the till"]

    Duty.delete().where(Duty.id == duty).execute()  # removed elsewhere: said so
    with pytest.raises(ChangedElsewhere, match="That duty was removed on another terminal"):
        hats.edit_duty(duty, "Answer calls", seen="Answer the phone by the third ring")


def test_a_policy_revised_or_given_other_posts_elsewhere_is_not_written_over(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    hats = _hats(database, clock, manager)
    front, back = hats.create_post("Reception"), hats.create_post("Billing")
    policy = hats.write_policy("Phones", "Answer by the third ring.", [front])
    hats.revise_policy(policy, "Answer by the second ring.")  # terminal B: version 2
    hats.set_policy_posts(policy, [front, back])

    with pytest.raises(ChangedElsewhere, match=rf"^The policy Phones: {CHANGED} \(version\)"):
        hats.revise_policy(policy, "Answer.", "Phones", seen={"title": "Phones", "version": 1})
    with pytest.raises(ChangedElsewhere, match=rf"{CHANGED} \(posts\)"):
        hats.set_policy_posts(policy, [], seen=[front])
    assert PolicyVersion.select().where(PolicyVersion.policy == policy).count() == 2
    assert Policy.get_by_id(policy).title == "Phones"
    assert {p for p, _ in hats.policy(policy)[2]} == {front, back}

    assert hats.revise_policy(policy, "Answer.", seen={"title": "Phones", "version": 2}) == 3


# -- stats ---------------------------------------------------------------------------------


def test_a_stat_value_or_override_typed_elsewhere_is_not_written_over(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    stats = Stats(database, clock, settings.load(database), staff_id=manager)
    claims = define(stats, "claims")
    week = stats.this_week()
    stats.enter(claims.id, 140.0, week=week)  # terminal B, while A showed none

    with pytest.raises(ChangedElsewhere, match=rf"^Claims: {CHANGED} \(value\)"):
        stats.enter(claims.id, 15.0, week=week, seen={"value": None})
    with pytest.raises(ChangedElsewhere, match=CHANGED):
        stats.clear(claims.id, week=week, seen={"value": 100.0})
    assert stats.stored([claims.id], "week", week) == {claims.id: 140.0}
    stats.enter(claims.id, 150.0, week=week, seen={"value": 140.0})
    assert stats.stored([claims.id], "week", week) == {claims.id: 150.0}

    day = DAY
    stats.enter(claims.id, 3.0, day=day)
    with pytest.raises(ChangedElsewhere, match=CHANGED):
        stats.enter(claims.id, 4.0, day=day, seen={"value": None})
    assert StatValue.get(StatValue.period == "day").value == 3.0

    stats.override(claims.id, week, Condition.DANGER, "Two claims lost")  # terminal B
    with pytest.raises(ChangedElsewhere, match=rf"^Claims's condition: {CHANGED}"):
        stats.override(claims.id, week, Condition.NORMAL, "Fine", seen={"override": None})
    with pytest.raises(ChangedElsewhere, match=CHANGED):  # taking it away, too
        stats.override(claims.id, week, None, "", seen={"override": None})
    assert ConditionOverride.get().condition == Condition.DANGER
    shown = {"override": (Condition.DANGER, "Two claims lost")}
    stats.override(claims.id, week, None, "", seen=shown)
    assert ConditionOverride.select().count() == 0


# -- evaluations ---------------------------------------------------------------------------


def test_an_evaluation_changed_elsewhere_is_not_written_over_nor_finished_unseen(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    jenny = int(Staff.create(name="Jenny Ortiz", initials="JO", role=Role.FRONT_DESK).id)
    karen = Evaluations(database, clock, settings.load(database), manager)
    draft = karen.start(jenny, EvaluationKind.CHOSEN, DAY - dt.timedelta(days=60), DAY)
    first, *others = [c.criterion_id for c in karen.criteria()]
    for criterion in (first, *others):
        karen.rate(draft, criterion, 4)
    shown = karen.evaluation(draft).shown
    karen.rate(draft, first, 2)  # terminal B
    karen.comment(draft, first, "Late twice")
    karen.set_comments(draft, "A good quarter")

    with pytest.raises(ChangedElsewhere, match=rf"^Quality of work: {CHANGED} \(rating\)"):
        karen.rate(draft, first, 5, {"rating": 4})
    with pytest.raises(ChangedElsewhere, match=CHANGED):
        karen.comment(draft, first, "On time", seen="")
    with pytest.raises(ChangedElsewhere, match=CHANGED):
        karen.set_comments(draft, "A fine quarter", seen="")
    with pytest.raises(ChangedElsewhere, match=rf"^The evaluation: {CHANGED}"):
        karen.finish(draft, shown)
    view = karen.evaluation(draft)
    assert not view.finished
    assert (view.ratings[0].rating, view.ratings[0].comment) == (2, "Late twice")
    assert view.comments == "A good quarter"

    jen = Evaluations(database, clock, settings.load(database), jenny)
    jen.self_evaluate(draft, "I learned the phones")  # on another of her terminals
    with pytest.raises(ChangedElsewhere, match=rf"^Your self-evaluation: {CHANGED}"):
        jen.self_evaluate(draft, "Busy", seen="")

    karen.finish(draft, karen.evaluation(draft).shown)
    assert karen.evaluation(draft).finished


def test_a_criterion_renamed_elsewhere_is_not_written_over(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    karen = Evaluations(database, clock, settings.load(database), manager)
    criterion = karen.criteria()[0]
    seen = {"name": criterion.name, "description": criterion.description}
    karen.edit_criterion(criterion.criterion_id, "Work quality", criterion.description)
    with pytest.raises(ChangedElsewhere, match=rf"^The criterion Work quality: {CHANGED}"):
        karen.edit_criterion(criterion.criterion_id, "Quality", "", seen)
    assert karen.criteria()[0].name == "Work quality"


# -- orders and programs -------------------------------------------------------------------


def test_an_order_given_to_someone_else_elsewhere_is_not_given_again(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    jenny = int(Staff.create(name="Jenny Ortiz", initials="JO", role=Role.FRONT_DESK).id)
    sam = int(Staff.create(name="Sam Lee", initials="SL", role=Role.FRONT_DESK).id)
    orders = Orders(database, clock, settings.load(database), manager)
    due = DAY + dt.timedelta(days=2)
    order = orders.issue("Order the paper", due, to_staff=jenny)
    seen = {"to_staff": jenny, "to_post": None, "due_on": due, "due_time": None}
    orders.reassign(order, to_staff=sam)  # terminal B

    with pytest.raises(ChangedElsewhere, match=rf"^The order: {CHANGED} \(to staff\)"):
        orders.reassign(order, to_staff=manager, seen=seen)
    assert Order.get_by_id(order).to_staff_id == sam


def test_a_program_or_step_changed_elsewhere_is_not_written_over(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    orders = Orders(database, clock, settings.load(database), manager)
    program = orders.create_program("New patients", "Twenty a week")
    due = DAY + dt.timedelta(days=7)
    step = orders.add_step(program, "Flyers out", due, to_staff=manager)
    orders.edit_program(program, "New patients", "Thirty a week")  # terminal B
    orders.edit_step(step, "Flyers out to 500 homes", due, to_staff=manager)

    with pytest.raises(ChangedElsewhere, match=rf"^The program New patients: {CHANGED} \(goal\)"):
        orders.edit_program(
            program, "More patients", "Twenty", {"name": "New patients", "goal": "Twenty a week"}
        )
    shown = {"text": "Flyers out", "due_on": due, "to_staff": manager, "to_post": None}
    with pytest.raises(ChangedElsewhere, match=rf"^That step: {CHANGED} \(text\)"):
        orders.edit_step(step, "Flyers", due, to_staff=manager, seen=shown)
    assert Program.get_by_id(program).goal == "Thirty a week"
    assert ProgramStep.get_by_id(step).text == "Flyers out to 500 homes"


def test_a_draft_changed_elsewhere_is_not_discarded_unseen(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    jenny = int(Staff.create(name="Jenny Ortiz", initials="JO", role=Role.FRONT_DESK).id)
    karen = Evaluations(database, clock, settings.load(database), manager)
    draft = karen.start(jenny, EvaluationKind.CHOSEN, DAY - dt.timedelta(days=60), DAY)
    shown = karen.evaluation(draft).shown
    karen.rate(draft, karen.criteria()[0].criterion_id, 5)  # terminal B
    with pytest.raises(ChangedElsewhere, match=rf"^The evaluation: {CHANGED} \(ratings\)"):
        karen.discard(draft, shown)
    assert karen.evaluation(draft).ratings[0].rating == 5
    karen.discard(draft, karen.evaluation(draft).shown)


# -- the line ------------------------------------------------------------------------------


def test_a_batch_changed_elsewhere_is_not_sent(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    desk = int(Staff.create(name="Jenny Ortiz", initials="JO", role=Role.FRONT_DESK).id)
    line = Line(database, clock, settings.load(database))
    first = line.file(desk, "request", "A card reader")
    line.batch(first, manager)
    seen = [item.id for item in line.in_batch()]
    second = line.file(desk, "question", "Closed on the 24th?")
    line.batch(second, manager)  # terminal B

    with pytest.raises(ChangedElsewhere, match="The batch was changed on another terminal"):
        line.send_batch(manager, seen)
    assert {item.id for item in line.in_batch()} == {first, second}
    assert line.send_batch(manager, [first, second]) == 2


# -- the records a screen only ticks, signs or answers: gone, or moved on, is refused --------


def test_ticks_sign_offs_and_attestations_of_records_changed_elsewhere_are_refused(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    """Ids are never reused, so a record a screen still shows is that record or gone; these
    writes change no words, so "gone" or "moved on" is the whole check."""
    jenny = int(Staff.create(name="Jenny Ortiz", initials="JO", role=Role.FRONT_DESK).id)
    hats = _hats(database, clock, manager)
    post = hats.create_post("Reception")
    hats.add_holder(post, jenny)
    item = hats.add_item(post, "Phones on")
    step = hats.add_step(post, "Learn the phones")
    policy = hats.write_policy("Phones", "Answer by the third ring.", [post])
    version = hats.policy(policy)[1].id
    signed = hats.add_step(post, "Learn the till")
    hats.sign_off(signed, jenny)
    hats.remove_item(item)  # terminal B, each of them
    hats.remove_step(step)
    hats.remove_step(signed)
    hats.revise_policy(policy, "Answer by the second ring.")

    with pytest.raises(Refusal, match="That item was removed from the hat"):
        hats.tick(item, DAY, jenny)
    with pytest.raises(Refusal, match="That checksheet step was removed"):
        hats.sign_off(step, jenny)
    with pytest.raises(Refusal, match=r"newer version \(v2\) since you opened it"):
        _hats(database, clock, jenny).attest(version, jenny)  # her own attestation
    with pytest.raises(Refusal, match="its sign-offs stay on record"):
        hats.unsign(signed, jenny)
    assert Tick.select().count() == 0
    assert [s.step_id for s in StepSignoff.select()] == [signed]
    assert Attestation.select().count() == 0


def test_an_order_or_line_item_moved_on_elsewhere_is_not_answered_again(
    database: Database, clock: FrozenClock, manager: int
) -> None:
    jenny = int(Staff.create(name="Jenny Ortiz", initials="JO", role=Role.FRONT_DESK).id)
    orders = Orders(database, clock, settings.load(database), manager)
    order = orders.issue("Order the paper", DAY + dt.timedelta(days=2), to_staff=jenny)
    orders.cancel(order, "Not needed")  # terminal B
    with pytest.raises(Refusal, match="cancelled it"):
        orders.chase(order)
    assert Order.get_by_id(order).chased == 0

    line = Line(database, clock, settings.load(database))
    item = line.file(jenny, "request", "A card reader")
    line.batch(item, manager)  # terminal B
    with pytest.raises(Refusal):
        line.take(item, manager)
    assert [i.id for i in line.in_batch()] == [item]
