"""The procedure catalogue: a data file (JSON or CSV) the desk imports, never code.

``load_catalog`` reads a ``.json`` or ``.csv`` file (UTF-8, with or without a
BOM) and returns every procedure, or raises ``InvalidInput`` naming the file,
the place (CSV line, or JSON procedure number and code) and the field. Nothing
is returned from a catalogue with a single fault: import is all or nothing.
The formats are described field by field in ``docs/catalogue.md``.

``procedure_to_dict`` / ``procedure_from_dict`` are the JSON shape of one
procedure, shared with the database, which stores each procedure as JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NoReturn

from desk.errors import InvalidInput, NotFound
from desk.models import ComponentSpec, Delivery, Fee, Form, ProcessingTime, Procedure, TimeUnit
from desk.text import clean, fold

FORMAT = "motcua-desk-catalog/1"
"""The ``format`` value of a JSON catalogue this desk reads and writes."""

MAX_FILE_BYTES = 16 * 1024 * 1024
"""A catalogue larger than this is refused before it is parsed."""

CODE_MAX = 60
NAME_MAX = 500  # procedure, component, result and fee names
FIELD_MAX = 200  # lĩnh vực
UNIT_MAX = 50  # fee unit ("bản", "trang")
QUANTITY_MAX = 99
AMOUNT_MAX = 1_000_000_000  # đồng
DAYS_MAX = 365
HOURS_MAX = 8 * 365

# a procedure code is dot-separated groups of digits and letters: 1.001193, 2.000815.000.00.00.H55
_PROCEDURE_CODE = re.compile(r"[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*")
# component, fee and field codes may also use - and _ (to_khai, G09-TP-01)
_LOCAL_CODE = re.compile(r"[0-9A-Za-z]+(?:[._-][0-9A-Za-z]+)*")
# CSV amounts may be written the Vietnamese way: 8.000, 200.000 đ, 1,000 VND
_AMOUNT_TEXT = re.compile(r"(\d{1,3}(?:([., ])\d{3})(?:\2\d{3})*|\d+)\s*(?:d|dong|vnd)?")  # matched on folded text
_WHOLE_TEXT = re.compile(r"\d+")

TOP_KEYS = ("format", "note", "procedures")
PROCEDURE_KEYS = (
    "code",
    "name",
    "field",
    "field_code",
    "processing",
    "fees",
    "components",
    "result_name",
    "delivery_options",
)
PROCESSING_KEYS = ("unit", "value")
FEE_KEYS = ("name", "amount", "code", "unit")
COMPONENT_KEYS = ("code", "name", "form", "quantity", "required", "must_digitise")

CSV_COLUMNS = (
    "procedure_code",
    "procedure_name",
    "field",
    "field_code",
    "processing_unit",
    "processing_value",
    "fee_name",
    "fee_amount",
    "result_name",
    "component_code",
    "component_name",
    "form",
    "quantity",
    "required",
    "must_digitise",
)
"""Columns every CSV catalogue has, in the order the desk writes them."""

CSV_OPTIONAL_COLUMNS = ("fee_code", "fee_unit", "delivery_options")
"""Columns a CSV catalogue may add; the desk writes them too."""

# per-procedure columns: on a procedure's later rows, empty or equal to its first row
_CSV_PROCEDURE_COLUMNS = (
    "procedure_name",
    "field",
    "field_code",
    "processing_unit",
    "processing_value",
    "result_name",
    "delivery_options",
)
_CSV_COMPONENT_COLUMNS = ("component_code", "component_name", "form", "quantity", "required", "must_digitise")
_CSV_FEE_COLUMNS = ("fee_name", "fee_amount", "fee_code", "fee_unit")

_TRUE = {"true", "1", "yes", "y", "x", "co", "bat buoc"}
_FALSE = {"false", "0", "no", "n", "khong", "tuy chon"}


# ---------------------------------------------------------------------------
# messages


def _show(value: object, limit: int = 60) -> str:
    """A value as it may appear in a message: quoted, short, printable."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[:limit] + "…"
        text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)
        return f'"{text}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        text = repr(value)
        return text if len(text) <= limit else text[:limit] + "…"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class _Where:
    """Where a value came from, for messages: a prefix plus the field names people see."""

    def __init__(self, prefix: str, names: Mapping[str, str] | None = None, key_prefix: str = "") -> None:
        self.prefix = prefix
        self.names = dict(names or {})
        self.key_prefix = key_prefix  # "processing." for keys inside the processing object

    def name(self, field: str) -> str:
        return self.names.get(field, self.key_prefix + field)

    def fail(self, field: str, problem: str) -> NoReturn:
        shown = _show(self.name(field))[1:-1]  # an unknown key may hold anything
        raise InvalidInput(f'{self.prefix}, field "{shown}": {problem}', field=shown)


