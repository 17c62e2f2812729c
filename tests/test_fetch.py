"""The FDC refresh against a real HTTP server on 127.0.0.1 that plays the FDC API.

Food bodies are built from real SR28 rows of the bundled table, in the FDC full format
(nutrient ids, units, portions), plus two Foundation foods with the Foundation quirks
(no energy 208, Atwater energy 957/958, vitamin D in IU only).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from planner.errors import FetchError
from planner.food.data import FoodTable, load_foods, write_dataset
from planner.food.fetch import (
    WRITER,
    FetchOptions,
    default_cache,
    fetch_food_data,
    format_summary,
    read_ids,
    redact,
)
from planner.food.nutrients import NUTRIENTS

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fetch_food_data.py"
KEY = "SECRETKEY1234567890abcdef"
SR_FOODS = ["11457", "09040", "01077", "15076", "12061", "16015", "09037"]  # 7 SR Legacy


def sr_item(table: FoodTable, ndb: str, fdc_id: int) -> dict[str, Any]:
    """An SR Legacy food in FDC full format, from the bundled SR28 row."""
    row = table.foods.loc[ndb]
    nutrients = []
    for n in NUTRIENTS:
        value = row[n.name]
        if isinstance(value, float) and math.isnan(value):
            continue  # missing stays missing
        src = n.sources[0]
        nutrients.append({"type": "FoodNutrient", "id": fdc_id * 100 + len(nutrients),
                          "amount": float(value),
                          "nutrient": {"id": src.fdc_id, "number": src.sr_number,
                                       "name": n.display, "rank": 1000,
                                       "unitName": "µg" if src.unit == "ug" else src.unit}})
    portions = [{"id": i, "sequenceNumber": int(p.seq), "amount": float(p.amount),
                 "modifier": p.description, "gramWeight": float(p.grams),
                 "measureUnit": {"id": 9999, "name": "undetermined"}}
                for i, p in enumerate(table.portions[table.portions["food_id"] == ndb]
                                      .itertuples())]
    return {"fdcId": fdc_id, "dataType": "SR Legacy", "description": row["description"],
            "ndbNumber": str(int(ndb)), "foodCategory": {"description": row["food_group"]},
            "foodNutrients": nutrients, "foodPortions": portions}


def foundation_item(fdc_id: int, name: str, kcal: float, vitamin_d_iu: float
                    ) -> dict[str, Any]:
    def fn(nid: int, number: str, unit: str, amount: float) -> dict[str, Any]:
        return {"type": "FoodNutrient", "amount": amount,
                "nutrient": {"id": nid, "number": number, "name": "x", "unitName": unit}}
    return {"fdcId": fdc_id, "dataType": "Foundation", "description": name,
            "foodCategory": {"description": "Dairy and Egg Products"},
            "foodNutrients": [fn(1003, "203", "g", 23.8), fn(1004, "204", "g", 27.2),
                              fn(1005, "205", "g", 2.7), fn(2047, "957", "kcal", kcal - 1),
                              fn(2048, "958", "kcal", kcal), fn(1087, "301", "mg", 690.0),
                              fn(1110, "324", "IU", vitamin_d_iu)],
            "foodPortions": [{"id": 1, "amount": 1.0, "gramWeight": 28.0, "modifier": None,
                              "measureUnit": {"id": 1120, "name": "RACC"}}]}


class FakeFDC:
    """Serves /v1/foods/list and /v1/foods; ``faults`` inject one response each, in order,
    for requests whose path matches (None = any)."""

    def __init__(self, foods: list[dict[str, Any]]) -> None:
        self.foods = {str(f["fdcId"]): f for f in foods}
        self.faults: list[tuple[str | None, Callable[[Request], Response | None]]] = []
        self.log: list[tuple[str, dict[str, str]]] = []
        self.linger = 0.0  # seconds slow handlers may still be busy after a test

    def handle(self, request: Request) -> Response:
        args = dict(request.args)
        self.log.append((request.path, args))
        for index, (path, fault) in enumerate(self.faults):
            if path is None or path == request.path:
                del self.faults[index]
                answer = fault(request)
                if answer is not None:
                    return answer
                break
        if not args.get("api_key"):
            return Response("no key", status=403)
        if request.path == "/v1/foods/list":
            kind = args["dataType"]
            size, number = int(args["pageSize"]), int(args["pageNumber"])
            matching = [{"fdcId": f["fdcId"], "description": f["description"],
                         "dataType": f["dataType"], "ndbNumber": f.get("ndbNumber")}
                        for f in self.foods.values() if f["dataType"] == kind]
            page = matching[(number - 1) * size:number * size]
            return Response(json.dumps(page), content_type="application/json")
        if request.path == "/v1/foods":
            ids = args["fdcIds"].split(",")
            assert len(ids) <= 20 and args["format"] == "full"
            body = [self.foods[i] for i in ids if i in self.foods]
            return Response(json.dumps(body), content_type="application/json")
        return Response("not found", status=404)

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [a for p, a in self.log if p == path]


@pytest.fixture(autouse=True)
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user cache directory (where a refresh keeps its downloads), inside tmp_path;
    the scripts run here inherit it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return tmp_path / "user-cache"


@pytest.fixture()
def fdc(httpserver: HTTPServer, bundled: FoodTable) -> Iterator[FakeFDC]:
    foods = [sr_item(bundled, ndb, 170000 + i) for i, ndb in enumerate(SR_FOODS)]
    foods += [foundation_item(2647443, "Cheese, cotija, solid", 352.0, 40.0),
              foundation_item(2647444, "Cheese, test, solid", 300.0, 80.0)]
    fake = FakeFDC(foods)
    httpserver.expect_request("/v1/foods/list").respond_with_handler(fake.handle)
    httpserver.expect_request("/v1/foods").respond_with_handler(fake.handle)
    yield fake
    # The server answers one request at a time: let requests a client gave up on drain,
    # so they do not reach the next test's fake.
    time.sleep(fake.linger)


@pytest.fixture()
def old_data(tmp_path: Path, data_dir: Path) -> Path:
    """A data directory an earlier refresh wrote, which a failed refresh must leave
    byte-for-byte intact."""
    from planner.food.sources import read_sr28
    out = tmp_path / "fdc-data"
    write_dataset(out, read_sr28(data_dir / "sr28_tiny"), source="old", writer=WRITER)
    return out


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def options(httpserver: HTTPServer, out: Path, **kw: Any) -> FetchOptions:
    base = dict(api_key=KEY, out=out, base_url=httpserver.url_for("/").rstrip("/"),
                page_size=3, backoff=0.01, max_retries=3, timeout=2.0)
    base.update(kw)
    return FetchOptions(**base)  # type: ignore[arg-type]


def planner_fetch(*args: str, env: dict[str, str | None] | None = None,
                  cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``planner fetch ARGS`` (what the script runs) in this process, through Typer's test
    runner, as a new process would see it: its start-up time now (the deadline and the
    quiet start count from it), the key in the environment (``env`` adds to it or, with
    None, takes a variable out), standard output and error apart, the exit code. The
    checks that only a process can show (Ctrl-C, a kill, deadlines against a dripping
    server, a terminal, two refreshes at once) start the script itself, and
    :func:`test_demo_key_warning` runs it whole; the rest run here,
    without starting Python and importing pandas again for each case (0.7 s each)."""
    from typer.testing import CliRunner

    import planner.cli

    saved = planner.cli.STARTED
    planner.cli.STARTED = time.monotonic()
    try:
        with contextlib.chdir(cwd or Path.cwd()):
            r = CliRunner().invoke(planner.cli.app, ["fetch", *args],
                                   env={"FDC_API_KEY": KEY, **(env or {})})
    finally:
        planner.cli.STARTED = saved
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exc_info
    return subprocess.CompletedProcess(["planner", "fetch", *args], r.exit_code, r.stdout,
                                       r.stderr)


