"""Refresh food data from USDA FoodData Central (FDC): the only module that talks HTTP.

Steps:

1. Enumerate foods with ``GET /v1/foods/list`` (abridged, ``pageSize`` 200) per data
   type, unless the ids to fetch are FDC ids already.
2. Fetch details with ``GET /v1/foods?fdcIds=...&format=full`` in batches of at most 20.
3. Convert with :func:`planner.food.sources.foods_from_fdc_json`, write the canonical tables to a
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

import contextlib
import fcntl
import hashlib
import io
import json
import logging
import math
import os
import re
import shutil
import socket
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urljoin, urlsplit

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from planner.dirs import cache_dir
from planner.errors import DatasetError, FetchError, reason
from planner.files import MIB, SMALL_FILE_CAP, read_text
from planner.food.data import (
    FOODS_FILE,
    MANIFEST_FILE,
    PORTIONS_FILE,
    coverage,
    load_foods,
    write_dataset,
)
from planner.food.sources import FDC_DATA_TYPES, foods_from_fdc_json, sr_number
from planner.limits import (
    FETCH_ATTEMPT_RANGE,
    FETCH_BACKOFF_RANGE,
    FETCH_DEADLINE_RANGE,
    FETCH_MAX_WAIT_RANGE,
    FETCH_TIMEOUT_RANGE,
    escaped,
    load_json,
)
from planner.words import plural

DEFAULT_BASE_URL: Final = "https://api.nal.usda.gov/fdc"
DEMO_KEY: Final = "DEMO_KEY"
PAGE_SIZE: Final = 200
BATCH_SIZE: Final = 20  # the API's maximum for /v1/foods
RETRY_STATUS: Final = (429, 500, 502, 503, 504)
USER_AGENT: Final = "planner-fetch/0.1 (+https://github.com/; diet planner data refresh)"
#: The manifest of a folder this module wrote says so; only such folders are replaced.
WRITER: Final = "planner.food.fetch"
#: The files such a folder holds; any other file in it makes a refresh refuse to replace it.
DATA_FILES: Final = frozenset({FOODS_FILE, PORTIONS_FILE, MANIFEST_FILE})
CACHE_MARK: Final = ".planner-fetch-cache"
#: The line of the cache mark that says a refresh made the folder (and may remove it).
MADE_HERE: Final = "folder made by planner fetch"
MAX_BODY: Final = 64 * MIB  # a /v1/foods batch of 20 full foods is well under 1 MB
MAX_REDIRECTS: Final = 5
MAX_FDC_ID: Final = 10**10
#: Foods a list of one data type may hold: FDC's Foundation and SR Legacy hold about 8,000
#: together; a server that keeps sending full pages is stopped here, not at a full disk.
MAX_LISTED: Final = 100_000


@dataclass(frozen=True)
class FetchOptions:
    """What to fetch and how patiently."""

    api_key: str
    out: Path
    base_url: str = DEFAULT_BASE_URL
    data_types: tuple[str, ...] = ("Foundation", "SR Legacy")
    ids_from: Path | None = None
    timeout: float = 30.0  # seconds: connect, and each wait for data
    deadline: float | None = None  # seconds the whole run may take; None: no limit
    started: float | None = None  # time.monotonic() the deadline counts from; None: now
    attempt_deadline: float | None = None  # seconds one attempt may take; None: 3 x timeout
    max_retries: int = 5
    backoff: float = 1.0  # seconds; waits grow 2x per retry
    max_wait: float = 120.0  # longest Retry-After to sleep through
    cache: Path | None = None  # default: default_cache(out), in the user cache folder
    keep_cache: bool = False
    page_size: int = PAGE_SIZE  # the API allows 1-200

    @property
    def attempt_limit(self) -> float:
        """Seconds one attempt may take in all."""
        return self.attempt_deadline if self.attempt_deadline is not None else 3 * self.timeout


def check_options(options: FetchOptions) -> None:
    """Raise :class:`FetchError` for a value no refresh can run with (NaN, negative...)."""
    def within(name: str, value: float, bounds: tuple[float, float]) -> None:
        low, high = bounds
        if not (math.isfinite(value) and low <= value <= high):
            raise FetchError(f"{name}: {value!r} must be a number from {low:g} to "
                             f"{high:g} seconds")
    within("timeout", options.timeout, FETCH_TIMEOUT_RANGE)
    if options.deadline is not None:
        within("deadline", options.deadline, FETCH_DEADLINE_RANGE)
    if options.attempt_deadline is not None:
        within("attempt deadline", options.attempt_deadline, FETCH_ATTEMPT_RANGE)
    within("backoff", options.backoff, FETCH_BACKOFF_RANGE)
    within("max wait", options.max_wait, FETCH_MAX_WAIT_RANGE)
    if not 0 <= options.max_retries <= 50:
        raise FetchError(f"max retries: {options.max_retries} must be between 0 and 50")
    if not 1 <= options.page_size <= PAGE_SIZE:
        raise FetchError(f"page size: {options.page_size} must be between 1 and {PAGE_SIZE}")
    check_base_url(options.base_url)
    for data_type in options.data_types:
        if data_type not in FDC_DATA_TYPES:
            raise FetchError(f"data type {data_type!r} is not one of "
                             f"{', '.join(FDC_DATA_TYPES)}")


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
    invalid_ids: int = 0  # entries FDC sent with an fdcId that is not a positive integer


class _RunOver(Exception):
    """The whole run's deadline (``--deadline``) has passed."""


