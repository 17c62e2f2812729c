"""A short guided check for muscle twitches and cramps: general information, not diagnosis.

Red-flag signs send the person to a doctor and nothing else. Then the check asks about
conditions and medicines that change what a mineral-rich plan may do
(:mod:`planner.person.health`), lists common everyday causes of benign twitching (caffeine,
alcohol, little sleep, stress, hard exercise, heavy sweating) and the nutrients worth
emphasising, and offers the matching ``planner week`` command.

Answers come from flags, an answers file (TOML or JSON) or standard input, one answer a
line, or asked in a terminal (:func:`ask`: a red-flag, condition or medicine question
takes only yes or no). A red-flag question nobody answered is never read as "no":
:func:`advise` refuses to advise without it. Other questions left unanswered are reported
as such.

Sources: NIH Office of Dietary Supplements fact sheets (magnesium, potassium, vitamin D,
vitamin B12), NHS and Cleveland Clinic patient pages on muscle twitching, FDA (salt), and
the sources on each rule of :mod:`planner.person.health`.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from planner.errors import ProfileError
from planner.files import read_text
from planner.limits import load_json, load_toml
from planner.person.health import CONDITIONS, MEDICINES, RULES
from planner.person.profile import Profile
from planner.words import plural

#: question key -> question
RED_FLAGS: Final[Mapping[str, str]] = {
    "weakness": "Is there muscle weakness that is getting worse?",
    "wasting": "Are any muscles visibly getting smaller (muscle wasting)?",
    "swallowing": "Is there difficulty swallowing, speaking or breathing?",
    "spreading": "Is the twitching spreading across many muscle groups?",
    "persistent": "Have the symptoms lasted more than a few weeks, or keep getting worse?",
}
#: question key -> (question, what it means when answered yes)
FACTORS: Final[Mapping[str, tuple[str, str]]] = {
    "caffeine": ("Do you have a lot of caffeine (coffee, energy drinks)?",
                 "Caffeine is a common trigger of twitching; cutting down often helps."),
    "alcohol": ("Do you drink alcohol regularly?",
                "Alcohol depletes magnesium and disturbs sleep."),
    "poor_sleep": ("Are you sleeping badly or too little?",
                   "Tiredness and poor sleep make muscles twitch more."),
    "stress": ("Are you under a lot of stress or anxiety?",
               "Stress and anxiety are among the most common causes of benign twitching."),
    "exercise": ("Do you do intense exercise?",
                 "Twitches and cramps after hard exercise are common; rest and fluids help."),
    "sweating": ("Do you sweat heavily (hot work, sport, hot climate)?",
                 "Sweat carries sodium, potassium and magnesium away: drink fluids through "
                 "the day and replace the salt (the planned foods are unsalted)."),
    "medications": ("Do you take other regular medicines (asthma inhalers, stimulants, "
                    "steroids)?", "Some medicines cause twitching or lower potassium or "
                    "magnesium; ask your pharmacist, and never stop a medicine on your own."),
}
EMPHASIS_QUESTIONS: Final[Mapping[str, str]] = {
    "little_sun": "Do you get little sun on your skin (indoors, winter, covered skin)?",
}
#: conditions and medicines, asked after the red flags
HEALTH_QUESTIONS: Final[Mapping[str, str]] = {k: RULES[k].question
                                              for k in (*CONDITIONS, *MEDICINES)}
#: every question in the order it is asked
QUESTIONS: Final[Mapping[str, str]] = {
    **RED_FLAGS, **HEALTH_QUESTIONS, **{k: v[0] for k, v in FACTORS.items()},
    **EMPHASIS_QUESTIONS}
DOCTOR: Final = ("Please see a doctor soon rather than rely on a diet plan: these signs need "
                 "a medical examination, and a diet cannot treat their causes.")
_YES: Final = ("y", "yes", "true", "1")
_NO: Final = ("n", "no", "false", "0")
ANSWERS_CAP: Final = 64 * 1024


@dataclass(frozen=True)
class Answers:
    """Yes/no answers by question key (:data:`QUESTIONS`); a missing key or None means not
    answered, which is never the same as "no"."""

    values: Mapping[str, bool | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.values) - set(QUESTIONS))
        if unknown:
            raise ProfileError(f"answers: unknown question {unknown[0]!r} (known: "
                               f"{', '.join(QUESTIONS)})")

    def get(self, key: str) -> bool | None:
        return self.values.get(key)

    def missing(self) -> list[str]:
        return [k for k in QUESTIONS if self.values.get(k) is None]

    def merged(self, other: Mapping[str, bool | None]) -> Answers:
        """These answers, with ``other``'s filling the unanswered ones."""
        out = dict(self.values)
        for key, value in other.items():
            if out.get(key) is None and value is not None:
                out[key] = value
        return Answers(out)


