"""Logging in: each person's hashed PIN or password, and their lockout after wrong tries."""

from peewee import DateTimeField, IntegerField, TextField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("staff", "secret", TextField(null=True)),
        migrator.add_column("staff", "failed_logins", IntegerField(default=0)),
        migrator.add_column("staff", "locked_until", DateTimeField(null=True)),
    )
