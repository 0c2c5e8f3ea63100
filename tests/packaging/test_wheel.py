"""A wheel built from the repo, installed into a fresh venv, must run: styles and
migrations ship inside it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SMOKE = textwrap.dedent(
    """
    import asyncio, datetime as dt, sys
    from zoneinfo import ZoneInfo
    import db, om_tui.demo.office, om_tui.app
    from om_tui.practice.clock import FrozenClock

    assert "site-packages" in om_tui.app.__file__, om_tui.app.__file__
    now = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)
    database = db.open_database(sys.argv[1])
    om_tui.demo.office.open_demo(database, now, ZoneInfo("America/Chicago"))

    async def main():
        app = om_tui.app.make_app(database, clock=FrozenClock(now))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            table = app.screen.query_one("#board")
            print("rows", table.row_count)

    asyncio.run(main())
    """
)


@pytest.mark.slow
@pytest.mark.network  # pip installs the dependencies from the package index
def test_wheel_installs_and_runs_in_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
    )
    wheel = next(dist.glob("om_tui-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", str(wheel)], check=True)

    version = subprocess.run(
        [env_dir / "bin" / "om-tui", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("om-tui ")

    smoke = tmp_path / "smoke.py"
    smoke.write_text(SMOKE)
    run = subprocess.run(
        [python, smoke, str(tmp_path / "practice.db")],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the checkout: the installed package must stand alone
    )
    assert run.returncode == 0, run.stderr[-2000:]
    rows = int(run.stdout.split("rows", 1)[1].split()[0])
    assert rows >= 35
