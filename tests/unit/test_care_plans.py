"""Care plans: phases read and refused, the pace over open days (holidays, pauses), kept /
expected / booked ahead, the Falling-off order, who may keep plans, stale edits, a merged
patient, and booking a plan's visits as series."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import Database

from db.models import Appointment, CarePlan, CarePlanEvent, Patient, Stage, Visit, utc_naive
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.owner.overview import gather
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.plans.pace import FallingOff, Pace, Standings, falling_off_count, worst_first
from om_tui.practice.plans.phases import (
    Phase,
    PlanError,
    expected_visits,
    read_phases,
    suggested_days,
)
from om_tui.practice.plans.plans import CarePlans
from om_tui.practice.schedule import hours

from .practice_fixture import Practice, local

MONDAY = dt.date(2026, 11, 16)  # the fixture's day is Wednesday 18 November


def _open_weekdays(database: Database) -> None:
    hours.set_hours(database, ADMINISTRATOR, None, range(5), [(dt.time(9), dt.time(17))])


def _plans(database: Database, clock: FrozenClock, staff_id: int | None) -> CarePlans:
    return CarePlans(database, clock, settings.load(database), staff_id)


def _standings(database: Database, clock: FrozenClock) -> Standings:
    return Standings(database, clock, settings.load(database))


def _visit(patient: int, day: dt.date, stage: Stage = Stage.DONE) -> None:
    Visit.create(patient=patient, date=day, stage=stage.value)


def _booked(patient: int, day: dt.date, practice: Practice, hour: int = 9) -> None:
    Appointment.create(
        patient=patient, provider=practice.provider, start=utc_naive(local(hour, 0, day=day))
    )


# -- phases ----------------------------------------------------------------------------


def test_phases_are_read_as_typed() -> None:
    assert read_phases("12x3 8x2 *x1") == (Phase(12, 3), Phase(8, 2), Phase(None, 1))
    assert read_phases("12 @ 3, 8@2/wk") == (Phase(12, 3), Phase(8, 2))


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("0x3", "0 visits"),
        ("12x0", "0 a week"),
        ("*x1 12x3", "Only the last phase"),
        ("12x6", "opens 5 days"),
        ("", "needs its phases"),
        ("twelve", "a phase is visits x a week"),
    ],
)
def test_bad_phases_are_refused_with_why(typed: str, said: str) -> None:
    with pytest.raises(PlanError, match=said):
        read_phases(typed, open_days=5)


def test_expected_visits_follow_the_phases_in_open_days() -> None:
    phases = read_phases("6x3 4x2 *x1")
    assert [expected_visits(phases, days, 5) for days in (0, 1, 2, 3, 4, 5)] == [0, 1, 1, 2, 2, 3]
    assert expected_visits(phases, 10, 5) == 6  # the first phase done in two weeks
    assert expected_visits(phases, 20, 5) == 10  # then two weeks at 2
    assert expected_visits(phases, 25, 5) == 11  # then one a week, with no end


def test_visits_a_week_are_spread_over_the_open_days() -> None:
    assert suggested_days(3, range(5)) == (0, 2, 4)
    assert suggested_days(2, range(5)) == (0, 3)
    assert suggested_days(1, [1, 3]) == (1,)


# -- the pace --------------------------------------------------------------------------


def test_a_missed_visit_puts_the_plan_behind(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    _open_weekdays(database)
    gus = practice.patients["gus"]
    plan = _plans(database, clock, practice.desk).add(gus, "12x3", practice.provider, None, MONDAY)
    _visit(gus, MONDAY)
    _booked(gus, dt.date(2026, 11, 20), practice)
    _booked(gus, dt.date(2026, 11, 23), practice)
    on_pace = _standings(database, clock).of_plan(plan.plan_id)
    assert on_pace is not None
    assert (on_pace.kept, on_pace.expected, on_pace.booked_ahead) == (1, 1, 2)
    assert on_pace.pace == Pace.ON_PACE

    Visit.create(patient=gus, date=dt.date(2026, 11, 18), stage=Stage.NO_SHOW.value)
    clock.set(local(10, 0, day=dt.date(2026, 11, 19)))  # Thursday: Mon–Wed gone, 2 expected
    behind = _standings(database, clock).of_plan(plan.plan_id)
    assert behind is not None
    assert (behind.kept, behind.expected, behind.pace) == (1, 2, Pace.BEHIND)
    assert behind.mark == "plan: behind 1"


def test_nothing_booked_ahead_is_none_booked(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    _open_weekdays(database)
    gus = practice.patients["gus"]
    plan = _plans(database, clock, practice.desk).add(gus, "12x3", None, None, MONDAY)
    _visit(gus, MONDAY)
    standing = _standings(database, clock).of_plan(plan.plan_id)
    assert standing is not None
    assert standing.pace == Pace.NONE_BOOKED
    assert standing.counts == "kept 1 of 12 · expected 1 · 0 booked ahead"


def test_a_holiday_is_not_an_open_day(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    _open_weekdays(database)
    gus = practice.patients["gus"]
    plan = _plans(database, clock, practice.desk).add(gus, "12x3", None, None, MONDAY)
    clock.set(local(10, 0, day=dt.date(2026, 11, 21)))  # Saturday: a whole week gone
    before = _standings(database, clock).of_plan(plan.plan_id)
    tuesday = dt.date(2026, 11, 17)
    hours.add_blockout(
        database, clock, ADMINISTRATOR, None, local(0, 0, day=tuesday), local(23, 59, day=tuesday)
    )
    after = _standings(database, clock).of_plan(plan.plan_id)
    assert before is not None and after is not None
    assert (before.expected, after.expected) == (3, 2)  # 4 open days of 5: 2.4 visits


def test_a_paused_plan_stands_still_and_its_pause_is_not_counted(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    _open_weekdays(database)
    gus = practice.patients["gus"]
    plans = _plans(database, clock, practice.desk)
    made = plans.add(gus, "12x3", None, None, MONDAY)
    plans.pause(made.plan_id, 0, "Away for a week")  # from Wednesday: Mon, Tue counted
    clock.set(local(10, 0, day=dt.date(2026, 11, 25)))  # the next Wednesday
    paused = _standings(database, clock).of_plan(made.plan_id)
    assert paused is not None
    assert (paused.pace, paused.expected) == (Pace.PAUSED, 1)
    plans.resume(made.plan_id, 1, "Back")
    clock.set(local(10, 0, day=dt.date(2026, 11, 26)))  # Thursday: 3 open days of plan time
    going = _standings(database, clock).of_plan(made.plan_id)
    assert going is not None
    assert going.expected == 2
    assert [e.kind for e in CarePlanEvent.select().order_by(CarePlanEvent.id)] == [
        "added",
        "paused",
        "resumed",
    ]


def test_falling_off_is_worst_first(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    _open_weekdays(database)
    plans = _plans(database, clock, practice.desk)
    start = MONDAY - dt.timedelta(weeks=2)
    ben, dee, gus = (practice.patients[k] for k in ("ben", "dee", "gus"))
    for patient in (ben, dee, gus):
        plans.add(patient, "12x3", None, None, start)
        _booked(patient, dt.date(2026, 11, 30), practice)
    for day in range(4):  # dee kept 4 of 7 expected; gus 6; ben all 7
        _visit(dee, start + dt.timedelta(days=day))
    for day in range(6):
        _visit(gus, start + dt.timedelta(days=day))
    for day in range(7):
        _visit(ben, start + dt.timedelta(days=day))
    Appointment.delete().where(Appointment.patient == ben).execute()  # nothing booked
    falling = _standings(database, clock).falling_off().worst
    assert [(s.patient_name, s.short, s.pace) for s in falling] == [
        ("Dee Dunn", 3, Pace.BEHIND),
        ("Gus Grant", 1, Pace.BEHIND),
        ("Ben Baker", 0, Pace.NONE_BOOKED),
    ]
    assert gather(database, clock, settings.load(database)).falling_off == 3  # the overview


def test_falling_off_and_its_count_agree_with_every_plans_standing(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    """The Falling-off list and its count, worked out without reading every plan whole,
    say what the standings of every active plan say, plan for plan, in the same order."""
    _open_weekdays(database)
    plans = _plans(database, clock, practice.desk)
    start = MONDAY - dt.timedelta(weeks=2)
    ann, ben, cal, dee, eve, gus, ida = (
        practice.patients[k] for k in ("ann", "ben", "cal", "dee", "eve", "gus", "ida")
    )
    holiday = start + dt.timedelta(days=3)
    hours.add_blockout(
        database, clock, ADMINISTRATOR, None, local(0, 0, day=holiday), local(23, 59, day=holiday)
    )
    behind = plans.add(ann, "12x3", None, None, start).plan_id
    for day, stage in ((0, Stage.DONE), (1, Stage.NO_SHOW), (2, Stage.DONE)):
        _visit(ann, start + dt.timedelta(days=day), stage)  # a no-show is not kept
    _booked(ann, dt.date(2026, 11, 23), practice)
    plans.add(ben, "3x3", None, None, start)  # complete
    for day in range(3):
        _visit(ben, start + dt.timedelta(days=day))
    plans.add(cal, "*x1", None, None, MONDAY)  # on pace: booked today at ten
    paused = plans.add(dee, "12x3 8x2", None, None, start)
    plans.pause(paused.plan_id, 0, "Away")
    ended = plans.add(eve, "12x3", None, None, start).plan_id
    _visit(eve, start)
    plans.end(ended, 0, "Moved away")
    _visit(eve, dt.date(2026, 11, 19))  # after the plan's end: not kept by it
    plans.add(eve, "*x1", None, None, MONDAY)  # a new plan, nothing booked
    first = plans.add(gus, "12x3", None, None, start).plan_id  # two plans, one patient
    second = plans.add(gus, "*x2", None, None, MONDAY).plan_id
    _visit(gus, start + dt.timedelta(days=1))
    _visit(gus, MONDAY)
    plans.add(ida, "8x2", None, None, start)  # nothing kept, booked today

    standings = _standings(database, clock)
    every = standings.active()
    falling = sorted((s for s in every if s.falling_off), key=worst_first)
    assert {s.pace for s in every} == {
        Pace.BEHIND,
        Pace.NONE_BOOKED,
        Pace.ON_PACE,
        Pace.COMPLETE,
        Pace.PAUSED,
    }
    assert standings.falling_off() == FallingOff(len(falling), falling)
    assert standings.falling_off(most=2) == FallingOff(len(falling), falling[:2])
    assert falling_off_count(database, clock, settings.load(database)) == len(falling) == 5
    assert [standings.of_plan(s.plan_id) for s in every] == every  # one by one, the same
    kept = {p: standings.of_plan(p) for p in (behind, ended, first, second)}
    assert [(s.kept, s.last_visit) for s in kept.values() if s] == [
        (2, start + dt.timedelta(days=2)),
        (1, start),
        (2, MONDAY),
        (1, MONDAY),
    ]


# -- keeping plans ---------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_changes_nothing(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    here = _plans(database, clock, practice.desk)
    there = _plans(database, clock, practice.provider)
    made = here.add(practice.patients["gus"], "12x3", None, None, MONDAY)
    there.change(made.plan_id, 0, "12x3 8x2", "Doctor's re-exam")
    with pytest.raises(PlanError, match="another terminal"):
        here.end(made.plan_id, 0, "Moved away")
    plan = CarePlan.get_by_id(made.plan_id)
    assert (plan.state, plan.phases, plan.version) == ("active", "12x3 8x2", 1)


def test_a_reason_is_needed(database: Database, practice: Practice, clock: FrozenClock) -> None:
    plans = _plans(database, clock, practice.desk)
    made = plans.add(practice.patients["gus"], "12x3", None, None, MONDAY)
    with pytest.raises(PlanError, match="Say why"):
        plans.pause(made.plan_id, 0, "  ")
    assert CarePlan.get_by_id(made.plan_id).state == "active"


def test_who_may_keep_plans(database: Database, practice: Practice, clock: FrozenClock) -> None:
    gus = practice.patients["gus"]
    provider = _plans(database, clock, practice.other_provider)  # a provider on the staff
    own = provider.add(gus, "12x3", practice.other_provider, None, MONDAY)
    with pytest.raises(PlanError, match="Only the front desk"):
        provider.add(gus, "12x3", practice.provider, None, MONDAY)
    with pytest.raises(PlanError, match="Only the front desk"):
        provider.end(own.plan_id, 0, "Done")
    assert CarePlan.select().count() == 1


def test_a_plan_for_a_merged_record_goes_to_the_record_kept(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    eve, gus = practice.patients["eve"], practice.patients["gus"]
    Patient.update(merged_into=gus, active=False).where(Patient.id == eve).execute()
    made = _plans(database, clock, practice.desk).add(eve, "12x3", None, None, MONDAY)
    assert CarePlan.get_by_id(made.plan_id).patient_id == gus
    assert "merged into" in made.description


def test_a_plans_visits_are_booked_as_series(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    _open_weekdays(database)
    gus = practice.patients["gus"]
    plans = _plans(database, clock, practice.desk)
    made = plans.add(gus, "4x3 2x2", practice.provider, None, MONDAY)
    _visit(gus, MONDAY)
    done = plans.book(made.plan_id, 0, dt.date(2026, 11, 23), dt.time(9, 0))
    assert "5 visits of the care plan booked" in done.description
    starts = [
        settings.load(database).local(a.start.replace(tzinfo=dt.UTC)).strftime("%a %d")
        for a in Appointment.select().where(Appointment.patient == gus).order_by(Appointment.start)
    ]
    assert starts == ["Mon 23", "Wed 25", "Fri 27", "Mon 30", "Thu 03"]
    with pytest.raises(PlanError, match="kept or booked already"):
        plans.book(made.plan_id, 0, dt.date(2026, 12, 7), dt.time(9, 0))


def test_the_administrator_may_keep_plans(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    made = _plans(database, clock, ADMINISTRATOR).add(
        practice.patients["gus"], "*x1", None, None, MONDAY
    )
    assert CarePlan.get_by_id(made.plan_id).phases == "*x1"


def test_the_marks_name_the_plan_that_needs_the_desk_most(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    _open_weekdays(database)
    plans = _plans(database, clock, practice.desk)
    gus, dee = practice.patients["gus"], practice.patients["dee"]
    plans.add(gus, "*x1", None, None, MONDAY)  # nothing booked
    plans.add(gus, "12x3", None, None, MONDAY - dt.timedelta(weeks=2))  # and 7 visits short
    ended = plans.add(dee, "12x3", None, None, MONDAY - dt.timedelta(weeks=2))
    plans.end(ended.plan_id, 0, "Moved away")
    marks = _standings(database, clock).marks([gus, dee, practice.patients["ann"]])
    assert marks == {gus: "plan: behind 7, none booked"}
