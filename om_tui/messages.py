"""App-wide messages."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from om_tui.practice.changes import Tables, joined


@dataclass
class DataChanged(Message):
    """The database changed (here or in another process): re-read what is shown.

    Several waiting in a screen's queue are one: a burst of changes elsewhere, seen by
    several polls before the screen's turn, makes one re-read (Textual keeps the last of
    a run of messages that can replace each other; it carries the tables of all of them).
    """

    tables: Tables = None
    """The tables changed (practice/changes.py); None: not known, any of them."""

    def can_replace(self, message: Message) -> bool:
        if not isinstance(message, DataChanged):
            return False
        # `message`, the later one, is read instead of this one: it tells both changes.
        message.tables = joined(self.tables, message.tables)
        return True