def run_script(httpserver: HTTPServer, out: Path, *extra: str,
               env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """A refresh into ``out`` from the local server, with short retries (in-process: see
    :func:`planner_fetch`)."""
    return planner_fetch("--out", str(out), "--base-url", httpserver.url_for("/").rstrip("/"),
                         "--page-size", "3", "--backoff", "0.01", "--max-retries", "2",
                         "--timeout", "2", *extra, env=env)


# ------------------------------------------------------------------ the happy path

def test_pages_through_the_list_and_writes_a_loadable_directory(
        httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path, bundled: FoodTable) -> None:
    out = tmp_path / "fdc-data"
    summary = fetch_food_data(options(httpserver, out))
    sr_pages = [a for a in fdc.requests_to("/v1/foods/list") if a["dataType"] == "SR Legacy"]
    assert [a["pageNumber"] for a in sr_pages] == ["1", "2", "3"]  # 3 + 3 + 1 foods
    assert all(len(a["fdcIds"].split(",")) <= 20 for a in fdc.requests_to("/v1/foods"))
    table = load_foods(out)
    assert len(table.foods) == 9
    assert summary.foods_by_type == {"SR Legacy": 7, "Foundation": 2}
    # SR Legacy foods keep their NDB number as id, so they line up with SR28
    for ndb in SR_FOODS:
        for n in ("magnesium_mg", "calcium_mg", "potassium_mg", "vitamin_b12_ug"):
            expected = bundled.foods.loc[ndb, n]
            got = table.foods.loc[ndb, n]
            assert got == pytest.approx(expected, nan_ok=True), (ndb, n)
    assert math.isnan(table.foods.loc["15076", "vitamin_d_ug"])  # missing stays missing
    cotija = table.foods.loc["fdc-2647443"]
    assert cotija["energy_kcal"] == 352.0 and cotija["vitamin_d_ug"] == 1.0
    assert table.foods.loc["11457", "fdc_id"] == "170000"
    assert not default_cache(out).exists()  # removed after success
    assert default_cache(out).parent.parent == tmp_path / "user-cache" / "planner"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fdc-data", "user-cache"]


def test_ids_from_the_catalogue_format(httpserver: HTTPServer, fdc: FakeFDC,
                                       tmp_path: Path) -> None:
    ids = tmp_path / "ids.csv"
    ids.write_text("food_id,short_name\n11457,raw spinach\n09040,banana\n99999,nothing\n"
                   "fdc-2647443,cotija\n")
    summary = fetch_food_data(options(httpserver, tmp_path / "out", ids_from=ids))
    table = load_foods(tmp_path / "out")
    assert sorted(table.foods.index) == ["09040", "11457", "fdc-2647443"]
    assert summary.not_returned == ("99999",)
    # only the SR Legacy list is needed to map NDB numbers
    assert {a["dataType"] for a in fdc.requests_to("/v1/foods/list")} == {"SR Legacy"}


def test_fdc_ids_need_no_listing(httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("170000\nfdc-170001\n")
    fetch_food_data(options(httpserver, tmp_path / "out", ids_from=ids))
    assert fdc.requests_to("/v1/foods/list") == []
    assert sorted(load_foods(tmp_path / "out").foods.index) == ["09040", "11457"]


def test_bad_ids_file(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("spinach\n")
    with pytest.raises(FetchError, match=r"'spinach' is not a food id"):
        read_ids(ids)


# ------------------------------------------------------------------ faults

def test_429_with_retry_after_then_success(httpserver: HTTPServer, fdc: FakeFDC,
                                           tmp_path: Path) -> None:
    fdc.faults.append(("/v1/foods", lambda r: Response("slow down", status=429,
                                                        headers={"Retry-After": "1"})))
    start = time.monotonic()
    fetch_food_data(options(httpserver, tmp_path / "out"))
    assert time.monotonic() - start >= 1.0  # the Retry-After was honoured
    assert len(load_foods(tmp_path / "out").foods) == 9


def test_long_retry_after_stops_instead_of_sleeping(httpserver: HTTPServer, fdc: FakeFDC,
                                                    old_data: Path) -> None:
    before = snapshot(old_data)
    fdc.faults.append((None, lambda r: Response("blocked", status=429,
                                                 headers={"Retry-After": "3600"})))
    with pytest.raises(FetchError, match=r"rate limit: the server asked to wait 3,600 s, "
                                         r"more than --max-wait 5 s; progress is cached"):
        fetch_food_data(options(httpserver, old_data, max_wait=5))
    assert snapshot(old_data) == before


def test_500_then_success(httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path) -> None:
    fdc.faults.append(("/v1/foods", lambda r: Response("oops", status=500)))
    fetch_food_data(options(httpserver, tmp_path / "out"))
    assert len(load_foods(tmp_path / "out").foods) == 9


def test_repeated_500_spends_the_retry_budget_and_keeps_old_data(
        httpserver: HTTPServer, fdc: FakeFDC, old_data: Path) -> None:
    before = snapshot(old_data)
    for _ in range(10):
        fdc.faults.append(("/v1/foods", lambda r: Response("down", status=503)))
    result = run_script(httpserver, old_data)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "retries" in result.stderr
    assert len(fdc.requests_to("/v1/foods")) == 3  # first try + 2 retries
    assert snapshot(old_data) == before
    assert KEY not in result.stdout + result.stderr


def test_malformed_json_is_a_clear_error(httpserver: HTTPServer, fdc: FakeFDC,
                                         old_data: Path) -> None:
    before = snapshot(old_data)
    fdc.faults.append(("/v1/foods", lambda r: Response('[{"fdcId": 1, "descr',
                                                       content_type="application/json")))
    with pytest.raises(FetchError, match=r"answer to /v1/foods .*malformed JSON"):
        fetch_food_data(options(httpserver, old_data))
    assert snapshot(old_data) == before


def test_food_without_nutrients_is_skipped_and_reported(httpserver: HTTPServer,
                                                        fdc: FakeFDC, tmp_path: Path) -> None:
    del fdc.foods["170001"]["foodNutrients"]
    summary = fetch_food_data(options(httpserver, tmp_path / "out"))
    assert summary.skipped == ("170001",)
    assert "09040" not in load_foods(tmp_path / "out").foods.index
    assert len(load_foods(tmp_path / "out").foods) == 8


def test_read_timeout_is_retried(httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path) -> None:
    def slow(request: Request) -> None:
        time.sleep(1.5)
        return None  # then answer normally (too late for the client)
    fdc.faults.append(("/v1/foods", slow))
    fdc.linger = 2.0
    fetch_food_data(options(httpserver, tmp_path / "out", timeout=0.5))
    assert len(load_foods(tmp_path / "out").foods) == 9


def test_read_timeout_every_time_fails_cleanly(httpserver: HTTPServer, fdc: FakeFDC,
                                               old_data: Path) -> None:
    before = snapshot(old_data)

    def slow(request: Request) -> None:
        time.sleep(0.6)
    for _ in range(4):
        fdc.faults.append(("/v1/foods", slow))
    fdc.linger = 3.0
    with pytest.raises(FetchError, match=r"did not answer /v1/foods within 0.3 s|retries"):
        fetch_food_data(options(httpserver, old_data, timeout=0.3, max_retries=2))
    assert snapshot(old_data) == before


def test_403_stops_at_once(httpserver: HTTPServer, fdc: FakeFDC, old_data: Path) -> None:
    before = snapshot(old_data)
    fdc.faults.append((None, lambda r: Response('{"error": "API_KEY_INVALID"}', status=403)))
    result = run_script(httpserver, old_data)
    assert result.returncode == 1
    assert result.stderr.startswith("error: API key rejected")
    assert len(fdc.log) == 1  # no retries on a rejected key
    assert snapshot(old_data) == before


def test_unreachable_server_message_has_no_key(tmp_path: Path) -> None:
    result = planner_fetch("--out", str(tmp_path / "out"), "--base-url", "http://127.0.0.1:9",
                           "--max-retries", "0", "--timeout", "1")
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot reach FDC")
    assert result.stderr.count("\n") == 1
    assert KEY not in result.stderr


def test_interrupted_run_resumes_from_the_cache(httpserver: HTTPServer, fdc: FakeFDC,
                                                old_data: Path) -> None:
    before = snapshot(old_data)
    # first run: the second detail batch fails for good
    fdc.faults.append(("/v1/foods", lambda r: None))  # batch 1 answers normally
    for _ in range(3):
        fdc.faults.append(("/v1/foods", lambda r: Response("down", status=500)))
    opts = options(httpserver, old_data, max_retries=2)
    opts = FetchOptions(**{**opts.__dict__, "ids_from": None})
    import planner.food.fetch as fetch_module
    small = pytest.MonkeyPatch()
    small.setattr(fetch_module, "BATCH_SIZE", 5)
    try:
        with pytest.raises(FetchError):
            fetch_food_data(opts)
        assert snapshot(old_data) == before
        cache = default_cache(old_data)
        cached = sorted(p.stem for p in (cache / "foods").glob("*.json"))
        assert len(cached) == 5
        lists_before = len(fdc.requests_to("/v1/foods/list"))
        details_before = len(fdc.requests_to("/v1/foods"))
        fetch_food_data(opts)  # resume
    finally:
        small.undo()
    assert len(fdc.requests_to("/v1/foods/list")) == lists_before  # pages from the cache
    resumed = fdc.requests_to("/v1/foods")[details_before:]
    asked = {i for a in resumed for i in a["fdcIds"].split(",")}
    assert asked.isdisjoint(cached) and len(asked) == 4
    assert len(load_foods(old_data).foods) == 9


def test_ctrl_c_leaves_old_data_and_exits_130(httpserver: HTTPServer, fdc: FakeFDC,
                                              old_data: Path) -> None:
    before = snapshot(old_data)

    def hang(request: Request) -> None:
        time.sleep(3)
    fdc.faults.append(("/v1/foods", hang))
    fdc.linger = 3.5
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--out", str(old_data), "--base-url",
         httpserver.url_for("/").rstrip("/"), "--timeout", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "FDC_API_KEY": KEY})
    deadline = time.monotonic() + 30
    while not fdc.requests_to("/v1/foods") and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip().endswith("progress kept in the cache (run again to resume)")
    assert "Traceback" not in err
    assert snapshot(old_data) == before


# ------------------------------------------------------------------ the key stays secret

def test_key_never_appears_in_output_files_or_cache(httpserver: HTTPServer, fdc: FakeFDC,
                                                    tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_script(httpserver, out, "--keep-cache")
    assert result.returncode == 0, result.stderr
    assert "wrote 9 foods" in result.stdout and "vitamin_d_ug" in result.stdout
    everything = result.stdout + result.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            everything += path.read_bytes().decode("utf-8", "replace")
            if path.suffix == ".gz":
                import gzip
                everything += gzip.decompress(path.read_bytes()).decode()
    assert KEY not in everything
    assert all(a["api_key"] == KEY for _, a in fdc.log)  # it was sent, though


def test_demo_key_warning(httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FDC_API_KEY"}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path / "out"), "--base-url",
         httpserver.url_for("/").rstrip("/"), "--page-size", "3"],
        capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "warning: no FDC_API_KEY; using DEMO_KEY" in result.stderr
    assert {a["api_key"] for _, a in fdc.log} == {"DEMO_KEY"}


def test_redact() -> None:
    assert redact("GET /v1/foods?api_key=abc123&x=1") == "GET /v1/foods?api_key=***&x=1"
    assert redact("key abc123 leaked", "abc123") == "key *** leaked"


@pytest.mark.parametrize("args", [["--page-size", "500"], ["--timeout", "0"],
                                  ["--data-type", "Branded"]])
def test_bad_script_arguments(tmp_path: Path, args: list[str]) -> None:
    result = planner_fetch("--out", str(tmp_path / "o"), *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_retry_logs_are_redacted(httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path,
                                 caplog: pytest.LogCaptureFixture) -> None:
    import logging

    def slow(request: Request) -> None:
        time.sleep(0.8)
    fdc.faults.append(("/v1/foods", slow))
    fdc.linger = 1.5
    with caplog.at_level(logging.DEBUG):
        fetch_food_data(options(httpserver, tmp_path / "out", timeout=0.3))
    ours = [r.getMessage() for r in caplog.records if r.name != "werkzeug"]  # not the server
    assert any("Retrying" in m for m in ours)  # urllib3 logged the retry, with the URL ...
    assert not any(KEY in m for m in ours)  # ... but not the key


# ------------------------------------------------------------------ the user's files are safe

def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for folders), for before/after checks."""
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


def someones_work(folder: Path) -> Path:
    """A folder full of a user's files: notes, a project, a hidden config, a subfolder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.txt").write_text("do not lose me\n")
    (folder / "thesis").mkdir()
    (folder / "thesis" / "chapter1.tex").write_text("\\chapter{One}\n")
    (folder / ".bashrc").write_text("export X=1\n")
    return folder


@pytest.mark.parametrize("where", ["home", "cwd", "datasets-copy", "own-folder-plus-a-file"])
def test_refresh_refuses_a_folder_holding_anything_else_and_changes_nothing(
        httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path, old_data: Path,
        where: str) -> None:
    from planner.food.data import bundled_dir
    if where == "home":
        out = someones_work(tmp_path / "home")
    elif where == "cwd":
        out = someones_work(tmp_path / "work")
    elif where == "datasets-copy":
        out = tmp_path / "datasets"
        shutil.copytree(bundled_dir(), out)
        (out / "recommended_foods.csv").write_text("food_id\n11457\n")
    else:
        out = old_data
        (out / "my-notes.md").write_text("# notes kept beside the data\n")
    before = tree(tmp_path)
    args = ["--out", "." if where == "cwd" else str(out)]
    result = planner_fetch(*args, "--base-url", httpserver.url_for("/").rstrip("/"),
                           "--page-size", "3", "--backoff", "0.01",
                           cwd=out if where == "cwd" else tmp_path)
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "refusing to replace it (nothing changed)" in result.stderr
    assert tree(tmp_path) == before  # not even a lock file beside it
    assert fdc.log == []  # refused before a single request


def test_refresh_may_replace_its_own_folder_and_fill_an_empty_one(
        httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path, old_data: Path) -> None:
    fetch_food_data(options(httpserver, old_data))
    assert len(load_foods(old_data).foods) == 9
    empty = tmp_path / "empty"
    empty.mkdir()
    fetch_food_data(options(httpserver, empty))
    assert sorted(p.name for p in empty.iterdir()) == sorted(
        ["foods.csv.gz", "portions.csv.gz", "manifest.json"])
    assert json.loads((empty / "manifest.json").read_text())["writer"] == WRITER
    # a plain mkdir's permissions, not mkdtemp's 0700
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(empty.stat().st_mode) == 0o777 & ~umask


def test_a_cache_folder_of_someone_elses_files_is_refused_and_kept(
        httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path) -> None:
    work = someones_work(tmp_path / "Documents")
    before = tree(work)
    with pytest.raises(FetchError, match=r"Documents: holds files that are not a planner "
                                         r"fetch cache"):
        fetch_food_data(options(httpserver, tmp_path / "out", cache=work))
    assert tree(work) == before
    assert not (tmp_path / "out").exists()


def test_cleanup_removes_only_what_the_cache_wrote(httpserver: HTTPServer, fdc: FakeFDC,
                                                  tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fetch_food_data(options(httpserver, tmp_path / "out", cache=cache))
    assert not cache.exists()  # emptied and removed
    # a file someone drops into the cache between runs survives the cleanup
    opts = options(httpserver, tmp_path / "out", cache=cache, keep_cache=True)
    fetch_food_data(opts)
    (cache / "README").write_text("mine\n")
    fetch_food_data(options(httpserver, tmp_path / "out", cache=cache))
    assert (cache / "README").read_text() == "mine\n"
    assert sorted(p.name for p in cache.iterdir()) == ["README"]


# ------------------------------------------------------------------ a hostile server

@pytest.mark.parametrize("bad", ["../../escaped/settings", "ABSOLUTE", -5, 0, 1.5, True,
                                 "12a", "170001/../../x"])
def test_ids_from_the_network_are_validated_before_any_path(
        httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path, bad: object) -> None:
    target = tmp_path / "abs" / "settings"
    hostile = str(target) if bad == "ABSOLUTE" else bad
    evil = dict(fdc.foods["170000"], fdcId=hostile)
    fdc.foods["evil"] = evil
    original = fdc.handle

    def handle(request: Request) -> Response:
        if request.path == "/v1/foods":  # the hostile item rides along with every batch
            body = json.loads(original(request).get_data())
            return Response(json.dumps([*body, evil]), content_type="application/json")
        return original(request)
    fdc.handle = handle  # type: ignore[method-assign]
    out = tmp_path / "out"
    result = run_script(httpserver, out, "--keep-cache")
    assert result.returncode == 0, result.stderr
    assert "ignored" in result.stdout and "not a positive integer" in result.stdout
    everything = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert not any("escaped" in p or "settings" in p or p.startswith("abs") for p in
                   everything), everything
    cached = sorted(p.name for p in (default_cache(out) / "foods").iterdir())
    assert all(re.fullmatch(r"\d+\.json", name) for name in cached)
    assert len(load_foods(out).foods) == 9


def test_a_redirect_to_another_host_is_not_followed_and_the_key_stays(
        httpserver: HTTPServer, fdc: FakeFDC, old_data: Path) -> None:
    other = HTTPServer(host="127.0.0.2", port=0)
    other.expect_request("/v1/foods").respond_with_data("[]")
    other.start()
    try:
        elsewhere = f"http://127.0.0.2:{other.port}/v1/foods?stolen=1"
        fdc.faults.append(("/v1/foods", lambda r: Response(
            "", status=302, headers={"Location": elsewhere})))
        before = snapshot(old_data)
        with pytest.raises(FetchError, match=r"redirected /v1/foods to another host "
                                             r"\(127\.0\.0\.2:\d+\); not followed, so the "
                                             r"API key was not sent there"):
            fetch_food_data(options(httpserver, old_data))
        assert other.log == []  # not a single request reached the other host
        assert snapshot(old_data) == before
    finally:
        other.clear()
        other.stop()


def test_a_redirect_on_the_same_host_is_followed(httpserver: HTTPServer, fdc: FakeFDC,
                                                 tmp_path: Path) -> None:
    fdc.faults.append(("/v1/foods/list", lambda r: Response(
        "", status=301, headers={"Location": "/v1/foods/list?" + r.query_string.decode()})))
    fetch_food_data(options(httpserver, tmp_path / "out"))
    assert len(load_foods(tmp_path / "out").foods) == 9


class Dripper:
    """A raw TCP server that answers every connection one byte at a time: in the status
    line and headers (``headers``) or in the body of an otherwise normal response.
    ``mode`` says more: ``close`` is an HTTP/1.0 answer whose body ends when the server
    closes (no Content-Length: a read to the end of the connection), ``fields`` sends
    its status line at once and drips the header fields, which never end."""

    def __init__(self, *, in_headers: bool = False, interval: float = 0.25,
                 mode: str = "") -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.in_headers = in_headers
        self.interval = interval
        self.mode = mode
        self.connections = 0
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.server.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            body = b'[' + b' ' * 10_000 + b']'
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
            if self.mode == "close":
                head = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n"
            elif self.mode == "fields":
                head, body = b"HTTP/1.1 200 OK\r\n", b"X-Pad: " + b"a" * 10_000
            if not self.in_headers:
                conn.sendall(head)
            for byte in (head + body if self.in_headers else body):
                if self.stopped.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(self.interval)

    def stop(self) -> None:
        self.stopped.set()
        self.server.close()


@pytest.mark.parametrize("in_headers", [False, True])
def test_a_server_that_drips_bytes_cannot_outlast_the_deadline(tmp_path: Path,
                                                               in_headers: bool) -> None:
    dripper = Dripper(in_headers=in_headers)
    try:
        start = time.monotonic()
        result = subprocess.run(
            [sys.executable, str(SCRIPT), "--out", str(tmp_path / "out"), "--base-url",
             f"http://127.0.0.1:{dripper.port}", "--timeout", "2", "--attempt-deadline", "1.5",
             "--max-retries", "1", "--backoff", "0.01"],
            capture_output=True, text=True, timeout=120, env={**os.environ, "FDC_API_KEY": KEY})
        elapsed = time.monotonic() - start
    finally:
        dripper.stop()
    assert result.returncode == 1
    assert result.stderr.startswith("error: FDC did not finish answering /v1/foods/list "
                                    "within 1.5 s (2 attempts)"), result.stderr
    assert result.stderr.count("\n") == 1
    assert dripper.connections == 2  # the first try and one retry
    assert elapsed < 20  # two attempts of 1.5 s, plus start-up; minutes before the fix
    assert not (tmp_path / "out").exists()


def test_a_read_timeout_says_so_in_plain_words(httpserver: HTTPServer, fdc: FakeFDC,
                                               tmp_path: Path) -> None:
    def slow(request: Request) -> None:
        time.sleep(0.8)
    for _ in range(3):
        fdc.faults.append(("/v1/foods/list", slow))
    fdc.linger = 2.5
    with pytest.raises(FetchError) as info:
        fetch_food_data(options(httpserver, tmp_path / "out", timeout=0.3, max_retries=2))
    assert str(info.value) == "FDC did not answer /v1/foods/list within 0.3 s (3 attempts)"


def test_an_invalid_retry_after_is_a_normal_retry(httpserver: HTTPServer, fdc: FakeFDC,
                                                  tmp_path: Path) -> None:
    fdc.faults.append(("/v1/foods", lambda r: Response(
        "busy", status=503, headers={"Retry-After": "soon, promise"})))
    fetch_food_data(options(httpserver, tmp_path / "out"))
    assert len(load_foods(tmp_path / "out").foods) == 9


@pytest.mark.parametrize("args", [["--timeout", "nan"], ["--timeout", "-1"],
                                  ["--max-wait", "nan"], ["--deadline", "inf"],
                                  ["--backoff", "-0.5"], ["--max-retries", "-1"],
                                  ["--max-retries", "1000"], ["--timeout", "1e308"],
                                  ["--deadline", "1e308"], ["--attempt-deadline", "1e308"],
                                  ["--backoff", "1e308"], ["--max-wait", "1e308"],
                                  ["--timeout", "1e-300"], ["--deadline", "0.5"]])
def test_bad_numbers_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    result = planner_fetch("--out", str(tmp_path / "o"), *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "error:" in result.stderr
    if args[0] != "--max-retries":  # (issue 36: 1e308 was an OverflowError, exit 70)
        assert re.fullmatch(rf"error: {args[0]} must be a number from [0-9.]+ to [0-9]+, "
                            rf"e\.g\. {args[0]} [0-9.]+\n", result.stderr), result.stderr
    assert not (tmp_path / "o").exists()


def test_the_library_refuses_numbers_out_of_range_too(tmp_path: Path) -> None:
    for field, value in (("timeout", 1e308), ("deadline", 1e308), ("backoff", -1.0),
                         ("attempt_deadline", math.inf), ("max_wait", math.nan)):
        with pytest.raises(FetchError, match=r"must be a number from .* seconds"):
            fetch_food_data(FetchOptions(api_key=KEY, out=tmp_path / "o", **{field: value}))
    assert not (tmp_path / "o").exists()


def test_os_errors_are_one_line_messages(httpserver: HTTPServer, fdc: FakeFDC,
                                         tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n")
    for extra, message in (
            (["--out", str(a_file / "out")], r"a-file: not a folder; .*unchanged"),
            (["--out", "/proc/planner-out"], r"/proc.*(No such file|Permission|not "
                                             r"permitted)"),
            (["--out", str(tmp_path / "out"), "--cache", str(a_file)],
             r"a-file: the cache must be a folder")):
        result = planner_fetch("--base-url", httpserver.url_for("/").rstrip("/"), *extra)
        assert result.returncode == 1, (extra, result.stderr)
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
        assert re.search(message, result.stderr), result.stderr
    assert a_file.read_text() == "not a folder\n"


def test_two_refreshes_into_one_folder_take_turns(httpserver: HTTPServer, fdc: FakeFDC,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "out"

    def slow(request: Request) -> None:
        # long enough for the second process to start (it imports the whole command
        # line) on a busy machine while the first still holds the lock
        time.sleep(6)
    fdc.faults.append(("/v1/foods", slow))
    fdc.linger = 0.5
    first = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--out", str(out), "--base-url",
         httpserver.url_for("/").rstrip("/"), "--page-size", "3", "--timeout", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "FDC_API_KEY": KEY})
    deadline = time.monotonic() + 30
    while not fdc.requests_to("/v1/foods") and time.monotonic() < deadline:
        time.sleep(0.05)
    second = run_script(httpserver, out)
    _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert second.returncode == 1
    assert "another refresh is writing this folder" in second.stderr
    assert second.stderr.count("\n") == 1
    assert len(load_foods(out).foods) == 9


# ------------------------------------------------------------------ planner fetch, lock, cache

def lock_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.lock"))


def test_no_lock_file_is_left_after_success_or_failure(httpserver: HTTPServer, fdc: FakeFDC,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_script(httpserver, out).returncode == 0
    assert lock_files(tmp_path) == []
    for _ in range(4):  # every retry fails: the refresh stops with an error
        fdc.faults.append(("/v1/foods", lambda r: Response("down", status=500)))
    failed = run_script(httpserver, out)
    assert failed.returncode == 1 and failed.stderr.startswith("error: ")
    assert lock_files(tmp_path) == []
    with pytest.raises(FetchError):
        fetch_food_data(options(httpserver, tmp_path / "bad", page_size=0))
    assert lock_files(tmp_path) == []


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_no_lock_file_is_left_after_ctrl_c_or_kill(httpserver: HTTPServer, fdc: FakeFDC,
                                                   tmp_path: Path, stop: int) -> None:
    out = tmp_path / "out"

    def hang(request: Request) -> None:
        time.sleep(2)
    fdc.faults.append(("/v1/foods", hang))
    fdc.linger = 2.5
    process = subprocess.Popen(
        [sys.executable, "-m", "planner", "fetch", "--out", str(out), "--base-url",
         httpserver.url_for("/").rstrip("/"), "--timeout", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "FDC_API_KEY": KEY})
    deadline = time.monotonic() + 30
    while not fdc.requests_to("/v1/foods") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lock_files(tmp_path) == [".out.lock"]  # held while it works
    process.send_signal(stop)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "progress kept in the cache" in err and "Traceback" not in err
    assert lock_files(tmp_path) == []
    assert not out.exists()
    assert list((default_cache(out) / "list").rglob("*.json"))  # kept to resume


def test_a_lock_file_removed_while_waiting_is_taken_afresh(tmp_path: Path) -> None:
    """A refresh that opened the lock file just before the holder removed it must not
    lock the removed file (a third refresh could then lock a new one at the same time)."""
    import planner.food.fetch as fetch_module

    out = tmp_path / "out"
    with fetch_module._locked(out):
        lock = tmp_path / ".out.lock"
        assert lock.is_file()
        with pytest.raises(FetchError, match="another refresh is writing this folder"), \
                fetch_module._locked(out):
            pass
        stale = os.open(lock, os.O_RDWR)
    assert not lock.exists()
    try:
        with fetch_module._locked(out):  # a new file, not the removed one
            assert lock.is_file()
            assert os.fstat(stale).st_ino != os.stat(lock).st_ino or \
                os.fstat(stale).st_nlink == 0
    finally:
        os.close(stale)
    assert not lock.exists()


def test_planner_fetch_is_a_command_of_the_package(httpserver: HTTPServer, fdc: FakeFDC,
                                                   tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from planner.cli import app

    out = tmp_path / "fdc-data"
    result = CliRunner().invoke(app, [
        "fetch", "--out", str(out), "--base-url", httpserver.url_for("/").rstrip("/"),
        "--page-size", "3", "--ids-from", "catalogue", "--api-key", KEY])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote ") and KEY not in result.output
    # the bundled catalogue's ids: the SR Legacy foods the fake serves are among them
    table = load_foods(out)
    assert set(table.foods.index) <= set(SR_FOODS)
    assert len(table.foods) >= 1
    usage = CliRunner().invoke(app, ["fetch", "--out", str(tmp_path / "o"),
                                     "--timeout", "nan"])
    assert usage.exit_code == 2 and usage.output.startswith("error: --timeout must be") \
        and usage.output.count("\n") == 1, usage.output


# ------------------------------------------------------------------ bounds (issue 20)

@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, "[" * 40 + "]" * 40,
                                  '[{"fdcId": 1e999}]', "[" + "9" * 5000 + "]",
                                  '[{"description": "' + "x" * 20_000 + '"}]'])
def test_hostile_json_from_the_server_is_one_line(httpserver: HTTPServer, fdc: FakeFDC,
                                                  old_data: Path, body: str) -> None:
    before = snapshot(old_data)
    fdc.faults.append(("/v1/foods", lambda r: Response(body, content_type="application/json")))
    with pytest.raises(FetchError) as info:
        fetch_food_data(options(httpserver, old_data))
    message = str(info.value)
    assert message.startswith("FDC's answer to /v1/foods") and "\n" not in message
    assert re.search(r"nested more than 32 deep|number too large|malformed JSON|longer than",
                     message), message
    assert snapshot(old_data) == before


def test_the_deadline_bounds_the_whole_run_against_a_dripping_server(tmp_path: Path) -> None:
    dripper = Dripper(in_headers=False, interval=0.5)
    try:
        start = time.monotonic()
        result = subprocess.run(
            [sys.executable, str(SCRIPT), "--out", str(tmp_path / "out"), "--base-url",
             f"http://127.0.0.1:{dripper.port}", "--timeout", "3", "--deadline", "4"],
            capture_output=True, text=True, timeout=120, env={**os.environ, "FDC_API_KEY": KEY})
        elapsed = time.monotonic() - start
    finally:
        dripper.stop()
    assert result.returncode == 1
    assert result.stderr.startswith("error: the refresh did not finish within --deadline 4 s")
    assert result.stderr.count("\n") == 1
    assert elapsed < 15  # 4 s and start-up; over 100 s when only each attempt was bounded
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("in_headers", [False, True])
def test_ctrl_c_stops_a_dripping_refresh_within_a_second(tmp_path: Path,
                                                         in_headers: bool) -> None:
    dripper = Dripper(in_headers=in_headers, interval=0.5)
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path / "out"), "--base-url",
         f"http://127.0.0.1:{dripper.port}", "--timeout", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "FDC_API_KEY": KEY})
    try:
        deadline = time.monotonic() + 30
        while dripper.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # mid-drip
        process.send_signal(signal.SIGINT)
        sent = time.monotonic()
        _, err = process.communicate(timeout=30)
        stopped = time.monotonic() - sent
    finally:
        process.kill()
        dripper.stop()
    assert process.returncode == 130
    assert err.startswith("error: interrupted;") and err.count("\n") == 1, err
    assert stopped < 1.0
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [["--timeout", "abc"], ["--page-size", "0"],
                                  ["--data-type", "Branded"], ["--max-retries", "1000"],
                                  ["--attempt-deadline", "-1"], ["--no-such-option"]])
