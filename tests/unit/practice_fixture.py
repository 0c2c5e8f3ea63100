"""A small hand-made practice for the flow tests: a few patients, staff, rooms, one day.

The day is Wednesday 18 November 2026 in New York (EST, UTC-5), so a local
evening is already the next day in UTC — the day boundary tests rely on that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from peewee import Database

from db.models import Appointment, Patient, Role, Room, Staff, utc_naive
from om_tui.practice import settings
from om_tui.practice.flow.board import BoardRow
from om_tui.practice.flow.moves import Flow
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule.types import type_named

ZONE_NAME = "America/New_York"
ZONE = ZoneInfo(ZONE_NAME)
DAY = dt.date(2026, 11, 18)


def local(hour: int, minute: int = 0, second: int = 0, day: dt.date = DAY) -> dt.datetime:
    """An instant given in the practice's own time, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=ZONE)


# (key, first, last, appointment time on DAY or None for a walk-in, kind)
PATIENTS: tuple[tuple[str, str, str, tuple[int, int] | None, str], ...] = (
    ("ann", "Ann", "Able", (9, 0), "Regular"),
    ("ben", "Ben", "Baker", (9, 30), "Regular"),
    ("hal", "Hal", "Hughes", (9, 45), "Re-exam"),
    ("cal", "Cal", "Carter", (10, 0), "New patient"),
    ("dee", "Dee", "Dunn", (10, 30), "Regular"),
    # Booked out of start order, so that sorting by id and by start differ.
    ("fay", "Fay", "Fox", (11, 0), "Regular"),
    ("ida", "Ida", "Irwin", (10, 45), "Regular"),
    ("eve", "Eve", "Evans", None, ""),
    ("gus", "Gus", "Grant", None, ""),
)


@dataclass
class Practice:
    """Ids of what the fixture made, by the short names the tests use."""

    desk: int
    provider: int
    other_provider: int
    retired_provider: int
    rooms: list[int]
    patients: dict[str, int] = field(default_factory=dict)
    appointments: dict[str, int] = field(default_factory=dict)

    def row(self, flow: Flow, who: str, day: dt.date | None = None) -> BoardRow:
        """The one board row of patient `who` (the test fails if there is not exactly one)."""
        patient_id = self.patients[who]
        rows = [r for r in flow.board(day).rows if r.patient_id == patient_id]
        assert len(rows) == 1, f"{who} has {len(rows)} rows on the board"
        return rows[0]

    def rows(self, flow: Flow, who: str, day: dt.date | None = None) -> list[BoardRow]:
        patient_id = self.patients[who]
        return [r for r in flow.board(day).rows if r.patient_id == patient_id]


def build_practice(database: Database) -> Practice:
    settings.set_timezone(database, ZONE_NAME, by=ADMINISTRATOR)
    settings.put(database, settings.NAME, "Test Chiropractic")
    desk = Staff.create(name="Jo Desk", initials="JD", role=Role.FRONT_DESK)
    provider = Staff.create(name="Dr. Pat Chen", initials="PC", role=Role.OWNER, provider=True)
    other = Staff.create(name="Dr. Lou Webb", initials="LW", role=Role.STAFF, provider=True)
    retired = Staff.create(
        name="Dr. Old Hand", initials="OH", role=Role.STAFF, provider=True, active=False
    )
    rooms = [Room.create(name=f"Room {n}", position=n).id for n in (1, 2, 3)]
    practice = Practice(
        desk=desk.id,
        provider=provider.id,
        other_provider=other.id,
        retired_provider=retired.id,
        rooms=rooms,
    )
    created = utc_naive(local(8, 0) - dt.timedelta(days=400))
    for number, (key, first, last, booked, kind) in enumerate(PATIENTS):
        patient = Patient.create(
            first_name=first,
            last_name=last,
            dob=dt.date(1980, 1, 1) + dt.timedelta(days=number * 400),
            phone=f"555-010-{number:04d}",
            chart_number=str(200001 + number),
            created=created,
        )
        practice.patients[key] = patient.id
        if booked is not None:
            appointment = Appointment.create(
                patient=patient.id,
                provider=provider.id,
                start=utc_naive(local(*booked)),
                type=type_named(kind).id,
            )
            practice.appointments[key] = appointment.id
    return practice
