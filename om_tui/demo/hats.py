"""The demo practice's hats: write-ups, checklists, training, policies and weeks of ticks."""

from __future__ import annotations

import datetime as dt
import random

from peewee import Database

from db.models import (
    Attestation,
    ChecklistItem,
    ChecksheetStep,
    Frequency,
    HatHolder,
    Leave,
    PolicyVersion,
    Post,
    Role,
    Setting,
    SettingKey,
    Staff,
    StepSignoff,
    Tick,
    utc_naive,
)
from om_tui.practice.clock import Clock
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import SHARED
from om_tui.practice.settings import PracticeSettings

SEED = 20261
HISTORY_WEEKS = 5

D, W, M = Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY

#: post → (purpose, valuable final product, holders' roles or names, duties,
#:         checklist (text, frequency, due time, shared), checksheet steps)
HATS: dict[
    str,
    tuple[
        str,
        str,
        tuple[str, ...],
        tuple[str, ...],
        tuple[tuple[str, str, str | None, bool], ...],
        tuple[str, ...],
    ],
] = {  # noqa: E501
    "Doctor": (
        "To deliver excellent care and to direct the practice toward its goals.",
        "Patients well and referring others; a practice that grows.",
        ("Dr. Sarah Chen",),
        (
            "Sees patients and keeps the clinical standard.",
            "Sets the practice's goals and approves its programs.",
            "Reviews the stats weekly with the office manager.",
        ),
        (
            ("Review today's schedule with the office manager", D, "08:15", False),
            ("Sign off yesterday's charts", D, "09:00", False),
            ("Answer the communication line's batch", D, "17:30", False),
            ("Review the stat board and conditions with the office manager", W, None, False),
            ("Review the practice's finances and the month's plan", M, None, False),
        ),
        ("Read the practice's policy manual", "Agree the year's goals with the office manager"),
    ),
    "Office Manager": (
        "To run the office so the doctor can treat patients and the practice expands.",
        "A smoothly running office whose stats rise.",
        ("Karen Miles",),
        (
            "Keeps every post manned and every staff member working from their hat.",
            "Gets the stats in, graphed and acted on each week.",
            "Keeps the daily distractions off the doctor's lines.",
        ),
        (
            ("Walk the flow board's waits with the front desk", D, "12:00", False),
            ("Read and route the communication line", D, "10:00", False),
            ("Check yesterday's checklists and chase what was missed", D, "11:00", False),
            ("Every post's stats in and graphed before the week ends", W, None, False),
            ("Staff meeting: stats and conditions per post", W, None, False),
            ("Approve payroll hours", W, None, False),
            ("Compliance review with each staff member", M, None, False),
            ("Order supplies from the posts' lists", M, None, False),
        ),
        (
            "Read every post's hat",
            "Run a staff meeting with the doctor watching",
            "Do a week's stats with the doctor",
        ),
    ),
    "Receptionist": (
        "To welcome every patient and keep the schedule full and on time.",
        "Patients arrived, checked in and booked ahead; a full schedule.",
        ("Jenny Ortiz", "Karen Miles"),
        (
            "Greets and checks in every patient at once.",
            "Keeps the schedule full: confirms, reschedules, reactivates.",
            "Collects payments at checkout and balances the drawer.",
        ),
        (
            ("Open the office: lights, phones off night service, computers on", D, "08:00", True),
            ("Call yesterday's no-shows to reschedule", D, "10:00", False),
            ("Verify insurance for tomorrow's new patients", D, "15:00", False),
            ("Confirm tomorrow's appointments by phone or text", D, "16:00", False),
            ("Balance the cash drawer and lock it", D, "17:30", True),
            ("Tidy the reception area and restock forms", D, None, True),
            ("Reactivation calls: 20 inactive patients", W, None, False),
            ("Send the week's new-patient welcome letters", W, None, False),
            ("Birthday cards for next month's patients", M, None, False),
        ),
        (
            "Read the phone answering policy",
            "Drill: check in 5 patients in under a minute each",
            "Drill: balance the cash drawer with the manager",
            "Show the manager a full day's confirmations",
        ),
    ),
    "Chiropractic Assistant": (
        "To have every patient roomed, prepared and cared for on time.",
        "Patients ready for the doctor the moment the doctor is free.",
        ("Tom Becker",),
        (
            "Rooms patients and prepares them for the adjustment.",
            "Keeps rooms and equipment clean, stocked and working.",
        ),
        (
            ("Rooms ready: tables wiped, paper changed, linens", D, "07:45", False),
            ("Therapy equipment set up and checked", D, "08:00", False),
            ("Restock every room's supplies", D, "13:00", False),
            ("Clean and disinfect equipment at close", D, None, False),
            ("Supplies inventory; list what to order", W, None, False),
            ("Equipment maintenance log", M, None, False),
        ),
        (
            "Read the infection control policy",
            "Drill: room a patient and take history",
            "Drill: set up and run each therapy unit",
            "Show the manager a room turned over in 3 minutes",
        ),
    ),
    "Insurance & Billing": (
        "To get every service paid for, in full and on time.",
        "Claims paid; money collected; balances low.",
        ("Karen Miles",),
        (
            "Submits clean claims daily and works denials.",
            "Posts payments and keeps the collections stats.",
        ),
        (
            ("Post yesterday's payments and EOBs", D, "11:00", False),
            ("Work the denials queue (at least 10)", D, None, False),
            ("Submit today's claims", D, "17:00", False),
            ("Aging report: call on claims over 30 days", W, None, False),
            ("Statements to patients with balances", M, None, False),
        ),
        ("Read the cash handling policy", "Drill: a claim from visit to payment"),
    ),
}

