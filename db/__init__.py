"""The store: peewee models, opening the database, migrations, the demo practice.

The models (db/models.py) are imported when first used, not with the package: the login
screen reads without them (a quicker start)."""

from typing import TYPE_CHECKING, Any

from db.kinds import Role, SettingKey, Stage
from db.store import StoreError, close_database, default_path, open_database, problem

if TYPE_CHECKING:
    from db.models import (
        MODELS,
        Appointment,
        Attestation,
        ChecklistItem,
        ChecksheetStep,
        ConditionOverride,
        Duty,
        Frequency,
        HatHolder,
        Leave,
        Patient,
        Policy,
        PolicyPost,
        PolicyVersion,
        Post,
        Room,
        Setting,
        Staff,
        Stat,
        StatSource,
        StatValue,
        StepSignoff,
        Tick,
        Visit,
        VisitEvent,
    )


def __getattr__(name: str) -> Any:
    """The models, imported when first asked for: opening a database needs none of them."""
    if name in _MODELS:
        from db import models

        return getattr(models, name)
    raise AttributeError(f"module 'db' has no attribute {name!r}")


__all__ = [
    "MODELS",
    "Appointment",
    "Attestation",
    "ChecklistItem",
    "ChecksheetStep",
    "ConditionOverride",
    "Duty",
    "Frequency",
    "HatHolder",
    "Leave",
    "Patient",
    "Policy",
    "PolicyPost",
    "PolicyVersion",
    "Post",
    "Role",
    "Room",
    "Setting",
    "SettingKey",
    "Staff",
    "Stage",
    "Stat",
    "StatSource",
    "StatValue",
    "StepSignoff",
    "StoreError",
    "Tick",
    "Visit",
    "VisitEvent",
    "close_database",
    "default_path",
    "open_database",
    "problem",
]

_MODELS = frozenset(__all__) - {
    "Role",
    "SettingKey",
    "Stage",
    "StoreError",
    "close_database",
    "default_path",
    "open_database",
    "problem",
}
