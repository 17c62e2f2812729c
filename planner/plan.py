"""Weekly meal planning: catalogue + targets -> a typed, verified :class:`WeekPlan`.

Formulation
-----------
A joint integer model over a whole week with variety rules is slow (days are
interchangeable, so the search is highly symmetric). The week is instead planned one day
at a time, each day an exact mixed-integer model (:func:`planner.model.solve_day`) that
knows what earlier days chose. Cost grows linearly with the number of days.

Each day decides, for every allowed (food, meal slot) pair, a whole number of *units*
(a unit is the food's ``step``: 1, 1/2 or 1/4 of its household portion). Grams follow
from the portion. Rules:

Nutrients (every bound elastic, so an impossible request is diagnosed, not crashed on)
  * magnesium, calcium, potassium: the daily ``min`` on every day;
  * vitamin D and B12 (stored by the body; the DRI is an average intake over time): by
    default the running total through day *d* must reach *d* x the daily ``min``, which
    lets a salmon day carry the next days and guarantees the week's average. With
    ``strict_daily`` every day meets the ``min``;
  * every food-intake ``max`` (calcium and vitamin D ULs, the sodium CDRR, iron, zinc and
    vitamin C ULs) on every day;
  * energy within the band of the targets (default +-10 % of the EER) and protein, fat
    and carbohydrate within their AMDR (percent of energy) on every day;
  * any target the user overrode is a hard daily minimum too;
  * protein, fiber, iron, zinc, vitamin C and folate minimums are aimed for: elastic like
    the rest (measured: a smaller penalty made a week 1.6x slower), but a miss does not
    make a plan fail.
Meals
  * breakfast 2-4 items, 15-35 % of the day's energy; lunch 3-5 items, 20-40 %; dinner
    3-5 items, 25-45 %; snacks 0-3 items, at most 20 % (shares of the energy band);
  * lunch and dinner each include a protein food, and dinner a vegetable or leafy green
    (when the allowed foods have one); a meal has at most one main item and one drink;
  * a food is eaten in at most one meal a day, except staples (milk, yogurt, bread...),
    which may appear at two meals, up to one serving more than a meal's maximum;
Variety
  * a food appears on at most ``max_days`` days (default 3) of any 7 consecutive days;
    staples up to ``staple_max_days`` (default 7); foods the person asked to include are
    eaten every day and are exempt;
  * a main item (fish, shellfish, meat, poultry, beans, tofu...) is never eaten two days
    running;
  * every 7 days use at least ``min_distinct`` different foods (default 20).

Objective (minimised; documented weights below)
  item penalty (fewer, larger portions) + familiarity penalty (everyday foods first)
  + unknown-data penalty (foods whose key nutrient values USDA does not report)
  + repeat penalty (foods eaten in the last week, more if yesterday)
  + a small seeded jitter, so ``seed`` gives a different but equally valid plan and the
  same inputs and seed give the same plan.
  Nutrient density comes from the catalogue, which holds only foods rich in the key
  nutrients; the objective deliberately does not reward amounts beyond the targets
  (tried: it pushed calcium to its upper limit and doubled solve times).

Missing data: a food's unknown value counts as 0 toward every bound, so a plan never
claims a nutrient it cannot account for; each day lists the chosen foods with unknown
values. After solving, every day's totals are recomputed from the food table and the
chosen grams and checked against the targets, independently of the solver.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import numpy as np
import pandas as pd

from planner.catalogue import SLOTS, Catalogue, excluded_by, find_food, select
from planner.data import FoodTable
from planner.errors import InfeasiblePlanError, PlanRequestError, Shortfall, SolverError
from planner.model import (
    Bound,
    DayProblem,
    SolverInfo,
    SolverOptions,
    met,
    solve_day,
    solve_diet,
)
from planner.nutrients import KEY_NUTRIENTS, NUTRIENT_NAMES, display_name, unit_label
from planner.targets import Targets

DAILY_MIN: Final[tuple[str, ...]] = ("magnesium_mg", "calcium_mg", "potassium_mg")
STORED: Final[tuple[str, ...]] = ("vitamin_d_ug", "vitamin_b12_ug")
SOFT_MIN: Final[tuple[str, ...]] = ("protein_g", "fiber_g", "iron_mg", "zinc_mg",
                                    "vitamin_c_mg", "folate_dfe_ug")
KCAL_PER_GRAM: Final[Mapping[str, float]] = {"protein_g": 4.0, "fat_g": 9.0,
                                             "carbohydrate_g": 4.0}
#: slot -> (min items, max items, min share of energy, max share of energy)
SLOT_RULES: Final[Mapping[str, tuple[int, int, float, float]]] = {
    "breakfast": (2, 4, 0.15, 0.35),
    "lunch": (3, 5, 0.20, 0.40),
    "dinner": (3, 5, 0.25, 0.45),
    "snack": (0, 3, 0.0, 0.20),
}
# Objective weights. Slack on a hard bound costs ELASTIC_PENALTY (10,000) per 100 % missed,
# so none of these preferences can trade against meeting a target.
W_ITEM: Final = 0.3  # per food used in a meal
W_FAMILIAR: Final = 0.4  # per familiarity level above 1 (everyday)
W_UNKNOWN: Final = 0.5  # per key nutrient whose value is unknown for the food
W_REPEAT: Final = 0.5  # per earlier day (in the last 6) the food was eaten
W_YESTERDAY: Final = 1.0  # extra if it was eaten yesterday
W_JITTER: Final = 0.8  # seeded random cost per food and day, in [0, W_JITTER)
WINDOW: Final = 7  # days over which variety limits count


@dataclass(frozen=True)
class PlanOptions:
    """What to plan. Defaults are a 7-day omnivore plan with the standard variety rules."""

    days: int = 7
    diet: str = "omnivore"
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    seed: int = 0
    strict_daily: bool = False
    max_days: int = 3
    staple_max_days: int = 7
    min_distinct: int = 20
    solver: SolverOptions = field(default_factory=SolverOptions)


@dataclass(frozen=True)
class PlanItem:
    """One food in one meal; ``grams`` = ``servings`` x the portion's grams."""

    food_id: str
    name: str
    description: str  # the USDA description
    ndb_number: str | None
    fdc_id: str | None
    servings: float
    portion: str  # the household measure of one serving ("1 cup")
    portion_grams: float
    grams: float
    category: str
    # the item's amounts of the key nutrients and energy; None where USDA has no value
    nutrients: Mapping[str, float | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"food_id": self.food_id, "ndb_number": self.ndb_number,
                "fdc_id": int(self.fdc_id) if self.fdc_id and self.fdc_id.isdigit()
                else self.fdc_id, "name": self.name, "servings": self.servings,
                "portion": self.portion, "grams": round(self.grams, 6)}


