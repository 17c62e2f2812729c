"""The HTML report rendered by a real browser: headless Chromium (Debian package chromium).

One week is planned for the whole module and rendered once per case. The browser lays the
page out at a phone's width (390 px) and a desktop's (1280 px), and a script measures it:
no text outside its cell, no word broken across lines, no horizontal scroll, every chart
label inside its chart. The full-page screenshots (``week-390px.png``,
``week-1280px.png``) and the printed PDFs are kept in ``artifacts/html/`` in the checkout.

Skipped, with the reason, when Chromium is not installed; .ci/run installs it.
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import html
import json
import os
import re
import select
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from planner.food.catalogue import Catalogue
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
START = dt.date(2026, 12, 7)  # a Monday
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                           *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def week7(bundled: FoodTable, catalogue: Catalogue) -> WeekPlan:
    return plan_week(bundled, catalogue, compute_targets(make_profile("female", 35)),
                     PlanOptions(days=7))


@pytest.fixture(scope="module")
def artifacts() -> Path:
    """Where the screenshots and printed PDFs go: ``artifacts/html`` in the checkout (git
    ignores it; pytest's own temporary folders are pruned after three runs)."""
    folder = Path(__file__).resolve().parents[1] / "artifacts" / "html"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def page(week7: WeekPlan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The week's HTML report, its days named from Monday 7 December 2026."""
    path = tmp_path_factory.mktemp("html") / "week.html"
    path.write_text(format_week(week7, "html", start=START), encoding="utf-8")
    return path


def flat(text: str) -> str:
    """PDF or DOM text with ligatures undone and whitespace collapsed, for comparing; a
    line broken after a hyphen ("dry-" / "roasted") is joined again."""
    joined = " ".join(text.replace("\ufb01", "fi").replace("\ufb02", "fl").split())
    return re.sub(r"(?<=[a-z])- (?=[a-z])", "-", joined)


# ------------------------------------------------------------------ measured in the browser

class DevTools:
    """Headless Chromium driven over the DevTools protocol on a pipe (messages of JSON,
    each ended by a NUL byte, on file descriptors 3 and 4): the window can be any width
    (``--window-size`` stops at 500 px), the page is measured by a script, and a
    screenshot can hold the whole page."""

    def __init__(self, profile: Path) -> None:
        assert CHROMIUM is not None
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()
        # a small Python gives the browser its two pipes as descriptors 3 and 4, from
        # above 9 so that setting one cannot close the other
        to_browser, from_browser = (_above_9(to_browser), _above_9(from_browser))
        self._process = subprocess.Popen(
            [sys.executable, "-c", "import os, sys; os.dup2(int(sys.argv[1]), 3); "
             "os.dup2(int(sys.argv[2]), 4); os.execv(sys.argv[3], sys.argv[3:])",
             str(to_browser), str(from_browser), CHROMIUM, *FLAGS, "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(to_browser, from_browser), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._sent = 0
        self._events: list[dict[str, Any]] = []
        target = next(t for t in self.send("Target.getTargets")["targetInfos"]
                      if t["type"] == "page")
        self._session = self.send("Target.attachToTarget", {"targetId": target["targetId"],
                                                            "flatten": True})["sessionId"]

    def send(self, method: str, params: dict[str, Any] | None = None, *,
             browser: bool = False) -> dict[str, Any]:
        """Run one command (on the page unless ``browser``) and return its result."""
        self._sent += 1
        message: dict[str, Any] = {"id": self._sent, "method": method, "params": params or {}}
        if hasattr(self, "_session") and not browser:
            message["sessionId"] = self._session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._next()
            if reply.get("id") == self._sent:
                assert "error" not in reply, (method, reply["error"])
                return dict(reply["result"])
            self._events.append(reply)

    def _next(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._read], [], [], 120)  # a hang fails, not waits
            assert ready, "Chromium stopped answering"
            chunk = os.read(self._read, 1 << 20)
            assert chunk, "Chromium closed its pipe"
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return dict(json.loads(raw))

    def open(self, url: str, width: int, height: int = 844) -> None:
        """Load ``url`` in a window ``width`` by ``height`` CSS pixels (a phone's below
        600: mobile, with its viewport meta tag honoured) and wait for it to load."""
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})
        while not any(e.get("method") == "Page.loadEventFired" for e in self._events):
            self._events.append(self._next())

    def evaluate(self, script: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": script, "returnByValue": True})
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"]["value"]

    def screenshot(self, path: Path) -> None:
        """The whole page, top to bottom, as a PNG."""
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        shot = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                     "scale": 1}})
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        self.send("Browser.close", browser=True)
        self._process.wait(timeout=60)
        os.close(self._read)
        os.close(self._write)


