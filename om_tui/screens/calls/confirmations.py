"""The confirmation list: a day's appointments (the next open day first), worst first.
A number key sets the state under the cursor (the practice's states, in their order) and
logs the call; [ and ] change the day; Enter opens the book on the appointment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from om_tui.practice import time_words
from om_tui.practice.calls.confirmations import (
    CONFIRMATION_TABLES,
    ConfirmationRow,
    confirmation_list,
    confirmation_rate,
    next_open_day,
)
from om_tui.practice.calls.contacts import CONFIRM
from om_tui.practice.schedule.book import Booked
from om_tui.practice.schedule.types import StatusLine, statuses
from om_tui.screens.calls.base import CallListScreen


class ConfirmationsScreen(CallListScreen[ConfirmationRow]):
    """Who to call to confirm, for a day."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *CallListScreen.BINDINGS,
        Binding("1", "state(1)", "State", key_display="1–4", id="confirmations.state"),
        *(Binding(str(n), f"state({n})", show=False) for n in range(2, 10)),
        Binding("right_square_bracket", "day(1)", "Next day", id="confirmations.next_day"),
        Binding("left_square_bracket", "day(-1)", "Prev", id="confirmations.previous_day"),
    ]

    SHOWS = CONFIRMATION_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    TITLE_TEXT = "Confirmations"
    LISTED = CONFIRM
    COLUMNS = (
        ("Time", 5),
        ("Patient", 15),
        ("Phone", 12),
        ("With", 10),
        ("State", 12),
        ("Last call", 12),
    )

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        self.day = day
        self._states: list[StatusLine] = []

    def read(self) -> list[ConfirmationRow]:
        om = self.om
        if self.day is None:
            self.day = next_open_day(om.practice, om.practice.today(om.clock.now()))
        self._states = statuses()
        return confirmation_list(om.practice, self.day)

    def key_of(self, row: ConfirmationRow) -> str:
        return str(row.appointment_id)

    def cells(self, row: ConfirmationRow) -> Sequence[str | Text]:
        at = time_words.clock(row.start, self.om.practice.zone)
        state = Text(row.status, style="bold" if not row.confirmed else "dim")
        provider = row.provider.split()[-1] if row.provider else ""  # "Webb": the book's word
        return (at, row.name, row.phone, provider, state, row.last_call)

    def heading(self) -> Text:
        assert self.day is not None
        rate = confirmation_rate(self.rows)
        to_call = sum(1 for r in self.rows if not r.confirmed)
        title = Text.assemble((self.TITLE_TEXT, "bold"), f" · {time_words.day_text(self.day)}")
        title.append(f" · {to_call} to call")
        if rate is not None:
            title.append(f" · {rate:.0f}% confirmed")
        return title

    def describe(self, row: ConfirmationRow) -> str:
        keys = " ".join(f"{n} {s.name}" for n, s in enumerate(self._states, start=1))
        return f"{row.kind or 'Appointment'} · {keys} · Enter: the book"

    def appointment_of(self, row: ConfirmationRow) -> int | None:
        return row.appointment_id

    def action_state(self, number: int) -> None:
        row = self.current()
        if row is None or not 1 <= number <= len(self._states) or not self.may_call():
            return
        status = self._states[number - 1].id
        calls = self.calls
        self.om.write(
            lambda: calls.set_confirmation(row.appointment_id, row.version, status),
            self._stepped,
        )

    def _stepped(self, done: Booked) -> None:
        """The call is done: the cursor stays on its line, where the next one to call
        comes up (the row confirmed goes down the list)."""
        self.keep_place = True
        self.said(done.description)

    def action_day(self, step: int) -> None:
        assert self.day is not None
        self.day += dt.timedelta(days=step)
        self.reload()

    def action_book(self) -> None:
        row = self.current()
        if row is None:
            return
        from om_tui.screens.calls.to_book import show_in_book

        show_in_book(self.om, row.provider_id, row.start)
