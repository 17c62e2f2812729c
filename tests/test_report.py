"""Rendering: the food log's day totals (unknown energy is not zero); text that fits its
width, one pair of parentheses, a meal's dish, a one-day plan's food groups."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from planner.food.catalogue import Catalogue
from planner.food.data import FoodTable
from planner.log.foodlog import Entry
from planner.output.report import (
    coverage,
    day_name,
    format_log,
    format_week,
    household,
    pack,
    shell_lines,
    shown_group_rows,
    supplement_text,
    text_table,
    week_document,
    with_amount,
)
from planner.person.profile import make_profile, parse_override
from planner.person.targets import compute_targets
from planner.planning.plan import plan_week
from planner.planning.records import PlanOptions, WeekPlan
from planner.planning.summary import group_rows

DAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def one_day(bundled: FoodTable, catalogue: Catalogue) -> WeekPlan:
    """One day for a woman of 35, planned once for the module's tests that read it."""
    return plan_week(bundled, catalogue, compute_targets(make_profile("female", 35)),
                     PlanOptions(days=1))


def _entry(number: int, food_id: str, grams: float) -> Entry:
    return Entry(number, DAY, "lunch", food_id, food_id, grams, f"{grams:g} g", "", "")


def _table(energy: dict[str, float]) -> FoodTable:
    foods = pd.DataFrame({"energy_kcal": energy}, dtype=float)
    return FoodTable(foods=foods, portions=pd.DataFrame())


def test_a_day_with_an_unknown_energy_is_at_least_its_known_part() -> None:
    table = _table({"a": 200.0, "b": np.nan})  # kcal per 100 g; b not reported
    text = format_log([_entry(1, "a", 150), _entry(2, "b", 100)], table)
    assert "2026-11-27 (2 entries, at least 300 kcal)" in text  # 1.5 x 200, b unknown
    rows = {line.split()[0]: line.split()[-1] for line in text.splitlines()
            if line.startswith("#")}
    assert rows == {"#1": "kcal", "#2": "?"}
    assert "300 kcal" in next(line for line in text.splitlines() if line.startswith("#1"))
    known = format_log([_entry(1, "a", 150)], table)
    assert "2026-11-27 (1 entry, about 300 kcal)" in known


def test_a_food_missing_from_the_table_is_unknown_too() -> None:
    table = _table({"a": 200.0})
    text = format_log([_entry(1, "a", 50), _entry(2, "zz", 80)], table)
    assert "at least 100 kcal" in text



# ------------------------------------------------------------------ text that fits

def test_an_amount_gets_one_pair_of_parentheses() -> None:
    assert with_amount("1 cup soy milk (fortified)", "243 g") == \
        "1 cup soy milk, fortified (243 g)"
    assert with_amount("1 container (7 oz) low-fat Greek yogurt", "200 g") == \
        "1 container low-fat Greek yogurt (7 oz, 200 g)"
    assert with_amount("1 medium banana", "118 g") == "1 medium banana (118 g)"


def test_a_table_wraps_its_text_columns_within_the_width() -> None:
    rows = [["Magnesium", "320 mg", "UL 350 mg from supplements only, food is not capped"],
            ["Calcium", "1,000 mg", "UL 2,500 mg"]]
    wide = text_table(["nutrient", "min", "note"], rows, right=[False, True, False])
    assert max(len(line) for line in wide.splitlines()) > 40
    narrow = text_table(["nutrient", "min", "note"], rows, right=[False, True, False],
                        width=40)
    lines = narrow.splitlines()
    assert max(len(line) for line in lines) <= 40
    assert lines[2].startswith("Magnesium    320 mg  UL 350 mg from")  # numbers keep width
    assert "capped" in narrow and "food is not" in narrow  # wrapped, never cut
    assert all(not line.endswith(("UL", "350")) for line in lines)  # "350 mg" stays whole


def test_pack_breaks_between_items_and_keeps_the_separator() -> None:
    lines = pack(["1 medium pear (178 g)", "1½ cups 1% milk (366 g)", "2 cups Cheerios (56 g)"],
                 44, "  Breakfast  ", " " * 13)
    assert lines == ["  Breakfast  1 medium pear (178 g);",
                     "             1½ cups 1% milk (366 g);",
                     "             2 cups Cheerios (56 g)"]


