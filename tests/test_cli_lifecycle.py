"""`desk checklist`, `desk digitise` and `desk advance` (in-process): output, --json and exit codes."""

import io
import json

import pytest

from tests.conftest import new_cli_home, run_desk


@pytest.fixture
def cli_home(tmp_path):
    """A home as `desk init --desk-no 2 …` and `desk catalog import --sample` make it (a copy of a template)."""
    return new_cli_home(tmp_path / "h", desk_no=2)


def intake(home, procedure="1.001193", name="Nguyễn Văn An") -> str:
    r = run_desk("intake", "--procedure", procedure, "--name", name, "--json", home=home)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["code"]


def pdf_bytes(pages=1) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_checklist_text_and_json(cli_home):
    code = intake(cli_home)
    r = run_desk("checklist", code, home=cli_home)
    assert r.returncode == 0, r.stderr
    assert "0 of 1 digitised" in r.stdout and "giay_chung_sinh" in r.stdout
    r = run_desk("checklist", code, "--json", home=cli_home)
    out = json.loads(r.stdout)
    assert (out["code"], out["done"], out["total"], out["complete"]) == (code, 0, 1, False)
    assert [c["code"] for c in out["components"]][:2] == ["to_khai", "giay_chung_sinh"]
    # the ID card is only shown (xuất trình): nothing to digitise; the rest pending
    assert {c["code"]: c["digitisation"] for c in out["components"]}["giay_to_tuy_than"] == "not_required"
    assert all(c["digitisation"] == "pending" for c in out["components"] if c["code"] != "giay_to_tuy_than")


def test_checklist_of_an_unknown_dossier_is_exit_4(cli_home):
    r = run_desk("checklist", "000.00.12.H29-261123-2999", home=cli_home)
    assert r.returncode == 4 and "no dossier" in r.stderr and "Traceback" not in r.stderr


def test_digitise_file_reused_not_required_undo(cli_home, tmp_path):
    code = intake(cli_home)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes(2))
    r = run_desk("digitise", code, "giay_chung_sinh", "--file", str(scan), "--json", home=cli_home)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    line = out["components"][1]
    # no signer: the scan is kept as it is, unsigned, and settles nothing (TT 01/2023 Điều 8)
    assert out["component"] == "giay_chung_sinh" and out["complete"] is False
    assert (
        line["digitisation"] == "digitised_unsigned"
        and line["signed"] is False
        and line["pages"] == 2
        and line["bytes"] == scan.stat().st_size
    )
    assert (cli_home / "files" / line["file"]).read_bytes() == scan.read_bytes() and scan.exists()

    r = run_desk("digitise", code, "to_khai", "--reused", "VNeID", home=cli_home)
    assert r.returncode == 0 and "reused_store from VNeID" in r.stdout
    r = run_desk("digitise", code, "3", "--not-required", home=cli_home)  # by position
    assert r.returncode == 0 and "giay_to_tuy_than: not_required" in r.stdout
    r = run_desk("digitise", code, "giay_chung_sinh", "--undo", "--json", home=cli_home)
    assert json.loads(r.stdout)["components"][1]["digitisation"] == "pending"
    r = run_desk("show", code, "--json", home=cli_home)
    types = [e["type"] for e in json.loads(r.stdout)["events"]]
    assert types == [
        "dossier.received",
        "component.digitised",
        "component.reused",
        "component.not_required",
        "component.undone",
    ]
    r = run_desk("verify", home=cli_home)
    assert r.returncode == 0, r.stdout


def test_one_scan_on_two_papers_needs_same_scan(cli_home, tmp_path):
    code = intake(cli_home)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes(1))
    assert run_desk("digitise", code, "giay_chung_sinh", "--file", str(scan), home=cli_home).returncode == 0
    r = run_desk("digitise", code, "giay_to_tuy_than", "--file", str(scan), home=cli_home)
    assert r.returncode == 3 and "already attached" in r.stderr and "--same-scan" in r.stderr
    r = run_desk("digitise", code, "giay_to_tuy_than", "--file", str(scan), "--same-scan", home=cli_home)
    assert r.returncode == 0, r.stderr
    assert scan.exists(), "the command line never moves the original"


