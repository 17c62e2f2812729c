"""Checking a plan independently of the solver: every day's totals recomputed from the food
table and the chosen grams against the applied targets and the block energy mean, and
every meal, portion and week's fish against the rule, dish and catalogue tables.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from planner.food.catalogue import SEASONING, SLOTS, Catalogue, most_servings, select
from planner.food.data import FoodTable
from planner.food.nutrients import NUTRIENT_NAMES
from planner.meals.dishes import Dish, Dishes, load_dishes, seasoning_items
from planner.meals.rules import (
    COUNT_MEASURES,
    Rules,
    condition_holds,
    fish_group,
    fish_problems,
    fish_serving_oz,
    food_measures,
    grown_servings,
    meal_caps,
    meal_problems,
    rule_bounds,
    unsuitable_fish,
)
from planner.person.health import active_rules
from planner.person.supplements import amounts as supplement_amounts
from planner.planning.cooking import seasoned_from
from planner.planning.records import (
    KCAL_PER_GRAM,
    MIN_BLOCK_FOR_WEEKLY,
    WINDOW,
    PlanItem,
    WeekPlan,
    energy_block_misses,
)


def verify_week(week: WeekPlan, table: FoodTable, catalogue: Catalogue | None = None,
                rules: Rules | None = None, tolerance: float = 1e-6, *,
                waived: Collection[tuple[str, str]] = (),
                dishes: Dishes | None = None) -> list[str]:
    """Recompute every day's totals from the food table and the chosen grams and check
    them against the applied targets and the block energy mean; with the ``catalogue`` and
    ``rules``, check every meal against the meal rules and every day's food groups against
    the pattern. Return a list of problems (empty when the plan holds). Independent of the
    solver: it reads only the foods, the grams, the table, the catalogue and the rules.
    ``waived`` (nutrient, bound) pairs are misses the plan reports (a filled day), and
    meals of eaten food are not judged by the meal rules. ``dishes``: the dish table the
    meals are judged by (default: the bundled one; a household member's has the
    variants of the dishes they share)."""
    problems = []
    days = week.days
    for d in days:
        grams = np.array([i.grams for i in d.items])
        ids = [i.food_id for i in d.items]
        values = np.nan_to_num(table.foods.loc[ids, list(NUTRIENT_NAMES)].to_numpy(float))
        totals = dict(zip(NUTRIENT_NAMES, values.T @ grams / 100.0, strict=True))
        for n, t in week.applied.items():
            value = totals[n]
            slack = tolerance * max(1.0, abs(value))
            if t.min is not None and t.min_hard and t.basis == "daily" and \
                    value < t.min - slack and (n, "min") not in waived:
                problems.append(f"day {d.day}: {n} {value:.4g} < min {t.min:g}")
            if t.max is not None and value > t.max + slack and (n, "max") not in waived:
                problems.append(f"day {d.day}: {n} {value:.4g} > max {t.max:g}")
            if t.pct_energy is not None and totals["energy_kcal"] > 0 and \
                    not {(n, "pct_min"), (n, "pct_max")} & set(waived):
                pct = 100 * value * KCAL_PER_GRAM[n] / totals["energy_kcal"]
                if not t.pct_energy[0] - 1e-4 <= pct <= t.pct_energy[1] + 1e-4:
                    problems.append(f"day {d.day}: {n} {pct:.3g} % of energy outside "
                                    f"{t.pct_energy}")
            if abs(d.totals[n] - value) > slack:
                problems.append(f"day {d.day}: reported {n} {d.totals[n]:.6g} != "
                                f"recomputed {value:.6g}")
    for n, t in week.applied.items():
        if t.basis == "week_average" and t.min is not None and (n, "min") not in waived:
            average = sum(d.totals[n] for d in days) / len(days)
            if average < t.min * (1 - tolerance):
                problems.append(f"{n} average {average:.4g} < min {t.min:g}")
    if week.targets.supplements:
        problems += _verify_supplements(week, table, tolerance, waived)
    eer = week.targets["energy_kcal"].value
    if eer and not {("energy_kcal", "min"), ("energy_kcal", "max")} & set(waived):
        within = week.options.week_energy_tolerance  # (``tolerance`` is rounding's)
        for first, last, mean, _ in energy_block_misses(days, eer, within):
            problems.append(f"days {first}-{last}: mean energy {mean:.0f} kcal is not "
                            f"within {100 * within:.0f} % of {eer:.0f}")
    if catalogue is not None and rules is not None and not catalogue.generic:
        problems += _verify_rules(week, catalogue, rules, waived, dishes)
    return problems


def _verify_supplements(week: WeekPlan, table: FoodTable, tolerance: float,
                        waived: Collection[tuple[str, str]]) -> list[str]:
    """Food and supplements together against the person's targets (not food's share of
    them): every hard minimum met (daily, or on the average where the plan averages it),
    and no cap passed unless the supplements alone leave food less than the RDA or AI
    under it (the warnings then say the total passes it). The supplements' amounts are
    taken from the targets' supplement list, independently of the applied bounds."""
    problems = []
    given = supplement_amounts(week.targets.supplements)
    for n, amount in given.items():
        t = week.targets.items.get(n)
        applied = week.applied.get(n)
        if t is None or applied is None:
            problems.append(f"{n}: a supplement with no target")
            continue
        if abs(applied.supplement - amount) > tolerance * max(1.0, amount):
            problems.append(f"{n}: the plan counted {applied.supplement:.6g} from "
                            f"supplements, they give {amount:.6g}")
        intakes = []
        for d in week.days:
            grams = np.array([i.grams for i in d.items])
            values = np.nan_to_num(table.foods.loc[[i.food_id for i in d.items], n]
                                   .to_numpy(float))
            intakes.append(float(values @ grams / 100.0) + amount)
        slack = tolerance * max(1.0, t.min or 1.0)
        if t.min is not None and applied.min_hard and (n, "min") not in waived:
            judged = [sum(intakes) / len(intakes)] if applied.basis == "week_average" \
                else intakes
            if min(judged) < t.min - slack:
                problems.append(f"{n}: food and supplements {min(judged):.4g} < min "
                                f"{t.min:g}")
        if t.max is not None and (n, "max") not in waived:
            room = amount + (t.food_max() or 0.0)  # the floor: food keeps its RDA
            if max(intakes) > max(t.max, room) + slack:
                problems.append(f"{n}: food and supplements {max(intakes):.4g} > max "
                                f"{t.max:g}")
    return problems


