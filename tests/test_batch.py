"""Batch planning: the serial path, a real Dask LocalCluster with two workers, resume after
a stop, and bad people files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import ClusterError, DatasetError, OutputError
from planner.planning.batch import (
    chunks,
    plan_many,
    read_people,
    read_results,
    run_batch,
    write_chunk,
)

PEOPLE = """id,sex,age,life_stage,diet,exclude,days,seed,target.magnesium_mg
woman,female,35,,,,2,0,
boy,male,12,,vegetarian,peanuts;tree_nuts,2,1,
mother,female,30,pregnancy,pescatarian,,2,2,
no-b12,female,40,,vegan,fortified,2,0,
child,female,5,,,,2,0,
keto,male,50,,keto,,2,0,
"""


@pytest.fixture()
def people_file(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE)
    return path


def _items(out: Path) -> pd.DataFrame:
    items = read_results(str(out), "items")
    return items.sort_values(["id", "day", "slot", "food_id"]).reset_index(drop=True)


def test_plan_many_gives_one_result_per_row_and_never_stops(people_file: Path) -> None:
    results = {r.id: r for r in plan_many(read_people(people_file))}
    assert list(results) == ["woman", "boy", "mother", "no-b12", "child", "keto"]
    assert {k: r.status for k, r in results.items()} == {
        "woman": "ok", "boy": "ok", "mother": "ok", "no-b12": "infeasible",
        "child": "invalid", "keto": "invalid"}
    assert "vitamin_b12_ug" in results["no-b12"].short
    assert results["child"].message.startswith("age: 5 is under 9")
    assert results["keto"].message.startswith("diet: 'keto' is not one of")
    week = results["boy"].week
    assert week is not None and len(week.days) == 2
    eaten = {i.food_id for d in week.days for i in d.items}
    assert "16398" not in eaten and "12061" not in eaten  # peanut butter, almonds


def test_run_batch_writes_parquet_tables(people_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run_batch(read_people(people_file), str(out), workers=1)
    assert dict(summary.counts) == {"ok": 3, "infeasible": 1, "invalid": 2, "error": 0}
    assert summary.short[0][0] == "vitamin_b12_ug"
    people = read_results(str(out)).set_index("id")
    assert set(people.index) == {"woman", "boy", "mother", "no-b12", "child", "keto"}
    assert people.loc["woman", "status"] == "ok" and people.loc["woman", "hei"] >= 90
    assert people.loc["woman", "coverage_magnesium_mg"] >= 100
    days = read_results(str(out), "days")
    assert len(days) == 6 and {"magnesium_mg", "vitamin_b12_ug"} <= set(days.columns)
    items = read_results(str(out), "items")
    # every day total is the sum of its items, recomputed from the food table
    from planner.food.data import load_foods
    table = load_foods()
    for (person, day), group in items.groupby(["id", "day"]):
        grams = group.set_index("food_id")["grams"]
        values = table.foods.loc[grams.index, "calcium_mg"].fillna(0.0)
        total = float((values * grams / 100).sum())
        row = days[(days["id"] == person) & (days["day"] == day)].iloc[0]
        assert row["calcium_mg"] == pytest.approx(total, rel=1e-9)
    manifest = json.loads((out / "batch.json").read_text())
    assert manifest["format"] == "planner.batch/2" and manifest["rows"] == 6


def test_a_dask_cluster_gives_the_same_plans_as_the_serial_path(people_file: Path,
                                                                tmp_path: Path) -> None:
    from distributed import LocalCluster

    people = read_people(people_file)
    serial = tmp_path / "serial"
    run_batch(people, str(serial), workers=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        summary = run_batch(people, str(tmp_path / "cluster"),
                            scheduler=cluster.scheduler_address)
    assert summary.where.startswith("Dask cluster at tcp://")
    assert dict(summary.counts) == {"ok": 3, "infeasible": 1, "invalid": 2, "error": 0}
    pd.testing.assert_frame_equal(_items(serial), _items(tmp_path / "cluster"))
    status = read_results(str(tmp_path / "cluster")).set_index("id")["status"]
    assert status.to_dict() == read_results(str(serial)).set_index("id")["status"].to_dict()


def test_an_unreachable_scheduler_is_one_error_before_anything_is_written(
        people_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import planner.planning.batch

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(planner.planning.batch, "CONNECT_TIMEOUT_S", 1.0)
    out = tmp_path / "plans"
    with pytest.raises(ClusterError, match=rf"cannot reach the Dask scheduler at "
                                           rf"tcp://127.0.0.1:{port} \(.*\); is 'dask "
                                           rf"scheduler' running there\?$"):
        run_batch(read_people(people_file), str(out), scheduler=f"tcp://127.0.0.1:{port}")
    assert not out.exists()


def test_a_part_that_cannot_be_written_is_an_output_error_and_leaves_no_temporary_file(
        tmp_path: Path) -> None:
    out = tmp_path / "plans"
    out.mkdir()
    (out / "days").mkdir()
    (out / "days" / "part-k.parquet").mkdir()  # the part's name is taken by a folder
    (out / "days" / "part-k.parquet" / "keep.txt").write_text("mine\n")
    with pytest.raises(OutputError, match=r"cannot write .*days/part-k.parquet \("):
        write_chunk(str(out), "k", [])
    assert sorted(p.name for p in (out / "days").iterdir()) == ["part-k.parquet"]
    assert (out / "days" / "part-k.parquet" / "keep.txt").read_text() == "mine\n"


def test_a_local_process_pool_gives_the_same_plans(people_file: Path, tmp_path: Path) -> None:
    people = read_people(people_file)
    run_batch(people, str(tmp_path / "serial"), workers=1)
    summary = run_batch(people, str(tmp_path / "pool"), workers=2)
    assert summary.workers == 2
    pd.testing.assert_frame_equal(_items(tmp_path / "serial"), _items(tmp_path / "pool"))


def test_resume_after_a_stop_plans_each_person_exactly_once(people_file: Path,
                                                            tmp_path: Path) -> None:
    people = read_people(people_file)
    out = tmp_path / "out"
    finished = []

    def progress(total: int, done: int):  # type: ignore[no-untyped-def]
        def step(n: int) -> None:
            finished.append(n)
            if len(finished) == 2:  # stop after two chunks, as Ctrl-C would
                raise KeyboardInterrupt
        return step

    with pytest.raises(KeyboardInterrupt):
        run_batch(people, str(out), workers=1, progress=progress)
    first = set(read_results(str(out))["id"])
    assert 0 < len(first) < len(people)
    # a chunk stopped between its parts leaves items and days without people: removed
    batch = json.loads((out / "batch.json").read_text())["batch"]
    orphan = out / "items" / f"part-{batch}-{'0' * 32}.parquet"
    orphan.write_bytes((out / "items" / sorted(os.listdir(out / "items"))[0]).read_bytes())
    leftover = out / "people" / f"part-{batch}-{'1' * 32}.parquet.{'2' * 32}.tmp"
    leftover.write_bytes(b"half a part")
    with pytest.raises(OutputError, match=r"use --resume"):
        run_batch(people, str(out), workers=1)
    summary = run_batch(people, str(out), workers=1, resume=True)
    assert summary.skipped == len(first)
    assert summary.planned == len(people) - len(first)
    ids = read_results(str(out))["id"]
    assert sorted(ids) == sorted(people["id"])  # each person exactly once
    assert not orphan.exists() and not leftover.exists()
    items = read_results(str(out), "items")
    assert set(items["id"]) == {"woman", "boy", "mother"}
    assert (items.groupby(["id", "day", "slot", "food_id"]).size() == 1).all()


def test_chunks_name_their_parts_by_content(people_file: Path) -> None:
    people = read_people(people_file)
    first = chunks(people, set(), workers=2)
    again = chunks(people, set(), workers=2)
    assert [k for k, _ in first] == [k for k, _ in again]
    assert sum(len(rows) for _, rows in first) == 6


@pytest.mark.parametrize(("text", "message"), [
    ("name,sex,age\nx,female,30\n", r"missing column id"),
    ("id,sex,age\na,female,30\na,male,40\n", r"column id: duplicate id 'a'"),
    ("id,sex,age\n,female,30\n", r"column id: empty id in row 2"),
    ("id,sex,age,dite\na,female,30,vegan\n", r"unknown column 'dite'"),
    ("id,sex,age,target.magnesium\na,female,30,400\n",
     r"unknown column 'target.magnesium' \(did you mean target.magnesium_mg\?\)"),
    ("id,sex,age\n", r"no people"),
])
def test_bad_people_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "people.csv"
    path.write_text(text)
    with pytest.raises(DatasetError, match=message) as info:
        read_people(path)
    assert "\n" not in str(info.value)
    runner = CliRunner()
    r = runner.invoke(app, ["batch", str(path), "--out", str(tmp_path / "out")])
    assert r.exit_code == 1 and r.stderr.startswith("error: ") and \
        r.stderr.count("\n") == 1, r.output
    assert not (tmp_path / "out").exists()


def test_parquet_input_and_the_cli(people_file: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(people_file, dtype=str, keep_default_na=False)
    parquet = tmp_path / "people.parquet"
    frame.to_parquet(parquet)
    assert read_people(parquet).equals(read_people(people_file))
    runner = CliRunner()
    r = runner.invoke(app, ["batch", str(parquet), "--out", str(tmp_path / "out"),
                            "--workers", "1", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["counts"] == {"ok": 3, "infeasible": 1, "invalid": 2, "error": 0}
    assert doc["plans_per_minute"] > 0 and doc["invalid"][0][0] == "child"


def test_a_folder_of_someones_files_is_refused_and_kept(people_file: Path,
                                                        tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("mine\n")
    with pytest.raises(OutputError, match=r"not empty and not a planner batch folder"):
        run_batch(read_people(people_file), str(work), workers=1)
    assert sorted(os.listdir(work)) == ["notes.txt"]
    other = tmp_path / "other"
    run_batch(read_people(people_file).head(1), str(other), workers=1)
    with pytest.raises(OutputError, match=r"holds a batch of another people table"):
        run_batch(read_people(people_file), str(other), workers=1, resume=True)


def test_likes_and_dislikes_columns(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("id,sex,age,days,like,dislike\n"
                    "a,female,35,3,,kale;raw spinach\n"
                    "b,female,35,3,,zzz\n")
    results = list(plan_many(read_people(path)))
    assert [r.status for r in results] == ["ok", "invalid"]
    assert results[0].week is not None
    names = [i.name for d in results[0].week.days for i in d.items]
    assert not [n for n in names if "kale" in n or n == "raw spinach"]
    assert results[1].message.startswith("dislike: 'zzz'")
