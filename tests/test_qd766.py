"""QĐ 766 as the portal computes it (desk.reports.qd766, db.indicator_sums): DOMAIN.md's worked example,
supplements, digitisation by signed scans, reuse over accepted dossiers, the running sums against a recount.

DOMAIN.md's worked example, period Mon 23/11/2026 counted at the end of the day (due dates from the
sample catalogue: 1.004873 takes 3 working days, 1.001193 is same-day, 1.001776 10 working days):

    T1 received 23/11 08:00 (same-day), result 10:00 → on time; returned "Không hài lòng"
    T2 received Mon 16/11 09:00 (3 days: due Thu 19/11), result 23/11 → late
    T3 received 23/11 09:00 (10 days), in progress → within time
    T4 received Fri 13/11 (3 days: due 18/11), in progress → overdue
    T5 received 23/11 14:00 (10 days), in progress → within time
    2.1 = 3 / 5 = 60.00 %; 5.4 = 100 − (40 + 20) = 40.00 %
"""

from __future__ import annotations

from datetime import date, datetime

from db import indicator_sums
from desk.dossier import lifecycle
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.reports import qd766

MON = date(2026, 11, 23)


def take_in(desk, now, at: str, procedure: str, name: str, **extra) -> str:
    now(at)
    d, _ = receive(desk, IntakeRequest(procedure_code=procedure, applicant=ApplicantInput(name=name), **extra))
    return d.code


def worked_example(desk, now) -> dict[str, str]:
    c = {}
    c["T4"] = take_in(desk, now, "2026-11-13T09:00", "1.004873", "Ngô Văn Tư")
    c["T2"] = take_in(desk, now, "2026-11-16T09:00", "1.004873", "Trần Thị Hai")
    c["T1"] = take_in(desk, now, "2026-11-23T08:00", "1.001193", "Nguyễn Văn Một")
    c["T3"] = take_in(desk, now, "2026-11-23T09:00", "1.001776", "Lê Văn Ba")
    now("2026-11-23T10:00")
    lifecycle.record_result(desk, c["T1"])
    lifecycle.transfer(desk, c["T2"])
    lifecycle.record_result(desk, c["T2"])
    now("2026-11-23T11:00")
    lifecycle.return_result(desk, c["T1"], satisfaction="Không hài lòng")
    c["T5"] = take_in(desk, now, "2026-11-23T14:00", "1.001776", "Phạm Thị Năm")
    now("2026-11-24T08:00")  # the next morning: the day is counted at its end
    return c


def test_worked_example_gives_the_portals_60_percent(desk, now):
    worked_example(desk, now)
    r = qd766.compute(desk, MON)
    c = r.overall
    assert r.as_of == datetime(2026, 11, 24)
    assert (c.finished, c.on_time, c.open, c.open_within, c.population) == (2, 1, 3, 2, 5)
    assert f"{c.rate('2.1') * 100:.2f}" == "60.00"
    assert c.dissatisfied == 1
    assert f"{c.rate('5.4') * 100:.2f}" == "40.00"
    # the targets of the seeds: on time must be above 96 %, satisfaction at least 90 %
    assert r.meets("2.1") is False and r.meets("5.4") is False


def test_sums_follow_every_change_and_equal_a_recount(desk, now):
    worked_example(desk, now)
    assert indicator_sums.recount_differences(desk.db) == []
    stored = desk.db.execute("SELECT sum(accepted), sum(finished), sum(on_time) FROM indicator_sums").fetchone()
    assert tuple(stored) == (5, 2, 1)


def _pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_more_than_one_supplement_request_is_late(desk, now):
    code = take_in(desk, now, "2026-11-23T08:00", "1.001776", "Đỗ Văn Quý")  # 10 working days
    now("2026-11-23T09:00")
    lifecycle.request_supplement(desk, code, [("to_khai", "Thiếu chữ ký")])
    now("2026-11-23T10:00")
    lifecycle.resume(desk, code)
    assert qd766.compute(desk, MON).overall.open_within == 1  # one request: still within its time
    now("2026-11-23T11:00")
    lifecycle.request_supplement(desk, code, [("to_khai", "Thiếu ngày tháng")])
    now("2026-11-23T13:30")
    lifecycle.resume(desk, code)
    now("2026-11-23T14:00")
    c = qd766.compute(desk, MON).overall
    assert (c.open, c.open_within, c.late) == (1, 0, 1)  # a second request makes it late
    now("2026-11-23T15:00")
    lifecycle.record_result(desk, code)
    c = qd766.compute(desk, MON).overall
    assert (c.finished, c.on_time, c.rate("2.1")) == (1, 0, 0.0)  # finished long before its due time, still late
    assert indicator_sums.recount_differences(desk.db) == []


