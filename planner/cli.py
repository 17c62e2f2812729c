"""The command line: parse options, make one library call, render, map errors to exit codes.

Exit codes: 0 success, 1 bad input or data (any :class:`PlannerError`), 2 usage error,
3 infeasible plan. Every error is one line on stderr; ``_Commands.main`` is the only
place that turns an exception into that line.
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import inspect
import io
import math
import os
import re
import shlex
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core
from typer.models import CommandFunctionType

from planner.completion import COMPLETE_VAR
from planner.dirs import DATA_ENV, LOG_ENV
from planner.dirs import config_dir as user_config_dir
from planner.dirs import data_dir as user_data_dir
from planner.entry import (
    STARTED,
    interrupted,
    prompting,
    raise_if_pressed,
    unwinding_itself,
)
from planner.errors import (
    FetchError,
    OutputError,
    PlannerError,
    PlanRequestError,
    ProfileError,
)
from planner.files import check_output, read_input, read_text, write_output
from planner.food.diets import DIETS
from planner.limits import (
    FETCH_ATTEMPT_RANGE,
    FETCH_BACKOFF_RANGE,
    FETCH_DEADLINE_RANGE,
    FETCH_MAX_WAIT_RANGE,
    FETCH_TIMEOUT_RANGE,
    check_utf8,
    clean_lines,
    escaped,
)
from planner.log.foodlog import FoodLog, default_log, parse_date, repeats
from planner.output.progress import DayProgress, Progress
from planner.output.report import (
    DEFAULT_WIDTH,
    MIN_WIDTH,
    format_advice,
    format_batch,
    format_explain,
    format_foods,
    format_household,
    format_solve,
    format_targets,
    format_week,
    with_amount,
    wrap,
)
from planner.person.advice import (
    ANSWERS_CAP,
    EMPHASIS_QUESTIONS,
    FACTORS,
    RED_FLAGS,
    Answers,
    advise,
    answers_from_lines,
    ask,
    read_answers_file,
)
from planner.person.health import CONDITIONS, MEDICINES
from planner.person.health import check_key as check_health_key
from planner.person.profile import (
    ACTIVITIES,
    LIFE_STAGES,
    PROFILE_CAP,
    Settings,
    profile_toml,
    resolve_settings,
)
from planner.person.targets import (
    MAX_ENERGY_BAND,
    MIN_ENERGY_BAND,
    Targets,
    compute_targets,
)
from planner.planning.options import (
    DEFAULT_MIP_GAP,
    DEFAULT_TIME_LIMIT,
    SOLVE_MIP_GAP,
    SolverOptions,
)
from planner.words import and_list, plural

if TYPE_CHECKING:  # pandas, the food table and the solver load only for commands that use them
    from planner.food.catalogue import Catalogue
    from planner.food.data import FoodTable
    from planner.log.foodlog import Entry, SupplementEntry
    from planner.planning.records import WeekPlan


class _Interrupted(Exception):
    """Ctrl-C inside a command, carried past Typer (which would turn it into a silent exit
    130) to the one place that prints it."""


#: Text options that name a file or folder without being a Path option (``batch --out``
#: takes an fsspec URL too): like a Path, any bytes Linux allows may be in them.
_NAME_OPTIONS = frozenset({"out"})


def _check_text(ctx: Any) -> None:
    """Refuse, before the command runs, a text option or argument holding bytes that are
    not UTF-8 (``--exclude $'kale\\xff'``): no food name, date or key has them, and no
    table, log or report can keep them. File names may (Linux allows any bytes): a Path
    option's value is a Path, not text."""
    for param in ctx.command.params:
        if param.name in _NAME_OPTIONS:
            continue
        value = ctx.params.get(param.name)
        for text in value if isinstance(value, list | tuple) else (value,):
            if isinstance(text, str):
                name = param.opts[0] if param.param_type_name == "option" else \
                    str(param.name).upper()
                if param.name == "api_key":  # never shown, even in part
                    if not text.isascii():
                        raise PlannerError(f"{name}: not ASCII text; an FDC API key is "
                                           "letters and digits")
                    continue
                check_utf8(text, name, PlannerError)


class _WholeHelp(io.StringIO):
    """Help drawn in memory and printed in one write, so that Ctrl-C while it is drawn
    prints the one line and never half the help. It is a terminal when standard output is
    (rich draws it as it would have)."""

    def __init__(self, real: Any) -> None:
        super().__init__()
        self.real = real

    def isatty(self) -> bool:
        try:
            return bool(self.real.isatty())
        except (AttributeError, ValueError, OSError):
            return False


def _whole_help(draw: Any, ctx: Any, formatter: Any) -> None:
    buffer = _WholeHelp(sys.stdout)
    with contextlib.redirect_stdout(buffer):
        draw(ctx, formatter)
    raise_if_pressed()  # a Ctrl-C that a module loaded meanwhile swallowed
    formatter.write(buffer.getvalue())


class _Command(typer.core.TyperCommand):
    """A command whose text options are checked before it runs (:func:`_check_text`) and
    whose help is printed whole."""

    def invoke(self, ctx: Any) -> Any:
        _check_text(ctx)
        return super().invoke(ctx)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _whole_help(super().format_help, ctx, formatter)


class _App(typer.Typer):
    """Typer, with :class:`_Command` for every command."""

    def command(self, name: str | None = None, *,
                cls: type[typer.core.TyperCommand] | None = None, **kwargs: Any
                ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        return super().command(name, cls=cls or _Command, **kwargs)


class _Commands(typer.core.TyperGroup):
    """The one place an exception becomes a line on stderr and an exit code."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _whole_help(super().format_help, ctx, formatter)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise _Interrupted() from exc

    def _main_shell_completion(self, ctx_args: Any, prog_name: str,
                               complete_var: str | None = None) -> None:
        """Answer a completion request from a shell script (``_PLANNER_COMPLETE`` set):
        the words that fit, or none. Odd variables (``COMP_CWORD=abc``, no
        ``COMP_WORDS``) or anything else that goes wrong give no words and exit 0: a
        completion is never an error in the middle of someone's command line."""
        instruction = os.environ.get(COMPLETE_VAR)
        if not instruction:
            return
        if instruction == "complete_bash":  # bash says which word is being completed
            words, cword = os.environ.get("COMP_WORDS"), os.environ.get("COMP_CWORD", "")
            if words is None or not cword.isdigit() or int(cword) > len(words.split()):
                sys.exit(0)
        from typer._completion_classes import completion_init

        completion_init()  # Typer's bash, zsh and fish protocols
        try:
            super()._main_shell_completion(ctx_args, prog_name, COMPLETE_VAR)
        except SystemExit:
            raise
        except BaseException:  # nothing may reach the shell's prompt
            sys.exit(0)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:  # Typer turns Ctrl-C while parsing into a silent exit 130 too
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt as exc:
            raise _Interrupted() from exc

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args,
                                **extra)
        if sys.stdout is None:  # started with standard output closed: the output would
            _fail("cannot write output to standard output (standard output is closed); "
                  "redirect it to a file or /dev/null", 1)
        try:
            result = super().main(args, prog_name, complete_var, False, windows_expand_args,
                                  **extra)
        except PlannerError as exc:
            _fail(str(exc), exc.exit_code)
        except typer.TyperException as exc:  # usage errors (exit 2) and file errors
            ctx = getattr(exc, "ctx", None)
            fix = _usage_hint(exc, list(sys.argv[1:] if args is None else args))
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            _fail(fix or (exc.format_message().splitlines() or ["invalid usage"])[0] + hint,
                  exc.exit_code)
        except typer.Abort:
            _fail("aborted", 1)
        except (KeyboardInterrupt, _Interrupted):
            interrupted()
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


def _usage_hint(exc: Exception, args: list[str]) -> str | None:
    """A usage error as the fix for the mistake a newcomer makes: a plain word where an
    option was meant ("planner week female 35", "planner foods magnesium"), an age with
    a unit, a whole number or a choice mistyped. None: the library's message will do."""
    ctx = getattr(exc, "ctx", None)
    if ctx is None or not isinstance(ctx.command, typer.core.TyperCommand):
        return None
    params = ctx.command.params
    options = {o: p for p in params if p.param_type_name == "option" for o in p.opts}
    stray = _stray_words(args, ctx.info_name, options,
                         sum(p.param_type_name == "argument" for p in params))
    if stray is not None:
        words, rest = stray
        meant = [_as_option(w, options) for w in words]
        if words and all(meant):
            path = ["planner", *ctx.command_path.split()[1:]]  # as a person types it
            command = " ".join([*path, *(m for m in meant if m), *(shlex.quote(r) for r in rest)])
            return (f"unexpected {'word' if len(words) == 1 else 'words'} "
                    f"{' '.join(words)!r}: did you mean '{command}'?")
    param = getattr(exc, "param", None)
    if not isinstance(exc, typer.BadParameter) or param is None or not param.opts:
        return None
    opt = param.opts[0]
    given = _given(args, param.opts)
    if given is None:
        return None
    if param.name == "age":
        return "age must be a whole number of years, e.g. --age 35"
    described = getattr(param, "type_descriptor", None)
    if described is not None and described.is_choice and described.choices:
        names = [str(getattr(c, "value", c)) for c in described.choices]
        close = difflib.get_close_matches(given.lower(), names, n=1, cutoff=0.5)
        return (f"{opt}: {given!r} is not one of {', '.join(names)}"
                + (f"; did you mean {close[0]}?" if close else ""))
    number = getattr(described, "annotation", None)
    if number not in (int, float):
        return None
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    def said(x: float) -> str:
        return f"{x:,}" if isinstance(x, int) else f"{x:g}"
    span = (f" from {said(low)} to {said(high)}" if low is not None and high is not None else
            f" of at least {said(low)}" if low is not None else
            f" of at most {said(high)}" if high is not None else "")
    example = param.default if isinstance(param.default, (int, float)) else low
    return (f"{opt} must be {'a whole number' if number is int else 'a number'}{span}"
            + (f", e.g. {opt} {example}" if isinstance(example, (int, float)) else ""))


