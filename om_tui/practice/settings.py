"""Practice-wide settings: name, time zone, stage thresholds, lateness."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field

from peewee import Database

from db.kinds import SettingKey, Stage
from db.store import rows
from om_tui.practice import limits
from om_tui.practice.people.roles import checked
from om_tui.practice.refusal import Refusal
from om_tui.practice.seen import require_unchanged

NAME = SettingKey.PRACTICE_NAME
TIMEZONE = SettingKey.TIMEZONE
THRESHOLDS = SettingKey.THRESHOLDS
LATE_AFTER = SettingKey.LATE_AFTER
NO_SHOW_AFTER = SettingKey.NO_SHOW_AFTER


@dataclass(frozen=True)
class Thresholds:
    """Minutes in a stage after which the board warns, then alerts."""

    warn: int
    alert: int


DEFAULT_THRESHOLDS: dict[Stage, Thresholds] = {
    Stage.ARRIVED: Thresholds(10, 20),
    Stage.ROOMED: Thresholds(10, 20),
    Stage.WITH_PROVIDER: Thresholds(30, 45),
    Stage.CHECKOUT: Thresholds(5, 10),
}
DEFAULT_LATE_AFTER = 10
DEFAULT_IDLE_LOCK_MINUTES = 10
IDLE_LOCK_RANGE = (1, 240)


class SettingError(Refusal, ValueError):
    """A setting value a person gave that cannot be used; the message says why."""


@dataclass(frozen=True)
class PracticeSettings:
    name: str = "Practice"
    timezone: str = "UTC"
    thresholds: dict[Stage, Thresholds] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    late_after_minutes: int = DEFAULT_LATE_AFTER
    no_show_after_minutes: int = 0  # a booking unarrived this long is a no-show (0: never)

    @property
    def zone(self) -> dt.tzinfo:
        return zone_named(self.timezone)

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.zone)

    def today(self, now: dt.datetime) -> dt.date:
        return self.local(now).date()

    def day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The UTC instants where a practice-local day begins and the next begins."""
        from om_tui.practice.periods import days_span  # arrow: not on the login's path

        return days_span(day, day, self.zone)


def zone_named(name: str) -> dt.tzinfo:
    if name == "local":
        zone = dt.datetime.now().astimezone().tzinfo
        return zone if zone is not None else dt.UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # not before the login: a quicker start

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(f"Unknown time zone: {name!r}") from None


def system_timezone_name() -> str:
    """The machine's IANA zone name where it can be found, else "local"."""
    try:
        link = os.readlink("/etc/localtime")
    except OSError:
        return "local"
    marker = "zoneinfo/"
    return link.split(marker, 1)[1] if marker in link else "local"


def load(database: Database) -> PracticeSettings:
    # Plain SQL, not the models: the login screen shows the practice's name before they load.
    stored = {key: value for key, value in rows(database, 'SELECT "key", "value" FROM setting')}
    return PracticeSettings(
        name=stored.get(NAME, "Practice"),
        timezone=stored.get(TIMEZONE, "UTC"),
        thresholds=_stored_thresholds(stored.get(THRESHOLDS)),
        late_after_minutes=stored_minutes(stored.get(LATE_AFTER), DEFAULT_LATE_AFTER),
        no_show_after_minutes=stored_minutes(stored.get(NO_SHOW_AFTER), 0),
    )


def idle_lock_minutes(database: Database) -> int:
    """Minutes without a key or mouse before a terminal locks itself."""
    stored = get(database, SettingKey.IDLE_LOCK)
    return stored_minutes(stored, DEFAULT_IDLE_LOCK_MINUTES, IDLE_LOCK_RANGE[1])


def stored_minutes(text: str | None, default: int, longest: int = limits.LONGEST_MINUTES) -> int:
    """Minutes as the file keeps them; what is not a whole number from 1 to `longest`
    (a file edited by hand, "inf") is the default, not a crash on every screen."""
    try:
        minutes = int(text) if text is not None else default
    except ValueError:
        return default
    return minutes if 1 <= minutes <= longest else default


def _stored_thresholds(text: str | None) -> dict[Stage, Thresholds]:
    """Each stage's thresholds as the file keeps them; a stage whose pair cannot be read
    (or makes no sense: an alert before its warning) keeps its default."""
    thresholds = dict(DEFAULT_THRESHOLDS)
    try:
        stored = json.loads(text or "{}")
        pairs = list(stored.items()) if isinstance(stored, dict) else []
    except ValueError:
        pairs = []
    for stage_name, pair in pairs:
        try:
            stage = Stage(stage_name)
            warn, alert = (stored_minutes(str(minutes), 0) for minutes in pair)
        except (TypeError, ValueError):
            continue
        if stage in thresholds and 0 < warn < alert:
            thresholds[stage] = Thresholds(warn, alert)
    return thresholds


def put(database: Database, key: str, value: str) -> None:
    """The store's writer of one setting, for the practice layer's own use (a backup's time,
    the checked setters below): what a person changes goes through those setters."""
    from db.models import Setting

    with database.atomic():
        Setting.insert(key=key, value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}
        ).execute()


def get(database: Database, key: str) -> str | None:
    found = rows(database, 'SELECT "value" FROM setting WHERE "key" = ?', (key,))
    return str(found[0][0]) if found else None


@checked("settings", "changes the practice's settings")
def set_name(database: Database, name: str, *, by: int | None) -> None:
    """The practice's name, shown on every screen: never empty, never longer than fits."""
    name = " ".join(name.split())
    if not name:
        raise SettingError("The practice needs a name (it is shown on every screen).")
    put(database, NAME, limits.checked_text(name, limits.PRACTICE_NAME, SettingError))


@checked("settings", "changes the practice's settings")
def set_threshold(
    database: Database, stage: Stage, warn: int, alert: int, *, by: int | None
) -> None:
    if stage not in DEFAULT_THRESHOLDS:
        names = ", ".join(s.value for s in DEFAULT_THRESHOLDS)
        raise SettingError(f"Thresholds are kept for these stages only: {names}.")
    if warn <= 0 or alert <= warn:
        raise SettingError("The alert must come after the warning, and both after 0 minutes.")
    limits.checked_minutes(alert, "An alert", SettingError)
    current = load(database).thresholds
    current[stage] = Thresholds(warn, alert)
    put(
        database,
        THRESHOLDS,
        json.dumps({s.value: [t.warn, t.alert] for s, t in current.items()}, sort_keys=True),
    )


@checked("settings", "changes the practice's settings")
def set_late_after(database: Database, minutes: int, *, by: int | None) -> None:
    if minutes <= 0:
        raise SettingError("Late must be a positive number of minutes.")
    limits.checked_minutes(minutes, "Late", SettingError)
    put(database, LATE_AFTER, str(minutes))


@checked("settings", "changes the practice's settings")
def set_no_show_after(
    database: Database, minutes: int, *, by: int | None, seen: int | None = None
) -> None:
    """A booking not checked in `minutes` after its start shows as a no-show; 0: never.
    `seen`: the minutes a screen showed (refused if another terminal changed them)."""
    if minutes < 0 or minutes > 24 * 60:
        raise SettingError("No-show after: minutes from 0 (never) to 1440.")
    if seen is not None:
        current = {"minutes": load(database).no_show_after_minutes}
        require_unchanged("The no-show rule", current, {"minutes": seen})
    put(database, NO_SHOW_AFTER, str(minutes))


@checked("settings", "changes the practice's settings")
def set_timezone(database: Database, name: str, *, by: int | None) -> None:
    zone_named(name)
    put(database, TIMEZONE, name)
