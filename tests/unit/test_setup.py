"""The first run's rules: when a practice needs setting up, and that setup writes all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import Database

from db.models import Role, Setting, SettingKey, Staff
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people import audit
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.staff import People, PeopleError, verify_secret
from om_tui.practice.schedule.rooms import RoomError
from om_tui.practice.setup import (
    PracticeSetup,
    SetupError,
    check_providers,
    check_rooms,
    check_timezone,
    defaults,
    names_in,
    needs_setup,
    set_up,
    week_end_time,
)
from om_tui.practice.stats.weeks import WeekEnds, week_ends_of

from .practice_fixture import Practice


def setup(**changes: object) -> PracticeSetup:
    fields: dict[str, object] = {
        "practice": "Lakeview Chiropractic",
        "timezone": "America/Chicago",
        "week_ends": WeekEnds(4, dt.time(17, 30)),
        "name": "Dana Reyes",
        "role": Role.OWNER,
        "secret": "2580",
    }
    fields.update(changes)
    return PracticeSetup(**fields)  # type: ignore[arg-type]


def test_a_new_database_needs_setup_until_someone_can_log_in(
    database: Database, clock: FrozenClock
) -> None:
    assert needs_setup(database, clock)
    people = People(database, clock, ADMINISTRATOR)
    desk = people.add("Jo Desk", Role.FRONT_DESK)  # on the list, but no PIN: nobody can log in
    assert needs_setup(database, clock)
    people.set_secret(desk, "1111")
    assert not needs_setup(database, clock)


def test_the_demo_needs_no_setup(database: Database, clock: FrozenClock) -> None:
    settings.put(database, SettingKey.DEMO_DAY, "2026-11-18")
    assert not needs_setup(database, clock)


def test_set_up_writes_the_practice_and_its_first_person(
    database: Database, clock: FrozenClock
) -> None:
    staff_id = set_up(database, clock, setup(provider=True, initials="DR"))
    dana = Staff.get_by_id(staff_id)
    assert (dana.name, dana.role, dana.initials, dana.provider) == (
        "Dana Reyes",
        Role.OWNER,
        "DR",
        True,
    )
    assert dana.secret.startswith("$argon2id$") and verify_secret(dana.secret, "2580")
    stored = settings.load(database)
    assert (stored.name, stored.timezone) == ("Lakeview Chiropractic", "America/Chicago")
    assert week_ends_of(database) == WeekEnds(4, dt.time(17, 30))
    assert not needs_setup(database, clock)
    [login] = [e for e in audit.read(database, stored).entries if e.action == "login"]
    assert (login.staff_id, login.subject) == (staff_id, "Dana Reyes")  # they are in


def test_a_failure_half_way_writes_nothing(database: Database, clock: FrozenClock) -> None:
    """The initials are checked after the settings are written: all of it goes back."""
    with pytest.raises(PeopleError):
        set_up(database, clock, setup(initials="TOOLONG"))
    assert not Setting.select().exists()
    assert not Staff.select().exists()


def test_a_second_setup_is_refused(database: Database, clock: FrozenClock) -> None:
    set_up(database, clock, setup())
    with pytest.raises(SetupError, match="set up on another terminal"):
        set_up(database, clock, setup(practice="Another", name="Someone Else"))
    assert settings.load(database).name == "Lakeview Chiropractic"
    assert [s.name for s in Staff.select()] == ["Dana Reyes"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"practice": "  "}, "The practice needs a name"),
        ({"timezone": "Mars/Olympus"}, "is not a time zone name"),
        ({"timezone": "local"}, "is not a time zone name"),
        ({"role": Role.FRONT_DESK}, "the owner or the office manager"),
        ({"secret": "12"}, "at least 4 digits"),
        ({"name": ""}, "needs a name"),
    ],
)
def test_what_setup_refuses(
    database: Database, clock: FrozenClock, changes: dict[str, object], message: str
) -> None:
    with pytest.raises((SetupError, PeopleError), match=message):
        set_up(database, clock, setup(**changes))
    assert not Setting.select().exists()
    assert not Staff.select().exists()


def test_a_practice_from_before_logins_gives_its_person_the_pin(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    """Its staff are on the list without PINs; the person named in setup is one of them."""
    before = Staff.select().count()
    name = Staff.get_by_id(practice.desk).name
    staff_id = set_up(database, clock, setup(name=f" {name.upper()} "))
    assert staff_id == practice.desk  # the desk person, now the owner, with a PIN
    assert Staff.select().count() == before
    desk = Staff.get_by_id(practice.desk)
    assert desk.role == Role.OWNER and verify_secret(desk.secret, "2580")
    assert desk.name == name  # their name as it was written


def test_time_zones_and_times_of_day() -> None:
    assert check_timezone(" america/new_york ") == "America/New_York"
    assert check_timezone("UTC") == "UTC"
    with pytest.raises(SetupError):
        check_timezone("../../etc/passwd")
    assert week_end_time("9") == dt.time(9)
    assert week_end_time("14:05") == dt.time(14, 5)
    assert week_end_time("2pm") == dt.time(14)  # read as everywhere else
    for bad in ("", "24:00", "12:60"):
        with pytest.raises(SetupError):
            week_end_time(bad)


def test_defaults_keep_what_is_stored(database: Database) -> None:
    assert defaults(database).week_ends == WeekEnds()
    assert defaults(database).practice == ""
    settings.put(database, settings.NAME, "Lakeview Chiropractic")
    settings.set_timezone(database, "Europe/Dublin", by=ADMINISTRATOR)
    assert defaults(database).practice == "Lakeview Chiropractic"
    assert defaults(database).timezone == "Europe/Dublin"


def test_setup_gives_the_book_its_providers_rooms_and_open_hours(
    database: Database, clock: FrozenClock
) -> None:
    from db.models import Room
    from om_tui.practice.schedule.hours import week_hours

    set_up(
        database,
        clock,
        setup(
            open_hours="8-12 13-18",
            providers=names_in("Dr. Marcus Webb,  dr. marcus webb , Dr. Priya Patel"),
            rooms=names_in("Room 1, Room 2"),
        ),
    )
    providers = Staff.select().where(Staff.provider == True).order_by(Staff.name)  # noqa: E712
    assert [(s.name, s.role, s.secret) for s in providers] == [
        ("Dr. Marcus Webb", Role.STAFF, None),  # the manager gives them a PIN
        ("Dr. Priya Patel", Role.STAFF, None),
    ]
    assert [r.name for r in Room.select().order_by(Room.position)] == ["Room 1", "Room 2"]
    assert sorted(week_hours(None)) == [0, 1, 2, 3, 4]


def test_the_books_answers_are_checked_and_a_bad_one_writes_nothing(
    database: Database, clock: FrozenClock
) -> None:
    with pytest.raises(SetupError, match="is you"):
        check_providers("Dana Reyes", "Dana  Reyes")
    with pytest.raises(SetupError):
        check_providers("Dr. <script>")
    with pytest.raises(RoomError, match="at most"):
        check_rooms("x" * 200)
    with pytest.raises(SetupError, match="is you"):
        set_up(database, clock, setup(providers=("Dana Reyes",), rooms=("Room 1",)))
    assert not Staff.select().exists() and not Setting.select().exists()
