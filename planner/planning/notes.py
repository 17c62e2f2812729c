"""The notes a planned week carries: what its numbers stand on and what to watch (vitamin D
and B12 on average, B12 and iodine on a vegan diet, iron for vegetarians, fiber, fortified
and UV sources, B12 after 50, potassium, children, unknown USDA values, upper limits, dark
greens, sodium and B12 spread over the days), each with the source it follows.

Reads a finished plan only (its days, options, applied targets and pattern); never the
solver or the day models.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Final, cast

import pandas as pd

from planner.food.catalogue import Catalogue, portion_words
from planner.food.nutrients import KEY_NUTRIENTS, display_name, display_name_lower, unit_label
from planner.meals.dishes import FoodChoice
from planner.meals.rules import Pattern
from planner.person.health import REFERENCE_WEIGHT_KG, active_rules, is_adult
from planner.person.supplements import amounts as supplement_amounts
from planner.person.supplements import supplements_line
from planner.person.targets import Targets
from planner.planning.records import (
    AI_CAPS,
    B12_DAILY_SHARE,
    MIN_BLOCK_FOR_WEEKLY,
    WINDOW,
    AppliedTarget,
    DayPlan,
    PlanOptions,
)
from planner.words import and_list, plural, span, which_days

#: Every plan that aims potassium at the DRI for a person who named no condition or medicine.
POTASSIUM_CAUTION: Final = (
    "Potassium: this plan aims for at least {amount} mg a day, the adequate intake. With "
    "kidney disease, or a medicine or supplement that raises blood potassium (an ACE "
    "inhibitor, an ARB, a potassium-sparing diuretic, potassium supplements or salt "
    "substitutes), that much can be dangerous: say so with --condition or --medicine and "
    "planner asks for your clinician's limit (NIH ODS Potassium fact sheet).")
#: Every plan for a child or teenager.
CHILD_NOTE: Final = (
    "For a child or teenager, twitches, cramps or tingling that last, or any weakness, "
    "are for their doctor to look at before their diet is changed; this plan is general "
    "nutrition for their age.")
#: NIH ODS Vitamin B12 fact sheet ("Vegetarians" and "Vegans" under groups at risk).
VEGAN_B12_NOTE: Final = (
    "Vitamin B12 on a vegan diet: no plant food has it naturally, so this plan's B12 comes "
    "from fortified foods (plant milks, cereals); NIH ODS advises people who eat no animal "
    "foods to have B12-fortified foods or a B12 supplement; amounts vary by brand, so check "
    "the labels, and a clinician can check your B12 level (NIH ODS Vitamin B12 fact sheet).")
#: planner does not count iodine (USDA's tables do not report it for most foods).
VEGAN_IODINE_NOTE: Final = (
    "Iodine is not counted here (USDA reports it for few foods). NIH ODS notes that people "
    "who eat no dairy, eggs or seafood and do not use iodized salt may not get enough: "
    "cook with iodized salt, within the sodium advice, or ask a clinician about a "
    "supplement (NIH ODS Iodine fact sheet).")

#: A plan whose mean fiber is this many times the adequate intake says so (planner's own
#: threshold; IOM 2005 sets an AI for fiber and no upper limit). Every day is held to at
#: most twice the AI (planning/plan.py AI_CAPS).
FIBER_HIGH_FACTOR: Final = 1.5
FIBER_HIGH_NOTE: Final = (
    "Fiber comes to {amount} g a day, above the adequate intake of {ai:.0f} g (IOM 2005 DRI, "
    "which sets no upper limit) and {cap}: the beans, "
    "whole grains and vegetables that bring the minerals bring fiber too, and in large "
    "amounts phytate, which lowers the absorption of iron, zinc and calcium (NIH ODS Iron "
    "and Zinc fact sheets). If you eat much less fiber now, move to this over a few weeks "
    "and drink plenty of fluids, which eases gas and bloating.")


def fiber_note(days: Sequence[DayPlan], targets: Targets) -> str:
    """When the plan's mean fiber is FIBER_HIGH_FACTOR times the AI or more: a note."""
    fiber = targets.items.get("fiber_g")
    if fiber is None or not fiber.min or not days:
        return ""
    grams = [d.totals.get("fiber_g", 0.0) for d in days]
    if sum(grams) / len(grams) < FIBER_HIGH_FACTOR * fiber.min:
        return ""
    cap = fiber.min * AI_CAPS["fiber_g"][0]
    within = ("at most twice it, the planner's own limit" if max(grams) <= cap + 0.5 else
              "over twice it on some days, where the planner's own limit gave way to the "
              "other targets (said above)")
    return FIBER_HIGH_NOTE.format(amount=span(min(grams), max(grams)), ai=fiber.min,
                                  cap=within)


