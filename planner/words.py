"""Words a person writes: counted nouns ("1 day", "3 days"), never "day(s)"; lists with
one "and" ("kale, carrots and corn").

Every module may import this one (it imports nothing from planner).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


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
