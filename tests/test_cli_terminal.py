"""The command line at a terminal: every text report within 80 columns (and wider where
the terminal is), help a person reads, one-line hints for the common mistakes, and every
command an error suggests is one that runs."""

from __future__ import annotations

import itertools
import os
import re
import shlex
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from planner.cli import app

ADVICE = ["advice", "--no-weakness", "--no-wasting", "--no-swallowing", "--no-spreading",
          "--no-persistent", "--sweating", "--caffeine", "--no-alcohol", "--no-poor-sleep",
          "--no-stress", "--no-exercise", "--no-medications", "--little-sun", "--age", "55",
          "--sex", "male", "--diet", "vegetarian", "--no-input"]
PEOPLE = "id,sex,age,diet,exclude,days\nwoman,female,35,,,1\nboy,male,12,vegan,peanuts,1\n"


@pytest.fixture()
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Invoke the CLI in a private home (config dir, log, working directory)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the food log lives here
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PLANNER_DATA", raising=False)
    monkeypatch.delenv("PLANNER_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, columns: int = 80, **kwargs: Any) -> Any:
        return runner.invoke(app, list(args), env={"COLUMNS": str(columns)}, **kwargs)
    return invoke


def _longest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_every_text_report_fits_80_columns_and_uses_a_wider_terminal(
        cli: Callable[..., Any], tmp_path: Path) -> None:
    log = str(tmp_path / "log.sqlite3")
    added = cli("log", "add", "1 cup cooked oatmeal; 1 medium banana; 150 g cooked sockeye "
                "salmon; 2 slices whole-wheat bread", "--meal", "breakfast", "--log", log)
    assert added.exit_code == 0, added.output
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    reports = {
        "week": ["week", "--sex", "female", "--age", "35", "--days", "2"],
        "day": ["day", "--sex", "male", "--age", "60", "--include", "banana"],
        "foods": ["foods", "--rich-in", "magnesium", "--sex", "female", "--age", "35"],
        "explain": ["explain", "cooked spinach", "--sex", "female", "--age", "40"],
        "targets": ["targets", "--sex", "female", "--age", "29", "--life-stage", "pregnancy",
                    "--target", "magnesium_mg=400"],
        "gaps": ["gaps", "--sex", "female", "--age", "35", "--log", log],
        "log show": ["log", "show", "--log", log],
        "advice": ADVICE,
        "batch": ["batch", str(people), "--workers", "1"],
    }
    wider = {"week", "day", "foods", "gaps", "targets"}  # whose lines are longer than 80
    for name, args in reports.items():
        extra = ["--out", str(tmp_path / "plans-80")] if name == "batch" else []
        narrow = cli(*args, *extra)
        assert narrow.exit_code == 0, (name, narrow.output)
        assert _longest(narrow.stdout) <= 80, (name, narrow.stdout)
        extra = ["--out", str(tmp_path / "plans-160")] if name == "batch" else []
        wide = cli(*args, *extra, columns=160)
        assert wide.exit_code == 0, (name, wide.output)
        assert _longest(wide.stdout) <= 160, name
        if name in wider:
            assert _longest(wide.stdout) > 80, name
    week = cli(*reports["week"]).stdout
    assert "Solved by" not in week and "gap " not in week  # --verbose only
    verbose = cli(*reports["week"], "--verbose").stdout
    assert re.search(r"^Solved by HiGHS \((optimal|feasible, gap [\d.]+ %)\) in ", verbose,
                     re.MULTILINE)
    assert "(s)" not in week + cli(*reports["gaps"]).stdout


@pytest.mark.parametrize("command", [["week"], ["day"], ["foods"], ["explain"], ["targets"],
                                     ["gaps"], ["advice"], ["batch"], ["log", "add"],
                                     ["profile", "init"]], ids=" ".join)
def test_help_has_words_for_placeholders_and_fits(cli: Callable[..., Any],
                                                  command: list[str]) -> None:
    r = cli(*command, "--help")
    assert r.exit_code == 0
    assert _longest(r.stdout) <= 80
    for python in ("<bool>", "<int", "<str>", "<list", "<float", "<path>", "<file>",
                   "<=x", "x<=", "x>="):
        assert python not in r.stdout, (command, python)
    if command == ["week"]:
        assert "--age YEARS" in " ".join(r.stdout.split()).replace("│", "") or \
            re.search(r"--age\s+YEARS", r.stdout)
        assert len(r.stdout.splitlines()) <= 66  # an 80x50 screen or close (112; --start: 66)
        assert re.search(r"--strict-daily\s+Vitamin D", r.stdout)  # a switch: no placeholder


@pytest.mark.parametrize(("args", "code", "message"), [
    (["week", "--sex", "female", "--age", "35y"], 2,
     "error: age must be a whole number of years, e.g. --age 35"),
    (["week", "female", "35"], 2,
     "error: unexpected words 'female 35': did you mean 'planner week --sex female --age 35'?"),
    (["foods", "magnesium"], 2,
     "error: unexpected word 'magnesium': did you mean 'planner foods --rich-in magnesium'?"),
    (["foods", "--rich-in", "magnesum"], 1,
     "error: nutrient: 'magnesum' is not known; did you mean magnesium?"),
    (["week", "--sex", "female", "--age", "35", "--format", "htm"], 2,
     "error: --format: 'htm' is not one of table, markdown, json, csv, html; did you mean "
     "html?"),
    (["week", "--sex", "female", "--age", "35", "--days", "0"], 2,
     "error: --days must be a whole number from 1 to 366, e.g. --days 7"),
    (["log", "add", "one apple and a banana"], 1,
     "error: 'one apple and a banana' is not one food planner knows; separate foods with "
     "';': 'one apple; a banana'"),
])
def test_a_common_mistake_gets_a_one_line_fix(cli: Callable[..., Any], args: list[str],
                                              code: int, message: str) -> None:
    r = cli(*args)
    assert r.exit_code == code, r.output
    assert r.stderr == message + "\n"


def test_every_command_an_error_suggests_runs(cli: Callable[..., Any],
                                              tmp_path: Path) -> None:
    bad_week = tmp_path / "bad.json"
    bad_week.write_text("{}")
    mistakes = [
        ["week", "female", "35"],
        ["foods", "magnesium"],
        ["explain", "cooked spinach"],  # no profile yet
        ["week", "--sex", "female", "--age", "35", "--include", "kryptonite"],
        ["week", "--sex", "female", "--age", "35", "--keep", str(bad_week), "--redo",
         "day 1"],
        ["gaps", "--sex", "female", "--age", "35"],  # an empty log
        ["day", "--sex", "female", "--age", "35", "--from-log"],
        ["log", "remove", "7"],
    ]
    suggested: dict[str, list[str]] = {}
    for args in mistakes:
        r = cli(*args)
        assert r.exit_code != 0, args
        found = re.findall(r"'(planner [^']+)'", r.stderr)
        assert found, (args, r.stderr)  # each of these mistakes names a way out
        for command in found:
            suggested.setdefault(command, args)
    assert len(suggested) >= 6
    # in the order a newcomer would meet them: saving a profile first makes the rest work
    # the way they would for the person reading the message
    order = sorted(suggested, key=lambda c: "profile init" not in c)
    for command in order:
        words = shlex.split(command)[1:]
        r = cli(*words)
        assert r.exit_code == 0, (command, suggested[command], r.output)


def test_foods_names_each_food_once_and_keeps_whole_words(cli: Callable[..., Any]) -> None:
    """The README's ranking at 80 columns: a row a line, the food named once (in its
    portion), counts with thousands separators, and the whole table's long USDA names
    wrapped between words, never cut."""
    r = cli("foods", "--rich-in", "magnesium", "--diet", "vegan", "--top", "15", "--per",
            "100kcal")
    assert r.exit_code == 0, r.output
    rows = [line for line in r.stdout.splitlines() if re.match(r"^\s*\d+\s{2}\S", line)]
    assert len(rows) == 15 and _longest(r.stdout) <= 80
    assert "1 cup cooked Swiss chard" in r.stdout
    assert not any(line.count("chard") > 1 for line in rows)  # not "cooked Swiss chard
    # 1 cup cooked Swiss chard"
    whole = cli("foods", "--rich-in", "magnesium", "--all", "--top", "12",
                "--format", "json")
    names = [f["name"] for f in __import__("json").loads(whole.stdout)["foods"]]
    table = cli("foods", "--rich-in", "magnesium", "--all", "--top", "12")
    assert re.search(r"whole table, \d,\d{3} foods considered", table.stdout)
    assert _longest(table.stdout) <= 80
    words = set(table.stdout.split())
    for name in names:  # every word of each name, none cut off
        assert set(name.split()) <= words, (name, set(name.split()) - words)


def _commands() -> list[list[str]]:
    """Every command of the app, as the words that name it ('log add')."""
    import typer.main

    found: list[list[str]] = [[]]

    def walk(group: Any, path: list[str]) -> None:
        for name, command in sorted(group.commands.items()):
            found.append([*path, name])
            if hasattr(command, "commands"):
                walk(command, [*path, name])
    walk(typer.main.get_command(app), [])
    return found


COMMANDS = _commands()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "planner")
def test_every_help_fits_80_columns_and_reads_as_prose(cli: Callable[..., Any],
                                                       command: list[str]) -> None:
    """No line past 80 columns, no cell cut with '…', and no paragraph broken where the
    source's line ended (Rich kept a docstring's line breaks: 'stopped' alone on a line)."""
    r = cli(*command, "--help")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), [x for x in lines if len(x) > 80]
    assert "…" not in r.stdout
    prose = [line.rstrip() for line in lines if not line.startswith(("│", "╭", "╰"))]
    for above, below in itertools.pairwise(prose):
        if above.strip() and below.strip():  # a paragraph goes on: the next word did not
            # fit on the line above (78 columns of text inside Rich's one-column margins)
            assert len(above) + 1 + len(below.split()[0]) > 79, (above, below)


