"""Rendering: every ``format_*`` function takes library objects and returns a string.

Nothing here computes nutrition; it only lays out what the library returned.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from planner import words
from planner.food.nutrients import BY_NAME, KEY_NUTRIENTS, NUTRIENT_NAMES, display_name, unit_label
from planner.limits import strip_bidi
from planner.person.advice import DOCTOR, Advice
from planner.person.health import active_rules, missing_limits, safety_error
from planner.person.profile import PA_CATEGORIES
from planner.person.supplements import supplements_line
from planner.person.targets import EER_SOURCE, Targets
from planner.words import and_list, grams_words, plural

if TYPE_CHECKING:  # types only: a report of targets or advice loads no pandas or solver
    from planner.food.data import FoodTable
    from planner.log.foodlog import Entry, SupplementEntry
    from planner.log.gaps import GapLine, GapReport
    from planner.meals.recipes import Method
    from planner.planning.batch import BatchSummary
    from planner.planning.diet import DietResult
    from planner.planning.household import HouseholdPlan, SharedMeal
    from planner.planning.records import DayPlan, Meal, PlanItem, WeekPlan
    from planner.planning.suggest import Explanation, FoodRanking
    from planner.planning.summary import GroupRow

SHORT: Final = {"magnesium_mg": "Mg", "calcium_mg": "Ca", "potassium_mg": "K",
                "vitamin_d_ug": "D", "vitamin_b12_ug": "B12"}

DISCLAIMER: Final = ("General nutrition information, not medical advice: a clinician checks "
                     "for a deficiency with blood tests (vitamin D, vitamin B12; a blood "
                     "magnesium level can be normal while the body is short, NIH ODS).")
RED_FLAGS: Final = ("See a doctor rather than rely on a diet plan for progressive weakness, "
                    "muscle wasting, or trouble swallowing or speaking.")


#: The width of a text report when the caller gives none (an 80-column terminal).
DEFAULT_WIDTH: Final = 80
#: The narrowest text report laid out; a narrower terminal gets lines this long.
MIN_WIDTH: Final = 40

# A space that keeps a number with its unit ("90 %", "1,000 mg") on one line when wrapping.
_NUMBER_UNIT: Final = re.compile(r"(?<=\d) (?=%|°[CF]|(?:mg|µg|g|kg|kcal|oz|oz-eq|cup-eq|cm|s|"
                                  r"min)\b)|(?<=°C) / (?=\d)")
_KEEP: Final = "\u00a0"  # textwrap breaks only at ASCII whitespace


def _keep_units(text: str) -> str:
    return _NUMBER_UNIT.sub(lambda m: m.group(0).replace(" ", _KEEP), text)


def wrap(text: str, width: int = DEFAULT_WIDTH, indent: str = "", first: str | None = None
         ) -> list[str]:
    """``text`` as lines of at most ``width`` characters, broken between words (a word is
    broken only when it is longer than a whole line): the first line starts with ``first``
    (default ``indent``), the others with ``indent``."""
    lead = indent if first is None else first
    width = max(width, MIN_WIDTH, len(lead) + 10, len(indent) + 10)
    lines = textwrap.wrap(_keep_units(plain(text)), width, initial_indent=lead,
                          subsequent_indent=indent, break_on_hyphens=False)
    return [line.replace(_KEEP, " ") for line in lines] or [lead.rstrip()]


def pack(parts: Sequence[str], width: int = DEFAULT_WIDTH, first: str | None = None,
         indent: str = "", sep: str = "; ") -> list[str]:
    """Parts joined by ``sep`` on as few lines of at most ``width`` characters as fit, a
    line break only between parts (a ``;`` or ``,`` separator ends the broken line:
    "...(28 g);"). A part longer than a line is wrapped between its words."""
    lead = indent if first is None else first
    width = max(width, MIN_WIDTH, len(lead) + 10, len(indent) + 10)
    tail = sep.strip() if sep.strip() in (";", ",") else ""
    lines: list[str] = []
    line, empty = lead, True
    for k, part in enumerate(parts):
        piece = _keep_units(plain(part))
        room = width - (0 if k == len(parts) - 1 else len(tail))
        candidate = line + piece if empty else line + sep + piece
        if len(candidate) <= room:
            line, empty = candidate, False
            continue
        if not empty:
            lines.append(line + tail)
            line = indent
        if len(line + piece) <= room:
            line = line + piece
        else:
            wrapped = wrap(piece.replace(_KEEP, " "), room, indent, line)
            lines += wrapped[:-1]
            line = wrapped[-1]
        empty = False
    lines.append(line)
    return [x.replace(_KEEP, " ").rstrip() for x in lines]


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
               right: Sequence[bool] | None = None, width: int | None = None) -> str:
    """Lay out rows as a plain-text table with a header rule; ``right`` aligns columns.

    Within ``width`` characters (None: as wide as the cells), the widest left-aligned
    columns are narrowed and their cells wrapped between words; right-aligned columns
    (numbers) keep their width."""
    cells = [[str(h) for h in headers]] + [["" if c is None else plain(str(c)) for c in r]
                                           for r in rows]
    count = len(headers)
    align = list(right) if right is not None else [False] * count
    widths = [max(len(row[i]) for row in cells) for i in range(count)]
    if width is not None:
        _narrow(widths, cells, align, max(width, MIN_WIDTH) - 2 * (count - 1))

    def lines(row: list[str]) -> list[str]:
        wrapped = [[c] if len(c) <= w else _cell_lines(c, w)
                   for c, w in zip(row, widths, strict=True)]
        height = max(len(w) for w in wrapped)
        return ["  ".join((cell[k] if k < len(cell) else "").rjust(w) if a else
                          (cell[k] if k < len(cell) else "").ljust(w)
                          for cell, w, a in zip(wrapped, widths, align, strict=True)).rstrip()
                for k in range(height)]

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([*lines(cells[0]), rule, *(x for r in cells[1:] for x in lines(r))])


def _cell_lines(text: str, width: int) -> list[str]:
    """One table cell as lines of at most ``width`` characters, broken between words; a
    cell indented ("  canned chickpeas...") goes on two spaces further in."""
    lead = text[:len(text) - len(text.lstrip(" "))]
    hang = lead + "  " if lead and len(lead) + 8 < width else ""
    lines = textwrap.wrap(_keep_units(text), max(width, 1), subsequent_indent=hang,
                          break_on_hyphens=False)
    return [line.replace(_KEEP, " ") for line in lines] or [""]


def _narrow(widths: list[int], cells: Sequence[Sequence[str]], right: Sequence[bool],
            room: int) -> None:
    """Narrow the widest wrappable columns of ``widths`` (in place) until they fit
    ``room``: a column never gets narrower than its longest word (or 6 characters)."""
    floor = [w if right[i] else max(min(6, w), max((len(word) for row in cells
                                                    for word in row[i].split(" ")),
                                                   default=0))
             for i, w in enumerate(widths)]
    while sum(widths) > room:
        slack = [(widths[i] - floor[i], widths[i], i) for i in range(len(widths))
                 if widths[i] > floor[i]]
        if not slack:  # words too long for the room: let the widest column break them
            widest = max(range(len(widths)), key=lambda i: (not right[i], widths[i]))
            floor = [min(f, 6) if i == widest else f for i, f in enumerate(floor)]
            if widths[widest] <= 6:
                return
            slack = [(1, widths[widest], widest)]
        column = max(slack, key=lambda s: (s[1], s[0]))[2]
        widths[column] -= 1


def fit(lines: Iterable[str], width: int = DEFAULT_WIDTH) -> str:
    """Lines (each may hold several, like a :func:`text_table`) as text within ``width``
    columns: a longer line is wrapped between words, its continuation indented like it
    (past the dash of a "  - " item). Ends with a newline."""
    out: list[str] = []
    for line in (x for block in lines for x in block.split("\n")):
        if len(line) <= width:
            out.append(line)
            continue
        lead = line[:len(line) - len(line.lstrip())]
        hang = lead + ("  " if line.lstrip().startswith("- ") else "")
        out += wrap(line.strip(), width, hang, lead)
    return "\n".join(out) + "\n"


def amount(value: float | None, nutrient: str, *, unit: bool = True) -> str:
    """Format an amount of a nutrient with sensible precision (and its unit)."""
    if value is None:
        return "-"
    digits = 1 if abs(value) < 100 and nutrient.endswith(("_ug", "_g")) else 0
    if abs(value) < 10 and nutrient.endswith(("_mg", "_ug")):
        digits = 1 if abs(value) >= 1 else 2
    text = f"{value:,.{digits}f}"
    return f"{text} {unit_label(nutrient)}" if unit else text


def to_json(document: Any) -> str:
    """Serialise a report document as indented JSON (UTF-8 characters kept)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ targets

def format_targets(targets: Targets, fmt: str = "table", *, width: int = DEFAULT_WIDTH
                   ) -> str:
    """Render daily targets as a table (within ``width`` columns) or as the
    ``planner.targets/1`` JSON document."""
    if fmt == "json":
        return to_json({**targets.as_dict(), "disclaimer": DISCLAIMER})
    p = targets.profile
    size = "" if p.weight_kg is None else f", {p.weight_kg:g} kg"
    size += "" if p.height_cm is None else f", {p.height_cm:g} cm"
    stage = "" if p.life_stage == "general" else f", {p.life_stage}"
    head = (f"Daily targets for a {p.age}-year-old {p.sex}{stage}{size}, activity "
            f"{p.activity.replace('_', ' ')} (Dietary Reference Intakes, NASEM/IOM)")
    rows = []
    for name, t in targets.items.items():
        mark = "*" if t.overridden else ""
        if t.overridden:
            note = "; ".join(x for x in (t.replaced_text(unit_label(name)), t.health) if x)
        elif t.health and t.min is not None:  # a range a health rule set (KDOQI)
            note = t.health
        elif t.pct_energy is not None:
            note = f"AMDR {t.pct_energy[0]:g}-{t.pct_energy[1]:g} % of energy"
        elif t.ul is not None and t.max is None:
            note = f"UL {amount(t.ul, name)} does not cap food (see --format json)"
        elif t.ul is not None:
            note = f"UL {amount(t.ul, name)}"
        elif name == "sodium_mg" and t.max is not None:
            note = "cap = CDRR (no UL)"
        elif name == "energy_kcal":
            note = t.ul_note
        else:
            note = ""
        if t.supplement:
            note = "; ".join(x for x in (f"{amount(t.supplement, name)} from supplements",
                                         note) if x)
        rows.append([display_name(name) + (" (key)" if name in KEY_NUTRIENTS else "") + mark,
                     amount(t.min, name), amount(t.max, name), t.kind, note])
    table = text_table(["nutrient", "min / day", "max / day", "kind", "note"], rows,
                       right=[False, True, True, False, False], width=width)
    lines = [head, "", table, ""]
    if targets.supplements:
        lines.append(f"Supplements: {supplement_text_of(targets)} a day count toward these "
                     "targets, and toward an upper limit that covers food and supplements "
                     "together (calcium, vitamin D, iron, zinc); mineral amounts are the "
                     "element a Supplement Facts label lists (NIH ODS).")
    if targets.overridden:
        lines.append("* overridden by you: " + ", ".join(targets.overridden))
    profile = targets.profile
    rules = active_rules(profile.conditions, profile.medicines)
    for rule in rules:
        lines += [f"With {rule.label}: {note}"
                  for note in rule.notes_for(profile.age, profile.life_stage,
                                             profile.weight_kg, profile.sex)]
    missing = missing_limits(rules, {n: t.max if t.overridden else None
                                     for n, t in targets.items.items()})
    if missing:
        lines.append(f"Not yet plannable: {safety_error(missing)}.")
    lines += list(targets.warnings)
    if "energy_kcal" in targets.items and not targets["energy_kcal"].overridden:
        lines.append(f"Energy: {EER_SOURCE} {targets.energy_basis}; "
                     f"{targets.energy_equation} (kcal/day; age in years, ht in cm, wt in "
                     "kg).")
    lines.append("Sources: NASEM/IOM Dietary Reference Intakes (see --format json for each "
                 "value's source); NIH ODS fact sheets.")
    lines.append(DISCLAIMER)
    return fit(lines, width)


