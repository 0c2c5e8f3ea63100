"""The org board: divisions → departments → posts as an outline, the detail beside it.

Opened from the menu (ctrl+p, "Org board") or `o` on the hat editor. Each division and
department says how many posts it has, how many are vacant, and the worst condition
among their stats — the letter and its colour, so a monochrome screen reads it too.
Each post says who holds it, or VACANT and who covers it. `h` opens the post under
the cursor for hiring and shows the openings (the manager and the owner).

Enter on a post opens its hat (the hat editor for the manager, My hat for one's own);
on a stat, its graph. The manager and the owner reshape it: `a` adds below the cursor
(a department to a division, a post to a department), `A` a division, `e` renames,
`m` moves a post to another department, ctrl+↑↓ reorder, `d` deletes an empty
department or division or takes a post off the board. On an empty board, `D` lays out
the default structure for a small practice. Everyone else sees it read-only.

One screen, one idea — the outline, its detail and the keys that reshape it — hence
one module past the usual length.

One screen, whose length is its keys; the rules are in om_tui.practice.org.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.org.access import ADMINISTRATOR
from om_tui.practice.org.board import (
    ORG_BOARD_TABLES,
    DepartmentLine,
    DivisionLine,
    OrgBoard,
    PostLine,
    StatLine,
    read_board,
)
from om_tui.practice.org.export import MARKS
from om_tui.practice.org.rollup import Rollup
from om_tui.practice.org.structure import NAME_LENGTH, Structure
from om_tui.practice.stats.conditions import CONDITION_LABELS, Condition
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.named_form import NamedFields, NamedForm
from om_tui.screens.picker import Choice, PickerScreen
from om_tui.widgets.fitting_tree import FittingTree
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

Node = tuple[str, int]
"""What a line of the outline is: ("division" | "department" | "post" | "stat", its id)."""


class OrgNameForm(NamedForm):
    """A division's or department's name and its valuable final product."""

    THING = "name"
    NAME_EXAMPLE = "Front office"
    ABOUT_LABEL = "Its valuable final product (may be empty)"
    ABOUT_EXAMPLE = "Patients in, on time, paid up"
    NAME_LONGEST = NAME_LENGTH


class PostNameForm(NamedForm):
    """A new post's title and its valuable final product."""

    THING = "post"
    NAME_EXAMPLE = "Receptionist"
    ABOUT_LABEL = "Its valuable final product (may be empty)"
    ABOUT_EXAMPLE = "Patients greeted, checked in and booked"
    NAME_LONGEST = NAME_LENGTH


