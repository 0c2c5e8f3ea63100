"""The stats service: reading (board.py) and writing stats — values typed, values
computed, conditions overridden, stats defined, changed and retired.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from db.models import (
    ConditionOverride,
    Post,
    Stat,
    StatSource,
    StatValue,
    utc_naive,
)
from om_tui.practice.limits import (
    REASON,
    STAT_SHORT_NAME,
    checked_text,
)
from om_tui.practice.people import audit
from om_tui.practice.people.roles import checked, recorded, require
from om_tui.practice.seen import require_unchanged
from om_tui.practice.stats.board import StatsReading, _rows
from om_tui.practice.stats.conditions import Condition, ConditionRule
from om_tui.practice.stats.figures import CALL_FIGURES, COMPUTED, HIRING_FIGURES, flow_figures
from om_tui.practice.stats.formulas import check_formulas
from om_tui.practice.stats.values import (
    UNITS,
    StatError,
    StatGone,
    _checked_settings,
    check_value,
    no_such_post,
)


class Stats(StatsReading):
    """The practice's stats: what they are, their values by week, and their conditions."""

    # -- writing ------------------------------------------------------------------------

    @checked("stats_edit", "enters stat values")
    def enter(
        self,
        stat_id: int,
        value: float,
        *,
        week: dt.date | None = None,
        day: dt.date | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> None:
        """Save a typed value for a week (or a day): one row, replaced if typed again.

        `seen`: {"value": the value stored when the screen showed it, or None}; a value
        typed on another terminal since is not written over."""
        period, when = ("day", day) if day is not None else ("week", week or self.this_week())
        assert when is not None
        with self.database.atomic():
            stat = Stat.get_or_none(Stat.id == stat_id)
            if stat is None or not stat.active:
                raise StatGone("That stat was removed on another terminal; nothing was saved.")
            if stat.source != StatSource.ENTERED:
                raise StatError(f"{stat.name} is {stat.source}, not typed.")
            self._check_seen(stat, period, when, seen)
            self._put(stat_id, period, when, check_value(value, stat.unit))

    @checked("stats_edit", "enters stat values")
    def clear(
        self,
        stat_id: int,
        *,
        week: dt.date | None = None,
        day: dt.date | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> None:
        """Take a typed value away; `seen` as for `enter`."""
        period, when = ("day", day) if day is not None else ("week", week or self.this_week())
        assert when is not None
        with self.database.atomic():
            stat = Stat.get_or_none(Stat.id == stat_id)
            if stat is None:
                raise StatGone("That stat was removed on another terminal; nothing was saved.")
            self._check_seen(stat, period, when, seen)
            StatValue.delete().where(
                StatValue.stat == stat_id, StatValue.period == period, StatValue.day == when
            ).execute()

    def _check_seen(
        self, stat: Stat, period: str, when: dt.date, seen: Mapping[str, object] | None
    ) -> None:
        current = {"value": self.stored([stat.id], period, when).get(stat.id)}
        require_unchanged(stat.name, current, seen)

    def _put(
        self, stat_id: int, period: str, day: dt.date, value: float, *, counted: bool = False
    ) -> None:
        """Store a value: typed by this service's person, or `counted` from the flow (by no one)."""
        now = utc_naive(self.clock.now())
        by = None if counted else recorded(self.staff_id)
        StatValue.insert(
            stat=stat_id, period=period, day=day, value=value, by=by, at=now
        ).on_conflict(
            conflict_target=[StatValue.stat, StatValue.period, StatValue.day],
            update={StatValue.value: value, StatValue.by: by, StatValue.at: now},
        ).execute()

    def recompute(self, week: dt.date | None = None) -> dict[str, float | None]:
        """Count this week's flow figures into the computed stats (stored as weekly values)."""
        week = week or self.this_week()
        start, end = self.weeks.bounds(week)
        figures = flow_figures(start, end)
        computed = list(
            Stat.select().where(Stat.source == StatSource.COMPUTED, Stat.active == True)  # noqa: E712
        )
        if any(stat.computed in HIRING_FIGURES for stat in computed):
            from om_tui.practice.org.hiring_counts import (
                hiring_figures,  # reads stats: imported late
            )

            counted = hiring_figures(self.weeks, week, self.clock.now())
            if counted is None:  # its candidates may be deleted: the stored count stands
                computed = [stat for stat in computed if stat.computed not in HIRING_FIGURES]
            else:
                figures = {**figures, **counted}
        if any(stat.computed in CALL_FIGURES for stat in computed):
            from om_tui.practice.calls.figures import call_figures  # reads stats: imported late

            figures = {**figures, **call_figures(start, end)}
        stored = dict(
            _rows(
                StatValue.select(StatValue.stat, StatValue.value)
                .where(
                    StatValue.stat.in_([s.id for s in computed]),
                    StatValue.period == "week",
                    StatValue.day == week,
                )
                .tuples()
            )
        )
        changed = [s for s in computed if figures.get(s.computed or "") != stored.get(s.id)]
        if not changed:
            return figures  # no commit: other terminals have nothing to re-read
        # A count of visits the trail holds already, made whenever a screen looks: no one's
        # change, so not put on the trail in the name of whoever happened to open Stats.
        with audit.suspended(self.database), self.database.atomic():
            require(self.database, self.staff_id, "stats", "counts the flow into stats")
            for stat in changed:
                value = figures.get(stat.computed or "")
                if value is None:
                    StatValue.delete().where(
                        StatValue.stat == stat.id, StatValue.period == "week", StatValue.day == week
                    ).execute()
                else:
                    self._put(stat.id, "week", week, value, counted=True)
        return figures

    @checked("stats_edit", "overrides conditions")
    def override(
        self,
        stat_id: int,
        week: dt.date,
        condition: Condition | None,
        reason: str,
        seen: Mapping[str, object] | None = None,
    ) -> None:
        """The manager's condition for a week (None takes the override away).

        `seen`: {"override": the (condition, reason) the screen showed, or None}; an
        override made or changed on another terminal since is not written over."""
        with self.database.atomic():
            stat = Stat.get_or_none(Stat.id == stat_id)
            if stat is None:
                raise StatGone("That stat was removed on another terminal.")
            found = ConditionOverride.get_or_none(
                ConditionOverride.stat == stat_id, ConditionOverride.week == week
            )
            current = None if found is None else (found.condition, found.reason)
            require_unchanged(f"{stat.name}'s condition", {"override": current}, seen)
            if condition is None:
                ConditionOverride.delete().where(
                    ConditionOverride.stat == stat_id, ConditionOverride.week == week
                ).execute()
                return
            if not reason.strip():
                raise StatError("Say why: an override keeps its reason.")
            reason = checked_text(reason, REASON, StatError)
            now = utc_naive(self.clock.now())
            ConditionOverride.insert(
                stat=stat_id,
                week=week,
                condition=condition,
                reason=reason.strip(),
                by=recorded(self.staff_id),
                at=now,
            ).on_conflict(
                conflict_target=[ConditionOverride.stat, ConditionOverride.week],
                update={
                    ConditionOverride.condition: condition,
                    ConditionOverride.reason: reason.strip(),
                    ConditionOverride.by: recorded(self.staff_id),
                    ConditionOverride.at: now,
                },
            ).execute()

    @checked("stats_setup", "adds and changes stats")
    def define(self, **fields: Any) -> Stat:
        """Add a stat, refusing formulas that use unknown stats or themselves."""
        with self.database.atomic():
            short = str(fields.get("short_name", "")).strip()
            if not short.isidentifier():
                raise StatError(
                    "A short name is one word of letters, digits and _ (e.g. new_patients)."
                )
            fields["short_name"] = checked_text(short, STAT_SHORT_NAME, StatError)
            if Stat.get_or_none(Stat.short_name == short) is not None:
                raise StatError(f"There is already a stat called {short}.")
            if not str(fields.get("name", "")).strip():
                raise StatError("A stat needs a name.")
            fields.update(_checked_settings(fields, str(fields.get("unit", "count"))))
            if fields.get("source") == StatSource.FORMULA:
                formulas = {
                    s.short_name: s.formula or ""
                    for s in Stat.select().where(Stat.source == StatSource.FORMULA)
                }
                formulas[short] = str(fields.get("formula") or "")
                check_formulas(formulas, (s.short_name for s in Stat.select()))
            ConditionRule.from_json(fields.get("thresholds"))  # refused here, not on every board
            if (
                fields.get("source") == StatSource.COMPUTED
                and fields.get("computed") not in COMPUTED
                and fields.get("computed") not in HIRING_FIGURES
                and fields.get("computed") not in CALL_FIGURES
            ):
                raise StatError(
                    "A computed stat counts one of: "
                    + ", ".join([*COMPUTED, *HIRING_FIGURES, *CALL_FIGURES])
                    + "."
                )
            fields.setdefault("created", utc_naive(self.clock.now()))
            stat: Stat = Stat.create(**fields)
            return stat

    @checked("stats_setup", "adds and changes stats")
    def add_typed(self, name: str, post: str, unit: str = "count", up_is_good: bool = True) -> Stat:
        """A weekly stat the manager types, added from the stats screen: its post by title,
        whatever the case (a title no hat has is refused), its short name made from its
        name ("Referrals received" → referrals_received, then _2 … if taken). Computed and
        formula stats are added with `om-tui stats add`."""
        with self.database.atomic():
            if not name.strip():
                raise StatError("A stat needs a name.")
            if not post.strip():
                raise StatError("A stat belongs to a post: name it (e.g. Receptionist).")
            if unit not in UNITS:
                raise StatError("A stat counts, or is money, minutes or a percentage.")
            base = re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_") or "stat"
            base = base if base[0].isalpha() else f"stat_{base}"
            short, number = base, 1
            while Stat.get_or_none(Stat.short_name == short) is not None:
                number += 1
                short = f"{base}_{number}"
            title = post.strip()
            same = [p.id for p in Post.select() if p.title.casefold() == title.casefold()]
            return self.define(
                short_name=short,
                name=name.strip(),
                post=same[0] if same else self.post_named(title),
                unit=unit,
                source=StatSource.ENTERED,
                up_is_good=up_is_good,
            )

    def named(self, short_name: str) -> Stat:
        stat: Stat | None = Stat.get_or_none(Stat.short_name == short_name)
        if stat is None:
            raise StatGone(f"No stat is called {short_name}.")
        return stat

    @checked("hats", "writes hats")
    def post_named(self, title: str) -> int:
        """A post's id by its title (case aside); a title no hat has is refused, naming
        the hats there are (a hat is made in Hats, with its purpose, not by a typo)."""
        wanted = title.strip().casefold()
        posts = self.posts()
        found = [post_id for post_id, other in posts if other.casefold() == wanted]
        if found:
            return found[0]
        raise StatError(no_such_post(title, [other for _, other in posts]))

    @checked("stats_setup", "adds and changes stats")
    def change(self, short_name: str, **fields: Any) -> Stat:
        """Change a stat's settings (quota, scale, thresholds, …); its values stay as they are."""
        with self.database.atomic():
            stat = self.named(short_name)
            if "thresholds" in fields:
                ConditionRule.from_json(fields["thresholds"])
            if "formula" in fields and stat.source == StatSource.FORMULA:
                formulas = {
                    s.short_name: s.formula or ""
                    for s in Stat.select().where(Stat.source == StatSource.FORMULA)
                }
                formulas[short_name] = str(fields["formula"])
                check_formulas(formulas, (s.short_name for s in Stat.select()))
            fields.update(_checked_settings(fields, stat.unit))
            bottom = fields.get("scale_bottom", stat.scale_bottom)
            top = fields.get("scale_top", stat.scale_top)
            if bottom is not None and top is not None and bottom >= top:
                raise StatError("The scale's bottom must be below its top.")
            for name, value in fields.items():
                setattr(stat, name, value)
            stat.save()
            return stat

    @checked("stats_setup", "adds and changes stats")
    def retire(self, short_name: str) -> None:
        """Stop showing a stat; its history stays (formulas using it show "missing")."""
        self.change(short_name, active=False)
