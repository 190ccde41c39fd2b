"""The end-of-day report: PDF text layer, CSV columns, the hub's reconciliation, the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pypdf
import pytest

from desk.context import open_desk
from desk.dossier import lifecycle
from desk.dossier.documents import print_settings
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.reports.day import CSV_HEADER, day_report, report_csv
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from printing.report import build_day_report, render_day_report
from tests.conftest import new_home, run_desk
from tests.desk_helpers import know_each_other
from tests.test_indicators import MON, take_in, week

AGENCY = "000.00.12.H29"


def pdf_text(data: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def no_overlaps(rendered) -> None:
    boxes = [b for b in rendered.boxes() if b.kind in ("text", "drawing")]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), f"{a.text!r} overlaps {b.text!r}"
    for page in rendered.pages:
        for b in rendered.boxes():
            assert 0 <= b.x0 and b.x1 <= page.width + 0.5 and 0 <= b.y0 and b.y1 <= page.height + 0.5


@pytest.fixture
def monday(desk, now, tmp_path, signer):
    codes = week(desk, now, tmp_path)
    return day_report(desk, MON), codes


def test_pdf_has_the_figures_in_vietnamese(desk, monday):
    report, codes = monday
    rendered = build_day_report(report, print_settings(desk.settings))
    assert len(rendered.pages) == 1
    text = flat(pdf_text(rendered.pdf)[0])
    for part in (
        "UBND XÃ MINH KHAI",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ TRONG NGÀY",
        "Ngày 23 tháng 11 năm 2026",
        "Quầy 1 - Người lập báo cáo: Nguyễn Thị Lan - Số liệu tính đến 23/11/2026 16:45",
        "Tiếp nhận Hướng dẫn Từ chối Rút hồ sơ Dừng xử lý Có kết quả Đã trả Đang giải quyết Quá hạn Chờ trả",
        "6 0 1 1 0 3 3 4 1 0",
        "Tỷ lệ giải quyết đúng hạn 2/3 hồ sơ có kết quả 66,7 % ≥ 96 % Chưa đạt",
        "Thời gian xử lý trung bình 3 hồ sơ, không tính thời gian chờ bổ sung 4,5 giờ làm việc",
        "Tỷ lệ số hóa hồ sơ 2/5 hồ sơ tiếp nhận 40,0 % ≥ 80 % Chưa đạt",
        "Tỷ lệ tái sử dụng dữ liệu 1/5 hồ sơ tiếp nhận 20,0 % ≥ 80 % Chưa đạt",
        "100 % − (trễ hạn 33,3 % + không hài lòng 33,3 %) 33,3 % ≥ 90 % Chưa đạt",
        "Tỷ lệ đồng bộ 0/6 hồ sơ tiếp nhận 0,0 %",
        "Hồ sơ tiếp nhận theo thủ tục",
        "Hồ sơ có kết quả: đúng hạn và trễ hạn",
        "HỒ SƠ QUÁ HẠN (1 hồ sơ, tính đến 23/11/2026 16:45)",
        codes["D8"],
        "Chứng thực bản sao từ bản chính",
        "Ngô Văn Sơn",
        "19/11/2026 17:00",
        "2,0 ngày",  # 945 working minutes
        "NGƯỜI LẬP BÁO CÁO",
        "Đúng hạn: 66,7 %",
        "Trễ hạn: 33,3 %",
    ):
        assert part in text, part
    assert "và " not in text.split("HỒ SƠ QUÁ HẠN")[1].split("NGƯỜI LẬP")[0]
    no_overlaps(rendered)


def test_empty_day_pdf_says_so(desk):
    report = day_report(desk, MON)
    rendered = build_day_report(report, print_settings(desk.settings))
    text = flat(pdf_text(rendered.pdf)[0])
    assert "Tỷ lệ giải quyết đúng hạn 0/0 hồ sơ có kết quả — ≥ 96 % —" in text
    assert "Không có hồ sơ tiếp nhận trong kỳ" in text
    assert "Chưa có hồ sơ có kết quả trong kỳ" in text
    assert "Không có hồ sơ quá hạn." in text
    assert len(rendered.pages) == 1


def test_a_long_overdue_list_stays_on_one_page(desk, now):
    for i in range(45):
        take_in(desk, now, "2026-11-19T09:00", "2.000815", f"Người nộp số {i + 1}")
    now("2026-11-23T16:00")
    report = day_report(desk, MON)
    assert report.indicators.overall.overdue == 45
    rendered = build_day_report(report, print_settings(desk.settings))
    assert len(rendered.pages) == 1
    text = flat(pdf_text(rendered.pdf)[0])
    listed = sum(1 for o in report.overdue if o.code in text)
    assert 10 <= listed < 45
    assert f"và {45 - listed} hồ sơ khác." in text
    no_overlaps(rendered)


def test_range_title(desk, monday):
    report = day_report(desk, date(2026, 11, 19), MON)
    text = flat(pdf_text(render_day_report(report, print_settings(desk.settings)))[0])
    assert (
        "BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ Từ ngày 19 tháng 11 năm 2026 đến ngày 23 tháng 11 năm 2026"
        in text
    )


def test_csv_columns_and_figures(desk, monday):
    report, _ = monday
    data = report_csv(report)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[0][:8] == ["Phạm vi", "Mã", "Tên", "Từ ngày", "Đến ngày", "Tiếp nhận", "Từ chối", "Rút hồ sơ"]
    table = [dict(zip(rows[0], r)) for r in rows[1:]]
    overall = table[0]
    assert (overall["Phạm vi"], overall["Tên"], overall["Từ ngày"], overall["Đến ngày"]) == (
        "Tổng hợp",
        "UBND xã Minh Khai",
        "2026-11-23",
        "2026-11-23",
    )
    expect = {
        "Tiếp nhận": "6",
        "Từ chối": "1",
        "Rút hồ sơ": "1",
        "Có kết quả": "3",
        "Đúng hạn": "2",
        "Trễ hạn": "1",
        "Tỷ lệ đúng hạn (%)": "66.7",
        "Thời gian xử lý TB (giờ làm việc)": "4.5",
        "Không hài lòng": "1",
        "Tỷ lệ phản ánh (%)": "33.3",
        "Mức độ hài lòng (%)": "33.3",
        "Tỷ lệ số hóa (%)": "40.0",
        "Tỷ lệ tái sử dụng (%)": "20.0",
        "Tỷ lệ đồng bộ (%)": "0.0",
        "Đang giải quyết": "4",
        "Quá hạn": "1",
        "Seq còn thiếu": "",
    }
    assert {k: overall[k] for k in expect} == expect
    scopes = [r["Phạm vi"] for r in table]
    assert scopes[:3] == ["Tổng hợp", "Quầy", "Cán bộ"] and set(scopes[3:]) == {"Thủ tục"}
    births = next(r for r in table if r["Mã"] == "1.001193")
    assert (births["Tên"], births["Tiếp nhận"], births["Có số hóa"]) == ("Đăng ký khai sinh", "2", "2")
    # undefined rates are empty cells, not 0
    withdrawn_only = next(r for r in table if r["Mã"] == "2.000635")
    assert withdrawn_only["Tỷ lệ đúng hạn (%)"] == "" and withdrawn_only["Mức độ hài lòng (%)"] == ""


# --- the hub ---------------------------------------------------------------------------------


@pytest.fixture
def make_home(tmp_path, now):
    opened = []

    def make(name: str, desk_no: int, clerk: str):
        d = open_desk(new_home(tmp_path / name, agency_code=AGENCY, desk_no=desk_no, clerk=clerk))
        know_each_other(d, opened)  # enrolled at each other: any may act as the hub
        opened.append(d)
        return d

    yield make
    for d in opened:
        d.close()


def _intake(desk, name, procedure="2.000815"):
    d, _ = receive(desk, IntakeRequest(procedure_code=procedure, applicant=ApplicantInput(name=name)))
    return d.code


@pytest.fixture
def hub_with_a_gap(make_home, now, tmp_path):
    """Desk 1 sends everything; desk 2's second bundle (events 2–3) never arrives."""
    one = make_home("desk1", 1, "Nguyễn Thị Lan")
    two = make_home("desk2", 2, "Trần Văn Hùng")
    hub = make_home("hub", 9, "Lê Thị Giám Sát")
    usb = tmp_path / "usb"
    usb.mkdir()
    bundles = []
    now("2026-11-23T08:00")
    a = _intake(one, "Nguyễn Văn An")
    now("2026-11-23T08:30")
    lifecycle.record_result(one, a)  # same day, on time
    bundles.append(export_bundle(one, usb).path)
    now("2026-11-23T09:00")
    _intake(two, "Phạm Thị Hương")  # seq 1
    bundles.append(export_bundle(two, usb).path)
    now("2026-11-23T10:00")
    b = _intake(two, "Lê Văn Ba")  # seq 2
    lifecycle.transfer(two, b)  # seq 3
    lost = export_bundle(two, usb).path
    now("2026-11-23T11:00")
    _intake(two, "Đỗ Thị Hà")  # seq 4
    bundles.append(export_bundle(two, usb).path)
    for path in bundles:
        import_bundle(hub, path)
    now("2026-11-23T16:00")
    return hub, lost


