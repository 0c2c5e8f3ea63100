"""The practice's rules for the call lists, kept as settings, each with its range.

- Recall: a patient is due for a call once their last visit is older than the practice's
  interval for that visit's appointment type (a default for the types without one), and
  is looked for no further back than `lapsed_days` (older ones belong to a letter, not
  the week's calls).
- Contact spacing: a patient called from the recall or the unscheduled list is not called
  again within `spacing_days`; after `most_tries` days of calls since their last visit,
  the list gives up on them.
- Unscheduled: an appointment cancelled or missed shows once `unscheduled_days` have
  passed without the patient booking again (0: at once).

A value out of its range, stored by hand or by an older om-tui, is read as the default:
a list is never refused for a setting no screen could have written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from peewee import Database

from om_tui.practice import settings
from om_tui.practice.people.roles import checked
from om_tui.practice.settings import SettingError

RECALL_DAYS = "calls.recall_days"  # JSON: {"default": 180, "<type id>": days, …}
SPACING_DAYS = "calls.spacing_days"
MOST_TRIES = "calls.most_tries"
UNSCHEDULED_DAYS = "calls.unscheduled_days"
LAPSED_DAYS = "calls.lapsed_days"

RANGES: dict[str, tuple[int, int, int, str]] = {
    # key: (lowest, highest, default, what it is, for the refusal)
    SPACING_DAYS: (0, 90, 7, "Days between calls"),
    MOST_TRIES: (1, 20, 3, "Tries before the list gives up"),
    UNSCHEDULED_DAYS: (0, 60, 2, "Days before a broken appointment is listed"),
    LAPSED_DAYS: (30, 3650, 730, "How far back recall looks (days)"),
}
RECALL_RANGE = (7, 1825)
DEFAULT_RECALL_DAYS = 180


@dataclass(frozen=True)
class CallRules:
    """The rules as they stand: read once per list."""

    recall_default: int = DEFAULT_RECALL_DAYS
    recall_by_type: dict[int, int] = field(default_factory=dict)
    spacing_days: int = 7
    most_tries: int = 3
    unscheduled_days: int = 2
    lapsed_days: int = 730

    def recall_days(self, type_id: int | None) -> int:
        if type_id is None:
            return self.recall_default
        return self.recall_by_type.get(type_id, self.recall_default)

    @property
    def shortest_recall(self) -> int:
        return min([self.recall_default, *self.recall_by_type.values()])


def _within(text: str | None, key: str) -> int:
    lowest, highest, default, _ = RANGES[key]
    try:
        value = int(text) if text is not None else default
    except ValueError:
        return default
    return value if lowest <= value <= highest else default


def _recall(text: str | None) -> tuple[int, dict[int, int]]:
    lowest, highest = RECALL_RANGE
    try:
        stored = json.loads(text or "{}")
    except ValueError:
        stored = {}
    default, by_type = DEFAULT_RECALL_DAYS, {}
    for key, days in stored.items() if isinstance(stored, dict) else ():
        if not isinstance(days, int) or not lowest <= days <= highest:
            continue
        if key == "default":
            default = days
        elif isinstance(key, str) and key.isdigit():
            by_type[int(key)] = days
    return default, by_type


def load_rules(database: Database) -> CallRules:
    default, by_type = _recall(settings.get(database, RECALL_DAYS))
    return CallRules(
        recall_default=default,
        recall_by_type=by_type,
        spacing_days=_within(settings.get(database, SPACING_DAYS), SPACING_DAYS),
        most_tries=_within(settings.get(database, MOST_TRIES), MOST_TRIES),
        unscheduled_days=_within(settings.get(database, UNSCHEDULED_DAYS), UNSCHEDULED_DAYS),
        lapsed_days=_within(settings.get(database, LAPSED_DAYS), LAPSED_DAYS),
    )


@checked("settings", "changes the practice's settings")
def set_rule(database: Database, key: str, value: int, *, by: int | None) -> None:
    """One of the spacing, tries, unscheduled or look-back numbers, within its range."""
    if key not in RANGES:
        raise SettingError(f"No call-list setting is called {key!r}.")
    lowest, highest, _, what = RANGES[key]
    if not lowest <= value <= highest:
        raise SettingError(f"{what}: a whole number from {lowest} to {highest}.")
    settings.put(database, key, str(value))


@checked("settings", "changes the practice's settings")
def set_recall_days(database: Database, type_id: int | None, days: int, *, by: int | None) -> None:
    """The recall interval for an appointment type (None: the default for the others)."""
    lowest, highest = RECALL_RANGE
    if not lowest <= days <= highest:
        raise SettingError(f"A recall interval is from {lowest} to {highest} days.")
    default, by_type = _recall(settings.get(database, RECALL_DAYS))
    if type_id is None:
        default = days
    else:
        by_type[type_id] = days
    stored = {"default": default, **{str(k): v for k, v in sorted(by_type.items())}}
    settings.put(database, RECALL_DAYS, json.dumps(stored))
