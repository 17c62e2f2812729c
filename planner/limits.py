"""Input limits: the one place that says how deep, how large and how long user input may be.

Every reader of a user's or a server's document (TOML profiles, ``--answers`` files,
data-folder manifests, saved weeks, FDC JSON, log text) parses through :func:`load_json`
or :func:`load_toml` and then checks the fields it uses with :func:`bounded_number`, so
that a hostile document is one line naming the field, never a ``RecursionError``,
``OverflowError``, ``MemoryError`` or ``ValueError`` from deep inside the parser:

``MAX_DEPTH``
    nesting of arrays and tables. planner's own documents nest at most 6 deep (an FDC
    food: food -> foodNutrients -> item -> nutrient). Both parsers recurse per level and
    stop with ``RecursionError`` near 1,000, which is mapped here; anything shallower is
    measured after parsing, iteratively.
``MAX_STRING``
    characters in one string value (a food name is under 200; an FDC description is under
    300).
``MAX_NUMBER_TEXT``
    characters in one written number (``1.5``, ``1e3``); a number with 3,980 decimals is
    not a quantity anyone means.
``MAX_MAGNITUDE``
    the largest magnitude any field may have before its own range check (``1e999`` is
    infinite, ``10**400`` does not fit a float).

``MAX_MEAL_ITEMS``
    foods in one meal of a saved week (``--keep``) or of what was eaten (``--ate``,
    ``--from-log``): a planned meal has up to about 10, one eaten meal up to 60 (what one
    ``log add`` takes); 10,000 kept the planner busy for minutes with no output.
``FETCH_*_RANGE``
    the seconds ``planner fetch`` accepts for each of its waits (see below).

File sizes are capped where files are read (:mod:`planner.files`), so no document is
large enough to exhaust memory before these limits apply.

:func:`clean_text` removes control and bidirectional-formatting characters (U+202E
RIGHT-TO-LEFT OVERRIDE and its kin), so that text shown back to the user reads as it is;
:func:`escaped` shows them (and bytes that are not UTF-8) as backslash escapes, for a
message that names exactly what was given; :func:`check_utf8` refuses text holding such
bytes.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Callable
from typing import Any, Final

from planner.errors import PlannerError

MAX_DEPTH: Final = 32
MAX_STRING: Final = 10_000
MAX_NUMBER_TEXT: Final = 40
MAX_MAGNITUDE: Final = 1e15

#: Foods in one meal of a saved week, at most (see the module docstring).
MAX_MEAL_ITEMS: Final = 100
#: Grams of one food eaten at once, at most: more is a typo (1500 g of salmon), not a
#: meal; a log entry above it (a hand-edited log with 1e308 g) is a damaged entry.
MAX_ITEM_GRAMS: Final = 3000.0

#: Seconds ``planner fetch`` accepts, (lowest, highest) for each option. A wait for data or
#: a connection of more than an hour, one attempt of more than a day or a refresh of more
#: than a week is a typo, not a plan (a full FoodData Central refresh takes minutes to an
#: hour); and Python's clocks, sockets and timers take nothing near ``1e308`` (an
#: OverflowError). Under 0.1 s not even a server on this machine answers reliably.
FETCH_TIMEOUT_RANGE: Final = (0.1, 3600.0)
FETCH_DEADLINE_RANGE: Final = (1.0, 7 * 86400.0)
FETCH_ATTEMPT_RANGE: Final = (0.1, 86400.0)
FETCH_BACKOFF_RANGE: Final = (0.0, 3600.0)  # the first retry's wait; doubled, 32 x at most
FETCH_MAX_WAIT_RANGE: Final = (0.0, 86400.0)  # FDC's rate-limit block lasts an hour

#: Characters never kept in text shown back to the user: C0 and C1 controls and DEL, the
#: bidirectional embedding, override and isolate marks, the line and paragraph separators
#: and a stray byte-order mark (invisible characters that reorder or break what surrounds
#: them). Tabs and line breaks are matched separately: they become spaces.
UNSAFE_TEXT: Final = ("[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                      "\u2066-\u2069\u2028\u2029\ufeff]")
LINE_BREAKS: Final = "[\t\n\r\v\f]"
_UNSAFE: Final = re.compile(UNSAFE_TEXT)
_BREAKS: Final = re.compile(LINE_BREAKS)


def clean_text(text: str) -> str:
    """``text`` without control characters (C0, DEL, C1) and bidirectional-formatting marks
    (:data:`UNSAFE_TEXT`); tabs and line breaks become spaces (an item of a log or a food
    name is one line)."""
    return _UNSAFE.sub("", _BREAKS.sub(" ", text))


_BIDI: Final = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def strip_bidi(text: str) -> str:
    """``text`` without bidirectional embedding, override and isolate marks (U+202E...)."""
    return _BIDI.sub("", text)


def clean_lines(text: str) -> str:
    """``text`` cleaned like :func:`clean_text`, keeping its line breaks (``\n``) and tabs."""
    return "\n".join(clean_text(line.replace("\t", "    ")).rstrip()
                     for line in text.replace("\r\n", "\n").split("\n"))


#: What :func:`escaped` writes as an escape: the characters :data:`UNSAFE_TEXT` and
#: :data:`LINE_BREAKS` name, and lone surrogates (a byte that is not UTF-8 in a Linux
#: argument or file name arrives as U+DC80-U+DCFF, Python's "surrogateescape").
_ESCAPED: Final = re.compile(f"{UNSAFE_TEXT[:-1]}\t\n\r\v\f\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # the byte Linux gave, as it was
        return f"\\x{code - 0xDC00:02x}"
    return match.group().encode("unicode_escape").decode("ascii") if code < 0x100 \
        else f"\\u{code:04x}"


def escaped(text: str) -> str:
    """``text`` safe to print on one line, every character still accounted for: a control
    character as its escape (``\\n``, ``\\x1b``), a bidirectional mark as ``\\u202e``, a
    byte that is not UTF-8 (a file name Linux allows) as ``\\xff``. Printable text is
    unchanged."""
    return _ESCAPED.sub(_escape, text)


def check_utf8(text: str, where: str, error: type[PlannerError]) -> str:
    """``text`` when it is UTF-8 text; ``error`` naming ``where`` and showing the text with
    its stray bytes escaped when it holds a byte that is not UTF-8 (a Linux argument such
    as ``$'banana\\xff'`` reaches Python as a lone surrogate, which no file, table or
    terminal can take)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        shown = escaped(text[:60]) + ("..." if len(text) > 60 else "")
        raise error(f"{where}: '{shown}' is not UTF-8 text (the byte "
                    f"{escaped(text[exc.start])} is not a character in UTF-8); type it "
                    "again in UTF-8") from None
    return text


