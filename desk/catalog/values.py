"""Where a catalogue value came from, what a problem carries of it, and how one value is checked.

Shared by the procedure's fields (``desk.catalog.schema``) and the file formats
(``desk.catalog.formats``): a :class:`Place` says where values come from (the place
parameters of a problem, see below, and the field names people see); the checkers
(text, codes, whole numbers and amounts, flags) take a JSON value or, with
``from_text=True``, a CSV cell, and refuse with ``InvalidInput`` at that place.

Place parameters, each present only when known: ``file``, ``line`` (CSV),
``procedure`` (its number in a JSON file), ``procedure_code``, ``item``
(``"component"`` or ``"fee"``), ``item_number``, ``item_code``. A procedure read
back from the database has no ``file``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NoReturn

from desk.errors import InvalidInput
from desk.text import clean, closest, fold

CODE_MAX = 60
SHOWN_MAX = 60
"""A text value in a problem is cut to this many characters (and "…")."""

PLACE_PARAMS = ("file", "line", "procedure", "procedure_code", "item", "item_number", "item_code")
"""The parameters that say where a catalogue problem is (see the module's docstring)."""
PLACED_CODES: frozenset[str] = frozenset(
    f"catalog.{name}"
    for name in """
    required required_choice required_example required_list required_first_row not_text no_visible_text too_long
    code_too_long bad_code too_large not_whole not_amount not_flag not_choice not_choice_list no_choice listed_twice
    not_list not_procedure_list empty_list item_not_object not_object duplicate_procedure duplicate_component
    duplicate_on_line csv_rows_apart csv_empty_row csv_differs unknown_key unsupported_format tariff_rate_order
    """.split()
)
"""Codes whose words say only what is wrong: a formatter writes the place before them, from the
PLACE_PARAMS present (``catalog.json procedure 2 (1.001193), component 1, field "quantity": …``).
The other ``catalog.*`` codes' words name their file themselves, or are not about a file."""


def place_of(params: Mapping[str, Any], words: Mapping[str, str]) -> str:
    """Where a catalogue problem is, from its PLACE_PARAMS, in a formatter's ``words``: "stored" (a
    procedure read back from the database), "line", "procedure", and the items' nouns ("component",
    "fee"; a noun without a word is shown as it is)."""
    where = str(params.get("file", words["stored"]))
    if "line" in params:
        where += f" {words['line']} {params['line']}"
    if "procedure" in params:
        where += f" {words['procedure']} {params['procedure']}"
    if "procedure_code" in params:
        where += f" ({params['procedure_code']})"
    if "item" in params:
        where += f", {words.get(params['item'], params['item'])} {params.get('item_number', '')}"
        if "item_code" in params:
            where += f" ({params['item_code']})"
    return where


# a procedure code is dot-separated groups of digits and letters: 1.001193, 2.000815.000.00.00.H55
PROCEDURE_CODE = re.compile(r"[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*")
# component, fee and field codes may also use - and _ (to_khai, G09-TP-01)
LOCAL_CODE = re.compile(r"[0-9A-Za-z]+(?:[._-][0-9A-Za-z]+)*")
# CSV amounts may be written the Vietnamese way: 8.000, 200.000 đ, 1,000 VND
_AMOUNT_TEXT = re.compile(r"(\d{1,3}(?:([., ])\d{3})(?:\2\d{3})*|\d+)\s*(?:d|dong|vnd)?")  # matched on folded text
_WHOLE_TEXT = re.compile(r"\d+")

_TRUE = {"true", "1", "yes", "y", "x", "co", "bat buoc"}
_FALSE = {"false", "0", "no", "n", "khong", "tuy chon"}


# ---------------------------------------------------------------------------
# where a value came from, and what a problem carries of a value


def shown(value: object) -> str:
    """A value as a problem carries it, written as in JSON: ``"text"`` (cut to SHOWN_MAX and made
    printable), ``12``, ``true``, ``null``; a list or an object as ``[…]`` or ``{…}``."""
    if isinstance(value, str):
        return f'"{printable(value)}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return printable(repr(value))
    if isinstance(value, list):
        return "[…]"
    if isinstance(value, dict):
        return "{…}"
    return type(value).__name__


def printable(text: str) -> str:
    """``text`` cut to SHOWN_MAX characters (and "…"), every unprintable character as ``\\uXXXX``."""
    text = text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "…"
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


class Place:
    """Where values come from: the place parameters of a problem, and the field names people see."""

    def __init__(self, params: Mapping[str, Any], names: Mapping[str, str] | None = None, key_prefix: str = "") -> None:
        self.params = dict(params)
        self.names = dict(names or {})
        self.key_prefix = key_prefix  # "processing." for keys inside the processing object

    def also(self, **params: Any) -> Place:
        """The same place, more precisely (a procedure's code once known, a component)."""
        return Place({**self.params, **params}, self.names, self.key_prefix)

    def named(self, names: Mapping[str, str] | None = None, key_prefix: str = "") -> Place:
        return Place(self.params, names, key_prefix)

    def name(self, field: str) -> str:
        return self.names.get(field, self.key_prefix + field)

    def problem(self, code: str, field: str | None = None, **params: Any) -> InvalidInput:
        """The refusal ``code`` at this place (``field`` as people see it)."""
        shown_field = None if field is None else printable(self.name(field))  # an unknown key may hold anything
        return InvalidInput(code, field=shown_field, **self.params, **params)

    def fail(self, field: str | None, code: str, **params: Any) -> NoReturn:
        raise self.problem(code, field, **params)


def refuse_unknown_keys(d: Mapping[str, object], allowed: tuple[str, ...], place: Place) -> None:
    """Refuse keys the format does not have (``catalog.unknown_key``), with a guess for typos."""
    for key in d:
        if key not in allowed:
            place.fail(str(key), "catalog.unknown_key", did_you_mean=closest(str(key), allowed), known=allowed)


# ---------------------------------------------------------------------------
# values, shared by JSON (typed values) and CSV (text cells; from_text=True)


def absent(value: object) -> bool:
    """Nothing there: missing, null, or blank text."""
    return value is None or (isinstance(value, str) and not value.strip())


def text_value(value: object, place: Place, field: str, *, max_len: int, required: bool) -> str:
    """Cleaned text (NFC, no control characters), or a refusal."""
    if absent(value):
        if required:
            place.fail(field, "catalog.required")
        return ""
    if not isinstance(value, str):
        place.fail(field, "catalog.not_text", value=shown(value))
    text = clean(value)
    if required and not text:
        place.fail(field, "catalog.no_visible_text", value=shown(value))
    if len(text) > max_len:
        place.fail(field, "catalog.too_long", length=len(text), maximum=max_len)
    return text


def _code(value: object, place: Place, field: str, *, pattern: re.Pattern[str], kind: str, required: bool) -> str:
    text = text_value(value, place, field, max_len=10 * CODE_MAX, required=required)
    if not text:
        return ""
    if len(text) > CODE_MAX:
        place.fail(field, "catalog.code_too_long", value=shown(text), length=len(text), maximum=CODE_MAX)
    if not pattern.fullmatch(text):
        place.fail(field, "catalog.bad_code", value=shown(text), code_kind=kind)
    return text


def procedure_code(value: object, place: Place, field: str) -> str:
    """A procedure code: letters and digits joined by dots (``catalog.bad_code``, code_kind "procedure")."""
    return _code(value, place, field, pattern=PROCEDURE_CODE, kind="procedure", required=True)


def local_code(value: object, place: Place, field: str, *, required: bool) -> str:
    """A component, fee or field code: letters and digits joined by . _ or - (code_kind "local")."""
    return _code(value, place, field, pattern=LOCAL_CODE, kind="local", required=required)


def whole_number(
    value: object,
    place: Place,
    field: str,
    *,
    minimum: int,
    maximum: int,
    default: int | None,
    from_text: bool,
    amount: bool = False,
) -> int:
    """A whole number (or an amount in đồng, which CSV may write "8.000 đ") within limits."""
    if absent(value):
        if default is None:
            place.fail(field, "catalog.required")
        return default
    number: int | None = None
    if from_text and isinstance(value, str):
        text = clean(value)
        match = (_AMOUNT_TEXT if amount else _WHOLE_TEXT).fullmatch(fold(text) if amount else text)
        if match:
            digits = re.sub(r"\D", "", match.group(1) if amount else match.group(0))
            if len(digits.lstrip("0")) > 18:  # int() refuses thousands of digits; no limit is that high
                place.fail(field, "catalog.too_large", value=shown(value), maximum=maximum)
            number = int(digits)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    if number is None or number < minimum:
        # "write it without quotes" when a JSON number came as text
        quoted = number is None and isinstance(value, str) and not from_text
        if amount:
            place.fail(field, "catalog.not_amount", value=shown(value), minimum=minimum, quoted=quoted)
        place.fail(field, "catalog.not_whole", value=shown(value), minimum=minimum, quoted=quoted)
    assert number is not None  # place.fail never returns
    if number > maximum:
        place.fail(field, "catalog.too_large", value=shown(value), maximum=maximum)
    return number


def flag(value: object, place: Place, field: str, *, default: bool, from_text: bool) -> bool:
    """True or false (CSV also takes yes/no, có/không, bắt buộc/tùy chọn, x)."""
    if absent(value):
        return default
    if isinstance(value, bool):
        return value
    if from_text and isinstance(value, str):
        key = fold(clean(value))
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    place.fail(field, "catalog.not_flag", value=shown(value))
