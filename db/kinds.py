"""The store's kinds (a visit's stage, a person's role, a setting's key), apart from the
models: the login screen and the start read them without importing peewee's models."""

from __future__ import annotations

from enum import StrEnum


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
    DEMO_HATS_DAY = "demo.hats_day"  # the demo's hat ticks are filled in up to this day
    WEEK_ENDS = "stats.week_ends"  # weekday and local time the stats week ends: "3 14:00"
    OPEN_DAYS = "hats.open_days"  # weekdays the office is open (daily items due): "0 1 2 3 4"
    LAST_BACKUP = "backup.last"  # when the last good backup was taken, UTC ISO 8601
    IDLE_LOCK = "login.idle_lock_minutes"  # the screen locks after this long without input
    SLOT_MINUTES = "schedule.slot_minutes"  # the book's rows: 5, 10, 15, 20, 30 or 60
    NO_SHOW_AFTER = "schedule.no_show_after_minutes"  # unarrived this long: a no-show (0: never)
    HIRING_KEEP_DAYS = "hiring.keep_days"  # candidates are deleted this long after closing
    LEAVING_ITEMS = "leaving.items"  # the practice's own off-boarding checklist: JSON list
