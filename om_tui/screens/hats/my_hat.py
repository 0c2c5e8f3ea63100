"""My hat: one staff member's checklists for today, this week and this month; the
policies waiting for their attestation; their training checksheets.

Space ticks the selected item, saved at once; on an item ticked today it takes the
tick back. Overdue items come first, marked "!". It is the hat of the person logged
in; an office manager or owner may look at (and tick for) another's (`w`).

One screen (one per module), whose length is its keys; the rules are in
om_tui.practice.hats.my_hat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from db.models import Frequency
from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.hats.views import (
    HATS_TABLES,
    ChecksheetProgress,
    HatError,
    MyHat,
    Occurrence,
    PolicyDue,
    State,
)
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.widgets.footer import Footer
from om_tui.widgets.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

Line = Occurrence | PolicyDue | ChecksheetProgress
"""What a selectable line of the list stands for."""

REFRESH_SECONDS = 30  # open items turn overdue as time passes, with no write to say so
SECTIONS = (
    ("today", Frequency.DAILY),
    ("week", Frequency.WEEKLY),
    ("month", Frequency.MONTHLY),
)
HEADINGS = frozenset({"overdue", "today", "week", "month", "policies", "training"})


def initials(name: str) -> str:
    """ "Karen Miles" → "KM"; a title such as "Dr." is left out."""
    words = [w for w in name.split() if not w.endswith(".")] or name.split()
    return "".join(w[0] for w in words[:3]).upper()


def line_id(occurrence: Occurrence) -> str:
    """An item's line, the same across re-reads (a new version of the item keeps its key)."""
    return f"item-{occurrence.key}-{occurrence.due_on.isoformat()}"


