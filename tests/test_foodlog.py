"""The food log: real SQLite files, two writers at once, files that are not ours (issue 13)."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from planner.errors import LogError
from planner.food.intake import Eaten
from planner.log.foodlog import SCHEMA_VERSION, FoodLog, parse_date

DAY = dt.date(2026, 11, 28)


def _eaten(food_id: str = "09040", grams: float = 118.0, meal: str | None = None) -> Eaten:
    return Eaten(food_id, "banana", grams, "1 medium banana", "1 banana", meal)


def test_add_show_remove(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "log.sqlite3"
    with FoodLog(path, "add") as log:
        added = log.add([_eaten(), _eaten("08121", 234.0, "lunch")], DAY, meal="breakfast")
        assert [(e.meal, e.food_id, e.grams) for e in added] == [
            ("breakfast", "09040", 118.0), ("lunch", "08121", 234.0)]  # a label wins
        log.add([_eaten()], DAY - dt.timedelta(days=3))
        assert len(log.entries()) == 3
        assert [e.id for e in log.entries(DAY, DAY)] == [e.id for e in added]
        assert len(log.entries(DAY - dt.timedelta(days=6), DAY)) == 3
        removed = log.remove(added[0].id)
        assert removed.id == added[0].id
        assert [e.id for e in log.entries()] != [] and added[0].id not in \
            [e.id for e in log.entries()]
        with pytest.raises(LogError, match=f"no entry {added[0].id}"):
            log.remove(added[0].id)
    with sqlite3.connect(path) as db:  # the schema is versioned; a plain rollback journal
        assert db.execute("SELECT version FROM schema_version").fetchall() == [
            (SCHEMA_VERSION,)]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()
    assert sorted(os.listdir(path.parent)) == ["log.sqlite3"]


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    writer = (
        "import datetime as dt, sys\n"
        "from planner.log.foodlog import FoodLog\n"
        "from planner.food.intake import Eaten\n"
        "for i in range(40):\n"
        "    with FoodLog(sys.argv[1], 'add') as log:\n"
        "        log.add([Eaten('09040', 'banana', 100.0 + i, 'x', sys.argv[2]),\n"
        "                 Eaten('09003', 'apple', 50.0, 'y', sys.argv[2])],\n"
        "                dt.date(2026, 11, 28))\n")
    # both start on an empty folder: they also race to create the schema
    processes = [subprocess.Popen([sys.executable, "-c", writer, str(path), name])
                 for name in ("shell one", "shell two")]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    with FoodLog(path) as log:
        entries = log.entries()
    assert len(entries) == 160
    assert sorted(e.said for e in entries).count("shell one") == 80
    assert len({e.id for e in entries}) == 160


def test_two_cli_adds_at_once(tmp_path: Path) -> None:
    env = {**os.environ, "PLANNER_LOG": str(tmp_path / "log.sqlite3"),
           "XDG_CONFIG_HOME": str(tmp_path)}
    processes = [subprocess.Popen([sys.executable, "-m", "planner", "log", "add", text,
                                   "--date", "2026-11-28"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for text in ("1 medium banana; 1 apple", "1 cup cooked oatmeal")]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    with FoodLog(tmp_path / "log.sqlite3") as log:
        assert sorted(e.food_id for e in log.entries()) == ["08121", "09003", "09040"]


def _garbage(path: Path) -> bytes:
    data = b"my tax return 2025\n" * 100
    path.write_bytes(data)
    return data


def _corrupt_sqlite(path: Path) -> bytes:
    """A real planner log whose pages after the header are overwritten."""
    with FoodLog(path, "add") as log:
        log.add([_eaten()] * 50, DAY)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[100:4096 * 2] = b"\xff" * (4096 * 2 - 100)
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return bytes(data)


def _foreign(path: Path) -> bytes:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE accounts (name TEXT, balance REAL)")
        db.execute("INSERT INTO accounts VALUES ('savings', 1200.5)")
    db.close()
    return path.read_bytes()


def _newer(path: Path) -> bytes:
    with FoodLog(path, "add"):
        pass
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = 99")
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize(("make", "message"), [
    (_garbage, "not a planner food log (not an SQLite database); it was left as it is"),
    (_corrupt_sqlite, "not a usable planner food log"),
    (_foreign, "an SQLite database, but not a planner food log; it was left as it is"),
    (_newer, "made by a newer planner (schema 99"),
], ids=["garbage", "corrupt", "foreign", "newer"])
def test_a_file_that_is_not_our_log_is_refused_and_never_written(
        tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "log.sqlite3"
    before = make(path)
    with pytest.raises(LogError, match=re.escape(message)), FoodLog(path, "add") as log:
        log.add([_eaten()], DAY)
    assert path.read_bytes() == before


def test_a_folder_is_not_a_log(tmp_path: Path) -> None:
    with pytest.raises(LogError, match="is a folder"):
        FoodLog(tmp_path, "add")


def test_dates() -> None:
    assert parse_date(None, DAY) == DAY
    assert parse_date("yesterday", DAY) == DAY - dt.timedelta(days=1)
    assert parse_date("2026-11-01", DAY) == dt.date(2026, 11, 1)
    for bad in ("28/11/2026", "2026-13-01", "1850-01-01", "2027-01-01"):
        with pytest.raises(LogError, match="date"):
            parse_date(bad, DAY)
