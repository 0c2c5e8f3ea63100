"""The practice's no-show rule, recorded once, and the book read by its times.

`rule_applied` on an appointment says the no-show rule has marked it missed already (it
stays when the mark is taken back, so a patient the desk says did come is not marked
again on the next terminal's tick).

The indexes on `cancelled_at` and `missed_at` become partial (only the rows that have
one): every read of the book asks "not cancelled" (cancelled_at IS NULL), and SQLite,
seeing an index for it, read nearly the whole table through it instead of the day's
rows by start. The stats' ranges (cancelled this week) still use them.
"""

from peewee import SQL, BooleanField

_NO = SQL("DEFAULT FALSE")
_PARTIAL = ("cancelled_at", "missed_at")


def up(migrator, db):
    migrator.migrate(
        migrator.add_column(
            "appointment", "rule_applied", BooleanField(default=False, constraints=[_NO])
        ),
        *(migrator.drop_index("appointment", f"appointment_{column}") for column in _PARTIAL),
    )
    for column in _PARTIAL:
        db.execute_sql(
            f"CREATE INDEX appointment_{column} ON appointment ({column}) "
            f"WHERE {column} IS NOT NULL"
        )


def down(migrator, db):
    for column in _PARTIAL:
        db.execute_sql(f"DROP INDEX appointment_{column}")
    migrator.migrate(
        migrator.drop_column("appointment", "rule_applied"),
        *(migrator.add_index("appointment", (column,), False) for column in _PARTIAL),
    )
