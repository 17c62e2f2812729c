"""Shared fixtures: the bundled table and catalogue are loaded once per session (both are
read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

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
