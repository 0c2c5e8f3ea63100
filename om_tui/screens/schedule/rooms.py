"""The practice's rooms, in the order the board's room picker offers them.

Opened from the menu (ctrl+p, "Rooms"), or from the board's room picker when there are
no rooms yet. `a` adds a room, `e` or Enter renames it, `d` retires it (it stays on the
visits it was used for; the picker no longer offers it), `r` brings a retired one back
(at the end), ctrl+↑↓ move one up or down. The rules live in
om_tui.practice.schedule.rooms; the front desk and managers set the rooms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from om_tui.messages import DataChanged
from om_tui.practice.schedule.rooms import (
    LONGEST_NAME,
    ROOMS_TABLES,
    RoomError,
    RoomInfo,
    Rooms,
    room_name,
)
from om_tui.screens.dialog import Dialog, edited
from om_tui.screens.fresh import FreshScreen
from om_tui.screens.hats.forms import Confirm
from om_tui.widgets.footer import Footer

if TYPE_CHECKING:
    from om_tui.app import OmTuiApp

RETIRED = "retired"
"""The option id of the line above the retired rooms."""


class RoomForm(Dialog[str | None]):
    """A room's name: Enter saves a name the rooms in use do not have; Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="room_form.cancel")
    ]

    def __init__(self, heading: str, others: list[RoomInfo], name: str = "") -> None:
        super().__init__()
        self._heading = heading
        self._taken = {room.name.casefold(): room.name for room in others if not room.retired}
        self._room_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label("Name")
            yield edited(self._room_name, placeholder="Room 1", max_length=LONGEST_NAME, id="name")
            yield Label("", id="name-error", classes="field-error", markup=False)
            yield Label("Enter save · Esc don't save", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Changed, "#name")
    def _edited(self) -> None:
        self.query_one("#name-error", Label).update("")

    @on(Input.Submitted, "#name")
    def _save(self) -> None:
        try:
            name = room_name(self.query_one("#name", Input).value)
        except RoomError as refusal:
            self.query_one("#name-error", Label).update(str(refusal))
            return
        taken = self._taken.get(name.casefold())
        if taken is not None:
            self.query_one("#name-error", Label).update(
                f"There is already a room called {taken!r}."
            )
            return
        self.answer(name)

    def action_cancel(self) -> None:
        self.answer(None)


