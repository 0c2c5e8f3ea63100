"""An evaluation criterion's name and what it means: the form behind `a` and `e` on the
criteria screen (names are unique whatever the case, among those in use and retired)."""

from __future__ import annotations

from collections.abc import Collection

from om_tui.practice.owner.evaluations.views import LONGEST_DESCRIPTION, LONGEST_NAME, Criterion
from om_tui.screens.named_form import NamedFields, NamedForm


class CriterionForm(NamedForm):
    """A criterion's name and what it means; Enter in either field saves."""

    THING = "criterion"
    NAME_EXAMPLE = "Patient care"
    ABOUT_LABEL = "What it means (shown when rating; optional)"
    ABOUT_EXAMPLE = "Kind, on time, explains what happens next."
    NAME_LONGEST = LONGEST_NAME
    ABOUT_LONGEST = LONGEST_DESCRIPTION

    def __init__(
        self,
        heading: str,
        others: Collection[Criterion],
        fields: NamedFields | None = None,
        about: str = "",
    ) -> None:
        super().__init__(heading, fields, intro=about)
        self._others = {other.name.casefold(): other for other in others}

    def taken(self, name: str) -> str | None:
        other = self._others.get(name.casefold())
        if other is None:
            return None
        return f"There is already a criterion called {other.name!r}" + (
            "." if other.active else ", retired: r on it brings it back."
        )
