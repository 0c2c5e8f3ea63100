"""Orders and programs by keyboard: giving an order, reporting it done, accepting it,
sending it back, chasing it; the board and My orders; a program's steps.

The demo practice at Wednesday 18 November 2026, 10:07:30 Chicago time, with its
orders (om_tui/demo/orders.py). Karen Miles (office manager) gave most of
them. Tom Becker's "Count the supply closet" is overdue and was chased twice; Jenny
Ortiz's "Update the phone script" is reported done, waiting for Karen.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

from rich.console import Console, RenderableType
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList

from db.models import Order, OrderStatus, ProgramStep, Staff, utc_naive
from om_tui.app import OmTuiApp
from om_tui.practice import settings
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.staff import People
from om_tui.screens.owner.order_forms import NotePrompt, OrderForm, ProgramForm, whom_choices
from om_tui.screens.owner.orders import OrdersScreen
from om_tui.screens.owner.programs import ProgramsScreen
from om_tui.screens.picker import PickerScreen

from .conftest import ZONE, Practice
from .helpers import footer, notices, paste, settle, static_text, warnings


def rendered(prompt: RenderableType) -> str:
    """A line as the person reads it, its spaces squeezed."""
    console = Console(width=120, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(prompt)
    return " ".join(capture.get().split())


def staff(name: str) -> int:
    return int(Staff.get(Staff.name == name).id)


def order(text: str) -> Order:
    return Order.get(Order.text == text)


def app_as(practice: Practice, name: str | None) -> OmTuiApp:
    return practice.app(staff_id=staff(name) if name else None)


async def open_orders(pilot: Pilot[Any], screen: Any = None) -> None:
    await settle(pilot)
    pilot.app.push_screen(screen or OrdersScreen())
    await settle(pilot)


def listing(pilot: Pilot[Any]) -> OptionList:
    return pilot.app.screen.query_one("#orders", OptionList)


def lines(pilot: Pilot[Any]) -> dict[str, str]:
    """Every line of the list, top to bottom: its id → its text."""
    return {str(o.id): rendered(o.prompt) for o in listing(pilot).options}


def line_of(text: str) -> str:
    return f"order-{order(text).id}"


def put_cursor(pilot: Pilot[Any], line: str) -> None:
    found = listing(pilot)
    found.highlighted = found.get_option_index(line)


def error(pilot: Pilot[Any], field: str) -> str:
    return str(pilot.app.screen.query_one(f"#{field}-error", Label).render())


def orders_as(practice: Practice, name: str) -> Orders:
    return Orders(practice.database, practice.clock, settings.load(practice.database), staff(name))


async def test_the_board_puts_overdue_first_with_compliance(stats_demo: Practice) -> None:
    async with app_as(stats_demo, "Karen Miles").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot)
        shown = list(lines(pilot).items())
        assert shown[0][0] == "overdue"
        assert [key for key, _ in shown[1:4]] == [
            line_of("Count the supply closet; list what to order"),
            line_of("Call the three insurers with claims over 60 days"),
            line_of("Scan last month's sign-in sheets, then shred them"),
        ]
        assert shown[1][1].startswith("! [ ] Mon 16 Nov Count the supply closet")
        assert shown[1][1].endswith("→ Tom Becker chased 2× 09:11")
        # Whatever each line's note, the "→ whom" column is in one place down the list.
        console = Console(width=100, file=io.StringIO(), color_system=None)
        arrows = set()
        for option in listing(pilot).options:
            if option.id and option.id.startswith("order-"):
                with console.capture() as capture:
                    console.print(option.prompt)
                arrows.add(capture.get().splitlines()[0].index("→"))
        assert len(arrows) == 1
        assert shown[4][0] == "open"
        assert all(not text.startswith("!") for _, text in shown[5:])
        summary = static_text(pilot, "#orders-summary")
        assert summary.startswith("3 overdue · 9 not done · 1 reported done: a accepts")
        compliance = static_text(pilot, "#orders-compliance")
        assert compliance.startswith("On time, 30 days: Jenny Ortiz 2/4 50%!! · ")
        assert "Tom Becker 2/4 50%!!" in compliance
        assert compliance.endswith("practice 5/10 50%!!")
        # The cursor starts on the first overdue order, described in full below.
        assert "From Karen Miles to Tom Becker" in static_text(pilot, "#orders-detail")
        assert "chased 2 times, last 09:11" in static_text(pilot, "#orders-detail")


async def test_giving_an_order_by_keyboard(stats_demo: Practice) -> None:
    karen = orders_as(stats_demo, "Karen Miles")
    tom = next(n for n, c in enumerate(whom_choices(karen), 1) if c.label == "Tom Becker")
    async with app_as(stats_demo, "Karen Miles").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PickerScreen)  # for whom, first
        await pilot.press(str(tom))
        await settle(pilot)
        assert isinstance(pilot.app.screen, OrderForm)
        await paste(pilot, "Oil the therapy table hinges")
        await pilot.press("tab")
        await paste(pilot, "fri 5pm")
        assert static_text(pilot, "#due-said") == "→ Fri 20 Nov 17:00"
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(pilot.app.screen, OrdersScreen)
        given = order("Oil the therapy table hinges")
        assert (given.to_staff_id, given.issued_by_id) == (
            staff("Tom Becker"),
            staff("Karen Miles"),
        )
        assert (given.due_on.isoformat(), given.due_time) == ("2026-11-20", "17:00")
        assert given.status == OrderStatus.OPEN
        assert "Order given to Tom Becker." in notices(pilot)
        assert lines(pilot)[f"order-{given.id}"].startswith("[ ] Fri 20 Nov 17:00 Oil the")


async def test_the_order_form_says_what_is_wrong_under_the_field(stats_demo: Practice) -> None:
    before = Order.select().count()
    async with app_as(stats_demo, "Karen Miles").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # nobody chosen yet
        await settle(pilot)
        assert isinstance(pilot.app.screen, OrderForm)
        await pilot.press("enter")
        await settle(pilot)
        assert error(pilot, "whom") == "Choose whom it is for (space)."
        assert error(pilot, "text") == "Say what is to be done."
        assert error(pilot, "due").startswith("When is it due?")

        await pilot.press("space")  # the field opens the list again
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await paste(pilot, "Call the lab")
        await pilot.press("tab")
        await paste(pilot, "2026-11-17")
        await pilot.press("enter")
        await settle(pilot)
        assert error(pilot, "due") == "Tue 17 Nov is in the past: the due day is today or later."
        due = pilot.app.screen.query_one("#due")
        assert pilot.app.screen.focused is due
        await pilot.press("ctrl+a", "ctrl+k")
        await paste(pilot, "today 9:00")
        await pilot.press("enter")
        await settle(pilot)
        assert error(pilot, "due") == "09:00 today has passed: give a later time, or a later day."
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OrdersScreen)
    assert Order.select().count() == before


async def test_reporting_done_with_a_note(stats_demo: Practice) -> None:
    async with app_as(stats_demo, "Jenny Ortiz").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot)
        assert static_text(pilot, "#orders-title").startswith("Orders · Jenny Ortiz")
        scan = line_of("Scan last month's sign-in sheets, then shred them")
        assert listing(pilot).highlighted_option.id == scan  # overdue: first
        assert static_text(pilot, "#orders-summary").startswith(
            "1 overdue · 3 to do · 3 open program steps"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NotePrompt)
        await paste(pilot, "Scanned to the shared drive; shredded")
        await pilot.press("enter")
        await settle(pilot)

        done = order("Scan last month's sign-in sheets, then shred them")
        assert (done.status, done.reply) == (
            OrderStatus.REPORTED,
            "Scanned to the shared drive; shredded",
        )
        assert (done.reported_by_id, done.reported_at) == (
            staff("Jenny Ortiz"),
            utc_naive(stats_demo.clock.now()),
        )
        # Reported after its deadline (yesterday 17:00): late, and no longer overdue.
        assert lines(pilot)[scan].startswith("[✓] Tue 17 Nov 17:00 Scan last month's")
        assert lines(pilot)[scan].endswith("reported 10:07 late")
        assert static_text(pilot, "#orders-summary").startswith("0 overdue · 4 to do")
        assert "Reported done." in notices(pilot)

        await pilot.press("d")  # reported already: nothing more to report
        await settle(pilot)
        assert not isinstance(pilot.app.screen, NotePrompt)


async def test_staff_see_their_own_keys_only(stats_demo: Practice) -> None:
    before = Order.select().count()
    async with app_as(stats_demo, "Jenny Ortiz").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot)
        screen = pilot.app.screen
        for action in ("new", "accept", "send_back", "chase", "cancel_order", "toggle_board"):
            assert screen.check_action(action, ()) is False, action
        await pilot.press("n", "b", "c")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert static_text(pilot, "#orders-title").startswith("Orders · Jenny Ortiz")
    assert Order.select().count() == before
    assert order("Scan last month's sign-in sheets, then shred them").chased == 0


async def test_accepting_and_sending_back(stats_demo: Practice) -> None:
    orders_as(stats_demo, "Tom Becker").report_done(
        order("Count the supply closet; list what to order").id, "Counted; list on your desk"
    )
    async with app_as(stats_demo, "Karen Miles").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot)
        script = line_of("Update the phone script with the holiday hours")
        put_cursor(pilot, script)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NotePrompt)
        await pilot.press("enter")
        await settle(pilot)
        accepted = order("Update the phone script with the holiday hours")
        assert (accepted.status, accepted.answered_by_id) == (
            OrderStatus.DONE,
            staff("Karen Miles"),
        )
        assert lines(pilot)[script].endswith("done")
        assert list(lines(pilot)).index(script) > list(lines(pilot)).index("closed")

        closet = line_of("Count the supply closet; list what to order")
        put_cursor(pilot, closet)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter")  # no reason given
        await settle(pilot)
        assert error(pilot, "note") == "Say why it goes back: what is still to be done."
        await paste(pilot, "The list has no quantities")
        await pilot.press("enter")
        await settle(pilot)
        sent = order("Count the supply closet; list what to order")
        assert (sent.status, sent.sent_back, sent.remark) == (
            OrderStatus.OPEN,
            1,
            "The list has no quantities",
        )
        assert lines(pilot)[closet].startswith("! [ ] Mon 16 Nov")
        assert "sent back" in lines(pilot)[closet]
        assert "Sent back by Karen Miles 10:07: “The list has no quantities”" in static_text(
            pilot, "#orders-detail"
        )


async def test_chasing_keeps_a_count_and_the_time(stats_demo: Practice) -> None:
    async with app_as(stats_demo, "Karen Miles").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot)
        closet = line_of("Count the supply closet; list what to order")
        assert listing(pilot).highlighted_option.id == closet
        await pilot.press("c")
        await settle(pilot)
        chased = order("Count the supply closet; list what to order")
        assert (chased.chased, chased.chased_at) == (3, utc_naive(stats_demo.clock.now()))
        assert lines(pilot)[closet].endswith("chased 3× 10:07")
        assert "Chased (3×): Tom Becker." in notices(pilot)

        put_cursor(pilot, line_of("Update the phone script with the holiday hours"))
        await pilot.press("c")  # reported: nothing to chase
        await settle(pilot)
        assert order("Update the phone script with the holiday hours").chased == 0


async def test_an_order_answered_on_another_terminal_meanwhile(stats_demo: Practice) -> None:
    """Karen accepts on her terminal while the owner's prompt is open: the owner is told."""
    async with app_as(stats_demo, "Dr. Sarah Chen").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot)
        script = line_of("Update the phone script with the holiday hours")
        put_cursor(pilot, script)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NotePrompt)

        def elsewhere() -> None:
            with stats_demo.database.connection_context():
                orders_as(stats_demo, "Karen Miles").accept(order_id)

        order_id = order("Update the phone script with the holiday hours").id
        other = threading.Thread(target=elsewhere)
        other.start()
        other.join()

        await paste(pilot, "Add the new Saturday hours")
        await pilot.press("enter")
        await settle(pilot)
        assert warnings(pilot) == [
            "Already answered — Karen Miles accepted it at 10:07: it is done. Nothing was changed."
        ]
        kept = order("Update the phone script with the holiday hours")
        assert (kept.status, kept.sent_back, kept.remark) == (OrderStatus.DONE, 0, "")
        assert lines(pilot)[script].endswith("done")


