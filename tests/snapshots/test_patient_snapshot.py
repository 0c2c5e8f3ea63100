"""A patient's card at 80x24: the record (email, notes), what is booked, the past visits."""

from __future__ import annotations

from textual.pilot import Pilot
from ui.conftest import Practice
from ui.helpers import settle

from db.models import Patient, Visit


def test_a_patients_card(snap_compare, demo: Practice) -> None:
    # The demo's first patient with an email and a note on file, and visits.
    patient = (
        Patient.select()
        .join(Visit)
        .where(Patient.notes != "", Patient.email != "")
        .order_by(Patient.id)
        .first()
    )

    async def open_card(pilot: Pilot) -> None:
        pilot.app.action_patients(patient.id)
        await settle(pilot)

    assert snap_compare(demo.app(), terminal_size=(80, 24), run_before=open_card)