#: IOM 2001 DRI (Vitamin A, ... Iron ...), as the NIH ODS Iron fact sheet gives it: iron
#: from plant foods is less well absorbed, so vegetarians need 1.8 times the RDA.
VEGETARIAN_IRON_FACTOR: Final = 1.8
VEGETARIAN_IRON_NOTE: Final = (
    "Iron on a {diet} diet: iron from plant foods is less well absorbed, and the DRI sets "
    "the need of vegetarians at 1.8 times the RDA, about {need:,.0f} mg a day for you. "
    "This plan is built to the RDA ({rda:g} mg) and gives {mean:,.0f} mg a day on average, "
    "{meets}. Foods rich in vitamin C at the same meal help (IOM 2001 DRI; NIH ODS Iron fact "
    "sheet).")
#: ... where 1.8 times the RDA would pass the upper limit (pregnancy: 49 against 45 mg)
VEGETARIAN_IRON_HIGH_NOTE: Final = (
    "Iron on a {diet} diet: iron from plant foods is less well absorbed, and the DRI sets "
    "the need of vegetarians at 1.8 times the RDA; for you that would pass the upper limit "
    "({ul:g} mg), so how much more than the RDA ({rda:g} mg) you need is for your "
    "clinician to say. This plan gives {mean:,.0f} mg a day on average (IOM 2001 DRI; NIH "
    "ODS Iron fact sheet).")

#: A plan whose vitamin D or B12 comes this much or more from added sources says so.
LABEL_SHARE: Final = 0.5
#: What counts as an added source, per nutrient: vitamin D added to a food (milk, plant
#: milks, cereals, juice: the catalogue's ``fortified`` tag) or made in mushrooms by UV
#: light (``uv_exposed``); B12 added to a food (the ``fortified`` category: plant milks,
#: cereals, meat substitutes; cow's milk has B12 of its own).
LABEL_SOURCES: Final = {"vitamin_d_ug": ("tags", ("fortified", "uv_exposed")),
                        "vitamin_b12_ug": ("category", ("fortified",))}
LABEL_NOTE: Final = (
    "{share:.0f} % of this plan's {nutrient} comes from {how}: {foods}. Amounts vary by "
    "brand and product, so check the labels (NIH ODS {sheet} fact sheet).")
#: NIH ODS Vitamin D fact sheet: mushrooms have little vitamin D unless grown under UV light.
UV_MUSHROOM_NOTE: Final = ("Ordinary mushrooms have almost none: buy ones labelled as grown "
                           "under UV light or as a source of vitamin D.")


def added_sources(catalogue: Catalogue, days: Sequence[DayPlan], nutrient: str
           ) -> tuple[float, dict[str, float]]:
    """The plan's total of ``nutrient`` and, per food name, what the added sources of
    LABEL_SOURCES give of it."""
    column, marks = LABEL_SOURCES[nutrient]
    entries = catalogue.entries
    total = 0.0
    added: dict[str, float] = {}
    for item in (i for d in days for i in d.items):
        amount = item.nutrients.get(nutrient) or 0.0
        total += amount
        if item.food_id in entries.index and amount > 0:
            value = entries.at[item.food_id, column]
            words = value if isinstance(value, tuple | frozenset | list) else (value,)
            if any(m in words for m in marks):
                name = re.sub(r",.*$", "", item.name)  # "fortified soy milk, original"
                added[name] = added.get(name, 0.0) + amount
    return total, added


