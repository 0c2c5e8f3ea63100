"""The contact log, and the changes the call lists make: each one a single operation, in
one transaction, in the name of the person at the terminal (the front desk and the
managers; everyone may read the lists).

What a contact is: a patient, the list it was made from, what came of it (called, left a
message, confirmed, booked, not reachable, do not contact), when and by whom; for a
confirmation or a booking, the appointment. Every row is on the audit trail.

Two terminals logging a call to the same patient at once make two rows, both honest: two
people did call. Spacing and tries count days, not rows, so the second row neither
pushes the patient further off nor uses up a try.

A patient merged into another while shown on a list: the contact is logged, and the
booking made, on the record kept (merged_into followed), and the desk is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from peewee import JOIN

from db.models import (
    Appointment,
    AsapRequest,
    CallContact,
    ConfirmationStatus,
    Patient,
    Staff,
    as_utc,
    utc_naive,
)
from om_tui.practice.acting import Acting
from om_tui.practice.people.roles import recorded, require
from om_tui.practice.refusal import Refusal
from om_tui.practice.schedule.book import Book, Booked

CONFIRM, RECALL, UNSCHEDULED, ASAP = "confirm", "recall", "unscheduled", "asap"
LISTS = (CONFIRM, RECALL, UNSCHEDULED, ASAP)

OUTCOMES: dict[str, str] = {
    "called": "Called",
    "left_message": "Left message",
    "confirmed": "Confirmed",
    "booked": "Booked",
    "not_reachable": "Not reachable",
    "do_not_contact": "Do not contact",
}
"""What came of a contact, as the log says it."""
TRIES = frozenset({"called", "left_message", "not_reachable"})
"""Outcomes that are a try: they space the next call and count towards giving up."""
DOING = "log calls and book from the call lists"


class CallError(Refusal):
    """Something the call lists refuse; the message is fit for the front desk."""


@dataclass(frozen=True)
class ContactLine:
    id: int
    patient_id: int
    listed: str
    outcome: str
    at: dt.datetime  # UTC, aware
    by: str

    @property
    def said(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)


def _name(person: Staff | None) -> str:
    return str(person.name) if person is not None else "—"


def kept_record(patient_id: int) -> Patient:
    """The patient's record, or the one it was merged into (followed to the end)."""
    patient = Patient.get_or_none(Patient.id == patient_id)
    for _ in range(20):  # merges form a short chain; never a loop
        if patient is None or patient.merged_into_id is None:
            break
        patient = Patient.get_or_none(Patient.id == patient.merged_into_id)
    if patient is None:
        raise CallError("That patient is no longer on file.")
    return patient


def outcome_of_state(name: str) -> str:
    """The contact a confirmation state says was made ("Left message" → left_message)."""
    key = name.strip().lower().replace(" ", "_")
    return key if key in OUTCOMES else "called"


def do_not_contact(patient_ids: Collection[int] | None = None) -> set[int]:
    """Patients who asked not to be contacted (for calls from the recall and unscheduled
    lists; their appointments are still confirmed)."""
    query = CallContact.select(CallContact.patient).where(CallContact.outcome == "do_not_contact")
    if patient_ids is not None:
        query = query.where(CallContact.patient.in_(list(patient_ids)))
    return {row.patient_id for row in query}


