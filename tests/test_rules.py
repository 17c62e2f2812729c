"""Meal and food-group rules read from their tables, with hand-checked answers."""

from __future__ import annotations

import pytest

from planner.meals.rules import (
    allowed_levels,
    load_rules,
    meal_problems,
    rule_bounds,
)


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    return load_rules()


def test_pattern_is_the_level_nearest_the_requirement(rules) -> None:  # type: ignore[no-untyped-def]
    assert rules.pattern_for(2035, "omnivore").kcal == 2000
    assert rules.pattern_for(2100, "omnivore").kcal == 2200  # a tie goes up
    assert rules.pattern_for(1400, "omnivore").kcal == 1600  # children's levels not used
    assert rules.pattern_for(4000, "omnivore").kcal == 3200
    vegetarian = rules.pattern_for(2000, "vegan")
    assert vegetarian.name == "vegetarian" and vegetarian.daily("grains") == 6.5
    us = rules.pattern_for(2000, "omnivore")
    # DGA Table A3-1 at 2,000 kcal: 2.5 cup-eq vegetables, 2 fruit, 6 grains (3 whole),
    # 3 dairy, 5.5 protein; 1.5 cup-eq dark green and 8 oz-eq seafood a week
    assert (us.daily("vegetables"), us.daily("fruits"), us.daily("grains"),
            us.daily("grains_whole"), us.daily("dairy"), us.daily("protein")) == \
        (2.5, 2.0, 6.0, 3.0, 3.0, 5.5)
    assert us.weekly("veg_dark_green") == 1.5 and us.weekly("protein_seafood") == 8
    assert us.daily("protein_seafood") == pytest.approx(8 / 7)
    assert "Table A3-1" in us.source and "Table A3-3" in vegetarian.source


def test_rule_bounds_scale_the_pattern(rules) -> None:  # type: ignore[no-untyped-def]
    us = rules.pattern_for(2000, "omnivore")
    by = {(r.measure, r.basis): r for r in rules.days}
    assert rule_bounds(by["vegetables", "day"], us) == (2.5, None)
    # vegetables other than beans: 2.5 less the beans subgroup's daily share (1.5 / 7)
    low, high = rule_bounds(by["vegetables_not_beans", "day"], us)  # type: ignore[misc]
    assert low == pytest.approx(2.5 - 1.5 / 7) and high is None
    assert rule_bounds(by["grains", "day"], us) == pytest.approx((4.8, 7.5))
    assert rule_bounds(by["protein", "day"], us) == (None, pytest.approx(8.25))
    assert rule_bounds(by["protein_seafood", "week"], us) == (8.0, 16.0)
    assert rule_bounds(by["milk_drink_cups", "day"], us) == (None, 3.0)
    vegetarian = rules.pattern_for(2000, "vegetarian")
    assert rule_bounds(by["protein_seafood", "week"], vegetarian) is None  # no seafood


@pytest.mark.parametrize(("step", "most", "oz", "portion", "levels"), [
    (1 / 3, 2, 3.0, (3, 6), [3, 4, 5, 6]),  # a 3 oz measure in 1 oz steps: 3-6 oz
    (1 / 3, 2, 3.0, (2, 4), [2, 3, 4]),  # a child: 2-4 oz
    (0.5, 2, 4.09, (2, 4), [1, 2]),  # chicken thighs: half (2 oz) or one (4.1 oz, within slack)
    (0.25, 1.5, 4.0, (3, 6), [3, 4, 5, 6]),  # beans, 1/4 cup = 1 oz-eq: 3/4 to 1 1/2 cups
    (1, 2, 1.5, (3, 6), [2]),  # veggie burgers of 1.5 oz-eq: two
    (0.5, 1, 0.0, None, [1, 2]),  # a side dish: any level up to the maximum
])
def test_allowed_levels_follow_the_portion_range(step: float, most: float, oz: float,
                                                 portion: tuple[float, float] | None,
                                                 levels: list[int]) -> None:
    assert allowed_levels(step, most, oz, portion) == levels


def test_portion_ranges_by_age_and_energy(rules) -> None:  # type: ignore[no-untyped-def]
    assert rules.portion_range("main", 10, 1800) == (2, 3)
    assert rules.portion_range("main", 10, 2200) == (2, 4)
    assert rules.portion_range("main", 35, 1900) == (3, 4)
    assert rules.portion_range("main", 35, 3000) == (3, 6)
    assert rules.portion_range("vegetable", 35, 2000) is None


@pytest.mark.parametrize(("slot", "roles", "broken"), [
    ("breakfast", ["cold_cereal", "milk_drink", "fruit"], []),
    ("breakfast", ["cold_cereal", "hot_cereal", "milk_drink", "fruit"], ["cereal"]),
    ("breakfast", ["cold_cereal", "juice", "fruit"], ["cold cereal always comes"]),
    # what a breakfast must hold is its dish's (dishes.csv); the rules forbid what no dish
    # can say, such as a spread with nothing to spread it on
    ("breakfast", ["nuts_seeds", "spread", "fruit", "milk_drink"], ["goes on toast"]),
    ("lunch", ["main", "grain", "bread", "vegetable"], ["one grain"]),
    ("dinner", ["main", "main", "vegetable"], ["one main"]),
    ("dinner", ["main", "grain", "vegetable", "leafy_green", "vegetable"], ["two vegetables"]),
    ("snack", ["yogurt", "yogurt"], ["never two yogurts"]),
    ("lunch", ["main", "vegetable", "oil"], []),
    ("dinner", ["main", "vegetable", "egg_dish", "egg_dish"], ["egg dishes"]),
])
def test_meal_problems(rules, slot: str, roles: list[str], broken: list[str]  # type: ignore[no-untyped-def]
                       ) -> None:
    problems = meal_problems(slot, roles, rules.meals)
    assert bool(problems) == bool(broken), problems
    for words in broken:
        assert any(words in p for p in problems), (words, problems)
