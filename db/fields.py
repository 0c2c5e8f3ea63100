"""Fields of our own that the models and the migrations share."""

from __future__ import annotations

from typing import Any

from peewee import SQL, AutoField, NodeList, SqliteDatabase


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
