"""planner: mineral-rich foods and weekly meal plans that meet the Dietary Reference Intakes.

The library API, one function per CLI command::

    table = load_foods()                      # or load_foods("fdc-data")
    catalogue = load_catalogue(table)
    targets = compute_targets(make_profile("female", 35))
    week = plan_week(table, catalogue, targets, PlanOptions(diet="vegetarian"))
    print(format_week(week, "markdown"))
"""

from __future__ import annotations

import importlib

# typing is not imported at run time: it brings re and enum along, and a Ctrl-C while
# they load came before the command line could say its one line (mypy reads this name
# as true, as typing's own)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from planner.errors import (
        DatasetError,
        FetchError,
        InfeasiblePlanError,
        OutputError,
        PlannerError,
        PlanRequestError,
        ProfileError,
        SolverError,
    )
    from planner.food.catalogue import Catalogue, generic_catalogue, load_catalogue
    from planner.food.data import FoodTable, coverage, load_foods, write_dataset
    from planner.output.report import format_week
    from planner.person.advice import Answers, advise
    from planner.person.profile import Profile, make_profile, parse_override
    from planner.person.targets import Targets, compute_targets
    from planner.planning.diet import read_foods_csv, read_targets_csv, solve_table
    from planner.planning.plan import plan_week
    from planner.planning.records import PlanOptions, WeekPlan
    from planner.planning.suggest import explain_food, rank_foods
    from planner.planning.verify import verify_week

#: The release; pyproject.toml reads it from here (the distribution is mineral-planner).
__version__ = "0.2.0"

#: Where each public name lives. Imported on first use (PEP 562), so that ``import planner``
#: and the console script start fast and Ctrl-C during start-up stays one line.
_MODULES: dict[str, str] = {
    "Answers": "planner.person.advice",
    "Catalogue": "planner.food.catalogue",
    "DatasetError": "planner.errors",
    "FetchError": "planner.errors",
    "FoodTable": "planner.food.data",
    "InfeasiblePlanError": "planner.errors",
    "OutputError": "planner.errors",
    "PlanOptions": "planner.planning.records",
    "PlanRequestError": "planner.errors",
    "PlannerError": "planner.errors",
    "Profile": "planner.person.profile",
    "ProfileError": "planner.errors",
    "SolverError": "planner.errors",
    "Targets": "planner.person.targets",
    "WeekPlan": "planner.planning.records",
    "advise": "planner.person.advice",
    "compute_targets": "planner.person.targets",
    "coverage": "planner.food.data",
    "explain_food": "planner.planning.suggest",
    "format_week": "planner.output.report",
    "generic_catalogue": "planner.food.catalogue",
    "load_catalogue": "planner.food.catalogue",
    "load_foods": "planner.food.data",
    "make_profile": "planner.person.profile",
    "parse_override": "planner.person.profile",
    "plan_week": "planner.planning.plan",
    "rank_foods": "planner.planning.suggest",
    "read_foods_csv": "planner.planning.diet",
    "read_targets_csv": "planner.planning.diet",
    "solve_table": "planner.planning.diet",
    "verify_week": "planner.planning.verify",
    "write_dataset": "planner.food.data",
}

__all__ = [
    "Answers",
    "Catalogue",
    "DatasetError",
    "FetchError",
    "FoodTable",
    "InfeasiblePlanError",
    "OutputError",
    "PlanOptions",
    "PlanRequestError",
    "PlannerError",
    "Profile",
    "ProfileError",
    "SolverError",
    "Targets",
    "WeekPlan",
    "__version__",
    "advise",
    "compute_targets",
    "coverage",
    "explain_food",
    "format_week",
    "generic_catalogue",
    "load_catalogue",
    "load_foods",
    "make_profile",
    "parse_override",
    "plan_week",
    "rank_foods",
    "read_foods_csv",
    "read_targets_csv",
    "solve_table",
    "verify_week",
    "write_dataset",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'planner' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