def test_every_command_has_a_default_output_case() -> None:
    runnable = {" ".join(c) for c in COMMANDS if c and c not in (["profile"], ["log"])}
    assert runnable == set(DEFAULT_OUTPUT) | {"fetch"}  # fetch: tests/test_fetch.py


DEFAULT_OUTPUT: dict[str, list[str]] = {
    "week": ["week", "--days", "1"],  # the saved profile's: pregnant, week assumed
    "day": ["day", "--ate", "1 cup cooked oatmeal"],
    "foods": ["foods", "--rich-in", "magnesium", "--all"],
    "explain": ["explain", "11457"],
    "targets": ["targets"],
    "solve": ["solve", "--foods", "FOODS", "--targets", "TARGETS"],
    "advice": ["advice", "--answers", "ANSWERS"],
    "batch": ["batch", "PEOPLE", "--out", "OUT/", "--workers", "1"],
    "household": ["household", "FAMILY", "--days", "1"],
    "data": ["data"],
    "gaps": ["gaps", "--week"],
    "profile init": ["profile", "init", "--sex", "female", "--age", "29", "--life-stage",
                     "pregnancy", "--target", "magnesium_mg=100"],
    "profile show": ["profile", "show"],
    "log add": ["log", "add", "1 cup cooked oatmeal; 150 g cooked sockeye salmon; 2 slices "
                "whole-wheat bread; 1 cup cooked kale", "--meal", "breakfast"],
    "log show": ["log", "show", "--week"],
    "log remove": ["log", "remove", "1"],
    "log export": ["log", "export"],
    "log path": ["log", "path"],
}