def _grid(flag: Text, box: Text, text: Text, note: Text, due: Text | None = None) -> Table:
    """One line of the list in columns: "! [ ] 15:00  text …  note"; long text wraps in place."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=1)
    grid.add_column(width=3)
    grid.add_column(width=5)
    grid.add_column(ratio=1)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_row(flag, box, due or Text(), text, note)
    return grid


class MyHatScreen(FreshScreen):
    """Today's checklist first, overdue on top; then the week, the month, policies, training."""

    BINDINGS = [
        Binding("space", "tick", "Tick", id="my_hat.tick"),
        Binding("a", "attest", "Read & attest", id="my_hat.attest"),
        Binding("w", "whose", "Whose hat", id="my_hat.whose"),
    ]

    SHOWS = HATS_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._hat: MyHat | None = None
        self._lines: dict[str, Line] = {}
        self._pending: set[str] = set()
        """Lines whose tick or untick is being written: a second key waits for it."""
        self._kept: dict[str, Occurrence] = {}
        """Last period's items ticked late here today. The practice's list leaves them out;
        the person expects to see their tick, and may take it back today."""
        self._styles: dict[str, Style] = {}
        self._shown_for: int | None = None
        """Whose hat is shown: the app's choice (Orders' "whose" sets it too) may move on."""

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="my-hat-title", markup=False)
            yield ScreenTabs("my_hat")
        yield Static(id="my-hat-summary", markup=False)
        yield OptionList(id="checklist", compact=True, markup=False)
        yield Static(id="my-hat-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        colours = self.app.theme_variables
        self._styles = {
            "overdue": Style(color=colours.get("error"), bold=True),
            "late": Style(color=colours.get("warning"), bold=True),
            "done": Style(color=colours.get("success"), bold=True),
            "attest": Style(color=colours.get("warning"), bold=True),
            "muted": Style(dim=True),
        }
        self.set_interval(REFRESH_SECONDS, self.reload)
        self.query_one("#checklist", OptionList).focus()
        self.reload()
        if self.om.person_id is None:
            self.call_after_refresh(self.action_whose)

    # -- reading and drawing --------------------------------------------------------

    @on(DataChanged)
    def reload(self) -> None:
        """Re-read the person's hat (a few ms); redraw only if something changed."""
        person_id = self.om.person_id
        hat: MyHat | None = None
        if person_id is not None:
            try:
                hat = self.om.hats.my_hat(person_id)
            except HatError as refusal:  # taken off the staff list on another terminal
                self.om.person_id = None
                self.notify(str(refusal), severity="warning")
        if hat is not None and hat == self._hat:
            return
        if hat is not None:
            listed = {line_id(o) for o in (*hat.today, *hat.week, *hat.month)}
            today = self.om.hats.today()
            self._kept = {
                key: kept
                for key, kept in self._kept.items()
                if key not in listed
                and (
                    key in self._pending  # its write is on its way: hold the line
                    or (
                        kept.ticked_at is not None
                        and self.om.practice.local(kept.ticked_at).date() == today
                    )
                )
            }
        self._hat = hat
        self._shown_for = self.om.person_id
        self._show()

    def on_screen_resume(self) -> None:
        if self._shown_for != self.om.person_id:  # another person chosen on Orders
            self.reload()

    def _show(self) -> None:
        """Draw the list, keeping the cursor on the same line (or near where it was)."""
        checklist = self.query_one("#checklist", OptionList)
        chosen = self._selected_id()
        before = checklist.highlighted
        options = self._options()
        ids = [option.id for option in options]
        if ids == [option.id for option in checklist.options]:
            for option in options:  # the same lines: redraw them in place, no jump
                assert option.id is not None
                checklist.replace_option_prompt(option.id, option.prompt)
        else:
            scrolled = checklist.scroll_y
            ruled: list[Option | None] = []
            for index, option in enumerate(options):
                if index and option.id in HEADINGS:
                    ruled.append(None)  # a rule between sections
                ruled.append(option)
            checklist.set_options(ruled)
            checklist.scroll_to(y=scrolled, animate=False, immediate=True)
            if chosen in ids:
                checklist.highlighted = ids.index(chosen)
            elif before is not None and chosen is not None:
                checklist.highlighted = self._enabled_near(options, before)
            else:
                checklist.highlighted = self._first_to_do(options)
        self._show_top()
        self._show_detail()

    def _options(self) -> list[Option]:
        hat = self._hat
        self._lines = {}
        if hat is None:
            return [Option(Text("Press w to say whose hat this is."), id="nobody", disabled=True)]
        if not hat.posts:
            return [
                Option(
                    Text(
                        f"{hat.name} holds no hat yet: the office manager gives hats "
                        "on the Hats screen (4)."
                    ),
                    id="no-hats",
                    disabled=True,
                )
            ]
        options: list[Option] = []
        lists = {"today": hat.today, "week": hat.week, "month": hat.month}
        everything = [*hat.today, *hat.week, *hat.month]
        listed = {line_id(o) for o in everything}
        order: dict[str, int] = {str(f): n for n, (_, f) in enumerate(SECTIONS)}
        place = {post_id: n for n, (post_id, _) in enumerate(hat.posts)}
        now = self.om.clock.now()

        def behind(o: Occurrence) -> bool:
            """Overdue, or of the last period (ticked late today): the top section."""
            return o.state == State.OVERDUE or o.due_on != periods.current(o.frequency, now)

        periods = self.om.hats.periods
        late = [
            *(o for key, o in self._kept.items() if key not in listed),
            *(o for o in everything if behind(o)),
        ]
        late.sort(
            key=lambda o: (
                order[o.frequency],
                o.due_on,
                place.get(o.post_id, 0),
                o.due_time or "99",
                o.key,
            )
        )
        sections = [("overdue", late)] + [
            (section, [o for o in lists[section] if not behind(o)]) for section, _ in SECTIONS
        ]
        for section, occurrences in sections:
            if not occurrences:
                continue
            options.append(Option(self._heading(section, occurrences), id=section, disabled=True))
            post_id = None
            for occurrence in occurrences:
                if len(hat.posts) > 1 and occurrence.post_id != post_id:
                    post_id = occurrence.post_id  # several hats: say whose items follow
                    options.append(
                        Option(
                            Text(f"  {occurrence.post}", style="italic"),
                            id=f"{section}-post-{len(options)}",
                            disabled=True,
                        )
                    )
                key = line_id(occurrence)
                self._lines[key] = occurrence
                options.append(Option(self._item_line(key, occurrence), id=key))
        if hat.policies:
            options.append(
                Option(Text("To read and attest", style="bold"), id="policies", disabled=True)
            )
            for policy in hat.policies:
                key = f"policy-{policy.policy_id}"
                self._lines[key] = policy
                options.append(Option(self._policy_line(policy), id=key))
        if hat.checksheets:
            options.append(Option(Text("Training", style="bold"), id="training", disabled=True))
            finished = [c.post for c in hat.checksheets if c.done >= c.total]
            for sheet in hat.checksheets:
                if sheet.done < sheet.total:
                    key = f"training-{sheet.post_id}"
                    self._lines[key] = sheet
                    # Selectable, though nothing is ticked here: the cursor reaches the end.
                    options.append(Option(self._training_line(sheet), id=key))
            if finished:
                sheets = "checksheet" if len(finished) == 1 else "checksheets"
                done = Text(f"✓ {', '.join(finished)} {sheets}: every step signed off")
                options.append(
                    Option(
                        _grid(Text(" "), Text(), done, Text()),
                        id="training-done",
                    )
                )
        if not options:
            options.append(Option(Text("Nothing due on your hats."), id="nothing", disabled=True))
        return options

    def _heading(self, section: str, occurrences: list[Occurrence]) -> Text:
        """A section's title, its period, and how much of the period's list is done."""
        hat, hats = self._hat, self.om.hats
        assert hat is not None
        muted = self._styles["muted"]
        if section == "overdue":
            left = sum(not o.done for o in occurrences)
            said = f"{left} past due · a tick now counts as late" if left else "ticked late today"
            return Text.assemble(("Overdue", self._styles["overdue"]), (f"  {said}", muted))
        frequency = dict(SECTIONS)[section]
        current = hats.periods.current(frequency, self.om.clock.now())
        whole = {"today": hat.today, "week": hat.week, "month": hat.month}[section]
        due_now = [o for o in whole if o.due_on == current]
        done = sum(o.done for o in due_now)
        if section == "today":
            title = "Today" if current == hats.today() else "Next open day"
            when = time_words.day_text(current)
        elif section == "week":
            title = "This week"
            end = hats.periods.weeks.cutoff(current)
            when = f"ends {time_words.moment_text(end, self.om.practice.zone)}"
        else:
            title = "This month"
            when = f"ends {time_words.day_text(current)}"
        return Text.assemble((title, "bold"), (f"  {when} · {done} of {len(due_now)} done", muted))

    def _item_line(self, key: str, occurrence: Occurrence) -> Table:
        """ "! [ ] 15:00  Verify insurance …   overdue" as a grid: long text wraps in its column."""
        styles = self._styles
        state = occurrence.state
        flag = Text("!", style=styles["overdue"]) if state == State.OVERDUE else Text(" ")
        if key in self._pending:
            box = Text("[…]")
        elif occurrence.done:
            box = Text.assemble("[", ("✓", styles["done"]), "]")
        else:
            box = Text("[ ]")
        due = Text(occurrence.due_time or "")
        if state == State.OVERDUE:
            due.stylize(styles["overdue"])
        note = self._note(occurrence)
        text = Text(occurrence.text)
        if occurrence.done:
            text.stylize(styles["muted"])
        return _grid(flag, box, text, note, due)

    def _note(self, occurrence: Occurrence) -> Text:
        """What the right of a line says: overdue since when, or who ticked it when."""
        styles = self._styles
        practice = self.om.practice
        today = self.om.hats.today()
        hat = self._hat
        if occurrence.state == State.OVERDUE:
            note = Text.assemble(("overdue", styles["overdue"]))
            if occurrence.frequency == Frequency.WEEKLY:
                note.append(f" · week to {time_words.day_text(occurrence.due_on, weekday=False)}")
            elif occurrence.frequency == Frequency.MONTHLY:
                note.append(f" · {time_words.month_text(occurrence.due_on)}")
            elif occurrence.due_on != today:
                note.append(f" · {time_words.day_text(occurrence.due_on)}")
            return note
        if occurrence.done and occurrence.ticked_at is not None:
            when = time_words.lately(occurrence.ticked_at, today, practice.zone)
            by = occurrence.ticked_by
            note = Text()
            if by is not None and hat is not None and by != hat.name:
                note.append(f"✓ {initials(by)} {when}")
            else:
                note.append(when, style=styles["muted"])
            if occurrence.state == State.LATE:
                note.append(" late", style=styles["late"])
            return note
        return Text("shared", style=styles["muted"]) if occurrence.shared else Text()

    def _policy_line(self, policy: PolicyDue) -> Table:
        before = (
            f"you attested v{policy.attested_number}"
            if policy.attested_number is not None
            else "new to you"
        )
        text = Text.assemble(
            (f"{policy.title} v{policy.number}", "bold"), (f" — {before}", self._styles["muted"])
        )
        note = Text("a: read and attest", style=self._styles["muted"])
        return _grid(Text("!", style=self._styles["attest"]), Text("[ ]"), text, note)

    def _training_line(self, sheet: ChecksheetProgress) -> Table:
        text = Text(f"{sheet.post} training: {sheet.done} of {sheet.total} steps signed off")
        return _grid(Text(" "), Text(), text, Text())

    def _show_top(self) -> None:
        hat = self._hat
        title = Text("My hat", style="bold")
        if hat is None:
            self.query_one("#my-hat-title", Static).update(title)
            self.query_one("#my-hat-summary", Static).update(
                "Whose hat is this terminal showing? Press w to choose."
            )
            return
        title.append(f" · {hat.name}")
        self.query_one("#my-hat-title", Static).update(title)
        summary = Text()
        if hat.posts:
            current = self.om.hats.periods.current(Frequency.DAILY, self.om.clock.now())
            today = [o for o in hat.today if o.due_on == current]
            overdue = hat.overdue
            summary.append(
                f"{overdue} overdue", style=self._styles["overdue"] if overdue else "bold"
            )
            when = (
                "today"
                if current == self.om.hats.today()
                else f"for {time_words.day_text(current)}"
            )
            summary.append(f" · {sum(o.done for o in today)} of {len(today)} done {when}")
            if hat.policies:
                summary.append(" · ")
                summary.append(f"{len(hat.policies)} to attest (a)", style=self._styles["attest"])
            summary.append(" · ")
        summary.append(", ".join(title for _, title in hat.posts) or "no hat yet")
        self.query_one("#my-hat-summary", Static).update(summary)

    @on(OptionList.OptionHighlighted, "#checklist")
    def _show_detail(self) -> None:
        """The selected line in full: its post, when it is due, who ticked it, what space does."""
        line = self._selected()
        detail = self.query_one("#my-hat-detail", Static)
        if isinstance(line, PolicyDue):
            detail.update(f"{line.title}, version {line.number}: a or Enter to read it and attest.")
        elif isinstance(line, Occurrence):
            detail.update(self._describe(line))
        elif isinstance(line, ChecksheetProgress):
            detail.update(f"{line.post} training: the office manager signs each step off.")
        else:
            detail.update("")

    def _describe(self, occurrence: Occurrence) -> str:
        practice = self.om.practice
        if occurrence.frequency == Frequency.DAILY:
            due = f"due {time_words.day_text(occurrence.due_on)}" + (
                f" by {occurrence.due_time}" if occurrence.due_time else ""
            )
        elif occurrence.frequency == Frequency.WEEKLY:
            due = f"weekly, by {time_words.moment_text(occurrence.deadline, practice.zone)}"
        else:
            due = f"monthly, by the end of {time_words.day_text(occurrence.due_on)}"
        parts = [occurrence.post, due]
        if occurrence.shared:
            parts.append("shared: one tick for all its holders")
        if occurrence.done and occurrence.ticked_at is not None:
            today = practice.local(occurrence.ticked_at).date() == self.om.hats.today()
            when = time_words.when(occurrence.ticked_at, self.om.hats.today(), practice.zone)
            late = " (late)" if occurrence.state == State.LATE else ""
            mine = self._hat is not None and occurrence.ticked_by_id == self._hat.person_id
            if mine:
                parts.append(f"you ticked it {when}{late}")
                parts.append("space: take back" if today else "ticked on an earlier day: it stays")
            else:
                parts.append(f"ticked by {occurrence.ticked_by or 'someone'} {when}{late}")
        elif occurrence.state == State.OVERDUE:
            parts.append("overdue · space: tick (late)")
        else:
            parts.append("space: tick")
        return " · ".join(parts)

    # -- the selected line -----------------------------------------------------------

    def _selected_id(self) -> str | None:
        option = self.query_one("#checklist", OptionList).highlighted_option
        return option.id if option is not None else None

    def _selected(self) -> Line | None:
        key = self._selected_id()
        return self._lines.get(key) if key is not None else None

    def _first_to_do(self, options: list[Option]) -> int | None:
        """The first overdue or open item; else the first line that can be selected."""
        for index, option in enumerate(options):
            line = self._lines.get(option.id or "")
            if isinstance(line, Occurrence) and not line.done:
                return index
        return next((i for i, o in enumerate(options) if not o.disabled), None)

    @staticmethod
    def _enabled_near(options: list[Option], index: int) -> int | None:
        """The line now where the cursor was (its line went), or the nearest above it."""
        index = min(index, len(options) - 1)
        candidates = list(range(index, len(options))) + list(range(index - 1, -1, -1))
        for candidate in candidates:
            if not options[candidate].disabled:
                return candidate
        return None

    @on(OptionList.OptionSelected, "#checklist")
    def _chosen(self) -> None:
        """Enter: tick an item (never takes a tick back: that is space); read a policy."""
        line = self._selected()
        if isinstance(line, Occurrence) and line.done:
            self.notify("Ticked already. Space takes a tick of today back.", timeout=3)
        elif isinstance(line, Occurrence):
            self.action_tick()
        elif isinstance(line, PolicyDue):
            self._read(line)

    # -- actions ---------------------------------------------------------------------

    def action_tick(self) -> None:
        """Tick the selected item; on an item ticked today, take the tick back."""
        key, line, hat = self._selected_id(), self._selected(), self._hat
        if isinstance(line, PolicyDue):
            self._read(line)
            return
        if isinstance(line, ChecksheetProgress) or key == "training-done":
            self.notify("Training steps are signed off by the office manager, not ticked.")
            return
        if not isinstance(line, Occurrence) or key is None or hat is None:
            self.app.bell()
            return
        if key in self._pending:
            self.app.bell()  # the last key's write is still on its way
            return
        if line.done and line.ticked_by_id not in (None, hat.person_id):
            self.notify(
                f"{line.ticked_by} ticked this; only they can take their tick back.",
                severity="warning",
            )
            return
        hats, person_id = self.om.hats, hat.person_id
        item_id, due_on = line.item_id, line.due_on
        last_period = due_on != hats.periods.current(line.frequency, self.om.clock.now())
        self._pending.add(key)
        if last_period:
            self._kept[key] = line
        self._show()

        def ticked(result: Occurrence) -> None:
            if last_period:
                self._kept[key] = result
            self._written(key)
            if person_id != self.om.user_id and self.om.user_id is not None:
                # A manager on another's hat (w): the tick is that person's, made by the manager.
                self.notify(f"Ticked for {hat.name}: it counts as {hat.name}'s, made by you.")
            by = result.ticked_by
            mine = result.ticked_by_id == hat.person_id
            if by is not None and not mine and result.ticked_at is not None:
                at = time_words.clock(result.ticked_at, self.om.practice.zone)
                self.notify(f"{by} had ticked it already ({at}): one tick, theirs.")

        def failed() -> None:
            self._written(key)

        if line.done:
            self.om.write(
                lambda: hats.untick(item_id, due_on, person_id),
                lambda _: self._untick_written(key),
                failed,
            )
        else:
            self.om.write(lambda: hats.tick(item_id, due_on, person_id), ticked, failed)

    def _untick_written(self, key: str) -> None:
        self._kept.pop(key, None)
        self._written(key)

    def _written(self, key: str) -> None:
        self._pending.discard(key)
        self._hat = None  # read again even if another terminal left it as it was
        self.reload()

    def action_attest(self) -> None:
        """Read the selected policy (or the first waiting) and attest to it."""
        hat = self._hat
        line = self._selected()
        if isinstance(line, PolicyDue):
            self._read(line)
        elif hat is not None and hat.policies:
            self._read(hat.policies[0])
        else:
            self.notify("No policy is waiting for your attestation.", timeout=3)

    def _read(self, policy: PolicyDue) -> None:
        from om_tui.screens.hats.policy_view import PolicyViewScreen

        hat = self._hat
        if hat is None:
            return
        hats, person_id, version_id = self.om.hats, hat.person_id, policy.version_id

        def attested(_: None) -> None:
            self.notify(f"Attested: {policy.title}, version {policy.number}.", timeout=4)
            self._hat = None
            self.reload()

        def read(attest: bool | None) -> None:
            if attest:
                self.om.write(lambda: hats.attest(version_id, person_id), attested)

        self.app.push_screen(PolicyViewScreen(policy), read)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "whose":
            return self.om.may("hats")  # others' hats are the managers' to look at
        return True

    def action_whose(self) -> None:
        """A manager looks at another person's hat."""
        if not self.om.may("hats"):
            self.notify("Only an office manager or the owner looks at others' hats.")
            return
        choices = [Choice(person_id, name) for person_id, name in self.om.hats.people()]

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            self.om.person_id = choice.value
            self._hat = None
            self._pending.clear()
            self._kept.clear()
            self.reload()
            checklist = self.query_one("#checklist", OptionList)
            checklist.highlighted = self._first_to_do(list(checklist.options))

        self.app.push_screen(PickerScreen("Whose hat?", choices, current=self.om.person_id), chosen)

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(
                "Tick / take back",
                "Tick the selected item, or take back today's tick (space)",
                self.action_tick,
            ),
            SystemCommand(
                "Read and attest",
                "Read a policy waiting for you, and attest (a)",
                self.action_attest,
            ),
            *(
                [SystemCommand("Whose hat", "Look at another person's hat (w)", self.action_whose)]
                if self.om.may("hats")
                else []
            ),
        ]
