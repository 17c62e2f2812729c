"""Supplements: how they are written, what they give, and what is refused (issue 35)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from planner.errors import ProfileError
from planner.food.nutrients import IU_PER_UG, amount_in
from planner.person.supplements import (
    BY_KIND,
    Supplement,
    amounts,
    looks_like_supplement,
    merge_supplements,
    parse_supplement,
    parse_supplements,
    resolve_name,
    supplement_table,
    supplement_warnings,
    supplements_from_mapping,
)

DRI = Path(__file__).resolve().parent.parent / "planner" / "person" / "dri.csv"


@pytest.mark.parametrize(("text", "kind", "form", "amount", "nutrient_amount", "shown"), [
    ("magnesium=200mg", "magnesium", "", 200, 200, "magnesium 200 mg"),
    ("magnesium glycinate 200 mg", "magnesium", "glycinate", 200, 200,
     "magnesium glycinate 200 mg"),
    ("magnesium glycinate=200 mg", "magnesium", "glycinate", 200, 200,
     "magnesium glycinate 200 mg"),
    # 1 µg of vitamin D is 40 IU (NIH ODS Vitamin D fact sheet): 1,000 IU = 25 µg
    ("vitamin_d=1000IU", "vitamin_d", "", 25, 25, "vitamin D 25 µg (1,000 IU)"),
    ("vitamin_d=25ug", "vitamin_d", "", 25, 25, "vitamin D 25 µg (1,000 IU)"),
    ("vitamin d3 2,000 IU", "vitamin_d", "d3", 50, 50, "vitamin D3 50 µg (2,000 IU)"),
    ("25 µg vitamin D3", "vitamin_d", "d3", 25, 25, "vitamin D3 25 µg (1,000 IU)"),
    ("b12=500ug", "vitamin_b12", "", 500, 500, "vitamin B12 500 µg"),
    ("b12 1000 mcg", "vitamin_b12", "", 1000, 1000, "vitamin B12 1,000 µg"),
    ("methylcobalamin 500 mcg", "vitamin_b12", "methylcobalamin", 500, 500,
     "vitamin B12 (methylcobalamin) 500 µg"),
    ("calcium=500mg", "calcium", "", 500, 500, "calcium 500 mg"),
    ("calcium=0.5g", "calcium", "", 500, 500, "calcium 500 mg"),
    ("500 mg calcium carbonate", "calcium", "carbonate", 500, 500,
     "calcium carbonate 500 mg"),
    ("iron=18mg", "iron", "", 18, 18, "iron 18 mg"),
    ("ferrous sulfate 65 mg", "iron", "ferrous sulfate", 65, 65,
     "iron (ferrous sulfate) 65 mg"),
    ("zinc=8mg", "zinc", "", 8, 8, "zinc 8 mg"),
    # folic acid with food counts 1.7 µg DFE per µg: the label's "680 mcg DFE (400 mcg
    # folic acid)" (NIH ODS Folate fact sheet)
    ("folic_acid=400ug", "folic_acid", "", 400, 680, "folic acid 400 µg"),
    ("folic acid 400 mcg", "folic_acid", "", 400, 680, "folic acid 400 µg"),
])
def test_a_supplement_as_written(text: str, kind: str, form: str, amount: float,
                                 nutrient_amount: float, shown: str) -> None:
    s = parse_supplement(text)
    assert s is not None
    assert (s.kind, s.form) == (kind, form)
    assert s.amount == pytest.approx(amount)
    assert s.nutrient_amount == pytest.approx(nutrient_amount)
    assert s.text == shown


def test_vitamin_d_iu_is_converted_once_in_the_units_module() -> None:
    assert IU_PER_UG["vitamin_d_ug"] == 40  # NIH ODS Vitamin D fact sheet
    assert amount_in(4000, "IU", "vitamin_d_ug") == 100  # the UL, 4,000 IU = 100 µg
    assert amount_in(500, "mcg", "vitamin_b12_ug") == 500
    assert amount_in(0.25, "g", "magnesium_mg") == 250
    with pytest.raises(ValueError, match="IU does not measure magnesium"):
        amount_in(100, "IU", "magnesium_mg")


@pytest.mark.parametrize(("text", "message"), [
    ("selenium=55ug", r"unknown supplement 'selenium' \(known: magnesium, calcium"),
    ("iodine=150ug", "planner does not count iodine"),
    ("potassium=99mg", "--medicine potassium_supplement"),
    ("multivitamin=1", "give each nutrient of the label on its own"),
    ("magnesium glycinat 200 mg", "not a form of magnesium planner knows"),
    ("magnesium=-200mg", "a negative amount"),
    ("magnesium=0mg", "0 is no supplement; to leave out a saved one write magnesium=none"),
    ("magnesium=200", r"such as 200mg \(give a unit: mg or µg\)"),
    ("vitamin_d=1000", r"such as 25ug or 1000IU \(give a unit: mg, µg or IU\)"),
    ("b12=lots", r"'lots' is not an amount with a unit, such as 250ug$"),
    ("magnesium=200kcal", "is not an amount with a unit"),
    ("magnesium=200IU", "IU does not measure magnesium"),
    ("magnesium=nan mg", "is not an amount with a unit"),
    ("magnesium=1e400mg", "is not an amount with a unit"),
    # more than 10 times the UL is a slip of a digit or a unit, or a weekly dose
    ("vitamin_d=50000IU", r"1,250 µg a day, more than 1,000 µg.*weekly dose divided by 7"),
    ("magnesium=40000mg", "more than 3,500 mg"),
    ("b12=20000ug", "more than 10,000 µg"),
    ("=200mg", "has no name"),
    ("", "nothing given"),
    ("magnesium glycinate=none", "write magnesium=none"),
    ("200 mg", "is not NAME=AMOUNT"),
])
def test_a_bad_supplement_is_one_line_naming_it(text: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message) as info:
        parse_supplement(text, "--supplement")
    assert "\n" not in str(info.value) and str(info.value).startswith("--supplement")


def test_names_forms_and_what_the_log_takes_for_a_supplement() -> None:
    assert resolve_name("glycinate magnesium") == (BY_KIND["magnesium"], "glycinate")
    assert resolve_name("Vitamin-D3") == (BY_KIND["vitamin_d"], "d3")
    assert resolve_name("cooked salmon") is None
    assert looks_like_supplement("magnesium glycinate 200 mg")
    assert looks_like_supplement("iodine 150 ug")  # refused with its reason, not a food
    assert not looks_like_supplement("150 g cooked salmon")
    assert not looks_like_supplement("1 cup cooked oatmeal")
    assert not looks_like_supplement("magnesium")  # no amount


def test_flags_replace_the_saved_kind_and_none_drops_it() -> None:
    saved = [Supplement("magnesium", 200, "glycinate"), Supplement("vitamin_d", 25)]
    given, removed = parse_supplements(["magnesium=300mg", "magnesium citrate=100mg"])
    merged = merge_supplements(saved, given, removed)
    assert [(s.kind, s.amount) for s in merged] == [("vitamin_d", 25), ("magnesium", 300),
                                                    ("magnesium", 100)]
    assert amounts(merged)["magnesium_mg"] == 400  # two products add up
    given, removed = parse_supplements(["magnesium=none"])
    assert [s.kind for s in merge_supplements(saved, given, removed)] == ["vitamin_d"]
    # an amount and none for one kind contradict each other, in either order
    for texts in (["vitamin_d=1000 IU", "vitamin_d=none"], ["vitamin_d=none", "vitamin_d=25ug"]):
        with pytest.raises(ProfileError, match="vitamin_d is given both as an amount and as "
                                               "none"):
            parse_supplements(texts)


def test_the_profile_table_reads_back_exactly() -> None:
    taken = [Supplement("magnesium", 200, "glycinate"), Supplement("vitamin_d", 37.5, "d3"),
             Supplement("iron", 65, "ferrous sulfate"), Supplement("folic_acid", 400)]
    table = dict(supplement_table(taken))
    assert table["magnesium glycinate"] == "200 mg" and table["vitamin_d d3"] == "37.5 ug"
    back = supplements_from_mapping(table, "profile.toml")
    assert [(s.kind, s.form, s.amount) for s in back] == [
        (s.kind, s.form, s.amount) for s in taken]
    with pytest.raises(ProfileError, match=r'write the amount with its unit in quotes'):
        supplements_from_mapping({"magnesium": 200}, "profile.toml")


def _uls(sex: str, age_min: int) -> dict[str, float | None]:
    with DRI.open(encoding="utf-8") as handle:
        return {row["nutrient"]: float(row["ul"]) if row["ul"] else None
                for row in csv.DictReader(handle)
                if row["sex"] == sex and int(row["age_min"]) == age_min
                and row["life_stage"] == "general"}


def test_upper_limits_are_the_published_ones_and_named_with_their_source() -> None:
    uls = _uls("female", 31)
    # NIH ODS: magnesium 350 mg from supplements and medicines; vitamin D 100 µg
    # (4,000 IU), calcium 2,500 mg (19-50), iron 45 mg, zinc 40 mg for all sources;
    # folic acid 1,000 µg (synthetic folic acid only)
    assert (uls["magnesium_mg"], uls["vitamin_d_ug"], uls["calcium_mg"], uls["iron_mg"],
            uls["zinc_mg"], uls["folate_dfe_ug"]) == (350, 100, 2500, 45, 40, 1000)
    assert supplement_warnings([Supplement("magnesium", 350)], uls) == ()
    (warning,) = supplement_warnings([Supplement("magnesium", 200),
                                      Supplement("magnesium", 200, "citrate")], uls)
    assert warning.startswith("warning: your magnesium supplements give 400 mg a day, "
                              "above the upper limit of 350 mg for supplements and "
                              "medicines, not food")
    assert "(NIH ODS Magnesium fact sheet)" in warning
    # a UL for food and supplements together: the supplement alone at or over it
    assert supplement_warnings([Supplement("vitamin_d", 99)], uls) == ()
    (warning,) = supplement_warnings([Supplement("vitamin_d", 125)], uls)
    assert "vitamin D supplements alone give 125 µg a day, above the upper limit of " \
           "100 µg for food and supplements together (NIH ODS Vitamin D fact sheet)" in warning
    (warning,) = supplement_warnings([Supplement("folic_acid", 1200)], uls)
    assert "1,200 µg a day, above the upper limit of 1,000 µg for folic acid" in warning
    # a child of 9-13: iron UL 40, zinc 23 (IOM 2001)
    child = _uls("male", 9)
    assert (child["iron_mg"], child["zinc_mg"], child["magnesium_mg"]) == (40, 23, 350)
    assert len(supplement_warnings([Supplement("zinc", 25)], child)) == 1


def test_a_supplement_without_a_unit_is_asked_for_one() -> None:
    assert looks_like_supplement("magnesium 200")  # not taken for a food
    with pytest.raises(ProfileError, match=r"give a unit: mg or µg \(e.g. 'magnesium "
                                           r"200 mg'\)"):
        parse_supplement("magnesium 200")
    with pytest.raises(ProfileError, match=r"give a unit: mg or µg \(e.g. 'b12 500 µg'\)"):
        parse_supplement("b12 500")
    with pytest.raises(ProfileError, match=r"give a unit: mg, µg or IU \(e.g. 'vitamin d "
                                           r"1000 IU'\)"):
        parse_supplement("vitamin d 1000")
