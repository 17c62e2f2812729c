"""Weekly meal planning: catalogue + targets + rules -> a typed, verified :class:`WeekPlan`.

Formulation
-----------
A joint integer model over a whole week with variety rules is slow (days are
interchangeable, so the search is highly symmetric). The week is instead planned one day
at a time, each day a mixed-integer model (:class:`planner.planning.model.DayModel`) that
knows what earlier days chose, searched by the LP-guided dive of
:mod:`planner.planning.dive` (the pooled search of :mod:`planner.planning.fallback` only
as a last resort). Cost grows linearly with the number of days. Week-level amounts get
each day's share from :mod:`planner.planning.quotas`: what the days after could not make
up is hard, the even share a soft pace. Every search is held to counts (relaxations,
nodes), never to time: the same request gives the same plan on any machine.

Where no plan meets every target, the nearest plan is returned with each miss said
(:attr:`WeekPlan.misses`, the first notes); a safety limit (an upper limit, a cap the
user or a clinician set) is never broken: a week that cannot keep one has no plan
(:class:`InfeasiblePlanError`). A day after the first that misses a daily target, or
that the dive cannot plan, is planned again with the food-repeat limit one higher (the
variety rules may have used up what it needs); the whole week is planned again, a
repeat looser, at most once.

Each day decides, for every allowed (food, meal slot) pair, a whole number of *units*
(a unit is the food's ``step``: 1, 1/2, 1/3 or 1/4 of its household portion) among the
levels the person may eat it in. Grams follow from the portion. Rules:

Nutrients (every bound elastic, so an impossible request is diagnosed, not crashed on)
  * magnesium, calcium, potassium: the daily ``min`` on every day;
  * vitamin D and B12 (stored by the body; the DRI is an average intake over time): by
    default met on the plan's average; each day keeps an even pace (soft) and brings
    what the days after could not make up (hard), so a salmon day carries the next days.
    With ``strict_daily`` every day meets the ``min``;
  * every food-intake ``max`` on every day; a cap that is a Tolerable Upper Intake Level is
    kept below ``ul_margin`` (90 %) of it, so no day crowds a limit; the sodium CDRR holds
    as it is;
  * energy: every day within the band of the targets (default +-10 % of the EER), and the
    running mean of each 7-day block within ``week_energy_tolerance`` (+-3 %) of the EER;
    the objective also pulls each day toward the EER, so plans do not sit at the bottom;
  * protein, fat and carbohydrate within their AMDR on every day;
  * any target the user overrode is a hard daily minimum too;
  * protein, fiber, iron, zinc, vitamin C and folate minimums are aimed for: elastic like
    the rest, but a miss is not said as one;
  * fiber at most twice its AI on every day (:data:`AI_CAPS`: phytate), and iron above
    twice its RDA a small cost, never a miss (:data:`HIGH_MULTIPLE`).
Meals (``planner/meals/meal_rules.csv``, read by :mod:`planner.meals.rules`)
  * what each meal is made of, in catalogue roles: breakfast a cereal, toast or eggs with
    milk, yogurt or cheese and fruit; lunch and dinner one main, at most one grain or
    starch and one or two vegetables; snacks one or two foods; never two of a role nobody
    doubles; cold cereal only with milk or yogurt;
  * meal energy shares: breakfast 15-35 %, lunch 20-40 %, dinner 25-45 %, snack <= 20 %;
  * a food is eaten at one meal a day, staples (milk, bread...) at up to two;
  * main-dish portions by age and energy need (``planner/meals/portions.csv``: 2-4 oz-eq for
    children 9-13, 3-4 to 3-6 for teens and adults); above 2,600 kcal every everyday
    portion (sides, a main's largest, beans and lentils in a day) grows with the need, up
    to 1.5x (:func:`planner.meals.rules.large_portions`);
  * what all the foods of a role bring to one meal together
    (``planner/meals/meal_portions.csv``: a child's meal at most 1 cup-eq of fruit; one
    dried fruit at a meal, a count);
  * each dish's seasonings (``planner/meals/seasonings.csv``) come with it: candidates
    whose amount follows the dish's choice (:class:`DishOption` ``seasonings``; a row
    with a condition, such as salsa on beans, only with a food that meets it), so they
    count in every nutrient and food-group total, but in no meal rule, variety rule or
    shopping-line budget.
Food groups (``planner/meals/day_rules.csv``; the USDA Healthy U.S.-Style or, for vegetarian and
vegan diets, Healthy Vegetarian Dietary Pattern at the calorie level nearest the EER)
  * vegetables and fruit at least the pattern each day, grains near it with half whole,
    dairy or fortified soy at the pattern, protein foods at most 1.5x, plant milk and soy
    yogurt at most the dairy pattern, one yogurt a day;
  * dark-green vegetables at the weekly amount, leafy greens on 3 days a week, seafood at
    the weekly amount and no more than double (from 65, a quarter above) for people who
    eat fish, one fish main a day, at most 3 cups of milk drinks a day; saturated fat
    and added sugars under 10 % of energy (aimed);
  * for pregnancy, breastfeeding and children up to 11, the FDA/EPA fish advice instead of
    the seafood amount (``planner/meals/fish.csv``, :mod:`planner.meals.rules`): 2-3
    servings a week, or about 2 of a child's size, of best and good choices only, at most
    one good-choice serving.
Variety
  * a food appears on at most ``max_days`` days (default 3) of any 7 consecutive days;
    staples up to ``staple_max_days`` (default 7); foods the person asked to include are
    eaten every day and are exempt;
  * a main dish is never eaten two days running;
  * a main with the same grain or starch is not served again within :data:`PAIR_DAYS`
    days, and no lunch or dinner has the same foods (drink, oil and seasonings aside) as
    another within 7 days; a kept meal counts as the dish it was saved as;
  * one variety of each kind in a 7-day block (one cow's milk, one cold cereal, one plant
    milk), so the shopping list buys one of each;
  * every 7 days use at least ``min_distinct`` different foods (default 20).

Objective (minimised; documented weights below)
  item penalty (fewer, larger portions) + familiarity penalty (everyday foods first)
  + unknown-data penalty (foods whose key nutrient values USDA does not report)
  + repeat penalty (foods eaten in the last week, more if yesterday, and more again at
  the same meal, so a week does not serve the same dinner three times)
  + purchase penalty (a food that adds a line to the week's shopping list)
  + energy-centering penalty + a small seeded jitter, so ``seed`` gives a different but
  equally valid plan and the same inputs and seed give the same plan.
  Nutrient density comes from the catalogue, which holds only foods rich in the key
  nutrients; the objective deliberately does not reward amounts beyond the targets
  (tried: it pushed calcium to its upper limit and doubled solve times).

Missing data: a food's unknown value counts as 0 toward every bound, so a plan never
claims a nutrient it cannot account for; each day lists the chosen foods with unknown
values. After solving, every day's totals are recomputed from the food table and the
chosen grams, and the meals and food groups from the catalogue, and checked against the
targets and rules, independently of the solver (:mod:`.verify`).

The plan's records are in :mod:`.records`, its notes in :mod:`.notes`, and the message and
suggestions of a plan that cannot be made in :mod:`.diagnosis`; this module schedules the
week and builds each day's model.
"""

from __future__ import annotations

import functools
import hashlib
import math
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from planner.errors import InfeasiblePlanError, PlanRequestError, Shortfall, SolverError
from planner.food.catalogue import (
    SEASONING,
    SLOTS,
    Catalogue,
    excluded_by,
    find_food,
    group_amounts,
    matching_foods,
    most_servings,
    select,
)
from planner.food.data import FoodTable
from planner.food.nutrients import (
    KEY_NUTRIENTS,
    NUTRIENT_NAMES,
    display_name,
)
from planner.meals.dishes import (
    Component,
    Dish,
    Dishes,
    Portion,
    dish_of,
    load_dishes,
    servings_of,
)
from planner.meals.quality import Quality, group_equivalents, healthy_eating_index
from planner.meals.recipes import load_recipes
from planner.meals.rules import (
    COUNT_MEASURES,
    Pattern,
    Rules,
    allowed_levels,
    condition_holds,
    fish_group,
    fish_note,
    fish_serving_oz,
    food_measures,
    grown_servings,
    load_rules,
    meal_caps,
    protein_oz_per_serving,
    rule_bounds,
    unsuitable_fish,
)
from planner.meals.rules import (
    KCAL_PER_GRAM as RULE_KCAL_PER_GRAM,
)
from planner.meals.shopping import shopping_list
from planner.person.health import active_rules, missing_limits, safety_error
from planner.person.targets import Targets
from planner.planning.cooking import cook_days, seasoned_from, seasoning_note
from planner.planning.diagnosis import (
    best_effort_notes,
    group_shortfalls,
    infeasible_error,
    miss_notes,
    with_health_hint,
)
from planner.planning.dive import solve_day
from planner.planning.model import (
    STOPPED,
    Bound,
    Count,
    DayProblem,
    DaySolution,
    DishOption,
    Need,
    SolverInfo,
    SolverOptions,
    UnitLimit,
    met,
    solve_diet,
)
from planner.planning.notes import b12_notes, plan_notes, sodium_notes, swap_notes
from planner.planning.quotas import PACE_MAX_WEIGHT, PACE_WEIGHT, capacity, quota
from planner.planning.records import (
    AI_CAPS,
    B12_DAILY_SHARE,
    KCAL_PER_GRAM,
    MIN_BLOCK_FOR_WEEKLY,
    MOST_ENERGY_MISSED,
    STORED,
    WINDOW,
    AppliedTarget,
    DayPlan,
    Fixed,
    Meal,
    PlanItem,
    PlanOptions,
    WeekPlan,
    nutrient_totals,
    plan_item,
)
from planner.planning.verify import verify_week
from planner.words import plural

DAILY_MIN: Final[tuple[str, ...]] = ("magnesium_mg", "calcium_mg", "potassium_mg")
SOFT_MIN: Final[tuple[str, ...]] = ("protein_g", "fiber_g", "iron_mg", "zinc_mg",
                                    "vitamin_c_mg", "folate_dfe_ug")
#: slot -> (min share of energy, max share of energy), as shares of the day's energy band
SLOT_ENERGY: Final[Mapping[str, tuple[float, float]]] = {
    "breakfast": (0.15, 0.35), "lunch": (0.20, 0.40), "dinner": (0.25, 0.45),
    "snack": (0.0, 0.20)}
# Objective weights. Slack on a hard bound costs ELASTIC_PENALTY (10,000) per 100 % missed,
# so none of these preferences can trade against meeting a target.
W_ITEM: Final = 0.3  # per food used in a meal
W_FAMILIAR: Final = 0.4  # per familiarity level above 1 (everyday)
W_UNKNOWN: Final = 0.5  # per key nutrient whose value is unknown for the food
W_REPEAT: Final = 0.5  # per earlier day (in the last 6) the food was eaten
W_YESTERDAY: Final = 1.0  # extra if it was eaten yesterday
W_JITTER: Final = 0.8  # seeded random cost per food and day, in [0, W_JITTER)
#: A liked food costs this much less (never below W_LIKED_FLOOR); a disliked one this much
#: more: about four days of repeats, so a disliked food comes only when it is needed.
W_LIKE: Final = 0.6
W_LIKED_FLOOR: Final = 0.05
W_DISLIKE: Final = 4.0
#: A food of a meal being planned again costs this much more in that meal: the meal
#: changes wherever another food can do the job.
W_AVOID: Final = 6.0
#: A steady nutrient (vitamin K on warfarin) stays within this share of the first day's
#: amount, give or take STEADY_SLACK (so a first day with little is not a trap).
STEADY: Final = 0.2
STEADY_SLACK: Final = 20.0
#: A day's energy further below its band than the nearest plan may go weighs this many
#: times a nutrient's minimum missed by the same share.
W_ENERGY_FAR: Final = 10.0
#: The name of that bound in a day's model.
HOLD_BOUND: Final = "energy_kcal_far"
W_ENERGY: Final = 60.0  # per 100 % deviation of a day's energy from its target
#: Per food that adds a line to the week's shopping list (reuse what is bought). An item
#: cost, not a variable per purchase: purchase variables made each day 60 % slower. With
#: the week's amounts paced (quotas.py) a day leans harder on new foods; at 1.2 (and 6
#: per line over the budget) a pregnant woman's week bought 52 foods, at these 39.
W_PURCHASE: Final = 2.0
#: A dish is served on at most this many days of any 7, never two days running.
DISH_MAX_DAYS: Final = 2
W_DISH_REPEAT: Final = 0.6  # per earlier day (in the last 6) the dish was served
W_SAME_MEAL: Final = 0.4  # per earlier day (in the last 6) the food was in the same meal
W_OVER_LIST: Final = 20.0  # per food beyond the shopping list's budget for the week
#: per food of a kind already on the asked number of days (--max-days) of the last 7: once
#: the limit is raised to meet a target, a day takes the extra day of one or two kinds it
#: needs, not of every kind it likes (measured on 20 sample people: kinds past 3 of 7,
#: summed over the weeks, 56 -> 34, and their days past 3, 73 -> 45; the same CPU)
W_BEYOND: Final = 3.0
#: A 7-day block's shopping list stays within this many lines (foods that would add more
#: cost W_OVER_LIST each; a week of one person fits in 40 lines).
SHOPPING_LINES: Final = 36
#: The elastic penalty's share for a day above such a cap: far above any preference (a day
#: 10 % over costs 500, a food about 1), half of a target missed by as much: a few tenths
#: of a gram over are never cheaper than another food, a target still comes first.
AI_CAP_WEIGHT: Final = 0.5
#: The elastic penalty's share for a food-group rule a health rule only aims for (dairy
#: and whole grains with kidney disease or a potassium medicine: both carry potassium and
#: phosphorus): a day's energy and the clinician's limits come first.
AIMED_WEIGHT: Final = 0.1
#: Above this multiple of its RDA a nutrient costs a little (a soft bound, never a miss):
#: iron from fortified cereal does not sit at its UL cap day after day when other foods
#: would do. The weight is the share of the elastic penalty per RDA above it.
HIGH_MULTIPLE: Final[Mapping[str, float]] = {"iron_mg": 2.0}
W_HIGH: Final = 0.0005
#: A main and a grain or starch served together at a lunch or dinner are not served together
#: again within this many days (days 1 and 3 are within 3 days: a cook notices).
PAIR_DAYS: Final = 3
#: The meals whose repeats a cook notices, and the roles that do not make a meal another
#: (a glass of milk beside it, its oil, its seasonings).
MEAL_VARIETY_SLOTS: Final = ("lunch", "dinner")
MEAL_VARIETY_IGNORES: Final = ("milk_drink", "juice", "oil", SEASONING)
PAIR_ROLES: Final = (("main",), ("grain", "starch"))
#: A day that cannot bring a week-averaged nutrient up to its running total sends the day
#: before back to plan again, at most this many times in all for one plan.
MAX_BACKTRACKS: Final = 6


