"""Supplements a person takes every day: which planner knows, how they are written, and
what each gives of a nutrient.

A supplement is written ``NAME=AMOUNT`` (``magnesium=200mg``, ``vitamin_d=1000IU``,
``b12=500ug``, ``"magnesium glycinate=200 mg"``) or as plain words, name first or amount
first (``magnesium glycinate 200 mg``, ``500 mg calcium``). The amount is a day's and,
for a mineral, the element the Supplement Facts label lists ("Magnesium (as magnesium
glycinate) 200 mg"), not the weight of the compound: a 325 mg ferrous sulfate tablet
holds 65 mg of iron (NIH ODS Iron fact sheet). Units are g, mg, µg (ug, mcg) and, for
vitamin D, IU (40 IU = 1 µg; converted in :mod:`planner.food.nutrients`). Folic acid
counts toward folate as 1.7 µg DFE per µg, as taken with food (NIH ODS Folate fact
sheet; the label's "680 mcg DFE (400 mcg folic acid)").

A supplement counts toward its nutrient's target every day; where an upper limit covers
total intake (calcium, vitamin D, iron, zinc) it counts toward that too. Magnesium's UL
of 350 mg covers supplements and medicines only, and folic acid's covers the synthetic
form only, so those are compared with the supplement alone (:func:`supplement_warnings`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from planner.errors import ProfileError
from planner.food.nutrients import IU_PER_UG, amount_in
from planner.limits import MAX_NUMBER_TEXT, clean_text


@dataclass(frozen=True)
class Kind:
    """A supplement planner counts: the nutrient it gives and how people write it."""

    name: str  # "magnesium": the name in NAME=AMOUNT, the profile and the log
    label: str  # "magnesium", "vitamin D": as a sentence says it
    nutrient: str  # the canonical nutrient it counts toward
    unit: str  # the unit its amount is kept in ("mg", "ug")
    aliases: tuple[str, ...]  # other names, lower case, words separated by spaces
    forms: tuple[str, ...]  # compounds and forms a label names ("glycinate", "d3")
    #: names that say both the nutrient and the form ("ferrous sulfate": iron)
    implied: Mapping[str, str]
    source: str  # the NIH ODS fact sheet for it
    factor: float = 1.0  # units of the nutrient per unit of the supplement (DFE)
    #: the upper limit compares the supplement alone, not food and supplements
    ul_supplements_only: bool = False
    most: float = math.inf  # the most a day accepted (in ``unit``); more is a slip

    def nutrient_amount(self, amount: float) -> float:
        return amount * self.factor


#: More than this many times the largest adult UL (or, for B12, which has none, twice the
#: largest common tablet of 5,000 µg) is refused as a slip of a digit or a unit.
MOST_TIMES_UL: Final = 10
KINDS: Final[tuple[Kind, ...]] = (
    Kind("magnesium", "magnesium", "magnesium_mg", "mg", (),
         ("glycinate", "bisglycinate", "citrate", "oxide", "malate", "chloride", "lactate",
          "aspartate", "taurate", "threonate", "l threonate", "carbonate", "sulfate",
          "gluconate", "orotate", "hydroxide"), {},
         "NIH ODS Magnesium fact sheet", ul_supplements_only=True,
         most=MOST_TIMES_UL * 350),
    Kind("calcium", "calcium", "calcium_mg", "mg", (),
         ("carbonate", "citrate", "citrate malate", "gluconate", "lactate", "phosphate"), {},
         "NIH ODS Calcium fact sheet", most=MOST_TIMES_UL * 3000),
    Kind("vitamin_d", "vitamin D", "vitamin_d_ug", "ug",
         ("vitamin d", "vit d", "d"),
         ("d3", "d2", "cholecalciferol", "ergocalciferol"),
         {"vitamin d3": "d3", "vitamin d2": "d2", "d3": "d3", "d2": "d2",
          "cholecalciferol": "cholecalciferol", "ergocalciferol": "ergocalciferol"},
         "NIH ODS Vitamin D fact sheet", most=MOST_TIMES_UL * 100),
    Kind("vitamin_b12", "vitamin B12", "vitamin_b12_ug", "ug",
         ("b12", "vitamin b12", "vit b12", "cobalamin"),
         ("cyanocobalamin", "methylcobalamin", "adenosylcobalamin", "hydroxocobalamin"),
         {"cyanocobalamin": "cyanocobalamin", "methylcobalamin": "methylcobalamin",
          "adenosylcobalamin": "adenosylcobalamin", "hydroxocobalamin": "hydroxocobalamin"},
         "NIH ODS Vitamin B12 fact sheet", most=10_000),
    Kind("iron", "iron", "iron_mg", "mg", (),
         ("ferrous sulfate", "ferrous gluconate", "ferrous fumarate", "ferric citrate",
          "bisglycinate", "glycinate", "polysaccharide", "carbonyl", "heme"),
         {"ferrous sulfate": "ferrous sulfate", "ferrous gluconate": "ferrous gluconate",
          "ferrous fumarate": "ferrous fumarate", "ferric citrate": "ferric citrate",
          "ferrous bisglycinate": "bisglycinate", "carbonyl iron": "carbonyl"},
         "NIH ODS Iron fact sheet", most=MOST_TIMES_UL * 45),
    Kind("zinc", "zinc", "zinc_mg", "mg", (),
         ("gluconate", "citrate", "picolinate", "sulfate", "acetate", "oxide", "glycinate",
          "bisglycinate"), {},
         "NIH ODS Zinc fact sheet", most=MOST_TIMES_UL * 40),
    Kind("folic_acid", "folic acid", "folate_dfe_ug", "ug", ("folic acid",), (), {},
         "NIH ODS Folate fact sheet", factor=1.7, ul_supplements_only=True,
         most=MOST_TIMES_UL * 1000),
)
BY_KIND: Final[Mapping[str, Kind]] = {k.name: k for k in KINDS}
#: Supplements people take that planner cannot count, and why (a one-line error).
NOT_COUNTED: Final[Mapping[str, str]] = {
    "potassium": "a potassium supplement raises blood potassium: say so with --medicine "
                 "potassium_supplement and give your clinician's limit",
    "iodine": "planner does not count iodine (USDA reports it for few foods)",
    "choline": "planner sets no choline target, so it does not count it",
    "multivitamin": "give each nutrient of the label on its own (magnesium=100mg, "
                    "vitamin_d=25ug, ...)",
    "prenatal": "give each nutrient of the label on its own (folic_acid=400ug, iron=27mg, "
                "vitamin_d=15ug, ...)",
}


#: An amount of each kind as a label gives it, for messages (a usual daily amount).
_EXAMPLE: Final[Mapping[str, str]] = {
    "magnesium": "200mg", "calcium": "500mg", "vitamin_d": "25ug or 1000IU",
    "vitamin_b12": "250ug", "iron": "18mg", "zinc": "8mg", "folic_acid": "400ug"}


def _units(kind: Kind) -> str:
    """The units an amount of ``kind`` may be written in, for messages (IU: vitamin D)."""
    return "mg, µg or IU" if kind.name == "vitamin_d" else "mg or µg"


@dataclass(frozen=True)
class Supplement:
    """One supplement taken every day: ``amount`` of the kind's unit (mg, µg)."""

    kind: str  # a name in BY_KIND
    amount: float
    form: str = ""  # "glycinate", "d3"
    said: str = ""  # as written

    @property
    def info(self) -> Kind:
        return BY_KIND[self.kind]

    @property
    def nutrient(self) -> str:
        return self.info.nutrient

    @property
    def nutrient_amount(self) -> float:
        """What it gives of its nutrient a day, in the nutrient's unit (µg DFE for folic
        acid)."""
        return self.info.nutrient_amount(self.amount)

    @property
    def text(self) -> str:
        """'magnesium glycinate 200 mg', 'vitamin D3 25 µg', 'iron (ferrous sulfate)
        65 mg', 'folic acid 400 µg'."""
        info = self.info
        if self.kind == "vitamin_d" and self.form in ("d3", "d2"):
            name = f"vitamin {self.form.upper()}"
        elif not self.form:
            name = info.label
        elif " " not in self.form and self.kind in ("magnesium", "calcium", "zinc", "iron"):
            name = f"{info.label} {self.form}"  # a salt: "magnesium glycinate"
        else:
            name = f"{info.label} ({self.form})"
        iu = (f" ({self.amount * IU_PER_UG[self.nutrient]:,.0f} IU)"
              if self.nutrient in IU_PER_UG else "")
        return f"{name} {format_amount(self.amount, info.unit)}{iu}"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.kind, "form": self.form or None, "amount": _num(self.amount),
                "unit": "µg" if self.info.unit == "ug" else self.info.unit,
                "text": self.text, "nutrient": self.nutrient,
                "nutrient_amount": _num(self.nutrient_amount)}


