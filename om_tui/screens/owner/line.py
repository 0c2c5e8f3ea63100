"""The line: anything for the owner goes through it, not through the owner's door.

Everyone sees their own items — where each stands, the answers, the unread ones
marked — and files a new one with n. The office manager works the queue: t takes an
item up, h handles it herself with a note (the answer goes back to its sender), b
batches it for the owner, B sends the batch (after a yes that says how many go). The
owner sees only what was routed to them — urgent items at once, the rest when the batch
is sent — and answers: a approve, d decline, n a note, s "see me". Below the list: the
selected item in full, and its trail. The owner covers the queue too when the practice
has no office manager.

One screen (one per module), whose length is the three roles' keys; its forms are in
line_forms.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from db.models import LineAnswer, LineStatus, Role
from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.owner.line.alert import UrgentWatch, alert_text
from om_tui.practice.owner.line.items import ANSWER_TITLES, Item
from om_tui.practice.owner.line.service import LINE_TABLES, Line
from om_tui.practice.people.staff import role_title
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.owner.line_forms import ItemFields, NewItemForm, NoteForm
from om_tui.widgets.footer import Footer
from om_tui.widgets.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

T = TypeVar("T")

MODE = "line"
"""The screen's mode, when the app registers it (its tab is marked then)."""

#: The list's sections, in order: (key, heading).
SECTIONS = (
    ("owner", "For you"),
    ("queue", "Queue"),
    ("batch", "Batch for the owner"),
    ("with_owner", "With the owner"),
    ("answered", "Answered this week"),
    ("mine", "My items"),
)
KIND_SHORT = {"question": "Question", "request": "Request", "problem": "Problem"}
ANSWER_VERBS = {
    LineAnswer.APPROVE: "Approve",
    LineAnswer.DECLINE: "Decline",
    LineAnswer.NOTE: "Answer with a note",
    LineAnswer.SEE_ME: "See me",
}

View = dict[str, list[Item]]
"""What the list shows: section key → its items."""


