"""The command line: parse options, make one library call, render, map errors to exit codes.

Exit codes: 0 success, 1 bad input or data (any :class:`PlannerError`), 2 usage error,
3 infeasible plan. Every error is one line on stderr; ``_Commands.main`` is the only
place that turns an exception into that line.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import io
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from planner.errors import OutputError, PlannerError, PlanRequestError, ProfileError
from planner.files import read_input, read_text, write_output
from planner.food.catalogue import Catalogue, generic_catalogue, load_catalogue, matching_foods
from planner.food.data import DATA_ENV, FoodTable, coverage, load_foods
from planner.limits import clean_lines
from planner.log.foodlog import LOG_ENV, LOG_FILE, Entry, FoodLog, parse_date
from planner.output.report import (
    format_advice,
    format_batch,
    format_explain,
    format_foods,
    format_solve,
    format_targets,
    format_week,
)
from planner.person.advice import (
    ANSWERS_CAP,
    EMPHASIS_QUESTIONS,
    FACTORS,
    QUESTIONS,
    RED_FLAGS,
    Answers,
    advise,
    answers_from_lines,
    read_answers_file,
)
from planner.person.health import CONDITIONS, MEDICINES
from planner.person.health import check_key as check_health_key
from planner.person.profile import PROFILE_CAP, Settings, profile_toml, resolve_settings
from planner.person.targets import Targets, compute_targets
from planner.planning.diet import read_foods_csv, read_targets_csv, solve_table
from planner.planning.model import DEFAULT_MIP_GAP, DEFAULT_TIME_LIMIT, SolverOptions
from planner.planning.plan import PlanOptions, check_plan_options, plan_week
from planner.planning.suggest import explain_food, rank_foods


class _Interrupted(Exception):
    """Ctrl-C inside a command, carried past Typer (which would turn it into a silent exit
    130) to the one place that prints it."""


class _Commands(typer.core.TyperGroup):
    """The one place an exception becomes a line on stderr and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise _Interrupted() from exc

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
        except (KeyboardInterrupt, _Interrupted):
            _fail("interrupted", 130)
        except BrokenPipeError:  # the reader went away (planner week | head): stop quietly
            _silence_stdout()
            sys.exit(141)
        except OSError as exc:  # standard output or error could not be written
            _silence_stdout()
            _fail(f"cannot write output to standard output ({exc.strerror or exc})", 1)
        except Exception as exc:  # a bug, not bad input: say so in one line
            if os.environ.get("PLANNER_DEBUG"):
                raise
            _fail(f"internal error ({type(exc).__name__}: {exc}); please report it, "
                  "with PLANNER_DEBUG=1 for details", 70)
        sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, code: int) -> None:
    with contextlib.suppress(OSError):  # stderr gone too: the exit code must say it
        typer.echo(f"error: {message}", err=True)
    sys.exit(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True,
                  pretty_exceptions_enable=False,
                  help="Mineral-rich foods and weekly meal plans that meet the Dietary "
                       "Reference Intakes. General nutrition information, not medical "
                       "advice.")
profile_app = typer.Typer(cls=_Commands, no_args_is_help=True,
                          help="Save or show the profile every command uses by default.")
app.add_typer(profile_app, name="profile")
log_app = typer.Typer(cls=_Commands, no_args_is_help=True,
                      help="Keep a log of what you eat (a local SQLite file): add, show, "
                           "remove, export.")
app.add_typer(log_app, name="log")


class WeekFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    csv = "csv"
    html = "html"


class ListFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    csv = "csv"


class TableOrJson(StrEnum):
    table = "table"
    json = "json"


class Per(StrEnum):
    serving = "serving"
    g100 = "100g"
    kcal100 = "100kcal"


class Objective(StrEnum):
    cost = "cost"
    energy = "energy"


class Solver(StrEnum):
    highs = "highs"
    cbc = "cbc"


_PROFILE = "Profile"
_PLAN = "Plan"
_OUT = "Output"

ProfileFile = Annotated[Path | None, typer.Option(
    "--profile", help="Profile TOML file (default: the one saved by 'planner profile init').",
    dir_okay=False, rich_help_panel=_PROFILE)]
SexOpt = Annotated[str | None, typer.Option(help="female or male.", rich_help_panel=_PROFILE)]
AgeOpt = Annotated[int | None, typer.Option(help="Age in years (9 or over).",
                                            rich_help_panel=_PROFILE)]
StageOpt = Annotated[str | None, typer.Option(
    "--life-stage", help="general, pregnancy or lactation (the last two: females 14-50).",
    rich_help_panel=_PROFILE)]
WeightOpt = Annotated[float | None, typer.Option("--weight", help="Body weight in kg.",
                                                 rich_help_panel=_PROFILE)]
HeightOpt = Annotated[float | None, typer.Option("--height", help="Height in cm.",
                                                 rich_help_panel=_PROFILE)]
ActivityOpt = Annotated[str | None, typer.Option(
    help="sedentary, low, active or very_active (default low).", rich_help_panel=_PROFILE)]
