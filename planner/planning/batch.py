"""Plan weeks for many people: one table of profiles in, Parquet tables out.

:func:`plan_many` plans every row of a people table and yields one :class:`PersonResult`
per person, in input order: the week plan, the diagnosis when no plan exists, or the
reason the row is invalid. A bad or infeasible row never stops the batch.

:func:`run_batch` does the same at scale and writes the results, chunk by chunk, as
Parquet parts under ``out``::

    out/batch.json              what the batch is (format, batch id, input checksum, rows)
    out/items/part-<batch>-<key>.parquet   id, day, slot, food_id, name, servings, grams
    out/days/part-<batch>-<key>.parquet    id, day, one column per nutrient total
    out/people/part-<batch>-<key>.parquet  id, status (ok, missed, infeasible, invalid,
                                   error),
                                   message, solver seconds, key-nutrient coverage, HEI,
                                   food groups

``<batch>`` is the random id the manifest records and ``<key>`` a hash of the chunk's ids
(of their JSON list, so no two lists of ids share a name). Every part is written to a
temporary name and renamed, and a chunk's ``people`` part is written last: a chunk counts
as done only when it is there. ``resume`` skips the ids already done (and removes parts a
stopped chunk left without their ``people`` part). The folder is planner's alone: a file
whose name and manifest do not say this batch wrote it is never removed or replaced, and
a batch folder holding such a file is refused before anything changes. At the end every
id of the input must be in a ``people`` part, or the batch fails.

Losing a cluster is a :class:`~planner.errors.ClusterError` (one line): a scheduler that
cannot be reached, does not answer its first message within :data:`FIRST_ANSWER_S` or is
not a Dask scheduler, a scheduler that goes away mid-batch, a cluster left without
workers for :data:`NO_WORKERS_S`, workers that keep dying, a local worker process that
stops. Finished chunks stay, and ``--resume`` plans the rest.
Chunks run on a local process pool (all cores by default) or on an existing Dask
distributed cluster (``scheduler``); either way each worker process loads the food table
and catalogue once (:func:`_tables`) and writes its own parts, so the output folder must be
one every worker can reach (a shared path, or any URL fsspec understands).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import json
import logging
import math
import os
import re
import socket
import stat
import struct
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
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
from planner.files import SMALL_FILE_CAP, TABLE_FILE_CAP, read_bytes
from planner.food.catalogue import Catalogue, load_catalogue
from planner.food.data import FoodTable, load_foods
from planner.food.nutrients import BY_NAME, KEY_NUTRIENTS, NUTRIENT_NAMES, suggest
from planner.limits import escaped
from planner.meals.rules import Rules, load_rules
from planner.person.profile import make_profile, parse_override
from planner.person.targets import compute_targets
from planner.planning.plan import plan_week
from planner.planning.records import PlanOptions, WeekPlan
from planner.planning.summary import GROUP_BASIS, group_rows, week_average

if TYPE_CHECKING:
    from distributed import Client

FORMAT: Final = "planner.batch/2"
MANIFEST: Final = "batch.json"
TABLES: Final = ("items", "days", "people")
#: Columns a people table may have; target.<nutrient>[.max] columns come on top.
COLUMNS: Final = ("id", "sex", "age", "life_stage", "weight", "height", "activity", "diet",
                  "exclude", "include", "like", "dislike", "conditions", "medicines", "days",
                  "seed", "pregnancy_week", "trimester", "pre_pregnancy_weight",
                  "postpartum_months")
LIST_COLUMNS: Final = ("exclude", "include", "like", "dislike", "conditions", "medicines")
#: ok: a plan meeting every target; missed: the nearest plan, which misses some (written,
#: with what it misses in ``short``); infeasible: no plan (a safety limit); invalid: a bad
#: row; error: the solver failed.
STATUSES: Final = ("ok", "missed", "infeasible", "invalid", "error")
#: Distinct requests per chunk at most (a chunk is one task and one set of parts).
CHUNK: Final = 20
#: Rows per chunk at most, whatever they ask. Rows asking what an earlier row asked share
#: its plan, but each still has its own items and days, which a chunk holds until its
#: parts are written (a week is about 100 items): with this cap a chunk's memory is
#: bounded whatever the table (100,000 identical rows in one chunk took 5 GB). Rows past
#: it go to copy chunks, which copy the planned row's parts (see :func:`copy_chunk`).
CHUNK_ROWS: Final = 500
#: Chunks per worker at least, so that the last chunks finish close together (plans take
#: 0.5 to 5 s each): measured on 200 people and 2 workers, 4 chunks a worker left one
#: worker idle for the last 20-30 s; 12 keep the tail under 10 s. Each chunk costs three
#: small Parquet writes (milliseconds).
CHUNKS_PER_WORKER: Final = 12

#: Distinct requests plan_many remembers (their plans), to share with later rows.
SHARED_CACHE: Final = 256

#: An id is at most this many characters, printable, without surrounding spaces.
ID_LENGTH: Final = 200
#: How long to wait for a finished chunk's rows before watching the cluster again (they
#: live on the worker that planned them; if it died they must be planned again).
RESULT_WAIT_S: Final = 1.0
#: How long to try reaching a Dask scheduler before giving up.
CONNECT_TIMEOUT_S: Final = 30.0
#: How long a reached scheduler may take to send its first message (Dask's handshake).
FIRST_ANSWER_S: Final = 10.0
#: The largest first message a Dask scheduler sends (its handshake is ~100 bytes).
HANDSHAKE_CAP: Final = 64 * 1024
#: How long a batch waits on a cluster with no workers (all lost, or none started).
NO_WORKERS_S: Final = 30.0
#: How often the cluster is asked whether it still has workers, and how long it may take.
HEALTH_EVERY_S: Final = 2.0
HEALTH_TIMEOUT_S: Final = 10.0
#: Where a batch may be written: a local (or NFS) path, or an object store, whose puts
#: appear whole. Others (memory://, ftp://, http://) would lose or half-write parts.
PROTOCOLS: Final = ("file", "local", "s3", "s3a", "gs", "gcs", "abfs", "abfss", "az")
_BATCH_ID: Final = re.compile(r"[0-9a-f]{12}")


@dataclass(frozen=True)
class PersonResult:
    """One row's outcome. ``week`` is set when ``status`` is ok or missed; ``short`` names
    the nutrients or food groups a diagnosis found short (infeasible rows) or the nearest
    plan misses (missed rows)."""

    id: str
    status: str
    message: str = ""
    week: WeekPlan | None = None
    short: tuple[str, ...] = ()
    seconds: float = 0.0  # wall time to plan this person (0: shared an earlier plan)
    request: str = ""  # request_key of the row: rows with one key share one plan
    shared: bool = False  # a copy of an earlier row's result (nothing planned for it)


# ------------------------------------------------------------------ reading

def read_people(path: str | Path) -> pd.DataFrame:
    """The people table (CSV or Parquet) as text columns, validated as a file: an ``id``
    column with unique, non-empty ids and only known columns. Values are checked row by
    row when planned (a bad value makes that row invalid, not the file)."""
    file = Path(path)
    data = read_bytes(file, limit=TABLE_FILE_CAP, error=DatasetError, what="people table")
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):  # nothing, or a byte-order mark
        raise DatasetError(f"{file}: empty (a people table starts with a header row such as "
                           "id,sex,age)")
    try:
        if data[:4] == b"PAR1":
            arrow = read_parquet(data)
            _check_columns(file, arrow.column_names)
            frame = arrow.to_pandas()
            frame = frame.astype(object).where(frame.notna(), "").astype(str)
        else:  # the header as written: pandas would rename a second "id" to "id.1"
            header = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                                 encoding="utf-8-sig", header=None, nrows=1)
            _check_columns(file, [] if header.empty else list(header.iloc[0]))
            with warnings.catch_warnings():
                # a row longer than the header: pandas would make its first cell the
                # index and shift the rest (or, with index_col=False, drop the extra cell
                # with this warning): refused, as a row too long further down is
                warnings.simplefilter("error", pd.errors.ParserWarning)
                try:
                    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                                        encoding="utf-8-sig", index_col=False)
                except (pd.errors.ParserWarning, pd.errors.ParserError):
                    width = header.shape[1]
                    lines = csv.reader(io.StringIO(data.decode("utf-8-sig", "replace")))
                    row = next((n for n, cells in enumerate(lines, start=1)
                                if len(cells) > width), None)
                    if row is None:  # another parser error: said as unreadable below
                        raise
                    raise DatasetError(f"{file} row {row}: a row has more cells than the "
                                       f"header's {width} columns") from None
    except DatasetError:
        raise
    except Exception as exc:  # pyarrow and pandas raise many kinds
        raise DatasetError(f"{file}: not a readable CSV or Parquet table "
                           f"({str(exc).splitlines()[0][:120] if str(exc) else exc})"
                           ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if "id" not in frame.columns:
        header_text = ",".join(map(str, frame.columns))
        why = (" (the header looks separated by ';': the table must be separated by "
               "commas)" if ";" in header_text and "id" in header_text.split(";") else
               f" (a {file.suffix} file is not read: a CSV or Parquet people table)"
               if file.suffix.lower() in (".json", ".yaml", ".yml", ".xml", ".xlsx") else "")
        raise DatasetError(f"{file}: missing column id{why}")
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
    for number, given in enumerate(frame["id"], start=2):
        _check_id(file, number, str(given))
    frame = frame.map(lambda v: str(v).strip())
    duplicated = frame["id"][frame["id"].duplicated()]
    if len(duplicated):
        rows = [n + 2 for n in frame.index[frame["id"] == duplicated.iloc[0]][:2]]
        raise DatasetError(f"{file}: column id: duplicate id {duplicated.iloc[0]!r} (rows "
                           f"{rows[0]} and {rows[1]})")
    if frame.empty:
        raise DatasetError(f"{file}: no people")
    out: pd.DataFrame = frame.reset_index(drop=True)
    return out


def _check_columns(file: Path, names: Sequence[object]) -> None:
    """DatasetError naming a column that appears twice (``id`` and `` id`` are one name):
    which of the two holds the ids is not for planner to guess."""
    seen: dict[str, int] = {}
    for number, name in enumerate((str(n).strip() for n in names), start=1):
        if name in seen:
            raise DatasetError(f"{file}: column {name!r} appears twice (columns "
                               f"{seen[name]} and {number}); name each column once")
        seen[name] = number


def read_parquet(data: bytes, columns: Sequence[str] | None = None) -> Any:
    """A Parquet file's bytes as an Arrow table. Read from Arrow's own buffer without its
    thread pool: ``pq.read_table`` on an in-memory file with threads made one process in
    three abort at exit ("terminate called without an active exception", pyarrow's
    threads outliving the interpreter), where this read never did in 120 runs."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.ParquetFile(pa.BufferReader(data)).read(
        columns=None if columns is None else list(columns), use_threads=False)


