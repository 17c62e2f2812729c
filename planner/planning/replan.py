"""Plan around what is fixed: the rest of a day after what was eaten, or some meals of a
saved week.

* :func:`fill_day`: what a person ate today stays as it is and counts toward the day; only
  the meals still ahead are planned (the main meals after the last one eaten, and a snack
  if none was eaten), with the usual meal rules. Food without a meal counts as breakfast
  (``default_meal``). Targets what was eaten already breaks, or gaps no remaining meal can
  close, are said in the notes; the rest is planned as well as it can be.
* :func:`redo_week`: a week saved as JSON (``planner week --format json``) is kept meal for
  meal, except the meals named (``day 3 dinner``, or a whole ``day 5``), which are planned
  again around the rest of the week: every weekly rule (variety, vitamin D and B12 on the
  average, food groups, one variety of each kind) holds over the whole week. The foods of
  a re-planned meal are avoided in it where another choice exists, so the meal changes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final, cast

from planner.errors import PlanRequestError
from planner.files import MIB, read_text
from planner.food.catalogue import SLOTS, Catalogue
from planner.food.data import FoodTable
from planner.food.intake import Eaten
from planner.food.nutrients import KEY_NUTRIENTS, display_name
from planner.limits import MAX_MEAL_ITEMS, bounded_number, load_json
from planner.meals.rules import Rules
from planner.person.targets import Targets
from planner.planning.plan import applied_targets, plan_week
from planner.planning.records import Fixed, PlanItem, PlanOptions, WeekPlan, plan_item
from planner.words import plural

#: Main meals in the order of a day.
MAIN_MEALS: Final = ("breakfast", "lunch", "dinner")
WEEK_SCHEMA: Final = "planner.week/2"
KEEP_FILE_CAP: Final = 8 * MIB


# ------------------------------------------------------------------ the rest of a day

def meals_left(eaten_slots: Sequence[str]) -> frozenset[str]:
    """The meals still ahead: main meals after the last one eaten, and a snack unless one
    was eaten."""
    last = max((MAIN_MEALS.index(s) for s in eaten_slots if s in MAIN_MEALS), default=-1)
    left = set(MAIN_MEALS[last + 1:])
    if "snack" not in eaten_slots:
        left.add("snack")
    return frozenset(left)


def eaten_item(eaten: Eaten, table: FoodTable, catalogue: Catalogue) -> PlanItem:
    """An eaten food as a plan item: the catalogue's portion when it has one (so its food
    groups count), else per 100 g; in the person's words either way."""
    if eaten.food_id in catalogue.entries.index:
        grams = float(str(catalogue.entries.at[eaten.food_id, "portion_grams"]))
        item = plan_item(catalogue.entries, eaten.food_id, eaten.grams / grams, table,
                         eaten=True)
        return replace(item, text=eaten.text, grams=eaten.grams)
    row = table.foods.loc[eaten.food_id]
    return PlanItem(
        food_id=eaten.food_id, name=str(row["description"]),
        description=str(row["description"]),
        ndb_number=None if _missing(row["ndb_number"]) else str(row["ndb_number"]),
        fdc_id=None if _missing(row["fdc_id"]) else str(row["fdc_id"]),
        servings=eaten.grams / 100.0, portion="100 g", portion_grams=100.0,
        grams=eaten.grams, category=str(row["food_group"]), role="", text=eaten.text,
        nutrients={n: None if _missing(row[n]) else float(cast(float, row[n])) * eaten.grams / 100
                   for n in (*KEY_NUTRIENTS, "energy_kcal")}, eaten=True)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fill_day(table: FoodTable, catalogue: Catalogue, targets: Targets,
             eaten: Sequence[Eaten], options: PlanOptions = PlanOptions(),
             rules: Rules | None = None, default_meal: str = "breakfast", *,
             progress: Callable[[int, int], None] | None = None) -> WeekPlan:
    """Plan the rest of today around ``eaten`` (see the module docstring); ``progress``
    as for :func:`~planner.planning.plan.plan_week`."""
    if not eaten:
        raise PlanRequestError("nothing eaten given: use 'planner day' to plan a whole day")
    meals = Counter(e.meal or default_meal for e in eaten)
    slot, count = meals.most_common(1)[0]
    if count > MAX_MEAL_ITEMS:  # as in a saved week: no meal anyone plans around
        raise PlanRequestError(f"{count:,} foods eaten at {slot}, more than the "
                               f"{MAX_MEAL_ITEMS} a meal may have; check the food log "
                               "for that day ('planner log show')")
    fixed = [Fixed(1, e.meal or default_meal, eaten_item(e, table, catalogue))
             for e in eaten]
    left = meals_left([f.slot for f in fixed])
    if not left:
        raise PlanRequestError("nothing left to plan today: breakfast, lunch, dinner and a "
                               "snack are eaten")
    options = replace(options, days=1, strict_daily=True)
    week = plan_week(table, catalogue, targets, options, rules, fixed=fixed,
                     plan_slots={1: left}, best_effort=True, progress=progress)
    said = {f.slot for f in fixed}
    unplaced = [e for e in eaten if e.meal is None]
    notes = [f"Planned around what you ate ({', '.join(s for s in SLOTS if s in said)}): "
             f"{', '.join(s for s in SLOTS if s in left)} planned."]
    if unplaced:
        notes.append(f"{plural(len(unplaced), 'food')} without a meal "
                     f"count{'s' if len(unplaced) == 1 else ''} as {default_meal} "
                     "(write 'lunch: ...' or use --meal to place them).")
    outside = [e.name for e in eaten if not e.in_catalogue]
    if outside:
        notes.append(f"{plural(len(outside), 'eaten food')} "
                     f"{'is' if len(outside) == 1 else 'are'} not "
                     "in planner's catalogue; their "
                     f"nutrients count, their food groups do not: {', '.join(outside[:3])}.")
    return replace(week, notes=(*notes, *week.notes))


