"""Roles enforced where the data is changed: every operation that changes the practice,
tried by every role, is done for the roles the permission table gives it and refused,
with nothing written, for the others. A new operation not in the list fails this file.

Each test gets its own copy of one small practice (the fixture practice, a manager, a
person the changes are made to, a hat, a stat, a policy, a program, criteria), built
once: copying a file is quicker than building the practice 400 times.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from peewee import Database

import om_tui.practice
from db import open_database
from db.models import (
    Appointment,
    AppointmentType,
    ConditionOverride,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    HatHolder,
    PolicyVersion,
    Role,
    Staff,
    Stage,
    StatSource,
    StatValue,
    Tick,
    Visit,
    utc_naive,
)
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.flow.patients import NewPatient, add_patient
from om_tui.practice.hats.periods import set_open_days
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import HatError
from om_tui.practice.owner.evaluations.service import Evaluations
from om_tui.practice.owner.line.service import Line
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.owner.overview import set_main_stats
from om_tui.practice.people.roles import (
    ADMINISTRATOR,
    PERMISSIONS,
    NotAllowed,
    may,
    require,
    who_may,
)
from om_tui.practice.people.staff import (
    People,
    PeopleError,
    give_pin_to_those_without,
    set_idle_lock,
)
from om_tui.practice.plans.plans import CarePlans
from om_tui.practice.refusal import Refusal
from om_tui.practice.schedule import hours, no_shows, types
from om_tui.practice.schedule.access import DOUBLE_BOOK, OUTSIDE_HOURS, PAST
from om_tui.practice.schedule.book import Book
from om_tui.practice.schedule.patients import PatientFields, PatientRecord, PatientRecords
from om_tui.practice.schedule.rooms import RoomInfo, Rooms
from om_tui.practice.stats.conditions import Condition
from om_tui.practice.stats.service import Stats
from om_tui.practice.stats.weeks import WeekEnds, set_week_ends

from .practice_fixture import DAY, Practice, build_practice, local

ROLES = (Role.FRONT_DESK, Role.STAFF, Role.OFFICE_MANAGER, Role.OWNER)
WEEK_AGO = DAY - dt.timedelta(days=7)


@dataclass
class World:
    """The copied practice, and the ids the operations act on."""

    database: Database
    clock: FrozenClock
    practice: Practice
    actors: dict[str, int]  # role → the person of that role who acts
    target: int  # a staff member the changes are made to (not an actor)
    post: int
    item: int
    duty: int
    step: int
    policy: int
    stat: int
    program: int
    criterion: int
    leave: int

    @property
    def owner(self) -> int:
        return self.actors[Role.OWNER]

    @property
    def manager(self) -> int:
        return self.actors[Role.OFFICE_MANAGER]

    def flow(self, actor: int = ADMINISTRATOR) -> Flow:
        return Flow(self.database, self.clock, settings.load(self.database), actor)

    def hats(self, actor: int = ADMINISTRATOR) -> Hats:
        return Hats(self.database, self.clock, settings.load(self.database), actor)

    def stats(self, actor: int = ADMINISTRATOR) -> Stats:
        return Stats(self.database, self.clock, settings.load(self.database), actor)

    def orders(self, actor: int) -> Orders:
        return Orders(self.database, self.clock, settings.load(self.database), actor)

    def evaluations(self, actor: int) -> Evaluations:
        return Evaluations(self.database, self.clock, settings.load(self.database), actor)

    def people(self, actor: int) -> People:
        return People(self.database, self.clock, actor)

    def records(self, actor: int) -> PatientRecords:
        return PatientRecords(self.database, self.clock, settings.load(self.database), actor)

    def plans(self, actor: int) -> CarePlans:
        return CarePlans(self.database, self.clock, settings.load(self.database), actor)

    def plan(self, paused: bool = False) -> int:
        """A care plan of Gus's (paused if asked), version 0 (or 1 when paused)."""
        made = self.plans(ADMINISTRATOR).add(
            self.practice.patients["gus"],
            "12x3",
            self.practice.provider,
            None,
            dt.date(2026, 11, 16),
        )
        if paused:
            self.plans(ADMINISTRATOR).pause(made.plan_id, 0, "Away")
        return made.plan_id

    def record(self, who: str) -> PatientRecord:
        return self.records(ADMINISTRATOR).record(self.practice.patients[who])

    def room(self) -> RoomInfo:
        return Rooms(self.database, ADMINISTRATOR).rooms()[0]

    def book(self, actor: int) -> Book:
        return Book(self.database, self.clock, settings.load(self.database), actor)

    def booked(self, who: str) -> tuple[int, int]:
        """A booking as the book showed it: its id and version."""
        appointment = Appointment.get_by_id(self.practice.appointments[who])
        return appointment.id, appointment.version

    def walked_in(self, who: str) -> int:
        """A walk-in's visit, checked in at the desk without an appointment."""
        self.flow().check_in(self.practice.patients[who])
        return int(Visit.get(Visit.patient == self.practice.patients[who]).id)

    def blockout(self) -> int:
        made = hours.add_blockout(
            self.database, self.clock, ADMINISTRATOR, None, local(12, 0), local(13, 0)
        )
        return made.id

    def line(self) -> Line:
        return Line(self.database, self.clock, settings.load(self.database))

    def checked_in(self, who: str) -> Any:
        """A booked patient checked in at the desk: their board row, and the change."""
        change = self.flow().check_in(self.practice.patients[who], self.practice.appointments[who])
        return self.practice.row(self.flow(), who), change

    def order_to(self, person: int) -> int:
        return self.orders(self.owner).issue("Call the lab back", DAY, to_staff=person)

    def reported_order(self) -> int:
        order = self.order_to(self.target)
        self.orders(self.target).report_done(order)
        return order

    def draft(self, of: int | None = None) -> int:
        """A draft evaluation (made as the store would: the owner's own cannot be started)."""
        return int(
            Evaluation.create(
                staff=of or self.target,
                start=DAY - dt.timedelta(days=90),
                end=DAY,
                kind=EvaluationKind.CHOSEN,
                status=EvaluationStatus.DRAFT,
                created=utc_naive(self.clock.now()),
            ).id
        )

    def filed(self, by: int | None = None) -> int:
        return self.line().file(by or self.target, "question", "May I leave at four?")

    def trail_length(self) -> int:
        return int(self.database.execute_sql("SELECT COUNT(*) FROM audit").fetchone()[0])


