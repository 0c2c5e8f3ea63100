"""The book settings' forms, one for each kind of line: an appointment type, a confirmation
state, a reason for cancelling, a week of hours, a blockout, the slot size and the no-show
rule. Each gives the form, the practice operation its answer makes (naming what the
screen showed), and what is said once it is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from peewee import Database

from om_tui.practice import settings
from om_tui.practice.clock import Clock
from om_tui.practice.refusal import Refusal
from om_tui.practice.schedule import book_settings, hours, types
from om_tui.practice.schedule.access import ScheduleError
from om_tui.practice.schedule.book_settings import WeekOfHours
from om_tui.practice.schedule.hours import SLOT_SIZES, WEEKDAYS
from om_tui.practice.schedule.types import ReasonLine, StatusLine, TypeLine
from om_tui.practice.settings import PracticeSettings
from om_tui.screens.schedule.settings_form import Field, SettingForm, Values

YES_NO = (("yes", "yes"), ("no", "no"))
COLOUR_CHOICES = tuple((c, c or "–") for c in types.COLOURS)

Asked = tuple[SettingForm, Callable[[Values], object], Callable[[Values], str]]
"""A form, the change its answer makes, and what is said when it is saved."""


@dataclass(frozen=True)
class Where:
    """What a change is made with: the store, the clock, who acts, the practice's settings."""

    database: Database
    clock: Clock
    actor: int | None
    practice: PracticeSettings


def _whole(value: str, what: str) -> int:
    if not value.strip().isdigit():
        raise ScheduleError(f"{what}: a whole number of minutes.")
    return int(value)


def type_form(at: Where, kind: TypeLine | None) -> Asked:
    database, actor = at.database, at.actor
    fields = [
        Field("name", "Name", kind.name if kind else "", "Consult"),
        Field("minutes", "Usual length", str(kind.minutes) if kind else "", "minutes"),
        Field("letter", "Letter", kind.letter if kind else "", "C"),
        Field("colour", "Colour", kind.colour if kind else "", choices=COLOUR_CHOICES),
        Field("new", "New patient", "yes" if kind and kind.new_patient else "no", choices=YES_NO),
    ]

    def check(values: Values) -> None:
        types.checked_name(values["name"], "An appointment type")
        types.check_minutes(_whole(values["minutes"], "Its usual length"))
        types.checked_mark(values["letter"], "A type's letter", "N or R")

    def change(values: Values) -> object:
        minutes, new = int(values["minutes"]), values["new"] == "yes"
        if kind is None:
            return types.add_type(
                database, actor, values["name"], minutes, values["letter"], new,
                values["colour"],
            )  # fmt: skip
        return types.edit_type(
            database, actor, kind.id, name=values["name"], minutes=minutes,
            letter=values["letter"], new_patient=new, colour=values["colour"],
            seen=kind.seen,
        )  # fmt: skip

    heading = f"Appointment type {kind.name}" if kind else "New appointment type"
    return (SettingForm(heading, fields, check), change, lambda v: f"{v['name']}: saved.")


def state_form(at: Where, state: StatusLine | None) -> Asked:
    database, actor = at.database, at.actor
    fields = [
        Field("name", "Name", state.name if state else "", "Texted"),
        Field("mark", "Mark", state.mark if state else "", "one character, like t"),
    ]

    def check(values: Values) -> None:
        types.checked_name(values["name"], "A confirmation state")
        types.checked_mark(values["mark"], "A state's mark", "? or ✓")

    def change(values: Values) -> object:
        if state is None:
            return types.add_status(database, actor, values["name"], values["mark"])
        return types.edit_status(
            database, actor, state.id, name=values["name"], mark=values["mark"],
            seen=state.seen,
        )  # fmt: skip

    heading = f"Confirmation state {state.name}" if state else "New confirmation state"
    return (SettingForm(heading, fields, check), change, lambda v: f"{v['name']}: saved.")


