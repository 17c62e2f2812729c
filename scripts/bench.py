#!/usr/bin/env python3
"""Benchmark planner: median wall time over several runs and peak memory, per case.

Usage:
    python scripts/bench.py [--runs 5] [CASE ...]
    python scripts/bench.py --runs 3 --people 200 batch batch-serial batch-process

Each case runs in a fresh Python process (so peak memory is the case's own: resident set
size high-water mark, imports and data included). The timed part excludes interpreter start
and imports but includes everything the case does after that. Prints one line per case and,
with --json, a machine-readable summary.

``batch-same`` plans ``--same-people`` identical rows (one plan, copied for every row) on
every core with the address space of every process limited to ``--memory-limit`` GB
(RLIMIT_AS, as ``ulimit -v``): its peak memory is bounded by the chunk size, not the rows.

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
import math
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
    "people": "a week for each of --sample-people varied people, one after another",
    "steady": "the default week as a process, alone and beside two busy loops: same JSON?",
    "batch": "planner batch of --people varied people on every core",
    "batch-serial": "the same batch in one process",
    "batch-process": "one `planner week` process per person (--sample people)",
    "batch-same": "planner batch of --same-people identical rows under --memory-limit GB",
    "household": "7-day household plan, family of four (two adults, girl of 9, vegetarian "
                 "boy of 15), shared dinners",
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
    if name == "people":
        return _run_people_case(people)
    if name == "steady":
        return _run_steady_case(runs)
    if name == "batch-same":
        return _run_same_case(runs, people, MEMORY_LIMIT_GB[0])
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
    from planner.planning.model import DayModel, SolverOptions

    table = load_foods()
    catalogue, rules = load_catalogue(table), load_rules()
    gaps: list[float] = []
    seconds = [0.0, 0.0]
    solve = plan.solve_day  # type: ignore[attr-defined]

    def both(problem: Any, options: SolverOptions = SolverOptions()) -> Any:
        start = time.perf_counter()
        planned = solve(problem, options)
        seconds[0] += time.perf_counter() - start
        start = time.perf_counter()
        exact = DayModel(problem, SolverOptions(options.solver, mip_gap=0.0))
        info = exact.run(mip=True, nodes=1_000_000)
        seconds[1] += time.perf_counter() - start
        if planned.info.status != "infeasible" and info.status == "optimal":
            best = exact.objective()
            gaps.append((planned.objective - best) / max(abs(best), 1e-9))
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


def _run_people_case(count: int) -> dict[str, Any]:
    """Plan a week for each of ``count`` sample people, one after another in this process;
    per person: the outcome, CPU seconds, the misses of the nearest plan, the HEI, whether
    a repeat limit was raised, and the cost of its choices (the days' objectives without
    the penalties of missed bounds). Runs on any planner revision (see --against)."""
    import planner.planning.plan as plan
    from planner.food.catalogue import load_catalogue
    from planner.food.data import load_foods
    from planner.meals.rules import load_rules
    from planner.planning.batch import plan_person

    table = load_foods()
    catalogue, rules = load_catalogue(table), load_rules()
    solve = plan.solve_day  # type: ignore[attr-defined]
    spent = [0.0]

    def counted(problem: Any, options: Any = None, **more: Any) -> Any:
        solution = solve(problem, **more) if options is None else \
            solve(problem, options, **more)
        if math.isfinite(solution.objective):
            # an older planner's objective counts every miss at its one penalty
            spent[0] += getattr(solution, "preference", solution.objective - 10_000.0
                                * sum(solution.slack.values()))
        return solution

    plan.__dict__["solve_day"] = counted
    weeks: list[dict[str, Any]] = []
    for person in sample_people(count):
        spent[0] = 0.0
        start = _cpu()
        result = plan_person(person, table, catalogue, rules)
        week = result.week
        weeks.append({
            "id": person["id"], "status": result.status, "cpu_s": _cpu() - start,
            "misses": len(getattr(week, "misses", ())) if week is not None else None,
            "hei": None if week is None or week.quality is None else week.quality.total,
            "raised": week is not None and any("may repeat on up to" in n
                                               for n in week.notes),
            "objective": spent[0] if week is not None else None,
            "message": result.message[:160]})
    cpu = [float(w["cpu_s"]) for w in weeks]
    return {"case": "people", "runs": 1, "people": count, "weeks": weeks,
            "median_s": statistics.median(cpu), "min_s": min(cpu), "max_s": max(cpu),
            "cpu_s": sum(cpu), "load": os.getloadavg()[0],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def people_summary(weeks: list[dict[str, Any]], label: str) -> str:
    """One line of the people case: planned, misses, CPU, HEI, raised limits."""
    planned = [w for w in weeks if w["status"] == "ok"]
    missing = [w for w in planned if w["misses"]]
    cpu = sorted(w["cpu_s"] for w in weeks)
    hei = [w["hei"] for w in planned if w["hei"] is not None]
    return (f"{label}: {len(planned)} of {len(weeks)} planned ({len(missing)} with misses), "
            f"CPU median {statistics.median(cpu):.2f} s, worst {cpu[-1]:.1f} s, total "
            f"{sum(cpu):.0f} s; HEI median {statistics.median(hei or [0.0]):.1f}; "
            f"raised repeat limits {sum(1 for w in planned if w['raised'])}")


def people_table(new: list[dict[str, Any]], old: list[dict[str, Any]]) -> list[str]:
    """Person by person, this revision against the one given with --against."""
    lines = ["| person | old: outcome, CPU, objective, HEI, raised | "
             "new: outcome, CPU, objective, HEI, raised |", "|---|---|---|"]

    def cell(w: dict[str, Any]) -> str:
        if w["status"] != "ok":
            return f"{w['status']}, {w['cpu_s']:.1f} s"
        misses = f" ({w['misses']} missed)" if w["misses"] else ""
        return (f"ok{misses}, {w['cpu_s']:.1f} s, {w['objective']:.1f}, "
                f"{w['hei']:.1f}, {'raised' if w['raised'] else '-'}")
    for a, b in zip(old, new, strict=True):
        lines.append(f"| {a['id']} | {cell(a)} | {cell(b)} |")
    both = [(a, b) for a, b in zip(old, new, strict=True)
            if a["status"] == b["status"] == "ok"]
    if both:
        change = [(b["objective"] - a["objective"]) / max(abs(a["objective"]), 1e-9)
                  for a, b in both]
        lines.append(f"objective on the {len(both)} weeks both planned: median "
                     f"{100 * statistics.median(change):+.1f} %, "
                     f"{sum(1 for c in change if c < 0)} lower, "
                     f"{sum(1 for c in change if c > 0)} higher")
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

    def household() -> Callable[[], object]:
        from planner.food.catalogue import load_catalogue
        from planner.food.data import load_foods
        from planner.person.profile import make_profile
        from planner.person.targets import compute_targets
        from planner.planning.household import Member, plan_household
        from planner.planning.records import PlanOptions

        members = [Member(m, compute_targets(make_profile(sex, age)), PlanOptions(diet=diet))
                   for m, sex, age, diet in (("ana", "female", 40, "omnivore"),
                                             ("ben", "male", 42, "omnivore"),
                                             ("mia", "female", 9, "omnivore"),
                                             ("leo", "male", 15, "vegetarian"))]

        def work() -> object:
            table = load_foods()
            return plan_household(table, load_catalogue(table), members)
        return work

    def load() -> Callable[[], object]:
        from planner.food.data import load_foods

        return load_foods

    cases: dict[str, Callable[[], Callable[[], object]]] = {
        "load": load, "week": lambda: plan(7), "month": lambda: plan(28),
        "week-all": lambda: plan(7, True),
        "week-process": lambda: process(["week", "--sex", "female", "--age", "35"]),
        "start": lambda: process(["--version"]), "household": household}
    if name not in cases:
        raise SystemExit(f"unknown case {name!r}; choose from {', '.join(CASES)}")
    return cases[name]()


def _run_steady_case(runs: int) -> dict[str, Any]:
    """The default week planned as a process ``runs`` times alone and ``runs`` times beside
    two busy loops (one a core); whether every run printed byte-identical JSON. No part of
    planning may depend on time, so a loaded machine must give the same plan."""
    command = [sys.executable, "-m", "planner", "week", "--sex", "female", "--age", "35",
               "--format", "json"]
    outputs: list[bytes] = []
    times: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, XDG_CONFIG_HOME=home)
        for busy in (0, 2):
            loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                     for _ in range(busy)]
            try:
                for _ in range(runs):
                    start = time.perf_counter()
                    done = subprocess.run(command, capture_output=True, env=env, check=True)
                    times.append(time.perf_counter() - start)
                    outputs.append(done.stdout)
            finally:
                for loop in loops:
                    loop.kill()
                    loop.wait()
    return {"case": "steady", "runs": len(outputs), "median_s": statistics.median(times),
            "min_s": min(times), "max_s": max(times), "cpu_s": 0.0,
            "identical": len(set(outputs)) == 1, "load": os.getloadavg()[0],
            "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


#: The address space limit of the batch-same case, GB (set by --memory-limit).
MEMORY_LIMIT_GB = [3.0]


def _run_same_case(runs: int, count: int, limit_gb: float) -> dict[str, Any]:
    """``count`` identical rows through ``run_batch`` on every core, this process and its
    workers limited to ``limit_gb`` GB of address space (a MemoryError fails the case)."""
    import pandas as pd

    from planner.planning.batch import run_batch

    limit = int(limit_gb * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # inherited by the workers
    table = pd.DataFrame({"id": [f"p{i}" for i in range(count)], "sex": "female",
                          "age": "35", "days": "7"})
    times, cpu, load = [], [], []
    statuses: dict[str, int] = {}
    for _ in range(runs):
        out = tempfile.mkdtemp(prefix="planner-bench-")
        start, start_cpu = time.perf_counter(), _cpu()
        try:
            summary = run_batch(table, os.path.join(out, "plans"))
        finally:
            shutil.rmtree(out, ignore_errors=True)
        times.append(time.perf_counter() - start)
        cpu.append(_cpu() - start_cpu)
        load.append(os.getloadavg()[0])
        statuses = dict(summary.counts)
    median = statistics.median(times)
    return {"case": "batch-same", "runs": runs, "people": count, "median_s": median,
            "min_s": min(times), "max_s": max(times), "per_minute": 60 * count / median,
            "statuses": statuses, "limit_gb": limit_gb,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "cpu_s": statistics.median(cpu), "cpu_per_plan_s": statistics.median(cpu) / count,
            "load": statistics.median(load)}


def _inner(args: argparse.Namespace, name: str, where: str | None = None
           ) -> dict[str, Any]:
    """Run one case in a fresh process: of this checkout, or of the planner at ``where``
    (a checkout of another revision; this script's cases run against its code)."""
    env = dict(os.environ)
    if where is not None:
        env["PYTHONPATH"] = where + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, __file__, "--inner", name, "--runs",
                          str(args.runs), "--people", str(args.people), "--sample",
                          str(args.sample), "--gap-people", str(args.gap_people),
                          "--sample-people", str(args.sample_people), "--same-people",
                          str(args.same_people), "--memory-limit", str(args.memory_limit)],
                         check=True, capture_output=True, text=True, env=env,
                         cwd=where or os.getcwd())
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _report(name: str, result: dict[str, Any], label: str = "") -> None:
    print(f"{name + label:<14} median {result['median_s']:7.3f} s  (min "
          f"{result['min_s']:.3f}, max {result['max_s']:.3f}, {result['runs']} runs)  "
          f"CPU {result['cpu_s']:.3f} s  load {result['load']:.2f}  "
          f"peak {result['peak_mb']:6.0f} MB  - {CASES[name]}")
    if name == "gap":
        print(f"{'':<14} {result['days']} days of {result['people']} people: objective "
              f"above the optimum by {100 * result['mean_gap']:.2f} % on average "
              f"(median {100 * result['median_gap']:.2f} %, 90th percentile "
              f"{100 * result['p90_gap']:.2f} %, worst {100 * result['max_gap']:.2f} %);"
              f" planning {result['median_s']:.1f} s, proving {result['exact_s']:.1f} s")
    if name == "people":
        print(f"{'':<14} {people_summary(result['weeks'], label.strip() or 'this')}")
    if name == "steady":
        print(f"{'':<14} {'identical' if result['identical'] else 'DIFFERENT'} JSON in "
              f"{result['runs']} runs, half of them beside two busy loops")
    if name in (*BATCH_CASES, "batch-same"):
        print(f"{'':<14} {result['per_minute']:7.1f} plans per minute "
              f"({result['people']} people: "
              + ", ".join(f"{n} {k}" for k, n in result["statuses"].items() if n)
              + f"); largest child process peak {result['worker_peak_mb']:.0f} MB; "
              f"CPU {result['cpu_per_plan_s']:.2f} s a plan")


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
    parser.add_argument("--sample-people", type=int, default=50,
                        help="people whose weeks the people case plans (default 50)")
    parser.add_argument("--against", metavar="REV",
                        help="also run each case on this git revision (e.g. HEAD~5), in a "
                        "temporary checkout, and compare")
    parser.add_argument("--same-people", type=int, default=100_000,
                        help="identical rows in batch-same (default 100,000)")
    parser.add_argument("--memory-limit", type=float, default=3.0,
                        help="address space limit of batch-same, GB (default 3)")
    parser.add_argument("--inner", help=argparse.SUPPRESS)  # run one case in this process
    args = parser.parse_args(argv)
    MEMORY_LIMIT_GB[0] = args.memory_limit
    if args.inner:
        people = {"gap": args.gap_people, "people": args.sample_people,
                  "batch-same": args.same_people}.get(args.inner, args.people)
        print(json.dumps(_run_case(args.inner, args.runs, people, args.sample)))
        return 0
    for name in args.cases:
        if name not in CASES:
            parser.error(f"unknown case {name!r}; choose from {', '.join(CASES)}")
    other = None
    if args.against:
        other = tempfile.mkdtemp(prefix="planner-against-")
        archive = subprocess.run(["git", "archive", args.against], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", other], input=archive, check=True)
    results = []
    try:
        for name in args.cases:
            before = None
            if other is not None:
                before = _inner(args, name, other)
                before["revision"] = args.against
                results.append(before)
                _report(name, before, f" ({args.against})")
            result = _inner(args, name)
            results.append(result)
            _report(name, result, " (this)" if other is not None else "")
            if name == "people" and before is not None:
                for line in people_table(result["weeks"], before["weeks"]):
                    print(line)
    finally:
        if other is not None:
            shutil.rmtree(other, ignore_errors=True)
    by_case = {r["case"]: r for r in results if "revision" not in r}
    if "batch" in by_case:
        for name in ("batch-serial", "batch-process"):
            if name in by_case:
                ratio = by_case["batch"]["per_minute"] / by_case[name]["per_minute"]
                print(f"batch vs {name}: {ratio:.2f}x the plans per minute")
    if "household" in by_case and "week" in by_case:
        ratio = by_case["household"]["cpu_s"] / by_case["week"]["cpu_s"]
        print(f"household vs week: {ratio:.2f}x the CPU of one person's week (4 members)")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