ConditionOpt = Annotated[list[str] | None, typer.Option(
    "--condition", help="A health condition that changes the plan (repeatable): "
    + ", ".join(CONDITIONS) + ". Kidney disease needs limits from your clinician.",
    rich_help_panel=_PROFILE)]
MedicineOpt = Annotated[list[str] | None, typer.Option(
    "--medicine", help="A medicine that changes the plan (repeatable): "
    + ", ".join(MEDICINES) + ". Potassium-raising medicines need a limit from your "
    "clinician.", rich_help_panel=_PROFILE)]
TargetOpt = Annotated[list[str] | None, typer.Option(
    "--target", help="Change a target: NAME=MIN, NAME.max=VALUE or NAME.max=none "
    "(repeatable), e.g. magnesium_mg=400.", rich_help_panel=_PROFILE)]
DietOpt = Annotated[str | None, typer.Option(
    help="omnivore, pescatarian, vegetarian or vegan (default omnivore).",
    rich_help_panel=_PLAN)]
ExcludeOpt = Annotated[list[str] | None, typer.Option(
    "--exclude", help="Leave out an allergen (dairy, egg, fish, shellfish, tree_nuts, "
    "peanuts, soy, gluten, sesame), a category (e.g. fortified), a food id or a food name. "
    "Repeatable.", rich_help_panel=_PLAN)]
IncludeOpt = Annotated[list[str] | None, typer.Option(
    "--include", help="A food to eat every day, e.g. banana. Repeatable.",
    rich_help_panel=_PLAN)]
LikeOpt = Annotated[list[str] | None, typer.Option(
    "--like", help="A food, category or allergen group to prefer (repeatable; soft).",
    rich_help_panel=_PLAN)]
DislikeOpt = Annotated[list[str] | None, typer.Option(
    "--dislike", help="A food or category to avoid when there is a choice (repeatable; "
    "soft: --exclude is the hard one).", rich_help_panel=_PLAN)]
LogOpt = Annotated[Path | None, typer.Option(
    "--log", envvar=LOG_ENV, help="Food log file (default: log.sqlite3 in your config "
    "directory; see 'planner log path').", dir_okay=False, rich_help_panel=_PLAN)]
DateOpt = Annotated[str | None, typer.Option(
    "--date", help="A date like 2026-11-28, 'today' or 'yesterday' (default today).",
    rich_help_panel=_PLAN)]
MealOpt = Annotated[str | None, typer.Option(
    "--meal", help="breakfast, lunch, dinner or snack (for food without a 'lunch:' "
    "label).", rich_help_panel=_PLAN)]
DataOption = Annotated[Path | None, typer.Option(
    "--data", envvar=DATA_ENV, help="Data directory to use instead of the bundled SR28 "
    "tables (e.g. one written by scripts/fetch_food_data.py).", rich_help_panel=_PLAN)]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write to this file instead of the terminal.", dir_okay=False,
    rich_help_panel=_OUT)]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite --output if it exists.",
                                        rich_help_panel=_OUT)]


def saved_profile_path() -> Path:
    """Where 'planner profile init' saves the default profile (the user's config dir)."""
    return Path(typer.get_app_dir("planner")) / "profile.toml"


def log_path(given: Path | None = None) -> Path:
    """The food log file: ``--log`` / PLANNER_LOG, else log.sqlite3 in the config dir."""
    return given or Path(typer.get_app_dir("planner")) / LOG_FILE


def _person(sex: str | None, age: int | None, life_stage: str | None = None,
            weight: float | None = None, height: float | None = None,
            activity: str | None = None, condition: list[str] | None = None,
            medicine: list[str] | None = None) -> dict[str, Any]:
    """Profile flags as the keys of a profile file (None: not given)."""
    return {"sex": sex, "age": age, "life_stage": life_stage, "weight_kg": weight,
            "height_cm": height, "activity": activity, "conditions": condition,
            "medicines": medicine}


def _settings(person: dict[str, Any], profile_file: Path | None, target: list[str] | None,
              **plan: Any) -> Settings:
    settings = resolve_settings({**person, **plan}, profile_file=profile_file,
                                saved_file=saved_profile_path(), targets=target or ())
    return settings


def _targets(settings: Settings, energy_band: float = 0.10) -> Targets:
    """The person's targets; warnings about overrides below a DRI go to stderr."""
    targets = compute_targets(settings.profile, settings.overrides, energy_band=energy_band)
    if not sys.stdout.isatty():  # the output may go to a file: say it where a person reads
        for warning in targets.warnings:
            typer.echo(warning, err=True)
    return targets


def _emit(text: str, output: Path | None, force: bool) -> None:
    """Print, or write ``output`` (see :func:`planner.files.write_output`)."""
    if output is None:
        typer.echo(text, nl=False)
        return
    written = write_output(output, text.encode("utf-8"), force=force)
    typer.echo(f"wrote {written}", err=True)


