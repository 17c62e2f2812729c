"""Refresh food data from USDA FoodData Central (FDC): the only module that talks HTTP.

Steps:

1. Enumerate foods with ``GET /v1/foods/list`` (abridged, ``pageSize`` 200) per data
   type, unless the ids to fetch are FDC ids already.
2. Fetch details with ``GET /v1/foods?fdcIds=...&format=full`` in batches of at most 20.
3. Convert with :func:`planner.sources.foods_from_fdc_json`, write the canonical tables to a
   temporary directory beside ``out``, validate them with the loader, and only then swap
   the directory into place. On any failure ``out`` keeps its previous contents.

Every response body is kept in a cache directory (pages and foods), so a run stopped by a
rate limit or Ctrl-C resumes where it stopped. HTTP: one ``requests.Session``; urllib3's
``Retry`` retries connection errors, read timeouts, 429 and 5xx with exponential backoff
and honours ``Retry-After`` (a wait longer than ``max_wait`` stops the run instead of
sleeping for an hour); 401/403 stop at once. The API key is never printed, logged or
written: every message passes through :func:`redact`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from planner.data import coverage, load_foods, write_dataset
from planner.errors import DatasetError, FetchError, reason
from planner.sources import FDC_DATA_TYPES, foods_from_fdc_json, sr_number

DEFAULT_BASE_URL: Final = "https://api.nal.usda.gov/fdc"
DEMO_KEY: Final = "DEMO_KEY"
PAGE_SIZE: Final = 200
BATCH_SIZE: Final = 20  # the API's maximum for /v1/foods
RETRY_STATUS: Final = (429, 500, 502, 503, 504)
USER_AGENT: Final = "planner-fetch/0.1 (+https://github.com/; diet planner data refresh)"


@dataclass(frozen=True)
class FetchOptions:
    """What to fetch and how patiently."""

    api_key: str
    out: Path
    base_url: str = DEFAULT_BASE_URL
    data_types: tuple[str, ...] = ("Foundation", "SR Legacy")
    ids_from: Path | None = None
    timeout: float = 30.0  # seconds, connect and read
    max_retries: int = 5
    backoff: float = 1.0  # seconds; waits grow 2x per retry
    max_wait: float = 120.0  # longest Retry-After to sleep through
    cache: Path | None = None  # default: .<out>.fetch-cache beside out
    keep_cache: bool = False
    page_size: int = PAGE_SIZE  # the API allows 1-200


@dataclass(frozen=True)
class FetchSummary:
    """What a refresh wrote."""

    out: Path
    foods_by_type: Mapping[str, int]
    coverage: Mapping[str, int]  # nutrient -> foods with a value
    total: int
    not_returned: tuple[str, ...] = ()  # requested ids FDC did not return
    skipped: tuple[str, ...] = ()  # FDC ids returned without nutrient data
    requests: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


class _RetryAfterTooLong(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"Retry-After {seconds:.0f} s")
        self.seconds = seconds


class _Retry(Retry):
    """urllib3 Retry that refuses to sleep through a very long Retry-After (a rate-limit
    block lasts an hour) and stops the run instead; the cache lets it resume later."""

    max_wait: float = 120.0

    def new(self, **kw: Any) -> _Retry:
        retry = super().new(**kw)
        retry.max_wait = self.max_wait
        return retry

    def sleep_for_retry(self, response: Any = None) -> bool:
        after = self.get_retry_after(response) if response is not None else None
        if after is not None and after > self.max_wait:
            raise _RetryAfterTooLong(after)
        return bool(super().sleep_for_retry(response))


def redact(text: str, key: str | None = None) -> str:
    """Remove an API key from text: ``api_key=...`` values and the literal key."""
    text = re.sub(r"(api_key=)[^&\s'\"]+", r"\1***", text)
    if key and key != DEMO_KEY:
        text = text.replace(key, "***")
    return text


def make_session(options: FetchOptions) -> requests.Session:
    """A session with retries on connection errors, read timeouts, 429 and 5xx."""
    retry = _Retry(total=options.max_retries, connect=options.max_retries,
                   read=options.max_retries, status=options.max_retries,
                   backoff_factor=options.backoff, backoff_max=max(options.backoff * 32, 1.0),
                   status_forcelist=RETRY_STATUS, allowed_methods=frozenset({"GET"}),
                   respect_retry_after_header=True, raise_on_status=False)
    retry.max_wait = options.max_wait
    _guard_logs()
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    return session


class _Client:
    """GET JSON from FDC; maps every failure to a one-line, key-free FetchError."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self.session = make_session(options)
        self.requests = 0

    def get(self, path: str, params: Mapping[str, str]) -> Any:
        url = self.options.base_url.rstrip("/") + path
        query = {**params, "api_key": self.options.api_key}
        self.requests += 1
        try:
            response = self.session.get(url, params=query, timeout=self.options.timeout)
        except _RetryAfterTooLong as exc:
            raise FetchError(f"FDC rate limit: asked to wait {exc.seconds / 60:.0f} min; "
                             "progress is cached, run again later to resume") from None
        except requests.exceptions.RetryError as exc:
            raise FetchError(self._say(f"gave up after {self.options.max_retries} retries "
                                       f"on {path}: {reason(exc)}")) from None
        except requests.exceptions.Timeout:
            raise FetchError(f"FDC did not answer {path} within {self.options.timeout:g} s "
                             f"({self.options.max_retries} retries)") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(self._say(f"cannot reach FDC at {self.options.base_url} "
                                       f"({_network_reason(exc)})")) from None
        if response.status_code in (401, 403):
            raise FetchError("API key rejected by FDC (HTTP "
                             f"{response.status_code}); get a key at "
                             "https://fdc.nal.usda.gov/api-key-signup")
        if response.status_code == 429:
            raise FetchError("FDC rate limit reached and retries used up; progress is "
                             "cached, run again later to resume")
        if response.status_code >= 400:
            raise FetchError(f"FDC answered HTTP {response.status_code} for {path}"
                             + (f" after {self.options.max_retries} retries"
                                if response.status_code >= 500 else ""))
        try:
            return response.json()
        except ValueError:
            raise FetchError(f"FDC sent malformed JSON for {path} "
                             f"({len(response.content)} bytes); nothing written") from None

    def _say(self, text: str) -> str:
        return redact(text, self.options.api_key)


