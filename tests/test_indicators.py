"""Indicators (Quyết định 766/QĐ-TTg) on hand-computed examples; formulas in docs/indicators.md.

The week below (office hours 07:00–11:30, 13:30–17:00; Mon 23/11/2026):

    Thu 19  D8 received 09:00, same-day (due Thu 17:00), never handled → overdue
            D9 received 09:00, supplement requested 10:00 → clock stopped, not overdue
    Fri 20  D3 received 09:00 (due Fri 17:00)
    Mon 23  D7 received 08:00, 10 working days
            D1 received 09:00, ID reused from VNeID 09:15, result 10:00, returned 15:00 "Không hài lòng"
            D2 received 09:30, supplement 10:00, resumed 14:00, result 16:00, returned 16:30 "Rất hài lòng"
            D4 received 10:00, refused 10:05
            D5 received 10:30, withdrawn 11:00
            D3 result 11:00 (late), returned 11:30 (no answer)
            D6 received 11:00, birth certificate scanned (digitised)
    report for Monday made at 16:45.

Monday by hand:
    received 6 (D7 D1 D2 D4 D5 D6), refused 1, accepted 5, withdrawn 1
    results 3: D1 60 min on time; D2 09:30→16:00 = 270 − 120 paused = 150 min on time;
               D3 Fri 09:00→Mon 11:00 = 360 + 240 = 600 min late  → on time 2/3, average 810/3 min = 4.5 h
    returned 3, "Không hài lòng" 1 → complaint 1/3; satisfaction 1 − (1/3 + 1/3) = 1/3
    digitised 2/5 (D1 reused, D6 scanned), reused 1/5
    at 16:45: in progress D7 D6 D8 D9 = 4, overdue D8 only (D9 paused; D6 due 17:00)
"""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest

from desk.dossier import checklist, lifecycle
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.errors import InvalidInput
from desk.reports import indicators
from desk.reports.indicators import TARGETS, Figures, compute, overdue_dossiers, period
from desk.sync.bundle_write import export_bundle
from tests.problem_helpers import raises_problem

MON = date(2026, 11, 23)
FRI = date(2026, 11, 20)
THU = date(2026, 11, 19)
REPORT_AT = datetime(2026, 11, 23, 16, 45)


def _pdf() -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def take_in(desk, now, at: str, procedure: str, name: str):
    now(at)
    d, _ = receive(desk, IntakeRequest(procedure_code=procedure, applicant=ApplicantInput(name=name)))
    return d.code


def week(desk, now, tmp_path) -> dict[str, str]:
    """Play the week of the module docstring; returns the dossier codes by name."""
    c = {}
    c["D8"] = take_in(desk, now, "2026-11-19T09:00", "2.000815", "Ngô Văn Sơn")
    c["D9"] = take_in(desk, now, "2026-11-19T09:00", "1.001193", "Đỗ Thị Hà")
    now("2026-11-19T10:00")
    lifecycle.request_supplement(desk, c["D9"], [("giay_chung_sinh", "Bản mờ")])
    c["D3"] = take_in(desk, now, "2026-11-20T09:00", "2.000815", "Lê Văn Ba")
    c["D7"] = take_in(desk, now, "2026-11-23T08:00", "1.001776", "Đỗ Văn Quý")
    c["D1"] = take_in(desk, now, "2026-11-23T09:00", "1.001193", "Nguyễn Văn An")
    now("2026-11-23T09:15")
    checklist.mark_reused(desk, c["D1"], "giay_to_tuy_than", "VNeID")
    c["D2"] = take_in(desk, now, "2026-11-23T09:30", "2.000815", "Trần Thị Bình")
    now("2026-11-23T10:00")
    lifecycle.record_result(desk, c["D1"])
    lifecycle.request_supplement(desk, c["D2"], [("ban_chinh_giay_to", "Thiếu bản chính")])
    c["D4"] = take_in(desk, now, "2026-11-23T10:00", "2.000884", "Hoàng Thị Thu")
    now("2026-11-23T10:05")
    lifecycle.refuse(desk, c["D4"], "Không thuộc thẩm quyền")
    c["D5"] = take_in(desk, now, "2026-11-23T10:30", "2.000635", "Phạm Thị Hương")
    now("2026-11-23T11:00")
    lifecycle.withdraw(desk, c["D5"])
    lifecycle.record_result(desk, c["D3"])
    c["D6"] = take_in(desk, now, "2026-11-23T11:00", "1.001193", "Vũ Minh Châu")
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(_pdf())
    checklist.attach_file(desk, c["D6"], "giay_chung_sinh", scan)
    now("2026-11-23T11:30")
    lifecycle.return_result(desk, c["D3"])
    now("2026-11-23T14:00")
    lifecycle.resume(desk, c["D2"])
    now("2026-11-23T15:00")
    lifecycle.return_result(desk, c["D1"], satisfaction="Không hài lòng")
    now("2026-11-23T16:00")
    lifecycle.record_result(desk, c["D2"])
    now("2026-11-23T16:30")
    lifecycle.return_result(desk, c["D2"], satisfaction="Rất hài lòng")
    now("2026-11-23T16:45")
    return c


