"""A tree whose labels end in "…" where the pane ends, instead of running off its edge."""

from __future__ import annotations

from typing import TypeVar

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

NodeData = TypeVar("NodeData")


class FittingTree(Tree[NodeData]):
    """Each label cut to the width its line has left after the guides: a long name
    shows where it was cut, and the tree never scrolls sideways."""

    def render_label(self, node: TreeNode[NodeData], base_style: Style, style: Style) -> Text:
        label = super().render_label(node, base_style, style)
        room = self.scrollable_content_region.width - self._indent(node)
        if room > 0 and label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        return label

    def _indent(self, node: TreeNode[NodeData]) -> int:
        """The guides' width before the node's label (the root hidden or not)."""
        depth = 0
        parent = node.parent
        while parent is not None:
            depth += 1
            parent = parent.parent
        if not self.show_root:
            depth -= 1
        return max(0, depth) * self.guide_depth
