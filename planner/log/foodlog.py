"""The food log: what a person ate, day by day, in a local SQLite database.

One file per user, ``log.sqlite3`` in planner's user data directory (``planner log
path``; :func:`default_log` moves one left in the config directory by planner 0.1), or any
file given with ``--log`` / ``PLANNER_LOG``. The schema has a version table; every write is
one short ``BEGIN IMMEDIATE`` transaction, so two shells adding at once both land (the
second waits for the first, up to :data:`BUSY_TIMEOUT_S`). The log keeps SQLite's plain
rollback journal (an older planner's WAL log is switched back at its next write), so a
reader never needs to write: ``log show``, ``log export`` and ``gaps`` open the file
read-only and read a log in a folder they cannot write.

Other programs' files are never written: an existing file is checked through a read-only
connection (``mode=ro``, no pragma that writes) before a writing connection is opened, and
again inside every write transaction. It must carry planner's application id, no user
version, exactly planner's tables and index (no views, triggers or tables of its own) and
a schema version this planner reads; anything else (corrupt, another program's, a newer
schema) is a :class:`LogError` and is left as it is. Only an absent or zero-byte file
becomes a new log, and only for a command that adds; read commands never create files or
folders. A file whose last write was cut off is read through a snapshot copy, so even the
rollback of its journal is not done to the original by a reader.

An entry stores the food id and grams, not nutrient values: totals are computed from the
food table in use, so a refreshed table corrects old entries, and a food the table lacks
is reported as unknown, never counted as zero.

Supplements (schema 2) are kept in their own table, by name, form and amount (in the
supplement's unit: mg, or µg of vitamin D, B12 or folic acid), and numbered with the food
entries (one sequence, so ``log remove 12`` names one thing). A log starts at schema 1,
which planner versions without supplements read too; the first supplement added moves it
to schema 2 in the same transaction (two new objects, nothing else touched), so a log
without supplements stays readable by them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from planner.errors import LogError
from planner.limits import MAX_ITEM_GRAMS
from planner.person.supplements import (
    BY_KIND,
    Supplement,
    looks_like_supplement,
    parse_supplement,
)

if TYPE_CHECKING:  # the log is read and written without pandas (planner log is light)
    from planner.food.intake import Eaten

LOG_FILE: Final = "log.sqlite3"
#: The newest schema this planner reads: 2 adds the supplements table.
SCHEMA_VERSION: Final = 2
#: The schema a new log starts at (foods only); a log moves to 2 with its first supplement.
CREATED_VERSION: Final = 1
APPLICATION_ID: Final = 0x504C4E52  # "PLNR": marks the file as planner's
BUSY_TIMEOUT_S: Final = 30.0
#: SQLite waits for a lock in C, where Ctrl-C cannot reach it: it waits this long at a
#: time, and planner tries again until BUSY_TIMEOUT_S, so Ctrl-C ends a wait within it.
BUSY_STEP_S: Final = 0.25
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
#: Schema 2: supplements, numbered from the food entries' sequence (no AUTOINCREMENT of
#: their own), and the amount in the supplement's unit.
_SUPPLEMENT_SCHEMA: Final = (
    """CREATE TABLE supplements (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    name TEXT NOT NULL,
    form TEXT NOT NULL,
    amount REAL NOT NULL CHECK (amount > 0),
    text TEXT NOT NULL,
    said TEXT NOT NULL,
    added_at TEXT NOT NULL
)""",
    "CREATE INDEX supplements_by_date ON supplements (date, id)",
)
#: What each planner object in a log looks like (sqlite_master rows), and nothing else,
#: by schema version.
_OBJECTS_V1: Final = frozenset({
    ("table", "schema_version", _SCHEMA[0]),
    ("table", "entries", _SCHEMA[1]),
    ("index", "entries_by_date", _SCHEMA[2]),
    ("table", "sqlite_sequence", "CREATE TABLE sqlite_sequence(name,seq)"),
})
_OBJECTS: Final = {1: _OBJECTS_V1,
                   2: _OBJECTS_V1 | {("table", "supplements", _SUPPLEMENT_SCHEMA[0]),
                                     ("index", "supplements_by_date",
                                      _SUPPLEMENT_SCHEMA[1])}}
#: SQLite errors of a read-only connection that only a writing one could get past.
_NEEDS_WRITE: Final = frozenset({"SQLITE_READONLY_ROLLBACK", "SQLITE_READONLY_RECOVERY",
                                 "SQLITE_CANTOPEN", "SQLITE_READONLY_CANTINIT",
                                 "SQLITE_READONLY_DIRECTORY"})
#: Entry numbers are SQLite rowids: 1 to 2**63 - 1.
MAX_ENTRY_ID: Final = 2**63 - 1
#: What a command does with the log (see :class:`FoodLog`).
Access = Literal["read", "write", "add"]
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


@dataclass(frozen=True)
class SupplementEntry:
    """One logged supplement: ``amount`` of the supplement's unit (mg, µg) on ``date``."""

    id: int
    date: dt.date
    name: str  # a supplement kind: magnesium, vitamin_d, ...
    form: str
    amount: float
    text: str  # "magnesium glycinate 200 mg"
    said: str
    added_at: str

    @property
    def supplement(self) -> Supplement:
        return Supplement(self.name, self.amount, self.form, self.said)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date.isoformat(), "supplement": self.name,
                "form": self.form or None, "amount": round(self.amount, 6),
                "unit": "µg" if BY_KIND[self.name].unit == "ug" else "mg",
                "text": self.text, "said": self.said, "added_at": self.added_at}


