"""Signed electronic copies (Thông tư 01/2023/TT-VPCP Điều 8) and electronic results, with a PKCS#12 signer.

The signatures are checked by the desk (pyHanko) and by poppler's ``pdfsig``,
an independent validator; the test CA is made in the run, so pdfsig finds the
signature valid and its issuer not trusted, which is all a test can ask.
"""

from __future__ import annotations

import io
import json
import subprocess

from desk.dossier import checklist, results
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.dossier.query import get, timeline
from desk.models import Digitisation
from desk.reports.indicators import compute
from tests.conftest import run_desk
from tests.signing_helpers import PASSPHRASE, make_pkcs12


def _pdf(pages=1) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1240, 1754), "white").save(buf, "JPEG", dpi=(150, 150))
    return buf.getvalue()


def _intake(home, procedure="1.001193") -> str:
    r = run_desk("intake", "--procedure", procedure, "--name", "Nguyễn Văn An", "--json", home=home.root)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["code"]


def _pdfsig(path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def _stamp_text(path) -> str:
    return subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True).stdout


# --- the signer ---------------------------------------------------------------------------------


def test_signer_set_keeps_no_passphrase_and_show_prints_the_certificate(home, clerk_p12, monkeypatch):
    r = run_desk("signer", "show", home=home.root)
    assert r.returncode == 0 and "no signer" in r.stdout
    monkeypatch.setenv("DESK_SIGNER_PIN", PASSPHRASE)
    r = run_desk("signer", "set", "--pkcs12", str(clerk_p12), home=home.root)
    assert r.returncode == 0, r.stderr
    assert "Nguyễn Thị Số Hoá" in r.stdout and "Test CA Một Cửa" in r.stdout
    copied = home.root / "signer.p12"
    assert copied.read_bytes() == clerk_p12.read_bytes() and (copied.stat().st_mode & 0o777) == 0o600
    config = (home.root / "desk.toml").read_text(encoding="utf-8")
    assert 'kind = "pkcs12"' in config and PASSPHRASE not in config
    r = run_desk("signer", "show", "--json", home=home.root)
    cert = json.loads(r.stdout)["certificate"]
    assert "Nguyễn Thị Số Hoá" in cert["subject"] and "Test CA Một Cửa" in cert["issuer"]
    assert cert["not_before"] < cert["not_after"]


def test_a_wrong_passphrase_is_refused_clearly_and_nothing_is_set(home, clerk_p12):
    r = run_desk("signer", "set", "--pkcs12", str(clerk_p12), home=home.root, env={"DESK_SIGNER_PIN": "sai"})
    assert r.returncode == 3 and "wrong passphrase or PIN" in r.stderr and "Traceback" not in r.stderr
    assert not (home.root / "signer.p12").exists()
    r = run_desk("signer", "show", home=home.root)
    assert "no signer" in r.stdout


def test_a_file_that_is_no_pkcs12_is_refused(home, tmp_path):
    bad = tmp_path / "x.p12"
    bad.write_bytes(b"not a key")
    r = run_desk("signer", "set", "--pkcs12", str(bad), home=home.root, env={"DESK_SIGNER_PIN": "x"})
    assert r.returncode == 3 and "cannot be used as a signer" in r.stderr


# --- digitisation ---------------------------------------------------------------------------------


def test_a_scan_is_signed_with_the_stamp_top_left_and_pdfsig_finds_it_valid(desk, home, signer, tmp_path):
    code = _intake(home)
    scan = tmp_path / "giay chung sinh.pdf"
    scan.write_bytes(_pdf(2))
    original = scan.read_bytes()
    r = run_desk("digitise", code, "giay_chung_sinh", "--file", str(scan), "--pages", "2", "--json", home=home.root)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    line = out["components"][1]
    assert line["digitisation"] == "digitised" and line["signed"] is True and out["complete"] is True
    assert line["digitisation_code"] == f"{code}-SH2" and line["pages"] == 2
    stored = home.root / "files" / line["file"]
    text = _stamp_text(stored)
    assert f"Người số hoá: Nguyễn Thị Số Hoá · 23/11/2026 09:00 · {code}-SH2" in text
    report = _pdfsig(stored)
    assert "Signature is Valid" in report and "Total document signed" in report
    assert "Nguyễn Thị Số Hoá" in report and "ETSI.CAdES.detached" in report  # PAdES
    # the stamp's box is in the top-left corner of page 1
    from pypdf import PdfReader

    page = PdfReader(str(stored)).pages[0]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig")
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    assert x0 < 30 and y1 > 842 - 30 and x1 - x0 > 200
    assert scan.read_bytes() == original  # the scan itself is only read


