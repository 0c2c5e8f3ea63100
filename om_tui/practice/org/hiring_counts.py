"""What hiring adds up to: the week's applicants, interviews and hires (computed
figures a stat can count, as the flow's are), and the 90-day evaluations coming due.

A week's figures are counted from the candidates' steps, which are deleted some time
after their opening closes (hiring.py): a week older than that keeping time is not
counted again — its stored count stands.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import Database, fn

from db.models import (
    CandidateStage,
    CandidateStep,
    Evaluation,
    EvaluationKind,
    HatHolder,
    Staff,
)
from om_tui.practice.org.hiring import keep_days
from om_tui.practice.owner.evaluations.views import NEW_HIRE_DAYS
from om_tui.practice.stats.weeks import StatWeeks

FIGURES = (
    ("applicants", CandidateStage.APPLIED),
    ("interviews", CandidateStage.INTERVIEWED),
    ("hires", CandidateStage.HIRED),
)
"""The hiring figures of a week (stats.HIRING_FIGURES): the steps of these stages in it."""


def hiring_figures(
    weeks: StatWeeks, week: dt.date, now: dt.datetime | None = None
) -> dict[str, float] | None:
    """Applicants, interviews and hires of a stats week, by the steps' days (a day belongs
    to the week its start falls in, as a daily stat value does). An interview skipped to a
    later stage is not counted. None for a week older than the candidates' keeping time
    (given `now`): its candidates may have been deleted, so its count stands as stored."""
    if now is not None:
        keep = dt.timedelta(days=keep_days(CandidateStep._meta.database))
        if weeks.bounds(week)[0] < now - keep:
            return None
    query: Any = CandidateStep.select(CandidateStep.stage, CandidateStep.day).where(
        CandidateStep.day.between(week - dt.timedelta(days=8), week + dt.timedelta(days=1))
    )
    counts = {name: 0.0 for name, _ in FIGURES}
    names = {stage.value: name for name, stage in FIGURES}
    for step in query:
        if step.stage in names and weeks.week_of_day(step.day) == week:
            counts[names[step.stage]] += 1
    return counts


SOON_DAYS = 14
"""A 90-day evaluation shows this many days before it is due, and stays until it is started."""


def evaluations_due(database: Database, today: dt.date) -> list[tuple[str, dt.date]]:
    """(name, due day) of the active staff whose 90-day evaluation is due within
    `SOON_DAYS` days or overdue, and not yet started. The 90 days count from their first
    hat, as evaluations.py counts them."""
    query: Any = (
        HatHolder.select(HatHolder.staff, fn.MIN(HatHolder.since))
        .group_by(HatHolder.staff)
        .tuples()
    )
    first_hats: list[tuple[int, object]] = list(query)
    started: set[int] = {
        int(evaluation.staff_id)
        for evaluation in Evaluation.select(Evaluation.staff).where(
            Evaluation.kind == EvaluationKind.NEW_HIRE
        )
    }
    active = {p.id: p.name for p in Staff.select().where(Staff.active == True)}  # noqa: E712
    due = []
    for person_id, first in first_hats:
        first_day = dt.date.fromisoformat(first) if isinstance(first, str) else first
        assert isinstance(first_day, dt.date)
        on = first_day + dt.timedelta(days=NEW_HIRE_DAYS - 1)
        if (
            person_id in active
            and person_id not in started
            and on - today <= dt.timedelta(days=SOON_DAYS)
            and today - on <= dt.timedelta(days=NEW_HIRE_DAYS)
        ):
            due.append((active[person_id], on))
    return sorted(due, key=lambda pair: pair[1])
