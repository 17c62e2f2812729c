"""A plan's notes on pregnancy and breastfeeding, supplements and a child's energy, on
hand-made days (issue 35). Whole weeks' notes are checked in test_plan.py."""

from __future__ import annotations

import pytest

from planner.food.nutrients import NUTRIENT_NAMES
from planner.person.profile import make_profile
from planner.person.supplements import parse_supplement
from planner.person.targets import compute_targets
from planner.planning.notes import (
    CHOLINE_AI_MG,
    FOLIC_ACID_UG,
    FOLIC_ACID_USPSTF_UG,
    IODINE_SUPPLEMENT_UG,
    child_energy_note,
    life_stage_notes,
    supplement_notes,
)
from planner.planning.plan import applied_targets
from planner.planning.records import DayPlan, PlanOptions


def _day(number: int, unknown: tuple[str, ...] = (), **amounts: float) -> DayPlan:
    totals = dict.fromkeys(NUTRIENT_NAMES, 0.0)
    totals.update(amounts)
    return DayPlan(number, (), totals, {"choline_mg": unknown} if unknown else {})


def test_the_published_numbers() -> None:
    assert FOLIC_ACID_UG == 400  # CDC: 400 µg folic acid a day
    assert FOLIC_ACID_USPSTF_UG == (400, 800)  # USPSTF 2023 (JAMA 330:454)
    assert IODINE_SUPPLEMENT_UG == 150  # ATA 2006/2017, AAP 2014; NIH ODS Iodine
    assert CHOLINE_AI_MG == {"pregnancy": 450, "lactation": 550}  # IOM 1998; NIH ODS


def test_a_pregnancy_plan_names_folic_acid_iodine_choline_and_a_prenatal() -> None:
    targets = compute_targets(make_profile("female", 30, "pregnancy", pregnancy_week=10))
    days = [_day(1, choline_mg=400.0, folate_dfe_ug=700.0),
            _day(2, ("01123",), choline_mg=300.0, folate_dfe_ug=500.0)]
    folic, iodine, choline, prenatal = life_stage_notes(days, targets)
    assert folic.startswith("Folic acid: 400 µg a day from a supplement or fortified foods")
    assert "(CDC; USPSTF 2023 recommends a daily supplement of 400-800 µg)" in folic
    assert "This plan's 600 µg DFE of folate a day comes from food" in folic
    assert "supplement with 150 µg of iodine a day in pregnancy and while breastfeeding " \
           "(NIH ODS Iodine fact sheet)" in iodine
    assert "planner does not count iodine" in iodine
    assert choline.startswith("Choline: the adequate intake is 450 mg a day in pregnancy "
                              "(IOM 1998 DRI; NIH ODS Choline fact sheet)")
    assert "give at least 350 mg a day on average" in choline  # a value USDA lacks
    assert "Most prenatal vitamins have little or no choline" in choline
    assert prenatal.startswith("A prenatal vitamin is usual before and during pregnancy "
                               "(CDC)")


def test_breastfeeding_has_its_own_choline_and_the_supplement_is_named() -> None:
    folic_acid = parse_supplement("folic_acid=400ug")
    assert folic_acid is not None
    targets = compute_targets(make_profile("female", 30, "lactation", postpartum_months=3),
                              supplements=[folic_acid])
    notes = life_stage_notes([_day(1, choline_mg=560.0)], targets)
    assert "Your supplements give 400 µg of folic acid (680 µg DFE), counted toward " \
           "folate." in notes[0]
    assert "550 mg a day while breastfeeding" in notes[2]
    assert "give 560 mg a day" in notes[2]
    assert "while breastfeeding too" in notes[3]


def test_no_life_stage_notes_for_a_general_plan() -> None:
    assert life_stage_notes([_day(1)], compute_targets(make_profile("female", 30))) == ()


def test_supplements_say_what_food_brings_and_a_total_over_the_ul() -> None:
    taken = [s for s in (parse_supplement("magnesium=200mg"), parse_supplement("iron=30mg"),
                         parse_supplement("b12=500ug")) if s is not None]
    targets = compute_targets(make_profile("female", 40), supplements=taken)
    applied = applied_targets(targets, PlanOptions())
    days = [_day(1, iron_mg=12.0), _day(2, iron_mg=18.0)]
    share, label, over = supplement_notes(days, targets, applied)
    assert share == ("Your supplements (magnesium 200 mg, iron 30 mg, vitamin B12 500 µg a "
                     "day) count toward each day's targets; food brings the rest: 120 mg of "
                     "magnesium's 320 mg, none of iron's 18 mg and none of vitamin B12's "
                     "2.4 µg on the week's average.")
    assert "a 325 mg ferrous sulfate tablet has 65 mg of iron (NIH ODS Iron fact " \
           "sheet)" in label
    # day 2: 18 mg of food iron and 30 mg of supplement pass the UL of 45 mg
    assert over.startswith("warning: iron from food and supplements comes to 48 mg a day "
                           "on day 2, above the upper limit of 45 mg for all sources (NIH "
                           "ODS Iron fact sheet)")


def test_a_childs_energy_note_names_the_reference_body() -> None:
    note = child_energy_note(compute_targets(make_profile("male", 11)))
    assert note == ("Energy: 2,117 kcal a day, the NASEM 2023 EER for a boy of 11 with the "
                    "CDC 2000 median height and weight for his age, 146 cm and 38 kg; with "
                    "his own height and weight (--height, --weight) the number is his own.")
    measured = compute_targets(make_profile("male", 11, height_cm=150, weight_kg=40))
    assert child_energy_note(measured) == ""
    assert child_energy_note(compute_targets(make_profile("male", 30))) == ""


@pytest.mark.parametrize("stage", ["pregnancy", "lactation"])
def test_life_stage_notes_read_within_a_sentence_each(stage: str) -> None:
    targets = compute_targets(make_profile("female", 25, stage))
    for note in life_stage_notes([_day(1, choline_mg=300.0)], targets):
        assert note.endswith(".") and "\n" not in note


def test_units_and_the_b12_advice_after_50_with_supplements() -> None:
    taken = [s for s in (parse_supplement("vitamin_d=1000IU"), parse_supplement("b12=500ug"),
                         parse_supplement("folic_acid=400ug")) if s is not None]
    targets = compute_targets(make_profile("female", 60), supplements=taken)
    notes = supplement_notes([_day(1)], targets, applied_targets(targets, PlanOptions()))
    assert "Vitamin D: 1 µg is 40 IU (NIH ODS Vitamin D fact sheet). Folic acid counts " \
           "toward folate as 1.7 µg DFE per µg, as taken with food (NIH ODS Folate fact " \
           "sheet)." in notes
    from planner.planning.notes import older_b12_note

    assert "Your B12 supplement (500 µg a day) follows that advice" in older_b12_note(
        (2.0, {}), targets)
