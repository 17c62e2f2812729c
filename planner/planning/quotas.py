"""Week-level amounts spread over the days before the days are planned.

Some rules hold for a block of days, not for each day: the week's vegetable subgroups,
seafood, dark greens at least and at most, leafy greens on 3 days; vitamin D and B12 on
the average. Planned one day at a time, a week would otherwise find out on its last day
what it needed all along. Each day is instead given its share of every such amount, in
today's units, from what the block still needs, how many days are left and the most one
day can hold (its *capacity*, from the foods the person may eat):

* ``need`` (hard): what the days after today could not make up even at capacity, so today
  must bring it: ``remaining - later days x capacity``;
* ``pace`` (soft): today's even share of what is left, so the amount comes evenly rather
  than all on the last day: the block's amount through today (``total x day / days``)
  less what the days before brought;
* ``room`` (hard): what is left of the block's maximum;
* ``pace_max`` (soft, and cheaper than a pace toward a minimum): today's even share of
  the maximum, so that no early day takes the room of the days after.

These are the solution of the week's linear program with one variable per day and amount
(spread each amount as evenly as the days' capacity allows), which has this closed form
because the days are alike; no solver runs. Each is recomputed before every day from
what the days already planned brought, so a day that falls behind its pace leaves the
rest to the days after, and the last day's share is whatever remains.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

#: A soft pace toward a minimum costs this share of a target's penalty per relative miss:
#: far above any preference, so a day keeps its pace where it can, but below a real
#: target's, so a pace never costs a day a target it could meet.
PACE_WEIGHT: Final = 0.1
#: A soft pace under a maximum costs less, about as much as a day's preferences: it only
#: spreads an amount (a day may take a whole serving of fish or a big salad of greens, so
#: long as the room left lets the days after have theirs).
PACE_MAX_WEIGHT: Final = 0.01


@dataclass(frozen=True)
class Quota:
    """Today's share of one week-level amount (see the module docstring): ``need`` and
    ``room`` are hard, ``pace`` and ``pace_max`` soft; None where there is no such bound
    (or nothing is needed)."""

    need: float | None = None
    pace: float | None = None
    room: float | None = None
    pace_max: float | None = None


def quota(lo: float | None, hi: float | None, so_far: float, day: int, days: int,
          capacity: float) -> Quota:
    """Today's share of an amount the ``days`` of a block must bring in all: at least
    ``lo`` and at most ``hi`` (None: no such bound), of which the days before today
    brought ``so_far``; today is day ``day`` (1-based) of the block; one day holds at most
    ``capacity``."""
    later = days - day
    need = pace = room = pace_max = None
    if lo is not None:
        remaining = lo - so_far
        hard = remaining - later * capacity if math.isfinite(capacity) else \
            (remaining if later == 0 else 0.0)
        need = hard if hard > 1e-9 else None
        even = lo * day / days - so_far
        pace = even if even > 1e-9 and (need is None or even > need + 1e-9) else None
    if hi is not None:
        room = max(0.0, hi - so_far)
        even = max(0.0, hi * day / days - so_far)
        pace_max = even if even < room - 1e-9 else None
    return Quota(need, pace, room, pace_max)


def capacity(per_unit: np.ndarray, most_units: np.ndarray, slots: Sequence[np.ndarray],
             per_slot: int = 2, cap: float = math.inf) -> float:
    """The most of an amount one day can hold, generously: in each meal, the
    ``per_slot`` foods richest in it at their largest portion (``per_unit`` x
    ``most_units``; ``slots``: per meal, the rows that may be eaten there), at most
    ``cap`` (a daily limit). An over-estimate is safe: it only makes ``need`` bind later."""
    amount = np.asarray(per_unit, dtype=float) * np.asarray(most_units, dtype=float)
    total = 0.0
    for rows in slots:
        if len(rows):
            total += float(np.sort(amount[rows])[::-1][:per_slot].clip(min=0.0).sum())
    return min(total, cap)
