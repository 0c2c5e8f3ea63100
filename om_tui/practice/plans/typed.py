"""A care plan's forms as typed: the provider and type by name, the first day in the
practice's day words (time_words.day), the time of day, each phase's weekdays."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from om_tui.practice import time_words
from om_tui.practice.plans.phases import PlanError
from om_tui.practice.refusal import Refusal

_BACK = re.compile(r"^-(\d+)\s*([dw])?$")


@dataclass(frozen=True)
class PlanFields:
    """A new plan as typed in its form."""

    phases: str
    provider: str
    kind: str
    first_day: str


@dataclass(frozen=True)
class BookingFields:
    """A plan's booking as typed: from which day, at what time, on which weekdays."""

    first_day: str
    at: str
    days: str  # "mon wed fri | tue thu | wed", one set a phase; empty: spread out


@dataclass(frozen=True)
class NewPlan:
    provider_id: int | None
    type_id: int | None
    first_day: dt.date


def read_plan(fields: PlanFields, today: dt.date) -> NewPlan:
    from om_tui.practice.schedule.hours import provider_named
    from om_tui.practice.schedule.types import type_named

    try:
        provider = provider_named(fields.provider) if fields.provider.strip() else None
        kind = type_named(fields.kind).id if fields.kind.strip() else None
    except Refusal as error:
        raise PlanError(str(error)) from None
    return NewPlan(provider, kind, read_day(fields.first_day, today))


def read_day(text: str, today: dt.date) -> dt.date:
    """A day in the practice's words; a plan may have begun already, so "11/16" typed on
    11/18 is two days ago (not next year), and "-2w" is two weeks ago."""
    text = text.strip().lower()
    if not text:
        return today
    back = _BACK.match(text)
    if back is not None:
        count, unit = int(back.group(1)), back.group(2) or "d"
        return today - (dt.timedelta(weeks=count) if unit == "w" else dt.timedelta(days=count))
    day = time_words.day(text, today, PlanError)
    if day - today > dt.timedelta(days=183) and str(day.year) not in text:
        earlier = day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else day
        if earlier <= today:
            return earlier
    return day


def read_at(text: str) -> dt.time:
    """ "9", "9:30", "14:15" → a time of day."""
    at = time_words.time_of_day(text, PlanError)
    if at is None:
        raise PlanError("A time of day, like 9:30.")
    return at


def read_days(text: str) -> list[tuple[int, ...]] | None:
    """ "mon wed fri | tue thu" → the weekdays of each phase; empty: None (spread out)."""
    from om_tui.practice.schedule.hours import parse_weekdays

    if not text.strip():
        return None
    try:
        return [tuple(parse_weekdays(part)) for part in text.split("|")]
    except Refusal as error:
        raise PlanError(str(error)) from None
