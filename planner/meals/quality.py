"""Diet quality: food-group amounts against the DGA pattern, and the Healthy Eating Index.

Food-group amounts come from the catalogue's equivalents per serving (DGA 2020-2025 units)
times the servings eaten, never from the solver. The Healthy Eating Index (HEI-2020) follows
the National Cancer Institute's scoring standards (13 components, 100 points): adequacy
components score from 0 at zero intake to the maximum at the standard's density per
1,000 kcal; moderation components score the maximum at or below one standard and 0 at or
above another, linearly between. Legumes count both as vegetables (Total Vegetables,
Greens and Beans) and as protein (Total Protein Foods, Seafood and Plant Proteins; 1 cup-eq
= 4 oz-eq), as the HEI-2015/2020 method does. Sources: NCI, "HEI Scoring Algorithm"
(epi.grants.cancer.gov/hei), Krebs-Smith et al. 2018 (HEI-2015), Shams-White et al. 2023
(HEI-2020).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from planner.food.catalogue import GROUP_COLUMNS

#: The food groups a plan reports, per day: name -> (label, unit).
GROUPS: Final[Mapping[str, tuple[str, str]]] = {
    "vegetables": ("Vegetables", "cup-eq"),
    "veg_dark_green": ("dark-green vegetables", "cup-eq"),
    "fruits": ("Fruits", "cup-eq"),
    "grains": ("Grains", "oz-eq"),
    "grains_whole": ("whole grains", "oz-eq"),
    "dairy": ("Dairy and fortified soy", "cup-eq"),
    "protein": ("Protein foods", "oz-eq"),
    "protein_seafood": ("seafood", "oz-eq"),
}


@dataclass(frozen=True)
class HeiComponent:
    name: str
    points: float
    max_points: float
    value: float | None  # density (per 1,000 kcal), ratio or percent of energy
    unit: str
    standard: str  # what earns the maximum


@dataclass(frozen=True)
class Quality:
    """HEI-2020 total and components; ``notes`` say what could not be scored exactly."""

    total: float
    components: tuple[HeiComponent, ...]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"index": "HEI-2020", "total": round(self.total, 1),
                "components": [{"name": c.name, "points": round(c.points, 2),
                                "max_points": c.max_points,
                                "value": None if c.value is None else round(c.value, 3),
                                "unit": c.unit, "standard": c.standard}
                               for c in self.components],
                "notes": list(self.notes),
                "source": "NCI HEI-2020 scoring standards"}


def group_equivalents(servings: Iterable[tuple[str, float]], entries: pd.DataFrame
                      ) -> dict[str, float]:
    """Sum the catalogue's food-group equivalents (GROUP_COLUMNS) and added sugars over
    (food id, servings) pairs."""
    columns = [*GROUP_COLUMNS, "added_sugars_g"]
    pairs = list(servings)
    if not pairs:
        return dict.fromkeys(columns, 0.0)
    values = entries.loc[[f for f, _ in pairs], columns].to_numpy(dtype=float)
    totals = np.array([amount for _, amount in pairs]) @ values
    return {c: float(v) for c, v in zip(columns, totals, strict=True)}


def _adequacy(name: str, most: float, value: float, standard: float, unit: str
              ) -> HeiComponent:
    points = most * min(1.0, max(0.0, value) / standard)
    return HeiComponent(name, points, most, value, unit, f">= {standard:g} {unit}")


def _moderation(name: str, most: float, value: float | None, best: float, worst: float,
                unit: str) -> HeiComponent:
    if value is None:
        return HeiComponent(name, 0.0, most, None, unit, f"<= {best:g} {unit}")
    if value <= best:
        points = most
    elif value >= worst:
        points = 0.0
    else:
        points = most * (worst - value) / (worst - best)
    return HeiComponent(name, points, most, value, unit, f"<= {best:g} {unit}")


def healthy_eating_index(equivalents: Mapping[str, float], nutrients: Mapping[str, float],
                         unknown: Mapping[str, int] | None = None) -> Quality:
    """HEI-2020 for a whole plan: ``equivalents`` summed over its days (see
    :func:`group_equivalents`), ``nutrients`` its total energy, sodium, saturated,
    monounsaturated and polyunsaturated fat; ``unknown`` counts foods whose value for one of
    those nutrients USDA does not report (they count as 0 and the notes say so).

    Edge cases as the NCI SAS macro scores them: no saturated fat but some unsaturated fat
    scores fatty acids 10, no fat at all 0; no energy scores every component 0."""
    e = equivalents
    kcal = nutrients["energy_kcal"]
    per = 1000.0 / kcal if kcal > 0 else 0.0
    legumes_cup = e["veg_beans_cup"]
    fruit = (e["fruit_whole_cup"] + e["fruit_juice_cup"]) * per
    veg = (e["veg_dark_green_cup"] + e["veg_red_orange_cup"] + e["veg_starchy_cup"]
           + e["veg_other_cup"] + legumes_cup) * per
    greens = (e["veg_dark_green_cup"] + legumes_cup) * per
    protein = (e["protein_meat_oz"] + e["protein_seafood_oz"] + e["protein_nuts_soy_oz"]
               + 4 * legumes_cup) * per
    plant = (e["protein_seafood_oz"] + e["protein_nuts_soy_oz"] + 4 * legumes_cup) * per
    sfa = nutrients["saturated_fat_g"]
    unsaturated = nutrients["monounsaturated_fat_g"] + nutrients["polyunsaturated_fat_g"]
    ratio = unsaturated / sfa if sfa > 0 else math.inf
    fatty = 10.0 if ratio >= 2.5 else 0.0 if ratio <= 1.2 else 10 * (ratio - 1.2) / 1.3
    if sfa <= 0 and unsaturated <= 0:  # no fat at all: the NCI macro scores 0, not 10
        fatty = 0.0
    components: tuple[HeiComponent, ...] = (
        _adequacy("Total fruits", 5, fruit, 0.8, "cup-eq/1,000 kcal"),
        _adequacy("Whole fruits", 5, e["fruit_whole_cup"] * per, 0.4, "cup-eq/1,000 kcal"),
        _adequacy("Total vegetables", 5, veg, 1.1, "cup-eq/1,000 kcal"),
        _adequacy("Greens and beans", 5, greens, 0.2, "cup-eq/1,000 kcal"),
        _adequacy("Whole grains", 10, e["grain_whole_oz"] * per, 1.5, "oz-eq/1,000 kcal"),
        _adequacy("Dairy", 10, e["dairy_cup"] * per, 1.3, "cup-eq/1,000 kcal"),
        _adequacy("Total protein foods", 5, protein, 2.5, "oz-eq/1,000 kcal"),
        _adequacy("Seafood and plant proteins", 5, plant, 0.8, "oz-eq/1,000 kcal"),
        HeiComponent("Fatty acids", fatty, 10, None if math.isinf(ratio) else ratio,
                     "(PUFA + MUFA) / SFA", ">= 2.5"),
        _moderation("Refined grains", 10, e["grain_refined_oz"] * per, 1.8, 4.3,
                    "oz-eq/1,000 kcal"),
        _moderation("Sodium", 10, nutrients["sodium_mg"] / 1000 * per, 1.1, 2.0,
                    "g/1,000 kcal"),
        _moderation("Added sugars", 10, 100 * 4 * e["added_sugars_g"] / kcal if kcal else None,
                    6.5, 26.0, "% of energy"),
        _moderation("Saturated fats", 10, 100 * 9 * sfa / kcal if kcal else None, 8.0, 16.0,
                    "% of energy"),
    )
    notes = []
    if kcal <= 0:  # no energy: the NCI macro scores every component 0
        components = tuple(HeiComponent(c.name, 0.0, c.max_points, None, c.unit, c.standard)
                           for c in components)
        notes.append("No energy: every component scores 0 (NCI scoring).")
    for nutrient, count in (unknown or {}).items():
        if count:
            notes.append(f"{count} food(s) have no USDA value for {nutrient}; counted as 0 in "
                         "the index")
    notes.append("Added sugars come from the catalogue (product labels); SR28 has none.")
    return Quality(sum(c.points for c in components), components, tuple(notes))
