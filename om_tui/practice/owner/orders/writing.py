"""Writing orders: issuing, reporting done, accepting, sending back, reassigning,
cancelling, chasing — each a conditional update, refused if the order moved on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from db.models import (
    HatHolder,
    Order,
    OrderHandover,
    OrderStatus,
    Staff,
    utc_naive,
)
from om_tui.practice.owner.orders.base import _in_force, _text
from om_tui.practice.owner.orders.due import due_text
from om_tui.practice.owner.orders.reading import OrdersReading
from om_tui.practice.owner.orders.views import OrderError, OrderLine
from om_tui.practice.seen import require_unchanged
from om_tui.practice.time_words import clock_text


class OrderWrites(OrdersReading):
    """The changes an order goes through, each checked and one transaction."""

    # -- orders: writing ---------------------------------------------------------------

    def issue(
        self,
        text: str,
        due_on: dt.date,
        due_time: str | None = None,
        *,
        to_staff: int | None = None,
        to_post: int | None = None,
    ) -> int:
        """Give an order; its id. Refused: no text, nobody (or a leaver), a due in the past."""
        text = _text(text, "An order needs its text: what is to be done.")
        if due_time is not None:
            due_time = clock_text(due_time, OrderError)
        with self.database.atomic():
            actor = self._manager("gives orders")
            self._check_assignee(to_staff, to_post)
            self.check_due(due_on, due_time)
            order = Order.create(
                issued_by=actor.id,
                to_staff=to_staff,
                to_post=to_post,
                text=text,
                due_on=due_on,
                due_time=due_time,
                created=utc_naive(self.clock.now()),
                status=OrderStatus.OPEN,
            )
        return int(order.id)

    def _found(self, order_id: int) -> Order:
        order = Order.get_or_none(Order.id == order_id)
        if order is None:
            raise OrderError("That order is no longer on record.")
        return order

    def _moved_on(self, order_id: int) -> OrderError:
        """Why a change found the order already changed, said as it now stands."""
        line = self.order(order_id)
        if line.status == OrderStatus.REPORTED and line.reported_at is not None:
            said = f"{line.reported_by} reported it done at {self.when(line.reported_at)}"
        elif line.status == OrderStatus.DONE and line.answered_at is not None:
            said = f"{line.answered_by} accepted it at {self.when(line.answered_at)}: it is done"
        elif line.status == OrderStatus.CANCELLED and line.answered_at is not None:
            said = f"{line.answered_by} cancelled it at {self.when(line.answered_at)}"
        elif line.sent_back and line.answered_at is not None:
            said = f"{line.answered_by} sent it back at {self.when(line.answered_at)}: it is open"
        else:
            said = "it is open: nobody has reported it done yet"
        return OrderError(f"Already answered — {said}. Nothing was changed.")

    def report_done(self, order_id: int, note: str = "") -> OrderLine:
        """The assignee (or a holder of its post, or a manager) says it is done, with a note."""
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            order = self._found(order_id)
            if not (self._for(actor, order.to_staff_id, order.to_post_id) or self._manages(actor)):
                to = self.order(order_id).to
                whom = f"the {to.name} post's holders" if to.post_id is not None else to.name
                raise OrderError(f"This order is for {whom}: only they report it done.")
            changed = (
                Order.update(
                    status=OrderStatus.REPORTED,
                    reply=note.strip(),
                    reported_at=now,
                    reported_by=actor.id,
                )
                .where((Order.id == order_id) & (Order.status == OrderStatus.OPEN))
                .execute()
            )
            if not changed:
                raise self._moved_on(order_id)
            return self.order(order_id)

    def _check_answerer(self, actor: Staff, order: Order, doing: str) -> None:
        """The one who gave the order answers a report; or a manager, never the reporter."""
        if actor.id == order.issued_by_id:
            return
        if actor.id == order.reported_by_id:
            issuer = Staff.get_by_id(order.issued_by_id).name
            raise OrderError(f"You reported this order done: {issuer}, who gave it, {doing}.")
        if not self._manages(actor):
            issuer = Staff.get_by_id(order.issued_by_id).name
            raise OrderError(f"Only {issuer}, who gave the order, or a manager {doing}.")

    def accept(self, order_id: int, note: str = "") -> OrderLine:
        """A report of done is accepted: the order is done."""
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            order = self._found(order_id)
            self._check_answerer(actor, order, "accepts it")
            changed = (
                Order.update(
                    status=OrderStatus.DONE,
                    done_at=now,
                    answered_by=actor.id,
                    answered_at=now,
                    remark=note.strip(),
                )
                .where((Order.id == order_id) & (Order.status == OrderStatus.REPORTED))
                .execute()
            )
            if not changed:
                raise self._moved_on(order_id)
            return self.order(order_id)

    def send_back(self, order_id: int, note: str) -> OrderLine:
        """A report of done is not accepted: the order is open again, with why."""
        note = _text(note, "Say why it goes back: what is still to be done.")
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            order = self._found(order_id)
            self._check_answerer(actor, order, "sends it back")
            changed = (
                Order.update(
                    status=OrderStatus.OPEN,
                    remark=note,
                    answered_by=actor.id,
                    answered_at=now,
                    sent_back=Order.sent_back + 1,
                    reported_at=None,
                    reported_by=None,
                )
                .where((Order.id == order_id) & (Order.status == OrderStatus.REPORTED))
                .execute()
            )
            if not changed:
                raise self._moved_on(order_id)
            return self.order(order_id)

    def open_to(self, person_id: int) -> int:
        """How many open orders are addressed to the person by name (not through a post)."""
        return int(
            Order.select()
            .where((Order.to_staff == person_id) & (Order.status == OrderStatus.OPEN))
            .count()
        )

    def reassign(
        self,
        order_id: int,
        *,
        to_staff: int | None = None,
        to_post: int | None = None,
        due: tuple[dt.date, str | None] | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> OrderLine:
        """An open order goes to someone else: a person, or a post someone holds.

        `seen`: whom it was for (to_staff, to_post) and its due (due_on, due_time) as the
        screen showed it; given to someone else or re-dated elsewhere since: refused.

        For an order whose person has left (or whose post nobody holds now), and any
        open one besides. Its due stays, unless it is past: then `due` (day, time) is
        needed, or the newcomer would owe an order missed before it was theirs. The
        handover is kept (OrderHandover): one past its due stays a miss of whose it was,
        and the chases go with it (the newcomer has not been chased).
        """
        with self.database.atomic():
            actor = self._manager("gives an order to someone else")
            order = self._found(order_id)
            current = {  # whom, as an Assignee names it: the post, else the person
                "to_staff": order.to_staff_id if order.to_post_id is None else None,
                "to_post": order.to_post_id,
                "due_on": order.due_on,
                "due_time": order.due_time,
            }
            require_unchanged("The order", current, seen)
            if (to_staff, to_post) == (order.to_staff_id, order.to_post_id):
                whom = self.order(order_id).to.short
                raise OrderError(f"The order is {whom}'s already: nothing was changed.")
            self._check_assignee(to_staff, to_post)
            # The chases were of whose it was: the handover keeps them, the newcomer's
            # start at none.
            fields: dict[Any, Any] = {
                Order.to_staff: to_staff,
                Order.to_post: to_post,
                Order.chased: 0,
                Order.chased_at: None,
            }
            overdue = self.deadline(order.due_on, order.due_time) <= self.clock.now()
            # Missed by whose it was: not by someone who had left before it fell due.
            missed = overdue and (
                order.to_staff_id is None or self._there_on(order.to_staff_id, order.due_on)
            )
            if due is not None:
                self.check_due(*due)
                fields.update({Order.due_on: due[0], Order.due_time: due[1]})
            elif order.status == OrderStatus.OPEN and overdue:
                raise OrderError(
                    f"It was due {due_text(order.due_on, order.due_time, self.today())}: give "
                    "it a new due as well. Nothing was changed."
                )
            changed = (
                Order.update(fields)
                .where((Order.id == order_id) & (Order.status == OrderStatus.OPEN))
                .execute()
            )
            if not changed:
                line = self.order(order_id)
                if line.status == OrderStatus.REPORTED:
                    raise OrderError(
                        f"{line.reported_by} reported it done already: accept it or send it "
                        "back first. Nothing was changed."
                    )
                raise self._moved_on(order_id)
            OrderHandover.create(
                order=order_id,
                from_staff=order.to_staff_id,
                from_post=order.to_post_id,
                due_on=order.due_on,
                due_time=order.due_time,
                at=utc_naive(self.clock.now()),
                by=actor.id,
                missed=missed,
                chased=order.chased,
            )
            return self.order(order_id)

    def _there_on(self, person_id: int, day: dt.date) -> bool:
        """Was the person with the practice on `day`? Those still here are; one who has
        left was while they held a hat (the roster ends their hats as they leave)."""
        person = Staff.get_by_id(person_id)
        if person.active:
            return True
        held = HatHolder.select(HatHolder.since, HatHolder.until).where(
            HatHolder.staff == person_id
        )
        return any(_in_force(h.since, h.until, day) for h in held)

    def _check_issuer(self, actor: Staff, order: Order, doing: str) -> None:
        if actor.id != order.issued_by_id and not self._manages(actor):
            issuer = Staff.get_by_id(order.issued_by_id).name
            raise OrderError(f"Only {issuer}, who gave the order, or a manager {doing} it.")

    def cancel(self, order_id: int, note: str = "") -> OrderLine:
        """The order is called off (not done): it no longer counts for anyone."""
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            order = self._found(order_id)
            self._check_issuer(actor, order, "cancels")
            changed = (
                Order.update(
                    status=OrderStatus.CANCELLED,
                    answered_by=actor.id,
                    answered_at=now,
                    remark=note.strip(),
                )
                .where(
                    (Order.id == order_id)
                    & Order.status.in_([OrderStatus.OPEN, OrderStatus.REPORTED])
                )
                .execute()
            )
            if not changed:
                raise self._moved_on(order_id)
            return self.order(order_id)

    def chase(self, order_id: int) -> OrderLine:
        """The manager chased it up: one more chase, and when."""
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            order = self._found(order_id)
            self._check_issuer(actor, order, "chases")
            changed = (
                Order.update(chased=Order.chased + 1, chased_at=now)
                .where((Order.id == order_id) & (Order.status == OrderStatus.OPEN))
                .execute()
            )
            if not changed:
                raise self._moved_on(order_id)
            return self.order(order_id)
