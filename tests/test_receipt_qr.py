"""The receipt's signed QR payload: build, parse, verify; forged and altered receipts."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import unicodedata
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.cli.wording import describe
from desk.models import Applicant, Dossier, IdKind
from desk.rules.receipt_qr import (
    DEFAULT_PREFIX,
    ReceiptClaim,
    Verdict,
    build_payload,
    dossier_fields,
    lookup_problem,
    parse_payload,
    sign_fields,
    verify_payload,
)
from screens.i18n.catalogue import Strings

KEY = bytes(range(32))
RECEIPT_NAME = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
RECEIPT_NAME_Q = (
    "Gi%E1%BA%A5y%20ti%E1%BA%BFp%20nh%E1%BA%ADn%20h%E1%BB%93%20s%C6%A1%20v%C3%A0%20"
    "h%E1%BA%B9n%20tr%E1%BA%A3%20k%E1%BA%BFt%20qu%E1%BA%A3"
)
OTHER_AGENCY_KEY = bytes(range(100, 132))
ED25519_SIG = "5MORNBZXSFUCYPAHZANWNDOSNJUGWFPISSARETHSVF27SGUYIIDMO2ZRLKYEFQTAI2IUT4YWJSWFXVXUT66IXUXTGJB3TUP44LCUCAI"


def make_dossier(**changes) -> Dossier:
    d = Dossier(
        id="7d0c1f5e-0000-4000-8000-000000000001",
        code="000.00.12.H29-261122-1007",
        procedure_code="2.000815.000.00.00.H29",
        procedure_name="Chứng thực bản sao từ bản chính",
        applicant=Applicant(name="Nguyễn Văn Đức", id_number="001099012345", id_kind=IdKind.PERSONAL_ID),
        received_at=datetime(2026, 11, 22, 9, 30),
        due_at=datetime(2026, 11, 22, 16, 30),
    )
    return dataclasses.replace(d, **changes)


def store(*dossiers: Dossier):
    by_code = {d.code: d for d in dossiers}
    return by_code.get


def swap(payload: str, name: str, value: str) -> str:
    return re.sub(rf"([?&]){name}=[^&]*", rf"\g<1>{name}={value}", payload)


def test_payload_has_the_spec_shape():
    p = build_payload(make_dossier(), KEY)
    assert p.startswith("motcua:?mhs=000.00.12.H29-261122-1007&tthc=2.000815.000.00.00.H29")
    assert f"&dd=001099012345&gt=01&ten={RECEIPT_NAME_Q}&hen=202611221630&sig=" in p
    sig = p.rsplit("sig=", 1)[1]
    assert re.fullmatch(r"[A-Z2-7]{103}", sig)  # Ed25519's 512 bits, base32, no padding


def test_lookup_url_prefix_is_used_and_not_signed():
    d = make_dossier()
    a = build_payload(d, KEY, "https://dichvucong.example.gov.vn/tra-cuu")
    b = build_payload(d, KEY, "https://x.example/lookup?lang=vi")
    assert a.startswith("https://dichvucong.example.gov.vn/tra-cuu?mhs=")
    assert b.startswith("https://x.example/lookup?lang=vi&mhs=")
    assert a.rsplit("sig=", 1)[1] == b.rsplit("sig=", 1)[1] == build_payload(d, KEY).rsplit("sig=", 1)[1]


def test_round_trip_is_genuine():
    d = make_dossier()
    v = verify_payload(build_payload(d, KEY), KEY, store(d))
    assert v.verdict is Verdict.GENUINE and v.genuine and v.signature_valid
    assert v.code == d.code and v.dossier is d
    assert v.claim.due_at == d.due_at


def test_parse_tolerates_scanner_noise():
    d = make_dossier(applicant=Applicant(name="x", id_number="B1234567", id_kind=IdKind.PASSPORT))
    p = build_payload(d, KEY, "https://portal.example/tra-cuu")
    noisy = [
        p + "\n",
        "  " + p + "\r\n",
        unicodedata.normalize("NFD", p),
        p.replace("https://portal.example/tra-cuu", "https://other.example/x?utm=1&a=b") + "&extra=1#frag",
        p.replace("sig=", "sig=").rsplit("sig=", 1)[0] + "sig=" + p.rsplit("sig=", 1)[1].lower(),
        p.replace("&dd=", "&đ="),  # a Telex input method ate "dd"
        p.split("?", 1)[1],  # the prefix got lost
    ]
    for text in noisy:
        v = verify_payload(text, KEY, store(d))
        assert v.verdict is Verdict.GENUINE, text


def test_not_a_receipt():
    for text in [
        "",
        "   ",
        "001099012345|123456789|Nguyễn Văn An|01011999|Nam|Hà Nội|15082021",
        "https://example.com/?q=1",
        "x" * 5000,
    ]:
        assert parse_payload(text) is None
        v = verify_payload(text, KEY, store())
        assert v.verdict is Verdict.NOT_RECEIPT and not v.genuine and v.code == ""


def test_forged_signature():
    d = make_dossier()
    p = build_payload(d, KEY)
    forged = swap(p, "sig", "AAAAAAAAAAAAAAAA")
    v = verify_payload(forged, KEY, store(d))
    assert v.verdict is Verdict.FORGED and not v.genuine and not v.signature_valid
    assert v.code == d.code and v.dossier is d  # the clerk still sees the real dossier


def test_missing_signature_is_forged():
    d = make_dossier()
    p = build_payload(d, KEY).rsplit("&sig=", 1)[0]
    assert verify_payload(p, KEY, store(d)).verdict is Verdict.FORGED


def test_altered_due_date_on_the_qr_is_forged():
    d = make_dossier()
    p = swap(build_payload(d, KEY), "hen", "202611301630")
    v = verify_payload(p, KEY, store(d))
    assert v.verdict is Verdict.FORGED


@pytest.mark.parametrize(
    "field,value", [("mhs", "000.00.12.H29-261122-1008"), ("tthc", "1.001193"), ("dd", "001099099999"), ("gt", "02")]
)
def test_any_edited_field_breaks_the_signature(field, value):
    d = make_dossier()
    other = make_dossier(code="000.00.12.H29-261122-1008")
    p = swap(build_payload(d, KEY), field, value)
    assert verify_payload(p, KEY, store(d, other)).verdict is Verdict.FORGED


def test_another_agencys_key_is_forged():
    d = make_dossier()
    p = build_payload(d, OTHER_AGENCY_KEY)
    assert verify_payload(p, KEY, store(d)).verdict is Verdict.FORGED


def test_stale_receipt_with_valid_signature_is_altered():
    # the due date moved (supplement resumed, apology): the old paper is genuine but superseded
    d = make_dossier()
    p = build_payload(d, KEY)
    moved = make_dossier(due_at=datetime(2026, 11, 30, 10, 0))
    v = verify_payload(p, KEY, store(moved))
    assert v.verdict is Verdict.ALTERED and v.signature_valid and not v.genuine
    assert v.mismatched == ("hen",)
    assert v.problem.code == "receipt.altered" and v.problem.params["fields"] == ("hen",)
    assert "ngày hẹn trả" in Strings("vi").problem(v.problem) and "due date" in describe(v.problem)
    assert "due date" in Strings("en").problem(v.problem)


def test_unknown_dossier_with_valid_signature():
    d = make_dossier()
    v = verify_payload(build_payload(d, KEY), KEY, store())
    assert v.verdict is Verdict.UNKNOWN and v.signature_valid and v.dossier is None
    assert v.code == d.code


def test_unknown_code_with_bad_signature_is_forged():
    p = "motcua:?mhs=000.00.12.H29-991231-9999&tthc=1&dd=1&gt=01&hen=209912310000&sig=ABCDEFGHIJKLMNOP"
    v = verify_payload(p, KEY, store())
    assert v.verdict is Verdict.FORGED and v.code == "000.00.12.H29-991231-9999"


def test_empty_key_refused():
    with pytest.raises(ValueError):
        build_payload(make_dossier(), b"")


def test_signature_covers_fields_unambiguously():
    # moving a character between adjacent fields must change the signature
    assert sign_fields(("A", "BC", "", "01", ""), KEY) != sign_fields(("AB", "C", "", "01", ""), KEY)


def test_dossier_without_due_date_or_id():
    d = make_dossier(due_at=None, applicant=Applicant(name="x"))
    assert dossier_fields(d)[2] == "" and dossier_fields(d)[4] == ""
    assert verify_payload(build_payload(d, KEY), KEY, store(d)).verdict is Verdict.GENUINE


@given(
    code=st.from_regex(r"[0-9A-Z]{1,3}(\.[0-9A-Z]{1,3}){0,3}-[0-9]{6}-[0-9]{4}", fullmatch=True),
    id_number=st.text(min_size=0, max_size=20).filter(lambda s: s == s.strip()),
    prefix=st.sampled_from(["", "https://a.example/x", "https://b.example/y?p=1", "motcua:"]),
)
def test_round_trip_property(code, id_number, prefix):
    d = make_dossier(code=code, applicant=Applicant(name="x", id_number=id_number))
    p = build_payload(d, KEY, prefix)
    claim = parse_payload(p)
    assert claim is not None and claim.code == code
    assert verify_payload(p, KEY, store(d)).verdict is Verdict.GENUINE


@given(st.text(max_size=300))
def test_parse_never_raises(text):
    result = parse_payload(text)
    assert result is None or isinstance(result, ReceiptClaim)


def test_default_prefix():
    assert DEFAULT_PREFIX == "motcua:"


def test_core_module_imports_no_ui_or_pdf_stack():
    code = (
        "import sys, desk.rules.receipt_qr\n"
        "bad = [m for m in ('textual', 'rich', 'reportlab', 'qrcode', 'db') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_known_answer_keeps_old_receipts_verifiable():
    # printed receipts live for years: the canonical form and the truncation must never drift
    d = make_dossier(procedure_code="2.000815", due_at=datetime(2026, 11, 25, 16, 30))
    old = (
        "motcua:?mhs=000.00.12.H29-261122-1007&tthc=2.000815&dd=001099012345"
        "&gt=01&hen=202611251630&sig=ORISSXSRVQKHXRZU"
    )
    # a receipt printed before the QR named its document, and before Ed25519, verifies as it did
    assert verify_payload(old, KEY, store(d)).verdict is Verdict.GENUINE
    assert verify_payload(old.replace("&gt=01&", f"&gt=01&ten={RECEIPT_NAME_Q}&"), KEY, store(d)).genuine
    # Ed25519 signatures are deterministic (RFC 8032): the receipts printed now have a known answer too
    assert build_payload(d, KEY) == old.replace("&gt=01&", f"&gt=01&ten={RECEIPT_NAME_Q}&").replace(
        "sig=ORISSXSRVQKHXRZU", "sig=" + ED25519_SIG
    )


def test_the_qr_names_the_document_and_starts_with_the_lookup_url():
    # TT 01/2023/TT-VPCP: the QR carries the document's name; a phone opens the portal's lookup page
    d = make_dossier()
    p = build_payload(d, KEY, "https://dichvucong.example.gov.vn/tra-cuu")
    assert p.startswith("https://dichvucong.example.gov.vn/tra-cuu?mhs=000.00.12.H29-261122-1007&")
    assert f"&gt=01&ten={RECEIPT_NAME_Q}&hen=" in p
    claim = parse_payload(p)
    assert claim is not None and claim.doc_name == RECEIPT_NAME
    assert verify_payload(p, KEY, store(d)).verdict is Verdict.GENUINE
    # NFD from a scanner or '+' for spaces still name it
    assert verify_payload(unicodedata.normalize("NFD", p), KEY, store(d)).verdict is Verdict.GENUINE


def test_a_qr_naming_another_document_is_forged():
    d = make_dossier()
    p = build_payload(d, KEY)
    other = swap(p, "ten", "Phi%E1%BA%BFu%20ki%E1%BB%83m%20so%C3%A1t")  # "Phiếu kiểm soát"
    assert verify_payload(other, KEY, store(d)).verdict is Verdict.FORGED
    twice = p.replace("&hen=", f"&ten={RECEIPT_NAME_Q}&hen=")
    assert verify_payload(twice, KEY, store(d)).verdict is Verdict.FORGED


def test_the_bare_prefix_is_a_warning_with_words():
    assert lookup_problem("https://dichvucong.example.gov.vn/tra-cuu") is None
    problem = lookup_problem("  ")
    assert problem is not None and problem.code == "receipt.no_lookup_url"
    assert "cannot look the dossier up" in describe(problem) and "lookup_url" in describe(problem)
    assert "không tra cứu được" in Strings("vi").problem(problem)
