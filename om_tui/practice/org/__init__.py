"""The organization: the org board (divisions → departments → posts), hiring, and leaving.

Modules of one idea each: `access` (who may change it), `structure` (reshaping the
board), `rollup` (what a department and a division add up to), `board` (the board as
it reads today), `export` (the board as Markdown or a printable HTML chart), `hiring`
(openings, candidates, their steps, the hire), `leaving` (a guided off-boarding).
"""