def _num(value: float) -> float | int:
    rounded = round(value, 3)
    return int(rounded) if rounded == int(rounded) else rounded


def format_amount(amount: float, unit: str) -> str:
    """'200 mg', '25 µg', '1,000 µg', '0.5 µg'."""
    label = "µg" if unit == "ug" else unit
    text = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}".rstrip("0")
    return f"{text} {label}"


# ------------------------------------------------------------------ reading

_UNITS: Final = r"(?:mg|g|µg|μg|ug|mcg|iu)"
_NUMBER: Final = r"[-+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)"
_AMOUNT: Final = re.compile(rf"^\s*(?P<number>{_NUMBER})\s*(?P<unit>{_UNITS})\s*$", re.I)
_NAME_FIRST: Final = re.compile(
    rf"^\s*(?P<name>[a-z][\w \-]*?)\s*(?P<number>{_NUMBER})\s*(?P<unit>{_UNITS})\s*$",
    re.I)
_AMOUNT_FIRST: Final = re.compile(
    rf"^\s*(?P<number>{_NUMBER})\s*(?P<unit>{_UNITS})\s+(?:of\s+)?(?P<name>[a-z][\w \-]*?)"
    r"\s*$", re.I)


def _words(name: str) -> str:
    return " ".join(name.lower().replace("_", " ").replace("-", " ").split())


