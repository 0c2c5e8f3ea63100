"""The weekly report: one stats week of the practice, for the owner, in Markdown, HTML or CSV.

A week is the stats week (stats.weeks.StatWeeks), named by the local day it ends on; any day
of it names it (the week the day's first moment falls in). By default: the last week
that has ended. The report holds, for that week:

- every active stat, in the stat board's order: this week's value, last week's, the
  change, the condition (the manager's override if there is one, else the computed one)
  and the last 13 weeks as a small graph (inline SVG in HTML, a text sparkline in
  Markdown and CSV); up always means better;
- the flow's figures counted from the visit events: visits, new patients, the average
  wait (arrived → roomed) and no-shows, each beside the week before;
- per person: checklist items due that week and how they ended (hat compliance), and
  the orders due that week, done on time ÷ due;
- orders reported done during the week, and orders overdue at the week's end;
- the active programs: steps done by the week's end ÷ steps, steps done that week,
  steps overdue at its end;
- the items decided on the communication line during the week (by the manager or the owner).

A week still in progress is reported "so far" (up to the clock's now); a week that has
not begun is refused. A week in which nothing was recorded — no stat value, no visit
event, no checklist item due, no order due, done or overdue, no program step done, no
item decided — gives a short report that says so, not an error.

The same database and clock give the same bytes: no "generated at", every list in a
stable order. The file is written whole or not at all (a private temporary file beside
it, renamed over it), readable by its owner only (0600); writing one is noted in the
audit trail, since the practice's figures and the line's items leave the app in it.

Its parts: what it holds (contents.py), gathering a week (gathering.py), its words and
numbers (words.py), the three formats (as_markdown.py, as_html.py, as_csv.py), and
writing the file (writing.py).
"""
