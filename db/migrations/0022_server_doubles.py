"""On a PostgreSQL server, numbers with a fraction (stats' values, quotas, scales,
positions) are double precision, as SQLite's REAL is. peewee's FloatField makes REAL
columns there, which PostgreSQL keeps in single precision (about six significant digits):
a week's collections of 1234567.89 would read back as 1234568. The server's field type
for them is double precision from now on (db/postgres.py); this widens the columns made
before. Values already rounded stay as they are. Nothing changes on SQLite.
"""

from peewee import SqliteDatabase


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    columns = db.execute_sql(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND data_type = 'real'"
        " ORDER BY table_name, column_name"
    ).fetchall()
    for table, column in columns:
        db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE double precision')


def down(migrator, db):
    pass  # narrowing them again would round the values
