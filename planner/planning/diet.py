"""The generic diet problem over a user's own food table (``planner solve``).

FOODS.csv: ``id``, ``name``, optional ``price`` (per unit), optional ``min_units`` and
``max_units`` (per food), and any canonical nutrient columns (:mod:`planner.food.nutrients`)
giving the amount *per unit*. An empty nutrient cell is unknown: it counts as 0 (so a
minimum is never met on paper by a value nobody measured) and is reported.

TARGETS.csv: ``nutrient,min,max``; either bound may be empty. A nutrient may have its min
on one line and its max on another; two mins or two maxes for one nutrient are an error.

GROUPS.csv (optional): ``group,foods,min,max``: the units of the foods listed (ids split by
``;``) add up to between min and max, e.g. ``dairy,milk;ice cream,,6``.

The model minimises total price (or energy) subject to the bounds, with whole units unless
``continuous``, solved to proven optimality unless a relative ``mip_gap`` is given. When no
selection meets every bound, an elastic model (each bound may be missed, at a cost per
relative miss) diagnoses it: the error names every unmet bound and by how much.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from planner.errors import (
    DatasetError,
    InfeasiblePlanError,
    PlanRequestError,
    Shortfall,
    reason,
)
from planner.files import MIB, read_text
from planner.food.nutrients import BY_NAME, NUTRIENT_NAMES, display_name, suggest, unit_label
from planner.planning.model import Bound, SolverInfo, SolverOptions, met, solve_diet
from planner.planning.options import SOLVE_MIP_GAP

Objective = Literal["cost", "energy"]
FOOD_KEYS: Final = ("id", "name", "price", "min_units", "max_units")
GROUP_KEYS: Final = ("group", "foods", "min", "max")
#: Largest value a cell may hold: beyond it no food is plausible and the solver's numerics
#: break down (1e300 made HiGHS fail inside PuLP).
MAX_VALUE: Final = 1e9
#: A user's foods or targets file is a table of a few hundred rows at most.
CSV_CAP: Final = 16 * MIB


@dataclass(frozen=True)
class DietTarget:
    nutrient: str
    min: float | None
    max: float | None


@dataclass(frozen=True)
class DietGroup:
    """The units of ``foods`` (ids) add up to between ``min`` and ``max``."""

    name: str
    foods: tuple[str, ...]
    min: float | None
    max: float | None


@dataclass(frozen=True)
class DietItem:
    id: str
    name: str
    units: float


@dataclass(frozen=True)
class DietResult:
    """An optimal (or best within the time limit) selection meeting every bound."""

    objective_name: str
    objective: float
    items: tuple[DietItem, ...]
    totals: dict[str, float]
    unknown: dict[str, tuple[str, ...]]
    targets: tuple[DietTarget, ...]
    info: SolverInfo
    groups: tuple[DietGroup, ...] = ()
    group_totals: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"schema": "planner.solve/1", "status": self.info.status,
                "objective": round(self.objective, 6), "objective_name": self.objective_name,
                "items": [{"id": i.id, "name": i.name, "units": i.units} for i in self.items],
                "totals": {n: round(v, 6) for n, v in self.totals.items()},
                "unknown": {n: list(v) for n, v in self.unknown.items()},
                "groups": {g.name: round(self.group_totals.get(g.name, 0.0), 6)
                           for g in self.groups},
                "solver": self.info.as_dict()}


def read_foods_csv(path: str | Path) -> pd.DataFrame:
    """Read FOODS.csv; return a frame indexed by id with name, price, max_units, nutrients."""
    file = Path(path)
    raw = _read(file)
    for column in ("id", "name"):
        if column not in raw.columns:
            raise DatasetError(f"{file}: missing column {column}")
    unknown = [c for c in raw.columns if c not in FOOD_KEYS and c not in BY_NAME]
    if unknown:
        raise DatasetError(f"{file}: unknown column {unknown[0]}{_hint(unknown[0])}; "
                           f"accepted: {', '.join(FOOD_KEYS)} and the nutrients "
                           f"{', '.join(NUTRIENT_NAMES)}")
    if (raw["id"].fillna("") == "").any():
        raise DatasetError(f"{file}: column id: empty id")
    if raw["id"].duplicated().any():
        first = raw["id"][raw["id"].duplicated()].iloc[0]
        raise DatasetError(f"{file}: column id: duplicate id {first!r}")
    frame = raw.set_index("id")
    for column in frame.columns:
        if column == "name":
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            first = frame.index[bad.to_numpy()][0]
            raise DatasetError(f"{file}: column {column}: non-numeric value "
                               f"{frame.loc[first, column]!r} for food {first!r}")
        if (values < 0).any():
            first = frame.index[(values < 0).to_numpy()][0]
            raise DatasetError(f"{file}: column {column}: negative value for food {first!r}")
        huge = ~np.isfinite(values) | (values > MAX_VALUE)
        if (huge & values.notna()).any():
            first = frame.index[(huge & values.notna()).to_numpy()][0]
            raise DatasetError(f"{file}: column {column}: {frame.loc[first, column]!r} for "
                               f"food {first!r} is not a finite number up to {MAX_VALUE:g}")
        frame[column] = values.astype(float)
    if frame.empty:
        raise DatasetError(f"{file}: no foods")
    if "min_units" in frame.columns and "max_units" in frame.columns:
        crossed = frame["min_units"] > frame["max_units"]
        if crossed.any():
            first = frame.index[crossed.to_numpy()][0]
            raise DatasetError(f"{file}: food {first!r}: min_units "
                               f"{frame.loc[first, 'min_units']:g} is above max_units "
                               f"{frame.loc[first, 'max_units']:g}")
    return frame


#: Words people write for a nutrient column, and the canonical name they mean.
_ALIASES: Final = {"calories": "energy_kcal", "kcal": "energy_kcal", "energy": "energy_kcal"}


def _hint(name: str) -> str:
    hint = _ALIASES.get(name.strip().lower()) or suggest(name)
    return f" (did you mean {hint}?)" if hint else ""


def read_targets_csv(path: str | Path) -> tuple[DietTarget, ...]:
    """Read TARGETS.csv (``nutrient,min,max``)."""
    file = Path(path)
    raw = _read(file)
    for column in ("nutrient", "min", "max"):
        if column not in raw.columns:
            raise DatasetError(f"{file}: missing column {column}")
    out: dict[str, DietTarget] = {}
    lines: dict[str, int] = {}
    for number, row in enumerate(raw.itertuples(index=False), 2):
        name = str(row.nutrient).strip()
        if name not in BY_NAME:
            raise DatasetError(f"{file}: line {number}: unknown nutrient {name!r}"
                               f"{_hint(name)}; accepted: {', '.join(NUTRIENT_NAMES)}")
        low, high = _bounds(file, number, name, row.min, row.max)
        if name in out:  # a min on one line and a max on another are one target
            out[name] = _merged(file, (lines[name], number), out[name],
                                DietTarget(name, low, high))
        else:
            out[name], lines[name] = DietTarget(name, low, high), number
    if not out:
        raise DatasetError(f"{file}: no targets")
    return tuple(out.values())


def _merged(file: Path, numbers: tuple[int, int], first: DietTarget, second: DietTarget
            ) -> DietTarget:
    """One target from a nutrient's two lines: the min of one and the max of the other;
    DatasetError naming both lines when both give a min or both a max (which one is
    meant is not for planner to guess)."""
    where = f"{file}: lines {numbers[0]} and {numbers[1]}: {first.nutrient}"
    for side in ("min", "max"):
        a, b = getattr(first, side), getattr(second, side)
        if a is not None and b is not None:
            raise DatasetError(f"{where} has a {side} on both ({a:g} and {b:g}); give each "
                               "nutrient's min and max once")
    low = first.min if first.min is not None else second.min
    high = first.max if first.max is not None else second.max
    if low is not None and high is not None and low > high:
        raise DatasetError(f"{where}: min {low:g} is above max {high:g}")
    return DietTarget(first.nutrient, low, high)


def read_groups_csv(path: str | Path) -> tuple[DietGroup, ...]:
    """Read GROUPS.csv (``group,foods,min,max``; foods are ids split by ``;``)."""
    file = Path(path)
    raw = _read(file)
    for column in GROUP_KEYS:
        if column not in raw.columns:
            raise DatasetError(f"{file}: missing column {column} (columns: "
                               f"{', '.join(GROUP_KEYS)})")
    extra = [c for c in raw.columns if c not in GROUP_KEYS]
    if extra:
        raise DatasetError(f"{file}: unknown column {extra[0]}; accepted: "
                           f"{', '.join(GROUP_KEYS)}")
    out: list[DietGroup] = []
    for number, row in enumerate(raw.itertuples(index=False), 2):
        name = "" if _empty(row.group) else str(row.group).strip()
        if not name:
            raise DatasetError(f"{file}: line {number}: empty group name")
        if any(g.name == name for g in out):
            raise DatasetError(f"{file}: line {number}: duplicate group {name!r}")
        members = () if _empty(row.foods) else tuple(
            f.strip() for f in str(row.foods).split(";") if f.strip())
        if not members:
            raise DatasetError(f"{file}: line {number}: group {name!r} lists no foods "
                               "(ids split by ';')")
        low, high = _bounds(file, number, name, row.min, row.max)
        out.append(DietGroup(name, members, low, high))
    return tuple(out)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or \
        str(value).strip() == ""


def _bounds(file: Path, number: int, name: str, *values: Any) -> tuple[float | None, ...]:
    """A row's min and max: None when empty, else a number from 0 to MAX_VALUE."""
    bounds: list[float | None] = []
    for label, value in zip(("min", "max"), values, strict=True):
        if _empty(value):
            bounds.append(None)
            continue
        try:
            number_value = float(str(value))
        except ValueError:
            raise DatasetError(f"{file}: line {number}: {label} {value!r} is not a "
                               "number") from None
        if not math.isfinite(number_value) or number_value < 0 or number_value > MAX_VALUE:
            raise DatasetError(f"{file}: line {number}: {label} {value!r} must be a "
                               f"number from 0 to {MAX_VALUE:g}")
        bounds.append(number_value)
    low, high = bounds
    if low is None and high is None:
        raise DatasetError(f"{file}: line {number}: {name} has neither min nor max")
    if low is not None and high is not None and low > high:
        raise DatasetError(f"{file}: line {number}: {name} min {low:g} is above max "
                           f"{high:g}")
    return low, high


