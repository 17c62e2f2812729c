#!/usr/bin/env python3
"""Benchmark planner: median wall time over several runs and peak memory, per case.

Usage:
    python scripts/bench.py [--runs 5] [CASE ...]
    python scripts/bench.py --runs 3 --people 200 batch batch-serial batch-process

Each case runs in a fresh Python process (so peak memory is the case's own: resident set
size high-water mark, imports and data included). The timed part excludes interpreter start
and imports but includes everything the case does after that. Prints one line per case and,
with --json, a machine-readable summary.

The batch cases plan the same ``--people`` varied people (ages 9 to 90, both sexes,
pregnancy and lactation, four activity levels, four diets, allergies; seeded, so every run
and case plans the same table) three ways: ``batch`` is ``planner batch`` on every core,
``batch-serial`` the same batch in one process, ``batch-process`` one ``planner week``
process per person (the first ``--sample`` people, extrapolated; interpreter start
included, as a user would pay it). They report plans per minute; ``batch`` also reports
the peak memory of its largest worker process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

CASES: dict[str, str] = {
    "load": "load the bundled foods and portions tables (8,789 foods)",
    "week": "7-day plan, default profile (woman, 35), catalogue",
    "month": "28-day plan, default profile, catalogue",
    "week-all": "7-day plan over the whole 8,789-food table, generic portions",
    "week-process": "`planner week` as a process (interpreter start and imports included)",
    "start": "`planner --version` as a process (the lightest start)",
    "gap": "objective of each planned day against its proven optimum (gap 0), --gap-people",
    "pool": "weeks of --pool-people people at each --pool-sizes foods per meal in the pool",
    "batch": "planner batch of --people varied people on every core",
    "batch-serial": "the same batch in one process",
    "batch-process": "one `planner week` process per person (--sample people)",
}
BATCH_CASES = ("batch", "batch-serial", "batch-process")
PROCESS_CASES = ("week-process", "start")
ALLERGENS = ("dairy", "egg", "fish", "shellfish", "tree_nuts", "peanuts", "soy", "gluten",
             "sesame")


def sample_people(count: int, seed: int = 2026) -> list[dict[str, str]]:
    """``count`` varied, plausible people (one dict of people-table columns each)."""
    rng = random.Random(seed)
    people = []
    for number in range(count):
        sex = rng.choice(("female", "male"))
        age = rng.choice((rng.randint(9, 18), rng.randint(19, 50), rng.randint(19, 50),
                          rng.randint(51, 70), rng.randint(71, 90)))
        stage = "general"
        if sex == "female" and 18 <= age <= 45 and rng.random() < 0.2:
            stage = rng.choice(("pregnancy", "lactation"))
        diet = rng.choices(("omnivore", "pescatarian", "vegetarian", "vegan"),
                           weights=(70, 8, 15, 7))[0]
        allergies = rng.sample(ALLERGENS, k=rng.choices((0, 1, 2), weights=(70, 22, 8))[0])
        person = {"id": f"p{number:04d}", "sex": sex, "age": str(age), "life_stage": stage,
                  "activity": rng.choice(("sedentary", "low", "low", "active", "very_active")),
                  "diet": diet, "exclude": ";".join(allergies), "weight": "", "height": "",
                  "seed": str(rng.randint(0, 99))}
        if age >= 19 and rng.random() < 0.5:
            person["height"] = str(rng.randint(150, 195) if sex == "male"
                                   else rng.randint(145, 185))
            person["weight"] = str(rng.randint(50, 110))
        people.append(person)
    return people


def _week_command(person: dict[str, str]) -> list[str]:
    """The `planner week` command that plans ``person`` alone."""
    command = [sys.executable, "-m", "planner", "week", "--format", "json"]
    for column, flag in (("sex", "--sex"), ("age", "--age"), ("life_stage", "--life-stage"),
                         ("weight", "--weight"), ("height", "--height"),
                         ("activity", "--activity"), ("diet", "--diet"), ("seed", "--seed")):
        if person.get(column):
            command += [flag, person[column]]
    for allergen in filter(None, person.get("exclude", "").split(";")):
        command += ["--exclude", allergen]
    return command


def _cpu() -> float:
    """CPU seconds (user and system) of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _run_case(name: str, runs: int, people: int, sample: int) -> dict[str, Any]:
    """Run one case ``runs`` times in this process; return timings and peak RSS."""
    if name in BATCH_CASES:
        return _run_batch_case(name, runs, people, sample)
    if name == "gap":
        return _run_gap_case(people)
    if name == "pool":
        return _run_pool_case(people, POOL_SIZES)
    work = _case(name)
    times, cpu, load = [], [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), _cpu()
        work()
        times.append(time.perf_counter() - start)
        cpu.append(_cpu() - start_cpu)
        load.append(os.getloadavg()[0])
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if name in PROCESS_CASES:
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"case": name, "runs": runs, "median_s": statistics.median(times),
            "min_s": min(times), "max_s": max(times), "cpu_s": statistics.median(cpu),
            "load": statistics.median(load), "peak_mb": peak_kib / 1024}


