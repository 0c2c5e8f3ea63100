"""Double-bookings an import makes: the book's own rule, applied after a file.

A provider's appointments that overlap are shown double-booked, as the book shows two it
was told to book in one slot (the source booked them so: no one here is asked). As the
book marks what a booking lands on and unmarks what a move or a cancellation leaves
alone, so an import: what overlaps the times it added or moved an appointment to is
marked; what overlapped the times it moved one from or cancelled, and overlaps nothing
now, is no longer marked. Elsewhere in the book nothing is looked at. One read per
provider the file touched, sorted by start.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import cast

from db.models import Appointment

DAY = dt.timedelta(days=1)
_CHUNK = 500

Span = tuple[dt.datetime, dt.datetime]


class Overlaps:
    """The provider's times one file touched, and settling their double-bookings."""

    def __init__(self) -> None:
        self._touched: dict[int, list[Span]] = {}

    def touch(self, provider_id: object, start: object, minutes: object) -> None:
        """An appointment of `provider_id` (an id, or None: no provider) was added at, moved
        to or from, or cancelled at `start` (naive UTC, as stored) for `minutes`."""
        if isinstance(provider_id, int) and isinstance(start, dt.datetime):
            length = dt.timedelta(minutes=minutes if isinstance(minutes, int) else 0)
            self._touched.setdefault(provider_id, []).append((start, start + length))

    def settle(self) -> set[int]:
        """Mark and unmark around what was touched; the appointments newly marked."""
        marked: set[int] = set()
        for provider_id, spans in self._touched.items():
            marked |= self._settle(provider_id, _merged(spans))
        self._touched.clear()
        return marked

    def _settle(self, provider_id: int, touched: list[Span]) -> set[int]:
        # An appointment lasts less than a day: a day on each side holds all it can meet.
        query = (
            Appointment.select(
                Appointment.id,
                Appointment.start,
                Appointment.length_minutes,
                Appointment.double_booked,
            )
            .where(
                Appointment.provider == provider_id,
                Appointment.cancelled_at.is_null(),
                Appointment.start.between(touched[0][0] - DAY, touched[-1][1] + DAY),
            )
            .order_by(Appointment.start)
            .tuples()
        )
        booked = cast(list[tuple[int, dt.datetime, int, bool]], list(query))
        overlapping: set[int] = set()
        going_on: list[tuple[dt.datetime, int]] = []  # (end, id) of those not ended yet
        for ident, start, minutes, _double in booked:
            going_on = [(end, other) for end, other in going_on if end > start]
            if going_on:
                overlapping.add(ident)
                overlapping.update(other for _end, other in going_on)
            going_on.append((start + dt.timedelta(minutes=minutes), ident))
        ends = [end for _start, end in touched]
        mark: list[int] = []
        unmark: list[int] = []
        for ident, start, minutes, double in booked:
            if double == (ident in overlapping):
                continue
            at = bisect.bisect_right(ends, start)  # the first touched span ending after it
            if at < len(touched) and touched[at][0] < start + dt.timedelta(minutes=minutes):
                (mark if ident in overlapping else unmark).append(ident)
        for ids, double in ((mark, True), (unmark, False)):
            for at in range(0, len(ids), _CHUNK):
                Appointment.update(double_booked=double, version=Appointment.version + 1).where(
                    Appointment.id.in_(ids[at : at + _CHUNK])
                ).execute()
        return set(mark)


def _merged(spans: list[Span]) -> list[Span]:
    """The spans as disjoint ones, in order."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
