"""Conditions and medicines that change what a mineral-rich plan may do, each with its source.

A plan that pushes potassium and magnesium is not safe for everyone. Each rule below says,
for one condition or medicine:

``needs_limits``  targets a clinician must set (as ``--target NAME.max=VALUE``) before
                  planner plans at all: without them it stops (:class:`SafetyError`) and says
                  what to ask;
``no_minimum``    DRI minimums planner does not apply (the clinician's limit decides);
``steady``        nutrients kept steady from day to day (warfarin: vitamin K);
``unknown_out``   nutrients whose value must be known for a food to be used (a steady
                  vitamin K cannot rest on foods whose vitamin K USDA does not report);
``emphasis``      nutrients worth emphasising, and why;
``aimed_groups``  food-group rules (``planner/meals/day_rules.csv`` measures) aimed for, not
                  required: with kidney disease the DGA dairy amount, as dairy is a main
                  source of the phosphorus and potassium the clinician limits, and the
                  DGA's half of grains whole (whole grains have more of both);
``choices``       food-choice tags (``planner/meals/food_choices.csv``) of the rule:
                  ``low_phosphorus`` (almond and rice milk, refined grains; bran cereals
                  left out) and ``low_potassium`` (refined grains; the high-potassium foods
                  a renal dietitian swaps first left out, mushrooms in half portions), the
                  swaps renal diets make;
``adult_ranges``  for adults (19+, not pregnant or breastfeeding), a range that replaces
                  the DRI (with kidney disease, calcium 800-1,000 mg a day, KDOQI 2020),
                  unless the clinician set one;
``notes``         what every plan and the guided check say (``adult_notes``: for adults
                  only, where ``adult_ranges`` apply);
``protein``       for adults, a protein range in g per kg of body weight a day (KDOQI 2020
                  for kidney disease), said with its figures for the person's weight (the
                  weight given, or the IOM 2005 reference weight for their sex); a
                  clinician's protein limit (``--target protein_g.max=...``) below the RDA
                  then replaces the RDA floor (:func:`clinician_protein`).

This is general information drawn from the sources named on each rule, not medical advice;
every rule sends the person to their clinician for the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from planner.errors import ProfileError, SafetyError


@dataclass(frozen=True)
class HealthRule:
    key: str
    kind: str  # condition or medicine
    label: str
    question: str  # asked by the guided check
    source: str
    needs_limits: tuple[str, ...] = ()
    no_minimum: tuple[str, ...] = ()
    steady: tuple[str, ...] = ()
    unknown_out: tuple[str, ...] = ()
    emphasis: Mapping[str, str] = field(default_factory=dict)
    aimed_groups: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    adult_ranges: Mapping[str, tuple[float, float, str]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    adult_notes: tuple[str, ...] = ()  # only for adults (19+, not pregnant or breastfeeding)
    protein: ProteinRange | None = None  # only for adults, as adult_notes

    def notes_for(self, age: int | None, life_stage: str = "general",
                  weight_kg: float | None = None, sex: str | None = None
                  ) -> tuple[str, ...]:
        """What the plan and the guided check say for this person (``age`` None: unknown,
        so the adult notes are left out). The protein range is said in grams for
        ``weight_kg``, or for the reference weight of ``sex`` (neither: per kg only)."""
        if not is_adult(age, life_stage):
            return self.notes
        protein = () if self.protein is None else (self.protein.note(weight_kg, sex),)
        return self.notes + self.adult_notes + protein
    ask: str = ""  # what to ask the clinician


@dataclass(frozen=True)
class ProteinRange:
    """A protein range for adults with a condition, in g per kg of body weight a day."""

    low: float
    high: float
    whom: str  # for whom the source gives it
    others: str  # what it says for everyone else
    source: str

    def grams(self, weight_kg: float) -> tuple[float, float]:
        """The range in g a day for ``weight_kg``, to the nearest gram."""
        return math.floor(self.low * weight_kg + 0.5), math.floor(self.high * weight_kg + 0.5)

    def note(self, weight_kg: float | None = None, sex: str | None = None) -> str:
        """'Protein: KDOQI 2020 suggests 0.55-0.6 g per kg a day ...: 31-34 g a day for
        57 kg (...)'."""
        weight, whose = weight_kg, "your weight"
        if weight is None and sex is not None and sex in REFERENCE_WEIGHT_KG:
            weight = REFERENCE_WEIGHT_KG[sex]
            whose = (f"the IOM 2005 reference weight for a {'woman' if sex == 'female' else 'man'}"
                     "; give --weight for yours")
        figures = ""
        if weight is not None:
            low, high = self.grams(weight)
            figures = f": {low}-{high} g a day for {weight:g} kg ({whose})"
        return (f"Protein: {self.source} suggests {self.low:g}-{self.high:g} g per kg of body "
                f"weight a day for {self.whom}{figures}; {self.others}, under a renal "
                "dietitian's care. planner keeps the RDA (0.8 g per kg) as the floor unless "
                "you give their limit with --target protein_g.max=..., which the plan "
                f"keeps, with at least {self.low:g} g per kg where that is under it (or "
                "their minimum, with protein_g.min=...).")


