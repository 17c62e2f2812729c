"""The last resort for a day the dive (:mod:`planner.planning.dive`) cannot plan: the
pooled integer search over every dish at once.

Starting from the day's LP relaxation (its strict bounds already held):

1. the integer model over a pool: the candidates the relaxation uses plus the cheapest few
   per meal, per required count and per need, the richest few per hard minimum, and the
   dishes the relaxation uses plus the cheapest few per meal;
2. if the pool has no plan, every candidate and dish;
3. if that has none either, the strict bounds elastic again, so the miss is measured.

Every run is held to a node count, never a time: the same model stops at the same point
on any machine. A run that stops without a solution takes the next step; only an elastic
model that stops without one is an error. A bound the relaxation met but the pool misses
is a soft one (a pace): the plan is kept, its cost counted.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Final

import numpy as np

from planner.errors import SolverError
from planner.planning.model import (
    HIGHS_MAX_NODES,
    STOPPED,
    DayModel,
    DayProblem,
    DaySolution,
    SolverInfo,
)

#: The relative MIP gap of these searches: wider than the dive's, as before the dive (the
#: search over every dish at once is the slow one).
POOLED_GAP: Final = 0.1
#: Candidates kept per meal beyond those the LP relaxation uses (cheapest by item cost).
POOL_PER_SLOT: Final = 8
POOL_PER_NEED: Final = 3
POOL_PER_BOUND: Final = 5
#: Dishes per meal the integer pass may choose besides those the LP relaxation uses.
POOL_DISHES: Final = 3
#: The search over every candidate may take this many times the node limit ...
WIDE_NODES: Final = 5
#: ... and, last, the elastic model (bounds missed where no plan meets them) this many.
ELASTIC_RETRY_NODES: Final = 20


def pooled(model: DayModel, relaxed_units: np.ndarray, relaxed_dishes: np.ndarray,
           lp_met: list[str], strict: list[str], *, elastic: bool = True,
           proven: frozenset[str] = frozenset()) -> DaySolution:
    """Search the day's integer model over a pool, widening it and then freeing the strict
    bounds as needed (the module docstring's steps); at most three integer models.
    ``relaxed_*`` are the LP relaxation's values, ``lp_met`` the bound sides it met and
    ``strict`` those held at 0 slack. Without ``elastic``, a day with no plan within the
    strict bounds is returned with status "stopped" (no units): the caller has another
    change to try before a day that misses a target. ``proven``: strict bounds with which
    the same day (its model with no more than this one's rows: without the energy it
    holds) was proven to have no plan over every candidate; where this day holds them all
    strict it has none either, and both strict searches are skipped (the elastic search
    next). The solution says with which strict bounds it proved no plan (``proven``)."""
    problem = model.problem
    n_dishes = len(problem.dishes)
    gap = max(POOLED_GAP, model.options.mip_gap)
    known = bool(proven) and proven <= set(strict)
    if known:
        status = "infeasible"
    else:
        keep = pool(problem, relaxed_units)
        dish_keep = dish_pool(problem, relaxed_dishes, keep)
        model.allow(keep)
        model.dishes(np.zeros(n_dishes), dish_keep.astype(float))
        info = model.run(mip=True, gap=gap)
        status = info.status
    if status in ("infeasible", STOPPED):  # every candidate and dish
        model.allow(np.ones(len(problem.food), dtype=bool))
        model.dishes(np.zeros(n_dishes), np.ones(n_dishes))
        if not known:
            info = model.run(mip=True, gap=gap,
                             nodes=HIGHS_MAX_NODES * (WIDE_NODES if elastic else 1))
            status = info.status
    found = frozenset(strict) if status == "infeasible" else frozenset()
    if status in ("infeasible", STOPPED) and not elastic:
        return DaySolution(np.zeros(len(problem.food), dtype=int), {}, SolverInfo(
            model.solver, STOPPED, model.seconds, None, model.runs, "pooled"), math.inf,
            proven=found)
    if status in ("infeasible", STOPPED):  # no plan within the strict bounds
        model.strict(strict, on=False)
        info = model.run(mip=True, gap=gap, nodes=HIGHS_MAX_NODES * ELASTIC_RETRY_NODES)
    if info.status == STOPPED:
        raise SolverError(f"the solver stopped at its node limit without finding a "
                          f"solution after {model.runs} runs")
    return replace(model.solution(info, "pooled"), proven=found)


def dish_pool(problem: DayProblem, relaxed: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The dishes the integer pass may choose: those the LP uses and the cheapest
    POOL_DISHES of each meal; the cheapest few foods of each of their required parts
    join the food pool (``keep``, changed in place) so that each stays makeable."""
    out = relaxed > 1e-6
    cost = np.array([d.cost for d in problem.dishes])
    slots = np.array([d.slot for d in problem.dishes], dtype=int)
    for s in set(slots.tolist()):
        members = np.flatnonzero(slots == s)
        out[members[np.argsort(cost[members], kind="stable")[:POOL_DISHES]]] = True
    item_cost = problem.item_cost
    for k in np.flatnonzero(out):
        for members, lo, _ in problem.dishes[int(k)].parts:
            if lo > 0 and len(members):
                m = np.asarray(members, dtype=int)
                keep[m[np.argsort(item_cost[m], kind="stable")[:POOL_PER_NEED]]] = True
    return out


def pool(problem: DayProblem, relaxed: np.ndarray) -> np.ndarray:
    """Candidates the integer pass may use: those the LP uses, the cheapest few per meal,
    per required count and per need, the richest few per hard minimum, and every member
    of a unit limit with a lower end (fixed and included foods)."""
    keep = relaxed > 1e-6
    cost = problem.item_cost
    for s in range(len(problem.slot_names)):
        members = np.flatnonzero(problem.slot == s)
        keep[members[np.argsort(cost[members], kind="stable")[:POOL_PER_SLOT]]] = True
    for c in problem.counts:
        if c.lo > 0:
            members = np.asarray(c.members, dtype=int)
            keep[members[np.argsort(cost[members], kind="stable")[:POOL_PER_NEED]]] = True
    for need in problem.needs:
        members = np.asarray(need.needs, dtype=int)
        if keep[np.asarray(need.trigger, dtype=int)].any():
            keep[members[np.argsort(cost[members], kind="stable")[:POOL_PER_NEED]]] = True
    for b in problem.bounds:  # the richest sources of every hard minimum
        if b.hard and b.lo is not None and b.energy_coef is None:
            keep[np.argsort(-b.coef, kind="stable")[:POOL_PER_BOUND]] = True
    for limit in problem.limits:
        if limit.lo is not None:
            keep[np.asarray(limit.members, dtype=int)] = True
    return keep
