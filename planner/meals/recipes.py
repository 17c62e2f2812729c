"""Recipes: how to cook each dish of ``dishes.csv`` for the foods a meal holds.

Three tables beside this module, all data:

``recipes.csv``  ``dish, servings, active_min, total_min, steps, source``
    One row per dish: how many the amounts serve (1: a plan's meal is one person's), the
    minutes of its own steps (hands-on and from start to plate) and its ``steps``, separated
    by ``|``. A step is a template over the dish's component labels, as the dish's name is:

    ``{label}``        the foods of that component, as a cook names them ("salmon", "kale
                       and carrots"); ``{a+b}`` the foods of two components in one list
    ``{label:how}``    how each of those foods is prepared for this dish (``cooking.csv``)
    ``{label:raw}``    how much of it to buy or weigh out, raw or dry ("190 g (about 6¾ oz)")
    ``{s:a,b}``        the seasonings of groups ``a`` and ``b`` (``seasonings.csv``), in
                       household words ("1 clove garlic (minced) and ½ tsp ground cumin")

    A part in ``[...]`` is left out when something inside it is empty (an optional
    component without a food, a seasoning the person does not eat), and a step left empty
    is no step.

``cooking.csv``  ``foods, dishes, how, active_min, total_min, oven_c, oven_f, safe,
measure, water, source``
    How a food is prepared: the first row whose ``foods`` (selectors, as components take
    them) match the food and whose ``dishes`` (ids separated by spaces, or ``*``) hold the
    dish. ``how`` is a template: ``{food}`` the food's name, ``{raw}`` its raw or dry
    amount (in grams, and in ``measure`` units where given: ``cup=185`` is a cup of dry
    brown rice, USDA 20036), ``{water}`` the water for it (``water`` cups per measure unit,
    as package directions give), ``{oven}`` (``oven_c``/``oven_f``) and ``{safe}`` (the
    temperature of row ``safe`` of ``safe_temperatures.csv``). An empty ``how``: nothing
    to do (milk, nuts, a yogurt).

``safe_temperatures.csv``  ``key, what, f, c, rest_min, words, source``
    The USDA Food Safety and Inspection Service's safe minimum internal temperatures
    (:data:`FSIS_SOURCE`): poultry 165 °F (74 °C), ground meat 160 °F (71 °C), beef, pork
    and lamb steaks, chops and roasts 145 °F (63 °C) with a 3-minute rest, fish 145 °F or
    until the flesh is opaque and flakes with a fork, shrimp, lobster, crab and scallops
    until pearly and opaque, clams and mussels until the shells open, eggs until the yolk
    and white are firm, leftovers and ready-made foods reheated to 165 °F.

A meal's :class:`Method` (:func:`meal_method`) has its steps, its hands-on and total
minutes (the foods cook side by side: the longest food or the dish's own steps, whichever
is longer; hands-on time adds up), the oven temperature if any, the seasonings it is
cooked with and the safe temperatures it relies on. :func:`check_recipes` checks that
every dish has a recipe whose placeholders it can fill and that every food any dish can
hold has a way to be prepared for it.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import pandas as pd

from planner.food.catalogue import amount_text, portion_words
from planner.meals.dishes import Component, Dish, Dishes, Seasoning, counted_names, dish_word
from planner.words import and_list

RECIPES_FILE: Final = "recipes.csv"
COOKING_FILE: Final = "cooking.csv"
SAFE_FILE: Final = "safe_temperatures.csv"
FSIS_SOURCE: Final = ("USDA Food Safety and Inspection Service, Safe Minimum Internal "
                      "Temperature Chart (fsis.usda.gov)")
#: The oven temperatures a recipe may give, °C to °F, as ovens are marked (not the exact
#: conversion: 200 °C is 392 °F, set as 400 °F).
OVEN: Final = {160: 325, 175: 350, 180: 350, 190: 375, 200: 400, 220: 425, 230: 450}
#: Grams in a pound (avoirdupois), for a raw amount of 16 oz or more.
LB: Final = 453.59237
_PLACEHOLDER: Final = re.compile(r"\{([a-z_+]+)(?::([a-z_,]+))?\}")


class RecipeError(ValueError):
    """A malformed recipe, cooking or safe-temperature table (a bug in the bundled data)."""


@dataclass(frozen=True)
class SafeTemperature:
    """A safe minimum internal temperature (``f``/``c`` None: a sign, not a number)."""

    key: str
    what: str
    f: int | None
    c: int | None
    rest_min: int
    words: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {"what": self.what, "f": self.f, "c": self.c, "rest_min": self.rest_min,
                "words": self.words, "source": self.source}


@dataclass(frozen=True)
class Cooking:
    """How the foods of ``selectors`` are prepared in ``dishes`` (None: any dish)."""

    selectors: tuple[str, ...]
    dishes: frozenset[str] | None
    how: str
    active_min: int
    total_min: int
    oven: tuple[int, int] | None = None  # (°C, °F)
    safe: str = ""
    measure: tuple[str, float] | None = None  # ("cup", grams of one, raw or dry)
    water: float | None = None  # cups of water per measure unit

    def matches(self, entries: pd.DataFrame, dish: str) -> np.ndarray:
        """Per row of ``entries``, whether this row says how to prepare it in ``dish``."""
        if self.dishes is not None and dish not in self.dishes:
            return np.zeros(len(entries), dtype=bool)
        return Component("cooking", self.selectors).matches(entries)


@dataclass(frozen=True)
class Recipe:
    """A dish's method as a template (see the module docstring)."""

    dish: str
    servings: int
    active_min: int
    total_min: int
    steps: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True)
