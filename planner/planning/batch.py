"""Plan weeks for many people: one table of profiles in, Parquet tables out.

:func:`plan_many` plans every row of a people table and yields one :class:`PersonResult`
per person, in input order: the week plan, the diagnosis when no plan exists, or the
reason the row is invalid. A bad or infeasible row never stops the batch.

:func:`run_batch` does the same at scale and writes the results, chunk by chunk, as
Parquet parts under ``out``::

    out/batch.json              what the batch is (format, input checksum, rows)
    out/items/part-<key>.parquet   id, day, slot, food_id, name, servings, grams
    out/days/part-<key>.parquet    id, day, one column per nutrient total
    out/people/part-<key>.parquet  id, status (ok, infeasible, invalid, error), message,
                                   solver seconds, key-nutrient coverage, HEI, food groups

Every part is written to a temporary name and renamed, and a chunk's ``people`` part is
written last: a chunk counts as done only when it is there. ``resume`` skips the ids
already done (and removes parts a stopped chunk left without their ``people`` part).
Chunks run on a local process pool (all cores by default) or on an existing Dask
distributed cluster (``scheduler``); either way each worker process loads the food table
and catalogue once (:func:`_tables`) and writes its own parts, so the output folder must be
one every worker can reach (a shared path, or any URL fsspec understands).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import math
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from planner.errors import (
    ClusterError,
    DatasetError,
    InfeasiblePlanError,
    OutputError,
    PlannerError,
    SolverError,
    reason,
)
from planner.files import TABLE_FILE_CAP, read_bytes
from planner.food.catalogue import Catalogue, load_catalogue
from planner.food.data import FoodTable, load_foods
from planner.food.nutrients import BY_NAME, KEY_NUTRIENTS, NUTRIENT_NAMES, suggest
from planner.meals.rules import Rules, load_rules
from planner.person.profile import make_profile, parse_override
from planner.person.targets import compute_targets
from planner.planning.plan import PlanOptions, WeekPlan, plan_week
from planner.planning.summary import GROUP_BASIS, group_rows, week_average

if TYPE_CHECKING:
    from distributed import Client

FORMAT: Final = "planner.batch/1"
MANIFEST: Final = "batch.json"
TABLES: Final = ("items", "days", "people")
#: Columns a people table may have; target.<nutrient>[.max] columns come on top.
COLUMNS: Final = ("id", "sex", "age", "life_stage", "weight", "height", "activity", "diet",
                  "exclude", "include", "like", "dislike", "conditions", "medicines", "days",
                  "seed", "pregnancy_week", "trimester", "pre_pregnancy_weight",
                  "postpartum_months")
LIST_COLUMNS: Final = ("exclude", "include", "like", "dislike", "conditions", "medicines")
STATUSES: Final = ("ok", "infeasible", "invalid", "error")
#: People per chunk at most (a chunk is one task and one set of parts).
CHUNK: Final = 20
#: Chunks per worker at least, so that the last chunks finish close together (plans take
#: 0.5 to 5 s each): measured on 200 people and 2 workers, 4 chunks a worker left one
#: worker idle for the last 20-30 s; 12 keep the tail under 10 s. Each chunk costs three
#: small Parquet writes (milliseconds).
CHUNKS_PER_WORKER: Final = 12

#: How long to try reaching a Dask scheduler before giving up.
CONNECT_TIMEOUT_S: Final = 30.0


@dataclass(frozen=True)
class PersonResult:
    """One row's outcome. ``week`` is set when ``status`` is ok; ``short`` names the
    nutrients or food groups a diagnosis found short (infeasible rows)."""

    id: str
    status: str
    message: str = ""
    week: WeekPlan | None = None
    short: tuple[str, ...] = ()
    seconds: float = 0.0  # wall time to plan this person


# ------------------------------------------------------------------ reading

def read_people(path: str | Path) -> pd.DataFrame:
    """The people table (CSV or Parquet) as text columns, validated as a file: an ``id``
    column with unique, non-empty ids and only known columns. Values are checked row by
    row when planned (a bad value makes that row invalid, not the file)."""
    file = Path(path)
    data = read_bytes(file, limit=TABLE_FILE_CAP, error=DatasetError, what="people table")
    try:
        if data[:4] == b"PAR1":
            import pyarrow.parquet as pq

            frame = pq.read_table(io.BytesIO(data)).to_pandas()
            frame = frame.astype(object).where(frame.notna(), "").astype(str)
        else:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                                encoding="utf-8-sig")
    except Exception as exc:  # pyarrow and pandas raise many kinds
        raise DatasetError(f"{file}: not a readable CSV or Parquet table "
                           f"({str(exc).splitlines()[0][:120] if str(exc) else exc})"
                           ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if "id" not in frame.columns:
        raise DatasetError(f"{file}: missing column id")
    for column in frame.columns:
        if column in COLUMNS:
            continue
        parts = column.split(".")
        if parts[0] == "target" and len(parts) in (2, 3) and parts[1] in BY_NAME and \
                (len(parts) == 2 or parts[2] == "max"):
            continue
        hint = suggest(parts[1]) if parts[0] == "target" and len(parts) > 1 else None
        raise DatasetError(f"{file}: unknown column {column!r}"
                           + (f" (did you mean target.{hint}?)" if hint else
                              f" (known: {', '.join(COLUMNS)}, target.<nutrient>, "
                              "target.<nutrient>.max)"))
    frame = frame.map(lambda v: str(v).strip())
    empty = frame["id"] == ""
    if empty.any():
        raise DatasetError(f"{file}: column id: empty id in row {int(empty.idxmax()) + 2}")
    duplicated = frame["id"][frame["id"].duplicated()]
    if len(duplicated):
        raise DatasetError(f"{file}: column id: duplicate id {duplicated.iloc[0]!r}")
    if frame.empty:
        raise DatasetError(f"{file}: no people")
    out: pd.DataFrame = frame.reset_index(drop=True)
    return out


def request(row: Mapping[str, str]) -> tuple[Any, list[Any], PlanOptions]:
    """(profile, target overrides, plan options) of one row; raises PlannerError for a
    bad value (the row is then invalid)."""
    def value(key: str) -> str | None:
        text = row.get(key, "")
        return text if text else None

    def words(key: str) -> list[str]:
        return [w.strip() for w in (row.get(key) or "").split(";") if w.strip()]

    profile = make_profile(value("sex"), value("age"), value("life_stage") or "general",
                           value("weight"), value("height"), value("activity"),
                           words("conditions"), words("medicines"),
                           value("pregnancy_week"), value("trimester"),
                           value("pre_pregnancy_weight"), value("postpartum_months"))
    overrides = []
    for key, text in row.items():
        if key.startswith("target.") and text:
            name = key.removeprefix("target.")
            overrides.append(parse_override(f"{name}={text}"))
    options = PlanOptions(days=_integer(row, "days", 7), diet=value("diet") or "omnivore",
                          exclude=tuple(words("exclude")), include=tuple(words("include")),
                          like=tuple(words("like")), dislike=tuple(words("dislike")),
                          seed=_integer(row, "seed", 0))
    return profile, overrides, options


def _integer(row: Mapping[str, str], key: str, default: int) -> int:
    text = row.get(key) or ""
    if not text:
        return default
    try:
        number = float(text)
    except ValueError:
        raise PlannerError(f"{key}: {text!r} is not a whole number") from None
    if not math.isfinite(number) or number != int(number):
        raise PlannerError(f"{key}: {text!r} is not a whole number")
    return int(number)


# ------------------------------------------------------------------ planning

@functools.lru_cache(maxsize=4)
def _tables(data_dir: str | None) -> tuple[FoodTable, Catalogue, Rules]:
    """The food table, catalogue and rules, loaded once per process (a worker plans many
    people; loading is most of a single plan's start-up)."""
    table = load_foods(data_dir)
    return table, load_catalogue(table), load_rules()


def plan_person(row: Mapping[str, str], table: FoodTable, catalogue: Catalogue,
                rules: Rules) -> PersonResult:
    """Plan one row; never raises for the person's data (it becomes the result)."""
    start = time.perf_counter()
    person = str(row.get("id", ""))
    try:
        profile, overrides, options = request(row)
        targets = compute_targets(profile, overrides)
        week = plan_week(table, catalogue, targets, options, rules)
    except InfeasiblePlanError as exc:
        short = tuple(dict.fromkeys(s.nutrient for s in exc.shortfalls))
        return PersonResult(person, "infeasible", str(exc), None, short,
                            time.perf_counter() - start)
    except PlannerError as exc:
        status = "error" if isinstance(exc, SolverError) else "invalid"
        return PersonResult(person, status, str(exc), None, (),
                            time.perf_counter() - start)
    return PersonResult(person, "ok", "", week, (), time.perf_counter() - start)


def plan_many(people: pd.DataFrame, data_dir: str | None = None
              ) -> Iterator[PersonResult]:
    """Plan every row of ``people`` (see :func:`read_people`) in this process, in order;
    the tables are loaded once."""
    table, catalogue, rules = _tables(data_dir)
    for row in _rows(people):
        yield plan_person(row, table, catalogue, rules)


def _rows(people: pd.DataFrame) -> list[dict[str, str]]:
    return [{str(k): str(v) for k, v in row.items()} for row in people.to_dict("records")]


# ------------------------------------------------------------------ records

def records(result: PersonResult) -> dict[str, list[dict[str, Any]]]:
    """The rows one result adds to the items, days and people tables."""
    week = result.week
    person: dict[str, Any] = {"id": result.id, "status": result.status,
                              "message": result.message, "short": ";".join(result.short),
                              "seconds": round(result.seconds, 4)}
    items: list[dict[str, Any]] = []
    days: list[dict[str, Any]] = []
    if week is not None:
        person["solver_seconds"] = round(week.solver.seconds, 4)
        person["solver"] = week.solver.summary
        for n in KEY_NUTRIENTS:
            t = week.applied.get(n)
            person[f"coverage_{n}"] = round(100 * week_average(week, n) / t.min, 2) \
                if t is not None and t.min else None
        person["energy_kcal_mean"] = round(week_average(week, "energy_kcal"), 1)
        person["hei"] = None if week.quality is None else round(week.quality.total, 2)
        for row in group_rows(week):
            person[f"{row.group}_per_{row.per}"] = round(row.plan, 3)
        person["shopping_lines"] = len(week.shopping_list)
        for day in week.days:
            days.append({"id": result.id, "day": day.day,
                         **{n: float(day.totals[n]) for n in NUTRIENT_NAMES}})
            for meal in day.meals:
                for item in meal.items:
                    items.append({"id": result.id, "day": day.day, "slot": meal.slot,
                                  "food_id": item.food_id, "name": item.name,
                                  "servings": float(item.servings),
                                  "grams": float(item.grams)})
    return {"items": items, "days": days, "people": [person]}


def _schema(name: str) -> Any:
    """Fixed Parquet schemas, so parts from every worker concatenate."""
    import pyarrow as pa

    if name == "items":
        return pa.schema([("id", pa.string()), ("day", pa.int32()), ("slot", pa.string()),
                          ("food_id", pa.string()), ("name", pa.string()),
                          ("servings", pa.float64()), ("grams", pa.float64())])
    if name == "days":
        return pa.schema([("id", pa.string()), ("day", pa.int32()),
                          *((n, pa.float64()) for n in NUTRIENT_NAMES)])
    groups = (f"{group}_per_{per}" for group, per in GROUP_BASIS.items())
    return pa.schema([("id", pa.string()), ("status", pa.string()), ("message", pa.string()),
                      ("short", pa.string()), ("seconds", pa.float64()),
                      ("solver_seconds", pa.float64()), ("solver", pa.string()),
                      *((f"coverage_{n}", pa.float64()) for n in KEY_NUTRIENTS),
                      ("energy_kcal_mean", pa.float64()), ("hei", pa.float64()),
                      *((g, pa.float64()) for g in groups),
                      ("shopping_lines", pa.int32())])


# ------------------------------------------------------------------ output folder

class _Folder:
    """The output folder, local or any fsspec URL: atomic part writes and listings."""

    def __init__(self, out: str) -> None:
        import fsspec

        self.url = str(out)
        self.fs, self.root = fsspec.core.url_to_fs(self.url)
        protocols = self.fs.protocol if isinstance(self.fs.protocol, tuple) else \
            (self.fs.protocol,)
        self.local = "file" in protocols or "local" in protocols

    def path(self, *parts: str) -> str:
        return "/".join([self.root.rstrip("/"), *parts])

    def write(self, relative: str, data: bytes) -> None:
        target = self.path(relative)
        tmp = f"{target}.{uuid.uuid4().hex}.tmp"
        try:
            self.fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
            if self.local:  # a temporary name beside it, then a rename
                try:
                    with self.fs.open(tmp, "wb") as handle:
                        handle.write(data)
                    os.replace(tmp, target)  # atomic; refuses a folder of that name
                finally:
                    if self.fs.exists(tmp):
                        self.fs.rm(tmp)
            else:  # object stores make a put visible whole or not at all
                with self.fs.open(target, "wb") as handle:
                    handle.write(data)
        except OSError as exc:  # raised where it happens: on a worker, not the client
            raise OutputError(f"cannot write {target} ({reason(exc)})") from None

    def read(self, relative: str) -> bytes:
        with self.fs.open(self.path(relative), "rb") as handle:
            return bytes(handle.read())

    def exists(self, relative: str = "") -> bool:
        return bool(self.fs.exists(self.path(relative) if relative else self.root))

    def names(self, relative: str = "") -> list[str]:
        where = self.path(relative) if relative else self.root
        if not self.fs.exists(where):
            return []
        return sorted(p.rstrip("/").rsplit("/", 1)[-1] for p in self.fs.ls(where,
                                                                             detail=False))

    def remove(self, relative: str) -> None:
        self.fs.rm(self.path(relative))


def write_chunk(out: str, key: str, results: Sequence[PersonResult]) -> list[dict[str, Any]]:
    """Write one chunk's parts (people last) and return its people rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = _Folder(out)
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for result in results:
        for name, part in records(result).items():
            rows[name] += part
    for name in TABLES:  # people last: a chunk is done when its people part exists
        schema = _schema(name)
        table = pa.Table.from_pylist(rows[name], schema=schema)
        buffer = io.BytesIO()
        pq.write_table(table, buffer, compression="zstd")
        folder.write(f"{name}/part-{key}.parquet", buffer.getvalue())
    return rows["people"]


def plan_chunk(rows: Sequence[Mapping[str, str]], out: str, key: str,
               data_dir: str | None) -> list[dict[str, Any]]:
    """A worker's task: plan a chunk of people and write its parts; returns the people
    rows (for the summary)."""
    table, catalogue, rules = _tables(data_dir)
    results = [plan_person(row, table, catalogue, rules) for row in rows]
    return write_chunk(out, key, results)


def _warm(data_dir: str | None) -> None:
    """Pool initializer: load the tables before the first task."""
    _tables(data_dir)


# ------------------------------------------------------------------ running a batch

@dataclass(frozen=True)
class BatchSummary:
    """What a batch did: counts by status, time, and what infeasible rows lacked most."""

    counts: Mapping[str, int]
    skipped: int  # done before this run (resume)
    seconds: float
    short: Sequence[tuple[str, int]] = ()  # nutrient or group, infeasible rows short of it
    invalid: Sequence[tuple[str, str]] = ()  # (id, reason) of invalid rows, first few
    workers: int = 1
    where: str = ""

    @property
    def planned(self) -> int:
        return sum(self.counts.values())

    @property
    def per_minute(self) -> float:
        return 60 * self.planned / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "skipped": self.skipped,
                "seconds": round(self.seconds, 2), "plans_per_minute": round(self.per_minute,
                                                                              1),
                "short": [list(s) for s in self.short],
                "invalid": [list(i) for i in self.invalid], "workers": self.workers,
                "where": self.where}


def input_checksum(people: pd.DataFrame) -> str:
    return hashlib.sha256(people.to_csv(index=False).encode()).hexdigest()


def prepare_output(out: str, people: pd.DataFrame, *, resume: bool) -> set[str]:
    """Check the output folder and return the ids already done. A new or empty folder
    starts a batch; a folder of this batch continues it with ``resume``; anything else is
    refused, changing nothing."""
    folder = _Folder(out)
    checksum = input_checksum(people)
    names = folder.names() if folder.exists() else []
    if names:
        if MANIFEST not in names:
            raise OutputError(f"{out}: not empty and not a planner batch folder; choose a "
                              "new or empty folder (nothing changed)")
        try:
            manifest = json.loads(folder.read(MANIFEST))
        except (OSError, ValueError) as exc:
            raise OutputError(f"{out}/{MANIFEST}: unreadable ({exc})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise OutputError(f"{out}/{MANIFEST}: not a {FORMAT} manifest")
        if manifest.get("input_sha256") != checksum:
            raise OutputError(f"{out}: holds a batch of another people table; choose "
                              "another folder (nothing changed)")
        if not resume:
            raise OutputError(f"{out}: already holds this batch; use --resume to continue "
                              "it or choose another folder (nothing changed)")
        return _done_ids(folder)
    manifest = {"format": FORMAT, "input_sha256": checksum, "rows": len(people),
                "tables": list(TABLES)}
    folder.write(MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
    return set()


def _done_ids(folder: _Folder) -> set[str]:
    """Ids in finished chunks; parts a stopped chunk left without its people part go."""
    import pyarrow.parquet as pq

    people = {n for n in folder.names("people") if n.endswith(".parquet")}
    for name in ("items", "days"):
        for part in folder.names(name):
            if part.endswith(".tmp") or (part.endswith(".parquet") and part not in people):
                folder.remove(f"{name}/{part}")
    for part in folder.names("people"):
        if part.endswith(".tmp"):
            folder.remove(f"people/{part}")
    done: set[str] = set()
    for part in sorted(people):
        table = pq.read_table(io.BytesIO(folder.read(f"people/{part}")), columns=["id"])
        done.update(str(i) for i in table.column("id").to_pylist())
    return done


def chunks(people: pd.DataFrame, done: set[str], workers: int
           ) -> list[tuple[str, list[dict[str, str]]]]:
    """Remaining rows in chunks, each with a key naming its parts (from its ids)."""
    rows = [r for r in _rows(people) if r["id"] not in done]
    size = max(1, min(CHUNK, math.ceil(len(rows) / max(1, workers * CHUNKS_PER_WORKER))))
    out = []
    for start in range(0, len(rows), size):
        part = rows[start:start + size]
        key = hashlib.sha1("\n".join(r["id"] for r in part).encode()).hexdigest()[:16]
        out.append((key, part))
    return out


def run_batch(people: pd.DataFrame, out: str, *, data_dir: str | None = None,
              workers: int | None = None, scheduler: str | None = None,
              resume: bool = False,
              progress: Callable[[int, int], Callable[[int], None]] | None = None
              ) -> BatchSummary:
    """Plan every person not done yet and write the parts under ``out``.

    ``workers`` local processes (default: every core), or the Dask cluster at
    ``scheduler`` (``tcp://host:8786``). ``progress(total, done)`` may return a callable
    advanced by the number of people in each finished chunk.
    """
    workers = max(1, workers or os.cpu_count() or 1)
    with contextlib.ExitStack() as stack:  # a cluster is reached before anything is written
        client = stack.enter_context(_connect(scheduler)) if scheduler else None
        return _run(people, out, data_dir, workers, client, scheduler, resume, progress)


def _run(people: pd.DataFrame, out: str, data_dir: str | None, workers: int,
         client: Client | None, scheduler: str | None, resume: bool,
         progress: Callable[[int, int], Callable[[int], None]] | None) -> BatchSummary:
    done = prepare_output(out, people, resume=resume)
    todo = chunks(people, done, workers)
    total = sum(len(rows) for _, rows in todo)
    step = progress(len(people), len(done)) if progress else None
    start = time.perf_counter()
    people_rows: list[dict[str, Any]] = []
    if client is not None:
        for result in _on_dask(client, todo, out, data_dir):
            people_rows += result
            if step:
                step(len(result))
        where = f"Dask cluster at {scheduler}"
    elif workers == 1 or total <= 1:
        for key, rows in todo:
            result = plan_chunk(rows, out, key, data_dir)
            people_rows += result
            if step:
                step(len(result))
        where, workers = "this process", 1
    else:
        for result in _on_pool(workers, todo, out, data_dir):
            people_rows += result
            if step:
                step(len(result))
        where = f"{workers} local processes"
    return summarize(people_rows, len(done), time.perf_counter() - start, workers, where)


def _on_pool(workers: int, todo: Sequence[tuple[str, list[dict[str, str]]]], out: str,
             data_dir: str | None) -> Iterator[list[dict[str, Any]]]:
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no inherited solver or thread state
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm,
                             initargs=(data_dir,)) as pool:
        pending: set[Future[list[dict[str, Any]]]] = {
            pool.submit(plan_chunk, rows, out, key, data_dir) for key, rows in todo}
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _connect(scheduler: str) -> Client:
    """A client of the Dask scheduler at ``scheduler``; ClusterError when unreachable."""
    from distributed import Client

    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT_S)  # type: ignore[no-untyped-call]
    except (OSError, ValueError, TypeError) as exc:  # timeouts, refused, a bad address
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler} "
                           f"({reason(exc)}); is 'dask scheduler' running there?") from None


def _on_dask(client: Client, todo: Sequence[tuple[str, list[dict[str, str]]]], out: str,
             data_dir: str | None) -> Iterator[list[dict[str, Any]]]:
    from distributed import as_completed

    futures = [client.submit(plan_chunk, rows, out, key, data_dir, key=f"plan-{key}",
                             pure=False) for key, rows in todo]
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        try:
            yield future.result()
        except (OSError, TimeoutError) as exc:  # the scheduler went away mid-batch
            raise ClusterError(f"lost the Dask cluster ({reason(exc)}); what finished is "
                               "kept: run again with --resume") from None


def summarize(rows: Iterable[Mapping[str, Any]], skipped: int, seconds: float, workers: int,
              where: str) -> BatchSummary:
    counts: Counter[str] = Counter()
    short: Counter[str] = Counter()
    invalid: list[tuple[str, str]] = []
    for row in rows:
        counts[str(row["status"])] += 1
        if row["status"] == "infeasible":
            short.update(n for n in str(row.get("short") or "").split(";") if n)
        if row["status"] in ("invalid", "error") and len(invalid) < 5:
            invalid.append((str(row["id"]), str(row["message"])))
    return BatchSummary({s: counts.get(s, 0) for s in STATUSES}, skipped, seconds,
                        short.most_common(5), invalid, workers, where)


def read_results(out: str, table: str = "people") -> pd.DataFrame:
    """One output table (items, days or people) of a batch folder, all parts together."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if table not in TABLES:
        raise OutputError(f"table: {table!r} is not one of {', '.join(TABLES)}")
    folder = _Folder(out)
    parts = [pq.read_table(io.BytesIO(folder.read(f"{table}/{name}")))
             for name in folder.names(table) if name.endswith(".parquet")]
    frame: pd.DataFrame = (pa.concat_tables(parts) if parts else
                           _schema(table).empty_table()).to_pandas()
    return frame

