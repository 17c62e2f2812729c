"""The command line: parse options, make one library call, render, map errors to exit codes.

Exit codes: 0 success, 1 bad input or data (any :class:`PlannerError`), 2 usage error,
3 infeasible plan. Every error is one line on stderr; ``_Commands.main`` is the only
place that turns an exception into that line.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from planner.data import DATA_ENV, coverage, load_foods
from planner.errors import PlannerError


class _Commands(typer.core.TyperGroup):
    """The one place an exception becomes a line on stderr and an exit code."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args,
                                **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, windows_expand_args,
                                  **extra)
        except PlannerError as exc:
            _fail(str(exc), exc.exit_code)
        except typer.TyperException as exc:  # usage errors (exit 2) and file errors
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            _fail((exc.format_message().splitlines() or ["invalid usage"])[0] + hint,
                  exc.exit_code)
        except typer.Abort:
            _fail("aborted", 1)
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    sys.exit(code)


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True,
                  pretty_exceptions_enable=False,
                  help="Mineral-rich foods and weekly meal plans that meet the Dietary "
                       "Reference Intakes. General nutrition information, not medical advice.")

DataOption = Annotated[Path | None, typer.Option("--data", envvar=DATA_ENV,
                       help="Data directory to use instead of the bundled SR28 tables.")]


@app.command()
def data(data_dir: DataOption = None) -> None:
    """Summarise the food data: foods, portions and nutrient coverage.

    Example: planner data --data ./fdc-data
    """
    table = load_foods(data_dir)
    typer.echo(f"{table.origin}: {len(table.foods):,} foods, {len(table.portions):,} portions")
    for row in coverage(table.foods).itertuples(index=False):
        typer.echo(f"  {row.nutrient:<18} {row.known:>6,} known  {row.percent:5.1f} %")


@app.callback()
def _root() -> None:
    """Mineral-rich foods and weekly meal plans that meet the Dietary Reference Intakes."""


def main() -> None:
    """Console-script entry point."""
    app(prog_name="planner")
