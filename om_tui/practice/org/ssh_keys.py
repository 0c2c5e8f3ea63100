"""A leaving person's lines in authorized_keys: found, and taken out.

A line lets the person in when its forced command is pinned to them (`--ssh-user ID`,
as `om-tui ssh authorize` writes it; an older line's `--user NAME`), or when the key's
comment is exactly their name. Taking them out rewrites the file in place under the
lock that authorizing a key takes (ssh_access), so an authorize at the same moment is
neither lost nor interleaved.
"""

from __future__ import annotations

import fcntl
import os
import re
import shlex
from pathlib import Path

from om_tui.practice.org.access import OrgError

_COMMAND = re.compile(r'(?:^|,)command="((?:[^"\\]|\\.)*)"')


def key_lines_of(text: str, staff_id: int, name: str) -> list[int]:
    """The numbers (0-based) of authorized_keys lines that let this person in: a forced
    command pinned to them (`--ssh-user ID`, or an older line's `--user NAME`), or a key
    whose comment is exactly their name."""
    found = []
    for number, line in enumerate(text.splitlines()):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _COMMAND.search(line)
        words: list[str] = []
        if match is not None:
            try:
                words = shlex.split(match.group(1).replace('\\"', '"'))
            except ValueError:
                words = []
        pinned = {(a, b) for a, b in zip(words, words[1:], strict=False)}
        if (
            ("--ssh-user", str(staff_id)) in pinned
            or ("--user", name) in pinned
            or (len(line.split()) >= 3 and line.rstrip().endswith(f" {name}"))
        ):
            found.append(number)
    return found


def remove_key_lines(path: Path, staff_id: int, name: str) -> int:
    """Take the person's lines out of the authorized_keys file at `path`. How many.

    Rewritten in place under the lock that authorizing a key takes (ssh_access), so that
    an authorize at the same moment is neither lost nor interleaved.
    """
    try:
        descriptor = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return 0
    except OSError as error:
        raise OrgError(f"Cannot open {path}: {error.strerror}.") from None
    with os.fdopen(descriptor, "r+b") as keys:
        fcntl.flock(keys, fcntl.LOCK_EX)
        text = keys.read().decode("utf-8", errors="surrogateescape")
        gone = set(key_lines_of(text, staff_id, name))
        if not gone:
            return 0
        kept = [line for n, line in enumerate(text.splitlines(keepends=True)) if n not in gone]
        keys.seek(0)
        keys.truncate()
        keys.write("".join(kept).encode("utf-8", errors="surrogateescape"))
        keys.flush()
        os.fsync(keys.fileno())
    return len(gone)
