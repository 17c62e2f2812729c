"""The recommended-foods catalogue: which foods the planner uses, how they fit in a meal,
what they count for in the Dietary Guidelines food groups, and how they are bought.

``datasets/recommended_foods.csv`` holds one row per food, chosen as a good source of
magnesium, calcium, potassium, vitamin D or vitamin B12 (``datasets/README.md`` documents
every column and its sources):

``food_id``              id in the food table
``short_name``           what a person calls it ("cooked spinach")
``category``             one of :data:`CATEGORIES` (usable as an exclusion)
``role``                 its part in a meal, one of :data:`ROLES` (the meal rules in
                         ``planner/meals/meal_rules.csv`` are written in roles);
                         ``seasoning`` (onion, garlic, spices, soy sauce, broth, salsa,
                         vinegar...) is what a dish is cooked with, in the amounts its
                         recipe says (``planner/meals/seasonings.csv``), never a food a
                         meal is planned from: :func:`select` leaves it out unless asked
``kind``                 what a shopper buys it as ("cow's milk", "eggs", "salmon"); a week
                         uses one variety (``buy``) of each kind
``tags``                 ``fortified`` (nutrients added), ``staple`` (fine every day and at
                         two meals), ``fatty_fish``, ``uv_exposed`` (mushrooms grown under
                         UV light: vitamin D that varies by brand)
``meal_slots``           the meals it suits: breakfast, lunch, dinner, snack
``portion_description``  a household measure from the portions table ("1 cup", "3 oz")
``portion_grams``        its weight in grams (from the same table), or a weight ("3 oz"
                         of tofu: cooks weigh it)
``say_one``/``say_many`` the words after the amount, for one or more: "1 medium banana",
                         "2 medium bananas", "4 oz baked cod"
``max_servings``         the most servings of it in one meal
``child_max_servings``   the most for a child of 9-13 where that is less (a quarter cup of
                         dried apricots, half a cup of sliced avocado or cottage cheese);
                         empty, or a missing column: ``max_servings``
``step``                 the smallest amount, in servings: 1, 1/2, 1/3 (1 oz of a 3 oz
                         measure) or 1/4
``diets``, ``allergens``, ``familiarity`` (1 everyday, 2 common, 3 less common)
``veg_*_cup`` ...        food-group equivalents per serving (DGA 2020-2025 units):
                         :data:`GROUP_COLUMNS`
``added_sugars_g``       added sugars per serving (product labels; SR28 has none)
``buy``, ``buy_unit``, ``buy_unit_grams``, ``raw_per_gram``, ``section``
                         the purchase: what to buy, the unit it is sold in and how many
                         grams of the purchased form one unit holds, grams of the purchased
                         (raw or dry) form per gram eaten, and the store section
``calcium_absorption``   the share of the food's calcium the body absorbs (0-1), where
                         studied; empty when not known (Weaver et al., Am J Clin Nutr
                         1999;70:543S; NIH ODS Calcium fact sheet): milk about 0.32,
                         kale 0.49, spinach 0.05 (oxalate binds it)
``notes``                free text, e.g. which values SR28 does not report
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np
import pandas as pd

from planner.errors import DatasetError, PlanRequestError
from planner.food.data import FoodTable, bundled_dir
from planner.food.diets import DIETS

CATALOGUE_FILE: Final = "recommended_foods.csv"
CATEGORIES: Final[tuple[str, ...]] = (
    "leafy_greens", "vegetables", "fruits", "nuts", "seeds", "grains", "legumes",
    "dairy", "fortified", "fish", "shellfish", "eggs", "meat", "poultry", "oils", "seasonings")
ROLES: Final[tuple[str, ...]] = (
    "main", "grain", "starch", "bread", "vegetable", "leafy_green", "fruit", "juice",
    "milk_drink", "yogurt", "cheese", "cold_cereal", "hot_cereal", "egg_dish", "nuts_seeds",
    "spread", "topping", "snack_grain", "oil", "seasoning")
#: The role of what a dish is cooked with (not planned from; see :func:`select`).
SEASONING: Final = "seasoning"
#: Food-group equivalents per serving, in the units of the Dietary Guidelines for Americans
#: 2020-2025 (cup-eq, oz-eq). Legumes are in ``veg_beans_cup``; they count as protein too
#: (1 cup-eq = 4 oz-eq) where the HEI and the vegetarian pattern say so.
GROUP_COLUMNS: Final[tuple[str, ...]] = (
    "veg_dark_green_cup", "veg_red_orange_cup", "veg_beans_cup", "veg_starchy_cup",
    "veg_other_cup", "fruit_whole_cup", "fruit_juice_cup", "grain_whole_oz", "grain_refined_oz",
    "dairy_cup", "protein_meat_oz", "protein_seafood_oz", "protein_nuts_soy_oz")
SECTIONS: Final[tuple[str, ...]] = ("produce", "bakery", "meat & seafood", "dairy & eggs",
                                    "frozen", "pantry", "cereal")
ALLERGENS: Final[tuple[str, ...]] = (
    "dairy", "egg", "fish", "shellfish", "tree_nuts", "peanuts", "soy", "gluten", "sesame")
SLOTS: Final[tuple[str, ...]] = ("breakfast", "lunch", "dinner", "snack")
TAGS: Final[tuple[str, ...]] = ("fortified", "staple", "fatty_fish", "uv_exposed")
COLUMNS: Final[tuple[str, ...]] = (
    "food_id", "short_name", "category", "role", "kind", "tags", "meal_slots",
    "portion_description", "portion_grams", "say_one", "say_many", "max_servings", "step",
    "diets", "allergens", "familiarity", *GROUP_COLUMNS, "added_sugars_g", "buy", "buy_unit",
    "buy_unit_grams", "raw_per_gram", "section", "calcium_absorption", "notes")
#: A portion outside this range (grams) is almost certainly a data error.
PLAUSIBLE_GRAMS: Final = (2.0, 500.0)
#: ... except a seasoning's: a teaspoon of dried thyme weighs 1 g (USDA).
PLAUSIBLE_SEASONING_GRAMS: Final = (0.5, 500.0)
STEPS: Final = (Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(1))
#: The ages ``child_max_servings`` applies to (the child rows of ``side_portions.csv``).
CHILD_PORTION_AGES: Final = (9, 13)
GENERIC_SKIP_GROUPS: Final = ("Spices and Herbs", "Baby Foods")
GENERIC_SKIP_WORDS: Final = (r"leavening|supplement|powder|dry mix|infant formula|"
                             r"\bsalt,|baking|dehydrated|gelatin|yeast extract")


_Amount = TypeVar("_Amount", float, "pd.Series[float]")
#: Beans, peas and lentils: one cup-eq of vegetables is 4 oz-eq of protein foods (DGA).
OZ_EQ_PER_LEGUME_CUP: Final = 4.0


def group_amounts(equivalents: Mapping[str, _Amount]) -> dict[str, _Amount]:
    """The reported food groups (:data:`GROUPS`-style names) from food-group equivalents
    (:data:`GROUP_COLUMNS`): of one food or a plan's totals (numbers), or of every entry
    (columns). Legumes count as vegetables here; protein foods are meat, poultry, eggs,
    seafood, nuts, seeds and soy (:func:`counted_groups` moves spare legumes there);
    ``legumes`` is beans, peas and lentils, inside ``vegetables``."""
    e = equivalents
    return {
        "vegetables": e["veg_dark_green_cup"] + e["veg_red_orange_cup"] + e["veg_beans_cup"]
        + e["veg_starchy_cup"] + e["veg_other_cup"],
        "veg_dark_green": e["veg_dark_green_cup"],
        "veg_red_orange": e["veg_red_orange_cup"],
        "veg_beans": e["veg_beans_cup"],
        "veg_starchy": e["veg_starchy_cup"],
        "veg_other": e["veg_other_cup"],
        "fruits": e["fruit_whole_cup"] + e["fruit_juice_cup"],
        "grains": e["grain_whole_oz"] + e["grain_refined_oz"],
        "grains_whole": e["grain_whole_oz"],
        "dairy": e["dairy_cup"],
        "protein": e["protein_meat_oz"] + e["protein_seafood_oz"] + e["protein_nuts_soy_oz"],
        "protein_seafood": e["protein_seafood_oz"],
        "legumes": e["veg_beans_cup"],
    }


def counted_groups(groups: Mapping[str, float], vegetables: float | None,
                   protein: float | None) -> dict[str, float]:
    """A day's food groups (:func:`group_amounts`) as a pattern counts them: beans, peas
    and lentils count as vegetables, and what the pattern's ``vegetables`` do not need
    counts as protein foods, up to the pattern's ``protein`` (DGA 2020-2025: legumes are
    either; 1 cup-eq = 4 oz-eq). Neither group falls below its pattern by the move."""
    counted = dict(groups)
    if vegetables is None or protein is None:
        return counted
    spare = min(groups.get("legumes", 0.0), max(0.0, groups["vegetables"] - vegetables),
                max(0.0, protein - groups["protein"]) / OZ_EQ_PER_LEGUME_CUP)
    counted["vegetables"] -= spare
    counted["protein"] += spare * OZ_EQ_PER_LEGUME_CUP
    return counted


@dataclass(frozen=True)
class Catalogue:
    """Catalogue rows indexed by ``food_id``; list-valued columns are tuples of words.

    ``missing`` lists catalogue ids that the food table in use does not have (dropped).
    """

    entries: pd.DataFrame
    origin: str = ""
    missing: tuple[str, ...] = ()
    generic: bool = False  # built from a whole food table with generic portions

    def __len__(self) -> int:
        return len(self.entries)


def load_catalogue(table: FoodTable, path: str | Path | None = None) -> Catalogue:
    """Read and validate the catalogue against ``table``.

    ``path`` defaults to ``recommended_foods.csv`` in the table's directory if it has one,
    else the bundled catalogue. Foods the table lacks are dropped and listed in
    ``missing`` (a refreshed data directory may not hold every SR28 food); every other fault
    is a :class:`DatasetError` naming the file, column and food.
    """
    if path is None:
        own = Path(table.origin) / CATALOGUE_FILE if table.origin else None
        path = own if own is not None and own.is_file() else bundled_dir() / CATALOGUE_FILE
    file = Path(path)
    try:
        raw = pd.read_csv(file, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise DatasetError(f"{file}: catalogue not found") from None
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{file}: unreadable catalogue ({exc})") from exc
    entries = validate_catalogue(raw, str(file))
    present = entries.index.isin(table.foods.index)
    missing = tuple(entries.index[~present])
    if not present.any():
        raise DatasetError(f"{file}: none of its foods are in {table.origin or 'the table'}")
    kept = entries[present]
    _check_portions_against_table(kept, table, str(file))
    return Catalogue(kept, str(file), missing)


def validate_catalogue(raw: pd.DataFrame, where: str) -> pd.DataFrame:
    """Validate raw catalogue text columns; return typed entries indexed by food_id."""
    absent = [c for c in COLUMNS if c not in raw.columns]
    if absent:
        raise DatasetError(f"{where}: missing column {absent[0]}")
    frame = raw.copy()
    if (frame["food_id"] == "").any():
        raise DatasetError(f"{where}: column food_id: empty id")
    dup = frame["food_id"].duplicated()
    if dup.any():
        first = frame["food_id"][dup].iloc[0]
        raise DatasetError(f"{where}: column food_id: duplicate id {first!r}")
    frame = frame.set_index("food_id")
    if "child_max_servings" not in frame.columns:
        frame["child_max_servings"] = ""
    steps = frame["step"].map(_fraction)
    _check(where, frame, "step", steps.isin(STEPS), "must be 1, 1/2, 1/3 or 1/4")
    frame["step"] = steps.map(float)
    for column in ("portion_grams", "max_servings", "familiarity", *GROUP_COLUMNS,
                   "added_sugars_g", "raw_per_gram"):
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.isna().any():
            fid = values.index[values.isna()][0]
            raise DatasetError(f"{where}: column {column}: non-numeric value "
                               f"{frame.loc[fid, column]!r} for food {fid!r}")
        frame[column] = values.astype(float)
    absorption = pd.to_numeric(frame["calcium_absorption"].replace("", "nan"),
                               errors="coerce")
    _check(where, frame, "calcium_absorption",
           absorption.between(0, 1) | (frame["calcium_absorption"] == ""),
           "must be a share from 0 to 1, or empty")
    frame["calcium_absorption"] = absorption.astype(float)
    unit_grams = pd.to_numeric(frame["buy_unit_grams"].replace("", "nan"), errors="coerce")
    _check(where, frame, "buy_unit_grams", unit_grams.notna() | (frame["buy_unit"] == ""),
           "needed with a buy_unit")
    frame["buy_unit_grams"] = unit_grams.astype(float)
    seasoning = frame["role"] == SEASONING
    _check(where, frame, "portion_grams",
           frame["portion_grams"].between(*PLAUSIBLE_GRAMS)
           | (seasoning & frame["portion_grams"].between(*PLAUSIBLE_SEASONING_GRAMS)),
           f"grams outside {PLAUSIBLE_GRAMS[0]:g}-{PLAUSIBLE_GRAMS[1]:g} "
           f"({PLAUSIBLE_SEASONING_GRAMS[0]:g} for a seasoning)")
    _check(where, frame, "max_servings", (frame["max_servings"] >= frame["step"] - 1e-9)
           & (frame["max_servings"] <= 6), "must be at least one step and at most 6")
    child = pd.to_numeric(frame["child_max_servings"].replace("", "nan"), errors="coerce")
    _check(where, frame, "child_max_servings",
           (frame["child_max_servings"] == "")
           | ((child >= frame["step"] - 1e-9) & (child <= frame["max_servings"] + 1e-9)),
           "must be empty, or at least one step and at most max_servings")
    frame["child_max_servings"] = child.fillna(frame["max_servings"]).astype(float)
    _check(where, frame, "familiarity", frame["familiarity"].isin([1, 2, 3]), "must be 1, 2 or 3")
    _check(where, frame, "category", frame["category"].isin(CATEGORIES),
           "unknown category")
    _check(where, frame, "role", frame["role"].isin(ROLES),
           f"unknown role (known: {', '.join(ROLES)})")
    _check(where, frame, "section", frame["section"].isin(SECTIONS),
           f"unknown section (known: {', '.join(SECTIONS)})")
    for column in ("kind", "buy", "say_one", "say_many"):
        _check(where, frame, column, frame[column].str.strip() != "", "empty")
    for column in (*GROUP_COLUMNS, "added_sugars_g"):
        _check(where, frame, column, frame[column].between(0, 20), "must be 0-20 per serving")
    _check(where, frame, "raw_per_gram", frame["raw_per_gram"].between(0.05, 10),
           "must be 0.05-10")
    _check(where, frame, "buy_unit_grams", frame["buy_unit_grams"].isna()
           | (frame["buy_unit_grams"] > 0), "must be positive")
    for column, vocabulary in (("tags", TAGS), ("meal_slots", SLOTS), ("diets", DIETS),
                               ("allergens", ALLERGENS)):
        words = frame[column].str.split()
        bad = words.map(lambda ws, v=vocabulary: any(w not in v for w in ws))
        _check(where, frame, column, ~bad, f"unknown word (known: {', '.join(vocabulary)})")
        frame[column] = words.map(tuple)
    _check(where, frame, "meal_slots", frame["meal_slots"].map(len) > 0, "no meal slot")
    _check(where, frame, "diets", frame["diets"].map(len) > 0, "no diet")
    return frame


def most_servings(entries: pd.DataFrame, age: int) -> pd.Series:
    """Per entry: the most servings at one meal for a person of ``age`` (a child of
    :data:`CHILD_PORTION_AGES` eats ``child_max_servings``), before any scaling for a large
    energy need."""
    low, high = CHILD_PORTION_AGES
    column = "child_max_servings" if low <= age <= high else "max_servings"
    return entries[column].astype(float)


def _fraction(text: object) -> Fraction | None:
    """'1/3' -> Fraction(1, 3); '0.5' -> Fraction(1, 2); anything else -> None."""
    try:
        return Fraction(str(text).strip()).limit_denominator(12)
    except (ValueError, ZeroDivisionError):
        return None


def measure_amount(portion: str) -> float:
    """The leading number of a household measure ("0.5 cup" -> 0.5; "1 large" -> 1)."""
    match = re.match(r"^\s*(\d+(?:\.\d+)?)\s", portion)
    return float(match.group(1)) if match else 1.0


def _check(where: str, frame: pd.DataFrame, column: str, ok: pd.Series, what: str) -> None:
    if not ok.all():
        fid = ok.index[~ok.to_numpy()][0]
        raise DatasetError(f"{where}: column {column}: {what}: {frame.loc[fid, column]!r} "
                           f"for food {fid!r}")


def _check_portions_against_table(entries: pd.DataFrame, table: FoodTable, where: str) -> None:
    energy = table.foods.loc[entries.index, "energy_kcal"]
    if energy.isna().any():
        fid = energy.index[energy.isna()][0]
        raise DatasetError(f"{where}: food {fid!r} has no energy value in "
                           f"{table.origin or 'the table'}; the planner cannot use it")


def generic_catalogue(table: FoodTable, slots: Sequence[str] = SLOTS) -> Catalogue:
    """Build a catalogue from every food in ``table`` with generic portions.

    Portion: the food's first household measure (lowest seq) if it weighs 10-400 g, else
    100 g. Every food suits every slot, up to 2 servings in steps of 0.5, familiarity 2;
    diets and allergens are unknown, so only omnivore plans without exclusions by allergen
    can use it. Roles, food-group equivalents and purchase forms are unknown too, so the meal
    structure and food-group rules cannot apply (the plan says so). Foods without an energy
    value, and things not eaten by the portion (spices,
    leavening agents such as cream of tartar, supplements, powders, baby foods), are left
    out.
    """
    eaten = ~(table.foods["food_group"].isin(GENERIC_SKIP_GROUPS)
              | table.foods["description"].str.contains(GENERIC_SKIP_WORDS, case=False,
                                                         regex=True))
    foods = table.foods[table.foods["energy_kcal"].notna() & eaten]
    first = (table.portions.sort_values(["food_id", "seq"])
             .drop_duplicates("food_id").set_index("food_id"))
    first = first[first["grams"].between(10, 400)].reindex(foods.index)
    has = first["grams"].notna()
    desc = np.where(has, first["amount"].map(lambda a: f"{a:g}") + " " + first["description"],
                    "100 g")
    names = foods["description"]  # whole: a name cut at 60 characters lost "salt"
    say = pd.Series(desc, index=foods.index, dtype=str).str.replace(r"^\s*\d+(?:\.\d+)?\s*", "",
                                                         regex=True) + " " + names
    entries = pd.DataFrame({
        "short_name": names,
        "category": "",
        "role": "",
        "kind": names,
        "tags": [()] * len(foods),
        "meal_slots": [tuple(slots)] * len(foods),
        "portion_description": desc,
        "portion_grams": np.where(has, first["grams"], 100.0),
        "say_one": say,
        "say_many": say,
        "max_servings": 2.0,
        "child_max_servings": 2.0,
        "step": 0.5,
        "diets": [("omnivore",)] * len(foods),
        "allergens": [()] * len(foods),
        "familiarity": 2.0,
        **dict.fromkeys((*GROUP_COLUMNS, "added_sugars_g"), 0.0),
        "buy": names,
        "buy_unit": "",
        "buy_unit_grams": np.nan,
        "raw_per_gram": 1.0,
        "section": "pantry",
        "calcium_absorption": np.nan,
        "notes": "generic portion",
    }, index=foods.index)
    return Catalogue(entries, table.origin, (), generic=True)


# ------------------------------------------------------------------ wording

def amount_text(value: float) -> str:
    """1 -> '1', 0.5 -> '½', 1.25 -> '1¼', 2.75 -> '2¾'; thirds as ⅓ and ⅔; else '%g'."""
    whole = int(value + 1e-9)
    frac = value - whole
    marks = ((0.0, ""), (0.25, "¼"), (1 / 3, "⅓"), (0.5, "½"), (2 / 3, "⅔"), (0.75, "¾"))
    for amount, mark in marks:
        if abs(frac - amount) < 0.01:
            return (str(whole) if whole else "") + mark or "0"
    if abs(frac - 1) < 0.01:
        return str(whole + 1)
    return f"{value:.2g}"


def portion_words(entry: pd.Series | Mapping[str, Any], servings: float) -> str:
    """Household wording for an amount of a catalogue food: "1 medium banana", "½ cup
    cooked spinach", "4 oz baked cod", "2 chicken thighs, skin removed", in the unit a
    cook measures with: "1 tbsp olive oil", not "3 tsp" (:func:`cooks_units`)."""
    amount = servings * measure_amount(str(entry["portion_description"]))
    words = str(entry["say_one"] if amount <= 1 + 1e-9 else entry["say_many"])
    amount, words = cooks_units(amount, words)
    return f"{amount_text(amount)} {words}"


#: Spoons in the next larger measure: (unit, per larger unit, larger unit's words for one
#: and for more, the step the larger unit is counted in, the least of it worth saying).
_LARGER: Final = (("tsp", 3.0, "tbsp", "tbsp", 0.5, 1.0),
                  ("tbsp", 16.0, "cup", "cups", 0.25, 0.25))


def cooks_units(amount: float, words: str) -> tuple[float, str]:
    """An amount in the larger spoon or cup where it comes out even: 3 tsp -> 1 tbsp,
    4½ tsp -> 1½ tbsp, 4 tbsp -> ¼ cup, 8 tbsp -> ½ cup ("4 tsp" stays: 1⅓ tbsp is
    nobody's measure, and "1½ tsp" is not "½ tbsp"). ``words`` start with the unit ("tsp
    olive oil")."""
    for unit, per, one, many, step, least in _LARGER:
        if not words.startswith(unit + " "):
            continue
        larger = amount / per
        if larger >= least - 1e-9 and abs(larger / step - round(larger / step)) < 1e-6:
            amount = larger
            words = (one if amount <= 1 + 1e-9 else many) + words[len(unit):]
    return amount, words


# ------------------------------------------------------------------ selection

def select(catalogue: Catalogue, diet: str = "omnivore", exclude: Iterable[str] = (), *,
           seasonings: bool = False) -> pd.DataFrame:
    """Return the entries a person may eat: fits ``diet`` and matches no exclusion.

    An exclusion is an allergen, a category, a tag (``fortified`` removes every fortified
    product, whatever its category), a food id or a short name. An unknown name raises
    :class:`PlanRequestError` rather than being ignored. Seasonings (role
    :data:`SEASONING`) come with their dishes, not as foods to plan or rank: they are left
    out unless ``seasonings`` (then only they are returned, for
    :func:`planner.meals.dishes.seasoning_items`).
    """
    if diet not in DIETS:
        raise PlanRequestError(f"diet: {diet!r} is not one of {', '.join(DIETS)}")
    entries = catalogue.entries
    keep = entries["diets"].map(lambda ds: diet in ds)
    if catalogue.generic and diet != "omnivore":
        raise PlanRequestError("diet: the whole food table has no diet labels; use the "
                               "catalogue for a vegan, vegetarian or pescatarian plan")
    for name in exclude:
        keep &= ~exclusion_mask(catalogue, name)
    keep &= (entries["role"] == SEASONING) == seasonings
    return entries[keep]


#: A food name that matches more catalogue foods than this is too vague to exclude by
#: ("cooked" would take 60 foods): name a category or allergen instead.
MAX_NAME_MATCHES: Final = 12


def exclusion_mask(catalogue: Catalogue, name: str, what: str = "exclude") -> pd.Series:
    """Rows an exclusion name removes (or a like or dislike names: ``what``); raise
    PlanRequestError for an unknown, empty or vague name. Names match whole words ("egg"
    never matches "vegetable")."""
    entries = catalogue.entries
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if not key.strip("_"):
        raise PlanRequestError(f"{what}: empty name; give an allergen, a category, a food id "
                               "or a food name")
    if key in ALLERGENS:
        if catalogue.generic:
            raise PlanRequestError(f"{what}: {name!r}: the whole food table has no allergen "
                                   "labels; use the catalogue to exclude allergens")
        return entries["allergens"].map(lambda a: key in a)
    if key in CATEGORIES or key in TAGS:
        return (entries["category"] == key) | entries["tags"].map(lambda t: key in t)
    matches = find_food(catalogue, name, required=False)  # a food id or name
    if len(matches) > MAX_NAME_MATCHES:
        shown = ", ".join(entries.loc[matches[:5], "short_name"])
        raise PlanRequestError(
            f"{what}: {name!r} matches {len(matches)} foods ({shown}, ...); name a food, or "
            f"use a category ({', '.join(CATEGORIES[:4])}...) or an allergen")
    if matches:
        return pd.Series(entries.index.isin(matches), index=entries.index)
    raise PlanRequestError(
        f"{what}: {name!r} is not an allergen ({', '.join(ALLERGENS)}), a category "
        f"({', '.join(CATEGORIES)}), a food id or a food name in the catalogue")


def matching_foods(catalogue: Catalogue, name: str, what: str = "like") -> list[str]:
    """Catalogue ids a preference names (an allergen, category, tag, id or food name, as
    for ``--exclude``)."""
    mask = exclusion_mask(catalogue, name, what)
    return list(catalogue.entries.index[mask.to_numpy()])


def excluded_by(catalogue: Catalogue, exclude: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """What each exclusion removes: exclusion name -> short names of the foods, for the
    plan to report (so an exclusion that matched more than meant is visible)."""
    entries = catalogue.entries
    return {name: tuple(entries.loc[exclusion_mask(catalogue, name).to_numpy(), "short_name"])
            for name in exclude}


@functools.lru_cache(maxsize=1 << 15)  # a table's names, matched again for each name asked
def name_words(text: str) -> tuple[str, ...]:
    """The lower-case words of a food name, for whole-word matching."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower())
                     if not unicodedata.combining(c))  # "purée" is "puree", one word
    return tuple(re.findall(r"[a-z0-9%]+", folded))


def _word_in(word: str, words: Sequence[str]) -> bool:
    """A query word matches a name word exactly, or as its plural or singular."""
    return word in words or f"{word}s" in words or f"{word}es" in words or (
        len(word) > 3 and word.endswith("s") and word[:-1] in words)


def match_names(names: pd.Series, name: str) -> list[str]:
    """Ids (``names``' index) that ``name`` names: an id, an exact name (any case), or
    every word of ``name`` as a whole word of the name, plural or singular ("salmon"
    matches "coho salmon, cooked", "egg" does not match "vegetable")."""
    if name in names.index:
        return [name]
    text = name.strip().lower()
    lower = names.str.lower()
    exact = [str(i) for i in lower.index[lower == text]]
    if exact:
        return exact
    words = name_words(text)
    if not words:
        return []
    return [str(i) for i in lower.index[lower.map(
        lambda n: all(_word_in(w, name_words(n)) for w in words))]]


def find_food(catalogue: Catalogue, name: str, *, required: bool = True) -> list[str]:
    """Return catalogue ids whose short name ``name`` names (:func:`match_names`). With
    ``required``, exactly one food must match."""
    entries = catalogue.entries
    partial = match_names(entries["short_name"], name)
    if not partial and not name_words(name) and required:
        raise PlanRequestError(f"food {name!r}: give a food name or id")
    if len(partial) == 1 or (partial and not required):
        return partial
    if required and partial:
        options = ", ".join(entries.loc[partial[:6], "short_name"])
        raise PlanRequestError(f"food {name!r} is ambiguous: {options}")
    if required:
        raise PlanRequestError(f"food {name!r} is not in the catalogue (planner's foods: "
                               "'planner foods --rich-in magnesium --top 200')")
    return []
