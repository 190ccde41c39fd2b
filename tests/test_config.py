"""Home resolution, desk.toml round trip, the clock."""

from datetime import date, datetime, time

import pytest

from desk import clock
from desk.config import (
    Home,
    init_home,
    load_settings,
    resolve_home,
    update_settings,
    validate_agency_code,
)
from desk.errors import HomeError, InvalidInput
from tests.problem_helpers import raises_problem


def test_home_resolution_order(monkeypatch, tmp_path):
    monkeypatch.setenv("DESK_HOME", str(tmp_path / "env"))
    assert resolve_home(tmp_path / "opt") == tmp_path / "opt"
    assert resolve_home(None) == tmp_path / "env"
    monkeypatch.delenv("DESK_HOME")
    default = resolve_home(None)
    assert default.name == "motcua-desk" and default.is_absolute()


def test_settings_round_trip_keeps_vietnamese_and_overrides(tmp_path):
    home = Home(tmp_path / "h")
    init_home(home, agency_code="h56.14", agency_name='UBND phường "Đông Hà"', desk_no=3, place="Đông Hà",
              clerk="Đặng Thị Ánh")
    s = load_settings(home)
    assert s.agency.code == "H56.14" and s.agency.name == 'UBND phường "Đông Hà"' and s.clerk == "Đặng Thị Ánh"
    assert s.hours.morning == (time(7), time(11, 30)) and s.hours.same_day_cutoff == time(15)
    s2 = update_settings(home, extra_days_off=(date(2026, 12, 31),), extra_working_days=(date(2026, 5, 9),),
                         clerk="Lê Văn Tám")
    again = load_settings(home)
    assert again == s2
    assert again.extra_days_off == (date(2026, 12, 31),) and again.clerk == "Lê Văn Tám"


def test_init_refuses_existing_home_and_bad_values(tmp_path):
    home = Home(tmp_path / "h")
    init_home(home, agency_code="X1", agency_name="A")
    with pytest.raises(HomeError, match="refusing to overwrite"):
        init_home(home, agency_code="X1", agency_name="B")
    with pytest.raises(InvalidInput, match="desk number"):
        init_home(Home(tmp_path / "h2"), agency_code="X1", agency_name="A", desk_no=10)
    assert not (tmp_path / "h2" / "desk.toml").exists()
    for bad in ("", "a b", "X" * 36, "X..1", "Ư1"):
        with pytest.raises(InvalidInput):
            validate_agency_code(bad)


def test_broken_toml_is_explained(tmp_path):
    home = Home(tmp_path / "h")
    init_home(home, agency_code="X1", agency_name="A")
    home.config.write_text("[agency\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        load_settings(home)


def test_clock_honours_desk_now(monkeypatch):
    monkeypatch.setenv("DESK_NOW", "2026-11-23T09:15:30")
    assert clock.now() == datetime(2026, 11, 23, 9, 15, 30)
    monkeypatch.setenv("DESK_NOW", "tomorrow")
    with raises_problem(InvalidInput, "clock.bad_desk_now", says="DESK_NOW"):
        clock.now()
    monkeypatch.delenv("DESK_NOW")
    assert abs((clock.now() - datetime.now()).total_seconds()) < 5
