"""A patient's card as text: the record, the appointments to come, the past ones and visits."""

from __future__ import annotations

import datetime as dt

from rich.console import Group
from rich.table import Table
from rich.text import Text

from om_tui.practice import time_words
from om_tui.practice.schedule.patients import CardLine, PatientCard
from om_tui.practice.settings import PracticeSettings


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def card_header(card: PatientCard, today: dt.date) -> Text:
    """Name, chart number and state; then birth date, phone, email; the notes; merges."""
    record = card.record
    text = Text.assemble((record.full_name, "bold"), (f"  · chart #{record.chart_number}", "dim"))
    if record.merged_into is not None:
        text.append("  · merged into another record", style="bold reverse")
    elif not record.active:
        text.append("  · inactive", style="bold reverse")
    born = (
        f"Born {time_words.numeric_day(record.dob)} ({age_on(record.dob, today)})"
        if record.dob
        else "Birth date not on file"
    )
    text.append(f"\n{born} · {record.phone or 'no phone'} · {record.email or 'no email'}")
    if record.notes:
        text.append("\nNotes: ", style="bold")
        text.append(record.notes)
    if card.merged_from:
        text.append(f"\nMerged into this record: {', '.join(card.merged_from)}", style="dim")
    return text


def card_lines(card: PatientCard, settings: PracticeSettings) -> Group:
    """Upcoming appointments, then the past ones and visits, newest first, one a line."""

    def listed(lines: list[CardLine], none: str) -> Table | Text:
        if not lines:
            return Text(f"  {none}", style="dim")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        for _ in range(4):
            grid.add_column(no_wrap=True, overflow="ellipsis")
        for line in lines:
            if isinstance(line.when, dt.datetime):
                when = f"  {time_words.numeric_moment(line.when, settings.zone)}"
            else:
                when = f"  {time_words.numeric_day(line.when, weekday=True)}"
            state = Text(line.state, style="italic")
            words = (when, line.what, line.provider, line.room)  # as typed: a grid reads markup
            grid.add_row(*(Text(word) for word in words), state)
        return grid

    past = "Past appointments and visits"
    if card.past_count > len(card.past):
        past += f" (the last {len(card.past)} of {card.past_count})"
    return Group(
        Text("Upcoming", style="bold"),
        listed(card.upcoming, "nothing booked"),
        Text(past, style="bold"),
        listed(card.past, "none yet"),
    )
