"""Tab completion: the script each shell runs, where it looks for it, and installing it
without putting a byte of the user's start-up file at risk.

The scripts ask ``planner`` itself for the words that fit (``_PLANNER_COMPLETE``, the
protocol of Typer's completion classes: ``COMP_WORDS`` and ``COMP_CWORD`` for bash,
``_TYPER_COMPLETE_ARGS`` for zsh and fish). :func:`install` writes the script into the
folder where the shell looks for completions:

- bash: bash-completion's user folder (``$BASH_COMPLETION_USER_DIR``, else
  ``$XDG_DATA_HOME/bash-completion``)``/completions/planner``, which bash-completion
  loads when ``planner`` is first completed; where bash-completion is not installed, a
  ``source`` line for it goes in ``~/.bashrc``;
- zsh: ``~/.zfunc/_planner``, with ``fpath+=~/.zfunc`` and ``compinit`` added to
  ``~/.zshrc`` unless it says so already;
- fish: ``$XDG_CONFIG_HOME/fish/completions/planner.fish`` (fish loads it; no start-up
  file is changed).

A start-up file is changed only when a line is missing, and only by an atomic write of
the whole file (a temporary file beside it, renamed over it, its permissions kept), after
checking that it is a regular file of UTF-8 text: a named pipe, a folder, a device or a
file that is not UTF-8 is refused in one line and left as it is. A symbolic link is
followed and the file it points to is replaced, never the link. A failed write (a full
disk) leaves the old file whole. The script is written first, so a start-up file never
sources a script that is not there.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from planner.errors import OutputError
from planner.files import MIB, atomic_write_bytes

#: The shells planner writes a completion script for.
SHELLS: Final = ("bash", "zsh", "fish")
#: The environment variable the scripts set to ask planner for completions.
COMPLETE_VAR: Final = "_PLANNER_COMPLETE"
#: A start-up file larger than this is not read (it is not a start-up file).
RC_CAP: Final = 4 * MIB
#: System files whose presence says bash-completion is installed (it then loads the
#: user folder's scripts on demand).
BASH_COMPLETION_SCRIPTS: Final = ("/usr/share/bash-completion/bash_completion",
                                  "/etc/bash_completion",
                                  "/usr/local/share/bash-completion/bash_completion",
                                  "/opt/homebrew/etc/profile.d/bash_completion.sh")

_BASH: Final = """\
# bash completion for planner (written by 'planner --install-completion')
_planner_completion() {
    local IFS=$'\\n'
    COMPREPLY=( $( env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD="$COMP_CWORD" \\
                   _PLANNER_COMPLETE=complete_bash "$1" 2>/dev/null ) )
    return 0
}
complete -o default -F _planner_completion planner
"""
_ZSH: Final = """\
#compdef planner
# zsh completion for planner (written by 'planner --install-completion')
eval "$(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" _PLANNER_COMPLETE=complete_zsh \\
    planner 2>/dev/null)"
"""
_FISH: Final = """\
# fish completion for planner (written by 'planner --install-completion')
complete --command planner --no-files --arguments "(env _PLANNER_COMPLETE=complete_fish \
_TYPER_COMPLETE_FISH_ACTION=get-args _TYPER_COMPLETE_ARGS=(commandline -cp) planner)" \
--condition "env _PLANNER_COMPLETE=complete_fish _TYPER_COMPLETE_FISH_ACTION=is-args \
_TYPER_COMPLETE_ARGS=(commandline -cp) planner"
"""
_SCRIPTS: Final = {"bash": _BASH, "zsh": _ZSH, "fish": _FISH}


def script(shell: str) -> str:
    """The completion script for ``shell`` (one of :data:`SHELLS`)."""
    return _SCRIPTS[check_shell(shell)]


def check_shell(shell: str) -> str:
    """``shell`` if planner completes in it; :class:`OutputError` otherwise."""
    if shell not in SHELLS:
        raise OutputError(f"completion: {shell or 'this shell'!r} is not bash, zsh or fish; "
                          "run 'SHELL=bash planner --show-completion' (or zsh, fish) for "
                          "a script to adapt")
    return shell


def current_shell(environ: Mapping[str, str] = os.environ) -> str:
    """The user's shell, from ``$SHELL`` (``/usr/bin/zsh`` -> ``zsh``)."""
    return check_shell(Path(environ.get("SHELL", "")).name)


@dataclass(frozen=True)
class Plan:
    """Where :func:`install` puts a shell's completion: the script file, and the start-up
    file with the lines it needs (None: the shell loads the script by itself)."""

    shell: str
    script: Path
    rc: Path | None = None
    rc_lines: tuple[str, ...] = ()


