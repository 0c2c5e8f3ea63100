"""The main screens' names and keys, on one line, the open one marked."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.events import Click
from textual.geometry import Size
from textual.widgets import Static

ROOM_FOR_TITLE = 28
"""Columns the screen's own title keeps on the top line, left of the tabs."""
SHORT_TITLES = {"My hat": "Hat", "Compliance": "Comp", "Orders": "Ord", "Overview": "Over"}
"""A screen's name where the whole names do not fit (the others are short already)."""


class ScreenTabs(Static):
    """`1 Board  2 Stats  3 My hat …`: what each number key opens. A click opens it too."""

    DEFAULT_CSS = """
    ScreenTabs {
        width: auto;
        height: 1;
        padding: 0 1;
        background: $primary-background;
        color: $text-muted;
    }
    """

    def __init__(self, current: str, **options: Any) -> None:
        super().__init__(**options)
        self.current = current

    def _tabs(self) -> tuple[tuple[str, str, str], ...]:
        """The screens the person here may open (the app knows their role)."""
        tabs = getattr(self.app, "tabs", None)
        return tuple(tabs()) if tabs is not None else tuple(getattr(self.app, "TABS", ()))

    def _labels(self) -> list[tuple[str, str, str]]:
        """(mode, key, label): every title if they fit beside the screen's own title; else
        short ones; else only the open screen's (the keys stay; F1 and the palette name all)."""
        tabs = self._tabs()
        room = self.app.size.width - ROOM_FOR_TITLE - 2  # its padding
        whole = [(mode, key, f" {key} {title} ") for mode, key, title in tabs]
        short = [
            (mode, key, f" {key} {title} " if mode == self.current else f" {key} {short}")
            for mode, key, title in tabs
            for short in [SHORT_TITLES.get(title, title)]
        ]
        for labels in (whole, short):
            if sum(len(label) for _, _, label in labels) <= room:
                return labels
        return [
            (mode, key, f" {key} {title} " if mode == self.current else f" {key} ")
            for mode, key, title in tabs
        ]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        labels = self._labels()
        marks = sum(len(self._urgent_mark(label)) for mode, _, label in labels if mode == "line")
        return sum(len(label) for _, _, label in labels) + marks

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="crop")
        for mode, key, label in self._labels():
            if mode == self.current:
                line.append(label, style="reverse bold")
            else:
                line.append(label[: len(key) + 1], style="bold")
                line.append(label[len(key) + 1 :])
            if mode == "line":
                line.append(self._urgent_mark(label), style="bold reverse")
        return line

    def _urgent_mark(self, label: str) -> str:
        """ "!!2" beside the Line: urgent items that reached the owner here, not yet seen
        there (the app counts them)."""
        unread = int(getattr(self.app, "urgent_unread", 0))
        if not unread:
            return ""
        return f"!!{unread}" if label.endswith(" ") else f" !!{unread}"

    def on_resize(self) -> None:
        self.refresh(layout=True)

    def on_click(self, event: Click) -> None:
        offset = 1  # the left padding
        for mode, _, label in self._labels():
            if mode == "line":
                label += self._urgent_mark(label)
            if offset <= event.x < offset + len(label):
                self.app.switch_mode(mode)
                return
            offset += len(label)
