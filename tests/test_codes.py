from datetime import date

import pytest

from db import open_db, write_transaction
from desk.dossier import numbering
from desk.rules import codes
from tests.problem_helpers import raises_problem


@pytest.fixture
def db(tmp_path):
    d = open_db(tmp_path / "t.sqlite3")
    yield d
    d.conn.close()


def take(db, desk_no, day=date(2026, 11, 22), agency="000.00.12.H29"):
    with write_transaction(db):
        return numbering.next_code(db, agency, desk_no, day)


def test_format_matches_the_circular():
    assert codes.format_code("000.00.12.H29", date(2026, 11, 22), 7) == "000.00.12.H29-261122-0007"


def test_desk_n_issues_n001_to_n999():
    assert codes.partition(1) == (1001, 1999)
    assert codes.partition(9) == (9001, 9999)
    assert codes.partition(0) == (1, 9999)
    with pytest.raises(Exception):
        codes.partition(10)


def test_codes_per_desk_never_collide(db):
    a = [take(db, 1) for _ in range(3)]
    b = [take(db, 2) for _ in range(3)]
    assert a == ["000.00.12.H29-261122-1001", "000.00.12.H29-261122-1002", "000.00.12.H29-261122-1003"]
    assert b == ["000.00.12.H29-261122-2001", "000.00.12.H29-261122-2002", "000.00.12.H29-261122-2003"]


def test_counter_resets_each_day(db):
    assert take(db, 3, date(2026, 11, 22)).endswith("261122-3001")
    assert take(db, 3, date(2026, 11, 22)).endswith("261122-3002")
    assert take(db, 3, date(2026, 11, 23)).endswith("261123-3001")


def test_single_desk_agency_uses_four_digits(db):
    assert take(db, 0).endswith("-0001")


def test_running_out_is_an_error_never_a_duplicate(db):
    db.execute(
        "INSERT INTO code_counters(agency_code, day, desk_no, last) VALUES (?,?,?,?)",
        ("000.00.12.H29", "2026-11-22", 4, 998),
    )
    assert take(db, 4).endswith("-4999")
    with raises_problem(numbering.CodesExhausted, "codes.exhausted", says="all 999 dossier codes"):
        take(db, 4)
    # the failed attempt rolled back: the counter did not move past the end
    assert db.execute("SELECT last FROM code_counters WHERE desk_no = 4").fetchone()[0] == 999


def test_parse_code_round_trip():
    p = codes.parse_code("000.00.12.H29-261122-2015")
    assert p.agency == "000.00.12.H29" and p.day == date(2026, 11, 22) and p.seq == 2015 and p.desk_no == 2
    assert codes.parse_code("H56.14-261122-0001").agency == "H56.14"
    assert codes.parse_code("not a code") is None
    assert codes.parse_code("X-261340-0001") is None  # month 13
