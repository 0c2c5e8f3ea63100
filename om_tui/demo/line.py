"""The demo practice's communication line: a few items in each state, one urgent for the owner.

Written once, through the line's own steps (so each item has its trail), at fixed
times before the demo's "now": the same demo, the same line.
"""

from __future__ import annotations

import datetime as dt

from peewee import Database

from db.models import LineAnswer, LineItem, LineKind, LinePriority, Role, Staff
from om_tui.practice.clock import Clock, FrozenClock
from om_tui.practice.owner.line.service import Line
from om_tui.practice.settings import PracticeSettings

OWNER = "Dr. Sarah Chen"
MANAGER = "Karen Miles"

When = int | tuple[int, str]
"""Minutes before now; or (days before today, "HH:MM" practice time)."""

#: (when, who, step, what) — the steps, oldest first. A step names the item it acts on by
#: the first words of its text (as the "file" step wrote it).
STEPS: tuple[tuple[When, str, str, tuple[str, ...]], ...] = (
    (
        (2, "09:20"),
        "Jenny Ortiz",
        "file",
        (
            LineKind.REQUEST,
            "A second card reader for the front desk: the old one fails twice a day.",
            LinePriority.NORMAL,
        ),
    ),
    ((2, "11:00"), MANAGER, "batch", ("A second card reader", "I recommend yes: about $150.")),
    (
        (2, "14:10"),
        "Tom Becker",
        "file",
        (LineKind.REQUEST, "Music in the waiting room in the afternoons?", LinePriority.NORMAL),
    ),
    ((2, "15:00"), MANAGER, "batch", ("Music in the waiting room", "")),
    ((2, "16:30"), MANAGER, "send", ()),
    ((2, "17:45"), OWNER, "answer", ("A second card reader", LineAnswer.APPROVE, "Up to $150.")),
    ((1, "08:30"), OWNER, "answer", ("Music in the waiting room", LineAnswer.SEE_ME, "")),
    ((1, "08:55"), "Jenny Ortiz", "seen", ("A second card reader",)),
    (
        (1, "09:40"),
        "Tom Becker",
        "file",
        (
            LineKind.QUESTION,
            "May I take Friday 4 December off? My Friday tasks can go to Jenny.",
            LinePriority.NORMAL,
        ),
    ),
    ((1, "10:15"), MANAGER, "handle", ("May I take Friday", "Yes. I have moved your tasks.")),
    (
        (1, "13:20"),
        "Dr. Marcus Webb",
        "file",
        (
            LineKind.APPROVAL,
            "The spinal decompression seminar, 16–17 January: $480 and two days off the schedule.",
            LinePriority.HIGH,
        ),
    ),
    (
        (1, "14:00"),
        MANAGER,
        "batch",
        ("The spinal decompression", "Dr. Patel can cover both days."),
    ),
    (
        (1, "15:10"),
        "Dr. Priya Patel",
        "file",
        (
            LineKind.REQUEST,
            "A standing desk for the charting station in room 3.",
            LinePriority.NORMAL,
        ),
    ),
    ((1, "15:30"), MANAGER, "take", ("A standing desk",)),
    ((1, "16:30"), MANAGER, "send", ()),
    (
        120,
        "Jenny Ortiz",
        "file",
        (
            LineKind.REQUEST,
            "Saturday hours 8–12 from January, instead of 9–1?",
            LinePriority.NORMAL,
        ),
    ),
    (95, MANAGER, "batch", ("Saturday hours", "")),
    (
        50,
        "Tom Becker",
        "file",
        (LineKind.QUESTION, "Where do we keep the spare printer toner now?", LinePriority.NORMAL),
    ),
    (
        35,
        "Jenny Ortiz",
        "file",
        (
            LineKind.PROBLEM,
            "The card reader is down and the insurance portal too: take cash and checks "
            "only today, or send patients home to pay online?",
            LinePriority.HIGH,
            "urgent",
        ),
    ),
    (
        20,
        MANAGER,
        "file",
        (
            LineKind.PROBLEM,
            "The x-ray room's heater is broken again: a repair visit is $120.",
            LinePriority.HIGH,
        ),
    ),
    (15, MANAGER, "batch", ("The x-ray room's heater", "")),
)


def open_demo_line(database: Database, clock: Clock, practice: PracticeSettings) -> None:
    """Write the demo's line once; a demo opened again keeps the line it has."""
    with database.atomic():
        if LineItem.select().exists():
            return
        staff = {s.name: s.id for s in Staff.select().where(Staff.active == True)}  # noqa: E712
        owners = {s.name for s in Staff.select().where(Staff.role == Role.OWNER)}
        if MANAGER not in staff or OWNER not in staff or OWNER not in owners:
            return  # not the demo's staff: no line to make up
        _write(database, clock.now(), practice, staff)


def _write(
    database: Database, now: dt.datetime, practice: PracticeSettings, staff: dict[str, int]
) -> None:
    at = FrozenClock(now)
    line = Line(database, at, practice)
    items: dict[str, int] = {}

    def item(words: str) -> int:
        return next(item_id for text, item_id in items.items() if text.startswith(words))

    today = practice.today(now)
    for when, who, step, what in STEPS:
        if who not in staff:
            continue
        if isinstance(when, int):
            at.set(now - dt.timedelta(minutes=when))
        else:
            days, time = when
            day = today - dt.timedelta(days=days)
            at.set(dt.datetime.combine(day, dt.time.fromisoformat(time), tzinfo=practice.zone))
        person = staff[who]
        if step == "file":
            kind, text, priority, *urgent = what
            items[text] = line.file(person, kind, text, priority, urgent=bool(urgent))
        elif step == "take":
            line.take(item(what[0]), person)
        elif step == "batch":
            line.batch(item(what[0]), person, what[1])
        elif step == "send":
            line.send_batch(person)
        elif step == "handle":
            line.handle(item(what[0]), person, what[1])
        elif step == "answer":
            line.answer(item(what[0]), person, what[1], what[2])
        elif step == "seen":
            line.mark_seen(item(what[0]), person)