# ------------------------------------------------------------------ redo meals of a week

@dataclass(frozen=True)
class Redo:
    """A meal (or, with ``slot`` None, a whole day) of a saved week to plan again."""

    day: int
    slot: str | None = None

    def __str__(self) -> str:
        return f"day {self.day}" + (f" {self.slot}" if self.slot else "")


def parse_redo(text: str) -> Redo:
    """'day 3 dinner', 'day 5', '3 dinner' -> :class:`Redo`."""
    match = re.fullmatch(r"\s*(?:day\s*)?(\d{1,3})\s*(?:[, ]\s*([a-z]+))?\s*", text.lower())
    if not match:
        raise PlanRequestError(f"redo: {text!r} is not a meal like 'day 3 dinner' or a day "
                               "like 'day 5'")
    slot = match.group(2)
    if slot is not None and slot not in SLOTS:
        raise PlanRequestError(f"redo: {slot!r} is not one of {', '.join(SLOTS)}")
    return Redo(int(match.group(1)), slot)


@dataclass(frozen=True)
class SavedWeek:
    """The parts of a saved week a re-plan needs."""

    path: str
    profile: Mapping[str, Any]
    options: Mapping[str, Any]
    targets: Mapping[str, Any]
    #: per day: slot -> [(food id, servings, eaten, grams as saved)]
    days: tuple[Mapping[str, tuple[SavedItem, ...]], ...]
    #: the supplements it counted, as "magnesium 200" (a week saved before supplements
    #: were counted has none)
    supplements: tuple[str, ...] = ()
    #: per day: slot -> the dish id it was saved as (absent: none said)
    dishes: tuple[Mapping[str, str], ...] = ()


#: One saved item: food id, servings, eaten, and the grams the file says (None if absent).
SavedItem = tuple[str, float, bool, float | None]
#: Ranges of a saved week's numbers: a serving is a few portions, a week at most a year.
MAX_SERVINGS: Final = 100.0
MAX_SAVED_DAYS: Final = 366
MAX_SAVED_GRAMS: Final = 10_000.0


