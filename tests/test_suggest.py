"""Food rankings: absorbed calcium is shown with its absorption fraction, never as a share
of the RDA (which is set for calcium eaten)."""

from __future__ import annotations

import json

import pytest

from planner.food.catalogue import Catalogue
from planner.food.data import FoodTable
from planner.output.report import format_foods
from planner.person.profile import make_profile
from planner.person.targets import compute_targets
from planner.planning.suggest import rank_foods


@pytest.fixture(scope="module")
def absorbed(bundled: FoodTable, catalogue: Catalogue):  # type: ignore[no-untyped-def]
    targets = compute_targets(make_profile("female", 40))
    return rank_foods(bundled, catalogue, targets, "calcium", top=8, absorbable=True)


def test_absorbed_calcium_is_no_share_of_the_rda(absorbed, bundled: FoodTable,  # type: ignore[no-untyped-def]
                                                 catalogue: Catalogue) -> None:
    assert absorbed.target is None
    assert absorbed.foods and all(f.target_share is None for f in absorbed.foods)
    entries = catalogue.entries
    for f in absorbed.foods:  # absorbed = calcium eaten x the catalogue's fraction
        fraction = float(entries.at[f.food_id, "calcium_absorption"])
        eaten = float(bundled.foods.at[f.food_id, "calcium_mg"]) * f.portion_grams / 100
        assert f.absorption == pytest.approx(fraction)
        assert f.per_portion == pytest.approx(eaten * fraction)


def test_absorbed_calcium_table_shows_the_fraction_and_its_source(absorbed) -> None:  # type: ignore[no-untyped-def]
    text = format_foods(absorbed)
    assert "absorbed %" in text and "% target" not in text
    assert "Weaver et al." in text and "not shown as a share of the RDA" in text
    first = absorbed.foods[0]
    row = next(line for line in text.splitlines() if line.startswith("1 "))
    assert f"{100 * (first.absorption or 0):.0f} %" in row
    doc = json.loads(format_foods(absorbed, "json"))
    assert doc["target"] is None
    assert all(f["percent_of_target"] is None and 0 < f["absorption"] <= 1
               for f in doc["foods"])


def test_calcium_eaten_is_still_a_share_of_the_rda(bundled: FoodTable,
                                                   catalogue: Catalogue) -> None:
    targets = compute_targets(make_profile("female", 40))
    eaten = rank_foods(bundled, catalogue, targets, "calcium", top=3)
    assert eaten.target == 1000
    assert all(f.target_share == pytest.approx(f.per_portion / 1000) for f in eaten.foods)
    assert "% target" in format_foods(eaten)
