"""Identity numbers, tax codes, phone numbers and sex (SPEC §5 "ID numbers").

The 12-digit personal identification number is ``PPP G YY RRRRRR``
(DOMAIN.md): province of birth registration, century-and-sex digit, last two
digits of the birth year, random part; it has no check digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desk.errors import InvalidInput
from desk.models import IdKind
from desk.text import LIMITS, fold, sanitise

PROVINCES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa–Vũng Tàu",
    "079": "TP Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}
"""Province codes of the personal ID (Thông tư 07/2016/TT-BCA), code -> name."""

OLD_ID_WARNING = (
    "This is a 9-digit old ID card number (CMND), which is no longer valid; "
    "please ask the applicant for the 12-digit personal identification number."
)

MALE = "Nam"
FEMALE = "Nữ"

_SEPARATORS = re.compile(r"[\s.\-]")
_DIGITS = re.compile(r"[0-9]+")
_FIRST_CENTURY = 1900  # G = 0/1
_LAST_CENTURY = 2300  # G = 8/9


@dataclass(frozen=True)
class IdCheck:
    """The outcome of checking an identity number that was accepted."""

    number: str
    """The number with separators removed (digits only)."""
    kind: IdKind
    """``PERSONAL_ID`` for 12 digits, ``OLD_ID`` for 9."""
    warnings: tuple[str, ...] = ()
    """Messages to show the clerk; the number is still accepted."""
    province: str = ""
    """Province of birth registration (12-digit numbers only)."""
    sex: str = ""
    """"Nam" or "Nữ" as encoded in the number (12-digit numbers only)."""
    birth_year: int | None = None
    """Birth year as encoded in the number (12-digit numbers only)."""


def sex_from_text(text: str) -> str:
    """"Nam" or "Nữ" from what a person or scanner typed (Nam/Nữ/nu/M/F/male/female)."""
    key = fold(sanitise(text, field="sex", max_len=20))
    if key in ("nam", "m", "male", "trai"):
        return MALE
    if key in ("nu", "f", "female", "gai"):
        return FEMALE
    raise InvalidInput(f"Sex must be 'Nam' or 'Nữ', not {text.strip()!r}.", field="sex")


def _digits_only(text: str, *, field: str, what: str) -> str:
    cleaned = sanitise(text, field=field, max_len=LIMITS[field], required=True)
    number = _SEPARATORS.sub("", cleaned)
    if not _DIGITS.fullmatch(number):
        raise InvalidInput(
            f"The {what} may contain only digits (spaces, dots and dashes are ignored): {cleaned!r}.",
            field=field,
        )
    return number


def check_id_number(
    number: str, *, birth_date: date | None = None, sex: str | None = None
) -> IdCheck:
    """Check a personal ID (12 digits) or an old ID card number (9 digits).

    With ``birth_date`` and/or ``sex`` the century/sex digit and the birth year
    in the number must agree with them. Raises ``InvalidInput(field="id_number")``.
    """
    digits = _digits_only(number, field="id_number", what="ID number")
    if len(digits) == 9:
        return IdCheck(digits, IdKind.OLD_ID, (OLD_ID_WARNING,))
    if len(digits) != 12:
        raise InvalidInput(
            f"An ID number has 12 digits (9 on an old ID card), but {digits} has {len(digits)}.",
            field="id_number",
        )
    code = digits[:3]
    if code not in PROVINCES:
        raise InvalidInput(
            f"{digits} starts with {code}, which is not a province code; check the first three digits.",
            field="id_number",
        )
    g = int(digits[3])
    century = _FIRST_CENTURY + 100 * (g // 2)
    encoded_sex = MALE if g % 2 == 0 else FEMALE
    encoded_year = century + int(digits[4:6])

    problems: list[str] = []
    if birth_date is not None:
        year = birth_date.year
        if not _FIRST_CENTURY <= year < _LAST_CENTURY + 100:
            raise InvalidInput(
                f"A birth year of {year} cannot be encoded in a personal ID number.",
                field="birth_date",
            )
        if year // 100 * 100 != century:
            problems.append(
                f"its 4th digit {g} means born in the {century}s, but the birth date is in {year}"
            )
        elif year != encoded_year:
            problems.append(
                f"its 5th–6th digits {digits[4:6]} mean born in {encoded_year}, "
                f"but the birth date is in {year}"
            )
    if sex:
        given_sex = sex_from_text(sex)
        if given_sex != encoded_sex:
            problems.append(f"its 4th digit {g} means '{encoded_sex}', but the sex given is '{given_sex}'")
    if problems:
        raise InvalidInput(
            f"The ID number {digits} does not match the applicant: " + "; ".join(problems) + ".",
            field="id_number",
        )
    return IdCheck(
        digits,
        IdKind.PERSONAL_ID,
        province=PROVINCES[code],
        sex=encoded_sex,
        birth_year=encoded_year,
    )


TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
"""Weights of the tax-code check digit over the first nine digits."""


def tax_check_digit(first_nine: str) -> int | None:
    """The 10th digit a tax code must have, or None when no valid code starts so."""
    check = 10 - sum(w * int(d) for w, d in zip(TAX_WEIGHTS, first_nine, strict=True)) % 11
    return None if check == 10 else check


def check_tax_code(code: str) -> str:
    """Check an organisation's tax code (mã số thuế) and return it normalised.

    Accepts ``NNNNNNNNNN`` or ``NNNNNNNNNN-BBB`` (a branch); spaces and dots are
    ignored and 13 bare digits are read as a branch code. Raises
    ``InvalidInput(field="tax_code")``.
    """
    cleaned = sanitise(code, field="tax_code", max_len=LIMITS["tax_code"], required=True)
    compact = re.sub(r"[\s.]", "", cleaned)
    match = re.fullmatch(r"([0-9]{10})(?:-?([0-9]{3}))?", compact)
    if not match:
        raise InvalidInput(
            f"A tax code has 10 digits, or 10 digits, a dash and 3 digits for a branch; got {cleaned!r}.",
            field="tax_code",
        )
    main, branch = match.groups()
    if tax_check_digit(main[:9]) != int(main[9]):
        raise InvalidInput(
            f"The tax code {main} is not valid: its check digit (the 10th) does not match; "
            "check for a mistyped digit.",
            field="tax_code",
        )
    if branch == "000":
        raise InvalidInput(f"A branch number runs from 001 to 999, not 000 ({cleaned!r}).", field="tax_code")
    return f"{main}-{branch}" if branch else main


_MOBILE_PREFIXES = ("03", "05", "07", "08", "09")


def normalise_phone(text: str) -> str:
    """A Vietnamese phone number as digits with the leading 0.

    "+84 912 345 678", "84912345678", "0912.345.678" -> "0912345678";
    "024 3825 1234" -> "02438251234". Mobile numbers have 10 digits and a
    03/05/07/08/09 prefix; landlines start with 02 and have 10 or 11 digits.
    Raises ``InvalidInput(field="phone")``.
    """
    cleaned = sanitise(text, field="phone", max_len=LIMITS["phone"], required=True)
    number = re.sub(r"[\s.\-()/]", "", cleaned)
    if number.startswith("+") and not number.startswith("+84"):
        raise InvalidInput(
            f"Only Vietnamese phone numbers (+84) are accepted, not {cleaned!r}.", field="phone"
        )
    for prefix in ("+84", "0084", "84"):
        # a bare 84 is the country code only when what follows is long enough
        if number.startswith(prefix) and (prefix != "84" or len(number) >= 11):
            national = number[len(prefix) :]
            # "+84 (0)912..." keeps its trunk zero
            number = national if national.startswith("0") else "0" + national
            break
    if not _DIGITS.fullmatch(number):
        raise InvalidInput(f"A phone number may contain only digits: {cleaned!r}.", field="phone")
    if number.startswith(_MOBILE_PREFIXES):
        if len(number) == 10:
            return number
        raise InvalidInput(
            f"A mobile number has 10 digits starting with 0, but {cleaned!r} has {len(number)}.",
            field="phone",
        )
    if number.startswith("02"):
        if len(number) in (10, 11):
            return number
        raise InvalidInput(
            f"A landline number has 10 or 11 digits with the area code, but {cleaned!r} has {len(number)}.",
            field="phone",
        )
    raise InvalidInput(
        f"{cleaned!r} is not a Vietnamese phone number: mobiles start with 03, 05, 07, 08 or 09 "
        "and landlines with 02 and the area code.",
        field="phone",
    )
