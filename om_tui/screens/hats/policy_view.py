"""A policy to read, rendered from its Markdown, and the one key that attests to it."""

from __future__ import annotations

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Markdown

from om_tui.practice.hats.views import PolicyDue
from om_tui.screens.dialog import Dialog


class PolicyViewScreen(Dialog[bool]):
    """Read the policy (arrows and page keys scroll it); `a` attests; Escape closes unattested."""

    BINDINGS = [
        Binding("a", "attest", "Attest", id="policy.attest"),
        Binding("escape", "close", "Close", id="policy.close"),
    ]

    def __init__(self, policy: PolicyDue) -> None:
        super().__init__()
        self._policy = policy
        self._read_to_the_end = False
        """Attesting waits until the policy's end has been on screen (scrolled to, or whole)."""

    def compose(self) -> ComposeResult:
        policy = self._policy
        if policy.attested_number is None:
            before = "You have not attested to this policy yet."
        else:
            before = (
                f"You attested to version {policy.attested_number}; "
                f"version {policy.number} asks you to read it again."
            )
        with Vertical(classes="dialog wide"):
            yield Label(
                f"{policy.title} — version {policy.number}", classes="dialog-title", markup=False
            )
            yield Label(before, id="policy-before", markup=False)
            with VerticalScroll(id="policy-text"):
                yield Markdown(policy.body)
            yield Label(
                "a  attest: I have read it and will follow it · ↑↓ scroll · Esc close",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        text = self.query_one("#policy-text", VerticalScroll)
        text.focus()
        self.watch(text, "scroll_y", self._scrolled, init=False)

    def _scrolled(self) -> None:
        """The end of the policy has been on screen: it may now be attested. (Not before the
        policy is drawn: an empty view is "at its end" too.)"""
        text = self.query_one("#policy-text", VerticalScroll)
        drawn = self.query_one(Markdown).size.height > 0
        if drawn and text.scroll_y >= text.max_scroll_y:
            self._read_to_the_end = True

    def action_attest(self) -> None:
        self._scrolled()  # a short policy is whole on screen at once
        if not self._read_to_the_end:
            self.notify(
                "Read it to the end first (↓, PageDown or End): then a attests.",
                severity="warning",
            )
            return
        self.answer(True)

    def action_close(self) -> None:
        self.answer(False)

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(
                "Attest", "I have read this policy and will follow it (a)", self.action_attest
            ),
            SystemCommand("Close", "Close the policy without attesting (Esc)", self.action_close),
        ]
