"""Orders: "My orders" for every person, and the orders board for the manager and owner.

My orders lists the person's own orders and their posts', overdue first (marked "!"),
then by due; then those closed lately; then their program steps. Enter or `d` reports
the selected order done, with a note (on a step: marks it done).

The board (`b` toggles it; the managers start there) lists every order not yet done,
overdue first, then by due, with each person's compliance over the last 30 days: orders
done on time ÷ orders due. `n` gives an order, `a` accepts a report of done, `s` sends it
back with a note, `c` chases (the count and the last time show), `r` gives an open order
to someone else (its person has left: the line says so), `x` cancels.

A key shows in the footer only where it does something; pressed elsewhere, it says why.

One screen (one per module), My orders and the orders board being one list with two
scopes; its forms are in order_forms.py, what it shares with programs in orders_view.py.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from db.models import OrderStatus
from om_tui.messages import DataChanged
from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.orders.due import due_example, due_text, parse_due
from om_tui.practice.owner.orders.reading import ORDERS_TABLES
from om_tui.practice.owner.orders.views import (
    WINDOW_DAYS,
    MyOrders,
    OrderError,
    OrderLine,
    OrdersBoard,
    StepLine,
)
from om_tui.screens.hats.compliance import level, share_text
from om_tui.screens.owner.order_forms import (
    NotePrompt,
    OrderFields,
    OrderForm,
    due_reading,
    whom_choices,
    whom_ids,
)
from om_tui.screens.owner.orders_view import OrdersView
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.widgets.footer import Footer
from om_tui.widgets.screen_tabs import ScreenTabs

REFRESH_SECONDS = 30  # open orders turn overdue as time passes, with no write to say so
HEADINGS = frozenset({"overdue", "open", "closed", "steps"})
MANAGERS_KEYS = frozenset(
    (
        "new",
        "toggle_board",
        "show_board",
        "whose",
        "accept",
        "send_back",
        "chase",
        "reassign",
        "cancel_order",
    )
)
"""The actions only the office manager and the owner have."""
BY_LINE = {
    "d": "report",
    "a": "accept",
    "s": "send_back",
    "c": "chase",
    "r": "reassign",
    "x": "cancel_order",
}
"""The keys that act on the selected order: where one does nothing, it says why."""

Line = OrderLine | StepLine
"""What a selectable line of the list stands for."""


def _grid(
    flag: Text, box: Text, due: Text, text: Text, whom: Text, note: Text, compact: bool
) -> Table:
    """One line in columns: "! [ ] Mon 16 Nov  text …  → Tom Becker  chased 2× 09:11"."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=1)
    grid.add_column(width=3)
    grid.add_column(width=12 if compact else 16, no_wrap=True)
    grid.add_column(ratio=3)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True)
    grid.add_row(flag, box, due, text, whom, note)
    return grid


def _align_notes(options: list[Option]) -> None:
    """Every line's note (its right column) as wide as the widest, so that the columns
    line up down the list: each line is a grid of its own, sized by its own cells."""
    grids = [option.prompt for option in options if isinstance(option.prompt, Table)]
    widest = 0
    for grid in grids:
        note = next(iter(grid.columns[-1].cells), None)
        if isinstance(note, Text):
            widest = max(widest, note.cell_len)
    for grid in grids:
        grid.columns[-1].width = widest


def tally_text(tally: Tally) -> str:
    """ "2/4 50%!!"; "—" when nothing was due."""
    if not tally.due:
        return "—"
    return f"{tally.on_time}/{tally.due} {share_text(tally)}"


