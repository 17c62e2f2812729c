"""Importers: USDA's published formats -> the canonical :class:`~planner.food.data.FoodTable`.

Three formats are read, all into the same canonical tables:

* SR28 ASCII release (``FOOD_DES.txt``, ``NUT_DATA.txt``, ``NUTR_DEF.txt``, ``WEIGHT.txt``,
  ``FD_GROUP.txt``): ``^``-separated, ``~``-quoted, latin-1. Keyed by SR nutrient number.
* FoodData Central bulk CSV (a directory or the downloaded zip): ``food.csv``,
  ``nutrient.csv``, ``food_nutrient.csv``, ``food_portion.csv``, ``measure_unit.csv``,
  ``food_category.csv`` and ``sr_legacy_food.csv`` and/or ``foundation_food.csv``.
  ``food_nutrient.nutrient_id`` joins ``nutrient.id`` (not the nutrient number).
* FoodData Central API JSON in full format (``/v1/foods``), or a bulk JSON download.

Food ids: an SR food keeps its zero-padded NDB number (``"09003"``), so data refreshed
from FDC SR Legacy lines up with the bundled SR28 data and the catalogue. A food without
an SR number (Foundation foods) is ``"fdc-<fdcId>"``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd

from planner.errors import DatasetError, reason
from planner.files import TABLE_TEXT_CAP, read_bytes
from planner.food.data import FoodTable
from planner.food.nutrients import (
    FOOD_ID_COLUMNS,
    NUTRIENT_NAMES,
    PORTION_COLUMNS,
    normalise_unit,
    sources_by,
    to_canonical,
)
from planner.limits import load_json

SR28_SOURCE: Final = "SR28"
#: FDC data types this project reads, as the API names them, with the bulk CSV names.
FDC_DATA_TYPES: Final[Mapping[str, str]] = {
    "Foundation": "foundation_food",
    "SR Legacy": "sr_legacy_food",
}
_SR28_FILES: Final = ("FOOD_DES.txt", "NUT_DATA.txt", "NUTR_DEF.txt", "WEIGHT.txt",
                      "FD_GROUP.txt")


def food_id_for(fdc_id: object, ndb_number: object) -> str:
    """Return the canonical food id: the 5-digit NDB number if there is one, else fdc-<id>."""
    ndb = sr_number(ndb_number)
    if ndb is not None and len(ndb) == 5:
        return ndb
    return f"fdc-{_clean(fdc_id)}"


def sr_number(value: object) -> str | None:
    """An SR NDB number as SR28 writes it (zero-padded to 5 digits; FDC drops the zeros),
    or None when there is none."""
    text = _clean(value)
    return text.zfill(5) if text.isdigit() else None


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def assemble(foods: pd.DataFrame, values: pd.DataFrame, portions: pd.DataFrame,
             origin: str) -> FoodTable:
    """Join descriptive columns, canonical nutrient values and portions into a FoodTable.

    ``foods`` is indexed by food id with the descriptive columns; ``values`` is the output of
    :func:`planner.food.nutrients.to_canonical`, indexed by the same ids.
    """
    wide = values.reindex(foods.index)
    frame = pd.concat([foods[list(FOOD_ID_COLUMNS[1:])], wide[list(NUTRIENT_NAMES)]], axis=1)
    frame.index.name = "food_id"
    for column in FOOD_ID_COLUMNS[1:]:
        frame[column] = frame[column].astype("str").where(frame[column].notna())
    portions = portions[list(PORTION_COLUMNS)].reset_index(drop=True)
    return FoodTable(frame, portions, origin)


# --------------------------------------------------------------------------- SR28 ASCII

def read_sr28(directory: str | Path) -> FoodTable:
    """Read the SR28 ASCII release in ``directory`` into the canonical tables.

    Nutrients SR does not report for a food stay NaN. Vitamin D comes from 328 (µg), or
    324 (IU) / 40 where only IU is given; folate DFE from 435, or total folate 417.
    """
    path = Path(directory)
    for name in _SR28_FILES:
        if not (path / name).is_file():
            raise DatasetError(f"{path / name}: SR28 file not found")
    _check_sr28_units(path / "NUTR_DEF.txt")
    groups = dict(_sr_rows(path / "FD_GROUP.txt", 2))
    foods = pd.DataFrame(
        [(r[0], r[0], None, r[2], groups.get(r[1], r[1]), SR28_SOURCE)
         for r in _sr_rows(path / "FOOD_DES.txt", 14)],
        columns=list(FOOD_ID_COLUMNS)).set_index("food_id")
    long = pd.DataFrame(((r[0], r[1], r[2]) for r in _sr_rows(path / "NUT_DATA.txt", 18)
                         if r[1] in _SR_WANTED), columns=["food", "code", "amount"])
    long["amount"] = pd.to_numeric(long["amount"], errors="raise")
    weights = pd.DataFrame(((r[0], r[1], r[2], r[3], r[4])
                            for r in _sr_rows(path / "WEIGHT.txt", 7)),
                           columns=list(PORTION_COLUMNS))
    weights = weights.astype({"seq": "int64", "amount": "float64", "grams": "float64"})
    return assemble(foods, to_canonical(long, "sr_number"), weights, str(path))


_SR_WANTED: Final = frozenset(sources_by("sr_number"))


def _sr_rows(path: Path, fields: int) -> Iterable[list[str]]:
    with path.open(encoding="latin-1", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="^", quotechar="~"), 1):
            if not row:
                continue
            if len(row) != fields:
                raise DatasetError(f"{path}: line {number}: {len(row)} fields, expected {fields}")
            yield row


def _check_sr28_units(path: Path) -> None:
    expected = sources_by("sr_number")
    for number, unit, *_ in _sr_rows(path, 6):
        src = expected.get(number)
        if src is not None and normalise_unit(unit) != normalise_unit(src.unit):
            raise DatasetError(f"{path}: nutrient {number}: unit {unit!r}, expected {src.unit!r}")


# --------------------------------------------------------------------------- FDC bulk CSV

def read_fdc_csv(source: str | Path) -> FoodTable:
    """Read an FDC bulk CSV download (directory or zip) of SR Legacy and/or Foundation foods."""
    path = Path(source)
    files = _CsvFiles(path)
    nutrients = files.read("nutrient.csv", ["id", "unit_name", "nutrient_nbr"])
    _check_fdc_units(nutrients, f"{path}/nutrient.csv")
    food = files.read("food.csv", ["fdc_id", "data_type", "description", "food_category_id"])
    wanted_types = set(FDC_DATA_TYPES.values())
    food = food[food["data_type"].isin(wanted_types)]
    if food.empty:
        raise DatasetError(f"{path}/food.csv: no SR Legacy or Foundation foods")
    ndb = pd.concat([files.read(name, ["fdc_id", "NDB_number"])
                     for name in ("sr_legacy_food.csv", "foundation_food.csv")
                     if files.has(name)] or [pd.DataFrame(columns=["fdc_id", "NDB_number"])])
    ndb_by_fdc = dict(zip(ndb["fdc_id"], ndb["NDB_number"], strict=True))
    categories = (files.read("food_category.csv", ["id", "description"])
                  if files.has("food_category.csv") else pd.DataFrame(columns=["id",
                                                                                "description"]))
    category_by_id = dict(zip(categories["id"], categories["description"], strict=True))
    ids = {fdc: food_id_for(fdc, ndb_by_fdc.get(fdc)) for fdc in food["fdc_id"]}
    foods = pd.DataFrame({
        "food_id": [ids[f] for f in food["fdc_id"]],
        "ndb_number": [sr_number(ndb_by_fdc.get(f)) for f in food["fdc_id"]],
        "fdc_id": list(food["fdc_id"]),
        "description": list(food["description"]),
        "food_group": [category_by_id.get(c) for c in food["food_category_id"]],
        "source": ["FDC " + _type_label(t) for t in food["data_type"]],
    }).set_index("food_id")
    _unique_ids(foods, f"{path}/food.csv")
    fn = files.read("food_nutrient.csv", ["fdc_id", "nutrient_id", "amount"])
    fn = fn[fn["fdc_id"].isin(ids.keys())]
    long = pd.DataFrame({"food": fn["fdc_id"].map(ids), "code": fn["nutrient_id"],
                         "amount": _numbers(fn["amount"], f"{path}/food_nutrient.csv", "amount")})
    portions = _fdc_csv_portions(files, ids, path)
    return assemble(foods, to_canonical(long.dropna(subset=["amount"]), "fdc_id"), portions,
                    str(path))


def _fdc_csv_portions(files: _CsvFiles, ids: Mapping[str, str], path: Path) -> pd.DataFrame:
    if not files.has("food_portion.csv"):
        return pd.DataFrame(columns=list(PORTION_COLUMNS))
    fp = files.read("food_portion.csv", ["fdc_id", "seq_num", "amount", "measure_unit_id",
                                         "portion_description", "modifier", "gram_weight"])
    fp = fp[fp["fdc_id"].isin(ids.keys())]
    units = (files.read("measure_unit.csv", ["id", "name"]) if files.has("measure_unit.csv")
             else pd.DataFrame(columns=["id", "name"]))
    unit_by_id = dict(zip(units["id"], units["name"], strict=True))
    rows = []
    for position, rec in enumerate(fp.itertuples(index=False)):
        rows.append(_portion_row(ids[str(rec.fdc_id)], rec.seq_num, position, rec.amount,
                                 unit_by_id.get(rec.measure_unit_id), rec.modifier,
                                 rec.portion_description, rec.gram_weight))
    return _portion_frame(rows, f"{path}/food_portion.csv")


class _CsvFiles:
    """The CSV files of a bulk download, from a directory or a zip (any folder depth)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.members: dict[str, str] = {}
        if path.is_dir():
            self.members = {p.name: str(p) for p in path.rglob("*.csv")}
            self.zip: zipfile.ZipFile | None = None
        elif path.is_file():
            try:
                self.zip = zipfile.ZipFile(path)
                self.members = {Path(n).name: n for n in self.zip.namelist() if n.endswith(".csv")}
            except (zipfile.BadZipFile, OSError) as exc:
                raise DatasetError(f"{path}: not a directory or a readable zip ({exc})") from exc
        else:
            raise DatasetError(f"{path}: not found")

    def has(self, name: str) -> bool:
        return name in self.members

    def read(self, name: str, columns: Sequence[str]) -> pd.DataFrame:
        where = f"{self.path}/{name}"
        if name not in self.members:
            raise DatasetError(f"{where}: file not found in the download")
        try:
            if self.zip is not None:
                with self.zip.open(self.members[name]) as raw:
                    frame = pd.read_csv(io.TextIOWrapper(raw, encoding="utf-8"), dtype=str,
                                        keep_default_na=False, na_values=[""])
            else:
                frame = pd.read_csv(self.members[name], dtype=str, keep_default_na=False,
                                    na_values=[""], encoding="utf-8")
        except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
            raise DatasetError(f"{where}: unreadable ({reason(exc)})") from exc
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise DatasetError(f"{where}: missing column {missing[0]}")
        return frame


