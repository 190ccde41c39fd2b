"""The procedure catalogue: the bundled sample, both formats, and every refusal."""

from __future__ import annotations

import copy
import csv
import io
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk.catalog.formats import (
    CSV_COLUMNS,
    CSV_OPTIONAL_COLUMNS,
    FORMAT,
    catalog_to_csv,
    catalog_to_json,
    load_catalog,
    parse_catalog,
    sample_catalog_path,
    write_catalog,
)
from desk.catalog.schema import procedure_from_dict, procedure_to_dict
from desk.cli.wording import ENGLISH, describe
from desk.errors import DeskError, InvalidInput, NotFound
from desk.models import ComponentSpec, Fee, Form, Procedure, ProcessingTime, TimeUnit

DOMAIN_CODES = {
    "1.001193",
    "1.000894",
    "1.000656",
    "1.004873",
    "2.000635",
    "2.000815",
    "2.000884",
    "1.001776",
}


# ---------------------------------------------------------------------------
# the words of catalog.* problems are the CLI's (desk.cli.wording): the English the messages had
# before they became problems. Every refusal below is checked through them, so each problem carries
# all a formatter needs.


def words(error: DeskError) -> str:
    """The English of a catalogue problem: its place, the field, what is wrong."""
    problem = error.problem
    assert problem.code in ENGLISH, problem.code
    shown = problem.params.get("value")
    assert shown is None or (isinstance(shown, str) and shown.isprintable())  # a JSON-like literal
    return describe(problem)


def sample() -> dict[str, Procedure]:
    return {p.code: p for p in load_catalog(sample_catalog_path())}


def nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


# ---------------------------------------------------------------------------
# the bundled sample


def test_sample_has_every_domain_procedure_with_components():
    procedures = load_catalog(sample_catalog_path())
    assert {p.code for p in procedures} == DOMAIN_CODES
    assert len(procedures) == 8
    for p in procedures:
        assert p.components, p.code
        assert any(c.required for c in p.components), p.code
        assert p.result_name and p.field and p.name
        assert set(p.delivery_options) <= {"counter", "post"}


def test_sample_path_is_the_bundled_json():
    path = sample_catalog_path()
    assert isinstance(path, Path)
    assert path.name == "catalog.json" and path.is_file()


def test_sample_text_is_nfc_with_diacritics():
    raw = sample_catalog_path().read_text(encoding="utf-8")
    assert nfc(raw)
    procedures = sample()
    assert procedures["1.001193"].name == "Đăng ký khai sinh"
    assert procedures["1.004873"].name == "Cấp Giấy xác nhận tình trạng hôn nhân"
    assert procedures["1.001776"].name == "Trợ cấp xã hội hằng tháng"
    for p in procedures.values():
        for text in (p.name, p.field, p.result_name, *(c.name for c in p.components), *(f.name for f in p.fees)):
            assert nfc(text)


def test_sample_times_and_fees():
    procedures = sample()
    for code in ("1.001193", "1.000894", "1.000656", "2.000635", "2.000815", "2.000884"):
        assert procedures[code].processing == ProcessingTime(TimeUnit.SAME_DAY, 0), code
    assert procedures["1.004873"].processing == ProcessingTime(TimeUnit.WORKING_DAYS, 3)
    assert procedures["1.001776"].processing == ProcessingTime(TimeUnit.WORKING_DAYS, 10)
    assert procedures["1.001193"].fees == ()
    (copy_fee,) = procedures["2.000635"].fees
    assert (copy_fee.amount, copy_fee.unit) == (8000, "bản")
    first, later = procedures["2.000815"].fees
    assert (first.amount, first.unit, later.amount, later.unit) == (2000, "trang", 1000, "trang")
    assert "200.000" in first.name and "200.000" in later.name


def test_sample_birth_registration_components():
    birth = sample()["1.001193"]
    by_code = {c.code: c for c in birth.components}
    assert by_code["to_khai"].form is Form.ORIGINAL and by_code["to_khai"].required
    assert by_code["giay_chung_sinh"].must_digitise
    assert "VNeID" in by_code["giay_to_tuy_than"].name


