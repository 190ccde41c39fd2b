"""`desk print …` and `desk verify-receipt` end to end: PDFs, print events, exit codes."""

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import new_cli_home, run_desk

SCAN = "001099012345|123456789|Nguyễn Văn An|01011999|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội|15082021"


@pytest.fixture
def dossier_home(tmp_path):
    # as `desk init --desk-no 1 --place "Minh Khai" …` and `desk catalog import --sample` make it
    home = new_cli_home(tmp_path / "h", desk_no=1, place="Minh Khai")
    r = run_desk("intake", "--procedure", "1.001193", "--scan", SCAN, "--json", home=home)
    return home, json.loads(r.stdout)["code"]


def events_of(home, code):
    return [e["type"] for e in json.loads(run_desk("show", code, "--json", home=home).stdout)["events"]]


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_print_receipt_to_file(dossier_home, tmp_path):
    home, code = dossier_home
    out = tmp_path / "r.pdf"
    r = run_desk("print", "receipt", code, "--out", str(out), "--paper", "a5", home=home)
    assert r.returncode == 0, r.stderr
    text = text_of(out)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and code in text
    assert "Liên 1" in text and "Liên 2" in text and "Nguyễn Thị Lan" in text
    assert "17 giờ 00 phút, ngày 23 tháng 11 năm 2026" in text
    assert events_of(home, code)[-1] == "document.printed"


def fake_lp(tmp_path, exit_code=0) -> dict:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "lp.log"
    lp = bin_dir / "lp"
    lp.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\necho 'request id is Desk-42 (1 file(s))'\nexit {exit_code}\n")
    lp.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.path.dirname(sys.executable)}{os.pathsep}/usr/bin:/bin", "LOG": str(log)}


def test_print_receipt_to_cups(dossier_home, tmp_path):
    home, code = dossier_home
    env = fake_lp(tmp_path)
    r = run_desk("print", "receipt", code, "--printer", "Quay1", "--json", home=home, env={"PATH": env["PATH"]})
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["sent"] is True and Path(result["path"]).is_file()
    assert "-d Quay1" in Path(env["LOG"]).read_text()
    assert events_of(home, code)[-1] == "document.printed"


def test_failed_print_says_so_records_it_and_can_be_repeated(dossier_home, tmp_path):
    home, code = dossier_home
    env = fake_lp(tmp_path, exit_code=1)
    r = run_desk("print", "receipt", code, home=home, env={"PATH": env["PATH"]})
    # only the printing failed: an exit code of its own (6), not 1 ("unexpected")
    assert r.returncode == 6 and "Traceback" not in r.stderr
    assert "the PDF is kept at" in r.stdout
    assert events_of(home, code)[-1] == "document.print_failed"
    ok_env = fake_lp(tmp_path / "again")
    r = run_desk("print", "receipt", code, home=home, env={"PATH": ok_env["PATH"]})
    assert r.returncode == 0
    assert events_of(home, code)[-2:] == ["document.print_failed", "document.printed"]


def test_no_printer_gives_the_pdf_path(dossier_home, tmp_path):
    home, code = dossier_home
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run_desk(
        "print", "receipt", code, home=home, env={"PATH": f"{empty}{os.pathsep}{os.path.dirname(sys.executable)}"}
    )
    assert r.returncode == 6
    assert str(home / "printed") in r.stdout + r.stderr


def test_no_default_printer_exits_6_with_the_pdf_path_and_json(dossier_home, tmp_path):
    home, code = dossier_home
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    lp = bin_dir / "lp"
    lp.write_text("#!/bin/sh\necho 'lp: Error - No default destination.' >&2\nexit 1\n")
    lp.chmod(0o755)
    path = f"{bin_dir}{os.pathsep}{os.path.dirname(sys.executable)}{os.pathsep}/usr/bin:/bin"
    r = run_desk("print", "receipt", code, "--json", home=home, env={"PATH": path})
    assert r.returncode == 6, r.stderr
    result = json.loads(r.stdout)
    assert result["ok"] is False and result["sent"] is False and Path(result["path"]).is_file()
    assert "no default printer" in result["message"] and result["path"] in result["message"]
    r = run_desk("print", "register", "--date", "2026-11-23", home=home, env={"PATH": path})
    assert r.returncode == 6 and "the PDF is kept at" in r.stdout
    r = run_desk("report", "day", "--date", "2026-11-23", home=home, env={"PATH": path})
    assert r.returncode == 6 and "the PDF is kept at" in r.stdout


def test_the_exit_codes_are_in_the_help():
    for args in (("--help",), ("print", "--help")):
        assert "6 nothing could be printed" in " ".join(run_desk(*args).stdout.split())


def test_supplement_and_refusal_need_their_transition(dossier_home, tmp_path):
    home, code = dossier_home
    r = run_desk("print", "supplement", code, "--out", str(tmp_path / "s.pdf"), home=home)
    assert r.returncode == 3 and "no supplement request" in r.stderr
    r = run_desk("print", "refusal", code, "--out", str(tmp_path / "f.pdf"), home=home)
    assert r.returncode == 3 and "was not refused" in r.stderr


def test_print_register(dossier_home, tmp_path):
    home, code = dossier_home
    out = tmp_path / "reg.pdf"
    r = run_desk("print", "register", "--date", "2026-11-23", "--out", str(out), home=home)
    assert r.returncode == 0, r.stderr
    text = text_of(out)
    assert code in text and "Nguyễn Văn An" in text
    r = run_desk("print", "register", "--date", "23/11/2026", "--out", str(out), home=home)
    assert r.returncode == 3 and "YYYY-MM-DD" in r.stderr