#: The meals a food entry may name (the ``entries.meal`` CHECK).
MEALS: Final = ("breakfast", "lunch", "dinner", "snack")
_LABEL: Final = re.compile(r"^\s*([A-Za-z]+)\s*:\s*(.*)$")


def split_logged(text: str) -> tuple[str, list[Supplement]]:
    """What ``planner log add`` was given, as (the food text, the supplements in it). An
    item (between ``;`` or new lines) that names a supplement planner knows, or one it
    does not count, with an amount in mg, µg or IU ("magnesium glycinate 200 mg") is a
    supplement, read by :func:`planner.person.supplements.parse_supplement` (an
    unknown form or a bad amount is its one-line error); every other item, meal labels
    included, stays for the food reader."""
    foods: list[str] = []
    supplements: list[Supplement] = []
    for part in re.split(r"[;\n]", text):
        label = _LABEL.match(part)
        item = label.group(2) if label and label.group(1).lower() in MEALS else part
        if item.strip() and looks_like_supplement(item):
            parsed = parse_supplement(item, "supplement")
            if parsed is not None:
                supplements.append(parsed)
            if label and label.group(1).lower() in MEALS:
                foods.append(f"{label.group(1)}:")  # the label still places what follows
            continue
        foods.append(part)
    kept = [f.strip() for f in foods if f.strip()]
    labels_only = all(f.endswith(":") and f[:-1].strip().lower() in MEALS for f in kept)
    return ("" if labels_only else "; ".join(kept)), supplements