def label_notes(sources: Mapping[str, tuple[float, dict[str, float]]], diet: str
                 ) -> tuple[str, ...]:
    """Where most of the plan's vitamin D or B12 comes from fortified foods or UV-exposed
    mushrooms, whose amounts differ by brand: a note naming them (B12 on a vegan diet has
    VEGAN_B12_NOTE instead). ``sources`` is :func:`_added` per LABEL_SOURCES nutrient."""
    notes = []
    for nutrient, (total, added) in sources.items():
        if nutrient == "vitamin_b12_ug" and diet == "vegan":
            continue
        if total <= 0 or sum(added.values()) < LABEL_SHARE * total:
            continue
        foods = and_list(sorted(added, key=lambda n: -added[n]))
        how = ("foods with vitamin D added or mushrooms grown under UV light"
               if nutrient == "vitamin_d_ug" else "foods with B12 added")
        note = LABEL_NOTE.format(share=100 * sum(added.values()) / total, how=how,
                                 foods=foods, nutrient=display_name_lower(nutrient),
                                 sheet=display_name(nutrient))
        if nutrient == "vitamin_d_ug" and any("UV" in name for name in added):
            note += " " + UV_MUSHROOM_NOTE
        notes.append(note)
    return tuple(notes)


#: IOM 1998 DRI (Thiamin ... Vitamin B12 ...), as NIH ODS gives it: 10-30 % of older
#: people absorb the B12 bound in food poorly, so those over 50 should get most of their
#: B12 from fortified foods or a supplement.
OLDER_B12_AGE: Final = 51
OLDER_B12_NOTE: Final = (
    "Vitamin B12 after 50: many older adults absorb the B12 in food poorly, so the DRI "
    "advises people over 50 to get most of their B12 from fortified foods or a supplement. "
    "{source} A clinician can check your B12 level (IOM 1998 DRI; NIH ODS Vitamin B12 fact "
    "sheet).")


def older_b12_note(b12: tuple[float, dict[str, float]], targets: Targets) -> str:
    """Over 50: where the plan's B12 comes from (``b12`` is :func:`_added` for B12)."""
    if targets.profile.age < OLDER_B12_AGE or "vitamin_b12_ug" not in targets:
        return ""
    total, added = b12
    share = sum(added.values()) / total if total > 0 else 0.0
    taken = targets["vitamin_b12_ug"].supplement
    if taken:
        source = (f"Your B12 supplement ({taken:,.4g} µg a day) follows that advice; "
                  f"{100 * share:.0f} % of the plan's food B12 comes from fortified foods.")
    elif share >= LABEL_SHARE:
        source = (f"In this plan {100 * share:.0f} % of it comes from fortified foods "
                  f"({and_list(sorted(added, key=lambda n: -added[n]))}).")
    else:
        source = (f"In this plan {100 * share:.0f} % of it comes from fortified foods and "
                  "the rest from meat, fish, eggs or dairy; to follow the advice, choose "
                  "foods with B12 added (check the label: not every fortified cereal has "
                  "it) or ask a clinician about a supplement.")
    return OLDER_B12_NOTE.format(source=source)


def child_energy_note(targets: Targets) -> str:
    """For a child or teen without a measured height or weight: whose size the energy
    need stands on (the CDC 2000 median for the age), and how to give their own."""
    energy = targets.items.get("energy_kcal")
    if targets.profile.age >= 19 or not targets.energy_reference or energy is None \
            or energy.overridden or energy.value is None:
        return ""
    pronoun = "her" if targets.profile.sex == "female" else "his"
    return (f"Energy: {energy.value:,.0f} kcal a day, the NASEM 2023 EER "
            f"{targets.energy_basis}; with {pronoun} own height and weight (--height, "
            f"--weight) the number is {pronoun} own.")


def iron_note(days: Sequence[DayPlan], options: PlanOptions, targets: Targets) -> str:
    """The vegetarian and vegan iron note (none for other diets, or without an RDA)."""
    if options.diet not in ("vegetarian", "vegan") or "iron_mg" not in targets or not days:
        return ""
    iron = targets["iron_mg"]
    if iron.kind != "RDA" or not iron.min or iron.overridden:
        return ""
    # food and any iron supplement together (the 1.8 times is for all iron eaten)
    mean = sum(d.totals.get("iron_mg", 0.0) for d in days) / len(days) + iron.supplement
    need = VEGETARIAN_IRON_FACTOR * iron.min
    if iron.ul is not None and need >= iron.ul:
        return VEGETARIAN_IRON_HIGH_NOTE.format(diet=options.diet, ul=iron.ul, rda=iron.min,
                                                mean=mean)
    meets = ("which meets that" if round(mean) >= round(need) else
             "less than that; a clinician can check your iron stores with a blood test "
             "(ferritin)")
    return VEGETARIAN_IRON_NOTE.format(diet=options.diet, need=need, rda=iron.min,
                                       mean=mean, meets=meets)


# ------------------------------------------------------------------ pregnancy, breastfeeding

