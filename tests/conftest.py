"""What every test shares: PINs hashed at a test's cost, not a login's.

om-tui hashes PINs and passwords with Argon2id at argon2-cffi's defaults (64 MiB, three
passes: about a quarter of a second here, by design). The suite sets and checks hundreds
of PINs, so in tests the same Argon2id runs with the least memory and one pass: the
hashes are real and checked as in use (the parameters travel inside each hash), only
cheap. Processes a test starts (the e2e tests) hash at the real cost.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from om_tui.practice.people import staff as people

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_pin_hashes() -> Iterator[None]:
    """For the whole session, before the shared practices are built (they hash PINs too)."""
    real = people._hasher
    people._hasher = CHEAP
    yield
    people._hasher = real