def test_hub_report_has_one_line_per_desk_and_names_the_missing_range(hub_with_a_gap):
    hub, _ = hub_with_a_gap
    report = day_report(hub, MON)
    assert report.hub
    assert [
        (d.label, d.figures.received, d.sync.events, d.sync.last_seq, d.sync.missing_ranges()) for d in report.desks
    ] == [("Quầy 1", 1, 2, 2, ""), ("Quầy 2", 2, 2, 4, "2–3")]
    assert report.indicators.overall.received == 3
    assert [(g.first_seq, g.last_seq) for g in report.gaps] == [(2, 3)]
    rendered = build_day_report(report, print_settings(hub.settings))
    assert len(rendered.pages) == 1
    text = flat(pdf_text(rendered.pdf)[0])
    for part in (
        "Tổng hợp 2 quầy - Người lập báo cáo: Lê Thị Giám Sát",
        "THEO QUẦY VÀ ĐỐI SOÁT DỮ LIỆU ĐỒNG BỘ",
        "Quầy 1 1 1 100,0 % 0 2 2 không",
        "Quầy 2 2 0 — 0 2 4 2–3",
        "Quầy 2: đã phát sinh đến sự kiện số 4, đã nhận 2; còn thiếu sự kiện số 2–3 (2 sự kiện)",
    ):
        assert part in text, part
    no_overlaps(rendered)
    rows = list(csv.DictReader(io.StringIO(report_csv(report).decode("utf-8-sig"))))
    desks = [r for r in rows if r["Phạm vi"] == "Quầy"]
    assert [(r["Tên"], r["Sự kiện đã nhận"], r["Seq cao nhất"], r["Seq còn thiếu"]) for r in desks] == [
        ("Quầy 1", "2", "2", ""),
        ("Quầy 2", "2", "4", "2–3"),
    ]


