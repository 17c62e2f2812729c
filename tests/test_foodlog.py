"""The food log: real SQLite files, two writers at once, files that are not ours (issue 13)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import LogError
from planner.food.intake import Eaten
from planner.log.foodlog import CREATED_VERSION, FoodLog, parse_date, repeats

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
            (CREATED_VERSION,)]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()
    assert sorted(os.listdir(path.parent)) == ["log.sqlite3"]


def test_the_same_meal_logged_twice_is_found_and_said(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    with FoodLog(path, "add") as log:
        first = log.add([_eaten(meal="breakfast"), _eaten("08121", 234.0, "breakfast")], DAY)
        again = log.add([_eaten(meal="breakfast"), _eaten("08121", 234.0, "breakfast")], DAY)
        lunch = log.add([_eaten(meal="lunch"), _eaten(grams=59.0, meal="breakfast")], DAY)
    assert repeats(again, first) == list(zip(again, first, strict=True))
    assert repeats(lunch, first + again) == []  # another meal, another amount: new food
    assert repeats(first, []) == []
    runner = CliRunner()
    args = ["log", "add", "1 cup cooked oatmeal; 1 medium banana", "--meal", "breakfast",
            "--log", str(tmp_path / "cli.sqlite3"), "--date", DAY.isoformat()]
    assert runner.invoke(app, args).stderr == ""
    twice = runner.invoke(app, args)
    assert twice.exit_code == 0
    assert twice.stderr == ("note: #3 and #4 repeat #1 and #2, logged before for the same "
                            "meal; if you ate it once, take the new entries out: planner "
                            "log remove 3; planner log remove 4\n")


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


# ------------------------------------------------------------------ where the log lives

def test_the_log_lives_in_the_user_data_dir_and_an_old_one_is_moved(
        tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PLANNER_LOG"}
    env |= {"XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_DATA_HOME": str(tmp_path / "data")}
    old = tmp_path / "config" / "planner" / "log.sqlite3"
    with FoodLog(old, "add") as log:  # a log where planner 0.1 kept it
        log.add([_eaten()], DAY)
    new = tmp_path / "data" / "planner" / "log.sqlite3"

    def planner(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "planner", *args], env=env,
                              capture_output=True, text=True, timeout=120)

    shown = planner("log", "show", "--date", DAY.isoformat(), "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert f"note: moved your food log from {old} to {new}" in shown.stderr
    assert '"food_id": "09040"' in shown.stdout  # the old entries, read from the new place
    assert new.is_file() and not old.exists()
    assert not list(old.parent.glob("log.sqlite3*"))  # WAL files went with it
    again = planner("log", "path")
    assert again.returncode == 0 and again.stdout.strip() == str(new)
    assert again.stderr == ""  # moved once, said once


def test_an_old_log_that_cannot_be_moved_is_read_where_it_is(tmp_path: Path) -> None:
    from planner.log.foodlog import default_log

    old_dir, data_dir = tmp_path / "config", tmp_path / "data"
    with FoodLog(old_dir / "log.sqlite3", "add") as log:
        log.add([_eaten()], DAY)
    data_dir.write_text("a file where the data folder should be\n")
    path, note = default_log(data_dir, old_dir)
    assert path == old_dir / "log.sqlite3"
    assert note is not None and note.startswith("note: using the food log at its old place")
    with FoodLog(path) as log:
        assert [e.food_id for e in log.entries()] == ["09040"]
    # nothing at the old place: the new place, no note; the same folder twice: no move
    assert default_log(tmp_path / "d2", tmp_path / "empty") == (
        tmp_path / "d2" / "log.sqlite3", None)
    assert default_log(old_dir, old_dir) == (old_dir / "log.sqlite3", None)


# ------------------------------------------------------------------ issue 20: never written

def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (a changed, added or removed file shows)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _sqlite(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        db.execute(statement)
    db.close()


def _ours(path: Path, *statements: str) -> None:
    with FoodLog(path, "add") as log:
        log.add([_eaten()], DAY)
    _sqlite(path, *statements)


FOREIGN = {
    "only a user_version": lambda p: _sqlite(p, "PRAGMA user_version = 7"),
    "only a view": lambda p: _sqlite(p, "CREATE VIEW v AS SELECT 1 AS x"),
    "only an application id": lambda p: _sqlite(p, "PRAGMA application_id = 1347964498"),
    "an empty database": lambda p: _sqlite(p, "PRAGMA page_size = 4096", "VACUUM"),
    "our tables and a view": lambda p: _ours(p, "CREATE VIEW v AS SELECT * FROM entries"),
    "our tables and a trigger": lambda p: _ours(
        p, "CREATE TABLE audit (x)", "CREATE TRIGGER t AFTER INSERT ON entries "
        "BEGIN INSERT INTO audit VALUES (new.id); END"),
    "our tables and a user_version": lambda p: _ours(p, "PRAGMA user_version = 3"),
    "our tables and another table": lambda p: _ours(p, "CREATE TABLE mine (x)"),
    "our tables without the id": lambda p: _ours(p, "PRAGMA application_id = 0"),
    "entries of another shape": lambda p: _sqlite(
        p, "PRAGMA application_id = 1347964498",
        "CREATE TABLE schema_version (version INTEGER NOT NULL)",
        "INSERT INTO schema_version VALUES (1)",
        "CREATE TABLE entries (id INTEGER PRIMARY KEY AUTOINCREMENT, date TEXT)",
        "CREATE INDEX entries_by_date ON entries (date, id)"),
}


@pytest.mark.parametrize("make", list(FOREIGN.values()), ids=list(FOREIGN))
def test_another_programs_database_is_never_written_by_any_command(
        tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "app.db"
    make(path)
    assert path.stat().st_size > 0
    before = _snapshot(folder)
    for access in ("read", "write", "add"):
        with pytest.raises(LogError, match=r"but not a planner food log; it was left as it "
                                           r"is"), \
                FoodLog(path, access) as log:  # type: ignore[arg-type]
            log.add([_eaten()], DAY)
        assert _snapshot(folder) == before, access
    runner = CliRunner()
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    for args in (["log", "show"], ["log", "export"], ["log", "remove", "1"],
                 ["log", "add", "1 medium banana"],
                 ["gaps", "--sex", "female", "--age", "35"]):
        r = runner.invoke(app, [*args, "--log", str(path)], env=env)
        assert r.exit_code == 1, (args, r.output)
        assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr
        assert "not a planner food log" in r.stderr
    assert _snapshot(folder) == before
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # never WAL
    db.close()


def test_read_commands_on_a_missing_log_create_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "deeper" / "log.sqlite3"
    with FoodLog(path, "read") as log:
        assert log.entries() == []
    with FoodLog(path, "write") as log, pytest.raises(LogError, match="no entry 1 "):
        log.remove(1)
    runner = CliRunner()
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    for args in (["log", "show"], ["log", "show", "--week"], ["log", "export"]):
        r = runner.invoke(app, [*args, "--log", str(path)], env=env)
        assert r.exit_code == 0, (args, r.output)
    r = runner.invoke(app, ["gaps", "--sex", "female", "--age", "35", "--log", str(path)],
                      env=env)
    assert r.exit_code == 1 and "nothing logged for" in r.stderr, r.output
    r = runner.invoke(app, ["log", "remove", "1", "--log", str(path)], env=env)
    assert r.exit_code == 1 and "no entry 1 in the food log" in r.stderr
    assert sorted(os.listdir(tmp_path)) == []  # no folder, no file, no config folder


def test_only_a_zero_byte_file_becomes_a_log_and_only_when_adding(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    path.write_bytes(b"")
    for access in ("read", "write"):
        with FoodLog(path, access) as log:  # type: ignore[arg-type]
            assert log.entries() == []
        assert path.read_bytes() == b"" and os.listdir(tmp_path) == ["log.sqlite3"]
    with FoodLog(path, "add") as log:
        assert [e.food_id for e in log.add([_eaten()], DAY)] == ["09040"]
    with FoodLog(path) as log:
        assert [e.food_id for e in log.entries()] == ["09040"]


@pytest.mark.parametrize("number", [0, -1, 2**63, 99999999999999999999999])
def test_removing_an_entry_number_out_of_range_is_one_line(tmp_path: Path,
                                                           number: int) -> None:
    path = tmp_path / "log.sqlite3"
    with FoodLog(path, "add") as log:
        log.add([_eaten()], DAY)
    before = path.read_bytes()
    r = CliRunner().invoke(app, ["log", "remove", "--log", str(path), "--", str(number)],
                           env={"XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert r.exit_code == 1 and r.stderr == \
        f"error: no entry {number} in the food log (see 'planner log show')\n", r.output
    assert path.read_bytes() == before


@contextlib.contextmanager
def _read_only(*paths: Path) -> Iterator[None]:
    """Make files and folders read-only, even for root (the immutable attribute)."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a folder read-only")
        done = []
        try:
            for p in paths:
                if subprocess.run(["chattr", "+i", str(p)], capture_output=True).returncode:
                    pytest.skip("this file system has no immutable attribute")
                done.append(p)
            yield
        finally:
            for p in done:
                subprocess.run(["chattr", "-i", str(p)], check=True)
    else:
        modes = {p: p.stat().st_mode for p in paths}
        try:
            for p in paths:
                p.chmod(0o555 if p.is_dir() else 0o444)
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)


