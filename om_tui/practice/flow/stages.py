"""A visit's stages: the main line through the office, the side exits, their labels;
and the refusals of the flow.
"""

from __future__ import annotations

import datetime as dt

from db.models import (
    Stage,
)
from om_tui.practice.refusal import Refusal

MAIN_LINE: tuple[Stage, ...] = (
    Stage.SCHEDULED,
    Stage.ARRIVED,
    Stage.ROOMED,
    Stage.WITH_PROVIDER,
    Stage.CHECKOUT,
    Stage.DONE,
)


SIDE_EXITS: tuple[Stage, ...] = (Stage.NO_SHOW, Stage.CANCELLED, Stage.LEFT)


IN_OFFICE = frozenset({Stage.ARRIVED, Stage.ROOMED, Stage.WITH_PROVIDER, Stage.CHECKOUT})


FINISHED = frozenset({Stage.DONE, *SIDE_EXITS})


STAGE_LABELS: dict[Stage, str] = {
    Stage.SCHEDULED: "Scheduled",
    Stage.ARRIVED: "Arrived",
    Stage.ROOMED: "Roomed",
    Stage.WITH_PROVIDER: "With provider",
    Stage.CHECKOUT: "Checkout",
    Stage.DONE: "Done",
    Stage.NO_SHOW: "No-show",
    Stage.CANCELLED: "Cancelled",
    Stage.LEFT: "Left unseen",
}


class FlowError(Refusal):
    """A move that cannot be made; the message is fit for the front desk."""


class NothingChanged(FlowError):
    """The change asked for is how things already stand: nothing is recorded."""


class StaleVisit(FlowError):
    """The visit changed on another terminal since this one last saw it."""


_TICK = dt.timedelta(microseconds=1)


_ROOM_HELD = frozenset({Stage.ROOMED, Stage.WITH_PROVIDER})


_ROOM_SHOWN = _ROOM_HELD | {Stage.ARRIVED}  # a waiting patient may be told their room
