"""Vietnamese wording of the forms, and how dates, times and money are written on paper.

Dates follow Nghị định 30/2020/NĐ-CP (văn bản hành chính): a day below 10 and
the months 1 and 2 take a leading zero ("ngày 05 tháng 01 năm 2026",
"ngày 22 tháng 11 năm 2026"); times are "09 giờ 30 phút".
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from desk.models import DEFAULT_UNIT_NAME, Agency, ApplicantKind, Delivery, IdKind
from desk.rules.forms import FORMS

# form titles: the names of Phụ lục I, Thông tư 03/2025/TT-VPCP (DOMAIN.md), upper case on paper
TITLE_RECEIPT = FORMS["receipt"].title.upper()  # Mẫu 01
TITLE_SUPPLEMENT = FORMS["supplement"].title.upper()  # Mẫu 02
TITLE_REFUSAL = FORMS["refusal"].title.upper()  # Mẫu 03
TITLE_APOLOGY = FORMS["apology"].title.upper()  # Mẫu 04
TITLE_STOP = FORMS["stop"].title.upper()  # Mẫu 05
TITLE_CONTROL = FORMS["control"].title.upper()  # Mẫu 06
TITLE_REGISTER = FORMS["register"].title.upper()  # Mẫu 07

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGN_HINT = "(Ký và ghi rõ họ tên)"
SIGN_APPLICANT = "NGƯỜI NỘP HỒ SƠ"
SIGN_CLERK = "NGƯỜI TIẾP NHẬN HỒ SƠ"
SIGN_GUIDE = "NGƯỜI HƯỚNG DẪN"
SIGN_HEAD = "THỦ TRƯỞNG CƠ QUAN"
SIGN_HEAD_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"
BLANK = "……"  # a value left for the clerk to write by hand

COPY_PURPOSE = {1: "giao người nộp hồ sơ", 2: "lưu kèm hồ sơ"}

ID_LABELS = {
    IdKind.PERSONAL_ID: "Số định danh cá nhân",
    IdKind.OLD_ID: "Số chứng minh nhân dân",
    IdKind.TAX_CODE: "Mã số thuế",
    IdKind.PASSPORT: "Số hộ chiếu",
}

APPLICANT_KINDS = {
    ApplicantKind.BUSINESS: "tổ chức, doanh nghiệp",
    ApplicantKind.STATE_AGENCY: "cơ quan nhà nước",
    ApplicantKind.OTHER_ORG: "tổ chức",
    ApplicantKind.FOREIGNER: "người nước ngoài",
}
"""Said after the applicant's name on the receipt; a citizen (công dân) is the rule and goes unsaid."""

# Mẫu 07 columns, as in the Sổ theo dõi hồ sơ
REGISTER_COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Tên TTHC",
    "Số lượng hồ sơ (bộ)",
    "Tên tổ chức, cá nhân",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Ngày nhận",
    "Hẹn trả",
    "Chuyển hồ sơ",
    "Ngày có kết quả",
    "Trả kết quả",
    "Ghi chú",
)


def nfc(text: object) -> str:
    """Text as it goes on paper: NFC, control characters dropped."""
    s = unicodedata.normalize("NFC", "" if text is None else str(text))
    if s.isprintable():
        return s
    # control and format characters go; line breaks and no-break spaces stay
    return "".join(ch if ch in "\n\u00a0" or not unicodedata.category(ch).startswith("C") else " " for ch in s)


def _day(d: int) -> str:
    return f"{d:02d}"


def _month(m: int) -> str:
    return f"{m:02d}" if m < 3 else str(m)


def date_vi(d: date | datetime) -> str:
    """ "ngày 22 tháng 11 năm 2026" (leading zeros as Nghị định 30/2020 wants)."""
    return f"ngày {_day(d.day)} tháng {_month(d.month)} năm {d.year}"


def time_vi(t: datetime) -> str:
    """ "09 giờ 30 phút"."""
    return f"{t.hour:02d} giờ {t.minute:02d} phút"


def datetime_vi(t: datetime | None) -> str:
    """ "09 giờ 30 phút, ngày 22 tháng 11 năm 2026", or a blank to fill by hand."""
    if t is None:
        return f"{BLANK} giờ {BLANK} phút, ngày {BLANK} tháng {BLANK} năm {BLANK}"
    return f"{time_vi(t)}, {date_vi(t)}"


def place_date(place: str, d: date | datetime) -> str:
    """ "Hà Nội, ngày 22 tháng 11 năm 2026" (the place left blank when unknown)."""
    return f"{nfc(place).strip() or BLANK}, {date_vi(d)}"


def period_vi(date_from: date, date_to: date) -> str:
    """ "Ngày 22 tháng 11 năm 2026", or "Từ ngày … đến ngày …" for a range."""
    if date_from == date_to:
        return date_vi(date_from).capitalize()
    return f"Từ {date_vi(date_from)} đến {date_vi(date_to)}"


def decimal_vi(value: float) -> str:
    """ "2,5" (one decimal, the decimal comma)."""
    return f"{value:.1f}".replace(".", ",")


def percent_vi(value: float | None) -> str:
    """ "96,5 %"; "—" for a rate that is undefined (nothing to divide by)."""
    if value is None:
        return "—"
    return decimal_vi(value * 100) + " %"


def short_datetime(t: datetime | None) -> str:
    """ "22/11/2026 09:30" for table cells."""
    return t.strftime("%d/%m/%Y %H:%M") if t else ""


def money_vi(amount: int) -> str:
    """ "8.000 đ"."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,}".replace(",", ".") + " đ"


def count_vi(n: int) -> str:
    """Counts as forms write them: "01", "12"."""
    return f"{n:02d}"


def unit_of(agency: Agency) -> str:
    """The counter in running text: "Trung tâm Phục vụ hành chính công, UBND xã Minh Khai" (the unit is a setting)."""
    return f"{nfc(agency.unit_name).strip() or DEFAULT_UNIT_NAME}, {nfc(agency.name).strip()}"


def delivery_vi(delivery: Delivery, agency: Agency, address: str = "") -> str:
    if delivery is Delivery.POST:
        where = f" đến địa chỉ: {nfc(address)}" if address.strip() else ""
        return f"Qua dịch vụ bưu chính công ích{where}"
    return unit_of(agency)


def copy_label(n: int) -> str:
    """ "(Liên 1: giao người nộp hồ sơ)"."""
    purpose = COPY_PURPOSE.get(n)
    return f"(Liên {n}: {purpose})" if purpose else f"(Liên {n})"
