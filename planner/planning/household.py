"""Household plans: one week for several people, shared meals, one shopping list (#38).

Each member is planned to their own targets, diet, exclusions and health rules, exactly as
:func:`planner.planning.plan.plan_week` plans one person: the same context, day model,
history (variety, weekly amounts) and verification. What the household adds:

Shared meals
  Dinner (by default; any meals asked for) is one dish for everyone each day, cooked once.
  Every food of the dish's required parts that a member may eat, that member eats, in a
  portion of their own (their levels: a child's plate, an adult's). A member whose diet
  rules out the food the house serves for a part has the dish's named variant in its
  place (``variants`` in ``planner/meals/dishes.csv``: beans for the chicken in the same
  tacos), and any member may take it where their own targets or variety call for it, at
  a small cost (:data:`W_VARIANT`); a part without a variant that a member cannot eat
  leaves the dish off the house's menu that day. Optional parts (a glass of milk, cheese
  on top, bread on the side) are each member's to take or leave. Foods any sharing
  member's allergies or exclusions rule out stay out of the shared meal altogether.
One day, the lead first
  Each member's day model is built by :func:`planner.planning.plan._day_problem` as for
  one person (their bounds, food groups, variety, week quotas). Each day the lead of a
  shared meal (the sharer with the most foods allowed) plans their day first, choosing
  among the dishes every sharer can have and the foods every other sharer can follow;
  each other sharer then plans their day with the lead's dish and foods held as hard
  counts in their own model (a food of a part without a variant: that food; of a part
  with one: that food or the variant's), in their own portions. Where that leaves a
  sharer short, the day is planned again with that sharer choosing first (and, where
  that serves everyone, they choose first from then on), then with the house's next
  dish (:func:`_solve_house_day`). Every member's day is solved by the same
  deterministic LP-guided dive (:func:`~.dive.solve_day`), so a household's day costs
  about one single day per member: cost grows linearly with the members. Kinds are
  bought in one variety for the whole house and the list's budget is the house's.
Own meals
  Where a shared meal cannot serve a member on a day (no dish the house can make suits
  them, or sharing leaves them a target short that their own meal meets), that member's
  meal is their own that day, and the plan says so.
One of
  A household of one is planned exactly as :func:`plan_week` plans that person.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from planner.errors import (
    DatasetError,
    InfeasiblePlanError,
    PlannerError,
    PlanRequestError,
    Shortfall,
    SolverError,
)
from planner.food.catalogue import ALLERGENS, SEASONING, SLOTS, Catalogue, select
from planner.food.data import FoodTable
from planner.meals.dishes import Component, Dish, Dishes, dish_word, load_dishes
from planner.meals.recipes import Method, load_recipes, preparation
from planner.meals.rules import Rules, load_rules
from planner.meals.shopping import ShoppingLine, shopping_list
from planner.person.targets import Targets
from planner.planning.cooking import apart_words, dish_method, seasoned_from
from planner.planning.diagnosis import group_shortfalls, infeasible_error, with_health_hint
from planner.planning.dive import solve_day
from planner.planning.model import (
    STOPPED,
    Count,
    DayProblem,
    DaySolution,
    DishOption,
    SolverInfo,
    UnitLimit,
    met,
)
from planner.planning.plan import (
    MAX_BACKTRACKS,
    W_PURCHASE,
    _BoundInfo,
    _Context,
    _day_plan,
    _day_problem,
    _dish_objects,
    _energy_far,
    _finish,
    _History,
    _MealsBlocked,
    _RetryWeek,
    _Setup,
    _setup,
    _units_by_food,
)
from planner.planning.records import (
    AI_CAPS,
    STORED,
    WINDOW,
    DayPlan,
    PlanItem,
    PlanOptions,
    WeekPlan,
)
from planner.words import and_list, plural

#: Lines the house's shopping list may grow by for each member beyond the first (a
#: single week's list holds SHOPPING_LINES; a family shares its dinners, so each member
#: adds only their own breakfasts, lunches and snacks' foods).
HOUSE_LINES_PER_MEMBER: Final = 6
#: A day whose shared meal leaves a sharer short of a daily target (or without a plan)
#: is planned again this many times before that sharer has their own meal: first with
#: that sharer choosing the house's dish and foods, then with the house's next dish.
OTHER_TRIES: Final = 2
#: What a member's taking a dish's variant costs where they could eat the house's food
#: (a child whose week of fish is used up): one dish for everyone comes first, far above
#: a food past the repeat limit (at 3.0 an omnivore father took the pinto beans of a
#: shrimp pasta beside a vegetarian son's lentils when shrimp fit him too).
W_VARIANT: Final = 30.0


@dataclass(frozen=True)
class DishParts:
    """What one dish of a shared meal is made of, by food id: per component, whether it
    is required, the foods that fit it and the foods of its variant (see
    :meth:`planner.meals.dishes.Dish.variant`; empty: it has none)."""

    required: tuple[bool, ...]
    fits: tuple[frozenset[str], ...]
    variants: tuple[frozenset[str], ...]

    def parts(self) -> list[tuple[frozenset[str], frozenset[str]]]:
        """The required components as (foods, variant foods)."""
        return [(fits, variant) for need, fits, variant in
                zip(self.required, self.fits, self.variants, strict=True) if need]


# ------------------------------------------------------------------ records

#: At most this many members: a household, not a canteen (``planner batch`` plans many
#: people apart).
MAX_MEMBERS: Final = 12


@dataclass(frozen=True)
class Member:
    """One person of a household: their targets and plan options (diet, exclusions,
    likes; every member has the household's days and seed) and ``where`` they come from
    in the input ("family.csv row 3 (ben)"), for messages."""

    id: str
    targets: Targets
    options: PlanOptions = PlanOptions()
    where: str = ""

    @property
    def said(self) -> str:
        return self.where or f"member {self.id!r}"


@dataclass(frozen=True)
class SharedMeal:
    """A meal the house eats together: its day, meal, dish (a row of the dish table), the
    members who eat it together and those who have their own meal instead that day (no
    members and no dish: no dish served the house together that day). ``name``: the
    dish's name as the house's plates say it; ``method``: how to cook it for everyone
    who shares it, as one pot (the house's foods summed over them, the seasonings for as
    many servings; :func:`planner.planning.cooking.dish_method`); ``apart``: a line for
    each food some sharers have in place of the house's (a variant: lentils for the
    shrimp), who has it, how much and how it is made apart."""

    day: int
    slot: str
    dish_id: str
    members: tuple[str, ...]
    own: tuple[str, ...] = ()
    name: str = ""
    method: Method | None = None
    apart: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberFailure:
    """A member whose own week cannot be planned (the rest of the house is)."""

    id: str
    where: str
    message: str


@dataclass(frozen=True)
class HouseholdPlan:
    """A household's verified week: each member's own :class:`WeekPlan` (their targets,
    days and notes; their meals at shared meals are their portions of the house's dish),
    which meals were shared, one shopping list for the house, the household's notes and
    the members whose own week could not be planned."""

    members: tuple[Member, ...]
    weeks: tuple[WeekPlan, ...]
    share: tuple[str, ...]
    shared: tuple[SharedMeal, ...]
    shopping_list: tuple[ShoppingLine, ...]
    notes: tuple[str, ...] = ()
    failed: tuple[MemberFailure, ...] = ()

    @property
    def days(self) -> int:
        return self.weeks[0].options.days

    def meal(self, day: int, slot: str) -> SharedMeal | None:
        """The shared meal of ``day`` at ``slot`` (None: not shared that day)."""
        return next((m for m in self.shared if m.day == day and m.slot == slot), None)


class _MemberFailed(Exception):
    """A member's own week cannot be planned: the house is planned again without them."""

    def __init__(self, member: int, error: PlannerError) -> None:
        super().__init__(str(error))
        self.member = member
        self.error = error


# ------------------------------------------------------------------ the public entry point

def plan_household(table: FoodTable, catalogue: Catalogue, members: Sequence[Member], *,
                   share: Collection[str] = ("dinner",), rules: Rules | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   replanning: Callable[[str], None] | None = None) -> HouseholdPlan:
    """Plan a week for every member of a household, sharing the meals ``share`` (see
    the module docstring); every member's options give the same days and seed.

    Raises :class:`PlanRequestError` for a bad household (no members, more than
    :data:`MAX_MEMBERS`, a repeated id, an unknown meal to share) or a member's bad
    option (naming the member). A member whose own week cannot be planned is left out
    and named in :attr:`HouseholdPlan.failed`, the rest planned without them; with no
    member left (or one member in all) that member's error is raised, as
    :func:`planner.planning.plan.plan_week` raises it. ``progress(day, days)`` is
    called as each day's planning starts, ``replanning(why)`` before the week is
    planned again without a member.
    """
    _check_household(members, share, catalogue)
    rules = rules or load_rules()
    active = list(members)
    failed: list[MemberFailure] = []
    while True:
        try:
            plan = _plan(table, catalogue, active, tuple(s for s in SLOTS if s in share),
                         rules, progress)
        except _MemberFailed as exc:
            member = active[exc.member]
            if len(members) == 1:
                raise exc.error from None
            failed.append(MemberFailure(member.id, member.where, str(exc.error)))
            active.pop(exc.member)
            if not active:
                raise InfeasiblePlanError(
                    f"no member's week can be planned; {failed[0].where or failed[0].id}: "
                    f"{failed[0].message}") from None
            if replanning is not None:
                replanning(f"planning again without {member.id}")
            continue
        return replace(plan, failed=tuple(failed), notes=(
            *(f"{f.where or f.id}: no week could be planned for {f.id}, so the household "
              f"is planned without them: {f.message}" for f in failed), *plan.notes))


def _check_household(members: Sequence[Member], share: Collection[str],
                     catalogue: Catalogue) -> None:
    if not members:
        raise PlanRequestError("a household needs at least one member")
    if len(members) > MAX_MEMBERS:
        raise PlanRequestError(f"{members[MAX_MEMBERS].said}: a household has at most "
                               f"{MAX_MEMBERS} members (plan more people apart with "
                               "'planner batch')")
    seen: dict[str, str] = {}
    for m in members:  # ids that differ only in case name one person twice ("ana", "Ana")
        if m.id.casefold() in seen:
            earlier = seen[m.id.casefold()]
            raise PlanRequestError(f"{m.said}: id {m.id!r} is given twice" + (
                "" if earlier == m.id else f" (as {earlier!r}: ids differ in more than "
                                           "case)"))
        seen[m.id.casefold()] = m.id
    unknown = sorted(set(share) - set(SLOTS))
    if unknown:
        raise PlanRequestError(f"--share: {unknown[0]!r} is not a meal (one or more of "
                               f"{', '.join(SLOTS)}, or 'all' alone)")
    first = members[0].options
    for m in members[1:]:
        if (m.options.days, m.options.seed) != (first.days, first.seed):
            raise PlanRequestError(f"{m.said}: every member plans the household's days "
                                   "and seed")
    if catalogue.generic:
        raise PlanRequestError("a household plan shares dishes, which need the planner's "
                               "catalogue (not --all-foods)")


# ------------------------------------------------------------------ the members

@dataclass
class _Person:
    """A member while the house is planned: their own setup (as :func:`plan_week`
    works it out), the context whose menu at shared meals is the house's, and the dish
    table as they eat shared meals (with the variants they may take)."""

    member: Member
    setup: _Setup
    shared: _Context
    dishes: Dishes
    edible: frozenset[str]
    #: foods their exclusions (allergens, --exclude) rule out, which no shared meal holds
    excluded: frozenset[str]


@dataclass(frozen=True)
class _House:
    """What every day of a household's plan shares: the shared meals' SLOTS indices and
    who shares each, the lead (who chooses a shared meal's foods first), each shared
    dish's parts by food id, the foods no shared meal holds and how many more lines the
    house's list may have than one person's."""

    sharers: Mapping[int, tuple[int, ...]]
    lead: Mapping[int, int]
    recipes: Mapping[str, DishParts]
    out: frozenset[str]
    lines: int
    never: Mapping[int, tuple[int, ...]] = field(default_factory=dict)  # no dish suits them


def _person(table: FoodTable, catalogue: Catalogue, member: Member, rules: Rules,
            index: int) -> _Setup:
    """The member's setup; their request errors name them, and a week that cannot be
    planned for them is a :class:`_MemberFailed`."""
    try:
        return _setup(table, catalogue, member.targets, member.options, rules)
    except PlanRequestError as exc:
        raise PlanRequestError(f"{member.said}: {exc}") from None
    except PlannerError as exc:  # infeasible, or limits only a clinician can set
        raise _MemberFailed(index, exc) from None


def _plan(table: FoodTable, catalogue: Catalogue, members: Sequence[Member],
          share: tuple[str, ...], rules: Rules,
          progress: Callable[[int, int], None] | None) -> HouseholdPlan:
    """The household's week for ``members`` (see :func:`plan_household`). A miss the
    days before set up plans the week again one repeat looser, once; where that pass
    has no plan for a member, the first pass is the nearest plan, as :func:`plan_week`
    takes it."""
    setups = [_person(table, catalogue, m, rules, j) for j, m in enumerate(members)]
    dishes = load_dishes()
    people, house = _people(catalogue, members, setups, dishes, share)
    options = [m.options for m in members]
    limit = min(options[0].staple_max_days, WINDOW)
    retried = False
    # the first pass, when the week is planned again: its options, and its days where it
    # went to the end (None: it stopped at the day that sent the week back)
    first: tuple[list[PlanOptions], _Days | None] | None = None
    backtracks = [MAX_BACKTRACKS]
    while True:
        try:
            days = _house_days(people, house, options, table, limit, backtracks,
                               week_retry=any(o.max_days < limit for o in options)
                               and not retried, hold_energy=first is None,
                               progress=progress)
        except _RetryWeek:
            retried = True
            first = (options, None)
            options = [replace(o, max_days=min(limit, o.max_days + 1)) for o in options]
            continue
        except _MemberFailed as exc:
            if first is not None and isinstance(exc.error, InfeasiblePlanError):
                # the week one repeat looser has no plan for a member: the first pass is
                # the nearest plan, its misses said, as plan_week takes it (where it
                # stopped at the day that sent the week back, it goes on to the end)
                options, finished = first
                first = None
                if finished is not None:
                    days = finished
                    break
                continue
            j, error = exc.member, exc.error
            if isinstance(error, InfeasiblePlanError):  # as plan_week says it
                error = with_health_hint(error, setups[j].health, setups[j].applied)
                if catalogue.missing:
                    error = InfeasiblePlanError(
                        f"{error} (the food table lacks {len(catalogue.missing)} of the "
                        "catalogue's foods; refresh it with --ids-from "
                        "datasets/recommended_foods.csv)", error.shortfalls,
                        error.suggestions)
            raise _MemberFailed(j, error) from None
        retry = [[s for s in days.shortfalls[j]
                  if not (s.nutrient in AI_CAPS and s.bound == "max")] for j in range(len(people))]
        again = [j for j, p in enumerate(people) if retry[j]
                 and not p.setup.impossible()
                 and not any(1 in s.days for s in retry[j])
                 and options[j].max_days < limit]
        if retried or not again:
            break
        # a miss the days before set up: the whole week again, one repeat looser for
        # the members who missed (as plan_week does for one person), once
        retried = True
        first = (options, days)
        options = [replace(o, max_days=o.max_days + 1) if j in again else o
                   for j, o in enumerate(options)]
    weeks: list[WeekPlan] = []
    bought: dict[str, float] = {}
    for j, p in enumerate(people):
        try:
            week, grams = _finish(replace(p.setup, dishes=p.dishes), table, catalogue,
                                  p.member.targets, p.member.options, rules,
                                  days.plans[j], days.infos, days.shortfalls[j],
                                  days.raised[j], options[j].max_days)
        except PlannerError as exc:
            raise _MemberFailed(j, exc) from None
        weeks.append(week)
        for food_id, g in grams.items():
            bought[food_id] = bought.get(food_id, 0.0) + g
    shared = tuple(days.meals)
    problems = verify_shared(weeks, shared, [p.member.id for p in people], house.recipes,
                             house.out, catalogue.entries, dishes)
    if problems:
        raise SolverError("the household plan failed independent verification: "
                          + "; ".join(problems[:3]))
    shared = _pots(people, weeks, shared, house, catalogue, dishes)
    return HouseholdPlan(tuple(members), tuple(weeks), share, shared,
                         shopping_list(bought, catalogue.entries),
                         (*_house_notes(people, house, shared, share),
                          *_cross_contact(people, weeks, catalogue.entries)))


def _people(catalogue: Catalogue, members: Sequence[Member], setups: Sequence[_Setup],
            dishes: Dishes, share: Sequence[str]) -> tuple[list[_Person], _House]:
    """Each member with the house's menu at the shared meals, and the house."""
    edible = [frozenset(s.context.data.ids) for s in setups]
    every = select(catalogue, "omnivore", ())
    excluded = []
    for m in members:  # what a member's exclusions (not their diet) rule out
        diet = set(select(catalogue, m.options.diet, ()).index)
        excluded.append(frozenset(diet - set(select(catalogue, m.options.diet,
                                                    m.options.exclude).index)))
    n = len(members)
    slots = [SLOTS.index(s) for s in share]
    menus: list[dict[str, Sequence[Dish]]] = [dict(s.context.menu or {}) for s in setups]
    widened: list[dict[str, Dish]] = [{} for _ in members]
    sharers: dict[int, tuple[int, ...]] = {}
    never: dict[int, tuple[int, ...]] = {}
    recipes: dict[str, DishParts] = {}
    out: set[str] = set()
    for s in slots:
        name = SLOTS[s]
        who = list(range(n))
        while True:
            out_now = frozenset().union(*(excluded[j] for j in who)) if len(who) > 1 \
                else frozenset()
            offers = {j: _house_dishes(dishes, name, setups[j].context.data.entries, out_now)
                      for j in who}
            common = set.intersection(*(set(o) for o in offers.values()))
            if common or len(who) <= 1:
                break
            # no dish suits them all: the member whose leaving opens the most dishes
            # eats their own meal (the last listed of equals)
            opened = {j: len(set.intersection(*(set(offers[k]) for k in who if k != j)))
                      for j in who}
            who.remove(max(reversed(who), key=lambda j: opened[j]))
        never[s] = tuple(j for j in range(n) if j not in who)
        if len(who) < 2:
            never[s] = tuple(range(n))
            continue
        sharers[s] = tuple(who)
        out |= out_now
        for j in who:
            menus[j][name] = [offers[j][d] for d in sorted(common, key=_order(dishes))]
            widened[j].update({d.id: d for d in menus[j][name]})
        for d in dishes.dishes:
            if d.id in common:
                recipes[d.id] = _dish_parts(d, every)
    people = []
    for j, (m, setup) in enumerate(zip(members, setups, strict=True)):
        table_j = Dishes(tuple(widened[j].get(d.id, d) for d in dishes.dishes),
                         dishes.choices)
        people.append(_Person(m, setup, replace(setup.context, menu=menus[j]), table_j,
                              edible[j], excluded[j]))
    # the lead chooses a shared meal first: the member with the most foods allowed (the
    # house cooks what the least restricted eat, and the others have the dish's
    # variants where they need them), the first listed of equals
    lead = {s: min(who, key=lambda j: (-len(edible[j]), j)) for s, who in sharers.items()}
    return people, _House(sharers, lead, recipes, frozenset(out),
                          HOUSE_LINES_PER_MEMBER * (n - 1), never)


def _pots(people: Sequence[_Person], weeks: Sequence[WeekPlan],
          shared: Sequence[SharedMeal], house: _House, catalogue: Catalogue,
          dishes: Dishes) -> tuple[SharedMeal, ...]:
    """The shared meals with their names, their methods for the pot and the lines for
    the foods some sharers have apart (see :class:`SharedMeal`)."""
    entries = catalogue.entries
    recipes = load_recipes()
    index = {p.member.id: j for j, p in enumerate(people)}
    allowed: dict[int, pd.DataFrame] = {}  # what each member's seasonings come from
    eats = [frozenset(select(catalogue, p.member.options.diet, p.member.options.exclude
                             ).index) for p in people]  # the foods each member's diet allows
    out = []
    for meal in shared:
        dish = dishes.by_id(meal.dish_id) if meal.dish_id else None
        plates = {m: next(x for x in weeks[index[m]].days[meal.day - 1].meals
                          if x.slot == meal.slot) for m in meal.members}
        if dish is None or not plates or any(
                i.eaten or i.food_id not in entries.index
                for x in plates.values() for i in x.items):
            out.append(meal)
            continue
        dish = dish.with_variants([c.label for c in dish.components])
        parts = house.recipes.get(dish.id)
        cooked = {m: [i for i in x.items if entries.at[i.food_id, "role"] != SEASONING]
                  for m, x in plates.items()}
        apart = _apart(cooked, parts.parts() if parts is not None else [])
        pot, extras = _pot(cooked, apart)
        for m in plates:
            j = index[m]
            if j not in allowed:
                p = people[j]
                allowed[j] = seasoned_from(catalogue, p.member.options.diet,
                                           p.member.options.exclude, p.dishes, p.setup.tags)
        everyone = allowed[index[meal.members[0]]]
        for m in meal.members[1:]:  # the pot's seasonings: ones every sharer may have
            everyone = everyone[everyone.index.isin(allowed[index[m]].index)]
        method, _ = dish_method(
            recipes, dish, entries.loc[list(pot)], list(pot.values()), everyone,
            counted=any(entries.at[i.food_id, "role"] == SEASONING
                        for x in plates.values() for i in x.items),
            eaters=[entries.loc[[i.food_id for i in items]] for items in cooked.values()])
        own_pan = {f for instead in (x for foods in apart.values() for x in foods.values())
                   for f in instead
                   if " in the oil" in preparation(recipes, dish, entries.loc[[f]], 1.0)}
        if method is not None and own_pan:  # the step says it too, not only the line
            words = [dish_word(str(entries.at[f, "short_name"])) for f in own_pan]
            method = replace(method, steps=tuple(
                step.replace(" in the oil", " in a pan of its own with a little of the oil",
                             1) if any(w in step for w in words) else step
                for step in method.steps))
        lines: dict[tuple[str, tuple[str, ...]], list[tuple[str, PlanItem]]] = {}
        for m, foods in apart.items():
            for i in cooked[m]:
                if i.food_id in foods:
                    lines.setdefault((i.food_id, foods[i.food_id]), []).append((m, i))
        # the name says what everyone shares (the pot's foods): a glass of milk or a
        # cheese only some have is on their plates, not in the name of the house's dish
        house_plate = next((m for m in meal.members if m not in apart), meal.members[0])
        name = dish.title(entries.loc[list(pot)]) if pot else plates[house_plate].dish
        out.append(replace(meal, name=name, method=method, apart=(
            *(apart_words(recipes, dish, entries.loc[[food_id]], portions,
                          [str(entries.at[f, "short_name"]) for f in instead],
                          own_pan=bool(own_pan & set(instead)),
                          by_choice=[m for m, _ in portions
                                     if all(f in eats[index[m]] for f in instead)])
              for (food_id, instead), portions in lines.items()),
            *(apart_words(recipes, dish, entries.loc[[food_id]], portions, [], only=True)
              for food_id, portions in extras.items()))))
    return tuple(out)


def _pot(plates: Mapping[str, Sequence[PlanItem]],
         apart: Mapping[str, Mapping[str, tuple[str, ...]]]
         ) -> tuple[dict[str, float], dict[str, list[tuple[str, PlanItem]]]]:
    """What goes in the pot: per food id, the servings of every sharer added up, for the
    foods every sharer has (or has a food apart in place of: the shrimp leo has lentils
    for), in the plates' order; and the foods only some sharers have (mozzarella on one
    plate, sesame seeds on two), per food id each (who, their item), which go on their
    plates, not in the pot. ``plates``: each sharer's foods but seasonings; ``apart``:
    :func:`_apart`'s."""
    covered = {m: {i.food_id for i in items} | {f for instead in apart.get(m, {}).values()
                                                for f in instead}
               for m, items in plates.items()}
    pot: dict[str, float] = {}
    extras: dict[str, list[tuple[str, PlanItem]]] = {}
    for m, items in plates.items():
        for i in items:
            if i.food_id in apart.get(m, {}):
                continue
            if all(i.food_id in foods for foods in covered.values()):
                pot[i.food_id] = pot.get(i.food_id, 0.0) + i.servings
            else:
                extras.setdefault(i.food_id, []).append((m, i))
    return pot, extras


def _apart(plates: Mapping[str, Sequence[PlanItem]],
           parts: Sequence[tuple[frozenset[str], frozenset[str]]]
           ) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per sharer who has a food apart from the house's: that food (id) -> the house's
    foods (ids) it replaces. For each required part with a variant, the house's foods are
    those of the sharers who do not take the variant (the same for all of them), or where
    every sharer's foods are the variant's (lentils in a bowl of beans or lentils), the
    foods most sharers have (the first listed of equals); a sharer whose foods for the
    part differ has theirs apart. ``plates``: each sharer's foods but seasonings."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for fits, variant in parts:
        if not variant:
            continue
        served = {m: frozenset(i.food_id for i in items) & (fits | variant)
                  for m, items in plates.items()}
        core = [foods for foods in served.values() if not foods <= variant]
        house = Counter(core or served.values()).most_common(1)[0][0]
        order = [i.food_id for items in plates.values() for i in items]
        for m, foods in served.items():
            if foods == house:
                continue
            instead = tuple(f for f in dict.fromkeys(order) if f in house - foods)
            for f in foods - house:
                out.setdefault(m, {})[f] = instead
    return out


def _order(dishes: Dishes) -> Callable[[str], int]:
    position = {d.id: k for k, d in enumerate(dishes.dishes)}
    return lambda dish_id: position[dish_id]


def _house_dishes(dishes: Dishes, slot: str, entries: pd.DataFrame, out: frozenset[str]
                  ) -> dict[str, Dish]:
    """The dishes a member can have at a shared ``slot``, by id, each with its variants
    (a member may have the variant of a part in place of the house's food). ``entries``:
    the member's foods; ``out``: the foods no shared meal holds."""
    mine = entries[~entries.index.isin(list(out))]
    offered = {}
    for d in dishes.dishes:
        if slot in d.slots:
            widened = d.with_variants([c.label for c in d.components])
            if widened.available(mine, slot):
                offered[d.id] = widened
    return offered


def _dish_parts(dish: Dish, entries: pd.DataFrame) -> DishParts:
    """A dish's components by food id (of the catalogue's ``entries``)."""
    ids = entries.index
    return DishParts(
        tuple(c.min > 0 for c in dish.components),
        tuple(frozenset(ids[c.matches(entries)]) for c in dish.components),
        tuple(frozenset(ids[Component("variant", dish.variant(c.label)).matches(entries)])
              if dish.variant(c.label) else frozenset() for c in dish.components))


def _house_notes(people: Sequence[_Person], house: _House, shared: Sequence[SharedMeal],
                 share: Sequence[str]) -> tuple[str, ...]:
    """What the household's plan says about its shared meals."""
    notes = []
    ids = [p.member.id for p in people]
    for s, never in house.never.items():
        if 0 < len(never) < len(people):
            notes.append(f"No {SLOTS[s]} dish of the table suits "
                         f"{and_list(ids[j] for j in never)} and the rest of the house "
                         f"together (diets, allergies and exclusions), so they have "
                         f"their own {SLOTS[s]} every day.")
        elif len(never) == len(people) and len(people) > 1:
            notes.append(f"No {SLOTS[s]} dish of the table suits the whole house, so "
                         f"everyone has their own {SLOTS[s]}.")
    for meal in shared:
        if not meal.members:
            notes.append(f"Day {meal.day}: everyone has their own {meal.slot}: no dish "
                         "served the house together that day.")
        elif meal.own:
            notes.append(f"Day {meal.day}: {and_list(meal.own)} "
                         f"{'has' if len(meal.own) == 1 else 'have'} their own "
                         f"{meal.slot}: the house's could not serve them that day.")
    if house.out:
        notes.append(f"Shared meals hold none of the foods a sharing member's allergies or "
                     f"exclusions rule out ({plural(len(house.out), 'food')}).")
    return tuple(notes)


def _cross_contact(people: Sequence[_Person], weeks: Sequence[WeekPlan],
                   entries: pd.DataFrame) -> tuple[str, ...]:
    """For each member who leaves out an allergen that others in the house eat, a
    note: the house's list brings it into the kitchen, so their food is kept apart from
    it (cross-contact, FDA)."""
    notes = []
    allergens = entries["allergens"]
    for j, p in enumerate(people):
        avoided = [a for a in ALLERGENS if a in p.member.options.exclude]
        if not avoided:
            continue
        theirs = sorted({str(entries.at[i.food_id, "short_name"])
                         for k, week in enumerate(weeks) if k != j for d in week.days
                         for i in d.items if i.food_id in entries.index
                         and set(avoided) & set(allergens[i.food_id])})
        if not theirs:
            continue
        shown = and_list([*theirs[:4], *([f"{len(theirs) - 4} more"]
                                         if len(theirs) > 4 else [])])
        me = p.member.id
        notes.append(f"{me} leaves out {and_list(a.replace('_', ' ') for a in avoided)}; "
                     f"others in the house eat {shown}: keep {me}'s food apart from "
                     f"theirs (clean boards, pans and utensils; a toaster, spreads and "
                     f"toppings of {me}'s own) and check the \"may contain\" line on the "
                     f"labels of {me}'s foods (FDA, Food Allergies: What You Need to "
                     f"Know).")
    return tuple(notes)


# ------------------------------------------------------------------ one day

@dataclass(frozen=True)
class _Result:
    """One member's planned day: the model it was planned with (built from
    ``context``), its bound sides, the units per candidate, the dish of each meal
    (SLOTS index -> dish id, family), the solver's report and the relative miss of each
    bound side, and the meals the member shared."""

    problem: DayProblem
    bounds: Mapping[str, _BoundInfo]
    context: _Context
    units: np.ndarray
    dishes: Mapping[int, tuple[str, str]]
    info: SolverInfo
    slack: Mapping[str, float]
    shares: frozenset[int] = frozenset()

    def score(self, options: PlanOptions) -> tuple[int, float, float]:
        """(1 for no plan, 2 for a dive stopped, else 0; the day's daily hard misses;
        all its hard misses), lower is better."""
        if self.info.status == STOPPED:
            return 2, math.inf, math.inf
        if self.info.status == "infeasible":
            return 1, math.inf, math.inf
        daily = total = 0.0
        for key, slack in self.slack.items():
            b = self.bounds.get(key)
            if b is None or not b.hard or met(slack):
                continue
            total += slack
            if not (b.nutrient in STORED and b.side == "min" and not options.strict_daily) \
                    and not (b.nutrient in AI_CAPS and b.side == "max"):
                daily += slack
        return 0, daily, total


@dataclass(frozen=True)
class _Built:
    """A member's day model as built (before a shared meal restricts it)."""

    problem: DayProblem
    bounds: Mapping[str, _BoundInfo]
    context: _Context
    shares: frozenset[int]
    made: frozenset[str] = frozenset()  # what the house bought this block already

    def at(self, slot: int) -> dict[str, int]:
        """Food id -> candidate, at meal ``slot``."""
        data = self.context.data
        return {data.ids[int(f)]: i for i, (f, s) in
                enumerate(zip(self.problem.food, self.problem.slot, strict=True))
                if int(s) == slot}


def _build(person: _Person, options: PlanOptions, history: _History, day: int,
           rng: np.random.Generator, shares: frozenset[int]) -> _Built:
    """The member's day model, with the house's menu at the meals they share today and
    their own at the others."""
    context = person.shared
    own = person.setup.context.menu or {}
    menu = dict(context.menu or {})
    changed = False
    for s, name in enumerate(SLOTS):
        if s not in shares and menu.get(name) is not own.get(name):
            menu[name] = list(own.get(name, ()))
            changed = True
    if changed:
        context = replace(person.shared, menu=menu)
    problem, bounds = _day_problem(context, options, history, day, rng,
                                   hold_energy=history.hold_energy)
    return _Built(problem, bounds, context, shares, frozenset(history.purchases(day)))


def _solve_house_day(people: Sequence[_Person], house: _House, current: list[PlanOptions],
                     raised: Sequence[dict[int, int]], histories: Sequence[_History],
                     day: int, rngs: Sequence[np.random.Generator], limit: int,
                     chooser: list[int | None] | None = None
                     ) -> tuple[list[_Result], list[SolverInfo], list[SharedMeal]]:
    """Plan one day of the house: every member's day, the shared meals served alike.

    The lead of the shared meals plans their day first, choosing among the dishes every
    sharer can have that day and the foods every sharer who may eat them can have; each
    other sharer then plans theirs with the lead's dish and everything the members
    before them chose (their links as counts on their own foods): as fast as planning
    each alone. A member whose dive finds no plan plans again one repeat looser (as
    one person's day does; ``current`` and ``raised`` say so). Where sharing leaves a
    sharer without a plan, or a daily target short, the day is planned again with that
    sharer choosing first (where that serves everyone, they choose first from then on:
    ``chooser``), then with the house's next dish (:data:`OTHER_TRIES`), then with that
    sharer first and every follower's search over every dish, then that once more with
    every sharer one repeat looser, and the best day kept; where sharing still leaves
    them short and their own meal would not, their meal is their own that day."""
    n = len(people)
    sharing = {s: list(who) for s, who in house.sharers.items()}
    shares = [frozenset(s for s, who in sharing.items() if j in who) for j in range(n)]
    built = [_build(p, current[j], histories[j], day, rngs[j], shares[j])
             for j, p in enumerate(people)]
    looser = [day > 1 and o.max_days < limit for o in current]
    infos: list[SolverInfo] = []
    extra = _extra_lines(house, histories[0], day, current[0].days)
    wide = [False]  # followers get the search over every dish (the day's last try)

    def solve(problem: DayProblem, j: int, follows: bool = False) -> DaySolution:
        try:
            # a follower the dive cannot plan with the house's meal held is short of a
            # plan because of it: no search over every dish for them, but in the day's
            # last try (``wide``)
            solution = solve_day(problem, current[j].solver,
                                 fallback=not (follows or looser[j]),
                                 search=not follows or wide[0])
        except SolverError as exc:
            if follows:  # the model with the house's meal held: their own meal is tried
                return DaySolution(np.zeros(len(problem.food), dtype=int), {},
                                   SolverInfo("HiGHS", STOPPED, 0.0, None, 0), math.inf)
            raise SolverError(f"could not plan day {day} of {current[j].days}"
                              + (f" for {people[j].member.id}" if n > 1 else "")
                              + f": {exc}; try another --seed, a longer --time-limit or "
                              "looser --target limits") from exc
        if solution.info.status != STOPPED:
            infos.append(solution.info)
        return solution

    def again(j: int) -> bool:
        """Member j's dive found no plan: one repeat looser, their day built again."""
        if not looser[j]:
            return False
        current[j] = replace(current[j], max_days=current[j].max_days + 1)
        raised[j][day] = current[j].max_days
        looser[j] = current[j].max_days < limit
        built[j] = _build(people[j], current[j], histories[j], day, rngs[j], built[j].shares)
        return True

    # the meals no dish can serve to all today: everyone has their own
    for s, who in sharing.items():
        if len(who) >= 2 and not _house_names(built, who, s, house):
            sharing[s] = []
    shares_now = [frozenset(s for s, who in sharing.items() if j in who and len(who) >= 2)
                  for j in range(n)]
    for j in range(n):
        if shares_now[j] != built[j].shares:
            built[j] = _build(people[j], current[j], histories[j], day, rngs[j],
                              shares_now[j])
    chooser = [None] if chooser is None else chooser
    results = _sequential(people, house, built, sharing, solve, again, extra,
                          first=chooser[0])

    def short(found: Sequence[_Result]) -> list[int]:
        """The sharers left without a plan or a daily target short."""
        return [j for j in range(n) if built[j].shares and
                (found[j].score(current[j])[0] or found[j].score(current[j])[1] > 0)]

    def worse(found: Sequence[_Result]) -> tuple[int, float, float]:
        total = _total(dict(enumerate(found)), current)
        return len(short(found)), total[1], total[2]
    bad = short(results)
    tried: dict[int, set[str]] = {}
    for attempt in range(OTHER_TRIES):
        if not bad:
            break
        if attempt == 0:  # the sharer left short chooses first, the others follow them
            other = _sequential(people, house, built, sharing, solve, again, extra,
                                first=bad[0])
            if not short(other):
                chooser[0] = bad[0]  # and from now on
        else:  # the house's next dish
            for s, who in sharing.items():
                dish = next((results[j].dishes[s][0] for j in who
                             if s in results[j].shares and s in results[j].dishes), None)
                if dish is not None:
                    tried.setdefault(s, set()).add(dish)
            if not tried:
                break
            other = _sequential(people, house, built, sharing, solve, again, extra, tried)
        if worse(other) < worse(results):
            results, bad = other, short(other)

    def wide_try(first: int) -> bool:
        """The sharer ``first`` chooses first, and a follower whose dive finds no plan
        with the house's dish held gets the search over every dish of their other meals;
        kept (``results``, ``bad``) where it serves more; whether it was."""
        nonlocal results, bad
        wide[0] = True
        other = _sequential(people, house, built, sharing, solve, again, extra,
                            first=first)
        wide[0] = False
        if worse(other) < worse(results):
            results, bad = other, short(other)
            return True
        return False
    if bad:
        # the day's last try before a sharer has their own meal, the wide one (slower,
        # so last; in the example family it served everyone on 6 of 7 days where 4 were
        # served, for the same CPU: fewer days fall to the own-meal planning)
        wide_try(bad[0])
    if bad and any(looser[j] for j in range(n) if built[j].shares):
        # and then with every sharer one repeat looser (as one person's day that the
        # variety rules leave without a plan): late in the week the foods all of them
        # may still have run short (in the example family, day 7's dinner could not
        # carry the father's and the teenager's grains). Kept only if it serves more of
        # them; the looser limit then holds for the rest of their week, and their notes
        # say so
        saved = (list(current), list(built), [dict(r) for r in raised], list(looser),
                 [r.bit_generator.state for r in rngs])
        for j in range(n):
            if built[j].shares and looser[j]:
                again(j)
        if not wide_try(bad[0]):
            current[:], built[:], looser[:] = saved[0], saved[1], saved[3]
            for mine, before in zip(raised, saved[2], strict=True):
                mine.clear()
                mine.update(before)
            for rng, state in zip(rngs, saved[4], strict=True):
                rng.bit_generator.state = state
    for j in list(bad):
        # a sharer of several meals left short: first the other meals shared and one of
        # their own (whichever leaves them best off), before
        # every meal their own (with --share all, one meal the house's dish cannot serve
        # them took all four away)
        several = sorted(s for s, who in sharing.items() if j in who and len(who) >= 2)
        if len(several) < 2:
            continue
        tries = [(_without(people, house, built, sharing, results, j, s, current[j],
                           histories[j], day, rngs[j], solve, extra), s) for s in several]
        found, s = min(tries, key=lambda t: t[0].score(current[j]))
        if found.score(current[j]) < results[j].score(current[j]):
            results[j] = found
            sharing[s].remove(j)
            bad = short(results)
            if not bad:
                break
    if bad:
        alone = {j: _alone(people[j], j, current[j], histories[j], day, rngs[j], solve,
                           extra) for j in bad}
        for j in bad:  # sharing leaves them short where their own meal would not
            if alone[j].score(current[j]) < results[j].score(current[j]):
                results[j] = alone[j]
                for who in sharing.values():
                    if j in who:
                        who.remove(j)
    meals = []
    for s, every in house.sharers.items():
        who = [j for j in sharing[s] if s in results[j].shares]
        if len(who) < 2:  # no dish served them together today: each their own, said
            meals.append(SharedMeal(day, SLOTS[s], "", (),
                                    tuple(people[j].member.id for j in every)))
            continue
        dish = results[who[0]].dishes.get(s, ("", ""))[0]
        meals.append(SharedMeal(day, SLOTS[s], dish,
                                tuple(people[j].member.id for j in who),
                                tuple(people[j].member.id for j in every if j not in who)))
    return results, infos, meals


def _total(results: Mapping[int, _Result], options: Sequence[PlanOptions]
           ) -> tuple[int, float, float]:
    """The members' scores (:meth:`_Result.score`) added up."""
    scores = [r.score(options[j]) for j, r in results.items()]
    return (sum(x[0] for x in scores), sum(x[1] for x in scores),
            sum(x[2] for x in scores))


def _served(problem: DayProblem, chosen: Sequence[int], context: _Context
            ) -> dict[int, tuple[str, str]]:
    """The dish of each meal of a solution: SLOTS index -> (dish id, family)."""
    family = {d.id: d.family for ds in (context.menu or {}).values() for d in ds}
    out = {}
    for k in chosen:
        option = problem.dishes[k]
        s = int(option.slot) % len(SLOTS)
        out[s] = (option.name, family.get(option.name, option.name))
    return out


def _extra_lines(house: _House, history: _History, day: int, days: int) -> int:
    """How many more lines the house's list may have this block than one person's."""
    start = history.block_start(day)
    return math.floor(house.lines * min(1.0, (min(WINDOW, days - start + 1)) / WINDOW))


def _house_names(built: Sequence[_Built], who: Sequence[int], slot: int, house: _House
                 ) -> list[str]:
    """The dishes every sharer of meal ``slot`` can have today (their options there,
    without the foods no shared meal holds, keep every required part), in menu order."""
    names: list[str] | None = None
    for j in who:
        problem = built[j].problem
        ids = [built[j].context.data.ids[int(f)] for f in problem.food]
        banned = np.array([i for i, f in enumerate(ids) if f in house.out], dtype=int)
        mine = [d.name for d in problem.dishes if int(d.slot) == slot and
                all(len(np.setdiff1d(m, banned)) >= lo for m, lo, _ in d.parts)]
        names = mine if names is None else [x for x in names if x in mine]
    return names or []


def _sequential(people: Sequence[_Person], house: _House, built: Sequence[_Built],
                sharing: Mapping[int, Sequence[int]],
                solve: Callable[[DayProblem, int, bool], DaySolution],
                again: Callable[[int], bool], extra: int,
                banned: Mapping[int, Collection[str]] | None = None,
                first: int | None = None) -> list[_Result]:
    """Every member's day, the lead first, then the others in order, each following the
    shared meals' foods the members before them chose; a member who follows nobody and
    whose dive finds no plan plans again when ``again`` (which builds their day anew)
    says so. ``banned``: dishes the first may not choose; ``first``: who plans first
    and chooses (default: the lead)."""
    n = len(people)
    together = {s: who for s, who in sharing.items() if len(who) >= 2}
    leads = [house.lead[s] for s in sorted(together) if house.lead[s] in together[s]]
    if first is None:
        first = leads[0] if leads else (min(together[min(together)]) if together else 0)
    order = [first, *(j for j in range(n) if j != first)]
    results: dict[int, _Result] = {}
    for j in order:
        while True:
            problem = _restrict(people, house, built, together, results, j, extra, banned)
            if _no_house_dish(problem, together, j):
                # no dish of the house's is left for j today: no plan with the house
                solution = _no_plan(problem)
                break
            # a follower whose dive finds no plan is short of one because of the meal it
            # follows, not the variety rules: no looser repeat limit (nor the slow search
            # over every dish at once) for them; their own meal is tried instead
            follows = any(j in who and any(a in results for a in who)
                          for who in together.values())
            solution = solve(problem, j, follows)
            if solution.info.status != STOPPED or follows or not again(j):
                break
        b = built[j]
        results[j] = _Result(b.problem, b.bounds, b.context, np.asarray(solution.units),
                             _served(problem, solution.dishes, b.context), solution.info,
                             solution.slack,
                             frozenset(s for s, who in together.items() if j in who))
    return [results[j] for j in range(n)]


def _restrict(people: Sequence[_Person], house: _House, built: Sequence[_Built],
              together: Mapping[int, Sequence[int]], solved: Mapping[int, _Result],
              j: int, extra: int, banned: Mapping[int, Collection[str]] | None = None
              ) -> DayProblem:
    """Member ``j``'s day model with the shared meals as the house serves them.

    The first sharer of a meal to plan (the lead, unless the lead has no plan) chooses
    the house's dish among those every sharer can have, and its foods among those every
    other sharer can follow: each food of a part without a variant one they may have
    today, each food of a part with a variant one they may have or replace by the
    variant. A later sharer has the chosen dish; for each part without a variant, the
    house's foods (no other); for each part with one, the house's foods or a food of the
    variant instead (which costs :data:`W_VARIANT` where they could have the house's).
    What the members before bought today is bought: one variety of each kind for the
    house, and no purchase cost or list line again. ``banned``: per meal, dishes the
    chooser may not choose (tried already today)."""
    b = built[j]
    problem = b.problem
    counts = [replace(c, hi=c.hi + extra) if c.name == "shopping_list" and c.hi is not None
              else c for c in problem.counts]
    limits = list(problem.limits)
    item_cost = np.array(problem.item_cost, dtype=float)
    kept: dict[int, DishOption | None] = {}  # dish option (by position) -> as served
    for s, who in together.items():
        if j not in who:
            continue
        mine = b.at(s)
        out = {f for f in mine if f in house.out}
        chooser = next((a for a in who if a in solved and s in solved[a].shares
                        and s in solved[a].dishes), None)
        bans: dict[str, set[str]] = {}  # dish -> foods j may not have in it
        if chooser is None:  # j chooses: foods every other sharer can follow
            names = [x for x in _house_names(built, who, s, house)
                     if x not in (banned or {}).get(s, ())]
            others = [set(built[a].at(s)) for a in who if a != j]
            for name in names:
                bans[name] = set(out)
                for fits, variant in house.recipes[name].parts():
                    bans[name] |= {f for f in fits & set(mine) for theirs in others
                                   if f not in theirs and not (variant and variant & theirs)}
                    if fits & set(mine) - bans[name]:  # the house's food, not a variant
                        bans[name] |= (variant - fits) & set(mine)
        else:  # j follows the chooser's dish and foods
            name = solved[chooser].dishes[s][0]
            names = [name]
            theirs = built[chooser].at(s)
            eaten = {f for f, i in theirs.items() if solved[chooser].units[i] > 0}
            bans[name] = set(out)
            for number, (fits, variant) in enumerate(house.recipes[name].parts()):
                served = sorted(eaten & (fits | variant))
                bans[name] |= (fits | variant) & set(mine) - set(served) - set(variant)
                group = [mine[f] for f in served if f in mine]
                if variant:
                    instead = [mine[f] for f in sorted(variant & set(mine) - set(served))]
                    if group:  # j could have the house's food: a variant by choice
                        item_cost[instead] += W_VARIANT
                    group += instead
                    if group:
                        counts.append(Count(f"house_{s}_{number}", np.array(group), lo=1))
                else:
                    limits += [UnitLimit(f"house_{s}_{number}_{i}", np.array([i]),
                                         np.ones(1), lo=1) for i in group]
                    if len(group) < len(served):  # j cannot have a food the house serves
                        bans[name] |= set(mine)
        for k, d in enumerate(problem.dishes):
            if int(d.slot) != s:
                continue
            if d.name not in names:
                kept[k] = None
                continue
            gone = np.array(sorted({mine[f] for f in bans[d.name]}), dtype=int)
            parts = [(np.setdiff1d(m, gone), lo, hi) for m, lo, hi in d.parts]
            kept[k] = None if any(len(m) < lo for m, lo, _ in parts) else replace(
                d, members=np.setdiff1d(d.members, gone), parts=parts,
                portions=[x for x in d.portions if x[0] not in set(gone.tolist())])
    today = {str(built[a].context.data.kind[int(f)]): str(built[a].context.data.buy[int(f)])
             for a, r in solved.items() for f, u in zip(built[a].problem.food, r.units,
                                                        strict=True) if u > 0
             and built[a].context.data.buy[int(f)]}
    data = b.context.data
    other = np.array([i for i, f in enumerate(problem.food)
                      if str(data.kind[int(f)]) in today and data.buy[int(f)]
                      and str(data.buy[int(f)]) != today[str(data.kind[int(f)])]
                      and not b.context.included[int(f)]], dtype=int)
    if len(other):
        limits.append(UnitLimit("house_variety", other, np.ones(len(other)), hi=0.0))
    fresh = set(today.values()) - b.made
    bought = np.array([str(data.buy[int(f)]) in fresh for f in problem.food], dtype=bool)
    if bought.any():
        item_cost = np.where(bought, np.maximum(0.0, item_cost - W_PURCHASE), item_cost)
        counts = [replace(c, members=np.array([i for i in c.members if not bought[int(i)]],
                                              dtype=int))
                  if c.name == "shopping_list" else c for c in counts]
    options = [kept.get(k, d) for k, d in enumerate(problem.dishes)]
    return replace(problem, counts=counts, limits=limits, item_cost=item_cost,
                   dishes=[d for d in options if d is not None])


def _no_house_dish(problem: DayProblem, together: Mapping[int, Sequence[int]], j: int
                   ) -> bool:
    """Whether a meal member ``j`` shares has no dish of the house's left in their model."""
    return any(j in who and not any(int(d.slot) == s for d in problem.dishes)
               for s, who in together.items())


def _no_plan(problem: DayProblem) -> DaySolution:
    """The day as no plan (nothing chosen, infeasible)."""
    return DaySolution(np.zeros(len(problem.food), dtype=int), {},
                       SolverInfo("HiGHS", "infeasible", 0.0, None, 0), math.inf)


def _without(people: Sequence[_Person], house: _House, built: Sequence[_Built],
             sharing: Mapping[int, Sequence[int]], results: Sequence[_Result], j: int,
             slot: int, options: PlanOptions, history: _History, day: int,
             rng: np.random.Generator,
             solve: Callable[[DayProblem, int, bool], DaySolution], extra: int) -> _Result:
    """Member ``j``'s day with meal ``slot`` their own and every other meal they share
    as the others planned it (they follow its dish and foods)."""
    together = {s: [a for a in who if a != j or s != slot]
                for s, who in sharing.items() if len(who) >= 2}
    together = {s: who for s, who in together.items() if len(who) >= 2}
    shares = frozenset(s for s, who in together.items() if j in who)
    mine = _build(people[j], options, history, day, rng, shares)
    days = [mine if a == j else b for a, b in enumerate(built)]
    others = {a: r for a, r in enumerate(results) if a != j}
    problem = _restrict(people, house, days, together, others, j, extra)
    solution = _no_plan(problem) if _no_house_dish(problem, together, j) else \
        solve(problem, j, True)
    return _Result(mine.problem, mine.bounds, mine.context, np.asarray(solution.units),
                   _served(problem, solution.dishes, mine.context), solution.info,
                   solution.slack, shares)


def _alone(person: _Person, j: int, options: PlanOptions, history: _History, day: int,
           rng: np.random.Generator, solve: Callable[[DayProblem, int, bool], DaySolution],
           extra: int) -> _Result:
    """Member ``j``'s day with every meal their own."""
    built = _build(person, options, history, day, rng, frozenset())
    problem = built.problem
    if extra:
        problem = replace(problem, counts=[
            replace(c, hi=c.hi + extra) if c.name == "shopping_list" and c.hi is not None
            else c for c in problem.counts])
    solution = solve(problem, j, False)
    return _Result(built.problem, built.bounds, built.context, np.asarray(solution.units),
                   _served(problem, solution.dishes, built.context), solution.info,
                   solution.slack)


# ------------------------------------------------------------------ the week

@dataclass(frozen=True)
class _Days:
    """The house's planned days: per member their days, missed targets and the days
    from which their repeat limit was raised; every solver report; the shared meals."""

    plans: list[list[DayPlan]]
    infos: list[SolverInfo]
    shortfalls: list[list[Shortfall]]
    raised: list[dict[int, int]]
    meals: list[SharedMeal]


def _house_days(people: Sequence[_Person], house: _House, options: Sequence[PlanOptions],
                table: FoodTable, limit: int, backtracks: list[int], *, week_retry: bool,
                hold_energy: bool, progress: Callable[[int, int], None] | None) -> _Days:
    """Plan the house's days in order, as :func:`planner.planning.plan._plan_days` plans
    one person's (the same repeat-limit raises, week retries, going back a day for
    vitamin D or B12 and, where ``hold_energy``, a member's day too far short of energy
    planned again holding it), every member at once: a member whose day misses a target has
    their repeat limit raised, and a member whose own week cannot be planned (a safety
    limit no day keeps, a day far short of energy, meal rules no foods meet) is a
    :class:`_MemberFailed`. A household of one is planned exactly as
    :func:`plan_week` plans that person."""
    n = len(people)
    days, seed = options[0].days, options[0].seed
    rngs = [np.random.default_rng(seed) if j == 0 else np.random.default_rng([seed, j])
            for j in range(n)]
    histories = [_History(len(p.setup.context.data.ids)) for p in people]
    plans: list[dict[int, DayPlan]] = [{} for _ in people]
    infos: list[SolverInfo] = []
    raised: list[dict[int, int]] = [{} for _ in people]
    started: dict[int, tuple[list[Mapping[str, Any]], list[PlanOptions]]] = {}
    misses_of: list[dict[int, list[tuple[str, str, int, float, float]]]] = \
        [{} for _ in people]
    meals: dict[int, list[SharedMeal]] = {}
    current = list(options)
    chooser: list[int | None] = [None]  # who chooses the shared meals (None: the lead)
    day = 1
    while day <= days:
        started[day] = ([r.bit_generator.state for r in rngs], list(current))
        if progress is not None:
            progress(day, days)
        before: float | None = None
        while True:
            results, day_infos, shared = _solve_house_day(people, house, current, raised,
                                                          histories, day, rngs, limit,
                                                          chooser)
            stopped = [j for j, r in enumerate(results) if r.info.status == STOPPED]
            if stopped:  # the dive found none: one repeat looser for them
                for j in stopped:
                    current[j] = replace(current[j], max_days=current[j].max_days + 1)
                    raised[j][day] = current[j].max_days
                continue
            infos += day_infos
            judged = [_judge(r, day, options[j]) for j, r in enumerate(results)]
            far = [j for j, (_, hard, _, _, _) in enumerate(judged)
                   if hold_energy and not histories[j].hold_energy
                   and _energy_far(people[j].setup.context, results[j].problem,
                                   results[j].units, hard, day) is not None]
            if far:  # too far short of energy: missing a minimum first, as plan_week
                for j in far:
                    histories[j].hold_energy = True
                continue
            retry = [j for j, (blocked, _, _, daily, _) in enumerate(judged)
                     if (blocked or daily)
                     and not (not blocked and people[j].setup.hopeless(daily))]
            if not retry or day == 1:
                break
            missed = sum(judged[j][4] for j in range(n))
            if before is not None and missed >= before * (1 - 1e-3):
                # one more repeat did not help: the days before set this miss up
                if week_retry:
                    raise _RetryWeek(day, missed)
                break
            wanting = [j for j in retry if current[j].max_days < limit]
            if not wanting:
                if week_retry:
                    raise _RetryWeek(day, missed)
                break
            before = missed
            for j in wanting:  # the variety rules used up what the day needs
                current[j] = replace(current[j], max_days=current[j].max_days + 1)
                raised[j][day] = current[j].max_days
        for j, (blocked, hard, _, _, _) in enumerate(judged):
            _check_safe(people[j], j, results[j], hard, blocked, day, options[j],
                        len(people[j].setup.context.data.ids))
        behind = {j: [(b.nutrient, slack * b.scale) for b, slack in judged[j][1]
                      if b.nutrient in STORED and b.side == "min"
                      and not options[j].strict_daily] for j in range(n)}
        behind = {j: b for j, b in behind.items()
                  if b and not people[j].setup.hopeless({x for x, _ in b})}
        earlier = [d for d in started if histories[0].block_start(day) <= d < day]
        if behind and earlier and backtracks[0] > 0:
            # a member's week-averaged nutrient (vitamin D, B12) behind its running
            # total: the day before plans again, that much ahead for them
            back = max(earlier)
            for j, amounts in behind.items():
                for name, amount in amounts:
                    histories[j].ahead[(name, back)] = \
                        histories[j].ahead.get((name, back), 0.0) + amount
            for d in range(back, day):
                for j in range(n):
                    histories[j].forget(d)
                    plans[j].pop(d, None)
                    misses_of[j].pop(d, None)
                meals.pop(d, None)
            states, saved = started[back]
            for rng, state in zip(rngs, states, strict=True):
                rng.bit_generator.state = state
            current = list(saved)
            raised = [{d: v for d, v in r.items() if d < back} for r in raised]
            backtracks[0] -= 1
            day = back
            continue
        for j, (r, judgement) in enumerate(zip(results, judged, strict=True)):
            misses_of[j][day] = judgement[2]
            _record(people[j], histories[j], plans[j], r, day, table)
        bought = {k: v for h in histories for k, v in h.days[day].bought.items()}
        for h in histories:  # one variety of each kind, and one list, for the house
            h.days[day].bought.update(bought)
        meals[day] = shared
        day += 1
    shortfalls = []
    day_plans = []
    for j, p in enumerate(people):
        planned = [plans[j][d] for d in range(1, days + 1)]
        day_plans.append(planned)
        misses = [m for d in sorted(misses_of[j]) for m in misses_of[j][d]]
        shortfalls.append(group_shortfalls(misses, p.setup.context.applied, planned,
                                           options[j], p.setup.context.eer))
    return _Days(day_plans, infos, shortfalls, raised,
                 [m for d in sorted(meals) for m in meals[d]])


def _judge(result: _Result, day: int, options: PlanOptions
           ) -> tuple[bool, list[tuple[_BoundInfo, float]],
                      list[tuple[str, str, int, float, float]], set[str], float]:
    """A member's planned day: whether it has no plan, the hard bound sides it misses
    (with their relative misses), those misses as the week's record, the daily targets
    among them and the total relative miss (infinite for no plan)."""
    blocked = result.info.status == "infeasible"
    hard = [] if blocked else [
        (bound, slack) for key, slack in result.slack.items()
        if (bound := result.bounds.get(key)) is not None and bound.hard and not met(slack)]
    day_misses = [(b.nutrient, b.side, day, slack * b.scale, b.target) for b, slack in hard]
    daily = {b.nutrient for b, _ in hard
             if not (b.nutrient in STORED and b.side == "min" and not options.strict_daily)
             and not (b.nutrient in AI_CAPS and b.side == "max")}  # gives way
    missed = math.inf if blocked else sum(slack for _, slack in hard)
    return blocked, hard, day_misses, daily, missed


def _check_safe(person: _Person, j: int, result: _Result,
                hard: Sequence[tuple[_BoundInfo, float]], blocked: bool, day: int,
                options: PlanOptions, foods: int) -> None:
    """A :class:`_MemberFailed` for a member's day that breaks a safety limit, is far
    short of energy or has no plan (as a single week raises them)."""
    context = person.setup.context
    applied = context.applied
    unsafe = [Shortfall(b.nutrient, "max", b.target or applied[b.nutrient].max or 0.0,
                        slack * b.scale, (day,)) for b, slack in hard
              if b.side == "max" and b.nutrient in applied and applied[b.nutrient].limit]
    # below the band's own floor (a floor raised to bring the week's mean back is a miss
    # to say), as plan_week judges a day
    far = _energy_far(context, result.problem, result.units, hard, day)
    unsafe += [far] if far is not None else []
    if unsafe:
        raise _MemberFailed(j, infeasible_error(unsafe, options, certain=day == 1))
    if blocked:
        raise _MemberFailed(j, _MealsBlocked(
            f"day {day}: the meal rules cannot be met with the foods allowed "
            f"({foods} foods after diet and exclusions); allow more foods or raise "
            "--max-days", day=day, suggestions=("allow more foods", "raise --max-days")))


def _record(person: _Person, history: _History, plans: dict[int, DayPlan],
            result: _Result, day: int, table: FoodTable) -> None:
    """Record a member's planned day in their history and their plan."""
    problem, units, context = result.problem, result.units, result.context
    data = context.data
    history.record(day, _units_by_food(problem, units, len(data.ids)), data,
                   {(int(problem.food[i]), int(problem.slot[i]))
                    for i in np.flatnonzero(units > 0)})
    history.dishes[day] = {s: family for s, (_, family) in result.dishes.items()}
    served = {s: dish for s, (dish, _) in result.dishes.items()}
    plans[day] = _day_plan(day, problem.food, problem.slot, units, data, table,
                           context.catalogue, _dish_objects(context, served), context.menu)


# ------------------------------------------------------------------ checking

def verify_shared(weeks: Sequence[WeekPlan], shared: Sequence[SharedMeal],
                  ids: Sequence[str], recipes: Mapping[str, DishParts],
                  out: Collection[str], entries: pd.DataFrame | None = None,
                  dishes: Dishes | None = None) -> list[str]:
    """Check the shared meals from the members' weeks alone: everyone at a shared meal
    has the same dish; for each of its required parts without a variant, the same
    foods; for each part with one, the same foods but for those who have the variant's
    instead; no food a sharer's allergies or exclusions rule out. With the catalogue's
    ``entries`` and the ``dishes`` table, every meal a member does not share is a dish of
    that table as it is (a variant is for shared meals only). Returns the problems
    (empty when the meals hold)."""
    problems = []
    index = {m: j for j, m in enumerate(ids)}
    if entries is not None and dishes is not None:
        at = {(m.day, m.slot): set(m.members) for m in shared}
        for member, week in zip(ids, weeks, strict=True):
            for day in week.days:
                for plate in day.meals:
                    if member in at.get((day.day, plate.slot), ()) or not plate.dish_id:
                        continue
                    dish = dishes.by_id(plate.dish_id)
                    foods = entries.loc[[i.food_id for i in plate.items]]
                    wrong = ["no dish of the table"] if dish is None else dish.problems(foods)
                    if wrong:
                        problems.append(f"day {day.day} {plate.slot} of {member}: "
                                        f"{'; '.join(wrong)}")
    for meal in shared:
        if not meal.members:  # each their own that day
            continue
        where = f"day {meal.day} {meal.slot}"
        plates: dict[str, set[str]] = {}
        for m in meal.members:
            found = [x for x in weeks[index[m]].days[meal.day - 1].meals
                     if x.slot == meal.slot]
            if not found or found[0].dish_id != meal.dish_id:
                problems.append(f"{where}: {m} does not have the house's {meal.dish_id}")
                continue
            plates[m] = {i.food_id for i in found[0].items}
            bad = sorted(plates[m] & set(out))
            if bad:
                problems.append(f"{where}: {m} has {bad[0]}, which a sharer's allergies or "
                                "exclusions rule out")
        recipe = recipes.get(meal.dish_id)
        if recipe is None:
            problems.append(f"{where}: {meal.dish_id} is no dish the house can share")
            continue
        for fits, variant in recipe.parts():
            served = {m: frozenset(p & (fits | variant)) for m, p in plates.items()}
            house = {f for m, foods in served.items() if not (variant and foods <= variant)
                     for f in [foods]}
            if len(house) > 1:
                shown = "; ".join(f"{m}: {', '.join(sorted(f)) or 'none'}"
                                  for m, f in served.items())
                problems.append(f"{where}: not the same foods for one part ({shown})")
    return problems


# ------------------------------------------------------------------ reading a household

#: A household file is a few members' lines; anything near this cap is not one.
HOUSEHOLD_CAP: Final = 256 * 1024
#: The keys a member's TOML table may have (a saved profile's, plus its tables).
MEMBER_TABLES: Final = ("targets", "supplements")


def read_members(path: str | Path, *, days: int = 7, seed: int = 0,
                 energy_band: float = 0.10, **common: Any) -> list[Member]:
    """The members of a household file: a CSV (or Parquet) people table with the columns
    ``planner batch`` reads (:func:`planner.planning.batch.read_people`; a row's ``days``
    and ``seed``, when given, must be the household's), or a TOML file with one table
    per member (``[ana]``: the keys of a saved profile, ``sex age weight_kg ... diet
    exclude ...``, with ``[ana.targets]`` and ``[ana.supplements]``). Every member plans
    ``days`` days with ``seed`` and the other :class:`PlanOptions` fields ``common``
    (``strict_daily``, ``max_days``).

    Raises :class:`DatasetError` for a file that is no household (unreadable, empty,
    more than :data:`MAX_MEMBERS` members, a repeated id) and :class:`PlanRequestError`
    naming the row or table of a member with an unknown or bad value."""
    file = Path(path)
    rows = _toml_rows(file) if file.suffix.lower() == ".toml" else _csv_rows(file)
    if len(rows) > MAX_MEMBERS:
        raise DatasetError(f"{rows[MAX_MEMBERS][0]}: a household has at most {MAX_MEMBERS} "
                           f"members; this file has {len(rows)} (plan more people apart "
                           "with 'planner batch')")
    seen: dict[str, tuple[str, str]] = {}  # id, case folded -> (where, id)
    members = []
    for where, member_id, build in rows:
        if member_id.casefold() in seen:
            first, given = seen[member_id.casefold()]
            raise DatasetError(f"{where}: id {member_id!r} is given twice (first: "
                               f"{first}" + ("" if given == member_id else
                                             f" as {given!r}: ids differ in more than "
                                             "case") + ")")
        seen[member_id.casefold()] = (where, member_id)
        try:
            targets, asked_for = build(energy_band)
        except PlannerError as exc:  # named where it is, once
            said = str(exc)
            raise PlanRequestError(said if said.startswith(where) else f"{where}: {said}"
                                   ) from None
        options = asked_for.options
        for key, value, asked in (("days", asked_for.days, days),
                                  ("seed", asked_for.seed, seed)):
            if value is not None and value != asked:
                raise PlanRequestError(f"{where}: {key} {value}: every member plans the "
                                       f"household's {key} ({asked}; --{key})")
        members.append(Member(member_id, targets, replace(options, days=days, seed=seed,
                                                          **common), where))
    return members


@dataclass(frozen=True)
class _Asked:
    """A member's plan options as read, and the days and seed their row gives (None:
    none)."""

    options: PlanOptions
    days: int | None = None
    seed: int | None = None


#: (where, id, the member's targets and options for an energy band; a row's own days and
#: seed, None where it gives none)
_Row = tuple[str, str, Callable[[float], tuple[Targets, _Asked]]]


def _csv_rows(file: Path) -> list[_Row]:
    """(where, id, targets and options) of each row of a people table."""
    from planner.person.targets import compute_targets
    from planner.planning.batch import read_people, request

    frame = read_people(file)
    rows: list[_Row] = []
    for number, row in enumerate(frame.to_dict("records"), start=2):
        text = {str(k): str(v) for k, v in row.items()}

        def build(band: float, text: Mapping[str, str] = text) -> tuple[Targets, _Asked]:
            profile, overrides, options = request(text)
            return (compute_targets(profile, overrides, energy_band=band),
                    _Asked(options, options.days if text.get("days") else None,
                           options.seed if text.get("seed") else None))
        rows.append((f"{file} row {number} ({text['id']})", text["id"], build))
    return rows


def _toml_rows(file: Path) -> list[_Row]:
    """(where, id, targets and options) of each member table of a household TOML."""
    from planner.files import read_text
    from planner.limits import load_toml
    from planner.person.profile import (
        LIST_KEYS,
        PLAN_KEYS,
        PROFILE_KEYS,
        overrides_from_mapping,
        resolve_settings,
    )
    from planner.person.supplements import supplements_from_mapping
    from planner.person.targets import compute_targets
    from planner.planning.batch import id_problem

    text = read_text(file, limit=HOUSEHOLD_CAP, error=DatasetError, what="household file")
    document = load_toml(text, str(file), DatasetError, invalid="not a valid TOML household")
    if not document:
        raise DatasetError(f"{file}: no members (one table per member: [ana] sex = "
                           "\"female\" age = 40 ...)")
    rows: list[_Row] = []
    for member_id, table in document.items():
        where = f"{file} [{member_id}]"
        problem = id_problem(member_id)
        if problem:  # a member's name is an id, as a CSV's is
            raise DatasetError(f"{file}: the member name {member_id[:40]!r} {problem}")
        if not isinstance(table, Mapping):
            raise DatasetError(f"{where}: a member is a table ([{member_id}] with sex, age "
                               "...), not a value")
        unknown = sorted(set(table) - set(PROFILE_KEYS) - set(PLAN_KEYS)
                         - set(MEMBER_TABLES))
        if unknown:
            raise PlanRequestError(f"{where}: unknown key {unknown[0]!r} (known: "
                                   f"{', '.join((*PROFILE_KEYS, *PLAN_KEYS, *MEMBER_TABLES))})")
        for key in LIST_KEYS:
            if key in table and not (isinstance(table[key], list)
                                     and all(isinstance(v, str) for v in table[key])):
                raise PlanRequestError(f"{where}: {key} must be a list of names")
        for key in MEMBER_TABLES:
            if key in table and not isinstance(table[key], Mapping):
                raise PlanRequestError(f"{where}: [{member_id}.{key}] must be a table")

        def build(band: float, table: Mapping[str, Any] = table, where: str = where
                  ) -> tuple[Targets, _Asked]:
            flags = {k: v for k, v in table.items() if k not in MEMBER_TABLES}
            settings = resolve_settings(flags)
            overrides = overrides_from_mapping(table.get("targets", {}), where)
            supplements = supplements_from_mapping(table.get("supplements", {}), where)
            targets = compute_targets(settings.profile, overrides, energy_band=band,
                                      supplements=supplements)
            return targets, _Asked(PlanOptions(
                diet=settings.diet or "omnivore", exclude=settings.exclude,
                include=settings.include, like=settings.like, dislike=settings.dislike))
        rows.append((where, str(member_id), build))
    return rows
