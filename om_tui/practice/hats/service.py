"""The hats service: one object for the screens and the command line, assembled from the parts.

A checklist item is due once per period (periods.py); a tick at or before the deadline is
on time, after it late (my_hat.py); compliance is done on time ÷ due (compliance.py);
policies and their attestations (policies.py), training checksheets (checksheets.py), the
hat editor's writes (editing.py) and leave (leave.py) are each their own part. Each part
reads and writes through the ground they share (base.py).
"""

from __future__ import annotations

from om_tui.practice.hats.editing import HatEditing
from om_tui.practice.hats.my_hat import HatWork


class Hats(HatWork, HatEditing):
    """The practice's hats: writing them, working from them, and measuring compliance."""