#: Folic acid before and in early pregnancy: CDC advises 400 µg a day from a supplement or
#: fortified food, besides the folate in food, for anyone who could become pregnant; the
#: USPSTF (2023 reaffirmation, JAMA 330:454) a daily supplement of 400-800 µg, from at
#: least a month before conception through the first 2-3 months of pregnancy.
FOLIC_ACID_UG: Final = 400
FOLIC_ACID_USPSTF_UG: Final = (400, 800)
FOLIC_ACID_NOTE: Final = (
    "Folic acid: {cdc} µg a day from a supplement or fortified foods, besides the folate in "
    "food, for anyone who could become pregnant; it matters most from a month before "
    "conception through the first 2-3 months (CDC; USPSTF 2023 recommends a daily "
    "supplement of {low}-{high} µg). {given}")
#: Iodine in pregnancy and breastfeeding: the American Thyroid Association (2006, 2017)
#: and the American Academy of Pediatrics (2014) advise a supplement of 150 µg a day
#: (NIH ODS Iodine fact sheet).
IODINE_SUPPLEMENT_UG: Final = 150
IODINE_NOTE: Final = (
    "Iodine: the American Thyroid Association and the American Academy of Pediatrics "
    "advise a supplement with {ug} µg of iodine a day in pregnancy and while "
    "breastfeeding (NIH ODS Iodine fact sheet). planner does not count iodine (USDA "
    "reports it for few foods), and not every prenatal vitamin has it: check the label.")
#: Choline adequate intakes (IOM 1998 DRI; NIH ODS Choline fact sheet), mg a day.
CHOLINE_AI_MG: Final = {"pregnancy": 450, "lactation": 550}
CHOLINE_NOTE: Final = (
    "Choline: the adequate intake is {ai} mg a day {when} (IOM 1998 DRI; NIH ODS Choline "
    "fact sheet); this plan's foods give {amount} mg a day on average. Most prenatal "
    "vitamins have little or no choline; eggs, meat, fish, dairy and soybeans have the "
    "most.")
PRENATAL_NOTE: Final = (
    "A prenatal vitamin is usual {when} (CDC): what it gives is on its Supplement Facts "
    "label, and your clinician says which to take. Give planner the nutrients it counts "
    "(--supplement folic_acid=400ug, iron=27mg, vitamin_d=15ug, as the label says) and "
    "the plan counts them.")


def life_stage_notes(days: Sequence[DayPlan], targets: Targets) -> tuple[str, ...]:
    """For pregnancy and breastfeeding: folic acid, iodine and choline, which food alone
    does not settle, and that a prenatal vitamin is usual, each with its source. No dose
    beyond the cited public advice."""
    stage = targets.profile.life_stage
    if stage not in CHOLINE_AI_MG or not days:
        return ()
    when = "in pregnancy" if stage == "pregnancy" else "while breastfeeding"
    folic = sum(s.amount for s in targets.supplements if s.kind == "folic_acid")
    if folic:
        given = (f"Your supplements give {folic:,.0f} µg of folic acid "
                 f"({1.7 * folic:,.0f} µg DFE), counted toward folate.")
    else:
        folate = sum(d.totals.get("folate_dfe_ug", 0.0) for d in days) / len(days)
        given = (f"This plan's {folate:,.0f} µg DFE of folate a day comes from food; "
                 "--supplement folic_acid=... counts a supplement's.")
    choline = sum(d.totals.get("choline_mg", 0.0) for d in days) / len(days)
    unknown = any(d.unknown.get("choline_mg") for d in days)
    notes = [FOLIC_ACID_NOTE.format(cdc=FOLIC_ACID_UG, low=FOLIC_ACID_USPSTF_UG[0],
                                    high=FOLIC_ACID_USPSTF_UG[1], given=given),
             IODINE_NOTE.format(ug=IODINE_SUPPLEMENT_UG),
             CHOLINE_NOTE.format(ai=CHOLINE_AI_MG[stage], when=when,
                                 amount=("at least " if unknown else "") + f"{choline:,.0f}"),
             PRENATAL_NOTE.format(when="before and during pregnancy" if stage == "pregnancy"
                                  else "while breastfeeding too")]
    return tuple(notes)


# ------------------------------------------------------------------ supplements

