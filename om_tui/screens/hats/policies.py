"""Policies: written in Markdown, versioned, attested to by the holders of the posts chosen.

A new version asks every holder concerned to attest again (the practice does it:
`Hats.revise_policy`). Here the manager writes and revises, chooses which posts'
holders attest, reads any version, and sees who attested which.

One screen (one per module), whose length is its keys; a policy to read is in
policy_view.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    DataTable,
    Input,
    Label,
    Markdown,
    OptionList,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from db.models import Attestation, PolicyVersion, Staff, as_utc
from om_tui.messages import DataChanged
from om_tui.practice import limits, time_words
from om_tui.practice.hats.service import Hats
from om_tui.practice.hats.views import POLICIES_TABLES
from om_tui.screens.dialog import Dialog, edited
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import Confirm
from om_tui.widgets.footer import Footer
from om_tui.widgets.row_table import RowTable
from om_tui.widgets.screen_tabs import ScreenTabs
from om_tui.widgets.tick_list import TickList

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

PREVIEW_FROM = 110  # terminal columns from which the editor shows the preview beside the text


# -- what the screen reads (practice/hats has no such reads; they are the screen's own) ----------


@dataclass(frozen=True)
class Version:
    number: int
    body: str
    by: str | None
    at: dt.datetime  # UTC


@dataclass(frozen=True)
class Attested:
    """One person and a policy: the newest version they attested, if any."""

    name: str
    posts: list[str]  # their hats that ask for the policy; empty: not asked now
    number: int | None
    at: dt.datetime | None  # UTC


def versions_of(policy_id: int) -> list[Version]:
    """A policy's versions, oldest first."""
    names: dict[int, str] = {s.id: s.name for s in Staff.select(Staff.id, Staff.name)}
    query = (
        PolicyVersion.select(
            PolicyVersion.number, PolicyVersion.body, PolicyVersion.by, PolicyVersion.at
        )
        .where(PolicyVersion.policy == policy_id)
        .order_by(PolicyVersion.number)
        .tuples()
    )
    rows: list[tuple[int, str, int | None, dt.datetime]] = list(query)  # type: ignore[arg-type]
    return [Version(n, body, names.get(by or 0), as_utc(at)) for n, body, by, at in rows]


def attestations_of(hats: Hats, policy_id: int) -> list[Attested]:
    """Everyone asked to attest (the holders of its posts today), and anyone who did."""
    _, _, posts = hats.policy(policy_id)
    asked: dict[int, tuple[str, list[str]]] = {}
    for post_id, title in posts:
        for person_id, name in hats.holders(post_id):
            asked.setdefault(person_id, (name, []))[1].append(title)
    newest: dict[int, tuple[str, int, dt.datetime]] = {}
    query = (
        Attestation.select(Attestation, PolicyVersion, Staff)
        .join(PolicyVersion)
        .switch(Attestation)
        .join(Staff)
        .where(PolicyVersion.policy == policy_id)
        .order_by(PolicyVersion.number)
    )
    for row in query:  # oldest version first: the newest attested wins
        newest[row.staff_id] = (row.staff.name, row.version.number, as_utc(row.at))
    rows = []
    for person_id in set(asked) | set(newest):
        if person_id in asked:
            name, their_posts = asked[person_id]
        else:
            name, their_posts = newest[person_id][0], []
        found = newest.get(person_id)
        rows.append(
            Attested(name, their_posts, found[1] if found else None, found[2] if found else None)
        )
    return sorted(rows, key=lambda row: (not row.posts, row.name))


@dataclass(frozen=True)
class PolicyText:
    title: str
    body: str


# -- the screen ----------------------------------------------------------------------------


