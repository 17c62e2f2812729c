"""Who a plan is for: the profile, its TOML file, and user overrides of targets.

A profile comes from command-line flags, a TOML file (``--profile FILE``) or the profile
saved by ``planner profile init``; flags win over the file, the file over the saved one.
Invalid values raise :class:`ProfileError` naming the field.

Profile file::

    sex = "female"
    age = 42
    schema = "planner.profile/2"  # written by 'planner profile init'
    life_stage = "general"      # general, pregnancy, lactation
    pregnancy_week = 24         # optional, pregnancy: gestational week (or trimester = 2)
    pre_pregnancy_weight_kg = 62    # optional, pregnancy: the EER equations use it
    postpartum_months = 3       # optional, lactation: 0-12
    weight_kg = 68              # optional
    height_cm = 165             # optional
    activity = "low"            # sedentary, low, active, very_active
    conditions = ["kidney_stones"]    # optional: see planner/person/health.py
    medicines = ["ppi"]
    diet = "vegetarian"         # optional plan settings
    exclude = ["peanuts"]
    include = ["banana"]

    [targets]
    magnesium_mg = 400          # raise the minimum
    sodium_mg = { max = 2000 }  # or set a bound

    [supplements]               # taken every day (planner/person/supplements.py)
    magnesium = "200 mg"
    "vitamin_d d3" = "25 ug"    # a name may carry its form; "1000 IU" works too
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, get_args

from planner.errors import ProfileError
from planner.files import KIB, read_text
from planner.food.nutrients import BY_NAME, suggest, unit_label
from planner.limits import MAX_MAGNITUDE, load_toml
from planner.person.health import check_keys
from planner.person.supplements import (
    Supplement,
    merge_supplements,
    parse_supplements,
    supplement_table,
    supplements_from_mapping,
)

Sex = Literal["female", "male"]
LifeStage = Literal["general", "pregnancy", "lactation"]
Activity = Literal["sedentary", "low", "active", "very_active"]
#: The NASEM 2023 physical-activity category each activity level stands for.
PA_CATEGORIES: Final = {"sedentary": "inactive", "low": "low active", "active": "active",
                        "very_active": "very active"}

SEXES: Final[tuple[str, ...]] = get_args(Sex)
LIFE_STAGES: Final[tuple[str, ...]] = get_args(LifeStage)
ACTIVITIES: Final[tuple[str, ...]] = get_args(Activity)
MIN_AGE: Final = 9
MAX_AGE: Final = 120
DEFAULT_ACTIVITY: Final[Activity] = "low"
#: Gestational weeks of each trimester (1-13, 14-27, 28-42).
TRIMESTER_WEEKS: Final = {1: (1, 13), 2: (14, 27), 3: (28, 42)}
#: What ``planner profile init`` writes; a file without it was saved by planner before
#: energy came from the NASEM 2023 equations (or written by hand). A profile with a
#: ``[supplements]`` table is written as ``planner.profile/3``, which planner versions
#: that do not count supplements refuse by name; one without is written as before.
PROFILE_SCHEMA: Final = "planner.profile/2"
SUPPLEMENTS_SCHEMA: Final = "planner.profile/3"
READ_SCHEMAS: Final = (PROFILE_SCHEMA, SUPPLEMENTS_SCHEMA)


@dataclass(frozen=True)
class Profile:
    """Who the targets are for. Validated on construction; see :func:`make_profile`."""

    sex: Sex
    age: int
    life_stage: LifeStage = "general"
    weight_kg: float | None = None
    height_cm: float | None = None
    activity: Activity = DEFAULT_ACTIVITY
    conditions: tuple[str, ...] = ()  # keys of planner.person.health.CONDITIONS
    medicines: tuple[str, ...] = ()  # keys of planner.person.health.MEDICINES
    pregnancy_week: int | None = None  # gestational week, pregnancy only
    trimester: int | None = None  # 1-3, pregnancy only (from the week when that is given)
    pre_pregnancy_weight_kg: float | None = None  # pregnancy only
    postpartum_months: int | None = None  # 0-12, lactation only

    def as_dict(self) -> dict[str, Any]:
        out = {"sex": self.sex, "age": self.age, "life_stage": self.life_stage,
               "weight_kg": self.weight_kg, "height_cm": self.height_cm,
               "activity": self.activity, "conditions": list(self.conditions),
               "medicines": list(self.medicines)}
        for key in STAGE_KEYS:  # only when given: a general profile reads as before
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class Override:
    """A user's change to one target: ``bound`` is "min", "max" or "value" (energy)."""

    nutrient: str
    bound: Literal["min", "max", "value"]
    amount: float | None  # None removes the bound


