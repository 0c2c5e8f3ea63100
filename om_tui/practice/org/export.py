"""The org board on paper: Markdown for a message, HTML printed as a chart (A4 landscape).

The same board the screen reads (`read_board`): each division a column, its departments
boxes in it, each post with its holders or VACANT (and who covers it), its product, and
its stats' conditions as letters — readable in black and white, coloured where printed
in colour. No patient data is on it; staff names are.
"""

from __future__ import annotations

import html

from om_tui.practice import time_words
from om_tui.practice.org.board import OrgBoard, PostLine
from om_tui.practice.org.rollup import Rollup
from om_tui.practice.stats.conditions import CONDITION_LABELS, Condition

MARKS = {
    Condition.NON_EXISTENCE: "X",
    Condition.DANGER: "D",
    Condition.EMERGENCY: "E",
    Condition.NORMAL: "N",
    Condition.AFFLUENCE: "A",
    Condition.POWER: "P",
}
LEGEND = " · ".join(f"{MARKS[c]} {CONDITION_LABELS[c]}" for c in reversed(Condition))


def mark(condition: Condition | None) -> str:
    return MARKS[condition] if condition is not None else "·"


def _summary(rollup: Rollup) -> str:
    posts = f"{rollup.posts} post{'' if rollup.posts == 1 else 's'}"
    vacant = f", {rollup.vacant} vacant" if rollup.vacant else ""
    worst = f", worst {CONDITION_LABELS[rollup.worst]}" if rollup.worst else ""
    return posts + vacant + worst


def _who(post: PostLine) -> str:
    who = ", ".join(post.holders) if post.holders else f"VACANT (covered by {post.cover})"
    return who + (" · hiring" if post.hiring else "")


def as_markdown(board: OrgBoard, practice: str) -> str:
    lines = [
        f"# {practice}: org board",
        "",
        f"{time_words.day_text(board.today, year=True)} · "
        f"conditions of the week to {time_words.day_text(board.week)} · "
        f"{_summary(board.rollup)}",
        "",
        f"Conditions: {LEGEND}",
    ]

    def post_lines(posts: tuple[PostLine, ...]) -> None:
        for post in posts:
            lines.append(f"- [{mark(post.rollup.worst)}] **{post.title}**: {_who(post)}")
            if post.product:
                lines.append(f"  - Product: {post.product}")
            for stat in post.stats:
                lines.append(f"  - [{mark(stat.condition)}] {stat.name}")

    for division in board.divisions:
        lines += ["", f"## [{mark(division.rollup.worst)}] {division.name}"]
        lines.append(f"{_summary(division.rollup)}")
        if division.product:
            lines.append(f"Product: {division.product}")
        for department in division.departments:
            lines += ["", f"### [{mark(department.rollup.worst)}] {department.name}"]
            lines.append(f"{_summary(department.rollup)}")
            if department.product:
                lines.append(f"Product: {department.product}")
            lines.append("")
            post_lines(department.posts)
    if board.unplaced:
        lines += ["", "## Not placed", ""]
        post_lines(board.unplaced)
    return "\n".join(lines) + "\n"


_STYLE = """
@page { size: A4 landscape; margin: 10mm; }
body { font: 9pt/1.3 system-ui, sans-serif; color: #000; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 2mm; }
.meta { margin: 0 0 4mm; color: #333; }
.chart { display: flex; gap: 3mm; align-items: flex-start; }
.division { flex: 1; border: 0.6pt solid #000; padding: 2mm; break-inside: avoid; }
.division > h2 { font-size: 11pt; margin: 0 0 1mm; }
.department { border: 0.4pt solid #666; margin-top: 2mm; padding: 1.5mm; }
.department > h3 { font-size: 10pt; margin: 0 0 1mm; }
.sum, .product { color: #333; font-size: 8pt; }
ul { margin: 1mm 0 0; padding-left: 4mm; }
li { margin-bottom: 1mm; }
.vacant { font-weight: bold; text-decoration: underline; }
.mark { font-family: monospace; font-weight: bold; border: 0.4pt solid #000; padding: 0 0.5mm; }
.c-non_existence, .c-danger { color: #b00020; }
.c-emergency { color: #b35c00; }
.c-affluence { color: #1b7a1b; }
.c-power { color: #1a4fa0; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _mark_html(condition: Condition | None) -> str:
    css = f" c-{condition.value}" if condition is not None else ""
    title = CONDITION_LABELS[condition] if condition is not None else "no condition yet"
    return f'<span class="mark{css}" title="{_e(title)}">{mark(condition)}</span>'


def _posts_html(posts: tuple[PostLine, ...]) -> str:
    items = []
    for post in posts:
        who = (
            _e(", ".join(post.holders))
            if post.holders
            else f'<span class="vacant">VACANT</span> (covered by {_e(post.cover)})'
        )
        stats = "".join(f" {_mark_html(s.condition)} {_e(s.name)}" for s in post.stats)
        product = f'<div class="product">{_e(post.product)}</div>' if post.product else ""
        stats_line = f'<div class="sum">{stats}</div>' if stats else ""
        items.append(
            f"<li>{_mark_html(post.rollup.worst)} <b>{_e(post.title)}</b>: {who}"
            f"{product}{stats_line}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def as_html(board: OrgBoard, practice: str) -> str:
    columns = []
    for division in board.divisions:
        departments = "".join(
            f'<div class="department"><h3>{_mark_html(d.rollup.worst)} {_e(d.name)}</h3>'
            f'<div class="sum">{_e(_summary(d.rollup))}</div>'
            + (f'<div class="product">{_e(d.product)}</div>' if d.product else "")
            + f"{_posts_html(d.posts)}</div>"
            for d in division.departments
        )
        columns.append(
            f'<section class="division"><h2>{_mark_html(division.rollup.worst)} '
            f"{_e(division.name)}</h2>"
            f'<div class="sum">{_e(_summary(division.rollup))}</div>'
            + (f'<div class="product">{_e(division.product)}</div>' if division.product else "")
            + f"{departments}</section>"
        )
    if board.unplaced:
        columns.append(
            f'<section class="division"><h2>Not placed</h2>{_posts_html(board.unplaced)}</section>'
        )
    meta = (
        f"{time_words.day_text(board.today, year=True)} · "
        f"conditions of the week to {time_words.day_text(board.week)} · "
        f"{_summary(board.rollup)} · {LEGEND}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(practice)}: org board</title><style>{_STYLE}</style></head><body>"
        f'<h1>{_e(practice)}: org board</h1><p class="meta">{_e(meta)}</p>'
        f'<div class="chart">{"".join(columns)}</div></body></html>\n'
    )
