"""The organization: the org board (divisions → departments → posts), hiring, and leaving.

Modules of one idea each: `access` (who may change it), `structure` (reshaping the
board), `rollup` (what a department and a division add up to), `board` (the board as
it reads today), `export` (the board as Markdown or a printable HTML chart), `hiring`
(openings, candidates, their steps, the hire), `hiring_counts` (the week's hiring
figures, the 90-day evaluations due), `leaving` (a guided off-boarding), `ssh_keys` (a
leaving person's authorized_keys lines), `demo` (the demo practice's organization).
"""