# ------------------------------------------------------------------ public entry point

def plan_week(table: FoodTable, catalogue: Catalogue, targets: Targets,
              options: PlanOptions = PlanOptions(), rules: Rules | None = None, *,
              fixed: Sequence[Fixed] = (),
              plan_slots: Mapping[int, frozenset[str]] | None = None,
              best_effort: bool = False,
              avoid: Mapping[tuple[int, str], Sequence[str]] | None = None,
              progress: Callable[[int, int], None] | None = None,
              replanning: Callable[[int], None] | None = None) -> WeekPlan:
    """Return a plan for ``options.days`` days that meets ``targets`` and the meal and
    food-group ``rules`` (default: the ones bundled with planner).

    If a day misses a target although every target can be reached on a single day (the
    variety rules used up the foods it needs), that day is planned again with the
    food-repeat limit one higher, up to the staple limit, and the higher limit holds from
    that day on; the days before stay as they are. Only a miss no later day can repair
    (one the days before set up, such as a week's vegetable subgroup or the week-average
    vitamin D) plans the whole week again with a looser limit, once; where that week has
    no plan, the first pass is the nearest plan, its misses said. The plan says so in its
    notes. A miss on the first day cannot come from the variety rules (nothing was eaten
    before it), so it is reported at once.

    ``fixed`` items stay as they are (eaten, or kept from a saved week) and count toward
    their day; ``plan_slots`` names the meals to plan on each day (a day not listed: every
    meal; an empty set: the day is kept as it is). With ``best_effort`` a day that cannot
    meet a target is planned as well as it can be and the misses go in the notes (food
    groups are aimed for, not required): what was eaten may already break a limit.
    ``avoid`` maps (day, meal) to foods that meal should do without where it can (the
    foods of a meal being planned again). ``progress(day, days)`` is called as each day's
    planning starts; ``replanning(max_days)`` before the whole week is planned again with
    that repeat limit (``progress`` then starts again from the first day).

    Raises :class:`PlanRequestError` for a bad option (unknown diet, exclusion or food),
    :class:`InfeasiblePlanError` naming every target that cannot be met, on which days and
    by how much, with suggestions, and :class:`SolverError` if the solver fails.
    """
    rules = rules or load_rules()
    setup = _setup(table, catalogue, targets, options, rules, fixed=fixed,
                   plan_slots=plan_slots, best_effort=best_effort, avoid=avoid,
                   progress=progress)
    context, health, impossible, hopeless = (setup.context, setup.health, setup.impossible,
                                             setup.hopeless)
    attempt = options
    limit = min(options.staple_max_days, WINDOW)
    retried = False  # the whole week is planned again at most once
    # the first pass, when the week is planned again: its options, and its days where it
    # went to the end (None: it stopped at the day that sent the week back)
    first: tuple[PlanOptions, _Days | None] | None = None
    backtracks = [MAX_BACKTRACKS]
    while True:
        try:
            day_plans, infos, shortfalls, raised = _plan_days(
                context, attempt, table, limit, hopeless,
                week_retry=attempt.max_days < limit and not best_effort and not retried,
                backtracks=backtracks, hold_energy=first is None)
        except _RetryWeek:
            retried = True  # a miss the days before set up: the week one repeat looser
            first = (attempt, None)
            attempt = replace(attempt, max_days=attempt.max_days + 1)
            if replanning is not None:
                replanning(attempt.max_days)
            continue
        except InfeasiblePlanError as exc:
            if first is not None:
                # the week one repeat looser has no plan: the first pass is the nearest
                # plan, its misses said; where it stopped at the day that sent the week
                # back, it goes on to the end, that day's miss kept (the days before are
                # remembered, not solved again)
                attempt, finished = first
                first = None
                if finished is not None:
                    day_plans, infos, shortfalls, raised = finished
                    break
                if replanning is not None:
                    replanning(attempt.max_days)
                continue
            if not catalogue.missing:
                raise with_health_hint(exc, health, setup.applied) from exc
            raise InfeasiblePlanError(
                f"{exc} (the food table lacks {len(catalogue.missing)} of the catalogue's "
                "foods; refresh it with --ids-from datasets/recommended_foods.csv)",
                exc.shortfalls, exc.suggestions) from exc
        retry = [s for s in shortfalls if not (s.nutrient in AI_CAPS and s.bound == "max")]
        if not retry or best_effort or retried or impossible():
            break
        first_day = any(1 in s.days for s in retry)  # no earlier day limits day 1
        if first_day or attempt.max_days >= limit:
            break
        # a miss the days before set up (a week's vegetable subgroup, the week-average
        # vitamin D or B12): the whole week again, every day one repeat looser, once
        retried = True
        first = (attempt, (day_plans, infos, shortfalls, raised))
        attempt = replace(attempt, max_days=attempt.max_days + 1)
        if replanning is not None:
            replanning(attempt.max_days)
    week, _ = _finish(setup, table, catalogue, targets, options, rules, day_plans, infos,
                      shortfalls, raised, attempt.max_days, fixed=fixed,
                      best_effort=best_effort)
    return week


#: A pass over the week: its days, solver reports, misses and the days whose repeat limit
#: was raised (what :func:`_plan_days` returns).
_Days = tuple[list[DayPlan], list[SolverInfo], list[Shortfall], dict[int, int]]


@dataclass(frozen=True)
class _Setup:
    """What a week's planning works out before its days are planned (:func:`_setup`), and
    what the finished week is built from (:func:`_finish`)."""

    context: _Context
    health: Sequence[Any]  # the person's active health rules
    applied: Mapping[str, AppliedTarget]
    pattern: Pattern | None
    dishes: Dishes | None
    choosable: _Data  # the foods the person may choose, before fixed items
    allowed: pd.Index  # ids of the foods left after diet, exclusions and food choices
    fish_out: list[str]
    left_out: list[str]
    must_know: tuple[str, ...]
    fish_group: str
    #: targets no single day can reach (worked out once, on the first miss)
    impossible: Callable[[], list[Shortfall]]
    #: whether every missed target named no single day can reach
    hopeless: Callable[[set[str]], bool]
    swaps: tuple[str, ...] = ()  # the renal swaps' notes
    tags: tuple[str, ...] = ()  # the health rules' food-choice tags


def _setup(table: FoodTable, catalogue: Catalogue, targets: Targets, options: PlanOptions,
           rules: Rules, *, fixed: Sequence[Fixed] = (),
           plan_slots: Mapping[int, frozenset[str]] | None = None,
           best_effort: bool = False,
           avoid: Mapping[tuple[int, str], Sequence[str]] | None = None,
           progress: Callable[[int, int], None] | None = None) -> _Setup:
    """Check the request and work out what every day of the plan shares (see
    :func:`plan_week` for the arguments and what it raises)."""
    health = active_rules(targets.profile.conditions, targets.profile.medicines)
    clinician = {n: t.max if t.overridden else None for n, t in targets.items.items()}
    missing = missing_limits(health, clinician)
    if missing:
        raise safety_error(missing)
    foods, included_ids = check_plan_options(catalogue, options)
    dishes = None if catalogue.generic else load_dishes()
    tags = [tag for rule in health for tag in rule.choices]
    swaps: tuple[str, ...] = ()
    if dishes is not None:
        asked = [*included_ids, *_liked(catalogue, options)]
        # the renal swaps (food_choices.csv): said in a note, seasonings included
        swaps = swap_notes(dishes.left_out(pd.concat([foods, select(
            catalogue, options.diet, options.exclude, seasonings=True)]), options.diet,
            asked, tags), dishes.portions(foods, tags), catalogue.entries)
        foods = dishes.portioned(foods[dishes.suited(foods, options.diet, asked, tags)], tags)
    _check_fixed(fixed, plan_slots or {}, options)
    must_know = sorted({n for rule in health for n in rule.unknown_out})
    if must_know:
        known = table.foods.loc[foods.index, must_know].notna().all(axis=1)
        left_out = [str(foods.loc[f, "short_name"]) for f in foods.index[~known.to_numpy()]]
        foods = foods[known.to_numpy()]
        included_ids = [f for f in included_ids if f in foods.index]
    else:
        left_out = []
    if dishes is not None:  # what the dishes are cooked with: rows the model attaches
        foods = pd.concat([foods, seasoned_from(catalogue, options.diet, options.exclude,
                                                dishes, tags)])
    group = fish_group(targets.profile.age, targets.profile.life_stage)
    fish_out = unsuitable_fish(foods, rules.fish) if group and not catalogue.generic else []
    clash = sorted(set(fish_out) & set(included_ids))
    if clash:  # pregnancy, breastfeeding, children: only best and good choices
        raise PlanRequestError(f"--include {foods.loc[clash[0], 'short_name']!s}: not a best "
                               "or good choice of the FDA/EPA fish advice, which this plan "
                               "follows")
    foods = foods.drop(index=fish_out)
    energy = targets["energy_kcal"]
    eer = energy.value or ((energy.min or 0) + (energy.max or 0)) / 2
    pattern = None if catalogue.generic else rules.pattern_for(eer, options.diet)
    data = _prepare(table, foods, rules, targets.profile.age, eer)
    if len(data.ids) > MAX_CANDIDATES:
        data = _screen(data, included_ids, options.seed)
    choosable = data.subset(np.flatnonzero(data.role != SEASONING))
    menu = None if dishes is None else _menu(dishes, data.entries, plan_slots or {}, options)
    data = _with_fixed(data, fixed, table, catalogue.entries, rules.fish)
    included = np.isin(np.array(data.ids), included_ids)
    applied = applied_targets(targets, options)
    steady = tuple(sorted({n for rule in health for n in rule.steady}))
    context = _Context(data, applied, rules, pattern, eer, included, steady,
                       _preferences(catalogue, data, options), plan_slots or {},
                       best_effort, catalogue.entries,
                       {(d, SLOTS.index(s)): frozenset(ids)
                        for (d, s), ids in (avoid or {}).items()},
                       progress=progress, menu=menu, fish_group=group,
                       fish_serving=fish_serving_oz(targets.profile.age),
                       aimed_groups=frozenset(g for rule in health for g in rule.aimed_groups),
                       asked_max_days=options.max_days, age=targets.profile.age,
                       kept_dishes=_kept_dishes(fixed, dishes))
    @functools.cache
    def impossible() -> list[Shortfall]:
        """Targets no single day can reach, computed once, on the first miss."""
        return _impossible(choosable, applied, options) if not fixed else []

    def hopeless(missed: set[str]) -> bool:
        """Whether every target in ``missed`` no single day can reach (so no variety
        rule is to blame, and raising the repeat limit cannot help)."""
        return missed <= {s.nutrient for s in impossible()}
    return _Setup(context, health, applied, pattern, dishes, choosable, foods.index,
                  fish_out, left_out, tuple(must_know), group, impossible, hopeless,
                  swaps, tuple(tags))


def _finish(setup: _Setup, table: FoodTable, catalogue: Catalogue, targets: Targets,
            options: PlanOptions, rules: Rules, day_plans: Sequence[DayPlan],
            infos: Sequence[SolverInfo], shortfalls: Sequence[Shortfall],
            raised: Mapping[int, int], max_days: int, *, fixed: Sequence[Fixed] = (),
            best_effort: bool = False) -> tuple[WeekPlan, dict[str, float]]:
    """The verified week from its planned days: the misses said (a broken safety limit
    raised), the notes, each meal's name, method and seasonings, the shopping list;
    ``max_days`` is the repeat limit the whole week was planned with last. With the week,
    the grams its shopping list buys, per food id (what a household's list adds up)."""
    applied, health, pattern, dishes = setup.applied, setup.health, setup.pattern, \
        setup.dishes
    impossible, group, choosable = setup.impossible, setup.fish_group, setup.choosable
    fish_out, left_out, must_know = setup.fish_out, setup.left_out, setup.must_know
    swaps, tags = setup.swaps, list(setup.tags)
    misses: tuple[Shortfall, ...] = ()
    if shortfalls and not best_effort:
        # a safety limit broken is no plan; any other miss is the nearest plan, said
        unsafe = [s for s in shortfalls if s.bound == "max" and s.nutrient in applied
                  and applied[s.nutrient].limit]
        certain = bool(impossible()) and \
            {s.nutrient for s in shortfalls} <= {s.nutrient for s in impossible()}
        if unsafe or options.require_all:
            raise with_health_hint(infeasible_error(unsafe or shortfalls, options,
                                                    certain=certain), health, applied)
        misses = tuple(shortfalls)
    notes = plan_notes(catalogue, day_plans, options, pattern, applied, targets)
    notes += tuple(note for rule in health
                   for note in rule.notes_for(targets.profile.age, targets.profile.life_stage,
                                              targets.profile.weight_kg, targets.profile.sex))
    notes += swaps
    if pattern is not None:
        seafood = sum(d.groups.get("protein_seafood", 0.0) for d in day_plans)
        fish = fish_note(rules, choosable.entries, group, fish_serving_oz(targets.profile.age),
                         pattern, seafood, len(day_plans), targets.profile.age)
        notes += (fish,) if fish else ()
    if fish_out:
        notes += (f"{plural(len(fish_out), 'seafood food')} that the FDA/EPA fish advice "
                  "(for pregnancy, breastfeeding and children 11 and under) does not rate a "
                  "best or good choice, or does not rate at all, left out: "
                  f"{', '.join(str(catalogue.entries.loc[f, 'short_name']) for f in fish_out)}.",)
    if left_out:
        notes += (f"{plural(len(left_out), 'food')} whose "
                  f"{', '.join(display_name(n) for n in must_know)} USDA does not report "
                  f"were left out, so that it stays steady: {', '.join(left_out[:6])}"
                  f"{' ...' if len(left_out) > 6 else ''}.",)
    notes += sodium_notes(day_plans, targets) + b12_notes(day_plans, applied)
    notes += targets.warnings
    for name, removed in excluded_by(catalogue, options.exclude).items():
        shown = ", ".join(removed[:6]) + (f" and {len(removed) - 6} more"
                                          if len(removed) > 6 else "")
        notes += (f"--exclude {name} removed {plural(len(removed), 'food')}: {shown}.",)
    notes += _unused_preferences(catalogue, setup.allowed, options)
    if max_days != options.max_days:
        raised = {1: max_days, **raised}  # the whole week planned again
    if raised:
        notes = (_raised_note(raised, options, dishes is not None), *notes)
    waived: set[tuple[str, str]] = set()
    if best_effort and shortfalls:
        notes = (*best_effort_notes(shortfalls, day_plans, table), *notes)
        waived = {(s.nutrient, s.bound) for s in shortfalls}
    elif misses:
        notes = (*miss_notes(misses, options, impossible(), tuple(AI_CAPS), setup.applied),
                 *notes)
        waived = {(s.nutrient, s.bound) for s in misses}
    bought: dict[str, float] = {}
    if dishes is not None:  # each meal's name for its amounts, its method and seasonings
        cooked = cook_days(day_plans, catalogue, table, options.diet, options.exclude,
                           dishes, load_recipes(),
                           {(f.day, f.slot): f.dish_id for f in fixed or () if f.dish_id},
                           health=tags)
        day_plans = list(cooked.days)
        bought.update(cooked.seasonings)
        notes += tuple(n for n in (seasoning_note(cooked),) if n)
    for d in day_plans:
        for item in d.items:
            if not item.eaten:
                bought[item.food_id] = bought.get(item.food_id, 0.0) + item.grams
    quality = None if catalogue.generic else plan_quality(day_plans, catalogue, table)
    week = WeekPlan(targets, applied, tuple(day_plans),
                    shopping_list(bought, catalogue.entries), _combine(infos), options, notes,
                    pattern, quality, misses)
    problems = verify_week(week, table, catalogue, rules, waived=waived, dishes=dishes)
    if problems:
        raise SolverError("plan failed independent verification: " + "; ".join(problems[:3]))
    return week, bought


