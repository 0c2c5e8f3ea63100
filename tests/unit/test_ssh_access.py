"""The authorized_keys line: the key checked, the person looked up, the quoting that holds."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from peewee import Database

from db.models import Role, Staff
from om_tui.practice.people.ssh_access import (
    AccessError,
    PublicKey,
    active_staff,
    add_authorized_key,
    authorized_keys_line,
    forced_command,
    parse_public_key,
    read_public_key,
)


def ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def key_text(kind: str = "ssh-ed25519", comment: str = "owner@laptop", seed: int = 7) -> str:
    """A well-formed public key line: the blob names its own type, as OpenSSH writes it."""
    blob = ssh_string(kind.encode()) + ssh_string(bytes([seed]) * 32)
    return f"{kind} {base64.b64encode(blob).decode()} {comment}".rstrip()


def sshd_dequote(line: str) -> str:
    """The command="…" option as sshd reads it (auth-options.c opt_dequote): only \\" escapes."""
    start = line.index('command="') + len('command="')
    out, i = [], start
    while line[i] != '"':
        if line[i] == "\\" and line[i + 1] == '"':
            i += 1
        out.append(line[i])
        i += 1
    assert line[i + 1 :].startswith(",restrict,pty "), "the options go on after the command"
    return "".join(out)


@pytest.fixture
def staff(database: Database) -> None:
    Staff.create(name="Dr. Sarah Chen", initials="SC", role=Role.OWNER, provider=True)
    Staff.create(name="Dr. Sam Ortiz", initials="SO", role=Role.STAFF, provider=True)
    Staff.create(name="Jenny Marsh", initials="JM", role=Role.OFFICE_MANAGER)
    Staff.create(name="Dr. Old Partner", initials="OP", role=Role.OWNER, active=False)


def test_a_public_key_is_read_with_its_comment(tmp_path: Path) -> None:
    path = tmp_path / "id_ed25519.pub"
    path.write_text(f"# the owner's laptop\n\n{key_text()}\n")
    key = read_public_key(path)
    assert key.kind == "ssh-ed25519"
    assert key.comment == "owner@laptop"
    assert str(key) == key_text()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n", "That is a private key"),
        ("", "exactly one public key line, not 0"),
        (f"{key_text(seed=1)}\n{key_text(seed=2)}\n", "exactly one public key line, not 2"),
        (f'command="sh" {key_text()}', "Not an OpenSSH public key"),
        ("ssh-ed25519 AAAA!!not-base64 me", "not valid base64"),
        (key_text("ssh-rsa").replace("ssh-rsa", "ssh-ed25519", 1), "does not hold a ssh-ed25519"),
        ("ssh-ed25519", "does not hold a ssh-ed25519"),
    ],
)
def test_what_is_not_one_public_key_is_refused(text: str, said: str) -> None:
    with pytest.raises(AccessError, match=said):
        parse_public_key(text)


def test_a_missing_or_odd_key_file_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(AccessError, match="There is no key file"):
        read_public_key(tmp_path / "nope.pub")
    with pytest.raises(AccessError, match="is a folder"):
        read_public_key(tmp_path)
    binary = tmp_path / "key.pub"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(AccessError, match="not text"):
        read_public_key(binary)


def test_a_comment_that_could_break_the_line_is_dropped() -> None:
    key = parse_public_key(key_text(comment="me\x1b[2Jthere"))
    assert key.comment == ""
    assert "\x1b" not in str(key)


def test_the_person_is_an_active_staff_member_found_by_name(staff: None) -> None:
    chen = Staff.get(Staff.name == "Dr. Sarah Chen").id
    assert active_staff("Dr. Sarah Chen") == (chen, "Dr. Sarah Chen")
    assert active_staff("  dr. sarah chen ") == (chen, "Dr. Sarah Chen")
    assert active_staff("Jenny")[1] == "Jenny Marsh"
    with pytest.raises(AccessError, match="More than one active staff member fits 'Dr. Sa'"):
        active_staff("Dr. Sa")
    with pytest.raises(AccessError, match="'Dr. Old Partner' is no longer on the active staff"):
        active_staff("Dr. Old Partner")
    with pytest.raises(
        AccessError,
        match="^No active staff member is called 'Nobody'. "
        "Active: Dr. Sarah Chen, Dr. Sam Ortiz, Jenny Marsh.$",
    ):
        active_staff("Nobody")


def test_with_no_staff_the_refusal_says_so(database: Database) -> None:
    with pytest.raises(AccessError, match="this database has no staff yet .is it the right one"):
        active_staff("Dr. Chen")


def test_the_key_is_named_by_its_fingerprint_as_ssh_keygen_shows_it(tmp_path: Path) -> None:
    keygen = shutil.which("ssh-keygen")
    if keygen is None:
        pytest.skip("needs ssh-keygen")
    subprocess.run(
        [keygen, "-q", "-t", "ed25519", "-N", "", "-C", "me@home", "-f", str(tmp_path / "k")],
        check=True,
    )
    shown = subprocess.run(
        [keygen, "-l", "-f", str(tmp_path / "k.pub")], capture_output=True, text=True, check=True
    ).stdout.split()
    key = read_public_key(tmp_path / "k.pub")
    assert key.fingerprint == shown[1]
    assert key.label == f"{shown[1]} me@home"