#: NIH ODS Iron fact sheet: a label lists the element; 325 mg of ferrous sulfate has 65 mg.
MINERAL_LABEL_NOTE: Final = (
    "Mineral amounts are the element a Supplement Facts label lists, not the weight of "
    "the compound: a 325 mg ferrous sulfate tablet has 65 mg of iron (NIH ODS Iron fact "
    "sheet).")
MINERALS: Final = ("magnesium", "calcium", "iron", "zinc")
#: How a supplement's label amount becomes the target's unit, with the source.
UNIT_NOTES: Final = {
    "vitamin_d": "Vitamin D: 1 µg is 40 IU (NIH ODS Vitamin D fact sheet).",
    "folic_acid": "Folic acid counts toward folate as 1.7 µg DFE per µg, as taken with "
                  "food (NIH ODS Folate fact sheet).",
}


def supplement_notes(days: Sequence[DayPlan], targets: Targets,
                     applied: Mapping[str, AppliedTarget]) -> tuple[str, ...]:
    """What the person's supplements count for, and where food and supplements together
    pass an upper limit for all sources (calcium, vitamin D, iron, zinc), naming it with
    its source. (A supplement over an upper limit for supplements alone, magnesium's
    350 mg, is in the targets' warnings.)"""
    supplements = targets.supplements
    if not supplements or not days:
        return ()
    shares = []
    for n in dict.fromkeys(s.nutrient for s in supplements):
        t = targets.items.get(n)
        a = applied.get(n)
        if t is None or t.min is None or a is None or a.min is None:
            continue
        unit = unit_label(n)
        basis = " on the week's average" if a.basis == "week_average" else ""
        food = f"{a.min:,.4g} {unit}" if a.min else "none"
        shares.append(f"{food} of {display_name_lower(n)}'s {t.min:,.4g} {unit}{basis}")
    notes = [f"Your supplements ({supplements_line(supplements)} a day) count toward "
             "each day's targets"
             + (f"; food brings the rest: {and_list(shares)}." if shares else ".")]
    if any(s.kind in MINERALS for s in supplements):
        notes.append(MINERAL_LABEL_NOTE)
    units = [text for kind, text in UNIT_NOTES.items()
             if any(s.kind == kind for s in supplements)]
    if units:
        notes.append(" ".join(units))
    for n in dict.fromkeys(s.nutrient for s in supplements):
        t = targets.items.get(n)
        kinds = [s for s in supplements if s.nutrient == n]
        if t is None or t.ul is None or t.max is None or kinds[0].info.ul_supplements_only:
            continue
        given = sum(s.nutrient_amount for s in kinds)
        over = [(d.day, d.totals[n] + given) for d in days if d.totals[n] + given > t.ul]
        if not over or given >= t.ul:  # the supplements alone: the targets' warning
            continue
        unit = unit_label(n)
        amounts = [v for _, v in over]
        span = (f"{min(amounts):,.4g}" + (f"-{max(amounts):,.4g}" if len(over) > 1 else "")
                + f" {unit}")
        notes.append(f"warning: {display_name_lower(n)} from food and supplements comes to "
                     f"{span} a day on {which_days([d for d, _ in over], len(days))}, above "
                     f"the upper limit of {t.ul:,.4g} {unit} for all sources "
                     f"({kinds[0].info.source}); your supplements give {given:,.4g} {unit} "
                     "of it; take that much only as a clinician advises.")
    return tuple(notes)


