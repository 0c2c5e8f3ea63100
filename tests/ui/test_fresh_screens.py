"""A screen shown for the first time is styled once, as it mounts (om_tui/screens/fresh.py):
what it shows must be what a full restyle would give, then and after a theme change. And
the garbage collector waits while it is on its way to its first paint, never longer."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from textual.screen import Screen

from om_tui.app import MAIN_SCREENS
from om_tui.screens import fresh
from om_tui.screens.calls.base import CallListScreen
from om_tui.screens.calls.lists import CallListsScreen
from om_tui.screens.owner import overview as overview_screen

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


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The collector on, as the app has it once started; on again after the test."""
    gc.enable()
    yield
    gc.enable()


async def test_the_collector_waits_for_a_screens_first_paint_then_runs_again(
    demo: Practice, monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    seen: list[bool] = []
    gather = overview_screen.gather

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return gather(*args, **kwargs)

    monkeypatch.setattr(overview_screen, "gather", watched)
    app = demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("0")  # the overview reads as it mounts, on the event loop
        await settle(pilot)
        assert seen == [False]
        assert gc.isenabled()


async def test_a_screen_gone_before_its_first_paint_leaves_the_collector_on(
    demo: Practice, collector_on: None
) -> None:
    app = demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("0")
        app.exit()
    assert gc.isenabled()


async def test_a_collector_already_off_stays_off(demo: Practice, collector_on: None) -> None:
    app = demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        gc.disable()  # as it is while the app starts (cli.main)
        await pilot.press("0")
        await settle(pilot)
        assert not gc.isenabled()


async def test_a_hold_its_app_never_let_go_of_lapses(
    demo: Practice, monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    app = demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        fresh._hold()  # a screen's, whose app stopped before its first paint
        assert not gc.isenabled()
        later = fresh._clock() + 2 * fresh.HOLD_SECONDS
        monkeypatch.setattr(fresh, "_clock", lambda: later)
        await pilot.press("0")
        await settle(pilot)
        assert gc.isenabled()


async def test_a_call_list_and_the_picker_are_drawn_filled_in_their_first_paint(
    demo: Practice, monkeypatch: pytest.MonkeyPatch, collector_on: None
) -> None:
    seen: list[tuple[str, bool]] = []
    fill, show = CallListScreen._fill, CallListsScreen._show

    def filled(screen: Any, rows: Any) -> None:
        fill(screen, rows)
        seen.append((type(screen).__name__, gc.isenabled()))

    def shown(screen: Any, counts: Any) -> None:
        show(screen, counts)
        seen.append(("CallListsScreen", gc.isenabled()))

    monkeypatch.setattr(CallListScreen, "_fill", filled)
    monkeypatch.setattr(CallListsScreen, "_show", shown)
    app = demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        # Each filled as it mounted, the collector waiting for the first paint: not an
        # empty frame first, its rows read in a worker and drawn after.
        assert seen == [("CallListsScreen", False), ("RecallScreen", False)]
        assert gc.isenabled()
