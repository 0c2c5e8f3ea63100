"""The stats' screens: the board, entry, graphs, conditions."""
