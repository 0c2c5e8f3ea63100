"""A large practice for the benchmarks: ten years of history and a live day.

100,000 patients, 3 providers, 4 rooms, ten years of weekday visits (about 80 a
day, about 1,000,000 VisitEvent rows), and today's board with 60 rows in a mix
of stages, laid around a "now" that is kept in the file (setting `bench.now`).

The file is built through `db.open_database` (so the schema is the migrations'
own), filled with `executemany` on the raw sqlite3 connection in big
transactions (tests/bench/rows.py: the columns the generator writes, the rest
of each model's columns from their defaults), and cached at
/tmp/om-tui-bench/large.db. Later runs reuse it, unless the generator or the
schema (the newest migration) changed since; when the practice's local day has
changed, only the live day is laid again (a second or so). Everything is drawn
from a seeded random.Random, so the same day gives the same practice.

`SMOKE` is the same practice made small (2,000 patients, 60 days of history),
built afresh in a temporary folder by each benchmark's `--smoke` run: a schema
change that breaks the generator fails there, in seconds.

    .venv/bin/python -m tests.bench.large_practice            # build if absent
    .venv/bin/python -m tests.bench.large_practice --rebuild  # build afresh
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from peewee import Database

from db import audit, open_database
from db.models import (
    Appointment,
    BaseModel,
    Patient,
    Room,
    Staff,
    Stage,
    Visit,
    VisitEvent,
)
from om_tui.demo.office import (  # the demo's own staff and rooms
    FIRST_NAMES,
    LAST_NAMES,
    ROOMS,
    STAFF,
)
from om_tui.practice import settings as practice_settings
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.settings import PracticeSettings
from tests.bench.rows import Row, check_models, insert_rows, schema_version

DEFAULT_PATH = Path("/tmp/om-tui-bench/large.db")
# Bump when the generator changes, so that a cached file is rebuilt (as it is when a
# migration is added).
GENERATOR_VERSION = f"2/{schema_version()}"
SEED = 20261127
TIMEZONE = "America/Chicago"
PRACTICE_NAME = "Large Practice (benchmark)"


@dataclass(frozen=True)
class Size:
    patients: int
    history_days: int


FULL = Size(patients=100_000, history_days=round(10 * 365.25))  # ten years
SMOKE = Size(patients=2_000, history_days=60)
HISTORY_YEARS = 10
VISITS_PER_DAY = (74, 90)  # drawn per weekday; about 82 on average
LIVE_APPOINTMENTS = 57  # plus 3 walk-ins: 60 rows on today's board
DAY_OPENS = dt.time(8, 0)

VERSION_KEY = "bench.version"
NOW_KEY = "bench.now"  # the instant today's board was laid around (UTC, ISO)

PROVIDER_IDS = (1, 2, 3)  # staff ids, in STAFF order
DESK_ID = 5
ROOM_IDS = (1, 2, 3, 4)

# The columns the generator writes, in its rows' order; a model's other columns take
# their defaults (tests/bench/rows.py), so a column added later needs nothing here.
COLUMNS: dict[type[BaseModel], tuple[str, ...]] = {
    Patient: ("id", "first_name", "last_name", "dob", "phone", "chart_number", "created"),
    Staff: ("id", "name", "initials", "role", "provider", "active"),
    Room: ("id", "name", "position"),
    Appointment: ("id", "patient_id", "provider_id", "start", "length_minutes", "type_id"),
    Visit: ("id", "patient_id", "appointment_id", "date", "stage", "room_id", "provider_id"),
    VisitEvent: ("id", "visit_id", "stage", "at", "by_id", "undone_at"),
}

Steps = list[tuple[Stage, dt.datetime]]


@dataclass(frozen=True)
class LargePractice:
    """The opened benchmark practice."""

    path: Path
    database: Database
    settings: PracticeSettings
    now: dt.datetime  # aware UTC: the moment today's board was laid around

    @property
    def today(self) -> dt.date:
        return self.settings.today(self.now)


def open_large_practice(
    path: Path = DEFAULT_PATH, *, rebuild: bool = False, smoke: bool = False
) -> LargePractice:
    """The cached large practice, built first if absent, stale or asked for; or with
    `smoke`, the small one, built afresh in a temporary folder (removed at exit)."""
    if smoke:
        path = smoke_folder() / "smoke-large.db"
        build(path, size=SMOKE)
    path = Path(path)
    if rebuild or not path.exists() or _stored(path, VERSION_KEY) != GENERATOR_VERSION:
        build(path)
    database = open_database(path)
    live_now = _live_now(dt.datetime.now(dt.UTC))
    stored_now = dt.datetime.fromisoformat(practice_settings.get(database, NOW_KEY) or "")
    loaded = practice_settings.load(database)
    if loaded.today(stored_now) != loaded.today(live_now):
        started = time.perf_counter()
        _roll_live_day(database, loaded, stored_now, live_now)
        print(f"laid today's board again in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        stored_now = live_now
    return LargePractice(path, database, practice_settings.load(database), stored_now)


_smoke_folders: list[Path] = []


def smoke_folder() -> Path:
    """A private temporary folder for this process's smoke practices, removed at exit."""
    if not _smoke_folders:
        made = Path(tempfile.mkdtemp(prefix="om-tui-bench-smoke-"))
        atexit.register(shutil.rmtree, made, ignore_errors=True)
        _smoke_folders.append(made)
    return _smoke_folders[0]


