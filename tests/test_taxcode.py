"""desk.rules.taxcode (an organisation's tax code) and desk.rules.passport (a foreigner's passport)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.errors import InvalidInput
from desk.rules.passport import check_passport
from desk.rules.taxcode import check_tax_code

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
"""The tax office's weights over the first nine digits: the tests' own oracle, beside the library the rule uses."""


def check_digit(first_nine: str) -> int | None:
    check = 10 - sum(w * int(d) for w, d in zip(WEIGHTS, first_nine)) % 11
    return None if check == 10 else check


def make_tax_code(first_nine: str) -> str | None:
    check = check_digit(first_nine)
    return None if check is None else first_nine + str(check)


def test_known_real_tax_codes() -> None:
    # published codes of large companies (Viettel, Vinamilk, FPT) and a branch
    for code in ("0100109106", "0300588569", "0101248141", "0314409058-002"):
        assert check_tax_code(code) == code


def test_check_digit_rule() -> None:
    assert check_digit("010010910") == 6
    assert check_tax_code("0100109106") == "0100109106"
    with pytest.raises(InvalidInput) as exc:
        check_tax_code("0100109107")
    assert exc.value.problem.code == "tax_code.check_digit" and exc.value.field == "tax_code"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_constructed_tax_codes(first_nine: str) -> None:
    code = make_tax_code(first_nine)
    if code is None or first_nine[2:] == "0000000":
        for digit in "0123456789":
            with pytest.raises(InvalidInput):
                check_tax_code(first_nine + digit)
        return
    assert check_tax_code(code) == code
    assert check_tax_code(f"{code}-001") == f"{code}-001"
    wrong = first_nine + str((int(code[9]) + 1) % 10)
    with pytest.raises(InvalidInput) as exc:
        check_tax_code(wrong)
    assert exc.value.field == "tax_code"


def test_a_sequence_of_zeros_is_no_tax_code() -> None:
    with pytest.raises(InvalidInput) as exc:
        check_tax_code("0100000000")
    assert exc.value.problem.code == "tax_code.sequence_zero"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (" 0100109106 ", "0100109106"),
        ("0100109106-012", "0100109106-012"),
        ("0100109106 - 012", "0100109106-012"),
        ("0100109106012", "0100109106-012"),
        ("0100.109.106", "0100109106"),
    ],
)
def test_tax_code_forms(typed: str, expected: str) -> None:
    assert check_tax_code(typed) == expected


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ("", "text.required"),
        ("010010910", "tax_code.shape"),
        ("01001091066", "tax_code.shape"),
        ("0100109106-01", "tax_code.shape"),
        ("0100109106-0001", "tax_code.shape"),
        ("0100109106-000", "tax_code.branch_zero"),
        ("0100109107", "tax_code.check_digit"),
        ("010010910X", "tax_code.shape"),
        ("0100109106_001", "tax_code.shape"),
    ],
)
def test_bad_tax_codes(bad: str, code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        check_tax_code(bad)
    assert exc.value.problem.code == code


@given(st.text(max_size=30))
def test_check_tax_code_only_raises_invalid_input(text: str) -> None:
    try:
        check_tax_code(text)
    except InvalidInput:
        pass


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("C1234567", "C1234567"), ("c 123 4567", "C1234567"), ("AB-1234567", "AB1234567"), ("123456789", "123456789")],
)
def test_passport_numbers_are_kept_as_printed_in_upper_case(typed: str, expected: str) -> None:
    assert check_passport(typed) == expected


@pytest.mark.parametrize("bad", ["Nguyễn Văn An", "C123/4567", "C1234567|x"])
def test_a_passport_number_has_letters_and_digits_only(bad: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        check_passport(bad)
    assert exc.value.problem.code == "passport.shape" and exc.value.field == "passport"