@contextmanager
def _working(message: str) -> Iterator[None]:
    """A spinner on stderr while the solver works, only in an interactive terminal."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield


def _tables(data_dir: Path | None, all_foods: bool = False) -> tuple[FoodTable, Catalogue]:
    table = load_foods(data_dir)
    return table, generic_catalogue(table) if all_foods else load_catalogue(table)


@dataclass(frozen=True)
class _Around:
    """What a plan is built around: a saved week with meals to redo, or food eaten."""

    keep: Path | None = None
    redo: tuple[str, ...] = ()
    ate: str | None = None
    from_log: bool = False
    date: str | None = None
    meal: str | None = None
    log: Path | None = None


def _plan(days: int, person: dict[str, Any], profile: Path | None, target: list[str] | None,
          plan: dict[str, Any], seed: int, strict_daily: bool, max_days: int,
          data_dir: Path | None, all_foods: bool, solver: Solver, time_limit: float,
          mip_gap: float, energy_band: float, fmt: str, output: Path | None, force: bool,
          around: _Around = _Around()) -> None:
    settings = _settings(person, profile, target, **plan)
    targets = _targets(settings, energy_band)
    table, catalogue = _tables(data_dir, all_foods)
    options = PlanOptions(days=days, diet=settings.diet or "omnivore",
                          exclude=settings.exclude, include=settings.include, seed=seed,
                          strict_daily=strict_daily, max_days=max_days,
                          like=settings.like, dislike=settings.dislike,
                          solver=SolverOptions(solver=solver.value, time_limit=time_limit,
                                               mip_gap=mip_gap))
    if around.keep is not None or around.redo:
        from planner.planning.replan import parse_redo, read_saved_week, redo_week

        if around.keep is None or not around.redo:
            raise PlanRequestError("--keep and --redo go together: --keep week.json --redo "
                                   "'day 3 dinner'")
        redo = [parse_redo(r) for r in around.redo]
        saved = read_saved_week(around.keep)
        with _working("Planning again..."):
            week = redo_week(table, catalogue, targets, saved, redo, options)
    elif around.ate is not None or around.from_log:
        from planner.planning.replan import fill_day

        eaten = _eaten(around, table, catalogue)
        with _working("Planning the rest of the day..."):
            week = fill_day(table, catalogue, targets, eaten, options)
    else:
        with _working(f"Planning {days} day(s)..."):
            week = plan_week(table, catalogue, targets, options)
    _emit(format_week(week, fmt), output, force)


def _eaten(around: _Around, table: FoodTable, catalogue: Catalogue) -> list[Any]:
    """What was eaten: --ate text, or the log's entries for --date (both: both)."""
    from planner.food.intake import Eaten, check_meal, parse_eaten

    meal = None if around.meal is None else check_meal(around.meal)
    eaten: list[Eaten] = []
    if around.from_log:
        date = parse_date(around.date)
        with FoodLog(log_path(around.log)) as log:
            entries = log.entries(date, date)
        if not entries:
            raise PlanRequestError(f"--from-log: nothing logged for {date.isoformat()} "
                                   "(add it with 'planner log add')")
        for e in entries:
            if e.food_id not in table.foods.index:
                raise PlanRequestError(f"--from-log: entry #{e.id} ({e.name}) is not in this "
                                       "food table")
            eaten.append(Eaten(e.food_id, e.name, e.grams, e.text, e.said, e.meal or meal,
                               e.food_id in catalogue.entries.index))
    if around.ate is not None:
        eaten += parse_eaten(around.ate, table, catalogue, meal)
    return eaten


SeedOpt = Annotated[int, typer.Option(min=0, max=2**32 - 1,
                                      help="Another seed gives a different, equally valid "
                                      "plan.", rich_help_panel=_PLAN)]
StrictOpt = Annotated[bool, typer.Option("--strict-daily", help="Meet vitamin D and B12 "
                                         "every day, not on the week's average.",
                                         rich_help_panel=_PLAN)]
MaxDaysOpt = Annotated[int, typer.Option("--max-days", min=1, max=7,
                                         help="Days a food may appear in any 7 (staples "
                                         "excepted).", rich_help_panel=_PLAN)]
AllFoodsOpt = Annotated[bool, typer.Option("--all-foods", help="Experimental: plan from "
                                           "the whole food table with generic portions and "
                                           "no diet labels, not the curated catalogue.",
                                           rich_help_panel=_PLAN)]
SolverOpt = Annotated[Solver, typer.Option(help="MIP solver; CBC is also the fallback.",
                                           rich_help_panel=_PLAN)]
TimeLimitOpt = Annotated[float, typer.Option("--time-limit", min=0.1,
                                             help="Solver time limit per day, seconds.",
                                             rich_help_panel=_PLAN)]
GapOpt = Annotated[float, typer.Option("--mip-gap", min=0.0, max=1.0,
                                       help="Relative MIP gap at which the solver stops.",
                                       rich_help_panel=_PLAN)]
