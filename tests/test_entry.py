"""Start-up: the commands that plan nothing load no table library or solver."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "numpy", "pyarrow", "pulp", "highspy")


def _imported(args: list[str], tmp_path: Path) -> set[str]:
    """Top-level modules a ``planner`` process imports (``python -X importtime``)."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "planner", *args],
                         capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                              "XDG_CONFIG_HOME": str(tmp_path / "config"),
                              "XDG_DATA_HOME": str(tmp_path / "data"),
                              "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert run.returncode == 0, run.stderr[-2000:]
    return {m.group(1).split(".")[0] for line in run.stderr.splitlines()
            if (m := re.match(r"import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", line))}


@pytest.mark.parametrize("args", [
    ["--version"], ["--help"], ["week", "--help"], ["batch", "--help"],
    ["targets", "--sex", "female", "--age", "35"],
    ["targets", "--sex", "male", "--age", "70", "--format", "json"],
    ["log", "path"], ["log", "show", "--format", "json"], ["profile", "show"],
])
def test_commands_that_plan_nothing_load_no_table_library_or_solver(
        args: list[str], tmp_path: Path) -> None:
    loaded = _imported(args, tmp_path)
    assert "planner" in loaded  # the measurement itself works
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_a_plan_loads_them(tmp_path: Path) -> None:
    loaded = _imported(["week", "--sex", "female", "--age", "35", "--days", "1"], tmp_path)
    assert {"pandas", "numpy", "pulp", "highspy"} <= loaded
