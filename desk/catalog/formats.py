"""The catalogue's files: a JSON or CSV file the desk imports (never code), and writes back.

``load_catalog`` reads a ``.json`` or ``.csv`` file (UTF-8, with or without a
BOM) and returns every procedure, or raises ``InvalidInput`` whose problem
names the file, the place (CSV line, or JSON procedure number and code) and
the field (see ``desk.catalog.values``). Nothing is returned from a catalogue
with a single fault: import is all or nothing. The formats are described field
by field in ``docs/catalogue.md``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

from desk.catalog.schema import (
    FIELD_MAX,
    NAME_MAX,
    NOTE_MAX,
    component,
    delivery_options,
    fee,
    procedure_from_dict,
    procedure_to_dict,
    processing_time,
    tariff,
    tariff_to_dict,
)
from desk.catalog.values import (
    Place,
    absent,
    flag,
    local_code,
    printable,
    procedure_code,
    refuse_unknown_keys,
    shown,
    text_value,
)
from desk.errors import InvalidInput, NotFound
from desk.models import ComponentSpec, Fee, Procedure, TimeUnit
from desk.text import clean, closest

FORMAT = "motcua-desk-catalog/1"
"""The ``format`` value of a JSON catalogue this desk reads and writes."""

MAX_FILE_BYTES = 16 * 1024 * 1024
"""A catalogue larger than this is refused before it is parsed."""

SUFFIXES = (".json", ".csv")
TOP_KEYS = ("format", "note", "procedures")

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

CSV_OPTIONAL_COLUMNS = ("fee_code", "fee_unit", "delivery_options", "fee_by_province", "immediate_result", "tariff")
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
    "fee_by_province",
    "immediate_result",
    "tariff",
)
_CSV_COMPONENT_COLUMNS = ("component_code", "component_name", "form", "quantity", "required", "must_digitise")
_CSV_FEE_COLUMNS = ("fee_name", "fee_amount", "fee_code", "fee_unit")
_CSV_COMPONENT_NAMES = {"code": "component_code", "name": "component_name"}
_CSV_FEE_NAMES = {"name": "fee_name", "amount": "fee_amount", "code": "fee_code", "unit": "fee_unit"}


# ---------------------------------------------------------------------------
# reading files


def load_catalog(path: str | Path) -> list[Procedure]:
    """Every procedure of a ``.json`` or ``.csv`` catalogue, checked; all or nothing.

    Raises ``NotFound`` (``catalog.no_file``) when the file is missing, else
    ``InvalidInput`` naming the file, the line or procedure, and the field.
    """
    path = Path(path)
    name = path.name
    if path.suffix.lower() not in SUFFIXES:
        raise InvalidInput("catalog.suffix", file=name)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise NotFound("catalog.not_found", field="file", file=name, path=str(path)) from None
    except IsADirectoryError:
        raise InvalidInput("catalog.is_folder", field="file", file=name) from None
    except OSError as exc:
        raise InvalidInput("catalog.unreadable", field="file", file=name, detail=exc.strerror or str(exc)) from None
    return parse_catalog(data, name)


def parse_catalog(data: bytes, name: str) -> list[Procedure]:
    """Every procedure of a catalogue given as bytes; ``name``'s suffix picks the format."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput("catalog.suffix", file=name)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("catalog.too_big", file=name, max_mb=MAX_FILE_BYTES // (1024 * 1024))
    text = _decode(data, name)
    procedures = _parse_json(text, name) if suffix == ".json" else _parse_csv(text, name)
    if not procedures:
        raise InvalidInput("catalog.no_procedures", file=name)
    return procedures


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise InvalidInput("catalog.empty", file=name)
    if b"\x00" in data:
        raise InvalidInput("catalog.binary", file=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidInput("catalog.not_utf8", file=name, line=line) from None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {}
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
        raise InvalidInput(
            "catalog.json_invalid", file=name, line=exc.lineno, column=exc.colno, detail=exc.msg
        ) from None
    except _DuplicateKey as exc:
        raise InvalidInput(
            "catalog.json_duplicate_key", field=printable(exc.key), file=name, key=shown(exc.key)
        ) from None
    except (ValueError, RecursionError) as exc:
        # NaN/Infinity, numbers too long to convert, nesting too deep
        raise InvalidInput("catalog.json_unusable", file=name, detail=str(exc)[:120]) from None
    top = Place({"file": name})
    if not isinstance(document, dict):
        top.fail(None, "catalog.json_not_object", value=shown(document))
    if "format" not in document:
        top.fail("format", "catalog.not_a_catalogue", format=FORMAT)
    if document["format"] != FORMAT:
        top.fail("format", "catalog.unsupported_format", value=shown(document["format"]), supported=FORMAT)
    refuse_unknown_keys(document, TOP_KEYS, top)
    text_value(document.get("note"), top, "note", max_len=NOTE_MAX, required=False)
    raw_procedures = document.get("procedures")
    if not isinstance(raw_procedures, list):
        top.fail("procedures", "catalog.not_procedure_list", value=shown(raw_procedures))
    procedures: list[Procedure] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(raw_procedures, start=1):
        procedure = procedure_from_dict(raw, file=name, number=number)
        earlier = seen.setdefault(procedure.code.casefold(), number)
        if earlier != number:
            at = top.also(procedure=number, procedure_code=procedure.code)
            at.fail("code", "catalog.duplicate_procedure", value=shown(procedure.code), earlier=earlier)
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
            if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
                raise InvalidInput("catalog.csv_cells", file=name, line=start, cells=len(cells), columns=len(columns))
            row = {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(columns)}
            rows.append((start, row))
    except csv.Error as exc:
        raise InvalidInput("catalog.csv_invalid", file=name, line=reader.line_num, detail=str(exc)) from None
    return _csv_procedures(rows, name)


def _csv_header(header: list[str], name: str) -> list[str]:
    columns = [clean(cell).lower() for cell in header]
    known = CSV_COLUMNS + CSV_OPTIONAL_COLUMNS
    for column in columns:
        if column not in known:
            did_you_mean = closest(column, known)
            raise InvalidInput(
                "catalog.csv_unknown_column",
                field=column,
                file=name,
                line=1,
                value=shown(column),
                did_you_mean=did_you_mean,
            )
        if columns.count(column) > 1:
            raise InvalidInput("catalog.csv_column_twice", field=column, file=name, line=1, value=shown(column))
    missing = [column for column in CSV_COLUMNS if column not in columns]
    if missing:
        raise InvalidInput("catalog.csv_missing_columns", field=missing[0], file=name, line=1, columns=tuple(missing))
    return columns


class _CsvProcedure:
    """A procedure being gathered from consecutive CSV rows."""

    def __init__(self, line: int, code: str, row: dict[str, str], place: Place) -> None:
        self.line = line
        self.code = code
        self.first = row
        self.components: list[ComponentSpec] = []
        self.component_lines: dict[str, int] = {}
        self.fees: list[Fee] = []
        where = place.named({"unit": "processing_unit", "value": "processing_value", "name": "procedure_name"})
        self.name = text_value(row.get("procedure_name"), where, "name", max_len=NAME_MAX, required=True)
        self.field = text_value(row.get("field"), where, "field", max_len=FIELD_MAX, required=True)
        self.field_code = local_code(row.get("field_code"), where, "field_code", required=False)
        self.processing = processing_time(
            row.get("processing_unit"), row.get("processing_value"), where, from_text=True
        )
        self.result_name = text_value(row.get("result_name"), where, "result_name", max_len=NAME_MAX, required=False)
        self.delivery = delivery_options(row.get("delivery_options"), where, "delivery_options", from_text=True)
        self.fee_by_province = flag(row.get("fee_by_province"), where, "fee_by_province", default=False, from_text=True)
        self.immediate_result = flag(
            row.get("immediate_result"), where, "immediate_result", default=False, from_text=True
        )
        self.tariff = tariff(row.get("tariff"), where, from_text=True)

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
            fee_by_province=self.fee_by_province,
            immediate_result=self.immediate_result,
            tariff=self.tariff,
        )