@dataclass(frozen=True)
class Meal:
    slot: str
    items: tuple[PlanItem, ...]


@dataclass(frozen=True)
class DayPlan:
    """One day: meals, nutrient totals (unknown values counted as 0) and which chosen
    foods had unknown values, per nutrient."""

    day: int
    meals: tuple[Meal, ...]
    totals: Mapping[str, float]
    unknown: Mapping[str, tuple[str, ...]]

    @property
    def items(self) -> tuple[PlanItem, ...]:
        return tuple(i for m in self.meals for i in m.items)


@dataclass(frozen=True)
class ShoppingItem:
    food_id: str
    name: str
    grams: float
    servings: float
    portion: str
    quantity: str


@dataclass(frozen=True)
class AppliedTarget:
    """A bound the plan was built to. ``basis`` is daily or week_average (for ``min``);
    ``min_hard`` says whether the min must be met or is only aimed for. A ``max`` and an
    AMDR (``pct_energy``) always hold on every day."""

    nutrient: str
    min: float | None
    max: float | None
    basis: str
    min_hard: bool
    source: str
    pct_energy: tuple[float, float] | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"min": _round(self.min), "max": _round(self.max),
                               "basis": self.basis,
                               "min_enforced": None if self.min is None else
                               "hard" if self.min_hard else "aimed",
                               "source": self.source}
        if self.pct_energy is not None:
            out["pct_energy"] = list(self.pct_energy)
        return out


@dataclass(frozen=True)
class WeekPlan:
    """A verified plan: days, the bounds it meets, a shopping list and how it was solved."""

    targets: Targets
    applied: Mapping[str, AppliedTarget]
    days: tuple[DayPlan, ...]
    shopping_list: tuple[ShoppingItem, ...]
    solver: SolverInfo
    options: PlanOptions
    notes: tuple[str, ...] = ()

    @property
    def unknown_count(self) -> int:
        """How many distinct chosen foods had an unknown value for a key nutrient."""
        return len({f for d in self.days for n in KEY_NUTRIENTS for f in d.unknown.get(n, ())})


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# ------------------------------------------------------------------ public entry point

