"""What a person saw before an edit, and the check that the record is still that.

A screen that edits a record carries the values it showed; the practice operation
compares them, inside its own write transaction, with the record as it is now, and
refuses when another terminal removed or changed it meanwhile — so one person's
edit never silently overwrites another's. Ids are never reused, so a record found
by its id is the record that was shown, or gone.
"""

from __future__ import annotations

from collections.abc import Mapping

from om_tui.practice.refusal import Refusal


class ChangedElsewhere(Refusal):
    """The record was removed or changed on another terminal since it was shown."""


def removed(what: str) -> ChangedElsewhere:
    return ChangedElsewhere(f"{what} was removed on another terminal: nothing was saved.")


def require_unchanged(
    what: str, current: Mapping[str, object] | None, seen: Mapping[str, object] | None
) -> None:
    """Refuse unless each value seen is still the record's (`None` seen: nothing to check).

    `what` names the record for the person ("Jo Desk", "The hat Front desk");
    `current` is None when the record is gone.
    """
    if seen is None:
        return
    if current is None:
        raise removed(what)
    changed = [name.replace("_", " ") for name, value in seen.items() if current.get(name) != value]
    if changed:
        raise ChangedElsewhere(
            f"{what}: changed on another terminal since you opened it "
            f"({', '.join(changed)}): nothing was saved."
        )