async def test_my_orders_asks_whose_when_nobody_is_named(stats_demo: Practice) -> None:
    names = [name for _, name in orders_as(stats_demo, "Karen Miles").people()]
    async with app_as(stats_demo, None).run_test(size=(120, 34)) as pilot:
        await open_orders(pilot)  # the nameless owner of the tests: the board first
        assert static_text(pilot, "#orders-title").startswith("Orders · the board")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PickerScreen)
        await pilot.press(str(names.index("Tom Becker") + 1))
        await settle(pilot)
        assert static_text(pilot, "#orders-title").startswith("Orders · Tom Becker")
        assert line_of("Count the supply closet; list what to order") in lines(pilot)
        assert "Program steps" not in " ".join(lines(pilot).values())  # Tom has none
        await pilot.press("b")
        await settle(pilot)
        assert static_text(pilot, "#orders-title").startswith("Orders · the board")


async def test_whose_orders_follows_whose_hat_chosen_on_my_hat(stats_demo: Practice) -> None:
    """One "whose" for the terminal: Tom's hat chosen on My hat, Orders shows Tom's."""
    names = [name for _, name in orders_as(stats_demo, "Karen Miles").people()]
    app = app_as(stats_demo, None)
    async with app.run_test(size=(120, 34)) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(str(names.index("Karen Miles") + 1))
        await settle(pilot)
        assert static_text(pilot, "#orders-title").startswith("Orders · Karen Miles")

        await pilot.press("3")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        hats_names = [name for _, name in app.hats.people()]
        await pilot.press(str(hats_names.index("Tom Becker") + 1))
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        assert static_text(pilot, "#orders-title").startswith("Orders · Tom Becker")
        assert line_of("Count the supply closet; list what to order") in lines(pilot)


