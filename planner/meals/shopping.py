"""The shopping list: what a plan's foods add up to, in what you buy.

Foods add up by their purchase (the catalogue's ``buy``: all egg dishes are "large eggs",
raw and cooked spinach are "fresh spinach"). Each line converts the grams eaten into the
purchased form (dry rice, raw meat, eggs) with the catalogue's ``raw_per_gram`` and then
into the unit it is sold in (a dozen, a half-gallon, a 15 oz can, pounds), rounded up to
whole units, and notes how much of it the plan uses, in the words the meals use where the
purchase is what is eaten ("2 cups" of mango, "4 containers" of yogurt, "9 oz" of tofu).
Lines are grouped by store section.

Two tables beside this module:

``packs.csv``  ``buy, unit, unit_grams, why``
    Other packs a purchase is sold in (a half-dozen eggs, a quart of milk, single yogurt
    cups, cut watermelon). A line buys the pack that leaves least over, the fewer packs
    where two leave as much: the catalogue's unit is one of them.
``keeping.csv``  ``buy, foodkeeper_id, product, keeps, days, place, once_opened, freezes``
    How long each purchase keeps, from USDA FoodKeeper (:data:`KEEPING_SOURCE`; written by
    ``scripts/build_keeping.py`` from the FoodKeeper product named in each row). A line
    whose pack is much larger than the week's use says what is left and how long it keeps
    ("uses 60 g of a 283 g jar; keeps 3 weeks in the fridge once opened"); a purchase that
    keeps for months once opened (spices, oils, dry grains) is a pantry line, bought once
    and not counted as waste (:func:`waste`).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, cast

import pandas as pd

from planner.food.catalogue import SECTIONS, amount_text, cooks_units, measure_amount
from planner.words import plural

GRAMS_PER_POUND: Final = 453.6
GRAMS_PER_EGG: Final = 50.0  # a large egg without its shell (USDA)
GRAMS_PER_CUP_OF_MILK: Final = 244.0
#: Units are rounded up, forgiving only this much of a unit (rounding noise, not a
#: thirteenth egg).
ROUNDING: Final = 0.03
PACKS_FILE: Final = "packs.csv"
KEEPING_FILE: Final = "keeping.csv"
#: Where keeping times come from: USDA FoodKeeper (the Food Safety and Inspection Service,
#: with Cornell University and the Food Marketing Institute; scripts/build_keeping.py).
KEEPING_SOURCE: Final = "USDA FoodKeeper"
#: A purchase that keeps at least this many days once opened is a pantry line.
PANTRY_DAYS: Final = 90
#: Left over that keeps less than this many days once opened counts as perishable.
PERISHABLE_DAYS: Final = 30
#: A line says what is left over when it buys at least this many times what the week
#: uses, and at least :data:`LEFT_OVER_GRAMS` more.
LEFT_OVER_FACTOR: Final = 2.0
LEFT_OVER_GRAMS: Final = 50.0
_PLURAL: Final = {"can": "cans", "bag": "bags", "box": "boxes", "bunch": "bunches",
                  "head": "heads", "jar": "jars", "tub": "tubs", "pack": "packs",
                  "block": "blocks", "carton": "cartons", "loaf": "loaves",
                  "canister": "canisters", "container": "containers", "bottle": "bottles",
                  "quart": "quarts", "pint": "pints", "half-gallon": "half-gallons",
                  "package": "packages", "piece": "pieces"}
#: The words a meal counts an amount in, and the form the shopping list says it in.
_MEAL_UNITS: Final = {"cup": "cup", "cups": "cup", "oz": "oz", "tbsp": "tbsp", "tsp": "tsp",
                      "slice": "slice", "slices": "slice", "container": "container",
                      "containers": "container", "clove": "clove", "cloves": "clove",
                      "corn": "tortilla"}


class ShoppingError(ValueError):
    """A malformed pack or keeping table (a bug in the bundled data)."""


@dataclass(frozen=True)
class Keeping:
    """How long a purchase keeps (USDA FoodKeeper): ``keeps`` in words ("3-5 days"), at
    most ``days``, in ``place`` (pantry, fridge, freezer), from opening the pack or from
    buying it, and how long frozen (``freezes``, "" when FoodKeeper gives none)."""

    keeps: str
    days: int
    place: str
    once_opened: bool
    freezes: str = ""

    def words(self) -> str:
        """'keeps 3 weeks in the fridge once opened, 2-3 months frozen'."""
        text = f"keeps {self.keeps} in the {self.place}"
        if self.once_opened:
            text += " once opened"
        return text + (f", {self.freezes} frozen" if self.freezes else "")


@dataclass(frozen=True)
class Stores:
    """The packs each purchase is sold in beyond the catalogue's own, and how long it
    keeps."""

    packs: Mapping[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    keeping: Mapping[str, Keeping] = field(default_factory=dict)


def load_stores(directory: Path | None = None) -> Stores:
    """Read ``packs.csv`` and ``keeping.csv`` (default: the ones in this package)."""
    here = directory or Path(__file__).resolve().parent
    packs: dict[str, list[tuple[str, float]]] = {}
    for number, row in enumerate(_rows(here / PACKS_FILE), start=2):
        try:
            grams = float(row["unit_grams"])
        except ValueError:
            grams = math.nan
        if not row["buy"] or not row["unit"] or not grams > 0:
            raise ShoppingError(f"{PACKS_FILE}: line {number}: a buy, a unit and its grams")
        packs.setdefault(row["buy"], []).append((row["unit"], grams))
    keeping = {}
    for number, row in enumerate(_rows(here / KEEPING_FILE), start=2):
        if row["place"] not in ("pantry", "fridge", "freezer") or \
                not row["days"].isdigit() or not row["keeps"]:
            raise ShoppingError(f"{KEEPING_FILE}: line {number}: a time, its days and a "
                                "place (pantry, fridge or freezer)")
        keeping[row["buy"]] = Keeping(row["keeps"], int(row["days"]), row["place"],
                                      row["once_opened"] == "yes", row["freezes"])
    return Stores({b: tuple(p) for b, p in packs.items()}, keeping)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class ShoppingLine:
    """One thing to buy. ``quantity`` is what to buy ("2 cans (15 oz)"), ``uses`` how much
    of it the plan uses; ``bought_grams`` what the packs hold (of the purchased form) and
    ``purchased_grams`` what the plan uses of it; ``keeping`` how long it keeps (None:
    not known); ``pantry``: it keeps for months once opened; ``left_over``: what is left
    of a pack much larger than the week's use, and how long it keeps ("" when little)."""

    buy: str
    section: str
    quantity: str  # "2 cans (15 oz)", "1¼ lb", "5", "1 dozen"
    uses: str  # how much of it the plan uses: "9 eggs", "410 g dry", "5½ cups"
    purchased_grams: float  # of the purchased form (raw, dry)
    eaten_grams: float  # as eaten (cooked)
    foods: tuple[str, ...]  # catalogue short names it is bought for
    food_ids: tuple[str, ...]
    bought_grams: float = math.nan  # of the purchased form, in the packs bought
    keeping: Keeping | None = None
    pantry: bool = False
    left_over: str = ""

    @property
    def left_grams(self) -> float:
        """Grams of the purchased form left once the week's use is taken (0 if unknown)."""
        left = self.bought_grams - self.purchased_grams
        return max(0.0, left) if math.isfinite(left) else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"buy": self.buy, "section": self.section, "quantity": self.quantity,
                "uses": self.uses, "purchased_grams": round(self.purchased_grams, 3),
                "eaten_grams": round(self.eaten_grams, 3),
                "bought_grams": (round(self.bought_grams, 3)
                                 if math.isfinite(self.bought_grams) else None),
                "left_grams": round(self.left_grams, 3),
                "keeps": None if self.keeping is None else self.keeping.words(),
                "pantry": self.pantry, "left_over": self.left_over or None,
                "foods": list(self.foods), "food_ids": list(self.food_ids)}