def _check_id(file: Path, row: int, text: str) -> None:
    """DatasetError unless ``text`` is an id kept exactly (:func:`id_problem`)."""
    problem = id_problem(text)
    if not problem:
        return
    if not text.strip():
        raise DatasetError(f"{file}: column id: empty id in row {row}")
    shown = "" if len(text) > ID_LENGTH else \
        f" {text[:40]!r}" + ("..." if len(text) > 40 else "")  # a very long one is not
    raise DatasetError(f"{file}: column id: id{shown} in row {row} {problem}")


def id_problem(text: str) -> str:
    """What keeps ``text`` from being an id kept exactly ("" when nothing): an id is
    non-empty, printable (no control, format or bidirectional characters), without
    surrounding spaces and at most ID_LENGTH long. A household member's name is one."""
    if not text.strip():
        return "is empty"
    if len(text) > ID_LENGTH:
        return f"has {len(text):,} characters (at most {ID_LENGTH})"
    if not text.isprintable():
        return "has a control or invisible character"
    if text != text.strip():
        return "starts or ends with a space"
    return ""


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


def request_key(row: Mapping[str, str]) -> str:
    """A short hash of what a row asks planning for (profile, target overrides, diet,
    exclusions, likes, days, seed, as parsed: age "30" and "30.0" are one request, and
    "dairy;egg" and "Egg;dairy" one list), so that rows asking the same share one plan.
    An invalid row is its own request."""
    key = _valid_key(row)
    return key if key is not None else _digest(repr(("invalid", str(row.get("id", "")))))


