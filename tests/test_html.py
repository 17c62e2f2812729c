"""The HTML report rendered by a real browser: headless Chromium (Debian package chromium).

Skipped, with the reason, when Chromium is not installed; .ci/run installs it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from planner.food.catalogue import load_catalogue
from planner.food.data import FoodTable
from planner.output.report import format_week
from planner.person.profile import make_profile
from planner.person.targets import compute_targets
from planner.planning.plan import PlanOptions, plan_week

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or \
    shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed "
                                "(Debian package 'chromium'); .ci/run installs it")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-quic", "--hide-scrollbars"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                           *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def page(bundled: FoodTable, tmp_path_factory: pytest.TempPathFactory) -> Path:
    week = plan_week(bundled, load_catalogue(bundled),
                     compute_targets(make_profile("female", 35)), PlanOptions(days=3))
    path = tmp_path_factory.mktemp("html") / "week.html"
    path.write_text(format_week(week, "html"), encoding="utf-8")
    return path


def test_page_renders_with_meals_and_chart(page: Path, tmp_path: Path) -> None:
    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-500:]
    dom = result.stdout
    assert "<h1>Meal plan for a 35-year-old female, omnivore: 3 days</h1>" in dom
    assert dom.count('class="day"') == 3
    assert 'id="coverage-chart"' in dom and "<svg" in dom
    assert "Daily coverage of the key nutrients" in dom  # the chart's title, as text
    assert "Shopping list" in dom


def test_chart_is_drawn(page: Path, tmp_path: Path) -> None:
    from matplotlib import image

    shot = tmp_path / "shot.png"
    result = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1100,900",
                      page.as_uri())
    assert result.returncode == 0 and shot.exists(), result.stderr[-500:]
    pixels = image.imread(shot)[:, :, :3]
    # matplotlib's first bar colour (#1f77b4) must be painted somewhere on the page
    blue = np.all(np.abs(pixels - np.array([0x1F, 0x77, 0xB4]) / 255) < 0.02, axis=2)
    assert blue.sum() > 200