def _stray_words(args: list[str], name: str | None, options: dict[str, Any], arguments: int
                 ) -> tuple[list[str], list[str]] | None:
    """(words that are neither options nor their values nor the command's arguments, the
    rest of the command line) after the command ``name``; None when it is not found."""
    if name is None or name not in args:
        return None
    tokens = args[args.index(name) + 1:]
    words: list[str] = []
    rest: list[str] = []
    k = 0
    while k < len(tokens):
        token = tokens[k]
        param = options.get(token.split("=", 1)[0])
        if token.startswith("-") and len(token) > 1:
            if param is None and token != "--":  # an unknown option: the words after it
                return None  # may be its value, so click's 'No such option' says it
            takes_value = param is not None and not (param.is_flag or param.count)
            take = 2 if takes_value and "=" not in token else 1
            rest += tokens[k:k + take]
            k += take
            continue
        if arguments:
            arguments -= 1
            rest.append(token)
        else:
            words.append(token)
        k += 1
    return words, rest


def _as_option(word: str, options: dict[str, Any]) -> str | None:
    """The option a plain word was meant for: 'female' -> '--sex female', '35' ->
    '--age 35', 'magnesium' -> '--rich-in magnesium'."""
    if word.lower() in ("female", "male") and "--sex" in options:
        return f"--sex {word.lower()}"
    if word.isdigit() and "--age" in options:
        return f"--age {word}"
    if "--rich-in" in options:
        from planner.planning.suggest import resolve_nutrient

        with contextlib.suppress(PlannerError):
            resolve_nutrient(word)
            return f"--rich-in {word}"
    if word.lower() in ("pregnancy", "lactation") and "--life-stage" in options:
        return f"--life-stage {word.lower()}"
    return None


def _given(args: list[str], opts: Sequence[str]) -> str | None:
    """The value written after the last of ``opts`` on the command line."""
    value = None
    for k, token in enumerate(args):
        head, eq, tail = token.partition("=")
        if head in opts:
            value = tail if eq else (args[k + 1] if k + 1 < len(args) else None)
    return value


#: Characters of an error message printed at most: what it names is cut in the middle.
MESSAGE_CAP = 1000


def _fail(message: str, code: int) -> None:
    with contextlib.suppress(OSError):  # stderr gone too: the exit code must say it
        # one line whatever it names: a newline or a stray byte in a path is escaped (and
        # a byte that a repr() already wrote as \udcff is written as the byte, \xff)
        message = re.sub(r"\\udc([89a-f][0-9a-f])", r"\\x\1", escaped(message))
        if len(message) > MESSAGE_CAP:  # a 10,000-character name is not read back whole
            head, tail = MESSAGE_CAP * 2 // 3, MESSAGE_CAP // 3
            message = (f"{message[:head]} [... {len(message) - head - tail:,} characters "
                       f"left out ...] {message[-tail:]}")
        _say(f"error: {message}")
    sys.exit(code)


def _say(text: str) -> None:
    """A note, warning or error on stderr: at a terminal wrapped between words to its
    width (a person reads it there); elsewhere (a log file, a pipe) one line each."""
    typer.echo(_for_stderr(text), err=True)


def _for_stderr(text: str) -> str:
    """``text`` as :func:`_say` prints it."""
    stream = sys.stderr
    try:
        terminal = stream is not None and stream.isatty()
    except (OSError, ValueError):
        terminal = False
    if not terminal:
        return text
    return "\n".join(line for part in text.split("\n")
                     for line in wrap(part, _stderr_width()))


def _stderr_width() -> int:
    """The columns of the terminal stderr is on: COLUMNS, else the terminal's own."""
    given = os.environ.get("COLUMNS", "")
    if given.isdigit() and int(given) > 0:
        return max(MIN_WIDTH, int(given))
    try:
        return max(MIN_WIDTH, os.get_terminal_size(sys.stderr.fileno()).columns)
    except (OSError, ValueError, AttributeError):
        return DEFAULT_WIDTH


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _placeholder(self: typer.core.TyperOption, ctx: Any) -> str | None:
    """The word after an option in --help: its metavar (``--age YEARS``); nothing after a
    switch (Typer would print ``<bool>``) and no Python type names."""
    if self.metavar is not None:
        return self.metavar or None
    if self.is_flag or self.is_bool_flag:
        return None
    return _TYPER_PLACEHOLDER(self, ctx)


_TYPER_PLACEHOLDER = typer.core.TyperOption.display_type_rich
# Help is planner's own words: a range is said in the option's help where it matters
# ("Days to plan (1-366)", not "[1<=x<=366]"), and placeholders are words a person uses.
typer.core.TyperOption.display_type_rich = _placeholder  # type: ignore[method-assign]
typer.core.TyperOption._get_number_range_help_str = (  # type: ignore[method-assign]
    lambda self: None)
typer.core.TyperArgument.display_type_rich = (  # type: ignore[method-assign]
    lambda self, ctx: None)  # an argument's name is its placeholder (FOOD)


app = _App(cls=_Commands, add_completion=False, no_args_is_help=True,
                  pretty_exceptions_enable=False,
                  help="Mineral-rich foods and weekly meal plans that meet the Dietary "
                       "Reference Intakes. General nutrition information, not medical "
                       "advice.")
profile_app = _App(cls=_Commands, no_args_is_help=True,
                          help="Save or show the profile every command uses by default.")
app.add_typer(profile_app, name="profile")
log_app = _App(cls=_Commands, no_args_is_help=True,
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


def _offer(*words: str) -> Any:
    """A completion for an option's value: ``words`` that start with what is typed."""
    def complete(incomplete: str) -> list[str]:
        return [w for w in words if w.startswith(incomplete)]
    return complete


def _nutrient_words() -> list[str]:
    """What --rich-in takes, for completion: the plain names ('magnesium', 'vitamin_d')
    first, then the names with their units ('magnesium_mg')."""
    from planner.food.nutrients import NUTRIENTS

    names = [n.name for n in NUTRIENTS]
    plain = [n.rsplit("_", 1)[0] for n in names]
    once = [p for p in plain if plain.count(p) == 1]
    return once + names


def _complete_nutrient(incomplete: str) -> list[str]:
    return [w for w in _nutrient_words() if w.startswith(incomplete)]


_PROFILE = "Profile"
_PLAN = "Plan"
_MORE = "Advanced"
_OUT = "Output"

# Help texts fit one line of an 80-column --help; the README says the rest.
ProfileFile = Annotated[Path | None, typer.Option(
    "--profile", metavar="FILE", help="A profile file (default: saved).",
    dir_okay=False, rich_help_panel=_PROFILE)]
SexOpt = Annotated[str | None, typer.Option(metavar="SEX", help="female or male.",
                                            autocompletion=_offer("female", "male"),
                                            rich_help_panel=_PROFILE)]
AgeOpt = Annotated[int | None, typer.Option(metavar="YEARS", help="Age in years, 9 or over.",
                                            rich_help_panel=_PROFILE)]
StageOpt = Annotated[str | None, typer.Option(
    "--life-stage", metavar="STAGE", help="general, pregnancy or lactation.",
    autocompletion=_offer(*LIFE_STAGES), rich_help_panel=_PROFILE)]
WeightOpt = Annotated[float | None, typer.Option("--weight", metavar="KG",
                                                 help="Body weight in kg.",
                                                 rich_help_panel=_PROFILE)]
HeightOpt = Annotated[float | None, typer.Option("--height", metavar="CM", help="Height in cm.",
                                                 rich_help_panel=_PROFILE)]
ActivityOpt = Annotated[str | None, typer.Option(
    metavar="LEVEL", help="sedentary/low/active/very_active.",
    autocompletion=_offer(*ACTIVITIES), rich_help_panel=_PROFILE)]
WeekOpt = Annotated[int | None, typer.Option(
    "--pregnancy-week", metavar="WEEK", help="Week of pregnancy, 1-42.", rich_help_panel=_PROFILE)]
TrimesterOpt = Annotated[int | None, typer.Option(
    "--trimester", metavar="N", help="Trimester 1-3 (week unknown).",
    rich_help_panel=_PROFILE)]
PreWeightOpt = Annotated[float | None, typer.Option(
    "--pre-pregnancy-weight", metavar="KG", help="Weight before the pregnancy.",
    rich_help_panel=_PROFILE)]
PostpartumOpt = Annotated[int | None, typer.Option(
    "--postpartum-months", metavar="MONTHS", help="Months since birth (lactation).",
    rich_help_panel=_PROFILE)]
ConditionOpt = Annotated[list[str] | None, typer.Option(
    "--condition", metavar="NAME", help=" or ".join(CONDITIONS) + "; repeatable.",
    autocompletion=_offer(*CONDITIONS), rich_help_panel=_PROFILE)]
MedicineOpt = Annotated[list[str] | None, typer.Option(
    "--medicine", metavar="NAME", help="e.g. warfarin, ppi (repeatable).",
    autocompletion=_offer(*MEDICINES), rich_help_panel=_PROFILE)]
TargetOpt = Annotated[list[str] | None, typer.Option(
    "--target", metavar="NAME=VALUE", help="e.g. magnesium_mg=400.", rich_help_panel=_PROFILE)]
SupplementOpt = Annotated[list[str] | None, typer.Option(
    "--supplement", metavar="NAME=AMOUNT", help="Daily, e.g. magnesium=200mg.",
    rich_help_panel=_PROFILE)]
DietOpt = Annotated[str | None, typer.Option(
    metavar="DIET", help="omnivore (default), pescatarian, vegetarian or vegan.",
    autocompletion=_offer(*DIETS), rich_help_panel=_PLAN)]
ExcludeOpt = Annotated[list[str] | None, typer.Option(
    "--exclude", metavar="FOOD", help="Leave out a food, a category or tag (fortified, "
    "uv_exposed) or an allergen (dairy, egg, fish, peanuts...); repeatable.",
    rich_help_panel=_PLAN)]
IncludeOpt = Annotated[list[str] | None, typer.Option(
    "--include", metavar="FOOD", help="A food to eat every day (repeatable).",
    rich_help_panel=_PLAN)]
LikeOpt = Annotated[list[str] | None, typer.Option(
    "--like", metavar="FOOD", help="A food or category to prefer (repeatable).",
    rich_help_panel=_PLAN)]
DislikeOpt = Annotated[list[str] | None, typer.Option(
    "--dislike", metavar="FOOD", help="A food or category to avoid (repeatable).",
    rich_help_panel=_PLAN)]
LogOpt = Annotated[Path | None, typer.Option(
    "--log", envvar=LOG_ENV, metavar="FILE", help="The food log (default: 'planner log "
    "path').", dir_okay=False, show_envvar=False, rich_help_panel=_PLAN)]
DateOpt = Annotated[str | None, typer.Option(
    "--date", metavar="DATE", help="2026-11-28, today (default) or yesterday.",
    rich_help_panel=_PLAN)]
MealOpt = Annotated[str | None, typer.Option(
    "--meal", metavar="MEAL", help="breakfast, lunch, dinner or snack (for food without "
    "'lunch:').", rich_help_panel=_PLAN)]
DataOption = Annotated[Path | None, typer.Option(
    "--data", envvar=DATA_ENV, metavar="DIR", help="A food data folder (e.g. from planner "
    "fetch).", show_envvar=False, rich_help_panel=_MORE)]
OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", metavar="FILE", help="Write to this file instead of the terminal.",
    dir_okay=False, rich_help_panel=_OUT)]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite --output if it exists.",
                                        rich_help_panel=_OUT)]