# -- programs -------------------------------------------------------------------------------


def program_lines(pilot: Pilot[Any]) -> dict[str, str]:
    found = pilot.app.screen.query_one("#program", OptionList)
    return {str(o.id): rendered(o.prompt) for o in found.options}


def step(text: str) -> ProgramStep:
    return ProgramStep.get(ProgramStep.text == text)


async def to_step(pilot: Pilot[Any], text: str) -> None:
    await pilot.press("right")
    found = pilot.app.screen.query_one("#program", OptionList)
    found.highlighted = found.get_option_index(f"step:{step(text).id}")
    await pilot.pause()


async def test_a_program_step_marked_done_moves_the_bar(stats_demo: Practice) -> None:
    async with app_as(stats_demo, "Jenny Ortiz").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot, ProgramsScreen())
        lines_now = program_lines(pilot)
        assert lines_now["progress"].endswith("2 of 6 steps done (33%) · 1 overdue")
        mail = f"step:{step('Mail the letters to the first 100').id}"
        assert lines_now[mail].startswith("! 3 · Mail the letters")
        assert lines_now[mail].endswith("Mon 16 Nov overdue")
        screen = pilot.app.screen
        assert screen.check_action("add_step", ()) is False  # the managers write programs

        await to_step(pilot, "Mail the letters to the first 100")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NotePrompt)
        await paste(pilot, "100 mailed Tuesday")
        await pilot.press("enter")
        await settle(pilot)

        done = step("Mail the letters to the first 100")
        assert (done.done_by_id, done.note) == (staff("Jenny Ortiz"), "100 mailed Tuesday")
        assert program_lines(pilot)["progress"].endswith("3 of 6 steps done (50%)")
        assert program_lines(pilot)[mail].endswith("done late")


