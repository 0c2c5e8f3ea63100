"""Roles: what each person is offered (the top line's screens, the palette, My hat's `w`)
and what is refused when reached another way."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from db.models import Role, Staff
from om_tui.app import PALETTE_TITLES
from om_tui.screens.flow.board import FlowBoardScreen
from om_tui.screens.hats.my_hat import MyHatScreen
from om_tui.screens.picker import PickerScreen
from om_tui.widgets.screen_tabs import ScreenTabs

from .conftest import Practice
from .helpers import settle, warnings


def staff(name: str) -> int:
    return int(Staff.get(Staff.name == name).id)


def tabs_shown(pilot: Pilot[Any]) -> str:
    return " ".join(str(pilot.app.screen.query_one(ScreenTabs).render()).split())


def palette_titles(pilot: Pilot[Any]) -> list[str]:
    return [command.title for command in pilot.app.get_system_commands(pilot.app.screen)]


MANAGED = ["Board", "Stats", "My hat", "Hats", "Compliance", "Staff"]


@pytest.mark.parametrize(
    ("name", "role", "first", "titles"),
    [
        (
            "Jenny Ortiz",
            Role.FRONT_DESK,
            FlowBoardScreen,
            ["Board", "My hat", "Orders", "Line", "Book"],
        ),
        ("Tom Becker", Role.STAFF, MyHatScreen, ["My hat", "Orders", "Line", "Book"]),
        ("Karen Miles", Role.OFFICE_MANAGER, FlowBoardScreen, MANAGED),
        ("Dr. Sarah Chen", Role.OWNER, None, MANAGED),
    ],
)
async def test_each_role_starts_where_it_works_and_sees_only_its_screens(
    demo: Practice, name: str, role: Role, first: type | None, titles: list[str]
) -> None:
    app = demo.app(staff_id=staff(name))
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        assert app.role == role
        if first is not None:
            assert isinstance(app.screen, first)
        shown = [title for _, _, title in app.tabs()]
        if role in (Role.FRONT_DESK, Role.STAFF):
            assert shown == titles
        else:
            assert set(titles) <= set(shown)
        if role == Role.OWNER:
            assert shown == [title for _, _, title in app.TABS]
        line = tabs_shown(pilot)
        for _, key, title in app.TABS:
            assert (f"{key} {title}" in line) == (title in shown), title
        gone = {title for _, _, title in app.TABS} - set(shown)
        offered = palette_titles(pilot)
        assert not [title for title in offered if title.removeprefix("Go to ") in gone]
        named = [PALETTE_TITLES.get(mode, f"Go to {title}") for mode, _, title in app.tabs()]
        assert [name in offered for name in named] == [True] * len(shown)
        assert "Switch user" in offered


async def test_a_screen_the_role_may_not_open_is_refused_by_key_and_by_code(
    demo: Practice,
) -> None:
    app = demo.app(staff_id=staff("Jenny Ortiz"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, FlowBoardScreen)
        assert warnings(pilot) == ["Stats is not open to your role (front desk)."]
        app.switch_mode("compliance")  # as a palette command or a click would
        await settle(pilot)
        assert isinstance(app.screen, FlowBoardScreen)
        assert warnings(pilot)[-1] == "Compliance is not open to your role (front desk)."
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, MyHatScreen)


async def test_only_a_manager_looks_at_another_persons_hat(stats_demo: Practice) -> None:
    jenny = staff("Jenny Ortiz")
    app = stats_demo.app(staff_id=jenny)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, MyHatScreen)
        assert "Whose hat" not in palette_titles(pilot)
        assert app.screen.check_action("whose", ()) is False  # not in the footer either
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, MyHatScreen)
        assert app.person_id == jenny

    app = stats_demo.app(staff_id=staff("Karen Miles"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert app.person_id == staff("Karen Miles")  # her own hat first
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)


async def test_the_tests_nameless_owner_may_open_everything(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert (app.role, app.user_id) == (Role.OWNER, None)
        for key in "2456":  # (3, My hat, asks a nameless owner whose hat)
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == dict((k, m) for m, k, _ in app.TABS)[key]
        app.check_for_changes()  # no idle lock without a person to log back in
        office.clock.advance(hours=2)
        app.lock_if_idle()
        assert app.role == Role.OWNER


@pytest.mark.parametrize(
    ("width", "line"),
    [
        (
            140,
            "1 Board 2 Stats 3 My hat 4 Hats 5 Compliance 6 Staff 7 Orders 8 Line 9 Book"
            " 0 Overview",
        ),
        (120, "1 Board 2 Stats 3 Hat 4 Hats 5 Comp 6 Staff 7 Ord 8 Line 9 Book 0 Over"),
        (80, "1 Board 2 3 4 5 6 7 8 9 0"),
    ],
)
async def test_the_managers_top_line_names_the_screens_as_far_as_the_width_allows(
    demo: Practice, width: int, line: str
) -> None:
    app = demo.app(staff_id=staff("Karen Miles"))
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        assert tabs_shown(pilot) == line
        tabs = pilot.app.screen.query_one(ScreenTabs)
        assert tabs.region.right <= width