def plan_notes(catalogue: Catalogue, days: Sequence[DayPlan], options: PlanOptions,
           pattern: Pattern | None, applied: Mapping[str, AppliedTarget], targets: Targets
           ) -> tuple[str, ...]:
    notes = []
    if not options.strict_daily:
        notes.append("Vitamin D and B12 are met on average over the plan (the body stores "
                     "them); use --strict-daily to meet them every day.")
    if options.diet == "vegan":
        notes.append(VEGAN_B12_NOTE)
        notes.append(VEGAN_IODINE_NOTE)
    iron = iron_note(days, options, targets)
    if iron:
        notes.append(iron)
    fiber = fiber_note(days, targets)
    if fiber:
        notes.append(fiber)
    if pattern is not None:  # catalogue plans: the whole table has no tags
        sources = {n: added_sources(catalogue, days, n) for n in LABEL_SOURCES}
        notes.extend(label_notes(sources, options.diet))
        older = older_b12_note(sources["vitamin_b12_ug"], targets)
        if older:
            notes.append(older)
    notes.extend(supplement_notes(days, targets, applied))
    notes.extend(life_stage_notes(days, targets))
    profile = targets.profile
    potassium = applied.get("potassium_mg")
    if (not profile.conditions and not profile.medicines and potassium is not None
            and potassium.min):
        notes.append(POTASSIUM_CAUTION.format(amount=f"{potassium.min:,.0f}"))
    protein = renal_protein_note(days, targets)
    if protein:
        notes.append(protein)
    if profile.age < 18:
        notes.append(CHILD_NOTE)
    energy = child_energy_note(targets)
    if energy:
        notes.append(energy)
    unknown: dict[str, set[str]] = {}  # food id -> key nutrients USDA does not report
    for d in days:
        for n in KEY_NUTRIENTS:
            for f in d.unknown.get(n, ()):
                unknown.setdefault(f, set()).add(n)
    if unknown:
        notes.append(unknown_note(unknown, catalogue.entries["short_name"]))
    if catalogue.missing:
        notes.append(f"{plural(len(catalogue.missing), 'catalogue food')} "
                     f"{'is' if len(catalogue.missing) == 1 else 'are'} not in this food "
                     "table and not used.")
    if pattern is None:
        notes.append("Whole-table plans have no meal roles or food-group equivalents: the "
                     "meal structure and food-group rules do not apply.")
    given = supplement_amounts(targets.supplements)
    capped = [display_name_lower(n) for n, t in applied.items()
              if t.max is not None and targets[n].ul is not None
              and t.max < (targets[n].max or math.inf)
              and all(d.totals[n] + given.get(n, 0.0)  # food and supplements together
                      <= options.ul_margin * (targets[n].ul or 0.0) + 1e-6 for d in days)]
    if capped:  # "calcium ... and vitamin D"
        notes.append(f"Every day stays below {100 * options.ul_margin:.0f} % of the upper "
                     f"limit for {and_list(capped)}.")
    weekly = None if pattern is None else pattern.weekly("veg_dark_green")
    if weekly and len(days) >= MIN_BLOCK_FOR_WEEKLY:
        eaten = sum(d.groups.get("veg_dark_green", 0.0) for d in days) * WINDOW / len(days)
        if eaten > 2 * weekly + 1e-6:
            notes.append(f"Dark-green vegetables come to {eaten:.1f} cup-eq a week, more than "
                         f"twice the pattern's {weekly:g}: they bring magnesium and calcium, "
                         "and this plan needed more of them to meet its targets within the "
                         "diet.")
    return tuple(notes)


#: Sodium in a quarter teaspoon of table salt (FDA: one teaspoon holds about 2,300 mg).
SALT_QUARTER_TSP_MG: Final = 575


def unknown_note(unknown: Mapping[str, set[str]], names: pd.Series) -> str:
    """The note on chosen foods (id -> key nutrients) that USDA gives no value for. Each
    food is named as the plan names it, with its USDA number said to be one ("USDA
    09421"), so that a reader can look it up in USDA's tables."""
    foods = "; ".join(
        f"{names[f] if f in names.index else f} (USDA {f}): "
        + ", ".join(display_name(n) for n in KEY_NUTRIENTS if n in unknown[f])
        for f in sorted(unknown))
    return (f"{plural(len(unknown), 'chosen food')} {'has' if len(unknown) == 1 else 'have'} "
            f"no USDA value for a key nutrient ({foods}); totals count those values as 0, "
            "so they are lower bounds.")


def sodium_notes(days: Sequence[DayPlan], targets: Targets) -> tuple[str, ...]:
    """Days under the sodium adequate intake: the foods are unsalted in the data."""
    sodium = targets.items.get("sodium_mg")
    if sodium is None or sodium.min is None:
        return ()
    low = [d for d in days if d.totals["sodium_mg"] < sodium.min]
    if not low:
        return ()
    amounts = [d.totals["sodium_mg"] for d in low]
    which = which_days([d.day for d in low], len(days))
    return (f"{which[:1].upper()}{which[1:]} "
            f"{'has' if len(low) == 1 or len(low) == len(days) else 'have'} "
            f"{span(min(amounts), max(amounts))}"
            + f" mg of sodium, under the adequate intake of {sodium.min:,.0f} mg: the foods "
            + ("are unsalted in the data. With kidney disease keep sodium under 2,300 mg a "
               "day (KDOQI 2020) and ask your clinician before adding salt; avoid salt "
               "substitutes, which are potassium chloride, unless your clinician says "
               "otherwise." if "ckd" in targets.profile.conditions
               else "are counted without the salt of cooking or the table, which usually "
                    f"makes up the difference (about 1/4 teaspoon of salt is "
                    f"{SALT_QUARTER_TSP_MG} mg, FDA); there is no need to add salt for its own "
                    "sake. Heavy sweating raises the need; kidney or heart conditions lower "
                    "it."),)


