"""Issue 13 point 4: honest times. A receipt time before today's working day is refused unless it is a
declared catch-up, which keeps both times and is marked where the figures are read."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from tests.conftest import new_cli_home, run_desk

NOW = {"DESK_NOW": "2026-11-25T10:00:00"}  # Wednesday, the office open since 07:00


@pytest.fixture
def cli_home(tmp_path):
    return new_cli_home(tmp_path / "h", desk_no=2)


def intake(home, *extra, env=NOW):
    return run_desk(
        "intake", "--procedure", "1.001776", "--name", "Trần Văn Bình", "--json", *extra, home=home, env=env
    )


def stored(home) -> int:
    return len(json.loads(run_desk("search", "Bình", "--json", home=home).stdout))


def test_a_time_weeks_back_is_refused_and_nothing_is_written(cli_home):
    r = intake(cli_home, "--received-at", "2026-10-01T09:00")
    assert r.returncode == 3
    assert json.loads(r.stdout)["error"]["code"] == "received_at.before_today"
    assert "--catch-up --reason TEXT" in r.stderr
    assert stored(cli_home) == 0


def test_yesterday_evening_is_refused_too(cli_home):
    r = intake(cli_home, "--received-at", "2026-11-24T16:30")
    assert r.returncode == 3 and "before today's working day began (2026-11-25 07:00)" in r.stderr


def test_earlier_today_is_honest(cli_home):
    r = intake(cli_home, "--received-at", "2026-11-25T08:15")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["received_at"] == "2026-11-25T08:15:00"


def test_before_opening_a_time_of_today_is_today(cli_home):
    r = intake(cli_home, "--received-at", "2026-11-25T06:40", env={"DESK_NOW": "2026-11-25T06:45:00"})
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        (("--received-at", "2026-10-01T09:00", "--catch-up"), "catch_up.needs_reason"),
        (("--catch-up", "--reason", "Mất điện"), "catch_up.needs_received_at"),
        (("--received-at", "2026-10-01T09:00", "--reason", "Mất điện"), "catch_up.reason_alone"),
    ],
)
def test_a_catch_up_needs_its_time_and_its_reason(cli_home, extra, code):
    r = intake(cli_home, *extra)
    assert r.returncode == 3 and json.loads(r.stdout)["error"]["code"] == code
    assert stored(cli_home) == 0


def test_a_catch_up_keeps_both_times_and_shows_in_verify(cli_home):
    r = intake(cli_home, "--received-at", "2026-10-01T09:00", "--catch-up", "--reason", "Mất điện cả buổi sáng")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["received_at"] == "2026-10-01T09:00:00" and "-261001-" in d["code"]
    shown = json.loads(run_desk("show", d["code"], "--json", home=cli_home, env=NOW).stdout)
    assert shown["events"][0]["at"] == "2026-11-25T10:00:00"  # the event: when it was entered
    from desk.context import open_desk
    from desk.dossier import query

    desk = open_desk(cli_home)
    try:
        [event] = query.timeline(desk, d["code"])
    finally:
        desk.close()
    assert event.payload["catch_up"] == {
        "claimed_at": "2026-10-01T09:00:00",
        "entered_at": "2026-11-25T10:00:00",
        "reason": "Mất điện cả buổi sáng",
    }
    r = run_desk("verify", "--json", home=cli_home, env=NOW)
    verdict = json.loads(r.stdout)
    assert r.returncode == 0 and verdict["ok"] is True
    assert verdict["notes"] == [
        f"dossier {d['code']} was entered at 2026-11-25T10:00:00 for a receipt at 2026-10-01T09:00:00 "
        "(catch-up: Mất điện cả buổi sáng)"
    ]


def test_the_clock_going_backwards_is_still_detected(cli_home):
    assert intake(cli_home).returncode == 0
    r = intake(cli_home, env={"DESK_NOW": "2026-11-25T09:00:00"})
    assert r.returncode == 0 and "warning" in r.stderr
    r = run_desk("verify", "--json", home=cli_home, env=NOW)
    assert any("clock went backwards" in w for w in json.loads(r.stdout)["warnings"])


# --- the marks: register (PDF and register.csv), day report, and a hub that imports it ---------------------


@pytest.fixture
def caught_up(make_desk, now):
    """Desk 1 with one dossier received on 01/10/2026, entered as a catch-up on 25/11/2026, and one of today."""
    from datetime import datetime

    from desk.dossier.intake import ApplicantInput, IntakeRequest, receive

    now("2026-11-25T10:00:00")
    a = make_desk("a", 1)
    old, _ = receive(
        a,
        IntakeRequest(
            "1.001776",
            ApplicantInput(name="Trần Văn Bình"),
            received_at=datetime(2026, 10, 1, 9, 0),
            catch_up=True,
            catch_up_reason="Mất điện cả buổi sáng",
        ),
    )
    today, _ = receive(a, IntakeRequest("2.000815", ApplicantInput(name="Lê Thị Hoa")))
    return a, old, today


def test_the_register_pdf_marks_the_catch_up(caught_up, tmp_path):
    from tests.test_printing import all_text

    a, old, _ = caught_up
    out = tmp_path / "so.pdf"
    r = run_desk("print", "register", "--date", "2026-10-01", "--out", str(out), home=a.home.root)
    assert r.returncode == 0, r.stderr
    text = all_text(out.read_bytes())
    assert old.code in text and "Nhập bù lúc 25/11/2026 10:00: Mất điện cả buổi sáng" in text


def test_register_csv_marks_the_catch_up_and_a_hub_takes_it(caught_up, make_desk, out):
    import csv
    import io
    import zipfile

    from desk.sync.bundle_read import import_bundle
    from desk.sync.bundle_write import export_bundle

    a, old, today = caught_up
    path = export_bundle(a, out).path
    with zipfile.ZipFile(path) as zf:
        rows = list(csv.reader(io.StringIO(zf.read("register.csv").decode("utf-8-sig"))))
    assert rows[0][-1] == "Nhập bù"
    marks = {row[2]: row[-1] for row in rows[1:]}
    assert marks == {old.code: "Nhập lúc 25/11/2026 10:00: Mất điện cả buổi sáng", today.code: ""}
    hub = make_desk("hub", 0)
    assert import_bundle(hub, path).imported_events == 2
    from desk.ops.verify import verify

    report = verify(hub)
    assert report.ok and [n.params["code"] for n in report.notes] == [old.code]


def test_a_later_bundle_keeps_the_catch_up_mark_of_a_dossier_received_in_an_earlier_one(caught_up, out):
    import csv
    import io
    import zipfile

    from desk.dossier.lifecycle import transfer
    from desk.sync.bundle_write import export_bundle

    a, old, today = caught_up
    export_bundle(a, out)
    transfer(a, old.code)  # its intake (and its catch-up) went out in the first bundle
    path = export_bundle(a, out).path
    with zipfile.ZipFile(path) as zf:
        rows = list(csv.reader(io.StringIO(zf.read("register.csv").decode("utf-8-sig"))))
    assert {row[2]: row[-1] for row in rows[1:]} == {old.code: "Nhập lúc 25/11/2026 10:00: Mất điện cả buổi sáng"}


def test_the_day_report_lists_the_catch_up(caught_up, tmp_path):
    a, old, _ = caught_up
    csv_out = tmp_path / "r.csv"
    r = run_desk("report", "day", "--out", str(csv_out), "--json", home=a.home.root, env=NOW)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["report"]["catch_ups"] == [
        {
            "code": old.code,
            "claimed_at": "2026-10-01T09:00:00",
            "entered_at": "2026-11-25T10:00:00",
            "reason": "Mất điện cả buổi sáng",
        }
    ]
    pdf = tmp_path / "r.pdf"
    assert run_desk("report", "day", "--out", str(pdf), home=a.home.root, env=NOW).returncode == 0
    from tests.test_printing import all_text

    text = all_text(pdf.read_bytes())
    assert f"Hồ sơ nhập bù (1): {old.code} nhận 01/10/2026 09:00, nhập 25/11/2026 10:00 (Mất điện cả buổi sáng)" in text


def test_the_day_report_finds_today_s_catch_up_behind_many_older_ones(caught_up):
    # a hub with a long history: 1000 older catch-ups of another desk, listed before this desk's
    from desk.reports.day import day_report

    a, old, _ = caught_up
    rows = [
        (
            "0" * 32, seq, f"e{seq}", f"000.00.12.H29-250101-0001-{seq:05d}", "dossier.received",
            "2025-02-01T10:00:00", "X",
            json.dumps({"catch_up": {"claimed_at": "2025-01-02T09:00:00", "entered_at": "2025-02-01T10:00:00",
                                     "reason": "Mất điện"}}),
            "", "",
        )
        for seq in range(1, 1001)
    ]  # fmt: skip
    columns = "desk_id, seq, event_id, dossier_code, type, at, clerk, payload, prev_hash, hash"
    a.db.conn.executemany(f"INSERT INTO events ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    report = day_report(a, date(2026, 11, 25), now=datetime(2026, 11, 25, 16, 0))
    assert [c.code for c in report.catch_ups] == [old.code]
    assert len(day_report(a, date(2025, 1, 2), now=datetime(2026, 11, 25, 16, 0)).catch_ups) == 1000
    from desk.ops.verify import verify

    notes = [n.params["code"] for n in verify(a).notes]  # and desk verify leaves none out
    assert len(notes) == 1001 and notes[-1] == old.code