def _format_option(choices: str) -> Any:
    """--format FORMAT, its choices in the help (the Output panel)."""
    return typer.Option("--format", metavar="FORMAT", help=f"{choices} (default: the first).",
                        show_default=False, rich_help_panel=_OUT)


VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Add a footer line with "
                                          "the solver's status, gap and time.",
                                          rich_help_panel=_OUT)]
NoMethodOpt = Annotated[bool, typer.Option("--no-method", help="Leave out how to cook "
                                           "each meal (JSON always has it).",
                                           rich_help_panel=_OUT)]


def _share_meals(text: str) -> str:
    """--share's value, checked: meals by commas (breakfast, lunch, dinner, snack) or
    'all' alone."""
    from planner.food.catalogue import SLOTS

    asked = [w.strip().lower() for w in text.split(",") if w.strip()]
    if "all" in asked and len(asked) > 1:
        raise typer.BadParameter("'all' shares every meal and stands alone (or name "
                                 f"meals by commas: {', '.join(SLOTS)})")
    unknown = [m for m in asked if m not in (*SLOTS, "all")]
    if unknown or not asked:
        raise typer.BadParameter(f"{(unknown or [text])[0][:40]!r} is not a meal (one or "
                                 f"more of {', '.join(SLOTS)}, by commas, or all)")
    return text


def _start_date(text: str) -> datetime.date:
    """--start's value: an ISO date (2026-12-07) from year 1900 to 2999."""
    try:
        date = datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text[:40]!r} is not a date like 2026-12-07") from None
    if not 1900 <= date.year <= 2999:
        raise typer.BadParameter(f"{date.isoformat()} is not between 1900 and 2999")
    return date


StartOpt = Annotated[datetime.date | None, typer.Option(
    "--start", metavar="DATE", parser=_start_date, help="Date of day 1 (2026-12-07); "
    "names the days.", show_default=False, rich_help_panel=_OUT)]


def saved_profile_path() -> Path:
    """Where 'planner profile init' saves the default profile (the user's config dir)."""
    return Path(typer.get_app_dir("planner")) / "profile.toml"


def log_path(given: Path | None = None) -> Path:
    """The food log file: ``--log`` / PLANNER_LOG, else log.sqlite3 in the user data dir
    (one left in the config dir by planner 0.1 is moved there, with a note)."""
    if given is not None:
        return given
    path, note = default_log(user_data_dir(), user_config_dir())
    if note:
        _say(note)
    return path


def _person(sex: str | None, age: int | None, life_stage: str | None = None,
            weight: float | None = None, height: float | None = None,
            activity: str | None = None, condition: list[str] | None = None,
            medicine: list[str] | None = None, stage: tuple[Any, ...] = ()) -> dict[str, Any]:
    """Profile flags as the keys of a profile file (None: not given); ``stage`` is
    (pregnancy week, trimester, pre-pregnancy weight, months postpartum)."""
    return {"sex": sex, "age": age, "life_stage": life_stage, "weight_kg": weight,
            "height_cm": height, "activity": activity, "conditions": condition,
            "medicines": medicine,
            **dict(zip(("pregnancy_week", "trimester", "pre_pregnancy_weight_kg",
                        "postpartum_months"), stage, strict=False))}


def _settings(person: dict[str, Any], profile_file: Path | None, target: list[str] | None,
              supplement: list[str] | None = None, **plan: Any) -> Settings:
    settings = resolve_settings({**person, **plan}, profile_file=profile_file,
                                saved_file=saved_profile_path(), targets=target or (),
                                supplements=supplement or ())
    for notice in settings.notices:  # an old profile file is read, and said so
        _say(escaped(notice))
    return settings


def _targets(settings: Settings, energy_band: float = 0.10, *, noted: bool = False
             ) -> Targets:
    """The person's targets. Their warnings (an override below a DRI, an assumed pregnancy
    week) are said once: on stderr when the output has no place for them, unless it is
    ``noted`` (a plan's notes and the targets report carry them); when the noted output
    goes to a file or a pipe, an assumption is said on stderr too, where the person is."""
    targets = compute_targets(settings.profile, settings.overrides, energy_band=energy_band,
                              supplements=settings.supplements)
    if not noted:
        for warning in targets.warnings:
            _say(warning)
    elif not sys.stdout.isatty():
        for assumed in targets.assumed:
            _say(assumed)
    return targets


def _unnoted(targets: Targets) -> None:
    """The warnings a plan would have noted, on stderr, when there is no plan to note
    them (as :func:`_targets` says them for output that has no notes)."""
    said = () if sys.stdout.isatty() else targets.assumed
    for warning in targets.warnings:
        if warning not in said:
            _say(warning)


def _width(output: Path | None = None) -> int:
    """The columns text reports fill: 80 for an --output file, else COLUMNS, else the
    terminal's, else (a pipe) 80."""
    if output is not None:
        return DEFAULT_WIDTH
    return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def _emit(text: str, output: Path | None, force: bool) -> None:
    """Print, or write ``output`` (see :func:`planner.files.write_output`)."""
    if output is None:
        typer.echo(text, nl=False)
        return
    written = write_output(output, text.encode("utf-8"), force=force)
    _say(f"wrote {escaped(str(written))}")


@contextmanager
def _working(message: str) -> Iterator[Progress]:
    """Progress on stderr while a command works: ``message`` on a terminal at once, and
    what the work reports (see :mod:`planner.output.progress`)."""
    raise_if_pressed()  # the imports are done: a Ctrl-C they swallowed stops here
    with Progress(sys.stderr, sys.stderr.isatty()) as progress:
        progress.status(message)
        yield progress


def _tables(data_dir: Path | None, all_foods: bool = False) -> tuple[FoodTable, Catalogue]:
    from planner.food.catalogue import generic_catalogue, load_catalogue
    from planner.food.data import load_foods

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
          data_dir: Path | None, all_foods: bool, solver: Solver, time_limit: float | None,
          mip_gap: float, energy_band: float, fmt: str, output: Path | None, force: bool,
          around: _Around = _Around(), verbose: bool = False,
          start: datetime.date | None = None, method: bool = True) -> None:
    if output is not None:  # a plan that could not be written is not made
        check_output(output, force=force)
    settings = _settings(person, profile, target, **plan)
    if around.from_log:  # supplements logged that day take the place of the usual ones
        settings = _with_logged_supplements(settings, around)
    noted = fmt != "csv"  # every other format has the plan's notes, warnings among them
    targets = _targets(settings, energy_band, noted=noted)
    try:
        week = _planned(days, settings, targets, data_dir, all_foods, seed, strict_daily,
                        max_days, solver, time_limit, mip_gap, around)
    except PlannerError:
        if noted:
            _unnoted(targets)
        raise
    if start is None and around.keep is not None:  # a redone week keeps its dates
        start = _saved_start(around.keep)
    _emit(format_week(week, fmt, width=_width(output), verbose=verbose, start=start,
                      method=method), output, force)
    if around.redo and output is None:  # say where the new week is: nowhere yet
        _say(f"note: the new week is printed, not saved: add --format json --output FILE to "
             f"keep it (--output {around.keep} --force replaces the week you kept)")
    if week.misses:  # the nearest plan: said on stderr whatever the format
        _say(f"warning: no plan meets every target; this is the nearest, and it misses "
             f"{plural(len(week.misses), 'target')} (the plan's first notes say which and "
             "by how much)")
    if not noted:  # a CSV has no place for the notes (kidney, potassium, vegan B12): stderr
        for note in week.notes:
            if note not in targets.warnings:  # said already
                _say(f"note: {note}")


