"""Compliance (being built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class ComplianceScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("Compliance")
        yield Footer()
