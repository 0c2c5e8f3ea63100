"""The practice's evaluation criteria by keyboard: the office manager adds, renames,
retires and brings back criteria, and moves them up and down; a name taken (whatever the
case) or the last criterion in use is refused with a reason, and nothing is written.

The demo practice with its stats on Wednesday 18 November 2026 (Chicago): Karen Miles is
the office manager, Jenny Ortiz (front desk) holds Receptionist. The practice starts with
the five default criteria.
"""

from __future__ import annotations

from typing import Any

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList

from db.models import EvaluationCriterion, EvaluationKind, Staff
from om_tui.practice import settings
from om_tui.practice.owner.evaluations.service import Evaluations
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.owner.criterion_form import CriterionForm
from om_tui.screens.owner.evaluation import EvaluationScreen
from om_tui.screens.owner.evaluation_criteria import CriteriaScreen
from om_tui.screens.people.staff import StaffScreen

from .conftest import Practice
from .helpers import paste, settle, warnings


def staff_id(name: str) -> int:
    return int(Staff.get(Staff.name == name).id)


def in_use() -> list[str]:
    """The criteria in use, in order, as stored."""
    query = (
        EvaluationCriterion.select()
        .where(EvaluationCriterion.active == True)  # noqa: E712
        .order_by(EvaluationCriterion.position, EvaluationCriterion.id)
    )
    return [c.name for c in query]


def listed(pilot: Pilot[Any]) -> list[str]:
    """The criteria screen's lines, as plain text, in order (the retired ones after theirs)."""
    listing = pilot.app.screen.query_one("#criteria-list", OptionList)
    lines = []
    for n in range(listing.option_count):
        option = listing.get_option_at_index(n)
        if option.id and option.id.startswith("c"):
            lines.append(EvaluationCriterion.get_by_id(int(option.id[1:])).name)
        else:
            lines.append(f"-- {option.id}")
    return lines


def highlighted(pilot: Pilot[Any]) -> str:
    option = pilot.app.screen.query_one("#criteria-list", OptionList).highlighted_option
    assert option is not None and option.id is not None
    return str(EvaluationCriterion.get_by_id(int(option.id[1:])).name)


async def go_to(pilot: Pilot[Any], name: str) -> None:
    """Down the list to the criterion called `name`."""
    await pilot.press("home")
    for _ in range(20):
        if highlighted(pilot) == name:
            return
        await pilot.press("down")
    raise AssertionError(f"{name} is not on the list: {listed(pilot)}")


async def open_criteria_from_the_roster(pilot: Pilot[Any]) -> CriteriaScreen:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StaffScreen)
    await pilot.press("k")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CriteriaScreen)
    return screen


async def rename_to(pilot: Pilot[Any], name: str) -> None:
    """In the open form: the name field emptied and `name` typed in its place."""
    assert pilot.app.screen.query_one("#name", Input).has_focus
    await pilot.press("ctrl+u")  # everything left of the cursor: the field opens at its end
    await paste(pilot, name)


