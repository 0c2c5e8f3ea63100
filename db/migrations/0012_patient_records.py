"""Patient records the front desk keeps, and rooms the practice sets up.

A patient gains an email, notes, whether they are still a patient (`active`: an
inactive one keeps their history but is not offered at check-in or booking), the
record they were merged into (a duplicate merged away is inactive and points at the
one kept), and `revision`: the practice-wide count of record changes when this one
last changed, so a terminal can tell that a record changed since it was shown, and
the check-in search can pick up just the records changed since it last read them.

A room can be retired: it stays on the visits it was used for, is no longer offered,
and its name is free for a new room. Names are unique among the rooms not retired.
"""

from peewee import SQL, BooleanField, CharField, ForeignKeyField, IntegerField, Model, TextField

# Defaults in the table too: a row written by SQL that does not name the new columns
# (an older script, the audit tests' raw inserts) gets what the models would give it.
_EMPTY = SQL("DEFAULT ''")
_YES = SQL("DEFAULT TRUE")
_NO = SQL("DEFAULT FALSE")
_ZERO = SQL("DEFAULT 0")


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Patient(Base):
        class Meta:
            table_name = "patient"

    migrator.migrate(
        migrator.add_column("patient", "email", CharField(default="", constraints=[_EMPTY])),
        migrator.add_column("patient", "notes", TextField(default="", constraints=[_EMPTY])),
        migrator.add_column("patient", "active", BooleanField(default=True, constraints=[_YES])),
        migrator.add_column(
            "patient",
            "merged_into_id",
            ForeignKeyField(  # type: ignore[call-overload]
                Patient,
                null=True,
                field=Patient._meta.primary_key,  # the table's id, declared by peewee
                on_delete="SET NULL",
            ),
        ),
        migrator.add_column("patient", "revision", IntegerField(default=0, constraints=[_ZERO])),
        migrator.add_index("patient", ("revision",), False),
        migrator.add_column("room", "retired", BooleanField(default=False, constraints=[_NO])),
        migrator.drop_index("room", "room_name"),
    )
    db.execute_sql("CREATE UNIQUE INDEX room_name_in_use ON room (name) WHERE NOT retired")