def _close_match(word: str, known: Iterable[str], n: int = 1) -> list[str]:
    import difflib  # only on the error path

    return difflib.get_close_matches(word, list(known), n=n)


def _unknown_keys(d: Mapping[str, object], allowed: Iterable[str], where: _Where) -> None:
    """Refuse keys the format does not have, with a guess for typos."""
    allowed = tuple(allowed)
    for key in d:
        if key not in allowed:
            guess = _close_match(str(key), allowed, n=1)
            hint = f' (did you mean "{guess[0]}"?)' if guess else f" (known: {', '.join(allowed)})"
            where.fail(str(key), f"unknown key{hint}")


# ---------------------------------------------------------------------------
# values, shared by JSON (typed values) and CSV (text cells; from_text=True)


def _absent(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object, where: _Where, field: str, *, max_len: int, required: bool) -> str:
    if _absent(value):
        if required:
            where.fail(field, "is required")
        return ""
    if not isinstance(value, str):
        where.fail(field, f"must be text, not {_show(value)}")
    text = clean(value)
    if required and not text:
        where.fail(field, f"{_show(value)} has no visible text")
    if len(text) > max_len:
        where.fail(field, f"is too long: {len(text)} characters, at most {max_len}")
    return text


def _code(
    value: object, where: _Where, field: str, *, pattern: re.Pattern[str], kind: str, required: bool
) -> str:
    text = _text(value, where, field, max_len=10 * CODE_MAX, required=required)
    if not text:
        return ""
    if len(text) > CODE_MAX:
        where.fail(field, f"{_show(text)} is too long: {len(text)} characters, at most {CODE_MAX}")
    if not pattern.fullmatch(text):
        where.fail(field, f"{_show(text)} is not a valid code ({kind})")
    return text


def _whole(
    value: object,
    where: _Where,
    field: str,
    *,
    minimum: int,
    maximum: int,
    default: int | None,
    from_text: bool,
    amount: bool = False,
) -> int:
    if _absent(value):
        if default is None:
            where.fail(field, "is required")
        return default
    number: int | None = None
    if from_text and isinstance(value, str):
        text = clean(value)
        match = (_AMOUNT_TEXT if amount else _WHOLE_TEXT).fullmatch(fold(text) if amount else text)
        if match:
            digits = re.sub(r"\D", "", match.group(1) if amount else match.group(0))
            if len(digits.lstrip("0")) > 18:  # int() refuses thousands of digits; no limit is that high
                where.fail(field, f"{_show(value)} is too large (at most {maximum})")
            number = int(digits)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    what = "an amount in đồng" if amount else "a whole number"
    if number is None:
        hint = " (write it without quotes)" if isinstance(value, str) and not from_text else ""
        where.fail(field, f"{_show(value)} is not {what} ≥ {minimum}{hint}")
    if number < minimum:
        where.fail(field, f"{_show(value)} is not {what} ≥ {minimum}")
    if number > maximum:
        where.fail(field, f"{_show(value)} is too large (at most {maximum})")
    return number


def _flag(value: object, where: _Where, field: str, *, default: bool, from_text: bool) -> bool:
    if _absent(value):
        return default
    if isinstance(value, bool):
        return value
    if from_text and isinstance(value, str):
        key = fold(clean(value))
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    where.fail(field, f"{_show(value)} is not true or false")


def _choice_key(text: str) -> str:
    # "Bản sao chứng thực" / "ban-sao chung_thuc" -> "ban_sao_chung_thuc"
    return "_".join(fold(text).replace("_", " ").replace("-", " ").split())


_FORM_BY_KEY = {form.value: form for form in Form} | {_choice_key(f.label_vi): f for f in Form}


