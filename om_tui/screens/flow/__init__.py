"""The flow's screens: the board, check-in, walk-in."""