def _read(file: Path) -> pd.DataFrame:
    text = read_text(file, limit=CSV_CAP, error=DatasetError)
    try:
        # the header as written first: pandas renames a second protein_g to protein_g.1
        header = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                             header=None, nrows=1, skipinitialspace=True)
        seen: dict[str, int] = {}
        for number, name in enumerate((str(n).strip() for n in header.iloc[0]), start=1):
            if name in seen:
                raise DatasetError(f"{file}: column {name!r} appears twice (columns "
                                   f"{seen[name]} and {number}); name each column once")
            seen[name] = number
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                           na_values=[""], skipinitialspace=True)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as exc:
        raise DatasetError(f"{file}: unreadable CSV ({reason(exc)})") from exc


def solve_table(foods: pd.DataFrame, targets: tuple[DietTarget, ...], *,
                objective: Objective = "cost", continuous: bool = False,
                groups: tuple[DietGroup, ...] = (),
                options: SolverOptions = SolverOptions(mip_gap=SOLVE_MIP_GAP)) -> DietResult:
    """Solve the diet problem; raise :class:`InfeasiblePlanError` naming unmet bounds.

    Integer problems are solved to ``options.mip_gap`` (0 by default: proven optimal).
    """
    if objective == "cost":
        if "price" not in foods.columns or foods["price"].isna().any():
            missing = "column price" if "price" not in foods.columns else \
                f"a price for food {foods.index[foods['price'].isna().to_numpy()][0]!r}"
            raise PlanRequestError(f"objective cost: FOODS.csv has no {missing}; add prices "
                                   "or use --objective energy")
        cost = foods["price"].to_numpy(dtype=float)
    elif objective == "energy":
        if "energy_kcal" not in foods.columns or foods["energy_kcal"].isna().any():
            raise PlanRequestError("objective energy: FOODS.csv needs an energy_kcal value "
                                   "for every food")
        cost = foods["energy_kcal"].to_numpy(dtype=float)
    else:
        raise PlanRequestError(f"objective: {objective!r} is not cost or energy")
    for t in targets:
        if t.nutrient not in foods.columns:
            raise PlanRequestError(f"target {t.nutrient}: FOODS.csv has no {t.nutrient} column")
    ids = [str(i) for i in foods.index]
    for g in groups:
        missing_ids = [f for f in g.foods if f not in ids]
        if missing_ids:
            raise PlanRequestError(f"group {g.name}: no food with id {missing_ids[0]!r} in "
                                   "FOODS.csv")
    upper = (foods["max_units"].fillna(math.inf).to_numpy(dtype=float)
             if "max_units" in foods.columns else np.full(len(foods), math.inf))
    lower = (foods["min_units"].fillna(0.0).to_numpy(dtype=float)
             if "min_units" in foods.columns else np.zeros(len(foods)))
    bounds = [Bound(t.nutrient, foods[t.nutrient].fillna(0.0).to_numpy(dtype=float),
                    t.min, t.max, scale=_scale(t.min, t.max)) for t in targets]
    membership = {g.name: np.array([1.0 if i in g.foods else 0.0 for i in ids])
                  for g in groups}
    bounds += [Bound(f"group_{n}", membership[g.name], g.min, g.max, scale=_scale(g.min, g.max))
               for n, g in enumerate(groups)]
    solution = solve_diet(cost, upper, bounds, integer=not continuous, options=options,
                          lower=lower, elastic=False)
    if solution.info.status == "infeasible":
        _diagnose(cost, lower, upper, bounds, targets, groups, continuous, options)
    nutrient_columns = [c for c in foods.columns if c in BY_NAME]
    units = solution.units
    values = foods[nutrient_columns].to_numpy(dtype=float)
    totals = np.nansum(values * units[:, None], axis=0)
    used = units > 1e-9
    unknown = {n: tuple(foods.index[used & np.isnan(values[:, j])])
               for j, n in enumerate(nutrient_columns)}
    items = tuple(DietItem(str(i), str(foods.loc[i, "name"]), round(float(u), 6))
                  for i, u in zip(foods.index, units, strict=True) if u > 1e-9)
    return DietResult(objective, float(cost @ units), items,
                      {n: float(v) for n, v in zip(nutrient_columns, totals, strict=True)},
                      {n: v for n, v in unknown.items() if v}, targets, solution.info,
                      groups, {g.name: float(membership[g.name] @ units) for g in groups})


