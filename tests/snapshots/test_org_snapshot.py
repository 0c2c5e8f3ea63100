"""How the org board looks: the demo practice's default structure, at the demo's fixed "now".

Tom Becker has just been taken off the Chiropractic Assistant hat, so that post shows
VACANT, covered by the office manager. The cursor is on it, its detail beside it.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Tree
from ui.conftest import Practice
from ui.helpers import settle

from db.models import HatHolder, Post


async def open_board_on_the_vacant_post(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.action_org_board()
    await settle(pilot)
    tree = pilot.app.screen.query_one("#org-tree", Tree)
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and "Chiropractic Assistant" in str(node.label):
            tree.cursor_line = line
    await settle(pilot)


def vacate_the_assistant() -> None:
    post = Post.get(Post.title == "Chiropractic Assistant")
    HatHolder.delete().where(HatHolder.post == post.id).execute()


def test_org_board_80x24(snap_compare, stats_demo: Practice) -> None:
    vacate_the_assistant()
    app = stats_demo.app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_board_on_the_vacant_post)


def test_org_board_120x36(snap_compare, stats_demo: Practice) -> None:
    vacate_the_assistant()
    app = stats_demo.app()
    assert snap_compare(app, terminal_size=(120, 36), run_before=open_board_on_the_vacant_post)
