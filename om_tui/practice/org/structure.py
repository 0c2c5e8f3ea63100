"""Reshaping the org board: divisions, departments, and where each post stands.

The practice is divided into divisions, each into departments, each holding posts
(the hats), every level in an order the practice sets. The first post of a
department is its head: it covers the others while they are vacant. A post stands in
one department at most; a post in none is "not placed" and shown at the foot of the
board until the manager places it.

A department that still holds posts cannot be deleted (move them first), nor a
division that still holds departments: nothing leaves the board by accident. An edit
made from a screen names what the person saw (the name being changed, the department
a post was in); when that changed on another terminal meanwhile, it is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from peewee import Database, IntegrityError, fn

from db.models import OrgDepartment, OrgDivision, OrgPlace, Post
from om_tui.practice.org.access import OrgError, require

NAME_LENGTH = 60
"""The longest name of a division, department or post: a line of the board, not a letter."""

DEFAULT_STRUCTURE: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("Executive", (("Management", ("Office Manager", "Doctor")),)),
    (
        "Front office",
        (("Reception", ("Receptionist",)), ("Billing", ("Insurance & Billing",))),
    ),
    ("Clinical", (("Patient care", ("Chiropractic Assistant",)),)),
)
"""A small practice's board: (division, ((department, (post titles …)) …)). Posts the
practice already has are placed by title; missing ones are made, to be written up."""

_EDIT = "reshapes the org board"


def clean_name(text: str, what: str) -> str:
    """A name as stored: spaces squeezed; refused when empty or longer than a line."""
    name = " ".join(text.split())
    if not name:
        raise OrgError(f"A {what} needs a name.")
    if len(name) > NAME_LENGTH:
        raise OrgError(f"A {what}'s name is at most {NAME_LENGTH} characters.")
    if not name.isprintable():
        raise OrgError(f"A {what}'s name has letters, digits, spaces and punctuation only.")
    return name


@dataclass
class Structure:
    """The org board's shape, changed by `staff_id` (the manager or the owner)."""

    database: Database
    staff_id: int | None

    # -- reading ------------------------------------------------------------------------

    @staticmethod
    def is_empty() -> bool:
        """No division yet: the board offers the default structure."""
        return not OrgDivision.select().exists()

    # -- divisions and departments ------------------------------------------------------

    def add_division(self, name: str, product: str = "") -> int:
        name = clean_name(name, "division")
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            _refuse_taken(OrgDivision, name)
            row = OrgDivision.create(
                name=name, product=product.strip(), position=_next(OrgDivision)
            )
            return int(row.id)

    def add_department(self, division_id: int, name: str, product: str = "") -> int:
        name = clean_name(name, "department")
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            _division(division_id)
            _refuse_taken(OrgDepartment, name)
            position = _next(OrgDepartment, OrgDepartment.division == division_id)
            row = OrgDepartment.create(
                division=division_id, name=name, product=product.strip(), position=position
            )
            return int(row.id)

    def rename_division(
        self, division_id: int, was: str, name: str, product: str | None = None
    ) -> None:
        name = clean_name(name, "division")
        self._rename(OrgDivision, _division, division_id, was, name, product)

    def rename_department(
        self, department_id: int, was: str, name: str, product: str | None = None
    ) -> None:
        name = clean_name(name, "department")
        self._rename(OrgDepartment, _department, department_id, was, name, product)

    def _rename(
        self, model: Any, fetch: Any, row_id: int, was: str, name: str, product: str | None
    ) -> None:
        # `was`: the name the person saw; renamed meanwhile elsewhere, the change is refused.
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            row = fetch(row_id)
            if row.name != was:
                raise OrgError(f"{was} was renamed {row.name} meanwhile: nothing was changed.")
            _refuse_taken(model, name, but=row_id)
            changes = {model.name: name}
            if product is not None:
                changes[model.product] = product.strip()
            model.update(changes).where(model.id == row_id).execute()

    def remove_division(self, division_id: int) -> None:
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            division = _division(division_id)
            if OrgDepartment.select().where(OrgDepartment.division == division_id).exists():
                raise OrgError(f"{division.name} still has departments: move or delete them first.")
            division.delete_instance()

    def remove_department(self, department_id: int) -> None:
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            department = _department(department_id)
            held = OrgPlace.select().where(OrgPlace.department == department_id).count()
            if held:
                posts = "1 post" if held == 1 else f"{held} posts"
                raise OrgError(
                    f"{department.name} still holds {posts}: move them to another department first."
                )
            try:
                department.delete_instance()
            except IntegrityError:  # a post placed in it on another terminal just now
                raise OrgError(f"{department.name} holds posts now: nothing was deleted.") from None

    def move_division(self, division_id: int, step: int) -> None:
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            _division(division_id)
            _reorder(list(OrgDivision.select().order_by(OrgDivision.position)), division_id, step)

    def move_department(self, department_id: int, step: int) -> None:
        """Up or down among its division's departments; past either end, into the
        division before or after (at its end or its start)."""
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            department = _department(department_id)
            siblings = _ordered(OrgDepartment, OrgDepartment.division == department.division_id)
            index = [row.id for row in siblings].index(department_id)
            if 0 <= index + step < len(siblings):
                _reorder(siblings, department_id, step)
                return
            divisions = [d.id for d in OrgDivision.select().order_by(OrgDivision.position)]
            at = divisions.index(department.division_id) + (1 if step > 0 else -1)
            if not 0 <= at < len(divisions):
                return  # already first (or last) of all
            others = _ordered(OrgDepartment, OrgDepartment.division == divisions[at])
            department.division = divisions[at]
            department.save()
            _renumber([department, *others] if step > 0 else [*others, department])

    # -- posts ----------------------------------------------------------------------------

    def add_post(self, department_id: int, title: str, product: str = "") -> int:
        """A new post (an empty hat, to be written up in the hat editor) at the department's end."""
        title = clean_name(title, "post")
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            _department(department_id)
            if Post.select().where(fn.lower(Post.title) == title.lower()).exists():
                raise OrgError(f"There is already a post called {title!r}: place that one.")
            last = Post.select(fn.MAX(Post.position)).scalar() or 0
            post = Post.create(title=title, product=product.strip(), position=last + 1)
            self._place(post.id, department_id)
            return int(post.id)

    def place_post(self, post_id: int, department_id: int, was: int | None) -> None:
        """Put a post in a department (at its end). `was`: the department the person saw it
        in (None: not placed); refused when it was moved elsewhere meanwhile."""
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            post = _post(post_id)
            _department(department_id)
            place = OrgPlace.get_or_none(OrgPlace.post == post_id)
            now_in = place.department_id if place is not None else None
            if now_in != was:
                where = _department(now_in).name if now_in is not None else "no department"
                raise OrgError(f"{post.title} was moved to {where} meanwhile: nothing was changed.")
            if now_in == department_id:
                return
            if place is not None:
                place.delete_instance()
            self._place(post_id, department_id)

    def unplace_post(self, post_id: int) -> None:
        """Take a post off the board (it stays a hat, shown as not placed)."""
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            OrgPlace.delete().where(OrgPlace.post == post_id).execute()

    def move_post(self, post_id: int, step: int) -> None:
        """Up or down within its department (the first is the head)."""
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            place = OrgPlace.get_or_none(OrgPlace.post == post_id)
            if place is None:
                raise OrgError("That post is not on the board (on another terminal, perhaps).")
            siblings = _ordered(OrgPlace, OrgPlace.department == place.department_id)
            _reorder(siblings, place.id, step)

    @staticmethod
    def _place(post_id: int, department_id: int) -> None:
        position = _next(OrgPlace, OrgPlace.department == department_id)
        try:
            with OrgPlace._meta.database.atomic():
                OrgPlace.create(post=post_id, department=department_id, position=position)
        except IntegrityError:  # placed on another terminal between the read and now
            raise OrgError("That post was placed in a department meanwhile: look again.") from None

    # -- the default ------------------------------------------------------------------------

    def lay_out_default(self) -> None:
        """The default structure for a small practice, on an empty board. Posts the practice
        has are placed by title; those it lacks are made; other posts stay not placed."""
        with self.database.atomic():
            require(self.database, self.staff_id, "org_edit", _EDIT)
            if not self.is_empty():
                raise OrgError("The board has its divisions already: reshape it instead.")
            posts = {post.title.lower(): post.id for post in Post.select()}
            placed = {place.post_id for place in OrgPlace.select()}
            last = Post.select(fn.MAX(Post.position)).scalar() or 0
            for d, (division, departments) in enumerate(DEFAULT_STRUCTURE, start=1):
                division_id = OrgDivision.create(name=division, position=d).id
                for p, (department, titles) in enumerate(departments, start=1):
                    department_id = OrgDepartment.create(
                        division=division_id, name=department, position=p
                    ).id
                    for position, title in enumerate(titles, start=1):
                        post_id = posts.get(title.lower())
                        if post_id is None:
                            last += 1
                            post_id = Post.create(title=title, position=last).id
                        if post_id not in placed:
                            OrgPlace.create(
                                post=post_id, department=department_id, position=position
                            )


