from __future__ import annotations

import gzip
import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.errors import DatasetError
from planner.food.data import (
    FOODS_FILE,
    MANIFEST_FILE,
    PORTIONS_FILE,
    FoodTable,
    bundled_dir,
    coverage,
    load_foods,
    write_dataset,
)
from planner.food.sources import read_sr28

# Values per 100 g, read off SR28 NUT_DATA.txt by hand.
SR28_PINS = [
    ("11457", "magnesium_mg", 79.0),  # Spinach, raw
    ("11457", "calcium_mg", 99.0),
    ("11457", "potassium_mg", 558.0),
    ("15076", "vitamin_b12_ug", 3.18),  # Salmon, Atlantic, wild, raw
    ("15076", "potassium_mg", 490.0),
    ("01077", "vitamin_d_ug", 1.3),  # Milk, whole, with added vitamin D
    ("01077", "calcium_mg", 113.0),
    ("09040", "potassium_mg", 358.0),  # Bananas, raw
    ("12061", "magnesium_mg", 270.0),  # Almonds
]


def test_bundled_table_has_every_sr28_food(bundled: FoodTable) -> None:
    assert len(bundled.foods) == 8789
    assert len(bundled.portions) == 15438
    assert bundled.foods.index.is_unique


@pytest.mark.parametrize(("food_id", "nutrient", "value"), SR28_PINS)
def test_bundled_values_match_sr28(bundled: FoodTable, food_id: str, nutrient: str,
                                   value: float) -> None:
    assert bundled.foods.loc[food_id, nutrient] == pytest.approx(value)


def test_missing_sr28_values_are_nan_not_zero(bundled: FoodTable) -> None:
    # SR28 reports no vitamin D for wild Atlantic salmon.
    assert math.isnan(bundled.foods.loc["15076", "vitamin_d_ug"])
    # ... and spinach's vitamin D is a reported zero, which stays zero.
    assert bundled.foods.loc["11457", "vitamin_d_ug"] == 0.0


def test_bundled_identity_columns(bundled: FoodTable) -> None:
    row = bundled.foods.loc["11457"]
    assert row["ndb_number"] == "11457"
    assert row["description"] == "Spinach, raw"
    assert row["food_group"] == "Vegetables and Vegetable Products"
    assert row["source"] == "SR28"
    assert pd.isna(row["fdc_id"])
    cup = bundled.portions[(bundled.portions["food_id"] == "11457")
                           & (bundled.portions["description"] == "cup")]
    assert cup["grams"].tolist() == [30.0]


def test_bundle_stays_small() -> None:
    size = sum(f.stat().st_size for f in bundled_dir().glob("*.gz"))
    assert size <= 2_000_000


def test_coverage_counts_known_values(bundled: FoodTable) -> None:
    cov = coverage(bundled.foods).set_index("nutrient")
    assert cov.loc["energy_kcal", "known"] == 8789
    assert cov.loc["vitamin_d_ug", "known"] == bundled.foods["vitamin_d_ug"].notna().sum()
    assert cov.loc["vitamin_d_ug", "missing"] > 0
    assert (cov["known"] + cov["missing"] == 8789).all()


# ---------------------------------------------------------------- write / read round trip

@pytest.fixture()
def tiny(data_dir: Path) -> FoodTable:
    return read_sr28(data_dir / "sr28_tiny")


@pytest.fixture()
def tiny_dir(tmp_path: Path, tiny: FoodTable) -> Path:
    out = tmp_path / "data"
    write_dataset(out, tiny, source="test")
    return out


def test_round_trip_keeps_values_and_nans(tiny: FoodTable, tiny_dir: Path) -> None:
    loaded = load_foods(tiny_dir)
    pd.testing.assert_frame_equal(loaded.foods, tiny.foods.sort_index(), check_dtype=False)
    assert math.isnan(loaded.foods.loc["15076", "vitamin_d_ug"])
    assert len(loaded.portions) == len(tiny.portions)