def run_json(home, *args):
    r = run_desk(*args, "--json", home=home.root)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_an_image_scan_is_converted_then_signed(desk, home, signer, tmp_path):
    code = _intake(home)
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(_jpeg())
    r = run_desk("digitise", code, "giay_chung_sinh", "--file", str(scan), home=home.root)
    assert r.returncode == 0, r.stderr
    assert f"signed, code {code}-SH2" in r.stdout
    d = run_json(home, "show", code)
    stored = home.root / "files" / d["components"][1]["file"]
    assert "Signature is Valid" in _pdfsig(stored)


def test_the_paper_pages_must_equal_the_scan_pages(desk, home, signer, tmp_path):
    code = _intake(home)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_pdf(2))
    r = run_desk("digitise", code, "giay_chung_sinh", "--file", str(scan), "--pages", "3", home=home.root)
    assert r.returncode == 3 and "the paper has 3 pages but the scan has 2 pages" in r.stderr
    d = run_json(home, "show", code)
    assert d["components"][1]["digitisation"] == "pending"
    assert [e["type"] for e in d["events"]] == ["dossier.received"]
    assert not any((home.root / "files").rglob("*.pdf"))  # nothing kept
    r = run_desk("digitise", code, "giay_chung_sinh", "--file", str(scan), "--pages", "1", home=home.root)
    assert "the paper has 1 page but the scan has 2 pages" in r.stderr


def test_without_a_signer_the_scan_is_kept_unsigned_and_counts_for_nothing(desk, now, tmp_path):
    d, _ = receive(desk, IntakeRequest(procedure_code="1.001193", applicant=ApplicantInput(name="Lê Văn Bình")))
    scan = tmp_path / "a.pdf"
    scan.write_bytes(_pdf())
    d = checklist.attach_file(desk, d.code, "giay_chung_sinh", scan)
    line = next(c for c in d.components if c.code == "giay_chung_sinh")
    assert line.digitisation is Digitisation.DIGITISED_UNSIGNED
    assert checklist.progress(d) == (0, 1) and not checklist.is_complete(d)
    out = checklist.checklist_json(d)["components"][1]
    assert out["signed"] is False and out["portal_code"] == 0
    r = run_desk("checklist", d.code, home=desk.home.root)
    assert "NOT SIGNED: no legal value" in r.stdout and "`desk signer set`" in r.stdout
    # the indicator counts signed copies only
    now("2026-11-23T17:00")
    assert compute(desk, d.received_at.date()).overall.digitised == 0


def test_signing_later_the_same_scan_settles_the_line(desk, signer, tmp_path, monkeypatch):
    from desk.config import update_settings

    d, _ = receive(desk, IntakeRequest(procedure_code="1.001193", applicant=ApplicantInput(name="Lê Văn Bình")))
    scan = tmp_path / "a.pdf"
    scan.write_bytes(_pdf())
    kind = desk.settings.signer_kind
    desk.settings = update_settings(desk.home, signer_kind="")
    d = checklist.attach_file(desk, d.code, "giay_chung_sinh", scan)
    assert checklist.progress(d) == (0, 1)
    desk.settings = update_settings(desk.home, signer_kind=kind)
    d = checklist.attach_file(desk, d.code, "giay_chung_sinh", scan)
    assert checklist.progress(d) == (1, 1)
    assert timeline(desk, d.code)[-1].payload["details"]["signed"]["code"] == f"{d.code}-SH2"
    # and once signed, the same scan again changes nothing
    n = len(timeline(desk, d.code))
    checklist.attach_file(desk, d.code, "giay_chung_sinh", scan)
    assert len(timeline(desk, d.code)) == n


