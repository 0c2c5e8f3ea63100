"""Reading orders: one, the board, a person's own, and orders compliance (done on
time ÷ due, per person, over a window of days).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from db.models import (
    HatHolder,
    Order,
    OrderHandover,
    OrderStatus,
    Post,
    Program,
    ProgramStep,
    Staff,
    as_utc,
    utc_naive,
)
from om_tui.practice.changes import tables_of
from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.orders.base import _aware, _in_force, _rows
from om_tui.practice.owner.orders.programs import OrderPrograms
from om_tui.practice.owner.orders.views import (
    RECENT_DAYS,
    WINDOW_DAYS,
    Assignee,
    Handover,
    MyOrders,
    OrderError,
    OrderLine,
    OrdersBoard,
    OrdersCompliance,
    _order_key,
    _step_key,
)

ORDERS_TABLES = tables_of(HatHolder, Order, OrderHandover, Post, Program, ProgramStep, Staff)
"""What the orders screen is read from (`board`; `mine`, with the person's program steps)."""


class OrdersReading(OrderPrograms):
    """Orders as the screens read them, and their compliance."""

    # -- orders: reading ---------------------------------------------------------------

    def _lines(self, orders: Iterable[Order]) -> list[OrderLine]:
        now = self.clock.now()
        names = self._names()
        gone = self._gone()
        holders = self._holders(self.today())
        titles = {p.id: p.title for p in Post.select(Post.id, Post.title)}

        def assignee(order: Order) -> Assignee:
            if order.to_post_id is not None:
                held = tuple(names[s] for s in holders.get(order.to_post_id, []))
                return Assignee(None, order.to_post_id, titles[order.to_post_id], held)
            staff_id = order.to_staff_id
            assert staff_id is not None
            return Assignee(staff_id, None, names[staff_id], left=staff_id in gone)

        orders = list(orders)
        handed: dict[int, list[Handover]] = defaultdict(list)
        for handover in (
            OrderHandover.select()
            .where(OrderHandover.order.in_([order.id for order in orders]))
            .order_by(OrderHandover.at, OrderHandover.id)
        ):
            if handover.from_staff_id is not None:
                was = names[handover.from_staff_id]
            elif handover.from_post_id is not None:
                was = f"the {titles[handover.from_post_id]} hat"
            else:
                was = None
            handed[handover.order_id].append(
                Handover(
                    was=was,
                    by=names[handover.by_id],
                    at=as_utc(handover.at),
                    due_on=handover.due_on,
                    due_time=handover.due_time,
                    missed=handover.missed,
                    chased=handover.chased,
                )
            )
        lines = []
        for order in orders:
            deadline = self.deadline(order.due_on, order.due_time)
            status = OrderStatus(order.status)
            lines.append(
                OrderLine(
                    id=order.id,
                    text=order.text,
                    issued_by_id=order.issued_by_id,
                    issued_by=names[order.issued_by_id],
                    to=assignee(order),
                    due_on=order.due_on,
                    due_time=order.due_time,
                    deadline=deadline,
                    created=as_utc(order.created),
                    status=status,
                    overdue=status == OrderStatus.OPEN and deadline <= now,
                    reply=order.reply,
                    reported_at=_aware(order.reported_at),
                    reported_by_id=order.reported_by_id,
                    reported_by=names.get(order.reported_by_id or 0),
                    remark=order.remark,
                    answered_at=_aware(order.answered_at),
                    answered_by=names.get(order.answered_by_id or 0),
                    sent_back=order.sent_back,
                    done_at=_aware(order.done_at),
                    chased=order.chased,
                    chased_at=_aware(order.chased_at),
                    handovers=tuple(handed.get(order.id, ())),
                )
            )
        return lines

    def order(self, order_id: int) -> OrderLine:
        found = Order.get_or_none(Order.id == order_id)
        if found is None:
            raise OrderError("That order is no longer on record.")
        return self._lines([found])[0]

    def _recent_since(self) -> dt.datetime:
        return utc_naive(self.clock.now() - dt.timedelta(days=RECENT_DAYS))

    def _split(self, lines: list[OrderLine]) -> tuple[list[OrderLine], list[OrderLine]]:
        """The orders still to be done (overdue first, then by due); the ones closed lately."""
        active = sorted((o for o in lines if not o.closed), key=_order_key)
        closed = sorted(
            (o for o in lines if o.closed),
            key=lambda o: (o.answered_at or o.created, o.id),
            reverse=True,
        )
        return active, closed

    def board(self, window_days: int = WINDOW_DAYS) -> OrdersBoard:
        """The manager's board: every order not done, the ones closed lately, compliance."""
        open_or_recent = Order.select().where(
            Order.status.in_([OrderStatus.OPEN, OrderStatus.REPORTED])
            | (Order.answered_at >= self._recent_since())
        )
        active, closed = self._split(self._lines(open_or_recent))
        today = self.today()
        window = self.compliance(today - dt.timedelta(days=window_days - 1), today)
        return OrdersBoard(active, closed, window)

    def mine(self, person_id: int, window_days: int = WINDOW_DAYS) -> MyOrders:
        """A person's own orders and their posts' (posts held today), and their steps."""
        person = Staff.get_or_none(Staff.id == person_id)
        if person is None:
            raise OrderError("That person is not on the staff list.")
        posts = self.posts_of(person_id)
        post_ids = [post_id for post_id, _ in posts]
        theirs = (Order.to_staff == person_id) | Order.to_post.in_(post_ids)
        live = Order.status.in_([OrderStatus.OPEN, OrderStatus.REPORTED]) | (
            Order.answered_at >= self._recent_since()
        )
        active, closed = self._split(self._lines(Order.select().where(theirs & live)))
        steps = self._steps(
            ProgramStep.select()
            .join(Program)
            .where(
                (Program.active == True)  # noqa: E712
                & ((ProgramStep.to_staff == person_id) | ProgramStep.to_post.in_(post_ids))
                & (ProgramStep.done_at.is_null() | (ProgramStep.done_at >= self._recent_since()))
            )
        )
        steps.sort(key=lambda s: (s.done, *_step_key(s)))
        today = self.today()
        window = self.compliance(today - dt.timedelta(days=window_days - 1), today, [person_id])
        return MyOrders(
            person_id=person_id,
            name=person.name,
            posts=posts,
            orders=[*active, *closed],
            steps=steps,
            compliance=window.of(person_id),
        )

    def compliance(
        self, first: dt.date, last: dt.date, person_ids: Sequence[int] | None = None
    ) -> OrdersCompliance:
        """Orders due `first`…`last` (both included): done on time ÷ due, per person."""
        now = self.clock.now()
        names = self._names()
        holdings = _rows(
            HatHolder.select(HatHolder.post, HatHolder.staff, HatHolder.since, HatHolder.until)
            .where(HatHolder.since <= last)
            .tuples()
        )
        held: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
        for post_id, staff_id, since, until in holdings:
            held[post_id].append((staff_id, since, until))

        def owed(to_staff: int | None, to_post: int | None, due_on: dt.date) -> list[int]:
            """Who owes an order: its person, or whoever held its post on the day due."""
            if to_staff is not None:
                return [to_staff]
            return sorted(
                {
                    s
                    for s, since, until in held.get(to_post or 0, [])
                    if _in_force(since, until, due_on)
                }
            )

        totals: dict[int, Tally] = defaultdict(Tally)
        practice = Tally()
        query = Order.select().where(
            Order.due_on.between(first, last) & (Order.status != OrderStatus.CANCELLED)
        )
        for order in query:
            deadline = self.deadline(order.due_on, order.due_time)
            reported = _aware(order.reported_at)
            if reported is None and deadline > now:
                continue  # not due yet
            one = Tally(
                due=1,
                on_time=int(reported is not None and reported <= deadline),
                late=int(reported is not None and reported > deadline),
            )
            practice = practice + one
            for person_id in owed(order.to_staff_id, order.to_post_id, order.due_on):
                if person_ids is None or person_id in person_ids:
                    totals[person_id] = totals[person_id] + one
        missed = Tally(due=1)
        handed_late = (  # given on in time, an order is the newcomer's to owe: not here
            OrderHandover.select(OrderHandover)
            .join(Order)
            .where(
                OrderHandover.due_on.between(first, last)
                & OrderHandover.missed
                & (Order.status != OrderStatus.CANCELLED)
            )
        )
        for handover in handed_late:
            practice = practice + missed
            for person_id in owed(handover.from_staff_id, handover.from_post_id, handover.due_on):
                if person_ids is None or person_id in person_ids:
                    totals[person_id] = totals[person_id] + missed
        people = sorted(((p, names[p]) for p in totals), key=lambda p: (p[1].lower(), p[0]))
        return OrdersCompliance(first, last, people, dict(totals), practice)
