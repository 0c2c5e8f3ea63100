"""The practice's tables, as peewee models.

Models are declared unbound; `db.open_database` binds them to the database it
opens. The schema itself is created only by the numbered scripts in
`db/migrations/` — these classes must agree with them, and a test checks that.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


class Stage(StrEnum):
    """Where a visit stands. The stored value is the enum's value."""

    SCHEDULED = "scheduled"
    ARRIVED = "arrived"
    ROOMED = "roomed"
    WITH_PROVIDER = "with_provider"
    CHECKOUT = "checkout"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    LEFT = "left"  # left without being seen


class AppointmentKind(StrEnum):
    NEW_PATIENT = "new_patient"
    REGULAR = "regular"
    RE_EXAM = "re_exam"


class Role(StrEnum):
    FRONT_DESK = "front_desk"
    STAFF = "staff"
    OFFICE_MANAGER = "office_manager"
    OWNER = "owner"


class SettingKey(StrEnum):
    PRACTICE_NAME = "practice.name"
    TIMEZONE = "practice.timezone"
    THRESHOLDS = "flow.thresholds"
    LATE_AFTER = "flow.late_after_minutes"
    DEMO_DAY = "demo.day"


class BaseModel(Model):
    class Meta:
        legacy_table_names = False


class Setting(BaseModel):
    """One practice-wide setting, stored as text (JSON where structured)."""

    key = CharField(primary_key=True)
    value = TextField()


class Patient(BaseModel):
    id = AutoField()
    first_name = CharField()
    last_name = CharField()
    dob = DateField(null=True, index=True)  # indexed by migration 0002
    phone = CharField(default="")
    chart_number = CharField(unique=True)
    created = DateTimeField()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Staff(BaseModel):
    id = AutoField()
    name = CharField()
    initials = CharField()
    role = CharField()  # a Role
    provider = BooleanField(default=False)  # sees patients (a doctor may also be the owner)
    active = BooleanField(default=True)


class Room(BaseModel):
    id = AutoField()
    name = CharField(unique=True)
    position = IntegerField(default=0)


class Appointment(BaseModel):
    id = AutoField()
    patient = ForeignKeyField(Patient, backref="appointments", on_delete="CASCADE")
    provider = ForeignKeyField(Staff, null=True, backref="appointments")
    start = DateTimeField(index=True)  # UTC, naive
    length_minutes = IntegerField(default=30)
    kind = CharField(default="regular")  # new_patient, regular, re_exam
    patient_id: int
    provider_id: int | None


class Visit(BaseModel):
    id = AutoField()
    patient = ForeignKeyField(Patient, backref="visits", on_delete="CASCADE")
    appointment = ForeignKeyField(
        Appointment, null=True, unique=True, backref="visits", on_delete="SET NULL"
    )
    date = DateField(index=True)  # the practice-local day of the visit
    stage = CharField()  # current stage, kept equal to the latest live event
    room = ForeignKeyField(Room, null=True, backref="visits")
    provider = ForeignKeyField(Staff, null=True, backref="visits")
    patient_id: int
    appointment_id: int | None
    room_id: int | None
    provider_id: int | None


class VisitEvent(BaseModel):
    """A visit entered `stage` at `at`. Undone events stay, marked, for the record."""

    id = AutoField()
    visit = ForeignKeyField(Visit, backref="events", on_delete="CASCADE")
    stage = CharField()
    at = DateTimeField(index=True)  # UTC, naive
    by = ForeignKeyField(Staff, null=True, backref="events")
    undone_at = DateTimeField(null=True)
    visit_id: int
    by_id: int | None


MODELS: tuple[type[BaseModel], ...] = (
    Setting,
    Patient,
    Staff,
    Room,
    Appointment,
    Visit,
    VisitEvent,
)


def utc_naive(moment: dt.datetime) -> dt.datetime:
    """The form instants are stored in: UTC, without tzinfo."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def as_utc(stored: dt.datetime) -> dt.datetime:
    """A stored instant back as an aware UTC datetime."""
    return stored.replace(tzinfo=dt.UTC)
