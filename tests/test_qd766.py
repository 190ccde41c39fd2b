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

import pytest

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
