"""The demo practice: made through the practice's own operations, like any client."""