def reason_form(at: Where, reason: ReasonLine | None) -> Asked:
    database, actor = at.database, at.actor
    fields = [Field("text", "Reason", reason.text if reason else "", "Car trouble")]

    def check(values: Values) -> None:
        if not values["text"].strip():
            raise ScheduleError("A reason for cancelling needs some words.")

    def change(values: Values) -> object:
        if reason is None:
            return types.add_reason(database, actor, values["text"])
        return types.edit_reason(database, actor, reason.id, text=values["text"], seen=reason.seen)

    heading = "Reason for cancelling" if reason else "New reason for cancelling"
    return (SettingForm(heading, fields, check), change, lambda v: f"{v['text']}: saved.")


def hours_form(at: Where, week: WeekOfHours) -> Asked:
    database, actor = at.database, at.actor
    seen = {day: week.day_text(day) for day in range(7)}
    fields = [
        Field(name, name.capitalize(), seen[day], "9-12 13-17, or off")
        for day, name in enumerate(WEEKDAYS)
    ]
    empty = "the practice's hours" if week.staff_id is not None else "open all day"
    hint = f"Like 9-12 13-17 (a break between), or off. Every day empty: {empty}."

    def typed(values: Values) -> dict[int, str]:
        return {day: values[name] for day, name in enumerate(WEEKDAYS)}

    def check(values: Values) -> None:
        for name in WEEKDAYS:
            try:
                hours.parse_stretches(values[name])
            except Refusal as refusal:
                raise ScheduleError(f"{name.capitalize()}: {refusal}") from None

    def change(values: Values) -> object:
        hours.set_week(database, actor, week.staff_id, typed(values), seen)
        return None

    return (
        SettingForm(f"Hours · {week.name}", fields, check, hint),
        change,
        lambda _: f"{week.name}: hours saved.",
    )


def blockout_form(at: Where) -> Asked:
    database, clock, actor, practice = at.database, at.clock, at.actor, at.practice
    today = practice.today(clock.now())
    whose = [("", "Whole practice")] + [(str(i), name) for i, name in book_settings.providers()]
    fields = [
        Field("whose", "Whose", "", choices=whose),
        Field("starts", "From", "", "12/24, fri, 2026-12-24 (13:00)"),
        Field("ends", "Until", "", "empty: the end of that day"),
        Field("reason", "Reason", "", "Christmas"),
    ]

    def when(values: Values) -> tuple[dt.datetime, dt.datetime]:
        return hours.read_blockout(practice, today, values["starts"], values["ends"])

    def check(values: Values) -> None:
        when(values)

    def change(values: Values) -> object:
        start, end = when(values)
        provider = int(values["whose"]) if values["whose"] else None
        return hours.add_blockout(database, clock, actor, provider, start, end, values["reason"])

    return (
        SettingForm("New blockout", fields, check, "Nobody is booked then without asking."),
        change,
        lambda v: f"Blocked out: {v['starts']}{' – ' + v['ends'] if v['ends'] else ''}.",
    )


def slot_form(at: Where, shown: int) -> Asked:
    database, actor = at.database, at.actor
    sizes = tuple((str(s), f"{s} min") for s in SLOT_SIZES)
    fields = [Field("slot", "Slot size", str(shown), choices=sizes)]

    def change(values: Values) -> object:
        hours.set_slot_minutes(database, actor, int(values["slot"]), seen=shown)
        return None

    return (
        SettingForm("The book's rows", fields, hint="Each row of the book is this long."),
        change,
        lambda v: f"The book's rows are {v['slot']} minutes.",
    )


def no_show_form(at: Where, shown: int) -> Asked:
    database, actor = at.database, at.actor
    fields = [Field("minutes", "Minutes", str(shown), "0: never")]

    def check(values: Values) -> None:
        if not 0 <= _whole(values["minutes"], "No-show after") <= 24 * 60:
            raise ScheduleError("No-show after: minutes from 0 (never) to 1440.")

    def change(values: Values) -> object:
        settings.set_no_show_after(database, int(values["minutes"]), by=actor, seen=shown)
        return None

    hint = "A booking not checked in this long after its start shows as a no-show (0: never)."
    return (
        SettingForm("No-show after", fields, check, hint),
        change,
        lambda v: (
            f"No-show after {v['minutes']} min."
            if v["minutes"] != "0"
            else "No-shows: never by the clock."
        ),
    )