@dataclass(frozen=True)
class Waste:
    """What a list buys against what the plan uses, in grams of the purchased forms, over
    the lines that are not pantry lines: ``left`` is bought less used; ``perishable`` the
    part of it that keeps less than :data:`PERISHABLE_DAYS` days once opened."""

    bought: float
    used: float
    left: float
    perishable: float
    pantry_lines: int

    def as_dict(self) -> dict[str, Any]:
        return {"bought_grams": round(self.bought, 1), "used_grams": round(self.used, 1),
                "left_grams": round(self.left, 1),
                "left_perishable_grams": round(self.perishable, 1),
                "pantry_lines_not_counted": self.pantry_lines, "keeping": KEEPING_SOURCE}

    def words(self) -> str:
        """The list's footer: bought, used, left over and what of it will not keep."""
        share = 100 * self.left / self.bought if self.bought > 0 else 0.0
        return (f"The list buys {_grams(self.bought)} of food for the {_grams(self.used)} "
                f"the plan uses: {_grams(self.left)} left over ({share:.0f} %), "
                f"{_grams(self.perishable)} of it keeping less than a month once opened "
                f"({KEEPING_SOURCE}). Pantry items that keep for months "
                f"(spices, oils, vinegar, dry grains and the like: "
                f"{plural(self.pantry_lines, 'line')}) are not counted: buy them if you "
                "have none.")


def waste(lines: Sequence[ShoppingLine]) -> Waste:
    """The list's :class:`Waste` (lines with no pack weight count as bought as used)."""
    counted = [line for line in lines if not line.pantry]
    bought = sum(line.bought_grams if math.isfinite(line.bought_grams)
                 else line.purchased_grams for line in counted)
    used = sum(line.purchased_grams for line in counted)
    perishable = sum(line.left_grams for line in counted
                     if line.keeping is None or line.keeping.days < PERISHABLE_DAYS)
    return Waste(bought, used, sum(line.left_grams for line in counted), perishable,
                 len(lines) - len(counted))


