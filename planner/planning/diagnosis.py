"""Why no plan: the misses of a week's hard bounds grouped into shortfalls, the one-line
message that names them, what to try (never to eat an excluded allergen), and what a day
filled around eaten food still misses.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Final

from planner.errors import InfeasiblePlanError, Shortfall
from planner.food.catalogue import ALLERGENS
from planner.food.data import FoodTable
from planner.food.nutrients import BY_NAME, display_name, unit_label
from planner.person.health import HealthRule
from planner.planning.records import (
    STORED,
    WINDOW,
    AppliedTarget,
    DayPlan,
    PlanOptions,
    energy_block_misses,
    nutrient_totals,
)


def best_effort_notes(shortfalls: Sequence[Shortfall], days: Sequence[DayPlan],
                       table: FoodTable) -> tuple[str, ...]:
    """What a filled day still misses, and what the eaten food alone already breaks."""
    out = []
    eaten, _ = nutrient_totals([i for d in days for i in d.items if i.eaten], table)
    for s in shortfalls:
        label, unit = measure_label(s.nutrient)
        unit = "% of energy" if s.bound.startswith("pct") else unit
        if s.bound in ("max", "pct_max"):
            already = eaten.get(s.nutrient)
            if already is not None and s.bound == "max" and already > s.target:
                out.append(f"Already over: what you ate has {already:,.0f} {unit} of "
                           f"{in_sentence(label)}, above the limit of {figure(s.target)} {unit}; "
                           "the rest of the day adds as little as it can.")
            else:
                out.append(f"{label} stays over its limit ({figure(s.target)} {unit}) by "
                           f"{figure(s.amount)} {unit} with what you ate.")
        else:
            out.append(f"Still short: {in_sentence(label)} by {figure(s.amount)} {unit} "
                       f"(needs {figure(s.target)} {unit}); no remaining meal can close it "
                       "within the meal rules and limits.")
    return tuple(out)


#: Food-group measures a week holds as a whole (their misses are the week's, not a day's).
WEEKLY_MEASURES: Final = frozenset({"veg_dark_green", "veg_red_orange", "veg_starchy",
                                    "veg_other", "veg_beans", "protein_seafood",
                                    "seafood_good", "leafy_green_days"})


#: Food groups that bring much of a plan's protein: short under a protein limit the
#: person set, the limit is the likely reason.
PROTEIN_GROUPS: Final = frozenset({"dairy", "protein", "protein_seafood", "veg_beans"})


def low_protein_energy(applied: Mapping[str, AppliedTarget] | None) -> str:
    """Why energy falls short under a protein limit the person gave (``applied``): the
    words a miss and a diagnosis both use ("" without such a limit)."""
    protein = (applied or {}).get("protein_g")
    if protein is None or not protein.limit or protein.max is None:
        return ""
    return (f"under a protein limit of {protein.max:,.0f} g, a low-protein diet takes much "
            "of its energy from low-protein foods planner does not plan with (oils and "
            "spreads, sugars, low-protein breads and pastas)")


def miss_notes(misses: Sequence[Shortfall], options: PlanOptions,
               impossible: Sequence[Shortfall] = (), own: Collection[str] = (),
               applied: Mapping[str, AppliedTarget] | None = None) -> tuple[str, ...]:
    """One line per target the nearest plan misses (no plan meets them all), first among
    the notes, then what would help: "Not met: energy short by 88 kcal (3 %) on day 2
    (needs 2,961 kcal)". ``impossible`` are the targets no single day can reach with the
    foods allowed; ``own`` the nutrients whose upper limit is the planner's own (fiber),
    which gives way to every target: said last, and so. Energy short under a protein
    limit the person gave (``applied``) says so: the limit is why."""
    out = []
    beyond = {s.nutrient for s in impossible}
    low_protein = low_protein_energy(applied)
    for s in sorted(misses, key=lambda m: m.nutrient in own and m.bound == "max"):
        label, unit = measure_label(s.nutrient)
        unit = "% of energy" if s.bound.startswith("pct") else unit
        share = (f" ({100 * s.amount / s.target:.0f} %)" if s.target > 0 and not
                 s.bound.startswith("pct") and s.amount / s.target >= 0.005 else "")
        if not s.days:
            where = "a day on average"
        elif s.nutrient in WEEKLY_MEASURES:
            where = "over the week" if len(s.days) == 1 else \
                f"over the weeks ending on days {', '.join(map(str, s.days))}"
        elif len(s.days) == options.days and options.days > 1:
            where = "every day"
        elif len(s.days) == 1:
            where = f"on day {s.days[0]}"
        else:
            where = f"on days {', '.join(map(str, s.days[:7]))}" + \
                ("..." if len(s.days) > 7 else "")
        verb, limit = (("short by", "needs") if s.bound in ("min", "pct_min") else
                       ("over by", "limit"))
        why = (low_protein if low_protein and s.nutrient == "energy_kcal" and
               s.bound == "min" else
               f"the protein limit of {applied['protein_g'].max:,.0f} g leaves little room "
               "for the protein it brings" if low_protein and applied is not None and
               s.nutrient in PROTEIN_GROUPS and s.bound == "min" else
               "no food you allow can bring it up" if s.nutrient in beyond else
               "the planner's own limit gives way to the targets, and the foods that "
               "meet them here bring more" if s.nutrient in own and s.bound == "max" else
               "no plan found meets it within the meal and variety rules")
        out.append(f"Not met: {in_sentence(label)} {verb} {figure(s.amount)} {unit}{share} "
                   f"{where} ({limit} {figure(s.target)} {unit}); {why}."
                   .replace("  ", " "))
    fixes = suggest_fixes(misses, options)
    if low_protein and any(s.nutrient == "energy_kcal" and s.bound == "min" for s in misses):
        # energy under a protein limit the person set: the limit is theirs to discuss,
        # and the energy comes from foods planner does not plan with
        fixes.insert(0, "ask the clinician who set your protein limit how to make up the "
                        "energy (a dietitian, a renal one with kidney disease, plans the "
                        "low-protein foods that bring it)")
    if fixes:
        out.append("To meet every target: " + "; ".join(fixes) + ".")
    return tuple(out)


def with_health_hint(error: InfeasiblePlanError, health: Sequence[HealthRule],
                     applied: Mapping[str, AppliedTarget] | None = None
                     ) -> InfeasiblePlanError:
    """A diagnosis under a clinician's mineral limits also says why: planner's foods are
    chosen to be rich in the very minerals the limits hold down. A day short of energy
    under a protein limit the person gave (``applied``) says that a low-protein diet
    takes its energy from foods planner does not plan with."""
    limited = [r for r in health if r.needs_limits]
    if not limited:
        return error
    hint = (f"with {' and '.join(r.label for r in limited)}, the mineral-rich foods planner "
            "uses may not fit your limits: a renal dietitian or your clinician can plan "
            "meals within them")
    low_protein = low_protein_energy(applied)
    if low_protein and any(s.nutrient == "energy_kcal" and s.bound == "min"
                           for s in error.shortfalls):
        hint += f"; {low_protein}"
    return InfeasiblePlanError(f"{error}; {hint}", error.shortfalls,
                               (*error.suggestions, hint))


def group_shortfalls(misses: Sequence[tuple[str, str, int, float, float]],
                applied: Mapping[str, AppliedTarget], days: Sequence[DayPlan],
                options: PlanOptions, eer: float = 0.0) -> list[Shortfall]:
    """Group per-day misses of hard bounds; stored nutrients are judged on the average.
    Each miss is (nutrient or measure, side, day, amount missed, the bound's value).
    With the ``eer``, a block of days (:data:`WINDOW`) whose mean energy is outside the
    week tolerance of it is a miss too, a day on average (the largest block's): a day
    may meet its energy band yet miss the floor the days before it left (the last day of
    a block, a one-day plan), unless every day misses its band on that side."""
    grouped: dict[tuple[str, str], list[tuple[int, float, float]]] = {}
    totals = {d.day: d.totals for d in days}
    for nutrient, side, day, amount, target in misses:
        if nutrient in STORED and side == "min" and not options.strict_daily:
            continue
        had = totals.get(day, {}).get(nutrient) if side in ("min", "max") else None
        bound = applied.get(nutrient)
        limit = target or (None if bound is None else bound.min if side == "min"
                           else bound.max)  # 0: the bound is the applied target's
        if had is not None and limit:  # a nutrient's miss: the day's grams against it
            missed = limit - had if side == "min" else had - limit
            if missed <= 1e-9 * max(1.0, abs(limit)):
                continue  # the solver's columns fell a rounding short; the grams meet it
            amount = missed
        grouped.setdefault((nutrient, side), []).append((day, amount, target))
    out = []
    for (nutrient, side), hits in grouped.items():
        bound = applied.get(nutrient)
        if bound is not None and side in ("pct_min", "pct_max"):
            assert bound.pct_energy is not None
            target = bound.pct_energy[0] if side == "pct_min" else bound.pct_energy[1]
        elif bound is not None:
            target = (bound.min if side == "min" else bound.max) or 0.0
        else:  # a food-group rule: its bound can change from day to day
            target = max(t for _, _, t in hits)
        out.append(Shortfall(nutrient, side, target, max(a for _, a, _ in hits),
                             tuple(d for d, _, _ in hits)))
    tolerance = options.week_energy_tolerance
    blocks = energy_block_misses(days, eer, tolerance) if eer > 0 else []
    # every day already misses its energy band on that side (a one-day plan short of
    # energy, say): the mean is off for that reason, said once, by the days' own line
    every = {s.bound for s in out if s.nutrient == "energy_kcal"
             and set(s.days) >= {d.day for d in days}}
    for side, sign, limit in (("min", -1, eer * (1 - tolerance)),
                              ("max", 1, eer * (1 + tolerance))):
        worst = max((sign * miss for *_, miss in blocks if sign * miss > 0), default=0.0)
        if worst and side not in every:  # the largest block's
            out.append(Shortfall("energy_kcal", side, limit, worst, ()))
    if not options.strict_daily:
        for n in STORED:
            stored = applied.get(n)
            if stored is None or stored.min is None:
                continue
            average = sum(d.totals[n] for d in days) / len(days)
            if average < stored.min * (1 - 1e-6):
                out.append(Shortfall(n, "min", stored.min, stored.min - average, ()))
    return out


def in_sentence(label: str) -> str:
    """A measure's label inside a sentence: "Vitamin D" -> "vitamin D" (a name's own
    capitals kept, as :func:`planner.food.nutrients.display_name_lower` keeps them)."""
    return label[:1].lower() + label[1:]


def measure_label(name: str) -> tuple[str, str]:
    """(display name, unit) of a nutrient or a food-group measure."""
    if name in BY_NAME:
        return display_name(name), unit_label(name)
    label, unit = GROUP_LABELS.get(name, (name.replace("_", " "), ""))
    return label[0].upper() + label[1:], unit


#: Food-group measures in messages: name -> (label, unit).
GROUP_LABELS: Final[Mapping[str, tuple[str, str]]] = {
    "vegetables": ("vegetables", "cup-eq"),
    "vegetables_not_beans": ("vegetables other than beans", "cup-eq"),
    "fruits": ("fruit", "cup-eq"), "grains": ("grains", "oz-eq"),
    "grains_whole": ("whole grains (share of grains)", ""),
    "dairy": ("dairy or fortified soy", "cup-eq"), "protein": ("protein foods", "oz-eq"),
    "veg_dark_green": ("dark-green vegetables", "cup-eq"),
    "protein_seafood": ("seafood", "oz-eq"), "milk_drink_cups": ("milk drinks", "cups"),
    "saturated_fat": ("saturated fat", ""), "added_sugars": ("added sugars", ""),
    "legumes": ("beans, peas and lentils", "cup-eq"),
    "veg_red_orange": ("red and orange vegetables", "cup-eq"),
    "veg_starchy": ("starchy vegetables", "cup-eq"),
    "veg_other": ("other vegetables", "cup-eq"),
    "veg_beans": ("beans, peas and lentils (vegetable subgroup)", "cup-eq"),
    "seafood_good": ("good-choice fish", "oz-eq"),
    "plant_dairy": ("plant milk and soy yogurt", "cup-eq"),
    "yogurts": ("yogurts", "servings"), "dried_fruits": ("dried fruits", "foods"),
    "filling": ("a taco's filling", "oz-eq"),
    "seafood_mains": ("fish or shellfish mains", ""),
    "leafy_green_days": ("days with leafy greens", "days"),
}


def figure(value: float) -> str:
    """4000 -> '4,000', 1764.3 -> '1,764', 0.347 -> '0.347' (as the plan's own figures)."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def infeasible_error(shortfalls: Sequence[Shortfall], options: PlanOptions, *, certain: bool
                ) -> InfeasiblePlanError:
    parts = []
    for s in shortfalls:
        label, unit = measure_label(s.nutrient)
        unit = "% of energy" if s.bound.startswith("pct") else unit
        if not s.days:
            where = "a day on average"
        elif len(s.days) == options.days and options.days > 1:
            where = "every day"
        elif len(s.days) == 1:
            where = f"on day {s.days[0]}"
        else:
            where = (f"on days {', '.join(map(str, s.days[:7]))}"
                     f"{'...' if len(s.days) > 7 else ''}")
        verb = "short by" if s.bound in ("min", "pct_min") else "over by"
        limit = "needs" if s.bound in ("min", "pct_min") else "limit"
        parts.append(f"{label} ({limit} {figure(s.target)} {unit}) "
                     f"{verb} {figure(s.amount)} {unit} {where}".replace("  ", " "))
    suggestions = suggest_fixes(shortfalls, options)
    lead = ("no plan can meet these targets with the foods allowed" if certain else
            "no plan was found that meets every target within the meal and variety rules")
    message = f"{lead}: " + "; ".join(parts) + ". Try: " + "; ".join(suggestions)
    return InfeasiblePlanError(message, shortfalls, suggestions)


def suggest_fixes(shortfalls: Sequence[Shortfall], options: PlanOptions) -> list[str]:
    """What would most likely make the request feasible."""
    short = {s.nutrient for s in shortfalls}
    out = []
    excluded = {e.lower() for e in options.exclude}
    if short & {"vitamin_b12_ug", "vitamin_d_ug"}:
        if "fortified" in excluded:
            out.append("allow fortified foods (remove --exclude fortified)")
        elif options.diet in ("vegan", "vegetarian"):
            out.append("include fortified foods (plant milks, cereals)")
        out.append("talk to a clinician about a vitamin B12 or D supplement"
                   if "vitamin_b12_ug" in short and "vitamin_d_ug" in short else
                   "talk to a clinician about a "
                   + ("vitamin B12" if "vitamin_b12_ug" in short else "vitamin D")
                   + " supplement")
    # an allergen is excluded for a reason (an allergy, coeliac disease): never suggest
    # eating it; suggest a food to add instead
    others = [e for e in options.exclude if not (e.lower() == "fortified" and out)
              and e.lower() not in ALLERGENS]
    if others:
        out.append("relax an exclusion (" + ", ".join(f"--exclude {e}" for e in others[:3])
                   + ")")
    if excluded & set(ALLERGENS):
        out.append("add a food you can eat with --include "
                   "(planner foods --rich-in calcium lists some)")
    if short & {"calcium_mg"} and "dairy" in excluded:
        out.append("allow dairy, or calcium-set tofu and fortified plant milks")
    if not out or short - {"vitamin_b12_ug", "vitamin_d_ug"}:
        # a looser repeat limit can help only a plan of several days that has one to give
        looser = options.days > 1 and options.max_days < WINDOW
        out.append("lower a target with --target NAME=VALUE"
                   + (", or raise --max-days" if looser else ""))
    return list(dict.fromkeys(out))