def _valid_key(row: Mapping[str, str]) -> str | None:
    """:func:`request_key` of a valid row; None for an invalid one."""
    try:
        profile, overrides, options = request(row)
    except PlannerError:
        return None

    def as_set(words: Sequence[str]) -> tuple[str, ...]:  # a list is a set, as planned
        return tuple(sorted({w.casefold() for w in words}))

    return _digest(repr((replace(profile, conditions=as_set(profile.conditions),
                                 medicines=as_set(profile.medicines)),
                         sorted(overrides, key=repr),
                         replace(options, exclude=as_set(options.exclude),
                                 include=as_set(options.include), like=as_set(options.like),
                                 dislike=as_set(options.dislike)))))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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
    key = request_key(row)
    try:
        profile, overrides, options = request(row)
        targets = compute_targets(profile, overrides)
        week = plan_week(table, catalogue, targets, options, rules)
    except InfeasiblePlanError as exc:
        short = tuple(dict.fromkeys(s.nutrient for s in exc.shortfalls))
        return PersonResult(person, "infeasible", str(exc), None, short,
                            time.perf_counter() - start, key)
    except PlannerError as exc:
        status = "error" if isinstance(exc, SolverError) else "invalid"
        return PersonResult(person, status, str(exc), None, (),
                            time.perf_counter() - start, key)
    if week.misses:  # the nearest plan: written, with what it misses
        short = tuple(dict.fromkeys(s.nutrient for s in week.misses))
        return PersonResult(person, "missed", week.notes[0], week, short,
                            time.perf_counter() - start, key)
    return PersonResult(person, "ok", "", week, (), time.perf_counter() - start, key)


def plan_rows(rows: Sequence[Mapping[str, str]], table: FoodTable, catalogue: Catalogue,
              rules: Rules) -> list[PersonResult]:
    """Plan ``rows`` in order, each distinct request once: a row asking what an earlier
    one asked gets that row's result under its own id (``seconds`` 0: no planning)."""
    done: dict[str, PersonResult] = {}
    out = []
    for row in rows:
        key = request_key(row)
        first = done.get(key)
        if first is None:
            first = done[key] = plan_person(row, table, catalogue, rules)
            out.append(first)
        else:
            out.append(replace(first, id=str(row.get("id", "")), seconds=0.0, shared=True))
    return out


def plan_many(people: pd.DataFrame, data_dir: str | None = None
              ) -> Iterator[PersonResult]:
    """Plan every row of ``people`` (see :func:`read_people`) in this process, in order;
    the tables are loaded once, and a request asked before (within the last
    :data:`SHARED_CACHE` distinct ones) is not planned again."""
    table, catalogue, rules = _tables(data_dir)
    done: dict[str, PersonResult] = {}
    for row in _rows(people):
        key = request_key(row)
        first = done.pop(key, None)
        if first is None:
            first = plan_person(row, table, catalogue, rules)
            result = first
        else:
            result = replace(first, id=str(row.get("id", "")), seconds=0.0, shared=True)
        done[key] = first  # most recent last
        if len(done) > SHARED_CACHE:
            del done[next(iter(done))]
        yield result


def _rows(people: pd.DataFrame) -> list[dict[str, str]]:
    return [{str(k): str(v) for k, v in row.items()} for row in people.to_dict("records")]


# ------------------------------------------------------------------ records

def records(result: PersonResult) -> dict[str, list[dict[str, Any]]]:
    """The rows one result adds to the items, days and people tables."""
    week = result.week
    person: dict[str, Any] = {"id": result.id, "status": result.status,
                              "message": result.message, "short": ";".join(result.short),
                              "seconds": round(result.seconds, 4),
                              "request": result.request}
    items: list[dict[str, Any]] = []
    days: list[dict[str, Any]] = []
    if week is not None:
        person["solver_seconds"] = 0.0 if result.shared else round(week.solver.seconds, 4)
        person["solver"] = week.solver.summary
        for n in KEY_NUTRIENTS:
            minimum = week.target_min(n)
            person[f"coverage_{n}"] = round(100 * week_average(week, n) / minimum, 2) \
                if minimum else None
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
                      ("request", pa.string()),
                      ("solver_seconds", pa.float64()), ("solver", pa.string()),
                      *((f"coverage_{n}", pa.float64()) for n in KEY_NUTRIENTS),
                      ("energy_kcal_mean", pa.float64()), ("hei", pa.float64()),
                      *((g, pa.float64()) for g in groups),
                      ("shopping_lines", pa.int32())])


# ------------------------------------------------------------------ output folder