def _run_gap_case(count: int) -> dict[str, Any]:
    """Plan a week for each of ``count`` sample people; re-solve every day's model (the
    same model, the same days before it) with MIP gap 0 and compare the objectives."""
    import planner.planning.plan as plan
    from planner.food.catalogue import load_catalogue
    from planner.food.data import load_foods
    from planner.meals.rules import load_rules
    from planner.planning.batch import plan_person
    from planner.planning.model import SolverOptions, solve_day

    table = load_foods()
    catalogue, rules = load_catalogue(table), load_rules()
    gaps: list[float] = []
    seconds = [0.0, 0.0]

    def both(problem: Any, options: SolverOptions = SolverOptions()) -> Any:
        start = time.perf_counter()
        planned = solve_day(problem, options)
        seconds[0] += time.perf_counter() - start
        start = time.perf_counter()
        exact = solve_day(problem, SolverOptions(options.solver, 60.0, 0.0))
        seconds[1] += time.perf_counter() - start
        if planned.info.status != "infeasible" and exact.info.status == "optimal":
            gaps.append((planned.objective - exact.objective) / max(abs(exact.objective),
                                                                      1e-9))
        return planned

    plan.__dict__["solve_day"] = both  # every day's model goes through both solves
    statuses: dict[str, int] = {}
    for person in sample_people(count):
        result = plan_person(person, table, catalogue, rules)
        statuses[result.status] = statuses.get(result.status, 0) + 1
    ordered = sorted(gaps)
    return {"case": "gap", "runs": 1, "people": count, "days": len(gaps),
            "median_s": seconds[0], "min_s": seconds[0], "max_s": seconds[0],
            "exact_s": seconds[1], "mean_gap": statistics.fmean(gaps) if gaps else 0.0,
            "median_gap": statistics.median(gaps) if gaps else 0.0,
            "p90_gap": ordered[int(0.9 * (len(ordered) - 1))] if gaps else 0.0,
            "max_gap": max(gaps, default=0.0), "statuses": statuses,
            "load": os.getloadavg()[0], "cpu_s": seconds[0],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


#: Pool sizes the pool case compares (foods per meal the integer model starts from).
POOL_SIZES: list[int] = [4, 8, 12]


def _run_pool_case(count: int, sizes: list[int]) -> dict[str, Any]:
    """Plan a week for each of ``count`` sample people with each pool size (the foods per
    meal the integer model starts from, ``model.POOL_PER_SLOT``); per size, the CPU time
    of each week and the sum of its days' objectives (each day's model depends on the
    days before, so whole weeks are compared)."""
    import planner.planning.model as model
    import planner.planning.plan as plan
    from planner.food.catalogue import load_catalogue
    from planner.food.data import load_foods
    from planner.meals.rules import load_rules
    from planner.planning.batch import plan_person

    table = load_foods()
    catalogue, rules = load_catalogue(table), load_rules()
    solve, build = model.solve_day, plan._day_problem
    day = [0]
    objective: dict[int, float] = {}  # day -> its last solve's objective (the one kept)

    def built(context: Any, options: Any, history: Any, number: int, rng: Any) -> Any:
        day[0] = number
        return build(context, options, history, number, rng)

    def counted(problem: Any, options: Any = model.SolverOptions()) -> Any:
        solution = solve(problem, options)
        objective[day[0]] = solution.objective
        return solution

    plan.__dict__["solve_day"] = counted
    plan.__dict__["_day_problem"] = built
    people = sample_people(count)
    out: dict[str, Any] = {"case": "pool", "runs": 1, "people": count, "sizes": {}}
    for size in sizes:
        model.__dict__["POOL_PER_SLOT"] = size
        weeks = []
        for person in people:
            objective.clear()
            start = _cpu()
            result = plan_person(person, table, catalogue, rules)
            weeks.append({"id": person["id"], "status": result.status,
                          "cpu_s": _cpu() - start, "objective": sum(objective.values())})
        out["sizes"][str(size)] = weeks
    cpu = [w["cpu_s"] for ws in out["sizes"].values() for w in ws]
    out.update(median_s=statistics.median(cpu), min_s=min(cpu), max_s=max(cpu),
               cpu_s=sum(cpu), load=os.getloadavg()[0],
               peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def pool_summary(sizes: dict[str, list[dict[str, Any]]], base: str) -> list[str]:
    """Per pool size: median CPU a week, weeks planned, and the objective against ``base``
    on the weeks both planned (median and worst change, weeks better and worse)."""
    ref = {w["id"]: w for w in sizes[base]}
    lines = []
    for size, weeks in sizes.items():
        planned = [w for w in weeks if w["status"] == "ok"]
        both = [(w, ref[w["id"]]) for w in planned if ref[w["id"]]["status"] == "ok"]
        change = sorted((w["objective"] - r["objective"]) / max(abs(r["objective"]), 1e-9)
                        for w, r in both)
        worse = sum(1 for c in change if c > 1e-6)
        better = sum(1 for c in change if c < -1e-6)
        lines.append(
            f"pool {size:>2} foods a meal: {len(planned)} of {len(weeks)} weeks planned, "
            f"median CPU {statistics.median(w['cpu_s'] for w in weeks):.2f} s a week "
            f"(total {sum(w['cpu_s'] for w in weeks):.0f} s); objective vs {base}: median "
            f"{100 * statistics.median(change or [0.0]):+.2f} %, worst "
            f"{100 * max(change or [0.0]):+.1f} %, {worse} worse, {better} better")
    return lines


def _run_batch_case(name: str, runs: int, count: int, sample: int) -> dict[str, Any]:
    """Plans per minute of one way of planning ``count`` people (median of ``runs``)."""
    import pandas as pd

    from planner.planning.batch import run_batch

    people = sample_people(count)
    times: list[float] = []
    cpu: list[float] = []
    load: list[float] = []
    statuses: dict[str, int] = {}
    planned = count
    for _ in range(runs):
        start_cpu = _cpu()
        out = tempfile.mkdtemp(prefix="planner-bench-")
        try:
            if name == "batch-process":
                planned = min(sample, count)
                statuses = {}  # this run's
                env = dict(os.environ, XDG_CONFIG_HOME=out)  # no saved profile applies
                start = time.perf_counter()
                for person in people[:planned]:
                    done = subprocess.run(_week_command(person), capture_output=True,
                                          env=env, check=False)
                    key = {0: "ok", 3: "infeasible"}.get(done.returncode, "other")
                    statuses[key] = statuses.get(key, 0) + 1
                times.append(time.perf_counter() - start)
            else:
                table = pd.DataFrame(people).astype(str)
                start = time.perf_counter()
                summary = run_batch(table, os.path.join(out, "plans"),
                                    workers=1 if name == "batch-serial" else None)
                times.append(time.perf_counter() - start)
                statuses = dict(summary.counts)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        cpu.append(_cpu() - start_cpu)
        load.append(os.getloadavg()[0])
    median = statistics.median(times)
    self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"case": name, "runs": runs, "people": planned, "median_s": median,
            "min_s": min(times), "max_s": max(times),
            "per_minute": 60 * planned / median, "statuses": statuses,
            "peak_mb": self_kib / 1024, "worker_peak_mb": child_kib / 1024,
            "cores": os.cpu_count(), "cpu_s": statistics.median(cpu),
            "cpu_per_plan_s": statistics.median(cpu) / planned,
            "load": statistics.median(load)}


def _case(name: str) -> Callable[[], object]:
    """Return the work of one case. Planning cases include loading the data. A process
    case imports nothing of planner here (its child's peak memory would include it)."""
    def plan(days: int, whole_table: bool = False) -> Callable[[], object]:
        from planner.food.catalogue import generic_catalogue, load_catalogue
        from planner.food.data import load_foods
        from planner.person.profile import make_profile
        from planner.person.targets import compute_targets
        from planner.planning.plan import plan_week
        from planner.planning.records import PlanOptions

        targets = compute_targets(make_profile("female", 35))

        def work() -> object:
            table = load_foods()
            catalogue = generic_catalogue(table) if whole_table else load_catalogue(table)
            return plan_week(table, catalogue, targets, PlanOptions(days=days))
        return work

    def process(args: list[str]) -> Callable[[], object]:
        def work() -> object:
            with tempfile.TemporaryDirectory() as home:  # no saved profile applies
                return subprocess.run([sys.executable, "-m", "planner", *args], check=True,
                                      capture_output=True, env=dict(os.environ,
                                                                    XDG_CONFIG_HOME=home))
        return work

    def load() -> Callable[[], object]:
        from planner.food.data import load_foods

        return load_foods

    cases: dict[str, Callable[[], Callable[[], object]]] = {
        "load": load, "week": lambda: plan(7), "month": lambda: plan(28),
        "week-all": lambda: plan(7, True),
        "week-process": lambda: process(["week", "--sex", "female", "--age", "35"]),
        "start": lambda: process(["--version"])}
    if name not in cases:
        raise SystemExit(f"unknown case {name!r}; choose from {', '.join(CASES)}")
    return cases[name]()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="planner benchmarks")
    parser.add_argument("cases", nargs="*", default=list(CASES), help="cases to run")
    parser.add_argument("--runs", type=int, default=5, help="runs per case (default 5)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.add_argument("--people", type=int, default=200,
                        help="people in the batch cases (default 200)")
    parser.add_argument("--sample", type=int, default=20,
                        help="people planned one process each in batch-process (default 20)")
    parser.add_argument("--gap-people", type=int, default=20,
                        help="people whose weeks the gap case checks (default 20)")
    parser.add_argument("--pool-people", type=int, default=50,
                        help="people whose weeks the pool case plans (default 50)")
    parser.add_argument("--pool-sizes", default=",".join(map(str, POOL_SIZES)),
                        help="foods per meal in the pool, compared (default 4,8,12)")
    parser.add_argument("--inner", help=argparse.SUPPRESS)  # run one case in this process
    args = parser.parse_args(argv)
    POOL_SIZES[:] = [int(v) for v in args.pool_sizes.split(",")]
    if args.inner:
        people = {"gap": args.gap_people, "pool": args.pool_people}.get(args.inner,
                                                                        args.people)
        print(json.dumps(_run_case(args.inner, args.runs, people, args.sample)))
        return 0
    results = []
    for name in args.cases:
        if name not in CASES:
            parser.error(f"unknown case {name!r}; choose from {', '.join(CASES)}")
        out = subprocess.run([sys.executable, __file__, "--inner", name, "--runs",
                              str(args.runs), "--people", str(args.people), "--sample",
                              str(args.sample), "--gap-people", str(args.gap_people),
                              "--pool-people", str(args.pool_people), "--pool-sizes",
                              args.pool_sizes],
                             check=True, capture_output=True, text=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"{name:<14} median {result['median_s']:7.3f} s  (min {result['min_s']:.3f}, "
              f"max {result['max_s']:.3f}, {result['runs']} runs)  CPU {result['cpu_s']:.3f} s"
              f"  load {result['load']:.2f}  peak {result['peak_mb']:6.0f} MB"
              f"  - {CASES[name]}")
        if name == "gap":
            print(f"{'':<14} {result['days']} days of {result['people']} people: objective "
                  f"above the optimum by {100 * result['mean_gap']:.2f} % on average "
                  f"(median {100 * result['median_gap']:.2f} %, 90th percentile "
                  f"{100 * result['p90_gap']:.2f} %, worst {100 * result['max_gap']:.2f} %);"
                  f" planning {result['median_s']:.1f} s, proving {result['exact_s']:.1f} s")
        if name == "pool":
            from planner.planning.model import POOL_PER_SLOT
            base = str(POOL_PER_SLOT) if str(POOL_PER_SLOT) in result["sizes"] else \
                next(iter(result["sizes"]))
            for line in pool_summary(result["sizes"], base):
                print(f"{'':<14} {line}")
        if name in BATCH_CASES:
            print(f"{'':<14} {result['per_minute']:7.1f} plans per minute "
                  f"({result['people']} people: "
                  + ", ".join(f"{n} {k}" for k, n in result["statuses"].items() if n)
                  + f"); largest child process peak {result['worker_peak_mb']:.0f} MB; "
                  f"CPU {result['cpu_per_plan_s']:.2f} s a plan")
    by_case = {r["case"]: r for r in results}
    if "batch" in by_case:
        for other in ("batch-serial", "batch-process"):
            if other in by_case:
                ratio = by_case["batch"]["per_minute"] / by_case[other]["per_minute"]
                print(f"batch vs {other}: {ratio:.2f}x the plans per minute")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
