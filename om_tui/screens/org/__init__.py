"""The organization's screens: the org board, hiring, someone leaving."""
