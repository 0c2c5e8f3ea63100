"""The command line's fixtures: a practice that is there already (commands never make one)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from db import close_database, open_database
from db.models import Post


@pytest.fixture
def practice_file(tmp_path: Path, new_practice_file: Callable[[Path], Path]) -> str:
    """A practice made by its first run, with two hats: the path the commands are given."""
    path = new_practice_file(tmp_path / "p.db")
    database = open_database(path)
    for position, title in enumerate(("Office Manager", "Doctor"), start=1):
        Post.create(title=title, position=position)
    close_database(database)
    return str(path)


def run_cli(
    *args: str, reader: bool = False, umask: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`om-tui ARGS` in a process of its own, as a person would run it.

    `reader`: as someone who may read the database but not write it (the file is made
    0444 by the test). Root writes whatever the mode says, so root runs it without its
    capabilities (setpriv), which leaves it the file's mode like anyone else."""
    command = [sys.executable, "-m", "om_tui", *args]
    if reader and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root writes a read-only file unless setpriv drops its capabilities")
        command = [setpriv, "--inh-caps=-all", "--bounding-set=-all", "--", *command]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        preexec_fn=None if umask is None else lambda: os.umask(umask) and None,
    )
