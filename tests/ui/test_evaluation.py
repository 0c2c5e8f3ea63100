"""Performance evaluations by keyboard: the office manager starts one from the staff roster,
rates every criterion with the digits and finishes it; the staff member writes their
self-evaluation on a draft, from the command palette.

The demo practice with its stats and hats on Wednesday 18 November 2026 (Chicago):
Karen Miles is the office manager; Jenny Ortiz (front desk) holds Receptionist.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from rich.console import Console
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList, Static, TextArea

from db.models import Evaluation, EvaluationKind, EvaluationRating, EvaluationStatus, Staff
from om_tui.practice import settings
from om_tui.practice.owner.evaluations.service import Evaluations
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.owner.evaluation import EvaluationScreen, WritingForm
from om_tui.screens.people.staff import StaffScreen
from om_tui.screens.picker import PickerScreen

from .conftest import Practice
from .helpers import paste, settle, warnings


def shown(pilot: Pilot[Any], selector: str) -> str:
    """What a Static shows, as plain text (a Group of tables too)."""
    content = pilot.app.screen.query_one(selector, Static).content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def staff_id(name: str) -> int:
    return int(Staff.get(Staff.name == name).id)


def ratings(evaluation_id: int) -> list[int | None]:
    query = (
        EvaluationRating.select()
        .where(EvaluationRating.evaluation == evaluation_id)
        .order_by(EvaluationRating.criterion)
    )
    return [row.rating for row in query]


async def open_evaluation_of(pilot: Pilot[Any], name: str) -> EvaluationScreen:
    """From the roster (6): down to the person, `v`."""
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    roster = pilot.app.screen
    assert isinstance(roster, StaffScreen)
    await pilot.press("home")
    while (person := roster._person()) is not None and person.name != name:
        await pilot.press("down")
    await pilot.press("v")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EvaluationScreen)
    return screen


async def test_the_manager_rates_by_keyboard_and_finishes(stats_demo: Practice) -> None:
    jenny = staff_id("Jenny Ortiz")
    app = stats_demo.app(staff_id=staff_id("Karen Miles"))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_evaluation_of(pilot, "Jenny Ortiz")
        assert "No evaluation of Jenny Ortiz yet" in shown(pilot, "#evaluation-figures")

        await pilot.press("n")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("2")  # yearly: the last 365 days
        await settle(pilot)
        evaluation = Evaluation.get(Evaluation.staff == jenny)
        assert (evaluation.kind, evaluation.status) == (EvaluationKind.YEARLY, "draft")
        assert app.screen is screen
        assert "Receptionist" in shown(pilot, "#evaluation-figures")
        assert "draft" in shown(pilot, "#evaluation-title")

        # Finishing before every criterion is rated says what is left, and waits.
        await pilot.press("f")
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)
        assert any("Rate every criterion" in w for w in warnings(pilot))

        criteria = screen.query_one("#criteria", OptionList)
        assert criteria.option_count == 5 and criteria.highlighted == 0
        await pilot.press("4", "down", "5", "down", "3", "down", "2", "down", "7")
        await settle(pilot)
        assert any("A rating is 1 to 5" in w for w in warnings(pilot))
        assert isinstance(app.screen, EvaluationScreen)  # 7 did not switch screens
        await pilot.press("5")
        await pilot.press("up", "up", "1")  # changed her mind on the third
        await settle(pilot)
        assert ratings(evaluation.id) == [4, 5, 1, 2, 5]
        assert "every criterion rated" in shown(pilot, "#evaluation-detail")

        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await settle(pilot)

        kept = Evaluation.get_by_id(evaluation.id)
        assert kept.status == EvaluationStatus.FINISHED
        frozen = json.loads(kept.gathered or "{}")
        assert [r["rating"] for r in frozen["ratings"]] == [4, 5, 1, 2, 5]
        assert frozen["figures"]["name"] == "Jenny Ortiz"
        assert "finished" in shown(pilot, "#evaluation-title")

        # Read-only now: a digit is refused with a reason, and nothing changes.
        await pilot.press("3")
        await settle(pilot)
        assert any("finished: it is kept as it was" in w for w in warnings(pilot))
        assert ratings(evaluation.id) == [4, 5, 1, 2, 5]

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)


async def test_the_staff_member_writes_their_self_evaluation(stats_demo: Practice) -> None:
    jenny, karen = staff_id("Jenny Ortiz"), staff_id("Karen Miles")
    database, clock = stats_demo.database, stats_demo.clock
    manager = Evaluations(database, clock, settings.load(database), karen)
    evaluation = manager.start(jenny, EvaluationKind.YEARLY)
    quality = manager.criteria()[0].criterion_id
    manager.rate(evaluation, quality, 2)

    app = stats_demo.app(staff_id=jenny)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"my evaluations")
        await settle(pilot)
        found = app.screen.query_one(CommandList)
        assert str(found.get_option_at_index(0).prompt).startswith("My evaluations")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EvaluationScreen)
        # Her draft, without the manager's rating (not hers until finished).
        criteria = screen.query_one("#criteria", OptionList)
        assert "manager's until the evaluation is finished" in str(
            criteria.get_option_at_index(0).prompt
        )

        await pilot.press("2")  # she cannot rate herself
        await settle(pilot)
        assert any("rated by the office manager or the owner" in w for w in warnings(pilot))

        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, WritingForm)
        app.screen.query_one("#writing", TextArea).insert("The phones were always open.")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert app.screen is screen
        assert Evaluation.get_by_id(evaluation).self_evaluation == "The phones were always open."
        assert "The phones were always open." in shown(pilot, "#evaluation-words")
        assert ratings(evaluation) == [2]


async def test_a_chosen_period_is_typed_as_any_two_days(stats_demo: Practice) -> None:
    """The first and the last day as typed anywhere: ISO, or "1 aug to 31 oct" (the last
    ones); two days out of order are refused and nothing is started."""
    jenny = staff_id("Jenny Ortiz")
    app = stats_demo.app(staff_id=staff_id("Karen Miles"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_evaluation_of(pilot, "Jenny Ortiz")
        await pilot.press("n", "3")  # Chosen period…
        await settle(pilot)
        await paste(pilot, "31 oct to 1 aug")
        await pilot.press("enter")
        await settle(pilot)
        assert any("on or after the first" in w for w in warnings(pilot))
        assert not Evaluation.select().where(Evaluation.staff == jenny).exists()

        await pilot.press("n", "3")
        await settle(pilot)
        await paste(pilot, "1 aug to 31 oct")
        await pilot.press("enter")
        await settle(pilot)
        evaluation = Evaluation.get(Evaluation.staff == jenny)
        assert evaluation.kind == EvaluationKind.CHOSEN
        assert (evaluation.start, evaluation.end) == (
            dt.date(2026, 8, 1),
            dt.date(2026, 10, 31),
        )
