"""A line item and its steps, as people type them and as the screens read them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from peewee import JOIN, Case

from db.models import (
    LineAnswer,
    LineItem,
    LineKind,
    LinePriority,
    LineStatus,
    Staff,
    as_utc,
)
from om_tui.practice.refusal import Refusal

MAX_TEXT = 2000
"""An item is a few lines, not a letter: longer belongs in a meeting."""


RECENT_DAYS = 7
"""How far back the "answered" lists reach."""


MINE_SHOWN = 50
"""A person's items shown: every open one, then their newest answered ones up to this."""


KIND_TITLES: dict[str, str] = {
    LineKind.QUESTION: "Question",
    LineKind.REQUEST: "Request",
    LineKind.PROBLEM: "Problem",
    LineKind.APPROVAL: "Approval needed",
}


ANSWER_TITLES: dict[str, str] = {
    LineAnswer.APPROVE: "Approved",
    LineAnswer.DECLINE: "Declined",
    LineAnswer.NOTE: "Note",
    LineAnswer.SEE_ME: "See me",
}


_QUEUE = (LineStatus.NEW, LineStatus.WITH_MANAGER)


_DECIDED = (LineStatus.HANDLED, LineStatus.ANSWERED)


class LineError(Refusal):
    """Something about the line that cannot be; the message is fit to show the person."""


class Step(StrEnum):
    """What a trail entry records."""

    FILED = "filed"
    TAKEN = "taken"  # the manager took it up
    HANDLED = "handled"  # the manager answered it herself
    BATCHED = "batched"  # put in the batch for the owner
    SENT = "sent"  # reached the owner (the batch sent, or urgent)
    ANSWERED = "answered"  # the owner's answer
    SEEN = "seen"  # the sender read the answer


STEP_TITLES: dict[str, str] = {
    Step.FILED: "filed it",
    Step.TAKEN: "took it up",
    Step.HANDLED: "answered it",
    Step.BATCHED: "batched it for the owner",
    Step.SENT: "sent it to the owner",
    Step.ANSWERED: "answered",
    Step.SEEN: "read the answer",
}


def _choice(text: str, enum: type[StrEnum], titles: dict[str, str], what: str) -> str:
    wanted = text.strip().lower().replace(" ", "_").replace("-", "_")
    for member in enum:
        title = titles.get(member.value, "").lower().replace(" ", "_")
        if wanted in (member.value, title):
            return member.value
    known = ", ".join(titles.get(m.value, m.value).lower() for m in enum)
    raise LineError(f"{what} is one of: {known} (not {text!r}).")


def parse_kind(text: str) -> str:
    """ "question", "Approval needed", "approval" → the stored kind."""
    return _choice(text, LineKind, KIND_TITLES, "An item")


def parse_priority(text: str) -> str:
    return _choice(text, LinePriority, {p.value: p.value for p in LinePriority}, "A priority")


def parse_answer(text: str) -> str:
    """ "approve", "decline", "note", "see me" → the stored answer."""
    titles = {a.value: a.value.replace("_", " ") for a in LineAnswer}
    return _choice(text, LineAnswer, titles, "An answer")


def _text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise LineError("An item for the line needs its text: what is it about?")
    if len(text) > MAX_TEXT:
        raise LineError(
            f"Keep an item to {MAX_TEXT} characters (this one has {len(text)}): "
            "the owner reads it at a glance."
        )
    return text


def _aware(stored: dt.datetime | None) -> dt.datetime | None:
    return None if stored is None else as_utc(stored)


@dataclass(frozen=True)
class Item:
    """One item on the line, as the screens show it."""

    id: int
    sender_id: int
    sender: str
    kind: str
    text: str
    priority: str
    urgent: bool
    created: dt.datetime  # aware UTC, as every instant here
    status: str
    routed_at: dt.datetime | None
    answer: str | None
    answer_note: str
    answered_by_id: int | None
    answered_by: str | None
    answered_at: dt.datetime | None
    seen_at: dt.datetime | None

    @property
    def kind_title(self) -> str:
        return KIND_TITLES.get(self.kind, self.kind)

    @property
    def answer_title(self) -> str:
        return ANSWER_TITLES.get(self.answer or "", self.answer or "")

    @property
    def high(self) -> bool:
        return self.priority == LinePriority.HIGH

    @property
    def in_queue(self) -> bool:
        """In the office manager's queue: new, or taken up by her."""
        return self.status in _QUEUE

    @property
    def in_batch(self) -> bool:
        """Batched for the owner, the batch not sent yet."""
        return self.status == LineStatus.BATCHED and self.routed_at is None

    @property
    def with_owner(self) -> bool:
        """On the owner's screen, waiting for their answer."""
        return self.status == LineStatus.BATCHED and self.routed_at is not None

    @property
    def decided(self) -> bool:
        """Answered, by the manager or by the owner: the answer is the sender's to read."""
        return self.status in _DECIDED

    @property
    def unseen(self) -> bool:
        """An answer the sender has not read yet."""
        return self.decided and self.seen_at is None

    def standing(self) -> str:
        """Where the item stands, in the sender's words."""
        if self.status == LineStatus.NEW:
            return "waiting for the office manager"
        if self.status == LineStatus.WITH_MANAGER:
            return "with the office manager"
        if self.in_batch:
            return "in the batch for the owner"
        if self.with_owner:
            return "with the owner"
        by = self.answered_by or "someone"
        if self.status == LineStatus.HANDLED:
            return f"answered by {by}"
        return f"{self.answer_title.lower()} by {by}"


@dataclass(frozen=True)
class TrailEntry:
    """One step of an item's trail."""

    at: dt.datetime
    who: str
    what: str
    note: str

    @property
    def title(self) -> str:
        return STEP_TITLES.get(self.what, self.what)


def _read_items(where: Any, order: Iterable[Any] | None = None) -> list[Item]:
    sender = Staff.alias("sender_staff")
    answerer = Staff.alias("answerer")
    query = (
        LineItem.select(
            LineItem,
            sender.name.alias("sender_name"),
            answerer.name.alias("answerer_name"),
        )
        .join(sender, on=(LineItem.sender == sender.id))
        .switch(LineItem)
        .join(answerer, JOIN.LEFT_OUTER, on=(LineItem.answered_by == answerer.id))
        .where(where)
        .order_by(*(order or (LineItem.created, LineItem.id)))
        .dicts()
    )
    return [_item(row) for row in _dicts(query)]


def _dicts(query: Any) -> list[dict[str, Any]]:
    """A `.dicts()` query's rows, typed for mypy (peewee's stubs yield models)."""
    return list(query)


def _by_priority() -> tuple[Any, ...]:
    return (
        Case(None, [(LineItem.priority == LinePriority.HIGH, 0)], 1),
        LineItem.created,
        LineItem.id,
    )


def _answered_note(answer: str, note: str) -> str:
    title = ANSWER_TITLES.get(answer, answer)
    return f"{title}: {note}" if note else title


def _item(row: dict[str, Any]) -> Item:
    created = as_utc(row["created"])
    return Item(
        id=row["id"],
        sender_id=row["sender"],
        sender=row["sender_name"],
        kind=row["kind"],
        text=row["text"],
        priority=row["priority"],
        urgent=bool(row["urgent"]),
        created=created,
        status=row["status"],
        routed_at=_aware(row["routed_at"]),
        answer=row["answer"],
        answer_note=row["answer_note"],
        answered_by_id=row["answered_by"],
        answered_by=row["answerer_name"],
        answered_at=_aware(row["answered_at"]),
        seen_at=_aware(row["seen_by_sender_at"]),
    )
