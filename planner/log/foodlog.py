"""The food log: what a person ate, day by day, in a local SQLite database.

One file per user, ``log.sqlite3`` in planner's user data directory (``planner log
path``; :func:`default_log` moves one left in the config directory by planner 0.1), or any
file given with ``--log`` / ``PLANNER_LOG``. The schema has a version table; the
database runs in WAL mode, and every write is one short ``BEGIN IMMEDIATE`` transaction,
so two shells adding at once both land (the second waits for the first, up to
:data:`BUSY_TIMEOUT_S`).

A file that is not a planner food log (corrupt, another program's database, a newer
schema) is a :class:`LogError` and is never written to: planner opens an existing file
read-write only after checking it, and creates the schema only in a new, empty file.

An entry stores the food id and grams, not nutrient values: totals are computed from the
food table in use, so a refreshed table corrects old entries, and a food the table lacks
is reported as unknown, never counted as zero.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from planner.errors import LogError
from planner.food.intake import Eaten

LOG_ENV: Final = "PLANNER_LOG"
LOG_FILE: Final = "log.sqlite3"
SCHEMA_VERSION: Final = 1
APPLICATION_ID: Final = 0x504C4E52  # "PLNR": marks the file as planner's
BUSY_TIMEOUT_S: Final = 30.0
_SCHEMA: Final = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    """CREATE TABLE entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    meal TEXT CHECK (meal IN ('breakfast', 'lunch', 'dinner', 'snack')),
    food_id TEXT NOT NULL,
    name TEXT NOT NULL,
    grams REAL NOT NULL CHECK (grams > 0),
    text TEXT NOT NULL,
    said TEXT NOT NULL,
    added_at TEXT NOT NULL
)""",
    "CREATE INDEX entries_by_date ON entries (date, id)",
)
#: Dates a log accepts: nobody logs meals from before 1900 or from next year.
EARLIEST: Final = dt.date(1900, 1, 1)


#: SQLite's companion files of a log in WAL mode, which move with it.
_COMPANIONS: Final = ("-wal", "-shm")


def default_log(data_dir: Path, old_dir: Path) -> tuple[Path, str | None]:
    """The default food log, ``data_dir/log.sqlite3``, and a note for the user, if any.

    A log at the old place (``old_dir/log.sqlite3``, where planner 0.1 kept it) and none at
    the new one is moved there with its WAL files (a rename, so nothing is copied or lost);
    when it cannot be moved (another file system, no permission) it is used where it is,
    and the note says so.
    """
    new, old = data_dir / LOG_FILE, old_dir / LOG_FILE
    if new == old or new.exists() or not old.is_file():
        return new, None
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        os.rename(old, new)
    except OSError as exc:
        why = "another file system" if exc.errno == errno.EXDEV else (exc.strerror or "error")
        return old, (f"note: using the food log at its old place {old} ({why}); move it "
                     f"to {new} to keep it where planner looks")
    for suffix in _COMPANIONS:
        with contextlib.suppress(FileNotFoundError):
            os.rename(f"{old}{suffix}", f"{new}{suffix}")
    return new, f"note: moved your food log from {old} to {new}"


@dataclass(frozen=True)
class Entry:
    """One logged food."""

    id: int
    date: dt.date
    meal: str | None
    food_id: str
    name: str
    grams: float
    text: str
    said: str
    added_at: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date.isoformat(), "meal": self.meal,
                "food_id": self.food_id, "name": self.name, "grams": round(self.grams, 3),
                "text": self.text, "said": self.said, "added_at": self.added_at}


def parse_date(text: str | None, today: dt.date | None = None) -> dt.date:
    """An ISO date (``2026-11-28``), ``today`` or ``yesterday``; default today."""
    today = today or dt.date.today()
    if text is None or text.strip().lower() in ("", "today"):
        return today
    if text.strip().lower() == "yesterday":
        return today - dt.timedelta(days=1)
    try:
        date = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise LogError(f"date: {text!r} is not a date like 2026-11-28") from None
    if not EARLIEST <= date <= today + dt.timedelta(days=1):
        raise LogError(f"date: {date.isoformat()} is not between {EARLIEST.isoformat()} and "
                       "tomorrow")
    return date


class FoodLog:
    """An open food log. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._db = _open(self.path)

    def __enter__(self) -> FoodLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: the write lock is taken at the start, so two
        writers queue instead of failing halfway."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise LogError(f"{self.path}: busy for more than {BUSY_TIMEOUT_S:g} s ({exc}); "
                           "try again") from None
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise LogError(f"{self.path}: could not save ({exc}); nothing was added"
                               ) from None

    def add(self, items: Sequence[Eaten], date: dt.date, meal: str | None = None
            ) -> list[Entry]:
        """Add every item (all or nothing) on ``date``; an item's own meal label wins over
        ``meal``."""
        added_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        rows = [(date.isoformat(), item.meal or meal, item.food_id, item.name, item.grams,
                 item.text, item.said, added_at) for item in items]
        ids = []
        with self._write() as db:
            for row in rows:
                cursor = _run(self.path, db, "INSERT INTO entries (date, meal, food_id, name, "
                              "grams, text, said, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              row)
                ids.append(int(cursor.lastrowid or 0))
        return [Entry(i, date, r[1], r[2], r[3], r[4], r[5], r[6], added_at)
                for i, r in zip(ids, rows, strict=True)]

    def remove(self, entry_id: int) -> Entry:
        with self._write() as db:
            found = self._select(db, "WHERE id = ?", (entry_id,))
            if not found:
                raise LogError(f"no entry {entry_id} in the food log (see 'planner log show')")
            _run(self.path, db, "DELETE FROM entries WHERE id = ?", (entry_id,))
        return found[0]

    def entries(self, start: dt.date | None = None, end: dt.date | None = None
                ) -> list[Entry]:
        """Entries from ``start`` to ``end`` (inclusive; None: unbounded), oldest first."""
        where, args = [], []
        if start is not None:
            where.append("date >= ?")
            args.append(start.isoformat())
        if end is not None:
            where.append("date <= ?")
            args.append(end.isoformat())
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self._select(self._db, clause, tuple(args))

    def _select(self, db: sqlite3.Connection, clause: str, args: tuple[Any, ...]
                ) -> list[Entry]:
        cursor = _run(self.path, db, "SELECT id, date, meal, food_id, name, grams, text, "
                      f"said, added_at FROM entries {clause} ORDER BY date, id", args)
        out = []
        for row in cursor.fetchall():
            try:
                out.append(Entry(int(row[0]), dt.date.fromisoformat(row[1]), row[2],
                                 str(row[3]), str(row[4]), float(row[5]), str(row[6]),
                                 str(row[7]), str(row[8])))
            except (TypeError, ValueError):
                raise LogError(f"{self.path}: entry {row[0]} is damaged; the log was not "
                               "changed") from None
        return out


def _run(path: Path, db: sqlite3.Connection, sql: str, args: tuple[Any, ...] = ()
         ) -> sqlite3.Cursor:
    try:
        return db.execute(sql, args)
    except sqlite3.DatabaseError as exc:
        raise LogError(f"{path}: {_problem(exc)}; the log was not changed") from None


def _problem(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return f"not a usable planner food log ({text})"
    if "locked" in text or "busy" in text:
        return f"busy for more than {BUSY_TIMEOUT_S:g} s ({text})"
    return text


def _open(path: Path) -> sqlite3.Connection:
    """Open (or create) the log at ``path``; check that an existing file is ours."""
    if path.is_dir():
        raise LogError(f"{path}: is a folder, not a food log file")
    exists = path.exists()
    if exists and not path.is_file():
        raise LogError(f"{path}: not a regular file")
    if exists and path.stat().st_size:
        with open(path, "rb") as handle:
            header = handle.read(16)
        if header != b"SQLite format 3\x00":
            raise LogError(f"{path}: not a planner food log (not an SQLite database); it "
                           "was left as it is")
    if not exists:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LogError(f"{path.parent}: cannot create the folder ({exc.strerror})"
                           ) from None
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise LogError(f"{path}: cannot open ({exc})") from None
    try:
        _check_or_create(path, db)
    except BaseException:
        db.close()
        raise
    return db


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _check_or_create(path: Path, db: sqlite3.Connection) -> None:
    try:
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = _tables(db)
    except sqlite3.DatabaseError as exc:
        raise LogError(f"{path}: {_problem(exc)}; it was left as it is") from None
    if not tables and not application_id:
        # a new, empty database: create the schema once, even with two processes racing
        try:
            db.execute("BEGIN IMMEDIATE")
            if not _tables(db):
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute("INSERT INTO schema_version (version) VALUES (?)",
                           (SCHEMA_VERSION,))
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise LogError(f"{path}: cannot create the food log ({exc})") from None
        application_id, tables = int(db.execute("PRAGMA application_id").fetchone()[0]), \
            _tables(db)
    _check(path, db, application_id, tables)  # before WAL: a foreign file stays as it is
    _run(path, db, "PRAGMA journal_mode=WAL")


def _check(path: Path, db: sqlite3.Connection, application_id: int, tables: set[str]) -> None:
    if application_id != APPLICATION_ID or not {"schema_version", "entries"} <= tables:
        raise LogError(f"{path}: an SQLite database, but not a planner food log; it was left "
                       "as it is (choose another file with --log)")
    try:
        row = db.execute("SELECT max(version) FROM schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise LogError(f"{path}: {_problem(exc)}; it was left as it is") from None
    version = row[0] if row else None
    if version is None:
        raise LogError(f"{path}: the food log has no schema version; it was left as it is")
    if int(version) > SCHEMA_VERSION:
        raise LogError(f"{path}: made by a newer planner (schema {version}; this one reads "
                       f"{SCHEMA_VERSION}); upgrade planner")
