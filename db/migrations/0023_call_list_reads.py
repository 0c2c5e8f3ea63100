"""The recall list reads only its look-back window (two years by default), not ten years
of the book: an index of the kept appointments by time, holding every column the list
reads, so that the window's appointments — and the later ones that take a patient off
the list — are found without reading the table or the years before; and an index of the
few records no list shows (inactive, merged away), so they are left out without reading
every patient. And each patient's visits by day, holding the stage: care plans' pace
counts the kept visits of every plan's patient from its first day from the index alone.

Nothing is stored that a write could leave wrong: each read works the list out from the
appointments as they are, whichever way they were written (booked, moved, cancelled,
marked missed, undone, imported, merged)."""

from peewee import SqliteDatabase


def up(migrator, db):
    db.execute_sql(
        "CREATE INDEX appointment_kept_by_start ON appointment "
        "(start, patient_id, type_id, provider_id, cancelled_at, missed_at) "
        "WHERE cancelled_at IS NULL AND missed_at IS NULL"
    )
    db.execute_sql("CREATE INDEX visit_patient_date ON visit (patient_id, date, stage)")
    off = "active = 0" if isinstance(db, SqliteDatabase) else "NOT active"
    db.execute_sql(
        f"CREATE INDEX patient_off_lists ON patient (id) WHERE {off} OR merged_into_id IS NOT NULL"
    )


def down(migrator, db):
    db.execute_sql("DROP INDEX patient_off_lists")
    db.execute_sql("DROP INDEX appointment_kept_by_start")
    db.execute_sql("DROP INDEX visit_patient_date")
