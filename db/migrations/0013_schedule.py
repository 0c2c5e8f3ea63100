"""The appointment book: the practice's appointment types (replacing the fixed three
kinds), its confirmation states and cancellation reasons, providers' working hours and
the practice's open hours, blockouts (a provider's, or the whole practice's: holidays),
recurring series; and on each appointment its type, state, room, cancellation, missed
mark, double-booking consent, series and the occurrence it replaces, the (source,
external id) of an import, and a version that screen edits check.

Existing appointments keep what they were: new_patient, regular and re_exam become the
types New patient, Regular and Re-exam; every one is Unconfirmed."""

from peewee import (
    SQL,
    AutoField,
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

from db import audit
from db.fields import NeverReusedId

TYPES = (
    # name, minutes, letter, counts as a new patient, the kind it replaces
    ("New patient", 45, "N", True, "new_patient"),
    ("Regular", 15, "R", False, "regular"),
    ("Re-exam", 30, "E", False, "re_exam"),
)
STATUSES = (("Unconfirmed", "?"), ("Left message", "~"), ("Confirmed", "✓"))
REASONS = (
    "Patient cancelled",
    "Patient ill",
    "Rescheduled",
    "Practice cancelled",
    "Weather",
    "Other",
)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Staff(Base):
        id = AutoField()

        class Meta:
            table_name = "staff"

    class Patient(Base):
        id = AutoField()

        class Meta:
            table_name = "patient"

    class Room(Base):
        id = AutoField()

        class Meta:
            table_name = "room"

    class AppointmentType(Base):
        id = NeverReusedId()
        name = CharField(unique=True)
        minutes = IntegerField()
        letter = CharField()
        new_patient = BooleanField(default=False)
        position = FloatField(default=0)
        active = BooleanField(default=True)

    class ConfirmationStatus(Base):
        id = NeverReusedId()
        name = CharField(unique=True)
        mark = CharField()
        position = FloatField(default=0)
        active = BooleanField(default=True)

    class CancelReason(Base):
        id = NeverReusedId()
        text = CharField(unique=True)
        position = FloatField(default=0)
        active = BooleanField(default=True)

    class WorkingHours(Base):
        id = NeverReusedId()
        staff = ForeignKeyField(Staff, null=True)
        weekday = IntegerField()
        start = CharField()
        end = CharField()

    class Blockout(Base):
        id = NeverReusedId()
        staff = ForeignKeyField(Staff, null=True)
        start = DateTimeField(index=True)
        end = DateTimeField()
        reason = TextField(default="")
        by = ForeignKeyField(Staff, null=True)
        created = DateTimeField()

    class AppointmentSeries(Base):
        id = NeverReusedId()
        patient = ForeignKeyField(Patient, on_delete="CASCADE")
        provider = ForeignKeyField(Staff, null=True)
        type = ForeignKeyField(AppointmentType, null=True)
        room = ForeignKeyField(Room, null=True)
        weekdays = CharField()
        at = CharField()
        length_minutes = IntegerField()
        every_weeks = IntegerField(default=1)
        first_day = DateField()
        until = DateField(null=True)
        count = IntegerField(null=True)
        created = DateTimeField()
        by = ForeignKeyField(Staff, null=True)

    db.create_tables(
        [
            AppointmentType,
            ConfirmationStatus,
            CancelReason,
            WorkingHours,
            Blockout,
            AppointmentSeries,
        ]
    )
    # The practice's starting lists are rows like any other: on the audit trail (its
    # capture triggers are off while migrations run; on for these three, then off again,
    # as a trigger naming appointment.kind would stop the column from being dropped).
    audit.install(db)
    for position, (name, minutes, letter, new, _kind) in enumerate(TYPES):
        AppointmentType.create(
            name=name, minutes=minutes, letter=letter, new_patient=new, position=position
        )
    for position, (name, mark) in enumerate(STATUSES):
        ConfirmationStatus.create(name=name, mark=mark, position=position)
    for position, text in enumerate(REASONS):
        CancelReason.create(text=text, position=position)
    audit.drop_capture(db)

    def not_null(field, default):
        # NOT NULL with a DEFAULT in the column itself: SQLite adds it in place, with no
        # rebuild of a table other tables point at.
        field.constraints = [SQL(f"DEFAULT {default}")]
        return field

    migrator.migrate(
        migrator.add_column(
            "appointment",
            "type_id",
            ForeignKeyField(AppointmentType, field=AppointmentType.id, null=True),
        ),
        migrator.add_column(
            "appointment",
            "status_id",
            ForeignKeyField(ConfirmationStatus, field=ConfirmationStatus.id, null=True),
        ),
        migrator.add_column(
            "appointment", "room_id", ForeignKeyField(Room, field=Room.id, null=True)
        ),
        migrator.add_column("appointment", "cancelled_at", DateTimeField(null=True)),
        migrator.add_column(
            "appointment", "cancelled_by_id", ForeignKeyField(Staff, field=Staff.id, null=True)
        ),
        migrator.add_column(
            "appointment",
            "cancel_reason_id",
            ForeignKeyField(CancelReason, field=CancelReason.id, null=True),
        ),
        migrator.add_column("appointment", "missed_at", DateTimeField(null=True)),
        migrator.add_column(
            "appointment", "missed_by_id", ForeignKeyField(Staff, field=Staff.id, null=True)
        ),
        migrator.add_column(
            "appointment",
            "double_booked",
            not_null(BooleanField(default=False), "FALSE"),
            allow_not_null=True,
        ),
        migrator.add_column(
            "appointment",
            "series_id",
            ForeignKeyField(
                AppointmentSeries, field=AppointmentSeries.id, null=True, on_delete="SET NULL"
            ),
        ),
        migrator.add_column("appointment", "replaces", DateTimeField(null=True)),
        migrator.add_column("appointment", "source", CharField(null=True)),
        migrator.add_column("appointment", "external_id", CharField(null=True)),
        migrator.add_column(
            "appointment", "version", not_null(IntegerField(default=0), 0), allow_not_null=True
        ),
        migrator.add_column("appointment", "booked_at", DateTimeField(null=True)),
        migrator.add_column(
            "appointment", "booked_by_id", ForeignKeyField(Staff, field=Staff.id, null=True)
        ),
    )
    for _name, _minutes, _letter, _new, kind in TYPES:
        db.execute_sql(
            "UPDATE appointment SET type_id = "
            "(SELECT id FROM appointment_type WHERE name = ?) WHERE kind = ?",
            (_name, kind),
        )
    db.execute_sql(
        "UPDATE appointment SET status_id = "
        "(SELECT id FROM confirmation_status WHERE name = 'Unconfirmed')"
    )
    migrator.migrate(
        migrator.drop_column("appointment", "kind"),
        migrator.add_index("appointment", ("source", "external_id"), True),
        migrator.add_index("appointment", ("series_id", "replaces"), True),
        migrator.add_index("appointment", ("provider_id", "start"), False),
        migrator.add_index("appointment", ("cancelled_at",), False),  # the stats count them
        migrator.add_index("appointment", ("missed_at",), False),
        migrator.add_index("working_hours", ("staff_id", "weekday"), False),
    )