def _network_reason(exc: BaseException) -> str:
    """'Connection refused', 'Name or service not known'... rather than urllib3's chain."""
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(exc))
    return found.group(1).strip() if found else reason(exc)


class _RedactKey(logging.Filter):
    """Redacts ``api_key=`` from urllib3's log records (it logs URLs when retrying), in
    case the application using planner configures logging."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


def _guard_logs() -> None:
    for name in ("urllib3.connectionpool", "urllib3.util.retry", "requests"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactKey) for f in logger.filters):
            logger.addFilter(_RedactKey())


# ------------------------------------------------------------------ cache

class _Cache:
    """Response bodies on disk: ``list/<type>/<page>.json`` and ``foods/<fdcId>.json``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "foods").mkdir(parents=True, exist_ok=True)

    def page(self, data_type: str, number: int) -> Path:
        folder = self.root / "list" / re.sub(r"\W+", "_", data_type)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{number}.json"

    def food(self, fdc_id: str) -> Path:
        return self.root / "foods" / f"{fdc_id}.json"

    @staticmethod
    def read(path: Path) -> Any:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # absent or damaged: fetch again

    @staticmethod
    def write(path: Path, document: Any) -> None:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
        os.replace(name, path)


# ------------------------------------------------------------------ ids

@dataclass(frozen=True)
class _Wanted:
    fdc_ids: tuple[str, ...]  # already FDC ids
    ndb_numbers: tuple[str, ...]  # SR NDB numbers, to map through the list