def _csv_procedures(rows: list[tuple[int, dict[str, str]]], name: str) -> list[Procedure]:
    done: dict[str, int] = {}  # code (casefolded) -> first line
    current: _CsvProcedure | None = None
    gathered: list[_CsvProcedure] = []
    for line, row in rows:
        place = Place({"file": name, "line": line})
        code = ""
        if not absent(row.get("procedure_code")):
            code = procedure_code(row.get("procedure_code"), place, "procedure_code")
        if not code and current is None:
            place.fail("procedure_code", "catalog.required_first_row")
        if code and (current is None or code.casefold() != current.code.casefold()):
            earlier = done.get(code.casefold())
            if earlier is not None:
                place.fail("procedure_code", "catalog.csv_rows_apart", value=shown(code), earlier=earlier)
            current = _CsvProcedure(line, code, row, place)
            done[code.casefold()] = line
            gathered.append(current)
        else:
            _csv_same_procedure(current, row, place)
        assert current is not None
        has_component = any(not absent(row.get(c)) for c in _CSV_COMPONENT_COLUMNS)
        has_fee = any(not absent(row.get(c)) for c in _CSV_FEE_COLUMNS)
        if not has_component and not has_fee:
            place.fail("component_code", "catalog.csv_empty_row")
        if has_component:
            raw = {
                "code": row.get("component_code"),
                "name": row.get("component_name"),
                "form": row.get("form"),
                "quantity": row.get("quantity"),
                "required": row.get("required"),
                "must_digitise": row.get("must_digitise"),
            }
            spec = component(raw, place.named(_CSV_COMPONENT_NAMES), from_text=True)
            earlier = current.component_lines.setdefault(spec.code.casefold(), line)
            if earlier != line:
                place.fail("component_code", "catalog.duplicate_on_line", value=shown(spec.code), earlier=earlier)
            current.components.append(spec)
        if has_fee:
            raw = {key: row.get(column) for key, column in _CSV_FEE_NAMES.items()}
            charge = fee(raw, place.named(_CSV_FEE_NAMES), from_text=True)
            # a fee repeated on every row of its procedure is one fee
            if charge not in current.fees:
                current.fees.append(charge)
    procedures = []
    for procedure in gathered:
        if not procedure.components:
            at = Place({"file": name, "line": procedure.line, "procedure_code": procedure.code})
            at.fail(None, "catalog.csv_no_components")
        procedures.append(procedure.build())
    return procedures