class OrgBoardScreen(FreshScreen):
    """The organization as an outline; the highlighted line's detail beside it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="org.back"),
        Binding("a", "add", "Add", id="org.add"),
        Binding("A", "add_division", "Division", id="org.add_division"),
        Binding("e", "rename", "Rename", id="org.rename"),
        Binding("m", "move_to", "Move to", id="org.move_to"),
        Binding("d", "remove", "Delete", id="org.remove"),
        Binding("D", "default", "Default", id="org.default"),
        Binding("h", "hire_for", "Hire", id="org.hire_for"),
        Binding("ctrl+up,shift+up", "move(-1)", "Move", key_display="^↑↓", id="org.up"),
        Binding("ctrl+down,shift+down", "move(1)", "Move down", id="org.down", show=False),
    ]

    SHOWS = ORG_BOARD_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._board: OrgBoard | None = None
        self._lines: dict[Node, Any] = {}
        """Each line of the outline: what it shows (a division, department, post or stat)."""

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def structure(self) -> Structure:
        actor = self.om.user_id if self.om.user_id is not None else ADMINISTRATOR
        return Structure(self.om.database, actor)

    def compose(self) -> ComposeResult:
        yield Static(id="org-title", markup=False)
        with Horizontal(id="org-body"):
            tree: Tree[Node] = FittingTree("Org board", id="org-tree")
            tree.show_root = False
            tree.auto_expand = False
            tree.guide_depth = 2
            yield tree
            yield Static(id="org-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#org-tree", Tree).focus()

    # -- reading --------------------------------------------------------------------

    @on(DataChanged)
    def reload(self) -> None:
        self._show(self._cursor())

    def _show(self, keep: Node | None) -> None:
        om = self.om
        board = read_board(om.database, om.clock, om.practice)
        self._board = board
        tree = cast("Tree[Node]", self.query_one("#org-tree", Tree))
        collapsed = {node.data for node in _walk(tree.root) if node.is_collapsed and node.children}
        tree.clear()
        self._lines = {}
        for division in board.divisions:
            division_node = self._add(tree.root, ("division", division.division_id), division)
            for department in division.departments:
                department_node = self._add(
                    division_node, ("department", department.department_id), department
                )
                for post in department.posts:
                    self._add_post(department_node, post)
        if board.unplaced:
            unplaced = tree.root.add(
                self._area_label("Not placed", _unplaced_rollup(board)), data=("unplaced", 0)
            )
            for post in board.unplaced:
                self._add_post(unplaced, post)
        for node in _walk(tree.root):
            if node.data in collapsed:
                node.collapse()
        self._show_title(board)
        self._put_cursor(keep)

    def _put_cursor(self, keep: Node | None) -> None:
        tree = cast("Tree[Node]", self.query_one("#org-tree", Tree))
        _ = tree.last_line  # numbers the outline's lines now (else only when it next draws)
        target = next((n for n in _walk(tree.root) if keep is not None and n.data == keep), None)
        if target is not None and target.line >= 0:
            tree.move_cursor(target)
        else:
            tree.cursor_line = max(tree.cursor_line, 0)
        self._show_detail()

    def _add(self, parent: TreeNode[Node], data: Node, area: Any) -> TreeNode[Node]:
        self._lines[data] = area
        return parent.add(self._area_label(area.name, area.rollup), data=data, expand=True)

    def _add_post(self, parent: TreeNode[Node], post: PostLine) -> None:
        self._lines[("post", post.post_id)] = post
        node = parent.add(self._post_label(post), data=("post", post.post_id), expand=False)
        for stat in post.stats:
            self._lines[("stat", stat.stat_id)] = stat
            node.add_leaf(self._stat_label(stat), data=("stat", stat.stat_id))
        if not post.stats:
            node.allow_expand = False

    def _show_title(self, board: OrgBoard) -> None:
        whole = board.rollup
        title = Text.assemble(("Org board", "bold"), f" · {whole.posts} posts")
        if whole.vacant:
            title.append(f" · {whole.vacant} vacant", style=self._colour("warning"))
        title.append(f" · conditions of the week to {time_words.day_text(board.week)}", style="dim")
        if not self.om.may("org_edit"):
            title.append(" · read-only", style="dim")
        self.query_one("#org-title", Static).update(title)

    # -- labels -----------------------------------------------------------------------

    def _colour(self, variable: str) -> str:
        return self.app.theme_variables.get(variable, "")

    def _mark(self, condition: Condition | None) -> Text:
        """The condition's letter, in its colour: "[D]"; "[·]" when there is none yet."""
        if condition is None:
            return Text("[·]", style="dim")
        from om_tui.screens.stats.board import CONDITION_COLOURS

        colour = self._colour(CONDITION_COLOURS[condition])
        return Text(f"[{MARKS[condition]}]", style=f"bold {colour}".strip())

    def _area_label(self, name: str, rollup: Rollup) -> Text:
        label = Text.assemble(self._mark(rollup.worst), " ", (name, "bold"))
        label.append(f"  {rollup.posts} post{'' if rollup.posts == 1 else 's'}", style="dim")
        if rollup.vacant:
            label.append(f" · {rollup.vacant} vacant", style=self._colour("warning"))
        return label

    def _post_label(self, post: PostLine) -> Text:
        label = Text.assemble(self._mark(post.rollup.worst), " ", post.title, "  ")
        if post.holders:
            label.append(", ".join(post.holders), style="dim")
        else:
            label.append("VACANT", style=f"bold {self._colour('warning')}".strip())
        if post.hiring:
            label.append(" · hiring", style="italic")
        return label

    def _stat_label(self, stat: StatLine) -> Text:
        from om_tui.screens.stats.board import format_value

        return Text.assemble(
            self._mark(stat.condition),
            " ",
            stat.name,
            "  ",
            (format_value(stat.value, stat.unit), "dim"),
        )

    # -- the detail -----------------------------------------------------------------------

    def _cursor(self) -> Node | None:
        node = self.query_one("#org-tree", Tree).cursor_node
        return cast("Node | None", node.data if node is not None else None)

    @on(Tree.NodeHighlighted, "#org-tree")
    def _show_detail(self) -> None:
        self.refresh_bindings()
        detail = self.query_one("#org-detail", Static)
        key = self._cursor()
        line = self._lines.get(key) if key is not None else None
        if isinstance(line, PostLine):
            detail.update(self._post_detail(line))
        elif isinstance(line, DivisionLine | DepartmentLine):
            detail.update(self._area_detail(line))
        elif isinstance(line, StatLine):
            detail.update(self._stat_detail(line))
        elif self._board is not None and not self._board.divisions:
            detail.update(self._empty_words())
        else:
            detail.update("Posts in no department yet: m moves one onto the board.")

    def _empty_words(self) -> Text:
        if self.om.may("org_edit"):
            return Text(
                "No structure yet. D lays out the default for a small practice (Executive, "
                "Front office, Clinical), placing the posts there are; A adds a division of "
                "your own."
            )
        return Text("No structure yet: the office manager lays it out.")

    def _post_detail(self, post: PostLine) -> Text:
        text = Text(post.title, style="bold")
        if post.holders:
            text.append("\nHeld by " + ", ".join(post.holders))
        else:
            text.append("\nVACANT", style=f"bold {self._colour('warning')}".strip())
            text.append(f" · covered by {post.cover}")
        if post.leaving:
            text.append("\nLeaving: " + ", ".join(post.leaving), style=self._colour("warning"))
        if post.hiring:
            text.append("\nOpen for hiring (h shows the candidates)")
        text.append("\n\nProduct: ", style="bold")
        text.append(post.product or "— (written on the hat)")
        text.append("\n\nStats", style="bold")
        if not post.stats:
            text.append("\nnone yet (set on 2 Stats)", style="dim")
        for stat in post.stats:
            text.append("\n")
            text.append_text(self._stat_detail_line(stat))
        text.append("\n\nEnter opens its hat", style="dim")
        return text

    def _stat_detail_line(self, stat: StatLine) -> Text:
        from om_tui.screens.stats.board import format_value

        word = CONDITION_LABELS[stat.condition] if stat.condition else "—"
        return Text.assemble(
            self._mark(stat.condition),
            f" {stat.name}: {format_value(stat.value, stat.unit)} · {word}",
        )

    def _stat_detail(self, stat: StatLine) -> Text:
        text = self._stat_detail_line(stat)
        text.append("\n\nEnter opens its graph", style="dim")
        return text

    def _area_detail(self, area: DivisionLine | DepartmentLine) -> Text:
        rollup = area.rollup
        kind = "Division" if isinstance(area, DivisionLine) else "Department"
        text = Text.assemble((area.name, "bold"), (f"  {kind.lower()}", "dim"))
        text.append(
            f"\n{rollup.posts} post{'' if rollup.posts == 1 else 's'} · {rollup.vacant} vacant"
        )
        worst = CONDITION_LABELS[rollup.worst] if rollup.worst else "no conditions yet"
        text.append("\nWorst condition: ")
        text.append_text(self._mark(rollup.worst))
        text.append(f" {worst}")
        if area.product:
            text.append("\n\nProduct: ", style="bold")
            text.append(area.product)
        return text

    # -- opening what a line names ---------------------------------------------------------

    @on(Tree.NodeSelected, "#org-tree")
    def _opened(self, event: Tree.NodeSelected[Node]) -> None:
        data = event.node.data
        if data is None:
            return
        kind, ident = data
        if kind == "post":
            self._open_hat(ident)
        elif kind == "stat":
            self._open_graph(ident)
        else:
            event.node.toggle()

    def _open_hat(self, post_id: int) -> None:
        om = self.om
        if om.may("hats"):
            if om.current_mode == "hats":  # opened from the hat editor: back to it
                om.pop_screen()
            else:
                om.switch_mode("hats")
            from om_tui.screens.hats.editor import HatEditorScreen

            editor = om.screen
            if isinstance(editor, HatEditorScreen):
                editor.open_hat(post_id)
            return
        line = self._lines.get(("post", post_id))
        if isinstance(line, PostLine) and om.user_id is not None:
            mine = om.people.person(om.user_id).name in line.holders
            if mine:
                om.switch_mode("my_hat")
                return
        self.notify("Another's hat is opened by the office manager or the owner.")

    def _open_graph(self, stat_id: int) -> None:
        if not self.om.may("stats"):
            self.notify("Stat graphs are for the office manager and the owner.")
            return
        from om_tui.screens.stats.graph import StatGraphScreen

        self.app.push_screen(StatGraphScreen(stat_id, None))

    # -- reshaping --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hire_for":
            return self.is_mounted and self.om.may("hiring")
        if action not in ("add", "add_division", "rename", "move_to", "remove", "default", "move"):
            return True
        if not self.is_mounted or not self.om.may("org_edit"):
            return False
        kind = (self._cursor() or ("", 0))[0]
        if action == "default":
            return self._board is not None and not self._board.divisions
        if action == "add":
            return kind in ("division", "department", "post")
        if action == "rename":
            return kind in ("division", "department")
        if action == "move_to":
            return kind == "post"
        if action in ("remove", "move"):
            return kind in ("division", "department", "post")
        return True

    def _save(self, change: Callable[[], Any], keep: Node | None, said: str = "") -> None:
        def done(result: Any) -> None:
            self._show(keep)
            if said:
                self.notify(said)

        self.om.write(change, done)

    def _department_of(self, key: Node) -> int | None:
        kind, ident = key
        if kind == "department":
            return ident
        line = self._lines.get(key)
        return line.department_id if isinstance(line, PostLine) else None

    def action_add(self) -> None:
        key = self._cursor()
        if key is None:
            return
        structure = self.structure
        if key[0] == "division":
            division_id = key[1]

            def department_named(fields: NamedFields | None) -> None:
                if fields is not None:
                    self._save(
                        lambda: structure.add_department(division_id, fields.name, fields.about),
                        key,
                        f"{fields.name} added.",
                    )

            self.app.push_screen(OrgNameForm("New department"), department_named)
            return
        department_id = self._department_of(key)
        if department_id is None:
            self.notify("Put the cursor on a department to add a post to it.")
            return

        def post_named(fields: NamedFields | None) -> None:
            if fields is not None:
                self._save(
                    lambda: structure.add_post(department_id, fields.name, fields.about),
                    ("department", department_id),
                    f"{fields.name} added: write its hat on 4 Hats.",
                )

        self.app.push_screen(PostNameForm("New post"), post_named)

    def action_add_division(self) -> None:
        structure = self.structure

        def named(fields: NamedFields | None) -> None:
            if fields is not None:
                self._save(
                    lambda: structure.add_division(fields.name, fields.about),
                    self._cursor(),
                    f"{fields.name} added.",
                )

        self.app.push_screen(OrgNameForm("New division"), named)

    def action_rename(self) -> None:
        key = self._cursor()
        line = self._lines.get(key) if key is not None else None
        if key is None or not isinstance(line, DivisionLine | DepartmentLine):
            return
        structure = self.structure
        was = line.name

        def named(fields: NamedFields | None) -> None:
            if fields is None:
                return
            if key[0] == "division":
                self._save(
                    lambda: structure.rename_division(key[1], was, fields.name, fields.about), key
                )
            else:
                self._save(
                    lambda: structure.rename_department(key[1], was, fields.name, fields.about),
                    key,
                )

        self.app.push_screen(
            OrgNameForm(f"Rename {line.name}", NamedFields(line.name, line.product)), named
        )

    def action_move_to(self) -> None:
        key = self._cursor()
        line = self._lines.get(key) if key is not None else None
        if key is None or not isinstance(line, PostLine) or self._board is None:
            return
        structure = self.structure
        choices = [
            Choice(department.department_id, f"{division.name} › {department.name}")
            for division in self._board.divisions
            for department in division.departments
        ]
        if not choices:
            self.notify("Add a division and a department first (A, then a).")
            return

        def picked(choice: Choice | None) -> None:
            if choice is not None:
                self._save(
                    lambda: structure.place_post(line.post_id, choice.value, line.department_id),
                    key,
                    f"{line.title} moved.",
                )

        self.app.push_screen(
            PickerScreen(f"Move {line.title} to", choices, current=line.department_id), picked
        )

    def action_remove(self) -> None:
        key = self._cursor()
        line = self._lines.get(key) if key is not None else None
        if key is None or line is None:
            return
        structure = self.structure
        if isinstance(line, PostLine):
            if line.department_id is not None:
                self._save(
                    lambda: structure.unplace_post(line.post_id),
                    key,
                    f"{line.title} is off the board (its hat stays): m places it again.",
                )
            return
        kind, ident = key
        remove: Callable[[], None] = (
            (lambda: structure.remove_division(ident))
            if kind == "division"
            else (lambda: structure.remove_department(ident))
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(remove, None, f"{line.name} deleted.")

        self.app.push_screen(Confirm(f"Delete the {kind} {line.name}?", yes="Delete"), confirmed)

    def action_default(self) -> None:
        structure = self.structure
        self._save(
            structure.lay_out_default,
            None,
            "The default structure is laid out: reshape it as your practice is.",
        )

    def action_move(self, step: int) -> None:
        key = self._cursor()
        if key is None:
            return
        structure = self.structure
        kind, ident = key
        moves: dict[str, Callable[[], None]] = {
            "division": lambda: structure.move_division(ident, step),
            "department": lambda: structure.move_department(ident, step),
            "post": lambda: structure.move_post(ident, step),
        }
        if kind in moves:
            self._save(moves[kind], key)

    def action_hire_for(self) -> None:
        """Open the post under the cursor for hiring (unless it is open already), then show
        the openings."""
        key = self._cursor()
        om = self.om
        if key is None or key[0] != "post":
            om.action_hiring()
            return
        from om_tui.practice.org.hiring import Hiring

        actor = om.user_id if om.user_id is not None else ADMINISTRATOR
        hiring = Hiring(om.database, om.clock, om.practice, actor)
        post_id = key[1]

        def opened(_: object) -> None:
            om.action_hiring()

        def open_unless_open() -> None:
            if not any(o.post_id == post_id for o in hiring.openings()):
                hiring.open_post(post_id)

        om.write(open_unless_open, opened)

    def palette_commands(self) -> list[SystemCommand]:
        if not self.om.may("org_edit"):
            return []
        return [
            SystemCommand(
                "Add a division", "A new division of the organization (A)", self.action_add_division
            )
        ]


def _walk(node: TreeNode[Node]) -> list[TreeNode[Node]]:
    """Every node under `node`, in the outline's order."""
    found: list[TreeNode[Node]] = []
    for child in node.children:
        found.append(child)
        found += _walk(child)
    return found


def _unplaced_rollup(board: OrgBoard) -> Rollup:
    from om_tui.practice.org.rollup import total

    return total(post.rollup for post in board.unplaced)
