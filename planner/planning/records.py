"""What a plan is: the typed records the planner returns and every reader shares (options,
items, meals, days, the applied targets, the week), the plan's own rule constants that the
builder, the notes and the checker all count by (the 7-day window, the week-averaged
nutrients, large portions), and how an item and a day's totals follow from the food table.

Imports the food, person and meals packages, the solver's settings (:mod:`.options`) and,
for a type only, the solver's result (:mod:`.model`, so PuLP loads only with the solver);
the planner (:mod:`.plan`), its notes (:mod:`.notes`), diagnosis (:mod:`.diagnosis`) and
checker (:mod:`.verify`) import from here, never the other way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, cast

import numpy as np
import pandas as pd

from planner.errors import Shortfall
from planner.food.catalogue import portion_words
from planner.food.data import FoodTable
from planner.food.nutrients import KEY_NUTRIENTS, NUTRIENT_NAMES
from planner.meals.quality import Quality
from planner.meals.recipes import Method
from planner.meals.rules import Pattern
from planner.meals.shopping import ShoppingLine
from planner.person.supplements import amounts as supplement_amounts
from planner.person.targets import Targets
from planner.planning.options import SolverOptions

if TYPE_CHECKING:
    from planner.planning.model import SolverInfo

STORED: Final[tuple[str, ...]] = ("vitamin_d_ug", "vitamin_b12_ug")
KCAL_PER_GRAM: Final[Mapping[str, float]] = {"protein_g": 4.0, "fat_g": 9.0,
                                             "carbohydrate_g": 4.0}
#: With vitamin B12 met on the week's average, every day still aims for this share of the
#: RDA: absorption from one large dose is limited (IOM 1998; NIH ODS), so it is spread.
B12_DAILY_SHARE: Final = 0.5
WINDOW: Final = 7  # days over which variety limits and weekly rules count
#: Nutrients with an adequate intake and no UL that a day keeps within a multiple of the
#: AI: (factor, why). Fiber: high-fiber foods carry phytate, which lowers the absorption
#: of the very minerals the plan is for.
AI_CAPS: Final[Mapping[str, tuple[float, str]]] = {
    "fiber_g": (2.0, "at most twice the AI, planner's own limit: NASEM sets no UL for "
                "fiber, but beans, bran and whole grains in large amounts bring phytate, "
                "which binds iron, zinc and calcium and lowers their absorption (NIH ODS "
                "Iron and Zinc fact sheets)")}
#: The nearest plan may leave a day short of its energy band by at most this share of the
#: energy need (about 80 % of the need with the default +-10 % band); a day further short
#: is no plan: eating it would be losing weight, not eating to a plan.
MOST_ENERGY_MISSED: Final = 0.1
#: A trailing block shorter than this many days does not carry weekly minimums (a
#: three-day plan need not hold a week's seafood).
MIN_BLOCK_FOR_WEEKLY: Final = 4


@dataclass(frozen=True)
class PlanOptions:
    """What to plan. Defaults are a 7-day omnivore plan with the standard rules."""

    days: int = 7
    diet: str = "omnivore"
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    seed: int = 0
    strict_daily: bool = False
    max_days: int = 3
    staple_max_days: int = 7
    min_distinct: int = 20
    ul_margin: float = 0.9  # keep every day below this share of a Tolerable Upper Intake
    week_energy_tolerance: float = 0.03  # a block's mean energy within this of the EER
    like: tuple[str, ...] = ()  # foods to prefer (soft)
    dislike: tuple[str, ...] = ()  # foods to avoid when there is a choice (soft)
    solver: SolverOptions = field(default_factory=SolverOptions)
    #: where no plan meets every target: raise InfeasiblePlanError (True) rather than
    #: return the nearest plan with its misses said (False; a broken safety limit is
    #: always an error)
    require_all: bool = False


@dataclass(frozen=True)
class PlanItem:
    """One food in one meal; ``grams`` = ``servings`` x the portion's grams. ``text`` is
    the household wording: "1 medium banana", "4 oz baked cod"."""

    food_id: str
    name: str
    description: str  # the USDA description
    ndb_number: str | None
    fdc_id: str | None
    servings: float
    portion: str  # the household measure of one serving, from USDA ("1 cup")
    portion_grams: float
    grams: float
    category: str
    role: str = ""
    text: str = ""
    # the item's amounts of the key nutrients and energy; None where USDA has no value
    nutrients: Mapping[str, float | None] = field(default_factory=dict)
    eaten: bool = False  # already eaten (a log or --ate): shown, counted, not bought

    def as_dict(self) -> dict[str, Any]:
        out = {"food_id": self.food_id, "ndb_number": self.ndb_number,
               "fdc_id": int(self.fdc_id) if self.fdc_id and self.fdc_id.isdigit()
               else self.fdc_id, "name": self.name, "text": self.text, "role": self.role,
               "servings": round(self.servings, 4), "usda_measure": self.portion,
               "grams": round(self.grams, 6)}
        if self.eaten:
            out["eaten"] = True
        return out


@dataclass(frozen=True)
class Meal:
    """One meal of a day: its slot, its foods and, where the meal is a dish from the dish
    table, the dish's name as the output prints it ("" for a meal that is not a dish) and
    how to cook it (:mod:`planner.planning.cooking`; None for a meal that is no dish)."""

    slot: str
    items: tuple[PlanItem, ...]
    dish: str = ""
    dish_id: str = ""  # the row of planner/meals/dishes.csv ("" for a meal that is none)
    method: Method | None = None


@dataclass(frozen=True)
class Fixed:
    """A food that stays as it is on ``day`` at meal ``slot``: already eaten (from a log
    or ``--ate``), or kept from a saved week. It counts toward every target and rule of
    its day and week, and its meal is not planned. ``dish_id``: the dish a kept meal was
    saved as ("": none said), which it stays where its foods still make it (foods can
    make two dishes: chickpeas, rice and kale are a curry or a bowl)."""

    day: int
    slot: str
    item: PlanItem
    dish_id: str = ""


@dataclass(frozen=True)
class DayPlan:
    """One day: meals, nutrient totals (unknown values counted as 0), which chosen foods
    had unknown values, per nutrient, and food-group amounts (from the catalogue)."""

    day: int
    meals: tuple[Meal, ...]
    totals: Mapping[str, float]
    unknown: Mapping[str, tuple[str, ...]]
    groups: Mapping[str, float] = field(default_factory=dict)

    @property
    def items(self) -> tuple[PlanItem, ...]:
        return tuple(i for m in self.meals for i in m.items)


@dataclass(frozen=True)
class AppliedTarget:
    """A bound the plan was built to. ``basis`` is daily or week_average (for ``min``);
    ``min_hard`` says whether the min must be met or is only aimed for. A ``max`` and an
    AMDR (``pct_energy``) always hold on every day; ``max`` is already lowered to the UL
    margin where it is an upper limit."""

    nutrient: str
    min: float | None
    max: float | None
    basis: str
    min_hard: bool
    source: str
    pct_energy: tuple[float, float] | None = None
    #: what supplements give a day: ``min`` and ``max`` are then food's share
    supplement: float = 0.0
    #: the max is a safety limit (a Tolerable Upper Intake Level or a cap the user or a
    #: clinician set): a plan that cannot keep it is no plan, whereas a missed minimum is
    #: a plan with a warning
    limit: bool = False

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"min": _round(self.min), "max": _round(self.max),
                               "basis": self.basis,
                               "min_enforced": None if self.min is None else
                               "hard" if self.min_hard else "aimed",
                               "source": self.source}
        if self.pct_energy is not None:
            out["pct_energy"] = list(self.pct_energy)
        if self.supplement:
            out["supplement"] = _round(self.supplement)
        if self.limit:
            out["max_is_limit"] = True
        return out


@dataclass(frozen=True)
class WeekPlan:
    """A verified plan: days, the bounds it meets, a shopping list, the food-group pattern
    it follows, its diet quality and how it was solved. ``misses`` are the targets the
    nearest plan still misses where no plan meets them all (empty for a plan that does);
    the notes say each in words."""

    targets: Targets
    applied: Mapping[str, AppliedTarget]
    days: tuple[DayPlan, ...]
    shopping_list: tuple[ShoppingLine, ...]
    solver: SolverInfo
    options: PlanOptions
    notes: tuple[str, ...] = ()
    pattern: Pattern | None = None
    quality: Quality | None = None
    misses: tuple[Shortfall, ...] = ()

    @property
    def unknown_count(self) -> int:
        """How many distinct chosen foods had an unknown value for a key nutrient."""
        return len({f for d in self.days for n in KEY_NUTRIENTS for f in d.unknown.get(n, ())})

    def group_average(self, group: str) -> float:
        return sum(d.groups.get(group, 0.0) for d in self.days) / len(self.days)

    @property
    def supplements(self) -> dict[str, float]:
        """What the person's supplements give a day, per nutrient (the same every day;
        empty without any). A day's ``totals`` are its food; :meth:`intake` adds these."""
        return supplement_amounts(self.targets.supplements)

    def intake(self, day: DayPlan, nutrient: str) -> float:
        """A day's food and supplements together, of one nutrient."""
        return day.totals[nutrient] + self.supplements.get(nutrient, 0.0)

    def target_min(self, nutrient: str) -> float | None:
        """The minimum food and supplements together meet (the applied target's, with
        the supplements' share added back; None without a minimum)."""
        applied = self.applied.get(nutrient)
        if applied is None or applied.min is None:
            return None
        target = self.targets.items.get(nutrient)
        return target.min if applied.supplement and target is not None else applied.min


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def plan_item(entries: pd.DataFrame, food_id: str, servings: float, table: FoodTable,
              *, eaten: bool = False) -> PlanItem:
    """An item of ``servings`` catalogue portions of a food (``entries``: catalogue rows
    that hold it)."""
    entry = cast(pd.Series, entries.loc[food_id])
    row = table.foods.loc[food_id]
    portion_grams = float(entry["portion_grams"])
    return PlanItem(
        food_id=food_id, name=str(entry["short_name"]), description=str(row["description"]),
        ndb_number=None if pd.isna(row["ndb_number"]) else str(row["ndb_number"]),
        fdc_id=None if pd.isna(row["fdc_id"]) else str(row["fdc_id"]),
        servings=servings, portion=str(entry["portion_description"]),
        portion_grams=portion_grams, grams=servings * portion_grams,
        category=str(entry["category"]), role=str(entry["role"]),
        text=portion_words(entry, servings),
        nutrients={n: None if pd.isna(row[n]) else
                   float(row[n]) * servings * portion_grams / 100
                   for n in (*KEY_NUTRIENTS, "energy_kcal")}, eaten=eaten)


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


def energy_block_misses(days: Sequence[DayPlan], eer: float, tolerance: float
                        ) -> list[tuple[int, int, float, float]]:
    """The blocks of :data:`WINDOW` days whose mean energy is outside ``tolerance`` (a
    fraction) of the ``eer``, beyond rounding, as (first day, last day, mean, miss): the
    miss beyond the tolerance, negative when short. The one judgement of the week's
    energy, for the plan's misses and for its independent check."""
    out = []
    for start in range(0, len(days), WINDOW):
        block = days[start:start + WINDOW]
        mean = sum(d.totals["energy_kcal"] for d in block) / len(block)
        beyond = abs(mean - eer) - eer * tolerance
        if beyond > eer * tolerance * 1e-6 + 1e-6:
            out.append((start + 1, start + len(block), mean, math.copysign(beyond, mean - eer)))
    return out