def check_document(document: object, where: str, error: type[PlannerError]) -> None:
    """Raise ``error`` when a parsed document nests deeper than :data:`MAX_DEPTH`, holds a
    string longer than :data:`MAX_STRING` or a number that is not finite or larger than
    :data:`MAX_MAGNITUDE`. Walks iteratively, so no depth can exhaust the stack."""
    stack: list[tuple[object, int, str]] = [(document, 0, "")]
    while stack:
        value, depth, field = stack.pop()
        label = f"{where}: {field}:" if field else f"{where}:"
        if isinstance(value, dict):
            if depth >= MAX_DEPTH:
                raise error(f"{where}: nested more than {MAX_DEPTH} deep; not a planner "
                            "document")
            for key, item in value.items():
                if isinstance(key, str) and len(key) > MAX_STRING:
                    raise error(f"{where}: a key longer than {MAX_STRING:,} characters")
                # the key's path (kim.weight_kg: which member's weight), its end if long
                path = f"{field}.{str(key)[:60]}" if field else str(key)[:60]
                stack.append((item, depth + 1, path if len(path) <= 120 else
                              "..." + path[-117:]))
        elif isinstance(value, list | tuple):
            if depth >= MAX_DEPTH:
                raise error(f"{where}: nested more than {MAX_DEPTH} deep; not a planner "
                            "document")
            stack.extend((item, depth + 1, field) for item in value)
        elif isinstance(value, str):
            if len(value) > MAX_STRING:
                raise error(f"{label} text longer than {MAX_STRING:,} characters")
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_MAGNITUDE:
                raise error(f"{label} number too large")
        elif isinstance(value, float) and not (math.isfinite(value)
                                               and abs(value) <= MAX_MAGNITUDE):
            raise error(f"{label} number too large or not finite")


def _parse(parse: Callable[[str], Any], text: str, where: str, invalid: str,
           error: type[PlannerError], decode_errors: tuple[type[Exception], ...]) -> Any:
    # Both parsers recurse per level of nesting and stop cleanly with RecursionError at
    # Python's limit (1,000); anything shallower is measured by check_document.
    try:
        return parse(text)
    except RecursionError:
        raise error(f"{where}: nested more than {MAX_DEPTH} deep; not a planner "
                    "document") from None
    except MemoryError:
        raise error(f"{where}: too large to read") from None
    except decode_errors as exc:
        raise error(f"{where}: {invalid} ({str(exc)[:200]})") from None
    except (ValueError, OverflowError) as exc:  # e.g. an integer of more than 4,300 digits
        raise error(f"{where}: {invalid} ({str(exc)[:200]})") from None


def load_json(text: str | bytes, where: str, error: type[PlannerError], *,
              invalid: str = "not valid JSON") -> Any:
    """Parse JSON ``text`` within the limits (see :func:`check_document`); raise ``error``
    with a one-line message naming ``where`` (and saying ``invalid`` for a syntax error)
    for anything else."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise error(f"{where}: not UTF-8 text (byte {exc.start})") from None
    document = _parse(json.loads, text, where, invalid, error, (json.JSONDecodeError,))
    check_document(document, where, error)
    return document


def load_toml(text: str, where: str, error: type[PlannerError], *,
              invalid: str = "not valid TOML") -> dict[str, Any]:
    """Parse TOML ``text`` within the limits (see :func:`load_json`)."""
    document: dict[str, Any] = _parse(tomllib.loads, text, where, invalid, error,
                                      (tomllib.TOMLDecodeError,))
    check_document(document, where, error)
    return document


def bounded_number(value: object, field: str, low: float, high: float,
                   error: type[Exception], *, whole: bool = False) -> float:
    """``value`` as a float within ``[low, high]``; raise ``error`` naming ``field`` when it
    is not a number (a bool, a string such as ``"no"``), not finite, out of range or, with
    ``whole``, not a whole number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise error(f"{field}: {str(value)[:40]!r} is not a number")
    if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:
        raise error(f"{field}: number out of range ({low:g} to {high:g})")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        shown = f"{number:g}" if math.isfinite(number) else str(number)
        raise error(f"{field}: {shown} is out of range ({low:g} to {high:g})")
    if whole and number != int(number):
        raise error(f"{field}: {number:g} is not a whole number")
    return number
