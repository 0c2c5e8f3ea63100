"""Who is logged in where, now: one row per login on a terminal, until it ends.

The audit trail says when a person logged in and out; this table lets the next om-tui
to start find the sessions whose process is gone without a word (killed, the machine
off) and close them on the trail as "ended without logout". It is bookkeeping, not the
record: its rows are not themselves on the trail (db/audit.py, UNAUDITED).
"""

from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
)

from db.fields import NeverReusedId


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Staff(Base):
        class Meta:
            table_name = "staff"

    class TerminalSession(Base):
        id = NeverReusedId()
        staff = ForeignKeyField(Staff)
        terminal = CharField()
        host = CharField()
        pid = IntegerField()
        process_start = CharField(default="")
        ssh_key = CharField(default="")
        started = DateTimeField()
        ended = DateTimeField(null=True, index=True)
        ending = CharField(null=True)

    db.create_tables([TerminalSession])
