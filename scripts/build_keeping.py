#!/usr/bin/env python3
"""Fill in how long each purchase keeps, in planner/meals/keeping.csv, from USDA FoodKeeper.

Usage:
    python scripts/build_keeping.py FOODKEEPER_JSON [--table planner/meals/keeping.csv]

FOODKEEPER_JSON is the FoodKeeper data (USDA Food Safety and Inspection Service with
Cornell University and the Food Marketing Institute; FSIS publishes it as
foodkeeper.json, sheet "Product"). Each row of keeping.csv names what is bought (``buy``,
as in datasets/recommended_foods.csv) and the FoodKeeper product it keeps like
(``foodkeeper_id``); this script writes the rest of the row from that product:

``keeps``, ``days``  how long, in words and in days at most, where it keeps longest: once
                     opened (in the pantry or the fridge) where FoodKeeper says so, else
                     from purchase; bought frozen, in the freezer
``place``            pantry, fridge or freezer
``once_opened``      yes when the time counts from opening the pack
``freezes``          how long it keeps frozen, where FoodKeeper gives it (else empty)
``product``          FoodKeeper's name for the product

Running it twice on the same input gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DAYS = {"Days": 1, "Weeks": 7, "Months": 30, "Years": 365}
COLUMNS = ("buy", "foodkeeper_id", "product", "keeps", "days", "place", "once_opened",
           "freezes")


def products(path: Path) -> dict[int, dict[str, Any]]:
    """FoodKeeper's products by ID, each a flat mapping of its columns."""
    data = json.loads(path.read_text(encoding="utf-8"))
    sheet = next(s for s in data["sheets"] if s["name"] == "Product")
    rows = [{k: v for cell in row for k, v in cell.items()} for row in sheet["data"]]
    return {int(r["ID"]): r for r in rows}


def span(row: dict[str, Any], key: str) -> tuple[str, int] | None:
    """('3-5 days', 5) for a FoodKeeper time column, or None when it has none."""
    low, high, metric = row.get(f"{key}_Min"), row.get(f"{key}_Max"), row.get(f"{key}_Metric")
    if metric not in DAYS or high is None:
        return None
    unit = metric.lower()
    low = high if low is None else low
    number = f"{low:g}" if low == high else f"{low:g}-{high:g}"
    if float(high) == 1:
        unit = unit[:-1]
    return f"{number} {unit}", int(float(high) * DAYS[metric])


def keeping(row: dict[str, Any], frozen: bool) -> dict[str, str]:
    """The derived columns for one product (``frozen``: bought frozen)."""
    freeze = span(row, "DOP_Freeze") or span(row, "Freeze")
    if frozen and freeze is not None:
        return {"keeps": freeze[0], "days": str(freeze[1]), "place": "freezer",
                "once_opened": "no", "freezes": ""}
    opened = [(span(row, "Pantry_After_Opening"), "pantry"),
              (span(row, "Refrigerate_After_Opening"), "fridge")]
    stored = [(span(row, "DOP_Pantry") or span(row, "Pantry"), "pantry"),
              (span(row, "DOP_Refrigerate") or span(row, "Refrigerate"), "fridge")]
    for choices, once in ((opened, "yes"), (stored, "no")):
        found = [(s, place) for s, place in choices if s is not None]
        if found:
            (words, days), place = max(found, key=lambda f: f[0][1])
            return {"keeps": words, "days": str(days), "place": place, "once_opened": once,
                    "freezes": freeze[0] if freeze else ""}
    raise ValueError(f"FoodKeeper product {row['ID']} has no keeping time")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("foodkeeper", type=Path, help="FoodKeeper JSON (foodkeeper.json)")
    parser.add_argument("--table", type=Path, default=ROOT / "planner" / "meals" /
                        "keeping.csv")
    args = parser.parse_args(argv)
    known = products(args.foodkeeper)
    with (ROOT / "datasets" / "recommended_foods.csv").open(encoding="utf-8") as handle:
        section = {r["buy"]: r["section"] for r in csv.DictReader(handle)}
    with args.table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for row in rows:
        product = known.get(int(row["foodkeeper_id"]))
        if product is None:
            print(f"error: {row['buy']}: no FoodKeeper product {row['foodkeeper_id']}",
                  file=sys.stderr)
            return 1
        name = product["Name"].strip() + (f" ({product['Name_subtitle'].strip()})"
                                           if product.get("Name_subtitle") else "")
        out.append({"buy": row["buy"], "foodkeeper_id": row["foodkeeper_id"],
                    "product": name,
                    **keeping(product, section.get(row["buy"]) == "frozen")})
    with args.table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"{args.table}: {len(out)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
