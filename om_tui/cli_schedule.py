"""`om-tui schedule …`: the manager's appointment types, working hours, blockouts and the
book's slot size, from the command line (options and output only; the rules are in
om_tui/practice/schedule/)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peewee import Database


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schedule = commands.add_parser(
        "schedule",
        help="the appointment book's types, states, reasons, hours, blockouts and slot size; "
        "imports from another system and exports",
    )
    parts = schedule.add_subparsers(dest="schedule_command", metavar="PART", required=True)
    from om_tui import cli_imports

    cli_imports.add_parts(parts)  # import, map, watch, export, link: another system's schedule

    kinds = parts.add_parser("types", help="list the appointment types, or add and change one")
    actions = kinds.add_subparsers(dest="types_command", metavar="ACTION")
    add = actions.add_parser("add", help="a new appointment type")
    add.add_argument("name")
    add.add_argument("minutes", type=int, help="its usual length")
    add.add_argument("letter", help="one character the book shows")
    add.add_argument("--new-patient", action="store_true", help="counts as a new patient")
    change = actions.add_parser("set", help="change a type's length, letter or flag; retire it")
    change.add_argument("name", help="its name or letter")
    change.add_argument("--minutes", type=int)
    change.add_argument("--letter")
    change.add_argument("--new-patient", choices=("yes", "no"))
    change.add_argument("--name", dest="new_name", help="a new name")
    change.add_argument("--colour", help="red, green, yellow, blue, magenta, cyan; none")
    change.add_argument("--retire", action="store_true", help="no longer offered when booking")

    states = parts.add_parser("states", help="list the confirmation states, or add one")
    state_actions = states.add_subparsers(dest="states_command", metavar="ACTION")
    add_state = state_actions.add_parser("add", help='e.g. add "Texted" t')
    add_state.add_argument("name")
    add_state.add_argument("mark", help="one character the book shows")
    reasons = parts.add_parser("reasons", help="list the reasons for cancelling, or add one")
    reason_actions = reasons.add_subparsers(dest="reasons_command", metavar="ACTION")
    add_reason = reason_actions.add_parser("add", help='e.g. add "Car trouble"')
    add_reason.add_argument("text")

    hours = parts.add_parser("hours", help="list working and open hours, or set them")
    hour_actions = hours.add_subparsers(dest="hours_command", metavar="ACTION")
    put = hour_actions.add_parser(
        "set", help='e.g. set chen mon-fri "9-12 13-17"; set practice sat off'
    )
    put.add_argument("who", help="a provider (part of the name), or 'practice' for open hours")
    put.add_argument("days", help="mon-fri, mon wed fri, or all")
    put.add_argument("stretches", help='"9-12 13-17", or off')

    block = parts.add_parser("blockout", help="list blockouts from today, or add and remove one")
    block_actions = block.add_subparsers(dest="blockout_command", metavar="ACTION")
    block_add = block_actions.add_parser(
        "add", help='e.g. add practice 2026-12-25 --reason Christmas; add chen "2026-12-01 13:00"'
    )
    block_add.add_argument("who", help="a provider, or 'practice' (a holiday)")
    block_add.add_argument(
        "start",
        help='a day (all of it: 2026-12-25, 25 dec, fri), or a day and a time ("25 dec 13:00")',
    )
    block_add.add_argument("end", nargs="?", help="the day or time it ends (default: that day)")
    block_add.add_argument("--reason", default="")
    block_remove = block_actions.add_parser("remove", help="take a blockout back, by its number")
    block_remove.add_argument("number", type=int)

    slot = parts.add_parser("slot", help="the book's row: 5, 10, 15, 20, 30 or 60 minutes")
    slot.add_argument("minutes", type=int)
    no_show = parts.add_parser(
        "no-show-after",
        help="minutes after its start an unarrived booking shows as a no-show (0: never)",
    )
    no_show.add_argument("minutes", type=int)


def run(database: Database, args: argparse.Namespace) -> int:
    from om_tui import cli_imports

    if args.schedule_command in cli_imports.PARTS:
        return cli_imports.run(database, args)
    from om_tui.practice import settings
    from om_tui.practice.people.roles import ADMINISTRATOR
    from om_tui.practice.refusal import Refusal
    from om_tui.practice.schedule import hours, types

    try:
        if args.schedule_command == "types":
            _types(database, args)
            for t in types.appointment_types():
                new = "  counts as a new patient" if t.new_patient else ""
                colour = f"  {t.colour}" if t.colour else ""
                print(f"{t.letter}  {t.name:24} {t.minutes:4} min{new}{colour}")
        elif args.schedule_command == "states":
            if args.states_command == "add":
                types.add_status(database, ADMINISTRATOR, args.name, args.mark)
            for state in types.statuses():
                print(f"{state.mark}  {state.name}")
        elif args.schedule_command == "reasons":
            if args.reasons_command == "add":
                types.add_reason(database, ADMINISTRATOR, args.text)
            for _, text in types.cancel_reasons():
                print(text)
        elif args.schedule_command == "hours":
            if args.hours_command == "set":
                whose = None if args.who == "practice" else hours.provider_named(args.who)
                hours.set_hours(
                    database,
                    ADMINISTRATOR,
                    whose,
                    hours.parse_weekdays(args.days),
                    hours.parse_stretches(args.stretches),
                )
            _print_hours(database)
        elif args.schedule_command == "blockout":
            _blockouts(database, args)
        elif args.schedule_command == "slot":
            hours.set_slot_minutes(database, ADMINISTRATOR, args.minutes)
            print(f"The book's rows are {args.minutes} minutes.")
        elif args.schedule_command == "no-show-after":
            settings.set_no_show_after(database, args.minutes, by=ADMINISTRATOR)
            said = "never" if args.minutes == 0 else f"{args.minutes} min after its start"
            print(f"An unarrived booking shows as a no-show: {said}.")
    except Refusal as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    return 0


def _types(database: Database, args: argparse.Namespace) -> None:
    from om_tui.practice.people.roles import ADMINISTRATOR
    from om_tui.practice.schedule import types

    if args.types_command == "add":
        types.add_type(
            database, ADMINISTRATOR, args.name, args.minutes, args.letter, args.new_patient
        )
    elif args.types_command == "set":
        found = types.type_named(args.name)
        types.edit_type(
            database,
            ADMINISTRATOR,
            found.id,
            name=args.new_name,
            minutes=args.minutes,
            letter=args.letter,
            colour=None if args.colour is None else args.colour.replace("none", ""),
            new_patient=None if args.new_patient is None else args.new_patient == "yes",
            active=False if args.retire else None,
        )


def _print_hours(database: Database) -> None:
    from db.models import Staff
    from om_tui.practice.schedule import hours

    rows: list[tuple[str, int | None]] = [("Practice (open)", None)]
    query = Staff.select().where(Staff.provider == True, Staff.active == True)  # noqa: E712
    rows += [(s.name, s.id) for s in query.order_by(Staff.name)]
    for name, whose in rows:
        week = hours.week_hours(whose)
        if not week:
            said = "the practice's hours" if whose is not None else "not set (open all day)"
            print(f"{name:24} {said}")
            continue
        print(f"{name:24} {_grouped(week)}")


def _grouped(week: dict[int, list[tuple[dt.time, dt.time]]]) -> str:
    """ "Mon-Fri 09:00-12:00 13:00-17:00; Sat-Sun off": weekdays alike said once."""
    from om_tui.practice import time_words
    from om_tui.practice.schedule.hours import stretches_text

    return time_words.weekday_runs([stretches_text(week.get(day, [])) for day in range(7)])


def _blockouts(database: Database, args: argparse.Namespace) -> None:
    from db.models import Staff
    from om_tui.practice import settings, time_words
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.people.roles import ADMINISTRATOR
    from om_tui.practice.schedule import hours
    from om_tui.practice.schedule.access import ScheduleError

    current = settings.load(database)
    clock = SystemClock()
    if args.blockout_command == "add":
        whose = None if args.who == "practice" else hours.provider_named(args.who)
        start = _moment(args.start, current.zone, ScheduleError)
        if args.end is None:
            end = _moment(args.start, current.zone, ScheduleError, end=True)
        else:
            end = _moment(args.end, current.zone, ScheduleError, end=True)
        hours.add_blockout(database, clock, ADMINISTRATOR, whose, start, end, args.reason)
    elif args.blockout_command == "remove":
        hours.remove_blockout(database, ADMINISTRATOR, args.number)
    today = current.day_bounds(current.today(clock.now()))[0]
    names = {s.id: s.name for s in Staff.select()}
    listed = hours.blockouts_between(today, today + dt.timedelta(days=3650))
    if not listed:
        print("No blockouts from today on.")
    for b in listed:
        who = names.get(b.staff_id, "") if b.staff_id is not None else "Whole practice"
        began, ended = (
            time_words.moment_text(m, current.zone, year=True) for m in (b.start, b.end)
        )
        print(f"{b.id:4}  {who:20} {began} – {ended}  {b.reason}")


def _moment(
    text: str, zone: dt.tzinfo, error: type[Exception], *, end: bool = False
) -> dt.datetime:
    """A day as typed anywhere ("2026-12-25", "fri", "25 dec"): its start, or with `end`
    the next day's; or a day and a time ("2026-12-25 13:00", "fri 1pm")."""
    from om_tui.practice import time_words

    today = dt.datetime.now(zone).date()
    day, at = time_words.day_and_time(text, today, error, asked="Which day?")
    if at is None:
        return dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time(), zone)
    return dt.datetime.combine(day, at, zone)
