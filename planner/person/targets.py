"""Daily nutrient targets for one person from the Dietary Reference Intakes (DRIs).

The DRI values live in ``planner/person/dri.csv``, one row per nutrient and life-stage group with
its source (NASEM/IOM reports, NIH ODS fact sheets). For every nutrient a target has:

``min``  the RDA, or the AI where no RDA exists (protein: RDA in g/kg when weight is known)
``max``  the limit that applies to *food* intake, or None. A UL that covers supplements or
         fortificants only (magnesium, folic acid) does not cap food. Sodium has no UL; its
         cap is the 2019 Chronic Disease Risk Reduction intake (CDRR).
``ul``   the official Tolerable Upper Intake Level, with ``ul_note`` saying what it covers.

Energy is the estimated energy requirement (EER) from the IOM 2005 equations (below),
turned into a band (default +-10 %). Protein, fat and carbohydrate also carry their
Acceptable Macronutrient Distribution Range (AMDR) as a percentage of energy.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from planner.errors import ProfileError
from planner.food.nutrients import NUTRIENT_NAMES, display_name, unit_label
from planner.person.health import active_rules
from planner.person.profile import ACTIVITIES, Override, Profile

DEFAULT_ENERGY_BAND: Final = 0.10

EER_SOURCE: Final = ("IOM 2005 DRIs for Energy and Macronutrients, estimated energy "
                     "requirement equations")
AMDR_SOURCE: Final = "IOM 2005 DRIs for Energy and Macronutrients, AMDR"


@dataclass(frozen=True)
class Target:
    """One nutrient's daily target; amounts in the unit of the canonical name."""

    nutrient: str
    min: float | None
    max: float | None
    kind: str  # RDA, AI, EER, AMDR or user
    source: str
    ul: float | None = None
    ul_note: str = ""
    value: float | None = None  # the point estimate a band was built around (energy)
    pct_energy: tuple[float, float] | None = None  # AMDR, percent of energy
    overridden: bool = False
    dri: Target | None = None  # for an overridden target: the DRI target it replaced
    health: str = ""  # why a health rule changed it ("no minimum with an ACE inhibitor")

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"min": _num(self.min), "max": _num(self.max),
                               "ul": _num(self.ul), "ul_note": self.ul_note,
                               "kind": self.kind, "source": self.source}
        if self.value is not None:
            out["value"] = _num(self.value)
        if self.pct_energy is not None:
            out["pct_energy"] = list(self.pct_energy)
        if self.overridden:
            out["overridden"] = True
            out["set_by"] = "you"
            if self.dri is not None:
                out["replaced"] = {"min": _num(self.dri.min), "max": _num(self.dri.max),
                                   "kind": self.dri.kind, "source": self.dri.source}
        return out

    def replaced_text(self, unit: str = "") -> str:
        """'set by you; the DRI was RDA 2.4 µg' (empty unless overridden)."""
        if not self.overridden:
            return ""
        if self.dri is None:
            return "set by you"
        bits = []
        if self.dri.min is not None:
            bits.append(f"{self.dri.kind} {_num(self.dri.min):,}{' ' + unit if unit else ''}")
        if self.dri.max is not None:
            bits.append(f"max {_num(self.dri.max):,}{' ' + unit if unit else ''}")
        return "set by you; the DRI was " + (", ".join(bits) or "no bound")