def test_a_bad_option_value_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = planner_fetch("--out", str(tmp_path / "o"), *args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, \
        result.stderr
    assert "usage:" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "o").exists()


def test_a_folder_where_a_data_file_should_be_is_refused_untouched(
        httpserver: HTTPServer, fdc: FakeFDC, old_data: Path) -> None:
    (old_data / "portions.csv.gz").unlink()
    (old_data / "portions.csv.gz").mkdir()
    (old_data / "portions.csv.gz" / "my-notes.txt").write_text("mine\n")
    with pytest.raises(FetchError, match=r"portions\.csv\.gz is not a file this refresh "
                                         r"wrote .*nothing changed"):
        fetch_food_data(options(httpserver, old_data))
    assert (old_data / "portions.csv.gz" / "my-notes.txt").read_text() == "mine\n"
    assert sorted(p.name for p in old_data.parent.iterdir()
                  if p.name.startswith(".fdc-data.old")) == []
    assert fdc.log == []  # refused before a single request


# ------------------------------------------------------------------ what a person sees

def test_an_unreachable_server_says_each_retry_while_it_waits(tmp_path: Path) -> None:
    """Offline, a refresh is not silence then an error: once the waiting passes the quiet
    start (2 s), each retry says what failed and how long it waits, even in a pipe."""
    result = planner_fetch("--out", str(tmp_path / "out"), "--base-url", "http://127.0.0.1:9",
                           "--max-retries", "3", "--backoff", "1", "--timeout", "1")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("error: cannot reach FDC at http://127.0.0.1:9")
    assert lines[:-1] == ["FDC: Connection refused; retry 3 of 3 in 4 s"]  # retries 1-2:
    # within the first 2 s


