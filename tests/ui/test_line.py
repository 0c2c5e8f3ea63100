"""The line: items filed, routed by the office manager, answered by the owner — by keyboard.

The hand-made office at ten in the morning, with an owner and an office manager added.
Each person runs their own app on the one database (as terminals do); the apps share
the Database object (peewee binds the models once per process), and each write runs
on its own worker-thread connection, in its own transaction.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from rich.console import Console, RenderableType
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList, Static

from db.models import LineEvent, LineItem, LineStatus, Role, Staff
from om_tui.app import OmTuiApp
from om_tui.practice import settings
from om_tui.practice.changes import NeverChanges
from om_tui.practice.owner.line.service import Line
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.owner.line import LineScreen, UrgentAlerts
from om_tui.screens.owner.line_forms import NewItemForm, NoteForm

from .conftest import Practice
from .helpers import notices, paste, settle, static_text, warnings

SIZE = (110, 32)


@dataclass
class Office:
    practice: Practice
    owner: int
    manager: int
    desk: int

    def app(self, staff_id: int, **options: Any) -> OmTuiApp:
        return self.practice.app(staff_id=staff_id, **options)

    def line(self) -> Line:
        database = self.practice.database
        return Line(database, self.practice.clock, settings.load(database))


@pytest.fixture
def office_line(office: Practice) -> Iterator[Office]:
    owner = Staff.create(name="Dr. Olive Owner", initials="OO", role=Role.OWNER)
    manager = Staff.create(name="Meg Manager", initials="MM", role=Role.OFFICE_MANAGER)
    desk = Staff.get(Staff.name == "Jo Desk")
    yield Office(office, owner.id, manager.id, desk.id)


def rendered(prompt: RenderableType) -> str:
    """A line as the person reads it, its spaces squeezed."""
    console = Console(width=120, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(prompt)
    return " ".join(capture.get().split())


def listing(pilot: Pilot[Any]) -> OptionList:
    return pilot.app.screen.query_one("#line-list", OptionList)


def lines(pilot: Pilot[Any]) -> dict[str, str]:
    """Every line of the list, top to bottom: its id → its text."""
    return {str(o.id): rendered(o.prompt) for o in listing(pilot).options}


def cursor(pilot: Pilot[Any]) -> str | None:
    option = listing(pilot).highlighted_option
    return option.id if option is not None else None


def put_cursor(pilot: Pilot[Any], line: str) -> None:
    found = listing(pilot)
    found.highlighted = found.get_option_index(line)


async def open_line(pilot: Pilot[Any]) -> None:
    """Open the Line screen, as the app will on its key (not registered yet)."""
    await settle(pilot)
    # From within the app: a screen pushed from the test would take the test's context,
    # whose active app is whichever test app started last.
    pilot.app.call_later(lambda: pilot.app.push_screen(LineScreen()))
    await settle(pilot)
    assert isinstance(pilot.app.screen, LineScreen)


async def elsewhere_changed(pilot: Pilot[Any]) -> None:
    """This terminal's poll for changes comes round."""
    app = pilot.app
    assert isinstance(app, OmTuiApp)
    app.check_for_changes()
    await settle(pilot)


def item_by_text(text: str) -> LineItem:
    return LineItem.get(LineItem.text == text)


