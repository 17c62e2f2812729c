"""Daily nutrient targets for one person from the Dietary Reference Intakes (DRIs).

The DRI values live in ``planner/person/dri.csv``, one row per nutrient and life-stage group with
its source (NASEM/IOM reports, NIH ODS fact sheets). For every nutrient a target has:

``min``  the RDA, or the AI where no RDA exists (protein: RDA in g/kg when weight is known)
``max``  the limit that applies to *food* intake, or None. A UL that covers supplements or
         fortificants only (magnesium, folic acid) does not cap food. Sodium has no UL; its
         cap is the 2019 Chronic Disease Risk Reduction intake (CDRR).
``ul``   the official Tolerable Upper Intake Level, with ``ul_note`` saying what it covers.

Energy is the estimated energy requirement (EER) from the NASEM 2023 equations (below),
turned into a band (default +-10 %). Protein, fat and carbohydrate also carry their
Acceptable Macronutrient Distribution Range (AMDR) as a percentage of energy.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from planner.errors import ProfileError
from planner.food.nutrients import NUTRIENT_NAMES, display_name, display_name_lower, unit_label
from planner.person.health import REFERENCE_WEIGHT_KG, active_rules, is_adult
from planner.person.profile import PA_CATEGORIES, Override, Profile
from planner.person.supplements import Supplement, amounts, supplement_warnings

DEFAULT_ENERGY_BAND: Final = 0.10
#: The narrowest energy band: +-1 %, 40 kcal wide at 2,000 kcal, the energy of one teaspoon
#: of olive oil (4.5 g, 40 kcal; USDA SR28 04053), the smallest amount a household measure
#: adds to a meal. Household portions change a day's energy in steps of about that size,
#: so a narrower band asks for precision no portion gives (a band of 0 spent minutes
#: before failing "short by 0.0967 kcal"). The widest is +-50 %.
MIN_ENERGY_BAND: Final = 0.01
MAX_ENERGY_BAND: Final = 0.5

EER_SOURCE: Final = ("NASEM 2023 Dietary Reference Intakes for Energy, estimated energy "
                     "requirement equations (reproduced in Health Canada's DRI tables)")
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
    #: what the person's supplements give of it a day; ``min`` and ``max`` stay the
    #: bounds for food and supplements together
    supplement: float = 0.0

    @property
    def food_min(self) -> float | None:
        """The minimum food must bring: ``min`` less what supplements give (0 when they
        give it all; None without a minimum)."""
        return None if self.min is None else max(0.0, self.min - self.supplement)

    def food_max(self, ul_margin: float = 1.0) -> float | None:
        """The most food may bring a day. An upper limit (not one you set) is kept below
        ``ul_margin`` of it, unless the minimum is above that; a cap is for food and
        supplements together, so supplements take their share of it. Where they leave
        food less than the RDA or AI of an upper limit, food keeps up to the RDA or AI:
        the total then passes the limit whatever food does, and the warnings say so
        (:func:`planner.person.supplements.supplement_warnings`, the plan's notes)."""
        cap = self.max
        if cap is None:
            return None
        at_ul = self.ul is not None and cap == self.ul and not self.overridden
        if at_ul:
            assert self.ul is not None
            cap = self.ul * ul_margin
            if self.min is not None and self.min > cap:
                cap = self.ul
        if not self.supplement:
            return cap
        room = cap - self.supplement
        return max(room, self.min or 0.0) if at_ul else room

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"min": _num(self.min), "max": _num(self.max),
                               "ul": _num(self.ul), "ul_note": self.ul_note,
                               "kind": self.kind, "source": self.source}
        if self.supplement:
            out["supplement"] = _num(self.supplement)
            out["food_min"] = _num(self.food_min)
            out["food_max"] = _num(self.food_max())
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
    #: what the energy equations had to assume (a pregnancy week...), said with warnings
    assumed: tuple[str, ...] = ()
    energy_equation: str = ""  # the NASEM 2023 equation used, in words
    energy_basis: str = ""  # whom it is for, and the reference body where one filled a gap
    energy_reference: bool = False  # a reference height or weight filled a gap
    #: supplements taken every day; each target's ``supplement`` is what they give of it
    supplements: tuple[Supplement, ...] = ()

    def __getitem__(self, nutrient: str) -> Target:
        return self.items[nutrient]

    def __contains__(self, nutrient: object) -> bool:
        return nutrient in self.items

    @property
    def overridden(self) -> tuple[str, ...]:
        return tuple(n for n, t in self.items.items() if t.overridden)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the energy equations assumed, then overrides that go below a DRI minimum
        or above an upper limit, in words."""
        out = list(self.assumed)
        for n, t in self.items.items():
            dri = t.dri
            if not t.overridden or dri is None:
                continue
            out += _implausible(n, t, dri)
            if t.health:
                continue  # a minimum a health rule removed is the clinician's to set
            name = display_name(n)
            if n == "energy_kcal" and t.value is not None and dri.value is not None:
                # an energy need sets a band around it: speak of the need, as typed
                if t.value < dri.value * (1 - ENERGY_WARN_SHARE):
                    out.append(f"warning: your energy need ({t.value:,.0f} kcal) is far "
                               f"below your estimated need of {dri.value:,.0f} kcal (EER); "
                               "plans this low need a clinician's advice")
                continue
            if dri.min is not None and (t.min is None or t.min < dri.min):
                now = "removed" if t.min is None else f"{_num(t.min):,} {unit_label(n)}"
                out.append(f"warning: your {name} target ({now}) is below the DRI of "
                           f"{_num(dri.min):,} {unit_label(n)} ({dri.kind}); plans will not "
                           "reach the DRI - do this only on a clinician's advice")
            if dri.max is not None and (t.max is None or t.max > dri.max):
                now = "removed" if t.max is None else f"{_num(t.max):,} {unit_label(n)}"
                out.append(f"warning: your {name} cap ({now}) is above the limit of "
                           f"{_num(dri.max):,} {unit_label(n)}; more than that can harm - do "
                           "this only on a clinician's advice")
        out += supplement_warnings(self.supplements, self.supplement_uls())
        return tuple(out)

    def supplement_uls(self) -> dict[str, float | None]:
        """Each supplemented nutrient's upper limit for the person, in the supplement's
        own measure (folate: µg of folic acid, whose UL it is)."""
        return {s.nutrient: self.items[s.nutrient].ul if s.nutrient in self.items else None
                for s in self.supplements}

    def as_dict(self) -> dict[str, Any]:
        return {"schema": "planner.targets/1", "profile": self.profile.as_dict(),
                "energy": {"source": EER_SOURCE, "basis": self.energy_basis,
                           "equation": self.energy_equation,
                           "assumed": list(self.assumed)},
                "targets": {n: t.as_dict() for n, t in self.items.items()},
                "supplements": [s.as_dict() for s in self.supplements],
                "overridden": list(self.overridden), "warnings": list(self.warnings)}


#: A target set above this many times the RDA or AI (the EER for energy) is warned about:
#: no DRI goes near it, so it is more likely a slip (an extra 0, the wrong unit) than meant.
IMPLAUSIBLE_TIMES: Final = 10


def _implausible(nutrient: str, target: Target, dri: Target) -> list[str]:
    """At most one warning: the first of the bounds the user set (energy need, minimum,
    cap) that is over :data:`IMPLAUSIBLE_TIMES` the DRI amount. A cap above an upper
    limit is not repeated here: that has its own warning."""
    reference = dri.value if dri.value is not None else dri.min
    if not reference:
        return []
    harms = not target.health and dri.max is not None
    unit = unit_label(nutrient)
    said = f"{reference:,.0f}" if reference >= 100 else f"{_num(reference):,}"
    for word, amount, before in (("need", target.value, dri.value),
                                 ("target", target.min, dri.min),
                                 ("cap", None if harms else target.max, dri.max)):
        if amount is not None and amount != before and amount > IMPLAUSIBLE_TIMES * reference:
            return [f"warning: your {display_name(nutrient)} {word} ({_num(amount):,} {unit}) "
                    f"is over {IMPLAUSIBLE_TIMES} times the {dri.kind} of "
                    f"{said} {unit}; check the number and its unit"]
    return []


#: An energy need given this share or more below the EER is warned about.
ENERGY_WARN_SHARE: Final = 0.25


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

#: Reference heights (m) and weights (kg) of adults 19+ in the DRI reports (IOM 2005,
#: Table 1), used when the profile gives none: sex -> (height_m, weight_kg).
_ADULT_BODY: Final[Mapping[str, tuple[float, float]]] = {
    "male": (1.77, REFERENCE_WEIGHT_KG["male"]), "female": (1.63, REFERENCE_WEIGHT_KG["female"])}
REFERENCE_BODY_SOURCE: Final = "IOM 2005 DRI reference height and weight"
#: Children and teens 3-18 without a measured height or weight: the CDC 2000 growth-chart
#: median (50th percentile) for their sex and year of age, at the middle of the year
#: (``growth_medians.csv``, written by ``scripts/growth_medians.py``).
GROWTH_MEDIANS_SOURCE: Final = ("CDC 2000 growth charts, 50th percentile of stature-for-age "
                                "and weight-for-age (statage.csv, wtage.csv) at the middle "
                                "of the year of age")
#: The ages the NASEM 2023 equations for children cover (3-18.99 years).
CHILD_EQUATION_AGES: Final = (3, 18)


@dataclass(frozen=True)
class ReferenceBody:
    """The height and weight the EER equations use for a person who gives none."""

    height_cm: float
    weight_kg: float
    source: str  # GROWTH_MEDIANS_SOURCE or REFERENCE_BODY_SOURCE


def _growth_medians() -> dict[tuple[str, int], tuple[float, float]]:
    """(sex, age) -> (height_cm, weight_kg) from ``growth_medians.csv``."""
    path = Path(__file__).with_name("growth_medians.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return {(row["sex"], int(row["age"])): (float(row["height_cm"]),
                                                float(row["weight_kg"]))
                for row in csv.DictReader(handle)}


def reference_body(sex: str, age: int) -> ReferenceBody:
    """The CDC 2000 median height and weight for a child's or teen's sex and year of age
    (3-18), or the IOM 2005 reference body of an adult (19+)."""
    if age >= 19:
        height_m, weight = _ADULT_BODY[sex]
        return ReferenceBody(height_m * 100, weight, REFERENCE_BODY_SOURCE)
    medians = _growth_medians()
    if (sex, age) not in medians:
        raise ProfileError(f"age: no reference height and weight for age {age} (the "
                           f"growth medians cover {CHILD_EQUATION_AGES[0]}-18)")
    height, weight = medians[(sex, age)]
    return ReferenceBody(height, weight, GROWTH_MEDIANS_SOURCE)


# NASEM 2023 total-energy-expenditure equations, kcal/day =
#   intercept + a * age (y) + h * height (cm) + w * weight (kg),
# as (intercept, a, h, w) by sex and physical-activity category (our activity levels
# stand for the report's inactive, low active, active and very active; PA_CATEGORIES).
# Adults 19+: NASEM 2023, summary table of EER equations for adults.
_ADULT_TEE: Final[Mapping[tuple[str, str], tuple[float, float, float, float]]] = {
    ("male", "sedentary"): (753.07, -10.83, 6.50, 14.10),
    ("male", "low"): (581.47, -10.83, 8.30, 14.94),
    ("male", "active"): (1004.82, -10.83, 6.52, 15.91),
    ("male", "very_active"): (-517.88, -10.83, 15.61, 19.11),
    ("female", "sedentary"): (584.90, -7.01, 5.72, 11.71),
    ("female", "low"): (575.77, -7.01, 6.60, 12.14),
    ("female", "active"): (710.25, -7.01, 6.54, 12.34),
    ("female", "very_active"): (511.83, -7.01, 9.07, 12.56),
}
# Children 3-18: NASEM 2023 Table 5-5; the EER adds the energy cost of growth below.
_CHILD_TEE: Final[Mapping[tuple[str, str], tuple[float, float, float, float]]] = {
    ("male", "sedentary"): (-447.51, 3.68, 13.01, 13.15),
    ("male", "low"): (19.12, 3.68, 8.62, 20.28),
    ("male", "active"): (-388.19, 3.68, 12.66, 20.46),
    ("male", "very_active"): (-671.75, 3.68, 15.38, 23.25),
    ("female", "sedentary"): (55.59, -22.25, 8.43, 17.07),
    ("female", "low"): (-297.54, -22.25, 12.77, 14.73),
    ("female", "active"): (-189.55, -22.25, 11.74, 18.34),
    ("female", "very_active"): (-709.59, -22.25, 18.22, 14.25),
}
#: Energy cost of growth, kcal/day (NASEM 2023 Table 5-15, as Health Canada's DRI tables
#: give it): (sex, first year of the band) -> kcal; a band runs to the next one's start.
#: Boys 3: 20, 4-8: 15, 9-13: 25, 14-18: 20; girls 3-8: 15, 9-13: 30, 14-18: 20.
GROWTH_ENERGY: Final[Mapping[tuple[str, int], float]] = {
    ("male", 3): 20.0, ("male", 4): 15.0, ("male", 9): 25.0, ("male", 14): 20.0,
    ("female", 3): 15.0, ("female", 9): 30.0, ("female", 14): 20.0,
}


def growth_energy(sex: str, age: int) -> tuple[float, str]:
    """The energy cost of growth (kcal/day) at ``age`` and its band ("ages 9-13")."""
    starts = sorted(first for s, first in GROWTH_ENERGY if s == sex)
    first = max(a for a in starts if a <= age)
    later = [a for a in starts if a > first]
    last = later[0] - 1 if later else CHILD_EQUATION_AGES[1]
    band = f"age {first}" if first == last else f"ages {first}-{last}"
    return GROWTH_ENERGY[(sex, first)], band
# Pregnancy, 2nd and 3rd trimesters (NASEM 2023): intercept + a * age + h * height (cm)
# + w * pre-pregnancy weight (kg) + 9.16 * gestational week, plus tissue deposition.
_PREGNANCY_TEE: Final[Mapping[str, tuple[float, float, float, float]]] = {
    "sedentary": (1131.20, -2.04, 0.34, 12.15),
    "low": (693.35, -2.04, 5.73, 10.20),
    "active": (-223.84, -2.04, 13.23, 8.15),
    "very_active": (-779.72, -2.04, 18.45, 8.73),
}
GESTATION_KCAL_PER_WEEK: Final = 9.16
#: Energy cost of tissue deposition in the 2nd and 3rd trimesters by pre-pregnancy BMI
#: (NASEM 2023 Table 5-13, rounded): (BMI below, kcal/day); 30 and over: -50.
PREGNANCY_DEPOSITION: Final = ((18.5, 300.0), (25.0, 200.0), (30.0, 150.0),
                               (math.inf, -50.0))
#: The week the equation uses for a 2nd or 3rd trimester given without a week (and the
#: 2nd trimester, week 20, is assumed when a pregnancy has neither).
TRIMESTER_ASSUMED_WEEK: Final = {2: 20, 3: 34}
#: Lactation (NASEM 2023 Table 5-14, rounded): months postpartum -> (energy in milk,
#: energy from the mother's weight loss), kcal/day, added to the nonpregnant EER.
LACTATION_ENERGY: Final = {"0-6": (540.0, 140.0), "7-12": (380.0, 0.0)}


@dataclass(frozen=True)
class EnergyRequirement:
    """The EER in kcal/day, the equation that gave it and what it had to assume."""

    kcal: float
    equation: str  # e.g. "women 19+, low active: 575.77 - 7.01 age + 6.60 ht + 12.14 wt"
    assumed: tuple[str, ...] = ()  # said loudly wherever the targets go
    reference_body: bool = False
    #: whom the number is for, and the body it stands on where the profile gives none:
    #: "for a girl of 9 with the CDC 2000 median height and weight for her age, 135 cm
    #: and 31 kg"
    basis: str = ""


@dataclass(frozen=True)
class BodySize:
    """The height and weight the EER equations use; ``reference`` is the reference body
    a gap was filled from (None: the profile gave both)."""

    height_cm: float
    weight_kg: float
    reference: ReferenceBody | None
    height_given: bool
    weight_given: bool

    def basis(self, sex: str, age: int, *, weight_given: bool | None = None) -> str:
        """Whom the EER is for and what filled a gap, in words: "for a girl of 9 with
        the CDC 2000 median height and weight for her age, 135 cm and 31 kg".
        ``weight_given`` overrides whether the weight was the person's own (a
        pre-pregnancy weight stands in for it)."""
        child = age < 19
        noun = {("female", True): "girl", ("male", True): "boy",
                ("female", False): "woman", ("male", False): "man"}[(sex, child)]
        who = f"for a {noun} of {age}"
        ref = self.reference
        own_weight = self.weight_given if weight_given is None else weight_given
        filled = [part for part, given in (("height", self.height_given),
                                           ("weight", own_weight)) if not given]
        if ref is None or not filled:
            return who
        pronoun = "her" if sex == "female" else "his"
        if ref.source == GROWTH_MEDIANS_SOURCE:
            median, whose = "the CDC 2000 median", f"for {pronoun} age"
        else:
            median, whose = "the IOM 2005 reference", f"for a {noun}"
        amounts = {"height": f"{ref.height_cm:.0f} cm", "weight": f"{ref.weight_kg:.0f} kg"}
        return (f"{who} with {median} {' and '.join(filled)} {whose}, "
                + " and ".join(amounts[f] for f in filled))


def body_size(profile: Profile) -> BodySize:
    """The height and weight for the EER: the profile's, with a gap filled from the
    reference body for the person's sex and age (:func:`reference_body`)."""
    given_h, given_w = profile.height_cm, profile.weight_kg
    ref = None if given_h is not None and given_w is not None else \
        reference_body(profile.sex, profile.age)
    height = given_h if given_h is not None else ref.height_cm  # type: ignore[union-attr]
    weight = given_w if given_w is not None else ref.weight_kg  # type: ignore[union-attr]
    return BodySize(height, weight, ref, given_h is not None, given_w is not None)