async def test_the_manager_adds_and_reorders_steps(stats_demo: Practice) -> None:
    karen = orders_as(stats_demo, "Karen Miles")
    jenny = next(n for n, c in enumerate(whom_choices(karen), 1) if c.label == "Jenny Ortiz")
    async with app_as(stats_demo, "Karen Miles").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot)
        await pilot.press("p")  # from the orders, the programs; Escape goes back
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProgramsScreen)
        await pilot.press("right", "a")
        await settle(pilot)
        await pilot.press(str(jenny))
        await settle(pilot)
        await paste(pilot, "Thank-you cards to every reactivated patient")
        await pilot.press("tab")
        await paste(pilot, "fri 17:00")
        await pilot.press("enter")
        await settle(pilot)
        assert error(pilot, "due") == "A step is due by a day: leave the time out."
        await pilot.press("ctrl+a", "ctrl+k")
        await paste(pilot, "2w")
        await pilot.press("enter")
        await settle(pilot)

        added = step("Thank-you cards to every reactivated patient")
        assert (added.to_staff_id, added.due_on.isoformat()) == (staff("Jenny Ortiz"), "2026-12-02")
        assert added.position == 7
        assert program_lines(pilot)["progress"].endswith("2 of 7 steps done (28%) · 1 overdue")
        screen = pilot.app.screen
        assert screen._cursor_line() == f"step:{added.id}"

        await pilot.press("ctrl+up")
        await settle(pilot)
        ordered = [
            s.text
            for s in ProgramStep.select()
            .where(ProgramStep.program == added.program_id)
            .order_by(ProgramStep.position)
        ]
        assert ordered[-2:] == [
            "Thank-you cards to every reactivated patient",
            "Review the results; plan the second 100",
        ]
        assert screen._cursor_line() == f"step:{added.id}"

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OrdersScreen)