def _form(value: object, where: _Where, field: str) -> Form:
    if _absent(value):
        where.fail(field, f"is required (one of {', '.join(f.value for f in Form)})")
    if isinstance(value, str):
        form = _FORM_BY_KEY.get(_choice_key(clean(value)))
        if form is not None:
            return form
    where.fail(field, f"{_show(value)} is not one of {', '.join(f.value for f in Form)}")


def _processing(unit: object, value: object, where: _Where, *, from_text: bool) -> ProcessingTime:
    units = ", ".join(u.value for u in TimeUnit)
    if _absent(unit):
        where.fail("unit", f"is required (one of {units})")
    if not isinstance(unit, str) or clean(unit) not in {u.value for u in TimeUnit}:
        where.fail("unit", f"{_show(unit)} is not one of {units}")
    time_unit = TimeUnit(clean(unit))
    if time_unit is TimeUnit.SAME_DAY:
        _whole(value, where, "value", minimum=0, maximum=0, default=0, from_text=from_text)
        return ProcessingTime(time_unit, 0)
    maximum = DAYS_MAX if time_unit is TimeUnit.WORKING_DAYS else HOURS_MAX
    number = _whole(value, where, "value", minimum=1, maximum=maximum, default=None, from_text=from_text)
    return ProcessingTime(time_unit, number)


def _delivery(value: object, where: _Where, field: str, *, from_text: bool) -> tuple[str, ...]:
    known = ", ".join(d.value for d in Delivery)
    if _absent(value):
        return (Delivery.COUNTER.value,)
    if from_text and isinstance(value, str):
        items: list[object] = [part for part in re.split(r"[\s,;|]+", clean(value)) if part]
    elif isinstance(value, list):
        items = list(value)
    else:
        where.fail(field, f"must be a list of {known}, not {_show(value)}")
    if not items:
        where.fail(field, f"must name at least one of {known}")
    chosen: list[str] = []
    for item in items:
        if not isinstance(item, str) or clean(item) not in {d.value for d in Delivery}:
            where.fail(field, f"{_show(item)} is not one of {known}")
        if clean(item) in chosen:
            where.fail(field, f"{_show(item)} is listed twice")
        chosen.append(clean(item))
    return tuple(chosen)


def _component(raw: Mapping[str, object], where: _Where, *, from_text: bool) -> ComponentSpec:
    return ComponentSpec(
        code=_code(
            raw.get("code"),
            where,
            "code",
            pattern=_LOCAL_CODE,
            kind="letters and digits joined by . _ or -",
            required=True,
        ),
        name=_text(raw.get("name"), where, "name", max_len=NAME_MAX, required=True),
        form=_form(raw.get("form"), where, "form"),
        quantity=_whole(
            raw.get("quantity"), where, "quantity", minimum=1, maximum=QUANTITY_MAX, default=1, from_text=from_text
        ),
        required=_flag(raw.get("required"), where, "required", default=True, from_text=from_text),
        must_digitise=_flag(raw.get("must_digitise"), where, "must_digitise", default=False, from_text=from_text),
    )


def _fee(raw: Mapping[str, object], where: _Where, *, from_text: bool) -> Fee:
    return Fee(
        name=_text(raw.get("name"), where, "name", max_len=NAME_MAX, required=True),
        amount=_whole(
            raw.get("amount"),
            where,
            "amount",
            minimum=0,
            maximum=AMOUNT_MAX,
            default=None,
            from_text=from_text,
            amount=True,
        ),
        code=_code(
            raw.get("code"),
            where,
            "code",
            pattern=_LOCAL_CODE,
            kind="letters and digits joined by . _ or -",
            required=False,
        ),
        unit=_text(raw.get("unit"), where, "unit", max_len=UNIT_MAX, required=False),
    )


def _procedure_code(value: object, where: _Where, field: str) -> str:
    return _code(value, where, field, pattern=_PROCEDURE_CODE, kind="letters and digits joined by dots", required=True)


def _field_code(value: object, where: _Where, field: str) -> str:
    return _code(
        value, where, field, pattern=_LOCAL_CODE, kind="letters and digits joined by . _ or -", required=False
    )


# ---------------------------------------------------------------------------
# the JSON shape