class Calls(Acting):
    """The call lists' changes and the contact log, in the name of `staff_id`."""

    @property
    def book(self) -> Book:
        return Book(self.database, self.clock, self.settings, self.staff_id)

    def contacts_of(self, patient_id: int, limit: int = 20) -> list[ContactLine]:
        """The patient's contacts, newest first."""
        query = (
            CallContact.select(CallContact, Staff)
            .join(Staff, on=(CallContact.by == Staff.id), join_type=JOIN.LEFT_OUTER)
            .where(CallContact.patient == patient_id)
            .order_by(CallContact.at.desc(), CallContact.id.desc())
            .limit(limit)
        )
        return [
            ContactLine(
                row.id,
                row.patient_id,
                row.listed,
                row.outcome,
                as_utc(row.at),
                _name(row.by),
            )
            for row in query
        ]

    def _log(
        self,
        patient_id: int,
        listed: str,
        outcome: str,
        appointment_id: int | None = None,
        booked_id: int | None = None,
    ) -> CallContact:
        row: CallContact = CallContact.create(
            patient=patient_id,
            appointment=appointment_id,
            listed=listed,
            outcome=outcome,
            at=utc_naive(self.clock.now()),
            by=recorded(self.staff_id),
            booked=booked_id,
        )
        return row

    def log(
        self, patient_id: int, listed: str, outcome: str, appointment_id: int | None = None
    ) -> str:
        """Log a contact; what the desk is told."""
        if listed not in LISTS:
            raise CallError(f"No call list is called {listed!r}.")
        if outcome not in OUTCOMES or outcome == "booked":
            raise CallError("A booking is logged by booking (Enter), not by hand.")
        with self.database.atomic():
            require(self.database, self.staff_id, "book", DOING, CallError)
            patient = kept_record(patient_id)
            if (
                listed in (RECALL, UNSCHEDULED)
                and outcome in TRIES
                and patient.id in do_not_contact([patient.id])
            ):
                raise CallError(f"{patient.full_name} asked not to be contacted.")
            self._log(patient.id, listed, outcome, appointment_id)
        merged = " (on the record it was merged into)" if patient.id != patient_id else ""
        return f"{patient.full_name}: {OUTCOMES[outcome].lower()}{merged}"

    def set_confirmation(self, appointment_id: int, version: int, status_id: int) -> Booked:
        """A confirmation call's result: the appointment's state, and the contact logged,
        at once (refused if the appointment changed on another terminal)."""
        with self.database.atomic():
            require(self.database, self.staff_id, "book", DOING, CallError)
            status = ConfirmationStatus.get_or_none(ConfirmationStatus.id == status_id)
            if status is None:
                raise CallError("The practice has no such confirmation state.")
            done = self.book.set_status(appointment_id, version, status_id)
            patient_id = Appointment.get_by_id(appointment_id).patient_id
            self._log(patient_id, CONFIRM, outcome_of_state(status.name), appointment_id)
        return done

    def book_from_list(
        self,
        patient_id: int,
        listed: str,
        start: dt.datetime,
        minutes: int,
        provider_id: int | None,
        type_id: int | None = None,
        consent: Collection[str] = (),
    ) -> Booked:
        """Book a patient found on a list; the booking is logged as the list's (the
        Reactivations stat counts those booked from the recall list)."""
        with self.database.atomic():
            require(self.database, self.staff_id, "book", DOING, CallError)
            patient = kept_record(patient_id)
            done = self.book.book(patient.id, start, minutes, provider_id, type_id, None, consent)
            self._log(patient.id, listed, "booked", booked_id=done.appointment_id)
            self._end_asap(patient.id, done.appointment_id)
        return done

    # -- the ASAP list -----------------------------------------------------------

    def add_asap(
        self,
        patient_id: int,
        provider_id: int | None = None,
        weekdays: Collection[int] = (),
        earliest: dt.time | None = None,
        latest: dt.time | None = None,
        note: str = "",
    ) -> str:
        """Put a patient on the ASAP list with what they can take (nothing said: anything)."""
        if any(not 0 <= day <= 6 for day in weekdays):
            raise CallError("Weekdays are Monday (0) to Sunday (6).")
        if earliest is not None and latest is not None and latest <= earliest:
            raise CallError("The latest time comes after the earliest.")
        with self.database.atomic():
            require(self.database, self.staff_id, "book", DOING, CallError)
            patient = kept_record(patient_id)
            if not patient.active:
                raise CallError(f"{patient.full_name}'s record is inactive.")
            if (
                AsapRequest.select()
                .where(AsapRequest.patient == patient.id, AsapRequest.ended.is_null())
                .exists()
            ):
                raise CallError(f"{patient.full_name} is on the ASAP list already.")
            AsapRequest.create(
                patient=patient.id,
                provider=provider_id,
                weekdays=" ".join(str(d) for d in sorted(set(weekdays))),
                earliest=earliest.strftime("%H:%M") if earliest else "",
                latest=latest.strftime("%H:%M") if latest else "",
                note=" ".join(note.split())[:200],
                created=utc_naive(self.clock.now()),
                by=recorded(self.staff_id),
            )
        return f"{patient.full_name}: on the ASAP list"

    def end_asap(self, request_id: int) -> str:
        """Take a patient off the ASAP list (they no longer want an earlier slot)."""
        with self.database.atomic():
            require(self.database, self.staff_id, "book", DOING, CallError)
            request = AsapRequest.get_or_none(AsapRequest.id == request_id)
            if request is None or request.ended is not None:
                raise CallError("That patient is off the ASAP list already.")
            self._end(request)
        return f"{kept_record(request.patient_id).full_name}: off the ASAP list"

    def _end(self, request: AsapRequest, booked: int | None = None) -> None:
        ended = (
            AsapRequest.update(
                ended=utc_naive(self.clock.now()), ended_by=recorded(self.staff_id), booked=booked
            )
            .where(AsapRequest.id == request.id, AsapRequest.ended.is_null())
            .execute()
        )
        if not ended:
            raise CallError("That patient was taken off the ASAP list on another terminal.")

    def _end_asap(self, patient_id: int, booked: int) -> None:
        for request in AsapRequest.select().where(
            AsapRequest.patient == patient_id, AsapRequest.ended.is_null()
        ):
            self._end(request, booked)

    def book_asap(
        self,
        request_id: int,
        start: dt.datetime,
        minutes: int,
        provider_id: int,
        consent: Collection[str] = (),
    ) -> Booked:
        """The ASAP patient into a slot, in one step: their next appointment moved there
        (an earlier slot is what they asked for), or, without one, a booking made."""
        with self.database.atomic():
            require(self.database, self.staff_id, "book", DOING, CallError)
            request = AsapRequest.get_or_none(AsapRequest.id == request_id)
            if request is None or request.ended is not None:
                raise CallError("That patient was taken off the ASAP list on another terminal.")
            patient = kept_record(request.patient_id)
            later = next(
                (
                    appointment
                    for appointment in Appointment.select()
                    .where(Appointment.patient == patient.id, Appointment.start > utc_naive(start))
                    .order_by(Appointment.start)
                    if appointment.cancelled_at is None  # in Python: see asap.freed_slots
                ),
                None,
            )
            book = self.book
            if later is not None:
                done = book.move(later.id, later.version, start, provider_id, consent)
            else:
                done = book.book(patient.id, start, minutes, provider_id, None, None, consent)
            self._log(patient.id, ASAP, "booked", booked_id=done.appointment_id)
            self._end(request, done.appointment_id)
        if patient.id != request.patient_id:
            return Booked(done.appointment_id, done.description + " (record merged)")
        return done
