"""What every test shares: PINs hashed at a test's cost, not a login's; a migrated
empty practice made once and copied.

om-tui hashes PINs and passwords with Argon2id at argon2-cffi's defaults (64 MiB, three
passes: about a quarter of a second here, by design). The suite sets and checks hundreds
of PINs, so in tests the same Argon2id runs with the least memory and one pass: the
hashes are real and checked as in use (the parameters travel inside each hash), only
cheap. Processes a test starts (the e2e tests) hash at the real cost.

Migrating a new file runs some two thousand statements (a second or more on a busy
machine), and most tests start from a new practice. So the run migrates one file once
and every test gets its own copy of it: a real, private SQLite file of the test's own,
byte for byte what `open_database` makes of a new file. The tests of creating and
migrating a file (test_store, test_backup…) still open new files. The demo practices
the Pilot tests start from are made the same way (`built_once`): once a run, by the
first test process to want one, while the others wait for it; never kept from an
earlier run, so a change to the migrations or the demo reaches every test at once.

Every app a test starts would parse the same stylesheets from their text again (some 15 %
of a Pilot test's time): for the session, what was parsed is kept for the next app.

`-n auto` (pyproject's addopts) starts two test processes per core, not one: a Pilot test
spends about half its time waiting for the app to settle, and a second process uses the
core meanwhile. Measured on 2 cores, the whole suite: 5 min 58 s with 2 processes,
4 min 29 s with 4.
"""

from __future__ import annotations

import fcntl
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


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The file `name`, made by `build(path)` once for the whole run and shared by its
    test processes (pytest-xdist's workers): the first to ask builds it, the others wait
    for it (a lock), then each only reads it. It lives in the run's own temporary folder,
    so every run builds it afresh; a build that fails leaves nothing behind to be used."""
    here = factory.getbasetemp()
    run = here.parent if os.environ.get("PYTEST_XDIST_WORKER") else here  # the run's folder
    path = run / name
    with open(run / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the lock file closes
        if not path.exists():
            building = factory.mktemp("building") / name
            build(building)
            os.replace(building, path)
    return path


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new practice file with every migration applied, its log folded in, closed."""
    return built_once(
        tmp_path_factory, "migrated.db", lambda path: close_database(open_database(path))
    )


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


@pytest.fixture(scope="session", autouse=True)
def stylesheets_parsed_once() -> Iterator[None]:
    """Every app a test starts parses its CSS (ours and each widget's) from the text, as
    a new process does: the same work each time. For the session, a stylesheet keeps
    what it parsed from the same text, with the same theme variables, for the next app:
    the rules are the same objects Textual itself keeps between its own parses
    (Stylesheet._parse_rules, its private cache), so the screens are styled exactly as
    they are in use; a CSS error is still one, each time."""
    from textual.css.model import RuleSet
    from textual.css.stylesheet import Stylesheet

    real = Stylesheet._parse_rules  # private: this fixture alone uses it
    parsed: dict[tuple[object, ...], list[RuleSet]] = {}

    def parse_once(
        sheet: Stylesheet,
        css: str,
        read_from: tuple[str, str],
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, *sheet._variables.items())
        if key not in parsed:
            parsed[key] = real(sheet, css, read_from, is_default_rules, tie_breaker, scope)
        return parsed[key]

    Stylesheet._parse_rules = parse_once  # type: ignore[method-assign, assignment]
    yield
    Stylesheet._parse_rules = real  # type: ignore[method-assign]