def test_every_command_s_default_output_fits_80_columns(
        cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """What each command prints by default at 80 columns, in the order a newcomer would
    run them (a saved profile, then the log). The user's folders are as short as a real
    home's ('profile show' prints the profile's path), not pytest's long ones."""
    import tempfile

    short = Path(tempfile.mkdtemp(prefix="p", dir="/tmp"))
    for name, sub in (("XDG_CONFIG_HOME", "c"), ("XDG_DATA_HOME", "d"),
                      ("XDG_CACHE_HOME", "k")):
        monkeypatch.setenv(name, str(short / sub))
    monkeypatch.chdir(short)
    tmp_path = short
    examples = Path(__file__).resolve().parent.parent / "examples"
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    fill = {"FOODS": str(examples / "foods.csv"), "TARGETS": str(examples / "targets.csv"),
            "ANSWERS": str(examples / "answers.toml"), "PEOPLE": str(people),
            "FAMILY": str(examples / "family.csv"),
            "OUT/": str(tmp_path / "plans") + "/"}
    order = ["profile init", "profile show", "log add", "log show", "gaps", "log export",
             "log path", "log remove", *[c for c in DEFAULT_OUTPUT if " " not in c]]
    for name in order:
        args = [fill.get(a, a) for a in DEFAULT_OUTPUT[name]]
        r = cli(*args)
        assert r.exit_code == 0, (name, r.output)
        assert r.stdout or r.stderr, name
        wide = [line for line in r.stdout.splitlines() if len(line) > 80]
        if name != "log export":  # CSV: a record a line, for programs
            assert wide == [], (name, wide)
    shutil.rmtree(short)
    # stderr is wrapped only at a terminal (one line each in a log or a pipe): see
    # test_stderr_at_a_terminal_is_wrapped_and_said_once


def _terminal_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PLANNER_", "XDG_", "COLUMNS", "LINES"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "c"), XDG_DATA_HOME=str(home / "d"),
               XDG_CACHE_HOME=str(home / "k"), TERM="xterm", PYTHONPATH=str(ROOT))
    return env


ROOT = Path(__file__).resolve().parent.parent


def test_stderr_at_a_terminal_is_wrapped_and_said_once(tmp_path: Path) -> None:
    """At an 80-column terminal (its size from the terminal, no COLUMNS) the assumed
    pregnancy week is said once (the report says it; it was also a 159-column line on
    stderr), and a usage fix wraps between words."""
    from screen import Terminal

    run = Terminal([sys.executable, "-m", "planner", "targets", "--sex", "female", "--age",
                    "29", "--life-stage", "pregnancy"], _terminal_env(tmp_path))
    assert run.finish() == 0
    words = " ".join(run.text.split())
    assert words.count("ASSUMED: pregnancy with no week or trimester given") == 1
    assert max(len(line) for line in run.lines()) <= 80
    usage = Terminal([sys.executable, "-m", "planner", "week", "female", "35", "--format",
                      "json"], _terminal_env(tmp_path))
    assert usage.finish() == 2
    assert " ".join(usage.text.split()) == ("error: unexpected words 'female 35': did you "
                                            "mean 'planner week --sex female --age 35 "
                                            "--format json'?")
    assert len(usage.lines()) >= 2 and all(len(line) <= 80 for line in usage.lines())
