"""Hats on a big practice: My hat, the compliance matrix and their screens, timed.

    .venv/bin/python -m tests.bench.bench_hats [--runs 10] [--app-runs 8] [--check]

Builds (once, cached at /tmp/om-tui-bench/hats.db) a practice with 20 staff, 30 hats
and 400 checklist items — mostly daily, some weekly and monthly, some with a due time,
some shared, a few changed (a second version) or taken off mid-history — each person
holding 1 to 3 hats (a few hats changed hands), leave, training checksheets, policies
with versions and attestations, and three years of ticks: about 85 % on time, some
late, the rest never ticked. Then prints median / p95 / max of:

  (1) Hats.my_hat(person) for each of the 20 people, --runs times each;
  (2) Hats.compliance(first, last) for the quarter (13 stats weeks) by week and by day,
      and for the screen's 14 days; what the compliance screen reads besides
      (outstanding_attestations, checksheets_in_progress) and its drill-down (one
      person's quarter, Hats.occurrences);
  (3) in a headless app (140x40, a new app each run): key "5" to the compliance matrix
      drawn, and key "3" to My hat drawn, in phases (the moments inside the app are
      taken by wrapping Hats.compliance, Hats.my_hat and ComplianceScreen._fill in this
      process only; "drawn" is the app handing the screen's update to its driver);

then a profile of the slowest practice call, and the query plans of the SQL the
practice calls ran. Everything runs with a FrozenClock at the "now" stored in the file
(the build's own, inside working hours), so the figures do not depend on the day.

Targets (issue Hats): my_hat p95 < 150 ms; compliance for a quarter p95 < 300 ms.
With --check the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import random
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee
from peewee import Database

from db import audit, open_database
from db.models import (
    Attestation,
    ChecklistItem,
    ChecksheetStep,
    Frequency,
    HatHolder,
    Leave,
    Policy,
    PolicyPost,
    PolicyVersion,
    Post,
    Role,
    Staff,
    StepSignoff,
    Tick,
)
from om_tui.app import make_app
from om_tui.demo.office import FIRST_NAMES, LAST_NAMES
from om_tui.practice import settings as practice_settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import SHARED
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.settings import PracticeSettings
from om_tui.screens.hats.compliance import ComplianceScreen
from tests.bench.bench_practice import calibration, captured_sql, explain
from tests.bench.bench_stats import (
    Marks,
    Phases,
    Report,
    _collections_line,
    _first,
    _full_collections,
    _line,
    _mark_displays,
    _marking,
    _settled,
    _until,
)
from tests.bench.large_practice import smoke_folder
from tests.bench.rows import schema_version
from tests.bench.timing import Figures, add_smoke_option, measure, ms, print_findings, smoke

DEFAULT_PATH = Path("/tmp/om-tui-bench/hats.db")
# Bump when the generator changes, so that a cached file is rebuilt (as it is when a
# migration is added).
GENERATOR_VERSION = f"1/{schema_version()}"
VERSION_KEY = "bench.hats_version"
NOW_KEY = "bench.now"
SEED = 20261118
TIMEZONE = "America/Chicago"

STAFF_COUNT = 20
ITEM_COUNT = 400
HISTORY_YEARS = 3
SMOKE_HISTORY_DAYS = 150  # --smoke: five months of ticks (a hat changes hands mid-way)
ON_TIME, LATE = 0.85, 0.07  # the rest of the occurrences are never ticked
BATCH = 4000  # rows per insert_many (6 columns: under SQLite's 32,766 variables)

MY_HAT_TARGET_MS = 150.0
COMPLIANCE_TARGET_MS = 300.0
SIZE = (140, 40)
MATRIX_DRAWN = 'key "5" to the compliance matrix drawn'
MY_HAT_DRAWN = 'key "3" to My hat drawn'

POSTS = (
    "Owner",
    "Doctor",
    "Associate Doctor",
    "Office Manager",
    "Receptionist",
    "Scheduling",
    "New Patient Intake",
    "Chiropractic Assistant",
    "Therapy Assistant",
    "X-Ray Technician",
    "Massage Therapist",
    "Insurance & Billing",
    "Collections",
    "Accounts Payable",
    "Payroll",
    "Marketing",
    "Community Events",
    "Social Media",
    "Recall",
    "Reactivation",
    "Patient Education",
    "Supplies",
    "Facilities",
    "IT & Records",
    "Compliance Officer",
    "Quality Control",
    "Hiring",
    "Training",
    "Public Relations",
    "Referral Program",
)
VERBS = (
    "Check",
    "Call",
    "Review",
    "Update",
    "Send",
    "File",
    "Confirm",
    "Restock",
    "Clean",
    "Post",
    "Reconcile",
    "Log",
)
THINGS = (
    "the schedule",
    "yesterday's no-shows",
    "insurance verifications",
    "the cash drawer",
    "the supply list",
    "patient recalls",
    "the communication line",
    "the day's claims",
    "the therapy rooms",
    "the front desk",
    "the stat graphs",
    "the referral letters",
    "the waiting room",
    "the x-ray log",
    "the deposit slip",
)


@dataclass
class HatsPractice:
    path: Path
    database: Database
    settings: PracticeSettings
    now: dt.datetime


def open_hats_practice(
    path: Path = DEFAULT_PATH, *, rebuild: bool = False, smoke: bool = False
) -> HatsPractice:
    """The cached hats practice, built first if absent, stale or asked for; or with
    `smoke`, a small one (five months of ticks) built afresh in a temporary folder."""
    if smoke:
        path = smoke_folder() / "smoke-hats.db"
        build(path, history_days=SMOKE_HISTORY_DAYS)
    elif rebuild or not path.exists() or _stored(path, VERSION_KEY) != GENERATOR_VERSION:
        build(path)
    database = open_database(path)
    now = dt.datetime.fromisoformat(practice_settings.get(database, NOW_KEY) or "")
    return HatsPractice(path, database, practice_settings.load(database), now)


def _stored(path: Path, key: str) -> str | None:
    """A setting read without opening (and so without migrating) the file."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            found = connection.execute('SELECT "value" FROM "setting" WHERE "key" = ?', (key,))
            row = found.fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


