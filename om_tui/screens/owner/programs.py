"""Programs: the owner's named goals, each reached by ordered steps, and how far along.

Left the programs with their progress bars (steps done ÷ steps), right the chosen
program: its goal, its bar, its steps in order — who, due when, done or overdue ("!").
`d` (or space) marks a step done with a note: its assignee, a holder of its post, or a
manager. The managers write them: `n` a new program, `a` a step, `e` edits, ctrl+↑↓
reorder, Delete removes a step, `u` reopens a step, `x` archives a program.

One screen (one per module), whose length is its keys; its forms are in order_forms.py
and named_form.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from om_tui.messages import DataChanged
from om_tui.practice.owner.orders.due import due_text
from om_tui.practice.owner.orders.programs import PROGRAMS_TABLES
from om_tui.practice.owner.orders.views import (
    OrderError,
    ProgramDetail,
    ProgramLine,
    Progress,
    StepLine,
)
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.named_form import NamedFields
from om_tui.screens.owner.order_forms import (
    NotePrompt,
    OrderFields,
    OrderForm,
    ProgramForm,
)
from om_tui.screens.owner.orders_view import OrdersView
from om_tui.widgets.footer import Footer
from om_tui.widgets.screen_tabs import ScreenTabs

MANAGERS_KEYS = frozenset(
    ("new_program", "add_step", "edit", "move", "remove", "reopen", "archive")
)
"""The actions only the office manager and the owner have."""
BY_STEP = {"d": "done", "space": "done", "u": "reopen", "delete": "remove"}
"""The keys that act on the step under the cursor: where one does nothing, it says why."""
LIST_BAR = {False: 14, True: 8}  # the program list's bars, in cells
DETAIL_BAR = {False: 30, True: 16}


def progress_bar(progress: Progress, width: int, done: Style, rest: Style) -> Text:
    """ "━━━━━━━━━━━━━━━━━━" with the done share in `done`, the rest in `rest`."""
    filled = round(width * progress.done / progress.total) if progress.total else 0
    return Text.assemble(("━" * filled, done), ("━" * (width - filled), rest))


def progress_words(progress: Progress) -> str:
    """ "2 of 6 steps done (33%) · 1 overdue"; "no steps yet"."""
    if not progress.total:
        return "no steps yet"
    share = progress.done * 100 // progress.total
    said = f"{progress.done} of {progress.total} steps done ({share}%)"
    return said + (f" · {progress.overdue} overdue" if progress.overdue else "")


class ProgramsScreen(OrdersView):
    """The programs, left; the chosen program's goal and steps, right."""

    BINDINGS = [
        Binding("d,space", "done", "Done", id="programs.done"),
        Binding("n", "new_program", "New", id="programs.new"),
        Binding("a", "add_step", "Add step", id="programs.add"),
        Binding("e", "edit", "Edit", id="programs.edit"),
        # Moving is for the odd slip: the keys panel (F1) and the palette show it.
        Binding("ctrl+up,shift+up", "move(-1)", "Move up", id="programs.up", show=False),
        Binding("ctrl+down,shift+down", "move(1)", "Move down", id="programs.down", show=False),
        Binding("delete", "remove", "Remove", id="programs.remove"),
        Binding("u", "reopen", "Reopen", id="programs.reopen"),
        Binding("x", "archive", "Archive", id="programs.archive"),
        Binding("right", "focus_program", "Steps", id="programs.to_steps", show=False),
        Binding("left", "focus_list", "Programs", id="programs.to_list", show=False),
        Binding("escape", "back", "Back", id="programs.back"),
        # The same keys where they do nothing on the line under the cursor: a word on why.
        *(Binding(key, f"why_not('{action}')", show=False) for key, action in BY_STEP.items()),
    ]

    SHOWS = PROGRAMS_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._program_id: int | None = None
        self._programs: list[ProgramLine] = []
        self._detail: ProgramDetail | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="programs-title", markup=False)
            yield ScreenTabs("programs")
        with Horizontal(id="programs-body"):
            yield OptionList(id="program-list", markup=False)
            yield OptionList(id="program", markup=False)
        yield Static(id="program-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._take_measure()
        self.reload()
        self.query_one("#program-list", OptionList).focus()

    # -- reading and drawing --------------------------------------------------------

    @on(DataChanged)
    def reload(self) -> None:
        self._show(self._program_id, self._cursor_line())

    def _show(self, program_id: int | None, line: str | None = None) -> None:
        orders = self.orders
        self._programs = orders.programs()
        known = [p.id for p in self._programs]
        if program_id not in known:
            program_id = known[0] if known else None
            line = None
        self._program_id = program_id
        listing = self.query_one("#program-list", OptionList)
        listing.set_options(
            Option(self._program_prompt(p), id=f"program-{p.id}") for p in self._programs
        )
        if program_id is not None:
            listing.highlighted = listing.get_option_index(f"program-{program_id}")
        try:
            self._detail = orders.program(program_id) if program_id is not None else None
        except OrderError:  # gone between the two reads: the next change reads again
            self._detail = None
        self._fill(line)
        self._show_title()

    def _show_title(self) -> None:
        active = sum(p.active for p in self._programs)
        title = Text.assemble(("Programs", "bold"), f" · {active} active")
        if self._detail is not None:
            title.append(f" · {self._detail.program.name}")
        self.query_one("#programs-title", Static).update(title)

    def _program_prompt(self, program: ProgramLine) -> Text:
        styles = self._styles
        text = Text(program.name, style="bold" if program.active else "dim")
        if not program.active:
            text.append(" (archived)", style="dim")
        text.append("\n  ")
        text.append_text(
            progress_bar(program.progress, LIST_BAR[self._compact], styles["bar"], styles["rest"])
        )
        progress = program.progress
        text.append(f" {progress.done}/{progress.total}", style="dim")
        if progress.overdue:
            said = f" !{progress.overdue}" if self._compact else f" · {progress.overdue} overdue"
            text.append(said, style=styles["overdue"])
        return text

    def _fill(self, line: str | None) -> None:
        steps = self.query_one("#program", OptionList)
        detail = self._detail
        if detail is None:
            steps.set_options(
                [Option(Text("No programs yet: n writes the first one."), id="none", disabled=True)]
            )
            self._show_detail()
            return
        before = steps.highlighted
        options = self._lines(detail)
        steps.set_options(options)
        index = None
        if line is not None:
            try:
                index = steps.get_option_index(line)
            except OptionDoesNotExist:
                index = None
        if index is None:
            index = min(before or 0, len(options) - 1) if line else 0
            while index > 0 and options[index].disabled:
                index -= 1
        steps.highlighted = index
        self._show_detail()

    def _lines(self, detail: ProgramDetail) -> list[Option]:
        styles = self._styles
        program = detail.program
        goal = Text.assemble(("Goal  ", "dim"), program.goal or "— (e writes it)")
        bar = progress_bar(
            program.progress, DETAIL_BAR[self._compact], styles["bar"], styles["rest"]
        )
        bar.append(f"  {progress_words(program.progress)}")
        heading = Table.grid(expand=True)
        heading.add_column(ratio=1, no_wrap=True)
        heading.add_column(justify="right", no_wrap=True)
        hint = "a adds a step · d marks one done" if self._manages() else "d marks your step done"
        heading.add_row(
            Text.assemble(("Steps", styles["accent"]), f" · {len(detail.steps)}"),
            Text(hint, style="dim"),
        )
        options = [
            Option(Text(program.name, style="bold"), id="program:name"),
            Option(goal, id="program:goal"),
            Option(bar, id="progress", disabled=True),
            Option(heading, id="steps"),
        ]
        for step in detail.steps:
            options.append(Option(self._step_row(step), id=f"step:{step.id}"))
        return options

    def _step_row(self, step: StepLine) -> Table:
        """ "! 3 · Mail the letters …  Jenny Ortiz  Mon 16 Nov  overdue"; narrow: no
        assignee and no note (the line below says them), the mark in the note's colour."""
        styles = self._styles
        compact = self._compact
        grid = Table.grid(expand=True, padding=(0, 1, 0, 0))
        grid.add_column(width=1)
        grid.add_column(width=2, justify="right")
        grid.add_column(width=1)
        grid.add_column(ratio=1)
        if not compact:
            grid.add_column(width=14, no_wrap=True, overflow="ellipsis")
        grid.add_column(width=6 if compact else 10, no_wrap=True)
        if not compact:
            grid.add_column(width=9, justify="right", no_wrap=True)
        flag = Text("!", style=styles["overdue"]) if step.overdue else Text(" ")
        if step.late:
            note, mark = Text("done late", style=styles["late"]), Text("✓", style=styles["late"])
        elif step.done:
            note, mark = Text("done", style=styles["done"]), Text("✓", style=styles["done"])
        elif step.overdue:
            note, mark = Text("overdue", style=styles["overdue"]), Text("·", style="dim")
        else:
            note, mark = Text(), Text("·", style="dim")
        today = self.orders.today()
        due = Text(due_text(step.due_on, None, today, compact) if step.due_on else "")
        if step.overdue:
            due.stylize(styles["overdue"])
        text = Text(step.text, style=styles["muted"] if step.done else "")
        row = [flag, Text(str(step.number), style="dim"), mark, text]
        if compact:
            row.append(due)
        else:
            row += [Text(step.to.short if step.to else "—", style="dim"), due, note]
        grid.add_row(*row)
        return grid

    # -- where the cursor is ------------------------------------------------------------

    def _in_list(self) -> bool:
        return self.focused is self.query_one("#program-list", OptionList)

    def _cursor_line(self) -> str | None:
        option = self.query_one("#program", OptionList).highlighted_option
        return option.id if option is not None else None

    def _step(self) -> StepLine | None:
        """The step under the cursor in the program's pane, if any."""
        if self._in_list() or self._detail is None:
            return None
        line = self._cursor_line() or ""
        if not line.startswith("step:"):
            return None
        step_id = int(line.partition(":")[2])
        return next((s for s in self._detail.steps if s.id == step_id), None)

    @on(OptionList.OptionHighlighted, "#program-list")
    def _program_chosen(self, event: OptionList.OptionHighlighted) -> None:
        program_id = int((event.option.id or "program-0").rpartition("-")[2])
        if program_id != self._program_id:
            self._show(program_id)

    @on(OptionList.OptionHighlighted, "#program")
    def _show_detail(self) -> None:
        detail = self.query_one("#program-detail", Static)
        step = self._step()
        if step is None:
            program = self._detail.program if self._detail else None
            if program is not None:
                made = self.orders.when(program.created)
                state = "active" if program.active else "archived (x brings it back)"
                detail.update(f"{program.name} · written {made} · {state}")
            else:
                detail.update("")
        else:
            parts = [f"Step {step.number}"]
            if step.to is not None:
                parts.append(f"for {step.to.label}")
            if step.due_on is not None:
                parts.append(f"due {due_text(step.due_on, None, self.orders.today())}")
            if step.done and step.done_at is not None:
                late = " (late)" if step.late else ""
                said = f"done by {step.done_by} {self.orders.when(step.done_at)}{late}"
                parts.append(said + (f": “{step.note}”" if step.note else ""))
            else:
                parts.append("d: mark it done")
            detail.update(" · ".join(parts))
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#program-list")
    def _program_opened(self) -> None:
        self.action_focus_program()

    @on(OptionList.OptionSelected, "#program")
    def _line_opened(self) -> None:
        step = self._step()
        if step is not None and not step.done and not self._manages():
            self.action_done()
        else:
            self.action_edit()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key only where it does something: the managers' keys for them alone; a step's
        key is hidden where there is no step for it (pressed, it says why)."""
        if action == "why_not":
            return str(parameters[0]) not in MANAGERS_KEYS or self._manages()
        if action in MANAGERS_KEYS and not self._manages():
            return False
        if action == "back":
            return len(self.app.screen_stack) > 1 or None
        if not self.is_mounted:
            return True
        if action in ("done", "reopen", "move", "remove"):
            return self._why(action, self._step()) is None
        if action in ("add_step", "archive"):
            return self._program_id is not None
        return True

    def _why_here(self, action: str) -> str | None:
        return self._why(action, self._step())

    def _why(self, action: str, step: StepLine | None) -> str | None:
        """Why `action` does nothing on `step`, fit to show; None where it does something."""
        if step is None:
            where = "→ to the program's steps" if self._in_list() else "↑↓ to one of its steps"
            return f"Choose a step first: {where}."
        if action == "done" and step.done:
            return "That step is done already."
        if action == "reopen" and not step.done:
            return "That step is not done: there is nothing to reopen."
        return None

    # -- writing ------------------------------------------------------------------------

    def _save(self, change: Callable[[], Any], line: Callable[[Any], str | None]) -> None:
        program_id = self._program_id

        def done(result: Any) -> None:
            self._show(
                program_id if self._program_id == program_id else self._program_id, line(result)
            )

        self.om.write(change, done)

    # -- actions ------------------------------------------------------------------------

    def action_focus_program(self) -> None:
        """Into the program's pane, on its first step not done (the steps are what the keys
        act on), unless the cursor is on a step already."""
        pane = self.query_one("#program", OptionList)
        pane.focus()
        if (self._cursor_line() or "").startswith("step:") or self._detail is None:
            return
        steps = self._detail.steps
        first = next((s for s in steps if not s.done), steps[0] if steps else None)
        if first is not None:
            pane.highlighted = pane.get_option_index(f"step:{first.id}")

    def action_focus_list(self) -> None:
        self.query_one("#program-list", OptionList).focus()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.action_focus_list()

    def action_new_program(self) -> None:
        orders = self.orders
        taken = [p.name for p in self._programs]

        def saved(fields: NamedFields | None) -> None:
            if fields is None:
                return

            def done(program_id: int) -> None:
                self._show(program_id, "steps")
                self.action_focus_program()

            self.om.write(lambda: orders.create_program(fields.name, fields.about), done)

        self.app.push_screen(ProgramForm("New program", taken=taken), saved)

    def action_edit(self) -> None:
        step = self._step()
        if step is not None:
            self._step_form(step)
            return
        if self._cursor_line() == "steps" and not self._in_list():
            self.action_add_step()
            return
        detail = self._detail
        if detail is None:
            return
        program = detail.program
        orders = self.orders
        fields = NamedFields(program.name, program.goal)
        seen = {"name": program.name, "goal": program.goal}
        taken = [p.name for p in self._programs if p.id != program.id]

        def saved(result: NamedFields | None) -> None:
            if result is not None and result != fields:
                self._save(
                    lambda: orders.edit_program(program.id, result.name, result.about, seen=seen),
                    lambda _: None if self._in_list() else self._cursor_line(),
                )

        self.app.push_screen(ProgramForm(f"Edit {program.name}", fields, taken), saved)

    def _step_form(self, step: StepLine) -> None:
        orders = self.orders
        fields = None
        if step.to is not None and step.due_on is not None:
            to = step.to
            whom = ("staff", to.staff_id) if to.staff_id is not None else ("post", to.post_id or 0)
            fields = OrderFields(whom, to.label, step.text, step.due_on)
        seen = {
            "text": step.text,
            "due_on": step.due_on,
            "to_staff": step.to.staff_id if step.to is not None else None,
            "to_post": step.to.post_id if step.to is not None else None,
        }

        def saved(result: OrderFields | None) -> None:
            if result is None or result == fields:
                return
            self._save(
                lambda: orders.edit_step(
                    step.id,
                    result.text,
                    result.due_on,
                    to_staff=result.to_staff,
                    to_post=result.to_post,
                    seen=seen,
                ),
                lambda _: f"step:{step.id}",
            )

        self.app.push_screen(
            OrderForm(
                f"Edit step {step.number}",
                orders,
                fields,
                what="Target",
                with_time=False,
                keep_past_due=step.due_on,
            ),
            saved,
        )

    def action_add_step(self) -> None:
        program_id = self._program_id
        if program_id is None:
            self.action_new_program()
            return
        orders = self.orders

        def saved(fields: OrderFields | None) -> None:
            if fields is None:
                return
            self._save(
                lambda: orders.add_step(
                    program_id,
                    fields.text,
                    fields.due_on,
                    to_staff=fields.to_staff,
                    to_post=fields.to_post,
                ),
                lambda step_id: f"step:{step_id}",
            )
            self.action_focus_program()

        self.app.push_screen(OrderForm("New step", orders, what="Target", with_time=False), saved)

    def action_done(self) -> None:
        step = self._step()
        said = self._why("done", step)
        if said is not None or step is None:
            self.notify(said or "Choose a step first.", timeout=4)
            return
        orders = self.orders

        def noted(note: str | None) -> None:
            if note is not None:
                self._save(lambda: orders.step_done(step.id, note), lambda _: f"step:{step.id}")

        self.app.push_screen(
            NotePrompt(f"Done: {step.text}", "A note (optional): what came of it"), noted
        )

    def action_reopen(self) -> None:
        step = self._step()
        if step is None or not step.done:
            return
        orders = self.orders
        self._save(lambda: orders.reopen_step(step.id), lambda _: f"step:{step.id}")

    def action_move(self, offset: int) -> None:
        step = self._step()
        if step is None:
            return
        orders = self.orders
        self._save(lambda: orders.move_step(step.id, offset), lambda _: f"step:{step.id}")

    def action_remove(self) -> None:
        step = self._step()
        if step is None:
            return
        orders = self.orders

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(lambda: orders.remove_step(step.id), lambda _: "steps")

        self.app.push_screen(
            Confirm(f"Take step {step.number} off the program? “{step.text}”", "Remove it"),
            confirmed,
        )

    def action_archive(self) -> None:
        detail = self._detail
        if detail is None:
            return
        program = detail.program
        orders = self.orders
        said = "Archived" if program.active else "Back among the active programs"

        def done(_: None) -> None:
            self._show(program.id)
            self.notify(f"{said}: {program.name}.", timeout=3)

        self.om.write(lambda: orders.set_active(program.id, not program.active), done)

    def palette_commands(self) -> list[SystemCommand]:
        commands = [SystemCommand("Step done", "Mark the selected step done (d)", self.action_done)]
        if self._manages():
            commands += [
                SystemCommand(
                    "New program", "A new goal of the owner's (n)", self.action_new_program
                ),
                SystemCommand(
                    "Add a step", "A step at the end of the program (a)", self.action_add_step
                ),
            ]
        return commands
