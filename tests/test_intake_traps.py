"""Intake warns, without blocking, on a second open dossier of one applicant and procedure the same day,
and on an intake on a day off in the desk's calendar."""

import pytest

from desk.cli.wording import describe
from desk.dossier import lifecycle
from desk.dossier.intake import ApplicantInput, IntakeRequest, applicant_from_scan, receive
from tests.conftest import new_cli_home, run_desk

SCAN = "001099012345|123456789|Nguyễn Văn An|01011999|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội|15082021"


def codes_of(warnings, code):
    return [w for w in warnings if w.code == code]


def test_same_id_and_procedure_open_today_warns_naming_the_dossier(desk):
    first, warnings = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    assert not codes_of(warnings, "intake.same_open_today")
    second, warnings = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))  # not blocked
    [warning] = codes_of(warnings, "intake.same_open_today")
    assert warning.params["codes"] == (first.code,) and warning.field == "id_number"
    assert first.code in describe(warning) and second.code != first.code


def test_other_procedure_other_person_or_a_closed_dossier_do_not_warn(desk):
    first, _ = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    other_person = ApplicantInput(name="Trần Thị Bình", id_number="001199012346", birth_date="01/01/1999", sex="Nữ")
    _, warnings = receive(desk, IntakeRequest("1.001193", other_person))
    assert not codes_of(warnings, "intake.same_open_today")
    _, warnings = receive(desk, IntakeRequest("2.000815", applicant_from_scan(SCAN)))
    assert not codes_of(warnings, "intake.same_open_today")
    lifecycle.withdraw(desk, first.code)
    _, warnings = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    assert not codes_of(warnings, "intake.same_open_today")


def test_yesterdays_dossier_does_not_warn(desk, now):
    now("2026-11-20T09:00")  # a Friday
    receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    now("2026-11-23T09:00")
    _, warnings = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    assert not codes_of(warnings, "intake.same_open_today")


def test_the_same_open_query_uses_the_id_number_index(desk):
    from db import queries

    plan = desk.db.execute(
        "EXPLAIN QUERY PLAN SELECT code FROM dossiers INDEXED BY dossiers_id_number WHERE id_number = ? "
        "AND procedure_code = ? AND desk_id = ? AND received_at >= ? AND received_at < ? "
        f"AND status NOT IN ({', '.join('?' for _ in queries.CLOSED_STATUSES)})",
        ("1", "p", "d", "a", "b", *queries.CLOSED_STATUSES),
    ).fetchall()
    details = " ".join(str(r[-1]) for r in plan)
    assert "USING INDEX dossiers_id_number (id_number=?)" in details and "SCAN dossiers" not in details
    assert queries.open_same_day(desk.db, desk.desk_id, "1", "p", "a", "b") == []


def test_intake_on_a_sunday_or_a_holiday_warns(desk, now):
    now("2026-11-22T09:00")  # a Sunday (an extended opening)
    d, warnings = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    [warning] = codes_of(warnings, "intake.day_off")
    assert describe(warning).startswith("22/11/2026 is a day off")
    assert d.code  # taken in all the same
    now("2026-09-02T09:00")  # Quốc khánh
    _, warnings = receive(desk, IntakeRequest("1.001193", ApplicantInput(name="Lê Văn Cường")))
    [warning] = codes_of(warnings, "intake.holiday")
    assert "Quốc khánh" in describe(warning)
    now("2026-11-23T09:00")  # a Monday
    _, warnings = receive(desk, IntakeRequest("1.001193", ApplicantInput(name="Lê Văn Cường")))
    assert not codes_of(warnings, "intake.day_off") and not codes_of(warnings, "intake.holiday")


@pytest.fixture
def cli_home(tmp_path):
    return new_cli_home(tmp_path / "h", desk_no=1)


def test_cli_intake_prints_the_warnings_and_succeeds(cli_home, now):
    now("2026-11-22T09:00")
    first = run_desk("intake", "--procedure", "1.001193", "--scan", SCAN, home=cli_home)
    assert first.returncode == 0, first.stderr
    code = first.stdout.split()[0]
    assert "22/11/2026 is a day off" in first.stderr
    second = run_desk("intake", "--procedure", "1.001193", "--scan", SCAN, home=cli_home)
    assert second.returncode == 0, second.stderr
    assert f"open dossier of this procedure received that day at this desk: {code}" in second.stderr
