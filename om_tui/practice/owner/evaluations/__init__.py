"""Performance evaluations: figures gathered, criteria rated, comments, history."""
