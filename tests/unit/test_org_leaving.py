"""Someone leaves: each step outstanding until done, nothing deleted, finishing refused early."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from peewee import Database

from db.models import (
    HatHolder,
    Offboarding,
    Order,
    OrderHandover,
    Post,
    Program,
    ProgramStep,
    Staff,
    utc_naive,
)
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.org.access import OrgError
from om_tui.practice.org.board import read_board
from om_tui.practice.org.leaving import Leaving, LeavingError
from om_tui.practice.org.ssh_keys import key_lines_of, remove_key_lines

from .practice_fixture import DAY, Practice

KEYS = (
    'command="/usr/bin/om-tui --db /srv/p.db --ssh-user {lou} --ssh-key=lou@laptop",restrict,pty '
    "ssh-ed25519 AAAAC3Nza1 lou@laptop\n"
    "command=\"/usr/bin/om-tui --db /srv/p.db --user 'Jo Desk'\",restrict,pty "
    "ssh-ed25519 AAAAC3Nza2 jo@desk\n"
    "ssh-ed25519 AAAAC3Nza3 Dr. Lou Webb\n"
)
"""Lou's pinned key, Jo's on an older line (by name), and a key of Lou's by its comment."""


@pytest.fixture
def keys(tmp_path: Path, practice: Practice) -> Path:
    path = tmp_path / "authorized_keys"
    path.write_text(KEYS.format(lou=practice.other_provider))
    path.chmod(0o600)
    return path


@pytest.fixture
def leaving(database: Database, practice: Practice, clock: FrozenClock, keys: Path) -> Leaving:
    return Leaving(database, clock, settings.load(database), practice.provider, keys)


def lou_with_a_hat_orders_and_a_step(practice: Practice, clock: FrozenClock) -> dict[str, int]:
    lou = practice.other_provider
    Staff.update(secret="$argon2id$somehash").where(Staff.id == lou).execute()
    post = Post.create(title="Chiropractic Assistant").id
    HatHolder.create(post=post, staff=lou, since=dt.date(2026, 1, 1))
    created = utc_naive(clock.now())
    orders = [
        Order.create(
            issued_by=practice.provider, to_staff=lou, text=text, due_on=due, created=created
        ).id
        for text, due in (
            ("Order the supplies", DAY + dt.timedelta(days=3)),
            ("Call", DAY - dt.timedelta(days=2)),
        )
    ]
    program = Program.create(name="Reactivation", created=created)
    ProgramStep.create(program=program.id, text="Mail the letters", to_staff=lou)
    return {"lou": lou, "post": post, "late": orders[1]}


def test_each_step_is_outstanding_until_done(
    leaving: Leaving, practice: Practice, clock: FrozenClock, keys: Path
) -> None:
    ids = lou_with_a_hat_orders_and_a_step(practice, clock)
    lou, last_day = ids["lou"], DAY + dt.timedelta(days=2)
    leaving.start(lou, last_day)
    board = read_board(leaving.database, clock, settings.load(leaving.database))
    [assistant] = [p for p in board.posts() if p.title == "Chiropractic Assistant"]
    assert assistant.leaving == ("Dr. Lou Webb (last day 20 Nov)",)
    view = leaving.view(lou)
    assert {s.key for s in view.outstanding} == {
        "hats",
        "orders",
        "steps",
        "ssh",
        "pin",
        *(f"item:{i}" for i in ("Keys and cards returned",)),
        "item:Accounts closed (email, billing, the practice's systems)",
        "item:Final pay and benefits arranged",
    }
    with pytest.raises(LeavingError, match="Still to do for Dr. Lou Webb: Hats"):
        leaving.finish(lou)
    # The hat to Jo from the day after the last; the orders and the step to Jo too.
    leaving.give_hat(lou, ids["post"], practice.desk)
    assert leaving.hand_on_orders(lou, practice.desk) == 2
    assert leaving.hand_on_steps(lou, practice.desk) == 1
    assert leaving.remove_ssh(lou) == 2
    trail = [e for (e,) in leaving.database.execute_sql("SELECT entry FROM audit").fetchall()]
    assert any('"action":"ssh_access_removed"' in e and '"lines":2' in e for e in trail)
    leaving.take_pin_off(lou)
    for step in leaving.view(lou).outstanding:
        leaving.tick(lou, step.title)
    assert leaving.view(lou).outstanding == []
    leaving.finish(lou)
    person = Staff.get_by_id(lou)
    assert not person.active and person.secret is None
    lou_holding = HatHolder.get((HatHolder.staff == lou) & (HatHolder.post == ids["post"]))
    assert lou_holding.until == last_day + dt.timedelta(days=1)  # theirs through the last day
    jo_holding = HatHolder.get((HatHolder.staff == practice.desk) & (HatHolder.post == ids["post"]))
    assert jo_holding.since == last_day + dt.timedelta(days=1)
    assert Order.select().where(Order.to_staff == practice.desk).count() == 2
    late = OrderHandover.get(OrderHandover.order == ids["late"])
    assert (late.from_staff_id, late.missed) == (lou, True)  # the miss stays Lou's
    assert keys.read_text().count("\n") == 1 and "Jo Desk" in keys.read_text()
    assert Offboarding.get(Offboarding.staff == lou).finished is not None


def test_a_hat_left_vacant(leaving: Leaving, practice: Practice, clock: FrozenClock) -> None:
    ids = lou_with_a_hat_orders_and_a_step(practice, clock)
    leaving.start(ids["lou"], DAY)
    leaving.give_hat(ids["lou"], ids["post"], None)
    assert "hats" not in {s.key for s in leaving.view(ids["lou"]).outstanding}
    assert HatHolder.select().where(HatHolder.post == ids["post"]).count() == 1


def test_who_may_be_off_boarded(
    database: Database, leaving: Leaving, practice: Practice, clock: FrozenClock
) -> None:
    with pytest.raises(LeavingError, match="Someone else off-boards you"):
        leaving.start(practice.provider, DAY)
    with pytest.raises(LeavingError, match="not on the active staff"):
        leaving.start(practice.retired_provider, DAY)
    leaving.start(practice.desk, DAY)
    with pytest.raises(LeavingError, match="already"):
        leaving.start(practice.desk, DAY)
    staff = Leaving(database, clock, settings.load(database), practice.other_provider)
    with pytest.raises(OrgError, match="Only the office manager or the owner off-boards"):
        staff.take_pin_off(practice.desk)


def test_key_lines_are_found_by_the_pinned_person_or_the_comment(practice: Practice) -> None:
    text = KEYS.format(lou=practice.other_provider)
    assert key_lines_of(text, practice.other_provider, "Dr. Lou Webb") == [0, 2]
    assert key_lines_of(text, practice.desk, "Jo Desk") == [1]
    assert key_lines_of(text, practice.desk, "Jo") == []
    assert key_lines_of(text, practice.provider, "Dr. Pat Chen") == []


def test_no_keys_file_is_nothing_to_remove(tmp_path: Path) -> None:
    assert remove_key_lines(tmp_path / "none", 1, "Jo Desk") == 0
