"""Sessions: a person's time on a terminal, from login to its end, each end on the trail.

A session begins when a person logs in on a terminal (the trail's "login") and lasts
through idle locks until it ends, in one of four ways, each an event on the trail:

- "logout": ctrl+l (switch user), or a forced log-in again (a changed role);
- "quit": ctrl+q;
- "hangup": the terminal went away (a dropped SSH connection, a closed window);
- "ended_without_logout": the process was gone without a word (killed, the machine off).
  No one is there to say so: the next om-tui to start on this machine finds the session
  still open, its process gone, and closes it.

Which sessions are open is kept in `terminal_session` (bookkeeping, not on the trail),
with the process id and its start time, so that a process id reused by another program
is not taken for the session's own. Sessions of another machine are never judged here.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from peewee import Database

from db.models import Staff, TerminalSession, as_utc, utc_naive
from om_tui.practice.clock import Clock
from om_tui.practice.people import audit

ENDINGS = ("logout", "quit", "hangup")
"""How a session ends while its process is there to say so."""
ABANDONED = "ended_without_logout"


@dataclass(frozen=True)
class Pin:
    """A session an SSH key opened: its one person, and the key that opened it.

    The forced command of the key's authorized_keys line names both (`--ssh-user ID
    --ssh-key LABEL`), so the key's holder cannot change them: no one else logs in on
    that terminal, not even with a PIN they know, and an idle lock asks the same person.
    """

    staff_id: int
    ssh_key: str
    """The key as the trail names it: its fingerprint, and its comment if it has one."""


def process_start(pid: int) -> str:
    """When the process started, in the kernel's clock ticks since boot ("" if unknown)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # The command's name, in parentheses, may hold spaces: count fields after its end.
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else ""


def alive(pid: int, started: str) -> bool:
    """Is the process that opened the session still running (and the same process)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    return not started or process_start(pid) in ("", started)


def begin(database: Database, clock: Clock, staff_id: int, ssh_key: str = "") -> int:
    """Open this process's session for a person who has just logged in; its id."""
    pid = os.getpid()
    with database.atomic():
        return int(
            TerminalSession.insert(
                staff=staff_id,
                terminal=audit.terminal_of(database),
                host=socket.gethostname(),
                pid=pid,
                process_start=process_start(pid),
                ssh_key=ssh_key,
                started=utc_naive(clock.now()),
            ).execute()
        )


def end(
    database: Database, clock: Clock, session_id: int | None, staff_id: int, ending: str
) -> None:
    """The session ends (`ending`: one of ENDINGS): on the trail, in the person's name."""
    if ending not in ENDINGS:
        raise ValueError(f"not a way a session ends: {ending!r}")
    with database.atomic():
        person = Staff.get_or_none(Staff.id == staff_id)
        detail = None if session_id is None else {"session": session_id}
        audit.record(database, ending, person.name if person is not None else "", detail)
        if session_id is not None:
            _close(session_id, clock, ending)
        audit.set_actor(database, None)


def close_abandoned(database: Database, clock: Clock) -> int:
    """Close, on the trail, each session of this machine whose process is gone; how many.

    Two terminals starting at once close each one once: the row is closed only if it is
    still open, in the same transaction as its trail entry.
    """
    host = socket.gethostname()
    open_here = list(
        TerminalSession.select().where(
            TerminalSession.ended.is_null() & (TerminalSession.host == host)
        )
    )
    gone = [s for s in open_here if s.pid != os.getpid() and not alive(s.pid, s.process_start)]
    closed = 0
    for session in gone:
        with database.atomic():
            if not _close(session.id, clock, ABANDONED):
                continue
            person = Staff.get_or_none(Staff.id == session.staff_id)
            detail = {
                "session": session.id,
                "terminal": session.terminal,
                "logged in": f"{as_utc(session.started):%Y-%m-%d %H:%M:%S} UTC",
            }
            if session.ssh_key:
                detail["ssh key"] = session.ssh_key
            audit.record(database, ABANDONED, person.name if person is not None else "", detail)
            closed += 1
    return closed


def _close(session_id: int, clock: Clock, ending: str) -> bool:
    """Mark the session ended, if it was still open."""
    return bool(
        TerminalSession.update(ended=utc_naive(clock.now()), ending=ending)
        .where((TerminalSession.id == session_id) & TerminalSession.ended.is_null())
        .execute()
    )
