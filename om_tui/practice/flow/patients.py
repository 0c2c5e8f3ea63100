"""Patients: reading what the front desk types, finding them fast, adding new ones.

Records are corrected, marked inactive and merged by om_tui.practice.schedule.patients;
the search here follows them (a record changed on any terminal is read again by its
revision), offers active patients only unless asked, and never a record merged away.

One idea, a patient as the front desk types and finds them (search, new, duplicates),
kept whole; corrections and merges are in om_tui.practice.schedule.patients.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

from peewee import Database, fn

from db.models import Patient, utc_naive
from om_tui.practice import limits, time_words
from om_tui.practice.clock import Clock
from om_tui.practice.people.roles import checked
from om_tui.practice.refusal import Refusal


class PatientInputError(Refusal, ValueError):
    """What the person typed cannot be used; the message says what to type instead."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_dob(text: str, today: dt.date) -> dt.date | None:
    """A date of birth, or None when left empty. Raises PatientInputError when wrong."""
    if not text.strip():
        return None
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}", text.strip()):
        raise PatientInputError("dob", "Please type the year in full, e.g. 3/14/1985.")
    dob = time_words.birth_date(text)
    if dob is None:
        if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", text.strip()):
            raise PatientInputError(
                "dob", f"{text.strip()} is not a date (month 1–12, then a day that month has)."
            )
        raise PatientInputError("dob", "Date of birth as MM/DD/YYYY or YYYY-MM-DD.")
    if dob > today:
        raise PatientInputError("dob", "Date of birth is in the future.")
    if dob.year < 1900:
        raise PatientInputError("dob", "Date of birth before 1900: please check the year.")
    return dob


def parse_phone(text: str) -> str:
    """A phone number, tidied, its digits in ASCII whatever the script they were typed in;
    empty stays empty. Raises PatientInputError when wrong."""
    text = limits.ascii_digits(text)
    if not text.strip():
        return ""
    if len(text) > limits.PHONE.longest or re.search(r"[^0-9\s()+.\-]", text):
        raise PatientInputError("phone", "A phone number has only digits, spaces and ( ) - + .")
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if 7 <= len(digits) <= 15:
        return digits
    raise PatientInputError("phone", "A phone number needs 10 digits (or 7–15 for other places).")


def split_name(text: str) -> tuple[str, str]:
    """ "Mary Ann Lee" → ("Mary Ann", "Lee"); "Lee, Mary Ann" → the same; "王小明", a name
    written without spaces, family name first → ("小明", "王")."""
    text = limits.normal(text)
    if not text:
        raise PatientInputError("name", "The patient's full name, please.")
    if len(text) > limits.PERSON_NAME.longest:
        raise PatientInputError(
            "name", f"A name is at most {limits.PERSON_NAME.longest} characters, please."
        )
    if "," in text:
        last, _, first = text.partition(",")
        first, last = _name(first), _name(last)
    else:
        text = _name(text)
        first, _, last = text.rpartition(" ")
        if not first and len(text) > 1 and limits.written_without_spaces(text):
            first, last = text[1:], text[0]
    if not first or not last:
        raise PatientInputError("name", "First and last name, please (e.g. Maria Lopez).")
    return first, last


def _name(text: str) -> str:
    try:
        return limits.person_name(text, Refusal) if text.strip() else ""
    except Refusal as refusal:
        raise PatientInputError("name", str(refusal)) from None


@dataclass(frozen=True)
class NewPatient:
    first_name: str
    last_name: str
    dob: dt.date | None
    phone: str


def read_new_patient(name: str, dob: str, phone: str, today: dt.date) -> NewPatient:
    first, last = split_name(name)
    return NewPatient(first, last, parse_dob(dob, today), parse_phone(phone))


