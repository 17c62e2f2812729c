"""The HTML report rendered by a real browser: headless Chromium (Debian package chromium).

Skipped, with the reason, when Chromium is not installed; .ci/run installs it.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from planner.food.catalogue import load_catalogue
from planner.food.data import FoodTable
from planner.food.nutrients import KEY_NUTRIENTS
from planner.output.report import (
    CHART_CAP,
    coverage_chart_svg,
    food_group_chart_svg,
    format_week,
    household,
)
from planner.person.profile import make_profile
from planner.person.targets import compute_targets
from planner.planning.plan import plan_week
from planner.planning.records import PlanOptions, WeekPlan
from planner.planning.summary import group_rows, week_average

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
    assert "Coverage of the key nutrients" in dom  # the chart's title, as text
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


# ------------------------------------------------------------------ a week to put on the fridge

@pytest.fixture(scope="module")
def week7(bundled: FoodTable) -> WeekPlan:
    return plan_week(bundled, load_catalogue(bundled),
                     compute_targets(make_profile("female", 35)), PlanOptions(days=7))


def flat(text: str) -> str:
    """PDF text with ligatures undone and whitespace collapsed, for comparing."""
    return " ".join(text.replace("\ufb01", "fi").replace("\ufb02", "fl").split())


def test_bars_past_the_axis_are_labelled_with_their_value(week7: WeekPlan) -> None:
    svg = coverage_chart_svg(week7)
    values = []
    for n in KEY_NUTRIENTS:
        target = week7.applied[n].min
        assert target
        values += [100 * d.totals[n] / target for d in week7.days]
        values.append(100 * week_average(week7, n) / target)
    over = [v for v in values if v > CHART_CAP]
    assert over, "the default week's B12 runs past the axis: the test needs such a bar"
    for v in over:
        assert f"{v:,.0f} %" in svg
    rows = group_rows(week7)
    group_svg = food_group_chart_svg(rows)
    group_over = [100 * r.plan / r.pattern for r in rows if r.pattern and
                  100 * r.plan / r.pattern > CHART_CAP]
    for v in group_over:
        assert f"{v:,.0f} %" in group_svg
    # a value under the axis end is not labelled: the bar shows it
    under = min(values)
    assert under < CHART_CAP and f"{under:,.0f} %" not in svg.replace(
        f"{CHART_CAP:,.0f} %", "")


def test_stored_nutrients_are_drawn_against_the_week_average(week7: WeekPlan) -> None:
    svg = coverage_chart_svg(week7)
    assert "Week avg" in svg
    for name in ("Vitamin D", "Vitamin B12"):
        assert f"{name} (light daily bars; judged on the week&#39;s average)" in svg or \
            f"{name} (light daily bars; judged on the week's average)" in svg
    assert "Magnesium (light" not in svg  # judged day by day
    page = format_week(week7, "html")
    b12 = 100 * week_average(week7, "vitamin_b12_ug") / (week7.applied["vitamin_b12_ug"].min
                                                         or 1)
    assert f"Vitamin B12 {b12:,.0f} %" in page  # the note under the chart gives the average


def test_the_grid_names_each_meals_dish_when_it_has_one(week7: WeekPlan) -> None:
    day1 = week7.days[0]
    named = replace(day1, meals=tuple(replace(m, dish="Salmon with brown rice")
                                      if m.slot == "dinner" else m for m in day1.meals))
    page = format_week(replace(week7, days=(named, *week7.days[1:])), "html")
    grid = page[page.index('<table class="grid">'):page.index("</table>")]
    assert grid.count('<span class="dish">Salmon with brown rice</span>') == 1
    dinner = next(m for m in day1.meals if m.slot == "dinner")
    assert all(html.escape(i.text or i.name) in grid for i in dinner.items)
    assert grid.count("<tr><th>Day ") == 7
    unnamed = replace(week7, days=tuple(replace(d, meals=tuple(replace(m, dish="")
                                                               for m in d.meals))
                                        for d in week7.days))
    assert "<span class=\"dish\">" not in format_week(unnamed, "html")  # no dish, no name


def test_printed_week_grid_on_one_page_days_whole_shopping_list_alone(
        week7: WeekPlan, tmp_path: Path) -> None:
    from pypdf import PdfReader

    page = tmp_path / "week.html"
    page.write_text(format_week(week7, "html"), encoding="utf-8")
    pdf = tmp_path / "week.pdf"
    result = chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                      page.as_uri())
    assert result.returncode == 0 and pdf.exists(), result.stderr[-500:]
    pages = [flat(p.extract_text()) for p in PdfReader(pdf).pages]
    assert 4 <= len(pages) <= 11, len(pages)  # grid, days, notes, the list
    # page 1: the title and the whole week grid, nothing else
    first = pages[0]
    assert first.startswith("Meal plan for a 35-year-old female, omnivore: 7 days")
    assert all(f"Day {d}" in first for d in range(1, 8)) and "in detail" not in first
    last_item = week7.days[-1].meals[-1].items[-1]
    assert flat(last_item.text or last_item.name) in first
    assert "Daily targets" in pages[1]
    # no day split: each day's heading, last food and coverage line on one page
    for d in week7.days:
        where = [i for i, text in enumerate(pages) if f"Day {d.day} in detail" in text]
        assert len(where) == 1
        text = pages[where[0]]
        energy = f"energy {d.totals['energy_kcal']:,.0f} kcal"
        assert energy in text, (d.day, where)
        assert flat(household(d.meals[-1].items[-1])) in text
    # the shopping list starts a page and ends on it
    shop = [i for i, text in enumerate(pages) if text.startswith("Shopping list")]
    assert len(shop) == 1
    for line in week7.shopping_list:
        assert flat(line.buy) in pages[shop[0]], line.buy


def test_printed_week_screenshot_shows_the_grid(week7: WeekPlan, tmp_path: Path) -> None:
    from matplotlib import image

    page = tmp_path / "week.html"
    page.write_text(format_week(week7, "html"), encoding="utf-8")
    shot = tmp_path / "grid.png"
    result = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,900",
                      page.as_uri())
    assert result.returncode == 0 and shot.exists(), result.stderr[-500:]
    pixels = image.imread(shot)[:, :, :3]
    # the grid's header row (#eef2f6) spans most of the page width near the top
    header = np.all(np.abs(pixels - np.array([0xEE, 0xF2, 0xF6]) / 255) < 0.01, axis=2)
    rows = np.where(header.sum(axis=1) > 0.6 * pixels.shape[1])[0]
    assert rows.size and rows.min() < 200


def test_a_long_plan_prints_one_grid_page_per_week(week7: WeekPlan) -> None:
    from planner.output.report import GRID_DAYS, week_grid

    days = tuple(replace(d, day=d.day + 7 * k) for k in range(2) for d in week7.days)[:10]
    blocks = week_grid(replace(week7, days=days))
    assert [b["heading"] for b in blocks] == ["Days 1-7: meals", "Days 8-10: meals"]
    assert [len(b["rows"]) for b in blocks] == [GRID_DAYS, 3]
    assert blocks[0]["slots"] == ["breakfast", "lunch", "dinner", "snack"]
    first = blocks[0]["rows"][0]["cells"][0]
    assert first["foods"] == [i.text or i.name for i in week7.days[0].meals[0].items]
