"""Finding the next free slot: the earliest time, from a moment on, when a provider (or
any provider) works, is not blocked out, and has nobody booked, for as long as the
appointment type lasts. Candidates start on the book's slot grid within each stretch
of the provider's hours. Eight weeks are searched; the appointments of the whole range
are read in one indexed query (provider, start), the hours and blockouts once.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from db.models import Appointment, as_utc, utc_naive
from om_tui.practice.schedule.book import DAY, Book
from om_tui.practice.schedule.hours import Hours, blocked_by, blockouts_between, slot_minutes

SEARCH_WEEKS = 8


@dataclass(frozen=True)
class FreeSlot:
    provider_id: int
    start: dt.datetime  # UTC, aware


def next_free(
    book: Book,
    minutes: int,
    provider_id: int | None,
    after: dt.datetime,
    weeks: int = SEARCH_WEEKS,
) -> FreeSlot | None:
    """The earliest free slot of `minutes` from `after` on (None: none in `weeks`)."""
    providers = [provider_id] if provider_id is not None else [i for i, _ in book.providers()]
    if not providers:
        return None
    until = after + dt.timedelta(weeks=weeks)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    query: Any = (
        Appointment.select(Appointment.provider, Appointment.start, Appointment.length_minutes)
        .where(
            Appointment.provider.in_(providers),
            Appointment.start > utc_naive(after - DAY),
            Appointment.start < utc_naive(until),
            Appointment.cancelled_at.is_null(),
        )
        .order_by(Appointment.start)
        .tuples()
    )
    rows: list[tuple[Any, ...]] = list(query)  # peewee's stubs yield models, not tuples
    for provider, start, length in rows:
        begin = as_utc(start)
        busy[provider].append((begin, begin + dt.timedelta(minutes=length)))
    starts = {p: [b for b, _ in spans] for p, spans in busy.items()}
    blockouts = blockouts_between(after, until, providers)
    hours = Hours(book.settings)
    slot = dt.timedelta(minutes=slot_minutes(book.database))
    length = dt.timedelta(minutes=minutes)
    day = book.settings.local(after).date()
    last = book.settings.local(until).date()
    while day <= last:
        found: FreeSlot | None = None
        for provider in providers:
            for span_start, span_end in hours.spans(provider, day):
                candidate = span_start
                if candidate < after:
                    steps = -(-(after - span_start) // slot)  # whole slots, rounded up
                    candidate = span_start + steps * slot
                while candidate + length <= span_end and candidate < until:
                    if found is not None and candidate >= found.start:
                        break
                    clash = _clash(busy[provider], starts.get(provider, []), candidate, length)
                    if clash is None:
                        blockout = blocked_by(blockouts, provider, candidate, candidate + length)
                        if blockout is None:
                            found = FreeSlot(provider, candidate)
                            break
                        candidate = max(candidate + slot, _on_grid(blockout.end, span_start, slot))
                        continue
                    candidate = max(candidate + slot, _on_grid(clash, span_start, slot))
        if found is not None:
            return found
        day += dt.timedelta(days=1)
    return None


def _clash(
    spans: list[tuple[dt.datetime, dt.datetime]],
    starts: list[dt.datetime],
    candidate: dt.datetime,
    length: dt.timedelta,
) -> dt.datetime | None:
    """The end of a booking overlapping [candidate, candidate + length), if any."""
    end = candidate + length
    # Bookings starting before the candidate's end; those from a day before may reach in.
    index = bisect_left(starts, end)
    for begin, finish in reversed(spans[max(0, index - 50) : index]):
        if finish > candidate and begin < end:
            return finish
        if begin < candidate - DAY:
            break
    return None


def _on_grid(moment: dt.datetime, origin: dt.datetime, slot: dt.timedelta) -> dt.datetime:
    """`moment` rounded up onto the slot grid that starts at `origin`."""
    if moment <= origin:
        return origin
    return origin + -(-(moment - origin) // slot) * slot