def parse_answer(text: str, question: str) -> bool | None:
    """y/yes/n/no (any case); an empty answer is None (not answered)."""
    word = text.strip().lower()
    if word == "":
        return None
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ProfileError(f"answer {text.strip()!r} to {question!r}: answer yes or no")


#: Questions a person must answer yes or no to in the interactive check (Enter alone asks
#: again): the red flags and the conditions and medicines that make a plan unsafe.
MUST_ANSWER: Final[frozenset[str]] = frozenset((*RED_FLAGS, *HEALTH_QUESTIONS))


def ask(key: str, read: Callable[[str], str], say: Callable[[str], None]) -> bool | None:
    """Ask question ``key`` until it gets an answer; return True, False or None (skipped).

    ``read(prompt)`` returns a line and raises EOFError when input ends; ``say`` shows a
    line to the person. A question in :data:`MUST_ANSWER` takes only yes or no: Enter
    alone asks again. Others may be skipped with Enter. Input that ends (Ctrl-D) before an
    answer is a :class:`ProfileError`, never a "no".
    """
    must = key in MUST_ANSWER
    prompt = f"{QUESTIONS[key]} [y/n{'' if must else ', Enter to skip'}]: "
    while True:
        try:
            line = read(prompt)
        except EOFError:
            say("")  # end the prompt's line: the error gets a line of its own
            raise ProfileError(f"no answer to {QUESTIONS[key]!r}: input ended, and an "
                               "unanswered question is never taken as a no") from None
        word = line.strip().lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
        if word == "" and not must:
            return None
        say("Please answer yes or no." if word == "" else
            f"{line.strip()!r} is not an answer: please answer yes or no.")


def answers_from_lines(lines: Sequence[str], keys: Sequence[str]) -> dict[str, bool | None]:
    """Answers read from lines (standard input), one per question in ``keys`` order."""
    return {key: parse_answer(line, key) for key, line in zip(keys, lines, strict=False)}


def read_answers_file(path: Path) -> dict[str, bool | None]:
    """Answers from a TOML or JSON file: ``weakness = false`` (or ``"no"``), and optional
    ``conditions = [...]`` and ``medicines = [...]`` lists: a list answers every question
    of its kind, "yes" for what it names and "no" for the rest (``conditions = []``: no
    kidney disease, no kidney stones). A question the file also answers by name keeps
    that answer, and one that contradicts the list is an error."""
    text = read_text(path, limit=ANSWERS_CAP, error=ProfileError, what="answers file")
    invalid = "not valid TOML or JSON"
    document = load_json(text, str(path), ProfileError, invalid=invalid) \
        if path.suffix.lower() == ".json" or text.lstrip().startswith("{") \
        else load_toml(text, str(path), ProfileError, invalid=invalid)
    if not isinstance(document, dict):
        raise ProfileError(f"{path}: expected a table of answers")
    out: dict[str, bool | None] = {}
    listed: dict[str, bool] = {}
    for key, value in document.items():
        if key in ("conditions", "medicines"):
            known = CONDITIONS if key == "conditions" else MEDICINES
            if not isinstance(value, list) or not all(isinstance(v, str) and v in known
                                                      for v in value):
                raise ProfileError(f"{path}: {key} must be a list of {', '.join(known)}")
            listed.update({k: k in value for k in known})
            continue
        if key not in QUESTIONS:
            raise ProfileError(f"{path}: unknown question {key!r} (known: "
                               f"{', '.join(QUESTIONS)})")
        if isinstance(value, bool):
            out[key] = value
        elif isinstance(value, str):
            out[key] = parse_answer(value, key)
        else:
            raise ProfileError(f"{path}: {key} must be true/false or \"yes\"/\"no\"")
    for key, value in listed.items():
        if out.get(key) is not None and out[key] != value:
            kind = "conditions" if key in CONDITIONS else "medicines"
            raise ProfileError(f"{path}: {key} = {str(out[key]).lower()} contradicts "
                               f"{kind} = [...]")
        out[key] = value
    return out


@dataclass(frozen=True)
class Advice:
    red_flags: tuple[str, ...]  # the red-flag questions answered yes
    see_doctor: bool
    factors: tuple[str, ...]  # notes on lifestyle factors that apply
    emphasis: Mapping[str, str]  # nutrient -> why
    commands: tuple[str, ...]  # suggested planner commands
    health: tuple[str, ...] = ()  # notes from conditions and medicines
    clinician_first: tuple[str, ...] = ()  # what to ask a clinician before planning
    unanswered: tuple[str, ...] = ()  # questions not answered (other than red flags)

    def as_dict(self) -> dict[str, Any]:
        return {"schema": "planner.advice/2", "see_doctor": self.see_doctor,
                "red_flags": list(self.red_flags), "factors": list(self.factors),
                "emphasis": dict(self.emphasis), "health": list(self.health),
                "clinician_first": list(self.clinician_first),
                "unanswered": list(self.unanswered), "commands": list(self.commands)}


