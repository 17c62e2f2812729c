"""Shopping quantities in what you buy, worked out by hand."""

from __future__ import annotations

import pytest

from planner.food.catalogue import amount_text
from planner.meals.shopping import purchase_quantity


@pytest.mark.parametrize(("grams", "unit", "unit_grams", "roles", "form", "expected"), [
    (540.0, "dozen", 600.0, {"egg_dish"}, "", ("1 dozen", "11 eggs")),
    (660.0, "dozen", 600.0, {"egg_dish"}, "", ("2 dozen", "13 eggs")),
    (2440.0, "half-gallon", 1952.0, {"milk_drink"}, "", ("2 half-gallons", "10 cups")),
    (300.0, "can (15 oz)", 255.0, {"main"}, "", ("2 cans (15 oz)", "300 g")),
    (250.0, "can (15 oz)", 255.0, {"main"}, "", ("1 can (15 oz)", "250 g")),  # 2 % short: 1
    (500.0, "lb", 454.0, {"main"}, "raw", ("1¼ lb", "500 g raw")),
    (350.0, "each", 118.0, {"fruit"}, "", ("3", "350 g")),
    (218.0, "bag (2 lb)", 907.0, {"grain"}, "dry", ("1 bag (2 lb)", "218 g dry")),
    (1200.0, "bunch", 340.0, {"leafy_green"}, "", ("4 bunches", "1.2 kg")),
    (244.0, "quart", 976.0, {"milk_drink"}, "", ("1 quart", "1 cup")),  # not "1 cups"
    (122.0, "half-gallon", 1952.0, {"juice"}, "", ("1 half-gallon", "½ cup")),
])
def test_purchase_quantity(grams: float, unit: str, unit_grams: float, roles: set[str],
                           form: str, expected: tuple[str, str]) -> None:
    assert purchase_quantity(grams, unit, unit_grams, roles, form) == expected


@pytest.mark.parametrize(("value", "text"), [(1, "1"), (0.5, "½"), (1.25, "1¼"), (2.75, "2¾"),
                                             (1 / 3, "⅓"), (5 / 3, "1⅔"), (0.999999, "1")])
def test_amount_text(value: float, text: str) -> None:
    assert amount_text(value) == text
