"""The owner's overview by keyboard: the owner starts there; every figure opens what is
behind it; the arrows walk the panels; a change on another terminal shows at once.

The demo practice at Wednesday 18 November 2026, 10:07:30 Chicago time, with its stats,
hats, orders, line and programs. Dr. Sarah Chen is the owner; the stats week ends
Thursday 14:00, so the conditions shown are those of the week ending 12 November.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from typing import Any

from rich.console import Console, RenderableType
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import OptionList

from db.models import Order, Program, Role, Staff, Stage
from om_tui.app import OmTuiApp
from om_tui.practice import settings
from om_tui.practice.owner.line.service import Line
from om_tui.practice.owner.overview import gather
from om_tui.screens.flow.board import FlowBoardScreen
from om_tui.screens.hats.compliance import ComplianceScreen
from om_tui.screens.hats.compliance_detail import ComplianceDetailScreen
from om_tui.screens.owner import overview as overview_screen
from om_tui.screens.owner.line import LineScreen
from om_tui.screens.owner.orders import OrdersScreen
from om_tui.screens.owner.overview import OverviewScreen, Panel
from om_tui.screens.owner.programs import ProgramsScreen
from om_tui.screens.stats.graph import StatGraphScreen
from om_tui.widgets.screen_tabs import ScreenTabs

from .conftest import Practice
from .helpers import (
    board,
    cell,
    check_in_elsewhere,
    drawn,
    notifications,
    settle,
    static_text,
    warnings,
)

SIZE = (100, 30)
FLOW_FIGURES = ("in_office", "waiting", "longest", "seen", "no_shows")


def staff(name: str) -> int:
    return int(Staff.get(Staff.name == name).id)


def owners_app(practice: Practice) -> OmTuiApp:
    return practice.app(staff_id=staff("Dr. Sarah Chen"))


def rendered(prompt: RenderableType) -> str:
    console = Console(width=100, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(prompt)
    return " ".join(capture.get().split())


def panel(pilot: Pilot[Any], key: str) -> Panel:
    return pilot.app.screen.query_one(f"#panel-{key}", Panel)


def lines(pilot: Pilot[Any], key: str) -> dict[str, str]:
    """A panel's lines, top to bottom: id → text."""
    return {str(o.id): rendered(o.prompt) for o in panel(pilot, key).options}


def figure(pilot: Pilot[Any], key: str) -> str:
    return static_text(pilot, f"#figure-{key}")


async def open_overview(pilot: Pilot[Any]) -> OverviewScreen:
    await settle(pilot)
    await settle(pilot)  # the first read, in its worker, then the panels filled
    screen = pilot.app.screen
    assert isinstance(screen, OverviewScreen)
    return screen


async def choose(pilot: Pilot[Any], key: str, line: str) -> None:
    """Put the cursor on a panel's line and press Enter, as the arrows and Enter would."""
    found = panel(pilot, key)
    found.focus()
    found.highlighted = found.get_option_index(line)
    await pilot.press("enter")
    await settle(pilot)


async def test_the_owner_starts_at_the_overview_and_the_desk_may_not_open_it(
    stats_demo: Practice,
) -> None:
    async with owners_app(stats_demo).run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        tabs = str(pilot.app.screen.query_one("ScreenTabs").render())
        assert tabs.rstrip().endswith("0 Overview")

    manager = stats_demo.app(staff_id=staff("Karen Miles"))
    async with manager.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, FlowBoardScreen)  # hers: the board first
        await pilot.press("0")
        await open_overview(pilot)

    desk = stats_demo.app(staff_id=staff("Jenny Ortiz"))
    async with desk.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FlowBoardScreen)
        assert warnings(pilot) == ["Overview is not open to your role (front desk)."]


