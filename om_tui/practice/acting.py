"""What every part of the practice that reads and changes in a person's name holds: the
store, the clock, the practice's settings and who acts (None or the administrator for the
command line). The flow board, the book and the patient records share it."""

from __future__ import annotations

import datetime as dt

from peewee import Database

from om_tui.practice.clock import Clock
from om_tui.practice.settings import PracticeSettings


class Acting:
    """Read and changed in the name of `staff_id`, on the practice's own clock and day."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        settings: PracticeSettings,
        staff_id: int | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.settings = settings
        self.staff_id = staff_id

    def today(self) -> dt.date:
        return self.settings.today(self.clock.now())