def test_a_meal_that_is_a_dish_prints_its_name_then_its_foods(one_day: WeekPlan) -> None:
    week = one_day
    day = week.days[0]
    dinner = next(m for m in day.meals if m.slot == "dinner")
    named = replace(dinner, dish="Baked salmon with sweet potato and sauteed kale")
    dished = replace(week, days=[replace(day, meals=tuple(
        named if m is dinner else m for m in day.meals))])
    text = format_week(dished, width=80)
    lines = text.splitlines()
    at = lines.index("  Dinner     Baked salmon with sweet potato and sauteed kale")
    under = lines[at + 1]
    assert under.startswith(" " * 13) and household(dinner.items[0]) in under
    assert max(len(line) for line in lines) <= 80
    unnamed = replace(week, days=[replace(day, meals=tuple(
        replace(m, dish="") if m is dinner else m for m in day.meals))])
    plain_meal = format_week(unnamed, width=80)  # no dish: the foods on the slot's line
    assert f"  Dinner     {household(dinner.items[0])}" in plain_meal
    assert max(len(line) for line in format_week(week, width=160).splitlines()) > 80


def test_each_dish_meal_prints_its_method_within_the_width(one_day: WeekPlan) -> None:
    week = one_day
    text = format_week(week, width=80)
    lines = text.splitlines()
    methods = [i for i, line in enumerate(lines)
               if re.match(r" {13}Method( \(|:)", line)]
    dished = [m for m in week.days[0].meals if m.method is not None]
    assert len(methods) == len(dished) > 0
    assert max(len(line) for line in lines) <= 80
    assert "1. " in lines[methods[0]]  # numbered steps
    assert not re.search(r"(^|\s)\d+\.$", text, re.M)  # a step number never ends a line
    assert "USDA Food Safety and Inspection Service" in " ".join(text.split()) or \
        not any(m.method.safe for m in dished if m.method)
    assert "Method" not in format_week(week, width=80, method=False)
    markdown = format_week(week, "markdown")
    assert len(re.findall(r"\| Method( \(|:)", markdown)) == len(dished)
    assert "| Method" not in format_week(week, "markdown", method=False)
    html = format_week(week, "html")
    assert html.count('<details class="method">') == len(dished)


def test_a_one_day_plan_reports_one_days_food_groups(one_day: WeekPlan) -> None:
    week = one_day
    for fmt in ("table", "markdown"):
        text = format_week(week, fmt, width=200)
        groups = [line for line in text.splitlines() if "cup-eq" in line or "oz-eq" in line]
        assert not [line for line in groups if "a week" in line], fmt  # notes may say it
        assert "oz-eq a day" in text
    seafood = next(r for r in shown_group_rows(week) if r.group == "protein_seafood")
    weekly = next(r for r in group_rows(week) if r.group == "protein_seafood")
    assert seafood.per == "day" and abs(seafood.plan * 7 - weekly.plan) < 1e-9
    text = format_week(week, width=200)
    assert "%" in text and not re.search(r"\d%", text.replace("1% milk", ""))  # "151 %"


def test_a_limit_you_set_is_shown_against_each_day(bundled: FoodTable, catalogue: Catalogue,
                                                   one_day: WeekPlan) -> None:
    # a clinician's limits once showed as "K -" and phosphorus not at all
    targets = compute_targets(make_profile("female", 35),
                              [parse_override("phosphorus_mg.max=1600")])
    week = plan_week(bundled, catalogue, targets, PlanOptions(days=1))
    day = week.days[0]
    per_100g = bundled.foods.loc[[i.food_id for i in day.items], "phosphorus_mg"]
    recomputed = sum(i.grams / 100 * float(v) for i, v in zip(day.items, per_100g, strict=True)
                     if v == v)  # an unknown value adds nothing, as in the plan's totals
    assert recomputed <= 1600 + 1e-6
    shown = f"Phosphorus {recomputed:,.0f} of max 1,600 mg"
    assert shown in " ".join(format_week(week).split())
    assert f"Within your limits: {shown}" in format_week(week, "markdown")
    assert f"<th>Within your limits</th><td>{shown}</td>" in format_week(week, "html")
    assert "of max" not in format_week(one_day)  # no limit of yours, none shown


