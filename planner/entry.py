"""The console-script entry point, kept free of heavy imports.

Importing the command line pulls in pandas, NumPy and PuLP, which takes a noticeable
moment; Ctrl-C during that moment must print one line, not a traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the ``planner`` command line."""
    try:
        from planner.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)
    run()
