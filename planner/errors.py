"""The project's error tree. The library raises these; only the CLI prints them.

    PlannerError                  anything the user can fix; message is one line
    +-- DatasetError              a food table, catalogue or data directory is wrong
    +-- ProfileError              a profile, target override or profile file is wrong
    +-- PlanRequestError          a plan option is wrong (unknown diet, exclusion, food)
    +-- SafetyError               a plan needs limits only a clinician can set
    +-- InfeasiblePlanError       no plan can meet the targets; carries the diagnosis
    +-- SolverError               the solver failed or gave up without an answer
    +-- FetchError                talking to FoodData Central failed
    +-- OutputError               a report could not be written where asked
    +-- IntakeError               what a person ate could not be read (food, amount)
    +-- LogError                  the food log database cannot be used as it is

Foreign exceptions (pandas parser errors, OSError, JSON errors) are mapped to these where
they happen, raised ``from`` the original so a developer can still see the cause.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class PlannerError(Exception):
    """Base class: a problem the user can fix. ``str(error)`` is a one-line message."""

    exit_code = 1


class DatasetError(PlannerError):
    """A food table, catalogue or data directory is missing, corrupt or malformed."""


class ProfileError(PlannerError):
    """A profile value, profile file or target override is invalid."""


class PlanRequestError(PlannerError):
    """A planning option is invalid (unknown diet, exclusion name or food)."""


class SafetyError(PlannerError):
    """A plan would not be safe for this person without limits only a clinician can set
    (kidney disease, medicines that raise potassium): the message says what to ask."""


@dataclass(frozen=True)
class Shortfall:
    """One target a plan cannot meet: ``amount`` is how far off it stays, in the unit."""

    nutrient: str
    bound: str  # "min" or "max"
    target: float
    amount: float
    days: tuple[int, ...]  # 1-based day numbers; empty means the whole-period average


class InfeasiblePlanError(PlannerError):
    """No plan meets the targets with the foods allowed. Carries what fails and by how much."""

    exit_code = 3

    def __init__(self, message: str, shortfalls: Sequence[Shortfall] = (),
                 suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.shortfalls = tuple(shortfalls)
        self.suggestions = tuple(suggestions)


class SolverError(PlannerError):
    """The solver failed, was not available or stopped without a usable answer."""


class FetchError(PlannerError):
    """Downloading from FoodData Central failed (network, rate limit, key, bad response)."""


class ClusterError(PlannerError):
    """The Dask scheduler could not be reached, or the cluster lost the batch's work."""


class OutputError(PlannerError):
    """A report or data file could not be written where the user asked."""


class IntakeError(PlannerError):
    """What a person ate could not be read: an unknown or ambiguous food, a measure USDA
    does not give for it, an implausible amount. The message lists the closest matches."""


class LogError(PlannerError):
    """The food log database is not one planner can use (corrupt, another program's, a
    newer schema, locked too long); it is left exactly as it is."""


def reason(exc: BaseException) -> str:
    """One line saying why a foreign exception happened, for a ``PlannerError`` message.

    The first line of the message; for an exception without one, the first non-empty cause
    in its chain, else its class name; at most 200 characters.
    """
    current: BaseException | None = exc
    while current is not None:
        lines = str(current).strip().splitlines()
        if lines:
            return lines[0][:200]
        current = current.__cause__ or current.__context__
    return type(exc).__name__