def test_seafood_is_reported_against_the_fish_advice_where_it_applies(
        bundled: FoodTable, catalogue: Catalogue) -> None:
    # a girl of 10 once read "6.0 / 8.0 oz" (the DGA pattern) beside a note on FDA/EPA
    for profile, advice in ((make_profile("female", 10), 2 * 3.0),
                            (make_profile("female", 29, "pregnancy"), 2 * 4.0),
                            (make_profile("female", 35), None)):
        week = plan_week(bundled, catalogue, compute_targets(profile), PlanOptions(days=1))
        seafood = next(r for r in group_rows(week) if r.group == "protein_seafood")
        dga = week.pattern.weekly("protein_seafood") if week.pattern else None
        assert seafood.pattern == (dga if advice is None else advice), profile
    # a vegetarian child's pattern has no seafood: nothing to compare it with
    vegetarian = plan_week(bundled, catalogue, compute_targets(make_profile("female", 10)),
                           PlanOptions(days=1, diet="vegetarian"))
    assert next(r for r in group_rows(vegetarian)
                if r.group == "protein_seafood").pattern in (None, 0)


def test_the_diet_quality_line_says_its_sodium_is_before_added_salt(one_day: WeekPlan) -> None:
    # a dietitian's read: "HEI 100 of 100" read as a promise, though the sodium note expects
    # the cook to salt the unsalted USDA foods
    for fmt in ("text", "markdown"):
        flat = " ".join(format_week(one_day, fmt).split())
        line = flat[flat.index("Healthy Eating Index (HEI-2020)"):]
        assert line.index("before salt added in cooking") < line.index("US average")


# ------------------------------------------------------------------ days named by date

def test_a_day_is_named_by_its_weekday_and_date_from_the_start() -> None:
    start = dt.date(2026, 12, 7)  # a Monday
    assert [day_name(d, start) for d in (1, 2, 7, 8)] == [
        "Monday 7 December", "Tuesday 8 December", "Sunday 13 December",
        "Monday 14 December"]
    assert day_name(1, start, year=True) == "Monday 7 December 2026"
    new_year = dt.date(2026, 12, 30)
    assert day_name(3, new_year) == "Friday 1 January 2027"  # not the start's year: said
    assert day_name(29, dt.date(2028, 2, 1)) == "Tuesday 29 February"  # a leap year
    assert day_name(3) == "Day 3"


def test_every_format_names_the_days_from_the_start(one_day: WeekPlan) -> None:
    start = dt.date(2026, 12, 7)
    text = format_week(one_day, width=80, start=start)
    lines = text.splitlines()
    assert lines[0] == "Meal plan for a 35-year-old female, omnivore: Monday 7 December 2026"
    assert "Monday 7 December" in lines and "Day 1" not in lines
    assert max(len(line) for line in lines) <= 80
    markdown = format_week(one_day, "markdown", start=start)
    assert "\n## Monday 7 December\n" in markdown and "## Day 1" not in markdown
    document = json.loads(format_week(one_day, "json", start=start))
    assert document["start"] == "2026-12-07" and document["days"][0]["date"] == "2026-12-07"
    plain = week_document(one_day)
    assert plain["start"] is None and plain["days"][0]["date"] is None
    assert "Day 1" in format_week(one_day, width=80).splitlines()  # no start: numbered
# ------------------------------------------------------------------ supplements (issue 35)

@pytest.fixture(scope="module")
def supplemented(bundled: FoodTable, catalogue: Catalogue) -> WeekPlan:
    """Two days for a pregnant woman of 30 taking a prenatal's folic acid, iron and
    vitamin D and 250 mg of magnesium."""
    from planner.person.supplements import parse_supplement

    taken = [parse_supplement(t) for t in ("folic_acid=400ug", "iron=27mg",
                                           "vitamin d3 600 IU", "magnesium=250mg")]
    targets = compute_targets(make_profile("female", 30, "pregnancy", pregnancy_week=20),
                              supplements=[s for s in taken if s is not None])
    return plan_week(bundled, catalogue, targets, PlanOptions(days=2))