def _raised_note(raised: Mapping[int, int], options: PlanOptions, dishes: bool) -> str:
    """The note on a repeat limit raised from some day on (day -> limit from that day)."""
    steps = sorted(raised.items())
    top = steps[-1][1]
    when = " and ".join(f"{m} from day {d} on" for d, m in steps)
    dish = replace(options, max_days=top)
    asked = (f"the default limit is {options.max_days} (--max-days)"
             if options.max_days == PlanOptions.max_days
             else f"you asked for {options.max_days}")
    milk = ("plant milk" if options.diet == "vegan"
            or "dairy" in {e.lower() for e in options.exclude} else "milk")
    return (f"To meet every target, foods may repeat on up to {top} days of 7, where "
            f"{asked}: up to {when} (staples such as {milk} and bread "
            "may come every day)"
            + (f"; dishes on up to {dish_max_days(dish)}." if dishes else "."))


def _kept_dishes(fixed: Sequence[Fixed], dishes: Dishes | None
                 ) -> dict[int, dict[int, str]]:
    """Day -> slot index -> the family of the dish each kept meal was saved as (a meal
    saved without one, or of eaten food, counts as no dish for variety)."""
    out: dict[int, dict[int, str]] = {}
    for f in fixed:
        dish = None if dishes is None or not f.dish_id else dishes.by_id(f.dish_id)
        if dish is not None and not f.item.eaten:
            out.setdefault(f.day, {})[SLOTS.index(f.slot)] = dish.family
    return out


def _check_fixed(fixed: Sequence[Fixed], plan_slots: Mapping[int, frozenset[str]],
                 options: PlanOptions) -> None:
    for f in fixed:
        if not 1 <= f.day <= options.days or f.slot not in SLOTS:
            raise PlanRequestError(f"fixed item {f.item.name!r}: day {f.day} {f.slot} is not "
                                   f"a meal of a {options.days}-day plan")
        if f.slot in plan_slots.get(f.day, frozenset(SLOTS)):
            raise PlanRequestError(f"fixed item {f.item.name!r}: day {f.day} {f.slot} is "
                                   "also to be planned")
    for day, slots in plan_slots.items():
        if not 1 <= day <= options.days or not set(slots) <= set(SLOTS):
            raise PlanRequestError(f"day {day}: not a day of the plan, or an unknown meal")


def _preferences(catalogue: Catalogue, data: _Data, options: PlanOptions
                 ) -> np.ndarray | None:
    """Per row: -W_LIKE for a liked food, +W_DISLIKE for a disliked one (both: neither)."""
    if not options.like and not options.dislike:
        return None
    liked = {f for name in options.like for f in matching_foods(catalogue, name, "like")}
    disliked = {f for name in options.dislike
                for f in matching_foods(catalogue, name, "dislike")}
    both = liked & disliked
    if both:
        names = ", ".join(sorted(str(catalogue.entries.loc[f, "short_name"])
                                 for f in both)[:3])
        raise PlanRequestError(f"like and dislike both name {names}")
    return np.array([-W_LIKE if f in liked else W_DISLIKE if f in disliked else 0.0
                     for f in data.ids])


def _liked(catalogue: Catalogue, options: PlanOptions) -> set[str]:
    return {f for name in options.like for f in matching_foods(catalogue, name, "like")}


def _menu(dishes: Dishes, entries: pd.DataFrame, plan_slots: Mapping[int, frozenset[str]],
          options: PlanOptions) -> dict[str, list[Dish]]:
    """Per meal, the dishes the allowed foods can make; a meal to plan with none is a
    request that cannot be met (one line naming the meal)."""
    menu = {s: dishes.for_slot(s, entries) for s in SLOTS}
    wanted = {s for d in range(1, options.days + 1)
              for s in plan_slots.get(d, frozenset(SLOTS))}
    empty = [s for s in SLOTS if s in wanted and not menu[s]]
    if empty:
        raise InfeasiblePlanError(
            f"no {empty[0]} dish can be made from the foods your diet and exclusions "
            "allow; allow more foods (planner/meals/dishes.csv lists the dishes)",
            suggestions=("allow more foods",))
    return menu


def _unused_preferences(catalogue: Catalogue, allowed: pd.Index, options: PlanOptions
                        ) -> tuple[str, ...]:
    """A note for each --like or --dislike that names no food the plan may choose (all of
    them outside the diet or excluded), so that it is not silently without effect."""
    notes = []
    for flag, names in (("like", options.like), ("dislike", options.dislike)):
        for name in names:
            if not any(f in allowed for f in matching_foods(catalogue, name, flag)):
                notes.append(f"--{flag} {name}: no food it names is in a {options.diet} "
                             "diet after the exclusions, so it changes nothing.")
    return tuple(notes)


def plan_quality(days: Sequence[DayPlan], catalogue: Catalogue, table: FoodTable) -> Quality:
    """HEI-2020 of a plan, from the catalogue's equivalents and the food table's values."""
    equivalents = group_equivalents(((i.food_id, i.servings) for d in days for i in d.items
                                     if i.food_id in catalogue.entries.index),
                                    catalogue.entries)
    names = ("energy_kcal", "sodium_mg", "saturated_fat_g", "monounsaturated_fat_g",
             "polyunsaturated_fat_g")
    totals = {n: sum(d.totals[n] for d in days) for n in names}
    unknown = {n: len({f for d in days for f in d.unknown.get(n, ())}) for n in names}
    return healthy_eating_index(equivalents, totals, unknown)


class _RetryWeek(Exception):
    """A day's miss that planning that day again cannot repair: plan the week again.
    ``missed`` is the day's total relative miss of its hard bounds."""

    def __init__(self, day: int, missed: float) -> None:
        super().__init__(f"day {day}")
        self.day = day
        self.missed = missed



class _MealsBlocked(InfeasiblePlanError):
    """A day's meal rules cannot be met: on day 1 by the foods allowed, later perhaps only
    by the variety rules (foods used up), which a retry relaxes."""

    def __init__(self, message: str, *, day: int, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message, suggestions=suggestions)
        self.day = day


@dataclass(frozen=True)
class _Context:
    """What every day of a plan shares."""

    data: _Data
    applied: Mapping[str, AppliedTarget]
    rules: Rules
    pattern: Pattern | None
    eer: float
    included: np.ndarray
    steady: tuple[str, ...] = ()  # nutrients kept steady from day to day (warfarin)
    #: per row: cost added for likes (negative) and dislikes (positive)
    preference: np.ndarray | None = None
    #: day -> the meals to plan (days not listed: every meal); a day with none is kept
    plan_slots: Mapping[int, frozenset[str]] = field(default_factory=dict)
    #: plan the best a day allows (food groups aimed, misses reported, not raised)
    best_effort: bool = False
    catalogue: pd.DataFrame | None = None  # every catalogue entry (food groups of items)
    #: (day, slot index) -> food ids that meal does without where it can
    avoid: Mapping[tuple[int, int], frozenset[str]] = field(default_factory=dict)
    progress: Callable[[int, int], None] | None = None  # (day, days) as a day starts
    #: slot name -> the dishes the person's foods can make there (None: whole-table
    #: plans, which have no roles, so meals are not dishes)
    menu: Mapping[str, Sequence[Dish]] | None = None

    fish_group: str = ""  # whom the FDA/EPA fish advice applies to (rules.fish_group)
    fish_serving: float = 4.0  # the advice's serving for the person's age, oz
    #: day-rule measures a health rule makes aimed, not hard (kidney disease: dairy)
    aimed_groups: frozenset[str] = frozenset()
    #: the food-repeat limit the person asked for (or the default), before any raise
    asked_max_days: int = PlanOptions.max_days
    age: int = 30  # the person's age (meal portions)
    #: day -> slot index -> the dish family a kept meal was saved as (Fixed.dish_id)
    kept_dishes: Mapping[int, Mapping[int, str]] = field(default_factory=dict)

    @functools.cached_property
    def solved(self) -> dict[bytes, DaySolution]:
        """Each day's model solved so far, by its content (see :func:`_solve_once`)."""
        return {}

    @functools.cached_property
    def proven(self) -> dict[bytes, frozenset[str]]:
        """Per day model without its energy hold (by content): the strict bounds with
        which it was proven to have no plan (see :func:`_solve_once`)."""
        return {}

    @functools.cached_property
    def dish_fits(self) -> dict[tuple[str, str], list[np.ndarray]]:
        """(meal, dish id) -> per component, which rows of ``data`` fit it (fixed rows
        never); by meal, as a household's shared dinner may take variants its lunch
        does not."""
        if self.menu is None:
            return {}
        choosable = self.data.fixed_day == 0
        return {(name, d.id): [m & choosable for m in d.fits(self.data.entries)]
                for name, dishes in self.menu.items() for d in dishes}

    @functools.cached_property
    def seasoned(self) -> dict[str, list[list[tuple[int, int, np.ndarray | None]]]]:
        """Dish id -> per group of alternatives (``seasonings.csv``), the rows this person
        may be cooked with, in order, as (row of ``data``, units, rows its ``when`` holds
        for, or None: always); a group ends at its first row without a condition. The
        first row whose condition the meal meets is the one used (as
        :func:`planner.meals.dishes.seasoning_rows` chooses)."""
        if self.menu is None:
            return {}
        data = self.data
        row_of = {f: r for r, f in enumerate(data.ids)
                  if data.role[r] == SEASONING and data.fixed_day[r] == 0}
        out: dict[str, list[list[tuple[int, int, np.ndarray | None]]]] = {}
        for dishes in self.menu.values():
            for dish in dishes:
                if dish.id in out:
                    continue
                groups: dict[str, list[tuple[int, int, np.ndarray | None]]] = {}
                done: set[str] = set()
                for row in dish.seasonings:
                    if row.group in done or row.food_id not in row_of:
                        continue
                    r = row_of[row.food_id]
                    servings = servings_of(row, data.entries.iloc[r])
                    units = 0 if servings is None else round(servings / data.step[r])
                    if units < 1:
                        continue
                    when = Component("when", row.when).matches(data.entries) \
                        if row.when else None
                    groups.setdefault(row.group, []).append((r, units, when))
                    if when is None:
                        done.add(row.group)
                out[dish.id] = list(groups.values())
        return out

    def slots(self, day: int) -> frozenset[str]:
        return self.plan_slots.get(day, frozenset(SLOTS))

    @functools.cached_property
    def _available(self) -> dict[tuple[int, str], int]:
        choosable = self.data.entries.iloc[np.flatnonzero((self.data.fixed_day == 0)
                                                          & (self.data.role != SEASONING))]
        return {(number, slot): cap for slot in SLOTS
                for number, cap in meal_caps(self.rules.meals, slot, choosable).items()}

    @functools.cached_property
    def _capacities(self) -> dict[str, float]:
        return {}

    def capacity(self, name: str) -> float:
        """The most of a nutrient or food-group measure one day can hold, generously
        (:func:`planner.planning.quotas.capacity`): seafood comes in one main a day, a
        nutrient stays within its cap. Worked out once a plan."""
        if name not in self._capacities:
            self._capacities[name] = self._capacity(name)
        return self._capacities[name]

    def _capacity(self, name: str) -> float:
        data = self.data
        choosable = (data.fixed_day == 0) & (data.role != SEASONING)
        slots = [np.flatnonzero(choosable & np.array([slot in s for s in
                                                      data.entries["meal_slots"]]))
                 for slot in SLOTS]
        most = np.array([max(lv) for lv in data.levels], dtype=float)
        if name in data.measures:
            if name in COUNT_MEASURES:
                return 1.0
            if name in ("protein_seafood", "seafood_good"):  # one fish main a day
                return capacity(data.measures[name], most, [np.flatnonzero(choosable)], 1)
            return capacity(data.measures[name], most, slots)
        cap = self.applied[name].max if name in self.applied else None
        return capacity(data.per_unit[name], most, slots, 2,
                        math.inf if cap is None else cap)

    def available(self, rule: int, slot: str) -> int:
        """Foods the person may eat that meal rule ``rule`` could use in ``slot`` (its
        minimum is capped at this; the variety rules never lower it)."""
        return self._available.get((rule, slot), 0)


