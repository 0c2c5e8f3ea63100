"""The weekly report from the app: which week, which format, where to; written off the loop.

The week is any day of it (default: the last week that has ended); the file goes to a
dated name in the person's Documents folder (else om-tui's data folder) unless they type
another path. Enter writes it in a thread worker; the dialog closes and says where it
went, or stays open with what was wrong (a folder that does not exist, a week not begun).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from om_tui.practice import time_words
from om_tui.practice.owner.report.gathering import last_ended_week
from om_tui.practice.owner.report.writing import default_folder, default_name, write_report
from om_tui.practice.refusal import Refusal
from om_tui.screens.dialog import Dialog
from om_tui.screens.hats.forms import ChoiceField

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

log = logging.getLogger(__name__)

CHOICES = (("html", "html (prints on A4)"), ("md", "markdown"), ("csv", "csv (a spreadsheet)"))


class WeeklyReportScreen(Dialog[Path | None]):
    """Week, format and path; Enter in any field writes the report. Answers where it went."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="weekly_report.cancel"),
        # On the format too (a field's own Enter submits it, which comes here as well).
        Binding("enter", "write", "Write", id="weekly_report.write", show=False),
    ]

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self._folder = folder
        self._writing = False
        self._suggested = ""
        """The path the dialog last proposed: replaced as the week or format changes,
        kept once the person has typed their own."""

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    def compose(self) -> ComposeResult:
        week = last_ended_week(self.om.stats.weeks, self.om.clock.now())
        self._folder = self._folder or default_folder()
        self._suggested = str(self._folder / default_name(week, "html"))
        with Vertical(classes="dialog wide"):
            yield Label("Weekly report", classes="dialog-title")
            yield Label("Week: any day of it (fri, 19 Nov, YYYY-MM-DD); the last ended is shown")
            yield Input(week.isoformat(), id="report-week", compact=True)
            yield Label("Format (←/→ or h, m, c)")
            yield ChoiceField(CHOICES, "html", field="report-format")
            yield Label("Save to (written private: only you can read it)")
            yield Input(self._suggested, id="report-path", compact=True)
            yield Label("", id="report-error", classes="field-error", markup=False)
            yield Label("Enter write · Tab next field · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        # The fields top down, each wholly selected as it is reached: a day typed replaces
        # the week, a path the suggestion. Enter on any writes.
        self.query_one("#report-week", Input).focus()

    @on(Input.Changed)
    def _edited(self) -> None:
        self.query_one("#report-error", Label).update("")

    @on(Input.Changed, "#report-week")
    @on(ChoiceField.Changed)
    def _suggest(self) -> None:
        """A new dated name for the week and format, unless the person typed a path."""
        path = self.query_one("#report-path", Input)
        if path.value != self._suggested or self._folder is None:
            return
        day = self._day(self.query_one("#report-week", Input).value)
        if day is None:
            return
        week = self.om.stats.weeks.week_of_day(day)
        form = self.query_one("#report-format", ChoiceField).value
        self._suggested = str(self._folder / default_name(week, form))
        path.value = self._suggested

    @on(Input.Submitted)
    def action_write(self) -> None:
        if self._writing:
            return
        day = self._day(self.query_one("#report-week", Input).value)
        if day is None:
            self._say("A week is named by a day of it, like fri, 19 Nov or YYYY-MM-DD.")
            self.query_one("#report-week", Input).focus()
            return
        typed = self.query_one("#report-path", Input).value.strip()
        if not typed:
            self._say("Say where the report goes: a file name.")
            self.query_one("#report-path", Input).focus()
            return
        form = self.query_one("#report-format", ChoiceField).value
        self._writing = True
        self._say("Writing…", error=False)
        self._write(day, form, Path(typed))

    @work(thread=True, exclusive=True, exit_on_error=False, group="weekly-report")
    def _write(self, day: dt.date, form: str, path: Path) -> None:
        om = self.om
        try:
            with om.database.connection_context():
                report, written = write_report(
                    om.database, om.clock, om.practice, day=day, form=form, path=path
                )
        except Refusal as refusal:
            self.app.call_from_thread(self._failed, str(refusal))
            return
        except Exception as error:  # a person never sees a traceback
            log.error("weekly report failed: %s", type(error).__name__)
            self.app.call_from_thread(
                self._failed, "The report could not be written (the error is logged)."
            )
            return
        assert written is not None
        self.app.call_from_thread(self._written, report.week, written)

    def _written(self, week: dt.date, path: Path) -> None:
        self.app.notify(
            f"The report for the week ending {time_words.day_text(week, year=True)} "
            f"is written to {path}.",
            title="Weekly report",
            timeout=10,
        )
        self.answer(path)

    def _failed(self, message: str) -> None:
        self._writing = False
        self._say(message)

    def _say(self, message: str, error: bool = True) -> None:
        label = self.query_one("#report-error", Label)
        label.set_class(not error, "dialog-hint")
        label.update(message)

    def action_cancel(self) -> None:
        if not self._writing:
            self.answer(None)

    def _day(self, text: str) -> dt.date | None:
        """A day of the week wanted, as typed anywhere (a weekday is the last one)."""
        today = self.om.practice.today(self.om.clock.now())
        try:
            return time_words.day(text, today, ValueError, ahead=False)
        except ValueError:
            return None
