"""Performance evaluations: the practice's criteria (with a default set), each
evaluation of a staff member over a period, and its ratings."""

from peewee import (
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

DEFAULT_CRITERIA = (
    ("Quality of work", "Their products are complete, correct and on time."),
    ("Keeps their hat on", "Does their post's duties and checklists; knows its policies."),
    ("Communication", "Passes on what others need, in writing where it matters; answers."),
    ("Initiative", "Sees what needs doing and does it, or gets it done, without being told."),
    ("Reliability", "On time, keeps their word, finishes what they start; orders done."),
)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Staff(Base):
        class Meta:
            table_name = "staff"

    class EvaluationCriterion(Base):
        name = CharField(unique=True)
        description = TextField(default="")
        position = FloatField(default=0)
        active = BooleanField(default=True)

    class Evaluation(Base):
        staff = ForeignKeyField(Staff)
        start = DateField()
        end = DateField()
        kind = CharField()
        status = CharField(default="draft", index=True)
        created_by = ForeignKeyField(Staff, null=True)
        created = DateTimeField()
        finished_by = ForeignKeyField(Staff, null=True)
        finished_at = DateTimeField(null=True)
        gathered = TextField(null=True)
        comments = TextField(default="")
        self_evaluation = TextField(default="")
        self_evaluated_at = DateTimeField(null=True)

    class EvaluationRating(Base):
        evaluation = ForeignKeyField(Evaluation, on_delete="CASCADE")
        criterion = ForeignKeyField(EvaluationCriterion)
        rating = IntegerField(null=True, constraints=[Check("rating BETWEEN 1 AND 5")])
        comment = TextField(default="")

        class Meta:
            indexes = ((("evaluation", "criterion"), True),)

    db.create_tables([EvaluationCriterion, Evaluation, EvaluationRating])
    EvaluationCriterion.insert_many(
        [
            {"name": name, "description": description, "position": position}
            for position, (name, description) in enumerate(DEFAULT_CRITERIA, start=1)
        ]
    ).execute()
