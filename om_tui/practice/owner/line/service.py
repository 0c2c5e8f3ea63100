"""The communication line: anything for the owner goes through it, not through the owner's door.

Any staff member files an item — a question, a request, a problem, an approval needed —
with a priority. It lands in the office manager's queue: she takes it up, handles it
herself with a note (the answer goes back to the sender), or batches it for the owner.
The batch reaches the owner when she sends it; an urgent item reaches the owner at once.
The owner sees only what was routed to them, and answers approve, decline, a note or
"see me"; the answer goes back to the sender, whose "my items" counts the answers they
have not read yet. Every step is a LineEvent: the item's trail.

Several terminals work the line at once. Each step is one conditional UPDATE — it
changes the item only from the state the step starts from — inside a write transaction,
so of two terminals answering one item exactly one answer stands; the other is refused
with what happened instead.

What an item is and holds: items.py; the owner's alert: alert.py.

One idea, an item's way from the sender to the owner and back, kept whole: each step's
check and its refusal read together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from peewee import JOIN, Case, Database

from db.models import (
    LineAnswer,
    LineEvent,
    LineItem,
    LinePriority,
    LineStatus,
    Role,
    Staff,
    as_utc,
    utc_naive,
)
from om_tui.practice import time_words
from om_tui.practice.changes import tables_of
from om_tui.practice.clock import Clock
from om_tui.practice.owner.line.items import (
    _DECIDED,
    _QUEUE,
    MINE_SHOWN,
    RECENT_DAYS,
    Item,
    LineError,
    Step,
    TrailEntry,
    _answered_note,
    _by_priority,
    _dicts,
    _read_items,
    _text,
    parse_answer,
    parse_kind,
    parse_priority,
)
from om_tui.practice.people.roles import ADMINISTRATOR, require
from om_tui.practice.seen import ChangedElsewhere
from om_tui.practice.settings import PracticeSettings

LINE_TABLES = tables_of(LineEvent, LineItem, Staff)
"""What the line screen is read from (its items, their events, who is who)."""


@dataclass
class Line:
    """The practice's communication line: filing, routing, answering, and the trail."""

    database: Database
    clock: Clock
    practice: PracticeSettings

    def _now(self) -> dt.datetime:
        return utc_naive(self.clock.now())

    # -- who may ----------------------------------------------------------------------

    def _person(
        self, staff_id: int | None, permission: str = "line", doing: str = "uses the line"
    ) -> Any:
        if staff_id is None or staff_id == ADMINISTRATOR:
            raise LineError("Log in as yourself to use the line: every step names who took it.")
        return require(self.database, staff_id, permission, doing, LineError)

    def _manager(self, staff_id: int | None) -> Any:
        return self._person(staff_id, "line_queue", "works the line's queue")

    def _owner(self, staff_id: int | None) -> Any:
        return self._person(staff_id, "line_answer", "answers what is routed to the owner")

    def _event(self, item_id: int, who: int | None, what: Step, note: str = "") -> None:
        LineEvent.create(item=item_id, who=who, at=self._now(), what=what, note=note)

    # -- filing -------------------------------------------------------------------------

    def file(
        self,
        sender_id: int | None,
        kind: str,
        text: str,
        priority: str = LinePriority.NORMAL,
        urgent: bool = False,
    ) -> int:
        """A new item from a staff member. An urgent one goes to the owner at once."""
        kind = parse_kind(kind)
        priority = parse_priority(priority)
        text = _text(text)
        now = self._now()
        with self.database.atomic():
            person = self._person(sender_id)
            item = LineItem.create(
                sender=person.id,
                kind=kind,
                text=text,
                priority=priority,
                urgent=urgent,
                created=now,
                status=LineStatus.BATCHED if urgent else LineStatus.NEW,
                routed_at=now if urgent else None,
            )
            self._event(item.id, person.id, Step.FILED, "urgent" if urgent else "")
            if urgent:
                self._event(item.id, person.id, Step.SENT, "urgent: straight to the owner")
            return int(item.id)

    # -- the office manager -------------------------------------------------------------

    def take(self, item_id: int, by: int | None) -> None:
        """The manager takes a new item up: its sender sees it is with her."""
        with self.database.atomic():
            manager = self._manager(by)
            changed = (
                LineItem.update(status=LineStatus.WITH_MANAGER)
                .where((LineItem.id == item_id) & (LineItem.status == LineStatus.NEW))
                .execute()
            )
            if changed != 1:
                raise self._why_not(item_id, manager.id, "take it up")
            self._event(item_id, manager.id, Step.TAKEN)

    def handle(self, item_id: int, by: int | None, note: str) -> None:
        """The manager answers an item herself, with a note for its sender.

        She may also take back an item she batched, until the batch is sent.
        """
        note = (note or "").strip()
        if not note:
            raise LineError("Handling an item takes a note: it is the sender's answer.")
        now = self._now()
        with self.database.atomic():
            manager = self._manager(by)
            changed = (
                LineItem.update(
                    status=LineStatus.HANDLED,
                    answer=LineAnswer.NOTE,
                    answer_note=note,
                    answered_by=manager.id,
                    answered_at=now,
                )
                .where(
                    (LineItem.id == item_id)
                    & (
                        LineItem.status.in_(list(_QUEUE))
                        | ((LineItem.status == LineStatus.BATCHED) & LineItem.routed_at.is_null())
                    )
                )
                .execute()
            )
            if changed != 1:
                raise self._why_not(item_id, manager.id, "handle it")
            self._event(item_id, manager.id, Step.HANDLED, note)

    def batch(self, item_id: int, by: int | None, note: str = "") -> None:
        """Into the batch for the owner, with a word for them if she has one."""
        note = (note or "").strip()
        with self.database.atomic():
            manager = self._manager(by)
            changed = (
                LineItem.update(status=LineStatus.BATCHED, routed_at=None)
                .where((LineItem.id == item_id) & LineItem.status.in_(list(_QUEUE)))
                .execute()
            )
            if changed != 1:
                raise self._why_not(item_id, manager.id, "batch it")
            self._event(item_id, manager.id, Step.BATCHED, note)

    def send_batch(self, by: int | None, seen: Sequence[int] | None = None) -> int:
        """Release the batch: its items reach the owner's screen. How many went.

        `seen`: the items the person was asked to send; if the batch is no longer those
        (batched, handled or sent on another terminal since), nothing is sent."""
        now = self._now()
        with self.database.atomic():
            manager = self._manager(by)
            waiting = LineItem.select(LineItem.id).where(
                (LineItem.status == LineStatus.BATCHED) & LineItem.routed_at.is_null()
            )
            ids = [row.id for row in waiting]
            if not ids:
                raise LineError("The batch is empty: nothing to send (sent already, perhaps).")
            if seen is not None and sorted(ids) != sorted(seen):
                raise ChangedElsewhere(
                    "The batch was changed on another terminal since you opened it: "
                    "nothing was sent."
                )
            LineItem.update(routed_at=now).where(LineItem.id.in_(ids)).execute()
            LineEvent.insert_many(
                [
                    {"item": item_id, "who": manager.id, "at": now, "what": Step.SENT}
                    for item_id in ids
                ]
            ).execute()
            return len(ids)

    # -- the owner ----------------------------------------------------------------------

    def answer(self, item_id: int, by: int | None, answer: str, note: str = "") -> None:
        """The owner's answer to an item routed to them; it goes back to the sender.

        Exactly one answer stands: a second, from another terminal, is refused.
        """
        answer = parse_answer(answer)
        note = (note or "").strip()
        if answer == LineAnswer.NOTE and not note:
            raise LineError("An answer by note needs the note.")
        now = self._now()
        with self.database.atomic():
            owner = self._owner(by)
            changed = (
                LineItem.update(
                    status=LineStatus.ANSWERED,
                    answer=answer,
                    answer_note=note,
                    answered_by=owner.id,
                    answered_at=now,
                )
                .where(
                    (LineItem.id == item_id)
                    & (LineItem.status == LineStatus.BATCHED)
                    & LineItem.routed_at.is_null(False)
                )
                .execute()
            )
            if changed != 1:
                raise self._why_not(item_id, owner.id, "answer it")
            self._event(item_id, owner.id, Step.ANSWERED, _answered_note(answer, note))

    # -- the sender ---------------------------------------------------------------------

    def mark_seen(self, item_id: int, by: int | None) -> bool:
        """The sender has read the answer. False when there was nothing new to read."""
        if by is None:
            return False
        with self.database.atomic():
            self._person(by)
            changed = (
                LineItem.update(seen_by_sender_at=self._now())
                .where(
                    (LineItem.id == item_id)
                    & (LineItem.sender == by)
                    & LineItem.status.in_(list(_DECIDED))
                    & LineItem.seen_by_sender_at.is_null()
                )
                .execute()
            )
            if changed:
                self._event(item_id, by, Step.SEEN)
            return bool(changed)

    # -- reading ------------------------------------------------------------------------

    def has_manager(self) -> bool:
        """Has the practice an active office manager? Without one, the owner works the queue."""
        return bool(
            Staff.select()
            .where((Staff.role == Role.OFFICE_MANAGER) & (Staff.active == True))  # noqa: E712
            .exists()
        )

    @staticmethod
    def person(staff_id: int) -> Staff | None:
        """A staff member, for the screen's title."""
        found: Staff | None = Staff.get_or_none(Staff.id == staff_id)
        return found

    def item(self, item_id: int) -> Item:
        found = self._items(LineItem.id == item_id)
        if not found:
            raise LineError("That item is no longer on the line.")
        return found[0]

    def mine(self, staff_id: int) -> list[Item]:
        """A person's items, latest news first: an answer counts from when it came.

        Reading an answer does not move it (a list that jumps under the cursor would
        mark the next one read). Every open item and unread answer is listed; of those
        done with, the newest, up to MINE_SHOWN lines in all.
        """
        items = self._items(LineItem.sender == staff_id)
        items.sort(key=lambda i: (i.answered_at or i.created, i.id), reverse=True)
        room = MINE_SHOWN - sum(not i.decided or i.unseen for i in items)
        shown: list[Item] = []
        for item in items:
            if not item.decided or item.unseen:
                shown.append(item)
            elif room > 0:
                shown.append(item)
                room -= 1
        return shown

    def unseen(self, staff_id: int) -> int:
        """How many answers the person has not read yet."""
        return int(
            LineItem.select()
            .where(
                (LineItem.sender == staff_id)
                & LineItem.status.in_(list(_DECIDED))
                & LineItem.seen_by_sender_at.is_null()
            )
            .count()
        )

    def queue(self) -> list[Item]:
        """The manager's queue: high priority first, then oldest first."""
        return self._items(LineItem.status.in_(list(_QUEUE)), order=_by_priority())

    def in_batch(self) -> list[Item]:
        """Batched for the owner, waiting for the manager to send the batch."""
        return self._items(
            (LineItem.status == LineStatus.BATCHED) & LineItem.routed_at.is_null(),
            order=_by_priority(),
        )

    def for_owner(self) -> list[Item]:
        """What waits for the owner's answer: urgent first, then high, then as it came."""
        return self._items(
            (LineItem.status == LineStatus.BATCHED) & LineItem.routed_at.is_null(False),
            order=(
                LineItem.urgent.desc(),
                Case(None, [(LineItem.priority == LinePriority.HIGH, 0)], 1),
                LineItem.routed_at,
                LineItem.id,
            ),
        )

    def decided_recently(self, status: str = LineStatus.ANSWERED) -> list[Item]:
        """Items answered (by the owner, or `status` handled: by the manager) this past week."""
        since = self._now() - dt.timedelta(days=RECENT_DAYS)
        return self._items(
            (LineItem.status == status) & (LineItem.answered_at >= since),
            order=(LineItem.answered_at.desc(), LineItem.id.desc()),
        )

    def trail(self, item_id: int) -> list[TrailEntry]:
        """Every step of an item, in order."""
        query = (
            LineEvent.select(LineEvent, Staff.name)
            .join(Staff, JOIN.LEFT_OUTER, on=(LineEvent.who == Staff.id))
            .where(LineEvent.item == item_id)
            .order_by(LineEvent.at, LineEvent.id)
            .dicts()
        )
        return [
            TrailEntry(as_utc(row["at"]), row["name"] or "—", row["what"], row["note"])
            for row in _dicts(query)
        ]

    def _items(self, where: Any, order: Iterable[Any] | None = None) -> list[Item]:
        return _read_items(where, order)

    # -- why a step was refused ---------------------------------------------------------

    def _why_not(self, item_id: int, me: int, step: str) -> LineError:
        """What happened to an item instead, when a step found it in another state."""
        found = self._items(LineItem.id == item_id)
        if not found:
            return LineError("That item is no longer on the line.")
        item = found[0]
        by = "You" if item.answered_by_id == me else (item.answered_by or "Someone")
        when = self._when(item.answered_at)
        if item.status == LineStatus.ANSWERED:
            return LineError(
                f"{by} answered this item already ({item.answer_title}, {when}): one answer "
                f"stands, so you cannot {step}."
            )
        if item.status == LineStatus.HANDLED:
            return LineError(
                f"{by} answered this item already ({when}) — the sender has the answer, "
                f"so you cannot {step}."
            )
        if item.with_owner:
            return LineError(
                f"This item went to the owner {self._when(item.routed_at)}: "
                "it waits for their answer."
            )
        if item.in_batch:
            if step == "answer it":
                return LineError(
                    "This item is in the office manager's batch: it reaches the owner "
                    "when the batch is sent."
                )
            return LineError("This item is in the batch for the owner already.")
        if item.status == LineStatus.WITH_MANAGER and step == "take it up":
            return LineError("This item is taken up already: it is with the office manager.")
        return LineError(
            "This item is with the office manager: it has not been routed to the owner."
        )

    def _when(self, moment: dt.datetime | None) -> str:
        """ "at 10:12" today; "on Tue 17 Nov at 16:40" before."""
        if moment is None:
            return "just now"
        local = self.practice.local(moment)
        if local.date() == self.practice.today(self.clock.now()):
            return f"at {time_words.clock(local)}"
        return f"on {time_words.day_text(local.date())} at {time_words.clock(local)}"
