"""Fields of our own that the models and the migrations share."""

from __future__ import annotations

import math
from typing import Any

from peewee import SQL, AutoField, FloatField, NodeList, SqliteDatabase


class NeverReusedId(AutoField):
    """An integer id that is never handed out twice, even after the newest row is deleted.

    SQLite reuses the highest id after its row is deleted unless the table says
    AUTOINCREMENT; a terminal still showing the deleted record would then act on
    whichever record took its id. A server database's sequences never go back, so
    there the field is a plain auto id. Every table created from 0011 on uses it.
    """

    def ddl(self, ctx: Any) -> NodeList:
        node: NodeList = super().ddl(ctx)
        if isinstance(self.model._meta.database, SqliteDatabase):
            return NodeList((node, SQL("AUTOINCREMENT")))
        return node


class FiniteFloat(FloatField):
    """A number that, when set, is finite: what a file holds that no screen can draw
    (inf, written before om-tui refused it, or by hand) is read as not set.

    The column is an ordinary REAL: no migration; only the reading changes."""

    def python_value(self, value: Any) -> float | None:
        number: float | None = super().python_value(value)  # type: ignore[no-untyped-call]
        return number if number is None or math.isfinite(number) else None