def resolve_name(name: str) -> tuple[Kind, str] | None:
    """(kind, form) for a supplement's name with or without its form ("magnesium",
    "magnesium glycinate", "glycinate magnesium", "vitamin d3", "ferrous sulfate",
    "b12"); None when planner knows no such supplement."""
    words = _words(name)
    for kind in KINDS:
        if words in kind.implied:
            return kind, kind.implied[words]
        for base in (_words(kind.name), *kind.aliases):
            if words == base:
                return kind, ""
            if words.startswith(base + " ") and words[len(base) + 1:] in kind.forms:
                return kind, words[len(base) + 1:]
            if words.endswith(" " + base) and words[:-len(base) - 1] in kind.forms:
                return kind, words[:-len(base) - 1]
    return None


def _known_names() -> str:
    return ", ".join(k.name for k in KINDS)


def _unknown(name: str, where: str) -> ProfileError:
    words = _words(name)
    for key, why in NOT_COUNTED.items():
        if words == key or words.startswith(key + " "):
            return ProfileError(f"{where}: {name!r}: {why}")
    base = words.split(" ")[0] if words else ""
    for kind in KINDS:
        if base in (_words(kind.name), *kind.aliases) or \
                any(base == a.split(" ")[0] for a in kind.aliases if " " in a):
            forms = ", ".join(kind.forms) or "no forms"
            return ProfileError(f"{where}: {name!r}: not a form of {kind.label} planner "
                                f"knows ({forms}); give the name alone, e.g. "
                                f"{kind.name}=AMOUNT")
    return ProfileError(f"{where}: unknown supplement {name!r} (known: {_known_names()})")


def _amount(kind: Kind, number: str, unit: str, where: str, said: str) -> float:
    if len(number) > MAX_NUMBER_TEXT:
        raise ProfileError(f"{where}: {said[:60]!r}: the amount is too long to be one")
    try:
        value = float(number.replace(",", ""))
    except ValueError:
        raise ProfileError(f"{where}: {said[:60]!r}: {number!r} is not a number") from None
    if not math.isfinite(value):
        raise ProfileError(f"{where}: {said[:60]!r}: not a finite amount")
    if value < 0:
        raise ProfileError(f"{where}: {said[:60]!r}: a negative amount; give what you take "
                           "a day")
    if value == 0:
        raise ProfileError(f"{where}: {said[:60]!r}: 0 is no supplement; to leave out a "
                           f"saved one write {kind.name}=none")
    try:
        amount = amount_in(value, unit, kind.nutrient)
    except ValueError as exc:
        raise ProfileError(f"{where}: {said[:60]!r}: {exc}") from None
    if amount > kind.most:
        limit = format_amount(kind.most, kind.unit)
        raise ProfileError(f"{where}: {said[:60]!r} is {format_amount(amount, kind.unit)} "
                           f"a day, more than {limit}; check the number and its unit, and "
                           "give a day's amount (a weekly dose divided by 7)")
    return amount


