"""Counted nouns: real plurals, never 'day(s)'."""

from __future__ import annotations

from planner.words import plural


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert plural(1, "day") == "1 day"
    assert plural(0, "day") == "0 days"
    assert plural(2, "day") == "2 days"
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(3, "entry", "entries") == "3 entries"
    assert plural(1200, "person", "people") == "1,200 people"
