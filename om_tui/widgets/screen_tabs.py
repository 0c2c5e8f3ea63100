"""The main screens' names and keys, on one line, the open one marked."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.events import Click
from textual.widgets import Static


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

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="crop")
        for mode, key, title in getattr(self.app, "TABS", ()):
            if mode == self.current:
                line.append(f" {key} {title} ", style="reverse bold")
            else:
                line.append(f" {key}", style="bold")
                line.append(f" {title} ")
        return line

    def on_click(self, event: Click) -> None:
        offset = 1  # the left padding
        for mode, key, title in getattr(self.app, "TABS", ()):
            width = len(f" {key} {title} ")
            if offset <= event.x < offset + width:
                self.app.switch_mode(mode)
                return
            offset += width
