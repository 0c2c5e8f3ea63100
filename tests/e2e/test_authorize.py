"""`om-tui ssh authorize` as the practice machine's account runs it: print, write, refuse."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert done.stdout == (
        f'command="{om_tui()} --db {machine / "practice.db"} --user '
        f"'Dr. Jo O'\\\"'\\\"'Neil \\\"JJ\\\"'\",restrict,pty {KEY}\n"
    )
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


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--user", OWNER, "missing.pub"], "om-tui: There is no key file missing.pub."),
        (["--user", "Nobody", "owner.pub"], "om-tui: No one active staff member is called"),
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
