"""Optimisation models, and the only module that imports PuLP.

Two models live here:

* :func:`solve_day` picks whole (or half) servings of candidate foods for the meal slots of
  one day. Every nutrient bound is *elastic*: a slack variable with a large penalty lets
  the model stay feasible and report exactly which bound failed and by how much. The week
  planner (:mod:`planner.plan`) calls it once per day.
* :func:`solve_diet` is the generic diet problem over a user's own food table (minimise
  price or energy subject to nutrient bounds), also elastic for diagnosis.

Solvers: HiGHS through PuLP (in-process, ``highspy``) by default, CBC (bundled with PuLP)
as the fallback. Every solve reports solver name, status, seconds and MIP gap.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pulp

from planner.errors import SolverError

SolverName = Literal["highs", "cbc"]
SOLVERS: Final[tuple[str, ...]] = ("highs", "cbc")
DEFAULT_TIME_LIMIT: Final = 10.0  # seconds per solve
DEFAULT_MIP_GAP: Final = 0.1  # relative
#: Penalty per 1.0 of relative slack (a bound missed by 100 % of its value). Far above any
#: preference term, so slack is used only when a bound cannot be met at all.
ELASTIC_PENALTY: Final = 10_000.0
_TOLERANCE: Final = 1e-6


@dataclass(frozen=True)
class SolverOptions:
    """Which solver to use and how long and how precisely to let it work."""

    solver: SolverName = "highs"
    time_limit: float = DEFAULT_TIME_LIMIT
    mip_gap: float = DEFAULT_MIP_GAP
    fallback: bool = True  # try CBC when HiGHS is unavailable or fails


@dataclass(frozen=True)
class SolverInfo:
    """What the solver reports: ``status`` is optimal, feasible (time limit hit with a
    solution) or infeasible."""

    name: str
    status: str
    seconds: float
    mip_gap: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "seconds": round(self.seconds, 3),
                "mip_gap": None if self.mip_gap is None else round(self.mip_gap, 6)}


@dataclass(frozen=True)
class Bound:
    """A linear bound ``lo <= sum(coef * x) <= hi`` over the candidate units.

    ``coef`` has one entry per candidate. ``scale`` normalises the slack (usually the target
    value) so that the penalty is per relative miss; ``weight`` multiplies the penalty
    (1 = hard-but-elastic, small values = soft preference).
    """

    name: str
    coef: np.ndarray
    lo: float | None = None
    hi: float | None = None
    scale: float = 1.0
    weight: float = 1.0
    energy_coef: np.ndarray | None = None  # if set, lo/hi are fractions of sum(energy * x)


@dataclass(frozen=True)
class DayProblem:
    """One day's meal-planning model, in arrays indexed by candidate (a food in a slot).

    ``food`` and ``slot`` give each candidate's food index and slot index; ``upper`` its
    maximum number of units (a unit is the food's serving step). ``unit_cost`` is charged
    per unit and ``item_cost`` once if the candidate is used at all.
    """

    food: np.ndarray
    slot: np.ndarray
    upper: np.ndarray
    unit_cost: np.ndarray
    item_cost: np.ndarray
    energy: np.ndarray  # kcal per unit
    bounds: Sequence[Bound]
    slot_names: Sequence[str]
    slot_items: Mapping[int, tuple[int, int]]  # slot -> (min items, max items)
    slot_energy: Mapping[int, tuple[float, float]]  # slot -> (min kcal, max kcal)
    # (slot, mask over candidates, label): the slot must use at least one masked candidate
    slot_needs: Sequence[tuple[int, np.ndarray, str]] = ()
    one_slot_foods: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    max_slots_per_food: int = 2  # for foods not in one_slot_foods
    day_upper: Mapping[int, int] = field(default_factory=dict)  # food -> max units a day
    new_foods: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    min_new_foods: int = 0
    required_units: Mapping[int, int] = field(default_factory=dict)  # food -> min units


@dataclass(frozen=True)
class DaySolution:
    units: np.ndarray  # units chosen per candidate
    slack: Mapping[str, float]  # bound name -> relative miss (0 when met)
    info: SolverInfo
    objective: float


def solve_day(problem: DayProblem, options: SolverOptions = SolverOptions()) -> DaySolution:
    """Build and solve one day's model; raise :class:`SolverError` if no solution is found."""
    n = len(problem.food)
    lp = pulp.LpProblem("day", pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{i}", 0, int(problem.upper[i]), cat="Integer") for i in range(n)]
    y = [pulp.LpVariable(f"y{i}", cat="Binary") for i in range(n)]
    objective: list[Any] = []
    for i in range(n):
        lp += x[i] <= int(problem.upper[i]) * y[i], f"link{i}"
        lp += x[i] >= y[i], f"used{i}"
        objective.append(float(problem.unit_cost[i]) * x[i] + float(problem.item_cost[i]) * y[i])
    slacks = _add_bounds(lp, problem.bounds, x, objective)
    for s, name in enumerate(problem.slot_names):
        members = [i for i in range(n) if problem.slot[i] == s]
        low, high = problem.slot_items.get(s, (0, len(members)))
        count = pulp.lpSum(y[i] for i in members)
        lp += count >= low, f"min_items_{name}"
        lp += count <= high, f"max_items_{name}"
        if s in problem.slot_energy:
            kcal_lo, kcal_hi = problem.slot_energy[s]
            meal = pulp.lpSum(float(problem.energy[i]) * x[i] for i in members)
            lp += meal >= kcal_lo, f"min_energy_{name}"
            lp += meal <= kcal_hi, f"max_energy_{name}"
    for s, mask, label in problem.slot_needs:
        needed = [i for i in range(n) if problem.slot[i] == s and mask[i]]
        if needed:
            lp += pulp.lpSum(y[i] for i in needed) >= 1, f"needs_{label}"
    by_food: dict[int, list[int]] = {}
    for i in range(n):
        by_food.setdefault(int(problem.food[i]), []).append(i)
    one_slot = {int(f) for f in problem.one_slot_foods}
    for f, members in by_food.items():
        slots_allowed = 1 if f in one_slot else problem.max_slots_per_food
        if len(members) > slots_allowed:
            lp += pulp.lpSum(y[i] for i in members) <= slots_allowed, f"slots_{f}"
        cap = problem.day_upper.get(f)
        if cap is not None and sum(int(problem.upper[i]) for i in members) > cap:
            lp += pulp.lpSum(x[i] for i in members) <= cap, f"day_cap_{f}"
    if problem.min_new_foods > 0:
        new = set(int(f) for f in problem.new_foods)
        lp += pulp.lpSum(y[i] for i in range(n) if int(problem.food[i]) in new) >= \
            problem.min_new_foods, "min_new_foods"
    for f, units in problem.required_units.items():
        lp += pulp.lpSum(x[i] for i in by_food.get(int(f), [])) >= units, f"include_{f}"
    lp += pulp.lpSum(objective)
    # Restricted master: solve the LP relaxation, keep the candidates it uses plus the
    # cheapest few per slot and per meal need, and solve the integer model over those.
    # If that loses anything the LP could meet, fall back to the full integer model.
    relaxed = _solve(lp, options, mip=False)
    lp_slack = {k: max(0.0, v.varValue or 0.0) for k, v in slacks.items()}
    keep = _pool(problem, np.array([v.varValue or 0.0 for v in x]))
    for j in np.flatnonzero(~keep):
        x[j].upBound = 0
        y[j].upBound = 0
    info = _solve(lp, options, mip=True)
    slack = {k: max(0.0, v.varValue or 0.0) for k, v in slacks.items()}
    if info.status == "infeasible" or any(slack[k] > lp_slack[k] + 1e-6 for k in slack):
        for j in np.flatnonzero(~keep):
            x[j].upBound = int(problem.upper[j])
            y[j].upBound = 1
        info = _solve(lp, options, mip=True)
        slack = {k: max(0.0, v.varValue or 0.0) for k, v in slacks.items()}
    info = SolverInfo(info.name, info.status, info.seconds + relaxed.seconds, info.mip_gap)
    values = np.array([round(v.varValue or 0.0) for v in x], dtype=int)
    return DaySolution(values, slack, info, float(pulp.value(lp.objective) or 0.0))


#: Candidates kept per slot beyond those the LP relaxation uses (cheapest by item cost).
POOL_PER_SLOT: Final = 10
POOL_PER_NEED: Final = 4


def _pool(problem: DayProblem, relaxed: np.ndarray) -> np.ndarray:
    keep = relaxed > 1e-6
    cost = problem.item_cost + problem.unit_cost
    for s in range(len(problem.slot_names)):
        members = np.flatnonzero(problem.slot == s)
        keep[members[np.argsort(cost[members], kind="stable")[:POOL_PER_SLOT]]] = True
    for s, mask, _ in problem.slot_needs:
        members = np.flatnonzero((problem.slot == s) & mask)
        keep[members[np.argsort(cost[members], kind="stable")[:POOL_PER_NEED]]] = True
    for f in problem.required_units:
        keep[problem.food == f] = True
    return keep


def _add_bounds(lp: pulp.LpProblem, bounds: Sequence[Bound], x: Sequence[Any],
                objective: list[Any]) -> dict[str, Any]:
    """Add elastic bounds; return the slack variables by bound name (relative units)."""
    slacks: dict[str, Any] = {}
    for b in bounds:
        total = pulp.lpSum(float(c) * x[i] for i, c in enumerate(b.coef) if c)
        if b.energy_coef is not None:  # share of energy: lo * E <= total <= hi * E
            energy = pulp.lpSum(float(c) * x[i] for i, c in enumerate(b.energy_coef) if c)
            for side, frac in (("lo", b.lo), ("hi", b.hi)):
                if frac is None:
                    continue
                s = pulp.LpVariable(f"slack_{b.name}_{side}", 0)
                slacks[f"{b.name}:{side}"] = s
                objective.append(ELASTIC_PENALTY * b.weight * s)
                if side == "lo":
                    lp += total - frac * energy + s * b.scale >= 0, f"{b.name}_{side}"
                else:
                    lp += total - frac * energy - s * b.scale <= 0, f"{b.name}_{side}"
            continue
        if b.lo is not None:
            s = pulp.LpVariable(f"slack_{b.name}_lo", 0)
            slacks[f"{b.name}:lo"] = s
            objective.append(ELASTIC_PENALTY * b.weight * s)
            lp += total + s * b.scale >= b.lo, f"{b.name}_lo"
        if b.hi is not None:
            s = pulp.LpVariable(f"slack_{b.name}_hi", 0)
            slacks[f"{b.name}:hi"] = s
            objective.append(ELASTIC_PENALTY * b.weight * s)
            lp += total - s * b.scale <= b.hi, f"{b.name}_hi"
    return slacks


def _solve(lp: pulp.LpProblem, options: SolverOptions, *, mip: bool) -> SolverInfo:
    """Solve with the chosen solver (falling back to CBC); map failures to SolverError."""
    order: list[str] = [options.solver]
    if options.fallback and options.solver != "cbc":
        order.append("cbc")
    errors: list[str] = []
    for name in order:
        solver = _make_solver(name, options, mip)
        if solver is None:
            errors.append(f"{name} not available")
            continue
        start = time.perf_counter()
        try:
            with _quiet_stdout():
                lp.solve(solver)
        except pulp.PulpSolverError as exc:
            errors.append(f"{name}: {exc}")
            continue
        seconds = time.perf_counter() - start
        status = pulp.LpStatus.get(lp.status, "Undefined")
        has_solution = lp.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        if status == "Optimal" or has_solution:
            gap = _gap(lp, name) if mip else 0.0
            label = "optimal" if lp.sol_status == pulp.LpSolutionOptimal else "feasible"
            return SolverInfo("HiGHS" if name == "highs" else "CBC", label, seconds, gap)
        if status == "Infeasible":
            return SolverInfo("HiGHS" if name == "highs" else "CBC", "infeasible", seconds,
                              None)
        errors.append(f"{name}: status {status} after {seconds:.1f} s (time limit "
                      f"{options.time_limit:g} s)")
    raise SolverError("solver failed: " + "; ".join(errors))


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence the C library's stdout during a solve: HiGHS prints a banner when its first
    model object is created, whatever its options, which would corrupt JSON on stdout."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 (embedded use): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _make_solver(name: str, options: SolverOptions, mip: bool) -> Any:
    if name == "highs":
        highs = pulp.HiGHS(mip=mip, msg=False, timeLimit=options.time_limit,
                           gapRel=options.mip_gap, threads=1)
        return highs if highs.available() else None
    cbc = pulp.PULP_CBC_CMD(mip=mip, msg=False, timeLimit=options.time_limit,
                            gapRel=options.mip_gap, threads=1)
    return cbc if cbc.available() else None


def _gap(lp: pulp.LpProblem, name: str) -> float | None:
    if name == "highs" and getattr(lp, "solverModel", None) is not None:
        try:
            gap = float(lp.solverModel.getInfo().mip_gap)
        except (AttributeError, TypeError, ValueError):
            return None
        return 0.0 if not math.isfinite(gap) or gap < 0 else gap
    return None


# ------------------------------------------------------------------ generic diet problem

@dataclass(frozen=True)
class DietSolution:
    """Units per food, relative slack per bound (0 = met), objective value, solver info."""

    units: np.ndarray
    slack: Mapping[str, float]
    objective: float
    info: SolverInfo


def solve_diet(cost: np.ndarray, upper: np.ndarray, bounds: Sequence[Bound], *,
               integer: bool, options: SolverOptions = SolverOptions()) -> DietSolution:
    """Minimise ``cost . x`` subject to elastic ``bounds``, ``0 <= x <= upper`` (inf = none)."""
    lp = pulp.LpProblem("diet", pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{i}", 0, None if not math.isfinite(u) else float(u),
                         cat="Integer" if integer else "Continuous")
         for i, u in enumerate(upper)]
    objective: list[Any] = [float(c) * v for c, v in zip(cost, x, strict=True)]
    slacks = _add_bounds(lp, bounds, x, objective)
    lp += pulp.lpSum(objective)
    info = _solve(lp, options, mip=integer)
    units = np.array([v.varValue or 0.0 for v in x], dtype=float)
    if integer:
        units = np.round(units)
    value = float(np.dot(cost, units))
    return DietSolution(units, {k: max(0.0, s.varValue or 0.0) for k, s in slacks.items()},
                        value, info)


def met(slack: float) -> bool:
    """True when a relative slack is zero within solver tolerance."""
    return slack <= _TOLERANCE
