"""Opening the appointment book on a slot, from a call list (with a patient pinned to
it, to book on the slot the desk picks: schedule/pinned.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp
    from om_tui.screens.schedule.pinned import Pinned


def show_in_book(
    om: OmTuiApp, provider_id: int | None, start: dt.datetime, pinned: Pinned | None = None
) -> None:
    """The book, its cursor on `start` in the provider's column (Esc there: back here);
    with `pinned`, Enter on a slot books that patient."""
    from om_tui.screens.schedule.book import BookScreen

    mode = om.current_mode

    def point() -> None:
        screen = om.screen
        if isinstance(screen, BookScreen) and provider_id is not None:
            screen._show_free(provider_id, start)  # the book's own "put the cursor on a slot"
        if isinstance(screen, BookScreen) and pinned is not None:
            screen.pin(pinned)

    om.open_from("book", mode)
    om.call_after_refresh(point)