class Recipes:
    """The recipe, cooking and safe-temperature tables."""

    recipes: Mapping[str, Recipe]
    cooking: tuple[Cooking, ...]
    safe: Mapping[str, SafeTemperature]

    def cooking_for(self, entries: pd.DataFrame, dish: str) -> list[Cooking | None]:
        """Per row of ``entries``, the first cooking row for it in ``dish`` (None: none)."""
        out: list[Cooking | None] = [None] * len(entries)
        for row in self.cooking:
            for i in np.flatnonzero(row.matches(entries, dish)):
                if out[int(i)] is None:
                    out[int(i)] = row
        return out


@dataclass(frozen=True)
class Method:
    """How to cook one meal: numbered ``steps`` for ``servings`` (the amounts listed),
    minutes hands-on and from start to plate, the oven setting if one is used, what it
    is seasoned with (household words; ``counted``: whether the meal's nutrient totals
    already hold them) and the safe internal temperatures its steps rely on."""

    dish: str
    servings: int
    steps: tuple[str, ...]
    active_min: int
    total_min: int
    oven: str | None = None
    seasonings: tuple[str, ...] = ()
    counted: bool = False
    safe: tuple[SafeTemperature, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {"dish_id": self.dish, "servings": self.servings,
                "active_min": self.active_min, "total_min": self.total_min,
                "oven": self.oven, "steps": list(self.steps),
                "seasonings": list(self.seasonings),
                "seasonings_counted": self.counted,
                "safe_temperatures": [s.as_dict() for s in self.safe]}

    def summary(self) -> str:
        """'45 min, 10 active, oven 200 °C / 400 °F': the head of a printed method ("" for
        a method that takes no time: a handful of nuts)."""
        if self.total_min == 0 and not self.oven:
            return ""
        head = f"{self.total_min} min"
        if self.active_min < self.total_min:
            head += f", {self.active_min} active"
        return head + (f", oven {self.oven}" if self.oven else "")


def oven_words(c: int, f: int) -> str:
    """'200 °C / 400 °F'."""
    return f"{c} °C / {f} °F"


# ------------------------------------------------------------------ reading

def load_recipes(directory: Path | None = None) -> Recipes:
    """Read ``recipes.csv``, ``cooking.csv`` and ``safe_temperatures.csv`` (default: the
    ones in this package). Raises :class:`RecipeError` for a malformed row."""
    here = directory or Path(__file__).resolve().parent
    safe = {}
    for number, row in enumerate(_rows(here / SAFE_FILE), start=2):
        f, c = _int(row["f"]), _int(row["c"])
        if (f is None) != (c is None) or (f is not None and c is not None
                                          and abs((f - 32) * 5 / 9 - c) > 1):
            raise RecipeError(f"{SAFE_FILE}: line {number}: °F and °C do not agree")
        if not row["key"] or not row["words"] or not row["source"]:
            raise RecipeError(f"{SAFE_FILE}: line {number}: a key, words and a source")
        safe[row["key"]] = SafeTemperature(row["key"], row["what"], f, c,
                                           _int(row["rest_min"]) or 0, row["words"],
                                           row["source"])
    cooking = []
    for number, row in enumerate(_rows(here / COOKING_FILE), start=2):
        where = f"{COOKING_FILE}: line {number}"
        selectors = tuple(s.strip() for s in row["foods"].split("|") if s.strip())
        if not selectors:
            raise RecipeError(f"{where}: no foods")
        dishes = None if row["dishes"].strip() == "*" else frozenset(row["dishes"].split())
        oven = None
        if row["oven_c"] or row["oven_f"]:
            c, f = _int(row["oven_c"]), _int(row["oven_f"])
            if c is None or f is None or OVEN.get(c) != f:
                raise RecipeError(f"{where}: oven {row['oven_c']} °C / {row['oven_f']} °F "
                                  f"is not an oven setting ({OVEN})")
            oven = (c, f)
        if row["safe"] and row["safe"] not in safe:
            raise RecipeError(f"{where}: unknown safe temperature {row['safe']!r}")
        measure = None
        if row["measure"]:
            unit, _, grams = row["measure"].partition("=")
            try:
                measure = (unit.strip(), float(grams))
            except ValueError:
                raise RecipeError(f"{where}: measure {row['measure']!r} is not "
                                  "'unit=grams'") from None
        water = float(row["water"]) if row["water"] else None
        if water is not None and measure is None:
            raise RecipeError(f"{where}: water needs a measure")
        active, total = _int(row["active_min"]), _int(row["total_min"])
        if active is None or total is None or not 0 <= active <= total:
            raise RecipeError(f"{where}: minutes: 0 <= active <= total")
        for name in _PLACEHOLDER.findall(row["how"]):
            if name[0] not in ("food", "raw", "water", "oven", "safe") or name[1]:
                raise RecipeError(f"{where}: unknown placeholder {{{name[0]}}}")
        if ("{oven}" in row["how"]) != (oven is not None) or \
                ("{safe}" in row["how"]) != bool(row["safe"]) or \
                ("{water}" in row["how"] and water is None):
            raise RecipeError(f"{where}: the how and its oven, safe or water columns "
                              "do not agree")
        cooking.append(Cooking(selectors, dishes, row["how"].strip(), active, total, oven,
                               row["safe"], measure, water))
    recipes = {}
    for number, row in enumerate(_rows(here / RECIPES_FILE), start=2):
        where = f"{RECIPES_FILE}: line {number}"
        servings, active, total = (_int(row["servings"]), _int(row["active_min"]),
                                   _int(row["total_min"]))
        if servings is None or servings < 1 or active is None or total is None or \
                not 0 <= active <= total:
            raise RecipeError(f"{where}: servings at least 1, 0 <= active <= total minutes")
        steps = tuple(s.strip() for s in row["steps"].split("|") if s.strip())
        if not steps or row["dish"] in recipes:
            raise RecipeError(f"{where}: no steps, or a second recipe for {row['dish']!r}")
        recipes[row["dish"]] = Recipe(row["dish"], servings, active, total, steps,
                                      row.get("source", ""))
    return Recipes(recipes, tuple(cooking), safe)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


# ------------------------------------------------------------------ checking

def check_recipes(recipes: Recipes, dishes: Dishes, entries: pd.DataFrame) -> list[str]:
    """What is wrong with the recipe tables against the dish table and the catalogue
    ``entries``: a dish without a recipe (or a recipe without a dish), a placeholder that
    names no component or seasoning group of its dish, and a food some dish can hold (or
    its variants: :meth:`~planner.meals.dishes.Dish.with_variants`) with no way to prepare
    it there (where the recipe asks how). Empty when they are sound."""
    problems = []
    ids = {d.id for d in dishes.dishes}
    problems += [f"recipe for unknown dish {r!r}" for r in recipes.recipes if r not in ids]
    for dish in dishes.dishes:
        recipe = recipes.recipes.get(dish.id)
        # the foods of its variants too: a household's sharer has them, made apart
        dish = dish.with_variants([c.label for c in dish.components])
        if recipe is None:
            problems.append(f"{dish.id}: no recipe")
            continue
        labels = {c.label: c for c in dish.components}
        groups = {s.group for s in dish.seasonings}
        asked: set[str] = set()
        for step in recipe.steps:
            for name, part in _PLACEHOLDER.findall(step):
                if name == "s":
                    problems += [f"{dish.id}: no seasoning group {g!r}"
                                 for g in part.split(",") if g not in groups]
                elif any(n not in labels for n in name.split("+")):
                    problems.append(f"{dish.id}: no component {name!r}")
                elif "+" in name and part:
                    problems.append(f"{dish.id}: {{{name}:{part}}} names two components")
                elif part in ("how", "raw"):
                    asked.add(name)
                elif part:
                    problems.append(f"{dish.id}: unknown placeholder {{{name}:{part}}}")
            if step.count("[") != step.count("]"):
                problems.append(f"{dish.id}: unbalanced [ ] in {step!r}")
        for label in sorted(asked):
            fits = labels[label].matches(entries)
            rows = entries.iloc[np.flatnonzero(fits)]
            for entry, row in zip(rows["short_name"], recipes.cooking_for(rows, dish.id),
                                  strict=True):
                if row is None:
                    problems.append(f"{dish.id}: no way to prepare {entry} ({label})")
    return problems


# ------------------------------------------------------------------ a meal's method

def meal_method(recipes: Recipes, dish: Dish, foods: pd.DataFrame,
                servings: Sequence[float], seasoned: Sequence[tuple[Seasoning, float]] = (),
                seasonings: pd.DataFrame | None = None, *, counted: bool = False
                ) -> Method | None:
    """The method of one meal of ``dish``: ``foods`` are the catalogue rows of its foods
    (one per item, in order) and ``servings`` their amounts in catalogue portions;
    ``seasoned`` the seasoning rows chosen for it with their servings
    (:func:`planner.meals.dishes.seasoning_rows`), worded from ``seasonings`` (their
    catalogue rows); ``counted`` says whether the meal's items already hold them. None
    when the dish has no recipe."""
    recipe = recipes.recipes.get(dish.id)
    if recipe is None:
        return None
    names = counted_names(foods, servings)  # one prune is "the prune"
    grams = [float(s) * float(g) for s, g in zip(servings, foods["portion_grams"],
                                                  strict=True)]
    raw = [g * float(r) for g, r in zip(grams, foods["raw_per_gram"], strict=True)]
    cooking = recipes.cooking_for(foods, dish.id)
    rows_of = _component_rows(dish, foods)
    seasoning_words = {} if seasonings is None else {
        row.group: portion_words(cast(pd.Series, seasonings.loc[row.food_id]), s)
        for row, s in seasoned}
    prepared: dict[int, str] = {}  # row -> how it is prepared, as the steps say it

    def how(i: int) -> str:
        text = _prepared(recipes, cooking[i], names[i], raw[i])
        if text:
            prepared[i] = text
        return text

    def fill(name: str, part: str) -> str:
        if name == "s":
            return and_list(seasoning_words[g] for g in part.split(",")
                            if g in seasoning_words)
        rows = [i for label in name.split("+") for i in rows_of.get(label, [])]
        if part == "how":
            return "; ".join(h for h in (how(i) for i in rows) if h)
        if part == "raw":
            return and_list(_raw_words(raw[i], _measure(cooking[i])) for i in rows)
        return and_list(names[i] for i in rows)

    steps = tuple(text for text in (_render(t, fill) for t in recipe.steps) if text)
    # what the printed steps hold: a food prepared in a step that was left out is not
    # cooked, so it sets no time, oven or safe temperature
    done = [row for i, row in enumerate(cooking)
            if row is not None and i in prepared and _said(prepared[i], steps)]
    ovens = [row.oven for row in done if row.oven is not None]
    safe = {row.safe: recipes.safe[row.safe] for row in done if row.safe}
    total = max([recipe.total_min, *(row.total_min for row in done)])
    active = recipe.active_min + sum(row.active_min for row in done)
    return Method(dish.id, recipe.servings, steps, min(active, total), total,
                  oven_words(*max(ovens)) if ovens else None,
                  tuple(seasoning_words[row.group] for row, _ in seasoned
                        if row.group in seasoning_words),
                  counted, tuple(safe.values()))


def preparation(recipes: Recipes, dish: Dish, food: pd.DataFrame, servings: float) -> str:
    """How ``servings`` (catalogue portions) of a food are prepared for ``dish``, as the
    dish's steps say it ("simmer 50 g (about ¼ cup) dry lentils in ¾ cup water until
    tender, 20-25 min; drain"); ``food``: its catalogue row (a frame of one row). "" where
    there is nothing to do (milk, cheese) or no way is known."""
    row = food.iloc[0]
    raw = float(servings) * float(row["portion_grams"]) * float(row["raw_per_gram"])
    return _prepared(recipes, recipes.cooking_for(food.iloc[:1], dish.id)[0],
                     dish_word(str(row["short_name"])), raw)


def _prepared(recipes: Recipes, row: Cooking | None, name: str, raw: float) -> str:
    """A cooking row's ``how`` for ``raw`` grams (raw or dry) of the food ``name``."""
    if row is None or not row.how:
        return ""
    values = {"food": name, "raw": _raw_words(raw, row.measure),
              "water": _water_words(raw, row),
              "oven": oven_words(*row.oven) if row.oven else "",
              "safe": recipes.safe[row.safe].words if row.safe else ""}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], row.how)


