"""The README is true: every planner command in its code blocks runs, in order, as a new
user would type it in a source checkout, in a fresh home on the bundled data, with the
example files of ``examples/``; the Python snippet runs; the sample week is what its
command prints (the quick start's week, planned once for both).

A command fails the test when it exits non-zero, unless its line says which code it
exits with (``# exits 3``). Lines this machine cannot run are listed in :data:`SKIP` with
the reason; what the test prepares itself is in :data:`PREPARED`.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Final

import pytest

ROOT: Final = Path(__file__).resolve().parent.parent
README: Final = ROOT / "README.md"

#: README lines not run here, each with the reason.
SKIP: Final = {
    "planner fetch --out fdc-data --ids-from catalogue":
        "needs USDA FoodData Central (network and an API key); tests/test_fetch.py runs "
        "it against a local server, and PREPARED stands in for what it writes",
    "planner batch people.parquet --out /shared/plans --scheduler tcp://HOST:8786":
        "needs a Dask cluster (tests/test_batch.py runs one on this machine)",
}
#: Standard input for commands that ask questions (the README says answers may be piped).
STDIN: Final = {
    "planner advice": "no\nno\nno\nno\nno\n",  # the five red-flag questions
}
#: What the test makes before the commands run, and why.
PREPARED: Final = {
    "fdc-data": "a data folder like the one 'planner fetch' writes, made from the bundled "
                "tables (no network here)",
}
#: A command exits 0 unless its line says otherwise ("# exits 3").
EXPECTED_EXIT = re.compile(r"#.*\bexits? (\d+)\b")


def _load_sample_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("readme_sample",
                                                  ROOT / "scripts" / "readme_sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SAMPLE: Final = _load_sample_script()


def code_blocks(text: str) -> list[tuple[str, str]]:
    """Every fenced block of the README as (language, body), in order; indented fences
    (inside a list) included."""
    blocks = []
    for match in re.finditer(r"^( *)```(\w*)\n(.*?)^\1```", text, re.M | re.S):
        indent = len(match.group(1))
        body = "\n".join(line[indent:] for line in match.group(3).splitlines())
        blocks.append((match.group(2), body + "\n"))
    return blocks


def is_planner(segment: str) -> bool:
    return segment.startswith(("planner ", "python -m planner ")) or segment == "planner"


def shell_lines(body: str) -> list[str]:
    """A shell block's lines, a line ending in a backslash joined to the next, as the
    shell reads them."""
    joined: list[str] = []
    pending = ""
    for line in body.splitlines():
        if line.rstrip().endswith("\\") and not line.lstrip().startswith("#"):
            pending += line.rstrip()[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    return joined + ([pending] if pending else [])


def readme_commands(text: str) -> list[tuple[str, int]]:
    """The planner commands of the README's shell blocks, in order, each with the exit
    code its line promises: a line's ``# comment`` is dropped, ``&&`` splits a line, and
    only the parts that start with ``planner`` or ``python -m planner`` count."""
    commands = []
    for language, body in code_blocks(text):
        if language not in ("", "sh", "bash", "console"):
            continue
        for line in shell_lines(body):
            stripped = line.strip()
            if not stripped or stripped.startswith("$"):
                continue
            expected = EXPECTED_EXIT.search(stripped)
            code = int(expected.group(1)) if expected else 0
            words = shlex.split(stripped, comments=True)
            for part in " ".join(shlex.quote(w) for w in words).split(" '&&' ") \
                    if "&&" in words else [shlex.join(words)]:
                if is_planner(part):
                    commands.append((part, code))
    return commands


TEXT: Final = README.read_text(encoding="utf-8")
COMMANDS: Final = readme_commands(TEXT)


def test_the_readme_has_the_commands_this_test_knows() -> None:
    commands = [c for c, _ in COMMANDS]
    assert len(commands) >= 25
    for listed in (*SKIP, *STDIN):
        assert listed in commands, f"{listed!r} is no longer in README.md: update the test"
    assert "..." not in " ".join(commands)  # no placeholder commands
    assert not any(re.search(r"\b[A-Z]{3,}\b", c) for c in commands
                   if c not in SKIP), "a placeholder like SEX or YEARS in a command"


# The commands follow one another as a reader does (a profile saved, then used): one
# worker runs this module's tests, in order (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("readme")


def test_this_module_runs_on_one_worker(request: pytest.FixtureRequest) -> None:
    """Under --dist loadgroup the group is in the test's id (xdist sends a group to one
    worker by it): with pytest 9.2 and pytest-xdist 3.8 it was not, and every group was
    silently spread over the workers."""
    if not request.config.getoption("loadgroup", False):  # not under xdist's loadgroup
        pytest.skip("runs under pytest-xdist's --dist loadgroup (the suite's default)")
    assert request.node.nodeid.endswith("@readme"), request.node.nodeid

EXAMPLES: Final = ROOT / "examples"
#: What each command printed, by its argv, when it ran in a home with no saved profile
#: (the quick start's week is the sample week's command: planned once for both tests).
RAN: dict[tuple[str, ...], subprocess.CompletedProcess[str]] = {}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the commands run in: a copy of the checkout's ``examples/`` (the README's
    files, as they are) and :data:`PREPARED`, with a fresh home beside them."""
    from planner.food.data import load_foods, write_dataset

    work = tmp_path_factory.mktemp("readme")
    (work / "home").mkdir()
    shutil.copytree(EXAMPLES, work / "examples")
    write_dataset(work / "fdc-data", load_foods(), source="bundled SR28, for the README "
                  "test", writer="planner.food.fetch")
    return work