BandOpt = Annotated[float, typer.Option("--energy-band", min=0.0, max=0.5,
                                        help="Allowed deviation from your energy need "
                                        "(0.1 = +-10 %).", rich_help_panel=_PLAN)]


@app.command()
def week(sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
         weight: WeightOpt = None, height: HeightOpt = None, activity: ActivityOpt = None,
         condition: ConditionOpt = None, medicine: MedicineOpt = None,
         profile: ProfileFile = None, target: TargetOpt = None,
         days: Annotated[int, typer.Option(min=1, max=366, help="Days to plan.",
                                           rich_help_panel=_PLAN)] = 7,
         diet: DietOpt = None, exclude: ExcludeOpt = None, include: IncludeOpt = None,
         like: LikeOpt = None, dislike: DislikeOpt = None,
         seed: SeedOpt = 0, strict_daily: StrictOpt = False, max_days: MaxDaysOpt = 3,
         keep: Annotated[Path | None, typer.Option(
             "--keep", help="A week saved with --format json: keep every meal but the "
             "--redo ones.", dir_okay=False, rich_help_panel=_PLAN)] = None,
         redo: Annotated[list[str] | None, typer.Option(
             "--redo", help="A meal or day of the --keep week to plan again: 'day 3 dinner' "
             "or 'day 5' (repeatable).", rich_help_panel=_PLAN)] = None,
         data_dir: DataOption = None, all_foods: AllFoodsOpt = False,
         solver: SolverOpt = Solver.highs, time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
         mip_gap: GapOpt = DEFAULT_MIP_GAP, energy_band: BandOpt = 0.10,
         fmt: Annotated[WeekFormat, typer.Option("--format", help="Output format.",
                                                 rich_help_panel=_OUT)] = WeekFormat.table,
         output: OutputOpt = None, force: ForceOpt = False) -> None:
    """Plan a week of meals that meets your targets, with a shopping list.

    Example: planner week --sex female --age 35 --diet vegetarian --exclude peanuts

    Redo a meal: planner week --sex female --age 35 --keep week.json --redo "day 3 dinner"
    """
    _plan(days, _person(sex, age, life_stage, weight, height, activity, condition, medicine),
          profile, target, {"diet": diet, "exclude": exclude, "include": include,
                            "like": like, "dislike": dislike},
          seed, strict_daily, max_days, data_dir, all_foods, solver, time_limit, mip_gap,
          energy_band, fmt.value, output, force, _Around(keep, tuple(redo or ())))


@app.command()
def day(sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
        weight: WeightOpt = None, height: HeightOpt = None, activity: ActivityOpt = None,
        condition: ConditionOpt = None, medicine: MedicineOpt = None,
        profile: ProfileFile = None, target: TargetOpt = None, diet: DietOpt = None,
        exclude: ExcludeOpt = None, include: IncludeOpt = None, like: LikeOpt = None,
        dislike: DislikeOpt = None, seed: SeedOpt = 0,
        ate: Annotated[str | None, typer.Option(
            "--ate", help="What you ate today, e.g. '1 cup cooked oatmeal; 1 medium banana; "
            "lunch: 150 g cooked sockeye salmon': only the meals still ahead are planned.",
            rich_help_panel=_PLAN)] = None,
        from_log: Annotated[bool, typer.Option(
            "--from-log", help="Plan around what the food log holds for --date.",
            rich_help_panel=_PLAN)] = False,
        date: DateOpt = None, meal: MealOpt = None, log: LogOpt = None,
        data_dir: DataOption = None, all_foods: AllFoodsOpt = False,
        solver: SolverOpt = Solver.highs, time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
        mip_gap: GapOpt = DEFAULT_MIP_GAP, energy_band: BandOpt = 0.10,
        fmt: Annotated[WeekFormat, typer.Option("--format", help="Output format.",
                                                rich_help_panel=_OUT)] = WeekFormat.table,
        output: OutputOpt = None, force: ForceOpt = False) -> None:
    """Plan one day of meals that meets your targets (vitamin D and B12 included), or the
    rest of today around what you ate (--ate, --from-log).

    Example: planner day --sex male --age 60 --include banana

    Fill the day: planner day --sex female --age 35 --ate "1 cup cooked oatmeal; 1 banana"
    """
    _plan(1, _person(sex, age, life_stage, weight, height, activity, condition, medicine),
          profile, target, {"diet": diet, "exclude": exclude, "include": include,
                            "like": like, "dislike": dislike},
          seed, True, 3, data_dir, all_foods, solver, time_limit, mip_gap, energy_band,
          fmt.value, output, force,
          _Around(ate=ate, from_log=from_log, date=date, meal=meal, log=log))


