"""Someone leaves: a guided off-boarding, its steps outstanding until done.

The manager starts it with the person's last day (`end_date`). What is still to do is
read from the practice as it stands, not ticked by hand, so it cannot say "done" while
it is not:

- **Hats**: each hat they hold past their last day is given to someone (from the day
  after) or left vacant (the org board shows who covers it); either way theirs ends.
- **Orders**: their open orders are handed on as Orders' `r` does (the handover kept;
  one past its due stays their miss). An order they reported done waits for the
  manager to accept or send back first.
- **Program steps**: their open steps go to someone else.
- **SSH**: the lines of ~/.ssh/authorized_keys that let them in — a forced command
  pinned to them (`--ssh-user ID`; an older line's `--user NAME`), or a key whose
  comment is their name — are removed.
- **PIN**: their PIN or password is taken off: they can no longer log in.
- **A final evaluation**, if the manager wants one (optional: never outstanding).
- **The practice's own items** (keys returned, accounts closed …), ticked by the manager.

Finishing needs every step done; it takes them off the active staff. Nothing is
deleted: their name stays on what they did. Each change is in the audit trail.

One idea, a person's off-boarding from its start to its finish, kept whole: each step's
write and the finish that needs them all read together.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from peewee import Database

from db.models import (
    Evaluation,
    HatHolder,
    Offboarding,
    OffboardingTick,
    Order,
    OrderStatus,
    Post,
    Program,
    ProgramStep,
    Setting,
    SettingKey,
    Staff,
    utc_naive,
)
from om_tui.practice import settings as practice_settings
from om_tui.practice.changes import tables_of
from om_tui.practice.clock import Clock
from om_tui.practice.org.access import OrgError, recorded, require
from om_tui.practice.org.ssh_keys import key_lines_of, remove_key_lines
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.people import audit
from om_tui.practice.people.roles import checked
from om_tui.practice.people.staff import MANAGERS
from om_tui.practice.settings import PracticeSettings

LEAVING_TABLES = tables_of(
    Evaluation,
    HatHolder,
    Offboarding,
    OffboardingTick,
    Order,
    Post,
    Program,
    ProgramStep,
    Setting,
    Staff,
)
"""What an off-boarding is read from (`view`)."""

DEFAULT_ITEMS = (
    "Keys and cards returned",
    "Accounts closed (email, billing, the practice's systems)",
    "Final pay and benefits arranged",
)
ITEM_LENGTH = 80
_DOING = "off-boards someone who leaves"


class LeavingError(OrgError):
    """An off-boarding change the rules refuse; fit to show."""


@dataclass(frozen=True)
class LeavingStep:
    """One step of an off-boarding: what, whether done, and what is left of it."""

    key: str  # hats, orders, steps, ssh, pin, evaluation, or "item:" + the item's words
    title: str
    done: bool
    left: str  # what is still to do ("Receptionist, Billing"); "" when done


@dataclass(frozen=True)
class LeavingView:
    offboarding_id: int
    staff_id: int
    name: str
    end_date: dt.date
    steps: tuple[LeavingStep, ...]
    finished: bool

    @property
    def outstanding(self) -> list[LeavingStep]:
        return [step for step in self.steps if not step.done]


def leaving_items(database: Database) -> list[str]:
    """The practice's own off-boarding items, in order."""
    stored = practice_settings.get(database, SettingKey.LEAVING_ITEMS)
    if stored is None:
        return list(DEFAULT_ITEMS)
    try:
        items = json.loads(stored)
    except ValueError:
        return list(DEFAULT_ITEMS)
    return [str(item) for item in items] if isinstance(items, list) else list(DEFAULT_ITEMS)


@checked("settings", "changes the practice's settings")
def set_leaving_items(database: Database, items: list[str], *, by: int | None) -> None:
    cleaned = [" ".join(item.split()) for item in items if item.strip()]
    if any(len(item) > ITEM_LENGTH for item in cleaned):
        raise LeavingError(f"An item is at most {ITEM_LENGTH} characters.")
    practice_settings.put(database, SettingKey.LEAVING_ITEMS, json.dumps(cleaned))