def test_a_refresh_at_a_terminal_shows_its_steps_and_clears_them(
        httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path) -> None:
    import pty

    from screen import render

    fdc.faults.append(("/v1/foods", lambda r: Response("down", status=503)))
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path / "out"), "--base-url",
         httpserver.url_for("/").rstrip("/"), "--page-size", "3", "--backoff", "0.01",
         "--max-retries", "2", "--timeout", "2"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=child,
        env={**os.environ, "FDC_API_KEY": KEY, "COLUMNS": "80"})
    os.close(child)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert process.wait(timeout=120) == 0
    text = seen.decode()
    for step in ("connecting to FoodData Central at http://", "listing SR Legacy foods, pages",
                 "FDC: HTTP 503; retry 1 of 2", "downloading foods: 9 of 9", "writing "):
        assert step in text, step
    assert render(text) == []  # the line is gone when the summary prints
    assert KEY not in text


# ------------------------------------------------------------------ issue 36

@pytest.mark.parametrize(("args", "message"), [
    (["--deadline", "3"], "error: the refresh did not finish within --deadline 3 s "
                          "(stopped at /v1/foods/list)"),
    (["--attempt-deadline", "1.5"], "error: FDC did not finish answering /v1/foods/list "
                                    "within 1.5 s (2 attempts)"),
])
@pytest.mark.parametrize("mode", ["close", "fields"])
def test_both_deadlines_stop_a_read_under_way_however_the_answer_ends(
        tmp_path: Path, mode: str, args: list[str], message: str) -> None:
    # "close": an HTTP/1.0 body read to the end of the connection (the connection hands
    # its socket to the response and closes: the clock used to stop with it, and a drip
    # held the run for minutes); "fields": header fields that never end (the deadline's
    # shut socket ended them, and an empty body was read as FDC's answer)
    dripper = Dripper(mode=mode, interval=0.5)
    try:
        result = subprocess.run(
            [sys.executable, str(SCRIPT), "--out", str(tmp_path / "out"), "--base-url",
             f"http://127.0.0.1:{dripper.port}", "--timeout", "3", "--max-retries", "1",
             "--backoff", "0.01", *args],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "FDC_API_KEY": KEY})
    finally:
        dripper.stop()
    assert result.returncode == 1
    # the error is the last line; before it, a retry said where the deadline cut an
    # attempt off in its body (on a busy machine the cut may come there, not in the
    # header fields, and that retry is said)
    *before, last = result.stderr.splitlines()
    assert last.startswith(message) and result.stderr.endswith("\n"), result.stderr
    assert all(line.startswith("FDC: ") and "; retry " in line for line in before), \
        result.stderr
    assert not (tmp_path / "out").exists()


