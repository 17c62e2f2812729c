#!/usr/bin/env python3
"""Benchmark planner: median wall time over several runs and peak memory, per case.

Usage:
    python scripts/bench.py [--runs 5] [CASE ...]

Each case runs in a fresh Python process (so peak memory is the case's own: resident set
size high-water mark, imports and data included). The timed part excludes interpreter start
and imports but includes everything the case does after that. Prints one line per case and,
with --json, a machine-readable summary.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

CASES: dict[str, str] = {
    "load": "load the bundled foods and portions tables (8,789 foods)",
    "week": "7-day plan, default profile (woman, 35), catalogue",
    "month": "28-day plan, default profile, catalogue",
    "week-all": "7-day plan over the whole 8,789-food table, generic portions",
}


def _run_case(name: str, runs: int) -> dict[str, object]:
    """Run one case ``runs`` times in this process; return timings and peak RSS."""
    work = _case(name)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"case": name, "runs": runs, "median_s": statistics.median(times),
            "min_s": min(times), "max_s": max(times), "peak_mb": peak_kib / 1024}


def _case(name: str) -> Callable[[], object]:
    """Return the work of one case. Planning cases include loading the data."""
    from planner.catalogue import generic_catalogue, load_catalogue
    from planner.data import load_foods
    from planner.plan import PlanOptions, plan_week
    from planner.profile import make_profile
    from planner.targets import compute_targets

    targets = compute_targets(make_profile("female", 35))

    def plan(days: int, whole_table: bool = False) -> Callable[[], object]:
        def work() -> object:
            table = load_foods()
            catalogue = generic_catalogue(table) if whole_table else load_catalogue(table)
            return plan_week(table, catalogue, targets, PlanOptions(days=days))
        return work

    cases: dict[str, Callable[[], object]] = {
        "load": load_foods, "week": plan(7), "month": plan(28), "week-all": plan(7, True)}
    if name not in cases:
        raise SystemExit(f"unknown case {name!r}; choose from {', '.join(CASES)}")
    return cases[name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="planner benchmarks")
    parser.add_argument("cases", nargs="*", default=list(CASES), help="cases to run")
    parser.add_argument("--runs", type=int, default=5, help="runs per case (default 5)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.add_argument("--inner", help=argparse.SUPPRESS)  # run one case in this process
    args = parser.parse_args(argv)
    if args.inner:
        print(json.dumps(_run_case(args.inner, args.runs)))
        return 0
    results = []
    for name in args.cases:
        if name not in CASES:
            parser.error(f"unknown case {name!r}; choose from {', '.join(CASES)}")
        out = subprocess.run([sys.executable, __file__, "--inner", name, "--runs",
                              str(args.runs)], check=True, capture_output=True, text=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"{name:<14} median {result['median_s']:7.3f} s  (min {result['min_s']:.3f}, "
              f"max {result['max_s']:.3f}, {args.runs} runs)  peak {result['peak_mb']:6.0f} MB"
              f"  - {CASES[name]}")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