def test_csv_sample_matches_the_json_sample():
    procedures = sample()
    from_csv = load_catalog(sample_catalog_path().with_name("catalog-sample.csv"))
    assert 2 <= len(from_csv) <= 3
    for p in from_csv:
        assert p == procedures[p.code]


# ---------------------------------------------------------------------------
# round trips


def test_procedure_dict_round_trip():
    for p in sample().values():
        d = procedure_to_dict(p)
        assert procedure_from_dict(json.loads(json.dumps(d))) == p
        assert list(d) == [
            "code",
            "name",
            "field",
            "field_code",
            "processing",
            "fees",
            "components",
            "result_name",
            "delivery_options",
            "fee_by_province",
            "immediate_result",
            "tariff",
        ]


def test_json_round_trip(tmp_path):
    procedures = load_catalog(sample_catalog_path())
    path = tmp_path / "copy.json"
    write_catalog(procedures, path)
    assert load_catalog(path) == procedures
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == FORMAT


MANY_FEES = Procedure(
    code="2.000815.000.00.00.H55",
    name="Thủ tục thử có nhiều phí",
    field="Chứng thực",
    processing=ProcessingTime(TimeUnit.WORKING_HOURS, 4),
    components=(ComponentSpec("a", "Giấy tờ A", Form.CERTIFIED_COPY, 3, False, True),),
    fees=(Fee("Phí một", 1000, "P1", "trang"), Fee("Phí hai", 0), Fee("Lệ phí ba", 200000, "", "bản")),
    field_code="G09-TP-01",
    result_name="",
    delivery_options=("post",),
)


