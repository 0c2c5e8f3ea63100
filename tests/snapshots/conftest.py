"""The snapshot tests use the Pilot tests' demo practice, at the same fixed "now"."""

from ui.conftest import demo, demo_template  # noqa: F401  (fixtures, found by name)
