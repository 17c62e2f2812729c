#!/usr/bin/env python3
"""Refresh food data from USDA FoodData Central into a planner data directory.

Usage:
    python scripts/fetch_food_data.py --out fdc-data [--data-type Foundation] ...
    planner week --data fdc-data          # then plan with it

The API key comes from --api-key or the FDC_API_KEY environment variable (get one free at
https://fdc.nal.usda.gov/api-key-signup); without one, DEMO_KEY allows only a few requests
an hour. The key is never printed or written anywhere.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.errors import FetchError, PlannerError
from planner.fetch import (
    DEFAULT_BASE_URL,
    FetchOptions,
    api_key_from,
    fetch_food_data,
    format_summary,
    progress_bars,
    redact,
    stderr_is_terminal,
)
from planner.sources import FDC_DATA_TYPES


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Refresh food data from USDA FoodData Central.",
        epilog="Example: FDC_API_KEY=... python scripts/fetch_food_data.py --out fdc-data "
               "--ids-from datasets/recommended_foods.csv")
    parser.add_argument("--out", type=Path, required=True, help="data directory to write")
    parser.add_argument("--api-key", help="FDC API key (default: $FDC_API_KEY, else DEMO_KEY)")
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL, help="FDC API base URL")
    parser.add_argument("--data-type", action="append", choices=list(FDC_DATA_TYPES),
                        help="data type to fetch (repeatable; default: both)")
    parser.add_argument("--ids-from", type=Path,
                        help="refresh only these foods: a CSV with food_id or fdc_id "
                             "(e.g. datasets/recommended_foods.csv) or one id per line")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="connect and read timeout, seconds (default 30)")
    parser.add_argument("--max-retries", type=int, default=5,
                        help="retries on errors, 429 and 5xx (default 5)")
    parser.add_argument("--backoff", type=float, default=1.0,
                        help="first retry wait, seconds; doubles each retry (default 1)")
    parser.add_argument("--max-wait", type=float, default=120.0,
                        help="longest Retry-After to wait through, seconds (default 120)")
    parser.add_argument("--cache", type=Path,
                        help="resume cache (default: .<out>.fetch-cache beside --out)")
    parser.add_argument("--page-size", type=int, default=200,
                        help="foods per list page, 1-200 (default 200)")
    parser.add_argument("--keep-cache", action="store_true",
                        help="keep the cache after a successful refresh")
    args = parser.parse_args(argv)
    if args.timeout <= 0 or args.max_retries < 0 or args.backoff < 0 or args.max_wait < 0:
        parser.error("--timeout must be positive; retries, backoff and max-wait not negative")
    if not 1 <= args.page_size <= 200:
        parser.error("--page-size must be between 1 and 200")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    key, demo = api_key_from(args.api_key)
    if demo:
        print("warning: no FDC_API_KEY; using DEMO_KEY, which allows only a few requests an "
              "hour", file=sys.stderr)
    options = FetchOptions(
        api_key=key, out=args.out, base_url=args.base_url,
        data_types=tuple(args.data_type or FDC_DATA_TYPES), ids_from=args.ids_from,
        timeout=args.timeout, max_retries=args.max_retries, backoff=args.backoff,
        max_wait=args.max_wait, cache=args.cache, keep_cache=args.keep_cache,
        page_size=args.page_size)
    try:
        with progress_bars(stderr_is_terminal()) as bars:
            summary = fetch_food_data(options, bars)
    except KeyboardInterrupt:
        print(f"error: interrupted; {args.out} unchanged, progress kept in the cache "
              "(run again to resume)", file=sys.stderr)
        return 130
    except (FetchError, PlannerError) as exc:
        print(f"error: {redact(str(exc), key)}", file=sys.stderr)
        return 1
    print(redact(format_summary(summary), key), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
