"""What a person ate, read from plain text: "1 cup cooked oatmeal; 1 medium banana; 150 g
cooked sockeye salmon".

Each item is an amount and a food. The amount is a number (``1``, ``1.5``, ``1/2``,
``1 1/2``, ``½``, ``a``, ``two``, ``half a``) and a measure:

* a weight (``150 g``, ``4 oz``, ``1 lb``, ``0.2 kg``), used as it is;
* a household measure USDA gives for that food (``cup``, ``tbsp``, ``slice``, ``medium``,
  ``fillet``...), from the catalogue portion or the food table's portions; cups,
  tablespoons, teaspoons, fluid ounces and millilitres convert into one another;
* no measure ("1 banana", "2 slices" is a measure): the catalogue's portion when it is a
  count ("1 medium"), else the food's only or "medium" portion; otherwise an error asks
  for one.

The food is matched against the catalogue's short names first (an id, the exact name, or
every word as a whole word), then the whole food table's USDA descriptions. A name that
matches several foods, or none, is an :class:`IntakeError` listing the closest matches:
salmon is not one food (sockeye has five times the vitamin D of farmed Atlantic), so the
choice is the person's, never a guess.

A meal label before an item ("breakfast: 1 cup cooked oatmeal; 1 banana; dinner: ...")
places it and the items after it in that meal.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final, cast

import pandas as pd

from planner.errors import IntakeError
from planner.food.catalogue import (
    SLOTS,
    Catalogue,
    amount_text,
    match_names,
    name_words,
    portion_words,
)
from planner.food.data import FoodTable
from planner.limits import MAX_ITEM_GRAMS, MAX_NUMBER_TEXT, clean_text

#: Grams per unit of weight.
WEIGHTS: Final = {"g": 1.0, "kg": 1000.0, "oz": 28.349523125, "lb": 453.59237}
#: Cups per unit of volume (US customary; 1 cup = 236.588 ml).
VOLUMES: Final = {"cup": 1.0, "tbsp": 1 / 16, "tsp": 1 / 48, "fl oz": 1 / 8,
                  "ml": 1 / 236.5882365, "l": 1000 / 236.5882365}
#: Spellings of measures -> the name used here.
ALIASES: Final = {
    "g": "g", "gr": "g", "gram": "g", "grams": "g", "gramme": "g", "grammes": "g",
    "kg": "kg", "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg",
    "oz": "oz", "ounce": "oz", "ounces": "oz",
    "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb",
    "cup": "cup", "cups": "cup", "c": "cup",
    "tbsp": "tbsp", "tbsps": "tbsp", "tbs": "tbsp", "tbl": "tbsp", "tablespoon": "tbsp",
    "tablespoons": "tbsp",
    "tsp": "tsp", "tsps": "tsp", "teaspoon": "tsp", "teaspoons": "tsp",
    "ml": "ml", "milliliter": "ml", "milliliters": "ml", "millilitre": "ml",
    "millilitres": "ml", "l": "l", "liter": "l", "liters": "l", "litre": "l", "litres": "l",
    "slice": "slice", "slices": "slice", "piece": "piece", "pieces": "piece",
    "small": "small", "medium": "medium", "med": "medium", "large": "large",
    "extra-large": "extra large", "xl": "extra large", "jumbo": "jumbo",
    "fillet": "fillet", "fillets": "fillet", "can": "can", "cans": "can",
    "container": "container", "containers": "container", "stalk": "stalk",
    "stalks": "stalk", "leaf": "leaf", "leaves": "leaf", "bar": "bar", "bars": "bar",
    "packet": "packet", "packets": "packet", "scoop": "scoop", "scoops": "scoop",
}
TWO_WORD: Final = {("fl", "oz"): "fl oz", ("fluid", "ounce"): "fl oz",
                   ("fluid", "ounces"): "fl oz", ("extra", "large"): "extra large"}
NUMBER_WORDS: Final[dict[str, Fraction]] = {
    **{w: Fraction(i) for i, w in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve"), start=1)},
    "a": Fraction(1), "an": Fraction(1), "half": Fraction(1, 2), "quarter": Fraction(1, 4)}
VULGAR: Final = {"½": Fraction(1, 2), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3),
                 "¼": Fraction(1, 4), "¾": Fraction(3, 4), "⅛": Fraction(1, 8),
                 "⅜": Fraction(3, 8), "⅝": Fraction(5, 8), "⅞": Fraction(7, 8),
                 "⅕": Fraction(1, 5), "⅙": Fraction(1, 6)}
MAX_ITEMS: Final = 60
MAX_QUANTITY: Final = 10_000
MAX_TEXT: Final = 4000
#: Closest matches listed in an error.
SHOW_MATCHES: Final = 6
_COUNT_HEADS: Final = ("small", "medium", "large", "extra large", "jumbo")


@dataclass(frozen=True)
class Eaten:
    """One food eaten: ``grams`` of the food table's ``food_id``. ``text`` says it in
    household words ("1 medium banana"), ``said`` is what the person wrote and ``meal``
    the meal it was labelled with (None: not said)."""

    food_id: str
    name: str  # the catalogue's short name, or USDA's description
    grams: float
    text: str
    said: str
    meal: str | None = None
    in_catalogue: bool = True


@dataclass(frozen=True)
class _Portion:
    head: str  # "cup", "medium", "slice" (normalised first words of the measure)
    amount: float  # how many of the head the grams are for
    grams: float
    description: str
    size: str = ""  # a size word in the measure ("potato medium" -> "medium")
    catalogue: bool = False  # the catalogue's portion of the food

    def matches(self, unit: str) -> bool:
        return unit in (self.head, self.size)


def parse_eaten(text: str, table: FoodTable, catalogue: Catalogue,
                meal: str | None = None) -> list[Eaten]:
    """Read "1 cup cooked oatmeal; 1 medium banana; ..." (``;`` or new lines between
    items) into :class:`Eaten` items, all or nothing: any item that cannot be read raises
    :class:`IntakeError` naming it. ``meal`` is the meal of items without a label."""
    if meal is not None:
        meal = check_meal(meal)
    if len(text) > MAX_TEXT:
        raise IntakeError(f"what you ate: more than {MAX_TEXT} characters; add it in parts")
    # control and bidirectional-override characters go on the way in (planner.limits)
    parts = [clean_text(p).strip() for p in re.split(r"[;\n]", text)]
    parts = [p for p in parts if p]
    if not parts:
        raise IntakeError("what you ate: nothing given (e.g. \"1 cup cooked oatmeal; "
                          "1 medium banana\")")
    if len(parts) > MAX_ITEMS:
        raise IntakeError(f"what you ate: more than {MAX_ITEMS} items at once")
    out = []
    current = meal
    for part in parts:
        label = re.match(r"^\s*([A-Za-z]+)\s*:\s*(.*)$", part)
        if label and label.group(1).lower() in SLOTS:
            current = label.group(1).lower()
            part = label.group(2).strip()
            if not part:
                continue
        try:
            out.append(parse_item(part, table, catalogue, meal=current))
        except IntakeError as exc:
            several = _SEVERAL.split(part)
            if len(several) < 2:
                raise
            raise IntakeError(f"{part!r} is not one food planner knows; separate foods with "
                              f"';': {'; '.join(s.strip() for s in several)!r}") from exc
    if not out:
        raise IntakeError("what you ate: only meal labels, no food")
    return out


#: Where a person who wrote several foods as one item probably meant a ';'.
_SEVERAL: Final = re.compile(r"\s*,\s*|\s+and\s+|\s+&\s+|\s+with\s+|\s+plus\s+")


def check_meal(meal: str) -> str:
    name = meal.strip().lower()
    if name not in SLOTS:
        raise IntakeError(f"meal: {meal!r} is not one of {', '.join(SLOTS)}")
    return name


def parse_item(text: str, table: FoodTable, catalogue: Catalogue,
               meal: str | None = None) -> Eaten:
    """One item: amount, measure and food (see the module docstring)."""
    said = " ".join(text.split())
    quantity, rest = _quantity(_tokens(said))
    rest = _after_of(rest)
    if not rest:
        raise IntakeError(f"{said!r}: no food named")
    if quantity is not None and not 0 < quantity <= MAX_QUANTITY:
        raise IntakeError(f"{said!r}: the amount must be more than 0 and at most "
                          f"{MAX_QUANTITY:,}")
    amount = float(quantity) if quantity is not None else 1.0
    # Readings in order: a known measure then the food; the whole as the food; the first
    # word as a measure only this food has ("2 drumsticks roast chicken").
    unit, after = _unit(rest)
    readings: list[tuple[str | None, list[str]]] = []
    if unit is not None:
        readings.append((unit, after))
    if unit is None or unit in _COUNT_HEADS:  # "medium grain rice" may be a name
        readings.append((None, rest))
    if unit is None and len(rest) > 1:
        readings.append((_singular(rest[0].lower().rstrip(".")), _after_of(rest[1:])))
    first_error: str | None = None
    for unit, words in readings:
        if not words:
            continue
        food_id, in_catalogue, error = _resolve(" ".join(words), table, catalogue)
        if food_id is None:
            first_error = first_error or error
            continue
        try:
            grams, wording = _grams(food_id, in_catalogue, amount, unit, table, catalogue,
                                    said)
        except IntakeError as exc:
            first_error = first_error or str(exc).removeprefix(f"{said!r}: ")
            continue
        break
    else:
        raise IntakeError(f"{said!r}: {first_error or 'no food named'}")
    if not 0 < grams <= MAX_ITEM_GRAMS:
        raise IntakeError(f"{said!r} is {grams:,.0f} g: more than one person eats at once "
                          f"(at most {MAX_ITEM_GRAMS:,.0f} g an item); check the amount")
    return Eaten(food_id, _food_name(food_id, in_catalogue, table, catalogue), grams,
                 wording, said, meal, in_catalogue)


def _food_name(food_id: str, in_catalogue: bool, table: FoodTable, catalogue: Catalogue
               ) -> str:
    """The catalogue's short name of a food, or USDA's description outside it."""
    return (str(catalogue.entries.loc[food_id, "short_name"]) if in_catalogue else
            str(table.foods.loc[food_id, "description"]))


def _tokens(text: str) -> list[str]:
    """Words, with "150g" split into "150 g" and "1½" into "1 ½"."""
    out: list[str] = []
    for token in text.replace(",", " , ").split():
        match = re.match(r"^(\d+(?:\.\d+)?|\d*[½⅓⅔¼¾⅛⅜⅝⅞⅕⅙])([A-Za-z]+)$", token)
        if match:
            out += [match.group(1), match.group(2)]
            continue
        match = re.match(r"^(\d+)([½⅓⅔¼¾⅛⅜⅝⅞⅕⅙])$", token)
        if match:
            out += [match.group(1), match.group(2)]
            continue
        out.append(token)
    return [t for t in out if t != ","] if out and out[0] != "," else out


def _number(token: str) -> Fraction | None:
    word = token.lower()
    if len(word) > MAX_NUMBER_TEXT and re.fullmatch(r"[\d./]+", word):
        raise IntakeError(f"amount {word[:20]}...: more than {MAX_NUMBER_TEXT} characters; "
                          "not an amount")
    if word in VULGAR:
        return VULGAR[word]
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return Fraction(word)
    match = re.fullmatch(r"(\d+)/(\d+)", word)
    if match and int(match.group(2)) > 0:
        return Fraction(int(match.group(1)), int(match.group(2)))
    return None


def _quantity(tokens: Sequence[str], multiplied: bool = False
              ) -> tuple[Fraction | None, list[str]]:
    """The leading amount and the words after it; None when there is none. ``multiplied``:
    this amount follows an ``x`` already, so another ``x`` is refused."""
    rest = list(tokens)
    if not rest:
        return None, rest
    first = _number(rest[0])
    if first is not None:
        rest = rest[1:]
        second = _number(rest[0]) if rest else None
        if second is not None and second < 1 and "." not in tokens[0] and \
                first.denominator == 1:  # "1 1/2", "1 ½"
            return first + second, rest[1:]
        if rest and rest[0].lower() == "x":  # "2 x 150 g": one multiplier, not a chain
            if multiplied:
                raise IntakeError("an amount takes one multiplier at most (\"2 x 150 g\"), "
                                  "not a chain")
            inner, after = _quantity(rest[1:], multiplied=True)
            if inner is not None:
                return first * inner, after
        return first, rest
    word = rest[0].lower()
    if word in NUMBER_WORDS:
        value = NUMBER_WORDS[word]
        rest = rest[1:]
        if word == "half" and rest and rest[0].lower() in ("a", "an"):  # "half a cup"
            rest = rest[1:]
        elif word in ("a", "an") and rest and rest[0].lower() in ("half", "quarter"):
            value = NUMBER_WORDS[rest[0].lower()]
            rest = rest[1:]
        return value, rest
    return None, rest


def _unit(words: Sequence[str]) -> tuple[str | None, list[str]]:
    """A measure at the start of ``words`` (normalised) and the words after it."""
    if len(words) >= 2:
        pair = (words[0].lower().rstrip("."), words[1].lower().rstrip("."))
        if pair in TWO_WORD:
            return TWO_WORD[pair], _after_of(words[2:])
    if words:
        word = words[0].lower().rstrip(".")
        if word in ALIASES:
            return ALIASES[word], _after_of(words[1:])
    return None, list(words)


def _after_of(words: Sequence[str]) -> list[str]:
    return list(words[1:]) if words and words[0].lower() == "of" else list(words)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith(("ches", "shes", "oes")):
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# ------------------------------------------------------------------ foods

def _resolve(name: str, table: FoodTable, catalogue: Catalogue
             ) -> tuple[str | None, bool, str | None]:
    """(food id, from the catalogue?, error) for a food name; exactly one of id and error
    is set."""
    name = name.strip()
    if not name_words(name):
        return None, False, "no food named"
    entries = catalogue.entries
    ids = [i for i in match_names(entries["short_name"], name) if i in table.foods.index]
    if len(ids) == 1:
        return ids[0], True, None
    if len(ids) > 1:
        shown = "; ".join(str(entries.loc[i, "short_name"]) for i in ids[:SHOW_MATCHES])
        more = f" and {len(ids) - SHOW_MATCHES} more" if len(ids) > SHOW_MATCHES else ""
        return None, False, (f"{name!r} matches {len(ids)} foods: {shown}{more}; say which "
                             "(e.g. the full name or its id)")
    found = _in_table(name, table)
    if len(found) == 1:
        return found[0], found[0] in entries.index, None
    if found:
        shown = "; ".join(f"{i} {table.foods.loc[i, 'description']!s}"
                          for i in found[:SHOW_MATCHES])
        return None, False, (f"{name!r} matches {len(found)} foods in the food table, e.g. "
                             f"{shown}; say which (more of the name, or the id)")
    close = closest(name, table, catalogue)
    hint = f"; closest: {'; '.join(close)}" if close else ""
    return None, False, (f"no food matches {name!r}{hint} (write it as USDA names it, or "
                         "give its id: '1 cup 14209')")


def _in_table(name: str, table: FoodTable) -> list[str]:
    """Food-table ids matching ``name``: the id, the exact description, or every word of
    it as a whole word of the description; the shortest descriptions first."""
    hits = table.foods["description"].loc[match_names(table.foods["description"], name)]
    found = [str(i) for i in hits.index[hits.str.len().argsort(kind="stable").to_numpy()]]
    if len(found) > 1:  # one plain description that every other one only adds to
        sets = {i: set(name_words(str(hits[i]))) for i in found}
        plain = [i for i in found if all(sets[i] <= sets[j] for j in found)]
        if len(plain) == 1:
            return plain
    return found


def closest(name: str, table: FoodTable, catalogue: Catalogue) -> list[str]:
    """A few foods whose names are close to ``name`` (spelling), catalogue first."""
    names = list(catalogue.entries["short_name"])
    close = difflib.get_close_matches(name.lower(), [n.lower() for n in names],
                                      n=SHOW_MATCHES, cutoff=0.6)
    out = [n for c in close for n in names if n.lower() == c][:SHOW_MATCHES]
    if len(out) < 3:  # the food table, word by word
        vocabulary = {w for d in table.foods["description"].str.lower()
                      for w in re.findall(r"[a-z]+", d)}
        fixed = [difflib.get_close_matches(w, vocabulary, n=1, cutoff=0.75)
                 for w in name_words(name)]
        words = [f[0] for f in fixed if f]
        if words and len(words) == len(name_words(name)):
            found = _in_table(" ".join(words), table)
            out += [str(table.foods.loc[i, "description"]) for i in found[:3]]
    return list(dict.fromkeys(out))[:SHOW_MATCHES]


# ------------------------------------------------------------------ amounts

def portions(food_id: str, table: FoodTable, catalogue: Catalogue) -> list[_Portion]:
    """The household measures of a food: the catalogue's portion first, then USDA's."""
    out = []
    entries = catalogue.entries
    if food_id in entries.index:
        text = str(entries.loc[food_id, "portion_description"])
        amount, head, size = _split_measure(text)
        out.append(_Portion(head, amount, _number_of(entries.loc[food_id, "portion_grams"]),
                            text, size, catalogue=True))
    rows = table.portions[table.portions["food_id"] == food_id]
    for row in rows.itertuples(index=False):
        amount, head, size = _split_measure(str(row.description))
        count = _number_of(row.amount)
        out.append(_Portion(head, count * amount, _number_of(row.grams),
                            f"{count:g} {row.description}", size))
    return [p for p in out if p.amount > 0 and p.grams > 0]


def _number_of(value: Any) -> float:
    return float(value)


def _split_measure(text: str) -> tuple[float, str, str]:
    """(amount, head, size): '0.5 cup, chopped' -> (0.5, 'cup', ''); 'medium (7" long)' ->
    (1, 'medium', 'medium'); '1 potato medium' -> (1, 'potato', 'medium'); 'tablespoon'
    -> (1, 'tbsp', ''); 'fl oz' -> (1, 'fl oz', '')."""
    words = text.lower()
    amount = 1.0
    match = re.match(r"^\s*(\d+(?:\.\d+)?(?:/\d+)?)\s+(.*)$", words)
    if match:
        amount = float(Fraction(match.group(1)))
        words = match.group(2)
    head = re.split(r"[,(]", words)[0].strip().split()
    size = next((ALIASES[w] for w in head if ALIASES.get(w) in _COUNT_HEADS), "")
    if len(head) >= 2 and (head[0], head[1]) in TWO_WORD:
        return amount, TWO_WORD[(head[0], head[1])], size
    if not head:
        return amount, "", size
    first = head[0].rstrip(".")
    return amount, ALIASES.get(first, _singular(first)), size


def _grams(food_id: str, in_catalogue: bool, amount: float, unit: str | None,
           table: FoodTable, catalogue: Catalogue, said: str) -> tuple[float, str]:
    """Grams of ``amount`` ``unit`` of the food, and the amount in household words."""
    name = _food_name(food_id, in_catalogue, table, catalogue)
    if unit in WEIGHTS:
        return amount * WEIGHTS[unit], f"{amount_text(amount)} {unit} {name}"
    entry: pd.Series | None = (cast(pd.Series, catalogue.entries.loc[food_id])
                               if in_catalogue else None)
    known = portions(food_id, table, catalogue)
    if unit is None:
        portion = _default_portion(known)
        if portion is None:
            raise IntakeError(f"{said!r}: how much? give a weight or a measure for {name} "
                              f"({_measures_text(known)})")
        return amount * portion.grams / portion.amount, _words(amount, portion, name, entry)
    for portion in known:
        if portion.matches(unit):
            return amount * portion.grams / portion.amount, _words(amount, portion, name, entry)
    if unit in VOLUMES:
        for portion in known:
            if portion.head in VOLUMES:
                cups = amount * VOLUMES[unit]
                per_cup = portion.grams / (portion.amount * VOLUMES[portion.head])
                return cups * per_cup, f"{amount_text(amount)} {_plural(unit, amount)} {name}"
    raise IntakeError(f"{said!r}: USDA gives no {unit!r} measure for {name}; use grams or "
                      f"ounces, or one of: {_measures_text(known)}")


def _words(amount: float, portion: _Portion, name: str, entry: pd.Series | None) -> str:
    """'2 slices whole-wheat bread': the catalogue's wording for its own portion."""
    if portion.catalogue and entry is not None:
        return portion_words(entry, amount / portion.amount)
    return f"{amount_text(amount)} {_plural(portion.size or portion.head, amount)} {name}"