COMMENTS = [
    "owner@laptop",
    "Dr. Jo O'Neil",
    'Dr. "Doc" Smith',
    "Dr. $(touch pwned) `id`; echo",
    "Zoë Müller-Śliwa",
    "'\"'\"",
    "--help",
]


@pytest.mark.parametrize("comment", COMMENTS)
def test_the_line_carries_every_word_intact_through_sshd_and_the_shell(
    tmp_path: Path, comment: str
) -> None:
    """sshd strips its quoting, the account's shell runs the rest: the words arrive whole."""
    folder = tmp_path / "My Programs"
    folder.mkdir()
    program = folder / "om-tui"
    program.write_text('#!/bin/sh\nfor word in "$@"; do printf "%s\\n" "$word"; done\n')
    program.chmod(0o700)
    database = str(tmp_path / "Practice data" / "practice.db")
    key = parse_public_key(key_text(comment=comment))
    line = authorized_keys_line(forced_command(str(program), database, 7, key), key)
    assert line.startswith('command="')
    assert line.endswith(f",restrict,pty {key_text(comment=comment)}")
    assert "\n" not in line
    for shell in ("/bin/sh", shutil.which("bash")):
        assert shell
        ran = subprocess.run(
            [shell, "-c", sshd_dequote(line)], capture_output=True, text=True, cwd=tmp_path
        )
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.splitlines() == [
            "--db",
            database,
            "--ssh-user",
            "7",
            f"--ssh-key={key.fingerprint} {comment}",
        ]
    assert not (tmp_path / "pwned").exists()


def test_the_demo_and_the_colours_are_kept_in_the_command() -> None:
    key = parse_public_key(key_text(comment=""))
    pinned = f"--ssh-user 3 --ssh-key={key.fingerprint}"
    command = forced_command("/opt/om-tui", "/data/demo.db", 3, key, demo=True)
    assert command == f"/opt/om-tui --db /data/demo.db --demo {pinned}"
    command = forced_command("/opt/om-tui", "/data/p.db", 3, key, colors="256")
    assert command == f"TEXTUAL_COLOR_SYSTEM=256 /opt/om-tui --db /data/p.db {pinned}"
    with pytest.raises(AccessError, match="Colours are one of truecolor, 256, standard"):
        forced_command("/opt/om-tui", "/data/p.db", 3, key, colors="$(reboot)")


@pytest.mark.parametrize(
    ("program", "database", "said"),
    [
        ("/opt/om-tui", "/data/p\r.db", "The database"),
        ("/opt/om-tui", "/data/p\\.db", "The database"),
        ("/opt/om\x00-tui", "/data/p.db", "The program path"),
    ],
)
def test_what_cannot_be_quoted_safely_is_refused(program: str, database: str, said: str) -> None:
    key = parse_public_key(key_text())
    with pytest.raises(AccessError, match=said):
        forced_command(program, database, 1, key)


def line_for(key: PublicKey, staff_id: int = 1) -> str:
    return authorized_keys_line(forced_command("/opt/om-tui", "/data/p.db", staff_id, key), key)


def test_writing_creates_a_private_folder_and_file(tmp_path: Path) -> None:
    key = parse_public_key(key_text())
    path = tmp_path / "home" / ".ssh" / "authorized_keys"
    (tmp_path / "home").mkdir()
    assert add_authorized_key(path, line_for(key), key)
    assert path.read_text() == f"{line_for(key)}\n"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_writing_appends_after_other_keys_and_never_twice(tmp_path: Path) -> None:
    path = tmp_path / "authorized_keys"
    other = key_text(seed=1, comment="backup")
    path.write_text(other)  # no newline at the end: ours must not be glued onto it
    os.chmod(path, 0o600)
    key = parse_public_key(key_text(seed=2))
    assert add_authorized_key(path, line_for(key), key)
    assert add_authorized_key(path, line_for(key), key) is False
    assert path.read_text().splitlines() == [other, line_for(key)]


def test_the_same_key_with_other_options_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    path = tmp_path / "authorized_keys"
    key = parse_public_key(key_text())
    assert add_authorized_key(path, line_for(key, 1), key)
    before = path.read_bytes()
    with pytest.raises(AccessError, match=r"already in .* \(line 1\) with other options"):
        add_authorized_key(path, line_for(key, 3), key)
    plain = tmp_path / "plain_keys"
    plain.write_text(f"{key}\n")  # the same key, already allowed a full shell
    with pytest.raises(AccessError, match="line 1"):
        add_authorized_key(plain, line_for(key), key)
    assert path.read_bytes() == before
    assert plain.read_text() == f"{key}\n"
