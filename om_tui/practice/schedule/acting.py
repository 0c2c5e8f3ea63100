"""Who is acting, and whether their role lets them: the practice's one check
(`om_tui.practice.people.roles`), as the patient records and the rooms ask it.

The person is the one acting on the terminal; the command line, the demo and the first
run act as `roles.ADMINISTRATOR`. No one (None) is refused.
"""

from __future__ import annotations

from om_tui.practice.people.roles import NotAllowed as NotAllowed
from om_tui.practice.people.roles import require as require
