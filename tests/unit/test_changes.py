"""Which tables a change wrote, read from the audit trail: what lets a screen skip a re-read."""

from __future__ import annotations

import pytest
from peewee import Database

from db import audit
from db.models import Room
from om_tui.practice.changes import NOTHING, ServerNotices, TrailNews, joined, touches
from om_tui.practice.flow.moves import Flow

from .conftest import Elsewhere
from .practice_fixture import Practice


# On PostgreSQL a trail row's id is taken before its commit (a lower one can commit later):
# its changes are "not known", the server's notices say them (changes.py).
@pytest.mark.backends("sqlite")
def test_the_tables_of_a_check_in_are_named_once(
    database: Database, practice: Practice, flow: Flow
) -> None:
    news = TrailNews(database)
    flow.check_in(practice.patients["ann"], practice.appointments["ann"])
    tables = news.since_last()
    assert tables is not None
    assert {"visit", "visit_event"} <= tables
    assert "tick" not in tables
    assert news.since_last() is None  # nothing on the trail since: told as "not known"


@pytest.mark.backends("sqlite")
def test_a_change_left_off_the_trail_is_not_known(database: Database, practice: Practice) -> None:
    news = TrailNews(database)
    with audit.suspended(database):
        Room.create(name="Room 9", position=9)
    assert news.since_last() is None


@pytest.mark.backends("postgres")
def test_a_server_s_notices_name_the_tables_of_a_change(
    database: Database, practice: Practice, flow: Flow, elsewhere: Elsewhere
) -> None:
    """Each notice names its table: a check-in here, a room added on another connection."""
    notices = ServerNotices(database)
    news = TrailNews(database, notices)
    try:
        flow.check_in(practice.patients["ann"], practice.appointments["ann"])
        assert notices.changed(wait=5)  # its own commits too
        tables = news.since_last()
        assert tables is not None
        assert {"visit", "visit_event"} <= tables
        assert "tick" not in tables and "room" not in tables

        elsewhere("INSERT INTO room (name, position, retired) VALUES (?, ?, ?)", "Room 9", 9, False)
        assert notices.changed(wait=5)
        assert news.since_last() == {"room"}
        assert news.since_last() is None  # nothing heard since: told as "not known"
    finally:
        notices.close()


def test_a_screen_is_touched_only_by_the_tables_it_shows() -> None:
    board = frozenset({"visit", "appointment"})
    assert touches(board, frozenset({"visit"}))
    assert not touches(board, frozenset({"tick", "post"}))
    assert touches(board, None)  # a change whose tables are not known touches every screen
    assert touches(None, frozenset({"tick"}))  # a screen that says nothing reads every change
    assert not touches(board, NOTHING)
    assert joined(frozenset({"tick"}), frozenset({"visit"})) == {"tick", "visit"}
    assert joined(frozenset({"tick"}), None) is None