def run_in(workdir: Path, argv: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=workdir, env=SAMPLE.clean_env(workdir / "home"),
                          input=stdin, capture_output=True, text=True, timeout=600)


def _profile_saved(home: Path) -> bool:
    return (home / ".config" / "planner" / "profile.toml").exists()


#: Commands that leave something a later README command reads (a saved profile, the log,
#: a saved week).
STATEFUL: Final = ("planner profile init", "planner log add",
                   "planner week --days 3 --format json -o week.json")
_RAN: dict[Path, set[str]] = {}


def _ran_here(workdir: Path) -> set[str]:
    return _RAN.setdefault(workdir, set())


def _replay_before(workdir: Path, command: str) -> None:
    """Run the README's earlier commands that leave state a later one reads, where this
    folder has not run them (a test worker, or a module fixture made afresh, may start
    in the middle of the README)."""
    ran = _ran_here(workdir)
    for earlier, _ in COMMANDS[:[c for c, _ in COMMANDS].index(command)]:
        if earlier.startswith(STATEFUL) and earlier not in ran:
            run_in(workdir, SAMPLE.command_argv(earlier), STDIN.get(earlier, ""))
            ran.add(earlier)


@pytest.mark.parametrize(("command", "code"), COMMANDS, ids=[c for c, _ in COMMANDS])
def test_readme_command_runs(workdir: Path, command: str, code: int) -> None:
    if command in SKIP:
        pytest.skip(SKIP[command])
    _replay_before(workdir, command)
    argv = SAMPLE.command_argv(command)
    fresh = not _profile_saved(workdir / "home")
    result = run_in(workdir, argv, STDIN.get(command, ""))
    _ran_here(workdir).add(command)
    if fresh:
        RAN[tuple(argv[1:])] = result
    assert result.returncode == code, (
        f"{command!r} exited {result.returncode}, the README says {code}: "
        f"{result.stderr.strip()[-600:]}")
    assert "Traceback" not in result.stderr
    if code == 0:
        assert result.stdout or "wrote" in result.stderr, "printed nothing"
    # following the README never logs a meal twice (the note would say so)
    assert "logged before for the same meal" not in result.stderr


def test_the_examples_are_real_files_the_readme_names() -> None:
    """The README points at examples/ and shows no file to copy by hand (a block whose
    '# file: NAME' line, copied with it, broke the CSV); every example is named, and
    every examples/ path the README names is there."""
    assert not re.search(r"^\s*# file:", TEXT, re.M)
    named = set(re.findall(r"examples/([\w.-]+)", TEXT))
    present = {p.name for p in EXAMPLES.iterdir()}
    assert named == present, (named ^ present)


def test_readme_python_snippet_runs(workdir: Path) -> None:
    snippets = [body for language, body in code_blocks(TEXT) if language == "python"]
    assert snippets, "README.md has no Python snippet"
    for snippet in snippets:
        result = run_in(workdir, [sys.executable, "-c", snippet])
        assert result.returncode == 0, result.stderr[-800:]
        assert "breakfast" in result.stdout


def test_readme_sample_week_is_what_its_command_prints(tmp_path: Path) -> None:
    """Fails after a change to the week's output until ``python scripts/readme_sample.py``
    rewrites the README's block. The quick start plans the same week in a fresh home:
    its output is used when that test ran first."""
    _, _, command, expected = SAMPLE.sample_block(TEXT)
    assert is_planner(command)
    ran = RAN.get(tuple(SAMPLE.command_argv(command)[1:]))
    printed = ran.stdout if ran is not None and ran.returncode == 0 else \
        SAMPLE.run(command, tmp_path, SAMPLE.clean_env(tmp_path))
    assert SAMPLE.normalise(printed) == SAMPLE.normalise(expected), (
        "README.md's sample week is out of date: run python scripts/readme_sample.py")


def test_advice_without_a_person_ends_with_a_command_that_runs(tmp_path: Path) -> None:
    def planner(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "planner", *args], cwd=tmp_path,
                              env=SAMPLE.clean_env(tmp_path), capture_output=True,
                              text=True, timeout=600, stdin=subprocess.DEVNULL)

    result = planner("advice", "--no-weakness", "--no-wasting", "--no-swallowing",
                     "--no-spreading", "--no-persistent", "--no-input")
    assert result.returncode == 0, result.stderr
    # a long command wraps with a backslash; its comment goes on in comment lines
    joined = re.sub(r"\n\s+# ", " ", result.stdout.replace("\\\n", " "))
    weeks = [" ".join(line.strip().removeprefix("- ").split()) for line in joined.splitlines()
             if line.strip().startswith("- planner week")]
    assert weeks and "SEX" not in weeks[0] and "YEARS" not in weeks[0]
    assert "give your own sex and age" in weeks[0]  # it says whose plan it is
    ran = planner(*shlex.split(weeks[0], comments=True)[1:])
    assert ran.returncode == 0, ran.stderr[-400:]
    assert ran.stdout.startswith("Meal plan for a 35-year-old female")


def test_every_code_block_fits_an_80_column_terminal() -> None:
    """A newcomer reads the README's commands in a terminal: no line of a code block (the
    commands, the Python snippet, the sample week) runs past 80 columns."""
    wide = [(len(line), line) for _, body in code_blocks(TEXT) for line in body.splitlines()
            if len(line) > 80]
    assert wide == []
