"""Statistical management: posts, stats, their values, and condition overrides."""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
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

    class Post(Base):
        title = CharField(unique=True)
        position = FloatField(default=0)

    class Stat(Base):
        name = CharField()
        short_name = CharField(unique=True)
        unit = CharField(default="count")
        post = ForeignKeyField(Post, null=True, on_delete="SET NULL")
        entered_by = ForeignKeyField(Staff, null=True)
        daily = BooleanField(default=False)
        weekly = BooleanField(default=True)
        up_is_good = BooleanField(default=True)
        quota = FloatField(null=True)
        source = CharField(default="entered")
        computed = CharField(null=True)
        formula = TextField(null=True)
        rollup = CharField(default="sum")
        gap_is_zero = BooleanField(default=False)
        thresholds = TextField(null=True)
        scale_bottom = FloatField(null=True)
        scale_top = FloatField(null=True)
        position = FloatField(default=0)
        active = BooleanField(default=True)
        created = DateTimeField()

    class StatValue(Base):
        stat = ForeignKeyField(Stat, on_delete="CASCADE")
        period = CharField()
        day = DateField()
        value = FloatField()
        by = ForeignKeyField(Staff, null=True)
        at = DateTimeField()

        class Meta:
            indexes = ((("stat", "period", "day"), True),)

    class ConditionOverride(Base):
        stat = ForeignKeyField(Stat, on_delete="CASCADE")
        week = DateField()
        condition = CharField()
        reason = TextField()
        by = ForeignKeyField(Staff, null=True)
        at = DateTimeField()

        class Meta:
            indexes = ((("stat", "week"), True),)

    db.create_tables([Post, Stat, StatValue, ConditionOverride])