def test_credentials_in_the_base_url_are_masked_wherever_they_are_shown(
        httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path) -> None:
    secret = "hunter2-PASSWORD"
    # unreachable: the retries it says while it waits and the error name the URL
    result = planner_fetch("--out", str(tmp_path / "o"), "--base-url",
                           f"http://user:{secret}@127.0.0.1:9/fdc", "--max-retries", "3",
                           "--backoff", "1", "--timeout", "1")
    assert result.returncode == 1
    assert secret not in result.stderr and "retry 3 of 3" in result.stderr
    assert result.stderr.endswith("error: cannot reach FDC at http://***@127.0.0.1:9/fdc "
                                  "(Connection refused)\n")
    # a URL that is no URL at all: refused before a request, masked all the same
    for bad in (f"user:{secret}@host", f"ftp://user:{secret}@host/",
                f"http://user:{secret} x@[::1", f"http://user:{secret}@host:99999/"):
        with pytest.raises(FetchError) as info:
            fetch_food_data(options(httpserver, tmp_path / "o", base_url=bad))
        assert secret not in str(info.value) and "***@" in str(info.value)
        assert str(info.value).endswith("not an http:// or https:// URL with a host "
                                        "(e.g. https://api.nal.usda.gov/fdc)")
    # a refresh that works: the summary, the data folder and urllib3's log hold no secret
    base = httpserver.url_for("/").rstrip("/").replace("http://", f"http://u:{secret}@")
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))
    handler = Keep()
    logger = logging.getLogger("urllib3")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    said: list[str] = []
    fdc.faults.append(("/v1/foods", lambda r: Response("down", status=503)))  # a retry
    try:
        summary = fetch_food_data(options(httpserver, tmp_path / "out", base_url=base),
                                  None, said.append)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    assert summary.total == 9 and records
    written = b"".join(p.read_bytes() for p in (tmp_path / "out").iterdir())
    assert any("retry 1 of 3" in line for line in said)
    shown = (format_summary(summary) + load_foods(tmp_path / "out").origin + "".join(records)
             + "".join(said))
    assert secret.encode() not in gzip_text(written) and secret not in shown