#: The person of the plan command when the check does not know who is asking.
EXAMPLE_PERSON: Final = "--sex female --age 35"


def advise(answers: Answers, profile: Profile | None = None, diet: str | None = None
           ) -> Advice:
    """Turn answers (and, if known, the profile and diet) into advice.

    A yes to any red flag sends the person to a doctor and nothing else. Otherwise every
    red-flag question must have been answered: :class:`ProfileError` names those that were
    not (a question nobody answered is never taken as "no").
    """
    flags = tuple(RED_FLAGS[k] for k in RED_FLAGS if answers.get(k))
    if flags:
        return Advice(flags, True, (), {}, ())
    unanswered_flags = [k for k in RED_FLAGS if answers.get(k) is None]
    if unanswered_flags:
        raise ProfileError(
            f"{plural(len(unanswered_flags), 'red-flag question')} not answered: "
            + ", ".join(unanswered_flags)
            + "; answer each (for example --no-weakness, an --answers file, or a line of "
            "standard input) before any advice")
    conditions = [k for k in CONDITIONS if answers.get(k)
                  or (profile is not None and k in profile.conditions)]
    medicines = [k for k in MEDICINES if answers.get(k)
                 or (profile is not None and k in profile.medicines)]
    rules = [RULES[k] for k in (*conditions, *medicines)]
    factors = tuple(FACTORS[k][1] for k in FACTORS if answers.get(k))
    emphasis: dict[str, str] = {}
    if answers.get("sweating") or answers.get("exercise"):
        emphasis["potassium_mg"] = "lost in sweat"
        emphasis["magnesium_mg"] = "lost in sweat; needed for muscle relaxation"
    if answers.get("sweating"):
        emphasis["sodium_mg"] = ("sweat carries sodium away: drink fluids and add a little "
                                 "salt (about 1/4 teaspoon adds 575 mg; the planned foods "
                                 "are unsalted)")
    if answers.get("alcohol"):
        emphasis.setdefault("magnesium_mg", "alcohol increases magnesium losses")
    if answers.get("little_sun"):
        emphasis["vitamin_d_ug"] = "the skin makes little vitamin D without sun"
    reasons = []
    if diet == "vegan":
        reasons.append("a vegan diet has no natural B12 source")
    if profile is not None and profile.age > 50:
        reasons.append("absorption from food falls after 50 (NASEM advises fortified foods "
                       "or a supplement)")
    for rule in rules:
        for nutrient, why in rule.emphasis.items():
            if nutrient == "vitamin_b12_ug":
                reasons.append(why)
            else:
                emphasis[nutrient] = "; ".join(filter(None, (emphasis.get(nutrient), why)))
    if reasons:
        emphasis["vitamin_b12_ug"] = "; ".join(reasons)
    limited = {n for rule in rules for n in rule.needs_limits}
    for nutrient in limited:  # never emphasise what a clinician must limit
        emphasis.pop(nutrient, None)
    clinician = tuple(dict.fromkeys(f"{rule.label}: {rule.ask}" for rule in rules
                                    if rule.needs_limits))
    health = tuple(note for rule in rules for note in
                   rule.notes_for(None if profile is None else profile.age,
                                  "general" if profile is None else profile.life_stage,
                                  None if profile is None else profile.weight_kg,
                                  None if profile is None else profile.sex))
    base = ["planner", "week"]
    placeholder = profile is None
    if profile is not None:
        base += ["--sex", profile.sex, "--age", str(profile.age)]
        if profile.life_stage != "general":
            base += ["--life-stage", profile.life_stage]
    if diet:
        base += ["--diet", diet]
    for key in conditions:
        base += ["--condition", key]
    for key in medicines:
        base += ["--medicine", key]
    for nutrient in sorted(limited):
        base += ["--target", f"{nutrient}.max=YOUR_LIMIT"]
    if {"vitamin_d_ug", "vitamin_b12_ug"} & emphasis.keys():
        base += ["--strict-daily"]
    command = shlex.join(base).replace("'", "")
    if placeholder:  # no profile known: a command that runs, saying whose it is
        command = command.replace("planner week", f"planner week {EXAMPLE_PERSON}", 1) + \
            "   # for a 35-year-old woman: give your own sex and age"
    commands = [command] + [shlex.join(["planner", "foods", "--rich-in", n])
                            for n in emphasis if n != "sodium_mg"]
    unanswered = tuple(k for k in QUESTIONS if k not in RED_FLAGS and answers.get(k) is None
                       and k not in conditions and k not in medicines)
    return Advice((), False, factors, emphasis, tuple(commands), health, clinician,
                  unanswered)