class _Folder:
    """The output folder, local or any fsspec URL: atomic part writes and listings."""

    def __init__(self, out: str) -> None:
        self.url = check_out(out)
        import fsspec

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

    def read(self, relative: str, limit: int = TABLE_FILE_CAP) -> bytes:
        """The bytes of a regular file, at most ``limit`` (OutputError naming it)."""
        where = self.path(relative)
        try:
            if self.local:
                return read_bytes(Path(where), limit=limit, error=OutputError,
                                  what=relative)
            size = self.fs.size(where)
            if size is not None and size > limit:
                raise OutputError(f"{where}: larger than the {limit:,} bytes it may have")
            with self.fs.open(where, "rb") as handle:
                data = bytes(handle.read(limit + 1))
        except OSError as exc:
            raise OutputError(f"{where}: cannot read ({reason(exc)})") from None
        if len(data) > limit:
            raise OutputError(f"{where}: larger than the {limit:,} bytes it may have")
        return data

    def kind(self, relative: str = "") -> str | None:
        """``file``, ``directory``, ``other`` (a FIFO, a device, a socket) or None."""
        where = self.path(relative) if relative else self.root
        try:
            if self.local:
                mode = os.stat(where).st_mode
                return "directory" if stat.S_ISDIR(mode) else \
                    "file" if stat.S_ISREG(mode) else "other"
            info = self.fs.info(where)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise OutputError(f"{where}: cannot look at it ({reason(exc)})") from None
        return "directory" if info.get("type") == "directory" else "file"

    def names(self, relative: str = "") -> list[str]:
        return sorted(self.entries(relative))

    def entries(self, relative: str = "") -> dict[str, str]:
        """Name -> kind (see :meth:`kind`) of what a folder holds, in one listing."""
        where = self.path(relative) if relative else self.root
        try:
            if self.kind(relative) is None:
                return {}
            if self.local:
                with os.scandir(where) as found:
                    return {e.name: "directory" if e.is_dir(follow_symlinks=False) else
                            "file" if e.is_file(follow_symlinks=False) else "other"
                            for e in found}
            return {str(info["name"]).rstrip("/").rsplit("/", 1)[-1]:
                    "directory" if info.get("type") == "directory" else "file"
                    for info in self.fs.ls(where, detail=True)}
        except OSError as exc:
            raise OutputError(f"{where}: cannot list it ({reason(exc)})") from None

    def remove(self, relative: str) -> None:
        where = self.path(relative)
        try:
            self.fs.rm(where)
        except OSError as exc:
            raise OutputError(f"{where}: cannot remove it ({reason(exc)})") from None


def check_out(out: str) -> str:
    """``out`` as given, when a batch can be written there: not empty, a local path or
    an object store fsspec can reach; OutputError (one line, naming it) otherwise."""
    text = str(out)
    if not text.strip():
        raise OutputError("--out: empty; give the batch's folder (a new or empty one)")
    # a byte that is not UTF-8 reaches Python as a lone surrogate: a local name may hold
    # one (Linux allows any byte but / and NUL), an object store's key may not
    bytes_kept = re.sub("[\udc80-\udcff]", "", text)
    if "\x00" in text or not bytes_kept.isprintable():
        raise OutputError(f"--out: '{escaped(text)}' has a control character")
    import fsspec

    protocol = text.split("::")[0].split("://")[0] if "://" in text else "file"
    if bytes_kept != text and protocol not in ("file", "local"):
        raise OutputError(f"--out: '{escaped(text)}' is not UTF-8 text, which an object "
                          "store's names must be")
    if protocol not in PROTOCOLS:
        raise OutputError(f"--out: {text}: {protocol}:// is not supported (a batch goes to a "
                          "local or shared folder, or an object store: s3://, gs://, "
                          "abfs://)")
    try:
        fsspec.core.url_to_fs(text)
    except ImportError as exc:
        raise OutputError(f"--out: {text}: {protocol}:// needs a package that is not "
                          f"installed ({reason(exc)})") from None
    except (ValueError, TypeError, OSError) as exc:
        raise OutputError(f"--out: {text}: not a usable folder or URL ({reason(exc)})"
                          ) from None
    return text


def _part_pattern(batch: str) -> re.Pattern[str]:
    """Names planner gives parts of ``batch`` (and their temporary files)."""
    return re.compile(rf"part-{batch}-[0-9a-f]{{32}}\.parquet(\.[0-9a-f]{{32}}\.tmp)?")


_MANIFEST_TMP: Final = re.compile(re.escape(MANIFEST) + r"\.[0-9a-f]{32}\.tmp")


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
    return write_chunk(out, key, plan_rows(rows, table, catalogue, rules))


def copy_chunk(out: str, key: str, source: str, pairs: Sequence[tuple[str, str]]
               ) -> list[dict[str, Any]]:
    """A worker's task: write the parts of rows that asked what an earlier row asked, as
    copies of that row's (in the parts of chunk ``source``); ``pairs`` are (id, id of the
    row copied). Nothing is planned: a copy's seconds and solver seconds are 0, as for a
    shared row in a plan chunk. Returns the people rows (for the summary)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    folder = _Folder(out)
    wanted: dict[str, list[str]] = {}  # id copied -> the ids that copy it
    for copy, original in pairs:
        wanted.setdefault(original, []).append(copy)
    written: list[dict[str, Any]] = []
    for name in TABLES:  # people last: a chunk is done when its people part exists
        table = read_parquet(folder.read(f"{name}/part-{source}.parquet"))
        pieces = []
        for original, copies in wanted.items():
            rows = table.filter(pc.equal(table["id"], original))
            if name == "people" and rows.num_rows != 1:
                raise OutputError(f"{folder.path(name, f'part-{source}.parquet')}: holds "
                                  f"no row {original!r} to share; remove it and run again "
                                  "with --resume")
            size = rows.num_rows  # every copy takes all of them, under its own id
            rows = rows.take(pa.array(np.tile(np.arange(size), len(copies))))
            ids = pa.array(np.repeat(np.array(copies, dtype=object), size), pa.string())
            pieces.append(rows.set_column(rows.schema.get_field_index("id"), "id", ids))
        copied = pa.concat_tables(pieces) if pieces else _schema(name).empty_table()
        if name == "people":
            for column in ("seconds", "solver_seconds"):
                index = copied.schema.get_field_index(column)
                copied = copied.set_column(index, column, pc.if_else(
                    pc.is_null(copied[column]), copied[column], 0.0))
            written = copied.to_pylist()
        buffer = io.BytesIO()
        pq.write_table(copied.cast(_schema(name)), buffer, compression="zstd")
        folder.write(f"{name}/part-{key}.parquet", buffer.getvalue())
    return written


def run_chunk(chunk: Chunk, out: str, data_dir: str | None) -> list[dict[str, Any]]:
    """A worker's task for ``chunk``: plan it, or copy what it shares."""
    if chunk.copies:
        return copy_chunk(out, chunk.key, chunk.copies,
                          [(r["id"], s) for r, s in zip(chunk.rows, chunk.sources,
                                                        strict=True)])
    return plan_chunk(chunk.rows, out, chunk.key, data_dir)


