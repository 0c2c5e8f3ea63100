"""Where the stylesheets are, in a checkout and in an installed wheel alike."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).parent


def stylesheet(name: str) -> Path:
    # The wheel carries styles/ inside the package; a checkout keeps it beside.
    for folder in (_HERE / "styles", _HERE.parent / "styles"):
        path = folder / name
        if path.is_file():
            return path
    raise FileNotFoundError(f"stylesheet {name} is missing from this installation")