@app.command()
def foods(rich_in: Annotated[str, typer.Option("--rich-in", help="Nutrient, e.g. "
                                               "magnesium_mg, calcium, vitamin_d, b12.")],
          per: Annotated[Per, typer.Option(help="Rank per serving, per 100 g or per 100 "
                                           "kcal.")] = Per.serving,
          top: Annotated[int, typer.Option(min=1, max=500, help="How many foods.")] = 10,
          sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
          weight: WeightOpt = None, height: HeightOpt = None, activity: ActivityOpt = None,
          condition: ConditionOpt = None, medicine: MedicineOpt = None,
          profile: ProfileFile = None, target: TargetOpt = None, diet: DietOpt = None,
          exclude: ExcludeOpt = None, data_dir: DataOption = None,
          all_foods: Annotated[bool, typer.Option("--all", help="Search the whole food "
                                                  "table, not just the catalogue.")] = False,
          absorbable: Annotated[bool, typer.Option(
              "--absorbable", help="Rank calcium by the calcium the body absorbs (oxalate "
              "in spinach binds most of it); foods without an absorption figure are left "
              "out.")] = False,
          fmt: Annotated[ListFormat, typer.Option("--format", help="Output format.")] =
          ListFormat.table, output: OutputOpt = None, force: ForceOpt = False) -> None:
    """List the foods richest in a nutrient, with the amount per portion and % of your target.

    Example: planner foods --rich-in magnesium_mg --diet vegan --top 15
    """
    settings = None
    if sex is not None or age is not None or profile is not None or \
            saved_profile_path().is_file():  # else rank without a person's targets
        settings = _settings(_person(sex, age, life_stage, weight, height, activity,
                                     condition, medicine), profile, target, diet=diet,
                             exclude=exclude)
    targets = None if settings is None else _targets(settings)
    table, catalogue = _tables(data_dir, all_foods)
    use_diet = (settings.diet if settings else diet) or "omnivore"
    ranking = rank_foods(table, catalogue, targets, rich_in, per=per.value,
                         diet=use_diet, exclude=settings.exclude if settings else
                         tuple(exclude or ()), top=top, absorbable=absorbable)
    _emit(format_foods(ranking, fmt.value), output, force)


@app.command()
def explain(food: Annotated[str, typer.Argument(help="A food name or id, e.g. 'cooked "
                                                "spinach' or 11457.")],
            sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
            weight: WeightOpt = None, height: HeightOpt = None, activity: ActivityOpt = None,
            condition: ConditionOpt = None, medicine: MedicineOpt = None,
            profile: ProfileFile = None, target: TargetOpt = None,
            data_dir: DataOption = None,
            fmt: Annotated[TableOrJson, typer.Option("--format", help="table or json.")] =
            TableOrJson.table) -> None:
    """Show what one portion of a food brings against your targets.

    Example: planner explain "cooked spinach" --sex female --age 40
    """
    settings = _settings(_person(sex, age, life_stage, weight, height, activity, condition,
                                 medicine), profile, target)
    table, catalogue = _tables(data_dir)
    result = explain_food(table, catalogue, _targets(settings), food)
    typer.echo(format_explain(result, fmt.value), nl=False)


@app.command()
def targets(sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
            weight: WeightOpt = None, height: HeightOpt = None, activity: ActivityOpt = None,
            condition: ConditionOpt = None, medicine: MedicineOpt = None,
            profile: ProfileFile = None, target: TargetOpt = None,
            energy_band: BandOpt = 0.10,
            fmt: Annotated[TableOrJson, typer.Option("--format", help="table or json.")] =
            TableOrJson.table) -> None:
    """Show your daily nutrient targets from the Dietary Reference Intakes.

    Example: planner targets --sex female --age 52 --target magnesium_mg=400
    """
    settings = _settings(_person(sex, age, life_stage, weight, height, activity, condition,
                                 medicine), profile, target)
    typer.echo(format_targets(_targets(settings, energy_band), fmt.value), nl=False)


@app.command()
def solve(
    foods_file: Annotated[Path, typer.Option("--foods", help="FOODS.csv: id, name, optional "
                                             "price and max_units, nutrient columns per "
                                             "unit.")],
    targets_file: Annotated[Path, typer.Option("--targets", help="TARGETS.csv: "
                                               "nutrient,min,max.")],
    objective: Annotated[Objective, typer.Option(help="Minimise total price or energy.")] =
    Objective.cost,
    continuous: Annotated[bool, typer.Option(help="Allow fractional units.")] = False,
    fmt: Annotated[TableOrJson, typer.Option("--format", help="table or json.")] =
    TableOrJson.table,
    time_limit: Annotated[float, typer.Option("--time-limit", min=0.1,
                                              help="Solver time limit, seconds.")] =
    DEFAULT_TIME_LIMIT,
) -> None:
    """Solve the classic diet problem over your own food table.

    Example: planner solve --foods foods.csv --targets targets.csv --objective cost
    """
    result = solve_table(read_foods_csv(foods_file), read_targets_csv(targets_file),
                         objective=objective.value, continuous=continuous,
                         options=SolverOptions(time_limit=time_limit))
    typer.echo(format_solve(result, fmt.value), nl=False)


def _flag(help_text: str) -> Any:
    return typer.Option(help=help_text, show_default=False)


class AdviceFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


@app.command()
def advice(
    weakness: Annotated[bool | None, _flag(RED_FLAGS["weakness"])] = None,
    wasting: Annotated[bool | None, _flag(RED_FLAGS["wasting"])] = None,
    swallowing: Annotated[bool | None, _flag(RED_FLAGS["swallowing"])] = None,
    spreading: Annotated[bool | None, _flag(RED_FLAGS["spreading"])] = None,
    persistent: Annotated[bool | None, _flag(RED_FLAGS["persistent"])] = None,
    caffeine: Annotated[bool | None, _flag(FACTORS["caffeine"][0])] = None,
    alcohol: Annotated[bool | None, _flag(FACTORS["alcohol"][0])] = None,
    poor_sleep: Annotated[bool | None, _flag(FACTORS["poor_sleep"][0])] = None,
    stress: Annotated[bool | None, _flag(FACTORS["stress"][0])] = None,
    exercise: Annotated[bool | None, _flag(FACTORS["exercise"][0])] = None,
    sweating: Annotated[bool | None, _flag(FACTORS["sweating"][0])] = None,
    medications: Annotated[bool | None, _flag(FACTORS["medications"][0])] = None,
    little_sun: Annotated[bool | None, _flag(EMPHASIS_QUESTIONS["little_sun"])] = None,
    condition: ConditionOpt = None, medicine: MedicineOpt = None,
    answers: Annotated[Path | None, typer.Option(
        "--answers", help="A TOML or JSON file of answers: weakness = false, ..., "
        "conditions = [...], medicines = [...].", dir_okay=False)] = None,
    sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
    profile: ProfileFile = None, diet: DietOpt = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Read no answers from "
                                           "standard input; a red-flag question left "
                                           "unanswered is then an error.")] = False,
    fmt: Annotated[AdviceFormat, typer.Option("--format", help="table, markdown or json.")]
    = AdviceFormat.table,
) -> None:
    """A short check for muscle twitches and cramps, then the matching plan.

    Red-flag signs first (they mean: see a doctor), then kidney disease and medicines that
    change a mineral-rich plan, common causes, the nutrients to emphasise and the planner
    week command to run. Answers come from flags, --answers FILE or standard input (one yes
    or no a line, in the order asked); in a terminal it asks. A red-flag question nobody
    answered is an error, never a "no".

    Example: planner advice --no-weakness --no-wasting --no-swallowing --no-spreading
    --no-persistent --sweating --age 55 --sex male --no-input
    """
    given: dict[str, bool | None] = {
        "weakness": weakness, "wasting": wasting, "swallowing": swallowing,
        "spreading": spreading, "persistent": persistent, "caffeine": caffeine,
        "alcohol": alcohol, "poor_sleep": poor_sleep, "stress": stress,
        "exercise": exercise, "sweating": sweating, "medications": medications,
        "little_sun": little_sun}
    for key in (*(condition or ()), *(medicine or ())):
        given[check_health_key(key)] = True
    collected = Answers({k: v for k, v in given.items() if v is not None})
    if answers is not None:
        collected = collected.merged(read_answers_file(answers))
    stdin = sys.stdin  # None when standard input is closed
    if stdin is not None and not stdin.closed and stdin.isatty() and not no_input:
        asked: dict[str, bool | None] = {}
        for key in collected.missing():
            asked[key] = typer.confirm(QUESTIONS[key], default=False)
            if key in RED_FLAGS and asked[key]:
                break  # one red flag is enough: see a doctor
        collected = collected.merged(asked)
    elif not no_input:  # piped answers, one a line, for the questions still open
        lines = read_input(stdin, limit=ANSWERS_CAP, error=ProfileError,
                           waiting="planner: waiting for answers on standard input (one yes "
                                   "or no a line; end with Ctrl-D, or use --no-input)")
        collected = collected.merged(answers_from_lines(lines.splitlines(),
                                                        collected.missing()))
    person = None
    if sex is not None or age is not None or profile is not None or \
            saved_profile_path().is_file():
        settings = _settings(_person(sex, age, life_stage), profile, None, diet=diet)
        person, diet = settings.profile, settings.diet
    typer.echo(format_advice(advise(collected, person, diet), fmt.value), nl=False)


