#!/usr/bin/env python3
"""Rewrite README.md's sample week from the command it names.

The block under "### A sample week" starts with ``$ COMMAND``; the rest of it is what
COMMAND prints. This script runs COMMAND (``planner`` as ``python -m planner``) the way
tests/test_readme.py does: an 80-column terminal, a fresh home (no saved profile), the
bundled data. Then it writes the block back, or with ``--check`` only says whether it is
current (exit 1 if not).

Usage: python scripts/readme_sample.py [--check]
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
HEADING = "### A sample week"
#: Parts of the output that change from run to run, and what both sides become.
VOLATILE = ((re.compile(r"\bin \d+(?:\.\d+)? s\b"), "in N s"),)


def sample_block(text: str) -> tuple[int, int, str, str]:
    """(start, end) offsets of the sample block's body in ``text``, its command and its
    expected output."""
    section = text.index(HEADING)
    start = text.index("```text\n", section) + len("```text\n")
    end = text.index("```", start)
    body = text[start:end]
    first, _, rest = body.partition("\n")
    if not first.startswith("$ "):
        raise ValueError(f"README.md: the block under {HEADING!r} must start with '$ command'")
    return start, end, first[2:].strip(), rest


def command_argv(command: str) -> list[str]:
    """The command as a process runs it: ``planner ...`` becomes ``python -m planner``."""
    argv = shlex.split(command)
    if argv[:1] == ["planner"]:
        return [sys.executable, "-m", "planner", *argv[1:]]
    if argv[:3] == ["python", "-m", "planner"]:
        return [sys.executable, *argv[1:]]
    raise ValueError(f"README.md sample: {command!r} is not a planner command")


def clean_env(home: Path) -> dict[str, str]:
    """An environment with a fresh home and user folders, an 80-column terminal, and no
    planner settings from the caller's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PLANNER_", "XDG_", "FDC_")) and k not in ("HOME",)}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_CACHE_HOME=str(home / ".cache"), COLUMNS="80", LINES="40",
               TERM="dumb", NO_COLOR="1")
    return env


def run(command: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(command_argv(command), cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=600, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise SystemExit(f"error: {command} exited {result.returncode}: "
                         f"{result.stderr.strip()[-300:]}")
    return result.stdout


def normalise(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only check that the block is current (exit 1 if not)")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    start, end, command, expected = sample_block(text)
    with tempfile.TemporaryDirectory() as home:
        printed = run(command, Path(home), clean_env(Path(home)))
    if args.check:
        same = normalise(printed) == normalise(expected)
        print("README sample is current" if same else "README sample is out of date: run "
              "python scripts/readme_sample.py")
        return 0 if same else 1
    body = f"$ {command}\n" + "\n".join(line.rstrip() for line in printed.splitlines()) + "\n"
    new = text[:start] + body + text[end:]
    if new != text:
        README.write_text(new, encoding="utf-8")
        print(f"rewrote the sample week in {README} ({len(printed.splitlines())} lines)")
    else:
        print("README sample is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