def repeats(added: Sequence[Entry], before: Sequence[Entry]) -> list[tuple[Entry, Entry]]:
    """(new entry, the earlier one it repeats) for each of ``added`` that logs what one of
    ``before`` already does: the same day, meal, food and amount (the same breakfast
    logged twice). Each earlier entry is matched once."""
    left = list(before)
    pairs = []
    for entry in added:
        same = next((e for e in left if (e.date, e.meal, e.food_id) ==
                     (entry.date, entry.meal, entry.food_id)
                     and abs(e.grams - entry.grams) < 0.05), None)
        if same is not None:
            left.remove(same)
            pairs.append((entry, same))
    return pairs


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
    """An open food log. Use as a context manager, or call :meth:`close`.

    ``access`` says what the command does: ``read`` (show, export, gaps) never creates or
    changes a file and reads a log in a read-only folder; ``write`` (remove) changes an
    existing log only; ``add`` also turns an absent or zero-byte file into a new log. An
    existing file is always checked through a read-only connection first.
    """

    def __init__(self, path: str | os.PathLike[str], access: Access = "read") -> None:
        self.path = Path(path)
        self.access = access
        self._snapshot: tempfile.TemporaryDirectory[str] | None = None
        self._db: sqlite3.Connection | None = None
        self._db, self._snapshot, self._version = _open(self.path, access)

    def __enter__(self) -> FoodLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._snapshot is not None:
            self._snapshot.cleanup()
            self._snapshot = None

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: the write lock is taken at the start, so two
        writers queue instead of failing halfway. The file is checked again under the
        lock, so a file swapped in since it was opened is not written either."""
        if self.access == "read" or self._db is None:
            raise LogError(f"{self.path}: opened for reading only")  # a bug, not input
        db = self._db
        try:
            _patient(db, "BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise LogError(f"{self.path}: {_problem(exc)}; nothing was changed") from None
        try:
            self._version = _check(self.path, db)
            yield db
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        else:
            try:
                _patient(db, "COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise LogError(f"{self.path}: could not save ({exc}); nothing was changed"
                               ) from None

    def add(self, items: Sequence[Eaten], date: dt.date, meal: str | None = None
            ) -> list[Entry]:
        """Add every item (all or nothing) on ``date``; an item's own meal label wins over
        ``meal``."""
        return self.add_logged(items, (), date, meal)[0]

    def add_supplements(self, supplements: Sequence[Supplement], date: dt.date
                        ) -> list[SupplementEntry]:
        """Add every supplement (all or nothing) on ``date``."""
        return self.add_logged((), supplements, date)[1]

    def add_logged(self, items: Sequence[Eaten], supplements: Sequence[Supplement],
                   date: dt.date, meal: str | None = None
                   ) -> tuple[list[Entry], list[SupplementEntry]]:
        """Add foods and supplements in one transaction (all or nothing). The first
        supplement moves a log at schema 1 to schema 2 in the same transaction; each
        supplement gets the next number of the food entries' sequence, which then counts
        it, so a number is never given twice."""
        if self.access != "add":
            raise LogError(f"{self.path}: not opened for adding")  # a bug, not input
        added_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        rows = [(date.isoformat(), item.meal or meal, item.food_id, item.name, item.grams,
                 item.text, item.said, added_at) for item in items]
        ids = []
        taken: list[SupplementEntry] = []
        with self._write() as db:
            for row in rows:
                cursor = _run(self.path, db, "INSERT INTO entries (date, meal, food_id, name, "
                              "grams, text, said, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              row)
                ids.append(int(cursor.lastrowid or 0))
            if supplements:
                taken = self._insert_supplements(db, supplements, date, added_at)
        return ([Entry(i, date, r[1], r[2], r[3], r[4], r[5], r[6], added_at)
                 for i, r in zip(ids, rows, strict=True)], taken)

    def _insert_supplements(self, db: sqlite3.Connection, supplements: Sequence[Supplement],
                            date: dt.date, added_at: str) -> list[SupplementEntry]:
        if self._version < 2:
            for statement in _SUPPLEMENT_SCHEMA:
                _run(self.path, db, statement)
            _run(self.path, db, "UPDATE schema_version SET version = 2")
            self._version = 2
        top = max(int(row[0] or 0) for row in _run(
            self.path, db, "SELECT seq FROM sqlite_sequence WHERE name = 'entries' "
            "UNION ALL SELECT max(id) FROM entries UNION ALL SELECT max(id) FROM "
            "supplements").fetchall())
        out = []
        for number, s in enumerate(supplements, start=top + 1):
            _run(self.path, db, "INSERT INTO supplements (id, date, name, form, amount, text, "
                 "said, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (number, date.isoformat(), s.kind, s.form, s.amount, s.text, s.said,
                  added_at))
            out.append(SupplementEntry(number, date, s.kind, s.form, s.amount, s.text, s.said,
                                       added_at))
        last = out[-1].id
        if _run(self.path, db, "UPDATE sqlite_sequence SET seq = ? WHERE name = 'entries'",
                (last,)).rowcount == 0:
            _run(self.path, db, "INSERT INTO sqlite_sequence (name, seq) VALUES ('entries', ?)",
                 (last,))
        return out

    def remove(self, entry_id: int) -> Entry | SupplementEntry:
        """Remove entry ``entry_id`` (a food or a supplement); LogError when there is none
        (an absent log has none and is not created)."""
        if not 1 <= entry_id <= MAX_ENTRY_ID or self._db is None:
            raise LogError(f"no entry {entry_id} in the food log (see 'planner log show')")
        with self._write() as db:
            found: list[Entry] | list[SupplementEntry] = self._select(
                db, "WHERE id = ?", (entry_id,))
            table = "entries"
            if not found and self._version >= 2:
                found = self._select_supplements(db, "WHERE id = ?", (entry_id,))
                table = "supplements"
            if not found:
                raise LogError(f"no entry {entry_id} in the food log (see 'planner log show')")
            _run(self.path, db, f"DELETE FROM {table} WHERE id = ?", (entry_id,))
        return found[0]

    def supplements(self, start: dt.date | None = None, end: dt.date | None = None
                    ) -> list[SupplementEntry]:
        """Supplements logged from ``start`` to ``end`` (inclusive; None: unbounded),
        oldest first; none in a log at schema 1."""
        if self._db is None or self._version < 2:
            return []
        clause, args = _between(start, end)
        return self._select_supplements(self._db, clause, args)

    def _select_supplements(self, db: sqlite3.Connection, clause: str,
                            args: tuple[Any, ...]) -> list[SupplementEntry]:
        cursor = _run(self.path, db, "SELECT id, date, name, form, amount, text, said, "
                      f"added_at FROM supplements {clause} ORDER BY date, id", args)
        out = []
        for row in cursor.fetchall():
            try:
                if row[2] not in BY_KIND:
                    raise ValueError(row[2])
                out.append(SupplementEntry(int(row[0]), dt.date.fromisoformat(row[1]),
                                           str(row[2]), str(row[3]), float(row[4]),
                                           str(row[5]), str(row[6]), str(row[7])))
            except (TypeError, ValueError):
                raise LogError(f"{self.path}: entry {row[0]} is damaged or names a "
                               "supplement this planner does not know; the log was not "
                               "changed") from None
        return out

    def entries(self, start: dt.date | None = None, end: dt.date | None = None
                ) -> list[Entry]:
        """Entries from ``start`` to ``end`` (inclusive; None: unbounded), oldest first."""
        if self._db is None:  # no log yet: nothing logged
            return []
        clause, args = _between(start, end)
        return self._select(self._db, clause, args)

    def _select(self, db: sqlite3.Connection, clause: str, args: tuple[Any, ...]
                ) -> list[Entry]:
        cursor = _run(self.path, db, "SELECT id, date, meal, food_id, name, grams, text, "
                      f"said, added_at FROM entries {clause} ORDER BY date, id", args)
        out = []
        for row in cursor.fetchall():
            try:
                entry = Entry(int(row[0]), dt.date.fromisoformat(row[1]), row[2],
                              str(row[3]), str(row[4]), float(row[5]), str(row[6]),
                              str(row[7]), str(row[8]))
                if not 0 < entry.grams <= MAX_ITEM_GRAMS:  # 1e308 g made totals infinite
                    raise ValueError(f"{entry.grams:g} g")
                out.append(entry)
            except (TypeError, ValueError):
                raise LogError(f"{self.path}: entry {row[0]} is damaged; the log was not "
                               "changed") from None
        return out


def _between(start: dt.date | None, end: dt.date | None) -> tuple[str, tuple[Any, ...]]:
    """A WHERE clause and its arguments for dates from ``start`` to ``end``."""
    where, args = [], []
    if start is not None:
        where.append("date >= ?")
        args.append(start.isoformat())
    if end is not None:
        where.append("date <= ?")
        args.append(end.isoformat())
    return ("WHERE " + " AND ".join(where)) if where else "", tuple(args)


def _patient(db: sqlite3.Connection, sql: str, args: tuple[Any, ...] = ()
             ) -> sqlite3.Cursor:
    """``db.execute``, tried again while the database is busy, up to BUSY_TIMEOUT_S;
    each try waits at most BUSY_STEP_S, so Ctrl-C is seen between tries."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return db.execute(sql, args)
        except sqlite3.OperationalError as exc:
            busy = str(getattr(exc, "sqlite_errorname", "")).startswith(
                ("SQLITE_BUSY", "SQLITE_LOCKED"))
            if not busy or time.monotonic() >= deadline:
                raise


