"""A table of rows that change while it is on screen: the flow board's.

Textual's DataTable draws every visible cell again when any row moves (its caches key on a
count of changes), and measures every cell again when rows are added: on the board, a
patient checked in at another terminal took a median 74-85 ms to be seen, most of it that
drawing, and each second's clocks cost a whole row's drawing apiece. Here a row is drawn
from its cells' own segments, once, and kept until its cells, its place's stripe, the
cursor or the mouse on it change; replacing the rows redraws only the lines whose row is
not the one drawn there before. The columns are as wide as the screen sets them (it fits
them to the terminal).

Keys: up and down, Page Up and Page Down, Home and End move the cursor (a row); Enter, or
a double click on a row, posts RowSelected. A click puts the cursor on a row (on the
board, choosing a row moves a patient on: never on one click). Cells are a rich Text or a
str, shown as typed (never read as markup), on one line.

One widget, one idea (a table that redraws only what changed): its length is its keys,
its mouse and its drawing, each a short part of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from om_tui.practice.limits import CONTROLS

Cell = Text | str


@dataclass
class Column:
    """A column's key, its title and the width of its cells (padding aside)."""

    key: str
    label: Text
    width: int


class LiveTable(ScrollView, can_focus=True):
    """Rows by key, in the order last given; the cursor is on a row and stays on its key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False, id="live_table.select"),
        Binding("up", "cursor_up", "Cursor up", show=False, id="live_table.up"),
        Binding("down", "cursor_down", "Cursor down", show=False, id="live_table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="live_table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="live_table.page_down"),
        Binding("home", "first", "First", show=False, id="live_table.first"),
        Binding("end", "last", "Last", show=False, id="live_table.last"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "live-table--header",
        "live-table--cursor",
        "live-table--hover",
        "live-table--even-row",
        "live-table--odd-row",
    }

    DEFAULT_CSS = """
    LiveTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .live-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .live-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .live-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .live-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .live-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .live-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .live-table--hover {
            background: $block-hover-background;
        }
        & > .live-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    class RowSelected(Message):
        """Enter on a row, or a double click on one."""

        def __init__(self, table: LiveTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> LiveTable:
            return self.table

    def __init__(self, *, zebra_stripes: bool = False, cell_padding: int = 1, **options: Any):
        super().__init__(**options)
        self.zebra_stripes = zebra_stripes
        self.cell_padding = cell_padding
        self.columns: dict[str, Column] = {}
        self.cursor_row = 0
        """The index of the row the cursor is on."""
        self._hover: int | None = None
        """The index of the row under the mouse (None once a key moves the cursor)."""
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._cells: dict[str, list[Cell]] = {}
        self._content: dict[str, list[Segment]] = {}
        """Each row's cells drawn, padded to their columns, in no row's style yet."""
        self._lines: dict[str, dict[tuple[int, bool, bool], Strip]] = {}
        """Rows drawn whole, by key, then stripe, cursor and hover: until their cells change."""
        self._header: Strip | None = None
        self._styles: dict[str, Style] = {}
        self._width = 0
        """The width the rows in `_lines` were drawn out to."""

    # -- the mouse, the size, focus and theme ---------------------------------

    def on_click(self, event: events.Click) -> None:
        index = self._row_at(event)
        if index is None:
            return
        event.stop()
        if index != self.cursor_row:
            self.move_cursor(row=index)
        elif event.chain >= 2:  # the second click of a double click
            self.action_select_cursor()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._row_at(event))

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_into_view(self.cursor_row)  # the cursor's row stays in sight

    def on_focus(self, event: events.Focus) -> None:
        self._forget()

    def on_blur(self, event: events.Blur) -> None:
        self._forget()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget()

    # -- keys -----------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_up(self) -> None:
        self._turn_page(-self._page())

    def action_page_down(self) -> None:
        self._turn_page(self._page())

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=len(self._keys) - 1)

    def action_select_cursor(self) -> None:
        if (key := self.selected_key) is not None:
            self.post_message(self.RowSelected(self, key))

    # -- what it holds -------------------------------------------------------

    @property
    def keys(self) -> list[str]:
        """The rows' keys, top to bottom."""
        return list(self._keys)

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def selected_key(self) -> str | None:
        """The key of the cursor's row; None when there are no rows."""
        if not self._keys:
            return None
        return self._keys[min(self.cursor_row, len(self._keys) - 1)]

    def get_row_index(self, key: str) -> int:
        return self._index[key]

    def get_row(self, key: str) -> list[Cell]:
        return list(self._cells[key])

    def get_cell(self, key: str, column: str) -> Cell:
        return self._cells[key][list(self.columns).index(column)]

    def render_width(self, column: str) -> int:
        """A column's width on screen: its cells and the padding on each side."""
        return self.columns[column].width + 2 * self.cell_padding

    # -- changing it ---------------------------------------------------------

    def set_columns(self, columns: Iterable[tuple[str, str | Text]]) -> None:
        """New columns (keys and titles), each as wide as its title; the rows go."""
        self.columns = {}
        for key, label in columns:
            title = Text(label) if isinstance(label, str) else label
            self.columns[key] = Column(key, title, title.cell_len)
        self.set_rows([])
        self._forget()

    def set_widths(self, widths: Mapping[str, int]) -> None:
        """Set columns' widths; the table is drawn again only if one changed."""
        if all(self.columns[key].width == width for key, width in widths.items()):
            return
        for key, width in widths.items():
            self.columns[key].width = width
        self._forget()

    def set_rows(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        """Show these rows, in this order. The cursor stays on its row's key if that is
        still here, else on the same place. Only the lines whose row, cells, stripe or
        cursor differ from what they showed are drawn again."""
        before = self._looks()
        selected = self.selected_key
        place = self.cursor_row
        self._keys = [key for key, _ in rows]
        self._index = {key: index for index, key in enumerate(self._keys)}
        cells = {key: list(row) for key, row in rows}
        for key, row in cells.items():
            if not _same_cells(self._cells.get(key), row):
                self._changed(key)
        for key in self._cells.keys() - cells.keys():
            self._changed(key)
        self._cells = cells
        self._resize_virtual()
        if selected in self._index:
            self._set_cursor(self._index[selected])
        else:
            self._set_cursor(min(place, max(len(self._keys) - 1, 0)))
        self._refresh_changed(before)

    def update_cells(self, changes: Iterable[tuple[str, str, Cell]]) -> None:
        """Set cells (a running clock); only their rows are drawn again. Every cell is
        checked to exist before any is set."""
        places = {column: place for place, column in enumerate(self.columns)}
        wanted = []
        for key, column, value in changes:
            if key not in self._cells or column not in places:
                raise KeyError(f"No cell at {key!r}, {column!r}")
            wanted.append((key, places[column], value))
        for key, place, value in wanted:
            self._cells[key][place] = value
        for key in {key for key, _, _ in wanted}:
            self._changed(key)
            self._refresh_index(self._index[key])

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        """Put the cursor on a row (by index), scrolled into view."""
        del animate  # the cursor jumps: a board's row is never animated to
        self._set_hover(None)  # the keys lead now, not the mouse
        self._set_cursor(max(0, min(row, len(self._keys) - 1)))

    # -- drawing -------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width != self._width:  # rows are drawn out to the table's width
            self._width = width
            self._lines.clear()
            self._header = None
        if y == 0:
            strip = self._header_strip()
        else:
            index = int(self.scroll_y) + y - 1
            if not 0 <= index < len(self._keys):
                return Strip.blank(width, self.rich_style)
            strip = self._row_strip(self._keys[index], index)
        scroll_x = int(self.scroll_x)
        if scroll_x or strip.cell_length > width:
            strip = strip.crop(scroll_x, scroll_x + width)
        return strip

    def _header_strip(self) -> Strip:
        if self._header is None:
            style = self.rich_style + self._style("live-table--header")
            cells = [[Segment(column.label.plain)] for column in self.columns.values()]
            self._header = self._strip(self._padded(cells, self.columns.values()), style, None)
        return self._header

    def _row_strip(self, key: str, index: int) -> Strip:
        cursor = index == self.cursor_row
        hover = index == self._hover and not cursor
        stripe = index % 2 if self.zebra_stripes else 1
        drawn = self._lines.setdefault(key, {})
        found = drawn.get((stripe, cursor, hover))
        if found is not None:
            return found
        style = self.rich_style
        if self.zebra_stripes:
            style += self._style("live-table--odd-row" if stripe else "live-table--even-row")
        if hover:
            style += self._style("live-table--hover")
        post = None
        if cursor:
            cursor_style = self._style("live-table--cursor")
            style += cursor_style
            post = Style(color=cursor_style.color)  # the cursor's colour wins; backgrounds not
        content = self._content.get(key)
        if content is None:
            content = self._content[key] = self._draw_cells(self._cells[key])
        strip = drawn[(stripe, cursor, hover)] = self._strip(content, style, post)
        return strip

    def _draw_cells(self, cells: Sequence[Cell]) -> list[Segment]:
        drawn = []
        for cell, column in zip(cells, self.columns.values(), strict=True):
            text = _one_line(cell)
            if text.cell_len > column.width:
                text.truncate(column.width, overflow="ellipsis")
            drawn.append(self._segments(text))
        return self._padded(drawn, self.columns.values())

    def _segments(self, text: Text) -> list[Segment]:
        """A one-line Text's segments, in its own style (Text.render leaves a Text's style
        out when it has no spans)."""
        console = self.app.console
        if text.spans:
            return list(text.render(console, end=""))
        style = console.get_style(text.style) if text.style else None
        return [Segment(text.plain, style)]

    def _padded(self, cells: Iterable[list[Segment]], columns: Iterable[Column]) -> list[Segment]:
        pad = Segment(" " * self.cell_padding)
        line: list[Segment] = []
        for segments, column in zip(cells, columns, strict=True):
            line.append(pad)
            line.extend(Segment.adjust_line_length(segments, column.width))
            line.append(pad)
        return line

    def _strip(self, content: list[Segment], style: Style, post: Style | None) -> Strip:
        width = max(self._width, self.virtual_size.width)
        segments = list(Segment.apply_style(content, style, post))
        return Strip(segments).extend_cell_length(width, style).simplify()

    def _style(self, component: str) -> Style:
        found = self._styles.get(component)
        if found is None:
            found = self._styles[component] = self.get_component_rich_style(component)
        return found

    # -- what to draw again --------------------------------------------------

    def _changed(self, key: str) -> None:
        self._content.pop(key, None)
        self._lines.pop(key, None)

    def _forget(self) -> None:
        """Everything is drawn again (new columns, widths, focus or theme)."""
        self._content.clear()
        self._lines.clear()
        self._styles.clear()
        self._header = None
        self._resize_virtual()
        self.refresh()

    def _resize_virtual(self) -> None:
        padding = 2 * self.cell_padding
        width = sum(column.width + padding for column in self.columns.values())
        size = Size(width, len(self._keys) + 1)
        if size != self.virtual_size:
            self.virtual_size = size

    def _looks(self) -> list[tuple[str, bool]]:
        """What each row's line shows: its key, and whether it was drawn since."""
        return [(key, key in self._content) for key in self._keys]

    def _refresh_changed(self, before: list[tuple[str, bool]]) -> None:
        after = self._looks()
        for index in range(max(len(before), len(after))):
            was = before[index] if index < len(before) else None
            now = after[index] if index < len(after) else None
            if was is None or now is None or was[0] != now[0] or not now[1]:
                self._refresh_index(index)

    def _refresh_index(self, index: int | None) -> None:
        if index is None:
            return
        y = index + 1 - int(self.scroll_y)
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # -- the cursor and the mouse --------------------------------------------

    def _set_cursor(self, index: int) -> None:
        old = self.cursor_row
        self.cursor_row = index
        if old != index:
            self._refresh_index(old)
            self._refresh_index(index)
        self._scroll_into_view(index)

    def _set_hover(self, index: int | None) -> None:
        if index != self._hover:
            old, self._hover = self._hover, index
            self._refresh_index(old)
            self._refresh_index(index)

    def _row_at(self, event: events.MouseEvent) -> int | None:
        """The index of the row under the mouse; None on the header or below the rows."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return None
        index = int(self.scroll_y) + offset.y - 1  # the header is the first line
        return index if 0 <= index < len(self._keys) else None

    def _page(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _turn_page(self, rows: int) -> None:
        """The view a page on, and the cursor with it (as Page Down turns a page)."""
        self.scroll_to(y=self.scroll_y + rows, animate=False, force=True)
        self.move_cursor(row=self.cursor_row + rows)

    def _scroll_into_view(self, index: int) -> None:
        height = self.scrollable_content_region.height
        if height < 2:
            return
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, force=True)
        elif index > top + height - 2:
            self.scroll_to(y=index - height + 2, animate=False, force=True)


def _one_line(cell: Cell) -> Text:
    """A cell as a Text of one line, control characters shown as spaces: a line break or a
    tab in a name from another system must not break the board's line (a copy: the cell
    as given is kept as it is)."""
    text = Text(cell, end="") if isinstance(cell, str) else cell.copy()
    if CONTROLS.search(text.plain):
        text.plain = CONTROLS.sub(" ", text.plain)  # as long as before: its spans still fit
    return text


def _same_cells(before: Sequence[Cell] | None, after: Sequence[Cell]) -> bool:
    """Whether two rows' cells draw the same (rich's Text equality leaves out the Text's
    own style: a clock turning from warning to alert would not be drawn again)."""
    if before is None or len(before) != len(after):
        return False
    for old, new in zip(before, after, strict=True):
        if isinstance(old, Text) and isinstance(new, Text):
            if old != new or old.style != new.style:
                return False
        elif old != new:
            return False
    return True