def _left(end: float | None) -> float:
    """Seconds until the monotonic time ``end`` (infinite for None; 0 once past)."""
    return math.inf if end is None else max(end - time.monotonic(), 0.0)


class _RetryAfterTooLong(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"Retry-After {seconds:.0f} s")
        self.seconds = seconds


class _Retry(Retry):
    """urllib3 Retry that refuses to sleep through a very long Retry-After (a rate-limit
    block lasts an hour) and stops the run instead (the cache lets it resume later), and
    treats an unparseable Retry-After as absent (a normal backoff)."""

    max_wait: float = 120.0
    run_end: float | None = None  # the run's deadline (monotonic); no wait goes past it
    watchdog: _Watchdog | None = None  # its clock stops while a retry waits
    say: Callable[[str], None] | None = None  # told of each retry before its wait

    def new(self, **kw: Any) -> _Retry:
        retry = super().new(**kw)
        retry.max_wait = self.max_wait
        retry.run_end = self.run_end
        retry.say = self.say
        retry.watchdog = self.watchdog
        return retry

    def sleep(self, response: Any = None) -> None:
        if self.watchdog is not None:  # the failed attempt is over: its clock stops
            self.watchdog.disarm()
        if self.run_end is not None and _left(self.run_end) <= 0:
            raise _RunOver()  # no retry starts after the run's deadline
        if self.say is not None and self.history:
            after = self.get_retry_after(response) if response is not None else None
            wait = after if after is not None else self.get_backoff_time()
            last = self.history[-1]
            why = (f"HTTP {last.status}" if last.status else
                   _network_reason(last.error) if last.error else "no answer")
            done = len(self.history)
            self.say(retry_text(why, done, done + (self.total or 0), wait))
        super().sleep(response)

    def get_backoff_time(self) -> float:
        return float(min(super().get_backoff_time(), _left(self.run_end)))

    def get_retry_after(self, response: Any) -> float | None:
        try:
            return super().get_retry_after(response)
        except Exception:  # urllib3 raises InvalidHeader for a value it cannot parse
            return None

    def sleep_for_retry(self, response: Any = None) -> bool:
        after = self.get_retry_after(response) if response is not None else None
        if after is not None and after > self.max_wait:
            raise _RetryAfterTooLong(after)
        if after is not None and after > _left(self.run_end):
            raise _RunOver()
        return bool(super().sleep_for_retry(response))


