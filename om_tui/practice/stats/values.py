"""Reading what is typed for a stat: a number in its unit, within the limits, and the
refusals the stats say to a person.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from om_tui.practice.limits import (
    FORMULA,
    LARGEST_NUMBER,
    STAT_NAME,
    NumberUnclear,
    checked_number,
    checked_text,
    without_thousands,
)
from om_tui.practice.refusal import Refusal


class StatError(Refusal, ValueError):
    """Something about a stat that cannot be; the message is fit for the manager."""


class StatGone(StatError):
    """The stat was removed (on another terminal, perhaps)."""


LIMIT = LARGEST_NUMBER


UNITS = ("count", "money", "minutes", "percent")


NON_NEGATIVE_UNITS = ("count", "minutes", "percent")


def check_value(value: float, unit: str, what: str = "") -> float:
    """A stat's value (or quota): finite, within a trillion, not negative where it cannot be."""
    what = what or f"A {unit}"
    value = checked_number(value, what, StatError)
    if value < 0 and unit in NON_NEGATIVE_UNITS:
        raise StatError(f"{what} cannot be negative.")
    return value


@dataclass(frozen=True)
class Reading:
    value: float
    needs_confirmation: str = ""  # non-empty: ask before saving (an absurd jump)


def read_value(text: str, unit: str, last_week: float | None) -> Reading:
    """A value as typed (1,250.50, $300, 45%); StatError with a clear message if wrong."""
    cleaned = text.strip().replace("$", "").rstrip("%").strip()
    if not cleaned:
        raise StatError("Type a number.")
    try:
        value = float(without_thousands(cleaned))
        if math.isnan(value):
            raise ValueError(cleaned)  # "nan" spells no number at all
    except NumberUnclear as unclear:
        raise StatError(str(unclear)) from None
    except ValueError:
        raise StatError(
            f"“{text.strip()}” is not a number. Type digits, e.g. 42 or 1,250.50."
        ) from None
    if not math.isfinite(value) or abs(value) >= LIMIT:
        raise StatError("That number is too large.")
    check_value(value, unit)
    if last_week is not None and last_week > 0 and value >= 10 * last_week:
        return Reading(
            value,
            f"{value:,.10g} is over 10× last week ({last_week:,.10g}). Enter again to keep it.",
        )
    return Reading(value)


def no_such_post(title: str, titles: Sequence[str]) -> str:
    """What is said of a post title no hat has: the hats there are, or how to make one."""
    if not titles:
        return f"No hat is called {title!r}: there are no hats yet (add one in Hats)."
    return f"No hat is called {title!r}. The hats: {', '.join(titles)}."


def _checked_settings(fields: dict[str, Any], unit: str) -> dict[str, Any]:
    """A stat's name, quota and scale as a person gave them, checked: text within its
    length, numbers finite and within range (inf, nan and 1e308 are refused)."""
    checked: dict[str, Any] = {}
    if "name" in fields:
        if not str(fields["name"]).strip():
            raise StatError("A stat needs a name.")
        checked["name"] = checked_text(str(fields["name"]), STAT_NAME, StatError)
    if "formula" in fields and fields["formula"] is not None:
        checked["formula"] = checked_text(str(fields["formula"]), FORMULA, StatError)
    if fields.get("quota") is not None:
        checked["quota"] = check_value(fields["quota"], unit, "A quota")
    for name, what in (("scale_bottom", "The scale's bottom"), ("scale_top", "The scale's top")):
        if fields.get(name) is not None:
            checked[name] = checked_number(fields[name], what, StatError)
    return checked
