from __future__ import annotations

import math

import pandas as pd

from planner.food.nutrients import (
    BY_NAME,
    KEY_NUTRIENTS,
    NUTRIENT_NAMES,
    display_name_lower,
    suggest,
    to_canonical,
)

SPEC_NAMES = [
    "energy_kcal",
    "protein_g",
    "fat_g",
    "carbohydrate_g",
    "fiber_g",
    "sugars_g",
    "water_g",
    "saturated_fat_g",
    "monounsaturated_fat_g",
    "polyunsaturated_fat_g",
    "cholesterol_mg",
    "calcium_mg",
    "magnesium_mg",
    "potassium_mg",
    "sodium_mg",
    "phosphorus_mg",
    "iron_mg",
    "zinc_mg",
    "copper_mg",
    "manganese_mg",
    "selenium_ug",
    "vitamin_a_rae_ug",
    "vitamin_a_iu",
    "vitamin_c_mg",
    "vitamin_d_ug",
    "vitamin_e_mg",
    "vitamin_k_ug",
    "thiamin_mg",
    "riboflavin_mg",
    "niacin_mg",
    "vitamin_b6_mg",
    "vitamin_b12_ug",
    "folate_dfe_ug",
    "choline_mg",
]


def test_registry_has_exactly_the_canonical_names_in_order() -> None:
    assert list(NUTRIENT_NAMES) == SPEC_NAMES


def test_every_name_carries_its_unit() -> None:
    for name in NUTRIENT_NAMES:
        assert name.lower().endswith("_" + BY_NAME[name].unit.lower())


def test_key_nutrient_codes_match_usda() -> None:
    assert (BY_NAME["magnesium_mg"].sr_number, BY_NAME["magnesium_mg"].fdc_id) == ("304", 1090)
    assert (BY_NAME["calcium_mg"].sr_number, BY_NAME["calcium_mg"].fdc_id) == ("301", 1087)
    assert (BY_NAME["potassium_mg"].sr_number, BY_NAME["potassium_mg"].fdc_id) == ("306", 1092)
    assert (BY_NAME["vitamin_d_ug"].sr_number, BY_NAME["vitamin_d_ug"].fdc_id) == ("328", 1114)
    assert (BY_NAME["vitamin_b12_ug"].sr_number, BY_NAME["vitamin_b12_ug"].fdc_id) == ("418", 1178)
    assert set(KEY_NUTRIENTS) <= set(NUTRIENT_NAMES)


def test_to_canonical_prefers_first_source_and_converts_units() -> None:
    long = pd.DataFrame(
        [
            ("a", "1008", 100.0),
            ("a", "2048", 999.0),  # 208 wins over 958
            ("b", "2047", 351.0),
            ("b", "2048", 352.0),  # 958 wins over 957
            ("c", "1062", 418.4),  # kJ only -> 100 kcal
            ("a", "1110", 400.0),
            ("a", "1114", 3.0),  # µg wins over IU
            ("b", "1110", 80.0),
        ],  # IU only: 80 / 40 = 2 µg
        columns=["food", "code", "amount"],
    )
    wide = to_canonical(long, "fdc_id")
    assert wide.loc["a", "energy_kcal"] == 100.0
    assert wide.loc["b", "energy_kcal"] == 352.0
    assert math.isclose(wide.loc["c", "energy_kcal"], 100.0)
    assert wide.loc["a", "vitamin_d_ug"] == 3.0
    assert wide.loc["b", "vitamin_d_ug"] == 2.0
    assert math.isnan(wide.loc["c", "vitamin_d_ug"])  # missing is not zero
    assert list(wide.columns) == SPEC_NAMES


def test_suggest_points_a_wrong_unit_at_the_canonical_name() -> None:
    assert suggest("magnesium_g") == "magnesium_mg"
    assert suggest("vitamin_d_iu") == "vitamin_d_ug"
    assert suggest("flavour_units") is None


def test_a_nutrient_name_mid_sentence_is_lower_case_but_keeps_its_letter() -> None:
    assert display_name_lower("calcium_mg") == "calcium"
    assert display_name_lower("vitamin_d_ug") == "vitamin D"
    assert display_name_lower("vitamin_b12_ug") == "vitamin B12"
