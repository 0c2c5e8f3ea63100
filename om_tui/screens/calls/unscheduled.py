"""The unscheduled list: appointments cancelled or missed and not booked again, the
longest waiting first. Enter offers the next free slot like the one broken; `l` logs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence

from rich.text import Text

from om_tui.practice import time_words
from om_tui.practice.calls.contacts import UNSCHEDULED
from om_tui.practice.calls.unscheduled import UNSCHEDULED_TABLES, UnscheduledRow, unscheduled_list
from om_tui.practice.schedule.book import Booked
from om_tui.screens.calls.base import CallListScreen


class UnscheduledScreen(CallListScreen[UnscheduledRow]):
    """Broken appointments to book again."""

    SHOWS = UNSCHEDULED_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    TITLE_TEXT = "Unscheduled"
    LISTED = UNSCHEDULED
    COLUMNS = (
        ("Patient", 20),
        ("Phone", 12),
        ("Was", 12),
        ("Why", 16),
        ("Since", 6),
    )

    def read(self) -> list[UnscheduledRow]:
        om = self.om
        self._today = om.practice.today(om.clock.now())
        return unscheduled_list(om.practice, self.rules, om.clock.now())

    def key_of(self, row: UnscheduledRow) -> str:
        return str(row.appointment_id)

    def cells(self, row: UnscheduledRow) -> Sequence[str | Text]:
        at = time_words.moment_text(row.start, self.om.practice.zone, weekday=False)
        days = (self._today - row.broken_on).days
        return (row.name, row.phone, at, row.why, f"{days}d")

    def describe(self, row: UnscheduledRow) -> str:
        return f"{row.name}: {row.why.lower()} {self.when(row.start)} · Enter books · l logs"

    def appointment_of(self, row: UnscheduledRow) -> int | None:
        return row.appointment_id

    def action_book(self) -> None:
        row = self.current()
        if row is None or not self.may_call():
            return
        calls = self.calls

        def booking(
            start: dt.datetime, minutes: int, provider: int, kind: int | None
        ) -> Callable[[Collection[str]], Booked]:
            return lambda consent: calls.book_from_list(
                row.patient_id, UNSCHEDULED, start, minutes, provider, kind, consent
            )

        self.offer_next_free(row.patient_id, row.name, row.type_id, row.provider_id, booking)
