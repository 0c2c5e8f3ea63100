"""How the practice's messages count things: "1 open order", "3 drafts"."""

from __future__ import annotations


def counted(number: int, thing: str) -> str:
    """ "1 open order", "3 open orders" (a thing whose plural takes an s)."""
    return f"{number} {thing}{'' if number == 1 else 's'}"