# ------------------------------------------------------------------ profile

def make_profile(sex: object, age: object, life_stage: object = "general",
                 weight_kg: object = None, height_cm: object = None,
                 activity: object = None, conditions: object = (),
                 medicines: object = (), pregnancy_week: object = None,
                 trimester: object = None, pre_pregnancy_weight_kg: object = None,
                 postpartum_months: object = None) -> Profile:
    """Return a validated :class:`Profile`; raise :class:`ProfileError` naming the field.

    ``pregnancy_week`` (1-42), ``trimester`` (1-3) and ``pre_pregnancy_weight_kg`` need
    life stage pregnancy, ``postpartum_months`` (0-12) lactation; a week and a trimester
    given together must agree.
    """
    sex_text = _choice("sex", sex, SEXES)
    age_value = _number("age", age)
    if age_value != int(age_value):
        raise ProfileError(f"age: {age!r} is not a whole number of years")
    if age_value < MIN_AGE:
        raise ProfileError(f"age: {int(age_value)} is under {MIN_AGE}; planner covers ages "
                           f"{MIN_AGE} and over (children's needs differ; ask a paediatrician)")
    if age_value > MAX_AGE:
        raise ProfileError(f"age: {int(age_value)} is not a plausible age")
    stage = _choice("life_stage", life_stage or "general", LIFE_STAGES)
    if stage != "general" and (sex_text != "female" or not 14 <= age_value <= 50):
        raise ProfileError(f"life_stage: {stage} applies only to females aged 14-50 "
                           f"(got {sex_text}, {int(age_value)})")
    weight = None if weight_kg is None else _number("weight_kg", weight_kg)
    if weight is not None and not 20 <= weight <= 350:
        raise ProfileError(f"weight_kg: {weight:g} is outside 20-350 kg")
    height = None if height_cm is None else _number("height_cm", height_cm)
    if height is not None and not 100 <= height <= 250:
        raise ProfileError(f"height_cm: {height:g} is outside 100-250 cm")
    level = _choice("activity", (activity or DEFAULT_ACTIVITY).replace(" ", "_")
                    if isinstance(activity, str) or activity is None else activity, ACTIVITIES)
    week, term, before, months = _stage_fields(stage, pregnancy_week, trimester,
                                               pre_pregnancy_weight_kg, postpartum_months)
    return Profile(sex_text, int(age_value), stage, weight, height, level,  # type: ignore[arg-type]
                   check_keys("condition", _words("conditions", conditions)),
                   check_keys("medicine", _words("medicines", medicines)),
                   week, term, before, months)


