"""Read, validate and write food tables in the canonical format.

A data directory holds:

``foods.csv.gz``
    one row per food: ``food_id, ndb_number, fdc_id, description, food_group, source``
    then one column per canonical nutrient (see :mod:`planner.food.nutrients`), amount per
    100 g edible portion. An empty cell is a value USDA does not report (NaN), not zero.
``portions.csv.gz``
    household measures: ``food_id, seq, amount, description, grams`` (``amount`` of
    ``description`` weighs ``grams``; "1", "cup", 30.0).
``manifest.json`` (optional for hand-made directories)
    format version, source, the unit of every nutrient column and the row count and
    SHA-256 of each table; the loader checks units and row counts against it.

Everything here is a pure function of its arguments; nothing is cached at module level.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from planner.errors import DatasetError, reason
from planner.files import (
    SMALL_FILE_CAP,
    TABLE_FILE_CAP,
    TABLE_TEXT_CAP,
    atomic_write_bytes,
    gunzip,
    read_bytes,
)
from planner.food.nutrients import (
    BY_NAME,
    FOOD_ID_COLUMNS,
    NUTRIENT_NAMES,
    PORTION_COLUMNS,
    suggest,
)
from planner.limits import LINE_BREAKS, UNSAFE_TEXT, clean_text, load_json

FOODS_FILE: Final = "foods.csv.gz"
PORTIONS_FILE: Final = "portions.csv.gz"
MANIFEST_FILE: Final = "manifest.json"
FORMAT: Final = "planner.dataset/1"

_TEXT_FOOD_COLUMNS: Final = FOOD_ID_COLUMNS
_READ_ERRORS: Final = (OSError, EOFError, zlib.error, UnicodeDecodeError,
                       pd.errors.ParserError, pd.errors.EmptyDataError)


@dataclass(frozen=True)
class FoodTable:
    """The canonical food tables.

    ``foods`` is indexed by ``food_id`` (text) with columns ``ndb_number, fdc_id,
    description, food_group, source`` and the nutrient columns (float, per 100 g, NaN when
    unknown). ``portions`` has columns ``food_id, seq, amount, description, grams``.
    ``origin`` says where the tables came from, for messages.
    """

    foods: pd.DataFrame
    portions: pd.DataFrame
    origin: str = ""


def bundled_dir() -> Path:
    """Return the directory of the bundled SR28 tables (in a wheel or a source checkout)."""
    here = Path(__file__).resolve().parent.parent  # the planner package
    for candidate in (here / "datasets", here.parent / "datasets"):
        if (candidate / FOODS_FILE).is_file():
            return candidate
    raise DatasetError(f"bundled data not found next to {here}; reinstall planner")


def load_foods(directory: str | os.PathLike[str] | None = None) -> FoodTable:
    """Return the validated food tables from ``directory`` (default: the bundled SR28 data).

    Raises :class:`DatasetError` naming the file and column for a missing directory or
    file, a corrupt or truncated file, a missing or unknown column, a non-numeric or
    negative value, an impossible amount per 100 g (a unit error), or a duplicate id.
    """
    path = bundled_dir() if directory is None else Path(directory)
    if not path.is_dir():
        raise DatasetError(f"{path}: data directory not found")
    manifest = _read_manifest(path / MANIFEST_FILE)
    foods = _read_foods(_table_bytes(path / FOODS_FILE, manifest))
    portions = _read_portions(_table_bytes(path / PORTIONS_FILE, manifest))
    table = FoodTable(foods, portions, str(path))
    validate(table, where=str(path))
    if manifest is not None:
        _check_manifest(manifest, table, path)
    return table


def validate(table: FoodTable, where: str = "food table") -> None:
    """Check a food table's schema and values; raise :class:`DatasetError` on the first fault."""
    foods, portions = table.foods, table.portions
    ffile, pfile = f"{where}/{FOODS_FILE}", f"{where}/{PORTIONS_FILE}"
    _check_columns(ffile, [foods.index.name, *foods.columns], ("food_id", *FOOD_ID_COLUMNS[1:],
                                                                *NUTRIENT_NAMES))
    _check_columns(pfile, list(portions.columns), PORTION_COLUMNS)
    if foods.index.hasnans or (foods.index == "").any():
        raise DatasetError(f"{ffile}: column food_id: empty id")
    if not foods.index.is_unique:
        dup = foods.index[foods.index.duplicated()][0]
        raise DatasetError(f"{ffile}: column food_id: duplicate id {dup!r}")
    values = foods[list(NUTRIENT_NAMES)]
    for name in NUTRIENT_NAMES:
        if not pd.api.types.is_float_dtype(values[name]):
            raise DatasetError(f"{ffile}: column {name}: not numeric")
    array = values.to_numpy()
    with np.errstate(invalid="ignore"):
        negative = array < 0
        too_big = array > np.array([BY_NAME[n].max_per_100g for n in NUTRIENT_NAMES])
    for mask, what in ((negative, "negative amount"), (too_big, "impossible amount per 100 g "
                                                        "(wrong unit?)")):
        if mask.any():
            row, col = map(int, np.argwhere(mask)[0])
            raise DatasetError(f"{ffile}: column {NUTRIENT_NAMES[col]}: {what} "
                               f"{array[row, col]:g} for food {foods.index[row]!r}")
    for name in ("seq", "amount", "grams"):
        if not pd.api.types.is_numeric_dtype(portions[name]):
            raise DatasetError(f"{pfile}: column {name}: not numeric")
        bad = portions[name].isna() | (portions[name] <= 0 if name != "seq" else
                                       portions[name] < 0)
        if bad.any():
            first = portions[bad].iloc[0]
            raise DatasetError(f"{pfile}: column {name}: missing or non-positive value "
                               f"{first[name]!r} for food {first['food_id']!r}")
    # a hash lookup: Series.isin on Arrow-backed strings (pandas 3) loops in Python, 60 ms
    unknown = foods.index.get_indexer(pd.Index(portions["food_id"])) < 0
    if unknown.any():
        raise DatasetError(f"{pfile}: column food_id: {portions['food_id'][unknown].iloc[0]!r} "
                           f"is not in {FOODS_FILE}")
    dup = portions.duplicated(["food_id", "seq"])
    if dup.any():
        first = portions[dup].iloc[0]
        raise DatasetError(f"{pfile}: columns food_id, seq: duplicate portion "
                           f"({first['food_id']!r}, {first['seq']})")


