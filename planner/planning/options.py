"""How a solve may run: the solver, its MIP gap, an optional time limit, and defaults.

Kept apart from :mod:`planner.planning.model` (which imports PuLP and NumPy) so that the
command line can show these defaults in ``--help`` without loading a solver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

SolverName = Literal["highs", "cbc"]
#: No wall-clock limit decides a plan: every search is held to counts (nodes, relaxations),
#: so the same request gives the same plan on any machine, however busy. A time limit is
#: only a safety net the user may set; a solve that reaches it is an error.
DEFAULT_TIME_LIMIT: Final[float | None] = None
DEFAULT_MIP_GAP: Final = 0.02  # relative
#: ``planner solve`` proves its optimum by default (a user's own, small diet problem).
SOLVE_MIP_GAP: Final = 0.0


@dataclass(frozen=True)
class SolverOptions:
    """Which solver to use, how precisely to let it work and, as a safety net only, how
    long (seconds per solve; None: no limit)."""

    solver: SolverName = "highs"
    time_limit: float | None = DEFAULT_TIME_LIMIT
    mip_gap: float = DEFAULT_MIP_GAP
    fallback: bool = True  # try CBC when HiGHS is unavailable or fails