def test_digitisation_needs_a_signed_scan_and_the_electronic_result(desk, now, tmp_path, signer):
    from desk.dossier import checklist, results

    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(_pdf())
    signed = take_in(desk, now, "2026-11-23T08:00", "1.001193", "Nguyễn Văn Ký")
    checklist.attach_file(desk, signed, "giay_chung_sinh", scan)
    reused = take_in(desk, now, "2026-11-23T08:30", "1.001193", "Trần Văn Dùng")
    checklist.mark_reused(desk, reused, "giay_to_tuy_than", "VNeID")
    refused = take_in(desk, now, "2026-11-23T09:00", "1.001193", "Lê Văn Từ")
    lifecycle.refuse(desk, refused, "Không thuộc thẩm quyền")
    c = qd766.compute(desk, MON).overall
    assert c.accepted == 2  # a dossier refused at the counter was never received
    assert (c.digitised, c.reused, c.data_store, c.vneid) == (0, 1, 1, 1)  # the scan waits for the result
    assert c.rate("4.3") == 0.5  # reuse over accepted dossiers: 1 of 2, not 1 of 3
    result = tmp_path / "kq.pdf"
    result.write_bytes(_pdf())
    now("2026-11-23T10:00")
    results.attach(desk, signed, result, name="Giấy khai sinh")
    lifecycle.record_result(desk, signed)
    c = qd766.compute(desk, MON).overall
    assert (c.digitised, c.results, c.e_results) == (1, 1, 1)
    assert c.rate("4.2") == 0.5 and c.rate("4.1") == 1.0
    assert indicator_sums.recount_differences(desk.db) == []


def test_an_unsigned_scan_does_not_count(desk, now, tmp_path):
    from desk.dossier import checklist

    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(_pdf())
    code = take_in(desk, now, "2026-11-23T08:00", "2.000815", "Phạm Văn Quét")
    checklist.attach_file(desk, code, "ban_chinh_giay_to", scan)  # no signer: digitised_unsigned
    c = qd766.compute(desk, MON).overall
    assert (c.accepted, c.digitised, c.fee_bearing, c.paid_online) == (1, 0, 1, 0)


def test_filters_and_groups(desk, now):
    worked_example(desk, now)
    r = qd766.compute(desk, MON, procedure="1.001776")
    assert (r.overall.population, r.overall.open_within) == (2, 2)
    assert [g.key for g in r.by_procedure] == ["1.001776"]
    r = qd766.compute(desk, MON, clerk="nobody")
    assert r.overall.population == 0 and r.overall.rate("2.1") is None
    whole = qd766.compute(desk, MON, desk_no=desk.settings.agency.desk_no)
    assert whole.overall.population == 5


def test_cli_prints_the_766_table_and_the_desk_view(desk, now, home):
    from tests.desk_helpers import run_desk

    worked_example(desk, now)
    r = run_desk("report", "indicators", "--from", "2026-11-23", home=home.root, env={"DESK_NOW": "2026-11-24T08:00"})
    assert r.returncode == 0, r.stderr
    assert "2.1  on time" in r.stdout and "60.00 %" in r.stdout and "> 96 %" in r.stdout and "BELOW" in r.stdout
    assert "5.4  satisfaction" in r.stdout and "40.00 %" in r.stdout
    assert "1.4  synced (sent to the hub)" in r.stdout  # a desk cannot know the portal: it says what it counts
    r = run_desk(
        "report",
        "indicators",
        "--from",
        "2026-11-23",
        "--procedure",
        "1.001193",
        "--json",
        home=home.root,
        env={"DESK_NOW": "2026-11-24T08:00"},
    )
    import json

    doc = json.loads(r.stdout)
    assert doc["view"] == "766" and doc["filters"] == {"procedure": "1.001193"}
    assert doc["overall"]["rates"]["2.1"] == 1.0 and doc["overall"]["meets"]["2.1"] is True
    r = run_desk(
        "report",
        "indicators",
        "--from",
        "2026-11-23",
        "--view",
        "desk",
        home=home.root,
        env={"DESK_NOW": "2026-11-24T08:00"},
    )
    assert r.returncode == 0 and r.stdout.startswith("desk view")
    r = run_desk("report", "indicators", "--desk", "x", home=home.root)
    assert r.returncode == 3 and "--desk 'x'" in r.stderr