def procedure_to_dict(p: Procedure) -> dict:
    """One procedure in the catalogue's JSON shape (every key, in a fixed order)."""
    return {
        "code": p.code,
        "name": p.name,
        "field": p.field,
        "field_code": p.field_code,
        "processing": {"unit": p.processing.unit.value, "value": p.processing.value},
        "fees": [{"name": f.name, "amount": f.amount, "code": f.code, "unit": f.unit} for f in p.fees],
        "components": [
            {
                "code": c.code,
                "name": c.name,
                "form": c.form.value,
                "quantity": c.quantity,
                "required": c.required,
                "must_digitise": c.must_digitise,
            }
            for c in p.components
        ],
        "result_name": p.result_name,
        "delivery_options": list(p.delivery_options),
    }


def procedure_from_dict(d: object, where: str) -> Procedure:
    """Check and build one procedure from its JSON shape.

    ``where`` starts every message, e.g. ``"catalog.json procedure 3"``; the
    procedure's code is added once known. Raises ``InvalidInput``.
    """
    place = _Where(where)
    if not isinstance(d, dict):
        raise InvalidInput(f"{where}: must be an object {{...}}, not {_show(d)}")
    code = _procedure_code(d.get("code"), place, "code")
    place = _Where(f"{where} ({code})")
    _unknown_keys(d, PROCEDURE_KEYS, place)
    name = _text(d.get("name"), place, "name", max_len=NAME_MAX, required=True)
    field = _text(d.get("field"), place, "field", max_len=FIELD_MAX, required=True)
    field_code = _field_code(d.get("field_code"), place, "field_code")

    processing_raw = d.get("processing")
    if _absent(processing_raw):
        place.fail("processing", 'is required, e.g. {"unit": "working_days", "value": 3}')
    if not isinstance(processing_raw, dict):
        place.fail("processing", f'must be an object {{"unit": ..., "value": ...}}, not {_show(processing_raw)}')
    at = _Where(place.prefix, key_prefix="processing.")
    _unknown_keys(processing_raw, PROCESSING_KEYS, at)
    processing = _processing(processing_raw.get("unit"), processing_raw.get("value"), at, from_text=False)

    fees = tuple(
        _fee(raw, at, from_text=False)
        for raw, at in _items(d.get("fees"), place, "fees", "fee", FEE_KEYS, required=False)
    )
    components: list[ComponentSpec] = []
    seen: dict[str, int] = {}
    for number, (raw, at) in enumerate(
        _items(d.get("components"), place, "components", "component", COMPONENT_KEYS, required=True), start=1
    ):
        component = _component(raw, at, from_text=False)
        earlier = seen.setdefault(component.code.casefold(), number)
        if earlier != number:
            at.fail("code", f"{_show(component.code)} is already used by component {earlier}")
        components.append(component)

    return Procedure(
        code=code,
        name=name,
        field=field,
        processing=processing,
        components=tuple(components),
        fees=fees,
        field_code=field_code,
        result_name=_text(d.get("result_name"), place, "result_name", max_len=NAME_MAX, required=False),
        delivery_options=_delivery(d.get("delivery_options"), place, "delivery_options", from_text=False),
    )


def _items(
    value: object, place: _Where, key: str, noun: str, keys: tuple[str, ...], *, required: bool
) -> Iterable[tuple[dict, _Where]]:
    """The objects of a list-valued key, each with where it is (``component 2 (to_khai)``)."""
    if _absent(value):
        if required:
            place.fail(key, f"is required: a list with at least one {noun}")
        return []
    if not isinstance(value, list):
        place.fail(key, f"must be a list, not {_show(value)}")
    if required and not value:
        place.fail(key, f"must list at least one {noun}")
    out = []
    for number, raw in enumerate(value, start=1):
        if not isinstance(raw, dict):
            place.fail(key, f"{noun} {number} must be an object {{...}}, not {_show(raw)}")
        label = f"{place.prefix}, {noun} {number}"
        raw_code = raw.get("code")
        if isinstance(raw_code, str) and _LOCAL_CODE.fullmatch(raw_code.strip()):
            label += f" ({raw_code.strip()})"
        at = _Where(label)
        _unknown_keys(raw, keys, at)
        out.append((raw, at))
    return out