def gzip_text(data: bytes) -> bytes:
    """``data`` with every gzip member in it unpacked (the tables are .csv.gz)."""
    import gzip
    import zlib

    out = data
    for start in [m.start() for m in re.finditer(b"\x1f\x8b", data)]:
        with contextlib.suppress(OSError, EOFError, zlib.error):
            out += gzip.decompress(data[start:])
    return out


def test_a_short_api_key_takes_no_letters_out_of_a_message() -> None:
    assert redact("FDC broke off its answer", "k") == "FDC broke off its answer"
    assert redact("key k?api_key=k", "k") == "key ***?api_key=***"


@pytest.mark.parametrize("where", ["same", "inside"])
def test_a_cache_in_the_output_folder_is_refused_and_nothing_is_left(
        httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path, where: str) -> None:
    out = tmp_path / "fdc-data"
    cache = out if where == "same" else out / "cache"
    with pytest.raises(FetchError, match=r"^--cache .* is (--out|inside --out) .*; a "
                                         r"refresh replaces --out whole: choose a cache "
                                         r"folder outside it \(nothing changed\)$"):
        fetch_food_data(options(httpserver, out, cache=cache))
    assert not out.exists() and fdc.log == []
    assert not any(n.startswith(".fdc-data") for n in os.listdir(tmp_path))  # no .old-PID


