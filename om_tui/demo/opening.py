"""Opening the demo practice: the store's demo data, then what the practice counts from it."""

from __future__ import annotations

import datetime as dt

from peewee import Database

from om_tui.demo.calls import open_demo_calls
from om_tui.demo.hats import open_demo_hats
from om_tui.demo.line import open_demo_line
from om_tui.demo.office import HISTORY_DAYS, open_demo, open_demo_stats
from om_tui.demo.orders import open_demo_orders
from om_tui.demo.org import open_demo_org
from om_tui.demo.plans import open_demo_plans
from om_tui.demo.schedule import open_demo_schedule
from om_tui.practice import settings
from om_tui.practice.clock import Clock
from om_tui.practice.people import audit
from om_tui.practice.people.staff import ADMINISTRATOR, give_pin_to_those_without
from om_tui.practice.stats.service import Stats

DEMO_PIN = "1234"
"""Everyone's PIN in the demo (the README lists the demo's people)."""


def open_demo_practice(database: Database, clock: Clock) -> None:
    """The demo's patients and live day, its stats (computed ones counted), its hats."""
    with audit.suspended(database):  # made up, not done: no audit row per generated row
        _open_demo_practice(database, clock)


def _open_demo_practice(database: Database, clock: Clock) -> None:
    zone_name = settings.get(database, settings.TIMEZONE) or settings.system_timezone_name()
    now = clock.now()
    open_demo(database, now, settings.zone_named(zone_name))
    stats = Stats(database, clock, settings.load(database), ADMINISTRATOR)
    this_week = stats.this_week()
    history_starts = settings.load(database).today(now) - dt.timedelta(days=HISTORY_DAYS)
    first_counted = stats.weeks.week_of_day(history_starts) + dt.timedelta(weeks=1)
    if open_demo_stats(now, this_week, first_counted):
        week = first_counted
        while week <= this_week:
            stats.recompute(week)
            week += dt.timedelta(weeks=1)
    else:
        stats.recompute(this_week - dt.timedelta(weeks=1))
        stats.recompute(this_week)
    open_demo_hats(database, clock, settings.load(database))
    open_demo_line(database, clock, settings.load(database))
    open_demo_orders(database, clock, settings.load(database))
    open_demo_schedule(database, clock, settings.load(database))
    open_demo_plans(database, clock, settings.load(database))
    open_demo_org(database, clock)
    open_demo_calls(database, clock, settings.load(database))
    give_pin_to_those_without(database, DEMO_PIN, by=ADMINISTRATOR)
