"""The test server's folder: in memory only where there is room for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import postgres_server


def test_a_folder_with_room_is_used_and_one_without_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_server, "ROOM_NEEDED", 1)
    assert postgres_server._roomy(tmp_path)
    monkeypatch.setattr(postgres_server, "ROOM_NEEDED", 1 << 60)  # an exabyte: no machine
    assert not postgres_server._roomy(tmp_path)
    assert not postgres_server._roomy(tmp_path / "not-there")