def _warm(data_dir: str | None) -> None:
    """Pool initializer: load the tables before the first task. A worker ignores Ctrl-C
    (the terminal sends it to every process in the group): the parent decides, and ends
    the workers itself, so a Ctrl-C prints one line and no worker tracebacks."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
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
    distinct: int = 0  # distinct requests among the people planned (each planned once)

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
                "where": self.where, "distinct_requests": self.distinct}


def input_checksum(people: pd.DataFrame) -> str:
    return hashlib.sha256(people.to_csv(index=False).encode()).hexdigest()


def prepare_output(out: str, people: pd.DataFrame, *, resume: bool
                   ) -> tuple[str, set[str], dict[str, tuple[str, str]]]:
    """Check the output folder; return the batch id, the ids already done and the
    requests already planned (request -> (id, part key) of a row that has it). A new or
    empty folder starts a batch; a folder of this batch, holding only files this batch
    wrote, continues it with ``resume``; anything else is refused, changing nothing."""
    folder = _Folder(out)
    checksum = input_checksum(people)
    kind = folder.kind()
    if kind not in (None, "directory"):
        raise OutputError(f"{out}: not a folder (nothing changed)")
    names = folder.names() if kind else []
    if names:
        batch = _read_manifest(folder, out, checksum)
        _refuse_foreign(folder, out, batch)
        if not resume:
            raise OutputError(f"{out}: already holds this batch; use --resume to continue "
                              "it or choose another folder (nothing changed)")
        done, stale, planned = _done_ids(folder, batch)
        for relative in stale:  # only this batch's own leftovers, by name
            folder.remove(relative)
        return batch, done, planned
    batch = uuid.uuid4().hex[:12]
    manifest = {"format": FORMAT, "batch": batch, "input_sha256": checksum,
                "rows": len(people), "tables": list(TABLES)}
    folder.write(MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
    return batch, set(), {}


def _read_manifest(folder: _Folder, out: str, checksum: str | None) -> str:
    """The batch id of the folder's manifest, checked against this people table (unless
    ``checksum`` is None)."""
    if MANIFEST not in folder.names():
        raise OutputError(f"{out}: not empty and not a planner batch folder; choose a "
                          "new or empty folder (nothing changed)")
    data = folder.read(MANIFEST, SMALL_FILE_CAP)  # a regular file, bounded
    try:
        manifest = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise OutputError(f"{folder.path(MANIFEST)}: unreadable ({reason(exc)})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or \
            not isinstance(manifest.get("batch"), str) or \
            not _BATCH_ID.fullmatch(manifest["batch"]):
        raise OutputError(f"{folder.path(MANIFEST)}: not a {FORMAT} manifest (an older "
                          "planner's batch, or not a batch); choose another folder "
                          "(nothing changed)")
    if checksum is not None and manifest.get("input_sha256") != checksum:
        raise OutputError(f"{out}: holds a batch of another people table; choose "
                          "another folder (nothing changed)")
    return str(manifest["batch"])


def _refuse_foreign(folder: _Folder, out: str, batch: str) -> None:
    """OutputError when the folder holds anything this batch did not write."""
    pattern = _part_pattern(batch)
    foreign = []
    for name, kind in sorted(folder.entries().items()):
        if name in TABLES:
            if kind != "directory":
                foreign.append(name)
                continue
            foreign += [f"{name}/{part}" for part, what in
                        sorted(folder.entries(name).items())
                        if not pattern.fullmatch(part) or what != "file"]
        elif not (name == MANIFEST or _MANIFEST_TMP.fullmatch(name)) or kind != "file":
            foreign.append(name)
    if foreign:
        more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        raise OutputError(f"{out}: holds files this batch did not write "
                          f"({', '.join(foreign[:3])}{more}); move them out of the folder "
                          "and run again (nothing changed)")


def _done_ids(folder: _Folder, batch: str
              ) -> tuple[set[str], list[str], dict[str, tuple[str, str]]]:
    """Ids in finished chunks, this batch's leftovers to remove (temporary files, parts a
    stopped chunk left without its people part), and the requests finished chunks hold
    (request -> (id, part key): a later row asking the same copies it). Only reads; a
    damaged people part is an OutputError."""

    pattern = _part_pattern(batch)
    parts = {name: [p for p in folder.names(name) if pattern.fullmatch(p)]
             for name in TABLES}
    people = {p for p in parts["people"] if p.endswith(".parquet")}
    stale = [f"{name}/{p}" for name in TABLES for p in parts[name]
             if p.endswith(".tmp") or (name != "people" and p not in people)]
    done: set[str] = set()
    planned: dict[str, tuple[str, str]] = {}
    for part in sorted(people):
        where = folder.path("people", part)
        try:
            table = read_parquet(folder.read(f"people/{part}"), ["id", "request"])
        except OutputError:
            raise
        except Exception as exc:  # pyarrow raises many kinds for a damaged file
            raise OutputError(f"{where}: damaged ({reason(exc)}); remove it to plan its "
                              "people again with --resume (nothing changed)") from None
        key = part.removeprefix("part-").removesuffix(".parquet")
        for person, asked in zip(table.column("id").to_pylist(),
                                 table.column("request").to_pylist(), strict=True):
            done.add(str(person))
            if asked:
                planned.setdefault(str(asked), (str(person), key))
    return done, stale, planned


def chunk_key(ids: Sequence[str]) -> str:
    """A chunk's key: a hash of its ids as a JSON list, so that two different lists of
    ids never share a key, whatever characters the ids hold."""
    text = json.dumps(list(ids), ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Chunk:
    """One task: the rows it writes and the key naming its parts (``<batch>-<hash of its
    ids>``). A plan chunk (``copies`` empty) plans its rows, each distinct request once;
    a copy chunk writes rows whose request a row of the chunk ``copies`` planned: row k
    copies the row whose id is ``sources[k]``."""

    key: str
    rows: list[dict[str, str]]
    copies: str = ""
    sources: tuple[str, ...] = ()


def chunks(people: pd.DataFrame, done: set[str], workers: int, batch: str = "",
           earlier: Mapping[str, tuple[str, str]] | None = None) -> list[Chunk]:
    """Remaining rows in chunks, each with a key naming its parts (from its ids, after
    ``batch``). Rows asking the same (see :func:`request_key`) share one plan: a plan
    chunk holds at most CHUNK distinct requests, in the order they first appear, with
    their repeats while it has room (CHUNK_ROWS rows in all); the rest of the repeats go
    to copy chunks of at most CHUNK_ROWS rows, after the chunk that plans them. A request
    planned in an earlier run (``earlier``: request -> (id, part key)) is only copied."""
    earlier = earlier or {}
    requests: dict[str, list[dict[str, str]]] = {}
    keys: dict[tuple[tuple[str, str], ...], str | None] = {}  # rows written alike
    for r in _rows(people):
        if r["id"] not in done:
            written = tuple((k, v) for k, v in r.items() if k != "id")
            if written not in keys:  # parsing a row takes longer than this look-up
                keys[written] = _valid_key(r)
            key = keys[written]
            requests.setdefault(key if key is not None else request_key(r), []).append(r)
    fresh = [(k, rows) for k, rows in requests.items() if k not in earlier]
    size = max(1, min(CHUNK, math.ceil(len(fresh) / max(1, workers * CHUNKS_PER_WORKER))))
    planned: list[Chunk] = []
    copies: dict[str, list[tuple[str, dict[str, str]]]] = {}  # part key -> (source, row)
    for k, rows in requests.items():
        if k in earlier:
            source, where = earlier[k]
            copies.setdefault(where, []).extend((source, r) for r in rows)
    for start in range(0, len(fresh), size):
        group = fresh[start:start + size]
        part = [rows[0] for _, rows in group]
        room = CHUNK_ROWS - len(part)
        rest: list[tuple[str, dict[str, str]]] = []
        for _, rows in group:
            taken = rows[1:1 + max(room, 0)]
            room -= len(taken)
            part += taken
            rest += [(rows[0]["id"], r) for r in rows[1 + len(taken):]]
        key = _named(batch, [r["id"] for r in part])
        planned.append(Chunk(key, part))
        if rest:
            copies[key] = rest
    out = list(planned)
    for part_key, pairs in copies.items():
        for start in range(0, len(pairs), CHUNK_ROWS):
            piece = pairs[start:start + CHUNK_ROWS]
            rows = [r for _, r in piece]
            out.append(Chunk(_named(batch, [r["id"] for r in rows]), rows, part_key,
                             tuple(source for source, _ in piece)))
    return out


def _named(batch: str, ids: Sequence[str]) -> str:
    return f"{batch}-{chunk_key(ids)}" if batch else chunk_key(ids)


def run_batch(people: pd.DataFrame, out: str, *, data_dir: str | None = None,
              workers: int | None = None, scheduler: str | None = None,
              resume: bool = False,
              progress: Callable[[int, int], Callable[[int], None]] | None = None
              ) -> BatchSummary:
    """Plan every person not done yet and write the parts under ``out``.

    ``workers`` local processes (default: every core), or the Dask cluster at
    ``scheduler`` (``tcp://host:8786``). ``progress(total, done)`` may return a callable
    advanced by the number of people in each finished chunk. Everything a worker needs
    is checked here first: ``out``, the data folder (loaded once in this process) and
    the scheduler; nothing is written before.
    """
    workers = max(1, workers or os.cpu_count() or 1)
    check_out(out)
    _tables(data_dir)  # a missing or bad data folder: one error here, not one per worker
    with contextlib.ExitStack() as stack:  # a cluster is reached before anything is written
        client = None
        if scheduler:
            _quiet_dask()
            client = _connect(scheduler)
            stack.callback(_close, client)
        return _run(people, out, data_dir, workers, client, scheduler, resume, progress)


def _run(people: pd.DataFrame, out: str, data_dir: str | None, workers: int,
         client: Client | None, scheduler: str | None, resume: bool,
         progress: Callable[[int, int], Callable[[int], None]] | None) -> BatchSummary:
    batch, done, earlier = prepare_output(out, people, resume=resume)
    todo = chunks(people, done, workers, batch, earlier)
    total = sum(len(c.rows) for c in todo)
    step = progress(len(people), len(done)) if progress else None
    start = time.perf_counter()
    tally = _Tally()
    if client is not None:
        results = _on_dask(client, todo, out, data_dir, scheduler or "")
        where = f"Dask cluster at {scheduler}"
    elif workers == 1 or total <= 1:
        results = (run_chunk(c, out, data_dir) for c in todo)  # copies after their plan
        where, workers = "this process", 1
    else:
        results = _on_pool(workers, todo, out, data_dir)
        where = f"{workers} local processes"
    for result in results:
        tally.add(result)
        if step:
            step(len(result))
    _check_complete(out, batch, people)
    return tally.summary(len(done), time.perf_counter() - start, workers, where)


class _Order:
    """Which chunks may start: every plan chunk at once, a copy chunk once the chunk it
    copies has written its parts (or at once, when an earlier run wrote them)."""

    def __init__(self, todo: Sequence[Chunk]) -> None:
        keys = {c.key for c in todo}
        self.ready = [c for c in todo if c.copies not in keys]
        self.waiting: dict[str, list[Chunk]] = {}
        for c in todo:
            if c.copies in keys:
                self.waiting.setdefault(c.copies, []).append(c)

    def take(self) -> list[Chunk]:
        ready, self.ready = self.ready, []
        return ready

    def done(self, chunk: Chunk) -> None:
        self.ready += self.waiting.pop(chunk.key, [])


def _check_complete(out: str, batch: str, people: pd.DataFrame) -> None:
    """OutputError unless every id of ``people`` is in exactly one people part."""

    folder = _Folder(out)
    pattern = _part_pattern(batch)
    seen: Counter[str] = Counter()
    for part in folder.names("people"):
        if pattern.fullmatch(part) and part.endswith(".parquet"):
            table = read_parquet(folder.read(f"people/{part}"), ["id"])
            seen.update(str(i) for i in table.column("id").to_pylist())
    missing = [i for i in people["id"] if i not in seen]
    twice = sorted(i for i, n in seen.items() if n > 1)
    if missing or twice:
        problem = (f"{len(missing)} of {len(people)} people are missing from the output "
                   f"(first {missing[0]!r})" if missing else
                   f"{len(twice)} people are in the output twice (first {twice[0]!r})")
        raise OutputError(f"{out}: {problem}; this is a bug in planner, please report it")


def _on_pool(workers: int, todo: Sequence[Chunk], out: str, data_dir: str | None
             ) -> Iterator[list[dict[str, Any]]]:
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")  # no inherited solver or thread state
    order = _Order(todo)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm,
                             initargs=(data_dir,)) as pool:
        running: dict[Future[list[dict[str, Any]]], Chunk] = {}
        try:
            while True:
                for chunk in order.take():
                    running[pool.submit(run_chunk, chunk, out, data_dir)] = chunk
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    chunk = running.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        raise ClusterError(f"a local worker process stopped (killed, or out "
                                           f"of memory); what finished is kept in {out}: "
                                           "run again with --resume") from None
                    order.done(chunk)
                    yield result
        except BaseException:  # Ctrl-C, a lost worker, an error: stop now
            _stop(pool)
            raise


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the pool's workers at once instead of after their current chunk (Ctrl-C
    within a second). A chunk cut off leaves at most parts without their people part and
    temporary files, which --resume removes; the executor has no public way to do it.

    No future is cancelled: the pool's manager thread marks every unfinished one broken
    when it sees the workers gone, and on Python 3.11 it raises (a traceback on stderr)
    if it finds one cancelled meanwhile (CPython gh-107219, fixed in 3.12)."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(Exception):
            process.terminate()
    pool.shutdown(wait=False)


def _quiet_dask() -> None:
    """Silence distributed's, tornado's and asyncio's loggers for the rest of the process: a lost
    scheduler is the one line of a ClusterError, not pages of logging (the client logs
    its failed reconnections even while it closes, so the levels are not restored)."""
    import distributed.client  # noqa: F401  (importing it sets its levels: import first)
    names = [n for n in list(logging.root.manager.loggerDict)
             if n.split(".")[0] in ("distributed", "tornado")]
    # asyncio too: a chunk's result fetch given up on (its worker died) leaves the client's
    # gather task to fail when the client closes ("Task exception was never retrieved")
    for name in ["distributed", "tornado", "asyncio", *names]:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _probe(scheduler: str) -> None:
    """Check, with deadlines, that a Dask scheduler listens at a ``tcp://`` address: it
    accepts within CONNECT_TIMEOUT_S and sends a plausible first message within
    FIRST_ANSWER_S. Distributed's own connect waits for that message without a deadline
    and trusts the length it gives (random bytes make it allocate exabytes)."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.protocol.utils import unpack_frames

    try:
        scheme, location = parse_address(scheduler)
        if scheme != "tcp":
            return
        host, port = parse_host_port(location)
    except (ValueError, TypeError) as exc:
        raise ClusterError(f"--scheduler: {scheduler!r} is not an address like "
                           f"tcp://host:8786 ({reason(exc)})") from None
    try:
        sock = socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S)
    except OSError as exc:  # refused, unreachable, a name that does not resolve, timeout
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler} "
                           f"({reason(exc)}); is 'dask scheduler' running there?") from None
    deadline = time.monotonic() + FIRST_ANSWER_S
    try:
        with sock:
            (size,) = struct.unpack("<Q", _receive(sock, 8, deadline))
            if not 0 < size <= HANDSHAKE_CAP:
                raise ValueError(f"a first message of {size:,} bytes")
            frames, missing = unpack_frames(_receive(sock, size, deadline), partial=True)
            if not frames or sum(missing) > HANDSHAKE_CAP:
                raise ValueError("not a Dask message")
    except TimeoutError:
        raise ClusterError(f"{scheduler} accepted the connection but did not answer within "
                           f"{FIRST_ANSWER_S:g} s; is it a Dask scheduler?") from None
    except (OSError, ValueError, struct.error, MemoryError) as exc:
        raise ClusterError(f"{scheduler} is not a Dask scheduler ({reason(exc)})") from None