def masked(url: str) -> str:
    """``url`` with its user name and password (``https://user:SECRET@host/``) written
    ``***``, parsed or not: whatever stands before the last ``@`` of the part before the
    first ``/``, ``?`` or ``#`` after the scheme."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority = rest[:end]
    if "@" in authority:
        authority = "***@" + authority.rsplit("@", 1)[1]
    return scheme + sep + authority + rest[end:]


def check_base_url(url: str) -> None:
    """FetchError (credentials masked) unless ``url`` is an ``http://`` or ``https://``
    URL with a host and a valid port."""
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError when it is not a number from 0 to 65535
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and port != 0
    except ValueError:
        ok = False
    if not ok or any(c.isspace() for c in url):
        raise FetchError(f"--base-url {escaped(masked(url))}: not an http:// or https:// "
                         "URL with a host (e.g. https://api.nal.usda.gov/fdc)")


#: The user name and password of a URL (``https://user:SECRET@host/``).
_USERINFO: Final = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@'\"]*@")


def redact(text: str, key: str | None = None) -> str:
    """Remove credentials from text: ``api_key=...`` values, the user name and password
    of a URL (``http://***@host``) and the literal key, where it stands as a word of its
    own (a one-letter key must not take letters out of words)."""
    text = re.sub(r"(api_key=)[^&\s'\"]+", r"\1***", text)
    text = _USERINFO.sub(r"\1***@", text)
    if key and key != DEMO_KEY:
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(key)}(?![A-Za-z0-9])", "***", text)
    return text


# ------------------------------------------------------------------ HTTP

class _Watchdog:
    """The clock on each attempt (shared by the session's connections, which are used one
    at a time): when an attempt outlives :meth:`limit`, its socket is shut down, and
    ``expired`` counts it."""

    def __init__(self, deadline: float, run_end: float | None = None) -> None:
        self.deadline = deadline
        self.run_end = run_end
        self.expired = 0
        self.fired = False  # the clock ran out on the current attempt
        self._timer: threading.Timer | None = None

    def limit(self) -> float:
        """Seconds the next attempt may take: its own deadline, or what is left of the
        run's, whichever is shorter."""
        return min(self.deadline, _left(self.run_end))

    def arm(self, connection: _DeadlineConnection) -> None:
        """Start the clock on an attempt on ``connection``; it runs until the next attempt
        or :meth:`disarm`, not until the connection closes: a response read to the end
        of the connection (HTTP/1.0, ``Connection: close``) takes the socket over from a
        connection that is already closed, and must stop at the deadline all the same."""
        self.disarm()
        self.fired = False
        self._timer = threading.Timer(self.limit(), self._expire, args=(connection,))
        self._timer.daemon = True
        self._timer.start()

    def disarm(self) -> None:
        """Stop the clock: the attempt is over (its body read, or given up)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self, connection: _DeadlineConnection) -> None:
        self.expired += 1
        self.fired = True  # a connection still connecting shuts its socket itself
        sock = connection.sock or connection.watched
        if sock is not None:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Shut a socket down, so that a read blocked on it returns; the plain socket call,
    also under TLS. A socket closed for good has no descriptor left, so this cannot reach
    another socket that took its number."""
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _DeadlineConnection(HTTPConnection):
    """A connection whose socket is shut down when one request on it outlives the
    watchdog's deadline. Read timeouts bound each wait for data; this bounds the whole
    attempt, so a server that drips a byte at a time cannot hold a run for hours. The
    blocked read then fails, and the attempt is retried or reported like a timeout."""

    watchdog: _Watchdog
    watched: socket.socket | None = None  # the socket of the last connect

    def connect(self) -> None:
        super().connect()
        self.watched = self.sock
        if self.watchdog.fired and self.sock is not None:  # the clock ran out while it
            _shut(self.sock)  # connected (an attempt armed with no time left)

    def request(self, *args: Any, **kwargs: Any) -> None:
        self.watchdog.arm(self)
        super().request(*args, **kwargs)


class _DeadlineHTTPSConnection(_DeadlineConnection, HTTPSConnection):
    pass


class _DeadlineAdapter(HTTPAdapter):
    """An adapter whose connections carry the watchdog."""

    def __init__(self, watchdog: _Watchdog, **kwargs: Any) -> None:
        self.watchdog = watchdog
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        watched = {"watchdog": self.watchdog}
        http = type("_Conn", (_DeadlineConnection,), watched)
        https = type("_TLSConn", (_DeadlineHTTPSConnection,), watched)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("_Pool", (HTTPConnectionPool,), {"ConnectionCls": http}),
            "https": type("_TLSPool", (HTTPSConnectionPool,), {"ConnectionCls": https})}


def retry_text(why: str, attempt: int, attempts: int, wait: float) -> str:
    """What a retry says while it waits: 'FDC: Name or service not known; retry 2 of 5 in
    2 s'."""
    return (f"FDC: {why}; retry {attempt} of {attempts}"
            + (f" in {wait:,.0f} s" if wait >= 0.5 else ""))