class PoliciesScreen(FreshScreen):
    """Policies left; the chosen one's text, its posts and who attested right."""

    BINDINGS = [
        Binding("escape", "back", "Hats", id="policies.back"),
        Binding("n", "new_policy", "New policy", id="policies.new"),
        Binding("e", "revise", "New version", id="policies.revise"),
        Binding("o", "posts", "Who attests", id="policies.posts"),
        Binding("left_square_bracket", "version(-1)", "◀ Older", id="policies.older"),
        Binding("right_square_bracket", "version(1)", "Newer ▶", id="policies.newer"),
    ]

    SHOWS = POLICIES_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self, policy_id: int | None = None, post_id: int | None = None) -> None:
        super().__init__()
        self._policy_id = policy_id
        self._post_id = post_id  # the hat the manager came from: a new policy's first post
        self._number: int | None = None  # the version shown; None: the newest
        self._versions: list[Version] = []
        self._titles: dict[int, str] = {}

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="policies-title", markup=False)
            yield ScreenTabs("hats")
        with Horizontal(id="policies-body"):
            yield OptionList(id="policy-list", markup=False)
            with Vertical(id="policy-pane"):
                yield Static(id="policy-meta", markup=False)
                with VerticalScroll(id="policy-scroll"):
                    yield Markdown(id="policy-text")
                table: RowTable[str | Text] = RowTable(id="attestations", zebra_stripes=True)
                yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#policy-list", OptionList).focus()

    def on_resize(self) -> None:
        # Their hats are cut to the pane's width, known once it is laid out.
        self.call_after_refresh(self._show_policy)

    @on(DataChanged)
    def reload(self) -> None:
        self._show(self._policy_id)

    def _show(self, policy_id: int | None) -> None:
        hats = self.om.hats
        policies = hats.policies()
        self._titles = {ident: title for ident, title, _ in policies}
        if policy_id not in self._titles:
            policy_id = policies[0][0] if policies else None
        if policy_id != self._policy_id:
            self._number = None
        self._policy_id = policy_id
        outstanding = hats.outstanding_attestations()
        owing = {o.policy for o in outstanding}
        listing = self.query_one("#policy-list", OptionList)
        listing.set_options(
            Option(self._policy_prompt(title, number, title in owing), id=f"policy:{ident}")
            for ident, title, number in policies
        )
        if policy_id is not None:
            listing.highlighted = listing.get_option_index(f"policy:{policy_id}")
        self.query_one("#policies-title", Static).update(
            Text.assemble(
                ("Policies", "bold"),
                f" · {len(policies)} · {len(outstanding)} to attest",
            )
        )
        self._show_policy()

    def _policy_prompt(self, title: str, number: int, owed: bool) -> Text:
        text = Text(title, style="bold", no_wrap=True, overflow="ellipsis")
        text.append(f"\n  v{number}", style="dim")
        if owed:
            text.append(" · owed", style=self.app.theme_variables.get("warning", ""))
        return text

    def _show_policy(self) -> None:
        meta = self.query_one("#policy-meta", Static)
        text = self.query_one("#policy-text", Markdown)
        table = self.query_one("#attestations", DataTable)
        table.clear(columns=True)
        policy_id = self._policy_id
        if policy_id is None:
            self._versions = []
            meta.update("No policies yet: n writes the first one.")
            text.update("")
            return
        hats = self.om.hats
        policy, _, posts = hats.policy(policy_id)
        self._versions = versions_of(policy_id)
        newest = self._versions[-1]
        shown = next((v for v in self._versions if v.number == self._number), newest)
        attested = attestations_of(hats, policy_id)
        asked = [row for row in attested if row.posts]
        current = sum(row.number == newest.number for row in asked)
        when = time_words.day_text(
            self.om.practice.local(shown.at).date(), weekday=False, year=True
        )
        state = "newest" if shown is newest else f"an older version; newest v{newest.number}"
        meta.update(
            Text.assemble(
                (policy.title, "bold"),
                f" · v{shown.number} ({state}) · {when}",
                f" by {shown.by}" if shown.by else "",
                "\nAttested by the holders of: ",
                (", ".join(title for _, title in posts) or "no post yet (o chooses)", "bold"),
                f" · {current} of {len(asked)} on v{newest.number}",
            )
        )
        text.update(shown.body)
        cells = []
        for row in attested:
            if row.number is None:
                state_text = Text("never", style=self._colour("error") if row.posts else "dim")
            elif row.number == newest.number:
                state_text = Text(f"v{row.number} ✓", style=self._colour("success"))
            else:
                owes = f" · owes v{newest.number}" if row.posts else ""
                state_text = Text(f"v{row.number}{owes}", style=self._colour("warning"))
            on_day = (
                time_words.day_text(self.om.practice.local(row.at).date(), weekday=False, year=True)
                if row.at
                else ""
            )
            cells.append((row.name, state_text, on_day, ", ".join(row.posts) or "(not asked)"))
        self._fill(table, cells)

    def _fill(self, table: DataTable[str | Text], cells: list[tuple[str, Text, str, str]]) -> None:
        """The rows, their hats cut with "…" to what the pane has left (never off its edge)."""
        fixed = [
            max([len(heading), *(Text(str(cell[at])).cell_len for cell in cells)])
            for at, heading in enumerate(("Person", "Attested", "On"))
        ]
        padding = 2 * table.cell_padding * 4
        left = table.scrollable_content_region.width - sum(fixed) - padding
        for key, heading, width in zip(
            ("person", "attested", "on"), ("Person", "Attested", "On"), fixed, strict=True
        ):
            table.add_column(heading, key=key, width=width)
        table.add_column("Their hats", key="posts", width=max(len("Their hats"), left))
        for name, state_text, on_day, posts in cells:
            table.add_row(name, state_text, on_day, Text(posts, no_wrap=True, overflow="ellipsis"))

    def _colour(self, variable: str) -> str:
        return self.app.theme_variables.get(variable, "")

    @on(OptionList.OptionHighlighted, "#policy-list")
    def _policy_chosen(self, event: OptionList.OptionHighlighted) -> None:
        policy_id = int((event.option.id or "policy:0").partition(":")[2])
        if policy_id != self._policy_id:
            self._policy_id = policy_id
            self._number = None
            self._show_policy()

    @on(OptionList.OptionSelected, "#policy-list")
    def _policy_opened(self) -> None:
        self.query_one("#policy-scroll", VerticalScroll).focus()

    # -- actions --------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_new_policy(self) -> None:
        hats = self.om.hats
        chosen_posts = [self._post_id] if self._post_id is not None else []

        def written(text: PolicyText | None) -> None:
            if text is None:
                return

            def posts_chosen(post_ids: list[int] | None) -> None:
                self.om.write(
                    lambda: hats.write_policy(text.title, text.body, post_ids or []),
                    lambda policy_id: self._written(policy_id, post_ids),
                )

            self.app.push_screen(
                PolicyPostsForm(text.title, hats.posts(), chosen_posts), posts_chosen
            )

        self.app.push_screen(PolicyEditor("New policy", taken=self._titles.values()), written)

    def _written(self, policy_id: int, post_ids: list[int] | None) -> None:
        self._number = None
        self._show(policy_id)
        if not post_ids:
            self.notify("Nobody is asked to attest to it yet: o chooses the posts.")

    def action_revise(self) -> None:
        policy_id = self._policy_id
        if policy_id is None or not self._versions:
            self.app.bell()
            return
        hats = self.om.hats
        title = self._titles[policy_id]
        before = PolicyText(title, self._versions[-1].body)
        taken = [t for ident, t in self._titles.items() if ident != policy_id]

        def written(text: PolicyText | None) -> None:
            if text is None or text == before:
                return

            def done(number: int) -> None:
                self._number = None
                self._show(policy_id)
                if number == before_number:
                    self.notify("Renamed. The text is the same: nobody is asked again.")
                else:
                    asked = sum(bool(row.posts) for row in attestations_of(hats, policy_id))
                    self.notify(f"Version {number} written: {asked} holder(s) asked to attest.")

            seen = {"title": title, "version": before_number}
            self.om.write(lambda: hats.revise_policy(policy_id, text.body, text.title, seen), done)

        before_number = self._versions[-1].number
        self.app.push_screen(
            PolicyEditor(
                f"{title}: version {before_number + 1}",
                before,
                taken,
                saving="ctrl+s save: its holders attest again",
            ),
            written,
        )

    def action_posts(self) -> None:
        policy_id = self._policy_id
        if policy_id is None:
            self.app.bell()
            return
        hats = self.om.hats
        _, _, posts = hats.policy(policy_id)
        seen = [p for p, _ in posts]

        def chosen(post_ids: list[int] | None) -> None:
            if post_ids is not None:
                self.om.write(
                    lambda: hats.set_policy_posts(policy_id, post_ids, seen),
                    lambda _: self._show(policy_id),
                )

        self.app.push_screen(
            PolicyPostsForm(self._titles[policy_id], hats.posts(), [p for p, _ in posts]),
            chosen,
        )

    def action_version(self, step: int) -> None:
        if not self._versions:
            return
        numbers = [v.number for v in self._versions]
        at = numbers.index(self._number) if self._number in numbers else len(numbers) - 1
        target = max(0, min(len(numbers) - 1, at + step))
        if target == at:
            self.app.bell()
            return
        self._number = numbers[target]
        self._show_policy()

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand("New policy", "Write a new policy (n)", self.action_new_policy),
            SystemCommand(
                "New version", "Revise the policy: holders attest again (e)", self.action_revise
            ),
            SystemCommand(
                "Who attests", "Choose the posts whose holders attest (o)", self.action_posts
            ),
        ]