def _run(path: Path, db: sqlite3.Connection, sql: str, args: tuple[Any, ...] = ()
         ) -> sqlite3.Cursor:
    try:
        return _patient(db, sql, args)
    except sqlite3.DatabaseError as exc:
        raise LogError(f"{path}: {_problem(exc)}; the log was not changed") from None


def _problem(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return f"not a usable planner food log ({text})"
    if "locked" in text or "busy" in text:
        return f"busy for more than {BUSY_TIMEOUT_S:g} s ({text})"
    return text


def _open(path: Path, access: Access
          ) -> tuple[sqlite3.Connection | None, tempfile.TemporaryDirectory[str] | None, int]:
    """The connection for ``access`` (None: no log yet, and none is made), the snapshot
    folder it reads from, if any, and the log's schema version as that connection read
    it (0: no log). An existing file is checked read-only before anything else touches
    it; every check reads in one transaction (:func:`_check_whole`)."""
    size = _inspect(path)
    if size is None or size == 0:  # absent or zero bytes: a new log, only when adding
        if access != "add":
            return None, None, 0
        db, version = _create(path)
        return db, None, version
    db, snapshot = _open_read_only(path)
    try:
        version = _check_whole(path, db)
    except BaseException:
        db.close()
        if snapshot is not None:
            snapshot.cleanup()
        raise
    if access == "read":
        return db, snapshot, version
    db.close()
    if snapshot is not None:
        snapshot.cleanup()
    db = _connect(path, "rw")
    try:
        # the same file, now through the connection that writes
        version = _check_whole(path, db)
        mode = str(_run(path, db, "PRAGMA journal_mode").fetchone()[0]).lower()
        if mode != "delete":  # an older planner's WAL log: back to a plain journal, so
            with contextlib.suppress(sqlite3.Error):  # that readers never need to write
                db.execute("PRAGMA journal_mode=DELETE")
    except BaseException:
        db.close()
        raise
    return db, None, version


def _inspect(path: Path) -> int | None:
    """The size of the file at ``path``, None when there is none; LogError for a folder,
    a device or a path that cannot be looked at."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:  # a folder on the way that cannot be entered, a file as folder
        raise LogError(f"{path}: cannot open the food log ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise LogError(f"{path}: is a folder, not a food log file")
    if not stat.S_ISREG(info.st_mode):
        raise LogError(f"{path}: not a regular file; it was left as it is")
    if info.st_size:
        try:
            with open(path, "rb") as handle:
                header = handle.read(16)
        except OSError as exc:
            raise LogError(f"{path}: cannot read the food log ({exc.strerror or exc})"
                           ) from None
        if header != b"SQLite format 3\x00":
            raise LogError(f"{path}: not a planner food log (not an SQLite database); it "
                           "was left as it is")
    return info.st_size


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    """A connection in URI ``mode`` (ro, rw or rwc), in autocommit (explicit
    transactions)."""
    uri = f"{path.absolute().as_uri()}?mode={mode}"
    try:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_STEP_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise LogError(f"{path}: cannot open the food log ({exc})") from None


def _open_read_only(path: Path
                    ) -> tuple[sqlite3.Connection, tempfile.TemporaryDirectory[str] | None]:
    """A read-only connection to ``path``. When SQLite cannot read it without writing (a
    write that was cut off left a journal to roll back; an older WAL log in a folder it
    cannot write), a snapshot copy of the file and its journal is read instead, so the
    original is never touched."""
    db = _connect(path, "ro")
    try:
        _patient(db, "SELECT count(*) FROM sqlite_master").fetchone()
        return db, None
    except sqlite3.DatabaseError as exc:
        db.close()
        if getattr(exc, "sqlite_errorname", "") not in _NEEDS_WRITE:
            raise LogError(f"{path}: {_problem(exc)}; it was left as it is") from None
    snapshot = tempfile.TemporaryDirectory(prefix="planner-log-")
    try:
        copy = Path(snapshot.name) / "log.sqlite3"
        for suffix in ("", "-journal", "-wal"):
            with contextlib.suppress(FileNotFoundError):
                shutil.copyfile(f"{path}{suffix}", f"{copy}{suffix}")
        db = _connect(copy, "rw")  # rolls the copy back to its last complete state
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db, snapshot
    except (OSError, sqlite3.Error) as exc:
        snapshot.cleanup()
        raise LogError(f"{path}: cannot read the food log ({exc}); it was left as it is"
                       ) from None
    except BaseException:
        snapshot.cleanup()
        raise


def _create(path: Path) -> tuple[sqlite3.Connection, int]:
    """A new log at ``path`` (absent or zero bytes), safe against a second process doing
    the same at once, and its schema version as checked after; the folder is made if
    needed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LogError(f"{path.parent}: cannot create the folder ({exc.strerror or exc})"
                       ) from None
    db = _connect(path, "rwc")
    try:
        try:
            _patient(db, "BEGIN IMMEDIATE")
            if os.stat(path).st_size == 0 and not _objects(db):  # still empty: ours to make
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute("INSERT INTO schema_version (version) VALUES (?)",
                           (CREATED_VERSION,))
            _patient(db, "COMMIT")
        except (OSError, sqlite3.DatabaseError) as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise LogError(f"{path}: cannot create the food log ({exc})") from None
        version = _check_whole(path, db)  # whoever made it: it must be a planner log now
    except BaseException:
        db.close()
        raise
    return db, version


def _objects(db: sqlite3.Connection) -> set[tuple[str, str, str]]:
    return {(str(r[0]), str(r[1]), str(r[2])) for r in
            _patient(db, "SELECT type, name, coalesce(sql, '') FROM sqlite_master")}


def _check_whole(path: Path, db: sqlite3.Connection) -> int:
    """:func:`_check` in one read transaction, for a connection outside a write: each of
    its reads on its own could fall either side of another process moving the log to a
    new schema (the tables of one version, the version number of the next: "not a
    planner food log", seen with two writers under load). A writer's commit waits for
    the check instead."""
    try:
        _patient(db, "BEGIN")
    except sqlite3.DatabaseError as exc:
        raise LogError(f"{path}: {_problem(exc)}; it was left as it is") from None
    try:
        return _check(path, db)
    finally:
        with contextlib.suppress(sqlite3.Error):
            db.execute("COMMIT")  # only read: ends the transaction


def _check(path: Path, db: sqlite3.Connection) -> int:
    """The log's schema version; LogError unless the database is a planner log: its
    application id, no user version, a schema version this planner reads and exactly
    that version's tables and indexes (no views, triggers or other tables). Only reads."""
    try:
        application_id = int(_patient(db, "PRAGMA application_id").fetchone()[0])
        user_version = int(_patient(db, "PRAGMA user_version").fetchone()[0])
        objects = _objects(db)
    except sqlite3.DatabaseError as exc:
        raise LogError(f"{path}: {_problem(exc)}; it was left as it is") from None
    not_ours = LogError(f"{path}: an SQLite database, but not a planner food log; it was "
                        "left as it is (choose another file with --log)")
    if application_id != APPLICATION_ID or user_version != 0 or \
            ("table", "schema_version", _SCHEMA[0]) not in objects:
        raise not_ours
    try:
        row = _patient(db, "SELECT max(version) FROM schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise LogError(f"{path}: {_problem(exc)}; it was left as it is") from None
    version = row[0] if row else None
    if not isinstance(version, int):
        raise LogError(f"{path}: the food log has no schema version; it was left as it is")
    if version > SCHEMA_VERSION:
        raise LogError(f"{path}: made by a newer planner (schema {version}; this one reads "
                       f"{SCHEMA_VERSION}); upgrade planner")
    if version not in _OBJECTS or objects != set(_OBJECTS[version]):
        raise not_ours
    return version
