"""The owner over SSH, end to end: a real sshd on loopback, the key locked to om-tui.

The commands are the README's ("Access from another office"): `ssh-keygen`, then
`om-tui ssh authorize --user NAME KEY.pub --write`, then `ssh -t practice-host`. sshd
runs as the current user with a config of its own: its host key, the authorized_keys
file, its pid file and the session's HOME all live in the test's folder, so nothing
touches the real ~/.ssh. Skipped, with the reason, where OpenSSH's sshd is not
installed; .ci/run installs it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from db import open_database
from om_tui.practice import settings
from om_tui.practice.people import audit

from .terminal import (
    OWNER,
    PIN,
    SCREEN_MARKER,
    Terminal,
    arguments_of,
    om_tui,
    processes_with,
    quiet_env,
    seed_practice,
    wait_gone,
)

SSHD = shutil.which("sshd") or shutil.which("sshd", path="/usr/sbin:/usr/local/sbin")
MISSING = [
    what
    for what, found in (
        ("sshd (Debian: apt-get install openssh-server)", SSHD),
        ("ssh", shutil.which("ssh")),
        ("ssh-keygen", shutil.which("ssh-keygen")),
        ("the om-tui command beside this Python", om_tui().exists()),
    )
    if not found
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(MISSING), reason=f"needs {', '.join(MISSING)}"),
]

HOST = "practice-host"
PRIVSEP = Path("/run/sshd")  # sshd started as root needs it, as its own service does


@dataclass
class Office:
    """The practice machine's sshd, and the owner's ssh set up to reach it."""

    folder: Path
    home: Path
    port: int
    database: Path
    client_config: Path

    def env(self, **extra: str) -> dict[str, str]:
        return quiet_env(self.folder / "laptop", **extra)

    def ssh(self, *options: str) -> list[str]:
        return ["ssh", "-F", str(self.client_config), *options]

    fingerprint: str
    log: list[str]
    """What sshd has said, line by line."""

    def om_tui_processes(self) -> list[int]:
        return processes_with(str(self.database))

    def events(self) -> list[tuple[str, str, object]]:
        """The trail's events that are not row changes, oldest first."""
        database = open_database(self.database)
        try:
            page = audit.read(database, settings.load(database))
        finally:
            database.close()
        return [
            (e.action, e.subject, e.detail) for e in reversed(page.entries) if not e.is_row_change
        ]


def run(*argv: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, f"{argv[0]} failed: {done.stderr}"
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    assert SSHD
    folder = tmp_path_factory.mktemp("office")
    home, laptop, state = folder / "om-home", folder / "laptop", folder / "state"
    for made in (home, laptop, state):
        made.mkdir(mode=0o700)
    if os.geteuid() == 0:
        PRIVSEP.mkdir(mode=0o755, exist_ok=True)
    database = folder / "practice.db"
    seed_practice(database)

    # On the owner's machine: a key of their own.
    key = laptop / "om-tui"
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "owner@laptop", "-f", key)
    # On the practice machine, as the account om-tui runs under:
    authorize = ["ssh", "authorize", "--user", OWNER, f"{key}.pub", "--write"]
    said = run(om_tui(), "--db", database, *authorize, env=quiet_env(home))
    assert f"Added to {home}/.ssh/authorized_keys" in said
    authorized = home / ".ssh" / "authorized_keys"
    assert stat.S_IMODE(authorized.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(authorized.stat().st_mode) == 0o600

    host_key = folder / "host_key"
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key)
    port = free_port()
    sshd_config = folder / "sshd_config"
    sshd_config.write_text(
        f"Port {port}\n"
        "ListenAddress 127.0.0.1\n"
        f"HostKey {host_key}\n"
        f"PidFile {folder / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {authorized}\n"
        "StrictModes no\n"  # the test's folder sits under world-writable /tmp
        "UsePAM no\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "AcceptEnv TEXTUAL_COLOR_SYSTEM\n"
        # As the README asks of the practice's sshd: a client that stops answering (a
        # laptop closed, a frozen line) is dropped, and om-tui with it. Seconds here.
        "ClientAliveInterval 1\n"
        "ClientAliveCountMax 2\n"
        f"SetEnv HOME={home} XDG_STATE_HOME={state}\n"  # the session's files stay here too
        "LogLevel INFO\n"
    )
    (folder / "known_hosts").write_text(
        f"[127.0.0.1]:{port} {' '.join((folder / 'host_key.pub').read_text().split()[:2])}\n"
    )
    client_config = folder / "ssh_config"
    client_config.write_text(
        f"Host {HOST}\n"
        "    HostName 127.0.0.1\n"
        f"    Port {port}\n"
        f"    User {pwd.getpwuid(os.getuid()).pw_name}\n"
        f"    IdentityFile {key}\n"
        "    IdentitiesOnly yes\n"
        f"    UserKnownHostsFile {folder / 'known_hosts'}\n"
        "    GlobalKnownHostsFile /dev/null\n"
        "    StrictHostKeyChecking yes\n"
        "    BatchMode yes\n"
        "    LogLevel ERROR\n"
    )

    sshd = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(sshd_config)],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    listening = threading.Event()

    def read_log() -> None:  # drained all along, so that sshd never blocks on a full pipe
        assert sshd.stderr
        for line in sshd.stderr:
            log.append(line.rstrip())
            if "Server listening on 127.0.0.1" in line:
                listening.set()

    threading.Thread(target=read_log, daemon=True).start()
    try:
        assert listening.wait(10), "sshd did not start:\n" + "\n".join(log)
        shown = run("ssh-keygen", "-l", "-f", f"{key}.pub").split()
        yield Office(folder, home, port, database, client_config, shown[1], log)
    finally:
        sshd.terminate()
        sshd.wait(10)


