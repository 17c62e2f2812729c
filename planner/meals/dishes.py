"""Dishes: what a meal *is*, as a table of the dishes people cook (``dishes.csv``).

Each row of ``dishes.csv`` is one dish for one or more meals (``slots``), with a name the
output prints and its components. A component is ``label:selectors[:min-max]``:

``selectors``  alternatives separated by ``|``; each is a catalogue role (``fruit``),
               optionally narrowed by a kind, category or tag after a dot
               (``main.fish``, ``grain.brown rice``, ``cheese.cottage cheese``) or by a
               food id after ``#`` (``leafy_green#11457``, raw spinach)
``min-max``    how many foods of the component the dish holds (default ``1-1``;
               ``0-1`` is optional)
``measure=lo-hi``  optional: how much of a food-group measure (``grains`` in oz-eq,
               ``vegetables`` in cup-eq; :data:`planner.meals.rules.MEASURES`) each food
               of the component brings in this dish, either end open: a sandwich has two
               slices of bread (``grains=2-2``) and at most 1/2 cup-eq of each vegetable
               (``vegetables=-0.5``: a cup of lettuce, half a cup of tomato)

``family`` (optional) names dishes that count as one for variety (fish tacos and tacos).

``variants`` (optional) are the dish's named variants for a household's shared meal:
``label=selectors`` (several separated by ``;``) says what a member who cannot eat the
food the house serves for that component has in its place, in the same dish: tacos'
``filling=main.beans`` are beans for the chicken, a meat plate's ``main=main.tofu|...``
tofu for the pork. The rest of the dish is the same food for everyone; only a diet
(vegetarian, vegan, pescatarian) takes a variant: an allergen or exclusion of any member
stays out of the shared dish altogether (:mod:`planner.planning.household`).

A meal is exactly one dish: every food in it fits one of the dish's components, every
required component has a food, and no component has more than its maximum. The name is
a template: ``{label}`` is replaced by the foods that fill that component, and a part
in ``[...]`` is left out when a component inside it is empty.

The name reads as what is served when the amounts are known (:meth:`Dish.title` with
``servings``): "Medjool date" for one date, "with 1½ cups of 1% milk" where "a glass"
would not be a cup.

``seasonings.csv`` says what each dish is cooked with, per serving: ``dish, group, when,
food_id, amount, why``. ``amount`` is a household measure of the seasoning ("2 tsp", "1
clove", "1/4 lemon", "1/4 cup"), in the unit of its catalogue portion (teaspoons,
tablespoons and cups convert); ``when`` (optional) names selectors, as components do, of
which the meal must hold a food ("main.beans": salsa on a potato with beans); rows of one
``group`` are alternatives, the first whose ``when`` holds and whose food the person eats
taken (reduced-sodium soy sauce, else wheat-free tamari, else lime). They are foods of
the catalogue's role ``seasoning``: :func:`seasoning_items` gives a meal's, and
:func:`check_seasonings` checks the table against the catalogue and the food table.

``food_choices.csv`` says which foods are for whom: a meat substitute or a plant milk
belongs to vegetarian, vegan or dairy-free dishes, whole milk and chocolate milk only to
people who ask for them (DGA 2020-2025: fat-free or low-fat dairy without added sugars
from age 2), refined grains and plant milks to people whose kidney or potassium limits
call for them (``low_phosphorus``, ``low_potassium``, from the health rules). Each row:
``match`` is ``kind:`` or ``id:`` and one or more values separated by ``|``
(``kind:raisins|dates``); ``allowed_for`` the tags it is for (a diet, ``no_dairy``,
``no_gluten`` or a health rule's tag; empty: only when asked for), and ``!tag`` the tags
it is *not* for: a row of ``!`` tags alone is for everyone else (``!low_potassium``: the
high-potassium foods a renal dietitian swaps first, National Kidney Foundation); ``why``
says so, with its source. A food the person likes or includes is always theirs (a limit
a clinician set still holds).
"""

from __future__ import annotations

import csv
import re
import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Final, cast

import numpy as np
import pandas as pd

from planner.food.catalogue import SEASONING, SLOTS, amount_text, measure_amount
from planner.meals.rules import MEASURES
from planner.words import and_list