async def test_a_staff_member_files_an_item_and_sees_where_it_stands(
    office_line: Office,
) -> None:
    app = office_line.app(office_line.desk)
    async with app.run_test(size=SIZE) as pilot:
        await open_line(pilot)
        assert static_text(pilot, "#line-title") == "Line · Jo Desk (front desk)"
        assert "Nothing filed yet" in lines(pilot)["mine-none"]

        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewItemForm)
        assert app.screen.focused is not None and app.screen.focused.id == "kind"  # read first
        await pilot.press("enter")  # no text yet: refused in the form
        await settle(pilot)
        assert isinstance(app.screen, NewItemForm)
        error = app.screen.query_one("#text-error", Label)
        assert "needs its text" in str(error.render())
        assert not LineItem.select().exists()

        await paste(pilot, "A second card reader for the desk")
        await pilot.press("shift+tab", "r")  # the kind: request
        await pilot.press("tab", "tab", "h")  # past the text to the priority: high
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, LineScreen)
        item = item_by_text("A second card reader for the desk")
        assert (item.kind, item.priority, item.urgent) == ("request", "high", False)
        assert (item.sender_id, item.status) == (office_line.desk, LineStatus.NEW)
        assert lines(pilot)[f"mine-{item.id}"] == (
            "! Request A second card reader for the desk waiting for the office manager"
        )
        assert "Filed: it is in the office manager's queue." in notices(pilot)


async def test_routing_and_answering_across_terminals_with_the_trail(
    office_line: Office,
) -> None:
    """The desk files; the manager batches and sends; the owner approves; the desk reads."""
    desk_app = office_line.app(office_line.desk)
    manager_app = office_line.app(office_line.manager)
    owner_app = office_line.app(office_line.owner)
    async with (
        desk_app.run_test(size=SIZE) as desk,
        manager_app.run_test(size=SIZE) as manager,
        owner_app.run_test(size=SIZE) as owner,
    ):
        for pilot in (desk, manager, owner):
            await open_line(pilot)
        assert lines(owner)["owner-none"] == "Nothing waits for your answer."
        assert "queue" not in lines(owner)  # a practice with a manager: the queue is hers

        await desk.press("n", "tab")  # past what kind, to the words
        await paste(desk, "Music in the waiting room?")
        await desk.press("enter")
        await settle(desk)
        item = item_by_text("Music in the waiting room?")

        await elsewhere_changed(manager)
        assert cursor(manager) == f"queue-{item.id}"
        assert lines(manager)[f"queue-{item.id}"].endswith("Jo Desk · 10:00")
        await manager.press("b")
        await settle(manager)
        assert isinstance(manager_app.screen, NoteForm)
        await paste(manager, "Quiet music only, I suggest.")
        await manager.press("enter")
        await settle(manager)
        assert f"batch-{item.id}" in lines(manager)

        await elsewhere_changed(owner)
        assert "owner-none" in lines(owner)  # the batch has not been sent

        await elsewhere_changed(desk)
        assert lines(desk)[f"mine-{item.id}"].endswith("in the batch for the owner")

        await manager.press("B")  # asks first, saying how many go
        await settle(manager)
        assert isinstance(manager_app.screen, Confirm)
        assert "1 item go" in str(manager_app.screen.query_one(".dialog-title", Label).render())
        assert LineItem.get_by_id(item.id).routed_at is None  # nothing sent before the yes
        await manager.press("y")
        await settle(manager)
        assert "Sent to the owner: 1 item." in notices(manager)
        assert lines(manager)[f"with_owner-{item.id}"].endswith("Jo Desk · sent 10:00")

        await elsewhere_changed(owner)
        assert cursor(owner) == f"owner-{item.id}"
        assert "Quiet music only, I suggest." in static_text(owner, "#line-detail")
        await owner.press("a")
        await settle(owner)
        assert isinstance(owner_app.screen, NoteForm)
        await paste(owner, "Yes, quietly.")
        await owner.press("enter")
        await settle(owner)
        assert "Approved: Jo Desk has your answer." in notices(owner)
        assert "owner-none" in lines(owner)
        assert lines(owner)[f"answered-{item.id}"].startswith("Question Music in the waiting room?")

        await elsewhere_changed(manager)
        assert f"with_owner-{item.id}" not in lines(manager)

        await elsewhere_changed(desk)
        assert lines(desk)[f"mine-{item.id}"].endswith("approved by Dr. Olive Owner · new")
        assert static_text(desk, "#line-summary") == "1 new answer for you"
        assert "Dr. Olive Owner answered: Approved — Yes, quietly." in static_text(
            desk, "#line-detail"
        )
        assert LineItem.get_by_id(item.id).seen_by_sender_at is None
        await desk.press("enter")  # the cursor was on it already: Enter says "read"
        await settle(desk)
        assert LineItem.get_by_id(item.id).seen_by_sender_at is not None
        # Read now, it stays marked new while the person is here: they see which it was.
        assert lines(desk)[f"mine-{item.id}"].endswith("· new")

        trail = [
            (e.who.name, e.what, e.note)
            for e in LineEvent.select().where(LineEvent.item == item.id).order_by(LineEvent.id)
        ]
        assert trail == [
            ("Jo Desk", "filed", ""),
            ("Meg Manager", "batched", "Quiet music only, I suggest."),
            ("Meg Manager", "sent", ""),
            ("Dr. Olive Owner", "answered", "Approved: Yes, quietly."),
            ("Jo Desk", "seen", ""),
        ]
        await elsewhere_changed(owner)
        put_cursor(owner, f"answered-{item.id}")
        await settle(owner)
        detail = static_text(owner, "#line-detail")
        assert "10:00 Meg Manager batched it for the owner — Quiet music only" in " ".join(
            detail.split()
        )
        assert "Jo Desk read the answer" in detail