def coverage(foods: pd.DataFrame) -> pd.DataFrame:
    """Return how many foods report each nutrient.

    Columns: ``nutrient``, ``known`` (foods with a value), ``missing`` (foods without),
    ``percent`` (known / all x 100), one row per canonical nutrient in registry order.
    """
    known = foods[list(NUTRIENT_NAMES)].notna().sum()
    total = len(foods)
    return pd.DataFrame({
        "nutrient": list(NUTRIENT_NAMES),
        "known": known.to_numpy(),
        "missing": (total - known).to_numpy(),
        "percent": (known / total * 100 if total else known * 0.0).round(1).to_numpy(),
    })


def write_dataset(directory: str | os.PathLike[str], table: FoodTable, *,
                  source: str, writer: str | None = None) -> dict[str, Any]:
    """Write ``table`` into ``directory`` in the canonical format and return the manifest.

    ``writer`` names the program that owns the directory (the FDC refresh marks its folders
    so that it replaces only folders it wrote itself).

    The table is validated first. Each file is written to a temporary file beside it and
    renamed into place, the manifest last, so a crash never leaves a half-written file.
    Output is byte-identical for identical tables (gzip without a timestamp, fixed float
    format, rows sorted by id).
    """
    validate(table, where=str(directory))
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    foods = table.foods.sort_index(kind="stable")
    portions = table.portions.sort_values(["food_id", "seq"], kind="stable")
    blobs = {FOODS_FILE: _gzip_csv(foods, index=True), PORTIONS_FILE:
             _gzip_csv(portions, index=False)}
    manifest = {
        "format": FORMAT,
        "source": source,
        **({"writer": writer} if writer else {}),
        "units": {name: BY_NAME[name].unit for name in NUTRIENT_NAMES},
        "files": {
            FOODS_FILE: {"rows": len(foods), "sha256": hashlib.sha256(blobs[FOODS_FILE])
                         .hexdigest()},
            PORTIONS_FILE: {"rows": len(portions), "sha256": hashlib.sha256(
                blobs[PORTIONS_FILE]).hexdigest()},
        },
    }
    for name, blob in blobs.items():
        atomic_write_bytes(path / name, blob)
    atomic_write_bytes(path / MANIFEST_FILE,
                       (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
    return manifest


def _gzip_csv(frame: pd.DataFrame, *, index: bool) -> bytes:
    text = frame.to_csv(index=index, float_format="%.10g", lineterminator="\n")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


def _read_manifest(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    text = read_bytes(path, limit=SMALL_FILE_CAP, error=DatasetError, what="manifest")
    manifest = load_json(text, str(path), DatasetError, invalid="unreadable manifest")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DatasetError(f"{path}: not a {FORMAT} manifest")
    units, files = manifest.get("units", {}), manifest.get("files", {})
    if not isinstance(units, dict) or not all(isinstance(u, str) for u in units.values()):
        raise DatasetError(f"{path}: \"units\" must map column names to unit names")
    if not isinstance(files, dict):
        raise DatasetError(f"{path}: \"files\" must map file names to rows and sha256")
    for name, entry in files.items():
        rows = entry.get("rows") if isinstance(entry, dict) else None
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or (rows is not None and (
                not isinstance(rows, int) or isinstance(rows, bool) or rows < 0)) or (
                digest is not None and not (isinstance(digest, str)
                                            and re.fullmatch(r"[0-9a-f]{64}", digest))):
            raise DatasetError(f"{path}: entry for {name!r} must be "
                               "{\"rows\": <count>, \"sha256\": <64 hex digits>}")
    return manifest


def _check_manifest(manifest: Mapping[str, Any], table: FoodTable, path: Path) -> None:
    for name, unit in manifest.get("units", {}).items():
        if name in BY_NAME and unit != BY_NAME[name].unit:
            raise DatasetError(f"{path / MANIFEST_FILE}: column {name}: unit {unit!r}, "
                               f"expected {BY_NAME[name].unit!r}")
    files = manifest.get("files", {})
    for name, frame in ((FOODS_FILE, table.foods), (PORTIONS_FILE, table.portions)):
        expected = files.get(name, {}).get("rows")
        if expected is not None and expected != len(frame):
            raise DatasetError(f"{path / name}: {len(frame)} rows, manifest says {expected} "
                               "(truncated or edited file?)")


def _table_bytes(path: Path, manifest: Mapping[str, Any] | None) -> tuple[Path, bytes]:
    """A table file's text, checked against the manifest's sha256 when there is one."""
    data = read_bytes(path, limit=TABLE_FILE_CAP, error=DatasetError)
    expected = (manifest or {}).get("files", {}).get(path.name, {}).get("sha256")
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise DatasetError(f"{path}: contents differ from the sha256 in {MANIFEST_FILE} "
                           "(the file was edited, truncated or replaced); rebuild or refresh "
                           "the data directory")
    if path.name.endswith(".gz"):
        data = gunzip(data, limit=TABLE_TEXT_CAP, where=str(path), error=DatasetError)
    return path, data


def _read_foods(source: tuple[Path, bytes]) -> pd.DataFrame:
    path = source[0]
    dtypes: dict[str, Any] = {c: str for c in _TEXT_FOOD_COLUMNS}
    dtypes.update({n: "float64" for n in NUTRIENT_NAMES})
    frame = _read_csv(source, dtypes, text_columns=_TEXT_FOOD_COLUMNS)
    _check_columns(path, list(frame.columns), ("food_id", *FOOD_ID_COLUMNS[1:], *NUTRIENT_NAMES))
    _clean_text_columns(frame, [c for c in _TEXT_FOOD_COLUMNS if c != "food_id"])
    return frame.set_index("food_id")


def _read_portions(source: tuple[Path, bytes]) -> pd.DataFrame:
    path = source[0]
    dtypes: dict[str, Any] = {"food_id": str, "description": str, "seq": "int64",
                              "amount": "float64", "grams": "float64"}
    frame = _read_csv(source, dtypes, text_columns=("food_id", "description"))
    _check_columns(path, list(frame.columns), PORTION_COLUMNS)
    _clean_text_columns(frame, ["description"])
    return frame


def _clean_text_columns(frame: pd.DataFrame, columns: list[str]) -> None:
    """Strip control and bidirectional-override characters from names as they come in
    (:func:`planner.limits.clean_text`), so no report shows a reordered or broken name.
    Food ids are checked, not changed: a bad one is refused when it is used."""
    for column in columns:
        if column not in frame.columns:
            continue
        text = frame[column]
        unsafe = text.str.contains(f"{UNSAFE_TEXT}|{LINE_BREAKS}", regex=True, na=False)
        if unsafe.any():
            frame.loc[unsafe, column] = text[unsafe].map(clean_text)


def _read_csv(source: tuple[Path, bytes], dtypes: Mapping[str, Any],
              text_columns: tuple[str, ...]) -> pd.DataFrame:
    """Parse one table's text; map every way it can be bad to a one-line DatasetError."""
    path, data = source
    try:
        return pd.read_csv(io.BytesIO(data), dtype=dict(dtypes), keep_default_na=False,
                           na_values=[""], encoding="utf-8", low_memory=False)
    except ValueError as exc:
        if isinstance(exc, UnicodeDecodeError | pd.errors.ParserError | pd.errors.EmptyDataError):
            raise DatasetError(f"{path}: unreadable ({reason(exc)})") from exc
        raise _find_bad_value(source, dtypes, text_columns, exc) from exc
    except _READ_ERRORS as exc:
        raise DatasetError(f"{path}: unreadable, corrupt or truncated ({reason(exc)})") from exc


def _find_bad_value(source: tuple[Path, bytes], dtypes: Mapping[str, Any],
                    text_columns: tuple[str, ...], exc: Exception) -> DatasetError:
    """Re-read a table as text to name the column and value that failed to parse."""
    path, data = source
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""])
    except (*_READ_ERRORS, ValueError):
        return DatasetError(f"{path}: unreadable ({reason(exc)})")
    for column in raw.columns:
        if column in text_columns or column not in dtypes:
            continue
        parsed = pd.to_numeric(raw[column], errors="coerce")
        bad = parsed.isna() & raw[column].notna()
        if dtypes[column] == "int64":
            bad |= raw[column].isna() | (parsed.notna() & (parsed % 1 != 0))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            return DatasetError(f"{path}: column {column}: non-numeric value "
                                f"{raw[column].iloc[row]!r} in row {row + 2}")
    return DatasetError(f"{path}: unreadable ({reason(exc)})")


def _check_columns(where: str | Path, present: list[Any], required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in present]
    if missing:
        raise DatasetError(f"{where}: missing column {missing[0]}")
    extra = [c for c in present if c not in required]
    if extra:
        hint = suggest(str(extra[0]))
        tip = f" (did you mean {hint}?)" if hint else ""
        raise DatasetError(f"{where}: unknown column {extra[0]}{tip}")