#: The IOM 2005 DRI reference weights of adults (the same as the energy equations' reference
#: body, :mod:`planner.person.targets`), for a range given per kg when no weight is.
REFERENCE_WEIGHT_KG: Final[Mapping[str, float]] = {"female": 57.0, "male": 70.0}


#: Adult ranges and notes apply from this age, outside pregnancy and breastfeeding.
ADULT_AGE: Final = 19


def is_adult(age: int | None, life_stage: str = "general") -> bool:
    """Whether a rule's adult ranges and notes apply (KDOQI 2020 is for adults; pregnancy
    and breastfeeding have their own needs)."""
    return age is not None and age >= ADULT_AGE and life_stage == "general"

#: KDOQI Clinical Practice Guideline for Nutrition in CKD: 2020 Update (Ikizler et al., Am J
#: Kidney Dis 2020;76(3 Suppl 1):S1-S107), guideline 3.0 (protein amount).
KDOQI_PROTEIN: Final = ProteinRange(
    0.55, 0.6, "metabolically stable adults with CKD 3-5 not on dialysis and without diabetes",
    "0.6-0.8 g per kg with diabetes and 1.0-1.2 g per kg on dialysis", "KDOQI 2020")
#: KDOQI 2020 (guideline 3.1, energy: 25-35 kcal/kg a day; sodium: under 100 mmol, 2.3 g, a
#: day in CKD 3-5) and the National Kidney Foundation: what a renal dietitian goes over
#: with a person with kidney disease.
RENAL_DIETITIAN_NOTE: Final = (
    "What a renal dietitian checks with you, beside your blood tests (National Kidney "
    "Foundation; KDOQI 2020): potassium and phosphorus against the limits you gave "
    "(phosphate additives included); protein, for your stage of kidney disease, diabetes "
    "or dialysis (KDOQI 2020); sodium, which KDOQI 2020 advises keeping under 2.3 g "
    "(2,300 mg) a day, the limit the plan's foods keep, before any salt you add; fluid, "
    "where your kidneys, swelling or dialysis call for a limit, which only your care team "
    "can set; and energy, 25-35 kcal per kg of body weight a day (KDOQI 2020). This plan "
    "is general nutrition information for them to adjust, not a renal diet prescription.")
#: National Kidney Foundation, 'Potassium and Your CKD Diet' (leaching high-potassium
#: vegetables).
LEACHING_NOTE: Final = (
    "Potatoes, sweet potatoes and beets: leaching takes out part of their potassium, not "
    "all. Peel, slice 1/8 inch (3 mm) thick, rinse, soak at least 2 hours in ten times as "
    "much warm water (fresh water every 4 hours if longer), rinse again and cook in five "
    "times as much water (National Kidney Foundation, 'Potassium and Your CKD Diet'); "
    "ask your dietitian or clinician how much leached potato fits your limit before adding "
    "it.")

_POTASSIUM_MEDICINE = dict(
    needs_limits=("potassium_mg",), no_minimum=("potassium_mg",), choices=("low_potassium",),
    aimed_groups=("dairy", "grains_whole"),
    ask="ask your doctor or pharmacist how much potassium a day is safe for you",
    notes=("This medicine can raise blood potassium; a potassium-rich plan needs a limit "
           "from your clinician. Most salt substitutes are potassium chloride, and some "
           "low-sodium packaged foods use it in place of salt: avoid them, and foods with "
           "potassium chloride among their ingredients, unless your clinician says "
           "otherwise (NIH ODS Potassium; NIDDK). Dairy and whole grains, "
           "which carry potassium, are aimed at the DGA amounts rather than required, and "
           "white rice and bread may take the place of whole grains (NIDDK, 'Potassium "
           "Tips for People with Chronic Kidney Disease').", LEACHING_NOTE))

