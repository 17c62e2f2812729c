"""Reading what a person ate: amounts, measures and food names (issue 13).

Grams are hand-checked against the bundled SR28 portions: a medium banana is 118 g, a cup
of cooked oatmeal 234 g, a slice of whole-wheat bread 32 g, a cup of skim milk 245 g, two
tablespoons of peanut butter 32 g, an ounce 28.35 g.
"""

from __future__ import annotations

import pytest

from planner.errors import IntakeError
from planner.food.catalogue import Catalogue
from planner.food.data import FoodTable
from planner.food.intake import (
    MAX_ITEM_GRAMS,
    _quantity,
    _split_measure,
    _tokens,
    nutrient_amounts,
    parse_eaten,
    parse_item,
)


@pytest.mark.parametrize(("text", "value"), [
    ("1 cup", 1.0), ("1.5 cups", 1.5), ("1/2 cup", 0.5), ("1 1/2 cups", 1.5),
    ("½ cup", 0.5), ("1½ cups", 1.5), ("1 ½ cups", 1.5), ("a cup", 1.0), ("an apple", 1.0),
    ("two slices", 2.0), ("half a cup", 0.5), ("a half cup", 0.5), ("150g", 150.0),
    ("2 x 150 g", 300.0), ("banana", None),
])
def test_amounts(text: str, value: float | None) -> None:
    quantity, _ = _quantity(_tokens(text))
    assert (None if quantity is None else float(quantity)) == value


@pytest.mark.parametrize(("text", "amount", "head", "size"), [
    ("0.5 cup, chopped", 0.5, "cup", ""), ('medium (7" to 7-7/8" long)', 1.0, "medium",
                                           "medium"),
    ("1 potato medium", 1.0, "potato", "medium"), ("tablespoon", 1.0, "tbsp", ""),
    ("fl oz", 1.0, "fl oz", ""), ("slices", 1.0, "slice", ""), ("1/2 cup", 0.5, "cup", ""),
])
def test_measures_are_normalised(text: str, amount: float, head: str, size: str) -> None:
    assert _split_measure(text) == (amount, head, size)


@pytest.mark.parametrize(("text", "food_id", "grams"), [
    ("1 medium banana", "09040", 118.0),
    ("1 banana", "09040", 118.0),  # no measure: the catalogue's count portion
    ("an apple", "09003", 182.0),
    ("1 cup cooked oatmeal", "08121", 234.0),
    ("2 slices whole-wheat bread", "18075", 64.0),
    ("1 1/2 cups skim milk", "01085", 367.5),
    ("250 ml skim milk", "01085", 250 / 236.5882365 * 245),  # via the cup
    ("8 fl oz skim milk", "01085", 245.0),
    ("2 tbsp peanut butter", "16398", 32.0),
    ("150 g cooked sockeye salmon", "15086", 150.0),
    ("4 oz cooked sockeye salmon", "15086", 4 * 28.349523125),
    ("0.25 lb cheddar cheese", "01009", 0.25 * 453.59237),
    ("100g almonds", "12061", 100.0),
    ("half a cup of almonds", "12061", 71.5),
    ("2 hard-boiled eggs", "01129", 100.0),  # "hard-boiled" was not a measure
    ("1 medium baked potato (with skin)", "11674", 173.0),  # size inside "potato medium"
    ("1 cup 14209", "14209", 237.0),  # a food-table id
    ("1 cup brewed coffee prepared with tap water", "14209", 237.0),  # the plain one
])
def test_items(bundled: FoodTable, catalogue: Catalogue, text: str, food_id: str,
               grams: float) -> None:
    item = parse_item(text, bundled, catalogue)
    assert item.food_id == food_id
    assert item.grams == pytest.approx(grams, rel=1e-3)
    assert item.said == text


def test_wording_is_household(bundled: FoodTable, catalogue: Catalogue) -> None:
    assert parse_item("2 slices whole-wheat bread", bundled, catalogue).text == \
        "2 slices whole-wheat bread"
    assert parse_item("1½ cups skim milk", bundled, catalogue).text == "1½ cups skim milk"
    assert parse_item("150 g cooked sockeye salmon", bundled, catalogue).text == \
        "150 g sockeye salmon, cooked"


@pytest.mark.parametrize(("text", "message"), [
    ("150 g salmon", r"'salmon' matches 4 foods: Atlantic salmon, farmed, cooked; sockeye "),
    ("1 cup milk", r"'milk' matches \d+ foods: 1% milk; 2% milk"),
    ("1 cup coffee", r"'coffee' matches \d+ foods in the food table, e\.g\. \d{5} "),
    ("1 cup spinnach", r"no food matches 'spinnach'; closest: raw spinach; cooked spinach"),
    ("1 cup banana bread pudding zzz", r"no food matches"),
    ("1 cup", r"no food named"),
    ("14209", r"no food named"),
    ("5000 g banana", r"is 5,000 g: more than one person eats at once"),
    ("0 g banana", r"the amount must be more than 0"),
    ("1 cup cooked sockeye salmon", r"USDA gives no 'cup' measure for sockeye salmon"),
])
def test_bad_items_name_the_problem(bundled: FoodTable, catalogue: Catalogue, text: str,
                                    message: str) -> None:
    with pytest.raises(IntakeError, match=message):
        parse_item(text, bundled, catalogue)


def test_a_list_is_all_or_nothing_with_meal_labels(bundled: FoodTable,
                                                   catalogue: Catalogue) -> None:
    items = parse_eaten("breakfast: 1 cup cooked oatmeal; 1 medium banana\n"
                        "dinner: 150 g cooked sockeye salmon; 1 apple", bundled, catalogue,
                        meal="lunch")
    assert [(i.food_id, i.meal) for i in items] == [
        ("08121", "breakfast"), ("09040", "breakfast"), ("15086", "dinner"),
        ("09003", "dinner")]
    unlabelled = parse_eaten("1 banana; 1 apple", bundled, catalogue, meal="snack")
    assert {i.meal for i in unlabelled} == {"snack"}
    with pytest.raises(IntakeError, match="'1 cup zzzz'"):
        parse_eaten("1 banana; 1 cup zzzz; 1 apple", bundled, catalogue)
    with pytest.raises(IntakeError, match="nothing given"):
        parse_eaten(" ; ;", bundled, catalogue)
    with pytest.raises(IntakeError, match="meal: 'brunch'"):
        parse_eaten("1 banana", bundled, catalogue, meal="brunch")


def test_food_table_foods_count_and_unknown_values_are_not_zero(
        bundled: FoodTable, catalogue: Catalogue) -> None:
    coffee = parse_item("1 cup 14209", bundled, catalogue)
    assert not coffee.in_catalogue
    row = bundled.foods.loc["14209"]
    totals, unknown = nutrient_amounts([("14209", 237.0), ("99999", 10.0)], bundled,
                                       ["magnesium_mg", "vitamin_d_ug"])
    assert totals["magnesium_mg"] == pytest.approx(float(row["magnesium_mg"]) * 2.37)
    assert unknown[""] == ("99999",)  # a food the table lacks is listed, not zero
    if row.isna()["vitamin_d_ug"]:
        assert "14209" in unknown["vitamin_d_ug"]


def test_item_cap_is_a_plausible_meal() -> None:
    assert 1000 < MAX_ITEM_GRAMS <= 5000