def _said(text: str, steps: Sequence[str]) -> bool:
    """Whether a preparation's words are in one of the steps (capitalised or not)."""
    folded = text.lower()
    return any(folded in step.lower() for step in steps)


def _measure(row: Cooking | None) -> tuple[str, float] | None:
    return None if row is None else row.measure


def _component_rows(dish: Dish, foods: pd.DataFrame) -> dict[str, list[int]]:
    """Per component label, the rows of ``foods`` that fill it (first come first served,
    as the dish's name is made)."""
    taken: set[int] = set()
    out: dict[str, list[int]] = {}
    for component, fits in zip(dish.components, dish.fits(foods), strict=True):
        rows = [int(i) for i in np.flatnonzero(fits) if int(i) not in taken]
        taken.update(rows)
        if rows:
            out[component.label] = rows
    return out


def _render(template: str, fill: Any) -> str:
    """A step from its template: placeholders filled, ``[...]`` parts with an empty one
    dropped, spaces and punctuation tidied, a capital first and a full stop last."""
    def part(text: str) -> str:
        values = [fill(n, p) for n, p in _PLACEHOLDER.findall(text)]
        if any(not v for v in values):
            return ""
        it = iter(values)
        return _PLACEHOLDER.sub(lambda _: next(it), text)

    text = template
    while "[" in text:  # innermost first: a part may hold parts of its own
        text, count = re.subn(r"\[([^\[\]]*)\]", lambda m: part(m.group(1)), text)
        if not count:
            break
    text = part(text)
    text = re.sub(r"\s+", " ", text).strip(" ;,")
    text = re.sub(r"\s+([,;.])", r"\1", text)
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _nearest(value: float) -> float:
    """``value`` to the nearest quarter or third (what a measuring cup shows)."""
    marks = sorted({q / 4 for q in range(1, 4)} | {1 / 3, 2 / 3})
    whole = math.floor(value)
    frac = value - whole
    best = min([0.0, *marks, 1.0], key=lambda m: abs(frac - m))
    return whole + best


def _raw_words(grams: float, measure: tuple[str, float] | None) -> str:
    """'109 g (about ⅔ cup)', '190 g (about 6¾ oz)', '56 g (about 2 packets)', '463 g
    (about 1 lb)'."""
    text = f"{grams:,.0f} g"
    if measure is None:
        return text
    unit, per = measure
    count = _nearest(grams / per)
    if count <= 0:
        return text
    if unit == "oz" and count >= 16:  # a household's pot: "about 1¼ lb", not "20 oz"
        return f"{text} (about {amount_text(_nearest(grams / LB))} lb)"
    word = unit if count <= 1 or unit in ("oz", "tbsp", "tsp") else \
        {"cup": "cups", "packet": "packets"}.get(unit, unit + "s")
    return f"{text} (about {amount_text(count)} {word})"


def _water_words(grams: float, row: Cooking) -> str:
    """The water for ``grams`` of a dry food: '1¼ cups'."""
    if row.water is None or row.measure is None:
        return ""
    cups = max(0.25, round(grams / row.measure[1] * row.water * 4) / 4)
    return f"{amount_text(cups)} {'cup' if cups <= 1 else 'cups'}"