async def test_the_manager_adds_renames_moves_and_retires_a_criterion(
    stats_demo: Practice,
) -> None:
    karen, jenny = staff_id("Karen Miles"), staff_id("Jenny Ortiz")
    database, clock = stats_demo.database, stats_demo.clock
    # Jenny's evaluation, rated on the five and finished: it keeps its ratings for good.
    manager = Evaluations(database, clock, settings.load(database), karen)
    finished = manager.start(jenny, EvaluationKind.YEARLY)
    for criterion in manager.criteria():
        manager.rate(finished, criterion.criterion_id, 4)
    manager.finish(finished)

    app = stats_demo.app(staff_id=karen)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_criteria_from_the_roster(pilot)
        assert listed(pilot) == in_use()
        assert highlighted(pilot) == "Quality of work"

        # a: a new one, at the end, under the cursor.
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, CriterionForm)
        await paste(pilot, "Patient care")
        await pilot.press("tab")
        await paste(pilot, "Kind, on time, explains what happens next.")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CriteriaScreen)
        added = EvaluationCriterion.get(EvaluationCriterion.name == "Patient care")
        assert added.description == "Kind, on time, explains what happens next."
        assert in_use()[-1] == "Patient care"
        assert highlighted(pilot) == "Patient care"

        # e: renamed; Enter opens the same form.
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CriterionForm)
        await paste(pilot, " and manners")  # the cursor waits at the end of the name
        await pilot.press("enter")
        await settle(pilot)
        assert EvaluationCriterion.get_by_id(added.id).name == "Patient care and manners"
        assert EvaluationCriterion.get_by_id(added.id).description.startswith("Kind, on time")

        # ctrl+↑ twice: above Initiative and Reliability.
        await pilot.press("ctrl+up", "ctrl+up")
        await settle(pilot)
        assert in_use()[2:] == [
            "Communication",
            "Patient care and manners",
            "Initiative",
            "Reliability",
        ]
        assert highlighted(pilot) == "Patient care and manners"

        # d: retired after a yes that says the finished evaluations keep their ratings.
        await go_to(pilot, "Initiative")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        question = str(app.screen.query_one(".dialog-title", Label).render())
        assert "Retire Initiative (rated in 1 finished evaluation)?" in question
        assert "Finished evaluations keep their ratings" in question
        await pilot.press("y")
        await settle(pilot)
        assert not EvaluationCriterion.get(EvaluationCriterion.name == "Initiative").active
        assert "Initiative" not in in_use()
        assert listed(pilot)[-3:] == ["Reliability", "-- retired", "Initiative"]
        kept = manager.evaluation(finished)
        assert ("Initiative", 4) in [(r.name, r.rating) for r in kept.ratings]

        # r: back, at the end of the list.
        assert highlighted(pilot) == "Initiative"
        await pilot.press("r")
        await settle(pilot)
        assert in_use()[-1] == "Initiative"
        assert "-- retired" not in listed(pilot)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)


async def test_a_name_taken_whatever_the_case_is_refused(stats_demo: Practice) -> None:
    karen = staff_id("Karen Miles")
    database, clock = stats_demo.database, stats_demo.clock
    app = stats_demo.app(staff_id=karen)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_criteria_from_the_roster(pilot)

        await pilot.press("a")
        await settle(pilot)
        await paste(pilot, "  COMMUNICATION ")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CriterionForm)  # still open, with the reason
        error = str(form.query_one("#name-error", Label).render())
        assert error == "There is already a criterion called 'Communication'."

        # Another terminal takes a name while this form is open: the practice refuses it.
        other = Evaluations(database, clock, settings.load(database), karen)
        other.add_criterion("Punctuality")
        await rename_to(pilot, "punctuality")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CriteriaScreen)
        assert "There is already a criterion called 'Punctuality'." in warnings(pilot)
        assert EvaluationCriterion.select().count() == 6

        # A rename onto another's name: refused in the form, the old name kept.
        await go_to(pilot, "Reliability")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CriterionForm)
        await rename_to(pilot, "initiative")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CriterionForm)
        await pilot.press("escape")
        await settle(pilot)
        assert EvaluationCriterion.get(EvaluationCriterion.name == "Reliability").active


async def test_the_last_criterion_in_use_is_not_retired(stats_demo: Practice) -> None:
    EvaluationCriterion.update(active=False).where(
        EvaluationCriterion.name != "Reliability"
    ).execute()
    app = stats_demo.app(staff_id=staff_id("Karen Miles"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_criteria_from_the_roster(pilot)
        assert highlighted(pilot) == "Reliability"
        await pilot.press("d", "y")
        await settle(pilot)
        assert any("Reliability is the only criterion in use" in w for w in warnings(pilot))
        assert in_use() == ["Reliability"]


async def test_the_criteria_open_from_an_evaluation_and_the_palette_for_managers_only(
    stats_demo: Practice,
) -> None:
    karen, jenny = staff_id("Karen Miles"), staff_id("Jenny Ortiz")
    app = stats_demo.app(staff_id=karen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(EvaluationScreen(jenny))
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, CriteriaScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, EvaluationScreen)

        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"criteria")
        await settle(pilot)
        found = app.screen.query_one(CommandList)
        assert str(found.get_option_at_index(0).prompt).startswith("Evaluation criteria…")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CriteriaScreen)

    # Jenny, on her own evaluations: no key and no palette entry for the criteria.
    app = stats_demo.app(staff_id=jenny)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_my_evaluations()
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, EvaluationScreen)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "My evaluations" in titles and "Evaluation criteria…" not in titles
