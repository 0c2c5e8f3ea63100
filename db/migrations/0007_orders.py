"""Orders and programs: an order to a person or a post, its answer and its chases; an
owner's program and its ordered steps (targets)."""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
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

    class Post(Base):
        class Meta:
            table_name = "post"

    class Order(Base):
        issued_by = ForeignKeyField(Staff)
        to_staff = ForeignKeyField(Staff, null=True)
        to_post = ForeignKeyField(Post, null=True)
        text = TextField()
        due_on = DateField(index=True)
        due_time = CharField(null=True)
        created = DateTimeField()
        status = CharField(default="open", index=True)
        reply = TextField(default="")
        reported_at = DateTimeField(null=True)
        reported_by = ForeignKeyField(Staff, null=True)
        remark = TextField(default="")
        answered_by = ForeignKeyField(Staff, null=True)
        answered_at = DateTimeField(null=True)
        sent_back = IntegerField(default=0)
        done_at = DateTimeField(null=True)
        chased = IntegerField(default=0)
        chased_at = DateTimeField(null=True)

        class Meta:
            table_name = "orders"  # plural: ORDER is an SQL keyword

    class Program(Base):
        name = CharField(unique=True)
        goal = TextField(default="")
        created = DateTimeField()
        created_by = ForeignKeyField(Staff, null=True)
        active = BooleanField(default=True)

    class ProgramStep(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        position = FloatField(default=0)
        text = TextField()
        to_staff = ForeignKeyField(Staff, null=True)
        to_post = ForeignKeyField(Post, null=True)
        due_on = DateField(null=True)
        done_at = DateTimeField(null=True)
        done_by = ForeignKeyField(Staff, null=True)
        note = TextField(default="")

    db.create_tables([Order, Program, ProgramStep])