DISHES_FILE: Final = "dishes.csv"
CHOICES_FILE: Final = "food_choices.csv"
SEASONINGS_FILE: Final = "seasonings.csv"
#: Teaspoons in one of each spoon or cup measure (a seasoning's amount and its catalogue
#: portion may be in different ones: "1/4 cup" of an onion measured by the tablespoon).
SPOONS: Final = {"tsp": 1.0, "tbsp": 3.0, "cup": 48.0}
_AMOUNT = re.compile(r"^\s*(\d+(?:/\d+)?|\d*\.\d+)\s+([a-z]+)\s*$")
_COMPONENT = re.compile(r"^\s*([a-z_]+)\s*:\s*([^:]+?)\s*(?::\s*(\d+)\s*-\s*(\d+))?"
                        r"\s*(?::\s*([a-z_]+)\s*=\s*([\d.]*)\s*-\s*([\d.]*))?\s*$")


class DishError(ValueError):
    """A malformed dish or food-choice table (a bug in the bundled data)."""


@dataclass(frozen=True)
class Portion:
    """How much of ``measure`` (per :func:`planner.meals.rules.food_measures`) each food
    of a component brings in its dish: at least ``lo``, at most ``hi`` (None: open)."""

    measure: str
    lo: float | None = None
    hi: float | None = None

    def holds(self, amount: float) -> bool:
        return (self.lo is None or amount >= self.lo - 1e-9) and \
            (self.hi is None or amount <= self.hi + 1e-9)

    def __str__(self) -> str:
        """'2 grains', 'at most 0.5 vegetables', 'at least 1 dairy', '1-2 grains'."""
        if self.lo is not None and self.hi is not None:
            span = f"{self.lo:g}" if self.lo == self.hi else f"{self.lo:g}-{self.hi:g}"
        elif self.hi is not None:
            span = f"at most {self.hi:g}"
        else:
            span = f"at least {self.lo or 0:g}"
        return f"{span} {self.measure}"


@dataclass(frozen=True)
class Component:
    """One part of a dish: the foods that may fill it, how many of them it holds and,
    if it says, how much of each (``portion``)."""

    label: str
    selectors: tuple[str, ...]
    min: int = 1
    max: int = 1
    portion: Portion | None = None

    def matches(self, entries: pd.DataFrame) -> np.ndarray:
        """Per row of ``entries`` (catalogue rows), whether the food fits this component."""
        columns = _columns(entries)
        out = np.zeros(len(entries), dtype=bool)
        for selector in self.selectors:
            out |= columns.selector(selector)
        return out


@dataclass(frozen=True)
class Seasoning:
    """One row of ``seasonings.csv``: ``amount`` of ``unit`` ("2", "tsp") of the
    seasoning ``food_id`` per serving of a dish, in alternative ``group``, when the meal
    holds a food of one of the ``when`` selectors (empty: always)."""

    group: str
    food_id: str
    amount: float
    unit: str
    when: tuple[str, ...]
    why: str

    def text(self) -> str:
        """'2 tsp', '1/4 lemon': the amount as the table says it."""
        return f"{Fraction(self.amount).limit_denominator(8)} {self.unit}"

    def holds(self, meal_foods: pd.DataFrame) -> bool:
        """Whether the meal's foods (catalogue rows) call for this row."""
        if not self.when:
            return True
        columns = _columns(meal_foods)
        return any(bool(columns.selector(s).any()) for s in self.when)