class OrdersScreen(OrdersView):
    """A person's orders, or (for the managers) every order not done and who complies."""

    BINDINGS = [
        Binding("d", "report", "Done", id="orders.report"),
        Binding("n", "new", "New", id="orders.new"),
        Binding("a", "accept", "Accept", id="orders.accept"),
        Binding("s", "send_back", "Send back", id="orders.send_back"),
        Binding("c", "chase", "Chase", id="orders.chase"),
        Binding("r", "reassign", "Reassign", id="orders.reassign"),
        Binding("x", "cancel_order", "Cancel", id="orders.cancel"),
        Binding("b", "show_board(False)", "Mine", id="orders.mine"),
        Binding("b", "show_board(True)", "Board", id="orders.board"),
        Binding("w", "whose", "Whose", id="orders.whose"),
        Binding("p", "programs", "Programs", id="orders.programs"),
        # The same keys where they do nothing on the selected line: a word on why.
        *(Binding(key, f"why_not('{action}')", show=False) for key, action in BY_LINE.items()),
    ]

    SHOWS = ORDERS_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self, board: bool | None = None) -> None:
        super().__init__()
        self._board_wanted = board
        """The board (True), my orders (False), or by role (None: the managers' board)."""
        self._mine: MyOrders | None = None
        self._all: OrdersBoard | None = None
        self._lines: dict[str, Line] = {}
        self._shown_for: int | None = None
        """Whose orders are shown: the app's choice (My hat's "whose" sets it too) may move on."""

    @property
    def showing_board(self) -> bool:
        if self._board_wanted is None:
            return self._manages()
        return self._board_wanted and self._manages()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="orders-title", markup=False)
            yield ScreenTabs("orders")
        yield Static(id="orders-summary", markup=False)
        yield Static(id="orders-compliance", markup=False)
        yield OptionList(id="orders", compact=True, markup=False)
        yield Static(id="orders-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._take_measure()
        self.set_interval(REFRESH_SECONDS, self.reload)
        self.query_one("#orders", OptionList).focus()
        self.reload()
        if not self.showing_board and self.om.person_id is None:
            self.call_after_refresh(self.action_whose)

    # -- reading and drawing --------------------------------------------------------

    @on(DataChanged)
    def reload(self) -> None:
        """Read the orders again (a few ms) and redraw, the cursor kept on its line."""
        orders = self.orders
        if self.showing_board:
            self._all = orders.board()
        else:
            person_id = self.om.person_id
            if person_id is None and not self._manages():
                person_id = self.om.user_id  # their own: only a manager looks at another's
            self._mine = None
            if person_id is not None:
                try:
                    self._mine = orders.mine(person_id)
                except OrderError as refusal:  # taken off the staff list elsewhere
                    self.om.person_id = None
                    self.notify(str(refusal), severity="warning")
        self._shown_for = self.om.person_id
        self._show()

    def on_screen_resume(self) -> None:
        if not self.showing_board and self._shown_for != self.om.person_id:
            self.reload()  # another person chosen on My hat

    def _show(self) -> None:
        listing = self.query_one("#orders", OptionList)
        chosen = self._selected_id()
        before = listing.highlighted
        options = self._options()
        _align_notes(options)
        ids = [option.id for option in options]
        if ids == [option.id for option in listing.options]:
            for option in options:  # the same lines: redrawn in place, no jump
                assert option.id is not None
                listing.replace_option_prompt(option.id, option.prompt)
        else:
            ruled: list[Option | None] = []
            for index, option in enumerate(options):
                if index and option.id in HEADINGS:
                    ruled.append(None)
                ruled.append(option)
            listing.set_options(ruled)
            if chosen in ids:
                listing.highlighted = ids.index(chosen)
            else:
                listing.highlighted = self._near(options, before or 0)
        self._show_top()
        self._show_detail()
        self.refresh_bindings()

    def _options(self) -> list[Option]:
        self._lines = {}
        if self.showing_board:
            return self._board_options()
        mine = self._mine
        if mine is None:
            return [
                Option(Text("Press w to say whose orders these are."), id="nobody", disabled=True)
            ]
        active = [o for o in mine.orders if not o.closed]
        closed = [o for o in mine.orders if o.closed]
        options: list[Option] = []
        options += self._section("overdue", "Overdue", [o for o in active if o.overdue])
        options += self._section("open", "To do", [o for o in active if not o.overdue])
        options += self._section("closed", "Closed lately", closed)
        if mine.steps:
            options.append(self._heading("steps", "Program steps", len(mine.steps)))
            for step in mine.steps:
                key = f"step-{step.id}"
                self._lines[key] = step
                options.append(Option(self._step_line(step), id=key))
        if not options:
            options.append(
                Option(Text(f"No orders for {mine.name} just now."), id="nothing", disabled=True)
            )
        return options

    def _board_options(self) -> list[Option]:
        board = self._all
        if board is None:
            return []
        options: list[Option] = []
        options += self._section("overdue", "Overdue", [o for o in board.orders if o.overdue])
        options += self._section(
            "open", "Not done yet, by due", [o for o in board.orders if not o.overdue]
        )
        options += self._section("closed", "Closed in the last 7 days", board.recent)
        if not options:
            options.append(
                Option(Text("No orders yet: n gives the first one."), id="nothing", disabled=True)
            )
        return options

    def _section(self, section: str, title: str, lines: list[OrderLine]) -> list[Option]:
        if not lines:
            return []
        options = [self._heading(section, title, len(lines))]
        for line in lines:
            key = f"order-{line.id}"
            self._lines[key] = line
            options.append(Option(self._order_line(line), id=key))
        return options

    def _heading(self, section: str, title: str, count: int) -> Option:
        style = self._styles["overdue"] if section == "overdue" else Style(bold=True)
        return Option(
            Text.assemble((title, style), (f" · {count}", self._styles["muted"])),
            id=section,
            disabled=True,
        )

    def _box(self, status: OrderStatus) -> Text:
        styles = self._styles
        if status == OrderStatus.REPORTED:
            return Text.assemble("[", ("✓", styles["waiting"]), "]")
        if status == OrderStatus.DONE:
            return Text.assemble("[", ("✓", styles["done"]), "]")
        if status == OrderStatus.CANCELLED:
            return Text("[×]", style=styles["muted"])
        return Text("[ ]")

    def _order_line(self, line: OrderLine) -> Table:
        styles = self._styles
        today = self.orders.today()
        flag = Text("!", style=styles["overdue"]) if line.overdue else Text(" ")
        due = Text(due_text(line.due_on, line.due_time, today, self._compact))
        if line.overdue:
            due.stylize(styles["overdue"])
        text = Text(line.text)
        if line.closed:
            text.stylize(styles["muted"])
        if self.showing_board:  # one who left: said in the note, always in view
            whom = Text(f"→ {line.to.name}")
        else:
            whom = Text(f"from {line.issued_by}", style=styles["muted"])
            if line.to.post_id is not None:
                whom = Text(f"{line.to.name} · from {line.issued_by}", style=styles["muted"])
        note = self._note(line)
        return _grid(flag, self._box(line.status), due, text, whom, note, self._compact)

    def _note(self, line: OrderLine) -> Text:
        """The right of a line: chased, reported (on time or late), done, cancelled."""
        styles = self._styles
        when = self.orders.when
        if line.status == OrderStatus.REPORTED and line.reported_at is not None:
            note = Text("reported", style=styles["waiting"])
            if not self._compact:  # narrow: the times are in the line below
                note.append(f" {when(line.reported_at)}")
            if line.on_time is False:
                note.append(" late", style=styles["late"])
            return note
        if line.status == OrderStatus.DONE:
            note = Text("done", style=styles["done"])
            if line.on_time is False:
                note.append(" late", style=styles["late"])
            return note
        if line.status == OrderStatus.CANCELLED:
            return Text("cancelled", style=styles["muted"])
        note = Text()
        if line.to.stranded:  # nobody can answer it until it is given to someone else
            note.append("left " if line.to.left else "no holder ", style=styles["late"])
        if line.sent_back:
            note.append("sent back " if not self._compact else "back ", style=styles["late"])
        if line.chased and line.chased_at is not None:
            note.append(f"chased {line.chased}×", style=styles["overdue"] if line.overdue else "")
            if not self._compact:
                note.append(f" {when(line.chased_at)}", style=styles["muted"])
        elif line.overdue:
            note.append("overdue", style=styles["overdue"])
        return note

    def _step_line(self, step: StepLine) -> Table:
        styles = self._styles
        flag = Text("!", style=styles["overdue"]) if step.overdue else Text(" ")
        box = Text.assemble("[", ("✓", styles["done"]), "]") if step.done else Text("[ ]")
        today = self.orders.today()
        due = Text(due_text(step.due_on, None, today, self._compact) if step.due_on else "")
        if step.overdue:
            due.stylize(styles["overdue"])
        text = Text(step.text, style=styles["muted"] if step.done else "")
        whom = Text(f"{step.program} · step {step.number}", style=styles["muted"])
        note = Text()
        if step.late:
            note.append("done late", style=styles["late"])
        elif step.done:
            note.append("done", style=styles["done"])
        elif step.overdue:
            note.append("overdue", style=styles["overdue"])
        return _grid(flag, box, due, text, whom, note, self._compact)

    def on_resize(self) -> None:
        if self._all is not None or self._mine is not None:
            self._show_top()  # the compliance line breaks where the width says

    def _show_top(self) -> None:
        styles = self._styles
        title = Text("Orders", style="bold")
        summary = Text()
        compliance = self.query_one("#orders-compliance", Static)
        if self.showing_board:
            title.append(" · the board")
            board = self._all
            if board is not None:
                not_done = len(board.orders)
                summary.append(
                    f"{board.overdue} overdue",
                    style=styles["overdue"] if board.overdue else "bold",
                )
                if board.stranded:
                    summary.append(" · ")
                    summary.append(f"{board.stranded} nobody can answer: r", styles["late"])
                summary.append(f" · {not_done} not done")
                if board.reported:
                    summary.append(" · ")
                    summary.append(f"{board.reported} reported done: a accepts", styles["waiting"])
                summary.append(f" · {len(board.recent)} closed in 7 days")
                compliance.update(self._compliance_line(board))
            compliance.display = True
        else:
            compliance.display = False
            mine = self._mine
            if mine is None:
                summary.append("Whose orders is this terminal showing? Press w to choose.")
            else:
                title.append(f" · {mine.name}")
                # The same counts as the sections below: overdue, then the rest to do.
                active = [o for o in mine.orders if not o.closed]
                overdue = sum(o.overdue for o in active)
                summary.append(f"{overdue} overdue", style=styles["overdue"] if overdue else "bold")
                summary.append(f" · {len(active) - overdue} to do")
                steps = sum(not s.done for s in mine.steps)
                if steps:
                    summary.append(f" · {steps} open program step{'s' if steps != 1 else ''}")
                summary.append(f" · on time, {WINDOW_DAYS} days: ")
                summary.append(self._share(mine.compliance))
        self.query_one("#orders-title", Static).update(title)
        self.query_one("#orders-summary", Static).update(summary)

    def _share(self, tally: Tally) -> Text:
        found = level(tally)
        if found is None:
            return Text("nothing due", style=self._styles["muted"])
        colour = self.app.theme_variables.get(found, "")
        return Text(f"{tally.on_time} of {tally.due} ({share_text(tally)})", style=colour)

    def _compliance_line(self, board: OrdersBoard) -> Text:
        """ "On time, 30 days: Jenny Ortiz 2/4 50%!! · … · practice 5/10 50%!!", broken
        between people where it is too long for a line, never inside a person's figure."""
        window = board.compliance
        theme = self.app.theme_variables

        def entry(label: str, tally: Tally, style: str = "") -> Text:
            found = level(tally)
            return Text.assemble(
                (label, style), " ", (tally_text(tally), theme.get(found, "") if found else "")
            )

        entries = [entry(name, window.of(person_id)) for person_id, name in window.people]
        entries.append(entry("practice", window.practice, "bold"))
        room = max(self.app.size.width - 2, 20)  # the line's padding
        line = Text.assemble(("On time", "bold"), f", {WINDOW_DAYS} days: ")
        width = line.cell_len
        for number, said in enumerate(entries):
            if number:
                if width + 3 + said.cell_len > room:
                    line.append(" ·\n")
                    width = 0
                else:
                    line.append(" · ")
                    width += 3
            line.append_text(said)
            width += said.cell_len
        return line

    @on(OptionList.OptionHighlighted, "#orders")
    def _show_detail(self) -> None:
        detail = self.query_one("#orders-detail", Static)
        line = self._selected()
        if isinstance(line, OrderLine):
            detail.update(self._describe(line))
        elif isinstance(line, StepLine):
            detail.update(self._describe_step(line))
        else:
            detail.update("")
        self.refresh_bindings()

    def _describe(self, line: OrderLine) -> Text:
        when = self.orders.when
        muted = self._styles["muted"]
        text = Text()
        text.append(f"From {line.issued_by} to {line.to.label}", style="bold")
        text.append(f" · given {when(line.created)}", style=muted)
        text.append(f" · due {due_text(line.due_on, line.due_time, self.orders.today())}")
        if line.chased and line.chased_at is not None:
            times = "once" if line.chased == 1 else f"{line.chased} times"
            text.append(f" · chased {times}, last {when(line.chased_at)}")
        if line.reported_at is not None:
            late = " (late)" if line.on_time is False else ""
            text.append(f"\nReported done by {line.reported_by} {when(line.reported_at)}{late}")
            if line.reply:
                text.append(f": “{line.reply}”")
        elif line.reply:
            text.append(f"\nEarlier report: “{line.reply}”", style=muted)
        if line.answered_at is not None and line.answered_by is not None:
            if line.status == OrderStatus.DONE:
                said = "Accepted"
            elif line.status == OrderStatus.CANCELLED:
                said = "Cancelled"
            else:
                said = "Sent back"
            text.append(f"\n{said} by {line.answered_by} {when(line.answered_at)}")
            if line.remark:
                text.append(f": “{line.remark}”")
        for handover in line.handovers:
            was = handover.was or "a hat since removed"
            said = f"\nReassigned by {handover.by} {when(handover.at)} from {was}"
            if handover.chased:
                said += f" (chased {handover.chased}×)"
            if handover.missed:
                due = due_text(handover.due_on, handover.due_time, self.orders.today())
                said += f": missed by then (due {due})"
            text.append(said, style=muted)
        if line.status == OrderStatus.OPEN and line.to.stranded:
            text.append(f"\n{self._stranded(line)}", style=self._styles["late"])
        text.append(f"\n{self._what_keys(line)}", style=muted)
        return text

    def _stranded(self, line: OrderLine) -> str:
        if line.to.left:
            return f"{line.to.name} has left the practice: r gives the order to someone else."
        return f"Nobody holds the {line.to.name} post now: r gives the order to someone else."

    def _what_keys(self, line: OrderLine) -> str:
        if line.status == OrderStatus.OPEN:
            keys = ["Enter/d: report done"]
            if self._manages():
                keys += ["c: chase", "r: reassign", "x: cancel"]
            return " · ".join(keys)
        if line.status == OrderStatus.REPORTED:
            return (
                "a: accept · s: send back · x: cancel"
                if self._manages()
                else "waiting for acceptance"
            )
        return ""

    def _describe_step(self, step: StepLine) -> Text:
        text = Text()
        text.append(f"{step.program}, step {step.number}", style="bold")
        if step.to is not None:
            text.append(f" · for {step.to.label}")
        if step.due_on is not None:
            text.append(f" · due {due_text(step.due_on, None, self.orders.today())}")
        if step.done and step.done_at is not None:
            late = " (late)" if step.late else ""
            text.append(f"\nDone by {step.done_by} {self.orders.when(step.done_at)}{late}")
            if step.note:
                text.append(f": “{step.note}”")
        else:
            text.append("\nEnter/d: mark it done", style=self._styles["muted"])
        return text

    # -- the selected line -----------------------------------------------------------

    def _selected_id(self) -> str | None:
        option = self.query_one("#orders", OptionList).highlighted_option
        return option.id if option is not None else None

    def _selected(self) -> Line | None:
        key = self._selected_id()
        return self._lines.get(key) if key is not None else None

    @staticmethod
    def _near(options: list[Option], index: int) -> int | None:
        """The first selectable line at or after `index`, else the nearest above it."""
        index = min(index, len(options) - 1)
        candidates: list[int] = [*range(index, len(options)), *range(index - 1, -1, -1)]
        for candidate in candidates:
            if not options[candidate].disabled:
                return candidate
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key only where it does something: the managers' keys for them alone; a key
        that does nothing on the selected line is hidden (pressed, it says why)."""
        if action == "why_not":
            return str(parameters[0]) not in MANAGERS_KEYS or self._manages()
        if action in MANAGERS_KEYS and not self._manages():
            return False
        if action == "whose":
            return not self.showing_board
        if action == "show_board":  # "Mine" on the board, "Board" on my orders
            return bool(parameters[0]) != self.showing_board
        if action in BY_LINE.values() and self.is_mounted:
            return self._why(action, self._selected()) is None
        return True

    def _why_here(self, action: str) -> str | None:
        return self._why(action, self._selected())

    def _why(self, action: str, line: Line | None) -> str | None:
        """Why `action` does nothing on `line`, fit to show; None where it does something."""
        if isinstance(line, StepLine):
            if action == "report":
                return "That step is done already." if line.done else None
            return "That is a program step: d marks it done; p shows its program."
        if line is None:
            return "Choose an order first (↑↓)."
        status = line.status
        if status == OrderStatus.OPEN:
            if action in ("accept", "send_back"):
                doing = "accept" if action == "accept" else "send back"
                return f"Nothing to {doing} yet: nobody has reported this order done."
            return None
        if status == OrderStatus.REPORTED:
            if action in ("accept", "send_back", "cancel_order"):
                return None
            if self._manages():
                return "Reported done already: a accepts it, s sends it back."
            return "Reported done already: waiting for acceptance."
        return "That order is done." if status == OrderStatus.DONE else "That order was cancelled."

    def _order_for(self, action: str) -> OrderLine | None:
        """The selected order, if `action` does something on it; else None, and why."""
        line = self._selected()
        said = self._why(action, line)
        if said is not None or not isinstance(line, OrderLine):
            self.notify(said or "Choose an order first (↑↓).", timeout=4)
            return None
        return line

    @on(OptionList.OptionSelected, "#orders")
    def _chosen(self) -> None:
        line = self._selected()
        if isinstance(line, OrderLine) and line.status == OrderStatus.REPORTED and self._manages():
            self.action_accept()
        else:
            self.action_report()

    # -- writing -----------------------------------------------------------------------

    def _write(self, change: Any, said: str | None = None) -> None:
        """Write through the app (a thread); then read again and say `said`."""

        def done(_: object) -> None:
            self.reload()
            if said:
                self.notify(said, timeout=4)

        self.om.write(change, done)

    # -- actions ---------------------------------------------------------------------

    def action_report(self) -> None:
        """Report the selected order done, with a note (a step: mark it done)."""
        line = self._selected()
        orders = self.orders
        if isinstance(line, StepLine) and not line.done:
            step_id = line.id

            def step_noted(note: str | None) -> None:
                if note is not None:
                    self._write(lambda: orders.step_done(step_id, note), "Step marked done.")

            self.app.push_screen(
                NotePrompt(f"Done: {line.text}", "A note (optional): what came of it"),
                step_noted,
            )
            return
        found = self._order_for("report")
        if found is None:
            return
        order_id = found.id

        def noted(note: str | None) -> None:
            if note is not None:
                self._write(lambda: orders.report_done(order_id, note), "Reported done.")

        self.app.push_screen(
            NotePrompt(f"Done: {found.text}", "What was done (optional, for the one who gave it)"),
            noted,
        )

    def action_accept(self) -> None:
        line = self._order_for("accept")
        if line is None:
            return
        orders, order_id = self.orders, line.id

        def noted(note: str | None) -> None:
            if note is not None:
                self._write(lambda: orders.accept(order_id, note), "Accepted: the order is done.")

        said = f"“{line.reply}”" if line.reply else "(no note)"
        self.app.push_screen(
            NotePrompt(
                f"Accept: {line.text}",
                f"{line.reported_by} reported it done: {said}\nA note back (optional)",
                hint="Enter accept · Esc cancel",
            ),
            noted,
        )

    def action_send_back(self) -> None:
        line = self._order_for("send_back")
        if line is None:
            return
        orders, order_id = self.orders, line.id

        def noted(note: str | None) -> None:
            if note is not None:
                self._write(lambda: orders.send_back(order_id, note), "Sent back: open again.")

        self.app.push_screen(
            NotePrompt(
                f"Send back: {line.text}",
                "Why does it go back? What is still to be done",
                required="Say why it goes back: what is still to be done.",
                hint="Enter send back · Esc cancel",
            ),
            noted,
        )

    def action_chase(self) -> None:
        line = self._order_for("chase")
        if line is None:
            return
        orders, order_id = self.orders, line.id
        times = line.chased + 1
        self._write(lambda: orders.chase(order_id), f"Chased ({times}×): {line.to.short}.")

    def action_reassign(self) -> None:
        """Give the selected open order to someone else: its person has left, say."""
        line = self._order_for("reassign")
        if line is None:
            return
        orders, order_id = self.orders, line.id
        seen = {
            "to_staff": line.to.staff_id,
            "to_post": line.to.post_id,
            "due_on": line.due_on,
            "due_time": line.due_time,
        }
        now = (
            ("staff", line.to.staff_id)
            if line.to.staff_id is not None
            else ("post", line.to.post_id)
        )
        choices = [choice for choice in whom_choices(orders) if choice.value != now]

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            to_staff, to_post = whom_ids(choice.value)
            if not line.overdue:
                self._write(
                    lambda: orders.reassign(
                        order_id, to_staff=to_staff, to_post=to_post, seen=seen
                    ),
                    f"The order is for {choice.label} now.",
                )
                return

            def dated(typed: str | None) -> None:
                if typed is None:
                    return
                self._write(  # a due that does not read is refused there, nothing written
                    lambda: orders.reassign(
                        order_id,
                        to_staff=to_staff,
                        to_post=to_post,
                        due=parse_due(typed, orders.today()),
                        seen=seen,
                    ),
                    f"The order is for {choice.label} now.",
                )

            was = due_text(line.due_on, line.due_time, orders.today())
            example = due_example(orders.today(), orders.open_days())
            self.app.push_screen(
                NotePrompt(
                    f"For {choice.label}: it was due {was}",
                    f"A new due, so that it is not late before it is theirs ({example})",
                    required="Say when it is due now.",
                    hint="Enter give it on · Esc keep it as it is",
                    reads=lambda typed: due_reading(typed, orders.today(), orders.open_days()),
                ),
                dated,
            )

        self.app.push_screen(
            PickerScreen(f"Give it to whom? Now: {line.to.short}", choices), chosen
        )

    def action_cancel_order(self) -> None:
        line = self._order_for("cancel_order")
        if line is None:
            return
        orders, order_id = self.orders, line.id

        def noted(note: str | None) -> None:
            if note is not None:
                self._write(lambda: orders.cancel(order_id, note), "Cancelled.")

        self.app.push_screen(
            NotePrompt(
                f"Cancel: {line.text}",
                "Why (optional): it will no longer count for anyone",
                hint="Enter cancel the order · Esc keep it",
            ),
            noted,
        )

    def action_new(self) -> None:
        """Give an order: for whom, what, due when."""
        if not self._manages():
            return
        orders = self.orders

        def saved(fields: OrderFields | None) -> None:
            if fields is None:
                return
            self._write(
                lambda: orders.issue(
                    fields.text,
                    fields.due_on,
                    fields.due_time,
                    to_staff=fields.to_staff,
                    to_post=fields.to_post,
                ),
                f"Order given to {fields.whom_label}.",
            )

        self.app.push_screen(OrderForm("New order", orders), saved)

    def action_show_board(self, board: bool) -> None:
        if board != self.showing_board:
            self.action_toggle_board()

    def action_toggle_board(self) -> None:
        if not self._manages():
            return
        self._board_wanted = not self.showing_board
        if not self.showing_board and self.om.person_id is None:
            self.om.person_id = self.om.user_id
        self.reload()
        self.query_one("#orders", OptionList).highlighted = self._near(
            list(self.query_one("#orders", OptionList).options), 0
        )
        if not self.showing_board and self.om.person_id is None:
            self.action_whose()

    def action_whose(self) -> None:
        """A manager looks at another person's orders."""
        if not self._manages():
            return
        choices = [Choice(person_id, name) for person_id, name in self.orders.people()]

        def chosen(choice: Choice | None) -> None:
            if choice is not None:
                self.om.person_id = choice.value
                self.reload()

        self.app.push_screen(
            PickerScreen("Whose orders?", choices, current=self.om.person_id), chosen
        )

    def action_programs(self) -> None:
        from om_tui.screens.owner.programs import ProgramsScreen

        self.app.push_screen(ProgramsScreen())

    def palette_commands(self) -> list[SystemCommand]:
        commands = [
            SystemCommand("Report done", "Report the selected order done (d)", self.action_report),
            SystemCommand(
                "Programs", "The owner's programs and their steps (p)", self.action_programs
            ),
        ]
        if self._manages():
            commands += [
                SystemCommand(
                    "New order", "Give an order to a person or a post (n)", self.action_new
                ),
                SystemCommand(
                    "Orders board", "Every order, or my own (b)", self.action_toggle_board
                ),
                SystemCommand(
                    "Reassign order",
                    "Give the selected open order to someone else (r)",
                    self.action_reassign,
                ),
            ]
        return commands
