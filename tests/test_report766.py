"""Numbers the supervisor can trust (issue 18 point 5): 1.4 as the portal means it, the per-desk QĐ 766 report
of a hub (PDF, CSV, the late list), and the running sums on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import indicator_sums
from desk import clock
from desk.context import open_desk
from desk.reports import qd766
from tests.forward_world import World, forwarder


@pytest.fixture
def world(tmp_path, now) -> World:
    """A desk and its hub on the home's SQLite (these tests read the hub's own running sums)."""
    return World(tmp_path, "")


def test_1_4_at_a_hub_counts_what_the_portal_acknowledged(world, portal):
    world.intake("Nguyễn Văn Một", "Trần Thị Hai")
    at_desk = world.at(world.desk_home, lambda d: qd766.compute(d, clock.now().date()))
    # a desk cannot know the portal: its 1.4 is "sent to the hub", and nothing was sent yet
    assert at_desk.synced_means == "hub" and at_desk.overall.unsynced == 2
    assert qd766.name("1.4", at_desk.synced_means) == "synced (sent to the hub)"
    world.carry()
    hub = open_desk(world.hub_home)
    try:
        before = qd766.compute(hub, clock.now().date())
        assert before.synced_means == "portal" and before.overall.accepted == 2
        assert (before.overall.unsynced, before.overall.rate("1.4")) == (2, 0.0)  # arrived, not forwarded
        result = forwarder(hub).pass_once()
        assert result.acknowledged == 2
        after = qd766.compute(hub, clock.now().date())
        assert (after.overall.unsynced, after.overall.rate("1.4")) == (0, 1.0)
        assert after.to_json()["synced_means"] == "portal"
        assert indicator_sums.recount_differences(hub.db) == []  # the running sum equals a recount
    finally:
        hub.close()


def test_the_migration_fills_1_4_from_the_outbox(world, portal):
    """A hub whose sums were made before the ``synced`` column: m016 adds it and counts the acknowledged."""
    world.received("Lê Văn Ba")
    hub = open_desk(world.hub_home)
    try:
        forwarder(hub).pass_once()
        with hub.db.conn:
            hub.db.execute("UPDATE indicator_facts SET synced = 0")
            hub.db.execute("UPDATE indicator_sums SET synced = 0")
            indicator_sums.add_synced_column(hub.db)
        assert indicator_sums.recount_differences(hub.db) == []
        assert qd766.compute(hub, clock.now().date()).overall.unsynced == 0
    finally:
        hub.close()


# --- the per-desk report of a hub ------------------------------------------------------------------------


def _two_desks_at_a_hub(make_desk, now, out):
    """Desk 1: DOMAIN.md's worked example (T2 finished late, T4 overdue). Desk 2: one dossier finished
    before its due time after two supplement requests (late by the rule, not by the clock), one on time."""
    from desk.dossier import lifecycle
    from desk.sync.bundle_read import import_bundle
    from desk.sync.bundle_write import export_bundle
    from tests.test_qd766 import take_in, worked_example

    a, b, hub = make_desk("a", 1), make_desk("b", 2), make_desk("hub", 0)
    codes = worked_example(a, now)
    twice = take_in(b, now, "2026-11-23T08:00", "1.001776", "Đỗ Văn Quý")
    ok = take_in(b, now, "2026-11-23T08:10", "1.001193", "Hồ Thị Sáu")
    for ask, back in (("09:00", "10:00"), ("11:00", "13:30")):
        now(f"2026-11-23T{ask}")
        lifecycle.request_supplement(b, twice, [("to_khai", "Thiếu chữ ký")])
        now(f"2026-11-23T{back}")
        lifecycle.resume(b, twice)
    now("2026-11-23T15:00")
    lifecycle.record_result(b, twice)
    lifecycle.record_result(b, ok)
    now("2026-11-24T08:00")
    for desk in (a, b):
        import_bundle(hub, export_bundle(desk, out).path)
    return hub, {**codes, "twice": twice, "ok": ok}


def test_the_hub_report_gives_the_766_figures_per_desk_and_the_late_list(make_desk, now, out):
    from desk.reports import report766
    from tests.test_qd766 import MON

    hub, c = _two_desks_at_a_hub(make_desk, now, out)
    r = report766.supervisor_report(hub, MON)
    figures = qd766.compute(hub, MON)
    assert [d.label for d in r.desks] == ["Quầy 1", "Quầy 2"]
    for row, group in zip(r.desks, figures.by_desk, strict=True):  # the numbers per desk are the 766 figures
        assert row.counts.to_json() == group.counts.to_json()
    assert f"{r.desks[0].counts.rate('2.1') * 100:.2f}" == "60.00"
    assert f"{r.desks[1].counts.rate('2.1') * 100:.2f}" == "50.00"
    # the late list is exactly what 2.1 counts late, each with its rule
    assert r.late_total == figures.overall.late == len(r.late) == 3
    why = {x.code: (x.finished, x.reasons) for x in r.late}
    assert why == {
        c["T2"]: (True, ("past_due",)),
        c["T4"]: (False, ("past_due",)),
        c["twice"]: (True, ("supplements",)),
    }
    assert r.late[2].supplements == 2 and "2 lần" in r.late[2].reasons_vi()
    # one desk only
    only = report766.supervisor_report(hub, MON, desk_no=2, agency=r.desks[1].agency_code)
    assert [x.code for x in only.late] == [c["twice"]] and [d.label for d in only.desks] == ["Quầy 2"]


def test_cli_writes_the_csvs_a_supervisor_opens_in_excel(make_desk, now, out, tmp_path):
    import csv

    from tests.desk_helpers import run_desk

    hub, c = _two_desks_at_a_hub(make_desk, now, out)
    desks, late = tmp_path / "766.csv", tmp_path / "tre-han.csv"
    env = {"DESK_NOW": "2026-11-24T08:00"}
    r = run_desk(
        "report", "766", "--from", "2026-11-23", "--out", str(desks), "--late-out", str(late), "--late",
        home=hub.home.root, env=env,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Quầy 1" in r.stdout and "60.00 %" in r.stdout and "3 dossiers counted late by 2.1" in r.stdout
    assert f"{c['twice']}" in r.stdout and "more than one supplement request (2)" in r.stdout
    raw = desks.read_bytes()
    assert raw.startswith("\ufeff".encode())  # the BOM: Excel reads UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [row["Quầy"] for row in rows] == [
        "Quầy 1",
        "Quầy 2",
        "UBND xã Minh Khai",
    ]  # one row per desk, then the total
    assert rows[0]["2.1 (%)"] == "60.00" and rows[1]["2.1 (%)"] == "50.00" and rows[2]["Trễ hạn"] == "3"
    # received in the period 3 (T2, T4 earlier); none forwarded to the portal yet; no event missing
    assert (rows[0]["Tiếp nhận"], rows[0]["Chưa đồng bộ"], rows[0]["Seq còn thiếu"]) == ("3", "3", "")
    listed = list(csv.DictReader(late.read_bytes().decode("utf-8-sig").splitlines()))
    assert {row["Mã hồ sơ"]: row["Lý do trễ hạn"] for row in listed} == {
        c["T4"]: "quá hạn",
        c["T2"]: "quá hạn",
        c["twice"]: "yêu cầu bổ sung quá 1 lần (2 lần)",
    }
    assert {row["Tình trạng"] for row in listed} == {"Đã xử lý xong", "Đang giải quyết"}


def _pdf_text(path) -> tuple[int, str]:
    import unicodedata

    from pypdf import PdfReader

    reader = PdfReader(str(path))
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))
    return len(reader.pages), " ".join(text.split())  # a cell's text may wrap


def test_the_pdf_is_one_a4_page_with_every_desk_and_the_late_list(make_desk, now, out, tmp_path):
    from tests.desk_helpers import run_desk

    hub, c = _two_desks_at_a_hub(make_desk, now, out)
    pdf = tmp_path / "766.pdf"
    import os

    if os.environ.get("KEEP_PDF"):
        pdf = Path(os.environ["KEEP_PDF"])
    r = run_desk("report", "766", "--from", "2026-11-23", "--out", str(pdf), home=hub.home.root,
                 env={"DESK_NOW": "2026-11-24T08:00"})  # fmt: skip
    assert r.returncode == 0, r.stderr
    pages, text = _pdf_text(pdf)
    assert pages == 1
    assert "BÁO CÁO CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP THEO QUẦY" in text
    assert "60,00 %" in text and "50,00 %" in text and "Chưa đạt" in text
    assert "HỒ SƠ TRỄ HẠN THEO CHỈ SỐ 2.1 (3 hồ sơ)" in text
    for code in (c["T2"], c["T4"], c["twice"]):
        assert code in text
    assert "bổ sung quá 1 lần (2 lần)" in text and "Cổng Dịch vụ công quốc gia tiếp nhận" in text


def test_many_desks_still_fit_one_page_and_it_says_how_it_continues():
    """600 desks and 500 late dossiers: one page, the desks lowest on time shown, the rest counted."""
    from datetime import date, datetime

    from desk.models import Agency, PrintSettings
    from desk.reports import report766
    from desk.reports.day import DeskSync
    from printing.report766 import build_report766

    desks = []
    for n in range(600):
        counts = qd766.Counts(accepted=20, finished=20, on_time=10 + n % 10, unsynced=n % 3)
        label = f"Quầy {n % 9 + 1} ({n:03d})"
        desks.append(report766.DeskRow(f"A{n:03d}/{n % 9 + 1}", label, f"A{n:03d}", n % 9 + 1, counts,
                                       DeskSync(f"d{n}", f"A{n:03d}", n % 9 + 1, 40, 40)))  # fmt: skip
    overall = qd766.Counts(accepted=12000, finished=12000, on_time=9000)
    figures = qd766.Report766(date(2026, 11, 23), date(2026, 11, 23), datetime(2026, 11, 24), {"2.1": 0.96},
                              overall, [], [], [])  # fmt: skip
    late = [
        report766.LateDossier(f"A{n:03d}-261123-{n:04d}", f"A{n:03d}", 1, "Quầy 1", "1.001193", "Đăng ký khai sinh",
                              datetime(2026, 11, 20), datetime(2026, 11, 21), None, 0, ("past_due",))
        for n in range(500)
    ]  # fmt: skip
    report = report766.SupervisorReport(
        Agency("000.00.12.H29", "UBND xã Minh Khai", 0, "hub", place="Minh Khai"), "Trần Văn Hùng", datetime(2026, 11, 24), figures,
        desks, late, hub=True, names={i: qd766.NAMES[i] for i in qd766.INDICATORS},
    )  # fmt: skip
    rendered = build_report766(report, PrintSettings(agency=report.agency))
    import os

    if os.environ.get("KEEP_PDF"):
        Path(os.environ["KEEP_PDF"]).write_bytes(rendered.pdf)
    assert len(rendered.pages) == 1
    import io
    import unicodedata

    from pypdf import PdfReader

    text = " ".join(unicodedata.normalize("NFC", PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text()).split())
    assert "THEO QUẦY (600 quầy)" in text and "quầy có tỷ lệ giải quyết đúng hạn thấp nhất; còn" in text
    assert "xem tệp CSV (desk report 766 --out TỆP.csv)" in text
    assert "Quầy 1 (000)" in text  # the lowest on time (10 of 20) come first
    assert "hồ sơ trễ hạn khác: danh sách đầy đủ trong tệp CSV" in text


# --- the running sums on PostgreSQL --------------------------------------------------------------------


def test_766_per_desk_counts_every_desk_on_either_store(tmp_path, now, hub_store):
    """A hub on SQLite or PostgreSQL: ``desk report indicators`` and ``desk report 766`` count every desk's
    dossiers (no ``report.home_only``), the same figures and the same late list on both stores."""
    import json

    from desk.dossier import lifecycle
    from tests.conftest import run_desk
    from tests.test_hub_store import export, make_desk, make_hub
    from tests.test_qd766 import take_in, worked_example

    hub = make_hub(tmp_path / "hub", hub_store)
    desks = [make_desk(tmp_path / "a", 1, hub), make_desk(tmp_path / "b", 2, hub)]
    a, b, own = (open_desk(h) for h in (*desks, hub))
    try:
        at_hub = take_in(own, now, "2026-11-23T09:00", "1.001193", "Vũ Văn Hub")  # its own counter: its home
        c = worked_example(a, now)
        twice = take_in(b, now, "2026-11-23T08:00", "1.001776", "Đỗ Văn Quý")
        for ask, back in (("09:00", "10:00"), ("11:00", "13:30")):
            now(f"2026-11-23T{ask}")
            lifecycle.request_supplement(b, twice, [("to_khai", "Thiếu chữ ký")])
            now(f"2026-11-23T{back}")
            lifecycle.resume(b, twice)
        now("2026-11-23T15:00")
        lifecycle.record_result(b, twice)
        now("2026-11-24T08:00")
    finally:
        a.close()
        b.close()
        own.close()
    for n, h in enumerate(desks):
        r = run_desk("import", str(export(h, tmp_path / f"u{n}")), home=hub.root)
        assert r.returncode == 0, r.stderr
    env = {"DESK_NOW": "2026-11-24T08:00"}
    r = run_desk("report", "indicators", "--from", "2026-11-23", "--json", home=hub.root, env=env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [(g["label"], g["counts"]["population"], g["counts"]["late"]) for g in doc["by_desk"]] == [
        ("Quầy 0", 1, 1),  # the hub's own counter (same-day, never handled): in its home, counted too
        ("Quầy 1", 5, 2),
        ("Quầy 2", 1, 1),
    ]
    assert f"{doc['by_desk'][1]['rates']['2.1'] * 100:.2f}" == "60.00" and doc["synced_means"] == "portal"
    assert doc["overall"]["counts"]["unsynced"] == doc["overall"]["counts"]["accepted"] == 5  # none forwarded
    assert r.stderr == ""  # no report.home_only: every desk is counted
    view = run_desk("report", "indicators", "--from", "2026-11-23", "--view", "desk", "--json", home=hub.root, env=env)
    warnings = [w["code"] for w in json.loads(view.stdout)["warnings"]]
    assert warnings == (["report.home_only"] if hub_store else [])  # the desk view is still the home's own there
    r = run_desk("report", "766", "--from", "2026-11-23", "--json", home=hub.root, env=env)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert [d["label"] for d in report["desks"]] == ["Quầy 0", "Quầy 1", "Quầy 2"]
    assert report["late_total"] == 4
    assert {x["code"]: x["reasons"] for x in report["late"]} == {
        at_hub: ["past_due"],
        c["T2"]: ["past_due"],
        c["T4"]: ["past_due"],
        twice: ["supplements"],
    }
    # the sums follow a change: the overdue T4 finished at desk 1 and imported again
    a = open_desk(desks[0])
    try:
        now("2026-11-24T09:00")
        lifecycle.transfer(a, c["T4"])
        lifecycle.record_result(a, c["T4"])
    finally:
        a.close()
    assert run_desk("import", str(export(desks[0], tmp_path / "u9")), home=hub.root).returncode == 0
    r = run_desk("report", "766", "--from", "2026-11-24", "--json", home=hub.root, env={"DESK_NOW": "2026-11-24T18:00"})
    day = json.loads(r.stdout)
    assert {x["code"]: x["state"] for x in day["late"]} == {c["T4"]: "finished", at_hub: "in_progress"}
    assert day["desks"][1]["counts"]["finished"] == 1
