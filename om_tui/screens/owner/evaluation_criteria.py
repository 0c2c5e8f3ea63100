"""The practice's evaluation criteria: what the office manager and the owner rate their
staff on, 1 to 5, in the order an evaluation lists them.

Opened with `k` from the staff roster or an evaluation, or from the command palette
("Evaluation criteria…"), by those who evaluate (the office manager and the owner). `a`
adds a criterion, `e` or Enter renames it (or says what it means), `d` retires it after
a yes, `r` brings a retired one back (at the end), ctrl+↑↓ move one up or down. Nothing
is ever deleted: a finished evaluation keeps the ratings, names and words it was rated
under; drafts follow the list as it is now. The rules live in
om_tui.practice.owner.evaluations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from om_tui.messages import DataChanged
from om_tui.practice.owner.evaluations.reading import CRITERIA_TABLES
from om_tui.practice.owner.evaluations.service import Evaluations
from om_tui.practice.owner.evaluations.views import Criterion, CriterionUse
from om_tui.practice.words import counted
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.named_form import NamedFields
from om_tui.screens.owner.criterion_form import CriterionForm
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

RETIRED = "retired"
"""The option id of the line above the retired criteria."""


def use_words(use: CriterionUse) -> str:
    """ "rated in 3 finished evaluations and 1 draft"; "not rated yet"."""
    parts = []
    if use.finished:
        parts.append(f"{counted(use.finished, 'finished evaluation')}")
    if use.drafts:
        parts.append(counted(use.drafts, "draft"))
    return "rated in " + " and ".join(parts) if parts else "not rated yet"


class CriteriaScreen(FreshScreen):
    """The criteria in use, numbered in order; the retired ones below them."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="criteria.back"),
        Binding("a", "add", "Add", id="criteria.add"),
        Binding("e", "rename", "Rename", id="criteria.rename"),
        Binding("d", "retire", "Retire", id="criteria.retire"),
        Binding("r", "bring_back", "Bring back", id="criteria.bring_back"),
        Binding("ctrl+up,shift+up", "move(-1)", "Move", key_display="^↑↓", id="criteria.up"),
        Binding("ctrl+down,shift+down", "move(1)", "Move down", id="criteria.down", show=False),
    ]

    SHOWS = CRITERIA_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._criteria: list[Criterion] = []
        self._use: dict[int, CriterionUse] = {}

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def service(self) -> Evaluations:
        return Evaluations(self.om.database, self.om.clock, self.om.practice, self.om.user_id)

    def _manages(self) -> bool:
        return self.om.may("evaluations")

    def compose(self) -> ComposeResult:
        yield Static(id="criteria-title", markup=False)
        yield OptionList(id="criteria-list", markup=False)
        yield Static(id="criteria-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#criteria-list", OptionList).focus()

    # -- reading and drawing --------------------------------------------------------------

    @on(DataChanged)
    def reload(self) -> None:
        """Read the criteria again (another terminal, or this one, changed them)."""
        self._show(self._cursor())

    def _show(self, keep: int | None) -> None:
        service = self.service
        self._criteria = service.criteria(everything=True)
        self._use = service.criterion_use()
        in_use = [c for c in self._criteria if c.active]
        retired = [c for c in self._criteria if not c.active]
        listing = self.query_one("#criteria-list", OptionList)
        before = listing.highlighted
        options: list[Option | None] = [
            Option(self._line(n, c), id=f"c{c.criterion_id}") for n, c in enumerate(in_use, start=1)
        ]
        if retired:
            options.append(None)
            heading = Text.assemble(
                ("Retired", "bold"), ("  finished evaluations keep their ratings", "dim")
            )
            options.append(Option(heading, id=RETIRED, disabled=True))
            options += [Option(self._line(None, c), id=f"c{c.criterion_id}") for c in retired]
        listing.set_options(options)
        index = None
        if keep is not None:
            try:
                index = listing.get_option_index(f"c{keep}")
            except OptionDoesNotExist:
                index = None
        if index is None and listing.option_count:
            index = min(before or 0, listing.option_count - 1)
            if listing.get_option_at_index(index).disabled:
                index -= 1
        listing.highlighted = index
        title = Text.assemble(("Evaluation criteria", "bold"), f" · {len(in_use)} in use")
        if retired:
            title.append(f" · {len(retired)} retired")
        title.append(" · each rated 1–5, in this order", style="dim")
        self.query_one("#criteria-title", Static).update(title)
        self._show_detail()

    def _line(self, number: int | None, criterion: Criterion) -> Group:
        """ " 1 Quality of work                          3 finished · 1 draft" over the
        words that say what it means, indented under the name."""
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=2, justify="right")
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        use = self._use.get(criterion.criterion_id, CriterionUse())
        counts = []
        if use.finished:
            counts.append(f"{use.finished} finished")
        if use.drafts:
            counts.append(counted(use.drafts, "draft"))
        active = criterion.active
        grid.add_row(
            Text(str(number) if number is not None else "", style="dim"),
            Text(criterion.name, style="bold" if active else "dim"),
            Text(" · ".join(counts), style="dim"),
        )
        if not criterion.description:
            return Group(grid)
        words = Text(criterion.description, style="dim" if active else "dim italic")
        return Group(grid, Padding(words, (0, 0, 0, 3)))

    # -- where the cursor is --------------------------------------------------------------

    def _cursor(self) -> int | None:
        """The criterion id under the cursor."""
        option = self.query_one("#criteria-list", OptionList).highlighted_option
        if option is None or option.id is None or not option.id.startswith("c"):
            return None
        return int(option.id[1:])

    def _criterion(self) -> Criterion | None:
        ident = self._cursor()
        return next((c for c in self._criteria if c.criterion_id == ident), None)

    @on(OptionList.OptionHighlighted, "#criteria-list")
    def _show_detail(self) -> None:
        criterion = self._criterion()
        detail = self.query_one("#criteria-detail", Static)
        self.refresh_bindings()
        if criterion is None:
            detail.update(Text("No criteria yet: a adds the first one.", style="dim"))
            return
        use = self._use.get(criterion.criterion_id, CriterionUse())
        line = Text.assemble((criterion.name, "bold"), f" · {use_words(use)}")
        if not criterion.active:
            line.append(" · retired: r brings it back", style="dim")
        detail.update(line)

    @on(OptionList.OptionSelected, "#criteria-list")
    def _opened(self) -> None:
        self.action_rename()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The managers' keys: Retire and Move on a criterion in use, Bring back on a retired."""
        if not self.is_mounted or action not in ("add", "rename", "retire", "bring_back", "move"):
            return True
        if not self._manages():
            return False
        criterion = self._criterion()
        if action == "rename":
            return criterion is not None
        if action in ("retire", "move"):
            return criterion is not None and criterion.active
        if action == "bring_back":
            return criterion is not None and not criterion.active
        return True

    # -- writing --------------------------------------------------------------------------

    def _save(self, change: Callable[[], Any], keep: int | None, said: str | None = None) -> None:
        """Write (in the write worker), then show the list with the cursor on `keep`, or on
        the criterion just added."""

        def done(result: Any) -> None:
            ident = result if isinstance(result, int) and not isinstance(result, bool) else keep
            self._show(ident)
            if said:
                self.notify(said)

        self.om.write(change, done)

    def _others(self, but: int | None = None) -> list[Criterion]:
        return [c for c in self._criteria if c.criterion_id != but]

    # -- actions --------------------------------------------------------------------------

    def action_add(self) -> None:
        service = self.service

        def saved(fields: NamedFields | None) -> None:
            if fields is not None:
                self._save(
                    lambda: service.add_criterion(fields.name, fields.about),
                    None,
                    f"{fields.name} added: drafts ask for it from now on.",
                )

        self.app.push_screen(
            CriterionForm(
                "New evaluation criterion",
                self._others(),
                about="Drafts ask for it at once; finished evaluations stay as they are.",
            ),
            saved,
        )

    def action_rename(self) -> None:
        criterion = self._criterion()
        if criterion is None or not self._manages():
            return
        service, ident = self.service, criterion.criterion_id
        before = NamedFields(criterion.name, criterion.description)
        seen = {"name": criterion.name, "description": criterion.description}

        def saved(fields: NamedFields | None) -> None:
            if fields is not None and fields != before:
                self._save(
                    lambda: service.edit_criterion(ident, fields.name, fields.about, seen),
                    ident,
                    f"{fields.name}: saved.",
                )

        self.app.push_screen(
            CriterionForm(
                f"Rename {criterion.name}",
                self._others(but=ident),
                before,
                about="Finished evaluations keep the name they were rated under.",
            ),
            saved,
        )

    def action_retire(self) -> None:
        criterion = self._criterion()
        if criterion is None or not criterion.active:
            return
        service, ident, name = self.service, criterion.criterion_id, criterion.name
        use = self._use.get(ident, CriterionUse())

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(
                    lambda: service.set_criterion_active(ident, False),
                    ident,
                    f"{name} retired: r brings it back.",
                )

        rated = f" ({use_words(use)})" if use.finished or use.drafts else ""
        question = (
            f"Retire {name}{rated}? Finished evaluations keep their ratings on it; "
            "evaluations being written no longer ask for it. r brings it back."
        )
        self.app.push_screen(Confirm(question, yes="Retire"), confirmed)

    def action_bring_back(self) -> None:
        criterion = self._criterion()
        if criterion is None or criterion.active:
            return
        service, ident, name = self.service, criterion.criterion_id, criterion.name
        self._save(
            lambda: service.set_criterion_active(ident, True),
            ident,
            f"{name} is back, at the end of the list.",
        )

    def action_move(self, step: int) -> None:
        criterion = self._criterion()
        if criterion is None or not criterion.active:
            return
        service, ident = self.service, criterion.criterion_id
        self._save(lambda: service.move_criterion(ident, step), ident)

    def palette_commands(self) -> list[SystemCommand]:
        if not self._manages():
            return []
        return [
            SystemCommand(
                "Add a criterion", "A new criterion to rate staff on (a)", self.action_add
            ),
        ]