class RoomsScreen(FreshScreen):
    """The rooms in use, numbered in order; the retired ones below them."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="rooms.back"),
        Binding("a", "add", "Add", id="rooms.add"),
        Binding("e", "rename", "Rename", id="rooms.rename"),
        Binding("d", "retire", "Retire", id="rooms.retire"),
        Binding("r", "bring_back", "Bring back", id="rooms.bring_back"),
        Binding("ctrl+up,shift+up", "move(-1)", "Move", key_display="^↑↓", id="rooms.up"),
        Binding("ctrl+down,shift+down", "move(1)", "Move down", id="rooms.down", show=False),
    ]

    SHOWS = ROOMS_TABLES
    """A change elsewhere is read again only when it touches these (app.announce_change)."""

    def __init__(self) -> None:
        super().__init__()
        self._rooms: list[RoomInfo] = []

    @property
    def om(self) -> OmTuiApp:
        return cast("OmTuiApp", self.app)

    @property
    def service(self) -> Rooms:
        return Rooms(self.om.database, self.om.acting_id)

    def compose(self) -> ComposeResult:
        yield Static(id="rooms-title", markup=False)
        yield OptionList(id="rooms-list", compact=True, markup=False)
        yield Static(id="rooms-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#rooms-list", OptionList).focus()

    @on(DataChanged)
    def reload(self) -> None:
        self._show(self._cursor())

    def _show(self, keep: int | None) -> None:
        self._rooms = self.service.rooms(everything=True)
        in_use = [room for room in self._rooms if not room.retired]
        retired = [room for room in self._rooms if room.retired]
        listing = self.query_one("#rooms-list", OptionList)
        options: list[Option | None] = [
            Option(Text.assemble((f"{n:>2} ", "dim"), (room.name, "bold")), id=f"r{room.room_id}")
            for n, room in enumerate(in_use, start=1)
        ]
        if retired:
            options += [
                None,
                Option(
                    Text("Retired  stay on past visits", style="bold"), id=RETIRED, disabled=True
                ),
            ]
            options += [
                Option(Text(f"   {r.name}", style="dim"), id=f"r{r.room_id}") for r in retired
            ]
        listing.set_options(options)
        index = None
        if keep is not None:
            try:
                index = listing.get_option_index(f"r{keep}")
            except OptionDoesNotExist:
                index = None
        if index is None and in_use:
            index = 0
        listing.highlighted = index
        title = Text.assemble(("Rooms", "bold"), f" · {len(in_use)} in use")
        if retired:
            title.append(f" · {len(retired)} retired")
        title.append(" · the board's room picker offers them in this order", style="dim")
        self.query_one("#rooms-title", Static).update(title)
        self._show_detail()

    def _cursor(self) -> int | None:
        option = self.query_one("#rooms-list", OptionList).highlighted_option
        if option is None or option.id is None or not option.id.startswith("r"):
            return None
        return int(option.id[1:])

    def _room(self) -> RoomInfo | None:
        ident = self._cursor()
        return next((room for room in self._rooms if room.room_id == ident), None)

    @on(OptionList.OptionHighlighted, "#rooms-list")
    def _show_detail(self) -> None:
        room = self._room()
        self.refresh_bindings()
        detail = self.query_one("#rooms-detail", Static)
        if room is None:
            detail.update("No rooms yet: a adds the first one.")
        elif room.retired:
            detail.update(f"{room.name} is retired: r brings it back.")
        else:
            detail.update(f"{room.name} · e renames · d retires · ctrl+↑↓ moves it")

    @on(OptionList.OptionSelected, "#rooms-list")
    def _opened(self) -> None:
        self.action_rename()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted or action not in ("add", "rename", "retire", "bring_back", "move"):
            return True
        if not self.om.may("rooms"):
            return False
        room = self._room()
        if action == "rename":
            return room is not None
        if action in ("retire", "move"):
            return room is not None and not room.retired
        if action == "bring_back":
            return room is not None and room.retired
        return True

    def _save(self, change: Callable[[], Any], keep: int | None, said: str | None = None) -> None:
        def done(result: Any) -> None:
            self._show(result if isinstance(result, int) and not isinstance(result, bool) else keep)
            if said:
                self.notify(said)

        self.om.write(change, done)

    def action_add(self) -> None:
        service = self.service

        def saved(name: str | None) -> None:
            if name is not None:
                self._save(lambda: service.add(name), None, f"{name} added.")

        self.app.push_screen(RoomForm("New room", self._rooms), saved)

    def action_rename(self) -> None:
        room = self._room()
        if room is None or not self.check_action("rename", ()):
            return
        service = self.service
        others = [other for other in self._rooms if other.room_id != room.room_id]

        def saved(name: str | None) -> None:
            if name is not None and name != room.name:
                self._save(lambda: service.rename(room, name), room.room_id, f"{name}: saved.")

        self.app.push_screen(RoomForm(f"Rename {room.name}", others, room.name), saved)

    def action_retire(self) -> None:
        room = self._room()
        if room is None or room.retired:
            return
        service = self.service

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(
                    lambda: service.set_retired(room, True),
                    room.room_id,
                    f"{room.name} retired: r brings it back.",
                )

        question = (
            f"Retire {room.name}? It stays on the visits it was used for; the room picker "
            "no longer offers it. r brings it back."
        )
        self.app.push_screen(Confirm(question, yes="Retire"), confirmed)

    def action_bring_back(self) -> None:
        room = self._room()
        if room is None or not room.retired:
            return
        service = self.service
        self._save(
            lambda: service.set_retired(room, False),
            room.room_id,
            f"{room.name} is back, at the end of the list.",
        )

    def action_move(self, step: int) -> None:
        room = self._room()
        if room is None or room.retired:
            return
        service = self.service
        self._save(lambda: service.move(room, step), room.room_id)

    def palette_commands(self) -> list[SystemCommand]:
        if not self.om.may("rooms"):
            return []
        return [
            SystemCommand("Add a room", "A new room for the board's picker (a)", self.action_add)
        ]
