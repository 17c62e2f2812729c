"""Food suggestions: which foods are rich in a nutrient, and what one food brings.

Amounts are per household portion (the catalogue's, or a generic one for the whole
table), per 100 g or per 100 kcal, and as a share of the person's daily target. A food
whose value USDA does not report is not ranked (it is counted and reported instead).
"Good source" follows the FDA labelling convention, applied to the person's own target:
a portion with at least 10 % of it is a good source, at least 20 % an excellent one.

Bioavailability notes say where the amount overstates what the body gets (sources in
:data:`BIOAVAILABILITY`): calcium bound by oxalate (spinach, chard, beet greens: about 5 %
absorbed against about 30 % from milk), non-heme iron from plants, and B12 in one large
dose. ``absorbable=True`` ranks calcium by the calcium absorbed (the catalogue's
``calcium_absorption``); foods without a studied absorption figure are not ranked.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from planner.errors import PlanRequestError
from planner.food.catalogue import Catalogue, find_food, portion_words, select
from planner.food.data import FoodTable
from planner.food.nutrients import BY_NAME, KEY_NUTRIENTS, NUTRIENT_NAMES, display_name, suggest
from planner.person.health import active_rules
from planner.person.targets import Targets
from planner.words import plural

Basis = Literal["serving", "100g", "100kcal"]
BASES: Final[tuple[str, ...]] = ("serving", "100g", "100kcal")
GOOD_SOURCE: Final = 0.10
EXCELLENT_SOURCE: Final = 0.20
#: Below this absorbed share, calcium is "poorly absorbed" (milk: about 0.32).
POORLY_ABSORBED: Final = 0.15
#: B12 from food is absorbed about 1.5 ug at a time (IOM 1998, via intrinsic factor).
B12_PER_MEAL_UG: Final = 1.5
BIOAVAILABILITY: Final = {
    "calcium_mg": "Oxalate binds most of this food's calcium: about {share:.0f} % is absorbed, "
                  "against about 32 % from milk (Weaver et al. 1999; NIH ODS Calcium).",
    "iron_mg": "Its iron is non-heme (plant or egg) iron, absorbed less well than the heme "
               "iron of meat and fish; vitamin C in the same meal helps (NIH ODS Iron).",
    "vitamin_b12_ug": "The body absorbs about 1.5 ug of B12 from food at a time; spread "
                      "B12 foods over the day rather than one large portion (IOM 1998; "
                      "NIH ODS Vitamin B12).",
}
HEME_CATEGORIES: Final = ("meat", "poultry", "fish", "shellfish")
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
    if hint is None:  # a typing slip: the closest plain name ("magnesum" -> magnesium)
        plain = {n.rsplit("_", 1)[0]: n for n in NUTRIENT_NAMES} | dict(_ALIASES)
        close = difflib.get_close_matches(key, list(plain), n=1, cutoff=0.75)
        hint = close[0] if close else None
    raise PlanRequestError(f"nutrient: {name!r} is not known"
                           + (f"; did you mean {hint}?" if hint else
                              "; use magnesium, calcium, potassium, vitamin_d, b12 or another "
                              "of " + ", ".join(n.rsplit("_", 1)[0] for n in NUTRIENT_NAMES
                                                if n not in KEY_NUTRIENTS)))


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
    target_share: float | None  # per portion / the person's daily target (never absorbed)
    absorption: float | None = None  # absorbable: the share of the calcium absorbed


@dataclass(frozen=True)
class FoodRanking:
    nutrient: str
    per: str
    foods: tuple[RankedFood, ...]
    unknown: int  # foods left out because their value is not reported
    considered: int
    target: float | None
    source: str  # "catalogue" or "whole table"
    absorbable: bool = False  # amounts are what the body absorbs (calcium)
    notes: tuple[str, ...] = ()  # per food id: bioavailability or health notes
    food_notes: Mapping[str, str] = field(default_factory=dict)


def rank_foods(table: FoodTable, catalogue: Catalogue, targets: Targets | None,
               nutrient: str, *, per: str = "serving", diet: str = "omnivore",
               exclude: Sequence[str] = (), top: int = 10,
               absorbable: bool = False) -> FoodRanking:
    """The ``top`` foods richest in ``nutrient`` per ``per`` among the allowed foods; with
    ``absorbable`` (calcium only), by the calcium the body absorbs."""
    nutrient = resolve_nutrient(nutrient)
    if absorbable and nutrient != "calcium_mg":
        raise PlanRequestError("absorbable: only calcium has absorption figures "
                               "(--rich-in calcium)")
    if per not in BASES:
        raise PlanRequestError(f"per: {per!r} is not one of {', '.join(BASES)}")
    if top < 1:
        raise PlanRequestError(f"top: {top} must be at least 1")
    entries = select(catalogue, diet, exclude)
    values = table.foods.loc[entries.index, [nutrient, "energy_kcal", "description"]]
    known = values[nutrient].notna()
    grams = entries["portion_grams"].astype(float)
    per_100g = values[nutrient].astype(float)
    reported = known.copy()
    if absorbable:
        share = entries["calcium_absorption"].astype(float)
        known &= share.notna()
        per_100g = per_100g * share
    per_portion = per_100g * grams / 100
    energy = values["energy_kcal"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_kcal = (per_100g / energy * 100).where(energy > 0)
    score = {"serving": per_portion, "100g": per_100g, "100kcal": per_kcal}[per]
    order = score[known & score.notna()].sort_values(ascending=False, kind="stable")
    goal = targets[nutrient].min if targets is not None and nutrient in targets else None
    if absorbable:  # the RDA is set for calcium eaten: absorbed milligrams are no share of it
        goal = None
    chosen = order.index[:top]
    # plain lookups, not a row of pandas each: gaps ranks every food for each gap
    rows: dict[Any, dict[str, Any]] = \
        entries.loc[chosen].to_dict("index")  # type: ignore[assignment]
    described = values.loc[chosen, "description"].to_dict()
    foods = tuple(
        RankedFood(str(fid), str(rows[fid]["short_name"]), str(described[fid]),
                   portion_words(rows[fid], 1.0), float(grams[fid]),
                   float(per_portion[fid]), float(per_100g[fid]),
                   None if pd.isna(per_kcal[fid]) else float(per_kcal[fid]),
                   float(per_portion[fid]) / goal if goal else None,
                   float(share[fid]) if absorbable else None)
        for fid in chosen)
    notes = []
    if absorbable:
        unstudied = int((reported & ~known).sum())
        notes.append(f"Amounts are the calcium absorbed: calcium x the share the body "
                     f"absorbs (the absorbed % column; Weaver et al., Am J Clin Nutr 1999;"
                     f"70:543S; NIH ODS Calcium); {plural(unstudied, 'food')} without a "
                     f"studied figure {'is' if unstudied == 1 else 'are'} not ranked.")
        notes.append("Absorbed calcium is not shown as a share of the RDA: the RDA is set "
                     "for calcium eaten, on a usual diet's absorption (IOM 2011 DRIs for "
                     "Calcium and Vitamin D).")
    if targets is not None:
        for rule in active_rules(targets.profile.conditions, targets.profile.medicines):
            if nutrient in rule.needs_limits:
                notes.append(f"With {rule.label}, ask your clinician before eating more "
                             f"{display_name(nutrient).lower()}-rich foods: {rule.ask}.")
    food_notes = {f.food_id: note for f in foods
                  if (note := bioavailability(f.food_id, entries, table, targets, nutrient))}
    return FoodRanking(nutrient, per, foods, int((~reported).sum()), len(entries), goal,
                       "whole table" if catalogue.generic else "catalogue", absorbable,
                       tuple(notes), food_notes)


def _cell(frame: pd.DataFrame, row: str, column: str) -> Any:
    """One value of a frame with a unique index (the food table's, the catalogue's)."""
    return frame.at[row, column]


def bioavailability(food_id: str, entries: pd.DataFrame, table: FoodTable,
                    targets: Targets | None, nutrient: str) -> str:
    """The bioavailability note for one nutrient of one food, or ""."""
    if food_id not in entries.index:
        return ""
    grams = float(_cell(entries, food_id, "portion_grams"))
    value = _cell(table.foods, food_id, nutrient)
    if pd.isna(value):
        return ""
    amount = float(value) * grams / 100
    category = str(_cell(entries, food_id, "category"))
    if nutrient == "calcium_mg":
        share = _cell(entries, food_id, "calcium_absorption")
        if pd.notna(share) and float(share) < POORLY_ABSORBED and amount >= 50:
            return BIOAVAILABILITY[nutrient].format(share=100 * float(share))
    if nutrient == "iron_mg" and category not in HEME_CATEGORIES and amount >= 1.0:
        return BIOAVAILABILITY[nutrient]
    if nutrient == "vitamin_b12_ug" and amount > 2 * B12_PER_MEAL_UG:
        return BIOAVAILABILITY[nutrient]
    return ""


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
    notes: tuple[str, ...] = ()  # bioavailability: what the amounts overstate


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
    notes = tuple(note for n in ("calcium_mg", "iron_mg", "vitamin_b12_ug")
                  if (note := bioavailability(food, entries, table, targets, n)))
    calcium_note = bioavailability(food, entries, table, targets, "calcium_mg")
    if calcium_note:  # say it where the rating is
        lines = [replace(line, rating=f"{line.rating}, poorly absorbed (oxalate)")
                 if line.nutrient == "calcium_mg" and line.rating else line for line in lines]
    good = tuple(line.nutrient for line in lines if line.nutrient in KEY_NUTRIENTS
                 and "source" in line.rating)
    return Explanation(food, name, str(row["description"]), portion, grams, category,
                       tuple(lines), good, listed, notes)


def ranking_dict(ranking: FoodRanking) -> dict[str, Any]:
    return {"schema": "planner.foods/1", "nutrient": ranking.nutrient, "per": ranking.per,
            "absorbable": ranking.absorbable, "notes": list(ranking.notes),
            "target": ranking.target, "source": ranking.source,
            "considered": ranking.considered, "unknown": ranking.unknown,
            "foods": [{"food_id": f.food_id, "name": f.name, "description": f.description,
                       "portion": f.portion, "portion_grams": f.portion_grams,
                       "per_portion": round(f.per_portion, 4),
                       "per_100g": round(f.per_100g, 4),
                       "per_100kcal": None if f.per_100kcal is None else
                       round(f.per_100kcal, 4),
                       "percent_of_target": None if f.target_share is None else
                       round(100 * f.target_share, 1),
                       **({"absorption": f.absorption} if ranking.absorbable else {}),
                       "note": ranking.food_notes.get(f.food_id)} for f in ranking.foods]}


def explanation_dict(e: Explanation) -> dict[str, Any]:
    return {"schema": "planner.explain/1", "food_id": e.food_id, "name": e.name,
            "description": e.description, "portion": e.portion,
            "portion_grams": e.portion_grams, "category": e.category,
            "good_source_of": list(e.good_for), "in_catalogue": e.in_catalogue,
            "notes": list(e.notes),
            "nutrients": {line.nutrient: {
                "per_portion": None if line.per_portion is None else round(line.per_portion, 4),
                "target": line.target,
                "percent_of_target": None if line.share is None else round(100 * line.share, 1),
                "rating": line.rating} for line in e.lines}}
