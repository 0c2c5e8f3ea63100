"""Statistical management: the stats week, values, formulas, flow figures, conditions.

A stat is counted daily and/or weekly. The week ends on a configurable weekday
and local time (default Thursday 14:00); a week is named by the local date its
cutoff falls on. An instant belongs to the first week whose cutoff is after it;
a day's value belongs to the week its start falls in.

Conditions follow DESIGN.md's default rule, configurable per stat: the change
against the previous week decides Affluence, Normal, Emergency, Danger or
Non-Existence; Power is Normal or better for 3+ weeks at a new all-time high;
a stat's first 4 weeks are Non-Existence (new).
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from statistics import fmean
from typing import Any

from peewee import JOIN, Database

from db.models import (
    Appointment,
    AppointmentType,
    ConditionOverride,
    Post,
    Setting,
    SettingKey,
    Staff,
    Stage,
    Stat,
    StatSource,
    StatValue,
    Visit,
    VisitEvent,
    utc_naive,
)
from om_tui.practice.clock import Clock
from om_tui.practice.limits import (
    FORMULA,
    LARGEST_NUMBER,
    LARGEST_PERCENT,
    REASON,
    STAT_NAME,
    STAT_SHORT_NAME,
    NumberUnclear,
    checked_number,
    checked_text,
    without_thousands,
)
from om_tui.practice.people import audit
from om_tui.practice.people.roles import checked, recorded, require
from om_tui.practice.refusal import Refusal
from om_tui.practice.seen import require_unchanged
from om_tui.practice.settings import PracticeSettings, zone_named


def _rows(query: Any) -> list[tuple[Any, ...]]:
    """A `.tuples()` query's rows, typed for mypy (peewee's stubs yield models)."""
    return list(query)


# -- the week ------------------------------------------------------------------


@dataclass(frozen=True)
class WeekEnds:
    """When the stats week ends: a weekday (Monday 0 … Sunday 6) and a local time."""

    weekday: int = 3
    at: dt.time = dt.time(14, 0)

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise StatError("The weekday is 0 (Monday) to 6 (Sunday).")

    @classmethod
    def parse(cls, text: str) -> WeekEnds:
        """ "3 14:00" → Thursday 14:00."""
        try:
            day, clock = text.split()
            hour, minute = clock.split(":")
            weekday, at = int(day), dt.time(int(hour), int(minute))
        except ValueError:
            raise StatError(
                f"Week ending must look like '3 14:00' (weekday 0–6, time): {text!r}"
            ) from None
        return cls(weekday, at)  # which checks the weekday

    def __str__(self) -> str:
        return f"{self.weekday} {self.at:%H:%M}"


class StatWeeks:
    """Week arithmetic in the practice's time zone, safe across DST and year ends."""

    def __init__(self, zone: dt.tzinfo, ends: WeekEnds = WeekEnds()) -> None:
        self.zone = zone
        self.ends = ends

    def cutoff(self, week: dt.date) -> dt.datetime:
        """The instant (UTC) a week, named by its ending day, ends."""
        return dt.datetime.combine(week, self.ends.at, tzinfo=self.zone).astimezone(dt.UTC)

    def week_of(self, moment: dt.datetime) -> dt.date:
        """The week an instant belongs to: the first whose cutoff comes after it."""
        local = moment.astimezone(self.zone)
        ahead = (self.ends.weekday - local.weekday()) % 7
        week = local.date() + dt.timedelta(days=ahead)
        if moment >= self.cutoff(week):
            week += dt.timedelta(days=7)
        return week

    def week_of_day(self, day: dt.date) -> dt.date:
        """The week a local day belongs to: the one its first moment falls in."""
        return self.week_of(dt.datetime.combine(day, dt.time(), tzinfo=self.zone))

    def bounds(self, week: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) of a week, as UTC instants."""
        return self.cutoff(week - dt.timedelta(days=7)), self.cutoff(week)

    def weeks_back(self, week: dt.date, count: int) -> list[dt.date]:
        """`count` weeks ending with `week`, oldest first."""
        return [week - dt.timedelta(days=7 * n) for n in range(count - 1, -1, -1)]


# -- conditions -------------------------------------------------------------------


class Condition(StrEnum):
    NON_EXISTENCE = "non_existence"
    DANGER = "danger"
    EMERGENCY = "emergency"
    NORMAL = "normal"
    AFFLUENCE = "affluence"
    POWER = "power"


#: Worst first: the board sorts by this.
CONDITION_ORDER: tuple[Condition, ...] = tuple(Condition)
CONDITION_LABELS: dict[Condition, str] = {
    Condition.NON_EXISTENCE: "Non-Existence",
    Condition.DANGER: "Danger",
    Condition.EMERGENCY: "Emergency",
    Condition.NORMAL: "Normal",
    Condition.AFFLUENCE: "Affluence",
    Condition.POWER: "Power",
}


@dataclass(frozen=True)
class ConditionRule:
    """Per-stat thresholds, in percent change against the previous week."""

    affluence: float = 25.0  # above: Affluence
    danger: float = -25.0  # below (down to non_existence): Danger
    non_existence: float = -50.0  # below: Non-Existence
    new_weeks: int = 4  # a stat's first weeks are Non-Existence (new)
    power_weeks: int = 3  # Normal or better this long, at a new high: Power

    def __post_init__(self) -> None:
        limits = (self.affluence, self.danger, self.non_existence)
        if not all(math.isfinite(v) and abs(v) <= LARGEST_PERCENT for v in limits):
            raise StatError(
                f"A threshold is a % change of at most {LARGEST_PERCENT:,.0f} either way."
            )
        if not self.non_existence < self.danger < 0 < self.affluence:
            raise StatError("Thresholds must run Non-Existence < Danger < 0 < Affluence.")
        if not (0 <= self.new_weeks <= HIGH_WEEKS and 1 <= self.power_weeks <= HIGH_WEEKS):
            raise StatError(f"Week counts are 1 to {HIGH_WEEKS}.")

    @classmethod
    def from_json(cls, text: str | None) -> ConditionRule:
        if not text:
            return cls()
        try:
            return cls(**json.loads(text))
        except (TypeError, ValueError):
            raise StatError("These condition thresholds cannot be read.") from None

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    def by_change(self, change: float) -> Condition:
        """The condition a percent change earns (an up-is-good change)."""
        if change > self.affluence:
            return Condition.AFFLUENCE
        if change > 0:
            return Condition.NORMAL
        if change >= self.danger:
            return Condition.EMERGENCY
        if change >= self.non_existence:
            return Condition.DANGER
        return Condition.NON_EXISTENCE


def percent_change(previous: float, current: float, up_is_good: bool = True) -> float:
    """Change in percent, signed so that positive is better."""
    if previous == 0:
        change = 0.0 if current == 0 else math.copysign(math.inf, current)
    else:
        change = (current - previous) / abs(previous) * 100
    return change if up_is_good else -change


#: A new high for Power is a high over this many weeks before; conditions read at least
#: LOOKBACK weeks before the first week they show.
HIGH_WEEKS = 52
LOOKBACK = HIGH_WEEKS + 8


def conditions(
    series: Sequence[float | None],
    up_is_good: bool = True,
    rule: ConditionRule = ConditionRule(),
    last: int | None = None,
) -> list[Condition | None]:
    """Each week's condition, oldest first; None where there is nothing to compare.

    With `last`, only the last `last` weeks' conditions: the weeks before are still read
    (for "new" and the 52-week high) but not judged, which is most of the work.
    """
    first = next((i for i, v in enumerate(series) if v is not None), None)
    shown = range(0 if last is None else max(len(series) - last, 0), len(series))

    def by_change(index: int) -> Condition | None:
        """The week's condition by its change alone (Power is judged below)."""
        value = series[index]
        if value is None or first is None:
            return None
        if index - first < rule.new_weeks:
            return Condition.NON_EXISTENCE  # new: not yet a trend
        previous = series[index - 1] if index > 0 else None  # not series[-1]: the last week
        if previous is None:
            return None
        return rule.by_change(percent_change(previous, value, up_is_good))

    needed = range(max(shown.start - rule.power_weeks + 1, 0), len(series))
    plain = {index: by_change(index) for index in needed}
    result: list[Condition | None] = []
    for index in shown:
        found = plain[index]
        # Power: Normal or better for power_weeks weeks running, at a new high. A week
        # judged Power was Normal or better by its change, so the run reads `plain`.
        steady = index >= rule.power_weeks - 1 and all(
            plain[i] in _STEADY for i in range(index - rule.power_weeks + 1, index + 1)
        )
        at_high = False
        if steady:  # only then is the 52-week high worth finding
            # "All-time" is the last HIGH_WEEKS weeks: the board and a graph, reading
            # different spans, must agree on a week's Power.
            window = series[max(0, index - HIGH_WEEKS) : index]
            before = [v for v in window if v is not None]
            best = (max(before) if up_is_good else min(before)) if before else None
            value = series[index]
            assert value is not None  # steady: the week has a change
            at_high = best is not None and (value > best if up_is_good else value < best)
        result.append(Condition.POWER if at_high else found)
    return result