def _build(path: Path) -> dict[str, Any]:
    database = open_database(path)
    with database.atomic():
        practice = build_practice(database)
        manager = Staff.create(name="Meg Manager", initials="MM", role=Role.OFFICE_MANAGER).id
        target = Staff.create(name="Tess Target", initials="TT", role=Role.STAFF).id
        actors = {
            Role.FRONT_DESK: practice.desk,
            Role.STAFF: practice.other_provider,
            Role.OFFICE_MANAGER: manager,
            Role.OWNER: practice.provider,  # Dr. Pat Chen
        }
        clock = FrozenClock(local(10, 0))
        hats = Hats(database, clock, settings.load(database), ADMINISTRATOR)
        post = hats.create_post("Reception")
        for person in (*actors.values(), target):
            hats.add_holder(post, person)
        HatHolder.update(since=WEEK_AGO).execute()
        item = hats.add_item(post, "Open the front door")
        duty = hats.add_duty(post, "Greet every patient")
        step = hats.add_step(post, "Learn the phones")
        policy = hats.write_policy("Phones", "Answer by the third ring.", [post])
        leave = hats.add_leave(target, DAY, DAY, "course")
        stats = Stats(database, clock, settings.load(database), ADMINISTRATOR)
        stat = stats.define(
            short_name="referrals", name="Referrals", post=post, source=StatSource.ENTERED
        ).id
        stats.define(short_name="visits", name="Visits", source="computed", computed="visits")
        owner = Orders(database, clock, settings.load(database), practice.provider)
        program = owner.create_program("Grow the practice")
        judge = Evaluations(database, clock, settings.load(database), practice.provider)
        criterion = judge.add_criterion("Punctuality")
        judge.add_criterion("Teamwork")
    database.close()
    return {
        "practice": practice,
        "actors": actors,
        "target": target,
        "post": post,
        "item": item,
        "duty": duty,
        "step": step,
        "policy": policy,
        "stat": stat,
        "program": program,
        "criterion": criterion,
        "leave": leave,
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("roles") / "practice.db"
    return path, _build(path)


@pytest.fixture
def world(template: tuple[Path, dict[str, Any]], tmp_path: Path) -> Iterator[World]:
    source, ids = template
    copy = tmp_path / "practice.db"
    shutil.copyfile(source, copy)
    database = open_database(copy)
    yield World(database, FrozenClock(local(10, 0)), **ids)
    database.close()


@dataclass(frozen=True)
class Operation:
    """One change the practice layer makes, the permission it needs, and a way to make it
    as `actor` (what it needs beforehand is made by others)."""

    name: str  # "Class.method", or "module.function"
    permission: str
    run: Callable[[World, int], object]
    refused: str = ""
    """How the refusal begins, when the rule says more than the roles (default: who may)."""


def _missed(w: World, who: str) -> int:
    """A booking the desk marked missed (as the administrator): its id."""
    w.book(ADMINISTRATOR).mark_missed(*w.booked(who))
    return w.booked(who)[0]


def _newest_version(w: World) -> int:
    return int(
        PolicyVersion.select(PolicyVersion.id)
        .where(PolicyVersion.policy == w.policy)
        .order_by(PolicyVersion.number.desc())
        .scalar()
    )


def _untick(w: World, a: int) -> None:
    hats = w.hats(a)
    hats.tick(w.item, DAY, a)
    hats.untick(w.item, DAY, a)


def _finish(w: World, a: int) -> None:
    draft = w.draft()
    for criterion in w.evaluations(w.owner).criteria():
        w.evaluations(w.owner).rate(draft, criterion.criterion_id, 4)
    w.evaluations(a).finish(draft)


def _send_batch(w: World, a: int) -> int:
    w.line().batch(w.filed(), w.manager)
    return w.line().send_batch(a)


def _mark_seen(w: World, a: int) -> bool:
    item = w.filed(a)
    w.line().handle(item, w.manager, "Yes, of course.")
    return w.line().mark_seen(item, a)


def _patient() -> NewPatient:
    return NewPatient("Nia", "Newcomer", None, "")


ANYWAY = (DOUBLE_BOOK, PAST, OUTSIDE_HOURS)
"""Consent to whatever the book would ask about: these tests are about who may."""

ISSUER = "Only Dr. Pat Chen, who gave the order, or a manager "
"""Answering an order is its issuer's, or a manager's: the refusal names the issuer."""

OPERATIONS: tuple[Operation, ...] = (
    # the flow
    Operation("Flow.check_in", "check_in", lambda w, a: w.flow(a).check_in(
        w.practice.patients["ann"], w.practice.appointments["ann"])),
    Operation("Flow.advance", "check_in", lambda w, a: w.flow(a).advance(
        w.practice.row(w.flow(), "ben"))),
    Operation("Flow.move", "check_in", lambda w, a: w.flow(a).move(
        w.checked_in("ben")[0], Stage.ROOMED, room=w.practice.rooms[0])),
    Operation("Flow.step_back", "check_in", lambda w, a: w.flow(a).step_back(
        w.checked_in("ben")[0])),
    Operation("Flow.assign", "check_in", lambda w, a: w.flow(a).assign(
        w.checked_in("ben")[0], "room", w.practice.rooms[0])),
    Operation("Flow.undo", "check_in", lambda w, a: w.flow(a).undo(w.checked_in("ben")[1])),
    Operation("Flow.walk_in", "check_in", lambda w, a: w.flow(a).walk_in(NewPatient(
        "Wanda", "Walker", None, ""))),
    Operation("flow.patients.add_patient", "patients", lambda w, a: add_patient(
        w.database, w.clock, _patient(), by=a)),
    # care plans
    Operation("CarePlans.add", "care_plans", lambda w, a: w.plans(a).add(
        w.practice.patients["gus"], "12x3", None, None, dt.date(2026, 11, 16))),
    Operation("CarePlans.pause", "care_plans", lambda w, a: w.plans(a).pause(
        w.plan(), 0, "Away")),
    Operation("CarePlans.resume", "care_plans", lambda w, a: w.plans(a).resume(
        w.plan(paused=True), 1, "Back")),
    Operation("CarePlans.change", "care_plans", lambda w, a: w.plans(a).change(
        w.plan(), 0, "12x3 8x2", "Re-exam")),
    Operation("CarePlans.end", "care_plans", lambda w, a: w.plans(a).end(
        w.plan(), 0, "Moved away")),
    Operation("CarePlans.book", "book", lambda w, a: w.plans(a).book(
        w.plan(), 0, dt.date(2026, 11, 23), dt.time(9, 0))),
    # patient records and rooms
    Operation("PatientRecords.add", "patients", lambda w, a: w.records(a).add(
        PatientFields("Nia Newcomer", "1990-02-03"))),
    Operation("PatientRecords.edit", "patients", lambda w, a: w.records(a).edit(
        w.record("ann"), PatientFields("Ann Able", phone="555-010-9999"))),
    Operation("PatientRecords.set_active", "patients", lambda w, a: w.records(a).set_active(
        w.record("eve"), False)),
    Operation("PatientRecords.merge", "patients", lambda w, a: w.records(a).merge(
        w.record("eve"), w.record("gus"))),
    Operation("Rooms.add", "rooms", lambda w, a: Rooms(w.database, a).add("Room 9")),
    Operation("Rooms.rename", "rooms", lambda w, a: Rooms(w.database, a).rename(
        w.room(), "Front room")),
    Operation("Rooms.set_retired", "rooms", lambda w, a: Rooms(w.database, a).set_retired(
        w.room(), True)),
    Operation("Rooms.move", "rooms", lambda w, a: Rooms(w.database, a).move(w.room(), 1)),
    # the appointment book
    Operation("Book.book", "book", lambda w, a: w.book(a).book(
        w.practice.patients["eve"], local(14, 0), 15, w.practice.provider, consent=ANYWAY)),
    Operation("Book.book_new", "book", lambda w, a: w.book(a).book_new(
        _patient(), local(14, 0), 15, w.practice.provider, consent=ANYWAY)),
    Operation("Book.move", "book", lambda w, a: w.book(a).move(
        *w.booked("dee"), local(15, 0), consent=ANYWAY)),
    Operation("Book.resize", "book", lambda w, a: w.book(a).resize(
        *w.booked("dee"), 30, consent=ANYWAY)),
    Operation("Book.cancel", "book", lambda w, a: w.book(a).cancel(
        *w.booked("dee"), types.cancel_reasons()[0][0])),
    Operation("Book.mark_missed", "book", lambda w, a: w.book(a).mark_missed(*w.booked("ann"))),
    Operation("schedule.no_shows.take_back", "book", lambda w, a: no_shows.take_back(
        w.database, a, _missed(w, "ann"))),
    Operation("Book.set_status", "book", lambda w, a: w.book(a).set_status(*w.booked("dee"))),
    Operation("Book.give_slot", "book", lambda w, a: w.book(a).give_slot(
        w.walked_in("eve"), w.practice.provider, consent=ANYWAY)),
    Operation("schedule.hours.set_hours", "schedule_setup", lambda w, a: hours.set_hours(
        w.database, a, w.practice.provider, [0], hours.parse_stretches("9-12"))),
    Operation("schedule.hours.set_slot_minutes", "schedule_setup",
        lambda w, a: hours.set_slot_minutes(w.database, a, 10)),
    Operation("schedule.hours.add_blockout", "schedule_setup", lambda w, a: hours.add_blockout(
        w.database, w.clock, a, None, local(12, 0), local(13, 0), "Lunch")),
    Operation("schedule.hours.remove_blockout", "schedule_setup",
        lambda w, a: hours.remove_blockout(w.database, a, w.blockout())),
    Operation("schedule.types.add_type", "schedule_setup", lambda w, a: types.add_type(
        w.database, a, "Massage", 60, "M")),
    Operation("schedule.types.edit_type", "schedule_setup", lambda w, a: types.edit_type(
        w.database, a, types.type_named("Regular").id, minutes=20)),
    Operation("schedule.types.add_status", "schedule_setup", lambda w, a: types.add_status(
        w.database, a, "Texted", "t")),
    Operation("schedule.types.add_reason", "schedule_setup", lambda w, a: types.add_reason(
        w.database, a, "Car trouble")),
    Operation("schedule.types.edit_status", "schedule_setup", lambda w, a: types.edit_status(
        w.database, a, types.statuses()[0].id, name="Not yet")),
    Operation("schedule.types.edit_reason", "schedule_setup", lambda w, a: types.edit_reason(
        w.database, a, types.reasons()[0].id, active=False)),
    Operation("schedule.hours.set_week", "schedule_setup", lambda w, a: hours.set_week(
        w.database, a, w.practice.provider, {0: "9-12"})),
    Operation("schedule.types.move", "schedule_setup", lambda w, a: types.move(
        w.database, a, AppointmentType, types.type_named("Regular").id, -1)),
    # the roster
    Operation("People.add", "roster", lambda w, a: w.people(a).add("Nia New", "staff")),
    Operation("People.edit", "roster", lambda w, a: w.people(a).edit(w.target, initials="TX")),
    Operation("People.set_secret", "roster", lambda w, a: w.people(a).set_secret(
        w.target, "9876")),
    Operation("People.deactivate", "roster", lambda w, a: w.people(a).deactivate(w.target)),
    Operation("Hats.take_off_staff", "roster", lambda w, a: w.hats(a).take_off_staff(
        w.people(a), w.target)),
    Operation("People.reactivate", "roster", lambda w, a: w.people(a).reactivate(
        w.practice.retired_provider)),
    Operation("people.staff.give_pin_to_those_without", "roster", lambda w, a: (
        give_pin_to_those_without(w.database, "4321", by=a))),
    # the practice's settings
    Operation("people.staff.set_idle_lock", "settings", lambda w, a: set_idle_lock(
        w.database, 15, by=a)),
    Operation("settings.set_threshold", "settings", lambda w, a: settings.set_threshold(
        w.database, Stage.ARRIVED, 10, 20, by=a)),
    Operation("settings.set_late_after", "settings", lambda w, a: settings.set_late_after(
        w.database, 15, by=a)),
    Operation("settings.set_timezone", "settings", lambda w, a: settings.set_timezone(
        w.database, "America/Chicago", by=a)),
    Operation("settings.set_name", "settings", lambda w, a: settings.set_name(
        w.database, "Northside Chiropractic", by=a)),
    Operation("hats.periods.set_open_days", "settings", lambda w, a: set_open_days(
        w.database, frozenset({0, 1, 2, 3}), by=a)),
    Operation("stats.weeks.set_week_ends", "settings", lambda w, a: set_week_ends(
        w.database, WeekEnds(4), by=a)),
    # one's own hat
    Operation("Hats.tick", "my_hat", lambda w, a: w.hats(a).tick(w.item, DAY, a)),
    Operation("Hats.untick", "my_hat", _untick),
    Operation("Hats.attest", "my_hat", lambda w, a: w.hats(a).attest(_newest_version(w), a)),
    # policies
    Operation("Hats.write_policy", "policies", lambda w, a: w.hats(a).write_policy(
        "Parking", "Park at the back.", [w.post])),
    Operation("Hats.revise_policy", "policies", lambda w, a: w.hats(a).revise_policy(
        w.policy, "Answer by the second ring.")),
    Operation("Hats.set_policy_posts", "policies", lambda w, a: w.hats(a).set_policy_posts(
        w.policy, [])),
    # the hat editor, training, leave
    Operation("Hats.sign_off", "hats", lambda w, a: w.hats(a).sign_off(w.step, w.target)),
    Operation("Hats.unsign", "hats", lambda w, a: w.hats(a).unsign(w.step, w.target)),
    Operation("Hats.create_post", "hats", lambda w, a: w.hats(a).create_post("Courier")),
    Operation("Hats.move_post", "hats", lambda w, a: w.hats(a).move_post(w.post, 1)),
    Operation("Hats.update_post", "hats", lambda w, a: w.hats(a).update_post(
        w.post, purpose="Welcome")),
    Operation("Hats.delete_post", "hats", lambda w, a: w.hats(a).delete_post(
        w.hats().create_post("Spare"))),
    Operation("Hats.add_holder", "hats", lambda w, a: w.hats(a).add_holder(
        w.hats().create_post("Spare"), w.target)),
    Operation("Hats.remove_holder", "hats", lambda w, a: w.hats(a).remove_holder(
        w.post, w.target)),
    Operation("Hats.add_duty", "hats", lambda w, a: w.hats(a).add_duty(w.post, "Smile")),
    Operation("Hats.edit_duty", "hats", lambda w, a: w.hats(a).edit_duty(w.duty, "Smile")),
    Operation("Hats.remove_duty", "hats", lambda w, a: w.hats(a).remove_duty(w.duty)),
    Operation("Hats.move_duty", "hats", lambda w, a: w.hats(a).move_duty(w.duty, 1)),
    Operation("Hats.add_item", "hats", lambda w, a: w.hats(a).add_item(w.post, "Water plants")),
    Operation("Hats.edit_item", "hats", lambda w, a: w.hats(a).edit_item(
        w.item, text="Open both doors")),
    Operation("Hats.remove_item", "hats", lambda w, a: w.hats(a).remove_item(w.item)),
    Operation("Hats.move_item", "hats", lambda w, a: w.hats(a).move_item(w.item, 1)),
    Operation("Hats.add_step", "hats", lambda w, a: w.hats(a).add_step(w.post, "Learn the fax")),
    Operation("Hats.move_step", "hats", lambda w, a: w.hats(a).move_step(w.step, 1)),
    Operation("Hats.remove_step", "hats", lambda w, a: w.hats(a).remove_step(w.step)),
    Operation("Hats.add_leave", "hats", lambda w, a: w.hats(a).add_leave(w.target, DAY, DAY)),
    Operation("Hats.remove_leave", "hats", lambda w, a: w.hats(a).remove_leave(w.leave)),
    Operation("Stats.post_named", "hats", lambda w, a: w.stats(a).post_named("Reception")),
    # stats
    Operation("Stats.enter", "stats_edit", lambda w, a: w.stats(a).enter(w.stat, 5.0)),
    Operation("Stats.clear", "stats_edit", lambda w, a: w.stats(a).clear(w.stat)),
    Operation("Stats.override", "stats_edit", lambda w, a: w.stats(a).override(
        w.stat, w.stats().this_week(), Condition.NORMAL, "A holiday week")),
    Operation("Stats.recompute", "stats", lambda w, a: (
        w.checked_in("ann"), w.stats(a).recompute())),
    Operation("Stats.define", "stats_setup", lambda w, a: w.stats(a).define(
        short_name="calls", name="Calls", source=StatSource.ENTERED)),
    Operation("Stats.change", "stats_setup", lambda w, a: w.stats(a).change(
        "referrals", quota=10.0)),
    Operation("Stats.add_typed", "stats_setup", lambda w, a: w.stats(a).add_typed(
        "Calls taken", "Reception")),
    Operation("Stats.retire", "stats_setup", lambda w, a: w.stats(a).retire("referrals")),
    Operation("owner.overview.set_main_stats", "stats_setup", lambda w, a: set_main_stats(
        w.database, ["referrals"], by=a)),
    # orders and programs
    Operation("Orders.issue", "orders_give", lambda w, a: w.orders(a).issue(
        "Tidy the files", DAY, to_staff=w.target)),
    Operation("Orders.report_done", "orders", lambda w, a: w.orders(a).report_done(
        w.order_to(a))),
    Operation("Orders.accept", "orders_give", lambda w, a: w.orders(a).accept(
        w.reported_order()), ISSUER),
    Operation("Orders.send_back", "orders_give", lambda w, a: w.orders(a).send_back(
        w.reported_order(), "The files are not tidy yet."), ISSUER),
    Operation("Orders.cancel", "orders_give", lambda w, a: w.orders(a).cancel(
        w.order_to(w.target)), ISSUER),
    Operation("Orders.chase", "orders_give", lambda w, a: w.orders(a).chase(
        w.order_to(w.target)), ISSUER),
    Operation("Orders.reassign", "orders_give", lambda w, a: w.orders(a).reassign(
        w.order_to(w.target), to_staff=w.practice.desk if a != w.practice.desk else w.manager)),
    Operation("Orders.create_program", "orders_give", lambda w, a: w.orders(a).create_program(
        "Recall old patients")),
    Operation("Orders.edit_program", "orders_give", lambda w, a: w.orders(a).edit_program(
        w.program, "Grow the practice", "Twenty new patients a week")),
    Operation("Orders.set_active", "orders_give", lambda w, a: w.orders(a).set_active(
        w.program, False)),
    Operation("Orders.add_step", "orders_give", lambda w, a: w.orders(a).add_step(
        w.program, "Mail the flyers", DAY, to_staff=w.target)),
    Operation("Orders.edit_step", "orders_give", lambda w, a: w.orders(a).edit_step(
        w.orders(w.owner).add_step(w.program, "Mail", DAY, to_staff=w.target),
        "Mail the flyers", DAY, to_staff=w.target)),
    Operation("Orders.move_step", "orders_give", lambda w, a: w.orders(a).move_step(
        w.orders(w.owner).add_step(w.program, "Mail", DAY, to_staff=w.target), -1)),
    Operation("Orders.remove_step", "orders_give", lambda w, a: w.orders(a).remove_step(
        w.orders(w.owner).add_step(w.program, "Mail", DAY, to_staff=w.target))),
    Operation("Orders.step_done", "orders", lambda w, a: w.orders(a).step_done(
        w.orders(w.owner).add_step(w.program, "Mine", DAY, to_staff=a))),
    Operation("Orders.reopen_step", "orders_give", lambda w, a: w.orders(a).reopen_step(
        w.orders(w.owner).add_step(w.program, "Mail", DAY, to_staff=w.target))),
    # the line
    Operation("Line.file", "line", lambda w, a: w.line().file(a, "question", "May I?")),
    Operation("Line.mark_seen", "line", _mark_seen),
    Operation("Line.take", "line_queue", lambda w, a: w.line().take(w.filed(), a)),
    Operation("Line.handle", "line_queue", lambda w, a: w.line().handle(w.filed(), a, "Yes.")),
    Operation("Line.batch", "line_queue", lambda w, a: w.line().batch(w.filed(), a)),
    Operation("Line.send_batch", "line_queue", _send_batch),
    Operation("Line.answer", "line_answer", lambda w, a: w.line().answer(
        w.line().file(w.target, "approval", "A new chair", urgent=True), a, "approve")),
    # evaluations
    Operation("Evaluations.add_criterion", "evaluations", lambda w, a: w.evaluations(
        a).add_criterion("Care")),
    Operation("Evaluations.edit_criterion", "evaluations", lambda w, a: w.evaluations(
        a).edit_criterion(w.criterion, "On time")),
    Operation("Evaluations.set_criterion_active", "evaluations", lambda w, a: w.evaluations(
        a).set_criterion_active(w.criterion, False)),
    Operation("Evaluations.move_criterion", "evaluations", lambda w, a: w.evaluations(
        a).move_criterion(w.criterion, 1)),
    Operation("Evaluations.start", "evaluations", lambda w, a: w.evaluations(a).start(
        w.target, EvaluationKind.YEARLY)),
    Operation("Evaluations.rate", "evaluations", lambda w, a: w.evaluations(a).rate(
        w.draft(), w.criterion, 4)),
    Operation("Evaluations.comment", "evaluations", lambda w, a: w.evaluations(a).comment(
        w.draft(), w.criterion, "Always on time.")),
    Operation("Evaluations.set_comments", "evaluations", lambda w, a: w.evaluations(
        a).set_comments(w.draft(), "A good year.")),
    Operation("Evaluations.finish", "evaluations", _finish),
    Operation("Evaluations.discard", "evaluations", lambda w, a: w.evaluations(a).discard(
        w.draft())),
    Operation("Evaluations.self_evaluate", "self_evaluation", lambda w, a: w.evaluations(
        a).self_evaluate(w.draft(of=a), "I learned the phones.")),
)  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_every_operation_is_done_or_refused_by_role(
    world: World, operation: Operation, role: str
) -> None:
    actor = world.actors[role]
    if may(role, operation.permission):
        operation.run(world, actor)  # done: no refusal
        return
    with pytest.raises(Refusal) as refused:
        operation.run(world, actor)
    said = operation.refused or f"Only {who_may(operation.permission)} "
    assert str(refused.value).startswith(said)


# -- the list is complete ----------------------------------------------------------------

READERS: dict[str, set[str]] = {
    "Acting": {"today"},  # the shared base of Flow, Book and PatientRecords
    "Calls": {"contacts_of", "today"},
    "Flow": {"board", "providers", "rooms", "today"},
    "People": {
        "fitting",
        "active",
        "everyone",
        "has_logins",
        "locked_until",
        "named",
        "person",
        "still_active",
        # Logging in and out is who a person is, not what their role allows.
        "login",
        "logout",
    },
    "Hats": {
        "why_not_delete",
        "checksheets_in_progress",
        "compliance",
        "detail",
        "hats_of",
        "held_on",
        "holders",
        "leave",
        "my_hat",
        "names",
        "occurrences",
        "outstanding_attestations",
        "people",
        "person_named",
        "policies",
        "policies_due",
        "policy",
        "posts",
        "today",
    },
    "Stats": {
        "board",
        "day_values",
        "graph",
        "in_progress",
        "judged_week",
        "named",
        "people",
        "posts",
        "stats",
        "stored",
        "table",
        "this_week",
    },
    "Orders": {
        "board",
        "check_due",
        "compliance",
        "deadline",
        "mine",
        "open_days",
        "open_to",
        "order",
        "people",
        "posts",
        "posts_of",
        "program",
        "programs",
        "today",
        "when",
    },
    "PatientRecords": {"any_patients", "card", "record", "today"},
    "CarePlans": {"history", "suggested_days", "today"},
    "Standings": {"active", "falling_off", "marks", "of_patient", "of_plan", "today"},
    "Rooms": {"rooms"},
    "Line": {
        "decided_recently",
        "for_owner",
        "has_manager",
        "in_batch",
        "item",
        "mine",
        "person",
        "queue",
        "trail",
        "unseen",
    },
    "Evaluations": {
        "criteria",
        "criterion_use",
        "evaluation",
        "first_hat",
        "gather",
        "history",
        "latest",
        "period",
        "today",
    },
    "Hiring": {"openings", "today"},
    "Leaving": {"hats_left", "open_offboardings", "others", "today", "view"},
    "Structure": {"is_empty"},
    "Book": {
        "appointments",
        "check_slot",
        "day",
        "entry",
        "providers",
        "rooms",
        "today",
        "week",
        "when",
    },
    "ServerNotices": {"changed", "close", "heard", "listen"},  # PostgreSQL's change signal
    "Patients": {"find", "save_links"},  # the import's matching (the command line's only)
    "SqliteDataVersion": {"changed"},
    "TrailNews": {"since_last"},  # which tables the changes seen wrote (the trail's rows)
    "UrgentWatch": {"check"},
}
"""Each practice service's public methods that change nothing a role guards."""

NOT_CHECKED = frozenset({
    # reading
    "people.anchors.check", "people.anchors.found", "people.anchors.head", "people.anchors.log_of",
    "people.audit.verify", "people.audit.people", "people.audit.read",
    "people.audit.patients_named", "people.audit.terminal_of",
    "people.backup.last_backup", "people.backup.backup_reminder", "changes.watcher_for",
    "changes.tables_of", "changes.touches", "changes.joined",
    "wal_watch.wal_watch",
    "hats.periods.open_days_of", "owner.overview.gather", "owner.overview.chosen_main_stats",
    "owner.overview.main_stat_names", "flow.patients.find_same", "people.staff.idle_lock_minutes",
    "owner.report.gathering.gather", "settings.load", "settings.get", "setup.needs_setup",
    "settings.idle_lock_minutes", "people.login_view.staff", "people.login_view.person",
    "people.login_view.needs_setup", "people.login_view.fitting",
    "setup.defaults", "stats.weeks.week_ends_of", "people.trail_check.check",
    # the trail's own records (who is here, from where; what was done outside it)
    "people.audit.set_actor", "people.audit.set_terminal", "people.audit.set_clock",
    "people.audit.record",
    "people.staff.record", "people.staff.set_actor", "owner.report.writing.note_written",
    "people.anchors.write",
    "people.backup.note_restored", "people.ssh_access.note_authorized",
    "people.ssh_access.note_revoked",
    "people.sessions.begin", "people.sessions.end", "people.sessions.close_abandoned",
    # a file of what the person may read, and a trail record
    "owner.report.writing.write_report",
    # the store's writer of one setting, under the checked setters
    "settings.put",
    # the machine's administrator's, on the file itself (the command line)
    "people.backup.back_up",
    # the schedule's import: only the command line runs it (not yet role-checked)
    "imports.apply.apply_import", "imports.apply.imported_count", "imports.service.import_file",
    "imports.service.link_patient", "imports.service.save_mapping",
    "imports.service.saved_mapping",
    # before anyone can log in: refused once someone can
    "setup.set_up",
    # reading
    "schedule.hours.slot_minutes", "schedule.book_settings.read",
    # the check itself, and the organization's and the book's ways of asking it
    "people.roles.require", "org.access.require", "schedule.access.require",
    # reading
    "org.board.read_board", "org.hiring.keep_days", "org.hiring_counts.evaluations_due",
    "org.leaving.leaving_items",
    "calls.figures.call_counts", "calls.recall.recall_list", "calls.recall.recall_page",
    "calls.rules.load_rules", "imports.queue.waiting", "imports.queue.waiting_count",
    "imports.service.largest_mb", "people.server_backup.server_of",
    # inside an operation that checked (the queue's link, `schedule link`): its transaction
    "imports.apply.apply_decided", "imports.queue.book_linked",
    # the machine's administrator's, on the server's database (the command line)
    "people.server_backup.back_up", "people.server_backup.note_restored",
    # reading: the overview's count of the plans falling off
    "plans.pace.falling_off_count",
    "schedule.no_shows.due",
    # the practice's own rule, applied by whichever terminal reads it first: no person acts
    "schedule.no_shows.record_no_shows",
})  # fmt: skip
"""Module functions given the database that are not operations to check, and why."""


def _practice_modules() -> Iterator[Any]:
    for found in pkgutil.walk_packages(om_tui.practice.__path__, "om_tui.practice."):
        yield importlib.import_module(found.name)


def _services_and_functions() -> tuple[set[str], set[str]]:
    functions: set[str] = set()
    services: list[type] = []
    for module in _practice_modules():
        short = module.__name__.removeprefix("om_tui.practice.")
        for name, thing in vars(module).items():
            if name.startswith("_") or getattr(thing, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(thing):
                if next(iter(inspect.signature(thing).parameters), None) == "database":
                    functions.add(f"{short}.{name}")
            elif inspect.isclass(thing) and "database" in _fields(thing):
                services.append(thing)
    # a service assembled from parts (Hats) is checked as the one service it is
    parts = {base for service in services for base in service.__mro__[1:]}
    methods = {
        f"{service.__name__}.{method}"
        for service in services
        if service not in parts
        for method, _ in inspect.getmembers(service, inspect.isfunction)
        if not method.startswith("_")
    }
    return methods, functions


def _fields(cls: type) -> set[str]:
    try:
        return set(inspect.signature(cls).parameters)
    except (TypeError, ValueError):
        return set()


ORGANIZATION: dict[str, str] = {
    **{f"Hiring.{name}": "hiring" for name in (
        "add_candidate", "close_opening", "forget", "hire", "move", "open_post", "purge")},
    **{f"Leaving.{name}": "leaving" for name in (
        "finish", "give_hat", "hand_on_orders", "hand_on_steps", "remove_ssh", "start",
        "take_pin_off", "tick")},
    **{f"Structure.{name}": "org_edit" for name in (
        "add_department", "add_division", "add_post", "lay_out_default", "move_department",
        "move_division", "move_post", "place_post", "remove_department", "remove_division",
        "rename_department", "rename_division", "unplace_post")},
    "org.hiring.set_keep_days": "settings",
    "org.leaving.set_leaving_items": "settings",
    # the call lists
    **{f"Calls.{name}": "book" for name in (
        "add_asap", "book_asap", "book_from_list", "end_asap", "log", "set_confirmation")},
    "calls.rules.set_rule": "settings",
    "calls.rules.set_recall_days": "settings",
    # the import queue: a person's decision, and the import's own settings
    **{f"imports.queue.{name}": "book" for name in ("add_new", "link", "skip")},
    "imports.service.set_largest_mb": "settings",
}  # fmt: skip
"""The organization's operations (hiring, leaving, the org board's shape), the call lists' and
the import queue's, each asking the one check with its permission: checked here by reading
their code, not yet tried by role."""


def test_the_organizations_operations_ask_the_check_with_their_permission() -> None:
    for name, permission in ORGANIZATION.items():
        owner, _, operation = name.rpartition(".")
        source = inspect.getsource(getattr(_find(owner), operation))
        if operation.startswith("rename_"):  # one helper renames both
            source = inspect.getsource(_find(owner)._rename)
        asks = (
            f'require(self.database, self.staff_id, "{permission}"',
            f'require(database, by, "{permission}"',
            f'@checked("{permission}"',
        )
        assert any(words in source for words in asks), name


def test_every_operation_that_changes_the_practice_is_in_the_list() -> None:
    methods, functions = _services_and_functions()
    listed = {operation.name for operation in OPERATIONS} | set(ORGANIZATION)
    listed.add("settings.set_no_show_after")  # checked as the other setters
    readers = {f"{cls}.{method}" for cls, names in READERS.items() for method in names}
    assert sorted(methods - readers - listed) == [], "add it to OPERATIONS, or to READERS"
    assert sorted(functions - NOT_CHECKED - listed) == [], (
        "add it to OPERATIONS, or to NOT_CHECKED with why"
    )
    assert sorted(listed - methods - functions) == []  # no operation that is no longer there


def test_each_operation_checks_the_permission_it_is_listed_with() -> None:
    """The decorated ones say which (the rest check inside, in their own words)."""
    methods, functions = _services_and_functions()
    for operation in OPERATIONS:
        owner, _, name = operation.name.rpartition(".")
        thing = getattr(_find(owner), name)
        declared = getattr(thing, "permission", None)
        assert declared in (None, operation.permission), operation.name


def _find(owner: str) -> Any:
    for module in _practice_modules():
        short = module.__name__.removeprefix("om_tui.practice.")
        if short == owner:
            return module
        if isinstance(vars(module).get(owner), type):
            return vars(module)[owner]
    raise LookupError(owner)


# -- the administrator, and no one ----------------------------------------------------------


def test_the_administrator_passes_every_check(world: World) -> None:
    with world.database.atomic():
        for permission in PERMISSIONS:
            assert require(world.database, ADMINISTRATOR, permission, "does it") is None


def test_no_one_logged_in_is_refused(world: World) -> None:
    with pytest.raises(NotAllowed, match="Log in first"):
        world.stats(None).enter(world.stat, 5.0)  # type: ignore[arg-type]


def test_the_check_reads_the_role_inside_the_changes_transaction(world: World) -> None:
    with pytest.raises(RuntimeError, match="inside the change's own transaction"):
        require(world.database, world.manager, "stats_edit", "enters stat values")


# -- what was found: each a change a role's id could make from code ---------------------------


def test_the_front_desk_enters_no_stat_values_and_no_overrides(world: World) -> None:
    desk = world.stats(world.practice.desk)
    with pytest.raises(NotAllowed, match=r"^Only the office manager or the owner enters stat"):
        desk.enter(world.stat, 99.0)
    with pytest.raises(NotAllowed, match="Only the office manager or the owner overrides"):
        desk.override(world.stat, desk.this_week(), Condition.POWER, "Says who?")
    assert StatValue.select().count() == 0 and ConditionOverride.select().count() == 0


def test_only_a_manager_sets_another_persons_pin_and_each_their_own(world: World) -> None:
    desk, manager = world.practice.desk, world.manager
    before = Staff.get_by_id(manager).secret
    with pytest.raises(PeopleError, match="Only the office manager or the owner sets another"):
        world.people(desk).set_secret(manager, "1111")
    assert Staff.get_by_id(manager).secret == before
    world.people(desk).set_secret(desk, "2468")  # her own
    assert world.people(ADMINISTRATOR).login(desk, "2468").id == desk
    world.people(manager).set_secret(world.target, "1357")
    with pytest.raises(PeopleError, match="Only the owner changes an owner's details or PIN"):
        world.people(manager).set_secret(world.owner, "1111")


def test_no_one_makes_themself_owner(world: World) -> None:
    desk, manager, owner = world.practice.desk, world.manager, world.owner
    with pytest.raises(PeopleError, match="Only the office manager or the owner changes people"):
        world.people(desk).edit(desk, role="owner")
    with pytest.raises(PeopleError, match="Only the owner makes someone an owner"):
        world.people(manager).edit(manager, role="owner")
    with pytest.raises(PeopleError, match="Only the owner makes someone an owner"):
        world.people(manager).add("Olga Owner", "owner")
    with pytest.raises(PeopleError, match="Nobody changes their own role"):
        world.people(owner).edit(owner, role="office manager")
    assert (Staff.get_by_id(desk).role, Staff.get_by_id(manager).role) == (
        Role.FRONT_DESK,
        Role.OFFICE_MANAGER,
    )
    world.people(owner).edit(manager, role="owner")  # the owner may
    assert Staff.get_by_id(manager).role == Role.OWNER


def test_the_front_desk_deactivates_no_one(world: World) -> None:
    with pytest.raises(PeopleError, match="Only the office manager or the owner takes people off"):
        world.people(world.practice.desk).deactivate(world.manager)
    assert Staff.get_by_id(world.manager).active


def test_the_front_desk_changes_no_setting(world: World) -> None:
    desk = world.practice.desk
    with pytest.raises(NotAllowed, match="Only the office manager or the owner changes the"):
        settings.set_late_after(world.database, 1, by=desk)
    with pytest.raises(NotAllowed):
        settings.set_name(world.database, "Jo's Practice", by=desk)
    with pytest.raises(NotAllowed):
        set_idle_lock(world.database, 240, by=desk)
    assert settings.load(world.database).late_after_minutes != 1
    assert settings.load(world.database).name == "Test Chiropractic"


def test_the_front_desk_creates_no_hat(world: World) -> None:
    with pytest.raises(NotAllowed, match="Only the office manager or the owner writes hats"):
        world.hats(world.practice.desk).create_post("Boss")
    with pytest.raises(NotAllowed):
        world.stats(world.practice.desk).post_named("Boss")
    assert "Boss" not in {title for _, title in world.hats().posts()}


def test_a_tick_is_the_tickers_own_or_a_managers_on_their_behalf(world: World) -> None:
    desk, target = world.practice.desk, world.target
    with pytest.raises(HatError, match="Only the office manager or the owner ticks an item on"):
        world.hats(desk).tick(world.item, DAY, target)
    assert Tick.select().count() == 0
    world.hats(world.manager).tick(world.item, DAY, target)
    tick = Tick.get()
    assert (tick.holder, tick.by_id) == (target, world.manager)  # whose, and who ticked it
    with pytest.raises(HatError, match="Meg Manager ticked this; only they can take"):
        world.hats(target).untick(world.item, DAY, target)
    world.hats(world.manager).untick(world.item, DAY, target)
    assert Tick.select().count() == 0


def test_each_person_attests_for_themself(world: World) -> None:
    with pytest.raises(HatError, match="Each person attests a policy themselves"):
        world.hats(world.manager).attest(_newest_version(world), world.target)


def test_a_person_demoted_or_let_go_on_another_terminal_is_refused_at_once(world: World) -> None:
    manager = world.stats(world.manager)  # logged in a while ago, as the office manager
    manager.enter(world.stat, 5.0)
    Staff.update(role=Role.FRONT_DESK).where(Staff.id == world.manager).execute()  # elsewhere
    with pytest.raises(NotAllowed, match="Only the office manager or the owner enters stat"):
        manager.enter(world.stat, 6.0)
    Staff.update(role=Role.OFFICE_MANAGER, active=False).where(Staff.id == world.manager).execute()
    with pytest.raises(NotAllowed, match="no longer on the active staff list"):
        manager.enter(world.stat, 7.0)
    assert [v.value for v in StatValue.select()] == [5.0]


def test_a_refused_change_leaves_no_trace_in_the_trail(world: World) -> None:
    before = world.trail_length()
    with pytest.raises(NotAllowed):
        world.hats(world.practice.desk).add_item(world.post, "Free lunch on Fridays")
    assert world.trail_length() == before
