"""Optimisation models, and the only module that imports PuLP.

Two models live here:

* :func:`solve_day` picks a whole number of serving steps (1, 1/2, 1/3 or 1/4 of a
  household portion) of candidate foods for the meal slots of one day. Every nutrient
  bound is *elastic*: a slack variable with a large penalty lets the model stay feasible
  and report exactly which bound failed and by how much. The week planner
  (:mod:`planner.planning.plan`) calls it once per day.
* :func:`solve_diet` is the generic diet problem over a user's own food table (minimise
  price or energy subject to nutrient bounds), also elastic for diagnosis.

Solvers: HiGHS through PuLP (in-process, ``highspy``) by default; CBC (the optional
``mineral-planner[cbc]`` extra, which installs cbcbox) when asked for, or as the fallback
where it is installed. Every solve reports solver name, status,
seconds and MIP gap.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np
import pulp

from planner.errors import SolverError
from planner.planning.options import DEFAULT_MIP_GAP as DEFAULT_MIP_GAP  # re-exported
from planner.planning.options import DEFAULT_TIME_LIMIT as DEFAULT_TIME_LIMIT
from planner.planning.options import SolverName as SolverName
from planner.planning.options import SolverOptions as SolverOptions

#: Penalty per 1.0 of relative slack (a bound missed by 100 % of its value). Far above any
#: preference term, so slack is used only when a bound cannot be met at all.
ELASTIC_PENALTY: Final = 10_000.0
#: Penalty per relative miss of a safety limit's upper side (an upper limit, a clinician's
#: cap): far above any other bound's, so a day misses a minimum before it breaks a limit.
SAFETY_PENALTY: Final = 100 * ELASTIC_PENALTY
_TOLERANCE: Final = 1e-6
HIGHS_CUT_POOL: Final = 100
HIGHS_HEURISTIC_EFFORT: Final = 0.05
#: Branch-and-bound nodes a day's model may use. Ordinary days finish at the root node; a
#: day that cannot meet its targets (slack everywhere) can wander for many seconds. A node
#: limit, unlike a time limit, stops at the same point on any machine, so plans stay
#: reproducible.
HIGHS_MAX_NODES: Final = 100
#: What ``--solver cbc`` says where CBC is not installed (it is an optional extra).
CBC_MISSING: Final = ("--solver cbc: CBC is not installed; install it with "
                      "pip install 'mineral-planner[cbc]' (HiGHS, the default, needs nothing)")
#: SolverInfo.status of a solve stopped at a node, time or iteration limit before it found
#: any solution: not proven infeasible.
STOPPED: Final = "stopped"


@dataclass(frozen=True)
class SolverInfo:
    """What the solver reports: ``status`` is optimal, feasible (time limit hit with a
    solution) or infeasible."""

    name: str
    status: str
    seconds: float
    mip_gap: float | None
    runs: int = 1  # solver runs (LP and MIP) behind this answer: a count, not a time
    #: how a day was planned: "dive", "dive-wide" (every food of the chosen dishes),
    #: "pooled" (the fallback) or "unsafe" (no plan keeps a safety limit); "" for
    #: other models
    method: str = ""

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
        """What a saved plan records of its solve: counts, never times, so the same
        request gives byte-identical JSON on any machine (``seconds`` is for --verbose)."""
        return {"name": self.name, "status": self.status, "summary": self.summary,
                "runs": self.runs,
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
    #: a safety limit (an upper limit, a clinician's cap): its side ``hi`` costs
    #: :data:`SAFETY_PENALTY` a relative miss, so every other bound gives way first
    safety: bool = False
    weight: float = 1.0  # the penalty's multiple (a pace, which only spreads, costs less)


@dataclass(frozen=True)
class Count:
    """Between ``lo`` and ``hi`` of the ``members`` candidates are used: hard, or with
    ``overrun_cost`` > 0 a ``hi`` that may be exceeded at that cost per candidate."""

    name: str
    members: np.ndarray  # candidate indices
    lo: int = 0
    hi: int | None = None
    overrun_cost: float = 0.0


@dataclass(frozen=True)
class Need:
    """Each used ``trigger`` candidate needs at least one used ``needs`` candidate (hard)."""

    name: str
    trigger: np.ndarray
    needs: np.ndarray


@dataclass(frozen=True)
class UnitLimit:
    """``lo <= sum(coef * units) <= hi`` over ``members`` (hard; ``coef`` per member)."""

    name: str
    members: np.ndarray
    coef: np.ndarray
    lo: float | None = None
    hi: float | None = None


@dataclass(frozen=True)
class DishOption:
    """One dish a meal may be: the meal is exactly one of its slot's options. Only the
    ``members`` candidates may be used when it is chosen, and each ``parts`` entry
    (candidates, lo, hi) then holds between lo and hi used candidates. ``portions``
    (candidate, lo, hi) keep a candidate, if used in the chosen dish, between lo and hi
    units (a sandwich's two slices of bread). ``cost`` is charged when it is chosen."""

    name: str
    slot: int
    members: np.ndarray
    parts: Sequence[tuple[np.ndarray, int, int]]
    cost: float = 0.0
    portions: Sequence[tuple[int, float, float]] = ()
    family: str = ""  # dishes of one family: at most one a day (default: the name)
    #: what the dish is cooked with: (candidate, when, unless) per seasoning. The
    #: candidate (one level: its amount) is no choice of its own: it is used exactly when
    #: this dish is chosen, and, if ``when`` (candidates) is not empty, one of them is used
    #: too, and none of ``unless`` (the triggers of the rows its group prefers) is
    seasonings: Sequence[tuple[int, np.ndarray, np.ndarray]] = ()


@dataclass(frozen=True)
class DayProblem:
    """One day's meal-planning model, in arrays indexed by candidate (a food in a slot).

    ``food`` and ``slot`` give each candidate's food index and slot index; ``levels`` the
    numbers of units it may be served in (a unit is the food's serving step). ``item_cost``
    is charged once if the candidate is used. ``bounds`` are elastic (their misses are
    measured); ``counts``, ``needs`` and ``limits`` are hard structure. ``exclusive`` lists
    groups of candidate sets of which at most one set may be used (two varieties of one
    kind of food). ``energy`` (kcal per unit) with ``energy_target`` adds a cost of
    ``energy_weight`` per 100 % deviation from the target, so a day's energy does not sit at
    the bottom of its band.
    """

    food: np.ndarray
    slot: np.ndarray
    levels: Sequence[Sequence[int]]
    item_cost: np.ndarray
    energy: np.ndarray
    bounds: Sequence[Bound]
    slot_names: Sequence[str]
    counts: Sequence[Count] = ()
    needs: Sequence[Need] = ()
    limits: Sequence[UnitLimit] = ()
    exclusive: Sequence[tuple[str, Sequence[np.ndarray]]] = ()
    energy_target: float | None = None
    energy_weight: float = 0.0
    dishes: Sequence[DishOption] = ()


@dataclass(frozen=True)
class DaySolution:
    units: np.ndarray  # units chosen per candidate
    slack: Mapping[str, float]  # bound name -> relative miss (0 when met)
    info: SolverInfo
    objective: float
    dishes: Sequence[int] = ()  # indices into problem.dishes of the chosen dishes
    #: the objective without the penalties of missed bounds: what the plan's choices cost
    #: (items, repeats, dishes, energy off its target), to compare plans that miss alike
    preference: float = 0.0
    #: the strict bounds with which the search over every candidate and dish was proven to
    #: have no plan (empty where it was not run or not proven): any model of the day with
    #: these bounds strict and no looser rows has none either
    proven: frozenset[str] = frozenset()


class DayModel:
    """One day's model, built once through PuLP and handed to the solver, then searched by
    changing bounds between runs (:mod:`planner.planning.dive` and
    :mod:`planner.planning.fallback` decide what to change; nothing is rebuilt).

    Each candidate's amount is a choice among its levels, one binary per level with at most
    one chosen. This "multiple choice" form has the tightest possible LP relaxation per
    candidate (an item's fixed cost cannot be spread over a fraction of a unit). Every
    nutrient bound is elastic (a slack column at :data:`ELASTIC_PENALTY`); a bound can be
    made *strict* (its slack held at 0) once the search knows it can be met.
    """

    def __init__(self, problem: DayProblem, options: SolverOptions) -> None:
        self.problem, self.options = problem, options
        n = len(problem.food)
        lp = pulp.LpProblem("day", pulp.LpMinimize)
        chosen = [lp.add_variable(f"dish{k}", 0, 1, cat="Binary")
                  for k in range(len(problem.dishes))]
        #: seasoning candidates: their amount follows their dish (DishOption.seasonings)
        self.attached = {int(i): (k, when, unless) for k, d in enumerate(problem.dishes)
                         for i, when, unless in d.seasonings}
        levels = [[] if i in self.attached else
                  [(lp.add_variable(f"z{i}_{k}", 0, 1, cat="Binary"), float(k))
                   for k in problem.levels[i]] for i in range(n)]
        used = [[(z, 1.0) for z, _ in lv] for lv in levels]  # y_i = sum of levels
        _attach_seasonings(lp, self.attached, chosen, levels, used, problem.levels)
        objective: list[tuple[Any, float]] = []
        for i in range(n):
            if i in self.attached:
                continue
            if len(levels[i]) > 1:
                lp += _expr(used[i]) <= 1, f"one_level{i}"
            for z, _ in levels[i]:
                objective.append((z, float(problem.item_cost[i])))
        self.slacks = _add_bounds(lp, problem.bounds, levels, objective)

        def units(members: Iterable[int], weight: np.ndarray | None = None) -> Any:
            return _expr((z, k * (1.0 if weight is None else float(weight[j])))
                         for j, i in enumerate(members) for z, k in levels[int(i)])

        def items(members: Iterable[int]) -> Any:
            return _expr(term for i in members for term in used[int(i)])

        for c in problem.counts:
            if c.lo > 0:
                lp += items(c.members) >= c.lo, f"count_{c.name}_lo"
            if c.hi is not None and c.hi < len(c.members):
                if c.overrun_cost > 0:
                    over = lp.add_variable(f"over_{c.name}", 0)
                    objective.append((over, c.overrun_cost))
                    lp += _expr([*(t for i in c.members for t in used[int(i)]),
                                 (over, -1.0)]) <= c.hi, f"count_{c.name}_hi"
                else:
                    lp += items(c.members) <= c.hi, f"count_{c.name}_hi"
        for need in problem.needs:
            for t in need.trigger:
                lp += _expr([*used[int(t)], *((z, -1.0) for i in need.needs
                                              for z, _ in levels[int(i)])]) <= 0, \
                    f"need_{need.name}_{int(t)}"
        for limit in problem.limits:
            expr = units(limit.members, limit.coef)
            if limit.lo is not None:
                lp += expr >= limit.lo, f"limit_{limit.name}_lo"
            if limit.hi is not None:
                lp += expr <= limit.hi, f"limit_{limit.name}_hi"
        for name, groups in problem.exclusive:
            marks = []
            for g, members in enumerate(groups):
                mark = lp.add_variable(f"x_{name}_{g}", 0, 1)
                marks.append((mark, 1.0))
                for i in members:
                    lp += _expr([*used[int(i)], (mark, -1.0)]) <= 0, \
                        f"x_{name}_{g}_{int(i)}"
            lp += _expr(marks) <= 1, f"exclusive_{name}"
        self.chosen = _add_dishes(lp, problem.dishes, levels, problem.slot, objective,
                                  chosen, set(self.attached))
        if problem.energy_target:
            over = lp.add_variable("energy_over", 0)
            under = lp.add_variable("energy_under", 0)
            lp += _expr([*((z, k * float(problem.energy[i])) for i in range(n)
                           for z, k in levels[i]), (over, -1.0), (under, 1.0)]) == \
                problem.energy_target, "energy_target"
            weight = problem.energy_weight / problem.energy_target
            objective += [(over, weight), (under, weight)]
        lp += _expr(objective)
        self.lp, self.levels = lp, levels
        self.backend = _backend(lp, options)
        hard = {f"{b.name}:{side}" for b in problem.bounds if b.hard
                for side in ("lo", "hi")}
        self.hard = [k for k in self.slacks if k in hard]
        #: the sides of bounds that only pace a week's amount (weight under 1)
        self.paces = {f"{b.name}:{side}" for b in problem.bounds if b.weight < 1
                      for side in ("lo", "hi")}
        #: the upper sides of safety limits (see :attr:`Bound.safety`)
        self.safety = [f"{b.name}:hi" for b in problem.bounds
                       if b.safety and f"{b.name}:hi" in self.slacks]
        self.seconds = 0.0  # solver time of every run so far
        self.runs = 0  # solver runs so far (LP and MIP)
        self.solver = ""  # the solver that ran them ("HiGHS", "CBC"), as its reports say

    # ---- running
    def run(self, *, mip: bool, nodes: int | None = None, gap: float | None = None,
            start: Sequence[float] | None = None) -> SolverInfo:
        """Solve the model as its bounds stand now (``gap``: this run's relative MIP gap,
        else the options'; ``nodes``: this run's node limit, else :data:`HIGHS_MAX_NODES`;
        ``start``: a solution to start from, as :meth:`values` gives)."""
        info = self.backend.run(mip=mip, nodes=nodes, gap=gap, start=start)
        self.seconds += info.seconds
        self.runs += 1
        self.solver = info.name
        return info

    # ---- reading the last solution
    def units(self) -> np.ndarray:
        """Units per candidate in the last solution (fractional after an LP run)."""
        return np.array([sum(k * (z.varValue or 0.0) for z, k in lv) for lv in self.levels])

    def dish_values(self) -> np.ndarray:
        """Per dish option, its value in the last solution (0-1)."""
        return np.array([y.varValue or 0.0 for y in self.chosen])

    def slack(self) -> dict[str, float]:
        """Relative miss per elastic bound side ("name:lo"), 0 where met: computed from
        the candidates' units, not read from the slack columns, which a MIP solution
        within its gap may leave above the miss (a day said 1 kcal short that its grams
        meet)."""
        units = self.units()
        out: dict[str, float] = {}
        for b in self.problem.bounds:
            coef = np.asarray(b.coef, dtype=float)
            for side, limit in (("lo", b.lo), ("hi", b.hi)):
                key = f"{b.name}:{side}"
                if limit is None or key not in self.slacks:
                    continue
                if b.energy_coef is not None:  # a share of energy: coef - frac * energy
                    value = float((coef - limit * np.asarray(b.energy_coef, dtype=float))
                                  @ units)
                    miss = -value if side == "lo" else value
                else:
                    value = float(coef @ units)
                    miss = limit - value if side == "lo" else value - limit
                out[key] = max(0.0, miss / b.scale) if b.scale else max(0.0, miss)
        return out

    def objective(self) -> float:
        return self.backend.solution()[1]

    def values(self) -> list[float]:
        """Every column's value, for :meth:`restore` or a ``start``."""
        return self.backend.solution()[0]

    def restore(self, values: Sequence[float]) -> None:
        self.backend.restore(values)

    # ---- changing bounds
    def strict(self, keys: Iterable[str], on: bool = True) -> None:
        """Hold the slack of these bound sides at 0 (``on``) or free it again."""
        self.backend.set_upper([self.slacks[k] for k in keys], 0.0 if on else None)

    def allow(self, keep: np.ndarray) -> None:
        """Only the candidates marked in ``keep`` may be used (the others' levels are held
        at 0); every call replaces the last."""
        free = [j for j in range(len(self.levels)) if j not in self.attached]
        self.backend.set_upper([z for j in free for z, _ in self.levels[j]], 1.0)
        self.backend.set_upper([z for j in free if not keep[j] for z, _ in self.levels[j]],
                               0.0)

    def dishes(self, lower: np.ndarray, upper: np.ndarray) -> None:
        """Bounds on the dish binaries: 1/1 fixes a dish, 0/0 rules it out."""
        self.backend.set_bounds(self.chosen, lower, upper)

    def solution(self, info: SolverInfo, method: str = "") -> DaySolution:
        """The last solution as a day's answer (units rounded to the chosen levels);
        ``method`` says which search found it."""
        values = np.rint(self.units()).astype(int)
        picked = [k for k, y in enumerate(self.chosen) if (y.varValue or 0.0) > 0.5]
        info = SolverInfo(info.name, info.status, self.seconds, info.mip_gap, self.runs,
                          method)
        terms = self.lp.objective
        penalties = sum(float(terms.get(v, 0.0)) * (v.varValue or 0.0)
                        for v in self.slacks.values())
        objective = self.objective()
        return DaySolution(values, self.slack(), info, objective, picked,
                           objective - penalties)


def _attach_seasonings(lp: pulp.LpProblem,
                       attached: Mapping[int, tuple[int, np.ndarray, np.ndarray]],
                       chosen: Sequence[Any], levels: list[list[tuple[Any, float]]],
                       used: list[list[tuple[Any, float]]],
                       amounts: Sequence[Sequence[int]]) -> None:
    """Each seasoning candidate's amount as a multiple of its dish's binary (a row without
    a condition: no variable of its own) or of a helper ``h`` that is 1 exactly when the
    dish is chosen, one of ``when`` is used and none of ``unless`` is."""
    for i, (k, when, unless) in attached.items():
        var = chosen[k]
        if len(when) or len(unless):
            var = lp.add_variable(f"season{i}", 0, 1)
            others = [(z, 1.0) for u in unless for z, _ in used[int(u)]]
            lp += _expr([(var, 1.0), (chosen[k], -1.0)]) <= 0, f"season{i}_dish"
            if len(when):
                lp += _expr([(var, 1.0), *((z, -1.0) for t in when
                                           for z, _ in used[int(t)])]) <= 0, f"season{i}_when"
            for u in unless:
                lp += _expr([(var, 1.0), *used[int(u)]]) <= 1, f"season{i}_unless{int(u)}"
            for t in (when if len(when) else [None]):
                trigger = [] if t is None else [(z, -1.0) for z, _ in used[int(t)]]
                lp += _expr([(var, 1.0), (chosen[k], -1.0), *trigger, *others]) \
                    >= (-1 if t is not None else 0), f"season{i}_on{'' if t is None else int(t)}"
        levels[i] = [(var, float(amounts[i][0]))]
        used[i] = [(var, 1.0)]


def _add_dishes(lp: pulp.LpProblem, dishes: Sequence[DishOption],
                levels: Sequence[Sequence[tuple[Any, float]]], slot: np.ndarray,
                objective: list[tuple[Any, float]], chosen: Sequence[Any],
                attached: set[int]) -> list[Any]:
    """Each meal with dish options is exactly one of them: one binary per dish
    (``chosen``), a candidate used only if a chosen dish has it (never, in a meal with
    dishes, if none does; ``attached`` seasonings follow their dish), each part of the
    chosen dish within its counts and portions. Return the dish binaries, in the order
    of ``dishes``."""
    used = [[(z, 1.0) for z, _ in lv] for lv in levels]
    chosen = list(chosen)
    by_slot: dict[int, list[int]] = {}
    offers: dict[int, list[int]] = {}
    for k, dish in enumerate(dishes):
        by_slot.setdefault(dish.slot, []).append(k)
        for i in dish.members:
            offers.setdefault(int(i), []).append(k)
        if dish.cost:
            objective.append((chosen[k], float(dish.cost)))
    for k, dish in enumerate(dishes):
        for p, (members, lo, hi) in enumerate(dish.parts):
            terms = [t for i in members for t in used[int(i)]]
            if lo > 0:
                lp += _expr([*terms, (chosen[k], -float(lo))]) >= 0, f"dish{k}_part{p}_lo"
            if hi < len(members):
                lp += _expr([*terms, (chosen[k], float(len(members) - hi))]) \
                    <= len(members), f"dish{k}_part{p}_hi"
        for i, lo_units, hi_units in dish.portions:  # levels outside: not in this dish
            outside = [(z, 1.0) for z, k_ in levels[int(i)]
                       if k_ < lo_units - 1e-9 or k_ > hi_units + 1e-9]
            if outside:
                lp += _expr([*outside, (chosen[k], 1.0)]) <= 1, f"dish{k}_portion{int(i)}"
    for s, ks in by_slot.items():
        lp += _expr((chosen[k], 1.0) for k in ks) == 1, f"one_dish_slot{s}"
    by_name: dict[str, list[int]] = {}
    for k, dish in enumerate(dishes):
        by_name.setdefault(dish.family or dish.name, []).append(k)
    for number, ks in enumerate(by_name.values()):  # a dish once a day (not lunch and dinner)
        if len(ks) > 1:
            lp += _expr((chosen[k], 1.0) for k in ks) <= 1, f"dish_once{number}"
    for i in np.flatnonzero(np.isin(slot, list(by_slot))):
        if int(i) in attached:
            continue
        ks = offers.get(int(i), [])
        lp += _expr([*used[int(i)], *((chosen[k], -1.0) for k in ks)]) <= 0, f"in_dish{i}"
    return chosen


class _PulpBackend:
    """Solves through PuLP's solver interfaces (CBC, or HiGHS without highspy's direct
    model): every run hands the whole model over again."""

    def __init__(self, lp: pulp.LpProblem, options: SolverOptions) -> None:
        self.lp, self.options = lp, options

    def set_upper(self, variables: Sequence[Any], value: float | None) -> None:
        for v in variables:
            v.upBound = value

    def set_bounds(self, variables: Sequence[Any], lower: np.ndarray, upper: np.ndarray
                   ) -> None:
        for v, lo, hi in zip(variables, lower, upper, strict=True):
            v.lowBound, v.upBound = float(lo), float(hi)

    def run(self, *, mip: bool, nodes: int | None = None, gap: float | None = None,
            start: Sequence[float] | None = None) -> SolverInfo:
        options = self.options if gap is None else replace(self.options, mip_gap=gap)
        return _solve(self.lp, options, mip=mip)  # PuLP's CBC takes no start here

    def solution(self) -> tuple[list[float], float]:
        """The current values of every variable and the objective."""
        return ([v.varValue or 0.0 for v in self.lp.variables()],
                float(pulp.value(self.lp.objective) or 0.0))

    def restore(self, values: Sequence[float]) -> None:
        for v, x in zip(self.lp.variables(), values, strict=True):
            v.varValue = x


class _HighsBackend:
    """One HiGHS model per day, built once from the PuLP model and changed in place between
    the LP pass and the integer passes: bounds and integrality change, nothing is rebuilt or
    re-sorted by name (PuLP's interface rebuilds the model on every solve). The solution is
    written back to the PuLP variables, so the caller reads ``varValue`` as usual."""

    def __init__(self, lp: pulp.LpProblem, options: SolverOptions) -> None:
        import highspy

        self.options = options
        self.variables: list[Any] = []
        self.column: dict[int, int] = {}
        cost: dict[int, float] = {}
        for v, a in lp.objective.items():
            cost[self._col(v)] = cost.get(self._col(v), 0.0) + float(a)
        starts, index, value, row_lo, row_hi = [0], [], [], [], []
        for constraint in lp.constraints():
            for v, a in constraint.items():
                index.append(self._col(v))
                value.append(float(a))
            starts.append(len(index))
            rhs = -float(constraint.constant)
            sense = constraint.sense
            row_lo.append(rhs if sense in (pulp.LpConstraintGE, pulp.LpConstraintEQ)
                          else -highspy.kHighsInf)
            row_hi.append(rhs if sense in (pulp.LpConstraintLE, pulp.LpConstraintEQ)
                          else highspy.kHighsInf)
        inf = highspy.kHighsInf
        model = highspy.HighsLp()
        model.num_col_ = len(self.variables)
        model.num_row_ = len(row_lo)
        self.cost = np.array([cost.get(j, 0.0) for j in range(len(self.variables))])
        model.col_cost_ = self.cost
        model.col_lower_ = np.array([-inf if v.lowBound is None else float(v.lowBound)
                                     for v in self.variables])
        model.col_upper_ = np.array([inf if v.upBound is None else float(v.upBound)
                                     for v in self.variables])
        model.row_lower_ = np.array(row_lo)
        model.row_upper_ = np.array(row_hi)
        model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        model.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        model.a_matrix_.index_ = np.array(index, dtype=np.int32)
        model.a_matrix_.value_ = np.array(value)
        self.integer = np.array([j for j, v in enumerate(self.variables)
                                 if v.cat == pulp.LpInteger], dtype=np.int32)
        self.highspy = highspy
        with _quiet_stdout():  # the banner HiGHS prints when a model object is created
            self.highs = highspy.Highs()  # type: ignore[no-untyped-call]
        for key, val in _highs_options(options).items():
            self.highs.setOptionValue(key, val)
        self.highs.passModel(model)
        self.mip = False

    def _col(self, v: Any) -> int:
        j = self.column.get(id(v))
        if j is None:
            j = self.column[id(v)] = len(self.variables)
            self.variables.append(v)
        return j

    def set_upper(self, variables: Sequence[Any], value: float | None) -> None:
        cols = np.array([self.column[id(v)] for v in variables if id(v) in self.column],
                        dtype=np.int32)
        for v in variables:
            v.upBound = value
        if len(cols):
            lower = np.array([self.variables[j].lowBound or 0.0 for j in cols])
            upper = np.full(len(cols), self.highspy.kHighsInf if value is None else value)
            self.highs.changeColsBounds(len(cols), cols, lower, upper)

    def set_bounds(self, variables: Sequence[Any], lower: np.ndarray, upper: np.ndarray
                   ) -> None:
        for v, lo, hi in zip(variables, lower, upper, strict=True):
            v.lowBound, v.upBound = float(lo), float(hi)
        cols = np.array([self.column[id(v)] for v in variables], dtype=np.int32)
        if len(cols):
            self.highs.changeColsBounds(len(cols), cols, np.asarray(lower, dtype=float),
                                        np.asarray(upper, dtype=float))

    def solution(self) -> tuple[list[float], float]:
        """The current values of every column and the objective."""
        values = [v.varValue or 0.0 for v in self.variables]
        return values, float(np.dot(self.cost, values))

    def restore(self, values: Sequence[float]) -> None:
        for v, x in zip(self.variables, values, strict=True):
            v.varValue = x

    def run(self, *, mip: bool, nodes: int | None = None, gap: float | None = None,
            start: Sequence[float] | None = None) -> SolverInfo:
        """Solve; ``nodes`` and ``gap`` set the node limit and the relative MIP gap for
        this run only; ``start`` (a value per column) is a solution to start from."""
        highspy = self.highspy
        if mip != self.mip and len(self.integer):
            kind = highspy.HighsVarType.kInteger if mip else highspy.HighsVarType.kContinuous
            self.highs.changeColsIntegrality(len(self.integer), self.integer,
                                             np.full(len(self.integer), kind))
            self.mip = mip
        if start is not None:
            given = highspy.HighsSolution()
            given.col_value = list(start)
            given.value_valid = True
            self.highs.setSolution(given)
        begin = time.perf_counter()
        if nodes is not None:
            self.highs.setOptionValue("mip_max_nodes", nodes)
        if gap is not None:
            self.highs.setOptionValue("mip_rel_gap", float(gap))
        try:
            self.highs.run()
            status = self.highs.getModelStatus()
            if status in (highspy.HighsModelStatus.kUnknown,
                          highspy.HighsModelStatus.kNotset):
                # numerical trouble warm-starting from the last basis after many bound
                # changes (seen on an LP of the dive): solve once more from scratch
                self.highs.clearSolver()
                self.highs.run()
        finally:
            if nodes is not None:
                self.highs.setOptionValue("mip_max_nodes", HIGHS_MAX_NODES)
            if gap is not None:
                self.highs.setOptionValue("mip_rel_gap", float(self.options.mip_gap))
        seconds = time.perf_counter() - begin
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kTimeLimit:
            raise SolverError(time_limit_error(self.options))
        info = self.highs.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if status == highspy.HighsModelStatus.kInfeasible or not has_solution:
            if status in (highspy.HighsModelStatus.kInfeasible,
                          highspy.HighsModelStatus.kUnboundedOrInfeasible):
                return SolverInfo("HiGHS", "infeasible", seconds, None)
            if status in (highspy.HighsModelStatus.kSolutionLimit,
                          highspy.HighsModelStatus.kIterationLimit,
                          highspy.HighsModelStatus.kUnknown,
                          highspy.HighsModelStatus.kNotset):
                # stopped at the node or iteration limit before finding a solution, or
                # unresolved twice: not proven infeasible, so the caller may widen or
                # relax the model (the dive leaves that branch)
                return SolverInfo("HiGHS", STOPPED, seconds, None)
            raise SolverError(f"HiGHS could not solve the model "
                              f"({self.highs.modelStatusToString(status).lower()} after "
                              f"{seconds:.1f} s)")
        values = self.highs.getSolution().col_value
        for v, x in zip(self.variables, values, strict=True):
            v.varValue = x
        gap = None
        if mip:
            raw = float(info.mip_gap)
            gap = 0.0 if not math.isfinite(raw) or raw < 0 else raw
        proven = not mip or self.options.mip_gap == 0 or (gap is not None and gap <= 1e-6)
        label = "optimal" if status == highspy.HighsModelStatus.kOptimal and proven \
            else "feasible"
        return SolverInfo("HiGHS", label, seconds, gap)


def _backend(lp: pulp.LpProblem, options: SolverOptions) -> _PulpBackend | _HighsBackend:
    """The direct HiGHS model when HiGHS is asked for and highspy works, else PuLP."""
    if options.solver == "highs":
        try:
            return _HighsBackend(lp, options)
        except (ImportError, AttributeError, RuntimeError, TypeError, ValueError):
            pass  # an old or broken highspy: PuLP's interface, and its CBC fallback
    return _PulpBackend(lp, options)


def _highs_options(options: SolverOptions) -> dict[str, Any]:
    # A small cut pool: these models are tiny, and HiGHS's default pool (10,000 cuts)
    # spends most of the time separating cuts (measured: 1.9 s -> 1.2 s a week).
    limit = {} if options.time_limit is None else {"time_limit": float(options.time_limit)}
    return {"output_flag": False, **limit,
            "mip_rel_gap": float(options.mip_gap), "threads": 1,
            "mip_pool_soft_limit": HIGHS_CUT_POOL,
            "mip_heuristic_effort": HIGHS_HEURISTIC_EFFORT,
            "mip_max_nodes": HIGHS_MAX_NODES,
            # RENS rarely improves these models' first solutions and costs ~20 % of a day
            # (measured on 14 day models: 7.3 s -> 6.0 s, the same objectives)
            "mip_heuristic_run_rens": False}


def _expr(terms: Iterable[tuple[Any, float]]) -> Any:
    """A linear expression from (variable, coefficient) pairs, built in one step (much
    faster than summing products, which creates an expression per term). A variable
    given twice (a dish's binary for each of its seasonings) has its coefficients added:
    PuLP would keep only the last."""
    total: dict[Any, float] = {}
    for v, c in terms:
        if c:
            total[v] = total.get(v, 0.0) + c
    return pulp.LpAffineExpression([(v, c) for v, c in total.items() if c])


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
            objective.append((s, SAFETY_PENALTY if b.safety and side == "hi"
                               else ELASTIC_PENALTY * b.weight))
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
            if name == "cbc" and options.solver == "cbc":
                raise SolverError(CBC_MISSING)
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
        if options.time_limit is not None and seconds >= 0.99 * options.time_limit:
            raise SolverError(time_limit_error(options))
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
        errors.append(f"{'HiGHS' if name == 'highs' else 'CBC'} stopped without a solution "
                      f"({status.lower()}) after {seconds:.1f} s")
    raise SolverError("the solver found no solution: " + "; ".join(errors))


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


def time_limit_error(options: SolverOptions) -> str:
    """The one line for a solve that reached the user's safety-net time limit: an error,
    never a plan that would depend on the machine's speed."""
    return (f"a solve reached --time-limit {options.time_limit:g} s and was stopped; "
            "without the limit the plan is the same on any machine, so remove it or set "
            "a longer one")


def _make_solver(name: str, options: SolverOptions, mip: bool) -> Any:
    if name == "highs":
        extra = {k: v for k, v in _highs_options(options).items()
                 if k not in ("output_flag", "time_limit", "mip_rel_gap", "threads")}
        highs = pulp.HiGHS(mip=mip, msg=False, timeLimit=options.time_limit,
                           gapRel=options.mip_gap, threads=1, **extra)
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
               integer: bool, options: SolverOptions = SolverOptions(),
               lower: np.ndarray | None = None, elastic: bool = True) -> DietSolution:
    """Minimise ``cost . x`` subject to ``bounds``, ``lower <= x <= upper`` (inf = none).

    ``elastic`` bounds may be missed at :data:`ELASTIC_PENALTY` per relative miss; hard ones
    (``elastic=False``) may not, and a problem that cannot meet them has status
    ``infeasible`` (units all zero).
    """
    lp = pulp.LpProblem("diet", pulp.LpMinimize)
    low = np.zeros(len(upper)) if lower is None else np.asarray(lower, dtype=float)
    x = [lp.add_variable(f"x{i}", float(lo), None if not math.isfinite(u) else float(u),
                         cat="Integer" if integer else "Continuous")
         for i, (lo, u) in enumerate(zip(low, upper, strict=True))]
    objective: list[tuple[Any, float]] = [(v, float(c)) for c, v in zip(cost, x, strict=True)]
    slacks = _add_bounds(lp, bounds, [[(v, 1.0)] for v in x], objective)
    if not elastic:
        for s in slacks.values():
            s.upBound = 0.0
    lp += _expr(objective)
    info = _solve(lp, options, mip=integer)
    if info.status == "infeasible":
        return DietSolution(np.zeros(len(x)), {k: 0.0 for k in slacks}, 0.0, info)
    units = np.array([v.varValue or 0.0 for v in x], dtype=float)
    if integer:
        units = np.round(units)
    value = float(np.dot(cost, units))
    return DietSolution(units, {k: max(0.0, s.varValue or 0.0) for k, s in slacks.items()},
                        value, info)


def met(slack: float) -> bool:
    """True when a relative slack is zero within solver tolerance."""
    return slack <= _TOLERANCE