def shopping_list(eaten: Mapping[str, float], entries: pd.DataFrame,
                  stores: Stores | None = None) -> tuple[ShoppingLine, ...]:
    """Lines to buy for ``eaten`` (food id -> grams eaten over the plan), by section;
    ``stores`` the packs and keeping times (default: the bundled tables)."""
    stores = stores if stores is not None else load_stores()
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
        keeping = stores.keeping.get(buy)
        pantry = keeping is not None and keeping.days >= PANTRY_DAYS
        unit, unit_grams = choose_pack(purchased, text["buy_unit"][first],
                                       number["buy_unit_grams"][first], stores.packs.get(buy, ()))
        quantity, uses = purchase_quantity(purchased, unit, unit_grams,
                                           {text["role"][f] for f in ids},
                                           _form(buy, text["section"][first]))
        if all(number["raw_per_gram"][f] == 1 for f in ids):
            uses = meal_amount({f: eaten[f] for f in ids}, rows) or uses
        bought = bought_grams(purchased, unit, unit_grams)
        line = ShoppingLine(buy, text["section"][first], quantity, uses, purchased, eaten_g,
                            tuple(text["short_name"][f] for f in ids), tuple(ids), bought,
                            keeping, pantry)
        lines.append(_with_left_over(line, unit, unit_grams))
    order = {s: i for i, s in enumerate(SECTIONS)}
    lines.sort(key=lambda line: (order.get(line.section, len(order)), line.buy.lower()))
    return tuple(lines)


def choose_pack(grams: float, unit: str, unit_grams: float,
                others: Sequence[tuple[str, float]]) -> tuple[str, float]:
    """The pack to buy ``grams`` in: of the catalogue's ``unit`` and the ``others``
    (``packs.csv``), the one that leaves least over, the fewer packs where two leave as
    much (within 5 % of the grams used). Units sold by weight ("lb") stay as they are."""
    if not unit or not math.isfinite(unit_grams) or unit == "lb":
        return unit, unit_grams

    def cost(option: tuple[str, float]) -> tuple[float, int]:
        count = _count(grams, option[1])
        left = count * option[1] - grams
        return round(left / max(grams * 0.05, 1.0)), count

    return min([(unit, unit_grams), *others], key=cost)


def _count(grams: float, unit_grams: float) -> int:
    return max(1, math.ceil(grams / unit_grams - ROUNDING))


def bought_grams(grams: float, unit: str, unit_grams: float) -> float:
    """Grams of the purchased form in what is bought for ``grams`` (NaN: not known)."""
    if not unit or not math.isfinite(unit_grams):
        return math.nan
    if unit == "lb":
        return max(1, math.ceil(grams / GRAMS_PER_POUND * 4 - ROUNDING)) * GRAMS_PER_POUND / 4
    return _count(grams, unit_grams) * unit_grams


def meal_amount(eaten: Mapping[str, float], entries: pd.DataFrame) -> str:
    """How much the meals use, in their own words, where every food of the line is
    counted in one unit: "2 cups (330 g)", "4 containers (800 g)", "9 oz (255 g)",
    "1½ tsp (3 g)"; "" otherwise."""
    total, unit = 0.0, None
    for food_id, grams in eaten.items():
        entry = cast(pd.Series, entries.loc[food_id])
        words = str(entry["say_many"]).split()
        found = _MEAL_UNITS.get(words[0]) if words else None
        if found is None or (unit is not None and found != unit):
            return ""
        unit = found
        total += grams / float(cast(float, entry["portion_grams"])) * \
            measure_amount(str(entry["portion_description"]))
    if unit is None:
        return ""
    total, said = cooks_units(total, f"{unit} x")
    word = said.split()[0]
    if total > 1 + 1e-9 and word not in ("oz", "tbsp", "tsp"):
        word += "s"
    grams = sum(eaten.values())
    return f"{amount_text(_rounded(total))} {word} ({_grams(grams)})"


def _rounded(value: float) -> float:
    """An amount to the nearest quarter, thirds kept (what the meals' amounts add to)."""
    for step in (1 / 4, 1 / 3):
        if abs(value / step - round(value / step)) < 1e-6:
            return value
    return round(value * 4) / 4


def _with_left_over(line: ShoppingLine, unit: str, unit_grams: float) -> ShoppingLine:
    """The line with what is left of a pack much larger than the week's use."""
    if line.pantry or not math.isfinite(line.bought_grams) or \
            line.bought_grams < LEFT_OVER_FACTOR * line.purchased_grams or \
            line.left_grams < LEFT_OVER_GRAMS:
        return line
    count = _count(line.purchased_grams, unit_grams)
    what = re.sub(r"\s*\(.*\)$", "", unit)
    packs = f"a {_grams(line.bought_grams)} {what}" if count == 1 and unit not in \
        ("each", "dozen", "half-dozen", "lb") else f"the {_grams(line.bought_grams)} bought"
    text = f"uses {_grams(line.purchased_grams)} of {packs}"
    if line.keeping is not None:
        text += f"; {line.keeping.words()}"
    return replace(line, left_over=text)


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
    count = _count(grams, unit_grams)
    if unit == "each":
        return f"{count}", uses
    if unit == "dozen":
        return f"{count} dozen", uses
    if unit == "half-dozen":
        return (f"{amount_text(count / 2)} dozen", uses)
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