_STEADY = frozenset((Condition.NORMAL, Condition.AFFLUENCE, Condition.POWER))


TREND_BARS = "▁▂▃▄▅▆▇█"


def sparkline(series: Sequence[float | None], up_is_good: bool = True) -> str:
    """A small picture of the recent weeks; up always means better."""
    known = [v for v in series if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low or 1.0
    bars = []
    for value in series:
        if value is None:
            bars.append(" ")
            continue
        level = (value - low) / span
        if not up_is_good:
            level = 1 - level
        bars.append(TREND_BARS[min(int(level * len(TREND_BARS)), len(TREND_BARS) - 1)])
    return "".join(bars)


# -- formulas ---------------------------------------------------------------------


class StatError(Refusal, ValueError):
    """Something about a stat that cannot be; the message is fit for the manager."""


class StatGone(StatError):
    """The stat was removed (on another terminal, perhaps)."""


_OPERATORS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def formula_names(text: str) -> set[str]:
    """The stats a formula uses (by short name). Raises StatError if it is not arithmetic."""
    return set(_parsed(text)[1])


@lru_cache(maxsize=256)
def _parsed(text: str) -> tuple[ast.Expression, frozenset[str]]:
    """A formula's tree and the names it uses, checked: parsed once, not once a week."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise StatError(
            f"Not a formula: {text!r}. Use stat short names, numbers, + - * / ( )."
        ) from None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.BinOp | ast.UnaryOp):
            if isinstance(node, ast.BinOp) and type(node.op) not in _OPERATORS:
                raise StatError("A formula may use + - * / only.")
            if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.USub | ast.UAdd):
                raise StatError("A formula may use + - * / only.")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                raise StatError("A formula's constants are numbers.")
        elif not isinstance(node, ast.Expression | ast.Load | ast.operator | ast.unaryop):
            raise StatError("A formula may use stat short names, numbers, + - * / and ( ) only.")
    return tree, frozenset(names)


@dataclass(frozen=True)
class FormulaResult:
    value: float | None
    problem: str = ""  # why there is no value: "÷ 0", "missing: visits"


def evaluate(text: str, values: dict[str, float | None]) -> FormulaResult:
    """A formula's value; a division by zero or a missing input gives no value, said why."""
    tree, names = _parsed(text)
    missing = sorted(name for name in names if values.get(name) is None)
    if missing:
        return FormulaResult(None, "missing: " + ", ".join(missing))

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)  # type: ignore[arg-type]  # numbers only, checked above
        if isinstance(node, ast.Name):
            found = values[node.id]
            assert found is not None
            return found
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand) if isinstance(node.op, ast.USub) else walk(node.operand)
        if isinstance(node, ast.BinOp):
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        raise StatError("unreachable")

    try:
        return FormulaResult(walk(tree))
    except ZeroDivisionError:
        return FormulaResult(None, "÷ 0")


