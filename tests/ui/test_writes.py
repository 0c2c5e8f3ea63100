"""Writes run off the event loop; whatever goes wrong, a person reads a sentence."""

from __future__ import annotations

import logging

import pytest

from .conftest import Practice
from .helpers import settle, warnings


async def test_an_unexpected_error_in_a_write_is_a_message_not_a_traceback(
    office: Practice, caplog: pytest.LogCaptureFixture
) -> None:
    app = office.app()
    failed: list[bool] = []

    def broken() -> None:
        raise ValueError("Maria Lopez 03/14/1985")  # what a driver error might quote

    async with app.run_test(size=(140, 40)) as pilot:
        with caplog.at_level(logging.ERROR):
            app.write(broken, failed=lambda: failed.append(True))
            await settle(pilot)
        assert warnings(pilot) == [
            "That could not be saved (the error is logged). Nothing was changed."
        ]
        assert failed == [True]
        assert app.is_running  # the app carries on
    assert "write failed: ValueError" in caplog.text
    assert "Maria" not in caplog.text and "1985" not in caplog.text  # no patient data logged