def _verify_rules(week: WeekPlan, catalogue: Catalogue, rules: Rules,
                  waived: Collection[tuple[str, str]] = (),
                  dishes: Dishes | None = None) -> list[str]:
    """Meal rules, dishes and portions per meal, from the catalogue and the rule and dish
    tables alone: every meal a dish of the table with its required components, every
    food within its portion for the person's age and energy need."""
    problems = []
    entries = catalogue.entries
    allowed = select(catalogue, week.options.diet, week.options.exclude)
    dishes = dishes or load_dishes()
    profile = week.targets.profile
    tags = [tag for rule in active_rules(profile.conditions, profile.medicines)
            for tag in rule.choices]
    # what this person's dishes are cooked with: no tomato purée with a potassium limit
    seasonings = seasoned_from(catalogue, week.options.diet, week.options.exclude, dishes,
                               tags)
    caps = {slot: meal_caps(rules.meals, slot, allowed) for slot in SLOTS}
    age = week.targets.profile.age
    eer = week.targets["energy_kcal"].value or 0.0
    # every food of the plan read once: its catalogue row, food-group measures per
    # serving, largest portion for the person, role and serving step
    planned = list(dict.fromkeys(i.food_id for d in week.days for m in d.meals
                                 if not any(i.eaten for i in m.items) for i in m.items))
    rows = entries.loc[planned]
    per_serving = food_measures(rows, pd.Series(0.0, index=rows.index))
    measure_rows = {f: {str(k): float(v) for k, v in r.items()}
                    for f, r in zip(per_serving.index, per_serving.to_dict("records"),
                                    strict=True)}
    largest = most_servings(rows, age).to_dict()
    role_of = {str(k): str(v) for k, v in rows["role"].items()}
    step_of = rows["step"].astype(float).to_dict()
    for d in week.days:
        for meal in d.meals:
            if any(i.eaten for i in meal.items):
                continue  # what was eaten is not judged
            where = f"day {d.day} {meal.slot}"
            ids = [i.food_id for i in meal.items]
            foods = rows.loc[ids]
            roles = [role_of[f] for f in ids if role_of[f] != SEASONING]
            problems += [f"day {d.day} {p}" for p in meal_problems(meal.slot, roles,
                                                                 rules.meals, caps[meal.slot])]
            if len(set(ids)) != len(meal.items):
                problems.append(f"{where}: a food twice in one meal")
            served = per_serving.loc[ids].mul(np.array([i.servings for i in meal.items]),
                                              axis=0)
            dish = dishes.by_id(meal.dish_id)
            if dish is None or meal.slot not in dish.slots:
                problems.append(f"{where}: {meal.dish or 'the meal'} is no dish of the table")
            elif dish.problems(foods, served):
                problems.append(f"{where}: {'; '.join(dish.problems(foods, served))}")
            elif not meal.dish:
                problems.append(f"{where}: the meal has no dish name")
            if dish is not None:
                problems += [f"{where}: {p}" for p in _seasoning_problems(
                    dish, meal.items, foods, role_of, seasonings)]
            for rule in rules.meal_total_caps(meal.slot, age, eer):
                counted = rule.measure in COUNT_MEASURES  # foods, not amounts
                total = sum(float(measure_rows[i.food_id][rule.measure] > 0) if counted
                            else measure_rows[i.food_id][rule.measure] * i.servings
                            for i in meal.items if role_of[i.food_id] in rule.roles)
                if total > rule.max + 1e-6:
                    problems.append(f"{where}: {total:.3g} {rule.measure} together is more "
                                    f"than {rule.max:g} ({rule.why})")
            for item in meal.items:
                role = role_of[item.food_id]
                step = step_of[item.food_id]
                most_for = float(largest[item.food_id]) if role == "main" else \
                    grown_servings(float(largest[item.food_id]), step, eer)
                if item.servings > most_for + 1e-6:
                    problems.append(f"{where}: {item.servings:g} servings of {item.name} is "
                                    "more than the catalogue's largest portion for the "
                                    "person")
                most = rules.side_cap(role, meal.slot, age, eer, measure_rows[item.food_id])
                if most is not None and \
                        item.servings > max(step, math.floor(most / step + 1e-6) * step) + 1e-6:
                    problems.append(f"{where}: {item.servings:g} servings of {item.name} is "
                                    "more than one portion for the person")
    problems += _meal_variety(week, role_of)
    if week.pattern is not None:
        profile = week.targets.profile
        problems += _day_rule_maxima(week, rules, allowed, measure_rows,
                                     fish_group(profile.age, profile.life_stage), profile.age,
                                     waived)
    if week.pattern is not None and not any(i.eaten for d in week.days for i in d.items):
        profile = week.targets.profile
        group = fish_group(profile.age, profile.life_stage)
        oz_per_gram = (entries["protein_seafood_oz"] / entries["portion_grams"]).to_dict()
        seafood: list[dict[str, float]] = []
        for d in week.days:
            seafood.append({})
            for i in d.items:
                if i.food_id in oz_per_gram:
                    oz = float(oz_per_gram[i.food_id]) * i.grams
                    seafood[-1][i.food_id] = seafood[-1].get(i.food_id, 0.0) + oz
        if group:
            allowed = allowed.drop(index=unsuitable_fish(allowed, rules.fish))
        problems += fish_problems(seafood, rules, allowed, group,
                                  fish_serving_oz(profile.age), week.pattern, window=WINDOW,
                                  min_block=MIN_BLOCK_FOR_WEEKLY, waived=waived,
                                  age=profile.age)
    return problems


