"""The book's settings as the manager keeps them on screen: types renamed, coloured,
reordered, retired and brought back; states and reasons the same; hours, the slot size
and the no-show rule — each edit refused when another terminal changed it since it was
shown, and each one the managers' and the owner's only."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import Database

from db.models import AppointmentType, CancelReason, ConfirmationStatus
from om_tui.practice import settings, time_words
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule import book_settings, hours, types
from om_tui.practice.schedule.access import ScheduleError
from om_tui.practice.seen import ChangedElsewhere
from om_tui.practice.settings import SettingError

from .practice_fixture import Practice, local

ADMIN = ADMINISTRATOR


def _names(lines: list[types.TypeLine]) -> list[str]:
    return [line.name for line in lines]


def test_a_type_is_renamed_coloured_and_given_another_length_as_seen(
    database: Database, practice: Practice
) -> None:
    regular = types.type_named("Regular")
    changed = types.edit_type(
        database, ADMIN, regular.id, name="Adjustment", minutes=20, colour="green",
        letter="A", seen=regular.seen,
    )  # fmt: skip
    assert (changed.name, changed.minutes, changed.colour, changed.letter) == (
        "Adjustment", 20, "green", "A",
    )  # fmt: skip
    with pytest.raises(ChangedElsewhere, match="Regular: changed on another terminal"):
        types.edit_type(database, ADMIN, regular.id, minutes=30, seen=regular.seen)
    assert AppointmentType.get_by_id(regular.id).minutes == 20  # the other edit stands
    with pytest.raises(ScheduleError, match="colour is one of"):
        types.edit_type(database, ADMIN, regular.id, colour="#ff0000")
    with pytest.raises(ScheduleError, match="already"):
        types.edit_type(database, ADMIN, regular.id, name="re-EXAM".replace("re-EXAM", "Re-exam"))
    assert types.type_named("Adjustment").name == "Adjustment"  # nothing half-written


def test_types_move_retire_and_come_back_at_the_end(database: Database, practice: Practice) -> None:
    assert _names(types.appointment_types()) == ["New patient", "Regular", "Re-exam"]
    regular = types.type_named("Regular")
    types.move(database, ADMIN, AppointmentType, regular.id, -1)
    assert _names(types.appointment_types()) == ["Regular", "New patient", "Re-exam"]
    types.move(database, ADMIN, AppointmentType, regular.id, -1)  # first already: stays
    assert _names(types.appointment_types()) == ["Regular", "New patient", "Re-exam"]
    types.edit_type(database, ADMIN, regular.id, active=False)
    assert _names(types.appointment_types()) == ["New patient", "Re-exam"]
    assert "Regular" in _names(types.appointment_types(retired=True))  # kept for the record
    with pytest.raises(ScheduleError, match="retired or removed"):
        types.move(database, ADMIN, AppointmentType, regular.id, 1)
    types.edit_type(database, ADMIN, regular.id, active=True)
    assert _names(types.appointment_types()) == ["New patient", "Re-exam", "Regular"]


def test_states_are_renamed_retired_and_the_last_one_stays(
    database: Database, practice: Practice
) -> None:
    first = types.statuses()[0]
    was_last = types.statuses()[-1].name
    texted = types.add_status(database, ADMIN, "Texted", "t")
    types.move(database, ADMIN, ConfirmationStatus, texted.id, -3)  # one place a step
    assert [s.name for s in types.statuses()][-2:] == ["Texted", was_last]
    types.edit_status(database, ADMIN, first.id, name="Not yet", mark="·", seen=first.seen)
    with pytest.raises(ChangedElsewhere):
        types.edit_status(database, ADMIN, first.id, mark="?", seen=first.seen)
    for state in types.statuses()[:-1]:
        types.edit_status(database, ADMIN, state.id, active=False)
    last = types.statuses()[0]
    with pytest.raises(ScheduleError, match="at least one confirmation state"):
        types.edit_status(database, ADMIN, last.id, active=False)
    assert types.first_status() == last.id  # a new booking's


def test_reasons_are_reworded_retired_and_brought_back(
    database: Database, practice: Practice
) -> None:
    weather = next(r for r in types.reasons() if r.text == "Weather")
    types.edit_reason(database, ADMIN, weather.id, text="Snow or ice", seen=weather.seen)
    with pytest.raises(ChangedElsewhere, match="Weather"):
        types.edit_reason(database, ADMIN, weather.id, active=False, seen=weather.seen)
    types.edit_reason(database, ADMIN, weather.id, active=False)
    assert "Snow or ice" not in [text for _, text in types.cancel_reasons()]
    types.edit_reason(database, ADMIN, weather.id, active=True)
    assert types.cancel_reasons()[-1] == (weather.id, "Snow or ice")
    assert CancelReason.get_by_id(weather.id).active


def test_hours_slot_and_no_show_rule_are_refused_when_changed_since_shown(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    nine_to_five = hours.parse_stretches("9-17")
    hours.set_hours(database, ADMIN, practice.provider, [0], nine_to_five, seen="")
    shown = book_settings.read(database, clock, settings.load(database))
    chen = next(w for w in shown.hours if w.staff_id == practice.provider)
    assert chen.day_text(0) == "09:00-17:00" and chen.day_text(1) == "off"
    hours.set_hours(database, ADMIN, practice.provider, [1], nine_to_five, seen=chen.day_text(1))
    with pytest.raises(ChangedElsewhere, match="Tue's hours were changed"):
        hours.set_hours(database, ADMIN, practice.provider, [1], [], seen=chen.day_text(1))
    assert chen.said == "Mon 9-17; Tue-Sun off"

    hours.set_slot_minutes(database, ADMIN, 10, seen=shown.slot)
    with pytest.raises(ChangedElsewhere, match="slot size"):
        hours.set_slot_minutes(database, ADMIN, 20, seen=shown.slot)
    settings.set_no_show_after(database, 30, by=ADMIN, seen=shown.no_show_after)
    with pytest.raises(ChangedElsewhere, match="no-show rule"):
        settings.set_no_show_after(database, 45, by=ADMIN, seen=shown.no_show_after)
    with pytest.raises(SettingError):
        settings.set_no_show_after(database, -1, by=ADMIN)
    assert hours.slot_minutes(database) == 10
    assert settings.load(database).no_show_after_minutes == 30


def test_the_settings_read_blockouts_from_today_and_every_providers_hours(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    hours.add_blockout(database, clock, ADMIN, None, local(0, 0), local(23, 0), "Holiday")
    shown = book_settings.read(database, clock, settings.load(database))
    assert [w.name for w in shown.hours] == ["Practice (open)", "Dr. Lou Webb", "Dr. Pat Chen"]
    assert shown.hours[0].said == "open all day" and shown.hours[1].said == "the practice's hours"
    assert [b.reason for b in shown.blockouts] == ["Holiday"]


def test_a_week_of_hours_is_set_at_once_and_emptied_back_to_the_practices(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    shown = {day: "" for day in range(7)}
    typed = {0: "9-12 13-17", 1: "off", 2: "8-12:30", 3: "", 4: "9-17", 5: "", 6: ""}
    hours.set_week(database, ADMIN, practice.provider, typed, seen=shown)
    week = book_settings.read(database, clock, settings.load(database)).hours
    chen = next(w for w in week if w.staff_id == practice.provider)
    assert chen.said == "Mon 9-12 13-17; Tue off; Wed 8-12:30; Thu off; Fri 9-17; Sat-Sun off"
    with pytest.raises(ChangedElsewhere, match="Mon's hours"):
        hours.set_week(database, ADMIN, practice.provider, {0: "9-10"}, seen={0: ""})
    with pytest.raises(ScheduleError, match="Hours are like"):
        hours.set_week(database, ADMIN, practice.provider, {0: "nine"}, seen=None)
    hours.set_week(database, ADMIN, practice.provider, dict.fromkeys(range(7), ""))
    assert hours.week_hours(practice.provider) == {}  # the practice's hours again


def test_a_blockout_is_typed_as_a_day_or_a_day_and_a_time(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    shop = settings.load(database)
    today = shop.today(clock.now())
    start, end = hours.read_blockout(shop, today, "today")
    assert (start, end) == shop.day_bounds(today)
    start, end = hours.read_blockout(shop, today, "today 13:00", "today 15:30")
    assert (start, end) == (local(13, 0), local(15, 30))
    with pytest.raises(ScheduleError, match="ends after it starts"):
        hours.read_blockout(shop, today, "today 13:00", "today 12:00")
    with pytest.raises(ScheduleError, match="a day like 12/24"):
        hours.read_blockout(shop, today, "someday")
    with pytest.raises(ScheduleError, match="time of day"):
        hours.read_blockout(shop, today, "today 25:99")


def test_a_blockouts_time_is_said_shortly(database: Database, practice: Practice) -> None:
    shop = settings.load(database)
    today = shop.today(local(10, 0))

    def said(starts: str, ends: str = "") -> str:
        start, end = hours.read_blockout(shop, today, starts, ends)
        return book_settings.blockout_when(shop, hours.BlockoutLine(1, None, start, end, ""))

    day = time_words.day_text(today)
    assert said("today") == day
    assert said("today", "+1") == f"{day} – {time_words.day_text(today + dt.timedelta(days=1))}"
    assert said("today 14:00", "today 18:00") == f"{day} 14:00–18:00"
    assert said("today 13:00") == f"{day} 13:00–24:00"


def test_each_change_of_the_books_settings_is_on_the_trail(
    database: Database, practice: Practice
) -> None:
    def trail() -> list[tuple[str, str]]:
        rows = database.execute_sql("SELECT action, subject FROM audit ORDER BY id").fetchall()
        return [(str(a), str(s)) for a, s in rows]

    before = len(trail())
    regular = types.type_named("Regular")
    types.edit_type(database, ADMIN, regular.id, colour="red", seen=regular.seen)
    types.edit_reason(database, ADMIN, types.reasons()[0].id, active=False)
    hours.set_week(database, ADMIN, None, {0: "8-12"})
    assert trail()[before:] == [
        ("change", "appointment_type"),
        ("change", "cancel_reason"),
        ("create", "working_hours"),
    ]
