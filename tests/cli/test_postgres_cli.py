"""The command line and a PostgreSQL URL: a SQLite practice never loads the driver; a
server that cannot be reached is one line that does not repeat the password."""

from __future__ import annotations

import subprocess
import sys

import pytest

from om_tui.cli import main

_LOADED = """
import sys
from om_tui.cli import main
code = main(["--db", sys.argv[1], "settings", "name", "Lakeview"])
print(code, sys.modules.get("psycopg") is None, "db.postgres" in sys.modules)
"""


def test_a_practice_in_a_file_starts_without_the_server_driver(practice_file: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _LOADED, practice_file],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["0", "True", "False"]


_SERVER_DRIVER = """
import sys
from om_tui import drivers
drivers.prepare("postgresql://om@127.0.0.1/practice")
import peewee, psycopg, psycopg_binary
print(psycopg.__version__, psycopg_binary.__version__, "importlib.metadata" in sys.modules)
"""


def test_a_server_practice_loads_psycopg_without_looking_its_version_up() -> None:
    pytest.importorskip("psycopg_binary", reason="psycopg is not installed (the postgres extra)")
    from importlib import metadata

    result = subprocess.run(
        [sys.executable, "-c", _SERVER_DRIVER], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    wanted = [metadata.version("psycopg"), metadata.version("psycopg-binary"), "False"]
    assert result.stdout.split() == wanted


def test_a_server_not_there_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("psycopg", reason="psycopg is not installed (the postgres extra)")
    url = "postgresql://om:Very-Secret-7@127.0.0.1:1/practice?connect_timeout=2"
    assert main(["--db", url, "settings", "name", "Lakeview"]) == 2
    err = capsys.readouterr().err
    [line] = err.strip().splitlines()
    assert line.startswith("om-tui: Cannot open the database at postgresql://om:***@127.0.0.1:1/")
    assert "Very-Secret-7" not in err
