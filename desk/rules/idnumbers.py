"""Identity numbers, phone numbers and sex (SPEC §5 "ID numbers"); tax codes are ``desk.rules.taxcode``,
passports ``desk.rules.passport``.

The 12-digit personal identification number is ``PPP G YY RRRRRR``
(DOMAIN.md): province (or country) of birth registration, century-and-sex
digit, last two digits of the birth year, random part; it has no check digit.
Legal basis: Luật Căn cước 2023 (Điều 12: the 12-digit number) and Nghị định
70/2024/NĐ-CP; the structure of the digits is practice. Century digits 4–9
(born from 2100) and birth years after today are refused; an unknown place
code may be a country code (born abroad), so it is a warning; the 9-digit old
ID card (CMND) lapsed on 01/01/2025 and is accepted with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desk.errors import InvalidInput
from desk.models import IdKind
from desk.rules.problems import Problem, problem
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
"""Place codes of birth registration in the personal ID (Luật Căn cước 2023, NĐ 70/2024), code -> province.

The 63 provinces before the 2025 merger: a number keeps the code it was given.
"""

OLD_ID_WARNING = problem("id_number.old_id", field="id_number", lapsed="01/01/2025")
"""The warning of a 9-digit old ID card number (CMND): it lapsed on 01/01/2025 (Luật Căn cước 2023 Điều 46);
accepted, but the 12-digit number should be asked for."""

MALE = "Nam"
FEMALE = "Nữ"

_SEPARATORS = re.compile(r"[\s.\-]")
_DIGITS = re.compile(r"[0-9]+")
_FIRST_CENTURY = 1900  # G = 0/1
_LAST_CENTURY = 2300  # G = 8/9
_LAST_ISSUED_DIGIT = 3  # G = 2/3: born 2000–2099; 4–9 mean born from 2100, not yet possible


@dataclass(frozen=True)
class IdCheck:
    """The outcome of checking an identity number that was accepted."""

    number: str
    """The number with separators removed (digits only)."""
    kind: IdKind
    """``PERSONAL_ID`` for 12 digits, ``OLD_ID`` for 9."""
    warnings: tuple[Problem, ...] = ()
    """Problems to show the clerk; the number is still accepted."""
    province: str = ""
    """Province of birth registration (12-digit numbers only)."""
    sex: str = ""
    """"Nam" or "Nữ" as encoded in the number (12-digit numbers only)."""
    birth_year: int | None = None
    """Birth year as encoded in the number (12-digit numbers only)."""


def sex_from_text(text: str) -> str:
    """ "Nam" or "Nữ" from what a person or scanner typed (Nam/Nữ/nu/M/F/male/female)."""
    key = fold(sanitise(text, field="sex", max_len=20))
    if key in ("nam", "m", "male", "trai"):
        return MALE
    if key in ("nu", "f", "female", "gai"):
        return FEMALE
    raise InvalidInput("sex.invalid", field="sex", value=text.strip())


def check_id_number(
    number: str, *, birth_date: date | None = None, sex: str | None = None, today: date | None = None
) -> IdCheck:
    """Check a personal ID (12 digits) or an old ID card number (9 digits).

    With ``birth_date`` and/or ``sex`` the century/sex digit and the birth year
    in the number must agree with them. With ``today`` a birth year after today's
    is refused (the rules read no clock: the caller gives the date). Raises
    ``InvalidInput(field="id_number")``; an unknown place code and a 9-digit
    number are warnings of the :class:`IdCheck`.
    """
    cleaned = sanitise(number, field="id_number", max_len=LIMITS["id_number"], required=True)
    digits = _SEPARATORS.sub("", cleaned)
    if not _DIGITS.fullmatch(digits):
        raise InvalidInput("id_number.not_digits", field="id_number", value=cleaned)
    if len(digits) == 9:
        return IdCheck(digits, IdKind.OLD_ID, (OLD_ID_WARNING,))
    if len(digits) != 12:
        raise InvalidInput("id_number.length", field="id_number", number=digits, length=len(digits))
    code = digits[:3]
    warnings: tuple[Problem, ...] = ()
    if code not in PROVINCES:
        # born abroad: the code is the country's, not a province's
        warnings = (problem("id_number.place_unknown", field="id_number", number=digits, place=code),)
    g = int(digits[3])
    century = _FIRST_CENTURY + 100 * (g // 2)
    encoded_sex = MALE if g % 2 == 0 else FEMALE
    encoded_year = century + int(digits[4:6])
    if g > _LAST_ISSUED_DIGIT:
        raise InvalidInput(
            "id_number.century_digit", field="id_number", number=digits, digit=g, century=century, year=encoded_year
        )
    if today is not None and encoded_year > today.year:
        raise InvalidInput(
            "id_number.born_later",
            field="id_number",
            number=digits,
            year_digits=digits[4:6],
            year=encoded_year,
            this_year=today.year,
        )

    # what the number says against what the applicant gives: the birth year (its century
    # in the 4th digit, the rest in the 5th-6th) and the sex (the 4th digit's parity)
    year, given_sex = 0, ""
    century_wrong = year_wrong = sex_wrong = False
    if birth_date is not None:
        year = birth_date.year
        if not _FIRST_CENTURY <= year < _LAST_CENTURY + 100:
            raise InvalidInput("birth_date.not_encodable", field="birth_date", year=year)
        century_wrong = year // 100 * 100 != century
        year_wrong = not century_wrong and year != encoded_year
    if sex:
        given_sex = sex_from_text(sex)
        sex_wrong = given_sex != encoded_sex
    if century_wrong and sex_wrong:
        raise InvalidInput(
            "id_number.century_and_sex",
            field="id_number",
            number=digits,
            digit=g,
            century=century,
            century_last=century + 99,
            year=year,
            encoded_sex=encoded_sex,
            sex=given_sex,
        )
    if year_wrong and sex_wrong:
        raise InvalidInput(
            "id_number.year_and_sex",
            field="id_number",
            number=digits,
            digit=g,
            year_digits=digits[4:6],
            encoded_year=encoded_year,
            year=year,
            encoded_sex=encoded_sex,
            sex=given_sex,
        )
    if century_wrong:
        raise InvalidInput(
            "id_number.century",
            field="id_number",
            number=digits,
            digit=g,
            century=century,
            century_last=century + 99,
            year=year,
        )
    if year_wrong:
        raise InvalidInput(
            "id_number.year",
            field="id_number",
            number=digits,
            year_digits=digits[4:6],
            encoded_year=encoded_year,
            year=year,
        )
    if sex_wrong:
        raise InvalidInput(
            "id_number.sex", field="id_number", number=digits, digit=g, encoded_sex=encoded_sex, sex=given_sex
        )
    return IdCheck(
        digits,
        IdKind.PERSONAL_ID,
        warnings,
        province=PROVINCES.get(code, ""),
        sex=encoded_sex,
        birth_year=encoded_year,
    )


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
        raise InvalidInput("phone.foreign", field="phone", value=cleaned)
    for prefix in ("+84", "0084", "84"):
        # a bare 84 is the country code only when what follows is long enough
        if number.startswith(prefix) and (prefix != "84" or len(number) >= 11):
            national = number[len(prefix) :]
            # "+84 (0)912..." keeps its trunk zero
            number = national if national.startswith("0") else "0" + national
            break
    if not _DIGITS.fullmatch(number):
        raise InvalidInput("phone.not_digits", field="phone", value=cleaned)
    if number.startswith(_MOBILE_PREFIXES):
        if len(number) == 10:
            return number
        raise InvalidInput("phone.mobile_length", field="phone", value=cleaned, length=len(number))
    if number.startswith("02"):
        if len(number) in (10, 11):
            return number
        raise InvalidInput("phone.landline_length", field="phone", value=cleaned, length=len(number))
    raise InvalidInput("phone.not_vietnamese", field="phone", value=cleaned)