def test_csv_round_trip(tmp_path):
    procedures = [*load_catalog(sample_catalog_path()), MANY_FEES]
    path = tmp_path / "copy.csv"
    write_catalog(procedures, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    assert load_catalog(path) == procedures


def test_csv_text_round_trip_has_fee_only_rows():
    text = catalog_to_csv([MANY_FEES])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    assert rows[1]["component_code"] == "" and rows[1]["fee_name"] == "Phí hai"
    assert parse_catalog(text.encode(), "x.csv") == [MANY_FEES]


def test_json_text_round_trip_with_note():
    text = catalog_to_json([MANY_FEES], note="ghi chú")
    assert parse_catalog(text.encode(), "x.json") == [MANY_FEES]


# ---------------------------------------------------------------------------
# JSON: accepted variations


def proc(**changes) -> dict:
    d = {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "processing": {"unit": "same_day"},
        "components": [
            {"code": "to_khai", "name": "Tờ khai", "form": "ban_chinh"},
            {"code": "chung_sinh", "name": "Giấy chứng sinh", "form": "ban_chinh", "must_digitise": True},
        ],
    }
    d.update(changes)
    return d


def doc(*procedures: dict, **top) -> dict:
    d = {"format": FORMAT, "procedures": list(procedures) or [proc()]}
    d.update(top)
    return d


def load_json(tmp_path, document, name="catalog.json", bom=False) -> list[Procedure]:
    data = (json.dumps(document, ensure_ascii=False) if not isinstance(document, str) else document).encode()
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return load_catalog(path)


def refused(tmp_path, document, name="catalog.json") -> str:
    with pytest.raises(InvalidInput) as info:
        if isinstance(document, bytes):
            (tmp_path / name).write_bytes(document)
            load_catalog(tmp_path / name)
        else:
            load_json(tmp_path, document, name)
    return words(info.value)


def test_minimal_json_takes_defaults(tmp_path):
    (p,) = load_json(tmp_path, doc(), bom=True)
    assert p.processing == ProcessingTime(TimeUnit.SAME_DAY, 0)
    assert p.fees == () and p.field_code == "" and p.result_name == ""
    assert p.delivery_options == ("counter",)
    assert p.components[0] == ComponentSpec("to_khai", "Tờ khai", Form.ORIGINAL, 1, True, False)
    assert p.components[1].must_digitise


def test_json_text_is_normalised_to_nfc(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    assert not nfc(decomposed)
    (p,) = load_json(tmp_path, doc(proc(name=f"  {decomposed}\x1b[31m ")))
    assert p.name == "Đăng ký khai sinh"


def test_vietnamese_form_label_is_accepted(tmp_path):
    components = [{"code": "a", "name": "A", "form": "Bản sao chứng thực"}]
    (p,) = load_json(tmp_path, doc(proc(components=components)))
    assert p.components[0].form is Form.CERTIFIED_COPY


def test_local_portal_code_is_accepted(tmp_path):
    (p,) = load_json(tmp_path, doc(proc(code="2.000815.000.00.00.H55")))
    assert p.code == "2.000815.000.00.00.H55"


# ---------------------------------------------------------------------------
# JSON: every refusal names the file, the procedure and the field


def with_component(**changes) -> dict:
    component = {"code": "to_khai", "name": "Tờ khai", "form": "ban_chinh"}
    component.update(changes)
    return proc(components=[component])


JSON_REFUSALS = [
    (doc(proc(name=None)), 'catalog.json procedure 1 (1.001193), field "name": is required'),
    (doc(proc(name="   ")), 'catalog.json procedure 1 (1.001193), field "name": is required'),
    (doc(proc(field="")), 'procedure 1 (1.001193), field "field": is required'),
    (doc({"name": "x"}), 'catalog.json procedure 1, field "code": is required'),
    (doc(proc(code=1001193)), 'field "code": must be text, not 1001193'),
    (doc(proc(code="1.001 193")), 'field "code": "1.001 193" is not a valid code'),
    (doc(proc(code="1..001193")), 'field "code": "1..001193" is not a valid code'),
    (doc(proc(code="1." + "0" * 60)), 'field "code": "1.000000000'),
    (doc(proc(code="1." + "0" * 60)), "at most 60"),
    (doc(proc(name="x" * 501)), 'field "name": is too long: 501 characters, at most 500'),
    (
        doc(with_component(form="ban_goc")),
        'procedure 1 (1.001193), component 1 (to_khai), field "form": "ban_goc" is not one of ban_chinh, ban_sao,',
    ),
    (doc(with_component(form=None)), 'component 1 (to_khai), field "form": is required'),
    (doc(with_component(quantity=0)), 'component 1 (to_khai), field "quantity": 0 is not a whole number ≥ 1'),
    (doc(with_component(quantity=-3)), 'field "quantity": -3 is not a whole number ≥ 1'),
    (doc(with_component(quantity=1.5)), 'field "quantity": 1.5 is not a whole number ≥ 1'),
    (doc(with_component(quantity="2")), 'field "quantity": "2" is not a whole number ≥ 1 (write it without quotes)'),
    (doc(with_component(quantity=True)), 'field "quantity": true is not a whole number'),
    (doc(with_component(quantity=1000)), 'field "quantity": 1000 is too large (at most 99)'),
    (doc(with_component(required="yes")), 'field "required": "yes" is not true or false'),
    (doc(with_component(code="tờ khai")), 'component 1, field "code": "tờ khai" is not a valid code'),
    (doc(with_component(name="")), 'component 1 (to_khai), field "name": is required'),
    (doc(with_component(quantiy=2)), 'component 1 (to_khai), field "quantiy": unknown key (did you mean "quantity"?)'),
    (doc(proc(feez=[])), 'procedure 1 (1.001193), field "feez": unknown key (did you mean "fees"?)'),
    (doc(proc(processing={"unit": "days", "value": 3})), 'field "processing.unit": "days" is not one of working_days'),
    (doc(proc(processing={"unit": "working_days"})), 'field "processing.value": is required'),
    (
        doc(proc(processing={"unit": "working_days", "value": 0})),
        'field "processing.value": 0 is not a whole number ≥ 1',
    ),
    (doc(proc(processing={"unit": "same_day", "value": 2})), 'field "processing.value": 2 is too large (at most 0)'),
    (
        doc(proc(processing={"unit": "working_days", "value": 3, "cutoff": "15:00"})),
        'field "processing.cutoff": unknown key',
    ),
    (doc(proc(processing=None)), 'field "processing": is required'),
    (doc(proc(processing="same_day")), 'field "processing": must be an object'),
    (doc(proc(components=[])), 'field "components": must list at least one component'),
    (doc(proc(components=None)), 'field "components": is required'),
    (doc(proc(components={"a": 1})), 'field "components": must be a list, not an object'),
    (doc(proc(components=["to_khai"])), 'field "components": component 1 must be an object'),
    (
        doc(
            proc(
                components=[
                    {"code": "a", "name": "A", "form": "ban_sao"},
                    {"code": "A", "name": "B", "form": "ban_sao"},
                ]
            )
        ),
        'component 2 (A), field "code": "A" is already used by component 1',
    ),
    (doc(proc(fees=[{"name": "Phí", "amount": -1}])), 'fee 1, field "amount": -1 is not an amount in đồng ≥ 0'),
    (doc(proc(fees=[{"name": "Phí", "amount": 2000.5}])), 'fee 1, field "amount": 2000.5 is not an amount in đồng ≥ 0'),
    (doc(proc(fees=[{"name": "Phí", "amount": "8.000"}])), 'fee 1, field "amount": "8.000" is not an amount'),
    (doc(proc(fees=[{"name": "Phí"}])), 'fee 1, field "amount": is required'),
    (doc(proc(fees=[{"amount": 1}])), 'fee 1, field "name": is required'),
    (doc(proc(fees=[{"name": "Phí", "amount": 1, "price": 2}])), 'fee 1, field "price": unknown key'),
    (doc(proc(delivery_options=["counter", "email"])), 'field "delivery_options": "email" is not one of counter, post'),
    (doc(proc(delivery_options=[])), 'field "delivery_options": must name at least one of counter, post'),
    (doc(proc(delivery_options="counter")), 'field "delivery_options": must be a list'),
    (
        doc(proc(), proc()),
        'catalog.json procedure 2 (1.001193), field "code": "1.001193" is already used by procedure 1',
    ),
    (doc(proc(), proc(code="1.001193".upper())), "is already used by procedure 1"),
    (doc(proc(), "x"), "catalog.json procedure 2: must be an object"),
    (
        {"format": "motcua-desk-catalog/2", "procedures": []},
        'catalog.json, field "format": "motcua-desk-catalog/2" is not supported; this desk reads motcua-desk-catalog/1',
    ),
    ({"procedures": [proc()]}, 'catalog.json: not a motcua-desk catalogue (no "format"'),
    (doc(extra=1), 'catalog.json, field "extra": unknown key'),
    (doc(procedures={}), 'catalog.json, field "procedures": must be a list of procedures'),
    ({"format": FORMAT, "procedures": []}, "catalog.json: lists no procedures"),
    ([proc()], "catalog.json: must be a JSON object"),
]


@pytest.mark.parametrize(("document", "expected"), JSON_REFUSALS)
def test_json_refusals(tmp_path, document, expected):
    message = refused(tmp_path, document)
    assert expected in message
    assert message.isprintable()


def test_refusal_names_a_later_procedure_and_stops_everything(tmp_path):
    document = doc(proc(), proc(code="1.000894"), proc(code="1.000656", components=[{"code": "a", "name": "A"}]))
    message = refused(tmp_path, document)
    assert message.startswith('catalog.json procedure 3 (1.000656), component 1 (a), field "form": is required')


def test_refusal_carries_the_field():
    with pytest.raises(InvalidInput) as info:
        procedure_from_dict(with_component(quantity=0))
    assert info.value.field == "quantity"
    assert info.value.problem.code == "catalog.not_whole"
    assert words(info.value).startswith('stored procedure (1.001193), component 1 (to_khai), field "quantity"')


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "catalog.json: the file is empty"),
        (b"  \n\t ", "catalog.json: the file is empty"),
        (b"\xef\xbb\xbf", "catalog.json: the file is empty"),
        (b'{"format": "motcua-desk-catalog/1",\n "procedures": [}', "catalog.json line 2: not valid JSON"),
        (b"procedures: []", "catalog.json line 1: not valid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "catalog.json: is a binary file, not a catalogue"),
        (b'{"format": "motcua-desk-catalog/1",\n"note": "\xff\xfe"}', "catalog.json line 2: is not UTF-8 text"),
        (b'{"format": "motcua-desk-catalog/1", "format": "x"}', 'catalog.json: key "format" appears twice'),
        (b'{"format": "motcua-desk-catalog/1", "procedures": NaN}', "catalog.json: not a usable JSON document"),
        (b"[" * 100_000 + b"]" * 100_000, "catalog.json"),
        (b'{"format": "motcua-desk-catalog/1", "procedures": [' + b"9" * 5000 + b"]}", "catalog.json"),
    ],
)
def test_json_file_level_refusals(tmp_path, data, expected):
    assert expected in refused(tmp_path, data)


