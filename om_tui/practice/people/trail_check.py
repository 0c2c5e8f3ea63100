"""`audit verify`: the trail's chain, its anchors and, deep, the tables against the trail.

Three checks, each of what the one before cannot see:

1. the chain: every entry hashed, each linked to the one before (db/audit.py): a row
   changed or removed in the middle;
2. the anchors (anchors.py): the newest entries cut off, or the trail rewritten from
   some entry on, after an anchor was written;
3. deep: the trail replayed against the tables (db/audit_replay.py): a write made
   around the capture triggers, which left nothing on the trail to chain.

Rows written with the trail paused on purpose are not held against it: the flow's
counts in computed stats (recounted from the visits, which are on the trail), the
evaluation criteria the schema itself put in, and, in the demo practice, everything it
made up. A finding names a table and a row's id, never a patient's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from peewee import Database

from db import audit_replay
from db.models import SettingKey, Stat, StatSource
from om_tui.practice import settings
from om_tui.practice.people import anchors, audit
from om_tui.practice.people.anchors import Anchor

SHOWN_ROWS = 20
"""Rows named one by one by --deep; more are counted."""
SEEDED = {"evaluation_criterion": 5}
"""Rows the schema's migrations put in, before anyone: table → how many (the first ids)."""


@dataclass(frozen=True)
class TrailCheck:
    ok: bool
    lines: list[str]


def check(database: Database, given: Sequence[Anchor] = (), *, deep: bool = False) -> TrailCheck:
    """The whole check; `lines` say what was found, first line first."""
    chain = audit.verify(database)
    if not chain.ok:
        return TrailCheck(False, [f"The audit trail has been tampered with. {chain.message}"])
    kept = anchors.found(database)
    held = anchors.check(database, [*kept, *given])
    rows = audit_replay.unexplained(database, _exempt(database)) if deep else []
    if held.problems:
        lines = ["The audit trail has been tampered with.", *held.problems, _held(held)]
    else:
        lines = [f"{chain.message} {_held(held)}"]
    if deep and not rows:
        lines[-1] += " Every row of the tables is as the trail says."
    elif rows:
        lines.append(
            f"{len(rows)} row(s) of the tables are not as the trail says (written around it):"
        )
        lines += [f"  {row}" for row in rows[:SHOWN_ROWS]]
        if len(rows) > SHOWN_ROWS:
            lines.append(f"  … and {len(rows) - SHOWN_ROWS} more rows.")
    return TrailCheck(not held.problems and not rows, lines)


def _held(held: anchors.Checked) -> str:
    replaced = (
        f" ({held.replaced} more, of the database a restore replaced, not checked)"
        if held.replaced
        else ""
    )
    if not held.checked:
        return f"No anchor of its head is kept yet{replaced}: a cut of its tail would not show."
    if held.problems:
        return f"Checked against {held.checked} anchor(s){replaced}."
    return f"It agrees with its {held.checked} anchor(s){replaced}."


def _exempt(database: Database) -> audit_replay.Exempt:
    """The rows the trail is not expected to explain (see the module's docstring)."""
    demo = settings.get(database, SettingKey.DEMO_DAY) is not None
    computed = {
        int(stat.id) for stat in Stat.select(Stat.id).where(Stat.source == StatSource.COMPUTED)
    }

    def exempt(table: str, row: Any, values: dict[str, Any]) -> bool:
        if demo:
            return True  # made up, not done: only what the trail recorded is held to it
        if table == "stat_value":
            return values.get("stat_id") in computed
        return isinstance(row, int) and row <= SEEDED.get(table, 0)

    return exempt