def check_formulas(formulas: dict[str, str], known: Iterable[str]) -> None:
    """Refuse unknown names and formulas that reach back to themselves."""
    known_names = set(known) | set(formulas)
    uses = {name: formula_names(text) for name, text in formulas.items()}
    for name, names in uses.items():
        unknown = sorted(names - known_names)
        if unknown:
            raise StatError(f"{name}: no stat is called {', '.join(unknown)}.")

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            loop = " → ".join((*path[path.index(name) :], name))
            raise StatError(f"A formula cannot use itself: {loop}.")
        for used in uses.get(name, ()):
            visit(used, (*path, name))

    for name in uses:
        visit(name, ())


# -- figures the flow already knows -------------------------------------------------

COMPUTED: dict[str, str] = {
    "visits": "Patient visits (seen by a provider)",
    "new_patients": "New patients seen",
    "no_shows": "No-shows",
    "cancellations": "Cancellations",
    "average_wait": "Average wait, arrived → roomed (minutes)",
    "average_visit_length": "Average visit, arrived → done (minutes)",
}


HIRING_FIGURES: dict[str, str] = {
    "applicants": "Applicants (hiring)",
    "interviews": "Interviews (hiring)",
    "hires": "Hires (hiring)",
}
"""Figures counted from hiring's candidates (om_tui/practice/org/hiring_counts.py), weekly."""