# ---------------------------------------------------------------------------
# reading files


def load_catalog(path: str | Path) -> list[Procedure]:
    """Every procedure of a ``.json`` or ``.csv`` catalogue, checked; all or nothing.

    Raises ``NotFound`` when the file is missing, else ``InvalidInput`` naming
    the file, the line or procedure, and the field.
    """
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise InvalidInput(f"{name}: a catalogue must be a .json or .csv file")
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise NotFound(f"{name}: no such file ({path})") from None
    except IsADirectoryError:
        raise InvalidInput(f"{name}: is a folder, not a catalogue file") from None
    except OSError as exc:
        raise InvalidInput(f"{name}: cannot be read ({exc.strerror or exc})") from None
    return parse_catalog(data, name)


def parse_catalog(data: bytes, name: str) -> list[Procedure]:
    """Every procedure of a catalogue given as bytes; ``name``'s suffix picks the format."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".json", ".csv"):
        raise InvalidInput(f"{name}: a catalogue must be a .json or .csv file")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(f"{name}: is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not a catalogue")
    text = _decode(data, name)
    procedures = _parse_json(text, name) if suffix == ".json" else _parse_csv(text, name)
    if not procedures:
        raise InvalidInput(f"{name}: lists no procedures")
    return procedures


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise InvalidInput(f"{name}: the file is empty")
    if b"\x00" in data:
        raise InvalidInput(f"{name}: is a binary file, not a catalogue (save it as UTF-8 text)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidInput(
            f"{name} line {line}: is not UTF-8 text (save the file as UTF-8; Excel: CSV UTF-8)"
        ) from None


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    d: dict = {}
    for key, value in pairs:
        if key in d:
            raise _DuplicateKey(key)
        d[key] = value
    return d


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_constant(token: str) -> NoReturn:
    raise ValueError(f"{token} is not allowed in a catalogue")


def _parse_json(text: str, name: str) -> list[Procedure]:
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{name} line {exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})") from None
    except _DuplicateKey as exc:
        raise InvalidInput(f"{name}: key {_show(exc.key)} appears twice in one object", field=exc.key) from None
    except (ValueError, RecursionError) as exc:
        # NaN/Infinity, numbers too long to convert, nesting too deep
        raise InvalidInput(f"{name}: not a usable JSON document ({str(exc)[:120]})") from None
    top = _Where(name)
    if not isinstance(document, dict):
        raise InvalidInput(f'{name}: must be a JSON object with "format" and "procedures", not {_show(document)}')
    if "format" not in document:
        raise InvalidInput(f'{name}: not a motcua-desk catalogue (no "format": "{FORMAT}")', field="format")
    if document["format"] != FORMAT:
        top.fail("format", f"{_show(document['format'])} is not supported; this desk reads {FORMAT}")
    _unknown_keys(document, TOP_KEYS, top)
    _text(document.get("note"), top, "note", max_len=10_000, required=False)
    raw_procedures = document.get("procedures")
    if not isinstance(raw_procedures, list):
        top.fail("procedures", f"must be a list of procedures, not {_show(raw_procedures)}")
    procedures: list[Procedure] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(raw_procedures, start=1):
        procedure = procedure_from_dict(raw, f"{name} procedure {number}")
        earlier = seen.setdefault(procedure.code.casefold(), number)
        if earlier != number:
            _Where(f"{name} procedure {number} ({procedure.code})").fail(
                "code", f"{_show(procedure.code)} is already used by procedure {earlier}"
            )
        procedures.append(procedure)
    return procedures


def _parse_csv(text: str, name: str) -> list[Procedure]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        columns = _csv_header(header, name)
        rows: list[tuple[int, dict[str, str]]] = []
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # blank rows (Excel leaves some at the end)
            if len(cells) > len(columns):
                extra = cells[len(columns) :]
                if any(cell.strip() for cell in extra):
                    raise InvalidInput(
                        f"{name} line {start}: has {len(cells)} cells but the header has {len(columns)} columns"
                    )
            row = {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(columns)}
            rows.append((start, row))
    except csv.Error as exc:
        raise InvalidInput(f"{name} line {reader.line_num}: not valid CSV ({exc})") from None
    return _csv_procedures(rows, name)


def _csv_header(header: list[str], name: str) -> list[str]:
    columns = [clean(cell).lower() for cell in header]
    known = CSV_COLUMNS + CSV_OPTIONAL_COLUMNS
    for column in columns:
        if column not in known:
            guess = _close_match(column, known, n=1)
            hint = f' (did you mean "{guess[0]}"?)' if guess else ""
            raise InvalidInput(f"{name} line 1: unknown column {_show(column)}{hint}", field=column)
        if columns.count(column) > 1:
            raise InvalidInput(f"{name} line 1: column {_show(column)} appears twice", field=column)
    missing = [column for column in CSV_COLUMNS if column not in columns]
    if missing:
        raise InvalidInput(
            f"{name} line 1: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
            " (the first line must name the columns)",
            field=missing[0],
        )
    return columns


class _CsvProcedure:
    """A procedure being gathered from consecutive CSV rows."""

    def __init__(self, line: int, code: str, row: dict[str, str], name: str) -> None:
        self.line = line
        self.code = code
        self.first = row
        self.components: list[ComponentSpec] = []
        self.component_lines: dict[str, int] = {}
        self.fees: list[Fee] = []
        where = _Where(
            f"{name} line {line}",
            {"unit": "processing_unit", "value": "processing_value", "name": "procedure_name"},
        )
        self.name = _text(row.get("procedure_name"), where, "name", max_len=NAME_MAX, required=True)
        self.field = _text(row.get("field"), where, "field", max_len=FIELD_MAX, required=True)
        self.field_code = _field_code(row.get("field_code"), where, "field_code")
        self.processing = _processing(
            row.get("processing_unit"), row.get("processing_value"), where, from_text=True
        )
        self.result_name = _text(row.get("result_name"), where, "result_name", max_len=NAME_MAX, required=False)
        self.delivery = _delivery(row.get("delivery_options"), where, "delivery_options", from_text=True)

    def build(self) -> Procedure:
        return Procedure(
            code=self.code,
            name=self.name,
            field=self.field,
            processing=self.processing,
            components=tuple(self.components),
            fees=tuple(self.fees),
            field_code=self.field_code,
            result_name=self.result_name,
            delivery_options=self.delivery,
        )


_CSV_COMPONENT_NAMES = {"code": "component_code", "name": "component_name"}
_CSV_FEE_NAMES = {"name": "fee_name", "amount": "fee_amount", "code": "fee_code", "unit": "fee_unit"}


def _csv_procedures(rows: list[tuple[int, dict[str, str]]], name: str) -> list[Procedure]:
    done: dict[str, int] = {}  # code (casefolded) -> first line
    current: _CsvProcedure | None = None
    gathered: list[_CsvProcedure] = []
    for line, row in rows:
        where = _Where(f"{name} line {line}")
        code = ""
        if not _absent(row.get("procedure_code")):
            code = _procedure_code(row.get("procedure_code"), where, "procedure_code")
        if not code and current is None:
            where.fail("procedure_code", "is required on a procedure's first row")
        if code and (current is None or code.casefold() != current.code.casefold()):
            earlier = done.get(code.casefold())
            if earlier is not None:
                where.fail(
                    "procedure_code",
                    f"{_show(code)} is already used on line {earlier} (keep each procedure's rows together)",
                )
            current = _CsvProcedure(line, code, row, name)
            done[code.casefold()] = line
            gathered.append(current)
        else:
            _csv_same_procedure(current, row, where)
        assert current is not None
        has_component = any(not _absent(row.get(c)) for c in _CSV_COMPONENT_COLUMNS)
        has_fee = any(not _absent(row.get(c)) for c in _CSV_FEE_COLUMNS)
        if not has_component and not has_fee:
            where.fail("component_code", "the row has neither a component nor a fee")
        if has_component:
            raw = {
                "code": row.get("component_code"),
                "name": row.get("component_name"),
                "form": row.get("form"),
                "quantity": row.get("quantity"),
                "required": row.get("required"),
                "must_digitise": row.get("must_digitise"),
            }
            component = _component(raw, _Where(where.prefix, _CSV_COMPONENT_NAMES), from_text=True)
            earlier = current.component_lines.setdefault(component.code.casefold(), line)
            if earlier != line:
                where.fail("component_code", f"{_show(component.code)} is already used on line {earlier}")
            current.components.append(component)
        if has_fee:
            raw = {key: row.get(column) for key, column in _CSV_FEE_NAMES.items()}
            fee = _fee(raw, _Where(where.prefix, _CSV_FEE_NAMES), from_text=True)
            # a fee repeated on every row of its procedure is one fee
            if fee not in current.fees:
                current.fees.append(fee)
    procedures = []
    for procedure in gathered:
        if not procedure.components:
            raise InvalidInput(
                f"{name} line {procedure.line} ({procedure.code}): the procedure has no component rows",
                field="component_code",
            )
        procedures.append(procedure.build())
    return procedures


def _csv_same_procedure(current: _CsvProcedure | None, row: dict[str, str], where: _Where) -> None:
    """A continuation row leaves the procedure's columns empty or repeats its first row."""
    assert current is not None
    for column in _CSV_PROCEDURE_COLUMNS:
        value = row.get(column)
        if _absent(value):
            continue
        first = current.first.get(column)
        if _absent(first) or clean(value) != clean(first):
            where.fail(
                column,
                f"{_show(clean(value))} differs from line {current.line} of procedure {current.code}"
                " (leave it empty or repeat the same value)",
            )


