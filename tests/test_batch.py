"""Batch planning: the serial path, a real Dask LocalCluster with two workers, resume after
a stop, and bad people files."""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import ClusterError, DatasetError, OutputError, PlannerError
from planner.planning.batch import (
    chunks,
    plan_many,
    read_people,
    read_results,
    request,
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
        "woman": "ok", "boy": "ok", "mother": "ok", "no-b12": "missed",
        "child": "invalid", "keto": "invalid"}
    assert "vitamin_b12_ug" in results["no-b12"].short  # the nearest plan, short of B12
    assert results["no-b12"].week is not None and results["no-b12"].week.misses
    assert results["no-b12"].message.startswith("Not met: vitamin B12 short by ")
    assert results["child"].message.startswith("age: 5 is under 9")
    assert results["keto"].message.startswith("diet: 'keto' is not one of")
    week = results["boy"].week
    assert week is not None and len(week.days) == 2
    eaten = {i.food_id for d in week.days for i in d.items}
    assert "16398" not in eaten and "12061" not in eaten  # peanut butter, almonds


def test_run_batch_writes_parquet_tables(people_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run_batch(read_people(people_file), str(out), workers=1)
    assert dict(summary.counts) == {"ok": 3, "missed": 1, "infeasible": 0, "invalid": 2,
                                    "error": 0}
    assert "vitamin_b12_ug" in [n for n, *_ in summary.short]
    people = read_results(str(out)).set_index("id")
    assert set(people.index) == {"woman", "boy", "mother", "no-b12", "child", "keto"}
    assert people.loc["woman", "status"] == "ok" and people.loc["woman", "hei"] >= 90
    assert people.loc["woman", "coverage_magnesium_mg"] >= 100
    days = read_results(str(out), "days")
    # the nearest plan (no-b12) is written too: 4 people of 2 days
    assert len(days) == 8 and {"magnesium_mg", "vitamin_b12_ug"} <= set(days.columns)
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
                      dashboard_address=":0") as cluster:  # no fixed port to clash
        summary = run_batch(people, str(tmp_path / "cluster"),
                            scheduler=cluster.scheduler_address)
    assert summary.where.startswith("Dask cluster at tcp://")
    assert dict(summary.counts) == {"ok": 3, "missed": 1, "infeasible": 0, "invalid": 2,
                                    "error": 0}
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
    assert set(items["id"]) == {"woman", "boy", "mother", "no-b12"}  # no-b12: the nearest
    assert (items.groupby(["id", "day", "slot", "food_id"]).size() == 1).all()


def test_chunks_name_their_parts_by_content(people_file: Path) -> None:
    people = read_people(people_file)
    first = chunks(people, set(), workers=2)
    again = chunks(people, set(), workers=2)
    assert [c.key for c in first] == [c.key for c in again]
    assert sum(len(c.rows) for c in first) == 6


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
    assert r.exit_code == 1 and _only_error(r.stderr), r.output
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
    assert doc["counts"] == {"ok": 3, "missed": 1, "infeasible": 0, "invalid": 2,
                                    "error": 0}
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