def _solve_once(context: _Context, problem: DayProblem, options: SolverOptions, *,
                fallback: bool) -> DaySolution:
    """:func:`solve_day`, remembered by everything it reads. A week planned again one
    repeat looser builds its first days' models as before (no food has reached the limit
    yet), and a day sent back may build a model it had; they get their plan without
    solving again. The solver is deterministic (counts, never times), so the plan is the
    one solving again would give."""
    key = hashlib.sha256(pickle.dumps((problem, options, fallback), protocol=5)).digest()
    found = context.solved.get(key)
    if found is None:
        # the day's rows, without its costs (a build draws new jitter) and without the
        # energy hold's row: where a model with these rows was proven to have no plan
        # within strict bounds this one holds strict too, neither has this one (the day
        # built again to hold its energy): its strict searches are skipped
        # (looked up only once some day's model was proven so: most plans never are)
        base = _rows_key(problem, options) if context.proven else None
        found = context.solved[key] = solve_day(
            problem, options, fallback=fallback,
            proven=context.proven.get(base, frozenset()) if base else frozenset())
        if found.proven:
            context.proven.setdefault(base or _rows_key(problem, options), found.proven)
    return found


def _rows_key(problem: DayProblem, options: SolverOptions) -> bytes:
    """The digest of a day's model without what only its objective reads (costs,
    weights, scales, the energy target) and without the energy hold's row
    (:data:`HOLD_BOUND`): what decides which plans meet its bounds."""
    rows = replace(problem, item_cost=np.zeros(len(problem.item_cost)), energy_target=None,
                   energy_weight=0.0,
                   bounds=tuple(replace(b, scale=1.0, weight=1.0) for b in problem.bounds
                                if b.name != HOLD_BOUND),
                   dishes=tuple(replace(d, cost=0.0) for d in problem.dishes))
    return hashlib.sha256(pickle.dumps((rows, options), protocol=5)).digest()


def _plan_days(context: _Context, options: PlanOptions, table: FoodTable, limit: int,
               hopeless: Callable[[set[str]], bool], week_retry: bool,
               backtracks: list[int] | None = None, hold_energy: bool = True
               ) -> _Days:
    """Plan the days in order; return the days, solver reports, any missed targets and
    the days from which the food-repeat limit was raised (day -> limit).

    A day after the first whose meal rules cannot be met, or which misses a target that
    holds every day, is planned again with the repeat limit one higher (up to ``limit``),
    and that limit holds for the rest of the week: the variety rules ran out of foods,
    and the earlier days stay as they were. A miss that ``hopeless`` says no day can
    avoid is not retried. A day that one more repeat does not help, or that misses at
    ``limit``, raises :class:`_RetryWeek` when ``week_retry`` (the days before set the
    miss up: the whole week is planned again with a looser limit); otherwise its miss
    is kept and reported. A day that cannot bring vitamin D or B12 (judged on the week's
    average) up to its running total sends the day before of its block back to be
    planned again, that much ahead (``backtracks`` holds how many times that may still
    happen, shared by every pass over the week): the diagnosis says which days to redo,
    and the days before them stay. A day whose plan goes further below its energy band
    than the nearest plan may (MOST_ENERGY_MISSED) to meet a nutrient's minimum is
    planned again holding its energy, missing the minimum instead, and the days after it
    hold their energy from the start, where ``hold_energy`` (not in the week planned
    again: the first pass is the nearer plan then). Days with
    nothing to plan (every meal kept) are recorded first, so that the days planned see the
    whole week around them."""
    data = context.data
    rng = np.random.default_rng(options.seed)
    history = _History(len(data.ids))
    plans: dict[int, DayPlan] = {}
    infos: list[SolverInfo] = []
    raised: dict[int, int] = {}
    for day in range(1, options.days + 1):
        if not context.slots(day):
            rows = np.flatnonzero(data.fixed_day == day)
            units = np.zeros(len(data.ids))
            units[rows] = 1
            history.dishes[day] = dict(context.kept_dishes.get(day, {}))
            history.record(day, units, data, {(int(f), int(data.fixed_slot[f]))
                                              for f in rows})
            plans[day] = _day_plan(day, rows, data.fixed_slot[rows], np.ones(len(rows)),
                                   data, table, context.catalogue, menu=context.menu)
    kept = set(plans)  # days with every meal kept: never planned, never forgotten
    for day in range(1, options.days + 1):  # days partly kept: for the days before them
        rows = np.flatnonzero(data.fixed_day == day)
        if day not in kept and len(rows):
            units = np.zeros(len(data.ids))
            units[rows] = 1
            history.keep(day, units, data, {(int(f), int(data.fixed_slot[f])) for f in rows})
            history.dishes.setdefault(day, dict(context.kept_dishes.get(day, {})))
    started: dict[int, tuple[Mapping[str, Any], PlanOptions]] = {}  # day -> rng, options
    day_misses_of: dict[int, list[tuple[str, str, int, float, float]]] = {}
    backtracks = [MAX_BACKTRACKS] if backtracks is None else backtracks
    current = options
    day = 1
    while day <= options.days:
        if day in kept:
            day += 1
            continue
        started[day] = (rng.bit_generator.state, current)
        if context.progress is not None:
            context.progress(day, options.days)
        before: float | None = None  # this day's total miss at the lower limit
        hold = history.hold_energy  # energy held within MOST_ENERGY_MISSED of its band
        while True:
            problem, bound_info = _day_problem(context, current, history, day, rng,
                                               hold_energy=hold)
            # where the variety rules may be what leaves a day without a plan, a looser
            # repeat limit is tried before a plan that misses a bound it could then meet
            # (once: a day still without a plan within the strict bounds one repeat
            # looser is missing something no repeat limit gives, a week's fish room say)
            looser = day > 1 and not context.best_effort and current.max_days < limit \
                and raised.get(day, 0) <= options.max_days
            try:
                solution = _solve_once(context, problem, current.solver,
                                       fallback=not looser)
            except SolverError as exc:
                raise SolverError(f"could not plan day {day} of {options.days}: {exc}; "
                                  "try another --seed, a longer --time-limit or looser "
                                  "--target limits") from exc
            if solution.info.status == STOPPED:  # no plan meets the bounds: a repeat looser
                current = replace(current, max_days=current.max_days + 1)
                raised[day] = current.max_days
                continue
            infos.append(solution.info)
            blocked = solution.info.status == "infeasible"
            hard = [] if blocked else [
                (bound, slack) for key, slack in solution.slack.items()
                if (bound := bound_info.get(key)) is not None and bound.hard
                and not met(slack)]
            if hold_energy and not hold and not context.best_effort and \
                    _energy_far(context, problem, solution.units, hard, day) is not None:
                hold = history.hold_energy = True  # too far short: missing a minimum first
                continue
            day_misses = [(b.nutrient, b.side, day, slack * b.scale, b.target)
                          for b, slack in hard]
            daily = {b.nutrient for b, _ in hard
                     if not (b.nutrient in STORED and b.side == "min"
                             and not options.strict_daily)
                     and not (b.nutrient in AI_CAPS and b.side == "max")}  # gives way
            missed = math.inf if blocked else sum(slack for _, slack in hard)
            if not (blocked or daily) or day == 1 or context.best_effort or \
                    (not blocked and hopeless(daily)):
                break
            if before is not None and missed >= before * (1 - 1e-3):
                # one more repeat did not help: the days before set this miss up
                if week_retry:
                    raise _RetryWeek(day, missed)
                break
            if current.max_days >= limit:
                if week_retry:
                    raise _RetryWeek(day, missed)
                break
            before = missed
            current = replace(current, max_days=current.max_days + 1)
            raised[day] = current.max_days  # the variety rules used up what the day needs
        unsafe = [Shortfall(b.nutrient, "max", b.target or context.applied[b.nutrient].max
                            or 0.0, slack * b.scale, (day,)) for b, slack in hard
                  if b.side == "max" and b.nutrient in context.applied
                  and context.applied[b.nutrient].limit]
        # a day far short of energy is no meal plan either: eating it is losing weight
        # (below the band's own floor: today's floor may be higher, to bring the week's
        # mean back within its tolerance, and missing that is a miss to say, not this)
        far = _energy_far(context, problem, solution.units, hard, day)
        if far is not None:
            unsafe.append(far)
        if unsafe and not context.best_effort:
            # a safety limit no plan of this day keeps, whatever the repeat limit, or
            # energy far short: the week has no plan, said at once
            raise infeasible_error(unsafe, options, certain=day == 1)
        if blocked:
            raise _MealsBlocked(
                f"day {day}: the meal rules cannot be met with the foods allowed "
                f"({int(np.sum(data.fixed_day == 0))} foods after diet and exclusions); "
                "allow more foods or raise --max-days", day=day,
                suggestions=("allow more foods", "raise --max-days"))
        behind = [(b.nutrient, slack * b.scale) for b, slack in hard
                  if b.nutrient in STORED and b.side == "min" and not options.strict_daily]
        earlier = [d for d in started if history.block_start(day) <= d < day]
        if behind and earlier and not context.best_effort and backtracks[0] > 0 and \
                not hopeless({n for n, _ in behind}):  # no day reaches it: going back is vain
            # A week-averaged nutrient (vitamin D, B12) behind its running total: today
            # cannot catch up, so the day before plans again to be that much ahead of it
            # (and, if it cannot, the day before that), rather than the whole week.
            back = max(earlier)
            for n, amount in behind:
                history.ahead[(n, back)] = history.ahead.get((n, back), 0.0) + amount
            for d in range(back, day):
                if d in kept:  # a day whose meals are all kept is never planned again
                    continue
                history.forget(d)
                plans.pop(d, None)
                day_misses_of.pop(d, None)
            state, current = started[back]
            rng.bit_generator.state = state
            raised = {d: v for d, v in raised.items() if d < back}
            backtracks[0] -= 1
            day = back
            continue
        day_misses_of[day] = day_misses
        units_by_food = _units_by_food(problem, solution.units, len(data.ids))
        history.record(day, units_by_food, data,
                       {(int(problem.food[i]), int(problem.slot[i]))
                        for i in np.flatnonzero(solution.units > 0)})
        served = {problem.dishes[k].slot: problem.dishes[k].name for k in solution.dishes}
        history.dishes[day] = {**context.kept_dishes.get(day, {})}
        history.dishes[day] |= {problem.dishes[k].slot: problem.dishes[k].family
                               or problem.dishes[k].name for k in solution.dishes}
        plans[day] = _day_plan(day, problem.food, problem.slot, solution.units, data, table,
                               context.catalogue, _dish_objects(context, served),
                               context.menu)
        day += 1
    misses = [m for d in sorted(day_misses_of) for m in day_misses_of[d]]
    day_plans = [plans[d] for d in range(1, options.days + 1)]
    return day_plans, infos, group_shortfalls(misses, context.applied, day_plans, options,
                                              context.eer), raised


def check_plan_options(catalogue: Catalogue, options: PlanOptions
                       ) -> tuple[pd.DataFrame, list[str]]:
    """Validate options against the catalogue; return the allowed entries and the ids of
    the foods to include. Raises :class:`PlanRequestError` for an unknown diet, exclusion
    or food, :class:`InfeasiblePlanError` when the exclusions leave nothing."""
    _check_options(options)
    foods = select(catalogue, options.diet, options.exclude)
    if foods.empty:
        raise InfeasiblePlanError("no foods left after the diet and exclusions",
                                  suggestions=("allow more foods",))
    return foods, _resolve_includes(catalogue, foods, options.include)


def _check_options(options: PlanOptions) -> None:
    if not 1 <= options.days <= 366:
        raise PlanRequestError(f"days: {options.days} is not between 1 and 366")
    if options.max_days < 1 or options.staple_max_days < options.max_days:
        raise PlanRequestError("max days: must be at least 1 and at most the staple limit")
    if options.min_distinct < 0:
        raise PlanRequestError("min distinct foods: must not be negative")
    if not 0 <= options.seed < 2**32:
        raise PlanRequestError(f"seed: {options.seed} must be between 0 and {2**32 - 1}")
    if not 0.5 <= options.ul_margin <= 1:
        raise PlanRequestError(f"UL margin: {options.ul_margin:g} must be between 0.5 and 1")
    if not 0 < options.week_energy_tolerance <= 0.5:
        raise PlanRequestError("week energy tolerance: must be between 0 and 0.5")


def _resolve_includes(catalogue: Catalogue, foods: pd.DataFrame, names: Sequence[str]
                      ) -> list[str]:
    out: list[str] = []
    for name in names:
        ids = find_food(catalogue, name)
        if len(ids) != 1:
            options = ", ".join(catalogue.entries.loc[ids[:6], "short_name"])
            raise PlanRequestError(f"include: {name!r} matches several foods: {options}")
        if catalogue.entries.at[ids[0], "role"] == SEASONING:
            raise PlanRequestError(f"include: {name!r} is a seasoning: it comes with the "
                                   f"dishes cooked with it; --like {name} prefers them")
        if ids[0] not in foods.index:
            raise PlanRequestError(f"include: {name!r} is excluded by your diet or exclusions")
        out.append(ids[0])
    return out


# ------------------------------------------------------------------ data per unit

@dataclass(frozen=True)
class _Data:
    """Allowed foods in arrays: nutrient and food-group amounts per unit (unknown -> 0),
    the levels each may be eaten in, and what meal rules need to know."""

    ids: list[str]
    entries: pd.DataFrame
    per_unit: Mapping[str, np.ndarray]  # nutrients
    measures: Mapping[str, np.ndarray]  # day-rule measures
    unknown: Mapping[str, np.ndarray]  # nutrient -> bool per food
    levels: list[list[int]]  # allowed units per meal
    day_units: np.ndarray  # max units per day (staples eaten at two meals)
    step: np.ndarray
    role: np.ndarray
    kind: np.ndarray
    buy: np.ndarray
    staple: np.ndarray
    main: np.ndarray
    #: Rows after the allowed foods are fixed items (eaten or kept): ``fixed_day`` is
    #: their day (0 for a food to choose), ``fixed_slot`` their meal, ``base`` the row of
    #: the same catalogue food among the allowed ones (-1 if none) and ``fixed_items`` the
    #: item shown as it is.
    base: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    fixed_day: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    fixed_slot: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    fixed_items: Mapping[int, PlanItem] = field(default_factory=dict)
    #: per row and slot (in SLOTS order): the most units at one meal (side_portions.csv);
    #: empty: no caps beyond ``levels``
    slot_cap: np.ndarray = field(default_factory=lambda: np.zeros((0, len(SLOTS))))

    @functools.cached_property
    def _levels_at(self) -> dict[tuple[int, int], list[int]]:
        return {}

    def levels_at(self, row: int, slot: int) -> list[int]:
        """The units row ``row`` may be served in at meal ``slot`` (worked out once)."""
        key = (row, slot)
        found = self._levels_at.get(key)
        if found is None:
            levels = self.levels[row]
            if row < len(self.slot_cap):
                cap = self.slot_cap[row, slot]
                levels = [k for k in levels if k <= cap] or [min(levels)]
            found = self._levels_at[key] = levels
        return found

    def subset(self, index: np.ndarray) -> _Data:
        """The rows ``index`` of a table without fixed rows."""
        assert not self.fixed_items
        return _Data([self.ids[i] for i in index], self.entries.iloc[index],
                     {n: v[index] for n, v in self.per_unit.items()},
                     {n: v[index] for n, v in self.measures.items()},
                     {n: v[index] for n, v in self.unknown.items()},
                     [self.levels[i] for i in index], self.day_units[index],
                     self.step[index], self.role[index], self.kind[index], self.buy[index],
                     self.staple[index], self.main[index], np.arange(len(index)),
                     np.zeros(len(index), dtype=int), np.full(len(index), -1),
                     slot_cap=self.slot_cap[index] if len(self.slot_cap) else self.slot_cap)


