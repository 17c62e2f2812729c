"""Food suggestions: which foods are rich in a nutrient, and what one food brings.

Amounts are per household portion (the catalogue's, or a generic one for the whole
table), per 100 g or per 100 kcal, and as a share of the person's daily target. A food
whose value USDA does not report is not ranked (it is counted and reported instead).
"Good source" follows the FDA labelling convention, applied to the person's own target:
a portion with at least 10 % of it is a good source, at least 20 % an excellent one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from planner.catalogue import Catalogue, find_food, portion_words, select
from planner.data import FoodTable
from planner.errors import PlanRequestError
from planner.nutrients import BY_NAME, KEY_NUTRIENTS, NUTRIENT_NAMES, suggest
from planner.targets import Targets

Basis = Literal["serving", "100g", "100kcal"]
BASES: Final[tuple[str, ...]] = ("serving", "100g", "100kcal")
GOOD_SOURCE: Final = 0.10
EXCELLENT_SOURCE: Final = 0.20
_ALIASES: Final = {"b12": "vitamin_b12_ug", "vitamin_b12": "vitamin_b12_ug",
                   "d": "vitamin_d_ug", "vit_d": "vitamin_d_ug", "folate": "folate_dfe_ug",
                   "energy": "energy_kcal", "calories": "energy_kcal",
                   "vitamin_a": "vitamin_a_rae_ug"}


def resolve_nutrient(name: str) -> str:
    """A canonical nutrient name from what a person types ("magnesium", "vitamin d")."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    if key in BY_NAME:
        return key
    if key in _ALIASES:
        return _ALIASES[key]
    matches = [n for n in NUTRIENT_NAMES if n.rsplit("_", 1)[0] == key]
    if len(matches) == 1:
        return matches[0]
    hint = suggest(key)
    raise PlanRequestError(f"nutrient: {name!r} is not known"
                           + (f" (did you mean {hint}?)" if hint else
                              f"; use one of {', '.join(NUTRIENT_NAMES)}"))


@dataclass(frozen=True)
class RankedFood:
    food_id: str
    name: str
    description: str
    portion: str
    portion_grams: float
    per_portion: float
    per_100g: float
    per_100kcal: float | None
    target_share: float | None  # per portion / the person's daily target


@dataclass(frozen=True)
class FoodRanking:
    nutrient: str
    per: str
    foods: tuple[RankedFood, ...]
    unknown: int  # foods left out because their value is not reported
    considered: int
    target: float | None
    source: str  # "catalogue" or "whole table"


