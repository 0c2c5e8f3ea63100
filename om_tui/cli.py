"""The `om-tui` command: options and subcommands, nothing else."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from om_tui import __version__

if TYPE_CHECKING:
    from peewee import Database

STAGE_NAMES = ("arrived", "roomed", "with_provider", "checkout")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="om-tui",
        description="The Office Manager's instrument panel for a small private practice.",
    )
    parser.add_argument("--version", action="version", version=f"om-tui {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="the practice database: a file path, or postgresql://… "
        "(default: practice.db in your user data folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo practice (created if absent; default file demo.db in your data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    config = commands.add_parser("settings", help="show or change the practice's settings")
    changes = config.add_subparsers(dest="setting", metavar="SETTING")
    threshold = changes.add_parser(
        "threshold", help="minutes in a stage before the board warns, then alerts"
    )
    threshold.add_argument("stage", choices=STAGE_NAMES)
    threshold.add_argument("warn", type=int, help="minutes before a warning")
    threshold.add_argument("alert", type=int, help="minutes before an alert")
    late = changes.add_parser(
        "late-after", help="minutes after the appointment time a patient is late"
    )
    late.add_argument("minutes", type=int)
    zone = changes.add_parser("timezone", help="the practice's time zone, e.g. America/Chicago")
    zone.add_argument("name")
    name = changes.add_parser("name", help="the practice's name, shown on the board")
    name.add_argument("name")
    week = changes.add_parser(
        "week-ends",
        help='when the stats week ends: weekday 0-6 (Monday 0) and time, e.g. "3 14:00"',
    )
    week.add_argument("when")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _start_log()
    # Imported here so `om-tui --help` stays instant.
    from db import StoreError, open_database

    target = args.db
    if target is None:
        data = Path(platformdirs.user_data_dir("om-tui", appauthor=False))
        target = str(data / ("demo.db" if args.demo else "practice.db"))
    if args.command is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "om-tui: needs a terminal (run it in a terminal, or over ssh with -t).", file=sys.stderr
        )
        return 2
    try:
        database = open_database(target)
        if args.demo:
            _open_demo(database)
    except StoreError as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    if args.command == "settings":
        return _settings(database, args)
    from om_tui.app import make_app

    make_app(database).run()
    return 0


def _open_demo(database: Database) -> None:
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.demo import open_demo_practice

    open_demo_practice(database, SystemClock())


def _settings(database: Database, args: argparse.Namespace) -> int:
    from db.models import Stage
    from om_tui.practice import settings
    from om_tui.practice.stats import StatError, WeekEnds, set_week_ends, week_ends_of

    try:
        if args.setting == "threshold":
            settings.set_threshold(database, Stage(args.stage), args.warn, args.alert)
        elif args.setting == "late-after":
            settings.set_late_after(database, args.minutes)
        elif args.setting == "timezone":
            settings.set_timezone(database, args.name)
        elif args.setting == "name":
            settings.put(database, settings.NAME, args.name)
        elif args.setting == "week-ends":
            set_week_ends(database, WeekEnds.parse(args.when))
    except (settings.SettingError, StatError) as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2
    current = settings.load(database)
    ends = week_ends_of(database)
    print(f"Practice:   {current.name}")
    print(f"Week ends:  {_WEEKDAYS[ends.weekday]} {ends.at:%H:%M} (stats)")
    print(f"Time zone:  {current.timezone}")
    print(f"Late after: {current.late_after_minutes} min")
    for stage, limits in current.thresholds.items():
        print(f"{stage.value:14} warn {limits.warn:3} min, alert {limits.alert:3} min")
    return 0


def _start_log() -> None:
    """Warnings go to a private file: the terminal belongs to the app. No patient data."""
    folder = Path(platformdirs.user_log_dir("om-tui", appauthor=False))
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = folder / "om-tui.log"
        descriptor = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
        os.close(descriptor)
        logging.basicConfig(
            filename=path,
            level=logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
    except OSError:
        logging.basicConfig(handlers=[logging.NullHandler()])