async def test_an_urgent_item_reaches_the_owner_at_once_with_a_notification(
    office_line: Office,
) -> None:
    desk_app = office_line.app(office_line.desk)
    owner_app = office_line.app(office_line.owner)
    manager_app = office_line.app(office_line.manager)
    async with (
        desk_app.run_test(size=SIZE) as desk,
        owner_app.run_test(size=SIZE) as owner,
        manager_app.run_test(size=SIZE) as manager,
    ):
        await settle(owner)
        await settle(manager)
        # The owner is on the board, not the line; the app's hook watches for them.
        owner_alerts = UrgentAlerts(owner_app)
        manager_alerts = UrgentAlerts(manager_app)
        earlier = office_line.line().file(
            office_line.desk, "question", "Filed earlier", urgent=True
        )
        await open_line(desk)
        await desk.press("n", "tab")  # past what kind, to the words
        await paste(desk, "The card reader is down: cash only today?")
        await desk.press("shift+tab", "p", "tab", "tab", "tab", "u", "enter")
        await settle(desk)
        item = item_by_text("The card reader is down: cash only today?")
        assert (item.kind, item.urgent, item.status) == ("problem", True, LineStatus.BATCHED)
        assert "Filed as urgent: it is on the owner's screen now." in notices(desk)

        await elsewhere_changed(owner)
        assert owner_alerts.check() == 2  # each new one: the earlier one too
        await settle(owner)
        assert "Problem from Jo Desk: The card reader is down: cash only today?" in notices(owner)
        assert owner_alerts.check() == 0  # told once
        assert manager_alerts.check() == 0  # only an owner's terminal shows the alert
        await settle(manager)
        assert notices(manager) == []

        await open_line(owner)
        assert cursor(owner) == f"owner-{earlier}"  # urgent ones as they came
        assert lines(owner)[f"owner-{item.id}"].startswith("!! Problem The card reader is down")
        assert static_text(owner, "#line-summary") == "2 for you (2 urgent)"

        # With the owner's Line open, a new urgent item shows the moment the poll sees it.
        office_line.practice.clock.advance(minutes=1)
        await desk.press("n", "tab")  # past what kind, to the words
        await paste(desk, "And the phones are down too")
        await desk.press("tab", "tab", "u", "enter")  # to the urgent field: urgent
        await settle(desk)
        await elsewhere_changed(owner)
        newest = item_by_text("And the phones are down too")
        assert f"owner-{newest.id}" in lines(owner)
        assert static_text(owner, "#line-summary") == "3 for you (3 urgent)"


