"""Small models with answers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planner.planning.dive import solve_day
from planner.planning.model import (
    Bound,
    Count,
    DayModel,
    DayProblem,
    DishOption,
    Need,
    SolverOptions,
    UnitLimit,
    solve_diet,
)

# Two foods: A costs 2 and has protein 20, calcium 10 per unit; B costs 3 and has protein 5,
# calcium 60. Needs: protein >= 45, calcium >= 100.
COST = np.array([2.0, 3.0])
PROTEIN = np.array([20.0, 5.0])
CALCIUM = np.array([10.0, 60.0])
BOUNDS = [Bound("protein", PROTEIN, lo=45, scale=45), Bound("calcium", CALCIUM, lo=100,
                                                             scale=100)]


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_continuous_optimum_is_the_vertex(solver: str) -> None:
    # Both bounds tight: b = 31/23, a = 44/23, cost = 181/23.
    sol = solve_diet(COST, np.array([math.inf, math.inf]), BOUNDS, integer=False,
                     options=SolverOptions(solver=solver, fallback=False))  # type: ignore[arg-type]
    assert sol.units == pytest.approx([44 / 23, 31 / 23], abs=1e-6)
    assert sol.objective == pytest.approx(181 / 23, abs=1e-6)
    assert sol.info.status == "optimal"
    assert sol.info.name == ("HiGHS" if solver == "highs" else "CBC")
    assert all(v == pytest.approx(0.0, abs=1e-9) for v in sol.slack.values())


def test_cbc_asked_for_but_not_installed_names_the_extra(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # CBC is the optional extra mineral-planner[cbc]: without it, --solver cbc says how to
    # get it (one line), and HiGHS with its CBC fallback still solves
    from planner.errors import SolverError
    from planner.planning import model

    made = model._make_solver
    monkeypatch.setattr(model, "_make_solver", lambda name, options, mip: None
                        if name == "cbc" else made(name, options, mip))
    with pytest.raises(SolverError, match=r"pip install 'mineral-planner\[cbc\]'"):
        solve_diet(COST, np.array([math.inf, math.inf]), BOUNDS, integer=False,
                   options=SolverOptions(solver="cbc"))
    sol = solve_diet(COST, np.array([math.inf, math.inf]), BOUNDS, integer=False,
                     options=SolverOptions(solver="highs", fallback=True))
    assert sol.info.name == "HiGHS"


def test_integer_optimum() -> None:
    # Integer points: (2,1) lacks calcium (80); (2,2) costs 10 and is the cheapest feasible.
    sol = solve_diet(COST, np.array([math.inf, math.inf]), BOUNDS, integer=True)
    assert sol.units.tolist() == [2.0, 2.0]
    assert sol.objective == 10.0


def test_elastic_slack_measures_an_impossible_request() -> None:
    # At most one unit each: protein reaches 25 (short 20 of 45), calcium 70 (short 30).
    sol = solve_diet(COST, np.array([1.0, 1.0]), BOUNDS, integer=True)
    assert sol.units.tolist() == [1.0, 1.0]
    assert sol.slack["protein:lo"] * 45 == pytest.approx(20.0)
    assert sol.slack["calcium:lo"] * 100 == pytest.approx(30.0)


def test_upper_bound_and_energy_share() -> None:
    # Fat must be at most 30 % of energy: food 0 is all fat (9 kcal/g), food 1 none.
    energy = np.array([90.0, 40.0])
    fat_kcal = np.array([90.0, 0.0])
    bounds = [Bound("energy", energy, lo=400, scale=400),
              Bound("fat_pct", fat_kcal, hi=0.30, energy_coef=energy)]
    sol = solve_diet(np.array([1.0, 1.0]), np.array([math.inf, math.inf]), bounds,
                     integer=False)
    a, b = sol.units
    assert 90 * a <= 0.30 * (90 * a + 40 * b) + 1e-6
    assert 90 * a + 40 * b >= 400 - 1e-6
    # cheapest: fat share exactly 30 %: 90a = 0.3(90a + 40b) -> b = 63a/12; energy 400
    assert a == pytest.approx(400 / (90 + 40 * 63 / 12), rel=1e-6)


def _tiny_day(calcium_min: float, **extra: object) -> DayProblem:
    # candidates: oats@breakfast, milk@breakfast, milk@dinner, beans@dinner
    food = np.array([0, 1, 1, 2])
    slot = np.array([0, 0, 1, 1])
    calcium = np.array([20.0, 300.0, 300.0, 50.0])
    energy = np.array([150.0, 100.0, 100.0, 200.0])
    fields: dict[str, object] = dict(
        food=food, slot=slot, levels=[[1, 2]] * 4,
        item_cost=np.array([1.0, 5.0, 5.0, 1.0]), energy=energy,
        bounds=[Bound("calcium", calcium, lo=calcium_min, scale=calcium_min),
                Bound("energy", energy, lo=500, hi=700, scale=600)],
        slot_names=["breakfast", "dinner"],
        counts=[Count("breakfast", np.array([0, 1]), 1, 2),
                Count("dinner", np.array([2, 3]), 1, 2)])
    fields.update(extra)
    return DayProblem(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_day_model_avoids_costly_items_until_a_target_needs_them(solver: str) -> None:
    options = SolverOptions(solver=solver, fallback=False)  # type: ignore[arg-type]
    easy = solve_day(_tiny_day(calcium_min=100), options)
    assert easy.units[[1, 2]].sum() == 0  # milk (cost 5) not needed: oats + beans suffice
    # oats and beans alone reach 500-700 kcal (item costs 1 + 1: the least possible)
    assert easy.objective == pytest.approx(2.0)
    assert easy.units[0] > 0 and easy.units[3] > 0
    hard = solve_day(_tiny_day(calcium_min=600), options)
    assert hard.units[[1, 2]].sum() >= 2  # 600 mg needs two cups of milk
    calcium = np.array([20.0, 300.0, 300.0, 50.0])
    assert float(calcium @ hard.units) >= 600
    assert all(v == pytest.approx(0.0, abs=1e-9) for v in hard.slack.values())
    assert hard.info.name == ("HiGHS" if solver == "highs" else "CBC")


def test_levels_need_and_unit_limit() -> None:
    # Beans may only be eaten as 2 units; milk at dinner needs beans at dinner; at most
    # 1 unit of milk a day over both slots.
    problem = _tiny_day(calcium_min=300, levels=[[1, 2], [1, 2], [1, 2], [2]],
                        needs=[Need("milk_with_beans", np.array([2]), np.array([3]))],
                        limits=[UnitLimit("milk_day", np.array([1, 2]), np.ones(2), hi=1)])
    sol = solve_day(problem)
    assert sol.units[3] in (0, 2)
    assert sol.units[1] + sol.units[2] == 1  # 300 mg of calcium needs exactly one cup
    if sol.units[2]:
        assert sol.units[3] == 2


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_a_dish_portion_holds_only_when_that_dish_is_chosen(solver: str) -> None:
    # Dinner is "plate" (beans) or "both" (beans and milk, costly). Unheld, the cheapest day
    # is 2 milk + 2 beans (items 5 + 1, 600 kcal, 700 mg calcium). Holding the plate's beans
    # to 1 unit leaves 400 kcal, under the 500 kcal floor, so oats come in (cost 7).
    both = DishOption("both", 1, np.array([2, 3]),
                      [(np.array([3]), 1, 1), (np.array([2]), 1, 1)], cost=100.0)
    options = SolverOptions(solver=solver, fallback=False)  # type: ignore[arg-type]
    free = DishOption("plate", 1, np.array([3]), [(np.array([3]), 1, 1)])
    loose = solve_day(_tiny_day(calcium_min=300, dishes=[free, both]), options)
    assert list(loose.dishes) == [0] and loose.units[3] == 2 and loose.units[0] == 0
    held = DishOption("plate", 1, np.array([3]), [(np.array([3]), 1, 1)],
                      portions=[(3, 0.0, 1.0)])
    sol = solve_day(_tiny_day(calcium_min=300, dishes=[held, both]), options)
    assert list(sol.dishes) == [0]
    assert sol.units[3] == 1 and sol.units[0] > 0  # its portion, and oats for the energy
    assert sol.objective == pytest.approx(7.0)


def test_exclusive_groups_allow_one_variety() -> None:
    # Two milks (breakfast candidate 1, dinner candidate 2) as two varieties of one kind:
    # 600 mg needs two cups, which must then be the same candidate.
    problem = _tiny_day(calcium_min=600,
                        exclusive=[("milk", [np.array([1]), np.array([2])])])
    sol = solve_day(problem)
    assert (sol.units[1] == 0) or (sol.units[2] == 0)
    assert max(sol.units[1], sol.units[2]) == 2


def test_a_soft_count_is_exceeded_only_at_its_cost() -> None:
    # At most 1 of the four candidates "for free"; more cost 0.5 each: cheaper than failing
    # the energy bound, so the plan uses two items and pays once.
    problem = _tiny_day(calcium_min=100,
                        counts=[Count("cap", np.arange(4), 0, 1, overrun_cost=0.5)])
    sol = solve_day(problem)
    assert int((sol.units > 0).sum()) == 2
    assert sol.objective == pytest.approx(2 + 0.5, abs=1e-6)


@pytest.mark.parametrize(("target", "units"), [(500.0, [1, 0, 0, 2]), (600.0, [1, 0, 0, 2]),
                                               (680.0, [2, 0, 0, 2])])
def test_energy_target_picks_among_equally_cheap_days(target: float, units: list[int]
                                                      ) -> None:
    # Oats (150 kcal, 20 mg calcium) and beans (200 kcal, 50 mg) at 1-2 units each cost the
    # same; 100 mg of calcium rules out 2 + 1 units (90 mg). The energy target decides
    # between 1 + 2 units (550 kcal) and 2 + 2 (700 kcal).
    sol = solve_day(_tiny_day(calcium_min=100, energy_target=target, energy_weight=1.0),
                    SolverOptions(mip_gap=0.0))
    assert sol.units.tolist() == units
    assert sol.info.status == "optimal"


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_a_pool_that_would_trap_the_day_is_widened(solver: str) -> None:
    # One meal, one serving each. A soft target of 10-12 mg: the relaxation meets it with
    # half a serving of "rich" (20 mg, cost 1); five richer foods overshoot too, so the
    # pool (the relaxation's foods, the 8 cheapest, the 5 richest) leaves out "fits"
    # (11 mg, cost 50), the only food that meets it whole. Without widening the day would
    # miss the target (slack), though a plan that meets it exists.
    nutrient = np.array([20.0, 21, 22, 23, 24, 25, *[0.0] * 8, 11.0])
    cost = np.array([1.0, 2, 2, 2, 2, 2, *range(2, 10), 50.0])
    n = len(nutrient)
    problem = DayProblem(
        food=np.arange(n), slot=np.zeros(n, dtype=int), levels=[[1]] * n, item_cost=cost,
        energy=np.ones(n), bounds=[Bound("target", nutrient, lo=10, hi=12, scale=10,
                                         hard=False)],
        slot_names=["lunch"], counts=[Count("lunch", np.arange(n), 1, 1)])
    options = SolverOptions(solver=solver, fallback=False)  # type: ignore[arg-type]
    day = solve_day(problem, options)
    assert list(np.flatnonzero(day.units)) == [n - 1]  # "fits", recomputed below
    assert 10 <= float(nutrient @ day.units) <= 12
    assert all(v == pytest.approx(0.0, abs=1e-9) for v in day.slack.values())
    assert day.objective == pytest.approx(50.0)


def _seasoned_day(sodium_max: float, iron_min: float = 0.0) -> DayProblem:
    """One meal: "tacos" (beans, candidate 0, cost 1; or chicken, 1, cost 0.5) or "plate"
    (fish, 2, cost 3). Tacos are cooked with salsa (3: 2 units of 150 mg sodium) when
    they hold beans, else with lime (4: no sodium); the plate with pepper (5: 10 mg).
    Beans and fish bring 5 mg of iron, chicken none."""
    return DayProblem(
        food=np.arange(6), slot=np.zeros(6, dtype=int),
        levels=[[1], [1], [1], [2], [1], [1]],
        item_cost=np.array([1.0, 0.5, 3.0, 0.0, 0.0, 0.0]),
        energy=np.array([200.0, 200.0, 200.0, 10.0, 2.0, 1.0]),
        bounds=[Bound("sodium", np.array([0.0, 0.0, 0.0, 150.0, 0.0, 10.0]), hi=sodium_max,
                      scale=sodium_max),
                Bound("iron", np.array([5.0, 0.0, 5.0, 0.0, 0.0, 0.0]), lo=iron_min or None,
                      scale=5.0)],
        slot_names=["lunch"],
        dishes=[DishOption("tacos", 0, np.array([0, 1]), [(np.array([0, 1]), 1, 1)],
                           seasonings=[(3, np.array([0]), np.array([], dtype=int)),
                                       (4, np.array([], dtype=int), np.array([0]))]),
                DishOption("plate", 0, np.array([2]), [(np.array([2]), 1, 1)],
                           seasonings=[(5, np.array([], dtype=int),
                                        np.array([], dtype=int))])])


@pytest.mark.parametrize(("sodium_max", "iron_min", "units"), [
    (400.0, 0.0, [0, 1, 0, 0, 1, 0]),  # cheapest: chicken tacos, so lime, no salsa
    (400.0, 5.0, [1, 0, 0, 2, 0, 0]),  # iron: bean tacos, and with beans the salsa
    (250.0, 5.0, [0, 0, 1, 0, 0, 1]),  # the salsa's 300 mg is over: the fish plate
])
def test_a_dishs_seasonings_come_with_it_and_count_in_its_bounds(
        sodium_max: float, iron_min: float, units: list[int]) -> None:
    sol = solve_day(_seasoned_day(sodium_max, iron_min))
    assert sol.units.tolist() == units
    assert all(v == pytest.approx(0.0, abs=1e-9) for v in sol.slack.values())
    assert sol.objective == pytest.approx(sol.preference)  # every bound met


def test_a_seasoning_no_part_of_the_pool_keeps_its_dish() -> None:
    # the integer search over a pool rules candidates out; a seasoning follows its dish
    model = DayModel(_seasoned_day(400.0, 5.0), SolverOptions())
    model.allow(np.array([True, True, True, False, False, False]))
    info = model.run(mip=True)
    assert info.status == "optimal"
    assert np.rint(model.units()).tolist() == [1, 0, 0, 2, 0, 0]


def test_two_seasonings_of_one_dish_both_count() -> None:
    # pepper (10 mg) and soy sauce (20 mg) both follow the one dish's binary: its row
    # holds 30 mg, so a 25 mg cap is missed by 5 (PuLP keeps one coefficient of a
    # variable given twice; the model adds them)
    problem = DayProblem(
        food=np.arange(3), slot=np.zeros(3, dtype=int), levels=[[1], [1], [1]],
        item_cost=np.array([1.0, 0.0, 0.0]), energy=np.array([100.0, 1.0, 1.0]),
        bounds=[Bound("sodium", np.array([0.0, 10.0, 20.0]), hi=25.0, scale=25.0)],
        slot_names=["lunch"],
        dishes=[DishOption("plate", 0, np.array([0]), [(np.array([0]), 1, 1)],
                           seasonings=[(1, np.array([], dtype=int), np.array([], dtype=int)),
                                       (2, np.array([], dtype=int), np.array([], dtype=int))])])
    sol = solve_day(problem)
    assert sol.units.tolist() == [1, 1, 1]
    assert sol.slack["sodium:hi"] * 25.0 == pytest.approx(5.0)
