"""planner: mineral-rich foods and weekly meal plans that meet the Dietary Reference Intakes.

The library API, one function per CLI command::

    table = load_foods()                      # or load_foods("fdc-data")
    catalogue = load_catalogue(table)
    targets = compute_targets(make_profile("female", 35))
    week = plan_week(table, catalogue, targets, PlanOptions(diet="vegetarian"))
    print(format_week(week, "markdown"))
"""

from __future__ import annotations

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
