"""The store: peewee models, opening the database, migrations, the demo practice."""

from db.models import (
    MODELS,
    Appointment,
    AppointmentKind,
    Patient,
    Role,
    Room,
    Setting,
    SettingKey,
    Staff,
    Stage,
    Visit,
    VisitEvent,
)
from db.store import StoreError, default_path, open_database

__all__ = [
    "MODELS",
    "Appointment",
    "AppointmentKind",
    "Patient",
    "Role",
    "Room",
    "Setting",
    "SettingKey",
    "Stage",
    "Staff",
    "StoreError",
    "Visit",
    "VisitEvent",
    "default_path",
    "open_database",
]
