"""My hat (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class MyHatScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("My hat")
        yield Footer()
