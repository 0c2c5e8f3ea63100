"""The recall list: patients overdue for a visit, with nothing booked, longest overdue
first; those called lately rest at the end (dim, with the day they may be called again).
Enter offers the next free slot of their last visit's type with their provider; `l`
logs the call (called, left a message, not reachable, do not contact)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Sequence

from rich.text import Text

from om_tui.practice import time_words
from om_tui.practice.calls.contacts import RECALL
from om_tui.practice.calls.recall import RECALL_TABLES, RecallRow, recall_page
from om_tui.practice.schedule.book import Booked
from om_tui.screens.calls.base import MOST_SHOWN, CallListScreen

_numeric_day = functools.lru_cache(maxsize=1024)(time_words.numeric_day)
"""A day as the Last visit column says it: the page's rows share a few days, and saying
one (arrow's formatting) is most of the cost of a row."""


class RecallScreen(CallListScreen[RecallRow]):
    """Patients to call back in."""

    SHOWS = RECALL_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    TITLE_TEXT = "Recall"
    LISTED = RECALL
    COLUMNS = (
        ("Patient", 20),
        ("Phone", 12),
        ("Last visit", 10),
        ("Overdue", 7),
        ("Tries", 5),
        ("Next call", 10),
    )

    def read(self) -> list[RecallRow]:
        om = self.om
        today = om.practice.today(om.clock.now())
        self._today = today
        page = recall_page(om.database, om.practice, self.rules, today, MOST_SHOWN)
        self._to_call = page.to_call
        self.due = page.due
        return page.rows

    def __init__(self) -> None:
        super().__init__()
        self._to_call = 0
        self.due = 0

    def key_of(self, row: RecallRow) -> str:
        return str(row.patient_id)

    def cells(self, row: RecallRow) -> Sequence[str | Text]:
        overdue = (self._today - row.due).days
        style = "" if row.to_call else "dim"
        again = time_words.day_text(row.again_on) if row.again_on else "now"
        return (
            Text(row.name, style=style),
            row.phone,
            _numeric_day(row.last_visit),
            f"{overdue}d",
            str(row.tries),
            Text(again, style=style),
        )

    def heading(self) -> Text:
        return Text.assemble(
            (self.TITLE_TEXT, "bold"), f" · {self._to_call} to call · {self.due} due"
        )

    def describe(self, row: RecallRow) -> str:
        last = (
            f"last call {time_words.day_text(row.last_call)}" if row.last_call else "not called yet"
        )
        due = time_words.day_text(row.due, weekday=False, year=True)
        return f"{row.name}: due since {due} · {last} · Enter books · l logs"

    def action_book(self) -> None:
        row = self.current()
        if row is None or not self.may_call():
            return
        calls = self.calls

        def booking(
            start: dt.datetime, minutes: int, provider: int, kind: int | None
        ) -> Callable[[Collection[str]], Booked]:
            return lambda consent: calls.book_from_list(
                row.patient_id, RECALL, start, minutes, provider, kind, consent
            )

        self.offer_next_free(row.patient_id, row.name, row.type_id, row.provider_id, booking)