def b12_notes(days: Sequence[DayPlan], applied: Mapping[str, AppliedTarget]
               ) -> tuple[str, ...]:
    """Days with little B12 when B12 is met on the average: spreading it is the advice."""
    b12 = applied.get("vitamin_b12_ug")
    if b12 is None or not b12.min or b12.basis != "week_average":
        return ()
    low = [d.day for d in days if d.totals["vitamin_b12_ug"] < B12_DAILY_SHARE * b12.min]
    if not low:
        return ()
    return (f"Vitamin B12 is low on {which_days(low, len(days))}: the body absorbs only "
            "a little B12 at a time, so spread fortified foods over the days, or ask a "
            "clinician about a supplement (NIH ODS).",)


def renal_protein_note(days: Sequence[DayPlan], targets: Targets) -> str:
    """The plan's protein beside the range a condition's rule gives (KDOQI 2020 with
    kidney disease), in grams for the person's weight, where the plan gives more and no
    protein limit was set ("" otherwise)."""
    profile = targets.profile
    protein = targets.items.get("protein_g")
    if not days or protein is None or (protein.overridden and protein.max is not None):
        return ""
    for rule in active_rules(profile.conditions, profile.medicines):
        if rule.protein is None or not is_adult(profile.age, profile.life_stage):
            continue
        weight = profile.weight_kg or REFERENCE_WEIGHT_KG[profile.sex]
        low, high = rule.protein.grams(weight)
        amounts = [d.totals["protein_g"] for d in days]
        if max(amounts) <= high + 0.5:
            return ""
        return (f"Protein in this plan: {span(min(amounts), max(amounts))} g a day, above "
                f"{rule.protein.source}'s {low}-{high} g for {weight:g} kg (see the protein "
                "note); planner's floor is the RDA, not a renal diet's protein. Ask your renal "
                "dietitian how much protein is right for you, and give it with --target "
                "protein_g.max=...")
    return ""


#: Where a potassium limit's swaps come from (``planner/meals/food_choices.csv``).
SWAP_SOURCE: Final = ("the National Kidney Foundation's 'Potassium and Your CKD Diet' counts "
                      "200 mg or more a serving as high; amounts from USDA")


def swap_notes(left_out: Sequence[tuple[FoodChoice, Sequence[str]]],
               portions: Sequence[tuple[FoodChoice, Sequence[str]]],
               entries: pd.DataFrame) -> tuple[str, ...]:
    """The renal swaps a person's limits made (:meth:`planner.meals.dishes.Dishes.left_out`
    and :meth:`~planner.meals.dishes.Dishes.portions`): the foods left out, by group, and
    the smaller portions, each with the reason its ``food_choices.csv`` row gives."""
    if not left_out and not portions:
        return ()
    groups = []
    for choice, ids in left_out:
        what = "kind" if choice.match.startswith("kind:") else "short_name"
        groups.append(and_list(list(dict.fromkeys(str(entries.at[f, what]) for f in ids))))
    text = ""
    if groups:
        text = ("Potassium swaps: with a potassium limit, planner leaves out the high-potassium "
                f"foods a dietitian swaps first ({SWAP_SOURCE}): {'; '.join(groups)}. "
                "Lower-potassium foods take their place (apples, pears, berries, white "
                "rice and bread); --include or --like brings one back, counted "
                "within your limit. Milk, yogurt, nuts, seeds and the beans, peas and "
                "lentils not named here stay, although the same list counts them high: "
                "they bring the calcium, magnesium and protein this plan must reach, each "
                "portion counted within your limit (a dietitian who knows your limit may "
                "swap them too).")
    for choice, ids in portions:
        cap = min(choice.most.values())
        words = list(dict.fromkeys(portion_words(cast(pd.Series, entries.loc[f]), cap)
                                   for f in ids))
        amounts = ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]
        label, _, why = choice.why.partition(":")
        text += (" " if text else "") + (f"With a potassium limit, {label} are served at most "
                                         f"{amounts} at a meal ({why.strip()}).")
    return (text,)