@dataclass(frozen=True)
class Targets:
    """A person's daily targets, keyed by canonical nutrient name (in registry order)."""

    profile: Profile
    items: Mapping[str, Target] = field(default_factory=dict)

    def __getitem__(self, nutrient: str) -> Target:
        return self.items[nutrient]

    def __contains__(self, nutrient: object) -> bool:
        return nutrient in self.items

    @property
    def overridden(self) -> tuple[str, ...]:
        return tuple(n for n, t in self.items.items() if t.overridden)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Overrides that go below a DRI minimum or above an upper limit, in words."""
        out = []
        for n, t in self.items.items():
            dri = t.dri
            if not t.overridden or dri is None or t.health:
                continue  # a minimum a health rule removed is the clinician's to set
            name = display_name(n)
            if dri.min is not None and (t.min is None or t.min < dri.min):
                now = "removed" if t.min is None else f"{_num(t.min)} {unit_label(n)}"
                out.append(f"warning: your {name} target ({now}) is below the DRI of "
                           f"{_num(dri.min)} {unit_label(n)} ({dri.kind}); plans will not "
                           "reach the DRI - do this only on a clinician's advice")
            if dri.max is not None and (t.max is None or t.max > dri.max):
                now = "removed" if t.max is None else f"{_num(t.max)} {unit_label(n)}"
                out.append(f"warning: your {name} cap ({now}) is above the limit of "
                           f"{_num(dri.max)} {unit_label(n)}; more than that can harm - do "
                           "this only on a clinician's advice")
        return tuple(out)

    def as_dict(self) -> dict[str, Any]:
        return {"schema": "planner.targets/1", "profile": self.profile.as_dict(),
                "targets": {n: t.as_dict() for n, t in self.items.items()},
                "overridden": list(self.overridden), "warnings": list(self.warnings)}


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


# ------------------------------------------------------------------ DRI table

@dataclass(frozen=True)
class _DriRow:
    nutrient: str
    amount: float
    kind: str
    ul: float | None
    ul_caps_food: str  # yes, no or cdrr
    ul_note: str
    source: str
    per_kg: float | None


def _dri_table() -> dict[tuple[str, str, int, str], _DriRow]:
    """The DRI table keyed by (nutrient, sex, age_min of group, life_stage)."""
    path = Path(__file__).with_name("dri.csv")
    table: dict[tuple[str, str, int, str], _DriRow] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table[(row["nutrient"], row["sex"], int(row["age_min"]), row["life_stage"])] = \
                _DriRow(row["nutrient"], float(row["amount"]), row["kind"],
                        float(row["ul"]) if row["ul"] else None, row["ul_caps_food"],
                        row["ul_note"], row["source"],
                        float(row["per_kg"]) if row["per_kg"] else None)
    return table


def age_group(age: int, life_stage: str = "general") -> tuple[int, int | None]:
    """Return the DRI life-stage group (first, last year; None = no upper bound) for an age."""
    bounds: tuple[tuple[int, int | None], ...] = ((9, 13), (14, 18), (19, 30), (31, 50),
                                                  (51, 70), (71, None))
    if life_stage != "general":
        bounds = ((14, 18), (19, 30), (31, 50))
    for low, high in bounds:
        if age >= low and (high is None or age <= high):
            return low, high
    raise ProfileError(f"age: no DRI group for {age} ({life_stage})")


def dri_nutrients() -> tuple[str, ...]:
    """The nutrients the DRI table covers, in registry order."""
    present = {key[0] for key in _dri_table()}
    return tuple(n for n in NUTRIENT_NAMES if n in present)


# ------------------------------------------------------------------ energy

# Reference heights (m) and weights (kg) of the DRI reports (IOM 2005, Table 1), used
# when the profile gives none: (sex, first year of group) -> (height_m, weight_kg).
_REFERENCE_BODY: Final[Mapping[tuple[str, int], tuple[float, float]]] = {
    ("male", 9): (1.44, 36.0), ("male", 14): (1.74, 61.0), ("male", 19): (1.77, 70.0),
    ("female", 9): (1.44, 37.0), ("female", 14): (1.63, 54.0), ("female", 19): (1.63, 57.0),
}
# Physical activity coefficients of the IOM 2005 EER equations, by activity level.
_PA: Final[Mapping[tuple[str, bool], tuple[float, float, float, float]]] = {
    ("male", True): (1.00, 1.11, 1.25, 1.48),  # men 19+
    ("female", True): (1.00, 1.12, 1.27, 1.45),  # women 19+
    ("male", False): (1.00, 1.13, 1.26, 1.42),  # boys 9-18
    ("female", False): (1.00, 1.16, 1.31, 1.56),  # girls 9-18
}
#: Extra energy for pregnancy (2nd trimester, IOM 2005: +340 kcal; 1st +0, 3rd +452) and
#: lactation (first 6 months: +500 kcal for milk minus 170 kcal weight loss = +330).
LIFE_STAGE_ENERGY: Final[Mapping[str, float]] = {"general": 0.0, "pregnancy": 340.0,
                                                 "lactation": 330.0}


def body_size(profile: Profile) -> tuple[float, float, bool]:
    """Return (height_m, weight_kg, is_reference) for the EER, filling gaps from DRI references."""
    first = 9 if profile.age < 14 else 14 if profile.age < 19 else 19
    ref_height, ref_weight = _REFERENCE_BODY[(profile.sex, first)]
    height = profile.height_cm / 100 if profile.height_cm else ref_height
    weight = profile.weight_kg if profile.weight_kg else ref_weight
    return height, weight, profile.height_cm is None or profile.weight_kg is None


def estimated_energy_requirement(profile: Profile) -> float:
    """Return the EER in kcal/day (IOM 2005 equations for ages 9-18 and 19+).

    Men 19+:    662 - 9.53 age + PA (15.91 wt + 539.6 ht)
    Women 19+:  354 - 6.91 age + PA (9.36 wt + 726 ht)
    Boys 9-18:  88.5 - 61.9 age + PA (26.7 wt + 903 ht) + 25
    Girls 9-18: 135.3 - 30.8 age + PA (10 wt + 934 ht) + 25
    (wt in kg, ht in m, PA the activity coefficient), plus the pregnancy or lactation increment.
    Missing weight or height fall back to the DRI reference body size for the age group.
    """
    height, weight, _ = body_size(profile)
    adult = profile.age >= 19
    pa = _PA[(profile.sex, adult)][ACTIVITIES.index(profile.activity)]
    age = profile.age
    if profile.sex == "male":
        eer = (662 - 9.53 * age + pa * (15.91 * weight + 539.6 * height) if adult
               else 88.5 - 61.9 * age + pa * (26.7 * weight + 903 * height) + 25)
    else:
        eer = (354 - 6.91 * age + pa * (9.36 * weight + 726 * height) if adult
               else 135.3 - 30.8 * age + pa * (10 * weight + 934 * height) + 25)
    return eer + LIFE_STAGE_ENERGY[profile.life_stage]


# ------------------------------------------------------------------ targets

def compute_targets(profile: Profile, overrides: Sequence[Override] = (),
                    energy_band: float = DEFAULT_ENERGY_BAND) -> Targets:
    """Return the person's daily targets, with user overrides applied and marked.

    ``energy_band`` is the allowed relative deviation from the EER (0.10 = +-10 %).
    """
    if not 0 <= energy_band < 1:
        raise ProfileError(f"energy band: {energy_band:g} must be between 0 and 1")
    first, _ = age_group(profile.age, profile.life_stage)
    table = _dri_table()
    items: dict[str, Target] = {}
    eer = estimated_energy_requirement(profile)
    reference = body_size(profile)[2]
    items["energy_kcal"] = Target(
        "energy_kcal", eer * (1 - energy_band), eer * (1 + energy_band), "EER", EER_SOURCE
        + (" (DRI reference height and weight)" if reference else ""),
        ul_note=f"band +-{energy_band * 100:g} % around the EER of {eer:,.0f} kcal",
        value=eer)
    child = profile.age < 19
    amdr = {"protein_g": (10.0, 30.0 if child else 35.0),
            "fat_g": (25.0 if child else 20.0, 35.0),
            "carbohydrate_g": (45.0, 65.0)}
    items["fat_g"] = Target("fat_g", None, None, "AMDR", AMDR_SOURCE,
                            ul_note="No UL; AMDR as percent of energy",
                            pct_energy=amdr["fat_g"])
    for nutrient in dri_nutrients():
        row = table[(nutrient, profile.sex if profile.life_stage == "general" else "female",
                     first, profile.life_stage)]
        amount = row.amount
        source = row.source
        if row.per_kg is not None and profile.weight_kg is not None:
            amount = row.per_kg * profile.weight_kg
            source += f" ({row.per_kg:g} g/kg body weight)"
        ul, cap = row.ul, None
        if row.ul_caps_food == "yes":
            cap = row.ul
        elif row.ul_caps_food == "cdrr":
            ul, cap = None, row.ul
        items[nutrient] = Target(nutrient, amount, cap, row.kind, source, ul, row.ul_note,
                                 pct_energy=amdr.get(nutrient))
    for rule in active_rules(profile.conditions, profile.medicines):
        for n in rule.no_minimum:  # the clinician's limit decides, not the DRI
            if n in items and items[n].min is not None:
                items[n] = replace(items[n], min=None, dri=items[n],
                                   health=f"no minimum with {rule.label}: your clinician's "
                                          "limit applies",
                                   source=f"{items[n].source}; no minimum with {rule.label}: "
                                          "your clinician's limit applies")
    ordered = {n: items[n] for n in NUTRIENT_NAMES if n in items}
    return Targets(profile, _apply(ordered, overrides, energy_band))


def _apply(items: dict[str, Target], overrides: Sequence[Override],
           energy_band: float) -> dict[str, Target]:
    """Apply every override in order (a later one for the same bound wins), then check the
    result: the order of ``--target`` flags never changes what is accepted."""
    for o in overrides:
        current = items.get(o.nutrient) or Target(o.nutrient, None, None, "user",
                                                  "set by you")
        dri = current.dri or items.get(o.nutrient)
        if o.bound == "value":
            assert o.amount is not None
            current = replace(current, value=o.amount, min=o.amount * (1 - energy_band),
                              max=o.amount * (1 + energy_band))
        elif o.bound == "min":
            current = replace(current, min=o.amount)
        else:
            current = replace(current, max=o.amount)
        items[o.nutrient] = replace(current, overridden=True, dri=dri, kind="user",
                                    source="set by you")
    for t in items.values():
        if t.overridden and t.min is not None and t.max is not None and t.min > t.max:
            raise ProfileError(f"target: {t.nutrient}: min {t.min:g} is above max {t.max:g}")
    return {n: items[n] for n in NUTRIENT_NAMES if n in items}
