"""An error nobody foresaw: the app stops with one line, and nothing of a patient is shown
or logged (Textual's own traceback prints each frame's variables)."""

from __future__ import annotations

import logging

import pytest

from om_tui.screens.flow.board import FlowBoardScreen

from .conftest import Practice
from .helpers import select


async def test_an_unforeseen_error_stops_with_a_line_and_no_patient_data(
    office: Practice,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(self: FlowBoardScreen) -> None:
        patient = "Tom Baker"  # a local Textual would print
        raise RuntimeError(f"{patient}'s visit")  # a message quoting a patient

    monkeypatch.setattr(FlowBoardScreen, "action_advance", broken)
    app = office.app()
    with caplog.at_level(logging.ERROR), pytest.raises(RuntimeError):
        async with app.run_test(size=(140, 40)) as pilot:
            select(pilot, office.row_key("tom"))
            await pilot.press("n")
            await pilot.pause()
    shown = " ".join(capsys.readouterr().err.split())  # what the terminal gets on exit
    assert shown == (
        "om-tui stopped on an unexpected error (RuntimeError; its place is in the log). "
        "What was saved is kept: start it again."
    )
    assert "om-tui stopped on an unexpected RuntimeError at test_errors.py:" in caplog.text
    assert "(broken)" in caplog.text
    assert "Tom" not in caplog.text