def new_patient_problems(name: str, dob: str, phone: str, today: dt.date) -> dict[str, str]:
    """Every field's problem at once (field → message), so a form can show them all."""
    problems = {}
    for field, check in (
        ("name", lambda: split_name(name)),
        ("dob", lambda: parse_dob(dob, today)),
        ("phone", lambda: parse_phone(phone)),
    ):
        try:
            check()
        except PatientInputError as error:
            problems[field] = str(error)
    return problems


def find_same(database: Database, new: NewPatient, but: int | None = None) -> Patient | None:
    """An existing patient with the same name and date of birth, if any (not a record merged
    away; not patient `but`, the one being corrected)."""
    if new.dob is None:
        return None
    query = Patient.select().where(
        fn.LOWER(Patient.first_name) == new.first_name.lower(),
        fn.LOWER(Patient.last_name) == new.last_name.lower(),
        Patient.dob == new.dob,
        Patient.merged_into.is_null(),
    )
    if but is not None:
        query = query.where(Patient.id != but)
    found: Patient | None = query.first()
    return found


@checked("patients", "adds patients")
def add_patient(database: Database, clock: Clock, new: NewPatient, *, by: int | None) -> Patient:
    with database.atomic():
        highest = Patient.select(fn.MAX(Patient.id)).scalar() or 0
        patient: Patient = Patient.create(
            first_name=new.first_name,
            last_name=new.last_name,
            dob=new.dob,
            phone=new.phone,
            chart_number=chart_number_after(highest),
            created=utc_naive(clock.now()),
        )
    return patient


def chart_number_after(highest_id: int) -> str:
    """A new patient's chart number, from the highest patient id before them."""
    return str(100001 + highest_id)


def not_offered_why(patient: Patient) -> str | None:
    """Why a patient cannot be checked in or booked now (merged away, inactive); None: they can.

    Checked inside the write's own transaction, so a terminal that showed the patient
    before a merge or an inactive mark on another terminal is refused, and told why.
    """
    if patient.merged_into_id is not None:
        kept = Patient.get_or_none(Patient.id == patient.merged_into_id)
        into = f"{kept.full_name}'s (chart #{kept.chart_number})" if kept else "another record"
        return (
            f"{patient.full_name}'s record was merged into {into} on another terminal: "
            "nothing was saved. Search for them again."
        )
    if not patient.active:
        return (
            f"{patient.full_name} is marked inactive: nothing was saved. "
            "Mark them active again on their card (Patients) first."
        )
    return None


class PatientEntry(NamedTuple):
    """What the check-in search keeps of a patient."""

    patient_id: int
    first_name: str
    last_name: str
    dob: dt.date | None
    phone: str
    chart_number: str
    haystack: str
    active: bool = True  # an inactive patient is found only when asked for

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_key(self) -> tuple[str, str, int]:
        return (self.last_name.lower(), self.first_name.lower(), self.patient_id)


_NOT_DIGITS = str.maketrans("", "", " ()+.-")


def _haystack(first: str, last: str, dob: dt.date | None, phone: str, chart: str) -> str:
    """One line to search: name, phone digits, chart number, birth date (ISO and MMDDYYYY)."""
    digits = phone.translate(_NOT_DIGITS)  # phones are stored tidied by parse_phone
    if dob is None:
        return f"{first} {last}|{digits}|{chart}".lower()
    iso = dob.isoformat()
    mmdd = f"{iso[5:7]}{iso[8:10]}"
    return f"{first} {last}|{digits}|{chart} {iso} {mmdd}{iso[:4]} {mmdd}{iso[2:4]}".lower()


_PARTIAL_DATE = re.compile(r"(\d{1,2})[/.-](\d{0,2})([/.-]\d{0,4})?")


