"""People: PINs hashed with Argon2id, logins, lockouts on a frozen clock, roles, the roster."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from peewee import Database

from db.models import Role, Staff
from om_tui.practice import settings
from om_tui.practice.changes import tables_of
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people import login_view
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.staff import (
    PERMISSIONS,
    People,
    PeopleError,
    check_secret_rules,
    give_pin_to_those_without,
    hash_secret,
    idle_lock_minutes,
    lockout_minutes,
    may,
    parse_role,
    set_idle_lock,
    verify_secret,
)

from .practice_fixture import ZONE_NAME


@pytest.fixture
def people(database: Database, clock: FrozenClock) -> People:
    settings.set_timezone(
        database, ZONE_NAME, by=ADMINISTRATOR
    )  # New York: 10:00 local is 15:00 UTC
    return People(database, clock, ADMINISTRATOR)


@pytest.fixture
def jenny(people: People) -> int:
    people.add("Karen Miles", "office manager", "24680")  # someone to let the others in
    return people.add("Jenny Ortiz", Role.FRONT_DESK, "1234")


# -- secrets -------------------------------------------------------------------------


def test_a_secret_is_kept_as_an_argon2id_hash_only(people: People, jenny: int) -> None:
    stored = Staff.get_by_id(jenny).secret
    assert stored.startswith("$argon2id$")
    assert "1234" not in stored
    assert verify_secret(stored, "1234")
    assert not verify_secret(stored, "1235")
    assert not verify_secret("not a hash", "1234")
    assert hash_secret("1234") != hash_secret("1234")  # salted


@pytest.mark.parametrize("secret", ["1234", "00000000", "correct horse", "pa55 word"])
def test_pins_of_four_digits_and_passwords_of_eight_characters_are_accepted(secret: str) -> None:
    check_secret_rules(secret)


@pytest.mark.parametrize(
    ("secret", "says"),
    [
        ("123", "at least 4 digits"),
        ("", "or a password of 8"),
        ("abc123", "or a password of 8"),
        ("١٢٣٤", "or a password of 8"),  # digits, but not the ones a keypad types
        (" padded ", "begin or end with a space"),
    ],
)
def test_short_pins_and_passwords_are_refused_with_the_rule(secret: str, says: str) -> None:
    with pytest.raises(PeopleError, match=says):
        check_secret_rules(secret)


# -- logging in ----------------------------------------------------------------------


def test_the_pick_list_is_the_active_staff_by_name(people: People, jenny: int) -> None:
    tom = people.add("tom Becker", "staff")
    karen = people.named("Karen").id
    assert people.active() == [(jenny, "Jenny Ortiz"), (karen, "Karen Miles"), (tom, "tom Becker")]
    people.deactivate(tom)
    assert [name for _, name in people.active()] == ["Jenny Ortiz", "Karen Miles"]


def test_the_right_pin_logs_in_and_clears_earlier_wrong_tries(people: People, jenny: int) -> None:
    for _ in range(3):
        with pytest.raises(PeopleError, match="Wrong PIN or password"):
            people.login(jenny, "9999")
    assert Staff.get_by_id(jenny).failed_logins == 3
    person = people.login(jenny, "1234")
    assert (person.id, person.name, person.role) == (jenny, "Jenny Ortiz", Role.FRONT_DESK)
    assert Staff.get_by_id(jenny).failed_logins == 0


def test_each_wrong_try_says_how_many_are_left(people: People, jenny: int) -> None:
    said = []
    for _ in range(4):
        with pytest.raises(PeopleError) as refusal:
            people.login(jenny, "0000")
        said.append(str(refusal.value))
    assert said == [
        "Wrong PIN or password: 4 tries left.",
        "Wrong PIN or password: 3 tries left.",
        "Wrong PIN or password: 2 tries left.",
        "Wrong PIN or password: 1 try left.",
    ]


def wrong_tries(people: People, staff_id: int, count: int) -> str:
    message = ""
    for _ in range(count):
        with pytest.raises(PeopleError) as refusal:
            people.login(staff_id, "0000")
        message = str(refusal.value)
    return message


def test_five_wrong_tries_lock_the_person_out_for_a_minute_then_longer_each_time(
    people: People, jenny: int, clock: FrozenClock
) -> None:
    assert wrong_tries(people, jenny, 5) == (
        "Too many wrong tries: Jenny Ortiz can try again at 10:01."
    )
    # Locked: even the right PIN is refused, and the wait does not grow by trying.
    with pytest.raises(PeopleError, match="can try again at 10:01"):
        people.login(jenny, "1234")
    assert Staff.get_by_id(jenny).failed_logins == 5
    assert people.locked_until(jenny) == clock.now() + dt.timedelta(minutes=1)

    clock.advance(seconds=59)
    with pytest.raises(PeopleError, match="can try again at 10:01"):
        people.login(jenny, "1234")
    clock.advance(seconds=1)
    assert people.locked_until(jenny) is None
    # One more wrong try after a lockout: two minutes; then four.
    assert (
        wrong_tries(people, jenny, 1) == "Too many wrong tries: Jenny Ortiz can try again at 10:03."
    )
    clock.advance(minutes=2)
    assert (
        wrong_tries(people, jenny, 1) == "Too many wrong tries: Jenny Ortiz can try again at 10:07."
    )
    clock.advance(minutes=4)
    assert people.login(jenny, "1234").id == jenny
    assert (Staff.get_by_id(jenny).failed_logins, Staff.get_by_id(jenny).locked_until) == (0, None)


def test_the_lockout_grows_to_an_hour_and_no_further() -> None:
    assert [lockout_minutes(n) for n in range(1, 14)] == [
        0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60,
    ]  # fmt: skip


def test_a_lockout_holds_for_every_terminal(
    people: People, jenny: int, database: Database, clock: FrozenClock
) -> None:
    wrong_tries(people, jenny, 5)
    elsewhere = People(database, FrozenClock(clock.now()), ADMINISTRATOR)
    with pytest.raises(PeopleError, match="Too many wrong tries"):
        elsewhere.login(jenny, "1234")


def test_a_new_pin_from_the_manager_ends_a_lockout(people: People, jenny: int) -> None:
    wrong_tries(people, jenny, 5)
    people.set_secret(jenny, "5678")
    assert people.locked_until(jenny) is None
    with pytest.raises(PeopleError):
        people.login(jenny, "1234")
    assert people.login(jenny, "5678").id == jenny


def test_an_inactive_person_or_one_without_a_pin_cannot_log_in(people: People, jenny: int) -> None:
    tom = people.add("Tom Becker", "staff")
    with pytest.raises(PeopleError, match="Tom Becker has no PIN or password yet"):
        people.login(tom, "")
    people.deactivate(jenny)
    with pytest.raises(PeopleError, match="Jenny Ortiz is no longer on the active staff list"):
        people.login(jenny, "1234")
    assert not people.still_active(jenny)
    with pytest.raises(PeopleError, match="not in the staff list"):
        people.login(999, "1234")


def test_has_logins_once_someone_active_has_a_pin(people: People) -> None:
    assert not people.has_logins()
    tom = people.add("Tom Becker", "owner")
    assert not people.has_logins()
    people.set_secret(tom, "1234")
    assert people.has_logins()


def test_a_name_or_its_start_finds_the_person_for_the_user_option(
    people: People, jenny: int
) -> None:
    assert people.named("jenny").id == jenny
    assert people.named("Jenny Ortiz").id == jenny
    with pytest.raises(PeopleError, match="No active staff member is called 'Bob'"):
        people.named("Bob")
    people.add("Jenna Fox", "staff")
    with pytest.raises(PeopleError, match="More than one person fits 'Jen'"):
        people.named("Jen")


def test_any_word_of_a_name_or_the_initials_fit(people: People, jenny: int) -> None:
    chen = people.add("Dr. Sarah Chen", "owner")
    webb = people.add("Dr. Marcus Webb", "staff")
    assert [p.id for p in people.fitting("Sarah")] == [chen]
    assert [p.id for p in people.fitting("chen")] == [chen]
    assert [p.id for p in people.fitting("sarah c")] == [chen]
    assert [p.id for p in people.fitting("SC")] == [chen]
    assert [p.id for p in people.fitting("Dr.")] == [webb, chen]
    assert people.fitting("Sarah Webb") == []
    assert people.named("Ortiz").id == jenny


# -- the roster ----------------------------------------------------------------------


def test_adding_a_person_checks_the_name_and_fills_in_initials(people: People, jenny: int) -> None:
    doctor = people.add("  Dr.  Ada   Park ", "Staff", provider=True)
    row = Staff.get_by_id(doctor)
    assert (row.name, row.initials, row.role, row.provider, row.secret) == (
        "Dr. Ada Park",
        "AP",
        Role.STAFF,
        True,
        None,
    )
    with pytest.raises(PeopleError, match="needs a name"):
        people.add("   ", "staff")
    with pytest.raises(PeopleError, match="already an active staff member called Jenny Ortiz"):
        people.add("JENNY ORTIZ", "staff")
    with pytest.raises(PeopleError, match="There is no role 'boss'"):
        people.add("Ben Ruiz", "boss")
    with pytest.raises(PeopleError, match="at least 4 digits"):
        people.add("Ben Ruiz", "staff", "12")
    assert not Staff.select().where(Staff.name == "Ben Ruiz").exists()  # nothing half-made


def test_a_name_is_free_again_once_its_holder_is_inactive(people: People, jenny: int) -> None:
    people.deactivate(jenny)
    again = people.add("Jenny Ortiz", "front desk")
    assert again != jenny
    with pytest.raises(PeopleError, match="already an active staff member"):
        people.reactivate(jenny)
    people.deactivate(again)
    people.reactivate(jenny)
    assert people.still_active(jenny)


def test_editing_a_person(people: People, jenny: int) -> None:
    people.edit(jenny, name="Jenny Ortiz-Lane", role="staff", initials="jol", provider=True)
    row = Staff.get_by_id(jenny)
    assert (row.name, row.role, row.initials, row.provider) == (
        "Jenny Ortiz-Lane",
        Role.STAFF,
        "JOL",
        True,
    )
    with pytest.raises(PeopleError, match="already an active staff member called Karen Miles"):
        people.edit(jenny, name="karen miles")
    with pytest.raises(PeopleError, match="at most 4 letters"):
        people.edit(jenny, initials="ABCDE")


def test_the_last_manager_or_owner_cannot_be_deactivated_or_demoted(
    people: People, jenny: int
) -> None:
    karen = people.named("Karen").id
    with pytest.raises(PeopleError, match="Karen Miles is the last active office manager"):
        people.deactivate(karen)
    with pytest.raises(PeopleError, match="last active office manager or owner"):
        people.edit(karen, role="front desk")
    sarah = people.add("Dr. Sarah Chen", "owner")
    people.edit(karen, role="front desk")  # the owner can let the others in now
    with pytest.raises(PeopleError, match="Dr. Sarah Chen is the last"):
        people.deactivate(sarah)
    people.deactivate(jenny)
    assert people.still_active(karen) and people.still_active(sarah)


def test_the_demo_gives_everyone_without_a_pin_the_same_one(
    database: Database, people: People, jenny: int
) -> None:
    tom = people.add("Tom Becker", "staff")
    ada = people.add("Ada Park", "staff")
    assert give_pin_to_those_without(database, "4321", by=ADMINISTRATOR) == 2
    assert people.login(tom, "4321").id == tom
    assert people.login(ada, "4321").id == ada
    assert people.login(jenny, "1234").id == jenny  # her own PIN is kept
    assert give_pin_to_those_without(database, "4321", by=ADMINISTRATOR) == 0


# -- roles ---------------------------------------------------------------------------


def test_what_each_role_may_open() -> None:
    opens = {
        role: sorted(p for p in PERMISSIONS if may(role, p))
        for role in (Role.FRONT_DESK, Role.STAFF, Role.OFFICE_MANAGER)
    }
    everyone = ["line", "my_hat", "orders", "org", "schedule", "self_evaluation"]
    desk = ["board", "book", "care_plans", "check_in", "patients", "rooms", "schedule_everyone"]
    assert opens[Role.FRONT_DESK] == sorted([*desk, *everyone])
    assert opens[Role.STAFF] == everyone
    owners_only = {"line_answer", "owners", "owner_settings"}
    assert opens[Role.OFFICE_MANAGER] == sorted(set(PERMISSIONS) - owners_only)
    assert all(may(Role.OWNER, p) for p in PERMISSIONS)


def test_a_permission_nobody_wrote_down_is_the_owners_alone() -> None:
    assert may(Role.OWNER, "a_screen_added_later")
    assert not may(Role.OFFICE_MANAGER, "a_screen_added_later")
    assert not may("intruder", "board")


def test_roles_are_read_from_their_names() -> None:
    assert parse_role("office manager") is Role.OFFICE_MANAGER
    assert parse_role("Front-desk") is Role.FRONT_DESK
    assert parse_role("owner") is Role.OWNER


# -- the idle lock -------------------------------------------------------------------


def test_the_idle_lock_is_ten_minutes_unless_set(database: Database) -> None:
    assert idle_lock_minutes(database) == 10
    set_idle_lock(database, 3, by=ADMINISTRATOR)
    assert idle_lock_minutes(database) == 3
    for wrong in (0, -5, 241):
        with pytest.raises(PeopleError, match="1 to 240 minutes"):
            set_idle_lock(database, wrong, by=ADMINISTRATOR)
    assert idle_lock_minutes(database) == 3


# -- the audit trail -----------------------------------------------------------------


def test_logins_wrong_tries_and_locks_are_in_the_audit_trail(
    database: Database, people: People, jenny: int
) -> None:
    wrong_tries(people, jenny, 1)
    people.login(jenny, "1234")
    people.logout(jenny, "lock")
    trail = database.execute_sql("select action, subject, staff_id, entry from audit order by id")
    rows = list(trail.fetchall())
    events = [row[:3] for row in rows if row[0] in ("login", "logout", "lock", "login_failed")]
    assert events == [
        ("login_failed", "Jenny Ortiz", None),
        ("login", "Jenny Ortiz", jenny),
        ("lock", "Jenny Ortiz", jenny),
    ]
    assert not any("$argon2" in row[3] for row in rows)  # the PINs' hashes stay out of it


@pytest.mark.backends("sqlite")  # the command is given the practice's file
def test_the_idle_lock_is_set_from_the_command_line(
    database: Database, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from om_tui.cli import main

    assert main(["--db", str(db_path), "settings", "idle-lock", "5"]) == 0
    assert "Idle lock:  5 min" in capsys.readouterr().out
    assert main(["--db", str(db_path), "settings", "idle-lock", "0"]) == 2
    assert capsys.readouterr().err == "om-tui: The idle lock is 1 to 240 minutes.\n"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Jose\u0301 Ruiz", "Jos\u00e9 Ruiz"),  # as a Mac types it: kept in NFC
        ("王小明", "王小明"),
        ("Siobhán O'Brien", "Siobhán O'Brien"),
        ("Anne-Marie  Dubois", "Anne-Marie Dubois"),
    ],
)
def test_a_staff_name_follows_the_one_rule_for_a_persons_name(
    people: People, typed: str, kept: str
) -> None:
    assert Staff.get_by_id(people.add(typed, "staff")).name == kept


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        pytest.param(
            "Robert'); DROP TABLE staff;-- " + "x" * 280, "A name is at most 80", id="long"
        ),
        ("Bobby 🎉 Tables", "A name has letters only"),
        ("Ann\x1b[2J Lee", "A name has letters only"),
        ("R2 D2", "A name has letters only"),
    ],
)
def test_a_staff_name_that_is_no_name_is_refused(people: People, typed: str, says: str) -> None:
    with pytest.raises(PeopleError, match=says):
        people.add(typed, "staff")
    assert not Staff.select().where(Staff.role == Role.STAFF).exists()


def test_taking_someone_off_the_staff_ends_their_hats_in_the_same_transaction(
    database: Database, clock: FrozenClock, people: People, jenny: int
) -> None:
    from om_tui.practice.hats.service import Hats

    hats = Hats(database, clock, settings.load(database), ADMINISTRATOR)
    desk = hats.create_post("Front Desk")
    hats.add_holder(desk, jenny)
    karen = people.named("Karen").id
    office = hats.create_post("Office Manager")
    hats.add_holder(office, karen)
    with pytest.raises(PeopleError, match="last active office manager"):
        hats.take_off_staff(people, karen)
    assert people.still_active(karen) and hats.hats_of(karen) == [(office, "Office Manager")]
    hats.take_off_staff(people, jenny)
    assert not people.still_active(jenny) and hats.hats_of(jenny) == []


# -- the login screen's own reads (login_view: plain SQL, without the models) ------------


def test_the_login_reads_the_staff_their_pins_and_lockouts_without_the_models(
    people: People, database: Database, clock: FrozenClock
) -> None:
    assert login_view.TABLES == tables_of(Staff)  # what the login re-reads on a change
    assert login_view.needs_setup(database)  # no one can log in yet
    karen = people.add("Karen Miles", "office manager", "24680")
    jenny = people.add("Jenny Ortiz", Role.FRONT_DESK, "1234")
    tom = people.add("Tom Becker", Role.STAFF, None)
    people.deactivate(tom)
    assert not login_view.needs_setup(database)
    assert [
        (p.id, p.name, p.initials, p.role, p.active, p.has_secret, p.locked_until)
        for p in login_view.staff(database)
    ] == [
        (jenny, "Jenny Ortiz", "JO", "front_desk", True, True, None),
        (karen, "Karen Miles", "KM", "office_manager", True, True, None),
        (tom, "Tom Becker", "TB", "staff", False, False, None),
    ]
    wrong_tries(people, jenny, 5)
    seen = login_view.person(database, jenny)
    assert seen is not None
    assert seen.locked_at(clock.now()) == dt.datetime(2026, 11, 18, 15, 1, tzinfo=dt.UTC)
    assert seen.locked_at(clock.now() + dt.timedelta(minutes=1)) is None
    assert login_view.person(database, 999) is None


def test_the_login_and_the_user_option_fit_a_typed_name_alike(
    people: People, jenny: int, database: Database
) -> None:
    everyone = login_view.staff(database)
    for typed, fits in (("bob", []), ("ortiz", ["Jenny Ortiz"]), ("KM", ["Karen Miles"])):
        assert [p.name for p in login_view.fitting(everyone, typed)] == fits
        assert [p.name for p in people.fitting(typed)] == fits
