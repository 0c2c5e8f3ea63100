"""The staff roster ("6"): adding, editing, deactivating people and giving new PINs, by keyboard.

The demo practice on Wednesday 18 November 2026 (Chicago), with its hats: Dr. Sarah Chen
(owner, Doctor), Karen Miles (office manager), Jenny Ortiz (front desk, Receptionist),
Tom Becker (staff, Chiropractic Assistant) and two more doctors; each with the demo's PIN.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label

from db.models import HatHolder, Order, OrderStatus, Post, Role, Staff, utc_naive
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.staff import People, hash_secret, verify_secret
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.people.staff import StaffScreen
from om_tui.screens.people.staff_forms import PersonForm, SecretForm

from .conftest import STATS_NOW, Practice
from .helpers import paste, settle, warnings

TODAY = dt.date(2026, 11, 18)


async def open_roster(pilot: Pilot[Any]) -> StaffScreen:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StaffScreen)
    return screen


def person(name: str) -> Staff:
    return Staff.get(Staff.name == name)


async def cursor_to(pilot: Pilot[Any], name: str) -> None:
    """Down the roster (from the top) to the person called `name`."""
    screen = pilot.app.screen
    assert isinstance(screen, StaffScreen)
    table = screen.query_one("#roster", DataTable)
    await pilot.press("home")
    for _ in range(table.row_count):
        chosen = screen._person()
        if chosen is not None and chosen.name == name:
            return
        await pilot.press("down")
    raise AssertionError(f"{name!r} is not on the roster")


def error(pilot: Pilot[Any], field: str) -> str:
    """What the form says under a field ("" when it says nothing there)."""
    line = pilot.app.screen.query_one(f"#{field}-error", Label)
    return str(line.render()) if line.display else ""


def roster_rows(pilot: Pilot[Any]) -> list[list[str]]:
    table = pilot.app.screen.query_one("#roster", DataTable)
    return [[str(cell).strip() for cell in table.get_row_at(n)] for n in range(table.row_count)]


async def test_a_new_person_added_by_keyboard_with_a_hashed_pin(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_roster(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, PersonForm)
        await paste(pilot, "Lisa  Grant ")
        await pilot.press("tab", "tab")  # initials left empty: from the name
        await pilot.press("o")  # office manager
        await pilot.press("tab", "y")  # sees patients
        await pilot.press("tab")
        await paste(pilot, "2468")
        await pilot.press("enter")  # on to "the same again"
        assert isinstance(app.screen, PersonForm)
        await paste(pilot, "2468")
        await pilot.press("enter")
        await settle(pilot)

        lisa = person("Lisa Grant")
        assert (lisa.initials, lisa.role, lisa.provider, lisa.active) == (
            "LG",
            Role.OFFICE_MANAGER,
            True,
            True,
        )
        assert lisa.secret.startswith("$argon2id$")
        assert "2468" not in lisa.secret
        assert verify_secret(lisa.secret, "2468")
        with stats_demo.database.connection_context():
            assert (
                People(stats_demo.database, stats_demo.clock, ADMINISTRATOR)
                .login(lisa.id, "2468")
                .id
                == lisa.id
            )
        assert screen._cursor() == lisa.id  # the cursor on whom was added
        assert ["Lisa Grant", "LG", "office manager", "yes", "active", "—"] in roster_rows(pilot)


async def test_bad_input_is_said_under_its_field_and_nothing_is_written(
    stats_demo: Practice,
) -> None:
    app = stats_demo.app()
    before = Staff.select().count()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_roster(pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, PersonForm)
        await pilot.press("enter")
        assert error(pilot, "name") == "A person needs a name."
        assert error(pilot, "secret") == "They need one to log in."

        await paste(pilot, "jenny ortiz")
        assert error(pilot, "name") == ""  # typing takes the message away
        await pilot.press("enter")
        assert error(pilot, "name") == "There is already someone called 'jenny ortiz' on the staff."

        form.query_one("#name", Input).value = ""
        await paste(pilot, "Ann Lee")
        await pilot.press("tab")
        await paste(pilot, "A1B2C")
        await pilot.press("enter")
        assert "Initials are 1 to 4 letters" in error(pilot, "initials")
        form.query_one("#initials", Input).value = ""

        form.query_one("#secret").focus()
        await pilot.pause()
        await paste(pilot, "12")
        await pilot.press("enter")
        assert error(pilot, "secret") == "A PIN needs at least 4 digits."
        form.query_one("#secret", Input).value = ""
        await paste(pilot, "short")
        await pilot.press("enter")
        assert "a password of 8 or more characters" in error(pilot, "secret")

        form.query_one("#secret", Input).value = ""
        await paste(pilot, "1234")
        await pilot.press("enter")
        await paste(pilot, "4321")
        await pilot.press("enter")
        assert error(pilot, "again") == "The two do not match: type it again."
        assert form.query_one("#again", Input).value == ""
        assert app.screen is form  # still open, still asking

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)
    assert Staff.select().count() == before
    assert not Staff.select().where(Staff.name == "Ann Lee").exists()


async def test_a_role_changed_and_a_name_taken_refused(stats_demo: Practice) -> None:
    app = stats_demo.app()
    tom = person("Tom Becker")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_roster(pilot)
        await cursor_to(pilot, "Tom Becker")
        await pilot.press("enter")  # Enter edits, as e does
        form = app.screen
        assert isinstance(form, PersonForm)
        assert not form.query("#secret")  # editing does not touch the PIN
        await pilot.press("tab", "tab", "right")  # staff → office manager
        await pilot.press("enter")
        await settle(pilot)
        assert person("Tom Becker").role == Role.OFFICE_MANAGER
        assert screen._cursor() == tom.id

        await pilot.press("e")
        form = app.screen
        assert isinstance(form, PersonForm)
        form.query_one("#name", Input).value = ""
        await paste(pilot, "Karen Miles")
        await pilot.press("enter")
        assert "already someone called 'Karen Miles'" in error(pilot, "name")
        await pilot.press("escape")
        await settle(pilot)
    assert person("Tom Becker").id == tom.id


async def test_deactivated_then_reactivated_their_history_kept(stats_demo: Practice) -> None:
    app = stats_demo.app()
    jenny = person("Jenny Ortiz")
    receptionist = Post.get(Post.title == "Receptionist").id
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_roster(pilot)
        await cursor_to(pilot, "Jenny Ortiz")
        assert "Receptionist" in roster_rows(pilot)[screen.query_one(DataTable).cursor_row][-1]
        await pilot.press("d")
        confirm = app.screen
        assert isinstance(confirm, Confirm)
        await pilot.press("y")
        await settle(pilot)

        assert not person("Jenny Ortiz").active
        assert Staff.get_by_id(jenny.id).name == "Jenny Ortiz"  # never deleted
        [holding] = HatHolder.select().where(
            (HatHolder.staff == jenny.id) & (HatHolder.post == receptionist)
        )
        assert holding.until == TODAY  # held until today: the ticks she made stay hers
        assert roster_rows(pilot)[-1][:5] == ["Jenny Ortiz", "JO", "front desk", "", "inactive"]
        assert screen._cursor() == jenny.id

        await pilot.press("d")  # already inactive: nothing asked
        assert isinstance(app.screen, StaffScreen)
        await pilot.press("r")
        await settle(pilot)
        assert person("Jenny Ortiz").active


async def test_the_last_manager_or_owner_cannot_be_deactivated(stats_demo: Practice) -> None:
    # Not a provider here: a provider's bookings would be listed first (test below).
    Staff.update(provider=False).where(Staff.name == "Dr. Sarah Chen").execute()
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_roster(pilot)
        await cursor_to(pilot, "Karen Miles")
        await pilot.press("d", "y")
        await settle(pilot)
        assert not person("Karen Miles").active

        await cursor_to(pilot, "Dr. Sarah Chen")
        await pilot.press("d", "y")
        await settle(pilot)
        assert person("Dr. Sarah Chen").active
        assert any("last active office manager or owner" in w for w in warnings(pilot))

        await cursor_to(pilot, "Dr. Sarah Chen")  # nor made front desk
        await pilot.press("e", "tab", "tab", "f", "enter")
        await settle(pilot)
        assert person("Dr. Sarah Chen").role == Role.OWNER


async def test_a_new_pin_given_and_a_lockout_cleared(stats_demo: Practice) -> None:
    tom = person("Tom Becker")
    Staff.update(
        secret=hash_secret("0000"),
        failed_logins=5,
        locked_until=utc_naive(STATS_NOW + dt.timedelta(minutes=30)),
    ).where(Staff.id == tom.id).execute()
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_roster(pilot)
        await cursor_to(pilot, "Tom Becker")
        row = roster_rows(pilot)[screen.query_one(DataTable).cursor_row]
        assert row[4] == "locked to 10:37"
        await pilot.press("p")
        assert isinstance(app.screen, SecretForm)
        await paste(pilot, "13579")
        await pilot.press("enter")
        await paste(pilot, "97531")
        await pilot.press("enter")
        assert error(pilot, "again") == "The two do not match: type it again."
        await paste(pilot, "13579")
        await pilot.press("enter")
        await settle(pilot)

        tom = person("Tom Becker")
        assert verify_secret(tom.secret, "13579")
        assert (tom.failed_logins, tom.locked_until) == (0, None)
        assert roster_rows(pilot)[screen.query_one(DataTable).cursor_row][4] == "active"


async def test_only_the_owner_changes_the_owner(stats_demo: Practice) -> None:
    karen = person("Karen Miles")
    app = stats_demo.app(staff_id=karen.id)  # the office manager at this terminal
    async with app.run_test(size=(80, 24)) as pilot:
        await open_roster(pilot)
        await cursor_to(pilot, "Dr. Sarah Chen")
        await pilot.press("p")
        assert isinstance(app.screen, StaffScreen)
        assert "Only the owner changes an owner's details or PIN." in warnings(pilot)

        await cursor_to(pilot, "Karen Miles")
        await pilot.press("d")
        assert isinstance(app.screen, StaffScreen)  # not herself
        await pilot.press("e", "tab", "tab", "right")  # office manager → owner
        await pilot.press("enter")
        await settle(pilot)
    assert person("Karen Miles").role == Role.OFFICE_MANAGER
    assert person("Karen Miles").active


async def test_a_key_typed_in_a_filled_field_adds_to_it_and_replaces_nothing(
    stats_demo: Practice,
) -> None:
    """The name field opens with the cursor at the end of the name: a stray key is one
    letter to take back, not a whole name lost."""
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_roster(pilot)
        await cursor_to(pilot, "Tom Becker")
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, PersonForm)
        name = form.query_one("#name", Input)
        assert form.focused is name
        await pilot.press("s")
        assert name.value == "Tom Beckers"
        await pilot.press("backspace", "tab", "J")  # on to the initials, "TB"
        assert name.value == "Tom Becker"
        assert form.query_one("#initials", Input).value == "TBJ"


async def test_deactivating_says_how_many_open_orders_are_theirs(stats_demo: Practice) -> None:
    tom = person("Tom Becker")
    open_orders = (
        Order.select()
        .where((Order.to_staff == tom.id) & (Order.status == OrderStatus.OPEN))
        .count()
    )
    assert open_orders > 1  # the demo's: his deep-clean, the supply count …
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_roster(pilot)
        await cursor_to(pilot, "Tom Becker")
        await pilot.press("d")
        confirm = app.screen
        assert isinstance(confirm, Confirm)
        question = str(confirm.query_one(".dialog-title", Label).render())
        assert f"{open_orders} open orders are theirs: r on Orders (7) gives them" in question
        await pilot.press("n")
        await settle(pilot)
    assert person("Tom Becker").active


async def test_a_staff_name_is_checked_like_a_patients_and_stops_at_its_length(
    stats_demo: Practice,
) -> None:
    """One rule for a person's name: a 310-character name with SQL and emoji in it, which
    pushed others off the login list, is neither typed whole nor taken."""
    app = stats_demo.app()
    before = Staff.select().count()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_roster(pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, PersonForm)
        name = form.query_one("#name", Input)
        await paste(pilot, "Robert'); DROP TABLE staff;-- 🎉" + "x" * 280)
        assert name.value == ""  # too long to take: refused whole (the terminal's bell)
        await paste(pilot, "Robert'); DROP TABLE staff;-- 🎉" + "x" * 48)
        await pilot.press("x")
        assert len(name.value) == 80  # typing stops at a name's length
        await pilot.press("enter")
        assert error(pilot, "name") == "A name has letters only (and spaces, - ' .)."
        assert error(pilot, "initials") == ""  # the name is what is wrong

        form.query_one("#name", Input).value = ""
        await paste(pilot, "Jose\u0301 Nu\u00f1ez")  # as a Mac types it
        await pilot.press("enter")
        assert error(pilot, "name") == ""
        await pilot.press("escape")
        await settle(pilot)
    assert Staff.select().count() == before


async def test_deactivating_a_provider_lists_their_coming_appointments(
    stats_demo: Practice,
) -> None:
    """Instead of "Deactivate?": the list of their bookings from now on, and what to do;
    9 opens the book to move or cancel them."""
    from om_tui.practice.people.still_booked import future_bookings
    from om_tui.screens.schedule.book import BookScreen
    from om_tui.screens.schedule.still_booked import StillBookedDialog

    webb = person("Dr. Marcus Webb")
    coming = future_bookings(webb.id, stats_demo.clock.now())
    assert coming  # the demo books him
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_roster(pilot)
        await cursor_to(pilot, "Dr. Marcus Webb")
        await pilot.press("d")
        listing = app.screen
        assert isinstance(listing, StillBookedDialog)
        said = str(listing.query_one(".dialog-title", Label).render())
        assert f"has {len(coming)} appointments from now on" in said
        assert "move each to another provider (m in the book)" in said
        shown = [str(label.render()) for label in listing.query("#still-booked-list Label")]
        assert len(shown) == len(coming) and coming[0].full_name in shown[0]
        await pilot.press("9")
        await settle(pilot)
        assert isinstance(app.screen, BookScreen)
    assert person("Dr. Marcus Webb").active and webb.provider