async def test_cancelling_an_order_and_a_narrow_terminal(stats_demo: Practice) -> None:
    async with app_as(stats_demo, "Karen Miles").run_test(size=(80, 24)) as pilot:
        await open_orders(pilot)
        closet = line_of("Count the supply closet; list what to order")
        # Narrow: short dates, and the chase's time only in the line below.
        assert lines(pilot)[closet].startswith("! [ ] 16 Nov Count the supply closet")
        assert lines(pilot)[closet].endswith("chased 2×")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NotePrompt)
        await paste(pilot, "Tom counted it last week after all")
        await pilot.press("enter")
        await settle(pilot)
        cancelled = order("Count the supply closet; list what to order")
        assert (cancelled.status, cancelled.remark) == (
            OrderStatus.CANCELLED,
            "Tom counted it last week after all",
        )
        assert lines(pilot)[closet].startswith("[×] 16 Nov")
        assert list(lines(pilot)).index(closet) > list(lines(pilot)).index("closed")
        assert static_text(pilot, "#orders-summary").startswith("2 overdue · 8 not done")


# -- what a new person's walk found ---------------------------------------------------------


async def test_accepting_says_the_report_once_and_plainly(stats_demo: Practice) -> None:
    script = order("Update the phone script with the holiday hours")
    async with app_as(stats_demo, "Karen Miles").run_test(size=(80, 24)) as pilot:
        await open_orders(pilot)
        put_cursor(pilot, f"order-{script.id}")
        await pilot.press("a")
        await settle(pilot)
        question = str(pilot.app.screen.query_one("#note-question", Label).render())
        assert question == (
            f"Jenny Ortiz reported it done: “{script.reply}”\nA note back (optional)"
        )
        assert script.reply.endswith(".") and "”." not in question  # once, inside the quote
        await pilot.press("enter")
        await settle(pilot)
        assert "Accepted: the order is done." in notices(pilot)
        assert not [said for said in notices(pilot) if ".." in said]