# ------------------------------------------------------------------ generic solve

def format_solve(result: DietResult, fmt: str = "table") -> str:
    """Render a generic diet solution as a table or the ``planner.solve/1`` JSON."""
    if fmt == "json":
        return to_json(result.as_dict())
    rows = [[i.id, i.name, f"{i.units:g}"] for i in result.items]
    lines = [f"{result.info.summary}: total {result.objective_name} {result.objective:.4g} "
             f"({result.info.name}, {result.info.seconds:.2f} s)", "",
             text_table(["id", "name", "units"], rows, right=[False, False, True]), ""]
    target_rows = []
    for t in result.targets:
        total = result.totals.get(t.nutrient, 0.0)
        flag = " *" if t.nutrient in result.unknown else ""
        target_rows.append([t.nutrient, amount(total, t.nutrient, unit=False) + flag,
                            amount(t.min, t.nutrient, unit=False),
                            amount(t.max, t.nutrient, unit=False),
                            unit_label(t.nutrient) if t.nutrient in BY_NAME else ""])
    lines.append(text_table(["nutrient", "total", "min", "max", "unit"], target_rows,
                            right=[False, True, True, True, False]))
    if result.groups:
        group_rows = [[g.name, f"{result.group_totals.get(g.name, 0.0):g}",
                       "" if g.min is None else f"{g.min:g}",
                       "" if g.max is None else f"{g.max:g}", ", ".join(g.foods)]
                      for g in result.groups]
        lines += ["", text_table(["group", "units", "min", "max", "foods"], group_rows,
                                 right=[False, True, True, True, False])]
    if result.unknown:
        lines.append(plain("* includes foods with no value for this nutrient (counted as 0): "
                           + "; ".join(f"{n}: {', '.join(ids)}"
                                       for n, ids in result.unknown.items())))
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ week plans

def household(item: PlanItem) -> str:
    """'1 cup cooked spinach (180 g)': the household amount of the food and its weight."""
    return with_amount(item.text or item.name, grams_words(item.grams))


def with_amount(text: str, amount_text: str) -> str:
    """``text`` made plain (:func:`plain`) and an amount in one pair of parentheses
    (:func:`planner.words.with_amount`): "1 cup soy milk, fortified (243 g)"."""
    return words.with_amount(plain(text), amount_text)


def _eaten_mark(meal: Meal) -> str:
    """'eaten: ' before a meal of food already eaten (a filled day)."""
    return "eaten: " if meal.items and all(i.eaten for i in meal.items) else ""


def coverage(week: WeekPlan, day: DayPlan) -> dict[str, float | None]:
    """Each key nutrient's day total, food and supplements together, as a share of its
    minimum (None without a minimum)."""
    out: dict[str, float | None] = {}
    for n in KEY_NUTRIENTS:
        minimum = week.target_min(n)
        out[n] = week.intake(day, n) / minimum if minimum else None
    return out


def supplement_text(week: WeekPlan) -> str:
    """'magnesium glycinate 200 mg, vitamin D3 25 µg': a day's supplements ('' without)."""
    return supplement_text_of(week.targets)


def supplement_text_of(targets: Targets) -> str:
    return supplements_line(targets.supplements)


def _group_text(week: WeekPlan, day: DayPlan) -> str:
    """A day's food groups as its pattern counts them (:func:`counted_groups`)."""
    return " | ".join(_group_parts(week, day))


def _group_parts(week: WeekPlan, day: DayPlan) -> list[str]:
    from planner.food.catalogue import counted_groups

    pattern = week.pattern
    if pattern is None:
        return []
    g = counted_groups(day.groups, pattern.daily("vegetables"), pattern.daily("protein"))
    parts = [f"vegetables {g['vegetables']:.1f} cup-eq ({g['veg_dark_green']:.1f} dark green)",
             f"fruit {g['fruits']:.1f} cup-eq",
             f"grains {g['grains']:.1f} oz-eq ({g['grains_whole']:.1f} whole)",
             f"dairy {g['dairy']:.1f} cup-eq", f"protein foods {g['protein']:.1f} oz-eq"]
    if g.get("legumes", 0.0) >= 0.05:
        parts.append(f"beans, peas, lentils {g['legumes']:.1f} cup-eq, counted above")
    return parts


def shown_group_rows(week: WeekPlan) -> list[GroupRow]:
    """The food-group rows as a report shows them: a plan shorter than a week shows the
    weekly groups (dark green, seafood) as a day's amount against a seventh of the weekly
    pattern, so a one-day plan reports one day's amounts."""
    from planner.planning.summary import group_rows

    rows = group_rows(week)
    if len(week.days) >= 7:
        return rows
    return [replace(r, per="day", plan=r.plan / 7,
                    pattern=None if r.pattern is None else r.pattern / 7)
            if r.per == "week" else r for r in rows]


def _quality_line(week: WeekPlan) -> str:
    q = week.quality
    if q is None:
        return ""
    short = [f"{c.name.lower()} {c.points:.1f}/{c.max_points:g}" for c in q.components
             if c.points < c.max_points - 0.05]
    # the total keeps its decimal when points were lost ("100 of 100; points lost" is false)
    total = f"{q.total:.1f}" if short else f"{q.total:.0f}"
    # the foods are unsalted USDA entries: sodium scores before any salt the cook adds
    return (f"Diet quality: Healthy Eating Index (HEI-2020) {total} of 100"
            + (f"; points lost on {', '.join(short)}" if short else "; every component full")
            + " (sodium counted before salt added in cooking or at the table)"
            + ". The US average is about 58 (USDA).")


def week_document(week: WeekPlan, start: dt.date | None = None) -> dict[str, Any]:
    """The ``planner.week/2`` JSON document; ``start`` (the first day's date, ISO, or
    null) and each day's ``date`` name the days when a start date was given. A day's
    ``totals`` are its food; its ``supplements`` what the person's supplements give of
    each nutrient and ``intake`` the two together (both empty without supplements); a
    target's ``min`` and ``max`` are food's share, with ``supplement`` and
    ``total_min``/``total_max`` where supplements give some (the schema is extended, not
    changed: a week without supplements reads as before)."""
    from planner.meals.shopping import waste

    pattern = week.pattern
    supplements = week.supplements
    return {
        "schema": "planner.week/2",
        "start": None if start is None else start.isoformat(),
        "profile": week.targets.profile.as_dict(),
        "options": {"days": week.options.days, "diet": week.options.diet,
                    "exclude": list(week.options.exclude),
                    "include": list(week.options.include), "seed": week.options.seed,
                    "strict_daily": week.options.strict_daily,
                    "max_days": week.options.max_days},
        "targets": {n: {**t.as_dict(), **{k: v for k, v in week.targets[n].as_dict().items()
                                          if k in ("overridden", "set_by", "replaced")},
                        **({"total_min": _round_or_none(week.targets[n].min),
                            "total_max": _round_or_none(week.targets[n].max)}
                           if t.supplement else {})}
                    for n, t in week.applied.items()},
        "warnings": list(week.targets.warnings),
        "supplements": [s.as_dict() for s in week.targets.supplements],
        "pattern": None if pattern is None else {
            "name": pattern.name, "kcal": pattern.kcal, "title": pattern.title,
            "source": pattern.source,
            "amounts": {g: {"amount": a, "per": per, "unit": unit}
                        for g, (a, per, unit) in pattern.amounts.items()}},
        "days": [{"day": d.day,
                  "date": None if start is None else day_date(d.day, start).isoformat(),
                  "meals": [{"slot": m.slot, **({"dish": m.dish, "dish_id": m.dish_id}
                                                    if m.dish else {}),
                             "items": [i.as_dict() for i in m.items],
                             **({"method": m.method.as_dict()} if m.method else {})}
                            for m in d.meals],
                  "totals": {n: round(d.totals[n], 6) for n in NUTRIENT_NAMES},
                  "supplements": {n: round(v, 6) for n, v in supplements.items()},
                  "intake": {n: round(week.intake(d, n), 6) for n in supplements},
                  "unknown": {n: list(v) for n, v in d.unknown.items()},
                  "food_groups": {g: round(v, 4) for g, v in d.groups.items()}}
                 for d in week.days],
        "food_groups": [r.as_dict() for r in shown_group_rows(week)],
        "quality": None if week.quality is None else week.quality.as_dict(),
        "shopping_list": [s.as_dict() for s in week.shopping_list],
        "shopping_waste": waste(week.shopping_list).as_dict(),
        "solver": week.solver.as_dict(),
        "misses": [{"target": s.nutrient, "bound": s.bound, "value": round(s.target, 6),
                    "missed_by": round(s.amount, 6), "days": list(s.days)}
                   for s in week.misses],
        "notes": list(week.notes),
        "disclaimer": DISCLAIMER,
    }


def _round_or_none(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                   "Sunday")
MONTHS: Final = ("January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December")


def day_date(number: int, start: dt.date) -> dt.date:
    """The date of day ``number`` (1-based) of a plan whose first day is ``start``."""
    return start + dt.timedelta(days=number - 1)


def day_name(number: int, start: dt.date | None = None, *, year: bool | None = None) -> str:
    """What a report calls day ``number`` (1-based): "Monday 7 December" for a plan
    starting on ``start``, "Day 3" without a start date. The year is said when ``year``,
    or (None) when it is not the start's: "Friday 1 January 2027". English names,
    whatever the machine's locale."""
    if start is None:
        return f"Day {number}"
    date = day_date(number, start)
    if year is None:
        year = date.year != start.year
    return (f"{WEEKDAYS[date.weekday()]} {date.day} {MONTHS[date.month - 1]}"
            + (f" {date.year}" if year else ""))


def _short_day(number: int, start: dt.date | None) -> str:
    """A chart's tick: "Mon 7" (a new month: "Tue 1 Dec"), or "Day 3"."""
    if start is None:
        return f"Day {number}"
    date = day_date(number, start)
    month = f" {MONTHS[date.month - 1][:3]}" if date.day == 1 or number == 1 else ""
    return f"{WEEKDAYS[date.weekday()][:3]} {date.day}{month}"


def _span(first: int, last: int, start: dt.date | None) -> str:
    """Days ``first`` to ``last``: "Days 1-7", or "Monday 7 to Sunday 13 December"."""
    if start is None:
        return f"Day {first}" if first == last else f"Days {first}-{last}"
    if first == last:
        return day_name(first, start)
    a, b = day_date(first, start), day_date(last, start)
    head = f"{WEEKDAYS[a.weekday()]} {a.day}"
    if (a.year, a.month) != (b.year, b.month):
        head += f" {MONTHS[a.month - 1]}" + (f" {a.year}" if a.year != b.year else "")
    return f"{head} to {day_name(last, start, year=True if a.year != b.year else None)}"


def _title(week: WeekPlan, start: dt.date | None = None) -> str:
    p = week.targets.profile
    stage = "" if p.life_stage == "general" else f", {p.life_stage}"
    if start is not None and week.options.days == 1:
        days = day_name(1, start, year=True)  # "Monday 7 December 2026"
    else:
        days = "1 day" if week.options.days == 1 else f"{week.options.days} days"
        days += "" if start is None else f" from {day_name(1, start, year=True)}"
    return f"Meal plan for a {p.age}-year-old {p.sex}{stage}, {week.options.diet}: {days}"


def _limits(week: WeekPlan, day: DayPlan) -> dict[str, str]:
    """Nutrients held under a limit you set (a clinician's potassium, phosphorus or
    magnesium limit): the day's amount against the limit."""
    out = {}
    for n, t in week.targets.items.items():
        if t.overridden and t.max is not None:
            out[n] = (f"{SHORT.get(n, display_name(n))} {week.intake(day, n):,.0f} of "
                      f"max {amount(t.max, n)}")
    return out


