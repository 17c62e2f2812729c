"""scripts/build_dataset.py: SR28 ASCII -> canonical tables, byte-identical on every run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from planner.food.data import load_foods

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "build_dataset.py"


def build(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), str(source), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)


def test_two_builds_are_byte_identical_and_load(data_dir: Path, tmp_path: Path) -> None:
    first, second = build(data_dir / "sr28_tiny", tmp_path / "a"), \
        build(data_dir / "sr28_tiny", tmp_path / "b")
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    assert "foods.csv.gz: 4 rows, sha256 " in first.stdout
    for name in ("foods.csv.gz", "portions.csv.gz", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert load_foods(tmp_path / "a").foods.loc["11457", "calcium_mg"] == 99.0


def test_missing_sr28_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = build(tmp_path, tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "FOOD_DES.txt: SR28 file not found" in \
        result.stderr
    assert result.stderr.count("\n") == 1