def _scale(low: float | None, high: float | None) -> float:
    return max(low or high or 1.0, 1e-9)


def _diagnose(cost: np.ndarray, lower: np.ndarray, upper: np.ndarray, bounds: list[Bound],
              targets: tuple[DietTarget, ...], groups: tuple[DietGroup, ...],
              continuous: bool, options: SolverOptions) -> None:
    """Raise :class:`InfeasiblePlanError` naming the bounds an elastic model must miss.

    The elastic model minimises only the relative misses, so the diagnosis does not depend
    on prices.
    """
    solution = solve_diet(np.zeros_like(cost), upper, bounds, integer=not continuous,
                          options=options, lower=lower, elastic=True)
    shortfalls: list[Shortfall] = []
    parts: list[str] = []
    named = [(t.nutrient, t.min, t.max, display_name(t.nutrient), unit_label(t.nutrient))
             for t in targets]
    named += [(f"group_{n}", g.min, g.max, f"group {g.name}", "units")
              for n, g in enumerate(groups)]
    for (key, low, high, label, unit), bound in zip(named, bounds, strict=True):
        for side, limit in (("lo", low), ("hi", high)):
            slack = solution.slack.get(f"{bound.name}:{side}", 0.0)
            if limit is None or met(slack):
                continue
            shortfall = Shortfall(key if key in BY_NAME else label,
                                  "min" if side == "lo" else "max", limit,
                                  slack * bound.scale, ())
            shortfalls.append(shortfall)
            parts.append(f"{label} {'needs' if side == 'lo' else 'limit'} {limit:g} {unit}: "
                         f"{'short' if side == 'lo' else 'over'} by {shortfall.amount:.4g}")
    if not parts:  # the per-food bounds alone cannot hold (a rounding corner): say so
        parts.append("the per-food min_units and max_units cannot all hold")
    raise InfeasiblePlanError("no selection of these foods meets the targets: "
                              + "; ".join(parts), shortfalls,
                              ("add foods, change min_units or max_units, or relax a target "
                               "or a group limit",))
