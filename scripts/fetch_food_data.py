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
import contextlib
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

try:  # importing pandas and requests takes a moment; Ctrl-C then is one line too
    from planner.errors import FetchError, PlannerError
    from planner.food.fetch import (
        DEFAULT_BASE_URL,
        FetchOptions,
        api_key_from,
        fetch_food_data,
        format_summary,
        progress_bars,
        redact,
        stderr_is_terminal,
    )
    from planner.food.sources import FDC_DATA_TYPES
except KeyboardInterrupt:
    sys.stderr.write("error: interrupted\n")
    sys.exit(130)


def _number(kind: type[int] | type[float], low: float, *, strict: bool = False
            ) -> Callable[[str], float]:
    """An argparse type: a finite number at least ``low`` (above it when ``strict``)."""
    def convert(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or value < low or (strict and value <= low):
            raise argparse.ArgumentTypeError(
                f"{text!r} must be a finite number {'above' if strict else 'of at least'} "
                f"{low:g}")
        return value
    return convert


class _Parser(argparse.ArgumentParser):
    """argparse with the planner's usage errors: one line on stderr and exit 2, not a usage
    block (``--help`` still prints the usage)."""

    def error(self, message: str) -> NoReturn:
        first = (message.strip().splitlines() or ["invalid usage"])[0]
        with contextlib.suppress(OSError):
            sys.stderr.write(f"error: {first} (see '{self.prog} --help')\n")
        sys.exit(2)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = _Parser(
        description="Refresh food data from USDA FoodData Central.",
        epilog="Example: FDC_API_KEY=... python scripts/fetch_food_data.py --out fdc-data "
               "--ids-from datasets/recommended_foods.csv")
    parser.add_argument("--out", type=Path, required=True,
                        help="data folder to write: new, empty, or one an earlier refresh "
                             "wrote (any other folder is refused, nothing changed)")
    parser.add_argument("--api-key", help="FDC API key (default: $FDC_API_KEY, else DEMO_KEY)")
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL, help="FDC API base URL")
    parser.add_argument("--data-type", action="append", choices=list(FDC_DATA_TYPES),
                        help="data type to fetch (repeatable; default: both)")
    parser.add_argument("--ids-from", type=Path,
                        help="refresh only these foods: a CSV with food_id or fdc_id "
                             "(e.g. datasets/recommended_foods.csv) or one id per line")
    parser.add_argument("--timeout", type=_number(float, 0, strict=True), default=30.0,
                        help="connect timeout and longest wait for data, seconds (default 30)")
    parser.add_argument("--deadline", type=_number(float, 0, strict=True),
                        help="longest the whole refresh may take, seconds, retries and "
                             "waits included; progress is cached (default: no limit)")
    parser.add_argument("--attempt-deadline", type=_number(float, 0, strict=True),
                        help="longest one request may take in all, seconds, however the "
                             "server drips its answer (default 3 x --timeout)")
    parser.add_argument("--max-retries", type=_number(int, 0), default=5,
                        help="retries on errors, 429 and 5xx (default 5)")
    parser.add_argument("--backoff", type=_number(float, 0), default=1.0,
                        help="first retry wait, seconds; doubles each retry (default 1)")
    parser.add_argument("--max-wait", type=_number(float, 0), default=120.0,
                        help="longest Retry-After to wait through, seconds (default 120)")
    parser.add_argument("--cache", type=Path,
                        help="resume cache folder, new or empty (default: .<out>.fetch-cache "
                             "beside --out)")
    parser.add_argument("--page-size", type=_number(int, 1), default=200,
                        help="foods per list page, 1-200 (default 200)")
    parser.add_argument("--keep-cache", action="store_true",
                        help="keep the cache after a successful refresh")
    args = parser.parse_args(argv)
    if args.max_retries > 50:
        parser.error("--max-retries must be at most 50")
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
        timeout=args.timeout, deadline=args.deadline,
        attempt_deadline=args.attempt_deadline, max_retries=args.max_retries,
        backoff=args.backoff, max_wait=args.max_wait, cache=args.cache, keep_cache=args.keep_cache,
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
    try:
        print(redact(format_summary(summary), key), end="", flush=True)
    except OSError as exc:  # stdout is full or closed: the data is written all the same
        print(f"error: cannot print the summary ({exc.strerror}); {args.out} was written",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):
            sys.stderr.write("error: interrupted\n")
        sys.exit(130)
