"""The book the other way: appointments from one day to another as an .ics calendar (a
provider's phone, a calendar the PMS can read) or a CSV with the headers our import
reads, so an export imported again is the same book.

Cancelled appointments are in the .ics as STATUS:CANCELLED (a calendar that had them
drops them) and left out of the CSV. An appointment's UID is its source's id when it came
from one, else om-tui's own (`om-tui-<id>`), so re-exporting updates the same events.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import icalendar
from peewee import JOIN

from db.models import Appointment, AppointmentType, Patient, Room, Staff, as_utc, utc_naive
from om_tui.practice.imports.matching import day_bounds

CSV_HEADER = (
    "Appointment ID", "Date", "Time", "Length", "First Name", "Last Name", "Birth Date",
    "Chart", "Phone", "Provider", "Room", "Type", "Status",
)  # fmt: skip


def _appointments(first: dt.date, last: dt.date, zone: dt.tzinfo) -> Iterator[Appointment]:
    begin, end = day_bounds(first, last, zone)
    provider = Staff.alias()
    return iter(
        Appointment.select(Appointment, Patient, provider, Room, AppointmentType)
        .join(Patient)
        .switch(Appointment)
        .join(provider, JOIN.LEFT_OUTER, on=(Appointment.provider == provider.id))
        .switch(Appointment)
        .join(Room, JOIN.LEFT_OUTER)
        .switch(Appointment)
        .join(AppointmentType, JOIN.LEFT_OUTER)
        .where(Appointment.start >= utc_naive(begin), Appointment.start < utc_naive(end))
        .order_by(Appointment.start, Appointment.id)
    )


def _uid(appointment: Appointment) -> str:
    if appointment.source:
        return f"{appointment.source}:{appointment.external_id}"
    return f"om-tui-{appointment.id}"


def _name(model: object | None, field: str) -> str:
    return str(getattr(model, field)) if model is not None else ""


def export_ics(first: dt.date, last: dt.date, zone: dt.tzinfo, practice: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//om-tui//appointment book//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{practice} appointments")
    for appointment in _appointments(first, last, zone):
        event = icalendar.Event()
        start = as_utc(appointment.start)
        event.add("uid", _uid(appointment))
        event.add("dtstamp", start)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=appointment.length_minutes))
        kind = _name(appointment.type, "name")
        patient = appointment.patient.full_name
        event.add("summary", f"{patient} - {kind}" if kind else patient)
        if appointment.room_id is not None:
            event.add("location", _name(appointment.room, "name"))
        lines = [f"Chart: {appointment.patient.chart_number}"]
        if appointment.provider_id is not None:
            lines.append(f"Provider: {_name(appointment.provider, 'name')}")
        event.add("description", "\n".join(lines))
        event.add("status", "CANCELLED" if appointment.cancelled_at else "CONFIRMED")
        event.add("sequence", appointment.version)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def export_csv(first: dt.date, last: dt.date, zone: dt.tzinfo) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for appointment in _appointments(first, last, zone):
        if appointment.cancelled_at is not None:
            continue
        start = as_utc(appointment.start).astimezone(zone)
        patient = appointment.patient
        writer.writerow(
            (
                _uid(appointment),
                f"{start:%Y-%m-%d}",
                f"{start:%H:%M}",
                appointment.length_minutes,
                patient.first_name,
                patient.last_name,
                patient.dob.isoformat() if patient.dob else "",
                patient.chart_number,
                patient.phone,
                _name(appointment.provider, "name") if appointment.provider_id else "",
                _name(appointment.room, "name"),
                _name(appointment.type, "name"),
                "no-show" if appointment.missed_at else "booked",
            )  # fmt: skip
        )
    return out.getvalue()
