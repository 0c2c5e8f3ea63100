"""The book's settings as the office manager keeps them at 80x24: a type added and
changed, a week of hours, a blockout added and removed, an edit refused when another
terminal changed the same thing first, and the screen kept from those it is not for."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

from db.models import AppointmentType, Blockout, Role, Staff
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.schedule import hours, types
from om_tui.screens.schedule.settings import BookSettingsScreen
from om_tui.screens.schedule.settings_form import SettingForm

from .conftest import Practice
from .helpers import notices, settle, warnings

SIZE = (80, 24)


async def open_settings(pilot: Pilot[Any]) -> BookSettingsScreen:
    await pilot.press("9")
    await settle(pilot)
    await pilot.press("comma")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BookSettingsScreen)
    return screen


def go_to(pilot: Pilot[Any], option_id: str) -> None:
    listing = pilot.app.screen.query_one("#book-settings-list", OptionList)
    listing.highlighted = listing.get_option_index(option_id)


async def type_in(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


async def test_a_type_is_added_with_its_length_letter_and_colour(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await pilot.press("a")  # on the first type: a new type
        assert isinstance(pilot.app.screen, SettingForm)
        await type_in(pilot, "Massage")
        await pilot.press("tab", "6", "0", "tab", "M", "tab", "right", "right", "tab", "y")
        await pilot.press("enter")
        await settle(pilot)
        massage = AppointmentType.get(AppointmentType.name == "Massage")
        assert (massage.minutes, massage.letter, massage.colour) == (60, "M", "green")
        assert massage.new_patient
        assert "Massage: saved." in notices(pilot)
        assert isinstance(pilot.app.screen, BookSettingsScreen)


async def test_a_wrong_length_is_said_in_the_form_and_nothing_is_saved(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        regular = types.type_named("Regular")
        go_to(pilot, f"type:{regular.id}")
        await pilot.press("e", "tab", "ctrl+u", "0", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SettingForm)  # still open, saying why
        problem = pilot.app.screen.query_one("#setting-problem")
        assert "at least a minute" in str(problem.render())
        assert AppointmentType.get_by_id(regular.id).minutes == 15


async def test_an_edit_is_refused_when_another_terminal_changed_the_type_first(
    office: Practice,
) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        regular = types.type_named("Regular")
        go_to(pilot, f"type:{regular.id}")
        await pilot.press("e")
        types.edit_type(office.database, ADMINISTRATOR, regular.id, minutes=20)  # elsewhere
        await pilot.press("tab", "ctrl+u", "3", "0", "enter")
        await settle(pilot)
        assert any("changed on another terminal" in w for w in warnings(pilot))
        assert AppointmentType.get_by_id(regular.id).minutes == 20  # theirs stands


async def test_a_providers_week_of_hours_is_set_at_once(office: Practice) -> None:
    ada = office.providers["Dr. Ada Park"]
    async with office.app().run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        go_to(pilot, f"hours:{ada}")
        await pilot.press("e")
        await type_in(pilot, "9-12 13-17")
        await pilot.press("tab", "o", "f", "f", "enter")
        await settle(pilot)
        assert hours.stretches_text(hours.week_hours(ada)[0]) == "09:00-12:00 13:00-17:00"
        assert set(hours.week_hours(ada)) == {0}  # Monday only: the other days off
        assert "Dr. Ada Park: hours saved." in notices(pilot)


async def test_a_holiday_is_blocked_out_and_taken_back(office: Practice) -> None:
    async with office.app().run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        go_to(pilot, "blockout:none")
        await pilot.press("a", "tab")  # the whole practice's
        await type_in(pilot, "tomorrow")
        await pilot.press("tab", "tab")
        await type_in(pilot, "Staff training")
        await pilot.press("enter")
        await settle(pilot)
        [holiday] = list(Blockout.select())
        assert holiday.staff_id is None and holiday.reason == "Staff training"
        go_to(pilot, f"blockout:{holiday.id}")
        await pilot.press("d", "y")
        await settle(pilot)
        assert not Blockout.select().exists()


async def test_the_front_desk_is_not_offered_the_books_settings(office: Practice) -> None:
    desk = int(Staff.get(Staff.role == Role.FRONT_DESK).id)
    async with office.app(staff_id=desk).run_test(size=SIZE) as pilot:
        await pilot.press("9")
        await settle(pilot)
        await pilot.press("comma")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, BookSettingsScreen)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "Book settings" not in titles
