"""Care plans: a patient's plan of visits in phases ("12 visits at 3 a week, then 8 at 2
a week, then once a week"), with its provider and appointment type, its state (active,
paused, ended) and a version that screen edits check; and each pause, resume, change
and end of a plan with its reason, who and when."""

from peewee import (
    AutoField,
    CharField,
    DateField,
    DateTimeField,
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

    class Patient(Base):
        id = AutoField()

        class Meta:
            table_name = "patient"

    class Staff(Base):
        id = AutoField()

        class Meta:
            table_name = "staff"

    class AppointmentType(Base):
        id = AutoField()

        class Meta:
            table_name = "appointment_type"

    class CarePlan(Base):
        id = NeverReusedId()
        patient = ForeignKeyField(Patient, on_delete="CASCADE", index=True)
        provider = ForeignKeyField(Staff, null=True)
        type = ForeignKeyField(AppointmentType, null=True)
        phases = CharField()
        first_day = DateField()
        state = CharField(default="active", index=True)
        paused_since = DateField(null=True)
        paused_days = IntegerField(default=0)
        ended_on = DateField(null=True)
        created = DateTimeField()
        by = ForeignKeyField(Staff, null=True)
        version = IntegerField(default=0)

    class CarePlanEvent(Base):
        id = NeverReusedId()
        plan = ForeignKeyField(CarePlan, on_delete="CASCADE", index=True)
        kind = CharField()
        day = DateField()
        reason = TextField(default="")
        before = CharField(default="")
        at = DateTimeField()
        by = ForeignKeyField(Staff, null=True)

    db.create_tables([CarePlan, CarePlanEvent])
