"""Shared fixtures: the bundled table and catalogue are loaded once per session (both are
read-only), by the tests and the commands they run in-process, and a plan is planned once
per test run however many tests read it."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import pickle
import signal
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import settings

from planner.errors import PlannerError
from planner.food.catalogue import Catalogue, load_catalogue
from planner.food.data import FoodTable, load_foods

# CI runs a fixed set of examples (no flaky reruns); `pytest --hypothesis-profile=explore`
# searches new ones.
settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=200)
settings.load_profile("default")

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bundled() -> FoodTable:
    return load_foods()


@pytest.fixture(scope="session")
def catalogue(bundled: FoodTable) -> Catalogue:
    return load_catalogue(bundled)


@pytest.fixture(scope="session", autouse=True)
def shared_tables(bundled: FoodTable, catalogue: Catalogue) -> Iterator[None]:
    """The bundled table and its catalogue are read once per test run, by the commands a
    test runs in its own process too (typer's CliRunner, a batch's serial path): the
    library's ``load_foods()`` without a directory gives the session's table, and
    ``load_catalogue`` of that table without a path its catalogue. A directory or path
    given is read as always, and so is everything when PLANNER_TEST_FRESH is set."""
    import planner.food.catalogue as catalogue_module
    import planner.food.data as data_module

    read_foods, read_catalogue = data_module.load_foods, catalogue_module.load_catalogue

    def shared_foods(directory: Any = None) -> FoodTable:
        if directory is None and not os.environ.get("PLANNER_TEST_FRESH"):
            return bundled
        return read_foods(directory)

    def shared_catalogue(table: FoodTable, path: Any = None) -> Catalogue:
        if table is bundled and path is None and not os.environ.get("PLANNER_TEST_FRESH"):
            return catalogue
        return read_catalogue(table, path)

    data_module.load_foods = shared_foods  # type: ignore[assignment]
    catalogue_module.load_catalogue = shared_catalogue  # type: ignore[assignment]
    yield
    data_module.load_foods = read_foods  # type: ignore[assignment]
    catalogue_module.load_catalogue = read_catalogue  # type: ignore[assignment]


@pytest.fixture()
def data_dir() -> Path:
    return DATA


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own user data and cache folders (the food log and the fetch
    cache live there), so no test reads or leaves a log in the real home. A test that
    sets its own keeps them."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))


@pytest.fixture(autouse=True)
def ctrl_c_reaches_children(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with Ctrl-C as a person's shell gives it: SIGINT handled by Python
    and not blocked. An ignored or blocked signal stays so across fork and exec, so a test
    that sends SIGINT to a planner process it started would see it ignored if the worker
    had it so (the planner then finishes normally, exit 0). A test that leaves it changed
    fails, naming itself."""
    _ctrl_c_as_a_shell_gives_it()
    yield
    changed = _ctrl_c_changed()
    _ctrl_c_as_a_shell_gives_it()
    if changed:
        pytest.fail(f"{request.node.nodeid} left Ctrl-C {changed}", pytrace=False)


def _ctrl_c_changed() -> str:
    if signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, []):
        return "blocked"
    handler = signal.getsignal(signal.SIGINT)
    return "" if handler is signal.default_int_handler else f"handled by {handler!r}"


def _ctrl_c_as_a_shell_gives_it() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


# ------------------------------------------------------------------ plans planned once

class _KeyPickler(pickle._Pickler):
    """Pickles a request the same way in every process: a set's order follows its
    strings' hashes, which differ from process to process (PYTHONHASHSEED), so a set is
    written sorted. The bytes are a key only; nothing unpickles them. (Python's own
    pickler, not the C one: the C pickler writes sets without asking this hook.)"""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) in (set, frozenset):
            return type(obj), (sorted(obj, key=repr),)
        return NotImplemented


def _key(*parts: Any) -> bytes:
    """The bytes that name a request: the same in every worker and every run."""
    out = io.BytesIO()
    _KeyPickler(out, protocol=5).dump(parts)
    return out.getvalue()


def _digest(value: Any, cache: dict[int, tuple[Any, bytes]]) -> bytes:
    """A digest of a large object many plans read, cached per live object: a frame's
    content (index, columns, values) by its pickle, anything else (the rules) by
    :func:`_key`, which is slow on it."""
    hit = cache.get(id(value))
    if hit is not None and hit[0]() is value:
        return hit[1]
    data = pickle.dumps(value, protocol=5) if isinstance(value, pd.DataFrame) else _key(value)
    digest = hashlib.sha256(data).digest()
    cache[id(value)] = (weakref.ref(value), digest)
    return digest


