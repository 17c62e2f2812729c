from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from planner.catalogue import (
    ALLERGENS,
    CATALOGUE_FILE,
    CATEGORIES,
    Catalogue,
    find_food,
    generic_catalogue,
    load_catalogue,
    select,
)
from planner.data import FoodTable, bundled_dir, load_foods, write_dataset
from planner.errors import DatasetError, PlanRequestError

NEEDED = ("energy_kcal", "protein_g", "fat_g", "carbohydrate_g", "magnesium_mg", "calcium_mg",
          "potassium_mg", "sodium_mg")


@pytest.fixture(scope="module")
def catalogue(bundled: FoodTable) -> Catalogue:
    return load_catalogue(bundled)


def test_catalogue_size_and_families(catalogue: Catalogue) -> None:
    entries = catalogue.entries
    assert len(entries) >= 150
    assert set(entries["category"]) == set(CATEGORIES)
    assert not catalogue.missing
    names = " ".join(entries["short_name"]).lower()
    for word in ("spinach", "kale", "collard", "chard", "sweet potato", "potato", "broccoli",
                 "banana", "avocado", "apricot", "orange", "almond", "pumpkin seeds", "oatmeal",
                 "lentils", "tofu", "milk", "yogurt", "cheese", "soy milk", "almond milk",
                 "cereal", "orange juice", "salmon", "sardines", "mackerel", "trout", "tuna",
                 "cod", "shrimp", "egg", "beef", "chicken"):
        assert word in names, word


def test_every_row_matches_the_food_table(catalogue: Catalogue, bundled: FoodTable) -> None:
    portions = bundled.portions
    for food_id, row in catalogue.entries.iterrows():
        assert food_id in bundled.foods.index
        measures = portions[portions["food_id"] == food_id]
        labels = {f"{a:g} {d}": g for a, d, g in zip(measures["amount"],
                                                        measures["description"],
                                                        measures["grams"], strict=True)}
        assert labels.get(row["portion_description"]) == row["portion_grams"], food_id
        assert 2 <= row["portion_grams"] <= 500


def test_planner_nutrients_are_known_or_declared(catalogue: Catalogue,
                                                 bundled: FoodTable) -> None:
    values = bundled.foods.loc[catalogue.entries.index]
    assert values[list(NEEDED)].notna().all().all()
    for key in ("vitamin_d_ug", "vitamin_b12_ug"):
        unknown = values.index[values[key].isna()]
        for food_id in unknown:  # an unknown key value must be declared, never silent
            assert key in catalogue.entries.loc[food_id, "notes"], (food_id, key)
        assert len(unknown) <= 10


def test_fortified_products_carry_the_tag(catalogue: Catalogue, bundled: FoodTable) -> None:
    foods = bundled.foods.loc[catalogue.entries.index]
    descriptions = foods["description"].str.lower()
    # Grains have no vitamin B12 of their own: a cereal that has some was fortified.
    cereal = descriptions.str.contains("cereal") & (foods["vitamin_b12_ug"] > 0)
    fortified = cereal | descriptions.str.contains(
        "soymilk|almond milk|rice milk|added calcium|, fortified|calcium sulfate|"
        "veggie burger|vegetarian fillet|with added vitamin")
    tags = catalogue.entries["tags"]
    for food_id in catalogue.entries.index[fortified]:
        assert "fortified" in tags[food_id] or \
            catalogue.entries.loc[food_id, "category"] == "fortified", food_id


def test_diets_and_allergens_are_consistent(catalogue: Catalogue, bundled: FoodTable) -> None:
    e = catalogue.entries
    animal = {"fish": "fish", "shellfish": "shellfish", "dairy": "dairy", "eggs": "egg"}
    for category, allergen in animal.items():
        rows = e[e["category"] == category]
        assert rows["allergens"].map(lambda a, x=allergen: x in a).all(), category
        assert not rows["diets"].map(lambda d: "vegan" in d).any(), category
    meat = e[e["category"].isin(["meat", "poultry"])]
    assert meat["diets"].map(lambda d: d == ("omnivore",)).all()
    descriptions = bundled.foods.loc[e.index, "description"].str.lower()
    peanut = e.index[descriptions.str.contains("peanut")]
    assert all("peanuts" in e.loc[f, "allergens"] for f in peanut)
    assert all(set(a) <= set(ALLERGENS) for a in e["allergens"])


