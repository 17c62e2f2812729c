"""CLI tests: exit codes and output through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app


@pytest.fixture()
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke the CLI with a private config dir; returns the Result."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PLANNER_DATA", raising=False)
    runner = CliRunner()

    def invoke(*args: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), **kwargs)  # type: ignore[arg-type]
    return invoke


def test_targets_table(run) -> None:  # type: ignore[no-untyped-def]
    r = run("targets", "--sex", "female", "--age", "35", "--target", "magnesium_mg=400")
    assert r.exit_code == 0, r.output
    assert "Magnesium (key)*" in r.stdout and "400 mg" in r.stdout
    assert "overridden by you: magnesium_mg" in r.stdout
    assert "not medical advice" in r.stdout


def test_targets_json_schema(run) -> None:  # type: ignore[no-untyped-def]
    r = run("targets", "--sex", "male", "--age", "75", "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["schema"] == "planner.targets/1"
    assert doc["profile"]["age"] == 75
    mg = doc["targets"]["magnesium_mg"]
    assert mg["min"] == 420 and mg["max"] is None and mg["ul"] == 350 and mg["kind"] == "RDA"
    assert doc["targets"]["vitamin_d_ug"]["min"] == 20
    assert all(t["source"] for t in doc["targets"].values())


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--sex", "female", "--age", "5"], 1, "error: age: 5 is under 9"),
    (["--sex", "male", "--age", "30", "--life-stage", "pregnancy"], 1,
     "error: life_stage: pregnancy applies only to females"),
    (["--age", "30"], 1, "error: sex: required"),
    (["--sex", "female", "--age", "30", "--target", "magnesium=1"], 1,
     "error: target: unknown nutrient 'magnesium'"),
    (["--sex", "female", "--age", "thirty"], 2, "error: Invalid value for '--age'"),
    (["--sex", "female", "--age", "30", "--format", "xml"], 2, "error: Invalid value"),
])
def test_targets_bad_input_is_one_line(run, args: list[str], code: int,  # type: ignore[no-untyped-def]
                                       message: str) -> None:
    r = run("targets", *args)
    assert r.exit_code == code
    assert r.stderr.startswith(message)
    assert r.stderr.count("\n") == 1
    assert "Traceback" not in r.output


def test_targets_from_profile_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.toml"
    path.write_text('sex = "female"\nage = 30\nlife_stage = "lactation"\n')
    r = run("targets", "--profile", str(path), "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["targets"]["vitamin_b12_ug"]["min"] == 2.8


def test_solve_hand_checked_table(run, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    r = run("solve", "--foods", str(data_dir / "solve_foods.csv"), "--targets",
            str(data_dir / "solve_targets.csv"), "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["schema"] == "planner.solve/1" and doc["status"] == "optimal"
    assert doc["objective"] == 10
    assert doc["items"] == [{"id": "A", "name": "food A", "units": 2.0},
                            {"id": "B", "name": "food B", "units": 2.0}]
    table = run("solve", "--foods", str(data_dir / "solve_foods.csv"), "--targets",
                str(data_dir / "solve_targets.csv"), "--continuous")
    assert table.exit_code == 0 and "total cost 7.87" in table.stdout


def test_solve_infeasible_exits_3(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    foods = tmp_path / "f.csv"
    foods.write_text("id,name,price,max_units,protein_g\na,x,1,1,10\n")
    targets = tmp_path / "t.csv"
    targets.write_text("nutrient,min,max\nprotein_g,50,\n")
    r = run("solve", "--foods", str(foods), "--targets", str(targets))
    assert r.exit_code == 3
    assert r.stderr.startswith("error: no selection of these foods meets the targets: "
                               "Protein needs 50 g: short by 40")
    assert r.stderr.count("\n") == 1


def test_solve_bad_column_exits_1(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    foods = tmp_path / "f.csv"
    foods.write_text("id,name,price,protien_g\na,x,1,10\n")
    r = run("solve", "--foods", str(foods), "--targets", str(foods))
    assert r.exit_code == 1
    assert "unknown column protien_g" in r.stderr
