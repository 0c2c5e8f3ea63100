"""Orders and programs: what the owner and the manager order, and how it gets done.

The service is assembled from its parts: due days typed (due.py), what the screens read
(views.py), who may (base.py), programs (programs.py), reading orders and their
compliance (reading.py), and the changes an order goes through (writing.py).

An order goes to one person, or to a post (then any of its holders answers it). It is
due by a day, and by a time that day if one is given, else by the end of the day: that
is its deadline. It is open until the assignee reports it done, with a note; the one
who gave it (or a manager) then accepts it — done — or sends it back, open again, with
a note. It can be cancelled while not done, and given to someone else while open (its
person has left, say). Overdue is not stored: an open order whose deadline has passed.
Chasing one keeps a count and the time of the last chase.

Compliance, per person, over a window of days = orders done on time ÷ orders due:

- an order counts in the window that holds its due day, once its deadline has passed
  (or once reported done, even early); a cancelled order does not count;
- on time = reported done at or before its deadline (and not sent back since);
- an order to a post is owed by each person holding the post on its due day.

A program is a named goal of the owner, reached by ordered steps (targets), each with
an assignee (a person or a post) and a due day. Progress = steps done ÷ steps.

Two terminals answering one order at once: every change of state is a conditional
UPDATE (… WHERE status = 'open'); the one that finds the order already moved on is
refused with what happened, and nothing of it is written.
"""

from __future__ import annotations

from om_tui.practice.owner.orders.writing import OrderWrites


class Orders(OrderWrites):
    """The practice's orders and programs, acted on in the name of `staff_id`."""
