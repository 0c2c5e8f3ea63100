"""Hiring: openings, candidates' steps, the hire in one step, and candidates' data deleted."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from peewee import Database

from db.models import (
    Candidate,
    CandidateStage,
    CandidateStep,
    HatHolder,
    Opening,
    Post,
    Staff,
)
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.org.access import OrgError
from om_tui.practice.org.hiring import Hiring, HiringError, set_keep_days
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.staff import verify_secret

from .practice_fixture import DAY, Practice


@pytest.fixture
def hiring(database: Database, practice: Practice, clock: FrozenClock) -> Hiring:
    return Hiring(database, clock, settings.load(database), practice.provider)  # the owner


@pytest.fixture
def assistant() -> int:
    return int(Post.create(title="Chiropractic Assistant", position=1).id)


def candidate(hiring: Hiring, post: int, name: str = "Rosa Diaz") -> tuple[int, int]:
    opening = Opening.get_or_none(Opening.post == post, Opening.closed.is_null())
    opening_id = opening.id if opening else hiring.open_post(post, "Mornings")
    return opening_id, hiring.add_candidate(opening_id, name, "555-0100", "Indeed", "Keen")


def seen(candidate_id: int) -> int:
    return int(Candidate.get_by_id(candidate_id).revision)


def test_a_candidate_moves_along_dated_and_by_whom(hiring: Hiring, assistant: int) -> None:
    _, rosa = candidate(hiring, assistant)
    hiring.move(rosa, seen(rosa), CandidateStage.SCREENED)
    hiring.move(rosa, seen(rosa), CandidateStage.TRIAL, day=DAY + dt.timedelta(days=2))
    [opening] = hiring.openings()
    [line] = opening.candidates
    assert line.stage == CandidateStage.TRIAL and line.waiting_on == "offer, or decline"
    assert [(s.stage, s.by) for s in line.steps] == [
        ("applied", "Dr. Pat Chen"),
        ("screened", "Dr. Pat Chen"),
        ("trial", "Dr. Pat Chen"),
    ]
    assert line.steps[-1].day == DAY + dt.timedelta(days=2)
    with pytest.raises(HiringError, match="past that"):
        hiring.move(rosa, seen(rosa), CandidateStage.INTERVIEWED)
    with pytest.raises(HiringError, match="Say why"):
        hiring.move(rosa, seen(rosa), CandidateStage.WITHDREW)
    hiring.move(rosa, seen(rosa), CandidateStage.WITHDREW, reason="Took another job")
    with pytest.raises(HiringError, match="withdrew"):
        hiring.move(rosa, seen(rosa), CandidateStage.OFFERED)


def test_hired_makes_the_person_in_one_step(
    hiring: Hiring, assistant: int, practice: Practice
) -> None:
    opening_id, rosa = candidate(hiring, assistant)
    start = DAY + dt.timedelta(days=5)
    made = hiring.hire(rosa, seen(rosa), "staff", "4321", start)
    person = Staff.get_by_id(made.staff_id)
    assert (person.name, person.role, person.active) == ("Rosa Diaz", "staff", True)
    assert verify_secret(person.secret, "4321")
    holding = HatHolder.get(HatHolder.staff == person.id)
    assert (holding.post_id, holding.since, holding.until) == (assistant, start, None)
    assert made.evaluation_due == start + dt.timedelta(days=89)
    assert Opening.get_by_id(opening_id).closed is not None
    assert Candidate.get_by_id(rosa).hired_id == person.id
    assert hiring.openings() == []  # closed: off the board of openings


def test_two_terminals_hiring_the_same_candidate(
    database: Database, hiring: Hiring, assistant: int, practice: Practice, clock: FrozenClock
) -> None:
    _, rosa = candidate(hiring, assistant)
    both_saw = seen(rosa)
    other = Hiring(database, clock, settings.load(database), practice.provider)
    hiring.hire(rosa, both_saw, "staff", "4321", DAY)
    with pytest.raises(HiringError, match="changed on another terminal"):
        other.hire(rosa, both_saw, "front desk", "9999", DAY)
    assert Staff.select().where(Staff.name == "Rosa Diaz").count() == 1
    assert HatHolder.select().where(HatHolder.post == assistant).count() == 1


def test_hiring_into_a_post_that_no_longer_exists(hiring: Hiring, assistant: int) -> None:
    Post.delete().where(Post.id == assistant).execute()
    with pytest.raises(HiringError, match="no longer exists"):
        hiring.open_post(assistant)
    assert not Opening.select().exists()


def test_a_post_has_one_open_opening(hiring: Hiring, assistant: int) -> None:
    hiring.open_post(assistant)
    with pytest.raises(HiringError, match="open for hiring already"):
        hiring.open_post(assistant)


def test_candidates_are_private_to_managers(
    database: Database, practice: Practice, clock: FrozenClock, hiring: Hiring, assistant: int
) -> None:
    candidate(hiring, assistant)
    desk = Hiring(database, clock, settings.load(database), practice.desk)
    with pytest.raises(OrgError, match="Only the office manager or the owner sees"):
        desk.openings()
    with pytest.raises(OrgError, match="Only the office manager or the owner hires"):
        desk.open_post(assistant)


def test_candidates_are_deleted_after_the_opening_closes(
    database: Database, practice: Practice, clock: FrozenClock, hiring: Hiring, assistant: int
) -> None:
    set_keep_days(database, 30, by=ADMINISTRATOR)
    opening_id, rosa = candidate(hiring, assistant)
    hiring.close_opening(opening_id)
    assert hiring.purge() == 0  # closed today: kept
    later = FrozenClock(clock.now() + dt.timedelta(days=31))
    assert Hiring(database, later, settings.load(database), practice.provider).purge() == 1
    assert Candidate.get_or_none(Candidate.id == rosa) is None
    assert not CandidateStep.select().exists()


def test_one_candidates_data_deleted_now_and_kept_out_of_the_trail(
    database: Database, hiring: Hiring, assistant: int
) -> None:
    _, rosa = candidate(hiring, assistant)
    assert hiring.forget(rosa) == "Rosa Diaz"
    assert Candidate.get_or_none(Candidate.id == rosa) is None
    trail = [row[0] for row in database.execute_sql("SELECT entry FROM audit").fetchall()]
    assert trail, "the trail records the changes"
    assert not any("Rosa" in entry or "555-0100" in entry for entry in trail)
    assert any(json.loads(entry)["subject"] == "candidate" for entry in trail)


def test_the_90_day_evaluation_shows_when_due_until_started(
    database: Database, hiring: Hiring, assistant: int, practice: Practice
) -> None:
    from db.models import Evaluation, EvaluationKind
    from om_tui.practice.org.hiring_counts import evaluations_due

    _, rosa = candidate(hiring, assistant)
    made = hiring.hire(rosa, seen(rosa), "staff", "4321", DAY)
    due = DAY + dt.timedelta(days=89)
    assert evaluations_due(database, DAY + dt.timedelta(days=70)) == []  # 19 days off
    assert evaluations_due(database, DAY + dt.timedelta(days=80)) == [("Rosa Diaz", due)]
    assert evaluations_due(database, DAY + dt.timedelta(days=100)) == [("Rosa Diaz", due)]
    Evaluation.create(
        staff=made.staff_id,
        start=DAY,
        end=due,
        kind=EvaluationKind.NEW_HIRE,
        created=DAY,
    )
    assert evaluations_due(database, DAY + dt.timedelta(days=80)) == []


def test_the_weeks_applicants_interviews_and_hires_are_counted(
    database: Database, hiring: Hiring, assistant: int, clock: FrozenClock
) -> None:
    from om_tui.practice.org.hiring_counts import hiring_figures
    from om_tui.practice.stats.service import Stats

    weeks = Stats(database, clock, settings.load(database), ADMINISTRATOR).weeks
    week = weeks.week_of_day(DAY)  # Thursday 19 November: the days 12–18 November
    opening = hiring.open_post(assistant)
    earlier = hiring.add_candidate(opening, "Ann Early", applied=DAY - dt.timedelta(days=7))
    rosa = hiring.add_candidate(opening, "Rosa Diaz")
    sam = hiring.add_candidate(opening, "Sam Lee")
    hiring.move(rosa, seen(rosa), CandidateStage.INTERVIEWED)
    hiring.move(sam, seen(sam), CandidateStage.TRIAL)  # skipped the interview: not counted
    hiring.move(earlier, seen(earlier), CandidateStage.INTERVIEWED, DAY + dt.timedelta(days=2))
    hiring.hire(rosa, seen(rosa), "staff", "4321", DAY)
    assert hiring_figures(weeks, week) == {"applicants": 2.0, "interviews": 1.0, "hires": 1.0}
    assert hiring_figures(weeks, week - dt.timedelta(weeks=1)) == {
        "applicants": 1.0,
        "interviews": 0.0,
        "hires": 0.0,
    }
    following = hiring_figures(weeks, week + dt.timedelta(weeks=1))
    assert following == {"applicants": 0.0, "interviews": 1.0, "hires": 0.0}


def test_the_deep_check_takes_a_candidates_hidden_details_as_the_trail_says(
    database: Database, hiring: Hiring, assistant: int
) -> None:
    from om_tui.practice.people.trail_check import check

    _, rosa = candidate(hiring, assistant)
    hiring.move(rosa, seen(rosa), CandidateStage.WITHDREW, reason="Moved away")
    found = check(database, deep=True)
    assert not any("candidate" in line for line in found.lines), found.lines


def test_hiring_figures_are_stats_the_practice_can_use(
    database: Database, hiring: Hiring, assistant: int, clock: FrozenClock
) -> None:
    from db.models import Stat, StatSource, StatValue
    from om_tui.practice.stats.service import Stats

    stats = Stats(database, clock, settings.load(database), ADMINISTRATOR)
    hires = stats.define(
        name="Hires", short_name="hires", source=StatSource.COMPUTED, computed="hires"
    )
    _, rosa = candidate(hiring, assistant)
    hiring.hire(rosa, seen(rosa), "staff", "4321", DAY)
    week = stats.weeks.week_of_day(DAY)
    assert stats.recompute(week)["hires"] == 1.0
    assert StatValue.get(StatValue.stat == hires.id, StatValue.day == week).value == 1.0
    # A week older than the keeping time: its count stands as stored, candidates or not.
    set_keep_days(database, 1, by=ADMINISTRATOR)
    Candidate.delete().execute()
    later = FrozenClock(clock.now() + dt.timedelta(days=30))
    Stats(database, later, settings.load(database), ADMINISTRATOR).recompute(week)
    assert StatValue.get(StatValue.stat == hires.id, StatValue.day == week).value == 1.0
    assert Stat.get_by_id(hires.id).computed == "hires"
