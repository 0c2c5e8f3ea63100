"""`om-tui schedule import|map|watch`: the schedule from the practice's own system
(options and output only; the rules are in om_tui/practice/imports/)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peewee import Database

PARTS = ("import", "map", "watch", "export", "link", "largest")
WATCH_SECONDS = 2.0


def add_parts(parts: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The import's commands, under `om-tui schedule`."""
    into = parts.add_parser(
        "import", help="bring appointments in from a CSV export, an .ics file or HL7 SIU messages"
    )
    into.add_argument("path", type=Path)
    into.add_argument(
        "--source", default="", help="the system it comes from (default: csv/ics/hl7)"
    )
    into.add_argument(
        "--dry-run", action="store_true", help="say what would change; change nothing"
    )
    into.add_argument(
        "--skip-bad", action="store_true", help="import the good lines and list the bad ones"
    )
    into.add_argument("--from", dest="first_day", help="a calendar's series from this day (today)")
    into.add_argument("--to", dest="last_day", help="… to this day (26 weeks on)")

    mapping = parts.add_parser(
        "map", help="show a source's saved mapping, or check and save one from a TOML file"
    )
    mapping.add_argument("source")
    mapping.add_argument("file", nargs="?", type=Path)

    watch = parts.add_parser(
        "watch", help="import each file dropped into a folder; move it to done/ or failed/"
    )
    watch.add_argument("folder", type=Path)
    watch.add_argument("--source", default="")
    watch.add_argument("--once", action="store_true", help="look twice, import, and stop")

    out = parts.add_parser("export", help="appointments as .ics or CSV, for a phone or a PMS")
    out.add_argument("--format", choices=("ics", "csv"), default="ics")
    out.add_argument("--from", dest="first_day", help="the first day (today)")
    out.add_argument("--to", dest="last_day", help="the last day (4 weeks on)")
    out.add_argument("--out", type=Path, help="a file to write (made private); default: print")

    link = parts.add_parser(
        "link", help="a source's patient number is this patient (for a line that needs a person)"
    )
    link.add_argument("source")
    link.add_argument("number", help="the patient's number in the source")
    link.add_argument("chart", help="the patient's chart number in om-tui")

    largest = parts.add_parser("largest", help="show or set the largest file imported, in MB")
    largest.add_argument("mb", nargs="?", type=float, help="the limit (64 unless set)")


def run(database: Database, args: argparse.Namespace) -> int:
    from om_tui.practice.imports.apply import ImportRefused
    from om_tui.practice.imports.records import ImportFileError
    from om_tui.practice.refusal import Refusal

    try:
        if args.schedule_command == "import":
            return _import(database, args)
        if args.schedule_command == "map":
            return _map(database, args)
        if args.schedule_command == "export":
            return _export(database, args)
        if args.schedule_command == "largest":
            from om_tui.practice.imports.service import largest_mb, set_largest_mb
            from om_tui.practice.people.roles import ADMINISTRATOR

            if args.mb is not None:
                set_largest_mb(database, args.mb, by=ADMINISTRATOR)
            print(f"Files over {largest_mb(database):g} MB are refused before they are read.")
            return 0
        if args.schedule_command == "link":
            from om_tui.practice.clock import SystemClock
            from om_tui.practice.imports.queue import book_linked
            from om_tui.practice.imports.service import link_patient, source_name
            from om_tui.practice.people.roles import ADMINISTRATOR

            source = source_name(args.source)
            print(link_patient(database, source, args.number, args.chart))
            booked = book_linked(
                database, SystemClock(), source, args.number.strip(), by=ADMINISTRATOR
            )
            if booked:
                print(booked)
            return 0
        return _watch(database, args)
    except ImportRefused as refused:
        print(f"om-tui: {refused}", file=sys.stderr)
        for error in refused.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    except (ImportFileError, Refusal) as error:
        print(f"om-tui: {error}", file=sys.stderr)
        return 2


def _day(text: str | None) -> dt.date | None:
    from om_tui.practice import time_words
    from om_tui.practice.imports.records import ImportFileError

    if text is None:
        return None
    return time_words.day(text, dt.date.today(), ImportFileError, asked="Which day?")


def _import(database: Database, args: argparse.Namespace) -> int:
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.imports.service import import_file
    from om_tui.practice.people.roles import ADMINISTRATOR

    report = import_file(
        database,
        SystemClock(),
        args.path,
        by=ADMINISTRATOR,  # the command line is the machine's administrator
        source=args.source,
        dry_run=args.dry_run,
        skip_bad=args.skip_bad,
        first_day=_day(args.first_day),
        last_day=_day(args.last_day),
    )
    print("\n".join(report.lines()))
    return 0


def _export(database: Database, args: argparse.Namespace) -> int:
    import os

    from om_tui.practice import settings
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.imports.export import export_csv, export_ics

    practice = settings.load(database)
    first = _day(args.first_day) or SystemClock().now().astimezone(practice.zone).date()
    last = _day(args.last_day) or first + dt.timedelta(weeks=4)
    if args.format == "ics":
        data = export_ics(first, last, practice.zone, practice.name)
    else:
        data = export_csv(first, last, practice.zone).encode("utf-8")
    if args.out is None:
        sys.stdout.buffer.write(data)
        return 0
    descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    print(f"Wrote {args.out} ({first} to {last}).")
    return 0


def _map(database: Database, args: argparse.Namespace) -> int:
    from om_tui.practice.imports.service import save_mapping, saved_mapping, source_name

    source = source_name(args.source)
    if args.file is None:
        mapping = saved_mapping(database, source)
        if mapping is None:
            print(f"No mapping saved for {source}: its columns are recognised by their names.")
            return 0
    else:
        try:
            text = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            print(f"om-tui: {args.file} cannot be read ({error}).", file=sys.stderr)
            return 2
        mapping = save_mapping(database, source, text)
        print(f"Saved for {source}; its imports now read:")
    print("\n".join(f"  {line}" for line in mapping.lines()))
    return 0


def _watch(database: Database, args: argparse.Namespace) -> int:
    from om_tui.practice.clock import SystemClock
    from om_tui.practice.imports.service import import_file
    from om_tui.practice.imports.watch import Watcher
    from om_tui.practice.people.roles import ADMINISTRATOR

    if not args.folder.is_dir():
        print(f"om-tui: {args.folder} is not a folder.", file=sys.stderr)
        return 2
    clock = SystemClock()
    watcher = Watcher(
        args.folder,
        lambda path: import_file(database, clock, path, by=ADMINISTRATOR, source=args.source),
    )
    print(f"Watching {args.folder} (ctrl+c to stop).", flush=True)
    looks = 0
    try:
        while True:
            for outcome in watcher.look():
                mark = "done" if outcome.done else "FAILED"
                print(f"{mark}: {outcome.said[0]}", flush=True)
            looks += 1
            if args.once and looks >= 2:
                return 0
            time.sleep(WATCH_SECONDS)
    except KeyboardInterrupt:
        return 0