def search_terms(query: str) -> list[str]:
    """Split what was typed into terms every match must contain."""
    query = query.strip().lower()
    if not query:
        return []
    day = time_words.birth_date(query)
    if day is not None:
        return [day.isoformat()]
    partial = _PARTIAL_DATE.fullmatch(query)
    if partial is not None:
        # A birth date being typed (3/, 3/14, 3/14/19): match the start of MMDDYYYY.
        month, day_digits, year = partial.groups()
        if len(day_digits) == 2 or year is not None:
            day_digits = day_digits.zfill(2)
        # MMDDYYYY and MMDDYY both stand in the haystack: "5-24-77" finds 05/24/1977.
        return [f" {month.zfill(2)}{day_digits}{(year or '')[1:]}"]
    if re.fullmatch(r"[\d\s()+.\-]+", query):
        return [re.sub(r"\D", "", query)]
    return query.replace(",", " ").split()


class _Snapshot(NamedTuple):
    """The whole index at one moment; replaced whole, so readers never see half."""

    entries: list[PatientEntry]  # in name order
    text: str  # every haystack, in the same order, one per line
    starts: list[int]  # where each entry's haystack begins in `text`
    by_id: dict[int, PatientEntry]
    by_dob: dict[dt.date, list[PatientEntry]]
    recent: list[PatientEntry] = []  # added since the text was built: searched one by one
    hidden: frozenset[int] = frozenset()  # changed since the text was built: found in `recent`

    def with_recent(
        self, added: list[PatientEntry], changed: dict[int, PatientEntry | None]
    ) -> _Snapshot:
        """A few new or changed patients (None: merged away), without rebuilding the text:
        a changed one's old line is hidden, its new one kept with the recent ones."""
        by_id = dict(self.by_id)
        by_dob = dict(self.by_dob)
        for patient_id in changed:
            old = by_id.pop(patient_id, None)
            if old is not None and old.dob is not None:
                by_dob[old.dob] = [e for e in by_dob.get(old.dob, []) if e.patient_id != patient_id]
        fresh = [*added, *(e for e in changed.values() if e is not None)]
        for entry in fresh:
            by_id[entry.patient_id] = entry
            if entry.dob is not None:
                by_dob[entry.dob] = [*by_dob.get(entry.dob, []), entry]
        recent = [e for e in self.recent if e.patient_id not in changed]
        return self._replace(
            by_id=by_id,
            by_dob=by_dob,
            recent=[*recent, *fresh],
            hidden=self.hidden | changed.keys(),
        )


#: New patients kept aside before the joined text is rebuilt with them.
RECENT_LIMIT = 500


def _snapshot(entries: list[PatientEntry]) -> _Snapshot:
    starts = list(accumulate((len(e.haystack) + 1 for e in entries[:-1]), initial=0))
    by_dob: dict[dt.date, list[PatientEntry]] = {}
    for entry in entries:
        if entry.dob is not None:
            by_dob.setdefault(entry.dob, []).append(entry)
    return _Snapshot(
        entries,
        "\n".join(e.haystack for e in entries),
        starts if entries else [],
        {e.patient_id: e for e in entries},
        by_dob,
    )


