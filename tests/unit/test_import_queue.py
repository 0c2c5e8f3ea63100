"""The import queue: an ambiguous patient's appointments held for a person, who links
them to a patient, adds the patient as new, or skips them; the answer is remembered for
the next import, roles are checked, a stale decision is refused."""

from __future__ import annotations

import pytest
from peewee import Database

from db.models import Appointment, ImportHeld, Patient, SourcePatient
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.imports import queue
from om_tui.practice.people import audit
from om_tui.practice.people.roles import ADMINISTRATOR, NotAllowed

from .practice_fixture import Practice
from .test_import_apply import ANN, HEADER, imported, run

NO_DOB = "5,11/19/2026,2:00 PM,30,Ben Baker,,,Dr. Chen,,,\n"
NO_DOB_FRI = "6,11/20/2026,2:00 PM,30,Ben Baker,,,Dr. Chen,,,\n"


@pytest.fixture
def twin(practice: Practice) -> int:
    """A second Ann Able with Ann's birth date: the import cannot tell them apart."""
    ann = Patient.get_by_id(practice.patients["ann"])
    return int(
        Patient.create(
            first_name="Ann", last_name="Able", dob=ann.dob, chart_number="T-1", created=ann.created
        ).id
    )


def test_an_ambiguous_line_is_held_with_its_candidates(
    database: Database, practice: Practice, clock: FrozenClock, twin: int
) -> None:
    report = run(database, clock, HEADER + ANN + NO_DOB + NO_DOB_FRI)
    assert len(report.needs_person) == 3 and imported() == {}
    assert any("import queue" in note for note in report.notes)
    assert queue.waiting_count(database) == 2  # Ann (P-1), and Ben's two by his name
    ann, ben = queue.waiting(database)
    assert (ann.key, ann.patient.full_name, ann.source) == ("P-1", "Ann Able", "pms")
    assert {c.patient_id for c in ann.candidates} == {practice.patients["ann"], twin}
    assert ann.reason == "two patients with this name and birth date"
    assert [a.external_id for a in ben.appointments] == ["5", "6"]
    assert [c.patient_id for c in ben.candidates] == [practice.patients["ben"]]
    assert ben.files == ["book.csv"]


def test_importing_the_same_file_again_leaves_the_queue_as_it_was(
    database: Database, practice: Practice, clock: FrozenClock, twin: int
) -> None:
    run(database, clock, HEADER + ANN)
    (before,) = queue.waiting(database)
    run(database, clock, HEADER + ANN)
    (after,) = queue.waiting(database)
    assert after.held_ids == before.held_ids  # what a person is looking at stays put


def test_linking_books_the_held_appointments_and_is_remembered(
    database: Database, practice: Practice, clock: FrozenClock, twin: int
) -> None:
    run(database, clock, HEADER + ANN)
    (entry,) = queue.waiting(database)
    said = queue.link(database, clock, entry, twin, by=practice.desk)
    assert said == "1 appointment from pms now Ann Able's (linked)."
    assert imported()["1"].patient_id == twin
    assert queue.waiting(database) == [] and ImportHeld.select().count() == 0
    link = SourcePatient.get(SourcePatient.source == "pms", SourcePatient.number == "P-1")
    assert link.patient_id == twin
    # The next import finds her at once, and changes nothing.
    again = run(database, clock, HEADER + ANN)
    assert again.needs_person == [] and again.unchanged == 1