@dataclass
class Leaving:
    """Off-boardings, guided by `staff_id` (the manager or the owner)."""

    database: Database
    clock: Clock
    settings: PracticeSettings
    staff_id: int | None
    keys_file: Path | None = None  # ~/.ssh/authorized_keys unless given

    def today(self) -> dt.date:
        return self.settings.today(self.clock.now())

    def _keys(self) -> Path:
        from om_tui.practice.people.ssh_access import authorized_keys_file

        return self.keys_file or authorized_keys_file()

    # -- reading ------------------------------------------------------------------------

    def open_offboardings(self) -> list[tuple[int, str, dt.date]]:
        """(staff id, name, last day) of everyone being off-boarded now."""
        query = (
            Offboarding.select(Offboarding, Staff)
            .join(Staff)
            .where(Offboarding.finished.is_null())
            .order_by(Offboarding.end_date)
        )
        return [(o.staff_id, o.staff.name, o.end_date) for o in query]

    def hats_left(self, person_id: int) -> list[tuple[int, str]]:
        """(post id, title) of the hats they hold past their last day."""
        end = self._open(person_id).end_date
        return [
            (holding.post.id, holding.post.title)
            for holding in HatHolder.select(HatHolder, Post)
            .join(Post)
            .where(
                (HatHolder.staff == person_id)
                & (HatHolder.until.is_null() | (HatHolder.until > end + dt.timedelta(days=1)))
            )
            .order_by(Post.position, Post.title)
        ]

    @staticmethod
    def others(person_id: int) -> list[tuple[int, str]]:
        """Everyone active but them, by name: who their hats, orders and steps can go to."""
        query = Staff.select(Staff.id, Staff.name).where(
            (Staff.active == True) & (Staff.id != person_id)  # noqa: E712
        )
        return [(person.id, person.name) for person in query.order_by(Staff.name)]

    def view(self, person_id: int) -> LeavingView:
        offboarding = self._open(person_id)
        person = Staff.get_by_id(person_id)
        end = offboarding.end_date
        hats = [title for _, title in self.hats_left(person_id)]
        live = [OrderStatus.OPEN, OrderStatus.REPORTED]
        orders = list(Order.select().where((Order.to_staff == person_id) & Order.status.in_(live)))
        reported = sum(order.status == OrderStatus.REPORTED for order in orders)
        steps = (
            ProgramStep.select()
            .join(Program)
            .where(
                (ProgramStep.to_staff == person_id)
                & ProgramStep.done_at.is_null()
                & (Program.active == True)  # noqa: E712
            )
            .count()
        )
        try:
            keys = len(
                key_lines_of(self._keys().read_text(errors="replace"), person_id, person.name)
            )
        except OSError:
            keys = 0
        evaluation = (
            Evaluation.select()
            .where((Evaluation.staff == person_id) & (Evaluation.created >= offboarding.started))
            .order_by(Evaluation.id.desc())
            .first()
        )
        ticked = {
            t.item
            for t in OffboardingTick.select().where(OffboardingTick.offboarding == offboarding.id)
        }
        order_left = f"{len(orders)} open" + (
            f" ({reported} reported done: accept or send back)" if reported else ""
        )
        lines = [
            LeavingStep("hats", "Hats given on or left vacant", not hats, ", ".join(hats)),
            LeavingStep(
                "orders", "Open orders handed on", not orders, order_left if orders else ""
            ),
            LeavingStep(
                "steps", "Program steps handed on", not steps, f"{steps} open" if steps else ""
            ),
            LeavingStep(
                "ssh", "SSH access removed", not keys, f"{keys} key line(s)" if keys else ""
            ),
            LeavingStep(
                "pin",
                "PIN or password taken off",
                person.secret is None,
                "can still log in" if person.secret else "",
            ),
            LeavingStep(
                "evaluation",
                "Final evaluation (optional)",
                True,
                "" if evaluation is None else f"started ({evaluation.status})",
            ),
        ]
        lines += [
            LeavingStep(f"item:{item}", item, item in ticked, "" if item in ticked else "to do")
            for item in leaving_items(self.database)
        ]
        return LeavingView(
            offboarding.id,
            person_id,
            person.name,
            end,
            tuple(lines),
            offboarding.finished is not None,
        )

    @staticmethod
    def _open(person_id: int) -> Offboarding:
        offboarding: Offboarding | None = (
            Offboarding.select()
            .where((Offboarding.staff == person_id) & Offboarding.finished.is_null())
            .first()
        )
        if offboarding is None:
            raise LeavingError("Nobody is being off-boarded under that name (finished, perhaps).")
        return offboarding

    # -- the steps ----------------------------------------------------------------------

    def start(self, person_id: int, end_date: dt.date) -> int:
        with self.database.atomic():
            require(self.database, self.staff_id, "leaving", _DOING)
            person = Staff.get_or_none(Staff.id == person_id)
            if person is None or not person.active:
                raise LeavingError("That person is not on the active staff.")
            if person_id == self.staff_id:
                raise LeavingError("Someone else off-boards you: another manager or the owner.")
            if (
                Offboarding.select()
                .where((Offboarding.staff == person_id) & Offboarding.finished.is_null())
                .exists()
            ):
                raise LeavingError(f"{person.name} is being off-boarded already.")
            if person.role in MANAGERS and not self._another_manager(person_id):
                raise LeavingError(
                    f"{person.name} is the last active office manager or owner: someone must "
                    "be able to let the others in."
                )
            row = Offboarding.create(
                staff=person_id,
                end_date=end_date,
                started=utc_naive(self.clock.now()),
                started_by=recorded(self.staff_id),
            )
            return int(row.id)

    @staticmethod
    def _another_manager(person_id: int) -> bool:
        return bool(
            Staff.select()
            .where(
                (Staff.active == True)  # noqa: E712
                & Staff.role.in_(list(MANAGERS))
                & (Staff.id != person_id)
            )
            .exists()
        )

    def give_hat(self, person_id: int, post_id: int, to_staff: int | None) -> None:
        """Their hat ends on their last day; `to_staff` holds it from the day after (None:
        left vacant, covered as the org board shows)."""
        with self.database.atomic():
            require(self.database, self.staff_id, "leaving", _DOING)
            end = self._open(person_id).end_date
            after = end + dt.timedelta(days=1)
            holdings = list(
                HatHolder.select().where(
                    (HatHolder.staff == person_id)
                    & (HatHolder.post == post_id)
                    & (HatHolder.until.is_null() | (HatHolder.until > after))
                )
            )
            if not holdings:
                raise LeavingError("They no longer hold that hat: look again.")
            for holding in holdings:
                if holding.since >= after:
                    holding.delete_instance()  # to be theirs only after they left: never held
                else:
                    HatHolder.update(until=after).where(HatHolder.id == holding.id).execute()
            if to_staff is not None:
                other = Staff.get_or_none(Staff.id == to_staff)
                if other is None or not other.active or to_staff == person_id:
                    raise LeavingError("Give the hat to someone on the active staff.")
                HatHolder.create(post=post_id, staff=to_staff, since=max(after, self.today()))

    def hand_on_orders(self, person_id: int, to_staff: int) -> int:
        """Every open order of theirs to `to_staff` (one past its due: due today). How many."""
        orders = Orders(self.database, self.clock, self.settings, self.staff_id)
        with self.database.atomic():
            require(self.database, self.staff_id, "leaving", _DOING)
            self._open(person_id)
            moved = 0
            for order in Order.select().where(
                (Order.to_staff == person_id) & (Order.status == OrderStatus.OPEN)
            ):
                overdue = orders.deadline(order.due_on, order.due_time) <= self.clock.now()
                orders.reassign(
                    order.id, to_staff=to_staff, due=(self.today(), None) if overdue else None
                )
                moved += 1
            return moved

    def hand_on_steps(self, person_id: int, to_staff: int) -> int:
        """Their open program steps to `to_staff`, due days kept. How many."""
        with self.database.atomic():
            require(self.database, self.staff_id, "leaving", _DOING)
            self._open(person_id)
            other = Staff.get_or_none(Staff.id == to_staff)
            if other is None or not other.active or to_staff == person_id:
                raise LeavingError("Give the steps to someone on the active staff.")
            return int(
                ProgramStep.update(to_staff=to_staff)
                .where((ProgramStep.to_staff == person_id) & ProgramStep.done_at.is_null())
                .execute()
            )

    def remove_ssh(self, person_id: int) -> int:
        with self.database.atomic():
            require(self.database, self.staff_id, "leaving", _DOING)
            self._open(person_id)
            name = str(Staff.get_by_id(person_id).name)
            removed = remove_key_lines(self._keys(), person_id, name)
            # A file, not a row: the trail is told in so many words.
            audit.record(self.database, "ssh_access_removed", name, {"lines": removed})
            return removed

    def take_pin_off(self, person_id: int) -> None:
        with self.database.atomic():
            require(self.database, self.staff_id, "leaving", _DOING)
            self._open(person_id)
            Staff.update(secret=None).where(Staff.id == person_id).execute()

    def tick(self, person_id: int, item: str, done: bool = True) -> None:
        with self.database.atomic():
            require(self.database, self.staff_id, "leaving", _DOING)
            offboarding = self._open(person_id)
            query = OffboardingTick.select().where(
                (OffboardingTick.offboarding == offboarding.id) & (OffboardingTick.item == item)
            )
            if done and not query.exists():
                OffboardingTick.create(
                    offboarding=offboarding.id,
                    item=item,
                    at=utc_naive(self.clock.now()),
                    by=recorded(self.staff_id),
                )
            elif not done:
                OffboardingTick.delete().where(
                    (OffboardingTick.offboarding == offboarding.id) & (OffboardingTick.item == item)
                ).execute()

    def finish(self, person_id: int) -> None:
        """Every step done: they leave the active staff. Refused with what is left."""
        with self.database.atomic():
            require(self.database, self.staff_id, "leaving", _DOING)
            view = self.view(person_id)
            if view.outstanding:
                left = "; ".join(step.title for step in view.outstanding)
                raise LeavingError(f"Still to do for {view.name}: {left}.")
            if not self._another_manager(person_id) and Staff.get_by_id(person_id).role in MANAGERS:
                raise LeavingError(f"{view.name} is the last active office manager or owner.")
            Offboarding.update(finished=utc_naive(self.clock.now())).where(
                Offboarding.id == view.offboarding_id
            ).execute()
            Staff.update(active=False).where(Staff.id == person_id).execute()
