"""Finding the next free slot: the earliest time, from a moment on, when a provider (or
any provider) works, is not blocked out, and has nobody booked, for as long as the
appointment type lasts. Candidates start on the book's slot grid within each stretch
of the provider's hours. Up to eight weeks are searched; the appointments are read a
week at a time as the search gets there (one indexed query a week: a free slot this
week reads one week), the hours and blockouts once. A provider's bookings are merged
into busy blocks (a morning booked back to back is one block), so the scan leaps a
block at a time instead of a booking at a time.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

from db.models import utc_naive
from om_tui.practice.schedule.book import DAY, Book
from om_tui.practice.schedule.hours import Hours, blocked_by, blockouts_between, slot_minutes

SEARCH_WEEKS = 8
WEEK = dt.timedelta(weeks=1)


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
    busy = _Busy(book, providers, after - DAY, until)
    blockouts = blockouts_between(after, until, providers)
    hours = Hours(book.settings)
    slot = dt.timedelta(minutes=slot_minutes(book.database))
    length = dt.timedelta(minutes=minutes)
    day = book.settings.local(after).date()
    last = book.settings.local(until).date()
    while day <= last:
        found: FreeSlot | None = None
        busy.read_until(book.settings.day_bounds(day)[1] + DAY)
        for provider in providers:
            for span_start, span_end in hours.spans(provider, day):
                candidate = _on_grid(max(after, span_start), span_start, slot)
                while candidate + length <= span_end and candidate < until:
                    if found is not None and candidate >= found.start:
                        break
                    end = candidate + length
                    clash = busy.clash(provider, candidate, end)
                    blockout = blocked_by(blockouts, provider, candidate, end)
                    if clash is None and blockout is None:
                        found = FreeSlot(provider, candidate)
                        break
                    free_from = max(clash or candidate, blockout.end if blockout else candidate)
                    candidate = max(candidate + slot, _on_grid(free_from, span_start, slot))
        if found is not None:
            return found
        day += dt.timedelta(days=1)
    return None


def _bookings(
    book: Book, providers: list[int], start: dt.datetime, end: dt.datetime
) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """Each provider's bookings starting in [start, end), by start, in naive UTC. Read
    raw: peewee's conversion of each row's datetime costs more than the whole search."""
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    mark = book.database.param
    marks = ", ".join(mark for _ in providers)
    cursor = book.database.execute_sql(  # type: ignore[no-untyped-call]
        f"SELECT provider_id, start, length_minutes FROM appointment "
        f"WHERE provider_id IN ({marks}) AND start >= {mark} AND start < {mark} "
        "AND cancelled_at IS NULL ORDER BY start",
        (*providers, str(utc_naive(start)), str(utc_naive(end))),
    )
    lengths: dict[int, dt.timedelta] = {}
    parse = dt.datetime.fromisoformat
    for provider, begin, length in cursor:
        at = parse(begin) if isinstance(begin, str) else begin.replace(tzinfo=None)
        span = lengths.get(length) or lengths.setdefault(length, dt.timedelta(minutes=length))
        busy[provider].append((at, at + span))
    return busy


class _Busy:
    """The providers' busy blocks, read a week at a time up to `until`. Kept as naive
    UTC (as stored): the thousands of bookings read are not each given a time zone,
    only the few candidates asked about are made naive."""

    def __init__(
        self, book: Book, providers: list[int], start: dt.datetime, until: dt.datetime
    ) -> None:
        self.book, self.providers, self.until = book, providers, until + DAY
        self.read_to = start
        self.blocks: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        self.ends: dict[int, list[dt.datetime]] = {}

    def read_until(self, moment: dt.datetime) -> None:
        if self.read_to >= min(moment, self.until):
            return
        end = min(max(moment, self.read_to + WEEK), self.until)
        for provider, spans in _bookings(self.book, self.providers, self.read_to, end).items():
            _merge(self.blocks[provider], spans)
            self.ends[provider] = [f for _, f in self.blocks[provider]]
        self.read_to = end

    def clash(self, provider: int, candidate: dt.datetime, end: dt.datetime) -> dt.datetime | None:
        """Where the busy block overlapping [candidate, end) ends, if one does: the first
        block ending after the candidate (a bisect), if it begins before `end`."""
        blocks, ends = self.blocks.get(provider, []), self.ends.get(provider, [])
        if not ends:
            return None
        index = bisect_right(ends, candidate.replace(tzinfo=None))
        if index < len(blocks) and blocks[index][0] < end.replace(tzinfo=None):
            return blocks[index][1].replace(tzinfo=dt.UTC)
        return None


def _merge(
    blocks: list[tuple[dt.datetime, dt.datetime]], spans: list[tuple[dt.datetime, dt.datetime]]
) -> None:
    """Add bookings (by start, after those in `blocks`) to the busy blocks: overlapping
    or touching ones made one."""
    for begin, finish in spans:
        if blocks and begin <= blocks[-1][1]:
            if finish > blocks[-1][1]:
                blocks[-1] = (blocks[-1][0], finish)
        else:
            blocks.append((begin, finish))


def _on_grid(moment: dt.datetime, origin: dt.datetime, slot: dt.timedelta) -> dt.datetime:
    """`moment` rounded up onto the slot grid that starts at `origin`."""
    if moment <= origin:
        return origin
    return origin + -(-(moment - origin) // slot) * slot