def _coverage_parts(week: WeekPlan, day: DayPlan) -> list[str]:
    parts = []
    limits = _limits(week, day)
    for n, share in coverage(week, day).items():
        parts.append(f"{SHORT[n]} {share * 100:.0f} %" if share is not None else
                     limits.pop(n, f"{SHORT[n]} -"))  # a limit alone: the amount
    return [*parts, *limits.values(), f"Na {day.totals['sodium_mg']:,.0f} mg",
            f"energy {day.totals['energy_kcal']:,.0f} kcal"]


def _target_line(week: WeekPlan) -> str:
    bits = []
    for n in KEY_NUTRIENTS:
        t = week.applied.get(n)
        minimum = week.target_min(n)
        if t is not None and minimum is not None:
            basis = "week avg" if t.basis == "week_average" else ""
            mine = week.targets[n].replaced_text(unit_label(n))
            taken = (f"{amount(t.supplement, n)} from supplements"
                     if t.supplement else "")
            said = "; ".join(x for x in (basis, taken, mine) if x)
            bits.append(f"{SHORT[n]} {amount(minimum, n)}" + (f" ({said})" if said else ""))
        elif t is not None and t.max is not None and week.targets[n].overridden:
            # a clinician's limit alone (kidney disease: potassium and magnesium)
            bits.append(f"{SHORT[n]} max {amount(t.max, n)} "
                        f"({week.targets[n].replaced_text(unit_label(n))})")
    for n, mine_t in week.targets.items.items():
        if mine_t.overridden and n not in KEY_NUTRIENTS:
            bound = (f"{amount(mine_t.min, n, unit=False)}-{amount(mine_t.max, n)}"
                     if mine_t.min is not None and mine_t.max is not None else
                     f"max {amount(mine_t.max, n)}" if mine_t.max is not None else
                     amount(mine_t.min, n))  # a range you set, both ends said
            bits.append(f"{display_name(n)} {bound} "
                        f"({mine_t.replaced_text(unit_label(n))})")
    energy = week.applied["energy_kcal"]
    eer = week.targets["energy_kcal"].value
    basis = "" if week.targets["energy_kcal"].overridden else \
        f", {PA_CATEGORIES[week.targets.profile.activity]}, NASEM 2023 EER"
    bits.append(f"energy {energy.min:,.0f}-{energy.max:,.0f} kcal"
                + (f" (need {eer:,.0f}{basis})" if eer else ""))
    return "Daily targets (100 %): " + ", ".join(bits)


def _pattern_line(week: WeekPlan) -> str:
    if week.pattern is None:
        return ""
    return (f"Food groups follow the {week.pattern.title} (Dietary Guidelines 2020-2025). "
            "Beans, peas and lentils count as vegetables, and beyond the vegetables the "
            "pattern needs, as protein foods (1 cup-eq = 4 oz-eq).")


def _shopping_rows(week: WeekPlan) -> list[list[str]]:
    rows: list[list[str]] = []
    section = None
    for line in week.shopping_list:
        if line.section != section:
            section = line.section
            rows.append([section.capitalize(), "", ""])
        rows.append([f"  {line.buy}", line.quantity, line.uses])
    return rows


#: Sources every week report names (the solver's report is a separate, --verbose line).
WEEK_SOURCES: Final = ("Food data: USDA; targets: NASEM Dietary Reference Intakes; food "
                       "groups: USDA Dietary Guidelines for Americans 2020-2025.")


def solver_line(week: WeekPlan) -> str:
    """'Solved by HiGHS (feasible, gap 6.9 %) in 1.2 s.': the footer ``--verbose`` adds."""
    return (f"Solved by {week.solver.name} ({week.solver.summary}) in "
            f"{week.solver.seconds:.1f} s.")


def format_week(week: WeekPlan, fmt: str = "table", *, width: int = DEFAULT_WIDTH,
                verbose: bool = False, start: dt.date | None = None, method: bool = True
                ) -> str:
    """Render a plan as table (terminal text within ``width`` columns), markdown, json, csv
    (one row per item) or html. ``verbose`` adds the solver's report as a footer line (JSON
    always carries it). With ``start``, the first day's date, days are named by weekday
    and date ("Monday 7 December") rather than numbered. ``method`` (default) prints each
    meal's method under it in text, markdown and HTML (JSON always carries it, CSV
    never)."""
    from planner.meals.shopping import waste
    from planner.planning.summary import week_average

    if fmt == "json":
        return to_json(week_document(week, start))
    if fmt == "csv":
        return _week_csv(week)
    if fmt == "markdown":
        return _week_markdown(week, verbose, start, method)
    if fmt == "html":
        return _week_html(week, verbose, start, method)
    lines = [*wrap(_title(week, start), width), *wrap(_target_line(week), width, "  ", "")]
    if week.pattern is not None:
        lines += wrap(_pattern_line(week), width)
    lines.append("")
    label = 11  # "  Breakfast " and the like: the column the foods start in
    for day in week.days:
        lines.append(day_name(day.day, start))
        for meal in day.meals:
            lines += _meal_lines(meal, width, label, method)
        if week.targets.supplements:  # the same every day, said on each day it counts
            lines += pack([s.text for s in week.targets.supplements], width,
                          "  Supplements ", " " * (label + 3), ", ")
        lines += pack(_coverage_parts(week, day), width, f"  {'Coverage':<{label}}",
                      " " * (label + 2), " | ")
        if day.groups and week.pattern is not None:
            lines += pack(_group_parts(week, day), width, f"  {'Groups':<{label}}",
                          " " * (label + 2), " | ")
        lines.append("")
    if len(week.days) > 1:
        averages = []
        for n in KEY_NUTRIENTS:
            minimum = week.target_min(n)
            if minimum:
                averages.append(f"{SHORT[n]} {100 * week_average(week, n) / minimum:.0f} %")
        lines += [*pack(averages, width, "Average over the plan: ", "  ", ", "), ""]
    rows = shown_group_rows(week)
    if rows:
        lines.append("Food groups against the pattern")
        lines.append(text_table(
            ["group", "plan", "pattern", "unit"],
            [[r.label, f"{r.plan:.1f}", "-" if r.pattern is None else f"{r.pattern:.1f}",
              f"{r.unit} a {r.per}"] for r in rows], right=[False, True, True, False],
            width=width))
        lines += [*wrap(_quality_line(week), width), ""]
    lines.append(f"Shopping list ({plural(len(week.shopping_list), 'line')})")
    lines.append(text_table(["to buy", "amount", "the plan uses"], _shopping_rows(week),
                            width=width))
    left = [line for line in week.shopping_list if line.left_over]
    if left:
        lines += ["", "Left over: packs much larger than the plan's use"]
        lines.append(text_table(["to buy", "what is left"],
                                [[f"  {line.buy}", line.left_over] for line in left],
                                width=width))
    if week.shopping_list:
        lines += ["", *wrap(waste(week.shopping_list).words(), width)]
    lines.append("")
    for text in (*week.notes, *_method_sources(week, method), WEEK_SOURCES,
                 *([solver_line(week)] if verbose else []), DISCLAIMER, RED_FLAGS):
        lines += wrap(text, width)
    return "\n".join(lines) + "\n"


def _meal_lines(meal: Meal, width: int, label: int, method: bool = True) -> list[str]:
    """A meal in the text report: its slot, then the dish's name with its foods and
    household amounts on the lines under it, or (a meal that is not a dish) the foods;
    with ``method``, the dish's method in one paragraph under them."""
    head = f"  {meal.slot.capitalize():<{label}}"
    indent = " " * len(head)
    foods = [household(i) for i in meal.items]
    eaten = _eaten_mark(meal)
    if not meal.dish:
        if eaten and foods:
            foods[0] = eaten + foods[0]
        return pack(foods, width, head, indent) if foods else [head.rstrip()]
    lines = [*wrap(eaten + meal.dish, width, indent, head),
             *(pack(foods, width, indent, indent) if foods else [])]
    if method and meal.method is not None:
        lines += wrap(method_text(meal, _KEEP), width, indent, indent)
    return lines


def method_text(meal: Meal, space: str = " ") -> str:
    """'Method (50 min, 10 active, oven 200 °C / 400 °F): 1. Simmer ... 2. Bake ...': a
    meal's method in one paragraph ("" for a meal without one); ``space`` goes between a
    step's number and its words (a no-break space keeps them on one line)."""
    if meal.method is None:
        return ""
    return _method_words(meal.method, "", space)


def pot_text(meal: SharedMeal, space: str = " ") -> str:
    """'Method for 4 (amounts for the pot; 50 min, 10 active): 1. Simmer ...': a shared
    meal's method for everyone who shares it ("" for a meal without one)."""
    if meal.method is None:
        return ""
    return _method_words(meal.method, f" for {len(meal.members)}", space, "amounts for the pot")


def _method_words(method: Method, who: str, space: str, said: str = "") -> str:
    steps = " ".join(f"{n}.{space}{plain(step)}" for n, step in enumerate(method.steps, 1))
    head = "; ".join(x for x in (said, method.summary()) if x)
    return f"Method{who}{f' ({head})' if head else ''}: {steps}"


def _method_sources(week: WeekPlan, shown: bool) -> tuple[str, ...]:
    """The line that names where the methods' safe temperatures come from, when a method
    printed relies on one."""
    if not shown or not any(m.method is not None and m.method.safe
                            for d in week.days for m in d.meals):
        return ()
    return (METHOD_SOURCES,)


#: Where the methods' temperatures and times come from (printed under a week with methods,
#: with whom their amounts serve).
_METHOD_SOURCE: Final = ("Methods: safe internal temperatures are the USDA Food Safety and "
                         "Inspection Service's safe minimum internal temperatures (a food "
                         "thermometer in the thickest part); cooking times and water are "
                         "typical package directions.")
METHOD_SOURCES: Final = f"{_METHOD_SOURCE} Amounts serve one."


def _week_markdown(week: WeekPlan, verbose: bool = False, start: dt.date | None = None,
                   method: bool = True) -> str:
    lines = [f"# {_title(week, start)}", "", _target_line(week), ""]
    from planner.meals.shopping import waste

    if week.pattern is not None:
        lines += [_pattern_line(week), ""]
    for day in week.days:
        lines += [f"## {day_name(day.day, start)}", "", "| meal | food |", "|---|---|"]
        for meal in day.meals:
            if meal.dish:
                lines.append(f"| {meal.slot} | **{_md(meal.dish)}** |")
            for item in meal.items:
                lines.append(f"| {meal.slot}{' (eaten)' if item.eaten else ''} | "
                             f"{_md(household(item))} |")
            if method and meal.method is not None:
                lines.append(f"| {meal.slot} | {_md(method_text(meal))} |")
        if week.targets.supplements:
            lines.append(f"| supplements | {_md(supplement_text(week))} |")
        shares = [share for share in coverage(week, day).values()]
        lines += ["", "| " + " | ".join(display_name(n) for n in KEY_NUTRIENTS)
                  + " | energy |", "|" + "---|" * (len(KEY_NUTRIENTS) + 1),
                  "| " + " | ".join("-" if v is None else f"{v * 100:.0f} %" for v in shares)
                  + f" | {day.totals['energy_kcal']:,.0f} kcal |", ""]
        limits = _limits(week, day)
        if limits:
            lines += [f"Within your limits: {_md('; '.join(limits.values()))}", ""]
        if day.groups and week.pattern is not None:
            lines += [f"Food groups: {_md(_group_text(week, day))}", ""]
    rows = shown_group_rows(week)
    if rows:
        lines += ["## Food groups against the pattern", "",
                  "| group | plan | pattern | unit |", "|---|---:|---:|---|"]
        lines += [f"| {r.label} | {r.plan:.1f} | "
                  f"{'-' if r.pattern is None else f'{r.pattern:.1f}'} | {r.unit} a {r.per} |"
                  for r in rows]
        lines += ["", _md(_quality_line(week)), ""]
    lines += [f"## Shopping list ({plural(len(week.shopping_list), 'line')})", "",
              "| section | to buy | amount | the plan uses |", "|---|---|---|---|"]
    lines += [f"| {_md(s.section)} | {_md(s.buy)} | {_md(s.quantity)} | {_md(s.uses)} |"
              for s in week.shopping_list]
    left = [line for line in week.shopping_list if line.left_over]
    if left:
        lines += ["", "Left over: packs much larger than the plan's use", "",
                  "| to buy | what is left |", "|---|---|"]
        lines += [f"| {_md(s.buy)} | {_md(s.left_over)} |" for s in left]
    if week.shopping_list:
        lines += ["", _md(waste(week.shopping_list).words())]
    lines += [""] + [f"> {_md(n)}" for n in (*week.notes, *_method_sources(week, method))]
    lines += ["", WEEK_SOURCES + (f" {solver_line(week)}" if verbose else ""), "",
              f"*{DISCLAIMER}*", "", f"*{RED_FLAGS}*", ""]
    return "\n".join(lines)


