"""The generic diet problem on a table small enough to solve by hand (see test_model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import DatasetError, InfeasiblePlanError, PlanRequestError
from planner.planning.diet import read_foods_csv, read_targets_csv, solve_table


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
