"""The package layout says what it is: every folder's ``__init__`` docstring names what it
may import, and its modules import nothing else of planner (read from the source, so a
lazy import inside a function or under ``TYPE_CHECKING`` counts too)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "planner"
FOLDERS = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))


def _imports(path: Path) -> set[str]:
    """The planner modules a source file imports, as dotted names."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("planner")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.startswith("planner"):
            out.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:  # a relative import
            package = path.parent.relative_to(PACKAGE.parent).parts
            base = ".".join(package[:len(package) - node.level + 1])
            out.add(f"{base}.{node.module}" if node.module else base)
    return out


def _allowed(folder: str) -> tuple[set[str], bool]:
    """(the modules the folder's docstring names, whether they are the exceptions)."""
    doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text())) or ""
    match = re.search(r"May import(.*?)(?:Never|\Z)", doc, re.S)
    assert match, f"planner/{folder}/__init__.py does not say what it may import"
    named = set(re.findall(r":mod:`(planner[\w.]*)`", match.group(1)))
    return named, "anything in planner except" in " ".join(match.group(1).split())


def _within(name: str, prefixes: set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_every_folder_says_what_it_owns_and_may_import() -> None:
    assert {"food", "person", "meals", "planning", "log", "output"} <= set(FOLDERS)
    for folder in FOLDERS:
        named, _ = _allowed(folder)
        assert named, folder


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_folder_imports_only_what_its_docstring_allows(folder: str) -> None:
    named, excepted = _allowed(folder)
    own = f"planner.{folder}"
    wrong = []
    for path in sorted((PACKAGE / folder).glob("*.py")):
        for name in sorted(_imports(path)):
            if _within(name, {own}) or name == "planner":
                continue
            ok = not _within(name, named) if excepted else _within(name, named)
            if not ok:
                wrong.append(f"{path.name} imports {name}")
    assert wrong == []


def test_the_plan_records_notes_diagnosis_and_checker_never_import_the_planner() -> None:
    """plan.py imports them; they import records.py, so there is no circle."""
    for name in ("records", "notes", "diagnosis", "verify"):
        imported = _imports(PACKAGE / "planning" / f"{name}.py")
        assert "planner.planning.plan" not in imported, name
        assert not _within("planner.planning.batch", imported), name
    week = _imports(PACKAGE / "planning" / "records.py")
    assert {n for n in week if n.startswith("planner.planning.")} <= {
        "planner.planning.model", "planner.planning.options"}


def test_the_checker_is_independent_of_the_solver() -> None:
    """verify.py reads the foods, grams, tables and rules: no model, no PuLP, no HiGHS."""
    source = (PACKAGE / "planning" / "verify.py").read_text()
    imported = _imports(PACKAGE / "planning" / "verify.py")
    assert not _within("planner.planning.model", imported)
    assert not re.search(r"^\s*(import|from)\s+(pulp|highspy)\b", source, re.M)


def test_the_readme_layout_names_every_module() -> None:
    """The README's Layout section lists every module, so a newcomer finds each one."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Layout"):]
    section = section[:section.index("\n## ")]
    modules = {p.name for p in PACKAGE.rglob("*.py") if p.name != "__init__.py"}
    assert sorted(m for m in modules if f"`{m}`" not in section) == []
    folders = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert sorted(f for f in folders if f"`{f}/`" not in section) == []
    assert max(len(line) for line in section.splitlines()) <= 80
