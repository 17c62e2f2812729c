"""The console-script entry point, kept free of heavy imports.

Importing the command line pulls in pandas, NumPy and PuLP, which takes a noticeable
moment; Ctrl-C during that moment must print one line, not a traceback.
"""

from __future__ import annotations

import contextlib
import sys


def main() -> None:
    """Run the ``planner`` command line."""
    try:
        from planner.cli import main as run

        run()
    except KeyboardInterrupt:  # before the command line's own handler is in place (while
        # Typer builds the commands) or after it: the same one line
        interrupted()


def interrupted() -> None:
    """Say "error: interrupted" and exit 130 at once. ``os._exit``, not ``sys.exit``:
    under ``python -m``, a Ctrl-C that landed inside code run from a string (the standard
    library's namedtuple does that while modules load) makes CPython end the process by
    SIGINT after the exit code was set, whatever the code caught (Py_RunMain's unhandled
    KeyboardInterrupt flag). Everything planner writes is already closed or removed by
    then (writes are atomic, temporary files go in ``finally``)."""
    import os

    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write("error: interrupted\n")
        sys.stderr.flush()
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    os._exit(130)
