"""The import queue: an imported appointment whose patient a person must tell (two
records fit, or a name without a birth date that someone already has) waits here, with
what the source said of it, until someone decides in the app — link it to one of the
practice's patients, add the patient as new, or skip it. One row per (source, external
id): the next import of the same appointment replaces it, or takes it away once the
patient is known."""

from peewee import CharField, DateTimeField, IntegerField, Model, TextField

from db.fields import NeverReusedId


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class ImportHeld(Base):
        id = NeverReusedId()
        source = CharField()
        external_id = CharField()
        patient_key = CharField(index=True)  # whom it waits for: a source number, or a name
        reason = CharField()
        record = TextField()  # the appointment as the source had it (JSON)
        file_name = CharField()
        line = IntegerField()
        held_at = DateTimeField()
        skipped_at = DateTimeField(null=True)  # a person set it aside: not asked again

        class Meta:
            indexes = ((("source", "external_id"), True),)

    db.create_tables([ImportHeld])
