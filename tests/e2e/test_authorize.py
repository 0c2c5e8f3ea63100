"""`om-tui ssh authorize` as the practice machine's account runs it: print, write, refuse."""

from __future__ import annotations

import base64
import hashlib
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from db import open_database
from om_tui.practice import settings
from om_tui.practice.people import audit

from .terminal import OWNER, om_tui, quiet_env, seed_practice

BLOB = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + bytes(range(32))
KEY = f"ssh-ed25519 {base64.b64encode(BLOB).decode()} owner@laptop"


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    """The practice machine's account: a home, a practice database, the owner's .pub."""
    (tmp_path / "home").mkdir()
    seed_practice(tmp_path / "practice.db", pins=False)
    (tmp_path / "owner.pub").write_text(f"{KEY}\n")
    (tmp_path / "owner").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n")
    return tmp_path


def events(machine: Path) -> list[tuple[str, str, str, str]]:
    """The trail's key authorizations: (action, whose, which key, where to)."""
    database = open_database(machine / "practice.db")
    try:
        page = audit.read(database, settings.load(database))
    finally:
        database.close()
    return [
        (e.action, e.subject, e.detail["ssh key"], e.detail["to"])
        for e in reversed(page.entries)
        if e.action == "ssh_authorize"
    ]


def authorize(machine: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "om_tui", "--db", str(machine / "practice.db"), "ssh", "authorize"]
        + list(args),
        capture_output=True,
        text=True,
        cwd=machine,
        env=quiet_env(machine / "home"),
        timeout=60,
    )


def test_the_line_is_printed_whole_and_nothing_written(machine: Path) -> None:
    done = authorize(machine, "--user", "dr. jo", "owner.pub")
    assert done.returncode == 0, done.stderr
    fingerprint = "SHA256:" + base64.b64encode(hashlib.sha256(BLOB).digest()).decode().rstrip("=")
    assert done.stdout == (
        f'command="{om_tui()} --db {machine / "practice.db"} --ssh-user 1 '
        f"'--ssh-key={fingerprint} owner@laptop'\",restrict,pty {KEY}\n"
    )
    assert events(machine) == [("ssh_authorize", OWNER, f"{fingerprint} owner@laptop", "printed")]
    assert not (machine / "home" / ".ssh").exists()


def test_writing_twice_adds_the_line_once(machine: Path) -> None:
    first = authorize(machine, "--user", OWNER, "owner.pub", "--write")
    again = authorize(machine, "--user", OWNER, "owner.pub", "--write")
    keys = machine / "home" / ".ssh" / "authorized_keys"
    assert (
        first.stdout == f"Added to {keys}: {OWNER} may now connect with ssh -t to this account.\n"
    )
    assert again.stdout == f"Already in {keys}: nothing changed.\n"
    assert len(keys.read_text().splitlines()) == 1
    assert [to for *_, to in events(machine)] == [str(keys)]  # once: the second changed nothing


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--user", OWNER, "missing.pub"], "om-tui: There is no key file missing.pub."),
        (["--user", "Nobody", "owner.pub"], "om-tui: No active staff member is called 'Nobody'."),
        (["--user", "Jenny", "owner"], "om-tui: That is a private key"),
        (["--user", "Jenny", "practice.db"], "om-tui: practice.db is too large to be a public"),
    ],
)
def test_a_bad_key_or_name_is_one_line_and_writes_nothing(
    machine: Path, args: list[str], said: str
) -> None:
    done = authorize(machine, *args, "--write")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(said)
    assert not (machine / "home" / ".ssh").exists()
    assert events(machine) == []


def revoke(machine: Path, key_file: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "om_tui", "--db", str(machine / "practice.db"), "ssh", "revoke"]
        + [key_file],
        capture_output=True,
        text=True,
        cwd=machine,
        env=quiet_env(machine / "home"),
        timeout=60,
    )


def test_revoking_takes_the_keys_line_out_and_says_so_on_the_trail(machine: Path) -> None:
    keys = machine / "home" / ".ssh" / "authorized_keys"
    assert authorize(machine, "--user", OWNER, "owner.pub", "--write").returncode == 0
    other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBBB backup@desk"
    keys.write_text(keys.read_text() + other + "\n")

    done = revoke(machine, "owner.pub")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Removed from {keys}: the key SHA256:")
    assert f"owner@laptop ({OWNER}'s) opens om-tui no more." in done.stdout
    assert keys.read_text() == other + "\n"  # the other key stays, the file stays private
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    database = open_database(machine / "practice.db")
    try:
        [entry] = [
            e
            for e in audit.read(database, settings.load(database)).entries
            if e.action == "ssh_revoke"
        ]
    finally:
        database.close()
    assert entry.subject == OWNER and entry.detail["from"] == str(keys)

    again = revoke(machine, "owner.pub")
    assert again.stdout == f"Not in {keys}: nothing changed.\n"
