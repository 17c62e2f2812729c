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