def _stored(path: Path, key: str) -> str | None:
    """A setting read without opening (and so without migrating) the file."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            row = connection.execute('SELECT "value" FROM "setting" WHERE "key" = ?', (key,))
            found = row.fetchone()
    except sqlite3.Error:
        return None
    return None if found is None else str(found[0])


# -- building ------------------------------------------------------------------


def build(
    path: Path = DEFAULT_PATH, now: dt.datetime | None = None, size: Size = FULL
) -> dict[str, int]:
    """Build the practice into a new file at `path` (replacing any); returns row counts."""
    check_models(list(COLUMNS.items()))
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    building = path.with_name(f"{path.name}.building-{os.getpid()}")
    for leftover in _with_sidecars(building):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    database = open_database(building)
    # A new file nobody else has: no audit triggers while it is filled (each costs even when
    # suspended); built again, and noted in the trail, once it is full.
    audit.drop_capture(database)
    practice_settings.put(database, practice_settings.NAME, PRACTICE_NAME)
    practice_settings.set_timezone(database, TIMEZONE, by=ADMINISTRATOR)
    loaded = practice_settings.load(database)
    live_now = _live_now(now or dt.datetime.now(dt.UTC))
    today = loaded.today(live_now)
    rng = random.Random(SEED)
    connection = database.connection()
    # One writer, a file nobody else has yet: durability is not needed while building.
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -262144")
    ids = _Ids()
    with database.atomic():
        _insert(database, Staff, _staff_rows())
        _insert(database, Room, [(i + 1, name, i) for i, name in enumerate(ROOMS)])
        _insert(database, Patient, _patient_rows(rng, live_now, size.patients))
    first = today - dt.timedelta(days=size.history_days)
    days = list(_weekdays(first, today))
    for start in range(0, len(days), 250):  # about a year of history a transaction
        appointments: list[Row] = []
        visits: list[Row] = []
        events: list[Row] = []
        for day in days[start : start + 250]:
            _history_day(rng, loaded, day, ids, size.patients, appointments, visits, events)
        with database.atomic():
            _insert(database, Appointment, appointments)
            _insert(database, Visit, visits)
            _insert(database, VisitEvent, events)
    with database.atomic():
        _live_day(database, loaded, live_now, ids)
        practice_settings.put(database, VERSION_KEY, GENERATOR_VERSION)
    connection.execute("PRAGMA synchronous = FULL")
    counts = {
        model.__name__: int(
            database.execute_sql(f'SELECT COUNT(*) FROM "{_table(model)}"').fetchone()[0]
        )
        for model in COLUMNS
    }
    audit.install(database)
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    for old in _with_sidecars(path)[1:]:
        old.unlink(missing_ok=True)
    os.replace(building, path)
    for sidecar in _with_sidecars(building)[1:]:
        sidecar.unlink(missing_ok=True)
    elapsed = time.perf_counter() - started
    print(
        f"built {path} in {elapsed:.1f} s: "
        + ", ".join(f"{count:,} {name}" for name, count in counts.items()),
        file=sys.stderr,
    )
    return counts


def _with_sidecars(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _table(model: type[BaseModel]) -> str:
    return str(model._meta.table_name)


def _insert(database: Database, model: type[BaseModel], written: Sequence[Row]) -> None:
    insert_rows(database, model, COLUMNS[model], written)


class _Ids:
    """The next id of each table: the file is new, so ids are ours to give."""

    def __init__(self, appointment: int = 1, visit: int = 1, event: int = 1) -> None:
        self.appointment = appointment
        self.visit = visit
        self.event = event


def _staff_rows() -> list[Row]:
    return [
        (i + 1, name, initials, str(role), int(provider), 1)
        for i, (name, initials, role, provider) in enumerate(STAFF)
    ]


def _patient_rows(rng: random.Random, now: dt.datetime, patients: int) -> list[Row]:
    rows: list[Row] = []
    first_names, last_names = FIRST_NAMES, LAST_NAMES
    oldest_birth = dt.date(1935, 1, 1).toordinal()
    newest_created = now.replace(tzinfo=None, microsecond=0)
    for number in range(1, patients + 1):
        dob: str | None = dt.date.fromordinal(oldest_birth + rng.randrange(85 * 365)).isoformat()
        phone = f"555-{rng.randrange(200, 1000)}-{rng.randrange(10000):04d}"
        if rng.random() < 0.02:  # a few came in before anyone asked
            dob, phone = None, ""
        created = newest_created - dt.timedelta(seconds=rng.randrange(HISTORY_YEARS * 365 * 86400))
        rows.append(
            (
                number,
                rng.choice(first_names),
                rng.choice(last_names),
                dob,
                phone,
                str(100000 + number),
                _stamp(created),
            )
        )
    return rows


def _weekdays(first: dt.date, until: dt.date) -> Iterator[dt.date]:
    day = first
    while day < until:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def _stamp(moment: dt.datetime) -> str:
    """As peewee stores a naive UTC DateTimeField in SQLite (whole seconds here)."""
    return moment.isoformat(" ", "seconds")


def _opens(settings: PracticeSettings, day: dt.date) -> dt.datetime:
    """The practice's opening time on `day`, as naive UTC."""
    local = dt.datetime.combine(day, DAY_OPENS, tzinfo=settings.zone)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


