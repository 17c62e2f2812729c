"""Meal and food-group rules read from their tables, with hand-checked answers."""

from __future__ import annotations

import pytest

from planner.meals.rules import (
    FISH_CHOICES,
    FISH_SOURCE,
    allowed_levels,
    fish_group,
    fish_note,
    fish_problems,
    fish_rules,
    fish_serving_oz,
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
    by = {(r.measure, r.basis): r for r in rules.days
          if not r.applies.startswith(("fish_advice", "fish_dga_older"))}
    assert rule_bounds(by["vegetables", "day"], us) == (2.5, None)
    # vegetables other than beans: 2.5 less the beans subgroup's daily share (1.5 / 7)
    low, high = rule_bounds(by["vegetables_not_beans", "day"], us)  # type: ignore[misc]
    assert low == pytest.approx(2.5 - 1.5 / 7) and high is None
    assert rule_bounds(by["grains", "day"], us) == pytest.approx((4.8, 7.5))
    assert rule_bounds(by["protein", "day"], us) == (None, pytest.approx(8.25))
    assert rule_bounds(by["protein_seafood", "week"], us) == (8.0, 16.0)
    older = next(r for r in rules.days if r.applies == "fish_dga_older")
    assert rule_bounds(older, us) == (8.0, 10.0)  # from 65: a quarter above the pattern
    assert rule_bounds(by["plant_dairy", "day"], us) == (None, 3.0)  # the dairy cup-eq
    assert rule_bounds(by["yogurts", "day"], us) == (None, 1)
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
    # above 2,600 kcal the largest main grows with the need (large_portions)
    assert rules.portion_range("main", 35, 3000) == pytest.approx((3, 6 * 3000 / 2600))
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


# ------------------------------------------------------------------ fish advice

def test_every_catalogue_fish_has_an_fda_epa_mercury_category(rules,  # type: ignore[no-untyped-def]
                                                              catalogue) -> None:
    seafood = catalogue.entries.index[catalogue.entries["protein_seafood_oz"] > 0]
    assert len(seafood) >= 20
    missing = sorted(set(map(str, seafood)) - set(rules.fish))
    assert not missing, f"add these to planner/meals/fish.csv: {missing}"
    assert set(rules.fish.values()) <= set(FISH_CHOICES)
    # spot checks against the advice's chart
    assert rules.fish["15121"] == "best"  # canned light tuna
    assert rules.fish["15221"] == "good"  # yellowfin tuna
    assert rules.fish["15037"] == "good"  # halibut
    assert rules.fish["15071"] == "good"  # rockfish
    assert rules.fish["15237"] == "best" and rules.fish["15151"] == "best"  # salmon, shrimp
    assert rules.fish["15165"] == "not_listed"  # mussels are not on the chart
    assert "avoid" not in rules.fish.values()  # the catalogue leaves those fish out


@pytest.mark.parametrize(("age", "stage", "group", "serving"), [
    (29, "pregnancy", "pregnancy", 4.0), (19, "lactation", "pregnancy", 4.0),
    (16, "pregnancy", "pregnancy", 4.0), (9, "general", "child", 3.0),
    (10, "general", "child", 3.0), (11, "general", "child", 4.0), (12, "general", "", 4.0),
    (45, "general", "", 4.0), (2, "general", "child", 1.0), (5, "general", "child", 2.0)])
def test_fish_advice_group_and_serving_by_age(age: int, stage: str, group: str,
                                              serving: float) -> None:
    assert fish_group(age, stage) == group
    assert fish_serving_oz(age) == serving


def test_fish_rules_replace_the_dga_amount_for_the_advice_groups(  # type: ignore[no-untyped-def]
        rules, catalogue) -> None:
    us = rules.pattern_for(2400, "omnivore")  # seafood 10 oz a week in the pattern
    entries = catalogue.entries
    pregnant = {(r.measure, r.basis): rule_bounds(r, us, 4.0)
                for r in fish_rules(rules, entries, "pregnancy")}
    assert pregnant == {("protein_seafood", "week"): (8.0, 12.0),
                        ("seafood_good", "week"): (None, 4.0)}
    child = {(r.measure, r.basis): rule_bounds(r, us, 3.0)
             for r in fish_rules(rules, entries, "child")}
    assert child == {("protein_seafood", "week"): (4.5, 7.5),
                     ("protein_seafood", "day"): (None, 3.0),
                     ("seafood_good", "week"): (None, 3.0)}
    adult = {(r.measure, r.basis): rule_bounds(r, us, 4.0)
             for r in fish_rules(rules, entries, "")}
    assert adult == {("protein_seafood", "week"): (10.0, 20.0)}
    no_fish = entries[entries["protein_seafood_oz"] == 0]
    assert fish_rules(rules, no_fish, "pregnancy") == []


def test_fish_problems_are_found_from_the_plan_alone(rules, catalogue) -> None:  # type: ignore[no-untyped-def]
    us = rules.pattern_for(2400, "omnivore")
    entries = catalogue.entries
    salmon, halibut, mussels = "15237", "15037", "15165"

    def check(days: list[dict[str, float]], group: str = "pregnancy",
              serving: float = 4.0) -> list[str]:
        return fish_problems(days, rules, entries, group, serving, us, window=7, min_block=4)

    week: list[dict[str, float]] = [{salmon: 5.0}, {}, {halibut: 4.0}, {}, {}, {}, {}]
    assert check(week) == []  # 9 oz, one good-choice serving
    assert any("seafood_good" in p for p in check([{halibut: 5.0}, {salmon: 5.0}, *[{}] * 5]))
    assert any("> 12" in p for p in check([{salmon: 6.0}, {}, {salmon: 6.0}, {salmon: 1.0},
                                           *[{}] * 3]))
    assert any("< 8" in p for p in check([{salmon: 5.0}, *[{}] * 6]))
    assert any("not a best or good choice" in p
               for p in check([{mussels: 3.0}, {salmon: 5.0}, *[{}] * 5]))
    # a child of 10: a serving is 3 oz, about two a week
    assert check([{salmon: 3.0}, {}, {salmon: 3.0}, *[{}] * 4], "child", 3.0) == []
    assert any("day 1" in p and "> 3" in p
               for p in check([{salmon: 4.0}, {}, {salmon: 3.0}, *[{}] * 4], "child", 3.0))
    # everyone else: the DGA amount, and mussels are fine
    assert check([{mussels: 6.0}, {}, {salmon: 6.0}, *[{}] * 4], "", 4.0) == []


def test_fish_note_says_why_and_names_the_source(rules, catalogue) -> None:  # type: ignore[no-untyped-def]
    us = rules.pattern_for(2400, "omnivore")
    entries = catalogue.entries
    pregnant = fish_note(rules, entries, "pregnancy", 4.0, us, 10.0, 7)
    assert pregnant.startswith("Fish: 2-3 servings of 4 oz (8-12 oz) a week")
    assert "at most 1 good-choice serving (4 oz)" in pregnant and FISH_SOURCE in pregnant
    assert pregnant.endswith("this plan has 10 oz a week.")
    child = fish_note(rules, entries, "child", 3.0, us, 6.0, 3)
    assert child.startswith("Fish: about 2 servings of 3 oz a week (this plan keeps "
                            "1.5-2.5, 4.5-7.5 oz)")  # FDA/EPA says "2 servings a week"
    assert child.endswith("6 oz in 3 days.")
    adult = fish_note(rules, entries, "", 4.0, us, 24.0, 14)
    assert adult.startswith("Seafood: 10-20 oz a week") and "DGA 2020-2025" in adult
    assert adult.endswith("12 oz a week on average.")
    assert fish_note(rules, entries[entries["protein_seafood_oz"] == 0], "", 4.0, us,
                     0.0, 7) == ""


def test_every_day_rule_measure_is_named_with_its_unit_in_messages() -> None:
    # a missed weekly subgroup once read "Veg other (needs 0.625 )"
    from planner.meals.rules import COUNT_MEASURES, MEASURES
    from planner.planning.diagnosis import GROUP_LABELS
    unitless = {"grains_whole", "saturated_fat", "added_sugars", "seafood_mains"}
    assert unitless | set(COUNT_MEASURES) <= set(MEASURES)
    for measure in MEASURES:
        assert measure in GROUP_LABELS, measure
        label, unit = GROUP_LABELS[measure]
        assert label and "_" not in label, measure
        assert bool(unit) == (measure not in unitless), measure


def test_the_phase_2_measures_count_what_they_say(catalogue) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    from planner.meals.rules import food_measures
    ids = ["09298", "09003", "01117", "16252", "16222", "01082", "16043", "23473", "05064"]
    rows = catalogue.entries.loc[ids]
    m = food_measures(rows, pd.Series(0.0, index=rows.index))
    assert m["dried_fruits"].tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 0]  # raisins, not an apple
    assert m["yogurts"].tolist() == [0, 0, 1, 1, 0, 0, 0, 0, 0]  # yogurt and soy yogurt
    # soy yogurt and soy milk are plant dairy, 1% milk and yogurt are not
    assert (m["plant_dairy"] > 0).tolist() == [False, False, False, True, True, False,
                                               False, False, False]
    assert m.at["16222", "plant_dairy"] == pytest.approx(rows.at["16222", "dairy_cup"])
    # a taco's filling: a cup of pinto beans is 4 oz-eq, a 3 oz patty 3, a half breast 3
    assert m.loc[["16043", "23473"], "filling"].tolist() == pytest.approx([4.0, 3.0])
    assert m.at["05064", "filling"] == pytest.approx(3.03)
