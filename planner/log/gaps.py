"""Gap report: what a person's logged food gives against their targets, and what closes
each gap.

Magnesium, calcium and potassium are judged day by day (the DRI is a daily intake; a
surplus one day does not carry over); vitamin D and B12, which the body stores, on the
average of the logged days. A day with nothing logged is unknown, not a day of zero
intake: it is left out and named. A food value USDA does not report is not counted, so an
intake is a lower bound and the report says so.

For each nutrient short, the foods that close the gap in one ordinary portion (the
catalogue's household portion) within the person's diet and exclusions, everyday foods
first; foods the person dislikes last. Calcium bound by oxalate (spinach) is not offered
for a calcium gap (about 5 % is absorbed; NIH ODS).

Supplements count with the food: the ones the profile (or ``--supplement``) says are
taken every day on every logged day, and the ones logged on a day; a supplement logged on
a day takes the place of the profile's of the same kind that day (the log is what was
taken). An upper limit for food and supplements together (calcium, vitamin D, iron,
zinc) is judged on the total; magnesium's, for supplements only, on the supplements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from planner.errors import LogError
from planner.food.catalogue import Catalogue, matching_foods
from planner.food.data import FoodTable
from planner.food.intake import nutrient_amounts
from planner.food.nutrients import KEY_NUTRIENTS, display_name
from planner.log.foodlog import Entry, SupplementEntry
from planner.person.supplements import Supplement, amounts, supplement_warnings
from planner.person.targets import Targets
from planner.planning.suggest import POORLY_ABSORBED, rank_foods
from planner.words import plural

#: Nutrients the body stores: judged on the average of the logged days.
STORED: Final = ("vitamin_d_ug", "vitamin_b12_ug")
#: Shown for context, without gap suggestions.
CONTEXT: Final = ("energy_kcal", "sodium_mg")
#: Foods listed per gap.
CLOSERS: Final = 4


@dataclass(frozen=True)
class Closer:
    """A food whose one portion closes (or, when none does, narrows) a gap."""

    food_id: str
    name: str
    portion: str  # "1 cup cooked spinach"
    amount: float  # of the nutrient in that portion
    closes: bool


@dataclass(frozen=True)
class GapLine:
    """One nutrient over the logged days. ``intake`` is the mean per logged day (a lower
    bound when ``unknown`` names foods without a value); ``gap`` the amount a day is short
    by (mean over short days; for stored nutrients, target minus the average)."""

    nutrient: str
    basis: str  # "day" or "average"
    target: float | None
    cap: float | None
    intake: float
    per_day: tuple[tuple[dt.date, float], ...]
    short_days: tuple[dt.date, ...]
    over_days: tuple[dt.date, ...]
    gap: float
    unknown: tuple[str, ...]
    closers: tuple[Closer, ...] = ()
    source: str = ""

    @property
    def percent(self) -> float | None:
        return 100 * self.intake / self.target if self.target else None

    @property
    def status(self) -> str:
        if self.over_days:
            return "over"
        if self.short_days:
            return "short"
        return "met" if self.target else "no target"


@dataclass(frozen=True)
class GapReport:
    start: dt.date
    end: dt.date
    logged: tuple[dt.date, ...]  # days with entries
    empty: tuple[dt.date, ...]  # days in the range without any
    entries: int
    lines: tuple[GapLine, ...]
    targets: Targets
    not_in_table: tuple[str, ...] = ()  # logged food ids the food table lacks
    notes: tuple[str, ...] = ()
    #: the supplements counted on each logged day (the profile's and the logged ones)
    supplements: Mapping[dt.date, tuple[Supplement, ...]] = field(default_factory=dict)

    def line(self, nutrient: str) -> GapLine:
        return next(x for x in self.lines if x.nutrient == nutrient)


def day_supplements(usual: Sequence[Supplement], logged: Sequence[SupplementEntry]
                    ) -> tuple[Supplement, ...]:
    """A day's supplements: the ones logged that day, and the usual ones (the profile's)
    of every kind not logged that day."""
    kinds = {s.name for s in logged}
    return (*(s for s in usual if s.kind not in kinds), *(s.supplement for s in logged))


def gap_report(entries: Sequence[Entry], start: dt.date, end: dt.date, targets: Targets,
               table: FoodTable, catalogue: Catalogue, *, diet: str = "omnivore",
               exclude: Sequence[str] = (), dislike: Sequence[str] = (),
               today: dt.date | None = None,
               supplements: Sequence[SupplementEntry] = ()) -> GapReport:
    """Compare the ``entries`` logged from ``start`` to ``end`` with ``targets``, the
    supplements logged and the profile's (``targets.supplements``) counted with the food
    (see the module docstring). ``today`` (default: the date today) is a day not over
    yet, and the report says so. A day with only supplements logged is not a logged day:
    what was eaten is unknown."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    by_day: dict[dt.date, list[tuple[str, float]]] = {}
    for e in entries:
        if start <= e.date <= end:
            by_day.setdefault(e.date, []).append((e.food_id, e.grams))
    logged = tuple(d for d in days if d in by_day)
    if not logged:
        span = start.isoformat() if start == end else f"{start} to {end}"
        if any(start <= s.date <= end for s in supplements):
            raise LogError(f"only supplements logged for {span}; the gaps need what you "
                           "ate too (add it with 'planner log add \"1 medium banana\"')")
        raise LogError(f"nothing logged for {span} (add what you ate with "
                       "'planner log add \"1 medium banana\"')")
    nutrients = (*KEY_NUTRIENTS, *CONTEXT)
    totals: dict[dt.date, dict[str, float]] = {}
    unknown: dict[str, set[str]] = {}
    missing: set[str] = set()
    taken = {day: day_supplements(targets.supplements,
                                  [s for s in supplements if s.date == day])
             for day in logged}
    for day in logged:
        food, unknowns = nutrient_amounts(by_day[day], table, nutrients)
        extra = amounts(taken[day])
        totals[day] = {n: v + extra.get(n, 0.0) for n, v in food.items()}
        missing.update(unknowns.pop("", ()))
        for n, foods in unknowns.items():
            unknown.setdefault(n, set()).update(foods)
    names = {f: str(catalogue.entries.loc[f, "short_name"]) if f in catalogue.entries.index
             else str(table.foods.loc[f, "description"])
             for f in set().union(*unknown.values())}
    disliked = {f for name in dislike for f in matching_foods(catalogue, name)}
    lines = []
    for n in nutrients:
        t = targets.items.get(n)
        target = t.min if t is not None else None
        cap = t.max if t is not None else None
        per_day = tuple((d, totals[d][n]) for d in logged)
        mean = sum(v for _, v in per_day) / len(per_day)
        basis = "average" if n in STORED else "day"
        over = tuple(d for d, v in per_day if cap is not None and v > cap)
        if n in CONTEXT:
            short: tuple[dt.date, ...] = ()
            gap = 0.0
        elif basis == "average":
            short = logged if target and mean < target else ()
            gap = (target - mean) if short and target else 0.0
        else:
            short = tuple(d for d, v in per_day if target and v < target)
            gap = (sum(target - v for d, v in per_day if d in short) / len(short)
                   if short and target else 0.0)
        closers = (_closers(n, gap, table, catalogue, targets, diet, exclude, disliked)
                   if gap > 0 else ())
        lines.append(GapLine(n, basis, target, cap, mean, per_day, short, over, gap,
                             tuple(sorted(names.get(f, f) for f in unknown.get(n, ()))),
                             closers, t.source if t is not None else ""))
    notes = []
    if (today or dt.date.today()) in logged:
        notes.append("Today is not over: its gaps are what is missing so far "
                     "('planner day --from-log' plans the rest of the day).")
    empty = tuple(d for d in days if d not in by_day)
    if empty:
        notes.append(f"{plural(len(empty), 'day')} without entries "
                     f"{'is' if len(empty) == 1 else 'are'} "
                     "left out (not counted as "
                     f"eating nothing): {', '.join(d.isoformat() for d in empty[:7])}.")
    if missing:
        notes.append(f"{plural(len(missing), 'logged food')} "
                     f"{'is' if len(missing) == 1 else 'are'} "
                     "not in this food table and not "
                     f"counted: {', '.join(sorted(missing)[:6])}.")
    if any(line.unknown for line in lines):
        notes.append("Some logged foods have no USDA value for a nutrient; those intakes are "
                     "lower bounds (marked ≥).")
    notes += _supplement_notes(taken, targets)
    return GapReport(start, end, logged, empty, sum(len(v) for v in by_day.values()),
                     tuple(lines), targets, tuple(sorted(missing)), tuple(notes), taken)