def _stage_fields(stage: str, pregnancy_week: object, trimester: object,
                  pre_pregnancy_weight_kg: object, postpartum_months: object,
                  ) -> tuple[int | None, int | None, float | None, int | None]:
    """Validate the pregnancy and lactation fields against the life stage."""
    given = {"pregnancy_week": pregnancy_week, "trimester": trimester,
             "pre_pregnancy_weight_kg": pre_pregnancy_weight_kg,
             "postpartum_months": postpartum_months}
    for key, value in given.items():
        needs = "lactation" if key == "postpartum_months" else "pregnancy"
        if value is not None and stage != needs:
            raise ProfileError(f"{key}: applies only with life_stage {needs} (got {stage})")
    week = None if pregnancy_week is None else _whole("pregnancy_week", pregnancy_week)
    if week is not None and not 1 <= week <= 42:
        raise ProfileError(f"pregnancy_week: {week} is outside weeks 1-42 of a pregnancy")
    term = None if trimester is None else _whole("trimester", trimester)
    if term is not None and term not in TRIMESTER_WEEKS:
        raise ProfileError(f"trimester: {term} is not 1, 2 or 3")
    if week is not None:
        of_week = next(t for t, (lo, hi) in TRIMESTER_WEEKS.items() if lo <= week <= hi)
        if term is not None and term != of_week:
            raise ProfileError(f"trimester: {term} does not fit pregnancy week {week} "
                               f"(trimester {of_week})")
        term = of_week
    before = None if pre_pregnancy_weight_kg is None else \
        _number("pre_pregnancy_weight_kg", pre_pregnancy_weight_kg)
    if before is not None and not 20 <= before <= 350:
        raise ProfileError(f"pre_pregnancy_weight_kg: {before:g} is outside 20-350 kg")
    months = None if postpartum_months is None else \
        _whole("postpartum_months", postpartum_months)
    if months is not None and not 0 <= months <= 12:
        raise ProfileError(f"postpartum_months: {months} is outside 0-12 (the energy "
                           "equations for lactation cover the first year)")
    return week, term, before, months


def _whole(name: str, value: object) -> int:
    number = _number(name, value)
    if number != int(number):
        raise ProfileError(f"{name}: {value!r} is not a whole number")
    return int(number)


