"""The ASAP list: patients who want an earlier slot, with what they can take; those a
freed slot fits first (it is shown), then the longest waiting. Enter books the freed
slot in one step (their appointment moved there), or offers the next free one that
suits; `a` puts a patient on the list (with the provider, days and times they can
take), `x` takes one off, `l` logs a call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from om_tui.practice.calls.asap import ASAP_TABLES, AsapRow, asap_list
from om_tui.practice.calls.contacts import ASAP
from om_tui.practice.refusal import Refusal
from om_tui.practice.schedule.book import Booked
from om_tui.practice.schedule.hours import parse_stretches, parse_weekdays, provider_named
from om_tui.screens.calls.base import CallListScreen
from om_tui.screens.dialog import Dialog


class AsapScreen(CallListScreen[AsapRow]):
    """Who wants to come in sooner."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *CallListScreen.BINDINGS,
        Binding("a", "add", "Add", id="asap.add"),
        Binding("x", "remove", "Off the list", id="asap.remove"),
    ]

    SHOWS = ASAP_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    TITLE_TEXT = "ASAP"
    LISTED = ASAP
    COLUMNS = (
        ("Patient", 18),
        ("Phone", 12),
        ("Can take", 24),
        ("Freed slot", 16),
    )

    def read(self) -> list[AsapRow]:
        return asap_list(self.om.practice, self.om.clock.now())

    def key_of(self, row: AsapRow) -> str:
        return str(row.request_id)

    def cells(self, row: AsapRow) -> Sequence[str | Text]:
        fit = Text(self.when(row.fits.start), style="bold") if row.fits else Text("—", style="dim")
        return (row.name, row.phone, row.wants, fit)

    def describe(self, row: AsapRow) -> str:
        has = f"booked {self.when(row.booked_at)}" if row.booked_at else "nothing booked"
        if row.fits is not None:
            slot = row.fits
            return f"{row.name} ({has}) fits {self.when(slot.start)} {slot.provider}: Enter books"
        return f"{row.name} ({has}) · Enter: the next free slot that suits · x off the list"

    def action_book(self) -> None:
        row = self.current()
        if row is None or not self.may_call():
            return
        calls = self.calls
        if row.fits is not None:
            slot = row.fits
            self.book_with_consent(
                lambda consent: calls.book_asap(
                    row.request_id, slot.start, slot.minutes, slot.provider_id, consent
                )
            )
            return

        def booking(
            start: dt.datetime, minutes: int, provider: int, kind: int | None
        ) -> Callable[[Collection[str]], Booked]:
            return lambda consent: calls.book_asap(
                row.request_id, start, minutes, provider, consent
            )

        self.offer_next_free(row.patient_id, row.name, None, row.provider_id, booking)

    def action_add(self) -> None:
        if not self.may_call():
            return
        calls = self.calls

        def typed(wish: AsapWish | None) -> None:
            if wish is not None:
                self.save(
                    lambda: calls.add_asap(
                        wish.patient_id, wish.provider_id, wish.weekdays, wish.earliest, wish.latest
                    )
                )

        self.app.push_screen(AsapForm(), typed)

    def action_remove(self) -> None:
        row = self.current()
        if row is None or not self.may_call():
            return
        calls = self.calls
        self.save(lambda: calls.end_asap(row.request_id))


class AsapWish:
    """Who wants an earlier slot, with whom (None: any provider), and when they can come."""

    def __init__(
        self,
        patient_id: int,
        provider_id: int | None,
        weekdays: list[int],
        earliest: dt.time | None,
        latest: dt.time | None,
    ) -> None:
        self.patient_id = patient_id
        self.provider_id = provider_id
        self.weekdays = weekdays
        self.earliest = earliest
        self.latest = latest


class AsapForm(Dialog[AsapWish | None]):
    """The patient (part of a name), then the provider, days and times they can take."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="asap_form.cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._found: list[int] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("On the ASAP list", classes="dialog-title")
            yield Input(placeholder="Patient: part of a name or a phone", id="asap-query")
            yield OptionList(id="asap-matches")
            # One line each: with the patients found above, the form fits 24 lines.
            yield Input(
                placeholder="Provider: part of a name (empty: any)",
                id="asap-provider",
                compact=True,
            )
            yield Input(
                placeholder="Days: mon-fri, tue thu (empty: any)", id="asap-days", compact=True
            )
            yield Input(placeholder="Times: 8-12 (empty: any)", id="asap-times", compact=True)
            yield Label("Enter next · Esc close", classes="dialog-hint")

    def on_mount(self) -> None:
        self.app.load_patients()  # type: ignore[attr-defined]
        self.query_one("#asap-query", Input).focus()

    @on(Input.Changed, "#asap-query")
    def _typed(self, event: Input.Changed) -> None:
        options = self.query_one("#asap-matches", OptionList)
        options.clear_options()
        query = event.value.strip()
        found = self.app.patients.search(query, limit=8) if query else []  # type: ignore[attr-defined]
        self._found = [entry.patient_id for entry in found]
        options.add_options([Option(entry.full_name) for entry in found])
        if found:
            options.highlighted = 0

    @on(Input.Submitted, "#asap-query")
    def _to_provider(self) -> None:
        if self._found:
            self.query_one("#asap-provider", Input).focus()

    @on(Input.Submitted, "#asap-provider")
    def _to_days(self) -> None:
        self.query_one("#asap-days", Input).focus()

    @on(Input.Submitted, "#asap-days")
    def _to_times(self) -> None:
        self.query_one("#asap-times", Input).focus()

    @on(Input.Submitted, "#asap-times")
    def _done(self) -> None:
        options = self.query_one("#asap-matches", OptionList)
        if not self._found or options.highlighted is None:
            self.notify("Choose the patient first.", severity="warning")
            return
        named = self.query_one("#asap-provider", Input).value.strip()
        days = self.query_one("#asap-days", Input).value.strip()
        times = self.query_one("#asap-times", Input).value.strip()
        try:
            provider = provider_named(named) if named else None
            weekdays = parse_weekdays(days) if days else []
            stretches = parse_stretches(times) if times else []
        except Refusal as refusal:
            self.notify(str(refusal), severity="warning")
            return
        earliest, latest = stretches[0] if stretches else (None, None)
        patient = self._found[options.highlighted]
        self.answer(AsapWish(patient, provider, weekdays, earliest, latest))

    def action_move(self, step: int) -> None:
        options = self.query_one("#asap-matches", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.answer(None)
