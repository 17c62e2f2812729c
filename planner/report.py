"""Rendering: every ``format_*`` function takes library objects and returns a string.

Nothing here computes nutrition; it only lays out what the library returned.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from planner.diet import DietResult
from planner.nutrients import BY_NAME, KEY_NUTRIENTS, display_name, unit_label
from planner.targets import Targets

DISCLAIMER: Final = ("General nutrition information, not medical advice: a clinician checks "
                     "for a deficiency with blood tests (an electrolyte panel).")
RED_FLAGS: Final = ("See a doctor rather than rely on a diet plan for progressive weakness, "
                    "muscle wasting, or trouble swallowing or speaking.")


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
               right: Sequence[bool] | None = None) -> str:
    """Lay out rows as a plain-text table with a header rule; ``right`` aligns columns."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r]
                                           for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    align = list(right) if right is not None else [False] * len(headers)

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if a else c.ljust(w)
                         for c, w, a in zip(row, widths, align, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


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

def format_targets(targets: Targets, fmt: str = "table") -> str:
    """Render daily targets as a table or as the ``planner.targets/1`` JSON document."""
    if fmt == "json":
        return to_json(targets.as_dict())
    p = targets.profile
    size = "" if p.weight_kg is None else f", {p.weight_kg:g} kg"
    size += "" if p.height_cm is None else f", {p.height_cm:g} cm"
    stage = "" if p.life_stage == "general" else f", {p.life_stage}"
    head = (f"Daily targets for a {p.age}-year-old {p.sex}{stage}{size}, activity "
            f"{p.activity.replace('_', ' ')} (Dietary Reference Intakes, NASEM/IOM)")
    rows = []
    for name, t in targets.items.items():
        mark = "*" if t.overridden else ""
        if t.pct_energy is not None:
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
        rows.append([display_name(name) + (" (key)" if name in KEY_NUTRIENTS else "") + mark,
                     amount(t.min, name), amount(t.max, name), t.kind, note])
    table = text_table(["nutrient", "min / day", "max / day", "kind", "note"], rows,
                       right=[False, True, True, False, False])
    lines = [head, "", table, ""]
    if targets.overridden:
        lines.append("* overridden by you: " + ", ".join(targets.overridden))
    lines.append("Sources: NASEM/IOM Dietary Reference Intakes (see --format json for each "
                 "value's source); NIH ODS fact sheets.")
    lines.append(DISCLAIMER)
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ generic solve

def format_solve(result: DietResult, fmt: str = "table") -> str:
    """Render a generic diet solution as a table or the ``planner.solve/1`` JSON."""
    if fmt == "json":
        return to_json(result.as_dict())
    rows = [[i.id, i.name, f"{i.units:g}"] for i in result.items]
    lines = [f"{result.info.status}: total {result.objective_name} {result.objective:.4g} "
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
    if result.unknown:
        lines.append("* includes foods with no value for this nutrient (counted as 0): "
                     + "; ".join(f"{n}: {', '.join(ids)}" for n, ids in result.unknown.items()))
    return "\n".join(lines) + "\n"
