"""The base of om-tui's modals: a dialog answers once.

Keys typed faster than a dialog closes (Enter, Enter) must not answer it twice:
Textual would pop a screen that is already gone.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal screen whose first answer is its only answer."""

    _answered = False

    def answer(self, result: ResultType) -> None:
        if self._answered:
            return
        self._answered = True
        self.dismiss(result)