def read_saved_week(path: str | Path) -> SavedWeek:
    """Read a week saved with ``planner week --format json``; refuse anything else.

    Every number is checked against its field's range (``day``, ``servings``, ``grams``)
    and ``eaten`` must be true or false, so a hand-edited file is refused, naming the field,
    rather than read as something else."""
    where = str(path)
    text = read_text(Path(path), limit=KEEP_FILE_CAP, error=PlanRequestError,
                     what="saved week")
    document = load_json(text, f"--keep {where}", PlanRequestError, invalid="not JSON")
    if not isinstance(document, dict) or "schema" not in document:
        raise PlanRequestError(f"--keep {where}: not a week saved by planner (no schema); "
                               "save one with 'planner week --format json -o week.json'")
    if document["schema"] != WEEK_SCHEMA:
        raise PlanRequestError(f"--keep {where}: schema {str(document['schema'])[:40]!r}, "
                               f"not {WEEK_SCHEMA}: plan a new week with this planner")
    try:
        days = []
        dishes: list[dict[str, str]] = []
        _shaped(document["days"], list, "days is not a list")
        if len(document["days"]) > MAX_SAVED_DAYS:
            raise ValueError(f"more than {MAX_SAVED_DAYS} days")
        for number, day in enumerate(document["days"], start=1):
            _shaped(day, dict, f"day {number} is not an object")
            _shaped(day["meals"], list, f"day {number}: meals is not a list")
            if bounded_number(day["day"], f"day {number}: day", 1, MAX_SAVED_DAYS, ValueError,
                              whole=True) != number:
                raise ValueError(f"day {day['day']} out of order")
            meals: dict[str, tuple[SavedItem, ...]] = {}
            dished: dict[str, str] = {}
            for meal in day["meals"]:
                _shaped(meal, dict, f"day {number}: a meal is not an object")
                slot = str(meal["slot"])[:40]
                if slot not in SLOTS or slot in meals:
                    raise ValueError(f"day {number}: meal {slot!r}")
                _shaped(meal["items"], list, f"day {number} {slot}: items is not a list")
                if len(meal["items"]) > MAX_MEAL_ITEMS:  # before reading any of them
                    raise PlanRequestError(
                        f"--keep {where}: day {number} {slot} has "
                        f"{len(meal['items']):,} foods, more than the {MAX_MEAL_ITEMS} a "
                        "meal of a saved week may have; not a week planner saved")
                meals[slot] = tuple(_saved_item(i, f"day {number} {slot}")
                                    for i in meal["items"])
                if not meals[slot]:
                    raise ValueError(f"day {number} {slot} has no foods")
                dish_id = meal.get("dish_id", "")
                if not isinstance(dish_id, str) or len(dish_id) > 40:
                    raise ValueError(f"day {number} {slot}: dish_id")
                if dish_id:
                    dished[slot] = dish_id
            # every day planner saves has all four meals: a day without them is not kept
            # as it is (its totals would fail the plan's check, naming nutrients)
            missing = [s for s in SLOTS if s not in meals]
            if missing:
                raise ValueError(f"day {number} has no meals" if not meals else
                                 f"day {number} has no {missing[0]}")
            days.append(meals)
            dishes.append(dished)
        profile, options, targets = (document["profile"], document["options"],
                                     document["targets"])
        if not all(isinstance(x, dict) for x in (profile, options, targets)) or not days:
            raise ValueError("profile, options, targets or days")
        taken = document.get("supplements", [])
        if not isinstance(taken, list):
            raise ValueError("supplements")
        for taken_one in taken:
            _shaped(taken_one, dict, "a supplement is not an object")
        supplements = tuple(sorted(_supplement_key(str(s["name"]), s["amount"])
                                   for s in taken))
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanRequestError(f"--keep {where}: not a complete saved week ({exc})") from None
    return SavedWeek(where, profile, options, targets, tuple(days), supplements,
                     tuple(dishes))


