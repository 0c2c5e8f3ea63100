"""The demo practice: a small chiropractic office with a living day on the board.

Everything is drawn from a seeded random generator, so the same day and the
same "now" give the same practice. The live day is laid around "now" (about
three hours before, three and a half after), so whenever the demo opens the
board has people waiting, roomed, with a provider, done, one late and one
no-show. Opening on a later day rolls the schedule forward: the old live day
is closed out as history and a new one is laid for today.

One idea, the demo's office and its living day drawn from one seeded generator, kept
whole so the same seed gives the same practice.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator

from peewee import JOIN, Database, Model, ModelInsert, fn

from db import audit
from db.models import (
    Appointment,
    AppointmentType,
    ConfirmationStatus,
    Patient,
    Post,
    Role,
    Room,
    Setting,
    SettingKey,
    Staff,
    Stage,
    Stat,
    StatValue,
    Visit,
    VisitEvent,
    utc_naive,
)

SEED = 20261126
PATIENTS = 2000
HISTORY_DAYS = 60
PRACTICE_NAME = "Riverside Chiropractic"

STAFF: tuple[tuple[str, str, Role, bool], ...] = (
    ("Dr. Sarah Chen", "SC", Role.OWNER, True),
    ("Dr. Marcus Webb", "MW", Role.STAFF, True),
    ("Dr. Priya Patel", "PP", Role.STAFF, True),
    ("Karen Miles", "KM", Role.OFFICE_MANAGER, False),
    ("Jenny Ortiz", "JO", Role.FRONT_DESK, False),
    ("Tom Becker", "TB", Role.STAFF, False),
)
ROOMS = ("Room 1", "Room 2", "Room 3", "Room 4")
PATIENT_NOTES = (
    "Prefers morning appointments.",
    "Hard of hearing: call their name twice.",
    "Pays at each visit; no insurance.",
    "Allergic to latex.",
    "Text, don't call: works nights.",
)

FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy "
    "Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily "
    "Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah "
    "Timothy Stephanie Ronald Rebecca Jason Laura Edward Sharon Jeffrey Cynthia Ryan Kathleen "
    "Jacob Amy Gary Angela Nicholas Shirley Eric Anna Jonathan Brenda Stephen Pamela Larry "
    "Emma Justin Nicole Scott Helen Brandon Samantha Benjamin Katherine Samuel Christine "
    "Gregory Debra Alexander Rachel Frank Carolyn Patrick Janet Raymond Maria Jack Olivia "
    "Dennis Heather Jerry Diane Tyler Julie Aaron Joyce Jose Victoria Adam Ruth Nathan Virginia "
    "Henry Lauren Zachary Kelly Douglas Christina Peter Joan Kyle Evelyn Noah Judith Ethan "
    "Andrea Jeremy Hannah Walter Megan Christian Cheryl Keith Jacqueline Roger Martha Terry "
    "Madison Austin Teresa Sean Gloria Gerald Sara Carl Janice Harold Ann Dylan Kathryn Arthur "
    "Abigail Lawrence Sophia Jordan Frances Jesse Jean Bryan Alice Billy Judy Bruce Isabella "
    "Gabriel Julia Joe Grace Logan Amber Alan Denise Juan Danielle Albert Marilyn Willie "
    "Beverly Elijah Charlotte Wayne Natalie Randy Theresa Vincent Diana Mason Brittany Roy "
    "Doris Ralph Kayla Bobby Alexis Russell Lori Bradley Marie Philip Wei Mei Hiroshi Yuki "
    "Aarav Ananya Mohammed Fatima Omar Leila Mateo Camila Santiago Valentina Diego Lucia"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris "
    "Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly "
    "Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza "
    "Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell "
    "Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher "
    "Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace "
    "Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford "
    "Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas "
    "Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon "
    "Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson "
    "Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols "
    "Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce "
    "Yamamoto Tanaka Singh Shah Okafor Mensah Kowalski Novak Rossi Bianchi Muller Larsen"
).split()


def open_demo(database: Database, now: dt.datetime, zone: dt.tzinfo) -> None:
    """Make sure the demo practice exists and its live day is today."""
    with audit.suspended(database):  # made up, not done: no audit row per generated row
        _open_demo(database, now, zone)


def _open_demo(database: Database, now: dt.datetime, zone: dt.tzinfo) -> None:
    today = now.astimezone(zone).date()
    with database.atomic():
        if not Staff.select().exists():
            _create_practice(database, now, zone)
        stored = Setting.get_or_none(Setting.key == SettingKey.DEMO_DAY)
        live_day = dt.date.fromisoformat(stored.value) if stored else None
        if live_day == today:
            return
        first_history = today - dt.timedelta(days=HISTORY_DAYS)
        if live_day is not None:
            _close_day(live_day, zone)
            first_history = max(first_history, live_day + dt.timedelta(days=1))
        for day in _days(first_history, today):
            _history_day(day, zone)
        _live_day(now, zone)
        Setting.insert(key=SettingKey.DEMO_DAY, value=today.isoformat()).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: today.isoformat()}
        ).execute()


def _days(first: dt.date, until: dt.date) -> Iterator[dt.date]:
    day = first
    while day < until:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def _create_practice(database: Database, now: dt.datetime, zone: dt.tzinfo) -> None:
    rng = random.Random(SEED)
    timezone_name = getattr(zone, "key", "UTC")
    for key, value in (
        (SettingKey.PRACTICE_NAME, PRACTICE_NAME),
        (SettingKey.TIMEZONE, timezone_name),
    ):
        Setting.insert(key=key, value=value).on_conflict_ignore().execute()
    Staff.insert_many(
        [
            {"name": name, "initials": initials, "role": role, "provider": sees_patients}
            for name, initials, role, sees_patients in STAFF
        ]
    ).execute()
    Room.insert_many([{"name": name, "position": i} for i, name in enumerate(ROOMS)]).execute()
    created = utc_naive(now - dt.timedelta(days=3 * 365))
    rows = []
    for number in range(PATIENTS):
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 78))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        rows.append(
            {
                "first_name": first,
                "last_name": last,
                "dob": birth,
                "phone": f"555-{rng.randrange(200, 999)}-{rng.randrange(0, 10000):04d}",
                "chart_number": str(100001 + number),
                "created": created,
                # Some patients gave an email, some have a note (by number: the random
                # draws, and so the demo's day, stay as they were).
                "email": f"{first}.{last}@example.com".lower() if number % 3 == 0 else "",
                "notes": PATIENT_NOTES[number // 7 % len(PATIENT_NOTES)] if number % 7 == 0 else "",
            }
        )
    for start in range(0, len(rows), 500):
        Patient.insert_many(rows[start : start + 500]).execute()


def _staff_ids() -> tuple[list[int], int]:
    providers = [s.id for s in Staff.select().where(Staff.provider == True).order_by(Staff.id)]  # noqa: E712
    desk = Staff.select().where(Staff.role == Role.FRONT_DESK).first()
    return providers, desk.id if desk else providers[0]


def _patient_count() -> int:
    return int(Patient.select(fn.COUNT(Patient.id)).scalar())


def _at(day: dt.date, minutes: int, zone: dt.tzinfo) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(8, 0), tzinfo=zone) + dt.timedelta(minutes=minutes)
    return local.astimezone(dt.UTC)


def _history_day(day: dt.date, zone: dt.tzinfo) -> None:
    """A finished day: 30-40 visits, most done, a few no-shows and cancellations."""
    rng = random.Random(SEED + day.toordinal())
    providers, desk = _staff_ids()
    count = _patient_count()
    types, confirmed = _type_ids(), _status_ids()[-1]
    booked: list[dict[str, object]] = []
    visits: list[list[tuple[Stage, dt.datetime]]] = []
    for slot in range(rng.randrange(30, 41)):
        start = _at(day, 15 * (slot // len(providers)) * 2 + rng.choice((0, 15)), zone)
        provider = providers[slot % len(providers)]
        patient = rng.randrange(1, count + 1)
        kind = rng.choices(types, weights=(1, 12, 2))[0]
        booked.append(
            {
                "patient": patient,
                "provider": provider,
                "start": utc_naive(start),
                "type": kind,
                "status": confirmed,
            }
        )
        outcome = rng.random()
        if outcome < 0.05:
            visits.append([(Stage.NO_SHOW, start + dt.timedelta(minutes=15))])
        elif outcome < 0.09:
            visits.append([(Stage.CANCELLED, start - dt.timedelta(hours=3))])
        else:
            visits.append(_full_visit(rng, start))
    _booked_visits(day, booked, visits, desk)


def _booked_visits(
    day: dt.date,
    booked: list[dict[str, object]],
    visits: list[list[tuple[Stage, dt.datetime]]],
    by: int,
) -> None:
    """A day's appointments, each with its visit and the visit's events, in three
    statements (a row at a time, the demo's six weeks of history took seconds). Inside
    the demo's transaction both stores number a statement's rows one after another, in
    the order given, so the ids each statement returns, in order, pair with its rows."""
    if not booked:
        return
    appointments = _ids(Appointment.insert_many(booked), Appointment)
    visit_ids = _ids(
        Visit.insert_many(
            [
                {
                    "patient": appointment["patient"],
                    "appointment": appointment_id,
                    "date": day,
                    "stage": steps[-1][0],
                    "provider": appointment["provider"],
                    "room": None,
                }
                for appointment_id, appointment, steps in zip(
                    appointments, booked, visits, strict=True
                )
            ]
        ),
        Visit,
    )
    VisitEvent.insert_many(
        [
            {"visit": visit_id, "stage": stage, "at": utc_naive(at), "by": by}
            for visit_id, steps in zip(visit_ids, visits, strict=True)
            for stage, at in steps
        ]
    ).execute()


def _ids(insert: ModelInsert, model: type[Model]) -> list[int]:
    """The new rows' ids, in the order the rows were given (a file's last id alone was
    not an answer on the server, where an insert returns its rows)."""
    return sorted(
        int(row[0]) for row in insert.returning(model._meta.primary_key).tuples().execute()
    )


def _type_ids() -> list[int]:
    """New patient, Regular, Re-exam: the types migration 0013 gives every practice."""
    names = ("New patient", "Regular", "Re-exam")
    found = {t.name: t.id for t in AppointmentType.select().where(AppointmentType.name.in_(names))}
    return [found[name] for name in names]


def _status_ids() -> list[int]:
    """Unconfirmed, Left message, Confirmed."""
    query = ConfirmationStatus.select().order_by(ConfirmationStatus.position)
    return [s.id for s in query][:3]


def _full_visit(rng: random.Random, start: dt.datetime) -> list[tuple[Stage, dt.datetime]]:
    at = start + dt.timedelta(minutes=rng.randint(-10, 6))
    steps = []
    for stage, low, high in (
        (Stage.ARRIVED, 0, 0),
        (Stage.ROOMED, 2, 18),
        (Stage.WITH_PROVIDER, 1, 10),
        (Stage.CHECKOUT, 8, 30),
        (Stage.DONE, 2, 8),
    ):
        at += dt.timedelta(minutes=rng.randint(low, high), seconds=rng.randint(0, 59))
        steps.append((stage, at))
    return steps


def _visit(
    appointment: Appointment | None,
    day: dt.date,
    steps: list[tuple[Stage, dt.datetime]],
    by: int,
    patient: int | None = None,
    room: int | None = None,
) -> Visit:
    visit: Visit = Visit.create(
        patient=patient if patient is not None else appointment.patient_id,  # type: ignore[union-attr]
        appointment=appointment,
        date=day,
        stage=steps[-1][0],
        provider=appointment.provider_id if appointment else None,
        room=room,
    )
    VisitEvent.insert_many(
        [{"visit": visit.id, "stage": stage, "at": utc_naive(at), "by": by} for stage, at in steps]
    ).execute()
    return visit


def _close_day(day: dt.date, zone: dt.tzinfo) -> None:
    """The old live day ends: who was still in is done, who never came is a no-show."""
    rng = random.Random(SEED + day.toordinal())
    _, desk = _staff_ids()
    end = _at(day, 10 * 60, zone)
    for visit in Visit.select().where(Visit.date == day, Visit.stage.not_in(_ENDED)):
        VisitEvent.create(visit=visit.id, stage=Stage.DONE, at=utc_naive(end), by=desk)
        visit.stage = Stage.DONE
        visit.save()
    start, stop = _at(day, -8 * 60, zone), _at(day, 16 * 60, zone)
    waiting = (
        Appointment.select()
        .join(Visit, JOIN.LEFT_OUTER, on=(Visit.appointment == Appointment.id))
        .where(Appointment.start.between(utc_naive(start), utc_naive(stop)), Visit.id.is_null())
    )
    for appointment in waiting:
        late = dt.timedelta(minutes=rng.randint(15, 30))
        _visit(
            appointment,
            day,
            [(Stage.NO_SHOW, appointment.start.replace(tzinfo=dt.UTC) + late)],
            desk,
        )


_ENDED = (Stage.DONE, Stage.NO_SHOW, Stage.CANCELLED, Stage.LEFT)


def _live_day(now: dt.datetime, zone: dt.tzinfo) -> None:
    """About 40 appointments around now, and the office already moving."""
    day = now.astimezone(zone).date()
    rng = random.Random(SEED + day.toordinal())
    providers, desk = _staff_ids()
    rooms = [r.id for r in Room.select().order_by(Room.position)]
    count = _patient_count()
    # Slots every 15 minutes per provider, from 3 h before now to 3.5 h after.
    base = now.replace(second=0, microsecond=0)
    base -= dt.timedelta(minutes=base.minute % 15)
    slots = [base + dt.timedelta(minutes=15 * k) for k in range(-12, 15)]
    used_patients: set[int] = set()
    appointments = []
    # A generator of its own: the day's other draws (and so the board) stay as they were.
    confirming = random.Random(SEED - day.toordinal())
    for index, start in enumerate(slots):
        for p, provider in enumerate(providers):
            if (index + p) % 2:  # each provider every half hour, staggered
                continue
            patient = rng.randrange(1, count + 1)
            while patient in used_patients:
                patient = rng.randrange(1, count + 1)
            used_patients.add(patient)
            kind = rng.choices(_type_ids(), weights=(1, 10, 2))[0]
            appointments.append(
                Appointment.create(
                    patient=patient,
                    provider=provider,
                    start=utc_naive(start),
                    type=kind,
                    status=confirming.choices(_status_ids(), weights=(2, 1, 7))[0],
                )
            )
    # The recent past is scripted, so the board always shows each kind of moment:
    # (stage reached, minutes in it). Earlier appointments are done.
    script = [
        (Stage.ARRIVED, 2.5),
        (Stage.ARRIVED, 12.3),  # waiting long enough to warn
        (Stage.ROOMED, 4.2),
        (Stage.WITH_PROVIDER, 8.7),
        (Stage.ARRIVED, 23.5),  # waiting long enough to alert
        (Stage.WITH_PROVIDER, 16.1),
        (Stage.CHECKOUT, 3.4),
        (Stage.ROOMED, 11.8),
        (Stage.CHECKOUT, 1.2),
    ]
    started = sorted(
        (
            a
            for a in appointments
            if a.start.replace(tzinfo=dt.UTC) <= now + dt.timedelta(minutes=5)
        ),
        key=lambda a: a.start,
        reverse=True,
    )
    late = next(
        a for a in started if a.start.replace(tzinfo=dt.UTC) <= now - dt.timedelta(minutes=14)
    )
    no_show = started[len(started) * 2 // 3]
    free_rooms = list(rooms)
    for appointment in started:
        start = appointment.start.replace(tzinfo=dt.UTC)
        if appointment is late:
            continue  # still expected
        if appointment is no_show:
            _visit(appointment, day, [(Stage.NO_SHOW, start + dt.timedelta(minutes=15))], desk)
            continue
        if script:
            stage, minutes = script.pop(0)
            steps = _steps_back_from(rng, stage, now - dt.timedelta(minutes=minutes))
            room = free_rooms.pop(0) if stage in (Stage.ROOMED, Stage.WITH_PROVIDER) else None
            _visit(appointment, day, steps, desk, room=room)
        else:
            _visit(appointment, day, _full_visit(rng, start), desk)
    # A walk-in who came in a few minutes ago.
    walk_in = rng.randrange(1, count + 1)
    while walk_in in used_patients:
        walk_in = rng.randrange(1, count + 1)
    _visit(None, day, [(Stage.ARRIVED, now - dt.timedelta(minutes=6, seconds=20))], desk, walk_in)


def _steps_back_from(
    rng: random.Random, stage: Stage, entered: dt.datetime
) -> list[tuple[Stage, dt.datetime]]:
    """The stages up to `stage`, entered at `entered`, laid back in time before it."""
    order = (Stage.ARRIVED, Stage.ROOMED, Stage.WITH_PROVIDER, Stage.CHECKOUT)
    reached = order[: order.index(stage) + 1]
    steps = [(stage, entered)]
    at = entered
    for earlier in reversed(reached[:-1]):
        at -= dt.timedelta(minutes=rng.randint(3, 14), seconds=rng.randint(0, 59))
        steps.insert(0, (earlier, at))
    return steps


# -- stats ----------------------------------------------------------------------------

POSTS = (
    "Doctor",
    "Office Manager",
    "Receptionist",
    "Chiropractic Assistant",
    "Insurance & Billing",
)

#: (short name, name, unit, post, source, computed or formula, up is good, weekly quota,
#:  daily, typical weekly value, weekly growth)
STATS: tuple[
    tuple[str, str, str, str, str, str | None, bool, float | None, bool, float, float], ...
] = (
    (
        "visits",
        "Patient visits",
        "count",
        "Doctor",
        "computed",
        "visits",
        True,
        180,
        False,
        160,
        0.004,
    ),
    (
        "new_patients",
        "New patients",
        "count",
        "Office Manager",
        "computed",
        "new_patients",
        True,
        12,
        False,
        11,
        0.004,
    ),
    (
        "no_shows",
        "No-shows",
        "count",
        "Receptionist",
        "computed",
        "no_shows",
        False,
        None,
        False,
        9,
        -0.002,
    ),
    (
        "cancellations",
        "Cancellations",
        "count",
        "Receptionist",
        "computed",
        "cancellations",
        False,
        None,
        False,
        7,
        -0.001,
    ),
    (
        "average_wait",
        "Average wait (min)",
        "minutes",
        "Receptionist",
        "computed",
        "average_wait",
        False,
        None,
        False,
        10,
        -0.002,
    ),
    (
        "visit_length",
        "Average visit (min)",
        "minutes",
        "Chiropractic Assistant",
        "computed",
        "average_visit_length",
        False,
        None,
        False,
        37,
        -0.001,
    ),
    (
        "collections",
        "Collections",
        "money",
        "Insurance & Billing",
        "entered",
        None,
        True,
        30000,
        False,
        24000,
        0.005,
    ),
    (
        "services",
        "Services billed",
        "money",
        "Insurance & Billing",
        "entered",
        None,
        True,
        None,
        False,
        27000,
        0.005,
    ),
    (
        "claims",
        "Claims submitted",
        "count",
        "Insurance & Billing",
        "entered",
        None,
        True,
        None,
        False,
        140,
        0.003,
    ),
    (
        "referrals",
        "Referrals received",
        "count",
        "Office Manager",
        "entered",
        None,
        True,
        8,
        False,
        5,
        0.004,
    ),
    (
        "reactivations",
        "Reactivations",
        "count",
        "Receptionist",
        "entered",
        None,
        True,
        10,
        False,
        6,
        0.003,
    ),
    (
        "booked",
        "Appointments booked",
        "count",
        "Receptionist",
        "entered",
        None,
        True,
        170,
        True,
        155,
        0.004,
    ),
    (
        "pva",
        "PVA (visits per new patient)",
        "count",
        "Doctor",
        "formula",
        "visits / new_patients",
        True,
        None,
        False,
        0,
        0,
    ),
    (
        "per_visit",
        "Collections per visit",
        "money",
        "Insurance & Billing",
        "formula",
        "collections / visits",
        True,
        None,
        False,
        0,
        0,
    ),
    (
        "collection_rate",
        "Collection rate (%)",
        "percent",
        "Insurance & Billing",
        "formula",
        "collections / services * 100",
        True,
        95,
        False,
        0,
        0,
    ),
)
STAT_HISTORY_WEEKS = 104


def open_demo_stats(now: dt.datetime, this_week: dt.date, computed_from: dt.date) -> bool:
    """The demo's posts and stats, with two years of weekly history. True if created now.

    Typed stats get values up to last week (this week is left to type); computed
    stats get stored values only for weeks before `computed_from` — the caller
    counts later weeks from the demo's own patient flow.
    """
    if Stat.select().exists():
        return False
    rng = random.Random(SEED + 7)
    staff = {s.role: s.id for s in Staff.select()}
    posts = {}
    for position, title in enumerate(POSTS):
        posts[title] = Post.create(title=title, position=position).id
    enters = {
        "Receptionist": staff.get(Role.FRONT_DESK),
        "Insurance & Billing": staff.get(Role.OFFICE_MANAGER),
    }
    rows = []
    for position, (
        short,
        name,
        unit,
        post,
        source,
        how,
        up,
        quota,
        daily,
        typical,
        growth,
    ) in enumerate(STATS):
        stat = Stat.create(
            name=name,
            short_name=short,
            unit=unit,
            post=posts[post],
            entered_by=enters.get(post, staff.get(Role.OFFICE_MANAGER)),
            daily=daily,
            weekly=True,
            up_is_good=up,
            quota=quota,
            source=source,
            computed=how if source == "computed" else None,
            formula=how if source == "formula" else None,
            rollup="sum",
            position=position,
            created=utc_naive(now - dt.timedelta(weeks=STAT_HISTORY_WEEKS + 1)),
        )
        if source == "formula":
            continue
        last = this_week - dt.timedelta(weeks=1)
        for back in range(STAT_HISTORY_WEEKS, 0, -1):
            week = this_week - dt.timedelta(weeks=back)
            if source == "computed" and week >= computed_from:
                continue
            level = typical / (1 + growth) ** back  # grown to `typical` by now
            season = 1 + 0.08 * math.sin((week.toordinal() / 7) * 2 * math.pi / 52)
            dip = 0.7 if 30 <= back <= 33 else 1.0  # a bad month a while ago
            value = level * season * dip * rng.uniform(0.88, 1.12)
            value = (
                round(value, 2) if unit == "money" else round(value, 1 if unit == "minutes" else 0)
            )
            if daily and week == last:
                continue  # last week's booked appointments were typed day by day, below
            rows.append(
                {
                    "stat": stat.id,
                    "period": "week",
                    "day": week,
                    "value": value,
                    "at": utc_naive(now),
                }
            )
        if daily:
            for offset in range(1, 6):
                day = last - dt.timedelta(days=7 - offset)
                rows.append(
                    {
                        "stat": stat.id,
                        "period": "day",
                        "day": day,
                        "value": float(rng.randint(25, 38)),
                        "at": utc_naive(now),
                    }
                )
    for start in range(0, len(rows), 500):
        StatValue.insert_many(rows[start : start + 500]).execute()
    return True