def _above_9(fd: int) -> int:
    """``fd`` moved to a descriptor number above 9."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


# What a reader would find wrong, measured after layout; returned as an object.
MEASURE = r"""
(() => {
  const root = document.documentElement, width = root.clientWidth;
  const shown = el => el.getClientRects().length > 0 &&
                      getComputedStyle(el).visibility !== "hidden";
  const name = el => el.tagName.toLowerCase() + (el.classList.length ? "." +
                     [...el.classList].join(".") : "") + " " +
                     (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50);
  const out = {width, scrollWidth: root.scrollWidth, overflowing: [], outside: [],
               escaping: [], broken: [], cut: [], charts: []};
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg") || !shown(el)) continue;
    // a box whose content is wider than the box: a word running into the next cell
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      out.overflowing.push(name(el) + ` (${el.scrollWidth} > ${el.clientWidth})`);
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.right > width + 0.5)
      out.outside.push(name(el) + ` (${Math.round(r.left)}..${Math.round(r.right)})`);
  }
  // every piece of text inside the cell, item or paragraph that holds it, and no word
  // broken across two lines (a break at a hyphen or slash is a break between words)
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const holder = node.parentElement.closest("th, td, li, p, h1, h2, label");
    if (!node.textContent.trim() || !holder || holder.closest("svg") || !shown(holder))
      continue;
    const box = holder.getBoundingClientRect();
    range.selectNodeContents(node);
    for (const r of range.getClientRects())
      if (r.width && (r.left < box.left - 0.5 || r.right > box.right + 0.5))
        out.escaping.push(name(holder) + ": " + node.textContent.trim().slice(0, 40));
    for (const word of node.textContent.matchAll(/[^\s\-\/]+/g)) {
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                            .map(r => Math.round(r.top)));
      if (lines.size > 1) out.broken.push(name(holder) + ": " + word[0]);
    }
  }
  // every label of a shown chart inside the chart
  for (const svg of document.querySelectorAll("figure svg")) {
    if (!shown(svg)) continue;
    const frame = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll("text")) {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < frame.left - 1 || r.right > frame.right + 1 ||
                      r.top < frame.top - 1 || r.bottom > frame.bottom + 1))
        out.cut.push(svg.getAttribute("class") + ": " + t.textContent.slice(0, 60));
    }
    out.charts.push({chart: svg.getAttribute("class"), label: svg.getAttribute("aria-label"),
                     width: frame.width});
  }
  out.rows = [...document.querySelectorAll("table.grid tbody tr")].map(tr => {
    const r = tr.getBoundingClientRect();
    return {display: getComputedStyle(tr).display, top: r.top, width: r.width,
            cells: [...tr.children].filter(shown)
                   .map(c => Math.round(c.getBoundingClientRect().top))};
  });
  out.ticks = [...document.querySelectorAll("table.shopping input[type=checkbox]")]
    .filter(shown).map(b => b.getBoundingClientRect().width);
  return out;
})()
"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_page_fits_a_phone_and_a_desktop(page: Path, week7: WeekPlan, width: int,
                                             tmp_path: Path, artifacts: Path) -> None:
    from matplotlib import image

    browser = DevTools(tmp_path / "profile")
    try:
        browser.open(page.as_uri(), width)
        seen = browser.evaluate(MEASURE)
        shot = artifacts / f"week-{width}px.png"
        browser.screenshot(shot)  # the whole page as a reader sees it, kept
    finally:
        browser.close()
    assert seen["width"] == width  # the window is the width the test means
    assert seen["scrollWidth"] <= width, "the page scrolls sideways"
    assert seen["overflowing"] == [] and seen["outside"] == [] and seen["escaping"] == []
    assert seen["broken"] == [], "words broken across lines"
    assert seen["cut"] == [], "chart labels cut at the chart's edge"
    rows = seen["rows"]
    assert len(rows) == 7
    if width == 390:  # one card a day, one under the other, each the screen's width
        assert all(r["display"] == "block" for r in rows)
        assert all(r["width"] > 0.85 * width for r in rows)
        assert [r["top"] for r in rows] == sorted(r["top"] for r in rows)
        assert all(len(set(r["cells"])) == len(r["cells"]) == 5 for r in rows)  # stacked
    else:  # the grid: a day's meals side by side in one row
        assert all(r["display"] == "table-row" for r in rows)
        assert all(len(set(r["cells"])) == 1 and len(r["cells"]) == 5 for r in rows)
    charts = {c["chart"] for c in seen["charts"]}
    assert charts == ({"chart-coverage-narrow", "chart-groups-narrow"} if width == 390 else
                      {"chart-coverage", "chart-groups"})
    assert all(c["label"].startswith("Bar chart of ") for c in seen["charts"])
    assert all(c["width"] >= (300 if width == 390 else 700) for c in seen["charts"])
    assert len(seen["ticks"]) == len(week7.shopping_list)
    assert all(w >= (18 if width == 390 else 10) for w in seen["ticks"])  # boxes to tick

    pixels = image.imread(shot)[:, :, :3]
    assert pixels.shape[1] == width and pixels.shape[0] > 2000
    # the coverage chart is drawn: matplotlib's first bar colour (#1f77b4) is painted
    blue = np.all(np.abs(pixels - np.array([0x1F, 0x77, 0xB4]) / 255) < 0.02, axis=2)
    assert blue.sum() > 200