def _supplement_key(name: str, amount: Any) -> str:
    """'magnesium 200': a supplement as a saved week and this run compare it."""
    value = bounded_number(amount, "supplement amount", 0, 1e9, ValueError)
    return f"{name[:40]} {round(float(value), 6):g}"


def _shaped(value: Any, kind: type, what: str) -> None:
    """ValueError saying ``what`` unless ``value`` is a ``kind`` (a JSON list or object)."""
    if not isinstance(value, kind):
        raise ValueError(what)


def _saved_item(item: Any, where: str) -> SavedItem:
    """One saved item, its numbers within range; raises ValueError naming the field."""
    _shaped(item, dict, f"{where}: an item is not an object")
    food_id = item["food_id"]
    if not isinstance(food_id, str) or not 0 < len(food_id) <= 40:
        raise ValueError(f"{where}: food_id")
    servings = bounded_number(item["servings"], f"{where}: servings", 0, MAX_SERVINGS,
                              ValueError)
    if servings <= 0:
        raise ValueError(f"{where}: servings {servings:g} is not positive")
    eaten = item.get("eaten", False)
    if not isinstance(eaten, bool):
        raise ValueError(f"{where}: eaten must be true or false, not "
                         f"{str(eaten)[:20]!r}")
    grams = item.get("grams")
    if grams is not None:
        grams = bounded_number(grams, f"{where}: grams", 0, MAX_SAVED_GRAMS, ValueError)
    return food_id, servings, eaten, grams


def redo_week(table: FoodTable, catalogue: Catalogue, targets: Targets, saved: SavedWeek,
              redo: Sequence[Redo], options: PlanOptions = PlanOptions(),
              rules: Rules | None = None, *,
              progress: Callable[[int, int], None] | None = None,
              replanning: Callable[[int], None] | None = None) -> WeekPlan:
    """Plan the ``redo`` meals of ``saved`` again; keep every other meal as it is.
    ``progress`` and ``replanning`` as for :func:`~planner.planning.plan.plan_week`."""
    if not redo:
        raise PlanRequestError("redo: name a meal to plan again, e.g. --redo 'day 3 dinner'")
    days = len(saved.days)
    options = _saved_options(saved, options, days)
    _check_same_person(saved, targets, options)
    planned: dict[int, set[str]] = {}
    for r in redo:
        if not 1 <= r.day <= days:
            raise PlanRequestError(f"redo: {r}: the saved week has days 1 to {days}")
        planned.setdefault(r.day, set()).update(SLOTS if r.slot is None else (r.slot,))
    fixed: list[Fixed] = []
    avoid: dict[tuple[int, str], tuple[str, ...]] = {}
    for number, meals in enumerate(saved.days, start=1):
        for slot, items in meals.items():
            if slot in planned.get(number, ()):
                avoid[(number, slot)] = tuple(f for f, _, _, _ in items)
                continue
            dish_id = saved.dishes[number - 1].get(slot, "") if saved.dishes else ""
            fixed += [Fixed(number, slot, _kept_item(f, s, e, g, table, catalogue, saved),
                            dish_id) for f, s, e, g in items]
    plan_slots = {d: frozenset(planned.get(d, ())) for d in range(1, days + 1)}
    week = plan_week(table, catalogue, targets, options, rules, fixed=fixed,
                     plan_slots=plan_slots, avoid=avoid, progress=progress,
                     replanning=replanning)
    what = ", ".join(str(r) for r in sorted(set(redo), key=lambda r: (r.day, r.slot or "")))
    return replace(week, notes=(f"Planned again: {what}; every other meal is kept from "
                                f"{saved.path}.", *week.notes))


