"""The Healthy Eating Index on hand-made totals, scored by hand from the NCI standards."""

from __future__ import annotations

import pytest

from planner.food.catalogue import GROUP_COLUMNS
from planner.meals.quality import healthy_eating_index


def _equivalents(**amounts: float) -> dict[str, float]:
    out = dict.fromkeys((*GROUP_COLUMNS, "added_sugars_g"), 0.0)
    out.update(amounts)
    return out


def test_a_day_at_every_standard_scores_100() -> None:
    # 2,000 kcal: every adequacy density at its standard (x 2), moderation at its best
    eq = _equivalents(fruit_whole_cup=1.6, veg_dark_green_cup=0.4, veg_other_cup=1.8,
                      grain_whole_oz=3.0, grain_refined_oz=3.6, dairy_cup=2.6,
                      protein_meat_oz=3.4, protein_seafood_oz=1.6, added_sugars_g=32.5)
    nutrients = {"energy_kcal": 2000.0, "sodium_mg": 2200.0, "saturated_fat_g": 17.7,
                 "monounsaturated_fat_g": 30.0, "polyunsaturated_fat_g": 14.3}
    quality = healthy_eating_index(eq, nutrients)
    assert quality.total == pytest.approx(100.0, abs=0.01)


def test_partial_scores_are_linear() -> None:
    # 1,000 kcal. Total fruit 0.4 cup-eq (half of 0.8): 2.5 of 5. Refined grains 3.05 oz-eq
    # (halfway 1.8-4.3): 5 of 10. Fatty acid ratio 1.85 (halfway 1.2-2.5): 5 of 10. Sodium
    # 1.55 g (halfway 1.1-2.0): 5 of 10. Saturated fat 12 % of energy: 5 of 10. Added
    # sugars 16.25 % (halfway 6.5-26): 5 of 10.
    eq = _equivalents(fruit_juice_cup=0.4, grain_refined_oz=3.05, added_sugars_g=40.625)
    nutrients = {"energy_kcal": 1000.0, "sodium_mg": 1550.0,
                 "saturated_fat_g": 1000 * 0.12 / 9, "monounsaturated_fat_g": 0.0,
                 "polyunsaturated_fat_g": 1000 * 0.12 / 9 * 1.85}
    points = {c.name: c.points for c in healthy_eating_index(eq, nutrients).components}
    assert points["Total fruits"] == pytest.approx(2.5)
    assert points["Whole fruits"] == 0.0  # juice is not whole fruit
    assert points["Refined grains"] == pytest.approx(5.0)
    assert points["Fatty acids"] == pytest.approx(5.0)
    assert points["Sodium"] == pytest.approx(5.0)
    assert points["Saturated fats"] == pytest.approx(5.0)
    assert points["Added sugars"] == pytest.approx(5.0)


def test_legumes_count_as_vegetables_and_as_protein() -> None:
    # 1,000 kcal with 0.625 cup-eq of beans and nothing else: 2.5 oz-eq of protein (full
    # Total Protein, 5), plant protein 2.5 >= 0.8 (5), greens and beans 0.625 >= 0.2 (5),
    # total vegetables 0.625 of 1.1 (2.84).
    eq = _equivalents(veg_beans_cup=0.625)
    nutrients = {"energy_kcal": 1000.0, "sodium_mg": 0.0, "saturated_fat_g": 1.0,
                 "monounsaturated_fat_g": 1.0, "polyunsaturated_fat_g": 1.0}
    points = {c.name: c.points for c in healthy_eating_index(eq, nutrients).components}
    assert points["Total protein foods"] == pytest.approx(5.0)
    assert points["Seafood and plant proteins"] == pytest.approx(5.0)
    assert points["Greens and beans"] == pytest.approx(5.0)
    assert points["Total vegetables"] == pytest.approx(5 * 0.625 / 1.1)


def test_a_day_with_no_fat_at_all_scores_fatty_acids_0() -> None:
    # 500 kcal of fruit and juice, no fat of any kind: the NCI macro scores the fatty-acid
    # ratio 0 (it is no ratio at all), not the 10 an infinite ratio would earn.
    eq = _equivalents(fruit_whole_cup=2.0, fruit_juice_cup=1.0)
    nutrients = {"energy_kcal": 500.0, "sodium_mg": 10.0, "saturated_fat_g": 0.0,
                 "monounsaturated_fat_g": 0.0, "polyunsaturated_fat_g": 0.0}
    points = {c.name: c.points for c in healthy_eating_index(eq, nutrients).components}
    assert points["Fatty acids"] == 0.0
    assert points["Total fruits"] == 5.0 and points["Saturated fats"] == 10.0
    # some unsaturated fat and no saturated fat is still the best ratio: 10
    oily = {**nutrients, "polyunsaturated_fat_g": 5.0}
    points = {c.name: c.points for c in healthy_eating_index(eq, oily).components}
    assert points["Fatty acids"] == 10.0


def test_a_day_with_no_energy_scores_every_component_0() -> None:
    quality = healthy_eating_index(_equivalents(), {
        "energy_kcal": 0.0, "sodium_mg": 0.0, "saturated_fat_g": 0.0,
        "monounsaturated_fat_g": 0.0, "polyunsaturated_fat_g": 0.0})
    assert quality.total == 0.0  # not 30 (refined grains, sodium and fatty acids at 10)
    assert len(quality.components) == 13
    assert all(c.points == 0.0 and c.value is None for c in quality.components)
    assert any("No energy" in n for n in quality.notes)