def plan_week(table: FoodTable, catalogue: Catalogue, targets: Targets,
              options: PlanOptions = PlanOptions()) -> WeekPlan:
    """Return a plan for ``options.days`` days that meets ``targets``.

    If the day-by-day plan misses a target although every target can be reached on a single
    day (the variety rules got in the way), the food-repeat limit is raised one day at a
    time, up to the staple limit, and the plan says so in its notes.

    Raises :class:`PlanRequestError` for a bad option (unknown diet, exclusion or food),
    :class:`InfeasiblePlanError` naming every target that cannot be met, on which days and
    by how much, with suggestions, and :class:`SolverError` if the solver fails.
    """
    foods, included_ids = check_plan_options(catalogue, options)
    data = _prepare(table, foods)
    if len(data.ids) > MAX_CANDIDATES:
        data = _screen(data, included_ids, options.seed)
    included = np.isin(np.array(data.ids), included_ids)
    applied = _applied_targets(targets, options)
    attempt = options
    impossible: list[Shortfall] | None = None  # computed once, on the first miss
    while True:
        try:
            day_plans, infos, shortfalls = _plan_days(data, applied, attempt, included, table)
        except InfeasiblePlanError as exc:
            if not catalogue.missing:
                raise
            raise InfeasiblePlanError(
                f"{exc} (the food table lacks {len(catalogue.missing)} of the catalogue's "
                "foods; refresh it with --ids-from datasets/recommended_foods.csv)",
                exc.shortfalls, exc.suggestions) from exc
        if not shortfalls:
            break
        if impossible is None:
            impossible = _impossible(data, applied, options)
        if impossible:
            raise _infeasible(impossible, options, certain=True)
        if attempt.max_days >= min(options.staple_max_days, WINDOW):
            raise _infeasible(shortfalls, options, certain=False)
        attempt = replace(attempt, max_days=attempt.max_days + 1)
    notes = _notes(catalogue, day_plans, options)
    for name, removed in excluded_by(catalogue, options.exclude).items():
        shown = ", ".join(removed[:6]) + (f" and {len(removed) - 6} more"
                                          if len(removed) > 6 else "")
        notes += (f"--exclude {name} removed {len(removed)} food(s): {shown}.",)
    if attempt.max_days != options.max_days:
        notes = (f"To meet every target, foods may repeat on up to {attempt.max_days} days "
                 f"of 7 (asked: {options.max_days}).", *notes)
    week = WeekPlan(targets, applied, tuple(day_plans), _shopping_list(day_plans),
                    _combine(infos), options, notes)
    problems = verify_week(week, table)
    if problems:
        raise SolverError("plan failed independent verification: " + "; ".join(problems[:3]))
    return week


def _plan_days(data: _Data, applied: Mapping[str, AppliedTarget], options: PlanOptions,
               included: np.ndarray, table: FoodTable
               ) -> tuple[list[DayPlan], list[SolverInfo], list[Shortfall]]:
    """Plan the days in order; return the days, solver reports and any missed targets."""
    rng = np.random.default_rng(options.seed)
    history = _History(len(data.ids))
    day_plans: list[DayPlan] = []
    infos: list[SolverInfo] = []
    misses: list[tuple[str, str, int, float]] = []
    stored_total = dict.fromkeys(STORED, 0.0)
    for day in range(1, options.days + 1):
        problem, bound_info = _day_problem(data, applied, options, included, history, day,
                                           stored_total, rng)
        solution = solve_day(problem, options.solver)
        infos.append(solution.info)
        if solution.info.status == "infeasible":
            raise InfeasiblePlanError(
                f"day {day}: the meal rules cannot be met with the foods allowed "
                f"({len(data.ids)} foods after diet and exclusions); allow more foods or "
                "raise --max-days", suggestions=("relax an exclusion", "raise --max-days"))
        for key, slack in solution.slack.items():
            bound = bound_info.get(key)
            if bound is not None and bound.hard and not met(slack):
                misses.append((bound.nutrient, bound.side, day, slack * bound.scale))
        units_by_food = _units_by_food(problem, solution.units, len(data.ids))
        history.record(units_by_food)
        for n in STORED:
            stored_total[n] += float(units_by_food @ data.per_unit[n])
        day_plans.append(_day_plan(day, problem, solution.units, data, table))
    return day_plans, infos, _shortfalls(misses, applied, day_plans, options)


def check_plan_options(catalogue: Catalogue, options: PlanOptions
                       ) -> tuple[pd.DataFrame, list[str]]:
    """Validate options against the catalogue; return the allowed entries and the ids of
    the foods to include. Raises :class:`PlanRequestError` for an unknown diet, exclusion
    or food, :class:`InfeasiblePlanError` when the exclusions leave nothing."""
    _check_options(options)
    foods = select(catalogue, options.diet, options.exclude)
    if foods.empty:
        raise InfeasiblePlanError("no foods left after the diet and exclusions; relax an "
                                  "exclusion", suggestions=("relax an exclusion",))
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


def _resolve_includes(catalogue: Catalogue, foods: pd.DataFrame, names: Sequence[str]
                      ) -> list[str]:
    out: list[str] = []
    for name in names:
        ids = find_food(catalogue, name)
        if len(ids) != 1:
            options = ", ".join(catalogue.entries.loc[ids[:6], "short_name"])
            raise PlanRequestError(f"include: {name!r} matches several foods: {options}")
        if ids[0] not in foods.index:
            raise PlanRequestError(f"include: {name!r} is excluded by your diet or exclusions")
        out.append(ids[0])
    return out