@dataclass(frozen=True)
class Dish:
    """A dish people cook: its id, the meals it is for, its name template and parts.
    Dishes of one ``family`` (fish tacos and bean or meat tacos: "tacos") count as one
    dish for the variety rules (default: the dish's own id). ``seasonings`` are the rows
    of ``seasonings.csv`` for it (:func:`seasoning_items`); ``variants`` (component
    label, selectors) what a member of a household who cannot eat the house's food for
    that component has in its place (see the module docstring)."""

    id: str
    slots: frozenset[str]
    name: str
    components: tuple[Component, ...]
    why: str
    family: str = ""
    seasonings: tuple[Seasoning, ...] = ()
    variants: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        if not self.family:
            object.__setattr__(self, "family", self.id)

    def fits(self, entries: pd.DataFrame) -> list[np.ndarray]:
        """Per component, which rows of ``entries`` fit it."""
        return [c.matches(entries) for c in self.components]

    def variant(self, label: str) -> tuple[str, ...]:
        """The selectors of the component ``label``'s variant (empty: it has none)."""
        return next((v for lab, v in self.variants if lab == label), ())

    def with_variants(self, labels: Collection[str]) -> Dish:
        """The dish as a member who may take the variants of the components ``labels``
        eats it: each of those components takes its own foods or its variant's."""
        wanted = {lab for lab in labels if self.variant(lab)}
        if not wanted:
            return self
        return replace(self, components=tuple(
            replace(c, selectors=tuple(dict.fromkeys((*c.selectors,
                                                       *self.variant(c.label)))))
            if c.label in wanted else c for c in self.components))

    def available(self, entries: pd.DataFrame, slot: str) -> bool:
        """Whether the foods in ``entries`` that suit ``slot`` can make this dish."""
        if slot not in self.slots:
            return False
        in_slot = _columns(entries).in_slot(slot)
        return all(c.min == 0 or int(np.sum(m & in_slot)) >= c.min
                   for c, m in zip(self.components, self.fits(entries), strict=True))

    def problems(self, entries: pd.DataFrame, amounts: pd.DataFrame | None = None
                 ) -> list[str]:
        """What keeps the foods ``entries`` (one row per food of a meal) from being this
        dish: a food that fits no component, a required component left empty, one with
        too many foods. With ``amounts`` (per row, the measures as served), also a food
        outside its component's portion. Empty when the meal is the dish."""
        fits = self.fits(entries)
        out = []
        anywhere = np.any(fits, axis=0) if fits else np.zeros(len(entries), dtype=bool)
        # what the dish is cooked with comes with it (seasonings.csv)
        anywhere |= entries["role"].to_numpy(dtype=str) == SEASONING
        for name in entries.loc[~anywhere, "short_name"]:
            out.append(f"{name} is not part of {self.id}")
        for c, m in zip(self.components, fits, strict=True):
            n = int(np.sum(m))
            if n < c.min:
                out.append(f"{self.id} lacks its {c.label}")
            if n > c.max:
                out.append(f"{self.id} has {n} foods for its {c.label} (at most {c.max})")
            if c.portion is not None and amounts is not None:
                for r in np.flatnonzero(m):
                    amount = float(amounts[c.portion.measure].iloc[r])
                    if not c.portion.holds(amount):
                        out.append(f"{self.id} has {amount:g} {c.portion.measure} of "
                                   f"{entries['short_name'].iloc[r]} for its {c.label} "
                                   f"({c.portion})")
        return out

    def title(self, entries: pd.DataFrame, servings: Sequence[float] | None = None) -> str:
        """The dish's name for the foods ``entries`` (one row per food of the meal): each
        component named by the foods that fill it, first come first served. With
        ``servings`` (per row, in catalogue portions) the name agrees with the amounts: a
        food counted one by one is named in the singular for one ("Medjool date"), and
        "a glass of" a drink that is not one cup says how much ("1½ cups of 1% milk")."""
        fits = self.fits(entries)
        names = counted_names(entries, servings)
        amounts = _amounts(entries, servings)
        taken: set[int] = set()
        filled: dict[str, list[str]] = {}
        rows_of: dict[str, list[int]] = {}
        for c, m in zip(self.components, fits, strict=True):
            rows = [int(i) for i in np.flatnonzero(m) if int(i) not in taken]
            taken.update(rows)
            if rows:
                filled[c.label] = [names[i] for i in rows]
                rows_of[c.label] = rows

        def glass(mm: re.Match[str]) -> str:
            rows = rows_of.get(mm.group(1), [])
            cups = None if amounts is None or len(rows) != 1 else \
                _cups(amounts[rows[0]], entries.iloc[rows[0]])
            if cups is None or abs(cups - 1) < 0.01:
                return mm.group(0)
            return f"{amount_text(cups)} {'cup' if cups <= 1 else 'cups'} of {{{mm.group(1)}}}"

        template = re.sub(r"a glass of \{(\w+)\}", glass, self.name)

        def part(text: str) -> str:
            labels = re.findall(r"\{(\w+)\}", text)
            if any(label not in filled for label in labels):
                return ""
            return re.sub(r"\{(\w+)\}", lambda mm: f"\x01{mm.group(1)}\x02", text)

        text = re.sub(r"\[([^\]]*)\]", lambda mm: part(mm.group(1)), template)
        text = part(text) or re.sub(r"\{\w+\}", "", text)

        def series(mm: re.Match[str]) -> str:
            # components side by side ("{veg}[ and {cheese}]") read as one list (one
            # "on the side" stands apart), and a component before the dish's noun as its
            # modifier ("pinto bean tacos")
            words = [w for label in re.findall(r"\x01(\w+)\x02", mm.group(0))
                     for w in filled[label]]
            if mm.group(1):
                words = [_singular(w) for w in words]
            return and_list(words) + (mm.group(1) or "")

        marks = r"\x01\w+\x02(?:(?:, | and )\x01\w+\x02(?! on the side))*"
        text = re.sub(marks + rf"( (?:{'|'.join(DISH_NOUNS)})\b)?", series, text)
        text = re.sub(r"\s+", " ", text).strip(" ,")
        return text[:1].upper() + text[1:]


