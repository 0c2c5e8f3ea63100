"""The stat board ("2"): every active stat, worst condition first; a post's stats; other weeks.

The demo practice with its stats, at Wednesday 18 November 2026 10:07 Chicago time: the
stats week ending Thursday 19 November 14:00 is in progress (typed stats not yet typed),
so the conditions shown are those of the week ending 12 November.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable

from db import open_database
from db.models import Post, Stat
from om_tui.app import make_app
from om_tui.practice.clock import FrozenClock
from om_tui.practice.stats.conditions import CONDITION_LABELS, CONDITION_ORDER
from om_tui.screens.picker import PickerScreen
from om_tui.screens.stats.board import StatsScreen
from om_tui.screens.stats.form import StatForm

from .conftest import STATS_NOW, Practice
from .helpers import drawn, paste, plain, settle, static_text, warnings

#: Worst first; a stat with no condition comes after every condition.
RANK = {CONDITION_LABELS[c]: i for i, c in enumerate(CONDITION_ORDER)} | {"—": len(CONDITION_ORDER)}


async def open_board(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StatsScreen)


def table(pilot: Pilot[Any]) -> DataTable[Any]:
    return pilot.app.screen.query_one("#stats", DataTable)


def shown(pilot: Pilot[Any]) -> list[dict[str, str]]:
    """The board's rows as shown, top to bottom: column key → text."""
    found = table(pilot)
    keys = [str(column.value) for column in found.columns]
    return [
        dict(zip(keys, (plain(c).strip() for c in found.get_row(row)), strict=True))
        for row in found.rows
    ]


def row_named(pilot: Pilot[Any], name: str) -> dict[str, str]:
    return next(row for row in shown(pilot) if row["stat"] == name)


def condition_name(cell: str) -> str:
    """The condition a cell shows, without an override's note: "Power ✎ (…)" → "Power"."""
    return cell.split(" ✎")[0]


def title(pilot: Pilot[Any]) -> str:
    return static_text(pilot, "#stats-title")


async def test_the_board_lists_every_active_stat_worst_condition_first(
    stats_demo: Practice,
) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_board(pilot)
        rows = shown(pilot)
        active = {s.name for s in Stat.select().where(Stat.active == True)}  # noqa: E712
        assert len(active) == 15
        assert sorted(row["stat"] for row in rows) == sorted(active)
        ranks = [RANK[condition_name(row["condition"])] for row in rows]
        assert ranks == sorted(ranks)
        assert ranks[0] < ranks[-1]  # the demo's stats are not all in one condition
        assert title(pilot) == (
            "Stats · week ending Thu 19 Nov 14:00 (so far; conditions: wk ending 12 Nov)"
            " · all posts · worst first"
        )
        visits = row_named(pilot, "Patient visits")
        assert visits["post"] == "Doctor"
        assert visits["this"] == "110"  # counted from this week's flow so far
        assert visits["last"] == "158"
        assert visits["change"] == "▼ 30%"
        assert len(visits["trend"]) == 8
        # Typed stats are not typed yet this week: a gap, not a zero.
        assert row_named(pilot, "Collections")["this"] == "—"
        assert row_named(pilot, "Collections")["last"] == "$22,438"

        # A formula stat with an input missing says so: per visit = collections / visits.
        per_visit = row_named(pilot, "Collections per visit")
        assert per_visit["this"] == "— (missing)"
        assert per_visit["last"] == "$142.02"
        assert per_visit["change"] == "—"
        assert row_named(pilot, "Collection rate (%)")["this"] == "— (missing)"
        found = table(pilot)
        per_visit_key = str(Stat.get(Stat.short_name == "per_visit").id)
        found.move_cursor(row=found.get_row_index(per_visit_key), animate=False)
        await pilot.pause()
        assert "this week: no value, missing: collections" in static_text(pilot, "#stats-detail")


