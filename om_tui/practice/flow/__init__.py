"""The patient flow: the board, the moves of a visit, finding patients at the desk."""