def _saved_options(saved: SavedWeek, options: PlanOptions, days: int) -> PlanOptions:
    """The saved week's diet, exclusions and rules; the seed is this run's."""
    o = saved.options
    try:
        saved_diet = str(o["diet"])
        exclude = tuple(str(x) for x in o["exclude"])
        include = tuple(str(x) for x in o["include"])
        strict = bool(o["strict_daily"])
        max_days = int(bounded_number(o["max_days"], "max_days", 1, 7, ValueError,
                                      whole=True))
        if not isinstance(o["strict_daily"], bool):
            raise ValueError("strict_daily must be true or false")
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanRequestError(f"--keep {saved.path}: options incomplete ({exc})") from None
    for name, mine, theirs in (("diet", options.diet, saved_diet),
                               ("exclusions", sorted(options.exclude), sorted(exclude)),
                               ("included foods", sorted(options.include), sorted(include))):
        if mine != theirs:
            raise PlanRequestError(f"--keep {saved.path} was planned with {name} {theirs}, "
                                   f"not {mine}: plan a new week, or use the same {name}")
    return replace(options, days=days, strict_daily=strict, max_days=max_days)


def _check_same_person(saved: SavedWeek, targets: Targets, options: PlanOptions) -> None:
    mine = targets.profile.as_dict()
    for key, value in mine.items():
        theirs = saved.profile.get(key)
        if _norm(theirs) != _norm(value):
            raise PlanRequestError(f"--keep {saved.path} was planned for another profile "
                                   f"({key} {theirs!r}, not {value!r}): plan a new week, or "
                                   "use that profile")
    mine_taken = tuple(sorted(_supplement_key(s.kind, s.amount)
                              for s in targets.supplements))
    if mine_taken != saved.supplements:
        said = ", ".join(saved.supplements) or "none"
        raise PlanRequestError(f"--keep {saved.path} was planned with other supplements "
                               f"({said}, not {', '.join(mine_taken) or 'none'}): plan a "
                               "new week, or use the same --supplement options")
    energy = saved.targets.get("energy_kcal")
    if isinstance(energy, dict) and str(energy.get("source", "")).startswith(
            "IOM 2005 DRIs for Energy"):
        raise PlanRequestError(f"--keep {saved.path} was planned with the IOM 2005 energy "
                               "equations; energy now comes from the NASEM 2023 ones, so its "
                               "days would be judged against other numbers: plan a new week")
    applied = applied_targets(targets, options)
    for n in sorted(set(applied) | set(saved.targets)):
        theirs = saved.targets.get(n)
        ours = applied.get(n)
        if ours is None or not isinstance(theirs, dict) or \
                any(_norm(theirs.get(k)) != _norm(v) for k, v in
                    ((k, ours.as_dict()[k]) for k in ("min", "max"))):
            raise PlanRequestError(f"--keep {saved.path} was planned for other targets "
                                   f"({display_name(n) if ours else n} differs): plan a new "
                                   "week, or use the same --target options")


def _norm(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    return value


def _kept_item(food_id: str, servings: float, eaten: bool, grams: float | None,
               table: FoodTable, catalogue: Catalogue, saved: SavedWeek) -> PlanItem:
    """A saved item rebuilt exactly: whole steps of the catalogue portion, with the grams
    the file gives (if any) matching what those portions weigh."""
    entries = catalogue.entries
    if food_id not in entries.index or food_id not in table.foods.index:
        raise PlanRequestError(f"--keep {saved.path}: food {food_id} is not in this "
                               "catalogue and food table: plan a new week")
    step = float(str(entries.at[food_id, "step"]))
    units = round(servings / step)
    if units < 1 or abs(units * step - servings) > 1e-3:
        raise PlanRequestError(f"--keep {saved.path}: {servings:g} servings of food {food_id} "
                               "is not a whole number of its portions")
    item = plan_item(entries, food_id, units * step, table, eaten=eaten)
    if grams is not None and abs(item.grams - grams) > max(0.01, 1e-4 * item.grams):
        raise PlanRequestError(f"--keep {saved.path}: food {food_id}: {grams:g} g does not "
                               f"match its {servings:g} servings ({item.grams:g} g); the "
                               "file was changed: plan a new week")
    return item
