"""The staff roster's forms: a person (name, initials, role, sees patients, first PIN), and a
new PIN or password typed twice.

Each form checks what it can before it answers (an empty name, a name already on the staff,
a PIN too short, two PINs that differ) and says so under the field; Enter saves only a valid
form, Escape leaves everything as it was. The practice checks again on saving. A PIN is
never shown: the fields are password fields, and the form hands it on only to be hashed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Label

from db.models import Role
from om_tui.practice import limits
from om_tui.practice.people.staff import PeopleError, check_secret_rules
from om_tui.screens.dialog import Dialog, edited
from om_tui.screens.hats.forms import ChoiceField

#: The roles, in the words the office uses, lowest first.
ROLES = (
    (Role.FRONT_DESK, "front desk"),
    (Role.STAFF, "staff"),
    (Role.OFFICE_MANAGER, "office manager"),
    (Role.OWNER, "owner"),
)
ROLE_NAMES = dict(ROLES)
SEES_PATIENTS = (("no", "no"), ("yes", "yes (a provider)"))
SECRET_HINT = "A PIN of 4+ digits, or a password of 8+ characters"
MAX_INITIALS = 4


def initials_of(name: str) -> str:
    """ "Karen Miles" → "KM"; a title such as "Dr." is left out."""
    words = [w for w in name.split() if not w.endswith(".")] or name.split()
    return "".join(w[0] for w in words[:3]).upper()


def name_problem(name: str, taken: Collection[str]) -> str:
    """What is wrong with a person's name ("" if nothing): empty, not a name by the one
    rule for a person's name (limits.person_name), or someone else's."""
    if not name:
        return "A person needs a name."
    try:
        name = limits.person_name(name, PeopleError)
    except PeopleError as refusal:
        return str(refusal)
    if name.casefold() in taken:
        return f"There is already someone called {name!r} on the staff."
    return ""


def initials_problem(initials: str) -> str:
    if len(initials) > MAX_INITIALS or not initials.replace(".", "").isalnum():
        return f"Initials are 1 to {MAX_INITIALS} letters, like KM (empty: from the name)."
    return ""


def secret_problems(secret: str, again: str) -> tuple[str, str]:
    """(what is wrong with the PIN, what is wrong with typing it again), "" where nothing."""
    if not secret:
        return "They need one to log in.", ""
    try:
        check_secret_rules(secret)
    except PeopleError as refusal:
        return str(refusal), ""
    if again != secret:
        return "", "The two do not match: type it again."
    return "", ""


def say(form: Widget, field_id: str, problem: str) -> None:
    """Show a problem under its field, or take the line away when there is none."""
    line = form.query_one(f"#{field_id}-error", Label)
    line.update(problem)
    line.display = bool(problem)


def went_to_the_second(form: Widget, event: Input.Submitted) -> bool:
    """Enter in the first of a secret's two fields, the second still empty: the first is
    checked, and when it is fine the second takes the cursor. True when that is all Enter
    did (the form does not save yet)."""
    if event.input.id != "secret" or form.query_one("#again", Input).value:
        return False
    problem, _ = secret_problems(event.value, "")
    say(form, "secret", problem)
    if problem:
        return False
    form.query_one("#again", Input).focus()
    return True


def problem_line(field_id: str) -> Label:
    """The line under a field that says what is wrong with it: hidden until it does."""
    line = Label("", id=f"{field_id}-error", classes="field-error", markup=False)
    line.display = False
    return line


@dataclass(frozen=True)
class PersonFields:
    """A person as written in the form; `secret` only for a new person (to be hashed)."""

    name: str
    initials: str
    role: str = Role.STAFF
    provider: bool = False
    secret: str | None = field(default=None, repr=False)


class PersonForm(Dialog[PersonFields | None]):
    """Add a person (with their first PIN) or edit one (name, initials, role, provider)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="person_form.cancel"),
        Binding("enter", "save", "Save", id="person_form.save", show=False),
    ]

    def __init__(
        self,
        heading: str,
        fields: PersonFields | None = None,
        taken: Collection[str] = (),
        *,
        new: bool = True,
    ) -> None:
        super().__init__()
        self._heading = heading
        self._fields = fields or PersonFields("", "")
        self._taken = {name.casefold() for name in taken}
        self._new = new

    def compose(self) -> ComposeResult:
        fields = self._fields
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label("Name")
            yield edited(
                fields.name,
                placeholder="First Last",
                max_length=limits.PERSON_NAME.longest,
                id="name",
            )
            yield problem_line("name")
            yield Label("Initials (empty: from the name)")
            yield edited(fields.initials, id="initials", max_length=8)
            yield problem_line("initials")
            yield Label("Role (←/→)")
            yield ChoiceField(ROLES, fields.role, field="role")
            yield Label("Sees patients (←/→ or y, n)")
            yield ChoiceField(SEES_PATIENTS, "yes" if fields.provider else "no", field="provider")
            if self._new:
                yield Label(SECRET_HINT, id="secret-label")
                yield Input(password=True, id="secret", compact=True)
                yield problem_line("secret")
                yield Label("The same again")
                yield Input(password=True, id="again", compact=True)
                yield problem_line("again")
            yield Label("Enter save · Tab next field · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        say(self, str(event.input.id), "")
        if event.input.id == "secret":
            say(self, "again", "")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if not went_to_the_second(self, event):
            self.action_save()

    def action_save(self) -> None:
        name = " ".join(self.query_one("#name", Input).value.split())
        initials = self.query_one("#initials", Input).value.strip().upper() or initials_of(name)
        problems = {"name": name_problem(name, self._taken), "initials": ""}
        if name and not problems["name"]:  # initials from a wrong name would be wrong too
            problems["initials"] = initials_problem(initials)
        secret: str | None = None
        if self._new:
            secret = self.query_one("#secret", Input).value
            problems["secret"], problems["again"] = secret_problems(
                secret, self.query_one("#again", Input).value
            )
        for field_id, problem in problems.items():
            say(self, field_id, problem)
        if problems.get("again"):
            again = self.query_one("#again", Input)
            with again.prevent(Input.Changed):  # the message under it stays
                again.value = ""
        wrong = next((field_id for field_id, problem in problems.items() if problem), None)
        if wrong is not None:
            self.query_one(f"#{wrong}", Input).focus()
            return
        self.answer(
            PersonFields(
                name,
                initials,
                self.query_one("#role", ChoiceField).value,
                self.query_one("#provider", ChoiceField).value == "yes",
                secret,
            )
        )

    def action_cancel(self) -> None:
        self.answer(None)


class SecretForm(Dialog[str | None]):
    """A new PIN or password for someone, typed twice; answers the secret (to be hashed)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="secret_form.cancel")]

    def __init__(self, heading: str) -> None:
        super().__init__()
        self._heading = heading

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._heading, classes="dialog-title", markup=False)
            yield Label(SECRET_HINT)
            yield Input(password=True, id="secret", compact=True)
            yield problem_line("secret")
            yield Label("The same again")
            yield Input(password=True, id="again", compact=True)
            yield problem_line("again")
            yield Label("Enter save · Tab next field · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#secret", Input).focus()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        say(self, str(event.input.id), "")
        if event.input.id == "secret":
            say(self, "again", "")

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        secret = self.query_one("#secret", Input).value
        again = self.query_one("#again", Input)
        problem, mismatch = secret_problems(secret, again.value)
        say(self, "secret", problem)
        if problem:
            self.query_one("#secret", Input).focus()
            return
        if event.input.id == "secret" and not again.value:
            again.focus()  # Enter after the first typing goes on to the second
            return
        say(self, "again", mismatch)
        if mismatch:
            with again.prevent(Input.Changed):  # the message under it stays
                again.value = ""
            again.focus()
            return
        self.answer(secret)

    def action_cancel(self) -> None:
        self.answer(None)
