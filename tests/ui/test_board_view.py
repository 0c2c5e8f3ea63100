"""What the board shows: names, privacy, the day's figures, time ticking, a small terminal."""

from __future__ import annotations

from db.models import Patient
from om_tui.widgets.live_table import LiveTable

from .conftest import Practice
from .helpers import (
    board,
    cell,
    marked,
    notices,
    plain,
    screen_lines,
    select,
    settle,
    stage,
    static_text,
)

DEMO_FIGURES = (
    "In office 10   Waiting 4   Longest wait 23:30   Avg wait 10:44   Seen 13   No-shows 1"
)


def titles(table: LiveTable) -> list[str]:
    return [str(column.label) for column in table.columns.values()]


async def test_the_board_lists_the_day_in_attention_order(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        table = board(pilot)
        assert titles(table) == [
            "Appt",
            "Patient",
            "Type",
            "Provider",
            "Room",
            "Stage",
            "In stage",
            "In office",
        ]
        # Tom is in the office; then who is still expected, by time.
        assert table.keys == ["a2", "a1", "a3"]
        assert [cell(pilot, key, "patient") for key in ("a2", "a1", "a3")] == [
            "Tom Baker",
            "Maria Lopez",
            "Nora Quinn",
        ]
        shown = [plain(c) for c in table.get_row("a1")[:4]]
        assert shown == ["10:15", "Maria Lopez", "Regular", "Dr. Ada Park"]
        assert static_text(pilot, "#topbar") == "Lakeview Chiropractic  Wed 18 Nov 2026  10:00"


async def test_privacy_shows_first_name_and_initial_then_toggles_back(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        key = office.row_key("maria")
        select(pilot, key)
        await pilot.press("i")
        await pilot.pause()
        assert cell(pilot, key, "patient") == "Maria L."
        assert cell(pilot, office.row_key("tom"), "patient") == "Tom B."
        assert "PRIVACY" in static_text(pilot, "#topbar")
        assert board(pilot).cursor_row == board(pilot).get_row_index(key)

        await pilot.press("n")  # what the desk says about a patient stays discreet too
        await settle(pilot)
        assert "Maria L.: checked in" in notices(pilot)
        assert not any("Lopez" in notice for notice in notices(pilot))

        await pilot.press("i")
        await pilot.pause()
        assert cell(pilot, key, "patient") == "Maria Lopez"
        assert "PRIVACY" not in static_text(pilot, "#topbar")


async def test_the_demo_header_shows_the_days_figures(demo: Practice) -> None:
    app = demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        assert static_text(pilot, "#figures") == DEMO_FIGURES
        assert static_text(pilot, "#topbar") == "Riverside Chiropractic  Wed 18 Nov 2026  10:07"
        assert board(pilot).row_count == 42  # 41 appointments and a walk-in


async def test_the_demo_board_puts_alerts_first(demo: Practice) -> None:
    app = demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        table = board(pilot)
        first = table.keys[0]
        # Logan Wallace has waited 23:30 since arriving: past the 20-minute alert.
        assert cell(pilot, first, "patient") == "Logan Wallace"
        assert cell(pilot, first, "stage").startswith("!!")
        assert cell(pilot, first, "in_stage") == "23:30"
        last = table.keys[-1]
        assert stage(pilot, last) in {"Done", "No-show"}

        await pilot.press("end")  # the last row, and Home the first
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0


async def test_time_ticks_in_the_cells_without_rebuilding_the_table(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        key = office.row_key("tom")
        table = board(pilot)
        select(pilot, office.row_key("maria"))
        keys, cursor = table.keys, table.cursor_row
        assert cell(pilot, key, "in_stage") == "00:00"

        office.clock.advance(seconds=65)
        app.screen.tick()
        await pilot.pause()

        assert cell(pilot, key, "in_stage") == "01:05"
        assert cell(pilot, key, "in_office") == "01:05"
        drawn = next(line for line in screen_lines(pilot) if "Tom Baker" in line)
        assert drawn.split()[-2:] == ["01:05", "01:05"]  # drawn again, in both cells
        assert (table.keys, table.cursor_row) == (keys, cursor)
        assert "Longest wait 01:05" in static_text(pilot, "#figures")


async def test_a_wait_past_the_threshold_is_marked(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        key = office.row_key("tom")
        assert not marked(pilot, key)

        office.clock.advance(minutes=10)  # the warning for Arrived is at 10 minutes
        app.screen.tick()
        await pilot.pause()

        assert marked(pilot, key)
        assert stage(pilot, key) == "Arrived"
        assert cell(pilot, key, "in_stage") == "10:00"


async def test_a_small_terminal_gets_the_compact_board(demo: Practice) -> None:
    app = demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = board(pilot)
        assert titles(table) == ["Appt", "Patient", "Ty", "Pr", "Room", "Stage", "In stg", "Total"]
        first = table.keys[0]
        assert cell(pilot, first, "provider") == "MW"  # Dr. Marcus Webb
        assert cell(pilot, first, "kind") in {"N", "R", "E", "W"}  # the type's letter
        assert static_text(pilot, "#figures") == (
            "In office 10  Waiting 4  Longest 23:30  Avg wait 10:44  Seen 13  No-shows 1"
        )


async def test_narrowing_the_terminal_switches_to_the_compact_board(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.resize_terminal(80, 24)
        await pilot.pause()

        table = board(pilot)
        assert titles(table)[2:4] == ["Ty", "Pr"]
        assert cell(pilot, office.row_key("maria"), "provider") == "AP"
        assert table.row_count == 3
        assert static_text(pilot, "#figures").startswith("In office 1  Waiting 1  Longest 00:00")


async def test_narrowing_the_terminal_keeps_the_selected_visit(office: Practice) -> None:
    app = office.app()
    async with app.run_test(size=(140, 40)) as pilot:
        key = office.row_key("maria")
        select(pilot, key)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()

        assert board(pilot).cursor_row == board(pilot).get_row_index(key)


LONG_NAME = ("Maximiliana Alexandrovna", "Worthington-Featherstonehaugh")  # 55 with the space


async def test_a_long_name_is_cut_and_never_pushes_the_times_off(office: Practice) -> None:
    """At 80 columns every row keeps its stage and times on screen; the long name is cut
    with an ellipsis, and its width goes when the name does."""
    Patient.update(first_name=LONG_NAME[0], last_name=LONG_NAME[1]).where(
        Patient.id == office.patients["tom"]
    ).execute()
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = screen_lines(pilot)
        heading = next(line for line in lines if line.lstrip().startswith("Appt"))
        assert heading.rstrip().endswith("Total")
        tom = cell(pilot, office.row_key("tom"), "patient")
        assert tom.startswith("Maximiliana") and tom.endswith("…")
        row = next(line for line in lines if "Maximiliana" in line)
        assert "Arrived" in row and row.rstrip().endswith("00:00")
        assert all(len(line) <= 80 for line in lines)
        wide = board(pilot).render_width("patient")

        Patient.update(first_name="Tom", last_name="Baker").where(
            Patient.id == office.patients["tom"]
        ).execute()
        app.announce_change()
        await settle(pilot)
        narrow = board(pilot).render_width("patient")
        assert narrow == len("Maria Lopez") + 2 < wide


async def test_the_privacy_marker_is_on_screen_at_80_columns(demo: Practice) -> None:
    app = demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        top = screen_lines(pilot)[0]
        assert "PRIVACY" in top
        assert "1 Board" in top


async def test_a_booking_past_the_practices_no_show_rule_turns_on_the_clock(
    office: Practice,
) -> None:
    """No change on any terminal: the clock alone makes Nora (due 11:00) a No-show."""
    from db.models import Stage
    from om_tui.practice import settings
    from om_tui.practice.people.roles import ADMINISTRATOR

    settings.set_no_show_after(office.database, 15, by=ADMINISTRATOR)
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        key = office.row_key("nora")
        office.clock.advance(hours=1, minutes=14)
        screen.tick()
        await pilot.pause()
        assert screen._rows[key].stage == Stage.SCHEDULED  # 14 minutes late: not yet
        office.clock.advance(minutes=1)
        screen.tick()
        await pilot.pause()
        assert screen._rows[key].stage == Stage.NO_SHOW
