#!/usr/bin/env python3
"""Build the bundled food tables in datasets/ from the USDA SR28 ASCII release.

Usage:
    python scripts/build_dataset.py SR28_DIR [--out datasets]

SR28_DIR holds FOOD_DES.txt, NUT_DATA.txt, NUTR_DEF.txt, WEIGHT.txt and FD_GROUP.txt
(see datasets/README.md for where to get them). Running it twice on the same input gives
byte-identical files. Prints row counts, SHA-256 checksums and nutrient coverage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.errors import PlannerError
from planner.food.data import coverage, write_dataset
from planner.food.sources import read_sr28

SOURCE = ("USDA National Nutrient Database for Standard Reference, Release 28 (SR28, 2015, "
          "revised May 2016); public domain")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("sr28_dir", type=Path, help="directory with the SR28 ASCII files")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent
                        / "datasets", help="output directory (default: datasets/)")
    args = parser.parse_args(argv)
    try:
        table = read_sr28(args.sr28_dir)
        manifest = write_dataset(args.out, table, source=SOURCE)
    except PlannerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for name, info in manifest["files"].items():
        print(f"{name}: {info['rows']} rows, sha256 {info['sha256']}")
    cov = coverage(table.foods)
    for row in cov.itertuples(index=False):
        print(f"  {row.nutrient:<18} {row.known:>5} known  {row.missing:>5} missing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
