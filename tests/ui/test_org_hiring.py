"""Hiring at 80x24: a post opened from the org board, a candidate added, moved, hired."""

from __future__ import annotations

from textual.widgets import OptionList, Tree

from db.models import Candidate, HatHolder, Opening, Post, Staff
from om_tui.practice.org.access import ADMINISTRATOR
from om_tui.practice.org.structure import Structure
from om_tui.screens.org.hiring import HiringScreen

from .conftest import Practice
from .helpers import notices, settle, static_text


async def test_hiring_a_candidate_into_a_post(office: Practice) -> None:
    Structure(office.database, ADMINISTRATOR).lay_out_default()
    assistant = Post.get(Post.title == "Chiropractic Assistant").id
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_org_board()
        await settle(pilot)
        tree = app.screen.query_one("#org-tree", Tree)
        tree.cursor_line = next(
            n
            for n in range(tree.last_line + 1)
            if "Chiropractic Assistant" in str(tree.get_node_at_line(n).label)  # type: ignore[union-attr]
        )
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HiringScreen)
        assert Opening.get(Opening.post == assistant).closed is None
        await pilot.press("c", *"Rosa Diaz", "tab", *"555-0100", "tab", *"Indeed", "enter")
        await settle(pilot)
        rosa = Candidate.get(Candidate.name == "Rosa Diaz")
        assert (rosa.contact, rosa.source) == ("555-0100", "Indeed")
        await pilot.press("down", "enter")  # her line; the next step: screened (1)
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert Candidate.get_by_id(rosa.id).stage == "screened"
        assert "Applied" in static_text(pilot, "#hiring-detail")
        # Hired: role, start day, first PIN typed twice; then everything at once.
        await pilot.press("H", "1")  # Staff
        await settle(pilot)
        await pilot.press("enter")  # starts today
        await settle(pilot)
        await pilot.press(*"4321", "enter", *"4321", "enter")
        await settle(pilot)
        person = Staff.get(Staff.name == "Rosa Diaz")
        assert person.role == "staff" and person.active
        assert HatHolder.get(HatHolder.staff == person.id).post_id == assistant
        assert Opening.get(Opening.post == assistant).closed is not None
        assert any("90-day evaluation is due" in n for n in notices(pilot))
        assert app.screen.query_one("#hiring-list", OptionList).option_count == 0