async def test_s_toggles_between_worst_first_and_the_stats_own_order(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_board(pilot)
        worst_first = [row["stat"] for row in shown(pilot)]

        await pilot.press("s")
        await pilot.pause()
        by_post = Stat.select(Stat).join(Post).order_by(Post.position, Stat.position, Stat.name)
        in_order = [s.name for s in by_post]  # every demo stat has a post
        assert [row["stat"] for row in shown(pilot)] == in_order
        assert title(pilot).endswith(" · all posts · by post")

        await pilot.press("s")
        await pilot.pause()
        assert [row["stat"] for row in shown(pilot)] == worst_first
        assert title(pilot).endswith(" · worst first")


async def test_the_board_by_post_keeps_each_posts_stats_together(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert "by post" in title(pilot)
        posts = [row["post"] for row in shown(pilot)]
        runs = [post for i, post in enumerate(posts) if i == 0 or posts[i - 1] != post]
        assert len(runs) == len(set(runs)), f"a post's stats are split: {posts}"


async def test_f_and_a_number_shows_one_posts_stats(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        # 1 All posts, then the posts in their order: 6 is Insurance & Billing.
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        billing = Post.get(Post.title == "Insurance & Billing")
        expected = {s.name for s in Stat.select().where(Stat.post == billing.id)}
        rows = shown(pilot)
        assert {row["stat"] for row in rows} == expected
        assert len(rows) == 5
        assert {row["post"] for row in rows} == {"Insurance & Billing"}
        assert " · Insurance & Billing · " in title(pilot)

        await pilot.press("f", "1")  # all posts again
        await settle(pilot)
        assert len(shown(pilot)) == 15
        assert " · all posts · " in title(pilot)


async def test_square_brackets_move_a_week_back_and_on(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_board(pilot)
        assert row_named(pilot, "Collections")["this"] == "—"

        await pilot.press("left_square_bracket")
        await pilot.pause()
        # Last week is over: no "so far", and its typed values are all there.
        assert title(pilot) == "Stats · week ending Thu 12 Nov 14:00 · all posts · worst first"
        collections = row_named(pilot, "Collections")
        assert collections["this"] == "$22,438"
        assert collections["last"] != "—"
        assert row_named(pilot, "Patient visits")["this"] == "158"

        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert title(pilot) == (
            "Stats · week ending Thu 26 Nov 14:00 (not begun) · all posts · worst first"
        )
        assert row_named(pilot, "Patient visits")["this"] == "—"
        assert row_named(pilot, "Patient visits")["last"] == "110"


async def test_at_80_columns_the_title_keeps_the_week_and_so_far(stats_demo: Practice) -> None:
    """The narrow title loses the order (s says it), never the week or that it is partial;
    the week whose condition is shown moves to the line under the table; a partial week's
    change is dim, never bold."""
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        assert title(pilot) == "Stats · to 19 Nov, so far · all posts"
        assert drawn(pilot, pilot.app.screen.query_one("#stats-title")) == title(pilot)
        assert "condition of wk to 12 Nov" in static_text(pilot, "#stats-detail")
        found = table(pilot)
        changes = [found.get_row(row)[3] for row in found.rows]
        assert changes and all(
            isinstance(c, Text) and (c.plain == "—" or c.style == "dim") for c in changes
        )

        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert title(pilot) == "Stats · to 12 Nov · all posts"
        assert "condition of" not in static_text(pilot, "#stats-detail")


def column_titles(pilot: Pilot[Any]) -> list[str]:
    return [str(column.label) for column in table(pilot).columns.values()]


async def test_the_columns_say_whose_week_they_show(stats_demo: Practice) -> None:
    """Mid-week: the condition is last week's (ending 12 Nov), and says so; a week back,
    the values are named by the weeks they end."""
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        assert column_titles(pilot) == [
            "Stat",
            "This wk",
            "Last wk",
            "Chg",
            "Trend",
            "Cond. 12 Nov",
        ]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert column_titles(pilot)[1:3] == ["Wk 12 Nov", "Wk 5 Nov"]
        assert column_titles(pilot)[-1] == "Cond. 12 Nov"


async def test_a_practice_without_stats_says_how_to_add_one(
    tmp_path: Path, new_practice_file: Callable[[Path], Path]
) -> None:
    database = open_database(new_practice_file(tmp_path / "new.db"))
    app = make_app(database, clock=FrozenClock(STATS_NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        said = static_text(pilot, "#stats-detail")
        assert said == "No stats yet: n adds one (a weekly stat the manager types, for a post)."
        assert drawn(pilot, pilot.app.screen.query_one("#stats-detail")) == said
        for key in ("g", "e", "o"):  # each says so, rather than nothing
            app.clear_notifications()
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, StatsScreen)
            assert warnings(pilot) == [said]
    database.close()


async def test_the_manager_adds_a_stat_from_the_screen(
    tmp_path: Path, new_practice_file: Callable[[Path], Path]
) -> None:
    database = open_database(new_practice_file(tmp_path / "new.db"))
    app = make_app(database, clock=FrozenClock(STATS_NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, StatForm)
        await paste(pilot, "Referrals received")
        await pilot.press("enter")  # no post yet: said under it, nothing saved
        await settle(pilot)
        assert isinstance(app.screen, StatForm)
        assert static_text(pilot, "#stat-post-error") == "A stat belongs to a post: name it."
        await paste(pilot, "Front desk")
        await pilot.press("enter")  # no hat of that name yet: made in Hats, not by a typo
        await settle(pilot)
        assert isinstance(app.screen, StatForm)
        assert static_text(pilot, "#stat-post-error") == (
            "No hat is called 'Front desk': there are no hats yet (add one in Hats)."
        )
        await pilot.press("escape")
        await settle(pilot)
        assert Stat.select().count() == 0
        Post.create(title="Front desk", position=1)  # as the hat editor (4) makes it
        await pilot.press("n")
        await settle(pilot)
        await paste(pilot, "Referrals received")
        await pilot.press("tab")
        await paste(pilot, "front desk")  # the post on file, whatever the case
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        stat = Stat.get(Stat.short_name == "referrals_received")
        assert (stat.name, stat.post.title, stat.unit, stat.source, stat.up_is_good) == (
            "Referrals received",
            "Front desk",
            "count",
            "entered",
            True,
        )
        assert [row["stat"] for row in shown(pilot)] == ["Referrals received"]
    database.close()
