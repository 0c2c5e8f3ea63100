"""Patients: what the front desk types, finding patients fast, adding new ones."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import Database

from db import Patient
from om_tui.practice.clock import FrozenClock
from om_tui.practice.flow.patients import (
    NewPatient,
    PatientEntry,
    PatientIndex,
    PatientInputError,
    add_patient,
    find_same,
    parse_dob,
    parse_phone,
    read_new_patient,
    split_name,
)
from om_tui.practice.people.roles import ADMINISTRATOR

TODAY = dt.date(2026, 11, 18)


@pytest.mark.parametrize(
    "typed",
    ["3/14/1985", "03/14/1985", "1985-03-14", "03-14-1985", "3.14.1985", "03141985", " 3/14/1985 "],
)
def test_parse_dob_reads_the_usual_formats(typed: str) -> None:
    assert parse_dob(typed, TODAY) == dt.date(1985, 3, 14)


def test_parse_dob_empty_is_none() -> None:
    assert parse_dob("", TODAY) is None
    assert parse_dob("   ", TODAY) is None


@pytest.mark.parametrize("typed", ["3/14/85", "03-14-85", "3.14.85"])
def test_parse_dob_refuses_a_two_digit_year(typed: str) -> None:
    with pytest.raises(PatientInputError, match="year in full") as refused:
        parse_dob(typed, TODAY)
    assert refused.value.field == "dob"


def test_parse_dob_refuses_the_future_but_takes_today() -> None:
    with pytest.raises(PatientInputError, match="future") as refused:
        parse_dob("11/19/2026", TODAY)
    assert refused.value.field == "dob"
    assert parse_dob("11/18/2026", TODAY) == TODAY


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("13/01/1985", "13/01/1985 is not a date"),
        ("2/30/1985", "2/30/1985 is not a date"),
        ("last spring", "MM/DD/YYYY"),
        ("1985", "MM/DD/YYYY"),
    ],
)
def test_parse_dob_refuses_what_is_not_a_date(typed: str, said: str) -> None:
    with pytest.raises(PatientInputError, match=said):
        parse_dob(typed, TODAY)


def test_parse_dob_refuses_before_1900() -> None:
    with pytest.raises(PatientInputError, match="1900"):
        parse_dob("1/1/1899", TODAY)


@pytest.mark.parametrize(
    ("typed", "tidy"),
    [
        ("(555) 123-4567", "555-123-4567"),
        ("555.123.4567", "555-123-4567"),
        ("5551234567", "555-123-4567"),
        ("+1 555 123 4567", "555-123-4567"),
        ("1-555-123-4567", "555-123-4567"),
        ("555-1234", "5551234"),
        ("+44 20 7946 0958", "442079460958"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_parse_phone(typed: str, tidy: str) -> None:
    assert parse_phone(typed) == tidy


@pytest.mark.parametrize("typed", ["555-CALL-NOW", "123", "12345678901234567", "555/123/4567"])
def test_parse_phone_refuses(typed: str) -> None:
    with pytest.raises(PatientInputError) as refused:
        parse_phone(typed)
    assert refused.value.field == "phone"


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("Lee, Mary Ann", "Mary Ann", "Lee"),
        ("Mary Ann Lee", "Mary Ann", "Lee"),
        ("  Mary   Ann    Lee ", "Mary Ann", "Lee"),
        ("Lee ,Mary Ann", "Mary Ann", "Lee"),
        ("de la Cruz, Juan", "Juan", "de la Cruz"),
        ("Maria Lopez", "Maria", "Lopez"),
    ],
)
def test_split_name(typed: str, first: str, last: str) -> None:
    assert split_name(typed) == (first, last)


@pytest.mark.parametrize("typed", ["", "   ", "Cher", "Lee,", ", Mary", "A " + "b" * 130])
def test_split_name_refuses(typed: str) -> None:
    with pytest.raises(PatientInputError) as refused:
        split_name(typed)
    assert refused.value.field == "name"


def test_read_new_patient_reads_every_field() -> None:
    new = read_new_patient("Lee, Mary Ann", "3/14/1985", "(555) 123-4567", TODAY)
    assert new == NewPatient("Mary Ann", "Lee", dt.date(1985, 3, 14), "555-123-4567")


def test_read_new_patient_says_which_field_is_wrong() -> None:
    with pytest.raises(PatientInputError) as wrong_dob:
        read_new_patient("Mary Lee", "3/14/85", "5551234567", TODAY)
    assert wrong_dob.value.field == "dob"
    with pytest.raises(PatientInputError) as wrong_phone:
        read_new_patient("Mary Lee", "", "call me", TODAY)
    assert wrong_phone.value.field == "phone"


def _clock() -> FrozenClock:
    return FrozenClock(dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC))


def test_add_patient_stores_what_was_read(database: Database) -> None:
    clock = _clock()
    added = add_patient(
        database, clock, NewPatient("Mary Ann", "Lee", dt.date(1985, 3, 14), ""), by=ADMINISTRATOR
    )
    stored = Patient.get_by_id(added.id)
    assert (stored.first_name, stored.last_name, stored.dob, stored.phone) == (
        "Mary Ann",
        "Lee",
        dt.date(1985, 3, 14),
        "",
    )
    assert stored.created == dt.datetime(2026, 11, 18, 15, 0)  # UTC, naive


def test_add_patient_gives_unique_chart_numbers(database: Database) -> None:
    clock = _clock()
    charts = [
        add_patient(
            database, clock, NewPatient(f"P{n}", "Same", None, ""), by=ADMINISTRATOR
        ).chart_number
        for n in range(5)
    ]
    assert len(set(charts)) == 5
    assert all(c.isdigit() for c in charts)
    assert sorted(charts) == charts  # handed out in order
    assert Patient.select().count() == 5


def test_find_same_matches_name_and_birthday_ignoring_case(database: Database) -> None:
    clock = _clock()
    mary = add_patient(
        database, clock, NewPatient("Mary Ann", "Lee", dt.date(1985, 3, 14), ""), by=ADMINISTRATOR
    )
    add_patient(
        database, clock, NewPatient("Mary Ann", "Lee", dt.date(1990, 1, 1), ""), by=ADMINISTRATOR
    )
    found = find_same(database, NewPatient("MARY ANN", "lee", dt.date(1985, 3, 14), "x"))
    assert found is not None and found.id == mary.id
    assert find_same(database, NewPatient("Mary", "Lee", dt.date(1985, 3, 14), "")) is None
    assert find_same(database, NewPatient("Mary Ann", "Lee", dt.date(1985, 3, 15), "")) is None
    # Without a birthday two people of one name cannot be told apart: no match.
    assert find_same(database, NewPatient("Mary Ann", "Lee", None, "")) is None


@pytest.fixture
def index(database: Database) -> PatientIndex:
    clock = _clock()
    for name, dob, phone in (
        ("Mary Ann Lee", "3/14/1985", "(555) 123-4567"),
        ("Maria Lopez", "7/4/1970", "555-987-6543"),
        ("Tom Marsh", "12/1/2001", ""),
        ("Ann Marie Smith", "", "555-222-3333"),
        ("Leon Lee", "1/2/1960", "555-123-9999"),
    ):
        add_patient(database, clock, read_new_patient(name, dob, phone, TODAY), by=ADMINISTRATOR)
    patients = PatientIndex()
    patients.refresh(database)
    return patients


def _names(found: list[PatientEntry]) -> list[str]:
    return [e.full_name for e in found]


def test_index_holds_everyone_sorted_by_last_then_first(index: PatientIndex) -> None:
    assert len(index) == 5
    # Every chart number holds "100", so this finds everyone.
    assert _names(index.search("100", limit=100)) == [
        "Leon Lee",
        "Mary Ann Lee",
        "Maria Lopez",
        "Tom Marsh",
        "Ann Marie Smith",
    ]


def test_index_search_by_part_of_a_name(index: PatientIndex) -> None:
    assert _names(index.search("lop")) == ["Maria Lopez"]
    assert _names(index.search("MAR")) == [
        "Mary Ann Lee",
        "Maria Lopez",
        "Tom Marsh",
        "Ann Marie Smith",
    ]


def test_index_search_needs_every_word(index: PatientIndex) -> None:
    assert _names(index.search("mary lee")) == ["Mary Ann Lee"]
    assert _names(index.search("lee, mary")) == ["Mary Ann Lee"]
    assert _names(index.search("ann mar")) == ["Mary Ann Lee", "Ann Marie Smith"]
    assert index.search("mary lopez") == []


def test_index_search_by_phone_digits(index: PatientIndex) -> None:
    assert _names(index.search("555-123")) == ["Leon Lee", "Mary Ann Lee"]
    assert _names(index.search("(555) 123-4567")) == ["Mary Ann Lee"]
    assert _names(index.search("9876")) == ["Maria Lopez"]


def test_index_search_by_date_of_birth(index: PatientIndex) -> None:
    assert _names(index.search("3/14/1985")) == ["Mary Ann Lee"]
    assert _names(index.search("1985-03-14")) == ["Mary Ann Lee"]
    assert _names(index.search("07/04/1970")) == ["Maria Lopez"]
    assert index.search("3/15/1985") == []


def test_index_search_by_chart_number(index: PatientIndex) -> None:
    chart = Patient.get(Patient.last_name == "Marsh").chart_number
    assert _names(index.search(chart)) == ["Tom Marsh"]


def test_index_search_empty_query_finds_nobody(index: PatientIndex) -> None:
    assert index.search("") == []
    assert index.search("   ") == []


def test_index_search_limit_and_exclude(index: PatientIndex) -> None:
    assert len(index.search("a", limit=2)) == 2
    mary = Patient.get(Patient.first_name == "Mary Ann").id
    assert _names(index.search("lee", exclude=[mary])) == ["Leon Lee"]
    assert _names(index.search("lee", limit=1, exclude=[mary])) == ["Leon Lee"]


def test_index_refresh_picks_up_new_patients(database: Database, index: PatientIndex) -> None:
    assert index.search("zed") == []
    added = add_patient(database, _clock(), NewPatient("Zed", "Zimmer", None, ""), by=ADMINISTRATOR)
    assert index.get(added.id) is None
    index.refresh(database)
    assert len(index) == 6
    assert _names(index.search("zed")) == ["Zed Zimmer"]
    entry = index.get(added.id)
    assert entry is not None and entry.chart_number == added.chart_number
    index.refresh(database)  # nothing new: nothing doubled
    assert len(index) == 6


def test_index_matches(index: PatientIndex) -> None:
    entry = index.search("lopez")[0]
    assert index.matches(entry, "maria 555")
    assert index.matches(entry, "7/4/1970")
    assert not index.matches(entry, "maria lee")
    assert not index.matches(entry, "")


def test_index_search_while_a_birth_date_is_being_typed(index: PatientIndex) -> None:
    # Every keystroke of "3/14/1985" narrows; none is a dead end on the way.
    assert "Mary Ann Lee" in _names(index.search("3/"))
    assert _names(index.search("3/14")) == ["Mary Ann Lee"]
    assert _names(index.search("3/14/19")) == ["Mary Ann Lee"]
    assert _names(index.search("7/")) == ["Maria Lopez"]
    assert index.search("3/15") == []


def test_index_search_finds_the_last_patient_and_never_across_two(index: PatientIndex) -> None:
    # "Ann Marie Smith" is last in name order; the joined search text must not
    # let a term run from one patient's line into the next.
    assert _names(index.search("smith")) == ["Ann Marie Smith"]
    assert index.search("smith\nleon") == []


def test_index_same_person_by_name_and_birth_date(index: PatientIndex) -> None:
    same = index.same_person(read_new_patient("mary ann LEE", "03/14/1985", "", TODAY))
    assert same is not None and same.full_name == "Mary Ann Lee"
    assert index.same_person(read_new_patient("Mary Ann Lee", "03/15/1985", "", TODAY)) is None
    assert index.same_person(read_new_patient("Mary Ann Lee", "", "", TODAY)) is None


def test_index_search_by_birth_date_with_a_two_digit_year_or_dashes(index: PatientIndex) -> None:
    assert _names(index.search("3-14-85")) == ["Mary Ann Lee"]
    assert _names(index.search("3/14/85")) == ["Mary Ann Lee"]
    assert _names(index.search("07-04-1970")) == ["Maria Lopez"]
    assert index.search("3-14-86") == []


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("Jose\u0301 Lopez", "Jos\u00e9", "Lopez"),  # as typed on a Mac: e + combining accent
        ("王小明", "小明", "王"),  # written without spaces, family name first
        ("Anne-Marie O'Brien", "Anne-Marie", "O'Brien"),
        ("Zoë Ñúñez", "Zoë", "Ñúñez"),
        ("Ахмед Бекмамбетов", "Ахмед", "Бекмамбетов"),
    ],
)
def test_split_name_reads_every_scripts_letters(typed: str, first: str, last: str) -> None:
    assert split_name(typed) == (first, last)


@pytest.mark.parametrize("typed", ["Maria Lopez\x1b[2J", "Maria\u202e Lopez", "Bob 123"])
def test_split_name_refuses_what_is_not_a_letter(typed: str) -> None:
    with pytest.raises(PatientInputError, match="letters only"):
        split_name(typed)


@pytest.mark.parametrize(
    ("typed", "tidy"),
    [
        ("٥٥٥١٢٣٤٥٦٧", "555-123-4567"),  # Arabic-Indic digits
        ("（５５５）１２３－４５６７", "555-123-4567"),  # fullwidth
        ("५५५-१२३४", "5551234"),  # Devanagari
    ],
)
def test_parse_phone_reads_digits_of_any_script_as_ascii(typed: str, tidy: str) -> None:
    assert parse_phone(typed) == tidy
