"""Counted nouns: real plurals, never 'day(s)'."""

from __future__ import annotations

from planner.words import and_list, plural


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert plural(1, "day") == "1 day"
    assert plural(0, "day") == "0 days"
    assert plural(2, "day") == "2 days"
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(3, "entry", "entries") == "3 entries"
    assert plural(1200, "person", "people") == "1,200 people"


def test_a_list_has_one_and_and_each_word_once() -> None:
    assert and_list([]) == ""
    assert and_list(["kale"]) == "kale"
    assert and_list(["kale", "corn"]) == "kale and corn"
    assert and_list(["kale", "carrots", "kale", "corn"]) == "kale, carrots and corn"
