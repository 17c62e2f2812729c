from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import ProfileError
from planner.person.profile import profile_toml, read_profile_file, resolve_settings
from planner.person.targets import compute_targets

PROFILE = """
sex = "female"
age = 52
weight_kg = 64.5
activity = "active"
diet = "vegetarian"
exclude = ["peanuts"]

[targets]
magnesium_mg = 400
sodium_mg = { max = 2000 }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "me.toml"
    path.write_text(text)
    return path


def test_profile_file_is_read(tmp_path: Path) -> None:
    s = resolve_settings({}, profile_file=write(tmp_path, PROFILE))
    assert (s.profile.sex, s.profile.age, s.profile.weight_kg) == ("female", 52, 64.5)
    assert s.profile.activity == "active"
    assert s.diet == "vegetarian" and s.exclude == ("peanuts",)
    t = compute_targets(s.profile, s.overrides)
    assert t["magnesium_mg"].min == 400 and t["sodium_mg"].max == 2000


def test_flags_win_over_file_and_lists_add_up(tmp_path: Path) -> None:
    s = resolve_settings({"age": 60, "activity": None, "exclude": ["dairy"], "diet": "vegan"},
                         profile_file=write(tmp_path, PROFILE), targets=["magnesium_mg=450"])
    assert s.profile.age == 60 and s.profile.activity == "active"
    assert s.exclude == ("peanuts", "dairy") and s.diet == "vegan"
    assert compute_targets(s.profile, s.overrides)["magnesium_mg"].min == 450


def test_saved_profile_is_used_only_without_profile_flag(tmp_path: Path) -> None:
    saved = write(tmp_path, PROFILE)
    assert resolve_settings({}, saved_file=saved).profile.age == 52
    other = tmp_path / "other.toml"
    other.write_text('sex = "male"\nage = 33\n')
    assert resolve_settings({}, profile_file=other, saved_file=saved).profile.age == 33
    with pytest.raises(ProfileError, match=r"^sex: required"):
        resolve_settings({}, saved_file=tmp_path / "missing.toml")


@pytest.mark.parametrize(("text", "message"), [
    ('sex = "female"\nage = 40\nweight = 60\n', r"unknown key 'weight'"),
    ('sex = "female"\nage = [40\n', r"not a valid TOML profile"),
    ('sex = "female"\nage = 4\n', r"^age: 4 is under 9"),
    ('sex = "female"\nage = 40\n[targets]\nmagnesium = 400\n',
     r"me\.toml: target: unknown nutrient 'magnesium'"),
    ('sex = "female"\nage = 40\nexclude = "peanuts"\n', r"exclude must be a list"),
])
def test_bad_profile_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        resolve_settings({}, profile_file=write(tmp_path, text))


def test_missing_profile_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"profile file not found"):
        read_profile_file(tmp_path / "nope.toml")


def test_profile_toml_round_trips(tmp_path: Path) -> None:
    s = resolve_settings({"include": ['banana "cavendish"']}, profile_file=write(tmp_path,
                                                                                 PROFILE),
                         targets=["energy_kcal=1900", "vitamin_d_ug.max=none"])
    again = resolve_settings({}, profile_file=write(tmp_path, profile_toml(s)))
    assert again.profile == s.profile
    assert again.include == s.include and again.exclude == s.exclude
    assert compute_targets(again.profile, again.overrides).as_dict() == \
        compute_targets(s.profile, s.overrides).as_dict()


def test_conditions_and_medicines_in_a_profile_file(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('sex = "male"\nage = 60\nconditions = ["kidney_stones"]\n'
                    'medicines = ["ppi"]\n')
    settings = resolve_settings({"medicines": ["warfarin"]}, profile_file=path)
    assert settings.profile.conditions == ("kidney_stones",)
    assert settings.profile.medicines == ("ppi", "warfarin")  # the file's and the flags'
    saved = tmp_path / "saved.toml"
    saved.write_text(profile_toml(settings))
    again = read_profile_file(saved)
    assert again["conditions"] == ["kidney_stones"] and again["medicines"] == ["ppi",
                                                                               "warfarin"]
    path.write_text('sex = "male"\nage = 60\nmedicines = "ppi"\n')
    with pytest.raises(ProfileError, match=r"medicines must be a list of names"):
        resolve_settings({}, profile_file=path)


def test_profile_without_schema_is_read_with_a_notice(tmp_path: Path) -> None:
    s = resolve_settings({}, profile_file=write(tmp_path, PROFILE))
    assert len(s.notices) == 1
    assert "no schema line" in s.notices[0] and "NASEM 2023" in s.notices[0]
    saved = resolve_settings({}, profile_file=write(tmp_path, profile_toml(s)))
    assert saved.notices == ()


def test_profile_with_another_schema_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"profile schema 'planner.profile/9'"):
        resolve_settings({}, profile_file=write(
            tmp_path, 'schema = "planner.profile/9"\nsex = "female"\nage = 40\n'))


def test_pregnancy_fields_round_trip(tmp_path: Path) -> None:
    s = resolve_settings({"sex": "female", "age": 31, "life_stage": "pregnancy",
                          "pregnancy_week": 26, "pre_pregnancy_weight_kg": 61.5})
    text = profile_toml(s)
    assert 'schema = "planner.profile/2"' in text and "pregnancy_week = 26" in text
    assert "trimester" not in text  # the week says it
    again = resolve_settings({}, profile_file=write(tmp_path, text))
    assert again.profile == s.profile and again.profile.trimester == 2
    lactating = resolve_settings({"sex": "female", "age": 31, "life_stage": "lactation",
                                  "postpartum_months": 8})
    assert resolve_settings({}, profile_file=write(tmp_path, profile_toml(lactating))
                            ).profile.postpartum_months == 8


def test_changing_life_stage_by_flag_drops_the_saved_pregnancy_week(tmp_path: Path) -> None:
    saved = write(tmp_path, 'schema = "planner.profile/2"\nsex = "female"\nage = 30\n'
                  'life_stage = "pregnancy"\npregnancy_week = 30\n')
    s = resolve_settings({"life_stage": "lactation", "postpartum_months": 1},
                         saved_file=saved)
    assert s.profile.life_stage == "lactation" and s.profile.pregnancy_week is None
    assert resolve_settings({}, saved_file=saved).profile.pregnancy_week == 30


# ------------------------------------------------------------------ supplements (issue 35)

def test_supplements_round_trip_through_the_profile(tmp_path: Path) -> None:
    settings = resolve_settings({"sex": "female", "age": 52},
                                supplements=["magnesium glycinate=200mg", "vitamin_d=1000IU",
                                             "b12=500ug"])
    path = tmp_path / "profile.toml"
    text = profile_toml(settings)
    assert 'schema = "planner.profile/3"' in text  # named, so older planners refuse it
    assert '[supplements]\n"magnesium glycinate" = "200 mg"\n"vitamin_d" = "25 ug"\n' in text
    path.write_text(text)
    again = resolve_settings({}, profile_file=path)
    assert [(s.kind, s.amount, s.form) for s in again.supplements] == [
        ("magnesium", 200, "glycinate"), ("vitamin_d", 25, ""), ("vitamin_b12", 500, "")]
    # a flag replaces the file's of its kind; NAME=none drops it
    flagged = resolve_settings({}, profile_file=path, supplements=["magnesium=100mg"])
    assert [(s.kind, s.amount) for s in flagged.supplements] == [
        ("vitamin_d", 25), ("vitamin_b12", 500), ("magnesium", 100)]
    dropped = resolve_settings({}, profile_file=path, supplements=["vitamin_d=none"])
    assert [s.kind for s in dropped.supplements] == ["magnesium", "vitamin_b12"]
    # a profile without supplements is written as before
    plain = profile_toml(resolve_settings({"sex": "female", "age": 52}))
    assert 'schema = "planner.profile/2"' in plain and "[supplements]" not in plain


@pytest.mark.parametrize(("table", "message"), [
    ('[supplements]\nmagnesium = 200\n', "write the amount with its unit in quotes"),
    ('[supplements]\nselenium = "55 ug"\n', "unknown supplement 'selenium'"),
    ('[supplements]\nmagnesium = "-5 mg"\n', "a negative amount"),
    ('[supplements]\nmagnesium = "none"\n', "leave the line out of the file"),
    ('supplements = "magnesium"\n', r"\[supplements\] must be a table"),
])
def test_bad_supplements_in_a_profile_file(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "profile.toml"
    path.write_text('schema = "planner.profile/3"\nsex = "female"\nage = 40\n' + table)
    with pytest.raises(ProfileError, match=message) as info:
        resolve_settings({}, profile_file=path)
    assert str(path) in str(info.value)