def make_session(options: FetchOptions, run_end: float | None = None,
                 say: Callable[[str], None] | None = None) -> requests.Session:
    """A session with retries on connection errors, read timeouts, 429 and 5xx, and a
    deadline on every attempt; no attempt or wait lasts past ``run_end`` (monotonic).
    ``say`` is told of each retry before its wait."""
    retry = _Retry(total=options.max_retries, connect=options.max_retries,
                   read=options.max_retries, status=options.max_retries, redirect=0,
                   backoff_factor=options.backoff, backoff_max=max(options.backoff * 32, 1.0),
                   status_forcelist=RETRY_STATUS, allowed_methods=frozenset({"GET"}),
                   respect_retry_after_header=True, raise_on_status=False,
                   raise_on_redirect=False)
    retry.max_wait = options.max_wait
    retry.run_end = run_end
    retry.say = say
    _guard_logs()
    session = requests.Session()
    watchdog = _Watchdog(options.attempt_limit, run_end)
    retry.watchdog = watchdog
    adapter = _DeadlineAdapter(watchdog, max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    return session


class _BodyFailed(Exception):
    """The response body was cut off (deadline, dropped connection): retry the request."""


class _Client:
    """GET JSON from FDC; maps every failure to a one-line, key-free FetchError.

    Redirects are followed only within the same scheme, host and port: the API key travels
    in the query string, and must never be sent to another host.
    """

    def __init__(self, options: FetchOptions, say: Callable[[str], None] | None = None
                 ) -> None:
        self.options = options
        self.say = say
        started = time.monotonic() if options.started is None else options.started
        self.run_end = (started + options.deadline if options.deadline is not None
                        else None)
        self.session = make_session(options, self.run_end, say)
        adapter = self.session.get_adapter("https://")
        assert isinstance(adapter, _DeadlineAdapter)
        self.watchdog = adapter.watchdog
        self.requests = 0

    def get(self, path: str, params: Mapping[str, str]) -> Any:
        url = self.options.base_url.rstrip("/") + path
        query = {**params, "api_key": self.options.api_key}
        attempt = 0
        while True:
            expired = self.watchdog.expired
            self._check_run(path)
            try:
                body = self._attempt(url, path, query)
            except _RunOver:
                raise self._run_over(path) from None
            except _BodyFailed as exc:
                self._check_run(path)
                attempt += 1
                if attempt > self.options.max_retries:
                    raise FetchError(self._late(path, attempt) if self.watchdog.expired >
                                     expired else f"FDC broke off its answer to {path} "
                                     f"({exc}) {plural(attempt, 'time')}") from None
                wait = min(self.options.backoff * 2 ** (attempt - 1),
                           max(self.options.backoff * 32, 1.0), _left(self.run_end))
                if self.say is not None:
                    self.say(retry_text(f"answer to {path} broken off ({exc})", attempt,
                                        self.options.max_retries, wait))
                time.sleep(wait)
                continue
            except FetchError:
                raise
            except requests.exceptions.RequestException as exc:
                self._check_run(path)
                raise self._network_error(exc, path, self.watchdog.expired > expired
                                          ) from None
            return load_json(body, f"FDC's answer to {path} ({len(body)} bytes)",
                             FetchError, invalid="malformed JSON; nothing written")

    def _check_run(self, path: str) -> None:
        if self.run_end is not None and time.monotonic() >= self.run_end:
            raise self._run_over(path)

    def _run_over(self, path: str) -> FetchError:
        return FetchError(f"the refresh did not finish within --deadline "
                          f"{self.options.deadline:g} s (stopped at {path}); progress is "
                          f"cached, run again to resume; {self.options.out} unchanged")

    def _attempt(self, url: str, path: str, query: Mapping[str, str]) -> bytes:
        # each wait for data, like the attempt, ends by the run's deadline
        timeout = max(min(self.options.timeout, _left(self.run_end)), 0.01)
        for _ in range(MAX_REDIRECTS + 1):
            self.requests += 1
            try:  # the attempt's clock stops when it ends, however it ends
                try:
                    response = self.session.get(url, params=query,
                                                timeout=(timeout, timeout), stream=True,
                                                allow_redirects=False)
                except _RetryAfterTooLong as exc:
                    raise FetchError(
                        f"FDC rate limit: the server asked to wait {exc.seconds:,.0f} s, more "
                        f"than --max-wait {self.options.max_wait:g} s; progress is cached, "
                        "run again later to resume") from None
                with response:
                    if not response.is_redirect:
                        self._check_status(response, path)
                        return self._read_body(response, path)
                    location = urljoin(url, response.headers.get("location", ""))
            finally:
                self.watchdog.disarm()
            if not _same_origin(location, url):
                host = urlsplit(location).netloc.rsplit("@", 1)[-1] or "an unknown host"
                raise FetchError(f"FDC redirected {path} to another host ({host}); not "
                                 "followed, so the API key was not sent there")
            has_key = "api_key" in parse_qs(urlsplit(location).query)
            url, query = location, ({} if has_key else {"api_key": self.options.api_key})
        raise FetchError(f"FDC redirected {path} more than {MAX_REDIRECTS} times; stopped")

    def _check_status(self, response: requests.Response, path: str) -> None:
        code = response.status_code
        if code in (401, 403):
            raise FetchError(f"API key rejected by FDC (HTTP {code}); get a key at "
                             "https://fdc.nal.usda.gov/api-key-signup")
        if code == 429:
            raise FetchError("FDC rate limit reached and retries used up; progress is "
                             "cached, run again later to resume")
        if code >= 400:
            raise FetchError(f"FDC answered HTTP {code} for {path}"
                             + (f" after {self.options.max_retries} retries"
                                if code >= 500 else ""))
        if code >= 300:
            raise FetchError(f"FDC answered HTTP {code} for {path} without a usable "
                             "redirect")

    def _read_body(self, response: requests.Response, path: str) -> bytes:
        """The whole body; :class:`_BodyFailed` when it was cut off, by the network or by
        the deadline (a response read to the end of the connection ends early, without an
        error, when the watchdog shuts the socket, in its headers or its body: it is not
        taken as complete)."""
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(chunk_size=64 * 1024):
                size += len(chunk)
                if size > MAX_BODY:
                    raise FetchError(f"FDC sent more than {MAX_BODY // MIB} MiB for {path}; "
                                     "refused")
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            raise _BodyFailed(_network_reason(exc)) from None
        if self.watchdog.fired:
            raise _BodyFailed("cut off at the deadline")
        return b"".join(chunks)

    def _late(self, path: str, attempts: int) -> str:
        return (f"FDC did not finish answering {path} within "
                f"{self.options.attempt_limit:g} s ({plural(attempts, 'attempt')}); the "
                "server is slow or overloaded: try again later or raise --attempt-deadline")

    def _network_error(self, exc: BaseException, path: str, expired: bool) -> FetchError:
        attempts = self.options.max_retries + 1
        if expired:
            return FetchError(self._late(path, attempts))
        if _caused_by(exc, ReadTimeoutError) or isinstance(exc, requests.exceptions.Timeout):
            return FetchError(f"FDC did not answer {path} within {self.options.timeout:g} s "
                              f"({plural(attempts, 'attempt')})")
        if isinstance(exc, requests.exceptions.RetryError):
            return FetchError(self._say(f"gave up after {self.options.max_retries} retries "
                                        f"on {path}: {_network_reason(exc)}"))
        return FetchError(self._say(f"cannot reach FDC at {masked(self.options.base_url)} "
                                    f"({_network_reason(exc)})"))

    def _say(self, text: str) -> str:
        return redact(text, self.options.api_key)


def _same_origin(a: str, b: str) -> bool:
    x, y = urlsplit(a), urlsplit(b)
    return (x.scheme, x.hostname, x.port) == (y.scheme, y.hostname, y.port)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``kind`` appears among an exception's causes or arguments (urllib3 wraps
    the real reason in MaxRetryError.reason, requests wraps that in its own error)."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        current = todo.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        todo += [current.__cause__, current.__context__, getattr(current, "reason", None),
                 *current.args]
    return False