def _words(name: str, value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ProfileError(f"{name}: must be a list of names")
    return [str(v) for v in value]


def _choice(name: str, value: object, allowed: Sequence[str]) -> str:
    text = str(value).strip().lower() if value is not None else ""
    if text not in allowed:
        raise ProfileError(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return text


def _number(name: str, value: object) -> float:
    if isinstance(value, bool):
        raise ProfileError(f"{name}: {str(value)[:40]!r} is not a number")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ProfileError(f"{name}: {str(value)[:40]!r} is not a number") from None
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ProfileError(f"{name}: {str(value)[:40]!r} is not a finite number")
    if abs(number) > MAX_MAGNITUDE:
        raise ProfileError(f"{name}: {str(value)[:40]!r} is too large")
    return number


# ------------------------------------------------------------------ overrides

#: Nutrients a day's food can lack entirely (plant foods have no cholesterol), so a cap
#: of 0 is a plan; for every other nutrient ``NAME.max=0`` is refused.
ZERO_MAX_OK: Final = frozenset({"cholesterol_mg"})


def parse_override(text: str) -> Override:
    """Parse ``NAME=VALUE`` (raise the min; for energy, the requirement), ``NAME.min=VALUE``,
    ``NAME.max=VALUE`` or ``NAME.max=none`` (remove the cap). An empty value, and a cap
    (or an energy requirement) of 0, are refused with what to write instead."""
    if "=" not in text:
        raise ProfileError(f"target: {text!r} is not NAME=VALUE (e.g. magnesium_mg=400)")
    key, raw = (part.strip() for part in text.split("=", 1))
    name, _, bound = key.partition(".")
    if name not in BY_NAME:
        hint = suggest(name)
        raise ProfileError(f"target: unknown nutrient {name!r}"
                           + (f" (did you mean {hint}?)" if hint else
                              " ('planner targets --format json' lists the names, such as "
                              "magnesium_mg or vitamin_d_ug)"))
    if bound not in ("", "min", "max") and not (bound == "value" and name == "energy_kcal"):
        raise ProfileError(f"target: {key!r}: use {name}, {name}.min or {name}.max")
    unit = unit_label(name)
    if raw == "":
        if bound == "":
            raise ProfileError(f"target: {key!r} needs a value; write {key}=NUMBER ({unit} "
                               "a day)")
        # an empty value is a slip (a variable that was not set), not a wish to remove
        # the bound: say what to write, rather than drop the limit as 'none' does
        limit = "limit" if bound == "max" else "minimum"
        raise ProfileError(f"target: {key}= has no value; write a number ({unit} a day), "
                           f"or {key}=none to remove the {limit}")
    if raw.lower() == "none":
        if bound == "":
            raise ProfileError(f"target: {key}=none: a minimum needs a number ({unit} a "
                               f"day); to remove one, write {key}.min=none")
        return Override(name, bound, None)  # type: ignore[arg-type]
    amount = _number(f"target {key}", raw)
    if amount < 0:
        raise ProfileError(f"target: {key}: {amount:g} is negative; write an amount of "
                           f"{unit} a day, 0 or more")
    kind = bound or ("value" if name == "energy_kcal" else "min")
    if amount == 0 and kind == "value":
        raise ProfileError(f"target: {key}={raw[:40]}: write your daily energy need in "
                           f"{unit} (a number above 0)")
    if amount == 0 and kind == "max" and name not in ZERO_MAX_OK:
        raise ProfileError(f"target: {key}={raw[:40]} allows none at all; write your daily "
                           f"limit in {unit} (a number above 0), or {key}=none to remove "
                           "the limit")
    return Override(name, kind, amount)  # type: ignore[arg-type]


def overrides_from_mapping(table: Mapping[str, Any], where: str) -> list[Override]:
    """Read overrides from a TOML ``[targets]`` table: ``name = 400`` or ``name = {max = 2000}``."""
    out: list[Override] = []
    for name, value in table.items():
        if isinstance(value, Mapping):
            for bound, amount in value.items():
                out.append(_from_file(f"{name}.{bound}={_toml_text(amount)}", where))
        else:
            out.append(_from_file(f"{name}={_toml_text(value)}", where))
    return out


def _toml_text(value: object) -> str:
    return "none" if value is None or value == "none" else str(value)


def _from_file(text: str, where: str) -> Override:
    try:
        return parse_override(text)
    except ProfileError as exc:
        raise ProfileError(f"{where}: {exc}") from None


# ------------------------------------------------------------------ profile file

#: A profile is a few hundred bytes; anything near this cap is not one.
PROFILE_CAP: Final = 64 * KIB
STAGE_KEYS: Final = ("pregnancy_week", "trimester", "pre_pregnancy_weight_kg",
                     "postpartum_months")
PROFILE_KEYS: Final = ("sex", "age", "life_stage", "weight_kg", "height_cm", "activity",
                       "conditions", "medicines", *STAGE_KEYS)
LIST_KEYS: Final = ("exclude", "include", "like", "dislike", "conditions", "medicines")
PLAN_KEYS: Final = ("diet", "exclude", "include", "like", "dislike")


def read_profile_file(path: str | Path) -> dict[str, Any]:
    """Read a profile TOML file into a plain dict (profile fields, plan settings, targets).

    Keys: ``sex age life_stage weight_kg height_cm activity conditions medicines
    pregnancy_week trimester pre_pregnancy_weight_kg postpartum_months`` (profile), ``diet
    exclude include like dislike`` (plan settings), ``schema`` and a ``[targets]`` table.
    Unknown keys are an error so a typo is not silently ignored; a schema other than
    :data:`PROFILE_SCHEMA` is refused, and a file without one (saved by planner before
    energy came from the NASEM 2023 equations, or written by hand) is read with a notice
    in ``data["notices"]``. Values are validated later, when merged with flags.
    """
    file = Path(path)
    text = read_text(file, limit=PROFILE_CAP, error=ProfileError, what="profile file")
    data = load_toml(text, str(file), ProfileError, invalid="not a valid TOML profile")
    schema = data.pop("schema", None)
    notices: list[str] = []
    if schema is None:
        notices.append(f"note: {file} has no schema line (saved by an older planner or "
                       "written by hand): energy targets now come from the NASEM 2023 "
                       "equations, not IOM 2005, so plans differ from earlier ones; run "
                       "'planner profile init' again to save it in the current format")
    elif schema not in READ_SCHEMAS:
        raise ProfileError(f"{file}: profile schema {schema!r} is not one of "
                           f"{', '.join(map(repr, READ_SCHEMAS))} (saved by another planner "
                           "version): save it again with 'planner profile init'")
    tables = ("targets", "supplements")
    unknown = sorted(set(data) - set(PROFILE_KEYS) - set(PLAN_KEYS) - set(tables))
    if unknown:
        raise ProfileError(f"{file}: unknown key {unknown[0]!r} (known: "
                           f"{', '.join((*PROFILE_KEYS, *PLAN_KEYS, *tables))})")
    for table in tables:
        if table in data and not isinstance(data[table], Mapping):
            raise ProfileError(f"{file}: [{table}] must be a table")
    for key in LIST_KEYS:
        if key in data and not (isinstance(data[key], list)
                                and all(isinstance(v, str) for v in data[key])):
            raise ProfileError(f"{file}: {key} must be a list of names")
    data["overrides"] = overrides_from_mapping(data.pop("targets", {}), str(file))
    data["supplements"] = supplements_from_mapping(data.pop("supplements", {}), str(file))
    data["notices"] = notices
    return data




# ------------------------------------------------------------------ merging

@dataclass(frozen=True)
class Settings:
    """A resolved profile with the plan settings and target overrides that came with it."""

    profile: Profile
    overrides: tuple[Override, ...] = ()
    diet: str | None = None
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    origin: str = "flags"  # where the base values came from, for messages
    like: tuple[str, ...] = ()  # soft preferences (exclude is the hard one)
    dislike: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()  # about the profile file, for stderr (an old format)
    supplements: tuple[Supplement, ...] = ()  # taken every day


def resolve_settings(flags: Mapping[str, Any], *, profile_file: str | Path | None = None,
                     saved_file: str | Path | None = None,
                     targets: Sequence[str] = (), supplements: Sequence[str] = ()
                     ) -> Settings:
    """Merge a profile from flags over a file over the saved profile and validate it.

    ``flags`` maps profile and plan keys (``sex``, ``age``, ..., ``diet``, ``exclude``,
    ``include``, ``like``, ``dislike``) to values, None for "not given". ``profile_file``
    is ``--profile``; when it is None the saved profile at ``saved_file`` is used if it
    exists. Exclusions and
    inclusions from the file and the flags add up; overrides from ``targets``
    (``NAME=VALUE`` texts) apply after the file's. ``supplements`` (``NAME=AMOUNT``
    texts) replace the file's of the same kind (several of one kind add up: two
    products); ``NAME=none`` drops the file's.
    """
    base: dict[str, Any] = {}
    origin = "flags"
    if profile_file is not None:
        base, origin = read_profile_file(profile_file), str(profile_file)
    elif saved_file is not None and Path(saved_file).is_file():
        try:
            base, origin = read_profile_file(saved_file), str(saved_file)
        except ProfileError as exc:  # every command reads it: say how to get out
            raise ProfileError(f"{exc} (the saved profile: fix it, or replace it with "
                               "'planner profile init ... --force')") from None
    merged = {k: v for k, v in base.items() if k in PROFILE_KEYS}
    if flags.get("life_stage") is not None and flags["life_stage"] != base.get("life_stage"):
        for key in STAGE_KEYS:  # a saved pregnancy week does not follow into lactation
            merged.pop(key, None)
    merged.update({k: v for k, v in flags.items() if k in PROFILE_KEYS and v is not None
                   and k not in LIST_KEYS})
    for key in ("conditions", "medicines"):  # the file's and the flags' add up
        merged[key] = list(dict.fromkeys((*base.get(key, ()), *(flags.get(key) or ()))))
    for key in ("sex", "age"):
        if merged.get(key) is None:
            raise ProfileError(f"{key}: required; pass --sex and --age, or save them once "
                               "with 'planner profile init --sex female --age 35'")
    profile = make_profile(**merged)
    overrides = (*base.get("overrides", ()), *(parse_override(t) for t in targets))
    diet = flags.get("diet") or base.get("diet")
    exclude = tuple(dict.fromkeys((*base.get("exclude", ()), *(flags.get("exclude") or ()))))
    include = tuple(dict.fromkeys((*base.get("include", ()), *(flags.get("include") or ()))))
    like = tuple(dict.fromkeys((*base.get("like", ()), *(flags.get("like") or ()))))
    dislike = tuple(dict.fromkeys((*base.get("dislike", ()), *(flags.get("dislike") or ()))))
    # a flag wins over the file: --like liver takes liver off a saved dislike list
    like = tuple(x for x in like if x not in (flags.get("dislike") or ()))
    dislike = tuple(x for x in dislike if x not in (flags.get("like") or ()))
    given, removed = parse_supplements(supplements)
    taken = merge_supplements(base.get("supplements", ()), given, removed)
    return Settings(profile, overrides, diet, exclude, include, origin, like, dislike,
                    tuple(base.get("notices", ())), taken)


def _toml_number(value: float) -> str:
    """A number written exactly: 1234567 stays 1234567, 0.1 stays 0.1 (not %g's 6 digits)."""
    if value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def profile_toml(settings: Settings) -> str:
    """Return ``settings`` as the text of a profile file that :func:`read_profile_file` reads.

    Strings and lists are written with JSON escapes, which are valid TOML basic strings.
    """
    import json

    p = settings.profile
    schema = SUPPLEMENTS_SCHEMA if settings.supplements else PROFILE_SCHEMA
    lines = ["# planner profile: general nutrition settings, not medical advice", "",
             f"schema = {json.dumps(schema)}"]
    # a trimester derived from the week is not written: the week says it
    term = None if p.pregnancy_week is not None else p.trimester
    for key, value in (("sex", p.sex), ("age", p.age), ("life_stage", p.life_stage),
                       ("pregnancy_week", p.pregnancy_week), ("trimester", term),
                       ("pre_pregnancy_weight_kg", p.pre_pregnancy_weight_kg),
                       ("postpartum_months", p.postpartum_months),
                       ("weight_kg", p.weight_kg), ("height_cm", p.height_cm),
                       ("activity", p.activity), ("conditions", list(p.conditions)),
                       ("medicines", list(p.medicines)), ("diet", settings.diet),
                       ("exclude", list(settings.exclude)), ("include", list(settings.include)),
                       ("like", list(settings.like)), ("dislike", list(settings.dislike))):
        if value is None or value == []:
            continue
        lines.append(f"{key} = {json.dumps(value)}")
    if settings.overrides:
        lines += ["", "[targets]"]
        grouped: dict[str, dict[str, str]] = {}
        for o in settings.overrides:
            amount = "\"none\"" if o.amount is None else _toml_number(o.amount)
            grouped.setdefault(o.nutrient, {})[o.bound] = amount
        for name, bounds in grouped.items():
            if list(bounds) == ["value"] or (list(bounds) == ["min"] and name != "energy_kcal"):
                lines.append(f"{name} = {next(iter(bounds.values()))}")
            else:
                lines.append(f"{name} = {{ " + ", ".join(f"{b} = {v}" for b, v in
                                                        bounds.items()) + " }")
    if settings.supplements:
        lines += ["", "[supplements]"]
        lines += [f"{json.dumps(key)} = {json.dumps(value)}"
                  for key, value in supplement_table(settings.supplements)]
    return "\n".join(lines) + "\n"
