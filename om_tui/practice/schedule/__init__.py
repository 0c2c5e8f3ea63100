"""The schedule: the practice's patients, rooms, appointment types, providers' hours and the
appointment book that feeds the flow board. Plain Python, no Textual."""
