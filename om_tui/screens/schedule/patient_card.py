"""A patient's card as text: the record, the appointments to come, the past ones and visits."""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from rich.text import Text

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
        f"Born {record.dob:%m/%d/%Y} ({age_on(record.dob, today)})"
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


def card_lines(card: PatientCard, settings: PracticeSettings) -> Table:
    """Upcoming appointments, then the past ones and visits, newest first, one a line."""
    grid = Table.grid(padding=(0, 1))
    for _ in range(5):
        grid.add_column(no_wrap=True, overflow="ellipsis")

    def add(line: CardLine) -> None:
        if isinstance(line.when, dt.datetime):
            when = f"{settings.local(line.when):%a %m/%d/%Y %H:%M}"
        else:
            when = f"{line.when:%a %m/%d/%Y}      "
        grid.add_row(when, line.what, line.provider, line.room, Text(line.state, style="italic"))

    grid.add_row(Text("Upcoming", style="bold"))
    if not card.upcoming:
        grid.add_row(Text("  nothing booked", style="dim"))
    for line in card.upcoming:
        add(line)
    shown = (
        f" (the last {len(card.past)} of {card.past_count})"
        if card.past_count > len(card.past)
        else ""
    )
    grid.add_row(Text(f"Past appointments and visits{shown}", style="bold"))
    if not card.past:
        grid.add_row(Text("  none yet", style="dim"))
    for line in card.past:
        add(line)
    return grid