def _receive(sock: socket.socket, size: int, deadline: float) -> bytes:
    """Exactly ``size`` bytes by ``deadline`` (TimeoutError), or ValueError if it
    closes."""
    data = bytearray()
    while len(data) < size:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        sock.settimeout(left)
        chunk = sock.recv(min(size - len(data), 65536))
        if not chunk:
            raise ValueError("it closed the connection")
        data += chunk
    return bytes(data)


def _connect(scheduler: str) -> Client:
    """A client of the Dask scheduler at ``scheduler``; ClusterError when unreachable."""
    from distributed import Client

    _probe(scheduler)
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT_S)  # type: ignore[no-untyped-call]
    except (OSError, ValueError, TypeError, MemoryError) as exc:  # timeouts, refused
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler} "
                           f"({reason(exc)}); is 'dask scheduler' running there?") from None


def _close(client: Client) -> None:
    """Close the client without waiting long for a scheduler that may be gone."""
    with contextlib.suppress(Exception):
        client.close(timeout=5)  # type: ignore[no-untyped-call]


def _lost(out: str, why: str) -> ClusterError:
    why = re.sub(r"\(in <[^>]*>: ", "(", why)  # distributed's "in <TCP ... remote=...>: "
    return ClusterError(f"{why}; what finished is kept in {out}: run again with --resume")