def test_unknown_suffix_and_missing_file(tmp_path):
    (tmp_path / "catalog.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(InvalidInput) as info:
        load_catalog(tmp_path / "catalog.xlsx")
    assert words(info.value) == "catalog.xlsx: a catalogue must be a .json or .csv file"
    with pytest.raises(NotFound) as missing:
        load_catalog(tmp_path / "nowhere.json")
    assert words(missing.value) == f"nowhere.json: no such file ({tmp_path / 'nowhere.json'})"
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(InvalidInput) as folder:
        load_catalog(tmp_path / "folder.json")
    assert words(folder.value) == "folder.json: is a folder, not a catalogue file"


# ---------------------------------------------------------------------------
# CSV

HEADER = list(CSV_COLUMNS)


def csv_text(rows: list[dict], header: list[str] = HEADER, delimiter: str = ",") -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue()


def first_row(**changes) -> dict:
    row = {
        "procedure_code": "1.001193",
        "procedure_name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "processing_unit": "same_day",
        "result_name": "Giấy khai sinh",
        "component_code": "to_khai",
        "component_name": "Tờ khai",
        "form": "ban_chinh",
        "quantity": "1",
        "required": "true",
        "must_digitise": "false",
    }
    row.update(changes)
    return row


def next_row(**changes) -> dict:
    row = {"component_code": "chung_sinh", "component_name": "Giấy chứng sinh", "form": "ban_chinh"}
    row.update(changes)
    return row


def load_csv(tmp_path, text: str, bom: bool = True) -> list[Procedure]:
    path = tmp_path / "catalog.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return load_catalog(path)


def csv_refused(tmp_path, text: str) -> str:
    with pytest.raises(InvalidInput) as info:
        load_csv(tmp_path, text)
    return words(info.value)


def test_csv_continuation_rows_empty_or_repeated(tmp_path):
    rows = [
        first_row(fee_name="Phí", fee_amount="8.000 đ"),
        next_row(must_digitise="có", quantity="", required=""),
        first_row(
            component_code="uy_quyen",
            component_name="Văn bản ủy quyền",
            form="Bản sao",
            required="không",
            fee_name="Phí",
            fee_amount="8000",
        ),
        {},  # a blank row, as Excel leaves them
        first_row(
            procedure_code="1.000656",
            procedure_name="Đăng ký khai tử",
            processing_unit="working_days",
            processing_value="3",
        ),
    ]
    birth, death = load_csv(tmp_path, csv_text(rows), bom=False)
    assert [c.code for c in birth.components] == ["to_khai", "chung_sinh", "uy_quyen"]
    assert birth.components[1] == ComponentSpec("chung_sinh", "Giấy chứng sinh", Form.ORIGINAL, 1, True, True)
    assert birth.components[2].form is Form.COPY and not birth.components[2].required
    assert birth.fees == (Fee("Phí", 8000),)  # a fee repeated on every row is one fee
    assert death.processing == ProcessingTime(TimeUnit.WORKING_DAYS, 3)


def test_csv_semicolon_delimiter_and_optional_columns(tmp_path):
    header = HEADER + list(CSV_OPTIONAL_COLUMNS)
    rows = [
        first_row(
            fee_name="Phí", fee_amount="1.000", fee_unit="trang", fee_code="P-1", delivery_options="counter, post"
        )
    ]
    (p,) = load_csv(tmp_path, csv_text(rows, header, delimiter=";"))
    assert p.fees == (Fee("Phí", 1000, "P-1", "trang"),)
    assert p.delivery_options == ("counter", "post")


def test_csv_message_names_file_line_and_field(tmp_path):
    rows = [
        first_row(),
        next_row(),
        next_row(component_code="c3"),
        next_row(component_code="c4"),
        next_row(component_code="c5"),
        next_row(component_code="c6", quantity="hai"),
    ]
    message = csv_refused(tmp_path, csv_text(rows))
    assert message == 'catalog.csv line 7, field "quantity": "hai" is not a whole number ≥ 1'


CSV_REFUSALS = [
    ([first_row(quantity="0")], 'catalog.csv line 2, field "quantity": "0" is not a whole number ≥ 1'),
    ([first_row(quantity="1.5")], 'line 2, field "quantity": "1.5" is not a whole number ≥ 1'),
    ([first_row(form="ban goc")], 'catalog.csv line 2, field "form": "ban goc" is not one of ban_chinh'),
    ([first_row(form="")], 'line 2, field "form": is required'),
    ([first_row(required="maybe")], 'line 2, field "required": "maybe" is not true or false'),
    ([first_row(processing_unit="ngày")], 'line 2, field "processing_unit": "ngày" is not one of working_days'),
    ([first_row(processing_unit="working_hours")], 'line 2, field "processing_value": is required'),
    (
        [first_row(processing_unit="working_days", processing_value="ba")],
        'line 2, field "processing_value": "ba" is not a whole number ≥ 1',
    ),
    ([first_row(procedure_name="")], 'catalog.csv line 2, field "procedure_name": is required'),
    ([first_row(field="")], 'line 2, field "field": is required'),
    (
        [first_row(procedure_code="")],
        'catalog.csv line 2, field "procedure_code": is required on a procedure\'s first row',
    ),
    ([first_row(procedure_code="1.001193/2")], 'line 2, field "procedure_code": "1.001193/2" is not a valid code'),
    ([first_row(component_code="tờ khai")], 'line 2, field "component_code": "tờ khai" is not a valid code'),
    ([first_row(component_code="")], 'line 2, field "component_code": is required'),
    ([first_row(component_name="x" * 501)], 'line 2, field "component_name": is too long: 501 characters'),
    (
        [first_row(), next_row(component_code="TO_KHAI")],
        'catalog.csv line 3, field "component_code": "TO_KHAI" is already used on line 2',
    ),
    (
        [first_row(), first_row(procedure_code="1.000656", procedure_name="Khai tử"), first_row()],
        'catalog.csv line 4, field "procedure_code": "1.001193" is already used on line 2',
    ),
    (
        [first_row(), next_row(procedure_name="Khai sinh")],
        'line 3, field "procedure_name": "Khai sinh" differs from line 2 of procedure 1.001193',
    ),
    (
        [first_row(), next_row(processing_unit="working_days")],
        'line 3, field "processing_unit": "working_days" differs from line 2',
    ),
    (
        [first_row(fee_name="Phí", fee_amount="tám nghìn")],
        'line 2, field "fee_amount": "tám nghìn" is not an amount in đồng ≥ 0',
    ),
    ([first_row(fee_name="Phí", fee_amount="-5")], 'line 2, field "fee_amount": "-5" is not an amount in đồng ≥ 0'),
    ([first_row(fee_name="Phí", fee_amount="8.5")], 'line 2, field "fee_amount": "8.5" is not an amount'),
    ([first_row(fee_name="Phí")], 'line 2, field "fee_amount": is required'),
    ([first_row(fee_amount="1000")], 'line 2, field "fee_name": is required'),
    (
        [first_row(), {"procedure_code": "1.001193"}],
        'catalog.csv line 3, field "component_code": the row has neither a component nor a fee',
    ),
    (
        [
            first_row(),
            {
                "procedure_code": "1.000656",
                "procedure_name": "Khai tử",
                "field": "Hộ tịch",
                "processing_unit": "same_day",
                "fee_name": "Phí",
                "fee_amount": "0",
            },
        ],
        "catalog.csv line 3 (1.000656): the procedure has no component rows",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), CSV_REFUSALS)
def test_csv_refusals(tmp_path, rows, expected):
    message = csv_refused(tmp_path, csv_text(rows))
    assert expected in message
    assert message.isprintable()


def test_csv_header_refusals(tmp_path):
    typo = [("quantiy" if column == "quantity" else column) for column in HEADER]
    assert 'catalog.csv line 1: unknown column "quantiy" (did you mean "quantity"?)' in csv_refused(
        tmp_path, csv_text([first_row()], typo)
    )
    short = [column for column in HEADER if column != "must_digitise"]
    assert "catalog.csv line 1: missing column must_digitise" in csv_refused(tmp_path, csv_text([first_row()], short))
    twice = [*HEADER, "form"]
    assert 'catalog.csv line 1: column "form" appears twice' in csv_refused(tmp_path, csv_text([first_row()], twice))
    assert "catalog.csv: lists no procedures" in csv_refused(tmp_path, csv_text([]))


def test_csv_structure_refusals(tmp_path):
    text = csv_text([first_row()]) + ",".join(["x"] * (len(HEADER) + 2)) + "\r\n"
    assert "catalog.csv line 3: has 17 cells but the header has 15 columns" in csv_refused(tmp_path, text)
    text = csv_text([first_row()]) + '1.000656,"unterminated'
    assert "not valid CSV" in csv_refused(tmp_path, text)
    path = tmp_path / "bin.csv"
    for data, expected in [
        (b"procedure_code\x00\x01\x02", "bin.csv: is a binary file"),
        (",".join(HEADER).encode() + b"\r\n1.001193,\xc0\xaf", "bin.csv line 2: is not UTF-8 text"),
        (b"", "bin.csv: the file is empty"),
    ]:
        path.write_bytes(data)
        with pytest.raises(InvalidInput) as info:
            load_catalog(path)
        assert words(info.value).startswith(expected)


# ---------------------------------------------------------------------------
# hostile input never escapes as anything but InvalidInput


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".json", ".csv"]))
def test_arbitrary_bytes_only_raise_invalid_input(data, suffix):
    try:
        parse_catalog(data, "catalog" + suffix)
    except InvalidInput as exc:
        assert words(exc).startswith("catalog" + suffix)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400))
