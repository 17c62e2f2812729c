"""A short guided check for muscle twitches and cramps: general information, not diagnosis.

Red-flag signs send the person to a doctor and nothing else. Without them, the check
lists common everyday causes of benign twitching (caffeine, alcohol, little sleep, stress,
hard exercise, heavy sweating, some medicines) and the nutrients worth emphasising, and
offers the matching ``planner week`` command. Sources: NIH Office of Dietary Supplements
fact sheets (magnesium, potassium, vitamin D, vitamin B12) and NHS / Cleveland Clinic
patient pages on muscle twitching.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Final

from planner.profile import Profile

#: question key -> (question, what it means when answered yes)
RED_FLAGS: Final[Mapping[str, str]] = {
    "weakness": "Is there muscle weakness that is getting worse?",
    "wasting": "Are any muscles visibly getting smaller (muscle wasting)?",
    "swallowing": "Is there difficulty swallowing, speaking or breathing?",
    "spreading": "Is the twitching spreading across many muscle groups?",
    "persistent": "Have the symptoms lasted more than a few weeks, or keep getting worse?",
}
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
                 "Sweat carries potassium, sodium and magnesium away; replace fluids."),
    "medications": ("Do you take diuretics, asthma inhalers, stimulants or other regular "
                    "medicines?", "Some medicines cause twitching or lower potassium or "
                    "magnesium; ask your pharmacist, and never stop a medicine on your own."),
}
EMPHASIS_QUESTIONS: Final[Mapping[str, str]] = {
    "little_sun": "Do you get little sun on your skin (indoors, winter, covered skin)?",
    "acid_reducers": "Do you take acid-reducing medicine (omeprazole, ranitidine...)?",
    "metformin": "Do you take metformin?",
}
DOCTOR: Final = ("Please see a doctor soon rather than rely on a diet plan: these signs need "
                 "a medical examination, and a diet cannot treat their causes.")


@dataclass(frozen=True)
class Answers:
    """Yes/no answers; None means not asked (treated as no)."""

    weakness: bool | None = None
    wasting: bool | None = None
    swallowing: bool | None = None
    spreading: bool | None = None
    persistent: bool | None = None
    caffeine: bool | None = None
    alcohol: bool | None = None
    poor_sleep: bool | None = None
    stress: bool | None = None
    exercise: bool | None = None
    sweating: bool | None = None
    medications: bool | None = None
    little_sun: bool | None = None
    acid_reducers: bool | None = None
    metformin: bool | None = None

    def missing(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name) is None]


@dataclass(frozen=True)
class Advice:
    red_flags: tuple[str, ...]  # the red-flag questions answered yes
    see_doctor: bool
    factors: tuple[str, ...]  # notes on lifestyle factors that apply
    emphasis: Mapping[str, str]  # nutrient -> why
    commands: tuple[str, ...]  # suggested planner commands

    def as_dict(self) -> dict[str, Any]:
        return {"schema": "planner.advice/1", "see_doctor": self.see_doctor,
                "red_flags": list(self.red_flags), "factors": list(self.factors),
                "emphasis": dict(self.emphasis), "commands": list(self.commands)}


def advise(answers: Answers, profile: Profile | None = None, diet: str | None = None
           ) -> Advice:
    """Turn answers (and, if known, the profile and diet) into advice."""
    flags = tuple(RED_FLAGS[k] for k in RED_FLAGS if getattr(answers, k))
    if flags:
        return Advice(flags, True, (), {}, ())
    factors = tuple(FACTORS[k][1] for k in FACTORS if getattr(answers, k))
    emphasis: dict[str, str] = {}
    if answers.sweating or answers.exercise:
        emphasis["potassium_mg"] = "lost in sweat"
        emphasis["magnesium_mg"] = "lost in sweat; needed for muscle relaxation"
    if answers.alcohol:
        emphasis.setdefault("magnesium_mg", "alcohol increases magnesium losses")
    if answers.little_sun:
        emphasis["vitamin_d_ug"] = "the skin makes little vitamin D without sun"
    reasons = []
    if diet == "vegan":
        reasons.append("a vegan diet has no natural B12 source")
    if profile is not None and profile.age > 50:
        reasons.append("absorption from food falls after 50 (NASEM advises fortified foods "
                       "or a supplement)")
    if answers.acid_reducers:
        reasons.append("acid-reducing medicine lowers B12 absorption")
    if answers.metformin:
        reasons.append("metformin lowers B12 absorption")
    if reasons:
        emphasis["vitamin_b12_ug"] = "; ".join(reasons)
    commands = []
    base = ["planner", "week"]
    placeholder = profile is None
    if profile is not None:
        base += ["--sex", profile.sex, "--age", str(profile.age)]
        if profile.life_stage != "general":
            base += ["--life-stage", profile.life_stage]
    if diet:
        base += ["--diet", diet]
    if {"vitamin_d_ug", "vitamin_b12_ug"} & emphasis.keys():
        base += ["--strict-daily"]
    command = shlex.join(base)
    if placeholder:  # no profile known: show where it goes
        command = command.replace("planner week", "planner week --sex SEX --age YEARS", 1)
    commands.append(command)
    commands += [shlex.join(["planner", "foods", "--rich-in", n]) for n in emphasis]
    return Advice((), False, factors, emphasis, tuple(commands))
