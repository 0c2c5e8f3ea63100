"""Orders and programs: what the owner and the manager order, and how it gets done."""