def _network_reason(exc: BaseException) -> str:
    """'Connection refused', 'Name or service not known'... rather than urllib3's chain."""
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(exc))
    if found:
        return found.group(1).strip()
    if _caused_by(exc, ReadTimeoutError):
        return "read timed out"
    text = reason(exc)
    return re.sub(r"HTTPS?ConnectionPool\([^)]*\): ", "", text)


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


def fdc_id(value: object) -> str | None:
    """A validated FDC id as text (a positive integer), or None. Ids from the network are
    used in cache paths and table ids, so anything else ("../../x", "-1", 1.5) is refused."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{1,11}", value):
        number = int(value)
    else:
        return None
    return str(number) if 0 < number < MAX_FDC_ID else None


# ------------------------------------------------------------------ cache

class _Cache:
    """Response bodies on disk: ``list/<type>/<page>.json`` and ``foods/<fdcId>.json``.

    The folder carries a marker file; a folder that holds other things and no marker is
    refused, and cleaning up removes only what the cache wrote.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        if root.is_symlink() or (root.exists() and not root.is_dir()):
            raise FetchError(f"{root}: the cache must be a folder")
        mark = root / CACHE_MARK
        if root.is_dir() and any(root.iterdir()) and not mark.is_file():
            raise FetchError(f"{root}: holds files that are not a planner fetch cache; "
                             "choose a new or empty folder for --cache")
        # the folder itself goes at the end only if a refresh made it: an empty folder
        # the user made for --cache stays (the mark remembers it across resumed runs)
        made = not root.exists() or (mark.is_file() and MADE_HERE in _text(mark))
        (root / "foods").mkdir(parents=True, exist_ok=True)
        mark.write_text("planner fetch cache: safe to delete\n" + (MADE_HERE + "\n"
                                                                  if made else ""),
                        encoding="utf-8")

    def page(self, data_type: str, number: int) -> Path:
        folder = self.root / "list" / re.sub(r"\W+", "_", data_type)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{int(number)}.json"

    def food(self, fdc: str) -> Path:
        checked = fdc_id(fdc)
        if checked is None:  # callers validate; this guards the path itself
            raise FetchError(f"refusing to cache food id {fdc!r}")
        return self.root / "foods" / f"{checked}.json"

    @staticmethod
    def read(path: Path) -> Any:
        try:
            return load_json(read_text(path, limit=MAX_BODY, error=FetchError), str(path),
                             FetchError)
        except FetchError:
            return None  # absent or damaged: fetch again

    @staticmethod
    def write(path: Path, document: Any) -> None:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle)
            os.replace(name, path)
        finally:
            Path(name).unlink(missing_ok=True)

    def remove(self) -> None:
        """Delete what the cache wrote; the folder too if a refresh made it and nothing
        else is left in it."""
        made = MADE_HERE in _text(self.root / CACHE_MARK)
        for sub in ("foods", "list"):
            shutil.rmtree(self.root / sub, ignore_errors=True)
        (self.root / CACHE_MARK).unlink(missing_ok=True)
        if made:
            with contextlib.suppress(OSError):
                self.root.rmdir()