def _wal_log(path: Path) -> None:
    """A log as an older planner left it: in WAL mode, closed cleanly (no -wal file)."""
    with FoodLog(path, "add") as log:
        log.add([_eaten()], DAY)
    _sqlite(path, "PRAGMA journal_mode=WAL")


@pytest.mark.parametrize("wal", [False, True], ids=["planner log", "older WAL log"])
def test_a_read_only_log_in_a_read_only_folder_can_be_shown(tmp_path: Path,
                                                            wal: bool) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "log.sqlite3"
    if wal:
        _wal_log(path)
    else:
        with FoodLog(path, "add") as log:
            log.add([_eaten()], DAY)
    before = _snapshot(folder)
    runner = CliRunner()
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    with _read_only(path, folder):
        with FoodLog(path) as log:
            assert [e.food_id for e in log.entries()] == ["09040"]
        r = runner.invoke(app, ["log", "export", "--format", "json", "--log", str(path)],
                          env=env)
        assert r.exit_code == 0, r.output
        assert '"09040"' in r.stdout
        r = runner.invoke(app, ["log", "show", "--date", DAY.isoformat(), "--log",
                                str(path)], env=env)
        assert r.exit_code == 0 and "banana" in r.stdout.lower(), r.output
        r = runner.invoke(app, ["log", "add", "1 apple", "--log", str(path)], env=env)
        assert r.exit_code == 1 and r.stderr.startswith("error: ") and \
            r.stderr.count("\n") == 1 and str(path) in r.stderr, r.output
    assert _snapshot(folder) == before