async def test_a_key_that_does_nothing_on_the_line_says_why(stats_demo: Practice) -> None:
    closet = order("Count the supply closet; list what to order")
    script = order("Update the phone script with the holiday hours")
    async with app_as(stats_demo, "Karen Miles").run_test(size=(80, 24)) as pilot:
        await open_orders(pilot)
        screen = pilot.app.screen
        assert listing(pilot).highlighted_option.id == f"order-{closet.id}"  # open, overdue
        # Only what does something shows, and whole, at 80 columns.
        assert footer(pilot) == [
            "d Done",
            "n New",
            "c Chase",
            "r Reassign",
            "x Cancel",
            "b Mine",
            "p Programs",
        ]
        assert screen.check_action("accept", ()) is False
        await pilot.press("a")
        await settle(pilot)
        assert "Nothing to accept yet: nobody has reported this order done." in notices(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "Nothing to send back yet: nobody has reported this order done." in notices(pilot)
        assert pilot.app.screen is screen
        assert order("Count the supply closet; list what to order").status == OrderStatus.OPEN

        put_cursor(pilot, f"order-{script.id}")  # reported done: accept or send back
        await settle(pilot)
        assert footer(pilot) == [
            "n New",
            "a Accept",
            "s Send back",
            "x Cancel",
            "b Mine",
            "p Programs",
        ]
        await pilot.press("c", "r", "d")
        await settle(pilot)
        assert notices(pilot).count("Reported done already: a accepts it, s sends it back.") == 3
        kept = order("Update the phone script with the holiday hours")
        assert (kept.chased, kept.to_staff_id, kept.status) == (
            0,
            staff("Jenny Ortiz"),
            OrderStatus.REPORTED,
        )

        await pilot.press("b")  # my own orders: the board's key says so
        await settle(pilot)
        assert "b Board" in footer(pilot) and "w Whose" in footer(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProgramsScreen)
        assert footer(pilot) == ["n New", "a Add step", "e Edit", "x Archive", "esc Back"]
        await pilot.press("d")  # on the programs' list, not a step
        await settle(pilot)
        assert "Choose a step first: → to the program's steps." in notices(pilot)
        await pilot.press("right")  # into the program: on its first step not done
        await settle(pilot)
        cursor = pilot.app.screen.query_one("#program", OptionList).highlighted_option
        assert cursor is not None and str(cursor.id).startswith("step:")
        assert ProgramStep.get_by_id(int(str(cursor.id).partition(":")[2])).done_at is None
        await pilot.press("left")
        await to_step(pilot, "Mail the letters to the first 100")
        await settle(pilot)
        assert footer(pilot) == [
            "d Done",
            "n New",
            "a Add step",
            "e Edit",
            "del Remove",
            "x Archive",
            "esc Back",
        ]
        await to_step(pilot, "Pull the list of patients not seen in 6 months")  # done
        await pilot.press("d")
        await settle(pilot)
        assert "That step is done already." in notices(pilot)
        assert not isinstance(pilot.app.screen, NotePrompt)


async def test_the_due_example_is_ahead_by_the_clock_and_a_closed_day_said(
    stats_demo: Practice,
) -> None:
    async with app_as(stats_demo, "Karen Miles").run_test(size=(80, 24)) as pilot:
        await open_orders(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # the picker: nobody yet
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, OrderForm)
        # Wednesday 18 November: Friday, and two weeks on.
        example = "fri 17:00, tomorrow, +3, 2 Dec"
        assert form.query_one("#due", Input).placeholder == example
        assert any(str(label.render()) == f"Due ({example})" for label in form.query(Label))
        await pilot.press("escape")
        await settle(pilot)

        stats_demo.clock.set(dt.datetime(2026, 11, 20, 10, tzinfo=ZONE))  # a Friday
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        form = pilot.app.screen
        assert form.query_one("#due", Input).placeholder == "mon 17:00, tomorrow, +3, 4 Dec"
        form.query_one("#due", Input).focus()
        await pilot.pause()
        await paste(pilot, "tomorrow")
        assert static_text(pilot, "#due-said") == (
            "→ tomorrow, Sat 21 Nov · closed on Saturdays; next open day Mon 23 Nov"
        )


async def test_an_order_to_someone_who_left_is_marked_and_given_to_someone_else(
    stats_demo: Practice,
) -> None:
    tom = staff("Tom Becker")
    karen = orders_as(stats_demo, "Karen Miles")
    People(stats_demo.database, stats_demo.clock, ADMINISTRATOR).deactivate(tom)
    toms = [o for o in karen.board().orders if o.to.staff_id == tom]
    jenny = next(n for n, c in enumerate(whom_choices(karen), 1) if c.label == "Jenny Ortiz")
    closet = line_of("Count the supply closet; list what to order")
    async with app_as(stats_demo, "Karen Miles").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot)
        assert lines(pilot)[closet].endswith("→ Tom Becker left chased 2× 09:11")
        assert f"· {len(toms)} nobody can answer: r ·" in static_text(pilot, "#orders-summary")
        assert "Tom Becker has left the practice: r gives the order to someone else." in (
            static_text(pilot, "#orders-detail")
        )
        assert listing(pilot).highlighted_option.id == closet
        await pilot.press("r")
        await settle(pilot)
        picker = pilot.app.screen
        assert isinstance(picker, PickerScreen)
        assert "Tom Becker" not in [choice.label for choice in picker._choices]
        await pilot.press(str(jenny))
        await settle(pilot)
        assert isinstance(pilot.app.screen, NotePrompt)  # overdue: a new due first
        await paste(pilot, "fri")
        await pilot.press("enter")
        await settle(pilot)

        moved = order("Count the supply closet; list what to order")
        assert (moved.to_staff_id, moved.to_post_id, moved.chased) == (
            staff("Jenny Ortiz"),
            None,
            0,  # Tom was chased, not Jenny: the handover keeps his chases
        )
        assert "The order is for Jenny Ortiz now." in notices(pilot)
        assert lines(pilot)[closet].endswith("→ Jenny Ortiz")
        summary = static_text(pilot, "#orders-summary")
        if len(toms) == 1:
            assert "nobody can answer" not in summary
        else:
            assert f"· {len(toms) - 1} nobody can answer: r ·" in summary