# ------------------------------------------------------------------ data per unit

@dataclass(frozen=True)
class _Data:
    """Allowed foods in arrays: nutrient amounts per unit (unknown -> 0) and flags."""

    ids: list[str]
    entries: pd.DataFrame
    per_unit: Mapping[str, np.ndarray]
    unknown: Mapping[str, np.ndarray]  # nutrient -> bool per food
    units_max: np.ndarray  # max units per meal
    day_units: np.ndarray  # max units per day (staples eaten at two meals)
    step: np.ndarray


def _prepare(table: FoodTable, foods: pd.DataFrame) -> _Data:
    ids = list(foods.index)
    values = table.foods.loc[ids, list(NUTRIENT_NAMES)]
    step = foods["step"].to_numpy(dtype=float)
    most = foods["max_servings"].to_numpy(dtype=float)
    grams_per_unit = foods["portion_grams"].to_numpy(dtype=float) * step
    per_unit: dict[str, np.ndarray] = {}
    unknown: dict[str, np.ndarray] = {}
    for n in NUTRIENT_NAMES:
        column = values[n].to_numpy(dtype=float)
        unknown[n] = np.isnan(column)
        per_unit[n] = np.nan_to_num(column, nan=0.0) * grams_per_unit / 100.0
    units_max = np.floor(most / step + 1e-9).astype(int)
    day_units = np.floor((most + 1) / step + 1e-9).astype(int)
    return _Data(ids, foods, per_unit, unknown, np.maximum(units_max, 1), day_units, step)


def _applied_targets(targets: Targets, options: PlanOptions) -> dict[str, AppliedTarget]:
    """The bounds a plan is built to, with how each is enforced (see module docstring)."""
    out: dict[str, AppliedTarget] = {}
    for n, t in targets.items.items():
        hard = n in STORED or n in DAILY_MIN or n == "energy_kcal" or t.overridden
        basis = "week_average" if n in STORED and not options.strict_daily else "daily"
        minimum = t.min if hard or n in SOFT_MIN else None
        if minimum is None and t.max is None and t.pct_energy is None:
            continue  # e.g. the sodium AI: salt is added in cooking, not planned
        out[n] = AppliedTarget(n, minimum, t.max, basis, hard, t.source, t.pct_energy)
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
    index = np.array(sorted(chosen), dtype=int)
    return _Data([data.ids[i] for i in index], data.entries.iloc[index],
                 {n: v[index] for n, v in data.per_unit.items()},
                 {n: v[index] for n, v in data.unknown.items()},
                 data.units_max[index], data.day_units[index], data.step[index])


# ------------------------------------------------------------------ one day's model

