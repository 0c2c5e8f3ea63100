"""Running om-tui as a person does: in a real pseudo-terminal, or with no terminal at all.

`Terminal` starts a program on the slave side of a pty of a fixed size and reads what
it draws from the master side; `text` is that output without escape sequences, which
is enough to find a line of the screen. Waits are deadlines on `select`, never sleeps.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

from db import open_database
from db.models import Role
from om_tui.practice.clock import SystemClock
from om_tui.practice.people.roles import ADMINISTRATOR
from om_tui.practice.people.staff import People

SCREEN_MARKER = "om-tui · log in"
"""What om-tui shows first: the login screen's first line (screens/login.py, TITLE)."""

OWNER = 'Dr. Jo O\'Neil "JJ"'
"""The owner: a name with both quotes and spaces, which must reach om-tui whole."""
PIN = "2468"

ESCAPES = re.compile(
    rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[@-Z\\-_=>78])"
)

CONTROLLING_TTY = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execvp(sys.argv[1], sys.argv[1:])"
)
"""Makes the pty the session's controlling terminal, as sshd does, then becomes the program."""


def seed_practice(path: Path, *, pins: bool = True) -> None:
    """A practice whose owner and office manager can log in, each with a PIN (hashed: slow)."""
    database = open_database(path)
    try:
        people = People(database, SystemClock(), ADMINISTRATOR)
        people.add(OWNER, Role.OWNER, secret=PIN if pins else None, provider=True)
        people.add("Jenny Marsh", Role.OFFICE_MANAGER, secret=PIN if pins else None)
    finally:
        database.close()


def om_tui() -> Path:
    """The om-tui command installed beside the Python running the tests."""
    return Path(sys.executable).parent / "om-tui"


def quiet_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment with HOME and om-tui's data and log folders inside the test's folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "COLORTERM"))}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        TERM="xterm-256color",
        **extra,
    )
    return env


class Terminal:
    """A program in a pseudo-terminal of `columns` x `rows`, and all it has written."""

    def __init__(
        self,
        argv: Sequence[str],
        env: dict[str, str],
        *,
        columns: int = 120,
        rows: int = 40,
        controlling: bool = False,
    ) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        if controlling:
            argv = [sys.executable, "-c", CONTROLLING_TTY, *argv]
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.raw = b""
        self.closed = False

    @property
    def text(self) -> str:
        return ESCAPES.sub(b"", self.raw).decode("utf-8", errors="replace")

    def _read(self, deadline: float) -> bool:
        """Read what is there before `deadline`; False once the other side has gone."""
        ready, _, _ = select.select([self.master], [], [], max(deadline - time.monotonic(), 0))
        if ready:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: every holder of the slave side has closed it
                chunk = b""
            if not chunk:
                return False
            self.raw += chunk
        return True

    def wait_for(self, text: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.text:
            if time.monotonic() >= deadline or not self._read(deadline):
                raise AssertionError(f"{text!r} never shown; the screen ended:\n{self.text[-800:]}")

    def press(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait_exit(self, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(deadline):
            pass
        return self.process.wait(max(deadline - time.monotonic(), 0.1))

    def hang_up(self) -> None:
        """Close the terminal, as a dropped connection or a closed window does."""
        if not self.closed:
            os.close(self.master)
            self.closed = True

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.hang_up()


def processes_with(marker: str) -> list[int]:
    """Ids of the running processes one of whose arguments is `marker` (e.g. a test's db)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if marker.encode() in words:
            found.append(int(entry.name))
    return found


def arguments_of(pid: int) -> list[str]:
    return (Path("/proc") / str(pid) / "cmdline").read_bytes().decode().split("\0")[:-1]


def wait_gone(pids: Sequence[int], timeout: float = 10.0) -> list[int]:
    """Wait until these processes have ended; those still running after `timeout`."""
    deadline = time.monotonic() + timeout
    left = []
    for pid in pids:
        try:
            handle = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            ready, _, _ = select.select([handle], [], [], max(deadline - time.monotonic(), 0))
        finally:
            os.close(handle)
        if not ready:  # a process's handle turns readable when it ends
            left.append(pid)
    return left