def test_an_empty_cache_folder_the_user_made_is_kept(httpserver: HTTPServer, fdc: FakeFDC,
                                                     tmp_path: Path) -> None:
    mine = tmp_path / "my-cache"
    mine.mkdir()
    fetch_food_data(options(httpserver, tmp_path / "out", cache=mine))
    assert mine.is_dir() and list(mine.iterdir()) == []  # emptied, not removed
    made = tmp_path / "new-cache"  # one the refresh made goes
    fetch_food_data(options(httpserver, tmp_path / "out2", cache=made))
    assert not made.exists()


def test_a_list_page_longer_than_asked_is_refused_before_it_is_cached(
        httpserver: HTTPServer, fdc: FakeFDC, tmp_path: Path, user_cache: Path) -> None:
    # a server sending 200,000 entries on every page paged on forever (1.4 GB of cache
    # in ten minutes)
    many = json.dumps([{"fdcId": 100 + i} for i in range(50)])
    fdc.faults.append(("/v1/foods/list", lambda r: Response(
        many, content_type="application/json")))
    with pytest.raises(FetchError, match=r"^FDC list page 1 for Foundation has 50 foods, more "
                                         r"than the 3 asked for; not FDC's answer, nothing "
                                         r"written$"):
        fetch_food_data(options(httpserver, tmp_path / "out"))
    assert not list(user_cache.rglob("*.json"))


