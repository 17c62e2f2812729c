"""The generic diet problem on a table small enough to solve by hand (see test_model)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest

from planner.errors import DatasetError, InfeasiblePlanError, PlanRequestError
from planner.planning.diet import (
    DietGroup,
    read_foods_csv,
    read_groups_csv,
    read_targets_csv,
    solve_table,
)
from planner.planning.model import SolverOptions


def test_hand_checked_integer_and_continuous(data_dir: Path) -> None:
    foods = read_foods_csv(data_dir / "solve_foods.csv")
    targets = read_targets_csv(data_dir / "solve_targets.csv")
    whole = solve_table(foods, targets)
    assert [(i.id, i.units) for i in whole.items] == [("A", 2.0), ("B", 2.0)]
    assert whole.objective == 10.0
    assert whole.totals == {"protein_g": 50.0, "calcium_mg": 140.0}
    part = solve_table(foods, targets, continuous=True)
    assert part.objective == pytest.approx(181 / 23, abs=1e-6)
    doc = part.as_dict()
    assert doc["schema"] == "planner.solve/1" and doc["status"] == "optimal"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_infeasible_table_names_the_unmet_targets(tmp_path: Path) -> None:
    foods = read_foods_csv(write(tmp_path, "f.csv", "id,name,price,max_units,protein_g,"
                                 "calcium_mg\nA,a,2,1,20,10\nB,b,3,1,5,60\n"))
    targets = read_targets_csv(write(tmp_path, "t.csv", "nutrient,min,max\nprotein_g,45,\n"
                                     "calcium_mg,100,\n"))
    with pytest.raises(InfeasiblePlanError) as info:
        solve_table(foods, targets)
    amounts = {s.nutrient: s.amount for s in info.value.shortfalls}
    assert amounts == pytest.approx({"protein_g": 20.0, "calcium_mg": 30.0})
    assert "Protein needs 45 g: short by 20" in str(info.value)


def test_max_bound_and_energy_objective(tmp_path: Path) -> None:
    foods = read_foods_csv(write(tmp_path, "f.csv", "id,name,energy_kcal,sodium_mg\n"
                                 "x,salty,100,500\ny,plain,300,0\n"))
    targets = read_targets_csv(write(tmp_path, "t.csv",
                                     "nutrient,min,max\nenergy_kcal,600,\nsodium_mg,,1000\n"))
    result = solve_table(foods, targets, objective="energy")
    units = {i.id: i.units for i in result.items}
    # 600 kcal at least: 2 x plain = 600 kcal; salty adds sodium; optimum is energy 600.
    assert result.objective == 600
    assert result.totals["sodium_mg"] <= 1000
    assert units


def test_unknown_values_count_as_zero_and_are_reported(tmp_path: Path) -> None:
    foods = read_foods_csv(write(tmp_path, "f.csv", "id,name,price,magnesium_mg\n"
                                 "a,mystery,1,\nb,known,5,100\n"))
    targets = read_targets_csv(write(tmp_path, "t.csv", "nutrient,min,max\nmagnesium_mg,200,\n"))
    result = solve_table(foods, targets)
    assert [(i.id, i.units) for i in result.items] == [("b", 2.0)]  # unknown is not free Mg


@pytest.mark.parametrize(("foods", "message"), [
    ("id,name,magnesium_g\na,x,1\n", r"unknown column magnesium_g \(did you mean magnesium_mg"),
    ("id,name,magnesium_mg\na,x,lots\n", r"column magnesium_mg: non-numeric value 'lots'"),
    ("id,name,magnesium_mg\na,x,-1\n", r"column magnesium_mg: negative value"),
    ("name,magnesium_mg\nx,1\n", r"missing column id"),
    ("id,name,magnesium_mg\na,x,1\na,y,2\n", r"duplicate id 'a'"),
])
def test_bad_foods_tables(tmp_path: Path, foods: str, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        read_foods_csv(write(tmp_path, "f.csv", foods))


@pytest.mark.parametrize(("targets", "message"), [
    ("nutrient,min,max\nmagnesium,1,\n", r"line 2: unknown nutrient 'magnesium'"),
    ("nutrient,min,max\nmagnesium_mg,lots,\n", r"line 2: min 'lots' is not a number"),
    ("nutrient,min,max\nmagnesium_mg,5,1\n", r"min 5 is above max 1"),
    ("nutrient,min,max\nmagnesium_mg,,\n", r"has neither min nor max"),
    ("nutrient,low\nmagnesium_mg,1\n", r"missing column min"),
])
def test_bad_targets_tables(tmp_path: Path, targets: str, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        read_targets_csv(write(tmp_path, "t.csv", targets))


def test_cost_objective_needs_prices(tmp_path: Path, data_dir: Path) -> None:
    foods = read_foods_csv(write(tmp_path, "f.csv", "id,name,protein_g\na,x,1\n"))
    with pytest.raises(PlanRequestError, match="no column price"):
        solve_table(foods, read_targets_csv(data_dir / "solve_targets.csv"))
    with pytest.raises(DatasetError, match="file not found"):
        read_foods_csv(tmp_path / "missing.csv")


# ------------------------------------------------------------------ published problems

def test_jump_tutorial_diet_problem_reaches_its_published_optimum(data_dir: Path) -> None:
    """JuMP's tutorial "The diet problem" (data from Gurobi's diet example): 11.8288."""
    foods = read_foods_csv(data_dir / "jump_diet_foods.csv")
    targets = read_targets_csv(data_dir / "jump_diet_targets.csv")
    result = solve_table(foods, targets, continuous=True)
    assert result.objective == pytest.approx(11.8288, abs=1e-4)
    units = {i.id: i.units for i in result.items}
    assert units == pytest.approx({"hamburger": 0.6045, "milk": 6.9701, "ice cream": 2.5913},
                                  abs=1e-4)
    assert result.info.status == "optimal"


def test_jump_tutorial_is_infeasible_once_milk_and_ice_cream_are_at_most_6(
        data_dir: Path) -> None:
    foods = read_foods_csv(data_dir / "jump_diet_foods.csv")
    targets = read_targets_csv(data_dir / "jump_diet_targets.csv")
    groups = read_groups_csv(data_dir / "jump_diet_groups.csv")
    assert groups == (DietGroup("dairy", ("milk", "ice cream"), None, 6.0),)
    with pytest.raises(InfeasiblePlanError, match="no selection of these foods meets"):
        solve_table(foods, targets, continuous=True, groups=groups)
    looser = (DietGroup("dairy", ("milk", "ice cream"), None, 10.0),)
    result = solve_table(foods, targets, continuous=True, groups=looser)
    assert result.group_totals["dairy"] <= 10.0 + 1e-6
    assert result.objective > 11.8288  # the unconstrained optimum used 9.56 dairy units


def test_sas_diet_problem_with_per_food_minimum_and_maximum(data_dir: Path) -> None:
    """SAS/OR's LP solver Example "Diet Problem": fish at least 0.5 unit, milk at most 1;
    published optimum 12.081338."""
    foods = read_foods_csv(data_dir / "sas_diet_foods.csv")
    targets = read_targets_csv(data_dir / "sas_diet_targets.csv")
    result = solve_table(foods, targets, continuous=True)
    assert result.objective == pytest.approx(12.081338, abs=1e-5)
    units = {i.id: i.units for i in result.items}
    assert units["fish"] == pytest.approx(0.5)
    assert units.get("milk", 0.0) <= 1.0


SMALL = """id,name,price,min_units,max_units,protein_g,calcium_mg,energy_kcal
a,oats,0.7,,5,5,20,150
b,milk,0.9,1,4,8,300,100
c,beans,1.3,,5,15,70,220
d,cheese,2.1,,3,7,200,110
"""


def test_integer_problem_is_solved_to_the_optimum_found_by_enumeration(
        tmp_path: Path) -> None:
    foods = read_foods_csv(write(tmp_path, "f.csv", SMALL))
    targets = read_targets_csv(write(tmp_path, "t.csv", "nutrient,min,max\nprotein_g,52,\n"
                                     "calcium_mg,1000,\nenergy_kcal,1000,1300\n"))
    groups = (DietGroup("dairy", ("b", "d"), None, 5.0),)
    result = solve_table(foods, targets, groups=groups)
    rows = list(foods.itertuples())
    best: tuple[float, tuple[int, ...]] | None = None
    ranges = [range(int(0 if pd.isna(r.min_units) else r.min_units), int(r.max_units) + 1)
              for r in rows]
    for units in itertools.product(*ranges):
        def total(column: str, units: tuple[int, ...] = units) -> float:
            return sum(u * getattr(r, column) for u, r in zip(units, rows, strict=True))
        if total("protein_g") >= 52 and total("calcium_mg") >= 1000 and \
                1000 <= total("energy_kcal") <= 1300 and units[1] + units[3] <= 5:
            cost = round(total("price"), 9)
            if best is None or cost < best[0]:
                best = (cost, units)
    assert best is not None
    assert result.objective == pytest.approx(best[0], abs=1e-9)
    assert result.info.status == "optimal"
    assert result.group_totals["dairy"] <= 5
    # the same problem without whole units is cheaper: the integer answer is not the LP's
    assert solve_table(foods, targets, groups=groups, continuous=True).objective < best[0]


def test_mip_gap_trades_exactness_and_says_so(data_dir: Path) -> None:
    foods = read_foods_csv(data_dir / "jump_diet_foods.csv")
    targets = read_targets_csv(data_dir / "jump_diet_targets.csv")
    exact = solve_table(foods, targets)
    loose = solve_table(foods, targets, options=SolverOptions(mip_gap=0.5))
    assert exact.info.status == "optimal" and exact.info.mip_gap == 0.0
    assert exact.objective <= loose.objective <= 1.5 * exact.objective + 1e-9
    assert loose.info.status in ("optimal", "feasible")


def test_unknown_column_lists_the_accepted_names(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as info:
        read_foods_csv(write(tmp_path, "f.csv", "id,name,price,calories\na,x,1,100\n"))
    message = str(info.value)
    assert "unknown column calories (did you mean energy_kcal?)" in message
    assert "accepted: id, name, price, min_units, max_units" in message
    assert "magnesium_mg" in message and "\n" not in message
    with pytest.raises(DatasetError, match="accepted: energy_kcal, protein_g"):
        read_targets_csv(write(tmp_path, "t.csv", "nutrient,min,max\ncalories,1,\n"))


@pytest.mark.parametrize(("groups", "message"), [
    ("group,foods,min,max\ndairy,,,6\n", "group 'dairy' lists no foods"),
    ("group,foods,min,max\ndairy,milk,,\n", "dairy has neither min nor max"),
    ("group,foods,min,max\ndairy,milk,,6\ndairy,milk,,5\n", "duplicate group 'dairy'"),
    ("group,foods,low\ndairy,milk,6\n", "missing column min"),
])
def test_bad_groups_tables(tmp_path: Path, groups: str, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        read_groups_csv(write(tmp_path, "g.csv", groups))


def test_group_naming_an_unknown_food_and_crossed_food_bounds(tmp_path: Path,
                                                              data_dir: Path) -> None:
    foods = read_foods_csv(data_dir / "jump_diet_foods.csv")
    targets = read_targets_csv(data_dir / "jump_diet_targets.csv")
    with pytest.raises(PlanRequestError, match="group dairy: no food with id 'yogurt'"):
        solve_table(foods, targets, groups=(DietGroup("dairy", ("yogurt",), None, 1.0),))
    with pytest.raises(DatasetError, match="food 'a': min_units 3 is above max_units 1"):
        read_foods_csv(write(tmp_path, "f.csv", "id,name,price,min_units,max_units\n"
                             "a,x,1,3,1\n"))


def test_solve_command_takes_groups_and_mip_gap(data_dir: Path) -> None:
    from typer.testing import CliRunner

    from planner.cli import app

    args = ["solve", "--foods", str(data_dir / "jump_diet_foods.csv"), "--targets",
            str(data_dir / "jump_diet_targets.csv"), "--continuous"]
    ok = CliRunner().invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("optimal: total cost 11.83")
    bad = CliRunner().invoke(app, [*args, "--groups", str(data_dir / "jump_diet_groups.csv")])
    assert bad.exit_code == 3
    gap = CliRunner().invoke(app, [*args[:-1], "--mip-gap", "0", "--format", "json"])
    assert gap.exit_code == 0 and '"status": "optimal"' in gap.output


# ------------------------------------------------------------------ issue 36

@pytest.mark.parametrize(("targets", "message"), [
    ("nutrient,min,max\nprotein_g,45,\nprotein_g,50,\n",
     r"lines 2 and 3: protein_g has a min on both \(45 and 50\); give each nutrient's min "
     r"and max once"),
    ("nutrient,min,max\nprotein_g,,60\ncalcium_mg,100,\nprotein_g,,70\n",
     r"lines 2 and 4: protein_g has a max on both \(60 and 70\)"),
    ("nutrient,min,max\nprotein_g,45,50\nprotein_g,45,50\n",
     r"lines 2 and 3: protein_g has a min on both"),
    ("nutrient,min,max\nprotein_g,45,\nprotein_g,,30\n",
     r"lines 2 and 3: protein_g: min 45 is above max 30"),
])
def test_a_nutrient_given_twice_is_one_line_naming_both(tmp_path: Path, targets: str,
                                                       message: str) -> None:
    with pytest.raises(DatasetError, match=message):  # was a PulpError (exit 70)
        read_targets_csv(write(tmp_path, "t.csv", targets))


def test_a_min_on_one_line_and_a_max_on_another_are_one_target(data_dir: Path,
                                                               tmp_path: Path) -> None:
    foods = read_foods_csv(data_dir / "solve_foods.csv")
    targets = read_targets_csv(write(tmp_path, "t.csv", "nutrient,min,max\nprotein_g,45,\n"
                                     "calcium_mg,100,\nprotein_g,,60\n"))
    assert [(t.nutrient, t.min, t.max) for t in targets] == [("protein_g", 45.0, 60.0),
                                                             ("calcium_mg", 100.0, None)]
    result = solve_table(foods, targets)  # said "short by 45" when kept as two targets
    assert 45 <= result.totals["protein_g"] <= 60 and result.objective == 10.0


def test_a_food_id_with_a_terminal_escape_is_shown_without_it(tmp_path: Path) -> None:
    from planner.output.report import format_solve

    foods = read_foods_csv(write(tmp_path, "f.csv", "id,name,price,protein_g,calcium_mg\n"
                                 "A\x1b[31mred,food A,2,20,\nB,food B,3,5,60\n"))
    targets = read_targets_csv(write(tmp_path, "t.csv", "nutrient,min,max\nprotein_g,45,\n"
                                     "calcium_mg,100,\n"))
    text = format_solve(solve_table(foods, targets))
    assert "\x1b" not in text
    assert "(counted as 0): calcium_mg: A [31mred" in text


@pytest.mark.parametrize(("name", "text"), [
    ("foods", "id,name,price,protein_g,protein_g\nA,a,1,2,3\n"),
    ("targets", "nutrient,min,max, min\nprotein_g,1,,2\n"),
])
def test_a_column_named_twice_is_named_not_renamed(tmp_path: Path, name: str,
                                                   text: str) -> None:
    # pandas read a second protein_g as 'protein_g.1': "unknown column protein_g.1"
    path = write(tmp_path, f"{name}.csv", text)
    with pytest.raises(DatasetError, match=r"column '(protein_g|min)' appears twice "
                                           r"\(columns [24] and [45]\); name each column "
                                           r"once"):
        (read_foods_csv if name == "foods" else read_targets_csv)(path)
