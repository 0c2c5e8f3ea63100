"""Writing hats: posts' write-ups, holders, duties, checklist items (versioned: an
edit starts a new version the next day, so the past is counted as it was), training steps.

One idea, the hat editor's writes, each checked and one transaction; the checks they share
with policies are in base.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from peewee import IntegrityError

from db.models import (
    ChecklistItem,
    ChecksheetStep,
    Duty,
    Frequency,
    HatHolder,
    Order,
    OrderHandover,
    OrderStatus,
    Post,
    Program,
    ProgramStep,
    Tick,
)
from om_tui.practice import limits
from om_tui.practice.hats.base import (
    HatsBase,
    _frequency,
    _item_shown,
    _move,
    _optional,
    _required,
    _taken,
)
from om_tui.practice.hats.periods import _in_force
from om_tui.practice.hats.views import HatError
from om_tui.practice.people.roles import checked
from om_tui.practice.seen import require_unchanged
from om_tui.practice.time_words import clock_text
from om_tui.practice.words import counted

if TYPE_CHECKING:
    from om_tui.practice.people.staff import People


class HatEditing(HatsBase):
    """The hat editor's writes, each one checked and one transaction."""

    # -- writing hats -------------------------------------------------------------------

    @checked("hats", "writes hats")
    def create_post(self, title: str, purpose: str = "", product: str = "") -> int:
        title = _required(title, "A hat needs a title.", limits.HAT_TITLE)
        with self.database.atomic():
            self._check_title_free(title)
            last = Post.select(Post.position).order_by(Post.position.desc()).scalar() or 0
            post = Post.create(
                title=title,
                purpose=_optional(purpose, limits.HAT_ABOUT),
                product=_optional(product, limits.HAT_ABOUT),
                position=last + 1,
            )
            return int(post.id)

    @checked("hats", "writes hats")
    def move_post(self, post_id: int, step: int) -> None:
        """Move a hat up or down the list (the order the stats board follows too)."""
        with self.database.atomic():
            _move(list(Post.select().order_by(Post.position, Post.title)), post_id, step)

    def _check_title_free(self, title: str, but: int | None = None) -> None:
        if _taken(Post.select(Post.id, Post.title).tuples(), title, but):
            raise HatError(f"There is already a hat called {title!r}.")

    @checked("hats", "writes hats")
    def update_post(
        self,
        post_id: int,
        title: str | None = None,
        purpose: str | None = None,
        product: str | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> None:
        """Change a hat's write-up; `seen`: its title, purpose and product as the form
        showed them, refused if another terminal changed them since."""
        with self.database.atomic():
            post = self._post(post_id)
            current = {"title": post.title, "purpose": post.purpose, "product": post.product}
            require_unchanged(f"The {post.title} hat", current, seen)
            if title is not None:
                title = _required(title, "A hat needs a title.", limits.HAT_TITLE)
                self._check_title_free(title, but=post_id)
                post.title = title
            if purpose is not None:
                post.purpose = _optional(purpose, limits.HAT_ABOUT)
            if product is not None:
                post.product = _optional(product, limits.HAT_ABOUT)
            post.save()

    def _post(self, post_id: int) -> Post:
        post = Post.get_or_none(Post.id == post_id)
        if post is None:
            raise HatError("That hat was deleted (on another terminal, perhaps).")
        return post

    @checked("hats", "writes hats")
    def delete_post(self, post_id: int) -> None:
        """Delete a hat nobody holds now and nothing on record names. Its stats stay,
        without a post."""
        with self.database.atomic():
            post = self._refuse_to_delete(post_id)
            try:
                with self.database.atomic():
                    HatHolder.delete().where(HatHolder.post == post_id).execute()
                    post.delete_instance()
            except IntegrityError:  # named by a record this service does not know of
                raise HatError(
                    f"The {post.title} hat is named by other records, which keep it. "
                    "Nothing was deleted."
                ) from None

    def why_not_delete(self, post_id: int) -> str | None:
        """Why the hat cannot be deleted (the same reasons as `delete_post`), or None: asked
        before the question "delete it?" is put, not after."""
        try:
            self._refuse_to_delete(post_id)
        except HatError as refusal:
            return str(refusal)
        return None

    def _refuse_to_delete(self, post_id: int) -> Post:
        post = self._post(post_id)
        held = self.holders(post_id)
        if held:
            names = ", ".join(name for _, name in held)
            raise HatError(
                f"{names} {'holds' if len(held) == 1 else 'hold'} the {post.title} hat: "
                "take them off it (or give it to someone else) first."
            )
        if Tick.select().join(ChecklistItem).where(ChecklistItem.post == post_id).exists():
            raise HatError(
                f"The {post.title} hat has ticks on record: its history is kept. "
                "Take its items off instead."
            )
        self._refuse_if_named(post)
        return post

    def _refuse_if_named(self, post: Post) -> None:
        """Orders and program steps keep the hat they were given to. Those on record (done
        or cancelled) keep it for good; open ones until they are given to someone else."""
        live = [OrderStatus.OPEN, OrderStatus.REPORTED]
        orders = list(Order.select(Order.status).where(Order.to_post == post.id))
        open_orders = sum(order.status in live for order in orders)
        handed_on = (  # missed by the hat's holders, then given on: their record
            OrderHandover.select()
            .where((OrderHandover.from_post == post.id) & OrderHandover.missed)
            .count()
        )
        steps = list(
            ProgramStep.select(ProgramStep.done_at, Program.name, Program.active)
            .join(Program)
            .where(ProgramStep.to_post == post.id)
        )
        open_steps = [step for step in steps if step.done_at is None and step.program.active]
        kept = [
            counted(number, thing)
            for number, thing in (
                (len(orders) - open_orders + handed_on, "past order"),
                (len(steps) - len(open_steps), "past program step"),
            )
            if number
        ]
        if kept:
            raise HatError(
                f"The {post.title} hat has {' and '.join(kept)} on record: its history is kept. "
                "Take its holders and items off instead."
            )
        if open_orders:
            raise HatError(
                f"{counted(open_orders, 'open order')} {'is' if open_orders == 1 else 'are'} "
                f"addressed to the {post.title} hat: give "
                f"{'it' if open_orders == 1 else 'them'} to someone else on Orders first."
            )
        if open_steps:
            programs = ", ".join(sorted({step.program.name for step in open_steps}))
            raise HatError(
                f"{counted(len(open_steps), 'open program step')} "
                f"{'is' if len(open_steps) == 1 else 'are'} for the {post.title} hat "
                f"({programs}): give {'it' if len(open_steps) == 1 else 'them'} to someone "
                "else first (Orders, then Programs)."
            )

    @checked("hats", "gives hats to people")
    def add_holder(self, post_id: int, staff_id: int) -> None:
        today = self.today()
        with self.database.atomic():
            self._post(post_id)
            if any(s == staff_id for s, _ in self.holders(post_id, today)):
                return
            HatHolder.create(post=post_id, staff=staff_id, since=today)

    @checked("hats", "gives hats to people")
    def remove_holder(self, post_id: int, staff_id: int) -> None:
        """From today on the person no longer holds the hat; their history stays."""
        today = self.today()
        with self.database.atomic():
            for holding in HatHolder.select().where(
                (HatHolder.post == post_id) & (HatHolder.staff == staff_id)
            ):
                if holding.since >= today:
                    holding.delete_instance()  # given and taken back today: never held
                elif holding.until is None or holding.until > today:
                    holding.until = today
                    holding.save()

    @checked("roster", "takes people off the staff list")
    def take_off_staff(self, people: People, staff_id: int) -> None:
        """The person off the staff (they can no longer log in) and off every hat they hold
        from today on — both or neither; their history stays."""
        people.deactivate(staff_id)
        for post_id, _ in self.hats_of(staff_id):
            self.remove_holder(post_id, staff_id)

    @checked("hats", "writes hats")
    def add_duty(self, post_id: int, text: str) -> int:
        text = _required(text, "A duty needs its text.", limits.CHECKLIST_LINE)
        with self.database.atomic():
            self._post(post_id)
            last = (
                Duty.select(Duty.position)
                .where(Duty.post == post_id)
                .order_by(Duty.position.desc())
                .scalar()
            )
            return int(Duty.create(post=post_id, text=text, position=(last or 0) + 1).id)

    @checked("hats", "writes hats")
    def edit_duty(self, duty_id: int, text: str, seen: str | None = None) -> None:
        """New words for a duty; `seen`: its words as the form showed them."""
        text = _required(text, "A duty needs its text.", limits.CHECKLIST_LINE)
        with self.database.atomic():
            duty = Duty.get_or_none(Duty.id == duty_id)
            current = None if duty is None else {"text": duty.text}
            require_unchanged("That duty", current, None if seen is None else {"text": seen})
            Duty.update(text=text).where(Duty.id == duty_id).execute()

    @checked("hats", "writes hats")
    def remove_duty(self, duty_id: int, seen: str | None = None) -> None:
        """Off the hat; `seen`: its words as shown (reworded elsewhere since: refused)."""
        with self.database.atomic():
            duty = Duty.get_or_none(Duty.id == duty_id)
            if duty is None:
                return  # removed already
            shown = None if seen is None else {"text": seen}
            require_unchanged("That duty", {"text": duty.text}, shown)
            duty.delete_instance()

    @checked("hats", "writes hats")
    def move_duty(self, duty_id: int, step: int) -> None:
        with self.database.atomic():
            duty = Duty.get_or_none(Duty.id == duty_id)
            if duty is None:
                return
            siblings = list(
                Duty.select().where(Duty.post == duty.post_id).order_by(Duty.position, Duty.id)
            )
            _move(siblings, duty_id, step)

    @checked("hats", "writes hats")
    def add_item(
        self,
        post_id: int,
        text: str,
        frequency: str = Frequency.DAILY,
        due_time: str | None = None,
        shared: bool = False,
    ) -> int:
        """A new checklist item, due from today."""
        text = _required(text, "A checklist item needs its text.", limits.CHECKLIST_LINE)
        frequency = _frequency(frequency)
        due_time = None if frequency == Frequency.WEEKLY else clock_text(due_time, HatError)
        today = self.today()
        with self.database.atomic():
            self._post(post_id)
            items = self._items_in_force(post_id, today)
            position = (items[-1].position if items else 0) + 1
            item = ChecklistItem.create(
                key=0,
                post=post_id,
                text=text,
                frequency=frequency,
                due_time=due_time,
                shared=shared,
                position=position,
                start=today,
                created=self._now(),
            )
            item.key = item.id
            item.save()
            return int(item.id)

    @checked("hats", "writes hats")
    def edit_item(
        self,
        item_id: int,
        text: str | None = None,
        frequency: str | None = None,
        due_time: str | None = None,
        shared: bool | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> int:
        """Change an item from today on; ticks already made keep what they ticked.

        `seen`: its text, frequency, due time and sharing as the form showed them,
        refused if another terminal changed them since. Returns the id of the version
        now in force.
        """
        today = self.today()
        with self.database.atomic():
            item = self._item_now(item_id, today)
            require_unchanged("That checklist item", _item_shown(item), seen)
            changed = {
                "text": item.text
                if text is None
                else _required(text, "A checklist item needs its text.", limits.CHECKLIST_LINE),
                "frequency": item.frequency if frequency is None else _frequency(frequency),
                "due_time": item.due_time if due_time is None else clock_text(due_time, HatError),
                "shared": item.shared if shared is None else shared,
            }
            if changed["frequency"] == Frequency.WEEKLY:
                changed["due_time"] = None  # a weekly item is due by the week's cutoff
            if all(getattr(item, name) == value for name, value in changed.items()):
                return int(item.id)
            if item.start == today and not Tick.select().where(Tick.item == item.id).exists():
                ChecklistItem.update(**changed).where(ChecklistItem.id == item.id).execute()
                return int(item.id)
            item.end = today
            item.save()
            new = ChecklistItem.create(
                key=item.key,
                post=item.post_id,
                position=item.position,
                start=today,
                created=self._now(),
                **changed,
            )
            return int(new.id)

    def _item_now(self, item_id: int, today: dt.date) -> ChecklistItem:
        item = ChecklistItem.get_or_none(ChecklistItem.id == item_id)
        if item is not None and not _in_force(item.start, item.end, today):
            item = (  # another terminal made a newer version: change that one
                ChecklistItem.select()
                .where(
                    (ChecklistItem.key == item.key)
                    & (ChecklistItem.start <= today)
                    & (ChecklistItem.end.is_null() | (ChecklistItem.end > today))
                )
                .first()
            )
        if item is None:
            raise HatError("That item was removed from the hat (on another terminal, perhaps).")
        return item

    @checked("hats", "writes hats")
    def remove_item(self, item_id: int, seen: Mapping[str, object] | None = None) -> None:
        """The item is no longer due from today on; its ticks stay in the record.
        `seen` as for `edit_item`: an item changed elsewhere since is not removed."""
        today = self.today()
        with self.database.atomic():
            item = self._item_now(item_id, today)
            require_unchanged("That checklist item", _item_shown(item), seen)
            if item.start >= today and not Tick.select().where(Tick.key == item.key).exists():
                ChecklistItem.delete().where(ChecklistItem.key == item.key).execute()
                return
            item.end = today
            item.save()

    @checked("hats", "writes hats")
    def move_item(self, item_id: int, step: int) -> None:
        today = self.today()
        with self.database.atomic():
            item = self._item_now(item_id, today)
            _move(self._items_in_force(item.post_id, today), item.id, step)

    @checked("hats", "writes hats")
    def add_step(self, post_id: int, text: str) -> int:
        text = _required(text, "A checksheet step needs its text.", limits.CHECKLIST_LINE)
        with self.database.atomic():
            self._post(post_id)
            last = (
                ChecksheetStep.select(ChecksheetStep.position)
                .where(ChecksheetStep.post == post_id)
                .order_by(ChecksheetStep.position.desc())
                .scalar()
            )
            return int(ChecksheetStep.create(post=post_id, text=text, position=(last or 0) + 1).id)

    @checked("hats", "writes hats")
    def move_step(self, step_id: int, step: int) -> None:
        with self.database.atomic():
            found = ChecksheetStep.get_or_none(ChecksheetStep.id == step_id)
            if found is None:
                return
            siblings = (
                ChecksheetStep.select()
                .where((ChecksheetStep.post == found.post_id) & (ChecksheetStep.active == True))  # noqa: E712
                .order_by(ChecksheetStep.position, ChecksheetStep.id)
            )
            _move(list(siblings), step_id, step)

    @checked("hats", "writes hats")
    def remove_step(self, step_id: int, seen: str | None = None) -> None:
        """Off the checksheet; sign-offs already given stay on record. `seen`: its words
        as shown (reworded elsewhere since: refused)."""
        with self.database.atomic():
            step = ChecksheetStep.get_or_none(ChecksheetStep.id == step_id)
            if step is None or not step.active:
                return  # removed already
            shown = None if seen is None else {"text": seen}
            require_unchanged("That checksheet step", {"text": step.text}, shown)
            ChecksheetStep.update(active=False).where(ChecksheetStep.id == step_id).execute()