def _saved_start(path: Path) -> datetime.date | None:
    """The start date a week saved as JSON carries (None when it has none)."""
    import json

    from planner.planning.replan import KEEP_FILE_CAP

    text = read_text(path, limit=KEEP_FILE_CAP, error=PlanRequestError, what="saved week")
    value = json.loads(text).get("start")
    try:
        return None if value is None else _start_date(str(value))
    except typer.BadParameter as exc:
        raise PlanRequestError(f"--keep {path}: start {exc.message}") from None


def _with_logged_supplements(settings: Settings, around: _Around) -> Settings:
    """The settings with the supplements the log holds for --date counted: each takes
    the place of the profile's of its kind (:func:`planner.log.gaps.day_supplements`)."""
    from dataclasses import replace

    from planner.log.gaps import day_supplements

    date = parse_date(around.date)
    with FoodLog(log_path(around.log), "read") as food_log:
        logged = food_log.supplements(date, date)
    if not logged:
        return settings
    return replace(settings, supplements=day_supplements(settings.supplements, logged))


def _planned(days: int, settings: Settings, targets: Targets, data_dir: Path | None,
             all_foods: bool, seed: int, strict_daily: bool, max_days: int, solver: Solver,
             time_limit: float | None, mip_gap: float, around: _Around) -> WeekPlan:
    """The plan :func:`_plan` asks for: a new one, one around a saved week or around food
    eaten, with progress on stderr."""
    from planner.planning.plan import plan_week
    from planner.planning.records import PlanOptions

    options = PlanOptions(days=days, diet=settings.diet or "omnivore",
                          exclude=settings.exclude, include=settings.include, seed=seed,
                          strict_daily=strict_daily, max_days=max_days,
                          like=settings.like, dislike=settings.dislike,
                          solver=SolverOptions(solver=solver.value, time_limit=time_limit,
                                               mip_gap=mip_gap))
    redoing = around.keep is not None or bool(around.redo)
    if redoing and (around.keep is None or not around.redo):
        raise PlanRequestError("--keep and --redo go together: --keep week.json --redo "
                               "'day 3 dinner'")
    saved = None
    if around.keep is not None:  # a file refused costs no table loading
        from planner.planning.replan import read_saved_week

        saved = read_saved_week(around.keep)
    with _working("reading the food data...") as progress:
        table, catalogue = _tables(data_dir, all_foods)
        shown = DayProgress(progress)

        def planning(day: int, of: int) -> None:
            raise_if_pressed()
            shown.day(day, of)
        if saved is not None:
            from planner.planning.replan import parse_redo, redo_week

            redo = [parse_redo(r) for r in around.redo]
            progress.status("planning again: " + ", ".join(around.redo) + "...")
            return redo_week(table, catalogue, targets, saved, redo, options,
                             progress=planning, replanning=shown.again)
        if around.ate is not None or around.from_log:
            from planner.planning.replan import fill_day

            eaten = _eaten(around, table, catalogue)
            progress.status("planning the rest of the day...")
            return fill_day(table, catalogue, targets, eaten, options, progress=planning)
        progress.status(f"planning {plural(days, 'day')}...")
        return plan_week(table, catalogue, targets, options, progress=planning,
                         replanning=shown.again)


def _eaten(around: _Around, table: FoodTable, catalogue: Catalogue) -> list[Any]:
    """What was eaten: --ate text, or the log's entries for --date (both: both)."""
    from planner.food.intake import Eaten, check_meal, parse_eaten

    meal = None if around.meal is None else check_meal(around.meal)
    eaten: list[Eaten] = []
    if around.from_log:
        date = parse_date(around.date)
        with FoodLog(log_path(around.log), "read") as log:
            entries = log.entries(date, date)
        if not entries:
            raise PlanRequestError(f"--from-log: nothing logged for {date.isoformat()} "
                                   "(add it with 'planner log add \"1 medium banana\"')")
        for e in entries:
            if e.food_id not in table.foods.index:
                raise PlanRequestError(f"--from-log: entry #{e.id} ({e.name}) is not in this "
                                       "food table")
            eaten.append(Eaten(e.food_id, e.name, e.grams, e.text, e.said, e.meal or meal,
                               e.food_id in catalogue.entries.index))
    if around.ate is not None:
        eaten += parse_eaten(around.ate, table, catalogue, meal)
    return eaten


SeedOpt = Annotated[int, typer.Option(min=0, max=2**32 - 1, metavar="NUMBER",
                                      help="Another seed, another equally good plan.",
                                      show_default=False, rich_help_panel=_MORE)]
StrictOpt = Annotated[bool, typer.Option("--strict-daily", help="Vitamin D and B12 every "
                                         "day, not on average.",
                                         rich_help_panel=_MORE)]
MaxDaysOpt = Annotated[int, typer.Option("--max-days", min=1, max=7, metavar="DAYS",
                                         help="Days a food may appear in 7 (default 3).",
                                         show_default=False, rich_help_panel=_MORE)]
AllFoodsOpt = Annotated[bool, typer.Option("--all-foods", help="Experimental: every food, "
                                           "generic portions.",
                                           rich_help_panel=_MORE)]
SolverOpt = Annotated[Solver, typer.Option(metavar="NAME", help="highs (default) or cbc.",
                                           show_default=False, rich_help_panel=_MORE)]
TimeLimitOpt = Annotated[float | None, typer.Option(
    "--time-limit", min=0.1, metavar="SECONDS",
    help="A safety net: stop with an error if one solve takes longer (default: none; a "
    "plan never depends on time).", show_default=False, rich_help_panel=_MORE)]
GapOpt = Annotated[float, typer.Option("--mip-gap", min=0.0, max=1.0, metavar="SHARE",
                                       help="Stop at this relative MIP gap (default 0.02).",
                                       show_default=False, rich_help_panel=_MORE)]
BandOpt = Annotated[float, typer.Option("--energy-band", min=MIN_ENERGY_BAND,
                                        max=MAX_ENERGY_BAND, metavar="SHARE",
                                        help="Energy band around the need, 0.01-0.5 "
                                        "(default 0.1).", show_default=False,
                                        rich_help_panel=_MORE)]


@app.command()
def week(sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
         weight: WeightOpt = None, height: HeightOpt = None, activity: ActivityOpt = None,
         pregnancy_week: WeekOpt = None, trimester: TrimesterOpt = None,
         pre_pregnancy_weight: PreWeightOpt = None, postpartum_months: PostpartumOpt = None,
         condition: ConditionOpt = None, medicine: MedicineOpt = None,
         profile: ProfileFile = None, target: TargetOpt = None,
         supplement: SupplementOpt = None,
         days: Annotated[int, typer.Option(min=1, max=366, metavar="DAYS",
                                           help="Days to plan, 1-366 (default 7).",
                                           show_default=False, rich_help_panel=_PLAN)] = 7,
         diet: DietOpt = None, exclude: ExcludeOpt = None, include: IncludeOpt = None,
         like: LikeOpt = None, dislike: DislikeOpt = None,
         seed: SeedOpt = 0, strict_daily: StrictOpt = False, max_days: MaxDaysOpt = 3,
         keep: Annotated[Path | None, typer.Option(
             "--keep", metavar="FILE", help="A week saved as JSON: keep all but --redo.",
             dir_okay=False, rich_help_panel=_PLAN)] = None,
         redo: Annotated[list[str] | None, typer.Option(
             "--redo", metavar="MEAL", help="Plan 'day 3 dinner' or 'day 5' again "
             "(repeatable).", rich_help_panel=_PLAN)] = None,
         data_dir: DataOption = None, all_foods: AllFoodsOpt = False,
         solver: SolverOpt = Solver.highs, time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
         mip_gap: GapOpt = DEFAULT_MIP_GAP, energy_band: BandOpt = 0.10,
         fmt: Annotated[WeekFormat, _format_option("table, markdown, json, csv or html")] =
         WeekFormat.table,
         output: OutputOpt = None, force: ForceOpt = False, start: StartOpt = None,
         verbose: VerboseOpt = False, no_method: NoMethodOpt = False) -> None:
    """Plan a week of meals that meets your targets, with a shopping list.

    Example: planner week --sex female --age 35 --diet vegetarian

    Redo a meal: planner week --keep week.json --redo "day 3 dinner"
    """
    _plan(days, _person(sex, age, life_stage, weight, height, activity, condition, medicine,
                        (pregnancy_week, trimester, pre_pregnancy_weight, postpartum_months)),
          profile, target, {"diet": diet, "exclude": exclude, "include": include,
                            "like": like, "dislike": dislike, "supplement": supplement},
          seed, strict_daily, max_days, data_dir, all_foods, solver, time_limit, mip_gap,
          energy_band, fmt.value, output, force, _Around(keep, tuple(redo or ())), verbose,
          start, not no_method)


