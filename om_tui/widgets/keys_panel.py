"""F1's list of keys: this screen's first, then the ones that work everywhere, then the
list's or field's own (cursor keys and the like), which Textual's help panel puts first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

#: Section titles, in the order shown.
THIS_SCREEN, EVERYWHERE, HERE = "This screen", "Everywhere", "Under the cursor"


#: Textual's own screen keys (focus next, copy): they work on every screen.
SCREEN_BASE_ACTIONS = frozenset(
    binding.action for binding in Screen.BINDINGS if isinstance(binding, Binding)
)


def sections(
    active: dict[str, ActiveBinding], offered: Callable[[Binding], bool] = lambda _: True
) -> dict[str, list[tuple[str, str]]]:
    """(keys, what they do) per section, one line per action, in the bindings' order;
    what `offered` turns down (a screen the person's role may not open) is left out."""
    keys: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for active_binding in active.values():
        node, binding = active_binding.node, active_binding.binding
        if binding.system or not binding.description or not offered(binding):
            continue
        where = "" if binding.action in SCREEN_BASE_ACTIONS else _section(node)
        keys[(where, binding.action, binding.description)].append(node.app.get_key_display(binding))
    found: dict[str, list[tuple[str, str]]] = {THIS_SCREEN: [], EVERYWHERE: [], HERE: [], "": []}
    for (where, _action, description), shown in keys.items():
        found[where].append((" ".join(dict.fromkeys(shown)), description))
    found[EVERYWHERE] += found.pop("")  # Textual's own after om-tui's
    return {where: lines for where, lines in found.items() if lines}


def _section(node: DOMNode) -> str:
    if isinstance(node, Screen):
        return THIS_SCREEN
    if isinstance(node, App):
        return EVERYWHERE
    return HERE


BESIDE_FROM = 120
"""The terminal's width from which F1's list opens beside the screen; below, over it."""


class KeysPanel(VerticalScroll, can_focus=False):
    """The keys that work now, beside the screen (F1 shows and hides it)."""

    DEFAULT_CSS = """
    KeysPanel {
        split: right;
        width: 33%;
        min-width: 30;
        max-width: 50;
        height: 1fr;
        border-left: vkey $foreground 30%;
        padding: 0 1;

        &.-over {
            layer: keys;  /* over the screen (app.tcss: Screen's layers), not beside it */
            background: $surface;
        }
    }
    """

    def __init__(self, offered: Callable[[Binding], bool] = lambda _: True) -> None:
        super().__init__()
        self._offered = offered

    def compose(self) -> ComposeResult:
        yield Static(id="keys-table", markup=False)

    def on_mount(self) -> None:
        # Beside the screen where it leaves the screen room; over it where it would squeeze
        # it (the board's stage and times are never pushed off by it).
        self.set_class(self.app.size.width < BESIDE_FROM, "-over")
        self._show()
        self.screen.bindings_updated_signal.subscribe(self, lambda _: self._show())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _show(self) -> None:
        if not self.is_attached:
            return
        accent = self.app.theme_variables.get("accent", "")
        parts: list[RenderableType] = []
        for where, lines in sections(self.screen.active_bindings, self._offered).items():
            table = Table.grid(padding=(0, 1))
            table.add_column(justify="right", style=f"bold {accent}", no_wrap=True)
            table.add_column()
            for keys, description in lines:
                table.add_row(keys, description)
            if parts:
                parts.append(Text(""))
            parts += [Text(where, style="bold underline"), table]
        self.query_one("#keys-table", Static).update(Group(*parts))
