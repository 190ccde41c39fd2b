"""Issue 13, point 3: the unit of today on every form, the place line, Mẫu 05 and 06, signatures kept with
their table, fees the province sets, procedures with no receipt."""

import json

import pytest

from tests.conftest import new_cli_home, run_desk
from tests.test_cli_printing import text_of

SCAN = "001099012345|123456789|Nguyễn Văn An|01011999|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội|15082021"


def flat(text: str) -> str:
    return " ".join(text.split())


def intake(home, procedure="1.001193", *extra):
    r = run_desk("intake", "--procedure", procedure, "--scan", SCAN, "--json", *extra, home=home)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["code"]


def test_the_unit_is_a_setting_printed_on_every_form_and_the_place_defaults_to_the_commune(tmp_path):
    home = new_cli_home(tmp_path / "h")  # `desk init` without --unit-name or --place
    code = intake(home)
    out = tmp_path / "r.pdf"
    assert run_desk("print", "receipt", code, "--out", str(out), home=home).returncode == 0
    text = flat(text_of(out))
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in text and "BỘ PHẬN TIẾP NHẬN" not in text
    assert "Minh Khai, ngày 23 tháng 11 năm 2026" in text  # the commune of "UBND xã Minh Khai"
    assert "Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công, UBND xã Minh Khai" in text

    other = tmp_path / "other"
    r = run_desk(
        "init",
        "--agency-code",
        "000.00.12.H29",
        "--agency-name",
        "UBND phường Hoàn Kiếm",
        "--unit-name",
        "Bộ phận Một cửa",
        "--desk-no",
        "1",
        home=other,
    )
    assert r.returncode == 0, r.stderr
    assert 'unit_name = "Bộ phận Một cửa"' in (other / "desk.toml").read_text(encoding="utf-8")
    assert run_desk("catalog", "import", "--sample", home=other).returncode == 0
    code = intake(other)
    r = run_desk("advance", code, "refuse", "--reason", "Không thuộc thẩm quyền", home=other)
    assert r.returncode == 0, r.stderr
    assert run_desk("print", "refusal", code, "--out", str(out), home=other).returncode == 0
    text = flat(text_of(out))
    assert "BỘ PHẬN MỘT CỬA" in text and "Hoàn Kiếm, ngày" in text
    assert "Bộ phận Một cửa, UBND phường Hoàn Kiếm thông báo không tiếp nhận" in text


def test_stop_notice_mau_05_and_control_slip_mau_06(tmp_path):
    home = new_cli_home(tmp_path / "h")
    code = intake(home, "1.001776", "--received", "giay_xac_nhan_khuyet_tat")
    out = tmp_path / "x.pdf"
    r = run_desk("print", "control", code, "--out", str(out), home=home)
    assert r.returncode == 3 and "not transferred" in r.stderr
    r = run_desk("print", "stop", code, "--out", str(out), home=home)
    assert r.returncode == 3 and "not stopped" in r.stderr
    assert run_desk("advance", code, "transfer", home=home).returncode == 0
    r = run_desk("print", "control", code, "--out", str(out), home=home)
    assert r.returncode == 0, r.stderr
    text = flat(text_of(out))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and code in text
    assert "Tiếp nhận hồ sơ 23/11/2026 09:00 Nguyễn Thị Lan" in text
    assert "Chuyển hồ sơ đến cơ quan giải quyết 23/11/2026 09:00" in text
    r = run_desk("advance", code, "stop", "--reason", "Người yêu cầu đã chết", home=home)
    assert r.returncode == 0, r.stderr
    r = run_desk("print", "stop", code, "--out", str(out), home=home)
    assert r.returncode == 0, r.stderr
    text = flat(text_of(out))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and "Người yêu cầu đã chết" in text
    r = run_desk("show", code, "--json", home=home)
    printed = [e["type"] for e in json.loads(r.stdout)["events"]]
    assert printed.count("document.printed") == 2
    r = run_desk("advance", "--help", home=home)
    assert "Mẫu 05" in flat(r.stdout) and "desk print refusal|stop CODE" in flat(r.stdout)


