"""The book's settings, for the office manager and the owner: one list, a section each —
appointment types, confirmation states, reasons for cancelling, working hours (the
practice's open hours and each provider's), blockouts from today on, and the book's
rules (slot size, no-show after).

Opened by `,` in the book (9) or the menu (ctrl+p, "Book settings"). On a line: `a` adds
one to its section, `e` or Enter changes it, `d` retires it (a blockout: removes it),
`r` brings a retired one back, ctrl+↑↓ move it in its list (the book offers them in this
order; the first state is a new booking's). Each change is one practice operation that
names what this screen showed: refused, and said, when another terminal changed it first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from db.models import AppointmentType, CancelReason, ConfirmationStatus
from om_tui.messages import DataChanged
from om_tui.practice import settings
from om_tui.practice.refusal import Refusal
from om_tui.practice.schedule import book_settings, hours, types
from om_tui.practice.schedule.access import ScheduleError
from om_tui.practice.schedule.book_settings import BookSettings, WeekOfHours
from om_tui.practice.schedule.hours import SLOT_SIZES, WEEKDAYS
from om_tui.screens.hat_forms import Confirm
from om_tui.screens.schedule.settings_form import Field, SettingForm, Values

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
YES_NO = (("yes", "yes"), ("no", "no"))
COLOUR_CHOICES = tuple((c, c or "–") for c in types.COLOURS)


def _whole(value: str, what: str) -> int:
    if not value.strip().isdigit():
        raise ScheduleError(f"{what}: a whole number of minutes.")
    return int(value)


class BookSettingsScreen(Screen[None]):
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

    def __init__(self) -> None:
        super().__init__()
        self._shown: BookSettings | None = None

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="book-settings-title")
        yield OptionList(id="book-settings-list", compact=True)
        yield Static(id="book-settings-detail")
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

    def _type_form(self, kind: types.TypeLine | None) -> None:
        database, actor = self.om.database, self.om.acting_id
        fields = [
            Field("name", "Name", kind.name if kind else "", "Consult"),
            Field("minutes", "Usual length", str(kind.minutes) if kind else "", "minutes"),
            Field("letter", "Letter", kind.letter if kind else "", "C"),
            Field("colour", "Colour", kind.colour if kind else "", choices=COLOUR_CHOICES),
            Field(
                "new", "New patient", "yes" if kind and kind.new_patient else "no", choices=YES_NO
            ),
        ]

        def check(values: Values) -> None:
            types.checked_name(values["name"], "An appointment type")
            types.check_minutes(_whole(values["minutes"], "Its usual length"))
            types.checked_mark(values["letter"], "A type's letter", "N or R")

        def change(values: Values) -> object:
            minutes, new = int(values["minutes"]), values["new"] == "yes"
            if kind is None:
                return types.add_type(
                    database, actor, values["name"], minutes, values["letter"], new,
                    values["colour"],
                )  # fmt: skip
            return types.edit_type(
                database, actor, kind.id, name=values["name"], minutes=minutes,
                letter=values["letter"], new_patient=new, colour=values["colour"],
                seen=kind.seen,
            )  # fmt: skip

        heading = f"Appointment type {kind.name}" if kind else "New appointment type"
        self._ask(SettingForm(heading, fields, check), change, lambda v: f"{v['name']}: saved.")

    def _state_form(self, state: types.StatusLine | None) -> None:
        database, actor = self.om.database, self.om.acting_id
        fields = [
            Field("name", "Name", state.name if state else "", "Texted"),
            Field("mark", "Mark", state.mark if state else "", "one character, like t"),
        ]

        def check(values: Values) -> None:
            types.checked_name(values["name"], "A confirmation state")
            types.checked_mark(values["mark"], "A state's mark", "? or ✓")

        def change(values: Values) -> object:
            if state is None:
                return types.add_status(database, actor, values["name"], values["mark"])
            return types.edit_status(
                database, actor, state.id, name=values["name"], mark=values["mark"],
                seen=state.seen,
            )  # fmt: skip

        heading = f"Confirmation state {state.name}" if state else "New confirmation state"
        self._ask(SettingForm(heading, fields, check), change, lambda v: f"{v['name']}: saved.")

    def _reason_form(self, reason: types.ReasonLine | None) -> None:
        database, actor = self.om.database, self.om.acting_id
        fields = [Field("text", "Reason", reason.text if reason else "", "Car trouble")]

        def check(values: Values) -> None:
            if not values["text"].strip():
                raise ScheduleError("A reason for cancelling needs some words.")

        def change(values: Values) -> object:
            if reason is None:
                return types.add_reason(database, actor, values["text"])
            return types.edit_reason(
                database, actor, reason.id, text=values["text"], seen=reason.seen
            )

        heading = "Reason for cancelling" if reason else "New reason for cancelling"
        self._ask(SettingForm(heading, fields, check), change, lambda v: f"{v['text']}: saved.")

    def _hours_form(self, week: WeekOfHours) -> None:
        database, actor = self.om.database, self.om.acting_id
        seen = {day: week.day_text(day) for day in range(7)}
        fields = [
            Field(name, name.capitalize(), seen[day], "9-12 13-17, or off")
            for day, name in enumerate(WEEKDAYS)
        ]
        empty = "the practice's hours" if week.staff_id is not None else "open all day"
        hint = f"Like 9-12 13-17 (a break between), or off. Every day empty: {empty}."

        def typed(values: Values) -> dict[int, str]:
            return {day: values[name] for day, name in enumerate(WEEKDAYS)}

        def check(values: Values) -> None:
            for name in WEEKDAYS:
                try:
                    hours.parse_stretches(values[name])
                except Refusal as refusal:
                    raise ScheduleError(f"{name.capitalize()}: {refusal}") from None

        def change(values: Values) -> object:
            hours.set_week(database, actor, week.staff_id, typed(values), seen)
            return None

        self._ask(
            SettingForm(f"Hours · {week.name}", fields, check, hint),
            change,
            lambda _: f"{week.name}: hours saved.",
        )

    def _blockout_form(self) -> None:
        om = self.om
        database, clock, actor, practice = om.database, om.clock, om.acting_id, om.practice
        today = practice.today(clock.now())
        whose = [("", "Whole practice")] + [(str(i), name) for i, name in book_settings.providers()]
        fields = [
            Field("whose", "Whose", "", choices=whose),
            Field("starts", "From", "", "12/24, fri, 2026-12-24 (13:00)"),
            Field("ends", "Until", "", "empty: the end of that day"),
            Field("reason", "Reason", "", "Christmas"),
        ]

        def when(values: Values) -> tuple[Any, Any]:
            return hours.read_blockout(practice, today, values["starts"], values["ends"])

        def check(values: Values) -> None:
            when(values)

        def change(values: Values) -> object:
            start, end = when(values)
            provider = int(values["whose"]) if values["whose"] else None
            return hours.add_blockout(
                database, clock, actor, provider, start, end, values["reason"]
            )

        self._ask(
            SettingForm("New blockout", fields, check, "Nobody is booked then without asking."),
            change,
            lambda v: f"Blocked out: {v['starts']}{' – ' + v['ends'] if v['ends'] else ''}.",
        )

    def _slot_form(self) -> None:
        assert self._shown is not None
        database, actor, shown = self.om.database, self.om.acting_id, self._shown.slot
        sizes = tuple((str(s), f"{s} min") for s in SLOT_SIZES)
        fields = [Field("slot", "Slot size", str(shown), choices=sizes)]

        def change(values: Values) -> object:
            hours.set_slot_minutes(database, actor, int(values["slot"]), seen=shown)
            return None

        self._ask(
            SettingForm("The book's rows", fields, hint="Each row of the book is this long."),
            change,
            lambda v: f"The book's rows are {v['slot']} minutes.",
        )

    def _no_show_form(self) -> None:
        assert self._shown is not None
        database, actor, shown = self.om.database, self.om.acting_id, self._shown.no_show_after
        fields = [Field("minutes", "Minutes", str(shown), "0: never")]

        def check(values: Values) -> None:
            if not 0 <= _whole(values["minutes"], "No-show after") <= 24 * 60:
                raise ScheduleError("No-show after: minutes from 0 (never) to 1440.")

        def change(values: Values) -> object:
            settings.set_no_show_after(database, int(values["minutes"]), by=actor, seen=shown)
            return None

        hint = "A booking not checked in this long after its start shows as a no-show (0: never)."
        self._ask(
            SettingForm("No-show after", fields, check, hint),
            change,
            lambda v: (
                f"No-show after {v['minutes']} min."
                if v["minutes"] != "0"
                else "No-shows: never by the clock."
            ),
        )

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