def _csv_same_procedure(current: _CsvProcedure | None, row: dict[str, str], place: Place) -> None:
    """A continuation row leaves the procedure's columns empty or repeats its first row."""
    assert current is not None
    for column in _CSV_PROCEDURE_COLUMNS:
        value = row.get(column, "")
        if absent(value):
            continue
        first = current.first.get(column, "")
        if absent(first) or clean(value) != clean(first):
            place.fail(
                column,
                "catalog.csv_differs",
                value=shown(clean(value)),
                first_line=current.line,
                first_procedure=current.code,
            )


# ---------------------------------------------------------------------------
# writing files


def catalog_to_json(procedures: Iterable[Procedure], note: str = "") -> str:
    """A JSON catalogue (UTF-8 text, no BOM) that ``load_catalog`` reads back unchanged."""
    document: dict[str, Any] = {"format": FORMAT}
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
            "fee_by_province": "true" if p.fee_by_province else "",
            "immediate_result": "true" if p.immediate_result else "",
            "tariff": json.dumps(tariff_to_dict(p.tariff), ensure_ascii=False) if p.tariff is not None else "",
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
        raise InvalidInput("catalog.suffix", file=path.name)


def sample_catalog_path() -> Path:
    """The bundled sample catalogue (``desk/data/catalog.json``, package data beside this package)."""
    return Path(__file__).resolve().parent.parent / "data" / "catalog.json"
