from __future__ import annotations

import math
import shutil
import zipfile
from pathlib import Path

import pytest

from planner.errors import DatasetError
from planner.food.data import load_foods, write_dataset
from planner.food.sources import read_fdc_csv, read_fdc_json, read_sr28


def test_sr28_ascii_reader(data_dir: Path) -> None:
    table = read_sr28(data_dir / "sr28_tiny")
    foods = table.foods
    assert list(foods.index) == ["01077", "11457", "15076", "16542"]
    assert foods.loc["11457", "magnesium_mg"] == 79.0
    assert foods.loc["01077", "food_group"] == "Dairy and Egg Products"
    assert math.isnan(foods.loc["15076", "vitamin_d_ug"])  # no 328, no 324 row
    assert foods.loc["16542", "vitamin_d_ug"] == 1.0  # 40 IU / 40
    assert foods.loc["16542", "folate_dfe_ug"] == 50.0  # total folate fallback
    salmon = table.portions[table.portions["food_id"] == "15076"]
    assert salmon[["seq", "amount", "description", "grams"]].values.tolist() == [
        [1, 3.0, "oz", 85.0], [2, 0.5, "fillet", 198.0]]


def test_sr28_reader_rejects_a_short_line(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "sr28"
    shutil.copytree(data_dir / "sr28_tiny", copy)
    with (copy / "WEIGHT.txt").open("a", encoding="latin-1") as handle:
        handle.write("~11457~^9^1\r\n")
    with pytest.raises(DatasetError, match=r"WEIGHT\.txt: line 11: 3 fields, expected 7"):
        read_sr28(copy)


def test_fdc_csv_joins_nutrient_id_not_number(data_dir: Path) -> None:
    table = read_fdc_csv(data_dir / "fdc_csv_tiny")
    foods = table.foods
    assert list(foods.index) == ["09003", "11090", "fdc-2647443"]  # branded food skipped
    assert foods.loc["09003", "calcium_mg"] == 6.0
    assert foods.loc["09003", "fdc_id"] == "171688"
    assert foods.loc["09003", "ndb_number"] == "09003"  # leading zero restored
    assert foods.loc["11090", "vitamin_c_mg"] == 89.2
    assert foods.loc["09003", "source"] == "FDC SR Legacy"
    assert foods.loc["fdc-2647443", "source"] == "FDC Foundation"


def test_fdc_foundation_energy_fallback_and_iu_vitamin_d(data_dir: Path) -> None:
    foods = read_fdc_csv(data_dir / "fdc_csv_tiny").foods
    assert foods.loc["fdc-2647443", "energy_kcal"] == 352.0  # 958, not 957
    assert foods.loc["fdc-2647443", "vitamin_d_ug"] == 1.0  # 40 IU
    assert foods.loc["09003", "vitamin_d_ug"] == 0.0
    assert math.isnan(foods.loc["11090", "vitamin_d_ug"])


def test_fdc_csv_from_zip_equals_directory(data_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "FoodData_Central_csv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in (data_dir / "fdc_csv_tiny").iterdir():
            zf.write(path, f"FoodData_Central_csv_2025-12-18/{path.name}")
    a = read_fdc_csv(archive)
    b = read_fdc_csv(data_dir / "fdc_csv_tiny")
    assert a.foods.equals(b.foods)
    assert a.portions.equals(b.portions)


def test_fdc_csv_portions(data_dir: Path) -> None:
    portions = read_fdc_csv(data_dir / "fdc_csv_tiny").portions
    apple = portions[portions["food_id"] == "09003"]
    assert apple[["seq", "description", "grams"]].values.tolist() == [
        [2, "cup slices", 109.0], [4, 'medium (3" dia)', 182.0]]
    assert portions[portions["food_id"] == "fdc-2647443"]["description"].tolist() == ["RACC"]


def test_fdc_csv_wrong_unit_is_rejected(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "fdc"
    shutil.copytree(data_dir / "fdc_csv_tiny", copy)
    text = (copy / "nutrient.csv").read_text()
    text = text.replace('"Magnesium, Mg","MG"', '"Magnesium, Mg","G"')
    (copy / "nutrient.csv").write_text(text)
    with pytest.raises(DatasetError, match=r"nutrient 1090: unit 'G', expected 'mg'"):
        read_fdc_csv(copy)


def test_fdc_csv_missing_file_and_not_a_zip(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "fdc"
    shutil.copytree(data_dir / "fdc_csv_tiny", copy)
    (copy / "food_nutrient.csv").unlink()
    with pytest.raises(DatasetError, match=r"food_nutrient\.csv: file not found"):
        read_fdc_csv(copy)
    bogus = tmp_path / "x.zip"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(DatasetError, match=r"not a directory or a readable zip"):
        read_fdc_csv(bogus)


def test_fdc_json_matches_fdc_csv(data_dir: Path) -> None:
    from_json = read_fdc_json(data_dir / "fdc_foods_full.json").foods
    from_csv = read_fdc_csv(data_dir / "fdc_csv_tiny").foods
    for food_id, column in [("09003", "calcium_mg"), ("09003", "energy_kcal"),
                            ("fdc-2647443", "energy_kcal"), ("fdc-2647443", "vitamin_d_ug")]:
        assert from_json.loc[food_id, column] == from_csv.loc[food_id, column]
    assert from_json.loc["fdc-2647443", "calcium_mg"] == 690.0


def test_fdc_json_without_food_nutrients_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"fdcId": 1, "description": "x", "dataType": "SR Legacy"}]')
    with pytest.raises(DatasetError, match=r"food 1: no foodNutrients"):
        read_fdc_json(path)
    path.write_text("[{")
    with pytest.raises(DatasetError, match=r"unreadable JSON"):
        read_fdc_json(path)


def test_imported_tables_round_trip_through_the_loader(data_dir: Path, tmp_path: Path) -> None:
    for table in (read_fdc_csv(data_dir / "fdc_csv_tiny"),
                  read_fdc_json(data_dir / "fdc_foods_full.json")):
        out = tmp_path / table.origin.replace("/", "_")
        write_dataset(out, table, source="test")
        loaded = load_foods(out)
        assert list(loaded.foods.index) == sorted(table.foods.index)
