"""The owner's alert: an urgent item for the owner, noticed on every terminal."""

from __future__ import annotations

from peewee import Database, fn

from db.models import (
    LineItem,
    LineStatus,
)
from om_tui.practice.owner.line.items import Item, _read_items


class UrgentWatch:
    """New urgent items on their way to the owner, since the last look.

    The app calls `check` on each change of the database; on the owner's terminal it
    shows what comes back as a notification, wherever the owner is in the app. The
    first look starts from what is already there: items waiting before are on the
    Line screen, not news.
    """

    def __init__(self, database: Database) -> None:
        self._database = database
        self._last = self._newest()

    @staticmethod
    def _newest() -> int:
        newest = LineItem.select(fn.MAX(LineItem.id)).where(LineItem.urgent == True).scalar()  # noqa: E712
        return int(newest or 0)

    def check(self) -> list[Item]:
        """Urgent items filed since the last check and still waiting for the owner."""
        newest = self._newest()
        if newest <= self._last:
            return []
        since, self._last = self._last, newest
        return _read_items(
            (LineItem.id > since)
            & (LineItem.id <= newest)
            & (LineItem.urgent == True)  # noqa: E712
            & (LineItem.status == LineStatus.BATCHED)
            & LineItem.routed_at.is_null(False)
        )


def alert_text(item: Item) -> str:
    """What the owner's notification says of an urgent item."""
    text = item.text if len(item.text) <= 120 else item.text[:119] + "…"
    return f"{item.kind_title} from {item.sender}: {text}"