def test_writing_twice_is_byte_identical(tiny: FoodTable, tmp_path: Path) -> None:
    write_dataset(tmp_path / "a", tiny, source="test")
    write_dataset(tmp_path / "b", tiny, source="test")
    for name in (FOODS_FILE, PORTIONS_FILE, MANIFEST_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_write_leaves_no_temporary_files(tiny_dir: Path) -> None:
    assert sorted(p.name for p in tiny_dir.iterdir()) == sorted(
        [FOODS_FILE, PORTIONS_FILE, MANIFEST_FILE])


def test_invalid_table_is_not_written_and_old_files_survive(tiny: FoodTable,
                                                            tiny_dir: Path) -> None:
    before = (tiny_dir / FOODS_FILE).read_bytes()
    foods = tiny.foods.copy()
    foods.loc["11457", "calcium_mg"] = -1.0
    with pytest.raises(DatasetError, match="calcium_mg"):
        write_dataset(tiny_dir, FoodTable(foods, tiny.portions), source="test")
    assert (tiny_dir / FOODS_FILE).read_bytes() == before


# ---------------------------------------------------------------- malformed inputs

def _rewrite_foods(directory: Path, edit: object) -> None:
    path = directory / FOODS_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = edit(frame)  # type: ignore[operator]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        frame.to_csv(handle, index=False)
    (directory / MANIFEST_FILE).unlink()


def _set(column: str, row: int, value: str):  # type: ignore[no-untyped-def]
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row, column] = value
        return frame
    return edit


@pytest.mark.parametrize(("edit", "message"), [
    (lambda f: f.drop(columns=["magnesium_mg"]), r"foods\.csv\.gz: missing column magnesium_mg"),
    (lambda f: f.rename(columns={"magnesium_mg": "magnesium_g"}),
     r"missing column magnesium_mg"),
    (lambda f: f.assign(vitamin_d_iu="1"), r"unknown column vitamin_d_iu \(did you mean "
                                            r"vitamin_d_ug\?\)"),
    (_set("calcium_mg", 1, "lots"), r"column calcium_mg: non-numeric value 'lots' in row 3"),
    (_set("potassium_mg", 0, "-5"), r"column potassium_mg: negative amount -5 for food '01077'"),
    (_set("magnesium_mg", 0, "79000000"), r"column magnesium_mg: impossible amount"),
    (_set("protein_g", 0, "3150"), r"column protein_g: impossible amount"),
    (_set("food_id", 1, "01077"), r"column food_id: duplicate id '01077'"),
])
def test_malformed_foods_give_one_line_error_naming_file_and_column(
        tiny_dir: Path, edit: object, message: str) -> None:
    _rewrite_foods(tiny_dir, edit)
    with pytest.raises(DatasetError, match=message) as info:
        load_foods(tiny_dir)
    assert "\n" not in str(info.value)


def test_truncated_gzip_is_a_clear_error(tiny_dir: Path) -> None:
    path = tiny_dir / FOODS_FILE
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(DatasetError, match=r"foods\.csv\.gz: contents differ from the "
                                           r"sha256 in manifest\.json"):
        load_foods(tiny_dir)
    (tiny_dir / MANIFEST_FILE).unlink()  # without a manifest, the parser still catches it
    with pytest.raises(DatasetError, match=r"foods\.csv\.gz: unreadable"):
        load_foods(tiny_dir)


def _drop_checksums(directory: Path) -> None:
    path = directory / MANIFEST_FILE
    manifest = json.loads(path.read_text())
    for entry in manifest["files"].values():
        del entry["sha256"]
    path.write_text(json.dumps(manifest))


def test_a_file_changed_since_its_manifest_is_named(tiny_dir: Path) -> None:
    path = tiny_dir / PORTIONS_FILE
    lines = gzip.decompress(path.read_bytes()).decode().replace(",30.0", ",31.0")
    path.write_bytes(gzip.compress(lines.encode()))
    with pytest.raises(DatasetError, match=r"portions\.csv\.gz: contents differ from the "
                                           r"sha256 .* rebuild or refresh"):
        load_foods(tiny_dir)


@pytest.mark.parametrize(("files", "message"), [
    ({"foods.csv.gz": 5}, r"entry for 'foods\.csv\.gz' must be"),
    ({"foods.csv.gz": {"rows": "many"}}, r"entry for 'foods\.csv\.gz' must be"),
    ({"foods.csv.gz": {"sha256": "abc"}}, r"entry for 'foods\.csv\.gz' must be"),
    ([1, 2], r'"files" must map'),
])
def test_malformed_manifest_entries_are_one_line_errors(tiny_dir: Path, files: object,
                                                         message: str) -> None:
    path = tiny_dir / MANIFEST_FILE
    manifest = json.loads(path.read_text())
    manifest["files"] = files
    path.write_text(json.dumps(manifest))
    with pytest.raises(DatasetError, match=message):
        load_foods(tiny_dir)


def test_oversized_manifest_is_refused_before_reading(tiny_dir: Path) -> None:
    path = tiny_dir / MANIFEST_FILE
    with path.open("wb") as handle:  # sparse: 2 GB on paper, nothing on disk
        handle.truncate(2 * 1024**3)
    with pytest.raises(DatasetError, match=r"manifest\.json: 2048 MiB is larger than the "
                                           r"1 MiB a manifest may have"):
        load_foods(tiny_dir)