@app.command()
def day(sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
        weight: WeightOpt = None, height: HeightOpt = None, activity: ActivityOpt = None,
        pregnancy_week: WeekOpt = None, trimester: TrimesterOpt = None,
        pre_pregnancy_weight: PreWeightOpt = None, postpartum_months: PostpartumOpt = None,
        condition: ConditionOpt = None, medicine: MedicineOpt = None,
        profile: ProfileFile = None, target: TargetOpt = None,
        supplement: SupplementOpt = None, diet: DietOpt = None,
        exclude: ExcludeOpt = None, include: IncludeOpt = None, like: LikeOpt = None,
        dislike: DislikeOpt = None, seed: SeedOpt = 0,
        ate: Annotated[str | None, typer.Option(
            "--ate", metavar="FOODS", help="What you ate today, items separated by ';': "
            "'1 cup cooked oatmeal; lunch: 150 g cooked sockeye salmon'.",
            rich_help_panel=_PLAN)] = None,
        from_log: Annotated[bool, typer.Option(
            "--from-log", help="Plan around what the food log holds for --date.",
            rich_help_panel=_PLAN)] = False,
        date: DateOpt = None, meal: MealOpt = None, log: LogOpt = None,
        data_dir: DataOption = None, all_foods: AllFoodsOpt = False,
        solver: SolverOpt = Solver.highs, time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
        mip_gap: GapOpt = DEFAULT_MIP_GAP, energy_band: BandOpt = 0.10,
        fmt: Annotated[WeekFormat, _format_option("table, markdown, json, csv or html")] =
        WeekFormat.table,
        output: OutputOpt = None, force: ForceOpt = False, start: StartOpt = None,
        verbose: VerboseOpt = False, no_method: NoMethodOpt = False) -> None:
    """Plan one day of meals that meets your targets (vitamin D and B12 included), or the
    rest of today around what you ate (--ate, --from-log).

    Example: planner day --sex male --age 60 --include banana

    Fill the day: planner day --sex female --age 35 --ate "1 cup cooked oatmeal; 1 banana"
    """
    _plan(1, _person(sex, age, life_stage, weight, height, activity, condition, medicine,
                     (pregnancy_week, trimester, pre_pregnancy_weight, postpartum_months)),
          profile, target, {"diet": diet, "exclude": exclude, "include": include,
                            "like": like, "dislike": dislike, "supplement": supplement},
          seed, True, 3, data_dir, all_foods, solver, time_limit, mip_gap, energy_band,
          fmt.value, output, force,
          _Around(ate=ate, from_log=from_log, date=date, meal=meal, log=log), verbose, start,
          not no_method)


@app.command()
def foods(rich_in: Annotated[str, typer.Option("--rich-in", metavar="NUTRIENT",
                                               help="Nutrient, e.g. "
                                               "magnesium_mg, calcium, vitamin_d, b12.",
                                               autocompletion=_complete_nutrient)],
          per: Annotated[Per, typer.Option(metavar="BASIS", help="Rank per serving, 100g or "
                                           "100kcal.")] = Per.serving,
          top: Annotated[int, typer.Option(min=1, max=500, metavar="COUNT",
                                           help="How many foods (1-500).")] = 10,
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
          fmt: Annotated[ListFormat, _format_option("table, markdown, json or csv")] =
          ListFormat.table, output: OutputOpt = None, force: ForceOpt = False) -> None:
    """List the foods richest in a nutrient, with the amount per portion and % of your target.

    Example: planner foods --rich-in magnesium_mg --diet vegan --top 15
    """
    from planner.planning.suggest import rank_foods

    settings = None
    if sex is not None or age is not None or profile is not None or \
            saved_profile_path().is_file():  # else rank without a person's targets
        settings = _settings(_person(sex, age, life_stage, weight, height, activity,
                                     condition, medicine), profile, target, diet=diet,
                             exclude=exclude)
    targets = None if settings is None else _targets(settings)
    use_diet = (settings.diet if settings else diet) or "omnivore"
    with _working("reading the food data..."):
        table, catalogue = _tables(data_dir, all_foods)
        ranking = rank_foods(table, catalogue, targets, rich_in, per=per.value,
                             diet=use_diet, exclude=settings.exclude if settings else
                             tuple(exclude or ()), top=top, absorbable=absorbable)
    _emit(format_foods(ranking, fmt.value, width=_width(output)), output, force)


@app.command()
def explain(food: Annotated[str, typer.Argument(metavar="FOOD", help="A food name or id, "
                                                "e.g. 'cooked spinach' or 11457.")],
            sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
            weight: WeightOpt = None, height: HeightOpt = None, activity: ActivityOpt = None,
            condition: ConditionOpt = None, medicine: MedicineOpt = None,
            profile: ProfileFile = None, target: TargetOpt = None,
            data_dir: DataOption = None,
            fmt: Annotated[TableOrJson, _format_option("table or json")] =
            TableOrJson.table) -> None:
    """Show what one portion of a food brings against your targets.

    Example: planner explain "cooked spinach" --sex female --age 40
    """
    from planner.planning.suggest import explain_food

    settings = _settings(_person(sex, age, life_stage, weight, height, activity, condition,
                                 medicine), profile, target)
    targets = _targets(settings)
    with _working("reading the food data..."):
        table, catalogue = _tables(data_dir)
        result = explain_food(table, catalogue, targets, food)
    typer.echo(format_explain(result, fmt.value, width=_width()), nl=False)


@app.command()
def targets(sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
            weight: WeightOpt = None, height: HeightOpt = None, activity: ActivityOpt = None,
            pregnancy_week: WeekOpt = None, trimester: TrimesterOpt = None,
            pre_pregnancy_weight: PreWeightOpt = None,
            postpartum_months: PostpartumOpt = None,
            condition: ConditionOpt = None, medicine: MedicineOpt = None,
            profile: ProfileFile = None, target: TargetOpt = None,
            supplement: SupplementOpt = None, energy_band: BandOpt = 0.10,
            fmt: Annotated[TableOrJson, _format_option("table or json")] =
            TableOrJson.table) -> None:
    """Show your daily nutrient targets from the Dietary Reference Intakes.

    Example: planner targets --sex female --age 52 --target magnesium_mg=400

    Pregnancy: planner targets --sex female --age 29 --life-stage pregnancy --pregnancy-week 24
    """
    settings = _settings(_person(sex, age, life_stage, weight, height, activity, condition,
                                 medicine, (pregnancy_week, trimester, pre_pregnancy_weight,
                                            postpartum_months)), profile, target, supplement)
    # the table and the JSON both list the warnings: not on stderr as well
    typer.echo(format_targets(_targets(settings, energy_band, noted=True), fmt.value,
                              width=_width()), nl=False)


@app.command()
def solve(
    foods_file: Annotated[Path, typer.Option("--foods", metavar="FILE",
                                             help="FOODS.csv: id, name, optional "
                                             "price and max_units, nutrient columns per "
                                             "unit.")],
    targets_file: Annotated[Path, typer.Option("--targets", metavar="FILE",
                                               help="TARGETS.csv: "
                                               "nutrient,min,max.")],
    objective: Annotated[Objective, typer.Option(metavar="WHAT",
                                                 help="Minimise total cost or energy.")] =
    Objective.cost,
    continuous: Annotated[bool, typer.Option(help="Allow fractional units.")] = False,
    fmt: Annotated[TableOrJson, _format_option("table or json")] =
    TableOrJson.table,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=0.1, metavar="SECONDS",
        help="A safety net: stop with an error if the solve takes longer.")] =
    DEFAULT_TIME_LIMIT,
    groups_file: Annotated[Path | None, typer.Option(
        "--groups", help="GROUPS.csv: group,foods,min,max (foods: ids split by ;), e.g. "
        "dairy,milk;ice cream,,6.", dir_okay=False)] = None,
    mip_gap: Annotated[float, typer.Option(
        "--mip-gap", min=0.0, max=1.0, help="Stop within this relative gap of the optimum "
        "(0: proven optimal; 0.05 trades exactness for time).")] = SOLVE_MIP_GAP,
) -> None:
    """Solve the classic diet problem over your own food table.

    FOODS.csv may give min_units and max_units per food; GROUPS.csv limits named groups.

    Example: planner solve --foods foods.csv --targets targets.csv --objective cost
    """
    from planner.planning.diet import read_foods_csv, read_groups_csv, read_targets_csv, solve_table

    groups = () if groups_file is None else read_groups_csv(groups_file)
    foods_read, targets_read = read_foods_csv(foods_file), read_targets_csv(targets_file)
    with _working("solving..."):
        result = solve_table(foods_read, targets_read, objective=objective.value,
                             continuous=continuous, groups=groups,
                             options=SolverOptions(time_limit=time_limit, mip_gap=mip_gap))
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
        "--answers", metavar="FILE", help="A TOML or JSON file of answers: weakness = false, ..., "
        "conditions = [...], medicines = [...].", dir_okay=False)] = None,
    sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
    profile: ProfileFile = None, diet: DietOpt = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Read no answers from "
                                           "standard input; a red-flag question left "
                                           "unanswered is then an error.")] = False,
    fmt: Annotated[AdviceFormat, _format_option("table, markdown or json")]
    = AdviceFormat.table,
) -> None:
    """A short check for muscle twitches and cramps, then the command that plans for it.

    Red-flag signs first (they mean: see a doctor), then kidney disease and medicines that
    change a mineral-rich plan, common causes, the nutrients to emphasise and the planner
    week command to run: the check prints that command, it plans nothing itself.
    Answers come from flags, --answers FILE or standard input (one yes or no a line, in
    the order asked); in a terminal it asks, and a red-flag, kidney or medicine question
    takes only yes or no (Enter alone asks again). A red-flag question
    nobody answered is an error, never a "no".

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
            asked[key] = ask(key, _read_line, typer.echo)  # Enter alone is not a "no"
            if key in RED_FLAGS and asked[key]:
                break  # one red flag is enough: see a doctor
        collected = collected.merged(asked)
    elif not no_input:  # piped answers, one a line, for the questions still open
        lines = read_input(stdin, limit=ANSWERS_CAP, error=ProfileError,
                           waiting="planner: waiting for answers on standard input (one yes "
                                   "or no a line; end with Ctrl-D, or use --no-input)")
        collected = collected.merged(answers_from_lines(lines.splitlines(),
                                                        collected.missing()))
    known = sex is not None or age is not None or profile is not None or \
        saved_profile_path().is_file()
    if not known and sys.stdin.isatty() and not no_input and \
            not any(collected.get(k) for k in RED_FLAGS):  # for a plan command that runs
        sex, age = _ask_person()
        known = True
    person = None
    if known:
        settings = _settings(_person(sex, age, life_stage), profile, None, diet=diet)
        person, diet = settings.profile, settings.diet
    typer.echo(format_advice(advise(collected, person, diet), fmt.value, width=_width()),
               nl=False)


def _read_line(prompt: str) -> str:
    """A line typed at the terminal after ``prompt``, which is wrapped between words to the
    terminal's width (the terminal would cut a word at its edge); EOFError at Ctrl-D."""
    *above, last = wrap(prompt, _width()) or [""]
    for line in above:
        typer.echo(line)
    with prompting():
        return input(last + " " if prompt.endswith(" ") else last)


