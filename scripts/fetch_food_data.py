#!/usr/bin/env python3
"""Refresh food data from USDA FoodData Central: the same as ``planner fetch``.

Usage:
    python scripts/fetch_food_data.py --out fdc-data [--ids-from catalogue] ...
    planner week --data fdc-data          # then plan with it

Kept for a source checkout; the command itself lives in the package (planner/cli.py,
planner/food/fetch.py), so an installed wheel has it too. ``planner fetch --help`` lists
the options.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """Run ``planner fetch`` with these arguments (exits with its code)."""
    from planner.cli import main as run

    run(["fetch", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