@app.command()
def batch(
    people: Annotated[Path, typer.Argument(help="People table, CSV or Parquet: id, sex, age "
                                           "and optional life_stage, weight, height, "
                                           "activity, diet, exclude, include, like, "
                                           "dislike, conditions, medicines (lists split "
                                           "by ;), days, seed, "
                                           "target.<nutrient>, target.<nutrient>.max.",
                                           dir_okay=False)],
    out: Annotated[str, typer.Option("--out", help="Output folder (new, empty, or this "
                                     "batch's with --resume); a path every worker can "
                                     "reach, or an fsspec URL.")],
    workers: Annotated[int | None, typer.Option(min=1, max=256, help="Local worker "
                                                "processes (default: every core).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", envvar="DASK_SCHEDULER_ADDRESS", help="Run on an existing Dask "
        "cluster, e.g. tcp://host:8786.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue a stopped batch: "
                                         "people already planned are skipped.")] = False,
    data_dir: DataOption = None,
    fmt: Annotated[TableOrJson, typer.Option("--format", help="Summary as table or json.")]
    = TableOrJson.table,
) -> None:
    """Plan a week for every person in a table, in parallel, into Parquet files.

    Writes OUT/items, OUT/days and OUT/people (Parquet parts); a bad or infeasible row is
    recorded with its reason and never stops the batch.

    Example: planner batch people.csv --out results --workers 2
    """
    from planner.planning.batch import read_people, run_batch

    frame = read_people(people)
    data = None if data_dir is None else str(data_dir.resolve())
    try:
        with _batch_progress() as progress:
            summary = run_batch(frame, out, data_dir=data, workers=workers,
                                scheduler=scheduler, resume=resume, progress=progress)
    except KeyboardInterrupt:
        typer.echo(f"error: interrupted; finished people are saved in {out}: run again "
                   "with --resume to continue", err=True)
        raise typer.Exit(130) from None
    typer.echo(format_batch(summary, out, fmt.value), nl=False)


@contextmanager
def _batch_progress() -> Iterator[Any]:
    """A rich progress bar on stderr, only in an interactive terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("planning"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=Console(stderr=True),
                  transient=True) as bars:
        def start(total: int, done: int) -> Any:
            task = bars.add_task("people", total=total, completed=done)
            return lambda n: bars.advance(task, n)
        yield start


@app.command()
def data(data_dir: DataOption = None) -> None:
    """Summarise the food data: foods, portions and nutrient coverage.

    Example: planner data --data ./fdc-data
    """
    table = load_foods(data_dir)
    typer.echo(f"{table.origin}: {len(table.foods):,} foods, {len(table.portions):,} portions")
    for row in coverage(table.foods).itertuples(index=False):
        typer.echo(f"  {row.nutrient:<18} {row.known:>6,} known  {row.percent:5.1f} %")


@profile_app.command("init")
def profile_init(sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
                 weight: WeightOpt = None, height: HeightOpt = None,
                 activity: ActivityOpt = None, condition: ConditionOpt = None,
                 medicine: MedicineOpt = None, target: TargetOpt = None,
                 diet: DietOpt = None, exclude: ExcludeOpt = None,
                 include: IncludeOpt = None, like: LikeOpt = None, dislike: DislikeOpt = None,
                 path: Annotated[Path | None, typer.Option(help="Where to save (default: "
                                                           "your config directory).")] = None,
                 force: ForceOpt = False) -> None:
    """Save your profile so every command uses it without flags.

    Example: planner profile init --sex female --age 52 --diet vegetarian --exclude peanuts
    """
    flags = {**_person(sex, age, life_stage, weight, height, activity, condition, medicine),
             "diet": diet, "exclude": exclude, "include": include, "like": like,
             "dislike": dislike}
    settings = resolve_settings(flags, targets=target or ())
    _targets(settings)  # reject bad overrides now, and warn about risky ones
    catalogue = _tables(None)[1]  # and unknown diets, exclusions and foods
    check_plan_options(catalogue, PlanOptions(diet=settings.diet or "omnivore",
                                              exclude=settings.exclude,
                                              include=settings.include))
    for what, names in (("like", settings.like), ("dislike", settings.dislike)):
        for name in names:
            matching_foods(catalogue, name, what)
    destination = path or saved_profile_path()
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{destination.parent}: cannot create ({exc.strerror})") from exc
    _emit(profile_toml(settings), destination, force)


@profile_app.command("show")
def profile_show() -> None:
    """Show the saved profile and where it is.

    Example: planner profile show
    """
    path = saved_profile_path()
    if not path.is_file():
        typer.echo(f"no saved profile ({path}); create one with 'planner profile init'")
        return
    text = read_text(path, limit=PROFILE_CAP, error=ProfileError, what="saved profile")
    typer.echo(f"# {path}")
    typer.echo(clean_lines(text), nl=False)


class LogFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@log_app.command("add")
def log_add(
    food: Annotated[str, typer.Argument(help="What you ate: '1 cup cooked oatmeal; 1 medium "
                                        "banana; 150 g cooked sockeye salmon' (measures, "
                                        "grams or ounces; 'lunch:' places what follows).")],
    date: DateOpt = None, meal: MealOpt = None, log: LogOpt = None,
    data_dir: DataOption = None,
) -> None:
    """Add what you ate to the food log (all items or none).

    Example: planner log add "1 cup cooked oatmeal; 1 medium banana" --meal breakfast
    """
    from planner.food.intake import parse_eaten

    day = parse_date(date)
    table, catalogue = _tables(data_dir)
    items = parse_eaten(food, table, catalogue, meal)
    path = log_path(log)
    with FoodLog(path) as food_log:
        added = food_log.add(items, day)
    for entry in added:
        typer.echo(f"added #{entry.id} {day.isoformat()} {entry.meal or '(no meal)'}: "
                   f"{entry.text} ({entry.grams:,.0f} g)")


def _logged(date: str | None, week: bool, log: Path | None
            ) -> tuple[datetime.date, datetime.date, list[Entry]]:
    """The log's entries for --date (default today), or the 7 days ending on it."""
    end = parse_date(date)
    start = end - datetime.timedelta(days=6) if week else end
    with FoodLog(log_path(log)) as food_log:
        return start, end, food_log.entries(start, end)


