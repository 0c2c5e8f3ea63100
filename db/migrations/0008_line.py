"""The communication line: items filed for the owner, and each item's trail."""

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    Model,
    TextField,
)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Staff(Base):
        class Meta:
            table_name = "staff"

    class LineItem(Base):
        sender = ForeignKeyField(Staff)
        kind = CharField()
        text = TextField()
        priority = CharField(default="normal")
        urgent = BooleanField(default=False)
        created = DateTimeField()
        status = CharField(default="new", index=True)
        routed_at = DateTimeField(null=True)
        answer = CharField(null=True)
        answer_note = TextField(default="")
        answered_by = ForeignKeyField(Staff, null=True)
        answered_at = DateTimeField(null=True)
        seen_by_sender_at = DateTimeField(null=True)

    class LineEvent(Base):
        item = ForeignKeyField(LineItem, on_delete="CASCADE")
        who = ForeignKeyField(Staff, null=True)
        at = DateTimeField()
        what = CharField()
        note = TextField(default="")

    db.create_tables([LineItem, LineEvent])
