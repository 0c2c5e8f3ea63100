"""The org board: reshaping it, who covers a vacant post, and the roll-up, counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import Database

from db.models import HatHolder, OrgDepartment, OrgPlace, Post
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.org.access import OrgError
from om_tui.practice.org.board import read_board
from om_tui.practice.org.rollup import Rollup
from om_tui.practice.org.structure import DEFAULT_STRUCTURE, Structure
from om_tui.practice.stats.conditions import Condition

from .practice_fixture import Practice
from .stats_fixture import PREVIOUS_WEEK, define, stats_service


def weeks(values: list[float]) -> list[dt.date]:
    """The weeks, oldest first, ending with the week the board judges now."""
    return [PREVIOUS_WEEK - dt.timedelta(weeks=n) for n in range(len(values) - 1, -1, -1)]


def a_stat(database: Database, clock: FrozenClock, short: str, post: int, values: list[float]):
    stats = stats_service(database, clock)
    stat = define(stats, short, post=post)
    for week, value in zip(weeks(values), values, strict=True):
        stats.enter(stat.id, value, week=week)


@pytest.fixture
def structure(database: Database, practice: Practice) -> Structure:
    return Structure(database, practice.provider)  # the owner


def built(structure: Structure, practice: Practice, database: Database, clock: FrozenClock):
    """Division A: department A1 (P1 held by Lou, a Normal stat; P2 vacant, a Danger stat),
    department A2 (P3 vacant, no stat). Division B: department B1 (P4 held by Pat).
    The Office Manager post (the stats helper's default) in no department, vacant."""
    a = structure.add_division("A")
    b = structure.add_division("B")
    a1 = structure.add_department(a, "A1")
    a2 = structure.add_department(a, "A2")
    b1 = structure.add_department(b, "B1")
    p1 = structure.add_post(a1, "P1")
    p2 = structure.add_post(a1, "P2")
    structure.add_post(a2, "P3")
    p4 = structure.add_post(b1, "P4")
    Post.create(title="Office Manager", position=99)
    day = dt.date(2026, 1, 1)
    HatHolder.create(post=p1, staff=practice.other_provider, since=day)
    HatHolder.create(post=p4, staff=practice.provider, since=day)
    HatHolder.create(post=p2, staff=practice.desk, since=day, until=dt.date(2026, 11, 1))  # left
    a_stat(database, clock, "p1_stat", p1, [100, 100, 100, 100, 100, 110])  # +10 %: Normal
    a_stat(database, clock, "p2_stat", p2, [100, 100, 100, 100, 100, 70])  # −30 %: Danger
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1}


def test_the_roll_up_is_what_was_counted_by_hand(
    structure: Structure, practice: Practice, database: Database, clock: FrozenClock
) -> None:
    built(structure, practice, database, clock)
    board = read_board(database, clock, settings.load(database))
    a, b = board.divisions
    a1, a2 = a.departments
    assert a1.rollup == Rollup(posts=2, vacant=1, worst=Condition.DANGER)
    assert a2.rollup == Rollup(posts=1, vacant=1, worst=None)
    assert a.rollup == Rollup(posts=3, vacant=2, worst=Condition.DANGER)
    assert b.rollup == Rollup(posts=1, vacant=0, worst=None)
    assert [p.title for p in board.unplaced] == ["Office Manager"]
    assert board.rollup == Rollup(posts=5, vacant=3, worst=Condition.DANGER)
    p1, p2 = a1.posts
    assert p1.holders == ("Dr. Lou Webb",) and p1.cover == ""
    assert [s.condition for s in p1.stats] == [Condition.NORMAL]
    assert p1.stats[0].value == 110
    assert p2.vacant and p2.cover == "P1 (Dr. Lou Webb)"  # the department's head
    assert a2.posts[0].cover == "P1 (Dr. Lou Webb)"  # its own head is itself: the division's
    assert board.unplaced[0].cover == "P1 (Dr. Lou Webb)"  # the head of the board


