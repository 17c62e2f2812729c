"""Meal structure and food-group rules, as data the planner reads.

Four small tables live beside this module; a new rule is a new row, not new code:

``meal_rules.csv``  ``slot, roles, min, max, needs, why``
    What a meal is made of, in catalogue roles. ``slot`` is breakfast, lunch, dinner, snack
    or ``*`` (every meal); ``roles`` is a space-separated list or ``*`` (any food). A row with
    ``min``/``max`` bounds how many different foods of those roles the meal holds; a row with
    ``needs`` says that each food of ``roles`` needs a food of one of the ``needs`` roles in
    the same meal (cold cereal needs milk, a plant milk or yogurt).
``day_rules.csv``  ``measure, basis, min, max, scale, applies, enforce, why``
    Food-group amounts over a day or a week (:data:`MEASURES`). ``scale`` says what
    ``min``/``max`` multiply: ``pattern`` (the person's DGA pattern amount for the measure),
    ``pattern_within`` (the pattern amount, a minimum met within a quarter cup-eq),
    ``pattern_less_beans`` (the vegetable amount less the daily share of the beans subgroup),
    ``grains`` (the day's grains: whole grains at least half), ``count`` (a plain number) or
    ``pct_energy`` (percent of the day's energy). ``applies`` names a condition on the foods
    allowed (:data:`CONDITIONS`); empty is always. ``enforce`` is ``hard`` (a plan that cannot
    keep it fails, with the reason) or ``aimed`` (kept where possible; a miss is reported).
``portions.csv``  ``role, age_min, age_max, kcal_min, kcal_max, min_oz_eq, max_oz_eq, why``
    Portion ranges by age and energy requirement, in protein oz-eq, for main dishes.
``side_portions.csv``  ``roles, slots, age_min, age_max, kcal_min, kcal_max, measure, max, why``
    The most of one food of ``roles`` at one meal of ``slots`` (``*``: every meal), in a
    day-rule measure (grains oz-eq, vegetables or fruit cup-eq, cups of milk, dairy
    cup-eq), by age and energy requirement: a child eats child-size portions of everything.
``meal_portions.csv``  the columns of ``side_portions.csv``
    The most that all the foods of ``roles`` together bring to one meal, in a day-rule
    measure: a child's breakfast holds at most 1 cup-eq of fruit, whether one fruit or
    two.
``food_patterns.csv``  ``pattern, kcal, group, amount, per, unit, source``
    The USDA Healthy U.S.-Style (``us``) and Healthy Vegetarian (``vegetarian``) Dietary
    Patterns of the Dietary Guidelines for Americans 2020-2025 (Appendix 3, Tables A3-1 and
    A3-3), at each calorie level.
``fish.csv``  ``food_id, short_name, fda_name, choice, note``
    The mercury category of every catalogue fish and shellfish in the FDA/EPA "Advice about
    Eating Fish" (:data:`FISH_SOURCE`): ``best`` (Best Choices), ``good`` (Good Choices),
    ``avoid`` (Choices to Avoid: king mackerel, marlin, orange roughy, shark, swordfish,
    tilefish from the Gulf of Mexico, bigeye tuna; none is in the catalogue) or
    ``not_listed`` (not on the chart). ``fda_name`` is the chart's name for it.

The advice is for those who might become or are pregnant or breastfeeding and for children
1-11 (:func:`fish_group`). For them, the rows of ``day_rules.csv`` that apply to
``fish_advice_pregnancy`` and ``fish_advice_child`` replace the DGA seafood amount
(``fish_dga``): 2-3 servings (8-12 oz) a week for pregnancy and breastfeeding, about 2
servings of the age's serving size (:data:`FISH_SERVINGS`) for a child, at most one
good-choice serving a week (scale ``fish_serving``: ``min``/``max`` multiply the person's
serving in oz), and no fish that is not a best or good choice. Ounces are cooked oz-eq, as
the DGA counts seafood.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from planner.food.catalogue import GROUP_COLUMNS, OZ_EQ_PER_LEGUME_CUP, ROLES, SLOTS, group_amounts

MEAL_RULES_FILE: Final = "meal_rules.csv"
DAY_RULES_FILE: Final = "day_rules.csv"
PORTIONS_FILE: Final = "portions.csv"
SIDE_PORTIONS_FILE: Final = "side_portions.csv"
MEAL_PORTIONS_FILE: Final = "meal_portions.csv"
PATTERNS_FILE: Final = "food_patterns.csv"
FISH_FILE: Final = "fish.csv"

#: Day-rule measures: what each adds up per serving (see :func:`food_measures`).
MEASURES: Final[tuple[str, ...]] = (
    "vegetables", "vegetables_not_beans", "fruits", "grains", "grains_whole", "dairy",
    "protein", "veg_dark_green", "veg_red_orange", "veg_beans", "veg_starchy", "veg_other",
    "protein_seafood", "leafy_green_days", "seafood_mains",
    "milk_drink_cups", "saturated_fat", "added_sugars", "legumes", "seafood_good",
    "plant_dairy", "yogurts", "dried_fruits", "filling")
#: Measures that count foods (1 per food that counts), not amounts.
COUNT_MEASURES: Final[tuple[str, ...]] = ("leafy_green_days", "seafood_mains", "yogurts",
                                          "dried_fruits")
#: Catalogue kinds of dried fruit (one at a meal: meal_portions.csv).
DRIED_FRUIT_KINDS: Final[tuple[str, ...]] = ("raisins", "prunes", "dates", "dried apricots",
                                             "dried figs")
#: Catalogue kinds of plant milk and yogurt (dairy-pattern cap: day_rules.csv).
PLANT_DAIRY_KINDS: Final[tuple[str, ...]] = ("plant milk", "soy yogurt")
#: From this age the DGA seafood amount is also the most a week holds, give or take
#: (``fish_dga_older``; younger adults: up to double, ``fish_dga``).
OLDER_ADULT_AGE: Final = 65
#: kcal per gram, for ``pct_energy`` rules (Atwater factors).
KCAL_PER_GRAM: Final[Mapping[str, float]] = {"saturated_fat": 9.0, "added_sugars": 4.0}
#: A vegetable subgroup's weekly minimum is met within this many cup-eq.
SUBGROUP_TOLERANCE: Final = 0.25
SCALES: Final[tuple[str, ...]] = ("pattern", "pattern_within", "pattern_less_beans", "grains",
                                  "count", "portions", "pct_energy", "fish_serving",
                                  "pattern_dairy")
CONDITIONS: Final[tuple[str, ...]] = ("dairy_available", "leafy_greens_available",
                                      "eats_fish", "fish_dga", "fish_dga_older",
                                      "fish_advice_pregnancy", "fish_advice_child")
FISH_SOURCE: Final = ("FDA/EPA Advice about Eating Fish, 2021: for those who might become or "
                      "are pregnant or breastfeeding and children ages 1-11")
FISH_CHOICES: Final[tuple[str, ...]] = ("best", "good", "avoid", "not_listed")
#: The advice's serving of fish by age: (first year, last year, oz). Adults: 4 oz.
FISH_SERVINGS: Final[tuple[tuple[int, int, float], ...]] = (
    (1, 3, 1.0), (4, 7, 2.0), (8, 10, 3.0), (11, 200, 4.0))
#: The advice covers children up to this age; older children follow the DGA amounts.
FISH_CHILD_MAX_AGE: Final = 11
#: Grams of milk in one cup (USDA: 1 cup fluid milk weighs 244 g).
CUP_OF_MILK_G: Final = 244.0
VEGETARIAN_DIETS: Final = ("vegetarian", "vegan")


class RulesError(ValueError):
    """A rules table is malformed (a packaging bug, not user input)."""


#: Above this energy requirement, portions that stand for "a normal serving" (a side at a
#: meal, a main's largest portion, the catalogue's largest serving, beans and lentils in a
#: day) grow in proportion to the need, up to LARGE_PORTIONS_MAX times: a very active adult
#: eats larger servings rather than more different foods. 2,600 kcal is where the DGA
#: patterns' largest everyday portions (portions.csv, side_portions.csv) end.
LARGE_PORTIONS_FROM_KCAL: Final = 2600.0
LARGE_PORTIONS_MAX: Final = 1.5


def grown_servings(servings: float, step: float, energy_kcal: float) -> float:
    """The most servings of a side (a catalogue food's largest portion, ``servings``)
    for this energy need: grown by :func:`large_portions` and rounded to the food's
    serving ``step`` (3 tsp of oil at 3,300 kcal: 3.8 -> 4 tsp), never below
    ``servings``."""
    scale = large_portions(energy_kcal)
    if scale <= 1.0:
        return servings
    return max(servings, round(servings * scale / step) * step)


def large_portions(energy_kcal: float) -> float:
    """How much larger than its everyday size a portion may be for this energy need (1 up
    to :data:`LARGE_PORTIONS_FROM_KCAL`, then in proportion, at most
    :data:`LARGE_PORTIONS_MAX`)."""
    return min(LARGE_PORTIONS_MAX, max(1.0, energy_kcal / LARGE_PORTIONS_FROM_KCAL))


@dataclass(frozen=True)
class MealRule:
    """A bound on the foods of some roles in a meal, or a need for a companion food."""

    slot: str  # a slot name or "*"
    roles: frozenset[str] | None  # None: any food
    min: int | None
    max: int | None
    needs: frozenset[str]
    why: str

    def applies_to(self, slot: str) -> bool:
        return self.slot in ("*", slot)

    def matches(self, role: str) -> bool:
        return self.roles is None or role in self.roles


@dataclass(frozen=True)
class DayRule:
    measure: str
    basis: str  # day or week
    min: float | None
    max: float | None
    scale: str
    applies: str
    hard: bool
    why: str


@dataclass(frozen=True)
class PortionRule:
    role: str
    age_min: int
    age_max: int
    kcal_min: float
    kcal_max: float
    min_oz_eq: float
    max_oz_eq: float
    why: str


@dataclass(frozen=True)
class SidePortion:
    """The most of one food of ``roles`` at one meal of ``slots``, in ``measure``."""

    roles: frozenset[str]
    slots: frozenset[str]
    age_min: int
    age_max: int
    kcal_min: float
    kcal_max: float
    measure: str
    max: float
    why: str

    def applies(self, role: str, slot: str, age: int, energy_kcal: float) -> bool:
        return (role in self.roles and slot in self.slots
                and self.age_min <= age <= self.age_max
                and self.kcal_min <= energy_kcal <= self.kcal_max)


@dataclass(frozen=True)
class Pattern:
    """One DGA pattern at one calorie level: group -> (amount, per, unit)."""

    name: str  # us or vegetarian
    kcal: int
    amounts: Mapping[str, tuple[float, str, str]]
    source: str

    def daily(self, group: str) -> float | None:
        """The group's amount per day (a weekly amount divided by 7); None if not in it."""
        entry = self.amounts.get(group)
        if entry is None:
            return None
        amount, per, _ = entry
        return amount / 7 if per == "week" else amount

    def weekly(self, group: str) -> float | None:
        entry = self.amounts.get(group)
        if entry is None:
            return None
        amount, per, _ = entry
        return amount * 7 if per == "day" else amount

    @property
    def title(self) -> str:
        label = "Healthy U.S.-Style" if self.name == "us" else "Healthy Vegetarian"
        return f"USDA {label} Dietary Pattern, {self.kcal:,} kcal level"


@dataclass(frozen=True)
class Rules:
    meals: tuple[MealRule, ...]
    days: tuple[DayRule, ...]
    portions: tuple[PortionRule, ...]
    patterns: tuple[Pattern, ...]
    #: catalogue food id -> FDA/EPA mercury category (:data:`FISH_CHOICES`)
    fish: Mapping[str, str] = field(default_factory=dict)
    sides: tuple[SidePortion, ...] = ()
    #: the most all foods of a role bring to one meal together (meal_portions.csv)
    meal_totals: tuple[SidePortion, ...] = ()

    def meal_total_caps(self, slot: str, age: int, energy_kcal: float
                  ) -> list[SidePortion]:
        """The rows of :data:`MEAL_PORTIONS_FILE` that hold at ``slot`` for this person
        (each caps what all foods of its roles bring to the meal together)."""
        return [rule for rule in self.meal_totals if slot in rule.slots
                and rule.age_min <= age <= rule.age_max
                and rule.kcal_min <= energy_kcal <= rule.kcal_max]

    def side_cap(self, role: str, slot: str, age: int, energy_kcal: float,
                 per_serving: Mapping[str, float]) -> float | None:
        """The most servings of one food (``per_serving``: its measures per serving) at
        one meal, by :data:`SIDE_PORTIONS_FILE`, grown by :func:`large_portions` for a
        large energy need; None when no rule sizes it."""
        caps = [rule.max / per_serving[rule.measure] for rule in self.sides
                if rule.applies(role, slot, age, energy_kcal)
                and per_serving.get(rule.measure, 0.0) > 0]
        return min(caps) * large_portions(energy_kcal) if caps else None

    def pattern_for(self, energy_kcal: float, diet: str) -> Pattern:
        """The DGA pattern at the calorie level nearest ``energy_kcal`` (the vegetarian
        pattern for vegetarian and vegan diets). Levels below 1,600 kcal are for children
        under 9 and are not used; above 3,200 the top level applies."""
        name = "vegetarian" if diet in VEGETARIAN_DIETS else "us"
        levels = [p for p in self.patterns if p.name == name and p.kcal >= 1600]
        return min(levels, key=lambda p: (abs(p.kcal - energy_kcal), -p.kcal))

    def portion_range(self, role: str, age: int, energy_kcal: float
                      ) -> tuple[float, float] | None:
        """(min, max) protein oz-eq of one serving of a food in ``role`` for a person of
        this age and energy requirement; None when no rule sizes the role."""
        for rule in self.portions:
            if rule.role == role and rule.age_min <= age <= rule.age_max and \
                    rule.kcal_min <= energy_kcal <= rule.kcal_max:
                return rule.min_oz_eq, rule.max_oz_eq * large_portions(energy_kcal)
        return None


# ------------------------------------------------------------------ reading

def load_rules(directory: Path | None = None) -> Rules:
    """Read the rule tables (default: the ones in this package)."""
    here = directory or Path(__file__).resolve().parent
    sides, fish = here / SIDE_PORTIONS_FILE, here / FISH_FILE
    totals = here / MEAL_PORTIONS_FILE
    return Rules(_meal_rules(here / MEAL_RULES_FILE), _day_rules(here / DAY_RULES_FILE),
                 _portion_rules(here / PORTIONS_FILE), _patterns(here / PATTERNS_FILE),
                 _fish(fish) if fish.exists() else {},
                 _side_portions(sides) if sides.is_file() else (),
                 _side_portions(totals) if totals.is_file() else ())


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _int(text: str) -> int | None:
    return int(text) if text else None


def _float(text: str) -> float | None:
    return float(text) if text else None


def _meal_rules(path: Path) -> tuple[MealRule, ...]:
    out = []
    for number, row in enumerate(_rows(path), 2):
        roles = None if row["roles"] == "*" else frozenset(row["roles"].split())
        needs = frozenset(row["needs"].split())
        unknown = ((roles or frozenset()) | needs) - set(ROLES)
        if row["slot"] not in ("*", *SLOTS) or unknown:
            raise RulesError(f"{path.name}: line {number}: unknown slot or role "
                             f"{sorted(unknown) or row['slot']}")
        rule = MealRule(row["slot"], roles, _int(row["min"]), _int(row["max"]), needs,
                        row["why"])
        if not needs and rule.min is None and rule.max is None:
            raise RulesError(f"{path.name}: line {number}: neither min/max nor needs")
        out.append(rule)
    return tuple(out)


def _day_rules(path: Path) -> tuple[DayRule, ...]:
    out = []
    for number, row in enumerate(_rows(path), 2):
        rule = DayRule(row["measure"], row["basis"], _float(row["min"]), _float(row["max"]),
                       row["scale"], row["applies"], row["enforce"] == "hard", row["why"])
        if rule.measure not in MEASURES or rule.basis not in ("day", "week") or \
                rule.scale not in SCALES or rule.applies not in ("", *CONDITIONS) or \
                row["enforce"] not in ("hard", "aimed") or \
                (rule.scale == "pct_energy" and rule.measure not in KCAL_PER_GRAM):
            raise RulesError(f"{path.name}: line {number}: unknown measure, basis, scale or "
                             "condition")
        out.append(rule)
    return tuple(out)


def _portion_rules(path: Path) -> tuple[PortionRule, ...]:
    return tuple(PortionRule(r["role"], int(r["age_min"]), int(r["age_max"]),
                             float(r["kcal_min"]), float(r["kcal_max"]),
                             float(r["min_oz_eq"]), float(r["max_oz_eq"]), r["why"])
                 for r in _rows(path))


def _side_portions(path: Path) -> tuple[SidePortion, ...]:
    out = []
    for r in _rows(path):
        slots = frozenset(SLOTS) if r["slots"] == "*" else frozenset(r["slots"].split())
        roles = frozenset(r["roles"].split())
        if not slots <= set(SLOTS) or not roles <= set(ROLES) or r["measure"] not in MEASURES:
            raise RulesError(f"{path.name}: bad row {r}")
        out.append(SidePortion(roles, slots, int(r["age_min"]), int(r["age_max"]),
                               float(r["kcal_min"]), float(r["kcal_max"]), r["measure"],
                               float(r["max"]), r["why"]))
    return tuple(out)


def _fish(path: Path) -> dict[str, str]:
    out = {}
    for number, row in enumerate(_rows(path), 2):
        if row["choice"] not in FISH_CHOICES or not row["food_id"]:
            raise RulesError(f"{path.name}: line {number}: choice {row['choice']!r} is not one "
                             f"of {', '.join(FISH_CHOICES)}")
        out[row["food_id"]] = row["choice"]
    return out


def _patterns(path: Path) -> tuple[Pattern, ...]:
    grouped: dict[tuple[str, int], dict[str, tuple[float, str, str]]] = {}
    sources: dict[tuple[str, int], str] = {}
    for row in _rows(path):
        key = (row["pattern"], int(row["kcal"]))
        grouped.setdefault(key, {})[row["group"]] = (float(row["amount"]), row["per"],
                                                     row["unit"])
        sources[key] = row["source"]
    return tuple(Pattern(name, kcal, amounts, sources[(name, kcal)])
                 for (name, kcal), amounts in grouped.items())


# ------------------------------------------------------------------ measures

def food_measures(entries: pd.DataFrame, saturated_fat_g: pd.Series,
                  fish: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per serving of each catalogue entry, the amount it adds to every :data:`MEASURES`
    (columns), from the catalogue's food-group equivalents and roles and the food table's
    saturated fat per serving (unknown counts as 0). Count measures are 1 for a food that
    counts (a leafy green, a seafood main) and 0 otherwise. ``seafood_good`` is the seafood
    oz-eq of foods whose ``fish`` category (:attr:`Rules.fish`) is a good choice."""
    e = entries
    good = np.array([(fish or {}).get(str(i)) == "good" for i in e.index], dtype=bool)
    groups = group_amounts({c: e[c] for c in GROUP_COLUMNS})
    return pd.DataFrame({
        **groups,
        "vegetables_not_beans": (e["veg_dark_green_cup"] + e["veg_red_orange_cup"]
                                 + e["veg_starchy_cup"] + e["veg_other_cup"]),
        "seafood_mains": ((e["role"] == "main")
                          & e["category"].isin(["fish", "shellfish"])).astype(float),
        "leafy_green_days": (e["role"] == "leafy_green").astype(float),
        "milk_drink_cups": np.where(e["role"] == "milk_drink",
                                    e["portion_grams"] / CUP_OF_MILK_G, 0.0),
        "saturated_fat": saturated_fat_g.reindex(e.index).fillna(0.0),
        "added_sugars": e["added_sugars_g"],
        "seafood_good": np.where(good, e["protein_seafood_oz"].to_numpy(dtype=float), 0.0),
        "plant_dairy": np.where(e["kind"].isin(PLANT_DAIRY_KINDS),
                                e["dairy_cup"].to_numpy(dtype=float), 0.0),
        "yogurts": (e["role"] == "yogurt").astype(float),
        # what a taco or a sandwich holds: protein oz-eq, beans as the DGA counts them
        # for protein (1/4 cup = 1 oz-eq)
        "filling": groups["protein"] + OZ_EQ_PER_LEGUME_CUP * e["veg_beans_cup"],
        "dried_fruits": ((e["role"] == "fruit")
                         & e["kind"].isin(DRIED_FRUIT_KINDS)).astype(float),
    }, index=e.index)


def fish_group(age: int, life_stage: str) -> str:
    """Whom the FDA/EPA fish advice is for: ``pregnancy`` (pregnant or breastfeeding),
    ``child`` (ages 1-11) or ``""`` (everyone else: the DGA seafood amount)."""
    if life_stage in ("pregnancy", "lactation"):
        return "pregnancy"
    return "child" if age <= FISH_CHILD_MAX_AGE else ""


def fish_serving_oz(age: int) -> float:
    """The advice's serving of fish at this age, in oz (4 oz from age 11)."""
    for low, high, oz in FISH_SERVINGS:
        if low <= age <= high:
            return oz
    raise RulesError(f"no fish serving for age {age}")


def condition_holds(condition: str, entries: pd.DataFrame, group: str = "",
                    age: int | None = None) -> bool:
    """Whether a day rule's ``applies`` condition holds for the allowed foods, the
    person's fish-advice ``group`` (:func:`fish_group`) and ``age`` (``fish_dga_older``:
    :data:`OLDER_ADULT_AGE` and over; unknown: younger)."""
    if condition == "":
        return True
    if condition.startswith("fish_"):
        wanted = {"fish_dga": "", "fish_dga_older": "", "fish_advice_pregnancy": "pregnancy",
                  "fish_advice_child": "child"}.get(condition)
        if wanted is None:
            raise RulesError(f"unknown condition {condition!r}")
        if condition.startswith("fish_dga") and \
                (condition == "fish_dga_older") != ((age or 0) >= OLDER_ADULT_AGE):
            return False
        return group == wanted and condition_holds("eats_fish", entries)
    if condition == "dairy_available":
        return bool((entries["dairy_cup"] > 0).any())
    if condition == "leafy_greens_available":
        return bool((entries["role"] == "leafy_green").any())
    if condition == "eats_fish":
        return bool(((entries["role"] == "main")
                     & entries["category"].isin(["fish", "shellfish"])).any())
    raise RulesError(f"unknown condition {condition!r}")


def rule_bounds(rule: DayRule, pattern: Pattern, fish_serving: float | None = None
                ) -> tuple[float | None, float | None] | None:
    """The rule's (min, max) in its measure's unit, per day for a day rule and per 7 days for
    a week rule; None when the pattern has no amount for the measure. ``grains`` rules
    return the share of the day's grains; ``fish_serving`` rules multiply the person's fish
    serving in oz (:func:`fish_serving_oz`; None: the rule does not apply)."""
    if rule.scale in ("count", "grains", "pct_energy"):
        return rule.min, rule.max
    if rule.scale == "pattern_dairy":  # plant milk and yogurt: a share of the dairy amount
        dairy = pattern.daily("dairy")
        if dairy is None:
            return None
        return (None if rule.min is None else rule.min * dairy,
                None if rule.max is None else rule.max * dairy)
    if rule.scale == "portions":  # everyday portions, grown for a large energy need
        grow = large_portions(pattern.kcal)
        return (None if rule.min is None else rule.min * grow,
                None if rule.max is None else rule.max * grow)
    if rule.scale == "fish_serving":
        if fish_serving is None:
            return None
        return (None if rule.min is None else rule.min * fish_serving,
                None if rule.max is None else rule.max * fish_serving)
    group = "vegetables" if rule.scale == "pattern_less_beans" else rule.measure
    amount = pattern.daily(group) if rule.basis == "day" else pattern.weekly(group)
    if amount is None:
        return None
    if rule.scale == "pattern_less_beans":
        beans = pattern.daily("veg_beans") or 0.0
        amount -= beans if rule.basis == "day" else beans * 7
    if rule.scale == "pattern_within":  # the minimum is met within a quarter cup-eq
        return (None if rule.min is None else max(0.0, rule.min * amount - SUBGROUP_TOLERANCE),
                None if rule.max is None else rule.max * amount)
    return (None if rule.min is None else rule.min * amount,
            None if rule.max is None else rule.max * amount)


def allowed_levels(step: float, max_servings: float, oz_per_serving: float,
                   portion: tuple[float, float] | None) -> list[int]:
    """The numbers of steps (units) a food may be served in: 1 .. max_servings / step, and
    for a main dish only those whose protein oz-eq lie in the person's portion range (half
    an ounce of slack, so a 4.1 oz chicken thigh fits a 2-4 oz child's range)."""
    top = max(1, math.floor(max_servings / step + 1e-9))
    levels = list(range(1, top + 1))
    if portion is None or oz_per_serving <= 0:
        return levels
    low, high = portion
    fitting = [k for k in levels if low - 0.5 <= k * step * oz_per_serving <= high + 0.5]
    if fitting:
        return fitting
    # nothing fits (a portion much bigger than the range): the smallest amount
    return [min(levels, key=lambda k: abs(k * step * oz_per_serving - low))]


def protein_oz_per_serving(entries: pd.DataFrame) -> pd.Series:
    """Protein oz-eq per serving for portion sizing: meat, seafood, nuts and soy, and
    legumes at 4 oz-eq per cup-eq (DGA)."""
    return (entries["protein_meat_oz"] + entries["protein_seafood_oz"]
            + entries["protein_nuts_soy_oz"]
            + OZ_EQ_PER_LEGUME_CUP * entries["veg_beans_cup"])


def meal_caps(rules: Sequence[MealRule], slot: str, entries: pd.DataFrame
              ) -> dict[int, int]:
    """For each meal rule with a minimum (by position in ``rules``), how many of
    ``entries`` (the foods a person may eat) it could use in ``slot``. A minimum is capped
    at this, so a gluten-free, egg-free breakfast is not held to "a cereal, toast or an egg
    dish" when none is allowed."""
    if entries.empty:
        return {i: 0 for i, rule in enumerate(rules) if rule.min and rule.applies_to(slot)}
    in_slot = entries["meal_slots"].map(lambda slots: slot in slots).to_numpy(dtype=bool)
    roles = entries["role"].to_numpy(dtype=str)
    return {i: int(np.sum(in_slot if rule.roles is None else
                          in_slot & np.isin(roles, sorted(rule.roles))))
            for i, rule in enumerate(rules) if rule.min and rule.applies_to(slot)}


def meal_problems(slot: str, roles: Sequence[str], rules: Sequence[MealRule],
                  caps: Mapping[int, int] | None = None) -> list[str]:
    """Which meal rules a meal of foods with these roles (one entry per food) breaks; used to
    verify plans independently of the solver. ``caps`` (from :func:`meal_caps`) lowers a
    minimum to what the foods the person may eat can supply."""
    out = []
    for number, rule in enumerate(rules):
        if not rule.applies_to(slot):
            continue
        count = sum(1 for r in roles if rule.matches(r))
        if rule.min is not None and caps is not None and number in caps:
            rule = replace(rule, min=min(rule.min, caps[number]))
        if rule.needs:
            if count and not any(r in rule.needs for r in roles):
                out.append(f"{slot}: {rule.why}")
            continue
        if (rule.min is not None and count < rule.min) or \
                (rule.max is not None and count > rule.max):
            out.append(f"{slot}: {rule.why} ({count} found)")
    return out


# ------------------------------------------------------------------ fish advice

FISH_MEASURES: Final[tuple[str, ...]] = ("protein_seafood", "seafood_good")


def unsuitable_fish(entries: pd.DataFrame, fish: Mapping[str, str]) -> list[str]:
    """Ids of the seafood among ``entries`` that is not a best or good choice (to avoid, or
    not on the chart): the advice groups never eat it."""
    seafood = entries.index[entries["protein_seafood_oz"].to_numpy(dtype=float) > 0]
    return [str(i) for i in seafood if fish.get(str(i)) not in ("best", "good")]


def fish_rules(rules: Rules, allowed: pd.DataFrame, group: str, age: int | None = None
               ) -> list[DayRule]:
    """The hard seafood rules that apply to this fish-advice group, age and these foods."""
    return [r for r in rules.days if r.measure in FISH_MEASURES and r.hard
            and condition_holds(r.applies, allowed, group, age)]


def fish_problems(days: Sequence[Mapping[str, float]], rules: Rules, allowed: pd.DataFrame,
                  group: str, serving: float, pattern: Pattern, *, window: int,
                  min_block: int, waived: Collection[tuple[str, str]] = (),
                  age: int | None = None) -> list[str]:
    """What breaks the seafood rules in a plan, checked from the plan alone. ``days`` holds,
    per day, catalogue food id -> seafood oz-eq eaten; ``allowed`` are the foods the person
    may eat. A week rule's maximum holds in every block of ``window`` days; its minimum, in
    proportion, in a block of at least ``min_block`` days (as the planner keeps them), but
    for the (measure, side) pairs ``waived``: misses the nearest plan says."""
    problems = []
    if group:
        for number, day in enumerate(days, 1):
            for food_id, oz in day.items():
                if oz > 0 and rules.fish.get(food_id) not in ("best", "good"):
                    problems.append(f"day {number}: {food_id} is not a best or good choice "
                                    "of the FDA/EPA fish advice")
    def amount(day: Mapping[str, float], measure: str) -> float:
        return sum(oz for f, oz in day.items()
                   if measure == "protein_seafood" or rules.fish.get(f) == "good")

    for rule in fish_rules(rules, allowed, group, age):
        bounds = rule_bounds(rule, pattern, serving)
        if bounds is None:
            continue
        lo, hi = bounds
        if rule.basis == "day":
            spans = [(d, d + 1) for d in range(len(days))]
        else:
            spans = [(s, min(s + window, len(days))) for s in range(0, len(days), window)]
        for start, end in spans:
            total = sum(amount(days[d], rule.measure) for d in range(start, end))
            where = f"day {start + 1}" if end - start == 1 else f"days {start + 1}-{end}"
            if hi is not None and total > hi + 1e-6 * max(1.0, hi):
                problems.append(f"{where}: {rule.measure} {total:.3g} oz > {hi:g} ({rule.why})")
            if lo is not None and rule.basis == "week" and end - start >= min_block and \
                    (rule.measure, "min") not in waived:  # a miss the plan says
                need = lo * (end - start) / window
                if total < need - 1e-6 * max(1.0, need):
                    problems.append(f"{where}: {rule.measure} {total:.3g} oz < {need:.3g} "
                                    f"({rule.why})")
    return problems


def fish_note(rules: Rules, allowed: pd.DataFrame, group: str, serving: float,
              pattern: Pattern, total_oz: float, days: int, age: int | None = None) -> str:
    """One line: why the plan's fish amount (``total_oz`` over ``days``) is what it is, and
    its source ("" when the person eats no fish)."""
    chosen = fish_rules(rules, allowed, group, age)
    week = next((r for r in chosen if r.measure == "protein_seafood" and r.basis == "week"),
                None)
    if week is None:
        return ""
    lo, hi = rule_bounds(week, pattern, serving) or (None, None)
    span = f"{lo or 0:.3g}-{hi:.3g} oz" if hi is not None else f"at least {lo or 0:.3g} oz"
    if days % 7:
        now = f"this plan has {total_oz:.3g} oz in {days} day{'s' if days > 1 else ''}"
    else:
        now = f"this plan has {total_oz * 7 / days:.3g} oz a week" + \
            (" on average" if days > 7 else "")
    if not group:
        most = "double that" if week.max is None or week.max >= 2 else \
            f"{week.max:g} times that at {OLDER_ADULT_AGE} and over"
        return (f"Seafood: {span} a week: at least the {pattern.kcal:,} kcal pattern's "
                f"{lo or 0:.3g} oz ({pattern.source}), and no more than {most}, "
                f"planner's own limit; {now}.")
    good = next((r for r in chosen if r.measure == "seafood_good"), None)
    good_text = "" if good is None or good.max is None else \
        f", at most {good.max:g} good-choice serving ({good.max * serving:g} oz)"
    who = ("pregnancy and breastfeeding" if group == "pregnancy" else
           "children up to 11, at the serving for this age")
    if group == "child":  # the advice says "about 2"; the plan keeps a band around it
        servings = (f"about 2 servings of {serving:g} oz a week (this plan keeps "
                    f"{week.min or 0:g}-{week.max:g}, {span})")
    else:
        servings = f"{week.min or 0:g}-{week.max:g} servings of {serving:g} oz ({span}) a week"
    return (f"Fish: {servings} for {who}, from the best and good choices{good_text}, none "
            f"to avoid ({FISH_SOURCE}); {now}.")
