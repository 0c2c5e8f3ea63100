"""The snapshot tests use the Pilot tests' demo practice, at the same fixed "now"."""

from ui.conftest import demo, demo_template  # noqa: F401  (fixtures, found by name)

# isort: split
# The stats screens' demo (with two years of stats), shared with the Pilot tests.
from ui.conftest import stats_demo, stats_demo_template  # noqa: F401