def test_targets_are_settings(desk, now, home):
    from desk.config import update_settings

    worked_example(desk, now)
    update_settings(home, target_on_time=50, target_satisfaction=40)
    desk.reload_settings()
    r = qd766.compute(desk, MON)
    assert r.targets["2.1"] == 0.5 and r.meets("2.1") is True
    assert r.meets("5.4") is True  # 40.00 % meets a target of 40 %; on time must be above its target


def test_verify_finds_sums_that_differ_from_a_recount(desk, now):
    from desk.ops.verify import verify

    worked_example(desk, now)
    assert not [p for p in verify(desk).problems if p.code == "indicators.sums_differ"]
    with desk.db.conn:
        desk.db.execute("UPDATE indicator_sums SET on_time = on_time + 1 WHERE finished > 0")
    found = [p for p in verify(desk).problems if p.code == "indicators.sums_differ"]
    assert found and found[0].params["day"] == "2026-11-23"


def test_a_hub_holds_the_same_figures_per_desk(make_desk, now, out):
    from desk.sync.bundle_read import import_bundle
    from desk.sync.bundle_write import export_bundle

    a, b, hub = make_desk("a", 1), make_desk("b", 2), make_desk("hub", 0)
    worked_example(a, now)
    now("2026-11-23T09:00")
    take_in(b, now, "2026-11-23T09:00", "1.001193", "Hồ Văn Sáu")
    now("2026-11-24T08:00")
    for desk in (a, b):
        import_bundle(hub, export_bundle(desk, out).path)
    r = qd766.compute(hub, MON)
    assert [g.label for g in r.by_desk] == ["Quầy 1", "Quầy 2"]
    assert f"{r.by_desk[0].counts.rate('2.1') * 100:.2f}" == "60.00"
    assert r.by_desk[1].counts.open == 1 and r.by_desk[1].counts.late == 1  # same-day, never handled
    assert r.overall.population == 6
    assert indicator_sums.recount_differences(hub.db) == []
    # 1.4 at a hub: acknowledged by the portal; nothing was forwarded yet (tests/test_report766.py forwards)
    assert r.synced_means == "portal" and r.overall.unsynced == r.overall.accepted == 4


def test_the_catalogue_says_which_procedures_need_an_electronic_result(desk, now, tmp_path, signer):
    import json as _json

    from desk.catalog.formats import sample_catalog_path
    from desk.catalog.store import import_catalog
    from desk.dossier import checklist

    scan = tmp_path / "gcs.pdf"
    scan.write_bytes(_pdf())
    code = take_in(desk, now, "2026-11-23T08:00", "1.001193", "Nguyễn Văn Ký")
    checklist.attach_file(desk, code, "giay_chung_sinh", scan)
    assert qd766.compute(desk, MON).overall.digitised == 0  # a paper result: its electronic one is missing
    catalogue = _json.loads(sample_catalog_path().read_text(encoding="utf-8"))
    for p in catalogue["procedures"]:
        if p["code"] == "1.001193":
            p["result_name"] = ""
    changed = tmp_path / "catalog.json"
    changed.write_text(_json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    import_catalog(desk, changed)
    assert qd766.compute(desk, MON).overall.digitised == 1  # no paper result: the signed scan is enough
    assert indicator_sums.recount_differences(desk.db) == []  # a new catalogue changes no stored sum


def test_a_hub_counts_the_electronic_results_of_a_desk(desk, make_desk, now, tmp_path, signer, out):
    from desk.dossier import checklist, results
    from desk.sync.bundle_read import import_bundle
    from desk.sync.bundle_write import export_bundle
    from tests.desk_helpers import know_each_other

    hub = make_desk("hub", 0)
    know_each_other(desk, [hub])
    code = take_in(desk, now, "2026-11-23T08:00", "1.001193", "Nguyễn Văn Kết")
    scan = tmp_path / "gcs.pdf"
    scan.write_bytes(_pdf())
    checklist.attach_file(desk, code, "giay_chung_sinh", scan)
    result = tmp_path / "kq.pdf"
    result.write_bytes(_pdf())
    now("2026-11-23T10:00")
    results.attach(desk, code, result, name="Giấy khai sinh")
    lifecycle.record_result(desk, code)
    import_bundle(hub, export_bundle(desk, out).path)
    at_desk, at_hub = qd766.compute(desk, MON).overall, qd766.compute(hub, MON).overall
    assert (at_hub.digitised, at_hub.e_results, at_hub.results) == (1, 1, 1)
    # 1.4 differs by design: the desk sent it to the hub; the portal has not acknowledged it yet
    assert (at_desk.unsynced, at_hub.unsynced) == (0, 1)
    assert {**at_hub.to_json(), "unsynced": 0} == at_desk.to_json()