def parse_supplement(text: str, where: str = "supplement") -> Supplement | None:
    """Read ``NAME=AMOUNT`` or plain words (``magnesium glycinate 200 mg``, ``500 mg
    calcium``). Returns None for ``NAME=none`` (no such supplement, removing a saved
    one: :func:`merge_supplements`); raises :class:`ProfileError` with one line for an
    unknown name or form, a missing, negative, zero or implausible amount, or a unit
    that does not measure the nutrient."""
    said = " ".join(clean_text(text).split())
    if not said:
        raise ProfileError(f"{where}: nothing given (e.g. magnesium=200mg)")
    if "=" in said:
        name, _, raw = (part.strip() for part in said.partition("="))
        if not name:
            raise ProfileError(f"{where}: {said!r} has no name before '=' (e.g. "
                               "magnesium=200mg)")
        found = resolve_name(name)
        if found is None:
            raise _unknown(name, where)
        kind, form = found
        if raw.lower() == "none":
            if form:
                raise ProfileError(f"{where}: {said!r}: write {kind.name}=none to leave "
                                   f"out the saved {kind.label}")
            return None
        match = _AMOUNT.match(raw)
        if not match:
            hint = f" (give a unit: {_units(kind)})" if re.fullmatch(_NUMBER, raw) else ""
            raise ProfileError(f"{where}: {said!r}: {raw!r} is not an amount with a unit, "
                               f"such as {_EXAMPLE.get(kind.name, '200mg')}{hint}")
        return Supplement(kind.name, _amount(kind, match["number"], match["unit"], where,
                                             said), form, said)
    match = _NAME_FIRST.match(said) or _AMOUNT_FIRST.match(said)
    if not match:
        bare = re.fullmatch(rf"(?P<name>[a-z][\w \-]*?)\s*(?P<number>{_NUMBER})", said, re.I)
        named = resolve_name(bare["name"]) if bare else None
        if bare and named is not None:
            kind = named[0]
            unit = "IU" if kind.name == "vitamin_d" else "µg" if kind.unit == "ug" else "mg"
            raise ProfileError(f"{where}: {said!r}: give a unit: {_units(kind)} (e.g. "
                               f"'{bare['name']} {bare['number']} {unit}')")
        raise ProfileError(f"{where}: {said!r} is not NAME=AMOUNT or a name and an amount "
                           "with a unit (e.g. 'magnesium glycinate 200 mg')")
    found = resolve_name(match["name"])
    if found is None:
        raise _unknown(match["name"], where)
    kind, form = found
    return Supplement(kind.name, _amount(kind, match["number"], match["unit"], where, said),
                      form, said)


def looks_like_supplement(text: str) -> bool:
    """Whether a logged item is a supplement: a name planner knows (or one it refuses to
    count, so the person hears why) with an amount in mg, µg or IU, not a food."""
    said = " ".join(clean_text(text).split())
    match = _NAME_FIRST.match(said) or _AMOUNT_FIRST.match(said) or \
        re.fullmatch(rf"(?P<name>[a-z][\w \-]*?)\s*{_NUMBER}", said, re.I)  # no unit
    if not match:
        return False
    words = _words(match["name"])
    return resolve_name(words) is not None or any(
        words == key or words.startswith(key + " ") for key in NOT_COUNTED)


def merge_supplements(saved: Iterable[Supplement], given: Iterable[Supplement | None],
                      removed: Iterable[str] = ()) -> tuple[Supplement, ...]:
    """The saved supplements with the given ones over them: a kind given replaces every
    saved one of that kind (several given of one kind add up: two products); a kind in
    ``removed`` (``NAME=none``) is dropped."""
    given_list = [g for g in given if g is not None]
    replaced = {g.kind for g in given_list} | set(removed)
    return (*(s for s in saved if s.kind not in replaced), *given_list)


