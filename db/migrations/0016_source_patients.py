"""Patients' numbers in the practice's other systems: an import from a PMS, an EHR or an
HL7 feed finds a patient by the number that system gives them (PatNum, account number,
PID-3), before trying name and birth date."""

from peewee import CharField, ForeignKeyField, Model

from db.fields import NeverReusedId


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Patient(Base):
        class Meta:
            table_name = "patient"

    class SourcePatient(Base):
        id = NeverReusedId()
        source = CharField()
        number = CharField()
        patient = ForeignKeyField(Patient, on_delete="CASCADE")

        class Meta:
            indexes = ((("source", "number"), True),)

    db.create_tables([SourcePatient])
