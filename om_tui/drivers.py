"""What peewee's import brings in with it: only the database driver the practice uses.

peewee imports every server driver it knows of at its own import (psycopg, psycopg2,
pymysql, …) when installed. A practice in a file needs none; a practice on a PostgreSQL
server needs psycopg alone. `prepare` is called before peewee is first imported (a
process that has peewee already is left as it is).

psycopg's own import asks `importlib.metadata` for its version, and psycopg-binary's
for its own (`psycopg/version.py`, `psycopg_binary/version.py`): importing
`importlib.metadata` (email, zipfile, csv…) and its look through the installed packages
were about 12 ms of a server start's 64 for psycopg. The same versions are in the names of
the packages' `.dist-info` folders beside them, which is where `importlib.metadata` reads
them from: they are given to psycopg from there, and psycopg asks nothing more. When the
folder is not found, or found twice (a stale install), psycopg looks its version up itself.
"""

from __future__ import annotations

import os
import sys
import types
from importlib.machinery import PathFinder

_OTHERS = ("psycopg2", "psycopg2cffi", "pymysql", "MySQLdb")
"""The drivers peewee tries at its import that om-tui never uses."""
_PSYCOPG = ("psycopg", "psycopg_binary", "psycopg_c")
"""psycopg and its compiled helpers, each of which looks its version up at import."""


def prepare(target: str | None) -> None:
    """Before peewee's first import: the server driver for a URL, none for a file."""
    if "peewee" in sys.modules:
        return
    server = target is not None and "://" in target
    for driver in _OTHERS if server else ("psycopg", *_OTHERS):
        sys.modules.setdefault(driver, None)  # type: ignore[arg-type]  # import: ImportError
    if server:
        _psycopg_versions()


def _psycopg_versions() -> None:
    """Each installed psycopg package's `version` module, made from its `.dist-info` name."""
    if any(f"{package}.version" in sys.modules for package in _PSYCOPG):
        return
    spec = PathFinder.find_spec("psycopg")
    if spec is None or spec.origin is None:
        return  # not installed: opening the URL says so
    where = os.path.dirname(os.path.dirname(spec.origin))
    try:
        names = os.listdir(where)
    except OSError:
        return
    for package in _PSYCOPG:
        found = [
            name.removesuffix(".dist-info").split("-", 1)[1]
            for name in names
            if name.startswith(f"{package}-") and name.endswith(".dist-info")
        ]
        if len(found) == 1:
            module = types.ModuleType(f"{package}.version", "Its version, from its .dist-info.")
            module.__version__ = found[0]  # type: ignore[attr-defined]
            sys.modules[module.__name__] = module
