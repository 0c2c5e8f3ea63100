"""The owner over SSH: the authorized_keys line that locks one key to om-tui for one person.

Remote access is stock OpenSSH with a forced command. Whatever the client asks to run,
sshd runs `om-tui --db … --ssh-user ID --ssh-key LABEL` instead, in a terminal:
`restrict` takes away port, agent and X11 forwarding and ~/.ssh/rc, `pty` gives the
terminal back. The session is pinned to that person (the staff id, which a rename
does not change): om-tui lets no one else log in on it, and the trail names the key
by its fingerprint and comment. The key's holder cannot change the command.

sshd hands the command to the account's shell (`$SHELL -c`), so every word is
shell-quoted; inside `command="…"` sshd itself knows only one escape, `\\"`. A name
that would need more than that (a line break, a control or invisible character, a
backslash) is refused rather than quoted.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import os
import re
import shlex
import shutil
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from peewee import Database

from db.models import Staff
from om_tui.practice.people import audit
from om_tui.practice.refusal import Refusal

KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)
"""The public keys OpenSSH accepts in authorized_keys without a certificate authority."""

OPTIONS = "restrict,pty"
COLOR_SYSTEMS = ("truecolor", "256", "standard")
"""Textual's TEXTUAL_COLOR_SYSTEM values a terminal over SSH may want."""
MAX_KEY_FILE = 64 * 1024  # an RSA-16384 public key is under 3 KB


class AccessError(Refusal):
    """A key, a name or a file that cannot be authorized; the message says why."""


@dataclass(frozen=True)
class PublicKey:
    """One OpenSSH public key: its type, its base64 body and the comment after it."""

    kind: str
    body: str
    comment: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.body} {self.comment}".rstrip()

    @property
    def fingerprint(self) -> str:
        """As `ssh-keygen -l` shows it: SHA256:, then the unpadded base64 of the digest."""
        digest = hashlib.sha256(base64.b64decode(self.body)).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")

    @property
    def label(self) -> str:
        """How the trail names the key: its fingerprint, and its comment if it has one."""
        return f"{self.fingerprint} {self.comment}".rstrip()


def parse_public_key(text: str) -> PublicKey:
    """The one public key in `text` (a .pub file), checked: type, base64, and that they agree."""
    if "PRIVATE KEY" in text:
        raise AccessError("That is a private key: give the public one (the .pub file).")
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if len(lines) != 1:
        raise AccessError(f"The key file must hold exactly one public key line, not {len(lines)}.")
    kind, _, rest = lines[0].partition(" ")
    body, _, comment = rest.strip().partition(" ")
    if kind not in KEY_TYPES:
        raise AccessError(
            f"Not an OpenSSH public key (it should start with one of: "
            f"{', '.join(sorted(KEY_TYPES))})."
        )
    try:
        blob = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise AccessError("The key's body is not valid base64: the file is damaged.") from None
    # The blob starts with its own type as an SSH string: a 4-byte length, then the name.
    named = blob[4 : 4 + int.from_bytes(blob[:4], "big")] if len(blob) > 4 else b""
    if named != kind.encode():
        raise AccessError(f"The key's body does not hold a {kind} key: the file is damaged.")
    comment = comment.strip()
    if not _quotable(comment):
        comment = ""  # only a label: dropped rather than let it break the line
    return PublicKey(kind, body, comment)


def read_public_key(path: Path) -> PublicKey:
    """The public key in the file at `path`; a clear refusal if it is not one."""
    try:
        if path.stat().st_size > MAX_KEY_FILE:
            raise AccessError(f"{path} is too large to be a public key.")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AccessError(f"There is no key file {path}.") from None
    except IsADirectoryError:
        raise AccessError(f"{path} is a folder, not a key file.") from None
    except UnicodeDecodeError:
        raise AccessError(f"{path} is not a public key (not text).") from None
    except OSError as error:
        raise AccessError(f"Cannot read {path}: {error.strerror}.") from None
    return parse_public_key(text)


def active_staff(name: str) -> tuple[int, str]:
    """(id, full name) of the one active staff member called `name` (or whose name starts so)."""
    wanted = name.strip().casefold()
    people = [
        (int(s.id), str(s.name), bool(s.active))
        for s in Staff.select(Staff.id, Staff.name, Staff.active)
    ]
    exact = [(i, n) for i, n, active in people if active and n.casefold() == wanted]
    starting = [
        (i, n) for i, n, active in people if active and wanted and n.casefold().startswith(wanted)
    ]
    found = exact or starting
    if len(found) == 1:
        return found[0]
    if any(n.casefold() == wanted for _, n, active in people if not active):
        raise AccessError(f"{name!r} is no longer on the active staff.")
    active_names = ", ".join(n for _, n, active in people if active)
    if not active_names:
        raise AccessError(
            f"No active staff member is called {name!r}: this database has no staff yet "
            "(is it the right one? --db PATH before ssh, or --demo for the demo practice)."
        )
    if found:
        raise AccessError(f"More than one active staff member fits {name!r}: {active_names}.")
    raise AccessError(f"No active staff member is called {name!r}. Active: {active_names}.")


