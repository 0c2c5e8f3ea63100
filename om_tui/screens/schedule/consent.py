"""A change to the book that may ask first: a double-booking, a slot begun already, one
outside the hours. The question comes back from the practice layer (NeedsConsent); the
person answers with a confirming key, and the same change runs again with that consent."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from om_tui.practice.schedule.access import DOUBLE_BOOK, IMPORTED, NeedsConsent
from om_tui.practice.schedule.book import Booked

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

CONSENT_WORDS = {DOUBLE_BOOK: "Double-book", IMPORTED: "Change it here"}
"""The confirming key's word for each question (the rest: "Book anyway")."""


def write_with_consent(
    om: OmTuiApp,
    operation: Callable[[Collection[str]], Booked],
    done: Callable[[Booked], None],
    consent: frozenset[str] = frozenset(),
) -> None:
    """Run `operation` off the event loop with what is consented to so far; a question
    is asked, and a yes runs it again with that consent too."""

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
                write_with_consent(om, operation, done, consent | {result.consent})

        word = CONSENT_WORDS.get(result.consent, "Book anyway")
        om.push_screen(Confirm(str(result), yes=word), agreed)

    om.write(attempt, answered)
