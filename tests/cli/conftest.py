"""The command line's fixtures: a practice that is there already (commands never make one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import close_database, open_database
from db.models import Post


@pytest.fixture
def practice_file(tmp_path: Path) -> str:
    """A practice made by its first run, with two hats: the path the commands are given."""
    path = tmp_path / "p.db"
    database = open_database(path)
    for position, title in enumerate(("Office Manager", "Doctor"), start=1):
        Post.create(title=title, position=position)
    close_database(database)
    return str(path)
