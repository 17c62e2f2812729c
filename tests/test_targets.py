"""Targets against the NASEM tables. KEY_DRI was transcribed from the compiled reference
table (shared/reference/dri.csv), one row per life-stage group for the five key nutrients:
(nutrient, sex, an age inside the group, life stage, RDA or AI, kind, UL)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.errors import ProfileError
from planner.person.profile import make_profile, parse_override
from planner.person.targets import age_group, compute_targets, estimated_energy_requirement

KEY_DRI = [
    ('magnesium_mg', 'male', 11, 'general', 240, 'RDA', 350),
    ('magnesium_mg', 'male', 16, 'general', 410, 'RDA', 350),
    ('magnesium_mg', 'male', 21, 'general', 400, 'RDA', 350),
    ('magnesium_mg', 'male', 33, 'general', 420, 'RDA', 350),
    ('magnesium_mg', 'male', 53, 'general', 420, 'RDA', 350),
    ('magnesium_mg', 'male', 76, 'general', 420, 'RDA', 350),
    ('magnesium_mg', 'female', 11, 'general', 240, 'RDA', 350),
    ('magnesium_mg', 'female', 16, 'general', 360, 'RDA', 350),
    ('magnesium_mg', 'female', 21, 'general', 310, 'RDA', 350),
    ('magnesium_mg', 'female', 33, 'general', 320, 'RDA', 350),
    ('magnesium_mg', 'female', 53, 'general', 320, 'RDA', 350),
    ('magnesium_mg', 'female', 76, 'general', 320, 'RDA', 350),
    ('magnesium_mg', 'female', 16, 'pregnancy', 400, 'RDA', 350),
    ('magnesium_mg', 'female', 21, 'pregnancy', 350, 'RDA', 350),
    ('magnesium_mg', 'female', 33, 'pregnancy', 360, 'RDA', 350),
    ('magnesium_mg', 'female', 16, 'lactation', 360, 'RDA', 350),
    ('magnesium_mg', 'female', 21, 'lactation', 310, 'RDA', 350),
    ('magnesium_mg', 'female', 33, 'lactation', 320, 'RDA', 350),
    ('calcium_mg', 'male', 11, 'general', 1300, 'RDA', 3000),
    ('calcium_mg', 'male', 16, 'general', 1300, 'RDA', 3000),
    ('calcium_mg', 'male', 21, 'general', 1000, 'RDA', 2500),
    ('calcium_mg', 'male', 33, 'general', 1000, 'RDA', 2500),
    ('calcium_mg', 'male', 53, 'general', 1000, 'RDA', 2000),
    ('calcium_mg', 'male', 76, 'general', 1200, 'RDA', 2000),
    ('calcium_mg', 'female', 11, 'general', 1300, 'RDA', 3000),
    ('calcium_mg', 'female', 16, 'general', 1300, 'RDA', 3000),
    ('calcium_mg', 'female', 21, 'general', 1000, 'RDA', 2500),
    ('calcium_mg', 'female', 33, 'general', 1000, 'RDA', 2500),
    ('calcium_mg', 'female', 53, 'general', 1200, 'RDA', 2000),
    ('calcium_mg', 'female', 76, 'general', 1200, 'RDA', 2000),
    ('calcium_mg', 'female', 16, 'pregnancy', 1300, 'RDA', 3000),
    ('calcium_mg', 'female', 21, 'pregnancy', 1000, 'RDA', 2500),
    ('calcium_mg', 'female', 33, 'pregnancy', 1000, 'RDA', 2500),
    ('calcium_mg', 'female', 16, 'lactation', 1300, 'RDA', 3000),
    ('calcium_mg', 'female', 21, 'lactation', 1000, 'RDA', 2500),
    ('calcium_mg', 'female', 33, 'lactation', 1000, 'RDA', 2500),
    ('potassium_mg', 'male', 11, 'general', 2500, 'AI', None),
    ('potassium_mg', 'male', 16, 'general', 3000, 'AI', None),
    ('potassium_mg', 'male', 21, 'general', 3400, 'AI', None),
    ('potassium_mg', 'male', 33, 'general', 3400, 'AI', None),
    ('potassium_mg', 'male', 53, 'general', 3400, 'AI', None),
    ('potassium_mg', 'male', 76, 'general', 3400, 'AI', None),
    ('potassium_mg', 'female', 11, 'general', 2300, 'AI', None),
    ('potassium_mg', 'female', 16, 'general', 2300, 'AI', None),
    ('potassium_mg', 'female', 21, 'general', 2600, 'AI', None),
    ('potassium_mg', 'female', 33, 'general', 2600, 'AI', None),
    ('potassium_mg', 'female', 53, 'general', 2600, 'AI', None),
    ('potassium_mg', 'female', 76, 'general', 2600, 'AI', None),
    ('potassium_mg', 'female', 16, 'pregnancy', 2600, 'AI', None),
    ('potassium_mg', 'female', 21, 'pregnancy', 2900, 'AI', None),
    ('potassium_mg', 'female', 33, 'pregnancy', 2900, 'AI', None),
    ('potassium_mg', 'female', 16, 'lactation', 2500, 'AI', None),
    ('potassium_mg', 'female', 21, 'lactation', 2800, 'AI', None),
    ('potassium_mg', 'female', 33, 'lactation', 2800, 'AI', None),
    ('vitamin_d_ug', 'male', 11, 'general', 15, 'RDA', 100),
    ('vitamin_d_ug', 'male', 16, 'general', 15, 'RDA', 100),
    ('vitamin_d_ug', 'male', 21, 'general', 15, 'RDA', 100),
    ('vitamin_d_ug', 'male', 33, 'general', 15, 'RDA', 100),
    ('vitamin_d_ug', 'male', 53, 'general', 15, 'RDA', 100),
    ('vitamin_d_ug', 'male', 76, 'general', 20, 'RDA', 100),
    ('vitamin_d_ug', 'female', 11, 'general', 15, 'RDA', 100),
    ('vitamin_d_ug', 'female', 16, 'general', 15, 'RDA', 100),
    ('vitamin_d_ug', 'female', 21, 'general', 15, 'RDA', 100),
    ('vitamin_d_ug', 'female', 33, 'general', 15, 'RDA', 100),
    ('vitamin_d_ug', 'female', 53, 'general', 15, 'RDA', 100),
    ('vitamin_d_ug', 'female', 76, 'general', 20, 'RDA', 100),
    ('vitamin_d_ug', 'female', 16, 'pregnancy', 15, 'RDA', 100),
    ('vitamin_d_ug', 'female', 21, 'pregnancy', 15, 'RDA', 100),
    ('vitamin_d_ug', 'female', 33, 'pregnancy', 15, 'RDA', 100),
    ('vitamin_d_ug', 'female', 16, 'lactation', 15, 'RDA', 100),
    ('vitamin_d_ug', 'female', 21, 'lactation', 15, 'RDA', 100),
    ('vitamin_d_ug', 'female', 33, 'lactation', 15, 'RDA', 100),
    ('vitamin_b12_ug', 'male', 11, 'general', 1.8, 'RDA', None),
    ('vitamin_b12_ug', 'male', 16, 'general', 2.4, 'RDA', None),
    ('vitamin_b12_ug', 'male', 21, 'general', 2.4, 'RDA', None),
    ('vitamin_b12_ug', 'male', 33, 'general', 2.4, 'RDA', None),
    ('vitamin_b12_ug', 'male', 53, 'general', 2.4, 'RDA', None),
    ('vitamin_b12_ug', 'male', 76, 'general', 2.4, 'RDA', None),
    ('vitamin_b12_ug', 'female', 11, 'general', 1.8, 'RDA', None),
    ('vitamin_b12_ug', 'female', 16, 'general', 2.4, 'RDA', None),
    ('vitamin_b12_ug', 'female', 21, 'general', 2.4, 'RDA', None),
    ('vitamin_b12_ug', 'female', 33, 'general', 2.4, 'RDA', None),
    ('vitamin_b12_ug', 'female', 53, 'general', 2.4, 'RDA', None),
    ('vitamin_b12_ug', 'female', 76, 'general', 2.4, 'RDA', None),
    ('vitamin_b12_ug', 'female', 16, 'pregnancy', 2.6, 'RDA', None),
    ('vitamin_b12_ug', 'female', 21, 'pregnancy', 2.6, 'RDA', None),
    ('vitamin_b12_ug', 'female', 33, 'pregnancy', 2.6, 'RDA', None),
    ('vitamin_b12_ug', 'female', 16, 'lactation', 2.8, 'RDA', None),
    ('vitamin_b12_ug', 'female', 21, 'lactation', 2.8, 'RDA', None),
    ('vitamin_b12_ug', 'female', 33, 'lactation', 2.8, 'RDA', None),
]

# Boundary ages for groups, so the lookup uses inclusive bounds correctly.
EDGE_AGES = [(13, 9), (14, 14), (18, 14), (19, 19), (30, 19), (31, 31), (50, 31), (51, 51),
             (70, 51), (71, 71), (99, 71)]


@pytest.mark.parametrize(("nutrient", "sex", "age", "stage", "amount", "kind", "ul"), KEY_DRI)
def test_key_nutrients_match_the_dri_table_for_every_group(
        nutrient: str, sex: str, age: int, stage: str, amount: float, kind: str,
        ul: int | None) -> None:
    target = compute_targets(make_profile(sex, age, stage))[nutrient]
    assert target.min == pytest.approx(amount)
    assert target.kind == kind
    assert target.ul == ul
    assert target.source  # every value names its source


@pytest.mark.parametrize(("age", "first"), EDGE_AGES)
def test_group_bounds_are_inclusive(age: int, first: int) -> None:
    assert age_group(age)[0] == first


def test_magnesium_ul_does_not_cap_food() -> None:
    t = compute_targets(make_profile("male", 40))["magnesium_mg"]
    assert (t.min, t.max, t.ul) == (420, None, 350)
    assert "supplement" in t.ul_note and "not magnesium from food" in t.ul_note


def test_potassium_uses_2019_ai_not_4700() -> None:
    assert compute_targets(make_profile("male", 40))["potassium_mg"].min == 3400
    assert compute_targets(make_profile("female", 40))["potassium_mg"].min == 2600
    assert compute_targets(make_profile("female", 40))["potassium_mg"].max is None


@pytest.mark.parametrize(("age", "d_min"), [(70, 15), (71, 20)])
def test_vitamin_d_rises_after_70_and_caps_at_100(age: int, d_min: int) -> None:
    t = compute_targets(make_profile("female", age))["vitamin_d_ug"]
    assert (t.min, t.max, t.ul) == (d_min, 100, 100)


@pytest.mark.parametrize(("age", "cap"), [(16, 3000), (30, 2500), (50, 2500), (51, 2000),
                                          (80, 2000)])
def test_calcium_ul_caps_food(age: int, cap: int) -> None:
    t = compute_targets(make_profile("male", age))["calcium_mg"]
    assert t.max == cap == t.ul


def test_sodium_cap_is_the_cdrr_not_a_ul() -> None:
    adult = compute_targets(make_profile("male", 40))["sodium_mg"]
    assert (adult.min, adult.max, adult.ul) == (1500, 2300, None)
    assert "CDRR" in adult.ul_note
    assert compute_targets(make_profile("female", 11))["sodium_mg"].max == 1800
    assert compute_targets(make_profile("female", 30, "lactation"))["sodium_mg"].max == 2300


def test_folate_ul_is_for_folic_acid_only() -> None:
    t = compute_targets(make_profile("female", 30, "pregnancy"))["folate_dfe_ug"]
    assert (t.min, t.max, t.ul) == (600, None, 1000)


def test_other_nutrients_present() -> None:
    t = compute_targets(make_profile("female", 25))
    assert t["iron_mg"].min == 18 and t["iron_mg"].max == 45
    assert t["zinc_mg"].min == 8 and t["vitamin_c_mg"].min == 75
    assert t["fiber_g"].min == 25 and t["fiber_g"].kind == "AI"
    assert t["protein_g"].pct_energy == (10, 35)
    assert t["fat_g"].pct_energy == (20, 35)
    assert t["carbohydrate_g"].pct_energy == (45, 65)
    assert compute_targets(make_profile("male", 12))["fat_g"].pct_energy == (25, 35)


def test_protein_rda_per_kg_when_weight_given() -> None:
    assert compute_targets(make_profile("male", 40))["protein_g"].min == 56
    assert compute_targets(make_profile("male", 40, weight_kg=90))["protein_g"].min == \
        pytest.approx(72.0)
    assert compute_targets(make_profile("female", 30, "lactation", weight_kg=60))[
        "protein_g"].min == pytest.approx(78.0)


def test_eer_by_hand() -> None:
    # Woman 35 y, 60 kg, 165 cm, active: 354 - 6.91*35 + 1.27*(9.36*60 + 726*1.65)
    p = make_profile("female", 35, weight_kg=60, height_cm=165, activity="active")
    assert estimated_energy_requirement(p) == pytest.approx(
        354 - 6.91 * 35 + 1.27 * (9.36 * 60 + 726 * 1.65))
    # Boy 15 y, reference body (1.74 m, 61 kg), sedentary
    boy = make_profile("male", 15, activity="sedentary")
    assert estimated_energy_requirement(boy) == pytest.approx(
        88.5 - 61.9 * 15 + 1.0 * (26.7 * 61 + 903 * 1.74) + 25)
    pregnant = make_profile("female", 30, "pregnancy", weight_kg=60, height_cm=165)
    general = make_profile("female", 30, weight_kg=60, height_cm=165)
    assert estimated_energy_requirement(pregnant) - estimated_energy_requirement(general) == \
        pytest.approx(340)


def test_energy_band() -> None:
    p = make_profile("male", 40, weight_kg=80, height_cm=180)
    eer = estimated_energy_requirement(p)
    t = compute_targets(p, energy_band=0.15)["energy_kcal"]
    assert (t.min, t.max, t.value) == pytest.approx((eer * 0.85, eer * 1.15, eer))


@given(sex=st.sampled_from(["female", "male"]), age=st.integers(9, 110),
       activity=st.sampled_from(["sedentary", "low", "active", "very_active"]),
       weight=st.none() | st.floats(35, 150), height=st.none() | st.floats(130, 210))
def test_every_valid_profile_gets_sane_targets(sex: str, age: int, activity: str,
                                               weight: float | None,
                                               height: float | None) -> None:
    t = compute_targets(make_profile(sex, age, "general", weight, height, activity))
    energy = t["energy_kcal"]
    assert energy.min is not None and energy.max is not None
    assert 700 < energy.min < energy.max < 6500  # a small, sedentary 91-year-old: ~900
    for target in t.items.values():
        if target.min is not None and target.max is not None:
            assert target.min <= target.max


# ------------------------------------------------------------------ invalid profiles

@pytest.mark.parametrize(("kwargs", "message"), [
    ({"sex": "female", "age": 5}, r"^age: 5 is under 9"),
    ({"sex": "other", "age": 30}, r"^sex: 'other' is not one of female, male"),
    ({"sex": "male", "age": 30, "life_stage": "pregnancy"},
     r"^life_stage: pregnancy applies only to females aged 14-50"),
    ({"sex": "female", "age": 55, "life_stage": "lactation"},
     r"^life_stage: lactation applies only to females aged 14-50"),
    ({"sex": "female", "age": 12, "life_stage": "pregnancy"}, r"^life_stage"),
    ({"sex": "female", "age": 30, "life_stage": "retired"}, r"^life_stage: 'retired'"),
    ({"sex": "female", "age": "thirty"}, r"^age: 'thirty' is not a number"),
    ({"sex": "female", "age": 30.5}, r"^age: 30.5 is not a whole number"),
    ({"sex": "female", "age": 30, "weight_kg": -3}, r"^weight_kg: -3 is outside"),
    ({"sex": "female", "age": 30, "height_cm": 9000}, r"^height_cm: 9000 is outside"),
    ({"sex": "female", "age": 30, "activity": "couch"}, r"^activity: 'couch'"),
])
def test_invalid_profiles_name_the_field(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        make_profile(**kwargs)


# ------------------------------------------------------------------ overrides

def test_overrides_change_targets_and_are_reported() -> None:
    p = make_profile("female", 40)
    t = compute_targets(p, [parse_override("magnesium_mg=500"),
                            parse_override("sodium_mg.max=2000"),
                            parse_override("vitamin_d_ug.max=none"),
                            parse_override("selenium_ug=55"),
                            parse_override("energy_kcal=2000")])
    assert t["magnesium_mg"].min == 500 and t["magnesium_mg"].overridden
    assert t["sodium_mg"].max == 2000
    assert t["vitamin_d_ug"].max is None and t["vitamin_d_ug"].min == 15
    assert t["selenium_ug"].min == 55 and t["selenium_ug"].kind == "user"
    assert (t["energy_kcal"].min, t["energy_kcal"].max) == pytest.approx((1800, 2200))
    assert set(t.overridden) == {"magnesium_mg", "sodium_mg", "vitamin_d_ug", "selenium_ug",
                                 "energy_kcal"}
    assert not t["calcium_mg"].overridden
    doc = t.as_dict()
    assert doc["overridden"] == list(t.overridden)
    assert doc["targets"]["magnesium_mg"]["overridden"] is True


@pytest.mark.parametrize(("text", "message"), [
    ("magnesium=400", r"unknown nutrient 'magnesium' \(did you mean magnesium_mg\?\)"),
    ("magnesium_mg", r"is not NAME=VALUE"),
    ("magnesium_mg=lots", r"is not a number"),
    ("magnesium_mg=-1", r"is negative"),
    ("magnesium_mg.avg=3", r"use magnesium_mg, magnesium_mg.min or magnesium_mg.max"),
])
def test_bad_overrides(text: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        parse_override(text)


def test_override_min_above_max_is_rejected() -> None:
    with pytest.raises(ProfileError, match=r"calcium_mg: min 3000 is above max 2500"):
        compute_targets(make_profile("female", 40), [parse_override("calcium_mg=3000")])