def _seasoning_problems(dish: Dish, items: Sequence[PlanItem], foods: pd.DataFrame,
                        role_of: Mapping[str, str], seasonings: pd.DataFrame) -> list[str]:
    """A dish meal's seasoning items against what ``seasonings.csv`` says the dish is
    cooked with for its foods (:func:`planner.meals.dishes.seasoning_items`): each in
    its amount, none missing, none extra. A meal without any is one saved before
    seasonings were counted (the week's notes say what they add)."""
    held = {i.food_id: i.servings for i in items if role_of[i.food_id] == SEASONING}
    if not held:
        return []
    meal_foods = foods[[role_of[i.food_id] != SEASONING for i in items]]
    wanted = dict(seasoning_items(dish, meal_foods, seasonings))
    out = []
    for food_id in sorted(set(held) | set(wanted)):
        name = str(seasonings.at[food_id, "short_name"]) if food_id in seasonings.index \
            else food_id
        have, want = held.get(food_id, 0.0), wanted.get(food_id, 0.0)
        if abs(have - want) > 1e-6:
            out.append(f"{name}: {have:g} servings where {dish.id} is cooked with "
                       f"{want:g}")
    return out


#: The variety rules of meals (as planning/plan.py keeps them): a main with the same grain
#: or starch not again within PAIR_DAYS days, the same lunch or dinner (its foods less
#: drink, oil and seasonings) not twice within WINDOW days.
PAIR_DAYS = 3
MEAL_VARIETY_SLOTS = ("lunch", "dinner")
MEAL_VARIETY_IGNORES = ("milk_drink", "juice", "oil", SEASONING)