def test_a_cut_off_write_is_read_from_a_copy_and_repaired_by_the_next_write(
        tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    with FoodLog(path, "add") as log:
        log.add([_eaten()], DAY)
    crash = ("import os, sqlite3, sys\n"
             "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
             "db.execute('PRAGMA cache_size=1')\n"
             "db.execute('BEGIN IMMEDIATE')\n"
             "for i in range(5000):\n"
             "    db.execute(\"INSERT INTO entries (date, meal, food_id, name, grams, text, "
             "said, added_at) VALUES ('2026-11-28', NULL, '09040', 'b', 1, ?, 'x', 'x')\","
             " ('x' * 300,))\n"
             "os._exit(9)\n")  # as kill -9 would: the journal stays behind, hot
    subprocess.run([sys.executable, "-c", crash, str(path)], check=False, timeout=60)
    assert Path(f"{path}-journal").exists()
    before = _snapshot(tmp_path)
    with FoodLog(path) as log:  # what was committed, read without writing the file
        assert len(log.entries()) == 1
    assert _snapshot(tmp_path) == before
    with FoodLog(path, "add") as log:
        log.add([_eaten()], DAY)
        assert len(log.entries()) == 2
    assert not Path(f"{path}-journal").exists()


def test_an_older_wal_log_goes_back_to_a_plain_journal_at_its_next_write(
        tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    _wal_log(path)
    with FoodLog(path, "add") as log:
        log.add([_eaten()], DAY)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()
    assert sorted(os.listdir(tmp_path)) == ["log.sqlite3"]


def test_a_log_in_a_folder_that_cannot_be_entered_names_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder\n")
    with pytest.raises(LogError, match=rf"^{re.escape(str(blocker))}/log.sqlite3: cannot "
                                       r"open the food log \(Not a directory\)$"):
        FoodLog(blocker / "log.sqlite3")


def _locked(path: Path) -> sqlite3.Connection:
    """Another program holding the log's exclusive lock (readers and writers wait)."""
    with FoodLog(path, "add") as log:
        log.add([_eaten()], DAY)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_a_log_busy_too_long_is_one_line_and_nothing_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.log.foodlog as foodlog

    monkeypatch.setattr(foodlog, "BUSY_TIMEOUT_S", 1.0)
    path = tmp_path / "log.sqlite3"
    holder = _locked(path)
    try:
        for access in ("read", "add"):
            start = time.monotonic()
            with pytest.raises(LogError, match=r"busy for more than 1 s"), \
                    FoodLog(path, access) as log:  # type: ignore[arg-type]
                log.add([_eaten()], DAY)
            assert time.monotonic() - start < 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with FoodLog(path) as log:
        assert len(log.entries()) == 1


def test_ctrl_c_while_the_log_is_busy_ends_at_once(tmp_path: Path) -> None:
    import signal

    path = tmp_path / "log.sqlite3"
    holder = _locked(path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    try:
        proc = subprocess.Popen([sys.executable, "-m", "planner", "log", "add",
                                 "1 medium banana", "--log", str(path)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(6)  # loads the food table, then waits for the lock
        assert proc.poll() is None
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        elapsed = time.monotonic() - start
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == 130 and err == "error: interrupted\n", err
    # at once, not after the log's 30 s busy wait (a loose bound: a busy machine is slow)
    assert elapsed < 10
    with FoodLog(path) as log:
        assert len(log.entries()) == 1


def test_a_foreign_database_with_a_cut_off_write_is_not_even_rolled_back(
        tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    _sqlite(path, "CREATE TABLE accounts (name TEXT, note TEXT)",
            "INSERT INTO accounts VALUES ('savings', 'x')")
    crash = ("import os, sqlite3, sys\n"
             "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
             "db.execute('PRAGMA cache_size=1')\n"
             "db.execute('BEGIN IMMEDIATE')\n"
             "for i in range(5000):\n"
             "    db.execute('INSERT INTO accounts VALUES (?, ?)', ('a', 'x' * 300))\n"
             "os._exit(9)\n")
    subprocess.run([sys.executable, "-c", crash, str(path)], check=False, timeout=60)
    assert Path(f"{path}-journal").exists()
    before = _snapshot(tmp_path)
    for access in ("read", "write", "add"):
        with pytest.raises(LogError, match="not a planner food log"):
            FoodLog(path, access)  # type: ignore[arg-type]
        assert _snapshot(tmp_path) == before  # its journal is still there to roll back


# ------------------------------------------------------------------ supplements (issue 35)

SCHEMA_1 = Path(__file__).parent / "data" / "log_schema1.sqlite3"


def _schema_1_log(tmp_path: Path) -> Path:
    """A copy of a log the planner before supplements wrote (schema 1): foods on two days,
    entry 4 removed, so the next number is 6."""
    path = tmp_path / "log.sqlite3"
    shutil.copyfile(SCHEMA_1, path)
    return path


def _version(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT version FROM schema_version").fetchone()[0])


def test_a_schema_1_log_is_read_as_it_is(tmp_path: Path) -> None:
    path = _schema_1_log(tmp_path)
    before = path.read_bytes()
    with FoodLog(path) as log:
        assert [(e.id, e.food_id) for e in log.entries()] == [
            (1, "08121"), (2, "09040"), (3, "15239"), (5, "09003")]
        assert log.supplements() == []
    with FoodLog(path, "add") as log:  # opening to add changes nothing by itself
        assert len(log.entries()) == 4
    assert path.read_bytes() == before


def test_the_first_supplement_moves_a_schema_1_log_to_schema_2_keeping_every_entry(
        tmp_path: Path) -> None:
    path = _schema_1_log(tmp_path)
    from planner.person.supplements import parse_supplement

    magnesium = parse_supplement("magnesium glycinate 200 mg")
    assert magnesium is not None
    with FoodLog(path, "add") as log:
        foods, taken = log.add_logged([_eaten()], [magnesium], DAY)
    assert [f.id for f in foods] == [6] and [s.id for s in taken] == [7]  # one sequence
    assert _version(path) == 2
    with FoodLog(path, "add") as log:
        assert [e.id for e in log.add([_eaten()], DAY)] == [8]  # never a supplement's
        assert [(e.id, e.food_id) for e in log.entries()][:4] == [
            (1, "08121"), (2, "09040"), (3, "15239"), (5, "09003")]
        (s,) = log.supplements()
        assert (s.id, s.name, s.form, s.amount, s.text) == (
            7, "magnesium", "glycinate", 200.0, "magnesium glycinate 200 mg")
        assert s.supplement.nutrient_amount == 200
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with FoodLog(path, "write") as log:  # numbers name one thing: a supplement too
        assert log.remove(7).text == "magnesium glycinate 200 mg"
        with pytest.raises(LogError, match="no entry 7"):
            log.remove(7)
        assert log.remove(8).food_id == "09040"
    with FoodLog(path, "add") as log:
        from planner.person.supplements import Supplement

        assert [s.id for s in log.add_supplements([Supplement("zinc", 8)], DAY)] == [9]


def test_a_failed_supplement_write_leaves_a_schema_1_log_as_it_was(tmp_path: Path) -> None:
    path = _schema_1_log(tmp_path)
    before = path.read_bytes()
    from planner.person.supplements import Supplement

    with FoodLog(path, "add") as log, pytest.raises(LogError):
        # a bad row fails the CHECK after the schema moved, inside the same transaction
        log.add_supplements([Supplement("zinc", 8), Supplement("zinc", -1)], DAY)
    assert path.read_bytes() == before and _version(path) == 1


def test_schema_2_with_other_objects_or_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = _schema_1_log(tmp_path)
    with contextlib.closing(sqlite3.connect(path)) as db:  # says 2, lacks the table
        db.execute("UPDATE schema_version SET version = 2")
        db.commit()
    before = path.read_bytes()
    with pytest.raises(LogError, match="not a planner food log"):
        FoodLog(path)
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE schema_version SET version = 3")
        db.commit()
    with pytest.raises(LogError, match="made by a newer planner"):
        FoodLog(path)
    assert path.stat().st_size == len(before)


def test_log_add_takes_supplements_as_words_or_flags(tmp_path: Path) -> None:
    env = {"PLANNER_LOG": str(_schema_1_log(tmp_path)), "COLUMNS": "80"}
    runner = CliRunner()
    result = runner.invoke(app, ["log", "add", "magnesium glycinate 200 mg", "--date",
                                 "2026-11-28"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output == "added #6 2026-11-28 supplement: magnesium glycinate 200 mg\n"
    result = runner.invoke(app, ["log", "add", "breakfast: vitamin d3 1000 IU; 1 medium "
                                 "banana", "--supplement", "b12=500ug", "--date",
                                 "2026-11-28"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "added #7 2026-11-28 breakfast: 1 medium banana (118 g)",
        "added #8 2026-11-28 supplement: vitamin D3 25 µg (1,000 IU)",
        "added #9 2026-11-28 supplement: vitamin B12 500 µg"]
    shown = runner.invoke(app, ["log", "show", "--date", "2026-11-28"], env=env).output
    assert "#6  supplement  magnesium glycinate 200 mg" in shown
    exported = runner.invoke(app, ["log", "export", "--format", "json"], env=env).output
    assert '"supplement": "vitamin_b12"' in exported
    for bad, message in (("iodine 150 ug", "planner does not count iodine"),
                         ("magnesium 200", "give a unit: mg or µg"),
                         ("magnesium -5 mg", "a negative amount")):
        result = runner.invoke(app, ["log", "add", "--supplement", bad], env=env)
        assert result.exit_code == 1 and message in result.output, result.output
    result = runner.invoke(app, ["log", "add", "magnesium 90000 mg"], env=env)
    assert result.exit_code == 1 and "more than 3,500 mg" in result.output
    with FoodLog(env["PLANNER_LOG"]) as log:  # nothing of the refused ones was added
        assert [s.id for s in log.supplements()] == [6, 8, 9]


@pytest.mark.parametrize("access", ["read", "add"])
def test_a_log_moved_to_schema_2_while_it_is_checked_is_read_as_one_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, access: str) -> None:
    """Opening reads the log's tables and its version in one read transaction. Another
    process moving it to schema 2 between two of those reads (two writers under load) made
    it "not a planner food log"; that commit now waits for the check. The other process
    tries at every check that opening makes (the last one was once outside a transaction,
    and refused the log under load in the test of two writers)."""
    import planner.log.foodlog as foodlog

    path = _schema_1_log(tmp_path)
    real = foodlog._objects
    outcome: list[str] = []

    def objects_then_another_process_migrates(db: sqlite3.Connection) -> object:
        found = real(db)
        if "committed" not in outcome:  # a check's tables are read: the other one commits
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                for statement in foodlog._SUPPLEMENT_SCHEMA:
                    other.execute(statement)
                other.execute("UPDATE schema_version SET version = 2")
                other.execute("COMMIT")
                outcome.append("committed")
            except sqlite3.OperationalError as exc:
                outcome.append(str(exc))
                other.execute("ROLLBACK")
            finally:
                other.close()
        return found

    monkeypatch.setattr(foodlog, "_objects", objects_then_another_process_migrates)
    with FoodLog(path, access) as log:  # type: ignore[arg-type]
        assert [e.id for e in log.entries()] == [1, 2, 3, 5]
    assert outcome and set(outcome) == {"database is locked"}, outcome
    assert _version(path) == 1


def test_two_writers_moving_a_log_to_schema_2_at_once_lose_nothing(tmp_path: Path) -> None:
    path = _schema_1_log(tmp_path)
    writer = (
        "import datetime as dt, sys\n"
        "from planner.log.foodlog import FoodLog\n"
        "from planner.food.intake import Eaten\n"
        "from planner.person.supplements import Supplement\n"
        "for i in range(15):\n"
        "    with FoodLog(sys.argv[1], 'add') as log:\n"
        "        log.add_logged([Eaten('09040', 'banana', 100.0, 'x', sys.argv[2])],\n"
        "                       [Supplement('zinc', 1.0 + i, '', sys.argv[2])],\n"
        "                       dt.date(2026, 11, 28))\n")
    processes = [subprocess.Popen([sys.executable, "-c", writer, str(path), name])
                 for name in ("shell one", "shell two")]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    with FoodLog(path) as log:
        foods, taken = log.entries(), log.supplements()
    assert len(foods) == 4 + 30 and len(taken) == 30 and _version(path) == 2
    numbers = [e.id for e in foods] + [s.id for s in taken]
    assert len(set(numbers)) == len(numbers)  # one sequence, no number given twice
    assert sorted(s.said for s in taken).count("shell two") == 15


# ------------------------------------------------------------------ issue 36 (own cases)

@pytest.mark.parametrize("grams", ["1e308", "9e999", "5000", "-1"])
def test_an_entry_edited_to_an_impossible_weight_is_damaged_not_infinite(
        tmp_path: Path, grams: str) -> None:
    # 1e308 g made 'log show' say "about inf kcal" and 'gaps' an internal error
    path = tmp_path / "log.sqlite3"
    with FoodLog(path, "add") as log:
        log.add([_eaten()], DAY)
    db = sqlite3.connect(path)
    with db:
        db.execute("PRAGMA ignore_check_constraints = ON")
        db.execute(f"UPDATE entries SET grams = {grams}")
    db.close()
    before = path.read_bytes()
    for args in (["log", "show"], ["gaps", "--sex", "female", "--age", "30"]):
        result = CliRunner().invoke(app, [*args, "--log", str(path), "--date",
                                          DAY.isoformat()])
        assert result.exit_code == 1, result.output
        assert result.stderr == f"error: {path}: entry 1 is damaged; the log was not " \
                                "changed\n"
    assert path.read_bytes() == before