async def test_the_figures_are_the_practices_and_the_waits_tick(stats_demo: Practice) -> None:
    app = owners_app(stats_demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        assert [figure(pilot, key) for key in FLOW_FIGURES] == [
            "In office 10",
            "Waiting 4",
            "Longest wait 23:30",  # Logan Wallace, arrived 09:44
            "Seen 13",
            "No-shows 1",
        ]
        assert list(lines(pilot, "stats").values()) == [  # worst first
            "Danger PVA (visits per new patien… 9.3 ▼34%",
            "Emergency Patient visits 158 ▼7%",
            "Emergency Referrals received 4 ▼20%",
            "Emergency No-shows 8 =0%",
            "Emergency Average wait (min) 11.0 min ▲5%",
            "Emergency Reactivations 5 =0%",
            "Emergency Average visit (min) 41.4 min ▲2%",
            "Emergency Collections $22,438 ▼7%",
            "Emergency Claims submitted 132 ▼3%",
            "Emergency Collections per visit $142.02 ▼1%",
            "Emergency Collection rate (%) 83.3% ▼23%",
            "Normal Appointments booked 150 ▲4%",
            "Normal Services billed $26,949 ▲20%",
            "Affluence New patients 17 ▲42%",
            "Affluence Cancellations 4 ▼33%",
        ]
        assert list(lines(pilot, "main").values()) == [
            "Patient visits 158 ▂▁▅▄▆▇▆▄▅▇█▆ Emergency",
            "New patients 17 ▁▃▃▂▂▅▂▂▆▂▄█ Affluence",
            "Collections $22,438 ▄▁▁▄▃▅▂▂▁▃█▅ Emergency",
            "PVA (visits per new… 9.3 █▄▆▇█▄█▇▃█▆▁ Danger",
        ]
        assert list(lines(pilot, "orders").values()) == [
            "16 Nov Count the supply closet;… Tom Becker 2×",
            "16 Nov Call the three insu… Insurance & Bi… 1×",
            "17 Nov 17:00 Scan last month's… Jenny Ortiz",
        ]
        assert list(lines(pilot, "line").values()) == [
            "!! Problem The card reader is dow… Jenny Ortiz",
            "! Approval The spinal decompr… Dr. Marcus Webb",
        ]
        assert list(lines(pilot, "compliance").values()) == [
            "All staff 77/86 89%! 6 not done",
            "Tom Becker 8/14 57%!! 4 not done",
            "Dr. Sarah Chen 10/11 90%",
            "Karen Miles 39/41 95% 2 not done",
            "Jenny Ortiz 20/20 100%",
        ]
        assert list(lines(pilot, "programs").values()) == [
            "Reactivate 200 patients ━━━━━━━━━━━━ 2/6 !1",
            "Front desk in 60 seconds ━━━━━━━━━━━━ 1/3",
        ]

        stats_demo.clock.advance(seconds=61)
        app.screen.tick()  # the once-a-second tick, with the clock a minute on
        assert figure(pilot, "longest") == "Longest wait 24:31"


async def test_a_check_in_on_another_terminal_shows_at_once(stats_demo: Practice) -> None:
    app = owners_app(stats_demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        assert [figure(pilot, key) for key in ("in_office", "waiting")] == [
            "In office 10",
            "Waiting 4",
        ]
        expected = stats_demo.flow().board()
        [row] = [r for r in expected.rows if r.stage == Stage.SCHEDULED][:1]

        await check_in_elsewhere(stats_demo, row.patient_id, row.appointment_id)
        app.check_for_changes()
        await settle(pilot)
        await settle(pilot)
        assert [figure(pilot, key) for key in ("in_office", "waiting")] == [
            "In office 11",
            "Waiting 5",
        ]


async def test_it_reads_once_when_shown_and_again_only_after_a_change(
    stats_demo: Practice, monkeypatch: Any
) -> None:
    """A main screen's first showing reads once (Textual resumes a new mode's screen twice);
    back from another screen it reads again only if something changed meanwhile."""
    readings: list[dt.datetime] = []

    def counted(*args: Any, **options: Any) -> Any:
        readings.append(stats_demo.clock.now())
        return gather(*args, **options)

    monkeypatch.setattr(overview_screen, "gather", counted)
    app = owners_app(stats_demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        await app.workers.wait_for_complete()
        assert len(readings) == 1
        before = figure(pilot, "in_office")

        await pilot.press("1")
        await settle(pilot)
        await pilot.press("0")
        await open_overview(pilot)
        await app.workers.wait_for_complete()
        assert len(readings) == 1  # nothing changed: the figures shown stand

        await pilot.press("1")
        await settle(pilot)
        [row] = [r for r in stats_demo.flow().board().rows if r.stage == Stage.SCHEDULED][:1]

        await check_in_elsewhere(stats_demo, row.patient_id, row.appointment_id)
        app.check_for_changes()  # announced to the board, shown now
        await settle(pilot)
        await pilot.press("0")
        await open_overview(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert len(readings) == 2
        assert figure(pilot, "in_office") != before


async def test_an_urgent_item_filed_elsewhere_reaches_the_owners_panel(
    stats_demo: Practice,
) -> None:
    app = owners_app(stats_demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        jenny = staff("Jenny Ortiz")

        def file_elsewhere() -> int:
            with stats_demo.database.connection_context():
                database = stats_demo.database
                line = Line(database, stats_demo.clock, settings.load(database))
                return line.file(jenny, "problem", "The x-ray is down", urgent=True)

        item = await asyncio.to_thread(file_elsewhere)
        app.check_for_changes()
        await settle(pilot)
        await settle(pilot)
        shown = lines(pilot, "line")
        assert shown[f"item-{item}"] == ("!! Problem The x-ray is down Jenny Ortiz")
        # Urgent items first, as they came: after the demo's card reader, before the rest.
        assert list(shown)[:2] == [list(shown)[0], f"item-{item}"]
        assert shown[list(shown)[0]].startswith("!! Problem The card reader is")
        # Its toast goes after a few seconds (it covered the Programs panel); the top line
        # keeps a mark of it until the Line is opened.
        [toast] = [n for n in notifications(app) if "The x-ray is down" in n.message]
        assert toast.timeout <= 8
        tabs = app.screen.query_one(ScreenTabs)
        assert "8 !!1" in " ".join(str(tabs.render()).split())  # at 100 columns: digits
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        assert "!!" not in str(app.screen.query_one(ScreenTabs).render())


async def test_enter_on_a_flow_figure_opens_the_board_on_the_longest_wait(
    stats_demo: Practice,
) -> None:
    app = owners_app(stats_demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_overview(pilot)
        await pilot.press("right", "right")  # In office → Waiting → Longest wait
        assert app.screen.focused is app.screen.query_one("#figure-longest")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FlowBoardScreen)
        key = board(pilot).selected_key
        assert key is not None
        assert cell(pilot, key, "patient") == "Logan Wallace"  # waiting 23:30, the longest
        await pilot.press("escape")  # back where the figure was
        await settle(pilot)
        assert app.screen is screen
        assert app.screen.focused is app.screen.query_one("#figure-longest")

        await pilot.press("1")  # the board by its key: Esc has nothing to go back to
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FlowBoardScreen)


async def test_enter_on_a_stat_opens_its_graph_and_escape_comes_back(
    stats_demo: Practice,
) -> None:
    app = owners_app(stats_demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_overview(pilot)
        worst = screen._overview.stats[0]  # type: ignore[union-attr]
        await choose(pilot, "stats", f"stat-{worst.stat_id}")
        assert isinstance(app.screen, StatGraphScreen)
        assert app.screen._stat_id == worst.stat_id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen

        main = screen._overview.main[1]  # type: ignore[union-attr]
        await choose(pilot, "main", f"main-{main.stat_id}")
        assert isinstance(app.screen, StatGraphScreen)
        assert app.screen._stat_id == main.stat_id


async def test_enter_on_compliance_opens_a_persons_week_or_the_matrix(
    stats_demo: Practice,
) -> None:
    app = owners_app(stats_demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_overview(pilot)
        tom = staff("Tom Becker")
        await choose(pilot, "compliance", f"person-{tom}")
        assert isinstance(app.screen, ComplianceDetailScreen)
        assert app.screen._people == [tom]
        assert (app.screen._first, app.screen._last) == (
            dt.date(2026, 11, 13),
            dt.date(2026, 11, 18),
        )
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await choose(pilot, "compliance", "everyone")
        assert isinstance(app.screen, ComplianceScreen)


async def test_enter_on_an_order_opens_the_orders_board_on_it(stats_demo: Practice) -> None:
    app = owners_app(stats_demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_overview(pilot)
        closet = Order.get(Order.text.startswith("Count the supply closet"))
        insurers = Order.get(Order.text.startswith("Call the three insurers"))
        assert lines(pilot, "orders")[f"order-{closet.id}"].endswith("Tom Becker 2×")
        for order in (closet, insurers):  # the board opened, then shown again
            await choose(pilot, "orders", f"order-{order.id}")
            assert isinstance(app.screen, OrdersScreen)
            highlighted = app.screen.query_one("#orders", OptionList).highlighted_option
            assert highlighted is not None and highlighted.id == f"order-{order.id}"
            await pilot.press("0")
            await settle(pilot)
            assert app.screen is screen


async def test_enter_on_an_item_opens_the_line_on_it_to_answer(stats_demo: Practice) -> None:
    app = owners_app(stats_demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_overview(pilot)
        second = screen._overview.for_owner[1]  # type: ignore[union-attr]
        await choose(pilot, "line", f"item-{second.id}")
        assert isinstance(app.screen, LineScreen)
        highlighted = app.screen.query_one("#line-list", OptionList).highlighted_option
        assert highlighted is not None and highlighted.id == f"owner-{second.id}"


async def test_enter_on_a_program_opens_its_steps(stats_demo: Practice) -> None:
    app = owners_app(stats_demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        front = Program.get(Program.name == "Front desk in 60 seconds")
        await choose(pilot, "programs", f"program-{front.id}")
        assert isinstance(app.screen, ProgramsScreen)
        assert "Front desk in 60 seconds" in static_text(pilot, "#programs-title")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)


async def test_the_arrows_walk_the_figures_and_the_panels(stats_demo: Practice) -> None:
    app = owners_app(stats_demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_overview(pilot)
        overview = screen._overview
        assert overview is not None

        def at() -> str:
            focused = app.screen.focused
            assert focused is not None and focused.id is not None
            if isinstance(focused, Panel):
                option = focused.highlighted_option
                return f"{focused.id}:{option.id if option else None}"
            return focused.id

        assert at() == "figure-in_office"
        await pilot.press("left")  # nothing to the left of the first figure
        assert at() == "figure-in_office"
        await pilot.press("down")
        assert at() == f"panel-stats:stat-{overview.stats[0].stat_id}"
        await pilot.press("right")
        assert at().startswith("panel-main:")
        await pilot.press("down", "down", "down", "down")  # its four stats, then below it
        assert at() == f"panel-orders:order-{overview.overdue_orders[0].id}"
        await pilot.press("left")
        assert at().startswith("panel-line:")
        await pilot.press("up")  # from the first line, up to the panel above, its last line
        assert at() == f"panel-stats:stat-{overview.stats[-1].stat_id}"
        await pilot.press("tab")
        assert at().startswith("panel-main:")
        for _ in range(len(overview.stats)):
            await pilot.press("left", "up")
        assert at() == "figure-in_office"  # from the top of the stats, up to today's figures
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FlowBoardScreen)


async def test_on_a_weeks_first_day_hats_say_so_far_today(stats_demo: Practice) -> None:
    stats_demo.clock.set(dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.UTC))  # Fri 10:00 local
    async with owners_app(stats_demo).run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        title = Text.from_markup(str(panel(pilot, "compliance").border_title)).plain
        assert title == "Hats this week · so far today, Fri 20 Nov"


async def test_the_overview_fits_a_small_terminal(stats_demo: Practice) -> None:
    """At 80x24 every panel is there, with at least a line of figures each."""
    async with owners_app(stats_demo).run_test(size=(80, 24)) as pilot:
        await open_overview(pilot)
        for key in ("stats", "main", "line", "orders", "compliance", "programs"):
            found = panel(pilot, key)
            assert found.region.height >= 3, key  # borders and a line at least
            assert found.region.right <= 80
        assert pilot.app.screen.query_one("#overview-today").region.height == 3
        assert figure(pilot, "longest").startswith("Longest ")
        assert Staff.get(Staff.name == "Dr. Sarah Chen").role == Role.OWNER
        # The line below says first what Enter opens: at 80 columns its end is cut.
        detail = static_text(pilot, "#overview-detail")
        assert detail.startswith("Enter: the board, Esc back · In the office now: arrived")
        panel(pilot, "stats").enter_from(1)
        await pilot.pause()
        assert static_text(pilot, "#overview-detail").startswith("Enter: its graph, Esc back · ")


async def test_the_line_under_the_panels_is_read_whole_at_80x24(stats_demo: Practice) -> None:
    app = owners_app(stats_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_overview(pilot)
        assert app.screen.focused is app.screen.query_one("#figure-in_office")
        detail = app.screen.query_one("#overview-detail")
        assert drawn(pilot, detail) == (
            "Enter: the board, Esc back · "
            "In the office now: arrived, roomed, with a provider, at checkout."
        )


async def test_the_call_lists_counts_come_under_today_after_the_figures(
    stats_demo: Practice,
) -> None:
    async with owners_app(stats_demo).run_test(size=SIZE) as pilot:
        screen = await open_overview(pilot)
        today = screen.query_one("#overview-today")
        for _ in range(50):  # the count's worker starts after the first paint
            await settle(pilot)
            if today.border_subtitle:
                break
        assert str(today.border_subtitle).startswith("Calls: ")
        assert " to confirm · " in str(today.border_subtitle)
