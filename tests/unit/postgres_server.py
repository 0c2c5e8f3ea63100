"""A throwaway PostgreSQL server of the test session's own (the `postgres_server` fixture).

The server is made the first time a test asks for it: `initdb` in a temporary
folder, listening on loopback only at a free port, password login, no fsync (a
test server's data does not outlive the session), stopped and removed at the end. Its
folder is in memory (/dev/shm) where the machine has one with a gigabyte free: each
database is some 7.5 MB of catalogs, and writing and deleting them on disk cost minutes
a session (on a disk that discards freed blocks at once, the session's last test waited
minutes for its teardown).
Run as root (CI), it runs as `nobody`, which PostgreSQL requires. Each test gets a
database of its own, copied from a template migrated once (about 0.1 s of CPU, where
migrating afresh took 0.5 s), and dropped when the test ends. Where PostgreSQL's
binaries or psycopg are absent, the tests on it are skipped, saying so.

The benchmarks start one the same way (`started_server(durable=True)`), with
PostgreSQL's own fsync and synchronous commit.
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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import psycopg

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
    _file_copy: bool | None = None
    _admin: psycopg.Connection[Any] | None = None

    def close(self) -> None:
        if self._admin is not None:
            self._admin.close()

    def url(self, name: str, password: str | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql://{_USER}:{secret}@127.0.0.1:{self.port}/{name}"

    def passfile_line(self) -> str:
        """The server's line for a libpq password file (`PGPASSFILE`)."""
        return f"127.0.0.1:{self.port}:*:{_USER}:{self.password}\n"

    def version(self) -> str:
        """The server's version, as `15.18`."""
        self.admin("SELECT 1")
        assert self._admin is not None
        number = self._admin.info.server_version
        return f"{number // 10000}.{number % 10000}"

    def address(self, name: str) -> str:
        """The URL without the password, for libpq to find in a password file."""
        return f"postgresql://{_USER}@127.0.0.1:{self.port}/{name}"

    def admin(self, statement: str) -> None:
        """Run one statement on the server's maintenance database, outside a transaction
        (on one connection kept for the session: a connection costs about 20 ms)."""
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(self.url("postgres"), autocommit=True)
        try:
            self._admin.execute(statement)
        except psycopg.OperationalError:  # cut off (a test's doing): once more, anew
            self._admin.close()
            self._admin = psycopg.connect(self.url("postgres"), autocommit=True)
            self._admin.execute(statement)

    def empty_database(self) -> str:
        """The URL of a new, empty database."""
        name = f"t{next(self._numbers)}"
        self.admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def fresh_database(self) -> str:
        """The URL of a new database with every migration applied (a copy of the template)."""
        if not self._template_ready:
            from db import open_database

            self.admin(f"CREATE DATABASE {_TEMPLATE}")
            open_database(self.url(_TEMPLATE)).close()
            self._template_ready = True
        name = f"t{next(self._numbers)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {_TEMPLATE}{self._copied_whole()}")
        return self.url(name)

    def _copied_whole(self) -> str:
        """How a test's database is copied from the template: its files copied whole, not
        written page by page through the server's log (PostgreSQL 15's default), which
        takes twice as long and twice as long again to drop: a checkpoint is cheap on a
        server without fsync. (Before 15 a copy is always of the files, said no way.)"""
        if self._file_copy is None:
            self.admin("SELECT 1")
            assert self._admin is not None
            self._file_copy = self._admin.info.server_version >= 150000
        return " STRATEGY FILE_COPY" if self._file_copy else ""

    def drop(self, url: str) -> None:
        """Remove a test's database (its connections cut): the cluster stays the size of a
        few databases, not of the session's hundreds (7.5 MB each, mostly catalogs)."""
        name = url.rsplit("/", 1)[1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Unavailable(Exception):
    """PostgreSQL cannot be run here; the message says why, in one line."""


def running_server() -> Iterator[PostgresServer]:
    """The fixture's server (or the test skipped, saying why); stopped when done."""
    try:
        with started_server() as server:
            yield server
    except Unavailable as why:
        pytest.skip(str(why))


@contextmanager
def started_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    """Start a throwaway server; stop and remove it when done. A test server does not
    write to disk what it need not (its data dies with it); `durable` keeps PostgreSQL's
    own settings (fsync, synchronous commit), as a practice's server has them — for
    figures to set beside SQLite's, which syncs every commit."""
    binaries = _binaries()
    if binaries is None:
        raise Unavailable("PostgreSQL's binaries (initdb, pg_ctl) are not installed")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable("psycopg is not installed (pip install -e '.[test]')") from None
    memory = Path("/dev/shm")
    in_memory = not durable and _roomy(memory)
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
    settings = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder}"
    if not durable:
        settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    pg_ctl = str(binaries / "pg_ctl")
    run(
        pg_ctl,
        f"--pgdata={data}",
        f"--options={settings}",
        f"--log={folder / 'log'}",
        "-w",
        "start",
    )
    server = PostgresServer(port, password)
    try:
        yield server
    finally:
        server.close()
        run(pg_ctl, f"--pgdata={data}", "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


ROOM_NEEDED = 1 << 30
"""Free space the in-memory folder must have: a cluster, its template and a database per
running test, for every test process (a container's /dev/shm is often 64 MB)."""


def _roomy(folder: Path) -> bool:
    """Is `folder` there, ours to write, with room for a test server (see ROOM_NEEDED)?"""
    if not (folder.is_dir() and os.access(folder, os.W_OK)):
        return False
    found = os.statvfs(folder)
    return found.f_bavail * found.f_frsize >= ROOM_NEEDED