def test_the_gap_report_fits_a_phone(bundled: FoodTable, catalogue: Catalogue,
                                     tmp_path: Path) -> None:
    from planner.log.foodlog import Entry
    from planner.log.gaps import gap_report
    from planner.output.report import format_gaps

    monday = dt.date(2026, 11, 23)
    entries = [Entry(1, monday, None, "11458", "spinach", 300.0, "", "", ""),
               Entry(2, monday + dt.timedelta(days=2), None, "09040", "banana", 118.0, "", "",
                     "")]
    report = gap_report(entries, monday, monday + dt.timedelta(days=2),
                        compute_targets(make_profile("female", 35)), bundled, catalogue,
                        today=dt.date(2030, 1, 1))
    page = tmp_path / "gaps.html"
    page.write_text(format_gaps(report, "html"), encoding="utf-8")
    browser = DevTools(tmp_path / "profile")
    try:
        browser.open(page.as_uri(), 390)
        seen = browser.evaluate(MEASURE)
    finally:
        browser.close()
    assert seen["width"] == 390 and seen["scrollWidth"] <= 390
    assert seen["overflowing"] == seen["outside"] == seen["escaping"] == []
    assert seen["broken"] == [] and seen["cut"] == []
    assert [c["chart"] for c in seen["charts"]] == ["chart-gaps-narrow"]
    label = seen["charts"][0]["label"]
    calcium = report.line("calcium_mg")
    assert label.startswith("Bar chart of what you ate of each key nutrient")
    assert f"Calcium {calcium.percent:,.0f} %, short on 2 of 2 days" in label


def test_page_renders_with_meals_and_charts(page: Path, week7: WeekPlan,
                                            tmp_path: Path) -> None:
    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-500:]
    dom = result.stdout
    assert ("<h1>Meal plan for a 35-year-old female, omnivore: 7 days from Monday 7 December "
            "2026</h1>") in dom
    assert dom.count('<section class="day">') == 7
    assert 'id="coverage-chart"' in dom and dom.count('<svg role="img"') == 4
    assert "Coverage of the key nutrients" in dom  # the chart's title, as text
    assert "Shopping list for Monday 7 to Sunday 13 December" in dom
    ids = re.findall(r'\bid="([^"]+)"', dom)
    assert len(ids) == len(set(ids)), "two charts share element ids"


def test_days_are_named_by_weekday_from_the_start_date(week7: WeekPlan) -> None:
    page = format_week(week7, "html", start=START)
    grid = page[page.index('<table class="grid dated">'):page.index("</table>")]
    heads = re.findall(r'<tr><th scope="row">(\w+) <span class="date">([^<]+)</span>', grid)
    assert heads == [(WEEKDAYS[k], f"{7 + k} December") for k in range(7)]
    assert "Monday 7 to Sunday 13 December: meals" in page
    assert "Sunday 13 December in detail" in page
    undated = format_week(week7, "html")
    grid = undated[undated.index('<table class="grid">'):undated.index("</table>")]
    assert re.findall(r'<tr><th scope="row">([^<]+)</th>', grid) == \
        [f"Day {d}" for d in range(1, 8)]
    assert "Days 1-7: meals" in undated and "Monday" not in undated


