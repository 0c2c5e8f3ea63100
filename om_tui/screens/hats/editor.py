"""The hat editor: every post's write-up — purpose, product, holders, duties, checklist,
training checksheet, policies — written and kept up by keyboard.

Left the hats, right the chosen hat's write-up in sections. `e` edits what is under the
cursor, `a` adds to the section the cursor is in, `d` removes; every change goes
through the practice (om_tui.practice.hats.service), which keeps the history of ticks and
sign-offs: an edited item is a new version from today, a removed one ends today.

One screen (one per module), whose length is its sections and keys; its forms are in
forms.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from db.models import as_utc
from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.hats.views import HAT_EDITOR_TABLES, HatDetail, HatError, ItemLine, StepLine
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import (
    Confirm,
    ItemFields,
    ItemForm,
    PostFields,
    PostForm,
    TextPrompt,
)
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.widgets.footer import Footer
from om_tui.widgets.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

#: The write-up's sections: (id, heading, what `a` adds there).
SECTIONS = (
    ("holders", "Holders", "h or a: give the hat to someone"),
    ("duties", "Duties", "a adds a duty"),
    ("items", "Checklist", "a adds an item"),
    ("steps", "Training checksheet", "a adds a step · s signs off"),
    ("policies", "Policies its holders attest to", "a adds a policy"),
)
#: A line's kind → the section it belongs to.
SECTION_OF = {
    "post": "post",
    "holder": "holders",
    "duty": "duties",
    "item": "items",
    "step": "steps",
    "policy": "policies",
}
LABEL_WIDTH = 8


def _line(kind: str, ident: object) -> str:
    """An option id in the write-up: "duty:12", "item:40" (an item by its key), "post:title"."""
    return f"{kind}:{ident}"


def _shown(item: ItemLine) -> dict[str, object]:
    """What an edit or removal of the item checks is still so (changed elsewhere: refused)."""
    return {
        "text": item.text,
        "frequency": item.frequency,
        "due_time": item.due_time,
        "shared": item.shared,
    }


class HatEditorScreen(FreshScreen):
    """The office manager's hats: list left, write-up right, by keyboard."""

    BINDINGS = [
        Binding("n", "new_hat", "New hat", id="hats.new"),
        Binding("e", "edit", "Edit", id="hats.edit"),
        Binding("a", "add", "Add", id="hats.add"),
        Binding("d,delete", "remove", "Remove", id="hats.remove"),
        Binding("ctrl+up,shift+up", "move(-1)", "Move", key_display="^↑↓", id="hats.move_up"),
        Binding("ctrl+down,shift+down", "move(1)", "Move down", id="hats.move_down", show=False),
        Binding("h", "holders", "Holders", id="hats.holders"),
        Binding("s", "sign_off", "Sign off", id="hats.sign_off"),
        Binding("P", "policies", "Policies", id="hats.policies"),
        Binding("o", "app.org_board", "Org board", id="hats.org_board", show=False),
        Binding("right", "focus_write_up", "Write-up", id="hats.to_write_up", show=False),
        Binding("left,escape", "focus_hats", "Hats", id="hats.to_list", show=False),
    ]

    SHOWS = HAT_EDITOR_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._post_id: int | None = None
        self._detail: HatDetail | None = None
        self._titles: dict[int, str] = {}

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="hats-title", markup=False)
            yield ScreenTabs("hats")
        with Horizontal(id="hats-body"):
            yield OptionList(id="hat-list", markup=False)
            yield OptionList(id="write-up", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#hat-list", OptionList).focus()

    # -- reading ------------------------------------------------------------------------

    def open_hat(self, post_id: int) -> None:
        """Show one hat (the org board's Enter on a post)."""
        if self.is_mounted:
            self._show(post_id)
        else:
            self._post_id = post_id

    @on(DataChanged)
    def reload(self) -> None:
        """Read the hats again (another terminal, or this one, changed them)."""
        self._show(self._post_id, self._cursor_line())

    def _show(self, post_id: int | None, line: str | None = None) -> None:
        """List the hats, open one (the first if `post_id` is gone) and put the cursor on `line`."""
        hats = self.om.hats
        posts = hats.posts()
        self._titles = dict(posts)
        if post_id not in self._titles:
            post_id = posts[0][0] if posts else None
            line = None
        self._post_id = post_id
        hat_list = self.query_one("#hat-list", OptionList)
        # Set here, not chosen by a person: no OptionHighlighted to come back later (a stale
        # one, handled after a newer _show, would open the hat it names).
        with hat_list.prevent(OptionList.OptionHighlighted):
            hat_list.set_options(
                Option(self._hat_prompt(title, hats.holders(ident)), id=f"hat:{ident}")
                for ident, title in posts
            )
            if post_id is not None:
                hat_list.highlighted = hat_list.get_option_index(f"hat:{post_id}")
        try:
            self._detail = hats.detail(post_id) if post_id is not None else None
        except HatError:  # deleted between the two reads: the next change re-reads
            self._detail = None
        self._fill_write_up(line)
        self._show_title(len(posts))

    def _show_title(self, count: int) -> None:
        detail = self._detail
        where = f" · {detail.title}" if detail else ""
        self.query_one("#hats-title", Static).update(
            Text.assemble(("Hats", "bold"), f" · {count} posts{where}")
        )

    def _hat_prompt(self, title: str, holders: list[tuple[int, str]]) -> Text:
        text = Text(title, style="bold", no_wrap=True, overflow="ellipsis")
        if holders:
            text.append("\n  " + ", ".join(name for _, name in holders), style="dim")
        else:
            text.append("\n  nobody holds it", style=self._colour("warning"))
        return text

    def _colour(self, variable: str) -> str:
        return self.app.theme_variables.get(variable, "")

    def _fill_write_up(self, line: str | None) -> None:
        write_up = self.query_one("#write-up", OptionList)
        detail = self._detail
        if detail is None:
            write_up.set_options(
                [Option(Text("No hats yet: n writes the first one."), id="post:none")]
            )
            return
        old_index = write_up.highlighted
        write_up.set_options(self._write_up(detail))
        index = None
        if line is not None:
            try:
                index = write_up.get_option_index(line)
            except Exception:  # gone: stay about where the cursor was
                index = None
        if index is None:
            index = min(old_index or 0, write_up.option_count - 1) if line else 0
            while index > 0 and write_up.get_option_at_index(index).disabled:
                index -= 1
        write_up.highlighted = index
        self.refresh_bindings()

    # -- the write-up, line by line -----------------------------------------------------

    def _write_up(self, detail: HatDetail) -> list[Option]:
        options: list[Option] = [
            Option(Text(detail.title, style="bold"), id=_line("post", "title")),
            Option(
                self._labelled("Purpose", detail.purpose or "— (e writes it)"),
                id=_line("post", "purpose"),
            ),
            Option(
                self._labelled("Product", detail.product or "— (e writes it)"),
                id=_line("post", "product"),
            ),
            Option(
                self._labelled("Stats", ", ".join(detail.stats) or "none (set on 2 Stats)"),
                id="stats",
                disabled=True,
            ),
        ]
        steps = detail.steps
        options.append(self._heading("holders", len(detail.holders)))
        for staff_id, name in detail.holders:
            signed = sum(staff_id in step.signed for step in steps)
            training = f"checksheet {signed}/{len(steps)}" if steps else ""
            options.append(Option(self._columns(name, training), id=_line("holder", staff_id)))
        options.append(self._heading("duties", len(detail.duties)))
        for number, (duty_id, text) in enumerate(detail.duties, start=1):
            options.append(Option(self._numbered(number, text), id=_line("duty", duty_id)))
        options.append(self._heading("items", len(detail.items)))
        for item in detail.items:
            options.append(Option(self._item_row(item), id=_line("item", item.key)))
        options.append(self._heading("steps", len(steps)))
        for step in steps:
            options.append(Option(self._step_row(step, detail), id=_line("step", step.step_id)))
        options.append(self._heading("policies", len(detail.policies)))
        versions = {ident: number for ident, _, number in self.om.hats.policies()}
        for policy_id, title in detail.policies:
            newest = versions.get(policy_id)
            options.append(
                Option(
                    self._columns(title, f"v{newest}" if newest else ""),
                    id=_line("policy", policy_id),
                )
            )
        return options

    def _heading(self, section: str, count: int) -> Option:
        _, title, hint = next(s for s in SECTIONS if s[0] == section)
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True)
        grid.add_column(justify="right", no_wrap=True, overflow="ellipsis")
        grid.add_row(
            Text.assemble((title, f"bold {self._colour('accent')}"), f" · {count}"),
            Text(hint, style="dim"),
        )
        return Option(grid, id=section)

    def _labelled(self, label: str, text: str) -> RenderableType:
        grid = Table.grid(expand=True, padding=(0, 1, 0, 0))
        grid.add_column(width=LABEL_WIDTH, style="dim")
        grid.add_column(ratio=1)
        grid.add_row(Text(label), Text(text))
        return grid

    def _columns(self, left: str, right: str) -> RenderableType:
        grid = Table.grid(expand=True, padding=(0, 1, 0, 0))
        grid.add_column(width=2)
        grid.add_column(ratio=1)
        grid.add_column(justify="right", style="dim")
        grid.add_row("", Text(left), Text(right))
        return grid

    def _numbered(self, number: int, text: str) -> RenderableType:
        grid = Table.grid(expand=True, padding=(0, 1, 0, 0))
        grid.add_column(width=2, justify="right", style="dim")
        grid.add_column(ratio=1)
        grid.add_row(Text(f"{number}"), Text(text))
        return grid

    def _item_row(self, item: ItemLine) -> RenderableType:
        grid = Table.grid(expand=True, padding=(0, 1, 0, 0))
        grid.add_column(width=2)
        grid.add_column(ratio=1)
        grid.add_column(width=7)
        grid.add_column(width=5)
        grid.add_column(width=6)
        grid.add_row(
            "",
            Text(item.text),
            Text(item.frequency),
            Text(item.due_time or "", style="dim" if not item.due_time else ""),
            Text("shared" if item.shared else "each", style="" if item.shared else "dim"),
        )
        return grid

    def _step_row(self, step: StepLine, detail: HatDetail) -> RenderableType:
        grid = Table.grid(expand=True, padding=(0, 1, 0, 0))
        grid.add_column(width=2)
        grid.add_column(ratio=1)
        grid.add_column(justify="right")
        marks = Text()
        for staff_id, name in detail.holders:
            first = name.split()[-1] if name.startswith("Dr.") else name.split()[0]
            if staff_id in step.signed:
                marks.append(f" ✓ {first}", style=self._colour("success"))
            else:
                marks.append(f" · {first}", style="dim")
        grid.add_row("", Text(step.text), marks)
        return grid

    # -- where the cursor is ------------------------------------------------------------

    def _in_list(self) -> bool:
        return self.focused is self.query_one("#hat-list", OptionList)

    def _cursor_line(self) -> str | None:
        """The write-up line under the cursor: "item:40", "duties", "post:title" …"""
        option = self.query_one("#write-up", OptionList).highlighted_option
        return option.id if option is not None else None

    def _under_cursor(self) -> tuple[str, str]:
        """(kind, ident) of what the keys act on: ("hat", "3") in the list, else a line."""
        if self._in_list():
            return "hat", str(self._post_id)
        line = self._cursor_line() or "post:title"
        kind, _, ident = line.partition(":")
        return kind, ident

    def _section(self) -> str:
        kind, _ = self._under_cursor()
        if kind == "hat":
            return "post"
        return SECTION_OF.get(kind, kind)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show Move and Sign off only where they do something."""
        if not self.is_mounted:
            return True
        kind, _ = self._under_cursor()
        if action == "move":
            return kind in ("hat", "duty", "item", "step")
        if action == "sign_off":
            return kind in ("step", "holder")
        return True

    @on(OptionList.OptionHighlighted, "#hat-list")
    def _hat_chosen(self, event: OptionList.OptionHighlighted) -> None:
        post_id = int((event.option.id or "hat:0").partition(":")[2])
        if post_id != self._post_id:
            self._show(post_id)

    @on(OptionList.OptionHighlighted, "#write-up")
    def _line_chosen(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#hat-list")
    def _hat_opened(self) -> None:
        self.action_focus_write_up()

    @on(OptionList.OptionSelected, "#write-up")
    def _line_opened(self) -> None:
        self.action_edit()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    # -- writing ------------------------------------------------------------------------

    def _save(
        self,
        change: Callable[[], Any],
        line: Callable[[Any], str | None],
        said: str | None = None,
    ) -> None:
        """Write, then show the hat again with the cursor on `line(result)`; say `said`."""
        post_id = self._post_id

        def done(result: Any) -> None:
            self._show(post_id if self._post_id == post_id else self._post_id, line(result))
            if said:
                self.notify(said)

        self.om.write(change, done)

    def _post_form(self, focus: str = "title") -> None:
        detail = self._detail
        if detail is None:
            return
        post_id = detail.post_id
        taken = [title for ident, title in self._titles.items() if ident != post_id]
        fields = PostFields(detail.title, detail.purpose, detail.product)
        seen = {"title": detail.title, "purpose": detail.purpose, "product": detail.product}
        hats = self.om.hats

        def saved(result: PostFields | None) -> None:
            if result is None or result == fields:
                return
            self._save(
                lambda: hats.update_post(
                    post_id, result.title, result.purpose, result.product, seen=seen
                ),
                lambda _: None if self._in_list() else _line("post", focus),
            )

        self.app.push_screen(PostForm(f"Edit the {detail.title} hat", fields, taken, focus), saved)

    def _item_form(self, key: int) -> None:
        item = next((i for i in self._detail.items if i.key == key), None) if self._detail else None
        if item is None:
            return
        fields = ItemFields(item.text, item.frequency, item.due_time, item.shared)
        seen = _shown(item)
        hats = self.om.hats

        def saved(result: ItemFields | None) -> None:
            if result is None or result == fields:
                return
            self._save(
                lambda: hats.edit_item(
                    item.item_id,
                    text=result.text,
                    frequency=result.frequency,
                    due_time=result.due_time or "",  # "" clears a due time; None keeps it
                    shared=result.shared,
                    seen=seen,
                ),
                lambda _: _line("item", key),
            )

        self.app.push_screen(ItemForm("Edit checklist item", fields), saved)

    def _duty_form(self, duty_id: int) -> None:
        text = dict(self._detail.duties).get(duty_id) if self._detail else None
        if text is None:
            return
        hats = self.om.hats

        def saved(result: str | None) -> None:
            if result is not None and result != text:
                self._save(
                    lambda: hats.edit_duty(duty_id, result, seen=text),
                    lambda _: _line("duty", duty_id),
                )

        self.app.push_screen(TextPrompt("Edit duty", text, "A duty needs its text."), saved)

    def _toggle_policy(self, policy_id: int, attach: bool) -> None:
        """This hat's holders attest to the policy from now on (or no longer)."""
        post_id = self._post_id
        if post_id is None:
            return
        hats = self.om.hats

        def change() -> None:
            _, _, posts = hats.policy(policy_id)
            wanted = [ident for ident, _ in posts if ident != post_id]
            hats.set_policy_posts(policy_id, [*wanted, post_id] if attach else wanted)

        self._save(change, lambda _: _line("policy", policy_id) if attach else "policies")

    # -- actions --------------------------------------------------------------------------

    def action_focus_write_up(self) -> None:
        self.query_one("#write-up", OptionList).focus()

    def action_focus_hats(self) -> None:
        self.query_one("#hat-list", OptionList).focus()

    def action_new_hat(self) -> None:
        hats = self.om.hats

        def saved(result: PostFields | None) -> None:
            if result is None:
                return

            def done(post_id: int) -> None:
                self._show(post_id, _line("post", "title"))
                self.action_focus_write_up()

            self.om.write(
                lambda: hats.create_post(result.title, result.purpose, result.product), done
            )

        self.app.push_screen(PostForm("New hat", taken=self._titles.values()), saved)

    def action_edit(self) -> None:
        kind, ident = self._under_cursor()
        if kind in ("hat", "post"):
            self._post_form(ident if kind == "post" and ident != "none" else "title")
        elif kind == "duty":
            self._duty_form(int(ident))
        elif kind == "item":
            self._item_form(int(ident))
        elif kind == "holder":
            self.action_holders()
        elif kind == "step":
            self.notify(
                "A step keeps its words once written (sign-offs refer to it): "
                "d takes it off, a writes a new one. s signs it off.",
                timeout=6,
            )
        elif kind == "policy":
            self.action_policies(int(ident))
        else:  # a section's heading: Enter there adds to it
            self.action_add()

    def action_add(self) -> None:
        section = self._section()
        post_id = self._post_id
        if section == "post" or post_id is None:
            self.action_new_hat()
            return
        hats = self.om.hats
        if section == "holders":
            self.action_holders()
        elif section == "duties":

            def duty(text: str | None) -> None:
                if text is not None:
                    self._save(lambda: hats.add_duty(post_id, text), lambda new: _line("duty", new))

            self.app.push_screen(TextPrompt("New duty", required="A duty needs its text."), duty)
        elif section == "items":

            def item(fields: ItemFields | None) -> None:
                if fields is not None:
                    self._save(
                        lambda: hats.add_item(
                            post_id, fields.text, fields.frequency, fields.due_time, fields.shared
                        ),
                        lambda new: _line("item", new),  # a new item's key is its id
                    )

            self.app.push_screen(ItemForm("New checklist item"), item)
        elif section == "steps":

            def step(text: str | None) -> None:
                if text is not None:
                    self._save(lambda: hats.add_step(post_id, text), lambda new: _line("step", new))

            self.app.push_screen(
                TextPrompt("New checksheet step", required="A step needs its text."), step
            )
        elif section == "policies":
            attached = {ident for ident, _ in self._detail.policies} if self._detail else set()
            choices = [
                Choice(ident, f"{title}  v{number}")
                for ident, title, number in hats.policies()
                if ident not in attached
            ]
            if not choices:
                self.notify("Every policy is on this hat already. P writes a new one.")
                return

            def chosen(choice: Choice | None) -> None:
                if choice is not None:
                    self._toggle_policy(choice.value, attach=True)

            self.app.push_screen(PickerScreen("Its holders attest to…", choices), chosen)

    def action_remove(self) -> None:
        kind, ident = self._under_cursor()
        hats = self.om.hats
        post_id = self._post_id
        if kind in ("hat", "post") and self._detail is not None:
            title, doomed = self._detail.title, self._detail.post_id
            refusal = hats.why_not_delete(doomed)
            if refusal is not None:  # said before asking, not after a yes
                self.notify(refusal, severity="warning")
                return

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._save(
                        lambda: hats.delete_post(doomed), lambda _: None, f"{title}: deleted."
                    )

            self.app.push_screen(
                Confirm(f"Delete the {title} hat and its write-up?", yes="Delete"), confirmed
            )
        elif kind == "holder" and post_id is not None:
            name = dict(self._detail.holders).get(int(ident), "") if self._detail else ""
            self._save(
                lambda: hats.remove_holder(post_id, int(ident)),
                lambda _: "holders",
                f"{name} no longer holds this hat (from today; the record stays).",
            )
        elif kind == "duty":
            words = dict(self._detail.duties).get(int(ident)) if self._detail else None
            self._save(lambda: hats.remove_duty(int(ident), words), lambda _: self._cursor_line())
        elif kind == "item" and self._detail is not None:
            item = next((i for i in self._detail.items if i.key == int(ident)), None)
            if item is not None:
                self._save(
                    lambda: hats.remove_item(item.item_id, _shown(item)),
                    lambda _: self._cursor_line(),
                    "Off the checklist from today; its ticks stay on record.",
                )
        elif kind == "step":
            steps = self._detail.steps if self._detail else []
            said = next((s.text for s in steps if s.step_id == int(ident)), None)
            self._save(lambda: hats.remove_step(int(ident), said), lambda _: self._cursor_line())
        elif kind == "policy":
            self._toggle_policy(int(ident), attach=False)
        else:
            self.app.bell()

    def action_move(self, step: int) -> None:
        kind, ident = self._under_cursor()
        hats = self.om.hats
        if kind == "hat" and self._post_id is not None:
            post_id = self._post_id
            self._save(lambda: hats.move_post(post_id, step), lambda _: None)
        elif kind == "duty":
            self._save(lambda: hats.move_duty(int(ident), step), lambda _: _line("duty", ident))
        elif kind == "step":
            self._save(lambda: hats.move_step(int(ident), step), lambda _: _line("step", ident))
        elif kind == "item" and self._detail is not None:
            item = next((i for i in self._detail.items if i.key == int(ident)), None)
            if item is not None:
                self._save(
                    lambda: hats.move_item(item.item_id, step), lambda _: _line("item", ident)
                )
        else:
            self.app.bell()

    def action_holders(self) -> None:
        """Give the hat to someone, or take it off them: one person a time."""
        detail = self._detail
        if detail is None:
            return
        post_id = detail.post_id
        holding = {ident for ident, _ in detail.holders}
        choices = [
            Choice(
                ident,
                f"✓ {name}  (holds it: Enter takes it off)" if ident in holding else f"  {name}",
            )
            for ident, name in self.om.hats.people()
        ]
        hats = self.om.hats
        kind, ident = self._under_cursor()
        current = int(ident) if kind == "holder" else None  # the picker starts on them

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            person: int = choice.value
            if person in holding:
                self._save(lambda: hats.remove_holder(post_id, person), lambda _: "holders")
            else:
                self._save(
                    lambda: hats.add_holder(post_id, person), lambda _: _line("holder", person)
                )

        self.app.push_screen(
            PickerScreen(f"Who holds the {detail.title} hat?", choices, current), chosen
        )

    def action_sign_off(self) -> None:
        """A trainee's checksheet step signed off by the manager (or the signature taken back)."""
        kind, ident = self._under_cursor()
        detail = self._detail
        if detail is None or kind not in ("step", "holder"):
            self.app.bell()
            return
        hats = self.om.hats
        names = dict(detail.holders)
        if kind == "step":
            step = next((s for s in detail.steps if s.step_id == int(ident)), None)
            if step is None or not detail.holders:
                self.notify("Nobody holds this hat: there is no one to sign off.")
                return
            pairs = [(step, person, name) for person, name in detail.holders]
            title = f"Sign off “{step.text}” for…"
        else:
            person = int(ident)
            if not detail.steps:
                self.notify("This hat has no checksheet steps yet: a adds one there.")
                return
            pairs = [(step, person, names[person]) for step in detail.steps]
            title = f"{names[person]}: sign off which step?"
        choices = []
        for step, person, name in pairs:
            label = "  " + (name if kind == "step" else step.text)
            signed = step.signed.get(person)
            if signed is not None:
                when = self.om.practice.local(as_utc(signed)).date()
                said = time_words.day_text(when, weekday=False)
                label = f"✓ {label[2:]}  (signed {said}: Enter takes it back)"
            choices.append(Choice((step.step_id, person, signed is not None), label))
        line = self._cursor_line()

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            step_id, person, signed = choice.value
            if signed:
                self._save(lambda: hats.unsign(step_id, person), lambda _: line)
            else:
                self._save(lambda: hats.sign_off(step_id, person), lambda _: line)

        self.app.push_screen(PickerScreen(title, choices), chosen)

    def action_policies(self, policy_id: int | None = None) -> None:
        from om_tui.screens.hats.policies import PoliciesScreen

        if policy_id is None and self._section() == "policies":
            kind, ident = self._under_cursor()
            policy_id = int(ident) if kind == "policy" else None
        self.app.push_screen(PoliciesScreen(policy_id, self._post_id))

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand("New hat", "Write a new post's hat (n)", self.action_new_hat),
            SystemCommand("Edit", "Edit what is under the cursor (e)", self.action_edit),
            SystemCommand("Add", "Add to the section under the cursor (a)", self.action_add),
            SystemCommand(
                "Holders", "Give the hat to someone, or take it off (h)", self.action_holders
            ),
            SystemCommand("Sign off", "Sign off a checksheet step (s)", self.action_sign_off),
            SystemCommand("Policies", "Write and version policies (P)", self.action_policies),
        ]
