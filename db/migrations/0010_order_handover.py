"""Orders given to someone else: whose each was, its due then, and whether it was missed
(given on past its deadline): a miss stays on the record of whose it was; the chases
were theirs too, and stay with the handover. A hat removed
since leaves its handovers (given on in time: nothing of theirs to keep) without it."""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
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
        class Meta:
            table_name = "orders"

    class OrderHandover(Base):
        order = ForeignKeyField(Order, on_delete="CASCADE")
        from_staff = ForeignKeyField(Staff, null=True)
        from_post = ForeignKeyField(Post, null=True, on_delete="SET NULL")
        due_on = DateField(index=True)
        due_time = CharField(null=True)
        at = DateTimeField()
        by = ForeignKeyField(Staff)
        missed = BooleanField(default=False)
        chased = IntegerField(default=0)

    db.create_tables([OrderHandover])
