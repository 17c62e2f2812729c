"""Shopping quantities in what you buy, worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.food.catalogue import Catalogue, amount_text
from planner.meals.shopping import (
    PANTRY_DAYS,
    Keeping,
    Stores,
    choose_pack,
    load_stores,
    purchase_quantity,
    shopping_list,
    waste,
)


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


@pytest.mark.parametrize(("grams", "unit", "unit_grams", "others", "chosen"), [
    (100.0, "dozen", 600.0, (("half-dozen", 300.0),), "half-dozen"),  # 2 eggs
    (600.0, "dozen", 600.0, (("half-dozen", 300.0),), "dozen"),
    (400.0, "dozen", 600.0, (("half-dozen", 300.0),), "dozen"),  # 8 eggs: as much left
    (732.0, "half-gallon", 1952.0, (("quart", 976.0),), "quart"),  # 3 cups of milk
    (1220.0, "half-gallon", 1952.0, (("quart", 976.0),), "half-gallon"),  # a tie: 1 pack
    (400.0, "tub (32 oz)", 907.0, (("container (7 oz)", 200.0),), "container (7 oz)"),
    (500.0, "lb", 454.0, (("bag", 100.0),), "lb"),  # by weight: as it is
])
def test_the_pack_that_leaves_least_over(grams: float, unit: str, unit_grams: float,
                                         others: tuple[tuple[str, float], ...],
                                         chosen: str) -> None:
    assert choose_pack(grams, unit, unit_grams, others)[0] == chosen


def test_half_a_dozen_eggs() -> None:
    assert purchase_quantity(100.0, "half-dozen", 300.0, {"egg_dish"}) == ("½ dozen", "2 eggs")


ENTRIES = pd.DataFrame(
    [{"short_name": "tahini", "buy": "tahini", "role": "spread", "section": "pantry",
      "buy_unit": "jar (16 oz)", "buy_unit_grams": 454.0, "raw_per_gram": 1.0,
      "portion_description": "1 tbsp", "portion_grams": 15.0, "say_one": "tbsp tahini",
      "say_many": "tbsp tahini"},
     {"short_name": "mango", "buy": "mangoes", "role": "fruit", "section": "produce",
      "buy_unit": "each", "buy_unit_grams": 336.0, "raw_per_gram": 1.0,
      "portion_description": "1 cup pieces", "portion_grams": 165.0,
      "say_one": "cup mango pieces", "say_many": "cups mango pieces"},
     {"short_name": "ground cumin", "buy": "ground cumin", "role": "seasoning",
      "section": "pantry", "buy_unit": "jar (1.5 oz)", "buy_unit_grams": 43.0,
      "raw_per_gram": 1.0, "portion_description": "1 tsp, whole", "portion_grams": 2.1,
      "say_one": "tsp ground cumin", "say_many": "tsp ground cumin"},
     {"short_name": "cooked brown rice", "buy": "brown rice (dry)", "role": "grain",
      "section": "pantry", "buy_unit": "bag (2 lb)", "buy_unit_grams": 907.0,
      "raw_per_gram": 0.36, "portion_description": "1 cup", "portion_grams": 202.0,
      "say_one": "cup cooked brown rice", "say_many": "cups cooked brown rice"}],
    index=["t", "m", "c", "r"])
STORES = Stores({"tahini": (("jar (10 oz)", 283.0),)},
                {"tahini": Keeping("3 weeks", 21, "fridge", True),
                 "mangoes": Keeping("1 week", 7, "fridge", False, "6-8 months"),
                 "ground cumin": Keeping("3-4 years", 1460, "pantry", False)})


def test_a_list_says_what_is_left_over_in_the_meals_words() -> None:
    lines = {line.buy: line for line in shopping_list(
        {"t": 60.0, "m": 330.0, "c": 3.15}, ENTRIES, STORES)}
    tahini = lines["tahini"]  # 4 tbsp: the 10 oz jar leaves least over
    assert (tahini.quantity, tahini.uses) == ("1 jar (10 oz)", "¼ cup (60 g)")
    assert tahini.bought_grams == 283.0 and tahini.left_grams == pytest.approx(223.0)
    assert tahini.left_over == ("uses 60 g of a 283 g jar; keeps 3 weeks in the fridge "
                                "once opened")
    mango = lines["mangoes"]  # 2 cups of pieces: one mango (336 g of flesh)
    assert (mango.quantity, mango.uses, mango.left_over) == ("1", "2 cups (330 g)", "")
    cumin = lines["ground cumin"]
    assert cumin.pantry and cumin.uses == "1½ tsp (3 g)" and not cumin.left_over
    assert cumin.as_dict()["keeps"] == "keeps 3-4 years in the pantry"


def test_the_waste_figure_counts_what_is_not_pantry() -> None:
    lines = shopping_list({"t": 60.0, "m": 330.0, "c": 3.15, "r": 303.0}, ENTRIES, STORES)
    w = waste(lines)
    # tahini 283 bought for 60; mango 336 for 330; rice (no keeping row: not pantry) a
    # 907 g bag for 109 g dry; cumin a pantry line, not counted
    assert w.bought == pytest.approx(283 + 336 + 907)
    assert w.used == pytest.approx(60 + 330 + 303 * 0.36)
    assert w.left == pytest.approx(223 + 6 + 907 - 303 * 0.36)
    assert w.perishable == pytest.approx(w.left)  # none keeps a month
    assert w.pantry_lines == 1
    assert w.as_dict()["left_perishable_grams"] == round(w.perishable, 1)
    assert w.words() == (
        "The list buys 1.5 kg of food for the 499 g the plan uses: 1.0 kg left over "
        "(67 %), 1.0 kg of it keeping less than a month once opened (USDA FoodKeeper). "
        "Pantry items that keep for months (spices, oils, vinegar, dry grains and the "
        "like: 1 line) are not counted: buy them if you have none.")


def test_the_bundled_stores_cover_every_purchase(catalogue: Catalogue) -> None:
    stores = load_stores()
    buys = set(catalogue.entries["buy"])
    assert buys <= set(stores.keeping)  # a keeping time for every purchase
    assert set(stores.packs) <= buys  # packs only for what is bought
    assert stores.keeping["tahini"].words() == "keeps 3 weeks in the fridge once opened"
    assert stores.keeping["ground cumin"].days >= PANTRY_DAYS
    assert stores.keeping["large eggs"].days < 60
    assert ("half-dozen", 300.0) in stores.packs["large eggs"]
