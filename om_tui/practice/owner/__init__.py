"""The owner's domain: orders and programs, the line, the overview, the weekly report,
evaluations."""
