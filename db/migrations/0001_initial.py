"""The first schema: patients, staff, rooms, appointments, visits and their events."""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
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

    class Setting(Base):
        key = CharField(primary_key=True)
        value = TextField()

    class Patient(Base):
        first_name = CharField()
        last_name = CharField()
        dob = DateField(null=True)
        phone = CharField(default="")
        chart_number = CharField(unique=True)
        created = DateTimeField()

    class Staff(Base):
        name = CharField()
        initials = CharField()
        role = CharField()
        provider = BooleanField(default=False)
        active = BooleanField(default=True)

    class Room(Base):
        name = CharField(unique=True)
        position = IntegerField(default=0)

    class Appointment(Base):
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        provider = ForeignKeyField(Staff, null=True)
        start = DateTimeField(index=True)
        length_minutes = IntegerField(default=30)
        kind = CharField(default="regular")

    class Visit(Base):
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        appointment = ForeignKeyField(Appointment, null=True, unique=True, on_delete="SET NULL")
        date = DateField(index=True)
        stage = CharField()
        room = ForeignKeyField(Room, null=True)
        provider = ForeignKeyField(Staff, null=True)

    class VisitEvent(Base):
        visit = ForeignKeyField(Visit, on_delete="CASCADE")
        stage = CharField()
        at = DateTimeField(index=True)
        by = ForeignKeyField(Staff, null=True)
        undone_at = DateTimeField(null=True)

    db.create_tables([Setting, Patient, Staff, Room, Appointment, Visit, VisitEvent])