async def test_two_terminals_answering_one_item_at_once_keep_one_answer(
    office_line: Office,
) -> None:
    """The owner has the line open in the office and over SSH; both answer the same item."""
    item_id = office_line.line().file(
        office_line.desk, "approval", "The seminar: $480", urgent=True
    )
    first = office_line.app(office_line.owner)
    # The second terminal has not polled for changes yet when the owner answers there.
    second = office_line.app(office_line.owner, watcher=NeverChanges())
    async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
        await open_line(one)
        await open_line(two)
        assert cursor(one) == cursor(two) == f"owner-{item_id}"

        await one.press("a", "enter")
        await settle(one)
        assert LineItem.get_by_id(item_id).answer == "approve"
        assert f"owner-{item_id}" in lines(two)  # still shown there

        await two.press("d")
        await settle(two)
        await paste(two, "No: too dear.")
        await two.press("enter")
        await settle(two)

        assert warnings(two) == [
            "You answered this item already (Approved, at 10:00): one answer stands, "
            "so you cannot answer it."
        ]
        item = LineItem.get_by_id(item_id)
        assert (item.answer, item.answer_note) == ("approve", "")
        answers = LineEvent.select().where(LineEvent.what == "answered")
        assert answers.count() == 1
        # The refused terminal now shows the truth.
        assert "owner-none" in lines(two)
        assert lines(two)[f"answered-{item_id}"].endswith("Approved · Jo Desk · 10:00")


