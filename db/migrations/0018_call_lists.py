"""The front desk's call lists: each contact made (a call, a message left, a booking made
from a list, a patient's "do not contact"), the patients who want an earlier slot (the ASAP
list), the confirmation state "Not reachable" beside the practice's others, and an index
of kept appointments by patient, so a patient's last visit is found without a table scan
(the recall list reads every patient's)."""

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    Model,
    TextField,
)

from db import audit
from db.fields import NeverReusedId

NOT_REACHABLE = ("Not reachable", "✗")


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Staff(Base):
        class Meta:
            table_name = "staff"

    class Patient(Base):
        class Meta:
            table_name = "patient"

    class Appointment(Base):
        class Meta:
            table_name = "appointment"

    class ConfirmationStatus(Base):
        id = NeverReusedId()
        name = CharField(unique=True)
        mark = CharField()
        position = FloatField(default=0)
        active = BooleanField(default=True)

        class Meta:
            table_name = "confirmation_status"

    class CallContact(Base):
        id = NeverReusedId()
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        appointment = ForeignKeyField(Appointment, null=True, on_delete="SET NULL")
        listed = CharField()
        outcome = CharField()
        at = DateTimeField(index=True)
        by = ForeignKeyField(Staff, null=True)
        booked = ForeignKeyField(Appointment, null=True, on_delete="SET NULL")
        note = TextField(default="")

    class AsapRequest(Base):
        id = NeverReusedId()
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        provider = ForeignKeyField(Staff, null=True)
        weekdays = CharField(default="")
        earliest = CharField(default="")
        latest = CharField(default="")
        note = TextField(default="")
        created = DateTimeField()
        by = ForeignKeyField(Staff, null=True)
        ended = DateTimeField(null=True, index=True)
        ended_by = ForeignKeyField(Staff, null=True)
        booked = ForeignKeyField(Appointment, null=True, on_delete="SET NULL")

    db.create_tables([CallContact, AsapRequest])
    # The practice's states are rows like any other: on the trail (see 0013).
    audit.install(db)
    name, mark = NOT_REACHABLE
    if not ConfirmationStatus.select().where(ConfirmationStatus.name == name).exists():
        last = (
            ConfirmationStatus.select(ConfirmationStatus.position)
            .order_by(ConfirmationStatus.position.desc())
            .first()
        )
        position = (last.position + 1) if last is not None else 0
        ConfirmationStatus.create(name=name, mark=mark, position=position, active=True)
    audit.drop_capture(db)
    # Every column the recall list reads, so that the index alone answers it.
    db.execute_sql(
        "CREATE INDEX appointment_kept_by_patient ON appointment "
        "(patient_id, start, type_id, provider_id, cancelled_at, missed_at) "
        "WHERE cancelled_at IS NULL AND missed_at IS NULL"
    )
    db.execute_sql("CREATE INDEX call_contact_patient_at ON call_contact (patient_id, at)")
