"""Gathering a person's figures for a period: the stats of the posts they held,
hat and orders compliance, attestations and training.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from db.models import (
    Attestation,
    ConditionOverride,
    HatHolder,
    Post,
    Stat,
    utc_naive,
)
from om_tui.practice.hats.views import Tally
from om_tui.practice.owner.evaluations.base import EvaluationsBase
from om_tui.practice.owner.evaluations.views import (
    Gathered,
    Holding,
    PostCompliance,
    StatTrend,
    Training,
)
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.stats.service import Stats


class EvaluationGathering(EvaluationsBase):
    """The figures om-tui gathers for an evaluation."""

    # -- gathering -----------------------------------------------------------------------

    def gather(self, staff_id: int, start: dt.date, end: dt.date) -> Gathered:
        """The person's figures over `start`…`end` (both included), as far as today."""
        person = self._person(staff_id)
        last = min(end, self.today())
        holdings = self._holdings(staff_id, start, last)
        hats = self.hats
        occurrences = hats.occurrences(start, last, [staff_id]) if last >= start else []
        by_post: dict[str, list[Any]] = defaultdict(list)
        by_week: dict[dt.date, list[Any]] = defaultdict(list)
        for occurrence in occurrences:
            if occurrence.person_id != staff_id:
                continue
            by_post[occurrence.post].append(occurrence)
            by_week[hats.periods.weeks.week_of_day(occurrence.due_on)].append(occurrence)
        post_order = {h.post: n for n, h in enumerate(holdings)}
        orders = Orders(self.database, self.clock, self.settings)
        return Gathered(
            staff_id=staff_id,
            name=person.name,
            start=start,
            end=end,
            counted_to=last,
            at=self.clock.now(),
            holdings=holdings,
            stats=self._stats(staff_id, start, last),
            hats=Tally.of(o for os in by_post.values() for o in os),
            hats_by_post=[
                PostCompliance(post, Tally.of(found))
                for post, found in sorted(by_post.items(), key=lambda p: post_order.get(p[0], 99))
            ],
            hats_by_week=[(week, Tally.of(found)) for week, found in sorted(by_week.items())],
            orders=orders.compliance(start, last, [staff_id]).of(staff_id)
            if last >= start
            else Tally(),
            attested=self._attested(staff_id, start, last),
            outstanding=[f"{p.title} v{p.number}" for p in hats.policies_due(staff_id)],
            training=[
                Training(sheet.post, sheet.done, sheet.total)
                for sheet in hats._checksheets([staff_id]).get(staff_id, [])
            ],
        )

    def _spans(
        self, staff_id: int, first: dt.date, last: dt.date
    ) -> dict[int, tuple[str, dt.date, dt.date]]:
        """Post → (title, first day, last day) the person held it within `first`…`last`."""
        query = (
            HatHolder.select(HatHolder.since, HatHolder.until, Post.id, Post.title, Post.position)
            .join(Post)
            .where(
                (HatHolder.staff == staff_id)
                & (HatHolder.since <= last)
                & (HatHolder.until.is_null() | (HatHolder.until > first))
            )
            .order_by(Post.position, Post.title)
            .tuples()
        )
        spans: dict[int, tuple[str, dt.date, dt.date]] = {}
        held: list[tuple[Any, ...]] = list(query)  # type: ignore[arg-type]  # tuples
        for since, until, post_id, title, _ in held:
            held_from = max(first, since)
            held_to = last if until is None else min(last, until - dt.timedelta(days=1))
            if held_to < held_from:
                continue
            if post_id in spans:
                _, was_from, was_to = spans[post_id]
                held_from, held_to = min(was_from, held_from), max(was_to, held_to)
            spans[post_id] = (title, held_from, held_to)
        return spans

    def _holdings(self, staff_id: int, first: dt.date, last: dt.date) -> list[Holding]:
        return [
            Holding(title, since, until)
            for title, since, until in self._spans(staff_id, first, last).values()
        ]

    def _stats(self, staff_id: int, first: dt.date, last: dt.date) -> list[StatTrend]:
        """The stats of the posts held, over the weeks they were held (overrides applied)."""
        spans = self._spans(staff_id, first, last)
        if not spans:
            return []
        stats = Stats(self.database, self.clock, self.settings)
        weeks = stats.weeks
        found: list[StatTrend] = []
        chosen = (
            Stat.select()
            .where(Stat.post.in_(list(spans)) & (Stat.active == True))  # noqa: E712
            .order_by(Stat.position, Stat.name)
        )
        post_order = list(spans)
        for stat in sorted(chosen, key=lambda s: post_order.index(s.post_id or 0)):
            title, held_from, held_to = spans[stat.post_id or 0]
            first_week, last_week = weeks.week_of_day(held_from), weeks.week_of_day(held_to)
            count = (last_week - first_week).days // 7 + 1
            _, shown, series, judged = stats.graph(stat.id, count, last_week)
            overrides = {
                o.week: o.condition
                for o in ConditionOverride.select().where(
                    (ConditionOverride.stat == stat.id)
                    & ConditionOverride.week.between(first_week, last_week)
                )
            }
            found.append(
                StatTrend(
                    name=stat.name,
                    post=title,
                    unit=stat.unit,
                    up_is_good=bool(stat.up_is_good),
                    weeks=list(shown),
                    values=list(series),
                    conditions=[
                        overrides.get(week, str(c) if c is not None else None)
                        for week, c in zip(shown, judged, strict=True)
                    ],
                )
            )
        return found

    def _attested(self, staff_id: int, first: dt.date, last: dt.date) -> int:
        begin, _ = self.settings.day_bounds(first)
        _, finish = self.settings.day_bounds(last)
        return int(
            Attestation.select()
            .where(
                (Attestation.staff == staff_id)
                & (Attestation.at >= utc_naive(begin))
                & (Attestation.at < utc_naive(finish))
            )
            .count()
        )
