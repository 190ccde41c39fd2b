"""Issue 13 point 2: the official calendar as data with its sources; the due dates of DOMAIN.md's table,
`desk calendar show|import`, bad notice files refused whole, and the warning at intake."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from desk.config import update_settings
from desk.context import open_desk
from desk.dossier import lifecycle
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.models import ProcessingTime, TimeUnit
from desk.official_calendar import HOME_NAME, DayStatus, shipped_calendar
from desk.rules.calendar import WorkCalendar
from tests.conftest import new_cli_home, run_desk

SAME_DAY = ProcessingTime(TimeUnit.SAME_DAY)


def days(n: int) -> ProcessingTime:
    return ProcessingTime(TimeUnit.WORKING_DAYS, n)


@pytest.fixture
def cli_home(tmp_path):
    return new_cli_home(tmp_path / "h", desk_no=2)


# --- DOMAIN.md's table, on the desk's own calendar -----------------------------------------------


@pytest.mark.parametrize(
    ("received", "processing", "due"),
    [
        (datetime(2025, 12, 31, 15, 0), days(1), datetime(2026, 1, 5, 15, 0)),  # 1/1 and 2/1 off
        (datetime(2026, 1, 9, 15, 30), SAME_DAY, datetime(2026, 1, 10, 17, 0)),  # Saturday 10/1 worked
        (datetime(2026, 1, 2, 9, 0), SAME_DAY, datetime(2026, 1, 5, 17, 0)),  # 2/1 is off
        (datetime(2026, 8, 21, 10, 0), days(10), datetime(2026, 9, 8, 10, 0)),  # 22/8 worked, 31/8–2/9 off
        (datetime(2026, 12, 1, 12, 0), ProcessingTime(TimeUnit.WORKING_HOURS, 4), datetime(2026, 12, 2, 7, 30)),
    ],
)
def test_the_due_dates_of_domain_md_s_table(desk, received, processing, due):
    assert desk.calendar.due_at(received, processing) == due


def test_the_package_alone_got_the_first_row_wrong():
    # before: only the `holidays` package, which misses the swap of 2/1/2026 for 10/1/2026
    package_only = WorkCalendar()
    assert package_only.due_at(datetime(2025, 12, 31, 15, 0), days(1)) == datetime(2026, 1, 2, 15, 0)


def test_a_supplement_moves_the_due_date_by_the_working_time_waited(desk, now):
    now("2026-12-07T09:00:00")
    d, _ = receive(desk, IntakeRequest("1.001776", ApplicantInput(name="Trần Văn Bình")))
    assert d.due_at == datetime(2026, 12, 21, 9, 0)
    now("2026-12-09T10:00:00")
    lifecycle.request_supplement(desk, d.code, [("to_khai", "Thiếu chữ ký")])
    now("2026-12-11T10:00:00")
    assert lifecycle.resume(desk, d.code).due_at == datetime(2026, 12, 23, 9, 0)


def test_an_intake_through_the_cli_counts_the_swapped_saturday(cli_home):
    r = run_desk(
        "intake", "--procedure", "1.001776", "--name", "An", "--json", home=cli_home,
        env={"DESK_NOW": "2026-08-21T10:00:00"},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["due_at"] == "2026-09-08T10:00:00"


# --- the data and its statuses ----------------------------------------------------------------------


def test_every_day_of_the_shipped_calendar_has_a_source_and_a_status():
    calendar = shipped_calendar()
    assert calendar.years == (2025, 2026, 2027)
    assert all(d.source and d.name and d.status in DayStatus for d in calendar.days)
    status = {d.day: (d.off, d.status) for d in calendar.days}
    assert status[date(2026, 1, 2)] == (True, DayStatus.OFFICIAL)
    assert status[date(2026, 1, 10)] == (False, DayStatus.OFFICIAL)
    assert status[date(2026, 8, 31)] == (True, DayStatus.OFFICIAL)
    assert status[date(2026, 8, 22)] == (False, DayStatus.OFFICIAL)
    assert status[date(2026, 11, 24)] == (True, DayStatus.PENDING)
    assert status[date(2027, 2, 8)] == (True, DayStatus.EXPECTED)
    assert "12729/VPCP-KGVX" in calendar.get(date(2026, 1, 2)).source


def test_a_pending_day_counts_as_the_desk_says(desk, home):
    received = datetime(2026, 11, 23, 15, 30)  # a same-day procedure after the cut-off: due the next working day
    assert desk.settings.pending_days_off is True  # by default 24/11 is a day off, as the holidays package had it
    assert desk.calendar.due_at(received, SAME_DAY) == datetime(2026, 11, 25, 17, 0)
    update_settings(desk.home, pending_days_off=False)  # a province that works that day
    desk.reload_settings()
    assert desk.calendar.due_at(received, SAME_DAY) == datetime(2026, 11, 24, 17, 0)
    d, warnings = receive(desk, IntakeRequest("1.001776", ApplicantInput(name="An")))
    assert warnings[0].code == "calendar.crosses_pending" and warnings[0].params["counted_off"] == 0


# --- desk calendar show ------------------------------------------------------------------------------


def test_calendar_show_lists_the_days_with_status_and_source(cli_home):
    r = run_desk("calendar", "show", "--year", "2026", home=cli_home)
    assert r.returncode == 0, r.stderr
    assert "02/01/2026 Thứ Sáu   off    official  Nghỉ hoán đổi" in r.stdout
    assert "Văn bản 12729/VPCP-KGVX ngày 25/12/2025" in r.stdout
    assert "10/01/2026 Thứ Bảy   worked official" in r.stdout
    assert "24/11/2026 Thứ Ba    off    pending   Ngày Văn hóa Việt Nam\n" in r.stdout
    r = run_desk("calendar", "show", "--year", "2027", "--json", home=cli_home)
    shown = json.loads(r.stdout)
    assert shown["year"] == 2027 and shown["covered"] is True
    tet = [d for d in shown["days"] if d["name"].startswith("Tết Nguyên đán")]
    assert {d["status"] for d in tet} == {"expected"} and len(tet) == 5


def test_calendar_show_of_a_year_no_notice_covers_says_so(cli_home):
    r = run_desk("calendar", "show", "--year", "2028", "--json", home=cli_home)
    shown = json.loads(r.stdout)
    assert shown["covered"] is False and shown["days"]
    assert {d["status"] for d in shown["days"]} == {"expected"}


# --- desk calendar import -------------------------------------------------------------------------------

TET_2027 = """format = "motcua-desk-calendar/1"
issued = 2026-10-15
years = [2027]
{days}
"""
DAY = """
[[days]]
date = {date}
kind = "{kind}"
status = "{status}"
name = "{name}"
source = "Thông báo 1234/TB-BNV ngày 15/10/2026"
"""


def notice(*rows: tuple[str, str, str, str]) -> str:
    return TET_2027.format(days="".join(DAY.format(date=d, kind=k, status=s, name=n) for d, k, s, n in rows))


GOOD = notice(
    ("2027-02-04", "off", "official", "Tết Nguyên đán Đinh Mùi"),
    ("2027-02-11", "off", "official", "Tết Nguyên đán Đinh Mùi (nghỉ thêm)"),
    ("2027-02-27", "worked", "official", "Làm bù cho ngày nghỉ 11/02/2027"),
)


def test_calendar_import_keeps_the_notice_and_the_due_dates_follow_it(cli_home, tmp_path):
    f = tmp_path / "tet-2027.toml"
    f.write_text(GOOD, encoding="utf-8")
    before = run_desk("intake", "--procedure", "1.001776", "--name", "A", "--json", home=cli_home,
                      env={"DESK_NOW": "2027-02-01T09:00:00"})  # fmt: skip
    assert json.loads(before.stdout)["due_at"] == "2027-02-22T09:00:00"
    assert "before the notice confirmed them" in before.stderr
    r = run_desk("calendar", "import", str(f), home=cli_home)
    assert r.returncode == 0, r.stderr
    assert "imported 3 days for 2027 from tet-2027.toml" in r.stdout
    assert (cli_home / HOME_NAME).is_file()
    r = run_desk("calendar", "show", "--year", "2027", "--json", home=cli_home)
    by_day = {d["date"]: d for d in json.loads(r.stdout)["days"]}
    assert by_day["2027-02-04"]["status"] == "official" and "1234/TB-BNV" in by_day["2027-02-04"]["source"]
    assert by_day["2027-02-11"]["kind"] == "off" and by_day["2027-02-27"]["kind"] == "worked"
    assert by_day["2027-02-05"]["status"] == "expected"  # a day the notice does not name stays as it was
    after = run_desk("intake", "--procedure", "1.001776", "--name", "B", "--json", home=cli_home,
                     env={"DESK_NOW": "2027-02-01T09:00:00"})  # fmt: skip
    # 11/2 is off now: one working day later; 4/2 is official, the other Tết days are still expected
    assert json.loads(after.stdout)["due_at"] == "2027-02-23T09:00:00"
    assert "05/02/2027, 08/02/2027, 09/02/2027, 10/02/2027 as days off" in after.stderr


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("not toml [", "calendar_file.not_toml", "not valid TOML"),
        ('format = "other/1"\nyears = [2027]\n', "calendar_file.format", "not a motcua-desk calendar"),
        (TET_2027.format(days=""), "calendar_file.no_days", "lists no [[days]]"),
        (GOOD.replace("years = [2027]", "years = []"), "calendar_file.years", "years = []"),
        (notice(("2027-02-04", "off", "official", "A"), ("2028-01-01", "off", "official", "B")),
         "calendar_file.day_outside_years", "day 01/01/2028 is outside"),
        (notice(("2027-02-04", "off", "official", "A"), ("2027-02-05", "holiday", "official", "B")),
         "calendar_file.day_kind", "kind = holiday"),
        (notice(("2027-02-04", "off", "official", "A"), ("2027-02-05", "off", "sure", "B")),
         "calendar_file.day_status", "status = sure"),
        (notice(("2027-02-04", "off", "official", "A"), ("2027-02-04", "off", "official", "B")),
         "calendar_file.day_twice", "listed twice"),
        (notice(("2027-02-04", "off", "official", " ")), "calendar_file.day_text", "name is missing"),
        (notice(("2027-02-04", "off", "official", "A")) + "\nextra = 1\n", "calendar_file.unknown_key", "unknown key extra"),
        (notice(("2027-02-04", "off", "official", "A")).replace("date = 2027-02-04", 'date = "4/2/2027"'),
         "calendar_file.day_date", "is not a date"),
    ],
)  # fmt: skip
def test_a_bad_notice_file_is_refused_whole(cli_home, tmp_path, text, code, words):
    good = tmp_path / "good.toml"
    good.write_text(GOOD, encoding="utf-8")
    assert run_desk("calendar", "import", str(good), home=cli_home).returncode == 0
    kept = (cli_home / HOME_NAME).read_bytes()
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    r = run_desk("calendar", "import", str(bad), "--json", home=cli_home)
    assert r.returncode == 3, r.stderr
    assert json.loads(r.stdout)["error"]["code"] == code
    assert "bad.toml" in r.stderr and words in r.stderr
    assert (cli_home / HOME_NAME).read_bytes() == kept  # nothing written


def test_a_missing_notice_file_is_not_found(cli_home, tmp_path):
    r = run_desk("calendar", "import", str(tmp_path / "nope.toml"), home=cli_home)
    assert r.returncode == 4 and "no such file" in r.stderr
    assert not (cli_home / HOME_NAME).exists()


# --- the warning at intake ------------------------------------------------------------------------------


def test_intake_warns_when_the_due_date_crosses_a_day_not_official(desk, now):
    now("2026-11-23T09:00:00")
    d, warnings = receive(desk, IntakeRequest("1.001776", ApplicantInput(name="An")))
    assert [w.code for w in warnings] == ["calendar.crosses_pending"]
    assert warnings[0].params["days"] == ("24/11/2026",) and warnings[0].params["counted_off"] == 1
    now("2026-12-01T09:00:00")
    d, warnings = receive(desk, IntakeRequest("1.001776", ApplicantInput(name="Bình")))
    assert warnings == []  # nothing uncertain between 1/12 and 15/12/2026


def test_the_cli_intake_says_which_days_are_not_official(cli_home):
    r = run_desk("intake", "--procedure", "1.001776", "--name", "An", home=cli_home,
                 env={"DESK_NOW": "2027-01-28T09:00:00"})  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "04/02/2027, 05/02/2027, 08/02/2027, 09/02/2027, 10/02/2027 as days off" in r.stderr
    assert "desk calendar import FILE" in r.stderr


def test_an_open_desk_reads_the_imported_notices(home, tmp_path):
    f = tmp_path / "n.toml"
    f.write_text(GOOD, encoding="utf-8")
    from desk.official_calendar import import_calendar

    import_calendar(home.root, f)
    desk = open_desk(home)
    try:
        assert not desk.calendar.is_working_day(date(2027, 2, 11))
        assert desk.calendar.is_working_day(date(2027, 2, 27))
    finally:
        desk.close()
