"""om-tui: the Office Manager's instrument panel for a small private practice."""

__version__ = "0.1.0"
