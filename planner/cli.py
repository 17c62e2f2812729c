"""The command line: parse options, make one library call, render, map errors to exit codes.

Exit codes: 0 success, 1 bad input or data (any :class:`PlannerError`), 2 usage error,
3 infeasible plan. Every error is one line on stderr; ``_Commands.main`` is the only
place that turns an exception into that line.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from planner.data import DATA_ENV, coverage, load_foods
from planner.diet import read_foods_csv, read_targets_csv, solve_table
from planner.errors import PlannerError
from planner.model import DEFAULT_TIME_LIMIT, SolverOptions
from planner.profile import Settings, resolve_settings
from planner.report import format_solve, format_targets
from planner.targets import compute_targets


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

class TableOrJson(StrEnum):
    table = "table"
    json = "json"


ProfileFile = Annotated[Path | None, typer.Option(
    "--profile", help="Profile TOML file (default: the one saved by 'planner profile init').",
    dir_okay=False, rich_help_panel="Profile")]
SexOpt = Annotated[str | None, typer.Option(help="female or male.", rich_help_panel="Profile")]
AgeOpt = Annotated[int | None, typer.Option(help="Age in years (9 or over).",
                                            rich_help_panel="Profile")]
StageOpt = Annotated[str | None, typer.Option(
    "--life-stage", help="general, pregnancy or lactation (the last two: females 14-50).",
    rich_help_panel="Profile")]
WeightOpt = Annotated[float | None, typer.Option("--weight", help="Body weight in kg.",
                                                 rich_help_panel="Profile")]
HeightOpt = Annotated[float | None, typer.Option("--height", help="Height in cm.",
                                                 rich_help_panel="Profile")]
ActivityOpt = Annotated[str | None, typer.Option(
    help="sedentary, low, active or very_active (default low).", rich_help_panel="Profile")]
TargetOpt = Annotated[list[str] | None, typer.Option(
    "--target", help="Change a target: NAME=MIN, NAME.max=VALUE or NAME.max=none "
    "(repeatable), e.g. magnesium_mg=400.", rich_help_panel="Profile")]


def _settings(sex: str | None, age: int | None, life_stage: str | None, weight: float | None,
              height: float | None, activity: str | None, profile_file: Path | None,
              target: list[str] | None, **plan: Any) -> Settings:
    flags = {"sex": sex, "age": age, "life_stage": life_stage, "weight_kg": weight,
             "height_cm": height, "activity": activity, **plan}
    return resolve_settings(flags, profile_file=profile_file, saved_file=saved_profile_path(),
                            targets=target or ())


def saved_profile_path() -> Path:
    """Where 'planner profile init' saves the default profile (the user's config dir)."""
    return Path(typer.get_app_dir("planner")) / "profile.toml"


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


@app.command()
def targets(sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
            weight: WeightOpt = None, height: HeightOpt = None, activity: ActivityOpt = None,
            profile: ProfileFile = None, target: TargetOpt = None,
            fmt: Annotated[TableOrJson, typer.Option("--format", help="table or json.")] =
            TableOrJson.table,
            ) -> None:
    """Show your daily nutrient targets from the Dietary Reference Intakes.

    Example: planner targets --sex female --age 52 --target magnesium_mg=400
    """
    settings = _settings(sex, age, life_stage, weight, height, activity, profile, target)
    typer.echo(format_targets(compute_targets(settings.profile, settings.overrides),
                              fmt.value), nl=False)


class Objective(StrEnum):
    cost = "cost"
    energy = "energy"


@app.command()
def solve(
    foods: Annotated[Path, typer.Option(help="FOODS.csv: id, name, optional price and "
                                        "max_units, nutrient columns per unit.")],
    targets_file: Annotated[Path, typer.Option("--targets", help="TARGETS.csv: "
                                               "nutrient,min,max.")],
    objective: Annotated[Objective, typer.Option(help="Minimise total price or energy.")] =
    Objective.cost,
    continuous: Annotated[bool, typer.Option(help="Allow fractional units.")] = False,
    fmt: Annotated[TableOrJson, typer.Option("--format", help="table or json.")] =
    TableOrJson.table,
    time_limit: Annotated[float, typer.Option(help="Solver time limit, seconds.")] =
    DEFAULT_TIME_LIMIT,
) -> None:
    """Solve the classic diet problem over your own food table.

    Example: planner solve --foods foods.csv --targets targets.csv --objective cost
    """
    result = solve_table(read_foods_csv(foods), read_targets_csv(targets_file),
                         objective=objective.value, continuous=continuous,
                         options=SolverOptions(time_limit=time_limit))
    typer.echo(format_solve(result, fmt.value), nl=False)


@app.callback()
def _root() -> None:
    """Mineral-rich foods and weekly meal plans that meet the Dietary Reference Intakes."""


def main() -> None:
    """Console-script entry point."""
    app(prog_name="planner")
