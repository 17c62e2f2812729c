"""Today's share of a week-level amount, worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planner.planning.quotas import Quota, capacity, quota


def test_the_first_day_keeps_an_even_pace_and_needs_nothing_hard() -> None:
    # 7 cup-eq in 7 days, a day holds up to 3: day 1's even share is 1 (soft); the six
    # days after could bring 18, so nothing is hard yet; at most 14 in all, 2 a day paced
    share = quota(7.0, 14.0, 0.0, 1, 7, 3.0)
    assert share == Quota(need=None, pace=pytest.approx(1.0), room=14.0,
                          pace_max=pytest.approx(2.0))


def test_a_day_behind_must_bring_what_the_days_after_cannot() -> None:
    # Day 5 of 7 with 1 of 7 cup-eq so far: 6 remain, the two days after bring at most 2
    # each (4), so day 5 must bring 2 (hard); its even pace is 7 x 5/7 - 1 = 4 (soft)
    share = quota(7.0, None, 1.0, 5, 7, 2.0)
    assert share.need == pytest.approx(2.0)
    assert share.pace == pytest.approx(4.0)
    assert share.room is None and share.pace_max is None


def test_the_last_day_brings_whatever_remains() -> None:
    share = quota(8.0, 16.0, 5.5, 7, 7, 6.0)
    assert share.need == pytest.approx(2.5)  # hard: no day comes after
    assert share.pace is None  # the even share is the need itself
    assert share.room == pytest.approx(10.5)


def test_a_day_ahead_of_pace_has_nothing_to_keep() -> None:
    # 6 oz of seafood by day 2 of a week that needs 8: the pace (8 x 2/7 = 2.3) is met
    share = quota(8.0, 12.0, 6.0, 2, 7, 6.0)
    assert share.need is None and share.pace is None
    assert share.room == pytest.approx(6.0)
    assert share.pace_max == 0.0  # the room paced (12 x 2/7 = 3.4) is taken: none today


def test_a_week_already_over_its_maximum_leaves_no_room() -> None:
    assert quota(None, 3.0, 4.0, 3, 7, 2.0) == Quota(room=0.0, pace_max=None)


def test_without_a_known_capacity_only_the_last_day_is_hard() -> None:
    assert quota(7.0, None, 0.0, 6, 7, math.inf).need is None
    assert quota(7.0, None, 0.0, 7, 7, math.inf).need == pytest.approx(7.0)


def test_capacity_takes_the_richest_foods_of_each_meal_at_their_largest_portion() -> None:
    # foods: amount per unit and most units; breakfast may hold foods 0-2, dinner 2-3
    per_unit = np.array([1.0, 0.5, 2.0, 0.25])
    most = np.array([2, 4, 1, 4])  # largest portions: 2, 2, 2, 1
    slots = [np.array([0, 1, 2]), np.array([2, 3])]
    assert capacity(per_unit, most, slots) == pytest.approx((2 + 2) + (2 + 1))
    assert capacity(per_unit, most, slots, per_slot=1) == pytest.approx(2 + 2)
    assert capacity(per_unit, most, slots, cap=5.0) == pytest.approx(5.0)
    assert capacity(per_unit, most, [np.array([], dtype=int)]) == 0.0