def test_digitise_refusals_and_exit_codes(cli_home, tmp_path):
    code = intake(cli_home)
    text = tmp_path / "notes.pdf"
    text.write_text("not a scan", encoding="utf-8")
    r = run_desk("digitise", code, "giay_chung_sinh", "--file", str(text), home=cli_home)
    assert r.returncode == 3 and "only PDF, JPEG and PNG" in r.stderr
    r = run_desk("digitise", code, "giay_chung_sinh", "--file", str(tmp_path / "missing.pdf"), home=cli_home)
    assert r.returncode == 4 and "no such file" in r.stderr
    r = run_desk("digitise", code, "so_ho_khau", "--reused", "VNeID", home=cli_home)
    assert r.returncode == 4 and "its components are" in r.stderr
    r = run_desk("digitise", code, "giay_chung_sinh", "--reused", "Zalo", home=cli_home)
    assert r.returncode == 3 and "VNeID" in r.stderr
    r = run_desk("digitise", code, "giay_chung_sinh", "--not-required", home=cli_home)
    assert r.returncode == 3 and "note saying why" in r.stderr
    r = run_desk("digitise", code, "giay_chung_sinh", "--undo", home=cli_home)
    assert r.returncode == 3 and "already pending" in r.stderr
    r = run_desk("digitise", code, "giay_chung_sinh", home=cli_home)  # no way given
    assert r.returncode == 2
    r = run_desk("digitise", code, "giay_chung_sinh", "--undo", "--not-required", home=cli_home)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_advance_through_the_lifecycle_with_json(cli_home):
    code = intake(cli_home, procedure="1.004873", name="Trần Thị Bình")
    r = run_desk("advance", code, "transfer", "--note", "chuyển phòng Tư pháp", "--json", home=cli_home)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["status"] == "transferred" and out["event"]["type"] == "dossier.transferred"
    assert out["event"]["clerk"] == "Nguyễn Thị Lan" and out["allowed_actions"] == [
        "supplement",
        "result",
        "withdraw",
        "stop",
    ]
    r = run_desk(
        "advance",
        code,
        "supplement",
        "--missing",
        "to_khai:chưa ký",
        "--missing",
        "Giấy khác:",
        "--json",
        home=cli_home,
    )
    out = json.loads(r.stdout)
    assert out["status"] == "supplement" and out["paused_at"] == "2026-11-23T09:00:00"
    r = run_desk("advance", code, "resume", "--json", home=cli_home, env={"DESK_NOW": "2026-11-25T10:00:00"})
    out = json.loads(r.stdout)
    assert out["status"] == "transferred" and out["paused_at"] is None
    # due Fri 27/11 09:00; waited Mon 09:00–17:00 (6 h) + Tue 24/11 off + Wed 07:00–10:00 (3 h) = 9 working
    # hours: Fri 09:00 + 6 h closes Friday, the other 3 h end Mon 30/11 10:00
    assert out["due_at"] == "2026-11-30T10:00:00"
    r = run_desk("advance", code, "result", home=cli_home, env={"DESK_NOW": "2026-11-26T10:00:00"})
    assert r.returncode == 0 and "now result_ready" in r.stdout
    r = run_desk(
        "advance",
        code,
        "return",
        "--collected-by",
        "Trần Văn Cường",
        "--satisfaction",
        "rat hai long",
        "--json",
        home=cli_home,
        env={"DESK_NOW": "2026-11-26T14:00:00"},
    )
    out = json.loads(r.stdout)
    assert out["status"] == "returned" and out["collected_by"] == "Trần Văn Cường"
    assert out["satisfaction"] == "Rất hài lòng" and out["returned_at"] == "2026-11-26T14:00:00"
    assert out["allowed_actions"] == []
    r = run_desk("verify", "--json", home=cli_home, env={"DESK_NOW": "2026-11-26T14:00:00"})
    assert json.loads(r.stdout)["ok"] is True


def test_advance_exit_codes(cli_home):
    code = intake(cli_home)
    r = run_desk("advance", code, "return", home=cli_home)
    assert r.returncode == 3
    assert "cannot return a dossier that is received" in r.stderr
    assert "transfer, supplement, result, refuse, withdraw" in r.stderr
    r = run_desk("advance", code, "approve", home=cli_home)
    assert r.returncode == 3 and "unknown action" in r.stderr
    r = run_desk("advance", code, "refuse", home=cli_home)
    assert r.returncode == 3 and "reason" in r.stderr
    r = run_desk("advance", code, "transfer", "--satisfaction", "Hài lòng", home=cli_home)
    assert r.returncode == 3 and "does not take satisfaction" in r.stderr
    r = run_desk("advance", code, "supplement", "--missing", ":no component", home=cli_home)
    assert r.returncode == 3 and "COMPONENT:REASON" in r.stderr
    r = run_desk("advance", "000.00.12.H29-261123-2999", "transfer", home=cli_home)
    assert r.returncode == 4
    r = run_desk("advance", code, "refuse", "--reason", "Không thuộc thẩm quyền", "--json", home=cli_home)
    assert r.returncode == 0 and json.loads(r.stdout)["status"] == "refused"
    r = run_desk("advance", code, "withdraw", home=cli_home)
    assert r.returncode == 3 and "none (the dossier is closed)" in r.stderr
    r = run_desk("digitise", code, "giay_chung_sinh", "--reused", "VNeID", home=cli_home)
    assert r.returncode == 3 and "can no longer change" in r.stderr