class _History:
    """Which foods were eaten on which days (for variety rules and repeat penalties)."""

    def __init__(self, n: int) -> None:
        self.eaten: list[np.ndarray] = []  # per day: bool per food
        self.n = n

    def record(self, units: np.ndarray) -> None:
        self.eaten.append(units > 0)

    def count_recent(self, day: int) -> np.ndarray:
        """Days among the previous WINDOW - 1 on which each food was eaten."""
        recent = self.eaten[max(0, day - WINDOW):day - 1]
        return np.sum(recent, axis=0) if recent else np.zeros(self.n, dtype=int)

    def yesterday(self, day: int) -> np.ndarray:
        return self.eaten[day - 2] if day >= 2 else np.zeros(self.n, dtype=bool)

    def used_in_block(self, day: int) -> np.ndarray:
        """Foods eaten so far in the current 7-day block."""
        block = self.eaten[(day - 1) // WINDOW * WINDOW:day - 1]
        return np.any(block, axis=0) if block else np.zeros(self.n, dtype=bool)


@dataclass(frozen=True)
class _BoundInfo:
    nutrient: str
    side: str  # min or max
    hard: bool
    scale: float


def _day_problem(data: _Data, applied: Mapping[str, AppliedTarget], options: PlanOptions,
                 included: np.ndarray, history: _History, day: int,
                 stored_total: Mapping[str, float], rng: np.random.Generator
                 ) -> tuple[DayProblem, dict[str, _BoundInfo]]:
    """Build day ``day``'s model from the week so far (see the module docstring's rules)."""
    entries = data.entries
    staple = entries["tags"].map(lambda t: "staple" in t).to_numpy(dtype=bool)
    main = entries["tags"].map(lambda t: "main" in t).to_numpy(dtype=bool)
    recent = history.count_recent(day)
    yesterday = history.yesterday(day)
    limit = np.where(staple, options.staple_max_days, options.max_days)
    allowed = ((recent < limit) & ~(main & yesterday)) | included
    food_cost = (W_ITEM + W_FAMILIAR * (entries["familiarity"].to_numpy(dtype=float) - 1)
                 + W_UNKNOWN * np.sum([data.unknown[n] for n in KEY_NUTRIENTS], axis=0)
                 + W_REPEAT * recent + W_YESTERDAY * yesterday
                 + rng.uniform(0.0, W_JITTER, size=len(data.ids)))
    food_cost = np.where(included, 0.0, food_cost)
    pairs = [(f, s) for f, slots in enumerate(entries["meal_slots"]) if allowed[f]
             for s, name in enumerate(SLOTS) if name in slots]
    if not pairs:
        raise InfeasiblePlanError(f"day {day}: no foods left within the variety rules; "
                                  "allow more foods or raise --max-days",
                                  suggestions=("relax an exclusion", "raise --max-days"))
    food = np.array([f for f, _ in pairs], dtype=int)
    slot = np.array([s for _, s in pairs], dtype=int)
    per = {n: v[food] for n, v in data.per_unit.items()}
    bounds, info = _nutrient_bounds(per, applied, options, day, stored_total)
    energy = applied["energy_kcal"]
    energy_lo, energy_hi = energy.min or 0.0, energy.max or float(np.sum(per["energy_kcal"]))
    slot_items: dict[int, tuple[int, int]] = {}
    slot_energy: dict[int, tuple[float, float]] = {}
    for s, name in enumerate(SLOTS):
        low, high, share_lo, share_hi = SLOT_RULES[name]
        available = len(set(food[slot == s].tolist()))
        slot_items[s] = (min(low, available), high)
        # Meal energy within a share of the day's energy band (constant bounds keep the
        # model decoupled and fast; the band itself is the day's energy bound).
        slot_energy[s] = ((share_lo if available else 0.0) * energy_lo, share_hi * energy_hi)
    block_used = history.used_in_block(day)
    block_start = (day - 1) // WINDOW * WINDOW
    block_len = min(WINDOW, options.days - block_start)
    wanted = math.ceil(options.min_distinct * block_len / WINDOW)
    min_new = max(0, math.ceil((wanted - int(block_used.sum())) / (block_start + block_len
                                                                   - day + 1)))
    required = {int(f): math.ceil(1.0 / data.step[f] - 1e-9)
                for f in np.flatnonzero(included)}
    problem = DayProblem(
        food=food, slot=slot, upper=data.units_max[food],
        item_cost=food_cost[food],
        energy=per["energy_kcal"], bounds=bounds, slot_names=SLOTS, slot_items=slot_items,
        slot_energy=slot_energy, slot_needs=_slot_needs(entries, food),
        slot_caps=_slot_caps(entries, food, slot),
        one_slot_foods=np.flatnonzero(~staple),
        day_upper={int(f): int(data.day_units[f]) for f in np.flatnonzero(staple)},
        new_foods=np.flatnonzero(~block_used),
        min_new_foods=min(min_new, int((~block_used & allowed).sum())),
        required_units=required)
    return problem, info


def _nutrient_bounds(per: Mapping[str, np.ndarray], applied: Mapping[str, AppliedTarget],
                     options: PlanOptions, day: int, stored_total: Mapping[str, float]
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
        low = t.min
        if low is not None and n in STORED and not options.strict_daily:
            # running total through today must reach day x the daily minimum
            low = max(0.0, day * low - stored_total[n])
        if low:
            scale = t.min or 1.0
            bounds.append(Bound(f"{n}_min", per[n], lo=low, scale=scale,
                                hard=t.min_hard))
            info[f"{n}_min:lo"] = _BoundInfo(n, "min", t.min_hard, scale)
        if t.max is not None:
            bounds.append(Bound(f"{n}_max", per[n], hi=t.max, scale=t.max))
            info[f"{n}_max:hi"] = _BoundInfo(n, "max", True, t.max)
    return bounds, info


def _slot_needs(entries: pd.DataFrame, food: np.ndarray) -> list[tuple[int, np.ndarray, str]]:
    """Lunch and dinner need a protein food; dinner a vegetable or leafy green."""
    tags = entries["tags"].to_numpy()[food]
    category = entries["category"].to_numpy()[food]
    protein = np.array([("protein" in t) or ("main" in t) for t in tags], dtype=bool)
    veg = np.isin(category, ["vegetables", "leafy_greens"])
    lunch, dinner = SLOTS.index("lunch"), SLOTS.index("dinner")
    return [(lunch, protein, "lunch_protein"), (dinner, protein, "dinner_protein"),
            (dinner, veg, "dinner_vegetable")]


def _slot_caps(entries: pd.DataFrame, food: np.ndarray, slot: np.ndarray
               ) -> list[tuple[int, np.ndarray, int, str]]:
    """At most one main item (fish, meat, beans, tofu...) and one drink per meal."""
    tags = entries["tags"].to_numpy()[food]
    caps = []
    for tag in ("main", "drink"):
        mask = np.array([tag in t for t in tags], dtype=bool)
        caps += [(s, mask, 1, f"one_{tag}_{name}") for s, name in enumerate(SLOTS)
                 if (mask & (slot == s)).sum() > 1]
    return caps


# ------------------------------------------------------------------ results

def _units_by_food(problem: DayProblem, units: np.ndarray, n_foods: int) -> np.ndarray:
    totals = np.zeros(n_foods)
    np.add.at(totals, problem.food, units)
    return totals


def _day_plan(day: int, problem: DayProblem, units: np.ndarray, data: _Data,
              table: FoodTable) -> DayPlan:
    meals: list[Meal] = []
    for s, slot_name in enumerate(SLOTS):
        items = []
        for i in np.flatnonzero((problem.slot == s) & (units > 0)):
            f = int(problem.food[i])
            food_id = data.ids[f]
            entry = data.entries.loc[food_id]
            row = table.foods.loc[food_id]
            servings = float(units[i] * data.step[f])
            portion_grams = float(data.entries["portion_grams"].iloc[f])
            items.append(PlanItem(
                food_id=food_id, name=str(entry["short_name"]),
                description=str(row["description"]),
                ndb_number=None if pd.isna(row["ndb_number"]) else str(row["ndb_number"]),
                fdc_id=None if pd.isna(row["fdc_id"]) else str(row["fdc_id"]),
                servings=servings, portion=str(entry["portion_description"]),
                portion_grams=portion_grams, grams=servings * portion_grams,
                category=str(entry["category"]),
                nutrients={n: None if pd.isna(row[n]) else
                           float(row[n]) * servings * portion_grams / 100
                           for n in (*KEY_NUTRIENTS, "energy_kcal")}))
        if items:
            meals.append(Meal(slot_name, tuple(items)))
    totals, unknown = nutrient_totals([i for m in meals for i in m.items], table)
    return DayPlan(day, tuple(meals), totals, unknown)


def nutrient_totals(items: Sequence[PlanItem], table: FoodTable
                    ) -> tuple[dict[str, float], dict[str, tuple[str, ...]]]:
    """Sum grams/100 x per-100 g values over ``items``; unknown values count as 0 and are
    listed per nutrient (food ids)."""
    if not items:
        return dict.fromkeys(NUTRIENT_NAMES, 0.0), {}
    ids = [i.food_id for i in items]
    grams = np.array([i.grams for i in items])
    values = table.foods.loc[ids, list(NUTRIENT_NAMES)].to_numpy(dtype=float)
    totals = np.nansum(values * grams[:, None] / 100.0, axis=0)
    unknown = {n: tuple(dict.fromkeys(f for f, v in zip(ids, values[:, j], strict=True)
                                      if np.isnan(v)))
               for j, n in enumerate(NUTRIENT_NAMES)}
    return ({n: float(totals[j]) for j, n in enumerate(NUTRIENT_NAMES)},
            {n: v for n, v in unknown.items() if v})


def _shopping_list(days: Sequence[DayPlan]) -> tuple[ShoppingItem, ...]:
    grams: dict[str, float] = {}
    servings: dict[str, float] = {}
    first: dict[str, PlanItem] = {}
    for d in days:
        for item in d.items:
            grams[item.food_id] = grams.get(item.food_id, 0.0) + item.grams
            servings[item.food_id] = servings.get(item.food_id, 0.0) + item.servings
            first.setdefault(item.food_id, item)
    out = []
    for food_id, item in first.items():
        out.append(ShoppingItem(food_id, item.name, grams[food_id], servings[food_id],
                                item.portion, shopping_quantity(servings[food_id],
                                                                item.portion,
                                                                grams[food_id],
                                                                item.category)))
    order = {c: i for i, c in enumerate(("leafy_greens", "vegetables", "fruits", "whole_grains",
                                         "legumes", "nuts", "seeds", "dairy", "eggs",
                                         "fortified", "fish", "shellfish", "meat", "poultry"))}
    out.sort(key=lambda s: (order.get(first[s.food_id].category, 99), s.name))
    return tuple(out)


def shopping_quantity(servings: float, portion: str, grams: float, category: str) -> str:
    """A practical amount to buy: the household measure scaled, and the weight."""
    weight = f"{grams / 1000:.1f} kg" if grams >= 1000 else f"{grams:.0f} g"
    if "cup" in portion and grams >= 900 and category in ("dairy", "fortified"):
        litres = grams / 1030  # milk and its alternatives weigh about 1.03 g per ml
        return f"{portion_text(portion, servings)} (about {litres:.1f} L)"
    return f"{portion_text(portion, servings)} ({weight})"


_PLURALS: Final = {"cup": "cups", "slice": "slices", "tortilla": "tortillas",
                   "container": "containers", "fruit": "fruits", "date": "dates",
                   "fig": "figs", "prune": "prunes", "packet": "packets", "pattie": "patties",
                   "fillet": "fillets", "breast": "breasts", "thigh": "thighs",
                   "potato": "potatoes", "artichoke": "artichokes", "ear": "ears",
                   "piece": "pieces", "biscuits": "biscuits", "box": "boxes",
                   "leaf": "leaves", "sprout": "sprouts", "steak": "steaks"}


def portion_text(portion: str, servings: float) -> str:
    """``servings`` of a household measure: ("1 cup", 2) -> "2 cups", ("3 oz", 2) -> "6 oz",
    ("1 cup, chopped", 0.5) -> "½ cup chopped". A measure without a leading number, or one
    whose parentheses hold counts that would no longer be right, is written "n x measure"
    only when it cannot be scaled."""
    match = re.match(r"^(\d+(?:\.\d+)?)\s+(.*)$", portion.strip())
    if not match:
        return portion if servings == 1 else f"{format_servings(servings)} x {portion}"
    amount = float(match.group(1)) * servings
    rest = match.group(2).replace(", ", " ").replace(" ,", " ")
    if servings != 1:
        rest = re.sub(r"\s*\([^)]*\d[^)]*\)", "", rest).strip() or match.group(2)
    words = rest.split(" ", 1)
    if amount > 1 and words[0] in _PLURALS:
        words[0] = _PLURALS[words[0]]
    return f"{format_servings(amount)} {' '.join(words)}"


def format_servings(value: float) -> str:
    """1 -> '1', 0.5 -> '½', 1.5 -> '1½', 0.25 -> '¼', 2.75 -> '2¾'."""
    whole = int(value)
    frac = round(value - whole, 2)
    mark = {0.0: "", 0.25: "¼", 0.5: "½", 0.75: "¾"}.get(frac)
    if mark is None:
        return f"{value:g}"
    return (str(whole) if whole else "") + mark or "0"


def _combine(infos: Sequence[SolverInfo]) -> SolverInfo:
    statuses = {i.status for i in infos}
    gaps = [i.mip_gap for i in infos if i.mip_gap is not None]
    return SolverInfo(infos[0].name if len({i.name for i in infos}) == 1 else
                      "+".join(sorted({i.name for i in infos})),
                      "optimal" if statuses == {"optimal"} else "feasible",
                      sum(i.seconds for i in infos), max(gaps) if gaps else None)


def _notes(catalogue: Catalogue, days: Sequence[DayPlan], options: PlanOptions
           ) -> tuple[str, ...]:
    notes = []
    if not options.strict_daily:
        notes.append("Vitamin D and B12 are met on average over the plan (the body stores "
                     "them); use --strict-daily to meet them every day.")
    unknown = sorted({f for d in days for n in KEY_NUTRIENTS for f in d.unknown.get(n, ())})
    if unknown:
        notes.append(f"{len(unknown)} chosen food(s) have no USDA value for a key nutrient "
                     f"({', '.join(unknown)}); totals count those values as 0, so they are "
                     "lower bounds.")
    if catalogue.missing:
        notes.append(f"{len(catalogue.missing)} catalogue food(s) are not in this food table "
                     "and were not used.")
    return tuple(notes)


# ------------------------------------------------------------------ diagnosis

def _impossible(data: _Data, applied: Mapping[str, AppliedTarget], options: PlanOptions
                ) -> list[Shortfall]:
    """Targets no single day can reach with the allowed foods, whatever the variety rules.

    For each hard minimum, a linear program finds the most of that nutrient one day can
    hold (continuous servings up to each food's daily maximum, within the energy band,
    every cap and the AMDRs). A minimum above that is impossible, and the gap is a lower
    bound on how much every plan misses it by, per day.
    """
    staple = data.entries["tags"].map(lambda t: "staple" in t).to_numpy(dtype=bool)
    upper = np.where(staple, data.day_units, data.units_max).astype(float)
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


def _shortfalls(misses: Sequence[tuple[str, str, int, float]],
                applied: Mapping[str, AppliedTarget], days: Sequence[DayPlan],
                options: PlanOptions) -> list[Shortfall]:
    """Group per-day misses of hard bounds; stored nutrients are judged on the average."""
    grouped: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for nutrient, side, day, amount in misses:
        if nutrient in STORED and side == "min" and not options.strict_daily:
            continue
        grouped.setdefault((nutrient, side), []).append((day, amount))
    out = []
    for (nutrient, side), hits in grouped.items():
        bound = applied[nutrient]
        if side in ("pct_min", "pct_max"):
            assert bound.pct_energy is not None
            target = bound.pct_energy[0] if side == "pct_min" else bound.pct_energy[1]
        else:
            target = (bound.min if side == "min" else bound.max) or 0.0
        out.append(Shortfall(nutrient, side, target, max(a for _, a in hits),
                             tuple(d for d, _ in hits)))
    if not options.strict_daily:
        for n in STORED:
            stored = applied.get(n)
            if stored is None or stored.min is None:
                continue
            average = sum(d.totals[n] for d in days) / len(days)
            if average < stored.min * (1 - 1e-6):
                out.append(Shortfall(n, "min", stored.min, stored.min - average, ()))
    return out


def _infeasible(shortfalls: Sequence[Shortfall], options: PlanOptions, *, certain: bool
                ) -> InfeasiblePlanError:
    parts = []
    for s in shortfalls:
        unit = "% of energy" if s.bound.startswith("pct") else unit_label(s.nutrient)
        if not s.days:
            where = "a day on average"
        elif len(s.days) == options.days and options.days > 1:
            where = "every day"
        elif len(s.days) == 1:
            where = f"on day {s.days[0]}"
        else:
            where = (f"on days {', '.join(map(str, s.days[:7]))}"
                     f"{'...' if len(s.days) > 7 else ''}")
        verb = "short by" if s.bound in ("min", "pct_min") else "over by"
        limit = "needs" if s.bound in ("min", "pct_min") else "limit"
        parts.append(f"{display_name(s.nutrient)} ({limit} {s.target:g} {unit}) "
                     f"{verb} {s.amount:.3g} {unit} {where}")
    suggestions = suggest_fixes(shortfalls, options)
    lead = ("no plan can meet these targets with the foods allowed" if certain else
            "no plan was found that meets every target within the variety rules")
    message = f"{lead}: " + "; ".join(parts) + ". Try: " + "; ".join(suggestions)
    return InfeasiblePlanError(message, shortfalls, suggestions)


def suggest_fixes(shortfalls: Sequence[Shortfall], options: PlanOptions) -> list[str]:
    """What would most likely make the request feasible."""
    short = {s.nutrient for s in shortfalls}
    out = []
    excluded = {e.lower() for e in options.exclude}
    if short & {"vitamin_b12_ug", "vitamin_d_ug"}:
        if "fortified" in excluded:
            out.append("allow fortified foods (remove --exclude fortified)")
        elif options.diet in ("vegan", "vegetarian"):
            out.append("include fortified foods (plant milks, cereals)")
        out.append("talk to a clinician about a vitamin B12 or D supplement"
                   if "vitamin_b12_ug" in short and "vitamin_d_ug" in short else
                   "talk to a clinician about a "
                   + ("vitamin B12" if "vitamin_b12_ug" in short else "vitamin D")
                   + " supplement")
    others = [e for e in options.exclude if not (e.lower() == "fortified" and out)]
    if others:
        out.append("relax an exclusion (" + ", ".join(f"--exclude {e}" for e in others[:3])
                   + ")")
    if short & {"calcium_mg"} and "dairy" in excluded:
        out.append("allow dairy, or calcium-set tofu and fortified plant milks")
    if not out or short - {"vitamin_b12_ug", "vitamin_d_ug"}:
        out.append("lower a target with --target NAME=VALUE, or raise --max-days")
    return list(dict.fromkeys(out))


# ------------------------------------------------------------------ verification

def verify_week(week: WeekPlan, table: FoodTable, tolerance: float = 1e-6) -> list[str]:
    """Recompute every day's totals from the food table and the chosen grams and check
    them against the applied targets; return a list of problems (empty when the plan
    holds). Independent of the solver: it reads only grams and the table."""
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
                    value < t.min - slack:
                problems.append(f"day {d.day}: {n} {value:.4g} < min {t.min:g}")
            if t.max is not None and value > t.max + slack:
                problems.append(f"day {d.day}: {n} {value:.4g} > max {t.max:g}")
            if t.pct_energy is not None and totals["energy_kcal"] > 0:
                pct = 100 * value * KCAL_PER_GRAM[n] / totals["energy_kcal"]
                if not t.pct_energy[0] - 1e-4 <= pct <= t.pct_energy[1] + 1e-4:
                    problems.append(f"day {d.day}: {n} {pct:.3g} % of energy outside "
                                    f"{t.pct_energy}")
            if abs(d.totals[n] - value) > slack:
                problems.append(f"day {d.day}: reported {n} {d.totals[n]:.6g} != "
                                f"recomputed {value:.6g}")
    for n, t in week.applied.items():
        if t.basis == "week_average" and t.min is not None:
            average = sum(d.totals[n] for d in days) / len(days)
            if average < t.min * (1 - tolerance):
                problems.append(f"{n} average {average:.4g} < min {t.min:g}")
    return problems
