"""om-tui without a terminal refuses in one line, and never outlives the terminal it had."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from om_tui.demo.opening import DEMO_PIN

from .terminal import (
    PIN,
    SCREEN_MARKER,
    Terminal,
    processes_with,
    quiet_env,
    seed_practice,
    wait_gone,
)

REFUSAL = "om-tui: needs a terminal (run it in a terminal, or over ssh with -t)."

WAYS_TO_START = {
    "plain": ([], "neither"),
    "demo": (["--demo"], "neither"),
    "as a person": (["--user", "Dr. Sarah Chen"], "neither"),
    "demo as a person": (["--demo", "--user", "Dr. Sarah Chen"], "neither"),
    "a terminal to read from only": ([], "stdin"),
    "a terminal to write to only": (["--user", "Dr. Sarah Chen"], "stdout"),
}


@pytest.mark.parametrize(("options", "terminal_on"), WAYS_TO_START.values(), ids=WAYS_TO_START)
def test_every_way_to_start_refuses_without_a_terminal(
    tmp_path: Path, options: list[str], terminal_on: str
) -> None:
    target = tmp_path / "data" / "practice.db"
    master, slave = os.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "om_tui", "--db", str(target), *options],
            stdin=slave if terminal_on == "stdin" else subprocess.DEVNULL,
            stdout=slave if terminal_on == "stdout" else subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=quiet_env(tmp_path),
            timeout=30,
        )
    finally:
        os.close(slave)
        os.close(master)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [REFUSAL]
    assert not target.exists(), "refused before anything was created"


@pytest.mark.slow
def test_a_hung_up_terminal_ends_the_app_even_with_sighup_ignored(tmp_path: Path) -> None:
    """Started deaf to SIGHUP (nohup, a trap), the app would spin on a dead terminal for ever."""
    target = str(tmp_path / "practice.db")
    seed_practice(Path(target))
    deaf = (
        "import os, signal, sys; signal.signal(signal.SIGHUP, signal.SIG_IGN); "
        "os.execv(sys.argv[1], sys.argv[1:])"
    )
    terminal = Terminal(
        [sys.executable, "-c", deaf, sys.executable, "-m", "om_tui", "--db", target],
        quiet_env(tmp_path),
        controlling=True,
    )
    try:
        terminal.wait_for(SCREEN_MARKER)
        running = processes_with(target)
        assert running == [terminal.process.pid]
        terminal.hang_up()
        assert wait_gone(running) == [], "om-tui is still running after its terminal hung up"
    finally:
        terminal.close()


@pytest.mark.slow
def test_a_clean_quit_leaves_the_practice_in_the_db_file_not_its_log(tmp_path: Path) -> None:
    """Someone who copies practice.db by hand after ctrl+q must copy the practice, not a
    4 KB file whose data is still in practice.db-wal."""
    target = tmp_path / "demo.db"
    terminal = Terminal(
        [sys.executable, "-m", "om_tui", "--demo", "--db", str(target)],
        quiet_env(tmp_path),
        controlling=True,
    )
    try:
        terminal.wait_for(SCREEN_MARKER, timeout=60)
        terminal.press(b"\r")  # the demo's first person
        terminal.wait_for("PIN or password")
        terminal.press(DEMO_PIN.encode() + b"\r")
        terminal.wait_for("My hat", timeout=30)
        terminal.press(b"\x11")  # ctrl+q
        assert terminal.wait_exit(timeout=30) == 0
    finally:
        terminal.close()
    wal = target.with_name(target.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    copy = tmp_path / "copied by hand.db"
    copy.write_bytes(target.read_bytes())
    with sqlite3.connect(copy) as copied:
        assert copied.execute("SELECT count(*) FROM patient").fetchone()[0] > 0
    copied.close()


def trail_events(target: Path) -> list[tuple[str, str]]:
    """(action, subject) of the trail's events that are not row changes, oldest first."""
    from db import open_database
    from om_tui.practice import settings
    from om_tui.practice.people import audit

    database = open_database(target)
    try:
        page = audit.read(database, settings.load(database))
        return [(e.action, e.subject) for e in reversed(page.entries) if not e.is_row_change]
    finally:
        database.close()


def logged_in(tmp_path: Path, target: Path) -> Terminal:
    """om-tui in a terminal, the office manager logged in and at work."""
    terminal = Terminal(
        [sys.executable, "-m", "om_tui", "--db", str(target), "--user", "Jenny"],
        quiet_env(tmp_path),
        controlling=True,
    )
    terminal.wait_for("PIN or password")
    terminal.press(PIN.encode() + b"\r")
    terminal.wait_for("In office")
    return terminal


@pytest.mark.slow
def test_a_hung_up_terminal_ends_the_session_on_the_trail(tmp_path: Path) -> None:
    target = tmp_path / "practice.db"
    seed_practice(target)
    terminal = logged_in(tmp_path, target)
    try:
        running = processes_with(str(target))
        terminal.hang_up()
        assert wait_gone(running) == []
    finally:
        terminal.close()
    assert trail_events(target)[-2:] == [("login", "Jenny Marsh"), ("hangup", "Jenny Marsh")]


@pytest.mark.slow
def test_a_killed_terminals_session_is_closed_at_the_next_start(tmp_path: Path) -> None:
    target = tmp_path / "practice.db"
    seed_practice(target)
    terminal = logged_in(tmp_path, target)
    try:
        os.killpg(terminal.process.pid, signal.SIGKILL)  # no goodbye at all
        terminal.process.wait()
    finally:
        terminal.close()
    assert trail_events(target)[-1] == ("login", "Jenny Marsh")
    again = Terminal(
        [sys.executable, "-m", "om_tui", "--db", str(target)], quiet_env(tmp_path), controlling=True
    )
    try:
        again.wait_for(SCREEN_MARKER)
        again.press(b"\x11")  # ctrl+q at the login screen: no one's session to end
        assert again.wait_exit() == 0
    finally:
        again.close()
    assert trail_events(target)[-2:] == [
        ("login", "Jenny Marsh"),
        ("ended_without_logout", "Jenny Marsh"),
    ]