def read_ids(path: Path) -> _Wanted:
    """Ids to refresh: a CSV with an ``fdc_id`` or ``food_id`` column (the catalogue works),
    or a text file with one id per line. ``fdc-123`` and 6+ digit numbers are FDC ids;
    numbers of up to 5 digits are SR NDB numbers."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FetchError(f"{path}: cannot read ids ({reason(exc)})") from None
    lines = [line.strip() for line in text.splitlines() if line.strip()
             and not line.startswith("#")]
    values: list[str]
    if lines and "," in lines[0]:
        header = [h.strip() for h in lines[0].split(",")]
        column = next((c for c in ("fdc_id", "food_id") if c in header), None)
        if column is None:
            raise FetchError(f"{path}: no fdc_id or food_id column")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment=None)
        values = [v.strip() for v in frame[column] if v.strip()]
        if column == "fdc_id":
            values = [f"fdc-{v}" for v in values]
    else:
        values = lines
    fdc, ndb = [], []
    for value in values:
        plain = value.removeprefix("fdc-")
        if not plain.isdigit():
            raise FetchError(f"{path}: {value!r} is not a food id (NDB number, fdc-ID or "
                             "FDC id)")
        if value.startswith("fdc-") or len(plain) > 5:
            fdc.append(str(int(plain)))
        else:
            ndb.append(plain.zfill(5))
    if not fdc and not ndb:
        raise FetchError(f"{path}: no ids")
    return _Wanted(tuple(dict.fromkeys(fdc)), tuple(dict.fromkeys(ndb)))


# ------------------------------------------------------------------ the refresh

def fetch_food_data(options: FetchOptions,
                    progress: Callable[[str, int], Any] | None = None) -> FetchSummary:
    """Download, convert, validate and atomically install a data directory.

    ``progress(label, total)`` may return a callable advanced by one per step; the script
    passes a progress bar. Raises :class:`FetchError` (nothing written) on any failure.
    """
    for data_type in options.data_types:
        if data_type not in FDC_DATA_TYPES:
            raise FetchError(f"data type {data_type!r} is not one of "
                             f"{', '.join(FDC_DATA_TYPES)}")
    out = options.out
    if out.exists() and not out.is_dir():
        raise FetchError(f"{out}: exists and is not a directory")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(f"{out.parent}: cannot create ({reason(exc)})") from None
    cache = _Cache(options.cache or out.parent / f".{out.name}.fetch-cache")
    client = _Client(options)
    wanted = read_ids(options.ids_from) if options.ids_from else None
    listed = _enumerate(client, cache, options, wanted, progress)
    fdc_ids, not_returned = _resolve(listed, wanted)
    items, skipped, missing = _details(client, cache, fdc_ids, progress)
    if not items:
        raise FetchError("FDC returned no usable foods; nothing written")
    try:
        table = foods_from_fdc_json(items, origin=f"FDC {options.base_url}")
    except DatasetError as exc:
        raise FetchError(f"FDC data could not be converted: {exc}") from None
    _install(out, table)
    if not options.keep_cache:
        shutil.rmtree(cache.root, ignore_errors=True)
    foods = table.foods
    by_type = foods["source"].str.removeprefix("FDC ").value_counts().to_dict()
    cov = coverage(foods).set_index("nutrient")["known"].to_dict()
    return FetchSummary(out, {str(k): int(v) for k, v in by_type.items()},
                        {str(k): int(v) for k, v in cov.items()}, len(foods),
                        tuple(not_returned) + tuple(missing), tuple(skipped), client.requests)


def _enumerate(client: _Client, cache: _Cache, options: FetchOptions, wanted: _Wanted | None,
               progress: Callable[[str, int], Any] | None) -> list[dict[str, Any]]:
    """Abridged list entries of every food of the data types (cached page by page)."""
    if wanted is not None and not wanted.ndb_numbers:
        return []  # FDC ids given: nothing to look up
    types = options.data_types if wanted is None else tuple(
        t for t in options.data_types if t == "SR Legacy") or ("SR Legacy",)
    entries: list[dict[str, Any]] = []
    for data_type in types:
        step = progress(f"listing {data_type}", 0) if progress else None
        number = 1
        while True:
            path = cache.page(data_type, number)
            page = cache.read(path)
            if not isinstance(page, list):
                page = client.get("/v1/foods/list", {"dataType": data_type,
                                                     "pageSize": str(options.page_size),
                                                     "pageNumber": str(number)})
                if not isinstance(page, list):
                    raise FetchError(f"FDC list page {number} for {data_type} is not a list")
                cache.write(path, page)
            if step:
                step()
            for entry in page:
                if isinstance(entry, Mapping) and "fdcId" in entry:
                    entries.append({"fdcId": entry["fdcId"],
                                    "ndbNumber": entry.get("ndbNumber"),
                                    "dataType": entry.get("dataType", data_type)})
            if len(page) < options.page_size:
                break
            number += 1
    return entries


def _resolve(listed: Sequence[Mapping[str, Any]], wanted: _Wanted | None
             ) -> tuple[list[str], list[str]]:
    """FDC ids to fetch, and requested ids with no FDC food."""
    if wanted is None:
        return list(dict.fromkeys(str(e["fdcId"]) for e in listed)), []
    by_ndb: dict[str, str] = {}
    for e in listed:
        ndb = sr_number(e.get("ndbNumber"))
        if ndb is not None:
            by_ndb.setdefault(ndb, str(e["fdcId"]))
    ids = list(wanted.fdc_ids)
    missing = []
    for ndb in wanted.ndb_numbers:
        if ndb in by_ndb:
            ids.append(by_ndb[ndb])
        else:
            missing.append(ndb)
    return list(dict.fromkeys(ids)), missing


def _details(client: _Client, cache: _Cache, fdc_ids: Sequence[str],
             progress: Callable[[str, int], Any] | None
             ) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Full food items (from cache or in batches of 20); skipped and not-returned ids."""
    todo = [i for i in fdc_ids if not isinstance(cache.read(cache.food(i)), dict)]
    step = progress("downloading foods", len(fdc_ids)) if progress else None
    if step:
        for _ in range(len(fdc_ids) - len(todo)):
            step()
    not_returned: list[str] = []
    for batch in _chunks(todo, BATCH_SIZE):
        body = client.get("/v1/foods", {"fdcIds": ",".join(batch), "format": "full"})
        if not isinstance(body, list):
            raise FetchError("FDC /v1/foods did not return a list; nothing written")
        got = set()
        for item in body:
            if isinstance(item, Mapping) and "fdcId" in item:
                fdc = str(item["fdcId"])
                got.add(fdc)
                cache.write(cache.food(fdc), item)
        not_returned += [i for i in batch if i not in got]
        if step:
            for _ in batch:
                step()
    items, skipped = [], []
    for fdc in fdc_ids:
        item = cache.read(cache.food(fdc))
        if not isinstance(item, dict):
            continue
        if not isinstance(item.get("foodNutrients"), list) or not item.get("description"):
            skipped.append(fdc)
            continue
        items.append(item)
    return items, skipped, not_returned


