"""The import queue at 80x24, on the demo's live day at its fixed "now": a PMS export
names two of the demo's patients the import could not tell — the first, whom two records
fit (hers and a twin's born the same day), and another named without a birth date — so
their appointments wait for a person. The cursor is on the first, her candidates below."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from ui.conftest import Practice
from ui.helpers import settle

from db.models import Patient
from om_tui.practice.imports.service import import_file
from om_tui.practice.people.roles import ADMINISTRATOR

EXPORT = (
    "Appointment ID,Date,Time,Length,Patient,Birth Date,Chart,Provider,Type\n"
    "Q1,11/19/2026,9:30 AM,30,{first} {last},{dob:%m/%d/%Y},PM-7,Dr. Sarah Chen,Regular\n"
    "Q2,11/24/2026,9:30 AM,30,{first} {last},{dob:%m/%d/%Y},PM-7,Dr. Sarah Chen,Regular\n"
    "Q3,11/20/2026,2:00 PM,45,{other_first} {other_last},,,Dr. Sarah Chen,Regular\n"
)


async def open_queue(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("9", "i")
    await settle(pilot)


def test_the_import_queue(snap_compare, demo: Practice, tmp_path: Path) -> None:
    first, other = Patient.select().where(Patient.dob.is_null(False)).order_by(Patient.id)[:2]
    Patient.create(
        first_name=first.first_name, last_name=first.last_name, dob=first.dob,
        phone="555-999-0000", chart_number="399999", created=first.created,
    )  # fmt: skip
    export = tmp_path / "pms.csv"
    export.write_text(
        EXPORT.format(
            first=first.first_name,
            last=first.last_name,
            dob=first.dob,
            other_first=other.first_name,
            other_last=other.last_name,
        )  # fmt: skip
    )
    report = import_file(demo.database, demo.clock, export, by=ADMINISTRATOR, source="pms")
    assert len(report.needs_person) == 3
    assert snap_compare(demo.app(), terminal_size=(80, 24), run_before=open_queue)
