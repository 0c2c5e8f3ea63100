"""The practice's people: staff and logins, roles, sessions, the audit trail, backups,
SSH access."""