RULES: Final[Mapping[str, HealthRule]] = {r.key: r for r in (
    HealthRule(
        "ckd", "condition", "chronic kidney disease",
        "Do you have chronic kidney disease (reduced kidney function)?",
        "National Kidney Foundation, 'Potassium and Your CKD Diet' and 'Phosphorus and Your "
        "CKD Diet'; KDOQI Clinical Practice Guideline for Nutrition in CKD (2020); NIH ODS "
        "Magnesium fact sheet (kidney disease and hypermagnesemia)",
        needs_limits=("potassium_mg", "phosphorus_mg", "magnesium_mg"),
        no_minimum=("potassium_mg", "phosphorus_mg", "magnesium_mg"),
        aimed_groups=("dairy", "grains_whole"),
        choices=("low_phosphorus", "low_potassium"),
        adult_ranges={"calcium_mg": (
            800.0, 1000.0,
            "KDOQI 2020 (adults with CKD 3-4 not taking active vitamin D): 800-1,000 mg a "
            "day of calcium in all, counting supplements and calcium-based phosphate "
            "binders")},
        ask="ask your nephrologist or renal dietitian for your daily limits of potassium, "
            "phosphorus and magnesium",
        notes=("Kidneys that work less well clear less potassium, phosphorus and magnesium; "
               "the plan keeps to the limits your clinician set. Dairy, a main source of "
               "phosphorus and potassium, is aimed at the DGA amount rather than required, "
               "and so are whole grains, which are higher in both than refined ones: almond "
               "or rice milk and white rice, pasta or bread may take the place of cow's milk "
               "and whole grains (National Kidney Foundation, 'Phosphorus and Your CKD "
               "Diet'). Most salt substitutes are potassium chloride, and some low-sodium "
               "packaged foods use it in place of salt: avoid them, and foods with "
               "potassium chloride among their ingredients, unless your clinician says "
               "otherwise (NIDDK, 'Potassium Tips for People with Chronic Kidney "
               "Disease').",
               "Phosphate additives: USDA's values may not include the phosphorus added "
               "to processed and fortified foods (plant milks, cereals, processed meat and "
               "cheese), and more of it is absorbed than from whole foods; look for words "
               "with 'phos' in the ingredients and choose brands without them (National "
               "Kidney Foundation, 'Phosphorus and Your CKD Diet').",
               RENAL_DIETITIAN_NOTE, LEACHING_NOTE),
        adult_notes=(
            "Calcium from food is kept at 800-1,000 mg a day unless you give your own "
            "(KDOQI 2020, for adults with CKD 3-4 not taking active vitamin D); KDOQI counts "
            "calcium supplements and calcium-based phosphate binders in that total, which "
            "planner cannot see, so tell your clinician what you take.",),
        protein=KDOQI_PROTEIN),
    HealthRule(
        "kidney_stones", "condition", "kidney stones",
        "Have you had kidney stones?",
        "NIDDK, 'Eating, Diet, & Nutrition for Kidney Stones'; National Kidney Foundation, "
        "'Kidney Stone Diet Plan and Prevention'; NIH ODS Calcium fact sheet",
        notes=("With kidney stones, calcium from food is not cut below its target (the "
               "RDA, or KDOQI's range with kidney disease): it binds oxalate in the gut. "
               "Spinach, beet greens, Swiss chard and nuts are high in "
               "oxalate; ask your clinician whether to limit them and drink plenty of "
               "water.",)),
    HealthRule(
        "ace_inhibitor", "medicine", "an ACE inhibitor",
        "Do you take an ACE inhibitor (a blood-pressure medicine ending in -pril, such as "
        "lisinopril)?",
        "NIH ODS Potassium fact sheet, 'Interactions with Medications' (ACE inhibitors)",
        **_POTASSIUM_MEDICINE),  # type: ignore[arg-type]
    HealthRule(
        "arb", "medicine", "an angiotensin receptor blocker (ARB)",
        "Do you take an ARB (a blood-pressure medicine ending in -sartan, such as "
        "losartan)?",
        "NIH ODS Potassium fact sheet, 'Interactions with Medications' (angiotensin "
        "receptor blockers)", **_POTASSIUM_MEDICINE),  # type: ignore[arg-type]
    HealthRule(
        "potassium_sparing_diuretic", "medicine", "a potassium-sparing diuretic",
        "Do you take a potassium-sparing diuretic (spironolactone, eplerenone, amiloride, "
        "triamterene)?",
        "NIH ODS Potassium fact sheet, 'Interactions with Medications' (potassium-sparing "
        "diuretics)", **_POTASSIUM_MEDICINE),  # type: ignore[arg-type]
    HealthRule(
        "potassium_supplement", "medicine", "potassium supplements",
        "Do you take potassium supplements or a potassium salt substitute?",
        "NIH ODS Potassium fact sheet (supplements and salt substitutes)",
        **_POTASSIUM_MEDICINE),  # type: ignore[arg-type]
    HealthRule(
        "warfarin", "medicine", "warfarin",
        "Do you take warfarin (Coumadin, Jantoven)?",
        "NIH ODS Vitamin K fact sheet, 'Interactions with Medications' (warfarin): keep "
        "vitamin K intake consistent",
        steady=("vitamin_k_ug",), unknown_out=("vitamin_k_ug",),
        notes=("On warfarin, vitamin K stays steady from day to day (within 20 % of the first "
               "day) rather than high on some days and low on others; tell your clinician "
               "before changing how many leafy greens you eat.",)),
    HealthRule(
        "ppi", "medicine", "a proton-pump inhibitor (acid-reducing medicine)",
        "Do you take acid-reducing medicine (omeprazole, esomeprazole, pantoprazole...)?",
        "FDA Drug Safety Communication (2 March 2011): low magnesium with long-term "
        "proton-pump inhibitor use; NIH ODS Vitamin B12 and Magnesium fact sheets",
        emphasis={"vitamin_b12_ug": "acid-reducing medicine lowers B12 absorption from food",
                  "magnesium_mg": "long-term acid-reducing medicine can lower blood "
                                  "magnesium (FDA, 2011)"},
        notes=("Long-term acid-reducing medicine can lower blood magnesium and B12 "
               "absorption; ask your clinician whether to check your levels.",)),
    HealthRule(
        "metformin", "medicine", "metformin",
        "Do you take metformin?",
        "NIH ODS Vitamin B12 fact sheet (metformin); NIH ODS Magnesium fact sheet (type 2 "
        "diabetes and urinary magnesium loss)",
        emphasis={"vitamin_b12_ug": "metformin lowers B12 absorption",
                  "magnesium_mg": "type 2 diabetes raises magnesium losses in urine"},
        notes=("Metformin lowers B12 absorption over time; ask your clinician whether to "
               "check your B12.",)),
    HealthRule(
        "levothyroxine", "medicine", "levothyroxine",
        "Do you take levothyroxine (thyroid hormone)?",
        "NIH ODS Calcium and Iron fact sheets, 'Interactions with Medications' "
        "(levothyroxine)",
        notes=("Calcium- and iron-rich foods and drinks (milk, yogurt, fortified juice and "
               "cereal) lower levothyroxine absorption: take the dose 4 hours apart from "
               "them, as your pharmacist advises.",)),
    HealthRule(
        "diuretic", "medicine", "a loop or thiazide diuretic",
        "Do you take a loop or thiazide diuretic (furosemide, hydrochlorothiazide)?",
        "NIH ODS Potassium and Magnesium fact sheets (loop and thiazide diuretics increase "
        "losses)",
        emphasis={"potassium_mg": "loop and thiazide diuretics increase potassium losses",
                  "magnesium_mg": "loop and thiazide diuretics increase magnesium losses"},
        notes=("Loop and thiazide diuretics increase potassium and magnesium losses; your "
               "clinician checks your levels with blood tests.",)),
)}
CONDITIONS: Final[tuple[str, ...]] = tuple(k for k, r in RULES.items() if r.kind == "condition")
MEDICINES: Final[tuple[str, ...]] = tuple(k for k, r in RULES.items() if r.kind == "medicine")


