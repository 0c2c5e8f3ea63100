"""The book's settings, for the office manager and the owner: one list, a section each —
appointment types, confirmation states, reasons for cancelling, working hours (the
practice's open hours and each provider's), blockouts from today on, and the book's
rules (slot size, no-show after).

Opened by `,` in the book (9) or the menu (ctrl+p, "Book settings"). On a line: `a` adds
one to its section, `e` or Enter changes it, `d` retires it (a blockout: removes it),
`r` brings a retired one back, ctrl+↑↓ move it in its list (the book offers them in this
order; the first state is a new booking's). Each change is one practice operation that
names what this screen showed: refused, and said, when another terminal changed it first.

One idea, kept whole: the one screen where the book's lists, hours and rules are set,
its sections sharing one cursor, one form and one way of refusing a stale change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from db.models import AppointmentType, CancelReason, ConfirmationStatus
from om_tui.messages import DataChanged
from om_tui.practice import settings
from om_tui.practice.schedule import book_settings, hours, types
from om_tui.practice.schedule.book_settings import BOOK_SETTINGS_TABLES, BookSettings, WeekOfHours
from om_tui.practice.schedule.types import ReasonLine, StatusLine, TypeLine
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.schedule import settings_forms as forms
from om_tui.screens.schedule.settings_form import SettingForm, Values
from om_tui.screens.schedule.settings_forms import Where
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

SECTIONS = (
    ("type", "Appointment types", "a adds a type"),
    ("state", "Confirmation states", "s in the book steps through them"),
    ("reason", "Reasons for cancelling", "c in the book offers them"),
    ("hours", "Working hours", "e sets a week"),
    ("blockout", "Blockouts from today", "a adds one: a holiday, a provider's afternoon"),
    ("rule", "The book", "e changes it"),
)
LISTS: dict[str, types.Listed] = {
    "type": AppointmentType,
    "state": ConfirmationStatus,
    "reason": CancelReason,
}


class BookSettingsScreen(FreshScreen):
    """Every setting of the book in one list, by section."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="book_settings.back"),
        Binding("a", "add", "Add", id="book_settings.add"),
        Binding("e", "edit", "Change", id="book_settings.edit"),
        Binding("d", "retire", "Retire", id="book_settings.retire"),
        Binding("r", "bring_back", "Bring back", id="book_settings.bring_back"),
        Binding("ctrl+up,shift+up", "move(-1)", "Move", key_display="^↑↓", id="book_settings.up"),
        Binding(
            "ctrl+down,shift+down", "move(1)", "Move down", id="book_settings.down", show=False
        ),
    ]

    SHOWS = BOOK_SETTINGS_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: BookSettings | None = None

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="book-settings-title", markup=False)
        yield OptionList(id="book-settings-list", compact=True, markup=False)
        yield Static(id="book-settings-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        title = Text.assemble(("Book settings", "bold"))
        title.append(" · the appointment book's lists, hours and rules", style="dim")
        self.query_one("#book-settings-title", Static).update(title)
        self.reload()
        self.query_one("#book-settings-list", OptionList).focus()

    @on(DataChanged)
    def reload(self) -> None:
        self._show(self._cursor())

    # -- drawing -------------------------------------------------------------------------

    def _show(self, keep: str | None) -> None:
        om = self.om
        shown = book_settings.read(om.database, om.clock, settings.load(om.database))
        self._shown = shown
        listing = self.query_one("#book-settings-list", OptionList)
        options: list[Option | None] = []
        for section, heading, _ in SECTIONS:
            if options:
                options.append(None)
            options.append(Option(Text(heading, style="bold"), id=f"head:{section}", disabled=True))
            options += self._lines(section, shown)
        listing.set_options(options)
        index = None
        if keep is not None:
            try:
                index = listing.get_option_index(keep)
            except OptionDoesNotExist:
                index = None
        listing.highlighted = index if index is not None else 1
        self._show_detail()

    def _lines(self, section: str, shown: BookSettings) -> list[Option | None]:
        if section == "type":
            return [
                Option(self._type_text(t), id=f"type:{t.id}")
                for t in sorted(shown.kinds, key=lambda t: not t.active)
            ]
        if section == "state":
            return [
                Option(self._line(f" {s.mark}  {s.name}", s.active), id=f"state:{s.id}")
                for s in sorted(shown.statuses, key=lambda s: not s.active)
            ]
        if section == "reason":
            return [
                Option(self._line(f"    {r.text}", r.active), id=f"reason:{r.id}")
                for r in sorted(shown.reasons, key=lambda r: not r.active)
            ]
        if section == "hours":
            return [
                Option(
                    Text.assemble(
                        f"    {week.name[:22]:22} ", (week.said, "" if week.own else "dim")
                    ),
                    id=f"hours:{week.staff_id if week.staff_id is not None else 'practice'}",
                )
                for week in shown.hours
            ]
        if section == "blockout":
            if not shown.blockouts:
                return [Option(Text("    None: a adds one", style="dim"), id="blockout:none")]
            return [Option(self._blockout_text(b), id=f"blockout:{b.id}") for b in shown.blockouts]
        never = (
            "never" if shown.no_show_after == 0 else f"{shown.no_show_after} min after its start"
        )
        return [
            Option(f"    Slot size             {shown.slot} min", id="rule:slot"),
            Option(f"    No-show after         {never}", id="rule:no_show"),
        ]

    @staticmethod
    def _line(text: str, active: bool) -> Text:
        return Text(text) if active else Text(f"{text}  (retired)", style="dim")

    def _type_text(self, kind: types.TypeLine) -> Text:
        if not kind.active:
            return self._line(f" {kind.letter}  {kind.name[:26]:26} {kind.minutes:>4} min", False)
        line = Text.assemble(" ", (kind.letter, f"bold {kind.colour}".strip()), "  ")
        line.append(f"{kind.name[:26]:26} {kind.minutes:>4} min")
        if kind.new_patient:
            line.append("  new patient", style="dim")
        if kind.colour:
            line.append(f"  {kind.colour}", style=kind.colour)
        return line

    def _blockout_text(self, blockout: hours.BlockoutLine) -> Text:
        assert self._shown is not None
        when = book_settings.blockout_when(self.om.practice, blockout)
        whose = (
            "Whole practice"
            if blockout.staff_id is None
            else self._shown.providers.get(blockout.staff_id, "?")
        )
        return Text.assemble(f"    {when:28} ", (whose[:18], "bold"), f"  {blockout.reason}")

    def _cursor(self) -> str | None:
        option = self.query_one("#book-settings-list", OptionList).highlighted_option
        return None if option is None else option.id

    def _here(self) -> tuple[str, str]:
        """The highlighted line's section and what it names (an id, 'practice', 'slot'…)."""
        section, _, ident = (self._cursor() or "").partition(":")
        return section, ident

    @on(OptionList.OptionHighlighted, "#book-settings-list")
    def _show_detail(self) -> None:
        self.refresh_bindings()
        section, ident = self._here()
        said = next((hint for name, _, hint in SECTIONS if name == section), "")
        item = self._item()
        if section in LISTS and item is not None:
            said = (
                "e changes · d retires (it stays on past appointments) · ctrl+↑↓ moves"
                if item.active
                else "Retired: r brings it back, at the end"
            )
            said = f"a adds · {said}"
        elif section == "hours" and self._shown is not None:
            week = self._week()
            if week is not None:
                keys = "e sets the open hours" if week.staff_id is None else "e sets their week"
                said = f"{week.said} · {keys}"
        elif section == "blockout" and ident != "none":
            said = "a adds another · d removes this one"
        self.query_one("#book-settings-detail", Static).update(said)

    def _item(self) -> Any:
        """The type, state or reason under the cursor (None: another kind of line)."""
        section, ident = self._here()
        if self._shown is None or section not in LISTS or not ident.isdigit():
            return None
        shown = self._shown
        by_section: dict[str, list[Any]] = {
            "type": list(shown.kinds),
            "state": list(shown.statuses),
            "reason": list(shown.reasons),
        }
        lines = by_section[section]
        return next((line for line in lines if line.id == int(ident)), None)

    def _week(self) -> WeekOfHours | None:
        section, ident = self._here()
        if self._shown is None or section != "hours":
            return None
        whose = None if ident == "practice" else int(ident)
        return next((w for w in self._shown.hours if w.staff_id == whose), None)

    @on(OptionList.OptionSelected, "#book-settings-list")
    def _opened(self) -> None:
        self.action_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or action not in ("add", "edit", "retire", "bring_back", "move"):
            return True
        if not self.om.may("schedule_setup"):
            return False
        section, ident = self._here()
        item = self._item()
        if action == "add":
            return section in (*LISTS, "blockout")
        if action == "edit":
            return item is not None or section in ("hours", "rule")
        if action == "retire":
            return (item is not None and item.active) or (section == "blockout" and ident != "none")
        if action == "bring_back":
            return item is not None and not item.active
        return item is not None and item.active  # move

    # -- changing ------------------------------------------------------------------------

    def _save(self, change: Callable[[], object], said: str, keep: str | None = None) -> None:
        def done(_: object) -> None:
            self._show(keep or self._cursor())
            self.notify(said)

        self.om.write(change, done)

    def _ask(
        self,
        form: SettingForm,
        change: Callable[[Values], object],
        said: Callable[[Values], str],
    ) -> None:
        def answered(values: Values | None) -> None:
            if values is not None:
                self._save(lambda: change(values), said(values))

        self.app.push_screen(form, answered)

    def action_add(self) -> None:
        if not self.check_action("add", ()):
            return
        section, _ = self._here()
        if section == "type":
            self._type_form(None)
        elif section == "state":
            self._state_form(None)
        elif section == "reason":
            self._reason_form(None)
        elif section == "blockout":
            self._blockout_form()

    def action_edit(self) -> None:
        if not self.check_action("edit", ()):
            return
        section, ident = self._here()
        item = self._item()
        if section == "type":
            self._type_form(item)
        elif section == "state":
            self._state_form(item)
        elif section == "reason":
            self._reason_form(item)
        elif section == "hours":
            week = self._week()
            if week is not None:
                self._hours_form(week)
        elif section == "rule":
            self._slot_form() if ident == "slot" else self._no_show_form()

    def _forms_here(self) -> Where:
        om = self.om
        return Where(om.database, om.clock, om.acting_id, om.practice)

    def _type_form(self, kind: TypeLine | None) -> None:
        self._ask(*forms.type_form(self._forms_here(), kind))

    def _state_form(self, state: StatusLine | None) -> None:
        self._ask(*forms.state_form(self._forms_here(), state))

    def _reason_form(self, reason: ReasonLine | None) -> None:
        self._ask(*forms.reason_form(self._forms_here(), reason))

    def _hours_form(self, week: WeekOfHours) -> None:
        self._ask(*forms.hours_form(self._forms_here(), week))

    def _blockout_form(self) -> None:
        self._ask(*forms.blockout_form(self._forms_here()))

    def _slot_form(self) -> None:
        assert self._shown is not None
        self._ask(*forms.slot_form(self._forms_here(), self._shown.slot))

    def _no_show_form(self) -> None:
        assert self._shown is not None
        self._ask(*forms.no_show_form(self._forms_here(), self._shown.no_show_after))

    def action_retire(self) -> None:
        if not self.check_action("retire", ()):
            return
        database, actor = self.om.database, self.om.acting_id
        section, ident = self._here()
        if section == "blockout":
            line = self.query_one("#book-settings-list", OptionList).highlighted_option
            said = str(line.prompt).strip() if line is not None else "this blockout"

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._save(
                        lambda: hours.remove_blockout(database, actor, int(ident)),
                        "Blockout removed.",
                    )

            self.app.push_screen(Confirm(f"Remove the blockout {said}?", "Remove"), confirmed)
            return
        self._set_active(False)

    def action_bring_back(self) -> None:
        if self.check_action("bring_back", ()):
            self._set_active(True)

    def _set_active(self, active: bool) -> None:
        database, actor = self.om.database, self.om.acting_id
        section, _ = self._here()
        item = self._item()
        if item is None:
            return
        name = getattr(item, "name", None) or getattr(item, "text", "")
        edits: dict[str, Callable[..., object]] = {
            "type": types.edit_type,
            "state": types.edit_status,
            "reason": types.edit_reason,
        }
        edit = edits[section]
        said = f"{name} retired: r brings it back." if not active else f"{name} is back, last."
        self._save(lambda: edit(database, actor, item.id, active=active, seen=item.seen), said)

    def action_move(self, step: int) -> None:
        if not self.check_action("move", ()):
            return
        database, actor = self.om.database, self.om.acting_id
        section, _ = self._here()
        item = self._item()
        model = LISTS[section]
        self.om.write(
            lambda: types.move(database, actor, model, item.id, step),
            lambda _: self._show(self._cursor()),
        )

    def palette_commands(self) -> list[SystemCommand]:
        if not self.om.may("schedule_setup"):
            return []
        return [
            SystemCommand(
                "Add an appointment type", "Name, length, letter, colour", self._add_type
            ),
            SystemCommand(
                "Add a blockout", "A holiday, a provider's afternoon", self._add_blockout
            ),
        ]

    def _add_type(self) -> None:
        self._type_form(None)

    def _add_blockout(self) -> None:
        self._blockout_form()
