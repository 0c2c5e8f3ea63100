"""What the stats screens read: each stat's values by week, the board, a graph."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from peewee import JOIN, Database

from db.models import (
    Appointment,
    AppointmentType,
    AsapRequest,
    Blockout,
    CallContact,
    CancelReason,
    Candidate,
    CandidateStep,
    CarePlan,
    ConditionOverride,
    ConfirmationStatus,
    Evaluation,
    HatHolder,
    Patient,
    Post,
    Setting,
    Staff,
    Stat,
    StatSource,
    StatValue,
    Visit,
    VisitEvent,
    WorkingHours,
)
from om_tui.practice.changes import tables_of
from om_tui.practice.clock import Clock
from om_tui.practice.settings import PracticeSettings, zone_named
from om_tui.practice.stats.conditions import (
    LOOKBACK,
    Condition,
    ConditionRule,
    conditions,
    percent_change,
)
from om_tui.practice.stats.formulas import _formula_order, evaluate, formula_names
from om_tui.practice.stats.values import StatGone
from om_tui.practice.stats.weeks import StatWeeks, week_ends_of

COUNTED_FROM = tables_of(
    Appointment,
    AppointmentType,
    AsapRequest,
    Blockout,
    CallContact,
    CancelReason,
    Candidate,
    CandidateStep,
    CarePlan,
    ConfirmationStatus,
    Evaluation,
    HatHolder,
    Patient,
    Setting,
    Staff,
    Visit,
    VisitEvent,
    WorkingHours,
)
"""What the computed stats are counted from (`Stats.recompute`: the flow, the call lists,
hiring). Their counts are written off the trail, so a screen that shows stat values
re-reads on a change to these too (practice/changes.py)."""

STATS_TABLES = tables_of(ConditionOverride, Post, Stat, StatValue) | COUNTED_FROM
"""What the stats screens are read from (the board, a graph, the entry): a change to
anything else is not read again there."""


def _rows(query: Any) -> list[tuple[Any, ...]]:
    """A `.tuples()` query's rows, typed for mypy (peewee's stubs yield models)."""
    return list(query)


@dataclass(frozen=True)
class StatRow:
    """One line of the stat board."""

    stat_id: int
    name: str
    short_name: str
    post: str
    unit: str
    source: str
    up_is_good: bool
    quota: float | None
    series: list[float | None]  # the recent weeks, oldest first, this week last
    notes: list[str]  # why a week has no value (formula stats), same order
    conditions: list[Condition | None]
    override: tuple[Condition, str] | None = None  # the judged week's, with the reason
    judged: int = -1  # which week the condition is for: -1 this week, -2 last (this one unfinished)

    @property
    def this_week(self) -> float | None:
        return self.series[-1]

    @property
    def last_week(self) -> float | None:
        return self.series[-2] if len(self.series) > 1 else None

    @property
    def change(self) -> float | None:
        if self.this_week is None or self.last_week is None:
            return None
        return percent_change(self.last_week, self.this_week)

    @property
    def condition(self) -> Condition | None:
        """This week's condition as the manager set it, else as computed."""
        return self.override[0] if self.override else self.computed_condition

    @property
    def computed_condition(self) -> Condition | None:
        return self.conditions[self.judged] if len(self.conditions) >= -self.judged else None


