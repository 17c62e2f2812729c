"""Counted nouns: real plurals, never 'day(s)'."""

from __future__ import annotations

from planner.words import and_list, plural, span, which_days


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


def test_a_list_of_days_reads_as_a_person_says_it() -> None:
    assert which_days([3], 7) == "day 3"
    assert which_days([1, 3, 5], 7) == "days 1, 3 and 5"
    assert which_days(list(range(1, 8)), 7) == "every day"
    assert which_days([1], 1) == "day 1"


def test_a_range_with_equal_ends_is_one_number() -> None:
    assert span(44.2, 73.4) == "44-73"
    assert span(52.2, 51.8) == "52"  # both print as 52: "52-52" says nothing more
    assert span(471, 1120.4) == "471-1,120"
    assert span(2.0, 2.04, ".1f") == "2.0"
