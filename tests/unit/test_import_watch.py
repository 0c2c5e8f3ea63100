"""The folder watcher: a file is imported once it stands still, moved to done/ or
failed/ with its report beside it; one written slowly is never read half; two at once
both go in; a bad one does not stop the next."""

from __future__ import annotations

from pathlib import Path

from peewee import Database

from db.models import Appointment
from om_tui.practice.clock import FrozenClock
from om_tui.practice.imports.service import import_file
from om_tui.practice.imports.watch import Watcher
from om_tui.practice.people.roles import ADMINISTRATOR

from .practice_fixture import Practice

HEADER = "Appointment ID,Date,Time,Length,Patient,Birth Date\n"


def watcher(database: Database, clock: FrozenClock, folder: Path) -> Watcher:
    folder.mkdir(exist_ok=True)
    return Watcher(
        folder, lambda path: import_file(database, clock, path, by=ADMINISTRATOR, source="pms")
    )


def test_a_file_is_imported_once_it_stands_still(
    database: Database, practice: Practice, clock: FrozenClock, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    watch = watcher(database, clock, inbox)
    slow = inbox / "today.csv"
    slow.write_text(HEADER + "1,11/19/2026,9:00 AM,30,Ann Able,1/1/1980\n")
    assert watch.look() == []  # first seen: maybe still being written
    with slow.open("a") as more:  # the writer goes on
        more.write("2,11/19/2026,9:30")
    assert watch.look() == []  # it grew: not read half
    with slow.open("a") as more:
        more.write(" AM,30,Nora New,5/6/1990\n")
    assert watch.look() == []
    (outcome,) = watch.look()
    assert outcome.done and outcome.file == "today.csv"
    assert Appointment.select().where(Appointment.source == "pms").count() == 2
    assert not slow.exists() and (inbox / "done" / "today.csv").exists()
    report = inbox / "done" / "today.csv.report.txt"
    assert report.read_text().startswith("today.csv (pms): 2 added")
    assert report.stat().st_mode & 0o777 == 0o600


def test_two_files_at_once_and_a_bad_one_between(
    database: Database, practice: Practice, clock: FrozenClock, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    watch = watcher(database, clock, inbox)
    (inbox / "a.csv").write_text(HEADER + "1,11/19/2026,9:00 AM,30,Ann Able,1/1/1980\n")
    (inbox / "b.csv").write_text(HEADER + "1,11/31/2026,9:00 AM,30,Ann Able,1/1/1980\n")
    (inbox / "c.csv").write_text(HEADER + "3,11/20/2026,9:00 AM,30,Ann Able,1/1/1980\n")
    (inbox / "d.csv.part").write_text(HEADER)  # still being written under its temporary name
    watch.look()
    outcomes = watch.look()
    assert [(o.file, o.done) for o in outcomes] == [
        ("a.csv", True),
        ("b.csv", False),
        ("c.csv", True),
    ]
    failed = (inbox / "failed" / "b.csv.report.txt").read_text()
    assert "1 line cannot be imported, so nothing was" in failed and "line 2:" in failed
    assert (inbox / "d.csv.part").exists()
    assert {a.external_id for a in Appointment.select().where(Appointment.source == "pms")} == {
        "1",
        "3",
    }


def test_the_same_name_again_keeps_both_in_done(
    database: Database, practice: Practice, clock: FrozenClock, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    watch = watcher(database, clock, inbox)
    for _night in range(2):
        (inbox / "nightly.csv").write_text(HEADER + "1,11/19/2026,9:00 AM,30,Ann Able,1/1/1980\n")
        watch.look()
        watch.look()
    assert sorted(p.name for p in (inbox / "done").iterdir()) == [
        "nightly-1.csv",
        "nightly-1.csv.report.txt",
        "nightly.csv",
        "nightly.csv.report.txt",
    ]
    assert "1 unchanged" in (inbox / "done" / "nightly-1.csv.report.txt").read_text()
