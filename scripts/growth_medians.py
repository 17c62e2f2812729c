"""Write planner/person/growth_medians.csv from the CDC 2000 growth-chart data files.

    python scripts/growth_medians.py statage.csv wtage.csv > planner/person/growth_medians.csv

The two files are CDC/NCHS's "Percentile Data Files with LMS Values" for children 2-20
years (https://www.cdc.gov/growthcharts/percentile_data_files.htm): stature-for-age
(``statage.csv``) and weight-for-age (``wtage.csv``), one row per sex (1 male, 2 female)
and month of age, each month listed at its midpoint (24.5, 25.5, ... months), with the
50th percentile in column ``P50``.

For each whole year of age from 3 to 18 (the years the NASEM 2023 equations for children
cover) it takes the median at the middle of that year: a child who says she is 9 is 9.0
to 9.99 years old, 9.5 on average, so the median height and weight at 114.0 months stand
for the children of that age. 114.0 months falls between the 113.5- and 114.5-month
rows, so the value is their mean. Heights are rounded to 0.1 cm and weights to 0.1 kg.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

AGES = range(3, 19)
SEXES = {"1": "male", "2": "female"}


def medians(path: Path) -> dict[tuple[str, float], float]:
    """(sex, months) -> the P50 of a CDC percentile data file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {(SEXES[row["Sex"]], float(row["Agemos"])): float(row["P50"])
                for row in csv.DictReader(handle) if row["Sex"] in SEXES}


def at_mid_year(table: dict[tuple[str, float], float], sex: str, age: int) -> float:
    """The median at age + 0.5 years: the mean of the two monthly rows around it."""
    months = 12 * age + 6
    return (table[(sex, months - 0.5)] + table[(sex, months + 0.5)]) / 2


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    stature, weight = (medians(Path(p)) for p in argv)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["sex", "age", "height_cm", "weight_kg", "source"])
    for sex in ("female", "male"):
        for age in AGES:
            months = 12 * age + 6
            writer.writerow([sex, age, f"{at_mid_year(stature, sex, age):.1f}",
                             f"{at_mid_year(weight, sex, age):.1f}",
                             f"CDC 2000 growth charts (NCHS), statage.csv and wtage.csv, "
                             f"50th percentile at {months}.0 months ({age}.5 years; the "
                             f"mean of the {months - 0.5:g}- and {months + 0.5:g}-month "
                             "rows)"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