def test_hub_report_after_the_missing_bundle_arrives(hub_with_a_gap):
    hub, lost = hub_with_a_gap
    import_bundle(hub, lost)
    report = day_report(hub, MON)
    assert report.gaps == []
    text = flat(pdf_text(render_day_report(report, print_settings(hub.settings)))[0])
    assert "Đã nhận đủ dữ liệu của các quầy, không thiếu sự kiện nào." in text
    assert "Quầy 2 3 0 — 0 4 4 không" in text


def test_a_desk_home_is_not_a_hub(desk, monday):
    report, _ = monday
    assert not report.hub and report.desks == []
    assert "ĐỐI SOÁT" not in pdf_text(render_day_report(report, print_settings(desk.settings)))[0]


# --- the CLI ---------------------------------------------------------------------------------


def test_cli_report_day_pdf_csv_json_and_exit_codes(desk, monday, home, tmp_path):
    env = {"DESK_NOW": "2026-11-23T16:45:00"}
    pdf = tmp_path / "bao-cao.pdf"
    r = run_desk("report", "day", "--out", str(pdf), home=home.root, env=env)
    assert r.returncode == 0, r.stderr
    assert "written to" in r.stdout
    assert "66,7 %" in flat(pdf_text(pdf.read_bytes())[0])
    kept = desk.db.execute("SELECT payload FROM events WHERE type = 'document.printed'").fetchall()
    assert json.loads(kept[-1][0])["print"]["kind"] == "report"

    out = tmp_path / "bao-cao.csv"
    r = run_desk("report", "day", "--date", "2026-11-23", "--out", str(out), "--json", home=home.root, env=env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["format"] == "csv" and doc["path"] == str(out)
    overall = doc["report"]["indicators"]["overall"]
    assert (overall["received"], overall["finished_on_time"]) == (6, 2)
    assert overall["on_time_rate"] == pytest.approx(2 / 3)
    assert doc["report"]["overdue_total"] == 1
    assert out.read_bytes().startswith("\ufeff".encode())

    assert run_desk("report", "day", "--out", str(tmp_path / "x.txt"), home=home.root).returncode == 3
    assert run_desk("report", "day", "--date", "23/11/2026", "--out", str(pdf), home=home.root).returncode == 3
    r = run_desk("report", "day", "--date", "2026-11-23", "--to", "2026-11-20", "--out", str(pdf), home=home.root)
    assert r.returncode == 3 and "before it starts" in r.stderr
    assert run_desk("report", "day", "--to", "2026-11-20", "--out", str(pdf), home=home.root).returncode == 3
    assert run_desk("report", "bogus", home=home.root).returncode == 2
    assert run_desk("report", "day", "--out", str(pdf), home=tmp_path / "nowhere").returncode == 3


def test_cli_report_register_for_a_range(desk, now, home, tmp_path):
    early = take_in(desk, now, "2026-11-19T09:00", "2.000815", "Ngô Văn Sơn")
    late = take_in(desk, now, "2026-11-23T09:00", "2.000815", "Vũ Minh Châu")
    out = tmp_path / "so.pdf"
    r = run_desk("report", "register", "--date", "2026-11-19", "--to", "2026-11-23", "--out", str(out), home=home.root)
    assert r.returncode == 0, r.stderr
    text = flat(" ".join(pdf_text(out.read_bytes())))
    assert early in text and late in text
    assert "Từ ngày 19 tháng 11 năm 2026 đến ngày 23 tháng 11 năm 2026" in text
    r = run_desk("report", "register", "--date", "2026-11-23", "--out", str(out), home=home.root)
    text = flat(" ".join(pdf_text(out.read_bytes())))
    assert late in text and early not in text


def test_cli_hub_report_warns_of_the_gap(hub_with_a_gap, tmp_path):
    hub, _ = hub_with_a_gap
    r = run_desk(
        "report", "day", "--out", str(tmp_path / "hub.csv"), home=hub.home.root, env={"DESK_NOW": "2026-11-23T16:00:00"}
    )
    assert r.returncode == 0, r.stderr
    assert "Quầy 2: 2 events up to seq 4, missing 2–3" in r.stdout
    assert "events 2–3 have not arrived" in r.stderr


def test_report_imports_no_pdf_library_in_the_core():
    import subprocess
    import sys

    code = (
        "import sys, desk.reports.indicators, desk.reports.day, desk.cli.reports\n"
        "print(','.join(m for m in ('textual', 'rich', 'reportlab') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
