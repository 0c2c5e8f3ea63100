"""A throwaway PostgreSQL server of the test session's own (the `postgres_server` fixture).

The server is made the first time a test asks for it: `initdb` in a temporary
folder, listening on loopback only at a free port, password login, no fsync (a
test server's data does not outlive the session), stopped and removed at the end. Its
folder is in memory (/dev/shm) where the machine has one: every database is some 8 MB of
catalogs, and writing and then deleting them on disk cost minutes a session.
Run as root (CI), it runs as `nobody`, which PostgreSQL requires. Each test gets a
database of its own, copied from a migrated template in a few milliseconds. Where
PostgreSQL's binaries or psycopg are absent, the tests on it are skipped, saying so.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

_USER = "om"
_TEMPLATE = "om_template"


def _binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: Debian's newest, else whatever PATH has."""
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    if debian:
        return debian[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """A running throwaway server: URLs to its databases, and fresh ones to order."""

    port: int
    password: str
    _numbers: Iterator[int] = field(default_factory=itertools.count)
    _template_ready: bool = False

    def url(self, name: str, password: str | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql://{_USER}:{secret}@127.0.0.1:{self.port}/{name}"

    def admin(self, statement: str) -> None:
        """Run one statement on the server's maintenance database, outside a transaction."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(statement)

    def empty_database(self) -> str:
        """The URL of a new, empty database."""
        name = f"t{next(self._numbers)}"
        self.admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop(self, url: str) -> None:
        """Remove a test's database once it is done with it (its connections cut)."""
        self.admin(f"DROP DATABASE {url.rsplit('/', 1)[1]} WITH (FORCE)")

    def fresh_database(self) -> str:
        """The URL of a new database with every migration applied (a copy of the template)."""
        if not self._template_ready:
            from db import open_database

            self.admin(f"CREATE DATABASE {_TEMPLATE}")
            open_database(self.url(_TEMPLATE)).close()
            self._template_ready = True
        name = f"t{next(self._numbers)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {_TEMPLATE}")
        return self.url(name)


def running_server() -> Iterator[PostgresServer]:
    """Start the server (or skip the test, saying why); stop and remove it when done."""
    binaries = _binaries()
    if binaries is None:
        pytest.skip("PostgreSQL's binaries (initdb, pg_ctl) are not installed")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e '.[test]')")
    memory = Path("/dev/shm")
    in_memory = memory.is_dir() and os.access(memory, os.W_OK)
    folder = Path(tempfile.mkdtemp(prefix="om-tui-pg-", dir=memory if in_memory else None))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(folder, "nobody")
        as_user = ["runuser", "-u", "nobody", "--"]
    password = secrets.token_urlsafe(16)
    password_file = folder / "password"
    password_file.write_text(password)
    if as_user:
        shutil.chown(password_file, "nobody")
    data = folder / "data"
    port = _free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    run(
        str(binaries / "initdb"),
        f"--pgdata={data}",
        f"--username={_USER}",
        f"--pwfile={password_file}",
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--no-locale",
        "--no-sync",
    )
    settings = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder}"
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    pg_ctl = str(binaries / "pg_ctl")
    run(
        pg_ctl,
        f"--pgdata={data}",
        f"--options={settings}",
        f"--log={folder / 'log'}",
        "-w",
        "start",
    )
    try:
        yield PostgresServer(port, password)
    finally:
        run(pg_ctl, f"--pgdata={data}", "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)