@pytest.mark.parametrize("kind", ["stop", "control"])
def test_print_help_names_the_new_forms(kind):
    r = run_desk("print", kind, "--help")
    assert r.returncode == 0 and ("Mẫu 05" if kind == "stop" else "Mẫu 06") in r.stdout


def test_a_five_component_a4_receipt_keeps_its_signatures_with_its_table():
    from desk.catalog.formats import sample_catalog_path
    from desk.models import ComponentLine, Form
    from printing.receipt import render_receipt
    from tests.test_printing import KEY, flat, make_dossier, make_procedure, make_settings, pdf_pages

    catalogue = json.loads(sample_catalog_path().read_text(encoding="utf-8"))
    [birth] = [p for p in catalogue["procedures"] if p["code"] == "1.001193"]
    lines = [ComponentLine(code=c["code"], name=c["name"], form=Form.ORIGINAL) for c in birth["components"]]
    assert len(lines) == 5
    dossier = make_dossier(components=lines)
    settings = make_settings()
    pdf = render_receipt(dossier, make_procedure(), settings, KEY, paper="a4", copies=2)
    pages = [flat(p.extract_text()) for p in pdf_pages(pdf)]
    # before: 4 pages, the signature block alone on page 2 of each copy
    assert len(pages) == 2
    for n, text in enumerate(pages, 1):
        assert f"Liên {n}" in text and "1. Thành phần hồ sơ nộp gồm" in text
        assert "Tờ khai đăng ký khai sinh theo mẫu" in text and "Văn bản ủy quyền được chứng thực" in text
        assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "Trần Thị Bích Ngọc" in text
    # a dossier too long for one page: the signatures still go with the lines before them
    from tests.test_printing import long_dossier

    pdf = render_receipt(long_dossier(), make_procedure(), settings, KEY, paper="a4", copies=1)
    pages = [flat(p.extract_text()) for p in pdf_pages(pdf)]
    assert len(pages) > 1
    last = pages[-1]
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in last and "Vào Sổ theo dõi hồ sơ" in last
    assert all("NGƯỜI TIẾP NHẬN HỒ SƠ" not in p for p in pages[:-1])


def test_a_fee_the_province_sets_prints_blank_and_a_procedure_with_an_immediate_result_needs_no_receipt(tmp_path):
    home = new_cli_home(tmp_path / "h")
    code = intake(home, "1.004873")  # the sample says: the province sets its fee
    out = tmp_path / "r.pdf"
    assert run_desk("print", "receipt", code, "--out", str(out), home=home).returncode == 0
    text = flat(text_of(out))
    assert "7. Phí, lệ phí: ……" in text and "Phí, lệ phí: Không" not in text
    code = intake(home, "1.001193")  # free by law: still "Không"
    assert run_desk("print", "receipt", code, "--out", str(out), home=home).returncode == 0
    assert "7. Phí, lệ phí: Không" in flat(text_of(out))

    catalogue = {
        "format": "motcua-desk-catalog/1",
        "procedures": [
            {
                "code": "2.000884",
                "name": "Chứng thực chữ ký",
                "field": "Chứng thực",
                "processing": {"unit": "same_day", "value": 0},
                "immediate_result": True,
                "components": [{"code": "giay_to_can_ky", "name": "Giấy tờ cần ký", "form": "ban_chinh"}],
            }
        ],
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    assert run_desk("catalog", "import", str(path), home=home).returncode == 0
    r = run_desk("catalog", "list", "--json", home=home)
    assert [p["immediate_result"] for p in json.loads(r.stdout) if p["code"] == "2.000884"] == [True]
    r = run_desk("intake", "--procedure", "2.000884", "--name", "Lê Văn Cường", home=home)
    assert r.returncode == 0 and "no receipt (Mẫu 01) is needed" in r.stdout