@log_app.command("show")
def log_show(date: DateOpt = None,
             week: Annotated[bool, typer.Option("--week", help="The 7 days ending on "
                                                "--date.")] = False,
             log: LogOpt = None, data_dir: DataOption = None,
             fmt: Annotated[LogFormat, typer.Option("--format", help="table, json or csv.")]
             = LogFormat.table) -> None:
    """Show what the food log holds for a day (default today) or a week.

    Example: planner log show --week
    """
    from planner.output.report import format_log

    start, end, entries = _logged(date, week, log)
    table = _tables(data_dir)[0] if fmt == LogFormat.table else None
    span = end.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
    typer.echo(format_log(entries, table, fmt.value, f"Food log, {span}"), nl=False)


@log_app.command("remove")
def log_remove(entry: Annotated[int, typer.Argument(help="The entry's number (#) from "
                                                    "'planner log show'.", min=1,
                                                    max=2**63 - 1)],
               log: LogOpt = None) -> None:
    """Remove one entry from the food log.

    Example: planner log remove 12
    """
    with FoodLog(log_path(log)) as food_log:
        removed = food_log.remove(entry)
    typer.echo(f"removed #{removed.id} {removed.date.isoformat()} {removed.meal or '-'}: "
               f"{removed.text}")


@log_app.command("export")
def log_export(fmt: Annotated[LogFormat, typer.Option("--format", help="csv or json.")]
               = LogFormat.csv, log: LogOpt = None, output: OutputOpt = None,
               force: ForceOpt = False) -> None:
    """Export the whole food log as CSV or JSON.

    Example: planner log export --format json --output log.json
    """
    from planner.output.report import format_log

    if fmt == LogFormat.table:
        raise PlanRequestError("export: --format csv or json")
    with FoodLog(log_path(log)) as food_log:
        entries = food_log.entries()
    _emit(format_log(entries, None, fmt.value), output, force)


@log_app.command("path")
def log_path_command(log: LogOpt = None) -> None:
    """Print where the food log is kept.

    Example: planner log path
    """
    typer.echo(str(log_path(log)))


class GapFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    html = "html"


@app.command()
def gaps(sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
         weight: WeightOpt = None, height: HeightOpt = None, activity: ActivityOpt = None,
         condition: ConditionOpt = None, medicine: MedicineOpt = None,
         profile: ProfileFile = None, target: TargetOpt = None, diet: DietOpt = None,
         exclude: ExcludeOpt = None, dislike: DislikeOpt = None, date: DateOpt = None,
         week: Annotated[bool, typer.Option("--week", help="The 7 days ending on --date.",
                                            rich_help_panel=_PLAN)] = False,
         log: LogOpt = None, data_dir: DataOption = None,
         fmt: Annotated[GapFormat, typer.Option("--format", help="Output format.",
                                                rich_help_panel=_OUT)] = GapFormat.table,
         output: OutputOpt = None, force: ForceOpt = False) -> None:
    """Compare what you logged with your targets, and list foods that close each gap.

    Example: planner gaps --week
    """
    from planner.log.gaps import gap_report
    from planner.output.report import format_gaps

    settings = _settings(_person(sex, age, life_stage, weight, height, activity, condition,
                                 medicine), profile, target, diet=diet, exclude=exclude,
                         dislike=dislike)
    targets = _targets(settings)
    start, end, entries = _logged(date, week, log)
    table, catalogue = _tables(data_dir)
    report = gap_report(entries, start, end, targets, table, catalogue,
                        diet=settings.diet or "omnivore", exclude=settings.exclude,
                        dislike=settings.dislike)
    _emit(format_gaps(report, fmt.value), output, force)


@app.callback()
def _root() -> None:
    """Mineral-rich foods and weekly meal plans that meet the Dietary Reference Intakes."""


def main() -> None:
    """Console-script entry point."""
    os.environ.setdefault("TYPER_USE_RICH", "1")
    if sys.stdout is None:  # started with standard output closed: printing must fail, not
        sys.stdout = io.TextIOWrapper(_ClosedOutput(), write_through=True)  # vanish
    app(prog_name="planner")


class _ClosedOutput(io.RawIOBase):
    """Standard output when the command was started without one: every write fails (click
    would otherwise drop the text silently and the command exit 0 with its output lost)."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise OSError(errno.EBADF, "standard output is closed")