async def test_typing_in_a_field_with_a_value_goes_on_at_its_end(stats_demo: Practice) -> None:
    async with app_as(stats_demo, "Karen Miles").run_test(size=(120, 34)) as pilot:
        await open_orders(pilot, ProgramsScreen())
        await pilot.press("e")  # the program itself
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProgramForm)
        await pilot.press("space", "t", "w", "o")
        await pilot.press("tab", "space", "s", "o", "o", "n")
        await pilot.press("enter")
        await settle(pilot)
        assert ProgramStep.select().count()  # the demo's steps are all still there
        names = [p.name for p in orders_as(stats_demo, "Karen Miles").programs()]
        assert "Reactivate 200 patients two" in names

        await to_step(pilot, "Mail the letters to the first 100")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OrderForm)
        await pilot.press("!")  # the target first: on at the end
        await pilot.press("tab", "end", "backspace", "9")  # the due: its last digit changed
        await pilot.press("enter")
        await settle(pilot)
        changed = step("Mail the letters to the first 100!")
        assert changed.due_on.isoformat() == "2026-11-19"


async def test_an_overdue_order_given_to_someone_else_asks_for_a_new_due(
    stats_demo: Practice,
) -> None:
    karen = orders_as(stats_demo, "Karen Miles")
    late = next(o for o in karen.board().orders if o.overdue and o.status == OrderStatus.OPEN)
    jenny = next(n for n, c in enumerate(whom_choices(karen), 1) if c.label == "Jenny Ortiz")
    async with app_as(stats_demo, "Karen Miles").run_test(size=(80, 24)) as pilot:
        await open_orders(pilot)
        put_cursor(pilot, f"order-{late.id}")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(str(jenny))
        await settle(pilot)
        prompt = pilot.app.screen
        assert isinstance(prompt, NotePrompt)
        assert "it was due" in static_text(pilot, "#note-heading")
        await pilot.press("enter")  # nothing typed: asked again, nothing written
        assert static_text(pilot, "#note-error") == "Say when it is due now."
        await paste(pilot, "fri 12:00")
        assert static_text(pilot, "#note-reads") == "→ Fri 20 Nov 12:00"  # as it is typed
        await pilot.press("enter")
        await settle(pilot)

        moved = Order.get_by_id(late.id)
        assert (moved.to_staff_id, moved.due_on, moved.due_time) == (
            staff("Jenny Ortiz"),
            dt.date(2026, 11, 20),  # the Friday after the demo's Wednesday
            "12:00",
        )
        assert "The order is for Jenny Ortiz now." in notices(pilot)
        # Compliance breaks between people, each line whole at 80 columns.
        lines_of = static_text(pilot, "#orders-compliance").split("\n")
        assert len(lines_of) > 1 and all(len(part) <= 78 for part in lines_of)
        assert all(part.endswith(" ·") for part in lines_of[:-1])
        # The line keeps whose it was, and that it was missed then.
        put_cursor(pilot, f"order-{late.id}")
        await settle(pilot)
        assert (
            f"Reassigned by Karen Miles 10:07 from {late.to.label} (chased {late.chased}×): "
            "missed by then (due " in static_text(pilot, "#orders-detail")
        )