def _on_dask(client: Client, todo: Sequence[Chunk], out: str, data_dir: str | None,
             scheduler: str) -> Iterator[list[dict[str, Any]]]:
    """Run the chunks on the cluster and yield their people rows as they finish. Between
    results the cluster is watched: a scheduler gone, or no workers for NO_WORKERS_S,
    ends the batch with a ClusterError."""
    import asyncio
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    order = _Order(todo)
    pending: dict[Any, Chunk] = {}  # Dask futures
    last_check = time.monotonic()
    alone_since: float | None = None
    while True:  # on Ctrl-C, closing the client releases what is still pending
        for chunk in order.take():
            pending[client.submit(run_chunk, chunk, out, data_dir, key=f"plan-{chunk.key}",
                                  pure=False)] = chunk
        if not pending:
            return
        finished = [f for f in pending if f.done()]
        fetched = False
        for future in finished:
            try:  # a finished chunk's rows live on its worker: if that worker died, they
                # are computed again, which needs a worker; so wait a little, then watch
                result: list[dict[str, Any]] = future.result(timeout=RESULT_WAIT_S)
            except TimeoutError:
                if client.status == "running":
                    continue
                raise _lost(out, f"lost the Dask scheduler at {scheduler} (the "
                            "connection closed)") from None
            except PlannerError:
                raise
            except KilledWorker as exc:
                raise _lost(out, f"Dask workers died running {future.key} "
                            f"({reason(exc)})") from None
            except (OSError, CancelledError, asyncio.CancelledError
                    ) as exc:  # the scheduler went away: its futures are cancelled
                raise _lost(out, f"lost the Dask scheduler at {scheduler} "
                            f"({reason(exc)})") from None
            order.done(pending.pop(future))
            fetched = True
            yield result
        if fetched:
            continue
        now = time.monotonic()
        if now - last_check >= HEALTH_EVERY_S:
            last_check = now
            workers = _workers(client, out, scheduler)
            if workers:
                alone_since = None
            elif alone_since is None:
                alone_since = now
            elif now - alone_since >= NO_WORKERS_S:
                raise _lost(out, f"the Dask cluster at {scheduler} has had no workers "
                            f"for {NO_WORKERS_S:g} s (start some)")
        time.sleep(0.05)


