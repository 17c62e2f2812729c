"""How a planned week is cooked: each dish meal's name said for its amounts, its method
(:mod:`planner.meals.recipes`) and the seasonings it is cooked with
(:mod:`planner.meals.dishes`), which the shopping list buys; and a household's shared
meal cooked as one pot (:func:`dish_method` with ``eaters``), with a line for each food a
sharer has apart in place of the house's (:func:`apart_words`).

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
from planner.meals.dishes import Dish, Dishes, Seasoning, dish_word, seasoning_rows
from planner.meals.recipes import Method, Recipes, meal_method, preparation
from planner.planning.records import DayPlan, Meal, PlanItem
from planner.words import and_list, grams_words, with_amount


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
    allowed = seasoned_from(catalogue, diet, exclude, dishes, health)
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


def seasoned_from(catalogue: Catalogue, diet: str, exclude: Sequence[str], dishes: Dishes,
                  health: Sequence[str] = ()) -> pd.DataFrame:
    """The catalogue rows a person of ``diet``, exclusions ``exclude`` and the food-choice
    tags ``health`` may have, seasonings among them: what their meals' seasonings are
    chosen from (no soy sauce with a soy allergy)."""
    allowed = select(catalogue, diet, exclude, seasonings=True)
    return allowed[dishes.suited(allowed, diet, (), health)]


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
    method, chosen = dish_method(recipes, dish, foods, servings, allowed,
                                 counted=bool(seasoning))
    grams: dict[str, float] = {}
    for row, s in ([] if seasoning else chosen):
        grams[row.food_id] = grams.get(row.food_id, 0.0) + \
            s * float(cast(float, allowed.at[row.food_id, "portion_grams"]))
    return replace(meal, dish=dish.title(foods, servings), dish_id=dish.id,
                   method=method), grams


def dish_method(recipes: Recipes, dish: Dish, foods: pd.DataFrame, servings: Sequence[float],
                allowed: pd.DataFrame, *, counted: bool = False,
                eaters: Sequence[pd.DataFrame] | None = None
                ) -> tuple[Method | None, list[tuple[Seasoning, float]]]:
    """The method of a meal of ``dish`` (None: the dish has no recipe) and the seasoning
    rows it is cooked with, each with its servings: ``foods`` are the catalogue rows of
    its foods, ``servings`` their amounts in catalogue portions, ``allowed`` what its
    seasonings are chosen from (:func:`seasoned_from`; ``counted``: the meal's items hold
    them). For one person by default; ``eaters`` makes it a pot for several: each eater's
    own foods (catalogue rows), and each seasoning is for as many servings as eaters whose
    foods call for it (thyme for those who have the pork, not for one who has tofu)."""
    chosen = seasoning_rows(dish, foods, allowed)
    if eaters is not None:
        chosen = [(row, s * n) for row, s in chosen
                  if (n := sum(row.holds(mine) for mine in eaters))]
    method = meal_method(recipes, dish, foods, servings, chosen, allowed, counted=counted)
    if method is not None and eaters is not None:
        method = replace(method, servings=len(eaters))
    return method, chosen


def apart_words(recipes: Recipes, dish: Dish, food: pd.DataFrame,
                portions: Sequence[tuple[str, PlanItem]], instead: Sequence[str], *,
                only: bool = False, own_pan: bool = False,
                by_choice: Sequence[str] = ()) -> str:
    """The line for a food some sharers of a pot have apart in place of the house's:
    "For leo: ¾ cup cooked lentils (148 g) in place of the kidney beans; keep the kidney
    beans out of leo's share: add the kidney beans to the others' plates only. Apart,
    simmer 50 g (about ¼ cup) dry lentils in ¾ cup water until tender, 20-25 min;
    drain."; with ``only``, for a food only some sharers
    have, on their plates: "On mia's plate only: 1 oz part-skim mozzarella (28 g)."
    ``food``: its catalogue row (a frame of one row); ``portions``: (who, their item) of each who
    has it ("For ben and leo: 1½ cups kidney beans (266 g) each", "For leo and sam: leo
    ¾ cup ... and sam 1 cup ..."); ``instead``: the catalogue short names of the house's
    foods it replaces; ``own_pan``: the method cooks the house's food in the pan the
    others' food is made in (shrimp in the oil the sauce is then made with), so the line
    says to cook it in a pan of its own, its juices kept out of the sharers' food;
    ``by_choice``: those of them whose diet allows the house's food (the line says they
    have this for their own targets, not a diet's). The preparation is for all of them
    together."""
    who = [m for m, _ in portions]
    amounts = [with_amount(i.text or i.name, grams_words(i.grams)) for _, i in portions]
    said = amounts[0] if len(portions) == 1 else f"{amounts[0]} each" \
        if len(set(amounts)) == 1 else \
        and_list(f"{m} {a}" for m, a in zip(who, amounts, strict=True))
    owners = and_list(f"{m}'s" for m in who)
    text = f"On {owners} {'plate' if len(who) == 1 else 'plates'} only: {said}" if only \
        else f"For {and_list(who)}: {said}"
    if instead:  # the house's food may go into a sauce or pan that everyone shares
        replaced = and_list(dish_word(n) for n in instead)
        shares = owners + (" share" if len(who) == 1 else " shares")
        chose = [m for m in who if m in by_choice]
        whose = and_list(f"{m}'s" for m in chose)
        why = f", for {whose} own targets (not a diet's: {and_list(chose)} may have the " \
            f"{replaced} too)" if chose else ""
        # the house's food goes to the others' plates only: setting a share aside before
        # it goes in would leave out what goes in with it (the pasta's peas)
        text += f" in place of the {replaced}{why}; keep the {replaced} out of {shares}: " \
            + (f"cook the {replaced} in a pan of its own with a little of the oil and add "
               "it to the others' plates" if own_pan else
               f"add the {replaced} to the others' plates only")
    how = preparation(recipes, dish, food, sum(i.servings for _, i in portions))
    return f"{text}." + (f" Apart, {how}." if how else "")


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
