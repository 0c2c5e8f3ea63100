"""The schedule's screens: the appointment book, patients and their cards, rooms."""
