"""Practice settings: validation, defaults, time zones, and that they survive a reopen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from peewee import Database

from db import Stage, open_database
from om_tui.practice import settings
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.settings import (
    DEFAULT_LATE_AFTER,
    DEFAULT_THRESHOLDS,
    PracticeSettings,
    SettingError,
    Thresholds,
)


def test_a_fresh_database_has_the_defaults(database: Database) -> None:
    loaded = settings.load(database)
    assert loaded.name == "Practice"
    assert loaded.timezone == "UTC"
    assert loaded.thresholds == DEFAULT_THRESHOLDS
    assert loaded.late_after_minutes == DEFAULT_LATE_AFTER == 10


def test_set_threshold_changes_one_stage_only(database: Database) -> None:
    settings.set_threshold(database, Stage.ROOMED, 3, 7, by=ADMINISTRATOR)
    settings.set_threshold(database, Stage.CHECKOUT, 1, 2, by=ADMINISTRATOR)
    thresholds = settings.load(database).thresholds
    assert thresholds[Stage.ROOMED] == Thresholds(3, 7)
    assert thresholds[Stage.CHECKOUT] == Thresholds(1, 2)
    assert thresholds[Stage.ARRIVED] == DEFAULT_THRESHOLDS[Stage.ARRIVED]
    assert thresholds[Stage.WITH_PROVIDER] == DEFAULT_THRESHOLDS[Stage.WITH_PROVIDER]


@pytest.mark.parametrize(
    ("warn", "alert"),
    [(10, 10), (10, 9), (0, 5), (-5, 5), (0, 0)],
    ids=["alert-equals-warn", "alert-before-warn", "warn-zero", "warn-negative", "both-zero"],
)
def test_set_threshold_refuses_an_alert_not_after_the_warning(
    database: Database, warn: int, alert: int
) -> None:
    with pytest.raises(SettingError, match="alert must come after the warning"):
        settings.set_threshold(database, Stage.ARRIVED, warn, alert, by=ADMINISTRATOR)
    assert settings.load(database).thresholds[Stage.ARRIVED] == DEFAULT_THRESHOLDS[Stage.ARRIVED]


@pytest.mark.parametrize("stage", [Stage.SCHEDULED, Stage.DONE, Stage.NO_SHOW])
def test_set_threshold_refuses_stages_without_a_timer(database: Database, stage: Stage) -> None:
    with pytest.raises(SettingError, match="these stages only"):
        settings.set_threshold(database, stage, 5, 10, by=ADMINISTRATOR)
    assert stage not in settings.load(database).thresholds


def test_set_late_after(database: Database) -> None:
    settings.set_late_after(database, 15, by=ADMINISTRATOR)
    assert settings.load(database).late_after_minutes == 15


@pytest.mark.parametrize("minutes", [0, -1])
def test_set_late_after_refuses_no_time_at_all(database: Database, minutes: int) -> None:
    with pytest.raises(SettingError, match="positive"):
        settings.set_late_after(database, minutes, by=ADMINISTRATOR)
    assert settings.load(database).late_after_minutes == DEFAULT_LATE_AFTER


def test_an_unknown_time_zone_is_refused_and_the_old_one_kept(database: Database) -> None:
    settings.set_timezone(database, "America/Chicago", by=ADMINISTRATOR)
    for wrong in ("Mars/Olympus_Mons", "", "../etc/passwd"):
        with pytest.raises(SettingError, match="Unknown time zone"):
            settings.set_timezone(database, wrong, by=ADMINISTRATOR)
    assert settings.load(database).timezone == "America/Chicago"


def test_settings_persist_across_reopen(db_path: Path) -> None:
    first = open_database(db_path)
    settings.put(first, settings.NAME, "Riverside Dental")
    settings.set_timezone(first, "Europe/Berlin", by=ADMINISTRATOR)
    settings.set_threshold(first, Stage.WITH_PROVIDER, 20, 40, by=ADMINISTRATOR)
    settings.set_late_after(first, 7, by=ADMINISTRATOR)
    first.close()

    again = open_database(db_path)
    try:
        loaded = settings.load(again)
        assert loaded.name == "Riverside Dental"
        assert loaded.timezone == "Europe/Berlin"
        assert loaded.zone == ZoneInfo("Europe/Berlin")
        assert loaded.thresholds[Stage.WITH_PROVIDER] == Thresholds(20, 40)
        assert loaded.late_after_minutes == 7
        assert settings.get(again, settings.NAME) == "Riverside Dental"
    finally:
        again.close()


def test_put_replaces_a_value(database: Database) -> None:
    settings.put(database, "some.key", "one")
    settings.put(database, "some.key", "two")
    assert settings.get(database, "some.key") == "two"
    assert settings.get(database, "missing.key") is None


def test_today_and_day_bounds_are_in_the_practice_zone() -> None:
    new_york = PracticeSettings(timezone="America/New_York")
    # 03:30 UTC on the 19th is still the evening of the 18th in New York.
    assert new_york.today(dt.datetime(2026, 11, 19, 3, 30, tzinfo=dt.UTC)) == dt.date(2026, 11, 18)
    start, end = new_york.day_bounds(dt.date(2026, 11, 18))
    assert start == dt.datetime(2026, 11, 18, 5, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 11, 19, 5, 0, tzinfo=dt.UTC)


def test_day_bounds_on_daylight_saving_days_are_not_24_hours() -> None:
    new_york = PracticeSettings(timezone="America/New_York")
    spring_start, spring_end = new_york.day_bounds(dt.date(2026, 3, 8))
    assert spring_end - spring_start == dt.timedelta(hours=23)
    autumn_start, autumn_end = new_york.day_bounds(dt.date(2026, 11, 1))
    assert autumn_end - autumn_start == dt.timedelta(hours=25)


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("   ", "The practice needs a name"),
        pytest.param("P" * 10_000, "The practice's name is at most 60 characters", id="long"),
        ("Lakeview\x07", "cannot hold control characters"),
    ],
)
def test_the_practices_name_is_never_empty_and_fits(
    database: Database, name: str, says: str
) -> None:
    with pytest.raises(SettingError, match=says):
        settings.set_name(database, name, by=ADMINISTRATOR)
    assert settings.load(database).name == "Practice"
    settings.set_name(database, "  Clínica   San José ", by=ADMINISTRATOR)
    assert settings.load(database).name == "Clínica San José"


def test_minutes_beyond_a_day_are_refused(database: Database) -> None:
    with pytest.raises(SettingError, match="1 to 1440 minutes"):
        settings.set_threshold(database, Stage.ARRIVED, 10, 10**12, by=ADMINISTRATOR)
    with pytest.raises(SettingError, match="1 to 1440 minutes"):
        settings.set_late_after(database, 10**9, by=ADMINISTRATOR)
    assert settings.load(database).thresholds[Stage.ARRIVED] == DEFAULT_THRESHOLDS[Stage.ARRIVED]


@pytest.mark.parametrize(
    ("key", "stored"),
    [
        (settings.THRESHOLDS, '{"arrived": ["inf", 20]}'),
        (settings.THRESHOLDS, '{"arrived": [30, 5], "nowhere": [1, 2]}'),
        (settings.THRESHOLDS, "not json"),
        (settings.LATE_AFTER, "inf"),
        (settings.LATE_AFTER, "1e308"),
        (settings.LATE_AFTER, "-5"),
    ],
)
def test_numbers_a_file_holds_that_make_no_sense_are_the_defaults(
    database: Database, key: str, stored: str
) -> None:
    """A file edited by hand must not stop every screen that reads the settings."""
    settings.put(database, key, stored)
    loaded = settings.load(database)
    assert loaded.thresholds[Stage.ARRIVED] == DEFAULT_THRESHOLDS[Stage.ARRIVED]
    assert loaded.late_after_minutes == DEFAULT_LATE_AFTER