def _grid(flag: Text, kind: Text, text: Text, note: Text) -> Table:
    """One item in columns: "!! Problem  The card reader is down …   Jenny Ortiz · 09:32"."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=2)
    grid.add_column(width=8)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True)
    grid.add_row(flag, kind, text, note)
    return grid


class LineScreen(FreshScreen):
    """My items for everyone; the queue for the office manager; what is routed, for the owner."""

    BINDINGS = [
        # Two keys on n: on an item waiting for the owner, the owner's note; else a new item.
        Binding("n", "answer('note')", "Note", id="line.note"),
        Binding("n", "new_item", "New item", id="line.new"),
        Binding("a", "answer('approve')", "Approve", id="line.approve"),
        Binding("d", "answer('decline')", "Decline", id="line.decline"),
        Binding("s", "answer('see_me')", "See me", id="line.see_me"),
        Binding("t", "take", "Take up", id="line.take"),
        Binding("h", "handle", "Handle", id="line.handle"),
        Binding("b", "batch", "Batch", id="line.batch"),
        Binding("B", "send_batch", "Send batch", id="line.send_batch"),
    ]

    SHOWS = LINE_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._view: View | None = None
        self._lines: dict[str, Item] = {}
        self._pending: set[int] = set()
        """Items whose step is being written: a second key waits for it."""
        self._read_here: set[int] = set()
        """Answers read on this visit: still marked new, so the person sees which were."""
        self._marking: set[int] = set()
        """Answers whose "read" is being written."""
        self._styles: dict[str, Style] = {}
        self._has_manager = True

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def line(self) -> Line:
        return Line(self.om.database, self.om.clock, self.om.practice)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="line-title", markup=False)
            yield ScreenTabs(MODE)
        yield Static(id="line-summary", markup=False)
        yield OptionList(id="line-list", compact=True, markup=False)
        with VerticalScroll(id="line-detail-box"):
            yield Static(id="line-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        colours = self.app.theme_variables
        self._styles = {
            "urgent": Style(color=colours.get("error"), bold=True),
            "high": Style(color=colours.get("warning"), bold=True),
            "new": Style(color=colours.get("success"), bold=True),
            "muted": Style(dim=True),
        }
        self.query_one("#line-list", OptionList).focus()
        self.reload()

    # -- who is here ------------------------------------------------------------------

    @property
    def _me(self) -> int | None:
        return self.om.user_id

    @property
    def _is_owner(self) -> bool:
        return self.om.may("line_answer")

    @property
    def _works_queue(self) -> bool:
        """The office manager; the owner too, in a practice without one."""
        return self.om.may("line_queue") and (self.om.role != Role.OWNER or not self._has_manager)

    # -- reading and drawing --------------------------------------------------------

    @on(DataChanged)
    def reload(self) -> None:
        """Re-read what this person sees of the line (a few ms); redraw if it changed."""
        line, me = self.line, self._me
        self._has_manager = line.has_manager()
        view: View = {}
        if self._is_owner:
            view["owner"] = line.for_owner()
        if self._works_queue:
            view["queue"] = line.queue()
            view["batch"] = line.in_batch()
            if not self._is_owner:
                view["with_owner"] = line.for_owner()
        if self._is_owner:
            view["answered"] = line.decided_recently()
        if me is not None:
            mine = line.mine(me)
            if mine or not self._is_owner:  # the owner files little: no empty section
                view["mine"] = mine
        if view == self._view:
            return
        self._view = view
        self._show()

    def _show(self) -> None:
        """Draw the list, keeping the cursor on the same line (or near where it was)."""
        listing = self.query_one("#line-list", OptionList)
        chosen = self._selected_id()
        before = listing.highlighted
        options = self._options()
        ids = [option.id for option in options]
        if ids == [option.id for option in listing.options]:
            for option in options:  # the same lines: redraw them in place, no jump
                assert option.id is not None
                listing.replace_option_prompt(option.id, option.prompt)
        else:
            listing.set_options(options)
            if chosen in ids:
                listing.highlighted = ids.index(chosen)
            elif chosen is None:
                listing.highlighted = self._first_line(options)
            else:
                listing.highlighted = self._enabled_near(options, before or 0)
        self._show_top()
        self._show_detail()
        self.refresh_bindings()  # n is the owner's note only on an item waiting for them

    def _options(self) -> list[Option]:
        view = self._view or {}
        self._lines = {}
        options: list[Option] = []
        for section, title in SECTIONS:
            if section not in view:
                continue
            items = view[section]
            if not items and section in ("with_owner", "answered"):
                continue
            if options:
                options.append(Option(Text(""), id=f"{section}-gap", disabled=True))
            options.append(Option(self._heading(section, title, items), id=section, disabled=True))
            if not items:
                options.append(Option(self._empty(section), id=f"{section}-none", disabled=True))
            for item in items:
                key = f"{section}-{item.id}"
                self._lines[key] = item
                options.append(Option(self._item_line(section, item), id=key))
        if not options:
            options.append(
                Option(Text("Log in as yourself to use the line."), id="nobody", disabled=True)
            )
        return options

    def _heading(self, section: str, title: str, items: list[Item]) -> Text:
        muted = self._styles["muted"]
        heading = Text(title, style="bold")
        if section == "owner":
            urgent = sum(i.urgent for i in items)
            said = f"{len(items)} waiting" + (f" · {urgent} urgent" if urgent else "")
            heading.append(f"  {said} · a approve · d decline · n note · s see me", style=muted)
        elif section == "queue":
            heading.append(
                "  t take up · h handle with a note · b batch for the owner", style=muted
            )
        elif section == "batch":
            heading.append("  B sends it to the owner · h handles one yourself", style=muted)
        elif section == "with_owner":
            heading.append("  waiting for the owner's answer", style=muted)
        elif section == "mine":
            new = sum(self._is_new(i) for i in items)
            said = f"{new} new answer{'s' if new != 1 else ''} · " if new else ""
            heading.append(f"  {said}n files a new item", style=muted)
        return heading

    def _is_new(self, item: Item) -> bool:
        """An answer the person had not read when they came to this screen."""
        return item.unseen or (item.decided and item.id in self._read_here)

    @staticmethod
    def _empty(section: str) -> Text:
        said = {
            "owner": "Nothing waits for your answer.",
            "queue": "The queue is empty.",
            "batch": "The batch is empty.",
            "mine": "Nothing filed yet: n files a question, request, problem or approval.",
        }.get(section, "Nothing here.")
        return Text(f"   {said}", style="dim")

    def _item_line(self, section: str, item: Item) -> Table:
        styles = self._styles
        if item.id in self._pending:
            flag = Text("…")
        elif item.urgent and not item.decided:
            flag = Text("!!", style=styles["urgent"])
        elif item.high and not item.decided:
            flag = Text("!", style=styles["high"])
        elif section == "mine" and self._is_new(item):
            flag = Text("●", style=styles["new"])
        else:
            flag = Text(" ")
        kind = Text(KIND_SHORT.get(item.kind, "Approval"))
        today = self.om.practice.today(self.om.clock.now())
        zone = self.om.practice.zone
        note = Text()
        if section == "mine":
            note.append(item.standing())
            if self._is_new(item):
                note.append(" · new", style=styles["new"])
        elif section == "answered" and item.answered_at is not None:
            note.append(f"{item.answer_title} · {item.sender} · ")
            note.append(time_words.lately(item.answered_at, today, zone), style=styles["muted"])
        else:
            sent = section in ("owner", "with_owner") and item.routed_at is not None
            note.append(f"{item.sender} · ")
            # With the owner: since when (the detail line says when it was filed).
            at = item.routed_at if sent and item.routed_at else item.created
            said = time_words.lately(at, today, zone)
            note.append(f"sent {said}" if at is item.routed_at else said, style=styles["muted"])
            if section == "queue" and item.status == LineStatus.WITH_MANAGER:
                note.append(" · taken", style=styles["muted"])
        text = Text(item.text)
        if item.decided and section != "mine":
            text.stylize(styles["muted"])
        return _grid(flag, kind, text, note)

    def _show_top(self) -> None:
        title = Text("Line", style="bold")
        me = self._me
        if me is not None:
            person = self.line.person(me)
            if person is not None:
                title.append(f" · {person.name} ({role_title(person.role).lower()})")
        self.query_one("#line-title", Static).update(title)
        view = self._view or {}
        parts: list[Text] = []
        if "owner" in view:
            waiting = view["owner"]
            urgent = sum(i.urgent for i in waiting)
            part = Text(f"{len(waiting)} for you")
            if urgent:
                part.append(f" ({urgent} urgent)", style=self._styles["urgent"])
            parts.append(part)
        if "queue" in view:
            parts.append(Text(f"{len(view['queue'])} in the queue"))
            parts.append(Text(f"{len(view['batch'])} in the batch"))
        if "with_owner" in view:
            parts.append(Text(f"{len(view['with_owner'])} with the owner"))
        if "mine" in view:
            new = sum(self._is_new(i) for i in view["mine"])
            if new:
                parts.append(
                    Text(
                        f"{new} new answer{'s' if new != 1 else ''} for you",
                        style=self._styles["new"],
                    )
                )
        self.query_one("#line-summary", Static).update(Text(" · ").join(parts))

    @on(OptionList.OptionHighlighted, "#line-list")
    def _highlighted(self) -> None:
        self._show_detail()
        self.refresh_bindings()
        chosen = self._selected()
        if chosen is None:
            return
        section, item = chosen
        if section == "mine" and item.unseen:
            self._mark_seen(item)

    @on(OptionList.OptionSelected, "#line-list")
    def _chosen(self) -> None:
        """Enter on a new answer of one's own: read (moving onto it says so too)."""
        chosen = self._selected()
        if chosen is not None and chosen[0] == "mine" and chosen[1].unseen:
            self._mark_seen(chosen[1])

    def _show_detail(self) -> None:
        """The selected item in full: what it says, where it stands, its answer, its trail."""
        detail = self.query_one("#line-detail", Static)
        chosen = self._selected()
        if chosen is None:
            detail.update("")
            return
        section, item = chosen
        practice = self.om.practice
        today = practice.today(self.om.clock.now())
        muted = self._styles["muted"]
        out = Text()
        out.append(f"{item.kind_title} from {item.sender}", style="bold")
        out.append(f" · filed {time_words.lately(item.created, today, practice.zone)}", style=muted)
        if item.urgent:
            out.append(" · urgent", style=self._styles["urgent"])
        elif item.high:
            out.append(" · high priority", style=self._styles["high"])
        out.append(f" · {item.standing()}\n")
        out.append(f"{item.text}\n")
        if item.decided:
            out.append(f"{item.answered_by or 'Someone'} answered: ", style="bold")
            said = [item.answer_title] if item.status == LineStatus.ANSWERED else []
            out.append(" — ".join([*said, *([item.answer_note] if item.answer_note else [])]))
            if section == "mine" and item.unseen:
                out.append("  (new: Enter marks it read)", style=self._styles["new"])
            out.append("\n")
        out.append("Trail\n", style=muted)
        for step in self.line.trail(item.id):
            at = time_words.lately(step.at, today, practice.zone)
            out.append(f"  {at:>9}  {step.who} {step.title}")
            if step.note:
                out.append(f" — {step.note}", style=muted)
            out.append("\n")
        detail.update(out)

    # -- the selected line -----------------------------------------------------------

    def _selected_id(self) -> str | None:
        option = self.query_one("#line-list", OptionList).highlighted_option
        return option.id if option is not None else None

    def _selected(self) -> tuple[str, Item] | None:
        key = self._selected_id()
        item = self._lines.get(key) if key is not None else None
        if key is None or item is None:
            return None
        return key.rsplit("-", 1)[0], item

    def _first_line(self, options: list[Option]) -> int | None:
        """Where the cursor starts: the first new answer of the person's own, else the top."""
        for index, option in enumerate(options):
            key = option.id or ""
            item = self._lines.get(key)
            if item is not None and key.startswith("mine-") and self._is_new(item):
                return index
        return self._enabled_near(options, 0)

    @staticmethod
    def _enabled_near(options: list[Option], index: int) -> int | None:
        """The line now where the cursor was (its line went), or the nearest above it."""
        index = min(index, len(options) - 1)
        candidates = list(range(index, len(options))) + list(range(index - 1, -1, -1))
        return next((n for n in candidates if not options[n].disabled), None)

    # -- writing ---------------------------------------------------------------------

    def _write(
        self, item: Item | None, change: Callable[[], T], said: str | Callable[[T], str]
    ) -> None:
        """Run a step of the line off the event loop; say what was done when it is."""
        if item is not None:
            self._pending.add(item.id)
            self._show()

        def written(result: T) -> None:
            self._settled(item)
            self.notify(said if isinstance(said, str) else said(result), timeout=4)

        self.om.write(change, written, lambda: self._settled(item))

    def _settled(self, item: Item | None) -> None:
        if item is not None:
            self._pending.discard(item.id)
        self._view = None  # read again even if another terminal left it as it was
        self.reload()

    def _mark_seen(self, item: Item) -> None:
        line, me, item_id = self.line, self._me, item.id
        if item_id in self._marking:
            return
        self._marking.add(item_id)
        self._read_here.add(item_id)

        def done(_: bool) -> None:
            self._marking.discard(item_id)

        self.om.write(lambda: line.mark_seen(item_id, me), done, lambda: done(False))

    def _busy(self, item: Item) -> bool:
        if item.id in self._pending:
            self.app.bell()  # the last key's step is still on its way
            return True
        return False

    # -- actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            if not self._is_owner:
                return False
            if parameters == (LineAnswer.NOTE.value,):
                # n is the owner's note only on an item waiting for them; else a new item.
                chosen = self._selected()
                return chosen is not None and chosen[1].with_owner
            return True
        if action in ("take", "handle", "batch", "send_batch"):
            return self._works_queue
        return True

    def action_new_item(self) -> None:
        """File a new item for the owner's line."""
        me = self._me
        if me is None:
            self.notify("Log in as yourself to file an item: the answer comes back to you.")
            return
        line = self.line

        def filed(fields: ItemFields | None) -> None:
            if fields is None:
                return
            said = (
                "Filed as urgent: it is on the owner's screen now."
                if fields.urgent
                else "Filed: it is in the office manager's queue."
            )
            self._write(
                None,
                lambda: line.file(me, fields.kind, fields.text, fields.priority, fields.urgent),
                said,
            )

        self.app.push_screen(NewItemForm(), filed)

    def action_answer(self, answer: str) -> None:
        """The owner answers the selected item: approve, decline, a note, or see me."""
        chosen = self._selected()
        if chosen is None or not chosen[1].with_owner:
            self.notify("Choose an item waiting for your answer (under For you).", timeout=3)
            return
        item = chosen[1]
        if self._busy(item):
            return
        line, me = self.line, self._me
        required = "An answer by note needs the note." if answer == LineAnswer.NOTE else None
        label = f"Your note to {item.sender}" + ("" if required else " (optional)")
        heading = (
            f"{ANSWER_VERBS[LineAnswer(answer)]}: {item.kind_title.lower()} from {item.sender}"
        )

        def answered(note: str | None) -> None:
            if note is None:
                return
            said = f"{ANSWER_TITLES[answer]}: {item.sender} has your answer."
            self._write(item, lambda: line.answer(item.id, me, answer, note), said)

        self.app.push_screen(NoteForm(heading, item.text, label, required), answered)

    def _queue_item(self, in_batch_too: bool = False) -> Item | None:
        chosen = self._selected()
        if chosen is not None and (chosen[1].in_queue or (in_batch_too and chosen[1].in_batch)):
            return None if self._busy(chosen[1]) else chosen[1]
        where = "in the queue or the batch" if in_batch_too else "in the queue"
        self.notify(f"Choose an item {where} first.", timeout=3)
        return None

    def action_take(self) -> None:
        """Take the selected item up: its sender sees it is with the office manager."""
        item = self._queue_item()
        if item is None:
            return
        line, me = self.line, self._me
        self._write(item, lambda: line.take(item.id, me), f"Taken up: {item.sender} sees it.")

    def action_handle(self) -> None:
        """Handle the selected item yourself, with a note: it is the sender's answer."""
        item = self._queue_item(in_batch_too=True)
        if item is None:
            return
        line, me = self.line, self._me

        def noted(note: str | None) -> None:
            if note:
                said = f"Handled: {item.sender} has your answer."
                self._write(item, lambda: line.handle(item.id, me, note), said)

        self.app.push_screen(
            NoteForm(
                f"Handle it yourself: {item.kind_title.lower()} from {item.sender}",
                item.text,
                f"Your answer to {item.sender}",
                "Handling an item takes a note: it is the sender's answer.",
            ),
            noted,
        )

    def action_batch(self) -> None:
        """Put the selected item in the batch for the owner, with a word for them."""
        item = self._queue_item()
        if item is None:
            return
        line, me = self.line, self._me

        def noted(note: str | None) -> None:
            if note is not None:
                said = "Batched: it goes to the owner with the batch (B sends it)."
                self._write(item, lambda: line.batch(item.id, me, note), said)

        self.app.push_screen(
            NoteForm(
                f"Batch for the owner: {item.kind_title.lower()} from {item.sender}",
                item.text,
                "A word for the owner (optional)",
            ),
            noted,
        )

    def action_send_batch(self) -> None:
        """Send the batch, after a yes: its items reach the owner's screen."""
        line, me = self.line, self._me
        batch = line.in_batch()  # as it stands now, not as last drawn
        if not batch:
            self.notify("The batch is empty: nothing to send.", timeout=4)
            return
        count, seen = len(batch), [item.id for item in batch]
        items = f"{count} item{'s' if count != 1 else ''}"
        high_ones = sum(item.high for item in batch)
        high = f" ({high_ones} high priority)" if high_ones else ""

        def said(sent: int) -> str:
            return f"Sent to the owner: {sent} item{'s' if sent != 1 else ''}."

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._write(None, lambda: line.send_batch(me, seen), said)

        self.app.push_screen(
            Confirm(f"Send the batch to the owner now? {items}{high} go to their screen.", "Send"),
            confirmed,
        )

    def palette_commands(self) -> list[SystemCommand]:
        commands = [
            SystemCommand("New item", "File an item for the owner (n)", self.action_new_item)
        ]
        if self._works_queue:
            commands.append(
                SystemCommand(
                    "Send the batch", "The batch goes to the owner (B)", self.action_send_batch
                )
            )
        return commands


class UrgentAlerts:
    """Tells the owner of a new urgent item at once, wherever they are in the app.

    The app calls `check` on each change of the database (`announce_change`): the watch
    moves on for everyone, and only an owner's terminal shows the news.
    """

    def __init__(self, app: OmTuiApp) -> None:
        self._app = app
        self._watch = UrgentWatch(app.database)

    def check(self) -> int:
        """Notify the owner logged in here of each new urgent item. How many were shown."""
        news = self._watch.check()
        if not self._app.may("line_answer"):
            return 0
        for item in news:
            self._app.notify(
                alert_text(item), title="Urgent, on the line", severity="warning", timeout=30
            )
        return len(news)