def test_the_board_shows_the_stat_boards_conditions(
    structure: Structure, practice: Practice, database: Database, clock: FrozenClock
) -> None:
    built(structure, practice, database, clock)
    stat_board = {row.name: row.condition for row in stats_service(database, clock).board()}
    board = read_board(database, clock, settings.load(database))
    shown = {s.name: s.condition for p in board.posts() for s in p.stats}
    assert shown == stat_board


def test_reshaping_by_keyboard_moves_and_reorders(
    structure: Structure, practice: Practice, database: Database, clock: FrozenClock
) -> None:
    ids = built(structure, practice, database, clock)
    p2 = Post.get(Post.title == "P2").id
    structure.move_post(p2, -1)  # P2 heads A1 now: it covers nobody, as it is vacant
    structure.place_post(p2, ids["b1"], was=ids["a1"])
    structure.move_department(ids["a2"], 1)  # past A's end: into B, at its start
    structure.rename_department(ids["b1"], "B1", "Billing")
    structure.move_division(ids["b"], -1)
    board = read_board(database, clock, settings.load(database))
    assert [d.name for d in board.divisions] == ["B", "A"]
    assert [dep.name for dep in board.divisions[0].departments] == ["A2", "Billing"]
    assert [p.title for p in board.divisions[0].departments[1].posts] == ["P4", "P2"]
    assert board.divisions[0].departments[1].posts[1].cover == "P4 (Dr. Pat Chen)"


def test_a_post_stands_in_one_department_only(
    structure: Structure, practice: Practice, database: Database, clock: FrozenClock
) -> None:
    ids = built(structure, practice, database, clock)
    p1 = Post.get(Post.title == "P1").id
    structure.place_post(p1, ids["b1"], was=ids["a1"])
    with pytest.raises(OrgError, match="moved to B1 meanwhile"):
        structure.place_post(p1, ids["a2"], was=ids["a1"])  # a second terminal, behind
    assert OrgPlace.select().where(OrgPlace.post == p1).count() == 1


def test_a_department_with_posts_is_not_deleted(
    structure: Structure, practice: Practice, database: Database, clock: FrozenClock
) -> None:
    ids = built(structure, practice, database, clock)
    with pytest.raises(OrgError, match="still holds 2 posts"):
        structure.remove_department(ids["a1"])
    with pytest.raises(OrgError, match="still has departments"):
        structure.remove_division(ids["a"])
    assert OrgDepartment.get_or_none(OrgDepartment.id == ids["a1"]) is not None
    structure.unplace_post(Post.get(Post.title == "P3").id)
    structure.remove_department(ids["a2"])
    assert OrgDepartment.get_or_none(OrgDepartment.id == ids["a2"]) is None


def test_names_are_checked(structure: Structure) -> None:
    a = structure.add_division("Executive")
    with pytest.raises(OrgError, match="already a division"):
        structure.add_division(" executive ")
    with pytest.raises(OrgError, match="needs a name"):
        structure.add_department(a, "   ")
    with pytest.raises(OrgError, match="at most 60"):
        structure.add_department(a, "x" * 61)
    with pytest.raises(OrgError, match="renamed"):
        structure.rename_division(a, "Exec", "Top")


def test_staff_may_not_reshape_the_board(database: Database, practice: Practice) -> None:
    with pytest.raises(OrgError, match="Only the office manager or the owner"):
        Structure(database, practice.desk).add_division("Mine")
    with pytest.raises(OrgError, match="Log in first"):
        Structure(database, None).add_division("Mine")


def test_the_default_structure_places_the_posts_there_are(
    structure: Structure, database: Database, clock: FrozenClock
) -> None:
    receptionist = Post.create(title="Receptionist", position=1).id
    Post.create(title="Janitor", position=2)
    assert structure.is_empty()
    structure.lay_out_default()
    board = read_board(database, clock, settings.load(database))
    assert [d.name for d in board.divisions] == [name for name, _ in DEFAULT_STRUCTURE]
    placed = {p.title: p.post_id for p in board.posts() if p.department_id is not None}
    assert placed["Receptionist"] == receptionist
    assert [p.title for p in board.unplaced] == ["Janitor"]
    with pytest.raises(OrgError, match="has its divisions already"):
        structure.lay_out_default()
