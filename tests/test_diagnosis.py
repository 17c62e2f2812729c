"""Grouping a plan's misses: hand-made days, answers worked out by hand."""

from __future__ import annotations

import pytest

from planner.food.nutrients import NUTRIENT_NAMES
from planner.planning.diagnosis import group_shortfalls
from planner.planning.records import DayPlan, PlanOptions


def _day(number: int, **amounts: float) -> DayPlan:
    totals = dict.fromkeys(NUTRIENT_NAMES, 0.0)
    totals.update(amounts)
    return DayPlan(number, (), totals, {})


def test_a_block_whose_mean_energy_misses_the_week_tolerance_is_a_miss() -> None:
    # EER 2,000 kcal, +-3 %: a one-day plan of 1,900 kcal meets a 10 % day band yet its
    # block's mean is 40 kcal under 1,940; a week of 2,000 then 1,900 x 6 (mean 1,914) is
    # 26 kcal under, and 2,100 x 7 is 40 over 2,060
    options = PlanOptions(days=1)
    (miss,) = group_shortfalls([], {}, [_day(1, energy_kcal=1900.0)], options, 2000.0)
    assert (miss.nutrient, miss.bound, miss.days) == ("energy_kcal", "min", ())
    assert miss.target == pytest.approx(1940.0) and miss.amount == pytest.approx(40.0)
    week = PlanOptions(days=7)
    days = [_day(1, energy_kcal=2000.0)] + [_day(d, energy_kcal=1900.0) for d in range(2, 8)]
    (miss,) = group_shortfalls([], {}, days, week, 2000.0)
    assert miss.amount == pytest.approx(1940.0 - (2000.0 + 6 * 1900.0) / 7)
    (miss,) = group_shortfalls([], {}, [_day(d, energy_kcal=2100.0) for d in range(1, 8)],
                               week, 2000.0)
    assert miss.bound == "max" and miss.target == pytest.approx(2060.0)
    assert miss.amount == pytest.approx(40.0)
    # within the tolerance, or without an EER: nothing
    assert group_shortfalls([], {}, [_day(1, energy_kcal=1950.0)], options, 2000.0) == []
    assert group_shortfalls([], {}, [_day(1, energy_kcal=1000.0)], options) == []


def test_a_plan_whose_every_day_misses_its_energy_band_says_energy_once() -> None:
    # a one-day plan of 1,500 kcal under a band floor of 1,800 (EER 2,000): the day's miss
    # of 300 kcal is the energy line; its block's mean (440 under 1,940) is not another
    options = PlanOptions(days=1)
    day = [("energy_kcal", "min", 1, 300.0, 1800.0)]
    (miss,) = group_shortfalls(day, {}, [_day(1, energy_kcal=1500.0)], options, 2000.0)
    assert (miss.bound, miss.days, miss.amount) == ("min", (1,), pytest.approx(300.0))
    # a week whose days 2-7 miss the band and day 1 does not: both lines (the mean is
    # off by more than the days' own misses say)
    week = PlanOptions(days=7)
    days = [_day(1, energy_kcal=1900.0)] + [_day(d, energy_kcal=1700.0) for d in range(2, 8)]
    misses = [("energy_kcal", "min", d, 100.0, 1800.0) for d in range(2, 8)]
    out = group_shortfalls(misses, {}, days, week, 2000.0)
    assert sorted(m.days for m in out) == [(), (2, 3, 4, 5, 6, 7)]
    assert next(m for m in out if not m.days).amount == \
        pytest.approx(1940.0 - (1900.0 + 6 * 1700.0) / 7)