def _workers(client: Client, out: str, scheduler: str) -> int:
    """How many workers the scheduler has now; ClusterError when it is gone."""
    if client.status != "running":
        raise _lost(out, f"lost the Dask scheduler at {scheduler} (the connection closed)")
    try:
        return len(client.nthreads(callback_timeout=HEALTH_TIMEOUT_S))  # type: ignore[no-untyped-call]
    except Exception as exc:  # any failure to answer is a lost scheduler
        raise _lost(out, f"lost the Dask scheduler at {scheduler} ({reason(exc)})"
                    ) from None


class _Tally:
    """What a batch's people rows add up to, kept as they come (a batch of 100,000 rows
    holds counts, not rows)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.short: Counter[str] = Counter()
        self.invalid: list[tuple[str, str]] = []
        self.requests: set[str] = set()

    def add(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.counts[str(row["status"])] += 1
            self.requests.add(str(row.get("request") or row["id"]))
            if row["status"] in ("infeasible", "missed"):
                self.short.update(n for n in str(row.get("short") or "").split(";") if n)
            if row["status"] in ("invalid", "error") and len(self.invalid) < 5:
                self.invalid.append((str(row["id"]), str(row["message"])))

    def summary(self, skipped: int, seconds: float, workers: int, where: str
                ) -> BatchSummary:
        return BatchSummary({s: self.counts.get(s, 0) for s in STATUSES}, skipped, seconds,
                            self.short.most_common(5), self.invalid, workers, where,
                            len(self.requests))


def summarize(rows: Iterable[Mapping[str, Any]], skipped: int, seconds: float, workers: int,
              where: str) -> BatchSummary:
    tally = _Tally()
    tally.add(rows)
    return tally.summary(skipped, seconds, workers, where)


def read_results(out: str, table: str = "people") -> pd.DataFrame:
    """One output table (items, days or people) of a batch folder, all parts together."""
    import pyarrow as pa

    if table not in TABLES:
        raise OutputError(f"table: {table!r} is not one of {', '.join(TABLES)}")
    folder = _Folder(out)
    batch = _read_manifest(folder, out, None)
    pattern = _part_pattern(batch)
    parts = [read_parquet(folder.read(f"{table}/{name}"))
             for name in folder.names(table) if pattern.fullmatch(name) and
             name.endswith(".parquet")]
    frame: pd.DataFrame = (pa.concat_tables(parts) if parts else
                           _schema(table).empty_table()).to_pandas()
    return frame

