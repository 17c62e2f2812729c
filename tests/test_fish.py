"""The FDA/EPA fish advice in planned weeks: pregnancy, breastfeeding and children 9-11
eat the advice's amounts of best and good choices, checked from the catalogue and the
chosen grams, independently of the planner."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import PlanRequestError
from planner.food.catalogue import Catalogue
from planner.food.data import FoodTable
from planner.meals.rules import FISH_SOURCE, load_rules
from planner.output.report import format_week
from planner.person.profile import make_profile
from planner.person.targets import compute_targets
from planner.planning.plan import plan_week
from planner.planning.records import PlanOptions, WeekPlan

EXAMPLES = int(os.environ.get("PLANNER_EXAMPLES", "3"))
SETTINGS = settings(max_examples=EXAMPLES, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
DIETS = st.sampled_from(["omnivore", "pescatarian"])


def seafood_by_day(week: WeekPlan, catalogue: Catalogue) -> list[list[tuple[str, float]]]:
    """Per day, (food id, seafood oz-eq) of every seafood eaten, from the catalogue."""
    e = catalogue.entries
    return [[(i.food_id, float(e.loc[i.food_id, "protein_seafood_oz"]) * i.grams
              / float(e.loc[i.food_id, "portion_grams"])) for i in d.items
             if float(e.loc[i.food_id, "protein_seafood_oz"]) > 0] for d in week.days]


def assert_advice(week: WeekPlan, catalogue: Catalogue, serving: float, low: float,
                  high: float) -> None:
    fish = load_rules().fish
    days = seafood_by_day(week, catalogue)
    eaten = [(f, oz) for day in days for f, oz in day]
    assert all(fish[f] in ("best", "good") for f, _ in eaten), eaten  # never one to avoid
    total = sum(oz for _, oz in eaten)
    assert low - 1e-6 <= total <= high + 1e-6, eaten
    good = sum(oz for f, oz in eaten if fish[f] == "good")
    assert good <= serving + 1e-6, eaten  # at most one good-choice serving
    note = [n for n in week.notes if n.startswith("Fish: ")]
    assert len(note) == 1 and FISH_SOURCE in note[0] and f"{total:.3g} oz a week" in note[0]
    assert note[0] in format_week(week, "markdown")


@SETTINGS
@given(age=st.integers(14, 50), stage=st.sampled_from(["pregnancy", "lactation"]),
       diet=DIETS, seed=st.integers(0, 10_000))
def test_pregnancy_and_breastfeeding_eat_8_to_12_oz_of_best_and_good_choices(
        bundled: FoodTable, catalogue: Catalogue, age: int, stage: str, diet: str,
        seed: int) -> None:
    targets = compute_targets(make_profile("female", age, stage))
    week = plan_week(bundled, catalogue, targets, PlanOptions(diet=diet, seed=seed))
    assert_advice(week, catalogue, 4.0, 8.0, 12.0)


@SETTINGS
@given(age=st.integers(9, 11), sex=st.sampled_from(["female", "male"]), diet=DIETS,
       seed=st.integers(0, 10_000))
def test_children_eat_about_two_servings_of_their_size(
        bundled: FoodTable, catalogue: Catalogue, age: int, sex: str, diet: str,
        seed: int) -> None:
    serving = 3.0 if age <= 10 else 4.0
    targets = compute_targets(make_profile(sex, age))
    week = plan_week(bundled, catalogue, targets, PlanOptions(diet=diet, seed=seed))
    assert_advice(week, catalogue, serving, 1.5 * serving, 2.5 * serving)
    for day in seafood_by_day(week, catalogue):
        assert sum(oz for _, oz in day) <= serving + 1e-6, day  # one child's serving a day


def test_the_issue_cases_are_within_the_advice(bundled: FoodTable,
                                               catalogue: Catalogue) -> None:
    # were 15 oz (pregnant 29, lactating 19) and 14 oz over 5 meals (girl of 10)
    for profile, serving, low, high in ((("female", 29, "pregnancy"), 4.0, 8.0, 12.0),
                                        (("female", 19, "lactation"), 4.0, 8.0, 12.0),
                                        (("female", 10), 3.0, 4.5, 7.5)):
        week = plan_week(bundled, catalogue, compute_targets(make_profile(*profile)))
        assert_advice(week, catalogue, serving, low, high)
        assert any("blue mussels" in n and "left out" in n for n in week.notes)


def test_adults_keep_the_dga_seafood_amount_and_say_so(bundled: FoodTable,
                                                       catalogue: Catalogue) -> None:
    # the README's default person (female, 35): a week other modules read too
    week = plan_week(bundled, catalogue, compute_targets(make_profile("female", 35)))
    total = sum(oz for day in seafood_by_day(week, catalogue) for _, oz in day)
    assert week.pattern is not None
    weekly = week.pattern.weekly("protein_seafood")
    assert weekly is not None and weekly - 1e-6 <= total <= 2 * weekly + 1e-6
    note = [n for n in week.notes if n.startswith("Seafood: ")]
    assert len(note) == 1 and "DGA 2020-2025" in note[0]


def test_vegetarians_get_no_fish_line(bundled: FoodTable, catalogue: Catalogue) -> None:
    targets = compute_targets(make_profile("female", 29, "pregnancy"))
    week = plan_week(bundled, catalogue, targets, PlanOptions(days=2, diet="vegetarian"))
    assert not [n for n in week.notes if n.startswith(("Fish: ", "Seafood: "))]


def test_including_a_fish_the_advice_leaves_out_is_refused(bundled: FoodTable,
                                                           catalogue: Catalogue) -> None:
    targets = compute_targets(make_profile("female", 29, "pregnancy"))
    with pytest.raises(PlanRequestError, match="FDA/EPA fish advice"):
        plan_week(bundled, catalogue, targets, PlanOptions(days=2, include=("mussels",)))