def _supplement_notes(taken: Mapping[dt.date, tuple[Supplement, ...]], targets: Targets
                      ) -> list[str]:
    """What supplements were counted, and any that pass an upper limit by themselves."""
    if not any(taken.values()):
        return []
    texts = {day: ", ".join(s.text for s in sups) for day, sups in taken.items()}
    same = len(set(texts.values())) == 1
    if same:
        counted = f"{next(iter(texts.values()))} a day on every logged day"
    else:
        counted = "; ".join(f"{day.isoformat()}: {text or 'none'}"
                            for day, text in texts.items())
    notes = [f"Supplements are counted with the food ({counted}); one logged on a day "
             "takes the place of your profile's of the same kind that day."]
    uls = {n: t.ul for n, t in targets.items.items()}
    for sups in taken.values():
        for warning in supplement_warnings(sups, uls):
            if warning not in notes:
                notes.append(warning)
    return notes


def _closers(nutrient: str, gap: float, table: FoodTable, catalogue: Catalogue,
             targets: Targets, diet: str, exclude: Sequence[str], disliked: set[str]
             ) -> tuple[Closer, ...]:
    """Foods whose one portion holds at least ``gap`` (everyday foods first, disliked
    last); if none does, the richest few."""
    entries = catalogue.entries
    ranking = rank_foods(table, catalogue, targets, nutrient, top=len(entries),
                         diet=diet, exclude=exclude)
    candidates = list(ranking.foods)
    if nutrient == "calcium_mg":  # oxalate-bound calcium does not close a gap
        share = entries["calcium_absorption"]
        candidates = [f for f in candidates
                      if not (share.notna()[f.food_id] and
                              float(share[f.food_id]) < POORLY_ABSORBED)]
    familiarity = entries["familiarity"].astype(float)

    def order(f: Any) -> tuple[bool, float, float]:
        return (f.food_id in disliked, float(familiarity[f.food_id]), -f.per_portion)

    closing = sorted((f for f in candidates if f.per_portion >= gap), key=order)
    if closing:
        chosen, closes = closing[:CLOSERS], True
    else:
        chosen = sorted(candidates, key=lambda f: (f.food_id in disliked,
                                                   -f.per_portion))[:CLOSERS - 1]
        closes = False
    return tuple(Closer(f.food_id, f.name, f.portion, f.per_portion, closes) for f in chosen)