def test_select_by_diet_and_exclusions(catalogue: Catalogue) -> None:
    vegan = select(catalogue, "vegan")
    assert not vegan["category"].isin(["dairy", "eggs", "fish", "meat", "poultry"]).any()
    no_fortified = select(catalogue, "omnivore", ["fortified"])
    assert not no_fortified["tags"].map(lambda t: "fortified" in t).any()
    assert "01082" not in no_fortified.index  # milk with added vitamin D is fortified
    no_fish = select(catalogue, "omnivore", ["fish", "dairy"])
    assert not no_fish["allergens"].map(lambda a: "fish" in a or "dairy" in a).any()
    assert "09040" not in select(catalogue, "omnivore", ["09040"]).index
    assert "09040" not in select(catalogue, "omnivore", ["banana"]).index


@pytest.mark.parametrize("name", ["nuts-and-bolts", "glutenn"])
def test_unknown_exclusion_is_an_error(catalogue: Catalogue, name: str) -> None:
    with pytest.raises(PlanRequestError, match=r"exclude: .* is not an allergen"):
        select(catalogue, "omnivore", [name])


def test_unknown_diet_is_an_error(catalogue: Catalogue) -> None:
    with pytest.raises(PlanRequestError, match=r"diet: 'keto' is not one of"):
        select(catalogue, "keto")


def test_find_food(catalogue: Catalogue) -> None:
    assert find_food(catalogue, "banana") == ["09040"]
    assert find_food(catalogue, "09040") == ["09040"]
    with pytest.raises(PlanRequestError, match="ambiguous"):
        find_food(catalogue, "milk")
    with pytest.raises(PlanRequestError, match="not in the catalogue"):
        find_food(catalogue, "durian")


def _copy_catalogue(tmp_path: Path) -> Path:
    path = tmp_path / CATALOGUE_FILE
    shutil.copy(bundled_dir() / CATALOGUE_FILE, path)
    return path


@pytest.mark.parametrize(("column", "value", "message"), [
    ("category", "sweets", r"column category: unknown category: 'sweets' for food '11457'"),
    ("meal_slots", "brunch", r"column meal_slots: unknown word"),
    ("allergens", "nightshade", r"column allergens: unknown word"),
    ("portion_grams", "9000", r"column portion_grams: grams outside"),
    ("portion_grams", "a lot", r"column portion_grams: non-numeric value 'a lot'"),
    ("step", "0.3", r"column step: must be 0.25, 0.5 or 1"),
])
def test_malformed_catalogue_rows(bundled: FoodTable, tmp_path: Path, column: str, value: str,
                                  message: str) -> None:
    path = _copy_catalogue(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["food_id"] == "11457", column] = value
    frame.to_csv(path, index=False)
    with pytest.raises(DatasetError, match=message):
        load_catalogue(bundled, path)


def test_catalogue_foods_missing_from_a_data_directory_are_listed(
        bundled: FoodTable, tmp_path: Path) -> None:
    keep = bundled.foods.index != "09040"
    table = FoodTable(bundled.foods[keep], bundled.portions[bundled.portions["food_id"]
                                                             != "09040"])
    write_dataset(tmp_path / "data", table, source="test")
    partial = load_catalogue(load_foods(tmp_path / "data"))
    assert partial.missing == ("09040",)
    assert "09040" not in partial.entries.index


def test_generic_catalogue_covers_the_whole_table(bundled: FoodTable) -> None:
    generic = generic_catalogue(bundled)
    assert 8000 < len(generic) < 8789  # spices, powders, leavening agents... left out
    assert "18373" not in generic.entries.index  # cream of tartar (leavening agent)
    assert generic.entries.loc["11457", "portion_description"] == "1 cup"
    with pytest.raises(PlanRequestError, match="no allergen labels"):
        select(generic, "omnivore", ["dairy"])
