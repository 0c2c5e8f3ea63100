"""Hats: a post's write-up, holders, duties, checklists and ticks, checksheets,
policies and attestations, and leave."""

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
    migrator.migrate(
        migrator.add_column("post", "purpose", TextField(default="")),
        migrator.add_column("post", "product", TextField(default="")),
    )

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

    class HatHolder(Base):
        post = ForeignKeyField(Post)
        staff = ForeignKeyField(Staff)
        since = DateField()
        until = DateField(null=True)

    class Duty(Base):
        post = ForeignKeyField(Post, on_delete="CASCADE")
        text = TextField()
        position = FloatField(default=0)

    class ChecklistItem(Base):
        key = IntegerField(index=True)
        post = ForeignKeyField(Post, on_delete="CASCADE")
        text = TextField()
        frequency = CharField(default="daily")
        due_time = CharField(null=True)
        shared = BooleanField(default=False)
        position = FloatField(default=0)
        start = DateField()
        end = DateField(null=True)
        created = DateTimeField()

    class Tick(Base):
        item = ForeignKeyField(ChecklistItem, on_delete="CASCADE")
        key = IntegerField()
        due_on = DateField(index=True)
        holder = IntegerField()
        by = ForeignKeyField(Staff, null=True)
        at = DateTimeField()

        class Meta:
            indexes = ((("key", "due_on", "holder"), True),)

    class ChecksheetStep(Base):
        post = ForeignKeyField(Post, on_delete="CASCADE")
        text = TextField()
        position = FloatField(default=0)
        active = BooleanField(default=True)

    class StepSignoff(Base):
        step = ForeignKeyField(ChecksheetStep, on_delete="CASCADE")
        staff = ForeignKeyField(Staff)
        signed_by = ForeignKeyField(Staff, null=True)
        at = DateTimeField()

        class Meta:
            indexes = ((("step", "staff"), True),)

    class Policy(Base):
        title = CharField(unique=True)
        created = DateTimeField()

    class PolicyVersion(Base):
        policy = ForeignKeyField(Policy, on_delete="CASCADE")
        number = IntegerField()
        body = TextField()
        by = ForeignKeyField(Staff, null=True)
        at = DateTimeField()

        class Meta:
            indexes = ((("policy", "number"), True),)

    class PolicyPost(Base):
        policy = ForeignKeyField(Policy, on_delete="CASCADE")
        post = ForeignKeyField(Post, on_delete="CASCADE")

        class Meta:
            indexes = ((("policy", "post"), True),)

    class Attestation(Base):
        version = ForeignKeyField(PolicyVersion, on_delete="CASCADE")
        staff = ForeignKeyField(Staff)
        at = DateTimeField()

        class Meta:
            indexes = ((("version", "staff"), True),)

    class Leave(Base):
        staff = ForeignKeyField(Staff)
        start = DateField()
        end = DateField()
        note = TextField(default="")

    db.create_tables(
        [
            HatHolder,
            Duty,
            ChecklistItem,
            Tick,
            ChecksheetStep,
            StepSignoff,
            Policy,
            PolicyVersion,
            PolicyPost,
            Attestation,
            Leave,
        ]
    )
