"""A change to the book that may ask first: a double-booking, a slot begun already, one
outside the hours. The question comes back from the practice layer (NeedsConsent); the
person answers with a confirming key, and the same change runs again with that consent."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from om_tui.practice.schedule.access import (
    DOUBLE_BOOK,
    IMPORTED,
    OUTSIDE_HOURS,
    PAST,
    NeedsConsent,
)
from om_tui.practice.schedule.book import Booked

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

CONSENT_WORDS = {
    DOUBLE_BOOK: "{verb} anyway (double-booked)",
    PAST: "{verb} anyway (begun already)",
    OUTSIDE_HOURS: "{verb} anyway (outside the hours)",
    IMPORTED: "change it here",
}
"""What the confirming key does, `verb` the change's word ("book anyway (double-booked)")."""


def write_with_consent(
    om: OmTuiApp,
    operation: Callable[[Collection[str]], Booked],
    done: Callable[[Booked], None],
    consent: frozenset[str] = frozenset(),
    verb: str = "book",
) -> None:
    """Run `operation` off the event loop with what is consented to so far; a question
    is asked ("y  book anyway (double-booked) · Esc  don't book", `verb` the change's
    word), and a yes runs it again with that consent too."""

    def attempt() -> Booked | NeedsConsent:
        try:
            return operation(consent)
        except NeedsConsent as asked:
            return asked

    def answered(result: Booked | NeedsConsent) -> None:
        if not isinstance(result, NeedsConsent):
            done(result)
            return
        from om_tui.screens.hats.forms import Confirm

        def agreed(yes: bool | None) -> None:
            if yes:
                write_with_consent(om, operation, done, consent | {result.consent}, verb)

        word = CONSENT_WORDS.get(result.consent, "{verb} anyway").format(verb=verb)
        om.push_screen(Confirm(str(result), yes=word, no=f"don't {verb}"), agreed)

    om.write(attempt, answered)
