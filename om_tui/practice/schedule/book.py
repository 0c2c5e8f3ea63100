"""The appointment book: reading a day, and booking, moving, resizing, cancelling,
marking missed and confirming appointments.

The rules, in the front desk's words:
- An appointment lasts more than 0 minutes and less than a day.
- A provider's taken slot takes a second appointment only when the person confirms
  it (clinics double-book on purpose); both are then shown double-booked.
- The same patient twice at overlapping times is refused, whoever the providers.
- Outside the provider's hours, or in a blockout, and a slot that has begun already:
  the person is asked, and decides.
- Every change names the version of the appointment the person saw, and is refused
  if it changed since on another terminal. Two terminals booking the same slot at
  once: the second is told it is taken (writes are serialised), and books it only
  as a double-booking it agreed to.
Times are stored in UTC and typed and shown in the practice's time zone. Who may do
what: `access.py`. Cancelled appointments stay, marked, for the record and the stats.

One idea, the book's changes under its rules, kept whole so each rule is read once;
series, slots, hours and types are modules of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, replace

from db.models import (
    Appointment,
    AppointmentType,
    Blockout,
    CancelReason,
    CarePlan,
    ConfirmationStatus,
    ImportHeld,
    Patient,
    Room,
    Setting,
    Staff,
    Visit,
    WorkingHours,
    as_utc,
    utc_naive,
)
from om_tui.practice import time_words
from om_tui.practice.acting import Acting
from om_tui.practice.changes import tables_of
from om_tui.practice.flow.patients import NewPatient, add_patient, not_offered_why
from om_tui.practice.people.roles import recorded
from om_tui.practice.schedule import types
from om_tui.practice.schedule.access import (
    BOOK,
    DOUBLE_BOOK,
    IMPORTED,
    OUTSIDE_HOURS,
    PAST,
    NeedsConsent,
    ScheduleError,
    StaleAppointment,
    own_column_only,
    require,
)
from om_tui.practice.schedule.entries import Column, DayBook, Entry, appointment_query, entries_of
from om_tui.practice.schedule.hours import Hours, blocked_by, blockouts_between, slot_minutes

BOOK_TABLES = tables_of(
    Appointment,
    AppointmentType,
    Blockout,
    CarePlan,
    ConfirmationStatus,
    ImportHeld,
    Patient,
    Room,
    Setting,
    Staff,
    Visit,
    WorkingHours,
)
"""What the book is read from (a day by provider or by room, or a provider's week, with what
is held from an import)."""

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Booked:
    """What a booking or a change made, said as the front desk would."""

    appointment_id: int
    description: str


class Book(Acting):
    """The appointment book, read and changed in the name of `staff_id`."""

    # -- reading -----------------------------------------------------------

    def providers(self) -> list[tuple[int, str]]:
        """The columns this person sees: every active provider; the staff role their own
        column only (none when they see no patients)."""
        query = Staff.select().where(Staff.provider == True, Staff.active == True)  # noqa: E712
        everyone = [(s.id, s.name) for s in query.order_by(Staff.name)]
        if own_column_only(self.staff_id):
            return [(i, n) for i, n in everyone if i == self.staff_id]
        return everyone

    def rooms(self) -> list[tuple[int, str]]:
        query = Room.select().where(Room.retired == False)  # noqa: E712
        return [(r.id, r.name) for r in query.order_by(Room.position, Room.name)]

    def appointments(
        self, start: dt.datetime, end: dt.datetime, *, cancelled: bool = False
    ) -> list[Entry]:
        """Appointments starting in [start, end), by start."""
        query = appointment_query().where(
            Appointment.start >= utc_naive(start), Appointment.start < utc_naive(end)
        )
        if not cancelled:
            query = query.where(Appointment.cancelled_at.is_null())
        return entries_of(query.order_by(Appointment.start, Appointment.id))

    def day(self, day: dt.date, *, by_room: bool = False) -> DayBook:
        start, end = self.settings.day_bounds(day)
        hours = Hours(self.settings)
        if by_room:
            columns = [Column(i, n, day) for i, n in self.rooms()]
        else:
            columns = [Column(i, n, day, hours.spans(i, day)) for i, n in self.providers()]
        entries = self.appointments(start, end)
        if own_column_only(self.staff_id):  # by room too: only their own patients
            entries = [e for e in entries if e.provider_id == self.staff_id]
        blocked = [
            (b.staff_id, b.start, b.end, b.reason)
            for b in blockouts_between(start, end, [c.id for c in columns if c.id is not None])
        ]
        return DayBook(day, slot_minutes(self.database), by_room, columns, entries, blocked)

    def week(self, provider_id: int, first_day: dt.date, days: int = 7) -> DayBook:
        """A provider's week (from `first_day`), a column per day (the staff: their own)."""
        if own_column_only(self.staff_id) and provider_id != self.staff_id:
            raise ScheduleError("You see your own column of the book only.")
        last = first_day + dt.timedelta(days=days - 1)
        start, end = self.settings.day_bounds(first_day)[0], self.settings.day_bounds(last)[1]
        hours = Hours(self.settings)
        columns = []
        for number in range(days):
            day = first_day + dt.timedelta(days=number)
            columns.append(
                Column(
                    provider_id,
                    f"{time_words.weekday_text(day)} {day.day}",
                    day,
                    hours.spans(provider_id, day),
                )
            )
        local = self.settings.local
        entries = [
            replace(e, day=local(e.start).date())
            for e in self.appointments(start, end)
            if e.provider_id == provider_id
        ]
        blocked = [
            (b.staff_id, b.start, b.end, b.reason)
            for b in blockouts_between(start, end, [provider_id])
        ]
        slot = slot_minutes(self.database)
        return DayBook(first_day, slot, False, columns, entries, blocked, week=True)

    def entry(self, appointment_id: int) -> Entry:
        found = entries_of(appointment_query().where(Appointment.id == appointment_id))
        if not found:
            raise StaleAppointment("That appointment is gone (removed on another terminal).")
        return found[0]

    def when(self, moment: dt.datetime) -> str:
        """ "Tue 8 Dec 9:30": how a booking's time is told."""
        return time_words.moment_text(moment, self.settings.zone)

    # -- the rules ---------------------------------------------------------

    def check_slot(
        self,
        patient_id: int,
        provider_id: int | None,
        start: dt.datetime,
        minutes: int,
        consent: Collection[str] = (),
        *,
        moving: int | None = None,
    ) -> bool:
        """Refuse or ask about a slot; True when it double-books (with consent)."""
        types.check_minutes(minutes)
        end = start + dt.timedelta(minutes=minutes)
        if start < self.clock.now() and PAST not in consent:
            raise NeedsConsent(PAST, f"{self.when(start)} has begun already: book it anyway?")
        nearby = (
            Appointment.select(Appointment, Patient)
            .join(Patient)
            .where(
                Appointment.start > utc_naive(start - DAY),
                Appointment.start < utc_naive(end),
                Appointment.cancelled_at.is_null(),
            )
        )
        if moving is not None:
            nearby = nearby.where(Appointment.id != moving)
        same_patient = nearby.where(Appointment.patient == patient_id)
        for other in same_patient:
            if as_utc(other.start) + dt.timedelta(minutes=other.length_minutes) > start:
                name = other.patient.first_name
                raise ScheduleError(
                    f"{name} is booked already at {self.when(as_utc(other.start))}: "
                    "the same patient cannot be in two places at once."
                )
        double = False
        if provider_id is not None:
            provider = Staff.get_or_none(Staff.id == provider_id)
            if provider is None or not provider.active:
                raise ScheduleError("That provider is no longer on the active staff list.")
            taken = [
                other
                for other in nearby.where(Appointment.provider == provider_id)
                if as_utc(other.start) + dt.timedelta(minutes=other.length_minutes) > start
            ]
            if taken:
                double = True
                if DOUBLE_BOOK not in consent:
                    names = ", ".join(o.patient.first_name for o in taken)
                    raise NeedsConsent(
                        DOUBLE_BOOK,
                        f"{provider.name} has {names} then: double-book {self.when(start)}?",
                    )
        if OUTSIDE_HOURS not in consent:
            hours = Hours(self.settings)
            blockout = blocked_by(blockouts_between(start, end), provider_id, start, end)
            if blockout is not None:
                why = f" ({blockout.reason})" if blockout.reason else ""
                raise NeedsConsent(OUTSIDE_HOURS, f"That time is blocked out{why}: book anyway?")
            if not hours.working(provider_id, start, end):
                raise NeedsConsent(
                    OUTSIDE_HOURS, f"{self.when(start)} is outside the hours: book anyway?"
                )
        return double

    # -- changes -----------------------------------------------------------

    def book(
        self,
        patient_id: int,
        start: dt.datetime,
        minutes: int,
        provider_id: int | None,
        type_id: int | None = None,
        room_id: int | None = None,
        consent: Collection[str] = (),
    ) -> Booked:
        """Book a patient; refused or asked about as the rules say."""
        with self.database.atomic():
            require(self.database, self.staff_id, BOOK, "books appointments")
            patient = Patient.get_or_none(Patient.id == patient_id)
            if patient is None:
                raise ScheduleError("That patient is no longer on file (merged or removed).")
            refused = not_offered_why(patient)  # merged away or inactive, on another terminal
            if refused is not None:
                raise ScheduleError(refused)
            double = self.check_slot(patient_id, provider_id, start, minutes, consent)
            appointment = Appointment.create(
                patient=patient_id,
                provider=provider_id,
                start=utc_naive(start),
                length_minutes=minutes,
                type=type_id,
                status=types.first_status(),
                room=room_id,
                double_booked=double,
                booked_at=utc_naive(self.clock.now()),
                booked_by=recorded(self.staff_id),
            )
            self._mark_double(provider_id, start, minutes, double)
        said = " (double-booked)" if double else ""
        return Booked(appointment.id, f"{patient.full_name}: booked {self.when(start)}{said}")

    def book_new(
        self,
        new: NewPatient,
        start: dt.datetime,
        minutes: int,
        provider_id: int | None,
        type_id: int | None = None,
        consent: Collection[str] = (),
        room_id: int | None = None,
    ) -> Booked:
        """Add a new patient and book them, at once: a refused booking adds nobody."""
        with self.database.atomic():
            patient = add_patient(self.database, self.clock, new, by=self.staff_id)
            return self.book(patient.id, start, minutes, provider_id, type_id, room_id, consent)

    def _mark_double(
        self, provider_id: int | None, start: dt.datetime, minutes: int, double: bool
    ) -> None:
        """The appointments a double-booking lands on are shown double-booked too."""
        if not double or provider_id is None:
            return
        end = start + dt.timedelta(minutes=minutes)
        for other in Appointment.select().where(
            Appointment.provider == provider_id,
            Appointment.start > utc_naive(start - DAY),
            Appointment.start < utc_naive(end),
            Appointment.cancelled_at.is_null(),
            Appointment.double_booked == False,  # noqa: E712
        ):
            if as_utc(other.start) + dt.timedelta(minutes=other.length_minutes) > start:
                self._update(other, double_booked=True)

    def _unmark_double(self, left: Appointment) -> None:
        """`left` moved away or was cancelled: those it was double-booked with, alone in
        their slot now, are no longer shown double-booked."""
        if left.provider_id is None or not left.double_booked:
            return
        start = as_utc(left.start)
        end = start + dt.timedelta(minutes=left.length_minutes)
        booked = [
            a
            for a in Appointment.select().where(
                Appointment.provider == left.provider_id,
                Appointment.start > utc_naive(start - 2 * DAY),
                Appointment.start < utc_naive(end + DAY),
                Appointment.cancelled_at.is_null(),
                Appointment.id != left.id,
            )
        ]
        spans = {
            a.id: (as_utc(a.start), as_utc(a.start) + dt.timedelta(minutes=a.length_minutes))
            for a in booked
        }
        for other in booked:
            a_start, a_end = spans[other.id]
            if not other.double_booked or not (a_start < end and start < a_end):
                continue
            if not any(
                b_start < a_end and a_start < b_end
                for key, (b_start, b_end) in spans.items()
                if key != other.id
            ):
                self._update(other, double_booked=False)

    def _as_seen(self, appointment_id: int, version: int) -> Appointment:
        """The appointment, provided it is still the one the person saw."""
        appointment: Appointment | None = (
            Appointment.select(Appointment, Patient)
            .join(Patient)
            .where(Appointment.id == appointment_id)
            .first()
        )
        if appointment is None:
            raise StaleAppointment("That appointment is gone (removed on another terminal).")
        if appointment.version != version:
            raise StaleAppointment(
                f"{appointment.patient.full_name}'s appointment was changed on another "
                "terminal: here it is as it is now. Nothing was changed."
            )
        if appointment.cancelled_at is not None:
            raise StaleAppointment(f"{appointment.patient.full_name}'s appointment is cancelled.")
        return appointment

    def _update(self, appointment: Appointment, **changes: object) -> None:
        changes["version"] = appointment.version + 1
        updated = (
            Appointment.update(**changes)
            .where(Appointment.id == appointment.id, Appointment.version == appointment.version)
            .execute()
        )
        if not updated:
            raise StaleAppointment("That appointment was changed on another terminal meanwhile.")

    def _imported(self, appointment: Appointment, consent: Collection[str], doing: str) -> None:
        """An appointment from another system is changed here only when the person agrees:
        that system's next import puts it back as it has it."""
        if appointment.source and IMPORTED not in consent:
            raise NeedsConsent(
                IMPORTED,
                f"{appointment.patient.full_name}'s appointment came from {appointment.source}: "
                f"its next import {doing}, unless it is changed there too. Change it here anyway?",
            )

    def _not_started(self, appointment: Appointment, doing: str) -> None:
        if Visit.select().where(Visit.appointment == appointment.id).exists():
            raise ScheduleError(
                f"{appointment.patient.full_name} has checked in: {doing} on the board."
            )

    def move(
        self,
        appointment_id: int,
        version: int,
        start: dt.datetime | None = None,
        provider_id: int | None = None,
        consent: Collection[str] = (),
        *,
        minutes: int | None = None,
        keep_provider: bool = True,
    ) -> Booked:
        """Move an appointment to another time, day or provider (or give it a length)."""
        with self.database.atomic():
            require(self.database, self.staff_id, BOOK, "moves appointments")
            appointment = self._as_seen(appointment_id, version)
            self._not_started(appointment, "move the visit")
            self._imported(appointment, consent, "sets it back")
            new_start = start if start is not None else as_utc(appointment.start)
            new_provider = (
                appointment.provider_id if keep_provider and provider_id is None else provider_id
            )
            length = minutes if minutes is not None else appointment.length_minutes
            double = self.check_slot(
                appointment.patient_id,
                new_provider,
                new_start,
                length,
                consent,
                moving=appointment.id,
            )
            self._unmark_double(appointment)
            self._update(
                appointment,
                start=utc_naive(new_start),
                provider=new_provider,
                length_minutes=length,
                double_booked=double,
                missed_at=None,
                missed_by=None,
            )
            self._mark_double(new_provider, new_start, length, double)
        name = appointment.patient.full_name
        if minutes is not None and start is None:
            return Booked(appointment.id, f"{name}: now {length} minutes")
        return Booked(appointment.id, f"{name}: moved to {self.when(new_start)}")

    def resize(
        self, appointment_id: int, version: int, minutes: int, consent: Collection[str] = ()
    ) -> Booked:
        """Give an appointment another length (its start stays)."""
        return self.move(appointment_id, version, None, None, consent, minutes=minutes)

    def cancel(
        self, appointment_id: int, version: int, reason_id: int, consent: Collection[str] = ()
    ) -> Booked:
        """Cancel with one of the practice's reasons: it leaves the book and the board."""
        with self.database.atomic():
            require(self.database, self.staff_id, BOOK, "cancels appointments")
            appointment = self._as_seen(appointment_id, version)
            self._not_started(appointment, "end the visit")
            self._imported(appointment, consent, "books it again")
            reason = CancelReason.get_or_none(CancelReason.id == reason_id)
            if reason is None:
                raise ScheduleError("Choose one of the practice's reasons for cancelling.")
            self._unmark_double(appointment)
            self._update(
                appointment,
                cancelled_at=utc_naive(self.clock.now()),
                cancelled_by=recorded(self.staff_id),
                cancel_reason=reason_id,
            )
        return Booked(appointment.id, f"{appointment.patient.full_name}: cancelled ({reason.text})")

    def mark_missed(self, appointment_id: int, version: int, missed: bool = True) -> Booked:
        """Mark a booking missed (a no-show on the board), or take the mark back."""
        with self.database.atomic():
            require(self.database, self.staff_id, BOOK, "marks appointments missed")
            appointment = self._as_seen(appointment_id, version)
            if missed:
                self._not_started(appointment, "the visit goes on")
                if as_utc(appointment.start) > self.clock.now():
                    raise ScheduleError(
                        f"{appointment.patient.full_name} is not due until "
                        f"{self.when(as_utc(appointment.start))}: not missed yet."
                    )
            self._update(
                appointment,
                missed_at=utc_naive(self.clock.now()) if missed else None,
                missed_by=recorded(self.staff_id) if missed else None,
                rule_applied=True,  # the desk has decided: the no-show rule leaves it be
            )
        said = "missed" if missed else "no longer marked missed"
        return Booked(appointment.id, f"{appointment.patient.full_name}: {said}")

    def set_status(self, appointment_id: int, version: int, status_id: int | None = None) -> Booked:
        """Set the confirmation state; without one, the next in the practice's list."""
        with self.database.atomic():
            require(self.database, self.staff_id, BOOK, "confirms appointments")
            appointment = self._as_seen(appointment_id, version)
            chosen = (
                status_id
                if status_id is not None
                else types.following_status(appointment.status_id)
            )
            status = ConfirmationStatus.get_or_none(ConfirmationStatus.id == chosen)
            if status is None:
                raise ScheduleError("The practice has no such confirmation state.")
            self._update(appointment, status=status.id)
        return Booked(appointment.id, f"{appointment.patient.full_name}: {status.name}")

    def give_slot(
        self,
        visit_id: int,
        provider_id: int | None,
        type_id: int | None = None,
        consent: Collection[str] = (),
    ) -> Booked:
        """A walk-in is given a slot: an appointment from now, for their visit. The walk-in
        is in the office, so "from now" and outside the hours need no asking; a provider
        whose time is booked already is double-booked only with consent, as in the book."""
        with self.database.atomic():
            require(self.database, self.staff_id, BOOK, "books appointments")
            visit = Visit.get_or_none(Visit.id == visit_id)
            if visit is None:
                raise ScheduleError("That visit is gone (removed on another terminal).")
            if visit.appointment_id is not None:
                raise ScheduleError("That visit has its appointment already.")
            kind = AppointmentType.get_or_none(AppointmentType.id == type_id) if type_id else None
            minutes = kind.minutes if kind is not None else slot_minutes(self.database)
            now = self.clock.now().replace(second=0, microsecond=0)
            double = self.check_slot(
                visit.patient_id, provider_id, now, minutes, (PAST, OUTSIDE_HOURS, *consent)
            )
            appointment = Appointment.create(
                patient=visit.patient_id,
                provider=provider_id,
                start=utc_naive(now),
                length_minutes=minutes,
                type=type_id,
                status=types.first_status(),
                double_booked=double,
                booked_at=utc_naive(self.clock.now()),
                booked_by=recorded(self.staff_id),
            )
            self._mark_double(provider_id, now, minutes, double)
            visit.appointment_id = appointment.id
            if visit.provider_id is None:
                visit.provider_id = provider_id
            visit.save()
        return Booked(appointment.id, f"{visit.patient.full_name}: given {self.when(now)}")
