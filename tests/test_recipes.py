"""Recipes: a meal's method worked out by hand on tiny dishes, foods and cooking rows, the
readers refusing malformed tables, and the bundled tables checked whole (every dish has a
recipe, every food any dish can hold a way to be prepared there, every temperature the
USDA FSIS chart's)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planner.food.catalogue import Catalogue, select
from planner.meals.dishes import Component, Dish, Seasoning, load_dishes, seasoning_rows
from planner.meals.recipes import (
    FSIS_SOURCE,
    Cooking,
    Recipe,
    RecipeError,
    Recipes,
    SafeTemperature,
    check_recipes,
    load_recipes,
    meal_method,
    preparation,
)

POULTRY = SafeTemperature("poultry", "poultry", 165, 74, 0, "to 74 °C / 165 °F inside",
                          "USDA FSIS")
FOODS = pd.DataFrame(
    [{"short_name": "roast chicken breast", "role": "main", "kind": "chicken",
      "category": "poultry", "tags": (), "meal_slots": ("dinner",), "portion_grams": 85.0,
      "raw_per_gram": 1.33, "portion_description": "3 oz", "say_one": "oz chicken",
      "say_many": "oz chicken"},
     {"short_name": "cooked brown rice", "role": "grain", "kind": "brown rice",
      "category": "grains", "tags": (), "meal_slots": ("dinner",), "portion_grams": 202.0,
      "raw_per_gram": 0.36, "portion_description": "1 cup", "say_one": "cup brown rice",
      "say_many": "cups brown rice"},
     {"short_name": "1% milk", "role": "milk_drink", "kind": "cow's milk",
      "category": "dairy", "tags": (), "meal_slots": ("dinner",), "portion_grams": 244.0,
      "raw_per_gram": 1.0, "portion_description": "1 cup", "say_one": "cup 1% milk",
      "say_many": "cups 1% milk"}],
    index=["c", "r", "m"])
SEASONINGS = pd.DataFrame(
    [{"short_name": "garlic", "role": "seasoning", "kind": "garlic", "category": "seasonings",
      "tags": (), "portion_description": "1 clove", "portion_grams": 3.0,
      "say_one": "clove garlic (minced)", "say_many": "cloves garlic (minced)", "step": 1.0,
      "max_servings": 4.0},
     {"short_name": "paprika", "role": "seasoning", "kind": "paprika",
      "category": "seasonings", "tags": (), "portion_description": "1 tsp",
      "portion_grams": 2.3, "say_one": "tsp paprika", "say_many": "tsp paprika",
      "step": 0.25, "max_servings": 4.0}],
    index=["g", "p"])
PLATE = Dish("plate", frozenset({"dinner"}), "{main} with {grain}[, with a glass of {drink}]",
             (Component("main", ("main",)), Component("grain", ("grain",)),
              Component("drink", ("milk_drink",), 0, 1)), "",
             seasonings=(Seasoning("aromatic", "g", 1, "clove", (), ""),
                         Seasoning("spice", "p", 0.5, "tsp", ("main.chicken",), "")))
RECIPES = Recipes(
    {"plate": Recipe("plate", 1, 3, 5, (
        "{grain:how}", "Rub the {main} with {s:spice,aromatic}", "{main:how}",
        "Serve the {main} with the {grain}[ and the {drink}]"))},
    (Cooking(("main.chicken",), None, "roast {raw} raw {food} at {oven}, 20-25 min, {safe}",
             3, 30, (200, 400), "poultry", ("oz", 28.35)),
     Cooking(("grain",), None, "simmer {raw} dry {food} in {water} water, 40-45 min", 2, 50,
             measure=("cup", 185.0), water=2.0),
     Cooking(("milk_drink",), None, "", 0, 0)),
    {"poultry": POULTRY})


def _method(ids: list[str], servings: list[float]):  # type: ignore[no-untyped-def]
    foods = FOODS.loc[ids]
    chosen = seasoning_rows(PLATE, foods, SEASONINGS)
    return meal_method(RECIPES, PLATE, foods, servings, chosen, SEASONINGS)


def test_a_method_says_each_step_for_the_chosen_foods_and_amounts() -> None:
    method = _method(["c", "r"], [5 / 3, 1.5])  # 5 oz chicken, 1½ cups of rice
    assert method is not None
    # 141.7 g cooked is 188 g raw (x1.33), 6⅔ oz; 303 g cooked rice is 109 g dry
    # (x0.36), ⅔ cup of 185 g, in 2 x 109/185 = 1.18 -> 1¼ cups of water
    assert method.steps == (
        "Simmer 109 g (about ⅔ cup) dry brown rice in 1¼ cups water, 40-45 min.",
        "Rub the chicken breast with ½ tsp paprika and 1 clove garlic (minced).",
        "Roast 188 g (about 6⅔ oz) raw chicken breast at 200 °C / 400 °F, 20-25 min, "
        "to 74 °C / 165 °F inside.",
        "Serve the chicken breast with the brown rice.")
    # the foods cook side by side: the rice's 50 min is the longest; hands-on time adds up
    assert (method.total_min, method.active_min) == (50, 3 + 3 + 2)
    assert method.oven == "200 °C / 400 °F"
    assert method.safe == (POULTRY,)
    assert method.seasonings == ("1 clove garlic (minced)", "½ tsp paprika")
    assert method.summary() == "50 min, 8 active, oven 200 °C / 400 °F"


def test_an_optional_part_comes_only_with_its_food() -> None:
    with_milk = _method(["c", "r", "m"], [1.0, 1.0, 1.0])
    assert with_milk is not None
    assert with_milk.steps[-1] == "Serve the chicken breast with the brown rice and the 1% milk."
    document = with_milk.as_dict()
    assert document["oven"] == "200 °C / 400 °F" and document["servings"] == 1
    assert document["safe_temperatures"][0]["f"] == 165
    assert document["seasonings_counted"] is False


def test_a_seasoning_the_person_does_not_eat_leaves_its_part_out() -> None:
    foods = FOODS.loc[["c", "r"]]
    chosen = seasoning_rows(PLATE, foods, SEASONINGS.drop(index="p"))  # no paprika
    method = meal_method(RECIPES, PLATE, foods, [1.0, 1.0], chosen, SEASONINGS)
    assert method is not None
    assert method.steps[1] == "Rub the chicken breast with 1 clove garlic (minced)."
    none = meal_method(RECIPES, PLATE, foods, [1.0, 1.0])
    assert none is not None  # no seasonings at all: the step that needs one goes
    assert not any(step.startswith("Rub") for step in none.steps)


def test_a_dish_without_a_recipe_has_no_method() -> None:
    other = Dish("other", frozenset({"dinner"}), "{main}", (Component("main", ("main",)),), "")
    assert meal_method(RECIPES, other, FOODS.loc[["c"]], [1.0]) is None


def test_the_checker_names_what_a_recipe_cannot_fill() -> None:
    dishes = load_dishes()
    broken = Recipes({"plate": Recipe("plate", 1, 1, 1, ("Cook the {sauce} with {s:salt}",
                                                          "{grain:how}"))}, (), {})
    problems = check_recipes(broken, type(dishes)((PLATE,), ()), FOODS)
    assert "plate: no component 'sauce'" in problems
    assert "plate: no seasoning group 'salt'" in problems
    assert "plate: no way to prepare cooked brown rice (grain)" in problems
    assert check_recipes(RECIPES, type(dishes)((PLATE,), ()), FOODS) == []


def _tables(tmp_path: Path, cooking: str, safe: str = "") -> Path:
    (tmp_path / "recipes.csv").write_text(
        "dish,servings,active_min,total_min,steps,source\nplate,1,1,2,{main:how},\n",
        encoding="utf-8")
    (tmp_path / "cooking.csv").write_text(
        "foods,dishes,how,active_min,total_min,oven_c,oven_f,safe,measure,water,source\n"
        + cooking, encoding="utf-8")
    (tmp_path / "safe_temperatures.csv").write_text(
        "key,what,f,c,rest_min,words,source\n"
        + (safe or "poultry,poultry,165,74,0,to 74 °C inside,USDA FSIS\n"), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("cooking", "safe", "message"), [
    ("main,*,bake at {oven},1,2,200,350,,,,\n", "", "not an oven setting"),
    ("main,*,roast {safe},1,2,,,fish,,,\n", "", "unknown safe temperature"),
    ("main,*,simmer in {water},1,2,,,,,2,\n", "", "water needs a measure"),
    ("main,*,roast it,5,2,,,,,,\n", "", "0 <= active <= total"),
    ("main,*,roast it {when},1,2,,,,,,\n", "", "unknown placeholder"),
    ("main,*,roast it,1,2,200,400,,,,\n", "", "do not agree"),  # an oven the how omits
    ("main,*,roast it,1,2,,,,,,\n", "poultry,poultry,165,80,0,x,USDA FSIS\n",
     "°F and °C do not agree"),
])
def test_a_malformed_table_is_refused(tmp_path: Path, cooking: str, safe: str,
                                      message: str) -> None:
    with pytest.raises(RecipeError, match=message):
        load_recipes(_tables(tmp_path, cooking, safe))


def test_the_tables_read_back(tmp_path: Path) -> None:
    recipes = load_recipes(_tables(tmp_path, "main,*,roast it at {oven} {safe},1,30,200,400,"
                                              "poultry,oz=28.35,,\n"))
    (row,) = recipes.cooking
    assert row.oven == (200, 400) and row.safe == "poultry" and row.measure == ("oz", 28.35)
    assert recipes.recipes["plate"].steps == ("{main:how}",)


# ------------------------------------------------------------------ the bundled tables

def test_every_dish_has_a_method_for_every_food_it_can_hold(catalogue: Catalogue) -> None:
    assert check_recipes(load_recipes(), load_dishes(), catalogue.entries) == []


def test_the_safe_temperatures_are_the_fsis_chart() -> None:
    safe = load_recipes().safe
    chart = {"poultry": (165, 74, 0), "ground_meat": (160, 71, 0),
             "whole_cut": (145, 63, 3), "fish": (145, 63, 0), "reheat": (165, 74, 0)}
    for key, (f, c, rest) in chart.items():
        assert (safe[key].f, safe[key].c, safe[key].rest_min) == (f, c, rest), key
        assert f"{c} °C / {f} °F" in safe[key].words, key
    assert "opaque" in safe["fish"].words and "flakes" in safe["fish"].words
    assert "shells open" in safe["mollusks"].words
    assert "firm" in safe["eggs"].words
    for row in safe.values():  # every row names its source: the FSIS chart, or FDA
        assert row.source.startswith(("USDA FSIS", "FDA")), row.key
    assert "USDA" in FSIS_SOURCE


def test_raw_meat_fish_and_eggs_are_cooked_to_a_safe_temperature(catalogue: Catalogue
                                                                  ) -> None:
    """Every food bought raw from the meat and seafood counter or as eggs has, in every
    dish that can hold it, a way to cook it that names its safe temperature (canned fish,
    cooked crab meat and a braise cooked for hours excepted by their own words)."""
    recipes, dishes = load_recipes(), load_dishes()
    entries = catalogue.entries
    raw = entries[((entries["section"] == "meat & seafood") & (entries["raw_per_gram"] > 1))
                  | (entries["role"] == "egg_dish")]
    for dish in dishes.dishes:
        for component in dish.components:
            fits = raw[component.matches(raw)]
            for food_id, row in zip(fits.index, recipes.cooking_for(fits, dish.id),
                                    strict=True):
                assert row is not None, (dish.id, food_id)
                assert row.safe or "63 °C" in row.how, (dish.id, food_id, row.how)


def test_the_bundled_stir_fry_is_cooked_with_soy_sauce_unless_soy_or_wheat_is_left_out(
        catalogue: Catalogue) -> None:
    dish = load_dishes().by_id("stir_fry")
    assert dish is not None
    meal = catalogue.entries.loc[["16426", "20037", "11091", "11821", "04053"]]

    def said(diet: str, exclude: tuple[str, ...]) -> tuple[str, ...]:
        seasonings = select(catalogue, diet, exclude, seasonings=True)
        method = meal_method(load_recipes(), dish, meal, [1.0] * len(meal),
                             seasoning_rows(dish, meal, seasonings), seasonings)
        assert method is not None
        return method.seasonings

    assert "2 tsp reduced-sodium soy sauce" in said("vegan", ())
    assert "1 tsp tamari (wheat-free soy sauce)" in said("vegan", ("gluten",))
    assert not any("soy" in s or "tamari" in s for s in said("vegan", ("soy",)))
    assert "¼ lime (juiced)" in said("vegan", ("soy",))


def test_a_tahini_dressing_is_loosened_with_water_before_it_is_whisked(
        catalogue: Catalogue) -> None:
    """Tahini whisked with lemon juice alone seizes (a cook's read of a 7 tbsp bowl): a
    grain bowl or salad dressed with tahini says to stir water in first; one dressed
    with oil has no such step."""
    dish = load_dishes().by_id("grain_bowl")
    assert dish is not None
    seasonings = select(catalogue, "vegan", (), seasonings=True)

    def steps(dressing: str) -> list[str]:
        meal = catalogue.entries.loc[["20037", "16057", "11091", "11458", dressing]]
        method = meal_method(load_recipes(), dish, meal, [1.0] * len(meal),
                             seasoning_rows(dish, meal, seasonings), seasonings)
        assert method is not None
        return list(method.steps)

    tahini = steps("12698")
    water = next(i for i, s in enumerate(tahini) if "water into the tahini" in s)
    whisk = next(i for i, s in enumerate(tahini) if s.startswith("Whisk the tahini"))
    assert water + 1 == whisk
    oil = steps("04053")
    assert not any("water into" in s for s in oil)
    assert any(s.startswith("Whisk the olive oil") for s in oil)


def test_a_rubbed_tempeh_is_browned_not_steamed(catalogue: Catalogue) -> None:
    """A plate rubs its main with oil and herbs before cooking it: tempeh is then browned
    (a cook's read: 'Rub the tempeh ... Cut the tempeh into cubes, steam it 10 min'); in a
    stir-fry or a curry it is still steamed first."""
    tempeh = catalogue.entries.loc[catalogue.entries["kind"] == "tempeh"].iloc[:1]
    recipes = load_recipes()
    plate, stir_fry = load_dishes().by_id("meat_plate"), load_dishes().by_id("stir_fry")
    assert plate is not None and stir_fry is not None and len(tempeh)
    assert "steam" not in preparation(recipes, plate, tempeh, 1.0)
    assert "brown" in preparation(recipes, plate, tempeh, 1.0)
    assert "steam it 10 min" in preparation(recipes, stir_fry, tempeh, 1.0)


def test_a_food_counted_one_by_one_is_named_in_the_number_served(
        catalogue: Catalogue) -> None:
    """One prune on the oats is "the prune" in the steps, as in the dish's name; three
    are "the prunes" (a cook's read: "1 prune ... Top the oats with the prunes")."""
    dish = load_dishes().by_id("oatmeal")
    assert dish is not None
    meal = catalogue.entries.loc[["08121", "09291", "01079"]]

    def steps(prunes: float) -> str:
        method = meal_method(load_recipes(), dish, meal, [1.0, prunes, 1.0])
        assert method is not None
        return " | ".join(method.steps)

    assert "Top the oats with the prune" in steps(1.0)
    assert "the prunes" not in steps(1.0)
    assert "Top the oats with the prunes" in steps(3.0)
    assert dish.title(meal, [1.0, 1.0, 1.0]).count("prunes") == 0