def _check_fdc_units(nutrients: pd.DataFrame, where: str) -> None:
    expected = sources_by("fdc_id")
    for nid, unit in zip(nutrients["id"], nutrients["unit_name"], strict=True):
        src = expected.get(str(nid))
        if src is not None and normalise_unit(str(unit)) != normalise_unit(src.unit):
            raise DatasetError(f"{where}: nutrient {nid}: unit {unit!r}, expected {src.unit!r}")


def _type_label(data_type: str) -> str:
    return {v: k for k, v in FDC_DATA_TYPES.items()}.get(data_type, data_type)


def _numbers(series: pd.Series, where: str, column: str) -> pd.Series:
    parsed = pd.to_numeric(series, errors="coerce")
    bad = parsed.isna() & series.notna()
    if bad.any():
        raise DatasetError(f"{where}: column {column}: non-numeric value "
                           f"{series[bad].iloc[0]!r}")
    return parsed


def _unique_ids(foods: pd.DataFrame, where: str) -> None:
    if not foods.index.is_unique:
        dup = foods.index[foods.index.duplicated()][0]
        raise DatasetError(f"{where}: two foods map to id {dup!r}")


def _portion_row(food_id: str, seq: object, position: int, amount: object, unit: object,
                 modifier: object, description: object, grams: object) -> tuple[Any, ...]:
    unit_text = _clean(unit)
    if unit_text.lower() in ("undetermined", ""):
        unit_text = ""
    words = [w for w in (unit_text, _clean(modifier), _clean(description)) if w]
    # Foundation rows often carry only a RACC ("reference amount customarily consumed").
    label = " ".join(dict.fromkeys(words)) or "serving"
    seq_text = _clean(seq)
    return (food_id, int(seq_text) if seq_text.isdigit() else position + 1,
            _clean(amount) or "1", label, _clean(grams))


