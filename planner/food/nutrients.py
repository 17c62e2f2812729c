"""The nutrient registry: canonical names, units and USDA codes, and nowhere else.

Every nutrient column in the project (bundled data, fetched data, custom tables, JSON
output) uses a canonical name from this module. The unit is part of the name
(``magnesium_mg``), so a value never travels without its unit.

Each nutrient lists the USDA sources it can be read from, in order of preference. A
source is a (legacy SR nutrient number, FDC nutrient id, factor) triple; the factor
converts the source's unit into the canonical unit. Conversions happen once, while a
table is imported (``pick_sources``), never later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:  # pandas only where a table is converted: naming nutrients stays light
    import pandas as pd


@dataclass(frozen=True)
class Source:
    """One USDA nutrient a canonical column can be read from."""

    sr_number: str  # SR28 Nutr_No == FDC nutrient.nutrient_nbr, e.g. "304"
    fdc_id: int  # FDC nutrient.id, e.g. 1090; food_nutrient.nutrient_id joins this
    unit: str  # the unit USDA reports it in
    factor: float = 1.0  # multiply to get the canonical unit


@dataclass(frozen=True)
class Nutrient:
    """A canonical nutrient column."""

    name: str  # canonical column name, unit included: "magnesium_mg"
    unit: str  # "mg"
    display: str  # "Magnesium"
    sources: tuple[Source, ...]  # in order of preference; the first is the primary code
    max_per_100g: float  # physical ceiling per 100 g; a larger value means a unit error

    @property
    def sr_number(self) -> str:
        return self.sources[0].sr_number

    @property
    def fdc_id(self) -> int:
        return self.sources[0].fdc_id


#: International units per µg, where a nutrient is also measured in IU: 1 µg of vitamin D
#: (D2 or D3) is 40 IU (NIH ODS Vitamin D fact sheet; IOM 2011). Used once, where an
#: amount comes in (USDA's IU column, a supplement's label).
IU_PER_UG: Final[Mapping[str, float]] = {"vitamin_d_ug": 40.0}
#: Micrograms per unit of mass.
_UG_PER: Final[Mapping[str, float]] = {"g": 1e6, "mg": 1e3, "ug": 1.0}


def amount_in(value: float, unit: str, nutrient: str) -> float:
    """``value`` of ``unit`` (g, mg, µg / ug / mcg, or IU where :data:`IU_PER_UG` has the
    nutrient) in the unit of the canonical ``nutrient`` (``magnesium_mg``: mg).

    Raises ValueError naming the units that fit, for a unit that does not (IU of
    magnesium, kcal of calcium)."""
    target = BY_NAME[nutrient].unit
    given = normalise_unit(unit)
    if given == "IU":
        if nutrient not in IU_PER_UG:
            raise ValueError(f"IU does not measure {display_name_lower(nutrient)}; "
                             f"use {_mass_units(target)}")
        micrograms = value / IU_PER_UG[nutrient]
    elif given in _UG_PER:
        micrograms = value * _UG_PER[given]
    else:
        extra = " or IU" if nutrient in IU_PER_UG else ""
        raise ValueError(f"{unit!r} is not a unit of {display_name_lower(nutrient)}; use "
                         f"{_mass_units(target)}{extra}")
    if target not in _UG_PER:
        raise ValueError(f"{display_name_lower(nutrient)} is not measured by mass")
    return micrograms / _UG_PER[target]


def _mass_units(canonical: str) -> str:
    return "mg or g" if canonical in ("mg", "g") else "µg (mcg) or mg"


def _n(name: str, display: str, *sources: Source) -> Nutrient:
    unit = name.rsplit("_", 1)[1]
    ceiling = {
        "g": 100.5,  # grams per 100 g, a little slack for rounding in USDA tables
        "mg": 100_000.0,
        "ug": 100_000_000.0,
        "kcal": 950.0,  # pure fat is about 900 kcal per 100 g
        "iu": 4_000_000_000.0,
    }[unit]
    return Nutrient(name, "IU" if unit == "iu" else unit, display, sources, ceiling)


S = Source
#: The registry, in the column order of every canonical table.
NUTRIENTS: Final[tuple[Nutrient, ...]] = (
    # Foundation foods often lack 208 and report Atwater energy (958 specific, 957 general).
    _n("energy_kcal", "Energy", S("208", 1008, "kcal"), S("958", 2048, "kcal"),
       S("957", 2047, "kcal"), S("268", 1062, "kJ", 1 / 4.184)),
    _n("protein_g", "Protein", S("203", 1003, "g")),
    _n("fat_g", "Total fat", S("204", 1004, "g")),
    _n("carbohydrate_g", "Carbohydrate", S("205", 1005, "g")),
    _n("fiber_g", "Fiber", S("291", 1079, "g")),
    _n("sugars_g", "Sugars", S("269", 2000, "g")),
    _n("water_g", "Water", S("255", 1051, "g")),
    _n("saturated_fat_g", "Saturated fat", S("606", 1258, "g")),
    # Monounsaturated and polyunsaturated fat: the HEI-2020 fatty-acid ratio needs them.
    _n("monounsaturated_fat_g", "Monounsaturated fat", S("645", 1292, "g")),
    _n("polyunsaturated_fat_g", "Polyunsaturated fat", S("646", 1293, "g")),
    _n("cholesterol_mg", "Cholesterol", S("601", 1253, "mg")),
    _n("calcium_mg", "Calcium", S("301", 1087, "mg")),
    _n("magnesium_mg", "Magnesium", S("304", 1090, "mg")),
    _n("potassium_mg", "Potassium", S("306", 1092, "mg")),
    _n("sodium_mg", "Sodium", S("307", 1093, "mg")),
    _n("phosphorus_mg", "Phosphorus", S("305", 1091, "mg")),
    _n("iron_mg", "Iron", S("303", 1089, "mg")),
    _n("zinc_mg", "Zinc", S("309", 1095, "mg")),
    _n("copper_mg", "Copper", S("312", 1098, "mg")),
    _n("manganese_mg", "Manganese", S("315", 1101, "mg")),
    _n("selenium_ug", "Selenium", S("317", 1103, "ug")),
    _n("vitamin_a_rae_ug", "Vitamin A (RAE)", S("320", 1106, "ug")),
    _n("vitamin_a_iu", "Vitamin A (IU)", S("318", 1104, "IU")),
    _n("vitamin_c_mg", "Vitamin C", S("401", 1162, "mg")),
    # 1 ug vitamin D = 40 IU; SR and FDC report both, as separate nutrients.
    _n("vitamin_d_ug", "Vitamin D", S("328", 1114, "ug"),
       S("324", 1110, "IU", 1 / IU_PER_UG["vitamin_d_ug"])),
    _n("vitamin_e_mg", "Vitamin E", S("323", 1109, "mg")),
    _n("vitamin_k_ug", "Vitamin K", S("430", 1185, "ug")),
    _n("thiamin_mg", "Thiamin", S("404", 1165, "mg")),
    _n("riboflavin_mg", "Riboflavin", S("405", 1166, "mg")),
    _n("niacin_mg", "Niacin", S("406", 1167, "mg")),
    _n("vitamin_b6_mg", "Vitamin B6", S("415", 1175, "mg")),
    _n("vitamin_b12_ug", "Vitamin B12", S("418", 1178, "ug")),
    # Total folate is a lower bound of DFE (DFE counts added folic acid 1.7 times), so the
    # fallback can understate a fortified food but never overstates it.
    _n("folate_dfe_ug", "Folate (DFE)", S("435", 1190, "ug"), S("417", 1177, "ug")),
    _n("choline_mg", "Choline", S("421", 1180, "mg")),
)
del S

NUTRIENT_NAMES: Final[tuple[str, ...]] = tuple(n.name for n in NUTRIENTS)
BY_NAME: Final[Mapping[str, Nutrient]] = {n.name: n for n in NUTRIENTS}

#: The five nutrients this tool exists for (nerve and muscle function).
KEY_NUTRIENTS: Final[tuple[str, ...]] = (
    "magnesium_mg",
    "calcium_mg",
    "potassium_mg",
    "vitamin_d_ug",
    "vitamin_b12_ug",
)

#: Identity and descriptive columns of the foods table, before the nutrients.
FOOD_ID_COLUMNS: Final[tuple[str, ...]] = (
    "food_id",
    "ndb_number",
    "fdc_id",
    "description",
    "food_group",
    "source",
)
FOOD_COLUMNS: Final[tuple[str, ...]] = FOOD_ID_COLUMNS + NUTRIENT_NAMES
PORTION_COLUMNS: Final[tuple[str, ...]] = ("food_id", "seq", "amount", "description", "grams")

_UNIT_LABEL: Final[Mapping[str, str]] = {"ug": "µg", "mg": "mg", "g": "g", "kcal": "kcal",
                                         "IU": "IU"}


def unit_label(name: str) -> str:
    """Return the unit of a canonical nutrient for display (``µg`` rather than ``ug``)."""
    return _UNIT_LABEL[BY_NAME[name].unit]


def display_name(name: str) -> str:
    """Return the human name of a canonical nutrient, e.g. ``Vitamin D``."""
    return BY_NAME[name].display


def display_name_lower(name: str) -> str:
    """The human name as it reads mid-sentence: ``calcium``, ``vitamin D``."""
    display = BY_NAME[name].display
    return display[:1].lower() + display[1:]


def suggest(name: str) -> str | None:
    """Return the canonical name a mistyped or wrong-unit column probably meant."""
    stem = name.strip().lower()
    if stem in BY_NAME:
        return stem
    base = stem.rsplit("_", 1)[0] if "_" in stem else stem
    for n in NUTRIENTS:
        if n.name.rsplit("_", 1)[0] == base or n.name.startswith(stem):
            return n.name
    return None


def normalise_unit(unit: str) -> str:
    """Return a USDA unit spelling in canonical form: ``UG``/``µg``/``mcg`` -> ``ug``."""
    u = unit.strip().replace("\u00b5", "u").replace("\u03bc", "u").lower()
    return {"mcg": "ug", "iu": "IU", "kj": "kJ"}.get(u, u)


def sources_by(key: Literal["sr_number", "fdc_id"]) -> dict[str, Source]:
    """Return every USDA source the registry reads, keyed by SR number or FDC id (as text)."""
    return {str(getattr(src, key)): src for n in NUTRIENTS for src in n.sources}


def to_canonical(values: pd.DataFrame, key: Literal["sr_number", "fdc_id"]) -> pd.DataFrame:
    """Turn long USDA nutrient rows into one canonical column per nutrient.

    ``values`` has columns ``food``, ``code`` (an SR nutrient number or an FDC nutrient id,
    as text, per ``key``) and ``amount`` (per 100 g, in the source's unit). Returns a frame
    indexed by ``food`` with the canonical nutrient columns in registry order. For each
    nutrient the first source present wins, converted to the canonical unit. A nutrient
    with no source present stays NaN: missing is not zero.
    """
    import pandas as pd

    known = sources_by(key)
    rows = values[values["code"].isin(known.keys())]
    wide = rows.pivot_table(index="food", columns="code", values="amount", aggfunc="first",
                            sort=True)
    out = pd.DataFrame(index=wide.index)
    for nutrient in NUTRIENTS:
        column = pd.Series(float("nan"), index=wide.index, dtype="float64")
        for src in reversed(nutrient.sources):  # later sources are overwritten by earlier
            code = str(getattr(src, key))
            if code in wide.columns:
                column = (wide[code].astype("float64") * src.factor).combine_first(column)
        out[nutrient.name] = column
    return out
