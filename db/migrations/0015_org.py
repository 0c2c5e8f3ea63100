"""The organization: divisions, departments and where each post stands; hiring; leaving.

- A division holds departments, a department holds posts (the hats), each in an order
  the practice sets. A post stands in one department at most (`org_place.post` is
  unique); a department that still holds posts, or a division that still holds
  departments, cannot be deleted (the foreign keys refuse it). A post deleted from the
  hat editor leaves the board with it.
- An opening is a post being hired for. Its candidates, and each step they took (dated,
  by whom), are deleted — not hidden — some time after the opening closes.
- Someone leaving: an off-boarding with its end date, and the practice's own checklist
  items ticked for it. Nothing of the person is deleted.
"""

from peewee import (
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
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

    class Post(Base):
        class Meta:
            table_name = "post"

    class OrgDivision(Base):
        id = NeverReusedId()
        name = CharField(unique=True)
        product = TextField(default="")
        position = FloatField(default=0)

    class OrgDepartment(Base):
        id = NeverReusedId()
        division = ForeignKeyField(OrgDivision)
        name = CharField(unique=True)
        product = TextField(default="")
        position = FloatField(default=0)

    class OrgPlace(Base):
        id = NeverReusedId()
        post = ForeignKeyField(Post, unique=True, on_delete="CASCADE")
        department = ForeignKeyField(OrgDepartment)
        position = FloatField(default=0)

    class Opening(Base):
        id = NeverReusedId()
        post = ForeignKeyField(Post)
        note = TextField(default="")
        opened = DateTimeField()
        opened_by = ForeignKeyField(Staff, null=True)
        closed = DateTimeField(null=True, index=True)
        closed_by = ForeignKeyField(Staff, null=True)

    class Candidate(Base):
        id = NeverReusedId()
        opening = ForeignKeyField(Opening, on_delete="CASCADE")
        name = CharField()
        contact = CharField(default="")
        source = CharField(default="")
        notes = TextField(default="")
        stage = CharField()
        revision = IntegerField(default=0)
        hired = ForeignKeyField(Staff, null=True, on_delete="SET NULL")

    class CandidateStep(Base):
        id = NeverReusedId()
        candidate = ForeignKeyField(Candidate, on_delete="CASCADE")
        stage = CharField()
        day = DateField()
        reason = TextField(default="")
        at = DateTimeField()
        by = ForeignKeyField(Staff, null=True)

    class Offboarding(Base):
        id = NeverReusedId()
        staff = ForeignKeyField(Staff)
        end_date = DateField()
        started = DateTimeField()
        started_by = ForeignKeyField(Staff, null=True)
        finished = DateTimeField(null=True)

    class OffboardingTick(Base):
        id = NeverReusedId()
        offboarding = ForeignKeyField(Offboarding, on_delete="CASCADE")
        item = CharField()
        at = DateTimeField()
        by = ForeignKeyField(Staff, null=True)

        class Meta:
            indexes = ((("offboarding", "item"), True),)

    db.create_tables(
        [
            OrgDivision,
            OrgDepartment,
            OrgPlace,
            Opening,
            Candidate,
            CandidateStep,
            Offboarding,
            OffboardingTick,
        ]
    )
