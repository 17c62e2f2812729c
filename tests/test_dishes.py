"""Dishes: the dish table read and matched on tiny hand-made foods, and whole weeks checked
against it independently of the solver (every meal recomputed from the catalogue, the
dish table and the chosen grams)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from planner.food.catalogue import Catalogue, select
from planner.food.data import FoodTable, bundled_dir
from planner.meals.dishes import (
    Component,
    Dish,
    DishError,
    Dishes,
    Portion,
    Seasoning,
    check_seasonings,
    dish_of,
    dish_word,
    load_dishes,
    portion_unit,
    seasoning_items,
    seasoning_rows,
    servings_of,
)
from planner.meals.rules import food_measures, load_rules
from planner.person.health import RULES
from planner.person.profile import make_profile
from planner.person.targets import compute_targets
from planner.planning.plan import plan_week
from planner.planning.records import PlanOptions, WeekPlan

MEALS = Path(__file__).resolve().parent.parent / "planner" / "meals"


def foods(*rows: tuple[str, str, str, str, str, tuple[str, ...]]) -> pd.DataFrame:
    """A tiny catalogue: (id, short_name, role, kind, category, meal_slots)."""
    return pd.DataFrame(
        [{"short_name": n, "role": r, "kind": k, "category": c, "tags": (),
          "meal_slots": s, "allergens": ()} for _, n, r, k, c, s in rows],
        index=[row[0] for row in rows])


TINY = foods(
    ("1", "cooked oatmeal", "hot_cereal", "oats", "grains", ("breakfast",)),
    ("2", "1% milk", "milk_drink", "cow's milk", "dairy", ("breakfast", "snack")),
    ("3", "banana", "fruit", "bananas", "fruits", ("breakfast", "snack")),
    ("4", "walnuts", "nuts_seeds", "walnuts", "nuts", ("breakfast", "snack")),
    ("5", "baked cod", "main", "cod", "fish", ("dinner",)),
    ("6", "fried egg", "egg_dish", "eggs", "eggs", ("breakfast",)),
)
OATMEAL = Dish("oatmeal", frozenset({"breakfast"}),
               "Oatmeal with {milk} and {fruit}[, topped with {extra}]",
               (Component("cereal", ("hot_cereal",)), Component("milk", ("milk_drink",)),
                Component("fruit", ("fruit",)),
                Component("extra", ("nuts_seeds", "topping"), 0, 1)), "")


def test_component_selectors_narrow_a_role_by_kind_category_or_id() -> None:
    assert Component("m", ("main.fish",)).matches(TINY).tolist() == \
        [False, False, False, False, True, False]
    assert Component("m", ("main.cod",)).matches(TINY).tolist()[4]
    assert not Component("m", ("main.salmon",)).matches(TINY).any()
    assert Component("x", ("fruit#3", "egg_dish")).matches(TINY).tolist() == \
        [False, False, True, False, False, True]


def test_a_meal_is_the_dish_only_with_every_required_part_and_nothing_else() -> None:
    assert OATMEAL.problems(TINY.loc[["1", "2", "3"]]) == []
    assert OATMEAL.problems(TINY.loc[["1", "2", "3", "4"]]) == []  # nuts are optional
    assert OATMEAL.problems(TINY.loc[["1", "3"]]) == ["oatmeal lacks its milk"]
    assert OATMEAL.problems(TINY.loc[["1", "2", "3", "6"]]) == \
        ["fried egg is not part of oatmeal"]  # cereal with eggs is not a dish


def test_a_component_may_hold_each_food_to_a_portion(tmp_path: Path) -> None:
    bowl = Dish("bowl", frozenset({"breakfast"}), "Oatmeal with {milk}",
                (Component("cereal", ("hot_cereal",), portion=Portion("grains", 1, 2)),
                 Component("milk", ("milk_drink",), portion=Portion("dairy", None, 1))), "")
    rows = TINY.loc[["1", "2"]]
    amounts = pd.DataFrame({"grains": [2.0, 0.0], "dairy": [0.0, 1.0]}, index=rows.index)
    assert bowl.problems(rows, amounts) == []
    assert bowl.problems(rows) == []  # without amounts, the parts alone
    amounts["grains"] = [3.0, 0.0]
    amounts["dairy"] = [0.0, 1.5]
    assert bowl.problems(rows, amounts) == [
        "bowl has 3 grains of cooked oatmeal for its cereal (1-2 grains)",
        "bowl has 1.5 dairy of 1% milk for its milk (at most 1 dairy)"]
    assert str(Portion("grains", 2, 2)) == "2 grains"
    assert str(Portion("dairy", 1, None)) == "at least 1 dairy"
    # the table's spelling: "label:selectors:min-max:measure=lo-hi", either end open
    (tmp_path / "food_choices.csv").write_text("match,allowed_for,why\n", encoding="utf-8")
    table = tmp_path / "dishes.csv"
    table.write_text("dish,slots,name,components,why\n"
                     "s,lunch,{veg} sandwich,bread:bread:1-1:grains=2-2; "
                     "veg:vegetable:1-2:vegetables=-0.5,a sandwich\n", encoding="utf-8")
    (dish,) = load_dishes(tmp_path).dishes
    assert [c.portion for c in dish.components] == [Portion("grains", 2, 2),
                                                   Portion("vegetables", None, 0.5)]
    assert dish.family == "s"  # no family column: each dish its own
    table.write_text("dish,slots,name,components,why\n"
                     "s,lunch,{veg} sandwich,veg:vegetable:1-2:spoons=-1,x\n", encoding="utf-8")
    with pytest.raises(DishError, match="unknown measure 'spoons'"):
        load_dishes(tmp_path)


def test_the_bundled_sandwich_has_two_slices_and_fish_tacos_no_cheese() -> None:
    dishes = load_dishes()
    sandwich = dishes.by_id("sandwich")
    assert sandwich is not None
    parts = {c.label: c for c in sandwich.components}
    assert parts["bread"].portion == Portion("grains", 2, 2)
    assert parts["veg"].portion == Portion("vegetables", None, 0.5)
    fish_tacos, tacos = dishes.by_id("fish_tacos"), dishes.by_id("tacos")
    assert fish_tacos is not None and tacos is not None
    assert fish_tacos.family == tacos.family == "tacos"
    assert not any("cheese" in sel for c in fish_tacos.components for sel in c.selectors)
    assert not any(sel.startswith("main.") and sel.split(".")[1] in
                   ("cod", "tilapia", "pollock", "shrimp")
                   for c in tacos.components for sel in c.selectors)


def test_the_name_leaves_out_an_empty_optional_part() -> None:
    assert OATMEAL.title(TINY.loc[["1", "2", "3"]]) == "Oatmeal with 1% milk and banana"
    assert OATMEAL.title(TINY.loc[["1", "2", "3", "4"]]) == \
        "Oatmeal with 1% milk and banana, topped with walnuts"


TACO_FOODS = foods(
    ("1", "corn tortillas", "grain", "corn tortillas", "grains", ("dinner",)),
    ("2", "cooked pinto beans", "main", "beans", "legumes", ("dinner",)),
    ("3", "canned black beans", "main", "beans", "legumes", ("dinner",)),
    ("4", "raw tomatoes", "vegetable", "tomatoes", "vegetables", ("dinner",)),
    ("5", "avocado", "vegetable", "avocados", "vegetables", ("dinner",)),
    ("6", "cheddar cheese (fortified)", "cheese", "cheddar", "dairy", ("dinner",)),
    ("7", "canned pink salmon with bones", "main", "canned salmon", "fish", ("dinner",)),
    ("8", "pear", "fruit", "pears", "fruits", ("dinner",)),
)
TACOS = Dish("tacos", frozenset({"dinner"}), "{filling} tacos with {veg}[ and {cheese}]",
             (Component("tortilla", ("grain",)), Component("filling", ("main",), 1, 2),
              Component("veg", ("vegetable",), 1, 2), Component("cheese", ("cheese",), 0, 1)),
             "")
SANDWICH = Dish("sandwich", frozenset({"dinner"}),
                "{filling} sandwich with {veg}[, {side} on the side]",
                (Component("filling", ("main",)), Component("veg", ("vegetable",), 1, 2),
                 Component("side", ("fruit",), 0, 1)), "")


def test_the_name_reads_as_a_cook_says_it() -> None:
    # the filling before the dish's noun in the singular; the parts after it one list
    assert TACOS.title(TACO_FOODS.loc[["1", "2", "4"]]) == "Pinto bean tacos with tomatoes"
    assert TACOS.title(TACO_FOODS.loc[["1", "2", "3", "4", "5", "6"]]) == \
        "Pinto bean and canned black bean tacos with tomatoes, avocado and cheddar cheese"
    # what the item lines say of a food's form or fortification stays out of the name
    assert SANDWICH.title(TACO_FOODS.loc[["7", "4", "8"]]) == \
        "Canned salmon sandwich with tomatoes, pear on the side"
    assert SANDWICH.title(TACO_FOODS.loc[["7", "4", "5"]]) == \
        "Canned salmon sandwich with tomatoes and avocado"
    # the label's words a cook leaves out; the vegetarian fillet keeps its noun
    assert [dish_word(n) for n in ("lean ground beef patty (93%)", "tilapia fillet, cooked",
                                   "Atlantic salmon, farmed, cooked", "firm tofu, calcium-set",
                                   "vegetarian fillet", "fortified soy milk, original")] == \
        ["ground beef", "tilapia", "salmon", "tofu", "vegetarian fillet", "soy milk"]


def test_a_dish_is_available_only_when_its_required_parts_suit_the_meal() -> None:
    assert OATMEAL.available(TINY, "breakfast")
    assert not OATMEAL.available(TINY, "snack")  # not a snack dish
    assert not OATMEAL.available(TINY.drop(index="2"), "breakfast")  # no milk


def test_bundled_dishes_cover_every_meal_for_every_diet(catalogue: Catalogue) -> None:
    dishes = load_dishes()
    for diet in ("omnivore", "pescatarian", "vegetarian", "vegan"):
        for exclude in ((), ("gluten",), ("dairy",), ("gluten", "dairy")):
            allowed = select(catalogue, diet, exclude)
            allowed = allowed[dishes.suited(allowed, diet)]
            for slot, fewest in (("breakfast", 4), ("lunch", 5), ("dinner", 5),
                                 ("snack", 4)):
                menu = dishes.for_slot(slot, allowed)
                # a week has 7 of each meal and a dish comes at most twice
                assert 2 * len(menu) >= 7, (diet, exclude, slot, [d.id for d in menu])
                assert len(menu) >= fewest, (diet, exclude, slot)


def test_every_dish_row_names_what_it_is() -> None:
    with (MEALS / "dishes.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(load_dishes().dishes)
    for row in rows:
        assert row["why"] and row["name"], row["dish"]


def test_meat_substitutes_and_plant_milks_are_for_those_who_want_them(
        catalogue: Catalogue) -> None:
    dishes = load_dishes()
    omnivore = select(catalogue, "omnivore", ())
    kept = omnivore[dishes.suited(omnivore, "omnivore")]
    assert not kept["kind"].isin(["veggie burgers", "vegetarian fillets", "plant milk",
                                  "chocolate milk"]).any()
    assert set(kept.loc[kept["kind"] == "cow's milk", "short_name"]) == \
        {"1% milk", "skim milk"}  # low-fat or fat-free (DGA 2020-2025)
    assert not kept["kind"].str.startswith("gluten-free").any()
    vegetarian = select(catalogue, "vegetarian", ())
    assert "veggie burgers" in set(vegetarian[dishes.suited(vegetarian, "vegetarian")]["kind"])
    no_dairy = select(catalogue, "omnivore", ("dairy",))
    assert "plant milk" in set(no_dairy[dishes.suited(no_dairy, "omnivore")]["kind"])
    asked = omnivore[dishes.suited(omnivore, "omnivore", ["01104"])]  # likes chocolate milk
    assert "01104" in asked.index
    no_gluten = select(catalogue, "omnivore", ("gluten",))
    assert "gluten-free bread" in set(no_gluten[dishes.suited(no_gluten, "omnivore")]["kind"])
    # kidney or potassium limits open the swaps renal diets make (health rule choices)
    refined = {"cooked white rice", "cooked enriched spaghetti", "white bread"}
    assert not refined & set(kept["short_name"])
    kidney = omnivore[dishes.suited(omnivore, "omnivore", (), RULES["ckd"].choices)]
    assert refined <= set(kidney["short_name"])
    assert "plant milk" in set(kidney["kind"])
    potassium = omnivore[dishes.suited(omnivore, "omnivore", (),
                                       RULES["ace_inhibitor"].choices)]
    assert refined <= set(potassium["short_name"])
    assert "plant milk" not in set(potassium["kind"])


def _choice_foods() -> pd.DataFrame:
    """Four hand-made catalogue rows: two dried fruits, a mushroom and an apple."""
    return pd.DataFrame(
        [{"short_name": n, "kind": k, "role": r, "allergens": (), "max_servings": m,
          "child_max_servings": c, "step": 0.5}
         for n, k, r, m, c in (("raisins", "raisins", "fruit", 1.0, 1.0),
                               ("Medjool dates", "dates", "fruit", 3.0, 2.0),
                               ("portabella", "mushrooms", "vegetable", 2.0, 1.0),
                               ("apple", "apples", "fruit", 1.0, 1.0))],
        index=["r", "d", "m", "a"])


def test_a_food_choice_row_can_leave_foods_out_for_a_tag_or_halve_them(
        tmp_path: Path) -> None:
    (tmp_path / "dishes.csv").write_text("dish,slots,name,components,why\n"
                                        "s,snack,{f},f:fruit,x\n", encoding="utf-8")
    (tmp_path / "food_choices.csv").write_text(
        "match,allowed_for,why\n"
        'kind:raisins|dates,!low_potassium,"dried fruit: high in potassium"\n'
        'id:m,low_potassium<=1/2,"mushrooms: half a portion"\n', encoding="utf-8")
    dishes = load_dishes(tmp_path)
    foods = _choice_foods()
    assert dishes.suited(foods, "omnivore").all()  # a row of '!' tags: everyone else
    limited = dishes.suited(foods, "omnivore", (), ("low_potassium",))
    assert list(foods.index[limited]) == ["m", "a"]
    asked = dishes.suited(foods, "omnivore", ["d"], ("low_potassium",))
    assert list(foods.index[asked]) == ["d", "m", "a"]  # a food asked for stays
    (row, ids), = dishes.left_out(foods, "omnivore", ["d"], ("low_potassium",))
    assert row.why.startswith("dried fruit") and ids == ["r"]
    assert dishes.left_out(foods, "omnivore", (), ("low_phosphorus",)) == []
    halved = dishes.portioned(foods, ("low_potassium",))
    assert list(halved["max_servings"]) == [1.0, 3.0, 0.5, 1.0]
    assert list(halved["child_max_servings"]) == [1.0, 2.0, 0.5, 1.0]
    assert list(foods["max_servings"]) == [1.0, 3.0, 2.0, 1.0]  # the input is untouched
    assert dishes.portioned(foods, ("low_phosphorus",)) is foods
    assert [ids for _, ids in dishes.portions(foods, ("low_potassium",))] == [["m"]]
    for bad in ("kind:,vegan,x", "kind:a||b,vegan,x", "name:apple,vegan,x",
                "kind:apples,! vegan,x", "kind:apples,low_potassium<=half,x",
                "kind:apples,<=1/2,x", "kind:apples,low_potassium<=0,x"):
        (tmp_path / "food_choices.csv").write_text(f"match,allowed_for,why\n{bad}\n",
                                                   encoding="utf-8")
        with pytest.raises(DishError, match=r"food_choices\.csv"):
            load_dishes(tmp_path)


# ------------------------------------------------------------------ seasonings

SEASONS = pd.DataFrame(
    [{"short_name": "chopped onion", "role": "seasoning", "kind": "onions", "category":
      "seasonings", "tags": (), "portion_description": "1 tbsp chopped", "portion_grams": 10.0,
      "step": 1.0, "max_servings": 6.0, "allergens": ()},
     {"short_name": "reduced-sodium soy sauce", "role": "seasoning", "kind": "soy sauce",
      "category": "seasonings", "tags": (), "portion_description": "1 tsp",
      "portion_grams": 4.5, "step": 0.5, "max_servings": 6.0, "allergens": ("soy",)},
     {"short_name": "tamari", "role": "seasoning", "kind": "soy sauce", "category":
      "seasonings", "tags": (), "portion_description": "1 tsp", "portion_grams": 6.0,
      "step": 0.5, "max_servings": 6.0, "allergens": ("soy",)},
     {"short_name": "lime juice", "role": "seasoning", "kind": "limes", "category":
      "seasonings", "tags": (), "portion_description": "1 lime yields", "portion_grams": 44.0,
      "step": 0.25, "max_servings": 1.0, "allergens": ()},
     {"short_name": "salsa", "role": "seasoning", "kind": "salsa", "category": "seasonings",
      "tags": (), "portion_description": "2 tbsp", "portion_grams": 36.0, "step": 0.5,
      "max_servings": 2.0, "allergens": ()}],
    index=["on", "soy", "tam", "lime", "sal"])
STIR = Dish("stir", frozenset({"dinner"}), "{filling} stir-fry",
            (Component("filling", ("main",)),), "",
            seasonings=(Seasoning("sauce", "soy", 2, "tsp", (), ""),
                        Seasoning("sauce", "tam", 1, "tsp", (), ""),
                        Seasoning("sauce", "lime", 0.25, "lime", (), ""),
                        Seasoning("aromatic", "on", 0.25, "cup", (), ""),
                        Seasoning("topping", "sal", 2, "tbsp", ("main.beans",), "")))


def test_a_dish_is_cooked_with_the_first_seasoning_of_a_group_the_person_eats() -> None:
    beans = TACO_FOODS.loc[["2"]]  # pinto beans: the salsa's condition holds
    # 2 tsp of a 1 tsp portion; 1/4 cup of a tablespoon measure is 4 (16 tbsp a cup);
    # 2 tbsp of salsa is one "2 tbsp" portion
    assert seasoning_items(STIR, beans, SEASONS) == [("soy", 2.0), ("on", 4.0), ("sal", 1.0)]
    assert seasoning_items(STIR, beans, SEASONS.drop(index="soy")) == \
        [("tam", 1.0), ("on", 4.0), ("sal", 1.0)]  # no wheat: tamari
    no_soy = SEASONS.drop(index=["soy", "tam"])
    assert seasoning_items(STIR, beans, no_soy)[0] == ("lime", 0.25)  # of "1 lime yields"
    salmon = TACO_FOODS.loc[["7"]]  # canned salmon: no salsa
    assert [f for f, _ in seasoning_items(STIR, salmon, SEASONS)] == ["soy", "on"]
    rows = seasoning_rows(STIR, beans, SEASONS)
    assert [(r.group, s) for r, s in rows] == [("sauce", 2.0), ("aromatic", 4.0),
                                               ("topping", 1.0)]


def test_an_amount_in_a_unit_its_measure_cannot_say_is_not_a_seasoning() -> None:
    assert servings_of(Seasoning("x", "on", 1, "pinch", (), ""), SEASONS.loc["on"]) is None
    assert servings_of(Seasoning("x", "lime", 1, "tsp", (), ""), SEASONS.loc["lime"]) is None
    assert servings_of(Seasoning("x", "on", 1, "cup", (), ""), SEASONS.loc["on"]) == 16
    assert portion_unit("1 tsp, leaves") == "tsp" and portion_unit("0.25 cup") == "cup"


def test_the_seasoning_checker_names_every_fault() -> None:
    bad = replace(STIR, seasonings=(
        Seasoning("a", "nothing", 1, "tsp", (), ""),       # not in the food table
        Seasoning("b", "2", 1, "tsp", (), ""),             # a food, not a seasoning
        Seasoning("c", "on", 1, "pinch", (), ""),          # no household measure
        Seasoning("d", "soy", 0.3, "tsp", (), ""),         # not a whole half-teaspoon
        Seasoning("e", "lime", 2, "lime", (), ""),         # more than its largest portion
        Seasoning("f", "sal", 2, "tbsp", ("main.oxtail",), "")))  # no such food
    entries = pd.concat([TACO_FOODS.assign(step=1.0, max_servings=1.0,
                                           portion_description="1 cup"), SEASONS])
    table = pd.DataFrame(index=[*entries.index])
    problems = check_seasonings(Dishes((bad,), ()), entries, table)
    assert len(problems) == 6, problems
    for found in ("not in the food table", "not a seasoning of the catalogue",
                  "no household measure says it", "not a whole number of its step",
                  "more than its largest portion", "no catalogue food is 'main.oxtail'"):
        assert any(found in p for p in problems), found


def test_a_seasoning_table_row_that_makes_no_sense_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dishes.csv").write_text("dish,slots,name,components,why\n"
                                        "s,lunch,{veg} soup,veg:vegetable,x\n",
                                        encoding="utf-8")
    (tmp_path / "food_choices.csv").write_text("match,allowed_for,why\n", encoding="utf-8")
    for row, message in (("t,a,,11215,1 clove,x", "unknown dish 't'"),
                         ("s,a,,11215,a clove,x", "give a group, a food id and an amount"),
                         ("s,a,main.#,11215,1 clove,x", "bad selector")):
        (tmp_path / "seasonings.csv").write_text(
            f"dish,group,when,food_id,amount,why\n{row}\n", encoding="utf-8")
        with pytest.raises(DishError, match=message):
            load_dishes(tmp_path)
    (tmp_path / "seasonings.csv").unlink()  # a table without one: no seasonings
    assert load_dishes(tmp_path).dishes[0].seasonings == ()


def test_the_bundled_seasonings_are_catalogue_seasonings_in_household_measures(
        catalogue: Catalogue, bundled: FoodTable) -> None:
    dishes = load_dishes()
    assert check_seasonings(dishes, catalogue.entries, bundled.foods) == []
    by_dish = {d.id: {catalogue.entries.loc[s.food_id, "short_name"] for s in d.seasonings}
               for d in dishes.dishes}
    # the dishes the issue found uncookable from their list now have what makes them
    assert "reduced-sodium soy sauce" in by_dish["stir_fry"]
    assert "salsa" in by_dish["tacos"]
    assert {"low-sodium chicken broth", "vegetable broth"} <= by_dish["soup"]
    assert {"chopped onion", "garlic", "curry powder"} <= by_dish["curry"]
    assert {"garlic", "tomato purée (no salt added)"} <= by_dish["pasta"]


def test_seasonings_are_no_food_to_plan_but_come_with_their_dish(catalogue: Catalogue
                                                                 ) -> None:
    plain = select(catalogue, "omnivore", ())
    assert "seasoning" not in set(plain["role"])
    seasonings = select(catalogue, "vegan", ("soy",), seasonings=True)
    assert set(seasonings["role"]) == {"seasoning"}
    assert "16424" not in seasonings.index  # soy sauce left out with soy
    assert "06970" not in seasonings.index  # chicken broth is not vegan
    stir = load_dishes().by_id("stir_fry")
    assert stir is not None
    meal = catalogue.entries.loc[["16426", "20037", "11091", "11821", "04053"]]
    assert stir.problems(pd.concat([meal, catalogue.entries.loc[["11215"]]])) == []


# ------------------------------------------------------------------ names for amounts

def test_the_name_agrees_with_the_amounts(catalogue: Catalogue) -> None:
    dishes, e = load_dishes(), catalogue.entries
    fruit = dishes.by_id("fruit")
    assert fruit is not None
    assert fruit.title(e.loc[["09421"]], [1]) == "Medjool date"
    assert fruit.title(e.loc[["09421"]], [2]) == "Medjool dates"
    assert fruit.title(e.loc[["09032"]], [0.5]) == "Dried apricots"  # measured in cups
    assert fruit.title(e.loc[["09421"]]) == "Medjool dates"  # amounts not known: as named
    # "a glass" is a cup; any other amount is said
    assert fruit.title(e.loc[["09176", "01082"]], [1, 1]) == "Mango with a glass of 1% milk"
    assert fruit.title(e.loc[["09176", "01082"]], [1, 1.5]) == \
        "Mango with 1½ cups of 1% milk"
    assert fruit.title(e.loc[["09176", "14639"]], [1, 0.5]) == \
        "Mango with ½ cup of rice milk"  # worded in fl oz: 4 fl oz
    bowl, snack = dishes.by_id("yogurt_bowl"), dishes.by_id("yogurt_snack")
    assert bowl is not None and snack is not None
    assert bowl.title(e.loc[["16252", "09050"]], [1, 1]) == "Soy yogurt with blueberries"
    assert snack.title(e.loc[["01287"]], [1]) == "Greek yogurt"
    assert [dish_word(n) for n in ("Raisin Bran cereal (fortified)",
                                   "calcium and vitamin D fortified orange juice")] == \
        ["Raisin Bran", "orange juice"]


def test_the_dish_table_offers_only_what_its_parts_make(catalogue: Catalogue) -> None:
    dishes, e = load_dishes(), catalogue.entries
    tacos, eggs, plate, burger = (dishes.by_id(i) for i in ("tacos", "eggs_toast",
                                                            "meat_plate", "burger"))
    assert tacos is not None and eggs is not None and plate is not None and burger is not None
    parts = {c.label: c for c in tacos.components}
    assert parts["tortilla"].portion == Portion("grains", 2, None)  # tacos: two or more
    assert {c.label: c for c in eggs.components}["eggs"].portion == Portion("protein", 2, None)
    beef = e.loc[["23473"]]  # a lean ground beef patty
    assert not plate.components[0].matches(beef).any()  # no patty beside a grain
    assert burger.components[0].matches(beef).all()
    sirloin = e.loc[["13455"]]
    assert plate.components[0].matches(sirloin).all()


# ------------------------------------------------------------------ whole weeks

PEOPLE = [
    ("girl 10", "female", 10, PlanOptions()),
    ("vegan 30", "female", 30, PlanOptions(diet="vegan", seed=3)),
    ("man 78", "male", 78, PlanOptions(seed=1)),
    ("gluten-free man 40", "male", 40, PlanOptions(exclude=("gluten",))),
    ("gluten-free girl 12", "female", 12, PlanOptions(exclude=("gluten",), seed=4)),
    ("gluten- and dairy-free boy 11", "male", 11,
     PlanOptions(exclude=("gluten", "dairy"))),
    ("gluten- and dairy-free woman 45", "female", 45,
     PlanOptions(exclude=("gluten", "dairy"), seed=2)),
    ("pescatarian woman 50", "female", 50, PlanOptions(diet="pescatarian")),
]


# each person's tests in one xdist group: one worker plans the week and runs them all
# (split across workers, one waited for the other's plan)
@pytest.fixture(scope="module", ids=[p[0] for p in PEOPLE], params=[
    pytest.param(p, marks=pytest.mark.xdist_group(f"dishes: {p[0]}")) for p in PEOPLE])
def week(request: pytest.FixtureRequest, bundled: FoodTable, catalogue: Catalogue
         ) -> WeekPlan:
    _, sex, age, options = request.param
    return plan_week(bundled, catalogue, compute_targets(make_profile(sex, age)), options)


def _repeats_allowed(week: WeekPlan) -> tuple[int, int]:
    """Days of 7 a food kind and a dish may come on: 3 and 2, or what the plan's note
    says it raised them to."""
    for note in week.notes:
        m = re.search(r"up to (\d+) days of 7\b.* dishes on up to (\d+)", note)
        if m:
            return int(m.group(1)), int(m.group(2))
    return 3, 2


def test_every_meal_is_a_dish_with_its_required_parts(week: WeekPlan,
                                                      catalogue: Catalogue) -> None:
    dishes = load_dishes()
    for day in week.days:
        for meal in day.meals:
            rows = catalogue.entries.loc[[i.food_id for i in meal.items]]
            dish = dishes.by_id(meal.dish_id)
            assert dish is not None and meal.slot in dish.slots, (day.day, meal.slot)
            assert dish.problems(rows) == [], (day.day, meal.slot, [i.text for i in meal.items])
            assert meal.dish == dish.title(rows, [i.servings for i in meal.items])
            assert meal.method is not None and meal.method.steps  # and how to cook it
            assert dish_of(rows, [dish]) is dish


def test_kinds_and_dishes_repeat_within_the_variety_rules(week: WeekPlan,
                                                          catalogue: Catalogue) -> None:
    kinds_most, dishes_most = _repeats_allowed(week)
    entries = catalogue.entries
    dishes = load_dishes()
    kind_days: Counter[str] = Counter()
    dish_days: Counter[str] = Counter()
    previous: set[str] = set()
    for day in week.days:
        kinds = {str(entries.loc[i.food_id, "kind"]) for i in day.items
                 if "staple" not in entries.loc[i.food_id, "tags"]}
        kind_days.update(kinds)
        # a dish family (fish tacos and tacos) counts as one dish
        today = [getattr(dishes.by_id(meal.dish_id), "family", "") for meal in day.meals]
        assert len(set(today)) == len(today), (day.day, today)  # a dish once a day
        for meal in day.meals:  # the meal is the dish it says it is
            dish = dishes.by_id(meal.dish_id)
            assert dish is not None
            assert not dish.problems(entries.loc[[i.food_id for i in meal.items]])
        dish_days.update(today)
        today = set(today)
        if dishes_most == 2:
            assert not today & previous, (day.day, today & previous)
        previous = today
    assert max(kind_days.values()) <= kinds_most, kind_days.most_common(3)
    assert max(dish_days.values()) <= dishes_most, dish_days.most_common(3)


def test_portions_inside_a_dish_are_the_dish_s(week: WeekPlan, catalogue: Catalogue) -> None:
    """From the catalogue as plain numbers: a sandwich's bread is two slices (2 oz-eq), each
    of its vegetables at most 1/2 cup-eq."""
    entries = catalogue.entries
    veg_columns = ["veg_dark_green_cup", "veg_red_orange_cup", "veg_beans_cup",
                   "veg_starchy_cup", "veg_other_cup"]
    for day in week.days:
        for meal in day.meals:
            roles = [str(entries.loc[i.food_id, "role"]) for i in meal.items]
            if meal.dish_id not in ("sandwich", "veggie_burger"):
                continue
            for item, role in zip(meal.items, roles, strict=True):
                row = entries.loc[item.food_id]
                servings = item.grams / float(row["portion_grams"])
                if role == "bread":
                    oz = servings * (float(row["grain_whole_oz"])
                                     + float(row["grain_refined_oz"]))
                    assert abs(oz - 2.0) < 1e-6, (day.day, item.text)
                elif meal.dish_id == "sandwich" and role in ("vegetable", "leafy_green"):
                    cups = servings * sum(float(row[c]) for c in veg_columns)
                    assert cups <= 0.5 + 1e-6, (day.day, item.text)


def test_one_milk_of_each_kind_and_no_meat_substitute_for_an_omnivore(
        week: WeekPlan, catalogue: Catalogue) -> None:
    entries = catalogue.entries
    ids = {i.food_id for d in week.days for i in d.items}
    by_kind: dict[str, set[str]] = {}
    for f in ids:
        by_kind.setdefault(str(entries.loc[f, "kind"]), set()).add(f)
    for kind in ("cow's milk", "plant milk", "cold cereal"):
        assert len(by_kind.get(kind, set())) <= 1, (kind, by_kind.get(kind))
    if week.options.diet in ("omnivore", "pescatarian"):
        assert not {"veggie burgers", "vegetarian fillets"} & set(by_kind)
        if "dairy" not in week.options.exclude:
            assert "plant milk" not in by_kind
    assert "chocolate milk" not in by_kind


def test_every_vegetable_subgroup_reaches_its_weekly_amount(week: WeekPlan,
                                                            catalogue: Catalogue) -> None:
    assert week.pattern is not None
    e = catalogue.entries
    for group, column in (("veg_dark_green", "veg_dark_green_cup"),
                          ("veg_red_orange", "veg_red_orange_cup"),
                          ("veg_beans", "veg_beans_cup"), ("veg_starchy", "veg_starchy_cup"),
                          ("veg_other", "veg_other_cup")):
        total = sum(float(e.loc[i.food_id, column]) * i.servings
                    for d in week.days for i in d.items)
        wanted = week.pattern.weekly(group)
        assert wanted is not None
        assert total >= wanted - 0.25, (group, total, wanted)
        if group not in ("veg_dark_green", "veg_beans"):
            assert total <= 2 * wanted + 1e-6, (group, total, wanted)


def test_portions_fit_the_person(week: WeekPlan, catalogue: Catalogue) -> None:
    """Recomputed from side_portions.csv's numbers, read here as a plain table."""
    e = catalogue.entries
    age = week.targets.profile.age
    eer = week.targets["energy_kcal"].value or 0
    rules = load_rules()
    with (MEALS / "side_portions.csv").open(newline="") as handle:
        table = list(csv.DictReader(handle))
    for day in week.days:
        for meal in day.meals:
            rows = e.loc[[i.food_id for i in meal.items]]
            measures = food_measures(rows, pd.Series(0.0, index=rows.index))
            for item in meal.items:
                role = str(e.loc[item.food_id, "role"])
                for r in table:
                    slots = r["slots"].split() if r["slots"] != "*" else [meal.slot]
                    if role in r["roles"].split() and meal.slot in slots and \
                            int(r["age_min"]) <= age <= int(r["age_max"]) and \
                            float(r["kcal_min"]) <= eer <= float(r["kcal_max"]):
                        per = float(measures.loc[item.food_id, r["measure"]])
                        step = float(e.loc[item.food_id, "step"])
                        # one step is the smallest amount a food comes in
                        assert per * item.servings <= max(float(r["max"]), per * step) \
                            + 1e-6, (item.text, r["why"])
    assert rules.sides  # the table the planner reads is the one checked here


