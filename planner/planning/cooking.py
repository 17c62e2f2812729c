"""How a planned week is cooked: each dish meal's name said for its amounts, its method
(:mod:`planner.meals.recipes`) and the seasonings it is cooked with
(:mod:`planner.meals.dishes`), which the shopping list buys.

The planner chooses foods and, with each dish, its seasonings (counted in every total);
this module words what it chose. Where a meal's items do not hold its seasonings (a meal
kept from a week saved before they were counted), their grams come back for the
shopping list and the week says what they would add to its sodium.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import cast

import pandas as pd

from planner.food.catalogue import SEASONING, Catalogue, select
from planner.food.data import FoodTable
from planner.meals.dishes import Dishes, seasoning_rows
from planner.meals.recipes import Recipes, meal_method
from planner.planning.records import DayPlan, Meal


@dataclass(frozen=True)
class Cooked:
    """A week's days with their methods; ``seasonings``: grams of each seasoning (food id)
    the methods use that the meals' items do not hold; ``sodium``: per day, the sodium
    (mg) those add, in day order."""

    days: tuple[DayPlan, ...]
    seasonings: dict[str, float]
    sodium: tuple[float, ...]


def cook_days(days: Sequence[DayPlan], catalogue: Catalogue, table: FoodTable,
              diet: str, exclude: Sequence[str], dishes: Dishes, recipes: Recipes,
              kept: Mapping[tuple[int, str], str] | None = None,
              health: Sequence[str] = ()) -> Cooked:
    """Every dish meal of ``days`` with its name for its amounts and its method, for a
    person of ``diet`` and exclusions ``exclude`` (whose seasonings are theirs: no soy
    sauce with a soy allergy) and the food-choice tags ``health`` of their conditions and
    medicines (no tomato purée with a potassium limit: ``food_choices.csv``). A meal of
    food already eaten, or of foods from outside the catalogue, is left as it is.
    ``kept``: (day, slot) -> the dish a kept meal was saved as; it stays that dish where
    its foods make it (the same foods can make a curry or a bowl, and a kept meal is kept
    as it was)."""
    entries = catalogue.entries
    allowed = select(catalogue, diet, exclude, seasonings=True)
    allowed = allowed[dishes.suited(allowed, diet, (), health)]
    extra: dict[str, float] = {}
    sodium = []
    out = []
    for day in days:
        meals = []
        added = 0.0
        for meal in day.meals:
            saved = (kept or {}).get((day.day, meal.slot), "")
            cooked, grams = _cook(meal, entries, allowed, dishes, recipes, saved)
            meals.append(cooked)
            for food_id, g in grams.items():
                extra[food_id] = extra.get(food_id, 0.0) + g
                value = float(cast(float, table.foods.at[food_id, "sodium_mg"]))
                added += 0.0 if math.isnan(value) else value * g / 100
        sodium.append(added)
        out.append(replace(day, meals=tuple(meals)))
    return Cooked(tuple(out), extra, tuple(sodium))


def _cook(meal: Meal, entries: pd.DataFrame, allowed: pd.DataFrame, dishes: Dishes,
          recipes: Recipes, saved: str = "") -> tuple[Meal, dict[str, float]]:
    """The meal named and with its method, and the grams of seasoning its items lack;
    ``saved``: the dish it was saved as, kept if its foods make it."""
    dish = dishes.by_id(meal.dish_id) if meal.dish_id else None
    if dish is None or any(i.eaten or i.food_id not in entries.index for i in meal.items):
        return meal, {}
    seasoning = [i for i in meal.items if entries.at[i.food_id, "role"] == SEASONING]
    items = [i for i in meal.items if i not in seasoning]
    foods = entries.loc[[i.food_id for i in items]]
    was = dishes.by_id(saved) if saved else None
    if was is not None and meal.slot in was.slots and not was.problems(foods):
        dish = was
    servings = [i.servings for i in items]
    chosen = seasoning_rows(dish, foods, allowed)
    method = meal_method(recipes, dish, foods, servings, chosen, allowed,
                         counted=bool(seasoning))
    grams: dict[str, float] = {}
    for row, s in ([] if seasoning else chosen):
        grams[row.food_id] = grams.get(row.food_id, 0.0) + \
            s * float(cast(float, allowed.at[row.food_id, "portion_grams"]))
    return replace(meal, dish=dish.title(foods, servings), dish_id=dish.id,
                   method=method), grams


def seasoning_note(cooked: Cooked) -> str | None:
    """What the methods' seasonings add that the totals do not count (None: nothing)."""
    if not cooked.seasonings:
        return None
    low, high = min(cooked.sodium), max(cooked.sodium)
    span = f"{low:,.0f}" if round(low) == round(high) else f"{low:,.0f}-{high:,.0f}"
    return ("Meals kept from a week saved before seasonings were counted: their "
            "seasonings (onion, garlic, herbs and spices, soy sauce, broth, salsa, lemon) "
            "are on the shopping list but not in the nutrient totals above: they add "
            f"{span} mg of sodium a day (USDA), before any salt.")