def test_a_gzip_bomb_is_refused_without_unpacking_it(tiny_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.food.data

    monkeypatch.setattr(planner.food.data, "TABLE_TEXT_CAP", 1024 * 1024)
    (tiny_dir / MANIFEST_FILE).unlink()
    (tiny_dir / FOODS_FILE).write_bytes(gzip.compress(b"food_id," + b"x" * 8 * 1024 * 1024))
    with pytest.raises(DatasetError, match=r"foods\.csv\.gz: unpacks to more than 1 MiB"):
        load_foods(tiny_dir)


def test_a_table_that_is_not_a_regular_file_is_refused(tiny_dir: Path) -> None:
    path = tiny_dir / FOODS_FILE
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(DatasetError, match=r"foods\.csv\.gz: not a regular file"):
        load_foods(tiny_dir)


def test_garbage_file_is_a_clear_error(tiny_dir: Path) -> None:
    (tiny_dir / PORTIONS_FILE).write_bytes(b"\x00\xff not gzip at all")
    (tiny_dir / MANIFEST_FILE).unlink()
    with pytest.raises(DatasetError, match=r"portions\.csv\.gz: unreadable"):
        load_foods(tiny_dir)


def test_truncated_at_a_row_boundary_is_caught_by_the_manifest(tiny_dir: Path) -> None:
    path = tiny_dir / FOODS_FILE
    lines = gzip.decompress(path.read_bytes()).decode().splitlines(keepends=True)
    path.write_bytes(gzip.compress("".join(lines[:-1]).encode()))
    _drop_checksums(tiny_dir)
    with pytest.raises(DatasetError, match=r"3 rows, manifest says 4"):
        load_foods(tiny_dir)


def test_manifest_with_a_wrong_unit_is_rejected(tiny_dir: Path) -> None:
    path = tiny_dir / MANIFEST_FILE
    path.write_text(path.read_text().replace('"vitamin_d_ug": "ug"', '"vitamin_d_ug": "IU"'))
    with pytest.raises(DatasetError, match=r"vitamin_d_ug: unit 'IU', expected 'ug'"):
        load_foods(tiny_dir)


def test_corrupt_manifest_is_rejected(tiny_dir: Path) -> None:
    (tiny_dir / MANIFEST_FILE).write_text("{not json")
    with pytest.raises(DatasetError, match=r"manifest\.json: unreadable manifest"):
        load_foods(tiny_dir)


def test_portion_for_unknown_food_and_bad_grams(tiny_dir: Path, tiny: FoodTable) -> None:
    portions = tiny.portions.copy()
    portions.loc[0, "grams"] = 0.0
    with pytest.raises(DatasetError, match=r"column grams: missing or non-positive"):
        write_dataset(tiny_dir, FoodTable(tiny.foods, portions), source="t")
    portions = tiny.portions.copy()
    portions.loc[0, "food_id"] = "99999"
    with pytest.raises(DatasetError, match=r"'99999' is not in foods\.csv\.gz"):
        write_dataset(tiny_dir, FoodTable(tiny.foods, portions), source="t")


def test_missing_directory_and_missing_file(tmp_path: Path, tiny_dir: Path) -> None:
    with pytest.raises(DatasetError, match=r"data directory not found"):
        load_foods(tmp_path / "nope")
    (tiny_dir / PORTIONS_FILE).unlink()
    with pytest.raises(DatasetError, match=r"portions\.csv\.gz: file not found"):
        load_foods(tiny_dir)


def test_hand_made_directory_without_manifest_loads(tiny_dir: Path) -> None:
    (tiny_dir / MANIFEST_FILE).unlink()
    assert len(load_foods(tiny_dir).foods) == 4


def test_bundled_readme_records_the_real_checksums_and_counts() -> None:
    import hashlib
    import json

    directory = bundled_dir()
    readme = (Path(__file__).parent.parent / "datasets" / "README.md").read_text()
    manifest = json.loads((directory / MANIFEST_FILE).read_text())
    for name in (FOODS_FILE, PORTIONS_FILE):
        digest = hashlib.sha256((directory / name).read_bytes()).hexdigest()
        assert digest == manifest["files"][name]["sha256"]
        assert digest in readme
        assert f"{manifest['files'][name]['rows']:,}" in readme


def test_copy_of_bundle_loads_identically(tmp_path: Path, bundled: FoodTable) -> None:
    shutil.copytree(bundled_dir(), tmp_path / "copy")
    again = load_foods(tmp_path / "copy")
    assert np.array_equal(again.foods.index, bundled.foods.index)
