"""Conditions and medicines: each rule with a profile that triggers it. Plans are checked
from the food table and the chosen grams, independently of the planner's own totals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import InfeasiblePlanError, ProfileError, SafetyError, SolverError
from planner.food.catalogue import Catalogue
from planner.food.data import FoodTable
from planner.food.nutrients import display_name
from planner.output.report import format_week
from planner.person.health import CONDITIONS, MEDICINES, RULES
from planner.person.profile import make_profile, parse_override
from planner.person.targets import Targets, compute_targets
from planner.planning.model import SolverOptions
from planner.planning.plan import plan_week
from planner.planning.records import PlanOptions, WeekPlan


def _day_totals(week: WeekPlan, table: FoodTable, nutrient: str) -> list[float]:
    out = []
    for day in week.days:
        total = 0.0
        for item in day.items:
            value = table.foods.loc[item.food_id, nutrient]
            if value == value:
                total += item.grams / 100 * value
        out.append(total)
    return out


def test_every_rule_names_its_source() -> None:
    assert set(CONDITIONS) >= {"ckd", "kidney_stones"}
    assert set(MEDICINES) >= {"ace_inhibitor", "arb", "potassium_sparing_diuretic",
                              "warfarin", "ppi", "metformin", "levothyroxine"}
    for rule in RULES.values():
        assert any(s in rule.source for s in ("NIH ODS", "National Kidney Foundation",
                                              "FDA", "NIDDK")), rule.key
        assert rule.question.endswith("?") and (rule.notes or rule.emphasis)


@pytest.mark.parametrize(("profile", "nutrients"), [
    ({"conditions": ["ckd"]}, ("potassium_mg", "phosphorus_mg", "magnesium_mg")),
    ({"medicines": ["ace_inhibitor"]}, ("potassium_mg",)),
    ({"medicines": ["arb"]}, ("potassium_mg",)),
    ({"medicines": ["potassium_sparing_diuretic"]}, ("potassium_mg",)),
    ({"medicines": ["potassium_supplement"]}, ("potassium_mg",)),
])
def test_kidney_disease_and_potassium_medicines_stop_without_a_clinicians_limit(
        bundled: FoodTable, catalogue: Catalogue, profile: dict[str, list[str]],
        nutrients: tuple[str, ...]) -> None:
    targets = compute_targets(make_profile("female", 62, **profile))  # type: ignore[arg-type]
    with pytest.raises(SafetyError) as info:
        plan_week(bundled, catalogue, targets, PlanOptions(days=2))
    message = str(info.value)
    assert "\n" not in message and "without limits from your clinician" in message
    for n in nutrients:
        assert f"--target {n}.max=..." in message
    assert ("renal dietitian" in message) == ("conditions" in profile)
    assert "NIH ODS" in message or "National Kidney Foundation" in message
    # the DRI minimum gives way: the clinician's limit decides
    assert all(n not in targets or targets[n].min is None for n in nutrients)


def test_a_potassium_medicine_with_a_limit_plans_within_it(bundled: FoodTable,
                                                           catalogue: Catalogue) -> None:
    targets = compute_targets(make_profile("male", 64, medicines=["ace_inhibitor"]),
                              [parse_override("potassium_mg.max=2800")])
    week = plan_week(bundled, catalogue, targets, PlanOptions(days=3))
    assert max(_day_totals(week, bundled, "potassium_mg")) <= 2800 + 1e-6
    assert any("raise blood potassium" in n for n in week.notes)


def test_kidney_disease_with_limits_plans_within_them_or_says_why(
        bundled: FoodTable, catalogue: Catalogue) -> None:
    limits = {"potassium_mg": 2000.0, "phosphorus_mg": 800.0, "magnesium_mg": 350.0}
    targets = compute_targets(make_profile("female", 60, conditions=["ckd"]),
                              [parse_override(f"{n}.max={v}") for n, v in limits.items()])
    try:
        week = plan_week(bundled, catalogue, targets, PlanOptions(days=2))
    except InfeasiblePlanError as error:
        assert "renal dietitian" in str(error) and error.shortfalls
        return
    for n, limit in limits.items():
        assert max(_day_totals(week, bundled, n)) <= limit + 1e-6


def _ckd_targets(potassium: float, phosphorus: float, magnesium: float) -> Targets:
    limits = {"potassium_mg": potassium, "phosphorus_mg": phosphorus,
              "magnesium_mg": magnesium}
    return compute_targets(make_profile("female", 60, conditions=["ckd"]),
                           [parse_override(f"{n}.max={v}") for n, v in limits.items()])


def test_clinician_limits_replace_the_general_targets_for_those_nutrients() -> None:
    targets = _ckd_targets(3000, 1200, 420)
    for n, limit in (("potassium_mg", 3000), ("phosphorus_mg", 1200), ("magnesium_mg", 420)):
        assert targets[n].min is None, n  # the potassium AI of 2,600 mg is no floor
        assert targets[n].max == limit
    for n in ("potassium_mg", "magnesium_mg"):  # the DRI it replaced is kept, for the output
        dri = targets[n].dri
        assert dri is not None and dri.min is not None and dri.kind in ("AI", "RDA")


def test_kidney_disease_with_moderate_limits_plans_a_week_within_them(
        bundled: FoodTable, catalogue: Catalogue) -> None:
    # planner week --sex female --age 60 --condition ckd --target potassium_mg.max=3000
    # --target phosphorus_mg.max=1200 --target magnesium_mg.max=420 once ended in
    # "solver failed: HiGHS status Solution limit reached" or exit 3
    targets = _ckd_targets(3000, 1200, 420)
    week = plan_week(bundled, catalogue, targets, PlanOptions(days=7))
    assert len(week.days) == 7
    for n, limit in (("potassium_mg", 3000), ("phosphorus_mg", 1200), ("magnesium_mg", 420)):
        assert max(_day_totals(week, bundled, n)) <= limit + 1e-6, n
    # USDA's phosphorus may miss the additives of the fortified foods the plan uses
    assert sum("Phosphate additives" in n and "'phos'" in n for n in week.notes) == 1
    for fmt in ("text", "markdown"):  # the header names every limit, not phosphorus alone
        head = " ".join(format_week(week, fmt).split("Day 1")[0].split())
        assert "K max 3,000 mg (set by you" in head and "Mg max 420 mg (set by you" in head
        assert "Phosphorus max 1,200 mg" in head


def test_kidney_disease_with_tight_limits_plans_or_names_the_limits_in_conflict(
        bundled: FoodTable, catalogue: Catalogue) -> None:
    limits = {"potassium_mg": 2000.0, "phosphorus_mg": 800.0, "magnesium_mg": 350.0}
    targets = _ckd_targets(*limits.values())
    try:
        week = plan_week(bundled, catalogue, targets, PlanOptions(days=7))
    except InfeasiblePlanError as error:
        assert error.exit_code == 3
        # a clinician's limit no day keeps, or a day the limits leave far short of energy
        over = {s.nutrient for s in error.shortfalls if s.bound == "max"}
        short = {s.nutrient for s in error.shortfalls if s.bound == "min"}
        assert over & set(limits) or short == {"energy_kcal"}, error.shortfalls
        assert all(display_name(n) in str(error) for n in over | short)
        assert "limits" in str(error) and "renal dietitian" in str(error)
        return
    for n, limit in limits.items():
        assert max(_day_totals(week, bundled, n)) <= limit + 1e-6


def test_a_solver_that_stops_without_an_answer_says_what_was_solved_and_what_to_try(
        bundled: FoodTable, catalogue: Catalogue) -> None:
    targets = compute_targets(make_profile("female", 35))
    options = PlanOptions(days=2, solver=SolverOptions(time_limit=1e-9, fallback=False))
    with pytest.raises(SolverError) as caught:
        plan_week(bundled, catalogue, targets, options)
    message = str(caught.value)
    assert message.startswith("could not plan day 1 of 2: ")
    assert "--time-limit" in message and "--seed" in message
    assert "status" not in message.lower() and "kTimeLimit" not in message
    assert caught.value.exit_code == 1


def test_warfarin_keeps_vitamin_k_steady(bundled: FoodTable, catalogue: Catalogue) -> None:
    targets = compute_targets(make_profile("female", 70, medicines=["warfarin"]))
    week = plan_week(bundled, catalogue, targets, PlanOptions(days=7))
    amounts = _day_totals(week, bundled, "vitamin_k_ug")
    first = amounts[0]
    for value in amounts[1:]:
        assert 0.8 * first - 20 - 1e-6 <= value <= 1.2 * first + 20 + 1e-6, amounts
    eaten = {i.food_id for d in week.days for i in d.items}
    assert bundled.foods.loc[sorted(eaten), "vitamin_k_ug"].notna().all()  # all known
    assert any("vitamin K stays steady" in n for n in week.notes)
    assert any("USDA does not report were left out" in n for n in week.notes)


@pytest.mark.parametrize(("medicine", "words"), [
    ("ppi", "magnesium"), ("metformin", "B12"), ("levothyroxine", "4 hours apart"),
    ("diuretic", "potassium and magnesium losses")])
def test_medicines_that_need_a_note(bundled: FoodTable, catalogue: Catalogue, medicine: str,
                                    words: str) -> None:
    targets = compute_targets(make_profile("male", 55, medicines=[medicine]))
    week = plan_week(bundled, catalogue, targets, PlanOptions(days=1))
    assert any(words in n for n in week.notes), week.notes
    assert words in format_week(week, "table") and words in format_week(week, "markdown")


def test_kidney_stones_keep_calcium_at_the_rda_and_note_oxalate(bundled: FoodTable,
                                                              catalogue: Catalogue) -> None:
    targets = compute_targets(make_profile("male", 45, conditions=["kidney_stones"]))
    assert targets["calcium_mg"].min == 1000  # not lowered
    week = plan_week(bundled, catalogue, targets, PlanOptions(days=2))
    assert min(_day_totals(week, bundled, "calcium_mg")) >= 1000 - 1e-6
    assert any("oxalate" in n and "spinach" in n.lower() for n in week.notes)


def test_unknown_condition_or_medicine_is_refused() -> None:
    with pytest.raises(ProfileError, match=r"medicine: 'aspirin' is not one of"):
        make_profile("male", 40, medicines=["aspirin"])
    with pytest.raises(ProfileError, match=r"condition: 'gout' is not one of"):
        make_profile("male", 40, conditions=["gout"])


def test_sodium_under_the_adequate_intake_gets_a_note(bundled: FoodTable,
                                                      catalogue: Catalogue) -> None:
    targets = compute_targets(make_profile("female", 35))
    week = plan_week(bundled, catalogue, targets, PlanOptions(days=3))
    sodium = _day_totals(week, bundled, "sodium_mg")
    low = [d for d, value in enumerate(sodium, 1) if value < 1500]
    notes = [n for n in week.notes if "sodium" in n and "1/4 teaspoon" in n]
    assert bool(low) == bool(notes)
    if len(low) == len(sodium):  # every day of the plan: said so, not "Days 1, 2, 3"
        assert notes[0].startswith("Every day has ")
    elif low:
        assert notes[0].startswith("Day " if len(low) == 1 else "Days ")
        assert str(low[0]) in notes[0]
    table = format_week(week, "table")
    assert f"Na {sodium[0]:,.0f} mg" in table  # counted every day


def test_overridden_targets_are_marked_in_every_format(bundled: FoodTable,
                                                       catalogue: Catalogue) -> None:
    targets = compute_targets(make_profile("female", 35),
                              [parse_override("vitamin_b12_ug=1"),
                               parse_override("sodium_mg.max=2000")])
    week = plan_week(bundled, catalogue, targets, PlanOptions(days=1))
    for fmt in ("table", "markdown", "html"):
        text = format_week(week, fmt)
        assert "set by you; the DRI was RDA 2.4 µg" in text, fmt
        assert "below the DRI of 2.4 µg" in text, fmt  # the warning
    doc = json.loads(format_week(week, "json"))
    b12 = doc["targets"]["vitamin_b12_ug"]
    assert b12["overridden"] and b12["set_by"] == "you" and b12["source"] == "set by you"
    assert b12["replaced"]["min"] == 2.4 and "IOM" in b12["replaced"]["source"]
    assert any("below the DRI" in w for w in doc["warnings"])
    assert doc["targets"]["sodium_mg"]["replaced"]["max"] == 2300


def test_a_vegan_week_spreads_b12(bundled: FoodTable, catalogue: Catalogue) -> None:
    targets = compute_targets(make_profile("male", 45))
    week = plan_week(bundled, catalogue, targets, PlanOptions(days=7, diet="vegan"))
    b12 = _day_totals(week, bundled, "vitamin_b12_ug")
    low = [v for v in b12 if v < 0.5 * 2.4 - 1e-6]
    assert not low or any("spread fortified foods" in n for n in week.notes), b12
    assert sum(b12) / 7 >= 2.4 - 1e-6


def test_the_cli_plans_or_diagnoses_tight_kidney_limits_without_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PLANNER_DATA", raising=False)
    result = CliRunner().invoke(app, [
        "week", "--sex", "female", "--age", "60", "--condition", "ckd",
        "--target", "potassium_mg.max=2000", "--target", "phosphorus_mg.max=800",
        "--target", "magnesium_mg.max=350"])
    assert result.exit_code in (0, 3), result.output
    assert "Traceback" not in result.output and "status" not in result.output.lower()
    if result.exit_code == 3:  # a limit named, or the energy the limits leave out of reach
        assert "limit 800 mg" in result.output or "limit 2000 mg" in result.output or \
            "limit 350 mg" in result.output or "Energy (needs " in result.output, \
            result.output
        assert "renal dietitian" in result.output


def test_kidney_disease_keeps_calcium_at_the_kdoqi_range_for_adults_only() -> None:
    adult = _ckd_targets(3000, 1200, 420)["calcium_mg"]
    assert (adult.min, adult.max) == (800, 1000)  # KDOQI 2020, guideline 6.1
    assert "KDOQI 2020" in adult.source and adult.dri is not None
    assert adult.dri.min == 1200 and adult.dri.kind == "RDA"  # women 51-70
    child = compute_targets(make_profile("female", 12, conditions=["ckd"]),
                            [parse_override(f"{n}.max=900") for n in
                             ("potassium_mg", "phosphorus_mg", "magnesium_mg")])["calcium_mg"]
    assert child.min == 1300 and child.kind == "RDA"  # the guideline is for adults
    mine = compute_targets(make_profile("female", 60, conditions=["ckd"]),
                           [parse_override("calcium_mg.min=700")])["calcium_mg"]
    assert mine.min == 700 and mine.overridden  # the clinician's number wins


def test_a_clinician_minimum_above_the_kidney_calcium_range_asks_for_both_bounds() -> None:
    with pytest.raises(ProfileError, match=r"min 1200 is above max 1000 \(with chronic "
                                           r"kidney disease; give both bounds\)"):
        compute_targets(make_profile("female", 60, conditions=["ckd"]),
                        [parse_override("calcium_mg.min=1200")])
    both = compute_targets(make_profile("female", 60, conditions=["ckd"]),
                           [parse_override("calcium_mg.min=1200"),
                            parse_override("calcium_mg.max=1500")])["calcium_mg"]
    assert (both.min, both.max) == (1200, 1500)