def test_a_child_eats_child_size_portions(week: WeekPlan) -> None:
    """From the catalogue file as plain text: a child of 9-13 gets at most the food's
    child_max_servings at a meal (1/4 cup dried apricots, 1/2 cup avocado), everyone else at
    most max_servings (a side may grow only above 2,600 kcal, by at most 1.5 times)."""
    with (bundled_dir() / "recommended_foods.csv").open(newline="") as handle:
        rows = {r["food_id"]: r for r in csv.DictReader(handle)}
    child = 9 <= week.targets.profile.age <= 13
    eer = week.targets["energy_kcal"].value or 0
    for day in week.days:
        for item in day.items:
            row = rows[item.food_id]
            largest = float(row["max_servings"])
            if child and row["child_max_servings"]:
                largest = float(row["child_max_servings"])
            grow = 1.0 if row["role"] == "main" else min(1.5, max(1.0, eer / 2600))
            assert item.servings <= largest * grow + 1e-9, (day.day, item.text, largest)
    smaller = [r["short_name"] for r in rows.values() if r["child_max_servings"]]
    assert {"avocado", "dried apricots", "low-fat cottage cheese (no salt added)"} <= set(smaller)


def test_every_week_carries_the_cautions_for_its_person(week: WeekPlan) -> None:
    profile = week.targets.profile
    text = " ".join(week.notes)
    # no condition or medicine given: the potassium-rich plan says who must not follow it
    assert "raises blood potassium" in text and "--condition or --medicine" in text
    assert ("B12 supplement" in text) == (week.options.diet == "vegan")  # NIH ODS
    assert ("For a child or teenager" in text) == (profile.age < 18)


