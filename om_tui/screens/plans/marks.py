"""Care plan marks where the front desk looks: a line on the patient's card, a few words
on the book's detail line, and a word at check-in when the next visits need booking."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.screen import Screen

from om_tui.practice.plans.pace import Standings, State
from om_tui.practice.plans.phases import described

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp


def _standings(om: OmTuiApp) -> Standings:
    return Standings(om.database, om.clock, om.practice)


def card_plans(om: OmTuiApp, patient_id: int) -> Text:
    """The card's lines: each plan not ended, its pace and counts (P opens them)."""
    from om_tui.screens.plans.plans import pace_text

    text = Text()
    for standing in _standings(om).of_patient(patient_id):
        if standing.state == State.ENDED:
            continue
        text.append("\nCare plan: ", style="bold")
        text.append(f"{described(standing.phases)} · ")
        text.append_text(pace_text(standing))
        text.append(f" · {standing.counts} (P)")
    return text


def plan_marks(om: OmTuiApp, patient_ids: Iterable[int]) -> dict[int, str]:
    """Patient → "plan: behind 2", for those with an active plan."""
    return _standings(om).marks(patient_ids)


def plan_at_check_in(screen: Screen[Any], patient_id: int) -> None:
    """Said at check-in when the patient's plan is behind or nothing is booked ahead, so
    the front desk books the next visits before the patient leaves."""
    om: OmTuiApp = screen.app  # type: ignore[assignment]
    standings = [
        s
        for s in _standings(om).of_patient(patient_id)
        if s.state == State.ACTIVE and s.falling_off
    ]
    if standings:
        screen.notify(
            f"{standings[0].mark} — book the next visits before the patient leaves.",
            title="Care plan",
            severity="warning",
            timeout=8,
        )
