"""A patient pinned to the book from a call list, to be booked on the slot the front desk
picks with them on the phone (Open Dental's pinboard, by keys): the book opens on the
next free slot, the desk goes to another (n/p change day, g goes to one, the arrows move)
and Enter on a free slot books it the list's way, so the booking is logged as the list's
(the Reactivations stat counts those booked from recall). Esc lets go of the patient."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

from om_tui.practice.schedule.book import Booked

Booking = Callable[[dt.datetime, int, int, int | None], Callable[[Collection[str]], Booked]]
"""(start, minutes, provider, type) → the list's booking, given the book's consents."""


@dataclass(frozen=True)
class Pinned:
    """Whom the book is booking, for how long, as what type, and how the list books."""

    name: str
    listed: str  # the list's own word: "recall"
    minutes: int
    type_id: int | None
    book: Booking

    def said(self) -> str:
        return f"Booking {self.name} ({self.listed})"