def parse_supplements(texts: Sequence[str], where: str = "--supplement"
                      ) -> tuple[list[Supplement], list[str]]:
    """(supplements, kinds removed with NAME=none) from ``--supplement`` texts."""
    supplements: list[Supplement] = []
    removed: list[str] = []
    for text in texts:
        parsed = parse_supplement(text, where)
        if parsed is None:
            found = resolve_name(text.partition("=")[0])
            assert found is not None
            removed.append(found[0].name)
        else:
            supplements.append(parsed)
    both = [s for s in supplements if s.kind in removed]
    if both:  # "vitamin_d=1000 IU" and "vitamin_d=none": which one is meant?
        raise ProfileError(f"{where}: {both[0].kind} is given both as an amount and as "
                           "none; give one of them")
    return supplements, removed


def supplements_from_mapping(table: Mapping[str, Any], where: str) -> list[Supplement]:
    """A profile's ``[supplements]`` table: ``magnesium = "200 mg"``,
    ``"vitamin d3" = "1000 IU"``."""
    out = []
    for name, value in table.items():
        if not isinstance(value, str):
            raise ProfileError(f"{where}: [supplements] {name}: write the amount with its "
                               f"unit in quotes, e.g. {name} = \"200 mg\"")
        parsed = parse_supplement(f"{name}={value}", f"{where}: [supplements]")
        if parsed is None:
            raise ProfileError(f"{where}: [supplements] {name}: 'none' belongs on the "
                               "command line; leave the line out of the file instead")
        out.append(parsed)
    return out


def supplement_table(supplements: Iterable[Supplement]) -> list[tuple[str, str]]:
    """(key, value) lines of a profile's ``[supplements]`` table, read back by
    :func:`supplements_from_mapping`."""
    lines = []
    for s in supplements:
        key = s.kind if not s.form else f"{s.kind} {s.form}"
        exact = str(int(s.amount)) if float(s.amount).is_integer() else repr(float(s.amount))
        lines.append((key, f"{exact} {s.info.unit}"))
    return lines


# ------------------------------------------------------------------ totals and limits

def amounts(supplements: Iterable[Supplement]) -> dict[str, float]:
    """What the supplements give a day, per canonical nutrient."""
    out: dict[str, float] = {}
    for s in supplements:
        out[s.nutrient] = out.get(s.nutrient, 0.0) + s.nutrient_amount
    return out


def raw_amounts(supplements: Iterable[Supplement]) -> dict[str, float]:
    """Per kind, the amount in the kind's own unit (folic acid in µg of folic acid)."""
    out: dict[str, float] = {}
    for s in supplements:
        out[s.kind] = out.get(s.kind, 0.0) + s.amount
    return out


def supplements_line(supplements: Sequence[Supplement]) -> str:
    """'magnesium glycinate 200 mg, vitamin D 25 µg' ('' without any)."""
    return ", ".join(s.text for s in supplements)


def supplement_warnings(supplements: Sequence[Supplement],
                        uls: Mapping[str, float | None]) -> tuple[str, ...]:
    """Warnings for supplements that pass an upper limit by themselves. ``uls`` maps a
    nutrient to its UL for the person (mg or µg; for folate, µg of folic acid). Where the
    UL covers only supplements (magnesium, folic acid) the supplement alone is compared
    with it; where it covers food and supplements together, a supplement at or over it
    leaves no room for food (a plan says how far food takes the total)."""
    out = []
    raw = raw_amounts(supplements)
    for kind_name, amount in raw.items():
        kind = BY_KIND[kind_name]
        ul = uls.get(kind.nutrient)
        if ul is None:
            continue
        given = format_amount(amount, kind.unit)
        limit = format_amount(ul, kind.unit)
        if kind.ul_supplements_only and amount > ul:
            what = ("supplements and medicines, not food" if kind.name == "magnesium"
                    else "folic acid from supplements and fortified foods")
            harm = ("; above it diarrhea, nausea and cramps are common"
                    if kind.name == "magnesium" else "")
            out.append(f"warning: your {kind.label} supplements give {given} a day, above "
                       f"the upper limit of {limit} for {what}{harm} ({kind.source}); "
                       "take that much only as a clinician advises")
        elif not kind.ul_supplements_only and amount >= ul:
            out.append(f"warning: your {kind.label} supplements alone give {given} a day, "
                       f"{'at' if amount == ul else 'above'} the upper limit of {limit} "
                       f"for food and supplements together ({kind.source}), and food adds "
                       "more; take that much only as a clinician advises")
    return tuple(out)