def payload_for(home, code):
    from desk.config import Home, read_agency_key
    from desk.context import open_desk
    from desk.dossier.query import get
    from desk.rules.receipt_qr import build_payload

    desk = open_desk(Home(home))
    try:
        return build_payload(get(desk, code), read_agency_key(desk.home))
    finally:
        desk.close()


def test_verify_receipt_exit_codes(dossier_home, tmp_path):
    home, code = dossier_home
    payload = payload_for(home, code)
    r = run_desk("verify-receipt", payload, "--json", home=home)
    assert r.returncode == 0 and json.loads(r.stdout) == {
        "genuine": True,
        "code": code,
        "verdict": "genuine",
        "mismatched": [],
    }
    forged = payload.replace("hen=202611231700", "hen=202612311700")
    r = run_desk("verify-receipt", forged, "--json", home=home)
    assert r.returncode == 5 and json.loads(r.stdout)["genuine"] is False
    r = run_desk("verify-receipt", "hello", home=home)
    assert r.returncode == 3
    # another agency's desk cannot vouch for it
    other = tmp_path / "other"
    run_desk("init", "--agency-code", "000.00.12.H30", "--agency-name", "Khác", home=other)
    r = run_desk("verify-receipt", payload, "--json", home=other)
    assert r.returncode == 5 and json.loads(r.stdout)["verdict"] == "forged"


def test_apology_letter_records_the_new_date(dossier_home, tmp_path):
    home, code = dossier_home
    out = tmp_path / "m04.pdf"
    r = run_desk("print", "apology", code, "--days", "3", "--reason", "Chờ xác minh", "--out", str(out), home=home)
    assert r.returncode == 0, r.stderr
    text = text_of(out)
    assert "Chờ xác minh" in text and code in text
    from desk.config import Home
    from desk.context import open_desk
    from desk.dossier.query import timeline

    desk = open_desk(Home(home))
    try:
        printed = [e for e in timeline(desk, code) if e.type == "document.printed"][-1]
    finally:
        desk.close()
    # 3 working days from the due time 17:00 Mon 23/11: Tue 24/11 is a holiday → Wed, Thu, Fri 27/11 17:00
    assert printed.payload["print"]["details"]["new_due"] == "2026-11-27T17:00:00"
    r = run_desk("print", "apology", code, "--reason", "x", "--out", str(out), home=home)
    assert r.returncode == 3 and "--days" in r.stderr


def test_a_missing_font_file_is_named_with_its_setting(dossier_home, tmp_path):
    from desk.config import Home, update_settings

    home, code = dossier_home
    missing = tmp_path / "times.ttf"
    update_settings(Home(home), font_regular=str(missing))
    r = run_desk("print", "receipt", code, "--out", str(tmp_path / "r.pdf"), home=home)
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert f"font file {missing} (font_regular) does not exist: fix printing.font_regular in desk.toml" in r.stderr
    assert not (tmp_path / "r.pdf").exists()
    assert events_of(home, code)[-1] != "document.printed"


def test_printing_a_receipt_with_the_bare_prefix_warns_once(dossier_home, tmp_path):
    home, code = dossier_home
    r = run_desk("print", "receipt", code, "--copies", "2", "--out", str(tmp_path / "a.pdf"), home=home)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("citizens cannot look the dossier up") == 1
    toml = home / "desk.toml"
    text = toml.read_text()
    assert 'lookup_url = ""' in text
    toml.write_text(text.replace('lookup_url = ""', 'lookup_url = "https://dichvucong.example.gov.vn/tra-cuu"'))
    r = run_desk("print", "receipt", code, "--out", str(tmp_path / "b.pdf"), home=home)
    assert r.returncode == 0, r.stderr
    assert "cannot look" not in r.stderr


def test_the_apology_letter_extends_the_appointment(dossier_home, tmp_path):
    # issue 13 point 6: Mẫu 04's new date is the dossier's appointment; the event keeps the old one
    home, code = dossier_home
    shown = json.loads(run_desk("show", code, "--json", home=home).stdout)
    assert shown["due_at"] == "2026-11-23T17:00:00"
    out = tmp_path / "m04.pdf"
    r = run_desk("print", "apology", code, "--days", "3", "--reason", "Chờ xác minh", "--out", str(out), home=home)
    assert r.returncode == 0, r.stderr
    shown = json.loads(run_desk("show", code, "--json", home=home).stdout)
    assert shown["due_at"] == "2026-11-27T17:00:00" and shown["status"] == "received"
    assert [e["type"] for e in shown["events"]][-2:] == ["dossier.extended", "document.printed"]
    with sqlite3.connect(home / "desk.sqlite3") as db:
        [(payload,)] = db.execute("SELECT payload FROM events WHERE type = 'dossier.extended'").fetchall()
    assert json.loads(payload)["details"] == {
        "due_before": "2026-11-23T17:00:00",
        "due_after": "2026-11-27T17:00:00",
        "reason": "Chờ xác minh",
    }
    text = run_desk("show", code, home=home).stdout
    assert "due       : 17:00 27/11/2026  (extended by Mẫu 04; first 17:00 23/11/2026)" in text
    # the chain, a bundle and the hub's schema accept the move; the receipt as first printed is now superseded
    assert run_desk("verify", home=home).returncode == 0
    # a returned dossier's appointment cannot move
    run_desk("advance", code, "result", home=home)
    run_desk("advance", code, "return", home=home)
    r = run_desk("print", "apology", code, "--days", "1", "--reason", "x", "--out", str(out), home=home)
    assert r.returncode == 3 and "still being processed" in r.stderr
