"""Policies ("P" on the hat editor): write one, make a new version, choose whose holders attest.

The demo practice on Wednesday 18 November 2026 (Chicago). Policies by title: Cash
handling (v1; Receptionist and Insurance & Billing), Infection control (v1), Patient
privacy (v2, every post), Phone answering (v1, Receptionist).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Label, OptionList, TextArea

from db.models import Policy, PolicyPost, PolicyVersion, Post, Staff
from om_tui.screens.hats.policies import PoliciesScreen, PolicyEditor, PolicyPostsForm

from .conftest import Practice
from .helpers import paste, plain, screen_lines, settle, static_text


async def open_policies(pilot: Pilot[Any]) -> PoliciesScreen:
    """The hat editor ("4"), then its policies ("P")."""
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    await pilot.press("P")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PoliciesScreen)
    return screen


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Paste into the focused text area, as a terminal paste does (the app hands it on)."""
    area = pilot.app.screen.focused
    assert isinstance(area, TextArea), f"{area!r} is not the text area"
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def person(name: str) -> int:
    return int(Staff.get(Staff.name == name).id)


def post(title: str) -> int:
    return int(Post.get(Post.title == title).id)


def label(pilot: Pilot[Any], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Label).render())


def attestation_rows(pilot: Pilot[Any], column: int = 1) -> dict[str, str]:
    """Person → what the attestations table says: the version attested, or (3) their hats."""
    table = pilot.app.screen.query_one("#attestations", DataTable)
    return {
        plain(table.get_row_at(n)[0]): plain(table.get_row_at(n)[column])
        for n in range(table.row_count)
    }


async def test_a_policy_written_for_the_hats_chosen(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_policies(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, PolicyEditor)
        await paste(pilot, "Dress code")
        await pilot.press("tab")
        await type_text(pilot, "# Dress code\n\n- Scrubs, clean and pressed.\n- Name badge on.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PolicyPostsForm)
        # Opened from the first hat (Doctor), which comes ticked; add the Office Manager.
        await pilot.press("down", "space", "enter")
        await settle(pilot)

        policy = Policy.get(Policy.title == "Dress code")
        [version] = PolicyVersion.select().where(PolicyVersion.policy == policy.id)
        assert version.number == 1 and version.body.endswith("- Name badge on.")
        posts = {p.post_id for p in PolicyPost.select().where(PolicyPost.policy == policy.id)}
        assert posts == {post("Doctor"), post("Office Manager")}
        assert "Dress code" in [p.title for p in app.hats.policies_due(person("Karen Miles"))]
        assert "Dress code" not in [p.title for p in app.hats.policies_due(person("Tom Becker"))]
        assert screen._policy_id == policy.id
        assert "Dress code · v1 (newest)" in static_text(pilot, "#policy-meta")
        assert attestation_rows(pilot) == {"Dr. Sarah Chen": "never", "Karen Miles": "never"}


async def test_a_new_version_asks_the_holders_to_attest_again(stats_demo: Practice) -> None:
    app = stats_demo.app()
    jenny = person("Jenny Ortiz")
    assert "Cash handling" not in [p.title for p in app.hats.policies_due(jenny)]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_policies(pilot)
        assert app.hats.policy(screen._policy_id)[0].title == "Cash handling"  # the first
        await pilot.press("e")
        assert isinstance(app.screen, PolicyEditor)
        await pilot.press("pagedown", "end")  # the end of the text
        await type_text(pilot, "\n4. Checks are stamped for deposit at once.")
        await pilot.press("ctrl+s")
        await settle(pilot)

        policy = Policy.get(Policy.title == "Cash handling")
        newest = PolicyVersion.get(
            (PolicyVersion.policy == policy.id) & (PolicyVersion.number == 2)
        )
        assert newest.body.endswith("4. Checks are stamped for deposit at once.")
        [due] = [p for p in app.hats.policies_due(jenny) if p.title == "Cash handling"]
        assert (due.number, due.attested_number) == (2, 1)
        assert isinstance(app.screen, PoliciesScreen)
        assert "v2 (newest)" in static_text(pilot, "#policy-meta")
        assert attestation_rows(pilot)["Jenny Ortiz"] == "v1 · owes v2"

        await pilot.press("left_square_bracket")  # the version before, as it was
        assert "v1 (an older version; newest v2)" in static_text(pilot, "#policy-meta")


async def test_choosing_the_posts_whose_holders_attest(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_policies(pilot)
        await pilot.press("down")  # Infection control: Chiropractic Assistant and Doctor
        policy_id = screen._policy_id
        assert app.hats.policy(policy_id)[0].title == "Infection control"
        await pilot.press("o")
        assert isinstance(app.screen, PolicyPostsForm)
        choices = app.screen.query_one("#post-choices", OptionList)
        await pilot.press("n")  # none, then the Receptionist alone
        for _ in range(choices.option_count):
            option = choices.highlighted_option
            if option is not None and "Receptionist" in str(option.prompt):
                break
            await pilot.press("down")
        await pilot.press("space", "enter")
        await settle(pilot)

        linked = {p.post_id for p in PolicyPost.select().where(PolicyPost.policy == policy_id)}
        assert linked == {post("Receptionist")}
        asked = attestation_rows(pilot, column=3)
        assert asked["Jenny Ortiz"] == "Receptionist"
        assert asked["Karen Miles"] == "Receptionist"
        assert asked["Tom Becker"] == "(not asked)"  # he attested once: still listed


async def test_a_policy_needs_a_title_of_its_own_and_a_text(stats_demo: Practice) -> None:
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_policies(pilot)
        policies = Policy.select().count()
        await pilot.press("n", "ctrl+s")
        assert isinstance(app.screen, PolicyEditor)
        assert label(pilot, "#title-error") == "A policy needs a title."
        assert label(pilot, "#body-error") == "A policy needs its text."

        await paste(pilot, "Cash Handling")
        await pilot.press("enter")  # Enter in the title saves, when all is well
        assert label(pilot, "#title-error") == "There is already a policy called 'Cash Handling'."

        await pilot.press("escape")  # something was typed: asked first
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, PoliciesScreen)
        assert Policy.select().count() == policies


async def test_ticked_and_unticked_hats_differ_without_colour(stats_demo: Practice) -> None:
    """Infection control: the Chiropractic Assistant and the Doctor attest, the others not;
    the boxes say so in their glyph, on a terminal without colour too."""
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_policies(pilot)
        await pilot.press("down", "o")
        await settle(pilot)
        assert isinstance(app.screen, PolicyPostsForm)
        boxes = {}
        for line in screen_lines(pilot):
            for title in ("Chiropractic Assistant", "Doctor", "Receptionist", "Office Manager"):
                if title in line:
                    at = line.index(title)
                    boxes[title] = line[at - 4 : at - 1]  # the box, then a space
        assert boxes == {
            "Chiropractic Assistant": "▐✓▌",
            "Doctor": "▐✓▌",
            "Receptionist": "▐ ▌",
            "Office Manager": "▐ ▌",
        }


async def test_their_hats_are_cut_with_an_ellipsis_at_80_columns(stats_demo: Practice) -> None:
    # Cash handling asks Receptionist and Insurance & Billing: Karen Miles holds both, too
    # many words for what the pane has left at 80 columns.
    app = stats_demo.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_policies(pilot)
        await settle(pilot)
        table = pilot.app.screen.query_one("#attestations", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        [karen] = [line for line in screen_lines(pilot) if "Karen Miles" in line]
        assert karen.rstrip().endswith("…")
        assert "Receptionist" in karen
