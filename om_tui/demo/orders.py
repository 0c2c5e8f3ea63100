"""The demo practice's orders and programs: a fortnight of orders and two programs.

Written once, relative to the demo's "now": a few orders overdue (one chased twice),
some done on time, some late, one reported and waiting to be accepted, one cancelled;
the owner's reactivation program a third of the way through. Times are seeded, so the
same "now" always gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import random

from peewee import Database

from db.models import (
    HatHolder,
    Order,
    OrderStatus,
    Post,
    Program,
    ProgramStep,
    Staff,
    utc_naive,
)
from om_tui.practice.clock import Clock
from om_tui.practice.settings import PracticeSettings

SEED = 20267

OWNER = "Dr. Sarah Chen"
MANAGER = "Karen Miles"

#: (from, to (a person, or "post:" and a title), what, given (days ago), due (days from
#:  today), due time, what became of it, reported (days from the due day), chases)
#: Outcomes: "open", "overdue", "reported" (waiting), "done" (on time), "late" (done late),
#: "cancelled".
ORDERS: tuple[tuple[str, str, str, int, int, str | None, str, int, int], ...] = (
    (MANAGER, "Jenny Ortiz", "Call last week's no-shows and rebook every one", 9, -6,
     None, "done", -1, 0),
    (MANAGER, "Tom Becker", "Deep-clean Room 3's therapy table and log it in the binder", 8, -6,
     "12:00", "late", 1, 1),
    (MANAGER, "Tom Becker", "Count the supply closet; list what to order", 6, -2,
     None, "overdue", 0, 2),
    (OWNER, MANAGER, "Get the new-patient welcome packet reprinted (200)", 10, -4,
     None, "done", -2, 0),
    (OWNER, MANAGER, "Bring October's collections report to Thursday's meeting", 2, 1,
     "14:00", "open", 0, 0),
    (MANAGER, "post:Receptionist", "Confirm every Monday appointment by 4 pm Friday", 1, 2,
     "16:00", "open", 0, 0),
    (MANAGER, "Jenny Ortiz", "Update the phone script with the holiday hours", 5, -1,
     None, "reported", -1, 0),
    (OWNER, "post:Insurance & Billing", "Call the three insurers with claims over 60 days", 7,
     -2, None, "overdue", 0, 1),
    (MANAGER, "post:Chiropractic Assistant", "Replace the flickering light in Room 2", 3, -1,
     None, "done", 0, 0),
    (MANAGER, "Jenny Ortiz", "Order new intake clipboards (6)", 14, -9, None, "late", 2, 1),
    (MANAGER, "Tom Becker", "Restock the hot packs in every room", 4, -3, None, "done", 0, 0),
    (OWNER, MANAGER, "Draft the staff holiday schedule", 12, -5, None, "cancelled", 0, 0),
    (MANAGER, "Tom Becker", "Re-read the infection control policy and attest", 0, 3,
     None, "open", 0, 0),
    (OWNER, "Dr. Marcus Webb", "Review the re-exam protocol with Dr. Patel", 5, 4,
     None, "open", 0, 0),
    (MANAGER, "Jenny Ortiz", "Scan last month's sign-in sheets, then shred them", 4, -1,
     "17:00", "overdue", 0, 0),
    (MANAGER, "Jenny Ortiz", "Reactivation calls: 20 inactive patients", 3, 0,
     "17:00", "open", 0, 0),
)  # fmt: skip

#: (name, goal, steps: (target, to, due (days from today), done (days from due) or None))
PROGRAMS: tuple[tuple[str, str, tuple[tuple[str, str, int, int | None], ...]], ...] = (
    (
        "Reactivate 200 patients",
        "To bring lapsed patients back to care: 200 reactivated by the end of January.",
        (
            ("Pull the list of patients not seen in 6 months", "Jenny Ortiz", -10, -1),
            ("Write the reactivation letter; the doctor approves it", MANAGER, -6, 2),
            ("Mail the letters to the first 100", "Jenny Ortiz", -2, None),
            ("Call everyone who got a letter, 20 a day", "post:Receptionist", 7, None),
            ("Put weekly reactivations on the stat board", MANAGER, 14, None),
            ("Review the results; plan the second 100", OWNER, 21, None),
        ),
    ),
    (
        "Front desk in 60 seconds",
        "Every patient checked in within a minute of walking in.",
        (
            ("Time ten check-ins and post the times", "Jenny Ortiz", -3, -1),
            ("Pre-fill returning patients' forms the day before", "post:Receptionist", 5, None),
            ("Drill the check-in with every new front-desk hire", MANAGER, 12, None),
        ),
    ),
)


def open_demo_orders(database: Database, clock: Clock, settings: PracticeSettings) -> None:
    """Write the demo's orders and programs once (a demo opened again keeps its own)."""
    with database.atomic():
        if Order.select().exists() or Program.select().exists():
            return
        staff = {s.name: s.id for s in Staff.select(Staff.id, Staff.name)}
        posts = {p.title: p.id for p in Post.select(Post.id, Post.title)}
        if OWNER not in staff or MANAGER not in staff:
            return  # not the demo's staff: nothing to order
        _write(clock, settings, staff, posts)