def _ask_person() -> tuple[str, int]:
    """Sex and age asked at the terminal, for a plan command that runs; asked again until
    they are an answer."""
    def asked(question: str) -> str:
        try:
            return _read_line(question).strip()
        except EOFError:
            typer.echo("")  # end the prompt's line: the error gets a line of its own
            raise ProfileError("no answer: input ended; give --sex and --age") from None
    sex = asked("Your sex for the DRIs (female or male): ").lower()
    while sex not in ("female", "male"):
        sex = asked("Please answer female or male: ").lower()
    age = asked("Your age in years: ")
    while not age.isdigit():
        age = asked("Please give your age as a whole number of years: ")
    return sex, int(age)


@app.command()
def batch(
    people: Annotated[Path, typer.Argument(
        metavar="PEOPLE", help="People table, CSV or Parquet: id, sex, age and optional "
        "life_stage, weight, height, activity, diet, exclude, include, like, dislike, "
        "conditions, medicines (lists split by ;), days, seed, pregnancy_week, trimester, "
        "pre_pregnancy_weight, postpartum_months, target.<nutrient>, "
        "target.<nutrient>.max.", dir_okay=False)],
    out: Annotated[str, typer.Option("--out", metavar="DIR",
                                     help="Output folder (new, empty, or this "
                                     "batch's with --resume); a path every worker can "
                                     "reach, or an fsspec URL.")],
    workers: Annotated[int | None, typer.Option(min=1, max=256, metavar="COUNT",
                                                help="Local worker processes (1-256; "
                                                "default: every core).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", envvar="DASK_SCHEDULER_ADDRESS", metavar="ADDRESS",
        help="Run on an existing Dask cluster, e.g. tcp://host:8786.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue a stopped batch: "
                                         "people already planned are skipped.")] = False,
    data_dir: DataOption = None,
    fmt: Annotated[TableOrJson, _format_option("The summary as table or json")]
    = TableOrJson.table,
) -> None:
    """Plan a week for every person in a table, in parallel, into Parquet files.

    Writes OUT/items, OUT/days and OUT/people (Parquet parts); a bad or infeasible row is
    recorded with its reason and never stops the batch.

    Example: planner batch people.csv --out results --workers 2
    """
    from planner.planning.batch import read_people, run_batch

    frame = read_people(people)
    data = None if data_dir is None else os.path.abspath(data_dir)  # for every worker
    unwinding_itself()  # a Ctrl-C now stops the workers and keeps what is done
    try:
        with _batch_progress(workers, scheduler) as progress:
            summary = run_batch(frame, out, data_dir=data, workers=workers,
                                scheduler=scheduler, resume=resume, progress=progress)
    except KeyboardInterrupt:
        _say(f"error: interrupted; finished people are saved in {escaped(out)}: run again "
             "with --resume to continue")
        raise typer.Exit(130) from None
    typer.echo(format_batch(summary, out, fmt.value, width=_width()), nl=False)


