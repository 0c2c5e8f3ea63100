"""People's screens: the staff roster, login, the first run, the audit trail."""
