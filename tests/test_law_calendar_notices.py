"""Issue 13 point 2, a notice for a year the shipped calendar does not cover: it is laid over the statutory
days (the `holidays` package), it does not replace them; and `desk calendar show --year` of a year out of range."""

from __future__ import annotations

import json

import pytest

from desk.official_calendar import PACKAGE_SOURCE
from tests.conftest import new_cli_home, run_desk

TET_2028 = """format = "motcua-desk-calendar/1"
issued = 2027-10-20
years = [2028]

[[days]]
date = 2028-01-24
kind = "off"
status = "official"
name = "Tết Nguyên đán Mậu Thân"
source = "Thông báo 5678/TB-BNV ngày 20/10/2027"

[[days]]
date = 2028-02-19
kind = "worked"
status = "official"
name = "Làm bù cho ngày nghỉ 31/01/2028"
source = "Thông báo 5678/TB-BNV ngày 20/10/2027"

[[days]]
date = 2028-01-31
kind = "off"
status = "official"
name = "Tết Nguyên đán Mậu Thân (nghỉ hoán đổi)"
source = "Thông báo 5678/TB-BNV ngày 20/10/2027"
"""


@pytest.fixture
def cli_home(tmp_path):
    return new_cli_home(tmp_path / "h", desk_no=2)


def test_a_notice_of_tet_2028_keeps_the_other_holidays_of_2028(cli_home, tmp_path):
    f = tmp_path / "tet-2028.toml"
    f.write_text(TET_2028, encoding="utf-8")
    assert run_desk("calendar", "import", str(f), home=cli_home).returncode == 0
    r = run_desk("calendar", "show", "--year", "2028", "--json", home=cli_home)
    shown = json.loads(r.stdout)
    by_day = {d["date"]: d for d in shown["days"]}
    assert shown["covered"] is True
    # the notice's days win
    assert by_day["2028-01-24"]["status"] == "official" and "5678/TB-BNV" in by_day["2028-01-24"]["source"]
    assert by_day["2028-01-31"]["kind"] == "off" and by_day["2028-02-19"]["kind"] == "worked"
    # the statutory days the notice does not name are still days off, expected until their notice
    for day in ("2028-01-01", "2028-04-30", "2028-05-01", "2028-09-02"):
        assert by_day[day]["kind"] == "off" and by_day[day]["status"] == "expected", day
        assert by_day[day]["source"] == PACKAGE_SOURCE
    assert by_day["2028-11-24"]["status"] == "pending"
    # an appointment over 1/5/2028 (a Monday) skips it: received Friday 28/4, one working day
    r = run_desk("intake", "--procedure", "1.001776", "--name", "An", "--json", home=cli_home,
                 env={"DESK_NOW": "2028-04-21T09:00:00"})  # fmt: skip
    assert r.returncode == 0, r.stderr
    due = json.loads(r.stdout)["due_at"]
    assert due == "2028-05-09T09:00:00"  # 10 working days: 1/5 and 2/5 (in lieu of 30/4) are off
    assert "30/04/2028, 01/05/2028, 02/05/2028 as days off" in r.stderr


@pytest.mark.parametrize("year", ["0", "1999", "2101", "99999"])
def test_calendar_show_of_a_year_out_of_range_is_refused(cli_home, year):
    r = run_desk("calendar", "show", "--year", year, "--json", home=cli_home)
    assert r.returncode == 3
    assert json.loads(r.stdout)["error"]["code"] == "calendar.year_range"
    assert f"--year {year}: the calendar covers the years 2000–2100" in r.stderr