@contextmanager
def _batch_progress(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """Start-up and per-person progress on stderr: a line rewritten on a terminal, plain
    lines otherwise (see :mod:`planner.output.progress`)."""
    with Progress(sys.stderr, sys.stderr.isatty()) as progress:
        def start(total: int, done: int) -> Any:
            todo = total - done
            count = max(1, workers or os.cpu_count() or 1)
            where = (f"on the Dask cluster at {scheduler}" if scheduler else
                     "in this process" if count == 1 or todo <= 1 else
                     f"starting {plural(count, 'worker')}")
            progress.say(f"planning {plural(todo, 'person', 'people')}"
                         + (f" ({done:,} done before)" if done else "") + f": {where}...")
            finished = [done]
            began = time.monotonic()

            def step(n: int) -> None:
                finished[0] += n
                now, left = finished[0], total - finished[0]
                rate = (now - done) / max(time.monotonic() - began, 1e-9)
                eta = f", about {left / rate:,.0f} s left" if left and rate > 0 else ""
                progress.update(now - done, todo, f"{now:,} of {total:,} people planned{eta}")
            return step
        yield start


class HouseholdFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    csv = "csv"
    html = "html"


@app.command()
def household(
    people: Annotated[Path, typer.Argument(
        metavar="PEOPLE", help="The household, 1-12 members: a CSV with the columns "
        "'planner batch' reads (id, sex, age, weight, height, activity, diet, exclude, "
        "conditions, target.<nutrient> ...), or a TOML file (.toml) with one table per "
        "member, named by their id, holding a saved profile's keys (sex, age, diet ...).",
        dir_okay=False)],
    share: Annotated[str, typer.Option(
        "--share", metavar="MEALS", help="Meals the house eats together: dinner "
        "(default), 'lunch,dinner', or all.", show_default=False, callback=_share_meals,
        rich_help_panel=_PLAN)] = "dinner",
    me: Annotated[str | None, typer.Option(
        "--me", metavar="ID", help="Add your saved profile (planner profile init) as the "
        "member ID.", rich_help_panel=_PLAN)] = None,
    days: Annotated[int, typer.Option(min=1, max=366, metavar="DAYS",
                                      help="Days to plan, 1-366 (default 7).",
                                      show_default=False, rich_help_panel=_PLAN)] = 7,
    seed: SeedOpt = 0, strict_daily: StrictOpt = False, max_days: MaxDaysOpt = 3,
    energy_band: BandOpt = 0.10, data_dir: DataOption = None,
    fmt: Annotated[HouseholdFormat, _format_option("table, markdown, json, csv or html")] =
    HouseholdFormat.table,
    output: OutputOpt = None, force: ForceOpt = False, start: StartOpt = None,
    no_method: NoMethodOpt = False,
) -> None:
    """Plan a week for a household: shared dinners, each member's own targets, one list.

    Each member is planned to their own targets, diet and allergies; a shared meal is one
    dish for everyone, in each member's portion, with a vegetarian's variant where the
    dish has one.

    Example: planner household family.csv --share lunch,dinner
    """
    from planner.food.catalogue import SLOTS
    from planner.planning.household import MAX_MEMBERS, Member, plan_household, read_members

    if output is not None:  # a plan that could not be written is not made
        check_output(output, force=force)
    asked = [w.strip().lower() for w in share.split(",") if w.strip()]  # checked
    meals = tuple(SLOTS) if asked == ["all"] else tuple(asked)
    members = read_members(people, days=days, seed=seed, energy_band=energy_band,
                           strict_daily=strict_daily, max_days=max_days)
    if me is not None:
        from planner.planning.batch import id_problem
        from planner.planning.records import PlanOptions

        problem = id_problem(me)
        if problem:  # the name the plan gives you, as a member's id
            raise PlanRequestError(f"--me {me[:40]!r}: the name {problem}")

        try:
            settings = resolve_settings({}, saved_file=saved_profile_path())
            targets = compute_targets(settings.profile, settings.overrides,
                                      energy_band=energy_band,
                                      supplements=settings.supplements)
        except PlannerError as exc:
            raise PlanRequestError(f"--me {me} (the saved profile): {exc}") from None
        members.insert(0, Member(me, targets, PlanOptions(
            days=days, seed=seed, strict_daily=strict_daily, max_days=max_days,
            diet=settings.diet or "omnivore",
            exclude=settings.exclude, include=settings.include, like=settings.like,
            dislike=settings.dislike), f"--me {me} (the saved profile)"))
        if any(m.id.casefold() == me.casefold() for m in members[1:]):
            raise PlanRequestError(f"--me {me}: {escaped(str(people))} has a member {me!r} "
                                   "too")
        if len(members) > MAX_MEMBERS:  # the file's members were within it
            raise PlanRequestError(f"--me {me}: {escaped(str(people))} has "
                                   f"{len(members) - 1} members, and with you the house "
                                   f"would have {len(members)}; a household has at most "
                                   f"{MAX_MEMBERS} (plan more people apart with 'planner "
                                   "batch')")
    with _working("reading the food data...") as progress:
        table, catalogue = _tables(data_dir)
        shown = DayProgress(progress)

        def planning(day: int, of: int) -> None:
            raise_if_pressed()
            shown.day(day, of)

        def replanning(why: str) -> None:
            progress.say(why)
        progress.status(f"planning {plural(days, 'day')} for "
                        f"{plural(len(members), 'person', 'people')}...")
        plan = plan_household(table, catalogue, members, share=meals, progress=planning,
                              replanning=replanning)
    _emit(format_household(plan, fmt.value, width=_width(output), start=start,
                           method=not no_method), output, force)
    if fmt == HouseholdFormat.csv:  # a CSV has no place for the notes: stderr
        for note in plan.notes:
            _say(f"note: {note}")
        for member, week in zip(plan.members, plan.weeks, strict=True):
            for note in week.notes:
                _say(f"note: {member.id}: {note}")
    misses = [m.id for m, w in zip(plan.members, plan.weeks, strict=True) if w.misses]
    if misses:
        _say(f"warning: no plan meets every target for {and_list(misses)}; theirs is the "
             "nearest (their notes say which targets and by how much)")
    if plan.failed:  # the others are planned (and printed); the exit code says it
        first = plan.failed[0]
        _fail(f"{first.where or first.id}: no week can be planned for {first.id}: "
              f"{first.message}" + (f" (and {len(plan.failed) - 1} more)"
                                   if len(plan.failed) > 1 else ""), 3)


@app.command()
def data(data_dir: DataOption = None) -> None:
    """Summarise the food data: foods, portions and nutrient coverage.

    Example: planner data --data ./fdc-data
    """
    from planner.food.data import coverage, load_foods

    with _working("reading the food data..."):
        table = load_foods(data_dir)
        covered = coverage(table.foods)
    typer.echo(f"{table.origin}: {len(table.foods):,} foods, {len(table.portions):,} portions")
    for row in covered.itertuples(index=False):
        typer.echo(f"  {row.nutrient:<18} {row.known:>6,} known  {row.percent:5.1f} %")


class DataType(StrEnum):
    foundation = "Foundation"
    sr_legacy = "SR Legacy"


def _seconds(bounds: tuple[float, float]) -> dict[str, Any]:
    """Option settings for a number of seconds within ``bounds``: NaN, infinity, a
    negative or an absurd number is a usage error naming the range, never an
    OverflowError deep in a socket (a range alone lets NaN through)."""
    low, high = bounds

    def check(value: float | None) -> float | None:
        if value is not None and not (math.isfinite(value) and low <= value <= high):
            raise typer.BadParameter(f"{value!r} must be a number of seconds from {low:g} "
                                     f"to {high:,g}")
        return value
    return {"min": low, "max": high, "callback": check}


@app.command()
def fetch(
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="Data folder to write: "
                                      "new, empty, or one an earlier refresh wrote (any "
                                      "other folder is refused, nothing changed).")],
    api_key: Annotated[str | None, typer.Option(
        "--api-key", metavar="KEY", help="FDC API key (default: $FDC_API_KEY, else "
        "DEMO_KEY).",
        show_default=False)] = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", metavar="URL", help="FDC API base URL (default: USDA's).",
        show_default=False)] = None,
    data_type: Annotated[list[DataType] | None, typer.Option(
        "--data-type", metavar="TYPE", help="Foundation or 'SR Legacy' (repeatable; "
        "default: both).")] = None,
    ids_from: Annotated[Path | None, typer.Option(
        "--ids-from", metavar="FILE", help="Refresh only these foods: 'catalogue' (the "
        "bundled catalogue's), a CSV with a food_id or fdc_id column, or one id a line.",
        dir_okay=False)] = None,
    timeout: Annotated[float, typer.Option(
        metavar="SECONDS", **_seconds(FETCH_TIMEOUT_RANGE), help="Connect timeout and "
        "longest wait for data (default 30).", show_default=False)] = 30.0,
    deadline: Annotated[float | None, typer.Option(
        metavar="SECONDS", **_seconds(FETCH_DEADLINE_RANGE), help="Longest the whole "
        "refresh may take, retries and waits included; progress is cached (default: no "
        "limit).", show_default=False)] = None,
    attempt_deadline: Annotated[float | None, typer.Option(
        "--attempt-deadline", metavar="SECONDS", **_seconds(FETCH_ATTEMPT_RANGE),
        help="Longest one request may take in all, however slowly the server drips its "
        "answer (default 3 x --timeout).", show_default=False)] = None,
    max_retries: Annotated[int, typer.Option("--max-retries", min=0, max=50, metavar="COUNT",
                                             help="Retries on errors, 429 and 5xx (0-50, "
                                             "default 5).", show_default=False)] = 5,
    backoff: Annotated[float, typer.Option(metavar="SECONDS", **_seconds(FETCH_BACKOFF_RANGE),
                                           help="First retry wait; doubles each retry "
                                           "(default 1).", show_default=False)] = 1.0,
    max_wait: Annotated[float, typer.Option("--max-wait", metavar="SECONDS",
                                            **_seconds(FETCH_MAX_WAIT_RANGE),
                                            help="Longest Retry-After to wait through "
                                            "(default 120).", show_default=False)] = 120.0,
    cache: Annotated[Path | None, typer.Option(
        "--cache", metavar="DIR", help="Resume cache folder, new or empty (default: one "
        "for --out in your cache directory).", show_default=False)] = None,
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=200, metavar="COUNT",
                                           help="Foods per list page (1-200, default "
                                           "200).", show_default=False)] = 200,
    keep_cache: Annotated[bool, typer.Option("--keep-cache", help="Keep the cache after "
                                             "a successful refresh.")] = False,
) -> None:
    """Refresh food data from USDA FoodData Central into a data folder.

    The API key comes from --api-key or FDC_API_KEY (free at
    https://fdc.nal.usda.gov/api-key-signup); it is never printed or stored. A run stopped
    by a rate limit or Ctrl-C leaves OUT unchanged and resumes from its cache next time.

    Example: planner fetch --out fdc-data --ids-from catalogue
    """
    import signal

    from planner.food.data import bundled_dir
    from planner.food.fetch import (
        DEFAULT_BASE_URL,
        FetchOptions,
        api_key_from,
        fetch_food_data,
        format_summary,
        masked,
        redact,
    )

    key, demo = api_key_from(api_key)
    if demo:
        _say("warning: no FDC_API_KEY; using DEMO_KEY, which allows only a few requests "
             "an hour")
    if ids_from is not None and str(ids_from) == "catalogue" and not ids_from.exists():
        ids_from = bundled_dir() / "recommended_foods.csv"
    options = FetchOptions(
        api_key=key, out=out, base_url=base_url or DEFAULT_BASE_URL,
        data_types=tuple(t.value for t in data_type or DataType), ids_from=ids_from,
        timeout=timeout, deadline=deadline, started=STARTED,
        attempt_deadline=attempt_deadline,
        max_retries=max_retries, backoff=backoff,
        max_wait=max_wait, cache=cache, keep_cache=keep_cache, page_size=page_size)

    def terminated(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # unwind like Ctrl-C: the lock goes, the cache stays

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        with _working(f"connecting to FoodData Central at {masked(options.base_url)}..."
                      ) as shown:
            summary = fetch_food_data(options, shown.counter,
                                      lambda text: shown.note(redact(text, key)))
    except KeyboardInterrupt:
        _say(f"error: interrupted; {escaped(str(out))} unchanged, progress kept in the "
             "cache (run again to resume)")
        raise typer.Exit(130) from None
    except PlannerError as exc:  # the key never reaches a message
        raise FetchError(redact(str(exc), key)) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    try:
        typer.echo(redact(format_summary(summary), key), nl=False)
    except OSError as exc:  # stdout is full or closed: the data is written all the same
        raise OutputError(f"cannot print the summary ({exc.strerror}); {out} was "
                          "written") from None


@profile_app.command("init")
def profile_init(sex: SexOpt = None, age: AgeOpt = None, life_stage: StageOpt = None,
                 weight: WeightOpt = None, height: HeightOpt = None,
                 activity: ActivityOpt = None, pregnancy_week: WeekOpt = None,
                 trimester: TrimesterOpt = None, pre_pregnancy_weight: PreWeightOpt = None,
                 postpartum_months: PostpartumOpt = None, condition: ConditionOpt = None,
                 medicine: MedicineOpt = None, target: TargetOpt = None,
                 supplement: SupplementOpt = None,
                 diet: DietOpt = None, exclude: ExcludeOpt = None,
                 include: IncludeOpt = None, like: LikeOpt = None, dislike: DislikeOpt = None,
                 path: Annotated[Path | None, typer.Option(metavar="FILE",
                                                           help="Where to save (default: "
                                                           "your config directory).")] = None,
                 force: ForceOpt = False) -> None:
    """Save your profile so every command uses it without flags.

    Example: planner profile init --sex female --age 52 --diet vegetarian --exclude peanuts
    """
    from planner.food.catalogue import matching_foods
    from planner.planning.plan import check_plan_options
    from planner.planning.records import PlanOptions

    flags = {**_person(sex, age, life_stage, weight, height, activity, condition, medicine,
                       (pregnancy_week, trimester, pre_pregnancy_weight, postpartum_months)),
             "diet": diet, "exclude": exclude, "include": include, "like": like,
             "dislike": dislike}
    settings = resolve_settings(flags, targets=target or (), supplements=supplement or ())
    _targets(settings)  # reject bad overrides now, and warn about risky ones
    with _working("reading the food data..."):
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
    food: Annotated[str | None, typer.Argument(
        metavar="FOOD", help="What you ate: '1 cup cooked oatmeal; 1 medium banana; 150 g "
        "cooked sockeye salmon' (measures, grams or ounces; 'lunch:' places what follows); "
        "supplements too: 'magnesium glycinate 200 mg'.")] = None,
    supplement: Annotated[list[str] | None, typer.Option(
        "--supplement", metavar="NAME=AMOUNT", help="A supplement taken that day, e.g. "
        "magnesium=200mg (repeatable).")] = None,
    date: DateOpt = None, meal: MealOpt = None, log: LogOpt = None,
    data_dir: DataOption = None,
) -> None:
    """Add what you ate, and supplements you took, to the food log (all items or none).

    Example: planner log add "1 cup cooked oatmeal; 1 medium banana" --meal breakfast

    Supplements: planner log add "magnesium glycinate 200 mg" (or --supplement
    magnesium=200mg)
    """
    from planner.log.foodlog import split_logged
    from planner.person.supplements import parse_supplements

    day = parse_date(date)
    food_text, taken = split_logged(food or "")
    given, removed = parse_supplements(supplement or (), "--supplement")
    if removed:
        raise PlanRequestError("--supplement NAME=none: the log keeps what was taken; "
                               "'planner log remove N' removes an entry")
    taken += given
    items: list[Any] = []
    if food_text.strip() or not taken:
        if food is None and not taken:
            raise PlanRequestError("log add: give what you ate (\"1 medium banana\") or "
                                   "a supplement (--supplement magnesium=200mg)")
        from planner.food.intake import parse_eaten

        with _working("reading the food data..."):
            table, catalogue = _tables(data_dir)
            items = parse_eaten(food_text, table, catalogue, meal)
    path = log_path(log)
    with FoodLog(path, "add") as food_log:
        before = food_log.entries(day, day)
        added, supplements = food_log.add_logged(items, taken, day)
    for entry in added:
        typer.echo(f"added #{entry.id} {day.isoformat()} {entry.meal or '(no meal)'}: "
                   + with_amount(entry.text, f"{entry.grams:,.0f} g"))
    for s in supplements:
        typer.echo(f"added #{s.id} {day.isoformat()} supplement: {s.text}")
    twice = repeats(added, before)
    if twice:  # the same breakfast logged twice is a mistake more often than a meal
        new = and_list(f"#{e.id}" for e, _ in twice)
        removes = "; ".join(f"planner log remove {e.id}" for e, _ in twice)
        _say(f"note: {new} {'repeats' if len(twice) == 1 else 'repeat'} "
             f"{and_list(f'#{e.id}' for _, e in twice)}, logged before for the same "
             f"meal; if you ate it once, take the new "
             f"{'entry' if len(twice) == 1 else 'entries'} out: {removes}")


