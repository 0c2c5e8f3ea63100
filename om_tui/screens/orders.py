"""Orders: "My orders" for every person, and the orders board for the manager and owner.

My orders lists the person's own orders and their posts', overdue first (marked "!"),
then by due; then those closed lately; then their program steps. Enter or `d` reports
the selected order done, with a note (on a step: marks it done).

The board (`b` toggles it; the managers start there) lists every order not yet done,
overdue first, then by due, with each person's compliance over the last 30 days: orders
done on time ÷ orders due. `n` gives an order, `a` accepts a report of done, `s` sends it
back with a note, `c` chases (the count and the last time show), `x` cancels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from db.models import OrderStatus
from om_tui.messages import DataChanged
from om_tui.practice.hats import Tally
from om_tui.practice.orders import (
    WINDOW_DAYS,
    MyOrders,
    OrderError,
    OrderLine,
    Orders,
    OrdersBoard,
    StepLine,
    due_text,
    may_manage,
)
from om_tui.resources import stylesheet
from om_tui.screens.compliance import level, share_text
from om_tui.screens.order_forms import NotePrompt, OrderFields, OrderForm
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.widgets.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

COMPACT_BELOW = 100  # terminal columns: shorter dates and notes below this
REFRESH_SECONDS = 30  # open orders turn overdue as time passes, with no write to say so
HEADINGS = frozenset({"overdue", "open", "closed", "steps"})

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


def tally_text(tally: Tally) -> str:
    """ "2/4 50%!!"; "—" when nothing was due."""
    if not tally.due:
        return "—"
    return f"{tally.on_time}/{tally.due} {share_text(tally)}"


class OrdersScreen(Screen[None]):
    """A person's orders, or (for the managers) every order not done and who complies."""

    CSS_PATH = stylesheet("orders.tcss")
    BINDINGS = [
        Binding("d", "report", "Done", id="orders.report"),
        Binding("n", "new", "New order", id="orders.new"),
        Binding("a", "accept", "Accept", id="orders.accept"),
        Binding("s", "send_back", "Send back", id="orders.send_back"),
        Binding("c", "chase", "Chase", id="orders.chase"),
        Binding("x", "cancel_order", "Cancel order", id="orders.cancel"),
        Binding("b", "toggle_board", "Board/mine", id="orders.board"),
        Binding("w", "whose", "Whose", id="orders.whose"),
        Binding("p", "programs", "Programs", id="orders.programs"),
    ]

    def __init__(self, board: bool | None = None) -> None:
        super().__init__()
        self._board_wanted = board
        """The board (True), my orders (False), or by role (None: the managers' board)."""
        self._mine: MyOrders | None = None
        self._all: OrdersBoard | None = None
        self._lines: dict[str, Line] = {}
        self._styles: dict[str, Style] = {}
        self._compact = False

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def orders(self) -> Orders:
        """The practice's orders, acted on in the name of the person logged in here."""
        om = self.om
        return Orders(om.database, om.clock, om.practice, om.user_id)

    @property
    def showing_board(self) -> bool:
        if self._board_wanted is None:
            return self._manages()
        return self._board_wanted and self._manages()

    def _manages(self) -> bool:
        return may_manage(self.om.role)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="orders-title")
            yield ScreenTabs("orders")
        yield Static(id="orders-summary")
        yield Static(id="orders-compliance")
        yield OptionList(id="orders", compact=True)
        yield Static(id="orders-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        colours = self.app.theme_variables
        self._styles = {
            "overdue": Style(color=colours.get("error"), bold=True),
            "late": Style(color=colours.get("warning"), bold=True),
            "waiting": Style(color=colours.get("warning"), bold=True),
            "done": Style(color=colours.get("success"), bold=True),
            "accent": Style(color=colours.get("accent"), bold=True),
            "muted": Style(dim=True),
        }
        self._compact = self.app.size.width < COMPACT_BELOW
        self.set_interval(REFRESH_SECONDS, self.reload)
        self.query_one("#orders", OptionList).focus()
        self.reload()
        if not self.showing_board and self.om.person_id is None:
            self.call_after_refresh(self.action_whose)

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        compact = self.app.size.width < COMPACT_BELOW
        if compact != self._compact:
            self._compact = compact
            self.reload()

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
        self._show()

    def _show(self) -> None:
        listing = self.query_one("#orders", OptionList)
        chosen = self._selected_id()
        before = listing.highlighted
        options = self._options()
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
        if self.showing_board:
            whom = Text(f"→ {line.to.short}")
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
        """ "On time, 30 days: Jenny Ortiz 2/4 50%!! · … · practice 5/10 50%!!"."""
        window = board.compliance
        line = Text.assemble(("On time", "bold"), f", {WINDOW_DAYS} days: ")
        theme = self.app.theme_variables
        for person_id, name in window.people:
            tally = window.of(person_id)
            found = level(tally)
            line.append(f"{name} ")
            line.append(tally_text(tally), style=theme.get(found, "") if found else "")
            line.append(" · ")
        found = level(window.practice)
        line.append("practice ", style="bold")
        line.append(tally_text(window.practice), style=theme.get(found, "") if found else "")
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
        text.append(f"\n{self._what_keys(line)}", style=muted)
        return text

    def _what_keys(self, line: OrderLine) -> str:
        if line.status == OrderStatus.OPEN:
            keys = ["Enter/d: report done"]
            if self._manages():
                keys += ["c: chase", "x: cancel"]
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
        """The managers' keys only for them; a key that does nothing here is shown dimmed."""
        if action in (
            "new",
            "toggle_board",
            "whose",
            "accept",
            "send_back",
            "chase",
            "cancel_order",
        ):
            if not self._manages():
                return False
        if action == "whose" and self.showing_board:
            return False
        if not self.is_mounted:
            return True
        line = self._selected()
        status = line.status if isinstance(line, OrderLine) else None
        if action == "report":
            return True if (status == OrderStatus.OPEN or isinstance(line, StepLine)) else None
        if action in ("accept", "send_back"):
            return True if status == OrderStatus.REPORTED else None
        if action == "chase":
            return True if status == OrderStatus.OPEN else None
        if action == "cancel_order":
            return True if status in (OrderStatus.OPEN, OrderStatus.REPORTED) else None
        return True

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

    def _order(self) -> OrderLine | None:
        line = self._selected()
        return line if isinstance(line, OrderLine) else None

    # -- actions ---------------------------------------------------------------------

    def action_report(self) -> None:
        """Report the selected order done, with a note (a step: mark it done)."""
        line = self._selected()
        orders = self.orders
        if isinstance(line, StepLine):
            if line.done:
                self.notify("That step is done already.", timeout=3)
                return
            step_id = line.id

            def step_noted(note: str | None) -> None:
                if note is not None:
                    self._write(lambda: orders.step_done(step_id, note), "Step marked done.")

            self.app.push_screen(
                NotePrompt(f"Done: {line.text}", "A note (optional): what came of it"),
                step_noted,
            )
            return
        if line is None:
            self.app.bell()
            return
        if line.status != OrderStatus.OPEN:
            self.notify(self._not_open(line), timeout=4)
            return
        order_id = line.id

        def noted(note: str | None) -> None:
            if note is not None:
                self._write(lambda: orders.report_done(order_id, note), "Reported done.")

        self.app.push_screen(
            NotePrompt(f"Done: {line.text}", "What was done (optional, for the one who gave it)"),
            noted,
        )

    def _not_open(self, line: OrderLine) -> str:
        if line.status == OrderStatus.REPORTED:
            return "Reported done already: waiting for acceptance."
        if line.status == OrderStatus.DONE:
            return "That order is done."
        return "That order was cancelled."

    def action_accept(self) -> None:
        line = self._order()
        if line is None or line.status != OrderStatus.REPORTED:
            self.notify("Only an order reported done can be accepted.", timeout=3)
            return
        orders, order_id = self.orders, line.id

        def noted(note: str | None) -> None:
            if note is not None:
                self._write(lambda: orders.accept(order_id, note), "Accepted: the order is done.")

        self.app.push_screen(
            NotePrompt(
                f"Accept: {line.text}",
                f"{line.reported_by} says: “{line.reply or 'done'}”. A note back (optional)",
                hint="Enter accept · Esc cancel",
            ),
            noted,
        )

    def action_send_back(self) -> None:
        line = self._order()
        if line is None or line.status != OrderStatus.REPORTED:
            self.notify("Only an order reported done can be sent back.", timeout=3)
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
        line = self._order()
        if line is None or line.status != OrderStatus.OPEN:
            self.notify("Only an open order can be chased.", timeout=3)
            return
        orders, order_id = self.orders, line.id
        times = line.chased + 1
        self._write(lambda: orders.chase(order_id), f"Chased ({times}×): {line.to.short}.")

    def action_cancel_order(self) -> None:
        line = self._order()
        if line is None or line.closed:
            self.notify("Only an order not yet done can be cancelled.", timeout=3)
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
        from om_tui.screens.programs import ProgramsScreen

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
            ]
        return commands