def _meal_variety(week: WeekPlan, role_of: Mapping[str, str]) -> list[str]:
    """Repeated lunches and dinners, from the foods of the planned meals alone."""
    meals = []
    for d in week.days:
        for meal in d.meals:
            if meal.slot not in MEAL_VARIETY_SLOTS or any(i.eaten for i in meal.items):
                continue
            foods = frozenset(i.food_id for i in meal.items
                              if role_of.get(i.food_id, "") not in MEAL_VARIETY_IGNORES)
            pairs = {(m, g) for m in foods if role_of.get(m) == "main"
                     for g in foods if role_of.get(g) in ("grain", "starch")}
            meals.append((d.day, meal.slot, foods, pairs))
    out = []
    for n, (day, slot, foods, pairs) in enumerate(meals):
        for day2, slot2, foods2, pairs2 in meals[n + 1:]:
            if day2 == day:
                continue
            if day2 - day < PAIR_DAYS and pairs & pairs2:
                out.append(f"day {day} {slot} and day {day2} {slot2}: the same main and "
                           f"grain within {PAIR_DAYS} days")
            elif day2 - day < WINDOW and len(foods) >= 2 and foods == foods2:
                out.append(f"day {day} {slot} and day {day2} {slot2}: the same meal within "
                           f"{WINDOW} days")
    return out


def _day_rule_maxima(week: WeekPlan, rules: Rules, allowed: pd.DataFrame,
                     measure_rows: Mapping[str, Mapping[str, float]], group: str, age: int,
                     waived: Collection[tuple[str, str]]) -> list[str]:
    """Every hard daily maximum of ``day_rules.csv`` that applies to the person (grains,
    protein foods, legumes, fish mains, milk drinks, plant milk and yogurt, yogurts),
    recomputed from the items of each day without eaten food; seafood is
    :func:`fish_problems`'s. A count measure counts items."""
    assert week.pattern is not None
    out = []
    for rule in rules.days:
        if rule.basis != "day" or not rule.hard or rule.max is None or \
                rule.measure in ("protein_seafood", "seafood_good") or \
                rule.scale in ("pct_energy", "grains", "fish_serving") or \
                (rule.measure, "max") in waived or \
                not condition_holds(rule.applies, allowed, group, age):
            continue
        bounds = rule_bounds(rule, week.pattern)
        if bounds is None or bounds[1] is None:
            continue
        most = bounds[1]
        for d in week.days:
            if any(i.eaten for i in d.items):
                continue
            if rule.measure in COUNT_MEASURES:
                total = float(sum(measure_rows[i.food_id][rule.measure] > 0
                                  for i in d.items))
            else:
                total = sum(measure_rows[i.food_id][rule.measure] * i.servings
                            for i in d.items)
            if total > most + 1e-6 * max(1.0, most):
                out.append(f"day {d.day}: {rule.measure} {total:.3g} > {most:.3g} "
                           f"({rule.why})")
    return out