def _division(division_id: int) -> OrgDivision:
    row = OrgDivision.get_or_none(OrgDivision.id == division_id)
    if row is None:
        raise OrgError("That division was deleted (on another terminal, perhaps).")
    return row


def _department(department_id: int) -> OrgDepartment:
    row = OrgDepartment.get_or_none(OrgDepartment.id == department_id)
    if row is None:
        raise OrgError("That department was deleted (on another terminal, perhaps).")
    return row


def _post(post_id: int) -> Post:
    row = Post.get_or_none(Post.id == post_id)
    if row is None:
        raise OrgError("That post no longer exists (deleted on another terminal, perhaps).")
    return row


def _refuse_taken(model: Any, name: str, but: int | None = None) -> None:
    query = model.select(model.id).where(fn.lower(model.name) == name.lower())
    if but is not None:
        query = query.where(model.id != but)
    if query.exists():
        kind = "division" if model is OrgDivision else "department"
        raise OrgError(f"There is already a {kind} called {name!r}.")


def _next(model: Any, where: Any = True) -> float:
    return float(model.select(fn.MAX(model.position)).where(where).scalar() or 0) + 1


def _ordered(model: Any, where: Any) -> list[Any]:
    return list(model.select().where(where).order_by(model.position, model.id))


def _reorder(rows: Sequence[Any], row_id: int, step: int) -> None:
    """Move one row `step` places along its ordered list (stopping at the ends)."""
    ordered = list(rows)
    ids = [row.id for row in ordered]
    if row_id not in ids:
        return
    index = ids.index(row_id)
    ordered.insert(max(0, min(len(ordered) - 1, index + step)), ordered.pop(index))
    _renumber(ordered)


def _renumber(rows: Sequence[Any]) -> None:
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            row.save()
