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
   infeasible (a strict bound it cannot meet) is passed over.
3. With every dish fixed, an integer model over a small pool: the foods the last
   relaxation uses plus the cheapest few of each part of each chosen dish, solved to
   :data:`DIVE_GAP` within :data:`DIVE_NODES` nodes. If the pool misses a bound the
   relaxation met, or has no plan, every food of the chosen dishes; then each meal in
   turn swapped to its runner-up dish.
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
#: The integer model over the chosen dishes: relative gap and node limit.
DIVE_GAP: Final = 0.02
DIVE_NODES: Final = 200
#: Foods kept per part of a chosen dish beyond those the relaxation uses (the cheapest).
POOL_PER_PART: Final = 3
#: Foods kept per hard minimum among the chosen dishes' (the richest).
POOL_PER_BOUND: Final = 2


def solve_day(problem: DayProblem, options: SolverOptions = SolverOptions()) -> DaySolution:
    """Plan one day (the module docstring's steps); raise :class:`SolverError` if the
    solver fails or stops without any solution."""
    model = DayModel(problem, options)
    relaxed = model.run(mip=False)
    if relaxed.status == STOPPED:
        raise SolverError(f"the solver stopped on the linear relaxation after "
                          f"{relaxed.seconds:.1f} s without a solution")
    if relaxed.status == "infeasible":
        return DaySolution(np.zeros(len(problem.food), dtype=int), {}, SolverInfo(
            relaxed.name, "infeasible", model.seconds, None, model.runs), math.inf)
    slack = model.slack()
    lp_met = [k for k, v in slack.items() if v <= 1e-9]
    strict = [k for k in model.hard if slack[k] <= 1e-9]
    model.strict(strict)
    relaxed_units, relaxed_dishes = model.units(), model.dish_values()
    if problem.dishes:
        chosen = _dive(model)
        if chosen is not None:
            solution = _fill(model, chosen, lp_met)
            if solution is not None:
                return solution
    else:
        solution = _fill(model, {}, lp_met)
        if solution is not None:
            return solution
    return pooled(model, relaxed_units, relaxed_dishes, lp_met, strict)


def _dive(model: DayModel) -> dict[int, int] | None:
    """Fix one dish per meal, guided by the relaxation; return slot -> dish index, or
    None when some meal has no dish the relaxation can make work."""
    dishes = model.problem.dishes
    slot_of = np.array([d.slot for d in dishes], dtype=int)
    cost = np.array([d.cost for d in dishes])
    lower, upper = np.zeros(len(dishes)), np.ones(len(dishes))
    values = model.dish_values()
    chosen: dict[int, int] = {}
    for s in sorted(set(slot_of.tolist())):
        ks = np.flatnonzero(slot_of == s)
        top = int(ks[np.argmax(values[ks])])
        if values[top] >= TAKE_AT_ONCE:
            chosen[s] = top
            lower[top] = 1.0
    if chosen:
        model.dishes(lower, upper)
        if model.run(mip=False).status in ("infeasible", STOPPED):
            return None
        values = model.dish_values()
    while len(chosen) < len(set(slot_of.tolist())):
        open_ = [s for s in sorted(set(slot_of.tolist())) if s not in chosen]
        s = max(open_, key=lambda x: (float(values[slot_of == x].max()), -x))
        ks = np.flatnonzero(slot_of == s)
        order = sorted(ks.tolist(), key=lambda k: (-round(float(values[k]), 9), cost[k], k))
        best: tuple[float, int] | None = None
        for k in order[:TRY_DISHES]:
            lower[k] = 1.0
            model.dishes(lower, upper)
            info = model.run(mip=False)
            lower[k] = 0.0
            if info.status in ("infeasible", STOPPED):
                continue
            objective = model.objective()
            if best is None or objective < best[0] - 1e-9:
                best = (objective, k)
        if best is None:
            model.dishes(np.zeros(len(dishes)), upper)
            return None
        chosen[s] = best[1]
        lower[best[1]] = 1.0
        model.dishes(lower, upper)
        if model.run(mip=False).status in ("infeasible", STOPPED):
            return None
        values = model.dish_values()
    return chosen


def _fill(model: DayModel, chosen: dict[int, int], lp_met: list[str]
          ) -> DaySolution | None:
    """The foods and amounts of the chosen dishes: the integer model over a small pool,
    then over every food of the dishes, then with one meal's dish swapped for its
    runner-up. None if no plan meets every bound the relaxation met."""
    problem = model.problem
    relaxed = model.units()
    everything = np.ones(len(problem.food), dtype=bool)
    for keep in (_pool(problem, relaxed, chosen), everything):
        model.allow(keep)
        info = model.run(mip=True, gap=DIVE_GAP, nodes=DIVE_NODES)
        if _good(model, info, lp_met):
            return model.solution(info)
    if not chosen:
        return None
    dishes = problem.dishes
    slot_of = np.array([d.slot for d in dishes], dtype=int)
    values = model.dish_values()
    for s in sorted(chosen):
        ks = [k for k in np.flatnonzero(slot_of == s).tolist() if k != chosen[s]]
        if not ks:
            continue
        runner = max(ks, key=lambda k: (round(float(values[k]), 9), -dishes[k].cost, -k))
        lower = np.zeros(len(dishes))
        for slot, k in chosen.items():
            lower[runner if slot == s else k] = 1.0
        model.dishes(lower, np.ones(len(dishes)))
        info = model.run(mip=True, gap=DIVE_GAP, nodes=DIVE_NODES)
        if _good(model, info, lp_met):
            return model.solution(info)
    return None


def _good(model: DayModel, info: SolverInfo, lp_met: list[str]) -> bool:
    return info.status not in ("infeasible", STOPPED) and \
        all(met(v) for k, v in model.slack().items() if k in lp_met)


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