#: (title, posts (empty: all), versions' texts)
POLICIES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "Patient privacy",
        (),
        (
            "# Patient privacy\n\nPatient information is seen only by those who need it for "
            "their post.\n\n- Never read names aloud in the waiting room.\n"
            "- Lock the screen when you leave the desk.\n- Papers with patient names go in "
            "the shred bin, never the trash.",
            "# Patient privacy\n\nPatient information is seen only by those who need it for "
            "their post.\n\n- Never read names aloud in the waiting room.\n"
            "- Lock the screen when you leave the desk.\n- Papers with patient names go in "
            "the shred bin, never the trash.\n- **New:** the front-desk board shows "
            "initials (`i`) whenever the waiting room can see it.",
        ),
    ),
    (
        "Cash handling",
        ("Receptionist", "Insurance & Billing"),
        (
            "# Cash handling\n\n1. Every payment gets a receipt.\n2. The drawer is counted "
            "by two people at close.\n3. A difference over $5 is reported to the office "
            "manager the same day.",
        ),
    ),
    (
        "Phone answering",
        ("Receptionist",),
        (
            '# Phone answering\n\nAnswer by the third ring: *"Good morning, Riverside '
            'Chiropractic, this is …, how may I help you?"* Book before you hang up.',
        ),
    ),
    (
        "Infection control",
        ("Chiropractic Assistant", "Doctor"),
        (
            "# Infection control\n\n- Wash hands between patients.\n- Wipe tables and "
            "equipment after every patient.\n- Change table paper for every patient.",
        ),
    ),
)

#: How reliably each holder ticks: (on time, late) chances; the rest is missed.
DILIGENCE = {
    "Jenny Ortiz": (0.9, 0.06),
    "Karen Miles": (0.85, 0.08),
    "Tom Becker": (0.68, 0.12),
    "Dr. Sarah Chen": (0.72, 0.1),
}


def open_demo_hats(database: Database, clock: Clock, settings: PracticeSettings) -> None:
    """Write the demo's hats once; then keep their tick history up to today."""
    with database.atomic():
        if not ChecklistItem.select().exists():
            _write_hats(database, clock, settings)
        _tick_history(database, clock, settings)