# ---------------------------------------------------------------------------
# writing files


def catalog_to_json(procedures: Iterable[Procedure], note: str = "") -> str:
    """A JSON catalogue (UTF-8 text, no BOM) that ``load_catalog`` reads back unchanged."""
    document: dict = {"format": FORMAT}
    if note:
        document["note"] = note
    document["procedures"] = [procedure_to_dict(p) for p in procedures]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def catalog_to_csv(procedures: Iterable[Procedure]) -> str:
    """A CSV catalogue: one row per component, procedure columns repeated, fees on the first rows.

    A procedure with more fees than components gets fee-only rows.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS + CSV_OPTIONAL_COLUMNS)
    for p in procedures:
        head = {
            "procedure_code": p.code,
            "procedure_name": p.name,
            "field": p.field,
            "field_code": p.field_code,
            "processing_unit": p.processing.unit.value,
            "processing_value": "" if p.processing.unit is TimeUnit.SAME_DAY else str(p.processing.value),
            "result_name": p.result_name,
            "delivery_options": ";".join(p.delivery_options),
        }
        for i in range(max(len(p.components), len(p.fees))):
            row = dict(head)
            if i < len(p.components):
                c = p.components[i]
                row |= {
                    "component_code": c.code,
                    "component_name": c.name,
                    "form": c.form.value,
                    "quantity": str(c.quantity),
                    "required": "true" if c.required else "false",
                    "must_digitise": "true" if c.must_digitise else "false",
                }
            if i < len(p.fees):
                f = p.fees[i]
                row |= {"fee_name": f.name, "fee_amount": str(f.amount), "fee_code": f.code, "fee_unit": f.unit}
            writer.writerow([row.get(column, "") for column in CSV_COLUMNS + CSV_OPTIONAL_COLUMNS])
    return out.getvalue()


def write_catalog(procedures: Iterable[Procedure], path: str | Path) -> None:
    """Write a catalogue, JSON or CSV by the file's suffix (CSV with a BOM, for Excel)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(catalog_to_json(procedures), encoding="utf-8", newline="\n")
    elif suffix == ".csv":
        path.write_text(catalog_to_csv(procedures), encoding="utf-8-sig", newline="")
    else:
        raise InvalidInput(f"{path.name}: a catalogue must be a .json or .csv file")


def sample_catalog_path() -> Path:
    """The bundled sample catalogue (``desk/data/catalog.json``)."""
    from importlib import resources  # costs ~25 ms; only the demo and tests need it

    return Path(str(resources.files("desk") / "data" / "catalog.json"))


__all__ = [
    "CSV_COLUMNS",
    "CSV_OPTIONAL_COLUMNS",
    "FORMAT",
    "catalog_to_csv",
    "catalog_to_json",
    "load_catalog",
    "parse_catalog",
    "procedure_from_dict",
    "procedure_to_dict",
    "sample_catalog_path",
    "write_catalog",
]