def test_the_key_opens_om_tui_in_a_terminal_as_its_person(office: Office) -> None:
    terminal = Terminal(office.ssh("-t", HOST), office.env())
    try:
        terminal.wait_for(SCREEN_MARKER)
        [pid] = office.om_tui_processes()
        arguments = arguments_of(pid)
        key = f"{office.fingerprint} owner@laptop"
        assert arguments[-5:] == [
            "--db",
            str(office.database),
            "--ssh-user",
            "1",
            f"--ssh-key={key}",
        ]
        terminal.wait_for("PIN or password")  # pinned: the person is chosen, only the PIN asked
        assert "Someone else" not in terminal.text  # and no one else may log in here
        terminal.press(PIN.encode() + b"\r")
        terminal.wait_for("In office")  # the owner's first screen: the board
        terminal.press(b"\x11")  # ctrl+q
        assert terminal.wait_exit() == 0
        assert wait_gone([pid]) == []
    finally:
        terminal.close()
    events = office.events()
    assert ("login", OWNER, {"ssh key": key}) in events
    assert events[-1][:2] == ("quit", OWNER)


def test_a_frozen_client_is_dropped_and_om_tui_ends(office: Office) -> None:
    """The client stops (a laptop's lid closed) with the TCP connection open: sshd's
    ClientAlive checks drop it within seconds, and the terminal's hang-up ends om-tui."""
    terminal = Terminal(office.ssh("-t", HOST), office.env())
    try:
        terminal.wait_for(SCREEN_MARKER)
        running = office.om_tui_processes()
        assert len(running) == 1
        terminal.process.send_signal(signal.SIGSTOP)
        gone = wait_gone(running, timeout=20) == []
        assert gone, "om-tui outlived a frozen client:\n" + "\n".join(office.log[-10:])
    finally:
        terminal.process.send_signal(signal.SIGCONT)
        terminal.close()


def test_another_command_asked_for_is_ignored_and_a_dropped_line_ends_om_tui(
    office: Office,
) -> None:
    terminal = Terminal(office.ssh("-t", HOST, "cat /etc/passwd"), office.env())
    try:
        terminal.wait_for(SCREEN_MARKER)
        assert "root:" not in terminal.text
        running = office.om_tui_processes()
        assert len(running) == 1
        terminal.process.send_signal(signal.SIGKILL)  # the connection drops, no goodbye
        terminal.wait_exit()
        assert wait_gone(running) == [], "om-tui outlived its SSH connection"
    finally:
        terminal.close()


@pytest.mark.parametrize("asked", [[], ["cat /etc/passwd"]], ids=["plain", "a command"])
def test_without_a_terminal_the_session_is_refused_in_one_line(
    office: Office, asked: list[str]
) -> None:
    refused = subprocess.run(
        office.ssh("-T", HOST, *asked),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=office.env(),
        timeout=30,
    )
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.splitlines() == [
        "om-tui: needs a terminal (run it in a terminal, or over ssh with -t)."
    ]
    assert office.om_tui_processes() == [], "nothing is left running"


def test_colours_come_through_when_sshd_accepts_the_setting(office: Office) -> None:
    """By default the session has TERM alone: 256 colours. TEXTUAL_COLOR_SYSTEM, sent by
    the client and accepted by sshd (AcceptEnv), gives true colour."""
    sessions = (([], False), (["-o", "SetEnv=TEXTUAL_COLOR_SYSTEM=truecolor"], True))
    for options, true_colour in sessions:
        terminal = Terminal(office.ssh("-t", *options, HOST), office.env())
        try:
            terminal.wait_for(SCREEN_MARKER)
            assert (b"\x1b[38;2;" in terminal.raw) is true_colour
            assert (b"\x1b[38;5;" in terminal.raw) is not true_colour
        finally:
            terminal.close()


def test_colours_can_be_set_in_the_forced_command(office: Office) -> None:
    """No AcceptEnv needed: `--colors` puts the setting in the key's own command."""
    key = office.folder / "laptop" / "manager"
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "manager@laptop", "-f", key)
    authorize = ["ssh", "authorize", "--user", "Jenny", f"{key}.pub", "--colors", "truecolor"]
    run(om_tui(), "--db", office.database, *authorize, "--write", env=quiet_env(office.home))
    terminal = Terminal(office.ssh("-i", str(key), "-t", HOST), office.env())
    try:
        terminal.wait_for(SCREEN_MARKER)
        [pid] = office.om_tui_processes()
        assert arguments_of(pid)[-3:-1] == ["--ssh-user", "2"]  # Jenny Marsh, pinned
        assert arguments_of(pid)[-1].endswith(" manager@laptop")
        assert b"\x1b[38;2;" in terminal.raw
    finally:
        terminal.close()


def test_the_key_cannot_forward_ports(office: Office) -> None:
    """`restrict`: the key opens om-tui and nothing else, not a tunnel into the office."""
    tunnel = subprocess.run(
        office.ssh(
            "-T", "-o", "ExitOnForwardFailure=yes", "-R", f"0:127.0.0.1:{office.port}", HOST
        ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=office.env(),
        timeout=30,
    )
    assert tunnel.returncode == 255
    assert "remote port forwarding failed" in tunnel.stderr