def _text(path: Path) -> str:
    """A small file's text, or "" when it cannot be read."""
    try:
        return read_text(path, limit=SMALL_FILE_CAP, error=FetchError)
    except FetchError:
        return ""


# ------------------------------------------------------------------ ids

@dataclass(frozen=True)
class _Wanted:
    fdc_ids: tuple[str, ...]  # already FDC ids
    ndb_numbers: tuple[str, ...]  # SR NDB numbers, to map through the list


def read_ids(path: Path) -> _Wanted:
    """Ids to refresh: a CSV with an ``fdc_id`` or ``food_id`` column (the catalogue works),
    or a text file with one id per line. ``fdc-123`` and 6+ digit numbers are FDC ids;
    numbers of up to 5 digits are SR NDB numbers."""
    text = read_text(path, limit=16 * MIB, error=FetchError, what="ids file")
    lines = [line.strip() for line in text.splitlines() if line.strip()
             and not line.startswith("#")]
    values: list[str]
    if lines and "," in lines[0]:
        header = [h.strip() for h in lines[0].split(",")]
        column = next((c for c in ("fdc_id", "food_id") if c in header), None)
        if column is None:
            raise FetchError(f"{path}: no fdc_id or food_id column")
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                comment=None)
        except (ValueError, pd.errors.ParserError) as exc:
            raise FetchError(f"{path}: unreadable CSV ({reason(exc)})") from None
        values = [v.strip() for v in frame[column] if v.strip()]
        if column == "fdc_id":
            values = [f"fdc-{v}" for v in values]
    else:
        values = lines
    fdc, ndb = [], []
    for value in values:
        plain = value.removeprefix("fdc-")
        is_fdc = value.startswith("fdc-") or len(plain) > 5
        if not plain.isdigit() or (is_fdc and fdc_id(plain.lstrip("0") or "0") is None):
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
                    progress: Callable[[str, int], Any] | None = None,
                    say: Callable[[str], None] | None = None) -> FetchSummary:
    """Download, convert, validate and atomically install a data directory.

    ``out`` must be new, empty, or a folder an earlier refresh wrote (its manifest says so)
    holding nothing else; anything else is refused before a byte is written. A lock file
    beside ``out`` keeps two refreshes from writing it at once. ``progress(label, total)``
    may return a callable advanced by one per step; ``say(text)`` hears what is happening
    (a retry and its wait); the command passes its progress line.
    Raises :class:`FetchError` (nothing written) on any failure, OS errors included.
    """
    check_options(options)
    out = Path(os.path.abspath(options.out))
    if out.parent == out:
        raise FetchError(f"{out}: cannot replace the root folder")
    _check_apart(out, options.cache or default_cache(out))
    try:
        check_replaceable(out)  # before writing anything at all, the lock file included
        out.parent.mkdir(parents=True, exist_ok=True)
        with _locked(out):
            check_replaceable(out)  # again: another refresh may have finished meanwhile
            return _refresh(options, out, progress, say)
    except OSError as exc:
        where, why = Path(exc.filename or out), exc.strerror or reason(exc)
        if isinstance(exc, FileExistsError | NotADirectoryError):
            file = next((p for p in (where, *where.parents) if p.is_file()), None)
            if file is not None:  # a file stands where a folder is needed
                where, why = file, "not a folder"
        raise FetchError(f"{where}: {why}; {options.out} unchanged") from None


def _check_apart(out: Path, cache: Path) -> None:
    """FetchError when the cache is ``out`` or inside it: a refresh replaces ``out``
    whole, and the cache would go with the old data or be left in a stray
    ``.out.old-PID`` folder. (``out`` inside the cache is harmless: the cache removes only
    what it wrote.)"""
    a, b = Path(os.path.realpath(out)), Path(os.path.realpath(cache))
    if a == b or a in b.parents:
        raise FetchError(f"--cache {cache} is {'--out' if a == b else 'inside --out'} "
                         f"({out}); a refresh replaces --out whole: choose a cache folder "
                         "outside it (nothing changed)")