def _portion_frame(rows: list[tuple[Any, ...]], where: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(PORTION_COLUMNS))
    frame["amount"] = _numbers(frame["amount"], where, "amount")
    frame["grams"] = _numbers(frame["grams"], where, "gram_weight")
    frame = frame[frame["grams"].notna() & (frame["grams"] > 0) & (frame["amount"] > 0)]
    frame = frame.astype({"seq": "int64", "amount": "float64", "grams": "float64"})
    # FDC repeats or omits sequence numbers now and then; renumber those foods only.
    clash = frame["food_id"].isin(frame.loc[frame.duplicated(["food_id", "seq"]), "food_id"])
    frame.loc[clash, "seq"] = frame[clash].groupby("food_id").cumcount() + 1
    return frame.sort_values(["food_id", "seq"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- FDC JSON

def foods_from_fdc_json(items: Sequence[Mapping[str, Any]], origin: str = "FDC API"
                        ) -> FoodTable:
    """Convert FDC food items in full format (``/v1/foods``) into the canonical tables.

    Raises :class:`DatasetError` for an item without ``fdcId``, ``description`` or a
    ``foodNutrients`` list, or with a nutrient in an unexpected unit.
    """
    expected = sources_by("fdc_id")
    described, values, portions = [], [], []
    for position, item in enumerate(items):
        if not isinstance(item, Mapping) or "fdcId" not in item:
            raise DatasetError(f"{origin}: item {position}: not a food (no fdcId)")
        fdc = _clean(item["fdcId"])
        nutrients = item.get("foodNutrients")
        if not isinstance(nutrients, list) or not item.get("description"):
            missing = "foodNutrients" if not isinstance(nutrients, list) else "description"
            raise DatasetError(f"{origin}: food {fdc}: no {missing} in the response")
        food_id = food_id_for(fdc, item.get("ndbNumber"))
        category = item.get("foodCategory")
        group = category.get("description") if isinstance(category, Mapping) else category
        described.append((food_id, sr_number(item.get("ndbNumber")), fdc,
                          str(item["description"]), group,
                          "FDC " + str(item.get("dataType", "")).strip()))
        for entry in nutrients:
            nutrient = entry.get("nutrient") if isinstance(entry, Mapping) else None
            amount = entry.get("amount") if isinstance(entry, Mapping) else None
            if not isinstance(nutrient, Mapping) or amount is None:
                continue
            nid = _clean(nutrient.get("id"))
            src = expected.get(nid)
            if src is None:
                continue
            unit = nutrient.get("unitName")
            if unit and normalise_unit(str(unit)) != normalise_unit(src.unit):
                raise DatasetError(f"{origin}: food {fdc}: nutrient {nid} in {unit!r}, "
                                   f"expected {src.unit!r}")
            if not isinstance(amount, int | float) or isinstance(amount, bool):
                raise DatasetError(f"{origin}: food {fdc}: nutrient {nid}: non-numeric "
                                   f"amount {amount!r}")
            values.append((food_id, nid, float(amount)))
        for index, portion in enumerate(item.get("foodPortions") or []):
            if not isinstance(portion, Mapping):
                continue
            unit = portion.get("measureUnit")
            unit_name = unit.get("name") if isinstance(unit, Mapping) else None
            portions.append(_portion_row(food_id, portion.get("sequenceNumber"), index,
                                         portion.get("amount"), unit_name,
                                         portion.get("modifier"),
                                         portion.get("portionDescription"),
                                         portion.get("gramWeight")))
    foods = pd.DataFrame(described, columns=list(FOOD_ID_COLUMNS)).set_index("food_id")
    _unique_ids(foods, origin)
    long = pd.DataFrame(values, columns=["food", "code", "amount"])
    return assemble(foods, to_canonical(long, "fdc_id"), _portion_frame(portions, origin),
                    origin)


def read_fdc_json(path: str | Path) -> FoodTable:
    """Read an FDC bulk JSON download (``{"FoundationFoods": [...]}`` etc.) or a JSON list."""
    file = Path(path)
    data = read_bytes(file, limit=TABLE_TEXT_CAP, error=DatasetError, what="FDC JSON file")
    document = load_json(data, str(file), DatasetError, invalid="unreadable JSON")
    if isinstance(document, dict):
        lists = [v for v in document.values() if isinstance(v, list)]
        items: list[Any] = [item for chunk in lists for item in chunk]
    elif isinstance(document, list):
        items = document
    else:
        raise DatasetError(f"{file}: expected a list of foods or an object holding one")
    return foods_from_fdc_json(items, origin=str(file))