def _to(whom: str, staff: dict[str, int], posts: dict[str, int]) -> dict[str, int | None]:
    if whom.startswith("post:"):
        return {"to_staff": None, "to_post": posts[whom.removeprefix("post:")]}
    return {"to_staff": staff[whom], "to_post": None}


def _open_day(day: dt.date) -> dt.date:
    """A weekend day moves back to the Friday before: orders fall due on working days."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _write(
    clock: Clock, settings: PracticeSettings, staff: dict[str, int], posts: dict[str, int]
) -> None:
    rng = random.Random(SEED)
    now = clock.now()
    today = settings.today(now)
    zone = settings.zone

    def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)

    def deadline(day: dt.date, due_time: str | None) -> dt.datetime:
        if due_time:
            return local(day, *map(int, due_time.split(":")))
        return local(day + dt.timedelta(days=1), 0)

    def before_now(moment: dt.datetime) -> dt.datetime:
        return min(moment, now - dt.timedelta(minutes=rng.randint(5, 40)))

    for by, whom, text, ago, due_in, due_time, outcome, answer, chases in ORDERS:
        due_on = _open_day(today + dt.timedelta(days=due_in))
        if due_in >= 0 and due_on < today:
            due_on = today  # a weekend "today" keeps the order due today
        given = min(_open_day(today - dt.timedelta(days=ago)), due_on)
        created = before_now(local(given, 8, rng.randint(0, 50)))
        due = deadline(due_on, due_time)
        row: dict[str, object] = {
            "issued_by": staff[by],
            **_to(whom, staff, posts),
            "text": text,
            "due_on": due_on,
            "due_time": due_time,
            "created": utc_naive(created),
            "status": OrderStatus.OPEN,
        }
        reporter = staff[whom] if not whom.startswith("post:") else _holder(whom, staff)
        if outcome in ("done", "late", "reported"):
            day_of = max(_open_day(due_on + dt.timedelta(days=answer)), given)
            reported = local(day_of, rng.randint(9, 15), rng.randint(0, 59))
            if outcome == "late":
                reported = max(reported, due + dt.timedelta(minutes=rng.randint(20, 90)))
            else:
                reported = min(reported, due - dt.timedelta(minutes=30))
            reported = before_now(max(reported, created + dt.timedelta(minutes=30)))
            row.update(
                status=OrderStatus.REPORTED,
                reply=rng.choice(("Done.", "Done, see the binder.", "All done.", "Finished.")),
                reported_at=utc_naive(reported),
                reported_by=reporter,
            )
            if outcome != "reported":
                accepted = before_now(reported + dt.timedelta(minutes=rng.randint(20, 180)))
                row.update(
                    status=OrderStatus.DONE,
                    done_at=utc_naive(accepted),
                    answered_at=utc_naive(accepted),
                    answered_by=staff[by],
                )
        elif outcome == "cancelled":
            called_off = before_now(created + dt.timedelta(days=2, hours=rng.randint(0, 6)))
            row.update(
                status=OrderStatus.CANCELLED,
                answered_at=utc_naive(called_off),
                answered_by=staff[by],
                remark="The doctor is doing it at the staff meeting.",
            )
        for number in range(chases):  # the mornings after the deadline
            morning = due.astimezone(zone).date() + dt.timedelta(days=number)
            at = max(due + dt.timedelta(hours=1), local(morning, 9, rng.randint(0, 59)))
            row.update(chased=number + 1, chased_at=utc_naive(before_now(at)))
        Order.insert(row).execute()

    for name, goal, steps in PROGRAMS:
        created = before_now(local(today - dt.timedelta(days=21), 9, 30))
        program = Program.create(
            name=name, goal=goal, created=utc_naive(created), created_by=staff[OWNER]
        )
        for position, (target, whom, due_in, done_in) in enumerate(steps, start=1):
            due_on = _open_day(today + dt.timedelta(days=due_in))
            step: dict[str, object] = {
                "program": program.id,
                "position": position,
                "text": target,
                **_to(whom, staff, posts),
                "due_on": due_on,
            }
            if done_in is not None:
                done_on = _open_day(due_on + dt.timedelta(days=done_in))
                done = before_now(local(done_on, 15, rng.randint(0, 59)))
                step.update(
                    done_at=utc_naive(done),
                    done_by=staff[whom] if not whom.startswith("post:") else _holder(whom, staff),
                    note="Done.",
                )
            ProgramStep.insert(step).execute()


def _holder(whom: str, staff: dict[str, int]) -> int:
    """Who answers for a post in the demo: its first holder (the demo's hats say who)."""
    title = whom.removeprefix("post:")
    holding = (
        HatHolder.select(HatHolder.staff)
        .join(Post)
        .where(Post.title == title)
        .order_by(HatHolder.id)
        .first()
    )
    return int(holding.staff_id) if holding is not None else staff[MANAGER]
