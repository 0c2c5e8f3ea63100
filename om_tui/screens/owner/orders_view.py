"""What the Orders and Programs screens share: who is here and what they may do, the
practice's orders in their name, the theme's colours for overdue, late and done, and a
narrower layout below 100 columns, redrawn when the terminal crosses it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.style import Style

from om_tui.practice.owner.orders.service import Orders
from om_tui.screens.fresh import FreshScreen

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

COMPACT_BELOW = 100  # terminal columns: shorter dates, narrower bars, fewer columns below this


class OrdersView(FreshScreen):
    """The common ground of the Orders and Programs screens; each draws its own."""

    def __init__(self) -> None:
        super().__init__()
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

    def _manages(self) -> bool:
        """The office manager and the owner give orders and write programs."""
        return self.om.may("orders_give")

    def _take_measure(self) -> None:
        """The theme's colours and the terminal's width, before the first drawing."""
        colours = self.app.theme_variables
        self._styles = {
            "overdue": Style(color=colours.get("error"), bold=True),
            "late": Style(color=colours.get("warning"), bold=True),
            "waiting": Style(color=colours.get("warning"), bold=True),
            "done": Style(color=colours.get("success"), bold=True),
            "bar": Style(color=colours.get("success")),
            "rest": Style(color=colours.get("panel-lighten-2") or colours.get("panel")),
            "accent": Style(color=colours.get("accent"), bold=True),
            "muted": Style(dim=True),
        }
        self._compact = self.app.size.width < COMPACT_BELOW

    def reload(self) -> None:
        """Read again and redraw (each screen its own)."""
        raise NotImplementedError

    def _why_here(self, action: str) -> str | None:
        """Why `action` does nothing on the line under the cursor; None where it does."""
        raise NotImplementedError

    def action_why_not(self, action: str) -> None:
        """A key pressed where it does nothing: say why, rather than nothing at all.

        Bound after the key's own binding, which wins wherever it does something.
        """
        said = self._why_here(action)
        if said is not None:
            self.notify(said, timeout=4)
        else:  # the line changed under the key: it does something now
            getattr(self, f"action_{action}")()

    def on_resize(self) -> None:
        compact = self.app.size.width < COMPACT_BELOW
        if compact != self._compact:
            self._compact = compact
            self.reload()
