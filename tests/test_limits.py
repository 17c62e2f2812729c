"""Input limits (planner/limits.py): every reader of a document refuses a hostile one with a
one-line PlannerError, never a RecursionError, OverflowError, MemoryError, ValueError or
UnicodeDecodeError. The property test feeds each reader generated documents."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.errors import DatasetError, PlannerError, ProfileError
from planner.food.catalogue import Catalogue
from planner.food.data import FoodTable, load_foods
from planner.food.intake import parse_eaten
from planner.food.sources import read_fdc_json
from planner.limits import (
    MAX_DEPTH,
    bounded_number,
    check_document,
    clean_lines,
    clean_text,
    load_json,
    load_toml,
)
from planner.person.advice import read_answers_file
from planner.person.profile import resolve_settings
from planner.planning.replan import read_saved_week


def test_clean_text_drops_controls_and_bidi_overrides_and_keeps_the_rest() -> None:
    assert clean_text("ban\u202eana\x1b[31m\x00 split\tby\nbreaks\u2066é 😀") == \
        "banana[31m split by breaks\u00e9 😀"
    assert clean_lines("a = 1\r\nb\u202e = 2\n") == "a = 1\nb = 2\n"


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 100_000 + "]" * 100_000, "nested more than 32 deep"),
    ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "nested more than 32 deep"),
    ("[1e999]", "number too large or not finite"),
    ("[" + "9" * 400 + "]", "number too large"),
    ("[" + "9" * 5000 + "]", "not valid JSON"),  # Python refuses to convert 4,300+ digits
    ('{"a": NaN}', "not finite"),
    ('["' + "x" * 10_001 + '"]', "text longer than 10,000 characters"),
    (b'{"a": "\xff"}', "not UTF-8"),
])
def test_load_json_refuses_hostile_documents_in_one_line(text: str | bytes,
                                                         message: str) -> None:
    with pytest.raises(ProfileError, match=message) as info:
        load_json(text, "doc.json", ProfileError)
    assert str(info.value).startswith("doc.json: ") and "\n" not in str(info.value)


def test_the_depth_limit_lets_planner_documents_through() -> None:
    nested: object = 1
    for _ in range(MAX_DEPTH):
        nested = [nested]
    check_document(nested, "x", ProfileError)
    assert load_json(json.dumps(nested), "x", ProfileError) == nested
    with pytest.raises(ProfileError):
        check_document([nested], "x", ProfileError)


def test_load_toml_refuses_deep_tables_and_inline_arrays() -> None:
    with pytest.raises(ProfileError, match="nested more than 32 deep"):
        load_toml("a = " + "[" * 1000 + "]" * 1000, "p.toml", ProfileError)
    with pytest.raises(ProfileError, match="nested more than 32 deep"):
        load_toml("[" + ".".join(["t"] * 1000) + "]\nx = 1\n", "p.toml", ProfileError)
    with pytest.raises(ProfileError, match="not finite"):
        load_toml("x = inf\n", "p.toml", ProfileError)


@pytest.mark.parametrize(("value", "message"), [
    (True, "is not a number"), ("no", "'no' is not a number"), (float("nan"), "out of range"),
    (10**400, "out of range"), (-1, "-1 is out of range"), (2.5, "not a whole number")])
def test_bounded_number_names_the_field(value: object, message: str) -> None:
    with pytest.raises(ProfileError, match=f"servings: .*{message}"):
        bounded_number(value, "servings", 0, 100, ProfileError, whole=True)
    assert bounded_number(3, "servings", 0, 100, ProfileError, whole=True) == 3.0


# ------------------------------------------------------------------ every reader, hostile

def _deep(depth: int, kind: str) -> str:
    if kind == "json":
        return "[" * depth + "]" * depth
    return "x = " + "[" * depth + "]" * depth + "\n"


#: hostile documents as bytes: deep nesting, huge or infinite numbers, long strings,
#: bytes that are not UTF-8, random text
hostile = st.one_of(
    st.builds(lambda d, k: _deep(d, k).encode(), st.integers(MAX_DEPTH + 1, 3000),
              st.sampled_from(["json", "toml"])),
    st.builds(lambda n, k: (f'{{"age": {n}}}' if k else f"age = {n}\n").encode(),
              st.sampled_from(["1e999", "-1e999", "1" + "0" * 400, "9" * 5000, "inf", "nan"]),
              st.booleans()),
    st.builds(lambda n: ('{"sex": "' + "f" * n + '"}').encode(), st.integers(10_001, 40_000)),
    st.builds(lambda b: b"\xff\xfe" + b, st.binary(max_size=64)),
    st.binary(min_size=1, max_size=200).filter(lambda b: b.strip() not in (b"", b"{}")),
)

_Reader = Callable[[Path], object]


def _manifest_reader(path: Path) -> object:
    folder = path.parent / "data"
    folder.mkdir()
    (folder / "manifest.json").write_bytes(path.read_bytes())
    return load_foods(folder)


READERS: dict[str, _Reader] = {
    "profile": lambda p: resolve_settings({}, profile_file=p),
    "answers": read_answers_file,
    "manifest": _manifest_reader,
    "saved week": read_saved_week,
    "FDC JSON": read_fdc_json,
}


@pytest.mark.parametrize("reader", list(READERS))
@settings(max_examples=25, deadline=None)
@given(document=hostile)
def test_every_reader_refuses_hostile_documents_in_one_line(reader: str,
                                                            document: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("doc.json" if reader in ("saved week", "FDC JSON") else
                               "doc.toml")
        path.write_bytes(document)
        with pytest.raises(PlannerError) as info:
            READERS[reader](path)
    assert "\n" not in str(info.value)


@settings(max_examples=40, deadline=None)
@given(text=st.one_of(
    st.builds(lambda n: "1x " * n + "banana", st.integers(2, 1300)),
    st.builds(lambda n: "1." + "5" * n + " banana", st.integers(40, 3980)),
    st.builds(lambda n: "1 banana; " * n, st.integers(61, 300)),
    st.text(min_size=4001, max_size=4100)))
def test_hostile_log_text_is_refused_in_one_line(bundled: FoodTable, catalogue: Catalogue,
                                                 text: str) -> None:
    with pytest.raises(PlannerError) as info:
        parse_eaten(text, bundled, catalogue)
    assert "\n" not in str(info.value)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300))
def test_any_log_text_is_read_or_refused_never_an_internal_error(
        bundled: FoodTable, catalogue: Catalogue, text: str) -> None:
    try:
        items = parse_eaten(text, bundled, catalogue)
    except PlannerError as exc:
        assert "\n" not in str(exc)
    else:
        for item in items:
            assert clean_text(item.said) == item.said


def test_log_text_is_stripped_of_bidi_overrides(bundled: FoodTable,
                                                catalogue: Catalogue) -> None:
    [item] = parse_eaten("1 medium ban\u202eana\x07", bundled, catalogue)
    assert item.food_id == "09040" and item.said == "1 medium banana"


def test_food_names_are_stripped_on_load(tmp_path: Path, bundled: FoodTable) -> None:
    from planner.food.data import write_dataset
    foods = bundled.foods.head(20).copy()
    foods["description"] = foods["description"] + "\u202e <b>\x1b[2J"
    portions = bundled.portions[bundled.portions["food_id"].isin(foods.index)]
    write_dataset(tmp_path / "d", FoodTable(foods, portions), source="test")
    loaded = load_foods(tmp_path / "d")
    assert not loaded.foods["description"].str.contains("[\u202e\x1b]").any()
    assert loaded.foods["description"].str.endswith(" <b>[2J").all()


def test_a_deep_data_manifest_is_a_dataset_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"format": ' + "[" * 1000 + "]" * 1000 + "}")
    with pytest.raises(DatasetError, match="nested more than 32 deep"):
        load_foods(tmp_path)
