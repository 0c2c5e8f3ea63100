"""Patient records: add, correct, inactive, merge — each refused when stale — and the card."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from peewee import Database

from db import Patient
from db.models import Appointment, Role, Staff, Stage, Visit
from om_tui.practice import settings
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.moves import Flow
from om_tui.practice.flow.patients import PatientIndex, PatientInputError
from om_tui.practice.flow.stages import StaleVisit
from om_tui.practice.schedule.acting import NotAllowed
from om_tui.practice.schedule.patients import (
    STALE,
    PatientFields,
    PatientRecords,
    RecordError,
    field_problems,
)

from .practice_fixture import DAY, Practice, local


@pytest.fixture
def records(database: Database, practice: Practice, clock: FrozenClock) -> PatientRecords:
    """The records as the front desk keeps them."""
    return PatientRecords(database, clock, settings.load(database), staff_id=practice.desk)


def test_add_a_patient_with_email_and_notes(records: PatientRecords) -> None:
    added = records.add(
        PatientFields("Rosa Diaz", "2/3/1984", "(555) 123 4567", "rosa@example.com", "Prefers am")
    )
    stored = Patient.get_by_id(added.patient_id)
    assert (stored.first_name, stored.last_name, stored.dob) == (
        "Rosa",
        "Diaz",
        dt.date(1984, 2, 3),
    )
    assert (stored.phone, stored.email, stored.notes) == (
        "555-123-4567",
        "rosa@example.com",
        "Prefers am",
    )
    assert stored.active


def test_add_refuses_the_same_name_and_birth_date(
    records: PatientRecords, practice: Practice
) -> None:
    ann = Patient.get_by_id(practice.patients["ann"])
    with pytest.raises(RecordError, match="Already on file: Ann Able"):
        records.add(PatientFields("ann able", f"{ann.dob:%m/%d/%Y}"))


def test_bad_fields_are_refused_with_what_to_type(records: PatientRecords) -> None:
    with pytest.raises(PatientInputError, match="email"):
        records.add(PatientFields("Rosa Diaz", email="rosa at home"))
    problems = field_problems(PatientFields("Rosa", "31/02/1990", "12", "x@", ""), DAY)
    assert set(problems) == {"name", "dob", "phone", "email"}
    assert Patient.select().where(Patient.last_name == "Diaz").count() == 0


def test_edit_corrects_the_record(records: PatientRecords, practice: Practice) -> None:
    seen = records.record(practice.patients["ann"])
    fields = PatientFields("Anne Able-Smith", "1/2/1980", "555 010 9999", "anne@example.com", "")
    edited = records.edit(seen, fields)
    assert edited.full_name == "Anne Able-Smith"
    assert edited.phone == "555-010-9999"
    assert edited.revision > seen.revision


def test_a_stale_edit_is_refused_and_saves_nothing(
    records: PatientRecords, practice: Practice
) -> None:
    seen = records.record(practice.patients["ann"])
    records.edit(seen, PatientFields("Anne Able", phone="555-010-1111"))  # another terminal
    with pytest.raises(RecordError) as refused:
        records.edit(seen, PatientFields("Ann Abel"))
    assert str(refused.value) == STALE
    assert Patient.get_by_id(practice.patients["ann"]).first_name == "Anne"


def test_edit_refuses_a_name_and_birth_date_another_record_has(
    records: PatientRecords, practice: Practice
) -> None:
    ben = Patient.get_by_id(practice.patients["ben"])
    seen = records.record(practice.patients["ann"])
    with pytest.raises(RecordError, match="Already on file: Ben Baker"):
        records.edit(seen, PatientFields("Ben Baker", f"{ben.dob:%m/%d/%Y}"))
    # Its own name and birth date again is no duplicate.
    records.edit(seen, seen.fields())


def test_inactive_patients_keep_their_history_and_are_not_checked_in(
    records: PatientRecords, practice: Practice, flow: Flow, database: Database
) -> None:
    index = PatientIndex()
    index.refresh(database)
    seen = records.record(practice.patients["eve"])
    inactive = records.set_active(seen, False)
    assert not inactive.active
    with pytest.raises(StaleVisit, match="marked inactive"):
        flow.check_in(practice.patients["eve"])
    index.refresh(database)  # the search reads the changed record again
    assert index.search("evans") == []
    assert [e.full_name for e in index.search("evans", inactive=True)] == ["Eve Evans"]
    records.set_active(inactive, True)
    flow.check_in(practice.patients["eve"])
    index.refresh(database)
    assert [e.full_name for e in index.search("evans")] == ["Eve Evans"]


def test_an_edit_elsewhere_reaches_the_search(
    records: PatientRecords, practice: Practice, database: Database
) -> None:
    index = PatientIndex()
    index.refresh(database)
    records.edit(records.record(practice.patients["gus"]), PatientFields("Gustav Grant"))
    index.refresh(database)
    assert [e.full_name for e in index.search("grant")] == ["Gustav Grant"]  # not Gus too
    assert index.get(practice.patients["gus"]).first_name == "Gustav"
    assert len(index) == len(practice.patients)


def test_merge_moves_everything_and_is_audited(
    records: PatientRecords, practice: Practice, flow: Flow, database: Database, clock: FrozenClock
) -> None:
    # Eve came in yesterday as a walk-in under a second record, and is booked next week.
    duplicate = records.add(PatientFields("Evie Evans", email="evie@example.com"))
    yesterday = Visit.create(
        patient=duplicate.patient_id, date=DAY - dt.timedelta(days=1), stage="done"
    )
    booked = Appointment.create(
        patient=duplicate.patient_id,
        start=local(9, 0, day=DAY + dt.timedelta(days=7)).astimezone(dt.UTC).replace(tzinfo=None),
    )
    keep = records.record(practice.patients["eve"])
    kept = records.merge(keep, records.record(duplicate.patient_id))

    assert Visit.get_by_id(yesterday.id).patient_id == keep.patient_id
    assert Appointment.get_by_id(booked.id).patient_id == keep.patient_id
    assert kept.email == "evie@example.com"  # what the kept record lacked
    away = Patient.get_by_id(duplicate.patient_id)
    assert away.merged_into_id == keep.patient_id and not away.active
    row = database.execute_sql(
        "SELECT subject, entry FROM audit WHERE action = 'merge_patients'"
    ).fetchone()
    assert "Evie Evans" in row[0] and "into Eve Evans" in row[0]
    detail = json.loads(row[1])["detail"]
    assert detail["moved"] == {"appointment": 1, "visit": 1}
    card = records.card(keep.patient_id)
    assert [line.state for line in card.upcoming] == ["Booked"]
    assert card.past_count == 1 and card.past[0].what == "Walk-in"
    assert card.merged_from == [f"Evie Evans (chart #{duplicate.chart_number})"]


def test_a_stale_merge_is_refused_and_moves_nothing(
    records: PatientRecords, practice: Practice
) -> None:
    keep = records.record(practice.patients["eve"])
    away = records.record(practice.patients["gus"])
    records.edit(away, PatientFields("Gus Grant", phone="555-999-0000"))  # another terminal
    with pytest.raises(RecordError, match="Changed on another terminal"):
        records.merge(keep, away)
    assert Patient.get_by_id(away.patient_id).merged_into_id is None


def test_check_in_of_a_patient_merged_meanwhile_is_refused(
    records: PatientRecords, practice: Practice, flow: Flow
) -> None:
    # The check-in screen showed Gus; another terminal merges him into Eve before Enter.
    records.merge(
        records.record(practice.patients["eve"]), records.record(practice.patients["gus"])
    )
    with pytest.raises(StaleVisit, match="merged into Eve Evans's"):
        flow.check_in(practice.patients["gus"])
    assert Visit.select().where(Visit.date == DAY).count() == 0


def test_a_board_row_shown_before_a_merge_ends_the_visit_of_the_record_kept(
    records: PatientRecords, practice: Practice, flow: Flow
) -> None:
    row = practice.row(flow, "dee")  # the board shows Dee's booking; a merge moves it
    records.merge(
        records.record(practice.patients["eve"]), records.record(practice.patients["dee"])
    )
    change = flow.move(row, Stage.CANCELLED)
    assert Visit.get_by_id(change.visit_id).patient_id == practice.patients["eve"]


def test_a_merged_record_is_gone_from_the_search(
    records: PatientRecords, practice: Practice, database: Database
) -> None:
    index = PatientIndex()
    index.refresh(database)
    records.merge(
        records.record(practice.patients["eve"]), records.record(practice.patients["gus"])
    )
    index.refresh(database)
    assert index.search("grant", inactive=True) == []
    assert index.get(practice.patients["gus"]) is None


def test_staff_may_not_change_records(
    database: Database, practice: Practice, clock: FrozenClock
) -> None:
    helper = Staff.create(name="Sam Helper", initials="SH", role=Role.STAFF)
    records = PatientRecords(database, clock, settings.load(database), staff_id=helper.id)
    with pytest.raises(NotAllowed, match="^Only the front desk, the office manager or the owner"):
        records.edit(records.record(practice.patients["ann"]), PatientFields("Ann Zed"))
    assert Patient.get_by_id(practice.patients["ann"]).last_name == "Able"


def test_the_card_lists_todays_visit_and_booking(
    records: PatientRecords, practice: Practice, flow: Flow
) -> None:
    flow.check_in(practice.patients["ann"], practice.appointments["ann"])
    flow.assign(practice.row(flow, "ann"), "room", practice.rooms[0])
    card = records.card(practice.patients["ann"])
    assert card.upcoming == []
    [line] = card.past
    assert (line.what, line.provider, line.room, line.state) == (
        "Regular",
        "Dr. Pat Chen",
        "Room 1",
        "Arrived",
    )
    dee = records.card(practice.patients["dee"])  # 10:30 today, not yet here
    assert [line.state for line in dee.upcoming] == ["Booked"]


def test_the_index_says_when_it_was_made_anew(
    records: PatientRecords, practice: Practice, database: Database
) -> None:
    """Made anew the first time (the app then keeps it out of the collector's passes), not
    for an edit or nothing new: those are laid beside it."""
    index = PatientIndex()
    assert index.refresh(database) is True
    assert index.refresh(database) is False
    records.edit(records.record(practice.patients["gus"]), PatientFields("Gustav Grant"))
    assert index.refresh(database) is False
    assert index.get(practice.patients["gus"]).first_name == "Gustav"