def test_a_list_that_never_ends_is_stopped(httpserver: HTTPServer, fdc: FakeFDC,
                                           tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.food.fetch as fetch

    monkeypatch.setattr(fetch, "MAX_LISTED", 9)
    full = json.dumps([{"fdcId": 100 + i, "dataType": "Foundation"} for i in range(3)])
    for _ in range(5):
        fdc.faults.append(("/v1/foods/list", lambda r: Response(
            full, content_type="application/json")))
    with pytest.raises(FetchError, match=r"FDC kept listing Foundation foods past 9 \(it "
                                         r"holds about 8,000\); stopped, nothing written"):
        fetch_food_data(options(httpserver, tmp_path / "out"))
    assert len(fdc.requests_to("/v1/foods/list")) == 3
    assert not (tmp_path / "out").exists()


def test_an_answer_broken_off_once_says_one_time(httpserver: HTTPServer, fdc: FakeFDC,
                                                 tmp_path: Path) -> None:
    def short(request: Request) -> Response:
        response = Response("[1, 2, 3]", content_type="application/json")
        response.headers["Content-Length"] = "50"  # promises more than it sends
        return response
    fdc.faults.append(("/v1/foods/list", short))
    fdc.linger = 1.0
    with pytest.raises(FetchError, match=r"FDC broke off its answer to /v1/foods/list "
                                         r"\(.*\) 1 time$"):
        fetch_food_data(options(httpserver, tmp_path / "out", max_retries=0, timeout=1.0))