def test_pregnancy_and_lactation_columns(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("id,sex,age,life_stage,pregnancy_week,pre_pregnancy_weight,"
                    "postpartum_months\n"
                    "p,female,30,pregnancy,30,62,\n"
                    "l,female,30,lactation,,,9\n"
                    "x,female,30,general,12,,\n")
    people = read_people(path)
    rows = [dict(r) for _, r in people.iterrows()]
    pregnant, _, _ = request(rows[0])
    assert (pregnant.pregnancy_week, pregnant.trimester,
            pregnant.pre_pregnancy_weight_kg) == (30, 3, 62.0)
    assert request(rows[1])[0].postpartum_months == 9
    with pytest.raises(PlannerError, match="pregnancy_week: applies only with life_stage"):
        request(rows[2])

# ------------------------------------------------------------------ issue 20

def _files(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: a file's bytes, or the kind of anything else."""
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.rglob("*")):
        name = str(p.relative_to(folder))
        out[name] = "link" if p.is_symlink() else p.read_bytes() if p.is_file() else \
            "folder" if p.is_dir() else "other"
    return out


def _someones_work(folder: Path) -> None:
    (folder / "analysis").mkdir(parents=True)
    (folder / "analysis" / "notes.txt").write_text("do not touch\n")
    (folder / "analysis" / "my-analysis.parquet").write_bytes(b"PAR1" + bytes(range(256)))


#: Progress lines a batch writes on stderr (planner/output/progress.py), before an error.
_PROGRESS = re.compile(r"^(planning |starting |\d+ of \d+ |loading )")


def _only_error(stderr: str) -> bool:
    """Whether ``stderr`` is progress lines then one error line: no logging, no traceback."""
    lines = stderr.splitlines()
    return bool(lines) and lines[-1].startswith("error: ") and stderr.endswith("\n") and \
        all(_PROGRESS.match(line) for line in lines[:-1])


def _one_line(r) -> None:  # type: ignore[no-untyped-def]
    assert r.exit_code == 1, r.output
    assert _only_error(r.stderr), r.stderr


def _stop_after(chunks_done: int):  # type: ignore[no-untyped-def]
    def progress(total: int, done: int):  # type: ignore[no-untyped-def]
        finished = []

        def step(n: int) -> None:
            finished.append(n)
            if len(finished) == chunks_done:
                raise KeyboardInterrupt
        return step
    return progress


def test_resume_never_touches_files_the_batch_did_not_write(people_file: Path,
                                                            tmp_path: Path) -> None:
    people = read_people(people_file)
    beside = tmp_path / "work"
    _someones_work(beside)
    work = _files(beside)
    out = tmp_path / "plans"
    with pytest.raises(KeyboardInterrupt):
        run_batch(people, str(out), workers=1, progress=_stop_after(1))
    # someone saves their work inside the batch folder, in every place it could go
    (out / "items" / "my-analysis.parquet").write_bytes(b"PAR1 my numbers")
    (out / "people" / "part-notes.parquet").write_bytes(b"PAR1 mine")
    (out / "days" / "part-0123456789ab-0123.parquet.tmp").write_bytes(b"mine too")
    (out / "mine").mkdir()
    (out / "mine" / "a.txt").write_text("a\n")
    (out / "README.md").write_text("my batch\n")
    before = _files(out)
    runner = CliRunner()
    for args in ([], ["--resume"]):
        r = runner.invoke(app, ["batch", str(people_file), "--out", str(out), "--workers",
                                "1", *args])
        _one_line(r)
        assert "this batch did not write" in r.stderr and str(out) in r.stderr
        assert "items/my-analysis.parquet" in r.stderr and "(nothing changed)" in r.stderr
        assert _files(out) == before
    with pytest.raises(OutputError, match=r"holds files this batch did not write \(README"):
        run_batch(people, str(out), workers=1, resume=True)
    assert _files(out) == before
    # moved out, the batch continues and every byte of the work beside it is the same
    for name in ("items/my-analysis.parquet", "people/part-notes.parquet",
                 "days/part-0123456789ab-0123.parquet.tmp", "mine/a.txt", "README.md"):
        (out / name).unlink()
    (out / "mine").rmdir()
    summary = run_batch(people, str(out), workers=1, resume=True)
    assert summary.skipped + summary.planned == len(people)
    assert sorted(read_results(str(out))["id"]) == sorted(people["id"])
    assert _files(beside) == work


def test_output_inside_someones_folder_keeps_every_byte_of_it(people_file: Path,
                                                              tmp_path: Path) -> None:
    project = tmp_path / "project"
    _someones_work(project)
    before = _files(project)
    people = read_people(people_file).head(2)
    out = project / "plans"
    with pytest.raises(KeyboardInterrupt):
        run_batch(people, str(out), workers=1, progress=_stop_after(1))
    run_batch(people, str(out), workers=1, resume=True)
    after = {k: v for k, v in _files(project).items() if not k.startswith("plans")}
    assert after == before
    with pytest.raises(OutputError, match=r"not empty and not a planner batch folder"):
        run_batch(people, str(project), workers=1)
    assert {k: v for k, v in _files(project).items() if not k.startswith("plans")} == before


#: Pairs of chunks whose ids give the same text under some joining or escaping.
COLLIDING = [
    (["c0,x", "y0"], ["c0", "x,y0"]),            # joined with a comma
    (["c1 x", "y1"], ["c1", "x y1"]),            # with a space
    (["c2\\nx", "y2"], ["c2", "x\\ny2"]),        # with an escaped newline
    (["c3", "x3"], ["c3x3", ""]),                # with nothing (an empty id is refused)
    (['c4","x', "y4"], ["c4", 'x","y4']),        # as a JSON list, unescaped
    (["c5\\", "x5"], ["c5", "\\x5"]),             # with a backslash
    (["c6;x", "y6"], ["c6", "x;y6"]),            # with the list separator
]


def test_chunk_keys_never_collide_whatever_the_ids_hold() -> None:
    from planner.planning.batch import chunk_key

    for first, second in COLLIDING:
        assert chunk_key(first) != chunk_key(second), (first, second)
    assert chunk_key(["a", "b"]) == chunk_key(["a", "b"])


def test_ids_that_collide_when_joined_all_reach_the_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.planning.batch as batch

    monkeypatch.setattr(batch, "CHUNK", 2)  # each colliding pair is one chunk
    ids = [i for first, second in COLLIDING[:3] + COLLIDING[4:] for i in first + second]
    ids += ["é", "e\u0301", "Ω-7", "x" * 200]  # kept exactly, not normalised
    path = tmp_path / "people.csv"
    pd.DataFrame({"id": ids, "sex": "female", "age": "9", "days": "1", "diet": "keto",
                  "seed": [str(i) for i in range(len(ids))]}  # distinct requests
                 ).to_csv(path, index=False)
    people = read_people(path)
    assert list(people["id"]) == ids
    assert [[r["id"] for r in c.rows] for c in chunks(people, set(), 1)][:4] == \
        [*COLLIDING[0], *COLLIDING[1]]
    summary = run_batch(people, str(tmp_path / "out"), workers=1)
    assert summary.planned == len(ids) == 28
    assert sorted(read_results(str(tmp_path / "out"))["id"]) == sorted(ids)
    runner = CliRunner()
    r = runner.invoke(app, ["batch", str(path), "--out", str(tmp_path / "cli"), "--workers",
                            "1", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["counts"]["invalid"] == 28  # keto: invalid, but all there


@pytest.mark.parametrize(("given", "message"), [
    ("c0\nx", r"id 'c0\\nx' in row 2 has a control or invisible character"),
    ("a\tb", r"has a control or invisible character"),
    ("x\u202ey", r"has a control or invisible character"),
    ("x\u200by", r"has a control or invisible character"),
    (" a", r"id ' a' in row 2 starts or ends with a space"),
    ("x" * 201, r"id in row 2 has 201 characters \(at most 200\)"),
])
def test_ids_that_cannot_be_kept_exactly_are_refused(tmp_path: Path, given: str,
                                                     message: str) -> None:
    path = tmp_path / "people.csv"
    pd.DataFrame({"id": [given], "sex": ["female"], "age": ["30"]}).to_csv(path, index=False)
    with pytest.raises(DatasetError, match=message) as info:
        read_people(path)
    assert "\n" not in str(info.value) and "\u202e" not in str(info.value)
    r = CliRunner().invoke(app, ["batch", str(path), "--out", str(tmp_path / "out")])
    _one_line(r)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("out", "message"), [
    ("", r"--out: empty"),
    ("   ", r"--out: empty"),
    ("memory://x", r"--out: memory://x: memory:// is not supported"),
    ("ftp://127.0.0.1/x", r"--out: ftp://127.0.0.1/x: ftp:// is not supported"),
    ("http://127.0.0.1/x", r"http:// is not supported"),
    ("s3://bucket/plans", r"--out: s3://bucket/plans: s3:// needs a package that is not "
                          r"installed"),
])
def test_unusable_out_is_one_line_before_any_work(people_file: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  out: str, message: str) -> None:
    if out.startswith("s3://"):
        pytest.importorskip("fsspec")
        try:
            import s3fs  # noqa: F401
            pytest.skip("s3fs is installed")
        except ImportError:
            pass
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    r = CliRunner().invoke(app, ["batch", str(people_file), "--out", out, "--workers", "1"])
    _one_line(r)
    assert re.search(message, r.stderr), r.stderr
    assert os.listdir(work) == []


def test_out_that_is_a_file_is_refused(people_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plans"
    out.write_text("mine\n")
    with pytest.raises(OutputError, match=rf"^{re.escape(str(out))}: not a folder"):
        run_batch(read_people(people_file), str(out), workers=1)
    assert out.read_text() == "mine\n"


def _manifest_fifo(path: Path) -> None:
    os.mkfifo(path)


def _manifest_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _manifest_huge(path: Path) -> None:
    with open(path, "wb") as handle:
        handle.truncate(1 << 30)  # 1 GB, sparse


def _manifest_deep(path: Path) -> None:
    path.write_text("[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize(("make", "message"), [
    (_manifest_fifo, r"batch.json: not a regular file"),
    (_manifest_zero, r"batch.json: not a regular file"),
    (_manifest_huge, r"batch.json: 1024 MiB is larger than"),
    (_manifest_deep, r"batch.json: (unreadable|not a planner.batch/2 manifest)"),
], ids=["fifo", "dev-zero", "huge", "deep"])
def test_a_manifest_that_is_not_a_small_file_is_refused_at_once(
        people_file: Path, tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "plans"
    out.mkdir()
    make(out / "batch.json")
    start = time.monotonic()
    r = CliRunner().invoke(app, ["batch", str(people_file), "--out", str(out), "--resume",
                                 "--workers", "1"])
    _one_line(r)
    assert re.search(message, r.stderr), r.stderr
    assert time.monotonic() - start < 30
    assert os.listdir(out) == ["batch.json"]


def test_resume_over_a_truncated_part_is_one_line_and_changes_nothing(
        people_file: Path, tmp_path: Path) -> None:
    people = read_people(people_file)
    out = tmp_path / "plans"
    with pytest.raises(KeyboardInterrupt):
        run_batch(people, str(out), workers=1, progress=_stop_after(2))
    part = sorted((out / "people").iterdir())[0]
    part.write_bytes(part.read_bytes()[:40])
    before = _files(out)
    r = CliRunner().invoke(app, ["batch", str(people_file), "--out", str(out), "--resume",
                                 "--workers", "1"])
    _one_line(r)
    assert f"{part}: damaged" in r.stderr and "remove it" in r.stderr, r.stderr
    assert _files(out) == before
    part.unlink()  # as the message says: those people are planned again
    summary = run_batch(people, str(out), workers=1, resume=True)
    assert sorted(read_results(str(out))["id"]) == sorted(people["id"])
    assert summary.skipped + summary.planned == len(people)


def test_a_missing_data_folder_is_one_line_before_any_worker_starts(
        people_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plans"
    for workers in ("1", "2"):
        r = CliRunner().invoke(app, ["batch", str(people_file), "--out", str(out),
                                     "--workers", workers, "--data",
                                     str(tmp_path / "no-such-data")])
        _one_line(r)
        assert "no-such-data" in r.stderr and "Traceback" not in r.output
        assert not out.exists()


# ------------------------------------------------------------------ clusters that fail

@contextlib.contextmanager
def _server(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that hands each connection to ``answer``."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(conn)
            with contextlib.suppress(OSError):
                answer(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()
        for conn in held:
            conn.close()


def _silent(conn: socket.socket) -> None:
    pass  # accepts, never answers


def _random_bytes(conn: socket.socket) -> None:
    conn.sendall(random.Random(20).randbytes(4096))


def _http_reply(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


@contextlib.contextmanager
def _http_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (it waits for a request, so it says nothing)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("answer", "message"), [
    (_silent, r"accepted the connection but did not answer within 1 s; is it a Dask "
              r"scheduler\?"),
    (None, r"accepted the connection but did not answer within 1 s"),
    (_random_bytes, r"is not a Dask scheduler \(a first message of"),
    (_http_reply, r"is not a Dask scheduler \("),
], ids=["silent", "http-server", "random-bytes", "http-reply"])
def test_a_scheduler_that_is_not_one_is_one_line_within_its_deadline(
        people_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer,
        message: str) -> None:  # type: ignore[no-untyped-def]
    import planner.planning.batch as batch

    monkeypatch.setattr(batch, "FIRST_ANSWER_S", 1.0)
    monkeypatch.setattr(batch, "CONNECT_TIMEOUT_S", 2.0)
    out = tmp_path / "plans"
    with _server(answer) if answer else _http_server() as address:
        start = time.monotonic()
        r = CliRunner().invoke(app, ["batch", str(people_file), "--out", str(out),
                                     "--scheduler", address])
        elapsed = time.monotonic() - start
    _one_line(r)
    assert re.search(message, r.stderr), r.stderr
    assert elapsed < 20
    assert not out.exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _dask(workers: int = 1) -> Iterator[tuple[str, subprocess.Popen[bytes],
                                              list[subprocess.Popen[bytes]]]]:
    """A real `dask scheduler` and `dask worker` processes on 127.0.0.1, stopped after."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler",
                                  "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], **quiet)  # type: ignore[call-overload]
    started = [scheduler]
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", port), timeout=1):
                break
            assert time.monotonic() < deadline and scheduler.poll() is None
            time.sleep(0.2)
        procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker",
                                   address, "--nthreads", "1", "--no-nanny",
                                   "--no-dashboard", "--host", "127.0.0.1"], **quiet)
                 for _ in range(workers)]  # type: ignore[call-overload]
        started += procs
        with Client(address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=60)
        yield address, scheduler, procs
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.kill()
            proc.wait(30)


def _many_people(tmp_path: Path, n: int = 16) -> Path:
    """``n`` women of 35, a day each with seeds of their own: distinct requests, cheap to
    plan, so that a batch is still under way when its cluster or pool is stopped."""
    path = tmp_path / "many.csv"
    pd.DataFrame({"id": [f"p{i:02d}" for i in range(n)], "sex": "female", "age": "35",
                  "days": "1", "seed": [str(i) for i in range(n)]}).to_csv(path, index=False)
    return path


def _kill_when_a_part_is_written(out: Path, proc: subprocess.Popen[bytes]
                                 ) -> threading.Thread:
    def watch() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if (out / "people").is_dir() and any(
                    p.name.endswith(".parquet") for p in (out / "people").iterdir()):
                proc.kill()
                return
            time.sleep(0.05)
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


#: The CLI in a fresh process, with the cluster watch's deadlines shortened.
_CLI = ("import sys\n"
        "import planner.planning.batch as batch\n"
        "batch.NO_WORKERS_S, batch.HEALTH_EVERY_S = 3.0, 0.5\n"
        "from planner.entry import main\n"
        "sys.argv = ['planner', *sys.argv[1:]]\n"
        "main()\n")


@pytest.mark.parametrize("lose", ["scheduler", "the only worker"])
def test_a_lost_cluster_is_one_line_keeps_what_finished_and_resume_finishes(
        tmp_path: Path, lose: str) -> None:
    path = _many_people(tmp_path)
    out = tmp_path / "plans"
    with _dask() as (address, scheduler, workers):
        watcher = _kill_when_a_part_is_written(out, scheduler if lose == "scheduler"
                                               else workers[0])
        start = time.monotonic()
        r = subprocess.run([sys.executable, "-c", _CLI, "batch", str(path), "--out",
                            str(out), "--scheduler", address], capture_output=True,
                           text=True, timeout=180,
                           env={**os.environ,
                                "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        elapsed = time.monotonic() - start
        watcher.join(5)
    assert r.returncode == 1, r.stderr
    assert r.stdout == "" and _only_error(r.stderr), r.stderr  # no logging, no traceback
    assert "what finished is kept in" in r.stderr and "--resume" in r.stderr, r.stderr
    assert ("lost the Dask scheduler" if lose == "scheduler" else "has had no workers") \
        in r.stderr, r.stderr
    assert elapsed < 120
    kept = set(read_results(str(out))["id"])
    assert 0 < len(kept) < 16
    summary = run_batch(read_people(path), str(out), workers=1, resume=True)
    assert summary.skipped == len(kept)
    assert sorted(read_results(str(out))["id"]) == [f"p{i:02d}" for i in range(16)]


def test_ctrl_c_stops_a_local_pool_within_seconds_and_resume_finishes(tmp_path: Path
                                                                      ) -> None:
    import signal

    path = _many_people(tmp_path, 24)
    out = tmp_path / "plans"
    proc = subprocess.Popen([sys.executable, "-m", "planner", "batch", str(path), "--out",
                             str(out), "--workers", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ,
                                 "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    try:
        deadline = time.monotonic() + 120
        while not ((out / "people").is_dir() and any((out / "people").iterdir())):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: every process
        start = time.monotonic()
        _, err = proc.communicate(timeout=60)
        elapsed = time.monotonic() - start
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert _only_error(err), err
    assert err.splitlines()[-1] == f"error: interrupted; finished people are saved in {out}: " \
        "run again with --resume to continue"
    # the workers are ended, not waited for: the batch stops short of its 24 people (a
    # loose bound on the time: a busy machine is slow to end processes)
    assert elapsed < 20
    kept = set(read_results(str(out))["id"])
    assert len(kept) < 24
    summary = run_batch(read_people(path), str(out), workers=1, resume=True)
    assert summary.skipped == len(kept) and summary.planned == 24 - len(kept)
    assert sorted(read_results(str(out))["id"]) == [f"p{i:02d}" for i in range(24)]


def test_a_batch_with_standard_output_closed_is_one_line_and_writes_nothing(
        people_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plans"
    r = subprocess.run(["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-m", "planner",
                        "batch", str(people_file), "--out", str(out), "--workers", "1"],
                       stderr=subprocess.PIPE, text=True, timeout=120,
                       env={**os.environ,
                            "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert r.returncode == 1
    assert r.stderr == "error: cannot write output to standard output (standard output " \
        "is closed); redirect it to a file or /dev/null\n"
    assert not out.exists()


def test_losing_one_of_two_workers_still_finishes_the_batch(tmp_path: Path) -> None:
    path = _many_people(tmp_path)
    out = tmp_path / "plans"
    with _dask(workers=2) as (address, _, workers):
        watcher = _kill_when_a_part_is_written(out, workers[0])
        summary = run_batch(read_people(path), str(out), scheduler=address)
        watcher.join(5)
        assert workers[0].poll() is not None  # it was killed mid-batch
    assert summary.planned == 16
    assert sorted(read_results(str(out))["id"]) == [f"p{i:02d}" for i in range(16)]


# ------------------------------------------------------------------ identical requests

SAME = """id,sex,age,diet,days,seed
a,female,35,,1,0
b,female,35.0,omnivore,1,0
c,male,40,,1,0
d,female,35,,1,1
e,female,35,,1,0
"""


def test_identical_requests_are_planned_once_and_written_for_each_person(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.planning.batch as batch

    path = tmp_path / "people.csv"
    path.write_text(SAME)
    people = read_people(path)
    calls: list[str] = []
    real = batch.plan_week

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("x")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "plan_week", counting)
    summary = run_batch(people, str(tmp_path / "out"), workers=1)
    assert len(calls) == 3  # a = b = e (age 35 and 35.0, diet omnivore by default); c; d
    assert summary.planned == 5 and summary.distinct == 3
    found = read_results(str(tmp_path / "out")).set_index("id")
    assert found.loc["a", "request"] == found.loc["b", "request"] == found.loc["e", "request"]
    assert len({found.loc[i, "request"] for i in "acd"}) == 3
    assert found.loc["a", "seconds"] > 0 and found.loc["b", "seconds"] == 0
    assert found.loc["a", "solver_seconds"] > 0 and found.loc["b", "solver_seconds"] == 0
    items = _items(tmp_path / "out")
    plan = {i: items[items["id"] == i].drop(columns="id").reset_index(drop=True)
            for i in "abcde"}
    pd.testing.assert_frame_equal(plan["a"], plan["b"])
    pd.testing.assert_frame_equal(plan["a"], plan["e"])
    assert not plan["a"].equals(plan["c"])
    text = CliRunner().invoke(app, ["batch", str(path), "--out", str(tmp_path / "again"),
                                    "--workers", "1"]).output
    assert "5 people (3 distinct requests, each planned once)" in text
    calls.clear()
    shared = {r.id: r for r in plan_many(people)}
    assert len(calls) == 3 and shared["b"].week is shared["a"].week
    assert shared["b"].seconds == 0 and shared["b"].status == "ok"


def test_a_request_is_what_is_planned_not_how_it_is_written() -> None:
    from planner.planning.batch import request_key

    row = {"id": "a", "sex": "female", "age": "35", "exclude": "dairy;egg", "seed": "0"}
    assert request_key(row) == request_key({**row, "id": "b", "age": "35.0",
                                            "exclude": " Egg ; dairy "})
    assert request_key(row) != request_key({**row, "seed": "1"})
    assert request_key(row) != request_key({**row, "exclude": "dairy"})
    bad = {**row, "age": "3"}  # invalid: each row its own request
    assert request_key(bad) != request_key({**bad, "id": "b"})


def test_a_limit_no_plan_can_keep_makes_the_row_infeasible(tmp_path: Path) -> None:
    # the nearest plan may miss a minimum (the row is "missed"), never a safety limit:
    # a potassium cap no meal can keep is no plan, with the limit named
    path = tmp_path / "people.csv"
    path.write_text("id,sex,age,days,target.potassium_mg,target.potassium_mg.max\n"
                    "low-k,female,40,1,100,400\n")
    (result,) = plan_many(read_people(path))
    assert result.status == "infeasible" and result.week is None, result.message
    assert "potassium_mg" in result.short and "limit 400 mg" in result.message


# ------------------------------------------------------------------ issue 36

def _same(tmp_path: Path, count: int, others: str = "") -> Path:
    path = tmp_path / "people.csv"
    path.write_text("id,sex,age,days\n" + "".join(f"s{i},female,35,1\n" for i in range(count))
                    + others)
    return path


def test_identical_rows_are_chunked_by_rows_not_by_request(tmp_path: Path) -> None:
    # 100,000 identical rows were one chunk (5 GB, a MemoryError under 3 GB): every chunk
    # now holds at most CHUNK_ROWS rows, one plans the request and the rest copy it
    import planner.planning.batch as batch

    people = read_people(_same(tmp_path, 5_000, "a,male,40,1\nb,male,41,1\n"))
    found = chunks(people, set(), workers=2, batch="0123456789ab")
    assert max(len(c.rows) for c in found) <= batch.CHUNK_ROWS
    assert sorted(r["id"] for c in found for r in c.rows) == sorted(people["id"])
    plans = [c for c in found if not c.copies]  # one request each (3 for 2 workers)
    assert [[r["id"] for r in c.rows][:2] for c in plans] == [["s0", "s1"], ["a"], ["b"]]
    assert len(plans[0].rows) == batch.CHUNK_ROWS  # s0 and repeats while there is room
    copies = [c for c in found if c.copies]
    assert len(copies) == math.ceil((5_000 - batch.CHUNK_ROWS) / batch.CHUNK_ROWS)
    assert {c.copies for c in copies} == {plans[0].key}
    assert {s for c in copies for s in c.sources} == {"s0"}
    assert all(c.key.startswith("0123456789ab-") for c in found)
    assert len({c.key for c in found}) == len(found)


def test_copies_share_one_plan_across_chunks_and_a_resume(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.planning.batch as batch

    monkeypatch.setattr(batch, "CHUNK_ROWS", 2)
    path = _same(tmp_path, 7, "c,male,40,1\n")
    people = read_people(path)
    calls: list[str] = []
    real = batch.plan_week

    def counting(*args: object, **kwargs: object) -> object:
        calls.append("x")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "plan_week", counting)
    out = tmp_path / "out"
    finished: list[int] = []

    def progress(total: int, done: int):  # type: ignore[no-untyped-def]
        def step(n: int) -> None:
            finished.append(n)
            if len(finished) == 3:  # stop after the two plan chunks and one copy chunk
                raise KeyboardInterrupt
        return step

    with pytest.raises(KeyboardInterrupt):
        run_batch(people, str(out), workers=1, progress=progress)
    assert len(calls) == 2  # s0 and c
    summary = run_batch(people, str(out), workers=1, resume=True)
    assert len(calls) == 2  # the rest copied the plan an earlier run wrote
    assert finished == [2, 1, 2]  # s0 s1 | c | s2 s3 (2 rows a chunk at most)
    assert summary.skipped == 5 and summary.planned == 3 and summary.distinct == 1
    found = read_results(str(out)).set_index("id")
    assert sorted(found.index) == sorted(people["id"])
    assert found.loc["s0", "seconds"] > 0 and found.loc["s0", "solver_seconds"] > 0
    assert (found.drop(index=["s0", "c"])["seconds"] == 0).all()
    assert (found.drop(index=["s0", "c"])["solver_seconds"] == 0).all()
    assert found["request"].nunique() == 2
    items = _items(out)
    plan = {i: items[items["id"] == i].drop(columns="id").reset_index(drop=True)
            for i in found.index}
    for i in (f"s{k}" for k in range(1, 7)):
        pd.testing.assert_frame_equal(plan[i], plan["s0"])
    days = read_results(str(out), "days")
    assert sorted(days["id"]) == sorted(people["id"])  # one day each


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_column_named_twice_is_one_line_before_anything_is_written(
        tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"people.{kind}"
    if kind == "csv":
        path.write_text("id,sex,age, id\na,female,30,b\n")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table([pa.array(["a"]), pa.array(["female"]), pa.array(["30"]),
                                 pa.array(["b"])], names=["id", "sex", "age", "id"]), path)
    with pytest.raises(DatasetError, match=r"column 'id' appears twice \(columns 1 and 4\); "
                                           r"name each column once"):
        read_people(path)
    r = CliRunner().invoke(app, ["batch", str(path), "--out", str(tmp_path / "out")])
    assert r.exit_code == 1 and _only_error(r.stderr), r.output  # no pandas warning
    assert not (tmp_path / "out").exists()


def test_an_out_folder_whose_name_is_not_utf8_is_written(tmp_path: Path) -> None:
    path = _same(tmp_path, 1)
    out = tmp_path / "out\udcff"
    r = subprocess.run([sys.executable, "-m", "planner", "batch", str(path), "--out",
                        str(out), "--workers", "1"], capture_output=True, text=True,
                       errors="surrogateescape", timeout=300, env={**os.environ,
                                         "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert r.returncode == 0, r.stderr  # said "has a control character"
    assert b"out\xff" in os.listdir(os.fsencode(tmp_path))
    assert list(read_results(str(out))["id"]) == ["s0"]
