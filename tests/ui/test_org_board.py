"""The org board, as the manager reshapes it and as the staff read it (80x24)."""

from __future__ import annotations

from textual.widgets import Tree

from db.models import OrgDepartment, OrgDivision, OrgPlace, Post, Role, Staff
from om_tui.screens.org.board import OrgBoardScreen

from .conftest import Practice
from .helpers import notices, screen_lines, settle, static_text


def outline(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The outline's lines as they read, top to bottom (collapsed ones' children left out)."""
    tree = app.screen.query_one("#org-tree", Tree)
    lines = []
    for number in range(tree.last_line + 1):
        node = tree.get_node_at_line(number)
        if node is not None:
            lines.append(str(node.label))
    return lines


async def test_the_manager_builds_a_structure_by_keyboard(office: Practice) -> None:
    Post.create(title="Receptionist", position=1)
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_org_board()
        await settle(pilot)
        assert isinstance(app.screen, OrgBoardScreen)
        assert "D lays out the default" in static_text(pilot, "#org-detail")
        await pilot.press("D")
        await settle(pilot)
        assert [d.name for d in OrgDivision.select().order_by(OrgDivision.position)] == [
            "Executive",
            "Front office",
            "Clinical",
        ]
        assert "[·] Executive  2 posts · 2 vacant" in outline(app)
        # A division of our own, a department in it, a post in that.
        await pilot.press("A", *"Growth", "enter")
        await settle(pilot)
        growth = OrgDivision.get(OrgDivision.name == "Growth")
        tree = app.screen.query_one("#org-tree", Tree)
        assert tree.cursor_node is not None
        line = next(n for n in range(tree.last_line + 1) if "Growth" in outline(app)[n])
        tree.cursor_line = line
        await pilot.press("a", *"Marketing", "enter")
        await settle(pilot)
        marketing = OrgDepartment.get(OrgDepartment.name == "Marketing")
        assert marketing.division_id == growth.id
        tree.cursor_line = outline(app).index("[·] Marketing  0 posts")
        await pilot.press("a", *"Outreach", "tab", *"New patients in", "enter")
        await settle(pilot)
        outreach = Post.get(Post.title == "Outreach")
        assert outreach.product == "New patients in"
        assert OrgPlace.get(OrgPlace.post == outreach.id).department_id == marketing.id
        assert "[·] Outreach  VACANT" in outline(app)
        # The receptionist's post moved to Marketing, by the picker.
        receptionist = Post.get(Post.title == "Receptionist").id
        tree.cursor_line = outline(app).index("[·] Receptionist  VACANT")
        await pilot.press("m")
        await settle(pilot)
        choices = [str(o.prompt) for o in app.screen.query_one("#choices").options]
        await pilot.press(str(next(n for n, c in enumerate(choices, 1) if "Marketing" in c)))
        await settle(pilot)
        assert OrgPlace.get(OrgPlace.post == receptionist).department_id == marketing.id
        # Reorder: the receptionist heads Marketing now.
        await pilot.press("ctrl+up")
        await settle(pilot)
        heads = OrgPlace.select().where(OrgPlace.department == marketing.id)
        assert [p.post_id for p in heads.order_by(OrgPlace.position)][0] == receptionist
        # A department with posts is not deleted.
        tree.cursor_line = outline(app).index("[·] Marketing  2 posts · 2 vacant")
        await pilot.press("d", "y")
        await settle(pilot)
        assert any("still holds 2 posts" in n for n in notices(pilot))
        assert OrgDepartment.get_or_none(OrgDepartment.id == marketing.id) is not None


async def test_staff_read_the_board_and_change_nothing(office: Practice) -> None:
    desk = Staff.get(Staff.role == Role.FRONT_DESK)
    app = office.app(staff_id=desk.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_org_board()
        await settle(pilot)
        assert "read-only" in static_text(pilot, "#org-title")
        assert "the office manager lays it out" in static_text(pilot, "#org-detail")
        await pilot.press("D", "A")
        await settle(pilot)
        assert not OrgDivision.select().exists()
        assert isinstance(app.screen, OrgBoardScreen)


async def test_enter_opens_a_posts_hat_and_a_stats_graph(office: Practice) -> None:
    import datetime as dt

    from db.models import HatHolder, Stat
    from om_tui.practice.org.access import ADMINISTRATOR
    from om_tui.practice.org.structure import Structure
    from om_tui.screens.hats.editor import HatEditorScreen
    from om_tui.screens.hats.my_hat import MyHatScreen
    from om_tui.screens.stats.graph import StatGraphScreen

    Structure(office.database, ADMINISTRATOR).lay_out_default()
    receptionist = Post.get(Post.title == "Receptionist").id
    desk = Staff.get(Staff.role == Role.FRONT_DESK).id
    HatHolder.create(post=receptionist, staff=desk, since=dt.date(2026, 1, 1))
    Stat.create(
        name="Booked ahead", short_name="booked", post=receptionist, created=dt.datetime(2026, 1, 1)
    )

    def line_of(app, text: str) -> int:  # type: ignore[no-untyped-def]
        return next(n for n, line in enumerate(outline(app)) if text in line)

    app = office.app()  # the owner
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_org_board()
        await settle(pilot)
        tree = app.screen.query_one("#org-tree", Tree)
        tree.cursor_line = line_of(app, "Receptionist")
        await pilot.press("space")  # unfolds its stats
        await settle(pilot)
        tree.cursor_line = line_of(app, "Booked ahead")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatGraphScreen)
        await pilot.press("escape")
        await settle(pilot)
        tree.cursor_line = line_of(app, "Receptionist")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HatEditorScreen)
        assert "Receptionist" in static_text(pilot, "#hats-title")
    app = office.app(staff_id=desk)  # the front desk: their own hat, on My hat
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_org_board()
        await settle(pilot)
        tree = app.screen.query_one("#org-tree", Tree)
        tree.cursor_line = line_of(app, "Receptionist")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MyHatScreen)


async def test_a_long_holder_name_ends_in_an_ellipsis_at_80_columns(office: Practice) -> None:
    Post.create(title="Receptionist", position=1)
    Staff.create(
        name="Maria-Fernanda Alexandrina Quintero-Villalobos", initials="MQ", role=Role.FRONT_DESK
    )
    app = office.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_org_board()
        await settle(pilot)
        await pilot.press("D")  # the default structure: Receptionist in Reception
        await settle(pilot)
        receptionist = Post.get(Post.title == "Receptionist")
        holder = Staff.get(Staff.name.startswith("Maria-Fernanda"))
        app.hats.add_holder(receptionist.id, holder.id)
        app.screen.reload()
        await settle(pilot)
        tree = app.screen.query_one("#org-tree", Tree)
        assert tree.virtual_size.width <= tree.scrollable_content_region.width
        [line] = [row for row in screen_lines(pilot) if "Receptionist" in row]
        left, _, _ = line.partition("▕")
        assert left.rstrip().endswith("…") and "Maria-Fernanda" in left
