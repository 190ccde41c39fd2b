"""Organisations and foreigners at intake (issue 16, point 1): the kind, its number, the receipt, the portal
record, the events that carry it (and old ones without it), and ``desk intake --kind``."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

import printing
from desk.dossier import query as dossiers
from desk.dossier.documents import print_document
from desk.dossier.intake import ApplicantInput, IntakeRequest, applicant_problems, receive
from desk.errors import IntegrityFailure, InvalidInput
from desk.models import ApplicantKind, IdKind
from desk.rules.portal import record_from_row
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from desk.sync.checked_run import state_of
from tests.conftest import new_cli_home, run_desk
from tests.test_bundle import _rehashed, events_of, members

COMPANY = "Công ty TNHH Minh Khai"
TAX_CODE = "0100109106"


def take_in(desk, applicant: ApplicantInput, procedure: str = "2.000815"):
    d, _ = receive(desk, IntakeRequest(procedure, applicant))
    return d


def test_a_company_is_taken_in_with_its_tax_code(desk):
    d = take_in(desk, ApplicantInput(name=COMPANY, id_number="0100109106-012", kind=ApplicantKind.BUSINESS))
    stored = dossiers.get(desk, d.code)
    assert stored.applicant.kind is ApplicantKind.BUSINESS
    assert (stored.applicant.id_number, stored.applicant.id_kind) == ("0100109106-012", IdKind.TAX_CODE)


def test_a_valid_tax_code_is_refused_only_for_a_citizen(desk):
    # the defect: a company's tax code read as a personal ID ("Số định danh cần 12 chữ số")
    citizen = applicant_problems(ApplicantInput(name=COMPANY, id_number=TAX_CODE))
    assert citizen["id_number"].code == "id_number.length"
    company = applicant_problems(ApplicantInput(name=COMPANY, id_number=TAX_CODE, kind=ApplicantKind.BUSINESS))
    assert company == {}
    wrong = applicant_problems(ApplicantInput(name=COMPANY, id_number="0100109107", kind=ApplicantKind.BUSINESS))
    assert wrong["id_number"].code == "tax_code.check_digit"


def test_an_organisation_has_no_birth_date_or_sex(desk):
    with pytest.raises(InvalidInput) as exc:
        take_in(desk, ApplicantInput(name=COMPANY, birth_date="1990-01-01", kind=ApplicantKind.BUSINESS))
    assert exc.value.problem.code == "birth_date.organisation"
    with pytest.raises(InvalidInput) as exc:
        take_in(desk, ApplicantInput(name=COMPANY, sex="Nam", kind=ApplicantKind.OTHER_ORG))
    assert exc.value.problem.code == "sex.organisation"


def test_a_foreigner_is_taken_in_with_a_passport_even_of_digits_only(desk):
    # nine digits would be an old ID card for a citizen (with its warning); for a foreigner it is a passport
    d, warnings = receive(
        desk,
        IntakeRequest(
            "2.000815",
            ApplicantInput(name="John Smith", id_number="123 456 789", sex="Nam", kind=ApplicantKind.FOREIGNER),
        ),
    )
    assert (d.applicant.id_number, d.applicant.id_kind, warnings) == ("123456789", IdKind.PASSPORT, [])
    with pytest.raises(InvalidInput) as exc:
        take_in(desk, ApplicantInput(name="John Smith", id_number="C12/345", kind=ApplicantKind.FOREIGNER))
    assert exc.value.problem.code == "passport.shape"


def test_the_receipt_says_the_kind_and_the_tax_code(desk, tmp_path):
    d = take_in(desk, ApplicantInput(name=COMPANY, id_number=TAX_CODE, kind=ApplicantKind.BUSINESS))
    out = tmp_path / "r.pdf"
    print_document(desk, "receipt", d.code, renderer=printing.RENDERER, sender=printing.send_to_printer, out=out)
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert f"Tiếp nhận hồ sơ của: {COMPANY} (tổ chức, doanh nghiệp)" in text
    assert f"Mã số thuế: {TAX_CODE}" in text
    citizen = take_in(desk, ApplicantInput(name="Nguyễn Văn An", id_number="001099012345"))
    print_document(desk, "receipt", citizen.code, renderer=printing.RENDERER, sender=printing.send_to_printer, out=out)
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "Tiếp nhận hồ sơ của: Nguyễn Văn An Số định danh cá nhân: 001099012345" in text


def test_the_kind_travels_in_the_bundle_to_the_hub_and_the_portal_record(make_desk, out):
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    company = take_in(a, ApplicantInput(name=COMPANY, id_number=TAX_CODE, kind=ApplicantKind.BUSINESS))
    foreigner = take_in(a, ApplicantInput(name="John Smith", id_number="C1234567", kind=ApplicantKind.FOREIGNER))
    citizen = take_in(a, ApplicantInput(name="Nguyễn Văn An"))
    bundle = export_bundle(a, out).path
    import_bundle(hub, bundle)
    assert dossiers.get(hub, company.code).applicant.kind is ApplicantKind.BUSINESS
    assert dossiers.get(hub, foreigner.code).applicant.kind is ApplicantKind.FOREIGNER
    records = {r["MaHoSo"]: r for r in json.loads(members(bundle)["dossiers.json"])}
    assert (records[company.code]["LoaiDoiTuong"], records[company.code]["SoGiayToChuHoSo"]) == (2, TAX_CODE)
    assert records[company.code]["ChuHoSo"] == COMPANY
    assert records[foreigner.code]["LoaiDoiTuong"] == 1  # DOMAIN.md has no code of its own for a foreigner
    assert records[citizen.code]["LoaiDoiTuong"] == 1


def test_an_event_without_a_kind_is_a_citizens(make_desk, out, tmp_path):
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    d = take_in(a, ApplicantInput(name="Nguyễn Văn An"))
    bundle = export_bundle(a, out).path
    records = events_of(bundle)
    del records[0]["payload"]["dossier"]["applicant_kind"]  # as a desk before the kinds would have written it
    old = _rehashed(bundle, tmp_path / "old.deskbundle", records)
    assert import_bundle(hub, old).imported_events == 1
    assert dossiers.get(hub, d.code).applicant.kind is ApplicantKind.CITIZEN
    row, _ = state_of(records[0]["payload"])
    assert "citizen" in row
    assert record_from_row(records[0]["payload"]["dossier"], [])["LoaiDoiTuong"] == 1


def test_an_unknown_kind_in_an_event_is_refused(make_desk, out, tmp_path):
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    take_in(a, ApplicantInput(name="Nguyễn Văn An"))
    bundle = export_bundle(a, out).path
    records = events_of(bundle)
    records[0]["payload"]["dossier"]["applicant_kind"] = "martian"
    with pytest.raises(IntegrityFailure) as exc:
        import_bundle(hub, _rehashed(bundle, tmp_path / "bad.deskbundle", records))
    finding = exc.value.problem.params["findings"][0].params["finding"]
    assert (finding.code, finding.params["name"]) == ("records.snapshot_value", "applicant_kind")


# --- the CLI ----------------------------------------------------------------------------------


@pytest.fixture
def cli_home(tmp_path):
    return new_cli_home(tmp_path / "h", desk_no=1, place="Minh Khai")


def test_cli_intake_of_a_business_and_a_foreigner(cli_home):
    r = run_desk(
        "intake", "--procedure", "2.000815", "--name", COMPANY, "--kind", "business",
        "--id-number", "0100109106-012", "--json", home=cli_home,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    applicant = json.loads(r.stdout)["applicant"]
    assert (applicant["kind"], applicant["id_number"], applicant["id_kind"]) == ("business", "0100109106-012", "mst")
    r = run_desk("show", json.loads(r.stdout)["code"], home=cli_home)
    assert f"{COMPANY}  (business)  0100109106-012" in r.stdout
    r = run_desk(
        "intake", "--procedure", "2.000815", "--name", "John Smith", "--kind", "foreigner",
        "--id-number", "c1234567", "--json", home=cli_home,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    applicant = json.loads(r.stdout)["applicant"]
    assert (applicant["kind"], applicant["id_number"], applicant["id_kind"]) == ("foreigner", "C1234567", "passport")


def test_cli_refuses_a_tax_code_for_a_citizen_and_a_bad_one_for_a_business(cli_home):
    r = run_desk("intake", "--procedure", "2.000815", "--name", COMPANY, "--id-number", TAX_CODE, home=cli_home)
    assert r.returncode == 3 and "12" in r.stderr
    r = run_desk(
        "intake", "--procedure", "2.000815", "--name", COMPANY, "--kind", "business",
        "--id-number", "0100109107", home=cli_home,
    )  # fmt: skip
    assert r.returncode == 3 and "check digit" in r.stderr
    r = run_desk(
        "intake", "--procedure", "2.000815", "--name", COMPANY, "--kind", "business",
        "--birth-date", "1990-01-01", home=cli_home,
    )  # fmt: skip
    assert r.returncode == 3 and "no birth date" in r.stderr


def test_cli_a_chip_card_scan_is_a_citizens(cli_home):
    scan = "001099012345|123456789|Nguyễn Văn An|01011999|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội|15082021"
    r = run_desk("intake", "--procedure", "2.000815", "--scan", scan, "--kind", "business", home=cli_home)
    assert r.returncode == 3 and "citizen" in r.stderr


def test_cli_help_names_the_kinds():
    r = run_desk("intake", "--help")
    assert "foreigner" in r.stdout and "tax code" in r.stdout
