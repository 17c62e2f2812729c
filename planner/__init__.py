"""planner: mineral-rich foods and weekly meal plans that meet the Dietary Reference Intakes."""

from __future__ import annotations

from planner.data import FoodTable, coverage, load_foods
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

__all__ = [
    "DatasetError",
    "FetchError",
    "FoodTable",
    "InfeasiblePlanError",
    "OutputError",
    "PlanRequestError",
    "PlannerError",
    "ProfileError",
    "SolverError",
    "coverage",
    "load_foods",
]
