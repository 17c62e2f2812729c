"""Shared fixtures: the bundled table and catalogue are loaded once per session (both are
read-only), and a plan is planned once per test run however many tests read it."""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import settings

from planner.errors import PlannerError
from planner.food.catalogue import Catalogue, load_catalogue
from planner.food.data import FoodTable, load_foods

# CI runs a fixed set of examples (no flaky reruns); `pytest --hypothesis-profile=explore`
# searches new ones.
settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=200)
settings.load_profile("default")

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bundled() -> FoodTable:
    return load_foods()


@pytest.fixture(scope="session")
def catalogue(bundled: FoodTable) -> Catalogue:
    return load_catalogue(bundled)


@pytest.fixture()
def data_dir() -> Path:
    return DATA


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own user data and cache folders (the food log and the fetch
    cache live there), so no test reads or leaves a log in the real home. A test that
    sets its own keeps them."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))


# ------------------------------------------------------------------ plans planned once

def _fingerprint(frame: pd.DataFrame, cache: dict[int, tuple[Any, bytes]]) -> bytes:
    """A digest of a frame's content (index, columns, values), cached per live object."""
    hit = cache.get(id(frame))
    if hit is not None and hit[0]() is frame:
        return hit[1]
    digest = hashlib.sha256(pickle.dumps(frame, protocol=5)).digest()
    cache[id(frame)] = (weakref.ref(frame), digest)
    return digest


@pytest.fixture(scope="session", autouse=True)
def shared_plans() -> Iterator[dict[bytes, Any]]:
    """A plan that several tests read is planned once per test run: ``plan_week`` is
    memoised by everything it reads (the food table's and catalogue's content, targets,
    options, rules, what is kept or eaten, the meals to plan). A plan is an immutable
    record, so every test reads the same one; a request that raises raises the same
    error again; ``progress`` is told of every day as a plan would. A test that replaces
    a part of the planner (monkeypatching its scheduling or solver) always plans afresh,
    and so does every call when PLANNER_TEST_FRESH is set."""
    from planner.planning import batch, dive, household, plan, replan  # noqa: F401 (loaded: patched below)

    original = plan.plan_week
    parts = {name: getattr(plan, name) for name in ("_plan_days", "_day_problem",
                                                    "solve_day", "_prepare")}
    parts_dive = dive.solve_day
    memo: dict[bytes, Any] = {}
    frames: dict[int, tuple[Any, bytes]] = {}

    def patched() -> bool:
        return any(getattr(plan, n) is not f for n, f in parts.items()) or \
            dive.solve_day is not parts_dive

    def plan_week(table: Any, catalogue: Any, targets: Any, options: Any = None,
                  rules: Any = None, **kwargs: Any) -> Any:
        progress = kwargs.pop("progress", None)
        replanning = kwargs.pop("replanning", None)
        given = () if options is None else (options,)  # the default options otherwise
        if os.environ.get("PLANNER_TEST_FRESH") or patched():
            return original(table, catalogue, targets, *given, rules=rules,
                            progress=progress, replanning=replanning, **kwargs)
        key = pickle.dumps((_fingerprint(table.foods, frames), table.origin,
                            _fingerprint(catalogue.entries, frames), catalogue.generic,
                            catalogue.missing, targets, options, rules,
                            sorted(kwargs.items())), protocol=5)
        if key not in memo:
            try:
                memo[key] = ("plan", original(table, catalogue, targets, *given,
                                              rules=rules, progress=progress,
                                              replanning=replanning, **kwargs))
            except PlannerError as exc:
                memo[key] = ("error", exc)
            kind, value = memo[key]
        else:
            kind, value = memo[key]
            if progress is not None and kind == "plan":
                for day in range(1, len(value.days) + 1):
                    progress(day, len(value.days))
        if kind == "error":
            raise value
        return value

    # every module holding the function, the test modules too: a test module that
    # imported plan_week by name at collection holds the original
    modules = [m for m in list(sys.modules.values())
               if m is not None and vars(m).get("plan_week") is original]
    for module in modules:
        module.plan_week = plan_week  # type: ignore[attr-defined]
    yield memo
    for module in modules:
        module.plan_week = original  # type: ignore[attr-defined]
