"""The day solver: an LP-guided dive over the dishes, then a small integer model.

A day's model (:class:`planner.planning.model.DayModel`) chooses one dish per meal and the
foods and amounts in it. A generic integer search spends most of its time there on the
dish choice. The dive makes that choice with the linear relaxation instead:

1. Solve the relaxation. A hard bound it meets is made strict (its slack held at 0), so
   no later step can trade it away.
2. Fix, all at once, every meal's dish the relaxation already takes (at least
   :data:`TAKE_AT_ONCE` of it). Then, meal by meal, the most decided first: fix each of
   its :data:`TRY_DISHES` likeliest dishes in turn, solve the relaxation again (warm, a
   few milliseconds), and keep the one with the lowest cost; a dish whose relaxation is
   infeasible (a strict bound it cannot meet) is passed over. Where a later meal then
   has no dish that works, the dive goes back and takes the next dish (depth first,
   within :data:`DIVE_BUDGET` relaxations).
3. With every dish fixed (a leaf of the dive), an integer model over a small pool: the
   foods the last relaxation uses plus the cheapest few of each part of each chosen
   dish, solved to the options' MIP gap within :data:`DIVE_NODES` nodes; if the pool
   misses a bound the day's relaxation met, or has no plan, every food of the chosen
   dishes. If neither plans the day, the dive takes another path: first those that
   depart from the relaxation's choice at one meal, then at two (limited discrepancy
   search), within :data:`DIVE_LEAVES` leaves.
4. If none of that plans the day, the pooled search over every dish at once
   (:mod:`planner.planning.fallback`).

Every step is a count (relaxations, nodes), never a time, so the same day gets the same
plan on any machine, however busy.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from planner.errors import SolverError
from planner.planning.fallback import pooled
from planner.planning.model import (
    STOPPED,
    DayModel,
    DayProblem,
    DaySolution,
    SolverInfo,
    SolverOptions,
    met,
)

#: A meal's dish the relaxation takes at least this much of is fixed without trying others.
TAKE_AT_ONCE: Final = 0.95
#: Dishes tried per meal that the relaxation has not decided (its likeliest ones).
TRY_DISHES: Final = 3
#: Relaxations the dive may solve for one day, and integer models over chosen dishes it
#: may try, before it hands over to the fallback.
DIVE_BUDGET: Final = 80
DIVE_LEAVES: Final = 6
#: Meals at which a path of the dive may depart from the relaxation's choice.
MAX_DISCREPANCIES: Final = 2
#: The integer model over the chosen dishes: its node limit (its gap is the options', 2 %
#: by default).
DIVE_NODES: Final = 200
#: The gap of the one integer model of a day that cannot keep a safety limit (it only
#: shows by how much).
UNSAFE_GAP: Final = 0.5
#: Foods kept per part of a chosen dish beyond those the relaxation uses (the cheapest).
POOL_PER_PART: Final = 3
#: Foods kept per hard minimum among the chosen dishes' (the richest).
POOL_PER_BOUND: Final = 2


def solve_day(problem: DayProblem, options: SolverOptions = SolverOptions(), *,
              fallback: bool = True, search: bool = True,
              proven: frozenset[str] = frozenset()) -> DaySolution:
    """Plan one day (the module docstring's steps); raise :class:`SolverError` if the
    solver fails or stops without any solution. Without ``fallback``, a day that neither
    the dive nor the search over every dish can plan within the strict bounds is returned
    with status "stopped" (no units) rather than planned with the bounds it misses: the
    caller has another change to try first (a looser repeat limit). Without ``search``
    (and ``fallback``), a day the dive cannot plan is "stopped" at once: a household
    member held to the house's dish has their own meal to try instead. ``proven``: see
    :func:`planner.planning.fallback.pooled`."""
    model = DayModel(problem, options)
    relaxed = model.run(mip=False)
    if relaxed.status == STOPPED:
        raise SolverError(f"the solver stopped on the linear relaxation after "
                          f"{relaxed.seconds:.1f} s without a solution")
    if relaxed.status == "infeasible":
        return DaySolution(np.zeros(len(problem.food), dtype=int), {}, SolverInfo(
            relaxed.name, "infeasible", model.seconds, None, model.runs), math.inf)
    slack = model.slack()
    if any(slack[k] > 1e-9 for k in model.safety):
        # Not even the relaxation keeps a safety limit (an upper limit, a clinician's
        # cap): no plan of the day can, and the week has none. Any integer day shows by
        # how much (at least what the relaxation misses it by).
        info = model.run(mip=True, gap=UNSAFE_GAP)
        if _found(info):
            return model.solution(info, "unsafe")
    lp_met = [k for k, v in slack.items() if v <= 1e-9]
    strict = [k for k in model.hard if slack[k] <= 1e-9]
    model.strict(strict)
    relaxed_units, relaxed_dishes = model.units(), model.dish_values()
    dive = _Dive(model, [k for k in lp_met if k not in model.paces])
    solution = dive.run()
    if solution is not None:
        return solution
    if not (search or fallback):
        return DaySolution(np.zeros(len(problem.food), dtype=int), {}, SolverInfo(
            relaxed.name, STOPPED, model.seconds, None, model.runs), math.inf)
    model.allow(np.ones(len(problem.food), dtype=bool))
    return pooled(model, relaxed_units, relaxed_dishes, lp_met, strict, elastic=fallback,
                  proven=proven)


class _Dive:
    """The depth-first dive over one day's dishes (the module docstring's steps 2-3):
    relaxations within :data:`DIVE_BUDGET`, integer models at the leaves within
    :data:`DIVE_LEAVES`."""

    def __init__(self, model: DayModel, lp_met: list[str]) -> None:
        """``lp_met``: the bounds (not paces) the day's relaxation met; a leaf that
        misses one of them looks wider."""
        self.model, self.lp_met = model, lp_met
        dishes = model.problem.dishes
        self.slot_of = np.array([d.slot for d in dishes], dtype=int)
        self.slots = sorted(set(self.slot_of.tolist()))
        self.lower = np.zeros(len(dishes))
        self.relaxations = DIVE_BUDGET
        self.leaves = DIVE_LEAVES
        self.tried: set[frozenset[tuple[int, int]]] = set()

    def run(self) -> DaySolution | None:
        """The day's plan, or None to hand over to the fallback. The dive's paths are
        tried by limited discrepancy: first the relaxation's own choice at every meal,
        then every path that departs from it at one meal, then at two."""
        if not self.slots:  # no dishes: the integer model over the relaxation's pool
            return self._leaf({}, {})
        values = self.model.dish_values()
        at_once: dict[int, int] = {}
        for s in self.slots:
            ks = np.flatnonzero(self.slot_of == s)
            top = int(ks[np.argmax(values[ks])])
            if values[top] >= TAKE_AT_ONCE:
                at_once[s] = top
        runner_up = {}  # the root relaxation's second choice in each meal
        for s in self.slots:
            ks = np.flatnonzero(self.slot_of == s)
            if len(ks) > 1:
                runner_up[s] = int(ks[np.argsort(-values[ks], kind="stable")[1]])
        for discrepancies in range(MAX_DISCREPANCIES + 1):
            # the meals the relaxation has decided, fixed at once; departing from them
            # (a discrepancy) dives from the bare relaxation instead
            for start, cost in ((at_once, 0), ({}, 1)) if at_once else (({}, 0),):
                if cost > discrepancies:
                    continue
                self.lower[:] = 0.0
                self.lower[list(start.values())] = 1.0
                if self.leaves <= 0 or self.relaxations <= 0 or not self._relax():
                    continue
                alternatives = {s: runner_up[s] for s in start if s in runner_up}
                found = self._descend(dict(start), discrepancies - cost, alternatives)
                if found is not None:
                    return found
        return None

    def _descend(self, chosen: dict[int, int], discrepancies: int,
                 alternatives: dict[int, int]) -> DaySolution | None:
        """Fix the dish of the most decided open meal, then the next: each meal tries its
        :data:`TRY_DISHES` likeliest dishes and goes on with the cheapest relaxation; with
        ``discrepancies`` left, also with the others, in order. At a leaf (every meal's
        dish fixed) the integer model decides. The relaxation with ``chosen`` fixed is
        solved."""
        open_ = [s for s in self.slots if s not in chosen]
        if not open_:
            return self._leaf(chosen, alternatives)
        dishes = self.model.problem.dishes
        values = self.model.dish_values()
        s = max(open_, key=lambda x: (float(values[self.slot_of == x].max()), -x))
        ks = sorted(np.flatnonzero(self.slot_of == s).tolist(),
                    key=lambda k: (-round(float(values[k]), 9), dishes[k].cost, k))
        scored: list[tuple[float, int]] = []
        for k in ks[:TRY_DISHES]:
            if self.relaxations <= 0:
                break
            self.lower[k] = 1.0
            if self._relax():
                scored.append((self.model.objective(), k))
            self.lower[k] = 0.0
        order = [k for _, k in sorted(scored)] + ks[TRY_DISHES:]
        for rank, k in enumerate(order):
            if rank > discrepancies or self.relaxations <= 0 or self.leaves <= 0:
                return None
            self.lower[k] = 1.0
            if self._relax():
                others = [x for x in order if x != k]
                found = self._descend({**chosen, s: k}, discrepancies - (rank > 0),
                                      {**alternatives, **({s: others[0]} if others else {})})
                if found is not None:
                    return found
            self.lower[k] = 0.0
        return None

    def _relax(self) -> bool:
        """Solve the relaxation with the dishes marked in ``lower`` fixed (one of the
        budget); whether it has a solution."""
        self.relaxations -= 1
        self.model.dishes(self.lower, np.ones(len(self.lower)))
        return self.model.run(mip=False).status not in ("infeasible", STOPPED)

    def _leaf(self, chosen: dict[int, int], alternatives: dict[int, int]
              ) -> DaySolution | None:
        """The foods and amounts of the chosen dishes (one of the leaves; a set of dishes
        already tried is not tried again): the integer model over a small pool; where the
        pool has no plan, or misses a bound the day's relaxation met, the integer model
        over every food of the chosen dishes and of each meal's ``alternatives`` (its next
        dish: household portions may not reach exactly what the relaxation's fractions
        do), keeping the better plan. None if neither has a plan within the strict
        bounds."""
        key = frozenset(chosen.items())
        if key in self.tried:
            return None
        self.tried.add(key)
        self.leaves -= 1
        model, problem = self.model, self.model.problem
        relaxed = model.units()
        model.allow(_pool(problem, relaxed, chosen))
        info = model.run(mip=True, nodes=DIVE_NODES)
        found = _found(info)
        if found and _meets(model, self.lp_met):
            return model.solution(info, "dive")
        best = (model.values(), model.objective(), info) if found else None
        model.allow(np.ones(len(problem.food), dtype=bool))
        upper = np.zeros(len(self.lower))
        upper[[*chosen.values(), *alternatives.values()]] = 1.0
        model.dishes(np.zeros(len(self.lower)), upper)
        wide = model.run(mip=True, nodes=DIVE_NODES,
                         start=None if best is None else best[0])
        if _found(wide) and (best is None or model.objective() <= best[1]):
            return model.solution(wide, "dive-wide")
        if best is None:
            return None
        model.restore(best[0])
        return model.solution(best[2], "dive")


def _found(info: SolverInfo) -> bool:
    return info.status not in ("infeasible", STOPPED)


def _meets(model: DayModel, bounds: list[str]) -> bool:
    """Whether the last solution meets every one of these bound sides."""
    return all(met(v) for k, v in model.slack().items() if k in bounds)


def _pool(problem: DayProblem, relaxed: np.ndarray, chosen: dict[int, int]) -> np.ndarray:
    """The foods the integer model over the chosen dishes may use: those the relaxation
    uses, the cheapest few of each part of each chosen dish, the richest few of each hard
    minimum among them, and every member of a unit limit with a lower end (fixed and
    included foods); partners of a need whose trigger is kept."""
    keep = relaxed > 1e-6
    cost = problem.item_cost
    inside = np.zeros(len(problem.food), dtype=bool)
    for k in chosen.values():
        for members, _, _ in problem.dishes[k].parts:
            m = np.asarray(members, dtype=int)
            inside[m] = True
            keep[m[np.argsort(cost[m], kind="stable")[:POOL_PER_PART]]] = True
    dish_slots = {d.slot for d in problem.dishes}
    inside |= ~np.isin(problem.slot, list(dish_slots))  # meals that are not dishes
    for b in problem.bounds:
        if b.hard and b.lo is not None and b.energy_coef is None:
            rich = np.flatnonzero(inside)[np.argsort(-b.coef[inside], kind="stable")]
            keep[rich[:POOL_PER_BOUND]] = True
    for need in problem.needs:
        members = np.asarray(need.needs, dtype=int)
        if keep[np.asarray(need.trigger, dtype=int)].any():
            keep[members[np.argsort(cost[members], kind="stable")[:POOL_PER_PART]]] = True
    for limit in problem.limits:
        if limit.lo is not None:
            keep[np.asarray(limit.members, dtype=int)] = True
    return keep & inside | np.isin(np.arange(len(keep)), [
        int(i) for limit in problem.limits if limit.lo is not None for i in limit.members])
