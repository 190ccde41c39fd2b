"""Issue 13 point 5 at the counter: identity numbers a clerk types are refused with the reason, or warned about."""

from __future__ import annotations

import pytest

from tests.conftest import new_cli_home, run_desk


@pytest.fixture
def cli_home(tmp_path):
    return new_cli_home(tmp_path / "h", desk_no=2)


def count(home) -> int:
    r = run_desk("search", "An", "--json", home=home)
    return len(__import__("json").loads(r.stdout))


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("001899012345", "4th digit 8 means born in 2399"),
        ("001230000001", "born in 2030, after this year (2026)"),
    ],
)
def test_intake_refuses_an_id_of_someone_not_born_yet(cli_home, number, words):
    r = run_desk("intake", "--procedure", "2.000815", "--name", "An", "--id-number", number, home=cli_home)
    assert r.returncode == 3
    assert words in r.stderr
    assert count(cli_home) == 0


def test_intake_takes_an_id_with_a_country_code_and_warns(cli_home):
    r = run_desk("intake", "--procedure", "2.000815", "--name", "An", "--id-number", "840099012345", home=cli_home)
    assert r.returncode == 0, r.stderr
    assert "warning" in r.stderr and "country code" in r.stderr
    assert count(cli_home) == 1


def test_intake_takes_an_old_id_card_and_says_it_lapsed(cli_home):
    r = run_desk("intake", "--procedure", "2.000815", "--name", "An", "--id-number", "123456789", home=cli_home)
    assert r.returncode == 0, r.stderr
    assert "lapsed on 01/01/2025" in r.stderr


def test_a_sex_and_year_mismatch_names_the_part_that_is_wrong(cli_home):
    args = ("intake", "--procedure", "2.000815", "--name", "An", "--id-number", "001099012345")
    r = run_desk(*args, "--sex", "Nữ", home=cli_home)
    assert r.returncode == 3 and "4th digit 0 means 'Nam', but the sex given is 'Nữ'" in r.stderr
    r = run_desk(*args, "--birth-date", "1998-05-01", home=cli_home)
    assert r.returncode == 3 and "5th–6th digits 99 mean born in 1999, but the birth date is in 1998" in r.stderr
