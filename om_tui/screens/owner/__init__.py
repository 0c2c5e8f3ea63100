"""The owner's screens: orders, programs, the line, the overview, the weekly report, evaluations."""