@pytest.fixture
def played(desk, now, tmp_path, signer):
    return week(desk, now, tmp_path)


def test_monday_by_hand(desk, played):
    ind = compute(desk, MON)
    f = ind.overall
    assert (ind.start, ind.end, ind.as_of) == (datetime(2026, 11, 23), datetime(2026, 11, 24), REPORT_AT)
    assert (f.received, f.refused, f.accepted, f.withdrawn, f.stopped) == (6, 1, 5, 1, 0)
    assert (f.finished, f.finished_on_time, f.finished_late) == (3, 2, 1)
    assert f.on_time_rate == pytest.approx(2 / 3)
    assert f.processing_minutes == 60 + 150 + 600
    assert f.avg_processing_hours == pytest.approx(4.5)
    assert (f.returned, f.answered, f.very_satisfied, f.satisfied, f.dissatisfied) == (3, 2, 1, 0, 1)
    assert f.complaint_rate == pytest.approx(1 / 3)
    assert f.satisfaction_rate == pytest.approx(1 / 3)
    assert (f.digitised, f.reused) == (2, 1)
    assert f.digitisation_rate == pytest.approx(0.4) and f.reuse_rate == pytest.approx(0.2)
    assert (f.in_progress, f.overdue, f.awaiting_return) == (4, 1, 0)
    assert (f.synced, f.sync_rate) == (0, 0.0)  # nothing exported yet
    assert [f.meets(n) for n in TARGETS] == [False, False, False, False]


def test_supplement_pause_is_left_out_of_processing_time(desk, played):
    d2 = [g for g in compute(desk, MON).by_procedure if g.key == "2.000815"][0].figures
    # D2 (150 min without its 120-minute pause) and D3 (600 min) are this procedure's results
    assert (d2.finished, d2.processing_minutes) == (2, 150 + 600)
    resumed = [e for e in lifecycle.last_transition(desk, played["D2"], "resume").payload["details"].items()]
    assert ("waited_minutes", 120) in resumed


def test_groups_add_up_to_the_overall(desk, played):
    ind = compute(desk, MON)
    for groups in (ind.by_desk, ind.by_clerk, ind.by_procedure):
        total = Figures()
        for g in groups:
            total.add(g.figures)
        assert total == ind.overall
    assert [(g.key, g.label) for g in ind.by_desk] == [("000.00.12.H29/1", "Quầy 1")]
    assert [g.label for g in ind.by_clerk] == ["Nguyễn Thị Lan"]
    births = next(g for g in ind.by_procedure if g.key == "1.001193")
    assert births.label == "Đăng ký khai sinh"
    assert (births.figures.received, births.figures.finished, births.figures.digitised) == (2, 1, 2)
    # largest first
    assert ind.by_procedure[0].figures.received >= ind.by_procedure[-1].figures.received


def test_a_past_day_counts_what_was_in_progress_at_its_end(desk, played):
    ind = compute(desk, FRI)
    f = ind.overall
    assert ind.as_of == datetime(2026, 11, 21)
    assert (f.received, f.finished, f.returned) == (1, 0, 0)
    # D8 and D3 were past due at Friday's end; D9 was waiting for a supplement
    assert (f.in_progress, f.overdue) == (3, 2)
    assert f.on_time_rate is None and f.avg_processing_hours is None and f.satisfaction_rate is None


def test_a_range_and_the_overdue_list(desk, played):
    f = compute(desk, THU, MON).overall
    assert (f.received, f.finished, f.returned, f.refused) == (9, 3, 3, 1)
    late = overdue_dossiers(desk, REPORT_AT)
    assert [o.code for o in late] == [played["D8"]]
    # Thu 17:00 → Mon 16:45: Friday (480) + Monday morning (270) and afternoon to 16:45 (195)
    assert late[0].overdue_minutes == 480 + 270 + 195


