"""Optimisation models, and the only module that imports PuLP.

Two models live here:

* :func:`solve_day` picks whole (or half) servings of candidate foods for the meal slots of
  one day. Every nutrient bound is *elastic*: a slack variable with a large penalty lets
  the model stay feasible and report exactly which bound failed and by how much. The week
  planner (:mod:`planner.plan`) calls it once per day.
* :func:`solve_diet` is the generic diet problem over a user's own food table (minimise
  price or energy subject to nutrient bounds), also elastic for diagnosis.

Solvers: HiGHS through PuLP (in-process, ``highspy``) by default, CBC (from the
``pulp[cbc]`` extra, cbcbox) as the fallback. Every solve reports solver name, status,
seconds and MIP gap.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pulp

from planner.errors import SolverError

SolverName = Literal["highs", "cbc"]
DEFAULT_TIME_LIMIT: Final = 10.0  # seconds per solve
DEFAULT_MIP_GAP: Final = 0.1  # relative
#: Penalty per 1.0 of relative slack (a bound missed by 100 % of its value). Far above any
#: preference term, so slack is used only when a bound cannot be met at all.
ELASTIC_PENALTY: Final = 10_000.0
_TOLERANCE: Final = 1e-6
HIGHS_CUT_POOL: Final = 100


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

    @property
    def summary(self) -> str:
        """'optimal', 'feasible, gap 5.2 %' (stopped at the MIP gap or time limit) or
        'infeasible': the same words in every output format."""
        if self.status != "feasible":
            return self.status
        if self.mip_gap is None:
            return "feasible, gap unknown"
        return f"feasible, gap {100 * self.mip_gap:.1f} %"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "summary": self.summary,
                "seconds": round(self.seconds, 3),
                "mip_gap": None if self.mip_gap is None else round(self.mip_gap, 6)}


@dataclass(frozen=True)
class Bound:
    """A linear bound ``lo <= sum(coef * x) <= hi`` over the candidate units.

    ``coef`` has one entry per candidate. ``scale`` normalises the slack (usually the target
    value) so that the penalty is per relative miss. Every bound is elastic with the same
    penalty; ``hard`` says whether a miss is a failure or a compromise to report.
    """

    name: str
    coef: np.ndarray
    lo: float | None = None
    hi: float | None = None
    scale: float = 1.0
    energy_coef: np.ndarray | None = None  # if set, lo/hi are fractions of sum(energy * x)
    hard: bool = True  # a miss of a hard bound is a failure; of a soft one, a compromise


@dataclass(frozen=True)
class DayProblem:
    """One day's meal-planning model, in arrays indexed by candidate (a food in a slot).

    ``food`` and ``slot`` give each candidate's food index and slot index; ``upper`` its
    maximum number of units (a unit is the food's serving step). ``item_cost`` is charged
    once if the candidate is used at all.
    """

    food: np.ndarray
    slot: np.ndarray
    upper: np.ndarray
    item_cost: np.ndarray
    energy: np.ndarray  # kcal per unit
    bounds: Sequence[Bound]
    slot_names: Sequence[str]
    slot_items: Mapping[int, tuple[int, int]]  # slot -> (min items, max items)
    slot_energy: Mapping[int, tuple[float, float]]  # slot -> (min kcal, max kcal)
    # (slot, mask over candidates, label): the slot must use at least one masked candidate
    slot_needs: Sequence[tuple[int, np.ndarray, str]] = ()
    # (slot, mask over candidates, most items, label): at most that many masked items
    slot_caps: Sequence[tuple[int, np.ndarray, int, str]] = ()
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
    """Build and solve one day's model; raise :class:`SolverError` if no solution is found.

    Each candidate's amount is a choice among its levels (1..upper units), one binary per
    level with at most one chosen. This "multiple choice" form has the tightest possible
    LP relaxation per candidate (an item's fixed cost cannot be spread over a fraction of
    a unit), which makes the integer search several times faster than an integer amount
    linked to a use indicator.
    """
    n = len(problem.food)
    lp = pulp.LpProblem("day", pulp.LpMinimize)
    levels = [[(lp.add_variable(f"z{i}_{k}", 0, 1, cat="Binary"), float(k))
               for k in range(1, int(problem.upper[i]) + 1)] for i in range(n)]
    used = [[(z, 1.0) for z, _ in lv] for lv in levels]  # y_i = sum of levels
    objective: list[tuple[Any, float]] = []
    for i in range(n):
        if len(levels[i]) > 1:
            lp += _expr(used[i]) <= 1, f"one_level{i}"
        for z, _ in levels[i]:
            objective.append((z, float(problem.item_cost[i])))
    slacks = _add_bounds(lp, problem.bounds, levels, objective)

    def units(members: Iterable[int], weight: np.ndarray | None = None) -> Any:
        return _expr((z, k * (1.0 if weight is None else float(weight[i])))
                     for i in members for z, k in levels[i])

    def items(members: Iterable[int]) -> Any:
        return _expr(term for i in members for term in used[i])

    for s, name in enumerate(problem.slot_names):
        members = [i for i in range(n) if problem.slot[i] == s]
        low, high = problem.slot_items.get(s, (0, len(members)))
        lp += items(members) >= low, f"min_items_{name}"
        lp += items(members) <= high, f"max_items_{name}"
        if s in problem.slot_energy:
            kcal_lo, kcal_hi = problem.slot_energy[s]
            lp += units(members, problem.energy) >= kcal_lo, f"min_energy_{name}"
            lp += units(members, problem.energy) <= kcal_hi, f"max_energy_{name}"
    for s, mask, label in problem.slot_needs:
        needed = [i for i in range(n) if problem.slot[i] == s and mask[i]]
        if needed:
            lp += items(needed) >= 1, f"needs_{label}"
    for s, mask, most, label in problem.slot_caps:
        capped = [i for i in range(n) if problem.slot[i] == s and mask[i]]
        if len(capped) > most:
            lp += items(capped) <= most, f"caps_{label}"
    by_food: dict[int, list[int]] = {}
    for i in range(n):
        by_food.setdefault(int(problem.food[i]), []).append(i)
    one_slot = {int(f) for f in problem.one_slot_foods}
    for f, members in by_food.items():
        slots_allowed = 1 if f in one_slot else problem.max_slots_per_food
        if len(members) > slots_allowed:
            lp += items(members) <= slots_allowed, f"slots_{f}"
        cap = problem.day_upper.get(f)
        if cap is not None and sum(int(problem.upper[i]) for i in members) > cap:
            lp += units(members) <= cap, f"day_cap_{f}"
    if problem.min_new_foods > 0:
        new = {int(f) for f in problem.new_foods}
        lp += items(i for i in range(n) if int(problem.food[i]) in new) >= \
            problem.min_new_foods, "min_new_foods"
    for f, required in problem.required_units.items():
        lp += units(by_food.get(int(f), [])) >= required, f"include_{f}"
    lp += _expr(objective)

    def amounts() -> np.ndarray:
        return np.array([sum(k * (z.varValue or 0.0) for z, k in lv) for lv in levels])

    # 1. LP relaxation. A hard bound the LP meets is made strict (its slack fixed at 0):
    #    otherwise a tiny miss can hide inside the MIP gap.
    # 2. Integer model over a restricted pool: the candidates the LP uses plus the cheapest
    #    few per slot, per meal need and the richest per hard minimum.
    # 3. If that is infeasible, the integer model over every candidate; if that is too,
    #    the strict bounds become elastic again so the miss can be measured.
    relaxed = _solve(lp, options, mip=False)
    seconds = relaxed.seconds
    hard = {f"{b.name}:{side}" for b in problem.bounds if b.hard for side in ("lo", "hi")}
    strict = [k for k, v in slacks.items() if k in hard and (v.varValue or 0.0) <= 1e-9]
    for key in strict:
        slacks[key].upBound = 0
    keep = _pool(problem, amounts())

    def allow(candidates: np.ndarray, upper: int) -> None:
        for j in candidates:
            for z, _ in levels[j]:
                z.upBound = upper

    allow(np.flatnonzero(~keep), 0)
    info = _solve(lp, options, mip=True)
    if info.status == "infeasible":
        seconds += info.seconds
        allow(np.flatnonzero(~keep), 1)
        info = _solve(lp, options, mip=True)
    if info.status == "infeasible":
        seconds += info.seconds
        for key in strict:
            slacks[key].upBound = None
        info = _solve(lp, options, mip=True)
    slack = {k: max(0.0, v.varValue or 0.0) for k, v in slacks.items()}
    info = SolverInfo(info.name, info.status, info.seconds + seconds, info.mip_gap)
    values = np.rint(amounts()).astype(int)
    return DaySolution(values, slack, info, float(pulp.value(lp.objective) or 0.0))


#: Candidates kept per slot beyond those the LP relaxation uses (cheapest by item cost).
POOL_PER_SLOT: Final = 10
POOL_PER_NEED: Final = 4
POOL_PER_BOUND: Final = 6


def _pool(problem: DayProblem, relaxed: np.ndarray) -> np.ndarray:
    keep = relaxed > 1e-6
    cost = problem.item_cost
    for s in range(len(problem.slot_names)):
        members = np.flatnonzero(problem.slot == s)
        keep[members[np.argsort(cost[members], kind="stable")[:POOL_PER_SLOT]]] = True
    for s, mask, _ in problem.slot_needs:
        members = np.flatnonzero((problem.slot == s) & mask)
        keep[members[np.argsort(cost[members], kind="stable")[:POOL_PER_NEED]]] = True
    for b in problem.bounds:  # the richest sources of every hard minimum
        if b.hard and b.lo is not None and b.energy_coef is None:
            keep[np.argsort(-b.coef, kind="stable")[:POOL_PER_BOUND]] = True
    for f in problem.required_units:
        keep[problem.food == f] = True
    return keep


def _expr(terms: Iterable[tuple[Any, float]]) -> Any:
    """A linear expression from (variable, coefficient) pairs, built in one step (much
    faster than summing products, which creates an expression per term)."""
    return pulp.LpAffineExpression([(v, c) for v, c in terms if c])


def _add_bounds(lp: pulp.LpProblem, bounds: Sequence[Bound],
                x: Sequence[Sequence[tuple[Any, float]]],
                objective: list[tuple[Any, float]]) -> dict[str, Any]:
    """Add elastic bounds; return the slack variables by bound name (relative units).

    ``lo <= sum(coef x) + scale * slack_lo`` and ``sum(coef x) - scale * slack_hi <= hi``;
    for an energy share, ``sum(coef x) - frac * sum(energy x) +- scale * slack``. ``x[i]``
    is candidate i's amount as (variable, multiplier) terms.
    """
    slacks: dict[str, Any] = {}
    for b in bounds:
        coef = np.asarray(b.coef, dtype=float)
        sides: tuple[tuple[str, float | None, np.ndarray, float], ...]
        if b.energy_coef is not None:
            coef_lo = coef - (b.lo or 0.0) * np.asarray(b.energy_coef, dtype=float)
            coef_hi = coef - (b.hi or 0.0) * np.asarray(b.energy_coef, dtype=float)
            sides = (("lo", b.lo, coef_lo, 0.0), ("hi", b.hi, coef_hi, 0.0))
        else:
            sides = (("lo", b.lo, coef, b.lo or 0.0), ("hi", b.hi, coef, b.hi or 0.0))
        for side, limit, row, rhs in sides:
            if limit is None:
                continue
            s = lp.add_variable(f"slack_{b.name}_{side}", 0)
            slacks[f"{b.name}:{side}"] = s
            objective.append((s, ELASTIC_PENALTY))
            sign = 1.0 if side == "lo" else -1.0
            total = _expr([*((v, float(c) * k) for i, c in enumerate(row) if c
                             for v, k in x[i]), (s, sign * b.scale)])
            if side == "lo":
                lp += total >= rhs, f"{b.name}_{side}"
            else:
                lp += total <= rhs, f"{b.name}_{side}"
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
            # HiGHS and CBC call a solve stopped at the relative gap "optimal"; it is only
            # proven optimal when that gap is (nearly) zero.
            proven = not mip or options.mip_gap == 0 or (gap is not None and gap <= 1e-6)
            label = "optimal" if lp.sol_status == pulp.LpSolutionOptimal and proven \
                else "feasible"
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
        # A small cut pool: these models are tiny, and HiGHS's default pool (10,000 cuts)
        # spends most of the time separating cuts (measured: 1.9 s -> 1.2 s a week).
        highs = pulp.HiGHS(mip=mip, msg=False, timeLimit=options.time_limit,
                           gapRel=options.mip_gap, threads=1,
                           mip_pool_soft_limit=HIGHS_CUT_POOL)
        return highs if highs.available() else None
    # PuLP 3.3 deprecates its bundled CBC; the pulp[cbc] extra ships it as cbcbox.
    try:
        import cbcbox  # type: ignore[import-untyped]
        path: str | None = str(cbcbox.cbc_bin_path())
    except (ImportError, OSError, AttributeError):
        path = None  # fall back to a cbc on PATH
    cbc = pulp.COIN_CMD(mip=mip, msg=False, timeLimit=options.time_limit,
                        gapRel=options.mip_gap, threads=1, path=path)
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
    x = [lp.add_variable(f"x{i}", 0, None if not math.isfinite(u) else float(u),
                         cat="Integer" if integer else "Continuous")
         for i, u in enumerate(upper)]
    objective: list[tuple[Any, float]] = [(v, float(c)) for c, v in zip(cost, x, strict=True)]
    slacks = _add_bounds(lp, bounds, [[(v, 1.0)] for v in x], objective)
    lp += _expr(objective)
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
