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

from db.models import utc_naive
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
    busy = _bookings(book, providers, after - DAY, until)
    starts = {p: [b for b, _ in spans] for p, spans in busy.items()}
    longest = {p: max((f - b for b, f in spans), default=DAY) for p, spans in busy.items()}
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
                candidate = _on_grid(max(after, span_start), span_start, slot)
                while candidate + length <= span_end and candidate < until:
                    if found is not None and candidate >= found.start:
                        break
                    end = candidate + length
                    clash = _clash(
                        busy[provider],
                        starts.get(provider, []),
                        longest.get(provider, DAY),
                        candidate,
                        end,
                    )
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
    """Each provider's bookings in [start, end), by start. Read raw: peewee's conversion
    of each row's datetime costs more than the whole search."""
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    mark = book.database.param
    marks = ", ".join(mark for _ in providers)
    cursor = book.database.execute_sql(  # type: ignore[no-untyped-call]
        f"SELECT provider_id, start, length_minutes FROM appointment "
        f"WHERE provider_id IN ({marks}) AND start > {mark} AND start < {mark} "
        "AND cancelled_at IS NULL ORDER BY start",
        (*providers, str(utc_naive(start)), str(utc_naive(end))),
    )
    for provider, begin, length in cursor:
        at = (dt.datetime.fromisoformat(begin) if isinstance(begin, str) else begin).replace(
            tzinfo=dt.UTC
        )
        busy[provider].append((at, at + dt.timedelta(minutes=length)))
    return busy


def _clash(
    spans: list[tuple[dt.datetime, dt.datetime]],
    starts: list[dt.datetime],
    longest: dt.timedelta,
    candidate: dt.datetime,
    end: dt.datetime,
) -> dt.datetime | None:
    """The latest end among bookings overlapping [candidate, end), if any. Only those
    starting from `longest` before the candidate can reach it: a bisect, then a few."""
    latest = None
    index = bisect_left(starts, candidate - longest)
    while index < len(spans) and spans[index][0] < end:
        finish = spans[index][1]
        if finish > candidate and (latest is None or finish > latest):
            latest = finish
        index += 1
    return latest


def _on_grid(moment: dt.datetime, origin: dt.datetime, slot: dt.timedelta) -> dt.datetime:
    """`moment` rounded up onto the slot grid that starts at `origin`."""
    if moment <= origin:
        return origin
    return origin + -(-(moment - origin) // slot) * slot
