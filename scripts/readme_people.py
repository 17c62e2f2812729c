#!/usr/bin/env python3
"""Print README.md's table of food groups, HEI and shopping-list size for eleven people
(a week each, default seed), from the planner as it is.

Usage: python scripts/readme_people.py    # paste the table under "A sample week"
"""

from __future__ import annotations

import re
from typing import Any

from planner.food.catalogue import load_catalogue
from planner.food.data import load_foods
from planner.person.profile import make_profile
from planner.person.targets import compute_targets
from planner.planning.plan import plan_week
from planner.planning.records import PlanOptions
from planner.planning.summary import group_rows

PEOPLE: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("woman 35", ("female", 35), {}),
    ("vegetarian man 58", ("male", 58), {"diet": "vegetarian"}),
    ("pregnant woman 29", ("female", 29, "pregnancy"), {}),
    ("breastfeeding woman 32", ("female", 32, "lactation"), {}),
    ("boy 16", ("male", 16), {}),
    ("woman 72", ("female", 72), {}),
    ("vegan man 45", ("male", 45), {"diet": "vegan"}),
    ("pescatarian woman 40, no dairy", ("female", 40),
     {"diet": "pescatarian", "exclude": ("dairy",)}),
    ("gluten-free man 40", ("male", 40), {"exclude": ("gluten",)}),
    ("girl 9", ("female", 9), {}),
    ("boy 9", ("male", 9), {}),
]


def _n(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.1f}"


def main() -> None:
    table = load_foods()
    catalogue = load_catalogue(table)
    print("| person | pattern | energy vs need | vegetables | fruit | grains (whole) | dairy "
          "| seafood | HEI-2020 | list lines | repeats |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for label, profile, options in PEOPLE:
        targets = compute_targets(make_profile(*profile))
        week = plan_week(table, catalogue, targets, PlanOptions(**options))
        rows = {r.group: r for r in group_rows(week)}
        eer = targets["energy_kcal"].value or 0.0
        mean = sum(d.totals["energy_kcal"] for d in week.days) / len(week.days)
        pattern = week.pattern
        assert pattern is not None and week.quality is not None

        def cell(group: str, rows: dict[str, Any] = rows) -> str:
            r = rows[group]
            return f"{r.plan:.1f} / {_n(r.pattern or 0)}"

        seafood = rows["protein_seafood"]
        fish = "-" if not seafood.plan and not seafood.pattern else \
            f"{seafood.plan:.0f} / {_n(seafood.pattern or 0)} oz"
        name = "U.S.-style" if pattern.name == "us" else "vegetarian"
        note = next((n for n in week.notes if n.startswith("To meet every target")), "")
        first = re.search(r"from day (\d+)", note)
        raised = "3 of 7" if not note else \
            f"{note.split('up to ')[1].split(' days')[0]} of 7" + (
                f" from day {first.group(1)}" if first and first.group(1) != "1" else "")
        print(f"| {label} | {name} {pattern.kcal:,} | {100 * (mean - eer) / eer:+.1f} % | "
              f"{cell('vegetables')} | {cell('fruits')} | {rows['grains'].plan:.1f} "
              f"({rows['grains_whole'].plan:.1f}) / {_n(rows['grains'].pattern or 0)} | "
              f"{cell('dairy')} | {fish} | {week.quality.total:.0f} | "
              f"{len(week.shopping_list)} | {raised} |", flush=True)


if __name__ == "__main__":
    main()