def test_arbitrary_csv_rows_only_raise_invalid_input(text):
    data = (",".join(HEADER) + "\r\n" + text).encode("utf-8", "surrogatepass")
    try:
        parse_catalog(data, "catalog.csv")
    except InvalidInput as exc:
        assert words(exc).startswith("catalog.csv")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    path=st.sampled_from(
        [
            ("code",),
            ("name",),
            ("field",),
            ("field_code",),
            ("processing",),
            ("processing", "unit"),
            ("processing", "value"),
            ("fees",),
            ("components",),
            ("components", 0),
            ("components", 0, "form"),
            ("components", 0, "quantity"),
            ("components", 0, "required"),
            ("components", 0, "code"),
            ("result_name",),
            ("delivery_options",),
        ]
    ),
    value=JSON_VALUES,
)
def test_any_value_in_any_field_only_raises_invalid_input(path, value):
    document = copy.deepcopy(doc(proc()))
    target = document["procedures"][0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    data = json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
    try:
        procedures = parse_catalog(data, "catalog.json")
    except InvalidInput as exc:
        assert words(exc).startswith("catalog.json") and words(exc).isprintable()
    else:
        assert procedures == [procedure_from_dict(procedure_to_dict(procedures[0]))]


def test_csv_huge_number_is_refused_not_crashed(tmp_path):
    message = csv_refused(tmp_path, csv_text([first_row(quantity="9" * 5000)]))
    assert 'catalog.csv line 2, field "quantity": "999' in message and "is too large (at most 99)" in message


def test_an_unknown_procedure_is_a_problem_naming_the_code(desk):
    from desk.catalog.store import get_procedure

    with pytest.raises(NotFound) as info:
        get_procedure(desk, " 9.999 ")
    problem = info.value.problem
    assert (problem.code, problem.field, dict(problem.params)) == (
        "catalog.unknown_procedure",
        "procedure",
        {"code": "9.999"},
    )