# ------------------------------------------------------------------ charts

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
    label = svg[svg.index(">") + 1:]  # past the alt text, which says every range in words
    assert under < CHART_CAP and f"{under:,.0f} %" not in label.replace(
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


def _alt(svg: str) -> str:
    found = re.match(r'<svg role="img" aria-label="([^"]*)"', svg)
    assert found, svg[:200]
    return html.unescape(found.group(1))


def test_the_coverage_chart_says_in_words_what_it_shows(week7: WeekPlan) -> None:
    alt = _alt(coverage_chart_svg(week7, START))
    assert alt.startswith("Bar chart of each key nutrient as a share of its daily target")
    assert "Monday 7 to Sunday 13 December" in alt
    for n, name in (("magnesium_mg", "Magnesium"), ("vitamin_d_ug", "Vitamin D"),
                    ("vitamin_b12_ug", "Vitamin B12")):
        target = week7.applied[n].min or 1.0
        daily = [round(100 * d.totals[n] / target) for d in week7.days]  # from the totals
        average = 100 * week_average(week7, n) / target
        assert f"{name} {min(daily):,}-{max(daily):,} %, {average:,.0f} % on average" in alt
    assert alt.count("judged on the average") == 2  # vitamin D and B12
    for n, name in (("magnesium_mg", "Magnesium"), ("calcium_mg", "Calcium"),
                    ("potassium_mg", "Potassium")):  # judged day by day
        said = alt[alt.index(name):].split(";")[0]
        short = [d for d in week7.days
                 if round(100 * d.totals[n] / (week7.applied[n].min or 1)) < 100]
        assert ("under the target on" in said) == bool(short), said
        assert ("at or above the target every day" in said) == (not short), said
    # a day under a daily target is named
    short = replace(week7.days[2], totals={**week7.days[2].totals,
                                            "calcium_mg": 0.5 * (week7.applied["calcium_mg"].min
                                                                 or 1)})
    week = replace(week7, days=(*week7.days[:2], short, *week7.days[3:]))
    assert "Calcium 50-" in _alt(coverage_chart_svg(week, START))
    assert "under the target on Wednesday 9 December" in _alt(coverage_chart_svg(week, START))
    assert "under the target on Day 3" in _alt(coverage_chart_svg(week))


def test_the_food_group_chart_says_in_words_what_it_shows(week7: WeekPlan) -> None:
    rows = group_rows(week7)
    alt = _alt(food_group_chart_svg(rows, narrow=True))
    assert alt == _alt(food_group_chart_svg(rows))
    for r in rows:
        if r.pattern:
            assert f"{r.label} {100 * r.plan / r.pattern:,.0f} %" in alt
    under = [r.label for r in rows if r.pattern and round(100 * r.plan / r.pattern) < 100]
    assert ("Under the pattern: " in alt) == bool(under)
    assert all(f"{label} (" in alt[alt.index("Under"):] for label in under) if under else \
        alt.endswith("Every group meets the pattern or more.")


# ------------------------------------------------------------------ a week to put on the fridge

def test_the_grid_names_each_meals_dish_when_it_has_one(week7: WeekPlan) -> None:
    day1 = week7.days[0]
    named = replace(day1, meals=tuple(replace(m, dish="Salmon with brown rice")
                                      if m.slot == "dinner" else m for m in day1.meals))
    page = format_week(replace(week7, days=(named, *week7.days[1:])), "html")
    grid = page[page.index('<table class="grid">'):page.index("</table>")]
    assert grid.count('<span class="dish">Salmon with brown rice</span>') == 1
    dinner = next(m for m in day1.meals if m.slot == "dinner")
    text = html.unescape(grid).replace("\u00a0", " ")
    assert all((i.text or i.name) in text for i in dinner.items)
    assert grid.count('<tr><th scope="row">Day ') == 7
    unnamed = replace(week7, days=tuple(replace(d, meals=tuple(replace(m, dish="")
                                                               for m in d.meals))
                                        for d in week7.days))
    assert "<span class=\"dish\">" not in format_week(unnamed, "html")  # no dish, no name


def crowded(week: WeekPlan) -> WeekPlan:
    """``week`` with every lunch and dinner dish's name said twice: a week of long names."""
    return replace(week, days=tuple(
        replace(d, meals=tuple(replace(m, dish=f"{m.dish} and {m.dish}")
                               if m.dish and m.slot in ("lunch", "dinner") else m
                               for m in d.meals)) for d in week.days))


def test_a_crowded_week_prints_its_grid_smaller(week7: WeekPlan) -> None:
    from planner.output.report import GRID_PRINT_SIZES, week_grid

    smaller = week_grid(crowded(week7))[0]["print_size"]
    assert smaller < GRID_PRINT_SIZES[0] and smaller <= week_grid(week7)[0]["print_size"]
    assert f'style="--print-size: {smaller}pt"' in format_week(crowded(week7), "html")
    one_day = replace(week7, days=week7.days[:1])
    assert week_grid(crowded(one_day))[0]["print_size"] == GRID_PRINT_SIZES[0]


@pytest.mark.parametrize("case", ["dated", "numbered", "crowded"])
def test_printed_week_grid_landscape_days_whole_shopping_list_alone(
        week7: WeekPlan, case: str, tmp_path: Path, artifacts: Path) -> None:
    from pypdf import PdfReader

    start = None if case == "numbered" else START
    page = tmp_path / "week.html"
    shown = crowded(week7) if case == "crowded" else week7
    page.write_text(format_week(shown, "html", start=start), encoding="utf-8")
    pdf = artifacts / f"week-print-{case}.pdf"
    result = chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                      page.as_uri())
    assert result.returncode == 0 and pdf.exists(), result.stderr[-500:]
    reader = PdfReader(pdf)
    pages = [flat(p.extract_text()) for p in reader.pages]
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    assert 4 <= len(pages) <= 14, len(pages)  # grid, targets, 7 days, notes, the list
    # page 1, landscape: the title and the whole week grid, nothing else
    assert sizes[0][0] > sizes[0][1] and all(w < h for w, h in sizes[1:]), sizes
    first = pages[0]
    assert first.startswith("Meal plan for a 35-year-old female, omnivore: 7 days")
    names = [f"{WEEKDAYS[k]} {7 + k} December" for k in range(7)] if start else \
        [f"Day {d}" for d in range(1, 8)]
    assert all(name in first for name in names) and "in detail" not in first
    last_item = week7.days[-1].meals[-1].items[-1]
    assert flat(last_item.text or last_item.name) in first
    assert "Daily targets" in pages[1]
    # no day split: each day's heading, last food and coverage line on one page
    for d, name in zip(week7.days, names, strict=True):
        where = [i for i, text in enumerate(pages) if f"{name} in detail" in text]
        assert len(where) == 1
        text = pages[where[0]]
        energy = f"energy {d.totals['energy_kcal']:,.0f} kcal"
        assert energy in text, (d.day, where)
        assert flat(household(d.meals[-1].items[-1])) in text
    # the shopping list is the last page, alone and whole
    shop = [i for i, text in enumerate(pages) if text.startswith("Shopping list")]
    assert shop == [len(pages) - 1]
    for line in week7.shopping_list:
        assert flat(line.buy) in pages[-1], line.buy
    assert "not medical advice" in pages[-2] and "not medical advice" not in pages[-1]


def test_a_long_plan_prints_one_grid_page_per_week(week7: WeekPlan) -> None:
    from planner.output.report import GRID_DAYS, week_grid

    days = tuple(replace(d, day=d.day + 7 * k) for k in range(2) for d in week7.days)[:10]
    blocks = week_grid(replace(week7, days=days))
    assert [b["heading"] for b in blocks] == ["Days 1-7: meals", "Days 8-10: meals"]
    assert [len(b["rows"]) for b in blocks] == [GRID_DAYS, 3]
    assert blocks[0]["slots"] == ["breakfast", "lunch", "dinner", "snack"]
    first = blocks[0]["rows"][0]["cells"][0]
    assert first["foods"] == [i.text or i.name for i in week7.days[0].meals[0].items]
    dated = week_grid(replace(week7, days=days), dt.date(2026, 12, 28))
    assert [b["heading"] for b in dated] == [
        "Monday 28 December 2026 to Sunday 3 January 2027: meals",
        "Monday 4 to Wednesday 6 January 2027: meals"]
    assert (dated[1]["rows"][0]["weekday"], dated[1]["rows"][0]["date"]) == \
        ("Monday", "4 January 2027")  # a year other than the start's is said
