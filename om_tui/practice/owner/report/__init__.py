"""The weekly report (placeholder docstring)."""