def flow_figures(start: dt.datetime, end: dt.datetime) -> dict[str, float | None]:
    """Every computed figure for [start, end), counted from visit events (undone ones not)."""
    events = _rows(
        VisitEvent.select(
            VisitEvent.visit, VisitEvent.stage, VisitEvent.at, AppointmentType.new_patient
        )
        .join(Visit)
        .join(Appointment, JOIN.LEFT_OUTER)
        .join(AppointmentType, JOIN.LEFT_OUTER)
        .where(
            VisitEvent.at >= utc_naive(start),
            VisitEvent.at < utc_naive(end),
            VisitEvent.undone_at.is_null(),
        )
        .tuples()
    )
    seen: set[int] = set()
    new_seen: set[int] = set()
    counted = {Stage.NO_SHOW: 0, Stage.CANCELLED: 0}
    roomed: dict[int, dt.datetime] = {}
    done: dict[int, dt.datetime] = {}
    for visit, stage, at, new_patient in events:
        if stage == Stage.WITH_PROVIDER:
            seen.add(visit)
            if new_patient:  # the appointment's type counts as a new patient
                new_seen.add(visit)
        elif stage in counted:
            counted[Stage(stage)] += 1
        elif stage == Stage.ROOMED:
            roomed[visit] = at
        elif stage == Stage.DONE:
            done[visit] = at
    arrived: dict[int, dt.datetime] = {}
    wanted = list(set(roomed) | set(done))
    for chunk in range(0, len(wanted), 500):
        for visit, at in _rows(
            VisitEvent.select(VisitEvent.visit, VisitEvent.at)
            .where(
                VisitEvent.visit.in_(wanted[chunk : chunk + 500]),
                VisitEvent.stage == Stage.ARRIVED,
                VisitEvent.undone_at.is_null(),
            )
            .tuples()
        ):
            arrived[visit] = at

    def average_minutes(ends: dict[int, dt.datetime]) -> float | None:
        spans = [(at - arrived[v]).total_seconds() / 60 for v, at in ends.items() if v in arrived]
        return round(fmean(spans), 1) if spans else None

    # The book's own: cancelled there, or marked missed there, and never on the board.
    never_came = (
        Appointment.select()
        .join(Visit, JOIN.LEFT_OUTER, on=(Visit.appointment == Appointment.id))
        .where(Visit.id.is_null())
    )
    cancelled = never_came.where(
        Appointment.cancelled_at >= utc_naive(start), Appointment.cancelled_at < utc_naive(end)
    ).count()
    missed = never_came.where(
        Appointment.missed_at >= utc_naive(start),
        Appointment.missed_at < utc_naive(end),
        Appointment.cancelled_at.is_null(),
    ).count()
    return {
        "visits": float(len(seen)),
        "new_patients": float(len(new_seen)),
        "no_shows": float(counted[Stage.NO_SHOW] + missed),
        "cancellations": float(counted[Stage.CANCELLED] + cancelled),
        "average_wait": average_minutes(roomed),
        "average_visit_length": average_minutes(done),
    }


def no_such_post(title: str, titles: Sequence[str]) -> str:
    """What is said of a post title no hat has: the hats there are, or how to make one."""
    if not titles:
        return f"No hat is called {title!r}: there are no hats yet (add one in Hats)."
    return f"No hat is called {title!r}. The hats: {', '.join(titles)}."


# -- reading what is typed --------------------------------------------------------------

LIMIT = LARGEST_NUMBER
UNITS = ("count", "money", "minutes", "percent")
NON_NEGATIVE_UNITS = ("count", "minutes", "percent")


def check_value(value: float, unit: str, what: str = "") -> float:
    """A stat's value (or quota): finite, within a trillion, not negative where it cannot be."""
    what = what or f"A {unit}"
    value = checked_number(value, what, StatError)
    if value < 0 and unit in NON_NEGATIVE_UNITS:
        raise StatError(f"{what} cannot be negative.")
    return value


@dataclass(frozen=True)
class Reading:
    value: float
    needs_confirmation: str = ""  # non-empty: ask before saving (an absurd jump)


def read_value(text: str, unit: str, last_week: float | None) -> Reading:
    """A value as typed (1,250.50, $300, 45%); StatError with a clear message if wrong."""
    cleaned = text.strip().replace("$", "").rstrip("%").strip()
    if not cleaned:
        raise StatError("Type a number.")
    try:
        value = float(without_thousands(cleaned))
        if math.isnan(value):
            raise ValueError(cleaned)  # "nan" spells no number at all
    except NumberUnclear as unclear:
        raise StatError(str(unclear)) from None
    except ValueError:
        raise StatError(
            f"“{text.strip()}” is not a number. Type digits, e.g. 42 or 1,250.50."
        ) from None
    if not math.isfinite(value) or abs(value) >= LIMIT:
        raise StatError("That number is too large.")
    check_value(value, unit)
    if last_week is not None and last_week > 0 and value >= 10 * last_week:
        return Reading(
            value,
            f"{value:,.10g} is over 10× last week ({last_week:,.10g}). Enter again to keep it.",
        )
    return Reading(value)