class PatientIndex:
    """Every patient, in memory, for search as fast as typing.

    A LIKE '%…%' over 100,000 rows costs tens of ms per keystroke; so does a
    Python loop over 100,000 objects. One joined string searched with
    `str.find`, mapped back to patients by offset, costs a few ms.
    New patients are picked up by id.
    """

    def __init__(self) -> None:
        self._index = _snapshot([])
        self._highest_id = 0
        self._highest_revision = 0
        self.loaded = False
        """Read once at least: an empty index is then a practice with no patients yet."""
        # Refreshes come from worker threads (start-up, each search); one at a time.
        self._refreshing = threading.Lock()

    def __len__(self) -> int:
        return len(self._index.by_id)

    def refresh(self, database: Database) -> bool:
        """Load patients added since the last refresh (all of them the first time). True
        when the whole index was made anew (the first time, or after many changes)."""
        with self._refreshing:
            rebuilt = self._refresh(database)
            self.loaded = True
            return rebuilt

    def _refresh(self, database: Database) -> bool:
        mark = database.param  # ? on SQLite, %s on PostgreSQL
        cursor = database.execute_sql(  # type: ignore[no-untyped-call]
            "SELECT id, first_name, last_name, dob, phone, chart_number, active, merged_into_id,"
            f" revision FROM patient WHERE id > {mark} OR revision > {mark} ORDER BY id",
            (self._highest_id, self._highest_revision),
        )
        added: list[PatientEntry] = []
        changed: dict[int, PatientEntry | None] = {}  # None: merged away, no longer offered
        for pid, first, last, dob, phone, chart, active, merged_into, revision in cursor:
            self._highest_revision = max(self._highest_revision, revision)
            born = dt.date.fromisoformat(dob) if isinstance(dob, str) else dob
            haystack = _haystack(first, last, born, phone, chart)
            entry = PatientEntry(pid, first, last, born, phone, chart, haystack, bool(active))
            kept = entry if merged_into is None else None
            if pid <= self._highest_id:
                changed[pid] = kept
            elif kept is not None:
                added.append(kept)
            self._highest_id = max(self._highest_id, pid)
        if not added and not changed:
            return False
        index = self._index
        if index.entries and len(index.recent) + len(added) + len(changed) <= RECENT_LIMIT:
            self._index = index.with_recent(added, changed)
            return False
        entries = [e for e in index.entries if e.patient_id not in index.hidden]
        entries = [e for e in (*entries, *index.recent) if e.patient_id not in changed]
        entries += [e for e in changed.values() if e is not None]
        entries += added
        entries.sort(key=lambda e: e.sort_key)
        self._index = _snapshot(entries)
        return True

    def get(self, patient_id: int) -> PatientEntry | None:
        return self._index.by_id.get(patient_id)

    def search(
        self, query: str, limit: int = 40, exclude: Iterable[int] = (), inactive: bool = False
    ) -> list[PatientEntry]:
        """Patients whose name, phone, chart number or birth date hold every term typed;
        the inactive ones too if `inactive`."""
        terms = search_terms(query)
        if not terms:
            return []
        terms.sort(key=len, reverse=True)
        first, rest = terms[0], terms[1:]
        index = self._index
        text, starts, entries = index.text, index.starts, index.entries
        skip = set(exclude)
        stale = index.hidden  # changed since the text was built: their new lines are recent
        found: list[PatientEntry] = []
        at = text.find(first)
        while at != -1:
            position = bisect_right(starts, at) - 1
            entry = entries[position]
            if (
                entry.patient_id not in skip
                and entry.patient_id not in stale
                and (inactive or entry.active)
                and all(t in entry.haystack for t in rest)
            ):
                found.append(entry)
                if len(found) >= limit:
                    break
            if position + 1 >= len(starts):
                break
            at = text.find(first, starts[position + 1])
        for entry in sorted(index.recent, key=lambda e: e.sort_key):
            if len(found) >= limit:
                break
            if (
                entry.patient_id not in skip
                and (inactive or entry.active)
                and all(t in entry.haystack for t in terms)
            ):
                found.append(entry)
        return found

    def same_name(self, new: NewPatient) -> list[PatientEntry]:
        """Patients on file with this first and last name (any birth date)."""
        first, last = new.first_name.lower(), new.last_name.lower()
        return [
            e
            for e in self.search(f"{first} {last}", limit=20, inactive=True)
            if e.first_name.lower() == first and e.last_name.lower() == last
        ]

    def same_person(self, new: NewPatient) -> PatientEntry | None:
        """A patient on file with the same name and date of birth, if any."""
        if new.dob is None:
            return None
        first, last = new.first_name.lower(), new.last_name.lower()
        for entry in self._index.by_dob.get(new.dob, []):
            if entry.last_name.lower() == last and entry.first_name.lower() == first:
                return entry
        return None

    def matches(self, entry: PatientEntry, query: str) -> bool:
        terms = search_terms(query)
        return bool(terms) and all(t in entry.haystack for t in terms)
