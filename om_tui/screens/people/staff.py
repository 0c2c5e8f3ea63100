"""The staff roster ("6"): who works here, in what role, whether they can log in, and the
hats they hold today; the office manager and the owner keep it up by keyboard.

`n` adds a person with their first PIN, `e` or Enter edits one, `p` gives a new PIN or
password (which also lets a locked-out person in again), `d` deactivates and `r`
reactivates; `v` opens the person's performance evaluation, `k` the criteria evaluations
rate. Nobody is ever deleted: visits, ticks and stats keep their names. Every change goes
through the practice (om_tui.practice.people.staff), which hashes PINs (in the write worker: it
is slow by design) and keeps one office manager or owner active.

One screen (one per module), whose length is its keys; its forms are in staff_forms.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist

from db.models import Role, Staff, as_utc
from om_tui.messages import DataChanged
from om_tui.practice import time_words
from om_tui.practice.owner.orders.service import Orders
from om_tui.practice.people.staff import STAFF_TABLES, People, role_title, shown_details
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import Confirm
from om_tui.screens.people.staff_forms import PersonFields, PersonForm, SecretForm
from om_tui.widgets.footer import Footer
from om_tui.widgets.row_table import RowTable
from om_tui.widgets.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

#: The roster's columns: (key, heading, width); the hats take what is left. Cells have no
#: padding: each width holds the space before the next column.
COLUMNS = (
    ("name", " Name", 20),
    ("initials", "Init", 5),
    ("role", "Role", 15),
    ("provider", "Provider", 9),
    ("status", "Status", 16),
)
HATS_MIN_WIDTH = 12
EDGE = 2  # the scrollbar's room and the screen's edge


def _fitted(text: str, width: int) -> str:
    """The text in a column `width` wide, one space kept before the next: "Office Man…"."""
    return text if len(text) < width else text[: width - 2] + "…"


class StaffScreen(FreshScreen):
    """Everyone on the staff, active first; the keys act on the person under the cursor."""

    BINDINGS = [
        Binding("n", "new_person", "New", id="staff.new"),
        Binding("e", "edit", "Edit", id="staff.edit"),
        Binding("p", "secret", "New PIN", id="staff.secret"),
        Binding("d", "deactivate", "Deactivate", id="staff.deactivate"),
        Binding("r", "reactivate", "Reactivate", id="staff.reactivate"),
        Binding("v", "evaluate", "Evaluation", id="staff.evaluate"),
        Binding("k", "criteria", "Criteria", id="staff.criteria"),
        Binding("L", "leaves", "Leaves…", id="staff.leaves", show=False),
    ]

    SHOWS = STAFF_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._people: dict[int, Staff] = {}
        self._hats: dict[int, list[str]] = {}
        self._width = 0

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def people(self) -> People:
        return People(self.om.database, self.om.clock, self.om.acting_id)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="top-line"):
            yield Static(id="staff-title", markup=False)
            yield ScreenTabs("staff")
        yield RowTable[Text](id="roster", cell_padding=0)
        yield Static(id="staff-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#roster", DataTable).focus()

    def on_resize(self) -> None:
        if self.app.size.width != self._width:
            self._fill(self._cursor())

    # -- reading ------------------------------------------------------------------------

    @on(DataChanged)
    def reload(self) -> None:
        """Read the staff again (a few ms): another terminal, or this one, changed them."""
        self._read()
        self._fill(self._cursor())

    def _read(self) -> None:
        hats = self.om.hats
        titles = dict(hats.posts())
        held: dict[int, list[str]] = defaultdict(list)
        for post_id, holders in hats.held_on(hats.today()).items():
            for staff_id in holders:
                held[staff_id].append(titles[post_id])
        order = {title: n for n, title in enumerate(titles.values())}
        self._hats = {ident: sorted(posts, key=order.__getitem__) for ident, posts in held.items()}
        self._people = {person.id: person for person in self.people.everyone()}

    # -- showing ------------------------------------------------------------------------

    def _fill(self, keep: int | None = None) -> None:
        """Draw the roster; the cursor stays on `keep` (a staff id) where they are listed."""
        table: RowTable[Text] = self.query_one("#roster", RowTable)
        self._width = self.app.size.width
        fixed = sum(width for _, _, width in COLUMNS) + EDGE
        hats_width = max(HATS_MIN_WIDTH, self._width - fixed)
        old_row = table.cursor_row
        table.clear(columns=True)
        for key, heading, width in COLUMNS:
            table.add_column(heading, width=width, key=key)
        table.add_column("Hats today", width=hats_width, key="hats")
        for person in self._people.values():
            table.add_row(*self._cells(person, hats_width), key=str(person.id))
        if table.row_count:
            row = old_row
            if keep is not None and keep in self._people:
                row = table.get_row_index(str(keep))
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        self._show_title()
        self._show_detail()
        self.refresh_bindings()

    def _cells(self, person: Staff, hats_width: int) -> list[Text]:
        dim = "" if person.active else "dim"
        hats = ", ".join(self._hats.get(person.id, [])) or "—"
        return [
            Text(_fitted(f" {person.name}", COLUMNS[0][2]), style="bold" if person.active else dim),
            Text(person.initials, style=dim),
            Text(role_title(person.role).lower(), style=dim),
            Text("yes" if person.provider else "", style=dim),
            self._status(person),
            Text(_fitted(hats, hats_width), style="dim" if not self._hats.get(person.id) else dim),
        ]

    def _status(self, person: Staff) -> Text:
        """Active and able to log in; or why not (inactive, no PIN, locked out until …)."""
        if not person.active:
            return Text("inactive", style="dim")
        if person.secret is None:
            return Text("no PIN yet", style=f"bold {self._colour('warning')}")
        until = self._locked_until(person)
        if until is not None:
            locked = f"locked to {time_words.clock(until)}"
            return Text(locked, style=f"bold {self._colour('error')}")
        return Text("active")

    def _locked_until(self, person: Staff) -> dt.datetime | None:
        if person.locked_until is None:
            return None
        until = as_utc(person.locked_until)
        return self.om.practice.local(until) if until > self.om.clock.now() else None

    def _colour(self, variable: str) -> str:
        return self.app.theme_variables.get(variable, "")

    def _show_title(self) -> None:
        active = sum(person.active for person in self._people.values())
        inactive = len(self._people) - active
        line = Text.assemble(("Staff", "bold"), f" · {active} active")
        if inactive:
            line.append(f" · {inactive} inactive")
        self.query_one("#staff-title", Static).update(line)

    def _show_detail(self) -> None:
        """The person under the cursor, in full: the table cuts long hat lists short."""
        person = self._person()
        detail = self.query_one("#staff-detail", Static)
        if person is None:
            detail.update(Text("Nobody on the staff yet: n adds the first person.", style="dim"))
            return
        hats = self._hats.get(person.id, [])
        line = Text.assemble((person.name, "bold"), f" · {role_title(person.role)}")
        if person.provider:
            line.append(" · sees patients")
        line.append(f" · holds {', '.join(hats)}" if hats else " · holds no hat today")
        if not person.active:
            line.append(" · inactive: r lets them in again", style="dim")
        elif person.secret is None:
            line.append(" · cannot log in until p gives them a PIN", style=self._colour("warning"))
        elif self._locked_until(person) is not None:
            line.append(" · p gives a new PIN and lets them in now", style=self._colour("error"))
        detail.update(line)

    # -- where the cursor is ------------------------------------------------------------

    def _cursor(self) -> int | None:
        """The staff id under the cursor."""
        table = self.query_one("#roster", DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except RowDoesNotExist:
            return None
        return int(key) if key is not None else None

    def _person(self) -> Staff | None:
        ident = self._cursor()
        return self._people.get(ident) if ident is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Deactivate on an active person's line, Reactivate on an inactive one's."""
        if not self.is_mounted:
            return True
        person = self._person()
        if action == "deactivate":
            return person is None or bool(person.active)
        if action == "reactivate":
            return person is not None and not person.active
        if action in ("edit", "secret", "evaluate"):
            return person is not None
        return True

    @on(DataTable.RowHighlighted, "#roster")
    def _moved(self) -> None:
        self._show_detail()
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#roster")
    def _opened(self) -> None:
        self.action_edit()

    # -- writing ------------------------------------------------------------------------

    def _save(self, change: Callable[[], Any], staff_id: int | None, said: str) -> None:
        """Write (in the write worker), then show the roster with the cursor on the person."""

        def done(result: Any) -> None:
            self._read()
            self._fill(result if isinstance(result, int) else staff_id)
            self.notify(said)

        self.om.write(change, done)

    def _taken(self, but: int | None = None) -> list[str]:
        """The names of the active staff: a second person may not share one."""
        return [p.name for p in self._people.values() if p.active and p.id != but]

    def _may_change(self, person: Staff | None, role: str | None = None) -> bool:
        """Only the owner changes an owner, or makes someone one: else an office manager
        could give themselves the owner's PIN, or the owner's role."""
        if self.om.may("owners"):
            return True
        if (person is not None and person.role == Role.OWNER) or role == Role.OWNER:
            self.notify("Only the owner changes an owner's details or PIN.", severity="warning")
            return False
        return True

    # -- actions --------------------------------------------------------------------------

    def action_new_person(self) -> None:
        people = self.people

        def saved(fields: PersonFields | None) -> None:
            if fields is None or not self._may_change(None, fields.role):
                return
            secret = fields.secret
            self._save(
                lambda: people.add(
                    fields.name, fields.role, secret, fields.initials, fields.provider
                ),
                None,
                f"{fields.name} added: they log in with the PIN or password just typed.",
            )

        self.app.push_screen(PersonForm("New person on the staff", taken=self._taken()), saved)

    def action_edit(self) -> None:
        person = self._person()
        if person is None or not self._may_change(person):
            return
        staff_id = int(person.id)
        before = PersonFields(person.name, person.initials, person.role, bool(person.provider))
        seen = shown_details(person)
        people = self.people

        def saved(fields: PersonFields | None) -> None:
            if fields is None or fields == before or not self._may_change(person, fields.role):
                return
            self._save(
                lambda: people.edit(
                    staff_id,
                    name=fields.name,
                    role=fields.role,
                    initials=fields.initials,
                    provider=fields.provider,
                    seen=seen,
                ),
                staff_id,
                f"{fields.name}: saved.",
            )

        self.app.push_screen(
            PersonForm(f"Edit {person.name}", before, self._taken(but=staff_id), new=False), saved
        )

    def action_secret(self) -> None:
        person = self._person()
        if person is None or not self._may_change(person):
            return
        if not person.active:
            self.notify(f"{person.name} is inactive: r lets them in again first.")
            return
        staff_id, name = int(person.id), person.name
        people, seen = self.people, shown_details(person)

        def saved(secret: str | None) -> None:
            if secret is not None:
                self._save(
                    lambda: people.set_secret(staff_id, secret, seen),
                    staff_id,
                    f"{name} has a new PIN or password (and is not locked out).",
                )

        self.app.push_screen(SecretForm(f"New PIN or password for {name}"), saved)

    def action_leaves(self) -> None:
        """The person's off-boarding: started (with their last day) the first time."""
        from om_tui.screens.org.leaving import choose_who_leaves

        person = self._person()
        if person is not None and person.active and self.om.may("leaving"):
            choose_who_leaves(self.om, int(person.id))

    def action_deactivate(self) -> None:
        person = self._person()
        if person is None or not self._may_change(person):
            return
        if not person.active:
            self.notify(f"{person.name} is inactive already: r lets them in again.")
            return
        staff_id, name = int(person.id), person.name
        if staff_id == self.om.user_id:
            self.notify("You cannot deactivate yourself: another manager or the owner can.")
            return
        if person.provider and self._still_booked(staff_id, name):
            return
        hats = self._hats.get(staff_id, [])
        question = f"Deactivate {name}? They can no longer log in; their history stays."
        if hats:
            question += f" They no longer hold {', '.join(hats)} from today."
        orders = Orders(self.om.database, self.om.clock, self.om.practice).open_to(staff_id)
        if orders:
            some, it = (
                ("1 open order is", "it") if orders == 1 else (f"{orders} open orders are", "them")
            )
            question += f" {some} theirs: r on Orders (7) gives {it} to someone else."
        people, practice_hats = self.people, self.om.hats

        def deactivate() -> None:
            practice_hats.take_off_staff(people, staff_id)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(deactivate, staff_id, f"{name} is inactive (r lets them in again).")

        self.app.push_screen(Confirm(question, yes="Deactivate"), confirmed)

    def _still_booked(self, staff_id: int, name: str) -> bool:
        """A provider with bookings from now on: the list, and what to do, instead of asking."""
        from om_tui.practice.people.still_booked import future_bookings
        from om_tui.screens.schedule.still_booked import StillBookedDialog

        bookings = future_bookings(staff_id, self.om.clock.now())
        if not bookings:
            return False

        def closed(to_the_book: bool | None) -> None:
            if to_the_book:
                self.app.switch_mode("book")

        self.app.push_screen(StillBookedDialog(name, bookings, self.om.practice), closed)
        return True

    def action_reactivate(self) -> None:
        person = self._person()
        if person is None or not self._may_change(person):
            return
        if person.active:
            self.notify(f"{person.name} is active already.")
            return
        staff_id, name = int(person.id), person.name
        people = self.people
        said = f"{name} is active again (their hats are given on 4 Hats)."
        if person.secret is None:
            said = f"{name} is active again: p gives them a PIN."
        self._save(lambda: people.reactivate(staff_id), staff_id, said)

    def action_evaluate(self) -> None:
        """The person's evaluation: the draft or the newest finished one, and their history."""
        from om_tui.screens.owner.evaluation import EvaluationScreen

        person = self._person()
        if person is not None:
            self.app.push_screen(EvaluationScreen(int(person.id)))

    def action_criteria(self) -> None:
        """The criteria evaluations rate (the roster is the evaluators' screen already)."""
        self.om.action_evaluation_criteria()

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(
                "Evaluation", "The person's performance evaluation (v)", self.action_evaluate
            ),
            SystemCommand("New person", "Add someone to the staff (n)", self.action_new_person),
            SystemCommand("Edit person", "Name, initials, role (e)", self.action_edit),
            SystemCommand("New PIN", "A new PIN or password for someone (p)", self.action_secret),
            SystemCommand("Deactivate", "They can no longer log in (d)", self.action_deactivate),
            SystemCommand("Reactivate", "Let someone in again (r)", self.action_reactivate),
        ]
