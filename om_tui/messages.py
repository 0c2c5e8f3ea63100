"""App-wide messages."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class DataChanged(Message):
    """The database changed (here or in another process): re-read what is shown.

    Several waiting in a screen's queue are one: a burst of changes elsewhere, seen by
    several polls before the screen's turn, makes one re-read (Textual keeps the last of
    a run of messages that can replace each other).
    """

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DataChanged)