class _Stored:
    """A plan in the run's shared store: ``found``, ("plan", a plan) or ("error", what it
    raised) (None: not planned yet); ``keep`` writes one (to a temporary name first, so a
    reader never sees half a file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: Any = None
        if path.exists():
            self.found = pickle.loads(path.read_bytes())

    def keep(self, found: tuple[str, Any]) -> None:
        """Store ("plan", a plan) or ("error", the PlannerError it raised: its type,
        arguments and attributes, see :func:`_fresh`); an error whose attributes do not
        come back whole is not stored (each worker meets it)."""
        if found[0] == "error":
            parts = _parts(found[1])
            try:
                data = pickle.dumps(("error", parts), protocol=5)
                again = pickle.loads(data)[1]
            except Exception:  # any pickling failure: not shared
                return
            if again != parts:
                return
        else:
            data = pickle.dumps(found, protocol=5)
        partial = self.path.with_suffix(".partial")
        partial.write_bytes(data)
        os.replace(partial, self.path)


@contextlib.contextmanager
def _stored(store: Path, key: bytes) -> Iterator[_Stored]:
    """The shared store's entry for ``key``, held under its lock while the caller plans."""
    name = hashlib.sha256(key).hexdigest()[:32]
    with open(store / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield _Stored(store / f"{name}.pickle")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _fresh(error: PlannerError) -> PlannerError:
    """A copy of a remembered error to raise: raising one object again and again would
    chain each raise's traceback and context onto it. Built from its type, arguments and
    attributes, not by pickle: a worker that imported Dask has tblib's exception pickling
    installed, which carries tracebacks and causes along (a RecursionError) and rebuilds
    some errors wrongly."""
    copy = _rebuilt(_parts(error))
    copy.__cause__ = error.__cause__
    return copy


def _parts(error: PlannerError) -> tuple[type[PlannerError], tuple[Any, ...], dict[str, Any]]:
    return type(error), error.args, dict(vars(error))


def _rebuilt(parts: tuple[type[PlannerError], tuple[Any, ...], dict[str, Any]]
             ) -> PlannerError:
    kind, args, attributes = parts
    error = kind.__new__(kind, *args)
    error.args = args
    error.__dict__.update(attributes)
    return error


@pytest.fixture(scope="session", autouse=True)
def shared_plans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[bytes, Any]]:
    """A plan that several tests read is planned once per test run: ``plan_week`` is
    memoised by everything it reads (the food table's and catalogue's content, targets,
    options, rules, what is kept or eaten, the meals to plan). A plan is an immutable
    record, so every test reads the same one; a request that raises raises the same
    error again; ``progress`` is told of every day as a plan would. A test that replaces
    a part of the planner (monkeypatching its scheduling or solver) always plans afresh,
    and so does every call when PLANNER_TEST_FRESH is set.

    Under pytest-xdist the workers share the plans too: the first worker to ask for one
    plans it under a lock on its key and stores it (pickled) in the run's temporary
    folder; a worker asking for it meanwhile waits for that lock and reads it (planning
    is deterministic, so the plan is the one it would have made). A request that raises
    is shared the same way (its error stored as its type, arguments and attributes), and
    options left out are the default options, as ``plan_week`` takes them."""
    from planner.planning import batch, dive, household, plan, replan  # noqa: F401 (loaded: patched below)

    original = plan.plan_week
    parts = {name: getattr(plan, name) for name in ("_plan_days", "_day_problem",
                                                    "solve_day", "_prepare")}
    parts_dive = dive.solve_day
    memo: dict[bytes, Any] = {}
    digests: dict[int, tuple[Any, bytes]] = {}
    base = tmp_path_factory.getbasetemp()
    store = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "plans"
    store.mkdir(exist_ok=True)

    def patched() -> bool:
        return any(getattr(plan, n) is not f for n, f in parts.items()) or \
            dive.solve_day is not parts_dive

    def plan_week(table: Any, catalogue: Any, targets: Any, options: Any = None,
                  rules: Any = None, **kwargs: Any) -> Any:
        progress = kwargs.pop("progress", None)
        replanning = kwargs.pop("replanning", None)
        given = () if options is None else (options,)  # the default options otherwise
        if os.environ.get("PLANNER_TEST_FRESH") or patched():
            return original(table, catalogue, targets, *given, rules=rules,
                            progress=progress, replanning=replanning, **kwargs)
        # the rules and what is kept or eaten hold sets, pickled in another order in each
        # worker: through _key (the targets and options hold none)
        key = pickle.dumps((_digest(table.foods, digests), table.origin,
                            _digest(catalogue.entries, digests), catalogue.generic,
                            catalogue.missing, targets,
                            plan.PlanOptions() if options is None else options,
                            None if rules is None else _digest(rules, digests),
                            _key(sorted(kwargs.items()))), protocol=5)
        if key not in memo:
            with _stored(store, key) as stored:
                if stored.found is None:  # this worker plans it, and stores it for the other
                    try:
                        memo[key] = ("plan", original(table, catalogue, targets, *given,
                                                      rules=rules, progress=progress,
                                                      replanning=replanning, **kwargs))
                    except PlannerError as exc:
                        memo[key] = ("error", exc)
                    stored.keep(memo[key])
                    kind, value = memo[key]
                    if kind == "error":
                        raise _fresh(value)
                    return value
                kind, value = stored.found
                memo[key] = (kind, _rebuilt(value) if kind == "error" else value)
        kind, value = memo[key]
        if progress is not None and kind == "plan":  # told of every day, as a plan would
            for day in range(1, len(value.days) + 1):
                progress(day, len(value.days))
        if kind == "error":
            raise _fresh(value)
        return value

    # every module holding the function, the test modules too: a test module that
    # imported plan_week by name at collection holds the original
    modules = [m for m in list(sys.modules.values())
               if m is not None and vars(m).get("plan_week") is original]
    for module in modules:
        module.plan_week = plan_week  # type: ignore[attr-defined]
    yield memo
    for module in modules:
        module.plan_week = original  # type: ignore[attr-defined]
