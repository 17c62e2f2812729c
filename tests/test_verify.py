"""The rules of issue #37 phase 2 as the planner keeps them and as verify_week checks them
from the catalogue and the grams alone: a three-day plan for a man of 78 is planned once,
then tampered with, one broken rule at a time."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.errors import PlanRequestError
from planner.food.catalogue import SEASONING, Catalogue, select
from planner.food.data import FoodTable
from planner.meals.dishes import load_dishes, seasoning_items
from planner.meals.rules import fish_problems, load_rules
from planner.person.profile import make_profile
from planner.person.targets import compute_targets
from planner.planning.plan import _kept_dishes, applied_targets, plan_week
from planner.planning.records import Fixed, Meal, PlanOptions, WeekPlan, plan_item
from planner.planning.verify import verify_week


@pytest.fixture(scope="module")
def week(bundled: FoodTable, catalogue: Catalogue) -> WeekPlan:
    return plan_week(bundled, catalogue, compute_targets(make_profile("male", 78)),
                     PlanOptions(days=3))


def _problems(week: WeekPlan, bundled: FoodTable, catalogue: Catalogue) -> list[str]:
    return verify_week(week, bundled, catalogue, load_rules())


def _with_meal(week: WeekPlan, day: int, slot: str, meal: Meal) -> WeekPlan:
    days = list(week.days)
    d = days[day - 1]
    days[day - 1] = replace(d, meals=tuple(meal if m.slot == slot else m for m in d.meals))
    return replace(week, days=tuple(days))


def _meal(week: WeekPlan, day: int, slot: str) -> Meal:
    return next(m for m in week.days[day - 1].meals if m.slot == slot)


def _added(catalogue: Catalogue, bundled: FoodTable, meal: Meal, *food_ids: str,
           servings: float = 1.0) -> Meal:
    extra = tuple(plan_item(catalogue.entries, f, servings, bundled) for f in food_ids)
    return replace(meal, items=(*meal.items, *extra))


def test_every_dish_meal_holds_its_seasonings_and_they_count(
        week: WeekPlan, bundled: FoodTable, catalogue: Catalogue) -> None:
    entries = catalogue.entries
    allowed = select(catalogue, "omnivore", (), seasonings=True)
    dishes = load_dishes()
    seasoned = 0
    for d in week.days:
        for meal in d.meals:
            held = {i.food_id: i.servings for i in meal.items
                    if entries.at[i.food_id, "role"] == SEASONING}
            foods = entries.loc[[i.food_id for i in meal.items if i.food_id not in held]]
            dish = dishes.by_id(meal.dish_id)
            assert dish is not None
            assert held == pytest.approx(dict(seasoning_items(dish, foods, allowed)))
            seasoned += bool(held)
        # the day's sodium is its items', seasonings among them
        sodium = sum(float(bundled.foods.at[i.food_id, "sodium_mg"]) * i.grams / 100
                     for i in d.items)
        assert d.totals["sodium_mg"] == pytest.approx(sodium)
    assert seasoned >= 3  # lunches and dinners are cooked with something
    assert not any("not in the nutrient totals" in n for n in week.notes)
    assert _problems(week, bundled, catalogue) == []


def test_verify_finds_a_seasoning_left_out(week: WeekPlan, bundled: FoodTable,
                                           catalogue: Catalogue) -> None:
    entries = catalogue.entries
    day, meal = next((d.day, m) for d in week.days for m in d.meals
                     if sum(entries.at[i.food_id, "role"] == SEASONING for i in m.items) >= 2)
    gone = next(i for i in meal.items if entries.at[i.food_id, "role"] == SEASONING)
    tampered = _with_meal(week, day, meal.slot,
                          replace(meal, items=tuple(i for i in meal.items if i is not gone)))
    problems = _problems(tampered, bundled, catalogue)
    assert any(gone.name in p and "is cooked with" in p for p in problems), problems


def test_verify_finds_a_second_yogurt_in_a_day(week: WeekPlan, bundled: FoodTable,
                                               catalogue: Catalogue) -> None:
    yogurt = "01117"  # low-fat plain yogurt
    days = [[m for m in d.meals if m.slot in ("breakfast", "snack")] for d in week.days]
    breakfast, snack = days[0]
    tampered = _with_meal(week, 1, "breakfast", _added(catalogue, bundled, breakfast, yogurt))
    tampered = _with_meal(tampered, 1, "snack", _added(catalogue, bundled, snack, "01256"))
    problems = _problems(tampered, bundled, catalogue)
    assert any(p.startswith("day 1: yogurts") for p in problems), problems


def test_verify_finds_two_dried_fruits_at_a_meal(week: WeekPlan, bundled: FoodTable,
                                                 catalogue: Catalogue) -> None:
    breakfast = _meal(week, 2, "breakfast")
    tampered = _with_meal(week, 2, "breakfast",
                          _added(catalogue, bundled, breakfast, "09298", "09291"))
    problems = _problems(tampered, bundled, catalogue)
    assert any("day 2 breakfast" in p and "dried_fruits" in p for p in problems), problems


def test_verify_finds_plant_milk_above_the_dairy_pattern(
        week: WeekPlan, bundled: FoodTable, catalogue: Catalogue) -> None:
    snack = _meal(week, 1, "snack")
    tampered = _with_meal(week, 1, "snack",
                          _added(catalogue, bundled, snack, "16222", servings=4.0))
    problems = _problems(tampered, bundled, catalogue)
    assert any(p.startswith("day 1: plant_dairy 4 >") for p in problems), problems


def test_verify_finds_a_main_and_grain_again_within_three_days(
        week: WeekPlan, bundled: FoodTable, catalogue: Catalogue) -> None:
    lunch = next(m for d in week.days for m in d.meals if m.slot in ("lunch", "dinner")
                 and {i.role for i in m.items} >= {"main"}
                 and {i.role for i in m.items} & {"grain", "starch"})
    tampered = _with_meal(week, 3, "dinner", replace(lunch, slot="dinner"))
    problems = _problems(tampered, bundled, catalogue)
    assert any("same main and grain within 3 days" in p for p in problems), problems


def test_verify_finds_the_same_meal_within_a_week(week: WeekPlan, bundled: FoodTable,
                                                  catalogue: Catalogue) -> None:
    # day 1 again as day 5: four days apart, past the main-and-grain rule's 3 days
    again = replace(week.days[0], day=5)
    tampered = replace(week, days=(week.days[0], again))
    problems = _problems(tampered, bundled, catalogue)
    assert any("day 1 lunch and day 5 lunch: the same meal within 7 days" in p
               for p in problems), problems


def test_planned_days_repeat_no_main_and_grain(week: WeekPlan) -> None:
    pairs = [{(a.food_id, b.food_id) for a in m.items if a.role == "main"
              for b in m.items if b.role in ("grain", "starch")}
             for d in week.days for m in d.meals if m.slot in ("lunch", "dinner")]
    seen = [p for meal in pairs for p in meal]
    assert len(seen) == len(set(seen))  # three days: any repeat would be within 3


def test_seafood_from_65_stays_within_a_quarter_above_the_pattern(
        catalogue: Catalogue) -> None:
    rules = load_rules()
    pattern = rules.pattern_for(2000, "omnivore")  # 8 oz a week
    allowed = select(catalogue)
    salmon = [{"15237": 4.0}] * 3  # three 4-oz salmon dinners: 12 oz
    older = fish_problems(salmon, rules, allowed, "", 4.0, pattern, window=7, min_block=3,
                          age=78)
    assert any("protein_seafood 12 oz > 10" in p for p in older), older
    assert fish_problems(salmon, rules, allowed, "", 4.0, pattern, window=7, min_block=3,
                         age=40) == []  # under 65: up to double, 16 oz


def test_fiber_is_held_to_twice_its_adequate_intake() -> None:
    targets = compute_targets(make_profile("female", 30))
    fiber = applied_targets(targets, PlanOptions())["fiber_g"]
    assert fiber.max == pytest.approx(2 * targets["fiber_g"].min)
    assert "phytate" in fiber.source and not fiber.limit  # a miss is said, not refused


def test_a_seasoning_cannot_be_included(bundled: FoodTable, catalogue: Catalogue) -> None:
    with pytest.raises(PlanRequestError, match="garlic' is a seasoning"):
        plan_week(bundled, catalogue, compute_targets(make_profile("female", 30)),
                  PlanOptions(days=1, include=("garlic",)))


def test_a_kept_meal_counts_as_the_dish_it_was_saved_as(week: WeekPlan) -> None:
    meal = _meal(week, 2, "dinner")
    fixed = [Fixed(2, "dinner", item, meal.dish_id) for item in meal.items]
    dish = load_dishes().by_id(meal.dish_id)
    assert dish is not None
    assert _kept_dishes(fixed, load_dishes()) == {2: {2: dish.family}}
    eaten = [Fixed(2, "dinner", replace(i, eaten=True), meal.dish_id) for i in meal.items]
    assert _kept_dishes(eaten, load_dishes()) == {}  # food eaten is no dish served