_KINDS = (1, 2, 3)  # the ids migration 0013 gives New patient, Regular, Re-exam
_MAIN = (Stage.ARRIVED, Stage.ROOMED, Stage.WITH_PROVIDER, Stage.CHECKOUT, Stage.DONE)


def _kind(rng: random.Random) -> int:
    draw = rng.random()
    return _KINDS[0] if draw < 1 / 15 else _KINDS[2] if draw < 3 / 15 else _KINDS[1]


def _full_visit(rng: random.Random, start: dt.datetime) -> Steps:
    """Arrived → … → Done, starting a little before or after `start`."""
    at = start + dt.timedelta(seconds=rng.randrange(-600, 360))
    steps: Steps = [(Stage.ARRIVED, at)]
    for stage, low, high in (
        (Stage.ROOMED, 120, 1080),
        (Stage.WITH_PROVIDER, 60, 600),
        (Stage.CHECKOUT, 480, 1800),
        (Stage.DONE, 120, 480),
    ):
        at += dt.timedelta(seconds=rng.randrange(low, high))
        steps.append((stage, at))
    return steps


def _history_day(
    rng: random.Random,
    settings: PracticeSettings,
    day: dt.date,
    ids: _Ids,
    patients: int,
    appointments: list[Row],
    visits: list[Row],
    events: list[Row],
) -> None:
    """A finished day: about 80 visits, most done, some no-shows, cancellations, walk-ins."""
    opens = _opens(settings, day)
    date = day.isoformat()
    count = rng.randint(*VISITS_PER_DAY)
    for slot in range(count):
        start = opens + dt.timedelta(minutes=(slot * 600 // count) // 5 * 5)
        provider = PROVIDER_IDS[slot % len(PROVIDER_IDS)]
        patient = rng.randrange(1, patients + 1)
        outcome = rng.random()
        appointment: int | None = None
        if outcome >= 0.05:  # 5 % walk-ins, the rest booked
            appointment = ids.appointment
            ids.appointment += 1
            appointments.append((appointment, patient, provider, _stamp(start), 30, _kind(rng)))
        room: int | None = None
        undone: tuple[Stage, dt.datetime] | None = None
        steps: Steps
        if outcome < 0.05 or outcome >= 0.13:
            steps = _full_visit(rng, start)
            room = ROOM_IDS[rng.randrange(len(ROOM_IDS))]
            if rng.random() < 0.02:  # a key pressed once too often, then stepped back
                undone = (Stage.CHECKOUT, steps[2][1] + dt.timedelta(seconds=20))
        elif outcome < 0.09:
            steps = [(Stage.NO_SHOW, start + dt.timedelta(minutes=15))]
        elif outcome < 0.12:
            steps = [(Stage.CANCELLED, start - dt.timedelta(hours=3))]
        else:
            arrived = start + dt.timedelta(seconds=rng.randrange(-600, 360))
            steps = [
                (Stage.ARRIVED, arrived),
                (Stage.LEFT, arrived + dt.timedelta(seconds=rng.randrange(1200, 3600))),
            ]
        visit = ids.visit
        ids.visit += 1
        visits.append((visit, patient, appointment, date, str(steps[-1][0]), room, provider))
        for stage, at in steps:
            by = provider if stage == Stage.WITH_PROVIDER else DESK_ID
            events.append((ids.event, visit, str(stage), _stamp(at), by, None))
            ids.event += 1
        if undone is not None:
            stage, at = undone
            gone = _stamp(at + dt.timedelta(seconds=15))
            events.append((ids.event, visit, str(stage), _stamp(at), DESK_ID, gone))
            ids.event += 1


# -- the live day ----------------------------------------------------------------


def _live_now(real_now: dt.datetime) -> dt.datetime:
    """Now, moved into the practice's working hours (11:30-16:30 local) of today."""
    zone = practice_settings.zone_named(TIMEZONE)
    local = real_now.astimezone(zone)
    earliest = local.replace(hour=11, minute=30, second=0, microsecond=0)
    latest = local.replace(hour=16, minute=30, second=0, microsecond=0)
    return min(max(local, earliest), latest).astimezone(dt.UTC).replace(microsecond=0)


# (stage reached, minutes in it) for the most recent appointments: every kind of moment.
_LIVE_SCRIPT: tuple[tuple[Stage, float], ...] = (
    (Stage.ARRIVED, 2.5),
    (Stage.ARRIVED, 12.3),  # warning
    (Stage.WITH_PROVIDER, 8.7),
    (Stage.ARRIVED, 23.5),  # alert
    (Stage.WITH_PROVIDER, 16.1),
    (Stage.CHECKOUT, 3.4),
    (Stage.ROOMED, 11.8),  # warning
    (Stage.CHECKOUT, 1.2),
    (Stage.WITH_PROVIDER, 47.0),  # alert
    (Stage.CHECKOUT, 7.0),  # warning
)


def _live_day(database: Database, settings: PracticeSettings, now: dt.datetime, ids: _Ids) -> None:
    """Today's board around `now`: 57 appointments and 3 walk-ins, in every stage."""
    today = settings.today(now)
    rng = random.Random(SEED + today.toordinal())
    opens = _opens(settings, today)
    naive_now = now.astimezone(dt.UTC).replace(tzinfo=None)
    count = int(database.execute_sql('SELECT MAX("id") FROM "patient"').fetchone()[0])
    patients = rng.sample(range(1, count + 1), LIVE_APPOINTMENTS + 3)
    booked: list[tuple[int, int, int, dt.datetime]] = []  # id, patient, provider, start
    appointments: list[Row] = []
    for slot in range(LIVE_APPOINTMENTS):
        start = opens + dt.timedelta(minutes=10 * slot)
        provider = PROVIDER_IDS[slot % len(PROVIDER_IDS)]
        booked.append((ids.appointment, patients[slot], provider, start))
        appointments.append(
            (ids.appointment, patients[slot], provider, _stamp(start), 30, _kind(rng))
        )
        ids.appointment += 1
    visits: list[Row] = []
    events: list[Row] = []

    def add(
        appointment: int | None, patient: int, provider: int, steps: Steps, room: int | None
    ) -> None:
        visit = ids.visit
        ids.visit += 1
        stage = str(steps[-1][0])
        visits.append((visit, patient, appointment, today.isoformat(), stage, room, provider))
        for step, at in steps:
            by = provider if step == Stage.WITH_PROVIDER else DESK_ID
            events.append((ids.event, visit, str(step), _stamp(at), by, None))
            ids.event += 1

    started = sorted(
        (b for b in booked if b[3] <= naive_now + dt.timedelta(minutes=5)),
        key=lambda b: b[3],
        reverse=True,
    )
    script = list(_LIVE_SCRIPT)
    rooms = list(ROOM_IDS)
    late_marked = False
    for position, (appointment, patient, provider, start) in enumerate(started):
        if script:
            stage, minutes = script.pop(0)
            steps = _steps_back_from(rng, stage, naive_now - dt.timedelta(minutes=minutes))
            room = rooms.pop(0) if stage in (Stage.ROOMED, Stage.WITH_PROVIDER) else None
            add(appointment, patient, provider, steps, room)
        elif not late_marked:
            late_marked = True  # still expected, and late
        elif position % 7 == 0:
            add(
                appointment,
                patient,
                provider,
                [(Stage.NO_SHOW, start + dt.timedelta(minutes=15))],
                None,
            )
        elif position % 11 == 0:
            add(
                appointment,
                patient,
                provider,
                [(Stage.CANCELLED, start - dt.timedelta(hours=2))],
                None,
            )
        elif position % 13 == 0:
            arrived = start - dt.timedelta(minutes=4)
            steps = [(Stage.ARRIVED, arrived), (Stage.LEFT, arrived + dt.timedelta(minutes=35))]
            add(appointment, patient, provider, steps, None)
        else:
            add(appointment, patient, provider, _full_visit(rng, start), ROOM_IDS[position % 4])
    walk_ins = patients[LIVE_APPOINTMENTS:]
    add(
        None,
        walk_ins[0],
        PROVIDER_IDS[0],
        [(Stage.ARRIVED, naive_now - dt.timedelta(minutes=6, seconds=20))],
        None,
    )
    done_start = naive_now - dt.timedelta(hours=3)
    add(None, walk_ins[1], PROVIDER_IDS[1], _full_visit(rng, done_start), ROOM_IDS[1])
    left_at = naive_now - dt.timedelta(hours=1)
    add(
        None,
        walk_ins[2],
        PROVIDER_IDS[2],
        [(Stage.ARRIVED, left_at - dt.timedelta(minutes=41)), (Stage.LEFT, left_at)],
        None,
    )
    _insert(database, Appointment, appointments)
    _insert(database, Visit, visits)
    _insert(database, VisitEvent, events)
    practice_settings.put(database, NOW_KEY, now.astimezone(dt.UTC).isoformat())


def _steps_back_from(rng: random.Random, stage: Stage, entered: dt.datetime) -> Steps:
    """The main-line stages up to `stage`, entered at `entered`, laid back in time."""
    reached = _MAIN[: _MAIN.index(stage) + 1]
    steps: Steps = [(stage, entered)]
    at = entered
    for earlier in reversed(reached[:-1]):
        at -= dt.timedelta(seconds=rng.randrange(180, 900))
        steps.insert(0, (earlier, at))
    return steps


def _roll_live_day(
    database: Database, settings: PracticeSettings, old_now: dt.datetime, now: dt.datetime
) -> None:
    """Remove the old live day and lay today's board (history keeps a gap; no matter)."""
    old_day = settings.today(old_now)
    start, end = settings.day_bounds(old_day)
    with database.atomic(), audit.suspended(database):
        old_visits = 'SELECT "id" FROM "visit" WHERE "date" = ?'
        database.execute_sql(
            f'DELETE FROM "visit_event" WHERE "visit_id" IN ({old_visits})', (old_day.isoformat(),)
        )
        database.execute_sql('DELETE FROM "visit" WHERE "date" = ?', (old_day.isoformat(),))
        database.execute_sql(
            'DELETE FROM "appointment" WHERE "start" >= ? AND "start" < ?',
            (_stamp(start.replace(tzinfo=None)), _stamp(end.replace(tzinfo=None))),
        )
        highest = [
            int(database.execute_sql(f'SELECT COALESCE(MAX("id"), 0) FROM "{t}"').fetchone()[0])
            for t in ("appointment", "visit", "visit_event")
        ]
        _live_day(database, settings, now, _Ids(*(h + 1 for h in highest)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="the cached file")
    parser.add_argument("--rebuild", action="store_true", help="build afresh even if cached")
    parser.add_argument("--smoke", action="store_true", help="the small practice, afresh")
    args = parser.parse_args(argv)
    practice = open_large_practice(args.path, rebuild=args.rebuild, smoke=args.smoke)
    database = practice.database
    for model in COLUMNS:
        count = database.execute_sql(f'SELECT COUNT(*) FROM "{_table(model)}"').fetchone()[0]
        print(f"{model.__name__:>12}: {count:>9,}")
    print(f"{'today':>12}: {practice.today} ({practice.settings.timezone}), now {practice.now}")
    size = practice.path.stat().st_size
    print(f"{'file':>12}: {practice.path} ({size / 2**20:.0f} MiB)")
    database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