# -- the editor and the posts chooser --------------------------------------------------------


class PolicyEditor(Dialog[PolicyText | None]):
    """A policy's title and its Markdown; ctrl+s saves, F2 shows how it reads."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="policy_editor.save"),
        Binding("f2", "preview", "Preview", id="policy_editor.preview"),
        Binding("escape", "cancel", "Cancel", id="policy_editor.cancel"),
    ]

    def __init__(
        self,
        heading: str,
        text: PolicyText | None = None,
        taken: Collection[str] = (),
        saving: str = "ctrl+s save",
    ) -> None:
        super().__init__()
        self._heading = heading
        self._saving = saving
        self._text = text or PolicyText("", "")
        self._taken = {title.casefold() for title in taken}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label("Title")
            yield edited(self._text.title, max_length=limits.POLICY_TITLE.longest, id="title")
            yield Label("", id="title-error", classes="field-error", markup=False)
            yield Label("Text (Markdown: # heading, - list, **bold**)")
            with Horizontal(id="policy-editing"):
                yield TextArea(self._text.body, id="policy-body", soft_wrap=True)
                with VerticalScroll(id="policy-preview"):
                    yield Markdown(self._text.body)
            yield Label("", id="body-error", classes="field-error", markup=False)
            yield Label(
                f"{self._saving} · Enter in the title saves too · F2 preview · Esc cancel",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#policy-preview").display = self.app.size.width >= PREVIEW_FROM
        if self._text.title:
            self.query_one("#policy-body", TextArea).focus()
        else:
            self.query_one("#title", Input).focus()

    @on(Input.Changed, "#title")
    def _title_edited(self) -> None:
        self.query_one("#title-error", Label).update("")

    @on(TextArea.Changed, "#policy-body")
    def _body_edited(self, event: TextArea.Changed) -> None:
        self.query_one("#body-error", Label).update("")
        preview = self.query_one("#policy-preview")
        if preview.display:
            preview.query_one(Markdown).update(event.text_area.text)

    def _typed(self) -> PolicyText:
        return PolicyText(
            self.query_one("#title", Input).value.strip(),
            self.query_one("#policy-body", TextArea).text.strip(),
        )

    @on(Input.Submitted, "#title")
    def action_save(self) -> None:
        typed = self._typed()
        title_problem = ""
        if not typed.title:
            title_problem = "A policy needs a title."
        elif typed.title.casefold() in self._taken:
            title_problem = f"There is already a policy called {typed.title!r}."
        body_problem = "" if typed.body else "A policy needs its text."
        self.query_one("#title-error", Label).update(title_problem)
        self.query_one("#body-error", Label).update(body_problem)
        if title_problem:
            self.query_one("#title", Input).focus()
        elif body_problem:
            self.query_one("#policy-body", TextArea).focus()
        else:
            self.answer(typed)

    def action_preview(self) -> None:
        preview = self.query_one("#policy-preview")
        preview.display = not preview.display
        if preview.display:
            preview.query_one(Markdown).update(self.query_one("#policy-body", TextArea).text)

    def action_cancel(self) -> None:
        before = PolicyText(self._text.title.strip(), self._text.body.strip())
        if self._typed() == before:
            self.answer(None)
            return

        def sure(discard: bool | None) -> None:
            if discard:
                self.answer(None)

        self.app.push_screen(Confirm("Throw away what you typed?", yes="Throw away"), sure)


class PolicyPostsForm(Dialog[list[int] | None]):
    """Which posts' holders attest: space ticks a post, Enter saves."""

    BINDINGS = [
        Binding("enter", "save", "Save", id="policy_posts.save", priority=True),
        Binding("a", "all(True)", "All", id="policy_posts.all"),
        Binding("n", "all(False)", "None", id="policy_posts.none"),
        Binding("escape", "cancel", "Cancel", id="policy_posts.cancel"),
    ]

    def __init__(
        self, title: str, posts: Sequence[tuple[int, str]], chosen: Collection[int]
    ) -> None:
        super().__init__()
        self._title = title
        self._posts = list(posts)
        self._chosen = set(chosen)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                f"Who attests to {self._title}? Holders of…", classes="dialog-title", markup=False
            )
            yield TickList[int](
                *((title, ident, ident in self._chosen) for ident, title in self._posts),
                id="post-choices",
            )
            yield Label(
                "Space tick · a all · n none · Enter save · Esc cancel", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#post-choices", SelectionList).focus()

    def action_all(self, every: bool) -> None:
        choices = self.query_one("#post-choices", SelectionList)
        if every:
            choices.select_all()
        else:
            choices.deselect_all()

    def action_save(self) -> None:
        choices: SelectionList[int] = self.query_one("#post-choices", SelectionList)
        order = {ident: n for n, (ident, _) in enumerate(self._posts)}
        self.answer(sorted(choices.selected, key=order.__getitem__))

    def action_cancel(self) -> None:
        self.answer(None)
