"""The demo practice's organization: the default structure, laid out once."""

from __future__ import annotations

from peewee import Database

from om_tui.practice.clock import Clock
from om_tui.practice.org.access import ADMINISTRATOR
from om_tui.practice.org.structure import Structure


def open_demo_org(database: Database, clock: Clock) -> None:
    """The default structure for a small practice, with the demo's posts placed in it."""
    structure = Structure(database, ADMINISTRATOR)
    if structure.is_empty():
        structure.lay_out_default()
