"""The fast paths of bundle export and import give exactly what the plain ways give.

Export builds events.jsonl lines and dossiers.json records as text instead of
through dicts and ``json.dumps``; import reads a canonical line piece by piece
and skips re-encoding it; the hub folds names word by word and looks for
invisible characters once per file. Each is checked here against the plain
way it replaces.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.rules import portal
from desk.sync.bundle import export_bundle, import_bundle
from desk.dossier.events import canonical_json, canonical_text, event_hash
from desk.sync.ingest import (
    _HOSTILE_RAW, event_line, hashed_text, hostile_bytes, parse_canonical_line, parse_trusted_line, read_payload,
    record_line,
)
from desk.models import Digitisation, Fee, Procedure, ProcessingTime, Status, TimeUnit
from desk.dossier.rows import fold_name
from desk.text import fold
from tests.test_bundle import AGENCY, hub_state, intake, make_desk, members, out  # noqa: F401  (fixtures)

TRICKY = ['Tên có "ngoặc" và \\ gạch', "dòng 1\ndòng 2", "tab\there", "a/b", "Đặng Thị Ánh  Tuyết", "", "–", "😀"]


# --- fold -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Nguyễn  Văn Đức", " đầu cuối ", "İstanbul ǅ ß ﬁ", "a\u200bb c\u00a0d", "\u0301 x \u0301", "\u2000a\u2001b\u3000",
    "Ωμέγα ǈ", "\x1c\x1dx\x1e\x1fy", "a \u200b b", "",
])
def test_fold_name_is_fold(text):
    assert fold_name(text) == fold(text)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_fold_name_is_fold_for_any_text(text):
    assert fold_name(text) == fold(text)


def test_fold_works_character_by_character_and_keeps_whitespace():
    """What makes folding word by word exact: no character folds into whitespace, whitespace stays whitespace."""
    for cp in list(range(0, 0x3400)) + list(range(0xA000, 0x10000)):
        ch = chr(cp)
        if unicodedata.category(ch) == "Cs":
            continue
        folded = fold(f"a{ch}b")
        if ch.isspace():
            assert folded == "a b", hex(cp)
        else:
            assert not any(c.isspace() for c in folded), hex(cp)


# --- invisible characters, one pass -------------------------------------------------------------


def test_hostile_bytes_finds_exactly_the_raw_characters_hostile_text_refuses():
    for cp in list(range(0, 0x2200)) + list(range(0xFE00, 0x10000)) + [0x1F600, 0xE0001, 0x10FFFF]:
        ch = chr(cp)
        if unicodedata.category(ch) == "Cs":
            continue
        for text in (ch, f"Tờ khai – {ch} ạ"):
            assert hostile_bytes(text.encode()) == bool(_HOSTILE_RAW.search(text)), hex(cp)


# --- dossiers.json records ----------------------------------------------------------------------


def _row(**changes) -> dict:
    row = {
        "id": "id-1", "code": "000.00.12.H29-261123-1001", "desk_id": "d", "desk_no": 1, "procedure_code": "1.000894",
        "procedure_name": "Đăng ký kết hôn", "applicant_kind": "citizen", "applicant_name": "Vũ Thu Phương",
        "id_number": "001099024890", "id_kind": "cccd", "birth_date": None, "sex": "", "phone": "0912345678",
        "email": "", "address": "Thôn Đông", "channel": "counter", "delivery": "counter", "sets": 1,
        "received_at": "2026-11-23T09:00:00", "due_at": "2026-11-26T09:00:00", "status": "received",
        "register_book": "01", "register_line": 1, "clerk": "Clerk", "notes": "", "paused_at": None,
        "finished_at": None, "returned_at": None, "collected_by": "", "satisfaction": "",
        "updated_at": "2026-11-23T09:00:00",
    }
    row.update(changes)
    return row


def _line(position: int, **changes) -> dict:
    line = {
        "position": position, "code": f"c{position}", "name": f"Giấy tờ {position} – bản chính", "form": "ban_chinh",
        "quantity": 1, "received": 1, "required": 1, "must_digitise": 0, "digitisation": "pending",
        "reuse_source": "", "file_path": "", "file_sha256": "", "file_bytes": 0, "file_pages": 0, "note": "",
    }
    line.update(changes)
    return line


LINES = [
    [],
    [_line(1), _line(2, received=0)],
    [_line(1, digitisation=Digitisation.DIGITISED.value, file_path="ab/cd.pdf", file_sha256="e" * 64),
     _line(2, digitisation=Digitisation.REUSED_STORE.value), _line(3, digitisation=Digitisation.REUSED_DOSSIER.value),
     _line(4, digitisation=Digitisation.NOT_REQUIRED.value, received=True)],
]
PROCEDURES = [
    None,
    Procedure(code="1.000894", name="Đăng ký kết hôn", field="Hộ tịch", field_code="HT", result_name="Giấy chứng nhận",
              processing=ProcessingTime(TimeUnit.SAME_DAY),
              fees=(Fee(code="LP", name="Lệ phí đăng ký", amount=10000), Fee(code="P", name="Phí sao", amount=2500.5))),
    Procedure(code="2", name="Khác", field='Lĩnh "vực"', processing=ProcessingTime(TimeUnit.SAME_DAY)),
]
ROWS = (
    [_row(status=s.value) for s in Status]
    + [_row(status="refused", finished_at=None, updated_at="2026-11-24T10:00:00"),
       _row(status="refused", finished_at="2026-11-24T11:00:00"),
       _row(id_kind="cmnd", id_number="012345678"), _row(id_kind="passport"), _row(id_kind="", id_number=""),
       _row(due_at=None, returned_at="2026-11-25T08:00:00+07:00", finished_at=""),
       _row(applicant_name=TRICKY[0], notes=TRICKY[1], collected_by=TRICKY[2], email=TRICKY[3], phone=TRICKY[7]),
       _row(procedure_name="x" * 990, applicant_name="Người rất dài"),
       _row(channel="online", delivery="post", applicant_kind="business"),
       _row(email=None), _row(notes=5)]  # not text: the plain way, whatever it gives
)


@pytest.mark.parametrize("row", ROWS)
def test_record_writer_gives_json_dumps_of_record_from_row(row):
    writer = portal.RecordWriter(agency_name='UBND xã "Minh Khai"', agency_code="000.00.12.H29")
    for lines in LINES:
        for procedure in PROCEDURES:
            expected = json.dumps(
                portal.record_from_row(row, lines, procedure=procedure, agency_name='UBND xã "Minh Khai"',
                                       agency_code="000.00.12.H29"),
                ensure_ascii=False, separators=(",", ":"),
            )
            assert writer.text(row, lines, procedure) == expected
            assert writer.text(row, lines, procedure) == expected  # with the documents and fees remembered


def test_record_writer_with_other_applicant_codes():
    kinds = {"citizen": "CD", "business": 2.5, "state_agency": None, "other_org": True}
    writer = portal.RecordWriter(applicant_kinds=kinds)
    for kind in kinds:
        row = _row(applicant_kind=kind)
        expected = json.dumps(portal.record_from_row(row, LINES[1], applicant_kinds=kinds),
                              ensure_ascii=False, separators=(",", ":"))
        assert writer.text(row, LINES[1]) == expected


def test_dossiers_json_is_the_portal_records_of_the_latest_snapshots(make_desk, out):  # noqa: F811
    from desk.dossier import lifecycle
    from desk.catalog.store import get_procedure

    a = make_desk("a", 1)
    d1 = intake(a, TRICKY[0])
    intake(a, "Trần Thị Bích", procedure="1.000894")
    lifecycle.transfer(a, d1.code)
    content = members(export_bundle(a, out).path)
    latest = {}
    for line in content["events.jsonl"].decode().splitlines():
        record = json.loads(line)
        latest[record["dossier_code"]] = record["payload"]
    agency = a.settings.agency
    expected = "[\n" + ",\n".join(
        json.dumps(portal.record_from_row(latest[code]["dossier"], latest[code]["components"],
                                          procedure=get_procedure(a, latest[code]["dossier"]["procedure_code"]),
                                          agency_name=agency.name, agency_code=agency.code),
                   ensure_ascii=False, separators=(",", ":"))
        for code in sorted(latest)
    ) + "\n]\n"
    assert content["dossiers.json"].decode() == expected


# --- reading payloads and lines -------------------------------------------------------------------


PAYLOADS = [
    {"components": [_line(1)], "dossier": _row()},
    {"components": [], "dossier": {}},
    {"components": [{"x": [1], "dossier": {"y": "],\"dossier\":{"}}], "dossier": _row(notes='],"dossier":{')},
    {"text": "gọi điện"},
    {"components": "not a list", "dossier": {"a": 1}},
    {"a": 1.5, "b": [True, False, None], "c": {"d": "e\\f\"g"}, "dossier": {"z": "😀\u2028"}},
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_read_payload_is_json_loads(payload):
    known: dict = {}
    for text in (canonical_text(payload), json.dumps(payload, ensure_ascii=False),
                 json.dumps(payload, sort_keys=True, separators=(",", ":"))):
        assert read_payload(text.encode(), known) == json.loads(text)
        assert read_payload(text.encode(), known) == json.loads(text)  # the second time from what it remembers


def _record(payload: dict, **changes) -> dict:
    r = {"seq": 7, "event_id": "0b5e-uuid", "desk_id": "desk-1", "dossier_code": "000.00.12.H29-261123-1001",
         "type": "dossier.received", "at": "2026-11-23T09:00:00", "clerk": "Nguyễn Thị Ánh", "payload": payload,
         "prev_hash": "a" * 64}
    r.update(changes)
    r["hash"] = event_hash(r)
    return r


def _check_line(line: str) -> None:
    """parse_canonical_line either declines, or gives what json.loads gives and the canonical texts."""
    got = parse_canonical_line(line, {})
    if got is None:
        return
    record, (payload_text, before, after) = got
    assert record == json.loads(line)
    assert list(record) == list(json.loads(line))
    assert line == canonical_text(record)
    assert payload_text == canonical_text(record["payload"])
    assert (before + payload_text + after).encode() == canonical_json({k: v for k, v in record.items() if k != "hash"})
    if all(type(record[k]) is str for k in ("at", "clerk", "desk_id", "dossier_code", "event_id", "prev_hash", "type")):
        # hashed_text takes a well-formed record
        assert before + payload_text + after == hashed_text(record, payload_text)
    # the readings that trust the encoding (checked by another process) give the same record and texts
    trusted = parse_canonical_line(line, {}, verify=False)
    assert trusted is not None and trusted[0] == record and list(trusted[0]) == list(record)
    assert trusted[1] == (payload_text, before, after)
    from_bytes = parse_trusted_line(line.encode(), {})
    if from_bytes is not None:  # orjson declines what json reads beyond JSON (big integers, lone surrogates)
        assert from_bytes[0] == record and list(from_bytes[0]) == list(record)
        stored = from_bytes[1]
        assert (stored.decode() if isinstance(stored, bytes) else stored) == payload_text


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("clerk", TRICKY)
def test_parse_canonical_line_reads_canonical_lines(payload, clerk):
    r = _record(payload, clerk=clerk)
    line = canonical_text(r)
    assert line == record_line(r, canonical_text(payload))
    assert line == event_line(r["seq"], r["event_id"], r["desk_id"], r["dossier_code"], r["type"], r["at"],
                              r["clerk"], canonical_text(payload), r["prev_hash"], r["hash"])
    assert parse_canonical_line(line, {}) is not None
    _check_line(line)


def test_parse_canonical_line_declines_what_is_not_canonical():
    r = _record(PAYLOADS[0])
    line = canonical_text(r)
    variants = [
        json.dumps(r, ensure_ascii=False),  # spaces
        json.dumps(r, ensure_ascii=True, sort_keys=True, separators=(",", ":")),  # \u escapes
        json.dumps(r, ensure_ascii=False, separators=(",", ":")),  # key order
        line.replace('"quantity":1', '"quantity":1.0'),
        line.replace('"quantity":1', '"quantity":1e0'),
        line.replace('"seq":7', '"seq":07'),
        line.replace('"seq":7', '"seq":"7"'),
        line.replace('"type":"dossier.received"', '"type":"dossier\\/received"'),
        line.replace('"at":', '"at":"x","at":'),
        line.replace('{"code":"c1"', '{"code":"c1","code":"c1"'),
        line.replace('"hash":"' + r["hash"], '"hash":"' + r["hash"].upper()),
        line.replace('"hash":"' + r["hash"], '"hash":"' + r["hash"][:-1]),
        line + " ",
        " " + line,
        line[:-1],
        line.replace('"payload":{', '"payload": {'),
        line.replace('],"dossier":{', '], "dossier":{'),
        line.replace('"received_at"', '"received_at" '),
        line.replace('"clerk":', '"clerk":null,"clerk2":'),
    ]
    for variant in variants:
        assert variant != line
        if parse_canonical_line(variant, {}) is not None:  # some are canonical lines of another record
            _check_line(variant)
    assert all(parse_canonical_line(v, {}) is None for v in variants[:3])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=5), st.lists(json_values, max_size=3),
       st.text(max_size=10), st.sampled_from(["", " ", "\n"]))
def test_parse_canonical_line_on_any_payload(extra, components, clerk, space):
    payload = {"components": components, "dossier": extra}
    r = _record(payload, clerk=clerk)
    line = canonical_text(r)
    assert parse_canonical_line(line, {}) is not None
    _check_line(line)
    _check_line(json.dumps(r, ensure_ascii=False, separators=("," + space, ":"), sort_keys=True))
    _check_line(canonical_text(_record(extra, clerk=clerk)))


def test_components_remembered_by_text_are_shared_and_equal():
    known: dict = {}
    a = parse_canonical_line(canonical_text(_record(PAYLOADS[0])), known)[0]
    b = parse_canonical_line(canonical_text(_record(PAYLOADS[0], seq=8)), known)[0]
    assert a["payload"]["components"] is b["payload"]["components"] == PAYLOADS[0]["components"]
    # True and 1 are equal in Python but not the same text: never mixed up
    c = parse_canonical_line(canonical_text(_record({"components": [True], "dossier": {}})), known)[0]
    d = parse_canonical_line(canonical_text(_record({"components": [1], "dossier": {}})), known)[0]
    assert c["payload"]["components"][0] is True and type(d["payload"]["components"][0]) is int


# --- import of lines the fast path declines ------------------------------------------------------


def _rebundle(src: Path, dst: Path, events: bytes) -> Path:
    content = members(src)
    content["events.jsonl"] = events
    m = json.loads(content["manifest.json"])
    m["members"] = [{"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                    for n, d in sorted(content.items()) if n != "manifest.json"]
    content["manifest.json"] = json.dumps(m).encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in content.items():
            zf.writestr(n, d)
    return dst


def test_a_bundle_of_non_canonical_lines_imports_as_its_canonical_one(make_desk, out, tmp_path):  # noqa: F811
    a = make_desk("a", 1)
    for name in ("Người 0", TRICKY[0], TRICKY[1]):
        intake(a, name)
    path = export_bundle(a, out).path
    lines = members(path)["events.jsonl"].decode().splitlines()
    spaced = "".join(json.dumps(json.loads(x), ensure_ascii=True, indent=1) .replace("\n", " ") + "\n"
                     for x in lines).encode()
    plain, other = make_desk("plain", 0), make_desk("other", 0)
    import_bundle(plain, path)
    result = import_bundle(other, _rebundle(path, tmp_path / "spaced.deskbundle", spaced))
    assert result.imported_events == 3
    # payloads stored canonical (the mark names the bundle file, which differs)
    assert [e[:-1] for e in hub_state(other)["events"]] == [e[:-1] for e in hub_state(plain)["events"]]
    assert hub_state(other)["dossiers"] == hub_state(plain)["dossiers"]


def test_a_raw_invisible_character_in_a_canonical_line_is_refused(make_desk, out, tmp_path):  # noqa: F811
    from desk.errors import IntegrityFailure

    a = make_desk("a", 1)
    intake(a, "Người 0")
    intake(a, "Người 1")
    path = export_bundle(a, out).path
    records = [json.loads(x) for x in members(path)["events.jsonl"].decode().splitlines()]
    records[1]["payload"]["dossier"]["notes"] = "a\u202eb"  # raw in canonical JSON
    records[1]["hash"] = event_hash({k: v for k, v in records[1].items() if k != "hash"})
    data = b"".join(canonical_json(r) + b"\n" for r in records)
    bad = _rebundle(path, tmp_path / "bidi.deskbundle", data)
    m = json.loads(members(bad)["manifest.json"])
    m["last_hash"] = records[-1]["hash"]
    content = members(bad)
    content["manifest.json"] = json.dumps(m).encode()
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in content.items():
            zf.writestr(n, d)
    hub = make_desk("hub", 0)
    with pytest.raises(IntegrityFailure, match="seq 2.*control or invisible"):
        import_bundle(hub, bad)
    assert hub.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_an_exported_bundle_is_read_by_the_fast_path(make_desk, out):  # noqa: F811
    from desk.sync.bundle import read_bundle

    a = make_desk("a", 1)
    for name in ("Người 0", TRICKY[0], TRICKY[1]):
        intake(a, name)
    zf, bundle = read_bundle(export_bundle(a, out).path)
    zf.close()
    assert len(bundle.certified) == 3 and all(c is not None for c in bundle.certified)
    assert bundle.raw_clean


@pytest.mark.parametrize("changes", [
    {"type": {"a": 1, "prev_hash": "x"}},
    {"clerk": {"z": [1], "hash": "0" * 64}, "type": {"q": {"prev_hash": "y"}}},
    {"clerk": [',"hash":"' + "0" * 64 + '","payload":{}'], "seq": True},
    {"seq": 7.0}, {"at": None}, {"event_id": 12},
])
def test_parse_canonical_line_on_events_of_the_wrong_shape(changes):
    r = _record(PAYLOADS[0])
    r.update(changes)
    _check_line(canonical_text(r))
