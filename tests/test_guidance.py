"""Issue 13, point 1: no receipt for an incomplete dossier; Mẫu 02 guidance of no dossier code instead."""

import json
import sqlite3

import printing
from desk.dossier.documents import print_guidance
from desk.reports.day import day_report
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from tests.conftest import new_cli_home, run_desk
from tests.test_cli_printing import text_of


def rows(home, sql):
    with sqlite3.connect(home / "desk.sqlite3") as db:
        return db.execute(sql).fetchall()


def db_counts(home):
    return tuple(rows(home, f"SELECT count(*) FROM {t}")[0][0] for t in ("dossiers", "component_lines", "events"))


def test_intake_lacking_a_required_component_exits_3_and_writes_nothing(tmp_path):
    home = new_cli_home(tmp_path / "h")
    before = db_counts(home)
    r = run_desk("intake", "--procedure", "1.004873", "--name", "Nguyễn Văn An", "--missing", "to_khai", home=home)
    assert r.returncode == 3
    assert "to_khai (Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu)" in r.stderr
    assert "desk print guidance --procedure 1.004873" in r.stderr
    assert db_counts(home) == before


def test_print_guidance_records_one_event_of_no_dossier_and_the_day_report_counts_it(tmp_path):
    home = new_cli_home(tmp_path / "h")
    out = tmp_path / "m02.pdf"
    r = run_desk(
        "print",
        "guidance",
        "--procedure",
        "1.004873",
        "--missing",
        "to_khai:chưa khai",
        "--missing",
        "Chữ ký của người yêu cầu",
        "--name",
        "Nguyễn Văn An",
        "--out",
        str(out),
        home=home,
    )
    assert r.returncode == 0, r.stderr
    text = " ".join(text_of(out).split())
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân" in text and "chưa khai" in text
    assert "Chữ ký của người yêu cầu" in text and "Nguyễn Văn An" in text and "Mã hồ sơ" not in text
    # nothing but the guidance event: no dossier, no code
    assert db_counts(home)[:2] == (0, 0)
    events = rows(home, "SELECT type, dossier_code, clerk, at, payload FROM events")
    assert [(e[0], e[1]) for e in events] == [("guidance.issued", "")]
    payload = json.loads(events[0][4])
    assert events[0][2] == "Nguyễn Thị Lan" and events[0][3] == "2026-11-23T09:00:00"
    assert payload["guidance"]["procedure_code"] == "1.004873"
    assert [m["component"] for m in payload["guidance"]["missing"]] == ["to_khai", ""]
    assert payload["print"]["details"]["form"] == "Mẫu 02"
    assert run_desk("verify", home=home).returncode == 0
    r = run_desk("report", "day", "--out", str(tmp_path / "day.pdf"), "--json", home=home)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["report"]["guidance_issued"] == 1
    day = " ".join(text_of(tmp_path / "day.pdf").split())
    assert "Tiếp nhận Hướng dẫn Từ chối" in day and "Chờ trả 0 1 0" in day


def test_guidance_needs_something_missing(tmp_path):
    home = new_cli_home(tmp_path / "h")
    r = run_desk(
        "print", "guidance", "--procedure", "1.004873", "--missing", " ", "--out", str(tmp_path / "x.pdf"), home=home
    )
    assert r.returncode == 3 and "at least one" in r.stderr
    assert db_counts(home)[2] == 0


def test_the_guidance_event_travels_in_a_bundle_to_the_hub(make_desk, out, tmp_path):
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    result = print_guidance(
        a,
        "1.001193",
        [("giay_chung_sinh", "chưa có")],
        renderer=printing.RENDERER,
        sender=printing.send_to_printer,
        out=tmp_path / "g.pdf",
    )
    assert result.ok
    imported = import_bundle(hub, export_bundle(a, out).path)
    assert imported.imported_events == 1
    kinds = hub.db.execute("SELECT type, dossier_code FROM events").fetchall()
    assert [tuple(k) for k in kinds] == [("guidance.issued", "")]
    assert day_report(hub).guidance == 1


def test_optional_components_default_to_not_received_and_shown_papers_are_not_handed_in(tmp_path):
    home = new_cli_home(tmp_path / "h")
    r = run_desk(
        "intake",
        "--procedure",
        "1.001193",
        "--name",
        "Nguyễn Văn An",
        "--received",
        "van_ban_uy_quyen",
        "--reused",
        "giay_chung_sinh=VNeID",
        "--json",
        home=home,
    )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    lines = {c["code"]: c for c in d["components"]}
    assert lines["van_ban_uy_quyen"]["received"] and not lines["giay_chung_nhan_ket_hon"]["received"]
    card = lines["giay_to_tuy_than"]  # the catalogue gives the ID card as shown (xuất trình)
    assert card["form"] == "xuat_trinh" and card["digitisation"] == "not_required" and not card["must_digitise"]
    assert lines["giay_chung_sinh"]["digitisation"] == "reused_store"
    out = tmp_path / "r.pdf"
    assert run_desk("print", "receipt", d["code"], "--out", str(out), home=home).returncode == 0
    text = " ".join(text_of(out).split())
    assert "Tờ khai đăng ký khai sinh" in text and "Văn bản ủy quyền" in text
    assert "Giấy tờ tùy thân" not in text and "Giấy chứng nhận kết hôn" not in text
