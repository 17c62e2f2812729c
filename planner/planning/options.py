"""How a solve may run: the solver, its time limit and MIP gap, and their defaults.

Kept apart from :mod:`planner.planning.model` (which imports PuLP and NumPy) so that the
command line can show these defaults in ``--help`` without loading a solver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

SolverName = Literal["highs", "cbc"]
DEFAULT_TIME_LIMIT: Final = 10.0  # seconds per solve
DEFAULT_MIP_GAP: Final = 0.1  # relative
#: ``planner solve`` proves its optimum by default (a user's own, small diet problem).
SOLVE_MIP_GAP: Final = 0.0


@dataclass(frozen=True)
class SolverOptions:
    """Which solver to use and how long and how precisely to let it work."""

    solver: SolverName = "highs"
    time_limit: float = DEFAULT_TIME_LIMIT
    mip_gap: float = DEFAULT_MIP_GAP
    fallback: bool = True  # try CBC when HiGHS is unavailable or fails