def _prepare(table: FoodTable, foods: pd.DataFrame, rules: Rules, age: int,
             energy_kcal: float) -> _Data:
    ids = list(foods.index)
    values = table.foods.loc[ids, list(NUTRIENT_NAMES)]
    step = foods["step"].to_numpy(dtype=float)
    grams = foods["portion_grams"].to_numpy(dtype=float)
    role = foods["role"].to_numpy(dtype=str)
    most = np.array([largest if r == "main" else grown_servings(largest, st, energy_kcal)
                     for largest, r, st in zip(most_servings(foods, age).to_numpy(dtype=float),
                                               role, step, strict=True)])
    per_unit: dict[str, np.ndarray] = {}
    unknown: dict[str, np.ndarray] = {}
    for n in NUTRIENT_NAMES:
        column = values[n].to_numpy(dtype=float)
        unknown[n] = np.isnan(column)
        per_unit[n] = np.nan_to_num(column, nan=0.0) * grams * step / 100.0
    saturated = pd.Series(per_unit["saturated_fat_g"] / step, index=foods.index)
    measures = food_measures(foods, saturated, rules.fish)
    per_measure = {m: measures[m].to_numpy(dtype=float) * step for m in measures.columns}
    oz = protein_oz_per_serving(foods).to_numpy(dtype=float)
    levels = [allowed_levels(step[f], most[f], oz[f],
                             rules.portion_range(role[f], age, energy_kcal))
              for f in range(len(ids))]
    staple = foods["tags"].map(lambda t: "staple" in t).to_numpy(dtype=bool)
    day_units = np.array([max(lv) for lv in levels]) + np.floor(1 / step + 1e-9).astype(int)
    slot_cap = np.full((len(ids), len(SLOTS)), np.inf)
    if rules.sides:
        rows = [{str(k): float(v) for k, v in r.items()} for r in measures.to_dict("records")]
        for f in range(len(ids)):
            for s, slot in enumerate(SLOTS):
                cap = rules.side_cap(role[f], slot, age, energy_kcal, rows[f])
                if cap is not None:
                    slot_cap[f, s] = max(1, math.floor(cap / step[f] + 1e-6))
    return _Data(ids, foods, per_unit, per_measure, unknown, levels, day_units, step, role,
                 foods["kind"].to_numpy(dtype=str), foods["buy"].to_numpy(dtype=str), staple,
                 role == "main", np.arange(len(ids)), np.zeros(len(ids), dtype=int),
                 np.full(len(ids), -1), slot_cap=slot_cap)


def _with_fixed(data: _Data, fixed: Sequence[Fixed], table: FoodTable,
                catalogue: pd.DataFrame, fish: Mapping[str, str] | None = None) -> _Data:
    """``data`` with one row per fixed item: its whole amount is one unit, eaten once in
    its meal; catalogue foods bring their food groups, other foods only nutrients."""
    if not fixed:
        return data
    k = len(fixed)
    items = [f.item for f in fixed]
    grams = np.array([i.grams for i in items])
    values = table.foods.loc[[i.food_id for i in items], list(NUTRIENT_NAMES)]
    per_unit = {n: np.concatenate([data.per_unit[n], np.nan_to_num(
        values[n].to_numpy(dtype=float), nan=0.0) * grams / 100.0]) for n in NUTRIENT_NAMES}
    unknown = {n: np.concatenate([data.unknown[n], values[n].isna().to_numpy()])
               for n in NUTRIENT_NAMES}
    known = [i.food_id in catalogue.index for i in items]
    rows = catalogue.loc[[i.food_id for i, ok in zip(items, known, strict=True) if ok]]
    saturated = pd.Series(
        table.foods.loc[rows.index, "saturated_fat_g"].fillna(0.0).to_numpy(dtype=float)
        * rows["portion_grams"].to_numpy(dtype=float) / 100.0, index=rows.index)
    per_serving = food_measures(rows, saturated, fish) if len(rows) else None
    measures = {}
    for m, v in data.measures.items():
        extra = np.zeros(k)
        for j, (item, ok) in enumerate(zip(items, known, strict=True)):
            if ok and per_serving is not None:
                extra[j] = float(per_serving.loc[[item.food_id], m].iloc[0]) * item.servings
        measures[m] = np.concatenate([v, extra])
    position = {food_id: r for r, food_id in enumerate(data.ids)}
    base = np.array([position.get(i.food_id, -1) for i in items], dtype=int)
    entry_rows = []
    for j, item in enumerate(items):
        row = (cast(pd.Series, catalogue.loc[item.food_id]).copy() if known[j] else
               pd.Series({"short_name": item.name, "familiarity": 1.0, "meal_slots": (),
                          "tags": (), "role": item.role, "kind": "", "buy": "",
                          "category": item.category, "portion_description": item.portion,
                          "portion_grams": item.portion_grams}))
        row.name = f"fixed:{j}"
        row["food_id"] = item.food_id  # the dish table names some foods by id
        entry_rows.append(row)
    entries = pd.concat([data.entries, pd.DataFrame(entry_rows)])
    role = np.array([str(r.get("role", "")) for r in entry_rows], dtype=object)
    kind = np.array([str(r.get("kind", "")) if not f.item.eaten else ""
                     for r, f in zip(entry_rows, fixed, strict=True)], dtype=object)
    buy = np.array([str(r.get("buy", "")) if not f.item.eaten else ""
                    for r, f in zip(entry_rows, fixed, strict=True)], dtype=object)
    n = len(data.ids)
    return _Data(
        [*data.ids, *(f"fixed:{j}" for j in range(k))], entries, per_unit, measures, unknown,
        [*data.levels, *([1] for _ in range(k))],
        np.concatenate([data.day_units, np.ones(k, dtype=int)]),
        np.concatenate([data.step, np.ones(k)]),
        np.concatenate([data.role.astype(object), role]),
        np.concatenate([data.kind.astype(object), kind]),
        np.concatenate([data.buy.astype(object), buy]),
        np.concatenate([data.staple, np.zeros(k, dtype=bool)]),
        np.concatenate([data.main, role == "main"]),
        np.concatenate([data.base, base]),
        np.concatenate([data.fixed_day, np.array([f.day for f in fixed], dtype=int)]),
        np.concatenate([data.fixed_slot, np.array([SLOTS.index(f.slot) for f in fixed],
                                                   dtype=int)]),
        {n + j: f.item for j, f in enumerate(fixed)},
        np.concatenate([data.slot_cap, np.full((k, len(SLOTS)), np.inf)])
        if len(data.slot_cap) else data.slot_cap)


def applied_targets(targets: Targets, options: PlanOptions) -> dict[str, AppliedTarget]:
    """The bounds a plan is built to, with how each is enforced (see module docstring)."""
    out: dict[str, AppliedTarget] = {}
    for n, t in targets.items.items():
        hard = n in STORED or n in DAILY_MIN or n == "energy_kcal" or t.overridden
        basis = "week_average" if n in STORED and not options.strict_daily else "daily"
        # food's share: supplements give the rest (Target.food_min, Target.food_max)
        minimum = t.food_min if hard or n in SOFT_MIN else None
        maximum = t.food_max(options.ul_margin)  # no day crowds an upper limit
        capped = n in AI_CAPS and t.kind == "AI" and t.min and not t.overridden and \
            (maximum is None or AI_CAPS[n][0] * t.min < maximum)
        if minimum is None and maximum is None and t.pct_energy is None:
            continue  # e.g. the sodium AI: salt is added in cooking, not planned
        source = t.source
        if maximum is not None and maximum != t.food_max():
            source += f"; kept below {100 * options.ul_margin:.0f} % of the UL"
        if t.supplement:
            source += f"; food's share, supplements give {t.supplement:,.4g} a day"
        if capped:
            assert t.min is not None
            maximum = AI_CAPS[n][0] * t.min
            source += f"; {AI_CAPS[n][1]}"
        limit = maximum is not None and (t.ul is not None or t.overridden)
        out[n] = AppliedTarget(n, minimum, maximum, basis, hard, source, t.pct_energy,
                               t.supplement, limit)
    return out


#: Above this many allowed foods (the whole food table), the plan is built from a screened
#: subset: the richest foods in each planned nutrient, per serving and per kcal, plus a
#: seeded random sample for variety.
MAX_CANDIDATES: Final = 400
SCREEN_TOP: Final = 30
SCREEN_SAMPLE: Final = 120


def _screen(data: _Data, keep: Sequence[str], seed: int) -> _Data:
    energy = data.per_unit["energy_kcal"]
    chosen = set(np.flatnonzero(np.isin(np.array(data.ids), list(keep))).tolist())
    usable = np.flatnonzero(energy > 0)
    for n in (*KEY_NUTRIENTS, "protein_g", "fiber_g", "energy_kcal", "carbohydrate_g"):
        amount = data.per_unit[n][usable]
        chosen.update(usable[np.argsort(-amount, kind="stable")[:SCREEN_TOP]].tolist())
        if n != "energy_kcal":
            density = amount / energy[usable]
            chosen.update(usable[np.argsort(-density, kind="stable")[:SCREEN_TOP]].tolist())
    rng = np.random.default_rng(seed)
    rest = np.setdiff1d(usable, np.array(sorted(chosen), dtype=int))
    chosen.update(rng.choice(rest, size=min(SCREEN_SAMPLE, rest.size), replace=False).tolist())
    return data.subset(np.array(sorted(chosen), dtype=int))


# ------------------------------------------------------------------ one day's model

@dataclass(frozen=True)
class _DayRecord:
    eaten: np.ndarray  # bool per food
    placed: set[tuple[int, int]]  # (food, slot) pairs
    nutrients: dict[str, float]
    measures: dict[str, float]
    bought: dict[str, str]  # "kind\tbuy" -> buy
    #: slot index -> the foods (base rows) of a lunch or dinner, less its drink, oil
    #: and seasonings: what makes the meal the meal it is (variety of meals)
    meals: dict[int, frozenset[int]] = field(default_factory=dict)


