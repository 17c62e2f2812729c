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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.advice import Answers, advise
    from planner.catalogue import Catalogue, generic_catalogue, load_catalogue
    from planner.data import FoodTable, coverage, load_foods, write_dataset
    from planner.diet import read_foods_csv, read_targets_csv, solve_table
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
    from planner.plan import PlanOptions, WeekPlan, plan_week, verify_week
    from planner.profile import Profile, make_profile, parse_override
    from planner.report import format_week
    from planner.suggest import explain_food, rank_foods
    from planner.targets import Targets, compute_targets

#: Where each public name lives. Imported on first use (PEP 562), so that ``import planner``
#: and the console script start fast and Ctrl-C during start-up stays one line.
_MODULES: dict[str, str] = {
    "Answers": "planner.advice",
    "Catalogue": "planner.catalogue",
    "DatasetError": "planner.errors",
    "FetchError": "planner.errors",
    "FoodTable": "planner.data",
    "InfeasiblePlanError": "planner.errors",
    "OutputError": "planner.errors",
    "PlanOptions": "planner.plan",
    "PlanRequestError": "planner.errors",
    "PlannerError": "planner.errors",
    "Profile": "planner.profile",
    "ProfileError": "planner.errors",
    "SolverError": "planner.errors",
    "Targets": "planner.targets",
    "WeekPlan": "planner.plan",
    "advise": "planner.advice",
    "compute_targets": "planner.targets",
    "coverage": "planner.data",
    "explain_food": "planner.suggest",
    "format_week": "planner.report",
    "generic_catalogue": "planner.catalogue",
    "load_catalogue": "planner.catalogue",
    "load_foods": "planner.data",
    "make_profile": "planner.profile",
    "parse_override": "planner.profile",
    "plan_week": "planner.plan",
    "rank_foods": "planner.suggest",
    "read_foods_csv": "planner.diet",
    "read_targets_csv": "planner.diet",
    "solve_table": "planner.diet",
    "verify_week": "planner.plan",
    "write_dataset": "planner.data",
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