# -- building ----------------------------------------------------------------------------


def _working_now(real_now: dt.datetime) -> dt.datetime:
    """Now, moved into the working hours (11:30-16:30 local) of today."""
    zone = practice_settings.zone_named(TIMEZONE)
    local = real_now.astimezone(zone)
    earliest = local.replace(hour=11, minute=30, second=0, microsecond=0)
    latest = local.replace(hour=16, minute=30, second=0, microsecond=0)
    return min(max(local, earliest), latest).astimezone(dt.UTC)


def _insert(model: type[peewee.Model], rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        model.insert_many(rows[start : start + BATCH]).execute()


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class _Holding:
    post: int
    staff: int
    since: dt.date
    until: dt.date | None


@dataclass(frozen=True)
class _Item:
    id: int
    key: int
    post: int
    frequency: str
    due_time: str | None
    shared: bool
    start: dt.date
    end: dt.date | None


def build(
    path: Path = DEFAULT_PATH,
    now: dt.datetime | None = None,
    history_days: int = round(HISTORY_YEARS * 365.25),
) -> dict[str, int]:
    """Build the practice into a new file at `path` (replacing any); returns row counts."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    building = path.with_name(f"{path.name}.building-{os.getpid()}")
    for leftover in _with_sidecars(building):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    database = open_database(building)
    # A new file nobody else has: no audit triggers while it is filled (each costs even when
    # suspended); built again, and noted in the trail, once it is full.
    audit.drop_capture(database)
    practice_settings.put(database, practice_settings.NAME, "Hats Practice (benchmark)")
    practice_settings.set_timezone(database, TIMEZONE, by=ADMINISTRATOR)
    settings = practice_settings.load(database)
    now = _working_now(now or dt.datetime.now(dt.UTC))
    clock = FrozenClock(now)
    hats = Hats(database, clock, settings, ADMINISTRATOR)
    today = hats.today()
    history = today - dt.timedelta(days=history_days)
    rng = random.Random(SEED)
    connection = database.connection()
    connection.execute("PRAGMA synchronous = OFF")  # a file nobody else has yet
    with database.atomic():
        people = _staff(rng)
        posts = _posts()
        holdings = _holdings(rng, people, posts, history, today)
        items = _items(rng, posts, holdings, history, today, now)
        leave = _leave(rng, people, history, today)
        _training(rng, posts, holdings, people, now)
        _policies(rng, posts, holdings, people, now)
    ticks = _ticks(rng, hats, items, holdings, leave, history, now)
    for start in range(0, len(ticks), 100_000):
        with database.atomic():
            _insert(Tick, ticks[start : start + 100_000])
    with database.atomic():
        practice_settings.put(database, NOW_KEY, now.isoformat())
        practice_settings.put(database, VERSION_KEY, GENERATOR_VERSION)
    connection.execute("PRAGMA synchronous = FULL")
    database.execute_sql("ANALYZE")  # as a long-lived practice file would have
    counts = {
        model.__name__: model.select().count()
        for model in (Staff, Post, HatHolder, ChecklistItem, Tick, Leave, Attestation)
    }
    audit.install(database)
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    for old in _with_sidecars(path)[1:]:
        old.unlink(missing_ok=True)
    os.replace(building, path)
    for sidecar in _with_sidecars(building)[1:]:
        sidecar.unlink(missing_ok=True)
    print(
        f"built {path} in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{count:,} {name}" for name, count in counts.items()),
        file=sys.stderr,
    )
    return counts


def _with_sidecars(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _staff(rng: random.Random) -> list[int]:
    names: list[str] = []
    while len(names) < STAFF_COUNT:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in names:
            names.append(name)
    roles = [Role.OWNER, Role.OFFICE_MANAGER, Role.FRONT_DESK, Role.FRONT_DESK, Role.FRONT_DESK]
    roles += [Role.STAFF] * (STAFF_COUNT - len(roles))
    rows = [
        {
            "id": n,
            "name": name,
            "initials": "".join(part[0] for part in name.split()),
            "role": str(role),
            "provider": n <= 3,
        }
        for n, (name, role) in enumerate(zip(names, roles, strict=True), start=1)
    ]
    _insert(Staff, rows)
    return [row["id"] for row in rows]


def _posts() -> list[int]:
    rows = [{"id": n, "title": title, "position": n} for n, title in enumerate(POSTS, start=1)]
    _insert(Post, rows)
    return [row["id"] for row in rows]


def _holdings(
    rng: random.Random, people: list[int], posts: list[int], history: dt.date, today: dt.date
) -> list[_Holding]:
    """Each person holds 1-3 hats now, every hat has a holder; a few changed hands."""
    held: dict[int, set[int]] = {person: set() for person in people}
    order = posts[:]
    rng.shuffle(order)
    for n, post in enumerate(order):  # every hat: one holder at least
        held[people[n % len(people)]].add(post)
    for person in people:  # and some a second or third holder
        wanted = rng.choice((1, 2, 2, 3, 3))
        while len(held[person]) < wanted:
            held[person].add(rng.choice(posts))
    holdings = [
        _Holding(post, person, history, None) for person in people for post in sorted(held[person])
    ]
    for number in range(4):  # a hat taken over mid-history from someone else
        holding = holdings[number * 7]
        handover = history + dt.timedelta(days=rng.randrange(60, (today - history).days - 60))
        before = rng.choice([p for p in people if p != holding.staff])
        holdings[number * 7] = _Holding(holding.post, holding.staff, handover, None)
        holdings.append(_Holding(holding.post, before, history, handover))
    _insert(
        HatHolder,
        [{"post": h.post, "staff": h.staff, "since": h.since, "until": h.until} for h in holdings],
    )
    return holdings


def _items(
    rng: random.Random,
    posts: list[int],
    holdings: list[_Holding],
    history: dt.date,
    today: dt.date,
    now: dt.datetime,
) -> list[_Item]:
    """400 item versions' worth of checklists, a few changed or taken off."""
    holders = defaultdict(set)
    for holding in holdings:
        holders[holding.post].add(holding.staff)
    span = (today - history).days
    items: list[_Item] = []
    texts: dict[int, str] = {}
    positions: dict[int, int] = defaultdict(int)
    while len(items) < ITEM_COUNT:
        post = rng.choice(posts)
        number = len(items) + 1
        roll = rng.random()
        frequency = (
            Frequency.DAILY
            if roll < 0.8
            else Frequency.WEEKLY
            if roll < 0.93
            else Frequency.MONTHLY
        )
        due_time = None
        if frequency == Frequency.DAILY and rng.random() < 0.6:
            minutes = 7 * 60 + 30 + 15 * rng.randrange(41)  # 07:30 to 17:30
            due_time = f"{minutes // 60:02d}:{minutes % 60:02d}"
        shared = len(holders[post]) > 1 and rng.random() < 0.25
        start = history if rng.random() < 0.85 else history + dt.timedelta(days=rng.randrange(span))
        end = None
        if rng.random() < 0.05:  # taken off the hat
            end = start + dt.timedelta(days=rng.randrange(1, max(2, (today - start).days)))
        positions[post] += 1
        texts[number] = f"{rng.choice(VERBS)} {rng.choice(THINGS)} ({number})"
        items.append(_Item(number, number, post, frequency, due_time, shared, start, end))
        if end is None and len(items) < ITEM_COUNT and rng.random() < 0.05:  # a new version
            change = start + dt.timedelta(days=rng.randrange(1, max(2, (today - start).days)))
            items[-1] = _Item(number, number, post, frequency, due_time, shared, start, change)
            newer = len(items) + 1
            texts[newer] = texts[number] + ", and note it"
            items.append(_Item(newer, number, post, frequency, due_time, shared, change, None))
    created = _naive(now)
    _insert(
        ChecklistItem,
        [
            {
                "id": i.id,
                "key": i.key,
                "post": i.post,
                "text": texts[i.id],
                "frequency": str(i.frequency),
                "due_time": i.due_time,
                "shared": i.shared,
                "position": i.key,
                "start": i.start,
                "end": i.end,
                "created": created,
            }
            for i in items
        ],
    )
    return items


def _leave(
    rng: random.Random, people: list[int], history: dt.date, today: dt.date
) -> set[tuple[int, dt.date]]:
    """Two spells of leave a year each (3 to 10 days), and who was away which day."""
    rows, away = [], set()
    for person in people:
        for _ in range(2 * HISTORY_YEARS):
            start = history + dt.timedelta(days=rng.randrange((today - history).days))
            end = start + dt.timedelta(days=rng.randrange(2, 10))
            rows.append({"staff": person, "start": start, "end": end, "note": "Holiday"})
            for n in range((end - start).days + 1):
                away.add((person, start + dt.timedelta(days=n)))
    _insert(Leave, rows)
    return away


def _training(
    rng: random.Random,
    posts: list[int],
    holdings: list[_Holding],
    people: list[int],
    now: dt.datetime,
) -> None:
    """3-6 checksheet steps a hat; every holder through them but a few in training."""
    steps: dict[int, list[int]] = {}
    rows = []
    for post in posts:
        steps[post] = []
        for position in range(1, rng.randint(3, 6) + 1):
            step = len(rows) + 1
            rows.append(
                {"id": step, "post": post, "text": f"Step {position}", "position": position}
            )
            steps[post].append(step)
    _insert(ChecksheetStep, rows)
    trainees = set(rng.sample(people, 5))
    signed = []
    for holding in holdings:
        if holding.until is not None:
            continue
        for n, step in enumerate(steps[holding.post]):
            if holding.staff in trainees and n >= len(steps[holding.post]) // 2:
                continue
            signer = people[1] if holding.staff != people[1] else people[0]
            signed.append(
                {"step": step, "staff": holding.staff, "signed_by": signer, "at": _naive(now)}
            )
    StepSignoff.insert_many(signed).on_conflict_ignore().execute()


def _policies(
    rng: random.Random,
    posts: list[int],
    holdings: list[_Holding],
    people: list[int],
    now: dt.datetime,
) -> None:
    """12 policies on 1-5 hats each (two on every hat), 1-3 versions, most attested."""
    stamp = _naive(now)
    links, versions, attestations = [], [], []
    for number in range(1, 13):
        Policy.insert(id=number, title=f"Policy {number}", created=stamp).execute()
        chosen = posts if number <= 2 else rng.sample(posts, rng.randint(1, 5))
        links += [{"policy": number, "post": post} for post in chosen]
        for version in range(1, rng.randint(1, 3) + 1):
            versions.append(
                {
                    "id": len(versions) + 1,
                    "policy": number,
                    "number": version,
                    "body": f"# Policy {number}\n\nVersion {version}.",
                    "by": people[1],
                    "at": stamp,
                }
            )
    _insert(PolicyPost, links)
    _insert(PolicyVersion, versions)
    newest = {v["policy"]: v["id"] for v in versions}  # the last of each policy's versions
    first = {v["policy"]: v["id"] for v in reversed(versions)}
    posts_of: dict[int, set[int]] = defaultdict(set)
    for link in links:
        posts_of[link["policy"]].add(link["post"])
    for person in people:
        held = {h.post for h in holdings if h.staff == person and h.until is None}
        for policy, policy_posts in posts_of.items():
            if not held & policy_posts:
                continue
            roll = rng.random()
            version = newest[policy] if roll < 0.85 else first[policy] if roll < 0.95 else None
            if version is not None:
                attestations.append({"version": version, "staff": person, "at": stamp})
    Attestation.insert_many(attestations).on_conflict_ignore().execute()


def _ticks(
    rng: random.Random,
    hats: Hats,
    items: list[_Item],
    holdings: list[_Holding],
    away: set[tuple[int, dt.date]],
    history: dt.date,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """Every occurrence up to now: ~85 % ticked on time, some late, the rest not at all."""
    periods = hats.periods
    by_post: dict[int, list[_Holding]] = defaultdict(list)
    for holding in holdings:
        by_post[holding.post].append(holding)
    today = hats.today()
    rows: list[dict[str, Any]] = []
    for item in items:
        last = today if item.end is None else item.end - dt.timedelta(days=1)
        for due_on in periods.due_days(item.frequency, max(history, item.start), last):
            deadline = periods.deadline(item.frequency, due_on, item.due_time)
            present = [
                h.staff
                for h in by_post[item.post]
                if h.since <= due_on
                and (h.until is None or due_on < h.until)
                and (h.staff, due_on) not in away
            ]
            owed = present[:1] if item.shared else present
            for staff in owed:
                roll = rng.random()
                if roll < ON_TIME:
                    at = deadline - dt.timedelta(minutes=rng.randrange(5, 240))
                elif roll < ON_TIME + LATE:
                    at = deadline + dt.timedelta(minutes=rng.randrange(5, 1200))
                else:
                    continue
                if at > now:
                    continue  # not yet: the day is still going
                rows.append(
                    {
                        "item": item.id,
                        "key": item.key,
                        "due_on": due_on,
                        "holder": SHARED if item.shared else staff,
                        "by": staff,
                        "at": _naive(at),
                    }
                )
    return rows


# -- the measurements --------------------------------------------------------------------


def bench_my_hat(hats: Hats, runs: int, report: Report) -> tuple[int, list[Any]]:
    """my_hat() for every person, `runs` rounds; the slowest person, and its SQL."""
    people = [person for person, _ in hats.people()]
    print(f"\n(1) Hats.my_hat(person): {len(people)} people, {runs} rounds")
    samples: list[float] = []
    by_person: dict[int, list[float]] = defaultdict(list)
    for person in people:
        hats.my_hat(person)  # warm
    for _ in range(runs):
        for person in people:
            started = time.perf_counter_ns()
            hats.my_hat(person)
            elapsed = (time.perf_counter_ns() - started) / 1e6
            samples.append(elapsed)
            by_person[person].append(elapsed)
    figures = Figures.of(samples)
    _line("my_hat(), every person", figures, MY_HAT_TARGET_MS)
    report.add("(1) Hats.my_hat(), 20 people", figures, MY_HAT_TARGET_MS)
    slowest = max(people, key=lambda p: Figures.of(by_person[p]).median)
    mine = hats.my_hat(slowest)
    with captured_sql() as statements:
        hats.my_hat(slowest)
    print(
        f"  slowest: {mine.name} ({len(mine.posts)} hats; today {len(mine.today)}, week "
        f"{len(mine.week)}, month {len(mine.month)} items; {len(mine.policies)} policies due): "
        f"median {ms(Figures.of(by_person[slowest]).median)} ms, "
        f"{len(statements)} statements a call"
    )
    return slowest, statements


def quarter(hats: Hats) -> tuple[dt.date, dt.date]:
    """The 13 stats weeks up to the current one, as the compliance screen's `w` shows them."""
    this_week = hats.periods.weeks.week_of_day(hats.today())
    return hats.periods.weeks.days(this_week - dt.timedelta(weeks=12))[0], this_week


def bench_compliance(hats: Hats, runs: int, report: Report) -> list[tuple[str, list[Any]]]:
    first, last = quarter(hats)
    today = hats.today()
    print(f"\n(2) Hats.compliance(): the quarter {first} to {last}, {runs} runs")
    captured = []
    calls: list[tuple[str, Callable[[], Any], float | None]] = [
        (
            "compliance(quarter, by week)",
            lambda: hats.compliance(first, last, True),
            COMPLIANCE_TARGET_MS,
        ),
        ("compliance(quarter, by day)", lambda: hats.compliance(first, last), COMPLIANCE_TARGET_MS),
        (
            "compliance(14 days, by day)",
            lambda: hats.compliance(today - dt.timedelta(days=13), today),
            None,
        ),
        ("outstanding_attestations()", hats.outstanding_attestations, None),
        ("checksheets_in_progress()", hats.checksheets_in_progress, None),
    ]
    matrix = hats.compliance(first, last, True)
    occurrences = sum(t.due for t in matrix.totals.values())
    print(f"  {len(matrix.people)} people, {occurrences:,} occurrences due in the quarter")
    for label, call, target in calls:
        with captured_sql() as statements:
            call()
        figures = measure(call, runs, warmup=1)
        _line(label, figures, target)
        report.add(f"(2) {label}", figures, target)
        captured.append((label, statements))
    person = max(matrix.totals, key=lambda p: matrix.totals[p].due)
    one = measure(lambda: hats.occurrences(first, last, [person]), runs, warmup=1)
    _line(f"occurrences(quarter, one person: {matrix.totals[person].due} due) (drill-down)", one)
    report.add("(2) occurrences(quarter, one person)", one)
    return captured


def profile(label: str, call: Callable[[], Any], lines: int = 14) -> None:
    """Where one call's time goes: the functions with the most time of their own."""
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(lines)
    print(f"\nProfile: {label} (sorted by own time)")
    text = out.getvalue()
    start = text.find("   ncalls")
    for line in text[start:].rstrip().splitlines():
        print("  " + line.replace(str(Path.cwd()) + "/", "")[:150])


async def bench_screens(
    database: Database, now: dt.datetime, person: int, runs: int
) -> tuple[dict[str, Figures], dict[str, Figures] | None, list[float]]:
    """Key "5" to the compliance matrix drawn, key "3" to My hat drawn, a new app each run."""
    from om_tui.screens.hats.my_hat import MyHatScreen

    compliance = Phases()
    my_hat = Phases()
    my_hat_seen = True
    marks: Marks = []
    watched = ((Hats, "compliance"), (Hats, "my_hat"), (ComplianceScreen, "_fill"))
    with _marking(marks, *watched), _full_collections() as pauses:
        for _ in range(runs):
            app = make_app(database, clock=FrozenClock(now), staff_id=person)
            async with app.run_test(size=SIZE) as pilot:
                await _settled(app, pilot)
                _mark_displays(app, marks, ComplianceScreen)
                marks.clear()
                key = time.perf_counter()
                await pilot.press("5")

                def drawn() -> bool:
                    filled = _first(marks, "_fill<")
                    return filled is not None and _first(marks, "drawn", filled) is not None

                await _until(drawn)
                asked, answered = _first(marks, "compliance>"), _first(marks, "compliance<")
                filled = _first(marks, "_fill<")
                assert asked and answered and filled
                shown = _first(marks, "drawn", filled)
                assert shown is not None
                compliance.add('key "5" to compliance() called (switch, mount, worker)', key, asked)
                compliance.add("compliance() in the app's worker", asked, answered)
                compliance.add(
                    "compliance() to the table filled (and the owed lists read)", answered, filled
                )
                compliance.add("table filled to drawn", filled, shown)
                compliance.add(MATRIX_DRAWN, key, shown)
                await app.workers.wait_for_complete()
                await pilot.pause()

                if not my_hat_seen:
                    continue
                _mark_displays(app, marks, MyHatScreen)
                marks.clear()
                key = time.perf_counter()
                await pilot.press("3")
                try:
                    await _until(lambda: bool(_first(marks, "my_hat<")), timeout=5.0)

                    def hat_drawn() -> bool:
                        done = _first(marks, "my_hat<")
                        return done is not None and _first(marks, "drawn", done) is not None

                    await _until(hat_drawn, timeout=5.0)
                except RuntimeError:
                    my_hat_seen = False  # the screen does not read my_hat() (yet)
                    continue
                asked, answered = _first(marks, "my_hat>"), _first(marks, "my_hat<")
                assert asked and answered
                shown = _first(marks, "drawn", answered)
                assert shown is not None
                my_hat.add('key "3" to my_hat() called', key, asked)
                my_hat.add("my_hat() in the app", asked, answered)
                my_hat.add("my_hat() to drawn", answered, shown)
                my_hat.add(MY_HAT_DRAWN, key, shown)
                await app.workers.wait_for_complete()
    return compliance.figures(), (my_hat.figures() if my_hat_seen else None), list(pauses)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="rounds of my_hat, runs of the rest")
    parser.add_argument("--app-runs", type=int, default=8, help="runs through the app")
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH, help="the cached practice")
    parser.add_argument("--rebuild", action="store_true", help="build the practice afresh")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--no-plans", action="store_true", help="skip the query plans")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiles")
    add_smoke_option(parser)
    args = parser.parse_args(argv)
    smoke(args, runs=2, app_runs=1, no_plans=True, no_profile=True)

    practice = open_hats_practice(args.path, rebuild=args.rebuild, smoke=args.smoke)
    database, now = practice.database, practice.now
    hats = Hats(database, FrozenClock(now), practice.settings, ADMINISTRATOR)
    counts = {
        name: database.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        for name, table in (
            ("staff", "staff"),
            ("hats", "post"),
            ("holdings", "hat_holder"),
            ("item versions", "checklist_item"),
            ("ticks", "tick"),
            ("leave spells", "leave"),
            ("attestations", "attestation"),
        )
    }
    print(f"Hats practice {practice.path}: " + ", ".join(f"{n:,} {w}" for w, n in counts.items()))
    print(f"Now {now:%Y-%m-%d %H:%M} UTC (today {hats.today()}, {practice.settings.timezone})")
    print(
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"peewee {peewee.__version__}, {platform.machine()}"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"Machine: {os.cpu_count()} CPUs, load average {load}; calibration: sorting "
        f"100,000 short strings takes {ms(calibration())} ms (compare machines by it)"
    )
    report = Report()
    slowest, my_hat_sql = bench_my_hat(hats, args.runs, report)
    captured = [("Hats.my_hat()", my_hat_sql)]
    captured += bench_compliance(hats, args.runs, report)

    print(f"\n(3) In the app ({SIZE[0]}x{SIZE[1]}, a new app each run, {args.app_runs} runs)")
    person = hats.people()[0][0]
    matrix_phases, hat_phases, pauses = asyncio.run(
        bench_screens(database, now, person, args.app_runs)
    )
    for name, figures in matrix_phases.items():
        _line(name, figures)
    report.add('(3) app: key "5" to the matrix drawn', matrix_phases[MATRIX_DRAWN])
    if hat_phases is None:
        print(
            '  key "3": My hat did not call Hats.my_hat() within 5 s (its screen is not '
            "finished): only the practice call, (1), is measured"
        )
    else:
        for name, figures in hat_phases.items():
            _line(name, figures)
        report.add('(3) app: key "3" to My hat drawn', hat_phases[MY_HAT_DRAWN])
    print(f"  {_collections_line(pauses)}")

    if not args.no_profile:
        first, last = quarter(hats)
        profile("Hats.compliance(quarter, by week)", lambda: hats.compliance(first, last, True))
        profile(f"Hats.my_hat({slowest})", lambda: hats.my_hat(slowest))
    slow: list[str] = []
    if not args.no_plans:
        for label, statements in captured:
            slow += explain(database, f"Query plans: {label}", statements, 10)
    report.print()
    print_findings(slow, report.missed)
    database.close()
    return 1 if args.check and report.missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
