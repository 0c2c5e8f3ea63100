"""The base of om-tui's modals: a dialog answers once.

Keys typed faster than a dialog closes (Enter, Enter) must not answer it twice:
Textual would pop a screen that is already gone.
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual.screen import ModalScreen
from textual.widgets import Input

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal screen whose first answer is its only answer."""

    _answered = False

    def answer(self, result: ResultType) -> None:
        if self._answered:
            return
        self._answered = True
        self.dismiss(result)


def edited(value: str, **options: Any) -> Input:
    """A field holding a value to edit: the cursor at its end, nothing selected, so a key
    typed adds to the text instead of replacing it all (Textual selects on focus)."""
    return Input(value, compact=True, select_on_focus=False, **options)