def test_a_locked_signer_without_a_pin_is_a_clear_message(desk, home, signer, tmp_path, monkeypatch):
    monkeypatch.delenv("DESK_SIGNER_PIN")
    from desk.dossier import signing

    signing.forget()
    code = _intake(home)
    scan = tmp_path / "a.pdf"
    scan.write_bytes(_pdf())
    r = run_desk("digitise", code, "giay_chung_sinh", "--file", str(scan), home=home.root)
    assert r.returncode == 3 and "the signer is locked" in r.stderr and "DESK_SIGNER_PIN" in r.stderr


# --- verification -----------------------------------------------------------------------------------


def test_show_says_who_signed_when_and_that_an_edit_after_signing_is_detected(desk, home, signer, tmp_path):
    code = _intake(home)
    scan = tmp_path / "a.pdf"
    scan.write_bytes(_pdf())
    assert run_desk("digitise", code, "giay_chung_sinh", "--file", str(scan), home=home.root).returncode == 0
    d = run_json(home, "show", code)
    c = d["components"][1]
    assert c["file_state"] == "intact" and c["digitisation_code"] == f"{code}-SH2"
    (sig,) = c["signatures"]
    assert sig["signer"] == "Nguyễn Thị Số Hoá" and sig["state"] == "intact" and sig["level"] == "B-B"
    assert sig["signed_at"] and "Test CA Một Cửa" in sig["issuer"]
    r = run_desk("show", code, home=home.root)
    assert f"{code}-SH2" in r.stdout and "signed by Nguyễn Thị Số Hoá" in r.stdout and "INTACT" in r.stdout

    # someone edits the stored copy after it was signed (an incremental update, as a PDF editor saves)
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    stored = home.root / "files" / c["file"]
    w = IncrementalPdfFileWriter(io.BytesIO(stored.read_bytes()))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    w.update_container(page)
    buf = io.BytesIO()
    w.write(buf)
    stored.write_bytes(buf.getvalue())
    d = run_json(home, "show", code)
    assert d["components"][1]["file_state"] == "altered"
    assert d["components"][1]["signatures"][0]["state"] == "altered"
    assert "ALTERED" in run_desk("show", code, home=home.root).stdout
    assert "Not total document signed" in _pdfsig(stored)  # poppler sees it too

    # a byte changed inside the signed range: the signature itself fails
    data = bytearray(buf.getvalue())
    data[data.find(b"/MediaBox") + 1] ^= 0x20
    stored.write_bytes(bytes(data))
    assert run_json(home, "show", code)["components"][1]["file_state"] == "altered"


# --- electronic results -------------------------------------------------------------------------------


def test_a_result_is_signed_coded_kq_and_listed(desk, home, signer, tmp_path):
    code = _intake(home)
    result = tmp_path / "khai sinh.pdf"
    result.write_bytes(_pdf())
    r = run_desk("result", "attach", code, "--file", str(result), "--name", "Giấy khai sinh", home=home.root)
    assert r.returncode == 0, r.stderr
    assert f"{code}-KQ1  Giấy khai sinh" in r.stdout and "signed by Nguyễn Thị Số Hoá" in r.stdout
    r = run_desk("result", "attach", code, "--file", str(result), "--json", home=home.root)
    second = json.loads(r.stdout)
    assert second["code"] == f"{code}-KQ2" and second["name"] == "Giấy khai sinh (bản chính)"  # the procedure's result
    d = run_json(home, "show", code)
    assert [x["code"] for x in d["results"]] == [f"{code}-KQ1", f"{code}-KQ2"]
    assert all(x["file_state"] == "intact" for x in d["results"])
    stored = home.root / "files" / d["results"][0]["file"]
    assert f"· {code}-KQ1" in _stamp_text(stored) and "Signature is Valid" in _pdfsig(stored)
    assert "result.attached" in [e["type"] for e in d["events"]]