def _md(text: str) -> str:
    """One Markdown table cell or line, the one Markdown escaper of every format_*: no line
    breaks, control or bidi-override characters, no raw HTML, no stray pipes, and no
    emphasis, code or link syntax from the data (``*``, backticks, brackets)."""
    flat = html.escape(plain(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\g<0>", flat)


def _md_code(text: str) -> str:
    """A Markdown code span: backticks in the text cannot end it early."""
    return f"`{plain(text).replace('`', chr(39))}`"


_MD_SPECIAL: Final = re.compile(r"[\\`*\[\]~|]")  # "_" inside words is no emphasis
_CONTROLS: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def plain(text: str) -> str:
    """Text for the terminal, the one plain-text escaper: control characters (newlines,
    escape sequences) become spaces; bidirectional overrides are dropped."""
    return _CONTROLS.sub(" ", strip_bidi(text))


_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will not run as a formula: text starting with = + - @
    (or a tab or carriage return) gets a leading apostrophe, as OWASP advises. Numbers are
    left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with every cell passed through :func:`csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buffer.getvalue()


def _week_csv(week: WeekPlan) -> str:
    """One row per food; a day's supplements follow its foods, one row each (slot
    ``supplement``, role ``supplement``, no food id), so a day's rows add up to what it
    gives."""
    rows: list[list[object]] = []
    for day in week.days:
        rows += [[day.day, meal.slot, item.food_id, item.ndb_number or "", item.fdc_id or "",
                  item.name, item.text, item.role, f"{item.servings:g}", item.portion,
                  f"{item.grams:g}",
                  *(_item_amount(item, n) for n in (*KEY_NUTRIENTS, "energy_kcal")),
                  "yes" if item.eaten else ""]
                 for meal in day.meals for item in meal.items]
        rows += [[day.day, "supplement", "", "", "", s.kind, s.text, "supplement", "", "",
                  "", *(f"{s.nutrient_amount:.6g}" if n == s.nutrient else ""
                        for n in (*KEY_NUTRIENTS, "energy_kcal")), ""]
                 for s in week.targets.supplements]
    return csv_text(
        ["day", "slot", "food_id", "ndb_number", "fdc_id", "name", "text", "role", "servings",
         "usda_measure", "grams", *KEY_NUTRIENTS, "energy_kcal", "eaten"], rows)


def _item_amount(item: PlanItem, nutrient: str) -> str:
    value = item.nutrients.get(nutrient)
    return "" if value is None else f"{value:.6g}"


def _week_html(week: WeekPlan, verbose: bool = False, start: dt.date | None = None,
               method: bool = True) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from planner.meals.shopping import waste

    env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["amount_kept"] = _amount_kept
    env.filters["units_kept"] = _units_kept
    template = env.get_template("week.html.j2")
    days = [{"day": d.day, "name": day_name(d.day, start),
             "meals": [{"slot": m.slot, "dish": m.dish,
                        "foods": [household(i) for i in m.items],
                        "eaten": bool(_eaten_mark(m)),
                        "method": None if m.method is None or not method else
                        {"summary": m.method.summary(),
                         "steps": [plain(step) for step in m.method.steps]}}
                       for m in d.meals],
             "coverage": {SHORT[n]: None if v is None else round(100 * v)
                          for n, v in coverage(week, d).items()},
             "groups": _group_text(week, d) if d.groups and week.pattern is not None else "",
             "limits": "; ".join(_limits(week, d).values()),
             "supplements": supplement_text(week),
             "energy": round(d.totals["energy_kcal"])} for d in week.days]
    sections: dict[str, list[Any]] = {}
    for line in week.shopping_list:
        sections.setdefault(line.section, []).append(line)
    rows = shown_group_rows(week)
    first, last = week.days[0].day, week.days[-1].day
    return template.render(
        title=_title(week, start), targets=_target_line(week), pattern=_pattern_line(week),
        days=days, sections=sections, notes=(*week.notes, *_method_sources(week, method)),
        disclaimer=DISCLAIMER,
        red_flags=RED_FLAGS, sources=WEEK_SOURCES,
        charts={"coverage": coverage_chart_svg(week, start),
                "coverage_narrow": coverage_chart_svg(week, start, narrow=True),
                "groups": food_group_chart_svg(rows) if rows else "",
                "groups_narrow": food_group_chart_svg(rows, narrow=True) if rows else ""},
        groups=rows, quality_line=_quality_line(week),
        solver=solver_line(week) if verbose else "", grid=week_grid(week, start),
        dated=start is not None, averaged=_averaged_note(week),
        shopping_for=_span(first, last, start) if start is not None else
        ("" if first == last else f"days {first}-{last}"),
        shopping_count=plural(len(week.shopping_list), "line"),
        waste=waste(week.shopping_list).words() if week.shopping_list else "")


# ------------------------------------------------------------------ household plans

HOUSEHOLD_SCHEMA: Final = "planner.household/1"
#: A unit after an amount in a food's household wording ("1¼ cups", "6 oz", "2 tbsp").
_PORTION: Final = re.compile(r"^[\d½¼¾⅓⅔⅛][\d.,/ ½¼¾⅓⅔⅛]*\s*(?:cups?|fl oz|oz|tbsp|tsp|"
                             r"slices?|cloves?|containers?|packets?)\b")


def portion_text(item: PlanItem) -> str:
    """A member's portion of a shared food, without the food's name: "1¼ cups (248 g)"
    for "1¼ cups cooked lentils"; the whole wording where the amount cannot be told from
    the name ("2 vegetarian fillets (170 g)")."""
    text = plain(item.text or item.name).strip()
    grams = grams_words(item.grams)
    name = plain(item.name).strip()
    if name and text.endswith(name) and len(text) > len(name):
        return f"{text[:-len(name)].strip()} ({grams})"
    match = _PORTION.match(text)
    if match:
        return f"{match.group(0).strip()} ({grams})"
    return with_amount(text, grams)


def _household_title(plan: HouseholdPlan, start: dt.date | None) -> str:
    days = plan.days
    span = plural(days, "day") + ("" if start is None else
                                  f" from {day_name(1, start, year=True)}")
    shared = f", {and_list(plan.share)} shared" if plan.share and len(plan.members) > 1 \
        else ""
    return f"Household plan for {plural(len(plan.members), 'person', 'people')}: {span}{shared}"


def _member_line(member_id: str, week: WeekPlan) -> str:
    p = week.targets.profile
    stage = "" if p.life_stage == "general" else f", {p.life_stage}"
    return (f"{member_id}: {p.age}-year-old {p.sex}{stage}, {week.options.diet}. "
            f"{_target_line(week)}")


def shared_rows(plan: HouseholdPlan, day: int, slot: str
                ) -> tuple[Meal | None, list[tuple[str, list[tuple[str, PlanItem]]]]]:
    """A shared meal of ``day``: the first sharer's meal (its dish and method) and, per
    food in the order the sharers' plates list them (seasonings last), each sharer's
    portion as (member id, item)."""
    meal = plan.meal(day, slot)
    if meal is None:
        return None, []
    weeks = dict(zip((m.id for m in plan.members), plan.weeks, strict=True))
    foods: dict[str, list[tuple[str, PlanItem]]] = {}
    names: dict[str, str] = {}
    first: Meal | None = None
    for member_id in meal.members:
        found = [m for m in weeks[member_id].days[day - 1].meals if m.slot == slot]
        if not found:
            continue
        first = first or found[0]
        for item in found[0].items:
            foods.setdefault(item.food_id, []).append((member_id, item))
            names.setdefault(item.food_id, item.name)
    seasoning = {f for f, portions in foods.items() if portions[0][1].role == "seasoning"}
    order = sorted(foods, key=lambda f: f in seasoning)  # the dish's foods, then seasonings
    return first, [(names[f], foods[f]) for f in order]


def _portions_line(name: str, portions: Sequence[tuple[str, PlanItem]], sharers: int) -> str:
    """"cooked lentils: ana 1¼ cups (248 g), ben ¾ cup (149 g)"; one amount for all:
    "garlic: 1 clove (3.0 g) each"."""
    texts = [portion_text(item) for _, item in portions]
    if len(portions) == sharers > 1 and len(set(texts)) == 1:
        return f"{plain(name)}: {texts[0]} each"
    line = f"{plain(name)}: " + ", ".join(f"{plain(m)} {t}" for (m, _), t in
                                          zip(portions, texts, strict=True))
    if len(set(texts)) > 1 and all(item.role == "oil" for _, item in portions):
        # one pan's oil cannot be measured out per person: it comes with the food
        line += " (used all together; each plate's share comes with its food)"
    return line


def household_document(plan: HouseholdPlan, start: dt.date | None = None) -> dict[str, Any]:
    """The ``planner.household/1`` JSON document: ``members`` (each with ``id``,
    ``profile``, ``options``, ``targets``, ``days`` in the ``planner.week/2`` day form,
    ``food_groups``, ``quality``, ``misses`` and ``notes``), ``shared`` (each shared meal:
    day, slot, dish_id, its name, the members who share it and those who have their own,
    its ``method`` for the pot, as ``planner.week/2`` writes a meal's, with ``servings``
    the sharers (null: none), and ``apart``: the lines for foods some sharers have apart
    in place of the house's), the
    house's ``shopping_list``, its ``notes`` and the members whose week ``failed``."""
    from planner.meals.shopping import waste

    members = []
    for member, week in zip(plan.members, plan.weeks, strict=True):
        doc = week_document(week, start)
        members.append({"id": member.id, **{k: doc[k] for k in (
            "profile", "options", "targets", "warnings", "supplements", "pattern", "days",
            "food_groups", "quality", "misses", "notes")}})
    return {
        "schema": HOUSEHOLD_SCHEMA,
        "start": None if start is None else start.isoformat(),
        "share": list(plan.share),
        "members": members,
        "shared": [{"day": m.day, "slot": m.slot, "dish_id": m.dish_id, "dish": m.name,
                    "members": list(m.members), "own": list(m.own),
                    "method": None if m.method is None else m.method.as_dict(),
                    "apart": list(m.apart)} for m in plan.shared],
        "shopping_list": [s.as_dict() for s in plan.shopping_list],
        "shopping_waste": waste(plan.shopping_list).as_dict(),
        "notes": list(plan.notes),
        "failed": [{"id": f.id, "where": f.where, "error": f.message} for f in plan.failed],
        "disclaimer": DISCLAIMER,
    }


def format_household(plan: HouseholdPlan, fmt: str = "table", *, width: int = DEFAULT_WIDTH,
                     start: dt.date | None = None, method: bool = True) -> str:
    """Render a household's plan as table (text within ``width`` columns: by day, each
    shared meal once with every member's portion of each food on one line, then each
    member's own meals and coverage), markdown, json (``planner.household/1``), csv (one
    row per member's food) or html (one page: a grid of the days with the shared meals
    and each member's own, the days in detail, one shopping list; a print sheet)."""
    if fmt == "json":
        return to_json(household_document(plan, start))
    if fmt == "csv":
        return _household_csv(plan)
    if fmt == "markdown":
        return _household_markdown(plan, start, method)
    if fmt == "html":
        return _household_html(plan, start, method)
    from planner.meals.shopping import waste

    lines = [*wrap(_household_title(plan, start), width)]
    for member, week in zip(plan.members, plan.weeks, strict=True):
        lines += wrap(_member_line(member.id, week), width, "    ", "  ")
    lines.append("")
    label = 11
    for number in range(1, plan.days + 1):
        lines.append(day_name(number, start))
        for slot in plan.share:
            meal, foods = shared_rows(plan, number, slot)
            shared = plan.meal(number, slot)
            if meal is None or shared is None:
                continue
            head = f"  {slot.capitalize()} for {and_list(shared.members)}: "
            lines += wrap(shared.name or meal.dish or "", width, "    ", head)
            for name, portions in foods:
                lines += wrap(_portions_line(name, portions, len(shared.members)), width,
                              "      ", "    ")
            if method and shared.method is not None:
                lines += wrap(pot_text(shared, _KEEP), width, "    ", "    ")
                for text in shared.apart:
                    lines += wrap(text, width, "    ", "    ")
        for member, week in zip(plan.members, plan.weeks, strict=True):
            lines.append(f"  {plain(member.id)}")
            day = week.days[number - 1]
            for meal in day.meals:
                shared = plan.meal(number, meal.slot)
                if shared is not None and member.id in shared.members:
                    continue
                own = shared is not None and member.id in shared.own
                lines += [("    " + x[2:]) if x.startswith("  ") else x for x in
                          _meal_lines(meal, width - 2, label, method)]
                if own:
                    lines += wrap(f"(their own {meal.slot}: the house's could not serve "
                                  "them today)", width, " " * (label + 4), " " * (label + 4))
            if week.targets.supplements:
                lines += pack([s.text for s in week.targets.supplements], width,
                              "    Supplements ", " " * (label + 5), ", ")
            lines += pack(_coverage_parts(week, day), width, f"    {'Coverage':<{label}}",
                          " " * (label + 4), " | ")
        lines.append("")
    lines.append(f"Shopping list for the house ({plural(len(plan.shopping_list), 'line')})")
    rows: list[list[str]] = []  # as _shopping_rows lays out a week's
    section = None
    for line in plan.shopping_list:
        if line.section != section:
            section = line.section
            rows.append([section.capitalize(), "", ""])
        rows.append([f"  {line.buy}", line.quantity, line.uses])
    lines.append(text_table(["to buy", "amount", "the plan uses"], rows, width=width))
    if plan.shopping_list:
        lines += ["", *wrap(waste(plan.shopping_list).words(), width)]
    lines.append("")
    for text in plan.notes:
        lines += wrap(text, width)
    for who, note in _member_notes(plan):
        lines += wrap(f"{who}: {note}", width)
    for text in (*_household_method_sources(plan, method), WEEK_SOURCES, DISCLAIMER,
                 RED_FLAGS):
        lines += wrap(text, width)
    return "\n".join(lines) + "\n"


#: A member's note says an option of ``planner week``; in a household the member's
#: settings are in the people file (its columns, or the keys of the member's TOML table).
_HOUSE_WORDS: Final = (
    (re.compile(r"with --condition or\s+--medicine"),
     "in the people file (its conditions and medicines)"),
    (re.compile(r"\(--height, --weight\)"), "(height and weight in the people file)"),
    (re.compile(r"--exclude (\S+)"), r"excluding \1"),
    (re.compile(r"with --include\b"), "with include in the people file"),
)


def _member_notes(plan: HouseholdPlan) -> list[tuple[str, str]]:
    """The members' notes as (who, note): a note several members have is said once,
    for all of them ("ana, ben and mia"), where first said; an option of ``planner
    week`` a note names is said as the people file's setting (:data:`_HOUSE_WORDS`)."""
    said: dict[str, list[str]] = {}
    for member, week in zip(plan.members, plan.weeks, strict=True):
        for note in week.notes:
            for pattern, house in _HOUSE_WORDS:
                note = pattern.sub(house, note)
            said.setdefault(note, []).append(member.id)
    return [(and_list(who), note) for note, who in said.items()]


def _household_method_sources(plan: HouseholdPlan, shown: bool) -> tuple[str, ...]:
    """The methods' sources, when a method printed relies on a safe temperature: a
    shared meal's amounts are for the pot, a member's own meal's for one."""
    own = [x for member, week in zip(plan.members, plan.weeks, strict=True)
           for day in week.days for x in day.meals
           if (m := plan.meal(day.day, x.slot)) is not None and member.id in m.own]
    methods = [*(m.method for m in plan.shared), *(x.method for x in own)]
    if not shown or not any(m is not None and m.safe for m in methods):
        return ()
    return (f"{_METHOD_SOURCE} A shared meal's amounts are for the pot; anyone's own "
            "meal's serve one.",)


def _household_markdown(plan: HouseholdPlan, start: dt.date | None, method: bool) -> str:
    from planner.meals.shopping import waste

    lines = [f"# {_md(_household_title(plan, start))}", ""]
    lines += [f"- {_md(_member_line(m.id, w))}" for m, w in
              zip(plan.members, plan.weeks, strict=True)]
    lines.append("")
    for number in range(1, plan.days + 1):
        lines += [f"## {day_name(number, start)}", ""]
        for slot in plan.share:
            meal, rows = shared_rows(plan, number, slot)
            shared = plan.meal(number, slot)
            if meal is None or shared is None:
                continue
            lines += [f"### {slot.capitalize()} for {_md(and_list(shared.members))}: "
                      f"{_md(shared.name or meal.dish)}", ""]
            lines += [f"- {_md(_portions_line(n, p, len(shared.members)))}" for n, p in rows]
            if method and shared.method is not None:
                lines += ["", _md(pot_text(shared))]
                lines += [x for text in shared.apart for x in ("", _md(text))]
            lines.append("")
        lines += ["| member | meal | food |", "|---|---|---|"]
        for member, week in zip(plan.members, plan.weeks, strict=True):
            day = week.days[number - 1]
            for meal in day.meals:
                shared = plan.meal(number, meal.slot)
                if shared is not None and member.id in shared.members:
                    continue
                own = " (own)" if shared is not None and member.id in shared.own else ""
                how = "" if not method or meal.method is None else \
                    " " + _md(_method_words(meal.method, "", " "))
                lines.append(f"| {_md(member.id)} | {meal.slot}{own} | **{_md(meal.dish)}**: "
                             f"{_md(', '.join(household(i) for i in meal.items))}{how} |")
            lines.append(f"| {_md(member.id)} | coverage | "
                         f"{_md(' | '.join(_coverage_parts(week, day)))} |")
        lines.append("")
    lines += [f"## Shopping list for the house ({plural(len(plan.shopping_list), 'line')})",
              "", "| section | to buy | amount | the plan uses |", "|---|---|---|---|"]
    lines += [f"| {_md(s.section)} | {_md(s.buy)} | {_md(s.quantity)} | {_md(s.uses)} |"
              for s in plan.shopping_list]
    if plan.shopping_list:
        lines += ["", _md(waste(plan.shopping_list).words())]
    lines += [""] + [f"> {_md(n)}" for n in plan.notes]
    lines += [f"> {_md(who)}: {_md(n)}" for who, n in _member_notes(plan)]
    lines += ["", WEEK_SOURCES, "", f"*{DISCLAIMER}*", "", f"*{RED_FLAGS}*", ""]
    return "\n".join(lines)


def _household_html(plan: HouseholdPlan, start: dt.date | None, method: bool) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from planner.meals.shopping import waste

    env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["units_kept"] = _units_kept
    pairs = list(zip(plan.members, plan.weeks, strict=True))
    columns = [*(f"{slot.capitalize()}, shared" for slot in plan.share),
               *(plain(m.id) for m, _ in pairs)]
    grid, days = [], []
    for number in range(1, plan.days + 1):
        cells: list[list[dict[str, str]]] = []
        shared_meals = []
        for slot in plan.share:
            meal, foods = shared_rows(plan, number, slot)
            shared = plan.meal(number, slot)
            if meal is None or shared is None:
                cells.append([{"label": "", "dish": "", "note": "each their own"}])
                continue
            everyone = len(shared.members) == len(plan.members)
            name = shared.name or meal.dish
            cells.append([{"label": "", "dish": name,
                           "note": "" if everyone else f"for {and_list(shared.members)}"}])
            shared_meals.append({
                "slot": slot, "who": and_list(shared.members), "dish": name,
                "portions": [_portions_line(n, p, len(shared.members)) for n, p in foods],
                "method": None if shared.method is None or not method else
                {"summary": shared.method.summary(), "servings": len(shared.members),
                 "steps": [plain(step) for step in shared.method.steps],
                 "apart": [plain(text) for text in shared.apart]}})
        members = []
        for member, week in pairs:
            day = week.days[number - 1]
            meals, cell = [], []
            for m in day.meals:
                shared = plan.meal(number, m.slot)
                if shared is not None and member.id in shared.members:
                    continue
                own = shared is not None and member.id in shared.own
                cell.append({"label": m.slot.capitalize(), "dish": m.dish,
                             "note": "their own" if own else ""})
                meals.append({"slot": m.slot, "dish": m.dish, "own": own,
                              "foods": [household(i) for i in m.items],
                              "method": None if m.method is None or not method else
                              {"summary": m.method.summary(),
                               "steps": [plain(step) for step in m.method.steps]}})
            cells.append(cell)
            members.append({"id": member.id, "meals": meals,
                            "coverage": " · ".join(_coverage_parts(week, day))})
        grid.append({"name": day_name(number, start), "cells": cells})
        days.append({"name": day_name(number, start), "shared": shared_meals,
                     "members": members})
    sections: dict[str, list[Any]] = {}
    for line in plan.shopping_list:
        sections.setdefault(line.section, []).append(line)
    notes = [*plan.notes, *(f"{who}: {n}" for who, n in _member_notes(plan)),
             *_household_method_sources(plan, method)]
    return env.get_template("household.html.j2").render(
        title=_household_title(plan, start), print_size=GRID_PRINT_SIZES[-1],
        columns=columns, grid=grid, days=days,
        members=[_member_line(m.id, w) for m, w in pairs], notes=notes,
        sources=WEEK_SOURCES, disclaimer=DISCLAIMER, red_flags=RED_FLAGS, sections=sections,
        shopping_count=plural(len(plan.shopping_list), "line"),
        waste=waste(plan.shopping_list).words() if plan.shopping_list else "")


def _household_csv(plan: HouseholdPlan) -> str:
    """One row per food of each member's day; ``shared`` says whether the meal is the
    house's (yes), the member's own in place of the house's (own) or simply theirs."""
    rows: list[list[object]] = []
    for member, week in zip(plan.members, plan.weeks, strict=True):
        for day in week.days:
            for meal in day.meals:
                shared = plan.meal(day.day, meal.slot)
                how = "" if shared is None else "yes" if member.id in shared.members else \
                    "own" if member.id in shared.own else ""
                rows += [[member.id, day.day, meal.slot, how, meal.dish_id, item.food_id,
                          item.name, item.text, item.role, f"{item.servings:g}",
                          f"{item.grams:g}",
                          *(_item_amount(item, n) for n in (*KEY_NUTRIENTS, "energy_kcal"))]
                         for item in meal.items]
    return csv_text(["member", "day", "slot", "shared", "dish_id", "food_id", "name", "text",
                     "role", "servings", "grams", *KEY_NUTRIENTS, "energy_kcal"], rows)


_AMOUNT: Final = re.compile(r"^([\d½¼¾⅓⅔⅛][\d.,/½¼¾⅓⅔⅛]*) (?=\S)")


def _amount_kept(text: str) -> str:
    """A food with its amount and unit joined by a no-break space ("1½ cups"), so that a
    line never ends between a number and its unit."""
    return _AMOUNT.sub("\\1\u00a0", text, count=1)


_SHORT_NAME: Final = re.compile(r"\b([A-Z][a-z0-9]{0,2}) (?=\d)")  # "Mg 168 %", "B12 309 %"


def _units_kept(text: str) -> str:
    """Numbers kept with their units ("86 g", "140 %") and a short name with its number
    ("Mg 168 %") by no-break spaces, so that a line never ends between them."""
    return _SHORT_NAME.sub("\\1" + _KEEP, _keep_units(text))


def _range_breaks(text: str) -> Any:
    """HTML for ``text`` with a line allowed to break after the dash of a range of numbers
    ("1,000-<wbr>2,500 mg"), where a browser would not break."""
    from markupsafe import Markup, escape

    return Markup(re.sub(r"(?<=\d)-(?=\d)", "-<wbr>", str(escape(text))))


#: Days in one printed grid page.
GRID_DAYS: Final = 7
#: Font sizes (pt) the printed grid may take, largest first: the largest whose rows fit
#: the landscape page (:func:`grid_print_size`).
GRID_PRINT_SIZES: Final = (8.5, 8.0, 7.5, 7.0, 6.5, 6.0)
#: The printed grid's room for rows (pt): a landscape letter page less its margins, the
#: title and the header row, and a little slack; its width, and each meal column's share
#: (the template's print CSS).
GRID_PRINT_HEIGHT: Final = 500.0
GRID_PRINT_WIDTH: Final = 735.0
GRID_PRINT_SHARES: Final = {"breakfast": 0.22, "lunch": 0.265, "dinner": 0.265,
                            "snack": 0.16}


def grid_print_size(rows: Sequence[dict[str, Any]], slots: Sequence[str]) -> float:
    """The font size (pt) the printed grid of ``rows`` (:func:`week_grid`) takes: the
    largest of :data:`GRID_PRINT_SIZES` whose estimated height fits the landscape page,
    so that a week of long dishes and many foods stays on one page. Lines are estimated
    from each cell's characters at an average glyph width (0.62 em bold for the dish,
    0.56 em for the foods: DejaVu Sans, a wide face, errs on the side of more lines)."""

    def height(size: float) -> float:
        total = 0.0
        for row in rows:
            lines = [1]
            for slot, cell in zip(slots, row["cells"], strict=True):
                if not cell:
                    continue
                room = GRID_PRINT_WIDTH * GRID_PRINT_SHARES.get(slot, 0.25) - 6
                dish = math.ceil(len(cell["dish"]) * 0.62 * size / room)
                foods = math.ceil(len(" · ".join(cell["foods"])) * 0.56 * size / room)
                lines.append(dish + foods)
            total += max(lines) * 1.2 * size + 4  # line height 1.2; padding and border
        return total

    return next((size for size in GRID_PRINT_SIZES if height(size) <= GRID_PRINT_HEIGHT),
                GRID_PRINT_SIZES[-1])


def week_grid(week: WeekPlan, start: dt.date | None = None) -> list[dict[str, Any]]:
    """The printable grid: one block of up to :data:`GRID_DAYS` days, each a row with a
    cell per meal slot (the dish's name when the meal is a dish, and its foods in
    household amounts; None for a slot the day does not have). A row names its day:
    ``weekday`` and ``date`` ("Monday", "7 December") from ``start``, else "Day 3" and "";
    ``print_size`` is the block's printed font size (:func:`grid_print_size`)."""
    slots: list[str] = []
    for d in week.days:
        for m in d.meals:
            if m.slot not in slots:
                slots.append(m.slot)
    blocks = []
    for first in range(0, len(week.days), GRID_DAYS):
        chunk = week.days[first:first + GRID_DAYS]
        rows = []
        for d in chunk:
            by_slot = {m.slot: m for m in d.meals}
            weekday, _, date = day_name(d.day, start).partition(" ") if start else \
                (day_name(d.day), "", "")
            rows.append({"day": d.day, "weekday": weekday, "date": date, "cells": [
                None if slot not in by_slot else {
                    "dish": by_slot[slot].dish, "eaten": bool(_eaten_mark(by_slot[slot])),
                    "foods": [plain(i.text or i.name) for i in by_slot[slot].items]}
                for slot in slots]})
        span = _span(chunk[0].day, chunk[-1].day, start)
        blocks.append({"heading": f"{span}: meals", "slots": slots, "rows": rows,
                       "print_size": grid_print_size(rows, slots)})
    return blocks


def _averaged_note(week: WeekPlan) -> str:
    """Which nutrients the plan meets on the week's average, and their averages."""
    from planner.planning.summary import week_average

    averaged = [n for n in KEY_NUTRIENTS if n in week.applied and week.target_min(n)
                and week.applied[n].basis == "week_average"]
    if not averaged:
        return ""
    parts = [f"{display_name(n)} {100 * week_average(week, n) / (week.target_min(n) or 1):,.0f}"
             " %" for n in averaged]
    return (f"{' and '.join(display_name(n) for n in averaged)} are stored by the body, so "
            "the plan meets them on the week's average (NIH ODS), not every day: in the chart "
            "their light bars are single days, the solid ones at the right the average ("
            + ", ".join(parts) + ").")


def _pyplot() -> Any:
    """matplotlib's pyplot drawing SVG with text kept as text (searchable, accessible)."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    return plt


def _svg(figure: Any, alt: str, name: str) -> str:
    """The figure as an inline ``<svg>`` element: its alt text (what the chart shows, in
    words) as the image's accessible name, nothing drawn cut at the edge (the canvas
    grows to hold every label), no date (the same plan gives the same bytes), and element
    ids unique to ``name`` so that several charts can share a page."""
    import matplotlib.pyplot as plt

    figure.tight_layout()
    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": "planner"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.06,
                       metadata={"Date": None, "Creator": None})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = _SVG_ID.sub(lambda m: f"{m.group(1)}{name}-{m.group(2)}", svg[svg.index("<svg"):])
    return (f'<svg role="img" aria-label="{html.escape(plain(alt))}" class="chart-{name}"'
            + svg[len("<svg"):])


# An element id in matplotlib's SVG, or a reference to one (clip paths, hatches, markers)
_SVG_ID: Final = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def _chart_figure(plt: Any, narrow: bool, wide: tuple[float, float],
                  tall: tuple[float, float]) -> tuple[Any, Any]:
    """A figure and its axes: ``wide`` inches for a page, ``tall`` for a phone's column."""
    return cast(tuple[Any, Any], plt.subplots(figsize=tall if narrow else wide, dpi=100))


#: Where a chart's axis stops (% of target or pattern); a longer bar is drawn to the axis
#: and labelled with its value, so no value is hidden.
CHART_CAP: Final = 300.0


def _axis_top(values: Sequence[float]) -> float:
    """The axis end: a little above the largest value, at most :data:`CHART_CAP`."""
    return min(max([*values, 100.0]) * 1.12, CHART_CAP)


def _label_overflow(axes: Any, positions: Sequence[float], values: Sequence[float],
                    top: float, *, horizontal: bool = False) -> None:
    """Write the value of each bar that runs past the axis at its clipped end."""
    for x, v in zip(positions, values, strict=True):
        if v <= top:
            continue
        text = f"{v:,.0f} %"
        if horizontal:
            axes.annotate(text, (top, x), xytext=(-3, 0), textcoords="offset points",
                          ha="right", va="center", fontsize="x-small", color="#111")
        else:
            axes.annotate(text, (x, top), xytext=(0, -3), textcoords="offset points",
                          ha="center", va="top", rotation=90, fontsize="x-small",
                          color="#111")


def _percents(values: Sequence[float]) -> str:
    """'95 %' or '95-140 %': a range of shares of a target, in words."""
    low, high = round(min(values)), round(max(values))
    return f"{low:,} %" if low == high else f"{low:,}-{high:,} %"


def food_group_chart_alt(rows: Sequence[GroupRow]) -> str:
    """The food-group chart in words, as its alt text: each group's share of the pattern
    and which groups are under it."""
    shown = [r for r in rows if r.pattern]
    shares = [(r.label, 100 * r.plan / (r.pattern or 1.0)) for r in shown]
    under = [f"{label} ({share:,.0f} %)" for label, share in shares if round(share) < 100]
    return ("Bar chart of each food group as a share of the Dietary Guidelines pattern's "
            "amount, where 100 % is the pattern: "
            + "; ".join(f"{label} {share:,.0f} %" for label, share in shares) + ". "
            + (f"Under the pattern: {', '.join(under)}." if under else
               "Every group meets the pattern or more."))


def food_group_chart_svg(rows: Sequence[GroupRow], *, narrow: bool = False) -> str:
    """An inline SVG bar chart (matplotlib) of each food group as a share of the pattern;
    a bar past the axis end (:data:`CHART_CAP`) carries its value. ``narrow``: drawn for
    a phone's width (labels wrapped, taller)."""
    plt = _pyplot()
    shown = [r for r in rows if r.pattern]
    figure, axes = _chart_figure(plt, narrow, (8, 3.2), (4.4, 6.0))
    labels = [f"{textwrap.fill(r.label, 18, break_on_hyphens=False)}\n({r.unit}/{r.per})"
              if narrow else f"{r.label} ({r.unit}/{r.per})" for r in shown]
    values = [100 * r.plan / (r.pattern or 1.0) for r in shown]
    top = _axis_top(values)
    axes.barh(range(len(values)), [min(v, top) for v in values], color="#4a7fb0")
    axes.set_yticks(range(len(values)), labels)
    _label_overflow(axes, range(len(values)), values, top, horizontal=True)
    axes.set_xlim(0, top)
    axes.axvline(100, color="black", linewidth=1, linestyle="--")
    axes.invert_yaxis()
    axes.set_xlabel(textwrap.fill("% of the DGA pattern amount (dashed line: 100 %; longer "
                                  "bars are labelled with their value)", 44 if narrow else 90))
    axes.set_title("Food groups against the pattern")
    axes.tick_params(axis="y", labelsize="small")
    return _svg(figure, food_group_chart_alt(rows), "groups-narrow" if narrow else "groups")


def coverage_chart_alt(week: WeekPlan, start: dt.date | None = None) -> str:
    """The coverage chart in words, as its alt text: for each key nutrient the range of
    its daily shares of the target, its average, and the days it falls short of a daily
    target."""
    from planner.planning.summary import week_average

    span = _span(week.days[0].day, week.days[-1].day, start)
    parts = []
    for n in KEY_NUTRIENTS:
        if n not in week.applied or not week.target_min(n):
            continue
        target = week.target_min(n) or 1.0  # food and supplements together
        daily = [100 * week.intake(d, n) / target for d in week.days]
        average = 100 * week_average(week, n) / target
        text = f"{display_name(n)} {_percents(daily)}"
        if len(daily) > 1:
            text += f", {average:,.0f} % on average"
        if week.applied[n].basis == "week_average":
            text += " (judged on the average)"
        else:
            short = [day_name(d.day, start) for d, v in zip(week.days, daily, strict=True)
                     if round(v) < 100]
            text += f", under the target on {', '.join(short)}" if short else \
                (", at or above the target every day" if len(daily) > 1 else "")
        parts.append(text)
    what = ("on each day and on the average of " + span if len(week.days) > 1 else
            "on " + span)
    return (f"Bar chart of each key nutrient as a share of its daily target, where 100 % "
            f"is the target, {what}: " + "; ".join(parts) + ".")


def coverage_chart_svg(week: WeekPlan, start: dt.date | None = None, *,
                       narrow: bool = False) -> str:
    """An inline SVG bar chart (matplotlib) of each day's coverage of the key nutrients,
    and of the week's average. A nutrient judged on the week's average (vitamin D and B12
    unless --strict-daily) has light, hatched daily bars, marked as such in the legend; its
    solid bar is the week's average, the one its target applies to. Bars past the axis end
    (:data:`CHART_CAP`) carry their value. Days are named from ``start`` when given;
    ``narrow``: drawn for a phone's width."""
    from planner.planning.summary import week_average

    plt = _pyplot()
    nutrients = [n for n in KEY_NUTRIENTS if n in week.applied and week.target_min(n)]
    figure, axes = _chart_figure(plt, narrow, (8, 3.8), (4.4, 5.0))
    width = 0.8 / max(len(nutrients), 1)
    days = [d.day for d in week.days]
    average_x = len(days) + 1
    series = []
    for n in nutrients:
        target = week.target_min(n) or 1.0
        daily = [100 * week.intake(d, n) / target for d in week.days]
        series.append((n, daily, 100 * week_average(week, n) / target))
    top = _axis_top([v for _, daily, avg in series for v in (*daily, avg)])
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (n, daily, avg) in enumerate(series):
        offset = (k - (len(nutrients) - 1) / 2) * width
        on_average = week.applied[n].basis == "week_average"
        colour = colours[k % len(colours)]
        label = display_name(n) + (" (light daily bars; judged on the week's average)"
                                   if on_average else "")
        xs = [x + offset for x in days]
        axes.bar(xs, [min(v, top) for v in daily], width, label=label, color=colour,
                 alpha=0.45 if on_average else 1.0, hatch="//" if on_average else None,
                 edgecolor=colour)
        _label_overflow(axes, xs, daily, top)
        axes.bar([average_x + offset], [min(avg, top)], width, color=colour)
        _label_overflow(axes, [average_x + offset], [avg], top)
    axes.set_ylim(0, top)
    axes.axhline(100, color="black", linewidth=1, linestyle="--")
    axes.axvline(len(days) + 0.5, color="#999", linewidth=0.8)
    ticks = [_short_day(d, start) for d in days]
    if narrow or len(days) > 7:  # two lines a tick: "Mon\n7", "Day\n3"
        ticks = [t.replace(" ", "\n", 1) for t in ticks]
    axes.set_xticks([*days, average_x], [*ticks, "Week\navg" if narrow else "Week avg"],
                    fontsize="x-small" if narrow or len(days) > 7 else None)
    axes.set_ylabel("% of target")
    axes.set_title(textwrap.fill("Coverage of the key nutrients (dashed line: 100 %)",
                                 34 if narrow else 90))
    axes.legend(fontsize="small", ncols=1 if narrow else 2, loc="upper center",
                bbox_to_anchor=(0.5, -0.16 if narrow else -0.12), frameon=False)
    return _svg(figure, coverage_chart_alt(week, start),
                "coverage-narrow" if narrow else "coverage")


# ------------------------------------------------------------------ foods and explain

def format_foods(ranking: FoodRanking, fmt: str = "table", *, width: int = DEFAULT_WIDTH
                 ) -> str:
    """Ranked food suggestions (the text table within ``width`` columns)."""
    from planner.planning.suggest import ranking_dict

    if fmt == "json":
        return to_json({**ranking_dict(ranking), "disclaimer": DISCLAIMER})
    n = ranking.nutrient
    marks = {fid: "*" * (k + 1) for k, fid in enumerate(ranking.food_notes)}
    absorbed = ranking.absorbable  # absorbed calcium is shown with its fraction, no % RDA
    # the portion names the food ("1 cup cooked Swiss chard"): one column, not the name
    # twice, so that a row fits a line at 80 columns
    rows = [[i + 1, f.portion + marks.get(f.food_id, ""), amount(f.per_portion, n),
             (f"{100 * (f.absorption or 0):.0f} %" if absorbed else
              "-" if f.target_share is None else f"{100 * f.target_share:.0f} %"),
             amount(f.per_100g, n),
             "-" if f.per_100kcal is None else amount(f.per_100kcal, n)]
            for i, f in enumerate(ranking.foods)]
    headers = ["#", "food, one portion", "per portion", "absorbed %" if absorbed else
               "% target", "per 100 g", "per 100 kcal"]
    if fmt == "csv":
        return csv_text(
            ["rank", "food_id", "name", "portion", "portion_grams", f"{n}_per_portion",
             "percent_of_target", f"{n}_per_100g", f"{n}_per_100kcal", "absorbed", "note",
             "absorption_percent"],
            ([i + 1, f.food_id, f.name, f.portion, f"{f.portion_grams:g}",
              f"{f.per_portion:.4g}",
              "" if f.target_share is None else f"{100 * f.target_share:.1f}",
              f"{f.per_100g:.4g}", "" if f.per_100kcal is None else f"{f.per_100kcal:.4g}",
              "yes" if ranking.absorbable else "no", ranking.food_notes.get(f.food_id, ""),
              "" if f.absorption is None else f"{100 * f.absorption:.0f}"]
             for i, f in enumerate(ranking.foods)))
    basis = {"serving": "per portion", "100g": "per 100 g", "100kcal": "per 100 kcal"}
    what = f"absorbable {display_name(n).lower()}" if ranking.absorbable else display_name(n)
    head = (f"Foods richest in {what} {basis[ranking.per]} "
            f"({ranking.source}, {ranking.considered:,} foods considered)")
    extra = [*ranking.notes, *(f"{marks[fid]} {text}" for fid, text in
                               ranking.food_notes.items())]
    note = (f"{plural(ranking.unknown, 'food')} "
            f"{'has' if ranking.unknown == 1 else 'have'} no USDA value for {n} and "
            f"{'is' if ranking.unknown == 1 else 'are'} not ranked." if ranking.unknown else "")
    target = ("absorbed % = the share of the food's calcium the body absorbs."
              if absorbed else
              "Give --sex and --age (or save a profile) to see % of your target."
              if ranking.target is None else
              f"% target = share of your daily target of {amount(ranking.target, n)}.")
    if fmt == "markdown":
        lines = [f"# {head}", "", "| " + " | ".join(headers) + " |",
                 "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(_md(str(c)) for c in r) + " |" for r in rows]
        lines += ["", target, note, *(_md(x) for x in extra), "", f"*{DISCLAIMER}*"]
        return "\n".join(line for line in lines if line is not None) + "\n"
    table = text_table(headers, rows, right=[True, False, True, True, True, True],
                       width=width)
    lines = [head, "", table, ""] + [t for t in (target, note) if t] + extra + [DISCLAIMER]
    return fit(lines, width)


def format_explain(e: Explanation, fmt: str = "table", *, width: int = DEFAULT_WIDTH) -> str:
    """What one portion of a food brings (the text within ``width`` columns)."""
    from planner.planning.suggest import explanation_dict

    if fmt == "json":
        return to_json({**explanation_dict(e), "disclaimer": DISCLAIMER})
    rows = [[display_name(line.nutrient) + (" (key)" if line.nutrient in KEY_NUTRIENTS
                                            else ""),
             "unknown" if line.per_portion is None else amount(line.per_portion,
                                                               line.nutrient),
             "-" if line.share is None else f"{100 * line.share:.0f} %", line.rating]
            for line in e.lines]
    good = (", ".join(display_name(n) for n in e.good_for) if e.good_for else
            "none of the five key nutrients")
    head = e.portion if e.in_catalogue else f"{e.name}: {e.portion}"
    lines = [plain(with_amount(head, f"{e.portion_grams:g} g")),
             plain(f"USDA: {e.description}") + ("" if e.in_catalogue else
                                                " (not in the planner's catalogue)"), "",
             text_table(["nutrient", "per portion", "% of your target", "as a source"], rows,
                        right=[False, True, True, False], width=width), "",
             f"A good source of: {good} (FDA convention: >= 10 % of the target per "
             "portion; excellent >= 20 %).", *map(plain, e.notes), DISCLAIMER]
    return fit(lines, width)


# ------------------------------------------------------------------ advice

def format_advice(advice: Advice, fmt: str = "table", *, width: int = DEFAULT_WIDTH) -> str:
    """The guided check's result as terminal text (within ``width`` columns), Markdown or
    JSON."""
    if fmt == "json":
        return to_json({**advice.as_dict(), "disclaimer": DISCLAIMER})
    markdown = fmt == "markdown"
    bullet = "- " if markdown else "  - "

    def section(title: str, items: Sequence[str], code: bool = False) -> list[str]:
        if not items:
            return []
        head = f"## {title}" if markdown else f"{title}:"
        return ["", head, *([""] if markdown else []),
                *(bullet + (_md_code(i) if markdown and code else _md(i) if markdown
                            else plain(i)) for i in items)]

    if advice.see_doctor:
        lines = ["# See a doctor" if markdown else "You answered yes to:"]
        lines += section("You answered yes to", advice.red_flags) if markdown else \
            [f"  - {q}" for q in advice.red_flags]
        lines += ["", DOCTOR, "", DISCLAIMER]
        return "\n".join(lines) + "\n" if markdown else fit(lines, width)
    lines = ["# Guided check", "", "No red-flag signs reported."] if markdown else \
        ["No red-flag signs reported."]
    if advice.clinician_first:
        lines += section("Ask your clinician first (planner will not plan without these "
                         "limits)", advice.clinician_first)
    lines += section("Your conditions and medicines", advice.health)
    lines += section("Common, usually harmless causes of twitches and cramps",
                     advice.factors or ("none of the usual triggers reported",))
    lines += section("Nutrients to emphasise",
                     [f"{display_name(n)}: {why}" for n, why in advice.emphasis.items()])
    # the check plans nothing itself: it says so, and prints the commands that do
    run = ("Commands to run next: a week planned for these answers"
           + (", and the foods richest in the nutrients to emphasise"
              if len(advice.commands) > 1 else "")
           + " (this check plans nothing itself)")
    if markdown:
        lines += section(run, advice.commands, code=True)
    elif advice.commands:
        lines += ["", run + ":"]
        for command in advice.commands:
            lines += shell_lines(plain(command), width, "  - ", "      ")
    if advice.unanswered:
        lines += section("Not answered (counted as not reported)",
                         [", ".join(advice.unanswered)])
        if any(k in advice.unanswered for k in ("ckd", "ace_inhibitor", "arb",
                                                "potassium_sparing_diuretic")):
            lines += ["", "If you have kidney disease or take medicines that raise "
                      "potassium, a potassium-rich plan is not safe as it is: answer those "
                      "questions or ask your clinician first."]
    lines += ["", "If twitching spreads, weakness appears or symptoms persist, see a doctor.",
              f"*{DISCLAIMER}*" if markdown else DISCLAIMER]
    return "\n".join(lines) + "\n" if markdown else fit(lines, width)


def shell_lines(command: str, width: int = DEFAULT_WIDTH, first: str = "",
                indent: str = "    ") -> list[str]:
    """A shell command within ``width`` columns, continued with backslashes so that it
    still runs when copied: broken between words, never inside one. A trailing comment
    ("   # for a 35-year-old woman") is never continued with a backslash (the next line
    would run as a command): what does not fit goes on lines of its own, each a comment."""
    code, mark, comment = command.partition("   # ")
    lines = wrap(code, width - 2, indent, first)
    lines = [line + " \\" for line in lines[:-1]] + lines[-1:]
    if mark:
        words = comment.split()
        last = lines[-1] + "   #"
        while words and len(last) + 1 + len(words[0]) <= width:
            last += " " + words.pop(0)
        lines[-1] = last
        if words:
            lines += wrap(" ".join(words), width, indent + "# ")
    return lines


# ------------------------------------------------------------------ batch

def format_batch(summary: BatchSummary, out: str, fmt: str = "table", *,
                 width: int = DEFAULT_WIDTH) -> str:
    """A batch's summary: counts, speed, what infeasible rows lacked, invalid rows (the
    text within ``width`` columns)."""
    if fmt == "json":
        return to_json({"schema": "planner.batch-summary/1", **summary.as_dict(),
                        "out": out})
    counts = ", ".join(f"{n} {s}" for s, n in summary.counts.items())
    shared = (f" ({plural(summary.distinct, 'distinct request')}, each planned once)"
              if 0 < summary.distinct < summary.planned else "")
    where = ("in " if summary.where == "this process" else "on ") + summary.where
    lines = [f"Planned {plural(summary.planned, 'person', 'people')}{shared} {where} in "
             f"{summary.seconds:,.1f} s ({summary.per_minute:,.1f} people a minute): {counts}"
             + (f"; {summary.skipped:,} done before (resumed)" if summary.skipped else "")
             + "."]
    if summary.short:
        lines.append("Most often short among infeasible rows and plans with misses: "
                     + ", ".join(
            f"{_short_name(n)} ({k})" for n, k in summary.short) + ".")
    for person, message in summary.invalid:
        lines.append(f"  {plain(person)}: {plain(message)}")
    base = out.rstrip("/") or out  # "team-plans/": not team-plans//people
    lines.append(f"Results: {base}/people, {base}/days, {base}/items (Parquet).")
    return fit(lines, width)


def _short_name(name: str) -> str:
    return display_name(name) if name in BY_NAME else name.replace("_", " ")


# ------------------------------------------------------------------ food log and gaps

BAR_WIDTH: Final = 20


def bar(percent: float | None, width: int = BAR_WIDTH) -> str:
    """'█████████░░░░░░░░░░░' for 45 %: the share of a target, full at 100 % and over."""
    if percent is None:
        return ""
    filled = max(0, min(width, round(width * percent / 100)))
    return "█" * filled + "░" * (width - filled)


def _gap_title(report: GapReport) -> str:
    p = report.targets.profile
    span = (report.start.isoformat() if report.start == report.end else
            f"{report.start.isoformat()} to {report.end.isoformat()}")
    logged = (f"{plural(len(report.logged), 'day')} logged" + (
        f", {len(report.empty)} without entries" if report.empty else ""))
    stage = "" if p.life_stage == "general" else f", {p.life_stage}"
    return (f"What you ate against your targets: {p.age}-year-old {p.sex}{stage}, {span} "
            f"({logged}, {plural(report.entries, 'entry', 'entries')})")


def _gap_status(line: GapLine, days: int) -> str:
    from planner.log.gaps import CONTEXT as GAP_CONTEXT

    if line.over_days:
        return f"over the limit on {len(line.over_days)} of {plural(days, 'day')}"
    if line.nutrient in GAP_CONTEXT:
        return "for reference"
    if line.basis == "average":
        return "short on average" if line.short_days else (
            "met on average" if line.target else "")
    if line.short_days:
        return f"short on {len(line.short_days)} of {plural(days, 'day')}"
    return "met every day" if line.target else ""


def _gap_rows(report: GapReport, bar_width: int = BAR_WIDTH) -> list[list[str]]:
    rows = []
    for line in report.lines:
        intake = ("≥ " if line.unknown else "") + amount(line.intake, line.nutrient)
        if line.target is not None and line.cap is not None:  # "1,000-2,500 mg"
            target = (f"{amount(line.target, line.nutrient, unit=False)}-"
                      f"{amount(line.cap, line.nutrient)}")
        elif line.cap is not None:
            target = f"max {amount(line.cap, line.nutrient)}"
        else:
            target = "-" if line.target is None else amount(line.target, line.nutrient)
        percent = "" if line.percent is None else f"{line.percent:.0f} %"
        rows.append([display_name(line.nutrient), intake, target, percent,
                     bar(line.percent, bar_width),
                     _gap_status(line, len(report.logged))])
    return rows


def _closer_lines(report: GapReport) -> list[str]:
    return [f"{lead}: {'; '.join(foods)}" for lead, foods in _closers(report)]


def _closers(report: GapReport) -> list[tuple[str, list[str]]]:
    """Per gap: "Magnesium, 95 mg short a day: one portion closes it" and the foods."""
    out = []
    for line in report.lines:
        if not line.closers:
            continue
        per = "a day on average" if line.basis == "average" else "a day"
        foods = [with_amount(c.portion, amount(c.amount, line.nutrient))
                 for c in line.closers]
        lead = ("one portion closes it" if line.closers[0].closes else
                "no single portion closes it; the richest")
        out.append((f"{display_name(line.nutrient)}, {amount(line.gap, line.nutrient)} "
                    f"short {per}: {lead}", foods))
    return out


def format_gaps(report: GapReport, fmt: str = "table", *, width: int = DEFAULT_WIDTH) -> str:
    """Render a gap report as table (with bars, within ``width`` columns), markdown, json
    or html (with a chart)."""
    from planner.log.gaps import gap_document

    if fmt == "json":
        return to_json(gap_document(report))
    closers = _closer_lines(report)
    sources = ("Targets: NASEM Dietary Reference Intakes (via NIH ODS); food values: USDA. "
               "Minerals are judged day by day; vitamin D and B12, which the body stores, "
               "on the average.")
    if fmt == "markdown":
        lines = [f"# {_md(_gap_title(report))}", "",
                 "| nutrient | per day | target | % | status |", "|---|---:|---:|---:|---|"]
        lines += [f"| {' | '.join(_md(c) for i, c in enumerate(r) if i != 4)} |"
                  for r in _gap_rows(report)]
        if closers:
            lines += ["", "## To close the gaps (one ordinary portion, within your diet)", ""]
            lines += [f"- {_md(c)}" for c in closers]
        lines += [""] + [f"> {_md(n)}" for n in report.notes]
        lines += ["", _md(sources), "", f"*{DISCLAIMER}*", "", f"*{RED_FLAGS}*", ""]
        return "\n".join(lines)
    if fmt == "html":
        return _gaps_html(report, closers, sources)
    lines = [_gap_title(report), ""]
    rows = [[n, intake, target, f"{percent:>5}{_KEEP}{chart}".rstrip() if percent else "",
             status]
            for n, intake, target, percent, chart, status in
            _gap_rows(report, BAR_WIDTH if width >= 100 else BAR_WIDTH // 2)]
    lines.append(text_table(["nutrient", "per day", "target", "% of target", "status"], rows,
                            right=[False, True, True, False, False], width=width))
    lines.append("")
    if closers:
        lines.append("To close the gaps (one ordinary portion, within your diet):")
        for lead, foods in _closers(report):
            lines += [*wrap(lead + ":", width, "    ", "  "), *pack(foods, width, "    ",
                                                                   "    ")]
        lines.append("")
    elif any(line.target for line in report.lines if line.nutrient in KEY_NUTRIENTS):
        lines += ["No gaps in the five key nutrients.", ""]
    lines += list(report.notes)
    lines += [sources, DISCLAIMER, RED_FLAGS]
    return fit(lines, width)


def _gaps_html(report: GapReport, closers: Sequence[str], sources: str) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["units_kept"] = _units_kept
    env.filters["range_breaks"] = _range_breaks
    rows = _gap_rows(report)
    return env.get_template("gaps.html.j2").render(
        title=_gap_title(report), rows=[[c for i, c in enumerate(r) if i != 4] for r in rows],
        chart=gap_chart_svg(report), narrow_chart=gap_chart_svg(report, narrow=True),
        closers=closers, notes=report.notes, sources=sources,
        disclaimer=DISCLAIMER, red_flags=RED_FLAGS)


def gap_chart_svg(report: GapReport, *, narrow: bool = False) -> str:
    """An inline SVG bar chart (matplotlib): each key nutrient's intake as a share of its
    target, per logged day (minerals) or on the average (vitamin D and B12). ``narrow``:
    drawn for a phone's width."""
    plt = _pyplot()
    lines = [x for x in report.lines if x.nutrient in KEY_NUTRIENTS and x.target]
    figure, axes = _chart_figure(plt, narrow, (8, 3.2), (4.4, 4.2))
    labels = [f"{display_name(x.nutrient)}" + (("\n" if narrow else " ") + "(average)"
                                               if x.basis == "average" else "")
              for x in lines]
    values = [x.percent or 0.0 for x in lines]
    top = _axis_top(values)
    colours = ["#b0503c" if x.short_days else "#4a7fb0" for x in lines]
    axes.barh(labels, [min(v, top) for v in values], color=colours)
    _label_overflow(axes, range(len(values)), values, top, horizontal=True)
    axes.set_xlim(0, top)
    axes.axvline(100, color="black", linewidth=1, linestyle="--")
    axes.invert_yaxis()
    axes.set_xlabel(textwrap.fill("% of your daily target, mean of the logged days (dashed "
                                  "line: 100 %)", 44 if narrow else 90))
    axes.set_title(textwrap.fill("What you ate against your targets (red: short)",
                                 34 if narrow else 90))
    return _svg(figure, gap_chart_alt(report), "gaps-narrow" if narrow else "gaps")


def gap_chart_alt(report: GapReport) -> str:
    """The gap chart in words, as its alt text: each key nutrient's intake as a share of
    its target, and how often it was short."""
    parts = []
    for line in report.lines:
        if line.nutrient not in KEY_NUTRIENTS or not line.target:
            continue
        status = _gap_status(line, len(report.logged))
        parts.append(f"{display_name(line.nutrient)} {line.percent or 0:,.0f} %"
                     + (f", {status}" if status else ""))
    return ("Bar chart of what you ate of each key nutrient as a share of your daily "
            "target, where 100 % is the target, on the mean of the logged days: "
            + "; ".join(parts) + ".")


def format_log(entries: Sequence[Entry], table: FoodTable | None, fmt: str = "table",
               title: str = "", *, width: int = DEFAULT_WIDTH,
               supplements: Sequence[SupplementEntry] = ()) -> str:
    """Logged entries as a table grouped by date and meal (with energy from the food
    table; within ``width`` columns), or json or csv. Supplements logged on a day follow
    its foods (meal ``supplement``); the JSON has them under ``supplements``, the CSV as
    rows with ``amount`` and ``unit``."""
    if fmt == "json":
        return to_json({"schema": "planner.log/1", "entries": [e.as_dict() for e in entries],
                        "supplements": [s.as_dict() for s in supplements]})
    if fmt == "csv":
        rows: list[list[object]] = [
            [e.id, e.date.isoformat(), e.meal or "", e.food_id, e.name, f"{e.grams:g}",
             e.text, e.said, e.added_at, "", ""] for e in entries]
        rows += [[s.id, s.date.isoformat(), "supplement", "", s.name, "", s.text, s.said,
                  s.added_at, f"{s.amount:g}", s.as_dict()["unit"]] for s in supplements]
        rows.sort(key=lambda r: (str(r[1]), int(cast(int, r[0]))))
        return csv_text(["id", "date", "meal", "food_id", "name", "grams", "text", "said",
                         "added_at", "amount", "unit"], rows)
    if not entries and not supplements:
        return fit([f"{title or 'Food log'}: nothing logged"], width)
    lines = [title] if title else []
    for date in sorted({e.date for e in entries} | {s.date for s in supplements}):
        day = [e for e in entries if e.date == date]
        taken = [s for s in supplements if s.date == date]
        energies = [_energy(e, table) for e in day]
        energy = sum(k for k in energies if k is not None)
        about = "at least" if None in energies else "about"  # unknown is not zero
        count = len(day) + len(taken)
        lines.append(f"{date.isoformat()} ({plural(count, 'entry', 'entries')}"
                     + (f", {about} {energy:,.0f} kcal)" if day else ")"))
        rows = [[f"#{e.id}", e.meal or "-", e.text, f"{e.grams:,.0f} g",
                 "?" if k is None else f"{k:,.0f} kcal"]
                for e, k in zip(day, energies, strict=True)]
        rows += [[f"#{s.id}", "supplement", s.text, "-", "-"] for s in taken]
        lines.append(text_table(["id", "meal", "food", "weight", "energy"], rows,
                                right=[True, False, False, True, True], width=width))
        lines.append("")
    return fit(lines, width)[:-1]  # the last line is already empty


def _energy(entry: Entry, table: FoodTable | None) -> float | None:
    if table is None or entry.food_id not in table.foods.index:
        return None
    value = float(cast(float, table.foods.at[entry.food_id, "energy_kcal"]))
    return None if math.isnan(value) else value * entry.grams / 100
