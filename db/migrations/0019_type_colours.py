"""An appointment type's colour: the practice tells its types apart at a glance. One of a
few named colours the terminal's theme draws (om_tui.practice.schedule.types.COLOURS);
empty: the book's usual text colour."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("appointment_type", "colour", CharField(default="")),
    )