def _logged(date: str | None, week: bool, log: Path | None
            ) -> tuple[datetime.date, datetime.date, list[Entry], list[SupplementEntry]]:
    """The log's food entries and supplements for --date (default today), or the 7 days
    ending on it."""
    end = parse_date(date)
    start = end - datetime.timedelta(days=6) if week else end
    with FoodLog(log_path(log), "read") as food_log:
        return start, end, food_log.entries(start, end), food_log.supplements(start, end)


@log_app.command("show")
def log_show(date: DateOpt = None,
             week: Annotated[bool, typer.Option("--week", help="The 7 days ending on "
                                                "--date.")] = False,
             log: LogOpt = None, data_dir: DataOption = None,
             fmt: Annotated[LogFormat, _format_option("table, json or csv")]
             = LogFormat.table) -> None:
    """Show what the food log holds for a day (default today) or a week.

    Example: planner log show --week
    """
    from planner.output.report import format_log

    start, end, entries, supplements = _logged(date, week, log)
    table = None
    if fmt == LogFormat.table and entries:
        with _working("reading the food data..."):
            table = _tables(data_dir)[0]
    span = end.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
    typer.echo(format_log(entries, table, fmt.value, f"Food log, {span}", width=_width(),
                          supplements=supplements), nl=False)


@log_app.command("remove")
def log_remove(entry: Annotated[int, typer.Argument(
                   metavar="ENTRY", help="The entry's number (#) from 'planner log show'.")],
               log: LogOpt = None) -> None:
    """Remove one entry from the food log.

    Example: planner log remove 12
    """
    with FoodLog(log_path(log), "write") as food_log:
        removed = food_log.remove(entry)
    where = getattr(removed, "meal", None) or ("supplement" if hasattr(removed, "form")
                                               else "-")
    typer.echo(f"removed #{removed.id} {removed.date.isoformat()} {where}: {removed.text}")


@log_app.command("export")
def log_export(fmt: Annotated[LogFormat, _format_option("csv or json")]
               = LogFormat.csv, log: LogOpt = None, output: OutputOpt = None,
               force: ForceOpt = False) -> None:
    """Export the whole food log as CSV or JSON.

    Example: planner log export --format json --output log.json
    """
    from planner.output.report import format_log

    if fmt == LogFormat.table:
        raise PlanRequestError("export: --format csv or json")
    with FoodLog(log_path(log), "read") as food_log:
        entries, supplements = food_log.entries(), food_log.supplements()
    _emit(format_log(entries, None, fmt.value, supplements=supplements), output, force)


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
         profile: ProfileFile = None, target: TargetOpt = None,
         supplement: SupplementOpt = None, diet: DietOpt = None,
         exclude: ExcludeOpt = None, dislike: DislikeOpt = None, date: DateOpt = None,
         week: Annotated[bool, typer.Option("--week", help="The 7 days ending on --date.",
                                            rich_help_panel=_PLAN)] = False,
         log: LogOpt = None, data_dir: DataOption = None,
         fmt: Annotated[GapFormat, _format_option("table, markdown, json or html")] =
         GapFormat.table,
         output: OutputOpt = None, force: ForceOpt = False) -> None:
    """Compare what you logged with your targets, and list foods that close each gap.

    Example: planner gaps --week
    """
    from planner.log.gaps import gap_report
    from planner.output.report import format_gaps

    settings = _settings(_person(sex, age, life_stage, weight, height, activity, condition,
                                 medicine), profile, target, supplement, diet=diet,
                         exclude=exclude, dislike=dislike)
    targets = _targets(settings)
    start, end, entries, supplements = _logged(date, week, log)
    with _working("reading the food data..."):
        table, catalogue = _tables(data_dir)
        report = gap_report(entries, start, end, targets, table, catalogue,
                            diet=settings.diet or "omnivore", exclude=settings.exclude,
                            dislike=settings.dislike, supplements=supplements)
    _emit(format_gaps(report, fmt.value, width=_width(output)), output, force)


def _print_version(value: bool) -> None:
    if value:
        from planner import __version__

        typer.echo(f"planner {__version__}")
        raise typer.Exit()


def _install_completion(value: bool) -> None:
    if value:
        from planner.completion import current_shell, install

        for line in install(current_shell()):
            typer.echo(line)
        typer.echo("Tab completion works in shells started from now on.")
        raise typer.Exit()


def _show_completion(value: bool) -> None:
    if value:
        from planner.completion import current_shell, script

        typer.echo(script(current_shell()), nl=False)
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print planner's version and exit.")] = False,
          install_completion: Annotated[bool, typer.Option(
              "--install-completion", callback=_install_completion, is_eager=True,
              help="Add tab completion for your shell ($SHELL: bash, zsh or fish): a "
              "script in its completion folder.")] = False,
          show_completion: Annotated[bool, typer.Option(
              "--show-completion", callback=_show_completion, is_eager=True,
              help="Print the completion script for your shell, to install it "
              "yourself.")] = False) -> None:
    """Mineral-rich foods and weekly meal plans that meet the Dietary Reference Intakes."""


def _unwrapped(doc: str) -> str:
    """A docstring as --help prose: paragraphs kept, the source's line breaks within a
    paragraph joined (Rich prints a single newline as a line break, so a paragraph wrapped
    at 100 columns in the source came out ragged at 80)."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _help_from_docstrings(*apps: typer.Typer) -> None:
    """Every command's help is its docstring, unwrapped (see :func:`_unwrapped`)."""
    for each in apps:
        for info in each.registered_commands:
            if info.help is None and info.callback is not None and info.callback.__doc__:
                info.help = _unwrapped(info.callback.__doc__)


_help_from_docstrings(app, profile_app, log_app)


def main(args: Sequence[str] | None = None) -> None:
    """Console-script entry point (``args``: instead of the command line's)."""
    os.environ.setdefault("TYPER_USE_RICH", "1")
    app(args=None if args is None else list(args), prog_name="planner")
