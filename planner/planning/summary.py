"""What a planned week adds up to: nutrient averages and food groups against the pattern.

Shared by the reports (:mod:`planner.output.report`) and the batch's tables
(:mod:`planner.planning.batch`), so neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from planner.food.catalogue import counted_groups
from planner.meals.quality import GROUPS
from planner.meals.rules import fish_group, fish_serving_oz
from planner.planning.records import WeekPlan


def week_average(week: WeekPlan, nutrient: str) -> float:
    """A nutrient's daily average over the plan, food and supplements together."""
    return sum(week.intake(d, nutrient) for d in week.days) / len(week.days)


#: FDA/EPA Advice about Eating Fish: 2-3 servings a week in pregnancy and breastfeeding,
#: about 2 for children; the report compares the plan with 2.
FISH_ADVICE_SERVINGS: Final = 2

#: Food groups reported against the pattern: group -> per "day" or "week".
GROUP_BASIS: Final = {"vegetables": "day", "veg_dark_green": "week", "fruits": "day",
                      "grains": "day", "grains_whole": "day", "dairy": "day",
                      "protein": "day", "protein_seafood": "week"}


@dataclass(frozen=True)
class GroupRow:
    """One food group: the plan's amount and the pattern's, per day or per week."""

    group: str
    label: str
    unit: str
    per: str  # day or week
    plan: float
    pattern: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"group": self.group, "label": self.label, "unit": self.unit, "per": self.per,
                "plan": round(self.plan, 2),
                "pattern": None if self.pattern is None else round(self.pattern, 2)}


def _fish_advice_oz(week: WeekPlan) -> float | None:
    """For pregnancy, breastfeeding and children, the FDA/EPA fish advice's weekly amount
    that replaces the DGA seafood amount: 2 servings of the serving for their age (the
    least of 2-3 in pregnancy, "about 2" for children); None for everyone else."""
    profile = week.targets.profile
    if not fish_group(profile.age, profile.life_stage) or week.pattern is None \
            or not week.pattern.weekly("protein_seafood"):  # a vegetarian pattern: none
        return None
    return FISH_ADVICE_SERVINGS * fish_serving_oz(profile.age)


def group_rows(week: WeekPlan) -> list[GroupRow]:
    """The plan's food groups (daily average; weekly groups as a 7-day amount) against the
    DGA pattern it follows (seafood: the FDA/EPA advice where it applies, see
    :func:`_fish_advice_oz`). Empty for whole-table plans (no equivalents)."""
    if week.pattern is None:
        return []
    pattern = week.pattern
    counted = [counted_groups(d.groups, pattern.daily("vegetables"), pattern.daily("protein"))
               for d in week.days]
    fish_advice = _fish_advice_oz(week)
    rows = []
    for group, (label, unit) in GROUPS.items():
        per = GROUP_BASIS[group]
        average = sum(c.get(group, 0.0) for c in counted) / len(counted)
        if group == "protein_seafood" and fish_advice is not None:
            rows.append(GroupRow(group, label, unit, per, average * 7, fish_advice))
        elif per == "week":
            rows.append(GroupRow(group, label, unit, per, average * 7,
                                 week.pattern.weekly(group)))
        else:
            rows.append(GroupRow(group, label, unit, per, average,
                                 week.pattern.daily(group)))
    return rows
