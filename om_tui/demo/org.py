"""The demo practice's organization: the default structure, laid out once, and an
opening for a second chiropractic assistant with two candidates (made-up people)."""

from __future__ import annotations

import datetime as dt

from peewee import Database

from db.models import CandidateStage, Opening, Post
from om_tui.practice import settings
from om_tui.practice.clock import Clock
from om_tui.practice.org.access import ADMINISTRATOR
from om_tui.practice.org.hiring import Hiring
from om_tui.practice.org.structure import Structure

#: (name, contact, source, notes, steps after applying: (stage, days ago))
CANDIDATES = (
    ("Alex Moreno", "555-0142", "Indeed", "Two years at a physio clinic", (("screened", 3),)),
    (
        "Bea Lindqvist",
        "bea.l@example.com",
        "A patient's referral",
        "Wants mornings",
        (("screened", 6), ("interviewed", 2)),
    ),
)


def open_demo_org(database: Database, clock: Clock) -> None:
    """The default structure for a small practice, with the demo's posts placed in it."""
    structure = Structure(database, ADMINISTRATOR)
    if structure.is_empty():
        structure.lay_out_default()
    post = Post.get_or_none(Post.title == "Chiropractic Assistant")
    if post is None or Opening.select().exists():
        return
    hiring = Hiring(database, clock, settings.load(database), ADMINISTRATOR)
    opening = hiring.open_post(post.id, "A second assistant for the busy mornings")
    today = hiring.today()
    for name, contact, source, notes, steps in CANDIDATES:
        applied = today - dt.timedelta(days=8)
        candidate = hiring.add_candidate(opening, name, contact, source, notes, applied)
        for revision, (stage, days_ago) in enumerate(steps):
            day = today - dt.timedelta(days=days_ago)
            hiring.move(candidate, revision, CandidateStage(stage), day)
