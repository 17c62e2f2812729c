"""The generic diet problem over a user's own food table (``planner solve``).

FOODS.csv: ``id``, ``name``, optional ``price`` (per unit), optional ``max_units``, and any
canonical nutrient columns (:mod:`planner.food.nutrients`) giving the amount *per unit*. An empty
nutrient cell is unknown: it counts as 0 (so a minimum is never met on paper by a value
nobody measured) and is reported.

TARGETS.csv: ``nutrient,min,max``; either bound may be empty.

The model minimises total price (or energy) subject to the bounds, with whole units unless
``continuous``. Bounds are elastic, so an impossible table is diagnosed: the error names
every unmet bound and by how much.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
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
from planner.food.nutrients import BY_NAME, display_name, suggest, unit_label
from planner.planning.model import Bound, SolverInfo, SolverOptions, met, solve_diet

Objective = Literal["cost", "energy"]
FOOD_KEYS: Final = ("id", "name", "price", "max_units")
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

    def as_dict(self) -> dict[str, Any]:
        return {"schema": "planner.solve/1", "status": self.info.status,
                "objective": round(self.objective, 6), "objective_name": self.objective_name,
                "items": [{"id": i.id, "name": i.name, "units": i.units} for i in self.items],
                "totals": {n: round(v, 6) for n, v in self.totals.items()},
                "unknown": {n: list(v) for n, v in self.unknown.items()},
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
        hint = suggest(unknown[0])
        raise DatasetError(f"{file}: unknown column {unknown[0]}"
                           + (f" (did you mean {hint}?)" if hint else
                              " (nutrient columns use canonical names such as magnesium_mg)"))
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
    return frame


def read_targets_csv(path: str | Path) -> tuple[DietTarget, ...]:
    """Read TARGETS.csv (``nutrient,min,max``)."""
    file = Path(path)
    raw = _read(file)
    for column in ("nutrient", "min", "max"):
        if column not in raw.columns:
            raise DatasetError(f"{file}: missing column {column}")
    out = []
    for number, row in enumerate(raw.itertuples(index=False), 2):
        name = str(row.nutrient).strip()
        if name not in BY_NAME:
            hint = suggest(name)
            raise DatasetError(f"{file}: line {number}: unknown nutrient {name!r}"
                               + (f" (did you mean {hint}?)" if hint else ""))
        bounds: list[float | None] = []
        for label, value in (("min", row.min), ("max", row.max)):
            if value is None or (isinstance(value, float) and math.isnan(value)) or \
                    str(value).strip() == "":
                bounds.append(None)
                continue
            try:
                number_value = float(str(value))
            except ValueError:
                raise DatasetError(f"{file}: line {number}: {label} {value!r} is not a "
                                   "number") from None
            if not math.isfinite(number_value) or number_value < 0 or \
                    number_value > MAX_VALUE:
                raise DatasetError(f"{file}: line {number}: {label} {value!r} must be a "
                                   f"number from 0 to {MAX_VALUE:g}")
            bounds.append(number_value)
        low, high = bounds
        if low is None and high is None:
            raise DatasetError(f"{file}: line {number}: {name} has neither min nor max")
        if low is not None and high is not None and low > high:
            raise DatasetError(f"{file}: line {number}: {name} min {low:g} is above max "
                               f"{high:g}")
        out.append(DietTarget(name, low, high))
    if not out:
        raise DatasetError(f"{file}: no targets")
    return tuple(out)


def _read(file: Path) -> pd.DataFrame:
    text = read_text(file, limit=CSV_CAP, error=DatasetError)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                           na_values=[""], skipinitialspace=True)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as exc:
        raise DatasetError(f"{file}: unreadable CSV ({reason(exc)})") from exc


def solve_table(foods: pd.DataFrame, targets: tuple[DietTarget, ...], *,
                objective: Objective = "cost", continuous: bool = False,
                options: SolverOptions = SolverOptions()) -> DietResult:
    """Solve the diet problem; raise :class:`InfeasiblePlanError` naming unmet bounds."""
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
    upper = (foods["max_units"].fillna(math.inf).to_numpy(dtype=float)
             if "max_units" in foods.columns else np.full(len(foods), math.inf))
    bounds = [Bound(t.nutrient, foods[t.nutrient].fillna(0.0).to_numpy(dtype=float),
                    t.min, t.max, scale=max(t.min or t.max or 1.0, 1e-9)) for t in targets]
    solution = solve_diet(cost, upper, bounds, integer=not continuous, options=options)
    shortfalls = []
    for t in targets:
        for side, limit in (("lo", t.min), ("hi", t.max)):
            slack = solution.slack.get(f"{t.nutrient}:{side}", 0.0)
            if limit is not None and not met(slack):
                shortfalls.append(Shortfall(t.nutrient, "min" if side == "lo" else "max",
                                            limit, slack * max(t.min or t.max or 1.0, 1e-9),
                                            ()))
    if shortfalls:
        parts = [f"{display_name(s.nutrient)} {'needs' if s.bound == 'min' else 'limit'} "
                 f"{s.target:g} {unit_label(s.nutrient)}: "
                 f"{'short' if s.bound == 'min' else 'over'} by {s.amount:.4g}"
                 for s in shortfalls]
        raise InfeasiblePlanError("no selection of these foods meets the targets: "
                                  + "; ".join(parts), shortfalls,
                                  ("add foods, raise max_units or relax a target",))
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
                      {n: v for n, v in unknown.items() if v}, targets, solution.info)
