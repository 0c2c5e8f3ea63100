"""The communication line: anything for the owner goes through it."""