def default_cache(out: Path) -> Path:
    """The resume cache of a refresh into ``out``: a folder of the user cache directory,
    named after ``out`` and a digest of its absolute path (one cache per data folder)."""
    absolute = os.path.abspath(out)
    digest = hashlib.sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    name = re.sub(r"[^\w.-]+", "_", Path(absolute).name)[:40] or "data"
    return cache_dir() / "fetch" / f"{name}-{digest}"


def _refresh(options: FetchOptions, out: Path, progress: Callable[[str, int], Any] | None,
             say: Callable[[str], None] | None) -> FetchSummary:
    cache = _Cache(options.cache or default_cache(out))
    client = _Client(options, say)
    wanted = read_ids(options.ids_from) if options.ids_from else None
    listed, invalid = _enumerate(client, cache, options, wanted, progress)
    fdc_ids, not_returned = _resolve(listed, wanted)
    items, skipped, missing, bad = _details(client, cache, fdc_ids, progress)
    invalid += bad
    if not items:
        raise FetchError("FDC returned no usable foods; nothing written")
    if say is not None:
        say(f"writing {out}...")
    try:
        table = foods_from_fdc_json(items, origin=f"FDC {masked(options.base_url)}")
    except DatasetError as exc:
        raise FetchError(f"FDC data could not be converted: {exc}") from None
    _install(out, table)
    if not options.keep_cache:
        cache.remove()
    foods = table.foods
    by_type = foods["source"].str.removeprefix("FDC ").value_counts().to_dict()
    cov = coverage(foods).set_index("nutrient")["known"].to_dict()
    return FetchSummary(out, {str(k): int(v) for k, v in by_type.items()},
                        {str(k): int(v) for k, v in cov.items()}, len(foods),
                        tuple(not_returned) + tuple(missing), tuple(skipped), client.requests,
                        invalid_ids=invalid)


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``.<out>.lock`` beside ``out``; refuse if another refresh
    holds it. The lock file is removed on every way out (success, error, Ctrl-C).

    Removing a lock file is safe only because a locker checks, once it holds the lock, that
    the file it locked is still the one at the path: a process that opened the file just
    before the holder removed it finds it gone and tries again on a fresh file.
    """
    lock = out.parent / f".{out.name}.lock"
    for _ in range(LOCK_ATTEMPTS):
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise FetchError(f"{out}: another refresh is writing this folder (lock {lock}); "
                             "wait for it to finish") from None
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, lock):
            break
        os.close(fd)  # removed by the refresh that held it: lock the new one
    else:
        raise FetchError(f"{out}: could not take the lock {lock}; try again")
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()  # while still holding it, so no one locks a file being removed
        os.close(fd)


#: Tries to lock a lock file that other refreshes keep removing (each try is instant).
LOCK_ATTEMPTS: Final = 20


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def check_replaceable(out: Path) -> None:
    """Raise :class:`FetchError` unless a refresh may replace ``out``: it does not exist,
    is empty, or is a data folder a refresh wrote (its manifest names :data:`WRITER`)
    holding only the data files."""
    try:
        info = os.lstat(out)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise FetchError(f"{out}: is a symbolic link; give the folder it points to")
    if not stat.S_ISDIR(info.st_mode):
        raise FetchError(f"{out}: exists and is not a directory")
    names = set(os.listdir(out))
    if not names:
        return
    try:
        manifest = load_json(read_text(out / MANIFEST_FILE, limit=SMALL_FILE_CAP,
                                       error=FetchError), MANIFEST_FILE, FetchError)
    except FetchError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("writer") != WRITER:
        raise FetchError(f"{out}: not empty and not a folder written by this refresh; "
                         "refusing to replace it (nothing changed). Choose a new or empty "
                         "folder for --out")
    not_files = sorted(n for n in names & DATA_FILES
                       if not stat.S_ISREG(os.lstat(out / n).st_mode))
    if not_files:
        raise FetchError(f"{out}: {not_files[0]} is not a file this refresh wrote (a folder, "
                         "link or device); refusing to replace it (nothing changed)")
    extra = sorted(names - DATA_FILES)
    if extra:
        shown = ", ".join(extra[:3]) + (" ..." if len(extra) > 3 else "")
        raise FetchError(f"{out}: also holds files this refresh did not write ({shown}); "
                         "refusing to replace it (nothing changed). Move them out or choose "
                         "another folder")


def _enumerate(client: _Client, cache: _Cache, options: FetchOptions, wanted: _Wanted | None,
               progress: Callable[[str, int], Any] | None
               ) -> tuple[list[dict[str, Any]], int]:
    """Abridged list entries of every food of the data types (cached page by page), and
    how many entries were ignored for an invalid fdcId."""
    if wanted is not None and not wanted.ndb_numbers:
        return [], 0  # FDC ids given: nothing to look up
    types = options.data_types if wanted is None else tuple(
        t for t in options.data_types if t == "SR Legacy") or ("SR Legacy",)
    entries: list[dict[str, Any]] = []
    invalid = 0
    for data_type in types:
        step = progress(f"listing {data_type} foods, pages", 0) if progress else None
        number = 1
        while True:
            if (number - 1) * options.page_size >= MAX_LISTED:
                raise FetchError(f"FDC kept listing {data_type} foods past {MAX_LISTED:,} "
                                 "(it holds about 8,000); stopped, nothing written")
            path = cache.page(data_type, number)
            page = cache.read(path)
            if not isinstance(page, list) or len(page) > options.page_size:
                page = client.get("/v1/foods/list", {"dataType": data_type,
                                                     "pageSize": str(options.page_size),
                                                     "pageNumber": str(number)})
                if not isinstance(page, list):
                    raise FetchError(f"FDC list page {number} for {data_type} is not a list")
                if len(page) > options.page_size:  # and would be asked for again and again
                    raise FetchError(f"FDC list page {number} for {data_type} has "
                                     f"{len(page):,} foods, more than the "
                                     f"{options.page_size} asked for; not FDC's answer, "
                                     "nothing written")
                cache.write(path, page)
            if step:
                step()
            for entry in page:
                if not isinstance(entry, Mapping) or "fdcId" not in entry:
                    continue
                checked = fdc_id(entry["fdcId"])
                if checked is None:
                    invalid += 1
                    continue
                entries.append({"fdcId": checked, "ndbNumber": entry.get("ndbNumber"),
                                "dataType": entry.get("dataType", data_type)})
            if len(page) < options.page_size:
                break
            number += 1
    return entries, invalid


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
             ) -> tuple[list[dict[str, Any]], list[str], list[str], int]:
    """Full food items (from cache or in batches of 20); skipped and not-returned ids, and
    how many items were ignored for an invalid fdcId."""
    todo = [i for i in fdc_ids if not isinstance(cache.read(cache.food(i)), dict)]
    step = progress("downloading foods", len(fdc_ids)) if progress else None
    if step:
        for _ in range(len(fdc_ids) - len(todo)):
            step()
    not_returned: list[str] = []
    invalid = 0
    for batch in _chunks(todo, BATCH_SIZE):
        body = client.get("/v1/foods", {"fdcIds": ",".join(batch), "format": "full"})
        if not isinstance(body, list):
            raise FetchError("FDC /v1/foods did not return a list; nothing written")
        got = set()
        for item in body:
            if not isinstance(item, Mapping) or "fdcId" not in item:
                continue
            fdc = fdc_id(item["fdcId"])
            if fdc is None:
                invalid += 1
                continue
            got.add(fdc)
            cache.write(cache.food(fdc), {**item, "fdcId": int(fdc)})
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
    return items, skipped, not_returned, invalid


def _chunks(values: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield list(values[start:start + size])


def _install(out: Path, table: Any) -> None:
    """Write to a temporary directory beside ``out``, validate, then swap it in.

    The caller has checked (under the lock) that ``out`` holds nothing but an earlier
    refresh's data files, so the old folder can go once the new one is in place.
    """
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    try:
        write_dataset(staging, table, source="USDA FoodData Central (public domain, CC0)",
                      writer=WRITER)
        load_foods(staging)  # the loader must accept what we wrote
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)  # mkdtemp makes 0700; a plain mkdir would not
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
        if old.exists():
            for name in DATA_FILES:  # only what the check allowed, never more
                with contextlib.suppress(OSError):  # the new data is in place already
                    (old / name).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                old.rmdir()


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
        lines.append("FDC did not return "
                     f"{plural(len(summary.not_returned), 'requested id')}: "
                     + ", ".join(summary.not_returned[:20])
                     + (" ..." if len(summary.not_returned) > 20 else ""))
    if summary.invalid_ids:
        lines.append(f"warning: ignored {plural(summary.invalid_ids, 'entry', 'entries')} "
                     "FDC sent with an "
                     "fdcId that is not a positive integer")
    if summary.skipped:
        lines.append(f"skipped {plural(len(summary.skipped), 'food')} FDC sent without "
                     "nutrient data: "
                     + ", ".join(summary.skipped[:20]))
    return "\n".join(lines) + "\n"


def api_key_from(value: str | None, environ: Mapping[str, str] = os.environ
                 ) -> tuple[str, bool]:
    """The key to use and whether it is the rate-limited DEMO_KEY fallback."""
    key = value or environ.get("FDC_API_KEY") or ""
    return (key, False) if key else (DEMO_KEY, True)

