"""The console-script entry point, kept free of heavy imports.

Importing the command line pulls in pandas, NumPy and PuLP, which takes a noticeable
moment; Ctrl-C during that moment must print one line, not a traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, Final

#: When the process started (``time.monotonic()``): ``planner fetch --deadline`` counts
#: the whole command, start-up included.
STARTED: Final = time.monotonic()
#: Seconds after a Ctrl-C that nobody acted on before the process ends anyway.
WATCHDOG_S: Final = 3.0
_watching = [True]  # off once a command unwinds a Ctrl-C itself (batch saves its parts)
_pressed = [False]
_mid_line = [False]  # a prompt waits on the terminal: the cursor is after its text
_live_line = [False]  # a progress line is drawn on the terminal (the cursor hidden)


def main() -> None:
    """Run the ``planner`` command line."""
    with contextlib.suppress(ValueError):  # not the main thread: Python's own handler
        signal.signal(signal.SIGINT, _on_ctrl_c)
    sys.unraisablehook = _unraisable
    try:
        try:
            from planner.cli import main as run

            run()
        finally:  # the command is done (its exit code set): a Ctrl-C while Python shuts
            # down would end the process by SIGINT with no line. While threads are joined
            # it says the one line and exits 130; from the exit handlers on (Python puts
            # back the default, deadly, handler after them) it is ignored: all is done
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGINT, _late_ctrl_c)
                atexit.register(signal.signal, signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:  # before the command line's own handler is in place (while
        # Typer builds the commands) or after it: the same one line
        interrupted()
    except SystemExit as done:
        # a Ctrl-C that a library swallowed (while help was drawn, say): the process still
        # ends as interrupted, with one line; a command that stops on Ctrl-C itself (exit
        # 130, batch) has said its line, and ends normally: its workers' semaphores and
        # files are released by the exit handlers
        if _pressed[0] and done.code != 130:
            interrupted()
        raise
    if _pressed[0]:
        interrupted()


def _late_ctrl_c(number: int, frame: Any) -> None:
    interrupted()


def interrupted() -> None:
    """Say "error: interrupted" and exit 130 at once. ``os._exit``, not ``sys.exit``:
    under ``python -m``, a Ctrl-C that landed inside code run from a string (the standard
    library's namedtuple does that while modules load) makes CPython end the process by
    SIGINT after the exit code was set, whatever the code caught (Py_RunMain's unhandled
    KeyboardInterrupt flag). Everything planner writes is already closed or removed by
    then (writes are atomic, temporary files go in ``finally``)."""
    import os

    # after a prompt's "^C", a line of its own; over a progress line that nobody cleared
    # (the watchdog ends the process from another thread), the line cleared and the
    # cursor shown again
    start = "\n" if _mid_line[0] else "\r\x1b[2K\x1b[?25h" if _live_line[0] else ""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(start + "error: interrupted\n")
        sys.stderr.flush()
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    os._exit(130)


@contextlib.contextmanager
def prompting() -> Iterator[None]:
    """While a prompt waits for a line at the terminal: a Ctrl-C then says its one line
    below the prompt, not after the "^C" the terminal echoed on the prompt's line."""
    _mid_line[0] = True
    try:
        yield
    except KeyboardInterrupt:  # the line stays open until interrupted() ends it
        raise
    except BaseException:
        _mid_line[0] = False
        raise
    _mid_line[0] = False


def showing_live_line(shown: bool) -> None:
    """Whether a progress line is drawn on the terminal now (see :func:`interrupted`)."""
    _live_line[0] = shown


def _on_ctrl_c(number: int, frame: Any) -> None:
    """Raise KeyboardInterrupt, as Python does, and watch that it is acted on. Some
    libraries import optional parts under a bare ``except:`` (PuLP's solver modules, a
    pandas extension module), which swallows a Ctrl-C landing during start-up: `planner
    week` then planned the whole week (1 press in 6 at 0.3-0.6 s). If the process is still
    running WATCHDOG_S later, it ends as an unswallowed Ctrl-C would; commands check
    sooner with :func:`raise_if_pressed`."""
    _pressed[0] = True
    if _watching[0]:
        threading.Thread(target=_watch, name="ctrl-c watchdog", daemon=True).start()
    raise KeyboardInterrupt


def _unraisable(info: Any, report: Any = sys.unraisablehook) -> None:
    """A Ctrl-C landing in a callback Python cannot raise from (the import system's
    module-lock weakref callback) would print "Exception ignored in" with a traceback;
    it is counted as pressed instead (the checkpoints and the watchdog act on it)."""
    if isinstance(info.exc_value, KeyboardInterrupt):
        return
    report(info)


def raise_if_pressed() -> None:
    """A checkpoint where work starts (and at each planned day): a Ctrl-C that a library
    swallowed is raised again here, before anything more is printed."""
    if _pressed[0]:
        raise KeyboardInterrupt


def _watch() -> None:
    time.sleep(WATCHDOG_S)
    if _watching[0]:
        interrupted()


def unwinding_itself() -> None:
    """Called by a command that handles Ctrl-C itself and may take longer than
    WATCHDOG_S to stop cleanly (batch ends its workers and keeps the finished parts)."""
    _watching[0] = False