def test_a_dish_variant_widens_only_its_component(tmp_path: Path) -> None:
    (tmp_path / "food_choices.csv").write_text("match,allowed_for,why\n", encoding="utf-8")
    table = tmp_path / "dishes.csv"
    table.write_text("dish,slots,name,components,why,family,variants\n"
                     "t,dinner,{filling} tacos,tortilla:grain; filling:main.chicken,tacos,,"
                     "filling=main.beans|main.lentils\n", encoding="utf-8")
    (dish,) = load_dishes(tmp_path).dishes
    assert dish.variant("filling") == ("main.beans", "main.lentils")
    assert dish.variant("tortilla") == ()
    wide = dish.with_variants(["filling", "tortilla"])
    assert [c.selectors for c in wide.components] == [
        ("grain",), ("main.chicken", "main.beans", "main.lentils")]
    assert dish.with_variants(["tortilla"]) is dish  # no variant: the dish as it is
    table.write_text("dish,slots,name,components,why,family,variants\n"
                     "t,dinner,{filling} tacos,filling:main.chicken,tacos,,cheese=main.beans\n",
                     encoding="utf-8")
    with pytest.raises(DishError, match=r"bad variant 'cheese=main\.beans'"):
        load_dishes(tmp_path)


def test_the_bundled_variants_are_for_what_a_diet_leaves_out() -> None:
    dishes = load_dishes()
    assert dishes.by_id("tacos").variant("filling") == ("main.beans",)  # type: ignore[union-attr]
    with_variants = [d.id for d in dishes.dishes if d.variants]
    assert {"tacos", "meat_plate", "fish_plate", "pasta", "stir_fry", "burger"} <= \
        set(with_variants)
    # a variant is for a shared meal: lunches and dinners
    assert all(d.slots & {"lunch", "dinner"} for d in dishes.dishes if d.variants)