# -- the service ------------------------------------------------------------------------


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


def week_ends_of(database: Database) -> WeekEnds:
    row = Setting.get_or_none(Setting.key == SettingKey.WEEK_ENDS)
    return WeekEnds.parse(row.value) if row else WeekEnds()


@dataclass
class Stats:
    """The practice's stats: what they are, their values by week, and their conditions."""

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
        self, stats: Sequence[Stat], weeks: Sequence[dt.date]
    ) -> tuple[dict[int, list[float | None]], dict[int, list[str]]]:
        every = {s.short_name: s for s in self.stats()}
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
        first_day = weeks[0] - dt.timedelta(days=7)
        # The raw cursor: building a peewee row per value costs most of a board's time.
        ids = [s.id for s in stats]
        mark = self.database.param  # ? on SQLite, %s on PostgreSQL
        cursor = self.database.execute_sql(  # type: ignore[no-untyped-call]
            "SELECT stat_id, period, day, value FROM stat_value "
            f"WHERE stat_id IN ({', '.join([mark] * len(ids))}) AND day BETWEEN {mark} AND {mark} "
            "ORDER BY day",
            (*ids, first_day.isoformat(), weeks[-1].isoformat()),
        )
        wanted = set(weeks)
        daily: dict[tuple[int, dt.date], list[float]] = {}
        by_id = {s.id: s for s in stats}
        parsed: dict[object, dt.date] = {}
        week_of: dict[dt.date, dt.date] = {}
        for stat_id, period, stored_day, value in cursor:
            day = parsed.get(stored_day)
            if day is None:  # SQLite gives text, Postgres a date
                day = (
                    dt.date.fromisoformat(stored_day) if isinstance(stored_day, str) else stored_day
                )
                parsed[stored_day] = day
            if period == "week":
                if day in wanted:
                    result[stat_id][day] = value
            else:
                week = week_of.get(day)
                if week is None:
                    week = week_of[day] = self.weeks.week_of_day(day)
                if week in wanted:
                    daily.setdefault((stat_id, week), []).append(value)
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

    def board(
        self, week: dt.date | None = None, post_id: int | None = None, span: int = 8
    ) -> list[StatRow]:
        """Every stat with its recent weeks and conditions, for the stat board."""
        week = week or self.this_week()
        judged = -2 if self.in_progress(week) else -1  # a week is judged once it has ended
        judged_week = week + dt.timedelta(weeks=judged + 1)
        stats = self.stats(post_id)
        history = self.weeks.weeks_back(week, max(span, 1) + LOOKBACK)  # conditions need history
        values, notes = self._table(stats, history)
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
            ):
                raise StatError(
                    "A computed stat counts one of: "
                    + ", ".join([*COMPUTED, *HIRING_FIGURES])
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


def _checked_settings(fields: dict[str, Any], unit: str) -> dict[str, Any]:
    """A stat's name, quota and scale as a person gave them, checked: text within its
    length, numbers finite and within range (inf, nan and 1e308 are refused)."""
    checked: dict[str, Any] = {}
    if "name" in fields:
        if not str(fields["name"]).strip():
            raise StatError("A stat needs a name.")
        checked["name"] = checked_text(str(fields["name"]), STAT_NAME, StatError)
    if "formula" in fields and fields["formula"] is not None:
        checked["formula"] = checked_text(str(fields["formula"]), FORMULA, StatError)
    if fields.get("quota") is not None:
        checked["quota"] = check_value(fields["quota"], unit, "A quota")
    for name, what in (("scale_bottom", "The scale's bottom"), ("scale_top", "The scale's top")):
        if fields.get(name) is not None:
            checked[name] = checked_number(fields[name], what, StatError)
    return checked


def _formula_order(formulas: dict[str, str]) -> list[str]:
    """Formula stats in an order where each comes after the formulas it uses."""
    done: list[str] = []

    def visit(name: str, path: frozenset[str]) -> None:
        if name in done or name in path or name not in formulas:
            return
        for used in sorted(formula_names(formulas[name])):
            visit(used, path | {name})
        done.append(name)

    for name in sorted(formulas):
        visit(name, frozenset())
    return done


@checked("settings", "changes the practice's settings")
def set_week_ends(database: Database, ends: WeekEnds, *, by: int | None) -> None:
    from om_tui.practice.settings import put

    put(database, SettingKey.WEEK_ENDS, str(ends))
