"""A screen shown for the first time is styled once, as it mounts (om_tui/screens/fresh.py):
what it shows must be what a full restyle would give, then and after a theme change."""

from __future__ import annotations

from typing import Any

import pytest
from textual.screen import Screen

from om_tui.app import MAIN_SCREENS

from .conftest import Practice
from .helpers import settle


def styles_of(screen: Screen[Any]) -> dict[int, dict[str, Any]]:
    """Every widget's rules, as its styles hold them now."""
    return {id(node): node.styles.base.get_rules() for node in screen.walk_children(with_self=True)}


def restyled(screen: Screen[Any]) -> dict[int, dict[str, Any]]:
    """The styles Textual's full restyle gives the screen as it stands."""
    screen.update_node_styles(animate=False)
    return styles_of(screen)


@pytest.mark.parametrize("key", [key for _, key, _, _ in MAIN_SCREENS])
async def test_a_main_screen_first_shown_is_styled_as_a_restyle_would(
    demo: Practice, key: str
) -> None:
    app = demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        shown = styles_of(app.screen)
        assert shown == restyled(app.screen)


async def test_a_screen_shown_again_after_a_theme_change_takes_the_new_theme(
    demo: Practice,
) -> None:
    app = demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        stats = app.screen
        before = styles_of(stats)
        await pilot.press("1")
        await settle(pilot)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.screen is stats
        after = styles_of(stats)
        assert after != before  # the new theme's colours
        assert after == restyled(stats)


async def test_a_pushed_screen_shown_again_is_restyled(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_audit()
        await settle(pilot)
        audit = app.screen
        assert styles_of(audit) == restyled(audit)
        app.action_patients()
        await settle(pilot)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)
        app.pop_screen()
        await settle(pilot)
        assert app.screen is audit
        assert styles_of(audit) == restyled(audit)
