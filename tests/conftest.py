"""Shared fixtures: the bundled table is loaded once per session (it is read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.data import FoodTable, load_foods

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bundled() -> FoodTable:
    return load_foods()


@pytest.fixture()
def data_dir() -> Path:
    return DATA