def rank_foods(table: FoodTable, catalogue: Catalogue, targets: Targets | None,
               nutrient: str, *, per: str = "serving", diet: str = "omnivore",
               exclude: Sequence[str] = (), top: int = 10) -> FoodRanking:
    """The ``top`` foods richest in ``nutrient`` per ``per`` among the allowed foods."""
    nutrient = resolve_nutrient(nutrient)
    if per not in BASES:
        raise PlanRequestError(f"per: {per!r} is not one of {', '.join(BASES)}")
    if top < 1:
        raise PlanRequestError(f"top: {top} must be at least 1")
    entries = select(catalogue, diet, exclude)
    values = table.foods.loc[entries.index, [nutrient, "energy_kcal", "description"]]
    known = values[nutrient].notna()
    grams = entries["portion_grams"].astype(float)
    per_100g = values[nutrient].astype(float)
    per_portion = per_100g * grams / 100
    energy = values["energy_kcal"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_kcal = (per_100g / energy * 100).where(energy > 0)
    score = {"serving": per_portion, "100g": per_100g, "100kcal": per_kcal}[per]
    order = score[known & score.notna()].sort_values(ascending=False, kind="stable")
    goal = targets[nutrient].min if targets is not None and nutrient in targets else None
    foods = tuple(
        RankedFood(str(fid), str(entries.loc[fid, "short_name"]),
                   str(values.loc[fid, "description"]),
                   portion_words(entries.loc[fid], 1.0), float(grams[fid]),
                   float(per_portion[fid]), float(per_100g[fid]),
                   None if pd.isna(per_kcal[fid]) else float(per_kcal[fid]),
                   float(per_portion[fid]) / goal if goal else None)
        for fid in order.index[:top])
    return FoodRanking(nutrient, per, foods, int((~known).sum()), len(entries), goal,
                       "whole table" if catalogue.generic else "catalogue")


@dataclass(frozen=True)
class NutrientLine:
    nutrient: str
    per_portion: float | None  # None: not reported
    target: float | None
    share: float | None
    rating: str  # excellent source, good source, "" or unknown


@dataclass(frozen=True)
class Explanation:
    food_id: str
    name: str
    description: str
    portion: str
    portion_grams: float
    category: str
    lines: tuple[NutrientLine, ...]
    good_for: tuple[str, ...]  # key nutrients it is a good or excellent source of
    in_catalogue: bool


def explain_food(table: FoodTable, catalogue: Catalogue, targets: Targets,
                 food: str) -> Explanation:
    """What one portion of ``food`` brings against the person's targets.

    ``food`` is a catalogue name or id, or any food id of the table (then with its first
    household measure as the portion, or 100 g).
    """
    entries = catalogue.entries
    if food in table.foods.index and food not in entries.index:
        row = table.foods.loc[food]
        portions = table.portions[table.portions["food_id"] == food].sort_values("seq")
        if len(portions):
            first = portions.iloc[0]
            portion, grams = f"{first['amount']:g} {first['description']}", float(first["grams"])
        else:
            portion, grams = "100 g", 100.0
        name, category, listed = str(row["description"]), str(row["food_group"]), False
    else:
        matches = find_food(catalogue, food)
        food = matches[0]
        entry = entries.loc[[food]].iloc[0]
        row = table.foods.loc[food]
        portion = portion_words(entry, 1.0)
        grams = float(entries["portion_grams"].loc[food])
        name, category, listed = str(entry["short_name"]), str(entry["category"]), True
    lines = []
    for n in ("energy_kcal", "protein_g", "fiber_g", *KEY_NUTRIENTS, "sodium_mg", "iron_mg",
              "zinc_mg", "vitamin_c_mg", "folate_dfe_ug"):
        value = row[n]
        amount: float | None = None if pd.isna(value) else float(value) * grams / 100
        goal = (targets[n].value or targets[n].min) if n in targets else None
        share = amount / goal if amount is not None and goal else None
        rating = ("unknown" if amount is None else
                  "excellent source" if share is not None and share >= EXCELLENT_SOURCE and
                  n != "energy_kcal" and n != "sodium_mg" else
                  "good source" if share is not None and share >= GOOD_SOURCE and
                  n != "energy_kcal" and n != "sodium_mg" else "")
        lines.append(NutrientLine(n, amount, goal, share, rating))
    good = tuple(line.nutrient for line in lines if line.nutrient in KEY_NUTRIENTS
                 and line.rating.endswith("source"))
    return Explanation(food, name, str(row["description"]), portion, grams, category,
                       tuple(lines), good, listed)


def ranking_dict(ranking: FoodRanking) -> dict[str, Any]:
    return {"schema": "planner.foods/1", "nutrient": ranking.nutrient, "per": ranking.per,
            "target": ranking.target, "source": ranking.source,
            "considered": ranking.considered, "unknown": ranking.unknown,
            "foods": [{"food_id": f.food_id, "name": f.name, "description": f.description,
                       "portion": f.portion, "portion_grams": f.portion_grams,
                       "per_portion": round(f.per_portion, 4),
                       "per_100g": round(f.per_100g, 4),
                       "per_100kcal": None if f.per_100kcal is None else
                       round(f.per_100kcal, 4),
                       "percent_of_target": None if f.target_share is None else
                       round(100 * f.target_share, 1)} for f in ranking.foods]}


def explanation_dict(e: Explanation) -> dict[str, Any]:
    return {"schema": "planner.explain/1", "food_id": e.food_id, "name": e.name,
            "description": e.description, "portion": e.portion,
            "portion_grams": e.portion_grams, "category": e.category,
            "good_source_of": list(e.good_for), "in_catalogue": e.in_catalogue,
            "nutrients": {line.nutrient: {
                "per_portion": None if line.per_portion is None else round(line.per_portion, 4),
                "target": line.target,
                "percent_of_target": None if line.share is None else round(100 * line.share, 1),
                "rating": line.rating} for line in e.lines}}
