"""Which database the models are bound to, whether or not they are imported yet.

`open_database` binds the models to the database it opens. Importing them (peewee builds
52 model classes) is a good part of a start-up, and the login screen reads without them:
so the database opened first is kept here, and bound when the models are first imported
(db/models.py's last line). Every model is bound alone (`bind_refs=False`): MODELS is all
of them, and peewee's walk of each one's references would cost several ms.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import Any

from peewee import Database

_opened: Database | None = None
"""The database opened last: the one the models are (or will be) bound to."""
_lock = threading.Lock()


def bind(database: Database) -> None:
    """Bind the models to `database`, now if they are imported, else once they are."""
    global _opened
    with _lock:
        _opened = database
        imported = "db.models" in sys.modules
    if imported:  # (or being imported on another thread: the import waits for it)
        from db.models import MODELS

        database.bind(MODELS, bind_refs=False, bind_backrefs=False)


def bind_opened(models: Sequence[type[Any]]) -> None:
    """The models, just imported: bound to the database opened before (if any)."""
    with _lock:
        database = _opened
    if database is not None:
        database.bind(models, bind_refs=False, bind_backrefs=False)
