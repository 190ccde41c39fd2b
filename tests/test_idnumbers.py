"""desk.rules.idnumbers: personal ID, old ID, phone, sex (SPEC §5 "ID numbers")."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.cli.wording import describe
from desk.errors import InvalidInput
from desk.models import IdKind
from desk.rules.idnumbers import (
    OLD_ID_WARNING,
    PROVINCES,
    check_id_number,
    normalise_phone,
    sex_from_text,
)


def personal_id(province: str = "001", year: int = 1999, sex: str = "Nam", rest: str = "012345") -> str:
    g = (year // 100 - 19) * 2 + (0 if sex == "Nam" else 1)
    return f"{province}{g}{year % 100:02d}{rest}"


# -- province codes ------------------------------------------------------------


def test_province_table_is_the_full_list() -> None:
    assert len(PROVINCES) == 63
    assert PROVINCES["001"] == "Hà Nội"
    assert PROVINCES["079"] == "TP Hồ Chí Minh"
    assert PROVINCES["096"] == "Cà Mau"
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCES)


@pytest.mark.parametrize("code", sorted(PROVINCES))
def test_every_province_code_is_accepted(code: str) -> None:
    result = check_id_number(personal_id(code))
    assert result.kind is IdKind.PERSONAL_ID
    assert result.province == PROVINCES[code]
    assert result.warnings == ()


@pytest.mark.parametrize(
    "code",
    ["000", "003", "005", "009", "013", "016", "018", "021", "039", "047", "050", "097", "099", "100", "999"],
)
def test_an_unknown_place_code_is_a_warning_not_a_refusal(code: str) -> None:
    # born abroad: the first three digits may be a country's code (Luật Căn cước 2023, NĐ 70/2024)
    result = check_id_number(code + "099012345")
    assert result.kind is IdKind.PERSONAL_ID and result.number == code + "099012345"
    assert [w.code for w in result.warnings] == ["id_number.place_unknown"]
    assert result.warnings[0].params["place"] == code and result.province == ""
    words = describe(result.warnings[0])
    assert code in words and "country code" in words


# -- century and sex digit ------------------------------------------------------


@pytest.mark.parametrize(
    ("g", "year", "sex"),
    [
        (0, 1900, "Nam"),
        (1, 1999, "Nữ"),
        (2, 2000, "Nam"),
        (3, 2024, "Nữ"),
    ],
)
def test_century_digit_matches_birth_year_and_sex(g: int, year: int, sex: str) -> None:
    number = f"036{g}{year % 100:02d}000123"
    result = check_id_number(number, birth_date=date(year, 6, 15), sex=sex)
    assert result.number == number
    assert result.sex == sex
    assert result.birth_year == year


def test_without_birth_date_or_sex_the_encoded_values_are_reported() -> None:
    result = check_id_number("079304000123")
    assert (result.sex, result.birth_year, result.province) == ("Nữ", 2004, "TP Hồ Chí Minh")


@pytest.mark.parametrize(
    ("number", "year"),
    [("001099012345", 2099), ("001299012345", 1999), ("001200012345", 2100)],
)
def test_century_mismatch(number: str, year: int) -> None:
    with pytest.raises(InvalidInput) as exc:
        check_id_number(number, birth_date=date(year, 1, 1))
    assert exc.value.field == "id_number"
    assert exc.value.problem.code == "id_number.century" and exc.value.problem.params["year"] == year
    assert "4th digit" in describe(exc.value.problem) and str(year) in describe(exc.value.problem)


@pytest.mark.parametrize("g", [4, 5, 6, 7, 8, 9])
def test_century_digits_4_to_9_are_refused_with_the_reason(g: int) -> None:
    number = f"001{g}99012345"
    with pytest.raises(InvalidInput) as exc:
        check_id_number(number)
    problem = exc.value.problem
    assert problem.code == "id_number.century_digit" and problem.field == "id_number"
    year = 1900 + 100 * (g // 2) + 99
    assert problem.params["digit"] == g and problem.params["year"] == year
    assert f"4th digit {g}" in describe(problem) and str(year) in describe(problem)


def test_the_issue_s_two_ids_are_refused() -> None:
    # issue 13: 001899012345 (century digit 8: born 2399) and 001230000001 (born 2030) were accepted
    with pytest.raises(InvalidInput) as exc:
        check_id_number("001899012345", today=date(2026, 11, 23))
    assert exc.value.problem.code == "id_number.century_digit"
    assert "2399" in describe(exc.value.problem)
    with pytest.raises(InvalidInput) as exc:
        check_id_number("001230000001", today=date(2026, 11, 23))
    assert exc.value.problem.code == "id_number.born_later"
    assert exc.value.problem.params["year"] == 2030 and "2030" in describe(exc.value.problem)
    assert "2026" in describe(exc.value.problem)


def test_a_birth_year_of_this_year_is_accepted_and_next_year_is_not() -> None:
    assert check_id_number("001226012345", today=date(2026, 1, 1)).birth_year == 2026
    with pytest.raises(InvalidInput) as exc:
        check_id_number("001227012345", today=date(2026, 12, 31))
    assert exc.value.problem.code == "id_number.born_later"


def test_year_mismatch() -> None:
    with pytest.raises(InvalidInput) as exc:
        check_id_number("001099012345", birth_date=date(1998, 1, 1))
    assert exc.value.problem.code == "id_number.year"
    assert "1999" in describe(exc.value.problem) and "1998" in describe(exc.value.problem)


@pytest.mark.parametrize(
    ("number", "sex"),
    [("001099012345", "Nữ"), ("001199012345", "Nam"), ("001399012345", "male"), ("001299012345", "F")],
)
def test_sex_mismatch(number: str, sex: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        check_id_number(number, sex=sex)
    assert exc.value.problem.code == "id_number.sex"
    assert "sex" in describe(exc.value.problem)


def test_both_mismatches_are_named() -> None:
    with pytest.raises(InvalidInput) as exc:
        check_id_number("001099012345", birth_date=date(1998, 1, 1), sex="Nữ")
    assert exc.value.problem.code == "id_number.year_and_sex"
    assert "1998" in describe(exc.value.problem) and "Nữ" in describe(exc.value.problem)


def test_birth_year_that_cannot_be_encoded() -> None:
    with pytest.raises(InvalidInput):
        check_id_number("001099012345", birth_date=date(1899, 1, 1))


def test_empty_sex_is_not_checked() -> None:
    assert check_id_number("001099012345", sex="").sex == "Nam"


@pytest.mark.parametrize(
    "typed", ["001 099 012 345", "001.099.012.345", "001-099-012-345", " 001099012345\n", "\u200b001099012345"]
)
def test_separators_are_removed(typed: str) -> None:
    assert check_id_number(typed).number == "001099012345"


# -- old ID and rubbish --------------------------------------------------------


def test_nine_digit_old_id_is_accepted_with_a_warning() -> None:
    result = check_id_number("123 456 789")
    assert result.kind is IdKind.OLD_ID
    assert result.number == "123456789"
    assert result.warnings == (OLD_ID_WARNING,)
    assert OLD_ID_WARNING.code == "id_number.old_id" and "12-digit" in describe(OLD_ID_WARNING)
    assert "lapsed on 01/01/2025" in describe(OLD_ID_WARNING)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "12345678",
        "1234567890",
        "00109901234",
        "0010990123456",
        "00109901234A",
        "B12345678",
        "001099012345/1",
    ],
)
def test_other_shapes_are_rejected(bad: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        check_id_number(bad)
    assert exc.value.field == "id_number"


@given(st.text(max_size=30))
def test_check_id_number_only_raises_invalid_input(text: str) -> None:
    try:
        check_id_number(text)
    except InvalidInput:
        pass


# -- phones --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("0312345678", "0312345678"),
        ("0587 654 321", "0587654321"),
        ("070 1234567", "0701234567"),
        ("0888 888 888", "0888888888"),
        ("024 3825 1234", "02438251234"),
        ("(028) 3829 1234", "02838291234"),
        ("+84 24 3825 1234", "02438251234"),
        ("0236 3822 123", "02363822123"),
        ("0203 382 123", "0203382123"),
    ],
)
def test_phone_formats(typed: str, expected: str) -> None:
    assert normalise_phone(typed) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "091234567",
        "09123456789",
        "912345678",
        "+1 212 555 0100",
        "0123456789",
        "0412345678",
        "0612345678",
        "1900 1234",
        "024 382 51",
        "024382512345",
        "0912abc678",
        "+84",
    ],
)
def test_bad_phones(bad: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        normalise_phone(bad)
    assert exc.value.field == "phone"


# -- sex -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Nam", "Nam"),
        ("nam", "Nam"),
        ("NAM", "Nam"),
        ("M", "Nam"),
        ("male", "Nam"),
        ("Male ", "Nam"),
        ("Nữ", "Nữ"),
        ("nữ", "Nữ"),
        ("nu", "Nữ"),
        ("NU", "Nữ"),
        ("F", "Nữ"),
        ("female", "Nữ"),
        ("Nu\u031b\u0303", "Nữ"),
    ],
)
def test_sex_from_text(typed: str, expected: str) -> None:
    assert sex_from_text(typed) == expected


@pytest.mark.parametrize("bad", ["", "x", "other", "namnu"])
def test_sex_from_text_rejects(bad: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        sex_from_text(bad)
    assert exc.value.field == "sex"