class _History:
    """What the days decided so far chose: foods per day (variety and repeat penalties),
    totals of nutrients and day-rule measures, and the variety of each kind bought.

    Days are decided in any order: a plan decides them first to last, a re-plan of one
    meal has every other day decided already. Every rule reads "the other decided days":
    a food's days in any 7-day window around the day, the decided days of its 7-day block
    (``position`` is how many, plus one), the neighbours for "never two days running".
    Planned first to last, this is exactly "the days before"."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.days: dict[int, _DayRecord] = {}
        self.kept: dict[int, _DayRecord] = {}  # day still to plan -> its kept meals
        self.dishes: dict[int, dict[int, str]] = {}  # day -> slot index -> dish family
        #: (nutrient, day) -> how much of a week-averaged nutrient the running total must
        #: be ahead of its pace on that day: a later day missed by that much
        self.ahead: dict[tuple[str, int], float] = {}
        #: a day went further below its energy band than MOST_ENERGY_MISSED to meet a
        #: minimum and was planned again holding its energy: the days after it hold it
        #: from the start (the same limits leave them as short; solving each without the
        #: hold first, only to find that out, doubled a potassium-limited week's solves)
        self.hold_energy = False

    def forget(self, day: int) -> None:
        """Undo :meth:`record` of ``day`` (it is to be planned again)."""
        self.days.pop(day, None)
        self.dishes.pop(day, None)

    def dish_days(self, day: int) -> dict[str, int]:
        """Per dish family: the most meals of the decided days it is served at in any 7-day
        window that holds ``day`` (a dish comes once a day at most)."""
        near = [d for d in self.dishes if d != day and abs(d - day) < WINDOW]
        best: dict[str, int] = {}
        for first in range(day - WINDOW + 1, day + 1):
            counts: dict[str, int] = {}
            for d in near:
                if first <= d < first + WINDOW:
                    for dish in self.dishes[d].values():
                        counts[dish] = counts.get(dish, 0) + 1
            for dish, c in counts.items():
                best[dish] = max(best.get(dish, 0), c)
        return best

    def dishes_next_door(self, day: int) -> set[str]:
        """Dish families served the day before or after (decided days)."""
        return {dish for d in (day - 1, day + 1) for dish in self.dishes.get(d, {}).values()}

    def record(self, day: int, units: np.ndarray, data: _Data,
               placed: set[tuple[int, int]]) -> None:
        """Record day ``day``: ``units`` per row of ``data`` (fixed rows included; they
        count as their catalogue food)."""
        self.days[day] = self._record(units, data, placed)

    def keep(self, day: int, units: np.ndarray, data: _Data,
             placed: set[tuple[int, int]]) -> None:
        """The kept meals of a day still to plan: their foods count for the variety of
        the days planned before it (a food kept on day 7 is one of day 1's 7 days), not
        for any amount, until the day itself is recorded."""
        self.kept[day] = self._record(units, data, placed)

    def _record(self, units: np.ndarray, data: _Data, placed: set[tuple[int, int]]
                ) -> _DayRecord:
        eaten = np.zeros(self.n, dtype=bool)
        # seasonings come with their dishes: not foods for variety or the shopping budget
        chosen = np.flatnonzero((units > 0) & (data.role != SEASONING))
        base = data.base[chosen]
        eaten[base[base >= 0]] = True
        day_measures = {m: float(units @ v) for m, v in data.measures.items()}
        for m in COUNT_MEASURES:  # a count measure counts days (0/1), not foods
            day_measures[m] = float(day_measures[m] > 0)
        meals: dict[int, set[int]] = {}
        for f, s in placed:
            if SLOTS[s] in MEAL_VARIETY_SLOTS and data.base[f] >= 0 and \
                    str(data.role[f]) not in MEAL_VARIETY_IGNORES:
                meals.setdefault(s, set()).add(int(data.base[f]))
        return _DayRecord(
            eaten, {(int(data.base[f]), s) for f, s in placed if data.base[f] >= 0},
            {n: float(units @ v) for n, v in data.per_unit.items()}, day_measures,
            {f"{data.kind[f]}\t{data.buy[f]}": str(data.buy[f]) for f in chosen
             if data.buy[f]}, {s: frozenset(m) for s, m in meals.items()})

    def meals_near(self, day: int) -> list[tuple[int, int, frozenset[int]]]:
        """(day, slot index, foods) of each lunch and dinner of the decided days within 6
        days of ``day`` (see :attr:`_DayRecord.meals`)."""
        seen = self._seen()
        return [(d, s, foods) for d in sorted(self._near(day))
                for s, foods in sorted(seen[d].meals.items())]

    def _seen(self) -> dict[int, _DayRecord]:
        """The decided days, and the kept meals of days still to plan (:meth:`keep`)."""
        return {**self.kept, **self.days} if self.kept else self.days

    def _near(self, day: int) -> list[int]:
        return [d for d in self._seen() if d != day and abs(d - day) < WINDOW]

    def count_recent(self, day: int, group: np.ndarray | None = None) -> np.ndarray:
        """Per food: the most decided days it is eaten on in any 7-day window that holds
        ``day`` (planned in order: the previous 6 days). With ``group`` (a code per food,
        such as its kind), a day counts when any food of the same group is eaten: raw
        and cooked kale, or fried and poached eggs, are one food for variety."""
        near = sorted({*self._near(day), *(d for d in self.kept if d != day and
                                           d not in self.days and abs(d - day) < WINDOW)})
        best = np.zeros(self.n, dtype=int)
        for first in range(day - WINDOW + 1, day + 1):
            days = [d for d in near if first <= d < first + WINDOW]
            if days:
                best = np.maximum(best, np.sum([self._eaten(d, group) for d in days], axis=0))
        return best

    def _eaten(self, day: int, group: np.ndarray | None) -> np.ndarray:
        eaten = self._seen()[day].eaten
        if group is None:
            return eaten
        hit = np.zeros(int(group.max()) + 1 if len(group) else 0, dtype=bool)
        hit[group[eaten]] = True
        return np.asarray(hit[group])

    def same_meal(self, day: int, food: np.ndarray, slot: np.ndarray) -> np.ndarray:
        """Per candidate: decided days within 6 of ``day`` with that food at that meal."""
        seen = self._seen()
        placed = [seen[d].placed for d in self._near(day)]
        return np.array([sum((int(f), int(s)) in p for p in placed)
                         for f, s in zip(food, slot, strict=True)], dtype=float)

    def neighbours(self, day: int, group: np.ndarray | None = None) -> np.ndarray:
        """Foods eaten the day before or after (decided days); with ``group``, foods of a
        group eaten then (see :meth:`count_recent`)."""
        out = np.zeros(self.n, dtype=bool)
        for d in (day - 1, day + 1):
            if d in self._seen():
                out |= self._eaten(d, group)
        return out

    def block_start(self, day: int) -> int:
        return (day - 1) // WINDOW * WINDOW + 1

    def _block(self, day: int) -> list[int]:
        start = self.block_start(day)
        return sorted(d for d in self.days if d != day and start <= d < start + WINDOW)

    def position(self, day: int) -> int:
        """1 + the decided days of ``day``'s 7-day block."""
        return len(self._block(day)) + 1

    def used_in_block(self, day: int) -> np.ndarray:
        """Foods eaten on the block's decided days."""
        block = [self.days[d].eaten for d in self._block(day)]
        return np.any(block, axis=0) if block else np.zeros(self.n, dtype=bool)

    def in_block(self, day: int, what: str, name: str) -> float:
        """The total of a nutrient or measure over the block's decided days."""
        return sum((self.days[d].nutrients if what == "nutrient" else self.days[d].measures)
                   [name] for d in self._block(day))

    def decided(self, day: int) -> int:
        """Decided days other than ``day``, over the whole plan."""
        return sum(1 for d in self.days if d != day)

    def total(self, day: int, nutrient: str) -> float:
        """A nutrient over every decided day other than ``day``."""
        return sum(r.nutrients[nutrient] for d, r in self.days.items() if d != day)

    def reference(self, day: int) -> dict[str, float] | None:
        """The nutrients of the earliest decided day other than ``day`` (steady amounts)."""
        others = sorted(d for d in self.days if d != day)
        return self.days[others[0]].nutrients if others else None

    def kinds_bought(self, day: int) -> dict[str, str]:
        """Kind -> the variety (purchase) bought for it on the block's decided days."""
        out: dict[str, str] = {}
        for d in self._block(day):
            out.update({key.split("\t")[0]: buy for key, buy in self.days[d].bought.items()})
        return out

    def purchases(self, day: int) -> set[str]:
        """Every purchase (shopping-list line) of the block's decided days."""
        return {b for d in self._block(day) for b in self.days[d].bought.values()}


@dataclass(frozen=True)
class _BoundInfo:
    nutrient: str  # a nutrient, or a day-rule measure
    side: str  # min or max (pct_min, pct_max for energy shares)
    hard: bool
    scale: float
    target: float = 0.0  # the bound's value, for messages (0: use the applied target)


def _energy_far(context: _Context, problem: DayProblem, units: np.ndarray,
                hard: Sequence[tuple[_BoundInfo, float]], day: int) -> Shortfall | None:
    """The day's energy miss where its plan is further below its energy band's own
    floor than the nearest plan may go (MOST_ENERGY_MISSED of the need; None otherwise).
    Today's floor may be higher, to bring the week's mean back within its tolerance;
    missing that is a miss to say, not this."""
    energy = context.applied["energy_kcal"]
    if energy.min is None or not any(b.nutrient == "energy_kcal" and b.side == "min"
                                     for b, _ in hard):
        return None
    row = next((b for b in problem.bounds if b.name == "energy_kcal_min"), None)
    below = 0.0 if row is None else \
        energy.min - float(np.asarray(row.coef, dtype=float) @ units)
    if below <= MOST_ENERGY_MISSED * context.eer:
        return None
    return Shortfall("energy_kcal", "min", energy.min, below, (day,))


def _day_problem(context: _Context, options: PlanOptions, history: _History, day: int,
                 rng: np.random.Generator, *, hold_energy: bool = False
                 ) -> tuple[DayProblem, dict[str, _BoundInfo]]:
    """Build day ``day``'s model from the days decided so far (see the module docstring's
    rules). The day's fixed rows are candidates forced in, in their own meal; the meals to
    plan get every meal rule, the fixed meals none. ``hold_energy``: the day went further
    below its energy band than the nearest plan may (MOST_ENERGY_MISSED) to meet a
    nutrient's minimum; it now misses the minimum first (a miss the plan states)."""
    data, applied, included = context.data, context.applied, context.included
    entries = data.entries
    choose = data.fixed_day == 0
    fixed = np.flatnonzero(data.fixed_day == day)
    fixed_base = data.base[fixed]
    fixed_foods = np.zeros(len(data.ids), dtype=bool)
    fixed_foods[fixed_base[fixed_base >= 0]] = True
    planned_slots = context.slots(day)
    recent = history.count_recent(day)
    yesterday = history.neighbours(day)
    kinds = _kind_codes(data)
    limit = np.where(data.staple, options.staple_max_days, options.max_days)
    kind_days = history.count_recent(day, kinds)
    allowed = (kind_days < limit) & ~(data.main & history.neighbours(day, kinds))
    bought = history.kinds_bought(day)
    bought.update({str(data.kind[f]): str(data.buy[f]) for f in fixed if data.buy[f]})
    other_variety = np.array([k in bought and bought[k] != b
                              for k, b in zip(data.kind, data.buy, strict=True)], dtype=bool)
    allowed = (allowed & ~other_variety) | included
    allowed &= choose & ~(fixed_foods & ~data.staple)  # a food eaten at one meal a day
    allowed &= data.role != SEASONING  # they come with their dishes (_seasoning_candidates)
    food_cost = (W_ITEM + W_FAMILIAR * (entries["familiarity"].to_numpy(dtype=float) - 1)
                 + W_UNKNOWN * np.sum([data.unknown[n] for n in KEY_NUTRIENTS], axis=0)
                 + W_REPEAT * recent + W_YESTERDAY * yesterday
                 + W_BEYOND * ((kind_days >= context.asked_max_days) & ~data.staple)
                 + rng.uniform(0.0, W_JITTER, size=len(data.ids)))
    # a food that adds a line to the shopping list costs more than one already bought
    made = history.purchases(day) | {str(data.buy[f]) for f in fixed if data.buy[f]}
    food_cost = food_cost + W_PURCHASE * np.array([bool(b) and b not in made
                                                   for b in data.buy])
    if context.preference is not None:
        liked = context.preference < 0
        food_cost = np.where(liked, np.maximum(W_LIKED_FLOOR, food_cost + context.preference),
                             food_cost + context.preference)
    food_cost = np.where(included | ~choose, 0.0, food_cost)
    menu = _todays_menu(context, history, day, allowed, dish_max_days(options))
    pairs = [(f, s) for f, slots in enumerate(entries["meal_slots"]) if allowed[f]
             for s, name in enumerate(SLOTS) if name in slots and name in planned_slots
             and (menu is None or menu.fits[s][f])]
    pairs += [(int(f), int(data.fixed_slot[f])) for f in fixed]
    if not pairs:
        raise InfeasiblePlanError(f"day {day}: no foods left within the variety rules; "
                                  "allow more foods or raise --max-days",
                                  suggestions=("allow more foods", "raise --max-days"))
    food = np.array([f for f, _ in pairs], dtype=int)
    slot = np.array([s for _, s in pairs], dtype=int)
    seasonings: dict[tuple[int, str], list[tuple[int, np.ndarray, np.ndarray]]] = {}
    season_units: list[int] = []
    if menu is not None:
        extra, seasonings, season_units = _seasoning_candidates(context, menu, food, slot)
        food = np.concatenate([food, extra[:, 0]]).astype(int)
        slot = np.concatenate([slot, extra[:, 1]]).astype(int)
    seasoning = data.role[food] == SEASONING
    is_fixed = data.fixed_day[food] == day
    per = {n: v[food] for n, v in data.per_unit.items()}
    energy_lo, energy_hi = _energy_band(context, options, history, day, per)
    bounds, info = _nutrient_bounds(per, applied, options, day, history, energy_lo, energy_hi,
                                    context.capacity)
    energy = applied.get("energy_kcal")
    if hold_energy and energy is not None and energy.min is not None and context.eer > 0:
        # a day further than MOST_ENERGY_MISSED of the need below its band is no plan
        # (_plan_days): this day misses a nutrient's minimum, a miss the plan states,
        # before it goes that far short of energy
        bounds.append(Bound(HOLD_BOUND, per["energy_kcal"],
                            lo=energy.min - MOST_ENERGY_MISSED * context.eer,
                            scale=energy.min, weight=W_ENERGY_FAR))
    reference = history.reference(day)
    for n in context.steady:
        if reference is not None:
            first = reference[n]
            lo, hi = max(0.0, (1 - STEADY) * first - STEADY_SLACK), (1 + STEADY) * first \
                + STEADY_SLACK
            scale = max(first, STEADY_SLACK)
            bounds.append(Bound(f"steady_{n}", per[n], lo=lo or None, hi=hi, scale=scale))
            info[f"steady_{n}:lo"] = _BoundInfo(n, "min", True, scale, lo)
            info[f"steady_{n}:hi"] = _BoundInfo(n, "max", True, scale, hi)
    counts: list[Count] = []
    limits: list[UnitLimit] = []
    rule_bounds_, rule_info, rule_counts, rule_limits = _group_rules(context, options,
                                                                     history, day, food)
    bounds += rule_bounds_
    info.update(rule_info)
    counts += rule_counts
    limits += rule_limits
    for s, name in enumerate(SLOTS):
        if name not in planned_slots:
            continue  # a meal eaten or kept: its energy is what it is
        share_lo, share_hi = SLOT_ENERGY[name]
        members = np.flatnonzero(slot == s)
        lo = share_lo * energy_lo if len(members) else 0.0
        bounds.append(Bound(f"energy_{name}", per["energy_kcal"] * (slot == s), lo=lo or None,
                            hi=share_hi * energy_hi, scale=max(energy_lo, 1.0)))
        info[f"energy_{name}:lo"] = _BoundInfo("energy_kcal", "min", False, energy_lo)
        info[f"energy_{name}:hi"] = _BoundInfo("energy_kcal", "max", False, energy_hi)
    meal_counts, needs = _meal_structure(context, food, slot, planned_slots, seasoning)
    counts += meal_counts
    if context.pattern is not None:  # what all foods of a role bring to a meal together
        for s, name in enumerate(SLOTS):
            if name not in planned_slots:
                continue
            for rule in context.rules.meal_total_caps(name, context.age, context.eer):
                members = np.flatnonzero((slot == s) & np.isin(data.role[food],
                                                               list(rule.roles)))
                coef = data.measures[rule.measure][food[members]]
                if rule.measure in COUNT_MEASURES:  # how many foods (one dried fruit)
                    counted = members[coef > 0]
                    if len(counted) > rule.max:
                        counts.append(Count(f"meal_{rule.measure}_{name}", counted, 0,
                                            math.floor(rule.max)))
                elif len(members) and (coef > 0).any():
                    limits.append(UnitLimit(f"meal_{rule.measure}_{name}", members, coef,
                                            hi=rule.max))
    by_food: dict[int, list[int]] = {}
    for i, f in enumerate(food):
        base = int(data.base[f])
        if base >= 0 and not seasoning[i]:
            by_food.setdefault(base, []).append(i)
    for f, of_food in by_food.items():
        most = 2 if data.staple[f] else 1
        members = np.array(of_food)
        if len(members) > most:
            counts.append(Count(f"slots_{data.ids[f]}", members, 0, most))
        members = members[~is_fixed[members]]
        cap = int(data.day_units[f])
        if data.staple[f] and sum(max(data.levels[f]) for _ in members) > cap:
            limits.append(UnitLimit(f"day_cap_{data.ids[f]}", np.array(members),
                                    np.ones(len(members)), hi=cap))
        if included[f] and len(members):
            required = math.ceil(1.0 / data.step[f] - 1e-9)
            limits.append(UnitLimit(f"include_{data.ids[f]}", np.array(members),
                                    np.ones(len(members)), lo=required))
    block_used = history.used_in_block(day)
    start = history.block_start(day)
    block_len = min(WINDOW, options.days - start + 1)
    wanted = math.ceil(options.min_distinct * block_len / WINDOW)
    days_left = block_len - history.position(day) + 1
    min_new = max(0, math.ceil((wanted - int(block_used.sum())) / days_left))
    base_of = data.base[food]
    new = np.flatnonzero(((base_of < 0) | ~block_used[np.maximum(base_of, 0)]) & ~seasoning)
    min_new = min(min_new, int((~block_used & allowed).sum()) + len(fixed))
    if min_new > 0:
        counts.append(Count("min_new_foods", new, min_new))
    counts += _meal_variety(context, history, day, food, slot, planned_slots)
    exclusive = _kind_exclusions(data, food, bought, seasoning)
    new_buy = np.flatnonzero(np.array([bool(data.buy[f]) and data.buy[f] not in made
                                       for f in food], dtype=bool) & ~seasoning)
    budget = max(0, math.floor(SHOPPING_LINES * min(1.0, block_len / WINDOW)) - len(made))
    counts.append(Count("shopping_list", new_buy, 0, budget, overrun_cost=W_OVER_LIST))
    for j in np.flatnonzero(is_fixed):  # fixed items are in, whatever the rules say
        limits.append(UnitLimit(f"fixed_{int(food[j])}", np.array([j]), np.ones(1), lo=1))
    counts = [_room_for_fixed(c, is_fixed) for c in counts]
    limits = [_room_for_fixed_amount(x, is_fixed) for x in limits]
    item_cost = food_cost[food] + W_SAME_MEAL * history.same_meal(day, food, slot)
    for (avoid_day, avoid_slot), ids in context.avoid.items():
        if avoid_day == day:
            item_cost = item_cost + W_AVOID * np.array(
                [s == avoid_slot and data.ids[f] in ids for f, s in zip(food, slot,
                                                                         strict=True)])
    dish_options = [] if menu is None else menu.options(food, slot, rng, is_fixed,
                                                        seasonings)
    n_chosen = len(food) - len(season_units)
    problem = DayProblem(
        food=food, slot=slot,
        levels=[*(data.levels_at(int(f), int(s)) for f, s in zip(food[:n_chosen],
                                                                 slot[:n_chosen],
                                                                 strict=True)),
                *([u] for u in season_units)],
        item_cost=np.where(is_fixed | seasoning, 0.0, item_cost),
        energy=per["energy_kcal"], bounds=bounds,
        slot_names=SLOTS, counts=counts, needs=needs, limits=limits, exclusive=exclusive,
        energy_target=_energy_target(context, options, history, day, energy_lo, energy_hi),
        energy_weight=W_ENERGY, dishes=dish_options)
    return problem, info


def _meal_variety(context: _Context, history: _History, day: int, food: np.ndarray,
                  slot: np.ndarray, planned: frozenset[str]) -> list[Count]:
    """Today's lunch and dinner against those of the decided days: a main with the same
    grain or starch not again within :data:`PAIR_DAYS` days, and not the same meal (its
    foods less drink, oil and seasonings: :data:`MEAL_VARIETY_IGNORES`) within 7 days:
    at most all but one of its foods together in one of today's meals."""
    if context.menu is None:
        return []
    data = context.data
    base = data.base[food]
    out: list[Count] = []
    for d, s0, foods in history.meals_near(day):
        roles = {f: str(data.role[f]) for f in foods}
        pairs = [frozenset((m, g)) for m in foods if roles[m] in PAIR_ROLES[0]
                 for g in foods if roles[g] in PAIR_ROLES[1]] \
            if abs(d - day) < PAIR_DAYS else []
        for s, name in enumerate(SLOTS):
            if name not in planned or name not in MEAL_VARIETY_SLOTS:
                continue
            in_slot = slot == s
            for p, pair in enumerate(pairs):
                members = np.flatnonzero(in_slot & np.isin(base, list(pair)))
                if len(set(base[members].tolist())) == 2:
                    out.append(Count(f"pair_{d}_{s0}_{s}_{p}", members, 0, 1))
            if len(foods) >= 2:
                members = np.flatnonzero(in_slot & np.isin(base, list(foods)))
                if set(base[members].tolist()) == set(foods):
                    out.append(Count(f"same_meal_{d}_{s0}_{s}", members, 0, len(foods) - 1))
    return out


def _kind_codes(data: _Data) -> np.ndarray:
    """A code per row: rows of one kind share it; a row without a kind has its own."""
    codes: dict[str, int] = {}
    out = np.empty(len(data.ids), dtype=int)
    for r, kind in enumerate(data.kind):
        key = str(kind) or f"row:{r}"
        out[r] = codes.setdefault(key, len(codes))
    return out


@dataclass(frozen=True)
class _DayMenu:
    """Today's dishes per planned meal, and which rows can go into one of them."""

    dishes: Mapping[int, Sequence[Dish]]  # slot index -> dishes
    parts: Mapping[tuple[int, str], Sequence[np.ndarray]]  # (slot, dish) -> fits per part
    fits: Mapping[int, np.ndarray]  # slot index -> bool per row
    cost: Mapping[str, float]  # dish id -> cost of serving it today
    measures: Mapping[str, np.ndarray]  # measure -> amount per unit, per row

    def options(self, food: np.ndarray, slot: np.ndarray, rng: np.random.Generator,
                fixed: np.ndarray,
                seasonings: Mapping[tuple[int, str], Sequence[tuple[int, np.ndarray,
                                                                    np.ndarray]]]
                | None = None) -> list[DishOption]:
        """The dish options of the day's candidates (``food`` row and ``slot`` index per
        candidate); a ``fixed`` candidate (kept or eaten) keeps its amount whatever the
        dish's portions say; ``seasonings``: (slot, dish id) -> its seasoning candidates
        (:func:`_seasoning_candidates`)."""
        out = []
        for s, dishes in self.dishes.items():
            in_slot = slot == s
            for dish in dishes:
                parts = self.parts[(s, dish.id)]
                fits = np.any(parts, axis=0)[food] & in_slot
                members = [(np.flatnonzero(m[food] & in_slot), c.min, c.max)
                           for m, c in zip(parts, dish.components, strict=True)]
                if any(len(m) < lo for m, lo, _ in members):
                    continue  # the variety rules left no food for a required part
                portions = []
                for (m, _, _), c in zip(members, dish.components, strict=True):
                    if c.portion is not None:
                        portions += self._portions(c.portion, m[~fixed[m]], food)
                out.append(DishOption(dish.id, s, np.flatnonzero(fits), members,
                                      self.cost[dish.id] + float(rng.uniform(0.0, W_JITTER)),
                                      portions, dish.family,
                                      tuple((seasonings or {}).get((s, dish.id), ()))))
        return out

    def _portions(self, portion: Portion, members: np.ndarray, food: np.ndarray
                  ) -> list[tuple[int, float, float]]:
        """A component's portion in units of each candidate: a food that brings none of
        the measure cannot meet a lower end (no level is inside) and meets any upper."""
        per_unit = self.measures[portion.measure]
        out = []
        for i in members:
            per = float(per_unit[food[i]])
            lo = 0.0 if portion.lo is None else (portion.lo / per if per > 0 else math.inf)
            hi = math.inf if portion.hi is None or per <= 0 else portion.hi / per
            out.append((int(i), lo, hi))
        return out


def _seasoning_candidates(context: _Context, menu: _DayMenu, food: np.ndarray,
                          slot: np.ndarray
                          ) -> tuple[np.ndarray, dict[tuple[int, str],
                                                      list[tuple[int, np.ndarray, np.ndarray]]],
                                     list[int]]:
    """What each of today's dishes is cooked with, as candidates after the chosen ones
    (``food``, ``slot``): (row, slot) per seasoning candidate, (slot, dish id) -> its
    (candidate, when, unless) for :class:`DishOption`, and each candidate's units. A row
    with a condition ("salsa on beans") is used when one of the meal's foods meets it
    (``when``: those candidates of the dish) and no row its group prefers is (``unless``);
    one whose condition no candidate meets is left out."""
    n = len(food)
    pairs: list[tuple[int, int]] = []
    units: list[int] = []
    out: dict[tuple[int, str], list[tuple[int, np.ndarray, np.ndarray]]] = {}
    for s, dishes in menu.dishes.items():
        in_slot = slot == s
        for dish in dishes:
            inside = np.any(menu.parts[(s, dish.id)], axis=0)[food] & in_slot
            for group in context.seasoned.get(dish.id, ()):
                earlier = np.zeros(n, dtype=bool)
                for row, amount, when in group:
                    triggers = np.zeros(0, dtype=int) if when is None else \
                        np.flatnonzero(inside & when[food])
                    if when is not None and not len(triggers):
                        continue
                    out.setdefault((s, dish.id), []).append(
                        (n + len(pairs), triggers, np.flatnonzero(earlier)))
                    pairs.append((row, s))
                    units.append(amount)
                    if when is None:
                        break
                    earlier[triggers] = True
    return np.array(pairs, dtype=int).reshape(-1, 2), out, units


def dish_max_days(options: PlanOptions) -> int:
    """Days of any 7 a dish may be served on: DISH_MAX_DAYS, and one more for each day
    the food-repeat limit was raised above its default to meet a target."""
    return DISH_MAX_DAYS + max(0, options.max_days - PlanOptions.max_days)


def _todays_menu(context: _Context, history: _History, day: int, allowed: np.ndarray,
                 most: int) -> _DayMenu | None:
    """The dishes each meal to plan may be today: not one served the day before or
    after, nor one already on ``most`` days of any 7 (where the menu has others)."""
    if context.menu is None:
        return None
    data = context.data
    served = history.dish_days(day)
    next_door = history.dishes_next_door(day)
    choose = (data.fixed_day == 0) & allowed
    dishes: dict[int, list[Dish]] = {}
    parts: dict[tuple[int, str], list[np.ndarray]] = {}
    fits: dict[int, np.ndarray] = {}
    for s, name in enumerate(SLOTS):
        fits[s] = np.zeros(len(data.ids), dtype=bool)
        if name not in context.slots(day):
            continue
        menu = context.menu[name]
        fresh = [d for d in menu if d.family not in next_door
                 and served.get(d.family, 0) < most]
        dishes[s] = fresh or list(menu)
        for dish in dishes[s]:
            parts[(s, dish.id)] = [m & choose for m in context.dish_fits[(name, dish.id)]]
            fits[s] |= np.any(parts[(s, dish.id)], axis=0)
    cost = {d.id: W_DISH_REPEAT * served.get(d.family, 0) for ds in dishes.values()
            for d in ds}
    if context.preference is not None:  # a liked or disliked seasoning: its dishes
        for ds in dishes.values():
            for d in ds:
                rows = {r for group in context.seasoned.get(d.id, ()) for r, _, _ in group}
                cost[d.id] += sum(sorted({float(context.preference[r]) for r in rows}))
    return _DayMenu(dishes, parts, fits, cost, data.measures)


def _room_for_fixed(count: Count, is_fixed: np.ndarray) -> Count:
    """A count's limit never below the fixed items it already holds (two eaten fish
    mains are a fact, not an infeasible model)."""
    if count.hi is None or not len(count.members):
        return count
    held = int(np.sum(is_fixed[np.asarray(count.members, dtype=int)]))
    return replace(count, hi=max(count.hi, held)) if held > count.hi else count


def _room_for_fixed_amount(limit: UnitLimit, is_fixed: np.ndarray) -> UnitLimit:
    if limit.hi is None or not len(limit.members):
        return limit
    members = np.asarray(limit.members, dtype=int)
    held = float(np.sum(np.asarray(limit.coef, dtype=float)[is_fixed[members]]))
    return replace(limit, hi=max(limit.hi, held)) if held > limit.hi else limit


def _energy_band(context: _Context, options: PlanOptions, history: _History, day: int,
                 per: Mapping[str, np.ndarray]) -> tuple[float, float]:
    """Today's energy bounds: the day band, narrowed so that the block's running mean stays
    within the week tolerance of the EER."""
    energy = context.applied["energy_kcal"]
    lo = energy.min or 0.0
    hi = energy.max or float(np.sum(per["energy_kcal"]))
    eer, tolerance = context.eer, options.week_energy_tolerance
    if energy.min is not None and energy.max is not None and eer > 0:
        position = history.position(day)
        so_far = history.in_block(day, "nutrient", "energy_kcal")
        lo = max(lo, position * eer * (1 - tolerance) - so_far)
        hi = min(hi, position * eer * (1 + tolerance) - so_far)
        if lo > hi:  # cannot happen unless the band is narrower than the tolerance
            lo, hi = hi, lo
    return lo, hi


def _energy_target(context: _Context, options: PlanOptions, history: _History, day: int,
                   lo: float, hi: float) -> float | None:
    """The energy that brings the block's running mean back to the EER, within today's
    bounds."""
    if context.eer <= 0:
        return None
    position = history.position(day)
    wanted = position * context.eer - history.in_block(day, "nutrient", "energy_kcal")
    return min(max(wanted, lo), hi)


def _nutrient_bounds(per: Mapping[str, np.ndarray], applied: Mapping[str, AppliedTarget],
                     options: PlanOptions, day: int, history: _History, energy_lo: float,
                     energy_hi: float, capacity: Callable[[str], float]
                     ) -> tuple[list[Bound], dict[str, _BoundInfo]]:
    bounds: list[Bound] = []
    info: dict[str, _BoundInfo] = {}
    for n, t in applied.items():
        if t.pct_energy is not None:
            name = f"amdr_{n}"
            lo_pct, hi_pct = t.pct_energy
            bounds.append(Bound(name, per[n] * KCAL_PER_GRAM[n], lo_pct / 100, hi_pct / 100,
                                scale=1.0, energy_coef=per["energy_kcal"]))
            info[f"{name}:lo"] = _BoundInfo(n, "pct_min", True, lo_pct)
            info[f"{name}:hi"] = _BoundInfo(n, "pct_max", True, hi_pct)
        low, high = t.min, t.max
        if n == "energy_kcal":
            low, high = energy_lo, energy_hi
        elif low is not None and n in STORED and not options.strict_daily:
            # met on the plan's average: today's share of the plan's total (quotas.py),
            # hard where the days after could not make it up, else a soft pace; a day
            # sent back to be ahead (a later day could not catch up) must be that much
            # ahead, hard
            so_far, decided = history.total(day, n), history.decided(day)
            ahead = history.ahead.get((n, day), 0.0)
            share = quota(options.days * low, None, so_far, decided + 1, options.days,
                          capacity(n))
            if ahead > 0:
                low = max(0.0, (decided + 1) * low + ahead - so_far)
            else:
                low = share.need or 0.0
                if share.pace:
                    bounds.append(Bound(f"{n}_pace", per[n], lo=share.pace, scale=t.min or 1.0,
                                        hard=False, weight=PACE_WEIGHT))
            if n == "vitamin_b12_ug" and t.min:
                floor = B12_DAILY_SHARE * t.min
                bounds.append(Bound(f"{n}_daily_share", per[n], lo=floor, scale=t.min,
                                    hard=False))
        if low:
            scale = t.min or 1.0
            bounds.append(Bound(f"{n}_min", per[n], lo=low, scale=scale, hard=t.min_hard))
            info[f"{n}_min:lo"] = _BoundInfo(n, "min", t.min_hard, scale)
        if high is not None:
            # the planner's own cap on a nutrient without a UL gives way to every
            # target first (a vegan day without fortified foods finds its calcium in
            # greens and beans), and a day above it is said as a miss
            # (the search never holds it strict: a soft bound that is said when missed)
            own = n in AI_CAPS and not t.limit
            bounds.append(Bound(f"{n}_max", per[n], hi=high, scale=t.max or high,
                                safety=t.limit, weight=AI_CAP_WEIGHT if own else 1.0,
                                hard=not own))
            info[f"{n}_max:hi"] = _BoundInfo(n, "max", True, t.max or high)
        if n in HIGH_MULTIPLE and t.min and (high is None or HIGH_MULTIPLE[n] * t.min < high):
            # a preference, not a limit: no info, so a day above it is no miss
            bounds.append(Bound(f"{n}_high", per[n], hi=HIGH_MULTIPLE[n] * t.min,
                                scale=t.min, hard=False, weight=W_HIGH))
    return bounds, info


def _group_rules(context: _Context, options: PlanOptions, history: _History, day: int,
                 food: np.ndarray
                 ) -> tuple[list[Bound], dict[str, _BoundInfo], list[Count], list[UnitLimit]]:
    """The day rules (food groups, counts, energy shares) as today's bounds and counts."""
    bounds: list[Bound] = []
    info: dict[str, _BoundInfo] = {}
    counts: list[Count] = []
    limits: list[UnitLimit] = []
    if context.pattern is None:  # whole-table plans: no roles or equivalents to go on
        return bounds, info, counts, limits
    data = context.data
    start = history.block_start(day)
    position = history.position(day)
    block_len = min(WINDOW, options.days - start + 1)
    for rule in context.rules.days:
        aimed = rule.measure in context.aimed_groups and not context.best_effort
        weight = AIMED_WEIGHT if aimed else 1.0
        if context.best_effort or aimed:
            rule = replace(rule, hard=False)  # what was eaten may not fit; a health rule
        if not condition_holds(rule.applies, data.entries, context.fish_group, context.age):
            continue
        if rule.measure == "leafy_green_days" and "vitamin_k_ug" in context.steady:
            continue  # on warfarin, greens may come every day in steady amounts instead
        limits_ = rule_bounds(rule, context.pattern, context.fish_serving)
        if limits_ is None:
            continue
        lo, hi = limits_
        coef = data.measures[rule.measure][food]
        name = f"rule_{rule.measure}_{rule.basis}"
        if rule.measure in COUNT_MEASURES:
            members = np.flatnonzero(coef > 0)
            if rule.basis == "day":
                counts.append(Count(name, members, math.ceil(lo or 0),
                                    None if hi is None else math.floor(hi)))
            elif lo and block_len >= MIN_BLOCK_FOR_WEEKLY:
                wanted = lo * block_len / WINDOW * (position - 1) / (block_len - 1)
                if math.ceil(wanted - 1e-9) > history.in_block(day, "measure", rule.measure):
                    counts.append(Count(name, members, 1))
            continue
        if rule.scale in ("count", "portions"):  # a plain limit (cups of milk, legumes)
            limits.append(UnitLimit(name, np.arange(len(food)), coef, lo=lo, hi=hi))
            continue
        if rule.scale == "grains":  # whole grains at least a share of the day's grains
            grains = data.measures["grains"][food]
            bounds.append(Bound(name, coef - (lo or 0.0) * grains, lo=0.0, scale=1.0,
                                hard=rule.hard, weight=weight))
            info[f"{name}:lo"] = _BoundInfo(rule.measure, "min", rule.hard, 1.0, lo or 0.0)
            continue
        if rule.scale == "pct_energy":
            kcal = RULE_KCAL_PER_GRAM[rule.measure]
            bounds.append(Bound(name, coef * kcal, lo=None if lo is None else lo / 100,
                                hi=None if hi is None else hi / 100, scale=1.0,
                                energy_coef=data.per_unit["energy_kcal"][food], hard=rule.hard))
            info[f"{name}:hi"] = _BoundInfo(rule.measure, "pct_max", rule.hard, hi or 0.0,
                                            hi or 0.0)
            continue
        if rule.basis == "week":
            # today's share of the block's amount (planning/quotas.py): what the days
            # after cannot make up is hard, the even share a soft pace; likewise the
            # block's maximum: what is left is hard, today's even share a soft pace
            share = quota(lo * block_len / WINDOW if lo is not None and
                          block_len >= MIN_BLOCK_FOR_WEEKLY else None,
                          hi, history.in_block(day, "measure", rule.measure), position,
                          block_len, context.capacity(rule.measure))
            lo, hi = share.need, share.room
            for side, value in (("lo", share.pace), ("hi", share.pace_max)):
                if value is None:
                    continue
                pace = max(abs(value), 0.5)
                bounds.append(Bound(f"{name}_pace", coef, lo=value if side == "lo" else None,
                                    hi=value if side == "hi" else None, scale=pace,
                                    hard=False, weight=PACE_WEIGHT if side == "lo"
                                    else PACE_MAX_WEIGHT))
                info[f"{name}_pace:{side}"] = _BoundInfo(
                    rule.measure, "min" if side == "lo" else "max", False, pace, value)
        if lo is None and hi is None:
            continue
        scale = max(abs(lo or 0.0), abs(hi or 0.0), 0.5)
        bounds.append(Bound(name, coef, lo=lo, hi=hi, scale=scale, hard=rule.hard,
                            weight=weight))
        if lo is not None:
            info[f"{name}:lo"] = _BoundInfo(rule.measure, "min", rule.hard, scale, lo)
        if hi is not None:
            info[f"{name}:hi"] = _BoundInfo(rule.measure, "max", rule.hard, scale, hi)
    return bounds, info, counts, limits


def _meal_structure(context: _Context, food: np.ndarray, slot: np.ndarray,
                    planned: frozenset[str] = frozenset(SLOTS),
                    seasoning: np.ndarray | None = None
                    ) -> tuple[list[Count], list[Need]]:
    """The meal rules, for the meals being planned, as counts over candidates (minimums
    capped at what is available) and needs (a cold cereal's milk); ``seasoning``
    candidates (which come with their dishes) are no food of a meal rule."""
    data = context.data
    roles = data.role[food]
    meal_food = np.ones(len(food), dtype=bool) if seasoning is None else ~seasoning
    counts: list[Count] = []
    needs: list[Need] = []
    generic = context.pattern is None
    for number, rule in enumerate(context.rules.meals):
        if generic and rule.roles is not None:
            continue  # whole-table foods have no roles: only the item counts apply
        for s, name in enumerate(SLOTS):
            if not rule.applies_to(name) or name not in planned:
                continue
            in_slot = (slot == s) & meal_food
            matching = in_slot & (True if rule.roles is None else
                                  np.isin(roles, list(rule.roles)))
            members = np.flatnonzero(matching)
            label = f"meal{number}_{name}"
            if rule.needs:
                partners = np.flatnonzero(in_slot & np.isin(roles, list(rule.needs)))
                if len(members):
                    needs.append(Need(label, members, partners))
                continue
            lo = min(rule.min or 0, context.available(number, name))
            hi = rule.max
            if lo > 0 or (hi is not None and hi < len(members)):
                counts.append(Count(label, members, lo, hi))
    return counts, needs


def _kind_exclusions(data: _Data, food: np.ndarray, bought: Mapping[str, str],
                     seasoning: np.ndarray | None = None
                     ) -> list[tuple[str, list[np.ndarray]]]:
    """For each kind with several varieties on offer today and none bought yet this block:
    at most one variety (two milks, two cereals or two breads would each be a purchase).
    ``seasoning`` candidates (which follow their dishes) are left out."""
    groups: dict[str, dict[str, list[int]]] = {}
    for i, f in enumerate(food):
        kind = str(data.kind[f])
        if kind in bought or (seasoning is not None and seasoning[i]):
            continue
        groups.setdefault(kind, {}).setdefault(str(data.buy[f]), []).append(i)
    return [(f"kind_{n}", [np.array(m) for m in varieties.values()])
            for n, (_, varieties) in enumerate(sorted(groups.items())) if len(varieties) > 1]


# ------------------------------------------------------------------ results

def _units_by_food(problem: DayProblem, units: np.ndarray, n_foods: int) -> np.ndarray:
    totals = np.zeros(n_foods)
    np.add.at(totals, problem.food, units)
    return totals


def _dish_objects(context: _Context, served: Mapping[int, str]) -> dict[int, Dish]:
    by_id = {d.id: d for ds in (context.menu or {}).values() for d in ds}
    return {s: by_id[i] for s, i in served.items() if i in by_id}


def _day_plan(day: int, food: np.ndarray, slot: np.ndarray, units: np.ndarray, data: _Data,
              table: FoodTable, catalogue: pd.DataFrame | None = None,
              dishes: Mapping[int, Dish] | None = None,
              menu: Mapping[str, Sequence[Dish]] | None = None) -> DayPlan:
    """The day from chosen units per (row, slot) candidate; fixed rows as they are; a
    meal that is a dish carries the dish's name for its foods."""
    meals: list[Meal] = []
    for s, slot_name in enumerate(SLOTS):
        rows: list[int] = []
        items = []
        amount: dict[int, float] = {}  # a seasoning in two of a dish's groups: one item
        for i in np.flatnonzero((slot == s) & (units > 0)):
            f = int(food[i])
            if f not in amount:
                rows.append(f)
            amount[f] = amount.get(f, 0.0) + float(units[i])
        for f in rows:
            if f in data.fixed_items:
                items.append(data.fixed_items[f])
                continue
            items.append(plan_item(data.entries, data.ids[f], amount[f] * data.step[f],
                                   table))
        dish = (dishes or {}).get(s)
        if dish is None and rows and menu is not None:  # a kept meal: the dish it is
            dish = dish_of(data.entries.iloc[rows], menu.get(slot_name, ()))
        eaten = any(i.eaten for i in items)
        name = dish.title(data.entries.iloc[rows]) if dish is not None and rows and \
            not eaten else ""
        if items:
            meals.append(Meal(slot_name, tuple(items), name,
                              dish.id if dish is not None and name else ""))
    all_items = [i for m in meals for i in m.items]
    totals, unknown = nutrient_totals(all_items, table)
    entries = data.entries if catalogue is None else catalogue
    groups = group_amounts(group_equivalents(
        ((i.food_id, i.servings) for i in all_items if i.food_id in entries.index),
        entries))
    return DayPlan(day, tuple(meals), totals, unknown, groups)


def _combine(infos: Sequence[SolverInfo]) -> SolverInfo:
    statuses = {i.status for i in infos}
    gaps = [i.mip_gap for i in infos if i.mip_gap is not None]
    return SolverInfo(infos[0].name if len({i.name for i in infos}) == 1 else
                      "+".join(sorted({i.name for i in infos})),
                      "optimal" if statuses == {"optimal"} else "feasible",
                      sum(i.seconds for i in infos), max(gaps) if gaps else None,
                      sum(i.runs for i in infos))


# ------------------------------------------------------------------ what no day can reach

def _impossible(data: _Data, applied: Mapping[str, AppliedTarget], options: PlanOptions
                ) -> list[Shortfall]:
    """Targets no single day can reach with the allowed foods, whatever the variety rules.

    For each hard minimum, a linear program finds the most of that nutrient one day can
    hold (continuous servings up to each food's daily maximum, within the energy band,
    every cap and the AMDRs). A minimum above that is impossible, and the gap is a lower
    bound on how much every plan misses it by, per day.
    """
    meal_most = np.array([max(lv) for lv in data.levels], dtype=float)
    upper = np.where(data.staple, data.day_units, meal_most).astype(float)
    per = data.per_unit
    energy = applied["energy_kcal"]
    rules: list[Bound] = []
    for n, t in applied.items():
        if t.max is not None:
            rules.append(Bound(f"{n}_max", per[n], hi=t.max, scale=t.max))
        if t.pct_energy is not None:
            rules.append(Bound(f"amdr_{n}", per[n] * KCAL_PER_GRAM[n], t.pct_energy[0] / 100,
                               t.pct_energy[1] / 100, energy_coef=per["energy_kcal"]))
    out = []
    for n, t in applied.items():
        if not t.min_hard or not t.min:
            continue
        bounds = list(rules)
        if n != "energy_kcal" and energy.min is not None:
            bounds.append(Bound("energy_min", per["energy_kcal"], lo=energy.min,
                                scale=energy.min))
        best = solve_diet(-per[n] / t.min, upper, bounds, integer=False,
                          options=options.solver)
        most = float(per[n] @ best.units)
        if most < t.min * (1 - 1e-6):
            days = () if t.basis == "week_average" else tuple(range(1, options.days + 1))
            out.append(Shortfall(n, "min", t.min, t.min - most, days))
    return out