def test_sync_rate_counts_dossiers_with_nothing_pending(desk, played, tmp_path):
    out = tmp_path / "usb"
    out.mkdir()
    export_bundle(desk, out)
    assert compute(desk, MON).overall.sync_rate == 1.0
    lifecycle.transfer(desk, played["D6"])  # a new change waits for the next export
    f = compute(desk, MON).overall
    assert (f.synced, f.received) == (5, 6)


def test_no_dossiers_means_no_rates_not_zero(desk):
    ind = compute(desk, MON)
    f = ind.overall
    assert f == Figures()
    for name in indicators.RATE_NAMES:
        assert f.rate(name) is None
        assert f.meets(name) is None
    assert f.avg_processing_hours is None
    assert ind.by_desk == ind.by_clerk == ind.by_procedure == []
    assert overdue_dossiers(desk) == []


def test_all_late(desk, now):
    codes = [take_in(desk, now, "2026-11-20T09:00", "2.000815", n) for n in ("An", "Bình")]
    now("2026-11-23T09:00")
    for c in codes:
        lifecycle.record_result(desk, c)
    f = compute(desk, MON).overall
    assert (f.finished, f.finished_on_time) == (2, 0)
    assert f.on_time_rate == 0.0 and f.late_rate == 1.0  # a real 0 %, not undefined
    assert f.satisfaction_rate == 0.0
    now("2026-11-23T09:30")
    lifecycle.return_result(desk, codes[0], satisfaction="Không hài lòng")
    # 100 % − (100 % + 50 %) is below zero: the rate stops at 0
    assert compute(desk, MON).overall.satisfaction_rate == 0.0


@pytest.mark.parametrize(
    "fig, expected",
    [
        (Figures(), None),  # nothing finished, nothing returned
        (Figures(finished=4, finished_on_time=4), 1.0),  # no returns: no complaints to subtract
        (Figures(returned=4, dissatisfied=1), 0.75),  # results returned, none recorded in the period
        (Figures(finished=10, finished_on_time=9, returned=20, dissatisfied=1), 1 - (0.1 + 0.05)),
    ],
)
def test_satisfaction_formula(fig, expected):
    assert fig.satisfaction_rate == (pytest.approx(expected) if expected is not None else None)


def test_rates_and_targets_by_hand():
    f = Figures(received=50, refused=0, digitised=40, reused=39, finished=25, finished_on_time=24)
    assert f.on_time_rate == 0.96 and f.meets("on_time_rate") is True
    assert f.meets("digitisation_rate") is True  # 80 % exactly meets "≥ 80 %"
    assert f.meets("reuse_rate") is False  # 78 %
    assert f.meets("sync_rate") is None  # no target
    with pytest.raises(InvalidInput):
        f.rate("speed")


def test_refused_dossiers_are_not_in_the_digitisation_base():
    f = Figures(received=4, refused=2, digitised=1)
    assert f.accepted == 2 and f.digitisation_rate == 0.5
    assert Figures(received=2, refused=2).digitisation_rate is None


def test_periods():
    assert period("day", MON) == (MON, MON)
    assert period("week", date(2026, 11, 26)) == (MON, date(2026, 11, 29))
    assert period("month", date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period("month", date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    with pytest.raises(InvalidInput):
        period("year", MON)


def test_period_order_is_checked(desk):
    with raises_problem(InvalidInput, "period.reversed", says="before it starts"):
        compute(desk, MON, FRI)


def test_a_future_period_has_nothing_in_progress(desk, played):
    f = compute(desk, date(2026, 11, 30)).overall
    assert f == Figures()


def test_percent_wording():
    assert indicators.percent(2 / 3) == "66,7 %"
    assert indicators.percent(None) == "—"


def test_queries_use_indexes(desk):
    from db import indicator_queries as iq

    def plan(sql, params):
        return " ".join(r[-1] for r in desk.db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())

    assert "dossiers_finished" in plan(
        "SELECT * FROM dossiers d WHERE d.finished_at >= ? AND d.finished_at < ?", ("a", "b")
    )
    assert "dossiers_returned" in plan(
        "SELECT * FROM dossiers d WHERE d.returned_at >= ? AND d.returned_at < ?", ("a", "b")
    )
    sql, params = iq._in_progress_sources("2026-11-23T00:00:00")
    text = plan(sql, params)
    assert "SCAN d" not in text and "SCAN dossiers" not in text
