"""Index patients by date of birth: the walk-in duplicate check looks them up by it."""


def up(migrator, db):
    migrator.migrate(migrator.add_index("patient", ("dob",), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("patient", "patient_dob"))