#: The nouns a dish's name ends its first part with, after a component that says what is
#: in it ("{filling} tacos"): the component reads in the singular ("black bean tacos").
DISH_NOUNS: Final = ("tacos", "soup", "curry", "sandwich", "stir-fry", "salad", "bowl")


def counted_names(entries: pd.DataFrame, servings: Sequence[float] | None) -> list[str]:
    """Per row, the food's name as a dish and its method say it (:func:`dish_word`), in
    the number its amount says where ``servings`` (catalogue portions) are known: one
    prune is "the prune", two dates "the dates"."""
    names = [dish_word(str(n)) for n in entries["short_name"]]
    amounts = _amounts(entries, servings)
    if amounts is None:
        return names
    return [_counted(n, amounts[i], entries.iloc[i]) for i, n in enumerate(names)]


def _amounts(entries: pd.DataFrame, servings: Sequence[float] | None) -> list[float] | None:
    """Per row, the amount in the words of its portion ("2" dates, "1.5" cups), or None
    when the servings or the wording are not known."""
    if servings is None or not {"portion_description", "say_one", "say_many"} <= \
            set(entries.columns) or len(servings) != len(entries):
        return None
    return [float(s) * measure_amount(str(p))
            for s, p in zip(servings, entries["portion_description"], strict=True)]


def _counted(name: str, amount: float, entry: pd.Series) -> str:
    """A food's name in the number its amount says: "Medjool dates" -> "Medjool date"
    for one date, "guava" -> "guavas" for two; a food measured otherwise than by counting
    it ("cup dried apricot halves", "cup mango pieces") keeps its name."""
    one, many = str(entry["say_one"]).lower(), str(entry["say_many"]).lower()
    if one == many:
        return name
    def says(words: str, text: str) -> bool:  # the wording ends with the noun: counted
        text = re.sub(r"\s*\([^)]*\)", "", text).strip()
        return re.search(rf"(^|\s){re.escape(words.lower())}$", text) is not None

    if amount <= 1 + 1e-9:
        single = _singular(name)
        return single if single != name and says(single, one) else name
    if says(name, one) and says(f"{name}s", many):
        return f"{name}s"
    return name


def _cups(amount: float, entry: pd.Series) -> float | None:
    """A drink's amount in cups, from its wording in cups or fluid ounces (8 to a cup)."""
    words = str(entry["say_one"])
    if words.startswith("cup "):
        return amount
    if words.startswith("fl oz "):
        return amount / 8
    return None