@dataclass
class StatsReading:
    """The practice's stats as they are read: which, by week, by post."""

    database: Database
    clock: Clock
    settings: PracticeSettings
    staff_id: int | None = None
    weeks: StatWeeks = field(init=False)

    def __post_init__(self) -> None:
        self.weeks = StatWeeks(zone_named(self.settings.timezone), week_ends_of(self.database))

    def this_week(self) -> dt.date:
        return self.weeks.week_of(self.clock.now())

    def in_progress(self, week: dt.date) -> bool:
        start, end = self.weeks.bounds(week)
        return start <= self.clock.now() < end

    def judged_week(self, week: dt.date) -> dt.date:
        """The week whose condition the board shows: this one once it has ended, else the last."""
        return week - dt.timedelta(weeks=1) if self.in_progress(week) else week

    def stats(self, post_id: int | None = None, person_id: int | None = None) -> list[Stat]:
        """Active stats grouped by post (in the posts' order, stats of no post last)."""
        query = (
            Stat.select(Stat)
            .join(Post, JOIN.LEFT_OUTER, on=(Stat.post == Post.id))
            .where(Stat.active == True)  # noqa: E712
        )
        if post_id is not None:
            query = query.where(Stat.post == post_id)
        if person_id is not None:
            query = query.where(Stat.entered_by == person_id)
        return list(
            query.order_by(Post.id.is_null(), Post.position, Post.title, Stat.position, Stat.name)
        )

    def people(self) -> list[tuple[int, str]]:
        """Who enters stats: (staff id, name)."""
        return [
            (s.id, s.name)
            for s in Staff.select()
            .join(Stat, on=(Stat.entered_by == Staff.id))
            .where(Stat.active == True)  # noqa: E712
            .distinct()
            .order_by(Staff.name)
        ]

    def day_values(self, stat_ids: Sequence[int], day: dt.date) -> dict[int, float]:
        """Daily values typed for one day."""
        return self.stored(stat_ids, "day", day)

    def stored(self, stat_ids: Sequence[int], period: str, day: dt.date) -> dict[int, float]:
        """The values stored for one day or week (`day`: the week's ending day), as typed."""
        return {
            stat_id: value
            for stat_id, value in _rows(
                StatValue.select(StatValue.stat, StatValue.value)
                .where(
                    StatValue.stat.in_(list(stat_ids)),
                    StatValue.period == period,
                    StatValue.day == day,
                )
                .tuples()
            )
        }

    def posts(self) -> list[tuple[int, str]]:
        return [(p.id, p.title) for p in Post.select().order_by(Post.position, Post.title)]

    # -- values by week ---------------------------------------------------------------

    def table(
        self, stats: Sequence[Stat], weeks: Sequence[dt.date]
    ) -> dict[int, list[float | None]]:
        """Each stat's weekly values over `weeks` (formula stats evaluated)."""
        values, _ = self._table(stats, weeks)
        return values

    def _table(
        self, stats: Sequence[Stat], weeks: Sequence[dt.date], every_stat: bool = False
    ) -> tuple[dict[int, list[float | None]], dict[int, list[str]]]:
        """`every_stat`: `stats` are every active stat (the formulas' inputs among them)."""
        every = {s.short_name: s for s in (stats if every_stat else self.stats())}
        wanted: dict[str, Stat] = {}
        pending = list(stats)
        while pending:  # the stats asked for, and everything their formulas use
            stat = pending.pop()
            if stat.short_name in wanted:
                continue
            wanted[stat.short_name] = stat
            if stat.source == StatSource.FORMULA:
                pending += [every[n] for n in formula_names(stat.formula or "") if n in every]
        stored = self._stored(list(wanted.values()), weeks)
        position = {week: i for i, week in enumerate(weeks)}
        values: dict[str, list[float | None]] = {}
        notes: dict[str, list[str]] = {}
        for name, stat in wanted.items():
            if stat.source == StatSource.FORMULA:
                continue
            series: list[float | None] = [None] * len(weeks)
            for week, value in stored.get(stat.id, {}).items():
                series[position[week]] = value
            if stat.gap_is_zero:
                series = [0.0 if v is None else v for v in series]
            values[name] = series
            notes[name] = [""] * len(weeks)
        formulas = {n: s for n, s in wanted.items() if s.source == StatSource.FORMULA}
        for name in _formula_order({n: s.formula or "" for n, s in formulas.items()}):
            stat = formulas[name]
            used = [(n, values[n]) for n in formula_names(stat.formula or "") if n in values]
            results = [
                evaluate(stat.formula or "", {n: v[i] for n, v in used}) for i in range(len(weeks))
            ]
            values[name] = [r.value for r in results]
            notes[name] = [r.problem for r in results]
        return (
            {s.id: values[s.short_name] for s in stats},
            {s.id: notes[s.short_name] for s in stats},
        )

    def _stored(
        self, stats: Sequence[Stat], weeks: Sequence[dt.date]
    ) -> dict[int, dict[dt.date, float]]:
        """Weekly values as stored, with daily values rolled up into their weeks."""
        if not weeks or not stats:
            return {}
        result: dict[int, dict[dt.date, float]] = {s.id: {} for s in stats}
        # The raw cursor: building a peewee row per value costs most of a board's time. Each
        # period its own read, in the unique index's order (stat, period, day); a day is
        # looked up as stored, never parsed (SQLite gives text, PostgreSQL a date).
        ids = [s.id for s in stats]
        mark = self.database.param  # ? on SQLite, %s on PostgreSQL
        query = (
            "SELECT stat_id, day, value FROM stat_value "
            f"WHERE stat_id IN ({', '.join([mark] * len(ids))}) AND period = {mark} "
            f"AND day BETWEEN {mark} AND {mark} ORDER BY stat_id, day"
        )

        def read(period: str, first: dt.date, last: dt.date) -> Any:
            return self.database.execute_sql(  # type: ignore[no-untyped-call]
                query, (*ids, period, first.isoformat(), last.isoformat())
            )

        def keyed(weeks_of: dict[dt.date, dt.date]) -> dict[object, dt.date]:
            found: dict[object, dt.date] = {}
            found.update(weeks_of.items())
            found.update((day.isoformat(), week) for day, week in weeks_of.items())
            return found

        week_named = keyed({week: week for week in weeks})
        for stat_id, stored_day, value in read("week", weeks[0], weeks[-1]):
            week = week_named.get(stored_day)
            if week is not None:
                result[stat_id][week] = value
        each_day = self._week_of_each_day(weeks)
        week_of = keyed(each_day)
        daily: dict[tuple[int, dt.date], list[float]] = {}
        for stat_id, stored_day, value in read("day", min(each_day), max(each_day)):
            week = week_of.get(stored_day)
            if week is not None:
                daily.setdefault((stat_id, week), []).append(value)
        by_id = {s.id: s for s in stats}
        for (stat_id, week), days in daily.items():
            if week in result[stat_id]:
                continue  # a weekly value typed for the week stands
            rollup = by_id[stat_id].rollup
            if rollup == "average":
                result[stat_id][week] = fmean(days)
            elif rollup == "last":
                result[stat_id][week] = days[-1]
            else:
                result[stat_id][week] = float(sum(days))
        return result

    def _week_of_each_day(self, weeks: Sequence[dt.date]) -> dict[dt.date, dt.date]:
        """The days of these weeks, each with its week: found a week at a time (found a day
        at a time, they were most of the time a daily stat's graph took)."""
        found = {}
        for week in weeks:
            first, last = self.weeks.days(week)
            for n in range((last - first).days + 1):
                found[first + dt.timedelta(days=n)] = week
        return found

    def board(
        self, week: dt.date | None = None, post_id: int | None = None, span: int = 8
    ) -> list[StatRow]:
        """Every stat with its recent weeks and conditions, for the stat board."""
        week = week or self.this_week()
        judged = -2 if self.in_progress(week) else -1  # a week is judged once it has ended
        judged_week = week + dt.timedelta(weeks=judged + 1)
        stats = self.stats(post_id)
        history = self.weeks.weeks_back(week, max(span, 1) + LOOKBACK)  # conditions need history
        values, notes = self._table(stats, history, every_stat=post_id is None)
        overrides = {
            o.stat_id: (Condition(o.condition), o.reason)
            for o in ConditionOverride.select().where(ConditionOverride.week == judged_week)
        }
        posts = dict(self.posts())
        rows = []
        for stat in stats:
            series = values[stat.id]
            rule = ConditionRule.from_json(stat.thresholds)
            rows.append(
                StatRow(
                    stat_id=stat.id,
                    name=stat.name,
                    short_name=stat.short_name,
                    post=posts.get(stat.post_id, "") if stat.post_id else "",
                    unit=stat.unit,
                    source=stat.source,
                    up_is_good=stat.up_is_good,
                    quota=stat.quota,
                    series=series[-span:],
                    notes=notes[stat.id][-span:],
                    conditions=conditions(series, stat.up_is_good, rule, last=span),
                    override=overrides.get(stat.id),
                    judged=judged,
                )
            )
        return rows

    def graph(
        self, stat_id: int, weeks: int | None, until: dt.date | None = None
    ) -> tuple[Stat, list[dt.date], list[float | None], list[Condition | None]]:
        """A stat's weekly series for its graph: `weeks` back from `until`, or all."""
        stat = Stat.get_or_none(Stat.id == stat_id)
        if stat is None:
            raise StatGone("That stat was removed.")
        until = until or self.this_week()
        if weeks is None:
            ids: list[int] = []  # a formula stat's weeks are its inputs' weeks
            names: set[str] = set()
            pending = [stat]
            while pending:
                used = pending.pop()
                ids.append(used.id)
                if used.source == StatSource.FORMULA:
                    wanted = formula_names(used.formula or "") - names
                    names |= wanted
                    pending += list(Stat.select().where(Stat.short_name.in_(wanted)))
            first = (
                StatValue.select(StatValue.period, StatValue.day)
                .where(StatValue.stat.in_(ids))
                .order_by(StatValue.day)
                .first()
            )
            if first is None:
                start = until
            elif first.period == "week":
                start = first.day  # a weekly value is stored under its week's own day
            else:
                start = self.weeks.week_of_day(first.day)
            weeks = max((until - start).days // 7 + 1, 1)
        shown = self.weeks.weeks_back(until, weeks)
        history = self.weeks.weeks_back(until, weeks + LOOKBACK)
        series = self.table([stat], history)[stat.id]
        rule = ConditionRule.from_json(stat.thresholds)
        found = conditions(series, stat.up_is_good, rule, last=len(shown))
        if self.in_progress(until):
            found[-1] = None  # a week is judged once it has ended
        return stat, shown, series[len(history) - len(shown) :], found