def _tee(coef: tuple[float, float, float, float], age: float, height_cm: float,
         weight: float) -> float:
    intercept, a, h, w = coef
    return intercept + a * age + h * height_cm + w * weight


def _terms(coef: tuple[float, float, float, float]) -> str:
    intercept, a, h, w = coef
    return (f"{intercept:.2f} {'-' if a < 0 else '+'} {abs(a):.2f} age + {h:.2f} ht "
            f"+ {w:.2f} wt")


def energy_requirement(profile: Profile) -> EnergyRequirement:
    """Return the EER from the NASEM 2023 "Dietary Reference Intakes for Energy" equations.

    Adults 19+: TEE by sex and activity category (age in years, height in cm, weight in
    kg). Children 3-18: the 3-18 equations plus the energy cost of growth (boys 20 at 3,
    15 at 4-8, 25 at 9-13 and 20 at 14-18; girls 15 at 3-8, 30 at 9-13 and 20 at 14-18
    kcal/day); planner's profiles start at 9, but the function covers 3-18. Pregnancy:
    the nonpregnant EER in the 1st trimester; in the 2nd and 3rd the pregnancy equation
    with the pre-pregnancy weight and the gestational week, plus tissue deposition by
    pre-pregnancy BMI (300, 200, 150 or -50 kcal/day). Lactation: the nonpregnant EER
    plus the energy in milk minus what the mother's weight loss supplies (0-6 months
    +540 - 140, 7-12 months +380). Missing height or weight fall back to the CDC 2000
    growth-chart median for the child's sex and year of age (3-18;
    :func:`reference_body`), or the IOM 2005 reference body of an adult; a pregnancy
    without a week or trimester assumes the 2nd trimester (week 20), lactation without
    months postpartum the first 6 months, and both say so in ``assumed``.
    """
    age, sex, level = profile.age, profile.sex, profile.activity
    if age < CHILD_EQUATION_AGES[0]:
        raise ProfileError(f"age: the NASEM 2023 equations planner uses start at "
                           f"{CHILD_EQUATION_AGES[0]} years (got {age})")
    body = body_size(profile)
    height, weight = body.height_cm, body.weight_kg
    height_m = height / 100
    reference = body.reference is not None
    basis = body.basis(sex, age)
    category = PA_CATEGORIES[level]
    assumed: list[str] = []
    stage = profile.life_stage
    if stage == "pregnancy":
        if profile.pre_pregnancy_weight_kg is not None:
            weight = profile.pre_pregnancy_weight_kg
            basis = body.basis(sex, age, weight_given=True)
            reference = not body.height_given
        elif profile.weight_kg is not None:
            assumed.append("energy: no pre-pregnancy weight given (--pre-pregnancy-weight); "
                           f"your weight now ({profile.weight_kg:g} kg) stands in for it, "
                           "which overstates the requirement later in pregnancy")
        week = profile.pregnancy_week
        trimester = profile.trimester
        if trimester is None:
            trimester, week = 2, TRIMESTER_ASSUMED_WEEK[2]
            assumed.append("ASSUMED: pregnancy with no week or trimester given; energy is "
                           "for the 2nd trimester (week 20). Give --pregnancy-week N or "
                           "--trimester 1|2|3 for your own number")
        elif week is None and trimester != 1:
            week = TRIMESTER_ASSUMED_WEEK[trimester]
            assumed.append(f"energy: trimester {trimester} without a week; the equation "
                           f"uses week {week} (--pregnancy-week N is more exact)")
        if trimester >= 2:
            assert week is not None
            coef = _PREGNANCY_TEE[level]
            bmi = weight / height_m ** 2
            deposition = next(kcal for below, kcal in PREGNANCY_DEPOSITION if bmi < below)
            kcal = _tee(coef, age, height, weight) + GESTATION_KCAL_PER_WEEK * week \
                + deposition
            return EnergyRequirement(
                kcal, f"pregnancy, trimester {trimester}, week {week}, {category}: "
                f"{_terms(coef)} + 9.16 week + {deposition:g} deposition (pre-pregnancy "
                f"BMI {bmi:.1f}); wt is pre-pregnancy weight", tuple(assumed), reference,
                basis)
    adult = age >= 19
    coef = (_ADULT_TEE if adult else _CHILD_TEE)[(sex, level)]
    kcal = _tee(coef, age, height, weight)
    who = ("men" if sex == "male" else "women") + " 19+" if adult else \
        ("boys" if sex == "male" else "girls") + " 3-18"
    equation = f"{who}, {category}: {_terms(coef)}"
    if not adult:
        growth, band = growth_energy(sex, age)
        kcal += growth
        equation += f" + {growth:g} growth ({band})"
    if stage == "pregnancy":
        equation = f"pregnancy, trimester 1 (the nonpregnant EER): {equation}"
    elif stage == "lactation":
        months = profile.postpartum_months
        if months is None:
            assumed.append("ASSUMED: breastfeeding with no months postpartum given; energy "
                           "is for 0-6 months. Give --postpartum-months N")
        period = "7-12" if months is not None and months > 6 else "0-6"
        milk, loss = LACTATION_ENERGY[period]
        kcal += milk - loss
        equation = (f"lactation, {period} months postpartum: {equation} + {milk:g} milk"
                    + (f" - {loss:g} weight loss" if loss else ""))
    return EnergyRequirement(kcal, equation, tuple(assumed), reference, basis)