def test_a_result_signed_by_the_office_keeps_its_signature(desk, home, signer, tmp_path, test_ca):
    from desk.dossier import pades, signing
    from desk.dossier.signer import stamp_font
    from desk.models import DEFAULT_UNIT_NAME  # noqa: F401  (the settings' font default comes with the home)

    office = make_pkcs12(tmp_path / "office.p12", test_ca, cn="UBND xã Minh Khai")
    config = signing.SignerSettings(kind="pkcs12", pkcs12_path=str(office))
    from datetime import datetime

    class _Fonts:
        font_regular = ""

    signed = pades.sign_pdf(
        _pdf(), config, code="van ban", at=datetime(2026, 11, 23, 8), font_path=stamp_font(_Fonts), pin=PASSPHRASE
    )
    code = _intake(home)
    path = tmp_path / "kq.pdf"
    path.write_bytes(signed)
    out = run_json(home, "result", "attach", code, "--file", str(path))
    assert out["origin"] == "office" and out["signatures"][0]["signer"] == "UBND xã Minh Khai"
    assert (home.root / "files" / out["file"]).read_bytes() == signed  # kept as the office signed it
    # an office-signed PDF changed since is refused whole
    broken = bytearray(signed)
    broken[broken.find(b"/MediaBox") + 1] ^= 0x20
    path.write_bytes(bytes(broken))
    r = run_desk("result", "attach", code, "--file", str(path), home=home.root)
    assert r.returncode == 5 and "changed after it was signed" in r.stderr
    assert len(run_json(home, "show", code)["results"]) == 1


def test_an_unsigned_result_needs_a_signer(desk, home, tmp_path):
    code = _intake(home)
    path = tmp_path / "kq.pdf"
    path.write_bytes(_pdf())
    r = run_desk("result", "attach", code, "--file", str(path), home=home.root)
    assert r.returncode == 3 and "must be signed" in r.stderr


def test_the_portal_record_carries_the_results(desk, signer, tmp_path, out):
    from desk.sync.bundle_write import export_bundle

    d, _ = receive(desk, IntakeRequest(procedure_code="1.001193", applicant=ApplicantInput(name="Lê Văn Bình")))
    path = tmp_path / "kq.pdf"
    path.write_bytes(_pdf())
    r = results.attach(desk, d.code, path, name="Giấy khai sinh")
    assert r.code == f"{d.code}-KQ1" and r.origin == "desk"
    exported = export_bundle(desk, out)
    import zipfile

    with zipfile.ZipFile(exported.path) as z:
        records = json.loads(z.read("dossiers.json"))
    (record,) = [x for x in records if x["MaHoSo"] == d.code]
    assert record["DanhSachGiayToKetQua"] == [
        {
            "TenGiayTo": "Giấy khai sinh",
            "MaGiayToKetQua": f"{d.code}-KQ1",
            "DuongDanTepTinKetQua": f"files/{r.file_path}",
        }
    ]
    assert get(desk, d.code).code == d.code


def test_with_a_timestamp_server_the_signature_is_pades_b_t(desk, home, signer, tmp_path, test_ca):
    from desk.config import update_settings
    from tests.signing_helpers import TimestampServer

    code = _intake(home)
    scan = tmp_path / "a.pdf"
    scan.write_bytes(_pdf())
    with TimestampServer(test_ca) as url:
        update_settings(desk.home, timestamp_url=url)
        r = run_desk("digitise", code, "giay_chung_sinh", "--file", str(scan), home=home.root)
        assert r.returncode == 0, r.stderr
    d = run_json(home, "show", code)
    (sig,) = d["components"][1]["signatures"]
    assert sig["level"] == "B-T" and sig["state"] == "intact"
    report = _pdfsig(home.root / "files" / d["components"][1]["file"])
    assert "Signature is Valid" in report and "Signature Type: ETSI.CAdES.detached" in report


def test_a_timestamp_server_that_does_not_answer_stores_nothing(desk, home, signer, tmp_path):
    import socket

    from desk.config import update_settings

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    update_settings(desk.home, timestamp_url=f"http://127.0.0.1:{port}/tsa")
    code = _intake(home)
    scan = tmp_path / "a.pdf"
    scan.write_bytes(_pdf())
    r = run_desk("digitise", code, "giay_chung_sinh", "--file", str(scan), home=home.root)
    assert r.returncode == 3 and "timestamp server" in r.stderr and "did not answer" in r.stderr
    assert run_json(home, "show", code)["components"][1]["digitisation"] == "pending"