async def test_the_manager_handles_an_item_with_a_note(office_line: Office) -> None:
    item_id = office_line.line().file(office_line.desk, "question", "May I leave at four?")
    app = office_line.app(office_line.manager)
    async with app.run_test(size=SIZE) as pilot:
        await open_line(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert lines(pilot)[f"queue-{item_id}"].endswith("Jo Desk · 10:00 · taken")

        await pilot.press("h")
        await settle(pilot)
        await pilot.press("enter")  # no note: refused in the form
        await settle(pilot)
        assert isinstance(app.screen, NoteForm)
        assert "takes a note" in str(app.screen.query_one("#note-error", Label).render())
        await paste(pilot, "Yes, this once.")
        await pilot.press("enter")
        await settle(pilot)

        item = LineItem.get_by_id(item_id)
        assert (item.status, item.answer_note) == (LineStatus.HANDLED, "Yes, this once.")
        assert item.answered_by_id == office_line.manager
        assert lines(pilot)["queue-none"] == "The queue is empty."
        assert "Handled: Jo Desk has your answer." in notices(pilot)

        await pilot.press("B")  # nothing in the batch: said so, nothing asked, nothing sent
        await settle(pilot)
        assert isinstance(app.screen, LineScreen)
        assert "The batch is empty: nothing to send." in notices(pilot)


async def test_keys_are_for_their_roles(office_line: Office) -> None:
    line = office_line.line()
    waiting = line.file(office_line.desk, "question", "Waiting for the owner", urgent=True)
    queued = line.file(office_line.desk, "question", "In the queue")
    desk_app = office_line.app(office_line.desk)
    owner_app = office_line.app(office_line.owner)
    async with desk_app.run_test(size=SIZE) as desk, owner_app.run_test(size=SIZE) as owner:
        await open_line(desk)
        for key in ("a", "d", "s", "b", "h", "t", "B"):
            await desk.press(key)
            await settle(desk)
            assert isinstance(desk_app.screen, LineScreen), key
        assert LineItem.get_by_id(queued).status == LineStatus.NEW
        assert LineItem.get_by_id(waiting).status == LineStatus.BATCHED

        # The owner's n: a note on an item waiting for them; a new item anywhere else.
        await open_line(owner)
        assert cursor(owner) == f"owner-{waiting}"
        await owner.press("n")
        await settle(owner)
        assert isinstance(owner_app.screen, NoteForm)
        await owner.press("escape")
        await settle(owner)
        assert LineItem.get_by_id(waiting).status == LineStatus.BATCHED  # nothing answered
        line.handle(queued, office_line.manager, "Done.")
        await elsewhere_changed(owner)
        await owner.press("s", "enter")  # see me
        await settle(owner)
        assert LineItem.get_by_id(waiting).answer == "see_me"
        put_cursor(owner, f"answered-{waiting}")
        await owner.press("n")
        await settle(owner)
        assert isinstance(owner_app.screen, NewItemForm)


async def test_without_an_office_manager_the_owner_works_the_queue(office_line: Office) -> None:
    Staff.update(active=False).where(Staff.id == office_line.manager).execute()
    item_id = office_line.line().file(office_line.desk, "request", "New mats for room 2")
    app = office_line.app(office_line.owner)
    async with app.run_test(size=SIZE) as pilot:
        await open_line(pilot)
        assert list(lines(pilot))[:4] == ["owner", "owner-none", "queue-gap", "queue"]
        put_cursor(pilot, f"queue-{item_id}")
        await pilot.press("b", "enter", "B", "y")
        await settle(pilot)
        assert f"owner-{item_id}" in lines(pilot)
        assert LineItem.get_by_id(item_id).routed_at is not None


# -- what a new person's walk found ---------------------------------------------------------


async def test_sending_the_batch_asks_first_saying_how_many_go(office_line: Office) -> None:
    line = office_line.line()
    first = line.file(office_line.desk, "request", "New mats for room 2", priority="high")
    second = line.file(office_line.desk, "question", "Music in the waiting room?")
    for item_id in (first, second):
        line.batch(item_id, office_line.manager)
    app = office_line.app(office_line.manager)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_line(pilot)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert str(app.screen.query_one(".dialog-title", Label).render()) == (
            "Send the batch to the owner now? 2 items (1 high priority) go to their screen."
        )
        await pilot.press("n")  # not now: the batch stays as it was
        await settle(pilot)
        assert isinstance(app.screen, LineScreen)
        assert [LineItem.get_by_id(i).routed_at for i in (first, second)] == [None, None]
        assert not [said for said in notices(pilot) if said.startswith("Sent")]

        await pilot.press("B", "enter")
        await settle(pilot)
        assert all(LineItem.get_by_id(i).routed_at is not None for i in (first, second))
        assert "Sent to the owner: 2 items." in notices(pilot)
        assert lines(pilot)["batch-none"] == "The batch is empty."


async def test_the_owner_reads_the_whole_item_while_answering(office_line: Office) -> None:
    words = " ".join(f"Point {n}: the lease, the parking and the signs." for n in range(1, 25))
    item_id = office_line.line().file(office_line.desk, "question", words, urgent=True)
    app = office_line.app(office_line.owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_line(pilot)
        assert cursor(pilot) == f"owner-{item_id}"
        await pilot.press("d")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NoteForm)
        about = form.query_one("#note-about", Static)
        assert str(about.render()).replace("\n", " ").split() == words.split()  # all of it
        box = form.query_one("#note-about-box", VerticalScroll)
        assert box.size.height <= 8 and box.max_scroll_y > 0  # long: it scrolls
        await pilot.press("pagedown")
        await pilot.pause()
        assert box.scroll_y > 0
        assert form.focused is form.query_one("#note", Input)  # the note is still typed
        await pilot.press("N", "o")
        await pilot.press("enter")
        await settle(pilot)
        item = LineItem.get_by_id(item_id)
        assert (item.answer, item.answer_note) == ("decline", "No")


async def test_typing_after_leaving_a_field_goes_on_at_its_end(office_line: Office) -> None:
    app = office_line.app(office_line.desk)
    async with app.run_test(size=SIZE) as pilot:
        await open_line(pilot)
        await pilot.press("n", "tab")
        await settle(pilot)
        await paste(pilot, "The printer")
        await pilot.press("tab", "shift+tab", "space", "j", "a", "m", "s")  # away and back
        await pilot.press("enter")
        await settle(pilot)
        assert item_by_text("The printer jams").sender_id == office_line.desk
