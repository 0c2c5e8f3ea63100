"""What the office does, in plain Python: flow, settings, search. No Textual here."""
