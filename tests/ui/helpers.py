"""What the Pilot tests read off the screen, and how they let the app's writes land.

Where a test must reach into Textual's private parts (its notifications, a Select's
shown label, the footer's keys), it goes through one helper here, the only place that
imports or reads them: a Textual release that moves them breaks this file alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from rich.text import Text
from textual import events
from textual.app import App
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Select, Static
from textual.widgets._footer import FooterKey  # private: footer_keys() alone uses it
from textual.widgets._select import SelectCurrent  # private: select_shown() alone uses it
from textual.worker import WorkerCancelled

from db.models import Stage, Visit, VisitEvent
from om_tui.widgets.live_table import LiveTable

from .conftest import Practice


async def settle(pilot: Pilot[Any]) -> None:
    """Let the writes started by the last keys finish and the screen redraw.

    A patient-list load replaced by a newer one (exclusive) counts as finished.
    """
    await pilot.pause()  # messages already posted (a change announced) start their workers
    for worker in list(pilot.app.workers):
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()
    await pilot.pause()


def board(pilot: Pilot[Any]) -> LiveTable:
    return pilot.app.screen.query_one("#board", LiveTable)


def plain(value: object) -> str:
    return value.plain if isinstance(value, Text) else str(value)


def cell(pilot: Pilot[Any], key: str, column: str) -> str:
    """The text of one board cell, without the spaces around it."""
    return plain(board(pilot).get_cell(key, column)).strip()


def stage(pilot: Pilot[Any], key: str) -> str:
    """The stage a row shows, without its attention marker ("!", "!!")."""
    return cell(pilot, key, "stage").lstrip("! ")


def marked(pilot: Pilot[Any], key: str) -> bool:
    """Whether the row's stage carries an attention marker."""
    return cell(pilot, key, "stage").startswith("!")


def static_text(pilot: Pilot[Any], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


def select(pilot: Pilot[Any], key: str) -> None:
    """Put the board's cursor on a row, as the arrow keys would."""
    table = board(pilot)
    table.move_cursor(row=table.get_row_index(key))


# -- Textual's private parts, one helper each ----------------------------------------------


def notifications(app: App[Any]) -> list[Notification]:
    """The notifications the app has shown and still holds (Textual keeps them private)."""
    return list(app._notifications)


def select_shown(select: Select[Any]) -> str:
    """The label a Select shows for its value (its private SelectCurrent widget)."""
    return str(select.query_one(SelectCurrent).label)


def footer_keys(footer: Footer) -> list[FooterKey]:
    """The keys a footer shows, the command palette's among them (private FooterKey)."""
    return list(footer.query(FooterKey))


# -- what the screen says --------------------------------------------------------------------


def notices(pilot: Pilot[Any]) -> list[str]:
    return [notification.message for notification in notifications(pilot.app)]


def warnings(pilot: Pilot[Any]) -> list[str]:
    return [n.message for n in notifications(pilot.app) if n.severity == "warning"]


def visit_for(appointment_id: int) -> Visit | None:
    return Visit.get_or_none(Visit.appointment == appointment_id)


def live_stages(visit_id: int) -> list[Stage]:
    """The visit's stages in order, leaving out the undone ones."""
    events = (
        VisitEvent.select()
        .where(VisitEvent.visit == visit_id, VisitEvent.undone_at.is_null())
        .order_by(VisitEvent.at, VisitEvent.id)
    )
    return [Stage(event.stage) for event in events]


def move_elsewhere(practice: Practice, key: str, stage: Stage, room: int | None = None) -> None:
    """Another terminal moves a visit, on its own connection: run it in a thread."""
    with practice.database.connection_context():
        flow = practice.flow()
        [row] = [r for r in flow.board().rows if r.key == key]
        flow.move(row, stage, room=room)


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Put text into the focused field as a terminal paste does: one change in all.

    Pilot takes a tenth of a second per typed key, so whole names and dates are
    pasted; the search tests still type their few letters one by one.
    """
    field = pilot.app.screen.focused
    assert isinstance(field, Input), f"{field!r} is not a text field"
    field.post_message(events.Paste(text))
    await pilot.pause()


def footer(pilot: Pilot[Any]) -> list[str]:
    """The footer's keys as shown ("d Done"), each checked to be whole on the screen:
    not cut by the screen's edge or by the palette's key at the right."""
    keys = footer_keys(pilot.app.screen.query_one(Footer))
    palette = [key for key in keys if key.has_class("-command-palette")]
    edge = palette[0].region.x if palette else pilot.app.size.width
    shown = []
    for key in keys:
        if key in palette:
            continue
        said = f"{key.key_display} {key.description}"
        region = key.region
        assert region.width >= len(said) and region.right <= edge, f"{said!r} is cut"
        shown.append(said)
    return shown


async def check_in_elsewhere(
    practice: Practice, patient_id: int, appointment_id: int | None
) -> None:
    """Another terminal checks a patient in: on its own connection, in a thread."""

    def check_in() -> None:
        with practice.database.connection_context():
            practice.flow().check_in(patient_id, appointment_id)

    await asyncio.to_thread(check_in)


def handles(screen: type, message: type) -> bool:
    """Does `screen`, or a class it is made from, handle `message` (an `@on` handler)? Read
    from Textual's own record of those handlers (private: here alone)."""
    return any(message in vars(made).get("_decorated_handlers", {}) for made in screen.__mro__)


def done_elsewhere(practice: Practice, change: Callable[[], object]) -> None:
    """Another terminal's change, committed on its own connection and waited for here: the
    screens get no turn meanwhile (several such changes reach them as a burst)."""

    def on_its_own_connection() -> None:
        with practice.database.connection_context():
            change()

    other = threading.Thread(target=on_its_own_connection)
    other.start()
    other.join()


def counting_reads(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> list[int]:
    """Each call of `owner.name` (a screen's read), counted from now on."""
    reads: list[int] = []
    read = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        return read(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return reads


def screen_lines(pilot: Pilot[Any]) -> list[str]:
    """The terminal as drawn, line by line (the screen on top: a dialog without the board)."""
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def drawn(pilot: Pilot[Any], widget: Widget) -> str:
    """What a widget shows on the terminal, its lines joined by a space: all of its words
    are there only if none was cut by the screen's edge or its own width."""
    region = widget.region
    rows = screen_lines(pilot)[region.y : region.bottom]
    return " ".join(" ".join(row[region.x : region.right].split()) for row in rows).strip()


def on_each_drawing(app: App[Any], seen: Callable[[Screen[Any]], None]) -> None:
    """Call `seen` with the screen each time the app hands a drawing of it to its driver
    (private: App._display, the one place a test reaches it)."""
    original = app._display

    def display(screen: Screen[Any], renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None:
            seen(screen)

    app._display = display  # type: ignore[method-assign]
