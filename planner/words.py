"""Words a person writes: counted nouns ("1 day", "3 days"), never "day(s)".

Every module may import this one (it imports nothing from planner).
"""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 day', '0 days', '3 entries' (with ``many="entries"``): the count and its noun."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"
