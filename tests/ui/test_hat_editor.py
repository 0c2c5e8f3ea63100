"""The hat editor ("4"): writing a post's hat by keyboard, and keeping its history.

The demo practice on Wednesday 18 November 2026 (Chicago), with five weeks of ticks.
Hats in order: Doctor, Office Manager, Receptionist (Jenny Ortiz, Karen Miles),
Chiropractic Assistant (Tom Becker, halfway through his checksheet), Insurance & Billing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList

from db.models import (
    ChecklistItem,
    ChecksheetStep,
    Duty,
    Frequency,
    HatHolder,
    Post,
    Staff,
    StepSignoff,
    Tick,
)
from om_tui.practice import settings
from om_tui.practice.owner.orders.service import Orders
from om_tui.screens.hats.editor import HatEditorScreen
from om_tui.screens.hats.forms import Confirm, ItemForm, PostForm, TextPrompt
from om_tui.screens.picker import PickerScreen

from .conftest import Practice
from .helpers import notices, paste, settle, warnings

TODAY = dt.date(2026, 11, 18)
MOST_PRESSES = 40


async def open_hats(pilot: Pilot[Any]) -> HatEditorScreen:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HatEditorScreen)
    return screen


async def choose_hat(pilot: Pilot[Any], title: str) -> None:
    """Down the hat list (it has the focus) to the hat called `title`."""
    screen = editor(pilot)
    screen.query_one("#hat-list", OptionList).focus()
    for _ in range(MOST_PRESSES):
        if screen._detail is not None and screen._detail.title == title:
            return
        await pilot.press("down")
    raise AssertionError(f"no hat {title!r} in the list")


async def cursor_to(pilot: Pilot[Any], line: str) -> None:
    """Right into the write-up, then down to `line` ("duties", "item:12" …)."""
    screen = editor(pilot)
    await pilot.press("right")
    write_up = screen.query_one("#write-up", OptionList)
    assert screen.focused is write_up
    await pilot.press("home")
    for _ in range(MOST_PRESSES):
        if screen._cursor_line() == line:
            return
        assert screen.focused is write_up, f"the focus left the write-up for {screen.focused!r}"
        await pilot.press("down")
        await pilot.pause()  # the highlight's messages handled before the next look
    raise AssertionError(
        f"no line {line!r} in {[o.id for o in write_up.options]}, "
        f"the cursor on {screen._cursor_line()!r}"
    )


def editor(pilot: Pilot[Any]) -> HatEditorScreen:
    screen = pilot.app.screen
    assert isinstance(screen, HatEditorScreen)
    return screen


def label(pilot: Pilot[Any], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Label).render())


def write_up_text(pilot: Pilot[Any]) -> str:
    """Every line of the write-up as it is drawn."""
    write_up = editor(pilot).query_one("#write-up", OptionList)
    return "\n".join(write_up.render_line(y).text for y in range(write_up.virtual_size.height))


def item_named(post: str, text: str) -> ChecklistItem:
    return ChecklistItem.get(
        (ChecklistItem.post == Post.get(Post.title == post).id) & (ChecklistItem.text == text)
    )


async def test_a_new_hat_written_by_keyboard(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_hats(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, PostForm)
        await paste(pilot, "Marketing")
        await pilot.press("tab")
        await paste(pilot, "To bring new patients in.")
        await pilot.press("tab")
        await paste(pilot, "New patients booked.")
        await pilot.press("enter")
        await settle(pilot)

        post = Post.get(Post.title == "Marketing")
        assert (post.purpose, post.product) == ("To bring new patients in.", "New patients booked.")
        assert screen._post_id == post.id
        assert screen._cursor_line() == "post:title"  # the cursor on what was written

        await cursor_to(pilot, "duties")
        await pilot.press("a")
        assert isinstance(app.screen, TextPrompt)
        await paste(pilot, "Runs the referral program.")
        await pilot.press("enter")
        await settle(pilot)
        [duty] = Duty.select().where(Duty.post == post.id)
        assert duty.text == "Runs the referral program."
        assert screen._cursor_line() == f"duty:{duty.id}"

        await pilot.press("down")  # the checklist's heading
        assert screen._cursor_line() == "items"
        await pilot.press("a")
        assert isinstance(app.screen, ItemForm)
        await paste(pilot, "Post on the practice's page")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a")  # the cursor is on the new item: "a" adds to the checklist
        await paste(pilot, "Count the week's referrals")
        await pilot.press("tab", "w")  # how often: weekly, due by the week's end
        form = app.screen
        assert label(pilot, "#due-label") == "Due by the week's end (the stats week's cutoff)"
        await pilot.press("tab")  # past the due time, which a weekly item has not
        assert form.focused is form.query_one("#whose")
        await pilot.press("right", "enter")  # ticked: once for all holders
        await settle(pilot)

        items = list(
            ChecklistItem.select().where(ChecklistItem.post == post.id).order_by(ChecklistItem.id)
        )
        assert [(i.text, i.frequency, i.due_time, i.shared) for i in items] == [
            ("Post on the practice's page", Frequency.DAILY, None, False),
            ("Count the week's referrals", Frequency.WEEKLY, None, True),
        ]
        assert all(i.start == TODAY and i.end is None for i in items)
        assert screen._cursor_line() == f"item:{items[1].key}"

        await pilot.press("h")
        assert isinstance(app.screen, PickerScreen)
        people = app.hats.people()
        jenny = next(n for n, (_, name) in enumerate(people, start=1) if name == "Jenny Ortiz")
        await pilot.press(str(jenny))
        await settle(pilot)
        [holding] = HatHolder.select().where(HatHolder.post == post.id)
        assert holding.staff.name == "Jenny Ortiz" and holding.since == TODAY
        assert "Jenny Ortiz" in write_up_text(pilot)


async def test_a_hat_without_a_title_or_with_a_taken_one_is_not_saved(
    stats_demo: Practice,
) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_hats(pilot)
        posts = Post.select().count()
        await pilot.press("n")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PostForm)
        assert label(pilot, "#title-error") == "A hat needs a title."

        await paste(pilot, "receptionist")  # the case differs: still the same hat's name
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PostForm)
        assert label(pilot, "#title-error") == "There is already a hat called 'receptionist'."

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HatEditorScreen)
        assert Post.select().count() == posts


async def test_a_hats_title_stops_at_what_fits_on_the_screens(stats_demo: Practice) -> None:
    """A 10,000-character title broke every screen it appeared on."""
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_hats(pilot)
        await pilot.press("n")
        await settle(pilot)
        title = app.screen.query_one("#title", Input)
        await paste(pilot, "T" * 10_000)
        assert title.value == ""  # too long to take: refused whole
        await paste(pilot, "Front desk and billing, mornings and Saturdays, both sites")
        await pilot.press(*"xyz")
        assert title.value.endswith("sitesxy")  # typing stops at a title's 60 characters
        assert len(title.value) == 60


async def test_an_item_without_text_or_with_an_odd_due_time_is_not_saved(
    stats_demo: Practice,
) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_hats(pilot)
        await cursor_to(pilot, "items")
        items = ChecklistItem.select().count()
        await pilot.press("a", "enter")
        assert isinstance(app.screen, ItemForm)
        assert label(pilot, "#text-error") == "A checklist item needs its text."

        await paste(pilot, "Call the lab")
        await pilot.press("tab", "tab")
        await paste(pilot, "25:00")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ItemForm)
        assert label(pilot, "#due-error") == (
            "A time of day is like 9:30, 17:00 or 2pm (not '25:00')."
        )
        assert ChecklistItem.select().count() == items


async def test_editing_an_item_keeps_what_its_old_ticks_ticked(stats_demo: Practice) -> None:
    app = stats_demo.app()
    old = item_named("Receptionist", "Call yesterday's no-shows to reschedule")
    ticks = Tick.select().where(Tick.item == old.id).count()
    assert ticks > 0
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_hats(pilot)
        await choose_hat(pilot, "Receptionist")
        await cursor_to(pilot, f"item:{old.key}")
        await pilot.press("e")
        assert isinstance(app.screen, ItemForm)
        await pilot.press("ctrl+u")  # clear the field
        await paste(pilot, "Call yesterday's no-shows and cancellations")
        await pilot.press("enter")
        await settle(pilot)

        old = ChecklistItem.get_by_id(old.id)
        assert old.end == TODAY and old.text == "Call yesterday's no-shows to reschedule"
        new = ChecklistItem.get((ChecklistItem.key == old.key) & ChecklistItem.end.is_null())
        assert (new.text, new.start) == ("Call yesterday's no-shows and cancellations", TODAY)
        kept = Tick.select().where(Tick.item == old.id)
        assert kept.count() == ticks
        assert {tick.item.text for tick in kept} == {"Call yesterday's no-shows to reschedule"}
        assert screen._cursor_line() == f"item:{old.key}"  # the cursor stayed on it
        shown = write_up_text(pilot)
        assert "Call yesterday's no-shows and cancellations" in shown
        assert "to reschedule" not in shown


async def test_ctrl_and_shift_arrows_reorder_duties_and_items(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_hats(pilot)
        await choose_hat(pilot, "Receptionist")
        first, second, third = [duty for duty, _ in app.hats.detail(screen._post_id).duties]
        await cursor_to(pilot, f"duty:{first}")
        await pilot.press("ctrl+down")
        await settle(pilot)
        assert [d for d, _ in app.hats.detail(screen._post_id).duties] == [second, first, third]
        assert screen._cursor_line() == f"duty:{first}"

        items = [item.key for item in app.hats.detail(screen._post_id).items]
        await cursor_to(pilot, f"item:{items[2]}")
        await pilot.press("shift+up")
        await settle(pilot)
        moved = [item.key for item in app.hats.detail(screen._post_id).items]
        assert moved == [items[0], items[2], items[1], *items[3:]]
        assert screen._cursor_line() == f"item:{items[2]}"


async def test_deleting_a_hat_someone_holds_is_refused_before_any_question(
    stats_demo: Practice,
) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_hats(pilot)
        await choose_hat(pilot, "Receptionist")
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)  # nothing asked that would be refused
        assert warnings(pilot) == [
            "Jenny Ortiz, Karen Miles hold the Receptionist hat: "
            "take them off it (or give it to someone else) first."
        ]
        assert Post.get_or_none(Post.title == "Receptionist") is not None


async def test_a_hat_nobody_holds_is_deleted_after_a_yes(stats_demo: Practice) -> None:
    app = stats_demo.app()
    post_id = app.hats.create_post("Courier")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_hats(pilot)
        await choose_hat(pilot, "Courier")
        await pilot.press("d", "n")  # no: kept
        await settle(pilot)
        assert Post.get_or_none(Post.id == post_id) is not None
        await pilot.press("d", "y")
        await settle(pilot)
        assert Post.get_or_none(Post.id == post_id) is None
        assert screen._detail is not None and screen._detail.title == "Doctor"


async def test_removing_an_item_ends_it_and_keeps_its_ticks(stats_demo: Practice) -> None:
    app = stats_demo.app()
    item = item_named("Chiropractic Assistant", "Restock every room's supplies")
    ticks = Tick.select().where(Tick.key == item.key).count()
    assert ticks > 0
    async with app.run_test(size=(80, 24)) as pilot:
        await open_hats(pilot)
        await choose_hat(pilot, "Chiropractic Assistant")
        await cursor_to(pilot, f"item:{item.key}")
        await pilot.press("d")
        await settle(pilot)
        assert ChecklistItem.get_by_id(item.id).end == TODAY
        assert Tick.select().where(Tick.key == item.key).count() == ticks
        assert "Restock every room's supplies" not in write_up_text(pilot)
        assert "Off the checklist from today; its ticks stay on record." in notices(pilot)


async def test_a_checksheet_step_signed_off_and_back(stats_demo: Practice) -> None:
    app = stats_demo.app()
    tom = Staff.get(Staff.name == "Tom Becker").id
    post = Post.get(Post.title == "Chiropractic Assistant").id
    step = (
        ChecksheetStep.select()
        .where(ChecksheetStep.post == post)
        .order_by(ChecksheetStep.position)[2]
    )
    assert StepSignoff.get_or_none(step=step.id, staff=tom) is None  # halfway: not this one
    async with app.run_test(size=(80, 24)) as pilot:
        await open_hats(pilot)
        await choose_hat(pilot, "Chiropractic Assistant")
        await cursor_to(pilot, f"step:{step.id}")
        await pilot.press("s")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("1")  # Tom, the one holder
        await settle(pilot)
        signed = StepSignoff.get(step=step.id, staff=tom)
        assert signed.at is not None
        assert app.hats.detail(post).steps[2].signed.keys() == {tom}

        await pilot.press("s", "1")  # signed already: Enter or its number takes it back
        await settle(pilot)
        assert StepSignoff.get_or_none(step=step.id, staff=tom) is None


async def test_deleting_a_hat_an_open_order_is_addressed_to_says_why_not(
    stats_demo: Practice,
) -> None:
    app = stats_demo.app()
    karen = Staff.get(Staff.name == "Karen Miles").id
    post_id = app.hats.create_post("Courier")
    app.hats.add_holder(post_id, karen)
    orders = Orders(
        stats_demo.database, stats_demo.clock, settings.load(stats_demo.database), karen
    )
    orders.issue("Take the deposit to the bank", TODAY, to_post=post_id)
    app.hats.remove_holder(post_id, karen)  # nobody holds it now: only the order keeps it
    async with app.run_test(size=(80, 24)) as pilot:
        await open_hats(pilot)
        await choose_hat(pilot, "Courier")
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)
        assert warnings(pilot) == [
            "1 open order is addressed to the Courier hat: give it to someone else on Orders first."
        ]
        assert Post.get_or_none(Post.id == post_id) is not None
        assert editor(pilot)._detail is not None and editor(pilot)._detail.title == "Courier"
