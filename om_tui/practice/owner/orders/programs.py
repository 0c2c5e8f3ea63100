"""Programs: the owner's named goals, each reached by ordered steps (targets), each
with an assignee (a person or a post) and a due day. Progress = steps done ÷ steps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from peewee import fn

from db.models import (
    HatHolder,
    Post,
    Program,
    ProgramStep,
    Staff,
    as_utc,
    utc_naive,
)
from om_tui.practice.changes import tables_of
from om_tui.practice.owner.orders.base import OrdersBase, _aware, _rows, _text
from om_tui.practice.owner.orders.views import (
    LONGEST_PROGRAM_NAME,
    LONGEST_TEXT,
    Assignee,
    OrderError,
    ProgramDetail,
    ProgramLine,
    Progress,
    StepLine,
)
from om_tui.practice.seen import require_unchanged

PROGRAMS_TABLES = tables_of(HatHolder, Post, Program, ProgramStep, Staff)
"""What the programs screen is read from (`programs`, `program`)."""


class OrderPrograms(OrdersBase):
    """Programs and their steps: reading and writing them."""

    # -- programs: reading -------------------------------------------------------------

    def _steps(self, steps: Iterable[ProgramStep]) -> list[StepLine]:
        """Steps as shown, each numbered by its place in its program."""
        rows = list(steps)
        if not rows:
            return []
        now = self.clock.now()
        names = self._names()
        gone = self._gone()
        holders = self._holders(self.today())
        titles = {p.id: p.title for p in Post.select(Post.id, Post.title)}
        program_ids = {row.program_id for row in rows}
        programs = {p.id: p.name for p in Program.select().where(Program.id.in_(program_ids))}
        numbers: dict[int, int] = {}
        for program_id in program_ids:
            order = (
                ProgramStep.select(ProgramStep.id)
                .where(ProgramStep.program == program_id)
                .order_by(ProgramStep.position, ProgramStep.id)
            )
            numbers.update({s.id: n for n, s in enumerate(order, start=1)})
        lines = []
        for row in rows:
            to: Assignee | None = None
            if row.to_staff_id is not None:
                left = row.to_staff_id in gone
                to = Assignee(row.to_staff_id, None, names[row.to_staff_id], left=left)
            elif row.to_post_id is not None:
                held = tuple(names[s] for s in holders.get(row.to_post_id, []))
                to = Assignee(None, row.to_post_id, titles[row.to_post_id], held)
            deadline = self.deadline(row.due_on, None) if row.due_on is not None else None
            lines.append(
                StepLine(
                    id=row.id,
                    program_id=row.program_id,
                    program=programs[row.program_id],
                    number=numbers[row.id],
                    text=row.text,
                    to=to,
                    due_on=row.due_on,
                    deadline=deadline,
                    overdue=row.done_at is None and deadline is not None and deadline <= now,
                    done_at=_aware(row.done_at),
                    done_by=names.get(row.done_by_id or 0),
                    note=row.note,
                )
            )
        return lines

    def programs(self) -> list[ProgramLine]:
        """Every program, the active ones first, each by when it was made."""
        now = self.clock.now()
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for program_id, due_on, done_at in _rows(
            ProgramStep.select(
                ProgramStep.program, ProgramStep.due_on, ProgramStep.done_at
            ).tuples()
        ):
            tally = counts[program_id]
            tally[1] += 1
            if done_at is not None:
                tally[0] += 1
            elif due_on is not None and self.deadline(due_on, None) <= now:
                tally[2] += 1
        query = Program.select().order_by(Program.active.desc(), Program.created, Program.id)
        return [self._program_line(p, Progress(*counts[p.id])) for p in query]

    @staticmethod
    def _program_line(program: Program, progress: Progress) -> ProgramLine:
        return ProgramLine(
            id=program.id,
            name=program.name,
            goal=program.goal,
            active=program.active,
            created=as_utc(program.created),
            progress=progress,
        )

    def program(self, program_id: int) -> ProgramDetail:
        program = self._program(program_id)
        steps = self._steps(
            ProgramStep.select()
            .where(ProgramStep.program == program_id)
            .order_by(ProgramStep.position, ProgramStep.id)
        )
        progress = Progress(
            done=sum(s.done for s in steps),
            total=len(steps),
            overdue=sum(s.overdue for s in steps),
        )
        return ProgramDetail(self._program_line(program, progress), steps)

    def _program(self, program_id: int) -> Program:
        program = Program.get_or_none(Program.id == program_id)
        if program is None:
            raise OrderError("That program is no longer on record.")
        return program

    def _step(self, step_id: int) -> ProgramStep:
        step = ProgramStep.get_or_none(ProgramStep.id == step_id)
        if step is None:
            raise OrderError("That step was taken off its program (on another terminal, perhaps).")
        return step

    # -- programs: writing -------------------------------------------------------------

    def _check_name_free(self, name: str, but: int | None = None) -> None:
        for program_id, other in _rows(Program.select(Program.id, Program.name).tuples()):
            if program_id != but and other.casefold() == name.casefold():
                raise OrderError(f"There is already a program called {other!r}.")

    def create_program(self, name: str, goal: str = "") -> int:
        name = _text(name, "A program needs a name.", LONGEST_PROGRAM_NAME)
        goal = _text(goal, "", LONGEST_TEXT) if goal.strip() else ""
        with self.database.atomic():
            actor = self._manager("writes programs")
            self._check_name_free(name)
            program = Program.create(
                name=name,
                goal=goal.strip(),
                created=utc_naive(self.clock.now()),
                created_by=actor.id,
                active=True,
            )
        return int(program.id)

    def edit_program(
        self, program_id: int, name: str, goal: str, seen: Mapping[str, object] | None = None
    ) -> None:
        """New name or goal; `seen`: the name and goal the form opened with."""
        name = _text(name, "A program needs a name.", LONGEST_PROGRAM_NAME)
        goal = _text(goal, "", LONGEST_TEXT) if goal.strip() else ""
        with self.database.atomic():
            self._manager("writes programs")
            program = self._program(program_id)
            current = {"name": program.name, "goal": program.goal}
            require_unchanged(f"The program {program.name}", current, seen)
            self._check_name_free(name, program_id)
            Program.update(name=name, goal=goal.strip()).where(Program.id == program_id).execute()

    def set_active(self, program_id: int, active: bool) -> None:
        """Archive a program (finished or dropped), or bring it back."""
        with self.database.atomic():
            self._manager("archives programs")
            self._program(program_id)
            Program.update(active=active).where(Program.id == program_id).execute()

    def add_step(
        self,
        program_id: int,
        text: str,
        due_on: dt.date,
        *,
        to_staff: int | None = None,
        to_post: int | None = None,
    ) -> int:
        """A step at the end of the program; its id."""
        text = _text(text, "A step needs its target: what is to be done.")
        with self.database.atomic():
            self._manager("writes programs")
            self._program(program_id)
            self._check_assignee(to_staff, to_post)
            self.check_due(due_on, None)
            last = (
                ProgramStep.select(fn.MAX(ProgramStep.position))
                .where(ProgramStep.program == program_id)
                .scalar()
            )
            step = ProgramStep.create(
                program=program_id,
                position=(last or 0) + 1,
                text=text,
                to_staff=to_staff,
                to_post=to_post,
                due_on=due_on,
            )
        return int(step.id)

    def edit_step(
        self,
        step_id: int,
        text: str,
        due_on: dt.date,
        *,
        to_staff: int | None = None,
        to_post: int | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> None:
        """New words, assignee or due day for a step (a due day kept as it was may be past).

        `seen`: the step's text, due day, to_staff and to_post as the form showed them."""
        text = _text(text, "A step needs its target: what is to be done.")
        with self.database.atomic():
            self._manager("writes programs")
            step = self._step(step_id)
            current = {
                "text": step.text,
                "due_on": step.due_on,
                "to_staff": step.to_staff_id,  # whom, as an Assignee names it: the person,
                "to_post": step.to_post_id if step.to_staff_id is None else None,  # else post
            }
            require_unchanged("That step", current, seen)
            if (to_staff, to_post) != (step.to_staff_id, step.to_post_id):
                self._check_assignee(to_staff, to_post)
            if due_on != step.due_on:
                self.check_due(due_on, None)
            ProgramStep.update(text=text, due_on=due_on, to_staff=to_staff, to_post=to_post).where(
                ProgramStep.id == step_id
            ).execute()

    def move_step(self, step_id: int, offset: int) -> None:
        """Move a step `offset` places up (negative) or down its program."""
        with self.database.atomic():
            self._manager("writes programs")
            step = self._step(step_id)
            ordered = list(
                ProgramStep.select()
                .where(ProgramStep.program == step.program_id)
                .order_by(ProgramStep.position, ProgramStep.id)
            )
            index = next(n for n, row in enumerate(ordered) if row.id == step_id)
            target = max(0, min(len(ordered) - 1, index + offset))
            ordered.insert(target, ordered.pop(index))
            for position, row in enumerate(ordered, start=1):
                if row.position != position:
                    ProgramStep.update(position=position).where(ProgramStep.id == row.id).execute()

    def remove_step(self, step_id: int) -> None:
        with self.database.atomic():
            self._manager("writes programs")
            self._step(step_id)
            ProgramStep.delete().where(ProgramStep.id == step_id).execute()

    def step_done(self, step_id: int, note: str = "") -> StepLine:
        """The step's target is reached: by its assignee (a holder of its post) or a manager."""
        now = utc_naive(self.clock.now())
        with self.database.atomic():
            actor = self._actor()
            step = self._step(step_id)
            if not (self._for(actor, step.to_staff_id, step.to_post_id) or self._manages(actor)):
                raise OrderError("This step is someone else's: they, or a manager, mark it done.")
            changed = (
                ProgramStep.update(done_at=now, done_by=actor.id, note=note.strip())
                .where((ProgramStep.id == step_id) & ProgramStep.done_at.is_null())
                .execute()
            )
            if not changed:
                [line] = self._steps([self._step(step_id)])
                at = self.when(line.done_at) if line.done_at else ""
                raise OrderError(
                    f"Already done — {line.done_by} marked it done at {at}. Nothing was changed."
                )
            [line] = self._steps([self._step(step_id)])
            return line

    def reopen_step(self, step_id: int) -> None:
        """A step marked done by mistake is open again (a manager's call)."""
        with self.database.atomic():
            self._manager("reopens steps")
            self._step(step_id)
            ProgramStep.update(done_at=None, done_by=None).where(
                ProgramStep.id == step_id
            ).execute()
