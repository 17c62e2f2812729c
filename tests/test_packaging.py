"""Packaging basics: the version, shell completion, the typed marker, the distribution
name, the console script, and what the sdist and the wheel carry (built offline here)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import planner

ROOT = Path(__file__).resolve().parent.parent


def planner_cli(*args: str, env: dict[str, str] | None = None
                ) -> subprocess.CompletedProcess[str]:
    # Typer's own test switches (set by an earlier CliRunner) would turn detection off
    base = {k: v for k, v in os.environ.items() if not k.startswith("_TYPER")}
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                          text=True, timeout=120, env={**base, **(env or {})})


def test_version_is_one_number_in_one_place() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "planner/__init__.py"
    result = planner_cli("--version")
    assert result.returncode == 0
    assert result.stdout == f"planner {planner.__version__}\n"
    assert planner.__version__.count(".") == 2


def test_distribution_name_is_free_of_the_taken_planner() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "mineral-planner"
    assert project["scripts"] == {"planner": "planner.entry:main"}
    assert any(d.startswith("platformdirs") for d in project["dependencies"])
    extras = project["optional-dependencies"]
    assert "mineral-planner[cluster,cbc]" in extras["test"] and any(
        d.startswith("pypdf") for d in extras["test"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install mineral-planner" in readme and "pip install -e ." in readme


def test_typed_marker_ships_in_the_package() -> None:
    assert (ROOT / "planner" / "py.typed").is_file()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["planner"]


def test_shell_completion_script_and_answers() -> None:
    # as a person runs it: from a shell (Typer finds the shell among the process's
    # ancestors, so a test run detached from any shell would see none)
    base = {k: v for k, v in os.environ.items() if not k.startswith("_TYPER")}
    result = subprocess.run(["bash", "-c", '"$0" -m planner --show-completion; exit $?',
                             sys.executable], capture_output=True, text=True, timeout=120,
                            env={**base, "SHELL": "/bin/bash"})
    assert result.returncode == 0, result.stderr
    assert "complete " in result.stdout and "_PLANNER_COMPLETE" in result.stdout
    # the completion itself: the shell asks with COMP_WORDS; planner answers subcommands
    answer = planner_cli(env={"_PLANNER_COMPLETE": "complete_bash", "COMP_WORDS": "planner we",
                              "COMP_CWORD": "1"})
    assert answer.returncode == 0 and "week" in answer.stdout.split()
    options = planner_cli(env={"_PLANNER_COMPLETE": "complete_bash",
                               "COMP_WORDS": "planner solve --mip", "COMP_CWORD": "2"})
    assert "--mip-gap" in options.stdout.split()


def test_every_run_time_import_is_a_declared_dependency() -> None:
    # The test extras bring in more than a user installs (click came only through Dask, and
    # `planner` crashed on a fresh install): every third-party module the package imports
    # must belong to a distribution in the plain dependencies, except the optional extras'
    # own modules, which are imported lazily where the extra is used.
    import ast
    import importlib.metadata as md
    import re

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[\[<>=!~; ]", d, maxsplit=1)[0].lower().replace("_", "-")
                for d in project["dependencies"]}
    optional = {"dask": "cluster", "distributed": "cluster", "cbcbox": "cbc",
                "s3fs": "fsspec's own", "gcsfs": "fsspec's own", "adlfs": "fsspec's own"}
    owners = md.packages_distributions()
    stdlib = sys.stdlib_module_names
    missing: list[str] = []
    for path in sorted((ROOT / "planner").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0
                     and node.module else [])
            for name in names:
                top = name.split(".")[0]
                if top in stdlib or top == "planner" or top in optional:
                    continue
                dists = {d.lower().replace("_", "-") for d in owners.get(top, [top])}
                if not dists & declared:
                    missing.append(f"{path.relative_to(ROOT)}: {top}")
    assert not missing, missing
    assert not any(d.startswith("pulp[cbc]") for d in project["dependencies"])
    assert project["optional-dependencies"]["cbc"] == ["pulp[cbc]>=3.3"]


def _build(kind: str, out: Path) -> Path:
    """Build the ``sdist`` or ``wheel`` offline with the build backend itself (hatchling,
    as pip would call it); the file built."""
    result = subprocess.run(
        [sys.executable, "-c", f"import sys, hatchling.build as b; "
                               f"print(b.build_{kind}(sys.argv[1]))", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return out / result.stdout.strip().splitlines()[-1]


def test_the_source_release_carries_what_a_user_needs_and_no_ci_or_git_files(
        tmp_path: Path) -> None:
    import tarfile

    with tarfile.open(_build("sdist", tmp_path)) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    for needed in ("LICENSE", "README.md", "pyproject.toml", "planner/cli.py",
                   "planner/py.typed", "datasets/foods.csv.gz", "tests/test_readme.py",
                   "tests/data/solve_foods.csv", "scripts/readme_sample.py"):
        assert needed in names, needed
    assert {f"examples/{p.name}" for p in (ROOT / "examples").iterdir()} <= names
    assert not [n for n in names if n.startswith((".ci", ".git")) or "__pycache__" in n
                or n.endswith(".pyc")], "CI, git or cache files in the sdist"


def test_the_wheel_carries_the_license_and_the_metadata_of_a_published_project(
        tmp_path: Path) -> None:
    import email
    import zipfile

    with zipfile.ZipFile(_build("wheel", tmp_path)) as wheel:
        names = set(wheel.namelist())
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(wheel.read(f"{info}/METADATA"))
        license_text = wheel.read(f"{info}/licenses/LICENSE").decode()
    assert license_text == (ROOT / "LICENSE").read_text() and "MIT License" in license_text
    assert {"planner/py.typed", "planner/datasets/foods.csv.gz",
            "planner/meals/dishes.csv"} <= names
    assert not [n for n in names if n.startswith(("tests/", "examples/", "scripts/"))]
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Author"] or metadata["Author-email"]
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL"))
    assert {"Homepage", "Source", "Issues", "Documentation"} <= set(urls)
    classifiers = metadata.get_all("Classifier")
    assert "Environment :: Console" in classifiers and "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
