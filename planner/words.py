"""Words a person writes: counted nouns ("1 day", "3 days"), never "day(s)"; lists with
one "and" ("kale, carrots and corn"); a weight and a food's amount in the plans' words
("1 container low-fat Greek yogurt (7 oz, 200 g)").

Every module may import this one (it imports nothing from planner).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 day', '0 days', '3 entries' (with ``many="entries"``): the count and its noun."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def and_list(words: Iterable[str]) -> str:
    """'kale', 'kale and corn', 'kale, carrots and corn': the words in order, each once."""
    unique = list(dict.fromkeys(words))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]


def which_days(days: Sequence[int], of: int) -> str:
    """'day 3', 'days 1, 3 and 5', or 'every day' when the list is all ``of`` days."""
    if len(days) == of and of > 1:
        return "every day"
    return ("day " if len(days) == 1 else "days ") + and_list(map(str, days))


def span(low: float, high: float, spec: str = ",.0f") -> str:
    """'44-73', or '52' when both ends print alike: a range with equal ends is one number."""
    lo, hi = format(low, spec), format(high, spec)
    return lo if lo == hi else f"{lo}-{hi}"


def grams_words(grams: float) -> str:
    """'148 g', '1,250 g', '4.5 g': a weight as the plans print one (a tenth under 10 g)."""
    return f"{grams:,.0f} g" if grams >= 10 else f"{grams:.1f} g"


_PARENS: Final = re.compile(r"\s*\(([^()]*)\)")
#: A household measure inside a food's wording: "(7 oz)", "(1.5 oz)", "(2 per serving)".
_MEASURE: Final = re.compile(r"[\d½¼¾⅓⅔][\d.,/ ½¼¾⅓⅔]*\s*(?:fl oz|oz|lb|g|ml|cups?|tbsp|tsp|"
                             r"per\b|x\b|inch)")


def with_amount(text: str, amount_text: str) -> str:
    """``text`` and an amount in one pair of parentheses: "1 cup soy milk, fortified
    (243 g)", not "1 cup soy milk (fortified) (243 g)"; a measure in the text joins the
    amount: "1 container low-fat Greek yogurt (7 oz, 200 g)"."""
    text = text.strip()
    measures: list[str] = []

    def moved(match: re.Match[str]) -> str:
        inside = match.group(1).strip()
        if _MEASURE.match(inside):
            measures.append(inside)
            return ""
        return match.group(0) if match.end() < len(text) else f", {inside}"

    text = _PARENS.sub(moved, text).strip()
    return f"{text} ({', '.join([*measures, amount_text])})"
