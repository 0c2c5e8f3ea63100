"""An import run from the command line (another process) shows on every running
terminal's board at its next look for changes, as a booking made on another terminal does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from db.models import Appointment

from .conftest import Practice
from .helpers import board, settle

SIZE = (80, 24)


async def test_an_import_shows_on_the_board_of_two_running_terminals(
    office: Practice, tmp_path: Path
) -> None:
    export = tmp_path / "today.csv"
    export.write_text(
        "Appointment ID,Date,Time,Length,Patient,Birth Date,Provider,Type\n"
        "T1,11/18/2026,11:30 AM,30,Walter Kim,5/9/1961,Dr. Ada Park,Regular\n"
    )
    async with office.app().run_test(size=SIZE) as other:
        async with office.app().run_test(size=SIZE) as pilot:
            await settle(pilot)
            await settle(other)
            done = subprocess.run(
                [sys.executable, "-m", "om_tui", "--db", str(office.path), "schedule", "import",
                 str(export), "--source", "pms"],
                capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            (imported,) = Appointment.select().where(Appointment.source == "pms")
            assert imported.patient_id == office.patients["walter"]
            for terminal in (pilot, other):
                terminal.app.check_for_changes()  # the change watcher's poll, as every 250 ms
                await settle(terminal)
                assert f"a{imported.id}" in board(terminal).keys
