"""The schedule's import, timed: 10,000 appointments from CSV, .ics and HL7 each.

    .venv/bin/python -m tests.bench.bench_import [--appointments 10000] [--smoke]

For each format: a file of `--appointments` appointments (2,000 patients with their
numbers, 3 providers, 40 weekdays from 1 Dec 2026) is written to a temporary folder and
imported into a fresh practice database, then imported again unchanged. Prints the
seconds of each. Targets (the issue's): an import < 5 s; the unchanged re-import < 2 s.
`--smoke` does it with 60 appointments: a check that it still runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from db import open_database
from db.models import Role, Staff
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.imports.service import import_file
from om_tui.practice.people.roles import ADMINISTRATOR
from tests.bench.timing import record

ZONE = "America/Chicago"
NOW = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)
FIRST_DAY = dt.date(2026, 12, 1)
PROVIDERS = ("Dr. Ana Rivera", "Dr. Sam Patel", "Dr. Lee Okafor")
IMPORT_TARGET_S, AGAIN_TARGET_S = 5.0, 2.0
Slot = tuple[int, dt.datetime, int, int]  # id, start (naive local), patient, provider


def slots(count: int) -> list[Slot]:
    days = [FIRST_DAY + dt.timedelta(days=n) for n in range(60)]
    weekdays = [d for d in days if d.weekday() < 5]
    per_day = -(-count // len(weekdays[:40]))
    made: list[Slot] = []
    for number in range(count):
        day = weekdays[number // per_day]
        minute = (number % per_day) * 3  # 3 providers × 15-minute slots
        start = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=minute // 3 * 5)
        made.append((number + 1, start, number % 2000, number % 3))
    return made


def csv_file(made: list[Slot]) -> str:
    lines = ["Appointment ID,Date,Time,Length,Patient,Birth Date,Chart,Provider,Type"]
    for number, start, patient, provider in made:
        lines.append(
            f"{number},{start:%m/%d/%Y},{start:%I:%M %p},15,Pat{patient} Ient{patient},"
            f"{1950 + patient % 50}-01-{1 + patient % 28:02d},C{patient},"
            f"{PROVIDERS[provider]},Regular"
        )
    return "\r\n".join(lines) + "\r\n"


def ics_file(made: list[Slot]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for number, start, patient, provider in made:
        lines += [
            "BEGIN:VEVENT",
            f"UID:a{number}@bench",
            f"DTSTART:{start:%Y%m%dT%H%M%S}",
            "DURATION:PT15M",
            f"SUMMARY:Pat{patient} Ient{patient} - Regular",
            f"ORGANIZER;CN={PROVIDERS[provider]}:mailto:p{provider}@bench",
            f"DESCRIPTION:Chart: C{patient}",
            "END:VEVENT",
        ]
    return "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"


def hl7_file(made: list[Slot]) -> str:
    messages = []
    for number, start, patient, provider in made:
        family, given = PROVIDERS[provider].split()[::-1][:2]
        messages.append(
            "\r".join(
                (
                    f"MSH|^~\\&|PMS|C|OM|C|20261130||SIU^S12|{number}|P|2.5",
                    f"SCH||A{number}^PMS||||||REG^Regular|15|MIN|^^^{start:%Y%m%d%H%M}",
                    f"PID|1||C{patient}||IENT{patient}^PAT{patient}||"
                    f"{1950 + patient % 50}01{1 + patient % 28:02d}",
                    f"AIP|1||P{provider}^{family}^{given}",
                )
            )
        )
    return "\r".join(messages) + "\r"


def timed(run: Callable[[], object]) -> float:
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


def bench(kind: str, text: str, folder: Path) -> tuple[float, float]:
    database = open_database(folder / f"{kind}.db")
    settings.set_timezone(database, ZONE, by=ADMINISTRATOR)
    with database.atomic():
        for name in PROVIDERS:
            Staff.create(name=name, initials=name[4:6], role=Role.STAFF, provider=True)
    path = folder / f"book.{kind}"
    path.write_text(text, encoding="utf-8", newline="")
    clock = FrozenClock(NOW)
    last = FIRST_DAY + dt.timedelta(days=60)

    def once() -> object:
        return import_file(database, clock, path, first_day=FIRST_DAY, last_day=last)

    first = timed(once)
    again = timed(once)
    database.close()
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=10_000)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    count = 60 if args.smoke else args.appointments
    made = slots(count)
    with tempfile.TemporaryDirectory() as folder:
        print(
            f"{count} appointments; targets: import < {IMPORT_TARGET_S} s, again < "
            f"{AGAIN_TARGET_S} s"
        )
        for kind, text in (
            ("csv", csv_file(made)),
            ("ics", ics_file(made)),
            ("hl7", hl7_file(made)),
        ):
            first, again = bench(kind, text, Path(folder))
            print(f"{kind:4} import {first:6.2f} s   unchanged again {again:6.2f} s")
            smoke = None if args.smoke else True
            record(
                f"{kind} import",
                first,
                first,
                first,
                f"< {IMPORT_TARGET_S:g} s",
                smoke and first < IMPORT_TARGET_S,
                unit="s",
            )
            record(
                f"{kind} again",
                again,
                again,
                again,
                f"< {AGAIN_TARGET_S:g} s",
                smoke and again < AGAIN_TARGET_S,
                unit="s",
            )


if __name__ == "__main__":
    main()