def _singular(word: str) -> str:
    """A food's name as a modifier: its last word in the singular ("pinto beans" ->
    "pinto bean", "split peas" -> "split pea"); names that are not plurals are kept
    ("romaine lettuce", "hummus", "Swiss chard", "greens" kept as "greens")."""
    head, _, last = word.rpartition(" ")
    if last in ("greens", "oats", "grits"):
        return word
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith(("oes", "shes", "ches")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")):
        last = last[:-1]
    return f"{head} {last}".strip()


def _ids(entries: pd.DataFrame) -> np.ndarray:
    """The food id of each row: its index, or its ``food_id`` column where it has one (a
    kept or eaten item stands in the planner's table as a row of its own)."""
    index = np.asarray(entries.index, dtype=object)
    if "food_id" not in entries.columns:
        return index
    column = entries["food_id"].to_numpy(dtype=object)
    return np.where(pd.isna(column), index, column)


class _Columns:
    """The columns of one catalogue frame that dishes read, as arrays, with each selector's
    and slot's rows worked out once: a week asks the same frame the same question for
    every dish and day (measured: 0.37 s of a 5 s week went to pandas lookups here)."""

    def __init__(self, entries: pd.DataFrame) -> None:
        self.role = entries["role"].to_numpy(dtype=str)
        self.kind = entries["kind"].to_numpy(dtype=str)
        self.category = entries["category"].to_numpy(dtype=str)
        self.tags = [_words(t) for t in entries["tags"]]
        self.slots = [_words(s) for s in entries["meal_slots"]] \
            if "meal_slots" in entries.columns else None
        self.ids = _ids(entries)
        self.hits: dict[str, np.ndarray] = {}

    def selector(self, selector: str) -> np.ndarray:
        """Which rows one selector (``role``, ``role.qualifier``, ``role#id``) takes."""
        def rows() -> np.ndarray:
            base, _, food_id = selector.partition("#")
            wanted_role, _, qualifier = base.partition(".")
            hit: np.ndarray = self.role == wanted_role
            if qualifier:
                hit &= (self.kind == qualifier) | (self.category == qualifier) \
                    | np.array([qualifier in t for t in self.tags], dtype=bool)
            if food_id:
                hit &= self.ids == food_id
            return hit
        return self._kept(selector, rows)

    def in_slot(self, slot: str) -> np.ndarray:
        """Which rows suit the meal ``slot``."""
        if self.slots is None:
            raise KeyError("meal_slots")
        slots = self.slots
        return self._kept(f"slot:{slot}",
                          lambda: np.array([slot in s for s in slots], dtype=bool))

    def _kept(self, key: str, rows: Callable[[], np.ndarray]) -> np.ndarray:
        """The rows for ``key``, worked out by ``rows`` the first time (read-only)."""
        hit = self.hits.get(key)
        if hit is None:
            hit = rows()
            hit.setflags(write=False)
            self.hits[key] = hit
        return hit


#: id of a catalogue frame -> (a weak reference to it, its columns). The entry goes when
#: the frame does, so a new frame at the same address is never taken for it; catalogue
#: frames are not changed in place once built.
_CACHE: dict[int, tuple[weakref.ref[pd.DataFrame], _Columns]] = {}


def _columns(entries: pd.DataFrame) -> _Columns:
    key = id(entries)
    held = _CACHE.get(key)
    if held is not None and held[0]() is entries:
        return held[1]
    columns = _Columns(entries)

    def forget(_: object) -> None:
        _CACHE.pop(key, None)

    _CACHE[key] = (weakref.ref(entries, forget), columns)
    return columns


def _words(value: object) -> tuple[str, ...]:
    """A catalogue list column's words (a tuple once loaded, text in a raw table)."""
    return tuple(value) if isinstance(value, tuple | list | frozenset) else \
        tuple(str(value).split())


def dish_word(short_name: str) -> str:
    """A catalogue short name as it reads in a dish's name: no parentheses, no "cooked"
    or "raw", no "fortified", "UV-exposed" or "with bones" ("cooked brown rice" -> "brown
    rice", "Cheerios (fortified)" -> "Cheerios", "canned pink salmon with bones" ->
    "canned salmon"; the foods under the name still say them)."""
    text = re.sub(r"\s*\([^)]*\)", "", short_name)
    text = re.sub(r",.*$", "", text)
    text = re.sub(r"^calcium and vitamin D fortified ", "", text)  # the label's words
    text = re.sub(r"\b(fortified|UV-exposed) ", "", text)
    text = re.sub(r" cereal$", "", text)  # "Raisin Bran cereal" is Raisin Bran
    text = re.sub(r"^(cooked|roasted|roast|raw) ", "", text)
    text = re.sub(r" patty\b", "", text)
    # what the label says and a cook does not ("lean ground beef" -> "ground beef",
    # "tilapia fillet" -> "tilapia", "Atlantic salmon" -> "salmon")
    text = re.sub(r"^(lean|firm|soft|pearled|part-skim|low-fat|nonfat|certified|enriched|"
                  r"Atlantic|Pacific|Alaska) ", "", text)
    text = re.sub(r"\bplain (?=(soy )?yogurt)", "", text)  # "plain soy yogurt": soy yogurt
    text = re.sub(r"\b(light|pink) (?=tuna|salmon)", "", text)
    text = re.sub(r"(?<!vegetarian) fillet$| in (water|oil)\b| with bones\b", "", text)
    return text.strip()


@dataclass(frozen=True)
class FoodChoice:
    """Who a food is for: ``match`` (``kind:...`` or ``id:...``, values separated by
    ``|``), the tags it is allowed for (diets, ``no_dairy``...; empty, with no
    ``not_for`` either: only when asked for) and the tags it is ``not_for`` (the ``!tag``
    words of ``allowed_for``)."""

    match: str
    allowed_for: frozenset[str]
    why: str
    not_for: frozenset[str] = frozenset()
    #: tag -> the most servings of the food at a meal for a person with that tag (the
    #: ``tag<=1/2`` words of ``allowed_for``)
    most: Mapping[str, float] = field(default_factory=dict)

    def matches(self, entries: pd.DataFrame) -> np.ndarray:
        what, _, value = self.match.partition(":")
        values = value.split("|")
        if what == "kind":
            return np.isin(entries["kind"].to_numpy(dtype=str), values)
        return np.isin(np.asarray(entries.index), values)

    def allows(self, wanted: set[str]) -> bool:
        """Whether a person with the tags ``wanted`` may have the foods it matches."""
        if self.not_for & wanted:
            return False
        return bool(self.allowed_for & wanted) or (not self.allowed_for and
                                                   bool(self.not_for or self.most))


@dataclass(frozen=True)
class Dishes:
    """The dish table and the food choices beside it."""

    dishes: tuple[Dish, ...]
    choices: tuple[FoodChoice, ...]

    def for_slot(self, slot: str, entries: pd.DataFrame) -> list[Dish]:
        """The dishes the foods ``entries`` can make at ``slot``."""
        return [d for d in self.dishes if d.available(entries, slot)]

    def by_id(self, dish_id: str) -> Dish | None:
        return next((d for d in self.dishes if d.id == dish_id), None)

    def suited(self, entries: pd.DataFrame, diet: str, asked: Sequence[str] = (),
               health: Sequence[str] = ()) -> np.ndarray:
        """Per row of ``entries`` (the foods a person's diet and exclusions allow),
        whether the food is for this person (see the module docstring): ``no_dairy`` or
        ``no_gluten`` hold when none of ``entries`` has that allergen; ``asked`` are food
        ids the person likes or includes; ``health`` the food-choice tags of the person's
        conditions and medicines (``low_phosphorus``, ``low_potassium``: see
        :attr:`planner.person.health.HealthRule.choices`)."""
        keep = np.ones(len(entries), dtype=bool)
        wanted = _wanted(entries, diet, health)
        for choice in self.choices:
            if not choice.allows(wanted):
                keep &= ~choice.matches(entries)
        return keep | np.isin(np.asarray(entries.index), list(asked))

    def portioned(self, entries: pd.DataFrame, health: Sequence[str] = ()) -> pd.DataFrame:
        """``entries`` (catalogue rows) with the largest portions the person's ``health``
        tags allow (``low_potassium<=1/2``: at most half a catalogue portion at a meal),
        a copy where any is lowered."""
        out = entries
        for choice in self.choices:
            caps = [v for tag, v in choice.most.items() if tag in health]
            rows = choice.matches(entries)
            if not caps or not rows.any():
                continue
            if out is entries:
                out = entries.copy()
            for column in ("max_servings", "child_max_servings"):
                values = out[column].astype(float)
                out[column] = values.where(~rows, np.minimum(values, min(caps)))
        return out

    def portions(self, entries: pd.DataFrame, health: Sequence[str] = ()
                 ) -> list[tuple[FoodChoice, list[str]]]:
        """The rows of ``food_choices.csv`` that make a portion of foods of ``entries``
        smaller for the person's ``health`` tags, each with the ids it applies to."""
        out = []
        for choice in self.choices:
            if any(tag in health for tag in choice.most):
                ids = [str(f) for f in entries.index[choice.matches(entries)]]
                if ids:
                    out.append((choice, ids))
        return out

    def left_out(self, entries: pd.DataFrame, diet: str, asked: Sequence[str] = (),
                 health: Sequence[str] = ()) -> list[tuple[FoodChoice, list[str]]]:
        """The rows of ``food_choices.csv`` that leave foods of ``entries`` out for the
        person's ``health`` tags alone (``!low_potassium``: the renal swaps), each with
        the ids it leaves out that the person did not ask for, in catalogue order."""
        wanted = _wanted(entries, diet, health)
        without = _wanted(entries, diet, ())
        out = []
        for choice in self.choices:
            if choice.allows(wanted) or not choice.allows(without):
                continue
            ids = [str(f) for f in entries.index[choice.matches(entries)] if f not in asked]
            if ids:
                out.append((choice, ids))
        return out


def _wanted(entries: pd.DataFrame, diet: str, health: Sequence[str]) -> set[str]:
    """The food-choice tags of a person: their diet, their health rules' tags and
    ``no_dairy`` or ``no_gluten`` where none of ``entries`` (the foods their diet and
    exclusions allow) has that allergen."""
    allergens = {a for row in entries["allergens"] for a in _words(row)}
    return ({diet, *health}
            | {f"no_{a}" for a in ("dairy", "gluten") if a not in allergens})


def load_dishes(directory: Path | None = None) -> Dishes:
    """Read ``dishes.csv`` and ``food_choices.csv`` (default: the ones in this package)."""
    here = directory or Path(__file__).resolve().parent
    dishes = []
    for row in _rows(here / DISHES_FILE):
        slots = frozenset(row["slots"].split())
        if not slots or not slots <= set(SLOTS):
            raise DishError(f"{DISHES_FILE}: dish {row['dish']!r}: bad slots {row['slots']!r}")
        components = []
        for text in row["components"].split(";"):
            m = _COMPONENT.match(text)
            if m is None:
                raise DishError(f"{DISHES_FILE}: dish {row['dish']!r}: bad component "
                                f"{text!r}")
            lo, hi = (int(m.group(3)), int(m.group(4))) if m.group(3) else (1, 1)
            portion = None
            if m.group(5):
                if m.group(5) not in MEASURES:
                    raise DishError(f"{DISHES_FILE}: dish {row['dish']!r}: unknown measure "
                                    f"{m.group(5)!r}")
                portion = Portion(m.group(5), float(m.group(6)) if m.group(6) else None,
                                  float(m.group(7)) if m.group(7) else None)
            components.append(Component(m.group(1), tuple(s.strip() for s in
                                                          m.group(2).split("|")), lo, hi,
                                        portion))
        labels = {c.label for c in components}
        unknown = set(re.findall(r"\{(\w+)\}", row["name"])) - labels
        if unknown or len(labels) != len(components):
            raise DishError(f"{DISHES_FILE}: dish {row['dish']!r}: name and components "
                            "do not agree")
        variants = []
        for text in filter(None, (t.strip() for t in row.get("variants", "").split(";"))):
            label, _, selectors = text.partition("=")
            if label.strip() not in labels or not selectors.strip():
                raise DishError(f"{DISHES_FILE}: dish {row['dish']!r}: bad variant "
                                f"{text!r} (label=selectors, the label one of its "
                                "components')")
            variants.append((label.strip(), tuple(v.strip() for v in selectors.split("|"))))
        dishes.append(Dish(row["dish"], slots, row["name"], tuple(components), row["why"],
                           row.get("family", ""), variants=tuple(variants)))
    if len({d.id for d in dishes}) != len(dishes):
        raise DishError(f"{DISHES_FILE}: duplicate dish id")
    seasoned = _seasonings(here / SEASONINGS_FILE, {d.id for d in dishes})
    dishes = [replace(d, seasonings=seasoned.get(d.id, ())) for d in dishes]
    choices = tuple(_choice(r) for r in _rows(here / CHOICES_FILE))
    return Dishes(tuple(dishes), choices)


def _choice(row: dict[str, str]) -> FoodChoice:
    """One row of ``food_choices.csv``; a malformed row is a :class:`DishError`."""
    what, _, values = row["match"].partition(":")
    words = row["allowed_for"].split()
    most: dict[str, float] = {}
    for word in words:
        tag, sep, amount = word.partition("<=")
        value = _fraction_of(amount) if sep else None
        if sep and (not tag or value is None or value <= 0):
            raise DishError(f"{CHOICES_FILE}: {row['match']!r}: bad portion {word!r}")
        if value is not None:
            most[tag] = value
    if what not in ("kind", "id") or not all(values.split("|")) or \
            any(w in ("", "!") for w in words):
        raise DishError(f"{CHOICES_FILE}: bad row {row['match']!r}")
    plain = [w for w in words if "<=" not in w]
    return FoodChoice(row["match"], frozenset(w for w in plain if not w.startswith("!")),
                      row["why"], frozenset(w[1:] for w in plain if w.startswith("!")),
                      most)


def _fraction_of(text: str) -> float | None:
    """'1/2' -> 0.5, '1' -> 1.0; None for anything else."""
    try:
        return float(Fraction(text))
    except (ValueError, ZeroDivisionError):
        return None


def _seasonings(path: Path, dish_ids: set[str]) -> dict[str, tuple[Seasoning, ...]]:
    """``seasonings.csv`` by dish (none: a table without the file, as a data directory
    of an older planner has)."""
    if not path.is_file():
        return {}
    out: dict[str, list[Seasoning]] = {}
    for number, row in enumerate(_rows(path), start=2):
        where = f"{path.name}: line {number}"
        if row["dish"] not in dish_ids:
            raise DishError(f"{where}: unknown dish {row['dish']!r}")
        m = _AMOUNT.match(row["amount"])
        if m is None or not row["group"] or not row["food_id"]:
            raise DishError(f"{where}: give a group, a food id and an amount such as "
                            f"'2 tsp' (got {row['amount']!r})")
        amount = float(Fraction(m.group(1)))
        if amount <= 0:
            raise DishError(f"{where}: the amount must be more than 0")
        when = tuple(w.strip() for w in row["when"].split("|") if w.strip())
        if any(not re.fullmatch(r"[a-z_]+(\.[^#|]+)?(#\w+)?", w) for w in when):
            raise DishError(f"{where}: bad selector in {row['when']!r}")
        out.setdefault(row["dish"], []).append(
            Seasoning(row["group"], row["food_id"], amount, _unit(m.group(2)), when,
                      row["why"]))
    return {d: tuple(rows) for d, rows in out.items()}


def _unit(word: str) -> str:
    """A measure's word in the singular: 'cloves' -> 'clove', 'cups' -> 'cup'."""
    return word[:-1] if word.endswith("s") and word not in ("tbsp", "tsp") else word


def portion_unit(portion: str) -> str:
    """The unit a catalogue portion counts in: '1 tsp, leaves' -> 'tsp', '1 tbsp
    chopped' -> 'tbsp', '1 lemon yields' -> 'lemon', '0.25 cup' -> 'cup'."""
    words = re.sub(r"^\s*\d+(?:\.\d+)?\s*", "", portion).replace(",", " ").split()
    return _unit(words[0]) if words else ""


def servings_of(seasoning: Seasoning, entry: pd.Series) -> float | None:
    """``seasoning``'s amount in servings of its catalogue portion (``entry``), or None
    when its unit is not the portion's (nor a spoon or cup measure of a spoon or cup
    portion)."""
    portion = str(entry["portion_description"])
    unit, per = portion_unit(portion), measure_amount(portion)
    if seasoning.unit == unit:
        return seasoning.amount / per
    if seasoning.unit in SPOONS and unit in SPOONS:
        return seasoning.amount * SPOONS[seasoning.unit] / (per * SPOONS[unit])
    return None


def seasoning_rows(dish: Dish, meal_foods: pd.DataFrame, seasonings: pd.DataFrame
                   ) -> list[tuple[Seasoning, float]]:
    """The rows of ``dish``'s seasonings a meal is cooked with, each with its servings of
    the seasoning's catalogue portion: per group of alternatives, the first row whose
    ``when`` the meal's foods ``meal_foods`` (catalogue rows) meet and whose food is among
    ``seasonings`` (the catalogue's seasoning rows the person may eat:
    ``select(catalogue, diet, exclude, seasonings=True)``). A group with none is left
    out (a soy allergy: no soy sauce, and no lime unless the table offers it)."""
    chosen: dict[str, tuple[Seasoning, float]] = {}
    for row in dish.seasonings:
        if row.group in chosen or row.food_id not in seasonings.index or \
                not row.holds(meal_foods):
            continue
        servings = servings_of(row, cast(pd.Series, seasonings.loc[row.food_id]))
        if servings is not None:
            chosen[row.group] = (row, servings)
    return list(chosen.values())


def seasoning_items(dish: Dish, meal_foods: pd.DataFrame, seasonings: pd.DataFrame
                    ) -> list[tuple[str, float]]:
    """What ``dish`` is cooked with for the meal's foods ``meal_foods``, for one serving,
    as (food id, servings of its catalogue portion); see :func:`seasoning_rows`. A food
    in two groups is added up."""
    out: dict[str, float] = {}
    for row, servings in seasoning_rows(dish, meal_foods, seasonings):
        out[row.food_id] = out.get(row.food_id, 0.0) + servings
    return list(out.items())


def check_seasonings(dishes: Dishes, entries: pd.DataFrame, foods: pd.DataFrame) -> list[str]:
    """What is wrong with the seasoning table against the catalogue ``entries`` and the
    food table's ``foods`` (indexed by food id): a food the food table lacks, one the
    catalogue does not hold as a seasoning, an amount in a unit its household measure
    cannot say, or not a whole number of the catalogue's step, or over its largest
    portion; a ``when`` that no catalogue food meets. Empty when the table is sound."""
    problems = []
    for dish in dishes.dishes:
        for row in dish.seasonings:
            where = f"{dish.id}: {row.text()} of {row.food_id}"
            if row.food_id not in foods.index:
                problems.append(f"{where}: not in the food table")
                continue
            if row.food_id not in entries.index or \
                    entries.at[row.food_id, "role"] != SEASONING:
                problems.append(f"{where}: not a seasoning of the catalogue")
                continue
            entry = cast(pd.Series, entries.loc[row.food_id])
            servings = servings_of(row, entry)
            if servings is None:
                problems.append(f"{where}: no household measure says it (the catalogue "
                                f"measures it in {entry['portion_description']!r})")
                continue
            step = float(cast(float, entry["step"]))
            if abs(servings / step - round(servings / step)) > 1e-6:
                problems.append(f"{where}: not a whole number of its step ({step:g} of "
                                f"{entry['portion_description']!r})")
            if servings > float(cast(float, entry["max_servings"])) + 1e-9:
                problems.append(f"{where}: more than its largest portion")
            for selector in row.when:
                if not _columns(entries).selector(selector).any():
                    problems.append(f"{where}: no catalogue food is {selector!r}")
    return problems


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def dish_of(meal_foods: pd.DataFrame, candidates: Sequence[Dish]) -> Dish | None:
    """The first of ``candidates`` the meal's foods make (None if none)."""
    return next((d for d in candidates if not d.problems(meal_foods)), None)