def estimated_energy_requirement(profile: Profile) -> float:
    """Return the EER in kcal/day (see :func:`energy_requirement`)."""
    return energy_requirement(profile).kcal


# ------------------------------------------------------------------ targets

def compute_targets(profile: Profile, overrides: Sequence[Override] = (),
                    energy_band: float = DEFAULT_ENERGY_BAND,
                    supplements: Sequence[Supplement] = ()) -> Targets:
    """Return the person's daily targets, with user overrides applied and marked.

    ``energy_band`` is the allowed relative deviation from the EER (0.10 = +-10 %).
    ``supplements`` are taken every day: each target's ``supplement`` says what they give
    of it, toward its minimum and its cap (see :meth:`Target.food_max`). A supplement of
    a nutrient without a target, or one that leaves no room under a limit you or a
    clinician set, raises :class:`ProfileError`.
    """
    if not MIN_ENERGY_BAND <= energy_band <= MAX_ENERGY_BAND:
        raise ProfileError(f"energy band: {energy_band:g} must be from {MIN_ENERGY_BAND:g} "
                           f"to {MAX_ENERGY_BAND:g} (+-1 % is about a teaspoon of oil a "
                           "day, finer than household portions measure)")
    first, _ = age_group(profile.age, profile.life_stage)
    table = _dri_table()
    items: dict[str, Target] = {}
    energy = energy_requirement(profile)
    eer = energy.kcal
    items["energy_kcal"] = Target(
        "energy_kcal", eer * (1 - energy_band), eer * (1 + energy_band), "EER",
        f"{EER_SOURCE} {energy.basis}; {energy.equation}",
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
        for n, (low, high, why) in rule.adult_ranges.items():
            if n in items and is_adult(profile.age, profile.life_stage):
                dri = items[n]
                items[n] = replace(dri, min=low, max=high, dri=dri, kind=why.split()[0],
                                   health=f"with {rule.label}; the {dri.kind} is "
                                          f"{dri.min or 0:,g} {unit_label(n)}",
                                   source=f"{why} (in place of the {dri.kind})")
        for n in rule.no_minimum:  # the clinician's limit decides, not the DRI
            if n in items and items[n].min is not None:
                items[n] = replace(items[n], min=None, dri=items[n],
                                   health=f"no minimum with {rule.label}: your clinician's "
                                          "limit applies",
                                   source=f"{items[n].source}; no minimum with {rule.label}: "
                                          "your clinician's limit applies")
    items = _clinician_protein(items, overrides, profile)
    ordered = {n: items[n] for n in NUTRIENT_NAMES if n in items}
    applied = _with_supplements(_apply(ordered, overrides, energy_band), supplements)
    return Targets(profile, applied, energy.assumed, energy.equation, energy.basis,
                   energy.reference_body, tuple(supplements))


def _clinician_protein(items: dict[str, Target], overrides: Sequence[Override],
                       profile: Profile) -> dict[str, Target]:
    """With a condition whose rule gives an adult protein range (KDOQI 2020 with kidney
    disease), a clinician's protein limit below the RDA (``--target protein_g.max=...``)
    replaces the RDA floor: with the range's low end for the person's weight (the weight
    given, or the IOM 2005 reference weight) where that is under the limit, or with the
    minimum they give (``protein_g.min=...``); and the AMDR's 10 % floor gives way, since
    KDOQI's 0.55-0.6 g per kg is about 6-8 % of energy. Without such a limit the targets
    stay."""
    target = items.get("protein_g")
    caps = [o.amount for o in overrides if o.nutrient == "protein_g" and o.bound == "max"]
    given = any(o.nutrient == "protein_g" and o.bound != "max" for o in overrides)
    if target is None or not caps or caps[-1] is None or target.min is None or \
            caps[-1] >= target.min:
        return items
    cap = caps[-1]
    for rule in active_rules(profile.conditions, profile.medicines):
        if rule.protein is None or not is_adult(profile.age, profile.life_stage):
            continue
        weight = profile.weight_kg or REFERENCE_WEIGHT_KG[profile.sex]
        low = rule.protein.grams(weight)[0]
        floor = float(low) if low < cap else None
        said = "your clinician's minimum" if given else \
            (f"at least {rule.protein.source}'s {rule.protein.low:g} g per kg ({low} g for "
             f"{weight:g} kg)" if floor is not None else "no floor")
        pct = None if target.pct_energy is None else (0.0, target.pct_energy[1])
        items = {**items, "protein_g": replace(
            target, min=floor, pct_energy=pct, dri=target,
            health=f"with {rule.label}, your clinician's limit replaces the {target.kind} "
                   f"floor: {said}, and no AMDR minimum")}
        break
    return items


def _with_supplements(items: dict[str, Target], supplements: Sequence[Supplement]
                      ) -> dict[str, Target]:
    """Each target with what the supplements give of it."""
    given = amounts(supplements)
    for n, amount in given.items():
        if n not in items:
            raise ProfileError(f"supplement: planner has no target for "
                               f"{display_name_lower(n)}, so it cannot count it")
        t = items[n]
        items[n] = replace(t, supplement=amount)
        cap = t.max
        if cap is not None and (t.overridden or t.health) and amount >= cap:
            unit = unit_label(n)
            raise ProfileError(f"supplement: your supplements give {_num(amount):,} {unit} "
                               f"of {display_name_lower(n)} a day, at or over your limit "
                               f"of {_num(cap):,} {unit}, leaving nothing for food: ask "
                               "the clinician who set the limit")
    return items


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
            # a bound a health rule set (KDOQI's calcium with kidney disease) stays unless
            # both are given
            why = f" ({t.health.split(';')[0]}; give both bounds)" \
                if t.health.startswith("with ") else ""
            raise ProfileError(f"target: {t.nutrient}: min {t.min:g} is above max {t.max:g}"
                               + (why or f"; lower {t.nutrient}.min or raise "
                                  f"{t.nutrient}.max"))
    return {n: items[n] for n in NUTRIENT_NAMES if n in items}