def gap_document(report: GapReport) -> dict[str, Any]:
    """The report as JSON-ready data (schema planner.gaps/1)."""
    def num(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    return {
        "schema": "planner.gaps/1",
        "profile": report.targets.profile.as_dict(),
        "start": report.start.isoformat(), "end": report.end.isoformat(),
        "logged_days": [d.isoformat() for d in report.logged],
        "days_without_entries": [d.isoformat() for d in report.empty],
        "entries": report.entries,
        "nutrients": {
            line.nutrient: {
                "name": display_name(line.nutrient), "basis": line.basis,
                "target": num(line.target), "cap": num(line.cap),
                "intake_per_day": num(line.intake), "percent": num(line.percent),
                "status": line.status, "lower_bound": bool(line.unknown),
                "unknown_in": list(line.unknown),
                "per_day": {d.isoformat(): num(v) for d, v in line.per_day},
                "short_days": [d.isoformat() for d in line.short_days],
                "over_days": [d.isoformat() for d in line.over_days],
                "gap": num(line.gap), "source": line.source,
                "closers": [{"food_id": c.food_id, "name": c.name, "portion": c.portion,
                             "amount": num(c.amount), "closes_gap": c.closes}
                            for c in line.closers]}
            for line in report.lines},
        "not_in_food_table": list(report.not_in_table),
        "supplements": {d.isoformat(): [s.as_dict() for s in sups]
                        for d, sups in report.supplements.items()},
        "notes": list(report.notes),
    }
