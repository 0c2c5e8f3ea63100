"""What every test shares: PINs hashed at a test's cost, not a login's; a migrated
empty practice made once and copied.

om-tui hashes PINs and passwords with Argon2id at argon2-cffi's defaults (64 MiB, three
passes: about a quarter of a second here, by design). The suite sets and checks hundreds
of PINs, so in tests the same Argon2id runs with the least memory and one pass: the
hashes are real and checked as in use (the parameters travel inside each hash), only
cheap. Processes a test starts (the e2e tests) hash at the real cost.

Migrating a new file runs some two thousand statements (a second or more on a busy
machine), and most tests start from a new practice. So each test process migrates one
file once and every test gets its own copy of it: a real, private SQLite file of the
test's own, byte for byte what `open_database` makes of a new file. The tests of
creating and migrating a file (test_store, test_backup…) still open new files.

`-n auto` (pyproject's addopts) starts two test processes per core, not one: a Pilot test
spends about half its time waiting for the app to settle, and a second process uses the
core meanwhile. Measured on 2 cores, the whole suite: 5 min 58 s with 2 processes,
4 min 29 s with 4.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from db import close_database, open_database
from om_tui.practice.people import staff as people


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two test processes per core (see the module's docstring)."""
    return 2 * (os.cpu_count() or 1)


CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_pin_hashes() -> Iterator[None]:
    """For the whole session, before the shared practices are built (they hash PINs too)."""
    real = people._hasher
    people._hasher = CHEAP
    yield
    people._hasher = real


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new practice file with every migration applied, its log folded in, closed."""
    path = tmp_path_factory.mktemp("migrated") / "practice.db"
    close_database(open_database(path))
    return path


@pytest.fixture
def new_practice_file(migrated_template: Path) -> Callable[[Path], Path]:
    """Put a new, migrated practice file at a path (a copy of the template), private as
    `open_database` makes one: its folder 0700, the file 0600. Returns the path."""

    def place(path: Path) -> Path:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copyfile(migrated_template, path)
        path.chmod(0o600)
        return path

    return place
