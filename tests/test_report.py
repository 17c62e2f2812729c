"""Rendering: the food log's day totals (unknown energy is not zero)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from planner.food.data import FoodTable
from planner.log.foodlog import Entry
from planner.output.report import format_log

DAY = dt.date(2026, 11, 27)


def _entry(number: int, food_id: str, grams: float) -> Entry:
    return Entry(number, DAY, "lunch", food_id, food_id, grams, f"{grams:g} g", "", "")


def _table(energy: dict[str, float]) -> FoodTable:
    foods = pd.DataFrame({"energy_kcal": energy}, dtype=float)
    return FoodTable(foods=foods, portions=pd.DataFrame())


def test_a_day_with_an_unknown_energy_is_at_least_its_known_part() -> None:
    table = _table({"a": 200.0, "b": np.nan})  # kcal per 100 g; b not reported
    text = format_log([_entry(1, "a", 150), _entry(2, "b", 100)], table)
    assert "2026-11-27 (2 entries, at least 300 kcal)" in text  # 1.5 x 200, b unknown
    rows = {line.split()[0]: line.split()[-1] for line in text.splitlines()
            if line.startswith("#")}
    assert rows == {"#1": "kcal", "#2": "?"}
    assert "300 kcal" in next(line for line in text.splitlines() if line.startswith("#1"))
    known = format_log([_entry(1, "a", 150)], table)
    assert "2026-11-27 (1 entry, about 300 kcal)" in known


def test_a_food_missing_from_the_table_is_unknown_too() -> None:
    table = _table({"a": 200.0})
    text = format_log([_entry(1, "a", 50), _entry(2, "zz", 80)], table)
    assert "at least 100 kcal" in text