def _write_hats(database: Database, clock: Clock, settings: PracticeSettings) -> None:
    today = settings.today(clock.now())
    since = today - dt.timedelta(weeks=HISTORY_WEEKS)
    staff = {s.name: s.id for s in Staff.select()}
    manager = next(s.id for s in Staff.select() if s.role == Role.OFFICE_MANAGER)
    hats = Hats(database, clock, settings, staff_id=manager)
    posts = {p.title: p.id for p in Post.select()}
    for title, (purpose, product, holders, duties, items, steps) in HATS.items():
        post_id = posts.get(title) or hats.create_post(title)
        hats.update_post(post_id, purpose=purpose, product=product)
        for name in holders:
            HatHolder.create(post=post_id, staff=staff[name], since=since)
        for duty in duties:
            hats.add_duty(post_id, duty)
        for text, frequency, due_time, shared in items:
            hats.add_item(post_id, text, frequency, due_time, shared)
        for step in steps:
            hats.add_step(post_id, step)
    ChecklistItem.update(start=since).execute()
    rng = random.Random(SEED)
    for title, post_names, versions in POLICIES:
        post_ids = [posts[name] for name in post_names] if post_names else list(posts.values())
        policy_id = hats.write_policy(title, versions[0], post_ids)
        for body in versions[1:]:
            hats.revise_policy(policy_id, body)
        PolicyVersion.update(at=utc_naive(clock.now() - dt.timedelta(weeks=HISTORY_WEEKS))).where(
            (PolicyVersion.policy == policy_id) & (PolicyVersion.number == 1)
        ).execute()
        first = PolicyVersion.get((PolicyVersion.policy == policy_id) & (PolicyVersion.number == 1))
        for person_id in staff.values():
            if rng.random() < 0.9:
                Attestation.insert(
                    version=first.id, staff=person_id, at=utc_naive(clock.now())
                ).on_conflict_ignore().execute()
    # Training: the old hands are through their checksheets; Tom is halfway.
    for sheet_step in ChecksheetStep.select():
        for holding in HatHolder.select().where(HatHolder.post == sheet_step.post_id):
            if holding.staff_id == staff["Tom Becker"] and sheet_step.position > 2:
                continue
            if holding.staff_id == manager:
                signer = staff["Dr. Sarah Chen"]
            else:
                signer = manager
            StepSignoff.insert(
                step=sheet_step.id,
                staff=holding.staff_id,
                signed_by=signer,
                at=utc_naive(clock.now() - dt.timedelta(days=20)),
            ).on_conflict_ignore().execute()
    Leave.create(
        staff=staff["Tom Becker"],
        start=today - dt.timedelta(days=16),
        end=today - dt.timedelta(days=14),
        note="Sick",
    )


def _tick_history(database: Database, clock: Clock, settings: PracticeSettings) -> None:
    """Ticks for every occurrence from the last filled day to now, as the staff would."""
    now = clock.now()
    today = settings.today(now)
    stored = Setting.get_or_none(Setting.key == SettingKey.DEMO_HATS_DAY)
    first = (
        dt.date.fromisoformat(stored.value) if stored else today - dt.timedelta(weeks=HISTORY_WEEKS)
    )
    if first > today:
        return
    hats = Hats(database, clock, settings)
    names = {s.id: s.name for s in Staff.select()}
    rng = random.Random(SEED + today.toordinal())
    rows = []
    seen: set[tuple[int, dt.date, int]] = {
        (t.key, t.due_on, t.holder) for t in Tick.select().where(Tick.due_on >= first)
    }
    for item in ChecklistItem.select():
        last = today if item.end is None else item.end - dt.timedelta(days=1)
        for due_on in hats.periods.due_days(item.frequency, max(first, item.start), last):
            deadline = hats.periods.deadline(item.frequency, due_on, item.due_time)
            start = deadline - dt.timedelta(hours=2 if item.due_time else 8)
            for holding in HatHolder.select().where(HatHolder.post == item.post_id):
                holder = SHARED if item.shared else holding.staff_id
                if (item.key, due_on, holder) in seen:
                    continue
                on_time, late = DILIGENCE.get(names[holding.staff_id], (0.8, 0.1))
                roll = rng.random()
                if roll < on_time:
                    at = start + (deadline - start) * rng.uniform(0.2, 0.95)
                elif roll < on_time + late:
                    at = deadline + dt.timedelta(minutes=rng.randint(10, 180))
                else:
                    continue
                if at > now:
                    continue  # not done yet: the day is still going
                seen.add((item.key, due_on, holder))
                rows.append(
                    {
                        "item": item.id,
                        "key": item.key,
                        "due_on": due_on,
                        "holder": holder,
                        "by": holding.staff_id,
                        "at": utc_naive(at),
                    }
                )
    for start_row in range(0, len(rows), 500):
        Tick.insert_many(rows[start_row : start_row + 500]).execute()
    Setting.insert(key=SettingKey.DEMO_HATS_DAY, value=today.isoformat()).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: today.isoformat()}
    ).execute()
