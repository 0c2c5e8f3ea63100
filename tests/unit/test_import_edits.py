"""An appointment from the practice's other system, changed here: the book asks first
(its next import sets it back), and with the person's yes it changes; the next import
does put it back, as the question said."""

from __future__ import annotations

import pytest
from peewee import Database

from db.models import Appointment, CancelReason, as_utc
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.people import audit
from om_tui.practice.schedule.access import IMPORTED, NeedsConsent
from om_tui.practice.schedule.book import Book

from .practice_fixture import Practice, local
from .test_import_apply import ANN, HEADER, NEW, imported, run

THURSDAY = local(9, 0).replace(day=19)


def test_moving_an_imported_appointment_asks_and_the_next_import_sets_it_back(
    database: Database, practice: Practice, clock: FrozenClock, book: Book
) -> None:
    run(database, clock, HEADER + ANN)
    ann = imported()["1"]
    later = THURSDAY.replace(hour=11)
    with pytest.raises(NeedsConsent, match="came from pms: its next import sets it back") as asked:
        book.move(ann.id, ann.version, later)
    assert asked.value.consent == IMPORTED
    book.move(ann.id, ann.version, later, consent={IMPORTED})
    assert as_utc(imported()["1"].start) == later
    report = run(database, clock, HEADER + ANN)
    assert [str(s) for s in report.changed] == ["line 2: Thu 11/19/2026 09:00 (1): time"]
    assert as_utc(imported()["1"].start) == THURSDAY


def test_cancelling_an_imported_appointment_asks_too(
    database: Database, practice: Practice, clock: FrozenClock, book: Book
) -> None:
    run(database, clock, HEADER + ANN)
    ann = imported()["1"]
    reason = CancelReason.select().first().id
    with pytest.raises(NeedsConsent, match="its next import books it again"):
        book.cancel(ann.id, ann.version, reason)
    assert imported()["1"].cancelled_at is None
    book.cancel(ann.id, ann.version, reason, consent={IMPORTED})
    assert imported()["1"].cancelled_at is not None


def test_an_appointment_booked_here_is_not_asked_about(
    database: Database, practice: Practice, book: Book
) -> None:
    own = Appointment.get_by_id(practice.appointments["ben"])
    book.move(own.id, own.version, THURSDAY.replace(hour=15))
    assert as_utc(Appointment.get_by_id(own.id).start) == THURSDAY.replace(hour=15)


def test_each_change_an_import_makes_is_in_the_trail_as_the_imports(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + ANN + NEW)
    before = {e.id for e in audit.read(database, settings.load(database)).entries}
    nora = imported()["2"].id
    moved = ANN.replace("9:00 AM", "9:45 AM")
    run(database, clock, HEADER + moved)  # Ann moved; Nora's no longer in the file
    entries = [
        e for e in audit.read(database, settings.load(database)).entries if e.id not in before
    ]
    (event,) = [e for e in entries if e.action == "import"]
    assert event.detail["file"] == "book.csv"
    assert (event.detail["changed"], event.detail["cancelled"]) == (1, 1)
    changes = [(e.action, e.row) for e in entries if e.subject == "appointment"]
    assert sorted(changes) == sorted([("change", imported()["1"].id), ("change", nora)])
    assert {e.terminal for e in entries} == {"import pms"}