def _chunks(values: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield list(values[start:start + size])


def _install(out: Path, table: Any) -> None:
    """Write to a temporary directory beside ``out``, validate, then swap it in."""
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    try:
        write_dataset(staging, table, source="USDA FoodData Central (public domain, CC0)")
        load_foods(staging)  # the loader must accept what we wrote
        if out.exists():
            os.replace(out, old)
        try:
            os.replace(staging, out)
        except OSError:
            if old.exists():
                os.replace(old, out)
            raise
    except (OSError, DatasetError) as exc:
        raise FetchError(f"{out}: could not install the new data ({reason(exc)}); "
                         "previous contents kept") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


# ------------------------------------------------------------------ presentation

def format_summary(summary: FetchSummary) -> str:
    """A short report of a refresh."""
    kinds = ", ".join(f"{n:,} {t}" for t, n in sorted(summary.foods_by_type.items()))
    lines = [f"wrote {summary.total:,} foods to {summary.out} ({kinds}) with "
             f"{summary.requests} requests"]
    for nutrient in ("magnesium_mg", "calcium_mg", "potassium_mg", "vitamin_d_ug",
                     "vitamin_b12_ug"):
        known = summary.coverage.get(nutrient, 0)
        lines.append(f"  {nutrient:<16} known for {known:,} of {summary.total:,} foods")
    if summary.not_returned:
        lines.append(f"FDC did not return {len(summary.not_returned)} requested id(s): "
                     + ", ".join(summary.not_returned[:20])
                     + (" ..." if len(summary.not_returned) > 20 else ""))
    if summary.skipped:
        lines.append(f"skipped {len(summary.skipped)} food(s) FDC sent without nutrient data: "
                     + ", ".join(summary.skipped[:20]))
    return "\n".join(lines) + "\n"


@contextmanager
def progress_bars(enabled: bool) -> Iterator[Callable[[str, int], Callable[[], None]] | None]:
    """Rich progress bars on stderr when ``enabled`` (an interactive terminal)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as bars:
        def start(label: str, total: int) -> Callable[[], None]:
            task = bars.add_task(label, total=total or None)
            return lambda: bars.advance(task)
        yield start


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def api_key_from(value: str | None, environ: Mapping[str, str] = os.environ
                 ) -> tuple[str, bool]:
    """The key to use and whether it is the rate-limited DEMO_KEY fallback."""
    key = value or environ.get("FDC_API_KEY") or ""
    return (key, False) if key else (DEMO_KEY, True)