def plan(shell: str, home: Path, environ: Mapping[str, str] = os.environ,
         bash_completion: bool | None = None) -> Plan:
    """Where ``shell``'s completion goes for the user whose home is ``home``.
    ``bash_completion``: whether bash-completion is installed (None: look for it)."""
    check_shell(shell)
    if shell == "bash":
        data = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
        folder = Path(environ.get("BASH_COMPLETION_USER_DIR") or data / "bash-completion")
        target = folder / "completions" / "planner"
        if bash_completion is None:
            bash_completion = any(Path(p).is_file() for p in BASH_COMPLETION_SCRIPTS)
        if bash_completion:
            return Plan(shell, target)
        return Plan(shell, target, home / ".bashrc", (f"source {_quoted(target)}",))
    if shell == "zsh":
        folder = home / ".zfunc"
        return Plan(shell, folder / "_planner", home / ".zshrc",
                    ("fpath+=~/.zfunc", "autoload -Uz compinit && compinit"))
    config = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    return Plan(shell, config / "fish" / "completions" / "planner.fish")


def install(shell: str, home: Path | None = None, environ: Mapping[str, str] = os.environ,
            bash_completion: bool | None = None) -> list[str]:
    """Install ``shell``'s completion (see the module docstring); return what was done, a
    line each. Raises :class:`OutputError` (one line) for anything that cannot be done;
    what was written before it stays, and a start-up file is never left half-written."""
    where = plan(shell, Path.home() if home is None else home, environ, bash_completion)
    try:
        where.script.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(where.script, script(shell).encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"{where.script}: cannot write the completion script "
                          f"({exc.strerror or exc})") from None
    done = [f"wrote {where.script}"]
    if where.rc is not None:
        if add_lines(where.rc, where.rc_lines):
            done.append(f"added {' and '.join(repr(x) for x in where.rc_lines)} to "
                        f"{where.rc}")
        else:
            done.append(f"{where.rc} already loads it")
    return done


def add_lines(path: Path, lines: tuple[str, ...]) -> bool:
    """Append the ``lines`` that ``path`` lacks (a start-up file), by an atomic write of the
    whole file; True if it changed. A missing file is created. Raises :class:`OutputError`
    for a file that is not a regular UTF-8 text file, and for any OS error, with the file
    as it was."""
    target = path.resolve() if path.is_symlink() else path
    try:
        before = os.stat(target)
    except FileNotFoundError:
        before = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot read ({exc.strerror or exc}); nothing "
                          "changed") from None
    text = ""
    if before is not None:
        if stat.S_ISDIR(before.st_mode):
            raise OutputError(f"{path}: is a folder, not a shell start-up file; nothing "
                              "changed")
        if not stat.S_ISREG(before.st_mode):
            raise OutputError(f"{path}: not a regular file (a named pipe, device or "
                              "socket); nothing changed: add the lines yourself: "
                              + "; ".join(lines))
        if before.st_size > RC_CAP:
            raise OutputError(f"{path}: larger than {RC_CAP // MIB} MiB; nothing changed: "
                              "add the lines yourself: " + "; ".join(lines))
        try:
            with open(target, "rb") as handle:
                data = handle.read(RC_CAP + 1)
        except OSError as exc:
            raise OutputError(f"{path}: cannot read ({exc.strerror or exc}); nothing "
                              "changed") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise OutputError(f"{path}: not UTF-8 text (byte {exc.start}); nothing "
                              "changed: add the lines yourself: " + "; ".join(lines)
                              ) from None
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in have]
    if not missing:
        return False
    block = "\n# tab completion for planner\n" + "\n".join(missing) + "\n"
    new = text + ("\n" if text and not text.endswith("\n") else "") + block
    try:
        if before is not None:
            now = os.stat(target)
            if (now.st_ino, now.st_size, now.st_mtime_ns) != \
                    (before.st_ino, before.st_size, before.st_mtime_ns):
                raise OutputError(f"{path}: changed while planner read it; nothing "
                                  "changed: run the command again")
        atomic_write_bytes(target, new.encode("utf-8"),
                           mode=None if before is None else stat.S_IMODE(before.st_mode))
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc}); the file is as "
                          "it was") from None
    return True


def _quoted(path: Path) -> str:
    """``path`` for a shell line, in single quotes when it needs them."""
    text = str(path)
    if all(c.isalnum() or c in "/._-~+" for c in text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"
