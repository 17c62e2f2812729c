"""Tab completion: option values complete, odd completion variables give nothing (exit 0),
and installing completion writes a script into the shell's folder and changes a start-up
file only by an atomic write of the whole file, refusing what is not a regular UTF-8 file
and leaving the file whole when the write fails (a full disk)."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from planner.completion import SHELLS, add_lines, install, plan, script
from planner.errors import OutputError

PLANNER = [sys.executable, "-m", "planner"]


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PLANNER_", "XDG_", "COMP_", "_PLANNER", "BASH_COMPLETION"))}
    env.update(HOME=str(home), COLUMNS="80", **extra)
    return env


def _complete(words: str, cword: str | None, home: Path) -> subprocess.CompletedProcess[str]:
    env = _env(home, _PLANNER_COMPLETE="complete_bash")
    if words is not None:
        env["COMP_WORDS"] = words
    if cword is not None:
        env["COMP_CWORD"] = cword
    return subprocess.run(PLANNER, env=env, capture_output=True, text=True, timeout=60)


# ------------------------------------------------------------------ what completes

@pytest.mark.parametrize(("line", "expected"), [
    ("planner week --diet ", ["omnivore", "pescatarian", "vegetarian", "vegan"]),
    ("planner week --diet ve", ["vegetarian", "vegan"]),
    ("planner targets --life-stage ", ["general", "pregnancy", "lactation"]),
    ("planner day --activity ", ["sedentary", "low", "active", "very_active"]),
    ("planner week --condition ", ["ckd", "kidney_stones"]),
    ("planner week --medicine a", ["ace_inhibitor", "arb"]),
    ("planner week --format ", ["table", "markdown", "json", "csv", "html"]),
    ("planner foods --rich-in magn", ["magnesium", "magnesium_mg"]),
    ("planner we", ["week"]),
])
def test_option_values_complete(tmp_path: Path, line: str, expected: list[str]) -> None:
    words = line.split(" ")
    result = _complete(line, str(len(words) - 1), tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected


@pytest.mark.parametrize(("words", "cword"), [
    ("planner week --di", "abc"), ("planner week --di", "-7"), ("planner week", "99"),
    (None, "2"), ("planner week", None), (None, None), ("planner 'week", "1"),
])
def test_odd_completion_variables_give_nothing_and_exit_0(tmp_path: Path, words: str | None,
                                                         cword: str | None) -> None:
    result = _complete(words, cword, tmp_path)  # type: ignore[arg-type]
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in ("", "week") and result.stderr == ""


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_runs_the_installed_script_and_gets_the_diets(tmp_path: Path) -> None:
    """The script as bash sources it: TAB after --diet offers the diets, not file names."""
    done = install("bash", tmp_path, environ={}, bash_completion=True)
    target = plan("bash", tmp_path, environ={}, bash_completion=True).script
    assert done == [f"wrote {target}"]
    shim = tmp_path / "bin" / "planner"
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m planner \"$@\"\n")
    shim.chmod(0o755)
    line = ('source "$1"; COMP_WORDS=(planner week --diet ""); COMP_CWORD=3; '
            '_planner_completion planner; printf "%s\\n" "${COMPREPLY[@]}"')
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", line, "bash", str(target)],
                            env=_env(tmp_path, PATH=f"{shim.parent}:{os.environ['PATH']}"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["omnivore", "pescatarian", "vegetarian", "vegan"]


# ------------------------------------------------------------------ installing

def test_each_shell_gets_its_script_in_its_own_folder(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    bash = plan("bash", tmp_path, env, bash_completion=True)
    assert bash.script == tmp_path / "data" / "bash-completion" / "completions" / "planner"
    assert bash.rc is None  # bash-completion loads it: no start-up file is touched
    assert plan("bash", tmp_path, {"BASH_COMPLETION_USER_DIR": str(tmp_path / "b")},
                bash_completion=True).script == tmp_path / "b" / "completions" / "planner"
    without = plan("bash", tmp_path, env, bash_completion=False)
    assert without.rc == tmp_path / ".bashrc"
    assert without.rc_lines == (f"source {bash.script}",)
    zsh = plan("zsh", tmp_path, env)
    assert zsh.script == tmp_path / ".zfunc" / "_planner" and zsh.rc == tmp_path / ".zshrc"
    fish = plan("fish", tmp_path, env)
    assert fish.script == tmp_path / "cfg" / "fish" / "completions" / "planner.fish"
    assert fish.rc is None
    for shell in SHELLS:
        assert "_PLANNER_COMPLETE=complete_" + shell in script(shell)
    assert script("zsh").startswith("#compdef planner\n")


def test_install_appends_to_a_long_bashrc_atomically_keeping_every_byte(
        tmp_path: Path) -> None:
    rc = tmp_path / ".bashrc"
    original = ("# a long start-up file\n" + "alias x{0}='echo {0}'\n" * 4000).format(
        "é").encode("utf-8") + b"export PS1='$ '"  # no newline at the end
    assert len(original) > 75_000
    rc.write_bytes(original)
    rc.chmod(0o640)
    done = install("bash", tmp_path, environ={}, bash_completion=False)
    target = plan("bash", tmp_path, environ={}, bash_completion=False).script
    assert done == [f"wrote {target}", f"added 'source {target}' to {rc}"]
    after = rc.read_bytes()
    assert after.startswith(original + b"\n")
    assert after.endswith(f"\n# tab completion for planner\nsource {target}\n".encode())
    assert stat.S_IMODE(rc.stat().st_mode) == 0o640
    assert target.read_text() == script("bash")
    again = install("bash", tmp_path, environ={}, bash_completion=False)
    assert again[-1] == f"{rc} already loads it" and rc.read_bytes() == after
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bashrc", ".local"]  # no temp


def test_a_symlinked_start_up_file_is_changed_where_it_lives(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "zshrc"
    real.parent.mkdir()
    real.write_text("setopt autocd\n")
    (tmp_path / ".zshrc").symlink_to(real)
    install("zsh", tmp_path, environ={})
    assert (tmp_path / ".zshrc").is_symlink()
    assert real.read_text() == ("setopt autocd\n\n# tab completion for planner\n"
                                "fpath+=~/.zfunc\nautoload -Uz compinit && compinit\n")


@pytest.mark.parametrize("kind", ["fifo", "folder", "latin-1"])
def test_a_start_up_file_that_is_not_regular_utf8_text_is_refused_and_left(
        tmp_path: Path, kind: str) -> None:
    rc = tmp_path / ".bashrc"
    if kind == "fifo":
        os.mkfifo(rc)
    elif kind == "folder":
        rc.mkdir()
    else:
        rc.write_bytes("export NAME='Jos\xe9'\n".encode("latin-1"))
    before = rc.read_bytes() if kind == "latin-1" else None
    result = subprocess.run([*PLANNER, "--install-completion"], capture_output=True,
                            text=True, timeout=60, stdin=subprocess.DEVNULL,
                            env=_env(tmp_path, SHELL="/bin/bash",
                                     BASH_COMPLETION_USER_DIR=str(tmp_path / "bc")))
    if shutil.which("bash") and any(Path(p).is_file() for p in (
            "/usr/share/bash-completion/bash_completion", "/etc/bash_completion")):
        pytest.skip("bash-completion is installed here: no start-up file is changed")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {rc}: ")
    assert {"fifo": "not a regular file", "folder": "is a folder",
            "latin-1": "not UTF-8 text (byte 16)"}[kind] in result.stderr
    assert "Traceback" not in result.stderr
    if kind == "fifo":
        assert stat.S_ISFIFO(os.stat(rc).st_mode)
    elif kind == "folder":
        assert rc.is_dir() and not any(rc.iterdir())
    else:
        assert rc.read_bytes() == before


def test_a_failed_write_leaves_the_start_up_file_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rc = tmp_path / ".zshrc"
    rc.write_text("export A=1\n" * 7000)
    before = rc.read_bytes()

    def full(target: Path, data: bytes, mode: int | None = None) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr("planner.completion.atomic_write_bytes", full)
    with pytest.raises(OutputError, match=r"\.zshrc: cannot write \(No space left on "
                       r"device\); the file is as it was"):
        add_lines(rc, ("fpath+=~/.zfunc",))
    assert rc.read_bytes() == before


def test_a_file_size_limit_mid_write_leaves_the_start_up_file_whole(tmp_path: Path) -> None:
    """A real failed write: the process may write at most 64 KiB a file (RLIMIT_FSIZE, as
    a full disk would stop it), and the start-up file is 75 KB, so its new copy cannot be
    written. The old file stays byte for byte; the error is one line."""
    rc = tmp_path / ".zshrc"
    rc.write_text("# zsh settings\n" + "export PATH=$PATH:/opt/tool/bin\n" * 2400)
    before = rc.read_bytes()
    assert len(before) > 75_000

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    result = subprocess.run([*PLANNER, "--install-completion"], capture_output=True,
                            text=True, timeout=60, preexec_fn=limited,
                            stdin=subprocess.DEVNULL, env=_env(tmp_path, SHELL="/usr/bin/zsh"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == (f"error: {rc}: cannot write (File too large); the file is as "
                             "it was\n")
    assert rc.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".zfunc", ".zshrc"]  # no temp file
    assert (tmp_path / ".zfunc" / "_planner").read_text() == script("zsh")


def test_show_completion_prints_the_script_and_an_unknown_shell_is_one_line(
        tmp_path: Path) -> None:
    shown = subprocess.run([*PLANNER, "--show-completion"], capture_output=True, text=True,
                           timeout=60, env=_env(tmp_path, SHELL="/usr/local/bin/fish"))
    assert shown.returncode == 0 and shown.stdout == script("fish")
    odd = subprocess.run([*PLANNER, "--install-completion"], capture_output=True, text=True,
                         timeout=60, env=_env(tmp_path, SHELL="/bin/tcsh"))
    assert odd.returncode == 1 and odd.stderr.count("\n") == 1
    assert odd.stderr.startswith("error: completion: 'tcsh' is not bash, zsh or fish")
    assert list(tmp_path.iterdir()) == []  # nothing written
