"""Formula stats: arithmetic over other stats only, "—" for ÷ 0, no formula using itself."""

from __future__ import annotations

import pytest
from peewee import Database

from db.models import Stat, StatSource
from om_tui.practice.clock import FrozenClock
from om_tui.practice.stats.formulas import check_formulas, evaluate, formula_names
from om_tui.practice.stats.values import StatError

from .conftest import Elsewhere
from .stats_fixture import define, stats_service


def test_formula_names_are_the_stats_used() -> None:
    assert formula_names("visits / new_patients") == {"visits", "new_patients"}
    assert formula_names("collections / services * 100") == {"collections", "services"}
    assert formula_names("(a + b) * -c - +d / 2.5") == {"a", "b", "c", "d"}
    assert formula_names("42") == set()


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",  # a call
        "abs(visits)",
        "visits.real",  # an attribute
        "'visits'",  # a string
        "visits ** 2",  # power
        "visits // 2",
        "visits % 7",
        "visits if visits else 1",
        "visits > 3",
        "[visits]",
        "visits[0]",
        "~visits",
        "not visits",
        "True + visits",
        "1j * visits",
        "lambda: 1",
        "(x := 3)",
        "visits and services",
        "",
        "visits +",
        "visits; services",
    ],
)
def test_anything_but_arithmetic_is_refused(text: str) -> None:
    with pytest.raises(StatError):
        formula_names(text)
    with pytest.raises(StatError):
        evaluate(text, {"visits": 1.0, "services": 2.0, "x": 1.0})


def test_evaluate() -> None:
    assert evaluate("visits / new_patients", {"visits": 150, "new_patients": 10}).value == 15.0
    assert evaluate("collections / services * 100", {"collections": 45, "services": 50}).value == (
        90.0
    )
    assert evaluate("-(a - b) * 2 + 1", {"a": 3, "b": 5}).value == 5.0
    assert evaluate("7", {}).value == 7.0
    result = evaluate("a + b", {"a": 1.5, "b": 2.5})
    assert (result.value, result.problem) == (4.0, "")


def test_a_division_by_zero_gives_no_value_and_says_why() -> None:
    result = evaluate("visits / new_patients", {"visits": 150.0, "new_patients": 0.0})
    assert result.value is None
    assert result.problem == "÷ 0"
    assert evaluate("0 / 0", {}).problem == "÷ 0"
    assert evaluate("a / (b - b)", {"a": 1.0, "b": 4.0}).value is None


def test_a_missing_input_gives_no_value_and_names_it() -> None:
    result = evaluate("visits / new_patients", {"visits": None, "new_patients": 4.0})
    assert result.value is None
    assert result.problem == "missing: visits"
    # All of them, sorted; an input not given at all is missing too.
    assert evaluate("c + b / a", {"b": None}).problem == "missing: a, b, c"
    # Missing wins over ÷ 0: the division is never tried.
    assert evaluate("a / b", {"a": None, "b": 0.0}).problem == "missing: a"


def test_check_formulas_accepts_formulas_over_known_stats_and_each_other() -> None:
    check_formulas(
        {"pva": "visits / new_patients", "pva_pct": "pva * 100"},
        ["visits", "new_patients"],
    )


def test_check_formulas_refuses_unknown_names() -> None:
    with pytest.raises(StatError, match="pva: no stat is called new_patients"):
        check_formulas({"pva": "visits / new_patients"}, ["visits"])


def test_check_formulas_refuses_a_formula_using_itself() -> None:
    with pytest.raises(StatError, match="cannot use itself: a → a"):
        check_formulas({"a": "a + 1"}, [])


@pytest.mark.parametrize(
    ("formulas", "loop"),
    [
        ({"a": "b * 2", "b": "a / 2"}, "a → b → a"),
        ({"a": "b + visits", "b": "c", "c": "a - 1"}, "a → b → c → a"),
        # A loop not through the first formula checked, behind a sound one.
        ({"x": "a", "a": "b", "b": "a"}, "a → b → a"),
    ],
)
def test_check_formulas_refuses_a_loop_through_other_formulas(
    formulas: dict[str, str], loop: str
) -> None:
    with pytest.raises(StatError, match=f"cannot use itself: {loop}"):
        check_formulas(formulas, ["visits"])


def test_check_formulas_refuses_a_formula_that_is_not_arithmetic() -> None:
    with pytest.raises(StatError):
        check_formulas({"a": "open('x')"}, [])


# -- defining formula stats ---------------------------------------------------------------


def test_define_a_formula_stat(database: Database, clock: FrozenClock) -> None:
    stats = stats_service(database, clock)
    define(stats, "visits")
    define(stats, "new_patients")
    pva = define(stats, "pva", StatSource.FORMULA, formula="visits / new_patients")
    assert Stat.get_by_id(pva.id).formula == "visits / new_patients"
    # A formula over a formula is fine.
    define(stats, "pva_x10", StatSource.FORMULA, formula="pva * 10")


def test_define_refuses_a_formula_using_itself(database: Database, clock: FrozenClock) -> None:
    stats = stats_service(database, clock)
    define(stats, "visits")
    with pytest.raises(StatError, match="cannot use itself"):
        define(stats, "loop", StatSource.FORMULA, formula="loop + visits")
    assert not Stat.select().where(Stat.short_name == "loop").exists()


def test_define_refuses_a_loop_through_an_existing_formula(
    database: Database, elsewhere: Elsewhere, clock: FrozenClock
) -> None:
    """b was a typed stat that a uses; b is removed (from another terminal), then
    redefined as a formula over a: a → b → a must be refused."""
    stats = stats_service(database, clock)
    b = define(stats, "b")
    define(stats, "a", StatSource.FORMULA, formula="b + 1")
    elsewhere("delete from stat where id = ?", b.id)
    with pytest.raises(StatError, match="cannot use itself: (a → b → a|b → a → b)"):
        define(stats, "b", StatSource.FORMULA, formula="a * 2")
    assert not Stat.select().where(Stat.short_name == "b").exists()


def test_define_refuses_unknown_names(database: Database, clock: FrozenClock) -> None:
    stats = stats_service(database, clock)
    with pytest.raises(StatError, match="no stat is called visits"):
        define(stats, "pva", StatSource.FORMULA, formula="visits / 2")
    with pytest.raises(StatError):
        define(stats, "bad", StatSource.FORMULA, formula="__import__('os')")
    assert Stat.select().count() == 0


def test_define_refuses_a_duplicate_short_name(database: Database, clock: FrozenClock) -> None:
    stats = stats_service(database, clock)
    define(stats, "visits")
    with pytest.raises(StatError, match="already a stat called visits"):
        define(stats, "visits", name="Visits again")
    with pytest.raises(StatError, match="already a stat called visits"):
        define(stats, " visits ", name="Visits with spaces")
    assert Stat.select().count() == 1


@pytest.mark.parametrize("short", ["", "two words", "9lives", "a-b", "pva/2"])
def test_define_refuses_a_short_name_a_formula_cannot_use(
    database: Database, clock: FrozenClock, short: str
) -> None:
    stats = stats_service(database, clock)
    with pytest.raises(StatError, match="short name is one word"):
        define(stats, short, name="Something")


def test_define_refuses_a_stat_without_a_name_or_an_unknown_flow_figure(
    database: Database, clock: FrozenClock
) -> None:
    stats = stats_service(database, clock)
    with pytest.raises(StatError, match="needs a name"):
        define(stats, "visits", name="  ")
    with pytest.raises(StatError, match="computed stat counts one of"):
        define(stats, "smiles", StatSource.COMPUTED, computed="smiles")
    assert Stat.select().count() == 0