def check_keys(kind: str, values: Iterable[str]) -> tuple[str, ...]:
    """Validated condition or medicine keys (``kind`` is "condition" or "medicine")."""
    known = CONDITIONS if kind == "condition" else MEDICINES
    out = []
    for value in values:
        key = str(value).strip().lower().replace("-", "_").replace(" ", "_")
        if key not in known:
            raise ProfileError(f"{kind}: {value!r} is not one of {', '.join(known)}")
        out.append(key)
    return tuple(dict.fromkeys(out))


def check_key(value: str) -> str:
    """A validated condition or medicine key (either kind)."""
    key = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in RULES:
        raise ProfileError(f"{value!r} is not a condition ({', '.join(CONDITIONS)}) or a "
                           f"medicine ({', '.join(MEDICINES)})")
    return key


def active_rules(conditions: Iterable[str], medicines: Iterable[str]) -> list[HealthRule]:
    return [RULES[k] for k in (*conditions, *medicines)]


def missing_limits(rules: Iterable[HealthRule], limits: Mapping[str, float | None]
                   ) -> dict[str, list[HealthRule]]:
    """Nutrient -> the rules that need a clinician's limit for it, where none is set."""
    out: dict[str, list[HealthRule]] = {}
    for rule in rules:
        for nutrient in rule.needs_limits:
            if limits.get(nutrient) is None:
                out.setdefault(nutrient, []).append(rule)
    return out


def safety_error(missing: Mapping[str, list[HealthRule]]) -> SafetyError:
    """One line: why planner stops, what to ask, and how to give the answer."""
    rules = list({r.key: r for rs in missing.values() for r in rs}.values())
    why = " and ".join(r.label for r in rules)
    asks = "; ".join(dict.fromkeys(r.ask for r in rules if r.ask))
    flags = " ".join(f"--target {n}.max=..." for n in missing)
    return SafetyError(
        f"with {why}, planner does not plan meals rich in potassium or magnesium without "
        f"limits from your clinician: {asks}, then give them with {flags} (sources: "
        + "; ".join(dict.fromkeys(r.source.split(";")[0] for r in rules)) + ")")
