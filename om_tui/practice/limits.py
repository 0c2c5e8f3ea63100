"""What a person (or a file) may give the practice: one place for every limit.

Every text field has a longest length fit for where it is shown: the practice layer
refuses more, the CLI says so in one line, and the app's fields stop typing there
(`Input(max_length=…)` reads the same numbers). Text is kept as Unicode NFC, so that
"José" typed on a Mac (an e and a combining accent) is the "José" typed elsewhere; no
control characters (a tab, an escape, a right-to-left override) reach a screen.

A person's name — a patient's or a staff member's — follows one rule: letters of any
script (accents, marks and all), spaces, - ' ’ . between them, and quotes round a
nickname. Hat titles, stat
names and other labels follow a sibling rule: any printable text, within their length.

Numbers are finite and within a range that fits what they count: no inf, no NaN, no
1e308 that no screen can draw. A phone number's digits are read whatever the script
("٠١٢", "０１２") and kept as ASCII digits.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

from om_tui.practice.refusal import Refusal


@dataclass(frozen=True)
class TextField:
    """A text field: what the person is told it is, and its longest length."""

    what: str  # "A hat's title": the subject of the field's messages
    longest: int
    lines: bool = False  # several lines (a policy's text): line breaks and tabs allowed


PERSON_NAME = TextField("A name", 80)
PRACTICE_NAME = TextField("The practice's name", 60)
HAT_TITLE = TextField("A hat's title", 60)
HAT_ABOUT = TextField("A hat's purpose or product", 400)
POLICY_TITLE = TextField("A policy's title", 80)
POLICY_TEXT = TextField("A policy's text", 20_000, lines=True)
CHECKLIST_LINE = TextField("A duty, item or step", 200)
STAT_NAME = TextField("A stat's name", 60)
STAT_SHORT_NAME = TextField("A stat's short name", 32)
FORMULA = TextField("A formula", 200)
LEAVE_NOTE = TextField("A leave note", 120)
REASON = TextField("A reason", 400)
PHONE = TextField("A phone number", 32)
#: The longest number a person types in a field ("$1,000,000,000.00" and room to spare).
TYPED_NUMBER = 24


#: The largest value a stat, its quota or its graph's scale may hold (a trillion).
LARGEST_NUMBER = 1e12
#: A condition threshold is a percent change; beyond ±1,000 % it no longer tells weeks apart.
LARGEST_PERCENT = 1000.0
#: Minutes a setting may count (a stage's warning, lateness): one day at most.
LONGEST_MINUTES = 24 * 60

#: Days a person may name (a report's week, a leave): from 1900 to 2999, where the
#: calendar's arithmetic never runs off its end.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)

_BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
CONTROLS = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_CONTROLS}]")
"""Characters a terminal acts on (Unicode's control characters, Cc) or that turn the text
around it (the bidirectional controls): refused in what is typed, shown as spaces where a
name from another system is drawn (the board's table)."""
_NAME_JOINERS = " '’.-\"“”"  # quotes: a nickname, as in Robert "Bob" Lee


def normal(text: str | None) -> str:
    """Text as kept: NFC, no surrounding spaces."""
    return unicodedata.normalize("NFC", text or "").strip()


def checked_text(
    text: str | None, field: TextField, refusal: type[Refusal], *, required: bool = True
) -> str:
    """The text as kept (NFC, trimmed), or `refusal` saying what is wrong with it."""
    text = normal(text)
    if not text:
        if required:
            raise refusal(f"{field.what} cannot be empty.")
        return ""
    if any(_is_control(c) and not (field.lines and c in "\n\t") for c in text):
        raise refusal(f"{field.what} cannot hold control characters (tabs, escapes…).")
    if len(text) > field.longest:
        raise refusal(
            f"{field.what} is at most {field.longest} characters (this one has {len(text)})."
        )
    return text


def person_name(text: str | None, refusal: type[Refusal]) -> str:
    """A person's name as kept: NFC, single spaces, letters of any script with
    - ' ’ . between them ("José", "王小明", "O'Brien", "Anne-Marie", "Dr. Sarah Chen"), and
    quotes round a nickname (Dr. Jo O'Neil "JJ")."""
    text = " ".join(normal(text).split())
    if not text:
        raise refusal("A name cannot be empty.")
    if len(text) > PERSON_NAME.longest:
        longest, given = PERSON_NAME.longest, len(text)
        raise refusal(f"A name is at most {longest} characters (this one has {given}).")
    if not _is_letter(text[0]) or any(
        not (_is_letter(c) or _is_mark(c) or c in _NAME_JOINERS) for c in text
    ):
        raise refusal("A name has letters only (and spaces, - ' .).")
    return text


def written_without_spaces(text: str) -> bool:
    """Is the name in a script that writes a whole name without spaces (Chinese, Japanese
    kanji, Korean)? There the family name comes first."""
    return all(
        unicodedata.name(character, "").startswith(("CJK UNIFIED", "HANGUL", "CJK COMPAT"))
        for character in text
    )


def ascii_digits(text: str) -> str:
    """Digits of any script (Arabic-Indic, fullwidth, Devanagari…) as 0-9; fullwidth
    punctuation as its ASCII twin; everything else as it was."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def checked_number(
    value: float | None,
    what: str,
    refusal: type[Refusal],
    *,
    largest: float = LARGEST_NUMBER,
    negative: bool = True,
) -> float:
    """A finite number within ±`largest` (and not below 0 unless `negative`)."""
    if value is None or isinstance(value, bool):
        raise refusal(f"{what} must be a number.")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise refusal(f"{what} must be a number.") from None
    if math.isnan(number):
        raise refusal(f"{what} must be a number (not “nan”).")
    if not math.isfinite(number) or abs(number) > largest:
        raise refusal(f"{what} is at most {largest:,.0f} either way.")
    if number < 0 and not negative:
        raise refusal(f"{what} cannot be negative.")
    return number


def checked_day(day: dt.date, what: str, refusal: type[Refusal]) -> dt.date:
    """A day from 1900 to 2999."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise refusal(f"{what} is a day from {FIRST_DAY.year} to {LAST_DAY.year}.")
    return day


def checked_minutes(value: int, what: str, refusal: type[Refusal]) -> int:
    """A whole number of minutes from 1 to a day."""
    if not 1 <= value <= LONGEST_MINUTES:
        raise refusal(f"{what} is 1 to {LONGEST_MINUTES} minutes.")
    return value


_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def without_thousands(text: str) -> str:
    """A typed number with its thousands separators taken out ("12,345.50" → "12345.50").

    A comma is a thousands separator only where it is one: "1,500", "12,345,678". Any
    other comma ("1,5": 1.5 in much of the world, 15 in a slip) is asked about."""
    if "," not in text:
        return text
    if _THOUSANDS.fullmatch(text):
        return text.replace(",", "")
    if text.count(",") == 1 and "." not in text:
        point, joined = text.replace(",", "."), text.replace(",", "")
        raise NumberUnclear(
            f"Did you mean {point} or {joined}? Type it with a point or without the comma."
        )
    raise NumberUnclear(
        f"Did you mean {text.replace(',', '')}? Commas go between thousands (1,500): "
        "type it without them."
    )


class NumberUnclear(Refusal, ValueError):
    """A typed number that could be read two ways; the message asks which."""


def _is_control(character: str) -> bool:
    return CONTROLS.fullmatch(character) is not None


def _is_letter(character: str) -> bool:
    return unicodedata.category(character).startswith("L")


def _is_mark(character: str) -> bool:
    return unicodedata.category(character).startswith("M")