def forced_command(
    program: str,
    database: str,
    staff_id: int,
    key: PublicKey,
    *,
    demo: bool = False,
    colors: str | None = None,
) -> str:
    """The shell command sshd runs for this key: om-tui on this database, for this person only.

    `colors` (truecolor, 256, standard) sets TEXTUAL_COLOR_SYSTEM for the session, as
    sshd passes on no colour setting of the client's unless its AcceptEnv says so.
    """
    if colors is not None and colors not in COLOR_SYSTEMS:
        raise AccessError(f"Colours are one of {', '.join(COLOR_SYSTEMS)}, not {colors!r}.")
    for what, text in (("program path", program), ("database", database)):
        if not _quotable(text):
            raise AccessError(
                f"The {what} {text!r} holds a character that cannot be put safely in "
                "authorized_keys (a line break, control character or backslash)."
            )
    words = [
        program,
        "--db",
        database,
        *(["--demo"] if demo else []),
        "--ssh-user",
        str(staff_id),
        f"--ssh-key={key.label}",  # one word with its option: a comment may start with "-"
    ]
    setting = f"TEXTUAL_COLOR_SYSTEM={colors} " if colors else ""
    return setting + " ".join(shlex.quote(word) for word in words)


def authorized_keys_line(command: str, key: PublicKey) -> str:
    """`command="…",restrict,pty <key>`: the key may run that command, in a terminal, only."""
    escaped = command.replace('"', '\\"')
    return f'command="{escaped}",{OPTIONS} {key}'


def authorized_keys_file(home: Path | None = None) -> Path:
    """~/.ssh/authorized_keys of the account running om-tui."""
    return (home or Path.home()) / ".ssh" / "authorized_keys"


def add_authorized_key(path: Path, line: str, key: PublicKey) -> bool:
    """Append `line` to the authorized_keys file at `path`; False if it is already there.

    The folder is created 0700 and the file 0600 if absent. The same key on another
    line (other options, another person) is refused: sshd would use only the first.
    """
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
        path.parent.chmod(0o700)
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as error:
        raise AccessError(f"Cannot open {path}: {error.strerror}.") from None
    with os.fdopen(descriptor, "r+b") as keys:
        fcntl.flock(keys, fcntl.LOCK_EX)  # two authorizes at once must not interleave
        present = keys.read().decode("utf-8", errors="replace")
        for number, existing in enumerate(present.splitlines(), start=1):
            if key.body not in existing.split():
                continue
            if existing.strip() == line:
                return False
            raise AccessError(
                f"That key is already in {path} (line {number}) with other options: "
                "remove that line first, then authorize again."
            )
        keys.write(("" if present.endswith("\n") or not present else "\n").encode())
        keys.write(f"{line}\n".encode())
        keys.flush()
        os.fsync(keys.fileno())
    return True


def remove_authorized_key(path: Path, key: PublicKey) -> list[str]:
    """Take every line of `key` out of the authorized_keys file at `path`; the lines taken.

    Rewritten in place under the lock `add_authorized_key` takes, so that an authorize
    running at the same moment is neither lost nor interleaved.
    """
    try:
        descriptor = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return []
    except OSError as error:
        raise AccessError(f"Cannot open {path}: {error.strerror}.") from None
    with os.fdopen(descriptor, "r+b") as keys:
        fcntl.flock(keys, fcntl.LOCK_EX)
        lines = keys.read().decode("utf-8", errors="surrogateescape").splitlines(keepends=True)
        taken = [line for line in lines if key.body in line.split()]
        if not taken:
            return []
        keys.seek(0)
        keys.truncate()
        kept = "".join(line for line in lines if line not in taken)
        keys.write(kept.encode("utf-8", errors="surrogateescape"))
        keys.flush()
        os.fsync(keys.fileno())
    return [line.rstrip("\n") for line in taken]


def pinned_person(line: str) -> str:
    """The name of the staff member an om-tui line is pinned to ("" if none, or unknown)."""
    found = re.search(r"--ssh-user (\d+)", line)
    person = Staff.get_or_none(Staff.id == int(found[1])) if found else None
    return str(person.name) if person is not None else ""


def note_revoked(database: Database, name: str, key: PublicKey, path: Path) -> None:
    """The trail keeps that a key was taken out: whose it opened, which key, from where."""
    audit.record(database, "ssh_revoke", name, {"ssh key": key.label, "from": str(path)})


def om_tui_program() -> str:
    """The absolute path of the om-tui command running now, for the forced command."""
    started_as = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    candidates = [
        started_as if started_as and started_as.name == "om-tui" else None,
        Path(sys.executable).parent / "om-tui",  # `python -m om_tui` from a venv
        shutil.which("om-tui"),
    ]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK) and Path(candidate).is_file():
            return os.path.abspath(candidate)
    raise AccessError("Cannot find the om-tui command: run this as om-tui, where it is installed.")


def _quotable(text: str) -> bool:
    """Text that shell quoting plus sshd's `\\"` carry through unchanged: no backslash,
    and no control, format or unassigned character (a line break would start a new key)."""
    return "\\" not in text and not any(unicodedata.category(c).startswith("C") for c in text)


def note_authorized(database: Database, name: str, key: PublicKey, to: str) -> None:
    """The trail keeps that a key was let in for a person: who, which key, where it went
    ("printed": the line was shown, for someone to add by hand)."""
    audit.record(database, "ssh_authorize", name, {"ssh key": key.label, "to": to})