def _plural(unit: str, amount: float) -> str:
    if amount <= 1 + 1e-9 or unit in WEIGHTS or unit in ("tbsp", "tsp", "fl oz", "ml", "l") \
            or unit in _COUNT_HEADS:
        return unit
    if unit.endswith(("ch", "sh", "s", "x")):
        return unit + "es"
    return unit[:-1] + "ies" if unit.endswith("y") and unit[-2:-1] not in "aeiou" else unit + "s"


def _default_portion(known: Sequence[_Portion]) -> _Portion | None:
    """The portion meant by an amount without a measure ("1 banana", "2 eggs")."""
    if not known:
        return None
    first = known[0]
    countable = [p for p in known if p.head not in WEIGHTS and p.head not in VOLUMES
                 and p.head not in ("serving", "nlea serving", "portion")]
    if first in countable:
        return first
    for head in ("medium", "large", "small"):
        for p in countable:
            if p.head == head:
                return p
    heads = {p.head for p in countable}
    if len(heads) == 1:
        return countable[0]
    return None


def _measures_text(known: Sequence[_Portion]) -> str:
    heads = list(dict.fromkeys(p.head for p in known if p.head))
    return ", ".join(heads[:8]) or "grams"


def nutrient_amounts(items: Sequence[tuple[str, float]], table: FoodTable,
                     nutrients: Sequence[str]) -> tuple[dict[str, float],
                                                        dict[str, tuple[str, ...]]]:
    """Totals of ``nutrients`` over (food id, grams) pairs, unknown values left out (and
    listed per nutrient), so a total is a lower bound, never an overstatement. Food ids
    not in the table are listed under the key ``""``."""
    totals = dict.fromkeys(nutrients, 0.0)
    unknown: dict[str, list[str]] = {}
    for food_id, grams in items:
        if food_id not in table.foods.index:
            unknown.setdefault("", []).append(food_id)
            continue
        row = table.foods.loc[food_id]
        for n in nutrients:
            value = row[n]
            if pd.isna(value):
                unknown.setdefault(n, []).append(food_id)
            elif math.isfinite(float(value)):
                totals[n] += float(value) * grams / 100.0
    return totals, {n: tuple(dict.fromkeys(v)) for n, v in unknown.items()}