def test_supplements_are_counted_and_shown_in_every_format(supplemented: WeekPlan,
                                                           bundled: FoodTable,
                                                           catalogue: Catalogue) -> None:
    from planner.meals.rules import load_rules
    from planner.planning.verify import verify_week

    week = supplemented
    assert verify_week(week, bundled, catalogue, load_rules()) == []
    assert supplement_text(week) == ("folic acid 400 µg, iron 27 mg, vitamin D3 15 µg "
                                     "(600 IU), magnesium 250 mg")
    for day in week.days:  # food's share of the targets, and the rest from supplements
        food = day.totals["magnesium_mg"]
        assert food >= 350 - 250 - 1e-6  # the pregnancy RDA is 350 mg
        assert coverage(week, day)["magnesium_mg"] == pytest.approx((food + 250) / 350)
    text = format_week(week, "table", width=80)
    assert text.count("\n  Supplements folic acid 400 µg") == 2  # one line each day
    assert "Mg 350 mg (250 mg from supplements)" in text.replace("\n  ", " ")
    assert all(len(x) <= 80 for x in text.splitlines())
    assert "Your supplements (folic acid 400 µg," in text.replace("\n", " ")
    assert "Mineral amounts are the element a Supplement Facts label lists" in \
        text.replace("\n", " ")
    markdown = format_week(week, "markdown")
    assert markdown.count("| supplements | folic acid 400 µg") == 2
    html = format_week(week, "html").replace("\u00a0", " ")  # numbers kept with units
    assert html.count("<th scope=\"row\">Supplements</th><td>folic acid 400 µg") == 2
    doc = json.loads(format_week(week, "json"))
    assert doc["schema"] == "planner.week/2"  # extended: a week without supplements reads
    assert [s["name"] for s in doc["supplements"]] == ["folic_acid", "iron", "vitamin_d",
                                                       "magnesium"]
    day = doc["days"][0]
    assert day["supplements"] == {"folate_dfe_ug": 680, "iron_mg": 27, "vitamin_d_ug": 15,
                                  "magnesium_mg": 250}
    assert day["intake"]["magnesium_mg"] == pytest.approx(day["totals"]["magnesium_mg"] + 250)
    mg = doc["targets"]["magnesium_mg"]
    assert (mg["min"], mg["supplement"], mg["total_min"]) == (100, 250, 350)
    rows = list(csv.DictReader(io.StringIO(format_week(week, "csv"))))
    taken = [r for r in rows if r["slot"] == "supplement"]
    assert len(taken) == 8 and {r["magnesium_mg"] for r in taken} == {"", "250"}
    day1 = [r for r in rows if r["day"] == "1"]
    assert sum(float(r["magnesium_mg"] or 0) for r in day1) == pytest.approx(
        week.days[0].totals["magnesium_mg"] + 250, rel=1e-5)


def test_a_week_without_supplements_has_empty_supplement_fields(one_day: WeekPlan) -> None:
    week = one_day
    doc = json.loads(format_week(week, "json"))
    assert doc["supplements"] == [] and doc["days"][0]["supplements"] == {}
    assert doc["days"][0]["intake"] == {}
    assert "supplement" not in doc["targets"]["magnesium_mg"]
    assert "Supplements" not in format_week(week, "table")
    assert "supplement" not in format_week(week, "csv")




def test_a_wrapped_command_still_runs_when_copied_and_its_comment_stays_a_comment() -> None:
    command = ("planner week --sex female --age 35 --condition ckd --target "
               "potassium_mg.max=YOUR_LIMIT   # for a 35-year-old woman: give your own sex "
               "and age")
    lines = shell_lines(command, 50, "  - ", "      ")
    assert all(len(line) <= 50 for line in lines)
    code = [line for line in lines if "#" not in line]
    assert all(line.endswith(" \\") for line in code)  # continued
    comment = lines[len(code):]
    assert comment[0].startswith("      potassium_mg.max=YOUR_LIMIT   #")
    assert all(line.startswith("      # ") for line in comment[1:])  # a comment, not a command
    assert not any(line.endswith("\\") for line in comment)
    joined = " ".join(line.strip().removeprefix("- ").removesuffix("\\").strip()
                      .removeprefix("# ") for line in lines)
    assert " ".join(joined.split()) == " ".join(command.split())


def test_a_batch_of_one_says_one_person_and_one_request() -> None:
    from planner.output.report import format_batch
    from planner.planning.batch import BatchSummary

    one = BatchSummary({"ok": 1, "infeasible": 0, "invalid": 0, "error": 0}, 0, 1.0,
                       where="this process")
    assert format_batch(one, "out").startswith("Planned 1 person in this process")  # was
    # "Planned 1 people", and "(1 distinct requests, ...)"
    many = BatchSummary({"ok": 3, "infeasible": 0, "invalid": 0, "error": 0}, 0, 1.0,
                        distinct=1, where="this process")
    assert "Planned 3 people (1 distinct request, each planned once) in this process" in \
        format_batch(many, "out", width=200)
