"""The practice's no-show rule, recorded once: `rule_applied` on an appointment says the
rule has marked it missed already (and stays when the mark is taken back, so a patient
the desk says did come is not marked again on the next terminal's tick)."""

from peewee import SQL, BooleanField

_NO = SQL("DEFAULT FALSE")


def up(migrator, db):
    migrator.migrate(
        migrator.add_column(
            "appointment", "rule_applied", BooleanField(default=False, constraints=[_NO])
        ),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("appointment", "rule_applied"))
