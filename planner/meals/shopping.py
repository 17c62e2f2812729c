"""The shopping list: what a plan's foods add up to, in what you buy.

Foods add up by their purchase (the catalogue's ``buy``: all egg dishes are "large eggs",
raw and cooked spinach are "fresh spinach"). Each line converts the grams eaten into the
purchased form (dry rice, raw meat, eggs) with the catalogue's ``raw_per_gram`` and then
into the unit it is sold in (a dozen, a half-gallon, a 15 oz can, pounds), rounded up to
whole units, and notes how much of it the plan uses. Lines are grouped by store section.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from planner.food.catalogue import SECTIONS, amount_text

GRAMS_PER_POUND: Final = 453.6
GRAMS_PER_EGG: Final = 50.0  # a large egg without its shell (USDA)
GRAMS_PER_CUP_OF_MILK: Final = 244.0
#: Units are rounded up, forgiving only this much of a unit (rounding noise, not a
#: thirteenth egg).
ROUNDING: Final = 0.03
_PLURAL: Final = {"can": "cans", "bag": "bags", "box": "boxes", "bunch": "bunches",
                  "head": "heads", "jar": "jars", "tub": "tubs", "pack": "packs",
                  "block": "blocks", "carton": "cartons", "loaf": "loaves",
                  "canister": "canisters", "container": "containers", "bottle": "bottles",
                  "quart": "quarts", "pint": "pints", "half-gallon": "half-gallons",
                  "package": "packages"}


@dataclass(frozen=True)
class ShoppingLine:
    """One thing to buy. ``count`` is the number of ``unit`` to buy (None when sold by
    weight or by the piece and counted in ``quantity``)."""

    buy: str
    section: str
    quantity: str  # "2 cans (15 oz)", "1¼ lb", "5", "1 dozen"
    uses: str  # how much of it the plan uses: "9 eggs", "410 g dry", "5½ cups"
    purchased_grams: float  # of the purchased form (raw, dry)
    eaten_grams: float  # as eaten (cooked)
    foods: tuple[str, ...]  # catalogue short names it is bought for
    food_ids: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"buy": self.buy, "section": self.section, "quantity": self.quantity,
                "uses": self.uses, "purchased_grams": round(self.purchased_grams, 3),
                "eaten_grams": round(self.eaten_grams, 3), "foods": list(self.foods),
                "food_ids": list(self.food_ids)}


def shopping_list(eaten: Mapping[str, float], entries: pd.DataFrame
                  ) -> tuple[ShoppingLine, ...]:
    """Lines to buy for ``eaten`` (food id -> grams eaten over the plan), by section."""
    rows = entries.loc[list(eaten)]
    text = {c: rows[c].astype(str).to_dict() for c in ("buy", "role", "short_name", "section",
                                                        "buy_unit")}
    number = {c: rows[c].astype(float).to_dict() for c in ("raw_per_gram", "buy_unit_grams")}
    grouped: dict[str, list[str]] = {}
    for food_id in eaten:
        grouped.setdefault(text["buy"][food_id], []).append(food_id)
    lines = []
    for buy, ids in grouped.items():
        first = ids[0]
        eaten_g = sum(eaten[f] for f in ids)
        purchased = sum(eaten[f] * number["raw_per_gram"][f] for f in ids)
        quantity, uses = purchase_quantity(purchased, text["buy_unit"][first],
                                           number["buy_unit_grams"][first],
                                           {text["role"][f] for f in ids},
                                           _form(buy, text["section"][first]))
        lines.append(ShoppingLine(buy, text["section"][first], quantity, uses, purchased,
                                  eaten_g, tuple(text["short_name"][f] for f in ids),
                                  tuple(ids)))
    order = {s: i for i, s in enumerate(SECTIONS)}
    lines.sort(key=lambda line: (order.get(line.section, len(order)), line.buy.lower()))
    return tuple(lines)


def _form(buy: str, section: str) -> str:
    """The purchased form worth naming beside a weight: dry grains and pulses, raw meat."""
    if "(dry)" in buy or buy.startswith("dry "):
        return "dry"
    return "raw" if section == "meat & seafood" else ""


def purchase_quantity(grams: float, unit: str, unit_grams: float, roles: set[str],
                      form: str = "") -> tuple[str, str]:
    """(what to buy, how much of it the plan uses) for ``grams`` of the purchased form."""
    uses = _uses(grams, roles, form)
    if not unit or not math.isfinite(unit_grams):
        return f"{_grams(grams)}", uses
    if unit == "lb":
        quarters = max(1, math.ceil(grams / GRAMS_PER_POUND * 4 - ROUNDING))
        return f"{amount_text(quarters / 4)} lb", uses
    count = max(1, math.ceil(grams / unit_grams - ROUNDING))
    if unit == "each":
        return f"{count}", uses
    if unit == "dozen":
        return f"{count} dozen", uses
    word, _, rest = unit.partition(" ")
    plural = _PLURAL.get(word, word) if count > 1 else word
    return f"{count} {plural}{' ' + rest if rest else ''}", uses


def _uses(grams: float, roles: set[str], form: str) -> str:
    if roles == {"egg_dish"}:
        eggs = max(1, round(grams / GRAMS_PER_EGG))
        return f"{eggs} egg{'s' if eggs != 1 else ''}"
    if roles <= {"milk_drink", "juice"}:
        cups = round(grams / GRAMS_PER_CUP_OF_MILK * 4) / 4
        return f"{amount_text(cups)} {'cup' if cups <= 1 else 'cups'}"
    return f"{_grams(grams)}{' ' + form if form else ''}"


def _grams(grams: float) -> str:
    return f"{grams / 1000:.1f} kg" if grams >= 1000 else f"{max(grams, 1):.0f} g"