def test_a_name_without_a_number_is_remembered_by_name_and_birth_date(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    run(database, clock, HEADER + NO_DOB + NO_DOB_FRI)
    (entry,) = queue.waiting(database)
    assert entry.key == "name:ben baker|"
    queue.link(database, clock, entry, practice.patients["ben"], by=practice.desk)
    assert {a.patient_id for a in imported().values()} == {practice.patients["ben"]}
    assert len(imported()) == 2
    later = NO_DOB.replace("5,11/19", "7,11/25")
    assert run(database, clock, HEADER + later).needs_person == []
    assert imported()["7"].patient_id == practice.patients["ben"]


def test_adding_as_new_makes_the_patient_the_source_names(
    database: Database, practice: Practice, clock: FrozenClock, twin: int
) -> None:
    run(database, clock, HEADER + ANN)
    (entry,) = queue.waiting(database)
    patients = Patient.select().count()
    queue.add_new(database, clock, entry, by=practice.desk)
    assert Patient.select().count() == patients + 1
    booked = imported()["1"]
    assert booked.patient_id not in (twin, practice.patients["ann"])
    assert (booked.patient.full_name, booked.patient.dob) == ("Ann Able", entry.patient.dob)


def test_skipping_sets_it_aside_and_it_is_not_asked_again(
    database: Database, practice: Practice, clock: FrozenClock, twin: int
) -> None:
    run(database, clock, HEADER + ANN)
    (entry,) = queue.waiting(database)
    assert queue.skip(database, clock, entry, by=practice.desk) == (
        "1 appointment from pms set aside."
    )
    assert queue.waiting_count(database) == 0 and imported() == {}
    run(database, clock, HEADER + ANN)  # the nightly file says the same again
    assert queue.waiting_count(database) == 0
    moved = ANN.replace("9:00 AM", "11:00 AM")  # the source changed it: asked again
    run(database, clock, HEADER + moved)
    assert queue.waiting_count(database) == 1


def test_a_decision_on_what_changed_meanwhile_is_refused(
    database: Database, practice: Practice, clock: FrozenClock, twin: int
) -> None:
    run(database, clock, HEADER + ANN)
    (seen,) = queue.waiting(database)
    queue.skip(database, clock, seen, by=practice.desk)  # another terminal, first
    with pytest.raises(queue.QueueChanged, match="changed meanwhile"):
        queue.link(database, clock, seen, twin, by=practice.desk)
    assert imported() == {}


def test_only_the_desk_and_the_managers_decide(
    database: Database, practice: Practice, clock: FrozenClock, twin: int
) -> None:
    run(database, clock, HEADER + ANN)
    (entry,) = queue.waiting(database)
    provider = practice.other_provider  # on staff, no desk rights
    with pytest.raises(NotAllowed, match="decide whom an imported appointment is for"):
        queue.link(database, clock, entry, twin, by=provider)
    assert Appointment.select().where(Appointment.source == "pms").count() == 0
    queue.link(database, clock, entry, twin, by=ADMINISTRATOR)  # the command line may
    assert imported()["1"].patient_id == twin


def test_the_trail_names_the_person_who_decided(
    database: Database, practice: Practice, clock: FrozenClock, twin: int
) -> None:
    run(database, clock, HEADER + ANN)
    (entry,) = queue.waiting(database)
    audit.set_terminal(database, "desk-1")
    queue.link(database, clock, entry, twin, by=practice.desk)
    entries = audit.read(database, settings.load(database)).entries
    (decided,) = [e for e in entries if e.action == "import_decision"]
    assert decided.detail["decision"] == "linked" and decided.detail["added"] == 1
    made = [e.terminal for e in entries if e.subject == "appointment" and e.action == "create"]
    assert made.count("desk-1") == 1 and "import pms" not in made


def test_a_snapshot_that_no_longer_lists_a_held_appointment_lets_it_go(
    database: Database, practice: Practice, clock: FrozenClock, twin: int
) -> None:
    run(database, clock, HEADER + ANN + NO_DOB)
    assert queue.waiting_count(database) == 2
    run(database, clock, HEADER + NO_DOB)  # Ann's was cancelled at the source
    assert [w.patient.full_name for w in queue.waiting(database)] == ["Ben Baker"]


def test_an_import_in_a_persons_name_checks_their_role(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    with pytest.raises(NotAllowed, match="import appointments"):
        run(database, clock, HEADER + ANN, by=practice.other_provider)
    assert imported() == {}
    assert len(run(database, clock, HEADER + ANN, by=practice.desk).added) == 1
